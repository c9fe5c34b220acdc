//! "Forgot password?": a single-use link by mail, valid one hour, stored hashed. Asking
//! answers the same whether or not the address has an account; using a link sets the
//! password and ends every session of the account.

use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::i18n::Lang;
use crate::secure::{secret, sha256_hex};

/// A link works for one hour.
pub const LIFETIME_MS: i64 = 3600 * 1000;

/// Queues a reset link to the active account with this email, if there is one. Says
/// nothing about whether there was.
pub async fn request(db: &Db, w: &Writer, email: &str, lang: Lang) -> sqlx::Result<()> {
    let email = email.trim().to_lowercase();
    let user = sqlx::query_scalar!("SELECT id FROM users WHERE email = ? AND active = 1", email)
        .fetch_optional(db)
        .await?;
    let Some(user_id) = user else { return Ok(()) };
    let token = secret();
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move { issue(tx, "password_reset", user_id, &token, now, lang).await })
    })
    .await
}

/// Inside a write: stores a reset link for `user_id` (its SHA-256) and queues the mail of
/// `kind` that carries it, in `lang` (the outbox forgets the token once sent).
pub(crate) async fn issue(
    tx: &mut sqlx::SqliteConnection,
    kind: &str,
    user_id: i64,
    token: &str,
    now: i64,
    lang: Lang,
) -> sqlx::Result<()> {
    let hash = sha256_hex(token);
    let expires = now + LIFETIME_MS;
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?)",
        hash,
        user_id,
        now,
        expires
    )
    .execute(&mut *tx)
    .await?;
    queue_link(tx, kind, user_id, token, now, lang).await
}

/// Inside a write: queues an account mail of `kind` carrying the one-time `token`, in
/// `lang` (the language of the browser that asked for it).
pub(crate) async fn queue_link(
    tx: &mut sqlx::SqliteConnection,
    kind: &str,
    user_id: i64,
    token: &str,
    now: i64,
    lang: Lang,
) -> sqlx::Result<()> {
    let language = lang.code();
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, recipient_id, secret, next_attempt_at, created_at,
                             language)
         VALUES ('hd-' || lower(hex(randomblob(12))), ?1, ?2, ?3, ?4, ?4, ?5)",
        kind,
        user_id,
        token,
        now,
        language
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// [`request`] on PostgreSQL.
pub async fn request_pg(pool: &sqlx::PgPool, email: &str, lang: Lang) -> sqlx::Result<()> {
    use helpdesk_store_pg::links;
    let Some(user_id) = links::active_user(pool, email.trim()).await? else {
        return Ok(());
    };
    let token = secret();
    let now = now_ms();
    links::issue_reset(
        pool,
        "password_reset",
        user_id,
        &token,
        &sha256_hex(&token),
        now,
        now + LIFETIME_MS,
        lang.code(),
    )
    .await
}

/// [`is_live`] on PostgreSQL.
pub async fn is_live_pg(pool: &sqlx::PgPool, token: &str) -> sqlx::Result<bool> {
    helpdesk_store_pg::links::reset_is_live(pool, &sha256_hex(token), now_ms()).await
}

/// [`redeem`] on PostgreSQL.
pub async fn redeem_pg(
    pool: &sqlx::PgPool,
    token: &str,
    password_hash: &str,
) -> sqlx::Result<bool> {
    helpdesk_store_pg::links::redeem(pool, &sha256_hex(token), password_hash, now_ms()).await
}

/// Whether `token` is a live link (the page shows the form or says it expired).
pub async fn is_live(db: &Db, token: &str) -> sqlx::Result<bool> {
    let hash = sha256_hex(token);
    let now = now_ms();
    Ok(sqlx::query_scalar!(
        "SELECT 1 AS one FROM password_resets
         WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        hash,
        now
    )
    .fetch_optional(db)
    .await?
    .is_some())
}

/// Uses the link: sets the password (already hashed), ends every session of the account
/// and every other link to it. `false` if the link is used, expired or unknown.
pub async fn redeem(w: &Writer, token: &str, password_hash: String) -> sqlx::Result<bool> {
    let hash = sha256_hex(token);
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move {
            let user = sqlx::query_scalar!(
                "UPDATE password_resets SET used_at = ?1
                 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
                 RETURNING user_id",
                now,
                hash
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user_id) = user else {
                return Ok(false);
            };
            sqlx::query!(
                "UPDATE users SET password_hash = ?, updated_at = ?, confirmed = 1
                 WHERE id = ? AND active = 1",
                password_hash,
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("DELETE FROM sessions WHERE user_id = ?", user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query!(
                "DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL",
                user_id
            )
            .execute(&mut *tx)
            .await?;
            Ok(true)
        })
    })
    .await
}
