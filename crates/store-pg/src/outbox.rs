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
        "UPDATE outbox SET next_attempt_at = $2
         WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'queued' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at LIMIT $3
                      FOR UPDATE SKIP LOCKED)
         RETURNING id",
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
