//! `helpdesk copy --from sqlite://... --to postgres://...`: moves a whole instance from its
//! SQLite file into a new PostgreSQL database, losslessly.
//!
//! The source is read in one read transaction (one snapshot: a server may go on running on
//! it, what it writes meanwhile is not copied). The target is written in one transaction
//! (see [`helpdesk_store_pg::bulk`]): a copy that fails leaves the target as empty as it
//! was. Every table of the PostgreSQL schema is filled from the SQLite column of the same
//! name (the schemas hold the same tables and columns, which a test keeps true), and each
//! table's row count is compared before the commit.

use std::io::Write;

use anyhow::Context;
use futures_util::TryStreamExt;
use helpdesk_store_pg::bulk::{self, Load, Values};
use sqlx::{Connection, Row, SqliteConnection};

use crate::words::grouped;

/// Rows per insert, and the most bytes of one batch (attachments are up to 2 MiB each).
const BATCH_ROWS: usize = 2000;
const BATCH_BYTES: usize = 16 << 20;

/// What a copy moved, table by table.
#[derive(Debug, Default)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
    /// Text values whose NUL characters became U+FFFD.
    pub nul_replaced: u64,
}

/// Copies the migrated SQLite database at `from` into the empty PostgreSQL database at
/// `to` (migrated first), printing progress to `progress`.
pub async fn sqlite_to_postgres(
    from: &str,
    to: &str,
    progress: &mut dyn Write,
) -> anyhow::Result<Copied> {
    let mut source = super::open_existing(from).await?;
    let latest = super::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut source)
        .await
        .with_context(|| format!("{from} is not a helpdesk database"))?;
    if applied != Some(latest) {
        anyhow::bail!(
            "{from} is at schema version {}, this helpdesk at {latest}: run `helpdesk migrate --database {from}` first",
            applied.unwrap_or(0)
        );
    }
    let pool = helpdesk_store_pg::connect(to).await?;
    let target = helpdesk_store_pg::shown(to);
    let schema = helpdesk_store_pg::columns(&pool).await?;
    let mut load = Load::begin(&pool)
        .await
        .with_context(|| format!("cannot copy into {target}"))?;
    let mut snapshot = source.begin().await?;
    let mut copied = Copied::default();
    for &table in bulk::TABLES {
        let mut columns = Vec::new();
        for column in schema.iter().filter(|c| c.table == table) {
            let values = Values::for_type(&column.data_type).with_context(|| {
                format!(
                    "{table}.{} has a type a copy does not know ({})",
                    column.name, column.data_type
                )
            })?;
            columns.push((column.name.clone(), values));
        }
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(&mut *snapshot)
        .await
        .with_context(|| format!("cannot read {table} from {from}"))?;
        let mut replaced = 0;
        let n = copy_table(
            &mut snapshot,
            &mut load,
            table,
            &mut columns,
            total,
            &mut replaced,
            progress,
        )
        .await
        .with_context(|| format!("cannot copy {table}"))?;
        if replaced > 0 {
            writeln!(
                progress,
                "  {table}: {replaced} values held NUL characters, which PostgreSQL's text cannot; each became U+FFFD"
            )?;
            copied.nul_replaced += replaced;
        }
        let arrived = load.count(table).await?;
        if arrived != total || n != total as u64 {
            anyhow::bail!("{table}: {total} rows in {from}, {arrived} arrived; nothing was copied");
        }
        writeln!(progress, "  {table}: {}", grouped(n as i64))?;
        copied.tables.push((table.to_owned(), n as u64));
    }
    let last_number: i64 =
        sqlx::query_scalar("SELECT value FROM counters WHERE name = 'ticket_number'")
            .fetch_one(&mut *snapshot)
            .await?;
    snapshot.rollback().await?;
    writeln!(progress, "  search documents, counts, sequences ...")?;
    load.finish(last_number).await?;
    bulk::analyze(&pool).await?;
    pool.close().await;
    Ok(copied)
}

/// Copies one table in batches; returns how many rows it read.
async fn copy_table(
    source: &mut SqliteConnection,
    load: &mut Load,
    table: &str,
    columns: &mut [(String, Values)],
    total: i64,
    replaced: &mut u64,
    progress: &mut dyn Write,
) -> anyhow::Result<u64> {
    let names: Vec<String> = columns.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let select = format!("SELECT {} FROM \"{table}\"", names.join(", "));
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *source);
    let (mut n, mut bytes, mut shown) = (0u64, 0usize, 0u64);
    while let Some(row) = rows.try_next().await? {
        for (i, (name, values)) in columns.iter_mut().enumerate() {
            let cell = || format!("{table}.{name}");
            match values {
                Values::Int(v) => v.push(row.try_get(i).with_context(cell)?),
                Values::Bool(v) => {
                    let int: Option<i64> = row.try_get(i).with_context(cell)?;
                    v.push(int.map(|b| b != 0));
                }
                Values::Text(v) => {
                    let mut text: Option<String> = row.try_get(i).with_context(cell)?;
                    // PostgreSQL's text cannot hold NUL, which SQLite's can.
                    if let Some(t) = text.as_mut().filter(|t| t.contains('\0')) {
                        *t = t.replace('\0', "\u{fffd}");
                        *replaced += 1;
                    }
                    bytes += text.as_ref().map_or(0, String::len);
                    v.push(text);
                }
                Values::Bytes(v) => {
                    let data: Option<Vec<u8>> = row.try_get(i).with_context(cell)?;
                    bytes += data.as_ref().map_or(0, Vec::len);
                    v.push(data);
                }
            }
        }
        n += 1;
        if columns[0].1.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
            load.insert(table, columns).await?;
            bytes = 0;
            // A line at every tenth of a large table (a log and a terminal read alike).
            let tenth = n * 10 / total.max(1) as u64;
            if total >= 10 * BATCH_ROWS as i64 && tenth > shown {
                shown = tenth;
                writeln!(
                    progress,
                    "  {table}: {} / {}",
                    grouped(n as i64),
                    grouped(total)
                )?;
            }
        }
    }
    load.insert(table, columns).await?;
    Ok(n)
}
