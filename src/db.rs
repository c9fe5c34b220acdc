//! Opening the database: SQLite in WAL mode, durable commits, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// The migrations under `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub type Db = SqlitePool;
pub type Tx = Transaction<'static, Sqlite>;

/// Opens (creating if missing) the database at `url` and applies pending migrations.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("invalid database URL {url:?}: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives a crash of the process or the machine.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-8000");
    let pool = SqlitePoolOptions::new()
        // Four: two cores gain nothing from more SQLite threads, which only add context
        // switches and page caches (measured: search 1.6 times faster than with eight,
        // peak memory 47 MB instead of 63 MB, the other pages alike).
        .max_connections(4)
        .min_connections(1)
        // A ping before every query is a round trip to the connection's thread and can
        // find nothing wrong with an in-process database.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database {url:?}: {e}"))?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate database {url:?}: {e}"))?;
    refresh_statistics(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot analyze database {url:?}: {e}"))?;
    Ok(pool)
}

/// Keeps the query planner's statistics useful, where there are any (`helpdesk demo` runs
/// ANALYZE). An index that a migration added after the last ANALYZE gets statistics of its
/// own, since SQLite would otherwise guess and could prefer it where it reads thousands of
/// rows; then `PRAGMA optimize` re-analyzes tables whose size changed a lot (SQLite's
/// advice for every long-lived connection). Milliseconds, even at a million tickets.
async fn refresh_statistics(db: &Db) -> sqlx::Result<()> {
    let analyzed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')",
    )
    .fetch_one(db)
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
    .fetch_all(db)
    .await?;
    let mut conn = db.acquire().await?;
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

/// Starts a write transaction that takes the write lock at once. A deferred transaction
/// that reads before it writes fails with SQLITE_BUSY_SNAPSHOT under concurrent writers.
pub async fn begin_write(db: &Db) -> sqlx::Result<Tx> {
    db.begin_with("BEGIN IMMEDIATE").await
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
