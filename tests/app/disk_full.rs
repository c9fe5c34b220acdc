//! A real full filesystem: the server process runs with its database on a small tmpfs
//! that a filler file fills up. Needs root (to mount); CI runs as root and sets
//! `HELPDESK_REQUIRE_TMPFS=1`, which makes a machine where it cannot run a failure.
//!
//! What must hold: while the disk is full every write is either acknowledged and kept, or
//! answered 503 and not stored (no 500s, no acknowledged write lost); reads keep working;
//! the command line says so in one line and exits 75; once the filler is gone, writes work
//! again without a restart.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn helpdesk(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env("HELPDESK_PASSWORD", "disk full password")
        .stdin(Stdio::null())
        .output()
        .expect("run helpdesk")
}

/// Writes a file until the filesystem refuses another byte.
fn fill_up(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![7u8; 64 * 1024];
    loop {
        if f.write_all(&block).is_err() {
            break;
        }
    }
    let small = [7u8; 512];
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
}

#[tokio::test]
async fn a_real_full_filesystem_loses_no_acknowledged_write_and_heals_without_a_restart() {
    helpdesk::github::install_tls_provider();
    let required = std::env::var("HELPDESK_REQUIRE_TMPFS").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let Some(mount) = Tmpfs::mount(dir.path(), "6m") else {
        assert!(
            !required,
            "HELPDESK_REQUIRE_TMPFS=1 but a tmpfs could not be mounted (not root?)"
        );
        eprintln!(
            "WARNING: the real-disk-full test was SKIPPED: mounting a tmpfs needs root. CI runs it."
        );
        return;
    };
    let db = format!("sqlite://{}", mount.0.join("hd.db").display());
    let o = helpdesk(
        &db,
        &[
            "user",
            "create",
            "--email",
            "ann@example.com",
            "--name",
            "Ann",
            "--role",
            "agent",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let o = helpdesk(&db, &["token", "create", "--email", "ann@example.com"]);
    assert!(o.status.success(), "{o:?}");
    let token = String::from_utf8(o.stdout).unwrap().trim().to_owned();

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let bind = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_helpdesk"))
            .args(["--database", &db, "serve", "--bind", &bind])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://{bind}");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let description = "The printer on floor three jams on every job. ".repeat(900);
    let create = |title: String| {
        http.post(format!("{base}/v2/support-tickets"))
            .bearer_auth(&token)
            .json(&json!({"title": title, "description": description, "priority": "high", "category": "technical"}))
            .send()
    };
    let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let upload = || {
        http.post(format!("{base}/attachments"))
            .bearer_auth(&token)
            .multipart(Form::new().part("file", Part::bytes(file.clone()).file_name("a.log")))
            .send()
    };
    let r = create("before".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let filler = dir.path().join("filler");
    fill_up(&filler);
    let (mut tickets, mut uploads, mut refused) = (vec!["before".to_owned()], Vec::new(), 0);
    for i in 0..15 {
        let title = format!("while full {i}");
        let r = create(title.clone()).await.unwrap();
        match r.status() {
            StatusCode::OK => tickets.push(title),
            StatusCode::SERVICE_UNAVAILABLE => refused += 1,
            other => panic!("a create while full answered {other}"),
        }
        let r = upload().await.unwrap();
        match r.status() {
            StatusCode::CREATED => {
                let body: Value = r.json().await.unwrap();
                uploads.push(body["data"]["_id"].as_str().unwrap().to_owned());
            }
            StatusCode::SERVICE_UNAVAILABLE => refused += 1,
            other => panic!("an upload while full answered {other}"),
        }
    }
    assert!(
        refused >= 20,
        "the full disk refused only {refused} of 30 writes"
    );
    let r = http
        .get(format!("{base}/v2/support-tickets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "reads keep working");

    let o = helpdesk(
        &db,
        &[
            "token",
            "create",
            "--email",
            "ann@example.com",
            "--name",
            &"x".repeat(3000),
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Either refused (75, one line, nothing stored) or, if SQLite still found room in
    // space it had, printed and stored: checked below with everything else.
    let cli_stored = o.status.success();
    if !cli_stored {
        assert_eq!(o.status.code(), Some(75), "{stderr}");
        assert!(stderr.contains("cannot be written now"), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    } else {
        assert!(String::from_utf8_lossy(&o.stdout).starts_with("hdt_"));
    }

    // Room again: writes work without a restart.
    std::fs::remove_file(&filler).unwrap();
    let r = create("after".into()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tickets.push("after".into());
    let r = upload().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    uploads.push(body["data"]["_id"].as_str().unwrap().to_owned());

    // Everything acknowledged is there, and nothing else.
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    let cli_tokens: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE length(name) = 3000")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        cli_tokens,
        i64::from(cli_stored),
        "the command line's answer is the truth"
    );
    let titles: Vec<String> = sqlx::query_scalar("SELECT title FROM tickets ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(titles, tickets);
    let stored: Vec<String> = sqlx::query_scalar("SELECT public_id FROM attachments ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored, uploads);
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    pool.close().await;
}
