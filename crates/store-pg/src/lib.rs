//! helpdesk on PostgreSQL: the schema (`migrations/`, its own, append-only), opening a
//! database, and the SQL that only PostgreSQL runs. Its queries are checked against
//! PostgreSQL at build time (`sqlx.toml`: `PG_DATABASE_URL`, offline from `.sqlx/`), the
//! way the app's SQLite queries are checked against SQLite.

pub mod accounts;
pub mod admin;
pub mod bulk;
pub mod catalog;
pub mod links;
pub mod mail_in;
pub mod notices;
pub mod outbox;
pub mod replies;
pub mod sessions;
pub mod throttle;
pub mod tickets;
pub mod tokens;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The embedded migrations under `crates/store-pg/migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The connection options every connection shares.
pub fn options(url: &str) -> anyhow::Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("invalid database URL {}: {e}", shown(url)))?
        .application_name("helpdesk")
        // Short indexed reads gain nothing from parallel workers, and a parallel append
        // would interleave the arms of a `UNION ALL` whose order a keyset page reads
        // (the priority order's arms, most urgent first).
        .options([("max_parallel_workers_per_gather", "0")]))
}

/// A pooled connection idle longer than this is pinged before use.
const IDLE_CHECK: Duration = Duration::from_secs(10);

/// Opens a pool on the database at `url` and applies pending migrations. Instances that
/// start together migrate once: sqlx holds a PostgreSQL advisory lock (one key per
/// database) while it migrates, so the others wait and then find nothing to do.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it hands out: a round trip per statement, which
        // halved the ticket page's rate. Only a connection idle for a while (the server
        // may have restarted, a proxy may have dropped it) is checked now; a busy one that
        // broke fails its statement as unavailable (a 503) and is replaced.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_CHECK {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .connect_with(options(url)?)
        .await
        .with_context(|| format!("cannot open database {}", shown(url)))?;
    let ctype = sqlx::query_scalar!(r#"SELECT current_setting('lc_ctype') AS "c!""#)
        .fetch_one(&pool)
        .await?;
    if !is_utf8_locale(&ctype) {
        anyhow::bail!(
            "database {} has the character type {ctype:?}: helpdesk needs a UTF-8 one (CREATE DATABASE ... LC_CTYPE 'C.UTF-8' TEMPLATE template0) so that search finds words of every script",
            shown(url)
        );
    }
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate database {}: {e}", shown(url)))?;
    Ok(pool)
}

/// Whether a locale name (`C.UTF-8`, `en_US.utf8`) classifies characters as UTF-8.
fn is_utf8_locale(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".utf-8") || name.ends_with(".utf8")
}

/// `url` with its password replaced, for messages and logs.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(unparsable URL)".to_owned(),
    }
}

/// One column of the schema, as `information_schema` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub table: String,
    pub name: String,
    /// `bigint`, `smallint`, `boolean`, `text`, `bytea`, `tsvector`, ...
    pub data_type: String,
    pub not_null: bool,
}

/// Every column of every table of the schema the migrations made (sqlx's own table
/// left out), by table and position.
pub async fn columns(pool: &PgPool) -> sqlx::Result<Vec<Column>> {
    let rows = sqlx::query!(
        r#"SELECT table_name::text AS "table!", column_name::text AS "name!",
                  data_type::text AS "data_type!", is_nullable::text = 'NO' AS "not_null!"
           FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'
           ORDER BY table_name, ordinal_position"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Column {
            table: r.table,
            name: r.name,
            data_type: r.data_type,
            not_null: r.not_null,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_told_from_sqlite_ones() {
        assert!(is_postgres_url("postgres://u:p@h:5432/db"));
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(!is_postgres_url("sqlite://helpdesk.db"));
        assert!(!is_postgres_url("helpdesk.db"));
    }

    #[test]
    fn utf8_locales_are_recognised() {
        assert!(is_utf8_locale("C.UTF-8"));
        assert!(is_utf8_locale("en_US.utf8"));
        assert!(!is_utf8_locale("C"));
        assert!(!is_utf8_locale("POSIX"));
        assert!(!is_utf8_locale("de_DE.ISO-8859-1"));
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            shown("postgres://helpdesk:s3cret@db.example:5432/helpdesk"),
            "postgres://helpdesk:***@db.example:5432/helpdesk"
        );
        assert_eq!(shown("postgres://h/db"), "postgres://h/db");
    }
}
