//! The search index is written once per transaction (migration 0017): entries inserted,
//! changed and removed within one transaction, or across several, leave exactly the
//! current text searchable.

use helpdesk::tickets::Role;

use crate::{TestApp, new_ticket};

/// The tickets (by id) whose title or messages match `query`, straight from the index.
async fn hits(app: &TestApp, query: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = app
        .sql("SELECT DISTINCT rowid >> 32 FROM search WHERE search MATCH ?")
        .bind(query)
        .scalars()
        .await;
    ids.sort();
    ids
}

async fn pending(app: &TestApp) -> i64 {
    app.sql("SELECT count(*) FROM search_pending")
        .scalar()
        .await
}

#[tokio::test]
async fn entries_changed_and_removed_before_their_commit_are_indexed_as_they_end() {
    let app = TestApp::sqlite().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let opened = app
        .core
        .open_ticket(&ann, new_ticket("Walrus printer", "The kestrel tray."))
        .await
        .unwrap();
    let kept = opened.id;
    assert_eq!(
        hits(&app, "walrus").await,
        [kept],
        "a commit indexes its ticket"
    );
    assert_eq!(hits(&app, "kestrel").await, [kept], "and its message");
    assert_eq!(
        pending(&app).await,
        0,
        "nothing is left pending after a commit"
    );

    // One transaction inserts, changes and removes entries before anything is indexed,
    // and changes and removes entries indexed by an earlier commit.
    let mut tx = app.rw().begin().await.unwrap();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (public_id, number, title, status, priority, category_id, client_id,
                              created_at, updated_at)
         VALUES ('t-other', 5001, 'Osprey draft', 'open', 'low', 1, ?, 0, 0) RETURNING id",
    )
    .bind(ann.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let rows = [
        ("m-gone", other, "heron removed later"),
        ("m-edit", other, "pelican first draft"),
        ("m-late", kept, "lapwing removed later"),
    ];
    for (public_id, ticket, body) in rows {
        sqlx::query(
            "INSERT INTO messages (public_id, ticket_id, author_id, body, internal, created_at)
             VALUES (?, ?, ?, ?, 0, 0)",
        )
        .bind(public_id)
        .bind(ticket)
        .bind(ann.id)
        .bind(body)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::raw_sql(helpdesk::db::INDEX_PENDING)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(hits(&app, "lapwing").await, [kept]);

    let mut tx = app.rw().begin().await.unwrap();
    for statement in [
        // Not indexed yet when changed or removed:
        "INSERT INTO tickets (public_id, number, title, status, priority, category_id,
                              client_id, created_at, updated_at)
         SELECT 't-brief', 5002, 'Gannet brief', 'open', 'low', 1, client_id, 0, 0
         FROM tickets WHERE public_id = 't-other'",
        "UPDATE tickets SET title = 'Gannet final' WHERE public_id = 't-brief'",
        "INSERT INTO messages (public_id, ticket_id, author_id, body, internal, created_at)
         SELECT 'm-brief', id, client_id, 'plover then sandpiper', 0, 0 FROM tickets
         WHERE public_id = 't-brief'",
        "UPDATE messages SET body = 'sandpiper only' WHERE public_id = 'm-brief'",
        "INSERT INTO tickets (public_id, number, title, status, priority, category_id,
                              client_id, created_at, updated_at)
         SELECT 't-void', 5003, 'Curlew void', 'open', 'low', 1, client_id, 0, 0
         FROM tickets WHERE public_id = 't-other'",
        "DELETE FROM tickets WHERE public_id = 't-void'",
        // Indexed by the earlier commit:
        "DELETE FROM messages WHERE public_id = 'm-gone'",
        "UPDATE messages SET body = 'pelican final' WHERE public_id = 'm-edit'",
        "UPDATE tickets SET title = 'Osprey final' WHERE public_id = 't-other'",
        "DELETE FROM messages WHERE public_id = 'm-late'",
    ] {
        sqlx::query(statement).execute(&mut *tx).await.unwrap();
    }
    sqlx::raw_sql(helpdesk::db::INDEX_PENDING)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let brief: i64 = app
        .sql("SELECT id FROM tickets WHERE public_id = 't-brief'")
        .scalar()
        .await;
    for gone in [
        "heron", "draft", "lapwing", "plover", "curlew", "void", "brief",
    ] {
        assert!(
            hits(&app, gone).await.is_empty(),
            "{gone:?} is no longer anywhere"
        );
    }
    assert_eq!(hits(&app, "gannet").await, [brief]);
    assert_eq!(hits(&app, "final").await, [other, brief]);
    assert_eq!(hits(&app, "sandpiper").await, [brief]);
    assert_eq!(hits(&app, "pelican").await, [other]);
    assert_eq!(hits(&app, "osprey").await, [other]);
    assert_eq!(pending(&app).await, 0);

    // Removing everything leaves an index that matches nothing: a removal of an entry it
    // never had would have left terms behind (or failed).
    let mut tx = app.rw().begin().await.unwrap();
    sqlx::query("DELETE FROM tickets")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(helpdesk::db::INDEX_PENDING)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for word in [
        "walrus",
        "kestrel",
        "osprey",
        "pelican",
        "gannet",
        "sandpiper",
        "final",
    ] {
        assert!(
            hits(&app, word).await.is_empty(),
            "{word:?} after the purge"
        );
    }
    app.sql("INSERT INTO search (search, rank) VALUES ('integrity-check', 0)")
        .execute()
        .await;
}

#[tokio::test]
async fn tickets_created_together_are_all_found_once_acknowledged() {
    let app = TestApp::sqlite().await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    // Many writes at once, so that the writer batches them into shared transactions.
    let mut writes = Vec::new();
    for i in 0..40 {
        let core = app.core.clone();
        let agent = agent.clone();
        writes.push(tokio::spawn(async move {
            core.open_ticket(&agent, new_ticket(&format!("Bittern {i}"), "Heron body"))
                .await
                .unwrap()
        }));
    }
    let mut ids = Vec::new();
    for write in writes {
        ids.push(write.await.unwrap().id);
    }
    ids.sort();
    assert_eq!(hits(&app, "bittern").await, ids);
    assert_eq!(hits(&app, "heron").await, ids);
    assert_eq!(pending(&app).await, 0);
}
