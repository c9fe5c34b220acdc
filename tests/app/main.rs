//! The one integration-test binary: every test drives the real router, served by the real
//! accept loop on a random port, against its own fresh database: SQLite, or PostgreSQL
//! when `HELPDESK_TEST_BACKEND=postgres` (a new database on the test server for each
//! test, see `postgres::fresh_database`). CI runs the binary once for each. Tests that
//! look into SQLite's own storage (fault injection, its migrations, its search index, its
//! rows for fixtures) ask for SQLite with [`TestApp::sqlite`] and run once.

mod accounts;
mod admin;
mod authz;
mod browser;
mod cli;
mod core_rules;
mod disk_full;
mod epixel;
mod faults;
mod imap;
mod instances;
mod legacy;
mod mail;
mod mail_in;
mod migrations;
mod postgres;
mod saved_replies;
mod search_index;
mod serving;
mod smtp;
mod spanish;
mod staff;
mod tickets;
mod v2;
mod xss;

use std::net::SocketAddr;
use std::sync::Arc;

use helpdesk::auth::accounts::Accounts;
use helpdesk::config::Settings;
use helpdesk::tickets::{Actor, CategoryRef, Core, NewTicket, Priority, Role};
use helpdesk::{AppState, Site, db, server};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::multipart::{Form, Part};
use reqwest::{Response, StatusCode, Url};
use tokio::sync::oneshot;

/// argon2id of "password123" (default parameters), so fixtures need not hash.
pub const PASSWORD: &str = "password123";
const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$fQ3tZ6eVbfstexY+aNxR3A$RFUVphP5cocVOPLLhIZ2nu2yzeNXsnMqxdxK4TN8bX0";

pub struct TestApp {
    pub addr: SocketAddr,
    pub core: Core,
    /// On SQLite, a writable pool beside the app's writer, for fixtures written with raw
    /// SQL (the app's own pool is read-only).
    rw: Option<sqlx::SqlitePool>,
    /// The URL of the app's database.
    pub db_url: String,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

/// Which database [`TestApp::spawn`] and its kin use.
#[derive(Clone, Copy, PartialEq)]
enum Backend {
    /// `HELPDESK_TEST_BACKEND` chooses (SQLite unless it says `postgres`).
    Chosen,
    Sqlite,
}

/// Whether this run's apps are on PostgreSQL (`HELPDESK_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("HELPDESK_TEST_BACKEND").is_ok_and(|v| v == "postgres")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::with_settings(Settings::default()).await
    }

    /// On SQLite whatever the run's backend: for tests of SQLite itself, or that compare
    /// a SQLite instance with its copy on PostgreSQL.
    pub async fn sqlite() -> Self {
        Self::build_on(Backend::Sqlite, Settings::default(), Site::new, None).await
    }

    /// [`TestApp::sqlite`] with these settings.
    pub async fn sqlite_with(settings: Settings) -> Self {
        Self::build_on(Backend::Sqlite, settings, Site::new, None).await
    }

    pub async fn with_settings(settings: Settings) -> Self {
        Self::build(settings, Site::new, None).await
    }

    /// Sending mail through the SMTP server at `smtp_url`, retrying fast (the first retry
    /// after 200 ms) and looking at the outbox every 100 ms.
    pub async fn with_mail(smtp_url: &str) -> Self {
        Self::build(
            Settings::default(),
            Site::new,
            Some((smtp_url.to_owned(), None)),
        )
        .await
    }

    /// [`TestApp::with_mail`] on SQLite (a test of SQLite's faults).
    pub async fn sqlite_with_mail(smtp_url: &str) -> Self {
        Self::build_on(
            Backend::Sqlite,
            Settings::default(),
            Site::new,
            Some((smtp_url.to_owned(), None)),
        )
        .await
    }

    /// [`TestApp::with_mail`], also trusting the certificate authority `ca_pem`.
    pub async fn with_mail_ca(smtp_url: &str, ca_pem: &str) -> Self {
        Self::build(
            Settings::default(),
            Site::new,
            Some((smtp_url.to_owned(), Some(ca_pem.to_owned()))),
        )
        .await
    }

    /// Served behind a reverse proxy on 127.0.0.1 (`--trusted-proxy 127.0.0.1`).
    pub async fn behind_proxy() -> Self {
        Self::build(
            Settings::default(),
            |url| Site::new(url).with_trusted_proxies(vec!["127.0.0.1/32".parse().unwrap()]),
            None,
        )
        .await
    }

    async fn build(
        settings: Settings,
        site: impl FnOnce(&str) -> Site,
        smtp: Option<(String, Option<String>)>,
    ) -> Self {
        Self::build_on(Backend::Chosen, settings, site, smtp).await
    }

    async fn build_on(
        backend: Backend,
        settings: Settings,
        site: impl FnOnce(&str) -> Site,
        smtp: Option<(String, Option<String>)>,
    ) -> Self {
        helpdesk::github::install_tls_provider();
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, store, rw): (String, helpdesk::tickets::Backend, _) =
            if backend == Backend::Chosen && on_postgres() {
                let url = postgres::fresh_database()
                    .await
                    .expect("HELPDESK_TEST_BACKEND=postgres needs a PostgreSQL server");
                let pool = helpdesk_store_pg::connect(&url).await.expect("database");
                (url, pool.into(), None)
            } else {
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let store = db::connect(&url).await.expect("database");
                let rw = sqlx::SqlitePool::connect_with(db::options(&url).expect("options"))
                    .await
                    .expect("fixture pool");
                (url, store.into(), Some(rw))
            };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut core = Core::new(store, settings);
        if let Some((url, ca)) = smtp {
            let mut mail = helpdesk::mail::MailConfig::with_ca(
                &url,
                "Acme Support <support@acme.test>",
                &format!("http://{addr}"),
                ca.as_deref().map(str::as_bytes),
            )
            .expect("mail config");
            mail.retry_base = std::time::Duration::from_millis(200);
            mail.poll = std::time::Duration::from_millis(100);
            core = core.with_mail(mail);
            core.start_mail_worker();
        }
        let state = AppState {
            core: core.clone(),
            site: Arc::new(site(&format!("http://{addr}"))),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, helpdesk::app(state), async {
            let _ = stopped.await;
        }));
        TestApp {
            addr,
            core,
            rw,
            db_url: url,
            _dir: dir,
            _stop: stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::at(&self.url(""))
    }

    /// Accounts on the app's database.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts(&self.core.backend)
    }

    /// The writable fixture pool of an app on SQLite ([`TestApp::sqlite`]).
    pub fn rw(&self) -> &sqlx::SqlitePool {
        self.rw
            .as_ref()
            .expect("this test writes SQLite's rows: make its app with TestApp::sqlite()")
    }

    /// The read pool of an app on SQLite ([`TestApp::sqlite`]).
    pub fn db(&self) -> &db::Db {
        match &self.core.backend {
            helpdesk::tickets::Backend::Sqlite { db, .. } => db,
            _ => panic!("this test reads SQLite's rows: make its app with TestApp::sqlite()"),
        }
    }

    /// The writer of an app on SQLite ([`TestApp::sqlite`]).
    pub fn writer(&self) -> &db::Writer {
        match &self.core.backend {
            helpdesk::tickets::Backend::Sqlite { writer, .. } => writer,
            _ => panic!("this test writes SQLite's rows: make its app with TestApp::sqlite()"),
        }
    }

    /// A client with a new session of `user`, made without a login (no password check).
    pub async fn session_of(&self, user: &Actor) -> Client {
        let client = self.client();
        let token = self
            .accounts()
            .create_session(user.id)
            .await
            .expect("session");
        let url: Url = self.url("/").parse().expect("url");
        client
            .jar
            .add_cookie_str(&format!("hd_session={token}; Path=/"), &url);
        client
    }

    /// A user created directly in the database (password [`PASSWORD`]).
    pub async fn user(&self, email: &str, role: Role) -> Actor {
        let name = email.split('@').next().unwrap_or("user");
        self.accounts()
            .insert_with_hash(email, name, role, PASSWORD_HASH)
            .await
            .expect("fixture user")
    }

    /// The account with this email (it must exist), as the core sees its caller.
    pub async fn actor_of(&self, email: &str) -> Actor {
        self.accounts()
            .find_by_email(email)
            .await
            .expect("account lookup")
            .unwrap_or_else(|| panic!("no account {email}"))
            .actor
    }

    /// A client logged in as a new user with this email and role.
    pub async fn logged_in(&self, email: &str, role: Role) -> (Client, Actor) {
        let user = self.user(email, role).await;
        let client = self.client();
        let response = client.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        (client, user)
    }

    /// Opens a ticket through the core (fixtures for tests that are not about opening).
    pub async fn ticket(&self, owner: &Actor, title: &str) -> i64 {
        self.core
            .open_ticket(owner, new_ticket(title, "Something is wrong."))
            .await
            .expect("fixture ticket")
            .number
    }

    /// A personal API token for `user`.
    pub async fn api_token(&self, user: &Actor) -> String {
        self.accounts()
            .create_api_token(user.id, "test")
            .await
            .expect("token")
    }

    /// A new integration key (the epixel `apikey`).
    pub async fn apikey(&self) -> String {
        self.accounts()
            .create_integration_key("test")
            .await
            .expect("key")
    }

    /// A statement for fixtures and checks on the app's database, whichever it is (see
    /// [`Sql`]).
    pub fn sql(&self, text: &str) -> Sql<'_> {
        Sql {
            app: self,
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// A count (`SELECT COUNT(*) ...`, SQL both databases read alike) on the app's
    /// database.
    pub async fn count(&self, sql: &'static str) -> i64 {
        self.sql(sql).scalar().await
    }
}

/// A statement written once for both databases: `?` placeholders (numbered `$1`, `$2`...
/// on PostgreSQL; `?N` becomes `$N`), `TRUE`/`FALSE` for yes/no columns, and SQL both
/// read alike. On SQLite it runs on the writable fixture pool.
pub struct Sql<'a> {
    app: &'a TestApp,
    text: String,
    args: Vec<Arg>,
}

/// A value bound to a [`Sql`] statement.
#[derive(Clone, Debug)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

/// A value both databases decode.
pub trait Value:
    for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + Send
    + Unpin
{
}
impl<T> Value for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + Send
        + Unpin
{
}

/// A row both databases read into `Self` (tuples of [`Value`]s).
pub trait Row:
    for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
    + Send
    + Unpin
{
}
impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin
{
}

/// Binds `args` to a query of either database.
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
            };
        }
        q
    }};
}

impl Sql<'_> {
    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// The text for PostgreSQL: `?` numbered in order, `?N` as `$N`.
    fn numbered(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut n = 0;
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '?' {
                out.push(c);
            } else if chars.peek().is_some_and(char::is_ascii_digit) {
                out.push('$');
            } else {
                n += 1;
                out.push_str(&format!("${n}"));
            }
        }
        out
    }

    pub async fn execute(self) -> u64 {
        let text = sqlx::AssertSqlSafe(self.numbered());
        match &self.app.core.backend {
            helpdesk::tickets::Backend::Sqlite { .. } => bind_all!(
                sqlx::query(sqlx::AssertSqlSafe(self.text.clone())),
                self.args
            )
            .execute(self.app.rw())
            .await
            .map(|r| r.rows_affected()),
            helpdesk::tickets::Backend::Postgres(pool) => bind_all!(sqlx::query(text), self.args)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
        .unwrap_or_else(|e| panic!("{}: {e}", self.text))
    }

    pub async fn scalars<T: Value>(self) -> Vec<T> {
        let rows: Vec<(T,)> = self.rows().await;
        rows.into_iter().map(|(value,)| value).collect()
    }

    /// The one value the statement reads.
    pub async fn scalar<T: Value>(self) -> T {
        let (value,): (T,) = self.row().await;
        value
    }

    pub async fn rows<T: Row>(self) -> Vec<T> {
        let text = sqlx::AssertSqlSafe(self.numbered());
        match &self.app.core.backend {
            helpdesk::tickets::Backend::Sqlite { .. } => {
                bind_all!(
                    sqlx::query_as(sqlx::AssertSqlSafe(self.text.clone())),
                    self.args
                )
                .fetch_all(self.app.rw())
                .await
            }
            helpdesk::tickets::Backend::Postgres(pool) => {
                bind_all!(sqlx::query_as(text), self.args)
                    .fetch_all(pool)
                    .await
            }
        }
        .unwrap_or_else(|e| panic!("{}: {e}", self.text))
    }

    /// The one row the statement reads.
    pub async fn row<T: Row>(self) -> T {
        let text = self.text.clone();
        let mut all = self.rows().await;
        assert_eq!(all.len(), 1, "one row from {text}");
        all.remove(0)
    }
}

pub fn new_ticket(title: &str, description: &str) -> NewTicket {
    NewTicket {
        title: title.into(),
        subject: None,
        description: description.into(),
        priority: Priority::Medium,
        category: CategoryRef::Slug("technical".into()),
        tags: Vec::new(),
        api: None,
        uploads: Vec::new(),
        links: Vec::new(),
        attachment_ids: Vec::new(),
    }
}

pub struct Client {
    pub http: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
}

impl Client {
    /// A browser-like client of the server at `base` (`http://host:port`).
    pub fn at(base: &str) -> Self {
        helpdesk::github::install_tls_provider();
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            jar,
            base: base.to_owned(),
        }
    }

    /// The same browser (its cookies) talking to the server at `base`: another instance
    /// of the same site.
    pub fn at_base(&self, base: &str) -> Self {
        Client {
            http: self.http.clone(),
            jar: self.jar.clone(),
            base: base.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// The CSRF token of this client's cookie jar (fetching a page first if it has none).
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("hd_csrf") {
            return token;
        }
        self.get("/login").await;
        self.cookie("hd_csrf").expect("csrf cookie")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url: Url = self.base.parse().expect("url");
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split("; ").find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    /// POSTs a form with this client's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf().await;
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POSTs a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// POSTs a multipart form with this client's CSRF token, text fields and files.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Response {
        let mut form = Form::new().text("csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, filename, data) in files {
            let part = Part::bytes(data.clone())
                .file_name(filename.to_string())
                .mime_str("text/plain")
                .expect("mime");
            form = form.part(field.to_string(), part);
        }
        self.http
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .expect("POST multipart")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Text of the elements matching `selector`.
pub fn select(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// The attribute `attr` of the first element matching `selector`.
pub fn select_attr(html: &str, selector: &str, attr: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .unwrap_or_default()
        .to_owned()
}
