//! The XSS corpus: payloads stored through every field a page shows, then every page that
//! shows them rendered in headless Chromium, as a customer and as staff. No dialog may
//! open and no element or attribute of a payload may exist in the page: the text must
//! arrive as text. (The pages' CSP would stop most scripts anyway; this test checks the
//! escaping itself, so it looks for injected markup, not only for scripts that ran.)

use fantoccini::Locator;
use helpdesk::tickets::{Actor, CategoryRef, NewMessage, Role, TicketKey, TicketUpdate, Upload};
use serde_json::Value;

use crate::browser::{Browser, launch};
use crate::{PASSWORD, TestApp, new_ticket};

/// `{n}` becomes the payload's number; every payload names `xss{n}` in the markup it would
/// inject, so an injected element can be told from the page's own.
const PAYLOADS: &[&str] = &[
    "<script>alert('xss{n}')</script>",
    "<img src=x id=xss{n} onerror=alert(1)>",
    "\"><img src=x id=xss{n} onerror=alert(1)>",
    "'><svg id=xss{n} onload=alert(1)>",
    "</textarea><b id=xss{n}>bold</b>",
    "</title><script id=xss{n}>alert(1)</script>",
    "<iframe id=xss{n} src=\"javascript:alert(1)\"></iframe>",
    "<a id=xss{n} href=\"javascript:alert(1)\">click</a>",
    "<body id=xss{n} onload=alert(1)>",
    "<details id=xss{n} open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img id=xss{n} src=x onerror=alert(1)>",
    "<!--<img src=\"--><img id=xss{n} src=x onerror=alert(1)//\">",
    "\" autofocus onfocus=alert(1) id=\"xss{n}",
    "' onmouseover='alert(1)' id='xss{n}",
    "<input id=xss{n} autofocus onfocus=alert(1)>",
    "<object id=xss{n} data=\"javascript:alert(1)\"></object>",
    "<embed id=xss{n} src=\"javascript:alert(1)\">",
    "<base id=xss{n} href=\"//evil.test/\">",
    "<meta id=xss{n} http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form id=xss{n} action=\"javascript:alert(1)\"><button>go</button></form>",
    "<video id=xss{n}><source onerror=alert(1)></video>",
    "<audio id=xss{n} src=x onerror=alert(1)>",
    "<marquee id=xss{n} onstart=alert(1)>m</marquee>",
    "<select id=xss{n} autofocus onfocus=alert(1)></select>",
    "<svg><script id=xss{n}>alert(1)</script></svg>",
    "</script><script id=xss{n}>alert(1)</script>",
    "<scr<script>ipt id=xss{n}>alert(1)</script>",
    "<style id=xss{n}>body{display:none}</style>",
    "<link id=xss{n} rel=stylesheet href=\"//evil.test/x.css\">",
    "<div id=xss{n} style=\"background:url(javascript:alert(1))\">d</div>",
    "{{ 7*7 }} {% if true %}<i id=xss{n}>t</i>{% endif %}",
    "&lt;b id=xss{n}&gt;entities stay text&lt;/b&gt;",
    "<a id=xss{n} href=\"&#106;avascript:alert(1)\">entity url</a>",
    "<noscript><p title=\"</noscript><img id=xss{n} src=x onerror=alert(1)>\">",
];

fn payloads() -> Vec<String> {
    PAYLOADS
        .iter()
        .enumerate()
        .map(|(n, p)| p.replace("{n}", &n.to_string()))
        .collect()
}

fn cut(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

/// Anything on the page that a payload could have put there.
const FIND_INJECTED: &str = r#"
    const found = [];
    for (const el of document.querySelectorAll('*')) {
        const id = el.getAttribute('id') || '';
        if (id.startsWith('xss')) found.push(el.tagName + '#' + id);
        for (const a of el.attributes) {
            if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
            if (/^\s*javascript:/i.test(a.value)) found.push(el.tagName + ' ' + a.name + '=' + a.value);
        }
        // The page's own script: a file from this server, nothing inline.
        const ours = el.tagName === 'SCRIPT' && !el.text
            && new URL(el.src, location.href).origin === location.origin
            && /^\/static\/replies\.[0-9a-f]{12}\.js$/.test(new URL(el.src, location.href).pathname);
        if (!ours && ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'VIDEO', 'AUDIO',
             'MARQUEE', 'MATH', 'SVG', 'svg', 'math'].includes(el.tagName)
            && !(el.tagName === 'META' && !el.hasAttribute('http-equiv'))) {
            found.push(el.tagName);
        }
    }
    return found;
"#;

async fn check_page(b: &Browser, url: &str, who: &str, must_show: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    b.client.goto(url).await.unwrap();
    if let Ok(text) = b.client.get_alert_text().await {
        problems.push(format!("{who} {url}: a dialog opened: {text}"));
        let _ = b.client.dismiss_alert().await;
    }
    let found = b.client.execute(FIND_INJECTED, vec![]).await.unwrap();
    if let Value::Array(items) = found
        && !items.is_empty()
    {
        problems.push(format!("{who} {url}: injected {items:?}"));
    }
    let text = b
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for wanted in must_show {
        if !text.contains(wanted) {
            problems.push(format!("{who} {url}: does not show {wanted:?} as text"));
        }
    }
    problems
}

async fn log_in(b: &Browser, app: &TestApp, email: &str) {
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&app.url("/login")).await.unwrap();
    b.fill("#email", email).await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_path("/tickets").await;
}

#[tokio::test]
async fn stored_payloads_render_as_text_for_customers_and_staff() {
    let Some(b) = launch().await else { return };
    let app = TestApp::with_settings(helpdesk::config::Settings {
        open_ticket_limit: 1000,
        ..Default::default()
    })
    .await;
    let payloads = payloads();
    assert!(payloads.len() >= 30);
    let admin = app.user("admin@example.com", Role::Admin).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let customer = app.user("customer@example.com", Role::Customer).await;
    app.sql("UPDATE users SET name = ? WHERE id = ?")
        .bind(&payloads[1])
        .bind(agent.id)
        .execute()
        .await;
    app.sql("UPDATE users SET name = ? WHERE id = ?")
        .bind(&payloads[2])
        .bind(customer.id)
        .execute()
        .await;
    let agent = Actor {
        name: payloads[1].clone(),
        ..agent
    };

    let mut numbers = Vec::new();
    for (n, p) in payloads.iter().enumerate() {
        // Every ticket field, a file name, a reply, a note, the resolution.
        let category = app
            .core
            .create_category(&admin, &format!("xss-{n}"), &cut(p, 100), p)
            .await
            .unwrap_or_else(|e| panic!("category {n}: {e:?}"));
        let mut input = new_ticket(p, p);
        input.category = CategoryRef::Id(category);
        input.tags = vec![cut(p, 50)];
        input.uploads = vec![Upload {
            filename: p.clone(),
            content_type: "text/html".into(),
            data: p.as_bytes().to_vec(),
        }];
        let number = app
            .core
            .open_ticket(&customer, input)
            .await
            .unwrap_or_else(|e| panic!("ticket {n}: {e:?}"))
            .number;
        let key = TicketKey::Number(number);
        for internal in [false, true] {
            app.core
                .add_message(
                    &agent,
                    &key,
                    NewMessage {
                        body: format!("{} {p}", if internal { "note" } else { "reply" }),
                        internal,
                        uploads: Vec::new(),
                        links: Vec::new(),
                        attachment_ids: Vec::new(),
                        expected_version: None,
                    },
                )
                .await
                .unwrap();
        }
        app.core
            .update_ticket(
                &agent,
                &key,
                TicketUpdate {
                    resolution: Some(Some(p.clone())),
                    assignee: Some(Some(helpdesk::tickets::UserRef::Id(agent.id))),
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("update {n}: {e:?}"));
        // Admin lists: API token and integration key names.
        app.accounts()
            .create_api_token(customer.id, p)
            .await
            .unwrap();
        app.accounts().create_integration_key(p).await.unwrap();
        // The outbox shows addresses and the SMTP server's errors.
        app.sql("INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at, last_error)
             VALUES (?, 'test', ?, 0, 0, ?)",).bind(format!("xss-{n}")).bind(p).bind(p).execute().await;
        app.sql(
            "INSERT INTO saved_replies (title, body, created_at, updated_at) VALUES (?, ?, 0, 0)",
        )
        .bind(format!("{n} {p}"))
        .bind(p)
        .execute()
        .await;
        numbers.push(number);
    }
    // One ticket in the trash, with a payload for a title.
    let trashed = app.ticket(&customer, &payloads[0]).await;
    app.core
        .delete_tickets(&admin, &[TicketKey::Number(trashed)])
        .await
        .unwrap();
    app.core
        .save_setting(&admin, "github_repo", &cut(&payloads[3], 100))
        .await
        .ok();

    let mut problems = Vec::new();
    // Staff: the queue (with a payload as search and as filters), every ticket, the admin
    // pages, and the reflected query strings of the login page.
    log_in(&b, &app, "admin@example.com").await;
    let q = |s: &str| helpdesk::web::encode_query(s);
    let mut staff_pages = vec![
        app.url("/tickets"),
        app.url("/admin/users"),
        app.url("/admin/categories"),
        app.url("/admin/tags"),
        app.url("/admin/keys"),
        app.url("/admin/settings"),
        app.url("/admin/trash"),
        app.url("/admin/mail"),
        app.url("/replies"),
        app.url(&format!("/tickets/{}?insert=1", numbers[0])),
        app.url("/replies/2"),
        app.url("/replies/3/delete"),
    ];
    for p in payloads.iter().take(6) {
        staff_pages.push(app.url(&format!("/tickets?q={}", q(p))));
        staff_pages.push(app.url(&format!("/tickets?tag={}&category={}", q(p), q(p))));
    }
    for url in &staff_pages {
        problems.extend(check_page(&b, url, "admin", &[]).await);
    }
    for (n, number) in numbers.iter().enumerate() {
        let p = &payloads[n];
        let url = app.url(&format!("/tickets/{number}"));
        let note = format!("note {p}");
        problems.extend(check_page(&b, &url, "admin", &[p.as_str(), note.as_str()]).await);
    }
    // The customer: their queue, each ticket (no note, the reply), the forms and account.
    log_in(&b, &app, "customer@example.com").await;
    for url in [
        app.url("/tickets"),
        app.url("/tickets/new"),
        app.url("/account"),
        app.url(&format!("/tickets?q={}", q(&payloads[5]))),
    ] {
        problems.extend(check_page(&b, &url, "customer", &[]).await);
    }
    for (n, number) in numbers.iter().enumerate() {
        let p = &payloads[n];
        let url = app.url(&format!("/tickets/{number}"));
        let reply = format!("reply {p}");
        problems.extend(check_page(&b, &url, "customer", &[p.as_str(), reply.as_str()]).await);
        let text = b
            .client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.contains("note ") {
            problems.push(format!("customer {url}: an internal note is shown"));
        }
    }
    // Anonymous: a payload in the login page's `next` and in the email field's echo.
    b.client.delete_all_cookies().await.unwrap();
    for p in payloads.iter().take(8) {
        let url = app.url(&format!("/login?next={}", q(p)));
        problems.extend(check_page(&b, &url, "anonymous", &[]).await);
        let url = app.url(&format!("/password/reset?token={}", q(p)));
        problems.extend(check_page(&b, &url, "anonymous", &[]).await);
        let url = app.url(&format!("/signup/confirm?token={}", q(p)));
        problems.extend(check_page(&b, &url, "anonymous", &[]).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
