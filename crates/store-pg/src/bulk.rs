//! Loading a whole instance into an empty PostgreSQL database (`helpdesk copy`): in one
//! transaction, so that a copy that fails half-way leaves nothing behind.
//!
//! The rows of each table arrive column by column and go in with one `INSERT ... SELECT
//! FROM UNNEST(...)` per batch. The tables the triggers maintain (the status and facet
//! tallies, the search documents) are not copied: the triggers are off during the load and
//! those tables are computed once at the end, in bulk.

use sqlx::postgres::PgPool;
use sqlx::{Postgres, Transaction};

/// The tables a copy moves, parents before children (foreign keys hold at every insert).
pub const TABLES: &[&str] = &[
    "users",
    "sessions",
    "login_throttle",
    "setup_tokens",
    "api_tokens",
    "integration_keys",
    "trusted_devices",
    "categories",
    "tags",
    "catalog_version",
    "settings",
    "tickets",
    "ticket_tags",
    "messages",
    "attachments",
    "events",
    "outbox",
    "notification_optouts",
    "mail_received",
    "password_resets",
    "signup_confirmations",
    "saved_replies",
];

/// Tables with an identity `id` whose sequence must continue after the copied ids.
const IDENTITIES: &[&str] = &[
    "users",
    "api_tokens",
    "integration_keys",
    "categories",
    "tags",
    "tickets",
    "messages",
    "attachments",
    "events",
    "outbox",
    "saved_replies",
];

/// One column's values in a batch, typed as the PostgreSQL column is.
#[derive(Debug)]
pub enum Values {
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Values {
    /// An empty column for a PostgreSQL `data_type`, if copies know the type.
    pub fn for_type(data_type: &str) -> Option<Self> {
        Some(match data_type {
            "bigint" | "smallint" | "integer" => Values::Int(Vec::new()),
            "boolean" => Values::Bool(Vec::new()),
            "text" => Values::Text(Vec::new()),
            "bytea" => Values::Bytes(Vec::new()),
            _ => return None,
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Bytes(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn array_type(&self) -> &'static str {
        match self {
            Values::Int(_) => "bigint[]",
            Values::Bool(_) => "boolean[]",
            Values::Text(_) => "text[]",
            Values::Bytes(_) => "bytea[]",
        }
    }

    fn clear(&mut self) {
        match self {
            Values::Int(v) => v.clear(),
            Values::Bool(v) => v.clear(),
            Values::Text(v) => v.clear(),
            Values::Bytes(v) => v.clear(),
        }
    }
}

/// An identifier in double quotes. Names come from the schema (`TABLES`,
/// `information_schema`), never from input; quoted all the same.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Why a load cannot start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "the target database already holds accounts or tickets; copy into a new, empty database"
    )]
    NotEmpty,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A load under way: one transaction, the triggers off.
pub struct Load {
    tx: Transaction<'static, Postgres>,
}

impl Load {
    /// Starts loading into `pool`'s database, which must be migrated and hold no account
    /// and no ticket (the rows its migrations seeded, such as the categories, are
    /// replaced by the copied ones).
    pub async fn begin(pool: &PgPool) -> Result<Self, LoadError> {
        let mut tx = pool.begin().await?;
        // No instance may write while the copy runs (a lock on every table it fills).
        for table in TABLES {
            let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", quoted(table));
            sqlx::query(sqlx::AssertSqlSafe(lock))
                .execute(&mut *tx)
                .await?;
        }
        let used = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tickets) AS "used!""#
        )
        .fetch_one(&mut *tx)
        .await?;
        if used {
            return Err(LoadError::NotEmpty);
        }
        for table in TABLES
            .iter()
            .chain(&["ticket_counts", "ticket_facets", "ticket_search"])
        {
            let off = format!("ALTER TABLE {} DISABLE TRIGGER USER", quoted(table));
            sqlx::query(sqlx::AssertSqlSafe(off))
                .execute(&mut *tx)
                .await?;
            let clear = format!("DELETE FROM {}", quoted(table));
            sqlx::query(sqlx::AssertSqlSafe(clear))
                .execute(&mut *tx)
                .await?;
        }
        Ok(Self { tx })
    }

    /// Inserts one batch of rows of `table` (one of [`TABLES`]): `columns` are the
    /// column names with their values, all of the same length. Empties the batch.
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &mut [(String, Values)],
    ) -> sqlx::Result<()> {
        let rows = columns.first().map_or(0, |(_, v)| v.len());
        if rows == 0 {
            return Ok(());
        }
        if !TABLES.contains(&table) {
            return Err(sqlx::Error::Protocol(format!(
                "{table} is not a table a copy fills"
            )));
        }
        let names: Vec<String> = columns.iter().map(|(name, _)| quoted(name)).collect();
        let arrays: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, values))| format!("${}::{}", i + 1, values.array_type()))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) SELECT * FROM UNNEST({})",
            quoted(table),
            names.join(", "),
            arrays.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (_, values) in columns.iter() {
            query = match values {
                Values::Int(v) => query.bind(v),
                Values::Bool(v) => query.bind(v),
                Values::Text(v) => query.bind(v),
                Values::Bytes(v) => query.bind(v),
            };
        }
        query.execute(&mut *self.tx).await?;
        for (_, values) in columns.iter_mut() {
            values.clear();
        }
        Ok(())
    }

    /// How many rows `table` holds now (for the check that every row arrived).
    pub async fn count(&mut self, table: &str) -> sqlx::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *self.tx)
            .await
    }

    /// Computes what the triggers maintain, moves the sequences past the copied ids and
    /// numbers (`last_ticket_number`: the last number handed out, so that none is given
    /// twice), turns the triggers back on and commits.
    pub async fn finish(mut self, last_ticket_number: i64) -> sqlx::Result<()> {
        let tx = &mut *self.tx;
        sqlx::query!(
            "INSERT INTO ticket_counts (status, shard, n)
             SELECT status, 0, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY status"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO ticket_facets (assignee_id, category_id, priority, status, shard, n)
             SELECT COALESCE(assignee_id, 0), category_id, priority, status, 0, COUNT(*)
             FROM tickets WHERE deleted_at IS NULL
             GROUP BY COALESCE(assignee_id, 0), category_id, priority, status"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO ticket_search (ticket_id, public, staff)
             SELECT t.id,
                    search_words(t.title) || COALESCE(search_words(
                        string_agg(m.body, ' ' ORDER BY m.id) FILTER (WHERE NOT m.internal)), ''),
                    search_words(t.title) || COALESCE(search_words(
                        string_agg(m.body, ' ' ORDER BY m.id)), '')
             FROM tickets t LEFT JOIN messages m ON m.ticket_id = t.id
             GROUP BY t.id"
        )
        .execute(&mut *tx)
        .await?;
        for table in IDENTITIES {
            let next = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {}), 1), (SELECT MAX(id) FROM {}) IS NOT NULL)",
                quoted(table),
                quoted(table),
            );
            sqlx::query(sqlx::AssertSqlSafe(next))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query_scalar!(
            "SELECT setval('ticket_numbers', GREATEST($1::bigint, 1001), $1::bigint >= 1001)",
            last_ticket_number
        )
        .fetch_one(&mut *tx)
        .await?;
        for table in TABLES
            .iter()
            .chain(&["ticket_counts", "ticket_facets", "ticket_search"])
        {
            let on = format!("ALTER TABLE {} ENABLE TRIGGER USER", quoted(table));
            sqlx::query(sqlx::AssertSqlSafe(on))
                .execute(&mut *tx)
                .await?;
        }
        self.tx.commit().await
    }
}

/// Refreshes the planner's statistics after a bulk load.
pub async fn analyze(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query!("ANALYZE").execute(pool).await.map(|_| ())
}
