//! The JSON faces. Each dialect parses its own request shapes, answers in its own error
//! shape and calls the ticket core; none holds a business rule.

pub mod docs;
pub mod epixel;
pub mod legacy;
pub mod v2;

use std::collections::HashMap;

use axum::Router;
use axum::http::{HeaderMap, header};

use crate::AppState;
use crate::auth::tokens;
use crate::tickets::Actor;

pub fn router() -> Router<AppState> {
    Router::new()
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
    Ok(match tokens::user_for_api_token(state.db(), token).await? {
        Some(actor) => Bearer::User(actor),
        None => Bearer::Invalid,
    })
}

/// A query string as a map (the last value of a repeated key wins). Parsed by hand so that
/// a malformed query is the dialect's error to word, never the framework's.
pub fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}
