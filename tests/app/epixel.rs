//! The epixel-style dialect (seed 004): shapes, messages word for word, ownership,
//! aliases, the 2 MiB cap and round trips with the other faces.

use helpdesk::tickets::{Actor, NewMessage, Role, Status, TicketKey, Upload};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::{TestApp, select};

const MIB2: usize = 2 * 1024 * 1024;

struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
    token: String,
}

impl Api {
    async fn new(app: &TestApp, user: &Actor) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: app.url(""),
            key: app.apikey().await,
            token: app.api_token(user).await,
        }
    }

    fn with_user(&self, token: String) -> Api {
        Api {
            http: self.http.clone(),
            base: self.base.clone(),
            key: self.key.clone(),
            token,
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("apikey", &self.key)
            .header("Authorization", format!("Bearer {}", self.token))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        read(self.req(reqwest::Method::GET, path).send().await.unwrap()).await
    }

    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, Value) {
        read(
            self.req(reqwest::Method::POST, path)
                .form(fields)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, Value) {
        let mut form = Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, data)) = file {
            form = form.part("attachment", Part::bytes(data).file_name(name.to_string()));
        }
        read(
            self.req(reqwest::Method::POST, path)
                .multipart(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

async fn read(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

fn ok(body: &Value) {
    assert_eq!(body["status_code"], 200, "{body}");
    assert_eq!(body["errors"], json!({}), "{body}");
}

fn errors(body: &Value) -> &Value {
    &body["errors"]
}

async fn customer(app: &TestApp, email: &str) -> (Actor, Api) {
    let user = app.user(email, Role::Customer).await;
    let api = Api::new(app, &user).await;
    (user, api)
}

const CREATE: &str = "/api/v1/support/create/ticket/";

#[tokio::test]
async fn category_and_tag_lists_need_only_the_apikey_on_every_path() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    helpdesk::tickets::Core::tags(&app.core).await.unwrap();
    app.sql("INSERT INTO tags (name, keyword) VALUES ('billing', 'invoice')")
        .execute()
        .await;
    for path in [
        "/api/v1/support/get/category-list/",
        "/api/v1/support/get/category-list",
        "/api/v1/get/support-ticket/catogory-list/",
    ] {
        let r = api
            .http
            .get(app.url(path))
            .header("apikey", &api.key)
            .send()
            .await
            .unwrap();
        let (status, body) = read(r).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        ok(&body);
        let list = body["data"]["CategoryList"].as_array().unwrap();
        assert_eq!(list.len(), 11);
        assert_eq!(
            list[0],
            json!({"id": 1, "category": "Technical", "description": "Technical issues"})
        );
        assert_eq!(list[6]["category"], "SmartCheck");
    }
    for path in [
        "/api/v1/support/get/ticket/tags/",
        "/api/v1/get/ticket/tags",
    ] {
        let r = api
            .http
            .get(app.url(path))
            .header("apikey", &api.key)
            .send()
            .await
            .unwrap();
        let (status, body) = read(r).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["data"]["TicketTagList"],
            json!([{"id": 1, "tag": "billing", "keyword": "invoice"}])
        );
    }
    let (status, body) = read(
        api.http
            .get(app.url("/api/v1/support/get/category-list/"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status_code"], 401);
    let wrong = api
        .http
        .get(app.url("/api/v1/get/ticket/tags/"))
        .header("apikey", "hdk_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn everything_else_needs_both_headers() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    let no_token = api
        .http
        .post(app.url(CREATE))
        .header("apikey", &api.key)
        .form(&[("subject", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    let no_key = api
        .http
        .post(app.url(CREATE))
        .bearer_auth(&api.token)
        .form(&[("subject", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = api
        .with_user("hdt_nope".into())
        .get("/api/v1/support/get/ticket/history/")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status_code"], 401);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
}

#[tokio::test]
async fn create_as_form_data_and_multipart_on_both_paths() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let fields = [
        ("subject", "Login fails"),
        ("priority", "3"),
        ("comment", "Cannot log in."),
        ("category", "3"),
    ];
    let (status, body) = api.form(CREATE, &fields).await;
    assert_eq!(status, StatusCode::OK);
    ok(&body);
    assert_eq!(body["data"]["ticket_id"], 1001);
    let (status, body) = api
        .multipart(
            "/api/v1/creat/support/ticket/",
            &fields,
            Some(("log.txt", b"trace".to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["ticket_id"], 1002);
    let (status, _) = api.form("/api/v1/support/create/ticket", &fields).await;
    assert_eq!(status, StatusCode::OK, "without the trailing slash");

    let t = app
        .core
        .view_ticket(&ann, &TicketKey::Number(1002), false)
        .await
        .unwrap();
    assert_eq!(t.title, "Login fails");
    assert_eq!(t.description(), "Cannot log in.");
    assert_eq!(t.priority.as_str(), "high");
    assert_eq!(t.category_slug, "account");
    assert_eq!(t.messages[0].attachments[0].filename, "log.txt");
}

#[tokio::test]
async fn create_reports_every_bad_field_with_the_seed_messages() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    let (status, body) = api
        .form(CREATE, &[("priority", "9"), ("category", "abc")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["status_code"], 400);
    assert_eq!(
        errors(&body),
        &json!({
            "subject": ["This field is required."],
            "comment": ["This field is required."],
            "priority": ["\"priority\" is not a valid choice."],
            "category": ["Incorrect type. Expected pk value, received str."],
        })
    );
    let long = "s".repeat(501);
    let (_, body) = api
        .form(
            CREATE,
            &[
                ("subject", &long),
                ("comment", " "),
                ("priority", "1"),
                ("category", "99"),
            ],
        )
        .await;
    assert_eq!(
        errors(&body),
        &json!({
            "subject": ["Ensure this field has no more than 500 characters."],
            "comment": ["This field may not be blank."],
            "category": ["Invalid pk \"category\" - object does not exist."],
        })
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
}

#[tokio::test]
async fn the_2_mib_cap_on_both_sides() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    let fields = [
        ("subject", "Big"),
        ("priority", "2"),
        ("comment", "see file"),
        ("category", "1"),
    ];
    let (status, body) = api
        .multipart(CREATE, &fields, Some(("big.bin", vec![1; MIB2 + 1])))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({"attachment": ["File is too big. Max filesize: 2MiB."]})
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
    let (status, body) = api
        .multipart(CREATE, &fields, Some(("ok.bin", vec![1; MIB2])))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = api
        .multipart(
            "/api/v1/support/ticket/conversation/",
            &[("ticket", "1001"), ("comment", "more")],
            Some(("big.bin", vec![1; MIB2 + 1])),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({"attachment": ["File is too big. Max filesize: 2MiB."]})
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
}

#[tokio::test]
async fn the_open_ticket_limit_answers_the_seed_401() {
    let settings = helpdesk::config::Settings {
        open_ticket_limit: 1,
        ..Default::default()
    };
    let app = TestApp::with_settings(settings).await;
    let (_, api) = customer(&app, "ann@example.com").await;
    let fields = [
        ("subject", "a"),
        ("priority", "1"),
        ("comment", "c"),
        ("category", "1"),
    ];
    assert_eq!(api.form(CREATE, &fields).await.0, StatusCode::OK);
    let (status, body) = api.form(CREATE, &fields).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status_code"], 401);
    assert_eq!(
        errors(&body),
        &json!({"non_field_errors": ["Currenly Open Ticket Limit Exceed."]})
    );
}

#[tokio::test]
async fn history_lists_my_tickets_newest_first_with_filters() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let (bob, _) = customer(&app, "bob@example.com").await;
    app.ticket(&bob, "Bob's secret").await;
    for (subject, category) in [
        ("Printer jam", "1"),
        ("Invoice wrong", "2"),
        ("printer offline", "1"),
    ] {
        api.form(
            CREATE,
            &[
                ("subject", subject),
                ("priority", "1"),
                ("comment", "details"),
                ("category", category),
            ],
        )
        .await;
    }
    let agent = app.user("agent@example.com", Role::Agent).await;
    app.core
        .change_status(&agent, &TicketKey::Number(1003), Status::InProgress, None)
        .await
        .unwrap();
    app.core
        .change_status(&ann, &TicketKey::Number(1004), Status::Closed, None)
        .await
        .unwrap();

    for path in [
        "/api/v1/support/get/ticket/history/",
        "/api/v1/get/ticket/history/",
    ] {
        let (status, body) = api.get(path).await;
        assert_eq!(status, StatusCode::OK);
        let list = body["data"]["TicketList"].as_array().unwrap().clone();
        let ids: Vec<i64> = list.iter().map(|t| t["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [1004, 1003, 1002], "mine only, newest first");
        assert_eq!(
            list[2],
            json!({"id": 1002, "subject": "Printer jam", "priority": "1", "category": 1,
                   "category_title": "Technical", "comment": "details", "status": "1"})
        );
        assert_eq!(list[1]["status"], "2");
        assert_eq!(list[0]["status"], "3");
    }
    let ids = |body: &Value| -> Vec<i64> {
        body["data"]["TicketList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?subject=PRINTER")
        .await;
    assert_eq!(ids(&body), [1004, 1002]);
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?status=1")
        .await;
    assert_eq!(ids(&body), [1002]);
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?category=2")
        .await;
    assert_eq!(ids(&body), [1003]);
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?offset=1&limit=1")
        .await;
    assert_eq!(ids(&body), [1003]);
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?subject=100%25")
        .await;
    assert!(ids(&body).is_empty(), "wildcards are literal");
    let (status, body) = api
        .get("/api/v1/support/get/ticket/history/?category=x&status=y")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({"category": ["Catogory id is not valid numeric"], "status": ["Status id is not valid numeric"]})
    );
}

#[tokio::test]
async fn the_default_history_is_the_last_50() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    for i in 0..55 {
        let n = app.ticket(&agent, &format!("t{i}")).await;
        // Owned by ann: opened by staff on her behalf is not a feature; move ownership.
        app.sql("UPDATE tickets SET client_id = ? WHERE number = ?")
            .bind(ann.id)
            .bind(n)
            .execute()
            .await;
    }
    let (_, body) = api.get("/api/v1/support/get/ticket/history/").await;
    let list = body["data"]["TicketList"].as_array().unwrap();
    assert_eq!(list.len(), 50);
    assert_eq!(list[0]["id"], 1055);
}

#[tokio::test]
async fn update_sets_priority_and_tags_with_the_seed_errors() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let (bob, _) = customer(&app, "bob@example.com").await;
    let mine = app.ticket(&ann, "Mine").await.to_string();
    let bobs = app.ticket(&bob, "Bob's").await.to_string();
    for name in ["api", "billing", "urgent"] {
        app.sql("INSERT INTO tags (name, keyword) VALUES (?, ?)")
            .bind(name)
            .bind(name)
            .execute()
            .await;
    }
    let (status, body) = api
        .form(
            "/api/v1/support/update/ticket/",
            &[
                ("ticket_id", &mine),
                ("priority", "3"),
                ("tags", "1"),
                ("tags", "3"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    ok(&body);
    let (status, _) = api
        .multipart(
            "/api/v1/update/support/ticket/",
            &[("ticket_id", &mine), ("tags", "2")],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let t = app
        .core
        .view_ticket(&ann, &TicketKey::Number(mine.parse().unwrap()), false)
        .await
        .unwrap();
    assert_eq!(t.priority.as_str(), "high");
    assert_eq!(
        t.tags.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["billing"]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind IN ('priority', 'tags')")
            .await,
        3
    );

    let (status, body) = api
        .form("/api/v1/support/update/ticket/", &[("priority", "7")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({
            "ticket": ["Ticket id is required and this may not be blank."],
            "priority": ["\"priority\" is not a valid choice."],
            "tags": ["This list may not be empty."],
        })
    );
    let (_, body) = api
        .form(
            "/api/v1/support/update/ticket/",
            &[("ticket_id", &bobs), ("tags", "x")],
        )
        .await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["Ticket id is not valid"], "tags": ["Incorrect type. Expected pk value, received str."]})
    );
    let (_, missing) = api
        .form(
            "/api/v1/support/update/ticket/",
            &[("ticket_id", "999999"), ("tags", "1")],
        )
        .await;
    let (_, not_mine) = api
        .form(
            "/api/v1/support/update/ticket/",
            &[("ticket_id", &bobs), ("tags", "1")],
        )
        .await;
    assert_eq!(
        missing, not_mine,
        "another customer's ticket answers exactly like a missing one"
    );
    let (_, body) = api
        .form(
            "/api/v1/support/update/ticket/",
            &[("ticket_id", &mine), ("tags", "99")],
        )
        .await;
    assert_eq!(
        errors(&body),
        &json!({"tags": ["Invalid pk \"tags\" - object does not exist."]})
    );
}

#[tokio::test]
async fn detailed_view_with_conversations_and_attachments() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    api.multipart(
        CREATE,
        &[
            ("subject", "Scan fails"),
            ("priority", "2"),
            ("comment", "It fails."),
            ("category", "8"),
        ],
        Some(("a.txt", b"a".to_vec())),
    )
    .await;
    let key = TicketKey::Number(1001);
    let reply = NewMessage {
        body: "Please retry.".into(),
        uploads: vec![Upload {
            filename: "howto.txt".into(),
            content_type: "text/plain".into(),
            data: b"steps".to_vec(),
        }],
        ..NewMessage::default()
    };
    let agent_reply = app.core.add_message(&agent, &key, reply).await.unwrap();
    let note = NewMessage {
        body: "internal!".into(),
        internal: true,
        ..NewMessage::default()
    };
    app.core.add_message(&agent, &key, note).await.unwrap();
    app.sql("INSERT INTO tags (name) VALUES ('scanner')")
        .execute()
        .await;
    api.form(
        "/api/v1/support/update/ticket/",
        &[("ticket_id", "1001"), ("tags", "1")],
    )
    .await;

    let by_query = api
        .get("/api/v1/support/ticket/detailed-view/?ticket_id=1001")
        .await;
    let by_form = read(
        api.req(
            reqwest::Method::GET,
            "/api/v1/support/ticket/detailed-view/",
        )
        .form(&[("ticket_id", "1001")])
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        by_query, by_form,
        "ticket_id in the query string or as form data"
    );
    let (status, body) = by_query;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> = app
        .sql("SELECT id FROM attachments ORDER BY id")
        .scalars()
        .await;
    assert_eq!(
        body["data"],
        json!({
            "ticket": {"id": 1001, "subject": "Scan fails", "priority": "2", "category": 8,
                       "comment": "It fails.", "status": "1", "tags": [1]},
            "author": "ann@example.com",
            "conversations": [{"id": agent_reply.id, "ticket": 1001, "comment": "Please retry.", "author": "agent@example.com"}],
            "attachments": [{"id": ids[0], "conversation_id": null}, {"id": ids[1], "conversation_id": agent_reply.id}],
        })
    );
    assert!(!body.to_string().contains("internal!"));

    let (bob, bob_api) = customer(&app, "bob@example.com").await;
    let _ = bob;
    let bob_api = api.with_user(bob_api.token);
    let (status, body) = bob_api
        .get("/api/v1/support/ticket/detailed-view/?ticket_id=1001")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["Ticket id is not valid."]})
    );
    let (_, missing) = bob_api
        .get("/api/v1/support/ticket/detailed-view/?ticket_id=424242")
        .await;
    assert_eq!(body, missing);
    let (_, body) = api.get("/api/v1/support/ticket/detailed-view/").await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["Ticket id is required and this may not be blank."]})
    );
    let _ = ann;
}

#[tokio::test]
async fn download_returns_the_bytes_to_those_who_may_see_them() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    let payload = b"<svg onload=alert(1)></svg>".to_vec();
    api.multipart(
        CREATE,
        &[
            ("subject", "s"),
            ("priority", "1"),
            ("comment", "c"),
            ("category", "1"),
        ],
        Some(("x.svg", payload.clone())),
    )
    .await;
    let id: i64 = app.sql("SELECT id FROM attachments").scalar().await;
    let r = api
        .req(
            reqwest::Method::GET,
            &format!("/api/v1/support/ticket/download/{id}/"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), payload);
    let (_, bob_api) = customer(&app, "bob@example.com").await;
    let bob = api.with_user(bob_api.token);
    let (status, body) = bob
        .get(&format!("/api/v1/support/ticket/download/{id}/"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&body),
        &json!({"attachment": ["Attachment id is not valid"]})
    );
}

#[tokio::test]
async fn conversation_adds_a_message_with_the_seed_errors() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let (bob, _) = customer(&app, "bob@example.com").await;
    let mine = app.ticket(&ann, "Mine").await.to_string();
    let bobs = app.ticket(&bob, "Bob's").await.to_string();
    let path = "/api/v1/support/ticket/conversation/";
    let (status, body) = api
        .multipart(
            path,
            &[("ticket", &mine), ("comment", "More info")],
            Some(("b.txt", b"b".to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["conversation_id"].is_i64());
    let (status, _) = api
        .form(path, &[("ticket", &mine), ("comment", "again")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 4);

    let (_, body) = api.form(path, &[]).await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["This field is required."], "comment": ["This field is required."]})
    );
    let (_, body) = api.form(path, &[("ticket", ""), ("comment", "")]).await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["This field may not be null."], "comment": ["This field may not be blank."]})
    );
    let (_, body) = api.form(path, &[("ticket", "abc"), ("comment", "x")]).await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["Incorrect type. Expected pk value, received str."]})
    );
    let (_, not_mine) = api.form(path, &[("ticket", &bobs), ("comment", "x")]).await;
    let (_, missing) = api
        .form(path, &[("ticket", "999999"), ("comment", "x")])
        .await;
    assert_eq!(
        errors(&not_mine),
        &json!({"ticket": ["Invalid pk \"ticket\" - object does not exist."]})
    );
    assert_eq!(not_mine, missing);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 4);
}

#[tokio::test]
async fn status_changes_with_every_documented_error() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let (bob, _) = customer(&app, "bob@example.com").await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let n = app.ticket(&ann, "Mine").await;
    let mine = n.to_string();
    let bobs = app.ticket(&bob, "Bob's").await.to_string();
    let status = |t: &str, s: &str| vec![("ticket", t.to_owned()), ("status", s.to_owned())];
    let post = |fields: Vec<(&'static str, String)>| {
        let api = &api;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api.form("/api/v1/support/ticket/status/", &pairs).await
        }
    };
    let message = |body: &Value| {
        body["errors"]["ticket"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    let (_, body) = post(status(&mine, "2")).await;
    assert_eq!(message(&body), "Ticket is already open");
    let (code, body) = post(status(&mine, "3")).await;
    assert_eq!(code, StatusCode::OK);
    ok(&body);
    assert_eq!(
        app.core
            .ticket_status(&ann, &TicketKey::Number(n))
            .await
            .unwrap(),
        Status::Closed
    );
    let (_, body) = post(status(&mine, "3")).await;
    assert_eq!(message(&body), "Ticket is already closed");
    let (code, _) = post(status(&mine, "2")).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        app.core
            .ticket_status(&ann, &TicketKey::Number(n))
            .await
            .unwrap(),
        Status::Open
    );
    app.core
        .change_status(&agent, &TicketKey::Number(n), Status::InProgress, None)
        .await
        .unwrap();
    let (_, body) = post(status(&mine, "2")).await;
    assert_eq!(message(&body), "Ticket is already processing");

    let (_, body) = post(status(&bobs, "3")).await;
    assert_eq!(message(&body), "Ticket id is not valid");
    let (_, body) = post(status("999999", "3")).await;
    assert_eq!(message(&body), "Ticket id is not valid");
    let (_, body) = post(vec![]).await;
    assert_eq!(
        errors(&body),
        &json!({"ticket": ["Ticket id is required and this may not be blank."],
                "status": ["Status id is required and this may not be blank."]})
    );
    let (_, body) = post(status(&mine, "1")).await;
    assert_eq!(
        errors(&body),
        &json!({"status": ["\"status\" is not a valid choice."]})
    );
    // The alias with the seed's invisible character works too.
    let (code, _) = api
        .form(
            "/api/v1/%E2%80%8Esupport/ticket/status/",
            &[("ticket", &mine), ("status", "3")],
        )
        .await;
    assert_eq!(code, StatusCode::OK);
}

#[tokio::test]
async fn round_trips_with_the_portal() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let api = Api::new(&app, &ann).await;
    api.form(
        CREATE,
        &[
            ("subject", "From the API"),
            ("priority", "1"),
            ("comment", "Made by a script."),
            ("category", "7"),
        ],
    )
    .await;
    let (_, page) = c.text("/tickets/1001").await;
    assert_eq!(select(&page, "h1"), ["#1001 From the API"]);
    assert!(
        page.contains("Made by a script.") && page.contains("SmartCheck") && page.contains("Low")
    );

    let r = c
        .post_multipart(
            "/tickets/new",
            &[
                ("title", "From the portal"),
                ("category", "2"),
                ("priority", "urgent"),
                ("description", "Typed in a browser."),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = api
        .get("/api/v1/support/ticket/detailed-view/?ticket_id=1002")
        .await;
    assert_eq!(body["data"]["ticket"]["subject"], "From the portal");
    assert_eq!(
        body["data"]["ticket"]["priority"], "3",
        "urgent shows as high"
    );
    assert_eq!(body["data"]["ticket"]["category"], 2);
    c.post("/tickets/1002/status", &[("status", "resolved")])
        .await;
    let (_, body) = api
        .get("/api/v1/support/get/ticket/history/?status=3")
        .await;
    assert_eq!(body["data"]["TicketList"][0]["id"], 1002);
}

#[tokio::test]
async fn round_trips_with_v2_and_legacy() {
    let app = TestApp::spawn().await;
    let (ann, api) = customer(&app, "ann@example.com").await;
    let _ = ann;
    // Created here (multipart, like the seed's Node sample), read through v2 and legacy.
    api.multipart(
        CREATE,
        &[
            ("subject", "Enroll fails"),
            ("priority", "3"),
            ("comment", "Camera error."),
            ("category", "9"),
        ],
        None,
    )
    .await;
    let http = reqwest::Client::new();
    let v2: Value = http
        .get(app.url("/v2/support-tickets"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = &v2["data"][0];
    assert_eq!(
        (
            t["title"].clone(),
            t["priority"].clone(),
            t["category"].clone(),
            t["status"].clone()
        ),
        (
            json!("Enroll fails"),
            json!("high"),
            json!("smartEnroll"),
            json!("open")
        )
    );
    let id = t["_id"].as_str().unwrap().to_owned();
    let legacy: Value = http
        .get(app.url(&format!("/support-tickets/{id}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(legacy["data"]["number"], 1001);
    assert_eq!(legacy["data"]["threads"][0]["message"], "Camera error.");
    // Changed through legacy (cancelled) and v2-created tickets read here.
    http.put(app.url(&format!("/support-tickets/{id}")))
        .bearer_auth(&api.token)
        .json(&json!({"status": "cancelled"}))
        .send()
        .await
        .unwrap();
    let created: Value = http
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&api.token)
        .json(&json!({"title": "From v2", "description": "d", "priority": "low", "category": "billing"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["success"], true);
    let (_, body) = api.get("/api/v1/support/get/ticket/history/").await;
    let list = body["data"]["TicketList"].as_array().unwrap();
    assert_eq!(
        (
            list[0]["id"].clone(),
            list[0]["priority"].clone(),
            list[0]["category"].clone()
        ),
        (json!(1002), json!("1"), json!(2))
    );
    assert_eq!(
        list[1]["status"], "3",
        "cancelled in legacy shows as closed here"
    );
}

#[tokio::test]
async fn an_empty_multipart_body_is_an_empty_form() {
    let app = TestApp::spawn().await;
    let (_, api) = customer(&app, "ann@example.com").await;
    api.form(
        CREATE,
        &[
            ("subject", "Printer"),
            ("priority", "2"),
            ("comment", "jams"),
            ("category", "1"),
        ],
    )
    .await;
    // The seed's Node sample: `request` with `formData: {}` on a GET sends a multipart
    // content type with an empty body, or only the closing boundary.
    for body in ["", "--XyZ--\r\n"] {
        let r = api
            .req(reqwest::Method::GET, "/api/v1/support/get/ticket/history/")
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, body) = read(r).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ok(&body);
        assert_eq!(
            body["data"]["TicketList"][0]["subject"], "Printer",
            "{body}"
        );
    }
    // A create with an empty form is refused field by field, not as a broken stream.
    let r = api
        .req(reqwest::Method::POST, CREATE)
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .body("")
        .send()
        .await
        .unwrap();
    let (status, body) = read(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(errors(&body)["subject"].is_array(), "{body}");
}

/// A download answers with the file's own content type (a text file as text/plain), so
/// the API document must not promise application/octet-stream only.
#[tokio::test]
async fn the_api_document_says_a_download_has_the_files_own_content_type() {
    let app = crate::TestApp::spawn().await;
    let doc: serde_json::Value = reqwest::get(app.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let content = &doc["paths"]["/api/v1/support/ticket/download/{id}/"]["get"]["responses"]["200"]
        ["content"];
    let types: Vec<&String> = content.as_object().expect("content types").keys().collect();
    assert_eq!(types, ["*/*"], "{content}");
}
