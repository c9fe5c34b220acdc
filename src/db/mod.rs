//! Opening the database: SQLite in WAL mode, durable commits, foreign keys on; reads on a
//! pool of read-only connections, every write through the one [`Writer`].

pub mod backup;
pub mod copy;
mod writer;

use std::str::FromStr;

use anyhow::Context;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, SqlitePool};

pub use writer::Writer;

/// The SQL of [`INDEX_PENDING`], as a literal for `concat!`.
macro_rules! index_pending_sql {
    () => {
        "INSERT INTO search (rowid, text) \
         SELECT p.id, CASE WHEN p.id & 4294967295 = 0 THEN t.title ELSE m.body END AS text \
         FROM search_pending p \
         LEFT JOIN tickets t ON p.id & 4294967295 = 0 AND t.id = p.id >> 32 \
         LEFT JOIN messages m ON p.id & 4294967295 <> 0 AND m.id = (p.id & 4294967295) >> 1 \
         WHERE text IS NOT NULL \
         ORDER BY p.id; \
         DELETE FROM search_pending;"
    };
}
pub(crate) use index_pending_sql;

/// Indexes the search entries that inserts and updates noted in `search_pending` since the
/// last COMMIT, in one statement (one FTS5 segment), and forgets the notes. Whoever commits
/// a write runs it first, in the same transaction, so that what a commit wrote is found at
/// once (see migration 0017 for why the triggers no longer index row by row).
pub const INDEX_PENDING: &str = index_pending_sql!();

/// The embedded migrations under `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The pool that reads. Its connections are `query_only`: a write that does not go through
/// the [`Writer`] fails at once instead of committing on its own (an autocommit write whose
/// COMMIT fails can be reported as done).
pub type Db = SqlitePool;

/// An open database: the read pool and the writer.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub writer: Writer,
    /// The copy made before this start applied migrations, if it did.
    pub backup: Option<std::path::PathBuf>,
}

/// The connection options every connection shares.
pub fn options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("invalid database URL {url:?}: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives a crash of the process or the machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-8000"))
}

/// Opens (creating if missing) the database at `url`, applies pending migrations (after
/// copying a database that holds data, see [`backup::before_upgrade`]) and starts the
/// writer.
pub async fn connect(url: &str) -> anyhow::Result<Store> {
    let options = options(url)?;
    let mut setup = open_connection(url).await?;
    let backup = backup::before_upgrade(&mut setup, Some(options.get_filename()), &MIGRATOR)
        .await
        .with_context(|| format!("cannot upgrade database {url:?}"))?;
    if let Some(copy) = &backup {
        tracing::info!(copy = %copy.display(), "copied the database before upgrading its schema");
    }
    MIGRATOR
        .run(&mut setup)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate database {url:?}: {e}"))?;
    refresh_statistics(&mut setup)
        .await
        .with_context(|| format!("cannot analyze database {url:?}"))?;
    // Entries a program outside the writer left unindexed (none, normally).
    sqlx::raw_sql(INDEX_PENDING)
        .execute(&mut setup)
        .await
        .with_context(|| format!("cannot update the search index of {url:?}"))?;
    let db = SqlitePoolOptions::new()
        // Four: two cores gain nothing from more SQLite threads (the measurement is in
        // docs/decisions.md, "Performance notes").
        .max_connections(4)
        .min_connections(1)
        // A ping before every query is a round trip to the connection's thread and can
        // find nothing wrong with an in-process database.
        .test_before_acquire(false)
        .connect_with(options.clone().pragma("query_only", "ON"))
        .await
        .with_context(|| format!("cannot open database {url:?}"))?;
    let writer = Writer::start(options, setup).context("cannot start the database writer")?;
    Ok(Store { db, writer, backup })
}

/// Opens an existing database for reading only, without migrating it (`helpdesk backup`
/// beside a running server, which may be of another version).
pub async fn open_existing(url: &str) -> anyhow::Result<SqliteConnection> {
    options(url)?
        .create_if_missing(false)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("cannot open database {url:?}"))
}

/// One writable connection outside the writer, for bulk work that runs alone (the demo).
pub async fn open_connection(url: &str) -> anyhow::Result<SqliteConnection> {
    options(url)?
        .connect()
        .await
        .with_context(|| format!("cannot open database {url:?}"))
}

/// Whether a database error means "cannot write now, try again later" (disk full, I/O
/// error, locked for too long, the writer gone) rather than a mistake in the request. The
/// faces answer these with 503 and the command line with a temporary failure.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.parse::<i64>() {
                // SQLITE_BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL
                Ok(code) => matches!(code & 0xff, 5 | 6 | 7 | 8 | 10 | 11 | 13 | 14 | 15),
                // PostgreSQL's SQLSTATE: connection lost (08), serialization failure or
                // deadlock (40001, 40P01), out of disk or memory (53), shutting down or
                // read-only standby (57P, 25006), I/O error (58).
                Err(_) => ["08", "53", "57P", "58", "40001", "40P01", "25006"]
                    .iter()
                    .any(|class| code.starts_with(class)),
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

/// Whether PostgreSQL refused a text it cannot store (a NUL character, SQLSTATE 22021):
/// the client's input, not a fault.
pub fn is_unstorable_text(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("22021"))
}

/// Keeps the query planner's statistics useful, where there are any (`helpdesk demo` runs
/// ANALYZE). An index that a migration added after the last ANALYZE gets statistics of its
/// own, since SQLite would otherwise guess and could prefer it where it reads thousands of
/// rows; then `PRAGMA optimize` re-analyzes tables whose size changed a lot (SQLite's
/// advice for every long-lived connection). Milliseconds, even at a million tickets.
async fn refresh_statistics(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let analyzed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !analyzed {
        return Ok(());
    }
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT i.name FROM sqlite_master i JOIN sqlite_master t ON t.name = i.tbl_name
         WHERE i.type = 'index' AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
           AND EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = i.tbl_name)
           AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = i.name)",
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("PRAGMA analysis_limit = 1000")
        .execute(&mut *conn)
        .await?;
    for index in missing {
        let analyze = format!("ANALYZE \"{}\"", index.replace('"', "\"\""));
        sqlx::query(sqlx::AssertSqlSafe(analyze))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("PRAGMA optimize = 0x10002")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A `LIKE ... ESCAPE '\'` pattern matching `text` anywhere, with `%`, `_` and `\` in the
/// text taken literally.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(super::contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
