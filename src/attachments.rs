//! Reading multipart bodies with per-file caps: a file is never kept past 2 MiB + one
//! chunk, and the body as a whole is capped by the route's `DefaultBodyLimit`.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::tickets::rules::{ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX};
use crate::tickets::{Download, Upload};

/// The body limit of a route that takes uploads: ten full files and the text around them.
pub const UPLOAD_BODY_LIMIT: usize = ATTACHMENTS_MAX * ATTACHMENT_MAX_BYTES + 1024 * 1024;
/// No text field of ours needs more (a 50,000-character message in 4-byte characters).
const TEXT_FIELD_MAX: usize = 256 * 1024;
/// Bounds the work one request can cause.
const PARTS_MAX: usize = 64;

/// A parsed multipart form. Files over the cap are reported by name, not kept.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Upload)>,
    pub too_big: Vec<(String, String)>,
}

impl UploadForm {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The non-empty files sent under `name`.
    pub fn files(&self, name: &str) -> Vec<Upload> {
        self.files
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, u)| u.clone())
            .collect()
    }

    pub fn take_files(&mut self, name: &str) -> Vec<Upload> {
        let (mine, rest) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(k, _)| k == name);
        self.files = rest;
        mine.into_iter().map(|(_, u)| u).collect()
    }
}

/// Why a multipart body could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("The request is too large.")]
    TooLarge,
    #[error("The form could not be read: {0}")]
    Malformed(String),
    #[error("The form has too many parts.")]
    TooManyParts,
}

impl UploadError {
    pub fn status(&self) -> StatusCode {
        match self {
            UploadError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<MultipartError> for UploadError {
    fn from(e: MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            UploadError::Malformed(e.body_text())
        }
    }
}

/// Reads every part. A file part with an empty name and no bytes (a file input left
/// empty) is skipped; a file over 2 MiB is drained without being kept and reported in
/// `too_big`; a text field over 256 KiB is refused.
///
/// An empty body, or one with no part at all (the seed 004 sample sends `formData: {}` on a
/// GET), is an empty form, not an error.
pub async fn read_form(mut multipart: Multipart) -> Result<UploadForm, UploadError> {
    let mut form = UploadForm::default();
    let mut parts = 0;
    loop {
        let next = match multipart.next_field().await {
            Ok(next) => next,
            Err(e) if parts == 0 && no_parts_at_all(&e) => None,
            Err(e) => return Err(e.into()),
        };
        let Some(mut field) = next else { break };
        parts += 1;
        if parts > PARTS_MAX {
            return Err(UploadError::TooManyParts);
        }
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let cap = if filename.is_some() {
            ATTACHMENT_MAX_BYTES
        } else {
            TEXT_FIELD_MAX
        };
        let mut data = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.chunk().await? {
            if over {
                continue;
            }
            if data.len() + chunk.len() > cap {
                over = true;
                data = Vec::new();
            } else {
                data.extend_from_slice(&chunk);
            }
        }
        match filename {
            Some(filename) if over => form.too_big.push((name, filename)),
            Some(filename) if filename.is_empty() && data.is_empty() => {}
            Some(filename) => form.files.push((
                name,
                Upload {
                    filename,
                    content_type,
                    data,
                },
            )),
            None if over => return Err(UploadError::TooLarge),
            None => {
                let text = String::from_utf8(data)
                    .map_err(|_| UploadError::Malformed(format!("field {name} is not UTF-8")))?;
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}

/// Whether the parser gave up before the first part because there was none: an empty
/// body, or only the closing boundary.
fn no_parts_at_all(e: &MultipartError) -> bool {
    std::error::Error::source(e)
        .and_then(|source| source.downcast_ref::<multer::Error>())
        .is_some_and(|e| matches!(e, multer::Error::IncompleteStream))
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::http::encode_query(filename)
    )
}

/// A stored file as every face answers it: always a download (never rendered inline),
/// with the stored content type, `nosniff` and a sandboxing CSP.
pub fn download_response(file: Download) -> Response {
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&file.filename))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        file.data,
    )
        .into_response()
}
