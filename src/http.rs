//! HTTP helpers both faces use (the pages and the JSON dialects), so that neither leans on
//! the other: query strings and attachment URLs.

use std::collections::HashMap;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Percent-encodes a value for a query string, a path segment or a cookie.
pub fn encode_query(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// A query string as a map (the last value of a repeated key wins). Parsed by hand so that
/// a malformed query is the caller's error to word, never the framework's.
pub fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}
