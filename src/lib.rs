//! helpdesk: one ticket core, four faces (web pages, three JSON dialects), one binary.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod github;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod routes;
pub mod secure;
pub mod server;
pub mod tickets;
pub mod web;
pub mod words;

use std::net::IpAddr;
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
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Site {
    pub fn new(base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            trusted_proxies: Vec::new(),
        }
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<ipnet::IpNet>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// nearest address in `X-Forwarded-For` that is not a trusted proxy (read from the
    /// right: entries further left were written by the client and may be forged).
    pub fn client_addr(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        let trusted = |ip: &IpAddr| self.trusted_proxies.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                break; // garbage: believe nothing further left
            };
            client = ip;
            if !trusted(&ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[::1]:5678`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

impl AppState {
    /// Accounts, sessions, tokens and keys, on the core's database.
    pub fn accounts(&self) -> auth::accounts::Accounts<'_> {
        auth::accounts::Accounts(&self.core.backend)
    }
}

/// The Content-Security-Policy of every page: nothing but our own stylesheet, images and
/// script file (no inline script or style), requests only to ourselves, forms only to
/// ourselves, never in a frame.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";
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

/// Every route of every face (the table behind [`app`]).
pub fn routes() -> routes::Routes {
    routes::Routes::new()
        .merge(api::router())
        .merge(web::router())
}

/// Every path the application routes, in the order they were added.
pub fn route_paths() -> Vec<String> {
    routes().paths().to_vec()
}

/// The whole application: every face merged, with the layers every response gets.
pub fn app(state: AppState) -> Router {
    routes()
        .into_router()
        .fallback(|| async { web::error::WebError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::errors_in_layout,
        ))
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

#[cfg(test)]
mod tests {
    use super::Site;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let site = Site::new("http://x").with_trusted_proxies(vec![
            "10.0.0.0/8".parse().unwrap(),
            "::1/128".parse().unwrap(),
        ]);
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(site.client_addr(ip("10.1.2.3"), &h), ip("203.0.113.9"));
        assert_eq!(site.client_addr(ip("::1"), &h), ip("203.0.113.9"));
        // Not a trusted proxy: its header is the client's own words.
        assert_eq!(site.client_addr(ip("198.51.100.7"), &h), ip("198.51.100.7"));
        // Forged entries on the left are skipped: the nearest untrusted hop is the client.
        let h = forwarded(&["1.1.1.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(site.client_addr(ip("10.1.2.3"), &h), ip("203.0.113.9"));
        // Ports, and garbage stops the walk.
        let h = forwarded(&["203.0.113.9:4711"]);
        assert_eq!(site.client_addr(ip("10.1.2.3"), &h), ip("203.0.113.9"));
        let h = forwarded(&["1.1.1.1, nonsense"]);
        assert_eq!(site.client_addr(ip("10.1.2.3"), &h), ip("10.1.2.3"));
        // No header: the proxy itself.
        assert_eq!(
            site.client_addr(ip("10.1.2.3"), &HeaderMap::new()),
            ip("10.1.2.3")
        );
        // Nothing trusted by default.
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(
            Site::new("http://x").client_addr(ip("10.1.2.3"), &h),
            ip("10.1.2.3")
        );
    }
}
