//! The legacy dialect (seed 001): tickets with threads, seen markers and GitHub escalation,
//! errors as `{"code": "BadRequest|NotFound|...", "message": "..."}`.
//!
//! `mod.rs` holds the routes, the error shape and what every handler shares; `shapes.rs`
//! the JSON documents and their mapping from the core's model; `handlers.rs` the handlers.

pub mod handlers;
mod shapes;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post, put};
use serde_json::Value;

use super::{Bearer, bearer, paged, query_map};
use crate::AppState;
use crate::attachments::UPLOAD_BODY_LIMIT;
use crate::routes::Routes;
use crate::tickets::{Actor, CoreError, Field, Problem};

use handlers::*;
pub use shapes::*;

pub fn router() -> Routes {
    Routes::new()
        .route("/support-tickets", get(list))
        .route("/support-tickets/insert", post(insert))
        .route("/support-tickets/bulk", post(bulk_delete))
        .route("/support-tickets/threads/seen", put(mark_seen))
        .route(
            "/support-tickets/{id}",
            get(show).put(update).delete(remove),
        )
        .route("/support-tickets/{id}/thread", post(add_thread))
        .route("/support-tickets/{id}/github-issue", post(github_issue))
        .route(
            "/attachments",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
}

// ---- errors ----

pub struct Failure(StatusCode, &'static str, String);

fn fail(status: StatusCode, message: impl Into<String>) -> Failure {
    let code = match status {
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::FORBIDDEN => "Forbidden",
        StatusCode::UNAUTHORIZED => "Unauthorized",
        StatusCode::TOO_MANY_REQUESTS => "TooManyRequests",
        StatusCode::BAD_GATEWAY => "BadGateway",
        StatusCode::PAYLOAD_TOO_LARGE => "PayloadTooLarge",
        StatusCode::INTERNAL_SERVER_ERROR => "InternalServerError",
        StatusCode::SERVICE_UNAVAILABLE => "ServiceUnavailable",
        _ => "BadRequest",
    };
    Failure(status, code, message.into())
}

fn bad(message: impl Into<String>) -> Failure {
    fail(StatusCode::BAD_REQUEST, message)
}

fn ticket_not_found() -> Failure {
    fail(StatusCode::NOT_FOUND, "Support ticket not found")
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let Failure(status, code, message) = self;
        (
            status,
            Json(LegacyError {
                code: code.into(),
                message,
            }),
        )
            .into_response()
    }
}

/// The core's refusals in this dialect's words.
fn core_failure(e: CoreError) -> Failure {
    match e {
        CoreError::NotFound => ticket_not_found(),
        CoreError::Forbidden => fail(
            StatusCode::FORBIDDEN,
            "You are not authorized to perform this action",
        ),
        CoreError::Invalid(list) => bad(list.first().map(field_message).unwrap_or_default()),
        CoreError::OpenTicketLimit { limit } => fail(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Open ticket limit of {limit} reached"),
        ),
        CoreError::TicketClosed => bad("Support ticket is closed"),
        CoreError::Stale => fail(
            StatusCode::CONFLICT,
            "Support ticket was changed; try again",
        ),
        CoreError::AlreadyEscalated => bad("Issue already created"),
        CoreError::NotConfigured => bad("GitHub integration is not configured"),
        CoreError::Upstream(e) => fail(
            StatusCode::BAD_GATEWAY,
            format!("GitHub request failed: {e}"),
        ),
        CoreError::Db(e) if crate::db::is_unavailable(&e) => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service cannot save changes right now; nothing was saved. Try again later",
        ),
        CoreError::Db(e) => {
            tracing::error!(error = %e, "legacy request failed");
            fail(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
        }
    }
}

fn field_message(e: &crate::tickets::FieldError) -> String {
    let field = match e.field {
        Field::Description | Field::Message => "message",
        Field::IssueUrl => "issueUrl",
        other => other.as_str(),
    };
    match &e.problem {
        Problem::Required => format!("{field} is required"),
        Problem::TooLong { max } => format!("{field} must be at most {max} characters"),
        Problem::TooMany { max } => format!("{field} may have at most {max} items"),
        Problem::FileTooBig { .. } => "file is too large (max 2 MiB)".into(),
        Problem::Invalid | Problem::Unknown | Problem::Taken => format!("{field} is invalid"),
        Problem::Nul => format!("{field} must not contain NUL characters"),
    }
}

type Answer<T> = Result<Json<T>, Failure>;

async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, Failure> {
    match bearer(state, headers).await {
        Ok(Bearer::User(actor)) => Ok(actor),
        Ok(_) => Err(fail(StatusCode::UNAUTHORIZED, "Authentication required")),
        Err(e) => Err(core_failure(e.into())),
    }
}

/// The JSON object of a request body, or the dialect's 400.
fn json_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Value, Failure> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            fail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
        } else {
            bad("Invalid request body")
        }
    })?;
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
    if body.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Object(_)) if json_type => Ok(v),
        _ => Err(bad("Request body must be a JSON object")),
    }
}

fn opt_string(body: &Value, name: &str) -> Result<Option<String>, Failure> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{name} must be a string"))),
    }
}

fn string_list(value: Option<&Value>) -> Option<Vec<String>> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}
