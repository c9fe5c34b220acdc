//! The stylesheet and the one small script (saved replies), embedded in the binary (one
//! file to deploy) and served under content-hashed names with a year-long, immutable cache
//! lifetime. Pages work without the script.
//!
//! During a rolling upgrade of several instances, a page rendered by one build asks
//! another for its own build's name. That request gets this build's file under a
//! short, revalidated cache lifetime (never stored as immutable under a name that is not
//! its hash): the page is styled, and the next page names the file it gets.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::routes::Routes;

const STYLESHEET: &str = include_str!("../../static/style.css");

static STYLESHEET_URL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "/static/style.{}.css",
        &crate::secure::sha256_hex(STYLESHEET)[..12]
    )
});

pub fn stylesheet_url() -> &'static str {
    STYLESHEET_URL.as_str()
}

const REPLIES_SCRIPT: &str = include_str!("../../static/replies.js");

static REPLIES_SCRIPT_URL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "/static/replies.{}.js",
        &crate::secure::sha256_hex(REPLIES_SCRIPT)[..12]
    )
});

/// The script that inserts a saved reply without a page load.
pub fn replies_script_url() -> &'static str {
    REPLIES_SCRIPT_URL.as_str()
}

pub fn router() -> Routes {
    Routes::new().route(
        "/static/{file}",
        get(asset).layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        )),
    )
}

async fn asset(Path(file): Path<String>) -> Response {
    if let Some(response) = current(&format!("/static/{file}")) {
        response
    } else if let Some(mut response) = other_build(&file).and_then(current) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    } else {
        (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
    }
}

/// The file this build serves at `path`.
fn current(path: &str) -> Option<Response> {
    if path == stylesheet_url() {
        Some(
            (
                [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                STYLESHEET,
            )
                .into_response(),
        )
    } else if path == replies_script_url() {
        Some(
            (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                REPLIES_SCRIPT,
            )
                .into_response(),
        )
    } else {
        None
    }
}

/// This build's URL of an asset that `file` names under another build's hash
/// (`style.<12 hex digits>.css`).
fn other_build(file: &str) -> Option<&'static str> {
    let (stem, rest) = file.split_once('.')?;
    let (hash, ext) = rest.split_once('.')?;
    if hash.len() != 12 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match (stem, ext) {
        ("style", "css") => Some(stylesheet_url()),
        ("replies", "js") => Some(replies_script_url()),
        _ => None,
    }
}
