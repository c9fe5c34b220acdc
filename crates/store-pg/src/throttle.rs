//! The login and sign-up throttle's rows on PostgreSQL. Instances count into the same
//! rows; an attempt locks its keys' rows (creating missing ones first) for its
//! transaction, so concurrent attempts on one key are counted one after another and none
//! is lost.

use sqlx::PgConnection;

/// A throttle row as the rule reads it.
pub struct ThrottleRow {
    pub key: String,
    pub window_start: i64,
    pub failures: i64,
    pub locked_until: Option<i64>,
}

/// Locks the rows of `keys` until the transaction ends, in key order (two attempts on
/// the same keys cannot deadlock); a key without a row gets one with no failures.
pub async fn lock(
    tx: &mut PgConnection,
    keys: &[String],
    now: i64,
) -> sqlx::Result<Vec<ThrottleRow>> {
    let mut sorted = keys.to_vec();
    sorted.sort();
    sorted.dedup();
    sqlx::query!(
        "INSERT INTO login_throttle (key, window_start, failures)
         SELECT k, $2, 0 FROM UNNEST($1::text[]) AS k ORDER BY k
         ON CONFLICT (key) DO NOTHING",
        &sorted,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query_as!(
        ThrottleRow,
        "SELECT key, window_start, failures, locked_until FROM login_throttle
         WHERE key = ANY($1) ORDER BY key FOR UPDATE",
        &sorted
    )
    .fetch_all(&mut *tx)
    .await
}

/// Writes a key's new count (its row locked by [`lock`]).
pub async fn save(tx: &mut PgConnection, row: &ThrottleRow) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE login_throttle SET window_start = $2, failures = $3, locked_until = $4
         WHERE key = $1",
        row.key,
        row.window_start,
        row.failures,
        row.locked_until
    )
    .execute(&mut *tx)
    .await
    .map(|_| ())
}
