//! The legacy dialect (seed 001): every route's shape and status codes, all-or-nothing
//! bulk operations, uploads, roles and GitHub escalation against a local fake GitHub.

use helpdesk::config::Settings;
use helpdesk::tickets::{Actor, NewMessage, Role, TicketKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::TestApp;

struct Legacy {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Legacy {
    async fn new(app: &TestApp, email: &str, role: Role) -> (Legacy, Actor) {
        let user = app.user(email, role).await;
        let token = app.api_token(&user).await;
        (
            Legacy {
                http: reqwest::Client::new(),
                base: app.url(""),
                token,
            },
            user,
        )
    }

    async fn call(
        &self,
        m: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(m, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// Inserts the seed's example and returns the new ticket's `_id`.
    async fn insert(&self, title: &str) -> String {
        let (status, body) = self
            .post("/support-tickets/insert", seed_insert(title))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["data"]["_id"].as_str().unwrap().to_owned()
    }
}

fn seed_insert(title: &str) -> Value {
    json!({
        "title": title,
        "category": "integration",
        "threads": [{"message": "I'm having trouble integrating with the SmartCheck API", "attachments": []}]
    })
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn insert_answers_the_seed_shape_with_201() {
    let app = TestApp::spawn().await;
    let (api, ann) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (status, body) = api
        .post(
            "/support-tickets/insert",
            seed_insert("API Integration Issue"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let t = &body["data"];
    assert_eq!(
        keys(t),
        [
            "_id",
            "api",
            "assignee",
            "category",
            "client",
            "createdAt",
            "issueUrl",
            "number",
            "status",
            "subject",
            "threads",
            "title",
            "updatedAt"
        ]
    );
    assert_eq!(t["status"], "pending");
    assert_eq!(t["number"], 1001);
    assert_eq!(t["subject"], Value::Null);
    assert_eq!(t["client"], json!({"_id": ann.public_id, "name": "ann"}));
    let thread = &t["threads"][0];
    assert_eq!(
        keys(thread),
        [
            "_id",
            "attachments",
            "client",
            "createdAt",
            "message",
            "seenAt",
            "superAdmin",
            "supportTicket",
            "updatedAt"
        ]
    );
    assert_eq!(thread["superAdmin"], Value::Null);
    assert_eq!(thread["supportTicket"], t["_id"]);
    let ts = t["createdAt"].as_str().unwrap();
    assert!(
        ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[19] == b'.',
        "milliseconds: {ts}"
    );

    for (body, message) in [
        (
            json!({"category": "integration", "threads": [{"message": "m"}]}),
            "title is required",
        ),
        (
            json!({"title": "t", "threads": [{"message": "m"}]}),
            "category is required",
        ),
        (
            json!({"title": "t", "category": "nope", "threads": [{"message": "m"}]}),
            "category is invalid",
        ),
        (
            json!({"title": "t", "category": "billing"}),
            "threads is required",
        ),
        (
            json!({"title": "t", "category": "billing", "threads": []}),
            "threads is required",
        ),
        (
            json!({"title": "t", "category": "billing", "threads": [{"message": " "}]}),
            "message is required",
        ),
        (
            json!({"title": 5, "category": "billing", "threads": [{"message": "m"}]}),
            "title must be a string",
        ),
    ] {
        let (status, err) = api.post("/support-tickets/insert", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err, json!({"code": "BadRequest", "message": message}));
    }
    let r = api
        .http
        .post(app.url("/support-tickets/insert"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("[")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = api
        .http
        .post(app.url("/support-tickets/insert"))
        .json(&seed_insert("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "Unauthorized");
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 1);
}

#[tokio::test]
async fn several_initial_threads_are_stored_in_order() {
    let app = TestApp::spawn().await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let body = json!({"title": "t", "category": "other", "threads": [{"message": "first"}, {"message": "second"}]});
    let (status, created) = api.post("/support-tickets/insert", body).await;
    assert_eq!(status, StatusCode::CREATED);
    let messages: Vec<&str> = created["data"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["first", "second"]);
}

#[tokio::test]
async fn list_paginates_filters_counts_and_says_when_empty() {
    let app = TestApp::spawn().await;
    let (api, ann) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (status, body) = api.get("/support-tickets").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"code": "NotFound", "message": "No support tickets found"})
    );
    for i in 0..12 {
        api.insert(&format!("t{i}")).await;
    }
    let agent = app.user("agent@example.com", Role::Agent).await;
    app.core
        .change_status(
            &agent,
            &TicketKey::Number(1001),
            helpdesk::tickets::Status::InProgress,
            None,
        )
        .await
        .unwrap();
    app.core
        .change_status(
            &ann,
            &TicketKey::Number(1002),
            helpdesk::tickets::Status::Closed,
            None,
        )
        .await
        .unwrap();
    app.core
        .change_status(
            &ann,
            &TicketKey::Number(1003),
            helpdesk::tickets::Status::Cancelled,
            None,
        )
        .await
        .unwrap();
    let (_, bob) = Legacy::new(&app, "bob@example.com", Role::Customer).await;
    let _ = bob;

    let (status, page) = api.get("/support-tickets?countByStatus=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys(&page),
        ["counts", "data", "limit", "page", "pages", "total"]
    );
    assert_eq!(
        (
            page["limit"].clone(),
            page["page"].clone(),
            page["pages"].clone(),
            page["total"].clone()
        ),
        (json!(10), json!(1), json!(2), json!(12))
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 10);
    assert_eq!(
        page["counts"],
        json!({"all": 12, "pending": 9, "progress": 1, "resolved": 1, "cancelled": 1, "open": 10, "closed": 2})
    );
    let (_, page2) = api.get("/support-tickets?page=2").await;
    assert_eq!(page2["data"].as_array().unwrap().len(), 2);
    assert!(page2.get("counts").is_none());
    let (_, resolved) = api.get("/support-tickets?status=resolved").await;
    assert_eq!(resolved["total"], 1);
    assert_eq!(
        resolved["data"][0]["status"], "resolved",
        "closed shows as resolved"
    );
    let (_, progress) = api
        .get("/support-tickets?status=progress&category=integration")
        .await;
    assert_eq!(progress["data"][0]["number"], 1001);
    let (status, none) = api.get("/support-tickets?category=billing").await;
    assert_eq!(
        (status, none["message"].clone()),
        (StatusCode::NOT_FOUND, json!("No support tickets found"))
    );
    let (status, bad) = api.get("/support-tickets?status=open").await;
    assert_eq!(
        (status, bad["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("BadRequest"))
    );
    let (_, big) = api.get("/support-tickets?limit=1000").await;
    assert_eq!(big["limit"], 100);
}

#[tokio::test]
async fn get_thread_update_and_roles() {
    let app = TestApp::spawn().await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (bob, _) = Legacy::new(&app, "bob@example.com", Role::Customer).await;
    let (agent, agent_user) = Legacy::new(&app, "agent@example.com", Role::Agent).await;
    let id = api.insert("Mine").await;

    let (status, body) = api.get(&format!("/support-tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["_id"], id.as_str());
    let (status, theirs) = bob.get(&format!("/support-tickets/{id}")).await;
    let (_, missing) = bob.get("/support-tickets/0123456789abcdef01234567").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(theirs, missing);
    assert_eq!(
        theirs,
        json!({"code": "NotFound", "message": "Support ticket not found"})
    );

    let (status, thread) = agent
        .post(
            &format!("/support-tickets/{id}/thread"),
            json!({"message": "Thank you for the update.", "attachments": []}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        keys(&thread["data"]),
        [
            "_id",
            "attachments",
            "client",
            "createdAt",
            "message",
            "seenAt",
            "superAdmin",
            "supportTicket",
            "updatedAt"
        ]
    );
    assert_eq!(
        thread["data"]["superAdmin"],
        json!({"_id": agent_user.public_id, "name": "agent"})
    );
    let (status, _) = bob
        .post(
            &format!("/support-tickets/{id}/thread"),
            json!({"message": "hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = api
        .post(&format!("/support-tickets/{id}/thread"), json!({}))
        .await;
    assert_eq!(
        (status, err["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("message is required"))
    );

    let (status, _) = api
        .put(
            &format!("/support-tickets/{id}"),
            json!({"status": "progress"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a client cannot set progress"
    );
    let (status, body) = agent
        .put(
            &format!("/support-tickets/{id}"),
            json!({"status": "progress", "subject": "API Integration Issue - In Progress"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "completed"}));
    let (_, t) = api.get(&format!("/support-tickets/{id}")).await;
    assert_eq!(t["data"]["status"], "progress");
    assert_eq!(t["data"]["subject"], "API Integration Issue - In Progress");

    let (status, err) = api
        .put(
            &format!("/support-tickets/{id}"),
            json!({"assignee": agent_user.public_id}),
        )
        .await;
    assert_eq!(
        (status, err["code"].clone()),
        (StatusCode::FORBIDDEN, json!("Forbidden"))
    );
    let (status, _) = api
        .put(
            &format!("/support-tickets/{id}"),
            json!({"issueUrl": "https://github.com/a/b/issues/1"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = agent
        .put(
            &format!("/support-tickets/{id}"),
            json!({"assignee": agent_user.public_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, t) = api.get(&format!("/support-tickets/{id}")).await;
    assert_eq!(
        t["data"]["assignee"],
        json!({"_id": agent_user.public_id, "name": "agent"})
    );
    let (status, _) = agent
        .put(
            &format!("/support-tickets/{id}"),
            json!({"assignee": "0123456789abcdef01234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = agent
        .put(&format!("/support-tickets/{id}"), json!({"status": "done"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Client closes, then pending reopens.
    assert_eq!(
        api.put(
            &format!("/support-tickets/{id}"),
            json!({"status": "resolved"})
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        api.put(
            &format!("/support-tickets/{id}"),
            json!({"status": "pending"})
        )
        .await
        .0,
        StatusCode::OK
    );
    let (_, t) = api.get(&format!("/support-tickets/{id}")).await;
    assert_eq!(t["data"]["status"], "pending");
    let events = app
        .count("SELECT COUNT(*) FROM events WHERE kind IN ('status', 'assignee', 'subject')")
        .await;
    assert_eq!(events, 5);
}

#[tokio::test]
async fn delete_and_bulk_delete_are_all_or_nothing_by_role() {
    let app = TestApp::spawn().await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (bob, _) = Legacy::new(&app, "bob@example.com", Role::Customer).await;
    let (agent, _) = Legacy::new(&app, "agent@example.com", Role::Agent).await;
    let (admin, _) = Legacy::new(&app, "admin@example.com", Role::Admin).await;
    let a = api.insert("a").await;
    let b = api.insert("b").await;
    let c = api.insert("c").await;
    let bobs = bob.insert("bob's").await;

    let (status, err) = agent.delete(&format!("/support-tickets/{a}")).await;
    assert_eq!(
        (status, err["code"].clone()),
        (StatusCode::FORBIDDEN, json!("Forbidden"))
    );
    assert_eq!(
        bob.delete(&format!("/support-tickets/{a}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/support-tickets/{a}")).await,
        (StatusCode::OK, json!({"status": "completed"}))
    );
    assert_eq!(
        api.get(&format!("/support-tickets/{a}")).await.0,
        StatusCode::NOT_FOUND,
        "gone from every view"
    );

    let (status, err) = api.post("/support-tickets/bulk", json!({})).await;
    assert_eq!(
        (status, err),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "BadRequest", "message": "ids is required"})
        )
    );
    let (status, _) = api
        .post("/support-tickets/bulk", json!({"ids": [b, bobs]}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL")
            .await,
        3,
        "nothing changed"
    );
    let (status, _) = api
        .post("/support-tickets/bulk", json!({"ids": [b, c]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        admin
            .post("/support-tickets/bulk", json!({"ids": [bobs]}))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind = 'deleted'")
            .await,
        4
    );
}

#[tokio::test]
async fn threads_seen_is_all_or_nothing() {
    let app = TestApp::spawn().await;
    let (api, ann) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let id = api.insert("t").await;
    let reply = app
        .core
        .add_message(
            &agent,
            &TicketKey::PublicId(id.clone()),
            NewMessage {
                body: "r".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    let (status, err) = api
        .put("/support-tickets/threads/seen", json!({"threadIds": []}))
        .await;
    assert_eq!(
        (status, err),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "BadRequest", "message": "threadIds is required"})
        )
    );
    let (status, _) = api
        .put(
            "/support-tickets/threads/seen",
            json!({"threadIds": [reply.public_id, "0123456789abcdef01234567"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM messages WHERE seen_at IS NOT NULL")
            .await,
        0
    );
    let (status, _) = api
        .put(
            "/support-tickets/threads/seen",
            json!({"threadIds": [reply.public_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, t) = api.get(&format!("/support-tickets/{id}")).await;
    assert!(t["data"]["threads"][1]["seenAt"].is_string());
    let _ = ann;
}

#[tokio::test]
async fn uploads_are_referenced_by_id_once_and_only_by_their_uploader() {
    let app = TestApp::spawn().await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (bob, _) = Legacy::new(&app, "bob@example.com", Role::Customer).await;
    let upload = |client: &Legacy, data: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(data).file_name("trace.log"),
        );
        client
            .http
            .post(format!("{}/attachments", client.base))
            .bearer_auth(&client.token)
            .multipart(form)
            .send()
    };
    let r = upload(&api, b"trace".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        keys(&body["data"]),
        ["_id", "createdAt", "filename", "size", "type", "url"]
    );
    let file_id = body["data"]["_id"].as_str().unwrap().to_owned();

    let r = upload(&api, vec![0; 2 * 1024 * 1024 + 1]).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);
    assert_eq!(
        upload(&api, vec![0; 2 * 1024 * 1024])
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );

    let with_file = json!({"title": "t", "category": "other", "threads": [{"message": "m", "attachments": [file_id]}]});
    let (status, _) = bob.post("/support-tickets/insert", with_file.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not bob's upload");
    let (status, created) = api.post("/support-tickets/insert", with_file.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let attachment = &created["data"]["threads"][0]["attachments"][0];
    assert_eq!(attachment["_id"], file_id.as_str());
    let (status, _) = api.post("/support-tickets/insert", with_file).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "already used");
    let bytes = api
        .http
        .get(attachment["url"].as_str().unwrap())
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"trace");
}

async fn github_app(server: &MockServer) -> TestApp {
    TestApp::with_settings(Settings {
        github_api_url: server.uri(),
        github_repo: Some("acme/backend".into()),
        github_token: Some("gh-secret".into()),
        ..Settings::default()
    })
    .await
}

#[tokio::test]
async fn github_issue_is_created_once_through_the_fake_github() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/backend/issues"))
        .and(header("authorization", "Bearer gh-secret"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 123, "number": 456, "title": "API Integration Issue - Ticket #1001",
            "html_url": "https://github.com/acme/backend/issues/456", "body": "b",
            "labels": [{"name": "support"}], "assignees": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    let app = github_app(&server).await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (agent, _) = Legacy::new(&app, "agent@example.com", Role::Agent).await;
    let id = api.insert("API Integration Issue").await;
    agent
        .put(
            &format!("/support-tickets/{id}"),
            json!({"api": "smartCheck"}),
        )
        .await;

    let (status, err) = api
        .post(&format!("/support-tickets/{id}/github-issue"), json!({}))
        .await;
    assert_eq!(
        (status, err),
        (
            StatusCode::FORBIDDEN,
            json!({"code": "Forbidden", "message": "You are not authorized to create a GitHub issue"})
        )
    );
    let (status, body) = agent
        .post(&format!("/support-tickets/{id}/github-issue"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["issueUrl"],
        "https://github.com/acme/backend/issues/456"
    );
    assert_eq!(body["data"]["githubIssue"]["number"], 456);
    let sent: Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(sent["title"], "API Integration Issue - Ticket #1001");
    assert_eq!(sent["labels"], json!(["support", "smartCheck"]));
    assert!(
        sent["body"]
            .as_str()
            .unwrap()
            .contains(&app.url("/tickets/1001"))
    );
    let (_, t) = api.get(&format!("/support-tickets/{id}")).await;
    assert_eq!(
        t["data"]["issueUrl"],
        "https://github.com/acme/backend/issues/456"
    );
    let (status, err) = agent
        .post(&format!("/support-tickets/{id}/github-issue"), json!({}))
        .await;
    assert_eq!(
        (status, err),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "BadRequest", "message": "Issue already created"})
        )
    );
}

#[tokio::test]
async fn github_failure_is_502_and_stores_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let app = github_app(&server).await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    let (agent, _) = Legacy::new(&app, "agent@example.com", Role::Agent).await;
    let id = api.insert("t").await;
    let (status, err) = agent
        .post(&format!("/support-tickets/{id}/github-issue"), json!({}))
        .await;
    assert_eq!(
        (status, err["code"].clone()),
        (StatusCode::BAD_GATEWAY, json!("BadGateway"))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE issue_url IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind = 'issue_url'")
            .await,
        0
    );

    let unconfigured = TestApp::spawn().await;
    let (api, _) = Legacy::new(&unconfigured, "ann@example.com", Role::Customer).await;
    let (agent, _) = Legacy::new(&unconfigured, "agent@example.com", Role::Agent).await;
    let id = api.insert("t").await;
    let (status, err) = agent
        .post(&format!("/support-tickets/{id}/github-issue"), json!({}))
        .await;
    assert_eq!(
        (status, err),
        (
            StatusCode::BAD_REQUEST,
            json!({"code": "BadRequest", "message": "GitHub integration is not configured"})
        )
    );
}

#[tokio::test]
async fn the_open_ticket_limit_is_429() {
    let app = TestApp::with_settings(Settings {
        open_ticket_limit: 1,
        ..Settings::default()
    })
    .await;
    let (api, _) = Legacy::new(&app, "ann@example.com", Role::Customer).await;
    api.insert("one").await;
    let (status, err) = api
        .post("/support-tickets/insert", seed_insert("two"))
        .await;
    assert_eq!(
        (status, err["code"].clone()),
        (StatusCode::TOO_MANY_REQUESTS, json!("TooManyRequests"))
    );
}
