//! A ticket's change history, for staff.

use super::Core;
use super::access::visible_ticket;
use super::model::{Actor, TicketKey};
use super::rules::{CoreError, CoreResult};
use super::view::TicketDetail;

/// One recorded change, with names resolved for assignees and categories.
#[derive(Debug, Clone)]
pub struct Event {
    pub actor: String,
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: i64,
}

impl Core {
    /// The ticket's events, oldest first (staff only), and only those after `since` (ms)
    /// when given.
    pub async fn history(
        &self,
        actor: &Actor,
        key: &TicketKey,
        since: Option<i64>,
    ) -> CoreResult<Vec<Event>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::history(pool, actor, key, since).await);
        if !actor.is_staff() {
            return Err(CoreError::Forbidden);
        }
        let ticket = visible_ticket(db, actor, key).await?;
        events_of(db, ticket.id, since).await
    }

    /// [`Core::history`] of a ticket the actor has just viewed (no second lookup).
    pub async fn history_of(&self, actor: &Actor, ticket: &TicketDetail) -> CoreResult<Vec<Event>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::history_of(pool, actor, ticket).await);
        if !actor.is_staff() {
            return Err(CoreError::Forbidden);
        }
        events_of(db, ticket.id, None).await
    }
}

async fn events_of(
    db: &crate::db::Db,
    ticket_id: i64,
    since: Option<i64>,
) -> CoreResult<Vec<Event>> {
    let since = since.unwrap_or(i64::MIN);
    // The first event, "created", is the ticket's own row (migration 0017): its client
    // opened it, as open, at created_at.
    let rows = sqlx::query!(
        r#"SELECT COALESCE(u.name, 'system') AS "actor!: String", e.kind AS "kind!: String",
                      e.created_at AS "created_at!: i64",
                      CASE e.kind WHEN 'assignee' THEN (SELECT name FROM users WHERE id = CAST(e.from_value AS INTEGER))
                                  WHEN 'category' THEN (SELECT name FROM categories WHERE id = CAST(e.from_value AS INTEGER))
                                  ELSE e.from_value END AS "from_value?: String",
                      CASE e.kind WHEN 'assignee' THEN (SELECT name FROM users WHERE id = CAST(e.to_value AS INTEGER))
                                  WHEN 'category' THEN (SELECT name FROM categories WHERE id = CAST(e.to_value AS INTEGER))
                                  ELSE e.to_value END AS "to_value?: String"
               FROM (SELECT 0 AS seq, client_id AS actor_id, 'created' AS kind, NULL AS from_value,
                            'open' AS to_value, created_at
                     FROM tickets WHERE id = ?1
                     UNION ALL
                     SELECT id, actor_id, kind, from_value, to_value, created_at
                     FROM events WHERE ticket_id = ?1) e
               LEFT JOIN users u ON u.id = e.actor_id
               WHERE e.created_at > ?2 ORDER BY e.seq"#,
        ticket_id,
        since
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            actor: r.actor,
            kind: r.kind,
            from: r.from_value,
            to: r.to_value,
            at: r.created_at,
        })
        .collect())
}
