//! A whole ticket as its pages and detail endpoints show it.

use super::Core;
use super::access::visible_ticket;
use super::attachments::AttachmentMeta;
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

fn role(s: &str) -> Role {
    Role::parse(s).unwrap_or(Role::Customer)
}

impl Core {
    /// The ticket with its thread, tags and attachments, in four indexed queries.
    /// With `mark_seen`, messages from the other side become seen (only if any are new,
    /// so that reading a ticket does not write).
    pub async fn view_ticket(
        &self,
        actor: &Actor,
        key: &TicketKey,
        mark_seen: bool,
    ) -> CoreResult<TicketDetail> {
        let head = visible_ticket(&self.db, actor, key).await?;
        let t = sqlx::query!(
            r#"SELECT t.title, t.subject, t.status, t.priority, t.category_id,
                      c.slug AS category_slug, c.name AS category_name,
                      t.client_id, cu.public_id AS client_pid, cu.name AS client_name,
                      cu.email AS client_email, cu.role AS client_role,
                      t.assignee_id, au.public_id AS "assignee_pid?", au.name AS "assignee_name?",
                      au.email AS "assignee_email?", au.role AS "assignee_role?",
                      t.api, t.issue_url, t.resolution, t.version,
                      t.created_at, t.updated_at, t.resolved_at
               FROM tickets t
               JOIN categories c ON c.id = t.category_id
               JOIN users cu ON cu.id = t.client_id
               LEFT JOIN users au ON au.id = t.assignee_id
               WHERE t.id = ?"#,
            head.id
        )
        .fetch_one(&self.db)
        .await?;

        let tags = sqlx::query!(
            r#"SELECT g.id AS "id!", g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
               WHERE tt.ticket_id = ? ORDER BY g.name"#,
            head.id
        )
        .fetch_all(&self.db)
        .await?
        .into_iter()
        .map(|r| TagRef {
            id: r.id,
            name: r.name,
        })
        .collect();

        let staff = actor.is_staff();
        let rows = sqlx::query!(
            r#"SELECT m.id AS "id!", m.public_id, m.body, m.internal, m.created_at, m.seen_at,
                      u.id AS author_id, u.public_id AS author_pid, u.name AS author_name,
                      u.email AS author_email, u.role AS author_role
               FROM messages m JOIN users u ON u.id = m.author_id
               WHERE m.ticket_id = ?1 AND (?2 OR m.internal = 0)
               ORDER BY m.id"#,
            head.id,
            staff
        )
        .fetch_all(&self.db)
        .await?;
        let mut messages: Vec<MessageView> = rows
            .into_iter()
            .map(|r| MessageView {
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
                internal: r.internal != 0,
                created_at: r.created_at,
                seen_at: r.seen_at,
                attachments: Vec::new(),
            })
            .collect();

        let files = sqlx::query!(
            r#"SELECT id AS "id!", public_id, message_id, filename, content_type, size, url,
                      created_at
               FROM attachments WHERE ticket_id = ? ORDER BY id"#,
            head.id
        )
        .fetch_all(&self.db)
        .await?;
        let mut loose_attachments = Vec::new();
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
            match messages.iter_mut().find(|m| Some(m.id) == meta.message_id) {
                Some(m) => m.attachments.push(meta),
                // On an internal note the customer may not see: leave it out.
                None if meta.message_id.is_some() => {}
                None => loose_attachments.push(meta),
            }
        }

        if mark_seen {
            let client_id = t.client_id;
            let pending = messages
                .iter()
                .any(|m| m.seen_at.is_none() && !m.internal && (m.author.id == client_id) == staff);
            if pending {
                self.mark_ticket_seen(actor, head.id).await?;
            }
        }

        Ok(TicketDetail {
            id: head.id,
            public_id: head.public_id,
            number: head.number,
            title: t.title,
            subject: t.subject,
            status: Status::parse(&t.status).ok_or(CoreError::NotFound)?,
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
            assignee: match (t.assignee_id, t.assignee_pid, t.assignee_name) {
                (Some(id), Some(public_id), Some(name)) => Some(PersonRef {
                    id,
                    public_id,
                    name,
                    email: t.assignee_email.unwrap_or_default(),
                    role: role(t.assignee_role.as_deref().unwrap_or("agent")),
                }),
                _ => None,
            },
            tags,
            api: t.api,
            issue_url: t.issue_url,
            resolution: t.resolution,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            resolved_at: t.resolved_at,
            messages,
            loose_attachments,
        })
    }
}
