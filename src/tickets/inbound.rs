//! Mail in: what a received mail becomes (the rules; parsing RFC 5322 is `crate::mail`).
//!
//! - A mail that names a ticket (its `In-Reply-To`/`References` hold a Message-ID we sent
//!   about it, else `[#1234]` in its subject) and comes from that ticket's customer or a
//!   staff member becomes a reply (a staff member's a public one).
//! - Any other mail opens a new ticket for its sender; a stranger naming someone else's
//!   ticket learns nothing about it. A sender without an account gets one (a customer
//!   without a password, who can set one through the reset flow) unless an admin chose to
//!   refuse unknown senders (setting `mail_unknown_senders` = `refuse`).
//! - Each Message-ID is handled once: it is recorded in the same transaction as what it
//!   became.

use super::messages::{NewMessage, add_message_in};
use super::model::{Actor, Priority, Role, TicketKey};
use super::open::{CategoryRef, NewTicket, Opened, open_in};
use super::rules::{CoreError, CoreResult};
use super::{Core, Upload};
use crate::clock::now_ms;
use crate::db::{Db, Writer};
use crate::secure::public_id;

/// A received mail, as the mail face read it.
#[derive(Debug, Clone)]
pub struct InboundMail {
    /// The sender's address, lowercase.
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` then `References`, without angle brackets.
    pub references: Vec<String>,
    /// The new text, quoted history cut.
    pub text: String,
    pub uploads: Vec<Upload>,
    /// Names of files that were not accepted (over the limits), with the reason.
    pub refused: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// A reply on ticket `number`.
    Reply { number: i64 },
    /// A new ticket.
    Opened { number: i64 },
    /// This Message-ID was handled before.
    Duplicate,
}

/// Why a mail was refused for good (the MTA should bounce it, not retry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownSender,
    OpenTicketLimit { limit: i64 },
    Invalid(String),
}

#[derive(Debug)]
pub enum Inbound {
    Handled(Handled),
    Refused(Refusal),
}

/// `[#1234]` in a subject.
fn number_in_subject(subject: &str) -> Option<i64> {
    let start = subject.find("[#")? + 2;
    let end = subject[start..].find(']')? + start;
    subject[start..end].trim().parse().ok()
}

/// The subject without reply and forward prefixes or the ticket's number.
fn clean_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "rv:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => break,
        }
    }
    let mut out = s.to_owned();
    if let Some(n) = number_in_subject(&out) {
        out = out.replace(&format!("[#{n}]"), "");
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        "(no subject)".to_owned()
    } else {
        out.chars().take(super::rules::TITLE_MAX).collect()
    }
}

/// What handling a received mail reads and writes, on either database:
/// [`receive_with`] is written once, over this.
pub(crate) trait MailInStore: Sync {
    fn seen(&self, message_id: &str) -> impl Future<Output = CoreResult<bool>> + Send;
    /// The active account with this address.
    fn sender(&self, email: &str) -> impl Future<Output = CoreResult<Option<Actor>>> + Send;
    /// The live ticket named by a ticket Message-ID's public id, or by a notice's
    /// Message-ID.
    fn ticket_by_public_id(
        &self,
        pid: &str,
    ) -> impl Future<Output = CoreResult<Option<i64>>> + Send;
    fn ticket_by_notice(
        &self,
        message_id: &str,
    ) -> impl Future<Output = CoreResult<Option<i64>>> + Send;
    fn setting(&self, key: &str) -> impl Future<Output = CoreResult<Option<String>>> + Send;
    fn mail_category(&self) -> impl Future<Output = CoreResult<Option<i64>>> + Send;
    /// In one transaction: the reply, the Message-ID recorded, the refused files told.
    fn reply(
        &self,
        actor: Actor,
        number: i64,
        input: NewMessage,
        message_id: Option<String>,
        refused: String,
    ) -> impl Future<Output = CoreResult<()>> + Send;
    /// In one transaction: the sender's account if new, the ticket, the Message-ID
    /// recorded, receipts capped, the refused files told.
    fn open(&self, new: NewByMail) -> impl Future<Output = CoreResult<Opened>> + Send;
    /// After a change that queued notices.
    fn wake(&self);
}

/// A ticket opened by mail, checked.
pub(crate) struct NewByMail {
    pub sender: Option<Actor>,
    pub from: String,
    pub from_name: String,
    pub input: NewTicket,
    pub message_id: Option<String>,
    pub refused: String,
}

/// The name an account made for an unknown sender gets.
pub(crate) fn sender_name(email: &str, name: &str) -> String {
    if name.trim().is_empty() {
        email.split('@').next().unwrap_or(email).to_owned()
    } else {
        name.trim().chars().take(100).collect()
    }
}

/// Handles one received mail (the rules of every backend). `domain` is our
/// Message-IDs' domain.
pub(crate) async fn receive_with<S: MailInStore>(
    store: &S,
    mail: InboundMail,
    domain: &str,
) -> CoreResult<Inbound> {
    if let Some(id) = &mail.message_id
        && store.seen(id).await?
    {
        return Ok(Inbound::Handled(Handled::Duplicate));
    }
    let sender = store.sender(&mail.from).await?;
    let ticket = named_ticket(store, &mail, domain).await?;
    let mut text = mail.text.trim().to_owned();
    if !mail.refused.is_empty() {
        text.push_str("\n\n[Files not accepted: ");
        text.push_str(&mail.refused.join("; "));
        text.push(']');
    }
    if text.trim().is_empty() {
        text = "(no text)".to_owned();
    }

    // A reply, if the sender may write on the ticket it names.
    if let (Some(actor), Some(number)) = (&sender, ticket) {
        let input = NewMessage {
            body: text.clone(),
            internal: false,
            uploads: mail.uploads.clone(),
            links: Vec::new(),
            attachment_ids: Vec::new(),
            expected_version: None,
        };
        if let Err(CoreError::Invalid(problems)) = input.check().into_result() {
            return Ok(Inbound::Refused(Refusal::Invalid(explain(&problems))));
        }
        let added = store
            .reply(
                actor.clone(),
                number,
                input,
                mail.message_id.clone(),
                mail.refused.join("; "),
            )
            .await;
        match added {
            Ok(()) => {
                store.wake();
                return Ok(Inbound::Handled(Handled::Reply { number }));
            }
            // Not theirs, or closed to them: a new ticket instead, saying nothing.
            Err(CoreError::NotFound | CoreError::TicketClosed) => {}
            Err(e) => return Err(e),
        }
    }

    // A new ticket.
    let unknown_refused = sender.is_none()
        && store.setting("mail_unknown_senders").await?.as_deref() == Some("refuse");
    if unknown_refused {
        return Ok(Inbound::Refused(Refusal::UnknownSender));
    }
    let Some(category) = store.mail_category().await? else {
        return Ok(Inbound::Refused(Refusal::Invalid(
            "no active category".into(),
        )));
    };
    let input = NewTicket {
        title: clean_subject(&mail.subject),
        subject: None,
        description: text,
        priority: Priority::Medium,
        category: CategoryRef::Id(category),
        tags: Vec::new(),
        api: None,
        uploads: mail.uploads,
        links: Vec::new(),
        attachment_ids: Vec::new(),
    };
    let opened = store
        .open(NewByMail {
            sender,
            from: mail.from,
            from_name: mail.from_name,
            input,
            message_id: mail.message_id,
            refused: mail.refused.join("; "),
        })
        .await;
    match opened {
        Ok(opened) => {
            store.wake();
            Ok(Inbound::Handled(Handled::Opened {
                number: opened.number,
            }))
        }
        Err(CoreError::OpenTicketLimit { limit }) => {
            Ok(Inbound::Refused(Refusal::OpenTicketLimit { limit }))
        }
        Err(CoreError::Invalid(problems)) => {
            Ok(Inbound::Refused(Refusal::Invalid(explain(&problems))))
        }
        Err(e) => Err(e),
    }
}

/// The ticket a mail names: by our Message-IDs in its references, else by `[#1234]` in
/// its subject.
async fn named_ticket<S: MailInStore>(
    store: &S,
    mail: &InboundMail,
    domain: &str,
) -> CoreResult<Option<i64>> {
    let suffix = format!("@{domain}");
    for id in &mail.references {
        let Some(local) = id.strip_suffix(&suffix) else {
            continue;
        };
        let number = if let Some(pid) = local.strip_prefix("ticket-") {
            store.ticket_by_public_id(pid).await?
        } else {
            store.ticket_by_notice(local).await?
        };
        if number.is_some() {
            return Ok(number);
        }
    }
    Ok(number_in_subject(&mail.subject))
}

/// Handling received mail on SQLite: the store [`receive_with`] works over.
struct MailIn<'a> {
    core: &'a Core,
    db: &'a Db,
    writer: &'a Writer,
}

impl MailInStore for MailIn<'_> {
    async fn seen(&self, message_id: &str) -> CoreResult<bool> {
        Ok(sqlx::query_scalar!(
            "SELECT 1 AS one FROM mail_received WHERE message_id = ?",
            message_id
        )
        .fetch_optional(self.db)
        .await?
        .is_some())
    }
    async fn sender(&self, email: &str) -> CoreResult<Option<Actor>> {
        Ok(crate::auth::users::find_by_email(self.db, email)
            .await?
            .filter(|u| u.active)
            .map(|u| u.actor))
    }
    async fn ticket_by_public_id(&self, pid: &str) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT number FROM tickets WHERE public_id = ? AND deleted_at IS NULL",
            pid
        )
        .fetch_optional(self.db)
        .await?)
    }
    async fn ticket_by_notice(&self, message_id: &str) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar!(
            r#"SELECT t.number AS "number!" FROM outbox o JOIN tickets t ON t.id = o.ticket_id
               WHERE o.message_id = ? AND t.deleted_at IS NULL"#,
            message_id
        )
        .fetch_optional(self.db)
        .await?)
    }
    async fn setting(&self, key: &str) -> CoreResult<Option<String>> {
        self.core.setting(key).await
    }
    async fn mail_category(&self) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar!(
            "SELECT id FROM categories WHERE active = 1 ORDER BY slug = 'other' DESC, id LIMIT 1"
        )
        .fetch_optional(self.db)
        .await?)
    }
    async fn reply(
        &self,
        actor: Actor,
        number: i64,
        input: NewMessage,
        message_id: Option<String>,
        refused: String,
    ) -> CoreResult<()> {
        let notices = self.core.notices;
        let key = TicketKey::Number(number);
        self.writer
            .write(move |tx| {
                Box::pin(async move {
                    add_message_in(tx, notices, &actor, &key, input).await?;
                    record(tx, message_id.as_deref(), number).await?;
                    let ticket_id = ticket_id_of(tx, number).await?;
                    super::notify::files_refused(tx, notices, actor.id, ticket_id, &refused)
                        .await?;
                    Ok::<_, CoreError>(())
                })
            })
            .await
    }
    async fn open(&self, new: NewByMail) -> CoreResult<Opened> {
        // The account is made in the ticket's transaction; checks run as a customer would.
        let stand_in = new.sender.clone().unwrap_or(Actor {
            id: 0,
            public_id: String::new(),
            email: new.from.clone(),
            name: new.from_name.clone(),
            role: Role::Customer,
        });
        let checked = self
            .core
            .check_new_ticket(self.db, &stand_in, &new.input, &[])
            .await?;
        let notices = self.core.notices;
        self.writer
            .write(move |tx| {
                Box::pin(async move {
                    let actor = match new.sender {
                        Some(actor) => actor,
                        None => new_customer(tx, &new.from, &new.from_name).await?,
                    };
                    let opened = open_in(tx, &actor, new.input, Vec::new(), checked).await?;
                    record(tx, new.message_id.as_deref(), opened.number).await?;
                    cap_automatic_answers(tx, actor.id, opened.id).await?;
                    super::notify::files_refused(tx, notices, actor.id, opened.id, &new.refused)
                        .await?;
                    Ok::<_, CoreError>(opened)
                })
            })
            .await
    }
    fn wake(&self) {
        self.core.wake_mail();
    }
}

impl Core {
    /// Handles one received mail. `domain` is our Message-IDs' domain.
    pub async fn receive_mail(&self, mail: InboundMail, domain: &str) -> CoreResult<Inbound> {
        let (db, writer) = sqlite_or!(self, pool => {
            let store = super::pg::MailIn {
                pool: pool.clone(),
                default_limit: self.defaults.open_ticket_limit,
                notices: self.notices,
            };
            let done = store.receive(mail, domain).await;
            self.wake_mail();
            done
        });
        let store = MailIn {
            core: self,
            db,
            writer,
        };
        receive_with(&store, mail, domain).await
    }
}

fn explain(problems: &[super::FieldError]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field.as_str(), p.message()))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn ticket_id_of(tx: &mut sqlx::SqliteConnection, number: i64) -> CoreResult<i64> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM tickets WHERE number = ?", number)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// Automatic answers (receipts) to mail sent to one address in an hour; more are not
/// sent, so two automatic mailers cannot keep each other busy.
pub const AUTOMATIC_ANSWERS_PER_HOUR: i64 = 5;

/// Drops the receipt just queued for ticket `ticket_id` if its recipient already got
/// [`AUTOMATIC_ANSWERS_PER_HOUR`] in the last hour.
async fn cap_automatic_answers(
    tx: &mut sqlx::SqliteConnection,
    user_id: i64,
    ticket_id: i64,
) -> CoreResult<()> {
    let since = now_ms() - 3600 * 1000;
    sqlx::query!(
        "DELETE FROM outbox
         WHERE ticket_id = ?1 AND kind = 'ticket_received' AND recipient_id = ?2
           AND (SELECT COUNT(*) FROM outbox
                WHERE recipient_id = ?2 AND kind = 'ticket_received' AND created_at > ?3) > ?4",
        ticket_id,
        user_id,
        since,
        AUTOMATIC_ANSWERS_PER_HOUR
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Remembers that Message-ID `id` was handled (a duplicate fails the transaction).
async fn record(tx: &mut sqlx::SqliteConnection, id: Option<&str>, number: i64) -> CoreResult<()> {
    let Some(id) = id else { return Ok(()) };
    let now = now_ms();
    sqlx::query!(
        "INSERT INTO mail_received (message_id, received_at, ticket_id)
         VALUES (?, ?, (SELECT id FROM tickets WHERE number = ?))",
        id,
        now,
        number
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A customer account without a password for an unknown sender (they set one through the
/// password reset).
async fn new_customer(
    tx: &mut sqlx::SqliteConnection,
    email: &str,
    name: &str,
) -> CoreResult<Actor> {
    let pid = public_id();
    let now = now_ms();
    let name = sender_name(email, name);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
           VALUES (?, ?, ?, 'customer', '', ?, ?) RETURNING id AS "id!""#,
        pid,
        email,
        name,
        now,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Actor {
        id,
        public_id: pid,
        email: email.to_owned(),
        name,
        role: Role::Customer,
    })
}

#[cfg(test)]
mod tests {
    use super::{clean_subject, number_in_subject};

    #[test]
    fn subjects() {
        assert_eq!(number_in_subject("Re: [#1234] Printer"), Some(1234));
        assert_eq!(number_in_subject("Printer [#x]"), None);
        assert_eq!(
            clean_subject("RE: Fwd: [#1234] Printer  jams"),
            "Printer jams"
        );
        assert_eq!(clean_subject("  "), "(no subject)");
    }
}
