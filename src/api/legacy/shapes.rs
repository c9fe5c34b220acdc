//! The legacy dialect's JSON documents, and how the core's model maps onto them.

use axum::response::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::clock::iso_millis;
use crate::tickets::{AttachmentMeta, MessageView, PersonRef, Status, TicketDetail};

// ---- shapes ----

#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyAttachment {
    #[serde(rename = "_id")]
    pub id: String,
    pub filename: String,
    pub size: i64,
    #[serde(rename = "type")]
    pub content_type: String,
    pub url: String,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyThread {
    #[serde(rename = "_id")]
    pub id: String,
    pub message: String,
    #[serde(rename = "seenAt")]
    pub seen_at: Option<String>,
    #[serde(rename = "supportTicket")]
    pub support_ticket: String,
    pub client: Person,
    /// The staff author, or null for the client's own messages.
    #[serde(rename = "superAdmin")]
    pub super_admin: Option<Person>,
    pub attachments: Vec<LegacyAttachment>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "_id": "507f1f77bcf86cd799439011", "title": "API Integration Issue",
    "subject": "Unable to connect to SmartCheck API", "category": "integration", "status": "pending",
    "number": 1001, "api": "smartCheck", "issueUrl": null, "assignee": null,
    "client": {"_id": "507f1f77bcf86cd799439012", "name": "Example Client"},
    "threads": [{"_id": "507f1f77bcf86cd799439013", "message": "I'm having trouble integrating with the SmartCheck API",
                 "seenAt": null, "supportTicket": "507f1f77bcf86cd799439011",
                 "client": {"_id": "507f1f77bcf86cd799439012", "name": "Example Client"}, "superAdmin": null,
                 "attachments": [], "createdAt": "2024-01-15T10:30:00.000Z", "updatedAt": "2024-01-15T10:30:00.000Z"}],
    "createdAt": "2024-01-15T10:30:00.000Z", "updatedAt": "2024-01-15T10:30:00.000Z"
}))]
pub struct LegacyTicket {
    #[serde(rename = "_id")]
    pub id: String,
    pub title: String,
    pub subject: Option<String>,
    pub category: String,
    /// `pending`, `progress`, `resolved` or `cancelled`.
    pub status: String,
    pub number: i64,
    pub api: Option<String>,
    #[serde(rename = "issueUrl")]
    pub issue_url: Option<String>,
    pub assignee: Option<Person>,
    pub client: Person,
    pub threads: Vec<LegacyThread>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketData {
    pub data: LegacyTicket,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadData {
    pub data: LegacyThread,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentData {
    pub data: LegacyAttachment,
}

/// Tickets per legacy status over the caller's visible tickets; `open` is pending +
/// progress, `closed` is resolved + cancelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub all: i64,
    pub pending: i64,
    pub progress: i64,
    pub resolved: i64,
    pub cancelled: i64,
    pub open: i64,
    pub closed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListData {
    pub data: Vec<LegacyTicket>,
    pub limit: i64,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "completed"}))]
pub struct Completed {
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GithubIssueData {
    pub data: GithubIssueBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GithubIssueBody {
    #[serde(rename = "githubIssue")]
    #[schema(value_type = Object)]
    pub github_issue: Value,
    #[serde(rename = "issueUrl")]
    pub issue_url: String,
}

/// An error of this dialect.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "NotFound", "message": "Support ticket not found"}))]
pub struct LegacyError {
    /// BadRequest, Unauthorized, Forbidden, NotFound, TooManyRequests, PayloadTooLarge or BadGateway.
    pub code: String,
    pub message: String,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct InsertRequest {
    title: String,
    /// billing, integration, smartCheck, smartScan, smartEnroll, smartAccess, other (or any
    /// other active category slug).
    category: String,
    subject: Option<String>,
    api: Option<String>,
    threads: Vec<ThreadInput>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ThreadInput {
    message: String,
    /// Ids returned by `POST /attachments`.
    attachments: Option<Vec<String>>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UpdateRequest {
    title: Option<String>,
    category: Option<String>,
    /// pending, progress, resolved or cancelled.
    status: Option<String>,
    subject: Option<String>,
    api: Option<String>,
    /// A staff member's `_id` (Super Admin only); null unassigns.
    assignee: Option<String>,
    /// Super Admin only.
    #[serde(rename = "issueUrl")]
    issue_url: Option<String>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct IdsRequest {
    ids: Vec<String>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ThreadIdsRequest {
    #[serde(rename = "threadIds")]
    thread_ids: Vec<String>,
}

// ---- mapping ----

/// Legacy shows open and pending as `pending`, and resolved and closed as `resolved`.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Open | Status::Pending => "pending",
        Status::InProgress => "progress",
        Status::Resolved | Status::Closed => "resolved",
        Status::Cancelled => "cancelled",
    }
}

pub(super) fn statuses_for(name: &str) -> Option<Vec<Status>> {
    Some(match name {
        "pending" => vec![Status::Open, Status::Pending],
        "progress" => vec![Status::InProgress],
        "resolved" => vec![Status::Resolved, Status::Closed],
        "cancelled" => vec![Status::Cancelled],
        _ => return None,
    })
}

pub(super) fn person(p: &PersonRef) -> Person {
    Person {
        id: p.public_id.clone(),
        name: p.name.clone(),
    }
}

pub(super) fn attachment_json(a: &AttachmentMeta, base_url: &str) -> LegacyAttachment {
    LegacyAttachment {
        id: a.public_id.clone(),
        filename: a.filename.clone(),
        size: a.size,
        content_type: a.content_type.clone(),
        url: a.url.clone().unwrap_or_else(|| {
            format!(
                "{base_url}/attachments/{}/{}",
                a.id,
                crate::http::encode_query(&a.filename)
            )
        }),
        created_at: iso_millis(a.created_at),
    }
}

pub(super) fn thread_json(t: &TicketDetail, m: &MessageView, base_url: &str) -> LegacyThread {
    LegacyThread {
        id: m.public_id.clone(),
        message: m.body.clone(),
        seen_at: m.seen_at.map(iso_millis),
        support_ticket: t.public_id.clone(),
        client: person(&t.client),
        super_admin: m.by_staff().then(|| person(&m.author)),
        attachments: m
            .attachments
            .iter()
            .map(|a| attachment_json(a, base_url))
            .collect(),
        created_at: iso_millis(m.created_at),
        updated_at: iso_millis(m.created_at),
    }
}

pub fn ticket_json(t: &TicketDetail, base_url: &str) -> LegacyTicket {
    LegacyTicket {
        id: t.public_id.clone(),
        title: t.title.clone(),
        subject: t.subject.clone(),
        category: t.category_slug.clone(),
        status: status_name(t.status).to_owned(),
        number: t.number,
        api: t.api.clone(),
        issue_url: t.issue_url.clone(),
        assignee: t.assignee.as_ref().map(person),
        client: person(&t.client),
        threads: t
            .messages
            .iter()
            .filter(|m| !m.internal)
            .map(|m| thread_json(t, m, base_url))
            .collect(),
        created_at: iso_millis(t.created_at),
        updated_at: iso_millis(t.updated_at),
    }
}

pub(super) fn completed() -> Json<Completed> {
    Json(Completed {
        status: "completed".into(),
    })
}
