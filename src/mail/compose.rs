//! One notice as a mail: text and HTML (askama, the HTML escaped), `[#1234] <title>` for
//! a subject, threading headers that put every mail about a ticket in one thread, and
//! `Auto-Submitted: auto-generated` so that well-behaved auto-responders stay quiet.

use askama::Template;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::MailConfig;
use crate::db::Db;

pub struct Composed {
    pub message: Message,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct Text<'a> {
    greeting: &'a str,
    lead: &'a str,
    body: Option<&'a str>,
    attachments: &'a [(String, String)],
    link_label: &'a str,
    link: &'a str,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct Html<'a> {
    subject: &'a str,
    greeting: &'a str,
    lead: &'a str,
    body: Option<&'a str>,
    attachments: &'a [(String, String)],
    link_label: &'a str,
    link: &'a str,
    footer: &'a str,
}

/// The Message-ID that stands for a whole ticket: every mail about it names it in
/// `In-Reply-To` and `References`, and inbound replies are matched by it.
pub fn ticket_message_id(ticket_public_id: &str, domain: &str) -> String {
    format!("<ticket-{ticket_public_id}@{domain}>")
}

/// One line of a header (a subject, a name): control characters, line breaks included,
/// become spaces, so nothing typed can start a header of its own.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Composes notice `id`, or `None` when there is nothing to send any more.
pub async fn compose(db: &Db, config: &MailConfig, id: i64) -> anyhow::Result<Option<Composed>> {
    let Some(n) = sqlx::query!(
        r#"SELECT o.message_id, o.kind, o.to_address, o.secret, o.detail,
                  t.assignee_id AS "assignee_id?",
                  (SELECT value FROM settings WHERE key = 'notify_new_ticket') AS "new_ticket_mode?: String",
                  u.email AS "recipient_email?", u.name AS "recipient_name?",
                  t.public_id AS "ticket_pid?", t.number AS "number?", t.title AS "title?",
                  t.deleted_at AS "deleted_at?",
                  m.id AS "message_id_ref?", m.body AS "message_body?",
                  m.internal AS "message_internal?", a.name AS "author_name?"
           FROM outbox o
           LEFT JOIN users u ON u.id = o.recipient_id AND u.active = 1
           LEFT JOIN tickets t ON t.id = o.ticket_id
           LEFT JOIN messages m ON m.id = o.message_ref
           LEFT JOIN users a ON a.id = m.author_id
           WHERE o.id = ?"#,
        id
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let to_address = match (&n.recipient_email, &n.to_address) {
        (Some(email), _) => email.clone(),
        (None, Some(address)) => address.clone(),
        (None, None) => return Ok(None), // the recipient was deactivated or deleted
    };
    let to_name = n.recipient_name.as_deref().map(one_line);
    let to = Mailbox::new(to_name, to_address.parse()?);
    let base = &config.base_url;
    let greeting = match &n.recipient_name {
        Some(name) => format!("Hello {},", one_line(name)),
        None => "Hello,".to_owned(),
    };

    if let Some((subject, lead, path, label)) = account_mail(&n.kind) {
        let Some(token) = &n.secret else {
            return Ok(None); // already sent once: the token is gone
        };
        let subject = subject.to_owned();
        let link = format!("{base}{path}{token}");
        let message = build(config, &n.message_id, to, &subject, None)?.multipart(bodies(
            &subject,
            &greeting,
            lead,
            None,
            &[],
            label,
            &link,
            None,
        )?)?;
        return Ok(Some(Composed { message }));
    }

    if n.kind == "test" {
        let subject = "Test mail from the help desk".to_owned();
        let lead = "This is a test mail sent from the help desk's mail settings. If you can read it, mail works.";
        let message = build(config, &n.message_id, to, &subject, None)?.multipart(bodies(
            &subject,
            &greeting,
            lead,
            None,
            &[],
            "Open the help desk",
            base,
            None,
        )?)?;
        return Ok(Some(Composed { message }));
    }

    let (Some(pid), Some(number), Some(title)) = (&n.ticket_pid, n.number, &n.title) else {
        return Ok(None);
    };
    if n.deleted_at.is_some() {
        return Ok(None);
    }
    // "Only while unassigned": an agent took it before the mail went out.
    if n.kind == "new_ticket"
        && n.new_ticket_mode.as_deref() == Some("unassigned")
        && n.assignee_id.is_some()
    {
        return Ok(None);
    }
    if n.message_internal.is_some_and(|i| i != 0) {
        // Never: notes are not queued. Refuse rather than send one.
        anyhow::bail!("a notice names an internal note");
    }
    let subject = format!("[#{number}] {}", one_line(title));
    let link = format!("{base}/tickets/{number}");
    let author = n.author_name.as_deref().map(one_line).unwrap_or_default();
    let lead = match n.kind.as_str() {
        "ticket_received" => format!(
            "We have received your ticket #{number}, \"{}\". We will answer here and by mail.",
            one_line(title)
        ),
        "staff_reply" => format!("{author} replied to your ticket #{number}:"),
        "ticket_closed" => format!(
            "Your ticket #{number} has been resolved or closed. Reply to this mail or open the ticket to reopen it."
        ),
        "assigned" => format!(
            "Ticket #{number}, \"{}\", was assigned to you.",
            one_line(title)
        ),
        "customer_reply" => format!("{author} replied to ticket #{number}:"),
        "new_ticket" => format!(
            "A new ticket was opened: #{number}, \"{}\".",
            one_line(title)
        ),
        "files_refused" => format!(
            "Some files of your mail on ticket #{number} were not accepted: {}. Files may be up to 2 MiB each, at most 10 a message; add them on the ticket's page instead.",
            one_line(n.detail.as_deref().unwrap_or_default())
        ),
        other => anyhow::bail!("unknown notice kind {other:?}"),
    };
    let mut attachments = Vec::new();
    if let Some(message) = n.message_id_ref {
        let files = sqlx::query!(
            r#"SELECT id AS "id!", filename FROM attachments WHERE message_id = ? ORDER BY id"#,
            message
        )
        .fetch_all(db)
        .await?;
        for f in files {
            let name = utf8_percent_encode(&f.filename, NON_ALPHANUMERIC);
            let url = format!("{base}/attachments/{}/{name}", f.id);
            attachments.push((f.filename, url));
        }
    }
    let thread = ticket_message_id(pid, &config.domain);
    let message = build(config, &n.message_id, to, &subject, Some(&thread))?.multipart(bodies(
        &subject,
        &greeting,
        &lead,
        n.message_body.as_deref(),
        &attachments,
        "Open the ticket",
        &link,
        Some(number),
    )?)?;
    Ok(Some(Composed { message }))
}

/// The mails about an account that carry a one-time link: subject, text, the link's path
/// (the token follows it) and its label.
fn account_mail(kind: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match kind {
        "password_reset" => (
            "Reset your password",
            "Someone, hopefully you, asked to reset the password of your help desk account. The link below works once, for one hour. If it was not you, ignore this mail: your password stays as it is.",
            "/password/reset?token=",
            "Choose a new password",
        ),
        "signup_confirm" => (
            "Confirm your help desk account",
            "Someone, hopefully you, signed up for the help desk with this address. Follow the link below (within a day) to confirm it and start using your account. If it was not you, ignore this mail and no account will be made.",
            "/signup/confirm?token=",
            "Confirm my account",
        ),
        "signup_existing" => (
            "Someone tried to sign up with your address",
            "Someone tried to sign up for the help desk with this address, which already has an account. If it was you and you forgot your password, choose a new one with the link below (it works once, for one hour). Otherwise ignore this mail: nothing has changed.",
            "/password/reset?token=",
            "Choose a new password",
        ),
        _ => return None,
    })
}

/// The headers every notice has.
fn build(
    config: &MailConfig,
    message_id: &str,
    to: Mailbox,
    subject: &str,
    thread: Option<&str>,
) -> anyhow::Result<lettre::message::MessageBuilder> {
    let mut builder = Message::builder()
        .from(config.from.clone())
        .reply_to(config.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{message_id}@{}>", config.domain)))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".into(),
        ));
    if let Some(thread) = thread {
        builder = builder
            .in_reply_to(thread.to_owned())
            .references(thread.to_owned());
    }
    Ok(builder)
}

#[allow(clippy::too_many_arguments)]
fn bodies(
    subject: &str,
    greeting: &str,
    lead: &str,
    body: Option<&str>,
    attachments: &[(String, String)],
    link_label: &str,
    link: &str,
    number: Option<i64>,
) -> anyhow::Result<MultiPart> {
    let footer = match number {
        Some(n) => format!("Reply to this mail to answer on ticket #{n}. Sent by the help desk."),
        None => "Sent by the help desk.".to_owned(),
    };
    let text = Text {
        greeting,
        lead,
        body,
        attachments,
        link_label,
        link,
        footer: &footer,
    }
    .render()?;
    let html = Html {
        subject,
        greeting,
        lead,
        body,
        attachments,
        link_label,
        link,
        footer: &footer,
    }
    .render()?;
    Ok(MultiPart::alternative_plain_html(text, html))
}
