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

#[cfg(test)]
mod tests {
    use super::{count, grouped};

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
