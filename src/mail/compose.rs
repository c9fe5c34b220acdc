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
use crate::i18n::{Arg, Lang};
use helpdesk_store_pg::outbox::Outgoing;

pub struct Composed {
    pub message: Message,
}

/// What a notice says, in both its parts (text and HTML).
struct Notice<'a> {
    lang: &'a str,
    attachments_label: &'a str,
    subject: &'a str,
    greeting: &'a str,
    lead: &'a str,
    body: Option<&'a str>,
    attachments: &'a [(String, String)],
    link_label: &'a str,
    link: &'a str,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct Text<'a> {
    n: &'a Notice<'a>,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct Html<'a> {
    n: &'a Notice<'a>,
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
                  o.language AS "language?", u.language AS "recipient_language?",
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
    let files = match n.message_id_ref {
        Some(message) => sqlx::query!(
            r#"SELECT id AS "id!", filename FROM attachments WHERE message_id = ? ORDER BY id"#,
            message
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.filename))
        .collect(),
        None => Vec::new(),
    };
    compose_from(
        config,
        Outgoing {
            message_id: n.message_id,
            kind: n.kind,
            to_address: n.to_address,
            secret: n.secret,
            detail: n.detail,
            language: n.language,
            recipient_language: n.recipient_language,
            assignee_id: n.assignee_id,
            new_ticket_mode: n.new_ticket_mode,
            recipient_email: n.recipient_email,
            recipient_name: n.recipient_name,
            ticket_pid: n.ticket_pid,
            number: n.number,
            title: n.title,
            deleted_at: n.deleted_at,
            message_ref: n.message_id_ref,
            message_body: n.message_body,
            message_internal: n.message_internal.map(|i| i != 0),
            author_name: n.author_name,
            files,
        },
    )
}

/// [`compose`] on PostgreSQL.
pub async fn compose_pg(
    pool: &sqlx::PgPool,
    config: &MailConfig,
    id: i64,
) -> anyhow::Result<Option<Composed>> {
    match helpdesk_store_pg::outbox::outgoing(pool, id).await? {
        Some(n) => compose_from(config, n),
        None => Ok(None),
    }
}

/// The mail of a notice, from what either database read: the rules of who gets what,
/// in which language, with which links.
fn compose_from(config: &MailConfig, n: Outgoing) -> anyhow::Result<Option<Composed>> {
    let to_address = match (&n.recipient_email, &n.to_address) {
        (Some(email), _) => email.clone(),
        (None, Some(address)) => address.clone(),
        (None, None) => return Ok(None), // the recipient was deactivated or deleted
    };
    let to_name = n.recipient_name.as_deref().map(one_line);
    let to = Mailbox::new(to_name, to_address.parse()?);
    let base = &config.base_url;
    // The language the mail was asked in (account mails), else the recipient's.
    let lang = n
        .language
        .as_deref()
        .or(n.recipient_language.as_deref())
        .and_then(Lang::parse)
        .unwrap_or_default();
    let greeting = match &n.recipient_name {
        Some(name) => lang.t_with("mail-hello-name", &[("name", one_line(name).into())]),
        None => lang.t("mail-hello"),
    };

    if let Some((subject, lead, path, label)) = account_mail(&n.kind) {
        let Some(token) = &n.secret else {
            return Ok(None); // already sent once: the token is gone
        };
        let subject = lang.t(subject);
        let link = format!("{base}{path}{token}");
        let message = build(config, &n.message_id, to, &subject, None)?.multipart(bodies(
            lang,
            &subject,
            &greeting,
            &lang.t(lead),
            None,
            &[],
            &lang.t(label),
            &link,
            None,
        )?)?;
        return Ok(Some(Composed { message }));
    }

    if n.kind == "test" {
        let subject = lang.t("mail-test-subject");
        let message = build(config, &n.message_id, to, &subject, None)?.multipart(bodies(
            lang,
            &subject,
            &greeting,
            &lang.t("mail-test-lead"),
            None,
            &[],
            &lang.t("mail-open-desk"),
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
    if n.message_internal == Some(true) {
        // Never: notes are not queued. Refuse rather than send one.
        anyhow::bail!("a notice names an internal note");
    }
    let subject = format!("[#{number}] {}", one_line(title));
    let link = format!("{base}/tickets/{number}");
    let author = n.author_name.as_deref().map(one_line).unwrap_or_default();
    let args = [
        ("number", Arg::from(number)),
        ("title", one_line(title).into()),
        ("author", author.into()),
        (
            "files",
            one_line(n.detail.as_deref().unwrap_or_default()).into(),
        ),
    ];
    let lead = match n.kind.as_str() {
        "ticket_received" => lang.t_with("mail-ticket-received", &args),
        "staff_reply" => lang.t_with("mail-staff-reply", &args),
        "ticket_closed" => lang.t_with("mail-ticket-closed", &args),
        "assigned" => lang.t_with("mail-assigned", &args),
        "customer_reply" => lang.t_with("mail-customer-reply", &args),
        "new_ticket" => lang.t_with("mail-notice-new-ticket", &args),
        "files_refused" => lang.t_with("mail-files-refused", &args),
        other => anyhow::bail!("unknown notice kind {other:?}"),
    };
    let mut attachments = Vec::new();
    for (id, filename) in &n.files {
        let name = utf8_percent_encode(filename, NON_ALPHANUMERIC);
        attachments.push((filename.clone(), format!("{base}/attachments/{id}/{name}")));
    }
    let thread = ticket_message_id(pid, &config.domain);
    let message = build(config, &n.message_id, to, &subject, Some(&thread))?.multipart(bodies(
        lang,
        &subject,
        &greeting,
        &lead,
        n.message_body.as_deref(),
        &attachments,
        &lang.t("mail-open-ticket"),
        &link,
        Some(number),
    )?)?;
    Ok(Some(Composed { message }))
}

/// The mails about an account that carry a one-time link: the ids of their subject and
/// text, the link's path (the token follows it) and the id of its label.
fn account_mail(kind: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match kind {
        "password_reset" => (
            "mail-reset-subject",
            "mail-reset-lead",
            "/password/reset?token=",
            "mail-reset-link",
        ),
        "signup_confirm" => (
            "mail-confirm-subject",
            "mail-confirm-lead",
            "/signup/confirm?token=",
            "mail-confirm-link",
        ),
        "signup_existing" => (
            "mail-existing-subject",
            "mail-existing-lead",
            "/password/reset?token=",
            "mail-reset-link",
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
    lang: Lang,
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
        Some(n) => lang.t_with("mail-footer-ticket", &[("number", n.into())]),
        None => lang.t("mail-footer"),
    };
    let attachments_label = lang.t("mail-attachments");
    let notice = Notice {
        lang: lang.code(),
        attachments_label: &attachments_label,
        subject,
        greeting,
        lead,
        body,
        attachments,
        link_label,
        link,
        footer: &footer,
    };
    let text = Text { n: &notice }.render()?;
    let html = Html { n: &notice }.render()?;
    Ok(MultiPart::alternative_plain_html(text, html))
}
