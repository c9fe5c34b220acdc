//! Mail in on PostgreSQL: what `helpdesk mail receive` and the IMAP fetcher read and
//! write besides the ticket itself.

use sqlx::{PgConnection, PgPool};

/// Whether a mail with this Message-ID was handled before.
pub async fn seen(pool: &PgPool, message_id: &str) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar!(
        "SELECT 1 AS one FROM mail_received WHERE message_id = $1",
        message_id
    )
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// A saved setting.
pub async fn setting(pool: &PgPool, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT value FROM settings WHERE key = $1", key)
        .fetch_optional(pool)
        .await
}

/// The category of tickets opened by mail: 'other' if active, else the first active.
pub async fn mail_category(pool: &PgPool) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT id FROM categories WHERE active ORDER BY slug = 'other' DESC, id LIMIT 1"
    )
    .fetch_optional(pool)
    .await
}

/// The live ticket a ticket Message-ID (its public id) names.
pub async fn number_of_ticket(pool: &PgPool, public_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT number FROM tickets WHERE public_id = $1 AND deleted_at IS NULL",
        public_id
    )
    .fetch_optional(pool)
    .await
}

/// The live ticket a mail we sent (its Message-ID) was about.
pub async fn number_of_notice(pool: &PgPool, message_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT t.number FROM outbox o JOIN tickets t ON t.id = o.ticket_id
         WHERE o.message_id = $1 AND t.deleted_at IS NULL",
        message_id
    )
    .fetch_optional(pool)
    .await
}

pub async fn ticket_id_of(conn: &mut PgConnection, number: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT id FROM tickets WHERE number = $1", number)
        .fetch_one(conn)
        .await
}

/// Drops the receipt just queued for `ticket_id` if its recipient got more than `max`
/// since `since`.
pub async fn cap_automatic_answers(
    conn: &mut PgConnection,
    user_id: i64,
    ticket_id: i64,
    since: i64,
    max: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM outbox
         WHERE ticket_id = $1 AND kind = 'ticket_received' AND recipient_id = $2
           AND (SELECT COUNT(*) FROM outbox
                WHERE recipient_id = $2 AND kind = 'ticket_received' AND created_at > $3) > $4",
        ticket_id,
        user_id,
        since,
        max
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Remembers a handled Message-ID (a second one fails the transaction: a mail delivered
/// twice, to two instances at once, is handled once).
pub async fn record(
    conn: &mut PgConnection,
    message_id: &str,
    number: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO mail_received (message_id, received_at, ticket_id)
         VALUES ($1, $2, (SELECT id FROM tickets WHERE number = $3))",
        message_id,
        now,
        number
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A customer without a password for an unknown sender; its id.
pub async fn new_customer(
    conn: &mut PgConnection,
    public_id: &str,
    email: &str,
    name: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, 'customer', '', $4, $4) RETURNING id",
        public_id,
        email,
        name,
        now
    )
    .fetch_one(conn)
    .await
}

/// Tells the sender which files of their mail were not accepted.
pub async fn files_refused(
    conn: &mut PgConnection,
    user_id: i64,
    ticket_id: i64,
    detail: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, ticket_id, recipient_id, detail, next_attempt_at,
                             created_at)
         VALUES ('hd-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24),
                 'files_refused', $1, $2, $3, $4, $4)",
        ticket_id,
        user_id,
        detail,
        now
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// One instance's turn at a mailbox: a session-level advisory lock on a connection of its
/// own, held while the instance reads the mailbox. Other instances skip their round
/// meanwhile, so a message is read by one of them; were this instance to die mid-round,
/// its connection closes and the lock with it.
pub struct MailboxTurn {
    conn: sqlx::pool::PoolConnection<sqlx::Postgres>,
    key: String,
}

impl MailboxTurn {
    /// This instance's turn at the mailbox named `key`, or `None` while another has it.
    pub async fn take(pool: &PgPool, key: &str) -> sqlx::Result<Option<Self>> {
        let mut conn = pool.acquire().await?;
        let taken = sqlx::query_scalar!(
            r#"SELECT pg_try_advisory_lock(hashtext('helpdesk mailbox ' || $1)) AS "taken!""#,
            key
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(taken.then(|| MailboxTurn {
            conn,
            key: key.to_owned(),
        }))
    }

    /// Ends the turn. Should the unlock fail, the connection is closed instead of going
    /// back to the pool (which ends the lock as well).
    pub async fn end(mut self) {
        let unlocked = sqlx::query_scalar!(
            r#"SELECT pg_advisory_unlock(hashtext('helpdesk mailbox ' || $1)) AS "unlocked!""#,
            self.key
        )
        .fetch_one(&mut *self.conn)
        .await;
        if !matches!(unlocked, Ok(true)) {
            self.conn.close_on_drop();
        }
    }
}
