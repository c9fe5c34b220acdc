//! The web face's error type and its rendering as a page. Server faults are logged and
//! shown without detail; client mistakes get a clear message and a 4xx status.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::i18n::{Arg, Lang};
use crate::tickets::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("Page not found")]
    NotFound,
    #[error("You are not allowed to do that")]
    Forbidden,
    #[error("Please log in")]
    LoginRequired { next: String },
    #[error("The form expired or came from another site. Go back, reload the page and try again.")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooMany(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    BadGateway(String),
    /// The database cannot take writes now (disk full, I/O error): nothing was saved, and
    /// the same request will work once the operator has made room.
    #[error("{UNAVAILABLE}")]
    Unavailable,
    /// A refusal worded in the translation files (sentence id and arguments), shown in the
    /// reader's language.
    #[error("{}", Lang::En.t_with(.1, .2))]
    Said(StatusCode, &'static str, Vec<(&'static str, Arg)>),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl WebError {
    /// What the error says, in `lang` (for a message shown above a form).
    pub fn message_in(&self, lang: Lang) -> String {
        match self {
            WebError::Said(_, id, args) => lang.t_with(id, args),
            other => other.to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            WebError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Said(status, ..) => *status,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// What a page says when a write could not be saved.
pub const UNAVAILABLE: &str = "The help desk cannot save changes right now (its storage is full or failing). \
     Nothing was saved. Please try again in a few minutes.";

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&e) {
            tracing::error!(error = %e, "database unavailable");
            WebError::Unavailable
        } else if crate::db::is_unstorable_text(&e) {
            // Text the core does not check (a login's email, say) reached PostgreSQL.
            WebError::BadRequest(
                "The text sent contains a NUL character, which is not allowed.".into(),
            )
        } else {
            WebError::Internal(e.into())
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(e.into())
    }
}

impl From<CoreError> for WebError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::NotFound => WebError::NotFound,
            CoreError::Forbidden => WebError::Forbidden,
            CoreError::Invalid(errors) => WebError::BadRequest(
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            CoreError::OpenTicketLimit { limit } => WebError::Said(
                StatusCode::TOO_MANY_REQUESTS,
                "error-open-limit",
                vec![("limit", limit.into())],
            ),
            CoreError::TicketClosed => {
                WebError::Said(StatusCode::CONFLICT, "error-ticket-closed", Vec::new())
            }
            CoreError::Stale => WebError::Said(StatusCode::CONFLICT, "error-stale", Vec::new()),
            CoreError::AlreadyEscalated => {
                WebError::Said(StatusCode::CONFLICT, "error-escalated", Vec::new())
            }
            CoreError::NotConfigured => {
                WebError::Said(StatusCode::BAD_REQUEST, "error-github-off", Vec::new())
            }
            CoreError::Upstream(e) => WebError::Said(
                StatusCode::BAD_GATEWAY,
                "error-github-failed",
                vec![("cause", e.to_string().into())],
            ),
            CoreError::Db(e) => e.into(),
        }
    }
}

/// What an error page says, for showing it again inside the layout, in the reader's
/// language: the sentence's id and arguments where it has one.
#[derive(Debug, Clone)]
pub struct Shown {
    pub status: StatusCode,
    pub message: String,
    pub said: Option<(&'static str, Vec<(&'static str, Arg)>)>,
}

impl Shown {
    /// The page's heading, in `lang`.
    pub fn title(&self, lang: Lang) -> String {
        lang.t(&format!("error-title-{}", self.status.as_u16()))
    }

    /// The message, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match &self.said {
            Some((id, args)) => lang.t_with(id, args),
            None => self.message.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
    css: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::LoginRequired { next } = &self {
            let target = format!("/login?next={}", crate::http::encode_query(next));
            return Redirect::to(&target).into_response();
        }
        let status = self.status();
        let message = match &self {
            WebError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                "Something went wrong on our side. Please try again in a moment.".to_owned()
            }
            other => other.to_string(),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let said = match &self {
            WebError::NotFound => Some(("error-not-found", Vec::new())),
            WebError::Forbidden => Some(("error-forbidden", Vec::new())),
            WebError::Csrf => Some(("error-csrf", Vec::new())),
            WebError::Unavailable => Some(("error-unavailable", Vec::new())),
            WebError::Internal(_) => Some(("error-internal", Vec::new())),
            WebError::Said(_, id, args) => Some((*id, args.clone())),
            _ => None,
        };
        let shown = Shown {
            status,
            message: message.clone(),
            said,
        };
        let page = ErrorPage {
            title,
            message,
            css: crate::web::assets::stylesheet_url(),
        };
        // A bare page, which `web::errors_in_layout` puts inside the layout (with the
        // visitor's navigation) on the way out.
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.message).into_response(),
        };
        response.extensions_mut().insert(shown);
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;
