//! Browser sessions: a random token in an HttpOnly cookie, its SHA-256 in the database.

use sqlx::SqliteConnection;

use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::secure::{secret, sha256_hex};
use crate::tickets::Actor;

pub const COOKIE: &str = "hd_session";
/// Sessions last two weeks from login.
pub const LIFETIME_MS: i64 = 14 * 24 * 3600 * 1000;

/// Starts a session for `user_id` and returns the cookie value.
pub async fn create(w: &Writer, user_id: i64) -> sqlx::Result<String> {
    w.write(move |tx| Box::pin(async move { start(tx, user_id, now_ms()).await }))
        .await
}

/// [`create`] inside a write.
pub async fn start(tx: &mut SqliteConnection, user_id: i64, now: i64) -> sqlx::Result<String> {
    let token = secret();
    let hash = sha256_hex(&token);
    let expires = now + LIFETIME_MS;
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        hash,
        user_id,
        now,
        expires
    )
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// A live session: its user, and the catalog version read with it (see
/// [`crate::tickets::Catalog`]).
pub struct Resolved {
    pub actor: Actor,
    pub catalog_version: i64,
    /// The user's chosen time zone and language (account page), if any.
    pub time_zone: Option<String>,
    pub language: Option<String>,
}

/// The active user behind a session cookie, if the session is live.
pub async fn resolve(db: &Db, token: &str) -> sqlx::Result<Option<Resolved>> {
    let hash = sha256_hex(token);
    let now = now_ms();
    let row = sqlx::query!(
        r#"SELECT u.id, u.public_id, u.email, u.name, u.role, u.time_zone, u.language,
                  (SELECT version FROM catalog_version WHERE id = 1) AS "catalog_version!: i64"
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1"#,
        hash,
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Resolved {
        actor: Actor::from_row(r.id, r.public_id, r.email, r.name, &r.role),
        catalog_version: r.catalog_version,
        time_zone: r.time_zone,
        language: r.language,
    }))
}

/// [`create`] on PostgreSQL.
pub async fn create_pg(pool: &sqlx::PgPool, user_id: i64) -> sqlx::Result<String> {
    let token = secret();
    let now = now_ms();
    let mut conn = pool.acquire().await?;
    helpdesk_store_pg::sessions::start(
        &mut conn,
        &sha256_hex(&token),
        user_id,
        now,
        now + LIFETIME_MS,
    )
    .await?;
    Ok(token)
}

/// [`resolve`] on PostgreSQL.
pub async fn resolve_pg(pool: &sqlx::PgPool, token: &str) -> sqlx::Result<Option<Resolved>> {
    let row = helpdesk_store_pg::sessions::resolve(pool, &sha256_hex(token), now_ms()).await?;
    Ok(row.map(|r| Resolved {
        actor: Actor::from_row(r.0, r.1, r.2, r.3, &r.4),
        catalog_version: r.7,
        time_zone: r.5,
        language: r.6,
    }))
}

/// [`end`] on PostgreSQL.
pub async fn end_pg(pool: &sqlx::PgPool, token: &str) -> sqlx::Result<()> {
    let mut conn = pool.acquire().await?;
    helpdesk_store_pg::sessions::stop(&mut conn, &sha256_hex(token)).await
}

/// [`sweep`] on PostgreSQL (every instance sweeps; the deletes are idempotent).
pub async fn sweep_pg(pool: &sqlx::PgPool) -> sqlx::Result<u64> {
    let now = now_ms();
    helpdesk_store_pg::sessions::sweep(pool, now, now - super::login::DEVICE_LIFETIME_MS).await
}

/// Ends one session (logout).
pub async fn end(w: &Writer, token: &str) -> sqlx::Result<()> {
    let token = token.to_owned();
    w.write(move |tx| Box::pin(async move { stop(tx, &token).await }))
        .await
}

/// [`end`] inside a write.
pub async fn stop(tx: &mut SqliteConnection, token: &str) -> sqlx::Result<()> {
    let hash = sha256_hex(token);
    sqlx::query!("DELETE FROM sessions WHERE token_hash = ?", hash)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Sweeps every `every` while the server runs (the first sweep is the caller's, at
/// start): a long-running server does not keep a week of expired sessions.
pub fn spawn_sweeper(backend: crate::tickets::Backend, every: std::time::Duration) {
    tokio::spawn(async move {
        let accounts = super::accounts::Accounts(&backend);
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is immediate: the start-up sweep ran already
        loop {
            ticks.tick().await;
            match accounts.sweep_sessions().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(forgotten = n, "swept expired sessions and devices"),
                // A full disk, say: the next sweep tries again.
                Err(e) => tracing::warn!(error = %e, "cannot sweep expired sessions now"),
            }
        }
    });
}

/// Forgets expired sessions and devices not seen for [`super::login::DEVICE_LIFETIME_MS`]
/// (at start-up, then by [`spawn_sweeper`]).
pub async fn sweep(w: &Writer) -> sqlx::Result<u64> {
    let now = now_ms();
    let devices_before = now - super::login::DEVICE_LIFETIME_MS;
    w.write(move |tx| {
        Box::pin(async move {
            let sessions = sqlx::query!("DELETE FROM sessions WHERE expires_at <= ?", now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let devices = sqlx::query!(
                "DELETE FROM trusted_devices WHERE last_login_at <= ?",
                devices_before
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok(sessions + devices)
        })
    })
    .await
}
