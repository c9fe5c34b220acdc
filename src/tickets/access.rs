//! Who may see which ticket: the one place that decides it.

use sqlx::SqliteExecutor;

use super::model::{Actor, Status, TicketKey};
use super::rules::{CoreError, CoreResult};

/// The fields every use case needs to decide what a caller may do with a ticket.
#[derive(Debug, Clone)]
pub(crate) struct TicketHead {
    pub id: i64,
    pub status: Status,
    pub client_id: i64,
    pub version: i64,
}

/// Loads a ticket the actor may see. Missing, deleted and someone else's ticket all answer
/// `NotFound`, so that no caller can learn that a ticket exists.
pub(crate) async fn visible_ticket(
    conn: impl SqliteExecutor<'_>,
    actor: &Actor,
    key: &TicketKey,
) -> CoreResult<TicketHead> {
    let staff = actor.is_staff();
    let (number, public_id) = match key {
        TicketKey::Number(n) => (Some(*n), None),
        TicketKey::PublicId(p) => (None, Some(p.as_str())),
    };
    let row = sqlx::query!(
        r#"SELECT id AS "id!", status, client_id, version
           FROM tickets
           WHERE (number = ?1 OR public_id = ?2)
             AND deleted_at IS NULL
             AND (?3 OR client_id = ?4)"#,
        number,
        public_id,
        staff,
        actor.id,
    )
    .fetch_optional(conn)
    .await?
    .ok_or(CoreError::NotFound)?;
    Ok(TicketHead {
        id: row.id,
        status: Status::parse(&row.status).ok_or(CoreError::NotFound)?,
        client_id: row.client_id,
        version: row.version,
    })
}

impl super::Core {
    /// The status of a ticket the actor may see; `NotFound` otherwise. Lets a face check
    /// an id before a write, to report every bad field of a request at once.
    pub async fn ticket_status(&self, actor: &Actor, key: &TicketKey) -> CoreResult<Status> {
        let (db, _) = sqlite_or!(self, pool => super::pg::ticket_status(pool, actor, key).await);
        Ok(visible_ticket(db, actor, key).await?.status)
    }
}
