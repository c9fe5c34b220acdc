//! Mail out: the worker that composes and sends the notices the ticket core queued in the
//! `outbox` (see [`crate::tickets::notify`]), with retries and backoff.
//!
//! Delivery is at least once: a notice is claimed (its next attempt moved a lease ahead),
//! sent, then recorded as sent. A crash between sending and recording sends it again
//! after the lease, with the same Message-ID, which receivers use to drop the duplicate.

mod compose;
pub mod imap;
pub mod outbox;
pub mod receive;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::Notify;

use crate::tickets::Backend;

pub use compose::{Composed, compose, compose_pg};

/// How the server sends mail (`--smtp-url`, `--mail-from`).
#[derive(Clone)]
pub struct MailConfig {
    /// The SMTP URL with any password removed, for the admin page.
    pub shown_url: String,
    pub from: Mailbox,
    /// The domain of Message-IDs (the sender address's).
    pub domain: String,
    /// Absolute URL of the site, for links (never a request's Host header).
    pub base_url: String,
    /// The first retry waits this long, each next one twice as long (up to six hours).
    pub retry_base: Duration,
    /// How often the worker looks for due mail.
    pub poll: Duration,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

/// A mail attempt gives up after this many failures.
pub const MAX_ATTEMPTS: i64 = 10;

impl MailConfig {
    /// Reads `--smtp-url` and `--mail-from`.
    pub fn new(smtp_url: &str, from: &str, base_url: &str) -> anyhow::Result<Self> {
        Self::with_ca(smtp_url, from, base_url, None)
    }

    /// [`MailConfig::new`], also trusting the certificate authority `ca_pem` (PEM) for the
    /// SMTP server's TLS certificate (`--mail-ca-file`: an internal CA).
    pub fn with_ca(
        smtp_url: &str,
        from: &str,
        base_url: &str,
        ca_pem: Option<&[u8]>,
    ) -> anyhow::Result<Self> {
        let from = Mailbox::from_str(from.trim()).map_err(|e| {
            anyhow::anyhow!(
                "--mail-from {from:?} is not an address like \"Support <support@example.com>\": {e}"
            )
        })?;
        let domain = from.email.domain().to_owned();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("--smtp-url is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(30)));
        if let Some(pem) = ca_pem {
            use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
            let url = url::Url::parse(smtp_url)?;
            let host = url.host_str().unwrap_or_default().to_owned();
            let params = || -> anyhow::Result<TlsParameters> {
                Ok(TlsParameters::builder(host.clone())
                    .add_root_certificate(
                        Certificate::from_pem(pem)
                            .map_err(|e| anyhow::anyhow!("--mail-ca-file: {e}"))?,
                    )
                    .build_rustls()?)
            };
            let mode = url
                .query_pairs()
                .find(|(k, _)| k == "tls")
                .map(|(_, v)| v.into_owned());
            builder = match (url.scheme(), mode.as_deref()) {
                ("smtps", _) => builder.tls(Tls::Wrapper(params()?)),
                (_, Some("required")) => builder.tls(Tls::Required(params()?)),
                (_, Some("opportunistic")) => builder.tls(Tls::Opportunistic(params()?)),
                _ => builder,
            };
        }
        let transport: AsyncSmtpTransport<Tokio1Executor> = builder.build();
        Ok(Self {
            shown_url: hide_password(smtp_url),
            from,
            domain,
            base_url: base_url.trim_end_matches('/').to_owned(),
            retry_base: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            transport,
        })
    }
}

/// `smtp://user:secret@host` shown as `smtp://user:***@host`.
fn hide_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(invalid URL)".into(),
    }
}

/// Starts the worker; `wake` makes it look at the outbox at once. On PostgreSQL every
/// instance runs one: each claims disjoint notices (row locks), so each is sent once.
pub fn spawn_worker(backend: Backend, config: Arc<MailConfig>, wake: Arc<Notify>) {
    tokio::spawn(async move {
        let outbox = Outbox(&backend);
        loop {
            match outbox.claim_due().await {
                Ok(claimed) if !claimed.is_empty() => {
                    for id in claimed {
                        deliver(outbox, &config, id).await;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read the outbox"),
            }
            tokio::select! {
                _ = tokio::time::sleep(config.poll) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// The outbox of either database, as the worker uses it.
#[derive(Clone, Copy)]
struct Outbox<'a>(&'a Backend);

impl Outbox<'_> {
    async fn claim_due(self) -> sqlx::Result<Vec<i64>> {
        match self.0 {
            Backend::Sqlite { db, writer } => outbox::claim_due(db, writer).await,
            Backend::Postgres(pool) => outbox::claim_due_pg(pool).await,
        }
    }
    async fn compose(self, config: &MailConfig, id: i64) -> anyhow::Result<Option<Composed>> {
        match self.0 {
            Backend::Sqlite { db, .. } => compose(db, config, id).await,
            Backend::Postgres(pool) => compose_pg(pool, config, id).await,
        }
    }
    async fn sent(self, id: i64) -> sqlx::Result<()> {
        match self.0 {
            Backend::Sqlite { writer, .. } => outbox::sent(writer, id).await,
            Backend::Postgres(pool) => outbox::sent_pg(pool, id).await,
        }
    }
    async fn give_up(self, id: i64, reason: &str) -> sqlx::Result<()> {
        match self.0 {
            Backend::Sqlite { writer, .. } => outbox::give_up(writer, id, reason).await,
            Backend::Postgres(pool) => outbox::give_up_pg(pool, id, reason).await,
        }
    }
    async fn failed(self, config: &MailConfig, id: i64, reason: &str) -> sqlx::Result<()> {
        match self.0 {
            Backend::Sqlite { writer, .. } => outbox::failed(writer, config, id, reason).await,
            Backend::Postgres(pool) => outbox::failed_pg(pool, config, id, reason).await,
        }
    }
}

/// Composes and sends one claimed notice and records the outcome.
async fn deliver(outbox: Outbox<'_>, config: &MailConfig, id: i64) {
    let outcome = match outbox.compose(config, id).await {
        Ok(Some(composed)) => config
            .transport
            .send(composed.message)
            .await
            .map(|_| ())
            .map_err(|e| format!("{e}")),
        // Nothing to send any more (the ticket or the recipient is gone): done.
        Ok(None) => Err(String::new()),
        Err(e) => Err(format!("cannot compose: {e}")),
    };
    let recorded = match outcome {
        Ok(()) => outbox.sent(id).await,
        Err(reason) if reason.is_empty() => outbox
            .give_up(
                id,
                "nothing to send any more (the ticket or the recipient is gone, or it was taken)",
            )
            .await,
        Err(reason) => {
            tracing::warn!(outbox = id, error = %reason, "mail not sent; will retry");
            outbox.failed(config, id, &reason).await
        }
    };
    if let Err(e) = recorded {
        // The lease runs out and the notice is tried again: at least once.
        tracing::warn!(outbox = id, error = %e, "cannot record a mail's outcome");
    }
}
