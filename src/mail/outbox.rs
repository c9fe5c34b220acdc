//! The outbox's states: queued (due at `next_attempt_at`), sent, given up. A queued notice
//! with a `last_error` is "failing": it failed at least once and will be tried again.

use sqlx::FromRow;

use super::{MAX_ATTEMPTS, MailConfig};
use crate::clock::now_ms;
use crate::db::{Db, Writer};

/// How long a claimed notice is left alone before it is tried again (the worker died
/// while sending it, or could not record the outcome).
const LEASE_MS: i64 = 120_000;
/// Notices claimed at once.
const CLAIM: i64 = 20;

/// Claims the notices that are due: moves their next attempt a lease ahead, so no other
/// worker (another instance) takes them meanwhile.
pub async fn claim_due(db: &Db, writer: &Writer) -> sqlx::Result<Vec<i64>> {
    let now = now_ms();
    let due: Vec<i64> = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?
           ORDER BY next_attempt_at LIMIT ?"#,
        now,
        CLAIM
    )
    .fetch_all(db)
    .await?;
    if due.is_empty() {
        return Ok(due);
    }
    let ids = serde_json::to_string(&due).unwrap_or_else(|_| "[]".into());
    let lease = now + LEASE_MS;
    writer
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query_scalar!(
                    r#"UPDATE outbox SET next_attempt_at = ?1
                       WHERE id IN (SELECT value FROM json_each(?2))
                         AND state = 'queued' AND next_attempt_at <= ?3
                       RETURNING id AS "id!""#,
                    lease,
                    ids,
                    now
                )
                .fetch_all(&mut *tx)
                .await
            })
        })
        .await
}

pub async fn sent(writer: &Writer, id: i64) -> sqlx::Result<()> {
    let now = now_ms();
    writer
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query!(
                    "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,
                            secret = NULL
                     WHERE id = ?",
                    now,
                    id
                )
                .execute(&mut *tx)
                .await
                .map(|_| ())
            })
        })
        .await
}

pub async fn give_up(writer: &Writer, id: i64, reason: &str) -> sqlx::Result<()> {
    let reason = reason.to_owned();
    writer
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query!(
                    "UPDATE outbox SET state = 'given_up', last_error = ?, secret = NULL WHERE id = ?",
                    reason,
                    id
                )
                .execute(&mut *tx)
                .await
                .map(|_| ())
            })
        })
        .await
}

/// Records a failed attempt: tried again after the backoff, given up after
/// [`MAX_ATTEMPTS`].
pub async fn failed(
    writer: &Writer,
    config: &MailConfig,
    id: i64,
    reason: &str,
) -> sqlx::Result<()> {
    let reason: String = reason.chars().take(1000).collect();
    let now = now_ms();
    let base_ms = i64::try_from(config.retry_base.as_millis()).unwrap_or(i64::MAX);
    let cap_ms = 6 * 3600 * 1000_i64;
    writer
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query!(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?1,
                            state = CASE WHEN attempts + 1 >= ?2 THEN 'given_up' ELSE 'queued' END,
                            secret = CASE WHEN attempts + 1 >= ?2 THEN NULL ELSE secret END,
                            next_attempt_at = ?3 + MIN(?4, ?5 * (1 << MIN(attempts, 16)))
                     WHERE id = ?6",
                    reason,
                    MAX_ATTEMPTS,
                    now,
                    cap_ms,
                    base_ms,
                    id
                )
                .execute(&mut *tx)
                .await
                .map(|_| ())
            })
        })
        .await
}

/// Tries a notice again now (the admin's Retry), a given-up one with its attempts reset.
pub async fn retry(writer: &Writer, id: i64) -> sqlx::Result<bool> {
    let now = now_ms();
    writer
        .write(move |tx| {
            Box::pin(async move {
                Ok(sqlx::query!(
                    "UPDATE outbox SET next_attempt_at = ?1,
                            attempts = CASE WHEN state = 'given_up' THEN 0 ELSE attempts END,
                            state = 'queued'
                     WHERE id = ?2 AND state <> 'sent'",
                    now,
                    id
                )
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1)
            })
        })
        .await
}

/// [`claim_due`] on PostgreSQL: several instances' workers claim disjoint mails
/// (`FOR UPDATE SKIP LOCKED`), each once.
pub async fn claim_due_pg(pool: &sqlx::PgPool) -> sqlx::Result<Vec<i64>> {
    let now = now_ms();
    helpdesk_store_pg::outbox::claim_due(pool, now, now + LEASE_MS, CLAIM).await
}

/// [`sent`] on PostgreSQL.
pub async fn sent_pg(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<()> {
    helpdesk_store_pg::outbox::sent(pool, id, now_ms()).await
}

/// [`give_up`] on PostgreSQL.
pub async fn give_up_pg(pool: &sqlx::PgPool, id: i64, reason: &str) -> sqlx::Result<()> {
    helpdesk_store_pg::outbox::give_up(pool, id, reason).await
}

/// [`failed`] on PostgreSQL.
pub async fn failed_pg(
    pool: &sqlx::PgPool,
    config: &MailConfig,
    id: i64,
    reason: &str,
) -> sqlx::Result<()> {
    let reason: String = reason.chars().take(1000).collect();
    let base_ms = i64::try_from(config.retry_base.as_millis()).unwrap_or(i64::MAX);
    helpdesk_store_pg::outbox::failed(
        pool,
        id,
        &reason,
        MAX_ATTEMPTS,
        now_ms(),
        base_ms,
        6 * 3600 * 1000,
    )
    .await
}

/// [`retry`] on PostgreSQL.
pub async fn retry_pg(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<bool> {
    helpdesk_store_pg::outbox::retry(pool, id, now_ms()).await
}

/// A line of the admin's outbox list.
#[derive(Debug, FromRow)]
pub struct Row {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub ticket_number: Option<i64>,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub next_attempt_at: i64,
}

impl Row {
    /// queued, failing (queued after a failure), sent or given up.
    pub fn shown_state(&self) -> &'static str {
        match self.state.as_str() {
            "sent" => "sent",
            "given_up" => "given up",
            _ if self.last_error.is_some() => "failing",
            _ => "queued",
        }
    }
}

/// The newest notices, for the admin page.
pub async fn recent(db: &Db, limit: i64) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as!(
        Row,
        r#"SELECT o.id AS "id!", o.kind, COALESCE(u.email, o.to_address, '') AS "to!: String",
                  t.number AS "ticket_number?", o.state, o.attempts, o.last_error,
                  o.created_at, o.next_attempt_at
           FROM outbox o
           LEFT JOIN users u ON u.id = o.recipient_id
           LEFT JOIN tickets t ON t.id = o.ticket_id
           ORDER BY o.id DESC LIMIT ?"#,
        limit
    )
    .fetch_all(db)
    .await
}
