//! Callers that authenticate with an API token (`Authorization: Bearer <token>`): the JSON
//! dialects, and attachment downloads by scripts.

use axum::http::{HeaderMap, header};

use crate::AppState;
use crate::tickets::Actor;

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
    Ok(match state.accounts().user_for_api_token(token).await? {
        Some(actor) => Bearer::User(actor),
        None => Bearer::Invalid,
    })
}
