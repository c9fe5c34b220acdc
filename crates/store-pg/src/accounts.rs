//! Accounts and the secrets handed out once (API tokens, integration keys, the setup
//! link) on PostgreSQL. The rules (what a valid account is, hashing) stay in the app; these
//! functions store and read what it decided, each in one transaction.

use sqlx::postgres::PgPool;

/// An account to insert, already checked and with its password hashed.
pub struct NewUser<'a> {
    pub public_id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    /// `customer`, `agent` or `admin`.
    pub role: &'a str,
    pub password_hash: &'a str,
    pub now: i64,
}

/// Why an account was not inserted.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    /// Another account has this email, ignoring case (a unique index on `lower(email)`:
    /// two instances inserting the same address at once cannot both succeed).
    #[error("email taken")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Inserts an account; returns its id.
pub async fn insert_user(pool: &PgPool, user: NewUser<'_>) -> Result<i64, InsertUserError> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        user.public_id,
        user.email,
        user.name,
        user.role,
        user.password_hash,
        user.now,
    )
    .fetch_one(pool)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(InsertUserError::EmailTaken)
        }
        Err(e) => Err(e.into()),
    }
}

/// An account as login sees it.
pub struct LoginRow {
    pub id: i64,
    pub public_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub confirmed: bool,
}

/// The account with this email, ignoring case.
pub async fn find_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<LoginRow>> {
    sqlx::query_as!(
        LoginRow,
        "SELECT id, public_id, email, name, role, password_hash, active, confirmed
         FROM users WHERE lower(email) = lower($1)",
        email
    )
    .fetch_optional(pool)
    .await
}

/// Whether an active admin exists.
pub async fn admin_exists(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active) AS "e!""#
    )
    .fetch_one(pool)
    .await
}

/// Stores a personal API token's hash for `user_id`.
pub async fn insert_api_token(
    pool: &PgPool,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        user_id,
        name,
        token_hash,
        now
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// Stores an integration key's hash.
pub async fn insert_integration_key(
    pool: &PgPool,
    name: &str,
    key_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO integration_keys (name, key_hash, created_at) VALUES ($1, $2, $3)",
        name,
        key_hash,
        now
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// Makes `token_hash` the one unused setup token. Instances issuing at the same time take
/// turns (a lock on the table for the transaction), so exactly one link stays valid:
/// the last one printed.
pub async fn issue_setup_token(pool: &PgPool, token_hash: &str, now: i64) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("LOCK TABLE setup_tokens IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM setup_tokens WHERE used_at IS NULL")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)",
        token_hash,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Whether `token_hash` is an unused setup token.
pub async fn setup_token_valid(pool: &PgPool, token_hash: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL)
           AS "e!""#,
        token_hash
    )
    .fetch_one(pool)
    .await
}

pub async fn password_hash(pool: &PgPool, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user_id)
        .fetch_optional(pool)
        .await
}

/// A user's chosen (time zone, language).
pub async fn preferences(
    pool: &PgPool,
    user_id: i64,
) -> sqlx::Result<Option<(Option<String>, Option<String>)>> {
    let row = sqlx::query!(
        "SELECT time_zone, language FROM users WHERE id = $1",
        user_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.time_zone, r.language)))
}

/// Sets the time zone (`zone_set`) or the language (`language_set`) a user chose.
pub async fn set_preference(
    pool: &PgPool,
    user_id: i64,
    zone: (bool, Option<&str>),
    language: (bool, Option<&str>),
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET time_zone = CASE WHEN $1 THEN $2 ELSE time_zone END,
                          language = CASE WHEN $3 THEN $4 ELSE language END,
                          updated_at = $5
         WHERE id = $6",
        zone.0,
        zone.1,
        language.0,
        language.1,
        now,
        user_id
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// A new password hash; every session of the user ends (one transaction).
pub async fn set_password(pool: &PgPool, user_id: i64, hash: &str, now: i64) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
        hash,
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// (id, name, email, role, active, created_at)
pub type UserListRow = (i64, String, String, String, bool, i64);

/// The admin's list of users: name or email containing `pattern` (a `LIKE` pattern,
/// case ignored), of `role` if given, ids below `before`, newest first.
pub async fn list_users(
    pool: &PgPool,
    pattern: &str,
    role: Option<&str>,
    before: i64,
    limit: i64,
) -> sqlx::Result<Vec<UserListRow>> {
    let rows = sqlx::query!(
        r#"SELECT id, name, email, role, active, created_at FROM users
           WHERE (name ILIKE $1 ESCAPE '\' OR email ILIKE $1 ESCAPE '\')
             AND ($2::text IS NULL OR role = $2) AND id < $3
           ORDER BY id DESC LIMIT $4"#,
        pattern,
        role,
        before,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.email, r.role, r.active, r.created_at))
        .collect())
}

pub async fn count_users(pool: &PgPool, pattern: &str, role: Option<&str>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!" FROM users
           WHERE (name ILIKE $1 ESCAPE '\' OR email ILIKE $1 ESCAPE '\')
             AND ($2::text IS NULL OR role = $2)"#,
        pattern,
        role
    )
    .fetch_one(pool)
    .await
}

pub async fn set_role(pool: &PgPool, user_id: i64, role: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3",
        role,
        now,
        user_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Activates or deactivates an account; a deactivated one loses its sessions and tokens
/// (one transaction).
pub async fn set_active(pool: &PgPool, user_id: i64, active: bool, now: i64) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        "UPDATE users SET active = $1, updated_at = $2 WHERE id = $3",
        active,
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    if !active {
        sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            now,
            user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}
