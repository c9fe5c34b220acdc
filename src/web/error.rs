//! The web face's error type and its rendering as a page. Server faults are logged and
//! shown without detail; client mistakes get a clear message and a 4xx status.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

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
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl WebError {
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
            CoreError::OpenTicketLimit { limit } => WebError::TooMany(format!(
                "You already have {limit} open tickets. Close one before opening another."
            )),
            CoreError::TicketClosed => {
                WebError::Conflict("This ticket is closed. Reopen it to add a message.".into())
            }
            CoreError::Stale => WebError::Conflict(
                "The ticket changed while you were editing. Reload it and try again.".into(),
            ),
            CoreError::AlreadyEscalated => {
                WebError::Conflict("This ticket already has a GitHub issue.".into())
            }
            CoreError::NotConfigured => WebError::BadRequest(
                "GitHub integration is not configured: an admin sets it up in Settings.".into(),
            ),
            CoreError::Upstream(e) => WebError::BadGateway(format!(
                "GitHub did not create the issue ({e}). Nothing was changed; try again later."
            )),
            CoreError::Db(e) => e.into(),
        }
    }
}

/// What an error page says, for showing it again inside the layout.
#[derive(Debug, Clone)]
pub struct Shown {
    pub title: &'static str,
    pub message: String,
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
        let shown = Shown {
            title,
            message: message.clone(),
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
