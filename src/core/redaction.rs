//! 删除误录内容 (issue 18, item 3): what should never have been typed — a secret, another
//! person's private data — is removed by an approver with their PIN. The field's text becomes
//! 已删除（原因、批准人、时间）; so does every earlier value of that field its amendments kept, and
//! every place the record was quoted (handovers signed and 值班日报 sent since). The store does it
//! in one transaction and the audit keeps only digests; this module holds the rules: which fields,
//! the marker, the reason, and how a quoted text is found in another text (`scrub`).

use chrono::NaiveDateTime;

use super::log::LogField;
use super::text::sanitize;

/// A record whose field can be redacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A duty-log entry.
    Entry(i64),
    /// A document received (收文登记).
    Document(i64),
}

impl Record {
    /// The table that holds it.
    #[must_use]
    pub fn table(self) -> &'static str {
        match self {
            Self::Entry(_) => "log_entry",
            Self::Document(_) => "document",
        }
    }

    #[must_use]
    pub fn id(self) -> i64 {
        match self {
            Self::Entry(id) | Self::Document(id) => id,
        }
    }

    /// How an officer names it: 第 12 号记录, 第 3 号收文 (the row, not the yearly 收文编号).
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Entry(id) => format!("第 {id} 号记录"),
            Self::Document(id) => format!("收文（第 {id} 行）"),
        }
    }
}

/// The free-text fields of an entry that can be redacted (times and choices hold nothing typed).
pub const ENTRY_FIELDS: &[LogField] = &[
    LogField::Content,
    LogField::Person,
    LogField::Phone,
    LogField::Unit,
    LogField::Receiver,
    LogField::ReportedElsewhere,
    LogField::ForwardedTo,
    LogField::Proposal,
    LogField::Result,
    LogField::Handler,
];

/// The free-text fields of a document: (column, label).
pub const DOCUMENT_FIELDS: &[(&str, &str)] = &[
    ("title", "标题"),
    ("doc_number", "文号"),
    ("note", "备注"),
    ("from_unit", "来文单位"),
];

/// Whether `column` of `record`'s table may be redacted.
#[must_use]
pub fn field_allowed(record: Record, column: &str) -> bool {
    match record {
        Record::Entry(_) => ENTRY_FIELDS.iter().any(|f| f.column() == column),
        Record::Document(_) => DOCUMENT_FIELDS.iter().any(|(c, _)| *c == column),
    }
}

/// How every redacted text begins.
pub const MARKER_PREFIX: &str = "已删除（";

/// The longest reason, in characters.
pub const REASON_MAX: usize = 60;

/// What replaces the text: 已删除（原因：…；批准人：…；时间：…）.
#[must_use]
pub fn marker(reason: &str, approved_by: &str, at: NaiveDateTime) -> String {
    format!(
        "{MARKER_PREFIX}原因：{reason}；批准人：{approved_by}；时间：{}）",
        at.format("%Y-%m-%d %H:%M")
    )
}

/// Whether a text is already a redaction marker.
#[must_use]
pub fn is_marker(text: &str) -> bool {
    text.starts_with(MARKER_PREFIX)
}

/// The reason as it will be kept, or why not.
///
/// # Errors
/// Empty, or longer than [`REASON_MAX`].
pub fn check_reason(reason: &str) -> Result<String, String> {
    let reason = sanitize(reason, false).trim().to_string();
    if reason.is_empty() {
        return Err("请写明删除原因（如：误录涉密内容、误录他人个人信息）".into());
    }
    if reason.chars().count() > REASON_MAX {
        return Err(format!("删除原因最多 {REASON_MAX} 字"));
    }
    Ok(reason)
}

/// The texts to look for elsewhere, from every value the field has had: each value whole and each
/// of its lines (a report or a handover quotes a first line, cut), longest first. Markers, and
/// values shorter than two characters, are left out: they reveal nothing and would match anywhere.
#[must_use]
pub fn secrets_of(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let whole = v.trim();
        let lines = v.lines().map(str::trim);
        for s in std::iter::once(whole).chain(lines) {
            if s.chars().count() >= 2 && !is_marker(s) && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    out
}

/// How much of a secret's beginning must match to count as a quotation of it: the whole of a
/// short secret, else six characters (a list cuts a long text to its first forty columns).
const QUOTED_PREFIX: usize = 6;

/// `text` with every quotation of the secrets replaced by `marker`, or `None` if it quotes none.
/// A quotation is a secret whole, or its beginning (at least [`QUOTED_PREFIX`] characters) cut
/// by a list or a title, with the `…` that marks the cut.
#[must_use]
pub fn scrub(text: &str, secrets: &[String], marker: &str) -> Option<String> {
    let mut current: Vec<char> = text.chars().collect();
    let mut changed = false;
    for secret in secrets {
        let secret: Vec<char> = secret.chars().collect();
        let needed = secret.len().min(QUOTED_PREFIX);
        if needed < 2 {
            continue;
        }
        let mut out: Vec<char> = Vec::with_capacity(current.len());
        let mut i = 0;
        while i < current.len() {
            let k = current[i..].iter().zip(&secret).take_while(|(a, b)| a == b).count();
            if k >= needed {
                out.extend(marker.chars());
                i += k;
                if k < secret.len() && current.get(i) == Some(&'…') {
                    i += 1;
                }
                changed = true;
            } else {
                out.push(current[i]);
                i += 1;
            }
        }
        current = out;
    }
    changed.then(|| current.into_iter().collect())
}

/// Whether `reason` repeats any of the secrets: a secret shorter than [`QUOTED_PREFIX`] whole, or
/// any run of that many of its characters (from anywhere in it, not only its beginning) — the
/// reason is kept in the marker and the record, so it must not carry what is being removed.
#[must_use]
pub fn quotes_secret(reason: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|secret| {
        let chars: Vec<char> = secret.chars().collect();
        let n = chars.len().min(QUOTED_PREFIX);
        n >= 2
            && chars
                .windows(n)
                .any(|w| reason.contains(w.iter().collect::<String>().as_str()))
    })
}

/// What the redaction screen is opened with, from a record's detail: the record, how it is
/// named, and its fields that hold text now (column, label, text as it stands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactSubject {
    pub record: Record,
    pub heading: String,
    pub fields: Vec<(String, String, String)>,
}

impl RedactSubject {
    /// A subject with only the fields that hold something to remove (not empty, not a marker);
    /// `None` when none does.
    #[must_use]
    pub fn new(record: Record, heading: String, fields: Vec<(String, String, String)>) -> Option<Self> {
        let fields: Vec<_> = fields
            .into_iter()
            .filter(|(c, _, v)| field_allowed(record, c) && !v.trim().is_empty() && !is_marker(v))
            .collect();
        (!fields.is_empty()).then_some(Self {
            record,
            heading,
            fields,
        })
    }
}

/// An entry's redactable fields as its detail names them.
#[must_use]
pub fn entry_subject(entry: &super::log::Entry) -> Option<RedactSubject> {
    let kind = entry.fields.kind;
    let fields = ENTRY_FIELDS
        .iter()
        .map(|f| {
            (
                f.column().to_string(),
                f.label(kind).to_string(),
                entry.fields.value(*f),
            )
        })
        .collect();
    RedactSubject::new(Record::Entry(entry.id), format!("第 {} 号记录", entry.id), fields)
}

/// A document's redactable fields (a secret item has none: nothing of it was typed).
#[must_use]
pub fn document_subject(doc: &super::document::Document) -> Option<RedactSubject> {
    let value = |c: &str| match c {
        "title" => doc.title.clone(),
        "doc_number" => doc.number.clone(),
        "note" => doc.note.clone(),
        "from_unit" => doc.from.clone(),
        _ => String::new(),
    };
    let fields = DOCUMENT_FIELDS
        .iter()
        .map(|(c, l)| ((*c).to_string(), (*l).to_string(), value(c)))
        .collect();
    RedactSubject::new(
        Record::Document(doc.id),
        format!("{}年第{}号收文", doc.year, doc.serial),
        fields,
    )
}

/// What the officer asks: redact `field` (a column) of `record`, approved by `approved_by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactRequest {
    pub record: Record,
    pub field: String,
    pub reason: String,
    /// The approver whose PIN was checked, and their role as configured.
    pub approved_by: String,
    pub approver_role: String,
    /// Who is at the keyboard.
    pub by: String,
    pub now: NaiveDateTime,
}

/// A redaction as recorded: which field, why, approved by whom, done by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionRecord {
    pub field: String,
    pub reason: String,
    pub approved_by: String,
    pub done_by: String,
    pub done_at: String,
}

/// What a redaction did, for the screen and the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redacted {
    /// The `redaction` record's id.
    pub id: i64,
    pub marker: String,
    /// Rows rewritten: the record, its amendments, handovers and reports that quoted it.
    pub rows_changed: usize,
    /// Of those, rows outside the record itself (its amendments, handovers, reports).
    pub quoted_in: Vec<String>,
    /// The write-ahead log was emptied after the commit (false: another terminal was reading).
    pub wal_emptied: bool,
    /// Backups taken before the redaction: they still hold the text.
    pub backups_before: Vec<String>,
}

impl Redacted {
    /// The lines an officer reads afterwards.
    #[must_use]
    pub fn lines(&self, what: &str) -> Vec<String> {
        let mut out = vec![format!("已删除{what}：改为“{}”", self.marker)];
        if self.quoted_in.is_empty() {
            out.push("别处没有引用这段内容".into());
        } else {
            out.push(format!("一并删除了引用它的：{}", self.quoted_in.join("、")));
        }
        out.push(if self.wal_emptied {
            "数据库写前日志已清空，文件中不再留有原内容".into()
        } else {
            "另一终端正在读取数据库，写前日志暂未清空：所有终端退出 zhiban 后自动清空".into()
        });
        if self.backups_before.is_empty() {
            out.push("此前没有备份".into());
        } else {
            out.push(format!(
                "此前的 {} 份备份仍含原内容，须按保密规定处理：",
                self.backups_before.len()
            ));
            out.extend(self.backups_before.iter().map(|p| format!("  {p}")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-12-05 14:30", "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_marker_names_the_reason_the_approver_and_the_minute() {
        let m = marker("误录涉密内容", "王局长", at());
        assert_eq!(
            m,
            "已删除（原因：误录涉密内容；批准人：王局长；时间：2026-12-05 14:30）"
        );
        assert!(is_marker(&m));
        assert!(!is_marker("内容"));
    }

    #[test]
    fn a_reason_is_required_and_capped() {
        assert!(check_reason("  ").is_err());
        assert_eq!(
            check_reason(" 误录 \u{1b}[31m ").unwrap(),
            "误录",
            "the escape sequence goes whole"
        );
        assert!(check_reason(&"长".repeat(REASON_MAX + 1)).is_err());
        assert!(check_reason(&"长".repeat(REASON_MAX)).is_ok());
    }

    #[test]
    fn only_free_text_fields_are_offered() {
        assert!(field_allowed(Record::Entry(1), "content"));
        assert!(field_allowed(Record::Entry(1), "phone"));
        assert!(!field_allowed(Record::Entry(1), "occurred_at"));
        assert!(!field_allowed(Record::Entry(1), "recorded_by"));
        assert!(field_allowed(Record::Document(1), "title"));
        assert!(!field_allowed(Record::Document(1), "secrecy"));
    }

    #[test]
    fn secrets_are_each_value_and_line_longest_first_without_markers() {
        let s = secrets_of(&[
            "绝密文件标题甲\n第二行内容乙".into(),
            "已删除（原因：x）".into(),
            "王".into(),
            "绝密文件标题甲".into(),
        ]);
        assert_eq!(
            s,
            vec!["绝密文件标题甲\n第二行内容乙", "绝密文件标题甲", "第二行内容乙"]
        );
    }

    #[test]
    fn scrub_finds_the_whole_text_and_a_cut_quotation() {
        let secrets = secrets_of(&["某某绝密会议在三号楼召开并部署了十项工作".into()]);
        let m = "〔删〕";
        assert_eq!(
            scrub("第 3 号记录：某某绝密会议在三号楼召开并部署了十项工作。", &secrets, m).unwrap(),
            "第 3 号记录：〔删〕。"
        );
        // A title cut to forty columns, with its ellipsis.
        assert_eq!(
            scrub("来电：某某绝密会议在三号…（未办结）", &secrets, m).unwrap(),
            "来电：〔删〕（未办结）"
        );
        // Five characters of its beginning are not enough to say it is quoted.
        assert_eq!(scrub("某某绝密会议", &secrets, m).as_deref(), Some("〔删〕"));
        assert_eq!(scrub("某某绝密会", &secrets, m), None);
        assert_eq!(scrub("无关的文字", &secrets, m), None);
    }

    #[test]
    fn a_reason_may_not_repeat_any_part_of_the_text() {
        let secrets = secrets_of(&["另一条误录：对方家住三号楼二单元".into(), "张三丰".into()]);
        assert!(quotes_secret("误录：对方家住三号楼二单元", &secrets), "its end");
        assert!(
            quotes_secret("删除家住三号楼二单", &secrets),
            "its middle, six characters"
        );
        assert!(quotes_secret("误录了张三丰的住址", &secrets), "a short secret whole");
        assert!(
            !quotes_secret("误录他人住址", &secrets),
            "a few words in common are not a quotation"
        );
        assert!(!quotes_secret("误录张三的号码", &secrets));
    }

    #[test]
    fn a_short_secret_must_match_whole() {
        let secrets = secrets_of(&["张三丰".into()]);
        assert_eq!(scrub("来电人张三丰，张三", &secrets, "X").unwrap(), "来电人X，张三");
    }

    #[test]
    fn the_lines_say_what_was_done_and_list_the_backups() {
        let r = Redacted {
            id: 1,
            marker: "已删除（…）".into(),
            rows_changed: 3,
            quoted_in: vec!["第 2 次交接班".into()],
            wal_emptied: false,
            backups_before: vec!["/b/zhiban-20261204.db.zst".into()],
        };
        let text = r.lines("第 5 号记录的内容").join("\n");
        assert!(text.contains("第 2 次交接班"), "{text}");
        assert!(text.contains("写前日志暂未清空"), "{text}");
        assert!(text.contains("1 份备份仍含原内容"), "{text}");
        assert!(text.contains("/b/zhiban-20261204.db.zst"), "{text}");
    }
}
