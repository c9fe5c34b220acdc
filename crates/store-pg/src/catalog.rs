//! What the pages' pickers and the history read on PostgreSQL. Names sort by code point
//! (`COLLATE "C"`), as SQLite's default collation does, whatever the database's locale.

use sqlx::PgPool;

/// The catalog version (grows with every change of categories, tags and staff).
pub async fn version(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT version FROM catalog_version WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// Every category in id order: (id, slug, name, description, active).
pub async fn categories(pool: &PgPool) -> sqlx::Result<Vec<(i64, String, String, String, bool)>> {
    let rows =
        sqlx::query!("SELECT id, slug, name, description, active FROM categories ORDER BY id")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.slug, r.name, r.description, r.active))
        .collect())
}

/// The active tags by name: (id, name, keyword).
pub async fn tags(pool: &PgPool) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query!(
        // Tag names compare ignoring case (SQLite: the column's COLLATE NOCASE).
        r#"SELECT id, name, keyword FROM tags WHERE active ORDER BY lower(name) COLLATE "C""#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.keyword))
        .collect())
}

/// Active agents and admins by name.
pub async fn staff(pool: &PgPool) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        r#"SELECT id, name FROM users WHERE role IN ('agent', 'admin') AND active
           ORDER BY name COLLATE "C""#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// A ticket's history, oldest first, after `since`: (actor, kind, from, to, at), with
/// assignees and categories named. The first entry, "created", is the ticket's own row.
pub async fn history(
    pool: &PgPool,
    ticket_id: i64,
    since: i64,
) -> sqlx::Result<Vec<(String, String, Option<String>, Option<String>, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT COALESCE(u.name, 'system') AS "actor!", e.kind AS "kind!",
                  e.created_at AS "created_at!",
                  CASE e.kind WHEN 'assignee' THEN (SELECT name FROM users WHERE id = CAST(e.from_value AS BIGINT))
                              WHEN 'category' THEN (SELECT name FROM categories WHERE id = CAST(e.from_value AS BIGINT))
                              ELSE e.from_value END AS "from_value?",
                  CASE e.kind WHEN 'assignee' THEN (SELECT name FROM users WHERE id = CAST(e.to_value AS BIGINT))
                              WHEN 'category' THEN (SELECT name FROM categories WHERE id = CAST(e.to_value AS BIGINT))
                              ELSE e.to_value END AS "to_value?"
           FROM (SELECT 0::bigint AS seq, client_id AS actor_id, 'created'::text AS kind,
                        NULL::text AS from_value, 'open'::text AS to_value, created_at
                 FROM tickets WHERE id = $1
                 UNION ALL
                 SELECT id, actor_id, kind, from_value, to_value, created_at
                 FROM events WHERE ticket_id = $1) e
           LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.created_at > $2 ORDER BY e.seq"#,
        ticket_id,
        since
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.actor, r.kind, r.from_value, r.to_value, r.created_at))
        .collect())
}

/// The first message (the description) of each of these tickets: (ticket, body).
pub async fn descriptions(pool: &PgPool, ticket_ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "SELECT m.ticket_id, m.body FROM messages m
         WHERE m.id IN (SELECT MIN(id) FROM messages WHERE ticket_id = ANY($1) GROUP BY ticket_id)",
        ticket_ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.ticket_id, r.body)).collect())
}
