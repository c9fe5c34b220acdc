//! What admins change around tickets on PostgreSQL: categories, tags, settings.

use sqlx::PgPool;

/// Why a name was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the name is taken")]
    Taken,
    #[error("no such row")]
    Missing,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn taken(e: sqlx::Error) -> SaveError {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => SaveError::Taken,
        e => SaveError::Db(e),
    }
}

pub async fn create_category(
    pool: &PgPool,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<i64, SaveError> {
    sqlx::query_scalar!(
        "INSERT INTO categories (slug, name, description) VALUES ($1, $2, $3) RETURNING id",
        slug,
        name,
        description
    )
    .fetch_one(pool)
    .await
    .map_err(taken)
}

/// Renames, describes, activates or deactivates a category; false if there is none.
pub async fn update_category(
    pool: &PgPool,
    id: i64,
    name: &str,
    description: &str,
    active: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE categories SET name = $1, description = $2, active = $3 WHERE id = $4",
        name,
        description,
        active,
        id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes a category no ticket uses: `Ok(None)` if one does (it can only be
/// deactivated), `Ok(Some(false))` if there is no such category. The category's row is
/// locked first, so a ticket opened in it meanwhile waits and then fails its check.
pub async fn delete_category(pool: &PgPool, id: i64) -> sqlx::Result<Option<bool>> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT id FROM categories WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *tx)
        .await?;
    let used = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM tickets WHERE category_id = $1) AS "u!""#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if used {
        return Ok(None);
    }
    let done = sqlx::query!("DELETE FROM categories WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(done.rows_affected() > 0))
}

/// Every tag, active or not, by name ignoring case: (id, name, keyword, active).
pub async fn all_tags(pool: &PgPool) -> sqlx::Result<Vec<(i64, String, String, bool)>> {
    let rows = sqlx::query!(
        r#"SELECT id, name, keyword, active FROM tags ORDER BY lower(name) COLLATE "C""#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.keyword, r.active))
        .collect())
}

/// Creates a tag or, with `id`, edits one.
pub async fn save_tag(
    pool: &PgPool,
    id: Option<i64>,
    name: &str,
    keyword: &str,
    active: bool,
) -> Result<(), SaveError> {
    let done = match id {
        None => sqlx::query!(
            "INSERT INTO tags (name, keyword, active) VALUES ($1, $2, $3)",
            name,
            keyword,
            active
        )
        .execute(pool)
        .await
        .map_err(taken)?,
        Some(id) => sqlx::query!(
            "UPDATE tags SET name = $1, keyword = $2, active = $3 WHERE id = $4",
            name,
            keyword,
            active,
            id
        )
        .execute(pool)
        .await
        .map_err(taken)?,
    };
    if done.rows_affected() == 0 {
        return Err(SaveError::Missing);
    }
    Ok(())
}

/// Saves a setting; an empty value removes it.
pub async fn save_setting(pool: &PgPool, key: &str, value: &str) -> sqlx::Result<()> {
    if value.is_empty() {
        sqlx::query!("DELETE FROM settings WHERE key = $1", key)
            .execute(pool)
            .await?;
    } else {
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            key,
            value
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}
