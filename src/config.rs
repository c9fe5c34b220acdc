//! Command-line flags and their `HELPDESK_*` environment twins.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The `helpdesk` command line (a stable interface: scripts and operators depend on it).
#[derive(Debug, Parser)]
#[command(
    name = "helpdesk",
    version,
    about = "A fast, self-hosted help desk portal"
)]
pub struct Cli {
    /// Database URL; a missing SQLite file is created.
    #[arg(
        long,
        global = true,
        env = "HELPDESK_DATABASE",
        default_value = "sqlite://helpdesk.db"
    )]
    pub database: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

// Parsed once per process: the size of the serve variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default command).
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Write a consistent copy of the database while the server runs.
    Backup(BackupArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage integration keys (the epixel dialect's `apikey`).
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// Fill the database with realistic sample data.
    Demo(DemoArgs),
    /// Mail in.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Move a whole instance from its SQLite file into a new PostgreSQL database.
    Copy(CopyArgs),
}

impl Command {
    /// The command's name on the command line (`user create` is `user`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Serve(_) => "serve",
            Command::Migrate => "migrate",
            Command::Backup(_) => "backup",
            Command::User(_) => "user",
            Command::Token(_) => "token",
            Command::Apikey(_) => "apikey",
            Command::Demo(_) => "demo",
            Command::Mail(_) => "mail",
            Command::Copy(_) => "copy",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Handle one RFC 5322 message on stdin (an MTA's pipe): exit 0 when handled (a ticket,
    /// a reply, or knowingly ignored), 75 to be retried later, 67 or 65 when refused for
    /// good (one line on stderr).
    Receive(MailArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HELPDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Public URL of the site (links in output; `https` makes cookies Secure).
    #[arg(long, env = "HELPDESK_BASE_URL")]
    pub base_url: Option<String>,
    /// A reverse proxy (address or CIDR) whose `X-Forwarded-For` names the client;
    /// repeatable. Without one, the peer's address is the client's.
    #[arg(
        long = "trusted-proxy",
        env = "HELPDESK_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_proxy
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    #[command(flatten)]
    pub mail: MailArgs,
    /// A mailbox to fetch support mail from (`imap://user:pass@host:port/INBOX`,
    /// `imaps://...`): each unseen message is handled like `mail receive`, then flagged seen.
    #[arg(long, env = "HELPDESK_IMAP_URL", hide_env_values = true)]
    pub imap_url: Option<String>,
    /// Seconds before a failed mail is tried again the first time (each next wait is
    /// twice as long, at most six hours).
    #[arg(long, env = "HELPDESK_MAIL_RETRY_SECONDS", default_value_t = 60)]
    pub mail_retry_seconds: u64,
    /// Seconds between two looks at the mailbox.
    #[arg(long, env = "HELPDESK_IMAP_INTERVAL", default_value_t = 60)]
    pub imap_interval: u64,
    /// Seconds between two sweeps of expired sessions and forgotten devices (the first at
    /// start). Every instance sweeps; a sweep is one indexed DELETE.
    #[arg(long, env = "HELPDESK_SWEEP_SECONDS", default_value_t = 3600)]
    pub sweep_seconds: u64,
    #[command(flatten)]
    pub settings: Settings,
}

/// How mail is sent (shared by `serve` and `mail receive`).
#[derive(Debug, Clone, Default, Args)]
pub struct MailArgs {
    /// SMTP server for notifications: `smtp://host:port` (plain, a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    /// Unset: no mail is sent or queued.
    #[arg(long, env = "HELPDESK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender and reply address of every mail, e.g. `Acme Support <support@acme.test>`.
    #[arg(long, env = "HELPDESK_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// A certificate authority (PEM file) to trust for the SMTP and IMAP servers' TLS
    /// certificates besides the public ones (an internal CA).
    #[arg(long, env = "HELPDESK_MAIL_CA_FILE")]
    pub mail_ca_file: Option<std::path::PathBuf>,
}

impl MailArgs {
    /// The domain of our Message-IDs: the sender address's.
    pub fn domain(&self) -> Option<String> {
        let from = self.mail_from.as_deref()?;
        let address = from.rsplit('<').next()?.trim_end_matches('>').trim();
        address.rsplit_once('@').map(|(_, d)| d.to_lowercase())
    }
}

/// `10.0.0.0/8`, `fd00::/8`, or one address (`127.0.0.1`).
fn parse_proxy(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or a CIDR block like 10.0.0.0/8"))
}

/// Settings that the admin settings page may override at run time.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Open tickets a customer may have at once.
    #[arg(long, env = "HELPDESK_OPEN_TICKET_LIMIT", default_value_t = 25)]
    pub open_ticket_limit: i64,
    /// GitHub token used to escalate tickets to issues.
    #[arg(long, env = "HELPDESK_GITHUB_TOKEN", hide_env_values = true)]
    pub github_token: Option<String>,
    /// GitHub repository (`owner/name`) that receives escalated tickets.
    #[arg(long, env = "HELPDESK_GITHUB_REPO")]
    pub github_repo: Option<String>,
    /// Base URL of the GitHub REST API.
    #[arg(
        long,
        env = "HELPDESK_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            open_ticket_limit: 25,
            github_token: None,
            github_repo: None,
            github_api_url: "https://api.github.com".into(),
        }
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            trusted_proxies: Vec::new(),
            mail: MailArgs::default(),
            imap_url: None,
            mail_retry_seconds: 60,
            imap_interval: 60,
            sweep_seconds: 3600,
            settings: Settings::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Customer,
    Agent,
    Admin,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password comes from HELPDESK_PASSWORD or stdin.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (alone, once).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create an integration key and print it (alone, once).
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long)]
    pub to: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The SQLite database to copy (default: --database). A server may go on running on
    /// it; what it writes after the copy started is not copied.
    #[arg(long)]
    pub from: Option<String>,
    /// The PostgreSQL database to fill (`postgres://user:password@host:port/name`); it
    /// must hold no account and no ticket yet.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many tickets to create.
    #[arg(long, default_value_t = 1000)]
    pub tickets: u64,
    /// The language of the demo's tickets, threads and seeded categories, and of its
    /// accounts: `en` or `es`.
    #[arg(long, default_value = "en", value_parser = ["en", "es"])]
    pub language: String,
}
