//! The role matrix of every staff and admin route, and the admin pages' rules.

use helpdesk::tickets::{Role, TicketKey};
use reqwest::StatusCode;

use crate::{Client, PASSWORD, TestApp, location, select};

const ANON: usize = 0;
const CUSTOMER: usize = 1;
const AGENT: usize = 2;
const ADMIN: usize = 3;

/// Method, path, form fields, and the status for anonymous, customer, agent and admin.
/// `{n}` is an existing ticket, `{u}` the customer's user id.
type Row = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    [u16; 4],
);
const MATRIX: &[Row] = &[
    ("GET", "/tickets", &[], [303, 200, 200, 200]),
    (
        "POST",
        "/tickets/bulk",
        &[("ids", "{n}"), ("action", "priority"), ("value", "high")],
        [303, 403, 303, 303],
    ),
    ("GET", "/tickets/{n}", &[], [303, 200, 200, 200]),
    // "Delete ticket?" (the delete itself is tested with the confirmation).
    ("GET", "/tickets/{n}/delete", &[], [303, 200, 403, 200]),
    (
        "POST",
        "/tickets/{n}/update",
        &[
            ("version", "0"),
            ("status", "open"),
            ("priority", "low"),
            ("category", "1"),
        ],
        [303, 403, 409, 409],
    ),
    ("POST", "/tickets/{n}/github", &[], [303, 403, 400, 400]),
    ("GET", "/admin", &[], [303, 303, 303, 303]),
    ("GET", "/admin/users", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/users",
        &[
            ("name", "N"),
            ("email", "new@example.com"),
            ("role", "agent"),
            ("password", "long password"),
        ],
        [303, 403, 403, 303],
    ),
    (
        "POST",
        "/admin/users/{u}/role",
        &[("role", "customer")],
        [303, 403, 403, 303],
    ),
    (
        "POST",
        "/admin/users/{u}/active",
        &[("active", "1")],
        [303, 403, 403, 303],
    ),
    ("GET", "/admin/categories", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/categories",
        &[("slug", "hardware"), ("name", "Hardware")],
        [303, 403, 403, 303],
    ),
    (
        "POST",
        "/admin/categories/11",
        &[("name", "Other"), ("active", "on")],
        [303, 403, 403, 303],
    ),
    (
        "POST",
        "/admin/categories/1/delete",
        &[],
        [303, 403, 403, 400],
    ),
    ("GET", "/admin/tags", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/tags",
        &[("name", "vip")],
        [303, 403, 403, 303],
    ),
    (
        "POST",
        "/admin/tags/1",
        &[("name", "first"), ("active", "on")],
        [303, 403, 403, 303],
    ),
    ("GET", "/admin/keys", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/keys",
        &[("name", "crm")],
        [303, 403, 403, 200],
    ),
    ("POST", "/admin/keys/999/revoke", &[], [303, 403, 403, 404]),
    ("GET", "/admin/settings", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/settings",
        &[("open_ticket_limit", "30")],
        [303, 403, 403, 303],
    ),
    ("GET", "/admin/mail", &[], [303, 403, 403, 200]),
    // Mail is not configured here: the admin is told so.
    (
        "POST",
        "/admin/mail/test",
        &[("to", "ops@example.com")],
        [303, 403, 403, 400],
    ),
    (
        "POST",
        "/admin/mail/notifications",
        &[
            ("kind", "staff_reply"),
            ("new_ticket", "on"),
            ("unknown_senders", "accept"),
        ],
        [303, 403, 403, 303],
    ),
    ("POST", "/admin/mail/999/retry", &[], [303, 403, 403, 404]),
    ("GET", "/admin/trash", &[], [303, 403, 403, 200]),
    (
        "POST",
        "/admin/trash/{n}/restore",
        &[],
        [303, 403, 403, 404],
    ),
    ("POST", "/admin/trash/{n}/purge", &[], [303, 403, 403, 404]),
    ("GET", "/admin/trash/{n}/purge", &[], [303, 403, 403, 200]),
];

/// Every `/admin` and staff `/tickets/...` route the web face declares.
fn declared_routes() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for piece in text.split(".route(").skip(1) {
            let path = piece
                .trim_start()
                .trim_start_matches('"')
                .split('"')
                .next()
                .unwrap_or_default();
            if path.starts_with("/admin") || path.starts_with("/tickets") {
                routes.push(path.replace("{number}", "{n}").replace("{id}", "*"));
            }
        }
    }
    routes
}

#[test]
fn every_staff_and_admin_route_is_in_the_matrix() {
    let known: Vec<String> = MATRIX
        .iter()
        .map(|(_, p, _, _)| {
            p.replace("{u}", "*")
                .replace("/11", "/*")
                .replace("/999/", "/*/")
                .replace("/1/", "/*/")
                .replace("/1", "/*")
        })
        .collect();
    for route in declared_routes() {
        if route == "/tickets/new"
            || route == "/tickets/{n}/reply"
            || route == "/tickets/{n}/status"
        {
            continue; // customer routes, tested with the portal
        }
        assert!(
            known.contains(&route),
            "route {route} has no entry in the role matrix"
        );
    }
}

#[tokio::test]
async fn the_role_matrix_holds() {
    let app = TestApp::spawn().await;
    let (customer, cust) = app.logged_in("cust@example.com", Role::Customer).await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    let n = app.ticket(&cust, "Mine").await.to_string();
    app.sql("INSERT INTO tags (name) VALUES ('first')")
        .execute()
        .await;
    let anon = app.client();
    let clients: [&Client; 4] = [&anon, &customer, &agent, &admin];
    for (method, path, fields, expected) in MATRIX {
        for role in [ANON, CUSTOMER, AGENT, ADMIN] {
            let path = path.replace("{n}", &n).replace("{u}", &cust.id.to_string());
            let c = clients[role];
            let fields: Vec<(&str, String)> = fields
                .iter()
                .map(|(k, v)| (*k, v.replace("{n}", &n)))
                .collect();
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = if *method == "GET" {
                c.get(&path).await.status()
            } else {
                c.post(&path, &pairs).await.status()
            };
            assert_eq!(
                status.as_u16(),
                expected[role],
                "{method} {path} as role #{role}"
            );
        }
    }
}

#[tokio::test]
async fn deactivating_a_user_ends_sessions_and_tokens_at_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    let (victim, user) = app.logged_in("ann@example.com", Role::Customer).await;
    let token = app.api_token(&user).await;
    let r = admin
        .post(
            &format!("/admin/users/{}/active", user.id),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        victim.get("/tickets").await.status(),
        StatusCode::SEE_OTHER,
        "session ended"
    );
    let api = reqwest::Client::new()
        .get(app.url("/v2/support-tickets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "token ended");
    assert_eq!(
        app.client()
            .login("ann@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    admin
        .post(
            &format!("/admin/users/{}/active", user.id),
            &[("active", "1")],
        )
        .await;
    assert_eq!(
        app.client()
            .login("ann@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = admin.text("/admin/users?q=ann").await;
    assert_eq!(
        select(&page, "tbody tr td:nth-child(2)"),
        ["ann@example.com"]
    );
    let me: i64 = app
        .sql("SELECT id FROM users WHERE email = 'admin@example.com'")
        .scalar()
        .await;
    assert_eq!(
        admin
            .post(&format!("/admin/users/{me}/active"), &[("active", "0")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn categories_in_use_are_deactivated_not_deleted() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    app.ticket(&ann, "uses technical").await;
    let r = admin.post("/admin/categories/1/delete", &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("deactivate it instead"));
    admin
        .post(
            "/admin/categories",
            &[("slug", "hardware"), ("name", "Hardware")],
        )
        .await;
    let id: i64 = app
        .sql("SELECT id FROM categories WHERE slug = 'hardware'")
        .scalar()
        .await;
    assert_eq!(
        admin
            .post(&format!("/admin/categories/{id}/delete"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    admin
        .post(
            "/admin/categories/1",
            &[("name", "Technical"), ("description", "x")],
        )
        .await;
    let (c, _) = app.logged_in("bob@example.com", Role::Customer).await;
    let (_, form) = c.text("/tickets/new").await;
    assert!(
        !select(&form, "#category option").contains(&"Technical".to_string()),
        "inactive categories are not offered"
    );
}

#[tokio::test]
async fn keys_settings_and_trash() {
    let app = TestApp::spawn().await;
    let (admin, me) = app.logged_in("admin@example.com", Role::Admin).await;
    let r = admin.post("/admin/keys", &[("name", "crm")]).await;
    let html = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("#new-key").unwrap();
    let key = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    assert!(app.accounts().integration_key_valid(&key).await.unwrap());
    let id: i64 = app.sql("SELECT id FROM integration_keys").scalar().await;
    admin.post(&format!("/admin/keys/{id}/revoke"), &[]).await;
    assert!(!app.accounts().integration_key_valid(&key).await.unwrap());

    let r = admin
        .post(
            "/admin/settings",
            &[
                ("open_ticket_limit", "2"),
                ("github_repo", "acme/app"),
                ("github_token", "tok"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.core.open_ticket_limit().await.unwrap(), 2);
    let (_, page) = admin.text("/admin/settings").await;
    assert!(
        page.contains("acme/app") && !page.contains("tok\""),
        "the token is never shown"
    );
    assert_eq!(
        admin
            .post("/admin/settings", &[("open_ticket_limit", "zero")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    let ann = app.user("ann@example.com", Role::Customer).await;
    let a = app.ticket(&ann, "keep").await;
    let b = app.ticket(&ann, "purge").await;
    app.core
        .delete_tickets(&me, &[TicketKey::Number(a), TicketKey::Number(b)])
        .await
        .unwrap();
    let (_, trash) = admin.text("/admin/trash").await;
    assert_eq!(
        select(&trash, "tbody tr td:nth-child(4)"),
        ["admin", "admin"],
        "who deleted them"
    );
    let r = admin.post(&format!("/admin/trash/{a}/restore"), &[]).await;
    assert_eq!(location(&r), "/admin/trash");
    assert!(
        app.core
            .ticket_status(&ann, &TicketKey::Number(a))
            .await
            .is_ok(),
        "restored"
    );
    admin.post(&format!("/admin/trash/{b}/purge"), &[]).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 1);
    assert_eq!(
        app.count("SELECT CAST(SUM(n) AS BIGINT) FROM ticket_counts WHERE status = 'open'")
            .await,
        1
    );
    let (_, staff_search) = admin.text("/tickets?q=purge").await;
    assert!(
        select(&staff_search, "table.tickets tbody tr").is_empty(),
        "purged tickets leave the search index"
    );
}

/// Admin → Users pages 50 at a time with the position shown, and filters by role.
#[tokio::test]
async fn the_users_list_pages_and_filters_by_role() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    for i in 0..60 {
        app.user(&format!("c{i:02}@example.com"), Role::Customer)
            .await;
    }
    app.user("agent@example.com", Role::Agent).await;
    // 62 users: the admin, 60 customers, one agent.
    let (_, first) = admin.text("/admin/users").await;
    assert_eq!(select(&first, "nav.pagination span"), ["1–50 of 62 users"]);
    assert_eq!(select(&first, "tbody tr").len(), 50);
    let older = scraper::Html::parse_document(&first)
        .select(&scraper::Selector::parse("a[rel=next]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let (_, second) = admin.text(&older).await;
    assert_eq!(
        select(&second, "nav.pagination span"),
        ["51–62 of 62 users"]
    );
    assert_eq!(select(&second, "tbody tr").len(), 12);
    assert!(select(&second, "a[rel=next]").is_empty());
    let (_, agents) = admin.text("/admin/users?role=agent").await;
    assert_eq!(select(&agents, "nav.pagination span"), ["1 user"]);
    assert!(agents.contains("agent@example.com"));
    let (_, found) = admin.text("/admin/users?q=c05&role=customer").await;
    assert_eq!(select(&found, "nav.pagination span"), ["1 user"]);
}
