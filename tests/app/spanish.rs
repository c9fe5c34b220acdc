//! Every page speaks Spanish to a Spanish reader: a test that fails when a page shows a
//! sentence that has no Spanish translation.
//!
//! How it tells: the words of the English translation file that the Spanish file never
//! uses ("the", "your", "ticket"...) must not appear in what a Spanish page shows (its
//! text, and the titles, labels and placeholders of its elements). A string left in
//! English in a template or in the code is made of such words, whether or not it was ever
//! put into the translation files. The data shown is written in Spanish too.

use std::collections::BTreeSet;

use helpdesk::i18n::{Lang, SOURCES};
use helpdesk::tickets::{NewMessage, Role, TicketKey};
use reqwest::StatusCode;

use crate::{Client, TestApp, new_ticket};

/// Words of a Fluent file's sentences (not its ids, arguments or selectors).
fn words(source: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for line in source.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let text = match line.split_once(" = ") {
            Some((_, value)) => value,
            None if line.starts_with('[') || line.starts_with("*[") => {
                line.split_once(']').map_or("", |(_, v)| v)
            }
            None => line,
        };
        // Arguments and selectors out.
        let mut plain = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        for w in plain.split(|c: char| !c.is_alphabetic()) {
            if w.chars().count() >= 3 {
                words.insert(w.to_lowercase());
            }
        }
    }
    words
}

/// Words that are the same in both languages or names (they may appear on Spanish pages).
const SHARED: &[&str] = &[
    "api",
    "json",
    "github",
    "token",
    "tokens",
    "helpdesk",
    "utc",
    "mib",
    "url",
    "smtp",
    "imap",
    "csv",
    "bearer",
    "authorization",
    "ticket",
    "tickets",
];

fn english_only() -> BTreeSet<String> {
    let en = words(SOURCES.iter().find(|(l, _)| *l == Lang::En).unwrap().1);
    let es = words(SOURCES.iter().find(|(l, _)| *l == Lang::Es).unwrap().1);
    en.difference(&es)
        .filter(|w| !SHARED.contains(&w.as_str()))
        .cloned()
        .collect()
}

/// What a page shows: its text and the words of its titles, labels and placeholders.
fn shown(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    let all = scraper::Selector::parse("title, body *").unwrap();
    for el in doc.select(&all) {
        if ["script", "style", "code", "textarea"].contains(&el.value().name()) {
            continue;
        }
        // Time zones are IANA names ("America/New_York"), not sentences.
        if el.value().name() == "option"
            && el
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .is_some_and(|p| p.value().attr("id") == Some("time-zone"))
        {
            continue;
        }
        for attr in ["title", "aria-label", "placeholder", "data-label"] {
            if let Some(v) = el.value().attr(attr) {
                out.push(v.to_owned());
            }
        }
        for text in el.children().filter_map(|c| c.value().as_text()) {
            out.push(text.to_string());
        }
    }
    out
}

/// The English words `html` shows, with the text they appear in.
fn english_in(html: &str, english: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    // Saved-reply placeholders ({customer_name}) are syntax, like code.
    let placeholder = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for text in shown(html) {
        let text = placeholder.replace_all(&text, "").into_owned();
        for w in text.split(|c: char| !c.is_alphabetic()) {
            if english.contains(&w.to_lowercase()) {
                found.push(format!("{w:?} in {:?}", text.trim()));
            }
        }
    }
    found
}

async fn spanish(app: &TestApp, email: &str, role: Role) -> Client {
    let (c, _) = app.logged_in(email, role).await;
    let r = c.post("/account/language", &[("language", "es")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    c
}

#[tokio::test]
async fn every_page_speaks_spanish_to_a_spanish_reader() {
    let app = TestApp::spawn().await;
    let english = english_only();
    assert!(
        english.contains("your") && english.contains("the"),
        "{english:?}"
    );
    let ana = app.user("ana@ejemplo.es", Role::Customer).await;
    let number = app
        .core
        .open_ticket(
            &ana,
            new_ticket("Impresora atascada", "El papel se queda dentro."),
        )
        .await
        .unwrap()
        .number;
    // The admins' data in Spanish too (the seeded categories are the admins' to name).
    for (slug, name) in [
        ("technical", "Técnica"),
        ("billing", "Facturación"),
        ("account", "Cuenta"),
        ("feature_request", "Petición de funciones"),
        ("general", "General"),
        ("integration", "Integración"),
        ("other", "Otros"),
    ] {
        app.sql("UPDATE categories SET name = ?, description = ? WHERE slug = ?")
            .bind(name)
            .bind(name)
            .bind(slug)
            .execute()
            .await;
    }
    let customer = spanish(&app, "carla@ejemplo.es", Role::Customer).await;
    let agent = spanish(&app, "agente@ejemplo.es", Role::Agent).await;
    let admin = spanish(&app, "administradora@ejemplo.es", Role::Admin).await;
    let key = TicketKey::Number(number);
    let staff = app.user("pablo@ejemplo.es", Role::Agent).await;
    app.core
        .add_message(
            &staff,
            &key,
            NewMessage {
                body: "Lo estamos revisando.".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    // A change in the history.
    agent
        .post(
            &format!("/tickets/{number}/status"),
            &[("status", "pending")],
        )
        .await;
    let mine = app
        .core
        .open_ticket(
            &app.user("carla2@ejemplo.es", Role::Customer).await,
            new_ticket("Factura duplicada", "Me cobraron dos veces."),
        )
        .await
        .unwrap()
        .number;
    let _ = mine;

    let mut problems = Vec::new();
    let mut check = |who: &str, path: &str, status: StatusCode, html: String| {
        let found = english_in(&html, &english);
        if !found.is_empty() {
            problems.push(format!("{who} {path} ({status}): {}", found.join(", ")));
        }
        if !html.contains("<html lang=\"es\">") {
            problems.push(format!("{who} {path}: <html lang> is not es"));
        }
    };

    // Anonymous, in a browser that prefers Spanish.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                "es-ES,es;q=0.9,en;q=0.5".parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    for path in [
        "/login",
        "/signup",
        "/password/forgot",
        "/password/reset?token=nada",
        "/signup/confirm?token=nada",
        "/no-existe",
    ] {
        let r = anonymous.get(app.url(path)).send().await.unwrap();
        let status = r.status();
        check("anonymous", path, status, r.text().await.unwrap());
    }

    for (who, c, paths) in [
        (
            "customer",
            &customer,
            vec![
                "/tickets".to_owned(),
                "/tickets/new".to_owned(),
                "/account".to_owned(),
                "/tickets?q=factura".to_owned(),
                "/tickets/999999".to_owned(),
            ],
        ),
        (
            "agent",
            &agent,
            vec![
                "/tickets".to_owned(),
                format!("/tickets/{number}"),
                "/tickets?sort=priority&status=pending".to_owned(),
                "/replies".to_owned(),
                "/account".to_owned(),
                "/admin/users".to_owned(),
            ],
        ),
        (
            "admin",
            &admin,
            vec![
                format!("/tickets/{number}"),
                format!("/tickets/{number}/delete"),
                "/admin/users".to_owned(),
                "/admin/categories".to_owned(),
                "/admin/tags".to_owned(),
                "/admin/keys".to_owned(),
                "/admin/settings".to_owned(),
                "/admin/mail".to_owned(),
                "/admin/trash".to_owned(),
            ],
        ),
    ] {
        for path in paths {
            let (status, html) = c.text(&path).await;
            check(who, &path, status, html);
        }
    }
    // A saved reply's pages, the trash's confirmation, a page that is not allowed.
    let r = agent
        .post(
            "/replies",
            &[("title", "Saludo"), ("body", "Hola {customer_name}.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let reply: i64 = app.sql("SELECT id FROM saved_replies").scalar().await;
    for path in [
        format!("/replies/{reply}"),
        format!("/replies/{reply}/delete"),
    ] {
        let (status, html) = agent.text(&path).await;
        check("agent", &path, status, html);
    }
    let trashed = app
        .core
        .open_ticket(&ana, new_ticket("Para la papelera", "Borrar."))
        .await
        .unwrap()
        .number;
    admin
        .post(
            "/tickets/bulk",
            &[
                ("ids", &trashed.to_string()),
                ("action", "delete"),
                ("confirmed", "yes"),
            ],
        )
        .await;
    for path in [
        "/admin/trash".to_owned(),
        format!("/admin/trash/{trashed}/purge"),
    ] {
        let (status, html) = admin.text(&path).await;
        check("admin", &path, status, html);
    }
    let (status, html) = customer.text("/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    check("customer", "/admin/users", status, html);
    // A change from a page that went stale lists what changed meanwhile.
    let r = agent
        .post(
            &format!("/tickets/{number}/update"),
            &[
                ("version", "1"),
                ("loaded_at", "0"),
                ("status", "open"),
                ("priority", "high"),
                ("category", "1"),
                ("assignee", "none"),
            ],
        )
        .await;
    let status = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    check("agent", "POST /tickets/{n}/update (stale)", status, html);

    // Forms that come back with their problems.
    let r = customer
        .post_multipart("/tickets/new", &[("title", ""), ("description", "")], &[])
        .await;
    let status = r.status();
    check(
        "customer",
        "POST /tickets/new",
        status,
        r.text().await.unwrap(),
    );
    let r = customer
        .post(
            "/account/password",
            &[("current", "mal"), ("new", "x"), ("confirm", "y")],
        )
        .await;
    let status = r.status();
    check(
        "customer",
        "POST /account/password",
        status,
        r.text().await.unwrap(),
    );
    let r = agent.post("/replies", &[("title", ""), ("body", "")]).await;
    let status = r.status();
    check("agent", "POST /replies", status, r.text().await.unwrap());
    let r = admin
        .post(
            "/tickets/bulk",
            &[("ids", &number.to_string()), ("action", "delete")],
        )
        .await;
    let status = r.status();
    check(
        "admin",
        "POST /tickets/bulk (delete)",
        status,
        r.text().await.unwrap(),
    );

    assert!(
        problems.is_empty(),
        "English on Spanish pages:\n{}",
        problems.join("\n")
    );
}

/// The words this test looks for are found in English pages (so that the test above
/// would see an untranslated sentence).
#[tokio::test]
async fn the_english_words_are_found_on_english_pages() {
    let app = TestApp::spawn().await;
    let english = english_only();
    let (c, _) = app.logged_in("carla@ejemplo.es", Role::Customer).await;
    let (_, html) = c.text("/tickets/new").await;
    assert!(!english_in(&html, &english).is_empty());
    assert!(html.contains("<html lang=\"en\">"));
}
