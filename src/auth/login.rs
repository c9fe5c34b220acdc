//! Logging in with a password, and the brute-force protection around it.
//!
//! Every attempt is counted before the password is checked (see [`super::throttle`]). A
//! browser that has logged in to an account before carries a device cookie for it (OWASP's
//! "device cookies"): its attempts count against that device only, so a stranger who locks
//! the account by guessing does not keep the owner out, while a device that guesses is
//! locked like an account. Other attempts count against the client address and the
//! account.

use std::net::IpAddr;

use super::throttle::{self, Limit};
use super::{password, sessions, users};
use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::secure::{secret, sha256_hex};
use crate::tickets::Actor;

/// The cookie that names a trusted browser.
pub const DEVICE_COOKIE: &str = "hd_device";
/// A device is trusted until a year after its last login to the account.
pub const DEVICE_LIFETIME_MS: i64 = 365 * 24 * 3600 * 1000;

pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: String,
    /// The client's address (see `--trusted-proxy`).
    pub client: IpAddr,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
    /// The session the browser had, ended by a successful login.
    pub old_session: Option<&'a str>,
}

pub enum Outcome {
    LoggedIn {
        actor: Actor,
        session: String,
        /// The device cookie to set (new, or the same one again to renew it).
        device: String,
    },
    WrongPassword,
    /// Too many failed attempts; try again at this time (ms since the epoch).
    Locked {
        until: i64,
    },
}

/// What logging in reads and writes, on either database: [`login_with`] is written once,
/// over this.
pub trait LoginStore: Sync {
    fn find_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = sqlx::Result<Option<users::LoginRecord>>> + Send;
    /// Whether the device whose cookie hashes to `hash` logged in to `user_id` before.
    fn device_trusted(
        &self,
        hash: &str,
        user_id: i64,
    ) -> impl Future<Output = sqlx::Result<bool>> + Send;
    /// Counts an attempt against every key, all or none (`Err(until)`: locked).
    fn begin_attempt(
        &self,
        keys: Vec<(String, Limit)>,
    ) -> impl Future<Output = sqlx::Result<Result<(), i64>>> + Send;
    /// After the right password, in one transaction: the keys forgiven (an address takes
    /// back one attempt, an account or device starts afresh), the old session ended, the
    /// device recorded (new) or renewed, and a new session; its cookie value.
    fn logged_in(&self, done: Success) -> impl Future<Output = sqlx::Result<String>> + Send;
}

/// What [`LoginStore::logged_in`] writes.
pub struct Success {
    pub keys: Vec<String>,
    pub old_session: Option<String>,
    /// The hash of a device cookie issued now, or of the one renewed.
    pub new_device: Option<String>,
    pub renewed: Option<String>,
    pub user_id: i64,
}

impl LoginStore for (&Db, &Writer) {
    async fn find_by_email(&self, email: &str) -> sqlx::Result<Option<users::LoginRecord>> {
        users::find_by_email(self.0, email).await
    }
    async fn device_trusted(&self, hash: &str, user_id: i64) -> sqlx::Result<bool> {
        Ok(sqlx::query_scalar!(
            "SELECT 1 AS one FROM trusted_devices WHERE token_hash = ? AND user_id = ?",
            hash,
            user_id
        )
        .fetch_optional(self.0)
        .await?
        .is_some())
    }
    async fn begin_attempt(&self, keys: Vec<(String, Limit)>) -> sqlx::Result<Result<(), i64>> {
        throttle::begin_attempt(self.1, keys).await
    }
    async fn logged_in(&self, done: Success) -> sqlx::Result<String> {
        self.1
            .write(move |tx| {
                Box::pin(async move {
                    let now = now_ms();
                    for key in &done.keys {
                        throttle::forgive(tx, key, !key.starts_with("ip:")).await?;
                    }
                    if let Some(old) = done.old_session {
                        sessions::stop(tx, &old).await?;
                    }
                    if let Some(hash) = done.new_device {
                        sqlx::query!(
                            "INSERT INTO trusted_devices (token_hash, user_id, created_at, last_login_at)
                             VALUES (?, ?, ?, ?)",
                            hash,
                            done.user_id,
                            now,
                            now
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    if let Some(hash) = done.renewed {
                        sqlx::query!(
                            "UPDATE trusted_devices SET last_login_at = ? WHERE token_hash = ?",
                            now,
                            hash
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    sessions::start(tx, done.user_id, now).await
                })
            })
            .await
    }
}

impl LoginStore for sqlx::PgPool {
    async fn find_by_email(&self, email: &str) -> sqlx::Result<Option<users::LoginRecord>> {
        users::find_by_email_pg(self, email).await
    }
    async fn device_trusted(&self, hash: &str, user_id: i64) -> sqlx::Result<bool> {
        helpdesk_store_pg::sessions::device_trusted(self, hash, user_id).await
    }
    async fn begin_attempt(&self, keys: Vec<(String, Limit)>) -> sqlx::Result<Result<(), i64>> {
        throttle::begin_attempt_pg(self, &keys).await
    }
    async fn logged_in(&self, done: Success) -> sqlx::Result<String> {
        use helpdesk_store_pg::sessions as store;
        let now = now_ms();
        let mut tx = self.begin().await?;
        for key in &done.keys {
            store::forgive(&mut tx, key, !key.starts_with("ip:")).await?;
        }
        if let Some(old) = done.old_session {
            store::stop(&mut tx, &sha256_hex(&old)).await?;
        }
        if let Some(hash) = done.new_device {
            store::add_device(&mut tx, &hash, done.user_id, now).await?;
        }
        if let Some(hash) = done.renewed {
            store::renew_device(&mut tx, &hash, now).await?;
        }
        let token = secret();
        let expires = now + sessions::LIFETIME_MS;
        store::start(&mut tx, &sha256_hex(&token), done.user_id, now, expires).await?;
        tx.commit().await?;
        Ok(token)
    }
}

/// Logs in on SQLite (see [`login_with`]).
pub async fn login(db: &Db, w: &Writer, attempt: Attempt<'_>) -> sqlx::Result<Outcome> {
    login_with(&(db, w), attempt).await
}

/// Logging in, the same on every database.
pub async fn login_with<S: LoginStore>(store: &S, attempt: Attempt<'_>) -> sqlx::Result<Outcome> {
    // No account's email holds a NUL (addresses are checked), and PostgreSQL cannot
    // take one: such an attempt is a wrong login, counted like any other.
    let email = attempt
        .email
        .trim()
        .to_lowercase()
        .replace('\0', "\u{FFFD}");
    let record = store.find_by_email(&email).await?;
    let device_hash = attempt.device.map(sha256_hex);
    let trusted = match (&record, &device_hash) {
        (Some(r), Some(hash)) => store.device_trusted(hash, r.actor.id).await?,
        _ => false,
    };
    let keys: Vec<(String, Limit)> = match (&device_hash, trusted) {
        (Some(hash), true) => vec![(format!("device:{hash}"), throttle::ACCOUNT)],
        _ => vec![
            (format!("ip:{}", attempt.client), throttle::ADDRESS),
            (format!("account:{email}"), throttle::ACCOUNT),
        ],
    };
    if let Err(until) = store.begin_attempt(keys.clone()).await? {
        return Ok(Outcome::Locked { until });
    }
    let stored = record
        .as_ref()
        .filter(|r| r.active && r.confirmed)
        .map(|r| r.password_hash.clone());
    if !password::verify(attempt.password, stored).await {
        return Ok(Outcome::WrongPassword);
    }
    let Some(record) = record else {
        return Ok(Outcome::WrongPassword); // verify is never true without an account
    };
    let device = if trusted {
        attempt.device.unwrap_or_default().to_owned()
    } else {
        secret()
    };
    let session = store
        .logged_in(Success {
            keys: keys.into_iter().map(|(key, _)| key).collect(),
            old_session: attempt.old_session.map(str::to_owned),
            new_device: (!trusted).then(|| sha256_hex(&device)),
            renewed: device_hash.filter(|_| trusted),
            user_id: record.actor.id,
        })
        .await?;
    Ok(Outcome::LoggedIn {
        actor: record.actor,
        session,
        device,
    })
}
