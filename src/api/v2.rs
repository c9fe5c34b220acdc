//! The v2 dialect (seeds 000, 002 and 003): JSON tickets with priority, tags and URL
//! attachments, errors as `{"error": <human text>, "message": <CODE>}` with the text in
//! English or Spanish by `Accept-Language` (codes never change).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Bearer, bearer, paged, query_map};
use crate::AppState;
use crate::clock::iso_seconds;
pub use crate::i18n::Lang;
use crate::routes::Routes;
use crate::tickets::{
    Actor, CategoryRef, CoreError, LinkAttachment, NewTicket, Priority, Status, TicketDetail,
    TicketKey,
};

pub fn router() -> Routes {
    Routes::new()
        .route("/v2/support-tickets", get(list).post(create))
        .route("/v2/support-tickets/{id}", get(show))
}

/// A support ticket (seed 002).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "_id": "65a4f1c2e4b0a1b2c3d4e5f6", "title": "API Integration Issue",
    "description": "Having trouble integrating the biometric validation API.",
    "status": "open", "priority": "high", "category": "technical",
    "client": "65a4f1c2e4b0a1b2c3d4e5f7", "assignedTo": null,
    "threads": [{"author": "65a4f1c2e4b0a1b2c3d4e5f7", "message": "Having trouble integrating the biometric validation API.", "timestamp": "2024-01-15T10:30:00Z", "type": "user"}],
    "attachments": [{"filename": "error_logs.txt", "url": "https://storage.verifik.co/attachments/error_logs.txt", "size": 1024, "type": "text/plain"}],
    "tags": ["api", "authentication", "biometric"], "resolution": null,
    "createdAt": "2024-01-15T10:30:00Z", "updatedAt": "2024-01-15T10:30:00Z", "resolvedAt": null
}))]
pub struct V2Ticket {
    #[serde(rename = "_id")]
    pub id: String,
    pub title: String,
    pub description: String,
    /// `open`, `pending`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    /// `low`, `medium`, `high` or `urgent`.
    pub priority: String,
    pub category: String,
    /// The id of the client who opened the ticket.
    pub client: String,
    #[serde(rename = "assignedTo")]
    pub assigned_to: Option<String>,
    pub threads: Vec<V2Thread>,
    pub attachments: Vec<V2Attachment>,
    pub tags: Vec<String>,
    pub resolution: Option<String>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    #[serde(rename = "resolvedAt")]
    pub resolved_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct V2Thread {
    pub author: String,
    pub message: String,
    pub timestamp: String,
    /// `user` for the customer's messages, `agent` for staff replies.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct V2Attachment {
    pub filename: String,
    pub url: String,
    pub size: i64,
    #[serde(rename = "type")]
    pub content_type: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct V2TicketResponse {
    pub success: bool,
    pub data: V2Ticket,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct V2ListResponse {
    pub success: bool,
    pub data: Vec<V2Ticket>,
    pub page: i64,
    pub limit: i64,
    pub total: i64,
    pub pages: i64,
}

/// The body of `POST /v2/support-tickets` (seed 000).
#[derive(Debug, serde::Deserialize, ToSchema)]
#[schema(example = json!({
    "title": "API Integration Issue",
    "description": "Having trouble integrating the biometric validation API. Getting 401 errors when trying to authenticate.",
    "priority": "high", "category": "technical", "tags": ["api", "authentication", "biometric"],
    "attachments": [{"filename": "error_logs.txt", "url": "https://storage.verifik.co/attachments/error_logs.txt", "size": 1024, "type": "text/plain"}]
}))]
#[allow(dead_code)]
pub struct V2CreateRequest {
    /// 1 to 500 characters.
    title: String,
    /// 1 to 50,000 characters.
    description: String,
    #[schema(pattern = "^(low|medium|high|urgent)$")]
    priority: String,
    /// A category slug: technical, billing, account, feature_request, general, integration,
    /// smartCheck, smartScan, smartEnroll, smartAccess, other.
    category: String,
    /// At most 20 tags of 1 to 50 characters.
    tags: Option<Vec<String>>,
    /// At most 10 links (never fetched by the server); `http` or `https` only.
    attachments: Option<Vec<V2AttachmentInput>>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct V2AttachmentInput {
    filename: String,
    url: String,
    size: Option<i64>,
    #[serde(rename = "type")]
    content_type: Option<String>,
}

/// An error: human text (English or Spanish) and a stable code.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "Title is required", "message": "TITLE_REQUIRED"}))]
pub struct V2Error {
    pub error: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    TitleRequired,
    TitleTooLong,
    DescriptionRequired,
    DescriptionTooLong,
    PriorityRequired,
    InvalidPriority,
    CategoryRequired,
    InvalidCategory,
    InvalidTags,
    InvalidAttachments,
    InvalidStatus,
    InvalidJson,
    Unauthorized,
    NotFound,
    OpenTicketLimit,
    /// The database cannot take writes now (disk full, I/O error).
    Unavailable,
}

impl Code {
    fn status(self) -> StatusCode {
        match self {
            Code::Unauthorized => StatusCode::UNAUTHORIZED,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::OpenTicketLimit => StatusCode::TOO_MANY_REQUESTS,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Code::TitleRequired => "TITLE_REQUIRED",
            Code::TitleTooLong => "TITLE_TOO_LONG",
            Code::DescriptionRequired => "DESCRIPTION_REQUIRED",
            Code::DescriptionTooLong => "DESCRIPTION_TOO_LONG",
            Code::PriorityRequired => "PRIORITY_REQUIRED",
            Code::InvalidPriority => "INVALID_PRIORITY",
            Code::CategoryRequired => "CATEGORY_REQUIRED",
            Code::InvalidCategory => "INVALID_CATEGORY",
            Code::InvalidTags => "INVALID_TAGS",
            Code::InvalidAttachments => "INVALID_ATTACHMENTS",
            Code::InvalidStatus => "INVALID_STATUS",
            Code::InvalidJson => "INVALID_JSON",
            Code::Unauthorized => "UNAUTHORIZED",
            Code::NotFound => "NOT_FOUND",
            Code::OpenTicketLimit => "OPEN_TICKET_LIMIT",
            Code::Unavailable => "SERVICE_UNAVAILABLE",
        }
    }

    fn text(self, lang: Lang) -> &'static str {
        let (en, es) = match self {
            Code::TitleRequired => ("Title is required", "El título es requerido"),
            Code::TitleTooLong => (
                "Title must be at most 500 characters",
                "El título debe tener como máximo 500 caracteres",
            ),
            Code::DescriptionRequired => ("Description is required", "La descripción es requerida"),
            Code::DescriptionTooLong => (
                "Description must be at most 50000 characters",
                "La descripción debe tener como máximo 50000 caracteres",
            ),
            Code::PriorityRequired => ("Priority is required", "La prioridad es requerida"),
            Code::InvalidPriority => ("Invalid priority level", "Nivel de prioridad inválido"),
            Code::CategoryRequired => ("Category is required", "La categoría es requerida"),
            Code::InvalidCategory => ("Invalid category", "Categoría inválida"),
            Code::InvalidTags => (
                "Tags must be an array of at most 20 strings of 1 to 50 characters",
                "Las etiquetas deben ser un arreglo de hasta 20 textos de 1 a 50 caracteres",
            ),
            Code::InvalidAttachments => (
                "Attachments must be an array of at most 10 objects with a filename and an http(s) url",
                "Los adjuntos deben ser un arreglo de hasta 10 objetos con filename y una url http(s)",
            ),
            Code::InvalidStatus => ("Invalid status", "Estado inválido"),
            Code::InvalidJson => (
                "The request body is not valid JSON",
                "El cuerpo de la solicitud no es JSON válido",
            ),
            Code::Unauthorized => ("Authentication required", "Autenticación requerida"),
            Code::NotFound => (
                "Support ticket not found",
                "Ticket de soporte no encontrado",
            ),
            Code::OpenTicketLimit => (
                "Open ticket limit reached",
                "Límite de tickets abiertos alcanzado",
            ),
            Code::Unavailable => (
                "The service cannot save changes right now; nothing was saved. Try again later",
                "El servicio no puede guardar cambios ahora; no se guardó nada. Inténtelo más tarde",
            ),
        };
        if lang == Lang::Es { es } else { en }
    }
}

/// English unless Spanish is preferred over English in `Accept-Language`.
pub fn lang(headers: &HeaderMap) -> Lang {
    Lang::from_headers(headers)
}

/// A failed v2 request.
pub struct Failure(Code, Lang);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let Failure(code, lang) = self;
        let body = V2Error {
            error: code.text(lang).to_owned(),
            message: code.code().to_owned(),
        };
        (code.status(), Json(body)).into_response()
    }
}

/// A failure that is not the client's: 503 when the database cannot take writes now,
/// else 500 (logged, without detail).
fn server_error(e: impl Into<CoreError>, lang: Lang) -> Response {
    let e = e.into();
    if e.is_unavailable() {
        return Failure(Code::Unavailable, lang).into_response();
    }
    tracing::error!(error = %e, "v2 request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(V2Error {
            error: "Internal error".into(),
            message: "INTERNAL".into(),
        }),
    )
        .into_response()
}

/// A refused v2 request, as its response (every handler answers `Answer<T>`).
pub struct Refusal(Response);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.0
    }
}

impl From<Failure> for Refusal {
    fn from(f: Failure) -> Self {
        Refusal(f.into_response())
    }
}

/// Every v2 handler's result: the document, or the refusal in v2's error shape.
type Answer<T> = Result<Json<T>, Refusal>;

/// The core's refusals in v2's words: the one place they are converted. A ticket the
/// caller may not see is not found, like one that does not exist.
fn refused(e: CoreError, lang: Lang) -> Refusal {
    match e {
        CoreError::OpenTicketLimit { .. } => Failure(Code::OpenTicketLimit, lang).into(),
        CoreError::Invalid(list) => {
            let code = match list.first().map(|e| e.field) {
                Some(crate::tickets::Field::Category) => Code::InvalidCategory,
                Some(crate::tickets::Field::Tags) => Code::InvalidTags,
                _ => Code::InvalidAttachments,
            };
            Failure(code, lang).into()
        }
        CoreError::NotFound | CoreError::Forbidden => Failure(Code::NotFound, lang).into(),
        e => Refusal(server_error(e, lang)),
    }
}

async fn caller(state: &AppState, headers: &HeaderMap, lang: Lang) -> Result<Actor, Refusal> {
    match bearer(state, headers).await {
        Ok(Bearer::User(actor)) => Ok(actor),
        Ok(_) => Err(Failure(Code::Unauthorized, lang).into()),
        Err(e) => Err(refused(e.into(), lang)),
    }
}

/// v2 shows cancelled tickets as closed.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Cancelled => "closed",
        other => other.as_str(),
    }
}

fn statuses_for(name: &str) -> Option<Vec<Status>> {
    Some(match name {
        "closed" => vec![Status::Closed, Status::Cancelled],
        other => vec![Status::parse(other).filter(|s| *s != Status::Cancelled)?],
    })
}

/// The ticket object; uploaded files link to their download route on this site.
pub fn ticket_json(t: &TicketDetail, base_url: &str) -> V2Ticket {
    let messages = t.messages.iter().filter(|m| !m.internal);
    let attachments = messages
        .clone()
        .flat_map(|m| m.attachments.iter())
        .chain(t.loose_attachments.iter())
        .map(|a| V2Attachment {
            filename: a.filename.clone(),
            url: a.url.clone().unwrap_or_else(|| {
                format!(
                    "{base_url}/attachments/{}/{}",
                    a.id,
                    crate::http::encode_query(&a.filename)
                )
            }),
            size: a.size,
            content_type: a.content_type.clone(),
        })
        .collect();
    V2Ticket {
        id: t.public_id.clone(),
        title: t.title.clone(),
        description: t.description().to_owned(),
        status: status_name(t.status).to_owned(),
        priority: t.priority.as_str().to_owned(),
        category: t.category_slug.clone(),
        client: t.client.public_id.clone(),
        assigned_to: t.assignee.as_ref().map(|a| a.public_id.clone()),
        threads: messages
            .map(|m| V2Thread {
                author: m.author.public_id.clone(),
                message: m.body.clone(),
                timestamp: iso_seconds(m.created_at),
                kind: if m.by_staff() { "agent" } else { "user" }.to_owned(),
            })
            .collect(),
        attachments,
        tags: t.tags.iter().map(|g| g.name.clone()).collect(),
        resolution: t.resolution.clone(),
        created_at: iso_seconds(t.created_at),
        updated_at: iso_seconds(t.updated_at),
        resolved_at: t.resolved_at.map(iso_seconds),
    }
}

/// A non-blank string field, or `None`.
fn text(body: &Value, name: &str) -> Option<String> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Parses and checks the body in the documented field order; the first failure wins.
async fn parse_create(
    state: &AppState,
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<NewTicket, Code> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
    let body: Value = serde_json::from_slice(bytes).map_err(|_| Code::InvalidJson)?;
    if !json_type || !body.is_object() {
        return Err(Code::InvalidJson);
    }
    let title = text(&body, "title").ok_or(Code::TitleRequired)?;
    if title.chars().count() > crate::tickets::rules::TITLE_MAX {
        return Err(Code::TitleTooLong);
    }
    let description = text(&body, "description").ok_or(Code::DescriptionRequired)?;
    if description.chars().count() > crate::tickets::rules::MESSAGE_MAX {
        return Err(Code::DescriptionTooLong);
    }
    let priority = match body.get("priority") {
        None | Some(Value::Null) => return Err(Code::PriorityRequired),
        Some(Value::String(s)) if s.trim().is_empty() => return Err(Code::PriorityRequired),
        Some(v) => v
            .as_str()
            .and_then(Priority::parse)
            .ok_or(Code::InvalidPriority)?,
    };
    let category = match body.get("category") {
        None | Some(Value::Null) => return Err(Code::CategoryRequired),
        Some(Value::String(s)) if s.trim().is_empty() => return Err(Code::CategoryRequired),
        Some(v) => v.as_str().ok_or(Code::InvalidCategory)?.to_owned(),
    };
    let known = state
        .core
        .categories()
        .await
        .map_err(|_| Code::InvalidCategory)?;
    if !known.iter().any(|c| c.active && c.slug == category) {
        return Err(Code::InvalidCategory);
    }
    let tags = match body.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let tags: Option<Vec<String>> = items
                .iter()
                .map(|t| {
                    t.as_str()
                        .map(str::trim)
                        .filter(|t| !t.is_empty() && t.chars().count() <= 50)
                        .map(str::to_owned)
                })
                .collect();
            tags.filter(|t| t.len() <= 20).ok_or(Code::InvalidTags)?
        }
        Some(_) => return Err(Code::InvalidTags),
    };
    let links = match body.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if items.len() <= 10 => items
            .iter()
            .map(|a| {
                let size = match a.get("size") {
                    None | Some(Value::Null) => Some(0),
                    Some(v) => v.as_i64().filter(|n| *n >= 0),
                }?;
                let content_type = match a.get("type") {
                    None | Some(Value::Null) => Some("application/octet-stream".to_owned()),
                    Some(v) => v.as_str().map(str::to_owned),
                }?;
                Some(LinkAttachment {
                    filename: text(a, "filename")?,
                    url: text(a, "url")?,
                    size,
                    content_type,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or(Code::InvalidAttachments)?,
        Some(_) => return Err(Code::InvalidAttachments),
    };
    Ok(NewTicket {
        title,
        subject: None,
        description,
        priority,
        category: CategoryRef::Slug(category),
        tags,
        api: None,
        uploads: Vec::new(),
        links,
        attachment_ids: Vec::new(),
    })
}

/// Creates a support ticket.
#[utoipa::path(
    post, path = "/v2/support-tickets", tag = "v2",
    request_body(content = V2CreateRequest, content_type = "application/json"),
    params(("Accept-Language" = Option<String>, Header, description = "`es` for Spanish error text")),
    responses(
        (status = 200, description = "Created", body = V2TicketResponse),
        (status = 400, description = "Invalid input (first failing field in documented order)", body = V2Error,
         example = json!({"error": "Invalid priority level", "message": "INVALID_PRIORITY"})),
        (status = 401, description = "Missing or invalid token", body = V2Error),
        (status = 413, description = "Body too large"),
        (status = 429, description = "Open ticket limit reached", body = V2Error),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<V2TicketResponse> {
    let lang = lang(&headers);
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let error = V2Error {
                error: "Request body too large".into(),
                message: "PAYLOAD_TOO_LARGE".into(),
            };
            return Err(Refusal(
                (StatusCode::PAYLOAD_TOO_LARGE, Json(error)).into_response(),
            ));
        }
        Err(_) => return Err(Failure(Code::InvalidJson, lang).into()),
    };
    let actor = caller(&state, &headers, lang).await?;
    let input = parse_create(&state, &headers, &body)
        .await
        .map_err(|code| Failure(code, lang))?;
    let opened = state
        .core
        .open_ticket(&actor, input)
        .await
        .map_err(|e| refused(e, lang))?;
    let t = state
        .core
        .opened_ticket(&actor, &opened)
        .await
        .map_err(|e| refused(e, lang))?;
    Ok(Json(V2TicketResponse {
        success: true,
        data: ticket_json(&t, &state.site.base_url),
    }))
}

/// Lists the caller's tickets (all tickets for staff), newest first.
#[utoipa::path(
    get, path = "/v2/support-tickets", tag = "v2",
    params(
        ("page" = Option<i64>, Query, description = "1-based page (default 1)"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 10)"),
        ("status" = Option<String>, Query, description = "open, pending, in_progress, resolved or closed"),
        ("priority" = Option<String>, Query, description = "low, medium, high or urgent"),
        ("category" = Option<String>, Query, description = "A category slug"),
    ),
    responses(
        (status = 200, body = V2ListResponse),
        (status = 400, description = "Invalid filter", body = V2Error),
        (status = 401, body = V2Error),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer<V2ListResponse> {
    let lang = lang(&headers);
    let actor = caller(&state, &headers, lang).await?;
    let q = query_map(query.as_deref());
    let (page, limit, mut filter) = paged(&q);
    if let Some(s) = q.get("status").filter(|s| !s.is_empty()) {
        filter.statuses = statuses_for(s).ok_or(Failure(Code::InvalidStatus, lang))?;
    }
    if let Some(p) = q.get("priority").filter(|s| !s.is_empty()) {
        filter.priority = Some(Priority::parse(p).ok_or(Failure(Code::InvalidPriority, lang))?);
    }
    if let Some(c) = q.get("category").filter(|s| !s.is_empty()) {
        let all = state
            .core
            .categories()
            .await
            .map_err(|e| refused(e, lang))?;
        let k = all
            .iter()
            .find(|k| &k.slug == c)
            .ok_or(Failure(Code::InvalidCategory, lang))?;
        filter.category_id = Some(k.id);
    }
    let result = state
        .core
        .list_tickets(&actor, &filter)
        .await
        .map_err(|e| refused(e, lang))?;
    let ids: Vec<i64> = result.items.iter().map(|t| t.id).collect();
    let details = state
        .core
        .details(&actor, &ids)
        .await
        .map_err(|e| refused(e, lang))?;
    Ok(Json(V2ListResponse {
        success: true,
        data: details
            .iter()
            .map(|t| ticket_json(t, &state.site.base_url))
            .collect(),
        page,
        limit,
        total: result.total,
        pages: result.pages(),
    }))
}

/// One ticket by id.
#[utoipa::path(
    get, path = "/v2/support-tickets/{id}", tag = "v2",
    params(("id" = String, Path, description = "The ticket's `_id`")),
    responses(
        (status = 200, body = V2TicketResponse),
        (status = 401, body = V2Error),
        (status = 404, description = "Missing, or not the caller's", body = V2Error,
         example = json!({"error": "Support ticket not found", "message": "NOT_FOUND"})),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer<V2TicketResponse> {
    let lang = lang(&headers);
    let actor = caller(&state, &headers, lang).await?;
    let t = state
        .core
        .view_ticket(&actor, &TicketKey::PublicId(id), false)
        .await
        .map_err(|e| refused(e, lang))?;
    Ok(Json(V2TicketResponse {
        success: true,
        data: ticket_json(&t, &state.site.base_url),
    }))
}
