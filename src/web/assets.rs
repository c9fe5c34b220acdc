//! The stylesheet, embedded in the binary (one file to deploy) and served under a
//! content-hashed name with a year-long, immutable cache lifetime.

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
    if format!("/static/{file}") == stylesheet_url() {
        (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLESHEET,
        )
            .into_response()
    } else {
        (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
    }
}
