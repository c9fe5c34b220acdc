//! The mail outbox on PostgreSQL: what every instance's mail worker claims, sends and
//! records. A claim takes due rows with `FOR UPDATE SKIP LOCKED` and moves their next
//! attempt past a lease in the same statement: two workers never claim one mail, and a
//! worker that dies leaves its claims to be retried when the lease runs out.

use sqlx::PgPool;

/// Claims up to `limit` due mails until `lease_until`; their ids.
pub async fn claim_due(
    pool: &PgPool,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        // In queue order (RETURNING keeps none): a ticket's notices go out as they
        // happened.
        r#"WITH claimed AS (
               UPDATE outbox SET next_attempt_at = $2
               WHERE id IN (SELECT id FROM outbox
                            WHERE state = 'queued' AND next_attempt_at <= $1
                            ORDER BY next_attempt_at, id LIMIT $3
                            FOR UPDATE SKIP LOCKED)
               RETURNING id)
           SELECT id AS "id!" FROM claimed ORDER BY id"#,
        now,
        lease_until,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Records a mail as sent (its secret, a reset link's token, forgotten).
pub async fn sent(pool: &PgPool, id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, secret = NULL
         WHERE id = $2",
        now,
        id
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// Gives a mail up for good.
pub async fn give_up(pool: &PgPool, id: i64, reason: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET state = 'given_up', last_error = $1, secret = NULL WHERE id = $2",
        reason,
        id
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// Records a failed attempt: retried after `base_ms` doubled per attempt (at most
/// `cap_ms`), given up after `max_attempts`.
pub async fn failed(
    pool: &PgPool,
    id: i64,
    reason: &str,
    max_attempts: i64,
    now: i64,
    base_ms: i64,
    cap_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1,
                state = CASE WHEN attempts + 1 >= $2 THEN 'given_up' ELSE 'queued' END,
                secret = CASE WHEN attempts + 1 >= $2 THEN NULL ELSE secret END,
                next_attempt_at = $3 + LEAST($4, $5 * (1::bigint << LEAST(attempts, 16)::int))
         WHERE id = $6",
        reason,
        max_attempts,
        now,
        cap_ms,
        base_ms,
        id
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// Queues a mail that is not sent yet again, now (given up: with fresh attempts).
pub async fn retry(pool: &PgPool, id: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE outbox SET next_attempt_at = $1,
                attempts = CASE WHEN state = 'given_up' THEN 0 ELSE attempts END,
                state = 'queued'
         WHERE id = $2 AND state <> 'sent'",
        now,
        id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a queued notice's mail is made of (the app composes it; SQLite's loader fills
/// the same struct).
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    pub message_id: String,
    pub kind: String,
    pub to_address: Option<String>,
    pub secret: Option<String>,
    pub detail: Option<String>,
    pub language: Option<String>,
    pub recipient_language: Option<String>,
    pub assignee_id: Option<i64>,
    pub new_ticket_mode: Option<String>,
    pub recipient_email: Option<String>,
    pub recipient_name: Option<String>,
    pub ticket_pid: Option<String>,
    pub number: Option<i64>,
    pub title: Option<String>,
    pub deleted_at: Option<i64>,
    pub message_ref: Option<i64>,
    pub message_body: Option<String>,
    pub message_internal: Option<bool>,
    pub author_name: Option<String>,
    /// The files of the message it carries: (id, filename).
    pub files: Vec<(i64, String)>,
}

pub async fn outgoing(pool: &PgPool, id: i64) -> sqlx::Result<Option<Outgoing>> {
    let Some(n) = sqlx::query!(
        r#"SELECT o.message_id, o.kind, o.to_address, o.secret, o.detail,
                  o.language AS "language?", u.language AS "recipient_language?",
                  t.assignee_id AS "assignee_id?",
                  (SELECT value FROM settings WHERE key = 'notify_new_ticket') AS "new_ticket_mode?",
                  u.email AS "recipient_email?", u.name AS "recipient_name?",
                  t.public_id AS "ticket_pid?", t.number AS "number?", t.title AS "title?",
                  t.deleted_at AS "deleted_at?",
                  m.id AS "message_ref?", m.body AS "message_body?",
                  m.internal AS "message_internal?", a.name AS "author_name?"
           FROM outbox o
           LEFT JOIN users u ON u.id = o.recipient_id AND u.active
           LEFT JOIN tickets t ON t.id = o.ticket_id
           LEFT JOIN messages m ON m.id = o.message_ref
           LEFT JOIN users a ON a.id = m.author_id
           WHERE o.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let files = match n.message_ref {
        Some(message) => sqlx::query!(
            "SELECT id, filename FROM attachments WHERE message_id = $1 ORDER BY id",
            message
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|f| (f.id, f.filename))
        .collect(),
        None => Vec::new(),
    };
    Ok(Some(Outgoing {
        message_id: n.message_id,
        kind: n.kind,
        to_address: n.to_address,
        secret: n.secret,
        detail: n.detail,
        language: n.language,
        recipient_language: n.recipient_language,
        assignee_id: n.assignee_id,
        new_ticket_mode: n.new_ticket_mode,
        recipient_email: n.recipient_email,
        recipient_name: n.recipient_name,
        ticket_pid: n.ticket_pid,
        number: n.number,
        title: n.title,
        deleted_at: n.deleted_at,
        message_ref: n.message_ref,
        message_body: n.message_body,
        message_internal: n.message_internal,
        author_name: n.author_name,
        files,
    }))
}
