//! The ticket core's use cases on PostgreSQL (docs/postgres.md). Each answers exactly as
//! its SQLite twin in the module named beside it; the rules are shared, only the reading
//! and writing differ. [`super::Core`]'s methods call these when the core runs on
//! PostgreSQL ([`super::Backend::Postgres`]); tests hold each one to its twin.
//!
//! Lists, counts and search (twin: `list.rs`). The filters and the keyset pages are the
//! same SQL on both databases (`push_filters`, `page_ids`); PostgreSQL reads rows plainly,
//! sums the sharded tallies, and searches the per-ticket `tsvector` documents.
//!
//! Opening a ticket (twin: `open.rs`) and changing its status (twin: `status.rs`): one
//! transaction on the pool each, the statements in `helpdesk_store_pg::tickets` (checked
//! against PostgreSQL), the rules shared; what SQLite's single writer serialised is held
//! by row locks (the customer's row for the open-ticket limit, the ticket's row for its
//! version).

use helpdesk_store_pg::tickets as store;
use helpdesk_store_pg::{mail_in, notices};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::access::TicketHead;
use super::admin::{admin_only, category_name, new_category, tag_name};
use super::attachments::{sanitize_content_type, sanitize_filename};
use super::delete::may_delete;
use super::inbound::{
    AUTOMATIC_ANSWERS_PER_HOUR, Inbound, InboundMail, MailInStore, NewByMail, receive_with,
    sender_name,
};
use super::limit_from;
use super::list::{
    Exactness, LIST_MAX, ListFilter, Order, Page, QUEUE_COUNT_CAP, SEARCH_HITS_MAX, StatusCounts,
    TicketSummary, faceted, maintained, page_ids, push_filters, search_page, ts_query,
};
use super::messages::reply_rules;
use super::model::{Actor, Category, Status, Tag};
use super::notify::{
    Kind, MailPolicy, Notices, kinds_on_from, mine, optouts, policy_from, policy_settings,
};
use super::open::first_checks;
use super::rules::{ATTACHMENT_MAX_BYTES, CoreError, CoreResult, Field, Problem, clean_tags};
use super::saved_replies::{SavedReply, checked_reply, staff_only, title_taken};
use super::status::may_change_status;
use super::update::{Current, UpdateTx, apply_update};
use super::view::{details_in, seen_if_possible, unseen_by};
use super::{
    AssigneeFilter, AttachmentMeta, Catalog, CategoryRef, Download, Event, LinkAttachment,
    MessageRef, NewMessage, NewTicket, Opened, Role, StatusChange, TicketDetail, TicketKey,
    TicketUpdate, Trashed, Upload, UserRef,
};
use crate::clock::now_ms;
use crate::secure::{public_id, sha256_hex};
use helpdesk_store_pg::admin::{self as admin_store, SaveError as AdminError};
use helpdesk_store_pg::replies::{self, ReplyError};

/// [`super::Core::list_with_counts`] on PostgreSQL.
pub async fn list_with_counts(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
) -> CoreResult<(Page<TicketSummary>, StatusCounts)> {
    if let Some(query) = filter.search.as_deref().and_then(ts_query) {
        return search(pool, actor, filter, &query).await;
    }
    let counts = list_counts(pool, actor, filter).await?;
    let total = counts.sum_or_total(&filter.statuses);
    let page = list_page(pool, actor, filter, Some(total)).await?;
    Ok((page, counts))
}

/// [`super::Core::list_counts`] on PostgreSQL.
pub async fn list_counts(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
) -> CoreResult<StatusCounts> {
    if actor.is_staff() && !faceted(actor, filter) {
        count_by_status_capped(pool, actor, filter, QUEUE_COUNT_CAP).await
    } else {
        count_by_status(pool, actor, filter).await
    }
}

/// [`super::Core::list_tickets`] on PostgreSQL.
pub async fn list_tickets(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
) -> CoreResult<Page<TicketSummary>> {
    if let Some(query) = filter.search.as_deref().and_then(ts_query) {
        return Ok(search(pool, actor, filter, &query).await?.0);
    }
    list_page(pool, actor, filter, None).await
}

/// [`super::Core::search`] on PostgreSQL: staff search the newest [`SEARCH_HITS_MAX`]
/// tickets whose staff document matches (a GIN index scan, newest ticket first); a
/// customer's own tickets are probed one by one against their public documents.
async fn search(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
    query: &str,
) -> CoreResult<(Page<TicketSummary>, StatusCounts)> {
    let every_status = ListFilter {
        statuses: Vec::new(),
        search: None,
        ..filter.clone()
    };
    let mut q = QueryBuilder::<Postgres>::new("");
    // Whether the search stopped at the newest SEARCH_HITS_MAX matches (staff only).
    let mut capped = false;
    if actor.is_staff() {
        let hits = store::newest_staff_matches(pool, query, SEARCH_HITS_MAX).await?;
        capped = hits.len() as i64 >= SEARCH_HITS_MAX;
        q.push("SELECT t.id, t.status, t.priority, t.updated_at FROM tickets t");
        push_filters(&mut q, actor, &every_status);
        q.push(" AND t.id = ANY(").push_bind(hits).push(")");
    } else {
        q.push("SELECT t.id, t.status, t.priority, t.updated_at FROM tickets t");
        push_filters(&mut q, actor, &every_status);
        q.push(
            " AND EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id
                 AND s.public @@ to_tsquery('simple', unaccent(",
        )
        .push_bind(query.to_owned())
        .push(")))");
    }
    let candidates: Vec<(i64, String, String, i64)> = q.build_query_as().fetch_all(pool).await?;
    let (ids, total, counts) = search_page(filter, capped, candidates);
    let (limit, offset) = (filter.limit.clamp(1, LIST_MAX), filter.offset.max(0));
    let page_filter = ListFilter {
        ticket_ids: Some(ids),
        after: None,
        before: None,
        from_end: false,
        offset: 0,
        ..every_status
    };
    let page = list_page(pool, actor, &page_filter, Some(total)).await?;
    Ok((
        Page {
            offset,
            limit,
            ..page
        },
        counts,
    ))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    public_id: String,
    number: i64,
    title: String,
    status: String,
    priority: String,
    category_id: i64,
    category: String,
    client_name: String,
    assignee_name: Option<String>,
    created_at: i64,
    updated_at: i64,
    unseen: bool,
}

async fn list_page(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
    known_total: Option<i64>,
) -> CoreResult<Page<TicketSummary>> {
    let limit = filter.limit.clamp(1, LIST_MAX);
    let offset = filter.offset.max(0);
    let side = if actor.is_staff() { "=" } else { "<>" };
    let order_by = match filter.order {
        Order::Updated => " ORDER BY t.updated_at DESC, t.id DESC",
        Order::Created => " ORDER BY t.id DESC",
        Order::Priority => {
            " ORDER BY CASE t.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3
                 WHEN 'medium' THEN 2 ELSE 1 END DESC, t.updated_at DESC, t.id DESC"
        }
    };
    let mut q = QueryBuilder::<Postgres>::new(format!(
        "SELECT t.id, t.public_id, t.number, t.title, t.status, t.priority, t.category_id,
                c.name AS category, u.name AS client_name, a.name AS assignee_name,
                t.created_at, t.updated_at,
                EXISTS (SELECT 1 FROM messages m
                        WHERE m.ticket_id = t.id AND m.seen_at IS NULL AND NOT m.internal
                          AND m.author_id {side} t.client_id) AS unseen
         FROM ("
    ));
    page_ids(&mut q, actor, filter, limit, offset);
    q.push(
        ") page JOIN tickets t ON t.id = page.id
             JOIN categories c ON c.id = t.category_id
             JOIN users u ON u.id = t.client_id
             LEFT JOIN users a ON a.id = t.assignee_id",
    )
    .push(order_by);
    let rows: Vec<Row> = q.build_query_as().fetch_all(pool).await?;
    let items = rows
        .into_iter()
        .map(|r| TicketSummary {
            id: r.id,
            public_id: r.public_id,
            number: r.number,
            title: r.title,
            status: r.status,
            priority: r.priority,
            category_id: r.category_id,
            category: r.category,
            client_name: r.client_name,
            assignee_name: r.assignee_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            unseen: r.unseen,
        })
        .collect();
    let total = if let Some(total) = known_total {
        total
    } else if faceted(actor, filter) {
        count_by_status(pool, actor, filter)
            .await?
            .sum_or_total(&filter.statuses)
    } else {
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM tickets t");
        push_filters(&mut count, actor, filter);
        count.build_query_scalar().fetch_one(pool).await?
    };
    Ok(Page {
        items,
        offset,
        limit,
        total,
    })
}

/// [`super::Core::count_by_status`] on PostgreSQL: the tallies' shards summed.
pub async fn count_by_status(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
) -> CoreResult<StatusCounts> {
    let rows: Vec<(String, i64)> = if maintained(actor, filter) {
        sqlx::query_as("SELECT status, SUM(n)::bigint FROM ticket_counts GROUP BY status")
            .fetch_all(pool)
            .await?
    } else if faceted(actor, filter) {
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT status, SUM(n)::bigint FROM ticket_facets WHERE assignee_id ",
        );
        match filter.assignee {
            Some(AssigneeFilter::Unassigned) => q.push("= 0"),
            Some(AssigneeFilter::User(id)) => q.push("= ").push_bind(id),
            None => q.push(">= 0"),
        };
        if let Some(category) = filter.category_id {
            q.push(" AND category_id = ").push_bind(category);
        }
        if let Some(priority) = filter.priority {
            q.push(" AND priority = ").push_bind(priority.as_str());
        }
        q.push(" GROUP BY status");
        q.build_query_as().fetch_all(pool).await?
    } else {
        let filter = ListFilter {
            statuses: Vec::new(),
            ..filter.clone()
        };
        let mut q = QueryBuilder::<Postgres>::new("SELECT t.status, COUNT(*) FROM tickets t");
        push_filters(&mut q, actor, &filter);
        q.push(" GROUP BY t.status");
        q.build_query_as().fetch_all(pool).await?
    };
    Ok(StatusCounts(
        rows.into_iter()
            .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
            .collect(),
        Exactness::Exact,
    ))
}

/// [`super::Core::count_by_status_capped`] on PostgreSQL.
pub async fn count_by_status_capped(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
    cap: i64,
) -> CoreResult<StatusCounts> {
    let filter = ListFilter {
        statuses: Vec::new(),
        ..filter.clone()
    };
    let mut q = QueryBuilder::<Postgres>::new("");
    for (i, status) in Status::ALL.into_iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        q.push("SELECT ")
            .push_bind(status.as_str())
            .push("::text, (SELECT COUNT(*) FROM (SELECT 1 FROM tickets t");
        push_filters(&mut q, actor, &filter);
        q.push(" AND t.status = ")
            .push_bind(status.as_str())
            .push(format_args!(" LIMIT {}) AS capped)", cap + 1));
    }
    let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(pool).await?;
    Ok(StatusCounts(
        rows.into_iter()
            .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
            .collect(),
        Exactness::CappedAt(cap),
    ))
}

// Opening a ticket (twin: `open.rs`).

/// [`super::Core::open_ticket_with`] on PostgreSQL: one transaction; a customer's row is
/// locked while their unfinished tickets are counted, so the open-ticket limit holds when
/// they open tickets at once on several instances.
pub async fn open_ticket_with(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    input: NewTicket,
    followups: Vec<NewMessage>,
) -> CoreResult<Opened> {
    let problems = first_checks(actor, &input, &followups)?;
    let mut tx = pool.begin().await?;
    let opened = open_in(
        &mut tx,
        default_limit,
        notices,
        actor,
        input,
        followups,
        problems,
    )
    .await?;
    // Acknowledged only once committed.
    tx.commit().await?;
    Ok(opened)
}

/// [`open_ticket_with`] inside the caller's transaction, the input's own problems found.
pub(crate) async fn open_in(
    tx: &mut PgConnection,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    input: NewTicket,
    followups: Vec<NewMessage>,
    mut problems: super::rules::Problems,
) -> CoreResult<Opened> {
    let (id, slug) = match &input.category {
        CategoryRef::Id(id) => (Some(*id), None),
        CategoryRef::Slug(slug) => (None, Some(slug.trim())),
    };
    let category_id = store::active_category(&mut *tx, id, slug).await?;
    if category_id.is_none() {
        problems.add(Field::Category, Problem::Invalid);
    }
    problems.into_result()?;
    let category_id = category_id.unwrap_or_default();
    if actor.role == Role::Customer {
        hold_to_limit(&mut *tx, actor.id, default_limit).await?;
    }
    let now = now_ms();
    let ticket_pid = public_id();
    let trimmed = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (subject, api) = (trimmed(&input.subject), trimmed(&input.api));
    let inserted = store::insert_ticket(
        &mut *tx,
        store::NewTicketRow {
            public_id: &ticket_pid,
            title: input.title.trim(),
            subject: subject.as_deref(),
            priority: input.priority.as_str(),
            category_id,
            client_id: actor.id,
            api: api.as_deref(),
            now,
        },
    )
    .await?;
    let Some((ticket_id, number)) = inserted else {
        // Deactivated since it was looked up.
        return Err(CoreError::invalid(Field::Category, Problem::Invalid));
    };
    let message_id = store::insert_message(
        &mut *tx,
        &public_id(),
        ticket_id,
        actor.id,
        input.description.trim(),
        false,
        now,
    )
    .await?;
    for tag in clean_tags(&input.tags) {
        store::add_tag(&mut *tx, ticket_id, &tag).await?;
    }
    attach_all(
        &mut *tx,
        actor,
        (ticket_id, message_id),
        input.uploads,
        input.links,
        &input.attachment_ids,
        now,
    )
    .await?;
    for followup in followups {
        let id = store::insert_message(
            &mut *tx,
            &public_id(),
            ticket_id,
            actor.id,
            followup.body.trim(),
            followup.internal,
            now,
        )
        .await?;
        attach_all(
            &mut *tx,
            actor,
            (ticket_id, id),
            followup.uploads,
            followup.links,
            &followup.attachment_ids,
            now,
        )
        .await?;
    }
    if notices.enabled {
        if !actor.is_staff() {
            // The author is the recipient here: nobody (id 0) is left out instead.
            notice(
                &mut *tx,
                Kind::TicketReceived,
                ticket_id,
                0,
                store::Recipients::Client,
                now,
            )
            .await?;
        }
        notice(
            &mut *tx,
            Kind::NewTicket,
            ticket_id,
            actor.id,
            store::Recipients::Staff,
            now,
        )
        .await?;
    }
    Ok(Opened {
        id: ticket_id,
        number,
        public_id: ticket_pid,
    })
}

/// Refuses a customer's new unfinished ticket over the open-ticket limit. Their row stays
/// locked until the transaction ends, so tickets opened or reopened at once by one
/// customer on several instances are counted one after the other.
async fn hold_to_limit(
    tx: &mut PgConnection,
    client_id: i64,
    default_limit: i64,
) -> CoreResult<()> {
    let active = store::lock_client_and_count_active(&mut *tx, client_id).await?;
    let limit = limit_from(
        store::saved_open_ticket_limit(&mut *tx).await?,
        default_limit,
    );
    if active >= limit {
        return Err(CoreError::OpenTicketLimit { limit });
    }
    Ok(())
}

async fn notice(
    tx: &mut PgConnection,
    kind: Kind,
    ticket_id: i64,
    author: i64,
    recipients: store::Recipients,
    now: i64,
) -> sqlx::Result<()> {
    store::queue_notice(
        tx,
        kind.as_str(),
        &kind.setting(),
        ticket_id,
        None,
        author,
        recipients,
        now,
    )
    .await
}

/// [`super::attachments::attach_all`] on PostgreSQL.
async fn attach_all(
    tx: &mut PgConnection,
    actor: &Actor,
    place: (i64, i64),
    uploads: Vec<Upload>,
    links: Vec<LinkAttachment>,
    claimed: &[String],
    now: i64,
) -> CoreResult<()> {
    for upload in uploads {
        if upload.data.len() > ATTACHMENT_MAX_BYTES {
            return Err(CoreError::invalid(
                Field::Attachments,
                Problem::FileTooBig {
                    filename: upload.filename,
                },
            ));
        }
        let digest = sha256_hex(&upload.data);
        store::insert_attachment(
            tx,
            store::AttachmentRow {
                public_id: &public_id(),
                place: Some(place),
                uploader_id: actor.id,
                filename: &sanitize_filename(&upload.filename),
                content_type: &sanitize_content_type(&upload.content_type),
                size: upload.data.len() as i64,
                sha256: Some(&digest),
                data: Some(&upload.data),
                url: None,
                now,
            },
        )
        .await?;
    }
    for link in links {
        store::insert_attachment(
            tx,
            store::AttachmentRow {
                public_id: &public_id(),
                place: Some(place),
                uploader_id: actor.id,
                filename: &sanitize_filename(&link.filename),
                content_type: &sanitize_content_type(&link.content_type),
                size: link.size,
                sha256: None,
                data: None,
                url: Some(&link.url),
                now,
            },
        )
        .await?;
    }
    for id in claimed {
        if !store::claim_attachment(tx, id, actor.id, place.0, place.1).await? {
            return Err(CoreError::invalid(Field::Attachments, Problem::Unknown));
        }
    }
    Ok(())
}

// Status changes (twin: `status.rs`).

/// [`super::Core::change_status`] on PostgreSQL.
pub async fn change_status(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
    to: Status,
    expected_version: Option<i64>,
) -> CoreResult<StatusChange> {
    transition(
        pool,
        default_limit,
        notices,
        actor,
        key,
        move |_| to,
        expected_version,
    )
    .await
}

/// [`super::Core::close_ticket`] on PostgreSQL.
pub async fn close_ticket(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
) -> CoreResult<StatusChange> {
    let decide = |from: Status| {
        if from.is_finished() {
            from
        } else {
            Status::Closed
        }
    };
    transition(pool, default_limit, notices, actor, key, decide, None).await
}

/// [`super::Core::reopen_ticket`] on PostgreSQL.
pub async fn reopen_ticket(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
) -> CoreResult<StatusChange> {
    let decide = |from: Status| {
        if from.is_finished() {
            Status::Open
        } else {
            from
        }
    };
    transition(pool, default_limit, notices, actor, key, decide, None).await
}

/// One transaction: the ticket's row locked while its version is compared and its new
/// status decided, so that of two changes made from the same page at once the second is
/// refused as stale (SQLite's single writer did this).
async fn transition(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
    decide: impl FnOnce(Status) -> Status,
    expected_version: Option<i64>,
) -> CoreResult<StatusChange> {
    let mut tx = pool.begin().await?;
    let ticket = visible_ticket(&mut tx, actor, key).await?;
    if expected_version.is_some_and(|v| v != ticket.version) {
        return Err(CoreError::Stale);
    }
    let to = decide(ticket.status);
    let change = apply_status(&mut tx, default_limit, notices, actor, &ticket, to).await?;
    tx.commit().await?;
    Ok(change)
}

/// [`super::access::visible_ticket`] on PostgreSQL, the row locked for the transaction.
async fn visible_ticket(
    tx: &mut PgConnection,
    actor: &Actor,
    key: &TicketKey,
) -> CoreResult<TicketHead> {
    let (number, public_id) = key_parts(key);
    head(store::visible_ticket_for_update(tx, number, public_id, actor.is_staff(), actor.id).await?)
}

/// A ticket key as the statements take it: (number, public id).
fn key_parts(key: &TicketKey) -> (Option<i64>, Option<&str>) {
    match key {
        TicketKey::Number(n) => (Some(*n), None),
        TicketKey::PublicId(p) => (None, Some(p.as_str())),
    }
}

/// The head of a ticket the caller may see; `NotFound` for none.
fn head(row: Option<store::TicketHead>) -> CoreResult<TicketHead> {
    let (id, status, client_id, version) = row.ok_or(CoreError::NotFound)?;
    Ok(TicketHead {
        id,
        status: Status::parse(&status).ok_or(CoreError::NotFound)?,
        client_id,
        version,
    })
}

/// [`super::status::apply_status`] on PostgreSQL.
async fn apply_status(
    tx: &mut PgConnection,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    ticket: &TicketHead,
    to: Status,
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
    if !actor.is_staff() && to.is_active() {
        hold_to_limit(tx, actor.id, default_limit).await?;
    }
    let now = now_ms();
    store::set_status(
        tx,
        ticket.id,
        to.as_str(),
        to.is_finished(),
        ticket.status.is_finished(),
        now,
    )
    .await?;
    store::record_event(
        tx,
        ticket.id,
        actor.id,
        "status",
        Some(ticket.status.as_str()),
        Some(to.as_str()),
        now,
    )
    .await?;
    if notices.enabled && actor.is_staff() && matches!(to, Status::Resolved | Status::Closed) {
        notice(
            tx,
            Kind::TicketClosed,
            ticket.id,
            actor.id,
            store::Recipients::Client,
            now,
        )
        .await?;
    }
    Ok(change)
}

// Replies and notes, seen markers (twin: `messages.rs`).

/// [`super::Core::add_message`] on PostgreSQL: the ticket's row locked while the reply's
/// rules are decided (a stale page, a closed ticket, a reopening).
pub async fn add_message(
    pool: &PgPool,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
    input: NewMessage,
) -> CoreResult<MessageRef> {
    input.check().into_result()?;
    if input.internal && !actor.is_staff() {
        return Err(CoreError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let added = add_message_in(&mut tx, notices, actor, key, input).await?;
    tx.commit().await?;
    Ok(added)
}

/// [`add_message`] inside the caller's transaction, the input checked.
pub(crate) async fn add_message_in(
    tx: &mut PgConnection,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
    input: NewMessage,
) -> CoreResult<MessageRef> {
    let ticket = visible_ticket(&mut *tx, actor, key).await?;
    let reopen = reply_rules(actor, &ticket, input.expected_version)?;
    let now = now_ms();
    let pid = public_id();
    let message_id = store::insert_message(
        &mut *tx,
        &pid,
        ticket.id,
        actor.id,
        input.body.trim(),
        input.internal,
        now,
    )
    .await?;
    attach_all(
        &mut *tx,
        actor,
        (ticket.id, message_id),
        input.uploads,
        input.links,
        &input.attachment_ids,
        now,
    )
    .await?;
    if notices.enabled && !input.internal {
        let (kind, recipients) = if actor.is_staff() {
            (Kind::StaffReply, store::Recipients::Client)
        } else {
            (Kind::CustomerReply, store::Recipients::Assignee)
        };
        store::queue_notice(
            &mut *tx,
            kind.as_str(),
            &kind.setting(),
            ticket.id,
            Some(message_id),
            actor.id,
            recipients,
            now,
        )
        .await?;
    }
    let status = if reopen { Status::Open } else { ticket.status };
    store::touch_after_message(&mut *tx, ticket.id, status.as_str(), reopen, now).await?;
    if reopen {
        store::record_event(
            &mut *tx,
            ticket.id,
            actor.id,
            "status",
            Some(ticket.status.as_str()),
            Some(status.as_str()),
            now,
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

/// [`super::Core::mark_ticket_seen`] on PostgreSQL.
pub async fn mark_ticket_seen(pool: &PgPool, actor: &Actor, ticket_id: i64) -> CoreResult<u64> {
    Ok(store::mark_ticket_seen(pool, ticket_id, actor.is_staff(), now_ms()).await?)
}

/// [`super::Core::mark_messages_seen`] on PostgreSQL: all or nothing.
pub async fn mark_messages_seen(pool: &PgPool, actor: &Actor, ids: &[String]) -> CoreResult<()> {
    if ids.is_empty() {
        return Err(CoreError::invalid(Field::Message, Problem::Required));
    }
    let now = now_ms();
    let mut tx = pool.begin().await?;
    for id in ids {
        if !store::mark_message_seen(&mut tx, id, actor.is_staff(), actor.id, now).await? {
            return Err(CoreError::NotFound);
        }
    }
    tx.commit().await?;
    Ok(())
}

// A whole ticket (twin: `view.rs`; the assembly is shared: `view::details_in`).

/// [`super::Core::view_ticket`] on PostgreSQL.
pub async fn view_ticket(
    pool: &PgPool,
    actor: &Actor,
    key: &TicketKey,
    mark_seen: bool,
) -> CoreResult<TicketDetail> {
    let head = ticket_head(pool, actor, key).await?;
    let t = details_in(pool, actor, &[head.id])
        .await?
        .pop()
        .ok_or(CoreError::NotFound)?;
    if mark_seen && unseen_by(actor, &t) {
        seen_if_possible(mark_ticket_seen(pool, actor, head.id).await)?;
    }
    Ok(t)
}

/// [`super::Core::details`] on PostgreSQL.
pub async fn details(
    pool: &PgPool,
    actor: &Actor,
    ticket_ids: &[i64],
) -> CoreResult<Vec<TicketDetail>> {
    details_in(pool, actor, ticket_ids).await
}

/// [`super::Core::ticket_status`] on PostgreSQL.
pub async fn ticket_status(pool: &PgPool, actor: &Actor, key: &TicketKey) -> CoreResult<Status> {
    Ok(ticket_head(pool, actor, key).await?.status)
}

/// [`super::access::visible_ticket`] on PostgreSQL, without a lock (reads).
async fn ticket_head(pool: &PgPool, actor: &Actor, key: &TicketKey) -> CoreResult<TicketHead> {
    let (number, public_id) = key_parts(key);
    head(store::visible_ticket(pool, number, public_id, actor.is_staff(), actor.id).await?)
}

// Edits and bulk edits (twin: `update.rs`; the rules are shared: `update::apply_update`
// over `UpdateTx`).

impl UpdateTx for PgConnection {
    async fn visible(&mut self, actor: &Actor, key: &TicketKey) -> CoreResult<TicketHead> {
        visible_ticket(self, actor, key).await
    }
    async fn current(&mut self, ticket_id: i64) -> CoreResult<Current> {
        let f = store::ticket_fields(self, ticket_id).await?;
        Ok(Current {
            title: f.0,
            subject: f.1,
            category_id: f.2,
            priority: f.3,
            api: f.4,
            assignee_id: f.5,
            issue_url: f.6,
            resolution: f.7,
        })
    }
    async fn category(&mut self, category: &CategoryRef) -> CoreResult<Option<i64>> {
        let (id, slug) = match category {
            CategoryRef::Id(id) => (Some(*id), None),
            CategoryRef::Slug(slug) => (None, Some(slug.trim())),
        };
        Ok(store::active_category(self, id, slug).await?)
    }
    async fn staff_user(&mut self, user: &UserRef) -> CoreResult<Option<i64>> {
        let (id, public_id) = match user {
            UserRef::Id(id) => (Some(*id), None),
            UserRef::PublicId(p) => (None, Some(p.as_str())),
        };
        Ok(store::staff_user(self, id, public_id).await?)
    }
    async fn tag_names(&mut self, ids: &[i64]) -> CoreResult<Option<Vec<String>>> {
        let mut names = Vec::with_capacity(ids.len());
        for id in ids {
            match store::tag_name(self, *id).await? {
                Some(name) => names.push(name),
                None => return Ok(None),
            }
        }
        Ok(Some(clean_tags(&names)))
    }
    async fn tags(&mut self, ticket_id: i64) -> CoreResult<Vec<String>> {
        Ok(store::ticket_tags(self, ticket_id).await?)
    }
    async fn set_tags(&mut self, ticket_id: i64, names: &[String]) -> CoreResult<()> {
        store::clear_tags(self, ticket_id).await?;
        for name in names {
            store::add_tag(self, ticket_id, name).await?;
        }
        Ok(())
    }
    async fn apply_status(
        &mut self,
        notices: Notices,
        actor: &Actor,
        ticket: &TicketHead,
        to: Status,
        limit: i64,
    ) -> CoreResult<StatusChange> {
        apply_status(self, limit, notices, actor, ticket, to).await
    }
    async fn save(&mut self, ticket_id: i64, f: &Current, now: i64) -> CoreResult<()> {
        let fields = (
            f.title.clone(),
            f.subject.clone(),
            f.category_id,
            f.priority.clone(),
            f.api.clone(),
            f.assignee_id,
            f.issue_url.clone(),
            f.resolution.clone(),
        );
        Ok(store::save_ticket_fields(self, ticket_id, &fields, now).await?)
    }
    async fn record(
        &mut self,
        ticket_id: i64,
        actor_id: i64,
        (kind, from, to): (&str, Option<&str>, Option<&str>),
        now: i64,
    ) -> CoreResult<()> {
        Ok(store::record_event(self, ticket_id, actor_id, kind, from, to, now).await?)
    }
    async fn assigned(
        &mut self,
        notices: Notices,
        actor: &Actor,
        ticket_id: i64,
        now: i64,
    ) -> CoreResult<()> {
        if notices.enabled {
            notice(
                self,
                Kind::Assigned,
                ticket_id,
                actor.id,
                store::Recipients::Assignee,
                now,
            )
            .await?;
        }
        Ok(())
    }
}

/// [`super::Core::update_ticket`] on PostgreSQL.
pub async fn update_ticket(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    key: &TicketKey,
    update: TicketUpdate,
) -> CoreResult<usize> {
    bulk_update(
        pool,
        default_limit,
        notices,
        actor,
        std::slice::from_ref(key),
        update,
    )
    .await
}

/// [`super::Core::bulk_update`] on PostgreSQL: one transaction, all or nothing, each
/// ticket's row locked as it is reached.
pub async fn bulk_update(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    keys: &[TicketKey],
    update: TicketUpdate,
) -> CoreResult<usize> {
    let mut tx = pool.begin().await?;
    let limit = limit_from(
        store::saved_open_ticket_limit(&mut *tx).await?,
        default_limit,
    );
    let mut changed = 0;
    for key in keys {
        changed += apply_update(&mut *tx, notices, actor, key, update.clone(), limit).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

// The trash (twins: `delete.rs`, `admin.rs`).

/// [`super::Core::delete_tickets`] on PostgreSQL: all or nothing.
pub async fn delete_tickets(pool: &PgPool, actor: &Actor, keys: &[TicketKey]) -> CoreResult<usize> {
    may_delete(actor)?;
    let now = now_ms();
    let mut tx = pool.begin().await?;
    let mut done = Vec::with_capacity(keys.len());
    for key in keys {
        let ticket = visible_ticket(&mut tx, actor, key).await?;
        if !done.contains(&ticket.id) {
            done.push(ticket.id);
        }
    }
    for &id in &done {
        store::soft_delete(&mut tx, id, actor.id, now).await?;
        store::record_event(&mut tx, id, actor.id, "deleted", None, None, now).await?;
    }
    tx.commit().await?;
    Ok(done.len())
}

/// [`super::Core::trash`] on PostgreSQL.
pub async fn trash(pool: &PgPool, actor: &Actor) -> CoreResult<Vec<Trashed>> {
    admin_only(actor)?;
    Ok(store::trash(pool)
        .await?
        .into_iter()
        .map(|(number, title, client, deleted_by, deleted_at)| Trashed {
            number,
            title,
            client,
            deleted_by,
            deleted_at,
        })
        .collect())
}

/// [`super::Core::restore_ticket`] on PostgreSQL.
pub async fn restore_ticket(pool: &PgPool, actor: &Actor, number: i64) -> CoreResult<()> {
    admin_only(actor)?;
    let mut tx = pool.begin().await?;
    let id = store::restore(&mut tx, number)
        .await?
        .ok_or(CoreError::NotFound)?;
    store::record_event(&mut tx, id, actor.id, "restored", None, None, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// [`super::Core::purge_ticket`] on PostgreSQL.
pub async fn purge_ticket(pool: &PgPool, actor: &Actor, number: i64) -> CoreResult<()> {
    admin_only(actor)?;
    if store::purge(pool, number).await? {
        Ok(())
    } else {
        Err(CoreError::NotFound)
    }
}

// Pickers, history and small reads (twins: `mod.rs`, `catalog.rs`, `history.rs`,
// `list.rs`).

/// [`super::Core::catalog`] on PostgreSQL, read whole (the core keeps it in memory by
/// version).
pub async fn catalog(pool: &PgPool) -> CoreResult<Catalog> {
    use helpdesk_store_pg::catalog as read;
    let version = read::version(pool).await?;
    Ok(Catalog {
        version,
        categories: categories(pool).await?,
        tags: tags(pool).await?,
        staff: read::staff(pool).await?,
    })
}

/// [`super::Core::categories`] on PostgreSQL.
pub async fn categories(pool: &PgPool) -> CoreResult<Vec<Category>> {
    Ok(helpdesk_store_pg::catalog::categories(pool)
        .await?
        .into_iter()
        .map(|(id, slug, name, description, active)| Category {
            id,
            slug,
            name,
            description,
            active,
        })
        .collect())
}

/// [`super::Core::tags`] on PostgreSQL.
pub async fn tags(pool: &PgPool) -> CoreResult<Vec<Tag>> {
    Ok(helpdesk_store_pg::catalog::tags(pool)
        .await?
        .into_iter()
        .map(|(id, name, keyword)| Tag { id, name, keyword })
        .collect())
}

/// [`super::Core::staff_members`] on PostgreSQL.
pub async fn staff_members(pool: &PgPool) -> CoreResult<Vec<(i64, String)>> {
    Ok(helpdesk_store_pg::catalog::staff(pool).await?)
}

/// [`super::Core::open_ticket_limit`] on PostgreSQL.
pub async fn open_ticket_limit(pool: &PgPool, default_limit: i64) -> CoreResult<i64> {
    Ok(limit_from(
        store::saved_open_ticket_limit(pool).await?,
        default_limit,
    ))
}

/// [`super::Core::history`] on PostgreSQL.
pub async fn history(
    pool: &PgPool,
    actor: &Actor,
    key: &TicketKey,
    since: Option<i64>,
) -> CoreResult<Vec<Event>> {
    if !actor.is_staff() {
        return Err(CoreError::Forbidden);
    }
    let ticket = ticket_head(pool, actor, key).await?;
    events_of(pool, ticket.id, since).await
}

/// [`super::Core::history_of`] on PostgreSQL.
pub async fn history_of(
    pool: &PgPool,
    actor: &Actor,
    ticket: &TicketDetail,
) -> CoreResult<Vec<Event>> {
    if !actor.is_staff() {
        return Err(CoreError::Forbidden);
    }
    events_of(pool, ticket.id, None).await
}

async fn events_of(pool: &PgPool, ticket_id: i64, since: Option<i64>) -> CoreResult<Vec<Event>> {
    Ok(
        helpdesk_store_pg::catalog::history(pool, ticket_id, since.unwrap_or(i64::MIN))
            .await?
            .into_iter()
            .map(|(actor, kind, from, to, at)| Event {
                actor,
                kind,
                from,
                to,
                at,
            })
            .collect(),
    )
}

/// [`super::Core::descriptions`] on PostgreSQL.
pub async fn descriptions(
    pool: &PgPool,
    ticket_ids: &[i64],
) -> CoreResult<std::collections::HashMap<i64, String>> {
    if ticket_ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(helpdesk_store_pg::catalog::descriptions(pool, ticket_ids)
        .await?
        .into_iter()
        .collect())
}

// Categories, tags and settings (twin: `admin.rs`).

fn saved(result: Result<(), AdminError>, field: Field) -> CoreResult<()> {
    match result {
        Ok(()) => Ok(()),
        Err(AdminError::Taken) => Err(CoreError::invalid(field, Problem::Invalid)),
        Err(AdminError::Missing) => Err(CoreError::NotFound),
        Err(AdminError::Db(e)) => Err(e.into()),
    }
}

/// [`super::Core::create_category`] on PostgreSQL.
pub async fn create_category(
    pool: &PgPool,
    actor: &Actor,
    slug: &str,
    name: &str,
    description: &str,
) -> CoreResult<i64> {
    admin_only(actor)?;
    let (slug, name) = new_category(slug, name)?;
    match admin_store::create_category(pool, &slug, &name, description.trim()).await {
        Ok(id) => Ok(id),
        Err(e) => saved(Err(e), Field::Category).map(|()| 0),
    }
}

/// [`super::Core::update_category`] on PostgreSQL.
pub async fn update_category(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    name: &str,
    description: &str,
    active: bool,
) -> CoreResult<()> {
    admin_only(actor)?;
    let name = category_name(name)?;
    if admin_store::update_category(pool, id, &name, description.trim(), active).await? {
        Ok(())
    } else {
        Err(CoreError::NotFound)
    }
}

/// [`super::Core::delete_category`] on PostgreSQL.
pub async fn delete_category(pool: &PgPool, actor: &Actor, id: i64) -> CoreResult<()> {
    admin_only(actor)?;
    match admin_store::delete_category(pool, id).await? {
        None => Err(CoreError::invalid(Field::Category, Problem::Invalid)),
        Some(false) => Err(CoreError::NotFound),
        Some(true) => Ok(()),
    }
}

/// [`super::Core::all_tags`] on PostgreSQL.
pub async fn all_tags(pool: &PgPool, actor: &Actor) -> CoreResult<Vec<(Tag, bool)>> {
    admin_only(actor)?;
    Ok(admin_store::all_tags(pool)
        .await?
        .into_iter()
        .map(|(id, name, keyword, active)| (Tag { id, name, keyword }, active))
        .collect())
}

/// [`super::Core::save_tag`] on PostgreSQL.
pub async fn save_tag(
    pool: &PgPool,
    actor: &Actor,
    id: Option<i64>,
    name: &str,
    keyword: &str,
    active: bool,
) -> CoreResult<()> {
    admin_only(actor)?;
    let name = tag_name(name)?;
    saved(
        admin_store::save_tag(pool, id, &name, keyword.trim(), active).await,
        Field::Tags,
    )
}

/// [`super::Core::save_setting`] on PostgreSQL.
pub async fn save_setting(pool: &PgPool, actor: &Actor, key: &str, value: &str) -> CoreResult<()> {
    admin_only(actor)?;
    Ok(admin_store::save_setting(pool, key, value.trim()).await?)
}

// Saved replies (twin: `saved_replies.rs`) and attachments (twin: `attachments.rs`).

fn reply(r: helpdesk_store_pg::replies::ReplyRow) -> SavedReply {
    SavedReply {
        id: r.0,
        title: r.1,
        body: r.2,
        updated_at: r.3,
    }
}

/// [`super::Core::saved_replies`] on PostgreSQL.
pub async fn saved_replies(pool: &PgPool, actor: &Actor) -> CoreResult<Vec<SavedReply>> {
    staff_only(actor)?;
    Ok(replies::saved_replies(pool)
        .await?
        .into_iter()
        .map(reply)
        .collect())
}

/// [`super::Core::saved_reply`] on PostgreSQL.
pub async fn saved_reply(pool: &PgPool, actor: &Actor, id: i64) -> CoreResult<SavedReply> {
    staff_only(actor)?;
    replies::saved_reply(pool, id)
        .await?
        .map(reply)
        .ok_or(CoreError::NotFound)
}

/// [`super::Core::save_reply`] on PostgreSQL.
pub async fn save_reply(
    pool: &PgPool,
    actor: &Actor,
    id: Option<i64>,
    title: &str,
    body: &str,
) -> CoreResult<i64> {
    staff_only(actor)?;
    let (title, body) = checked_reply(title, body)?;
    match replies::save_reply(pool, id, &title, &body, actor.id, now_ms()).await {
        Ok(id) => Ok(id),
        Err(ReplyError::Taken) => Err(title_taken()),
        Err(ReplyError::Missing) => Err(CoreError::NotFound),
        Err(ReplyError::Db(e)) => Err(e.into()),
    }
}

/// [`super::Core::delete_saved_reply`] on PostgreSQL.
pub async fn delete_saved_reply(pool: &PgPool, actor: &Actor, id: i64) -> CoreResult<()> {
    staff_only(actor)?;
    if replies::delete_saved_reply(pool, id).await? {
        Ok(())
    } else {
        Err(CoreError::NotFound)
    }
}

/// [`super::Core::download`] on PostgreSQL: what the caller may not see answers exactly
/// like a missing attachment.
pub async fn download(pool: &PgPool, actor: &Actor, attachment_id: i64) -> CoreResult<Download> {
    let (filename, content_type, data) =
        replies::download(pool, attachment_id, actor.id, actor.is_staff())
            .await?
            .ok_or(CoreError::NotFound)?;
    Ok(Download {
        filename,
        content_type,
        data,
    })
}

/// [`super::Core::upload_unattached`] on PostgreSQL.
pub async fn upload_unattached(
    pool: &PgPool,
    actor: &Actor,
    upload: Upload,
) -> CoreResult<AttachmentMeta> {
    if upload.data.len() > ATTACHMENT_MAX_BYTES {
        return Err(CoreError::invalid(
            Field::Attachments,
            Problem::FileTooBig {
                filename: upload.filename,
            },
        ));
    }
    let now = now_ms();
    let pid = public_id();
    let filename = sanitize_filename(&upload.filename);
    let content_type = sanitize_content_type(&upload.content_type);
    let digest = sha256_hex(&upload.data);
    let mut conn = pool.acquire().await?;
    let id = store::insert_attachment(
        &mut conn,
        store::AttachmentRow {
            public_id: &pid,
            place: None,
            uploader_id: actor.id,
            filename: &filename,
            content_type: &content_type,
            size: upload.data.len() as i64,
            sha256: Some(&digest),
            data: Some(&upload.data),
            url: None,
            now,
        },
    )
    .await?;
    Ok(AttachmentMeta {
        id,
        public_id: pid,
        message_id: None,
        filename,
        content_type,
        size: upload.data.len() as i64,
        url: None,
        created_at: now,
    })
}

// Mail in (twin: `inbound.rs`; the rules are shared: `inbound::receive_with`).

/// Handling received mail on PostgreSQL: the store [`super::inbound::receive_with`]
/// works over.
pub struct MailIn {
    pub pool: PgPool,
    pub default_limit: i64,
    pub notices: Notices,
}

impl MailIn {
    /// [`super::Core::receive_mail`] on PostgreSQL. A mail delivered twice, to two
    /// instances at once, is handled once: the second transaction fails on the
    /// Message-ID recorded by the first.
    pub async fn receive(&self, mail: InboundMail, domain: &str) -> CoreResult<Inbound> {
        receive_with(self, mail, domain).await
    }
}

impl MailInStore for MailIn {
    async fn seen(&self, message_id: &str) -> CoreResult<bool> {
        Ok(mail_in::seen(&self.pool, message_id).await?)
    }
    async fn sender(&self, email: &str) -> CoreResult<Option<Actor>> {
        Ok(crate::auth::users::find_by_email_pg(&self.pool, email)
            .await?
            .filter(|u| u.active)
            .map(|u| u.actor))
    }
    async fn ticket_by_public_id(&self, pid: &str) -> CoreResult<Option<i64>> {
        Ok(mail_in::number_of_ticket(&self.pool, pid).await?)
    }
    async fn ticket_by_notice(&self, message_id: &str) -> CoreResult<Option<i64>> {
        Ok(mail_in::number_of_notice(&self.pool, message_id).await?)
    }
    async fn setting(&self, key: &str) -> CoreResult<Option<String>> {
        Ok(mail_in::setting(&self.pool, key).await?)
    }
    async fn mail_category(&self) -> CoreResult<Option<i64>> {
        Ok(mail_in::mail_category(&self.pool).await?)
    }
    async fn reply(
        &self,
        actor: Actor,
        number: i64,
        input: NewMessage,
        message_id: Option<String>,
        refused: String,
    ) -> CoreResult<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        add_message_in(
            &mut tx,
            self.notices,
            &actor,
            &TicketKey::Number(number),
            input,
        )
        .await?;
        if let Some(id) = &message_id {
            mail_in::record(&mut tx, id, number, now).await?;
        }
        if self.notices.enabled && !refused.is_empty() {
            let ticket_id = mail_in::ticket_id_of(&mut tx, number).await?;
            mail_in::files_refused(&mut tx, actor.id, ticket_id, &refused, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    async fn open(&self, new: NewByMail) -> CoreResult<Opened> {
        let now = now_ms();
        let stand_in = new.sender.clone().unwrap_or(Actor {
            id: 0,
            public_id: String::new(),
            email: new.from.clone(),
            name: new.from_name.clone(),
            role: Role::Customer,
        });
        let problems = first_checks(&stand_in, &new.input, &[])?;
        let mut tx = self.pool.begin().await?;
        let actor = match new.sender {
            Some(actor) => actor,
            None => {
                let pid = public_id();
                let name = sender_name(&new.from, &new.from_name);
                let id = mail_in::new_customer(&mut tx, &pid, &new.from, &name, now).await?;
                Actor {
                    id,
                    public_id: pid,
                    email: new.from.clone(),
                    name,
                    role: Role::Customer,
                }
            }
        };
        let opened = open_in(
            &mut tx,
            self.default_limit,
            self.notices,
            &actor,
            new.input,
            Vec::new(),
            problems,
        )
        .await?;
        if let Some(id) = &new.message_id {
            mail_in::record(&mut tx, id, opened.number, now).await?;
        }
        mail_in::cap_automatic_answers(
            &mut tx,
            actor.id,
            opened.id,
            now - 3600 * 1000,
            AUTOMATIC_ANSWERS_PER_HOUR,
        )
        .await?;
        if self.notices.enabled && !new.refused.is_empty() {
            mail_in::files_refused(&mut tx, actor.id, opened.id, &new.refused, now).await?;
        }
        tx.commit().await?;
        Ok(opened)
    }
    fn wake(&self) {}
}

// Escalation to GitHub (twin: `escalate.rs`).

/// [`super::Core::github_config`] on PostgreSQL.
pub async fn github_config(
    pool: &PgPool,
    defaults: &crate::config::Settings,
) -> CoreResult<Option<crate::github::GithubConfig>> {
    Ok(super::escalate::github_config(
        defaults,
        mail_in::setting(pool, "github_repo").await?,
        mail_in::setting(pool, "github_token").await?,
    ))
}

/// [`super::Core::create_github_issue`] on PostgreSQL: nothing is stored when GitHub
/// fails; an issue made twice at once is stored once (the other answers
/// `AlreadyEscalated`).
pub async fn create_github_issue(
    pool: &PgPool,
    defaults: &crate::config::Settings,
    actor: &Actor,
    key: &TicketKey,
    site_url: &str,
) -> CoreResult<crate::github::Issue> {
    if !actor.is_staff() {
        return Err(CoreError::Forbidden);
    }
    let t = view_ticket(pool, actor, key, false).await?;
    if t.issue_url.is_some() {
        return Err(CoreError::AlreadyEscalated);
    }
    let config = github_config(pool, defaults)
        .await?
        .ok_or(CoreError::NotConfigured)?;
    let issue = crate::github::create_issue(&config, &super::escalate::issue_for(&t, site_url))
        .await
        .map_err(|e| CoreError::Upstream(e.to_string()))?;
    let now = now_ms();
    let mut tx = pool.begin().await?;
    if !store::set_issue_url(&mut tx, t.id, &issue.html_url, now).await? {
        return Err(CoreError::AlreadyEscalated);
    }
    store::record_event(
        &mut tx,
        t.id,
        actor.id,
        "issue_url",
        None,
        Some(&issue.html_url),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(issue)
}

// Mail policy, opt-outs, test mails and the outbox page (twin: `notify.rs`).

/// [`super::Core::notification_settings`] on PostgreSQL.
pub async fn notification_settings(pool: &PgPool, actor: &Actor) -> CoreResult<MailPolicy> {
    if !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    let kinds = kinds_on_from(&notices::kinds_off(pool).await?);
    Ok(policy_from(
        kinds,
        mail_in::setting(pool, &Kind::NewTicket.setting())
            .await?
            .as_deref(),
        mail_in::setting(pool, "mail_unknown_senders")
            .await?
            .as_deref(),
    ))
}

/// [`super::Core::save_notification_settings`] on PostgreSQL.
pub async fn save_notification_settings(
    pool: &PgPool,
    actor: &Actor,
    policy: MailPolicy,
) -> CoreResult<()> {
    if !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    Ok(notices::save_settings(pool, &policy_settings(&policy)).await?)
}

/// [`super::Core::my_notifications`] on PostgreSQL.
pub async fn my_notifications(pool: &PgPool, actor: &Actor) -> CoreResult<Vec<(Kind, bool, bool)>> {
    let off = notices::optouts(pool, actor.id).await?;
    let global = kinds_on_from(&notices::kinds_off(pool).await?);
    Ok(mine(actor, global, &off))
}

/// [`super::Core::save_my_notifications`] on PostgreSQL.
pub async fn save_my_notifications(pool: &PgPool, actor: &Actor, on: Vec<Kind>) -> CoreResult<()> {
    let off: Vec<&str> = optouts(&on, actor.is_staff())
        .into_iter()
        .map(Kind::as_str)
        .collect();
    Ok(notices::save_optouts(pool, actor.id, &off).await?)
}

/// [`super::Core::send_test_mail`] on PostgreSQL (`mail_configured`: whether this
/// instance sends mail).
pub async fn send_test_mail(
    pool: &PgPool,
    mail_configured: bool,
    actor: &Actor,
    address: lettre::Address,
) -> CoreResult<()> {
    if !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    if !mail_configured {
        return Err(CoreError::NotFound);
    }
    Ok(notices::test_mail(pool, address.as_ref(), now_ms()).await?)
}

/// [`super::Core::outbox`] on PostgreSQL.
pub async fn outbox(pool: &PgPool, actor: &Actor) -> CoreResult<Vec<crate::mail::outbox::Row>> {
    if !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    Ok(notices::recent(pool, 100)
        .await?
        .into_iter()
        .map(|r| crate::mail::outbox::Row {
            id: r.0,
            kind: r.1,
            to: r.2,
            ticket_number: r.3,
            state: r.4,
            attempts: r.5,
            last_error: r.6,
            created_at: r.7,
            next_attempt_at: r.8,
        })
        .collect())
}

/// [`super::Core::retry_mail`] on PostgreSQL.
pub async fn retry_mail(pool: &PgPool, actor: &Actor, id: i64) -> CoreResult<()> {
    if !actor.is_admin() {
        return Err(CoreError::Forbidden);
    }
    if crate::mail::outbox::retry_pg(pool, id).await? {
        Ok(())
    } else {
        Err(CoreError::NotFound)
    }
}

// The small remaining twins.

/// [`super::Core::list_page_with_total`] on PostgreSQL.
pub async fn list_page_with_total(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
    total: i64,
) -> CoreResult<Page<TicketSummary>> {
    list_page(pool, actor, filter, Some(total)).await
}

/// [`super::Core::open_ticket`] on PostgreSQL.
pub async fn open_ticket(
    pool: &PgPool,
    default_limit: i64,
    notices: Notices,
    actor: &Actor,
    input: NewTicket,
) -> CoreResult<Opened> {
    open_ticket_with(pool, default_limit, notices, actor, input, Vec::new()).await
}

/// [`super::Core::opened_ticket`] on PostgreSQL.
pub async fn opened_ticket(
    pool: &PgPool,
    actor: &Actor,
    opened: &Opened,
) -> CoreResult<TicketDetail> {
    details_in(pool, actor, &[opened.id])
        .await?
        .pop()
        .ok_or(CoreError::NotFound)
}

/// [`super::Core::threads`] on PostgreSQL.
pub async fn threads(
    pool: &PgPool,
    staff: bool,
    ticket_ids: &[i64],
) -> CoreResult<std::collections::HashMap<i64, super::view::Thread>> {
    super::view::threads_in(pool, staff, ticket_ids).await
}

/// [`super::Core::setting`] on PostgreSQL.
pub async fn setting(pool: &PgPool, key: &str) -> CoreResult<Option<String>> {
    Ok(mail_in::setting(pool, key).await?)
}
