//! Mail in from a mailbox (`--imap-url`): every `HELPDESK_IMAP_INTERVAL` seconds the
//! unseen messages are fetched and handled exactly as `helpdesk mail receive` handles one,
//! then flagged `\Seen`. A message whose handling must be retried (the database cannot be
//! written now) stays unseen for the next round; one handled twice (a crash between
//! handling and flagging) is recognised by its Message-ID and not handled again.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::receive::{Outcome, receive};
use crate::tickets::{Backend, Core};
use helpdesk_store_pg::mail_in::MailboxTurn;

/// Where to fetch mail: `imap://user:pass@host:port/INBOX` or `imaps://...` (TLS).
#[derive(Debug, Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub mailbox: String,
    pub interval: Duration,
    /// Another certificate authority to trust (PEM), for a server with an internal CA.
    pub ca_pem: Option<Vec<u8>>,
}

impl ImapConfig {
    pub fn parse(url: &str, interval: Duration) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("--imap-url: {e}"))?;
        let tls = match parsed.scheme() {
            "imap" => false,
            "imaps" => true,
            other => anyhow::bail!("--imap-url: unknown scheme {other:?} (imap or imaps)"),
        };
        let host = parsed.host_str().context("--imap-url: no host")?.to_owned();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let mailbox = decode(parsed.path().trim_start_matches('/'));
        Ok(Self {
            port: parsed.port().unwrap_or(if tls { 993 } else { 143 }),
            host,
            tls,
            user: decode(parsed.username()),
            password: decode(parsed.password().unwrap_or_default()),
            mailbox: if mailbox.is_empty() {
                "INBOX".into()
            } else {
                mailbox
            },
            interval,
            ca_pem: None,
        })
    }
}

/// Fetches in the background, forever.
pub fn spawn_fetcher(core: Core, config: ImapConfig, domain: String) {
    let config = Arc::new(config);
    tokio::spawn(async move {
        loop {
            match fetch_once(&core, &config, &domain).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(messages = n, "handled mail from the mailbox"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot fetch mail"),
            }
            tokio::time::sleep(config.interval).await;
        }
    });
}

/// One round: connects, handles every unseen message, returns how many were handled. On
/// PostgreSQL one instance at a time reads a mailbox (the others' rounds find it taken
/// and handle nothing); on SQLite one process serves the database.
pub async fn fetch_once(core: &Core, config: &ImapConfig, domain: &str) -> anyhow::Result<usize> {
    let Backend::Postgres(pool) = &core.backend else {
        return read_mailbox(core, config, domain).await;
    };
    let mailbox = format!(
        "{}:{}/{}/{}",
        config.host, config.port, config.user, config.mailbox
    );
    let Some(turn) = MailboxTurn::take(pool, &mailbox).await? else {
        return Ok(0);
    };
    let round = read_mailbox(core, config, domain).await;
    turn.end().await;
    round
}

async fn read_mailbox(core: &Core, config: &ImapConfig, domain: &str) -> anyhow::Result<usize> {
    let tcp = TcpStream::connect((config.host.as_str(), config.port))
        .await
        .with_context(|| format!("cannot connect to {}:{}", config.host, config.port))?;
    if config.tls {
        crate::github::install_tls_provider();
        let mut roots = tokio_rustls::rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(pem) = &config.ca_pem {
            use tokio_rustls::rustls::pki_types::CertificateDer;
            use tokio_rustls::rustls::pki_types::pem::PemObject;
            for cert in CertificateDer::pem_slice_iter(pem) {
                roots
                    .add(cert.context("--mail-ca-file: not a PEM certificate")?)
                    .context("--mail-ca-file: not a usable certificate")?;
            }
        }
        let tls = tokio_rustls::rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(config.host.clone())
            .context("--imap-url: not a valid TLS server name")?;
        let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
            .connect(name, tcp)
            .await
            .context("TLS handshake")?;
        session(stream, core, config, domain).await
    } else {
        session(tcp, core, config, domain).await
    }
}

async fn session<S>(
    stream: S,
    core: &Core,
    config: &ImapConfig,
    domain: &str,
) -> anyhow::Result<usize>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .context("no greeting")?
        .context("the server closed the connection")?;
    let mut imap = client
        .login(&config.user, &config.password)
        .await
        .map_err(|(e, _)| anyhow::anyhow!("login refused: {e}"))?;
    imap.select(&config.mailbox)
        .await
        .with_context(|| format!("cannot open mailbox {:?}", config.mailbox))?;
    let mut uids: Vec<u32> = imap.uid_search("UNSEEN").await?.into_iter().collect();
    uids.sort_unstable();
    let mut handled = 0;
    for uid in uids {
        let raw = {
            let mut fetches = imap.uid_fetch(uid.to_string(), "BODY.PEEK[]").await?;
            let mut raw = None;
            while let Some(fetch) = fetches.next().await {
                let fetch = fetch?;
                if let Some(body) = fetch.body() {
                    raw = Some(body.to_vec());
                }
            }
            raw
        };
        let Some(raw) = raw else { continue };
        match receive(core, &raw, domain).await {
            Ok(outcome) => {
                match &outcome {
                    Outcome::Handled(h) => tracing::info!(uid, ?h, "mail handled"),
                    Outcome::Ignored(why) => tracing::info!(uid, why, "mail ignored"),
                    Outcome::Refused(why) => tracing::warn!(uid, why, "mail refused"),
                }
                let mut stored = imap.uid_store(uid.to_string(), "+FLAGS (\\Seen)").await?;
                while stored.next().await.is_some() {}
                handled += 1;
            }
            Err(e) => {
                // Left unseen: tried again next round.
                tracing::warn!(uid, error = %e, "cannot handle a mail now; will retry");
            }
        }
    }
    let _ = imap.logout().await;
    Ok(handled)
}
