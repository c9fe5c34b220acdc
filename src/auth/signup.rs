//! Sign-up when mail is configured: the answer is the same for a new and a taken address,
//! so the form tells a stranger nothing. A new address gets an account that works once the
//! link mailed to it is followed (one day); a taken one gets a mail saying someone tried
//! to sign up with it, with a password-reset link.

use super::password;
use super::users::{self, AccountError, CreateError};
use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::secure::{public_id, secret, sha256_hex};

/// A confirmation link works for a day.
pub const LIFETIME_MS: i64 = 24 * 3600 * 1000;

/// A sign-up's fields, checked (the rules of every backend): the email lower-cased and
/// the name trimmed.
fn checked(email: &str, name: &str, password_text: &str) -> Result<(String, String), CreateError> {
    let errors: Vec<AccountError> = [
        users::check_name(name),
        users::check_email(email),
        users::check_password(password_text),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(CreateError::Invalid(errors));
    }
    Ok((email.trim().to_lowercase(), name.trim().to_owned()))
}

async fn hashed(password_text: &str) -> Result<String, CreateError> {
    password::hash(password_text.to_owned()).await.map_err(|e| {
        tracing::error!(error = %e, "cannot hash a password");
        CreateError::Invalid(vec![AccountError::new(
            "password",
            "account-error-password-failed",
        )])
    })
}

/// [`register`] on PostgreSQL: the same answers and mails.
pub async fn register_pg(
    pool: &sqlx::PgPool,
    email: &str,
    name: &str,
    password_text: &str,
    lang: crate::i18n::Lang,
) -> Result<(), CreateError> {
    use helpdesk_store_pg::links;
    let (email, name) = checked(email, name, password_text)?;
    let now = now_ms();
    let token = secret();
    let token_hash = sha256_hex(&token);
    match links::account_state(pool, &email).await? {
        Some((user_id, true, true)) => {
            links::issue_reset(
                pool,
                "signup_existing",
                user_id,
                &token,
                &token_hash,
                now,
                now + super::reset::LIFETIME_MS,
                lang.code(),
            )
            .await?;
        }
        Some(_) => {}
        None => {
            let hash = hashed(password_text).await?;
            links::register(
                pool,
                &public_id(),
                &email,
                &name,
                &hash,
                &token,
                &token_hash,
                now,
                now + LIFETIME_MS,
                lang.code(),
            )
            .await?;
        }
    }
    Ok(())
}

/// [`confirm`] on PostgreSQL.
pub async fn confirm_pg(pool: &sqlx::PgPool, token: &str) -> sqlx::Result<Option<i64>> {
    helpdesk_store_pg::links::confirm(pool, &sha256_hex(token), now_ms()).await
}

/// Checks the form, then mails the address: a confirmation link for a new account, or
/// a note with a reset link for a taken address. `Err` only for the form's own problems
/// (never "taken") and database failures.
pub async fn register(
    db: &Db,
    w: &Writer,
    email: &str,
    name: &str,
    password_text: &str,
    lang: crate::i18n::Lang,
) -> Result<(), CreateError> {
    let (email, name) = checked(email, name, password_text)?;
    let existing = sqlx::query!(
        "SELECT id, active, confirmed FROM users WHERE email = ?",
        email
    )
    .fetch_optional(db)
    .await?;
    let now = now_ms();
    let token = secret();
    let token_hash = sha256_hex(&token);
    match existing {
        Some(user) if user.active != 0 && user.confirmed != 0 => {
            // Taken: tell the owner, with a way back in.
            let user_id = user.id;
            w.write(move |tx| {
                Box::pin(async move {
                    super::reset::issue(tx, "signup_existing", user_id, &token, now, lang).await
                })
            })
            .await?;
        }
        Some(_) => {
            // Deactivated, or signed up and never confirmed: nothing is sent again here
            // (the first link still works; an admin decides about deactivated accounts).
        }
        None => {
            let hash = hashed(password_text).await?;
            let pid = public_id();
            w.write(move |tx| {
                Box::pin(async move {
                    let inserted = sqlx::query_scalar!(
                        r#"INSERT INTO users (public_id, email, name, role, password_hash,
                                             confirmed, created_at, updated_at)
                           VALUES (?, ?, ?, 'customer', ?, 0, ?, ?)
                           ON CONFLICT (email) DO NOTHING
                           RETURNING id AS "id!""#,
                        pid,
                        email,
                        name,
                        hash,
                        now,
                        now
                    )
                    .fetch_optional(&mut *tx)
                    .await?;
                    // Taken in the meantime: say nothing more.
                    let Some(user_id) = inserted else { return Ok(()) };
                    let expires = now + LIFETIME_MS;
                    sqlx::query!(
                        "INSERT INTO signup_confirmations (token_hash, user_id, created_at, expires_at)
                         VALUES (?, ?, ?, ?)",
                        token_hash,
                        user_id,
                        now,
                        expires
                    )
                    .execute(&mut *tx)
                    .await?;
                    super::reset::queue_link(tx, "signup_confirm", user_id, &token, now, lang).await
                })
            })
            .await?;
        }
    }
    Ok(())
}

/// Follows a confirmation link: the account works from now on. Returns its user id, or
/// `None` for a used, expired or unknown link.
pub async fn confirm(w: &Writer, token: &str) -> sqlx::Result<Option<i64>> {
    let hash = sha256_hex(token);
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move {
            let user = sqlx::query_scalar!(
                "DELETE FROM signup_confirmations WHERE token_hash = ? AND expires_at > ?
                 RETURNING user_id",
                hash,
                now
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user_id) = user else { return Ok(None) };
            sqlx::query!(
                "UPDATE users SET confirmed = 1, updated_at = ? WHERE id = ? AND active = 1",
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            Ok(Some(user_id))
        })
    })
    .await
}
