//! Paper anchors for the audit chain (issue 14): the chain's head as an audit row number and the
//! first 16 hex digits of that row's hash, grouped for reading aloud — `第 1234 条 3F2A-9C1B-77D0-E415`.
//! Printed on every signed handover and daily report, the anchor lets anyone later check that the
//! chain up to that row is still the one that was printed (`zhiban verify --anchor 1234:3F2A-…`):
//! a chain rewritten and re-hashed after an edit, or a deleted tail, no longer matches.

/// Hex digits kept from the hash: 64 bits, read aloud in four groups.
pub const CODE_DIGITS: usize = 16;

/// An audit row and the start of its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub row: i64,
    /// `CODE_DIGITS` uppercase hex digits.
    pub code: String,
}

impl Anchor {
    /// From a row and its full hash in hex.
    #[must_use]
    pub fn new(row: i64, hash_hex: &str) -> Self {
        Self {
            row,
            code: hash_hex
                .chars()
                .take(CODE_DIGITS)
                .collect::<String>()
                .to_ascii_uppercase(),
        }
    }

    /// `3F2A-9C1B-77D0-E415`
    #[must_use]
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.code.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// `第 1234 条 3F2A-9C1B-77D0-E415`
    #[must_use]
    pub fn text(&self) -> String {
        format!("第 {} 条 {}", self.row, self.grouped())
    }

    /// `1234:3F2A-9C1B-77D0-E415`, what `verify --anchor` takes.
    #[must_use]
    pub fn argument(&self) -> String {
        format!("{}:{}", self.row, self.grouped())
    }

    /// Whether a full hash (hex) begins with this code.
    #[must_use]
    pub fn matches(&self, hash_hex: &str) -> bool {
        hash_hex
            .get(..CODE_DIGITS)
            .is_some_and(|h| h.eq_ignore_ascii_case(&self.code))
    }

    /// Reads `N:CODE` as written or read aloud: the code with or without dashes or spaces, any
    /// case; `第 N 条 CODE` too.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "锚点“{}”格式不对：应为 审计记录号:16 位校验码，如 1234:3F2A-9C1B-77D0-E415（见交接班记录或值班日报上的“审计链”一行）",
                super::text::sanitize(s, false)
            )
        };
        let (row, code) = match s.split_once([':', '：']) {
            Some(parts) => parts,
            None => {
                let rest = s.strip_prefix('第').ok_or_else(bad)?;
                rest.split_once('条').ok_or_else(bad)?
            }
        };
        let row: i64 = row.trim().parse().map_err(|_| bad())?;
        let code: String = code.chars().filter(|c| !matches!(c, '-' | ' ' | '\u{3000}')).collect();
        if row < 1 || code.len() != CODE_DIGITS || !code.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Self {
            row,
            code: code.to_ascii_uppercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_reads_aloud_and_parses_back_however_it_was_written() {
        let a = Anchor::new(1234, "3f2a9c1b77d0e415aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(a.text(), "第 1234 条 3F2A-9C1B-77D0-E415");
        assert_eq!(a.argument(), "1234:3F2A-9C1B-77D0-E415");
        for written in [
            "1234:3F2A-9C1B-77D0-E415",
            "1234:3f2a9c1b77d0e415",
            " 1234 ：3F2A 9C1B 77D0 E415 ",
            "第 1234 条 3F2A-9C1B-77D0-E415",
        ] {
            assert_eq!(Anchor::parse(written), Ok(a.clone()), "{written}");
        }
        assert!(a.matches("3F2A9C1B77D0E415ffff"));
        assert!(!a.matches("3F2A9C1B77D0E416ffff"));
        for bad in [
            "",
            "1234",
            "0:3F2A9C1B77D0E415",
            "x:3F2A9C1B77D0E415",
            "12:3F2A",
            "12:3F2A9C1B77D0E41G",
        ] {
            assert!(Anchor::parse(bad).unwrap_err().contains("格式不对"), "{bad}");
        }
    }
}
