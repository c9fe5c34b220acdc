//! Limits of API-CONTRACT.md and the errors the core answers with. Every face translates
//! these into its own words; none re-implements them.

use std::fmt;

pub const TITLE_MAX: usize = 500;
pub const MESSAGE_MAX: usize = 50_000;
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 50;
pub const ATTACHMENTS_MAX: usize = 10;
/// 2 MiB, the cap for one attachment.
pub const ATTACHMENT_MAX_BYTES: usize = 2 * 1024 * 1024;
pub const RESOLUTION_MAX: usize = 50_000;

/// The input field a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Subject,
    Description,
    Message,
    Priority,
    Category,
    Tags,
    Attachments,
    Status,
    Assignee,
    IssueUrl,
    Resolution,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Subject => "subject",
            Field::Description => "description",
            Field::Message => "message",
            Field::Priority => "priority",
            Field::Category => "category",
            Field::Tags => "tags",
            Field::Attachments => "attachments",
            Field::Status => "status",
            Field::Assignee => "assignee",
            Field::IssueUrl => "issue_url",
            Field::Resolution => "resolution",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    Invalid,
    TooMany {
        max: usize,
    },
    FileTooBig {
        filename: String,
    },
    /// A reference to something that does not exist (or is not the caller's to use):
    /// an attachment id, a tag id.
    Unknown,
    /// Another one already has this value (a saved reply's title).
    Taken,
    /// Holds a NUL character, which no text is stored with (PostgreSQL's `text` cannot
    /// hold one; both databases refuse it alike).
    Nul,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }

    /// The portal's English wording.
    pub fn message(&self) -> String {
        match &self.problem {
            Problem::Required => "This field is required.".into(),
            Problem::TooLong { max } => format!("Must be at most {max} characters."),
            Problem::Invalid => format!("Choose a valid {}.", self.field.as_str()),
            Problem::TooMany { max } => {
                format!("At most {max} {} are allowed.", self.field.as_str())
            }
            Problem::FileTooBig { filename } => {
                format!("{filename} is too big: each file may be at most 2 MiB.")
            }
            Problem::Unknown => format!("Refers to an unknown {}.", self.field.as_str()),
            Problem::Taken => format!("Another one already has this {}.", self.field.as_str()),
            Problem::Nul => "Must not contain NUL characters.".into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.as_str(), self.message())
    }
}

/// Everything a use case can refuse with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Missing, deleted, or not visible to the caller: the three look the same.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("open ticket limit of {limit} reached")]
    OpenTicketLimit { limit: i64 },
    /// Customers cannot write to a closed or cancelled ticket.
    #[error("ticket is closed")]
    TicketClosed,
    /// The ticket changed since the caller read it (optimistic concurrency).
    #[error("ticket changed")]
    Stale,
    /// The ticket already has a GitHub issue.
    #[error("issue already created")]
    AlreadyEscalated,
    /// No GitHub repository or token is configured.
    #[error("GitHub integration is not configured")]
    NotConfigured,
    /// An outside service (GitHub) failed or timed out.
    #[error("upstream failure: {0}")]
    Upstream(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CoreError {
    pub fn invalid(field: Field, problem: Problem) -> Self {
        CoreError::Invalid(vec![FieldError::new(field, problem)])
    }

    /// Whether the database could not take the write now (see
    /// [`crate::db::is_unavailable`]): every face answers 503, nothing was stored.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, CoreError::Db(e) if crate::db::is_unavailable(e))
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

/// Collects problems so that every failing field is reported at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: Field, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    pub fn has(&self, field: Field) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn into_result(self) -> CoreResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Invalid(self.0))
        }
    }

    /// Trims `value` and checks it is present and at most `max` characters.
    pub fn text(&mut self, field: Field, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, Problem::Required);
        } else if trimmed.chars().count() > max {
            self.add(field, Problem::TooLong { max });
        } else {
            self.no_nul(field, trimmed);
        }
        trimmed.to_owned()
    }

    /// Refuses a NUL character in `value` (see [`Problem::Nul`]).
    pub fn no_nul(&mut self, field: Field, value: &str) {
        if value.contains('\0') && !self.has(field) {
            self.add(field, Problem::Nul);
        }
    }

    /// Checks the tag limits on tags already cleaned by [`clean_tags`].
    pub fn tags(&mut self, tags: &[String]) {
        for tag in tags {
            self.no_nul(Field::Tags, tag);
        }
        if tags.iter().any(|t| t.chars().count() > TAG_MAX) {
            self.add(Field::Tags, Problem::TooLong { max: TAG_MAX });
        } else if tags.len() > TAGS_MAX {
            self.add(Field::Tags, Problem::TooMany { max: TAGS_MAX });
        }
    }
}

/// Trims tags and drops empties and duplicates (case-insensitively), keeping the order.
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag.to_owned());
        }
    }
    out
}

/// Splits "a, b ,c" into tags.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits_count_characters_after_trimming() {
        let mut p = Problems::default();
        assert_eq!(p.text(Field::Title, "  ok  ", 2), "ok");
        assert!(p.0.is_empty());
        p.text(Field::Title, "   ", 5);
        p.text(Field::Message, &"é".repeat(6), 5);
        assert_eq!(p.0[0].problem, Problem::Required);
        assert_eq!(p.0[1].problem, Problem::TooLong { max: 5 });
    }

    #[test]
    fn tags_are_deduplicated_and_limited() {
        let tags = clean_tags(&split_tags("a, B ,b,, c"));
        assert_eq!(tags, ["a", "B", "c"]);
        let mut p = Problems::default();
        p.tags(&tags);
        assert!(p.0.is_empty());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        p.tags(&many);
        assert_eq!(p.0[0].problem, Problem::TooMany { max: 20 });
        let mut p = Problems::default();
        p.tags(&["x".repeat(51)]);
        assert_eq!(p.0[0].problem, Problem::TooLong { max: 50 });
    }
}
