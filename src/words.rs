//! Digits grouped by thousands (`20,004`); each language's way of writing numbers and
//! sizes is `crate::i18n::Lang::number` and `Lang::size`.

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

#[cfg(test)]
mod tests {
    use super::grouped;
    use crate::i18n::Lang;

    /// Sizes are said in the reader's language now (`Lang::size`, tested there too).
    #[test]
    fn sizes_read_well() {
        let size = |n| Lang::En.size(n);
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
        // "n tickets" is a Fluent plural now (`list-tickets`).
        let count = |n: i64| {
            Lang::En.t_with(
                "list-tickets",
                &[("n", n.into()), ("count", grouped(n).into())],
            )
        };
        assert_eq!(count(1), "1 ticket");
        assert_eq!(count(0), "0 tickets");
        assert_eq!(count(20004), "20,004 tickets");
    }
}
