//! Saying numbers well: digits grouped by thousands, and "1 ticket" against "2 tickets".

/// `20004` as `20,004`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things: `1 ticket`, `20,004 tickets`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// A file's size: `512 bytes`, `1.5 KiB`, `2.0 MiB`.
pub fn size(bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        count(bytes, "byte", "bytes")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::{count, grouped, size};

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(2 * 1024 * 1024), "2.0 MiB");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(20004), "20,004");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(-1234), "-1,234");
        assert_eq!(count(1, "ticket", "tickets"), "1 ticket");
        assert_eq!(count(0, "ticket", "tickets"), "0 tickets");
        assert_eq!(count(20004, "ticket", "tickets"), "20,004 tickets");
    }
}
