//! Mail out, against a real SMTP server on loopback (`smtp.rs`): who gets which
//! notification, what it says and how it threads; internal notes never leave; a change
//! that is rolled back sends nothing; an SMTP server that is down is retried until it is
//! back; admins' and users' switches; the admin's outbox and test mail.

use helpdesk::tickets::{
    Actor, NewMessage, Role, Status, TicketKey, TicketUpdate, Upload, UserRef,
};
use reqwest::StatusCode;

use crate::smtp::{Received, SmtpServer};
use crate::{TestApp, new_ticket, select};

fn message(body: &str, internal: bool, uploads: Vec<Upload>) -> NewMessage {
    NewMessage {
        body: body.into(),
        internal,
        uploads,
        links: Vec::new(),
        attachment_ids: Vec::new(),
        expected_version: None,
    }
}

fn to(mails: &[Received], address: &str) -> Vec<Received> {
    mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

fn text(m: &Received) -> String {
    m.parsed()
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

fn html(m: &Received) -> String {
    m.parsed()
        .body_html(0)
        .map(|t| t.into_owned())
        .unwrap_or_default()
}

fn header(m: &Received, name: &str) -> String {
    m.parsed()
        .header_raw(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

async fn outbox_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM outbox").await
}

/// Waits until the outbox has nothing queued (everything sent or given up).
async fn drained(app: &TestApp) {
    for _ in 0..300 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE state = 'queued'")
            .await
            == 0
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the outbox did not drain");
}

struct People {
    customer: Actor,
    agent: Actor,
    other_agent: Actor,
    admin: Actor,
}

async fn people(app: &TestApp) -> People {
    People {
        customer: app.user("carla@example.com", Role::Customer).await,
        agent: app.user("agent@example.com", Role::Agent).await,
        other_agent: app.user("otto@example.com", Role::Agent).await,
        admin: app.user("admin@example.com", Role::Admin).await,
    }
}

#[tokio::test]
async fn each_change_mails_the_right_people_and_notes_never_leave() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let p = people(&app).await;

    // A customer opens a ticket: a receipt to them, "new ticket" to every agent and admin.
    let opened = app
        .core
        .open_ticket(
            &p.customer,
            new_ticket("Printer on fire", "Smoke everywhere."),
        )
        .await
        .unwrap();
    let key = TicketKey::Number(opened.number);
    let mails = smtp.wait_for(4).await;
    let receipt = &to(&mails, "carla@example.com")[0];
    assert!(
        receipt.from.contains("support@acme.test"),
        "envelope sender"
    );
    let subject = format!("[#{}] Printer on fire", opened.number);
    assert_eq!(receipt.parsed().subject(), Some(subject.as_str()));
    let link = app.url(&format!("/tickets/{}", opened.number));
    assert!(text(receipt).contains(&link), "{}", text(receipt));
    assert!(html(receipt).contains(&link));
    assert!(text(receipt).contains(&format!("#{}", opened.number)));
    for staff in ["agent@example.com", "otto@example.com", "admin@example.com"] {
        let got = to(&mails, staff);
        assert_eq!(got.len(), 1, "new ticket to {staff}");
        assert!(
            text(&got[0]).contains("A new ticket was opened"),
            "{}",
            text(&got[0])
        );
    }
    // Threading: every mail about the ticket names the same thread id.
    let thread = format!("<ticket-{}@acme.test>", opened.public_id);
    for m in &mails {
        assert_eq!(header(m, "In-Reply-To"), thread);
        assert_eq!(header(m, "References"), thread);
        assert_eq!(header(m, "Auto-Submitted"), "auto-generated");
        assert!(header(m, "Message-ID").ends_with("@acme.test>"));
        assert!(header(m, "From").contains("support@acme.test"));
    }
    let ids: std::collections::HashSet<String> =
        mails.iter().map(|m| header(m, "Message-ID")).collect();
    assert_eq!(ids.len(), mails.len(), "one Message-ID per mail");

    // An internal note with a secret: nobody is mailed.
    app.core
        .add_message(
            &p.agent,
            &key,
            message("SECRET-NOTE-42 do not tell", true, vec![]),
        )
        .await
        .unwrap();
    // A public reply with a file: the customer gets the text, the file's name and link.
    app.core
        .add_message(
            &p.agent,
            &key,
            message(
                "Please <b>unplug</b> it.",
                false,
                vec![Upload {
                    filename: "steps.txt".into(),
                    content_type: "text/plain".into(),
                    data: b"1. unplug".to_vec(),
                }],
            ),
        )
        .await
        .unwrap();
    let mails = smtp.wait_for(5).await;
    let reply = to(&mails, "carla@example.com").pop().unwrap();
    assert!(text(&reply).contains("Please <b>unplug</b> it."));
    assert!(text(&reply).contains("steps.txt"));
    assert!(text(&reply).contains(&app.url("/attachments/")));
    let body = html(&reply);
    assert!(
        body.contains("unplug") && !body.contains("<b>unplug"),
        "escaped in HTML: {body}"
    );

    // Assigned to Otto: Otto hears of it. The customer replies: the assignee hears of it.
    app.core
        .update_ticket(
            &p.agent,
            &key,
            TicketUpdate {
                assignee: Some(Some(UserRef::Id(p.other_agent.id))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.core
        .add_message(&p.customer, &key, message("It is out now.", false, vec![]))
        .await
        .unwrap();
    // Staff resolve it: the customer is told.
    app.core
        .change_status(&p.agent, &key, Status::Resolved, None)
        .await
        .unwrap();
    let mails = smtp.wait_for(8).await;
    let otto = to(&mails, "otto@example.com");
    assert_eq!(otto.len(), 3, "new ticket, assigned, customer replied");
    assert!(text(&otto[1]).contains("was assigned to you"));
    assert!(text(&otto[2]).contains("It is out now."));
    let carla = to(&mails, "carla@example.com");
    assert_eq!(carla.len(), 3, "receipt, reply, resolved");
    assert!(text(&carla[2]).contains("resolved or closed"));
    drained(&app).await;
    assert_eq!(smtp.received().len(), 8, "nothing else");
    for m in smtp.received() {
        let raw = String::from_utf8_lossy(&m.data).to_string();
        assert!(
            !raw.contains("SECRET-NOTE-42"),
            "a note left by mail: {raw}"
        );
    }
    let _ = p.admin;
}

#[tokio::test]
async fn a_change_that_is_rolled_back_sends_nothing() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::sqlite_with_mail(&smtp.url()).await;
    let p = people(&app).await;
    // The disk is "full": the create fails, and with it the notices it queued.
    let pages: i64 = app.sql("PRAGMA page_count").scalar().await;
    app.writer().limit_pages(Some(pages as u64));
    let big = "x".repeat(40_000);
    let failed = app
        .core
        .open_ticket(&p.customer, new_ticket("Lost", &big))
        .await;
    assert!(failed.is_err());
    app.writer().limit_pages(None);
    // A refused change (a customer may not write an internal note) queues nothing either.
    let opened = app
        .core
        .open_ticket(&p.agent, new_ticket("Staff ticket", "For the record."))
        .await
        .unwrap();
    let before = outbox_count(&app).await;
    let refused = app
        .core
        .add_message(
            &p.customer,
            &TicketKey::Number(opened.number),
            message("hi", false, vec![]),
        )
        .await;
    assert!(refused.is_err(), "not the customer's ticket");
    assert_eq!(outbox_count(&app).await, before);
    drained(&app).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title = 'Lost'")
            .await,
        0
    );
    for m in smtp.received() {
        assert!(!String::from_utf8_lossy(&m.data).contains("Lost"));
    }
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_when_it_is_back() {
    let mut smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    smtp.stop();
    app.core
        .open_ticket(&customer, new_ticket("Down", "Mail server is down."))
        .await
        .unwrap();
    // It failed at least once and says why, and is still queued.
    let mut failing = 0;
    for _ in 0..100 {
        failing = app
            .count(
                "SELECT COUNT(*) FROM outbox
                 WHERE state = 'queued' AND attempts >= 1 AND last_error IS NOT NULL",
            )
            .await;
        if failing == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failing, 1);
    assert!(smtp.received().is_empty());
    smtp.restart().await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["carla@example.com"]);
    drained(&app).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
            .await,
        1
    );
}

#[tokio::test]
async fn admins_and_users_turn_notifications_off() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let p = people(&app).await;
    let (admin, _) = (app.session_of(&p.admin).await, ());
    // The admin turns "new ticket" off for everyone.
    let mut fields = vec![("new_ticket", "off"), ("unknown_senders", "accept")];
    for kind in [
        "ticket_received",
        "staff_reply",
        "ticket_closed",
        "assigned",
        "customer_reply",
    ] {
        fields.push(("kind", kind));
    }
    let r = admin.post("/admin/mail/notifications", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The customer turns their receipts off on the account page.
    let carla = app.session_of(&p.customer).await;
    let (_, page) = carla.text("/account").await;
    assert!(page.contains("Mail notifications"));
    let r = carla
        .post(
            "/account/notifications",
            &[("kind", "staff_reply"), ("kind", "ticket_closed")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let opened = app
        .core
        .open_ticket(&p.customer, new_ticket("Quiet", "No mail please."))
        .await
        .unwrap();
    app.core
        .add_message(
            &p.agent,
            &TicketKey::Number(opened.number),
            message("Answer", false, vec![]),
        )
        .await
        .unwrap();
    let mails = smtp.wait_for(1).await;
    drained(&app).await;
    let mails = if mails.len() == 1 {
        smtp.received()
    } else {
        mails
    };
    assert_eq!(mails.len(), 1, "only the staff reply");
    assert_eq!(mails[0].to, ["carla@example.com"]);
    assert!(text(&mails[0]).contains("Answer"));
}

#[tokio::test]
async fn no_header_can_be_injected_through_a_title_or_a_name() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    app.sql("UPDATE users SET name = ? WHERE id = ?")
        .bind("Carla\r\nBcc: evil@example.com")
        .bind(customer.id)
        .execute()
        .await;
    app.core
        .open_ticket(
            &customer,
            new_ticket("Hello\r\nBcc: evil@example.com\r\nX-Evil: 1", "Body"),
        )
        .await
        .unwrap();
    let mails = smtp.wait_for(1).await;
    let m = &mails[0];
    assert_eq!(m.to, ["carla@example.com"]);
    assert!(m.parsed().header_raw("Bcc").is_none());
    assert!(m.parsed().header_raw("X-Evil").is_none());
    let subject = m.parsed().subject().unwrap_or_default().to_owned();
    assert!(subject.starts_with("[#1001] Hello"), "{subject}");
    assert!(!subject.contains('\n'));
}

#[tokio::test]
async fn the_admin_sees_the_outbox_sends_a_test_mail_and_retries() {
    let mut smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let admin = app.user("admin@example.com", Role::Admin).await;
    let page = app.session_of(&admin).await;
    let (status, html) = page.text("/admin/mail").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&smtp.url()), "the SMTP server in effect");
    assert!(html.contains("support@acme.test"));
    let r = page
        .post("/admin/mail/test", &[("to", "not an address")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Enter an email address"));
    let r = page
        .post("/admin/mail/test", &[("to", "ops@example.com")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["ops@example.com"]);
    drained(&app).await;
    let (_, html) = page.text("/admin/mail").await;
    assert_eq!(select(&html, "td .state"), ["sent"]);

    // While the server is down a mail is "failing" with the error; Retry sends it once
    // the server is back.
    smtp.stop();
    let r = page
        .post("/admin/mail/test", &[("to", "ops@example.com")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut state = Vec::new();
    for _ in 0..100 {
        let (_, html) = page.text("/admin/mail").await;
        state = select(&html, "td .state");
        if state.first().map(String::as_str) == Some("failing") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state.first().map(String::as_str), Some("failing"));
    smtp.restart().await;
    let id: i64 = app.sql("SELECT MAX(id) FROM outbox").scalar().await;
    let r = page.post(&format!("/admin/mail/{id}/retry"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    smtp.wait_for(2).await;
    // Agents may not see any of it.
    let agent = app.user("agent@example.com", Role::Agent).await;
    let (status, _) = app.session_of(&agent).await.text("/admin/mail").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn without_mail_configured_nothing_is_queued_and_the_page_says_so() {
    let app = TestApp::spawn().await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    app.core
        .open_ticket(&customer, new_ticket("Quiet", "No mail."))
        .await
        .unwrap();
    assert_eq!(outbox_count(&app).await, 0);
    let admin = app.user("admin@example.com", Role::Admin).await;
    let (_, html) = app.session_of(&admin).await.text("/admin/mail").await;
    assert!(html.contains("Mail is not configured"));
}

/// "Forgot password?": the same answer for any address, a single-use link by mail that
/// sets the password and ends every session; without mail the link is not offered.
#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_mailed_link() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let carla = app.user("carla@example.com", Role::Customer).await;
    let other_session = app.session_of(&carla).await;
    let c = app.client();
    let (_, login) = c.text("/login").await;
    assert!(login.contains("/password/forgot"));

    let known = c
        .post("/password/forgot", &[("email", "Carla@Example.com")])
        .await;
    assert_eq!(known.status(), StatusCode::OK);
    let known = known.text().await.unwrap();
    let unknown = c
        .post("/password/forgot", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    let unknown = unknown.text().await.unwrap();
    let said = |html: &str| select(html, "[role=status]").join(" ");
    assert_eq!(
        said(&known).replace("carla@example.com", "X"),
        said(&unknown).replace("nobody@example.com", "X"),
        "the same answer either way"
    );
    let mails = smtp.wait_for(1).await;
    drained(&app).await;
    assert_eq!(smtp.received().len(), 1, "a mail only to the real account");
    assert_eq!(mails[0].to, ["carla@example.com"]);
    let body = text(&mails[0]);
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/password/reset?token="))
        .expect("a link")
        .to_owned();
    let path = link.trim_start_matches(&app.url(""));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL")
            .await,
        0,
        "the token is forgotten once sent"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM password_resets").await,
        1,
        "stored hashed"
    );
    let token = path.split("token=").nth(1).unwrap().to_owned();
    let stored: String = app
        .sql("SELECT token_hash FROM password_resets")
        .scalar()
        .await;
    assert_eq!(
        stored,
        helpdesk::secure::sha256_hex(&token),
        "only the hash"
    );

    let (status, _) = c.text(path).await;
    assert_eq!(status, StatusCode::OK);
    let r = c
        .post(
            "/password/reset",
            &[("token", &token), ("new", "short"), ("confirm", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(
            "/password/reset",
            &[
                ("token", &token),
                ("new", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::location(&r), "/login");
    // Every other session ended; the new password works; the link works once.
    let (status, _) = other_session.text("/account").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.login("carla@example.com", "a brand new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let again = app.client();
    let r = again
        .post(
            "/password/reset",
            &[
                ("token", &token),
                ("new", "another new password"),
                ("confirm", "another new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::GONE);
    let (status, _) = again.text(path).await;
    assert_eq!(status, StatusCode::GONE);
    let _ = carla;
}

#[tokio::test]
async fn without_mail_there_is_no_reset_link() {
    let app = TestApp::spawn().await;
    app.user("carla@example.com", Role::Customer).await;
    let c = app.client();
    let (_, login) = c.text("/login").await;
    assert!(!login.contains("/password/forgot"));
    let r = c
        .post("/password/forgot", &[("email", "carla@example.com")])
        .await;
    assert!(r.text().await.unwrap().contains("Ask an administrator"));
    assert_eq!(app.count("SELECT COUNT(*) FROM password_resets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}

/// With mail, sign-up answers the same for a new and a taken address: the new one gets a
/// confirmation link (the account works once it is followed), the taken one a note with a
/// reset link.
#[tokio::test]
async fn signup_with_mail_tells_a_stranger_nothing() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    app.user("taken@example.com", Role::Customer).await;
    let fields = |email: &'static str| {
        [
            ("name", "Newcomer"),
            ("email", email),
            ("password", "a long password"),
        ]
    };
    let c = app.client();
    let new = c.post("/signup", &fields("new@example.com")).await;
    assert_eq!(new.status(), StatusCode::OK);
    let new = new.text().await.unwrap();
    let taken = app
        .client()
        .post("/signup", &fields("taken@example.com"))
        .await;
    assert_eq!(taken.status(), StatusCode::OK);
    let taken = taken.text().await.unwrap();
    let said = |html: &str| select(html, "[role=status]").join(" ");
    assert_eq!(
        said(&new).replace("new@example.com", "X"),
        said(&taken).replace("taken@example.com", "X")
    );
    assert!(c.cookie("hd_session").is_none(), "not logged in yet");
    let mails = smtp.wait_for(2).await;
    drained(&app).await;
    let to_taken = to(&mails, "taken@example.com");
    assert!(text(&to_taken[0]).contains("already has an account"));
    assert!(text(&to_taken[0]).contains("/password/reset?token="));
    let to_new = to(&mails, "new@example.com");
    let link = text(&to_new[0])
        .split_whitespace()
        .find(|w| w.contains("/signup/confirm?token="))
        .unwrap()
        .to_owned();
    // Not confirmed: the password does not open it yet.
    assert_eq!(
        c.login("new@example.com", "a long password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Following the link shows a button; a GET alone confirms nothing.
    let path = link.trim_start_matches(&app.url(""));
    let (status, page) = c.text(path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'new@example.com' AND confirmed")
            .await,
        0,
        "not confirmed yet"
    );
    let token = path.split("token=").nth(1).unwrap();
    assert!(page.contains(token));
    let r = c.post("/signup/confirm", &[("token", token)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::location(&r), "/tickets");
    let (status, _) = c.text("/tickets").await;
    assert_eq!(status, StatusCode::OK, "logged in");
    let r = app
        .client()
        .post("/signup/confirm", &[("token", token)])
        .await;
    assert_eq!(r.status(), StatusCode::GONE, "a link works once");
    assert_eq!(
        app.client()
            .login("new@example.com", "a long password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

/// A notice committed and not yet sent survives the process: queued by `mail receive`
/// (which has no worker), or left failing by a server killed with SIGKILL, it is sent by
/// the next server that starts.
#[tokio::test]
async fn a_notice_committed_before_a_kill_is_sent_after_the_restart() {
    use std::process::{Command, Stdio};
    let mut smtp = SmtpServer::start().await;
    smtp.stop();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("kill.db").display());
    let serve = |smtp_url: String| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
            .args([
                "--database",
                &db,
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .env("HELPDESK_SMTP_URL", smtp_url)
            .env("HELPDESK_MAIL_FROM", "Acme Support <support@acme.test>")
            .env("HELPDESK_MAIL_RETRY_SECONDS", "1")
            .env("HELPDESK_LOG", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        (child, port)
    };
    let wait_up = |port: u16| async move {
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not start");
    };
    // The server runs once (migrations) and is killed while the SMTP server is down.
    let (mut server, port) = serve(smtp.url());
    wait_up(port).await;
    // A mail to the desk opens a ticket; its receipt is queued by the command line.
    let mut receive = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["--database", &db, "mail", "receive"])
        .env("HELPDESK_SMTP_URL", smtp.url())
        .env("HELPDESK_MAIL_FROM", "Acme Support <support@acme.test>")
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut receive.stdin.take().unwrap(),
        b"From: carla@example.com\r\nTo: support@acme.test\r\nSubject: Help\r\n\
          Message-ID: <k1@example.com>\r\n\r\nPlease help.\r\n",
    )
    .unwrap();
    assert!(receive.wait().unwrap().success());
    // The running server's worker tries, fails (the SMTP server is down), and is killed.
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    let mut tried = 0;
    for _ in 0..100 {
        tried = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND state = 'queued'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if tried == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(tried, 1, "the worker tried and failed");
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    assert!(smtp.received().is_empty());

    smtp.restart().await;
    let (mut server, port) = serve(smtp.url());
    wait_up(port).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, ["carla@example.com"]);
    assert!(
        mails[0]
            .parsed()
            .subject()
            .unwrap_or_default()
            .contains("Help")
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// "Unless someone took the ticket first": new-ticket mails still waiting when an agent
/// assigns the ticket are not sent.
#[tokio::test]
async fn new_ticket_mails_can_wait_for_nobody_to_take_the_ticket() {
    let mut smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let p = people(&app).await;
    let admin = app.session_of(&p.admin).await;
    let r = admin
        .post(
            "/admin/mail/notifications",
            &[
                ("kind", "ticket_received"),
                ("new_ticket", "unassigned"),
                ("unknown_senders", "refuse"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = admin.text("/admin/mail").await;
    assert!(html.contains(r#"<option value="unassigned" selected>"#));
    assert!(html.contains(r#"<option value="refuse" selected>"#));
    smtp.stop();
    let opened = app
        .core
        .open_ticket(&p.customer, new_ticket("Taken fast", "Help."))
        .await
        .unwrap();
    app.core
        .update_ticket(
            &p.agent,
            &TicketKey::Number(opened.number),
            TicketUpdate {
                assignee: Some(Some(UserRef::Id(p.agent.id))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    smtp.restart().await;
    // Everything waiting is tried again now.
    let ids: Vec<i64> = app
        .sql("SELECT id FROM outbox WHERE state = 'queued'")
        .scalars()
        .await;
    for id in ids {
        let _ = app.core.retry_mail(&p.admin, id).await;
    }
    drained(&app).await;
    let mails = smtp.received();
    assert_eq!(to(&mails, "carla@example.com").len(), 1, "the receipt");
    assert!(
        to(&mails, "otto@example.com").is_empty(),
        "taken: no new-ticket mail"
    );
    assert!(to(&mails, "admin@example.com").is_empty());
}

/// STARTTLS (`?tls=required`) and implicit TLS (`smtps://`), with the server's certificate
/// checked against a CA given with `--mail-ca-file`; a certificate nobody vouches for is
/// refused, and the mail waits.
#[tokio::test]
async fn mail_goes_over_starttls_and_smtps_with_a_checked_certificate() {
    use crate::smtp::{TestCa, Tls};
    let ca = TestCa::new();
    for (tls, url) in [
        (
            Tls::Upgrade(ca.acceptor.clone()),
            "smtp://localhost:{port}?tls=required",
        ),
        (
            Tls::Implicit(ca.acceptor.clone()),
            "smtps://localhost:{port}",
        ),
    ] {
        let smtp = SmtpServer::start_with(tls).await;
        let url = url.replace("{port}", &smtp.addr.port().to_string());
        let app = TestApp::with_mail_ca(&url, &ca.ca_pem).await;
        let customer = app.user("carla@example.com", Role::Customer).await;
        app.core
            .open_ticket(&customer, new_ticket("Secure", "Over TLS."))
            .await
            .unwrap();
        let mails = smtp.wait_for(1).await;
        assert_eq!(mails[0].to, ["carla@example.com"], "{url}");

        // Without the CA the certificate is not trusted: nothing goes, the error is kept.
        let untrusting = TestApp::with_mail(&url).await;
        let customer = untrusting.user("carla@example.com", Role::Customer).await;
        untrusting
            .core
            .open_ticket(&customer, new_ticket("Insecure", "Not sent."))
            .await
            .unwrap();
        let mut failing = 0;
        for _ in 0..100 {
            failing = untrusting
                .count("SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL")
                .await;
            if failing > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(failing, 1, "{url}");
        assert_eq!(smtp.received().len(), 1, "{url}");
    }
}

/// Mail speaks the recipient's language: the one chosen on their account page for
/// notices, and for an account mail the language of the browser that asked for it.
#[tokio::test]
async fn mail_speaks_the_recipients_language() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let p = people(&app).await;
    app.sql("UPDATE users SET language = 'es' WHERE id = ?")
        .bind(p.customer.id)
        .execute()
        .await;
    let opened = app
        .core
        .open_ticket(&p.customer, new_ticket("Impresora", "No imprime."))
        .await
        .unwrap();
    let mails = smtp.wait_for(4).await;
    let receipt = &to(&mails, "carla@example.com")[0];
    let body = text(receipt);
    assert!(body.starts_with("Hola, carla:"), "{body}");
    assert!(
        body.contains(&format!("Hemos recibido su ticket #{}", opened.number)),
        "{body}"
    );
    assert!(body.contains("Abrir el ticket") && body.contains("Enviado por el centro de ayuda"));
    assert!(html(receipt).contains("<html lang=\"es\">"));
    // The agents chose no language: English.
    let agent = &to(&mails, "agent@example.com")[0];
    assert!(text(agent).contains("A new ticket was opened"));
    assert!(html(agent).contains("<html lang=\"en\">"));

    // A stranger signs up from a Spanish browser: the confirmation is in Spanish.
    drained(&app).await;
    let before = smtp.received().len();
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                "es-ES,es;q=0.9".parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    c.get(app.url("/signup")).send().await.unwrap();
    let csrf = c
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::select_attr(&csrf, "input[name=csrf]", "value");
    let r = c
        .post(app.url("/signup"))
        .form(&[
            ("csrf", token.as_str()),
            ("name", "Nueva"),
            ("email", "nueva@example.com"),
            ("password", "una contraseña larga"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mails = smtp.wait_for(before + 1).await;
    let confirm = &to(&mails, "nueva@example.com")[0];
    assert_eq!(
        confirm.parsed().subject(),
        Some("Confirme su cuenta del centro de ayuda")
    );
    assert!(text(confirm).contains("Confirmar mi cuenta"));
}
