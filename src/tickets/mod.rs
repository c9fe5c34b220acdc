//! THE ticket core: the canonical model, its rules and one function per use case.
//! Every face (web pages, the three JSON dialects, the command line) calls these and only
//! translates their results; no face writes its own SQL for tickets.

/// In a use case of [`Core`]: the SQLite read pool and writer, or (on PostgreSQL) the
/// answer of the use case's twin in [`pg`], returned at once.
macro_rules! sqlite_or {
    ($core:expr, $pool:ident => $twin:expr) => {
        match &$core.backend {
            $crate::tickets::Backend::Sqlite { db, writer } => (db, writer),
            $crate::tickets::Backend::Postgres($pool) => return $twin,
        }
    };
}

mod access;
mod admin;
mod attachments;
mod catalog;
pub mod delete;
mod escalate;
mod events;
mod history;
pub mod inbound;
mod list;
mod messages;
pub mod model;
pub mod notify;
mod open;
pub mod pg;
pub mod rules;
pub mod saved_replies;
mod status;
mod update;
mod view;

pub use admin::Trashed;
pub use attachments::{AttachmentMeta, Download, LinkAttachment, Upload};
pub use catalog::Catalog;
pub use history::Event;
pub use list::{
    AssigneeFilter, Cursor, Exactness, LIST_MAX, ListFilter, Order, Page, SEARCH_HITS_MAX,
    StatusCounts, TicketSummary, fts_query, ts_query,
};
pub use messages::{MessageRef, NewMessage};
pub use model::{Actor, Category, Priority, Role, Status, Tag, TicketKey};
pub use open::{CategoryRef, NewTicket, Opened};
pub use rules::{CoreError, CoreResult, Field, FieldError, Problem};
pub use status::StatusChange;
pub use update::{TagSet, TicketUpdate, UserRef};
pub use view::{MessageView, PersonRef, TagRef, TicketDetail};

use sqlx::PgPool;

use crate::config::Settings;
use crate::db::{Db, Store, Writer};

/// Where the core keeps its data. Every use case is written once for each (SQLite in its
/// module, PostgreSQL in [`pg`]) over the same rules; [`Core`]'s methods pick the one.
#[derive(Clone)]
pub enum Backend {
    /// The embedded default: reads on a pool, every write through the one writer.
    Sqlite { db: Db, writer: Writer },
    /// Several instances on one database: each use case is one transaction on the pool,
    /// what the single writer serialised is held by row locks.
    Postgres(PgPool),
}

impl From<Store> for Backend {
    fn from(store: Store) -> Self {
        Backend::Sqlite {
            db: store.db,
            writer: store.writer,
        }
    }
}

impl From<PgPool> for Backend {
    fn from(pool: PgPool) -> Self {
        Backend::Postgres(pool)
    }
}

/// The core's handle: the database and the defaults that settings may override.
#[derive(Clone)]
pub struct Core {
    pub backend: Backend,
    pub defaults: Settings,
    /// Whether changes queue mail notifications (mail is configured).
    pub notices: notify::Notices,
    /// How mail is sent, when it is configured.
    pub mail: Option<std::sync::Arc<crate::mail::MailConfig>>,
    /// Wakes the mail worker after a change queued notices.
    pub mail_wake: std::sync::Arc<tokio::sync::Notify>,
    catalog: catalog::CatalogCache,
}

impl Core {
    pub fn new(backend: impl Into<Backend>, defaults: Settings) -> Self {
        Self {
            backend: backend.into(),
            defaults,
            notices: notify::Notices::default(),
            mail: None,
            mail_wake: Default::default(),
            catalog: catalog::CatalogCache::default(),
        }
    }

    /// The same core, queueing mail notifications and sending them with `mail`.
    pub fn with_mail(mut self, mail: crate::mail::MailConfig) -> Self {
        self.notices = notify::Notices { enabled: true };
        self.mail = Some(std::sync::Arc::new(mail));
        self
    }

    /// Starts sending what changes queue (when mail is configured).
    pub fn start_mail_worker(&self) {
        if let Some(config) = &self.mail {
            crate::mail::spawn_worker(self.backend.clone(), config.clone(), self.mail_wake.clone());
        }
    }

    /// After a change that may have queued notices: the worker looks at once.
    fn wake_mail(&self) {
        if self.notices.enabled {
            self.mail_wake.notify_one();
        }
    }

    /// `done`, once the mail worker was woken if it is a success (a change that may have
    /// queued notices).
    fn woke<T>(&self, done: CoreResult<T>) -> CoreResult<T> {
        if done.is_ok() {
            self.wake_mail();
        }
        done
    }

    /// The open-ticket limit: the admin setting if one was saved, else the configured one.
    pub async fn open_ticket_limit(&self) -> CoreResult<i64> {
        let default = self.defaults.open_ticket_limit;
        let (db, _) = sqlite_or!(self, pool => pg::open_ticket_limit(pool, default).await);
        Ok(open_ticket_limit_in(db, default).await?)
    }

    /// Active agents and admins, by name: who a ticket can be assigned to.
    pub async fn staff_members(&self) -> CoreResult<Vec<(i64, String)>> {
        let (db, _) = sqlite_or!(self, pool => pg::staff_members(pool).await);
        let rows = sqlx::query!(
            "SELECT id, name FROM users WHERE role IN ('agent', 'admin') AND active = 1 ORDER BY name"
        )
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
    }

    /// Every tag, by name.
    pub async fn tags(&self) -> CoreResult<Vec<Tag>> {
        let (db, _) = sqlite_or!(self, pool => pg::tags(pool).await);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", name, keyword FROM tags WHERE active = 1 ORDER BY name"#
        )
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Tag {
                id: r.id,
                name: r.name,
                keyword: r.keyword,
            })
            .collect())
    }

    /// Every category in id order.
    pub async fn categories(&self) -> CoreResult<Vec<Category>> {
        let (db, _) = sqlite_or!(self, pool => pg::categories(pool).await);
        let rows =
            sqlx::query!("SELECT id, slug, name, description, active FROM categories ORDER BY id")
                .fetch_all(db)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| Category {
                id: r.id,
                slug: r.slug,
                name: r.name,
                description: r.description,
                active: r.active != 0,
            })
            .collect())
    }
}

/// The open-ticket limit: the admin's setting, else `default` (the command line's).
pub(crate) async fn open_ticket_limit_in<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    default: i64,
) -> sqlx::Result<i64> {
    let saved = sqlx::query_scalar!("SELECT value FROM settings WHERE key = 'open_ticket_limit'")
        .fetch_optional(db)
        .await?;
    Ok(limit_from(saved, default))
}

/// The open-ticket limit from the admin's saved value (if it is a number), else `default`:
/// the rule of every backend.
pub(crate) fn limit_from(saved: Option<String>, default: i64) -> i64 {
    saved.and_then(|v| v.parse().ok()).unwrap_or(default)
}
