//! Saved replies (`/replies`): the team's answers to the same questions, for agents and
//! admins. Deleting asks first (a page of its own: pages work without JavaScript).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::ticket_list::FormErrors;
use super::{Checked, CsrfForm, Layout, Staff, Visitor};
use crate::AppState;
use crate::routes::Routes;
use crate::tickets::saved_replies::{PLACEHOLDERS, SavedReply};
use crate::tickets::{Actor, CoreError};
use crate::web::error::{WebError, WebResult};

pub fn router() -> Routes {
    Routes::new()
        .route("/replies", get(list).post(create))
        .route("/replies/{id}", get(edit_page).post(update))
        .route("/replies/{id}/delete", get(delete_page).post(delete))
}

fn parse_id(raw: &str) -> WebResult<i64> {
    raw.parse().map_err(|_| WebError::NotFound)
}

#[derive(Template)]
#[template(path = "replies/list.html")]
struct ListPage {
    layout: Layout,
    replies: Vec<SavedReply>,
    placeholders: [(&'static str, &'static str); 4],
    editing: Option<i64>,
    title: String,
    body: String,
    errors: FormErrors,
    /// The form could not be saved (the database is full): said above the form.
    general: Option<String>,
}

impl ListPage {
    fn preview(&self, body: &str) -> String {
        let mut text: String = body.chars().take(120).collect();
        if body.chars().count() > 120 {
            text.push('…');
        }
        text
    }
}

#[derive(Template)]
#[template(path = "replies/edit.html")]
struct EditPage {
    layout: Layout,
    editing: Option<i64>,
    title: String,
    body: String,
    errors: FormErrors,
    general: Option<String>,
}

#[derive(Template)]
#[template(path = "replies/delete.html")]
struct DeletePage {
    layout: Layout,
    id: i64,
    title: String,
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// A failed save: the form again with what was typed.
enum Failed {
    Invalid(FormErrors),
    /// The database cannot be written now (503).
    Unavailable(crate::i18n::Lang),
}

impl Failed {
    fn from_core(e: CoreError, lang: crate::i18n::Lang) -> Result<Self, WebError> {
        match e {
            CoreError::Invalid(problems) => Ok(Failed::Invalid(FormErrors(problems, lang))),
            e if e.is_unavailable() => Ok(Failed::Unavailable(lang)),
            e => Err(e.into()),
        }
    }

    /// Status, field errors and the message above the form.
    fn parts(self) -> (StatusCode, FormErrors, Option<String>) {
        match self {
            Failed::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            Failed::Unavailable(lang) => (
                StatusCode::SERVICE_UNAVAILABLE,
                FormErrors::default(),
                Some(super::unsaved_text(lang)),
            ),
        }
    }
}

async fn render_list(
    state: &AppState,
    v: Visitor,
    me: &Actor,
    form: Option<(String, String, Failed)>,
) -> WebResult<Response> {
    let replies = state.core.saved_replies(me).await?;
    let (title, body, (status, errors, general)) = match form {
        Some((title, body, failed)) => (title, body, failed.parts()),
        None => (
            String::new(),
            String::new(),
            (StatusCode::OK, FormErrors::default(), None),
        ),
    };
    let page = ListPage {
        layout: v.layout(v.lang.t("replies-title")),
        replies,
        placeholders: PLACEHOLDERS,
        editing: None,
        title,
        body,
        errors,
        general,
    };
    v.page(status, page)
}

async fn list(State(state): State<AppState>, Staff(v, me): Staff) -> WebResult<Response> {
    render_list(&state, v, &me, None).await
}

async fn create(
    State(state): State<AppState>,
    Staff(v, me): Staff,
    Checked(f): Checked<ReplyForm>,
) -> WebResult<Response> {
    match state.core.save_reply(&me, None, &f.title, &f.body).await {
        Ok(_) => Ok(v.redirect_said("/replies", "replies-flash-created", &[])),
        Err(e) => {
            let failed = Failed::from_core(e, v.lang)?;
            render_list(&state, v, &me, Some((f.title, f.body, failed))).await
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    Staff(v, me): Staff,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    let reply = state.core.saved_reply(&me, parse_id(&raw)?).await?;
    let page = EditPage {
        layout: v.layout(v.lang.t("replies-edit-title")),
        editing: Some(reply.id),
        title: reply.title,
        body: reply.body,
        errors: FormErrors::default(),
        general: None,
    };
    v.page(StatusCode::OK, page)
}

async fn update(
    State(state): State<AppState>,
    Staff(v, me): Staff,
    Path(raw): Path<String>,
    Checked(f): Checked<ReplyForm>,
) -> WebResult<Response> {
    let id = parse_id(&raw)?;
    match state
        .core
        .save_reply(&me, Some(id), &f.title, &f.body)
        .await
    {
        Ok(_) => Ok(v.redirect_said("/replies", "replies-flash-saved", &[])),
        Err(e) => {
            let (status, errors, general) = Failed::from_core(e, v.lang)?.parts();
            let page = EditPage {
                layout: v.layout(v.lang.t("replies-edit-title")),
                editing: Some(id),
                title: f.title,
                body: f.body,
                errors,
                general,
            };
            v.page(status, page)
        }
    }
}

async fn delete_page(
    State(state): State<AppState>,
    Staff(v, me): Staff,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    let reply = state.core.saved_reply(&me, parse_id(&raw)?).await?;
    let page = DeletePage {
        layout: v.layout(v.lang.t("replies-delete-title")),
        id: reply.id,
        title: reply.title,
    };
    v.page(StatusCode::OK, page)
}

async fn delete(
    State(state): State<AppState>,
    Staff(v, me): Staff,
    Path(raw): Path<String>,
    Checked(_): Checked<CsrfForm>,
) -> WebResult<Response> {
    state.core.delete_saved_reply(&me, parse_id(&raw)?).await?;
    Ok(v.redirect_said("/replies", "replies-flash-deleted", &[]))
}

super::has_csrf!(ReplyForm,);
