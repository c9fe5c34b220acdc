//! A small real SMTP server on loopback for the mail tests: it speaks enough of RFC 5321
//! for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it
//! accepts, so tests read exactly what went over the wire.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// A private certificate authority and a certificate for `localhost` signed by it.
pub struct TestCa {
    /// The CA's certificate, PEM: what a client is told to trust.
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    pub acceptor: TlsAcceptor,
}

impl TestCa {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        helpdesk::github::install_tls_provider();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let chain = vec![cert.der().clone()];
        let private = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .unwrap();
        TestCa {
            ca_pem: ca.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }
}

/// How a test server speaks TLS.
#[derive(Clone)]
pub enum Tls {
    None,
    /// `STARTTLS` after EHLO (`smtp://...?tls=required`).
    Upgrade(TlsAcceptor),
    /// TLS from the first byte (`smtps://`).
    Implicit(TlsAcceptor),
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    tls: Tls,
    pub inbox: Arc<Mutex<Vec<Received>>>,
    task: Option<JoinHandle<()>>,
    sessions: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::start_with(Tls::None).await
    }

    pub async fn start_with(tls: Tls) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let addr = listener.local_addr().unwrap();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let task = Some(tokio::spawn(serve(
            listener,
            inbox.clone(),
            sessions.clone(),
            tls.clone(),
        )));
        Self {
            addr,
            tls,
            inbox,
            task,
            sessions,
        }
    }

    /// Goes down: the port is closed and open connections are cut (a client's pooled
    /// connection included).
    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        for session in self.sessions.lock().unwrap().drain(..) {
            session.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        let listener = TcpListener::bind(self.addr).await.expect("rebind smtp");
        self.task = Some(tokio::spawn(serve(
            listener,
            self.inbox.clone(),
            self.sessions.clone(),
            self.tls.clone(),
        )));
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until `n` messages have arrived and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited for {n} mails, got {}: {:?}",
                got.len(),
                got.iter().map(|m| m.to.clone()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn serve(
    listener: TcpListener,
    inbox: Arc<Mutex<Vec<Received>>>,
    sessions: Arc<Mutex<Vec<JoinHandle<()>>>>,
    tls: Tls,
) {
    while let Ok((socket, _)) = listener.accept().await {
        let (inbox, tls) = (inbox.clone(), tls.clone());
        let task = tokio::spawn(async move {
            let _ = match tls {
                Tls::Implicit(acceptor) => match acceptor.accept(socket).await {
                    Ok(stream) => session(Box::new(stream), inbox, None).await,
                    Err(_) => Ok(()),
                },
                Tls::Upgrade(acceptor) => session(Box::new(socket), inbox, Some(acceptor)).await,
                Tls::None => session(Box::new(socket), inbox, None).await,
            };
        });
        sessions.lock().unwrap().push(task);
    }
}

fn session(
    stream: Box<dyn Io>,
    inbox: Arc<Mutex<Vec<Received>>>,
    starttls: Option<TlsAcceptor>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<()>> + Send>> {
    Box::pin(async move {
        let mut lines = BufReader::new(stream);
        lines
            .get_mut()
            .write_all(b"220 localhost test SMTP\r\n")
            .await?;
        dialogue(lines, inbox, starttls).await
    })
}

async fn dialogue(
    mut lines: BufReader<Box<dyn Io>>,
    inbox: Arc<Mutex<Vec<Received>>>,
    starttls: Option<TlsAcceptor>,
) -> std::io::Result<()> {
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            let tls = if starttls.is_some() {
                "250-STARTTLS\r\n"
            } else {
                ""
            };
            let reply = format!("250-localhost\r\n{tls}250-8BITMIME\r\n250 SMTPUTF8\r\n");
            lines.get_mut().write_all(reply.as_bytes()).await?;
        } else if upper == "STARTTLS" && starttls.is_some() {
            lines.get_mut().write_all(b"220 go ahead\r\n").await?;
            let acceptor = starttls.expect("checked above");
            let plain = lines.into_inner();
            let secured = acceptor.accept(plain).await?;
            // A new session over TLS: the client says EHLO again.
            let lines = BufReader::new(Box::new(secured) as Box<dyn Io>);
            return Box::pin(dialogue(lines, inbox, None)).await;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_owned();
            to.clear();
            lines.get_mut().write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().trim_matches(['<', '>']).to_owned());
            lines.get_mut().write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            lines.get_mut().write_all(b"354 go on\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if lines.read_until(b'\n', &mut l).await? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" || l == b".\n" {
                    break;
                }
                // Dot-stuffing.
                if l.starts_with(b"..") {
                    l.remove(0);
                }
                data.extend_from_slice(&l);
            }
            inbox.lock().unwrap().push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            lines.get_mut().write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            lines.get_mut().write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            lines.get_mut().write_all(b"250 OK\r\n").await?;
        } else {
            lines
                .get_mut()
                .write_all(b"502 not implemented\r\n")
                .await?;
        }
    }
}
