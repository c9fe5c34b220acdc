//! Mail in through the real `helpdesk mail receive` (the MTA's pipe), with real messages:
//! replies by threading headers and by `[#1234]`, quoted history cut, HTML-only and
//! non-UTF-8 mail, attachments over the cap, auto-replies and bounces, a stranger naming
//! someone else's ticket, unknown senders, the same message twice, and the exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

use helpdesk::tickets::{Actor, Core, Role, TicketKey};
use sqlx::Connection;

use crate::{TestApp, new_ticket};

/// An instance the command writes to, on the run's database (no server needed; the
/// test app's serves nobody here).
struct Desk {
    url: String,
    app: TestApp,
}

impl Desk {
    async fn new() -> Self {
        Self::on(TestApp::spawn().await)
    }

    /// On SQLite whatever the run's database (a test of SQLite's locking).
    async fn sqlite() -> Self {
        Self::on(TestApp::sqlite().await)
    }

    fn on(app: TestApp) -> Self {
        Desk {
            url: app.db_url.clone(),
            app,
        }
    }

    fn core(&self) -> &Core {
        &self.app.core
    }

    fn sql(&self, text: &str) -> crate::Sql<'_> {
        self.app.sql(text)
    }

    async fn user(&self, email: &str, role: Role) -> Actor {
        self.app
            .accounts()
            .insert_with_hash(email, "Someone", role, "x")
            .await
            .unwrap()
    }

    /// Pipes `message` into `helpdesk mail receive`: (exit code, stderr).
    fn receive(&self, message: &str) -> (i32, String) {
        self.receive_with(message, None)
    }

    /// The same, with `HELPDESK_SMTP_URL` set (what it does is notified).
    fn receive_with(&self, message: &str, smtp: Option<&str>) -> (i32, String) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_helpdesk"));
        command.env_remove("HELPDESK_SMTP_URL");
        if let Some(url) = smtp {
            command.env("HELPDESK_SMTP_URL", url);
        }
        let mut child = command
            .args(["--database", &self.url, "mail", "receive"])
            .env("HELPDESK_MAIL_FROM", "Acme Support <support@acme.test>")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(message.replace('\n', "\r\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        )
    }

    async fn count(&self, sql: &'static str) -> i64 {
        self.app.count(sql).await
    }

    async fn messages(&self, number: i64) -> Vec<String> {
        self.sql(
            "SELECT m.body FROM messages m JOIN tickets t ON t.id = m.ticket_id
             WHERE t.number = ? ORDER BY m.id",
        )
        .bind(number)
        .scalars()
        .await
    }
}

fn mail(from: &str, subject: &str, id: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: support@acme.test\nSubject: {subject}\nMessage-ID: <{id}>\n\
         Date: Mon, 30 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n{extra}\
         Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

#[tokio::test]
async fn replies_thread_into_their_ticket_without_the_quoted_history() {
    let desk = Desk::new().await;
    let carla = desk.user("carla@example.com", Role::Customer).await;
    let agent = desk.user("agent@example.com", Role::Agent).await;
    let opened = desk
        .core()
        .open_ticket(&carla, new_ticket("Printer", "It jams."))
        .await
        .unwrap();
    // A reply to our notification: matched by In-Reply-To, the quote cut.
    let reply = mail(
        "Carla <Carla@Example.com>",
        &format!("Re: [#{}] Printer", opened.number),
        "r1@mail.example.com",
        &format!("In-Reply-To: <ticket-{}@acme.test>\n", opened.public_id),
        "Still jams.\n\nOn Mon, 30 Nov 2026, Acme Support <support@acme.test> wrote:\n> Please unplug it.",
    );
    let (code, err) = desk.receive(&reply);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        desk.messages(opened.number).await,
        ["It jams.", "Still jams."]
    );
    // The same message again (the MTA retried): handled once.
    let (code, _) = desk.receive(&reply);
    assert_eq!(code, 0);
    assert_eq!(desk.messages(opened.number).await.len(), 2);
    // Only the number in the subject; a staff member's mail is a public staff reply.
    let (code, err) = desk.receive(&mail(
        "agent@example.com",
        &format!("[#{}] Printer", opened.number),
        "r2@mail.example.com",
        "",
        "Try the other tray.",
    ));
    assert_eq!(code, 0, "{err}");
    let t = desk
        .core()
        .view_ticket(&carla, &TicketKey::Number(opened.number), false)
        .await
        .unwrap();
    assert_eq!(t.messages.len(), 3);
    assert_eq!(t.messages[2].author.id, agent.id);
    assert!(!t.messages[2].internal);
}

#[tokio::test]
async fn a_stranger_naming_someone_elses_ticket_gets_a_new_ticket_and_learns_nothing() {
    let desk = Desk::new().await;
    let carla = desk.user("carla@example.com", Role::Customer).await;
    let opened = desk
        .core()
        .open_ticket(&carla, new_ticket("Private", "Secret stuff."))
        .await
        .unwrap();
    let (code, err) = desk.receive(&mail(
        "Mallory <mallory@evil.test>",
        &format!("Re: [#{}] Private", opened.number),
        "m1@evil.test",
        &format!("References: <ticket-{}@acme.test>\n", opened.public_id),
        "Let me in.",
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(desk.messages(opened.number).await, ["Secret stuff."]);
    // A new ticket for the stranger, who got a customer account without a password.
    let (number, title): (i64, String) = desk
        .sql(
            "SELECT t.number, t.title FROM tickets t JOIN users u ON u.id = t.client_id
         WHERE u.email = 'mallory@evil.test'",
        )
        .row()
        .await;
    assert_eq!(title, "Private", "the subject without Re: and the number");
    assert_ne!(number, opened.number);
    assert_eq!(desk.messages(number).await, ["Let me in."]);
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM users WHERE email = 'mallory@evil.test' AND password_hash = '' AND role = 'customer'")
            .await,
        1
    );
    // With unknown senders refused, the next stranger is refused for good (bounced).
    let admin = desk.user("admin@example.com", Role::Admin).await;
    desk.core()
        .save_setting(&admin, "mail_unknown_senders", "refuse")
        .await
        .unwrap();
    let (code, err) = desk.receive(&mail("eve@evil.test", "Hello", "e1@evil.test", "", "Hi"));
    assert_eq!(code, 67);
    assert!(err.starts_with("refused:"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM users WHERE email = 'eve@evil.test'")
            .await,
        0
    );
}

#[tokio::test]
async fn auto_replies_bounces_and_our_own_mail_are_ignored() {
    let desk = Desk::new().await;
    let carla = desk.user("carla@example.com", Role::Customer).await;
    let opened = desk
        .core()
        .open_ticket(&carla, new_ticket("Printer", "It jams."))
        .await
        .unwrap();
    let subject = format!("Re: [#{}] Printer", opened.number);
    for (from, id, extra) in [
        (
            "carla@example.com",
            "a1@x",
            "Auto-Submitted: auto-replied\n",
        ),
        ("carla@example.com", "a2@x", "Precedence: bulk\n"),
        (
            "carla@example.com",
            "a3@x",
            "X-Auto-Response-Suppress: All\n",
        ),
        ("MAILER-DAEMON@example.com", "a4@x", ""),
        ("carla@example.com", "a5@x", "Return-Path: <>\n"),
        ("carla@example.com", "hd-0011223344@acme.test", ""),
    ] {
        let (code, err) = desk.receive(&mail(from, &subject, id, extra, "Out of office."));
        assert_eq!(code, 0, "{extra}: {err}");
        assert!(err.starts_with("ignored"), "{extra}: {err}");
    }
    assert_eq!(desk.messages(opened.number).await.len(), 1);
    assert_eq!(desk.count("SELECT COUNT(*) FROM tickets").await, 1);
}

#[tokio::test]
async fn html_only_and_latin1_mail_and_files_over_the_cap() {
    let desk = Desk::new().await;
    desk.user("carla@example.com", Role::Customer).await;
    // HTML only, an encoded subject: text, never HTML.
    let html = "From: carla@example.com\nTo: support@acme.test\n\
        Subject: =?utf-8?B?w5xiZXJ3ZWlzdW5n?=\nMessage-ID: <h1@example.com>\nMIME-Version: 1.0\n\
        Content-Type: text/html; charset=utf-8\n\n\
        <html><body><p>Hello <b>there</b></p><script>alert(1)</script></body></html>\n";
    let (code, err) = desk.receive(html);
    assert_eq!(code, 0, "{err}");
    let (title, body): (String, String) = desk
        .sql(
            "SELECT t.title, m.body FROM tickets t JOIN messages m ON m.ticket_id = t.id
         ORDER BY t.id DESC LIMIT 1",
        )
        .row()
        .await;
    assert_eq!(title, "Überweisung");
    assert!(body.contains("Hello") && body.contains("there"), "{body}");
    assert!(!body.contains('<'), "no HTML kept: {body}");
    // ISO-8859-1 text.
    let latin1 = b"From: carla@example.com\r\nTo: support@acme.test\r\nSubject: Caf\xe9\r\n\
        Message-ID: <l1@example.com>\r\nMIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
        Un caf\xe9, s'il vous pla\xeet.\r\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["--database", &desk.url, "mail", "receive"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(latin1).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let body: String = desk
        .sql("SELECT body FROM messages ORDER BY id DESC LIMIT 1")
        .scalar()
        .await;
    assert_eq!(body, "Un café, s'il vous plaît.");
    // Two files: one within the cap is stored, one over it is named in the text.
    let small = "c21hbGwgZmlsZQ=="; // "small file"
    let big = "QUFB".repeat(2 * 1024 * 1024 / 3 + 10);
    let multipart = format!(
        "From: carla@example.com\nTo: support@acme.test\nSubject: Files\n\
         Message-ID: <f1@example.com>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
         Content-Type: text/plain; charset=utf-8\n\nSee the files.\n--b\n\
         Content-Type: text/plain; name=\"small.txt\"\n\
         Content-Disposition: attachment; filename=\"small.txt\"\n\
         Content-Transfer-Encoding: base64\n\n{small}\n--b\n\
         Content-Type: application/octet-stream; name=\"big.bin\"\n\
         Content-Disposition: attachment; filename=\"big.bin\"\n\
         Content-Transfer-Encoding: base64\n\n{big}\n--b--\n"
    );
    let (code, err) = desk.receive_with(&multipart, Some("smtp://127.0.0.1:9"));
    assert_eq!(code, 0, "{err}");
    // The sender is told which files were not accepted.
    let detail: String = desk
        .sql("SELECT detail FROM outbox WHERE kind = 'files_refused'")
        .scalar()
        .await;
    assert_eq!(detail, "big.bin (over 2 MiB)");
    let body: String = desk
        .sql("SELECT body FROM messages ORDER BY id DESC LIMIT 1")
        .scalar()
        .await;
    assert!(body.starts_with("See the files."), "{body}");
    assert!(body.contains("big.bin (over 2 MiB)"), "{body}");
    let files: Vec<(String, Vec<u8>)> = desk
        .sql("SELECT filename, data FROM attachments ORDER BY id")
        .rows()
        .await;
    assert_eq!(files, [("small.txt".to_owned(), b"small file".to_vec())]);
}

#[tokio::test]
async fn garbage_is_refused_for_good() {
    let desk = Desk::new().await;
    let (code, err) = desk.receive("this is not a mail at all");
    assert_eq!(code, 67, "{err}");
    assert!(err.starts_with("refused:"));
    assert_eq!(desk.count("SELECT COUNT(*) FROM tickets").await, 0);
}

/// Automatic answers to one address are capped: a mailer that keeps writing new mail gets
/// at most five receipts an hour.
#[tokio::test]
async fn receipts_to_one_address_are_capped_per_hour() {
    let desk = Desk::new().await;
    for i in 0..7 {
        let (code, err) = desk.receive_with(
            &mail(
                "robot@example.com",
                &format!("Report {i}"),
                &format!("robot-{i}@example.com"),
                "",
                "Nightly report.",
            ),
            Some("smtp://127.0.0.1:9"),
        );
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(desk.count("SELECT COUNT(*) FROM tickets").await, 7);
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM outbox WHERE kind = 'ticket_received'")
            .await,
        5
    );
}

/// While the database cannot take the write (here: another writer holds it for longer
/// than the busy timeout), the MTA is told to try again later (75), and nothing is
/// stored; the retry then goes through.
#[tokio::test]
async fn a_busy_database_asks_the_mta_to_retry() {
    let desk = Desk::sqlite().await;
    desk.user("carla@example.com", Role::Customer).await;
    let message = mail(
        "carla@example.com",
        "Busy",
        "busy-1@example.com",
        "",
        "Try me later.",
    );
    let mut holder =
        sqlx::SqliteConnection::connect_with(&helpdesk::db::options(&desk.url).unwrap())
            .await
            .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .unwrap();
    let (code, err) = desk.receive(&message);
    assert_eq!(code, 75, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    assert_eq!(desk.count("SELECT COUNT(*) FROM tickets").await, 0);
    let (code, err) = desk.receive(&message);
    assert_eq!(code, 0, "{err}");
    assert_eq!(desk.count("SELECT COUNT(*) FROM tickets").await, 1);
}

/// The open-ticket limit holds for mail too: past it, a new ticket by mail is refused for
/// good with the reason (a reply to an open ticket still goes through).
#[tokio::test]
async fn the_open_ticket_limit_applies_to_mail() {
    let desk = Desk::new().await;
    let admin = desk.user("admin@example.com", Role::Admin).await;
    desk.core()
        .save_setting(&admin, "open_ticket_limit", "1")
        .await
        .unwrap();
    let (code, err) = desk.receive(&mail("sam@example.com", "First", "l1@x", "", "One."));
    assert_eq!(code, 0, "{err}");
    let (code, err) = desk.receive(&mail("sam@example.com", "Second", "l2@x", "", "Two."));
    assert_eq!(code, 67, "{err}");
    assert!(err.contains("open tickets"), "{err}");
    let (code, err) = desk.receive(&mail(
        "sam@example.com",
        "Re: [#1001] First",
        "l3@x",
        "",
        "More.",
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(desk.messages(1001).await, ["One.", "More."]);
}
