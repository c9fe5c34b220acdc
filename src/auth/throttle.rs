//! Login throttling with counters in the database (shared by every instance).
//!
//! An attempt is counted *before* the password is checked and forgiven after a success,
//! so parallel guesses cannot slip past the limit: once `max` attempts are under way or
//! failed in the window, the key is locked.

use crate::clock::now_ms;
use crate::db::Writer;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    /// Both the counting window and how long a lock lasts.
    pub window_ms: i64,
}

/// 10 failures lock an account for 15 minutes.
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

/// Counts an attempt for `key`. `Err(until)` if the key is locked (the attempt is not
/// made and not counted).
pub async fn begin_attempt(w: &Writer, key: &str, limit: Limit) -> sqlx::Result<Result<(), i64>> {
    let now = now_ms();
    let key = key.to_owned();
    w.write(move |tx| {
        Box::pin(async move {
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
            Ok(Ok(()))
        })
    })
    .await
}

/// Forgives the attempt counted by [`begin_attempt`] after a successful login.
pub async fn forgive(w: &Writer, key: &str, reset: bool) -> sqlx::Result<()> {
    let key = key.to_owned();
    w.write(move |tx| {
        Box::pin(async move {
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
        })
    })
    .await
}
