//! Saved replies and attachment reads on PostgreSQL.

use sqlx::PgPool;

/// (id, title, body, updated_at)
pub type ReplyRow = (i64, String, String, i64);

/// Every saved reply by title, ignoring case.
pub async fn saved_replies(pool: &PgPool) -> sqlx::Result<Vec<ReplyRow>> {
    let rows = sqlx::query!(
        r#"SELECT id, title, body, updated_at FROM saved_replies ORDER BY lower(title) COLLATE "C""#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.title, r.body, r.updated_at))
        .collect())
}

pub async fn saved_reply(pool: &PgPool, id: i64) -> sqlx::Result<Option<ReplyRow>> {
    let row = sqlx::query!(
        "SELECT id, title, body, updated_at FROM saved_replies WHERE id = $1",
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.title, r.body, r.updated_at)))
}

/// Why a saved reply was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("the title is taken")]
    Taken,
    #[error("no such reply")]
    Missing,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates a saved reply or, with `id`, edits one; its id. Titles are unique ignoring
/// case (an index: two saved at once with one title cannot both succeed).
pub async fn save_reply(
    pool: &PgPool,
    id: Option<i64>,
    title: &str,
    body: &str,
    author: i64,
    now: i64,
) -> Result<i64, ReplyError> {
    // Asked first, so that a refusal uses up no id; the index settles a race.
    let taken = sqlx::query_scalar!(
        "SELECT id FROM saved_replies WHERE lower(title) = lower($1) AND id IS DISTINCT FROM $2",
        title,
        id
    )
    .fetch_optional(pool)
    .await?;
    if taken.is_some() {
        return Err(ReplyError::Taken);
    }
    let saved = match id {
        Some(id) => {
            sqlx::query_scalar!(
                "UPDATE saved_replies SET title = $1, body = $2, updated_at = $3 WHERE id = $4
             RETURNING id",
                title,
                body,
                now,
                id
            )
            .fetch_optional(pool)
            .await
        }
        None => {
            sqlx::query_scalar!(
                "INSERT INTO saved_replies (title, body, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
                title,
                body,
                author,
                now
            )
            .fetch_optional(pool)
            .await
        }
    };
    match saved {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(ReplyError::Missing),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(ReplyError::Taken),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_saved_reply(pool: &PgPool, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM saved_replies WHERE id = $1", id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The bytes of an attachment the caller may see (as `Core::download` decides):
/// (filename, content type, data).
pub async fn download(
    pool: &PgPool,
    attachment_id: i64,
    actor_id: i64,
    staff: bool,
) -> sqlx::Result<Option<(String, String, Vec<u8>)>> {
    let row = sqlx::query!(
        r#"SELECT a.filename, a.content_type, a.data AS "data!"
           FROM attachments a
           LEFT JOIN tickets t ON t.id = a.ticket_id
           LEFT JOIN messages m ON m.id = a.message_id
           WHERE a.id = $1 AND a.data IS NOT NULL
             AND CASE WHEN a.ticket_id IS NULL THEN a.uploader_id = $2
                      ELSE t.deleted_at IS NULL
                           AND ($3 OR (t.client_id = $2 AND NOT COALESCE(m.internal, FALSE)))
                 END"#,
        attachment_id,
        actor_id,
        staff
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.filename, r.content_type, r.data)))
}
