//! The audit history of a ticket.

use sqlx::SqliteConnection;

use super::rules::CoreResult;
use crate::clock::now_ms;

/// Records one change (who, what, from, to, now) inside the caller's transaction.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    ticket_id: i64,
    actor_id: i64,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> CoreResult<()> {
    let now = now_ms();
    sqlx::query!(
        "INSERT INTO events (ticket_id, actor_id, kind, from_value, to_value, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        ticket_id,
        actor_id,
        kind,
        from,
        to,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
