//! One ticket's page: the thread, the reply form, closing and reopening, and for staff the
//! side panel (status, priority, category, tags, assignee, resolution), the history and
//! GitHub escalation. Changes made on a stale page are not applied silently.

use std::sync::Arc;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::ticket_list::{FormErrors, too_big_errors, upload_error};
use super::{Checked, CsrfForm, Layout, Staff, User, Visitor};
use crate::AppState;
use crate::attachments::{UPLOAD_BODY_LIMIT, read_form};
use crate::clock::now_ms;
use crate::i18n::{Lang, Named};
use crate::routes::Routes;
use crate::tickets::rules::split_tags;
use crate::tickets::{
    Actor, Catalog, CategoryRef, CoreError, Event, MessageView, NewMessage, Priority, Status,
    TagSet, TicketDetail, TicketKey, TicketUpdate, UserRef,
};
use crate::web::error::{WebError, WebResult};

pub fn router() -> Routes {
    Routes::new()
        .route("/tickets/{number}", get(show))
        .route(
            "/tickets/{number}/reply",
            post(reply).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/tickets/{number}/status", post(set_status))
        .route("/tickets/{number}/update", post(update))
        .route("/tickets/{number}/github", post(github))
        .route("/tickets/{number}/delete", get(delete_page).post(delete))
}

/// The staff side panel: the values its form shows, the choices, and the history.
pub struct Panel {
    /// The pickers' options.
    catalog: Arc<Catalog>,
    history: Vec<Event>,
    status: String,
    priority: String,
    category: i64,
    tags: String,
    assignee: Option<i64>,
    resolution: String,
}

impl Panel {
    fn priorities(&self) -> [Priority; 4] {
        Priority::ALL
    }
    fn statuses(&self) -> [Status; 6] {
        Status::ALL
    }
    fn is_assignee(&self, id: &i64) -> bool {
        self.assignee == Some(*id)
    }

    /// A history line after its author's name (see [`describe`]).
    fn describe(&self, e: &Event, lang: &Lang) -> String {
        describe(e, *lang)
    }
}

/// A history line after its author's name, with a verb and the values as the pages name
/// them: "changed the status from Open to Pending", "assigned it to Ann".
fn describe(e: &Event, lang: Lang) -> String {
    let named = |id: String| lang.t(&id);
    let status = |v: &str| Status::parse(v).map_or(v.to_owned(), |s| named(s.name_id()));
    let priority = |v: &str| Priority::parse(v).map_or(v.to_owned(), |p| named(p.name_id()));
    // The core names categories and assignees already.
    let as_is = |v: &str| v.to_owned();
    let (from, to) = (
        e.from.as_deref().filter(|v| !v.is_empty()),
        e.to.as_deref().filter(|v| !v.is_empty()),
    );
    let change = |what: &str, name: &dyn Fn(&str) -> String| {
        let what = lang.t(&format!("history-field-{what}"));
        match (from, to) {
            (Some(f), Some(t)) => lang.t_with(
                "history-changed-from-to",
                &[
                    ("what", what.into()),
                    ("from", name(f).into()),
                    ("to", name(t).into()),
                ],
            ),
            (None, Some(t)) => lang.t_with(
                "history-set-to",
                &[("what", what.into()), ("to", name(t).into())],
            ),
            (Some(f), None) => lang.t_with(
                "history-cleared",
                &[("what", what.into()), ("from", name(f).into())],
            ),
            (None, None) => lang.t_with("history-changed", &[("what", what.into())]),
        }
    };
    let quoted = |v: &str| format!("“{v}”");
    match e.kind.as_str() {
        "created" => lang.t("history-created"),
        "deleted" => lang.t("history-deleted"),
        "restored" => lang.t("history-restored"),
        "status" => change("status", &status),
        "priority" => change("priority", &priority),
        "category" => change("category", &as_is),
        "assignee" => match to {
            Some(t) => lang.t_with("history-assigned", &[("name", t.into())]),
            None => lang.t("history-unassigned"),
        },
        "title" => change("title", &quoted),
        "subject" => change("subject", &quoted),
        "tags" => change("tags", &quoted),
        "resolution" => change("resolution", &quoted),
        "issue_url" => change("issue-url", &quoted),
        other => lang.t_with(
            "history-changed",
            &[("what", other.replace('_', " ").into())],
        ),
    }
}

#[derive(Template)]
#[template(path = "tickets/show.html")]
struct ShowPage {
    layout: Layout,
    t: TicketDetail,
    /// Saved replies that can be inserted (staff): id, title.
    saved: Vec<(i64, String)>,
    /// "Create GitHub issue" is offered only where GitHub is configured.
    github_on: bool,
    message: String,
    internal: bool,
    errors: FormErrors,
    general: Option<String>,
    /// What changed since the page the staff member submitted from was loaded.
    stale: Vec<String>,
    panel: Option<Panel>,
    loaded_at: i64,
}

impl ShowPage {
    /// A message from the other side that was not seen before this visit.
    fn is_new(&self, m: &MessageView) -> bool {
        let mine = self
            .layout
            .user
            .as_ref()
            .is_some_and(|u| u.id == m.author.id);
        m.seen_at.is_none() && !m.internal && !mine
    }
    /// Long threads show their first message and the latest ones; the messages between
    /// are folded into a `<details>` (no script needed). The range of the folded ones,
    /// empty for a short thread; a message new to the reader is never folded.
    fn folded(&self) -> (usize, usize) {
        let n = self.t.messages.len();
        if n <= FOLD_OVER {
            return (0, 0);
        }
        let mut end = n - SHOWN_LAST;
        if let Some(first_new) = self.t.messages.iter().position(|m| self.is_new(m)) {
            end = end.min(first_new);
        }
        if end < 3 { (0, 0) } else { (1, end) }
    }
    /// The ticket's status in lower case, inside a sentence.
    fn status_lower(&self) -> String {
        self.layout.label(&self.t.status).to_lowercase()
    }
    /// Customers cannot write to a closed or cancelled ticket; staff always can.
    fn can_reply(&self) -> bool {
        self.layout.user.as_ref().is_some_and(Actor::is_staff)
            || !matches!(self.t.status, Status::Closed | Status::Cancelled)
    }
}

/// Threads longer than this fold their middle (see `ShowPage::folded`)...
const FOLD_OVER: usize = 10;
/// ...and keep this many latest messages in view.
const SHOWN_LAST: usize = 5;

fn ticket_path(number: i64) -> String {
    format!("/tickets/{number}")
}

/// Ticket numbers in paths are plain integers; anything else is a missing ticket.
fn parse_number(raw: &str) -> WebResult<i64> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

/// Everything the page needs beyond the ticket itself.
#[derive(Default)]
struct Extras {
    /// A saved reply to put into the reply box (staff).
    insert: Option<i64>,
    message: String,
    internal: bool,
    errors: FormErrors,
    general: Option<String>,
    stale: Vec<String>,
    /// Values the staff member submitted, shown again instead of the ticket's.
    submitted: Option<PanelForm>,
}

async fn render(
    state: &AppState,
    v: Visitor,
    user: &Actor,
    number: i64,
    mark_seen: bool,
    status: StatusCode,
    extras: Extras,
) -> WebResult<Response> {
    let key = TicketKey::Number(number);
    let t = state.core.view_ticket(user, &key, mark_seen).await?;
    let panel = if user.is_staff() {
        let mut panel = Panel {
            catalog: state.core.catalog(v.catalog_version).await?,
            history: state.core.history_of(user, &t).await?,
            status: t.status.as_str().to_owned(),
            priority: t.priority.as_str().to_owned(),
            category: t.category_id,
            tags: t
                .tags
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            assignee: t.assignee.as_ref().map(|a| a.id),
            resolution: t.resolution.clone().unwrap_or_default(),
        };
        if let Some(f) = extras.submitted {
            panel.status = f.status;
            panel.priority = f.priority;
            panel.category = f.category.parse().unwrap_or(panel.category);
            panel.tags = f.tags;
            panel.assignee = f.assignee.parse().ok();
            panel.resolution = f.resolution;
        }
        Some(panel)
    } else {
        None
    };
    let (mut message, mut saved, mut github_on) = (extras.message, Vec::new(), false);
    if user.is_staff() {
        github_on = state.core.github_config().await?.is_some();
        let replies = state.core.saved_replies(user).await?;
        if let Some(reply) = extras
            .insert
            .and_then(|id| replies.iter().find(|r| r.id == id))
        {
            if !message.trim().is_empty() {
                message.push_str("\n\n");
            }
            message.push_str(&reply.fill(&t, user));
        }
        saved = replies.into_iter().map(|r| (r.id, r.title)).collect();
    }
    let layout = v.layout(format!("#{} {}", t.number, t.title));
    let page = ShowPage {
        layout,
        t,
        saved,
        github_on,
        message,
        internal: extras.internal,
        errors: extras.errors,
        general: extras.general,
        stale: extras.stale,
        panel,
        loaded_at: now_ms(),
    };
    v.page(status, page)
}

/// What changed on a ticket since `since`, in words, for a staff member whose page was stale.
async fn changes_since(
    state: &AppState,
    user: &Actor,
    number: i64,
    since: i64,
    lang: Lang,
) -> WebResult<Vec<String>> {
    let key = TicketKey::Number(number);
    let mut lines: Vec<String> = state
        .core
        .history(user, &key, Some(since))
        .await?
        .into_iter()
        .map(|e| format!("{} {}.", e.actor, describe(&e, lang)))
        .collect();
    let t = state.core.view_ticket(user, &key, false).await?;
    for m in t.messages.iter().filter(|m| m.created_at > since) {
        let id = if m.internal {
            "stale-added-note"
        } else {
            "stale-added-message"
        };
        lines.push(lang.t_with(id, &[("name", m.author.name.clone().into())]));
    }
    if lines.is_empty() {
        lines.push(lang.t("stale-changed"));
    }
    Ok(lines)
}

/// "Delete ticket" on its page asks first. Who may delete is the core's rule (admins, and
/// customers their own; agents may not), checked here too so the question is not asked in
/// vain.
async fn delete_page(
    State(state): State<AppState>,
    User(v, user): User,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let t = state
        .core
        .view_ticket(&user, &TicketKey::Number(number), false)
        .await?;
    crate::tickets::delete::may_delete(&user)?;
    let page = super::ConfirmPage {
        layout: v.layout(v.lang.t("ticket-delete-title")),
        heading: v
            .lang
            .t_with("ticket-delete-heading", &[("number", number.into())]),
        explanation: v
            .lang
            .t_with("ticket-delete-explanation", &[("title", t.title.into())]),
        items: Vec::new(),
        action: format!("/tickets/{number}/delete"),
        fields: Vec::new(),
        button: v.lang.t("ticket-delete-button"),
        back: ticket_path(number),
    };
    v.page(StatusCode::OK, page)
}

async fn delete(
    State(state): State<AppState>,
    User(v, user): User,
    Path(raw): Path<String>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    state
        .core
        .delete_tickets(&user, &[TicketKey::Number(number)])
        .await?;
    Ok(v.redirect_said(
        "/tickets",
        "flash-ticket-trashed",
        &[("number", number.into())],
    ))
}

#[derive(Deserialize)]
struct ShowQuery {
    /// A saved reply to insert into the reply box.
    insert: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    User(v, user): User,
    Path(raw): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let extras = Extras {
        insert: q.insert.and_then(|i| i.parse().ok()),
        ..Extras::default()
    };
    render(&state, v, &user, number, true, StatusCode::OK, extras).await
}

/// The ticket page with a reply carried through a login (see [`super::draft`]).
pub(super) async fn reply_draft(
    state: &AppState,
    v: Visitor,
    user: &Actor,
    number: i64,
    draft: &super::draft::Draft,
) -> WebResult<Response> {
    // The login has happened: whatever the page says, the new session's cookies must go
    // out with the answer. A ticket this account may not see (another account logged in)
    // leads to their list instead of an error page that would drop them.
    if let Err(CoreError::NotFound | CoreError::Forbidden) = state
        .core
        .view_ticket(user, &TicketKey::Number(number), false)
        .await
    {
        return Ok(v.redirect("/tickets", None));
    }
    let extras = Extras {
        message: draft.draft_message.clone(),
        internal: user.is_staff() && draft.draft_internal == "on",
        ..Extras::default()
    };
    render(state, v, user, number, false, StatusCode::OK, extras).await
}

async fn reply(
    State(state): State<AppState>,
    v: Visitor,
    Path(raw): Path<String>,
    multipart: Multipart,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let mut form = read_form(multipart).await.map_err(upload_error)?;
    let Some(user) = v.user.clone() else {
        let draft = super::draft::Draft::reply(&form);
        return super::account::login_to_continue(&state, v, &ticket_path(number), draft).await;
    };
    v.check_csrf(form.text("csrf").unwrap_or_default())?;
    let body = form.text("message").unwrap_or_default().to_owned();
    let internal = form.text("internal") == Some("on");
    let loaded_at = form.text("loaded_at").and_then(|t| t.parse::<i64>().ok());
    let input = NewMessage {
        body: body.clone(),
        internal,
        uploads: form.take_files("attachments"),
        // Staff pages carry the version they showed; a newer ticket is not answered blindly.
        expected_version: form
            .text("version")
            .and_then(|t| t.parse().ok())
            .filter(|_| user.is_staff()),
        ..NewMessage::default()
    };
    let mut errors = too_big_errors(&form);
    errors.extend(input.check().0);
    let key = TicketKey::Number(number);
    let mut extras = Extras {
        message: body,
        internal,
        ..Extras::default()
    };
    let mut status = StatusCode::CONFLICT;
    if errors.is_empty() {
        match state.core.add_message(&user, &key, input).await {
            Ok(_) => {
                let flash = if internal {
                    "flash-note-added"
                } else {
                    "flash-message-added"
                };
                return Ok(v.redirect_said(&ticket_path(number), flash, &[]));
            }
            Err(CoreError::Invalid(list)) => errors = list,
            Err(e @ CoreError::TicketClosed) => {
                extras.general = Some(WebError::from(e).message_in(v.lang))
            }
            Err(CoreError::Stale) => {
                extras.stale =
                    changes_since(&state, &user, number, loaded_at.unwrap_or(0), v.lang).await?;
            }
            Err(e) => match WebError::from(e) {
                WebError::Unavailable => {
                    extras.general = Some(super::unsaved_text(v.lang));
                    status = StatusCode::SERVICE_UNAVAILABLE;
                }
                other => return Err(other),
            },
        }
    }
    if !errors.is_empty() {
        extras.errors = FormErrors(errors, v.lang);
        status = extras.errors.status();
    }
    render(&state, v, &user, number, false, status, extras).await
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    status: String,
}

/// The Close and Reopen buttons.
async fn set_status(
    State(state): State<AppState>,
    User(v, user): User,
    Path(raw): Path<String>,
    Checked(form): Checked<StatusForm>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let to = Status::parse(&form.status)
        .ok_or_else(|| WebError::BadRequest(v.lang.t("error-choose-status")))?;
    let change = state
        .core
        .change_status(&user, &TicketKey::Number(number), to, None)
        .await?;
    let status = v.lang.t(&crate::i18n::Named::name_id(&to)).to_lowercase();
    let (id, args) = if !change.changed() {
        ("flash-status-already", vec![("status", status.into())])
    } else if to == Status::Open {
        ("flash-reopened", Vec::new())
    } else {
        ("flash-status-now", vec![("status", status.into())])
    };
    Ok(v.redirect_said(&ticket_path(number), id, &args))
}

#[derive(Deserialize, Default)]
struct PanelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    loaded_at: String,
    status: String,
    priority: String,
    category: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    resolution: String,
}

/// The staff side panel's Save.
async fn update(
    State(state): State<AppState>,
    Staff(v, user): Staff,
    Path(raw): Path<String>,
    Checked(form): Checked<PanelForm>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let lang = v.lang;
    let invalid = |what: &str| {
        WebError::BadRequest(lang.t_with(
            "problem-invalid",
            &[("field", lang.t(&format!("field-name-{what}")).into())],
        ))
    };
    let update = TicketUpdate {
        status: Some(Status::parse(&form.status).ok_or_else(|| invalid("status"))?),
        priority: Some(Priority::parse(&form.priority).ok_or_else(|| invalid("priority"))?),
        category: Some(CategoryRef::Id(
            form.category.parse().map_err(|_| invalid("category"))?,
        )),
        tags: Some(TagSet::Names(split_tags(&form.tags))),
        assignee: Some(match form.assignee.as_str() {
            "" | "none" => None,
            id => Some(UserRef::Id(id.parse().map_err(|_| invalid("assignee"))?)),
        }),
        resolution: Some(Some(form.resolution.clone())),
        expected_version: Some(form.version.parse().map_err(|_| invalid("version"))?),
        ..TicketUpdate::default()
    };
    match state
        .core
        .update_ticket(&user, &TicketKey::Number(number), update)
        .await
    {
        Ok(0) => Ok(v.redirect_said(&ticket_path(number), "flash-nothing-changed", &[])),
        Ok(_) => Ok(v.redirect_said(&ticket_path(number), "flash-ticket-updated", &[])),
        Err(CoreError::Stale) => {
            let since = form.loaded_at.parse().unwrap_or(0);
            let stale = changes_since(&state, &user, number, since, v.lang).await?;
            let extras = Extras {
                stale,
                submitted: Some(form),
                ..Extras::default()
            };
            render(
                &state,
                v,
                &user,
                number,
                false,
                StatusCode::CONFLICT,
                extras,
            )
            .await
        }
        Err(CoreError::Invalid(list)) => {
            let errors = FormErrors(list, v.lang);
            let message = errors
                .0
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let extras = Extras {
                general: Some(message),
                submitted: Some(form),
                ..Extras::default()
            };
            render(
                &state,
                v,
                &user,
                number,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// "Create GitHub issue": the same core function as the legacy JSON API.
async fn github(
    State(state): State<AppState>,
    Staff(v, user): Staff,
    Path(raw): Path<String>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    let number = parse_number(&raw)?;
    let issue = state
        .core
        .create_github_issue(&user, &TicketKey::Number(number), &state.site.base_url)
        .await?;
    let flash = v.lang.t_with(
        "flash-github-created",
        &[("number", (issue.number as i64).into())],
    );
    Ok(v.redirect(&ticket_path(number), Some(&flash)))
}

super::has_csrf!(PanelForm, StatusForm,);
