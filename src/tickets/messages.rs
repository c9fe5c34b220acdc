//! Replies and internal notes, and marking what the other party has seen.

use sqlx::SqliteConnection;

use super::access::{TicketHead, visible_ticket};
use super::attachments::{attach_all, check_attachments};
use super::events;
use super::model::{Actor, Status, TicketKey};
use super::rules::{CoreError, CoreResult, Field, MESSAGE_MAX, Problem, Problems};
use super::{Core, LinkAttachment, Upload};
use crate::clock::now_ms;
use crate::secure::public_id;

#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub body: String,
    /// A staff-only note, never shown to the customer.
    pub internal: bool,
    pub uploads: Vec<Upload>,
    pub links: Vec<LinkAttachment>,
    pub attachment_ids: Vec<String>,
    /// The ticket version the author saw; a newer ticket answers `Stale`.
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct MessageRef {
    pub id: i64,
    pub public_id: String,
    pub ticket_id: i64,
    pub created_at: i64,
    /// The ticket's status after the message (a customer reply may reopen it).
    pub status: Status,
}

impl NewMessage {
    pub fn check(&self) -> Problems {
        let mut p = Problems::default();
        p.text(Field::Message, &self.body, MESSAGE_MAX);
        check_attachments(&mut p, &self.uploads, &self.links, &self.attachment_ids);
        p
    }
}

/// Inserts one message inside the caller's transaction; returns its id and public id.
/// An internal note is born seen: nobody on the other side will ever see it.
pub(crate) async fn insert_message(
    tx: &mut SqliteConnection,
    ticket_id: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    now: i64,
) -> CoreResult<(i64, String)> {
    let pid = public_id();
    let body = body.trim();
    let seen_at = internal.then_some(now);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO messages (public_id, ticket_id, author_id, body, internal, created_at, seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        pid,
        ticket_id,
        author_id,
        body,
        internal,
        now,
        seen_at,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, pid))
}

impl Core {
    /// Adds a message to a ticket the actor may see.
    ///
    /// Rules: only staff write internal notes; a customer cannot write to a closed or
    /// cancelled ticket; a customer's reply to a resolved or pending ticket puts it back
    /// to `open` (awaiting staff).
    pub async fn add_message(
        &self,
        actor: &Actor,
        key: &TicketKey,
        input: NewMessage,
    ) -> CoreResult<MessageRef> {
        let (_, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::add_message(pool, self.notices, actor, key, input).await)
        });
        input.check().into_result()?;
        if input.internal && !actor.is_staff() {
            return Err(CoreError::Forbidden);
        }
        let (actor, key) = (actor.clone(), key.clone());
        let notices = self.notices;
        let added = writer
            .write(move |tx| {
                Box::pin(async move { add_message_in(tx, notices, &actor, &key, input).await })
            })
            .await;
        if added.is_ok() {
            self.wake_mail();
        }
        added
    }
    /// Marks as seen every message of the ticket that the actor's side has not seen yet:
    /// for the customer, the staff's public replies; for staff, the customer's messages.
    pub async fn mark_ticket_seen(&self, actor: &Actor, ticket_id: i64) -> CoreResult<u64> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::mark_ticket_seen(pool, actor, ticket_id).await
        });
        let now = now_ms();
        let staff = actor.is_staff();
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let done = sqlx::query!(
                        "UPDATE messages SET seen_at = ?1
                         WHERE ticket_id = ?2 AND seen_at IS NULL AND internal = 0
                           AND (author_id = (SELECT client_id FROM tickets WHERE id = ?2)) = ?3",
                        now,
                        ticket_id,
                        staff
                    )
                    .execute(&mut *tx)
                    .await?;
                    Ok(done.rows_affected())
                })
            })
            .await
    }

    /// Marks the given messages as seen, all or nothing: every id must be a message the
    /// actor may see, written by the other side (the legacy `threads/seen`).
    pub async fn mark_messages_seen(&self, actor: &Actor, ids: &[String]) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::mark_messages_seen(pool, actor, ids).await
        });
        if ids.is_empty() {
            return Err(CoreError::invalid(Field::Message, Problem::Required));
        }
        let now = now_ms();
        let staff = actor.is_staff();
        let (actor_id, ids) = (actor.id, ids.to_vec());
        writer
            .write(move |tx| {
                Box::pin(async move {
                    for id in &ids {
                        let row = sqlx::query!(
                r#"SELECT m.id AS "id!" FROM messages m JOIN tickets t ON t.id = m.ticket_id
                   WHERE m.public_id = ?1 AND t.deleted_at IS NULL
                     AND (?2 OR (t.client_id = ?3 AND m.internal = 0))"#,
                id,
                staff,
                actor_id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(CoreError::NotFound)?;
                        sqlx::query!(
                            "UPDATE messages SET seen_at = COALESCE(seen_at, ?) WHERE id = ?",
                            now,
                            row.id
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }
}

/// The rules of a reply, the same on every backend: the page it was written on must not be
/// stale; a customer cannot write to a closed or cancelled ticket, and their reply to a
/// resolved or pending one reopens it (returned: whether it does).
pub(crate) fn reply_rules(
    actor: &Actor,
    ticket: &TicketHead,
    expected_version: Option<i64>,
) -> CoreResult<bool> {
    if expected_version.is_some_and(|v| v != ticket.version) {
        return Err(CoreError::Stale);
    }
    let by_client = actor.id == ticket.client_id && !actor.is_staff();
    if by_client && matches!(ticket.status, Status::Closed | Status::Cancelled) {
        return Err(CoreError::TicketClosed);
    }
    Ok(by_client && matches!(ticket.status, Status::Resolved | Status::Pending))
}

/// [`Core::add_message`] inside the writer's transaction.
pub(crate) async fn add_message_in(
    tx: &mut SqliteConnection,
    notices: super::notify::Notices,
    actor: &Actor,
    key: &TicketKey,
    input: NewMessage,
) -> CoreResult<MessageRef> {
    let ticket = visible_ticket(&mut *tx, actor, key).await?;
    let reopen = reply_rules(actor, &ticket, input.expected_version)?;
    let now = now_ms();
    let (message_id, pid) = insert_message(
        &mut *tx,
        ticket.id,
        actor.id,
        &input.body,
        input.internal,
        now,
    )
    .await?;
    attach_all(
        &mut *tx,
        actor,
        ticket.id,
        message_id,
        input.uploads,
        input.links,
        &input.attachment_ids,
    )
    .await?;

    super::notify::message_added(tx, notices, actor, ticket.id, message_id, input.internal).await?;

    let status = if reopen { Status::Open } else { ticket.status };
    let status_str = status.as_str();
    sqlx::query!(
        "UPDATE tickets SET status = ?, updated_at = ?, version = version + 1,
                resolved_at = CASE WHEN ? THEN NULL ELSE resolved_at END
         WHERE id = ?",
        status_str,
        now,
        reopen,
        ticket.id
    )
    .execute(&mut *tx)
    .await?;
    if reopen {
        events::record(
            &mut *tx,
            ticket.id,
            actor.id,
            "status",
            Some(ticket.status.as_str()),
            Some(status_str),
        )
        .await?;
    }
    Ok(MessageRef {
        id: message_id,
        public_id: pid,
        ticket_id: ticket.id,
        created_at: now,
        status,
    })
}
