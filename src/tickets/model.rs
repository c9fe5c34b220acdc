//! The canonical vocabulary every face translates to and from.

use std::fmt;

/// What a user is allowed to do (see the permission table of API-CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Agent,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Customer, Role::Agent, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

/// The user a request acts for, resolved by a session, an API token or the command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub public_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// An actor from a `users` row; a role the database should never hold reads as a
    /// customer, the least privileged.
    pub fn from_row(id: i64, public_id: String, email: String, name: String, role: &str) -> Self {
        Actor {
            id,
            public_id,
            email,
            name,
            role: Role::parse(role).unwrap_or(Role::Customer),
        }
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Canonical ticket status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// New or answered by the customer: awaiting staff.
    Open,
    /// Awaiting the customer.
    Pending,
    InProgress,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Pending,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Pending => "pending",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::Pending => "Pending",
            Status::InProgress => "In progress",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Resolved, closed and cancelled tickets are finished (`resolved_at` is set).
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }

    /// Tickets that count against a customer's open-ticket limit.
    pub fn is_active(self) -> bool {
        !self.is_finished()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Urgent => "Urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Greater is more urgent (the priority order of lists).
    pub fn rank(self) -> u8 {
        match self {
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a face names a ticket: the portal and epixel by number, v2 and legacy by public id.
#[derive(Debug, Clone)]
pub enum TicketKey {
    Number(i64),
    PublicId(String),
}

/// A category as every face lists it.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub active: bool,
}

/// A tag as lists show it.
#[derive(Debug, Clone)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub keyword: String,
}
