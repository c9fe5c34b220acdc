//! Mail in: one RFC 5322 message (from an MTA's pipe, `helpdesk mail receive`) read into
//! an [`InboundMail`] for the ticket core, after the loop checks.
//!
//! Not handled, knowingly (the MTA is told "done"): bounces (an empty return path, or from
//! a mailer daemon), automatic mail (`Auto-Submitted` other than `no`, `Precedence: bulk`,
//! `junk` or `list`, `X-Auto-Response-Suppress`), and our own mail coming back (a
//! Message-ID of ours). So an auto-responder answering a notification never becomes a
//! reply, and two help desks never mail each other in a loop.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

use crate::tickets::inbound::{Handled, Inbound, InboundMail, Refusal};
use crate::tickets::rules::{ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, MESSAGE_MAX};
use crate::tickets::{Core, CoreError, Upload};

/// What became of a received message.
#[derive(Debug)]
pub enum Outcome {
    Handled(Handled),
    /// Not handled on purpose (the reason).
    Ignored(&'static str),
    /// Refused for good: the MTA should bounce it.
    Refused(String),
}

/// Reads and handles one message. `Err` only for a failure worth retrying (the database
/// cannot be written now) or a bug.
pub async fn receive(core: &Core, raw: &[u8], domain: &str) -> Result<Outcome, CoreError> {
    match parse(raw, domain) {
        Ok(mail) => Ok(outcome(core.receive_mail(mail, domain).await?)),
        Err(outcome) => Ok(outcome),
    }
}

/// What the core says, as the MTA's answer.
fn outcome(inbound: Inbound) -> Outcome {
    match inbound {
        Inbound::Handled(h) => Outcome::Handled(h),
        Inbound::Refused(Refusal::UnknownSender) => {
            Outcome::Refused("mail from unknown senders is refused here".into())
        }
        Inbound::Refused(Refusal::OpenTicketLimit { limit }) => Outcome::Refused(format!(
            "the sender already has {limit} open tickets, the most allowed"
        )),
        Inbound::Refused(Refusal::Invalid(why)) => Outcome::Refused(why),
    }
}

/// The mail to hand to the core, or what to answer without asking it (ignored or refused
/// mail).
fn parse(raw: &[u8], domain: &str) -> Result<InboundMail, Outcome> {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Err(Outcome::Refused("not an RFC 5322 message".into()));
    };
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let ids = |value: &HeaderValue| -> Vec<String> {
        match value {
            HeaderValue::Text(t) => vec![t.to_string()],
            HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
            _ => Vec::new(),
        }
    };
    let message_id = message.message_id().map(str::to_owned);
    if message_id
        .as_deref()
        .is_some_and(|id| id.ends_with(&format!("@{domain}")))
    {
        return Err(Outcome::Ignored("our own mail came back"));
    }
    if header("Return-Path").is_some_and(|p| p == "<>")
        || header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"))
        || header("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list"))
        || header("X-Auto-Response-Suppress").is_some()
    {
        return Err(Outcome::Ignored("automatic mail or a bounce"));
    }
    let Some(from) = message.from().and_then(|a| a.first()) else {
        return Err(Outcome::Refused("no sender (From)".into()));
    };
    let Some(address) = from.address() else {
        return Err(Outcome::Refused("no sender address".into()));
    };
    let address = address.trim().to_lowercase();
    let local = address.split('@').next().unwrap_or_default();
    if matches!(local, "mailer-daemon" | "postmaster" | "mail-daemon") {
        return Err(Outcome::Ignored("a bounce"));
    }
    if address.parse::<lettre::Address>().is_err() {
        return Err(Outcome::Refused(format!(
            "the sender {address:?} is not an address"
        )));
    }

    let mut references = ids(message.in_reply_to());
    references.extend(ids(message.references()));

    // text/plain preferred; an HTML-only body turned into text, never kept as HTML.
    let body = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let mut text = new_text(&body);
    if text.chars().count() > MESSAGE_MAX {
        text = text.chars().take(MESSAGE_MAX - 40).collect();
        text.push_str("\n[The rest of the mail was cut.]");
    }

    let mut uploads = Vec::new();
    let mut refused = Vec::new();
    for part in message.attachments() {
        let filename = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| "attachment".to_owned());
        let data = part.contents().to_vec();
        if data.len() > ATTACHMENT_MAX_BYTES {
            refused.push(format!("{filename} (over 2 MiB)"));
        } else if uploads.len() >= ATTACHMENTS_MAX {
            refused.push(format!("{filename} (more than {ATTACHMENTS_MAX} files)"));
        } else {
            let content_type = part
                .content_type()
                .map(|c| match c.subtype() {
                    Some(sub) => format!("{}/{}", c.ctype(), sub),
                    None => c.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into());
            uploads.push(Upload {
                filename,
                content_type,
                data,
            });
        }
    }

    Ok(InboundMail {
        from: address,
        from_name: from.name().map(str::to_owned).unwrap_or_default(),
        subject: message.subject().unwrap_or_default().to_owned(),
        message_id,
        references,
        text,
        uploads,
        refused,
    })
}

/// What the sender wrote, without the quoted history: text from the first reply header
/// ("On ... wrote:", Outlook's "-----Original Message-----" or "From:" block) on is cut,
/// as are `>` lines and the signature after "-- ". If nothing would be left, the whole
/// text is kept.
pub fn new_text(body: &str) -> String {
    let mut kept = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let reply_header = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
            || (lower.starts_with("el ") && lower.ends_with("escribió:"))
            || lower.starts_with("-----original message-----")
            || (lower.starts_with("from:") && kept.iter().any(|l: &&str| l.trim().is_empty()))
            || lower.starts_with("________________________________");
        if reply_header || line == "-- " {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        kept.push(line);
    }
    let text = kept.join("\n").trim().to_owned();
    if text.is_empty() {
        body.trim().to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::new_text;

    #[test]
    fn quoted_history_and_signatures_are_cut() {
        let gmail = "Thanks, it works now.\n\nOn Mon, Nov 30, 2026 at 10:00 AM Acme Support <support@acme.test> wrote:\n> Please unplug it.\n> Bye";
        assert_eq!(new_text(gmail), "Thanks, it works now.");
        let outlook = "Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Acme Support\r\nSent: Monday\r\n";
        assert_eq!(new_text(outlook), "Still broken.");
        let outlook_from =
            "Works.\n\nFrom: Acme Support <support@acme.test>\nSent: Monday\nSubject: [#1001] x";
        assert_eq!(new_text(outlook_from), "Works.");
        let signed = "Hello\n-- \nCarla\nACME Inc.";
        assert_eq!(new_text(signed), "Hello");
        let inline = "> old line\nnew line\n> another old\nmore new";
        assert_eq!(new_text(inline), "new line\nmore new");
        assert_eq!(new_text("> only quotes"), "> only quotes");
    }
}
