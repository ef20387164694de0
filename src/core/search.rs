//! 查询 — full-text search over duty-log entries, visits and urgent events: the query an officer
//! types, which index answers it, FTS5 query strings that user text can never break, the search
//! documents built from the records, and the byte ranges to highlight. Pure: the store
//! (`store/search.rs`) keeps the index current and runs the SQL.
//!
//! # What an officer types
//!
//! Words separated by spaces (also the full-width space), all of which must be found:
//! `城关镇 火灾`. A word is found as a substring anywhere in the record's searchable text
//! (Chinese, Latin letters case-insensitively, digits: `A123` finds the plate 云A12345,
//! `1234567` the phone 13812345678, `0871-6312` or `08716312` a landline). `"…"` or `“…”` keeps
//! spaces inside one word. A word of ASCII letters (`zgf`, `zengguofan`, `zs`) is also read as
//! pinyin: it finds a person or unit whose name's initials or full pinyin start with it (surname
//! readings: 曾国藩 is `zgf`); several such words are also tried joined (`zhang san` =
//! `zhangsan`). There are no operators: `AND`, `*`, `-`, brackets and quotes are text like any
//! other.
//!
//! Filters, each one word: `类型:来访` (值班记录/记录, 来访, 紧急事件/事件; several with `,` or `、`),
//! `状态:待办` (any status of the three kinds, see [`STATUSES`]), `从:2024-05-01` and
//! `到:2024-05-31` (inclusive days; `2024/5/1` and `20240501` too). The colon may be full-width.
//! Anything else with a colon (a time `10:30`) is text.
//!
//! # One index: characters, and pairs of Han characters
//!
//! `search_uni` holds the text with every letter, digit and Han character made its own token
//! ([`unigram_body`], lower-case), the pinyin keys, each a whole token, and the kind and status
//! tags. The store splits every column into tokens itself, so FTS5's tokenizer is `ascii`, which
//! only splits at spaces (migration 0019: `unicode61` looked up every character's category, 8 of
//! the 45 s the rebuild spent writing at ten years). Punctuation and field boundaries become a separator token `_`,
//! so a phrase never matches across them; inside a word, punctuation matches any punctuation. A
//! pinyin word is also a prefix query on the keys (`keys : "zs"*`), which FTS5 answers from its
//! term dictionary. Runs of Latin letters and digits are also indexed as their overlapping
//! four-character pieces in a fourth column, `nums` ([`alnum_pieces`]): ten digits as tokens are
//! in nearly every document, so a phone fragment as a phrase of digits checked positions across
//! most of the index; a word of only letters, digits and punctuation is answered from `nums`
//! alone, with the same matches.
//!
//! The body also holds, after its characters, every two adjacent Han characters as one token
//! ([`pair_body`], [`body_column`]: `核电站` → `核电 电站`). A word of one character is its
//! character (`"镇"`); a word of one run of two or more Han characters is its phrase of pairs
//! (`核电站泄漏` → `"核电 电站 站泄 泄漏"`), which matches exactly where the phrase of single
//! characters would; any other word (`云A123`, `伤亡。交警`) is its phrase of characters,
//! narrowed by its pairs. A phrase of characters costs every document that holds all of its
//! characters, matched or not: at ten years a word of common characters that never stand
//! together (局镇: 218,664 documents hold both) took 18–68 ms to find nothing, and slicing it
//! by time (`search_within`) only spread that over a budget. A pair that occurs nowhere has no
//! entry at all: FTS5 answers in 0.01 ms (a first page through the store 0.08 ms), and words
//! that occur are as fast or faster. The pairs cost 374 MiB at ten years (docs/perf-pairs.md). Ordering a phrase's characters rarest first
//! would not help: FTS5 already steps all of a phrase's lists together (218,664 documents hold
//! both 局 and 镇, in either order).
//!
//! Until migration 0009 a second, trigram index answered words of 3+ characters (FTS5's
//! `trigram` tokenizer finds nothing shorter, tech-probe.md §2). At ten years (1,200,000
//! documents) it was 623 MiB of a 2.7 GB file. The documents keep no copy of the text either: a
//! hit's snippet is built from its record.
//!
//! # Order
//!
//! A document's id is its time key: the seconds of its time ([`SearchDoc::at`]: an entry's
//! 发生时间, a visit's entry time, an event's 接报时间) × 65,536, plus a sequence number among the
//! documents of the same second ([`doc_id_floor`]). So "newest first" is simply `rowid DESC`,
//! which FTS5 returns without sorting (tech-probe: 0.07 ms against ~100 ms for sorting hits by a
//! time column), back-dated entries (补录) land in their place, a date range is a rowid range
//! inside the index, and the cursor of a page is the last document's id. A correction of an
//! entry's time moves its document to its new place. Within one second, the document indexed last
//! comes first.

use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime};

use super::escalation::EventState;
use super::log::{EntryId, NewEntry};
use super::name_pinyin::search_keys;
use super::urgent::{EventId, NewEvent};
use super::visit::Visit;

labelled_enum!(
    /// What kind of record a search document stands for.
    DocKind {
        Log => "值班记录",
        Visit => "来访",
        Event => "紧急事件",
        Document => "收文",
    }
);

/// A visit's status while the visitor is inside.
pub const VISIT_INSIDE: &str = "在楼";
/// A visit's status once the departure is recorded.
pub const VISIT_LEFT: &str = "已离开";

/// Every status a search document can have: the duty log's, a visit's, an event's.
pub const STATUSES: &[&str] = &[
    "待办",
    "办理中",
    "已办结",
    VISIT_INSIDE,
    VISIT_LEFT,
    "新",
    "已确认",
    "已处置",
    "已结束",
    DOC_UNSIGNED,
    DOC_SIGNED,
    DOC_NOT_FORWARDED,
    DOC_SECRET,
];

/// A document's status in the index: a forward waiting for its 签收, all signed for, never
/// forwarded, or a secret item (only its arrival is on file).
pub const DOC_UNSIGNED: &str = "待签收";
pub const DOC_SIGNED: &str = "已签收";
pub const DOC_NOT_FORWARDED: &str = "未转交";
pub const DOC_SECRET: &str = "密件";

/// Documents a second can hold in its id range (see [`doc_id_floor`]).
pub const IDS_PER_SECOND: i64 = 1 << 16;

/// Characters of text a hit's snippet shows.
pub const SNIPPET_CHARS: usize = 60;

/// The first document id of the second `at` falls in: seconds since 1970-01-01 00:00:00 (local
/// wall-clock time read as is) × [`IDS_PER_SECOND`].
#[must_use]
pub fn doc_id_floor(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp().saturating_mul(IDS_PER_SECOND)
}

/// The first document id of a day.
fn day_floor(day: NaiveDate) -> i64 {
    doc_id_floor(day.and_time(chrono::NaiveTime::MIN))
}

// ---------------------------------------------------------------------------------------------
// The query
// ---------------------------------------------------------------------------------------------

/// What to search for: free text and filters. Build it with [`SearchQuery::parse`] from what an
/// officer typed, or set the fields from a screen's own filter controls.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    /// Words (and `"quoted phrases"`), all of which must be found. Filter words are not
    /// interpreted here; [`SearchQuery::parse`] takes them out.
    pub text: String,
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub to: Option<NaiveDate>,
    /// Only these kinds; empty means all.
    pub kinds: Vec<DocKind>,
    /// Only this status (one of [`STATUSES`]).
    pub status: Option<String>,
}

/// One word of the query, normalised (full-width Latin and digits made half-width).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    /// Typed in quotes: never read as pinyin.
    pub quoted: bool,
}

impl Term {
    fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// 1–2 characters: left out when it is only punctuation (see [`SearchQuery::terms`]).
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.chars() <= 2
    }

    /// The pinyin key this word may be (lower-case ASCII letters, apostrophes dropped, at least
    /// two letters), unless it was quoted.
    #[must_use]
    pub fn pinyin(&self) -> Option<String> {
        if self.quoted {
            return None;
        }
        let p: String = self
            .text
            .chars()
            .filter(|c| *c != '\'')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        (p.len() >= 2 && p.chars().all(|c| c.is_ascii_lowercase())).then_some(p)
    }
}

/// A piece of the typed text: where it is, its value without quotes, whether it had any.
struct Piece {
    raw: Range<usize>,
    value: String,
    quoted: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// Splits at whitespace outside quotes; quote characters toggle quoting and are dropped.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current: Option<Piece> = None;
    let mut inside = false;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_whitespace() && !inside {
            out.extend(current.take());
            continue;
        }
        let p = current.get_or_insert(Piece {
            raw: i..end,
            value: String::new(),
            quoted: false,
        });
        p.raw.end = end;
        if is_quote(c) {
            inside = !inside;
            p.quoted = true;
        } else {
            p.value.push(c);
        }
    }
    out.extend(current);
    out
}

/// The filter words [`SearchQuery::parse`] knows.
const FILTERS: &[&str] = &["类型", "状态", "从", "到"];

fn parse_kind(s: &str) -> Option<DocKind> {
    match s {
        "记录" | "值班" | "日志" => Some(DocKind::Log),
        "事件" | "紧急" | "突发事件" | "紧急事项" => Some(DocKind::Event),
        "访客" => Some(DocKind::Visit),
        "文件" | "传真" | "明电" | "收文登记" => Some(DocKind::Document),
        s => DocKind::parse(s),
    }
}

/// `2024-05-01`, `2024/5/1`, `2024.5.1` or `20240501`.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = normalize(s);
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [y, m, d] => {
            let num = |p: &str| p.parse::<u32>().ok();
            let y = i32::try_from(num(y)?).ok()?;
            NaiveDate::from_ymd_opt(y, num(m)?, num(d)?)
        }
        _ => None,
    }
}

impl SearchQuery {
    /// Free text only, no filters.
    #[must_use]
    pub fn text(text: &str) -> Self {
        Self {
            text: text.to_string(),
            ..Self::default()
        }
    }

    /// Reads what an officer typed (see the module documentation). Errors are in Chinese and
    /// say how to fix the filter; free text never fails.
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = super::text::sanitize(input, false);
        let mut q = Self::default();
        let mut kept: Vec<&str> = Vec::new();
        for p in pieces(&input) {
            let filter = (!p.quoted)
                .then(|| p.value.split_once([':', '：']))
                .flatten()
                .filter(|(k, _)| FILTERS.contains(k));
            let Some((key, value)) = filter else {
                kept.push(input.get(p.raw.clone()).unwrap_or_default());
                continue;
            };
            if value.is_empty() {
                return Err(format!("“{key}:”后面缺少取值，如 类型:来访、状态:待办、从:2024-05-01"));
            }
            match key {
                "类型" => {
                    for v in value.split([',', '，', '、']).filter(|v| !v.is_empty()) {
                        let kind =
                            parse_kind(v).ok_or_else(|| format!("没有“{v}”这种类型：可写 {}", DocKind::choices()))?;
                        if !q.kinds.contains(&kind) {
                            q.kinds.push(kind);
                        }
                    }
                }
                "状态" => {
                    if !STATUSES.contains(&value) {
                        return Err(format!("没有“{value}”这种状态：可写 {}", STATUSES.join("、")));
                    }
                    q.status = Some(value.to_string());
                }
                _ => {
                    let day = parse_day(value)
                        .ok_or_else(|| format!("日期“{value}”看不懂：请写成 2024-05-01 这样的年-月-日"))?;
                    if key == "从" {
                        q.from = Some(day);
                    } else {
                        q.to = Some(day);
                    }
                }
            }
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            return Err(format!("起始日期 {from} 晚于截止日期 {to}：请对调或改正"));
        }
        q.text = kept.join(" ");
        Ok(q)
    }

    /// The words to find, normalised. Words that are only punctuation and 1–2 characters long
    /// are left out: they would match nearly everything.
    #[must_use]
    pub fn terms(&self) -> Vec<Term> {
        pieces(&self.text)
            .into_iter()
            .map(|p| Term {
                text: normalize(p.value.trim()),
                quoted: p.quoted,
            })
            .filter(|t| !t.text.is_empty() && (!t.is_short() || t.text.chars().any(char::is_alphanumeric)))
            .collect()
    }

    /// Whether only the kinds that match `kinds` are wanted (empty or all of them: no filter).
    fn kind_filter(&self) -> Option<Vec<DocKind>> {
        let all = DocKind::ALL.iter().all(|k| self.kinds.contains(k));
        (!self.kinds.is_empty() && !all).then(|| self.kinds.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Which index, and the MATCH expression
// ---------------------------------------------------------------------------------------------

/// How the store answers a query. `ids` is the range of document ids (times) to look in; the
/// store narrows its end to the page cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing can match (text typed, but nothing searchable in it; or `from` after `to`).
    Nothing,
    /// Every document in the range, newest first (no words, no kind or status filter).
    All { ids: Range<i64> },
    /// One FTS5 MATCH expression on `search_uni`.
    Match { expr: String, ids: Range<i64> },
}

/// An FTS5 string literal: user text can never break out of it.
#[must_use]
pub fn fts_string(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The token a kind is tagged with in the unigram index's `tags` column (`k来访`).
fn kind_tag(kind: DocKind) -> String {
    format!("k{}", kind.label())
}

/// The token a status is tagged with (`s待办`).
fn status_tag(status: &str) -> String {
    format!("s{status}")
}

fn tag_match(tag: &str) -> String {
    format!("tags : {}", fts_string(tag))
}

/// Whether a word's characters ([`unigram_body`]) are one run of two or more Han characters:
/// then its phrase of pairs alone finds exactly what its phrase of characters would.
fn one_han_run(chars: &str) -> bool {
    let mut n = 0;
    for token in chars.split(' ') {
        if !token.chars().next().is_some_and(pairs_with) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// One word's expression: its text as a phrase, or (for pinyin) also a key starting with it.
/// A word of one run of Han characters is its phrase of pairs (`"核电 电站"`): FTS5 steps
/// through the documents that hold every pair, not every one of the characters (a word of
/// common characters that never stand together, 局镇, walked the 218,664 documents holding both
/// at ten years; no document holds the pair). Any other word is its phrase of single
/// characters, which decides, narrowed by its phrase of pairs when it has any. Latin letters and
/// digits go through `nums` ([`alnum_pieces`]): a word of only those and punctuation there alone,
/// exactly; otherwise each run of [`PIECE`]+ as another condition that narrows the candidates.
fn term_match(t: &Term) -> String {
    let body = match exact_nums_phrase(&t.text) {
        Some(phrase) => format!("nums : {}", fts_string(&phrase)),
        None => {
            let chars = unigram_body(&t.text);
            let pairs = pair_body(&t.text);
            if one_han_run(&chars) {
                format!("body : {}", fts_string(&pairs))
            } else {
                let mut parts = vec![format!("body : {}", fts_string(&chars))];
                if !pairs.is_empty() {
                    parts.push(format!("body : {}", fts_string(&pairs)));
                }
                for (run, _) in alnum_runs(&t.text) {
                    if run.len() >= PIECE {
                        parts.push(format!("nums : {}", fts_string(&alnum_pieces(&run))));
                    }
                }
                if parts.len() == 1 {
                    parts.remove(0)
                } else {
                    format!("({})", parts.join(" AND "))
                }
            }
        }
    };
    match t.pinyin() {
        Some(p) => format!("({body} OR keys : {}*)", fts_string(&p)),
        None => body,
    }
}

/// The expression that finds `word` anywhere in a document's text, as a typed word is found but
/// never read as pinyin (the visitor lookup's name fragments); `None` if nothing in it is
/// searchable (only punctuation).
#[must_use]
pub fn text_match(word: &str) -> Option<String> {
    let t = Term {
        text: normalize(word.trim()),
        quoted: true,
    };
    (!unigram_body(&t.text).is_empty()).then(|| term_match(&t))
}

/// The expression that keeps documents of one kind.
#[must_use]
pub fn kind_match(kind: DocKind) -> String {
    tag_match(&kind_tag(kind))
}

/// Decides how `q` is answered: every document in a range, or a MATCH expression (see the module
/// documentation). Every piece of user text in `expr` is inside an FTS5 string.
#[must_use]
pub fn plan(q: &SearchQuery) -> Plan {
    let lo = q.from.map_or(i64::MIN, day_floor);
    let hi = q.to.and_then(|d| d.succ_opt()).map_or(i64::MAX, day_floor);
    if lo >= hi {
        return Plan::Nothing;
    }
    let ids = lo..hi;
    let terms = q.terms();
    if terms.is_empty() && !q.text.trim().is_empty() {
        return Plan::Nothing;
    }
    let kinds = q.kind_filter();
    if terms.is_empty() && kinds.is_none() && q.status.is_none() {
        return Plan::All { ids };
    }
    let mut parts: Vec<String> = Vec::new();
    if !terms.is_empty() {
        let mut words = terms.iter().map(term_match).collect::<Vec<_>>().join(" AND ");
        // `zhang san`: also the joined key.
        let joined: Option<String> = (terms.len() >= 2)
            .then(|| terms.iter().map(Term::pinyin).collect::<Option<Vec<_>>>())
            .flatten()
            .map(|p| p.concat());
        if let Some(j) = joined {
            words = format!("({words}) OR keys : {}*", fts_string(&j));
        }
        parts.push(format!("({words})"));
    }
    if let Some(kinds) = kinds {
        let any: Vec<String> = kinds.iter().map(|k| tag_match(&kind_tag(*k))).collect();
        parts.push(format!("({})", any.join(" OR ")));
    }
    if let Some(s) = &q.status {
        parts.push(tag_match(&status_tag(s)));
    }
    Plan::Match {
        expr: parts.join(" AND "),
        ids,
    }
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

/// What the index holds for one record. `text` is the searchable fields, normalised, one per
/// line (and a last line with the digits of phone numbers written with separators);
/// `keys` the pinyin keys of names and units, space-separated. The store keeps `text` and `keys`
/// only as index tokens and a [`SearchDoc::digest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub kind: DocKind,
    pub ref_id: i64,
    pub at: NaiveDateTime,
    pub status: String,
    /// Short: who, or which unit; what a result row shows first.
    pub title: String,
    pub text: String,
    pub keys: String,
}

/// Full-width Latin letters, digits and punctuation (as a Chinese input method types them) made
/// half-width; the ideographic space made a space.
fn fold(c: char) -> char {
    match c {
        '！'..='～' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// [`fold`] over a string.
#[must_use]
pub fn normalize(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// The unigram index's form of a text: every letter, digit and Han character a token of its own;
/// each run of anything else (punctuation, spaces, line breaks between fields) one `_` token;
/// nothing at either end.
#[must_use]
pub fn unigram_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut gap = false;
    for c in text.chars().map(fold) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push_str("_ ");
            }
            gap = false;
            // Lower case here: the `ascii` tokenizer folds ASCII letters only.
            out.extend(c.to_lowercase());
            out.push(' ');
        } else {
            gap = true;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Whether `c` (after [`fold`]) pairs with its Han neighbours ([`pair_body`]): a Han character
/// that [`unigram_body`] also keeps as a token of its own (an unassigned code point in a Han
/// block is punctuation to both). SQLite's tokenizer keeps each of the 94,508 such pairs with 一
/// as one token (checked with the bundled SQLite).
fn pairs_with(c: char) -> bool {
    is_han(c) && c.is_alphanumeric()
}

/// The pairs of a text: every two adjacent Han characters of a run (nothing between them, not
/// even a letter or a digit) as one token (`核电站` → `核电 电站`), and `_` between the pairs of
/// two runs. So a phrase of pairs (`"核电 电站"`) matches exactly where the phrase of single
/// characters (`"核 电 站"`) does, and never across a field, a punctuation mark or a letter.
#[must_use]
pub fn pair_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev: Option<char> = None;
    let mut gap = false;
    for c in text.chars().map(fold) {
        if !pairs_with(c) {
            prev = None;
            gap = true;
            continue;
        }
        if let Some(p) = prev {
            if gap && !out.is_empty() {
                out.push_str("_ ");
            }
            gap = false;
            out.push(p);
            out.push(c);
            out.push(' ');
        }
        prev = Some(c);
    }
    out.truncate(out.trim_end().len());
    out
}

/// The `body` column: the text's characters ([`unigram_body`]), then `_`, then its pairs
/// ([`pair_body`]). A phrase is of characters or of pairs, never both, and `_` sits between the
/// two parts, so neither matches into the other. In one column rather than a column of their
/// own: FTS5 marks every position list outside the first column with two bytes, 83 MiB more at
/// ten years (measured, docs/perf-pairs.md).
#[must_use]
pub fn body_column(text: &str) -> String {
    let chars = unigram_body(text);
    let pairs = pair_body(text);
    if pairs.is_empty() {
        chars
    } else {
        format!("{chars} _ {pairs}")
    }
}

impl SearchDoc {
    /// A fingerprint of what is indexed from `text` and `keys` (the first 8 bytes of SHA-256):
    /// equal digests mean the index needs no rewrite. Never 0 (0 marks a document written before
    /// digests were kept).
    #[must_use]
    pub fn digest(&self) -> i64 {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        // Of the folded text, as documents were made before they kept full-width punctuation:
        // the index is the same, so the digests stay the same and nothing is rewritten.
        h.update(normalize(&self.text).as_bytes());
        h.update([0]);
        h.update(self.keys.as_bytes());
        let bytes = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&bytes[..8]);
        match i64::from_le_bytes(first) {
            0 => 1,
            d => d,
        }
    }

    /// The columns of `search_uni`: body ([`body_column`]: characters, then pairs), keys, tags,
    /// nums ([`alnum_pieces`]).
    #[must_use]
    pub fn index_columns(&self) -> [String; 4] {
        [
            body_column(&self.text),
            self.keys.clone(),
            format!("{} {}", kind_tag(self.kind), status_tag(&self.status)),
            alnum_pieces(&self.text),
        ]
    }
}

/// Pieces of a text for the `nums` column: each run of Latin letters and digits (after [`fold`],
/// lower-case), and whether only punctuation, spaces or line breaks (no other letter, digit or
/// Han character) separate it from the previous run.
fn alnum_runs(text: &str) -> Vec<(String, bool)> {
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut clean_gap = true;
    for c in text.chars().map(fold).chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() {
            run.push(c.to_ascii_lowercase());
            continue;
        }
        if !run.is_empty() {
            runs.push((std::mem::take(&mut run), clean_gap));
            clean_gap = true;
        }
        if c.is_alphanumeric() {
            clean_gap = false;
        }
    }
    runs
}

/// Characters in a piece of a run of Latin letters and digits (see [`alnum_pieces`]).
const PIECE: usize = 4;

/// A run's overlapping pieces of [`PIECE`] characters (`13812` → `1381 3812`).
fn pieces_of(run: &str) -> impl Iterator<Item = &str> {
    (0..(run.len() + 1).saturating_sub(PIECE)).filter_map(|i| run.get(i..i + PIECE))
}

/// The `nums` column: every run of Latin letters and digits of [`PIECE`] or more (phone numbers,
/// plates, the last 4 of a document number) as its overlapping pieces of [`PIECE`] characters,
/// each a token, and between two runs `_` when only punctuation separates them, `__` otherwise.
/// Ten digits as single tokens are in nearly every document, so a phrase of them (`1381234`)
/// meant checking positions in most of the index (120–180 ms at a million records). Pieces of 3
/// were still too common (a landline's area code and `_` are in a third of the documents: 16 ms
/// for `0871-6312`); pieces of 4 are rare.
#[must_use]
pub fn alnum_pieces(text: &str) -> String {
    let mut tokens: Vec<&str> = Vec::new();
    let runs = alnum_runs(text);
    let mut clean = true;
    for (run, clean_gap) in &runs {
        clean &= *clean_gap;
        if run.len() < PIECE {
            // A short run is still something between its neighbours.
            clean = false;
            continue;
        }
        if !tokens.is_empty() {
            tokens.push(if clean { "_" } else { "__" });
        }
        tokens.extend(pieces_of(run));
        clean = true;
    }
    tokens.join(" ")
}

/// A word made only of Latin letters, digits and punctuation, each run of letters and digits at
/// least [`PIECE`] long (`13812345`, `A123`, `0871-6312`): its phrase in `nums`, which matches exactly
/// where the phrase of single characters would (runs in the same order, only punctuation between
/// them), but fast. `None` for anything else.
fn exact_nums_phrase(word: &str) -> Option<String> {
    let word = normalize(word);
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    if word.chars().any(|c| c.is_alphanumeric() && !c.is_ascii_alphanumeric()) {
        return None;
    }
    let runs = alnum_runs(word);
    (!runs.is_empty() && runs.iter().all(|(r, _)| r.len() >= PIECE)).then(|| alnum_pieces(word))
}

/// Joins the non-empty fields as typed (full-width punctuation kept for the snippet; every
/// column made from the text folds it, [`fold`]), one per line, then the digits of the phone numbers
/// written with separators (`0871-63121234` is also found as `08716312`).
fn join_fields(fields: &[&str], phones: &[&str]) -> String {
    let mut lines: Vec<String> = fields
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    let mut digits_only: Vec<String> = Vec::new();
    for phone in phones {
        for piece in phone.split(['/', ',', '，', '、', ';', '；']) {
            let piece = normalize(piece.trim());
            let digits: String = piece.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 3 && digits != piece && !digits_only.contains(&digits) {
                digits_only.push(digits);
            }
        }
    }
    if !digits_only.is_empty() {
        lines.push(digits_only.join(" "));
    }
    lines.join("\n")
}

/// Other readings kept per person (the surname's common reading first, see
/// [`crate::core::name_pinyin::search_keys`]); units keep their main reading only.
const PERSON_ALTERNATES: usize = 2;

/// Pinyin keys of people's names (with [`PERSON_ALTERNATES`] other readings) and of units. A
/// field is split at anything but letters (`张三、李四`, `刘主任 13700003333`): each name its keys.
fn build_keys(people: &[&str], units: &[&str]) -> String {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |k: String| {
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    };
    let names = people
        .iter()
        .map(|n| (n, PERSON_ALTERNATES))
        .chain(units.iter().map(|n| (n, 0)));
    let split = |field: &str| -> Vec<String> {
        normalize(field)
            .split(|c: char| !c.is_alphabetic())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (name, alternates) in names.flat_map(|(f, a)| split(f).into_iter().map(move |n| (n, a))) {
        for k in name_keys(name, alternates) {
            add(k);
        }
    }
    keys.join(" ")
}

/// Marks a key of the visitor's own name in a visit's document (`_zs`): the visitor lookup asks
/// for keys starting with `_` and its letters, and so reads the visitors whose names start with
/// them, never the documents of units and hosts that do (`bgs`, 办公室, is the key of most log
/// entries' units: 72 ms at ten years to walk them and find no visitor).
pub const VISITOR_KEY_MARK: char = '_';

/// The visitor's own name first, with every reading and as one whole (阿卜杜·热合曼 also as
/// `abudureheman`), as the visit row keeps it: the general search finds a name by any of these.
/// Then `keys`, then the name's keys again marked with [`VISITOR_KEY_MARK`] for the visitor
/// lookup, which takes its candidates from them.
fn with_visitor_keys(name: &str, keys: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let own = name_keys(name.to_string(), super::name_pinyin::MAX_ALTERNATES);
    let marked: Vec<String> = own.iter().map(|k| format!("{VISITOR_KEY_MARK}{k}")).collect();
    for k in own.into_iter().chain(keys.split(' ').map(str::to_string)).chain(marked) {
        if !k.is_empty() && k != "_" && !out.contains(&k) {
            out.push(k);
        }
    }
    out.join(" ")
}

/// Names remembered by [`name_keys`] (per thread), before it starts over.
const NAME_CACHE: usize = 4096;

thread_local! {
    /// Units and people recur from record to record; their pinyin is the costly part of a
    /// document (3 µs a name, measured; the backfill builds a million documents).
    static NAME_KEYS: std::cell::RefCell<std::collections::HashMap<(String, usize), Vec<String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// A name's keys: initials, full pinyin, then up to `alternates` other readings (both forms).
fn name_keys(name: String, alternates: usize) -> Vec<String> {
    let key = (name, alternates);
    if let Some(hit) = NAME_KEYS.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let k = search_keys(&key.0);
    let mut out = vec![k.initials, k.full];
    for (i, f) in k.alternates.into_iter().take(alternates) {
        out.push(i);
        out.push(f);
    }
    NAME_KEYS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= NAME_CACHE {
            c.clear();
        }
        c.insert(key, out.clone());
    });
    out
}

fn title(parts: &[&str], fallback: &str) -> String {
    let t = parts
        .iter()
        .map(|p| super::text::first_line(p.trim()))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if t.is_empty() { fallback.to_string() } else { t }
}

/// A duty-log entry's document: its content, result, unit, person, phone, forwarding and
/// category are searchable; the person's and the unit's names by pinyin too.
#[must_use]
pub fn log_doc(id: EntryId, e: &NewEntry) -> SearchDoc {
    SearchDoc {
        kind: DocKind::Log,
        ref_id: id,
        at: e.occurred_at,
        status: e.status.label().to_string(),
        title: title(&[&e.person, &e.unit], e.kind.label()),
        text: join_fields(
            &[
                &e.content,
                &e.result,
                &e.unit,
                &e.person,
                &e.phone,
                &e.forwarded_to,
                &e.category,
            ],
            &[&e.phone],
        ),
        keys: build_keys(&[&e.person], &[&e.unit]),
    }
}

/// A received document's search document: its title, 文号, sender, note and whom it was forwarded
/// to; a secret item has only its sender (nothing else of it is on file).
#[must_use]
pub fn document_doc(d: &super::document::Document) -> SearchDoc {
    let status = if d.secrecy.is_secret() {
        DOC_SECRET
    } else if d.forwards.iter().any(|f| f.signature.is_none()) {
        DOC_UNSIGNED
    } else if d.forwards.is_empty() {
        DOC_NOT_FORWARDED
    } else {
        DOC_SIGNED
    };
    let to: Vec<&str> = d.forwards.iter().map(|f| f.to_whom.as_str()).collect();
    let to_line = to.join("、");
    let label = format!("{}{} {}", d.urgency.label(), d.kind.label(), d.serial_label());
    SearchDoc {
        kind: DocKind::Document,
        ref_id: d.id,
        at: d.received_at,
        status: status.to_string(),
        title: format!("{} {}", d.serial_label(), d.from),
        text: join_fields(&[&d.title, &d.number, &d.from, &d.note, &to_line, &label], &[]),
        keys: build_keys(&to, &[&d.from]),
    }
}

/// A visit's document: the visitor, employer, phone, purpose, host, plate, the last 4 of the
/// document number (never the whole number), companions, handling, the 信访 matter and address,
/// and the representatives.
#[must_use]
pub fn visit_doc(v: &Visit) -> SearchDoc {
    let f = &v.fields;
    let id_tail = super::idcard::last4(&super::visit::normalise_id(&f.id_number));
    let (address, matter) = f
        .petition
        .as_ref()
        .map_or(("", ""), |p| (p.address.as_str(), p.matter.as_str()));
    let mut fields: Vec<&str> = vec![
        &f.name,
        &f.employer,
        &f.phone,
        &f.purpose,
        &f.host,
        &f.plate,
        &id_tail,
        &f.companions,
        &f.handling,
        matter,
        address,
    ];
    let mut people: Vec<&str> = vec![&f.name];
    let mut phones: Vec<&str> = vec![&f.phone];
    for r in &f.representatives {
        fields.push(&r.name);
        fields.push(&r.phone);
        people.push(&r.name);
        phones.push(&r.phone);
    }
    SearchDoc {
        kind: DocKind::Visit,
        ref_id: v.id,
        at: f.entered_at,
        status: if v.is_inside() { VISIT_INSIDE } else { VISIT_LEFT }.to_string(),
        title: title(&[&f.name, &f.employer], "来访"),
        text: join_fields(&fields, &phones),
        keys: with_visitor_keys(&f.name, &build_keys(&people, &[&f.employer, &f.host])),
    }
}

/// An urgent event's document: category, level, place, summary, source, measures, trend,
/// requests and contact.
#[must_use]
pub fn event_doc(id: EventId, e: &NewEvent, state: EventState, later: &[String]) -> SearchDoc {
    // The first record, then what came later: the reports' texts and the updated facts, so an
    // event is found by what any report said.
    let mut fields: Vec<&str> = vec![
        &e.category,
        e.level.label(),
        &e.place,
        &e.summary,
        &e.source,
        &e.measures,
        &e.trend,
        &e.requests,
        &e.contact,
    ];
    fields.extend(later.iter().map(String::as_str));
    SearchDoc {
        kind: DocKind::Event,
        ref_id: id,
        at: e.received_at,
        status: state.label().to_string(),
        title: title(&[&e.category, &e.place], "紧急事件"),
        text: join_fields(&fields, &[&e.contact]),
        keys: build_keys(&[&e.contact], &[&e.source]),
    }
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/// Where a page of results ended: pass it as `before` to get the next (older) page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SearchCursor(i64);

impl SearchCursor {
    pub(crate) fn new(doc_id: i64) -> Self {
        Self(doc_id)
    }

    /// The document id (its time key) the cursor stands at.
    #[must_use]
    pub fn doc_id(self) -> i64 {
        self.0
    }

    /// The time the cursor stands at (to the second): records older than it come after.
    #[must_use]
    pub fn at(self) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(self.0.div_euclid(IDS_PER_SECOND), 0)
            .map_or(NaiveDateTime::MIN, |t| t.naive_utc())
    }
}

/// A page of results, and whether the search stopped at its time budget before it had looked
/// through every record (`cut`: nothing newer than it was missed; older records are still to
/// search — pass it as `before` to go on). A cut page never looks complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub cut: Option<SearchCursor>,
}

/// How long a search may take: asked between the slices of time it searches, newest first. The
/// app measures real time; tests count slices, so nothing depends on the machine's speed.
pub trait Budget {
    /// Time spent so far.
    fn spent(&mut self) -> std::time::Duration;
    /// Time allowed.
    fn allowed(&self) -> std::time::Duration;
}

/// No limit (the command line, exports, tests of what is found).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

impl Budget for Unlimited {
    fn spent(&mut self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    fn allowed(&self) -> std::time::Duration {
        std::time::Duration::MAX
    }
}

/// The width (in document ids) of the next slice of time to search: as wide as the last one's
/// pace says will fit in half of what is left of the budget, between the last width and eight
/// times it (a slice that took no measurable time grows eightfold).
#[must_use]
pub fn next_slice(width: i64, took: std::time::Duration, left: std::time::Duration) -> i64 {
    let grown = width.saturating_mul(8);
    if took.is_zero() {
        return grown;
    }
    let pace = left.as_secs_f64() / 2.0 / took.as_secs_f64();
    // Truncation is intended: a slice width is a count of document ids.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let fitted = (width as f64 * pace).min(grown as f64) as i64;
    fitted.clamp(width, grown)
}

/// The first slice searched: the newest week.
pub const FIRST_SLICE: i64 = 7 * 86_400 * IDS_PER_SECOND;

/// One result, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: DocKind,
    /// The record: a log entry's, visit's or event's id, by `kind`.
    pub ref_id: i64,
    /// The record's time (entry 发生时间, visit entry time, event 接报时间).
    pub at: NaiveDateTime,
    /// Who, or which unit.
    pub title: String,
    /// The text around the first match, on one line (see [`snippet`]); highlight it with
    /// [`highlight`].
    pub snippet: String,
    pub status: String,
    /// This hit's place in the order.
    pub cursor: SearchCursor,
}

// ---------------------------------------------------------------------------------------------
// Highlighting
// ---------------------------------------------------------------------------------------------

/// The character as compared: half-width, lower-case.
fn fold_case(c: char) -> char {
    let c = fold(c);
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Byte ranges of every occurrence of `needle` in `text`, compared by [`fold_case`].
fn literal_ranges(text: &str, needle: &str, out: &mut Vec<Range<usize>>) {
    let needle: Vec<char> = needle.chars().map(fold_case).collect();
    if needle.is_empty() {
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, fold_case(c))).collect();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        if chars[i..i + needle.len()]
            .iter()
            .map(|(_, c)| *c)
            .eq(needle.iter().copied())
        {
            let start = chars[i].0;
            let end = chars.get(i + needle.len()).map_or(text.len(), |(b, _)| *b);
            out.push(start..end);
            i += needle.len();
        } else {
            i += 1;
        }
    }
}

/// The most characters at the start of a run of Han characters a pinyin key is looked for in.
const PINYIN_RUN: usize = 16;

/// For a pinyin word: at the start of each run of Han characters (a name field, a word after
/// punctuation or a space), the characters whose pinyin the word spells (`zgf` in `曾国藩来电`
/// marks `曾国藩`).
fn pinyin_ranges(text: &str, pinyin: &str, out: &mut Vec<Range<usize>>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i].1) {
            i += 1;
            continue;
        }
        let run_end = chars[i..]
            .iter()
            .position(|(_, c)| !is_han(*c))
            .map_or(chars.len(), |n| i + n);
        let run: String = chars[i..run_end.min(i + PINYIN_RUN)].iter().map(|(_, c)| *c).collect();
        let run_chars: Vec<char> = run.chars().collect();
        for k in 1..=run_chars.len().min(pinyin.len()) {
            let prefix: String = run_chars[..k].iter().collect();
            let keys = search_keys(&prefix);
            if keys.has_prefix(pinyin) {
                let end = chars.get(i + k).map_or(text.len(), |(b, _)| *b);
                out.push(chars[i].0..end);
                break;
            }
            // One more character helps only if a key so far starts the word (most runs stop at
            // their first character: this runs for every hit's snippet).
            let started = std::iter::once((&keys.initials, &keys.full))
                .chain(keys.alternates.iter().map(|(i, f)| (i, f)))
                .any(|(i, f)| pinyin.starts_with(i.as_str()) || pinyin.starts_with(f.as_str()));
            if !started {
                break;
            }
        }
        i = run_end;
    }
}

/// Byte ranges of `text` to highlight for `query`, sorted, merged where they touch: every
/// occurrence of every word (Latin case-insensitively, full-width as half-width), and for a
/// pinyin word the Han characters at the start of a run that spell it.
#[must_use]
pub fn highlight(text: &str, query: &SearchQuery) -> Vec<Range<usize>> {
    let terms = query.terms();
    let mut ranges = Vec::new();
    for t in &terms {
        literal_ranges(text, &t.text, &mut ranges);
        if let Some(p) = t.pinyin() {
            pinyin_ranges(text, &p, &mut ranges);
        }
    }
    if terms.len() >= 2
        && let Some(joined) = terms.iter().map(Term::pinyin).collect::<Option<Vec<_>>>()
    {
        pinyin_ranges(text, &joined.concat(), &mut ranges);
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// About `max_chars` characters of `text` around the first highlighted match (from the start of
/// that line, or a quarter of the width before the match), fields joined with ` · `, with `…` where
/// cut. Without a match in the text (a pinyin key matched), the start of the text.
#[must_use]
pub fn snippet(text: &str, query: &SearchQuery, max_chars: usize) -> String {
    let anchor = highlight(text, query).first().map_or(0, |r| r.start);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let a = chars.iter().position(|(b, _)| *b >= anchor).unwrap_or(0);
    let lead = (max_chars / 4).min(a);
    let mut start = a - lead;
    if let Some(nl) = chars[start..a].iter().rposition(|(_, c)| *c == '\n') {
        start += nl + 1;
    }
    let end = (start + max_chars).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (_, c) in &chars[start..end] {
        if *c == '\n' {
            out.push_str(" · ");
        } else {
            out.push(*c);
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_slice_fits_half_the_budget_left_between_once_and_eight_times_the_last() {
        use std::time::Duration;
        let ms = Duration::from_millis;
        assert_eq!(next_slice(100, Duration::ZERO, ms(20)), 800, "no measurable time: ×8");
        assert_eq!(next_slice(100, ms(1), ms(20)), 800, "pace 10: capped at ×8");
        assert_eq!(next_slice(100, ms(2), ms(12)), 300, "half of 12 ms at 2 ms a slice: ×3");
        assert_eq!(
            next_slice(100, ms(10), ms(4)),
            100,
            "slow: never narrower than the last"
        );
    }

    fn q(s: &str) -> SearchQuery {
        SearchQuery::parse(s).expect("a valid query")
    }

    fn texts(s: &str) -> Vec<String> {
        q(s).terms().into_iter().map(|t| t.text).collect()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn marked<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        highlight(text, &q(query))
            .into_iter()
            .map(|r| text.get(r).unwrap())
            .collect()
    }

    #[test]
    fn words_split_on_spaces_and_quotes_keep_phrases() {
        assert_eq!(texts("城关镇  火灾"), ["城关镇", "火灾"]);
        assert_eq!(texts("城关镇\u{3000}火灾"), ["城关镇", "火灾"]);
        assert_eq!(texts("\"城关镇 张庄\" 火灾"), ["城关镇 张庄", "火灾"]);
        assert_eq!(texts("“城关镇 张庄”"), ["城关镇 张庄"]);
        assert_eq!(texts("\"未闭合 引号"), ["未闭合 引号"]);
        assert!(q("\"城关镇 张庄\"").terms()[0].quoted);
    }

    #[test]
    fn full_width_latin_and_digits_are_half_width() {
        assert_eq!(texts("ＡＢ１２３"), ["AB123"]);
    }

    #[test]
    fn punctuation_only_short_words_are_dropped() {
        assert_eq!(texts("， 火 -"), ["火"]);
        assert_eq!(texts("..."), ["..."], "three characters are a real substring search");
    }

    #[test]
    fn filters_are_taken_out_of_the_text() {
        let got = q("类型:来访 张三 状态：在楼 从:2024-05-01 到:2024/5/31");
        assert_eq!(got.text, "张三");
        assert_eq!(got.kinds, [DocKind::Visit]);
        assert_eq!(got.status.as_deref(), Some("在楼"));
        assert_eq!(got.from, Some(day("2024-05-01")));
        assert_eq!(got.to, Some(day("2024-05-31")));
        assert_eq!(q("类型:记录、事件").kinds, [DocKind::Log, DocKind::Event]);
        assert_eq!(q("从:20240501").from, Some(day("2024-05-01")));
    }

    #[test]
    fn colons_that_are_not_filters_stay_text() {
        assert_eq!(q("10:30 来电").text, "10:30 来电");
        assert_eq!(q("\"类型:来访\"").text, "\"类型:来访\"");
        assert!(q("\"类型:来访\"").kinds.is_empty());
    }

    #[test]
    fn bad_filters_say_how_to_fix_them() {
        assert!(
            SearchQuery::parse("类型:猫")
                .unwrap_err()
                .contains("值班记录、来访、紧急事件")
        );
        assert!(SearchQuery::parse("状态:完成").unwrap_err().contains("已办结"));
        assert!(SearchQuery::parse("从:昨天").unwrap_err().contains("2024-05-01"));
        assert!(SearchQuery::parse("从:2024-02-30").is_err());
        assert!(SearchQuery::parse("类型:").unwrap_err().contains("缺少取值"));
        assert!(
            SearchQuery::parse("从:2024-06-01 到:2024-05-01")
                .unwrap_err()
                .contains("晚于")
        );
    }

    #[test]
    fn a_word_is_its_character_its_phrase_of_pairs_or_its_phrase_of_characters() {
        let expr = |s: &str| match plan(&q(s)) {
            Plan::Match { expr, .. } => Some(expr),
            _ => None,
        };
        assert_eq!(expr("张").as_deref(), Some("(body : \"张\")"));
        assert_eq!(expr("局镇").as_deref(), Some("(body : \"局镇\")"), "one pair");
        assert_eq!(expr("曾国藩").as_deref(), Some("(body : \"曾国 国藩\")"));
        assert_eq!(
            expr("城关镇 燃气泄漏").as_deref(),
            Some("(body : \"城关 关镇\" AND body : \"燃气 气泄 泄漏\")")
        );
        assert_eq!(
            expr("伤亡。交警").as_deref(),
            Some("((body : \"伤 亡 _ 交 警\" AND body : \"伤亡 _ 交警\"))"),
            "two runs: the characters decide, the pairs narrow"
        );
        assert_eq!(
            expr("2024年5月").as_deref(),
            Some("((body : \"2 0 2 4 年 5 月\" AND nums : \"2024\"))"),
            "no two Han characters together: no pairs"
        );
        assert_eq!(
            expr("A123").as_deref(),
            Some("(nums : \"a123\")"),
            "Latin letters and digits through their pieces"
        );
        assert_eq!(
            expr("0871-6312").as_deref(),
            Some("(nums : \"0871 _ 6312\")"),
            "punctuation inside a word matches a field's punctuation"
        );
        assert_eq!(
            expr("云A123").as_deref(),
            Some("((body : \"云 a 1 2 3\" AND nums : \"a123\"))"),
            "with Han characters: the pieces narrow, the characters decide"
        );
        assert_eq!(
            expr("城关镇 类型:来访,记录,事件,收文").as_deref(),
            Some("(body : \"城关 关镇\")"),
            "all kinds: no filter"
        );
        assert_eq!(
            plan(&q("")),
            Plan::All {
                ids: i64::MIN..i64::MAX
            }
        );
        assert_eq!(plan(&q("，")), Plan::Nothing);
    }

    #[test]
    fn expressions_quote_every_word() {
        let Plan::Match { expr, .. } = plan(&q("B*C AND (x) -y")) else {
            panic!("a match plan")
        };
        assert_eq!(
            expr,
            "(body : \"b _ c\" AND (body : \"a n d\" OR keys : \"and\"*) AND body : \"x\" AND body : \"y\")"
        );
        let Plan::Match { expr, .. } = plan(&q("B*C NEAR(a) -yz")) else {
            panic!("a match plan")
        };
        assert_eq!(
            expr,
            "(body : \"b _ c\" AND (body : \"n e a r _ a\" AND nums : \"near\") AND body : \"y z\")"
        );
        assert_eq!(fts_string("a\"b"), "\"a\"\"b\"");
        let Plan::Match { expr, .. } = plan(&q("张三 zs 类型:来访,紧急事件 状态:在楼")) else {
            panic!("a match plan")
        };
        assert_eq!(
            expr,
            "(body : \"张三\" AND (body : \"z s\" OR keys : \"zs\"*)) AND \
             (tags : \"k来访\" OR tags : \"k紧急事件\") AND tags : \"s在楼\""
        );
    }

    #[test]
    fn pinyin_words_search_keys_and_join() {
        let Plan::Match { expr, .. } = plan(&q("zhang san")) else {
            panic!("a match plan")
        };
        assert_eq!(
            expr,
            "(((nums : \"zhan hang\" OR keys : \"zhang\"*) AND (body : \"s a n\" OR keys : \"san\"*)) OR \
             keys : \"zhangsan\"*)"
        );
        let Plan::Match { expr, .. } = plan(&q("1234567")) else {
            panic!("a match plan")
        };
        assert_eq!(expr, "(nums : \"1234 2345 3456 4567\")");
        assert_eq!(q("\"zgf\"").terms()[0].pinyin(), None, "quoted: text only");
        assert_eq!(q("xi'an").terms()[0].pinyin().as_deref(), Some("xian"));
        assert_eq!(q("A123").terms()[0].pinyin(), None);
    }

    #[test]
    fn all_kinds_is_no_kind_filter() {
        assert_eq!(
            plan(&q("类型:值班记录,来访,紧急事件,收文")),
            Plan::All {
                ids: i64::MIN..i64::MAX
            }
        );
    }

    #[test]
    fn dates_become_a_range_of_document_ids() {
        let got = plan(&q("从:2024-05-01 到:2024-05-01"));
        let from = doc_id_floor(day("2024-05-01").and_hms_opt(0, 0, 0).unwrap());
        let next = doc_id_floor(day("2024-05-02").and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(got, Plan::All { ids: from..next });
        assert_eq!(next - from, 86_400 * IDS_PER_SECOND);
        let mut inverted = SearchQuery::text("火");
        inverted.from = Some(day("2024-05-02"));
        inverted.to = Some(day("2024-05-01"));
        assert_eq!(plan(&inverted), Plan::Nothing);
    }

    #[test]
    fn document_ids_follow_time() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let a = doc_id_floor(t("2016-01-01 00:00:00"));
        let b = doc_id_floor(t("2016-01-01 00:00:01"));
        assert_eq!(b - a, IDS_PER_SECOND);
        assert!(doc_id_floor(t("2099-12-31 23:59:59")) > b);
        assert_eq!(doc_id_floor(t("1970-01-01 00:00:00")), 0);
    }

    #[test]
    fn unigram_body_splits_characters_and_marks_gaps() {
        assert_eq!(unigram_body("张三来电"), "张 三 来 电");
        assert_eq!(unigram_body("事故，无人\n县局"), "事 故 _ 无 人 _ 县 局");
        assert_eq!(unigram_body("，云A·12 "), "云 a _ 1 2");
        // Every letter in lower case, not ASCII alone: the index's tokenizer (`ascii`) folds
        // ASCII only, so `Ä` and `ä`, `Ω` and `ω` find each other because both sides are folded here.
        assert_eq!(unigram_body("ÄΩ"), "ä ω");
        assert_eq!(
            unigram_body("Ａ_b"),
            "a _ b",
            "an underscore typed is a gap, never the gap token"
        );
        assert_eq!(unigram_body("——"), "");
    }

    #[test]
    fn highlight_finds_every_occurrence_case_insensitively() {
        assert_eq!(marked("张三来电，张三再来", "张三"), ["张三", "张三"]);
        assert_eq!(marked("云A12345", "a123"), ["A123"]);
        assert_eq!(marked("电话０８７１-6312", "0871"), ["０８７１"]);
        assert_eq!(marked("城关镇火灾", "城关 火灾"), ["城关", "火灾"]);
        assert_eq!(marked("城关镇火灾", "关镇 镇火"), ["关镇火"], "touching matches merge");
        assert!(marked("城关镇", "类型:来访").is_empty());
    }

    #[test]
    fn highlight_marks_the_name_a_pinyin_word_spells() {
        assert_eq!(marked("曾国藩 市水利局", "zgf"), ["曾国藩"]);
        assert_eq!(marked("曾国藩来电反映", "zengguofan"), ["曾国藩"]);
        assert_eq!(marked("曾国藩来电反映", "zengg"), ["曾国"]);
        assert_eq!(marked("王五 张三", "zhang san"), ["张三"]);
        assert!(marked("李四来电", "zgf").is_empty());
        assert!(marked("来电人曾国藩", "zgf").is_empty(), "only at the start of a run");
    }

    #[test]
    fn highlight_ranges_are_char_boundaries() {
        let text = "ＡＢ张三ab";
        for r in highlight(text, &q("ab")) {
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert_eq!(marked(text, "ab"), ["ＡＢ", "ab"]);
    }

    #[test]
    fn snippet_shows_the_match_on_one_line() {
        let text = "县应急管理局报告：城关镇张庄村发生交通事故，无人员伤亡，交警已到场处置，已安排专人跟进。\n\
                    已处置完毕\n县应急管理局\n张三";
        let s = snippet(text, &q("专人"), 20);
        assert_eq!(s, "…置，已安排专人跟进。 · 已处置完毕 · 县应急…");
        let s = snippet(text, &q("张三"), 20);
        assert_eq!(s, "…张三", "from the start of the match's line");
        let s = snippet(text, &q("zs"), 10);
        assert_eq!(s, "…张三");
        let s = snippet("短\n文本", &q("不在"), 20);
        assert_eq!(s, "短 · 文本");
    }

    #[test]
    fn snippets_keep_full_width_punctuation_and_the_index_is_unchanged() {
        let doc = SearchDoc {
            kind: DocKind::Log,
            ref_id: 7,
            at: NaiveDateTime::default(),
            status: "待办".into(),
            title: "某某县住房和城乡建设局".into(),
            text: join_fields(
                &[
                    "城关镇（张庄村）河堤渗水，已组织巡查；请水利局答复：何时派员？“急”！",
                    "０８７１－６３１２",
                ],
                &["０８７１－６３１２"],
            ),
            keys: String::new(),
        };
        let s = snippet(&doc.text, &q("河堤"), 60);
        assert!(
            s.starts_with("城关镇（张庄村）河堤渗水，已组织巡查；请水利局答复：何时派员？“急”！"),
            "{s}"
        );
        let marks: Vec<&str> = highlight(&s, &q("河堤"))
            .into_iter()
            .map(|r| s.get(r).unwrap())
            .collect();
        assert_eq!(marks, ["河堤"]);
        // What the index holds is made from the folded text, as before.
        let folded = SearchDoc {
            text: normalize(&doc.text),
            ..doc.clone()
        };
        assert_ne!(folded.text, doc.text);
        assert_eq!(folded.index_columns(), doc.index_columns());
        assert_eq!(folded.digest(), doc.digest(), "no document is rewritten for this");
    }

    #[test]
    fn keys_hold_names_and_units() {
        let keys = build_keys(&["曾国藩", "刘主任 13700003333、王五"], &["县住房和城乡建设局"]);
        let keys: Vec<&str> = keys.split(' ').collect();
        assert!(keys.contains(&"zgf") && keys.contains(&"zengguofan") && keys.contains(&"cengguofan"));
        assert!(keys.contains(&"lzr") && keys.contains(&"ww"), "{keys:?}");
        assert!(keys.contains(&"xzfhcxjsj"));
        assert_eq!(
            keys.iter().filter(|k| k.starts_with("xian")).count(),
            1,
            "a unit keeps its main reading only: {keys:?}"
        );
        assert!(!keys.iter().any(|k| k.contains("137")));
    }

    #[test]
    fn a_visitor_keeps_every_reading_of_the_whole_name_first() {
        for name in ["潘长青", "阿卜杜·热合曼", "尉迟长乐"] {
            let all = search_keys(name);
            let keys = with_visitor_keys(name, &build_keys(&[name], &["办公室"]));
            let keys: Vec<&str> = keys.split(' ').collect();
            assert_eq!(keys[0], all.initials, "the initials come first: {keys:?}");
            assert!(keys.contains(&all.full.as_str()), "{name}: {keys:?}");
            for (i, f) in &all.alternates {
                assert!(
                    keys.contains(&i.as_str()) && keys.contains(&f.as_str()),
                    "{name}: {keys:?}"
                );
            }
            assert!(keys.contains(&"bgs"), "units still follow: {keys:?}");
            let mut unique = keys.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "no key twice: {keys:?}");
        }
        let split = with_visitor_keys("阿卜杜·热合曼", "");
        assert!(split.split(' ').any(|k| k == "abudureheman"), "{split}");
        assert!(split.split(' ').any(|k| k == "_abudureheman"), "{split}");
        let keys = with_visitor_keys("张三", &build_keys(&["张三"], &["办公室"]));
        assert_eq!(
            keys.split(' ')
                .filter(|k| k.starts_with(VISITOR_KEY_MARK))
                .collect::<Vec<_>>(),
            ["_zs", "_zhangsan"],
            "the lookup's keys are the visitor's name alone, never the unit's: {keys}"
        );
    }

    #[test]
    fn text_ends_with_the_digits_of_phone_numbers_with_separators() {
        let text = join_fields(
            &["来电", "0871-63121234 / 13812345678"],
            &["0871-63121234 / 13812345678"],
        );
        assert_eq!(text, "来电\n0871-63121234 / 13812345678\n087163121234");
        assert_eq!(join_fields(&["来电", ""], &["13812345678"]), "来电");
    }

    #[test]
    fn index_columns_hold_characters_and_pairs_keys_and_tags() {
        let doc = SearchDoc {
            kind: DocKind::Visit,
            ref_id: 1,
            at: NaiveDateTime::default(),
            status: VISIT_INSIDE.into(),
            title: "曾国藩".into(),
            text: "曾国藩\n市水利局".into(),
            keys: "zgf zengguofan".into(),
        };
        let [body, keys, tags, nums] = doc.index_columns();
        assert_eq!(body, "曾 国 藩 _ 市 水 利 局 _ 曾国 国藩 _ 市水 水利 利局");
        assert_eq!(keys, "zgf zengguofan");
        assert_eq!(tags, "k来访 s在楼");
        assert_eq!(nums, "");
    }

    #[test]
    fn latin_and_digit_runs_are_indexed_as_pieces_of_four() {
        assert_eq!(alnum_pieces("电话13812，云Ａ1234"), "1381 3812 __ a123 1234");
        assert_eq!(alnum_pieces("0871-6312\n139"), "0871 _ 6312");
        assert_eq!(
            alnum_pieces("0871-63-6312"),
            "0871 __ 6312",
            "a short run is something between"
        );
        assert_eq!(alnum_pieces("张三 ab"), "");
    }

    #[test]
    fn words_of_latin_letters_digits_and_punctuation_are_found_through_their_pieces_alone() {
        assert_eq!(exact_nums_phrase("1381234").as_deref(), Some("1381 3812 8123 1234"));
        assert_eq!(exact_nums_phrase("（0871）6312").as_deref(), Some("0871 _ 6312"));
        assert_eq!(exact_nums_phrase("A-123"), None, "a run under 4");
        assert_eq!(exact_nums_phrase("A123").as_deref(), Some("a123"));
        assert_eq!(exact_nums_phrase("云A123"), None, "a Han character");
    }

    #[test]
    fn pairs_are_adjacent_han_characters_never_across_a_field_punctuation_or_a_letter() {
        assert_eq!(pair_body("核电站泄漏"), "核电 电站 站泄 泄漏");
        assert_eq!(
            pair_body("城关镇人民政府\n张三"),
            "城关 关镇 镇人 人民 民政 政府 _ 张三",
            "a field"
        );
        assert_eq!(pair_body("伤亡。交警"), "伤亡 _ 交警", "punctuation");
        assert_eq!(pair_body("伤亡，，\n交警"), "伤亡 _ 交警", "one `_` for any gap");
        assert_eq!(pair_body("云A12栋"), "", "a letter or a digit breaks a run");
        assert_eq!(pair_body("城关A张庄"), "城关 _ 张庄");
        assert_eq!(
            pair_body("李，城关，王，张庄，赵"),
            "城关 _ 张庄",
            "one character pairs with nothing"
        );
        assert_eq!(pair_body("镇"), "");
        assert_eq!(pair_body("ＡＢ张三"), "张三", "full-width letters are letters");
        assert_eq!(pair_body("张\u{3000}三"), "", "the ideographic space is a gap");
        assert_eq!(body_column("镇"), "镇", "no pairs: no second part");
        assert_eq!(body_column("县镇，电局"), "县 镇 _ 电 局 _ 县镇 _ 电局");
    }

    /// Every token of a word's phrase of pairs is a token of `body`, in the same order with the
    /// same gaps, wherever its phrase of characters is: so a phrase of pairs finds at least what
    /// the characters found, and for one run exactly (pairs overlap by one character).
    #[test]
    fn a_phrase_of_pairs_stands_where_the_phrase_of_characters_does() {
        let texts = [
            "城关镇张庄村发生交通事故，无人员伤亡。交警已到场处置。",
            "县城管局报告：人民路与解放路交叉口道路积水\n云A·12345\n局，镇",
            "核电站泄漏演练；核电站、泄漏",
        ];
        let tokens = |s: &str| -> Vec<String> { s.split(' ').map(str::to_string).collect() };
        let holds = |hay: &[String], needle: &[String]| hay.windows(needle.len()).any(|w| w == needle);
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            let body = tokens(&body_column(text));
            for start in 0..chars.len() {
                for end in start + 1..=chars.len().min(start + 8) {
                    let word: String = chars[start..end].iter().collect();
                    let (uni, pairs) = (unigram_body(&word), pair_body(&word));
                    if uni.is_empty() {
                        continue;
                    }
                    assert!(holds(&body, &tokens(&uni)), "{word}: its characters");
                    if !pairs.is_empty() {
                        assert!(holds(&body, &tokens(&pairs)), "{word}: its pairs");
                    }
                }
            }
        }
        // Pairs of one document, all there, but not in a row: not the word.
        let body = tokens(&body_column("城关街道，玄关镇"));
        assert!(holds(&body, &tokens("城关")) && holds(&body, &tokens("关镇")));
        assert!(!holds(&body, &tokens(&pair_body("城关镇"))));
    }
}
