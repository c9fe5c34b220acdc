//! Attachments: stored bytes (at most 2 MiB, with their SHA-256) or external URLs.

use sqlx::SqliteConnection;

use super::Core;
use super::model::Actor;
use super::rules::{
    ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, CoreError, CoreResult, Field, Problem, Problems,
};
use crate::clock::now_ms;
use crate::secure::{public_id, sha256_hex};

/// A file received from a client, already cut off at the cap by the face's parser.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A v2 attachment object: a link the server stores but never fetches.
#[derive(Debug, Clone)]
pub struct LinkAttachment {
    pub filename: String,
    pub url: String,
    pub size: i64,
    pub content_type: String,
}

/// What lists and threads show of an attachment.
#[derive(Debug, Clone)]
pub struct AttachmentMeta {
    pub id: i64,
    pub public_id: String,
    pub message_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub url: Option<String>,
    pub created_at: i64,
}

/// An attachment's bytes as a download answers them.
#[derive(Debug, Clone)]
pub struct Download {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Makes a client's file name safe to store and to send back in a header: the last path
/// component, without control characters or quotes, at most 200 characters.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned.to_owned()
    }
}

/// Keeps a well-formed `type/subtype` media type, else `application/octet-stream`.
pub fn sanitize_content_type(value: &str) -> String {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match essence.split_once('/') {
        Some((t, s)) if token(t) && token(s) => essence,
        _ => "application/octet-stream".into(),
    }
}

/// Checks the count and size limits of one message's attachments.
pub(crate) fn check_attachments(
    problems: &mut Problems,
    uploads: &[Upload],
    links: &[LinkAttachment],
    claimed: &[String],
) {
    if uploads.len() + links.len() + claimed.len() > ATTACHMENTS_MAX {
        problems.add(
            Field::Attachments,
            Problem::TooMany {
                max: ATTACHMENTS_MAX,
            },
        );
    }
    if let Some(big) = uploads.iter().find(|u| u.data.len() > ATTACHMENT_MAX_BYTES) {
        problems.add(
            Field::Attachments,
            Problem::FileTooBig {
                filename: big.filename.clone(),
            },
        );
    }
    for link in links {
        let ok = url::Url::parse(&link.url)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .unwrap_or(false);
        if !ok || link.filename.trim().is_empty() || link.size < 0 {
            problems.add(Field::Attachments, Problem::Invalid);
            break;
        }
    }
}

/// Stores a message's attachments inside the caller's transaction. Claimed ids (uploaded
/// earlier through the legacy dialect) must be the actor's own and unused.
pub(crate) async fn attach_all(
    tx: &mut SqliteConnection,
    actor: &Actor,
    ticket_id: i64,
    message_id: i64,
    uploads: Vec<Upload>,
    links: Vec<LinkAttachment>,
    claimed: &[String],
) -> CoreResult<()> {
    let now = now_ms();
    for upload in uploads {
        insert_upload(&mut *tx, actor, Some((ticket_id, message_id)), upload, now).await?;
    }
    for link in links {
        let pid = public_id();
        let filename = sanitize_filename(&link.filename);
        let content_type = sanitize_content_type(&link.content_type);
        sqlx::query!(
            "INSERT INTO attachments (public_id, ticket_id, message_id, uploader_id, filename,
                                      content_type, size, url, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            pid,
            ticket_id,
            message_id,
            actor.id,
            filename,
            content_type,
            link.size,
            link.url,
            now,
        )
        .execute(&mut *tx)
        .await?;
    }
    for id in claimed {
        let done = sqlx::query!(
            "UPDATE attachments SET ticket_id = ?, message_id = ?
             WHERE public_id = ? AND uploader_id = ? AND ticket_id IS NULL",
            ticket_id,
            message_id,
            id,
            actor.id,
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(CoreError::invalid(Field::Attachments, Problem::Unknown));
        }
    }
    Ok(())
}

async fn insert_upload(
    tx: &mut SqliteConnection,
    actor: &Actor,
    place: Option<(i64, i64)>,
    upload: Upload,
    now: i64,
) -> CoreResult<AttachmentMeta> {
    if upload.data.len() > ATTACHMENT_MAX_BYTES {
        return Err(CoreError::invalid(
            Field::Attachments,
            Problem::FileTooBig {
                filename: upload.filename,
            },
        ));
    }
    let pid = public_id();
    let filename = sanitize_filename(&upload.filename);
    let content_type = sanitize_content_type(&upload.content_type);
    let size = upload.data.len() as i64;
    let digest = sha256_hex(&upload.data);
    let (ticket_id, message_id) = place.unzip();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO attachments (public_id, ticket_id, message_id, uploader_id, filename,
                                    content_type, size, sha256, data, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        pid,
        ticket_id,
        message_id,
        actor.id,
        filename,
        content_type,
        size,
        digest,
        upload.data,
        now,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(AttachmentMeta {
        id,
        public_id: pid,
        message_id,
        filename,
        content_type,
        size,
        url: None,
        created_at: now,
    })
}

impl Core {
    /// Stores an upload that is not yet part of any message (the legacy `POST
    /// /attachments`); only its uploader may reference it later.
    pub async fn upload_unattached(
        &self,
        actor: &Actor,
        upload: Upload,
    ) -> CoreResult<AttachmentMeta> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::upload_unattached(pool, actor, upload).await
        });
        let actor = actor.clone();
        writer
            .write(move |tx| {
                Box::pin(async move { insert_upload(tx, &actor, None, upload, now_ms()).await })
            })
            .await
    }

    /// The bytes of an attachment the actor may see: on a ticket they may see, not on an
    /// internal note unless they are staff; an unused upload only for its uploader.
    /// Anything else answers `NotFound`, exactly like a missing attachment.
    pub async fn download(&self, actor: &Actor, attachment_id: i64) -> CoreResult<Download> {
        let (db, _) = sqlite_or!(self, pool => {
            super::pg::download(pool, actor, attachment_id).await
        });
        let staff = actor.is_staff();
        let row = sqlx::query!(
            r#"SELECT a.filename, a.content_type, a.data AS "data!"
               FROM attachments a
               LEFT JOIN tickets t ON t.id = a.ticket_id
               LEFT JOIN messages m ON m.id = a.message_id
               WHERE a.id = ?1 AND a.data IS NOT NULL
                 AND CASE WHEN a.ticket_id IS NULL THEN a.uploader_id = ?2
                          ELSE t.deleted_at IS NULL
                               AND (?3 OR (t.client_id = ?2 AND COALESCE(m.internal, 0) = 0))
                     END"#,
            attachment_id,
            actor.id,
            staff,
        )
        .fetch_optional(db)
        .await?
        .ok_or(CoreError::NotFound)?;
        Ok(Download {
            filename: row.filename,
            content_type: row.content_type,
            data: row.data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_paths_and_header_breakers() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("C:\\x\\a\"b.txt"), "ab.txt");
        assert_eq!(sanitize_filename("line\r\nbreak.txt"), "linebreak.txt");
        assert_eq!(sanitize_filename("..."), "attachment");
        assert_eq!(sanitize_filename("rapport é.pdf"), "rapport é.pdf");
    }

    #[test]
    fn content_types_are_kept_only_when_well_formed() {
        assert_eq!(
            sanitize_content_type("text/plain; charset=utf-8"),
            "text/plain"
        );
        assert_eq!(sanitize_content_type("Image/PNG"), "image/png");
        assert_eq!(
            sanitize_content_type("text/html\r\nX: y"),
            "application/octet-stream"
        );
        assert_eq!(sanitize_content_type(""), "application/octet-stream");
    }
}
