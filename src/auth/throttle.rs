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

/// The rule, the same on every backend: a key's (window start, failures, locked until)
/// after one more attempt, from its row before (`None`: no row); `Err(until)` while the
/// key is locked.
fn next_count(
    before: Option<(i64, i64, Option<i64>)>,
    limit: Limit,
    now: i64,
) -> Result<(i64, i64, Option<i64>), i64> {
    let (mut start, mut failures) = (now, 0);
    if let Some((window_start, counted, locked_until)) = before {
        if let Some(until) = locked_until.filter(|u| *u > now) {
            return Err(until);
        }
        if window_start + limit.window_ms > now && locked_until.is_none() {
            (start, failures) = (window_start, counted);
        }
    }
    failures += 1;
    let locked_until = (failures >= limit.max).then_some(now + limit.window_ms);
    Ok((start, failures, locked_until))
}

/// [`begin_attempt`] on PostgreSQL, where instances count into the same rows at once:
/// the keys' rows stay locked from reading to writing.
pub async fn begin_attempt_pg(
    pool: &sqlx::PgPool,
    keys: &[(String, Limit)],
) -> sqlx::Result<Result<(), i64>> {
    use helpdesk_store_pg::throttle;
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let rows = throttle::lock(&mut tx, &names, now).await?;
    let mut counted = Vec::with_capacity(rows.len());
    for mut row in rows {
        let Some((_, limit)) = keys.iter().find(|(k, _)| *k == row.key) else {
            continue;
        };
        let before = Some((row.window_start, row.failures, row.locked_until));
        match next_count(before, *limit, now) {
            Ok((start, failures, locked_until)) => {
                (row.window_start, row.failures, row.locked_until) =
                    (start, failures, locked_until);
                counted.push(row);
            }
            Err(until) => return Ok(Err(until)), // rolled back: nothing counted
        }
    }
    for row in &counted {
        throttle::save(&mut tx, row).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
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
        let before = row.map(|r| (r.window_start, r.failures, r.locked_until));
        match next_count(before, *limit, now) {
            Ok((start, failures, locked_until)) => {
                counted.push((key, start, failures, locked_until))
            }
            Err(until) => return Ok(Err(until)),
        }
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
