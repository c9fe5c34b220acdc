//! Cross-site request forgery defences for cookie-authenticated forms.
//!
//! Two layers: every form carries the token of the `hd_csrf` cookie (a double-submit token,
//! renewed at login and logout), and every unsafe request whose `Origin` (or, lacking it,
//! `Referer`) names another site is refused before any handler runs.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::secure::same_secret;

pub const COOKIE: &str = "hd_csrf";
pub const FIELD: &str = "csrf";

/// Whether the form's token matches the cookie's.
pub fn verify(cookie: Option<&str>, submitted: &str) -> bool {
    matches!(cookie, Some(c) if !c.is_empty() && same_secret(c, submitted))
}

/// The host (with port) that a same-site request must come from.
fn request_host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST)?.to_str().ok()
}

fn origin_host(value: &str) -> Option<String> {
    let url = url::Url::parse(value).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Whether an unsafe request comes from this site (or from a client that names no site,
/// such as a script: those have no ambient cookies to abuse and still need the token).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        None => true,
        Some("null") => false,
        Some(source) => match (origin_host(source), request_host(headers)) {
            (Some(from), Some(host)) => from.eq_ignore_ascii_case(host),
            _ => false,
        },
    }
}

/// Middleware: refuses cross-site unsafe requests to the browser pages.
pub async fn origin_guard(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_origin(request.headers()) {
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_origin(&headers(&[(header::HOST, "a.test:8080")])));
        assert!(same_origin(&headers(&[
            (header::HOST, "a.test:8080"),
            (header::ORIGIN, "http://a.test:8080")
        ])));
        assert!(!same_origin(&headers(&[
            (header::HOST, "a.test:8080"),
            (header::ORIGIN, "http://evil.test")
        ])));
        assert!(!same_origin(&headers(&[
            (header::HOST, "a.test"),
            (header::REFERER, "https://evil.test/a.test")
        ])));
        assert!(!same_origin(&headers(&[
            (header::HOST, "a.test"),
            (header::ORIGIN, "null")
        ])));
    }

    #[test]
    fn token_must_match_cookie() {
        assert!(verify(Some("abc"), "abc"));
        assert!(!verify(Some("abc"), "abd"));
        assert!(!verify(None, ""));
        assert!(!verify(Some(""), ""));
    }
}
