//! Accounts on whichever database the core runs on: what the faces call for sign-up,
//! login, sessions, tokens, keys, preferences and the users page. Each method picks the
//! SQLite function (reads on the pool, writes through the writer) or its PostgreSQL twin
//! (one transaction on the pool); the rules they share live in the modules beside this.

use super::login::{self, Attempt, Outcome};
use super::sessions::{self, Resolved};
use super::throttle::{self, Limit};
use super::tokens::{self, ApiTokenInfo, KeyInfo};
use super::users::{self, CreateError, LoginRecord, Preference, Preferences, UserRow};
use super::{reset, signup};
use crate::i18n::Lang;
use crate::tickets::{Actor, Backend, Role};

/// The accounts of a [`Backend`] (see [`crate::AppState::accounts`]).
#[derive(Clone, Copy)]
pub struct Accounts<'a>(pub &'a Backend);

/// `$sqlite` with the SQLite pool and writer bound to `$db` and `$w`, or `$pg` with the
/// PostgreSQL pool bound to `$pool`.
macro_rules! on {
    ($self:ident, |$db:pat_param, $w:pat_param| $sqlite:expr, |$pool:ident| $pg:expr) => {
        match $self.0 {
            Backend::Sqlite {
                db: $db,
                writer: $w,
            } => $sqlite.await,
            Backend::Postgres($pool) => $pg.await,
        }
    };
}

impl Accounts<'_> {
    /// Counts an attempt against each key; `Err(until)` while one of them is locked. A
    /// key's NUL characters (from what a client typed) are stored as U+FFFD.
    pub async fn begin_attempt(self, keys: Vec<(String, Limit)>) -> sqlx::Result<Result<(), i64>> {
        let keys: Vec<(String, Limit)> = keys
            .into_iter()
            .map(|(key, limit)| (key.replace('\0', "\u{FFFD}"), limit))
            .collect();
        on!(self, |_, w| throttle::begin_attempt(w, keys), |pool| {
            throttle::begin_attempt_pg(pool, &keys)
        })
    }

    pub async fn login(self, attempt: Attempt<'_>) -> sqlx::Result<Outcome> {
        on!(self, |db, w| login::login(db, w, attempt), |pool| {
            login::login_with(pool, attempt)
        })
    }

    pub async fn register(
        self,
        email: &str,
        name: &str,
        password: &str,
        lang: Lang,
    ) -> Result<(), CreateError> {
        on!(
            self,
            |db, w| signup::register(db, w, email, name, password, lang),
            |pool| signup::register_pg(pool, email, name, password, lang)
        )
    }

    pub async fn confirm_signup(self, token: &str) -> sqlx::Result<Option<i64>> {
        on!(self, |_, w| signup::confirm(w, token), |pool| {
            signup::confirm_pg(pool, token)
        })
    }

    pub async fn request_reset(self, email: &str, lang: Lang) -> sqlx::Result<()> {
        on!(self, |db, w| reset::request(db, w, email, lang), |pool| {
            reset::request_pg(pool, email, lang)
        })
    }

    pub async fn reset_is_live(self, token: &str) -> sqlx::Result<bool> {
        on!(self, |db, _| reset::is_live(db, token), |pool| {
            reset::is_live_pg(pool, token)
        })
    }

    pub async fn redeem_reset(self, token: &str, password_hash: String) -> sqlx::Result<bool> {
        on!(
            self,
            |_, w| reset::redeem(w, token, password_hash),
            |pool| { reset::redeem_pg(pool, token, &password_hash) }
        )
    }

    pub async fn create_session(self, user_id: i64) -> sqlx::Result<String> {
        on!(self, |_, w| sessions::create(w, user_id), |pool| {
            sessions::create_pg(pool, user_id)
        })
    }

    pub async fn resolve_session(self, token: &str) -> sqlx::Result<Option<Resolved>> {
        on!(self, |db, _| sessions::resolve(db, token), |pool| {
            sessions::resolve_pg(pool, token)
        })
    }

    pub async fn end_session(self, token: &str) -> sqlx::Result<()> {
        on!(self, |_, w| sessions::end(w, token), |pool| {
            sessions::end_pg(pool, token)
        })
    }

    /// Deletes expired sessions; how many.
    pub async fn sweep_sessions(self) -> sqlx::Result<u64> {
        on!(self, |_, w| sessions::sweep(w), |pool| sessions::sweep_pg(
            pool
        ))
    }

    pub async fn create_user(
        self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<Actor, CreateError> {
        on!(
            self,
            |_, w| users::create(w, email, name, role, password),
            |pool| users::create_pg(pool, email, name, role, password)
        )
    }

    /// An account whose password is already hashed (demo data and fixtures).
    pub async fn insert_with_hash(
        self,
        email: &str,
        name: &str,
        role: Role,
        hash: &str,
    ) -> Result<Actor, CreateError> {
        on!(
            self,
            |_, w| users::insert_with_hash(w, email, name, role, hash),
            |pool| users::insert_with_hash_pg(pool, email, name, role, hash)
        )
    }

    pub async fn find_by_email(self, email: &str) -> sqlx::Result<Option<LoginRecord>> {
        on!(self, |db, _| users::find_by_email(db, email), |pool| {
            users::find_by_email_pg(pool, email)
        })
    }

    pub async fn admin_exists(self) -> sqlx::Result<bool> {
        on!(self, |db, _| users::admin_exists(db), |pool| {
            users::pg::admin_exists(pool)
        })
    }

    pub async fn password_hash(self, user_id: i64) -> sqlx::Result<Option<String>> {
        on!(self, |db, _| users::password_hash(db, user_id), |pool| {
            users::pg::password_hash(pool, user_id)
        })
    }

    pub async fn set_password(self, user_id: i64, hash: &str) -> sqlx::Result<()> {
        on!(self, |_, w| users::set_password(w, user_id, hash), |pool| {
            users::pg::set_password(pool, user_id, hash)
        })
    }

    pub async fn preferences(self, user_id: i64) -> sqlx::Result<Preferences> {
        on!(self, |db, _| users::preferences(db, user_id), |pool| {
            users::pg::preferences(pool, user_id)
        })
    }

    pub async fn set_preference(self, user_id: i64, choice: Preference) -> sqlx::Result<()> {
        on!(
            self,
            |_, w| users::set_preference(w, user_id, choice),
            |pool| users::pg::set_preference(pool, user_id, choice)
        )
    }

    /// A page of the users page (newest first, before the id `before`).
    pub async fn users(
        self,
        search: &str,
        role: Option<Role>,
        before: Option<i64>,
    ) -> sqlx::Result<Vec<UserRow>> {
        on!(
            self,
            |db, _| users::list(db, search, role, before),
            |pool| users::pg::list(pool, search, role, before)
        )
    }

    pub async fn count_users(self, search: &str, role: Option<Role>) -> sqlx::Result<i64> {
        on!(self, |db, _| users::count(db, search, role), |pool| {
            users::pg::count(pool, search, role)
        })
    }

    pub async fn set_role(self, user_id: i64, role: Role) -> sqlx::Result<bool> {
        on!(self, |_, w| users::set_role(w, user_id, role), |pool| {
            users::pg::set_role(pool, user_id, role)
        })
    }

    pub async fn set_active(self, user_id: i64, active: bool) -> sqlx::Result<bool> {
        on!(self, |_, w| users::set_active(w, user_id, active), |pool| {
            users::pg::set_active(pool, user_id, active)
        })
    }

    pub async fn create_api_token(self, user_id: i64, name: &str) -> sqlx::Result<String> {
        on!(
            self,
            |_, w| tokens::create_api_token(w, user_id, name),
            |pool| { tokens::create_api_token_pg(pool, user_id, name) }
        )
    }

    pub async fn api_tokens(self, user_id: i64) -> sqlx::Result<Vec<ApiTokenInfo>> {
        on!(self, |db, _| tokens::list_api_tokens(db, user_id), |pool| {
            tokens::list_api_tokens_pg(pool, user_id)
        })
    }

    pub async fn revoke_api_token(self, user_id: i64, token_id: i64) -> sqlx::Result<bool> {
        on!(
            self,
            |_, w| tokens::revoke_api_token(w, user_id, token_id),
            |pool| tokens::revoke_api_token_pg(pool, user_id, token_id)
        )
    }

    pub async fn user_for_api_token(self, token: &str) -> sqlx::Result<Option<Actor>> {
        on!(
            self,
            |db, w| tokens::user_for_api_token(db, w, token),
            |pool| { tokens::user_for_api_token_pg(pool, token) }
        )
    }

    pub async fn create_integration_key(self, name: &str) -> sqlx::Result<String> {
        on!(
            self,
            |_, w| tokens::create_integration_key(w, name),
            |pool| { tokens::create_integration_key_pg(pool, name) }
        )
    }

    pub async fn integration_keys(self) -> sqlx::Result<Vec<KeyInfo>> {
        on!(self, |db, _| tokens::list_integration_keys(db), |pool| {
            tokens::list_integration_keys_pg(pool)
        })
    }

    pub async fn integration_key_valid(self, key: &str) -> sqlx::Result<bool> {
        on!(
            self,
            |db, _| tokens::integration_key_valid(db, key),
            |pool| { tokens::integration_key_valid_pg(pool, key) }
        )
    }

    pub async fn revoke_integration_key(self, id: i64) -> sqlx::Result<bool> {
        on!(self, |_, w| tokens::revoke_integration_key(w, id), |pool| {
            tokens::revoke_integration_key_pg(pool, id)
        })
    }

    /// A new setup link's token; earlier ones stop working.
    pub async fn issue_setup_token(self) -> sqlx::Result<String> {
        on!(self, |_, w| tokens::issue_setup_token(w), |pool| {
            tokens::issue_setup_token_pg(pool)
        })
    }

    pub async fn setup_token_valid(self, token: &str) -> sqlx::Result<bool> {
        on!(self, |db, _| tokens::setup_token_valid(db, token), |pool| {
            tokens::setup_token_valid_pg(pool, token)
        })
    }

    /// Makes the first admin with the setup link's token; `None` when the token is no
    /// longer valid (used, replaced, or an admin exists).
    pub async fn consume_setup_token(
        self,
        token: &str,
        email: &str,
        name: &str,
        password_hash: &str,
    ) -> sqlx::Result<Option<i64>> {
        on!(
            self,
            |_, w| tokens::consume_setup_token(w, token, email, name, password_hash),
            |pool| tokens::consume_setup_token_pg(pool, token, email, name, password_hash)
        )
    }
}
