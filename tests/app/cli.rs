//! The command line, run as the real binary.

use std::process::{Command, Output, Stdio};

fn helpdesk(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .current_dir(dir)
        .args(args)
        .env_remove("HELPDESK_DATABASE")
        .env("HELPDESK_PASSWORD", "cli password")
        .stdin(Stdio::null())
        .output()
        .expect("run helpdesk")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

#[tokio::test]
async fn migrate_user_token_apikey_and_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let o = helpdesk(dir.path(), &["migrate", "--database", &db]);
    assert!(o.status.success(), "{o:?}");
    let o = helpdesk(
        dir.path(),
        &[
            "--database",
            &db,
            "user",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "agent",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let o = helpdesk(
        dir.path(),
        &[
            "--database",
            &db,
            "user",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "agent",
        ],
    );
    assert!(!o.status.success(), "duplicate email refused");
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));

    let o = helpdesk(
        dir.path(),
        &[
            "token",
            "create",
            "--email",
            "a@example.com",
            "--database",
            &db,
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let token = stdout(&o);
    assert!(
        token.starts_with("hdt_") && !token.contains(char::is_whitespace),
        "printed alone: {token}"
    );
    let o = helpdesk(
        dir.path(),
        &[
            "--database",
            &db,
            "token",
            "create",
            "--email",
            "nobody@example.com",
        ],
    );
    assert!(!o.status.success());

    let o = helpdesk(
        dir.path(),
        &["--database", &db, "apikey", "create", "--name", "zapier"],
    );
    assert!(o.status.success(), "{o:?}");
    assert!(stdout(&o).starts_with("hdk_"));

    let o = helpdesk(dir.path(), &["--database", &db, "demo", "--tickets", "300"]);
    assert!(o.status.success(), "{o:?}");
    let pool = helpdesk::db::connect(&db).await.unwrap().db;
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool);
    assert_eq!(count("SELECT COUNT(*) FROM tickets").await.unwrap(), 300);
    assert_eq!(
        count("SELECT COUNT(DISTINCT status) FROM tickets")
            .await
            .unwrap(),
        6,
        "every status"
    );
    assert!(
        count("SELECT MIN(n) FROM (SELECT COUNT(*) n FROM messages GROUP BY ticket_id)")
            .await
            .unwrap()
            >= 2
    );
    assert!(count("SELECT COUNT(*) FROM attachments").await.unwrap() >= 1);
    assert_eq!(
        count("SELECT MIN(number) FROM tickets").await.unwrap(),
        1001
    );
    // Tickets opened afterwards continue the numbering.
    assert_eq!(
        count("SELECT value FROM counters WHERE name = 'ticket_number'")
            .await
            .unwrap(),
        1300
    );
    let o = helpdesk(
        dir.path(),
        &[
            "--database",
            &db,
            "user",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "boss",
        ],
    );
    assert!(!o.status.success(), "bad role");
    let o = helpdesk(dir.path(), &["--bogus"]);
    assert!(!o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim().lines().count(),
        1,
        "one clear line"
    );
}

/// `helpdesk backup --to FILE` copies a database in use (its writer open) into a whole,
/// openable file, never overwrites one, and never creates or migrates the source.
#[tokio::test]
async fn backup_copies_a_database_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("live.db").display());
    let o = helpdesk(dir.path(), &["--database", &db, "demo", "--tickets", "40"]);
    assert!(o.status.success(), "{o:?}");
    // Held open as a server would hold it.
    let live = helpdesk::db::connect(&db).await.unwrap();

    let copy = dir.path().join("copy.db");
    let o = helpdesk(
        dir.path(),
        &["--database", &db, "backup", "--to", copy.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("copied the database to"));
    assert!(!dir.path().join("copy.db.partial").exists());
    let copied = helpdesk::db::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let count = |pool: sqlx::SqlitePool| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tickets")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(count(copied.db.clone()).await, 40);
    assert_eq!(count(live.db.clone()).await, 40);

    let o = helpdesk(
        dir.path(),
        &["--database", &db, "backup", "--to", copy.to_str().unwrap()],
    );
    assert!(!o.status.success(), "an existing file is not overwritten");
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));

    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    let o = helpdesk(
        dir.path(),
        &["--database", &missing, "backup", "--to", "other.db"],
    );
    assert!(!o.status.success());
    assert!(!dir.path().join("missing.db").exists(), "nothing created");
}

/// The demo writes nothing in the future, and its threads fit their titles.
#[tokio::test]
async fn demo_data_is_never_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let o = helpdesk(dir.path(), &["--database", &db, "demo", "--tickets", "400"]);
    assert!(o.status.success(), "{o:?}");
    let pool = helpdesk::db::connect(&db).await.unwrap().db;
    let now = helpdesk::clock::now_ms();
    for sql in [
        "SELECT COUNT(*) FROM messages WHERE created_at > ?",
        "SELECT COUNT(*) FROM tickets WHERE updated_at > ? OR created_at > ?",
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(now)
            .bind(now)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "{sql}");
    }
    // Each title has its own story: its description, staff replies and category belong to it.
    for (title, description, reply, category) in [
        (
            "Charged twice this month",
            "%charged twice%",
            "%refund%",
            "billing",
        ),
        (
            "Mobile app crashes on start",
            "%Android 14%",
            "%version%",
            "technical",
        ),
        (
            "Invoice shows the wrong amount",
            "%invoice%",
            "%invoice%",
            "billing",
        ),
    ] {
        let stray: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets t JOIN categories c ON c.id = t.category_id
             WHERE t.title = ?1 AND (c.slug <> ?4
                OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id
                               AND m.id = (SELECT MIN(id) FROM messages WHERE ticket_id = t.id)
                               AND m.body LIKE ?2)
                OR EXISTS (SELECT 1 FROM messages m JOIN users u ON u.id = m.author_id
                           WHERE m.ticket_id = t.id AND u.role <> 'customer'
                             AND m.internal = 0 AND m.body NOT LIKE ?3))",
        )
        .bind(title)
        .bind(description)
        .bind(reply)
        .bind(category)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            stray, 0,
            "tickets titled {title:?} with another story's thread"
        );
    }
}

/// `helpdesk demo --language es`: tickets, threads, the seeded categories and the demo
/// accounts in Spanish.
#[tokio::test]
async fn the_demo_speaks_spanish_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let o = helpdesk(
        dir.path(),
        &[
            "--database",
            &db,
            "demo",
            "--tickets",
            "300",
            "--language",
            "es",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let pool = helpdesk::db::connect(&db).await.unwrap().db;
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM tickets WHERE title IN ('Charged twice this month', 'Invoice shows the wrong amount', 'Mobile app crashes on start')").await,
        0,
        "no English titles"
    );
    assert!(
        count("SELECT COUNT(*) FROM tickets WHERE title = 'Nos han cobrado dos veces este mes'")
            .await
            > 0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM messages WHERE body LIKE '%Thank%' OR body LIKE '%Hello%' OR body LIKE '%Could you%'").await,
        0,
        "no English in the threads"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM categories WHERE slug = 'billing' AND name = 'Facturación'")
            .await,
        1
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM users WHERE email LIKE '%@example.com' AND language IS NOT 'es'"
        )
        .await,
        0,
        "the demo accounts read Spanish"
    );
}

/// Expired sessions are forgotten while the server runs, not only when it starts.
#[tokio::test]
async fn the_server_sweeps_expired_sessions_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("sweep.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args([
            "--database",
            &db,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("HELPDESK_SWEEP_SECONDS", "1")
        .env("HELPDESK_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not start");
    // After the start-up sweep: one session expired, one live.
    let pool = sqlx::SqlitePool::connect_with(helpdesk::db::options(&db).unwrap())
        .await
        .unwrap();
    let now = helpdesk::clock::now_ms();
    sqlx::query(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ('u', 'u@example.test', 'U', 'customer', 'x', 0, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         SELECT 'expired', id, 0, ?1 - 1 FROM users UNION ALL
         SELECT 'live', id, 0, ?1 + 3600000 FROM users",
    )
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    let mut left: Vec<String> = Vec::new();
    for _ in 0..100 {
        left = sqlx::query_scalar("SELECT token_hash FROM sessions ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
        if left == ["live"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(
        left,
        ["live"],
        "the expired session was swept, the live one kept"
    );
}
