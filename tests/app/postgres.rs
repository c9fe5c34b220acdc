//! PostgreSQL: the schema against SQLite's, migrations run once by instances starting
//! together, and `helpdesk copy` moving a whole instance.
//!
//! The server comes from `HELPDESK_TEST_POSTGRES` (a URL whose user may create databases)
//! or, where PostgreSQL is installed, from a throwaway cluster this test binary starts
//! (scripts/pg-cluster) and stops when it exits. Without either the tests say so loudly and
//! pass; `HELPDESK_REQUIRE_POSTGRES=1` (CI) makes that a failure.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::OnceLock;

use helpdesk::auth::tokens;
use helpdesk::tickets::{NewMessage, Role, TicketKey, Upload};
use serde_json::Value;
use sqlx::{Row, postgres::PgPool};

use crate::{PASSWORD, TestApp};

/// The server's URL (database `postgres`), once per test binary.
fn server() -> Option<&'static str> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            if let Ok(url) = std::env::var("HELPDESK_TEST_POSTGRES") {
                return Some(url);
            }
            start_cluster()
        })
        .as_deref()
}

/// Starts a throwaway cluster on a free port, stopped (and removed) by a watcher when
/// this process ends.
fn start_cluster() -> Option<String> {
    let root = std::env::temp_dir().join(format!("helpdesk-test-pg-{}", std::process::id()));
    std::fs::create_dir_all(&root).ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-cluster");
    let out = Command::new(script)
        .args(["start", root.to_str()?, &port.to_string()])
        .env("PG_CLUSTER_OPTS", "-c fsync=off -c synchronous_commit=off")
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "cannot start a PostgreSQL cluster: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        let _ = std::fs::remove_dir_all(&root);
        return None;
    }
    let watcher = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; '{script}' stop '{dir}'; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = root.display(),
    );
    let _ = Command::new("sh")
        .args(["-c", &watcher])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A new, empty database on the test server, or `None` (after a loud warning) where there
/// is no server and none is required.
pub async fn fresh_database() -> Option<String> {
    let Some(server) = server() else {
        assert!(
            std::env::var("HELPDESK_REQUIRE_POSTGRES").is_err(),
            "HELPDESK_REQUIRE_POSTGRES is set but no PostgreSQL server answers \
             (set HELPDESK_TEST_POSTGRES or install postgresql)"
        );
        eprintln!(
            "\n!!! SKIPPED: no PostgreSQL (set HELPDESK_TEST_POSTGRES=postgres://... or install \
             postgresql); the PostgreSQL tests did not run !!!\n"
        );
        return None;
    };
    let name = format!("helpdesk_test_{}", helpdesk::secure::public_id());
    let admin = PgPool::connect(server).await.expect("PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Some(format!("{base}/{name}"))
}

/// The test app's SQLite database copied into the PostgreSQL database at `url` by the real
/// `helpdesk copy`, and a pool on it.
async fn copy_into(app: &TestApp, url: &str) -> PgPool {
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["copy", "--from", &app.db_url, "--to", url])
        .output()
        .expect("helpdesk copy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    helpdesk_store_pg::connect(url).await.unwrap()
}

/// (table, column, not null) of a SQLite database, primary-key columns counted as not
/// null (SQLite's pragma reports an INTEGER PRIMARY KEY as nullable; it never is).
async fn sqlite_columns(db: &sqlx::SqlitePool) -> BTreeSet<(String, String, bool)> {
    sqlx::query(
        "SELECT m.name, c.name, c.\"notnull\" OR c.pk > 0 FROM sqlite_master m
         JOIN pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(db)
    .await
    .expect("sqlite schema")
    .into_iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

#[tokio::test]
async fn postgres_holds_the_same_tables_and_columns_as_sqlite() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let pg = helpdesk_store_pg::connect(&url).await.expect("migrate");
    let app = TestApp::sqlite().await;
    let sqlite = sqlite_columns(app.rw()).await;
    let postgres: BTreeSet<(String, String, bool)> = helpdesk_store_pg::columns(&pg)
        .await
        .expect("columns")
        .into_iter()
        .map(|c| (c.table, c.name, c.not_null))
        .collect();

    // The differences made on purpose (crates/store-pg/migrations/0001_schema.sql says why).
    let only_sqlite_tables = [
        "counters",       // a sequence on PostgreSQL
        "search",         // FTS5 and its shadow tables ...
        "search_config",  //
        "search_data",    //
        "search_docsize", //
        "search_idx",     //
        "search_pending", // ... and the entries waiting for the commit
    ];
    let only_postgres_tables = ["ticket_search"];
    let only_postgres_columns = [("ticket_counts", "shard"), ("ticket_facets", "shard")];

    let sqlite_tables: BTreeSet<&str> = sqlite.iter().map(|(t, _, _)| t.as_str()).collect();
    let postgres_tables: BTreeSet<&str> = postgres.iter().map(|(t, _, _)| t.as_str()).collect();
    for table in only_sqlite_tables {
        assert!(sqlite_tables.contains(table), "SQLite has {table}");
        assert!(
            !postgres_tables.contains(table),
            "PostgreSQL has no {table}"
        );
    }
    for table in only_postgres_tables {
        assert!(postgres_tables.contains(table) && !sqlite_tables.contains(table));
    }
    let shared = |(t, c, _): &&(String, String, bool)| {
        !only_sqlite_tables.contains(&t.as_str())
            && !only_postgres_tables.contains(&t.as_str())
            && !only_postgres_columns.contains(&(t.as_str(), c.as_str()))
    };
    let sqlite_shared: BTreeSet<_> = sqlite.iter().filter(shared).collect();
    let postgres_shared: BTreeSet<_> = postgres.iter().filter(shared).collect();
    let missing: Vec<_> = sqlite_shared.difference(&postgres_shared).collect();
    let extra: Vec<_> = postgres_shared.difference(&sqlite_shared).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "(table, column, not null) only on SQLite: {missing:?}; only on PostgreSQL: {extra:?}"
    );
    assert!(
        sqlite_shared.len() > 100,
        "{} columns compared",
        sqlite_shared.len()
    );
    for (table, column) in only_postgres_columns {
        assert!(postgres.iter().any(|(t, c, _)| t == table && c == column));
    }
}

#[tokio::test]
async fn instances_starting_together_migrate_once() {
    let Some(url) = fresh_database().await else {
        return;
    };
    // Four instances in this process and two `helpdesk migrate` processes, all at once.
    let processes: Vec<_> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_helpdesk"))
                .args(["migrate", "--database", &url])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("helpdesk migrate")
        })
        .collect();
    let pools =
        futures_util::future::join_all((0..4).map(|_| helpdesk_store_pg::connect(&url))).await;
    for pool in &pools {
        assert!(pool.is_ok(), "{:?}", pool.as_ref().err());
    }
    for process in processes {
        let out = process.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("database is up to date"));
    }
    let pool = pools.into_iter().next().unwrap().unwrap();
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    let expected: Vec<(i64, bool)> = helpdesk_store_pg::MIGRATOR
        .iter()
        .map(|m| (m.version, true))
        .collect();
    assert_eq!(applied, expected, "each migration applied once");
    let categories: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(categories, 11, "the seeded rows went in once");
}

/// `helpdesk` with `args`, the password in the environment.
fn helpdesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .env("HELPDESK_PASSWORD", "a long password")
        .output()
        .expect("helpdesk")
}

#[tokio::test]
async fn accounts_tokens_and_keys_are_made_from_the_command_line_on_postgres() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let db = ["--database", url.as_str()];
    let out = helpdesk(
        &[
            &db[..],
            &[
                "user",
                "create",
                "--email",
                "Ana@Example.test",
                "--name",
                "Ana",
                "--role",
                "agent",
            ],
        ]
        .concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("created agent Ana@Example.test"));

    // The same address in other letters is taken; a bad one is refused with its reason.
    let again = helpdesk(
        &[
            &db[..],
            &[
                "user",
                "create",
                "--email",
                "ana@example.TEST",
                "--name",
                "Other",
                "--role",
                "customer",
            ],
        ]
        .concat(),
    );
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("email: An account with this email already exists"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let bad = helpdesk(
        &[
            &db[..],
            &[
                "user", "create", "--email", "nope", "--name", "", "--role", "customer",
            ],
        ]
        .concat(),
    );
    assert!(!bad.status.success());
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        said.contains("name: ") && said.contains("email: "),
        "{said}"
    );

    let token = helpdesk(
        &[
            &db[..],
            &[
                "token",
                "create",
                "--email",
                "ANA@example.test",
                "--name",
                "ci",
            ],
        ]
        .concat(),
    );
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let token = String::from_utf8_lossy(&token.stdout).trim().to_owned();
    assert!(token.starts_with("hdt_"), "{token}");
    let key = helpdesk(&[&db[..], &["apikey", "create", "--name", "erp"]].concat());
    assert!(key.status.success());
    let key = String::from_utf8_lossy(&key.stdout).trim().to_owned();
    assert!(key.starts_with("hdk_"), "{key}");
    let nobody = helpdesk(
        &[
            &db[..],
            &["token", "create", "--email", "nobody@example.test"],
        ]
        .concat(),
    );
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no active user with email"));

    // Stored as the SQLite backend stores them: hashes only, the password as argon2id.
    let pg = PgPool::connect(&url).await.unwrap();
    let (owner, name): (String, String) = sqlx::query_as(
        "SELECT u.email, t.name FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(helpdesk::secure::sha256_hex(&token))
    .fetch_one(&pg)
    .await
    .expect("the token's hash");
    assert_eq!((owner.as_str(), name.as_str()), ("Ana@Example.test", "ci"));
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM integration_keys WHERE key_hash = $1")
        .bind(helpdesk::secure::sha256_hex(&key))
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(keys, 1);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    let login = helpdesk::auth::users::find_by_email_pg(&pg, " ana@EXAMPLE.test ")
        .await
        .unwrap()
        .expect("found ignoring case");
    assert!(
        helpdesk::auth::password::verify("a long password".into(), Some(login.password_hash)).await
    );

    // Backups of PostgreSQL are PostgreSQL's business.
    let backup = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args([&db[..], &["backup", "--to", "/tmp/never-written.db"]].concat())
        .output()
        .expect("helpdesk");
    assert_eq!(backup.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&backup.stderr).contains("pg_dump"),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    // The demo fills a new database only.
    let demo = helpdesk(&[&db[..], &["demo", "--tickets", "5"]].concat());
    assert!(!demo.status.success());
    assert!(
        String::from_utf8_lossy(&demo.stderr).contains("fills a new, empty database"),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(tickets, 0);
}

#[tokio::test]
async fn the_demo_fills_a_new_postgres_database() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args([
            "--database",
            &url,
            "demo",
            "--tickets",
            "40",
            "--language",
            "es",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("helpdesk demo");
    let pid = child.id();
    let demo = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&demo.stderr);
    assert!(demo.status.success(), "{said}");
    assert!(said.contains("tickets: 40"), "{said}");
    let scratch = format!("helpdesk-demo-{pid}-");
    let left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&scratch))
        .count();
    assert_eq!(left, 0, "the temporary SQLite files are removed");
    let pg = PgPool::connect(&url).await.unwrap();
    let (tickets, messages, counted, documents): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM tickets), (SELECT COUNT(*) FROM messages),
                (SELECT SUM(n)::bigint FROM ticket_counts), (SELECT COUNT(*) FROM ticket_search)",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    assert_eq!((tickets, counted, documents), (40, 40, 40));
    assert!(messages >= 40);
    let spanish: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE language = 'es' AND role = 'admin'")
            .fetch_one(&pg)
            .await
            .unwrap();
    assert_eq!(spanish, 1, "the demo accounts speak Spanish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_email_is_taken_once_however_many_sign_up_at_once() {
    let Some(url) = fresh_database().await else {
        return;
    };
    // Two instances (two pools), four attempts each, the address in eight spellings.
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    let spellings = [
        "race@example.test",
        "RACE@example.test",
        "Race@Example.test",
        "race@EXAMPLE.TEST",
        "rAce@example.test",
        "raCe@example.test",
        "racE@example.test",
        "RaCe@ExAmPlE.test",
    ];
    let attempts = spellings.iter().enumerate().map(|(i, email)| {
        let pool = if i.is_multiple_of(2) {
            a.clone()
        } else {
            b.clone()
        };
        async move {
            helpdesk::auth::users::create_pg(&pool, email, "Racer", Role::Customer, "password123")
                .await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    let taken = results
        .iter()
        .filter(|r| {
            matches!(r, Err(helpdesk::auth::users::CreateError::Invalid(e))
                if e.iter().any(|e| e.id == "account-error-email-taken"))
        })
        .count();
    assert_eq!((created, taken), (1, 7), "{results:?}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&a)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_setup_link_is_valid_whichever_instance_printed_it() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    let issue = |pool: PgPool| async move { tokens::issue_setup_token_pg(&pool).await.unwrap() };
    let issued = futures_util::future::join_all((0..12u32).map(|i| {
        issue(if i.is_multiple_of(2) {
            a.clone()
        } else {
            b.clone()
        })
    }))
    .await;
    let mut valid = Vec::new();
    for token in &issued {
        if tokens::setup_token_valid_pg(&a, token).await.unwrap() {
            valid.push(token.clone());
        }
    }
    assert_eq!(valid.len(), 1, "exactly one link works");
    let unused: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_tokens WHERE used_at IS NULL")
        .fetch_one(&b)
        .await
        .unwrap();
    assert_eq!(unused, 1);
    // A later start on either instance replaces it.
    let later = issue(b.clone()).await;
    assert!(tokens::setup_token_valid_pg(&a, &later).await.unwrap());
    assert!(!tokens::setup_token_valid_pg(&a, &valid[0]).await.unwrap());
}

/// Every row of `table` on both sides as JSON values, sorted (booleans as 0/1, bytes as
/// upper-case hex), read with SQL of each database's own: not with the copy's code.
async fn rows_of(
    sqlite: &sqlx::SqlitePool,
    pg: &PgPool,
    table: &str,
    columns: &[(String, String)],
) -> (Vec<Value>, Vec<Value>) {
    let lite: Vec<String> = columns
        .iter()
        .map(|(c, ty)| match ty.as_str() {
            "bytea" => format!("hex(\"{c}\")"),
            _ => format!("\"{c}\""),
        })
        .collect();
    let post: Vec<String> = columns
        .iter()
        .map(|(c, ty)| match ty.as_str() {
            "bytea" => format!("upper(encode(\"{c}\", 'hex'))"),
            "boolean" => format!("\"{c}\"::int"),
            _ => format!("\"{c}\""),
        })
        .collect();
    let read_sqlite = format!("SELECT json_array({}) FROM \"{table}\"", lite.join(", "));
    let read_pg = format!(
        "SELECT json_build_array({})::text FROM \"{table}\"",
        post.join(", ")
    );
    let mut a: Vec<Value> = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(read_sqlite))
        .fetch_all(sqlite)
        .await
        .expect("sqlite rows")
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    let mut b: Vec<Value> = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(read_pg))
        .fetch_all(pg)
        .await
        .expect("postgres rows")
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect();
    let key = |v: &Value| v.to_string();
    a.sort_by_key(key);
    b.sort_by_key(key);
    (a, b)
}

#[tokio::test]
async fn copy_moves_a_whole_instance_to_postgres() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    // Demo data (users, tickets, threads, tags, files), then what daily use adds.
    helpdesk::demo::run(&app.db_url, 120, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let customer = app.user("Ana.Lopez@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let admin = app.user("admin@example.test", Role::Admin).await;
    let (client, _) = app.logged_in("carla@example.test", Role::Customer).await;
    let _ = client.login("carla@example.test", "wrong password").await; // a throttle row
    let _ = client.login("carla@example.test", PASSWORD).await;
    let number = app
        .ticket(&customer, "Café «printer» jams — 100% of the time")
        .await;
    let key = TicketKey::Number(number);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    app.core
        .add_message(
            &customer,
            &key,
            NewMessage {
                body: "Here is the log.\n\"quoted\" and a tab\there".into(),
                uploads: vec![Upload {
                    filename: "log.bin".into(),
                    content_type: "application/octet-stream".into(),
                    data: bytes,
                }],
                ..NewMessage::default()
            },
        )
        .await
        .expect("reply with a file");
    app.core
        .add_message(
            &agent,
            &key,
            NewMessage {
                body: "Internal: supplier knows".into(),
                internal: true,
                ..NewMessage::default()
            },
        )
        .await
        .expect("note");
    let gone = app.ticket(&customer, "Delete me").await;
    app.core
        .delete_tickets(&admin, &[TicketKey::Number(gone)])
        .await
        .expect("trash");
    app.core
        .save_setting(&admin, "open_ticket_limit", "25")
        .await
        .expect("setting");
    app.core
        .save_reply(&agent, None, "Thanks", "Thanks, {customer_name}!")
        .await
        .expect("saved reply");
    tokens::create_api_token(app.writer(), agent.id, "ci")
        .await
        .unwrap();
    tokens::create_integration_key(app.writer(), "erp")
        .await
        .unwrap();
    tokens::issue_setup_token(app.writer()).await.unwrap();
    let _session = app.session_of(&agent).await;
    for sql in [
        "INSERT INTO outbox (message_id, kind, ticket_id, recipient_id, next_attempt_at, created_at, language)
         SELECT '<n1@acme.test>', 'reply', id, client_id, 0, 0, 'es' FROM tickets ORDER BY id DESC LIMIT 1",
        "INSERT INTO notification_optouts (user_id, kind) SELECT id, 'reply' FROM users LIMIT 1",
        "INSERT INTO mail_received (message_id, received_at, ticket_id) SELECT '<in@x.test>', 5, id FROM tickets LIMIT 1",
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) SELECT 'h1', id, 1, 2 FROM users LIMIT 1",
        "INSERT INTO signup_confirmations (token_hash, user_id, created_at, expires_at) SELECT 'h2', id, 1, 2 FROM users LIMIT 1",
        // SQLite's text holds NUL; PostgreSQL's cannot (the copy replaces it and says so).
        "UPDATE messages SET body = 'before' || char(0) || 'after' WHERE id = (SELECT MIN(id) FROM messages)",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.rw())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["copy", "--from", &app.db_url, "--to", &url])
        .output()
        .expect("helpdesk copy");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("  tickets: 122\n"), "{said}");
    assert!(
        said.contains("messages: 1 values held NUL characters"),
        "{said}"
    );

    let pg = PgPool::connect(&url).await.unwrap();
    let schema = helpdesk_store_pg::columns(&pg).await.unwrap();
    for &table in helpdesk_store_pg::bulk::TABLES {
        let columns: Vec<(String, String)> = schema
            .iter()
            .filter(|c| c.table == table)
            .map(|c| (c.name.clone(), c.data_type.clone()))
            .collect();
        let (mut sqlite_rows, pg_rows) = rows_of(app.rw(), &pg, table, &columns).await;
        if table == "messages" {
            let body = columns.iter().position(|(c, _)| c == "body").unwrap();
            for row in &mut sqlite_rows {
                let text = row[body].as_str().unwrap().replace('\0', "\u{fffd}");
                row[body] = Value::String(text);
            }
            sqlite_rows.sort_by_key(|v| v.to_string());
        }
        assert!(!pg_rows.is_empty(), "{table} has rows to compare");
        assert_eq!(sqlite_rows, pg_rows, "{table}");
    }

    // What the copy computed rather than copied.
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, SUM(n)::bigint FROM ticket_counts GROUP BY status HAVING SUM(n) <> 0 ORDER BY status",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    let expected: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, n FROM ticket_counts WHERE n <> 0 ORDER BY status")
            .fetch_all(app.rw())
            .await
            .unwrap();
    assert_eq!(counts, expected);
    let facets: i64 = sqlx::query_scalar("SELECT SUM(n)::bigint FROM ticket_facets")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(
        facets, 121,
        "live tickets in the facets (one is in the trash)"
    );
    let found: Vec<i64> = sqlx::query_scalar(
        "SELECT t.number FROM ticket_search s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.public @@ to_tsquery('simple', 'cafe') ORDER BY 1",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    assert_eq!(found, vec![number], "accents removed, title searched");
    let note: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE public @@ to_tsquery('simple', 'supplier')),
                COUNT(*) FILTER (WHERE staff @@ to_tsquery('simple', 'supplier'))
         FROM ticket_search",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    assert_eq!(
        note,
        (0, 1),
        "internal notes are in the staff document only"
    );
    let next: (i64, i64) = sqlx::query_as(
        "SELECT nextval('ticket_numbers'), nextval(pg_get_serial_sequence('tickets', 'id'))",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    let last: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT value FROM counters WHERE name = 'ticket_number'), (SELECT MAX(id) FROM tickets)",
    )
    .fetch_one(app.rw())
    .await
    .unwrap();
    assert_eq!(
        next,
        (last.0 + 1, last.1 + 1),
        "numbers and ids go on, never reused"
    );

    // A second copy into a database that holds an instance is refused, and changes nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["copy", "--from", &app.db_url, "--to", &url])
        .output()
        .expect("helpdesk copy");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds accounts or tickets"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(tickets, 122);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_login_throttle_counts_every_attempt_across_instances() {
    use helpdesk::auth::throttle::{ACCOUNT, ADDRESS, begin_attempt_pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    // Thirty guesses at once through two instances, each counted against the account and
    // the address: ten may be made (the tenth locks the account), twenty are refused.
    let keys = vec![
        ("account:victim@example.test".to_owned(), ACCOUNT),
        ("ip:203.0.113.9".to_owned(), ADDRESS),
    ];
    let attempts = (0..30u32).map(|i| {
        let pool = if i.is_multiple_of(2) {
            a.clone()
        } else {
            b.clone()
        };
        let keys = keys.clone();
        async move { begin_attempt_pg(&pool, &keys).await.expect("database") }
    });
    let results = futures_util::future::join_all(attempts).await;
    let allowed = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(allowed, 10, "{results:?}");
    let rows: Vec<(String, i64, bool)> = sqlx::query_as(
        "SELECT key, failures, locked_until IS NOT NULL FROM login_throttle ORDER BY key",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("account:victim@example.test".to_owned(), 10, true),
            ("ip:203.0.113.9".to_owned(), 10, false),
        ],
        "refused attempts count nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_and_facet_counts_stay_exact_under_concurrent_writes() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ('c', 'c@x.test', 'C', 'customer', 'h', 0, 0), ('a', 'a@x.test', 'A', 'agent', 'h', 0, 0)",
    )
    .execute(&a)
    .await
    .unwrap();
    let pool = |i: usize| {
        if i.is_multiple_of(2) {
            a.clone()
        } else {
            b.clone()
        }
    };
    // 200 creates at once through two instances (the tallies' rows are the hot spot).
    let creates = (0..200).map(|i| {
        let pool = pool(i);
        async move {
            sqlx::query(
                "INSERT INTO tickets (public_id, title, category_id, client_id, priority, created_at, updated_at)
                 VALUES ($1, 'T', $2, (SELECT id FROM users WHERE public_id = 'c'), $3, 0, 0)",
            )
            .bind(format!("t{i}"))
            .bind((i % 11 + 1) as i64)
            .bind(["low", "medium", "high", "urgent"][i % 4])
            .execute(&pool)
            .await
            .unwrap();
        }
    });
    futures_util::future::join_all(creates).await;
    // Then changes of every counted kind at once: status, priority, assignee, category,
    // the trash and back, purges.
    let changes = (0..200).map(|i| {
        let pool = pool(i);
        async move {
            let sql = match i % 6 {
                0 => "UPDATE tickets SET status = 'closed' WHERE public_id = $1",
                1 => "UPDATE tickets SET priority = 'urgent', status = 'pending' WHERE public_id = $1",
                2 => "UPDATE tickets SET assignee_id = (SELECT id FROM users WHERE public_id = 'a') WHERE public_id = $1",
                3 => "UPDATE tickets SET deleted_at = 1 WHERE public_id = $1",
                4 => "UPDATE tickets SET category_id = 5, status = 'resolved' WHERE public_id = $1",
                _ => "DELETE FROM tickets WHERE public_id = $1",
            };
            sqlx::query(sql)
                .bind(format!("t{i}"))
                .execute(&pool)
                .await
                .unwrap();
        }
    });
    futures_util::future::join_all(changes).await;
    let counted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, SUM(n)::bigint FROM ticket_counts GROUP BY status HAVING SUM(n) <> 0 ORDER BY status",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    let actual: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY status ORDER BY status",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    assert_eq!(counted, actual);
    assert_eq!(actual.iter().map(|(_, n)| n).sum::<i64>(), 200 - 33 - 33);
    let facets: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT assignee_id, category_id, priority, status, SUM(n)::bigint FROM ticket_facets
         GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    let facts: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT COALESCE(assignee_id, 0), category_id, priority, status, COUNT(*) FROM tickets
         WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    assert_eq!(facets, facts);
    let shards: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT shard) FROM ticket_counts")
        .fetch_one(&a)
        .await
        .unwrap();
    assert!(shards > 1, "concurrent connections added to different rows");
}

#[tokio::test]
async fn search_finds_on_postgres_what_it_finds_on_sqlite() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let customer = app.user("c@example.test", Role::Customer).await;
    let agent = app.user("a@example.test", Role::Agent).await;
    let texts = [
        (
            "Mail to user@example.com bounces",
            "Our e-mail to the ERP fails.",
        ),
        (
            "Café latte machine",
            "The NAÏVE approach: restart it. Ünïcödé wörds.",
        ),
        (
            "Version v2.5 crashes",
            "Stack trace: snake_case_name at line 42",
        ),
        ("日本語のテキスト", "Привет мир, ¿qué tal? Ação rápida."),
        (
            "Printer jams",
            "The printer prints half pages; printing stops.",
        ),
    ];
    let mut numbers = Vec::new();
    for (title, body) in texts {
        numbers.push(
            app.core
                .open_ticket(&customer, crate::new_ticket(title, body))
                .await
                .expect("ticket")
                .number,
        );
    }
    app.core
        .add_message(
            &agent,
            &TicketKey::Number(numbers[4]),
            NewMessage {
                body: "Internal: supplier firmware 7.1".into(),
                internal: true,
                ..NewMessage::default()
            },
        )
        .await
        .expect("note");
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["copy", "--from", &app.db_url, "--to", &url])
        .output()
        .expect("helpdesk copy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pg = PgPool::connect(&url).await.unwrap();

    let queries = [
        "example",
        "user",
        "com",
        "mail",
        "e-mail",
        "erp",
        "cafe",
        "CAFÉ",
        "caf*",
        "naive",
        "unicode",
        "wörds",
        "v2",
        "5",
        "v2.5",
        "snake",
        "case",
        "42",
        "日本語のテキスト",
        "привет",
        "que",
        "acao",
        "rapida",
        "print*",
        "printer",
        "prints",
        "printer jams",
        "supplier",
        "firmware 7",
        "half pages",
        "nothing",
        "jam*",
    ];
    let mut found = 0;
    for query in queries {
        for staff in [true, false] {
            let fts = helpdesk::tickets::fts_query(query).unwrap();
            let lite: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT t.number FROM search s JOIN tickets t ON t.id = s.rowid >> 32
                 WHERE search MATCH ?1 AND (?2 OR s.rowid & 1 = 0) ORDER BY 1",
            )
            .bind(&fts)
            .bind(staff)
            .fetch_all(app.rw())
            .await
            .unwrap();
            let ts = helpdesk::tickets::ts_query(query).unwrap();
            let post: Vec<i64> = sqlx::query_scalar(
                "SELECT t.number FROM ticket_search s JOIN tickets t ON t.id = s.ticket_id
                 WHERE CASE WHEN $2 THEN s.staff ELSE s.public END
                       @@ to_tsquery('simple', unaccent($1))
                 ORDER BY 1",
            )
            .bind(&ts)
            .bind(staff)
            .fetch_all(&pg)
            .await
            .unwrap();
            assert_eq!(lite, post, "{query:?} (staff: {staff})");
            found += usize::from(!post.is_empty());
        }
    }
    assert!(
        found >= 50,
        "the queries find tickets ({found} of 64 found some)"
    );
}

/// A page and its counts in a form both backends must agree on exactly.
fn listed(
    page: &helpdesk::tickets::Page<helpdesk::tickets::TicketSummary>,
    counts: Option<&helpdesk::tickets::StatusCounts>,
) -> String {
    use helpdesk::tickets::Status;
    let rows: Vec<String> = page
        .items
        .iter()
        .map(|t| {
            format!(
                "{} #{} {:?} {} {} {} {} {:?} {} {} {}",
                t.id,
                t.number,
                t.title,
                t.status,
                t.priority,
                t.category,
                t.client_name,
                t.assignee_name,
                t.created_at,
                t.updated_at,
                t.unseen
            )
        })
        .collect();
    let counts = counts.map(|c| {
        let per: Vec<i64> = Status::ALL.into_iter().map(|s| c.get(s)).collect();
        format!("{per:?} {:?}", c.1)
    });
    format!(
        "offset {} limit {} total {}\n{}\ncounts {counts:?}",
        page.offset,
        page.limit,
        page.total,
        rows.join("\n")
    )
}

#[tokio::test]
async fn lists_counts_and_search_answer_on_postgres_as_on_sqlite() {
    use helpdesk::tickets::{AssigneeFilter, Cursor, ListFilter, Order, Priority, Status, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    helpdesk::demo::run(&app.db_url, 260, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let admin = helpdesk::auth::users::find_by_email(app.db(), "admin@example.com")
        .await
        .unwrap()
        .unwrap()
        .actor;
    let agent = helpdesk::auth::users::find_by_email(app.db(), "agent1@example.com")
        .await
        .unwrap()
        .unwrap()
        .actor;
    let customer = helpdesk::auth::users::find_by_email(app.db(), "customer1@example.com")
        .await
        .unwrap()
        .unwrap()
        .actor;
    // Some tickets in the trash, and a title with LIKE's wildcards.
    let numbers: Vec<i64> = sqlx::query_scalar("SELECT number FROM tickets ORDER BY id LIMIT 7")
        .fetch_all(app.rw())
        .await
        .unwrap();
    let trashed: Vec<TicketKey> = numbers[..5].iter().map(|n| TicketKey::Number(*n)).collect();
    app.core.delete_tickets(&admin, &trashed).await.unwrap();
    app.ticket(&customer, "100% broken_thing").await;
    let pool = copy_into(&app, &url).await;

    let category: i64 = sqlx::query_scalar(
        "SELECT category_id FROM tickets GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(app.rw())
    .await
    .unwrap();
    let tag: i64 = sqlx::query_scalar(
        "SELECT tag_id FROM ticket_tags GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(app.rw())
    .await
    .unwrap();
    let filters = [
        ListFilter::default(),
        ListFilter {
            statuses: vec![Status::Open, Status::Pending, Status::InProgress],
            ..ListFilter::default()
        },
        ListFilter {
            category_id: Some(category),
            ..ListFilter::default()
        },
        ListFilter {
            priority: Some(Priority::Urgent),
            statuses: vec![Status::Open],
            ..ListFilter::default()
        },
        ListFilter {
            assignee: Some(AssigneeFilter::Unassigned),
            ..ListFilter::default()
        },
        ListFilter {
            assignee: Some(AssigneeFilter::User(agent.id)),
            priority: Some(Priority::High),
            ..ListFilter::default()
        },
        ListFilter {
            tag_id: Some(tag),
            ..ListFilter::default()
        },
        ListFilter {
            title_contains: Some("100%".into()),
            ..ListFilter::default()
        },
        ListFilter {
            title_contains: Some("INVOICE".into()),
            ..ListFilter::default()
        },
        ListFilter {
            search: Some("password".into()),
            ..ListFilter::default()
        },
        ListFilter {
            search: Some("export* csv".into()),
            statuses: vec![Status::Open],
            ..ListFilter::default()
        },
        ListFilter {
            search: Some("the".into()),
            ..ListFilter::default()
        },
    ];
    let mut compared = 0;
    for actor in [&admin, &agent, &customer] {
        for base in &filters {
            for order in [Order::Updated, Order::Created, Order::Priority] {
                // Walk forwards by keyset, then backwards from the end, then by offset.
                let mut filter = ListFilter {
                    order,
                    limit: 20,
                    ..base.clone()
                };
                for step in 0..40 {
                    let (lite, lite_counts) =
                        app.core.list_with_counts(actor, &filter).await.unwrap();
                    let (post, post_counts) =
                        pg::list_with_counts(&pool, actor, &filter).await.unwrap();
                    assert_eq!(
                        listed(&lite, Some(&lite_counts)),
                        listed(&post, Some(&post_counts)),
                        "{} {:?} step {step}",
                        actor.email,
                        filter
                    );
                    let plain = app.core.list_tickets(actor, &filter).await.unwrap();
                    let plain_pg = pg::list_tickets(&pool, actor, &filter).await.unwrap();
                    assert_eq!(listed(&plain, None), listed(&plain_pg, None));
                    compared += 1;
                    let Some(last) = lite.items.last() else { break };
                    if lite.items.len() < 20 {
                        break;
                    }
                    filter.after = Some(Cursor::of(order, last));
                }
                let mut filter = ListFilter {
                    order,
                    limit: 20,
                    from_end: true,
                    ..base.clone()
                };
                for _ in 0..3 {
                    let (lite, _) = app.core.list_with_counts(actor, &filter).await.unwrap();
                    let (post, _) = pg::list_with_counts(&pool, actor, &filter).await.unwrap();
                    assert_eq!(listed(&lite, None), listed(&post, None), "{filter:?}");
                    compared += 1;
                    let Some(first) = lite.items.first() else {
                        break;
                    };
                    filter = ListFilter {
                        before: Some(Cursor::of(order, first)),
                        from_end: false,
                        ..filter
                    };
                }
                let filter = ListFilter {
                    order,
                    limit: 20,
                    offset: 40,
                    ..base.clone()
                };
                let (lite, _) = app.core.list_with_counts(actor, &filter).await.unwrap();
                let (post, _) = pg::list_with_counts(&pool, actor, &filter).await.unwrap();
                assert_eq!(listed(&lite, None), listed(&post, None), "{filter:?}");
            }
        }
    }
    assert!(compared > 500, "{compared} pages compared");
}

/// What an opened ticket left in the database, in a form both backends must agree on
/// (ids, numbers and times aside): the ticket, its messages, tags, files and notices.
async fn opened_rows_sqlite(db: &sqlx::SqlitePool, id: i64) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT 'ticket ' || title || '|' || COALESCE(subject, '-') || '|' || status || '|' ||
                priority || '|' || category_id || '|' || client_id || '|' || COALESCE(api, '-') ||
                '|' || version FROM tickets WHERE id = ?1
         UNION ALL SELECT 'message ' || author_id || '|' || body || '|' || internal || '|' ||
                (seen_at IS NOT NULL) FROM messages WHERE ticket_id = ?1
         UNION ALL SELECT 'tag ' || g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
                WHERE tt.ticket_id = ?1
         UNION ALL SELECT 'file ' || filename || '|' || content_type || '|' || size || '|' ||
                COALESCE(sha256, '-') || '|' ||
                CASE WHEN data IS NULL THEN '-' ELSE hex(data) END || '|' ||
                COALESCE(url, '-') FROM attachments WHERE ticket_id = ?1
         UNION ALL SELECT 'notice ' || kind || '|' || recipient_id || '|' ||
                COALESCE(message_ref, 0) FROM outbox WHERE ticket_id = ?1",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .unwrap();
    rows.sort();
    rows
}

async fn opened_rows_pg(db: &PgPool, id: i64) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT 'ticket ' || title || '|' || COALESCE(subject, '-') || '|' || status || '|' ||
                priority || '|' || category_id || '|' || client_id || '|' || COALESCE(api, '-') ||
                '|' || version FROM tickets WHERE id = $1
         UNION ALL SELECT 'message ' || author_id || '|' || body || '|' || internal::int || '|' ||
                (seen_at IS NOT NULL)::int FROM messages WHERE ticket_id = $1
         UNION ALL SELECT 'tag ' || g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
                WHERE tt.ticket_id = $1
         UNION ALL SELECT 'file ' || filename || '|' || content_type || '|' || size || '|' ||
                COALESCE(sha256, '-') || '|' || COALESCE(upper(encode(data, 'hex')), '-') ||
                '|' || COALESCE(url, '-') FROM attachments WHERE ticket_id = $1
         UNION ALL SELECT 'notice ' || kind || '|' || recipient_id || '|' ||
                COALESCE(message_ref, 0) FROM outbox WHERE ticket_id = $1",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .unwrap();
    rows.sort();
    rows
}

#[tokio::test]
async fn opening_tickets_on_postgres_stores_what_sqlite_stores() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{CategoryRef, CoreError, LinkAttachment, Priority, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let _admin = app.user("admin@example.test", Role::Admin).await;
    // A tag that exists already in other letters, and an upload made before (legacy).
    app.ticket(&customer, "First").await;
    sqlx::query("INSERT INTO tags (name) VALUES ('Billing')")
        .execute(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let notices = Notices { enabled: true };

    let file: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let input = || helpdesk::tickets::NewTicket {
        title: "  Charged twice  ".into(),
        subject: Some(" Billing question ".into()),
        description: " Two charges on my card. ".into(),
        priority: Priority::High,
        category: CategoryRef::Slug("billing".into()),
        tags: vec!["billing".into(), "Refund".into(), " refund ".into()],
        api: Some("v2".into()),
        uploads: vec![helpdesk::tickets::Upload {
            filename: "../receipt<1>.pdf".into(),
            content_type: "application/pdf".into(),
            data: file.clone(),
        }],
        links: vec![LinkAttachment {
            filename: "statement.pdf".into(),
            url: "https://files.example.test/s.pdf".into(),
            size: 1234,
            content_type: "application/pdf".into(),
        }],
        attachment_ids: Vec::new(),
    };
    let followups = || {
        vec![NewMessage {
            body: "Also: the second card.".into(),
            ..NewMessage::default()
        }]
    };
    // The same ticket by the customer, and one by an agent with an internal note.
    for (actor, followups) in [
        (&customer, followups()),
        (
            &agent,
            vec![NewMessage {
                body: "Note for the team".into(),
                internal: true,
                ..NewMessage::default()
            }],
        ),
    ] {
        let lite = app
            .core
            .open_ticket_with(actor, input(), followups.clone())
            .await
            .expect("opened on SQLite");
        let post = pg::open_ticket_with(&pool, 25, notices, actor, input(), followups)
            .await
            .expect("opened on PostgreSQL");
        assert_eq!(post.number, lite.number, "the same next number");
        assert_eq!(
            opened_rows_sqlite(app.rw(), lite.id).await,
            opened_rows_pg(&pool, post.id).await,
            "{}",
            actor.email
        );
        assert!(opened_rows_pg(&pool, post.id).await.len() >= 8);
    }

    // Refusals store nothing, with the same errors as on SQLite.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    let refusals: Vec<(
        helpdesk::tickets::Actor,
        helpdesk::tickets::NewTicket,
        Vec<NewMessage>,
    )> = vec![
        (
            customer.clone(),
            helpdesk::tickets::NewTicket {
                category: CategoryRef::Slug("nope".into()),
                title: String::new(),
                ..input()
            },
            Vec::new(),
        ),
        (
            customer.clone(),
            input(),
            vec![NewMessage {
                body: "sneaky".into(),
                internal: true,
                ..NewMessage::default()
            }],
        ),
        (
            customer.clone(),
            helpdesk::tickets::NewTicket {
                attachment_ids: vec!["000000000000000000000000".into()],
                ..input()
            },
            Vec::new(),
        ),
        (
            customer.clone(),
            helpdesk::tickets::NewTicket {
                uploads: vec![helpdesk::tickets::Upload {
                    filename: "huge.bin".into(),
                    content_type: "application/octet-stream".into(),
                    data: vec![0; 2 * 1024 * 1024 + 1],
                }],
                ..input()
            },
            Vec::new(),
        ),
    ];
    for (actor, ticket, followups) in refusals {
        let lite = app
            .core
            .open_ticket_with(&actor, ticket.clone(), followups.clone())
            .await
            .expect_err("refused on SQLite");
        let post = pg::open_ticket_with(&pool, 25, notices, &actor, ticket, followups)
            .await
            .expect_err("refused on PostgreSQL");
        assert_eq!(format!("{post:?}"), format!("{lite:?}"));
        assert!(!matches!(post, CoreError::Db(_)), "{post:?}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(after, before, "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_open_ticket_limit_holds_when_one_customer_opens_tickets_at_once() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{CoreError, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    let customer = helpdesk::auth::users::create_pg(
        &a,
        "eager@example.test",
        "Eager",
        Role::Customer,
        "password123",
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('open_ticket_limit', '3')")
        .execute(&a)
        .await
        .unwrap();
    let opens = (0..12u32).map(|i| {
        let pool = if i.is_multiple_of(2) {
            a.clone()
        } else {
            b.clone()
        };
        let customer = customer.clone();
        async move {
            pg::open_ticket_with(
                &pool,
                25,
                Notices::default(),
                &customer,
                crate::new_ticket("Again", "Please."),
                Vec::new(),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(opens).await;
    let opened = results.iter().filter(|r| r.is_ok()).count();
    let limited = results
        .iter()
        .filter(|r| matches!(r, Err(CoreError::OpenTicketLimit { limit: 3 })))
        .count();
    assert_eq!((opened, limited), (3, 9), "{results:?}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&a)
        .await
        .unwrap();
    assert_eq!(stored, 3);
}

#[tokio::test]
async fn the_newest_matches_are_the_same_whichever_way_they_are_found() {
    use helpdesk_store_pg::tickets::newest_staff_matches_walking;
    let Some(url) = fresh_database().await else {
        return;
    };
    let demo = helpdesk(&["--database", &url, "demo", "--tickets", "150"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let pool = helpdesk_store_pg::connect(&url).await.unwrap();
    let mut found_some = 0;
    for query in [
        "the",
        "password",
        "export:* & csv",
        "printer",
        "zebra",
        "invoice & amount",
    ] {
        // Every way: by the index after one document, by walking every ticket, by
        // walking five then asking the index, and with a word "common" past three
        // matches (walked below the first five): the same tickets, the SQL's own answer.
        let expected = expected_of(&pool, query).await;
        for (walk, bitmap_max) in [
            (1, 1_000_000),
            (1_000_000, 3),
            (5, 1_000_000),
            (5, 3),
            (1, 3),
        ] {
            let found = newest_staff_matches_walking(&pool, query, 20, walk, bitmap_max)
                .await
                .unwrap();
            assert_eq!(
                found, expected,
                "{query} (walk {walk}, bitmap {bitmap_max})"
            );
        }
        found_some += usize::from(!expected.is_empty());
    }
    assert!(found_some >= 3, "the queries find tickets");
}

async fn expected_of(pool: &PgPool, query: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT ticket_id FROM ticket_search WHERE staff @@ to_tsquery('simple', unaccent($1))
         ORDER BY ticket_id DESC LIMIT 20",
    )
    .bind(query)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn status_changes_on_postgres_answer_as_on_sqlite() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{Status, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let other = app.user("omar@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let mut numbers = Vec::new();
    for title in ["One", "Two", "Three"] {
        numbers.push(app.ticket(&customer, title).await);
    }
    sqlx::query("INSERT INTO settings (key, value) VALUES ('open_ticket_limit', '3')")
        .execute(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let notices = Notices { enabled: true };
    let key = |i: usize| TicketKey::Number(numbers[i]);

    enum Op {
        Change(usize, Status, Option<i64>),
        Close(usize),
        Reopen(usize),
    }
    let steps: Vec<(&helpdesk::tickets::Actor, Op)> = vec![
        (&customer, Op::Change(0, Status::InProgress, None)), // forbidden
        (&other, Op::Close(0)),                               // not found
        (&customer, Op::Close(0)),
        (&customer, Op::Close(0)), // already finished: nothing changes
        (&agent, Op::Change(1, Status::Pending, Some(1))),
        (&agent, Op::Change(1, Status::Resolved, Some(1))), // stale
        (&agent, Op::Change(1, Status::Resolved, Some(2))),
        (&customer, Op::Reopen(1)),
        (&customer, Op::Reopen(1)), // not finished: nothing changes
        // Ticket 0 closed, 1 and 2 active, 3 allowed: reopening 0 is fine...
        (&customer, Op::Reopen(0)),
        // ...and then a fourth active one is over the limit.
        (&agent, Op::Change(2, Status::Closed, None)),
        (&customer, Op::Close(1)),
        (&customer, Op::Reopen(2)),
        (&customer, Op::Reopen(1)),
        (&agent, Op::Change(0, Status::Cancelled, None)),
    ];
    for (n, (actor, op)) in steps.iter().enumerate() {
        let (lite, post) = match op {
            Op::Change(i, to, v) => (
                app.core.change_status(actor, &key(*i), *to, *v).await,
                pg::change_status(&pool, 25, notices, actor, &key(*i), *to, *v).await,
            ),
            Op::Close(i) => (
                app.core.close_ticket(actor, &key(*i)).await,
                pg::close_ticket(&pool, 25, notices, actor, &key(*i)).await,
            ),
            Op::Reopen(i) => (
                app.core.reopen_ticket(actor, &key(*i)).await,
                pg::reopen_ticket(&pool, 25, notices, actor, &key(*i)).await,
            ),
        };
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "step {n}");
    }
    let lite: Vec<String> = sqlx::query_scalar(
        "SELECT number || ' ' || status || ' v' || version || ' ' || (resolved_at IS NOT NULL) ||
                ' ' || (SELECT group_concat(from_value || '>' || to_value, ',') FROM
                        (SELECT * FROM events e WHERE e.ticket_id = t.id ORDER BY e.id)) ||
                ' ' || (SELECT COUNT(*) FROM outbox o WHERE o.ticket_id = t.id AND o.kind = 'ticket_closed')
         FROM tickets t ORDER BY number",
    )
    .fetch_all(app.rw())
    .await
    .unwrap();
    let post: Vec<String> = sqlx::query_scalar(
        "SELECT number || ' ' || status || ' v' || version || ' ' || (resolved_at IS NOT NULL)::int ||
                ' ' || (SELECT string_agg(from_value || '>' || to_value, ',' ORDER BY e.id)
                        FROM events e WHERE e.ticket_id = t.id) ||
                ' ' || (SELECT COUNT(*) FROM outbox o WHERE o.ticket_id = t.id AND o.kind = 'ticket_closed')
         FROM tickets t ORDER BY number",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(lite, post);
    assert_eq!(post.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_changes_from_the_same_page_the_second_is_stale() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{CoreError, Status, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    let customer =
        helpdesk::auth::users::create_pg(&a, "c@example.test", "C", Role::Customer, "password123")
            .await
            .unwrap();
    let agent =
        helpdesk::auth::users::create_pg(&a, "a@example.test", "A", Role::Agent, "password123")
            .await
            .unwrap();
    let mut numbers = Vec::new();
    for _ in 0..20 {
        let opened = pg::open_ticket_with(
            &a,
            100,
            Notices::default(),
            &customer,
            crate::new_ticket("Race", "Both agents act at once."),
            Vec::new(),
        )
        .await
        .unwrap();
        numbers.push(opened.number);
    }
    // Two agents' pages showed version 1; each sends a different status at once, through
    // different instances.
    let races = numbers.iter().map(|n| {
        let (a, b, agent) = (a.clone(), b.clone(), agent.clone());
        let key = TicketKey::Number(*n);
        async move {
            let first = pg::change_status(
                &a,
                25,
                Notices::default(),
                &agent,
                &key,
                Status::Pending,
                Some(1),
            );
            let second = pg::change_status(
                &b,
                25,
                Notices::default(),
                &agent,
                &key,
                Status::Resolved,
                Some(1),
            );
            let (x, y) = futures_util::future::join(first, second).await;
            (
                x.is_ok(),
                y.is_ok(),
                matches!(x, Err(CoreError::Stale)) || matches!(y, Err(CoreError::Stale)),
            )
        }
    });
    for (n, (x, y, stale)) in futures_util::future::join_all(races)
        .await
        .into_iter()
        .enumerate()
    {
        assert!(
            x ^ y && stale,
            "ticket {n}: exactly one change, the other stale ({x}, {y})"
        );
    }
    let versions: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, (SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id) FROM tickets t",
    )
    .fetch_all(&a)
    .await
    .unwrap();
    assert!(versions.iter().all(|v| *v == (2, 1)), "{versions:?}");
}

#[tokio::test]
async fn replies_and_seen_markers_on_postgres_answer_as_on_sqlite() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{MessageRef, Status, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let other = app.user("omar@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let mut numbers = Vec::new();
    for title in ["Open one", "Resolved one", "Closed one"] {
        numbers.push(app.ticket(&customer, title).await);
    }
    let key = |i: usize| TicketKey::Number(numbers[i]);
    app.core
        .update_ticket(
            &agent,
            &key(0),
            helpdesk::tickets::TicketUpdate {
                assignee: Some(Some(helpdesk::tickets::UserRef::Id(agent.id))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.core
        .change_status(&agent, &key(1), Status::Resolved, None)
        .await
        .unwrap();
    app.core
        .change_status(&agent, &key(2), Status::Closed, None)
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let notices = Notices { enabled: true };

    let said = |r: &helpdesk::tickets::CoreResult<MessageRef>| match r {
        Ok(m) => format!("ok {} {} {:?}", m.id, m.ticket_id, m.status),
        Err(e) => format!("{e:?}"),
    };
    let text = |body: &str| NewMessage {
        body: body.into(),
        ..NewMessage::default()
    };
    let steps: Vec<(&helpdesk::tickets::Actor, usize, NewMessage)> = vec![
        (&customer, 0, text("Any news?")),
        (&agent, 0, text("Looking into it.")),
        (
            &agent,
            0,
            NewMessage {
                body: "Supplier asked".into(),
                internal: true,
                ..NewMessage::default()
            },
        ),
        (
            &customer,
            0,
            NewMessage {
                body: "sneaky".into(),
                internal: true,
                ..NewMessage::default()
            },
        ),
        (&other, 0, text("Not mine")),
        (&customer, 1, text("Still broken")), // reopens
        (&customer, 2, text("Hello?")),       // closed
        (
            &agent,
            0,
            NewMessage {
                body: "From a stale page".into(),
                expected_version: Some(1),
                ..NewMessage::default()
            },
        ),
        (&customer, 0, text("   ")), // required
        (
            &customer,
            0,
            NewMessage {
                body: "With a file".into(),
                uploads: vec![helpdesk::tickets::Upload {
                    filename: "log.txt".into(),
                    content_type: "text/plain".into(),
                    data: b"line 1\nline 2".to_vec(),
                }],
                ..NewMessage::default()
            },
        ),
    ];
    for (n, (actor, i, input)) in steps.into_iter().enumerate() {
        let lite = app.core.add_message(actor, &key(i), input.clone()).await;
        let post = pg::add_message(&pool, notices, actor, &key(i), input).await;
        assert_eq!(said(&post), said(&lite), "step {n}");
    }
    for (i, number) in numbers.iter().enumerate() {
        let id: i64 = sqlx::query_scalar("SELECT id FROM tickets WHERE number = ?")
            .bind(number)
            .fetch_one(app.rw())
            .await
            .unwrap();
        assert_eq!(
            opened_rows_sqlite(app.rw(), id).await,
            opened_rows_pg(&pool, id).await,
            "ticket {i}"
        );
        for actor in [&agent, &customer] {
            let lite = app.core.mark_ticket_seen(actor, id).await.unwrap();
            let post = pg::mark_ticket_seen(&pool, actor, id).await.unwrap();
            assert_eq!(lite, post, "seen by {} on ticket {i}", actor.email);
        }
    }
    // Seen one by one: a message the caller may see, and one they may not (all or none).
    let pick = "SELECT m.public_id FROM messages m JOIN tickets t ON t.id = m.ticket_id
                WHERE t.number = $1 ORDER BY m.id";
    let lite_ids: Vec<String> = sqlx::query_scalar(pick)
        .bind(numbers[0])
        .fetch_all(app.rw())
        .await
        .unwrap();
    let pg_ids: Vec<String> = sqlx::query_scalar(pick)
        .bind(numbers[0])
        .fetch_all(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE messages SET seen_at = NULL")
        .execute(app.rw())
        .await
        .unwrap();
    sqlx::query("UPDATE messages SET seen_at = NULL")
        .execute(&pool)
        .await
        .unwrap();
    for (actor, picks) in [
        (&customer, vec![1, 3]),
        (&customer, vec![1]),
        (&agent, vec![0, 3]),
        (&other, vec![0]),
    ] {
        let lite_pick: Vec<String> = picks.iter().map(|i| lite_ids[*i].clone()).collect();
        let pg_pick: Vec<String> = picks.iter().map(|i| pg_ids[*i].clone()).collect();
        let lite = app.core.mark_messages_seen(actor, &lite_pick).await;
        let post = pg::mark_messages_seen(&pool, actor, &pg_pick).await;
        assert_eq!(
            format!("{post:?}"),
            format!("{lite:?}"),
            "{} {picks:?}",
            actor.email
        );
    }
    let seen =
        "SELECT COALESCE(string_agg(CASE WHEN seen_at IS NULL THEN '-' ELSE 's' END, ''), '')
                FROM (SELECT seen_at FROM messages ORDER BY id) m";
    let lite: String = sqlx::query_scalar(
        "SELECT COALESCE(group_concat(CASE WHEN seen_at IS NULL THEN '-' ELSE 's' END, ''), '')
         FROM (SELECT seen_at FROM messages ORDER BY id) m",
    )
    .fetch_one(app.rw())
    .await
    .unwrap();
    let post: String = sqlx::query_scalar(seen).fetch_one(&pool).await.unwrap();
    assert_eq!(lite, post);
    assert!(post.contains('s') && post.contains('-'), "{post}");
}

#[tokio::test]
async fn the_ticket_page_reads_on_postgres_as_on_sqlite() {
    use helpdesk::tickets::pg;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    helpdesk::demo::run(&app.db_url, 60, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let admin = app.actor_of("admin@example.com").await;
    let agent = app.actor_of("agent1@example.com").await;
    let customer = app.actor_of("customer1@example.com").await;
    let other = app.actor_of("customer2@example.com").await;
    // Files on a message and on none (a legacy upload claimed by no message stays loose).
    let number = app.ticket(&customer, "With files").await;
    app.core
        .add_message(
            &customer,
            &TicketKey::Number(number),
            NewMessage {
                body: "Screenshot attached".into(),
                uploads: vec![helpdesk::tickets::Upload {
                    filename: "shot.png".into(),
                    content_type: "image/png".into(),
                    data: vec![137, 80, 78, 71],
                }],
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;

    let numbers: Vec<i64> = sqlx::query_scalar("SELECT number FROM tickets ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    let mut shown = 0;
    for n in &numbers {
        for actor in [&admin, &agent, &customer, &other] {
            let key = TicketKey::Number(*n);
            let lite = app.core.view_ticket(actor, &key, false).await;
            let post = pg::view_ticket(&pool, actor, &key, false).await;
            assert_eq!(
                format!("{post:?}"),
                format!("{lite:?}"),
                "#{n} as {}",
                actor.email
            );
            shown += usize::from(lite.is_ok());
            let lite = app.core.ticket_status(actor, &key).await;
            let post = pg::ticket_status(&pool, actor, &key).await;
            assert_eq!(format!("{post:?}"), format!("{lite:?}"));
        }
    }
    assert!(shown > numbers.len() * 2, "{shown} pages shown");
    // Many at once, in the order asked, leaving out what the actor may not see.
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets ORDER BY number DESC")
        .fetch_all(app.rw())
        .await
        .unwrap();
    for actor in [&admin, &customer] {
        let lite = app.core.details(actor, &ids).await.unwrap();
        let post = pg::details(&pool, actor, &ids).await.unwrap();
        assert_eq!(format!("{post:?}"), format!("{lite:?}"));
    }
    // Reading marks the other side's messages seen, on both.
    for n in &numbers {
        let key = TicketKey::Number(*n);
        for actor in [&agent, &customer] {
            let lite = app.core.view_ticket(actor, &key, true).await.map(|_| ());
            let post = pg::view_ticket(&pool, actor, &key, true).await.map(|_| ());
            assert_eq!(format!("{post:?}"), format!("{lite:?}"));
        }
    }
    let unseen = "SELECT COUNT(*) FROM messages WHERE seen_at IS NULL";
    let lite: i64 = sqlx::query_scalar(unseen)
        .fetch_one(app.rw())
        .await
        .unwrap();
    let post: i64 = sqlx::query_scalar(unseen).fetch_one(&pool).await.unwrap();
    assert_eq!(lite, post);
}

#[tokio::test]
async fn edits_and_bulk_edits_on_postgres_answer_as_on_sqlite() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{CategoryRef, Priority, Status, TagSet, TicketUpdate, UserRef, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let other = app.user("omar@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let admin = app.user("admin@example.test", Role::Admin).await;
    let mut numbers = Vec::new();
    for title in ["One", "Two", "Three"] {
        numbers.push(app.ticket(&customer, title).await);
    }
    sqlx::query("INSERT INTO tags (name) VALUES ('Billing'), ('urgent-ish')")
        .execute(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let notices = Notices { enabled: true };
    let key = |i: usize| TicketKey::Number(numbers[i]);
    let tag_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tags ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();

    let steps: Vec<(&helpdesk::tickets::Actor, Vec<usize>, TicketUpdate)> = vec![
        (
            &customer,
            vec![0],
            TicketUpdate {
                title: Some("  One, renamed ".into()),
                subject: Some("About billing".into()),
                category: Some(CategoryRef::Slug("billing".into())),
                priority: Some(Priority::High),
                tags: Some(TagSet::Names(vec![
                    "billing".into(),
                    "Refund".into(),
                    "refund".into(),
                ])),
                ..Default::default()
            },
        ),
        (
            &customer,
            vec![0],
            TicketUpdate {
                assignee: Some(Some(UserRef::Id(agent.id))),
                ..Default::default()
            },
        ),
        (
            &other,
            vec![0],
            TicketUpdate {
                title: Some("Mine now".into()),
                ..Default::default()
            },
        ),
        (
            &agent,
            vec![0],
            TicketUpdate {
                assignee: Some(Some(UserRef::PublicId(agent.public_id.clone()))),
                issue_url: Some(Some("https://github.com/acme/app/issues/7".into())),
                status: Some(Status::InProgress),
                ..Default::default()
            },
        ),
        (
            &agent,
            vec![0],
            TicketUpdate {
                assignee: Some(Some(UserRef::Id(customer.id))),
                issue_url: Some(Some("javascript:alert(1)".into())),
                category: Some(CategoryRef::Id(999)),
                ..Default::default()
            },
        ),
        (
            &agent,
            vec![0],
            TicketUpdate {
                tags: Some(TagSet::Ids(vec![tag_ids[0], 99_999])),
                ..Default::default()
            },
        ),
        (
            &agent,
            vec![0],
            TicketUpdate {
                tags: Some(TagSet::Ids(tag_ids.clone())),
                resolution: Some(Some("x".repeat(20_000))),
                ..Default::default()
            },
        ),
        (
            &agent,
            vec![0],
            TicketUpdate {
                resolution: Some(Some("Refunded.".into())),
                expected_version: Some(1),
                ..Default::default()
            },
        ),
        (
            &admin,
            vec![0],
            TicketUpdate {
                assignee: Some(None),
                resolution: Some(Some("Refunded.".into())),
                status: Some(Status::Resolved),
                ..Default::default()
            },
        ),
        (
            &admin,
            vec![1, 2],
            TicketUpdate {
                priority: Some(Priority::Urgent),
                assignee: Some(Some(UserRef::Id(admin.id))),
                ..Default::default()
            },
        ),
        // All or nothing: a ticket the actor may not see stops the whole batch.
        (
            &customer,
            vec![1, 2, 0],
            TicketUpdate {
                priority: Some(Priority::Low),
                ..Default::default()
            },
        ),
        (
            &other,
            vec![1],
            TicketUpdate {
                priority: Some(Priority::Low),
                ..Default::default()
            },
        ),
        (&admin, vec![1, 2], TicketUpdate::default()),
    ];
    for (n, (actor, which, update)) in steps.into_iter().enumerate() {
        let keys: Vec<TicketKey> = which.iter().map(|i| key(*i)).collect();
        let lite = app.core.bulk_update(actor, &keys, update.clone()).await;
        let post = pg::bulk_update(&pool, 25, notices, actor, &keys, update).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "step {n}");
    }
    for (i, number) in numbers.iter().enumerate() {
        let id: i64 = sqlx::query_scalar("SELECT id FROM tickets WHERE number = ?")
            .bind(number)
            .fetch_one(app.rw())
            .await
            .unwrap();
        assert_eq!(
            opened_rows_sqlite(app.rw(), id).await,
            opened_rows_pg(&pool, id).await,
            "ticket {i}"
        );
    }
    let events = "SELECT ticket_id || ' ' || actor_id || ' ' || kind || ' ' ||
                         COALESCE(from_value, '-') || '>' || COALESCE(to_value, '-')
                  FROM events ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(events)
        .fetch_all(app.rw())
        .await
        .unwrap();
    let post: Vec<String> = sqlx::query_scalar(events).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
    assert!(lite.len() >= 10, "{lite:?}");
    let fields = "SELECT number || ' ' || title || ' ' || COALESCE(assignee_id, 0) || ' ' ||
                         COALESCE(issue_url, '-') || ' ' || COALESCE(resolution, '-') || ' v' || version
                  FROM tickets ORDER BY number";
    let lite: Vec<String> = sqlx::query_scalar(fields)
        .fetch_all(app.rw())
        .await
        .unwrap();
    let post: Vec<String> = sqlx::query_scalar(fields).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
}

#[tokio::test]
async fn the_trash_on_postgres_works_as_on_sqlite() {
    use helpdesk::tickets::{ListFilter, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    let other = app.user("omar@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let admin = app.user("admin@example.test", Role::Admin).await;
    let mut numbers = Vec::new();
    for title in ["One", "Two", "Three", "Four"] {
        numbers.push(app.ticket(&customer, title).await);
    }
    app.core
        .add_message(
            &customer,
            &TicketKey::Number(numbers[3]),
            NewMessage {
                body: "A reply with a file".into(),
                uploads: vec![helpdesk::tickets::Upload {
                    filename: "a.txt".into(),
                    content_type: "text/plain".into(),
                    data: b"abc".to_vec(),
                }],
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let key = |i: usize| TicketKey::Number(numbers[i]);

    for (actor, which) in [
        (&agent, vec![0]),
        (&other, vec![0]),
        (&customer, vec![0, 0]),
        (&admin, vec![1, 3, 1]),
        (&admin, vec![2, 0]), // 0 is in the trash already: nothing happens
    ] {
        let keys: Vec<TicketKey> = which.iter().map(|i| key(*i)).collect();
        let lite = app.core.delete_tickets(actor, &keys).await;
        let post = pg::delete_tickets(&pool, actor, &keys).await;
        assert_eq!(
            format!("{post:?}"),
            format!("{lite:?}"),
            "{} {which:?}",
            actor.email
        );
    }
    let shown = |t: Vec<helpdesk::tickets::Trashed>| -> Vec<String> {
        let mut rows: Vec<String> = t
            .into_iter()
            .map(|t| format!("{} {} {} {}", t.number, t.title, t.client, t.deleted_by))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        shown(pg::trash(&pool, &admin).await.unwrap()),
        shown(app.core.trash(&admin).await.unwrap())
    );
    assert_eq!(
        format!("{:?}", pg::trash(&pool, &agent).await.err()),
        format!("{:?}", app.core.trash(&agent).await.err())
    );
    for (actor, number) in [
        (&agent, numbers[0]),
        (&admin, numbers[0]),
        (&admin, numbers[0]),
        (&admin, 99_999),
    ] {
        let lite = app.core.restore_ticket(actor, number).await;
        let post = pg::restore_ticket(&pool, actor, number).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "restore {number}");
    }
    for (actor, number) in [
        (&agent, numbers[3]),
        (&admin, numbers[3]),
        (&admin, numbers[3]),
        (&admin, numbers[0]),
    ] {
        let lite = app.core.purge_ticket(actor, number).await;
        let post = pg::purge_ticket(&pool, actor, number).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "purge {number}");
    }
    let state = "SELECT number || ' ' || (deleted_at IS NOT NULL) || ' v' || version ||
                        ' ' || (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id)
                 FROM tickets t ORDER BY number";
    let lite: Vec<String> = sqlx::query_scalar(state).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(
        "SELECT number || ' ' || (deleted_at IS NOT NULL)::int || ' v' || version ||
                ' ' || (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id)
         FROM tickets t ORDER BY number",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(lite, post);
    let files = "SELECT COUNT(*) FROM attachments";
    let lite: i64 = sqlx::query_scalar(files).fetch_one(app.rw()).await.unwrap();
    let post: i64 = sqlx::query_scalar(files).fetch_one(&pool).await.unwrap();
    assert_eq!(
        (lite, post),
        (0, 0),
        "the purged ticket's files went with it"
    );
    // The counts and the list follow the trash on both.
    for actor in [&admin, &customer] {
        let lite = app
            .core
            .list_with_counts(
                actor,
                &ListFilter {
                    limit: 20,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let post = pg::list_with_counts(
            &pool,
            actor,
            &ListFilter {
                limit: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            listed(&post.0, Some(&post.1)),
            listed(&lite.0, Some(&lite.1))
        );
    }
    let documents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ticket_search")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        documents, 3,
        "the purged ticket's search document went with it"
    );
}

#[tokio::test]
async fn pickers_history_and_descriptions_read_on_postgres_as_on_sqlite() {
    use helpdesk::tickets::{CategoryRef, TicketUpdate, UserRef, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    helpdesk::demo::run(&app.db_url, 40, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let admin = app.actor_of("admin@example.com").await;
    let agent = app.actor_of("agent1@example.com").await;
    let customer = app.actor_of("customer1@example.com").await;
    let numbers: Vec<i64> = sqlx::query_scalar("SELECT number FROM tickets ORDER BY id LIMIT 5")
        .fetch_all(app.rw())
        .await
        .unwrap();
    for n in &numbers {
        app.core
            .update_ticket(
                &admin,
                &TicketKey::Number(*n),
                TicketUpdate {
                    assignee: Some(Some(UserRef::Id(agent.id))),
                    category: Some(CategoryRef::Slug("billing".into())),
                    title: Some(format!("Renamed {n}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO tags (name) VALUES ('Zeta'), ('alpha'), ('Émoji')")
        .execute(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;

    let lite = app.core.catalog(None).await.unwrap();
    let post = pg::catalog(&pool).await.unwrap();
    assert_eq!(format!("{post:?}"), format!("{lite:?}"));
    assert_eq!(
        format!("{:?}", pg::open_ticket_limit(&pool, 25).await),
        format!("{:?}", app.core.open_ticket_limit().await)
    );
    let all: Vec<i64> = sqlx::query_scalar("SELECT number FROM tickets ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    let mut events = 0;
    for n in &all {
        for actor in [&admin, &agent, &customer] {
            let key = TicketKey::Number(*n);
            let lite = app.core.history(actor, &key, None).await;
            let post = pg::history(&pool, actor, &key, None).await;
            assert_eq!(
                format!("{post:?}"),
                format!("{lite:?}"),
                "#{n} {}",
                actor.email
            );
            events += lite.map_or(0, |e| e.len());
        }
    }
    assert!(events > all.len() * 2, "{events} events compared");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    let mut lite: Vec<(i64, String)> = app
        .core
        .descriptions(&ids)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let mut post: Vec<(i64, String)> = pg::descriptions(&pool, &ids)
        .await
        .unwrap()
        .into_iter()
        .collect();
    lite.sort();
    post.sort();
    assert_eq!(lite, post);
    assert_eq!(post.len(), ids.len());
}

#[tokio::test]
async fn categories_tags_and_settings_change_on_postgres_as_on_sqlite() {
    use helpdesk::tickets::pg;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let admin = app.user("admin@example.test", Role::Admin).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    app.ticket(&customer, "Uses technical").await;
    let pool = copy_into(&app, &url).await;
    let same = |what: &str, lite: String, post: String| assert_eq!(post, lite, "{what}");

    for (actor, slug, name) in [
        (&agent, "hardware", "Hardware"),
        (&admin, "hardware", "Hardware"),
        (&admin, "hardware", "Again"),
        (&admin, "bad slug!", ""),
        (&admin, "x".repeat(60).leak() as &str, "Long slug"),
    ] {
        let lite = app.core.create_category(actor, slug, name, " Desks ").await;
        let post = pg::create_category(&pool, actor, slug, name, " Desks ").await;
        same(
            &format!("create {slug}"),
            format!("{lite:?}"),
            format!("{post:?}"),
        );
    }
    for (id, name, active) in [
        (12, "Hardware & desks", false),
        (99, "Nope", true),
        (12, "", true),
    ] {
        let lite = app
            .core
            .update_category(&admin, id, name, "d", active)
            .await;
        let post = pg::update_category(&pool, &admin, id, name, "d", active).await;
        same(
            &format!("update {id}"),
            format!("{lite:?}"),
            format!("{post:?}"),
        );
    }
    for id in [1, 12, 12, 99] {
        let lite = app.core.delete_category(&admin, id).await;
        let post = pg::delete_category(&pool, &admin, id).await;
        same(
            &format!("delete {id}"),
            format!("{lite:?}"),
            format!("{post:?}"),
        );
    }
    for (id, name, active) in [
        (None, "Printer", true),
        (None, "printer", true),
        (None, "", true),
        (Some(1), "Printers", false),
        (Some(999), "Ghost", true),
        (None, "alpha", true),
    ] {
        let lite = app.core.save_tag(&admin, id, name, " kw ", active).await;
        let post = pg::save_tag(&pool, &admin, id, name, " kw ", active).await;
        same(
            &format!("tag {name}"),
            format!("{lite:?}"),
            format!("{post:?}"),
        );
    }
    // Ids aside: a refused insert uses up a PostgreSQL sequence value (a gap), where
    // SQLite hands out the next id again.
    let names = |tags: Vec<(helpdesk::tickets::Tag, bool)>| -> Vec<String> {
        tags.into_iter()
            .map(|(t, active)| format!("{} {} {active}", t.name, t.keyword))
            .collect()
    };
    same(
        "all tags",
        format!("{:?}", names(app.core.all_tags(&admin).await.unwrap())),
        format!("{:?}", names(pg::all_tags(&pool, &admin).await.unwrap())),
    );
    same(
        "all tags, agent",
        format!("{:?}", app.core.all_tags(&agent).await),
        format!("{:?}", pg::all_tags(&pool, &agent).await),
    );
    for (key, value) in [
        ("open_ticket_limit", " 7 "),
        ("github_repo", "acme/app"),
        ("github_repo", ""),
    ] {
        let lite = app.core.save_setting(&admin, key, value).await;
        let post = pg::save_setting(&pool, &admin, key, value).await;
        same(key, format!("{lite:?}"), format!("{post:?}"));
    }
    same(
        "limit",
        format!("{:?}", app.core.open_ticket_limit().await),
        format!("{:?}", pg::open_ticket_limit(&pool, 25).await),
    );
    let lite = app.core.catalog(None).await.unwrap();
    let post = pg::catalog(&pool).await.unwrap();
    same(
        "catalog",
        format!("{:?} {:?}", lite.categories, lite.staff),
        format!("{:?} {:?}", post.categories, post.staff),
    );
}

#[tokio::test]
async fn saved_replies_and_downloads_on_postgres_answer_as_on_sqlite() {
    use helpdesk::tickets::{Upload, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    let other = app.user("omar@example.test", Role::Customer).await;
    let number = app.ticket(&customer, "Files").await;
    let file = |name: &str, data: &[u8]| Upload {
        filename: name.into(),
        content_type: "text/plain".into(),
        data: data.to_vec(),
    };
    app.core
        .add_message(
            &customer,
            &TicketKey::Number(number),
            NewMessage {
                body: "public file".into(),
                uploads: vec![file("public.txt", b"for everyone")],
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .add_message(
            &agent,
            &TicketKey::Number(number),
            NewMessage {
                body: "internal file".into(),
                internal: true,
                uploads: vec![file("internal.txt", b"staff only")],
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .upload_unattached(&other, file("loose.txt", b"not yet used"))
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;

    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM attachments ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    let mut allowed = 0;
    for id in ids.iter().copied().chain([9_999]) {
        for actor in [&agent, &customer, &other] {
            let lite = app.core.download(actor, id).await;
            let post = pg::download(&pool, actor, id).await;
            let shown = |r: &helpdesk::tickets::CoreResult<helpdesk::tickets::Download>| match r {
                Ok(d) => format!("{} {} {:?}", d.filename, d.content_type, d.data),
                Err(e) => format!("{e:?}"),
            };
            assert_eq!(shown(&post), shown(&lite), "file {id} as {}", actor.email);
            allowed += usize::from(lite.is_ok());
        }
    }
    assert_eq!(
        allowed, 4,
        "public: 2 readers; internal: staff; loose: its uploader"
    );
    let lite = app
        .core
        .upload_unattached(&customer, file("big.bin", &vec![0; 2 * 1024 * 1024 + 1]))
        .await;
    let post = pg::upload_unattached(
        &pool,
        &customer,
        file("big.bin", &vec![0; 2 * 1024 * 1024 + 1]),
    )
    .await;
    assert_eq!(format!("{:?}", post.err()), format!("{:?}", lite.err()));
    let post = pg::upload_unattached(&pool, &customer, file("../x.txt", b"x"))
        .await
        .unwrap();
    assert_eq!(
        pg::download(&pool, &customer, post.id)
            .await
            .unwrap()
            .filename,
        "x.txt"
    );

    for (actor, id, title, body) in [
        (&customer, None, "Thanks", "Thanks!"),
        (&agent, None, "Thanks", "Thanks, {customer_name}!"),
        (&agent, None, "THANKS", "Again"),
        (&agent, None, "", "No title"),
        (&agent, Some(1), "thanks", "Lower case now"),
        (&agent, Some(99), "Ghost", "x"),
        (&agent, None, "Apology", "Sorry."),
    ] {
        let lite = app.core.save_reply(actor, id, title, body).await;
        let post = pg::save_reply(&pool, actor, id, title, body).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "{title}");
    }
    let shown = |r: Vec<helpdesk::tickets::saved_replies::SavedReply>| -> Vec<String> {
        r.into_iter()
            .map(|r| format!("{} {} {}", r.id, r.title, r.body))
            .collect()
    };
    assert_eq!(
        shown(pg::saved_replies(&pool, &agent).await.unwrap()),
        shown(app.core.saved_replies(&agent).await.unwrap())
    );
    for (actor, id) in [(&customer, 1), (&agent, 1), (&agent, 1), (&agent, 2)] {
        let lite = app.core.delete_saved_reply(actor, id).await;
        let post = pg::delete_saved_reply(&pool, actor, id).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"));
        let lite = app.core.saved_reply(actor, 3).await.map(|r| r.title);
        let post = pg::saved_reply(&pool, actor, 3).await.map(|r| r.title);
        assert_eq!(format!("{post:?}"), format!("{lite:?}"));
    }
}

#[tokio::test]
async fn logging_in_and_sessions_on_postgres_work_as_on_sqlite() {
    use helpdesk::auth::login::{Attempt, Outcome, login, login_with};
    use helpdesk::auth::sessions;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    app.user("carla@example.test", Role::Customer).await;
    app.user("gone@example.test", Role::Customer).await;
    sqlx::query("UPDATE users SET active = 0 WHERE email = 'gone@example.test'")
        .execute(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let lite_store = (app.db(), app.writer());
    let ip: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    let said = |o: &Outcome| match o {
        Outcome::LoggedIn { actor, .. } => format!("in {}", actor.email),
        Outcome::WrongPassword => "wrong".to_owned(),
        Outcome::Locked { .. } => "locked".to_owned(),
    };

    // The right password, then a session that resolves, then logout.
    let attempt = |email: &'static str, password: &'static str| Attempt {
        email,
        password: password.into(),
        client: ip,
        device: None,
        old_session: None,
    };
    let (lite, post) = (
        login(
            app.db(),
            app.writer(),
            attempt(" Carla@Example.test ", PASSWORD),
        )
        .await
        .unwrap(),
        login_with(&pool, attempt(" Carla@Example.test ", PASSWORD))
            .await
            .unwrap(),
    );
    assert_eq!(said(&post), said(&lite));
    let (
        Outcome::LoggedIn {
            session: lite_session,
            device: lite_device,
            ..
        },
        Outcome::LoggedIn {
            session: pg_session,
            device: pg_device,
            ..
        },
    ) = (lite, post)
    else {
        panic!("logged in on both");
    };
    let resolved = sessions::resolve_pg(&pool, &pg_session)
        .await
        .unwrap()
        .expect("live");
    let expected = sessions::resolve(app.db(), &lite_session)
        .await
        .unwrap()
        .expect("live");
    assert_eq!(
        (resolved.actor.email.as_str(), resolved.catalog_version),
        (expected.actor.email.as_str(), expected.catalog_version)
    );
    // Logging in again from that browser ends its old session.
    let again = login_with(
        &pool,
        Attempt {
            device: Some(&pg_device),
            old_session: Some(&pg_session),
            ..attempt("carla@example.test", PASSWORD)
        },
    )
    .await
    .unwrap();
    assert!(matches!(again, Outcome::LoggedIn { .. }));
    assert!(
        sessions::resolve_pg(&pool, &pg_session)
            .await
            .unwrap()
            .is_none()
    );
    let _ = lite_device;

    // Wrong passwords, an inactive account, an unknown one: the same answers, and the
    // account locks after ten on both.
    for n in 0..12 {
        for email in [
            "carla@example.test",
            "gone@example.test",
            "nobody@example.test",
        ] {
            let lite = login(app.db(), app.writer(), attempt(email, "wrong password"))
                .await
                .unwrap();
            let post = login_with(&pool, attempt(email, "wrong password"))
                .await
                .unwrap();
            assert_eq!(said(&post), said(&lite), "attempt {n} for {email}");
        }
    }
    let lite = login_with(&lite_store, attempt("carla@example.test", PASSWORD))
        .await
        .unwrap();
    let post = login_with(&pool, attempt("carla@example.test", PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        (said(&post), said(&lite)),
        ("locked".to_owned(), "locked".to_owned())
    );
    // The browser that logged in before is not held by the account's lock.
    let trusted = login_with(
        &pool,
        Attempt {
            device: Some(&pg_device),
            ..attempt("carla@example.test", PASSWORD)
        },
    )
    .await
    .unwrap();
    assert_eq!(said(&trusted), "in carla@example.test");

    // Sessions expire and are swept on PostgreSQL too.
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'carla@example.test'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let token = sessions::create_pg(&pool, user).await.unwrap();
    assert!(sessions::resolve_pg(&pool, &token).await.unwrap().is_some());
    sessions::end_pg(&pool, &token).await.unwrap();
    assert!(sessions::resolve_pg(&pool, &token).await.unwrap().is_none());
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&pool)
        .await
        .unwrap();
    assert!(sessions::sweep_pg(&pool).await.unwrap() >= 1);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_queued_mail_is_claimed_once_however_many_workers_run() {
    use helpdesk::mail::outbox;
    let Some(url) = fresh_database().await else {
        return;
    };
    let a = helpdesk_store_pg::connect(&url).await.unwrap();
    let b = helpdesk_store_pg::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at)
         SELECT '<m' || i || '@x.test>', 'test', 'r' || i || '@x.test', 0, 0
         FROM generate_series(1, 300) i",
    )
    .execute(&a)
    .await
    .unwrap();
    // Six workers on two instances, each claiming until nothing is due.
    let workers = (0..6).map(|i| {
        let pool = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move {
            let mut mine = Vec::new();
            loop {
                let claimed = outbox::claim_due_pg(&pool).await.unwrap();
                if claimed.is_empty() {
                    break mine;
                }
                mine.extend(claimed);
            }
        }
    });
    let claims = futures_util::future::join_all(workers).await;
    let mut all: Vec<i64> = claims.iter().flatten().copied().collect();
    let busy = claims.iter().filter(|c| !c.is_empty()).count();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(
        (before, all.len()),
        (300, 300),
        "every mail claimed, none twice"
    );
    assert!(
        busy >= 2,
        "the workers shared the work ({busy} claimed some)"
    );
    // Claimed mails are leased: nothing is due until the lease runs out.
    assert!(outbox::claim_due_pg(&a).await.unwrap().is_empty());
}

#[tokio::test]
async fn sending_bookkeeping_on_postgres_is_as_on_sqlite() {
    use helpdesk::mail::outbox;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    for i in 1..=4 {
        sqlx::query(
            "INSERT INTO outbox (message_id, kind, to_address, next_attempt_at, created_at, secret)
             VALUES (?, 'test', 'r@x.test', 0, 0, 'token')",
        )
        .bind(format!("<m{i}@x.test>"))
        .execute(app.rw())
        .await
        .unwrap();
    }
    let pool = copy_into(&app, &url).await;
    let config = helpdesk::mail::MailConfig::with_ca(
        "smtp://127.0.0.1:1",
        "Acme <support@acme.test>",
        "http://127.0.0.1",
        None,
    )
    .unwrap();
    let mut lite_claims = outbox::claim_due(app.db(), app.writer()).await.unwrap();
    let mut pg_claims = outbox::claim_due_pg(&pool).await.unwrap();
    lite_claims.sort();
    pg_claims.sort();
    assert_eq!(lite_claims, pg_claims);
    outbox::sent(app.writer(), 1).await.unwrap();
    outbox::sent_pg(&pool, 1).await.unwrap();
    for _ in 0..3 {
        outbox::failed(app.writer(), &config, 2, "451 try later")
            .await
            .unwrap();
        outbox::failed_pg(&pool, &config, 2, "451 try later")
            .await
            .unwrap();
    }
    outbox::give_up(app.writer(), 3, "550 no such user")
        .await
        .unwrap();
    outbox::give_up_pg(&pool, 3, "550 no such user")
        .await
        .unwrap();
    for id in [3, 1] {
        assert_eq!(
            outbox::retry_pg(&pool, id).await.unwrap(),
            outbox::retry(app.writer(), id).await.unwrap()
        );
    }
    let rows = "SELECT id || ' ' || state || ' ' || attempts || ' ' || COALESCE(last_error, '-') ||
                       ' ' || COALESCE(secret, '-') || ' ' || (sent_at IS NOT NULL)
                FROM outbox ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(rows).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(
        "SELECT id || ' ' || state || ' ' || attempts || ' ' || COALESCE(last_error, '-') ||
                ' ' || COALESCE(secret, '-') || ' ' || (sent_at IS NOT NULL)::int
         FROM outbox ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(lite, post);
    // The backoff after three failures: base (60 s) x 2^2 from now, on both.
    let wait = "SELECT next_attempt_at FROM outbox WHERE id = 2";
    let lite: i64 = sqlx::query_scalar(wait).fetch_one(app.rw()).await.unwrap();
    let post: i64 = sqlx::query_scalar(wait).fetch_one(&pool).await.unwrap();
    assert!((lite - post).abs() < 5_000, "{lite} vs {post}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_keys_and_the_setup_link_on_postgres_work_as_on_sqlite() {
    use helpdesk::auth::tokens;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let gone = app.user("gone@example.test", Role::Customer).await;
    let agent_token = tokens::create_api_token(app.writer(), agent.id, "ci")
        .await
        .unwrap();
    tokens::create_api_token(app.writer(), agent.id, "laptop")
        .await
        .unwrap();
    let gone_token = tokens::create_api_token(app.writer(), gone.id, "old")
        .await
        .unwrap();
    sqlx::query("UPDATE users SET active = 0 WHERE id = ?")
        .bind(gone.id)
        .execute(app.rw())
        .await
        .unwrap();
    let key = tokens::create_integration_key(app.writer(), "erp")
        .await
        .unwrap();
    tokens::create_integration_key(app.writer(), "crm")
        .await
        .unwrap();
    let a = copy_into(&app, &url).await;
    let b = helpdesk_store_pg::connect(&url).await.unwrap();

    // A token made on SQLite works on its copy; one of an inactive user does not.
    for token in [agent_token.as_str(), gone_token.as_str(), "hdt_nonsense"] {
        let lite = tokens::user_for_api_token(app.db(), app.writer(), token)
            .await
            .unwrap();
        let post = tokens::user_for_api_token_pg(&a, token).await.unwrap();
        assert_eq!(format!("{post:?}"), format!("{lite:?}"));
    }
    let shown = |t: Vec<tokens::ApiTokenInfo>| -> Vec<String> {
        t.into_iter()
            .map(|t| format!("{} {}", t.id, t.name))
            .collect()
    };
    assert_eq!(
        shown(tokens::list_api_tokens_pg(&a, agent.id).await.unwrap()),
        shown(tokens::list_api_tokens(app.db(), agent.id).await.unwrap())
    );
    for (user, id) in [(agent.id, 1), (agent.id, 1), (gone.id, 2)] {
        assert_eq!(
            tokens::revoke_api_token_pg(&a, user, id).await.unwrap(),
            tokens::revoke_api_token(app.writer(), user, id)
                .await
                .unwrap()
        );
    }
    assert!(
        tokens::user_for_api_token_pg(&a, &agent_token)
            .await
            .unwrap()
            .is_none(),
        "revoked"
    );
    for k in [key.as_str(), "hdk_nonsense"] {
        assert_eq!(
            tokens::integration_key_valid_pg(&a, k).await.unwrap(),
            tokens::integration_key_valid(app.db(), k).await.unwrap()
        );
    }
    assert_eq!(
        tokens::revoke_integration_key_pg(&a, 1).await.unwrap(),
        tokens::revoke_integration_key(app.writer(), 1)
            .await
            .unwrap()
    );
    let keys = |k: Vec<tokens::KeyInfo>| -> Vec<String> {
        k.into_iter()
            .map(|k| format!("{} {}", k.id, k.name))
            .collect()
    };
    assert_eq!(
        keys(tokens::list_integration_keys_pg(&a).await.unwrap()),
        keys(tokens::list_integration_keys(app.db()).await.unwrap())
    );

    // The setup link, used from two instances at once, makes one admin.
    let link = tokens::issue_setup_token_pg(&a).await.unwrap();
    let tries = (0..6).map(|i| {
        let pool = if i % 2 == 0 { a.clone() } else { b.clone() };
        let link = link.clone();
        async move {
            tokens::consume_setup_token_pg(
                &pool,
                &link,
                &format!("admin{i}@example.test"),
                "Admin",
                "hash",
            )
            .await
            .unwrap()
        }
    });
    let made = futures_util::future::join_all(tries).await;
    assert_eq!(made.iter().filter(|m| m.is_some()).count(), 1, "{made:?}");
    assert!(!tokens::setup_token_valid_pg(&a, &link).await.unwrap());
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(&a)
        .await
        .unwrap();
    assert_eq!(admins, 1);
    assert!(helpdesk_store_pg::accounts::admin_exists(&a).await.unwrap());
}

#[tokio::test]
async fn the_admins_user_pages_and_preferences_on_postgres_work_as_on_sqlite() {
    use helpdesk::auth::users::{self, Preference};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    helpdesk::demo::run(&app.db_url, 60, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let pool = copy_into(&app, &url).await;
    let db = app.db();
    let shown = |rows: Vec<users::UserRow>| -> Vec<String> {
        rows.into_iter()
            .map(|u| format!("{} {} {} {} {}", u.id, u.name, u.email, u.role, u.active))
            .collect()
    };
    for (search, role, before) in [
        ("", None, None),
        ("", Some(Role::Agent), None),
        ("EXAMPLE.COM", None, Some(30)),
        ("agent1", None, None),
        ("100%_", None, None),
    ] {
        assert_eq!(
            shown(users::pg::list(&pool, search, role, before).await.unwrap()),
            shown(users::list(db, search, role, before).await.unwrap()),
            "{search:?} {role:?}"
        );
        assert_eq!(
            users::pg::count(&pool, search, role).await.unwrap(),
            users::count(db, search, role).await.unwrap()
        );
    }
    let (id, hash) = (5, "$argon2id$new");
    assert_eq!(
        users::pg::set_role(&pool, id, Role::Agent).await.unwrap(),
        users::set_role(app.writer(), id, Role::Agent)
            .await
            .unwrap()
    );
    assert_eq!(
        users::pg::set_active(&pool, id, false).await.unwrap(),
        users::set_active(app.writer(), id, false).await.unwrap()
    );
    assert!(
        !users::pg::set_role(&pool, 99_999, Role::Admin)
            .await
            .unwrap()
    );
    users::pg::set_password(&pool, 6, hash).await.unwrap();
    users::set_password(app.writer(), 6, hash).await.unwrap();
    assert_eq!(
        users::pg::password_hash(&pool, 6).await.unwrap(),
        users::password_hash(db, 6).await.unwrap()
    );
    for choice in [
        || Preference::TimeZone(Some("Europe/Madrid".into())),
        || Preference::Language(Some("es".into())),
        || Preference::TimeZone(None),
    ] {
        users::pg::set_preference(&pool, 7, choice()).await.unwrap();
        users::set_preference(app.writer(), 7, choice())
            .await
            .unwrap();
    }
    assert_eq!(
        format!("{:?}", users::pg::preferences(&pool, 7).await.unwrap()),
        format!("{:?}", users::preferences(db, 7).await.unwrap())
    );
    assert_eq!(
        users::pg::admin_exists(&pool).await.unwrap(),
        users::admin_exists(db).await.unwrap()
    );
    let state =
        "SELECT id || ' ' || role || ' ' || active || ' ' || password_hash FROM users ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(state).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(
        "SELECT id || ' ' || role || ' ' || active::int || ' ' || password_hash FROM users ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(lite, post);
}

#[tokio::test]
async fn sign_up_and_password_reset_on_postgres_work_as_on_sqlite() {
    use helpdesk::auth::{reset, signup};
    use helpdesk::i18n::Lang;
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    app.user("carla@example.test", Role::Customer).await;
    let pool = copy_into(&app, &url).await;
    let (db, w) = (app.db(), app.writer());

    for (email, name, password) in [
        ("new@example.test", "New", "a long password"),
        ("NEW@example.test", "New again", "a long password"), // unconfirmed: nothing new
        ("Carla@Example.test", "Carla", "a long password"),   // taken: a mail to the owner
        ("bad", "", "short"),
    ] {
        let lite = signup::register(db, w, email, name, password, Lang::Es).await;
        let post = signup::register_pg(&pool, email, name, password, Lang::Es).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "{email}");
    }
    // The links are in the queued mails (the secret): confirm with each backend's own.
    let link = "SELECT secret FROM outbox WHERE kind = 'signup_confirm'";
    let lite_link: String = sqlx::query_scalar(link).fetch_one(app.rw()).await.unwrap();
    let pg_link: String = sqlx::query_scalar(link).fetch_one(&pool).await.unwrap();
    assert!(signup::confirm(w, &lite_link).await.unwrap().is_some());
    assert!(signup::confirm_pg(&pool, &pg_link).await.unwrap().is_some());
    assert!(
        signup::confirm_pg(&pool, &pg_link).await.unwrap().is_none(),
        "used up"
    );

    for email in ["carla@example.test", "nobody@example.test"] {
        reset::request(db, w, email, Lang::En).await.unwrap();
        reset::request_pg(&pool, email, Lang::En).await.unwrap();
    }
    let link = "SELECT secret FROM outbox WHERE kind = 'password_reset'";
    let lite_link: String = sqlx::query_scalar(link).fetch_one(app.rw()).await.unwrap();
    let pg_link: String = sqlx::query_scalar(link).fetch_one(&pool).await.unwrap();
    assert!(reset::is_live_pg(&pool, &pg_link).await.unwrap());
    assert!(!reset::is_live_pg(&pool, "nonsense").await.unwrap());
    assert!(
        reset::redeem(w, &lite_link, "$argon2id$x".into())
            .await
            .unwrap()
    );
    assert!(
        reset::redeem_pg(&pool, &pg_link, "$argon2id$x")
            .await
            .unwrap()
    );
    assert!(
        !reset::redeem_pg(&pool, &pg_link, "$argon2id$y")
            .await
            .unwrap(),
        "used up"
    );

    let mails = "SELECT kind || ' ' || recipient_id || ' ' || COALESCE(language, '-') FROM outbox ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(mails).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(mails).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
    assert_eq!(lite.len(), 3, "{lite:?}");
    let accounts = "SELECT email || ' ' || password_hash FROM users WHERE email LIKE 'carla%' OR email LIKE 'new%' ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(accounts)
        .fetch_all(app.rw())
        .await
        .unwrap();
    let post: Vec<String> = sqlx::query_scalar(accounts).fetch_all(&pool).await.unwrap();
    assert_eq!(lite.len(), post.len());
    assert_eq!(lite[0], post[0], "the reset password");
    let confirmed = "SELECT COUNT(*) FROM users WHERE confirmed";
    let post: i64 = sqlx::query_scalar(confirmed)
        .fetch_one(&pool)
        .await
        .unwrap();
    let lite: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE confirmed = 1")
        .fetch_one(app.rw())
        .await
        .unwrap();
    assert_eq!(lite, post);
}

#[tokio::test]
async fn mails_composed_on_postgres_are_those_composed_on_sqlite() {
    use helpdesk::mail::{compose, compose_pg};
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{Status, TicketUpdate, UserRef};
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let number = app.ticket(&customer, "Printer \"jams\" <again>").await;
    let key = TicketKey::Number(number);
    app.core
        .add_message(
            &agent,
            &key,
            NewMessage {
                body: "Try this driver.".into(),
                uploads: vec![helpdesk::tickets::Upload {
                    filename: "driver notes.txt".into(),
                    content_type: "text/plain".into(),
                    data: b"v2".to_vec(),
                }],
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .update_ticket(
            &agent,
            &key,
            TicketUpdate {
                assignee: Some(Some(UserRef::Id(agent.id))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.core
        .add_message(
            &customer,
            &key,
            NewMessage {
                body: "Thanks!".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    app.core
        .change_status(&agent, &key, Status::Resolved, None)
        .await
        .unwrap();
    helpdesk::auth::reset::request(
        app.db(),
        app.writer(),
        "carla@example.test",
        helpdesk::i18n::Lang::Es,
    )
    .await
    .unwrap();
    let pool = copy_into(&app, &url).await;
    let config = helpdesk::mail::MailConfig::with_ca(
        "smtp://127.0.0.1:1",
        "Acme Support <support@acme.test>",
        "http://desk.example.test",
        None,
    )
    .unwrap();
    // Dates and multipart boundaries differ from one composition to the next.
    let normal = |m: Option<helpdesk::mail::Composed>| -> String {
        let Some(m) = m else { return "nothing".into() };
        let text = String::from_utf8_lossy(&m.message.formatted()).into_owned();
        let re = regex::Regex::new(r#"boundary="([^"]+)""#).unwrap();
        let mut text = text;
        for b in re.captures_iter(&text.clone()).map(|c| c[1].to_owned()) {
            text = text.replace(&b, "BOUNDARY");
        }
        text.lines()
            .filter(|l| !l.starts_with("Date:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    assert!(ids.len() >= 5, "{ids:?}");
    for id in ids.iter().copied().chain([999]) {
        let lite = normal(compose(app.db(), &config, id).await.unwrap());
        let post = normal(compose_pg(&pool, &config, id).await.unwrap());
        assert_eq!(post, lite, "notice {id}");
    }
}

#[tokio::test]
async fn mail_in_on_postgres_is_handled_as_on_sqlite() {
    use helpdesk::mail::receive::receive;
    use helpdesk::tickets::notify::Notices;
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let customer = app.user("carla@example.test", Role::Customer).await;
    let number = app.ticket(&customer, "Printer").await;
    let pid: String = sqlx::query_scalar("SELECT public_id FROM tickets WHERE number = ?")
        .bind(number)
        .fetch_one(app.rw())
        .await
        .unwrap();
    let pool = copy_into(&app, &url).await;
    let mut on_pg = helpdesk::tickets::Core::new(pool.clone(), app.core.defaults.clone());
    on_pg.notices = Notices { enabled: true };
    let domain = "acme.test";
    let big = "A".repeat(3 * 1024 * 1024);
    let mails: Vec<String> = vec![
        // A reply to the ticket by its Message-ID, from its customer.
        format!("From: Carla <carla@example.test>\r\nTo: support@acme.test\r\nSubject: Re: Printer\r\nMessage-ID: <r1@example.test>\r\nIn-Reply-To: <ticket-{pid}@acme.test>\r\n\r\nStill jammed.\r\n"),
        // The same mail again: handled once.
        format!("From: Carla <carla@example.test>\r\nTo: support@acme.test\r\nSubject: Re: Printer\r\nMessage-ID: <r1@example.test>\r\nIn-Reply-To: <ticket-{pid}@acme.test>\r\n\r\nStill jammed.\r\n"),
        // By number in the subject, from a stranger: a new ticket and a new account.
        format!("From: Omar <omar@example.test>\r\nTo: support@acme.test\r\nSubject: Re: [#{number}] Printer\r\nMessage-ID: <n1@example.test>\r\n\r\nMe too.\r\n"),
        // With a file too big: accepted without it, and the sender told.
        format!("From: carla@example.test\r\nTo: support@acme.test\r\nSubject: Logs\r\nMessage-ID: <f1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nSee logs.\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.log\r\n\r\n{big}\r\n--XX--\r\n"),
        // Automatic mail and our own: ignored.
        "From: robot@example.test\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\nMessage-ID: <a1@example.test>\r\n\r\nAway.\r\n".to_owned(),
        "From: support@acme.test\r\nSubject: loop\r\nMessage-ID: <hd-1@acme.test>\r\n\r\nloop\r\n".to_owned(),
        "not a mail at all".to_owned(),
    ];
    for (n, raw) in mails.iter().enumerate() {
        let lite = receive(&app.core, raw.as_bytes(), domain).await;
        let post = receive(&on_pg, raw.as_bytes(), domain).await;
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "mail {n}");
    }
    let state = "SELECT t.number || ' ' || t.title || ' ' || u.email || ' ' ||
                        (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id)
                 FROM tickets t JOIN users u ON u.id = t.client_id ORDER BY t.number";
    let lite: Vec<String> = sqlx::query_scalar(state).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(state).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
    let mails = "SELECT kind || ' ' || recipient_id || ' ' || COALESCE(detail, '-') FROM outbox ORDER BY id";
    let lite: Vec<String> = sqlx::query_scalar(mails).fetch_all(app.rw()).await.unwrap();
    let post: Vec<String> = sqlx::query_scalar(mails).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
    let received = "SELECT message_id FROM mail_received ORDER BY message_id";
    let lite: Vec<String> = sqlx::query_scalar(received)
        .fetch_all(app.rw())
        .await
        .unwrap();
    let post: Vec<String> = sqlx::query_scalar(received).fetch_all(&pool).await.unwrap();
    assert_eq!(lite, post);
    assert_eq!(post.len(), 3);
}

#[tokio::test]
async fn escalation_to_github_on_postgres_works_as_on_sqlite() {
    use helpdesk::config::Settings;
    use helpdesk::tickets::{CoreError, pg};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(url) = fresh_database().await else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/backend/issues"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "id": 1, "number": 7, "title": "t", "html_url": "https://github.com/acme/backend/issues/7",
            "body": "b", "labels": [{"name": "support"}], "assignees": []
        })))
        .expect(2)
        .mount(&server)
        .await;
    let settings = Settings {
        github_api_url: server.uri(),
        github_repo: Some("acme/backend".into()),
        github_token: Some("gh-secret".into()),
        ..Settings::default()
    };
    let app = TestApp::sqlite_with(settings.clone()).await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let number = app.ticket(&customer, "Crash on save").await;
    let pool = copy_into(&app, &url).await;
    let key = TicketKey::Number(number);
    let site = "http://desk.example.test";
    for actor in [&customer, &agent, &agent] {
        let lite = app
            .core
            .create_github_issue(actor, &key, site)
            .await
            .map(|i| i.html_url);
        let post = pg::create_github_issue(&pool, &settings, actor, &key, site)
            .await
            .map(|i| i.html_url);
        assert_eq!(format!("{post:?}"), format!("{lite:?}"), "{}", actor.email);
    }
    // Both sent the same issue to GitHub.
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body);
    let history = pg::history(&pool, &agent, &key, None).await.unwrap();
    assert!(history.iter().any(|e| e.kind == "issue_url"));
    // Without a configuration: NotConfigured, nothing sent.
    let other = app.ticket(&customer, "Another").await;
    let bare = Settings::default();
    let out = pg::create_github_issue(&pool, &bare, &agent, &TicketKey::Number(other), site).await;
    assert!(
        matches!(out, Err(CoreError::NotFound | CoreError::NotConfigured)),
        "{out:?}"
    );
}

#[tokio::test]
async fn mail_policy_opt_outs_and_the_outbox_page_on_postgres_work_as_on_sqlite() {
    use helpdesk::tickets::notify::{Kind, MailPolicy, NewTicketMails, Notices};
    use helpdesk::tickets::pg;
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut app = TestApp::sqlite().await;
    app.core.notices = Notices { enabled: true };
    let admin = app.user("admin@example.test", Role::Admin).await;
    let agent = app.user("agent@example.test", Role::Agent).await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    app.ticket(&customer, "Queues notices").await;
    let pool = copy_into(&app, &url).await;
    let same = |what: &str, lite: String, post: String| assert_eq!(post, lite, "{what}");

    for actor in [&admin, &agent] {
        same(
            "policy",
            format!("{:?}", app.core.notification_settings(actor).await),
            format!("{:?}", pg::notification_settings(&pool, actor).await),
        );
    }
    let policy = MailPolicy {
        on: vec![Kind::StaffReply, Kind::Assigned],
        new_ticket: NewTicketMails::WhileUnassigned,
        refuse_unknown_senders: true,
    };
    same(
        "save policy",
        format!(
            "{:?}",
            app.core
                .save_notification_settings(&admin, policy.clone())
                .await
        ),
        format!(
            "{:?}",
            pg::save_notification_settings(&pool, &admin, policy).await
        ),
    );
    same(
        "policy after",
        format!("{:?}", app.core.notification_settings(&admin).await),
        format!("{:?}", pg::notification_settings(&pool, &admin).await),
    );
    for (actor, on) in [
        (&customer, vec![Kind::StaffReply]),
        (&agent, vec![Kind::NewTicket, Kind::CustomerReply]),
    ] {
        app.core
            .save_my_notifications(actor, on.clone())
            .await
            .unwrap();
        pg::save_my_notifications(&pool, actor, on).await.unwrap();
        same(
            "mine",
            format!("{:?}", app.core.my_notifications(actor).await),
            format!("{:?}", pg::my_notifications(&pool, actor).await),
        );
    }
    let address: lettre::Address = "ops@example.test".parse().unwrap();
    let sqlite_sends = app.core.mail.is_some();
    same(
        "test mail",
        format!(
            "{:?}",
            app.core.send_test_mail(&admin, address.clone()).await
        ),
        format!(
            "{:?}",
            pg::send_test_mail(&pool, sqlite_sends, &admin, address).await
        ),
    );
    let rows = |r: Vec<helpdesk::mail::outbox::Row>| -> Vec<String> {
        r.into_iter()
            .map(|r| {
                format!(
                    "{} {} {} {:?} {}",
                    r.id,
                    r.kind,
                    r.to,
                    r.ticket_number,
                    r.shown_state()
                )
            })
            .collect()
    };
    same(
        "outbox",
        format!("{:?}", rows(app.core.outbox(&admin).await.unwrap())),
        format!("{:?}", rows(pg::outbox(&pool, &admin).await.unwrap())),
    );
    same(
        "outbox, agent",
        format!("{:?}", app.core.outbox(&agent).await.err()),
        format!("{:?}", pg::outbox(&pool, &agent).await.err()),
    );
    for id in [1, 999] {
        same(
            "retry",
            format!("{:?}", app.core.retry_mail(&admin, id).await),
            format!("{:?}", pg::retry_mail(&pool, &admin, id).await),
        );
    }
}

#[tokio::test]
async fn the_remaining_reads_on_postgres_answer_as_on_sqlite() {
    use helpdesk::tickets::notify::Notices;
    use helpdesk::tickets::{ListFilter, pg};
    let Some(url) = fresh_database().await else {
        return;
    };
    let app = TestApp::sqlite().await;
    helpdesk::demo::run(&app.db_url, 30, helpdesk::i18n::Lang::En)
        .await
        .expect("demo");
    let agent = helpdesk::auth::users::find_by_email(app.db(), "agent1@example.com")
        .await
        .unwrap()
        .unwrap()
        .actor;
    let pool = copy_into(&app, &url).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets ORDER BY id")
        .fetch_all(app.rw())
        .await
        .unwrap();
    for staff in [true, false] {
        let mut lite: Vec<String> = app
            .core
            .threads(staff, &ids)
            .await
            .unwrap()
            .into_iter()
            .map(|(k, v)| format!("{k} {v:?}"))
            .collect();
        let mut post: Vec<String> = pg::threads(&pool, staff, &ids)
            .await
            .unwrap()
            .into_iter()
            .map(|(k, v)| format!("{k} {v:?}"))
            .collect();
        lite.sort();
        post.sort();
        assert_eq!(post, lite);
    }
    let filter = ListFilter {
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        listed(
            &pg::list_page_with_total(&pool, &agent, &filter, 77)
                .await
                .unwrap(),
            None
        ),
        listed(
            &app.core
                .list_page_with_total(&agent, &filter, 77)
                .await
                .unwrap(),
            None
        )
    );
    assert_eq!(
        format!("{:?}", pg::setting(&pool, "open_ticket_limit").await),
        format!("{:?}", app.core.setting("open_ticket_limit").await)
    );
    let opened = pg::open_ticket(
        &pool,
        25,
        Notices::default(),
        &agent,
        crate::new_ticket("Mine", "Opened by staff."),
    )
    .await
    .unwrap();
    let shown = pg::opened_ticket(&pool, &agent, &opened).await.unwrap();
    assert_eq!(
        (shown.number, shown.title.as_str()),
        (opened.number, "Mine")
    );
    assert_eq!(shown.messages.len(), 1);
}

/// `helpdesk mail receive` with `raw` on stdin; (exit code, stderr).
fn mail_receive(url: &str, raw: &str) -> (Option<i32>, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["--database", url, "mail", "receive"])
        .env("HELPDESK_MAIL_FROM", "Acme Support <support@acme.test>")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("helpdesk mail receive");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(raw.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn mail_receive_runs_on_postgres_and_handles_a_message_once() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let pool = helpdesk_store_pg::connect(&url).await.unwrap();
    let raw = "From: Carla <carla@example.test>\r\nTo: support@acme.test\r\nSubject: Printer jams\r\nMessage-ID: <once@example.test>\r\n\r\nIt jams.\r\n";
    // The same message handed to four instances' pipes at once: one ticket.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || mail_receive(&url, raw))
        })
        .collect();
    let results: Vec<(Option<i32>, String)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(
        results
            .iter()
            .any(|(code, said)| *code == Some(0) && said.contains("Opened")),
        "{results:?}"
    );
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tickets, 1, "{results:?}");
    // Delivered again later (an MTA retrying): handled once.
    let (code, said) = mail_receive(&url, raw);
    assert_eq!(code, Some(0));
    assert!(said.contains("Duplicate"), "{said}");
    // A reply by the ticket's number in the subject.
    let number: i64 = sqlx::query_scalar("SELECT number FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    let reply = format!(
        "From: carla@example.test\r\nSubject: Re: [#{number}] Printer jams\r\nMessage-ID: <r2@example.test>\r\n\r\nStill.\r\n"
    );
    let (code, said) = mail_receive(&url, &reply);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Reply"), "{said}");
    // Refused for good: exit 67, for the MTA to bounce.
    sqlx::query("INSERT INTO settings (key, value) VALUES ('mail_unknown_senders', 'refuse')")
        .execute(&pool)
        .await
        .unwrap();
    let (code, said) = mail_receive(
        &url,
        "From: stranger@example.test\r\nSubject: Hi\r\nMessage-ID: <s@example.test>\r\n\r\nHello\r\n",
    );
    assert_eq!(code, Some(67), "{said}");
    let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(messages, 2);
}

/// A category deleted while tickets are being opened in it: each open either lands (and
/// the deletion is refused, the category in use) or says the category is invalid; never
/// a foreign-key failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_category_deleted_while_tickets_open_in_it_fails_nothing() {
    use helpdesk::tickets::{CategoryRef, Core, CoreError};
    let Some(url) = fresh_database().await else {
        return;
    };
    let core = Core::new(
        helpdesk_store_pg::connect(&url).await.unwrap(),
        helpdesk::config::Settings::default(),
    );
    let admin = helpdesk::auth::users::create_pg(
        match &core.backend {
            helpdesk::tickets::Backend::Postgres(pool) => pool,
            _ => unreachable!(),
        },
        "admin@example.test",
        "Admin",
        Role::Admin,
        "password123",
    )
    .await
    .unwrap();
    for round in 0..20 {
        let slug = format!("short-lived-{round}");
        let id = core
            .create_category(&admin, &slug, "Short lived", "")
            .await
            .unwrap();
        let mut input = crate::new_ticket("In a short-lived category", "Please.");
        input.category = CategoryRef::Id(id);
        let (opened, deleted) = tokio::join!(
            core.open_ticket(&admin, input),
            core.delete_category(&admin, id)
        );
        match (&opened, &deleted) {
            (Ok(_), Err(CoreError::Invalid(_))) | (Err(CoreError::Invalid(_)), Ok(())) => {}
            other => panic!("round {round}: {other:?}"),
        }
    }
}
