//! Browser sessions and trusted devices on PostgreSQL (hashes only, as on SQLite).

use sqlx::{PgConnection, PgPool};

pub async fn device_trusted(pool: &PgPool, hash: &str, user_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        "SELECT 1 AS one FROM trusted_devices WHERE token_hash = $1 AND user_id = $2",
        hash,
        user_id
    )
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// Forgives the attempt counted for `key` after a success: `reset` clears the key,
/// otherwise one attempt is taken back (unless the key is locked).
pub async fn forgive(conn: &mut PgConnection, key: &str, reset: bool) -> sqlx::Result<()> {
    if reset {
        sqlx::query!("DELETE FROM login_throttle WHERE key = $1", key)
            .execute(conn)
            .await?;
    } else {
        sqlx::query!(
            "UPDATE login_throttle SET failures = GREATEST(failures - 1, 0)
             WHERE key = $1 AND locked_until IS NULL",
            key
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

pub async fn add_device(
    conn: &mut PgConnection,
    hash: &str,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO trusted_devices (token_hash, user_id, created_at, last_login_at)
         VALUES ($1, $2, $3, $3)",
        hash,
        user_id,
        now
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn renew_device(conn: &mut PgConnection, hash: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE trusted_devices SET last_login_at = $1 WHERE token_hash = $2",
        now,
        hash
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn start(
    conn: &mut PgConnection,
    hash: &str,
    user_id: i64,
    now: i64,
    expires: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        hash,
        user_id,
        now,
        expires
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn stop(conn: &mut PgConnection, hash: &str) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The live session's active user and the catalog version, read together:
/// (id, public id, email, name, role, time zone, language, catalog version).
pub type SessionRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

pub async fn resolve(pool: &PgPool, hash: &str, now: i64) -> sqlx::Result<Option<SessionRow>> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.public_id, u.email, u.name, u.role, u.time_zone, u.language,
                  (SELECT version FROM catalog_version WHERE id = 1) AS "catalog_version!"
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"#,
        hash,
        now
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.id,
            r.public_id,
            r.email,
            r.name,
            r.role,
            r.time_zone,
            r.language,
            r.catalog_version,
        )
    }))
}

/// Forgets expired sessions and devices unused since `devices_before`; how many.
pub async fn sweep(pool: &PgPool, now: i64, devices_before: i64) -> sqlx::Result<u64> {
    let sessions = sqlx::query!("DELETE FROM sessions WHERE expires_at <= $1", now)
        .execute(pool)
        .await?
        .rows_affected();
    let devices = sqlx::query!(
        "DELETE FROM trusted_devices WHERE last_login_at <= $1",
        devices_before
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(sessions + devices)
}
