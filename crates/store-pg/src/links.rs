//! Sign-up confirmations and password resets on PostgreSQL: single-use links stored as
//! hashes, their mails queued in the same transaction.

use sqlx::{PgConnection, PgPool};

/// An account by email, ignoring case: (id, active, confirmed).
pub async fn account_state(pool: &PgPool, email: &str) -> sqlx::Result<Option<(i64, bool, bool)>> {
    let row = sqlx::query!(
        "SELECT id, active, confirmed FROM users WHERE lower(email) = lower($1)",
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.active, r.confirmed)))
}

/// Queues a mail carrying a link (`token` kept until sent) in the recipient's language.
pub async fn queue_link(
    conn: &mut PgConnection,
    kind: &str,
    user_id: i64,
    token: &str,
    now: i64,
    language: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, recipient_id, secret, next_attempt_at, created_at,
                             language)
         VALUES ('hd-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24),
                 $1, $2, $3, $4, $4, $5)",
        kind,
        user_id,
        token,
        now,
        language
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Stores a reset link's hash (valid until `expires`) and queues its mail.
#[allow(clippy::too_many_arguments)]
pub async fn issue_reset(
    pool: &PgPool,
    kind: &str,
    user_id: i64,
    token: &str,
    hash: &str,
    now: i64,
    expires: i64,
    language: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        hash,
        user_id,
        now,
        expires
    )
    .execute(&mut *tx)
    .await?;
    queue_link(&mut tx, kind, user_id, token, now, language).await?;
    tx.commit().await
}

/// A new, unconfirmed customer with a confirmation link, and its mail; `None` if the
/// email was taken meanwhile (nothing more is said then).
#[allow(clippy::too_many_arguments)]
pub async fn register(
    pool: &PgPool,
    public_id: &str,
    email: &str,
    name: &str,
    password_hash: &str,
    token: &str,
    token_hash: &str,
    now: i64,
    expires: i64,
    language: &str,
) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar!(
        "INSERT INTO users (public_id, email, name, role, password_hash, confirmed, created_at,
                            updated_at)
         VALUES ($1, $2, $3, 'customer', $4, FALSE, $5, $5)
         ON CONFLICT ((lower(email))) DO NOTHING
         RETURNING id",
        public_id,
        email,
        name,
        password_hash,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = inserted else {
        return Ok(None);
    };
    sqlx::query!(
        "INSERT INTO signup_confirmations (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        token_hash,
        user_id,
        now,
        expires
    )
    .execute(&mut *tx)
    .await?;
    queue_link(&mut tx, "signup_confirm", user_id, token, now, language).await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// Confirms a sign-up (the link used up); its user.
pub async fn confirm(pool: &PgPool, hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    let user = sqlx::query_scalar!(
        "DELETE FROM signup_confirmations WHERE token_hash = $1 AND expires_at > $2
         RETURNING user_id",
        hash,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user else { return Ok(None) };
    sqlx::query!(
        "UPDATE users SET confirmed = TRUE, updated_at = $1 WHERE id = $2 AND active",
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// The active account with this email, ignoring case.
pub async fn active_user(pool: &PgPool, email: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT id FROM users WHERE lower(email) = lower($1) AND active",
        email
    )
    .fetch_optional(pool)
    .await
}

pub async fn reset_is_live(pool: &PgPool, hash: &str, now: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        "SELECT 1 AS one FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        hash,
        now
    )
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// Uses a reset link: the new password, the account confirmed, its sessions and other
/// links ended, in one transaction; false if the link is used, expired or unknown.
pub async fn redeem(
    pool: &PgPool,
    hash: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let user = sqlx::query_scalar!(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id",
        now,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user else {
        return Ok(false);
    };
    sqlx::query!(
        "UPDATE users SET password_hash = $1, updated_at = $2, confirmed = TRUE
         WHERE id = $3 AND active",
        password_hash,
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
