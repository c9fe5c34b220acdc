//! Sign up, log in, log out, the account page (password, API tokens) and first-run setup.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::draft::{Draft, DraftOf};
use super::{Checked, ClientAddr, CsrfForm, Layout, User, Visitor, safe_next};
use crate::AppState;
use crate::auth::users::{self, AccountError};
use crate::auth::{login, password, throttle, tokens};
use crate::clock;
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::tickets::{Actor, Role};
use crate::web::error::{WebError, WebResult};

pub fn router() -> Routes {
    Routes::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/notifications", post(save_notifications))
        .route("/account/time-zone", post(save_time_zone))
        .route("/account/language", post(save_language))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/setup", get(setup_page).post(setup))
        .route(
            "/signup/confirm",
            get(confirm_signup_page).post(confirm_signup),
        )
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
}

/// Field errors of an account form, looked up by field name in templates.
#[derive(Default)]
pub struct Errors(Vec<AccountError>, Lang);

impl Errors {
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message(self.1))
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

fn one(lang: Lang, field: &'static str, id: &'static str) -> Errors {
    Errors(vec![AccountError::new(field, id)], lang)
}

// ---- sign up ----

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    layout: Layout,
    name: String,
    email: String,
    errors: Errors,
}

#[derive(Deserialize)]
struct SignupForm {
    #[serde(default)]
    csrf: String,
    name: String,
    email: String,
    password: String,
}

async fn signup_page(v: Visitor) -> WebResult<Response> {
    if v.user.is_some() {
        return Ok(v.redirect("/tickets", None));
    }
    let layout = v.layout(v.lang.t("signup-title"));
    v.page(
        StatusCode::OK,
        SignupPage {
            layout,
            name: String::new(),
            email: String::new(),
            errors: Errors::default(),
        },
    )
}

async fn signup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    mut v: Visitor,
    Checked(form): Checked<SignupForm>,
) -> WebResult<Response> {
    // The answer tells whether an address has an account: only so many questions an
    // hour from one client.
    let key = vec![(format!("signup:{client}"), throttle::SIGNUP)];
    if let Err(until) = state.accounts().begin_attempt(key).await? {
        let minutes = ((until - clock::now_ms()) / 60_000).max(1);
        let layout = v.layout(v.lang.t("signup-title"));
        let page = SignupPage {
            layout,
            name: form.name,
            email: form.email,
            errors: Errors(
                vec![AccountError {
                    args: vec![("minutes", minutes.into())],
                    ..AccountError::new("email", "account-error-signup-throttled")
                }],
                v.lang,
            ),
        };
        return v.page(StatusCode::TOO_MANY_REQUESTS, page);
    }
    if state.core.mail.is_some() {
        // The same answer for a new and a taken address; the mail tells them apart.
        return match state
            .accounts()
            .register(&form.email, &form.name, &form.password, v.lang)
            .await
        {
            Ok(()) => {
                state.core.mail_wake.notify_one();
                let layout = v.layout(v.lang.t("signup-sent-title"));
                let page = SignupSentPage {
                    layout,
                    email: form.email.trim().to_lowercase(),
                    confirmed_failed: false,
                    confirm_token: None,
                };
                v.page(StatusCode::OK, page)
            }
            Err(users::CreateError::Db(e)) => Err(e.into()),
            Err(users::CreateError::Invalid(errors)) => {
                let layout = v.layout(v.lang.t("signup-title"));
                let page = SignupPage {
                    layout,
                    name: form.name,
                    email: form.email,
                    errors: Errors(errors, v.lang),
                };
                v.page(StatusCode::UNPROCESSABLE_ENTITY, page)
            }
        };
    }
    match state
        .accounts()
        .create_user(&form.email, &form.name, Role::Customer, &form.password)
        .await
    {
        Ok(user) => {
            let token = state.accounts().create_session(user.id).await?;
            v.start_session(token);
            Ok(v.redirect_said("/tickets", "flash-welcome", &[]))
        }
        Err(users::CreateError::Db(e)) => Err(e.into()),
        Err(users::CreateError::Invalid(errors)) => {
            let layout = v.layout(v.lang.t("signup-title"));
            let page = SignupPage {
                layout,
                name: form.name,
                email: form.email,
                errors: Errors(errors, v.lang),
            };
            v.page(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

#[derive(Template)]
#[template(path = "account/signup_sent.html")]
struct SignupSentPage {
    layout: Layout,
    email: String,
    confirmed_failed: bool,
    /// The link's token, shown as a button: a GET changes nothing (mail scanners follow
    /// links), and the POST carries the CSRF token.
    confirm_token: Option<String>,
}

/// The link mailed at sign-up: a button that confirms.
async fn confirm_signup_page(v: Visitor, Query(q): Query<TokenQuery>) -> WebResult<Response> {
    let layout = v.layout(v.lang.t("signup-confirm-title"));
    let page = SignupSentPage {
        layout,
        email: String::new(),
        confirmed_failed: false,
        confirm_token: Some(q.token),
    };
    v.page(StatusCode::OK, page)
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

/// Confirms: the account works from now on, and this browser is in.
async fn confirm_signup(
    State(state): State<AppState>,
    mut v: Visitor,
    Checked(form): Checked<ConfirmForm>,
) -> WebResult<Response> {
    match state.accounts().confirm_signup(&form.token).await? {
        Some(user_id) => {
            if let Some(old) = v.session_token() {
                state.accounts().end_session(old).await?;
            }
            let token = state.accounts().create_session(user_id).await?;
            v.start_session(token);
            Ok(v.redirect_said("/tickets", "flash-welcome", &[]))
        }
        None => {
            let layout = v.layout(v.lang.t("signup-link-invalid-title"));
            let page = SignupSentPage {
                layout,
                email: String::new(),
                confirmed_failed: true,
                confirm_token: None,
            };
            v.page(StatusCode::GONE, page)
        }
    }
}

// ---- forgotten password ----

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct ForgotPage {
    layout: Layout,
    mail_on: bool,
    email: String,
    sent_to: Option<String>,
    error: Option<String>,
}

async fn forgot_page(State(state): State<AppState>, v: Visitor) -> WebResult<Response> {
    let layout = v.layout(v.lang.t("forgot-title"));
    let page = ForgotPage {
        layout,
        mail_on: state.core.mail.is_some(),
        email: String::new(),
        sent_to: None,
        error: None,
    };
    v.page(StatusCode::OK, page)
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// The same answer whether or not the address has an account; at most 5 links an hour
/// per address asked about and 20 per client.
async fn forgot(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    v: Visitor,
    Checked(form): Checked<ForgotForm>,
) -> WebResult<Response> {
    let mail_on = state.core.mail.is_some();
    let email = form.email.trim().to_lowercase();
    let page = |v: Visitor, status, sent_to, error| {
        let layout = v.layout(v.lang.t("forgot-title"));
        v.page(
            status,
            ForgotPage {
                layout,
                mail_on,
                email: form.email.clone(),
                sent_to,
                error,
            },
        )
    };
    if !mail_on {
        return page(v, StatusCode::OK, None, None);
    }
    if email.parse::<lettre::Address>().is_err() {
        let error = v.lang.t("admin-error-test-address");
        return page(v, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error));
    }
    let keys = vec![
        (format!("reset-client:{client}"), throttle::SIGNUP),
        (
            format!("reset-address:{email}"),
            throttle::Limit {
                max: 5,
                window_ms: 3600 * 1000,
            },
        ),
    ];
    if let Err(until) = state.accounts().begin_attempt(keys).await? {
        let minutes = ((until - clock::now_ms()) / 60_000).max(1);
        let error = v
            .lang
            .t_with("error-throttled", &[("minutes", minutes.into())]);
        return page(v, StatusCode::TOO_MANY_REQUESTS, None, Some(error));
    }
    state.accounts().request_reset(&email, v.lang).await?;
    state.core.mail_wake.notify_one();
    page(v, StatusCode::OK, Some(email), None)
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    layout: Layout,
    live: bool,
    token: String,
    errors: Errors,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn reset_page(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<TokenQuery>,
) -> WebResult<Response> {
    let live = state.accounts().reset_is_live(&q.token).await?;
    let layout = v.layout(v.lang.t("reset-title"));
    let status = if live {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let page = ResetPage {
        layout,
        live,
        token: q.token,
        errors: Errors::default(),
    };
    v.page(status, page)
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn reset(
    State(state): State<AppState>,
    mut v: Visitor,
    Checked(form): Checked<ResetForm>,
) -> WebResult<Response> {
    let errors = if let Some(e) = users::check_password(&form.new) {
        Errors(vec![AccountError { field: "new", ..e }], v.lang)
    } else if form.new != form.confirm {
        one(v.lang, "confirm", "account-error-mismatch")
    } else {
        Errors::default()
    };
    let live = state.accounts().reset_is_live(&form.token).await?;
    if errors.any() || !live {
        let layout = v.layout(v.lang.t("reset-title"));
        let status = if live {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::GONE
        };
        let page = ResetPage {
            layout,
            live,
            token: form.token,
            errors,
        };
        return v.page(status, page);
    }
    let hash = password::hash(form.new).await?;
    if !state.accounts().redeem_reset(&form.token, hash).await? {
        let layout = v.layout(v.lang.t("reset-title"));
        let page = ResetPage {
            layout,
            live: false,
            token: String::new(),
            errors: Errors::default(),
        };
        return v.page(StatusCode::GONE, page);
    }
    // Every session of the account was ended, this browser's too if it had one.
    v.end_session();
    Ok(v.redirect_said("/login", "flash-password-reset", &[]))
}

// ---- log in / out ----

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
    /// "Forgot your password?" only where mail can carry the link.
    mail_on: bool,
    /// No admin yet: say where the setup link is.
    first_run: bool,
    /// The text of a form sent after the session ended, carried through the login.
    draft: Draft,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
    #[serde(flatten)]
    draft: Draft,
}

async fn login_page(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    let next = safe_next(q.next.as_deref());
    if v.user.is_some() {
        return Ok(v.redirect(&next, None));
    }
    let layout = v.layout(v.lang.t("login-title"));
    v.page(
        StatusCode::OK,
        LoginPage {
            layout,
            email: String::new(),
            next,
            error: None,
            mail_on: state.core.mail.is_some(),
            first_run: !state.accounts().admin_exists().await?,
            draft: Draft::default(),
        },
    )
}

/// The login page for a form sent after its session ended: it keeps the form's text and
/// brings the form back, filled in, once logged in (see [`super::draft`]).
pub(super) async fn login_to_continue(
    state: &AppState,
    v: Visitor,
    next: &str,
    draft: Draft,
) -> WebResult<Response> {
    let layout = v.layout(v.lang.t("login-title"));
    let page = LoginPage {
        layout,
        email: String::new(),
        next: safe_next(Some(next)),
        error: None,
        mail_on: state.core.mail.is_some(),
        first_run: false,
        draft,
    };
    v.page(StatusCode::UNAUTHORIZED, page)
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    mut v: Visitor,
    Checked(form): Checked<LoginForm>,
) -> WebResult<Response> {
    let accounts = state.accounts();
    let next = safe_next(form.next.as_deref());
    let refuse = |v: Visitor, status: StatusCode, message: String| {
        let layout = v.layout(v.lang.t("login-title"));
        let page = LoginPage {
            layout,
            email: form.email.clone(),
            next: next.clone(),
            error: Some(message),
            mail_on: state.core.mail.is_some(),
            first_run: false,
            draft: form.draft.clone(),
        };
        v.page(status, page)
    };

    let attempt = login::Attempt {
        email: &form.email,
        password: form.password.clone(),
        client,
        device: v.device(),
        old_session: v.session_token(),
    };
    match accounts.login(attempt).await? {
        login::Outcome::Locked { until } => {
            let minutes = ((until - clock::now_ms()) / 60_000).max(1);
            let said = v
                .lang
                .t_with("error-login-locked", &[("minutes", minutes.into())]);
            refuse(v, StatusCode::TOO_MANY_REQUESTS, said)
        }
        login::Outcome::WrongPassword => {
            let said = v.lang.t("error-login-wrong");
            refuse(v, StatusCode::UNAUTHORIZED, said)
        }
        login::Outcome::LoggedIn {
            actor,
            session,
            device,
        } => {
            v.start_session(session);
            v.trust_device(device);
            match form.draft.of() {
                // The interrupted form again, filled in, in the new session.
                Some(of) => {
                    v.flash = Some(form.draft.notice(v.lang));
                    match (of, next.strip_prefix("/tickets/").map(str::parse::<i64>)) {
                        (DraftOf::Reply, Some(Ok(number))) => {
                            super::ticket_page::reply_draft(&state, v, &actor, number, &form.draft)
                                .await
                        }
                        (DraftOf::Ticket, _) => {
                            super::ticket_list::ticket_draft(&state, v, &form.draft).await
                        }
                        _ => Ok(v.redirect(&next, None)),
                    }
                }
                None => Ok(v.redirect(&next, None)),
            }
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    mut v: Visitor,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    if let Some(token) = v.session_token() {
        state.accounts().end_session(token).await?;
    }
    v.end_session();
    Ok(v.redirect_said("/login", "flash-logged-out", &[]))
}

// ---- account ----

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    errors: Errors,
    mail_on: bool,
    /// (kind, id of its name, mine, on for everyone)
    notifications: Vec<(&'static str, String, bool, bool)>,
    /// The time zone chosen ("" for UTC) and those offered.
    time_zone: String,
    zones: Vec<String>,
    /// The language chosen ("" for the browser's) and those offered (code, name).
    language: String,
    languages: Vec<(&'static str, &'static str)>,
}

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: Option<String>,
}

async fn account_page(State(state): State<AppState>, User(v, user): User) -> WebResult<Response> {
    render_account(&state, v, &user, None, Errors::default(), StatusCode::OK).await
}

async fn render_account(
    state: &AppState,
    v: Visitor,
    me: &Actor,
    new_token: Option<String>,
    errors: Errors,
    status: StatusCode,
) -> WebResult<Response> {
    let tokens = state
        .accounts()
        .api_tokens(me.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: v.zone.exact(t.created_at),
            last_used: t.last_used_at.map(|at| v.zone.exact(at)),
        })
        .collect();
    let notifications = state
        .core
        .my_notifications(me)
        .await?
        .into_iter()
        .map(|(k, mine, everyone)| (k.as_str(), k.name_id(), mine, everyone))
        .collect();
    let chosen = state.accounts().preferences(me.id).await?;
    let time_zone = chosen.time_zone.unwrap_or_default();
    let language = chosen.language.unwrap_or_default();
    let layout = v.layout(v.lang.t("account-title"));
    v.page(
        status,
        AccountPage {
            layout,
            tokens,
            new_token,
            errors,
            mail_on: state.core.mail.is_some(),
            notifications,
            time_zone,
            zones: clock::zone_names(),
            language,
            languages: Lang::ALL.iter().map(|l| (l.code(), l.name())).collect(),
        },
    )
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
}

/// The language pages and mails speak to this user ("": the browser's).
async fn save_language(
    State(state): State<AppState>,
    User(v, me): User,
    Checked(f): Checked<LanguageForm>,
) -> WebResult<Response> {
    let chosen = f.language.trim();
    let language = match Lang::parse(chosen) {
        Some(lang) => Some(lang.code().to_owned()),
        None if chosen.is_empty() => None,
        None => return Err(WebError::BadRequest(v.lang.t("account-language-invalid"))),
    };
    state
        .accounts()
        .set_preference(me.id, users::Preference::Language(language.clone()))
        .await?;
    // The confirmation already in the new language.
    let lang = Lang::choose(language.as_deref(), &axum::http::HeaderMap::new());
    let lang = if language.is_some() { lang } else { v.lang };
    Ok(v.redirect("/account", Some(&lang.t("account-language-saved"))))
}

#[derive(Deserialize)]
struct TimeZoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    time_zone: String,
}

/// The time zone pages show times in ("" or UTC: UTC).
async fn save_time_zone(
    State(state): State<AppState>,
    User(v, me): User,
    Checked(f): Checked<TimeZoneForm>,
) -> WebResult<Response> {
    let zone = f.time_zone.trim();
    if !zone.is_empty() && !clock::is_zone(zone) {
        let errors = one(v.lang, "time_zone", "account-error-zone");
        return render_account(
            &state,
            v,
            &me,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let zone = (!zone.is_empty() && zone != "UTC").then(|| zone.to_owned());
    state
        .accounts()
        .set_preference(me.id, users::Preference::TimeZone(zone))
        .await?;
    Ok(v.redirect_said("/account", "flash-zone-saved", &[]))
}

#[derive(Deserialize)]
struct NotificationsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: Vec<String>,
}

async fn save_notifications(
    State(state): State<AppState>,
    User(v, me): User,
    Checked(f): Checked<NotificationsForm>,
) -> WebResult<Response> {
    let on = f
        .kind
        .iter()
        .filter_map(|k| crate::tickets::notify::Kind::parse(k))
        .collect();
    state.core.save_my_notifications(&me, on).await?;
    Ok(v.redirect_said("/account", "flash-notifications-saved", &[]))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    User(mut v, user): User,
    Checked(form): Checked<PasswordForm>,
) -> WebResult<Response> {
    let accounts = state.accounts();
    let stored = accounts.password_hash(user.id).await?;
    let errors = if !password::verify(form.current, stored).await {
        one(v.lang, "current", "account-error-current")
    } else if let Some(e) = users::check_password(&form.new) {
        Errors(vec![AccountError { field: "new", ..e }], v.lang)
    } else if form.new != form.confirm {
        one(v.lang, "confirm", "account-error-mismatch")
    } else {
        Errors::default()
    };
    if errors.any() {
        return render_account(
            &state,
            v,
            &user,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = password::hash(form.new).await?;
    // Ends every session, this one included; this browser gets a fresh one.
    accounts.set_password(user.id, &hash).await?;
    let token = accounts.create_session(user.id).await?;
    v.start_session(token);
    Ok(v.redirect_said("/account", "flash-password-changed", &[]))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    User(v, user): User,
    Checked(form): Checked<TokenForm>,
) -> WebResult<Response> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > tokens::LABEL_MAX {
        let errors = Errors(
            vec![AccountError {
                args: vec![("max", (tokens::LABEL_MAX as i64).into())],
                ..AccountError::new("name", "account-error-token-name")
            }],
            v.lang,
        );
        return render_account(
            &state,
            v,
            &user,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let token = state.accounts().create_api_token(user.id, name).await?;
    // Shown once, on this response only: no redirect, and never stored in clear.
    render_account(
        &state,
        v,
        &user,
        Some(token),
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

async fn revoke_token(
    State(state): State<AppState>,
    User(v, user): User,
    Path(id): Path<i64>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    if !state.accounts().revoke_api_token(user.id, id).await? {
        return Err(WebError::NotFound);
    }
    Ok(v.redirect_said("/account", "flash-token-revoked", &[]))
}

// ---- first-run setup ----

#[derive(Template)]
#[template(path = "account/setup.html")]
struct SetupPage {
    layout: Layout,
    token: String,
    name: String,
    email: String,
    errors: Errors,
}

#[derive(Deserialize)]
struct SetupQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    csrf: String,
    token: String,
    name: String,
    email: String,
    password: String,
}

fn invalid_setup_link() -> WebError {
    WebError::BadRequest(
        "This setup link is invalid or was already used. While the help desk has no admin, \
         the server prints a setup link (/setup?token=...) each time it starts: look in its \
         output, or restart it for a new link."
            .into(),
    )
}

async fn setup_page(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<SetupQuery>,
) -> WebResult<Response> {
    let token = q.token.unwrap_or_default();
    if state.accounts().admin_exists().await? || !state.accounts().setup_token_valid(&token).await?
    {
        return Err(invalid_setup_link());
    }
    let layout = v.layout(v.lang.t("setup-title"));
    let page = SetupPage {
        layout,
        token,
        name: String::new(),
        email: String::new(),
        errors: Errors::default(),
    };
    v.page(StatusCode::OK, page)
}

async fn setup(
    State(state): State<AppState>,
    mut v: Visitor,
    Checked(form): Checked<SetupForm>,
) -> WebResult<Response> {
    let accounts = state.accounts();
    let errors: Vec<AccountError> = [
        users::check_name(&form.name),
        users::check_email(&form.email),
        users::check_password(&form.password),
    ]
    .into_iter()
    .flatten()
    .collect();
    let email_taken = accounts.find_by_email(&form.email).await?.is_some();
    if !errors.is_empty() || email_taken {
        let mut errors = Errors(errors, v.lang);
        if email_taken {
            errors
                .0
                .push(AccountError::new("email", "account-error-email-taken"));
        }
        let layout = v.layout(v.lang.t("setup-title"));
        let page = SetupPage {
            layout,
            token: form.token,
            name: form.name,
            email: form.email,
            errors,
        };
        return v.page(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let hash = password::hash(form.password).await?;
    let Some(user_id) = accounts
        .consume_setup_token(&form.token, &form.email, &form.name, &hash)
        .await?
    else {
        return Err(invalid_setup_link());
    };
    let token = accounts.create_session(user_id).await?;
    v.start_session(token);
    Ok(v.redirect_said("/tickets", "flash-admin-ready", &[]))
}

super::has_csrf!(
    LanguageForm,
    ConfirmForm,
    ForgotForm,
    LoginForm,
    NotificationsForm,
    PasswordForm,
    ResetForm,
    SetupForm,
    SignupForm,
    TimeZoneForm,
    TokenForm,
);
