//! API tokens, integration keys and the setup link on PostgreSQL (hashes only).

use sqlx::PgPool;

/// A user's live tokens, newest first: (id, name, created_at, last_used_at).
pub async fn list_api_tokens(
    pool: &PgPool,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, i64, Option<i64>)>> {
    let rows = sqlx::query!(
        "SELECT id, name, created_at, last_used_at FROM api_tokens
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.created_at, r.last_used_at))
        .collect())
}

pub async fn revoke_api_token(
    pool: &PgPool,
    user_id: i64,
    token_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = $1
         WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        now,
        token_id,
        user_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The active user behind a live token: (token id, last used, user id, public id, email,
/// name, role).
pub type TokenUser = (i64, Option<i64>, i64, String, String, String, String);

pub async fn user_for_api_token(pool: &PgPool, hash: &str) -> sqlx::Result<Option<TokenUser>> {
    let row = sqlx::query!(
        "SELECT t.id AS token_id, t.last_used_at, u.id, u.public_id, u.email, u.name, u.role
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
        hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.token_id,
            r.last_used_at,
            r.id,
            r.public_id,
            r.email,
            r.name,
            r.role,
        )
    }))
}

pub async fn note_api_token_use(pool: &PgPool, token_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
        now,
        token_id
    )
    .execute(pool)
    .await
    .map(|_| ())
}

pub async fn integration_key_valid(pool: &PgPool, hash: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM integration_keys WHERE key_hash = $1 AND revoked_at IS NULL)
           AS "e!""#,
        hash
    )
    .fetch_one(pool)
    .await
}

/// Live integration keys, newest first: (id, name, created_at).
pub async fn list_integration_keys(pool: &PgPool) -> sqlx::Result<Vec<(i64, String, i64)>> {
    let rows = sqlx::query!(
        "SELECT id, name, created_at FROM integration_keys WHERE revoked_at IS NULL ORDER BY id DESC"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.created_at))
        .collect())
}

pub async fn revoke_integration_key(pool: &PgPool, id: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE integration_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        now,
        id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up the setup token and creates the first admin, in one transaction under the
/// setup table's lock (instances take turns); `None` if the token was used or never
/// existed, or an admin exists by now.
pub async fn consume_setup_token(
    pool: &PgPool,
    hash: &str,
    public_id: &str,
    email: &str,
    name: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    sqlx::query!("LOCK TABLE setup_tokens IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let used = sqlx::query!(
        "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        now,
        hash
    )
    .execute(&mut *tx)
    .await?;
    let admin =
        sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS "e!""#)
            .fetch_one(&mut *tx)
            .await?;
    if used.rows_affected() != 1 || admin {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, 'admin', $4, $5, $5) RETURNING id",
        public_id,
        email,
        name,
        password_hash,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}
