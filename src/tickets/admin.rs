//! What admins manage around tickets: the trash, categories, tags and settings. Only
//! admins may call these (`Forbidden` otherwise).

use super::model::{Actor, Tag};
use super::rules::{CoreError, CoreResult, Field, Problem, Problems};
use super::{Core, events};

/// A deleted ticket as the trash lists it.
#[derive(Debug, Clone)]
pub struct Trashed {
    pub number: i64,
    pub title: String,
    pub client: String,
    pub deleted_by: String,
    pub deleted_at: i64,
}

pub(crate) fn admin_only(actor: &Actor) -> CoreResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(CoreError::Forbidden)
    }
}

fn slug_ok(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 50
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A new category's slug and name, checked (the rules of every backend).
pub(crate) fn new_category(slug: &str, name: &str) -> CoreResult<(String, String)> {
    let mut p = Problems::default();
    let name = p.text(Field::Category, name, 100);
    if !slug_ok(slug.trim()) {
        p.add(Field::Category, Problem::Invalid);
    }
    p.into_result()?;
    Ok((slug.trim().to_owned(), name))
}

pub(crate) fn category_name(name: &str) -> CoreResult<String> {
    let mut p = Problems::default();
    let name = p.text(Field::Category, name, 100);
    p.into_result()?;
    Ok(name)
}

pub(crate) fn tag_name(name: &str) -> CoreResult<String> {
    let mut p = Problems::default();
    let name = p.text(Field::Tags, name, super::rules::TAG_MAX);
    p.into_result()?;
    Ok(name)
}

impl Core {
    /// Deleted tickets, most recently deleted first (at most 200).
    pub async fn trash(&self, actor: &Actor) -> CoreResult<Vec<Trashed>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::trash(pool, actor).await);
        admin_only(actor)?;
        let rows = sqlx::query!(
            r#"SELECT t.number, t.title, c.name AS client, COALESCE(d.name, '?') AS "deleted_by!: String",
                      t.deleted_at AS "deleted_at!: i64"
               FROM tickets t JOIN users c ON c.id = t.client_id LEFT JOIN users d ON d.id = t.deleted_by
               WHERE t.deleted_at IS NOT NULL ORDER BY t.deleted_at DESC LIMIT 200"#
        )
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Trashed {
                number: r.number,
                title: r.title,
                client: r.client,
                deleted_by: r.deleted_by,
                deleted_at: r.deleted_at,
            })
            .collect())
    }

    /// Brings a deleted ticket back.
    pub async fn restore_ticket(&self, actor: &Actor, number: i64) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::restore_ticket(pool, actor, number).await
        });
        admin_only(actor)?;
        let actor_id = actor.id;
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let id = sqlx::query_scalar!(
            "UPDATE tickets SET deleted_at = NULL, deleted_by = NULL, version = version + 1
             WHERE number = ? AND deleted_at IS NOT NULL RETURNING id",
            number
        )
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(CoreError::NotFound)?;
                    events::record(&mut *tx, id, actor_id, "restored", None, None).await?;
                    Ok(())
                })
            })
            .await
    }

    /// Removes a deleted ticket for good, with its messages, attachments and history.
    pub async fn purge_ticket(&self, actor: &Actor, number: i64) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::purge_ticket(pool, actor, number).await
        });
        admin_only(actor)?;
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let done = sqlx::query!(
                        "DELETE FROM tickets WHERE number = ? AND deleted_at IS NOT NULL",
                        number
                    )
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(CoreError::NotFound);
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Creates a category; the slug is its API name (letters, digits, `_` and `-`).
    pub async fn create_category(
        &self,
        actor: &Actor,
        slug: &str,
        name: &str,
        description: &str,
    ) -> CoreResult<i64> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::create_category(pool, actor, slug, name, description).await
        });
        admin_only(actor)?;
        let (slug, name) = new_category(slug, name)?;
        let description = description.trim().to_owned();
        writer
            .write(move |tx| Box::pin(async move {
        match sqlx::query_scalar!(
            r#"INSERT INTO categories (slug, name, description) VALUES (?, ?, ?) RETURNING id AS "id!""#,
            slug,
            name,
            description
        )
        .fetch_one(&mut *tx)
        .await
        {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(CoreError::invalid(Field::Category, Problem::Invalid))
            }
            Err(e) => Err(e.into()),
        }
            }))
            .await
    }

    /// Renames, describes, activates or deactivates a category.
    pub async fn update_category(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        description: &str,
        active: bool,
    ) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::update_category(pool, actor, id, name, description, active).await
        });
        admin_only(actor)?;
        let name = category_name(name)?;
        let description = description.trim().to_owned();
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let done = sqlx::query!(
                        "UPDATE categories SET name = ?, description = ?, active = ? WHERE id = ?",
                        name,
                        description,
                        active,
                        id
                    )
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        Err(CoreError::NotFound)
                    } else {
                        Ok(())
                    }
                })
            })
            .await
    }

    /// Deletes a category no ticket uses (deleted ones included); one in use can only be
    /// deactivated (`Invalid`).
    pub async fn delete_category(&self, actor: &Actor, id: i64) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::delete_category(pool, actor, id).await
        });
        admin_only(actor)?;
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let used = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM tickets WHERE category_id = ?) AS "u!: bool""#,
            id
        )
        .fetch_one(&mut *tx)
        .await?;
                    if used {
                        return Err(CoreError::invalid(Field::Category, Problem::Invalid));
                    }
                    let done = sqlx::query!("DELETE FROM categories WHERE id = ?", id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(CoreError::NotFound);
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Every tag, active or not, for the admin page.
    pub async fn all_tags(&self, actor: &Actor) -> CoreResult<Vec<(Tag, bool)>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::all_tags(pool, actor).await);
        admin_only(actor)?;
        let rows =
            sqlx::query!(r#"SELECT id AS "id!", name, keyword, active FROM tags ORDER BY name"#)
                .fetch_all(db)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    Tag {
                        id: r.id,
                        name: r.name,
                        keyword: r.keyword,
                    },
                    r.active != 0,
                )
            })
            .collect())
    }

    /// Creates a tag or, with `id`, edits one (name, keyword, active).
    pub async fn save_tag(
        &self,
        actor: &Actor,
        id: Option<i64>,
        name: &str,
        keyword: &str,
        active: bool,
    ) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::save_tag(pool, actor, id, name, keyword, active).await
        });
        admin_only(actor)?;
        let name = tag_name(name)?;
        let keyword = keyword.trim().to_owned();
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let result =
                        match id {
                            None => {
                                sqlx::query!(
                                    "INSERT INTO tags (name, keyword, active) VALUES (?, ?, ?)",
                                    name,
                                    keyword,
                                    active
                                )
                                .execute(&mut *tx)
                                .await
                            }
                            Some(id) => sqlx::query!(
                                "UPDATE tags SET name = ?, keyword = ?, active = ? WHERE id = ?",
                                name,
                                keyword,
                                active,
                                id
                            )
                            .execute(&mut *tx)
                            .await,
                        };
                    match result {
                        Ok(done) if done.rows_affected() == 0 => Err(CoreError::NotFound),
                        Ok(_) => Ok(()),
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            Err(CoreError::invalid(Field::Tags, Problem::Invalid))
                        }
                        Err(e) => Err(e.into()),
                    }
                })
            })
            .await
    }

    /// Saves a setting (`open_ticket_limit`, `github_repo`, `github_token`); an empty value
    /// removes it, so the command line's value applies again.
    pub async fn save_setting(&self, actor: &Actor, key: &str, value: &str) -> CoreResult<()> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::save_setting(pool, actor, key, value).await
        });
        admin_only(actor)?;
        let (key, value) = (key.to_owned(), value.trim().to_owned());
        writer
            .write(move |tx| Box::pin(async move {
        if value.is_empty() {
            sqlx::query!("DELETE FROM settings WHERE key = ?", key)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query!(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                key,
                value
            )
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
            }))
            .await
    }
}
