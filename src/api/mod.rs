//! The JSON faces. Each dialect parses its own request shapes, answers in its own error
//! shape and calls the ticket core; none holds a business rule.

pub mod docs;
pub mod epixel;
pub mod legacy;
pub mod v2;

use std::collections::HashMap;

use axum::http::{HeaderMap, header};

use crate::AppState;
use crate::auth::tokens;
use crate::routes::Routes;
use crate::tickets::{Actor, ListFilter, Order};

pub fn router() -> Routes {
    Routes::new()
        .merge(v2::router())
        .merge(legacy::router())
        .merge(epixel::router())
        .merge(docs::router())
}

/// What an `Authorization: Bearer` header says.
pub enum Bearer {
    Missing,
    Invalid,
    User(Actor),
}

/// Resolves the API token of `Authorization: Bearer <token>` to its (active) user.
pub async fn bearer(state: &AppState, headers: &HeaderMap) -> Result<Bearer, sqlx::Error> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(Bearer::Missing);
    };
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Ok(Bearer::Invalid),
    };
    Ok(
        match tokens::user_for_api_token(state.db(), state.writer(), token).await? {
            Some(actor) => Bearer::User(actor),
            None => Bearer::Invalid,
        },
    )
}

/// A query string as a map (the last value of a repeated key wins). Parsed by hand so that
/// a malformed query is the dialect's error to word, never the framework's.
pub fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The `page` (1-based, default 1) and `limit` (default 10, at most 100) of a list query,
/// and a newest-first filter for that page. A value that is not a number is ignored.
pub fn paged(q: &HashMap<String, String>) -> (i64, i64, ListFilter) {
    let number = |name: &str, default: i64| {
        q.get(name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    let page = number("page", 1).max(1);
    let limit = number("limit", 10).clamp(1, 100);
    let filter = ListFilter {
        order: Order::Created,
        offset: (page - 1).saturating_mul(limit),
        limit,
        ..ListFilter::default()
    };
    (page, limit, filter)
}
