//! The `helpdesk` command line: serve (the default), migrate, user, token, apikey, demo.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use helpdesk::auth::accounts::Accounts;
use helpdesk::auth::{password, sessions, users};
use helpdesk::config::{
    ApikeyCommand, Cli, Command, MailArgs, MailCommand, RoleArg, ServeArgs, TokenCommand,
    UserCommand,
};
use helpdesk::i18n::Lang;
use helpdesk::tickets::{Backend, Core, Role};
use helpdesk::{AppState, Site, db, demo, server};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One clear line, not a page of usage.
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid command line");
            eprintln!("{first} (see `helpdesk --help`)");
            return ExitCode::from(2);
        }
    };
    // The server logs; a one-shot command says what it has to say in its own lines.
    let serving = matches!(cli.command, None | Some(Command::Serve(_)));
    let default_log = if serving { "info,sqlx=warn" } else { "off" };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HELPDESK_LOG").unwrap_or_else(|_| EnvFilter::new(default_log)),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if unavailable(&e) => {
            let cause = e.root_cause();
            eprintln!(
                "error: the database cannot be written now (disk full or failing); nothing was changed ({cause})"
            );
            // EX_TEMPFAIL: worth trying again once the disk has room.
            ExitCode::from(75)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        // `helpdesk` alone serves, with flags from the environment.
        None => match Cli::parse_from(["helpdesk", "serve"]).command {
            Some(serve) => serve,
            None => Command::Serve(ServeArgs::default()),
        },
    };
    match command {
        Command::Backup(_) if helpdesk_store_pg::is_postgres_url(&cli.database) => {
            anyhow::bail!(
                "`helpdesk backup` copies a SQLite database; back up PostgreSQL with pg_dump (or the database service's own backups)"
            )
        }
        Command::Backup(args) => {
            // Beside a running server, which may be of another version: never migrate here.
            let mut conn = db::open_existing(&cli.database).await?;
            db::backup::copy_to(&mut conn, &args.to).await?;
            eprintln!("copied the database to {}", args.to.display());
            Ok(())
        }
        Command::Copy(args) => {
            let from = args.from.as_deref().unwrap_or(&cli.database);
            if helpdesk_store_pg::is_postgres_url(from) {
                anyhow::bail!("--from must name a SQLite database (sqlite://FILE)");
            }
            if !helpdesk_store_pg::is_postgres_url(&args.to) {
                anyhow::bail!("--to must name a PostgreSQL database (postgres://...)");
            }
            eprintln!("copying {from} to {}", helpdesk_store_pg::shown(&args.to));
            let copied =
                db::copy::sqlite_to_postgres(from, &args.to, &mut std::io::stderr()).await?;
            let rows: u64 = copied.tables.iter().map(|(_, n)| n).sum();
            eprintln!(
                "copied {} rows in {} tables",
                helpdesk::words::grouped(rows as i64),
                copied.tables.len()
            );
            Ok(())
        }
        command => run_on_database(&cli.database, command).await,
    }
}

/// `helpdesk demo` on PostgreSQL: the demo is written into a temporary SQLite file (the
/// same data as on SQLite, at SQLite's bulk-load speed) and copied into the database,
/// which must be new and empty (`helpdesk copy`'s rule).
async fn demo_on_postgres(database: &str, tickets: u64, lang: Lang) -> anyhow::Result<()> {
    /// The temporary database's files, removed however the demo ends.
    struct Scratch(std::path::PathBuf);
    impl Drop for Scratch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = self.0.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
        }
    }
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "helpdesk-demo-{}-{}.db",
        std::process::id(),
        helpdesk::secure::public_id()
    )));
    let url = format!("sqlite://{}", scratch.0.display());
    drop(db::connect(&url).await?);
    demo::run(&url, tickets, lang).await?;
    eprintln!("demo: copying into {}", helpdesk_store_pg::shown(database));
    db::copy::sqlite_to_postgres(&url, database, &mut std::io::stderr())
        .await
        .context("`helpdesk demo` on PostgreSQL fills a new, empty database")?;
    Ok(())
}

fn role_of(role: RoleArg) -> Role {
    match role {
        RoleArg::Customer => Role::Customer,
        RoleArg::Agent => Role::Agent,
        RoleArg::Admin => Role::Admin,
    }
}

/// `user create`'s refusal: each problem with its field, in English.
fn create_failed(failure: users::CreateError) -> anyhow::Error {
    match failure {
        users::CreateError::Invalid(errors) => {
            let text: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message(Lang::En)))
                .collect();
            anyhow::anyhow!(text.join("; "))
        }
        users::CreateError::Db(e) => e.into(),
    }
}

fn say_created(user: &helpdesk::tickets::Actor) {
    eprintln!(
        "created {} {} ({})",
        user.role.as_str(),
        user.email,
        user.public_id
    );
}

fn no_user(email: &str) -> anyhow::Error {
    anyhow::anyhow!("no active user with email {email}")
}

fn check_key_name(name: &str) -> anyhow::Result<()> {
    if name.trim().is_empty() {
        anyhow::bail!("--name must not be empty");
    }
    Ok(())
}

/// Opens (and migrates) the database at `url`: PostgreSQL for `postgres://` URLs, else
/// SQLite (the file created when missing). The SQLite copy made before migrating, if any.
async fn open(url: &str) -> anyhow::Result<(Backend, Option<std::path::PathBuf>)> {
    if helpdesk_store_pg::is_postgres_url(url) {
        Ok((helpdesk_store_pg::connect(url).await?.into(), None))
    } else {
        let store = db::connect(url).await?;
        let backup = store.backup.clone();
        Ok((store.into(), backup))
    }
}

/// The commands that work on a migrated database, SQLite or PostgreSQL alike.
async fn run_on_database(database: &str, command: Command) -> anyhow::Result<()> {
    let (backend, backup) = open(database).await?;
    if let Some(copy) = &backup
        && !matches!(command, Command::Serve(_))
    {
        eprintln!(
            "copied the database to {} before upgrading it",
            copy.display()
        );
    }
    let accounts = Accounts(&backend);
    let done = match command {
        Command::Serve(args) => serve(backend.clone(), args).await,
        Command::Backup(_) | Command::Copy(_) => {
            anyhow::bail!("`helpdesk {}` opens its databases itself", command.name())
        }
        Command::Migrate => {
            eprintln!("database is up to date");
            Ok(())
        }
        Command::User(UserCommand::Create { email, name, role }) => {
            let password = read_password()?;
            let role = role_of(role);
            let user = accounts
                .create_user(&email, &name, role, &password)
                .await
                .map_err(create_failed)?;
            say_created(&user);
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let user = accounts
                .find_by_email(&email)
                .await?
                .filter(|u| u.active)
                .ok_or_else(|| no_user(&email))?;
            println!("{}", accounts.create_api_token(user.actor.id, &name).await?);
            Ok(())
        }
        Command::Apikey(ApikeyCommand::Create { name }) => {
            check_key_name(&name)?;
            println!("{}", accounts.create_integration_key(&name).await?);
            Ok(())
        }
        Command::Demo(args) => {
            let lang = Lang::parse(&args.language).unwrap_or_default();
            match backend {
                Backend::Postgres(_) => demo_on_postgres(database, args.tickets, lang).await,
                Backend::Sqlite { .. } => demo::run(database, args.tickets, lang).await,
            }
        }
        Command::Mail(MailCommand::Receive(mail)) => receive_mail(backend.clone(), mail).await,
    };
    if let Backend::Postgres(pool) = &backend {
        pool.close().await;
    }
    done
}

/// `helpdesk mail receive`: one message on stdin. Exit codes as `rt-mailgate`'s: 0 done,
/// 75 try again later (the database cannot be written now), 67 refused for good. On
/// PostgreSQL a message delivered to two instances at once is handled by one (the
/// other's transaction fails on the recorded Message-ID, and the MTA's retry finds it
/// handled).
async fn receive_mail(backend: Backend, mail: MailArgs) -> anyhow::Result<()> {
    let raw = read_message()?;
    let mut core = Core::new(backend, helpdesk::config::Settings::default());
    if mail.smtp_url.is_some() {
        // Notices are queued here and sent by the server's mail worker.
        core.notices = helpdesk::tickets::notify::Notices { enabled: true };
    }
    let domain = mail.domain().unwrap_or_default();
    answer_mta(helpdesk::mail::receive::receive(&core, &raw, &domain).await)
}

fn read_message() -> anyhow::Result<Vec<u8>> {
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .map_err(|e| anyhow::anyhow!("cannot read the message on stdin: {e}"))?;
    Ok(raw)
}

/// What `mail receive` tells the MTA: exit 0 when handled or ignored, 67 when refused for
/// good (one line on stderr), an error (75 when worth retrying) otherwise.
fn answer_mta(
    outcome: Result<helpdesk::mail::receive::Outcome, helpdesk::tickets::CoreError>,
) -> anyhow::Result<()> {
    match outcome {
        Ok(helpdesk::mail::receive::Outcome::Handled(handled)) => {
            eprintln!("{handled:?}");
            Ok(())
        }
        Ok(helpdesk::mail::receive::Outcome::Ignored(why)) => {
            eprintln!("ignored: {why}");
            Ok(())
        }
        Ok(helpdesk::mail::receive::Outcome::Refused(why)) => {
            eprintln!("refused: {why}");
            // EX_NOUSER: the MTA bounces it to the sender.
            std::process::exit(67);
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether a command failed because the database could not take its write.
fn unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(db::is_unavailable)
            || cause
                .downcast_ref::<helpdesk::tickets::CoreError>()
                .is_some_and(helpdesk::tickets::CoreError::is_unavailable)
    })
}

/// The password for `user create`: HELPDESK_PASSWORD, else the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("HELPDESK_PASSWORD") {
        return Ok(p);
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let line = input.lines().next().unwrap_or_default().to_owned();
    if line.is_empty() {
        anyhow::bail!("no password: set HELPDESK_PASSWORD or pipe it on stdin");
    }
    Ok(line)
}

async fn serve(backend: Backend, args: ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.bind))?;
    let local = listener.local_addr()?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let accounts = Accounts(&backend);
    accounts.sweep_sessions().await?;
    sessions::spawn_sweeper(
        backend.clone(),
        std::time::Duration::from_secs(args.sweep_seconds.max(1)),
    );
    password::warm_up();
    if !accounts.admin_exists().await? {
        let token = accounts.issue_setup_token().await?;
        println!("No admin account yet. Create one here (the link works once):");
        println!("  {}/setup?token={token}", base_url.trim_end_matches('/'));
    }
    let mut core = Core::new(backend, args.settings);
    if let Some(url) = &args.mail.smtp_url {
        let from = args.mail.mail_from.as_deref().ok_or_else(|| {
            anyhow::anyhow!("--mail-from (HELPDESK_MAIL_FROM) is needed with --smtp-url")
        })?;
        let ca = match &args.mail.mail_ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                anyhow::anyhow!("cannot read --mail-ca-file {}: {e}", path.display())
            })?),
            None => None,
        };
        let mut mail = helpdesk::mail::MailConfig::with_ca(url, from, &base_url, ca.as_deref())?;
        mail.retry_base = std::time::Duration::from_secs(args.mail_retry_seconds.max(1));
        core = core.with_mail(mail);
        tracing::info!(smtp = %core.mail.as_ref().map(|m| m.shown_url.as_str()).unwrap_or(""), "sending mail");
    }
    core.start_mail_worker();
    if let Some(url) = &args.imap_url {
        let interval = std::time::Duration::from_secs(args.imap_interval.max(1));
        let mut imap = helpdesk::mail::imap::ImapConfig::parse(url, interval)?;
        if let Some(path) = &args.mail.mail_ca_file {
            imap.ca_pem = Some(std::fs::read(path)?);
        }
        let domain = args.mail.domain().ok_or_else(|| {
            anyhow::anyhow!("--mail-from (HELPDESK_MAIL_FROM) is needed with --imap-url")
        })?;
        tracing::info!(host = %imap.host, mailbox = %imap.mailbox, "fetching mail");
        helpdesk::mail::imap::spawn_fetcher(core.clone(), imap, domain);
    }
    let state = AppState {
        core,
        site: Arc::new(Site::new(&base_url).with_trusted_proxies(args.trusted_proxies)),
    };
    tracing::info!(address = %local, "helpdesk listening on {base_url}");
    server::serve(listener, helpdesk::app(state), server::shutdown_signal()).await;
    Ok(())
}
