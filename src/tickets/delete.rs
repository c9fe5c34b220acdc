//! Soft deletion: a deleted ticket disappears from every list, page and API until an admin
//! restores or purges it.

use super::Core;
use super::access::visible_ticket;
use super::events;
use super::model::{Actor, Role, TicketKey};
use super::rules::{CoreError, CoreResult};
use crate::clock::now_ms;

/// Who may delete tickets: admins any, customers their own (visibility decides which);
/// agents none.
pub fn may_delete(actor: &Actor) -> CoreResult<()> {
    if actor.role == Role::Agent {
        Err(CoreError::Forbidden)
    } else {
        Ok(())
    }
}

impl Core {
    /// Deletes tickets, all or nothing: customers their own, admins any; agents may not
    /// (`Forbidden`). One missing or invisible ticket (`NotFound`) changes nothing.
    pub async fn delete_tickets(&self, actor: &Actor, keys: &[TicketKey]) -> CoreResult<usize> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::delete_tickets(pool, actor, keys).await
        });
        may_delete(actor)?;
        let now = now_ms();
        let (actor, keys) = (actor.clone(), keys.to_vec());
        writer
            .write(move |tx| Box::pin(async move {
        // Every ticket is looked up before any is deleted: one named twice (by number and
        // by public id, say) is deleted once, not refused as gone.
        let mut done = Vec::with_capacity(keys.len());
        for key in &keys {
            let ticket = visible_ticket(&mut *tx, &actor, key).await?;
            if !done.contains(&ticket.id) {
                done.push(ticket.id);
            }
        }
        for &id in &done {
            sqlx::query!(
                "UPDATE tickets SET deleted_at = ?, deleted_by = ?, version = version + 1 WHERE id = ?",
                now,
                actor.id,
                id
            )
            .execute(&mut *tx)
            .await?;
            events::record(&mut *tx, id, actor.id, "deleted", None, None).await?;
        }
        Ok(done.len())
            }))
            .await
    }
}
