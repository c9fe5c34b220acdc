//! End to end in real headless Chromium (through chromedriver) against the real server.
//!
//! Without chromedriver these tests say so loudly and skip, unless
//! `HELPDESK_REQUIRE_BROWSER=1` (set by `.ci/run`), which turns a missing browser into a
//! failure: CI can never skip them silently.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::TestApp;

/// A chromedriver process and a browser session; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Starts headless Chromium, or returns `None` (after a loud warning) when it is missing
/// and not required.
pub async fn launch() -> Option<Browser> {
    let required = std::env::var("HELPDESK_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let driver = find_program(&["chromedriver"]);
    let chrome = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let (Some(driver), Some(chrome)) = (driver, chrome) else {
        assert!(
            !required,
            "HELPDESK_REQUIRE_BROWSER=1 but chromium/chromedriver is not installed"
        );
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !! SKIPPING BROWSER TEST: chromium and chromedriver are not installed.\n\
             !! Install them (apt-get install chromium chromium-driver) or run .ci/run.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().expect("profile dir");
    let downloads = tempfile::tempdir().expect("downloads dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chrome,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                format!("--user-data-dir={}", profile.path().display()),
                "--window-size=1280,900",
            ],
            "prefs": {
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => break client,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    };
    Some(Browser {
        client,
        downloads,
        _profile: profile,
        driver: child,
    })
}

impl Browser {
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.ok();
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    pub async fn select(&self, css: &str, value: &str) {
        let select = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css}={value}: {e}"));
    }

    /// Waits (clicks do not wait for the next page) until an element matching `css` has a
    /// text containing `wanted`, and returns that text.
    pub async fn wait_text(&self, css: &str, wanted: &str) -> String {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for e in elements {
                    if let Ok(text) = e.text().await {
                        if text.contains(wanted) {
                            return text;
                        }
                        last = text;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} containing {wanted:?} (last seen: {last:?})");
    }

    /// Waits until the browser is on `path`.
    pub async fn wait_path(&self, path: &str) {
        let started = Instant::now();
        let mut current = String::new();
        while started.elapsed() < Duration::from_secs(15) {
            current = self.client.current_url().await.unwrap().path().to_owned();
            if current == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected to be on {path}, still on {current}");
    }

    /// Waits for a finished download named `name` and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let file = self.downloads.path().join(name);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(bytes) = std::fs::read(&file) {
                return bytes;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{name} was not downloaded into {}",
            self.downloads.path().display()
        );
    }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write upload");
    path.display().to_string()
}

#[tokio::test]
async fn a_customer_signs_up_opens_a_ticket_replies_closes_reopens_and_downloads() {
    let Some(b) = launch().await else { return };
    let app = TestApp::spawn().await;
    let uploads = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..50_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let upload = write_file(uploads.path(), "trace.bin", &content);

    b.client.goto(&app.url("/signup")).await.unwrap();
    b.fill("#name", "Carla Customer").await;
    b.fill("#email", "carla@example.com").await;
    b.fill("#password", "a long password").await;
    b.click("form[action='/signup'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    b.wait_text("h1", "My tickets").await;

    b.click("a.button.primary[href='/tickets/new']").await;
    b.wait_path("/tickets/new").await;
    b.fill("#title", "Scanner rejects my documents").await;
    b.select("#category", "8").await;
    b.select("#priority", "urgent").await;
    b.fill("#description", "Every scan since Monday is rejected.")
        .await;
    b.fill("#tags", "scanner, documents").await;
    b.client
        .find(Locator::Css("#attachments"))
        .await
        .unwrap()
        .send_keys(&upload)
        .await
        .unwrap();
    b.click("form[action='/tickets/new'] button[type=submit]")
        .await;
    b.wait_path("/tickets/1001").await;
    b.wait_text(".flash", "Ticket #1001 was opened.").await;

    b.client.goto(&app.url("/tickets")).await.unwrap();
    b.wait_text(
        "table.tickets tbody tr td a",
        "Scanner rejects my documents",
    )
    .await;
    b.click("table.tickets tbody tr td a").await;
    b.wait_text(".details .badge.priority-urgent", "Urgent")
        .await;

    b.fill("#message", "Here is one more detail.").await;
    b.click("form[action='/tickets/1001/reply'] button[type=submit]")
        .await;
    b.wait_text(".flash", "Your message was added.").await;
    b.wait_text(".message .body", "Here is one more detail.")
        .await;
    let bodies = b
        .client
        .find_all(Locator::Css(".message .body"))
        .await
        .unwrap();
    assert_eq!(bodies.len(), 2);

    b.click("form[action='/tickets/1001/status'] button").await;
    b.wait_text(".flash", "now closed").await;
    b.wait_text(".details .badge.status-closed", "Closed").await;
    b.click("form[action='/tickets/1001/status'] button").await;
    b.wait_text(".flash", "reopened").await;
    b.wait_text(".details .badge.status-open", "Open").await;

    b.click(".files a").await;
    assert_eq!(
        b.downloaded("trace.bin").await,
        content,
        "downloaded bytes match the upload"
    );

    let status: String = app
        .sql("SELECT status FROM tickets WHERE number = 1001")
        .scalar()
        .await;
    assert_eq!(status, "open");
    b.client.clone().close().await.ok();
}

#[tokio::test]
async fn an_agent_finds_assigns_notes_and_replies_and_the_customer_sees_only_the_reply() {
    let Some(b) = launch().await else { return };
    let app = TestApp::spawn().await;
    let agent = app
        .user("agent@example.com", helpdesk::tickets::Role::Agent)
        .await;
    let customer = app
        .user("carla@example.com", helpdesk::tickets::Role::Customer)
        .await;
    let ticket = crate::new_ticket("Strange noise", "The flux capacitor overheats after lunch.");
    let number = app
        .core
        .open_ticket(&customer, ticket)
        .await
        .unwrap()
        .number;
    let login = |email: &'static str| {
        let b = &b;
        let app = &app;
        async move {
            b.client.goto(&app.url("/login")).await.unwrap();
            b.fill("#email", email).await;
            b.fill("#password", crate::PASSWORD).await;
            b.click("form[action='/login'] button[type=submit]").await;
            b.wait_path("/tickets").await;
        }
    };

    login("agent@example.com").await;
    b.wait_text("h1", "Ticket queue").await;
    b.fill("#q", "capacitor").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_text("table.tickets tbody tr td a", "Strange noise")
        .await;
    b.click("table.tickets tbody tr td a").await;
    b.wait_path(&format!("/tickets/{number}")).await;

    b.select("#panel-assignee", &agent.id.to_string()).await;
    b.click("form[action$='/update'] button[type=submit]").await;
    b.wait_text(".flash", "The ticket was updated.").await;
    b.wait_text(".details dd", "agent").await;

    b.fill("#message", "Capacitor batch 7 is known to overheat.")
        .await;
    b.click("#internal").await;
    b.click("form[action$='/reply'] button[type=submit]").await;
    b.wait_text(".flash", "Your internal note was added.").await;
    b.fill("#message", "We are sending a replacement part today.")
        .await;
    b.click("form[action$='/reply'] button[type=submit]").await;
    b.wait_text(".flash", "Your message was added.").await;
    b.wait_text(".message.internal .body", "Capacitor batch 7")
        .await;

    let assignee: Option<i64> = app
        .sql("SELECT assignee_id FROM tickets WHERE number = ?")
        .bind(number)
        .scalar()
        .await;
    assert_eq!(assignee, Some(agent.id));

    b.client.delete_all_cookies().await.unwrap();
    login("carla@example.com").await;
    b.client
        .goto(&app.url(&format!("/tickets/{number}")))
        .await
        .unwrap();
    b.wait_text(".message .body", "We are sending a replacement part today.")
        .await;
    let page = b.client.source().await.unwrap();
    assert!(
        !page.contains("Capacitor batch 7"),
        "the customer never sees the internal note"
    );
    b.client.clone().close().await.ok();
}

/// Mail, end to end in the browser: a customer opens a ticket, an agent replies, the link
/// in the customer's mail opens the ticket with the reply; then a forgotten password is
/// reset through the mailed link.
#[tokio::test]
async fn the_links_in_mails_open_the_ticket_and_reset_a_password() {
    let Some(b) = launch().await else { return };
    let smtp = crate::smtp::SmtpServer::start().await;
    let app = TestApp::with_mail(&smtp.url()).await;
    let carla = app
        .user("carla@example.com", helpdesk::tickets::Role::Customer)
        .await;
    let agent = app
        .user("agent@example.com", helpdesk::tickets::Role::Agent)
        .await;
    let link_in = |m: &crate::smtp::Received, part: &str| {
        let text = m.parsed().body_text(0).unwrap().into_owned();
        text.split_whitespace()
            .find(|w| w.contains(part))
            .unwrap_or_else(|| panic!("no {part} link in {text}"))
            .to_owned()
    };

    b.client.goto(&app.url("/login")).await.unwrap();
    b.fill("#email", "carla@example.com").await;
    b.fill("#password", crate::PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    b.client.goto(&app.url("/tickets/new")).await.unwrap();
    b.fill("#title", "Invoice missing").await;
    b.select("#category", "8").await;
    b.fill("#description", "Where is my November invoice?")
        .await;
    b.click("form[action='/tickets/new'] button[type=submit]")
        .await;
    b.wait_path("/tickets/1001").await;

    app.core
        .add_message(
            &agent,
            &helpdesk::tickets::TicketKey::Number(1001),
            helpdesk::tickets::NewMessage {
                body: "It is attached to your account page now.".into(),
                internal: false,
                uploads: Vec::new(),
                links: Vec::new(),
                attachment_ids: Vec::new(),
                expected_version: None,
            },
        )
        .await
        .unwrap();
    // The receipt, "new ticket" to the agent, then the reply.
    let mails = smtp.wait_for(3).await;
    let reply = mails
        .iter()
        .rev()
        .find(|m| m.to == ["carla@example.com"])
        .unwrap();
    let link = link_in(reply, "/tickets/1001");
    b.client.goto(&app.url("/tickets")).await.unwrap();
    b.client.goto(&link).await.unwrap();
    b.wait_path("/tickets/1001").await;
    b.wait_text(".thread, main", "It is attached to your account page now.")
        .await;

    // Log out, forget the password, reset it through the mail.
    b.click("form[action='/logout'] button[type=submit]").await;
    b.wait_path("/login").await;
    b.click("a[href='/password/forgot']").await;
    b.wait_path("/password/forgot").await;
    b.fill("#email", "carla@example.com").await;
    b.click("form[action='/password/forgot'] button[type=submit]")
        .await;
    b.wait_text("[role=status]", "we have sent it a link").await;
    let mails = smtp.wait_for(4).await;
    let reset = link_in(&mails[3], "/password/reset?token=");
    b.client.goto(&reset).await.unwrap();
    b.fill("#new", "my new secret phrase").await;
    b.fill("#confirm", "my new secret phrase").await;
    b.click("form[action='/password/reset'] button[type=submit]")
        .await;
    b.wait_path("/login").await;
    b.wait_text(".flash", "Your password was changed").await;
    b.fill("#email", "carla@example.com").await;
    b.fill("#password", "my new secret phrase").await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    let _ = carla;
}

/// A title with a long unbroken word wraps: neither the queue nor the ticket page scrolls
/// sideways, at 1366 px or on a phone's 390.
#[tokio::test]
async fn a_long_unbroken_word_does_not_widen_the_page() {
    let Some(b) = launch().await else { return };
    let app = TestApp::spawn().await;
    let customer = app
        .user("carla@example.com", helpdesk::tickets::Role::Customer)
        .await;
    let word = "Supercalifragilisticexpialidocious".repeat(12);
    let number = app.ticket(&customer, &word).await;
    app.user("agent@example.com", helpdesk::tickets::Role::Agent)
        .await;
    b.client.goto(&app.url("/login")).await.unwrap();
    b.fill("#email", "agent@example.com").await;
    b.fill("#password", crate::PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    for width in [1366u32, 390] {
        b.client.set_window_size(width, 900).await.unwrap();
        for path in ["/tickets".to_owned(), format!("/tickets/{number}")] {
            b.client.goto(&app.url(&path)).await.unwrap();
            let wide = b
                .client
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(wide, json!(false), "{path} scrolls sideways at {width} px");
        }
    }
}

/// On a phone the queue is a list of cards: no sideways scrolling, the first tickets on
/// the first screen with each field named, the filters after the list (a link at the top
/// goes there) and targets large enough for a thumb.
#[tokio::test]
async fn the_queue_on_a_phone_is_a_list_a_thumb_can_use() {
    let Some(b) = launch().await else { return };
    let app = TestApp::spawn().await;
    let customer = app
        .user("carla@example.com", helpdesk::tickets::Role::Customer)
        .await;
    for i in 0..12 {
        app.ticket(&customer, &format!("Phone ticket {i}")).await;
    }
    app.user("agent@example.com", helpdesk::tickets::Role::Agent)
        .await;
    b.client.goto(&app.url("/login")).await.unwrap();
    b.fill("#email", "agent@example.com").await;
    b.fill("#password", crate::PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.goto(&app.url("/tickets")).await.unwrap();
    let facts = b
        .client
        .execute(
            r#"const titles = document.querySelectorAll("table.tickets td.title a");
               const first = titles[0].getBoundingClientRect();
               const third = titles[2].getBoundingClientRect();
               const box = document.querySelector("table.tickets td.select input").getBoundingClientRect();
               const table = document.querySelector("table.tickets").getBoundingClientRect();
               const filters = document.querySelector("form.filters").getBoundingClientRect();
               const label = getComputedStyle(document.querySelector("td[data-label]"), "::before").content;
               const link = document.querySelector(".phone-only a");
               return [document.documentElement.scrollWidth <= window.innerWidth,
                       third.bottom < window.innerHeight, first.height >= 24,
                       box.width >= 20, filters.top > table.bottom, label,
                       getComputedStyle(link.parentElement).display !== "none",
                       document.querySelector("table.tickets thead").getBoundingClientRect().height];"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        facts,
        json!([true, true, true, true, true, "\"Category: \"", true, 0]),
        "[no sideways scroll, three tickets on the first screen, a link tall enough, \
         checkbox big enough, filters after the list, fields named, the link to the filters, \
         no table header]"
    );
    // The link at the top leads to the filters.
    b.click(".phone-only a").await;
    let at = b
        .client
        .execute(
            "return Math.abs(document.querySelector('form.filters').getBoundingClientRect().top) < 50;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(at, json!(true));
    // On a desktop the same page is a table with the filters first.
    b.client.set_window_size(1366, 900).await.unwrap();
    b.client.goto(&app.url("/tickets")).await.unwrap();
    let desktop = b
        .client
        .execute(
            r#"return [document.querySelector("form.filters").getBoundingClientRect().top <
                        document.querySelector("table.tickets").getBoundingClientRect().top,
                       getComputedStyle(document.querySelector(".phone-only")).display];"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(desktop, json!([true, "none"]));
}

/// Where script runs, Insert puts a saved reply (placeholders filled) at the cursor in the
/// reply box without a page load, keeping what was typed; the reply then sends as usual.
#[tokio::test]
async fn a_saved_reply_is_inserted_without_a_page_load_where_script_runs() {
    let Some(b) = launch().await else { return };
    let app = TestApp::spawn().await;
    let customer = app
        .user("carla@example.com", helpdesk::tickets::Role::Customer)
        .await;
    let number = app.ticket(&customer, "Printer jams").await;
    let agent = app
        .user("agent@example.com", helpdesk::tickets::Role::Agent)
        .await;
    app.core
        .save_reply(
            &agent,
            None,
            "Greeting",
            "Hello {customer_name}, about #{ticket_number}: on it.",
        )
        .await
        .unwrap();
    b.client.goto(&app.url("/login")).await.unwrap();
    b.fill("#email", "agent@example.com").await;
    b.fill("#password", crate::PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
    b.client
        .goto(&app.url(&format!("/tickets/{number}")))
        .await
        .unwrap();
    b.fill("#message", "Typed first. ").await;
    // A marker on the page: a reload would lose it.
    b.client
        .execute("window.stillHere = true;", vec![])
        .await
        .unwrap();
    b.click("form.saved-replies button[type=submit]").await;
    let expected = format!("Typed first. Hello carla, about #{number}: on it.");
    let started = std::time::Instant::now();
    let mut value = json!(null);
    while started.elapsed() < Duration::from_secs(10) {
        value = b
            .client
            .execute(
                "return [document.getElementById('message').value, window.stillHere === true];",
                vec![],
            )
            .await
            .unwrap();
        if value[0] == json!(expected) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        value,
        json!([expected, true]),
        "inserted in place, no reload"
    );
    b.click("form[action$='/reply'] button[type=submit]").await;
    b.wait_text(".messages .body", "Hello carla").await;
}
