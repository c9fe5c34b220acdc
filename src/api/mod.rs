//! The JSON faces. Each dialect parses its own request shapes, answers in its own error
//! shape and calls the ticket core; none holds a business rule.

pub mod docs;
pub mod epixel;
pub mod legacy;
pub mod v2;

use std::collections::HashMap;

pub use crate::auth::bearer::{Bearer, bearer};
pub use crate::http::query_map;
use crate::routes::Routes;
use crate::tickets::{ListFilter, Order};

pub fn router() -> Routes {
    Routes::new()
        .merge(v2::router())
        .merge(legacy::router())
        .merge(epixel::router())
        .merge(docs::router())
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
