//! The legacy dialect's handlers: each parses its request, calls the core and answers
//! with a shape from `shapes.rs` or a [`Failure`](super::Failure).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Json;
use serde_json::Value;

use super::{paged, query_map};
use crate::AppState;
use crate::attachments::read_form;
use crate::tickets::{
    CategoryRef, CoreError, ListFilter, NewMessage, NewTicket, Priority, Status, TicketKey,
    TicketUpdate, UserRef,
};

use super::*;

// ---- handlers ----

/// Lists support tickets with filters and pagination.
#[utoipa::path(
    get, path = "/support-tickets", tag = "legacy",
    params(
        ("page" = Option<i64>, Query, description = "Page number (default 1)"),
        ("limit" = Option<i64>, Query, description = "Items per page (default 10, at most 100)"),
        ("status" = Option<String>, Query, description = "pending, progress, resolved or cancelled"),
        ("category" = Option<String>, Query, description = "A category slug"),
        ("countByStatus" = Option<bool>, Query, description = "Include counts by status"),
    ),
    responses(
        (status = 200, body = ListData),
        (status = 400, body = LegacyError),
        (status = 401, body = LegacyError),
        (status = 404, description = "No ticket matches", body = LegacyError,
         example = json!({"code": "NotFound", "message": "No support tickets found"})),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer<ListData> {
    let actor = caller(&state, &headers).await?;
    let q = query_map(query.as_deref());
    let (page, limit, mut filter) = paged(&q);
    if let Some(s) = q.get("status").filter(|s| !s.is_empty()) {
        filter.statuses = statuses_for(s).ok_or_else(|| bad("status is invalid"))?;
    }
    if let Some(c) = q.get("category").filter(|s| !s.is_empty()) {
        let all = state.core.categories().await.map_err(core_failure)?;
        filter.category_id = Some(
            all.iter()
                .find(|k| &k.slug == c)
                .ok_or_else(|| bad("category is invalid"))?
                .id,
        );
    }
    let result = state
        .core
        .list_tickets(&actor, &filter)
        .await
        .map_err(core_failure)?;
    if result.items.is_empty() {
        return Err(fail(StatusCode::NOT_FOUND, "No support tickets found"));
    }
    let ids: Vec<i64> = result.items.iter().map(|t| t.id).collect();
    let details = state
        .core
        .details(&actor, &ids)
        .await
        .map_err(core_failure)?;
    let counts = if q
        .get("countByStatus")
        .is_some_and(|v| v == "true" || v == "1")
    {
        let c = state
            .core
            .count_by_status(&actor, &ListFilter::default())
            .await
            .map_err(core_failure)?;
        let pending = c.sum(&[Status::Open, Status::Pending]);
        let progress = c.get(Status::InProgress);
        let resolved = c.sum(&[Status::Resolved, Status::Closed]);
        let cancelled = c.get(Status::Cancelled);
        Some(Counts {
            all: c.total(),
            pending,
            progress,
            resolved,
            cancelled,
            open: pending + progress,
            closed: resolved + cancelled,
        })
    } else {
        None
    };
    Ok(Json(ListData {
        data: details
            .iter()
            .map(|t| ticket_json(t, &state.site.base_url))
            .collect(),
        limit,
        page,
        pages: result.pages(),
        total: result.total,
        counts,
    }))
}

/// One support ticket.
#[utoipa::path(
    get, path = "/support-tickets/{id}", tag = "legacy",
    params(("id" = String, Path, description = "Support ticket ID")),
    responses(
        (status = 200, body = TicketData),
        (status = 401, body = LegacyError),
        (status = 404, body = LegacyError, example = json!({"code": "NotFound", "message": "Support ticket not found"})),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer<TicketData> {
    let actor = caller(&state, &headers).await?;
    let t = state
        .core
        .view_ticket(&actor, &TicketKey::PublicId(id), false)
        .await
        .map_err(core_failure)?;
    Ok(Json(TicketData {
        data: ticket_json(&t, &state.site.base_url),
    }))
}

/// Creates a support ticket with its initial thread(s).
#[utoipa::path(
    post, path = "/support-tickets/insert", tag = "legacy",
    request_body(content = InsertRequest, content_type = "application/json",
        example = json!({"title": "API Integration Issue", "category": "integration",
                         "threads": [{"message": "I'm having trouble integrating with the SmartCheck API", "attachments": []}]})),
    responses(
        (status = 201, body = TicketData),
        (status = 400, body = LegacyError, example = json!({"code": "BadRequest", "message": "title is required"})),
        (status = 401, body = LegacyError),
        (status = 413, body = LegacyError),
        (status = 429, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn insert(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<TicketData>), Failure> {
    let actor = caller(&state, &headers).await?;
    let body = json_body(&headers, body)?;
    let title = opt_string(&body, "title")?
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("title is required"))?;
    let category = opt_string(&body, "category")?
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| bad("category is required"))?;
    let subject = opt_string(&body, "subject")?;
    let api = opt_string(&body, "api")?;
    let threads = match body.get("threads") {
        Some(Value::Array(items)) if !items.is_empty() => items.clone(),
        _ => return Err(bad("threads is required")),
    };
    let mut messages = Vec::with_capacity(threads.len());
    for thread in &threads {
        let message = thread
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty());
        let message = message
            .ok_or_else(|| bad("message is required"))?
            .to_owned();
        let attachments = match thread.get("attachments") {
            None | Some(Value::Null) => Vec::new(),
            other => {
                string_list(other).ok_or_else(|| bad("attachments must be an array of ids"))?
            }
        };
        messages.push((message, attachments));
    }
    let mut messages = messages.into_iter();
    let (description, attachment_ids) = messages.next().unwrap_or_default();
    let ticket = NewTicket {
        title,
        subject,
        description,
        priority: Priority::Medium,
        category: CategoryRef::Slug(category),
        tags: Vec::new(),
        api,
        uploads: Vec::new(),
        links: Vec::new(),
        attachment_ids,
    };
    let followups: Vec<NewMessage> = messages
        .map(|(body, attachment_ids)| NewMessage {
            body,
            attachment_ids,
            ..NewMessage::default()
        })
        .collect();
    let opened = state
        .core
        .open_ticket_with(&actor, ticket, followups)
        .await
        .map_err(core_failure)?;
    let t = state
        .core
        .opened_ticket(&actor, &opened)
        .await
        .map_err(core_failure)?;
    Ok((
        StatusCode::CREATED,
        Json(TicketData {
            data: ticket_json(&t, &state.site.base_url),
        }),
    ))
}

/// Adds a thread message to a support ticket.
#[utoipa::path(
    post, path = "/support-tickets/{id}/thread", tag = "legacy",
    params(("id" = String, Path, description = "Support ticket ID")),
    request_body(content = ThreadInput, content_type = "application/json",
        example = json!({"message": "Thank you for the update. I will investigate this issue.", "attachments": []})),
    responses(
        (status = 201, body = ThreadData),
        (status = 400, body = LegacyError),
        (status = 401, body = LegacyError),
        (status = 404, body = LegacyError),
        (status = 413, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn add_thread(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ThreadData>), Failure> {
    let actor = caller(&state, &headers).await?;
    let body = json_body(&headers, body)?;
    let key = TicketKey::PublicId(id);
    state
        .core
        .ticket_status(&actor, &key)
        .await
        .map_err(core_failure)?;
    let message = opt_string(&body, "message")?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| bad("message is required"))?;
    let attachment_ids = match body.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        other => string_list(other).ok_or_else(|| bad("attachments must be an array of ids"))?,
    };
    let added = state
        .core
        .add_message(
            &actor,
            &key,
            NewMessage {
                body: message,
                attachment_ids,
                ..NewMessage::default()
            },
        )
        .await
        .map_err(core_failure)?;
    let t = state
        .core
        .view_ticket(&actor, &key, false)
        .await
        .map_err(core_failure)?;
    let m = t
        .messages
        .iter()
        .find(|m| m.id == added.id)
        .ok_or_else(ticket_not_found)?;
    Ok((
        StatusCode::CREATED,
        Json(ThreadData {
            data: thread_json(&t, m, &state.site.base_url),
        }),
    ))
}

/// Updates a support ticket.
#[utoipa::path(
    put, path = "/support-tickets/{id}", tag = "legacy",
    params(("id" = String, Path, description = "Support ticket ID")),
    request_body(content = UpdateRequest, content_type = "application/json",
        example = json!({"status": "progress", "subject": "API Integration Issue - In Progress"})),
    responses(
        (status = 200, body = Completed),
        (status = 400, body = LegacyError),
        (status = 401, body = LegacyError),
        (status = 403, description = "assignee or issueUrl by a client, or a status a client may not set", body = LegacyError),
        (status = 404, body = LegacyError),
        (status = 429, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer<Completed> {
    let actor = caller(&state, &headers).await?;
    let body = json_body(&headers, body)?;
    let key = TicketKey::PublicId(id);
    let current = state
        .core
        .ticket_status(&actor, &key)
        .await
        .map_err(core_failure)?;
    let mut update = TicketUpdate {
        title: opt_string(&body, "title")?,
        subject: opt_string(&body, "subject")?,
        api: opt_string(&body, "api")?,
        category: opt_string(&body, "category")?.map(CategoryRef::Slug),
        ..TicketUpdate::default()
    };
    if let Some(status) = opt_string(&body, "status")? {
        update.status = match status.as_str() {
            // pending reopens a finished ticket and leaves an open or pending one alone.
            "pending" if matches!(current, Status::Open | Status::Pending) => None,
            "pending" => Some(Status::Open),
            "progress" => Some(Status::InProgress),
            "resolved" => Some(Status::Resolved),
            "cancelled" => Some(Status::Cancelled),
            _ => return Err(bad("status is invalid")),
        };
    }
    if let Some(value) = body.get("assignee") {
        update.assignee = Some(match value {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(UserRef::PublicId(s.clone())),
            _ => return Err(bad("assignee is invalid")),
        });
    }
    if let Some(value) = body.get("issueUrl") {
        update.issue_url = Some(match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return Err(bad("issueUrl is invalid")),
        });
    }
    match state.core.update_ticket(&actor, &key, update).await {
        Ok(_) => Ok(completed()),
        Err(CoreError::Forbidden) => Err(fail(
            StatusCode::FORBIDDEN,
            "Only Super Admin can make this change",
        )),
        Err(e) => Err(core_failure(e)),
    }
}

/// Deletes a support ticket (clients their own; admins any).
#[utoipa::path(
    delete, path = "/support-tickets/{id}", tag = "legacy",
    params(("id" = String, Path, description = "Support ticket ID")),
    responses(
        (status = 200, body = Completed),
        (status = 401, body = LegacyError),
        (status = 403, body = LegacyError),
        (status = 404, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer<Completed> {
    let actor = caller(&state, &headers).await?;
    state
        .core
        .delete_tickets(&actor, &[TicketKey::PublicId(id)])
        .await
        .map_err(core_failure)?;
    Ok(completed())
}

/// Deletes several support tickets, all or nothing.
#[utoipa::path(
    post, path = "/support-tickets/bulk", tag = "legacy",
    request_body(content = IdsRequest, content_type = "application/json",
        example = json!({"ids": ["507f1f77bcf86cd799439011", "507f1f77bcf86cd799439012"]})),
    responses(
        (status = 200, body = Completed),
        (status = 400, body = LegacyError, example = json!({"code": "BadRequest", "message": "ids is required"})),
        (status = 401, body = LegacyError),
        (status = 403, body = LegacyError),
        (status = 404, body = LegacyError),
        (status = 413, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn bulk_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<Completed> {
    let actor = caller(&state, &headers).await?;
    let body = json_body(&headers, body)?;
    let ids = string_list(body.get("ids"))
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| bad("ids is required"))?;
    let keys: Vec<TicketKey> = ids.into_iter().map(TicketKey::PublicId).collect();
    state
        .core
        .delete_tickets(&actor, &keys)
        .await
        .map_err(core_failure)?;
    Ok(completed())
}

/// Marks threads as seen, all or nothing.
#[utoipa::path(
    put, path = "/support-tickets/threads/seen", tag = "legacy",
    request_body(content = ThreadIdsRequest, content_type = "application/json",
        example = json!({"threadIds": ["507f1f77bcf86cd799439013", "507f1f77bcf86cd799439014"]})),
    responses(
        (status = 200, body = Completed),
        (status = 400, body = LegacyError, example = json!({"code": "BadRequest", "message": "threadIds is required"})),
        (status = 401, body = LegacyError),
        (status = 404, body = LegacyError),
        (status = 413, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn mark_seen(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<Completed> {
    let actor = caller(&state, &headers).await?;
    let body = json_body(&headers, body)?;
    let ids = string_list(body.get("threadIds"))
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| bad("threadIds is required"))?;
    match state.core.mark_messages_seen(&actor, &ids).await {
        Ok(()) => Ok(completed()),
        Err(CoreError::NotFound) => Err(fail(StatusCode::NOT_FOUND, "Thread not found")),
        Err(e) => Err(core_failure(e)),
    }
}

/// Creates a GitHub issue from a support ticket (Super Admin only).
#[utoipa::path(
    post, path = "/support-tickets/{id}/github-issue", tag = "legacy",
    params(("id" = String, Path, description = "Support ticket ID")),
    responses(
        (status = 200, body = GithubIssueData),
        (status = 400, body = LegacyError, example = json!({"code": "BadRequest", "message": "Issue already created"})),
        (status = 401, body = LegacyError),
        (status = 403, body = LegacyError,
         example = json!({"code": "Forbidden", "message": "You are not authorized to create a GitHub issue"})),
        (status = 404, body = LegacyError),
        (status = 502, description = "GitHub failed; nothing was stored", body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn github_issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer<GithubIssueData> {
    let actor = caller(&state, &headers).await?;
    match state
        .core
        .create_github_issue(&actor, &TicketKey::PublicId(id), &state.site.base_url)
        .await
    {
        Ok(issue) => {
            let issue_url = issue.html_url.clone();
            let github_issue = serde_json::to_value(&issue).unwrap_or_default();
            Ok(Json(GithubIssueData {
                data: GithubIssueBody {
                    github_issue,
                    issue_url,
                },
            }))
        }
        Err(CoreError::Forbidden) => Err(fail(
            StatusCode::FORBIDDEN,
            "You are not authorized to create a GitHub issue",
        )),
        Err(e) => Err(core_failure(e)),
    }
}

/// Uploads a file (field `file`, at most 2 MiB) for a later thread to reference by `_id`.
#[utoipa::path(
    post, path = "/attachments", tag = "legacy",
    request_body(content_type = "multipart/form-data", description = "A `file` part of at most 2 MiB"),
    responses(
        (status = 201, body = AttachmentData),
        (status = 400, body = LegacyError),
        (status = 401, body = LegacyError),
        (status = 413, body = LegacyError),
    ),
    security(("bearer" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentData>), Failure> {
    let actor = caller(&state, &headers).await?;
    let multipart =
        multipart.map_err(|_| bad("Request must be multipart/form-data with a file field"))?;
    let mut form = read_form(multipart)
        .await
        .map_err(|e| fail(e.status(), e.to_string()))?;
    if form.too_big.iter().any(|(name, _)| name == "file") {
        return Err(bad("file is too large (max 2 MiB)"));
    }
    let file = form
        .take_files("file")
        .into_iter()
        .next()
        .ok_or_else(|| bad("file is required"))?;
    let meta = state
        .core
        .upload_unattached(&actor, file)
        .await
        .map_err(core_failure)?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentData {
            data: attachment_json(&meta, &state.site.base_url),
        }),
    ))
}
