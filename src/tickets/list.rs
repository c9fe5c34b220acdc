//! Ticket lists and counts, each served from an index.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use super::Core;
use super::model::{Actor, Priority, Status};
use super::rules::CoreResult;
use crate::db::Db;

/// Filters a list may combine. Customers always see only their own tickets.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Any of these statuses (empty: all).
    pub statuses: Vec<Status>,
    pub category_id: Option<i64>,
    pub priority: Option<Priority>,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
    pub assignee: Option<AssigneeFilter>,
    pub tag_id: Option<i64>,
    /// Full-text search over titles and messages (internal notes only for staff).
    pub search: Option<String>,
    pub order: Order,
    /// Keyset pagination: rows strictly after this one in the list's order.
    pub after: Option<Cursor>,
    /// Keyset pagination backwards: the `limit` rows just before this one (the previous
    /// page), still answered in the list's order.
    pub before: Option<Cursor>,
    /// The list's end instead of its start (the last page; `offset` counts from the end).
    pub from_end: bool,
    /// Only these tickets (a page of search results).
    pub ticket_ids: Option<Vec<i64>>,
    pub offset: i64,
    /// At most [`LIST_MAX`].
    pub limit: i64,
}

/// The most rows one list answers.
pub const LIST_MAX: i64 = 500;
/// A staff search considers the newest tickets with a match only, so that a common word
/// stays fast.
pub const SEARCH_HITS_MAX: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(i64),
}

/// The position of a row in a list: its priority rank (the priority order only, else 0),
/// its sort key (a timestamp) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub rank: u8,
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor of `row` in `order`.
    pub fn of(order: Order, row: &TicketSummary) -> Self {
        match order {
            Order::Updated => Cursor {
                rank: 0,
                key: row.updated_at,
                id: row.id,
            },
            Order::Created => Cursor {
                rank: 0,
                key: row.created_at,
                id: row.id,
            },
            Order::Priority => Cursor {
                rank: row.priority().rank(),
                key: row.updated_at,
                id: row.id,
            },
        }
    }

    /// `"<key>.<id>"` or `"<rank>.<key>.<id>"`, as links carry it.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('.').collect();
        let (rank, key, id) = match parts.as_slice() {
            [key, id] => ("0", *key, *id),
            [rank, key, id] => (*rank, *key, *id),
            _ => return None,
        };
        Some(Cursor {
            rank: rank.parse().ok().filter(|r| *r <= 4)?,
            key: key.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.rank > 0 {
            write!(f, "{}.{}.{}", self.rank, self.key, self.id)
        } else {
            write!(f, "{}.{}", self.key, self.id)
        }
    }
}

/// Turns what a person typed into an FTS5 query: every word must appear, a word typed
/// with a trailing `*` matches as a prefix, and no other character of theirs is FTS syntax.
/// (Prefix matching is asked for, not implied: a prefix merges the lists of every word it
/// starts, which costs a common one milliseconds at a million tickets.)
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = typed_words(text)
        .into_iter()
        .map(|(word, prefix)| format!("\"{word}\"{}", if prefix { "*" } else { "" }))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// [`fts_query`] for PostgreSQL, as `to_tsquery('simple', unaccent(...))` reads it: the
/// same words, all required (`&`), a prefix as `word:*`.
pub fn ts_query(text: &str) -> Option<String> {
    let words: Vec<String> = typed_words(text)
        .into_iter()
        .map(|(word, prefix)| format!("{word}{}", if prefix { ":*" } else { "" }))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// The words of a search (runs of letters and digits, at most ten), each with whether a
/// `*` right after it asks for a prefix match.
fn typed_words(text: &str) -> Vec<(&str, bool)> {
    let mut words = Vec::new();
    let mut rest = text;
    while words.len() < 10 {
        let Some(start) = rest.find(char::is_alphanumeric) else {
            break;
        };
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        words.push((&rest[..end], rest[end..].starts_with('*')));
        rest = &rest[end..];
    }
    words
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest activity first (pages).
    #[default]
    Updated,
    /// Newest first by creation (API histories).
    Created,
    /// Most urgent first, then newest activity: each priority read from its own index in
    /// turn, so that keyset pages cost the same at any depth.
    Priority,
}

/// A row's place in a list's [`Order`], compared as the SQL `ORDER BY` of
/// [`Core::list_page`] sorts (greatest first): (priority rank, last activity, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey(u8, i64, i64);

impl SortKey {
    fn new(order: Order, id: i64, priority: Priority, updated_at: i64) -> Self {
        match order {
            Order::Updated => SortKey(0, updated_at, id),
            Order::Created => SortKey(0, 0, id),
            Order::Priority => SortKey(priority.rank(), updated_at, id),
        }
    }
    /// The key of the row a keyset cursor names.
    fn at(order: Order, cursor: Cursor) -> Self {
        match order {
            Order::Updated => SortKey(0, cursor.key, cursor.id),
            Order::Created => SortKey(0, 0, cursor.id),
            Order::Priority => SortKey(cursor.rank, cursor.key, cursor.id),
        }
    }
    fn id(&self) -> i64 {
        self.2
    }
}

/// One row of a ticket list.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TicketSummary {
    pub id: i64,
    pub public_id: String,
    pub number: i64,
    pub title: String,
    pub status: String,
    pub priority: String,
    pub category_id: i64,
    pub category: String,
    pub client_name: String,
    pub assignee_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Messages from the other side the caller has not seen yet.
    pub unseen: bool,
}

impl TicketSummary {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Open)
    }
    pub fn priority(&self) -> Priority {
        Priority::parse(&self.priority).unwrap_or_default()
    }
}

/// A slice of a list and how many rows the whole list has.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub offset: i64,
    pub limit: i64,
    pub total: i64,
}

impl<T> Page<T> {
    /// Pages of `limit` rows (at least one).
    pub fn pages(&self) -> i64 {
        ((self.total + self.limit - 1) / self.limit.max(1)).max(1)
    }
    /// The 1-based page this slice starts.
    pub fn page(&self) -> i64 {
        self.offset / self.limit.max(1) + 1
    }
}

/// Tickets per canonical status, over the tickets the caller may see, and how far to trust
/// the numbers (see [`StatusCounts::label`]).
#[derive(Debug, Clone, Default)]
pub struct StatusCounts(pub Vec<(Status, i64)>, pub Exactness);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Exactness {
    #[default]
    Exact,
    /// Counting stopped at this many per status.
    CappedAt(i64),
    /// Counted over the most recent search matches only: there may be more.
    AtLeast,
}

/// Filtered queue tabs count at most this many tickets per status (then show "200+"),
/// so that no combination of filters makes the queue walk a large share of a million rows.
pub const QUEUE_COUNT_CAP: i64 = 200;

impl StatusCounts {
    /// `n`, or `cap+` when the count stopped at the cap, or `n+` when there may be more,
    /// with `number` writing the digits (the reader's language groups them).
    pub fn label(&self, n: i64, number: impl Fn(i64) -> String) -> String {
        let grouped = number;
        match self.1 {
            Exactness::CappedAt(cap) if n > cap => format!("{}+", grouped(cap)),
            Exactness::AtLeast if n > 0 => format!("{}+", grouped(n)),
            _ => grouped(n),
        }
    }

    pub fn get(&self, status: Status) -> i64 {
        self.0
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
    pub fn total(&self) -> i64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
    pub fn sum(&self, statuses: &[Status]) -> i64 {
        statuses.iter().map(|s| self.get(*s)).sum()
    }
    /// The sum over `statuses`, or over every status when there are none.
    pub fn sum_or_total(&self, statuses: &[Status]) -> i64 {
        if statuses.is_empty() {
            self.total()
        } else {
            self.sum(statuses)
        }
    }
}

/// Whether the maintained per-status counts answer this filter: staff, filtering on
/// status at most.
pub(crate) fn maintained(actor: &Actor, f: &ListFilter) -> bool {
    faceted(actor, f) && f.category_id.is_none() && f.priority.is_none() && f.assignee.is_none()
}

/// Whether the maintained `ticket_facets` answer this filter's counts exactly: staff,
/// filtering on status, priority, category and assignee only.
pub(crate) fn faceted(actor: &Actor, f: &ListFilter) -> bool {
    actor.is_staff()
        && f.title_contains.is_none()
        && f.tag_id.is_none()
        && f.search.as_deref().and_then(fts_query).is_none()
        && f.ticket_ids.is_none()
}

/// What the list SQL says differently on each database; the rest of it is shared.
pub(crate) trait ListSql: sqlx::Database {
    /// After an `ORDER BY` of text: code point order, as SQLite sorts by default.
    const BINARY: &'static str;
    fn int(q: &mut QueryBuilder<Self>, value: i64);
    fn text(q: &mut QueryBuilder<Self>, value: String);
    /// ` AND t.id IN (ids)`.
    fn only_ids(q: &mut QueryBuilder<Self>, ids: &[i64]);
    /// ` AND` the title contains `text`, ignoring case.
    fn title_contains(q: &mut QueryBuilder<Self>, text: &str);
    /// `column` is one of `ids` (a few: a page's or a request's).
    fn id_in(q: &mut QueryBuilder<Self>, column: &str, ids: &[i64]);
}

impl ListSql for Sqlite {
    const BINARY: &'static str = "";
    fn int(q: &mut QueryBuilder<Self>, value: i64) {
        q.push_bind(value);
    }
    fn text(q: &mut QueryBuilder<Self>, value: String) {
        q.push_bind(value);
    }
    fn only_ids(q: &mut QueryBuilder<Self>, ids: &[i64]) {
        // One parameter, a JSON array, whatever the number of ids: the statement's text
        // stays the same, so it is prepared once per connection.
        let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        q.push(" AND t.id IN (SELECT value FROM json_each(")
            .push_bind(json)
            .push("))");
    }
    fn id_in(q: &mut QueryBuilder<Self>, column: &str, ids: &[i64]) {
        q.push(format_args!("{column} IN ("));
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")");
    }
    fn title_contains(q: &mut QueryBuilder<Self>, text: &str) {
        // LIKE ignores the case of ASCII letters.
        q.push(" AND t.title LIKE ")
            .push_bind(crate::db::contains_pattern(text))
            .push(" ESCAPE '\\'");
    }
}

impl ListSql for sqlx::Postgres {
    const BINARY: &'static str = " COLLATE \"C\"";
    fn int(q: &mut QueryBuilder<Self>, value: i64) {
        q.push_bind(value);
    }
    fn text(q: &mut QueryBuilder<Self>, value: String) {
        q.push_bind(value);
    }
    fn only_ids(q: &mut QueryBuilder<Self>, ids: &[i64]) {
        q.push(" AND t.id = ANY(").push_bind(ids.to_vec()).push(")");
    }
    fn id_in(q: &mut QueryBuilder<Self>, column: &str, ids: &[i64]) {
        q.push(format_args!("{column} = ANY("))
            .push_bind(ids.to_vec())
            .push(")");
    }
    fn title_contains(q: &mut QueryBuilder<Self>, text: &str) {
        q.push(" AND t.title ILIKE ")
            .push_bind(crate::db::contains_pattern(text))
            .push(" ESCAPE '\\'");
    }
}

pub(crate) fn push_filters<DB: ListSql>(
    q: &mut QueryBuilder<DB>,
    actor: &Actor,
    filter: &ListFilter,
) {
    q.push(" WHERE t.deleted_at IS NULL");
    if !actor.is_staff() {
        q.push(" AND t.client_id = ");
        DB::int(q, actor.id);
    }
    if !filter.statuses.is_empty() {
        q.push(" AND t.status IN (");
        for (i, status) in filter.statuses.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            DB::text(q, status.as_str().to_owned());
        }
        q.push(")");
    }
    if let Some(category) = filter.category_id {
        q.push(" AND t.category_id = ");
        DB::int(q, category);
    }
    if let Some(priority) = filter.priority {
        q.push(" AND t.priority = ");
        DB::text(q, priority.as_str().to_owned());
    }
    match filter.assignee {
        Some(AssigneeFilter::Unassigned) => {
            q.push(" AND t.assignee_id IS NULL");
        }
        Some(AssigneeFilter::User(id)) => {
            q.push(" AND t.assignee_id = ");
            DB::int(q, id);
        }
        None => {}
    }
    if let Some(tag) = filter.tag_id {
        q.push(" AND t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag_id = ");
        DB::int(q, tag);
        q.push(")");
    }
    if let Some(ids) = &filter.ticket_ids {
        DB::only_ids(q, ids);
    }
    if let Some(text) = filter.title_contains.as_deref().filter(|t| !t.is_empty()) {
        if text.contains('\0') {
            // No title holds a NUL (see `Problem::Nul`), and PostgreSQL cannot take one.
            q.push(" AND FALSE");
        }
        DB::title_contains(q, &text.replace('\0', ""));
    }
}

/// Which way a page's rows are read: down the list's order, or up it (a previous page, the
/// last page), in which case the page is put back in order afterwards.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Down,
    Up,
}

impl Direction {
    fn sql(self) -> &'static str {
        match self {
            Direction::Down => "DESC",
            Direction::Up => "ASC",
        }
    }
}

/// The ids of one page of `filter`'s list, as a subquery's SQL (see [`Core::list_page`]).
///
/// Keyset pages (`after`, `before`, `from_end`) read only the rows they show, from an
/// index, however deep the page: the (…, updated_at) indexes for the activity order, the
/// primary key for creation, and for the priority order each priority's
/// (priority, …, updated_at) index in turn, most urgent first, at most `limit + offset`
/// rows from each. Only `offset` costs the rows it skips.
pub(crate) fn page_ids<DB: ListSql>(
    q: &mut QueryBuilder<DB>,
    actor: &Actor,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) {
    let (direction, cursor) = match (filter.after, filter.before) {
        (_, Some(before)) => (Direction::Up, Some(before)),
        (_, None) if filter.from_end => (Direction::Up, None),
        (after, None) => (Direction::Down, after),
    };
    let dir = direction.sql();
    // Strictly beyond the cursor in the reading direction. The `<=` gives the planner a
    // range to seek to in the (…, updated_at) indexes; an OR alone makes it walk an index
    // from the top, and a row value made SQLite 3.50 with statistics drive the query from
    // the users table.
    let beyond = |q: &mut QueryBuilder<DB>, cursor: Cursor, column: &str| {
        let (outer, inner, id) = match direction {
            Direction::Down => ("<=", "<", "<"),
            Direction::Up => (">=", ">", ">"),
        };
        if column == "t.id" {
            q.push(format_args!(" AND t.id {id} "));
            DB::int(q, cursor.id);
        } else {
            q.push(format_args!(" AND {column} {outer} "));
            DB::int(q, cursor.key);
            q.push(format_args!(" AND ({column} {inner} "));
            DB::int(q, cursor.key);
            q.push(format_args!(" OR t.id {id} "));
            DB::int(q, cursor.id);
            q.push(")");
        }
    };
    // Literals, not parameters: SQLite plans a bound LIMIT with its value and so
    // re-prepares the statement every time one is bound, which costs more than the query.
    match filter.order {
        Order::Updated | Order::Created => {
            let column = if filter.order == Order::Created {
                "t.id"
            } else {
                "t.updated_at"
            };
            q.push("SELECT t.id FROM tickets t");
            push_filters(q, actor, filter);
            if let Some(cursor) = cursor {
                beyond(q, cursor, column);
            }
            if column == "t.id" {
                q.push(format_args!(" ORDER BY t.id {dir}"));
            } else {
                q.push(format_args!(" ORDER BY t.updated_at {dir}, t.id {dir}"));
            }
            q.push(format_args!(" LIMIT {limit} OFFSET {offset}"));
        }
        Order::Priority => {
            let mut priorities: Vec<Priority> = Priority::ALL
                .into_iter()
                .filter(|p| filter.priority.is_none_or(|only| only == *p))
                .collect();
            priorities.sort_by_key(|p| std::cmp::Reverse(p.rank()));
            if direction == Direction::Up {
                priorities.reverse();
            }
            let mut arms = 0;
            q.push("SELECT id FROM (");
            for priority in priorities {
                let rank = priority.rank();
                let (skip, at_cursor) = match (cursor, direction) {
                    (Some(c), Direction::Down) => (rank > c.rank, rank == c.rank),
                    (Some(c), Direction::Up) => (rank < c.rank, rank == c.rank),
                    (None, _) => (false, false),
                };
                if skip {
                    continue;
                }
                if arms > 0 {
                    q.push(" UNION ALL ");
                }
                arms += 1;
                q.push("SELECT id FROM (SELECT t.id FROM tickets t");
                push_filters(q, actor, filter);
                q.push(format_args!(" AND t.priority = '{}'", priority.as_str()));
                if let (Some(cursor), true) = (cursor, at_cursor) {
                    beyond(q, cursor, "t.updated_at");
                }
                q.push(format_args!(
                    " ORDER BY t.updated_at {dir}, t.id {dir} LIMIT {}) AS arm{arms}",
                    limit + offset
                ));
            }
            if arms == 0 {
                q.push("SELECT CAST(NULL AS BIGINT) AS id WHERE FALSE");
            }
            q.push(format_args!(") AS arms LIMIT {limit} OFFSET {offset}"));
        }
    }
}

/// A search's tab counts, and the ids of the page `filter` asks for with the list's total,
/// from its candidates (id, status, priority, last activity): the same on every backend.
pub(crate) fn search_page<S: AsRef<str>>(
    filter: &ListFilter,
    capped: bool,
    candidates: Vec<(i64, S, S, i64)>,
) -> (Vec<i64>, i64, StatusCounts) {
    let mut counts = StatusCounts(
        Status::ALL.into_iter().map(|s| (s, 0)).collect(),
        if capped {
            Exactness::AtLeast
        } else {
            Exactness::Exact
        },
    );
    let mut rows: Vec<SortKey> = Vec::with_capacity(candidates.len());
    for (id, status, priority, updated_at) in candidates {
        let Some(status) = Status::parse(status.as_ref()) else {
            continue;
        };
        if let Some((_, n)) = counts.0.iter_mut().find(|(s, _)| *s == status) {
            *n += 1;
        }
        if filter.statuses.is_empty() || filter.statuses.contains(&status) {
            let priority = Priority::parse(priority.as_ref()).unwrap_or_default();
            rows.push(SortKey::new(filter.order, id, priority, updated_at));
        }
    }
    let total = rows.len() as i64;
    rows.sort_unstable_by(|a, b| b.cmp(a));
    if let Some(after) = filter.after {
        let after = SortKey::at(filter.order, after);
        rows.retain(|row| *row < after);
    }
    if let Some(before) = filter.before {
        let before = SortKey::at(filter.order, before);
        rows.retain(|row| *row > before);
    }
    let limit = filter.limit.clamp(1, LIST_MAX);
    let offset = filter.offset.max(0);
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let ids: Vec<i64> = if filter.before.is_some() || filter.from_end {
        let mut ids: Vec<i64> = rows
            .iter()
            .rev()
            .skip(skip)
            .take(limit as usize)
            .map(SortKey::id)
            .collect();
        ids.reverse();
        ids
    } else {
        rows.iter()
            .skip(skip)
            .take(limit as usize)
            .map(SortKey::id)
            .collect()
    };
    (ids, total, counts)
}

impl Core {
    /// A page of the tickets the actor may see, with the counts of the status tabs under
    /// the same filters. The page's total is derived from those counts (no extra query).
    pub async fn list_with_counts(
        &self,
        actor: &Actor,
        filter: &ListFilter,
    ) -> CoreResult<(Page<TicketSummary>, StatusCounts)> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::list_with_counts(pool, actor, filter).await
        });
        if let Some(query) = filter.search.as_deref().and_then(fts_query) {
            return self.search(db, actor, filter, &query).await;
        }
        let counts = self.list_counts(actor, filter).await?;
        let total = counts.sum_or_total(&filter.statuses);
        let page = self.list_page(db, actor, filter, Some(total)).await?;
        Ok((page, counts))
    }

    /// The counts of the status tabs of a list without a search: exact where maintained
    /// counts or a customer's own tickets answer them, else counted up to
    /// [`QUEUE_COUNT_CAP`] per status.
    pub async fn list_counts(
        &self,
        actor: &Actor,
        filter: &ListFilter,
    ) -> CoreResult<StatusCounts> {
        if actor.is_staff() && !faceted(actor, filter) {
            self.count_by_status_capped(actor, filter, QUEUE_COUNT_CAP)
                .await
        } else {
            self.count_by_status(actor, filter).await
        }
    }

    /// A page of a list whose size is known (from [`Core::list_counts`]).
    pub async fn list_page_with_total(
        &self,
        actor: &Actor,
        filter: &ListFilter,
        total: i64,
    ) -> CoreResult<Page<TicketSummary>> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::list_page_with_total(pool, actor, filter, total).await
        });
        self.list_page(db, actor, filter, Some(total)).await
    }

    /// A page of the tickets the actor may see, in the filter's order.
    pub async fn list_tickets(
        &self,
        actor: &Actor,
        filter: &ListFilter,
    ) -> CoreResult<Page<TicketSummary>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::list_tickets(pool, actor, filter).await);
        if let Some(query) = filter.search.as_deref().and_then(fts_query) {
            return Ok(self.search(db, actor, filter, &query).await?.0);
        }
        self.list_page(db, actor, filter, None).await
    }

    /// [`Core::list_with_counts`] for a full-text search (`query`, from [`fts_query`]).
    ///
    /// Staff search the newest [`SEARCH_HITS_MAX`] tickets with a match, internal notes
    /// included (a common word stops early; the counts then say "at least"); a customer
    /// searches every one of their own tickets, internal notes left out. The candidates'
    /// status and sort keys are read in one statement with the search itself, which gives
    /// the tab counts and the page's ids; only the page's rows are then read whole.
    async fn search(
        &self,
        db: &Db,
        actor: &Actor,
        filter: &ListFilter,
        query: &str,
    ) -> CoreResult<(Page<TicketSummary>, StatusCounts)> {
        let every_status = ListFilter {
            statuses: Vec::new(),
            search: None,
            ..filter.clone()
        };
        // A search index entry's rowid names its ticket (`rowid >> 32`) and whether it is an
        // internal note (`rowid & 1`): see migration 0007. The candidates come back as one
        // JSON row (see `list_page`).
        let candidates = "json_group_array(json_array(t.id, t.status, t.priority, t.updated_at))";
        let mut q = QueryBuilder::<Sqlite>::new("");
        if actor.is_staff() {
            // The limit is written into the SQL: SQLite re-prepares a statement whenever a
            // bound LIMIT is rebound (see `list_page`). CROSS JOIN: the hits drive the join.
            q.push(
                "WITH hits AS MATERIALIZED (
                     SELECT DISTINCT rowid >> 32 AS id FROM search WHERE search MATCH ",
            )
            .push_bind(query.to_owned())
            .push(format_args!(
                " ORDER BY rowid DESC LIMIT {SEARCH_HITS_MAX})
                 SELECT (SELECT COUNT(*) FROM hits) >= {SEARCH_HITS_MAX}, {candidates}
                 FROM hits CROSS JOIN tickets t ON t.id = hits.id"
            ));
            push_filters(&mut q, actor, &every_status);
        } else {
            // Each of the customer's tickets probed as a rowid range of the index: a cost
            // that follows their number of tickets, not the number of matches.
            q.push(format_args!("SELECT FALSE, {candidates} FROM tickets t"));
            push_filters(&mut q, actor, &every_status);
            q.push(" AND EXISTS (SELECT 1 FROM search WHERE search MATCH ")
                .push_bind(query.to_owned())
                .push(" AND rowid >= t.id << 32 AND rowid < (t.id + 1) << 32 AND rowid & 1 = 0)");
        }
        let (capped, candidates): (bool, String) = q.build_query_as().fetch_one(db).await?;
        let candidates: Vec<(i64, &str, &str, i64)> =
            serde_json::from_str(&candidates).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;

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
        let page = self.list_page(db, actor, &page_filter, Some(total)).await?;
        Ok((
            Page {
                offset,
                limit,
                ..page
            },
            counts,
        ))
    }

    async fn list_page(
        &self,
        db: &Db,
        actor: &Actor,
        filter: &ListFilter,
        known_total: Option<i64>,
    ) -> CoreResult<Page<TicketSummary>> {
        let limit = filter.limit.clamp(1, LIST_MAX);
        let offset = filter.offset.max(0);
        // The unseen marker: the customer waits for staff replies, staff for the customer's.
        let side = if actor.is_staff() { "=" } else { "<>" };
        let order_by = match filter.order {
            Order::Updated => " ORDER BY t.updated_at DESC, t.id DESC",
            Order::Created => " ORDER BY t.id DESC",
            Order::Priority => {
                " ORDER BY CASE t.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3
                     WHEN 'medium' THEN 2 ELSE 1 END DESC, t.updated_at DESC, t.id DESC"
            }
        };
        // The page's ids first, from tickets alone; names and markers are then looked up
        // for those rows only. (When the order needs a sort, SQLite computes every selected
        // column of every candidate before sorting.) CROSS JOIN keeps the page the outer loop: SQLite's documented way to
        // fix a join order, whatever the statistics say.
        // The rows come back as one JSON array, in the list's order: sqlx hands each result
        // row from its SQLite thread to the task separately and copies each of its values,
        // which for a page of rows costs more than reading them.
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT json_group_array(json_object(
                    'id', t.id, 'public_id', t.public_id, 'number', t.number, 'title', t.title,
                    'status', t.status, 'priority', t.priority, 'category_id', t.category_id,
                    'category', c.name, 'client_name', u.name, 'assignee_name', a.name,
                    'created_at', t.created_at, 'updated_at', t.updated_at,
                    'unseen', json(CASE WHEN EXISTS (
                        SELECT 1 FROM messages m
                        WHERE m.ticket_id = t.id AND m.seen_at IS NULL AND m.internal = 0
                          AND m.author_id {side} t.client_id) THEN 'true' ELSE 'false' END))"
        ));
        q.push(order_by).push(") FROM (");
        page_ids(&mut q, actor, filter, limit, offset);
        q.push(") page").push(
            " CROSS JOIN tickets t ON t.id = page.id
                 CROSS JOIN categories c ON c.id = t.category_id
                 CROSS JOIN users u ON u.id = t.client_id
                 LEFT JOIN users a ON a.id = t.assignee_id",
        );
        let items: String = q.build_query_scalar().fetch_one(db).await?;
        let items: Vec<TicketSummary> =
            serde_json::from_str(&items).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;

        let total = if let Some(total) = known_total {
            total
        } else if faceted(actor, filter) {
            self.count_by_status(actor, filter)
                .await?
                .sum_or_total(&filter.statuses)
        } else {
            let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM tickets t");
            push_filters(&mut count, actor, filter);
            count.build_query_scalar().fetch_one(db).await?
        };
        Ok(Page {
            items,
            offset,
            limit,
            total,
        })
    }

    /// The first message (the description) of each ticket, in one query.
    pub async fn descriptions(&self, ticket_ids: &[i64]) -> CoreResult<HashMap<i64, String>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::descriptions(pool, ticket_ids).await);
        if ticket_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT m.ticket_id, m.body FROM messages m
             WHERE m.id IN (SELECT MIN(id) FROM messages WHERE ticket_id IN (",
        );
        let mut ids = q.separated(", ");
        for id in ticket_ids {
            ids.push_bind(*id);
        }
        q.push(") GROUP BY ticket_id)");
        let rows: Vec<(i64, String)> = q.build_query_as().fetch_all(db).await?;
        Ok(rows.into_iter().collect())
    }

    /// How many tickets the actor may see in each status, under the filter's other
    /// conditions (its statuses are ignored: these are the counts of the status tabs).
    /// Staff without other filters read the maintained `ticket_counts`, staff filtering on
    /// priority, category or assignee sum a slice of `ticket_facets`: no ticket row is read
    /// at any size.
    pub async fn count_by_status(
        &self,
        actor: &Actor,
        filter: &ListFilter,
    ) -> CoreResult<StatusCounts> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::count_by_status(pool, actor, filter).await
        });
        let rows: Vec<(String, i64)> = if maintained(actor, filter) {
            sqlx::query_as("SELECT status, n FROM ticket_counts")
                .fetch_all(db)
                .await?
        } else if faceted(actor, filter) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT status, SUM(n) FROM ticket_facets WHERE assignee_id ",
            );
            match filter.assignee {
                Some(AssigneeFilter::Unassigned) => q.push("= 0"),
                Some(AssigneeFilter::User(id)) => q.push("= ").push_bind(id),
                // Every assignee: keeps the primary key's first column in the search.
                None => q.push(">= 0"),
            };
            if let Some(category) = filter.category_id {
                q.push(" AND category_id = ").push_bind(category);
            }
            if let Some(priority) = filter.priority {
                q.push(" AND priority = ").push_bind(priority.as_str());
            }
            q.push(" GROUP BY status");
            q.build_query_as().fetch_all(db).await?
        } else {
            let filter = ListFilter {
                statuses: Vec::new(),
                ..filter.clone()
            };
            let mut q = QueryBuilder::<Sqlite>::new("SELECT t.status, COUNT(*) FROM tickets t");
            push_filters(&mut q, actor, &filter);
            q.push(" GROUP BY t.status");
            q.build_query_as().fetch_all(db).await?
        };
        Ok(StatusCounts(
            rows.into_iter()
                .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
                .collect(),
            Exactness::Exact,
        ))
    }

    /// [`Core::count_by_status`] that stops counting a status at `cap` + 1: six bounded
    /// index walks in one query, whatever the filter matches.
    pub async fn count_by_status_capped(
        &self,
        actor: &Actor,
        filter: &ListFilter,
        cap: i64,
    ) -> CoreResult<StatusCounts> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::count_by_status_capped(pool, actor, filter, cap).await
        });
        let filter = ListFilter {
            statuses: Vec::new(),
            ..filter.clone()
        };
        let mut q = QueryBuilder::<Sqlite>::new("");
        for (i, status) in Status::ALL.into_iter().enumerate() {
            if i > 0 {
                q.push(" UNION ALL ");
            }
            q.push("SELECT ")
                .push_bind(status.as_str())
                .push(", (SELECT COUNT(*) FROM (SELECT 1 FROM tickets t");
            push_filters(&mut q, actor, &filter);
            q.push(" AND t.status = ")
                .push_bind(status.as_str())
                .push(format_args!(" LIMIT {}))", cap + 1));
        }
        let rows: Vec<(String, i64)> = q.build_query_as().fetch_all(db).await?;
        Ok(StatusCounts(
            rows.into_iter()
                .filter_map(|(s, n)| Status::parse(&s).map(|s| (s, n)))
                .collect(),
            Exactness::CappedAt(cap),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn search_words_are_quoted_and_prefixes_asked_for() {
        assert_eq!(
            fts_query("Invoice amount").as_deref(),
            Some(r#""Invoice" "amount""#)
        );
        assert_eq!(
            fts_query("print* jam").as_deref(),
            Some(r#""print"* "jam""#)
        );
        assert_eq!(fts_query(r#"") (*"#), None);
        assert_eq!(
            super::ts_query("print* jam, naïve").as_deref(),
            Some("print:* & jam & naïve")
        );
        assert_eq!(super::ts_query(r#"") & | ! (*:"#), None);
        assert_eq!(fts_query(r#"") OR (*"#).as_deref(), Some(r#""OR""#));
        assert_eq!(
            fts_query("a\"b NEAR(c)").as_deref(),
            Some(r#""a" "b" "NEAR" "c""#)
        );
        assert_eq!(
            fts_query("fjord-blue").as_deref(),
            Some(r#""fjord" "blue""#)
        );
    }
}
