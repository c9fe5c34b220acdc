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

pub async fn login(db: &Db, w: &Writer, attempt: Attempt<'_>) -> sqlx::Result<Outcome> {
    let email = attempt.email.trim().to_lowercase();
    let record = users::find_by_email(db, &email).await?;
    let device_hash = attempt.device.map(sha256_hex);
    let trusted = match (&record, &device_hash) {
        (Some(r), Some(hash)) => {
            let user_id = r.actor.id;
            sqlx::query_scalar!(
                "SELECT 1 AS one FROM trusted_devices WHERE token_hash = ? AND user_id = ?",
                hash,
                user_id
            )
            .fetch_optional(db)
            .await?
            .is_some()
        }
        _ => false,
    };
    let keys: Vec<(String, Limit)> = match (&device_hash, trusted) {
        (Some(hash), true) => vec![(format!("device:{hash}"), throttle::ACCOUNT)],
        _ => vec![
            (format!("ip:{}", attempt.client), throttle::ADDRESS),
            (format!("account:{email}"), throttle::ACCOUNT),
        ],
    };
    if let Err(until) = throttle::begin_attempt(w, keys.clone()).await? {
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

    // One write: the counters forgiven, the old session ended, the new one and the
    // device recorded.
    let user_id = record.actor.id;
    let old_session = attempt.old_session.map(str::to_owned);
    let device = if trusted {
        attempt.device.unwrap_or_default().to_owned()
    } else {
        secret()
    };
    let new_device = (!trusted).then(|| sha256_hex(&device));
    let renewed = device_hash.filter(|_| trusted);
    let session = w
        .write(move |tx| {
            Box::pin(async move {
                let now = now_ms();
                for (key, _) in &keys {
                    // An address is shared: one success takes back one attempt. An
                    // account or a device starts afresh.
                    throttle::forgive(tx, key, !key.starts_with("ip:")).await?;
                }
                if let Some(old) = old_session {
                    sessions::stop(tx, &old).await?;
                }
                if let Some(hash) = new_device {
                    sqlx::query!(
                        "INSERT INTO trusted_devices (token_hash, user_id, created_at, last_login_at)
                         VALUES (?, ?, ?, ?)",
                        hash,
                        user_id,
                        now,
                        now
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(hash) = renewed {
                    sqlx::query!(
                        "UPDATE trusted_devices SET last_login_at = ? WHERE token_hash = ?",
                        now,
                        hash
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                sessions::start(tx, user_id, now).await
            })
        })
        .await?;
    Ok(Outcome::LoggedIn {
        actor: record.actor,
        session,
        device,
    })
}
