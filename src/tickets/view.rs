//! A whole ticket as its pages and detail endpoints show it.

use super::{Core, Opened};
use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use super::access::visible_ticket;
use super::attachments::AttachmentMeta;
use super::list::ListSql;
use super::model::{Actor, Priority, Role, Status, TicketKey};
use super::rules::{CoreError, CoreResult};

#[derive(Debug, Clone)]
pub struct PersonRef {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct TagRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct TicketDetail {
    pub id: i64,
    pub public_id: String,
    pub number: i64,
    pub title: String,
    pub subject: Option<String>,
    pub status: Status,
    pub priority: Priority,
    pub category_id: i64,
    pub category_slug: String,
    pub category_name: String,
    pub client: PersonRef,
    pub assignee: Option<PersonRef>,
    pub tags: Vec<TagRef>,
    pub api: Option<String>,
    pub issue_url: Option<String>,
    pub resolution: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    /// The thread, oldest first; internal notes only for staff.
    pub messages: Vec<MessageView>,
    /// Attachments of no message (none today; kept so no stored file is ever hidden).
    pub loose_attachments: Vec<AttachmentMeta>,
}

impl TicketDetail {
    /// The first message is the description.
    pub fn description(&self) -> &str {
        self.messages.first().map_or("", |m| m.body.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct MessageView {
    pub id: i64,
    pub public_id: String,
    pub author: PersonRef,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
    pub seen_at: Option<i64>,
    pub attachments: Vec<AttachmentMeta>,
}

impl MessageView {
    pub fn by_staff(&self) -> bool {
        self.author.role.is_staff()
    }
}

/// One ticket's thread and the attachments of no message.
pub type Thread = (Vec<MessageView>, Vec<AttachmentMeta>);

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: i64,
    ticket_id: i64,
    public_id: String,
    body: String,
    internal: bool,
    created_at: i64,
    seen_at: Option<i64>,
    author_id: i64,
    author_pid: String,
    author_name: String,
    author_email: String,
    author_role: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct FileRow {
    id: i64,
    ticket_id: i64,
    public_id: String,
    message_id: Option<i64>,
    filename: String,
    content_type: String,
    size: i64,
    url: Option<String>,
    created_at: i64,
}

fn role(s: &str) -> Role {
    Role::parse(s).unwrap_or(Role::Customer)
}

impl Core {
    /// The threads of several tickets (internal notes only for `staff`), in two queries.
    /// Callers have checked that the tickets are visible.
    pub async fn threads(
        &self,
        staff: bool,
        ticket_ids: &[i64],
    ) -> CoreResult<HashMap<i64, Thread>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::threads(pool, staff, ticket_ids).await);
        threads_in(db, staff, ticket_ids).await
    }

    /// The ticket with its thread, tags and attachments. With `mark_seen`, messages from
    /// the other side become seen (only if any are new, so that reading does not write).
    /// Marking is a courtesy: when the database cannot take writes, the page still shows.
    pub async fn view_ticket(
        &self,
        actor: &Actor,
        key: &TicketKey,
        mark_seen: bool,
    ) -> CoreResult<TicketDetail> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::view_ticket(pool, actor, key, mark_seen).await
        });
        let head = visible_ticket(db, actor, key).await?;
        let t = self
            .details(actor, &[head.id])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        if mark_seen && unseen_by(actor, &t) {
            seen_if_possible(self.mark_ticket_seen(actor, head.id).await)?;
        }
        Ok(t)
    }

    /// The ticket just opened by `actor` ([`Core::open_ticket`]), whole: the answer of a
    /// create, read without looking the ticket up again.
    pub async fn opened_ticket(&self, actor: &Actor, opened: &Opened) -> CoreResult<TicketDetail> {
        self.details(actor, &[opened.id])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Whole tickets, in the order of `ticket_ids`, in four queries whatever their number
    /// (no N+1). Tickets the actor may not see are left out.
    pub async fn details(
        &self,
        actor: &Actor,
        ticket_ids: &[i64],
    ) -> CoreResult<Vec<TicketDetail>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::details(pool, actor, ticket_ids).await);
        details_in(db, actor, ticket_ids).await
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TicketRow {
    id: i64,
    public_id: String,
    number: i64,
    title: String,
    subject: Option<String>,
    status: String,
    priority: String,
    category_id: i64,
    category_slug: String,
    category_name: String,
    client_id: i64,
    client_pid: String,
    client_name: String,
    client_email: String,
    client_role: String,
    assignee_id: Option<i64>,
    assignee_pid: Option<String>,
    assignee_name: Option<String>,
    assignee_email: Option<String>,
    assignee_role: Option<String>,
    api: Option<String>,
    issue_url: Option<String>,
    resolution: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    resolved_at: Option<i64>,
}

/// Whether the ticket shows `actor` messages from the other side not seen yet (only then
/// does reading it write).
pub(crate) fn unseen_by(actor: &Actor, t: &TicketDetail) -> bool {
    let staff = actor.is_staff();
    t.messages
        .iter()
        .any(|m| m.seen_at.is_none() && !m.internal && (m.author.id == t.client.id) == staff)
}

/// Marking messages seen is a courtesy: when the database cannot take writes, the page
/// still shows.
pub(crate) fn seen_if_possible(marked: CoreResult<u64>) -> CoreResult<()> {
    match marked {
        Ok(_) => Ok(()),
        Err(CoreError::Db(e)) if crate::db::is_unavailable(&e) => {
            tracing::warn!(error = %e, "could not mark messages as seen");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// What the ticket views need of a database: the list SQL's differences, and rows that
/// decode on it.
pub(crate) trait ViewSql: ListSql
where
    Self::Arguments: Default,
{
}

impl ViewSql for Sqlite {}
impl ViewSql for sqlx::Postgres {}

/// The threads of several tickets (internal notes only for `staff`), in two queries.
/// Callers have checked that the tickets are visible.
pub(crate) async fn threads_in<DB: ViewSql>(
    pool: &sqlx::Pool<DB>,
    staff: bool,
    ticket_ids: &[i64],
) -> CoreResult<HashMap<i64, Thread>>
where
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'r> MessageRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> FileRow: sqlx::FromRow<'r, DB::Row>,
{
    let mut out: HashMap<i64, Thread> = HashMap::new();
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let mut q = QueryBuilder::<DB>::new(
        "SELECT m.id, m.ticket_id, m.public_id, m.body, m.internal, m.created_at, m.seen_at,
                u.id AS author_id, u.public_id AS author_pid, u.name AS author_name,
                u.email AS author_email, u.role AS author_role
         FROM messages m JOIN users u ON u.id = m.author_id WHERE ",
    );
    DB::id_in(&mut q, "m.ticket_id", ticket_ids);
    if !staff {
        q.push(" AND NOT m.internal");
    }
    q.push(" ORDER BY m.ticket_id, m.id");
    let rows: Vec<MessageRow> = q.build_query_as().fetch_all(pool).await?;
    let mut where_is: HashMap<i64, (i64, usize)> = HashMap::new();
    for r in rows {
        let thread = out.entry(r.ticket_id).or_default();
        where_is.insert(r.id, (r.ticket_id, thread.0.len()));
        thread.0.push(MessageView {
            id: r.id,
            public_id: r.public_id,
            author: PersonRef {
                id: r.author_id,
                public_id: r.author_pid,
                name: r.author_name,
                email: r.author_email,
                role: role(&r.author_role),
            },
            body: r.body,
            internal: r.internal,
            created_at: r.created_at,
            seen_at: r.seen_at,
            attachments: Vec::new(),
        });
    }
    let mut q = QueryBuilder::<DB>::new(
        "SELECT id, ticket_id, public_id, message_id, filename, content_type, size, url, created_at
         FROM attachments WHERE ",
    );
    DB::id_in(&mut q, "ticket_id", ticket_ids);
    q.push(" ORDER BY id");
    let files: Vec<FileRow> = q.build_query_as().fetch_all(pool).await?;
    for f in files {
        let meta = AttachmentMeta {
            id: f.id,
            public_id: f.public_id,
            message_id: f.message_id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
            url: f.url,
            created_at: f.created_at,
        };
        match meta.message_id {
            // On a message the caller may see (not an internal note hidden from them).
            Some(m) => {
                if let Some((ticket, index)) = where_is.get(&m)
                    && let Some(thread) = out.get_mut(ticket)
                {
                    thread.0[*index].attachments.push(meta);
                }
            }
            None => out.entry(f.ticket_id).or_default().1.push(meta),
        }
    }
    Ok(out)
}

/// Whole tickets, in the order of `ticket_ids`, in four queries whatever their number
/// (no N+1). Tickets the actor may not see are left out.
pub(crate) async fn details_in<DB: ViewSql>(
    pool: &sqlx::Pool<DB>,
    actor: &Actor,
    ticket_ids: &[i64],
) -> CoreResult<Vec<TicketDetail>>
where
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'r> MessageRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> FileRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> TicketRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> (i64, i64, String): sqlx::FromRow<'r, DB::Row>,
{
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let staff = actor.is_staff();
    let mut q = QueryBuilder::<DB>::new(
        "SELECT t.id, t.public_id, t.number, t.title, t.subject, t.status, t.priority,
                t.category_id, c.slug AS category_slug, c.name AS category_name,
                t.client_id, cu.public_id AS client_pid, cu.name AS client_name,
                cu.email AS client_email, cu.role AS client_role,
                t.assignee_id, au.public_id AS assignee_pid, au.name AS assignee_name,
                au.email AS assignee_email, au.role AS assignee_role,
                t.api, t.issue_url, t.resolution, t.version,
                t.created_at, t.updated_at, t.resolved_at
         FROM tickets t
         JOIN categories c ON c.id = t.category_id
         JOIN users cu ON cu.id = t.client_id
         LEFT JOIN users au ON au.id = t.assignee_id
         WHERE t.deleted_at IS NULL AND ",
    );
    DB::id_in(&mut q, "t.id", ticket_ids);
    if !staff {
        q.push(" AND t.client_id = ");
        DB::int(&mut q, actor.id);
    }
    let rows: Vec<TicketRow> = q.build_query_as().fetch_all(pool).await?;

    let mut q = QueryBuilder::<DB>::new(
        "SELECT tt.ticket_id, g.id, g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
         WHERE ",
    );
    DB::id_in(&mut q, "tt.ticket_id", ticket_ids);
    q.push(" ORDER BY lower(g.name)").push(DB::BINARY);
    let tag_rows: Vec<(i64, i64, String)> = q.build_query_as().fetch_all(pool).await?;
    let mut tags: HashMap<i64, Vec<TagRef>> = HashMap::new();
    for (ticket, id, name) in tag_rows {
        tags.entry(ticket).or_default().push(TagRef { id, name });
    }
    let mut threads = threads_in(pool, staff, ticket_ids).await?;

    let mut by_id: HashMap<i64, TicketDetail> = HashMap::new();
    for t in rows {
        let (messages, loose_attachments) = threads.remove(&t.id).unwrap_or_default();
        let assignee = match (t.assignee_id, t.assignee_pid, t.assignee_name) {
            (Some(id), Some(public_id), Some(name)) => Some(PersonRef {
                id,
                public_id,
                name,
                email: t.assignee_email.unwrap_or_default(),
                role: role(t.assignee_role.as_deref().unwrap_or("agent")),
            }),
            _ => None,
        };
        by_id.insert(
            t.id,
            TicketDetail {
                id: t.id,
                public_id: t.public_id,
                number: t.number,
                title: t.title,
                subject: t.subject,
                status: Status::parse(&t.status).unwrap_or(Status::Open),
                priority: Priority::parse(&t.priority).unwrap_or_default(),
                category_id: t.category_id,
                category_slug: t.category_slug,
                category_name: t.category_name,
                client: PersonRef {
                    id: t.client_id,
                    public_id: t.client_pid,
                    name: t.client_name,
                    email: t.client_email,
                    role: role(&t.client_role),
                },
                assignee,
                tags: tags.remove(&t.id).unwrap_or_default(),
                api: t.api,
                issue_url: t.issue_url,
                resolution: t.resolution,
                version: t.version,
                created_at: t.created_at,
                updated_at: t.updated_at,
                resolved_at: t.resolved_at,
                messages,
                loose_attachments,
            },
        );
    }
    Ok(ticket_ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .collect())
}
