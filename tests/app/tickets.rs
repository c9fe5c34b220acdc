//! The customer portal's ticket pages, end to end through the server and the database.

use helpdesk::tickets::{NewMessage, Role, Status, TicketKey};
use reqwest::StatusCode;

use crate::{TestApp, location, select};

const MIB2: usize = 2 * 1024 * 1024;

fn ticket_fields<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("category", "2"),
        ("priority", "high"),
        ("description", description),
        ("tags", "invoice, Billing ,invoice"),
    ]
}

#[tokio::test]
async fn a_customer_opens_a_ticket_with_attachments_and_sees_it() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let (status, form) = c.text("/tickets/new").await;
    assert_eq!(status, StatusCode::OK);
    let labels = select(&form, "label");
    for label in [
        "Title",
        "Category",
        "Priority",
        "Description",
        "Tags",
        "Attachments",
    ] {
        assert!(
            labels.contains(&label.to_string()),
            "label {label} in {labels:?}"
        );
    }
    let exact = vec![7u8; MIB2];
    let r = c
        .post_multipart(
            "/tickets/new",
            &ticket_fields("Charged twice", "Two charges on my card."),
            &[
                ("attachments", "receipt.txt", b"paid".to_vec()),
                ("attachments", "big.bin", exact.clone()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "exactly 2 MiB is accepted"
    );
    assert_eq!(location(&r), "/tickets/1001");
    let (status, page) = c.text("/tickets/1001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&page, "h1"), ["#1001 Charged twice"]);
    assert!(page.contains("Two charges on my card."));
    assert!(page.contains("Billing") && page.contains("High"));
    assert_eq!(
        select(&page, ".tag"),
        ["Billing", "invoice"],
        "tags deduplicated"
    );
    let links = select(&page, ".files a");
    assert_eq!(links, ["receipt.txt", "big.bin"]);
    let stored: (i64, String) = app
        .sql("SELECT size, sha256 FROM attachments WHERE filename = 'big.bin'")
        .row()
        .await;
    assert_eq!(stored.0, MIB2 as i64);
    assert_eq!(stored.1, helpdesk::secure::sha256_hex(&exact));
    let (_, list) = c.text("/tickets").await;
    assert!(select(&list, "table.tickets a").contains(&"Charged twice".to_string()));
}

#[tokio::test]
async fn an_attachment_one_byte_over_2_mib_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let r = c
        .post_multipart(
            "/tickets/new",
            &ticket_fields("Too big", "See the file."),
            &[
                ("attachments", "ok.txt", b"fine".to_vec()),
                ("attachments", "huge.log", vec![1u8; MIB2 + 1]),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = r.text().await.unwrap();
    assert!(html.contains("huge.log is too big: each file may be at most 2 MiB."));
    assert!(html.contains("value=\"Too big\""), "values kept");
    assert!(html.contains("See the file."));
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);

    // The same cap holds for replies.
    let number = app.ticket(&ann, "Existing").await;
    let r = c
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", "here")],
            &[("attachments", "huge.log", vec![1u8; MIB2 + 1])],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().await.unwrap().contains("huge.log is too big"));
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
}

#[tokio::test]
async fn a_body_far_over_the_cap_is_cut_off_with_413() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let files: Vec<(&str, &str, Vec<u8>)> = (0..12)
        .map(|_| ("attachments", "part.bin", vec![0u8; MIB2]))
        .collect();
    let r = c
        .post_multipart("/tickets/new", &ticket_fields("Huge", "x"), &files)
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
}

#[tokio::test]
async fn validation_errors_are_shown_beside_each_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let long_title = "x".repeat(501);
    let many_tags = (0..21)
        .map(|i| format!("t{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let r = c
        .post_multipart(
            "/tickets/new",
            &[
                ("title", &long_title),
                ("category", "99"),
                ("priority", "whenever"),
                ("description", "   "),
                ("tags", &many_tags),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let errors = select(&html, ".field-error");
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(html.contains("Must be at most 500 characters."));
    assert!(html.contains("Choose a valid priority."));
    assert!(html.contains("This field is required."));
    assert!(html.contains("At most 20 tags are allowed."));
    assert!(html.contains(&many_tags), "tags kept");
    // An unknown category is reported once the rest is valid.
    let r = c
        .post_multipart(
            "/tickets/new",
            &[
                ("title", "ok"),
                ("category", "99"),
                ("priority", "low"),
                ("description", "d"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Choose a valid category."));
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM tags").await, 0);
}

#[tokio::test]
async fn text_is_escaped_everywhere() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let evil = "<script>alert(1)</script>";
    let r = c
        .post_multipart(
            "/tickets/new",
            &[
                ("title", evil),
                ("category", "1"),
                ("priority", "low"),
                ("description", evil),
                ("tags", evil),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in ["/tickets", "/tickets/1001"] {
        let (_, html) = c.text(path).await;
        assert!(!html.contains(evil), "{path} escapes");
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
    }
}

#[tokio::test]
async fn another_customer_gets_404_for_everything_of_mine() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let r = ann
        .post_multipart(
            "/tickets/new",
            &ticket_fields("Private", "secret"),
            &[("attachments", "secret.txt", b"s3cret".to_vec())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ann.text("/tickets/1001").await;
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse(".files a").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();

    let (bob, _) = app.logged_in("bob@example.com", Role::Customer).await;
    let (missing_status, missing) = bob.text("/tickets/999999").await;
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    let (status, body) = bob.text("/tickets/1001").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, missing, "exactly like a ticket that does not exist");
    assert_eq!(bob.get(&href).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        bob.get("/attachments/999999/x.txt").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client().get(&href).await.status(),
        StatusCode::NOT_FOUND,
        "anonymous"
    );
    let r = bob
        .post_multipart("/tickets/1001/reply", &[("message", "hi")], &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = bob
        .post("/tickets/1001/status", &[("status", "closed")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, list) = bob.text("/tickets").await;
    assert!(!list.contains("Private"));
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE status = 'open'")
            .await,
        1
    );
}

#[tokio::test]
async fn downloads_return_the_stored_bytes_as_an_attachment() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let html_payload = b"<html><script>alert(1)</script></html>".to_vec();
    c.post_multipart(
        "/tickets/new",
        &ticket_fields("Files", "d"),
        &[("attachments", "../../pwn \"x\".html", html_payload.clone())],
    )
    .await;
    let (_, page) = c.text("/tickets/1001").await;
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse(".files a").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let r = c.get(&href).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/plain", "the stored content type");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"pwn x.html\""),
        "{disposition}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), html_payload);
}

#[tokio::test]
async fn customers_close_and_reopen_their_tickets() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let number = app.ticket(&ann, "Close me").await;
    let path = format!("/tickets/{number}");
    let r = c
        .post(&format!("{path}/status"), &[("status", "closed")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.text(&path).await;
    assert!(page.contains("The ticket is now closed."));
    assert!(select(&page, "button").contains(&"Reopen ticket".to_string()));
    assert!(
        page.contains("Reopen it to add a message"),
        "no reply form on a closed ticket"
    );
    let resolved_at: Option<i64> = app.sql("SELECT resolved_at FROM tickets").scalar().await;
    assert!(resolved_at.is_some());
    // A reply to a closed ticket is refused and not stored.
    let r = c
        .post_multipart(&format!("{path}/reply"), &[("message", "hello?")], &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
    // Customers may not move a ticket to an agent's status.
    let r = c
        .post(&format!("{path}/status"), &[("status", "in_progress")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(&format!("{path}/status"), &[("status", "open")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.text(&path).await;
    assert!(page.contains("The ticket was reopened."));
    assert!(select(&page, "button").contains(&"Close ticket".to_string()));
    let row: (String, Option<i64>) = app
        .sql("SELECT status, resolved_at FROM tickets")
        .row()
        .await;
    assert_eq!(row, ("open".to_string(), None));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind = 'status'")
            .await,
        2
    );
    let r = c
        .post(&format!("{path}/status"), &[("status", "bogus")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn replies_with_attachments_join_the_thread() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let number = app.ticket(&ann, "Thread").await;
    let r = c
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", "More details here.")],
            &[("attachments", "log.txt", b"log".to_vec())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.text(&format!("/tickets/{number}")).await;
    assert_eq!(
        select(&page, ".message .body"),
        ["Something is wrong.", "More details here."]
    );
    assert_eq!(select(&page, ".files a"), ["log.txt"]);
    let r = c
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", "  ")],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("This field is required."));
    // A customer cannot slip in an internal note.
    let r = c
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", "psst"), ("internal", "on")],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 2);
}

#[tokio::test]
async fn staff_replies_are_marked_new_until_the_customer_views_the_ticket() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let number = app.ticket(&ann, "Waiting").await;
    let key = TicketKey::Number(number);
    let reply = NewMessage {
        body: "We are on it.".into(),
        ..NewMessage::default()
    };
    app.core.add_message(&agent, &key, reply).await.unwrap();
    let note = NewMessage {
        body: "Internal only".into(),
        internal: true,
        ..NewMessage::default()
    };
    app.core.add_message(&agent, &key, note).await.unwrap();

    let (_, list) = c.text("/tickets").await;
    assert_eq!(select(&list, "tr.unseen a"), ["Waiting"]);
    assert_eq!(select(&list, ".badge.new"), ["New reply"]);
    let (_, page) = c.text(&format!("/tickets/{number}")).await;
    assert!(page.contains("We are on it."));
    assert!(
        !page.contains("Internal only"),
        "internal notes never reach customers"
    );
    assert_eq!(
        select(&page, ".message .badge.new"),
        ["New"],
        "new on this first view"
    );
    let (_, list) = c.text("/tickets").await;
    assert!(select(&list, "tr.unseen").is_empty(), "seen after viewing");
    let unseen = app
        .count("SELECT COUNT(*) FROM messages WHERE seen_at IS NULL")
        .await;
    assert_eq!(
        unseen, 1,
        "only the customer's own description, which staff has not seen"
    );
}

#[tokio::test]
async fn the_list_has_status_tabs_with_counts_a_category_filter_and_pages() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    app.ticket(&bob, "Not mine").await;
    for i in 0..24 {
        let n = app.ticket(&ann, &format!("Ticket {i}")).await;
        if i % 4 == 0 {
            app.core
                .change_status(&ann, &TicketKey::Number(n), Status::Closed, None)
                .await
                .unwrap();
        }
    }
    let mut billing = crate::new_ticket("Billing question", "d");
    billing.category = helpdesk::tickets::CategoryRef::Slug("billing".into());
    app.core.open_ticket(&ann, billing).await.unwrap();

    let (_, html) = c.text("/tickets").await;
    let tabs = select(&html, ".tabs a");
    assert!(tabs.contains(&"All 25".to_string()), "{tabs:?}");
    assert!(tabs.contains(&"Open 19".to_string()));
    assert!(tabs.contains(&"Closed 6".to_string()));
    assert_eq!(select(&html, "table.tickets tbody tr").len(), 25);
    assert!(!html.contains("Not mine"));
    assert_eq!(
        select(&html, "table.tickets a")[0],
        "Billing question",
        "newest activity first"
    );

    let (_, closed) = c.text("/tickets?status=closed").await;
    assert_eq!(select(&closed, "table.tickets tbody tr").len(), 6);
    let (_, by_category) = c.text("/tickets?category=2").await;
    assert_eq!(
        select(&by_category, "table.tickets a"),
        ["Billing question"]
    );
    assert!(
        select(&by_category, ".tabs a").contains(&"All 1".to_string()),
        "counts follow the filter"
    );

    for i in 0..5 {
        app.ticket(&ann, &format!("More {i}")).await;
    }
    let (_, first) = c.text("/tickets").await;
    assert_eq!(select(&first, "table.tickets tbody tr").len(), 25);
    assert!(select(&first, ".pagination span").contains(&"Page 1 of 2".to_string()));
    let (_, second) = c.text("/tickets?page=2").await;
    assert_eq!(select(&second, "table.tickets tbody tr").len(), 5);
    let (status, _) = c.text("/tickets?page=abc&status=nonsense&category=x").await;
    assert_eq!(status, StatusCode::OK, "bad filters fall back to defaults");
}

#[tokio::test]
async fn the_open_ticket_limit_applies_to_the_form() {
    let settings = helpdesk::config::Settings {
        open_ticket_limit: 1,
        ..Default::default()
    };
    let app = TestApp::with_settings(settings).await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    app.ticket(&ann, "First").await;
    let r = c
        .post_multipart("/tickets/new", &ticket_fields("Second", "d"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("You already have 1 open tickets")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 1);
}

#[tokio::test]
async fn pages_need_a_login_and_bad_paths_are_404() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for path in ["/tickets", "/tickets/new", "/tickets/1001", "/account"] {
        let r = c.get(path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).starts_with("/login?next="));
    }
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    assert_eq!(c.get("/tickets/abc").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(c.get("/no/such/page").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(c.get("/healthz").await.status(), StatusCode::OK);
    let (_, html) = c.text("/tickets").await;
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("link[rel=stylesheet]").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let r = c.get(&href).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

/// The hidden fields of the first form on a page, as (name, value).
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let hidden = scraper::Selector::parse("form input[type=hidden]").unwrap();
    doc.select(&hidden)
        .filter_map(|input| {
            let name = input.value().attr("name")?;
            Some((name.to_owned(), input.value().attr("value")?.to_owned()))
        })
        .collect()
}

/// Logs in again from a login page that carries a draft, as its form would.
async fn log_in_again(c: &crate::Client, login_page: &str, email: &str) -> (StatusCode, String) {
    let fields = hidden_fields(login_page);
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.push(("email", email));
    form.push(("password", crate::PASSWORD));
    let response = c.post_raw("/login", &form).await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// After the session ended (here: logged out in another tab, which also renews the form
/// token), "Send" and "Create ticket" lead to the login page with the text kept, and
/// after logging in the form comes back filled in; nothing is saved until it is sent.
#[tokio::test]
async fn text_typed_before_the_session_ended_survives_the_login() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let number = app.ticket(&ann, "Printer jam").await;
    let old_token = c.csrf().await;
    assert_eq!(c.post("/logout", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_ne!(
        c.csrf().await,
        old_token,
        "logging out renews the form token"
    );

    // The old tab sends its reply, with its old token and a file.
    let text = "Line one of my reply,\nline two <b>kept</b> & \"quoted\".";
    let form = reqwest::multipart::Form::new()
        .text("csrf", old_token.clone())
        .text("message", text)
        .part(
            "attachments",
            reqwest::multipart::Part::bytes(b"log".to_vec()).file_name("trace.log"),
        );
    let response = c
        .http
        .post(app.url(&format!("/tickets/{number}/reply")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let login_page = response.text().await.unwrap();
    assert!(login_page.contains("Your session has ended"));
    assert!(login_page.contains("attach your files again"));
    let fields = hidden_fields(&login_page);
    assert!(
        fields.contains(&("draft_message".into(), text.into())),
        "{fields:?}"
    );
    assert!(fields.contains(&("next".into(), format!("/tickets/{number}"))));
    let messages = "SELECT count(*) FROM messages";
    assert_eq!(
        app.count(messages).await,
        1,
        "nothing saved without a session"
    );

    let (status, page) = log_in_again(&c, &login_page, "ann@example.com").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&page, "textarea#message"), [text]);
    assert!(page.contains("You are logged in again"));
    assert!(
        page.contains("trace.log"),
        "the files to attach again are named"
    );
    assert_eq!(app.count(messages).await, 1, "shown again, not sent");
    let sent = c
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", text)],
            &[],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(messages).await, 2);

    // The same for a new ticket.
    assert_eq!(c.post("/logout", &[]).await.status(), StatusCode::SEE_OTHER);
    let response = c
        .post_multipart(
            "/tickets/new",
            &ticket_fields("Scanner", "It hums.\nLoudly."),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let login_page = response.text().await.unwrap();
    let tickets = "SELECT count(*) FROM tickets";
    assert_eq!(app.count(tickets).await, 1);
    // A wrong password keeps the draft too.
    let fields = hidden_fields(&login_page);
    let mut wrong: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    wrong.push(("email", "ann@example.com"));
    wrong.push(("password", "not the password"));
    let refused = c.post_raw("/login", &wrong).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let login_page = refused.text().await.unwrap();
    assert_eq!(hidden_fields(&login_page).len(), fields.len());

    let (status, page) = log_in_again(&c, &login_page, "ann@example.com").await;
    assert_eq!(status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&page);
    let value = |selector: &str| {
        let s = scraper::Selector::parse(selector).unwrap();
        doc.select(&s)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    };
    assert_eq!(value("input#title").as_deref(), Some("Scanner"));
    assert_eq!(select(&page, "textarea#description"), ["It hums.\nLoudly."]);
    assert_eq!(
        value("select#category option[selected]").as_deref(),
        Some("2")
    );
    assert_eq!(
        value("select#priority option[selected]").as_deref(),
        Some("high")
    );
    assert_eq!(app.count(tickets).await, 1, "shown again, not created");
}

/// A long thread folds its middle (without script: a `<details>`), keeping the first
/// message, the latest ones, anything new to the reader and the reply form in view.
#[tokio::test]
async fn a_long_thread_folds_its_older_messages() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let number = app.ticket(&ann, "Long story").await;
    for i in 1..30 {
        let author = if i % 2 == 0 { &ann } else { &agent };
        app.core
            .add_message(
                author,
                &TicketKey::Number(number),
                NewMessage {
                    body: format!("Message {i}"),
                    ..NewMessage::default()
                },
            )
            .await
            .unwrap();
    }
    let path = format!("/tickets/{number}");
    // The first view marks the staff replies seen; then nothing is new.
    c.text(&path).await;
    let (_, html) = c.text(&path).await;
    assert_eq!(
        select(&html, ".folded summary"),
        ["Show 24 earlier messages"]
    );
    let shown = |html: &str| select(html, ".thread > ol.messages > li.message .body");
    let bodies: Vec<String> = shown(&html);
    assert_eq!(
        bodies,
        [
            "Something is wrong.",
            "Message 25",
            "Message 26",
            "Message 27",
            "Message 28",
            "Message 29"
        ]
        .map(String::from),
        "the first message and the latest five outside the fold"
    );
    assert_eq!(select(&html, ".folded li.message").len(), 24);
    assert_eq!(select(&html, ".skip-to-reply a"), ["Go to the reply form"]);

    // A reply the reader has not seen yet is never folded away.
    app.sql("UPDATE messages SET seen_at = NULL WHERE body = 'Message 11'")
        .execute()
        .await;
    let (_, html) = c.text(&path).await;
    assert_eq!(
        select(&html, ".folded summary"),
        ["Show 10 earlier messages"]
    );
    assert!(shown(&html).contains(&"Message 11".to_owned()));

    // A short thread folds nothing.
    let short = app.ticket(&ann, "Short story").await;
    let (_, html) = c.text(&format!("/tickets/{short}")).await;
    assert!(select(&html, ".folded").is_empty());
}

/// A draft reply to a ticket the account logging in may not see (another person logged
/// in on that browser) leads to their own list, logged in, and says nothing about it.
#[tokio::test]
async fn a_draft_for_a_ticket_not_ones_own_logs_in_and_goes_to_the_list() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    app.user("bob@example.com", Role::Customer).await;
    let number = app.ticket(&ann, "Ann's printer").await;
    let bob = app.client();
    let response = bob
        .post_multipart(
            &format!("/tickets/{number}/reply"),
            &[("message", "hi")],
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let login_page = response.text().await.unwrap();
    let fields = hidden_fields(&login_page);
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.push(("email", "bob@example.com"));
    form.push(("password", crate::PASSWORD));
    let r = bob.post_raw("/login", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/tickets");
    assert!(bob.cookie("hd_session").is_some(), "the login took");
    let (status, html) = bob.text("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Ann's printer"));
    assert_eq!(app.count("SELECT count(*) FROM messages").await, 1);
}
