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
