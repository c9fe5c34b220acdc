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

/// A user's time zone for pages: an IANA zone, UTC when none is chosen.
#[derive(Debug, Clone)]
pub struct Zone(jiff::tz::TimeZone);

impl Default for Zone {
    fn default() -> Self {
        Zone(jiff::tz::TimeZone::UTC)
    }
}

impl Zone {
    /// The zone named `name` (an IANA name), or UTC for none or an unknown one.
    pub fn named(name: Option<&str>) -> Self {
        name.and_then(|n| jiff::tz::TimeZone::get(n).ok())
            .map(Zone)
            .unwrap_or_default()
    }

    /// `2024-01-15 11:30 CET`: the exact time in this zone.
    pub fn exact(&self, ms: i64) -> String {
        jiff::Timestamp::from_millisecond(ms)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(self.0.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
}

/// Whether `name` is a time zone the account page offers.
pub fn is_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// The time zones the account page offers, sorted (IANA names).
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("posix/"))
        .collect();
    names.push("UTC".to_owned());
    names.sort();
    names.dedup();
    names
}

/// How long ago `ms` was, as a page says it ("3 hours ago"), in whole units: the number
/// and the unit, for the words of the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ago {
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
    /// Longer ago than a month: pages show the date.
    Long,
}

pub fn ago(ms: i64, now: i64) -> Ago {
    let seconds = (now - ms) / 1000;
    match seconds {
        s if s < 60 => Ago::JustNow,
        s if s < 3600 => Ago::Minutes(s / 60),
        s if s < 86_400 => Ago::Hours(s / 3600),
        s if s < 30 * 86_400 => Ago::Days(s / 86_400),
        _ => Ago::Long,
    }
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
    fn times_are_shown_in_the_users_zone() {
        let ms = 1_705_314_600_123; // 2024-01-15 10:30 UTC
        assert_eq!(Zone::named(None).exact(ms), "2024-01-15 10:30 UTC");
        assert_eq!(
            Zone::named(Some("Europe/Madrid")).exact(ms),
            "2024-01-15 11:30 CET"
        );
        assert_eq!(
            Zone::named(Some("America/New_York")).exact(ms + 180 * 86_400_000),
            "2024-07-13 06:30 EDT"
        );
        assert_eq!(
            Zone::named(Some("Mars/Olympus")).exact(ms),
            "2024-01-15 10:30 UTC"
        );
        assert!(is_zone("Asia/Kolkata") && !is_zone("Mars/Olympus"));
        assert!(zone_names().contains(&"Europe/Madrid".to_owned()));
    }

    #[test]
    fn ago_rounds_down_to_whole_units() {
        let now = 10_000_000_000;
        assert_eq!(ago(now - 59_000, now), Ago::JustNow);
        assert_eq!(
            ago(now + 5_000, now),
            Ago::JustNow,
            "a clock a little ahead"
        );
        assert_eq!(ago(now - 60_000, now), Ago::Minutes(1));
        assert_eq!(ago(now - 3 * 3_600_000 - 1, now), Ago::Hours(3));
        assert_eq!(ago(now - 86_400_000, now), Ago::Days(1));
        assert_eq!(ago(now - 31 * 86_400_000, now), Ago::Long);
    }

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
