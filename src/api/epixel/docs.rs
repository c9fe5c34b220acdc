//! OpenAPI shapes of the epixel dialect (form fields in, the envelope out).

#![allow(dead_code)]

use utoipa::ToSchema;

/// `{"status_code", "errors", "data"}`: `errors` maps each failing field to its messages.
#[derive(ToSchema)]
#[schema(example = json!({"status_code": 400, "errors": {"subject": ["This field is required."]}, "data": {}}))]
pub struct EnvelopeDoc {
    status_code: u16,
    errors: std::collections::BTreeMap<String, Vec<String>>,
    #[schema(value_type = Object)]
    data: serde_json::Value,
}

#[derive(ToSchema)]
pub struct CreateForm {
    /// At most 500 characters.
    subject: String,
    /// 1 (Low), 2 (Medium) or 3 (High).
    priority: String,
    comment: String,
    /// A category id from the category list.
    category: String,
    /// At most 2 MiB.
    #[schema(value_type = Option<String>, format = Binary)]
    attachment: Option<Vec<u8>>,
}

#[derive(ToSchema)]
pub struct UpdateForm {
    ticket_id: String,
    /// 1 (Low), 2 (Medium) or 3 (High).
    priority: Option<String>,
    /// One or more tag ids (repeat the field or separate with commas).
    tags: String,
}

#[derive(ToSchema)]
pub struct DetailForm {
    ticket_id: String,
}

#[derive(ToSchema)]
pub struct ConversationForm {
    ticket: String,
    comment: String,
    /// At most 2 MiB.
    #[schema(value_type = Option<String>, format = Binary)]
    attachment: Option<Vec<u8>>,
}

#[derive(ToSchema)]
pub struct StatusForm {
    ticket: String,
    /// 2 (reopen) or 3 (close).
    status: String,
}
