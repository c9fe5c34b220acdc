//! Accounts: creation with validation, lookup, password changes, activation.

use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::i18n::{Arg, Lang};
use crate::secure::public_id;
use crate::tickets::{Actor, Role};

use super::password;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 254;

/// A problem with account input, by form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountError {
    pub field: &'static str,
    /// The sentence that says what is wrong (`crate::i18n`), and its arguments.
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl AccountError {
    pub fn new(field: &'static str, id: &'static str) -> Self {
        AccountError {
            field,
            id,
            args: Vec::new(),
        }
    }

    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        lang.t_with(self.id, &self.args)
    }
}

fn err(field: &'static str, id: &'static str) -> AccountError {
    AccountError::new(field, id)
}

fn err_max(field: &'static str, id: &'static str, max: usize) -> AccountError {
    AccountError {
        args: vec![("max", (max as i64).into())],
        ..AccountError::new(field, id)
    }
}

/// Checks an email address's shape (one `@`, a dotted domain, no spaces).
pub fn check_email(email: &str) -> Option<AccountError> {
    let email = email.trim();
    if email.is_empty() {
        return Some(err("email", "account-error-email-missing"));
    }
    let valid = email.len() <= EMAIL_MAX
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
               && !domain.starts_with('.') && !domain.ends_with('.'));
    (!valid).then(|| err("email", "account-error-email-invalid"))
}

pub fn check_password(password: &str) -> Option<AccountError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        Some(err_max(
            "password",
            "account-error-password-short",
            PASSWORD_MIN,
        ))
    } else if n > PASSWORD_MAX {
        Some(err_max("password", "account-error-too-long", PASSWORD_MAX))
    } else {
        None
    }
}

pub fn check_name(name: &str) -> Option<AccountError> {
    let n = name.trim().chars().count();
    if n == 0 {
        Some(err("name", "account-error-name-missing"))
    } else if n > NAME_MAX {
        Some(err_max("name", "account-error-too-long", NAME_MAX))
    } else if name.contains('\0') {
        Some(err("name", "problem-nul"))
    } else {
        None
    }
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// Problems with the input, by field (a taken email among them).
    #[error("invalid account")]
    Invalid(Vec<AccountError>),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// An account that passed every check, its password hashed: what a backend stores.
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Checks every field of a new account and hashes its password (the rules, the same on
/// every backend).
pub async fn check_new(
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<NewAccount, CreateError> {
    let errors: Vec<AccountError> = [
        check_name(name),
        check_email(email),
        check_password(password),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(CreateError::Invalid(errors));
    }
    let hash = password::hash(password.to_owned()).await.map_err(|e| {
        tracing::error!(error = %e, "cannot hash a password");
        CreateError::Invalid(vec![err("password", "account-error-password-failed")])
    })?;
    Ok(NewAccount {
        email: email.trim().to_owned(),
        name: name.trim().to_owned(),
        role,
        password_hash: hash,
    })
}

/// Creates an account after checking every field; a taken email is a field error.
pub async fn create(
    w: &Writer,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<Actor, CreateError> {
    let account = check_new(email, name, role, password).await?;
    insert_with_hash(
        w,
        &account.email,
        &account.name,
        role,
        &account.password_hash,
    )
    .await
}

/// [`create`] on PostgreSQL.
pub async fn create_pg(
    pool: &sqlx::PgPool,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<Actor, CreateError> {
    let account = check_new(email, name, role, password).await?;
    insert_with_hash_pg(
        pool,
        &account.email,
        &account.name,
        role,
        &account.password_hash,
    )
    .await
}

/// [`insert_with_hash`] on PostgreSQL.
pub async fn insert_with_hash_pg(
    pool: &sqlx::PgPool,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
) -> Result<Actor, CreateError> {
    use helpdesk_store_pg::accounts::{InsertUserError, NewUser, insert_user};
    let (email, name) = (email.trim(), name.trim());
    let pid = public_id();
    let user = NewUser {
        public_id: &pid,
        email,
        name,
        role: role.as_str(),
        password_hash: hash,
        now: now_ms(),
    };
    match insert_user(pool, user).await {
        Ok(id) => Ok(Actor {
            id,
            public_id: pid,
            email: email.to_owned(),
            name: name.to_owned(),
            role,
        }),
        Err(InsertUserError::EmailTaken) => Err(CreateError::Invalid(vec![err(
            "email",
            "account-error-email-taken",
        )])),
        Err(InsertUserError::Db(e)) => Err(CreateError::Db(e)),
    }
}

/// Inserts an account whose password is already hashed (demo data and fixtures).
pub async fn insert_with_hash(
    w: &Writer,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
) -> Result<Actor, CreateError> {
    let email = email.trim().to_owned();
    let name = name.trim().to_owned();
    let hash = hash.to_owned();
    let pid = public_id();
    let now = now_ms();
    let role_str = role.as_str();
    w.write(move |tx| {
        Box::pin(async move {
            let result = sqlx::query_scalar!(
        r#"INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        pid,
        email,
        name,
        role_str,
        hash,
        now,
        now
    )
    .fetch_one(&mut *tx)
    .await;
            match result {
                Ok(id) => Ok(Actor {
                    id,
                    public_id: pid,
                    email,
                    name,
                    role,
                }),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(
                    CreateError::Invalid(vec![err("email", "account-error-email-taken")]),
                ),
                Err(e) => Err(CreateError::Db(e)),
            }
        })
    })
    .await
}

/// An account as login sees it.
pub struct LoginRecord {
    pub actor: Actor,
    pub password_hash: String,
    pub active: bool,
    /// Signed up by mail and not confirmed yet: cannot log in.
    pub confirmed: bool,
}

pub async fn find_by_email(db: &Db, email: &str) -> sqlx::Result<Option<LoginRecord>> {
    let email = email.trim();
    let row = sqlx::query!(
        "SELECT id, public_id, email, name, role, password_hash, active, confirmed
         FROM users WHERE email = ?",
        email
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| LoginRecord {
        actor: Actor::from_row(r.id, r.public_id, r.email, r.name, &r.role),
        password_hash: r.password_hash,
        active: r.active != 0,
        confirmed: r.confirmed != 0,
    }))
}

/// [`find_by_email`] on PostgreSQL (case-insensitive there too).
pub async fn find_by_email_pg(
    pool: &sqlx::PgPool,
    email: &str,
) -> sqlx::Result<Option<LoginRecord>> {
    let row = helpdesk_store_pg::accounts::find_by_email(pool, email.trim()).await?;
    Ok(row.map(|r| LoginRecord {
        actor: Actor::from_row(r.id, r.public_id, r.email, r.name, &r.role),
        password_hash: r.password_hash,
        active: r.active,
        confirmed: r.confirmed,
    }))
}

pub async fn password_hash(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = ?", user_id)
        .fetch_optional(db)
        .await
}

/// What a user chose on the account page: the time zone pages show times in (None: UTC)
/// and the language they speak (None: the browser's).
#[derive(Debug, Clone, Default)]
pub struct Preferences {
    pub time_zone: Option<String>,
    pub language: Option<String>,
}

pub async fn preferences(db: &Db, user_id: i64) -> sqlx::Result<Preferences> {
    Ok(sqlx::query_as!(
        Preferences,
        "SELECT time_zone, language FROM users WHERE id = ?",
        user_id
    )
    .fetch_optional(db)
    .await?
    .unwrap_or_default())
}

/// One choice of the account page (the caller checked the value; None: the default).
pub enum Preference {
    TimeZone(Option<String>),
    Language(Option<String>),
}

/// Saves one of the user's [`Preferences`], leaving the other as it is.
pub async fn set_preference(w: &Writer, user_id: i64, choice: Preference) -> sqlx::Result<()> {
    let now = now_ms();
    let (zone_set, zone, language_set, language) = match choice {
        Preference::TimeZone(zone) => (true, zone, false, None),
        Preference::Language(language) => (false, None, true, language),
    };
    w.write(move |tx| {
        Box::pin(async move {
            sqlx::query!(
                "UPDATE users SET time_zone = CASE WHEN ?1 THEN ?2 ELSE time_zone END,
                                  language = CASE WHEN ?3 THEN ?4 ELSE language END,
                                  updated_at = ?5
                 WHERE id = ?6",
                zone_set,
                zone,
                language_set,
                language,
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    })
    .await
}

/// Replaces the password and ends every session of the user.
pub async fn set_password(w: &Writer, user_id: i64, hash: &str) -> sqlx::Result<()> {
    let now = now_ms();
    let hash = hash.to_owned();
    w.write(move |tx| {
        Box::pin(async move {
            sqlx::query!(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                hash,
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("DELETE FROM sessions WHERE user_id = ?", user_id)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    })
    .await
}

pub async fn admin_exists(db: &Db) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active = 1) AS "e!: bool""#
    )
    .fetch_one(db)
    .await
}

/// A user as the admin list shows it.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

/// Users on one page of the admin's list.
pub const PAGE: i64 = 50;

/// One page of users whose name or email contains `search` (all when empty), of `role`
/// if given, newest first, older than user `before` if given (keyset paging: every page
/// costs the same). One more than [`PAGE`] is read to tell whether there are more.
pub async fn list(
    db: &Db,
    search: &str,
    role: Option<Role>,
    before: Option<i64>,
) -> sqlx::Result<Vec<UserRow>> {
    let pattern = crate::db::contains_pattern(search.trim());
    let role = role.map(Role::as_str);
    let before = before.unwrap_or(i64::MAX);
    let limit = PAGE + 1;
    let rows = sqlx::query!(
        r#"SELECT id, name, email, role, active, created_at FROM users
           WHERE (name LIKE ?1 ESCAPE '\' OR email LIKE ?1 ESCAPE '\')
             AND (?2 IS NULL OR role = ?2) AND id < ?3
           ORDER BY id DESC LIMIT ?4"#,
        pattern,
        role,
        before,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserRow {
            id: r.id,
            name: r.name,
            email: r.email,
            role: r.role,
            active: r.active != 0,
            created_at: r.created_at,
        })
        .collect())
}

/// How many users [`list`] pages through.
/// Without a search this is an index count (by role: `users_role`); a substring search
/// reads every account's name and email.
pub async fn count(db: &Db, search: &str, role: Option<Role>) -> sqlx::Result<i64> {
    let role = role.map(Role::as_str);
    if search.trim().is_empty() {
        return match role {
            Some(role) => {
                sqlx::query_scalar!(
                    r#"SELECT COUNT(*) AS "n!: i64" FROM users WHERE role = ?"#,
                    role
                )
                .fetch_one(db)
                .await
            }
            None => {
                sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM users"#)
                    .fetch_one(db)
                    .await
            }
        };
    }
    let pattern = crate::db::contains_pattern(search.trim());
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM users
           WHERE (name LIKE ?1 ESCAPE '\' OR email LIKE ?1 ESCAPE '\')
             AND (?2 IS NULL OR role = ?2)"#,
        pattern,
        role
    )
    .fetch_one(db)
    .await
}

/// Changes a user's role; false if there is no such user.
pub async fn set_role(w: &Writer, user_id: i64, role: Role) -> sqlx::Result<bool> {
    let role = role.as_str();
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move {
            let done = sqlx::query!(
                "UPDATE users SET role = ?, updated_at = ? WHERE id = ?",
                role,
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    })
    .await
}

/// Deactivates (ending every session and revoking every API token at once) or
/// reactivates a user; false if there is no such user.
pub async fn set_active(w: &Writer, user_id: i64, active: bool) -> sqlx::Result<bool> {
    let now = now_ms();
    w.write(move |tx| {
        Box::pin(async move {
            let done = sqlx::query!(
                "UPDATE users SET active = ?, updated_at = ? WHERE id = ?",
                active,
                now,
                user_id
            )
            .execute(&mut *tx)
            .await?;
            if !active {
                sqlx::query!("DELETE FROM sessions WHERE user_id = ?", user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query!(
                    "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                    now,
                    user_id
                )
                .execute(&mut *tx)
                .await?;
            }
            Ok(done.rows_affected() == 1)
        })
    })
    .await
}

/// The admin pages' account reads and changes on PostgreSQL (twins of the functions
/// above).
pub mod pg {
    use super::{PAGE, Preference, Preferences, UserRow};
    use crate::clock::now_ms;
    use crate::tickets::Role;
    use helpdesk_store_pg::accounts as store;
    use sqlx::PgPool;

    pub async fn password_hash(pool: &PgPool, user_id: i64) -> sqlx::Result<Option<String>> {
        store::password_hash(pool, user_id).await
    }

    pub async fn preferences(pool: &PgPool, user_id: i64) -> sqlx::Result<Preferences> {
        Ok(store::preferences(pool, user_id)
            .await?
            .map(|(time_zone, language)| Preferences {
                time_zone,
                language,
            })
            .unwrap_or_default())
    }

    pub async fn set_preference(
        pool: &PgPool,
        user_id: i64,
        choice: Preference,
    ) -> sqlx::Result<()> {
        let (zone, language) = match &choice {
            Preference::TimeZone(zone) => ((true, zone.as_deref()), (false, None)),
            Preference::Language(language) => ((false, None), (true, language.as_deref())),
        };
        store::set_preference(pool, user_id, zone, language, now_ms()).await
    }

    pub async fn set_password(pool: &PgPool, user_id: i64, hash: &str) -> sqlx::Result<()> {
        store::set_password(pool, user_id, hash, now_ms()).await
    }

    pub async fn admin_exists(pool: &PgPool) -> sqlx::Result<bool> {
        store::admin_exists(pool).await
    }

    pub async fn list(
        pool: &PgPool,
        search: &str,
        role: Option<Role>,
        before: Option<i64>,
    ) -> sqlx::Result<Vec<UserRow>> {
        let pattern = crate::db::contains_pattern(search.trim());
        let rows = store::list_users(
            pool,
            &pattern,
            role.map(Role::as_str),
            before.unwrap_or(i64::MAX),
            PAGE + 1,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, email, role, active, created_at)| UserRow {
                id,
                name,
                email,
                role,
                active,
                created_at,
            })
            .collect())
    }

    pub async fn count(pool: &PgPool, search: &str, role: Option<Role>) -> sqlx::Result<i64> {
        let pattern = crate::db::contains_pattern(search.trim());
        store::count_users(pool, &pattern, role.map(Role::as_str)).await
    }

    pub async fn set_role(pool: &PgPool, user_id: i64, role: Role) -> sqlx::Result<bool> {
        store::set_role(pool, user_id, role.as_str(), now_ms()).await
    }

    pub async fn set_active(pool: &PgPool, user_id: i64, active: bool) -> sqlx::Result<bool> {
        store::set_active(pool, user_id, active, now_ms()).await
    }
}
