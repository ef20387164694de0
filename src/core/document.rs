//! 收文登记 (issue 18): documents, faxes and telegrams received, numbered per year, and the one
//! forwarding model — a document or a log entry handed to someone (转交) and their 签收 — with
//! the reminder when a forward is not signed for in time.
//!
//! A secret item (秘密 and above) never enters the computer (002:1522, 000:203, 000:162): the
//! register keeps only that it arrived, from whom, when, how many copies, and which 机要员 was
//! told. [`check_document`] refuses a title, 文号 or 备注 on one, and the table's CHECK does too.

use chrono::{Datelike, Duration, NaiveDateTime, Timelike};

labelled_enum!(
    /// What arrived.
    DocKind {
        Document => "收文",
        Fax => "传真",
        Telegram => "明电",
    }
);

labelled_enum!(
    /// 紧急程度 as printed on the document.
    Urgency {
        Immediate => "特急",
        Urgent => "加急",
        Normal => "平急",
    }
);

labelled_enum!(
    /// 密级. Anything but 非密 is a 密件.
    Secrecy {
        Open => "非密",
        Secret => "秘密",
        Confidential => "机密",
        TopSecret => "绝密",
    }
);

impl Secrecy {
    /// 秘密 and above: only the arrival is recorded.
    #[must_use]
    pub fn is_secret(self) -> bool {
        self != Self::Open
    }
}

/// The longest 标题.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest 文号, 来文单位, name.
pub const SHORT_MAX_CHARS: usize = 60;
/// The longest 备注.
pub const NOTE_MAX_CHARS: usize = 500;
/// The most copies one item can be registered with.
pub const MAX_COPIES: u32 = 9999;

/// Why a secret item's form has no title or content (said on the form and by the CLI).
pub const SECRET_RULE: &str =
    "密件不得录入计算机：秘密及以上只登记来文单位、收到时间、份数和告知的机要员，不录入文号、标题和内容（002:1522）";

/// Why a secret item is not forwarded (000:162): the 机要员 handles it.
pub const SECRET_NOT_FORWARDED: &str = "密件不代收代转（000:162）：已告知机要员，由机要员按规定办理";

/// The start of `t`'s minute: times are typed to the minute, so a time typed in the minute of an
/// event recorded to the second is not before it.
#[must_use]
pub fn minute_of(t: NaiveDateTime) -> NaiveDateTime {
    t - Duration::seconds(i64::from(t.second()))
}

/// A forward checked before it is saved: the document is not a secret item, each name is named
/// and short, and it is not before the document arrived.
pub fn check_forward(received_at: NaiveDateTime, secret: bool, to: &[String], at: NaiveDateTime) -> Result<(), String> {
    if secret {
        return Err(SECRET_NOT_FORWARDED.to_string());
    }
    if to.is_empty() {
        return Err("请写明转交给谁".to_string());
    }
    if let Some(bad) = to
        .iter()
        .find(|n| n.trim().is_empty() || n.chars().count() > SHORT_MAX_CHARS)
    {
        return Err(format!("转交对象“{bad}”不对：每个最多 {SHORT_MAX_CHARS} 个字"));
    }
    if at < minute_of(received_at) {
        return Err(format!(
            "转交时间不能早于收到时间 {}",
            received_at.format("%m-%d %H:%M")
        ));
    }
    Ok(())
}

/// The fields of a document, for errors attributed to one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocField {
    Kind,
    Secrecy,
    Number,
    Title,
    From,
    Urgency,
    Copies,
    Pages,
    ReceivedAt,
    Note,
    Clerk,
    ClerkToldAt,
    ForwardTo,
}

/// A document to be registered (its 收文编号 is given by the store, counted in its year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub kind: DocKind,
    pub secrecy: Secrecy,
    /// 文号 (国办发〔2026〕5号); empty when it has none, always for a secret item.
    pub number: String,
    pub title: String,
    pub from: String,
    pub urgency: Urgency,
    pub copies: u32,
    pub pages: Option<u32>,
    pub received_at: NaiveDateTime,
    pub note: String,
    /// The 机要员 told of a secret item, and when.
    pub clerk: String,
    pub clerk_told_at: Option<NaiveDateTime>,
    /// Forwarded at once to these (may be empty).
    pub forward_to: Vec<String>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// Checks a document before it is saved: every problem, each with its field.
pub fn check_document(d: &NewDocument, now: NaiveDateTime) -> Result<(), Vec<(DocField, String)>> {
    let mut errors = Vec::new();
    let long = |s: &str, max: usize| s.chars().count() > max;
    if d.from.trim().is_empty() {
        errors.push((DocField::From, "请填写来文单位".to_string()));
    } else if long(&d.from, SHORT_MAX_CHARS) {
        errors.push((DocField::From, format!("来文单位最多 {SHORT_MAX_CHARS} 个字")));
    }
    if d.secrecy.is_secret() {
        for (field, value) in [
            (DocField::Number, &d.number),
            (DocField::Title, &d.title),
            (DocField::Note, &d.note),
        ] {
            if !value.trim().is_empty() {
                errors.push((field, SECRET_RULE.to_string()));
            }
        }
        if d.clerk.trim().is_empty() {
            errors.push((DocField::Clerk, "密件须写明已告知的机要员".to_string()));
        } else if long(&d.clerk, SHORT_MAX_CHARS) {
            errors.push((DocField::Clerk, format!("机要员姓名最多 {SHORT_MAX_CHARS} 个字")));
        }
        if !d.forward_to.is_empty() {
            errors.push((DocField::ForwardTo, SECRET_NOT_FORWARDED.to_string()));
        }
        match d.clerk_told_at {
            None => errors.push((DocField::ClerkToldAt, "请填写告知机要员的时间".to_string())),
            Some(t) if t > now + Duration::minutes(5) => {
                errors.push((DocField::ClerkToldAt, "告知时间不能晚于现在".to_string()));
            }
            Some(t) if t < minute_of(d.received_at) => {
                errors.push((DocField::ClerkToldAt, "告知时间不能早于收到时间".to_string()));
            }
            Some(_) => {}
        }
    } else {
        if d.title.trim().is_empty() {
            errors.push((DocField::Title, "请填写标题".to_string()));
        } else if long(&d.title, TITLE_MAX_CHARS) {
            errors.push((DocField::Title, format!("标题最多 {TITLE_MAX_CHARS} 个字")));
        }
        if long(&d.number, SHORT_MAX_CHARS) {
            errors.push((DocField::Number, format!("文号最多 {SHORT_MAX_CHARS} 个字")));
        }
        if long(&d.note, NOTE_MAX_CHARS) {
            errors.push((DocField::Note, format!("备注最多 {NOTE_MAX_CHARS} 个字")));
        }
    }
    if d.copies == 0 || d.copies > MAX_COPIES {
        errors.push((DocField::Copies, format!("份数请填 1 到 {MAX_COPIES}")));
    }
    if d.pages.is_some_and(|p| p == 0 || p > MAX_COPIES) {
        errors.push((DocField::Pages, format!("页数请填 1 到 {MAX_COPIES}，或不填")));
    }
    if d.received_at > now + Duration::minutes(5) {
        errors.push((DocField::ReceivedAt, "收到时间不能晚于现在".to_string()));
    }
    if let Some(bad) = d
        .forward_to
        .iter()
        .find(|n| n.trim().is_empty() || long(n, SHORT_MAX_CHARS))
    {
        errors.push((
            DocField::ForwardTo,
            format!("转交对象“{bad}”不对：每个最多 {SHORT_MAX_CHARS} 个字"),
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Parses a count typed on a form or the command line (份数, 页数): digits only.
pub fn parse_count(label: &str, text: &str) -> Result<u32, String> {
    let t = text.trim();
    t.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_COPIES).contains(n))
        .ok_or_else(|| format!("{label}请填 1 到 {MAX_COPIES} 的数字，不是“{t}”"))
}

/// 收文编号 as printed: 2026年第12号.
#[must_use]
pub fn serial_label(year: i32, serial: i64) -> String {
    format!("{year}年第{serial}号")
}

/// The year a document received at `t` is numbered in.
#[must_use]
pub fn serial_year(t: NaiveDateTime) -> i32 {
    t.year()
}

/// A 签收: who signed for a forward, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub signed_by: String,
    pub signed_at: NaiveDateTime,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// One 转交 of a document or an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub id: i64,
    pub to_whom: String,
    /// 拟办意见 or what the recipient is to do (阅示、办理); may be empty.
    pub purpose: String,
    pub forwarded_at: NaiveDateTime,
    pub recorded_by: String,
    pub signature: Option<Signature>,
}

/// Where a forward stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    Signed { by: String, at: NaiveDateTime },
    Waiting { overdue: bool },
}

impl Forward {
    #[must_use]
    pub fn state(&self, now: NaiveDateTime, s: &DocumentSettings) -> ForwardState {
        match &self.signature {
            Some(sig) => ForwardState::Signed {
                by: sig.signed_by.clone(),
                at: sig.signed_at,
            },
            None => ForwardState::Waiting {
                overdue: now >= self.forwarded_at + s.sign_within,
            },
        }
    }

    /// "转交 王局长（12-05 14:10）已签收：王局长 14:30" / "… 待签收（已超时）".
    #[must_use]
    pub fn line(&self, now: NaiveDateTime, s: &DocumentSettings) -> String {
        let head = format!("转交 {}（{}）", self.to_whom, self.forwarded_at.format("%m-%d %H:%M"));
        let purpose = if self.purpose.is_empty() {
            String::new()
        } else {
            format!("，{}", self.purpose)
        };
        match self.state(now, s) {
            ForwardState::Signed { by, at } => format!("{head}{purpose} 已签收：{by} {}", at.format("%m-%d %H:%M")),
            ForwardState::Waiting { overdue: true } => format!("{head}{purpose} 待签收（已超时）"),
            ForwardState::Waiting { overdue: false } => format!("{head}{purpose} 待签收"),
        }
    }
}

/// A registered document with its forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub year: i32,
    pub serial: i64,
    pub kind: DocKind,
    pub secrecy: Secrecy,
    pub number: String,
    pub title: String,
    pub from: String,
    pub urgency: Urgency,
    pub copies: u32,
    pub pages: Option<u32>,
    pub received_at: NaiveDateTime,
    pub note: String,
    pub clerk: String,
    pub clerk_told_at: Option<NaiveDateTime>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub forwards: Vec<Forward>,
}

impl Document {
    /// 2026年第12号.
    #[must_use]
    pub fn serial_label(&self) -> String {
        serial_label(self.year, self.serial)
    }

    /// What the list and reminders call it: the title, or for a secret item only that it is one.
    #[must_use]
    pub fn headline(&self) -> String {
        if self.secrecy.is_secret() {
            format!("【{}件】{}", self.secrecy.label(), self.from)
        } else if self.number.is_empty() {
            self.title.clone()
        } else {
            format!("{}（{}）", self.title, self.number)
        }
    }

    /// The list's text: the sender and the headline ("市防汛办：关于…（文号）"; a secret item's
    /// headline already names its sender).
    #[must_use]
    pub fn list_text(&self) -> String {
        if self.secrecy.is_secret() {
            self.headline()
        } else {
            format!("{}：{}", self.from, self.headline())
        }
    }

    /// 未转交 / 待签收 N / 已签收 / 已告知机要员, as the list's state column says it.
    #[must_use]
    pub fn state_label(&self, now: NaiveDateTime, s: &DocumentSettings) -> String {
        if self.forwards.is_empty() {
            return if self.secrecy.is_secret() {
                format!("已告知机要员 {}", self.clerk)
            } else {
                "未转交".to_string()
            };
        }
        let waiting: Vec<bool> = self
            .forwards
            .iter()
            .filter_map(|f| match f.state(now, s) {
                ForwardState::Waiting { overdue } => Some(overdue),
                ForwardState::Signed { .. } => None,
            })
            .collect();
        match (waiting.len(), waiting.iter().any(|o| *o)) {
            (0, _) => "已签收".to_string(),
            (n, true) => format!("待签收 {n}（超时）"),
            (n, false) => format!("待签收 {n}"),
        }
    }

    /// A forward not signed for and past its time.
    #[must_use]
    pub fn overdue(&self, now: NaiveDateTime, s: &DocumentSettings) -> bool {
        self.forwards
            .iter()
            .any(|f| f.state(now, s) == ForwardState::Waiting { overdue: true })
    }
}

/// What a forward was of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forwarded {
    Document(i64),
    Entry(i64),
}

/// A forward not yet signed for, as reminders and the handover draft read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenForward {
    pub id: i64,
    pub of: Forwarded,
    /// 特急传真 2026年第12号 县水利局：关于… — never a secret item's content (it has none).
    pub what: String,
    pub to_whom: String,
    pub forwarded_at: NaiveDateTime,
}

impl OpenForward {
    /// When the 签收 is overdue.
    #[must_use]
    pub fn due(&self, s: &DocumentSettings) -> NaiveDateTime {
        self.forwarded_at + s.sign_within
    }

    /// "2026年第12号 特急传真 …，转交 王局长 12-05 14:10，待签收".
    #[must_use]
    pub fn line(&self, now: NaiveDateTime, s: &DocumentSettings) -> String {
        let late = if now >= self.due(s) { "，已超时" } else { "" };
        format!(
            "{}，转交 {} {}，待签收{late}",
            self.what,
            self.to_whom,
            self.forwarded_at.format("%m-%d %H:%M")
        )
    }
}

/// `[documents]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSettings {
    /// A forward not signed for this long after it was handed over is reminded.
    pub sign_within: Duration,
    /// A holiday round (节日值班表) still incomplete is reminded from this long before its due date.
    pub holiday_remind_before: Duration,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        Self {
            sign_within: Duration::minutes(60),
            holiday_remind_before: Duration::days(2),
        }
    }
}

/// A 签收 checked: a name, a time not in the future and not before the forward.
pub fn check_signature(forward: &Forward, sig: &Signature, now: NaiveDateTime) -> Result<(), String> {
    if forward.signature.is_some() {
        return Err(format!("转交 {} 已签收，不能再签", forward.to_whom));
    }
    if sig.signed_by.trim().is_empty() {
        return Err("请填写签收人".to_string());
    }
    if sig.signed_by.chars().count() > SHORT_MAX_CHARS {
        return Err(format!("签收人最多 {SHORT_MAX_CHARS} 个字"));
    }
    if sig.signed_at > now + Duration::minutes(5) {
        return Err("签收时间不能晚于现在".to_string());
    }
    // Times are typed to the minute: a 签收 in the minute of the forward is after it.
    if sig.signed_at < minute_of(forward.forwarded_at) {
        return Err(format!(
            "签收时间不能早于转交时间 {}",
            forward.forwarded_at.format("%m-%d %H:%M")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn fax() -> NewDocument {
        NewDocument {
            kind: DocKind::Fax,
            secrecy: Secrecy::Open,
            number: "市防指电〔2026〕12号".into(),
            title: "关于做好强降雨防范工作的紧急通知".into(),
            from: "市防汛办".into(),
            urgency: Urgency::Immediate,
            copies: 1,
            pages: Some(3),
            received_at: at("2026-12-05 14:00"),
            note: String::new(),
            clerk: String::new(),
            clerk_told_at: None,
            forward_to: vec!["王局长".into()],
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:02"),
        }
    }

    #[test]
    fn an_open_document_needs_a_title_and_a_sender() {
        let now = at("2026-12-05 14:05");
        assert!(check_document(&fax(), now).is_ok());
        let mut d = fax();
        d.title = " ".into();
        d.from = String::new();
        let errs = check_document(&d, now).unwrap_err();
        let fields: Vec<DocField> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec![DocField::From, DocField::Title]);
    }

    #[test]
    fn a_secret_item_refuses_title_number_and_note_and_needs_the_clerk() {
        let now = at("2026-12-05 14:05");
        let mut d = fax();
        d.secrecy = Secrecy::Confidential;
        let errs = check_document(&d, now).unwrap_err();
        let fields: Vec<DocField> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                DocField::Number,
                DocField::Title,
                DocField::Clerk,
                DocField::ForwardTo,
                DocField::ClerkToldAt
            ]
        );
        assert!(errs[1].1.contains("不录入文号、标题和内容"));
        assert!(errs[3].1.contains("密件不代收代转"));
        d.number.clear();
        d.title.clear();
        d.forward_to.clear();
        d.clerk = "李机要".into();
        d.clerk_told_at = Some(at("2026-12-05 14:03"));
        assert!(check_document(&d, now).is_ok());
        d.clerk_told_at = Some(at("2026-12-05 13:00"));
        assert_eq!(
            check_document(&d, now).unwrap_err(),
            vec![(DocField::ClerkToldAt, "告知时间不能早于收到时间".to_string())]
        );
    }

    #[test]
    fn a_forward_is_refused_for_a_secret_item_and_before_arrival_but_not_in_its_minute() {
        let received = NaiveDateTime::parse_from_str("2026-12-05 14:00:30", "%Y-%m-%d %H:%M:%S").unwrap();
        let to = vec!["王局长".to_string()];
        assert!(
            check_forward(received, true, &to, at("2026-12-05 14:10"))
                .unwrap_err()
                .contains("密件不代收代转")
        );
        assert!(
            check_forward(received, false, &to, at("2026-12-05 13:59"))
                .unwrap_err()
                .contains("不能早于收到时间")
        );
        assert_eq!(check_forward(received, false, &to, at("2026-12-05 14:00")), Ok(()));
        assert!(
            check_forward(received, false, &[], at("2026-12-05 14:00"))
                .unwrap_err()
                .contains("转交给谁")
        );
    }

    #[test]
    fn counts_are_digits_in_range() {
        assert_eq!(parse_count("份数", " 3 "), Ok(3));
        assert!(parse_count("份数", "0").unwrap_err().contains("1 到 9999"));
        assert!(parse_count("份数", "三").unwrap_err().contains("不是“三”"));
        let mut d = fax();
        d.copies = 0;
        assert_eq!(
            check_document(&d, at("2026-12-05 14:05")).unwrap_err()[0].0,
            DocField::Copies
        );
    }

    #[test]
    fn a_forward_waits_then_is_overdue_then_signed() {
        let s = DocumentSettings::default();
        let mut f = Forward {
            id: 1,
            to_whom: "王局长".into(),
            purpose: "阅示".into(),
            forwarded_at: at("2026-12-05 14:10"),
            recorded_by: "张三".into(),
            signature: None,
        };
        assert_eq!(
            f.state(at("2026-12-05 15:09"), &s),
            ForwardState::Waiting { overdue: false }
        );
        assert_eq!(
            f.state(at("2026-12-05 15:10"), &s),
            ForwardState::Waiting { overdue: true }
        );
        assert_eq!(
            f.line(at("2026-12-05 15:10"), &s),
            "转交 王局长（12-05 14:10），阅示 待签收（已超时）"
        );
        let sig = Signature {
            signed_by: "王局长".into(),
            signed_at: at("2026-12-05 14:09"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:30"),
        };
        assert!(
            check_signature(&f, &sig, at("2026-12-05 14:30"))
                .unwrap_err()
                .contains("不能早于转交时间")
        );
        let sig = Signature {
            signed_at: at("2026-12-05 14:30"),
            ..sig
        };
        assert!(check_signature(&f, &sig, at("2026-12-05 14:30")).is_ok());
        f.signature = Some(sig.clone());
        assert!(
            check_signature(&f, &sig, at("2026-12-05 14:31"))
                .unwrap_err()
                .contains("已签收")
        );
        assert_eq!(
            f.line(at("2026-12-05 16:00"), &s),
            "转交 王局长（12-05 14:10），阅示 已签收：王局长 12-05 14:30"
        );
    }

    #[test]
    fn a_secret_items_headline_names_only_its_level_and_sender() {
        let d = Document {
            id: 1,
            year: 2026,
            serial: 12,
            kind: DocKind::Document,
            secrecy: Secrecy::Confidential,
            number: String::new(),
            title: String::new(),
            from: "市委办".into(),
            urgency: Urgency::Urgent,
            copies: 2,
            pages: None,
            received_at: at("2026-12-05 14:00"),
            note: String::new(),
            clerk: "李机要".into(),
            clerk_told_at: Some(at("2026-12-05 14:05")),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:06"),
            forwards: Vec::new(),
        };
        assert_eq!(d.headline(), "【机密件】市委办");
        assert_eq!(d.serial_label(), "2026年第12号");
        assert_eq!(
            d.state_label(at("2026-12-05 15:00"), &DocumentSettings::default()),
            "已告知机要员 李机要"
        );
    }
}
