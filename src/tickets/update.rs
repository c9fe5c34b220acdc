//! Editing a ticket's fields: title, subject, category, priority, tags, api, and the
//! staff-only assignee, issue URL and resolution. Every change is recorded as an event.

use sqlx::SqliteConnection;

use super::Core;
use super::access::{TicketHead, visible_ticket};
use super::events;
use super::model::{Actor, Priority, Status, TicketKey};
use super::open::{CategoryRef, resolve_category, set_tags};
use super::rules::{
    CoreError, CoreResult, Field, Problem, Problems, RESOLUTION_MAX, TITLE_MAX, clean_tags,
};
use super::status::apply_status;
use crate::clock::now_ms;

/// A ticket's tags, by name (created on first use) or by id (must exist).
#[derive(Debug, Clone)]
pub enum TagSet {
    Names(Vec<String>),
    Ids(Vec<i64>),
}

/// A user by integer id (pages) or public id (the JSON dialects).
#[derive(Debug, Clone)]
pub enum UserRef {
    Id(i64),
    PublicId(String),
}

/// The fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TicketUpdate {
    pub title: Option<String>,
    pub subject: Option<String>,
    pub category: Option<CategoryRef>,
    pub priority: Option<Priority>,
    pub tags: Option<TagSet>,
    pub api: Option<String>,
    /// Staff only. `Some(None)` unassigns.
    pub assignee: Option<Option<UserRef>>,
    /// Staff only. `Some(None)` clears it.
    pub issue_url: Option<Option<String>>,
    /// Staff only. `Some(None)` clears it.
    pub resolution: Option<Option<String>>,
    /// With the same rules as [`Core::change_status`], in the same transaction.
    pub status: Option<Status>,
    pub expected_version: Option<i64>,
}

impl TicketUpdate {
    fn staff_only(&self) -> bool {
        self.assignee.is_some() || self.issue_url.is_some() || self.resolution.is_some()
    }
}

/// The editable fields of a ticket, as stored.
pub(crate) struct Current {
    pub title: String,
    pub subject: Option<String>,
    pub category_id: i64,
    pub priority: String,
    pub api: Option<String>,
    pub assignee_id: Option<i64>,
    pub issue_url: Option<String>,
    pub resolution: Option<String>,
}

fn http_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Core {
    /// Applies `update` to a ticket the actor may see. Customers may edit their own
    /// tickets' title, subject, category, priority, tags and api; assignment, the issue URL
    /// and the resolution are for staff (`Forbidden` otherwise). Returns how many fields
    /// changed.
    pub async fn update_ticket(
        &self,
        actor: &Actor,
        key: &TicketKey,
        update: TicketUpdate,
    ) -> CoreResult<usize> {
        self.bulk_update(actor, std::slice::from_ref(key), update)
            .await
    }

    /// Applies one update to many tickets, all or nothing: one ticket the actor may not
    /// see or change, or one invalid value, changes none. One event per change per ticket.
    pub async fn bulk_update(
        &self,
        actor: &Actor,
        keys: &[TicketKey],
        update: TicketUpdate,
    ) -> CoreResult<usize> {
        let (_, writer) = sqlite_or!(self, pool => {
            self.woke(super::pg::bulk_update(pool, self.defaults.open_ticket_limit, self.notices, actor, keys, update).await)
        });
        let limit = self.open_ticket_limit().await?;
        let (actor, keys) = (actor.clone(), keys.to_vec());
        let notices = self.notices;
        let done = writer
            .write(move |tx| {
                Box::pin(async move {
                    let mut changed = 0;
                    for key in &keys {
                        changed +=
                            apply_update(tx, notices, &actor, key, update.clone(), limit).await?;
                    }
                    Ok(changed)
                })
            })
            .await;
        if done.is_ok() {
            self.wake_mail();
        }
        done
    }
}

/// What an update reads and writes, on either database: the rules of
/// [`apply_update`] are written once, over this.
pub(crate) trait UpdateTx: Send {
    /// The ticket, if the actor may see it; locked for the transaction where the database
    /// needs it.
    fn visible(
        &mut self,
        actor: &Actor,
        key: &TicketKey,
    ) -> impl Future<Output = CoreResult<TicketHead>> + Send;
    fn current(&mut self, ticket_id: i64) -> impl Future<Output = CoreResult<Current>> + Send;
    fn category(
        &mut self,
        category: &CategoryRef,
    ) -> impl Future<Output = CoreResult<Option<i64>>> + Send;
    /// The id of an active agent or admin.
    fn staff_user(
        &mut self,
        user: &UserRef,
    ) -> impl Future<Output = CoreResult<Option<i64>>> + Send;
    /// The names of the tags with these ids, or `None` if any id is unknown.
    fn tag_names(
        &mut self,
        ids: &[i64],
    ) -> impl Future<Output = CoreResult<Option<Vec<String>>>> + Send;
    /// The ticket's tag names, sorted ignoring case.
    fn tags(&mut self, ticket_id: i64) -> impl Future<Output = CoreResult<Vec<String>>> + Send;
    fn set_tags(
        &mut self,
        ticket_id: i64,
        names: &[String],
    ) -> impl Future<Output = CoreResult<()>> + Send;
    fn apply_status(
        &mut self,
        notices: super::notify::Notices,
        actor: &Actor,
        ticket: &TicketHead,
        to: Status,
        limit: i64,
    ) -> impl Future<Output = CoreResult<super::StatusChange>> + Send;
    fn save(
        &mut self,
        ticket_id: i64,
        fields: &Current,
        now: i64,
    ) -> impl Future<Output = CoreResult<()>> + Send;
    fn record(
        &mut self,
        ticket_id: i64,
        actor_id: i64,
        change: (&str, Option<&str>, Option<&str>),
        now: i64,
    ) -> impl Future<Output = CoreResult<()>> + Send;
    fn assigned(
        &mut self,
        notices: super::notify::Notices,
        actor: &Actor,
        ticket_id: i64,
        now: i64,
    ) -> impl Future<Output = CoreResult<()>> + Send;
}

impl UpdateTx for SqliteConnection {
    async fn visible(&mut self, actor: &Actor, key: &TicketKey) -> CoreResult<TicketHead> {
        visible_ticket(&mut *self, actor, key).await
    }
    async fn current(&mut self, ticket_id: i64) -> CoreResult<Current> {
        load(self, ticket_id).await
    }
    async fn category(&mut self, category: &CategoryRef) -> CoreResult<Option<i64>> {
        resolve_category(&mut *self, category).await
    }
    async fn staff_user(&mut self, user: &UserRef) -> CoreResult<Option<i64>> {
        staff_user(self, user).await
    }
    async fn tag_names(&mut self, ids: &[i64]) -> CoreResult<Option<Vec<String>>> {
        tag_names_for(self, ids).await
    }
    async fn tags(&mut self, ticket_id: i64) -> CoreResult<Vec<String>> {
        current_tags(self, ticket_id).await
    }
    async fn set_tags(&mut self, ticket_id: i64, names: &[String]) -> CoreResult<()> {
        set_tags(self, ticket_id, names).await
    }
    async fn apply_status(
        &mut self,
        notices: super::notify::Notices,
        actor: &Actor,
        ticket: &TicketHead,
        to: Status,
        limit: i64,
    ) -> CoreResult<super::StatusChange> {
        apply_status(self, notices, actor, ticket, to, limit).await
    }
    async fn save(&mut self, ticket_id: i64, f: &Current, now: i64) -> CoreResult<()> {
        sqlx::query!(
            "UPDATE tickets SET title = ?, subject = ?, category_id = ?, priority = ?, api = ?,
                    assignee_id = ?, issue_url = ?, resolution = ?, updated_at = ?,
                    version = version + 1
             WHERE id = ?",
            f.title,
            f.subject,
            f.category_id,
            f.priority,
            f.api,
            f.assignee_id,
            f.issue_url,
            f.resolution,
            now,
            ticket_id
        )
        .execute(&mut *self)
        .await?;
        Ok(())
    }
    async fn record(
        &mut self,
        ticket_id: i64,
        actor_id: i64,
        (kind, from, to): (&str, Option<&str>, Option<&str>),
        _now: i64,
    ) -> CoreResult<()> {
        events::record(self, ticket_id, actor_id, kind, from, to).await
    }
    async fn assigned(
        &mut self,
        notices: super::notify::Notices,
        actor: &Actor,
        ticket_id: i64,
        _now: i64,
    ) -> CoreResult<()> {
        super::notify::assigned(self, notices, actor, ticket_id).await
    }
}

/// One ticket's update inside the caller's transaction ([`Core::bulk_update`]).
pub(crate) async fn apply_update<T: UpdateTx>(
    tx: &mut T,
    notices: super::notify::Notices,
    actor: &Actor,
    key: &TicketKey,
    update: TicketUpdate,
    limit: i64,
) -> CoreResult<usize> {
    {
        let mut problems = Problems::default();
        let title = update
            .title
            .as_deref()
            .map(|t| problems.text(Field::Title, t, TITLE_MAX));
        if update
            .subject
            .as_deref()
            .is_some_and(|s| s.trim().chars().count() > TITLE_MAX)
        {
            problems.add(Field::Subject, Problem::TooLong { max: TITLE_MAX });
        }
        if let Some(TagSet::Names(names)) = &update.tags {
            problems.tags(&clean_tags(names));
        }
        if let Some(Some(url)) = &update.issue_url
            && !http_url(url.trim())
        {
            problems.add(Field::IssueUrl, Problem::Invalid);
        }
        if let Some(Some(text)) = &update.resolution
            && text.trim().chars().count() > RESOLUTION_MAX
        {
            problems.add(
                Field::Resolution,
                Problem::TooLong {
                    max: RESOLUTION_MAX,
                },
            );
        }
        if let Some(Some(text)) = &update.resolution {
            problems.no_nul(Field::Resolution, text);
        }
        if let Some(subject) = &update.subject {
            problems.no_nul(Field::Subject, subject);
        }

        let ticket = tx.visible(actor, key).await?;
        if update.staff_only() && !actor.is_staff() {
            return Err(CoreError::Forbidden);
        }
        if update.expected_version.is_some_and(|v| v != ticket.version) {
            return Err(CoreError::Stale);
        }
        let current = tx.current(ticket.id).await?;

        let category_id = match &update.category {
            Some(c) => {
                let id = tx.category(c).await?;
                if id.is_none() {
                    problems.add(Field::Category, Problem::Invalid);
                }
                id
            }
            None => None,
        };
        let assignee_id = match &update.assignee {
            Some(Some(user)) => {
                let id = tx.staff_user(user).await?;
                if id.is_none() {
                    problems.add(Field::Assignee, Problem::Invalid);
                }
                Some(id)
            }
            Some(None) => Some(None),
            None => None,
        };
        let tag_names = match &update.tags {
            Some(TagSet::Names(names)) => Some(clean_tags(names)),
            Some(TagSet::Ids(ids)) => match tx.tag_names(ids).await? {
                Some(names) => Some(names),
                None => {
                    problems.add(Field::Tags, Problem::Unknown);
                    None
                }
            },
            None => None,
        };
        problems.into_result()?;

        let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
        let mut next = |kind: &'static str, from: Option<String>, to: Option<String>| {
            if from != to {
                changes.push((kind, from, to.clone()));
            }
            to
        };
        let new_title = next(
            "title",
            Some(current.title.clone()),
            title.or(Some(current.title)),
        )
        .unwrap_or_default();
        let new_subject = next(
            "subject",
            current.subject.clone(),
            if update.subject.is_some() {
                blank_to_none(&update.subject)
            } else {
                current.subject
            },
        );
        let new_priority = next(
            "priority",
            Some(current.priority.clone()),
            Some(
                update
                    .priority
                    .map_or(current.priority, |p| p.as_str().to_owned()),
            ),
        )
        .unwrap_or_default();
        let new_api = next(
            "api",
            current.api.clone(),
            if update.api.is_some() {
                blank_to_none(&update.api)
            } else {
                current.api
            },
        );
        let new_issue_url = next(
            "issue_url",
            current.issue_url.clone(),
            match &update.issue_url {
                Some(v) => blank_to_none(v),
                None => current.issue_url,
            },
        );
        let new_resolution = next(
            "resolution",
            current.resolution.clone(),
            match &update.resolution {
                Some(v) => blank_to_none(v),
                None => current.resolution,
            },
        );
        let new_category = category_id.unwrap_or(current.category_id);
        let new_assignee = assignee_id.unwrap_or(current.assignee_id);
        if new_category != current.category_id {
            changes.push((
                "category",
                Some(current.category_id.to_string()),
                Some(new_category.to_string()),
            ));
        }
        if new_assignee != current.assignee_id {
            changes.push((
                "assignee",
                current.assignee_id.map(|i| i.to_string()),
                new_assignee.map(|i| i.to_string()),
            ));
        }
        if let Some(names) = &tag_names {
            let before = tx.tags(ticket.id).await?;
            let mut sorted = names.clone();
            sorted.sort_by_key(|n| n.to_lowercase());
            if before != sorted {
                tx.set_tags(ticket.id, names).await?;
                changes.push(("tags", Some(before.join(", ")), Some(sorted.join(", "))));
            }
        }
        let status_changed = match update.status {
            Some(to) => tx
                .apply_status(notices, actor, &ticket, to, limit)
                .await?
                .changed(),
            None => false,
        };
        if changes.is_empty() {
            return Ok(usize::from(status_changed));
        }
        let now = now_ms();
        let fields = Current {
            title: new_title,
            subject: new_subject,
            category_id: new_category,
            priority: new_priority,
            api: new_api,
            assignee_id: new_assignee,
            issue_url: new_issue_url,
            resolution: new_resolution,
        };
        tx.save(ticket.id, &fields, now).await?;
        for (kind, from, to) in &changes {
            tx.record(
                ticket.id,
                actor.id,
                (kind, from.as_deref(), to.as_deref()),
                now,
            )
            .await?;
        }
        if new_assignee.is_some() && new_assignee != current.assignee_id {
            tx.assigned(notices, actor, ticket.id, now).await?;
        }
        Ok(changes.len() + usize::from(status_changed))
    }
}

async fn load(tx: &mut SqliteConnection, ticket_id: i64) -> CoreResult<Current> {
    let r = sqlx::query!(
        "SELECT title, subject, category_id, priority, api, assignee_id, issue_url, resolution
         FROM tickets WHERE id = ?",
        ticket_id
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Current {
        title: r.title,
        subject: r.subject,
        category_id: r.category_id,
        priority: r.priority,
        api: r.api,
        assignee_id: r.assignee_id,
        issue_url: r.issue_url,
        resolution: r.resolution,
    })
}

/// The id of an active agent or admin.
async fn staff_user(tx: &mut SqliteConnection, user: &UserRef) -> CoreResult<Option<i64>> {
    let (id, public_id) = match user {
        UserRef::Id(id) => (Some(*id), None),
        UserRef::PublicId(p) => (None, Some(p.as_str())),
    };
    Ok(sqlx::query_scalar!(
        "SELECT id FROM users WHERE (id = ?1 OR public_id = ?2) AND active = 1
           AND role IN ('agent', 'admin')",
        id,
        public_id
    )
    .fetch_optional(&mut *tx)
    .await?)
}

/// The names of the tags with these ids, or `None` if any id is unknown.
async fn tag_names_for(tx: &mut SqliteConnection, ids: &[i64]) -> CoreResult<Option<Vec<String>>> {
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        match sqlx::query_scalar!("SELECT name FROM tags WHERE id = ?", id)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(name) => names.push(name),
            None => return Ok(None),
        }
    }
    Ok(Some(clean_tags(&names)))
}

async fn current_tags(tx: &mut SqliteConnection, ticket_id: i64) -> CoreResult<Vec<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
         WHERE tt.ticket_id = ? ORDER BY lower(g.name)",
        ticket_id
    )
    .fetch_all(&mut *tx)
    .await?)
}
