//! The ticket core's use cases on PostgreSQL, ported one by one (docs/postgres.md). Each
//! answers exactly as its SQLite twin in the module named beside it; the rules are shared,
//! only the reading and writing differ. Not yet reachable from `Core`: until every use
//! case is here, the server does not run on PostgreSQL; tests hold each one to its twin.
//!
//! Lists, counts and search (twin: `list.rs`). The filters and the keyset pages are the
//! same SQL on both databases (`push_filters`, `page_ids`); PostgreSQL reads rows plainly,
//! sums the sharded tallies, and searches the per-ticket `tsvector` documents.

use sqlx::{PgPool, Postgres, QueryBuilder};

use super::AssigneeFilter;
use super::list::{
    Exactness, LIST_MAX, ListFilter, Order, Page, QUEUE_COUNT_CAP, SEARCH_HITS_MAX, StatusCounts,
    TicketSummary, faceted, maintained, page_ids, push_filters, search_page, ts_query,
};
use super::model::{Actor, Status};
use super::rules::CoreResult;

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
    if actor.is_staff() {
        q.push(
            "WITH hits AS MATERIALIZED (
                 SELECT ticket_id AS id FROM ticket_search
                 WHERE staff @@ to_tsquery('simple', unaccent(",
        )
        .push_bind(query.to_owned())
        .push(format_args!(
            ")) ORDER BY ticket_id DESC LIMIT {SEARCH_HITS_MAX})
             SELECT (SELECT COUNT(*) FROM hits) >= {SEARCH_HITS_MAX}, t.id, t.status,
                    t.priority, t.updated_at
             FROM hits JOIN tickets t ON t.id = hits.id"
        ));
        push_filters(&mut q, actor, &every_status);
    } else {
        q.push("SELECT FALSE, t.id, t.status, t.priority, t.updated_at FROM tickets t");
        push_filters(&mut q, actor, &every_status);
        q.push(
            " AND EXISTS (SELECT 1 FROM ticket_search s WHERE s.ticket_id = t.id
                 AND s.public @@ to_tsquery('simple', unaccent(",
        )
        .push_bind(query.to_owned())
        .push(")))");
    }
    let rows: Vec<(bool, i64, String, String, i64)> = q.build_query_as().fetch_all(pool).await?;
    let capped = rows.first().is_some_and(|r| r.0);
    let candidates = rows
        .into_iter()
        .map(|(_, id, status, priority, updated_at)| (id, status, priority, updated_at))
        .collect();
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
