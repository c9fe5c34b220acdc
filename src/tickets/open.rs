//! Opening a ticket with its first message, tags and attachments, in one transaction.

use sqlx::SqliteConnection;

use super::attachments::{attach_all, check_attachments};
use super::messages::insert_message;
use super::model::{Actor, Priority, Status};
use super::rules::{
    CoreError, CoreResult, Field, MESSAGE_MAX, Problem, Problems, TITLE_MAX, clean_tags,
};
use super::{Core, LinkAttachment, NewMessage, Upload};
use crate::clock::now_ms;
use crate::db::Db;
use crate::secure::public_id;

/// How a face names a category: epixel by integer id, everyone else by slug.
#[derive(Debug, Clone)]
pub enum CategoryRef {
    Id(i64),
    Slug(String),
}

/// Everything a new ticket may carry. Faces fill it from their own input shapes.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub title: String,
    pub subject: Option<String>,
    pub description: String,
    pub priority: Priority,
    pub category: CategoryRef,
    pub tags: Vec<String>,
    pub api: Option<String>,
    pub uploads: Vec<Upload>,
    pub links: Vec<LinkAttachment>,
    /// Ids of the actor's earlier, unused uploads (the legacy dialect).
    pub attachment_ids: Vec<String>,
}

/// The identifiers of a ticket just opened.
#[derive(Debug, Clone)]
pub struct Opened {
    pub id: i64,
    pub number: i64,
    pub public_id: String,
}

impl NewTicket {
    /// Checks every limit that needs no database, reporting every bad field at once.
    pub fn check(&self) -> Problems {
        let mut p = Problems::default();
        p.text(Field::Title, &self.title, TITLE_MAX);
        if let Some(subject) = &self.subject
            && subject.chars().count() > TITLE_MAX
        {
            p.add(Field::Subject, Problem::TooLong { max: TITLE_MAX });
        }
        if let Some(subject) = &self.subject {
            p.no_nul(Field::Subject, subject);
        }
        p.text(Field::Description, &self.description, MESSAGE_MAX);
        p.tags(&clean_tags(&self.tags));
        check_attachments(&mut p, &self.uploads, &self.links, &self.attachment_ids);
        p
    }
}

impl Core {
    /// Opens a ticket for `actor` (its client). Customers are held to the open-ticket
    /// limit. Nothing is stored unless everything is.
    pub async fn open_ticket(&self, actor: &Actor, input: NewTicket) -> CoreResult<Opened> {
        self.open_ticket_with(actor, input, Vec::new()).await
    }

    /// [`Core::open_ticket`] with further messages by the same author after the first (the
    /// legacy dialect's `threads`), all in the same transaction.
    pub async fn open_ticket_with(
        &self,
        actor: &Actor,
        input: NewTicket,
        followups: Vec<NewMessage>,
    ) -> CoreResult<Opened> {
        let (db, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::open_ticket_with(pool, self.defaults.open_ticket_limit, self.notices, actor, input, followups).await)
        });
        let checked = self.check_new_ticket(db, actor, &input, &followups).await?;
        let actor = actor.clone();
        let opened = writer
            .write(move |tx| {
                Box::pin(async move { open_in(tx, &actor, input, followups, checked).await })
            })
            .await;
        if opened.is_ok() {
            self.wake_mail();
        }
        opened
    }

    /// What a new ticket's transaction needs to know first: the input's own problems, its
    /// category (looked up on the read pool, so the writer's transaction is a statement
    /// shorter; the insert checks again that it is still active).
    pub(crate) async fn check_new_ticket(
        &self,
        db: &Db,
        actor: &Actor,
        input: &NewTicket,
        followups: &[NewMessage],
    ) -> CoreResult<Checked> {
        Ok(Checked {
            problems: first_checks(actor, input, followups)?,
            category_id: resolve_category(db, &input.category).await?,
            default_limit: self.defaults.open_ticket_limit,
            notices: self.notices,
        })
    }
}

/// The rules a new ticket meets before any database is asked: the input's problems
/// (returned, to be reported with the category's), and only staff add internal notes.
pub(crate) fn first_checks(
    actor: &Actor,
    input: &NewTicket,
    followups: &[NewMessage],
) -> CoreResult<Problems> {
    let mut problems = input.check();
    for followup in followups {
        problems.0.extend(followup.check().0);
    }
    if followups.iter().any(|f| f.internal) && !actor.is_staff() {
        return Err(CoreError::Forbidden);
    }
    Ok(problems)
}

/// What was learned about a new ticket before its transaction.
pub(crate) struct Checked {
    /// The input's problems found without the database.
    problems: Problems,
    /// The category, if it names an active one.
    category_id: Option<i64>,
    /// The open-ticket limit when no admin set one.
    default_limit: i64,
    notices: super::notify::Notices,
}

/// [`Core::open_ticket_with`] inside the writer's transaction, once the input is checked.
pub(crate) async fn open_in(
    tx: &mut SqliteConnection,
    actor: &Actor,
    input: NewTicket,
    followups: Vec<NewMessage>,
    checked: Checked,
) -> CoreResult<Opened> {
    let Checked {
        mut problems,
        category_id,
        default_limit,
        notices,
    } = checked;
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    let tags = clean_tags(&input.tags);
    if category_id.is_none() {
        problems.add(Field::Category, Problem::Invalid);
    }
    problems.into_result()?;
    let category_id = category_id.unwrap_or_default();

    if actor.role == super::Role::Customer {
        // Read in the same transaction as the count: the limit holds under any race.
        let limit = super::open_ticket_limit_in(&mut *tx, default_limit).await?;
        let active = count_active(&mut *tx, actor.id).await?;
        if active >= limit {
            return Err(CoreError::OpenTicketLimit { limit });
        }
    }

    let now = now_ms();
    let ticket_pid = public_id();
    let subject = input
        .subject
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let api = input
        .api
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let status = Status::Open.as_str();
    let priority = input.priority.as_str();
    // One statement: the next number (migration 0009 moves the counter on), and the
    // category still active (it was looked up before the transaction).
    let inserted = sqlx::query!(
        r#"INSERT INTO tickets (public_id, number, title, subject, status, priority,
                               category_id, client_id, api, created_at, updated_at)
           SELECT ?, (SELECT value + 1 FROM counters WHERE name = 'ticket_number'),
                  ?, ?, ?, ?, ?, ?, ?, ?, ?
           WHERE EXISTS (SELECT 1 FROM categories WHERE id = ? AND active = 1)
           RETURNING id AS "id!", number"#,
        ticket_pid,
        title,
        subject,
        status,
        priority,
        category_id,
        actor.id,
        api,
        now,
        now,
        category_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(inserted) = inserted else {
        // Deactivated since it was looked up.
        let mut problems = Problems::default();
        problems.add(Field::Category, Problem::Invalid);
        return Err(CoreError::Invalid(problems.0));
    };
    let (ticket_id, number) = (inserted.id, inserted.number);

    let (message_id, _) =
        insert_message(&mut *tx, ticket_id, actor.id, &description, false, now).await?;

    add_tags(&mut *tx, ticket_id, &tags).await?;
    attach_all(
        &mut *tx,
        actor,
        ticket_id,
        message_id,
        input.uploads,
        input.links,
        &input.attachment_ids,
    )
    .await?;
    for followup in followups {
        let (id, _) = insert_message(
            &mut *tx,
            ticket_id,
            actor.id,
            &followup.body,
            followup.internal,
            now,
        )
        .await?;
        let (uploads, links) = (followup.uploads, followup.links);
        attach_all(
            &mut *tx,
            actor,
            ticket_id,
            id,
            uploads,
            links,
            &followup.attachment_ids,
        )
        .await?;
    }
    // No "created" event: the history derives it from the ticket (migration 0017).
    super::notify::ticket_opened(tx, notices, actor, ticket_id).await?;
    Ok(Opened {
        id: ticket_id,
        number,
        public_id: ticket_pid,
    })
}

/// The id of an active category, if `category` names one.
pub(crate) async fn resolve_category<'e>(
    conn: impl sqlx::SqliteExecutor<'e>,
    category: &CategoryRef,
) -> CoreResult<Option<i64>> {
    let (id, slug) = match category {
        CategoryRef::Id(id) => (Some(*id), None),
        CategoryRef::Slug(slug) => (None, Some(slug.trim())),
    };
    Ok(sqlx::query_scalar!(
        "SELECT id FROM categories WHERE (id = ?1 OR slug = ?2) AND active = 1",
        id,
        slug
    )
    .fetch_optional(conn)
    .await?)
}

/// How many unfinished tickets a customer has (the open-ticket limit counts these).
pub(crate) async fn count_active(conn: &mut SqliteConnection, client_id: i64) -> CoreResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM tickets
           WHERE client_id = ? AND deleted_at IS NULL
             AND status IN ('open', 'pending', 'in_progress')"#,
        client_id
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Replaces a ticket's tags, creating tags met for the first time.
pub(crate) async fn set_tags(
    conn: &mut SqliteConnection,
    ticket_id: i64,
    tags: &[String],
) -> CoreResult<()> {
    sqlx::query!("DELETE FROM ticket_tags WHERE ticket_id = ?", ticket_id)
        .execute(&mut *conn)
        .await?;
    add_tags(conn, ticket_id, tags).await
}

/// Adds tags to a ticket, creating tags met for the first time.
async fn add_tags(conn: &mut SqliteConnection, ticket_id: i64, tags: &[String]) -> CoreResult<()> {
    for name in tags {
        let tag_id = sqlx::query_scalar!(
            r#"INSERT INTO tags (name) VALUES (?)
               ON CONFLICT (name) DO UPDATE SET name = tags.name
               RETURNING id AS "id!""#,
            name
        )
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query!(
            "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)",
            ticket_id,
            tag_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
