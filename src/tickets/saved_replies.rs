//! Saved replies: shared by the team (agents and admins create, edit and delete them),
//! inserted into a reply with their placeholders filled in. Customers never see them.

use super::Core;
use super::model::Actor;
use super::rules::{CoreError, CoreResult, Field, MESSAGE_MAX, Problem, Problems};
use super::view::TicketDetail;
use crate::clock::now_ms;

/// The placeholders a saved reply may use, and what each becomes.
/// The placeholders, with the id of what each stands for (`crate::i18n`).
pub const PLACEHOLDERS: [(&str, &str); 4] = [
    ("{customer_name}", "replies-placeholder-customer"),
    ("{ticket_number}", "replies-placeholder-number"),
    ("{ticket_title}", "replies-placeholder-title"),
    ("{agent_name}", "replies-placeholder-agent"),
];

/// A saved reply's title is at most this long.
pub const TITLE_MAX: usize = 100;

#[derive(Debug, Clone)]
pub struct SavedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

impl SavedReply {
    /// The text with the placeholders filled in for `ticket`, as written by `agent`.
    pub fn fill(&self, ticket: &TicketDetail, agent: &Actor) -> String {
        self.body
            .replace("{customer_name}", &ticket.client.name)
            .replace("{ticket_number}", &ticket.number.to_string())
            .replace("{ticket_title}", &ticket.title)
            .replace("{agent_name}", &agent.name)
    }
}

pub(crate) fn staff_only(actor: &Actor) -> CoreResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(CoreError::Forbidden)
    }
}

/// A saved reply's title and body, checked (the rules of every backend).
pub(crate) fn checked_reply(title: &str, body: &str) -> CoreResult<(String, String)> {
    let mut p = Problems::default();
    let title = p.text(Field::Title, title, TITLE_MAX);
    let body = p.text(Field::Message, body, MESSAGE_MAX);
    p.into_result()?;
    Ok((title, body))
}

/// The refusal of a title another saved reply has (ignoring case).
pub(crate) fn title_taken() -> CoreError {
    let mut p = Problems::default();
    p.add(Field::Title, Problem::Taken);
    CoreError::Invalid(p.0)
}

impl Core {
    /// Every saved reply, by title (staff).
    pub async fn saved_replies(&self, actor: &Actor) -> CoreResult<Vec<SavedReply>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::saved_replies(pool, actor).await);
        staff_only(actor)?;
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", title, body, updated_at FROM saved_replies
               ORDER BY title COLLATE NOCASE"#
        )
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SavedReply {
                id: r.id,
                title: r.title,
                body: r.body,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// One saved reply (staff); `NotFound` if there is none.
    pub async fn saved_reply(&self, actor: &Actor, id: i64) -> CoreResult<SavedReply> {
        let (db, _) = sqlite_or!(self, pool => super::pg::saved_reply(pool, actor, id).await);
        staff_only(actor)?;
        let r = sqlx::query!(
            "SELECT id, title, body, updated_at FROM saved_replies WHERE id = ?",
            id
        )
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?;
        Ok(SavedReply {
            id: r.id,
            title: r.title,
            body: r.body,
            updated_at: r.updated_at,
        })
    }

    /// Creates a saved reply or, with `id`, edits one (staff). Titles are unique, ignoring
    /// case. Returns its id.
    pub async fn save_reply(
        &self,
        actor: &Actor,
        id: Option<i64>,
        title: &str,
        body: &str,
    ) -> CoreResult<i64> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::save_reply(pool, actor, id, title, body).await
        });
        staff_only(actor)?;
        let (title, body) = checked_reply(title, body)?;
        let (now, author) = (now_ms(), actor.id);
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let taken = sqlx::query_scalar!(
                        "SELECT id FROM saved_replies WHERE title = ? COLLATE NOCASE AND id IS NOT ?",
                        title,
                        id
                    )
                    .fetch_optional(&mut *tx)
                    .await?;
                    if taken.is_some() {
                        return Err(title_taken());
                    }
                    match id {
                        Some(id) => {
                            let changed = sqlx::query!(
                                "UPDATE saved_replies SET title = ?, body = ?, updated_at = ?
                                 WHERE id = ?",
                                title,
                                body,
                                now,
                                id
                            )
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                            if changed == 0 {
                                return Err(CoreError::NotFound);
                            }
                            Ok(id)
                        }
                        None => Ok(sqlx::query_scalar!(
                            r#"INSERT INTO saved_replies (title, body, created_by, created_at, updated_at)
                               VALUES (?, ?, ?, ?, ?) RETURNING id AS "id!""#,
                            title,
                            body,
                            author,
                            now,
                            now
                        )
                        .fetch_one(&mut *tx)
                        .await?),
                    }
                })
            })
            .await
    }

    /// Deletes a saved reply (staff).
    pub async fn delete_saved_reply(&self, actor: &Actor, id: i64) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::delete_saved_reply(pool, actor, id).await
        });
        staff_only(actor)?;
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let gone = sqlx::query!("DELETE FROM saved_replies WHERE id = ?", id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if gone == 0 {
                        Err(CoreError::NotFound)
                    } else {
                        Ok(())
                    }
                })
            })
            .await
    }
}
