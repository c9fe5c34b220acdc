//! Several instances on one PostgreSQL database: two real `helpdesk serve` processes,
//! started together on a new database, serving one help desk between them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helpdesk::auth::accounts::Accounts;
use helpdesk::tickets::{Backend, Role};
use reqwest::StatusCode;
use sqlx::postgres::PgPool;

use crate::postgres::fresh_database;
use crate::smtp::SmtpServer;
use crate::{Client, PASSWORD, PASSWORD_HASH, location, select_attr};

/// A `helpdesk serve` process and what it printed on stdout (the setup link).
struct Instance {
    child: Child,
    port: u16,
    printed: Arc<Mutex<Vec<String>>>,
}

impl Instance {
    fn start(database: &str, smtp_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
            .args(["--database", database, "serve"])
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env("HELPDESK_SWEEP_SECONDS", "1")
            .env("HELPDESK_SMTP_URL", smtp_url)
            .env("HELPDESK_MAIL_FROM", "Acme Support <support@acme.test>")
            .env("HELPDESK_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let printed = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stdout.take().unwrap());
        let sink = printed.clone();
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Instance {
            child,
            port,
            printed,
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_up(&self) {
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "an instance did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The token of the setup link this instance printed, if it printed one.
    fn setup_token(&self) -> Option<String> {
        self.printed.lock().unwrap().iter().find_map(|l| {
            l.split_once("/setup?token=")
                .map(|(_, t)| t.trim().to_owned())
        })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (up to 15 s) until `check` holds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < Duration::from_secs(15), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Opens a ticket through the new-ticket form.
async fn open(
    client: &Client,
    category: &str,
    title: &str,
    description: &str,
) -> reqwest::Response {
    let fields = [
        ("title", title),
        ("description", description),
        ("priority", "medium"),
        ("category", category),
    ];
    client.post_multipart("/tickets/new", &fields, &[]).await
}

#[tokio::test]
async fn two_instances_on_one_database_serve_one_help_desk() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let smtp = SmtpServer::start().await;
    // Started together on a new database: both migrate it, once.
    let (a, b) = (
        Instance::start(&url, &smtp.url()),
        Instance::start(&url, &smtp.url()),
    );
    a.wait_up().await;
    b.wait_up().await;
    let pool = PgPool::connect(&url).await.unwrap();
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    let embedded: Vec<i64> = helpdesk_store_pg::MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .collect();
    assert_eq!(applied, embedded, "each migration applied once");

    // Both had no admin and printed a setup link: only one of them works, on either.
    eventually("both instances print a setup link", || async {
        a.setup_token().is_some() && b.setup_token().is_some()
    })
    .await;
    let tokens = [a.setup_token().unwrap(), b.setup_token().unwrap()];
    let admin = Client::at(&a.base());
    let mut valid = Vec::new();
    for token in &tokens {
        for instance in [&a, &b] {
            let page = admin
                .at_base(&instance.base())
                .get(&format!("/setup?token={token}"))
                .await;
            if page.status() == StatusCode::OK {
                valid.push(token.clone());
            }
        }
    }
    valid.dedup();
    assert_eq!(valid.len(), 1, "one setup link is valid: {valid:?}");
    // Used on the instance that did not print it.
    let other = if Some(&valid[0]) == a.setup_token().as_ref() {
        &b
    } else {
        &a
    };
    let admin = admin.at_base(&other.base());
    let made = admin
        .post(
            "/setup",
            &[
                ("token", valid[0].as_str()),
                ("name", "Ada Admin"),
                ("email", "ada@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        made.status(),
        StatusCode::SEE_OTHER,
        "setup on the other instance"
    );

    // The admin's session, made by one instance, works on both.
    for instance in [&a, &b] {
        let (status, _) = admin
            .at_base(&instance.base())
            .text("/admin/categories")
            .await;
        assert_eq!(status, StatusCode::OK, "the session on {}", instance.base());
    }

    // A category made on one shows on the other's next page.
    let on_a = admin.at_base(&a.base());
    let r = on_a
        .post(
            "/admin/categories",
            &[("slug", "hardware"), ("name", "Hardware")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let accounts = Accounts(&Backend::Postgres(pool.clone()));
    accounts
        .insert_with_hash("carla@example.test", "Carla", Role::Customer, PASSWORD_HASH)
        .await
        .unwrap();
    let carla = Client::at(&b.base());
    assert_eq!(
        carla.login("carla@example.test", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, form) = carla.text("/tickets/new").await;
    assert!(form.contains("Hardware"), "B offers the category A made");
    let hardware: i64 = sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'hardware'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let hardware = hardware.to_string();

    // A ticket opened on A is read, searched and counted on B at once.
    let carla_on_a = carla.at_base(&a.base());
    let opened = open(
        &carla_on_a,
        &hardware,
        "Quokka printer jams",
        "The quokka-shaped printer jams on every page.",
    )
    .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let ticket = location(&opened);
    let (status, page) = carla.text(&ticket).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Quokka printer jams"));
    let admin_on_b = admin.at_base(&b.base());
    let (_, found) = admin_on_b.text("/tickets?q=quokka").await;
    assert!(found.contains("Quokka printer jams"), "searched on B");
    let (_, queue) = admin_on_b.text("/tickets").await;
    assert!(
        crate::select(&queue, "nav.tabs .count")
            .first()
            .is_some_and(|n| n == "1"),
        "counted on B: {:?}",
        crate::select(&queue, "nav.tabs a")
    );

    // A setting saved on A holds on B: with a limit of one open ticket, Carla's second is
    // refused there.
    let r = on_a
        .post("/admin/settings", &[("open_ticket_limit", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = open(&carla, &hardware, "Another one", "Second ticket.").await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);

    // An API token (made by the command line on the same database) works on both.
    let token = helpdesk(&[
        "--database",
        &url,
        "token",
        "create",
        "--email",
        "carla@example.test",
        "--name",
        "ci",
    ]);
    for instance in [&a, &b] {
        let r = reqwest::Client::new()
            .get(format!("{}/v2/support-tickets", instance.base()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "token on {}", instance.base());
        let body = r.text().await.unwrap();
        assert!(body.contains("Quokka printer jams"));
    }

    // Login throttling counts across both: ten wrong passwords, alternating, lock the
    // account on either.
    let guesser = Client::at(&a.base());
    for i in 0..10 {
        let on = if i % 2 == 0 { &a } else { &b };
        let r = guesser
            .at_base(&on.base())
            .login("carla@example.test", "wrong-password")
            .await;
        let text = r.text().await.unwrap();
        assert!(text.contains("incorrect"), "guess {i} counted as wrong");
    }
    for instance in [&a, &b] {
        let r = guesser
            .at_base(&instance.base())
            .login("carla@example.test", PASSWORD)
            .await;
        let text = r.text().await.unwrap();
        assert!(
            text.contains("Too many failed attempts"),
            "locked on {}",
            instance.base()
        );
    }

    // A page rendered by one instance loads its stylesheet from the other, also when
    // the other runs another build (a rolling upgrade).
    let (_, page) = carla.text(&ticket).await;
    let stylesheet = select_attr(&page, "link[rel=stylesheet]", "href");
    assert!(stylesheet.starts_with("/static/style."), "{stylesheet}");
    for path in [stylesheet.as_str(), "/static/style.0123456789ab.css"] {
        let r = reqwest::get(format!("{}{path}", a.base())).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/css")
        );
        assert!(!r.text().await.unwrap().is_empty());
    }

    // Expired sessions are swept while the instances run.
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         SELECT 'expired', id, 0, 1 FROM users WHERE email = 'carla@example.test'",
    )
    .execute(&pool)
    .await
    .unwrap();
    eventually("the expired session is swept", || async {
        count(
            &pool,
            "SELECT COUNT(*) FROM sessions WHERE token_hash = 'expired'",
        )
        .await
            == 0
    })
    .await;

    // Each queued mail is sent once, whichever instance's worker took it: open tickets
    // on both (the limit raised again) and compare the outbox with what arrived.
    let r = on_a
        .post("/admin/settings", &[("open_ticket_limit", "100")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for i in 0..12 {
        let on = if i % 2 == 0 { &carla_on_a } else { &carla };
        let r = open(on, &hardware, &format!("Ticket {i}"), "Please help.").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let queued = count(&pool, "SELECT COUNT(*) FROM outbox").await;
    assert!(queued > 0, "the tickets queued notices");
    eventually("every notice is sent", || async {
        count(&pool, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'").await == 0
    })
    .await;
    // Time for a second sending, were there one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = smtp.received();
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.parsed().message_id().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(received.len() as i64, queued, "each notice sent once");
    assert_eq!(ids.len(), received.len(), "no Message-ID twice");
}

/// What the server at `base` answers to `path` (GET) with these credentials: the status
/// and the body, with the server's own address written as `BASE`.
async fn answer(base: &str, path: &str, token: &str, key: &str) -> (u16, String) {
    helpdesk::github::install_tls_provider();
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .header("apikey", key)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap().replace(base, "BASE"))
}

/// `helpdesk` with these arguments; its stdout, trimmed.
fn helpdesk(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A demo instance on SQLite and its copy on PostgreSQL answer every dialect alike.
#[tokio::test]
async fn every_dialect_answers_the_same_after_a_copy() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let sqlite = format!("sqlite://{}", file.display());
    helpdesk(&["--database", &sqlite, "demo", "--tickets", "60"]);
    let lite = sqlx::SqlitePool::connect(&sqlite).await.unwrap();
    let customer: String = sqlx::query_scalar(
        "SELECT u.email FROM users u JOIN tickets t ON t.client_id = u.id
         WHERE u.role = 'customer' GROUP BY u.id ORDER BY COUNT(*) DESC, u.id LIMIT 1",
    )
    .fetch_one(&lite)
    .await
    .unwrap();
    let tickets: Vec<(i64, String)> = sqlx::query_as(
        "SELECT t.number, t.public_id FROM tickets t JOIN users u ON u.id = t.client_id
         WHERE u.email = ? ORDER BY t.number LIMIT 4",
    )
    .bind(&customer)
    .fetch_all(&lite)
    .await
    .unwrap();
    assert!(!tickets.is_empty());
    lite.close().await;
    let key = helpdesk(&["--database", &sqlite, "apikey", "create", "--name", "erp"]);
    let mut callers = Vec::new();
    for email in ["agent1@example.com", customer.as_str()] {
        let token = helpdesk(&[
            "--database",
            &sqlite,
            "token",
            "create",
            "--email",
            email,
            "--name",
            "compare",
        ]);
        callers.push((email.to_owned(), token));
    }
    let mut paths = vec![
        "/v2/support-tickets".to_owned(),
        "/v2/support-tickets?status=open".to_owned(),
        "/support-tickets?countByStatus=true".to_owned(),
        "/support-tickets?status=pending".to_owned(),
        "/support-tickets?status=resolved".to_owned(),
        "/api/v1/support/get/category-list/".to_owned(),
        "/api/v1/support/get/ticket/tags/".to_owned(),
        "/api/v1/support/get/ticket/history/".to_owned(),
        "/api/v1/support/get/ticket/history/?status=1".to_owned(),
        "/api/v1/support/get/ticket/history/?offset=1&limit=3".to_owned(),
    ];
    for (n, public_id) in &tickets {
        paths.push(format!("/v2/support-tickets/{public_id}"));
        paths.push(format!(
            "/api/v1/support/ticket/detailed-view/?ticket_id={n}"
        ));
    }

    let smtp = SmtpServer::start().await;
    let on_sqlite = Instance::start(&sqlite, &smtp.url());
    on_sqlite.wait_up().await;
    let mut before = Vec::new();
    for (_, token) in &callers {
        for path in &paths {
            before.push(answer(&on_sqlite.base(), path, token, &key).await);
        }
    }
    drop(on_sqlite);

    helpdesk(&["copy", "--from", &sqlite, "--to", &url]);
    let on_postgres = Instance::start(&url, &smtp.url());
    on_postgres.wait_up().await;
    let mut i = 0;
    for (email, token) in &callers {
        for path in &paths {
            let after = answer(&on_postgres.base(), path, token, &key).await;
            assert_eq!(after, before[i], "{email}: GET {path}");
            i += 1;
        }
    }
    let refused: Vec<String> = callers
        .iter()
        .flat_map(|(email, _)| paths.iter().map(move |p| format!("{email} {p}")))
        .zip(&before)
        // A customer's filtered list may be empty (the legacy dialect's 404), the same
        // on both; the agent sees every ticket.
        .filter(|(what, (status, _))| {
            *status != 200 && !(what.starts_with("customer") && *status == 404)
        })
        .map(|(what, (status, body))| format!("{what}: {status} {body}"))
        .collect();
    assert!(refused.is_empty(), "{refused:#?}");
}
