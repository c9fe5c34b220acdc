//! What the pages' pickers offer (categories, tags, who can be assigned), kept in memory
//! and reloaded when the database's catalog version moves past it.
//!
//! The version is a row that triggers bump on every change to categories, tags and staff
//! users (migration 0005), so changes from any process count. Pages read it in the same
//! query as the session, which makes the pickers free on every page view.

use std::sync::{Arc, RwLock};

use super::Core;
use super::model::{Category, Tag};
use super::rules::CoreResult;

/// Categories (all, in id order), active tags (by name) and active agents and admins (by
/// name), as of `version`.
#[derive(Debug)]
pub struct Catalog {
    pub version: i64,
    pub categories: Vec<Category>,
    pub tags: Vec<Tag>,
    pub staff: Vec<(i64, String)>,
}

/// The last catalog loaded, shared by every clone of the core.
#[derive(Clone, Default)]
pub(super) struct CatalogCache(Arc<RwLock<Option<Arc<Catalog>>>>);

impl CatalogCache {
    fn at_least(&self, version: i64) -> Option<Arc<Catalog>> {
        let cached = self.0.read().unwrap_or_else(|e| e.into_inner());
        cached.as_ref().filter(|c| c.version >= version).cloned()
    }

    fn store(&self, catalog: Arc<Catalog>) {
        let mut cached = self.0.write().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_none_or(|c| c.version < catalog.version) {
            *cached = Some(catalog);
        }
    }
}

impl Core {
    /// The current catalog. `known_version` is the version the caller already read (with
    /// the session); without it the version is read now.
    pub async fn catalog(&self, known_version: Option<i64>) -> CoreResult<Arc<Catalog>> {
        let version = match known_version {
            Some(v) => v,
            None => self.catalog_version().await?,
        };
        if let Some(catalog) = self.catalog.at_least(version) {
            return Ok(catalog);
        }
        // Read the version before the lists: the lists are then at least that new, and a
        // change in between only makes the next page reload once more.
        let version = self.catalog_version().await?.max(version);
        let catalog = Arc::new(Catalog {
            version,
            categories: self.categories().await?,
            tags: self.tags().await?,
            staff: self.staff_members().await?,
        });
        self.catalog.store(catalog.clone());
        Ok(catalog)
    }

    async fn catalog_version(&self) -> CoreResult<i64> {
        let (db, _) = sqlite_or!(self, pool => {
            Ok(helpdesk_store_pg::catalog::version(pool).await?)
        });
        Ok(
            sqlx::query_scalar!("SELECT version FROM catalog_version WHERE id = 1")
                .fetch_one(db)
                .await?,
        )
    }
}
