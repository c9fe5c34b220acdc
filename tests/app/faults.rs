//! A full disk, caused on any machine: the writer's connection is capped at the database's
//! current size (`PRAGMA max_page_count`), so every write that needs another page fails
//! exactly as it does when the filesystem is full. Small writes that would still fit in a
//! page are made to need one by filling their table's page first (see [`fill`]).
//!
//! What must hold: every write answers 503 in its face's own shape and stores nothing,
//! reads keep working, and once the cap is lifted the same writes work again, without a
//! restart. The same with a real full filesystem runs in `disk_full.rs`.

use helpdesk::tickets::Role;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::{TestApp, new_ticket, select};

/// Text that needs overflow pages: no write carrying it fits in the pages there are.
fn big_text() -> String {
    "The printer on floor three jams on every job. ".repeat(900)
}

fn big_file() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

async fn page_count(app: &TestApp) -> u64 {
    sqlx::query_scalar::<_, i64>("PRAGMA page_count")
        .fetch_one(app.rw())
        .await
        .unwrap() as u64
}

/// Caps the database at its current size: from now on it is "full".
async fn fill_disk(app: &TestApp) -> u64 {
    let pages = page_count(app).await;
    app.writer().limit_pages(Some(pages));
    pages
}

/// Fills the one page a small table lives on with rows of `insert` (numbered by `?`)
/// until the database is full, so that the app's next row of at least that size needs a
/// page that cannot be had.
async fn fill(app: &TestApp, pages: u64, insert: &'static str) {
    let mut conn = app.rw().acquire().await.unwrap();
    let cap = format!("PRAGMA max_page_count = {pages}");
    sqlx::query(sqlx::AssertSqlSafe(cap))
        .execute(&mut *conn)
        .await
        .unwrap();
    let mut n = 0;
    loop {
        match sqlx::query(insert).bind(n).execute(&mut *conn).await {
            Ok(_) => n += 1,
            Err(e) => {
                assert!(helpdesk::db::is_unavailable(&e), "{e}");
                break;
            }
        }
        assert!(n < 100_000, "the table never filled");
    }
    sqlx::query("PRAGMA max_page_count = 4294967294")
        .execute(&mut *conn)
        .await
        .unwrap();
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM tickets").await,
        app.count("SELECT COUNT(*) FROM messages").await,
        app.count("SELECT COUNT(*) FROM attachments").await,
    )
}

#[tokio::test]
async fn while_the_disk_is_full_portal_writes_answer_503_keep_the_text_and_heal_alone() {
    let app = TestApp::sqlite().await;
    let (ann, customer) = app.logged_in("ann@example.com", Role::Customer).await;
    let number = app.ticket(&customer, "Printer jams").await;
    let before = counts(&app).await;
    fill_disk(&app).await;

    // A new ticket: 503, the form again with everything typed in it.
    let description = big_text();
    let new_ticket_fields = [
        ("title", "Scanner is offline"),
        ("category", "5"),
        ("priority", "high"),
        ("description", description.as_str()),
    ];
    let r = ann
        .post_multipart("/tickets/new", &new_ticket_fields, &[])
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = r.text().await.unwrap();
    assert!(page.contains("cannot save changes right now"), "{page}");
    assert_eq!(
        select(&page, "input[name=title]").len(),
        1,
        "the form is shown again"
    );
    assert!(page.contains("Scanner is offline"));
    assert!(page.contains("The printer on floor three jams"));

    // A reply with a file: 503, the reply box keeps its text.
    let reply = big_text();
    let r = ann
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", reply.as_str())],
            &[("attachments", "log.txt", big_file())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = r.text().await.unwrap();
    assert!(page.contains("cannot save changes right now"));
    assert!(page.contains("The printer on floor three jams"));
    assert_eq!(counts(&app).await, before, "nothing partial was stored");

    // Reads keep working.
    let (status, _) = ann.text("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = ann.text(&format!("/tickets/{number}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Printer jams"));

    // Space again: the same writes work, no restart.
    app.writer().limit_pages(None);
    let r = ann
        .post_multipart("/tickets/new", &new_ticket_fields, &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ann
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", reply.as_str())],
            &[("attachments", "log.txt", big_file())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        counts(&app).await,
        (before.0 + 1, before.1 + 2, before.2 + 1)
    );
}

#[tokio::test]
async fn while_the_disk_is_full_login_and_settings_answer_503_and_heal_alone() {
    let app = TestApp::sqlite().await;
    let (admin, _) = app.logged_in("root@example.com", Role::Admin).await;
    app.user("bob@example.com", Role::Customer).await;
    let pages = fill_disk(&app).await;
    fill(
        &app,
        pages,
        "INSERT INTO login_throttle (key, window_start, failures) VALUES ('f' || ?, 0, 0)",
    )
    .await;
    fill(
        &app,
        pages,
        "INSERT INTO settings (key, value) VALUES ('f' || ?, '')",
    )
    .await;

    let bob = app.client();
    let r = bob.login("bob@example.com", crate::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        bob.cookie("hd_session").is_none(),
        "no session was handed out"
    );
    let r = admin
        .post("/admin/settings", &[("open_ticket_limit", "30")])
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().await.unwrap().contains("cannot save changes"));
    let (status, _) = admin.text("/admin/settings").await;
    assert_eq!(status, StatusCode::OK, "reads keep working");

    app.writer().limit_pages(None);
    let r = bob.login("bob@example.com", crate::PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = bob.text("/tickets").await;
    assert_eq!(status, StatusCode::OK, "the new session works");
    let r = admin
        .post("/admin/settings", &[("open_ticket_limit", "30")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.core.open_ticket_limit().await.unwrap(), 30);
}

#[tokio::test]
async fn while_the_disk_is_full_every_json_dialect_answers_503_in_its_own_shape() {
    let app = TestApp::sqlite().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let token = app.api_token(&ann).await;
    let key = app.apikey().await;
    let number = app.ticket(&ann, "Printer jams").await;
    let id = app
        .core
        .view_ticket(&ann, &helpdesk::tickets::TicketKey::Number(number), false)
        .await
        .unwrap()
        .public_id;
    let http = reqwest::Client::new();
    let before = counts(&app).await;
    fill_disk(&app).await;
    let description = big_text();

    // v2
    let r = http
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&token)
        .json(&json!({"title": "T", "description": description, "priority": "high", "category": "technical"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], "SERVICE_UNAVAILABLE", "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("nothing was saved")
    );

    // legacy: a ticket, a thread, an upload.
    let r = http
        .post(app.url("/support-tickets/insert"))
        .bearer_auth(&token)
        .json(&json!({"title": "T", "category": "integration", "threads": [{"message": description}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "ServiceUnavailable", "{body}");
    let r = http
        .post(app.url(&format!("/support-tickets/{id}/thread")))
        .bearer_auth(&token)
        .json(&json!({"message": description}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let upload = || {
        Form::new().part(
            "file",
            Part::bytes(big_file()).file_name("trace.log".to_string()),
        )
    };
    let r = http
        .post(app.url("/attachments"))
        .bearer_auth(&token)
        .multipart(upload())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "an upload is never acknowledged unless it was committed"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "ServiceUnavailable", "{body}");

    // epixel: a ticket with a file, a conversation.
    let epixel = |path: &str, form: Form| {
        http.post(app.url(path))
            .header("apikey", &key)
            .bearer_auth(&token)
            .multipart(form)
            .send()
    };
    let form = Form::new()
        .text("subject", "T")
        .text("priority", "2")
        .text("comment", description.clone())
        .text("category", "1")
        .part(
            "attachment",
            Part::bytes(big_file()).file_name("a.bin".to_string()),
        );
    let r = epixel("/api/v1/support/create/ticket/", form)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status_code"], 503, "{body}");
    assert!(body["errors"]["detail"].is_array() || body["errors"]["detail"].is_string());
    let form = Form::new()
        .text("ticket", number.to_string())
        .text("comment", description.clone());
    let r = epixel("/api/v1/support/ticket/conversation/", form)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(counts(&app).await, before, "nothing partial was stored");

    // Reads keep working in every dialect.
    let r = http
        .get(app.url("/v2/support-tickets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = http
        .get(app.url(&format!("/support-tickets/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Space again: the upload is stored, acknowledged, and usable.
    app.writer().limit_pages(None);
    let r = http
        .post(app.url("/attachments"))
        .bearer_auth(&token)
        .multipart(upload())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);
    let r = http
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&token)
        .json(&json!({"title": "T", "description": description, "priority": "high", "category": "technical"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn writes_that_fail_in_a_batch_do_not_take_their_neighbours_down() {
    let app = TestApp::sqlite().await;
    let ann = app.user("ann@example.com", Role::Agent).await;
    let mut calls = Vec::new();
    for i in 0..60 {
        let core = app.core.clone();
        let ann = ann.clone();
        calls.push(tokio::spawn(async move {
            let mut input = new_ticket(&format!("Ticket {i}"), "Something is wrong.");
            if i % 3 == 0 {
                // Refused inside the writer's transaction (the category is looked up there).
                input.category = helpdesk::tickets::CategoryRef::Slug("no-such-category".into());
            }
            (i, core.open_ticket(&ann, input).await)
        }));
    }
    let mut opened = 0;
    for call in calls {
        let (i, result) = call.await.unwrap();
        match result {
            Ok(o) => {
                assert_ne!(i % 3, 0);
                opened += 1;
                let title: String =
                    sqlx::query_scalar("SELECT title FROM tickets WHERE number = ?")
                        .bind(o.number)
                        .fetch_one(app.db())
                        .await
                        .unwrap();
                assert_eq!(title, format!("Ticket {i}"));
            }
            Err(e) => assert!(
                i % 3 == 0 && matches!(e, helpdesk::tickets::CoreError::Invalid(_)),
                "{i}: {e:?}"
            ),
        }
    }
    assert_eq!(opened, 40);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 40);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 40);
}

#[tokio::test]
async fn the_read_pool_refuses_writes_so_none_can_bypass_the_writer() {
    let app = TestApp::sqlite().await;
    let e = sqlx::query("DELETE FROM settings")
        .execute(app.db())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("readonly"), "{e}");
}

/// A write that panics is a bug, not a full disk: its changes are rolled back, its caller
/// gets an error that is not "unavailable" (so a 500, not a 503 asking to retry), and the
/// writer goes on with the next write.
#[tokio::test]
async fn a_panicking_write_is_rolled_back_and_the_writer_goes_on() {
    let app = TestApp::sqlite().await;
    let failed = app
        .writer()
        .write(|tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO tags (name) VALUES ('half-done')")
                    .execute(&mut *tx)
                    .await?;
                if std::hint::black_box(true) {
                    panic!("a bug in a write");
                }
                Ok::<(), sqlx::Error>(())
            })
        })
        .await
        .unwrap_err();
    assert!(!helpdesk::db::is_unavailable(&failed), "{failed:?}");
    app.writer()
        .write(|tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO tags (name) VALUES ('next')")
                    .execute(&mut *tx)
                    .await
                    .map(|_| ())
            })
        })
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tags WHERE name = 'half-done'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tags WHERE name = 'next'")
            .await,
        1
    );
}

/// The writes this session added go through the same writer: on a full disk a saved reply
/// answers 503 with the typed text kept and nothing stored, and a create that would have
/// queued mail leaves neither the ticket nor its notices; both work again by themselves.
#[tokio::test]
async fn while_the_disk_is_full_saved_replies_and_mail_notices_store_nothing() {
    let smtp = crate::smtp::SmtpServer::start().await;
    let app = TestApp::sqlite_with_mail(&smtp.url()).await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    fill_disk(&app).await;
    let body = big_text();
    let r = agent
        .post("/replies", &[("title", "Long answer"), ("body", &body)])
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    let html = r.text().await.unwrap();
    assert!(html.contains("Your text is kept below."));
    assert_eq!(select(&html, "#body"), [body.trim()]);
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_replies").await, 0);
    let failed = app
        .core
        .open_ticket(&customer, new_ticket("Lost", &big_text()))
        .await;
    assert!(failed.is_err_and(|e| e.is_unavailable()));
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);

    app.writer().limit_pages(None);
    let r = agent
        .post("/replies", &[("title", "Long answer"), ("body", &body)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.core
        .open_ticket(&customer, new_ticket("Found", "Short."))
        .await
        .unwrap();
    assert!(app.count("SELECT COUNT(*) FROM outbox").await >= 1);
    smtp.wait_for(1).await;
}
