//! Mail in over IMAP, against a real Dovecot started for the test (Debian's
//! `dovecot-imapd`, a standalone config in a temp dir, a high port). Without Dovecot (or
//! root, which it needs to drop to `nobody`) the test warns loudly and skips, unless
//! `HELPDESK_REQUIRE_IMAP=1` (set by `.ci/run`) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use helpdesk::config::Settings;
use helpdesk::mail::imap::{ImapConfig, fetch_once};
use helpdesk::tickets::{Core, Role};

use crate::TestApp;

struct Dovecot {
    dir: tempfile::TempDir,
    port: u16,
    /// IMAP over TLS, with a certificate of [`crate::smtp::TestCa`].
    tls_port: u16,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("run/master.pid")) {
            let _ = Command::new("kill").args(["-TERM", pid.trim()]).status();
        }
    }
}

fn find(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

async fn start_dovecot(ca: &crate::smtp::TestCa) -> Option<Dovecot> {
    let required = std::env::var("HELPDESK_REQUIRE_IMAP").is_ok_and(|v| v == "1");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let Some(dovecot) = find("dovecot").filter(|_| root) else {
        assert!(
            !required,
            "HELPDESK_REQUIRE_IMAP=1 but dovecot is not installed (or not running as root)"
        );
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !! SKIPPING IMAP TEST: dovecot is not installed or this is not root.\n\
             !! apt-get install dovecot-imapd, or run .ci/run.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return None;
    };
    let dir = tempfile::Builder::new()
        .prefix("dv")
        .tempdir_in("/tmp")
        .unwrap();
    let d = dir.path();
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (port, tls_port) = (free(), free());
    std::fs::write(d.join("cert.pem"), &ca.cert_pem).unwrap();
    std::fs::write(d.join("key.pem"), &ca.key_pem).unwrap();
    let conf = format!(
        "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
         protocols = imap\nlisten = 127.0.0.1\nssl = yes\nssl_cert = <{d}/cert.pem\n\
         ssl_key = <{d}/key.pem\ndisable_plaintext_auth = no\n\
         auth_mechanisms = plain login\nmail_location = maildir:~/Maildir\n\
         passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
         userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={d}/mail/%u\n}}\n\
         service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n\
           inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n    ssl = yes\n  }}\n}}\n",
        d = d.display()
    );
    std::fs::write(d.join("dovecot.conf"), conf).unwrap();
    std::fs::write(
        d.join("users"),
        "support@example.test:{PLAIN}secret::::::\n",
    )
    .unwrap();
    for sub in ["run", "state", "mail"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let ok = Command::new("chown")
        .args(["nobody:nogroup", &d.join("mail").display().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "chown the mail directory");
    Command::new("chmod")
        .args(["755", &d.display().to_string()])
        .status()
        .unwrap();
    let status = Command::new(dovecot)
        .args(["-c", &d.join("dovecot.conf").display().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "dovecot started");
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "dovecot did not listen: {}",
            std::fs::read_to_string(d.join("dovecot.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(Dovecot {
        dir,
        port,
        tls_port,
    })
}

/// Puts a message into the mailbox, as an MTA would.
async fn deliver(port: u16, message: &str) {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut imap = client
        .login("support@example.test", "secret")
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    imap.append("INBOX", None, None, message.replace('\n', "\r\n"))
        .await
        .unwrap();
    let _ = imap.logout().await;
}

async fn unseen(port: u16) -> usize {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut imap = client
        .login("support@example.test", "secret")
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    imap.select("INBOX").await.unwrap();
    let n = imap.uid_search("UNSEEN").await.unwrap().len();
    let all = imap.uid_fetch("1:*", "FLAGS").await.unwrap().count().await;
    let _ = imap.logout().await;
    assert!(all >= n);
    n
}

#[tokio::test]
async fn mail_is_fetched_from_an_imap_mailbox_once() {
    let ca = crate::smtp::TestCa::new();
    let Some(dovecot) = start_dovecot(&ca).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let core = app.core.clone();
    // A second instance on the same database (on PostgreSQL, the instances take turns at
    // the mailbox).
    let other = Core::new(app.core.backend.clone(), Settings::default());
    app.accounts()
        .insert_with_hash("carla@example.com", "Carla", Role::Customer, "x")
        .await
        .unwrap();
    for (i, subject) in ["Printer jams", "Screen flickers"].iter().enumerate() {
        deliver(
            dovecot.port,
            &format!(
                "From: Carla <carla@example.com>\nTo: support@example.test\nSubject: {subject}\n\
                 Message-ID: <imap-{i}@example.com>\nMIME-Version: 1.0\n\
                 Content-Type: text/plain; charset=utf-8\n\nPlease help ({i}).\n"
            ),
        )
        .await;
    }
    assert_eq!(unseen(dovecot.port).await, 2);
    let config = ImapConfig::parse(
        &format!(
            "imap://support%40example.test:secret@127.0.0.1:{}/INBOX",
            dovecot.port
        ),
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(config.user, "support@example.test");
    let (one, two) = tokio::join!(
        fetch_once(&core, &config, "acme.test"),
        fetch_once(&other, &config, "acme.test")
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    if crate::on_postgres() {
        assert_eq!(one + two, 2, "each message read by one instance");
    }
    let titles: Vec<String> = app
        .sql("SELECT title FROM tickets ORDER BY id")
        .scalars()
        .await;
    assert_eq!(titles, ["Printer jams", "Screen flickers"]);
    assert_eq!(unseen(dovecot.port).await, 0, "flagged seen");
    // The next round finds nothing new; the same message delivered again is not handled
    // twice.
    assert_eq!(fetch_once(&core, &config, "acme.test").await.unwrap(), 0);
    deliver(
        dovecot.port,
        "From: carla@example.com\nTo: support@example.test\nSubject: Printer jams\n\
         Message-ID: <imap-0@example.com>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\nPlease help (0).\n",
    )
    .await;
    assert_eq!(fetch_once(&core, &config, "acme.test").await.unwrap(), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 2);
    // Over TLS (imaps), the server's certificate checked against the CA given.
    deliver(
        dovecot.port,
        "From: carla@example.com\nTo: support@example.test\nSubject: Over TLS\n\
         Message-ID: <imap-tls@example.com>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\nSecure.\n",
    )
    .await;
    let mut tls = ImapConfig::parse(
        &format!(
            "imaps://support%40example.test:secret@localhost:{}/INBOX",
            dovecot.tls_port
        ),
        Duration::from_secs(60),
    )
    .unwrap();
    assert!(
        fetch_once(&core, &tls, "acme.test").await.is_err(),
        "a certificate nobody vouches for is refused"
    );
    tls.ca_pem = Some(ca.ca_pem.clone().into_bytes());
    assert_eq!(fetch_once(&core, &tls, "acme.test").await.unwrap(), 1);
    // A wrong password is an error that says so, not a panic.
    let wrong = ImapConfig::parse(
        &format!(
            "imap://support%40example.test:nope@127.0.0.1:{}/",
            dovecot.port
        ),
        Duration::from_secs(60),
    )
    .unwrap();
    let e = fetch_once(&core, &wrong, "acme.test").await.unwrap_err();
    assert!(format!("{e:#}").contains("login refused"), "{e:#}");
}
