//! The nine endpoints of seed 004.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::{
    BLANK, Envelope, Errors, Input, NOT_PK, NULL, REQUIRED, TOO_BIG, authenticate, core_error,
    invalid_pk, limit_reached, not_a_choice, parse_priority, priority_id, status_id, statuses_for,
};
use crate::AppState;
use crate::tickets::{
    CategoryRef, CoreError, ListFilter, NewMessage, NewTicket, Order, Status, TagSet, TicketKey,
    TicketUpdate,
};

type Answer = Result<Envelope, Envelope>;

/// A required text field: missing and blank are different errors.
fn required_text<'a>(errors: &mut Errors, input: &'a Input, name: &str) -> Option<&'a str> {
    match input.get(name) {
        None => {
            errors.add(name, REQUIRED);
            None
        }
        Some(v) if v.trim().is_empty() => {
            errors.add(name, BLANK);
            None
        }
        Some(v) => Some(v),
    }
}

/// A ticket id as `update`, `detailed-view` and `status` want it.
fn ticket_number(errors: &mut Errors, input: &Input, name: &str, not_valid: &str) -> Option<i64> {
    match input.get(name).map(str::trim) {
        None | Some("") => {
            errors.add("ticket", "Ticket id is required and this may not be blank.");
            None
        }
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("ticket", not_valid);
                None
            }
        },
    }
}

/// Categories to choose from when creating a ticket (needs only the apikey).
#[utoipa::path(get, path = "/api/v1/support/get/category-list/", tag = "epixel",
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 401, body = super::docs::EnvelopeDoc)), security(("apikey" = [])))]
pub async fn categories(State(state): State<AppState>, headers: HeaderMap) -> Answer {
    authenticate(&state, &headers, false).await?;
    let list: Vec<_> = state
        .core
        .categories()
        .await
        .map_err(core_error)?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| json!({"id": c.id, "category": c.name, "description": c.description}))
        .collect();
    Ok(Envelope::ok(json!({ "CategoryList": list })))
}

/// Tags to choose from when updating a ticket (needs only the apikey).
#[utoipa::path(get, path = "/api/v1/support/get/ticket/tags/", tag = "epixel",
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 401, body = super::docs::EnvelopeDoc)), security(("apikey" = [])))]
pub async fn tags(State(state): State<AppState>, headers: HeaderMap) -> Answer {
    authenticate(&state, &headers, false).await?;
    let list: Vec<_> = state
        .core
        .tags()
        .await
        .map_err(core_error)?
        .into_iter()
        .map(|t| json!({"id": t.id, "tag": t.name, "keyword": t.keyword}))
        .collect();
    Ok(Envelope::ok(json!({ "TicketTagList": list })))
}

/// Creates a support ticket; `data.ticket_id` is its number.
#[utoipa::path(post, path = "/api/v1/support/create/ticket/", tag = "epixel", request_body(content((super::docs::CreateForm = "multipart/form-data"), (super::docs::CreateForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn create(State(state): State<AppState>, headers: HeaderMap, mut input: Input) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let subject = required_text(&mut errors, &input, "subject").map(str::to_owned);
    let comment = required_text(&mut errors, &input, "comment").map(str::to_owned);
    let priority = match input.get("priority").map(str::trim) {
        None | Some("") => {
            errors.add("priority", REQUIRED);
            None
        }
        Some(p) => {
            let parsed = parse_priority(p);
            if parsed.is_none() {
                errors.add("priority", not_a_choice("priority"));
            }
            parsed
        }
    };
    let category = match input.get("category").map(str::trim) {
        None | Some("") => {
            errors.add("category", REQUIRED);
            None
        }
        Some(c) => match c.parse::<i64>() {
            Ok(id) => {
                let known = state.core.categories().await.map_err(core_error)?;
                if !known.iter().any(|k| k.id == id && k.active) {
                    errors.add("category", invalid_pk("category"));
                }
                Some(id)
            }
            Err(_) => {
                errors.add("category", NOT_PK);
                None
            }
        },
    };
    if input.too_big("attachment") {
        errors.add("attachment", TOO_BIG);
    }
    let uploads = input.files("attachment");
    let ticket = NewTicket {
        title: subject.unwrap_or_default(),
        subject: None,
        description: comment.unwrap_or_default(),
        priority: priority.unwrap_or_default(),
        category: CategoryRef::Id(category.unwrap_or_default()),
        tags: Vec::new(),
        api: None,
        uploads,
        links: Vec::new(),
        attachment_ids: Vec::new(),
    };
    if !errors.is_empty() {
        // Report the core's own limits (length, count) for the fields not already wrong.
        let core_problems: Vec<_> = ticket
            .check()
            .0
            .into_iter()
            .filter(|e| !errors.has(super::core_message(e).0))
            .collect();
        errors.add_core(&core_problems);
        return Err(errors.bad_request());
    }
    match state.core.open_ticket(&actor, ticket).await {
        Ok(opened) => Ok(Envelope::ok(json!({ "ticket_id": opened.number }))),
        Err(e) => Err(core_error(e)),
    }
}

/// The caller's tickets, newest first (the last 50 by default).
#[utoipa::path(get, path = "/api/v1/support/get/ticket/history/", tag = "epixel",
    params(("offset" = Option<String>, Query), ("limit" = Option<String>, Query),
           ("subject" = Option<String>, Query, description = "Case-insensitive substring"),
           ("category" = Option<String>, Query, description = "Category id"),
           ("status" = Option<String>, Query, description = "1 (Open), 2 (Processing) or 3 (Closed)")),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn history(State(state): State<AppState>, headers: HeaderMap, input: Input) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let mut number = |name: &str, message: &str| -> Option<i64> {
        let value = input.get(name).map(str::trim).filter(|v| !v.is_empty())?;
        let parsed = value.parse::<i64>().ok().filter(|n| *n >= 0);
        if parsed.is_none() {
            errors.add(name, message);
        }
        parsed
    };
    let category = number("category", "Catogory id is not valid numeric");
    let status = number("status", "Status id is not valid numeric");
    let offset = number("offset", "A valid integer is required.");
    let limit = number("limit", "A valid integer is required.");
    let statuses = match status {
        Some(id) => statuses_for(id).unwrap_or_else(|| {
            errors.add("status", not_a_choice("status"));
            Vec::new()
        }),
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return Err(errors.bad_request());
    }
    let filter = ListFilter {
        statuses,
        category_id: category,
        title_contains: input.get("subject").map(|s| s.trim().to_owned()),
        order: Order::Created,
        offset: offset.unwrap_or(0),
        limit: limit.unwrap_or(50),
        ..ListFilter::default()
    };
    let page = state
        .core
        .list_tickets(&actor, &filter)
        .await
        .map_err(core_error)?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
    let descriptions = state.core.descriptions(&ids).await.map_err(core_error)?;
    let list: Vec<_> = page
        .items
        .iter()
        .map(|t| {
            json!({
                "id": t.number,
                "subject": t.title,
                "priority": priority_id(t.priority()),
                "category": t.category_id,
                "category_title": t.category,
                "comment": descriptions.get(&t.id).cloned().unwrap_or_default(),
                "status": status_id(t.status()),
            })
        })
        .collect();
    Ok(Envelope::ok(json!({ "TicketList": list })))
}

/// Sets a ticket's priority and tags.
#[utoipa::path(post, path = "/api/v1/support/update/ticket/", tag = "epixel", request_body(content((super::docs::UpdateForm = "multipart/form-data"), (super::docs::UpdateForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn update(State(state): State<AppState>, headers: HeaderMap, input: Input) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let number = ticket_number(&mut errors, &input, "ticket_id", "Ticket id is not valid");
    if let Some(n) = number
        && state
            .core
            .ticket_status(&actor, &TicketKey::Number(n))
            .await
            .is_err()
    {
        errors.add("ticket", "Ticket id is not valid");
    }
    let priority = match input
        .get("priority")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => {
            let parsed = parse_priority(p);
            if parsed.is_none() {
                errors.add("priority", not_a_choice("priority"));
            }
            parsed
        }
        None => None,
    };
    let raw_tags = input.list("tags");
    let mut tag_ids = Vec::new();
    if raw_tags.is_empty() {
        errors.add("tags", "This list may not be empty.");
    }
    for raw in &raw_tags {
        match raw.parse::<i64>() {
            Ok(id) => tag_ids.push(id),
            Err(_) => errors.add("tags", NOT_PK),
        }
    }
    if !errors.is_empty() {
        return Err(errors.bad_request());
    }
    let update = TicketUpdate {
        priority,
        tags: Some(TagSet::Ids(tag_ids)),
        ..TicketUpdate::default()
    };
    match state
        .core
        .update_ticket(
            &actor,
            &TicketKey::Number(number.unwrap_or_default()),
            update,
        )
        .await
    {
        Ok(_) => Ok(Envelope::ok(json!({}))),
        Err(CoreError::Invalid(list)) => {
            let mut errors = Errors::default();
            errors.add_core(&list);
            Err(errors.bad_request())
        }
        Err(e) => Err(core_error(e)),
    }
}

/// A ticket with its conversations and attachments (`ticket_id` in the query or as form data).
#[utoipa::path(get, path = "/api/v1/support/ticket/detailed-view/", tag = "epixel",
    params(("ticket_id" = Option<String>, Query)),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn detail(State(state): State<AppState>, headers: HeaderMap, input: Input) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let Some(number) = ticket_number(&mut errors, &input, "ticket_id", "Ticket id is not valid.")
    else {
        return Err(errors.bad_request());
    };
    let t = match state
        .core
        .view_ticket(&actor, &TicketKey::Number(number), false)
        .await
    {
        Ok(t) => t,
        Err(CoreError::NotFound) => {
            return Err(Envelope::error(
                StatusCode::BAD_REQUEST,
                "ticket",
                "Ticket id is not valid.",
            ));
        }
        Err(e) => return Err(core_error(e)),
    };
    let public: Vec<_> = t.messages.iter().filter(|m| !m.internal).collect();
    let first_id = public.first().map(|m| m.id);
    let conversations: Vec<_> = public
        .iter()
        .skip(1)
        .map(|m| json!({"id": m.id, "ticket": t.number, "comment": m.body, "author": m.author.email}))
        .collect();
    let attachments: Vec<_> = public
        .iter()
        .flat_map(|m| m.attachments.iter().map(move |a| (m.id, a)))
        .filter(|(_, a)| a.url.is_none())
        .map(|(message_id, a)| {
            let conversation = (Some(message_id) != first_id).then_some(message_id);
            json!({"id": a.id, "conversation_id": conversation})
        })
        .collect();
    Ok(Envelope::ok(json!({
        "ticket": {
            "id": t.number,
            "subject": t.title,
            "priority": priority_id(t.priority),
            "category": t.category_id,
            "comment": t.description(),
            "status": status_id(t.status),
            "tags": t.tags.iter().map(|g| g.id).collect::<Vec<_>>(),
        },
        "author": t.client.email,
        "conversations": conversations,
        "attachments": attachments,
    })))
}

/// The bytes of an attachment.
#[utoipa::path(get, path = "/api/v1/support/ticket/download/{id}/", tag = "epixel",
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, with the content type it was uploaded with (application/octet-stream when that was not a valid type)", content_type = "*/*"), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Envelope> {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let not_valid = || {
        Envelope::error(
            StatusCode::BAD_REQUEST,
            "attachment",
            "Attachment id is not valid",
        )
    };
    let id = id.trim().parse::<i64>().map_err(|_| not_valid())?;
    let file = match state.core.download(&actor, id).await {
        Ok(file) => file,
        Err(CoreError::NotFound) => return Err(not_valid()),
        Err(e) => return Err(core_error(e)),
    };
    Ok(crate::attachments::download_response(file))
}

/// Adds a message (a conversation) to a ticket.
#[utoipa::path(post, path = "/api/v1/support/ticket/conversation/", tag = "epixel", request_body(content((super::docs::ConversationForm = "multipart/form-data"), (super::docs::ConversationForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn conversation(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut input: Input,
) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let number = match input.get("ticket").map(str::trim) {
        None => {
            errors.add("ticket", REQUIRED);
            None
        }
        Some("") => {
            errors.add("ticket", NULL);
            None
        }
        Some(v) => match v.parse::<i64>() {
            Ok(n)
                if state
                    .core
                    .ticket_status(&actor, &TicketKey::Number(n))
                    .await
                    .is_ok() =>
            {
                Some(n)
            }
            Ok(_) => {
                errors.add("ticket", invalid_pk("ticket"));
                None
            }
            Err(_) => {
                errors.add("ticket", NOT_PK);
                None
            }
        },
    };
    let comment = required_text(&mut errors, &input, "comment").map(str::to_owned);
    if input.too_big("attachment") {
        errors.add("attachment", TOO_BIG);
    }
    let message = NewMessage {
        body: comment.unwrap_or_default(),
        uploads: input.files("attachment"),
        ..NewMessage::default()
    };
    if !errors.is_empty() {
        return Err(errors.bad_request());
    }
    match state
        .core
        .add_message(
            &actor,
            &TicketKey::Number(number.unwrap_or_default()),
            message,
        )
        .await
    {
        Ok(m) => Ok(Envelope::ok(json!({ "conversation_id": m.id }))),
        Err(CoreError::NotFound) => Err(Envelope::error(
            StatusCode::BAD_REQUEST,
            "ticket",
            invalid_pk("ticket"),
        )),
        Err(e) => Err(core_error(e)),
    }
}

/// Closes (3) or reopens (2) a ticket.
#[utoipa::path(post, path = "/api/v1/support/ticket/status/", tag = "epixel", request_body(content((super::docs::StatusForm = "multipart/form-data"), (super::docs::StatusForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Success", body = super::docs::EnvelopeDoc), (status = 400, description = "Validation errors", body = super::docs::EnvelopeDoc), (status = 401, description = "Missing or invalid apikey or token", body = super::docs::EnvelopeDoc), (status = 413, description = "Body too large", body = super::docs::EnvelopeDoc), (status = 415, description = "Unsupported body type", body = super::docs::EnvelopeDoc)), security(("apikey" = [], "bearer" = [])))]
pub async fn status(State(state): State<AppState>, headers: HeaderMap, input: Input) -> Answer {
    let actor = authenticate(&state, &headers, true)
        .await?
        .ok_or_else(|| core_error(CoreError::Forbidden))?;
    let mut errors = Errors::default();
    let number = ticket_number(&mut errors, &input, "ticket", "Ticket id is not valid");
    let current = match number {
        Some(n) => match state
            .core
            .ticket_status(&actor, &TicketKey::Number(n))
            .await
        {
            Ok(s) => Some(s),
            Err(CoreError::NotFound) => {
                errors.add("ticket", "Ticket id is not valid");
                None
            }
            Err(e) => return Err(core_error(e)),
        },
        None => None,
    };
    let wanted = match input.get("status").map(str::trim) {
        None | Some("") => {
            errors.add("status", "Status id is required and this may not be blank.");
            None
        }
        Some(s @ ("2" | "3")) => Some(s == "3"),
        Some(_) => {
            errors.add("status", not_a_choice("status"));
            None
        }
    };
    let (Some(number), Some(_), Some(close)) = (number, current, wanted) else {
        return Err(errors.bad_request());
    };
    if !errors.is_empty() {
        return Err(errors.bad_request());
    }
    let key = TicketKey::Number(number);
    let result = if close {
        state.core.close_ticket(&actor, &key).await
    } else {
        state.core.reopen_ticket(&actor, &key).await
    };
    match result {
        Ok(change) if change.changed() => Ok(Envelope::ok(json!({}))),
        Ok(change) => {
            let message = match (close, change.from) {
                (true, _) => "Ticket is already closed",
                (false, Status::InProgress) => "Ticket is already processing",
                (false, _) => "Ticket is already open",
            };
            Err(Envelope::error(StatusCode::BAD_REQUEST, "ticket", message))
        }
        Err(CoreError::Forbidden) => Err(Envelope::error(
            StatusCode::BAD_REQUEST,
            "ticket",
            "You Can't open or close this Ticket",
        )),
        Err(CoreError::OpenTicketLimit { .. }) => Err(limit_reached()),
        Err(e) => Err(core_error(e)),
    }
}
