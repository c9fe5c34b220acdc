//! Who is told what by mail: the notification rules. Each change that notifies someone
//! queues its notices in the `outbox` inside its own transaction (one statement per kind,
//! recipients chosen in SQL), so a change that is rolled back queues nothing. Composing and
//! sending is the mail worker's job (`crate::mail`).
//!
//! Internal notes never notify anyone: the message-carrying notices are queued for public
//! messages only, and the mail worker sends nothing but the message it names.

use sqlx::SqliteConnection;

use super::model::{Actor, Status};
use super::rules::CoreResult;
use crate::clock::now_ms;

/// Whether notices are queued at all: only when mail is configured (`--smtp-url`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Notices {
    pub enabled: bool,
}

/// The kinds of notification, each of which an admin can turn off for everyone and each
/// user for themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// To the customer: their ticket was received (number and link).
    TicketReceived,
    /// To the customer: a public staff reply (text, attachment names and links).
    StaffReply,
    /// To the customer: staff resolved or closed the ticket.
    TicketClosed,
    /// To an agent: a ticket was assigned to them.
    Assigned,
    /// To the assignee: the customer replied.
    CustomerReply,
    /// To all agents and admins: a new ticket.
    NewTicket,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::TicketReceived,
        Kind::StaffReply,
        Kind::TicketClosed,
        Kind::Assigned,
        Kind::CustomerReply,
        Kind::NewTicket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TicketReceived => "ticket_received",
            Kind::StaffReply => "staff_reply",
            Kind::TicketClosed => "ticket_closed",
            Kind::Assigned => "assigned",
            Kind::CustomerReply => "customer_reply",
            Kind::NewTicket => "new_ticket",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The id of its name in the translation files (`crate::i18n`).
    pub fn name_id(self) -> String {
        format!("notify-{}", self.as_str().replace('_', "-"))
    }

    /// Whether this kind goes to staff (shown on staff members' account pages only).
    pub fn for_staff(self) -> bool {
        matches!(self, Kind::Assigned | Kind::CustomerReply | Kind::NewTicket)
    }

    /// The setting that turns this kind off for everyone.
    pub fn setting(self) -> String {
        format!("notify_{}", self.as_str())
    }
}

/// Queues `kind` about `ticket_id` (carrying message `message` if any) to the active users
/// picked by `recipients`, a condition on `u` (the user) and `t` (the ticket), leaving out
/// the author of the change, users who turned the kind off and kinds turned off by an
/// admin.
macro_rules! queue {
    ($tx:expr, $kind:expr, $ticket:expr, $message:expr, $author:expr, $recipients:literal, $($arg:expr),*) => {{
        let kind = $kind.as_str();
        let setting = $kind.setting();
        let now = now_ms();
        sqlx::query!(
            "INSERT INTO outbox (message_id, kind, ticket_id, message_ref, recipient_id,
                                 next_attempt_at, created_at)
             SELECT 'hd-' || lower(hex(randomblob(12))), ?1, t.id, ?2, u.id, ?3, ?3
             FROM tickets t JOIN users u
             WHERE t.id = ?4 AND u.active = 1 AND u.id <> ?5
               AND NOT EXISTS (SELECT 1 FROM notification_optouts o
                               WHERE o.user_id = u.id AND o.kind = ?1)
               AND COALESCE((SELECT value FROM settings WHERE key = ?6), 'on') <> 'off'
               AND " + $recipients,
            kind,
            $message,
            now,
            $ticket,
            $author,
            setting,
            $($arg),*
        )
        .execute(&mut *$tx)
        .await?;
    }};
}

/// A ticket was opened by `actor` (its customer, or staff for themself).
pub(crate) async fn ticket_opened(
    tx: &mut SqliteConnection,
    n: Notices,
    actor: &Actor,
    ticket_id: i64,
) -> CoreResult<()> {
    if !n.enabled {
        return Ok(());
    }
    let (none, nobody): (Option<i64>, i64) = (None, 0);
    if !actor.is_staff() {
        // The author is the recipient here: `nobody` is left out instead.
        queue!(
            tx,
            Kind::TicketReceived,
            ticket_id,
            none,
            nobody,
            "u.id = t.client_id",
        );
    }
    let author = actor.id;
    queue!(
        tx,
        Kind::NewTicket,
        ticket_id,
        none,
        author,
        "u.role IN ('agent', 'admin')",
    );
    Ok(())
}

/// A message was added to a ticket. Internal notes notify no one.
pub(crate) async fn message_added(
    tx: &mut SqliteConnection,
    n: Notices,
    actor: &Actor,
    ticket_id: i64,
    message_id: i64,
    internal: bool,
) -> CoreResult<()> {
    if !n.enabled || internal {
        return Ok(());
    }
    let (author, message) = (actor.id, Some(message_id));
    if actor.is_staff() {
        queue!(
            tx,
            Kind::StaffReply,
            ticket_id,
            message,
            author,
            "u.id = t.client_id",
        );
    } else {
        queue!(
            tx,
            Kind::CustomerReply,
            ticket_id,
            message,
            author,
            "u.id = t.assignee_id",
        );
    }
    Ok(())
}

/// A ticket's status changed. Staff resolving or closing it tells the customer.
pub(crate) async fn status_changed(
    tx: &mut SqliteConnection,
    n: Notices,
    actor: &Actor,
    ticket_id: i64,
    to: Status,
) -> CoreResult<()> {
    if !n.enabled || !actor.is_staff() || !matches!(to, Status::Resolved | Status::Closed) {
        return Ok(());
    }
    let (author, none): (i64, Option<i64>) = (actor.id, None);
    queue!(
        tx,
        Kind::TicketClosed,
        ticket_id,
        none,
        author,
        "u.id = t.client_id",
    );
    Ok(())
}

/// A ticket was assigned (to someone other than the one who assigned it).
pub(crate) async fn assigned(
    tx: &mut SqliteConnection,
    n: Notices,
    actor: &Actor,
    ticket_id: i64,
) -> CoreResult<()> {
    if !n.enabled {
        return Ok(());
    }
    let (author, none): (i64, Option<i64>) = (actor.id, None);
    queue!(
        tx,
        Kind::Assigned,
        ticket_id,
        none,
        author,
        "u.id = t.assignee_id",
    );
    Ok(())
}

/// Tells the sender of a mail which of its files were not accepted (`detail`).
pub(crate) async fn files_refused(
    tx: &mut SqliteConnection,
    n: Notices,
    user_id: i64,
    ticket_id: i64,
    detail: &str,
) -> CoreResult<()> {
    if !n.enabled || detail.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, ticket_id, recipient_id, detail,
                             next_attempt_at, created_at)
         VALUES ('hd-' || lower(hex(randomblob(12))), 'files_refused', ?1, ?2, ?3, ?4, ?4)",
        ticket_id,
        user_id,
        detail,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Queues a test mail to `address` (the admin's "send a test mail").
pub(crate) async fn test_mail(tx: &mut SqliteConnection, address: &str) -> CoreResult<()> {
    let now = now_ms();
    sqlx::query!(
        "INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at)
         VALUES ('hd-' || lower(hex(randomblob(12))), 'test', ?1, ?2, ?2)",
        address,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Who gets "new ticket" mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewTicketMails {
    Off,
    /// Every agent and admin.
    All,
    /// Every agent and admin, unless someone took the ticket before the mail went out.
    WhileUnassigned,
}

impl NewTicketMails {
    pub fn as_str(self) -> &'static str {
        match self {
            NewTicketMails::Off => "off",
            NewTicketMails::All => "on",
            NewTicketMails::WhileUnassigned => "unassigned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Off, Self::All, Self::WhileUnassigned]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// The admin's mail policy.
#[derive(Debug, Clone)]
pub struct MailPolicy {
    /// The kinds on for everyone, "new ticket" aside.
    pub on: Vec<Kind>,
    pub new_ticket: NewTicketMails,
    /// Mail from addresses without an account is refused instead of opening a ticket.
    pub refuse_unknown_senders: bool,
}

/// Whether each kind is on for everyone (the admin's settings).
async fn kinds_on(db: &crate::db::Db) -> CoreResult<Vec<(Kind, bool)>> {
    let off: Vec<String> =
        sqlx::query_scalar!("SELECT key FROM settings WHERE key LIKE 'notify_%' AND value = 'off'")
            .fetch_all(db)
            .await?;
    Ok(kinds_on_from(&off))
}

/// Whether each kind is on for everyone, from the settings set to 'off'.
pub(crate) fn kinds_on_from(off: &[String]) -> Vec<(Kind, bool)> {
    Kind::ALL
        .into_iter()
        .map(|k| (k, !off.contains(&k.setting())))
        .collect()
}

/// The admin's policy, from the kinds on and the two settings that are not on/off.
pub(crate) fn policy_from(
    kinds: Vec<(Kind, bool)>,
    new_ticket: Option<&str>,
    unknown_senders: Option<&str>,
) -> MailPolicy {
    let new_ticket = match new_ticket {
        Some("off") => NewTicketMails::Off,
        Some("unassigned") => NewTicketMails::WhileUnassigned,
        _ => NewTicketMails::All,
    };
    MailPolicy {
        on: kinds
            .into_iter()
            .filter(|(k, on)| *on && *k != Kind::NewTicket)
            .map(|(k, _)| k)
            .collect(),
        new_ticket,
        refuse_unknown_senders: unknown_senders == Some("refuse"),
    }
}

/// The settings that store a policy: (key, value).
pub(crate) fn policy_settings(policy: &MailPolicy) -> Vec<(String, String)> {
    let unknown = if policy.refuse_unknown_senders {
        "refuse"
    } else {
        "accept"
    };
    let mut out = vec![("mail_unknown_senders".to_owned(), unknown.to_owned())];
    for kind in Kind::ALL {
        let value = match kind {
            Kind::NewTicket => policy.new_ticket.as_str(),
            k if policy.on.contains(&k) => "on",
            _ => "off",
        };
        out.push((kind.setting(), value.to_owned()));
    }
    out
}

/// The kinds a user turns off by keeping `on`: staff kinds are not a customer's to turn.
pub(crate) fn optouts(on: &[Kind], staff: bool) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|kind| !(on.contains(kind) || (kind.for_staff() && !staff)))
        .collect()
}

/// What `my_notifications` shows, from the kinds on for everyone and the user's own.
pub(crate) fn mine(
    actor: &Actor,
    global: Vec<(Kind, bool)>,
    off: &[String],
) -> Vec<(Kind, bool, bool)> {
    global
        .into_iter()
        .filter(|(k, _)| actor.is_staff() || !k.for_staff())
        .map(|(k, everyone)| (k, !off.iter().any(|o| o == k.as_str()), everyone))
        .collect()
}

impl super::Core {
    /// The mail notifications admins turned on and off for everyone.
    pub async fn notification_settings(&self, actor: &Actor) -> CoreResult<MailPolicy> {
        let (db, _) = sqlite_or!(self, pool => super::pg::notification_settings(pool, actor).await);
        if !actor.is_admin() {
            return Err(super::CoreError::Forbidden);
        }
        let kinds = kinds_on(db).await?;
        Ok(policy_from(
            kinds,
            self.setting(&Kind::NewTicket.setting()).await?.as_deref(),
            self.setting("mail_unknown_senders").await?.as_deref(),
        ))
    }

    /// Saves the admin's mail policy.
    pub async fn save_notification_settings(
        &self,
        actor: &Actor,
        policy: MailPolicy,
    ) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::save_notification_settings(pool, actor, policy).await
        });
        if !actor.is_admin() {
            return Err(super::CoreError::Forbidden);
        }
        let settings = policy_settings(&policy);
        writer
            .write(move |tx| {
                Box::pin(async move {
                    for (key, value) in &settings {
                        sqlx::query!(
                            "INSERT INTO settings (key, value) VALUES (?1, ?2)
                             ON CONFLICT (key) DO UPDATE SET value = ?2",
                            key,
                            value
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// The kinds that concern `actor` (customers: the customer's; staff: all), each with
    /// whether the actor gets it, and whether an admin turned it off for everyone.
    pub async fn my_notifications(&self, actor: &Actor) -> CoreResult<Vec<(Kind, bool, bool)>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::my_notifications(pool, actor).await);
        let user_id = actor.id;
        let off: Vec<String> = sqlx::query_scalar!(
            "SELECT kind FROM notification_optouts WHERE user_id = ?",
            user_id
        )
        .fetch_all(db)
        .await?;
        let global = kinds_on(db).await?;
        Ok(mine(actor, global, &off))
    }

    /// Keeps the kinds in `on` for `actor` and turns the others off for them.
    pub async fn save_my_notifications(&self, actor: &Actor, on: Vec<Kind>) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::save_my_notifications(pool, actor, on).await
        });
        let user_id = actor.id;
        let staff = actor.is_staff();
        writer
            .write(move |tx| {
                Box::pin(async move {
                    sqlx::query!(
                        "DELETE FROM notification_optouts WHERE user_id = ?",
                        user_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    for kind in optouts(&on, staff) {
                        let name = kind.as_str();
                        sqlx::query!(
                            "INSERT INTO notification_optouts (user_id, kind) VALUES (?, ?)",
                            user_id,
                            name
                        )
                        .execute(&mut *tx)
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Queues a test mail to `address` (admins; only when mail is configured).
    pub async fn send_test_mail(&self, actor: &Actor, address: lettre::Address) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::send_test_mail(pool, self.mail.is_some(), actor, address).await
        });
        if !actor.is_admin() {
            return Err(super::CoreError::Forbidden);
        }
        if self.mail.is_none() {
            return Err(super::CoreError::NotFound);
        }
        let address = address.to_string();
        writer
            .write(move |tx| Box::pin(async move { test_mail(tx, &address).await }))
            .await?;
        self.mail_wake.notify_one();
        Ok(())
    }

    /// The newest notices of the outbox (admins).
    pub async fn outbox(&self, actor: &Actor) -> CoreResult<Vec<crate::mail::outbox::Row>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::outbox(pool, actor).await);
        if !actor.is_admin() {
            return Err(super::CoreError::Forbidden);
        }
        Ok(crate::mail::outbox::recent(db, 100).await?)
    }

    /// Tries notice `id` again now (admins). `NotFound` for a sent or unknown one.
    pub async fn retry_mail(&self, actor: &Actor, id: i64) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => super::pg::retry_mail(pool, actor, id).await);
        if !actor.is_admin() {
            return Err(super::CoreError::Forbidden);
        }
        if !crate::mail::outbox::retry(writer, id).await? {
            return Err(super::CoreError::NotFound);
        }
        self.mail_wake.notify_one();
        Ok(())
    }
}
