//! The ticket core's statements on PostgreSQL (opening a ticket so far). Each runs inside
//! the caller's transaction; the rules around them are the app's.

use sqlx::PgConnection;

/// The id of the active category named by `id` or `slug`.
pub async fn active_category(
    conn: &mut PgConnection,
    id: Option<i64>,
    slug: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        // KEY SHARE: a category deleted at the same instant waits for this transaction
        // (and then finds itself in use) instead of failing the ticket's foreign key.
        "SELECT id FROM categories WHERE (id = $1 OR slug = $2) AND active FOR KEY SHARE",
        id,
        slug
    )
    .fetch_optional(conn)
    .await
}

/// The open-ticket limit an admin saved, if any (in a transaction or on the pool).
pub async fn saved_open_ticket_limit(
    conn: impl sqlx::PgExecutor<'_>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT value FROM settings WHERE key = 'open_ticket_limit'")
        .fetch_optional(conn)
        .await
}

/// Locks a customer's row until the transaction ends and counts their unfinished
/// tickets: two tickets opened at once by one customer are counted one after the other,
/// so the open-ticket limit holds under any race (SQLite's single writer did this).
pub async fn lock_client_and_count_active(
    conn: &mut PgConnection,
    client_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", client_id)
        .fetch_optional(&mut *conn)
        .await?;
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!" FROM tickets
           WHERE client_id = $1 AND deleted_at IS NULL
             AND status IN ('open', 'pending', 'in_progress')"#,
        client_id
    )
    .fetch_one(conn)
    .await
}

/// A ticket to insert, checked.
pub struct NewTicketRow<'a> {
    pub public_id: &'a str,
    pub title: &'a str,
    pub subject: Option<&'a str>,
    pub priority: &'a str,
    pub category_id: i64,
    pub client_id: i64,
    pub api: Option<&'a str>,
    pub now: i64,
}

/// Inserts an open ticket with the next number, if its category is still active; returns
/// (id, number).
pub async fn insert_ticket(
    conn: &mut PgConnection,
    t: NewTicketRow<'_>,
) -> sqlx::Result<Option<(i64, i64)>> {
    let row = sqlx::query!(
        "INSERT INTO tickets (public_id, title, subject, status, priority, category_id,
                              client_id, api, created_at, updated_at)
         SELECT $1, $2, $3, 'open', $4, $5, $6, $7, $8, $8
         WHERE EXISTS (SELECT 1 FROM categories WHERE id = $5 AND active)
         RETURNING id, number",
        t.public_id,
        t.title,
        t.subject,
        t.priority,
        t.category_id,
        t.client_id,
        t.api,
        t.now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.id, r.number)))
}

/// Inserts a message; an internal note is seen by staff from the start. Returns its id.
pub async fn insert_message(
    conn: &mut PgConnection,
    public_id: &str,
    ticket_id: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    now: i64,
) -> sqlx::Result<i64> {
    let seen_at = internal.then_some(now);
    sqlx::query_scalar!(
        "INSERT INTO messages (public_id, ticket_id, author_id, body, internal, created_at, seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        public_id,
        ticket_id,
        author_id,
        body,
        internal,
        now,
        seen_at
    )
    .fetch_one(conn)
    .await
}

/// Adds a tag (created on first use, matched ignoring case) to a ticket.
pub async fn add_tag(conn: &mut PgConnection, ticket_id: i64, name: &str) -> sqlx::Result<()> {
    let tag_id = sqlx::query_scalar!(
        "INSERT INTO tags (name) VALUES ($1)
         ON CONFLICT ((lower(name))) DO UPDATE SET name = tags.name
         RETURNING id",
        name
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO ticket_tags (ticket_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        ticket_id,
        tag_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// An attachment row: uploaded bytes or an external URL.
pub struct AttachmentRow<'a> {
    pub public_id: &'a str,
    pub place: Option<(i64, i64)>,
    pub uploader_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: Option<&'a str>,
    pub data: Option<&'a [u8]>,
    pub url: Option<&'a str>,
    pub now: i64,
}

/// Inserts an attachment; returns its id.
pub async fn insert_attachment(conn: &mut PgConnection, a: AttachmentRow<'_>) -> sqlx::Result<i64> {
    let (ticket_id, message_id) = a.place.unzip();
    sqlx::query_scalar!(
        "INSERT INTO attachments (public_id, ticket_id, message_id, uploader_id, filename,
                                  content_type, size, sha256, data, url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        a.public_id,
        ticket_id,
        message_id,
        a.uploader_id,
        a.filename,
        a.content_type,
        a.size,
        a.sha256,
        a.data,
        a.url,
        a.now,
    )
    .fetch_one(conn)
    .await
}

/// Attaches an unattached upload of `uploader_id` to a message; false if there is none.
pub async fn claim_attachment(
    conn: &mut PgConnection,
    public_id: &str,
    uploader_id: i64,
    ticket_id: i64,
    message_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE attachments SET ticket_id = $1, message_id = $2
         WHERE public_id = $3 AND uploader_id = $4 AND ticket_id IS NULL",
        ticket_id,
        message_id,
        public_id,
        uploader_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who a notice goes to, besides the rules every notice follows.
#[derive(Debug, Clone, Copy)]
pub enum Recipients {
    /// The ticket's customer.
    Client,
    /// The ticket's assignee.
    Assignee,
    /// Every agent and admin.
    Staff,
}

/// Queues notice `kind` about a ticket (carrying `message` if any) to the active users
/// `recipients` picks, leaving out `author`, users who turned the kind off and kinds an
/// admin turned off (setting `setting` = 'off'). One statement, in the change's
/// transaction: a change rolled back queues nothing.
#[allow(clippy::too_many_arguments)]
pub async fn queue_notice(
    conn: &mut PgConnection,
    kind: &str,
    setting: &str,
    ticket_id: i64,
    message: Option<i64>,
    author: i64,
    recipients: Recipients,
    now: i64,
) -> sqlx::Result<()> {
    let (client, assignee, staff) = match recipients {
        Recipients::Client => (true, false, false),
        Recipients::Assignee => (false, true, false),
        Recipients::Staff => (false, false, true),
    };
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, ticket_id, message_ref, recipient_id,
                             next_attempt_at, created_at)
         SELECT 'hd-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24),
                $1, t.id, $2, u.id, $3, $3
         FROM tickets t CROSS JOIN users u
         WHERE t.id = $4 AND u.active AND u.id <> $5
           AND NOT EXISTS (SELECT 1 FROM notification_optouts o
                           WHERE o.user_id = u.id AND o.kind = $1)
           AND COALESCE((SELECT value FROM settings WHERE key = $6), 'on') <> 'off'
           AND (($7 AND u.id = t.client_id) OR ($8 AND u.id = t.assignee_id)
                OR ($9 AND u.role IN ('agent', 'admin')))",
        kind,
        message,
        now,
        ticket_id,
        author,
        setting,
        client,
        assignee,
        staff
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The most matches collected from the GIN index for the older tickets; more mean a word
/// common there, whose newest matches a walk finds sooner.
const BITMAP_MAX: i64 = 20_000;

/// How many of the newest documents a search reads one by one before it asks the GIN
/// index: about 5 ms of work, which finds the newest matches of any word in at least one
/// ticket out of 25 (`SEARCH_HITS_MAX` of them); rarer words come from the index.
const WALK: i64 = 5_000;

/// The ids of the newest `limit` tickets whose staff document matches `tsquery` (as
/// `to_tsquery('simple', unaccent(...))` reads it), newest first.
///
/// GIN returns matches in physical order, not newest first, and costs in proportion to
/// all of a word's matches (250 ms for a word in 2M of 2.2M tickets, measured); the
/// planner's guess of a word's frequency decides between that and walking the tickets
/// from the newest, and a word missing from the statistics (a typo) made it walk all 2.2M
/// (1.5-2.8 s). So the choice does not depend on a guess: the newest [`WALK`] documents
/// are read first (a common word ends there), then the index answers for the older
/// tickets only (a word rare enough to get there has few matches to collect).
pub async fn newest_staff_matches(
    pool: &sqlx::PgPool,
    tsquery: &str,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    newest_staff_matches_walking(pool, tsquery, limit, WALK, BITMAP_MAX).await
}

/// [`newest_staff_matches`] reading `walk` documents first and collecting at most
/// `bitmap_max` from the index (tests take every way with few tickets).
pub async fn newest_staff_matches_walking(
    pool: &sqlx::PgPool,
    tsquery: &str,
    limit: i64,
    walk: i64,
    bitmap_max: i64,
) -> sqlx::Result<Vec<i64>> {
    let walk = walk.max(1);
    let mut tx = pool.begin().await?;
    let mut newest = sqlx::query_scalar!(
        "SELECT ticket_id FROM (SELECT ticket_id, staff FROM ticket_search
                                ORDER BY ticket_id DESC LIMIT $2) newest
         WHERE staff @@ to_tsquery('simple', unaccent($1))
         ORDER BY ticket_id DESC LIMIT $3",
        tsquery,
        walk,
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    let walked_to = sqlx::query_scalar!(
        "SELECT ticket_id FROM ticket_search ORDER BY ticket_id DESC OFFSET $1 LIMIT 1",
        walk - 1
    )
    .fetch_optional(&mut *tx)
    .await?;
    let missing = limit - newest.len() as i64;
    if let (Some(boundary), true) = (walked_to, missing > 0) {
        // The plan fixed to the GIN index (with an exact bitmap: a lossy one rechecks
        // every document of its pages).
        for setting in [
            "SET LOCAL work_mem = '64MB'",
            "SET LOCAL enable_seqscan = off",
            "SET LOCAL enable_indexscan = off",
        ] {
            sqlx::query(setting).execute(&mut *tx).await?;
        }
        // Collected in physical order, at most `bitmap_max` (the heap scan stops there),
        // then sorted; a word with more is common in older tickets only: those are
        // walked from the boundary down, the plan fixed to the primary key.
        let mut older = sqlx::query_scalar!(
            "SELECT ticket_id FROM ticket_search
             WHERE staff @@ to_tsquery('simple', unaccent($1)) AND ticket_id < $2
             LIMIT $3",
            tsquery,
            boundary,
            bitmap_max + 1
        )
        .fetch_all(&mut *tx)
        .await?;
        if older.len() as i64 > bitmap_max {
            for setting in [
                "SET LOCAL enable_indexscan = on",
                "SET LOCAL enable_bitmapscan = off",
            ] {
                sqlx::query(setting).execute(&mut *tx).await?;
            }
            older = sqlx::query_scalar!(
                "SELECT ticket_id FROM ticket_search
                 WHERE staff @@ to_tsquery('simple', unaccent($1)) AND ticket_id < $2
                 ORDER BY ticket_id DESC LIMIT $3",
                tsquery,
                boundary,
                missing
            )
            .fetch_all(&mut *tx)
            .await?;
        } else {
            older.sort_unstable_by(|a, b| b.cmp(a));
            older.truncate(missing as usize);
        }
        newest.extend(older);
    }
    tx.commit().await?;
    Ok(newest)
}

/// What deciding about a ticket needs: (id, status, client id, version).
pub type TicketHead = (i64, String, i64, i64);

/// The live ticket named by number or public id that the caller may see (staff: any;
/// others: their own), locked until the transaction ends: two changes of one ticket at
/// once are decided one after the other, each seeing the other's version.
pub async fn visible_ticket_for_update(
    conn: &mut PgConnection,
    number: Option<i64>,
    public_id: Option<&str>,
    staff: bool,
    actor_id: i64,
) -> sqlx::Result<Option<TicketHead>> {
    let row = sqlx::query!(
        "SELECT id, status, client_id, version FROM tickets
         WHERE (number = $1 OR public_id = $2) AND deleted_at IS NULL
           AND ($3 OR client_id = $4)
         FOR UPDATE",
        number,
        public_id,
        staff,
        actor_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.id, r.status, r.client_id, r.version)))
}

/// Moves a ticket to `status`: a new version, and `resolved_at` set when it becomes
/// finished (kept while it stays finished), cleared when it is reopened.
pub async fn set_status(
    conn: &mut PgConnection,
    ticket_id: i64,
    status: &str,
    finished: bool,
    was_finished: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tickets SET status = $1, updated_at = $2, version = version + 1,
                resolved_at = CASE WHEN NOT $3 THEN NULL WHEN $4 THEN resolved_at ELSE $2 END
         WHERE id = $5",
        status,
        now,
        finished,
        was_finished,
        ticket_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records one change of a ticket in its history.
pub async fn record_event(
    conn: &mut PgConnection,
    ticket_id: i64,
    actor_id: i64,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO events (ticket_id, actor_id, kind, from_value, to_value, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        ticket_id,
        actor_id,
        kind,
        from,
        to,
        now
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// After a message: the ticket's activity time and version move on; `status` is its
/// status after the message (a reopening clears `resolved_at`).
pub async fn touch_after_message(
    conn: &mut PgConnection,
    ticket_id: i64,
    status: &str,
    reopened: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tickets SET status = $1, updated_at = $2, version = version + 1,
                resolved_at = CASE WHEN $3 THEN NULL ELSE resolved_at END
         WHERE id = $4",
        status,
        now,
        reopened,
        ticket_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks as seen the public messages of a ticket written by the other side: by the
/// customer when `staff` reads, by anyone else when the customer does.
pub async fn mark_ticket_seen(
    pool: &sqlx::PgPool,
    ticket_id: i64,
    staff: bool,
    now: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE messages SET seen_at = $1
         WHERE ticket_id = $2 AND seen_at IS NULL AND NOT internal
           AND (author_id = (SELECT client_id FROM tickets WHERE id = $2)) = $3",
        now,
        ticket_id,
        staff
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Marks one message seen, if the caller may see it (staff: any on a live ticket; a
/// customer: the public ones on their own); false otherwise.
pub async fn mark_message_seen(
    conn: &mut PgConnection,
    public_id: &str,
    staff: bool,
    actor_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE messages m SET seen_at = COALESCE(m.seen_at, $4)
         FROM tickets t
         WHERE t.id = m.ticket_id AND m.public_id = $1 AND t.deleted_at IS NULL
           AND ($2 OR (t.client_id = $3 AND NOT m.internal))",
        public_id,
        staff,
        actor_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// [`visible_ticket_for_update`] for reading: no lock.
pub async fn visible_ticket(
    pool: &sqlx::PgPool,
    number: Option<i64>,
    public_id: Option<&str>,
    staff: bool,
    actor_id: i64,
) -> sqlx::Result<Option<TicketHead>> {
    let row = sqlx::query!(
        "SELECT id, status, client_id, version FROM tickets
         WHERE (number = $1 OR public_id = $2) AND deleted_at IS NULL
           AND ($3 OR client_id = $4)",
        number,
        public_id,
        staff,
        actor_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.status, r.client_id, r.version)))
}

/// A ticket's editable fields: (title, subject, category, priority, api, assignee,
/// issue URL, resolution).
pub type TicketFields = (
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

pub async fn ticket_fields(conn: &mut PgConnection, ticket_id: i64) -> sqlx::Result<TicketFields> {
    let r = sqlx::query!(
        "SELECT title, subject, category_id, priority, api, assignee_id, issue_url, resolution
         FROM tickets WHERE id = $1",
        ticket_id
    )
    .fetch_one(conn)
    .await?;
    Ok((
        r.title,
        r.subject,
        r.category_id,
        r.priority,
        r.api,
        r.assignee_id,
        r.issue_url,
        r.resolution,
    ))
}

/// Writes a ticket's editable fields: a new version and activity time.
pub async fn save_ticket_fields(
    conn: &mut PgConnection,
    ticket_id: i64,
    f: &TicketFields,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tickets SET title = $1, subject = $2, category_id = $3, priority = $4, api = $5,
                assignee_id = $6, issue_url = $7, resolution = $8, updated_at = $9,
                version = version + 1
         WHERE id = $10",
        f.0,
        f.1,
        f.2,
        f.3,
        f.4,
        f.5,
        f.6,
        f.7,
        now,
        ticket_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The id of an active agent or admin named by id or public id.
pub async fn staff_user(
    conn: &mut PgConnection,
    id: Option<i64>,
    public_id: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT id FROM users WHERE (id = $1 OR public_id = $2) AND active
           AND role IN ('agent', 'admin')",
        id,
        public_id
    )
    .fetch_optional(conn)
    .await
}

/// The name of a tag.
pub async fn tag_name(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT name FROM tags WHERE id = $1", id)
        .fetch_optional(conn)
        .await
}

/// A ticket's tag names, sorted ignoring case.
pub async fn ticket_tags(conn: &mut PgConnection, ticket_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
         WHERE tt.ticket_id = $1 ORDER BY lower(g.name) COLLATE \"C\"",
        ticket_id
    )
    .fetch_all(conn)
    .await
}

/// Removes every tag of a ticket.
pub async fn clear_tags(conn: &mut PgConnection, ticket_id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM ticket_tags WHERE ticket_id = $1", ticket_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Puts a ticket in the trash.
pub async fn soft_delete(
    conn: &mut PgConnection,
    ticket_id: i64,
    actor_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tickets SET deleted_at = $1, deleted_by = $2, version = version + 1 WHERE id = $3",
        now,
        actor_id,
        ticket_id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// The trash, most recently deleted first: (number, title, client, deleted by, when).
pub async fn trash(pool: &sqlx::PgPool) -> sqlx::Result<Vec<(i64, String, String, String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT t.number, t.title, c.name AS client, COALESCE(d.name, '?') AS "deleted_by!",
                  t.deleted_at AS "deleted_at!"
           FROM tickets t JOIN users c ON c.id = t.client_id LEFT JOIN users d ON d.id = t.deleted_by
           WHERE t.deleted_at IS NOT NULL ORDER BY t.deleted_at DESC LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.number, r.title, r.client, r.deleted_by, r.deleted_at))
        .collect())
}

/// Takes a ticket out of the trash; its id, or `None` if no deleted ticket has `number`.
pub async fn restore(conn: &mut PgConnection, number: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "UPDATE tickets SET deleted_at = NULL, deleted_by = NULL, version = version + 1
         WHERE number = $1 AND deleted_at IS NOT NULL RETURNING id",
        number
    )
    .fetch_optional(conn)
    .await
}

/// Removes a deleted ticket for good (its messages, files, history and search document
/// go with it); false if no deleted ticket has `number`.
pub async fn purge(pool: &sqlx::PgPool, number: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM tickets WHERE number = $1 AND deleted_at IS NOT NULL",
        number
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Stores the issue a ticket was escalated to, unless it has one or left the live
/// tickets meanwhile; false then.
pub async fn set_issue_url(
    conn: &mut PgConnection,
    ticket_id: i64,
    url: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE tickets SET issue_url = $1, updated_at = $2, version = version + 1
         WHERE id = $3 AND issue_url IS NULL AND deleted_at IS NULL",
        url,
        now,
        ticket_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
