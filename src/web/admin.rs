//! The admin pages (`/admin/...`): users and roles, categories, tags, integration keys,
//! settings and the trash. Admins only: agents and customers get 403.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Admin, Checked, CsrfForm, Layout, Visitor};
use crate::AppState;
use crate::auth::tokens::{self, KeyInfo};
use crate::auth::users::{self, UserRow};
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::tickets::notify::{Kind, MailPolicy, NewTicketMails};
use crate::tickets::{Actor, Category, Role, Tag, Trashed};
use crate::web::error::{WebError, WebResult};

pub fn router() -> Routes {
    Routes::new()
        .route("/admin", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/{id}/role", post(set_role))
        .route("/admin/users/{id}/active", post(set_active))
        .route(
            "/admin/categories",
            get(categories_page).post(create_category),
        )
        .route("/admin/categories/{id}", post(update_category))
        .route("/admin/categories/{id}/delete", post(delete_category))
        .route("/admin/tags", get(tags_page).post(create_tag))
        .route("/admin/tags/{id}", post(update_tag))
        .route("/admin/keys", get(keys_page).post(create_key))
        .route("/admin/keys/{id}/revoke", post(revoke_key))
        .route("/admin/settings", get(settings_page).post(save_settings))
        .route("/admin/mail", get(mail_page))
        .route("/admin/mail/test", post(send_test_mail))
        .route("/admin/mail/notifications", post(save_notifications))
        .route("/admin/mail/{id}/retry", post(retry_mail))
        .route("/admin/trash", get(trash_page))
        .route("/admin/trash/{number}/restore", post(restore))
        .route("/admin/trash/{number}/purge", get(purge_page).post(purge))
}

// ---- users ----

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    q: String,
    role: String,
    /// "1–50 of 409 users"
    position: String,
    /// The next (older) page's cursor and how many users come before it.
    older: Option<(i64, i64)>,
    /// Whether this is not the first page.
    later: bool,
    error: Option<String>,
}

impl UsersPage {
    fn roles(&self) -> [Role; 3] {
        Role::ALL
    }
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    before: Option<String>,
    /// How many users came before this page (for the position shown).
    #[serde(default)]
    skipped: Option<String>,
}

impl UsersPage {
    /// This list's URL with the paging pairs `extra`.
    fn link(&self, extra: &str) -> String {
        let mut pairs = Vec::new();
        if !self.q.is_empty() {
            pairs.push(format!("q={}", super::encode_query(&self.q)));
        }
        if !self.role.is_empty() {
            pairs.push(format!("role={}", super::encode_query(&self.role)));
        }
        if !extra.is_empty() {
            pairs.push(extra.to_owned());
        }
        if pairs.is_empty() {
            "/admin/users".to_owned()
        } else {
            format!("/admin/users?{}", pairs.join("&"))
        }
    }
}

async fn render_users(
    state: &AppState,
    v: Visitor,
    q: SearchQuery,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let role = Role::parse(&q.role);
    let before = q.before.as_deref().and_then(|b| b.parse().ok());
    let skipped: i64 = q
        .skipped
        .as_deref()
        .and_then(|s| s.parse().ok())
        .filter(|n| *n >= 0)
        .unwrap_or(0);
    let mut users = state.accounts().users(&q.q, role, before).await?;
    let total = state.accounts().count_users(&q.q, role).await?;
    let more = users.len() as i64 > users::PAGE;
    users.truncate(users::PAGE as usize);
    let shown = users.len() as i64;
    let lang = v.lang;
    let count = lang.t_with(
        "admin-users-count",
        &[("n", total.into()), ("count", lang.number(total).into())],
    );
    let position = if shown == 0 {
        count.clone()
    } else {
        lang.t_with(
            "list-position",
            &[
                ("start", lang.number(skipped + 1).into()),
                ("end", lang.number(skipped + shown).into()),
                ("total", count.clone().into()),
            ],
        )
    };
    let older = more
        .then(|| users.last().map(|u| (u.id, skipped + shown)))
        .flatten();
    let layout = v.layout(v.lang.t("admin-users"));
    v.page(
        status,
        UsersPage {
            layout,
            older,
            later: before.is_some(),
            users,
            q: q.q,
            role: role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            position: if more || before.is_some() {
                position
            } else {
                count
            },
            error,
        },
    )
}

async fn users_page(
    State(state): State<AppState>,
    Admin(v, _me): Admin,
    Query(q): Query<SearchQuery>,
) -> WebResult<Response> {
    render_users(&state, v, q, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct NewUserForm {
    #[serde(default)]
    csrf: String,
    name: String,
    email: String,
    role: String,
    password: String,
}

async fn create_user(
    State(state): State<AppState>,
    Admin(v, _me): Admin,
    Checked(f): Checked<NewUserForm>,
) -> WebResult<Response> {
    let role =
        Role::parse(&f.role).ok_or_else(|| WebError::BadRequest(v.lang.t("admin-error-role")))?;
    match state
        .accounts()
        .create_user(&f.email, &f.name, role, &f.password)
        .await
    {
        Ok(u) => {
            let role = v.lang.t(&crate::i18n::Named::name_id(&role));
            Ok(v.redirect_said(
                "/admin/users",
                "admin-flash-user-created",
                &[("name", u.name.into()), ("role", role.into())],
            ))
        }
        Err(users::CreateError::Db(e)) => Err(e.into()),
        Err(users::CreateError::Invalid(errors)) => {
            let message = errors
                .iter()
                .map(|e| e.message(v.lang))
                .collect::<Vec<_>>()
                .join(" ");
            render_users(
                &state,
                v,
                SearchQuery::default(),
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    csrf: String,
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<i64>,
    Checked(f): Checked<RoleForm>,
) -> WebResult<Response> {
    let role =
        Role::parse(&f.role).ok_or_else(|| WebError::BadRequest(v.lang.t("admin-error-role")))?;
    if id == me.id && role != Role::Admin {
        return Err(WebError::BadRequest(v.lang.t("admin-error-own-role")));
    }
    if !state.accounts().set_role(id, role).await? {
        return Err(WebError::NotFound);
    }
    Ok(v.redirect_said("/admin/users", "admin-flash-role", &[]))
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    csrf: String,
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<i64>,
    Checked(f): Checked<ActiveForm>,
) -> WebResult<Response> {
    let active = f.active == "1";
    if id == me.id && !active {
        return Err(WebError::BadRequest(v.lang.t("admin-error-self")));
    }
    if !state.accounts().set_active(id, active).await? {
        return Err(WebError::NotFound);
    }
    let flash = if active {
        "admin-flash-reactivated"
    } else {
        "admin-flash-deactivated"
    };
    Ok(v.redirect_said("/admin/users", flash, &[]))
}

// ---- categories ----

#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesPage {
    layout: Layout,
    categories: Vec<Category>,
}

async fn categories_page(
    State(state): State<AppState>,
    Admin(v, _me): Admin,
) -> WebResult<Response> {
    let categories = state.core.categories().await?;
    let layout = v.layout(v.lang.t("admin-categories"));
    v.page(StatusCode::OK, CategoriesPage { layout, categories })
}

#[derive(Deserialize)]
struct CategoryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    active: Option<String>,
}

/// A refusal of the core as the sentence `id`, when it is about the input.
fn invalid(lang: Lang, id: &'static str) -> impl Fn(crate::tickets::CoreError) -> WebError {
    move |e| match e {
        crate::tickets::CoreError::Invalid(_) => WebError::BadRequest(lang.t(id)),
        other => other.into(),
    }
}

async fn create_category(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Checked(f): Checked<CategoryForm>,
) -> WebResult<Response> {
    state
        .core
        .create_category(&me, &f.slug, &f.name, &f.description)
        .await
        .map_err(invalid(v.lang, "admin-error-category-new"))?;
    Ok(v.redirect_said("/admin/categories", "admin-flash-category-created", &[]))
}

async fn update_category(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<i64>,
    Checked(f): Checked<CategoryForm>,
) -> WebResult<Response> {
    let active = f.active.as_deref() == Some("on");
    state
        .core
        .update_category(&me, id, &f.name, &f.description, active)
        .await
        .map_err(invalid(v.lang, "admin-error-category-name"))?;
    Ok(v.redirect_said("/admin/categories", "admin-flash-category-saved", &[]))
}

async fn delete_category(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<i64>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    state
        .core
        .delete_category(&me, id)
        .await
        .map_err(invalid(v.lang, "admin-error-category-used"))?;
    Ok(v.redirect_said("/admin/categories", "admin-flash-category-deleted", &[]))
}

// ---- tags ----

#[derive(Template)]
#[template(path = "admin/tags.html")]
struct TagsPage {
    layout: Layout,
    tags: Vec<(Tag, bool)>,
}

async fn tags_page(State(state): State<AppState>, Admin(v, me): Admin) -> WebResult<Response> {
    let tags = state.core.all_tags(&me).await?;
    let layout = v.layout(v.lang.t("admin-tags"));
    v.page(StatusCode::OK, TagsPage { layout, tags })
}

#[derive(Deserialize)]
struct TagForm {
    #[serde(default)]
    csrf: String,
    name: String,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    active: Option<String>,
}

async fn create_tag(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Checked(f): Checked<TagForm>,
) -> WebResult<Response> {
    state
        .core
        .save_tag(&me, None, &f.name, &f.keyword, true)
        .await
        .map_err(invalid(v.lang, "admin-error-tag"))?;
    Ok(v.redirect_said("/admin/tags", "admin-flash-tag-created", &[]))
}

async fn update_tag(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<i64>,
    Checked(f): Checked<TagForm>,
) -> WebResult<Response> {
    let active = f.active.as_deref() == Some("on");
    state
        .core
        .save_tag(&me, Some(id), &f.name, &f.keyword, active)
        .await
        .map_err(invalid(v.lang, "admin-error-tag"))?;
    Ok(v.redirect_said("/admin/tags", "admin-flash-tag-saved", &[]))
}

// ---- integration keys ----

#[derive(Template)]
#[template(path = "admin/keys.html")]
struct KeysPage {
    layout: Layout,
    keys: Vec<KeyInfo>,
    new_key: Option<String>,
}

async fn render_keys(state: &AppState, v: Visitor, new_key: Option<String>) -> WebResult<Response> {
    let keys = state.accounts().integration_keys().await?;
    let layout = v.layout(v.lang.t("admin-keys"));
    v.page(
        StatusCode::OK,
        KeysPage {
            layout,
            keys,
            new_key,
        },
    )
}

async fn keys_page(State(state): State<AppState>, Admin(v, _me): Admin) -> WebResult<Response> {
    render_keys(&state, v, None).await
}

#[derive(Deserialize)]
struct KeyForm {
    #[serde(default)]
    csrf: String,
    name: String,
}

async fn create_key(
    State(state): State<AppState>,
    Admin(v, _me): Admin,
    Checked(f): Checked<KeyForm>,
) -> WebResult<Response> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > tokens::LABEL_MAX {
        return Err(WebError::BadRequest(v.lang.t_with(
            "admin-error-key-name",
            &[("max", (tokens::LABEL_MAX as i64).into())],
        )));
    }
    let key = state.accounts().create_integration_key(name).await?;
    // Shown once, on this response only.
    render_keys(&state, v, Some(key)).await
}

async fn revoke_key(
    State(state): State<AppState>,
    Admin(v, _me): Admin,
    Path(id): Path<i64>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    if !state.accounts().revoke_integration_key(id).await? {
        return Err(WebError::NotFound);
    }
    Ok(v.redirect_said("/admin/keys", "admin-flash-key-revoked", &[]))
}

// ---- settings ----

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    open_ticket_limit: i64,
    github_repo: String,
    github_token_set: bool,
}

async fn settings_page(State(state): State<AppState>, Admin(v, _me): Admin) -> WebResult<Response> {
    let core = &state.core;
    let github = core.github_config().await?;
    let layout = v.layout(v.lang.t("admin-settings"));
    let page = SettingsPage {
        layout,
        open_ticket_limit: core.open_ticket_limit().await?,
        github_repo: github
            .as_ref()
            .map(|g| g.repo.clone())
            .or(core.setting("github_repo").await?)
            .unwrap_or_default(),
        github_token_set: github.is_some() || core.setting("github_token").await?.is_some(),
    };
    v.page(StatusCode::OK, page)
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    csrf: String,
    open_ticket_limit: String,
    #[serde(default)]
    github_repo: String,
    /// Left empty, the saved token stays (it is never shown back).
    #[serde(default)]
    github_token: String,
}

async fn save_settings(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Checked(f): Checked<SettingsForm>,
) -> WebResult<Response> {
    let limit: i64 = f
        .open_ticket_limit
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| WebError::BadRequest(v.lang.t("admin-error-limit")))?;
    let repo = f.github_repo.trim();
    if !repo.is_empty()
        && !matches!(repo.split_once('/'), Some((o, n)) if !o.is_empty() && !n.is_empty() && !n.contains('/'))
    {
        return Err(WebError::BadRequest(v.lang.t("admin-error-repo")));
    }
    let core = &state.core;
    core.save_setting(&me, "open_ticket_limit", &limit.to_string())
        .await?;
    core.save_setting(&me, "github_repo", repo).await?;
    if !f.github_token.trim().is_empty() {
        core.save_setting(&me, "github_token", &f.github_token)
            .await?;
    }
    Ok(v.redirect_said("/admin/settings", "admin-flash-settings", &[]))
}

// ---- mail ----

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage {
    layout: Layout,
    /// SMTP URL (password hidden), sender, base URL.
    mail: Option<(String, String, String)>,
    layout_email: String,
    test_error: Option<String>,
    /// (kind, label, on), "new ticket" aside.
    kinds: Vec<(&'static str, String, bool)>,
    /// "off", "on" or "unassigned".
    new_ticket: &'static str,
    refuse_unknown: bool,
    outbox: Vec<crate::mail::outbox::Row>,
}

async fn mail_page(State(state): State<AppState>, Admin(v, me): Admin) -> WebResult<Response> {
    render_mail(&state, v, &me, None, StatusCode::OK).await
}

async fn render_mail(
    state: &AppState,
    v: Visitor,
    me: &Actor,
    test_error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let core = &state.core;
    let policy = core.notification_settings(me).await?;
    let kinds = Kind::ALL
        .into_iter()
        .filter(|k| *k != Kind::NewTicket)
        .map(|k| (k.as_str(), k.name_id(), policy.on.contains(&k)))
        .collect();
    let page = MailPage {
        mail: core
            .mail
            .as_ref()
            .map(|m| (m.shown_url.clone(), m.from.to_string(), m.base_url.clone())),
        layout_email: me.email.clone(),
        test_error,
        kinds,
        new_ticket: policy.new_ticket.as_str(),
        refuse_unknown: policy.refuse_unknown_senders,
        outbox: core.outbox(me).await?,
        layout: v.layout(v.lang.t("admin-mail")),
    };
    v.page(status, page)
}

#[derive(Deserialize)]
struct TestMailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
}

async fn send_test_mail(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Checked(f): Checked<TestMailForm>,
) -> WebResult<Response> {
    if state.core.mail.is_none() {
        return Err(WebError::BadRequest(v.lang.t("admin-error-no-mail")));
    }
    let Ok(address) = f.to.trim().parse::<lettre::Address>() else {
        let error = v.lang.t("admin-error-test-address");
        return render_mail(
            &state,
            v,
            &me,
            Some(error),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    state.core.send_test_mail(&me, address).await?;
    Ok(v.redirect_said("/admin/mail", "admin-flash-test-mail", &[]))
}

#[derive(Deserialize)]
struct NotificationsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: Vec<String>,
    #[serde(default)]
    new_ticket: String,
    #[serde(default)]
    unknown_senders: String,
}

async fn save_notifications(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Checked(f): Checked<NotificationsForm>,
) -> WebResult<Response> {
    let on = f.kind.iter().filter_map(|k| Kind::parse(k)).collect();
    let new_ticket = NewTicketMails::parse(&f.new_ticket)
        .ok_or_else(|| WebError::BadRequest(v.lang.t("admin-error-new-ticket-mail")))?;
    let refuse_unknown_senders = match f.unknown_senders.as_str() {
        "accept" => false,
        "refuse" => true,
        _ => {
            return Err(WebError::BadRequest(
                v.lang.t("admin-error-unknown-senders"),
            ));
        }
    };
    let policy = MailPolicy {
        on,
        new_ticket,
        refuse_unknown_senders,
    };
    state.core.save_notification_settings(&me, policy).await?;
    Ok(v.redirect_said("/admin/mail", "admin-flash-notifications", &[]))
}

async fn retry_mail(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(id): Path<String>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state.core.retry_mail(&me, id).await?;
    Ok(v.redirect_said("/admin/mail", "admin-flash-retry", &[]))
}

// ---- trash ----

#[derive(Template)]
#[template(path = "admin/trash.html")]
struct TrashPage {
    layout: Layout,
    tickets: Vec<Trashed>,
}

async fn trash_page(State(state): State<AppState>, Admin(v, me): Admin) -> WebResult<Response> {
    let tickets = state.core.trash(&me).await?;
    let layout = v.layout(v.lang.t("admin-trash"));
    v.page(StatusCode::OK, TrashPage { layout, tickets })
}

async fn restore(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(number): Path<i64>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    state.core.restore_ticket(&me, number).await?;
    Ok(v.redirect_said(
        "/admin/trash",
        "admin-flash-restored",
        &[("number", number.into())],
    ))
}

async fn purge_page(Admin(v, _me): Admin, Path(number): Path<i64>) -> WebResult<Response> {
    let page = super::ConfirmPage {
        layout: v.layout(v.lang.t("admin-purge-title")),
        heading: v
            .lang
            .t_with("admin-purge-heading", &[("number", number.into())]),
        explanation: v.lang.t("admin-purge-explanation"),
        items: Vec::new(),
        action: format!("/admin/trash/{number}/purge"),
        fields: Vec::new(),
        button: v.lang.t("admin-purge"),
        back: "/admin/trash".into(),
    };
    v.page(StatusCode::OK, page)
}

async fn purge(
    State(state): State<AppState>,
    Admin(v, me): Admin,
    Path(number): Path<i64>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    state.core.purge_ticket(&me, number).await?;
    Ok(v.redirect_said(
        "/admin/trash",
        "admin-flash-purged",
        &[("number", number.into())],
    ))
}

super::has_csrf!(
    ActiveForm,
    CategoryForm,
    KeyForm,
    NewUserForm,
    NotificationsForm,
    RoleForm,
    SettingsForm,
    TagForm,
    TestMailForm,
);
