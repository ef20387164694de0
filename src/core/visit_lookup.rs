//! The visitor lookup (来访登记, `n`): what a typed query asks for, and in which order the store
//! tries the ways of answering it. Pure: `store/visit.rs` runs the SQL.
//!
//! # What matches
//!
//! A visit matches a query when its document number is the query (normalised: upper-case, no
//! spaces), its number ends in the query (4 digits or `X`), its visitor's name contains the query
//! (ASCII letters in any case), or — for a query of letters — the name's pinyin starts with it:
//! the initials (`zs`), the full pinyin (`zhangs`) or another reading (曾 `ceng` as well as the
//! surname reading `zeng`). A query of letters and digits with at least one digit (`0425`,
//! `11010519491231002X`, `E1234567`) is a document number or its last 4; names are not searched
//! for it. Matches are grouped by person — the same document number, or the same name where
//! there is none — and the [`LOOKUP_LIMIT`] persons whose newest matching visit is newest are
//! found; each is shown with their latest visit and how many visits they made.
//!
//! # How, at ten years (200,000 visits among 1,200,000 search documents)
//!
//! The old single statement read every visit on every key (45–75 ms at ten years). Now each way
//! below gives exactly those persons when it finishes, and may give up after its budget
//! ([`LookupBudget`]) and hand over to the next. Figures measured on the ten-year bench file
//! (`benches/duty.rs`, 1,000,000 log entries), best of three:
//!
//! 1. Numbers: the indexes on `id_key` and `id_last4` (0.03–0.1 ms).
//! 2. A query of letters: the newest visits in entry order, the whole rule checked on each, until
//!    [`LOOKUP_LIMIT`] persons are found. A few letters match many names (`z` one visitor in
//!    five, `liu`, `chen`): 0.2–2 ms. Their pinyin as a prefix query on the search index would
//!    first merge the postings of every key starting with them — the units' keys of a million
//!    log entries too (`z` 116 ms, `xia` 80 ms, `liu` 10 ms).
//! 3. Otherwise each half from the search index `search_uni`, whose document of a visit has the
//!    name at the start of `body` and every reading of the name in `keys`
//!    ([`crate::core::search::visit_doc`]): candidates newest first (the rowid is the time), the
//!    rule checked on the visit row, until [`LOOKUP_LIMIT`] persons are found, the candidates are
//!    older than the [`LOOKUP_LIMIT`]th person found so far, or they run out. The index holds
//!    every field of the visit, so a character common elsewhere makes candidates that are no
//!    names: `张` (also in 张庄村) needs 94 candidates for 50 persons (1 ms), `科` (in every
//!    host) is in no name at all. A full name with fewer than 50 namesakes reads all its
//!    candidates: 5–8 ms, the time FTS5 took to go through the position lists of three common
//!    characters (measured before migration 0018; a fragment of two or more Han characters is
//!    now its phrase of pairs, [`crate::core::search`]). The pinyin half asks for keys of the
//!    visitor's own name only, marked `_` in the document
//!    ([`crate::core::search::VISITOR_KEY_MARK`]: `keys : "_bgs"*`): before, letters that start
//!    a unit's or a host's pinyin but few names (`bgs`, 办公室, the unit of most log entries)
//!    walked those documents past the budget and then read every visit's pinyin (72 ms).
//! 4. When a half's candidates exceed its budget, that half reads every name (the index on
//!    `name`, 8 ms) or every visit's pinyin (the table, 50–60 ms, what every lookup cost before):
//!    a character in no name but in many visits (`科` 10 ms), or letters that start thousands of
//!    visitors' names. While the visits are being indexed again (after an upgrade), every lookup
//!    reads the visits themselves this way (visits are indexed first: seconds).
//!
//! Then, for the persons found, their latest visit and number of visits through the index on
//! `id_key` (or `name`): 50 persons in about 1 ms.

use super::name_pinyin::pinyin_query;
use super::search::{DocKind, VISITOR_KEY_MARK, fts_string, kind_match, text_match};
use super::visit::normalise_id;

/// The most people a lookup returns.
pub const LOOKUP_LIMIT: usize = 50;

/// How far each way of answering may go before the next takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupBudget {
    /// Step 2: newest visits read (4,096: about 2 ms).
    pub newest_visits: usize,
    /// Step 3, the name: candidates from the search index (2,048: about 4 ms; reading every
    /// name costs 8 ms).
    pub name_candidates: usize,
    /// Step 3, the pinyin: candidates (8,192: about 15 ms; reading every visit's pinyin costs
    /// 50 ms).
    pub pinyin_candidates: usize,
}

impl LookupBudget {
    pub const DEFAULT: Self = Self {
        newest_visits: 4_096,
        name_candidates: 2_048,
        pinyin_candidates: 8_192,
    };
}

impl Default for LookupBudget {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What a query asks the store for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupPlan {
    /// The normalised query, compared with `id_key`; `None` when it cannot be a number.
    pub id_number: Option<String>,
    /// The query as the last 4 of a number (4 digits or `X`).
    pub last4: Option<String>,
    /// The name and pinyin part; `None` for a document number.
    pub text: Option<TextLookup>,
}

/// The name (and pinyin) part of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLookup {
    /// Found in the visitor's name, as typed (trimmed); `%` and `_` are literal.
    pub fragment: String,
    /// The pinyin prefix (lower-case letters), for a query of letters.
    pub pinyin: Option<String>,
    /// Step 2 first: a query of letters.
    pub newest_first: bool,
    /// Step 3 for the name: candidates whose text contains the fragment. `None`: straight to
    /// reading every name (a fragment with digits, whose single-digit tokens are in nearly every
    /// document, or with nothing searchable in it).
    pub name_match: Option<String>,
    /// Step 3 for the pinyin: candidates with a key starting with the prefix.
    pub pinyin_match: Option<String>,
}

/// Letters and digits with at least one digit: a document number or its last 4.
fn is_number(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) && id.chars().any(|c| c.is_ascii_digit())
}

/// Reads a typed query; `None` when there is nothing to look for.
#[must_use]
pub fn lookup_plan(query: &str) -> Option<LookupPlan> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let id = normalise_id(q);
    let last4 = (id.chars().count() == 4 && id.chars().all(|c| c.is_ascii_digit() || c == 'X')).then(|| id.clone());
    let number = is_number(&id);
    let text = (!number).then(|| {
        let pinyin = pinyin_query(q);
        let only_visits = kind_match(DocKind::Visit);
        let name_match = if q.chars().any(|c| c.is_ascii_digit()) {
            None
        } else {
            text_match(q).map(|m| format!("{m} AND {only_visits}"))
        };
        TextLookup {
            fragment: q.to_string(),
            newest_first: pinyin.is_some(),
            pinyin_match: pinyin.as_ref().map(|p| {
                format!(
                    "keys : {}* AND {only_visits}",
                    fts_string(&format!("{VISITOR_KEY_MARK}{p}"))
                )
            }),
            pinyin,
            name_match,
        }
    });
    Some(LookupPlan {
        id_number: (!id.is_empty()).then_some(id),
        last4,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(q: &str) -> LookupPlan {
        lookup_plan(q).expect("something to look for")
    }

    #[test]
    fn nothing_typed_looks_for_nothing() {
        assert_eq!(lookup_plan(""), None);
        assert_eq!(lookup_plan("  \u{3000} "), None);
    }

    #[test]
    fn digits_are_a_document_number_or_its_last_four() {
        let p = plan(" 1101 0519 4912 3100 2x ");
        assert_eq!(p.id_number.as_deref(), Some("11010519491231002X"));
        assert_eq!(p.last4, None);
        assert_eq!(p.text, None, "names are not searched for a number");
        let p = plan("002x");
        assert_eq!(p.last4.as_deref(), Some("002X"));
        assert_eq!(p.text, None);
        assert_eq!(plan("E1234567").text, None, "a passport number");
        assert_eq!(plan("04").text, None, "the start of a last 4");
    }

    #[test]
    fn chinese_is_a_name_fragment_from_the_index() {
        let p = plan("张三");
        assert_eq!(p.last4, None);
        let t = p.text.expect("a name");
        assert_eq!(t.fragment, "张三");
        assert_eq!(t.pinyin, None);
        assert!(!t.newest_first);
        assert_eq!(
            t.name_match.as_deref(),
            Some("body : \"张三\" AND tags : \"k来访\""),
            "two Han characters: their pair"
        );
        assert_eq!(t.pinyin_match, None);
    }

    #[test]
    fn letters_are_a_name_fragment_and_pinyin() {
        let t = plan("ZS").text.expect("letters");
        assert_eq!(t.pinyin.as_deref(), Some("zs"));
        assert!(t.newest_first, "pinyin: the newest visits first");
        assert_eq!(t.pinyin_match.as_deref(), Some("keys : \"_zs\"* AND tags : \"k来访\""));
        assert!(t.name_match.is_some(), "a Latin name may contain it");
        let t = plan("zhangs").text.expect("letters");
        assert_eq!(t.pinyin.as_deref(), Some("zhangs"));
    }

    #[test]
    fn user_text_stays_inside_fts_strings() {
        let t = plan("张\"OR*").text.expect("text");
        let m = t.name_match.expect("searchable");
        assert!(m.starts_with("body : \"张"), "{m}");
        assert!(!m.contains("OR*"), "{m}");
        assert_eq!(t.fragment, "张\"OR*");
    }

    #[test]
    fn punctuation_or_digits_in_a_name_read_every_name() {
        let t = plan("·").text.expect("text");
        assert_eq!(t.name_match, None);
        let t = plan("王5").text.expect("text");
        assert_eq!(t.name_match, None);
        assert_eq!(t.pinyin, None);
    }
}
