//! Status changes and who may make them.

use super::Core;
use sqlx::SqliteConnection;

use super::access::{TicketHead, visible_ticket};
use super::events;
use super::model::{Actor, Status, TicketKey};
use super::open::count_active;
use super::rules::{CoreError, CoreResult};
use crate::clock::now_ms;
use crate::db::Writer;

/// The outcome of a status change; `from == to` means nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub from: Status,
    pub to: Status,
}

impl StatusChange {
    pub fn changed(&self) -> bool {
        self.from != self.to
    }
}

/// May `actor`, who owns the ticket or not, move it from `from` to `to`?
/// Staff may make any change; a customer may close their own ticket (resolved, closed or
/// cancelled) and reopen it once it is finished.
pub fn may_change_status(actor: &Actor, owns: bool, from: Status, to: Status) -> bool {
    if actor.is_staff() {
        return true;
    }
    owns && (to.is_finished() || (to == Status::Open && from.is_finished()))
}

impl Core {
    /// Moves a ticket to `to`, recording the change. `resolved_at` is set when the ticket
    /// becomes finished and cleared when it is reopened. A customer who reopens a ticket
    /// is held to the open-ticket limit.
    pub async fn change_status(
        &self,
        actor: &Actor,
        key: &TicketKey,
        to: Status,
        expected_version: Option<i64>,
    ) -> CoreResult<StatusChange> {
        let (_, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::change_status(pool, self.defaults.open_ticket_limit, self.notices, actor, key, to, expected_version).await)
        });
        self.transition(writer, actor, key, move |_| to, expected_version)
            .await
    }

    /// Closes a ticket unless it is already finished (then nothing changes: `from == to`).
    pub async fn close_ticket(&self, actor: &Actor, key: &TicketKey) -> CoreResult<StatusChange> {
        let (_, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::close_ticket(pool, self.defaults.open_ticket_limit, self.notices, actor, key).await)
        });
        let decide = |from: Status| {
            if from.is_finished() {
                from
            } else {
                Status::Closed
            }
        };
        self.transition(writer, actor, key, decide, None).await
    }

    /// Reopens a finished ticket; an unfinished one stays as it is (`from == to`).
    pub async fn reopen_ticket(&self, actor: &Actor, key: &TicketKey) -> CoreResult<StatusChange> {
        let (_, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::reopen_ticket(pool, self.defaults.open_ticket_limit, self.notices, actor, key).await)
        });
        let decide = |from: Status| {
            if from.is_finished() {
                Status::Open
            } else {
                from
            }
        };
        self.transition(writer, actor, key, decide, None).await
    }

    /// Moves a ticket to the status `decide` picks from its current one.
    async fn transition(
        &self,
        writer: &Writer,
        actor: &Actor,
        key: &TicketKey,
        decide: impl FnOnce(Status) -> Status + Send + 'static,
        expected_version: Option<i64>,
    ) -> CoreResult<StatusChange> {
        let limit = self.open_ticket_limit().await?;
        let (actor, key) = (actor.clone(), key.clone());
        let notices = self.notices;
        let done = writer
            .write(move |tx| {
                Box::pin(async move {
                    let ticket = visible_ticket(&mut *tx, &actor, &key).await?;
                    if expected_version.is_some_and(|v| v != ticket.version) {
                        return Err(CoreError::Stale);
                    }
                    let to = decide(ticket.status);
                    apply_status(tx, notices, &actor, &ticket, to, limit).await
                })
            })
            .await;
        self.woke(done)
    }
}

/// Moves `ticket` to `to` inside the caller's transaction, with the permission and limit
/// checks and the event. Nothing is written when the status does not change.
pub(crate) async fn apply_status(
    tx: &mut SqliteConnection,
    notices: super::notify::Notices,
    actor: &Actor,
    ticket: &TicketHead,
    to: Status,
    limit: i64,
) -> CoreResult<StatusChange> {
    let change = StatusChange {
        from: ticket.status,
        to,
    };
    if !change.changed() {
        return Ok(change);
    }
    let owns = ticket.client_id == actor.id;
    if !may_change_status(actor, owns, ticket.status, to) {
        return Err(CoreError::Forbidden);
    }
    if !actor.is_staff() && to.is_active() && count_active(&mut *tx, actor.id).await? >= limit {
        return Err(CoreError::OpenTicketLimit { limit });
    }
    let now = now_ms();
    let status = to.as_str();
    let finished = to.is_finished();
    let was_finished = ticket.status.is_finished();
    sqlx::query!(
        "UPDATE tickets SET status = ?1, updated_at = ?2, version = version + 1,
                resolved_at = CASE WHEN NOT ?3 THEN NULL
                                   WHEN ?4 THEN resolved_at ELSE ?2 END
         WHERE id = ?5",
        status,
        now,
        finished,
        was_finished,
        ticket.id
    )
    .execute(&mut *tx)
    .await?;
    events::record(
        &mut *tx,
        ticket.id,
        actor.id,
        "status",
        Some(ticket.status.as_str()),
        Some(status),
    )
    .await?;
    super::notify::status_changed(tx, notices, actor, ticket.id, to).await?;
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::Role;

    fn actor(role: Role) -> Actor {
        Actor {
            id: 1,
            public_id: String::new(),
            email: String::new(),
            name: String::new(),
            role,
        }
    }

    #[test]
    fn customers_close_and_reopen_their_own_tickets_only() {
        let c = actor(Role::Customer);
        assert!(may_change_status(&c, true, Status::Open, Status::Closed));
        assert!(may_change_status(
            &c,
            true,
            Status::InProgress,
            Status::Resolved
        ));
        assert!(may_change_status(&c, true, Status::Closed, Status::Open));
        assert!(!may_change_status(
            &c,
            true,
            Status::Open,
            Status::InProgress
        ));
        assert!(!may_change_status(&c, true, Status::Pending, Status::Open));
        assert!(!may_change_status(&c, false, Status::Open, Status::Closed));
        let agent = actor(Role::Agent);
        assert!(may_change_status(
            &agent,
            false,
            Status::Open,
            Status::InProgress
        ));
    }
}
