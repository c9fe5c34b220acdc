//! Secrets handed out once and stored hashed: personal API tokens, integration keys and
//! the first-run setup token.

use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::secure::{secret, sha256_hex};
use crate::tickets::Actor;

/// Personal API tokens carry a prefix so that a leaked one is recognisable.
const TOKEN_PREFIX: &str = "hdt_";
const KEY_PREFIX: &str = "hdk_";
pub const LABEL_MAX: usize = 100;

#[derive(Debug, Clone)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A new secret with `prefix`, and the hash that is stored instead of it.
fn new_secret(prefix: &str) -> (String, String) {
    let secret = format!("{prefix}{}", secret());
    let hash = sha256_hex(&secret);
    (secret, hash)
}

/// Creates an API token for a user and returns it: the only time it is visible.
pub async fn create_api_token(w: &Writer, user_id: i64, name: &str) -> sqlx::Result<String> {
    let (token, hash) = new_secret(TOKEN_PREFIX);
    let now = now_ms();
    let name = name.trim().to_owned();
    w.write(move |tx| {
        Box::pin(async move {
            sqlx::query!(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                user_id,
                name,
                hash,
                now
            )
            .execute(&mut *tx)
            .await
        })
    })
    .await?;
    Ok(token)
}

/// The user's live tokens, newest first.
pub async fn list_api_tokens(db: &Db, user_id: i64) -> sqlx::Result<Vec<ApiTokenInfo>> {
    let rows = sqlx::query!(
        "SELECT id, name, created_at, last_used_at FROM api_tokens
         WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC",
        user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiTokenInfo {
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// Revokes one of the user's tokens; false if there was no such live token.
pub async fn revoke_api_token(w: &Writer, user_id: i64, token_id: i64) -> sqlx::Result<bool> {
    let now = now_ms();
    let done = w
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query!(
                    "UPDATE api_tokens SET revoked_at = ?
                     WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                    now,
                    token_id,
                    user_id
                )
                .execute(&mut *tx)
                .await
            })
        })
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The active user a Bearer token belongs to. Records when the token was last used, at
/// most once a minute, so that reads do not each become a write; that record is written
/// in the background and may be lost (a full disk must not stop reads).
pub async fn user_for_api_token(db: &Db, w: &Writer, token: &str) -> sqlx::Result<Option<Actor>> {
    let hash = sha256_hex(token);
    let row = sqlx::query!(
        "SELECT t.id AS token_id, t.last_used_at, u.id, u.public_id, u.email, u.name, u.role
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1",
        hash
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let now = now_ms();
    if r.last_used_at.is_none_or(|t| now - t > 60_000) {
        let (w, token_id) = (w.clone(), r.token_id);
        tokio::spawn(async move {
            let noted = w
                .write(move |tx| {
                    Box::pin(async move {
                        sqlx::query!(
                            "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                            now,
                            token_id
                        )
                        .execute(&mut *tx)
                        .await
                    })
                })
                .await;
            if let Err(e) = noted {
                tracing::warn!(error = %e, "could not record an API token's last use");
            }
        });
    }
    Ok(Some(Actor::from_row(
        r.id,
        r.public_id,
        r.email,
        r.name,
        &r.role,
    )))
}

/// Creates an integration key and returns it: the only time it is visible.
pub async fn create_integration_key(w: &Writer, name: &str) -> sqlx::Result<String> {
    let (key, hash) = new_secret(KEY_PREFIX);
    let now = now_ms();
    let name = name.trim().to_owned();
    w.write(move |tx| {
        Box::pin(async move {
            sqlx::query!(
                "INSERT INTO integration_keys (name, key_hash, created_at) VALUES (?, ?, ?)",
                name,
                hash,
                now
            )
            .execute(&mut *tx)
            .await
        })
    })
    .await?;
    Ok(key)
}

/// Whether `key` is a live integration key.
pub async fn integration_key_valid(db: &Db, key: &str) -> sqlx::Result<bool> {
    let hash = sha256_hex(key);
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM integration_keys WHERE key_hash = ? AND revoked_at IS NULL)
           AS "e!: bool""#,
        hash
    )
    .fetch_one(db)
    .await
}

/// Issues a fresh first-run setup token, replacing any earlier unused one.
pub async fn issue_setup_token(w: &Writer) -> sqlx::Result<String> {
    let (token, hash) = new_secret("");
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move {
            sqlx::query!("DELETE FROM setup_tokens WHERE used_at IS NULL")
                .execute(&mut *tx)
                .await?;
            sqlx::query!(
                "INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)",
                hash,
                now
            )
            .execute(&mut *tx)
            .await?;
            Ok::<_, sqlx::Error>(())
        })
    })
    .await?;
    Ok(token)
}

/// [`create_api_token`] on PostgreSQL.
pub async fn create_api_token_pg(
    pool: &sqlx::PgPool,
    user_id: i64,
    name: &str,
) -> sqlx::Result<String> {
    let (token, hash) = new_secret(TOKEN_PREFIX);
    helpdesk_store_pg::accounts::insert_api_token(pool, user_id, name.trim(), &hash, now_ms())
        .await?;
    Ok(token)
}

/// [`create_integration_key`] on PostgreSQL.
pub async fn create_integration_key_pg(pool: &sqlx::PgPool, name: &str) -> sqlx::Result<String> {
    let (key, hash) = new_secret(KEY_PREFIX);
    helpdesk_store_pg::accounts::insert_integration_key(pool, name.trim(), &hash, now_ms()).await?;
    Ok(key)
}

/// [`issue_setup_token`] on PostgreSQL: one link valid at a time whichever instance
/// printed it.
pub async fn issue_setup_token_pg(pool: &sqlx::PgPool) -> sqlx::Result<String> {
    let (token, hash) = new_secret("");
    helpdesk_store_pg::accounts::issue_setup_token(pool, &hash, now_ms()).await?;
    Ok(token)
}

/// [`list_api_tokens`] on PostgreSQL.
pub async fn list_api_tokens_pg(
    pool: &sqlx::PgPool,
    user_id: i64,
) -> sqlx::Result<Vec<ApiTokenInfo>> {
    Ok(helpdesk_store_pg::tokens::list_api_tokens(pool, user_id)
        .await?
        .into_iter()
        .map(|(id, name, created_at, last_used_at)| ApiTokenInfo {
            id,
            name,
            created_at,
            last_used_at,
        })
        .collect())
}

/// [`revoke_api_token`] on PostgreSQL.
pub async fn revoke_api_token_pg(
    pool: &sqlx::PgPool,
    user_id: i64,
    token_id: i64,
) -> sqlx::Result<bool> {
    helpdesk_store_pg::tokens::revoke_api_token(pool, user_id, token_id, now_ms()).await
}

/// [`user_for_api_token`] on PostgreSQL (the last use noted in the background, at most
/// once a minute).
pub async fn user_for_api_token_pg(
    pool: &sqlx::PgPool,
    token: &str,
) -> sqlx::Result<Option<Actor>> {
    let Some((token_id, last_used, id, public_id, email, name, role)) =
        helpdesk_store_pg::tokens::user_for_api_token(pool, &sha256_hex(token)).await?
    else {
        return Ok(None);
    };
    let now = now_ms();
    if last_used.is_none_or(|t| now - t > 60_000) {
        let pool = pool.clone();
        tokio::spawn(async move {
            if let Err(e) =
                helpdesk_store_pg::tokens::note_api_token_use(&pool, token_id, now).await
            {
                tracing::warn!(error = %e, "could not record an API token's last use");
            }
        });
    }
    Ok(Some(Actor::from_row(id, public_id, email, name, &role)))
}

/// [`integration_key_valid`] on PostgreSQL.
pub async fn integration_key_valid_pg(pool: &sqlx::PgPool, key: &str) -> sqlx::Result<bool> {
    helpdesk_store_pg::tokens::integration_key_valid(pool, &sha256_hex(key)).await
}

/// [`list_integration_keys`] on PostgreSQL.
pub async fn list_integration_keys_pg(pool: &sqlx::PgPool) -> sqlx::Result<Vec<KeyInfo>> {
    Ok(helpdesk_store_pg::tokens::list_integration_keys(pool)
        .await?
        .into_iter()
        .map(|(id, name, created_at)| KeyInfo {
            id,
            name,
            created_at,
        })
        .collect())
}

/// [`revoke_integration_key`] on PostgreSQL.
pub async fn revoke_integration_key_pg(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<bool> {
    helpdesk_store_pg::tokens::revoke_integration_key(pool, id, now_ms()).await
}

/// [`consume_setup_token`] on PostgreSQL.
pub async fn consume_setup_token_pg(
    pool: &sqlx::PgPool,
    token: &str,
    email: &str,
    name: &str,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    helpdesk_store_pg::tokens::consume_setup_token(
        pool,
        &sha256_hex(token),
        &crate::secure::public_id(),
        email.trim(),
        name.trim(),
        password_hash,
        now_ms(),
    )
    .await
}

/// [`setup_token_valid`] on PostgreSQL.
pub async fn setup_token_valid_pg(pool: &sqlx::PgPool, token: &str) -> sqlx::Result<bool> {
    helpdesk_store_pg::accounts::setup_token_valid(pool, &sha256_hex(token)).await
}

/// Whether `token` is an unused setup token.
pub async fn setup_token_valid(db: &Db, token: &str) -> sqlx::Result<bool> {
    let hash = sha256_hex(token);
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL)
           AS "e!: bool""#,
        hash
    )
    .fetch_one(db)
    .await
}

/// Uses up a setup token and creates the first admin in the same transaction; `None` if
/// the token was already used (or never existed) or an admin exists by now.
pub async fn consume_setup_token(
    w: &Writer,
    token: &str,
    email: &str,
    name: &str,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    let hash = sha256_hex(token);
    let now = now_ms();
    let email = email.trim().to_owned();
    let name = name.trim().to_owned();
    let password_hash = password_hash.to_owned();
    w.write(move |tx| {
        Box::pin(async move {
            let used = sqlx::query!(
                "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                now,
                hash
            )
            .execute(&mut *tx)
            .await?;
            let admin = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS "e!: bool""#
            )
            .fetch_one(&mut *tx)
            .await?;
            if used.rows_affected() != 1 || admin {
                return Ok(None);
            }
            let pid = crate::secure::public_id();
            let id = sqlx::query_scalar!(
        r#"INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
           VALUES (?, ?, ?, 'admin', ?, ?, ?) RETURNING id AS "id!""#,
        pid,
        email,
        name,
        password_hash,
        now,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
            Ok(Some(id))
        })
    })
    .await
}

#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

/// Live integration keys, newest first.
pub async fn list_integration_keys(db: &Db) -> sqlx::Result<Vec<KeyInfo>> {
    let rows = sqlx::query!(
        "SELECT id, name, created_at FROM integration_keys WHERE revoked_at IS NULL ORDER BY id DESC"
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyInfo {
            id: r.id,
            name: r.name,
            created_at: r.created_at,
        })
        .collect())
}

/// Revokes an integration key; false if there was no such live key.
pub async fn revoke_integration_key(w: &Writer, id: i64) -> sqlx::Result<bool> {
    let now = now_ms();
    let done = w
        .write(move |tx| {
            Box::pin(async move {
                sqlx::query!(
                    "UPDATE integration_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    now,
                    id
                )
                .execute(&mut *tx)
                .await
            })
        })
        .await?;
    Ok(done.rows_affected() == 1)
}
