//! The v2 dialect (seeds 000, 002, 003): the seed's example, every error code in both
//! languages, roles, and round trips with the other faces.

use helpdesk::tickets::{NewMessage, Role, Status, TicketKey};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{TestApp, select};

fn seed_request() -> Value {
    json!({
        "title": "API Integration Issue",
        "description": "Having trouble integrating the biometric validation API. Getting 401 errors when trying to authenticate.",
        "priority": "high",
        "category": "technical",
        "tags": ["api", "authentication", "biometric"],
        "attachments": [{
            "filename": "error_logs.txt",
            "url": "https://storage.verifik.co/attachments/error_logs.txt",
            "size": 1024,
            "type": "text/plain"
        }]
    })
}

struct V2 {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl V2 {
    async fn new(app: &TestApp, email: &str, role: Role) -> (V2, helpdesk::tickets::Actor) {
        let user = app.user(email, role).await;
        let token = app.api_token(&user).await;
        (
            V2 {
                http: reqwest::Client::new(),
                base: app.url(""),
                token,
            },
            user,
        )
    }

    async fn post(&self, body: &Value, lang: Option<&str>) -> (StatusCode, Value) {
        let mut r = self
            .http
            .post(format!("{}/v2/support-tickets", self.base))
            .bearer_auth(&self.token)
            .json(body);
        if let Some(lang) = lang {
            r = r.header("Accept-Language", lang);
        }
        let r = r.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn the_seed_example_gets_the_seed_response_shape() {
    let app = TestApp::spawn().await;
    let (api, ann) = V2::new(&app, "ann@example.com", Role::Customer).await;
    let (status, body) = api.post(&seed_request(), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    let data = &body["data"];
    let seed_keys = [
        "_id",
        "assignedTo",
        "attachments",
        "category",
        "client",
        "createdAt",
        "description",
        "priority",
        "resolution",
        "resolvedAt",
        "status",
        "tags",
        "threads",
        "title",
        "updatedAt",
    ];
    assert_eq!(keys(data), seed_keys);
    assert_eq!(data["_id"].as_str().unwrap().len(), 24);
    assert_eq!(data["status"], "open");
    assert_eq!(data["priority"], "high");
    assert_eq!(data["category"], "technical");
    assert_eq!(data["client"], ann.public_id);
    assert_eq!(data["assignedTo"], Value::Null);
    assert_eq!(data["resolution"], Value::Null);
    assert_eq!(data["resolvedAt"], Value::Null);
    assert_eq!(data["tags"], json!(["api", "authentication", "biometric"]));
    assert_eq!(data["attachments"], seed_request()["attachments"]);
    let thread = &data["threads"][0];
    assert_eq!(keys(thread), ["author", "message", "timestamp", "type"]);
    assert_eq!(thread["type"], "user");
    assert_eq!(thread["author"], ann.public_id);
    assert_eq!(thread["message"], seed_request()["description"]);
    let ts = data["createdAt"].as_str().unwrap();
    assert!(
        ts.len() == 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
        "{ts}"
    );
    assert_eq!(data["createdAt"], thread["timestamp"]);
}

#[tokio::test]
async fn every_error_code_in_english_and_spanish() {
    let settings = helpdesk::config::Settings {
        open_ticket_limit: 1,
        ..Default::default()
    };
    let app = TestApp::with_settings(settings).await;
    let (api, _) = V2::new(&app, "ann@example.com", Role::Customer).await;
    let with = |f: &dyn Fn(&mut Value)| {
        let mut body = seed_request();
        f(&mut body);
        body
    };
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (
            with(&|b| {
                b.as_object_mut().unwrap().remove("title");
            }),
            "TITLE_REQUIRED",
            "Title is required",
            "El título es requerido",
        ),
        (
            with(&|b| b["title"] = json!("   ")),
            "TITLE_REQUIRED",
            "Title is required",
            "El título es requerido",
        ),
        (
            with(&|b| b["title"] = json!("x".repeat(501))),
            "TITLE_TOO_LONG",
            "Title must be at most 500 characters",
            "El título debe tener como máximo 500 caracteres",
        ),
        (
            with(&|b| b["description"] = json!(null)),
            "DESCRIPTION_REQUIRED",
            "Description is required",
            "La descripción es requerida",
        ),
        (
            with(&|b| b["description"] = json!("d".repeat(50_001))),
            "DESCRIPTION_TOO_LONG",
            "Description must be at most 50000 characters",
            "La descripción debe tener como máximo 50000 caracteres",
        ),
        (
            with(&|b| {
                b.as_object_mut().unwrap().remove("priority");
            }),
            "PRIORITY_REQUIRED",
            "Priority is required",
            "La prioridad es requerida",
        ),
        (
            with(&|b| b["priority"] = json!("critical")),
            "INVALID_PRIORITY",
            "Invalid priority level",
            "Nivel de prioridad inválido",
        ),
        (
            with(&|b| b["priority"] = json!(3)),
            "INVALID_PRIORITY",
            "Invalid priority level",
            "Nivel de prioridad inválido",
        ),
        (
            with(&|b| b["category"] = json!("")),
            "CATEGORY_REQUIRED",
            "Category is required",
            "La categoría es requerida",
        ),
        (
            with(&|b| b["category"] = json!("nope")),
            "INVALID_CATEGORY",
            "Invalid category",
            "Categoría inválida",
        ),
        (with(&|b| b["tags"] = json!("api")), "INVALID_TAGS", "", ""),
        (with(&|b| b["tags"] = json!([1, 2])), "INVALID_TAGS", "", ""),
        (
            with(&|b| {
                b["tags"] = json!(
                    vec!["t"; 21]
                        .iter()
                        .enumerate()
                        .map(|(i, _)| format!("t{i}"))
                        .collect::<Vec<_>>()
                )
            }),
            "INVALID_TAGS",
            "",
            "",
        ),
        (
            with(&|b| b["attachments"][0]["url"] = json!("ftp://x/y")),
            "INVALID_ATTACHMENTS",
            "",
            "",
        ),
        (
            with(&|b| b["attachments"] = json!([{"url": "https://x.test/a"}])),
            "INVALID_ATTACHMENTS",
            "",
            "",
        ),
        (
            with(&|b| b["attachments"][0]["size"] = json!(-1)),
            "INVALID_ATTACHMENTS",
            "",
            "",
        ),
    ];
    for (body, code, en, es) in cases {
        let (status, english) = api.post(&body, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{code}");
        assert_eq!(english["message"], code);
        let (_, spanish) = api.post(&body, Some("es-CO,es;q=0.9,en;q=0.5")).await;
        assert_eq!(spanish["message"], code, "codes never change");
        if !en.is_empty() {
            assert_eq!(english["error"], en);
            assert_eq!(spanish["error"], es);
        }
        assert_ne!(english["error"], spanish["error"]);
    }
    // The first failing field in the documented order wins.
    let (_, body) = api.post(&json!({"priority": "bogus"}), None).await;
    assert_eq!(body["message"], "TITLE_REQUIRED");

    let r = api
        .http
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["message"], "INVALID_JSON");
    let r = api
        .http
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&api.token)
        .header("content-type", "text/plain")
        .body(seed_request().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["message"],
        "INVALID_JSON",
        "wrong content type"
    );
    let r = api
        .http
        .post(app.url("/v2/support-tickets"))
        .json(&seed_request())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": "Authentication required", "message": "UNAUTHORIZED"})
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets").await,
        0,
        "nothing stored"
    );

    assert_eq!(api.post(&seed_request(), None).await.0, StatusCode::OK);
    let (status, body) = api.post(&seed_request(), Some("es")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        body,
        json!({"error": "Límite de tickets abiertos alcanzado", "message": "OPEN_TICKET_LIMIT"})
    );
}

#[tokio::test]
async fn list_and_show_respect_ownership() {
    let app = TestApp::spawn().await;
    let (ann, _) = V2::new(&app, "ann@example.com", Role::Customer).await;
    let (bob, _) = V2::new(&app, "bob@example.com", Role::Customer).await;
    let (agent, _) = V2::new(&app, "agent@example.com", Role::Agent).await;
    let (_, first) = ann.post(&seed_request(), None).await;
    let mut second = seed_request();
    second["priority"] = json!("low");
    second["category"] = json!("billing");
    ann.post(&second, None).await;
    bob.post(&seed_request(), None).await;
    let id = first["data"]["_id"].as_str().unwrap().to_owned();

    let (status, list) = ann.get("/v2/support-tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys(&list),
        ["data", "limit", "page", "pages", "success", "total"]
    );
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"][0]["priority"], "low", "newest first");
    let (_, filtered) = ann
        .get("/v2/support-tickets?category=billing&priority=low&status=open")
        .await;
    assert_eq!(filtered["total"], 1);
    let (_, paged) = ann.get("/v2/support-tickets?limit=1&page=2").await;
    assert_eq!(
        (paged["pages"].clone(), paged["data"][0]["_id"].clone()),
        (json!(2), json!(id))
    );
    let (status, bad) = ann.get("/v2/support-tickets?priority=huge").await;
    assert_eq!(
        (status, bad["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("INVALID_PRIORITY"))
    );
    let (_, all) = agent.get("/v2/support-tickets").await;
    assert_eq!(all["total"], 3, "staff see every ticket");

    let (status, one) = ann.get(&format!("/v2/support-tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["data"]["_id"], id.as_str());
    let (status, theirs) = bob.get(&format!("/v2/support-tickets/{id}")).await;
    let (_, missing) = bob
        .get("/v2/support-tickets/0123456789abcdef01234567")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(theirs, missing);
    assert_eq!(
        theirs,
        json!({"error": "Support ticket not found", "message": "NOT_FOUND"})
    );
}

#[tokio::test]
async fn staff_replies_are_agent_threads_and_notes_never_show() {
    let app = TestApp::spawn().await;
    let (ann, _) = V2::new(&app, "ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let (_, created) = ann.post(&seed_request(), None).await;
    let key = TicketKey::PublicId(created["data"]["_id"].as_str().unwrap().to_owned());
    app.core
        .add_message(
            &agent,
            &key,
            NewMessage {
                body: "On it".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .add_message(
            &agent,
            &key,
            NewMessage {
                body: "secret".into(),
                internal: true,
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .change_status(&agent, &key, Status::Cancelled, None)
        .await
        .unwrap();
    let (_, body) = ann
        .get(&format!(
            "/v2/support-tickets/{}",
            created["data"]["_id"].as_str().unwrap()
        ))
        .await;
    let threads = body["data"]["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[1]["type"], "agent");
    assert_eq!(threads[1]["author"], agent.public_id);
    assert!(!body.to_string().contains("secret"));
    assert_eq!(
        body["data"]["status"], "closed",
        "cancelled shows as closed"
    );
    assert!(body["data"]["resolvedAt"].is_string());
}

#[tokio::test]
async fn round_trips_with_legacy_and_the_portal() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let token = app.api_token(&ann).await;
    let api = V2 {
        http: reqwest::Client::new(),
        base: app.url(""),
        token: token.clone(),
    };
    let (_, created) = api.post(&seed_request(), None).await;
    let id = created["data"]["_id"].as_str().unwrap().to_owned();

    let legacy = api
        .http
        .get(app.url(&format!("/support-tickets/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let legacy: Value = legacy.json().await.unwrap();
    assert_eq!(legacy["data"]["title"], "API Integration Issue");
    assert_eq!(
        legacy["data"]["status"], "pending",
        "open shows as pending in legacy"
    );
    assert_eq!(legacy["data"]["category"], "technical");
    assert_eq!(legacy["data"]["number"], 1001);
    let (_, page) = c.text("/tickets/1001").await;
    assert_eq!(select(&page, "h1"), ["#1001 API Integration Issue"]);
    assert_eq!(
        select(&page, ".tag"),
        ["api", "authentication", "biometric"]
    );
    assert!(page.contains("https://storage.verifik.co/attachments/error_logs.txt"));

    // Change the status in legacy (a client cancels), read it in v2.
    let r = api
        .http
        .put(app.url(&format!("/support-tickets/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "cancelled"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, v2) = api.get(&format!("/v2/support-tickets/{id}")).await;
    assert_eq!(v2["data"]["status"], "closed");

    // A ticket opened in the portal with a file reads in v2 with a working absolute URL.
    c.post_multipart(
        "/tickets/new",
        &[
            ("title", "Portal"),
            ("category", "5"),
            ("priority", "urgent"),
            ("description", "d"),
        ],
        &[("attachments", "notes.txt", b"hello".to_vec())],
    )
    .await;
    let (_, list) = api.get("/v2/support-tickets?priority=urgent").await;
    let file = &list["data"][0]["attachments"][0];
    assert_eq!(list["data"][0]["category"], "general");
    let url = file["url"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/attachments/")), "{url}");
    let bytes = api
        .http
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        &bytes[..],
        b"hello",
        "the download route accepts the Bearer token"
    );
    assert_eq!(
        api.http.get(url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "not without it"
    );
}
