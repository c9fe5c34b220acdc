//! helpdesk: one ticket core, four faces (web pages, three JSON dialects), one binary.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod github;
pub mod secure;
pub mod server;
pub mod tickets;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

use crate::tickets::Core;

/// The one state every handler receives.
#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub site: Arc<Site>,
}

/// Facts about where the site is served.
#[derive(Debug, Clone)]
pub struct Site {
    /// Absolute URL of the site without a trailing slash, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Cookies get `Secure` when the site is served over https.
    pub secure_cookies: bool,
}

impl Site {
    pub fn new(base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
        }
    }
}

impl AppState {
    /// The read pool.
    pub fn db(&self) -> &db::Db {
        &self.core.db
    }

    /// The one writer (see [`db::Writer`]).
    pub fn writer(&self) -> &db::Writer {
        &self.core.writer
    }
}

/// The Content-Security-Policy of every page: nothing but our own stylesheet and images,
/// no script at all, forms only to ourselves, never in a frame.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The API docs page (Swagger UI) runs its own scripts, from this server only, and reads
/// `/openapi.json`.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Sets the Content-Security-Policy a response does not set itself (downloads set a
/// stricter one).
async fn content_security_policy(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let docs = request.uri().path().starts_with("/docs");
    let mut response = next.run(request).await;
    let policy = if docs { DOCS_CSP } else { PAGE_CSP };
    response
        .headers_mut()
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(policy));
    response
}

/// The whole application: every face merged, with the layers every response gets.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(web::router())
        .with_state(state)
        .layer(axum::middleware::from_fn(content_security_policy))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // A 503 is "the database cannot take writes now": tell clients when to retry.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::RETRY_AFTER,
            |response: &axum::response::Response| {
                (response.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE)
                    .then(|| HeaderValue::from_static("30"))
            },
        ))
        .layer(
            // Method, path (never the query string, which may carry a setup token), status
            // and latency; no headers, so no cookies or tokens reach the logs.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(
                    |response: &axum::response::Response, latency: Duration, _: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "served"
                        );
                    },
                )
                .on_failure(DefaultOnFailure::new().level(Level::ERROR)),
        )
}
