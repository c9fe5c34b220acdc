//! The epixel-style dialect (seed 004): form data in, `{"status_code", "errors", "data"}`
//! out, numeric ids, and the seed's messages word for word (typos included: clients match
//! on them).

pub mod docs;
pub mod handlers;
mod input;

use std::collections::BTreeMap;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::{Bearer, bearer};
use crate::attachments::UPLOAD_BODY_LIMIT;
use crate::routes::Routes;
use crate::tickets::{Actor, CoreError, Field, FieldError, Priority, Problem, Status};

pub use input::Input;

/// Every documented path, with the aliases the seed's sample code uses. Each is served
/// with and without its trailing slash.
const ROUTES: &[(&[&str], Endpoint)] = &[
    (
        &[
            "/api/v1/support/get/category-list",
            "/api/v1/get/support-ticket/catogory-list",
        ],
        Endpoint::Categories,
    ),
    (
        &[
            "/api/v1/support/create/ticket",
            "/api/v1/creat/support/ticket",
        ],
        Endpoint::Create,
    ),
    (
        &[
            "/api/v1/support/get/ticket/history",
            "/api/v1/get/ticket/history",
        ],
        Endpoint::History,
    ),
    (
        &["/api/v1/support/get/ticket/tags", "/api/v1/get/ticket/tags"],
        Endpoint::Tags,
    ),
    (
        &[
            "/api/v1/support/update/ticket",
            "/api/v1/update/support/ticket",
        ],
        Endpoint::Update,
    ),
    (&["/api/v1/support/ticket/detailed-view"], Endpoint::Detail),
    (
        &["/api/v1/support/ticket/conversation"],
        Endpoint::Conversation,
    ),
    // The seed's status URL carries an invisible U+200E before "support"; clients that
    // copied it send it percent-encoded.
    (
        &[
            "/api/v1/support/ticket/status",
            "/api/v1/%E2%80%8Esupport/ticket/status",
        ],
        Endpoint::Status,
    ),
];

#[derive(Clone, Copy)]
enum Endpoint {
    Categories,
    Create,
    History,
    Tags,
    Update,
    Detail,
    Conversation,
    Status,
}

impl Endpoint {
    fn handler(self) -> MethodRouter<AppState> {
        match self {
            Endpoint::Categories => get(handlers::categories),
            Endpoint::Tags => get(handlers::tags),
            Endpoint::History => get(handlers::history),
            Endpoint::Detail => get(handlers::detail),
            Endpoint::Create => post(handlers::create),
            Endpoint::Update => post(handlers::update),
            Endpoint::Conversation => post(handlers::conversation),
            Endpoint::Status => post(handlers::status),
        }
    }
}

pub fn router() -> Routes {
    let mut router = Routes::new();
    for (paths, endpoint) in ROUTES {
        for path in *paths {
            router = router
                .route(path, endpoint.handler())
                .route(&format!("{path}/"), endpoint.handler());
        }
    }
    router
        .route(
            "/api/v1/support/ticket/download/{id}",
            get(handlers::download),
        )
        .route(
            "/api/v1/support/ticket/download/{id}/",
            get(handlers::download),
        )
        .map(|r| r.layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
}

/// The dialect's envelope, for successes and failures alike.
#[derive(Debug, Serialize)]
pub struct Envelope {
    status_code: u16,
    errors: BTreeMap<String, Vec<String>>,
    data: Value,
}

impl Envelope {
    pub fn ok(data: Value) -> Self {
        Envelope {
            status_code: 200,
            errors: BTreeMap::new(),
            data,
        }
    }

    pub fn error(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        let mut errors = Errors::default();
        errors.add(field, message);
        errors.into_envelope(status)
    }
}

impl IntoResponse for Envelope {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status_code).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(self)).into_response()
    }
}

/// Field errors collected so that every failing field is reported at once.
#[derive(Debug, Default)]
pub struct Errors(BTreeMap<String, Vec<String>>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let list = self.0.entry(field.to_owned()).or_default();
        let message = message.into();
        if !list.contains(&message) {
            list.push(message);
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the core's field errors in this dialect's words.
    pub fn add_core(&mut self, errors: &[FieldError]) {
        for e in errors {
            let (field, message) = core_message(e);
            self.add(field, message);
        }
    }

    pub fn into_envelope(self, status: StatusCode) -> Envelope {
        Envelope {
            status_code: status.as_u16(),
            errors: self.0,
            data: json!({}),
        }
    }

    pub fn bad_request(self) -> Envelope {
        self.into_envelope(StatusCode::BAD_REQUEST)
    }
}

pub const REQUIRED: &str = "This field is required.";
pub const BLANK: &str = "This field may not be blank.";
pub const NULL: &str = "This field may not be null.";
pub const NOT_PK: &str = "Incorrect type. Expected pk value, received str.";
pub const TOO_BIG: &str = "File is too big. Max filesize: 2MiB.";
pub const LIMIT: &str = "Currenly Open Ticket Limit Exceed.";

pub fn invalid_pk(field: &str) -> String {
    format!("Invalid pk \"{field}\" - object does not exist.")
}

pub fn not_a_choice(field: &str) -> String {
    format!("\"{field}\" is not a valid choice.")
}

/// The core's field errors in this dialect's words and field names.
fn core_message(e: &FieldError) -> (&'static str, String) {
    let field = match e.field {
        Field::Title | Field::Subject => "subject",
        Field::Description | Field::Message => "comment",
        Field::Attachments => "attachment",
        Field::Category => "category",
        Field::Priority => "priority",
        Field::Tags => "tags",
        Field::Status => "status",
        _ => "non_field_errors",
    };
    let message = match &e.problem {
        Problem::Required => BLANK.to_owned(),
        Problem::TooLong { max } => format!("Ensure this field has no more than {max} characters."),
        Problem::TooMany { max } => format!("Ensure this field has no more than {max} elements."),
        Problem::FileTooBig { .. } => TOO_BIG.to_owned(),
        Problem::Invalid if matches!(e.field, Field::Priority | Field::Status) => {
            not_a_choice(field)
        }
        Problem::Invalid | Problem::Unknown | Problem::Taken => invalid_pk(field),
        Problem::Nul => "Null characters are not allowed.".to_owned(),
    };
    (field, message)
}

/// The answer to the open-ticket limit (the seed's own status and text).
pub fn limit_reached() -> Envelope {
    Envelope::error(StatusCode::UNAUTHORIZED, "non_field_errors", LIMIT)
}

/// Turns a core failure the handler did not map itself into an envelope.
pub fn core_error(e: CoreError) -> Envelope {
    match e {
        CoreError::Invalid(list) => {
            let mut errors = Errors::default();
            errors.add_core(&list);
            errors.bad_request()
        }
        CoreError::OpenTicketLimit { .. } => limit_reached(),
        CoreError::NotFound => {
            Envelope::error(StatusCode::BAD_REQUEST, "ticket", "Ticket id is not valid")
        }
        CoreError::Forbidden => Envelope::error(
            StatusCode::FORBIDDEN,
            "detail",
            "You do not have permission to perform this action.",
        ),
        CoreError::TicketClosed => Envelope::error(
            StatusCode::BAD_REQUEST,
            "ticket",
            "Ticket is already closed",
        ),
        CoreError::Stale => Envelope::error(
            StatusCode::CONFLICT,
            "ticket",
            "Ticket was changed; try again.",
        ),
        CoreError::AlreadyEscalated | CoreError::NotConfigured => {
            Envelope::error(StatusCode::BAD_REQUEST, "ticket", e.to_string())
        }
        CoreError::Upstream(e) => Envelope::error(StatusCode::BAD_GATEWAY, "detail", e),
        CoreError::Db(e) => server_error(e),
    }
}

/// A failure that is not the client's: 503 when the database cannot take writes now,
/// else 500 (logged, without detail).
pub fn server_error(e: impl Into<CoreError>) -> Envelope {
    let e = e.into();
    if e.is_unavailable() {
        return Envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "detail",
            "The service cannot save changes right now; nothing was saved. Try again later.",
        );
    }
    tracing::error!(error = %e, "epixel request failed");
    Envelope::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "detail",
        "A server error occurred.",
    )
}

/// Checks the `apikey` header and, when `user` is wanted, the Bearer token.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    user: bool,
) -> Result<Option<Actor>, Envelope> {
    let unauthorized = |message: &str| Envelope::error(StatusCode::UNAUTHORIZED, "detail", message);
    let Some(key) = headers
        .get("apikey")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    else {
        return Err(unauthorized(
            "Authentication credentials were not provided.",
        ));
    };
    if !state
        .accounts()
        .integration_key_valid(key)
        .await
        .map_err(server_error)?
    {
        return Err(unauthorized("Invalid apikey."));
    }
    if !user {
        return Ok(None);
    }
    match bearer(state, headers).await.map_err(server_error)? {
        Bearer::User(actor) => Ok(Some(actor)),
        Bearer::Missing => Err(unauthorized(
            "Authentication credentials were not provided.",
        )),
        Bearer::Invalid => Err(unauthorized("Invalid token.")),
    }
}

/// `"1"`, `"2"`, `"3"`: low, medium, high (urgent shows as high).
pub fn priority_id(p: Priority) -> &'static str {
    match p {
        Priority::Low => "1",
        Priority::Medium => "2",
        Priority::High | Priority::Urgent => "3",
    }
}

pub fn parse_priority(id: &str) -> Option<Priority> {
    match id.trim() {
        "1" => Some(Priority::Low),
        "2" => Some(Priority::Medium),
        "3" => Some(Priority::High),
        _ => None,
    }
}

/// `"1"` Open (open, pending), `"2"` Processing, `"3"` Closed (resolved, closed, cancelled).
pub fn status_id(s: Status) -> &'static str {
    match s {
        Status::Open | Status::Pending => "1",
        Status::InProgress => "2",
        Status::Resolved | Status::Closed | Status::Cancelled => "3",
    }
}

/// Every canonical status that shows as the given id.
pub fn statuses_for(id: i64) -> Option<Vec<Status>> {
    Some(match id {
        1 => vec![Status::Open, Status::Pending],
        2 => vec![Status::InProgress],
        3 => vec![Status::Resolved, Status::Closed, Status::Cancelled],
        _ => return None,
    })
}
