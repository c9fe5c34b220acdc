//! Who is told what by mail, on PostgreSQL: the admin's policy (settings), each user's
//! opt-outs, test mails and the admin's view of the outbox.

use sqlx::PgPool;

/// The settings of kinds turned off for everyone.
pub async fn kinds_off(pool: &PgPool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("SELECT key FROM settings WHERE key LIKE 'notify_%' AND value = 'off'")
        .fetch_all(pool)
        .await
}

/// Saves settings, all or none.
pub async fn save_settings(pool: &PgPool, settings: &[(String, String)]) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for (key, value) in settings {
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            key,
            value
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The kinds a user turned off.
pub async fn optouts(pool: &PgPool, user_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT kind FROM notification_optouts WHERE user_id = $1",
        user_id
    )
    .fetch_all(pool)
    .await
}

/// Replaces a user's opt-outs.
pub async fn save_optouts(pool: &PgPool, user_id: i64, kinds: &[&str]) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "DELETE FROM notification_optouts WHERE user_id = $1",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    for kind in kinds {
        sqlx::query!(
            "INSERT INTO notification_optouts (user_id, kind) VALUES ($1, $2)",
            user_id,
            kind
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Queues a test mail to an address.
pub async fn test_mail(pool: &PgPool, address: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at)
         VALUES ('hd-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24), 'test', $1, $2, $2)",
        address,
        now
    )
    .execute(pool)
    .await
    .map(|_| ())
}

/// (id, kind, to, ticket number, state, attempts, last error, created_at, next attempt)
pub type RecentRow = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    i64,
    Option<String>,
    i64,
    i64,
);

/// The newest notices.
pub async fn recent(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<RecentRow>> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.kind, COALESCE(u.email, o.to_address, '') AS "to!",
                  t.number AS "ticket_number?", o.state, o.attempts, o.last_error,
                  o.created_at, o.next_attempt_at
           FROM outbox o
           LEFT JOIN users u ON u.id = o.recipient_id
           LEFT JOIN tickets t ON t.id = o.ticket_id
           ORDER BY o.id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.kind,
                r.to,
                r.ticket_number,
                r.state,
                r.attempts,
                r.last_error,
                r.created_at,
                r.next_attempt_at,
            )
        })
        .collect())
}
