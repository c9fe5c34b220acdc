//! Migrations only ever get added: a migration that landed is never edited.

/// SHA-256 of every landed migration. Append a line when adding a migration; never change
/// one (write a new migration instead).
const LANDED: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        "24ab964b34f810d011c63b9a54d93fc05405e9e1d4181aa17b3f46f3ae6a0fe7",
    ),
    (
        "0002_search_and_counts.sql",
        "8b699c4921b079046ae75119e79cf986c12c8f18b7fc355364efe520c5c68e0e",
    ),
    (
        "0003_tag_active.sql",
        "6bb1e6428bf91fa663cbeb0fb74b02147a7b4bc57c2258ee57a647de1ba4ba9c",
    ),
    (
        "0004_queue_order_indexes.sql",
        "0a9aaef04f47e3a9366964ed78b077dac3980be5ef73868bbad5f5e948f3e41c",
    ),
    (
        "0005_facets_and_catalog_version.sql",
        "140b881f08cbba20b0b369e200e4a589fd2b61e87c2dd97ff355b2c28299659d",
    ),
    (
        "0006_assignee_priority_index.sql",
        "52eff3d6a36ade48165bb1a0ce1670fe1033aaec6f779a51b20c405c38b1bb0e",
    ),
    (
        "0007_search_rowid_names_the_ticket.sql",
        "93cee3b798839f0d796ffde3f68375595b364b8f903148d74079877107e8986b",
    ),
    (
        "0008_trusted_devices.sql",
        "2f894165134b5572894b2e514c897a6b2950d1e81029e86528b02ad2033b318d",
    ),
    (
        "0009_ticket_number_with_the_insert.sql",
        "0bcd8b1f92bfc6a71659024a0a075264e3889122a718b375ae37e53082ea368f",
    ),
    (
        "0010_mail_outbox.sql",
        "38fb1f9aa706c7bdf2d80103b61946e102850fd229e10c01f21e88d84a10419b",
    ),
    (
        "0011_mail_received.sql",
        "e2ff0228baf9b9b16979a70d801052f909ad999a88d89e0eb9cf928267752a2f",
    ),
    (
        "0012_password_resets.sql",
        "41f55be9109a2ab3bf054c7c6c74f015f5816cc56456544567cfda432919ee67",
    ),
    (
        "0013_signup_confirmation.sql",
        "b0aca7c830a34676f35b9760060c85086714a4de8568ab560b04c2836562e19a",
    ),
    (
        "0014_outbox_indexes.sql",
        "d36397e65bbced1ffa47cd0334d88396af870fcaab98ad4ec3cca4b34a408fb8",
    ),
    (
        "0015_outbox_detail.sql",
        "06f8a6f26ccdac427d66239a5f402ebb6834156873426397c0879efadb2e7b92",
    ),
    (
        "0016_saved_replies.sql",
        "f8da27814ee032a1c23caebbe195e12d510f64df591681ece1b491fc44a9729a",
    ),
    (
        "0017_search_indexed_once_per_commit.sql",
        "f39e8bdc5cffe134c991de64a3e69c9bd7a4d1f8effcb71bdec6aec39c1a9ee3",
    ),
    (
        "0018_user_preferences.sql",
        "9aeaf24e654e885b83a15aa710739f997fa1cb38fbad4f139f9959b578317058",
    ),
    (
        "0019_outbox_language.sql",
        "ab5ed1bd872cb1fa6ef6440a772b0724db1491c356539f826cadf368cc94754c",
    ),
    (
        "0020_sessions_expiry_index.sql",
        "e03e88d4284814f3754f144bda07114d2a506dafe44b93ec8acaf6077d1188e8",
    ),
];

/// The same for PostgreSQL's migrations (`crates/store-pg/migrations/`).
const LANDED_POSTGRES: &[(&str, &str)] = &[(
    "0001_schema.sql",
    "514d6f58ea81accd4f0aeaa6ef6a7018908f037baaf3d9b287fa4c6309881326",
)];

#[test]
fn landed_migrations_are_unchanged() {
    unchanged("migrations", LANDED);
    unchanged("crates/store-pg/migrations", LANDED_POSTGRES);
}

fn unchanged(dir: &str, landed: &[(&str, &str)]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for (i, (name, sum)) in landed.iter().enumerate() {
        assert_eq!(
            names.get(i).map(String::as_str),
            Some(*name),
            "migration {name} was renamed or removed"
        );
        let text = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(
            helpdesk::secure::sha256_hex(&text),
            *sum,
            "migration {name} was edited: add a new one instead"
        );
    }
    assert_eq!(
        names.len(),
        landed.len(),
        "a new migration must be recorded in LANDED: {names:?}"
    );
}

/// An index that arrives after the last ANALYZE gets statistics at the next start, so the
/// planner does not guess about it next to measured ones.
#[tokio::test]
async fn a_new_index_in_an_analyzed_database_gets_statistics_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("stats.db").display());
    helpdesk::db::connect(&url).await.unwrap();
    let db = sqlx::SqlitePool::connect_with(helpdesk::db::options(&url).unwrap())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ('u', 'u@example.com', 'U', 'customer', 'x', 0, 0)",
    )
    .execute(&db)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&db).await.unwrap();
    sqlx::query("CREATE INDEX users_late ON users (updated_at)")
        .execute(&db)
        .await
        .unwrap();
    let stats = "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'users_late'";
    let before: i64 = sqlx::query_scalar(stats).fetch_one(&db).await.unwrap();
    assert_eq!(before, 0);
    db.close().await;
    let db = helpdesk::db::connect(&url).await.unwrap().db;
    let after: i64 = sqlx::query_scalar(stats).fetch_one(&db).await.unwrap();
    assert_eq!(after, 1);
}

/// Every row of every table, in a stable order: two databases with the same dump hold the
/// same data and schema.
async fn dump(url: &str) -> Vec<String> {
    let db = sqlx::SqlitePool::connect_with(
        helpdesk::db::options(url).unwrap().create_if_missing(false),
    )
    .await
    .unwrap();
    let mut out: Vec<String> = sqlx::query_scalar(
        "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY name",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
         ORDER BY name",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT 'quote(\"' || name || '\")' FROM pragma_table_info(?)")
                .bind(&table)
                .fetch_all(&db)
                .await
                .unwrap();
        let select = format!(
            "SELECT '{table}: ' || {} FROM \"{table}\" ORDER BY 1",
            columns.join(" || ',' || ")
        );
        out.extend(
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(select))
                .fetch_all(&db)
                .await
                .unwrap(),
        );
    }
    db.close().await;
    out
}

/// An upgrade first copies the database beside itself, named after its schema version, and
/// the copy is the database exactly as it was before the upgrade.
#[tokio::test]
async fn an_upgrade_first_copies_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let url = format!("sqlite://{}", path.display());

    // A database made by the previous release: every migration but the last.
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    let mut files: Vec<_> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    files.sort();
    let newest = files.pop().unwrap();
    for f in &files {
        std::fs::copy(f, old.join(f.file_name().unwrap())).unwrap();
    }
    let old_version: i64 = files
        .last()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .split('_')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    {
        let db = sqlx::SqlitePool::connect_with(helpdesk::db::options(&url).unwrap())
            .await
            .unwrap();
        sqlx::migrate::Migrator::new(old.as_path())
            .await
            .unwrap()
            .run(&db)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
             VALUES ('u1', 'old@example.com', 'Old ''Customer''', 'customer', 'x', 1, 2)",
        )
        .execute(&db)
        .await
        .unwrap();
        db.close().await;
    }
    let before = dump(&url).await;
    assert!(before.iter().any(|l| l.contains("old@example.com")));

    let store = helpdesk::db::connect(&url).await.unwrap();
    let copy = store.backup.clone().expect("a copy before the upgrade");
    assert_eq!(
        copy,
        helpdesk::db::backup::upgrade_copy_name(&path, old_version)
    );
    store.db.close().await;
    let after = dump(&url).await;
    assert_ne!(
        before, after,
        "the newest migration ({newest:?}) was applied"
    );
    assert_eq!(dump(&format!("sqlite://{}", copy.display())).await, before);

    // Up to date now: the next start copies nothing.
    let again = helpdesk::db::connect(&url).await.unwrap();
    assert_eq!(again.backup, None);
    // Neither does a new database.
    let fresh = dir.path().join("fresh.db");
    let store = helpdesk::db::connect(&format!("sqlite://{}", fresh.display()))
        .await
        .unwrap();
    assert_eq!(store.backup, None);
}
