//! The stylesheet and the one small script (saved replies), embedded in the binary (one
//! file to deploy) and served under content-hashed names with a year-long, immutable cache
//! lifetime. Pages work without the script.

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
    let path = format!("/static/{file}");
    if path == stylesheet_url() {
        (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLESHEET,
        )
            .into_response()
    } else if path == replies_script_url() {
        (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            REPLIES_SCRIPT,
        )
            .into_response()
    } else {
        (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
    }
}
