//! Time as stored (milliseconds since the Unix epoch, UTC) and as shown.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(UtcOffset::UTC)
}

/// `2024-01-15 10:30 UTC`, for pages.
pub fn display(ms: i64) -> String {
    datetime(ms)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

/// `2024-01-15T10:30:00Z` (the v2 dialect).
pub fn iso_seconds(ms: i64) -> String {
    datetime(ms)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default()
}

/// `2024-01-15T10:30:00.000Z` (the legacy dialect).
pub fn iso_millis(ms: i64) -> String {
    datetime(ms)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// Parses an RFC 3339 timestamp, with or without fractional seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let ms = 1_705_314_600_123;
        assert_eq!(iso_seconds(ms), "2024-01-15T10:30:00Z");
        assert_eq!(iso_millis(ms), "2024-01-15T10:30:00.123Z");
        assert_eq!(display(ms), "2024-01-15 10:30 UTC");
        assert_eq!(parse_rfc3339("2024-01-15T10:30:00.123Z"), Some(ms));
        assert_eq!(parse_rfc3339("2024-01-15T10:30:00Z"), Some(ms - 123));
    }
}
