//! Reading the dialect's input: the query string plus a `multipart/form-data` or
//! `application/x-www-form-urlencoded` body (GET requests included: the seed's sample code
//! sends form data with GETs).

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::Envelope;
use crate::AppState;
use crate::attachments::{UploadError, UploadForm, read_form};
use crate::tickets::Upload;

/// Every field of a request, query string first, and its files.
pub struct Input(pub UploadForm);

impl Input {
    /// The last value of `name` (a body value wins over the query string's).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, each split at commas (`tags=1,2` and `tags=1&tags=2`).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .fields
            .iter()
            .filter(|(k, _)| k == name || k == &format!("{name}[]"))
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn files(&mut self, name: &str) -> Vec<Upload> {
        self.0.take_files(name)
    }

    /// Whether a file sent as `name` was over the 2 MiB cap.
    pub fn too_big(&self, name: &str) -> bool {
        self.0.too_big.iter().any(|(k, _)| k == name)
    }
}

fn query_pairs(req: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn upload_error(e: UploadError) -> Envelope {
    match e {
        UploadError::TooLarge => {
            Envelope::error(StatusCode::PAYLOAD_TOO_LARGE, "attachment", super::TOO_BIG)
        }
        other => Envelope::error(StatusCode::BAD_REQUEST, "detail", other.to_string()),
    }
}

impl FromRequest<AppState> for Input {
    type Rejection = Envelope;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Envelope> {
        let query = query_pairs(&req);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut form = if content_type.starts_with("multipart/form-data") {
            let multipart = Multipart::from_request(req, state)
                .await
                .map_err(|e| Envelope::error(StatusCode::BAD_REQUEST, "detail", e.body_text()))?;
            read_form(multipart).await.map_err(upload_error)?
        } else {
            let body = Bytes::from_request(req, state).await.map_err(|e| {
                let status = e.status();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    Envelope::error(status, "attachment", super::TOO_BIG)
                } else {
                    Envelope::error(StatusCode::BAD_REQUEST, "detail", e.body_text())
                }
            })?;
            let urlencoded = content_type.is_empty()
                || content_type.starts_with("application/x-www-form-urlencoded");
            if !body.is_empty() && !urlencoded {
                return Err(Envelope::error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "detail",
                    format!("Unsupported media type \"{content_type}\" in request."),
                ));
            }
            UploadForm {
                fields: url::form_urlencoded::parse(&body).into_owned().collect(),
                ..UploadForm::default()
            }
        };
        let mut fields = query;
        fields.append(&mut form.fields);
        form.fields = fields;
        Ok(Input(form))
    }
}
