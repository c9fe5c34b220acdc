//! Not losing what was typed when the session ended (logged out in another tab, expired):
//! a reply or a new ticket sent without a session goes to the login page with its text in
//! hidden fields, and after logging in the same form comes back filled in, to be checked
//! and sent again.
//!
//! Nothing is done with a draft until its user presses the form's button once more, in
//! their new session, with that session's CSRF token: the login page may show a draft that
//! came from anywhere (the form's own CSRF token cannot be checked, since logging out
//! renews it), so the draft only ever fills in a form. Files cannot travel through a
//! login page; their names are listed to be attached again.

use serde::Deserialize;

use crate::attachments::UploadForm;

/// The form a draft belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOf {
    /// A reply (or staff note) on the ticket of `next`.
    Reply,
    /// The new-ticket form.
    Ticket,
}

/// The text of an interrupted form, as the login page carries it (`draft_*` fields).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub draft_form: String,
    #[serde(default)]
    pub draft_message: String,
    #[serde(default)]
    pub draft_internal: String,
    #[serde(default)]
    pub draft_title: String,
    #[serde(default)]
    pub draft_description: String,
    #[serde(default)]
    pub draft_category: String,
    #[serde(default)]
    pub draft_priority: String,
    #[serde(default)]
    pub draft_tags: String,
    /// The names of files that were attached, to be attached again.
    #[serde(default)]
    pub draft_files: String,
}

impl Draft {
    /// The draft of a reply form.
    pub fn reply(form: &UploadForm) -> Self {
        let text = |name: &str| form.text(name).unwrap_or_default().to_owned();
        Draft {
            draft_form: "reply".into(),
            draft_message: text("message"),
            draft_internal: text("internal"),
            draft_files: file_names(form),
            ..Draft::default()
        }
    }

    /// The draft of the new-ticket form.
    pub fn ticket(form: &UploadForm) -> Self {
        let text = |name: &str| form.text(name).unwrap_or_default().to_owned();
        Draft {
            draft_form: "ticket".into(),
            draft_title: text("title"),
            draft_description: text("description"),
            draft_category: text("category"),
            draft_priority: text("priority"),
            draft_tags: text("tags"),
            draft_files: file_names(form),
            ..Draft::default()
        }
    }

    pub fn of(&self) -> Option<DraftOf> {
        match self.draft_form.as_str() {
            "reply" => Some(DraftOf::Reply),
            "ticket" => Some(DraftOf::Ticket),
            _ => None,
        }
    }

    /// The hidden fields that carry it, in the login form.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("draft_form", &self.draft_form),
            ("draft_message", &self.draft_message),
            ("draft_internal", &self.draft_internal),
            ("draft_title", &self.draft_title),
            ("draft_description", &self.draft_description),
            ("draft_category", &self.draft_category),
            ("draft_priority", &self.draft_priority),
            ("draft_tags", &self.draft_tags),
            ("draft_files", &self.draft_files),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect()
    }

    /// What the form says above itself when it comes back, in `lang`.
    pub fn notice(&self, lang: crate::i18n::Lang) -> String {
        let id = match (self.of(), self.draft_files.is_empty()) {
            (Some(DraftOf::Ticket), true) => "draft-ticket",
            (Some(DraftOf::Ticket), false) => "draft-ticket-files",
            (_, true) => "draft-reply",
            (_, false) => "draft-reply-files",
        };
        lang.t_with(id, &[("files", self.draft_files.clone().into())])
    }
}

fn file_names(form: &UploadForm) -> String {
    let mut names: Vec<&str> = form
        .files
        .iter()
        .map(|(_, u)| u.filename.as_str())
        .collect();
    names.extend(form.too_big.iter().map(|(_, name)| name.as_str()));
    names.join(", ")
}
