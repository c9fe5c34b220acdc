//! Throttling with counters in the database (shared by every instance): login attempts
//! and sign-ups.
//!
//! An attempt is counted *before* the password is checked and forgiven after a success,
//! so parallel guesses cannot slip past the limit: once `max` attempts are under way or
//! failed in the window, the key is locked.

use sqlx::SqliteConnection;

use crate::clock::now_ms;
use crate::db::Writer;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    /// Both the counting window and how long a lock lasts.
    pub window_ms: i64,
}

/// 10 failures lock an account for 15 minutes (except for browsers that logged in to it
/// before, see [`crate::auth::login`]); the same limit locks such a browser itself.
pub const ACCOUNT: Limit = Limit {
    max: 10,
    window_ms: 15 * 60 * 1000,
};
/// 100 failures an hour lock an address (an office behind one address is not locked out
/// by one account's failures).
pub const ADDRESS: Limit = Limit {
    max: 100,
    window_ms: 3600 * 1000,
};
/// 20 sign-ups an hour from one address: sign-up says whether an address has an account,
/// so asking must be slow.
pub const SIGNUP: Limit = Limit {
    max: 20,
    window_ms: 3600 * 1000,
};

/// Counts an attempt for each key, all or none: `Err(until)` if any key is locked (then
/// nothing is counted and the attempt must not be made).
pub async fn begin_attempt(
    w: &Writer,
    keys: Vec<(String, Limit)>,
) -> sqlx::Result<Result<(), i64>> {
    w.write(move |tx| Box::pin(async move { count(tx, &keys, now_ms()).await }))
        .await
}

/// [`begin_attempt`] inside a write.
pub async fn count(
    tx: &mut SqliteConnection,
    keys: &[(String, Limit)],
    now: i64,
) -> sqlx::Result<Result<(), i64>> {
    let mut counted = Vec::with_capacity(keys.len());
    for (key, limit) in keys {
        let row = sqlx::query!(
            "SELECT window_start, failures, locked_until FROM login_throttle WHERE key = ?",
            key
        )
        .fetch_optional(&mut *tx)
        .await?;
        let (mut start, mut failures) = (now, 0);
        if let Some(r) = row {
            if let Some(until) = r.locked_until.filter(|u| *u > now) {
                return Ok(Err(until));
            }
            if r.window_start + limit.window_ms > now && r.locked_until.is_none() {
                (start, failures) = (r.window_start, r.failures);
            }
        }
        failures += 1;
        let locked_until = (failures >= limit.max).then_some(now + limit.window_ms);
        counted.push((key, start, failures, locked_until));
    }
    for (key, start, failures, locked_until) in counted {
        sqlx::query!(
            "INSERT INTO login_throttle (key, window_start, failures, locked_until)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key) DO UPDATE SET window_start = ?2, failures = ?3, locked_until = ?4",
            key,
            start,
            failures,
            locked_until
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(Ok(()))
}

/// Forgives the attempt counted by [`count`] after a success: `reset` clears the key,
/// otherwise one attempt is taken back (unless the key is locked).
pub async fn forgive(tx: &mut SqliteConnection, key: &str, reset: bool) -> sqlx::Result<()> {
    if reset {
        sqlx::query!("DELETE FROM login_throttle WHERE key = ?", key)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query!(
            "UPDATE login_throttle SET failures = MAX(failures - 1, 0)
             WHERE key = ? AND locked_until IS NULL",
            key
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
