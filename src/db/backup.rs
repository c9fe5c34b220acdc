//! Consistent copies of the database: one before every upgrade, and `helpdesk backup`.
//!
//! A copy is made with `VACUUM INTO`, which reads one snapshot of the database (writers go
//! on meanwhile, in WAL mode) and writes a compact, self-contained file. It is written
//! under a temporary name and renamed when complete, so a copy under its final name is
//! always whole.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sqlx::SqliteConnection;

/// How many upgrade copies stay beside the database; older ones are removed.
pub const KEEP: usize = 3;

/// Writes a consistent copy of the database behind `conn` to `to`, which must not exist.
pub async fn copy_to(conn: &mut SqliteConnection, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        anyhow::bail!(
            "{} already exists; choose another name (a backup never overwrites a file)",
            to.display()
        );
    }
    let partial = partial_name(to);
    // A leftover from a copy that was interrupted.
    let _ = std::fs::remove_file(&partial);
    let target = partial
        .to_str()
        .with_context(|| format!("{} is not a valid UTF-8 path", partial.display()))?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut *conn)
        .await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e).with_context(|| format!("cannot write a copy to {}", to.display()));
    }
    std::fs::rename(&partial, to)
        .with_context(|| format!("cannot move the copy into place at {}", to.display()))?;
    Ok(())
}

fn partial_name(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// The name of the copy made before upgrading `database` from schema `version`:
/// `helpdesk.db.schema-0007.bak` beside `helpdesk.db`.
pub fn upgrade_copy_name(database: &Path, version: i64) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(format!(".schema-{version:04}.bak"));
    PathBuf::from(name)
}

/// Before migrations are applied to a database that holds data: copies it beside itself,
/// named after its schema version, and keeps the last [`KEEP`] such copies. Returns the
/// copy's path, or `None` when nothing is pending or the database is new or in memory.
pub async fn before_upgrade(
    conn: &mut SqliteConnection,
    database: Option<&Path>,
    migrator: &sqlx::migrate::Migrator,
) -> anyhow::Result<Option<PathBuf>> {
    let Some(database) = database.filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(None);
    };
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !has_table {
        return Ok(None); // a new database: nothing to lose
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    let Some(&current) = applied.last() else {
        return Ok(None);
    };
    let pending = migrator
        .iter()
        .any(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version));
    if !pending {
        return Ok(None);
    }
    let to = upgrade_copy_name(database, current);
    // A copy of this same version from an upgrade that did not finish is older than the
    // database now: replace it.
    if to.exists() {
        std::fs::remove_file(&to)
            .with_context(|| format!("cannot replace the old copy {}", to.display()))?;
    }
    copy_to(conn, &to)
        .await
        .context("cannot back up the database before upgrading it; nothing was changed")?;
    prune(database)?;
    Ok(Some(to))
}

/// Removes all but the newest [`KEEP`] upgrade copies of `database`.
pub fn prune(database: &Path) -> anyhow::Result<()> {
    let dir = match database.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(stem) = database.file_name().and_then(|n| n.to_str()) else {
        return Ok(());
    };
    let prefix = format!("{stem}.schema-");
    let mut copies: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?;
            let version = name.strip_prefix(&prefix)?.strip_suffix(".bak")?;
            Some((version.parse().ok()?, path))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(KEEP);
    for (_, path) in copies.into_iter().take(excess) {
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot remove the old copy {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_three_newest_copies_of_this_database_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("helpdesk.db");
        for v in [2, 10, 3, 7, 9] {
            std::fs::write(upgrade_copy_name(&db, v), b"x").unwrap();
        }
        let other = dir.path().join("other.db.schema-0001.bak");
        std::fs::write(&other, b"x").unwrap();
        prune(&db).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "helpdesk.db.schema-0007.bak",
                "helpdesk.db.schema-0009.bak",
                "helpdesk.db.schema-0010.bak",
                "other.db.schema-0001.bak"
            ]
        );
    }
}
