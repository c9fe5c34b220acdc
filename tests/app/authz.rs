//! The authorization matrix: every route the router has ([`helpdesk::route_paths`]), every
//! method it answers (probed on the real server: anything but 405), each role, and another
//! customer's ids. A route or method without its row here fails the test, so a new route
//! can not skip the question "who may call this?".

use std::collections::BTreeMap;

use helpdesk::tickets::{Actor, Role, TicketKey, Upload};
use reqwest::{Method, StatusCode};

use crate::{Client, TestApp, new_ticket};

/// Who gets through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user; nothing of anyone else's is named.
    User,
    /// The owner of the ticket (or attachment) named, and staff; another customer gets
    /// exactly what a ticket that does not exist gets.
    Ticket,
    /// Staff only; the path names a ticket, so another customer also gets the answer of a
    /// ticket that does not exist.
    StaffTicket,
    /// Agents and admins.
    Staff,
    /// Admins.
    Admin,
    /// The ticket's owner and admins (deleting: agents may not, see the contract).
    OwnerOrAdmin,
    /// The owner of the API token named only; anyone else gets the answer of a token that
    /// does not exist.
    OwnToken,
}

use Access::*;

/// Every route and method with its access and a body (placeholders in braces). Aliases of
/// the epixel dialect are listed like any other route.
const MATRIX: &[(&str, Access, &str)] = &[
    // v2 (JSON, bearer token)
    ("GET /v2/support-tickets", User, ""),
    (
        "POST /v2/support-tickets",
        User,
        r#"{"title":"t","description":"d","category":"technical","priority":"low"}"#,
    ),
    ("GET /v2/support-tickets/{public_id}", Ticket, ""),
    // legacy (JSON, bearer token)
    ("GET /support-tickets", User, ""),
    (
        "POST /support-tickets/insert",
        User,
        r#"{"title":"t","category":"technical","priority":"low","threads":[{"message":"m"}]}"#,
    ),
    (
        "POST /support-tickets/bulk",
        OwnerOrAdmin,
        r#"{"ids":["{public_id}"]}"#,
    ),
    (
        "PUT /support-tickets/threads/seen",
        Ticket,
        r#"{"threadIds":["{message}"]}"#,
    ),
    ("GET /support-tickets/{public_id}", Ticket, ""),
    (
        "PUT /support-tickets/{public_id}",
        Ticket,
        r#"{"priority":"high"}"#,
    ),
    ("DELETE /support-tickets/{public_id}", OwnerOrAdmin, ""),
    (
        "POST /support-tickets/{public_id}/thread",
        Ticket,
        r#"{"message":"m"}"#,
    ),
    // Not configured here: staff get the 400 that says so.
    (
        "POST /support-tickets/{public_id}/github-issue",
        StaffTicket,
        "!",
    ),
    ("POST /attachments", User, "multipart:file=@proof.txt"),
    // epixel (apikey + bearer token; the lists of categories and tags need only the key,
    // which every caller here sends: without it every epixel route answers 401)
    ("GET /api/v1/support/get/category-list", Public, ""),
    ("GET /api/v1/support/get/category-list/", Public, ""),
    ("GET /api/v1/get/support-ticket/catogory-list", Public, ""),
    ("GET /api/v1/get/support-ticket/catogory-list/", Public, ""),
    (
        "POST /api/v1/support/create/ticket",
        User,
        "subject=t&comment=d&category=1&priority=1",
    ),
    (
        "POST /api/v1/support/create/ticket/",
        User,
        "subject=t&comment=d&category=1&priority=1",
    ),
    (
        "POST /api/v1/creat/support/ticket",
        User,
        "subject=t&comment=d&category=1&priority=1",
    ),
    (
        "POST /api/v1/creat/support/ticket/",
        User,
        "subject=t&comment=d&category=1&priority=1",
    ),
    ("GET /api/v1/support/get/ticket/history", User, ""),
    ("GET /api/v1/support/get/ticket/history/", User, ""),
    ("GET /api/v1/get/ticket/history", User, ""),
    ("GET /api/v1/get/ticket/history/", User, ""),
    ("GET /api/v1/support/get/ticket/tags", Public, ""),
    ("GET /api/v1/support/get/ticket/tags/", Public, ""),
    ("GET /api/v1/get/ticket/tags", Public, ""),
    ("GET /api/v1/get/ticket/tags/", Public, ""),
    (
        "POST /api/v1/support/update/ticket",
        Ticket,
        "ticket_id={number}&priority=3&tags={tag}",
    ),
    (
        "POST /api/v1/support/update/ticket/",
        Ticket,
        "ticket_id={number}&priority=3&tags={tag}",
    ),
    (
        "POST /api/v1/update/support/ticket",
        Ticket,
        "ticket_id={number}&priority=3&tags={tag}",
    ),
    (
        "POST /api/v1/update/support/ticket/",
        Ticket,
        "ticket_id={number}&priority=3&tags={tag}",
    ),
    (
        "GET /api/v1/support/ticket/detailed-view?ticket_id={number}",
        Ticket,
        "",
    ),
    (
        "GET /api/v1/support/ticket/detailed-view/?ticket_id={number}",
        Ticket,
        "",
    ),
    (
        "POST /api/v1/support/ticket/conversation",
        Ticket,
        "ticket={number}&comment=m",
    ),
    (
        "POST /api/v1/support/ticket/conversation/",
        Ticket,
        "ticket={number}&comment=m",
    ),
    (
        "POST /api/v1/support/ticket/status",
        Ticket,
        "ticket={number}&status=3",
    ),
    (
        "POST /api/v1/support/ticket/status/",
        Ticket,
        "ticket={number}&status=3",
    ),
    (
        "POST /api/v1/%E2%80%8Esupport/ticket/status",
        Ticket,
        "ticket={number}&status=3",
    ),
    (
        "POST /api/v1/%E2%80%8Esupport/ticket/status/",
        Ticket,
        "ticket={number}&status=3",
    ),
    (
        "GET /api/v1/support/ticket/download/{attachment}",
        Ticket,
        "",
    ),
    (
        "GET /api/v1/support/ticket/download/{attachment}/",
        Ticket,
        "",
    ),
    // documentation
    ("GET /openapi.json", Public, ""),
    ("GET /docs", Public, ""),
    ("GET /docs/", Public, ""),
    ("GET /docs/index.html", Public, ""),
    // pages (session cookie + CSRF token)
    ("GET /", Public, ""),
    ("GET /healthz", Public, ""),
    ("GET /static/{stylesheet}", Public, ""),
    ("GET /signup", Public, ""),
    (
        "POST /signup",
        Public,
        "name=N&email=new{n}@example.com&password=short",
    ),
    ("GET /login", Public, ""),
    ("POST /login", Public, "email=x@example.com&password=wrong"),
    ("POST /logout", Public, ""),
    ("GET /setup", Public, ""),
    (
        "POST /setup",
        Public,
        "token=nope&name=N&email=s@example.com&password=long+enough+pw",
    ),
    ("GET /signup/confirm", Public, ""),
    ("POST /signup/confirm", Public, "token=nope"),
    ("GET /password/forgot", Public, ""),
    ("POST /password/forgot", Public, "email=x@example.com"),
    ("GET /password/reset", Public, ""),
    (
        "POST /password/reset",
        Public,
        "token=nope&new=long+enough+pw&confirm=long+enough+pw",
    ),
    ("GET /account", User, ""),
    (
        "POST /account/password",
        User,
        "current=password123&new=a+new+password&confirm=a+new+password",
    ),
    ("POST /account/tokens", User, "name=t"),
    ("POST /account/tokens/{token}/revoke", OwnToken, ""),
    ("POST /account/notifications", User, "kind=staff_reply"),
    ("POST /account/time-zone", User, "time_zone=Europe/Madrid"),
    ("POST /account/language", User, "language=es"),
    ("GET /tickets", User, ""),
    (
        "POST /tickets/bulk",
        Staff,
        "action=priority&value=high&ids={number}",
    ),
    ("GET /tickets/new", User, ""),
    (
        "POST /tickets/new",
        User,
        "multipart:title=t&description=d&category=1&priority=low",
    ),
    ("GET /attachments/{attachment}/{filename}", Ticket, ""),
    ("GET /tickets/{number}", Ticket, ""),
    (
        "POST /tickets/{number}/reply",
        Ticket,
        "multipart:message=hello",
    ),
    ("POST /tickets/{number}/status", Ticket, "status=closed"),
    (
        "POST /tickets/{number}/update",
        StaffTicket,
        "status=open&priority=high&category=1&version={version}",
    ),
    ("POST /tickets/{number}/github", StaffTicket, "!"),
    ("GET /tickets/{number}/delete", OwnerOrAdmin, ""),
    ("POST /tickets/{number}/delete", OwnerOrAdmin, ""),
    // A fixed redirect to /admin/users, which checks.
    ("GET /admin", Public, ""),
    ("GET /admin/users", Admin, ""),
    (
        "POST /admin/users",
        Admin,
        "name=U&email=u{n}@example.com&role=customer&password=long+enough+pw",
    ),
    ("POST /admin/users/{user}/role", Admin, "role=agent"),
    ("POST /admin/users/{user}/active", Admin, "active=false"),
    ("GET /admin/categories", Admin, ""),
    ("POST /admin/categories", Admin, "name=C{n}&slug=c{n}"),
    (
        "POST /admin/categories/{category}",
        Admin,
        "name=Renamed&description=",
    ),
    ("POST /admin/categories/{category}/delete", Admin, ""),
    ("GET /admin/tags", Admin, ""),
    ("POST /admin/tags", Admin, "name=tag{n}"),
    ("POST /admin/tags/{tag}", Admin, "name=renamed{n}&keyword="),
    ("GET /admin/keys", Admin, ""),
    ("POST /admin/keys", Admin, "name=k"),
    ("POST /admin/keys/{key}/revoke", Admin, ""),
    ("GET /admin/settings", Admin, ""),
    ("POST /admin/settings", Admin, "open_ticket_limit=10000"),
    ("GET /replies", Staff, ""),
    ("POST /replies", Staff, "title=T{n}&body=Hello"),
    ("GET /replies/{reply}", Staff, ""),
    (
        "POST /replies/{reply}",
        Staff,
        "title=Renamed{n}&body=Hello",
    ),
    ("GET /replies/{reply}/delete", Staff, ""),
    ("POST /replies/{reply}/delete", Staff, ""),
    ("GET /admin/mail", Admin, ""),
    // Mail is not configured here: admins get the 400 that says so.
    ("POST /admin/mail/test", Admin, "!to=ops@example.com"),
    (
        "POST /admin/mail/notifications",
        Admin,
        "kind=staff_reply&new_ticket=on&unknown_senders=accept",
    ),
    ("POST /admin/mail/{mail}/retry", Admin, ""),
    ("GET /admin/trash", Admin, ""),
    ("POST /admin/trash/{trashed}/restore", Admin, ""),
    ("POST /admin/trash/{trashed}/purge", Admin, ""),
    ("GET /admin/trash/{trashed}/purge", Admin, ""),
];

/// How the path's parameters are filled for the routes the router lists.
fn concrete(path: &str) -> String {
    path.replace("/support-tickets/{id}", "/support-tickets/{public_id}")
        .replace("/download/{id}", "/download/{attachment}")
        .replace(
            "/attachments/{id}/{filename}",
            "/attachments/{attachment}/{filename}",
        )
        .replace("/account/tokens/{id}", "/account/tokens/{token}")
        .replace("/admin/users/{id}", "/admin/users/{user}")
        .replace("/admin/categories/{id}", "/admin/categories/{category}")
        .replace("/admin/tags/{id}", "/admin/tags/{tag}")
        .replace("/admin/keys/{id}", "/admin/keys/{key}")
        .replace("/admin/mail/{id}", "/admin/mail/{mail}")
        .replace("/replies/{id}", "/replies/{reply}")
        .replace("/admin/trash/{number}", "/admin/trash/{trashed}")
        .replace("/static/{file}", "/static/{stylesheet}")
        .replace("/docs/{*rest}", "/docs/index.html")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    OtherCustomer,
    Owner,
    Agent,
    Admin,
}

struct Caller {
    who: Who,
    actor: Option<Actor>,
    token: Option<String>,
}

/// The caller's browser for one request: a new session each time, so that a row that logs
/// out or changes a password decides nothing for the next.
async fn browser(app: &TestApp, caller: &Caller) -> Client {
    match &caller.actor {
        Some(actor) => app.session_of(actor).await,
        None => app.client(),
    }
}

/// What the placeholders stand for in one request: fresh objects, so that one request's
/// effect (a deletion, a revoked token) never decides another's answer.
struct Objects(BTreeMap<&'static str, String>);

impl Objects {
    fn fill(&self, template: &str) -> String {
        let mut out = template.to_owned();
        for (k, v) in &self.0 {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }

    /// The same objects, each replaced by one that does not exist.
    fn absent(&self) -> Objects {
        let mut out = BTreeMap::new();
        for (k, v) in &self.0 {
            let gone = match *k {
                "public_id" | "message" => "0000000000000000000000".to_owned(),
                "filename" | "stylesheet" | "n" => v.clone(),
                _ => "999999".to_owned(),
            };
            out.insert(*k, gone);
        }
        Objects(out)
    }
}

async fn objects(app: &TestApp, owner: &Actor, admin: &Actor, n: usize) -> Objects {
    let mut input = new_ticket("Matrix", "A ticket of the owner.");
    input.uploads = vec![Upload {
        filename: "proof.txt".into(),
        content_type: "text/plain".into(),
        data: b"proof".to_vec(),
    }];
    let opened = app.core.open_ticket(owner, input).await.unwrap();
    let trashed = app.ticket(owner, "In the trash").await;
    app.core
        .delete_tickets(admin, &[TicketKey::Number(trashed)])
        .await
        .unwrap();
    let scalar = |sql: String| app.sql(&sql).scalar::<String>();
    let number = opened.number;
    let mut map = BTreeMap::new();
    map.insert("number", number.to_string());
    map.insert("trashed", trashed.to_string());
    map.insert(
        "public_id",
        scalar(format!(
            "SELECT public_id FROM tickets WHERE number = {number}"
        ))
        .await,
    );
    map.insert(
        "version",
        scalar(format!(
            "SELECT CAST(version AS TEXT) FROM tickets WHERE number = {number}"
        ))
        .await,
    );
    map.insert(
        "attachment",
        scalar(format!(
            "SELECT CAST(a.id AS TEXT) FROM attachments a JOIN tickets t ON t.id = a.ticket_id
             WHERE t.number = {number}"
        ))
        .await,
    );
    map.insert("filename", "proof.txt".to_owned());
    map.insert(
        "message",
        scalar(format!(
            "SELECT m.public_id FROM messages m JOIN tickets t ON t.id = m.ticket_id
             WHERE t.number = {number} LIMIT 1"
        ))
        .await,
    );
    app.accounts()
        .create_api_token(owner.id, "matrix")
        .await
        .unwrap();
    map.insert(
        "token",
        scalar(format!(
            "SELECT CAST(MAX(id) AS TEXT) FROM api_tokens WHERE user_id = {}",
            owner.id
        ))
        .await,
    );
    let spare = app
        .user(&format!("spare{n}@example.com"), Role::Customer)
        .await;
    map.insert("user", spare.id.to_string());
    map.insert("category", "11".to_owned());
    app.sql("INSERT INTO tags (name) VALUES (?)")
        .bind(format!("matrix{n}"))
        .execute()
        .await;
    map.insert(
        "tag",
        scalar(format!(
            "SELECT CAST(id AS TEXT) FROM tags WHERE name = 'matrix{n}'"
        ))
        .await,
    );
    app.apikey().await;
    map.insert(
        "key",
        scalar("SELECT CAST(MAX(id) AS TEXT) FROM integration_keys".into()).await,
    );
    map.insert(
        "stylesheet",
        helpdesk::web::assets::stylesheet_url()
            .trim_start_matches("/static/")
            .to_owned(),
    );
    app.sql(
        "INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at, last_error)
         VALUES (?, 'test', 'ops@example.com', 0, 0, 'connection refused')",
    )
    .bind(format!("matrix-{n}"))
    .execute()
    .await;
    map.insert(
        "mail",
        scalar("SELECT CAST(MAX(id) AS TEXT) FROM outbox".into()).await,
    );
    app.sql(
        "INSERT INTO saved_replies (title, body, created_at, updated_at) VALUES (?, 'Hi', 0, 0)",
    )
    .bind(format!("reply-{n}"))
    .execute()
    .await;
    map.insert(
        "reply",
        scalar("SELECT CAST(MAX(id) AS TEXT) FROM saved_replies".into()).await,
    );
    map.insert("n", n.to_string());
    Objects(map)
}

/// One request as `caller`: pages with the session cookie and a CSRF token, the JSON
/// dialects with the caller's token (epixel also with an integration key).
async fn call(
    app: &TestApp,
    caller: &Caller,
    apikey: Option<&str>,
    method: &Method,
    path: &str,
    body: &str,
) -> (StatusCode, String, String) {
    let url = app.url(path);
    let api = path.starts_with("/v2/")
        || path.starts_with("/support-tickets")
        || (path == "/attachments" && *method == Method::POST);
    let epixel = path.starts_with("/api/v1/");
    let page = browser(app, caller).await;
    let mut request = page.http.request(method.clone(), &url);
    if api || epixel {
        if let Some(token) = &caller.token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = apikey.filter(|_| epixel) {
            request = request.header("apikey", key);
        }
        if let Some(fields) = body.strip_prefix("multipart:") {
            request = request.multipart(multipart(reqwest::multipart::Form::new(), fields));
        } else if !body.is_empty() {
            request = if epixel {
                request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.to_owned())
            } else {
                request
                    .header("content-type", "application/json")
                    .body(body.to_owned())
            };
        }
    } else if *method != Method::GET {
        let csrf = page.csrf().await;
        if let Some(fields) = body.strip_prefix("multipart:") {
            let form = reqwest::multipart::Form::new().text("csrf", csrf);
            request = request.multipart(multipart(form, fields));
        } else {
            let mut form = format!("csrf={csrf}");
            if !body.is_empty() {
                form = format!("{form}&{body}");
            }
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form);
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, location, response.text().await.unwrap_or_default())
}

/// The page without its CSRF token (each request here has a session of its own).
fn without_csrf(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(marker) {
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let end = rest.find('"').unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `a=1&file=@name.txt`: text fields, and files (`@`) with a few bytes in them.
fn multipart(mut form: reqwest::multipart::Form, fields: &str) -> reqwest::multipart::Form {
    for pair in fields.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        form = match v.strip_prefix('@') {
            Some(name) => form.part(
                k.to_owned(),
                reqwest::multipart::Part::bytes(b"data".to_vec())
                    .file_name(name.to_owned())
                    .mime_str("text/plain")
                    .unwrap(),
            ),
            None => form.text(k.to_owned(), v.to_owned()),
        };
    }
    form
}

fn denied(status: StatusCode, location: &str) -> bool {
    matches!(status.as_u16(), 401 | 403 | 404) || location.starts_with("/login")
}

#[tokio::test]
async fn every_route_has_a_row_and_every_role_gets_what_its_row_says() {
    let app = TestApp::with_settings(helpdesk::config::Settings {
        open_ticket_limit: 1_000_000,
        ..Default::default()
    })
    .await;
    let rows: BTreeMap<String, (Access, &str)> = MATRIX
        .iter()
        .map(|(route, access, body)| (route.to_string(), (*access, *body)))
        .collect();

    // The routes and methods the server really answers.
    let probe = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut routed = Vec::new();
    for path in helpdesk::route_paths() {
        let path = concrete(&path);
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let url = app.url(&path.replace(['{', '}'], ""));
            let status = probe
                .request(method.clone(), url)
                .send()
                .await
                .unwrap()
                .status();
            if status != StatusCode::METHOD_NOT_ALLOWED {
                let key = format!("{method} {path}");
                let row = rows
                    .keys()
                    .find(|r| r.split('?').next() == Some(key.as_str()))
                    .unwrap_or_else(|| {
                        panic!("{key} is routed but has no row in the authorization matrix")
                    });
                routed.push(row.clone());
            }
        }
    }
    for row in rows.keys() {
        assert!(routed.contains(row), "{row} has a row but is not routed");
    }

    // The callers.
    let admin_actor = app.user("admin@example.com", Role::Admin).await;
    let mut callers = Vec::new();
    for (who, email, role) in [
        (Who::OtherCustomer, "other@example.com", Role::Customer),
        (Who::Owner, "owner@example.com", Role::Customer),
        (Who::Agent, "agent@example.com", Role::Agent),
    ] {
        let actor = app.user(email, role).await;
        callers.push((who, actor));
    }
    callers.push((Who::Admin, admin_actor.clone()));
    let owner = callers[1].1.clone();
    let mut people = vec![Caller {
        who: Who::Anonymous,
        actor: None,
        token: None,
    }];
    for (who, actor) in &callers {
        people.push(Caller {
            who: *who,
            actor: Some(actor.clone()),
            token: Some(app.api_token(actor).await),
        });
    }
    let apikey = app.apikey().await;

    let mut failures = Vec::new();
    let mut n = 0;
    for (route, access, body) in MATRIX {
        let (method, path) = route.split_once(' ').unwrap();
        let method: Method = method.parse().unwrap();
        for caller in &people {
            n += 1;
            let objects = objects(&app, &owner, &admin_actor, n).await;
            let (status, location, text) = call(
                &app,
                caller,
                Some(&apikey),
                &method,
                &objects.fill(path),
                &objects.fill(body.trim_start_matches('!')),
            )
            .await;
            let what = format!("{route} as {:?}: {status} {location}", caller.who);
            if status.is_server_error() {
                failures.push(format!("{what} (server error)"));
                continue;
            }
            if path.starts_with("/api/v1/") && caller.who == Who::Anonymous {
                let (s, ..) = call(&app, caller, None, &method, &objects.fill(path), "").await;
                if s != StatusCode::UNAUTHORIZED {
                    failures.push(format!("{route} without an apikey: {s} (should be 401)"));
                }
            }
            let who = caller.who;
            let allowed = match access {
                Public => continue, // anyone: only "never a server error" applies
                _ if who == Who::Anonymous => false,
                User => true,
                Ticket => who != Who::OtherCustomer,
                StaffTicket | Staff => matches!(who, Who::Agent | Who::Admin),
                OwnerOrAdmin => matches!(who, Who::Owner | Who::Admin),
                Admin => who == Who::Admin,
                OwnToken => who == Who::Owner,
            };
            // Callers who may not know the object exists.
            let blind = who != Who::Anonymous
                && match access {
                    Ticket | StaffTicket | OwnerOrAdmin => who == Who::OtherCustomer,
                    OwnToken => who != Who::Owner,
                    _ => false,
                };
            if allowed {
                // A row whose body starts with "!" cannot succeed here (GitHub is not
                // configured): any refusal but an access one will do.
                let refused = status.is_client_error() && !body.starts_with('!');
                if denied(status, &location) || refused {
                    failures.push(format!("{what} (should get through)"));
                }
            } else if blind {
                // Exactly what a missing object gets.
                let gone = objects.absent();
                let (s2, l2, t2) = call(
                    &app,
                    caller,
                    Some(&apikey),
                    &method,
                    &gone.fill(path),
                    &gone.fill(body.trim_start_matches('!')),
                )
                .await;
                let strip = |t: &str, o: &Objects| {
                    let mut t = without_csrf(t);
                    for k in ["number", "public_id", "attachment", "token", "message"] {
                        t = t.replace(&o.0[k], "<id>");
                    }
                    t
                };
                let (l1, l2) = (strip(&location, &objects), strip(&l2, &gone));
                if (status, l1.as_str(), strip(&text, &objects))
                    != (s2, l2.as_str(), strip(&t2, &gone))
                {
                    failures.push(format!(
                        "{what} differs from a missing object's answer ({s2} {l2})"
                    ));
                }
            } else if !denied(status, &location) {
                failures.push(format!("{what} (should be refused)"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
