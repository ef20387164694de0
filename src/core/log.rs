//! 值班记录 — the duty log: kinds, triage, status, the two-part record, amendments and leader
//! instructions (domain.md §2.1). Pure data and rules; the store persists them, the UI shows them.

use chrono::NaiveDateTime;

/// Database id of a log entry.
pub type EntryId = i64;

labelled_enum!(
    /// What arrived or went out.
    EntryKind {
        IncomingCall => "来电",
        OutgoingCall => "去电",
        Fax => "传真",
        Telegram => "电报",
        Letter => "来信/文件",
        Event => "事件",
        Other => "其他",
    }
);

labelled_enum!(
    /// 轻重缓急 (003:165): how urgently an item must be handled.
    Triage {
        Urgent => "急办",
        AskLeader => "请示",
        NextShift => "次日办理",
        Routine => "一般",
    }
);

labelled_enum!(
    /// Progress of an item; anything not 已办结 is carried over at handover.
    Status {
        Pending => "待办",
        InProgress => "办理中",
        Done => "已办结",
    }
);

labelled_enum!(
    /// 复述核对 for outgoing calls: whether the receiver repeated the message back.
    ReadBack {
        Unset => "未选择",
        Done => "已复述核对",
        NotDone => "未复述",
    }
);

impl Triage {
    /// Whether an item needs a 请示: triaged so, or from abroad (境外: always 请示, never
    /// answered on the spot, 002:1474).
    #[must_use]
    pub fn needs_request(self, abroad: bool) -> bool {
        abroad || self == Self::AskLeader
    }

    /// The triage an item is shown and handled with: 请示 for anything from abroad, whatever was
    /// chosen.
    #[must_use]
    pub fn with_abroad(self, abroad: bool) -> Self {
        if abroad { Self::AskLeader } else { self }
    }
}

impl EntryKind {
    /// Documents received on behalf of others are registered and forwarded (000:144).
    #[must_use]
    pub fn is_document(self) -> bool {
        matches!(self, Self::Fax | Self::Telegram | Self::Letter)
    }
}

/// Every field of a log entry that a person fills in. Labels depend on the kind (the person on
/// an incoming call is 来电人, on an outgoing call 接电人).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogField {
    Kind,
    Category,
    OccurredAt,
    Unit,
    Person,
    Phone,
    Receiver,
    Content,
    ReportedElsewhere,
    ReadBack,
    ForwardedTo,
    ForwardedAt,
    Triage,
    Status,
    Proposal,
    Result,
    Handler,
    ClosedAt,
}

impl LogField {
    /// Fields that can be corrected by amendment after saving (the kind cannot: it decides the
    /// shape of the record; a wrong kind is corrected by a new entry that says so).
    pub const AMENDABLE: &'static [LogField] = &[
        Self::OccurredAt,
        Self::Category,
        Self::Unit,
        Self::Person,
        Self::Phone,
        Self::Receiver,
        Self::Content,
        Self::ReportedElsewhere,
        Self::ReadBack,
        Self::ForwardedTo,
        Self::ForwardedAt,
        Self::Triage,
        Self::Status,
        Self::Proposal,
        Self::Result,
        Self::Handler,
        Self::ClosedAt,
    ];

    /// The record part of an entry (来电记录单's first half), in the paper's order: what the detail
    /// screen and the printed form show (each where it `applies_to` the kind).
    pub const RECORD: &'static [LogField] = &[
        Self::OccurredAt,
        Self::Category,
        Self::Unit,
        Self::Person,
        Self::Phone,
        Self::Receiver,
        Self::Content,
        Self::ReportedElsewhere,
        Self::ReadBack,
        Self::ForwardedTo,
        Self::ForwardedAt,
    ];

    /// The handling part (拟办, 办理结果, 承办人…), in the paper's order.
    pub const HANDLING: &'static [LogField] = &[
        Self::Triage,
        Self::Proposal,
        Self::Status,
        Self::Result,
        Self::Handler,
        Self::ClosedAt,
    ];

    /// Column name in the store; also the stable name used in amendment rows.
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Category => "category",
            Self::OccurredAt => "occurred_at",
            Self::Unit => "unit",
            Self::Person => "person",
            Self::Phone => "phone",
            Self::Receiver => "receiver",
            Self::Content => "content",
            Self::ReportedElsewhere => "reported_elsewhere",
            Self::ReadBack => "read_back",
            Self::ForwardedTo => "forwarded_to",
            Self::ForwardedAt => "forwarded_at",
            Self::Triage => "triage",
            Self::Status => "status",
            Self::Proposal => "proposal",
            Self::Result => "result",
            Self::Handler => "handler",
            Self::ClosedAt => "closed_at",
        }
    }

    #[must_use]
    pub fn from_column(column: &str) -> Option<Self> {
        std::iter::once(Self::Kind)
            .chain(Self::AMENDABLE.iter().copied())
            .find(|f| f.column() == column)
    }

    /// The label an officer reads for this field on an entry of `kind`.
    #[must_use]
    pub fn label(self, kind: EntryKind) -> &'static str {
        use EntryKind as K;
        match (self, kind) {
            (Self::Kind, _) => "类型",
            (Self::Category, _) => "类别",
            (Self::OccurredAt, K::IncomingCall) => "来电时间",
            (Self::OccurredAt, K::OutgoingCall) => "去电时间",
            (Self::OccurredAt, k) if k.is_document() => "收到时间",
            (Self::OccurredAt, _) => "发生时间",
            (Self::Unit, K::IncomingCall) => "来电单位",
            (Self::Unit, K::OutgoingCall) => "受话单位",
            (Self::Unit, k) if k.is_document() => "来文单位",
            (Self::Unit, _) => "单位/地点",
            (Self::Person, K::IncomingCall) => "来电人",
            (Self::Person, K::OutgoingCall) => "接电人",
            (Self::Person, k) if k.is_document() => "发件人",
            (Self::Person, _) => "报告人",
            (Self::Phone, K::IncomingCall) => "来电号码",
            (Self::Phone, _) => "联系电话",
            (Self::Receiver, K::OutgoingCall) => "发话人",
            (Self::Receiver, k) if k.is_document() => "签收人",
            (Self::Receiver, _) => "受话人",
            (Self::Content, K::OutgoingCall) => "事由/内容",
            (Self::Content, _) => "内容",
            (Self::ReportedElsewhere, _) => "已报其他",
            (Self::ReadBack, _) => "复述核对",
            (Self::ForwardedTo, _) => "转交/转办",
            (Self::ForwardedAt, _) => "转交时间",
            (Self::Triage, _) => "分级",
            (Self::Status, _) => "状态",
            (Self::Proposal, _) => "拟办意见",
            (Self::Result, _) => "办理结果",
            (Self::Handler, _) => "承办人",
            (Self::ClosedAt, _) => "办结时间",
        }
    }

    /// Whether the field belongs on an entry of `kind` (read-back only for outgoing calls,
    /// forwarding only for received documents).
    #[must_use]
    pub fn applies_to(self, kind: EntryKind) -> bool {
        match self {
            Self::ReadBack => kind == EntryKind::OutgoingCall,
            Self::ForwardedTo | Self::ForwardedAt => kind.is_document(),
            _ => true,
        }
    }

    /// Maximum length in characters.
    #[must_use]
    pub fn max_chars(self) -> usize {
        match self {
            Self::Content => 4000,
            Self::Proposal | Self::Result => 2000,
            Self::Phone => 40,
            Self::OccurredAt | Self::ForwardedAt | Self::ClosedAt => 19,
            _ => 100,
        }
    }

    #[must_use]
    pub fn is_multiline(self) -> bool {
        matches!(self, Self::Content | Self::Proposal | Self::Result)
    }

    #[must_use]
    pub fn is_time(self) -> bool {
        matches!(self, Self::OccurredAt | Self::ForwardedAt | Self::ClosedAt)
    }
}

/// A log entry as written: the record part and the handling part (domain.md §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub category: String,
    pub occurred_at: NaiveDateTime,
    pub unit: String,
    pub person: String,
    pub phone: String,
    pub receiver: String,
    pub content: String,
    pub reported_elsewhere: String,
    pub read_back: Option<bool>,
    pub forwarded_to: String,
    pub forwarded_at: Option<NaiveDateTime>,
    pub triage: Triage,
    pub status: Status,
    pub proposal: String,
    pub result: String,
    pub handler: String,
    pub closed_at: Option<NaiveDateTime>,
    /// 境外: from an organisation or person abroad, so always 请示 (002:1474). Kept in its own
    /// table (`entry_abroad`); set when the entry is saved.
    pub abroad: bool,
    /// 内容不录入: the content was withheld, and why (000:150 "不该记录的坚决不记"). The content
    /// column then holds [`WITHHELD_CONTENT`]; the reason is kept in `entry_withheld`.
    pub withheld: Option<String>,
    /// 记录人: the operator who saved it.
    pub recorded_by: String,
    /// 记录时间: when it was saved.
    pub recorded_at: NaiveDateTime,
}

/// What an entry saved without its content shows where the content would be.
pub const WITHHELD_CONTENT: &str = "（内容不录入）";

/// The longest reason for withholding an entry's content.
pub const WITHHELD_REASON_MAX_CHARS: usize = 100;

/// A saved entry with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub fields: NewEntry,
    pub amendments: Vec<Amendment>,
    pub instructions: Vec<Instruction>,
    /// The timeline of the urgent alert this entry raised, if it raised one.
    pub alert: Vec<crate::core::urgent::TimelineLine>,
    /// Urgent events made from this entry (转为紧急事件).
    pub events: Vec<i64>,
    /// Each attempt to put it to a leader (请示), in the order recorded.
    pub requests: Vec<crate::core::instruction::LeaderRequest>,
    /// 交办 on it, with their 反馈.
    pub tasks: Vec<crate::core::instruction::Task>,
    /// How it left the office's hands, each time it was closed (the newest in force).
    pub closings: Vec<crate::core::instruction::ClosingRecord>,
    /// 转交 (a 移送 too) and their 签收, oldest first.
    pub forwards: Vec<crate::core::document::Forward>,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySummary {
    pub id: EntryId,
    pub occurred_at: NaiveDateTime,
    pub kind: EntryKind,
    pub unit: String,
    pub person: String,
    pub content: String,
    pub triage: Triage,
    pub status: Status,
    /// 境外: always 请示.
    pub abroad: bool,
    /// Its 请示 so far: `None` none recorded, `Some(false)` tried and nobody reached,
    /// `Some(true)` a leader reached.
    pub asked: Option<bool>,
}

impl EntrySummary {
    /// 未请示 on a row that needs a 请示 and has none; 未联系上 on a row tried without reaching a
    /// leader.
    #[must_use]
    pub fn ask_mark(&self) -> Option<&'static str> {
        match self.asked {
            None if self.triage.needs_request(self.abroad) => Some("未请示"),
            // Tried and nobody reached: followed whatever the triage.
            Some(false) => Some("未联系上"),
            _ => None,
        }
    }
    /// The list's sort key: newest first by time, then by id.
    #[must_use]
    pub fn key(&self) -> EntryKey {
        EntryKey {
            occurred_at: self.occurred_at,
            id: self.id,
        }
    }
}

/// Position in the time-ordered log, for keyset paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryKey {
    pub occurred_at: NaiveDateTime,
    pub id: EntryId,
}

/// A correction: the field, its old and new value, who, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub field: LogField,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub amended_by: String,
    pub amended_at: NaiveDateTime,
}

/// 领导批示: a leader's instruction on an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// `None` for an instruction recorded before migration 0021 (in `log_instruction`).
    pub id: Option<i64>,
    /// How it was given (电话/当面/书面/短信); `None` before migration 0021.
    pub via: Option<crate::core::instruction::Via>,
    pub leader: String,
    pub text: String,
    pub given_at: NaiveDateTime,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// A request to change fields of a saved entry; each change becomes one amendment row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendRequest {
    pub entry_id: EntryId,
    pub changes: Vec<(LogField, String)>,
    pub reason: String,
    pub amended_by: String,
    pub amended_at: NaiveDateTime,
}

/// A request to record a leader's instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionRequest {
    pub entry_id: EntryId,
    pub instruction: Instruction,
}

impl NewEntry {
    /// The value of a field as text, the way it is shown and stored in amendment rows.
    #[must_use]
    pub fn value(&self, field: LogField) -> String {
        let time = |t: Option<NaiveDateTime>| t.map(crate::core::validate::format_minute).unwrap_or_default();
        match field {
            LogField::Kind => self.kind.label().into(),
            LogField::Category => self.category.clone(),
            LogField::OccurredAt => crate::core::validate::format_minute(self.occurred_at),
            LogField::Unit => self.unit.clone(),
            LogField::Person => self.person.clone(),
            LogField::Phone => self.phone.clone(),
            LogField::Receiver => self.receiver.clone(),
            LogField::Content => self.content.clone(),
            LogField::ReportedElsewhere => self.reported_elsewhere.clone(),
            LogField::ReadBack => read_back_label(self.read_back).into(),
            LogField::ForwardedTo => self.forwarded_to.clone(),
            LogField::ForwardedAt => time(self.forwarded_at),
            LogField::Triage => self.triage.label().into(),
            LogField::Status => self.status.label().into(),
            LogField::Proposal => self.proposal.clone(),
            LogField::Result => self.result.clone(),
            LogField::Handler => self.handler.clone(),
            LogField::ClosedAt => time(self.closed_at),
        }
    }
}

#[must_use]
pub fn read_back_label(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => ReadBack::Done.label(),
        Some(false) => ReadBack::NotDone.label(),
    }
}

/// Field values as typed (choices as their labels), before validation.
pub type RawValues = std::collections::HashMap<LogField, String>;

/// Turns what was typed into an entry, or returns every problem at once, each on its field.
pub fn build_entry(raw: &RawValues, operator: &str, now: NaiveDateTime) -> Result<NewEntry, Vec<(LogField, String)>> {
    use crate::core::validate;
    let get = |f: LogField| raw.get(&f).map_or("", |s| s.trim());
    let mut errors = Vec::new();
    let kind = EntryKind::parse(get(LogField::Kind)).unwrap_or(EntryKind::IncomingCall);
    let mut time_field = |f: LogField, default_now: bool| -> Option<NaiveDateTime> {
        match get(f) {
            "" if default_now => Some(now),
            "" => None,
            s => validate::time(s, now).map_err(|e| errors.push((f, e))).ok(),
        }
    };
    let occurred_at = time_field(LogField::OccurredAt, true).unwrap_or(now);
    let forwarded_to = get(LogField::ForwardedTo).to_string();
    let forwarded_at = if kind.is_document() {
        time_field(LogField::ForwardedAt, !forwarded_to.is_empty())
    } else {
        None
    };
    let status = Status::parse(get(LogField::Status)).unwrap_or(Status::Pending);
    let closed_at = time_field(LogField::ClosedAt, status == Status::Done);

    let content = get(LogField::Content);
    if content.is_empty() {
        errors.push((
            LogField::Content,
            format!(
                "“{}”必须填写：记下对方说了什么、要办什么",
                LogField::Content.label(kind)
            ),
        ));
    }
    let unit = get(LogField::Unit);
    let person = get(LogField::Person);
    match kind {
        EntryKind::IncomingCall if unit.is_empty() && person.is_empty() => errors.push((
            LogField::Person,
            "来电单位和来电人至少填一项（对方不愿透露可填“群众”或“未留姓名”）".into(),
        )),
        EntryKind::OutgoingCall if person.is_empty() => {
            errors.push((LogField::Person, "去电须问清并记下接电人姓名".into()));
        }
        _ => {}
    }
    let phone = match get(LogField::Phone) {
        "" => String::new(),
        p => validate::phone(p).unwrap_or_else(|e| {
            errors.push((LogField::Phone, e));
            p.to_string()
        }),
    };
    let read_back = match ReadBack::parse(get(LogField::ReadBack)) {
        _ if kind != EntryKind::OutgoingCall => None,
        Some(ReadBack::Done) => Some(true),
        Some(ReadBack::NotDone) => Some(false),
        _ => {
            errors.push((
                LogField::ReadBack,
                "去电须确认对方是否已复述核对：选“已复述核对”或“未复述”".into(),
            ));
            None
        }
    };
    let result = get(LogField::Result);
    if status == Status::Done && result.is_empty() {
        errors.push((LogField::Result, "状态为“已办结”时须填写办理结果".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = |f: LogField| get(f).to_string();
    Ok(NewEntry {
        abroad: false,
        withheld: None,
        kind,
        category: text(LogField::Category),
        occurred_at,
        unit: unit.to_string(),
        person: person.to_string(),
        phone,
        receiver: match get(LogField::Receiver) {
            "" => operator.to_string(),
            r => r.to_string(),
        },
        content: content.to_string(),
        reported_elsewhere: text(LogField::ReportedElsewhere),
        read_back,
        forwarded_to: if kind.is_document() {
            forwarded_to
        } else {
            String::new()
        },
        forwarded_at,
        triage: Triage::parse(get(LogField::Triage)).unwrap_or(Triage::Routine),
        status,
        proposal: text(LogField::Proposal),
        result: result.to_string(),
        handler: text(LogField::Handler),
        closed_at,
        recorded_by: operator.to_string(),
        recorded_at: now,
    })
}

/// Checks one amended value and returns it as it will be stored.
pub fn check_amended_value(
    field: LogField,
    kind: EntryKind,
    value: &str,
    now: NaiveDateTime,
) -> Result<String, String> {
    use crate::core::validate;
    let v = value.trim();
    match field {
        LogField::Phone if !v.is_empty() => validate::phone(v),
        f if f.is_time() && !v.is_empty() => validate::time(v, now).map(validate::format_minute),
        LogField::OccurredAt => Err("时间不能为空".into()),
        LogField::Content if v.is_empty() => Err(format!("“{}”不能改为空", field.label(kind))),
        LogField::Triage => Triage::parse(v)
            .map(|t| t.label().into())
            .ok_or_else(|| format!("分级只能是：{}", Triage::choices())),
        LogField::Status => Status::parse(v)
            .map(|t| t.label().into())
            .ok_or_else(|| format!("状态只能是：{}", Status::choices())),
        LogField::ReadBack => match ReadBack::parse(v) {
            Some(ReadBack::Done | ReadBack::NotDone) => Ok(v.into()),
            _ => Err("请选择“已复述核对”或“未复述”".into()),
        },
        _ => Ok(v.to_string()),
    }
}

/// Where a page of the list starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Newest,
    Oldest,
    /// Entries strictly older than the key.
    Before(EntryKey),
    /// Entries strictly newer than the key.
    After(EntryKey),
    /// The entry at the key and those older (used to show a just-saved entry).
    AtOrBefore(EntryKey),
}

/// A page to load: always returned newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub anchor: Anchor,
    pub limit: usize,
    /// Select this entry once loaded, if it is in the page.
    pub select: Option<EntryId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-23 03:10", "%Y-%m-%d %H:%M").unwrap()
    }

    fn raw(pairs: &[(LogField, &str)]) -> RawValues {
        pairs.iter().map(|(f, v)| (*f, (*v).to_string())).collect()
    }

    #[test]
    fn incoming_call_defaults_time_receiver_and_triage() {
        let e = build_entry(
            &raw(&[
                (LogField::Kind, "来电"),
                (LogField::Unit, "城关镇"),
                (LogField::Content, "河堤渗水"),
            ]),
            "张三",
            now(),
        )
        .unwrap();
        assert_eq!(e.occurred_at, now());
        assert_eq!(e.receiver, "张三");
        assert_eq!(e.recorded_by, "张三");
        assert_eq!(e.triage, Triage::Routine);
        assert_eq!(e.status, Status::Pending);
        assert_eq!(e.read_back, None);
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let errs = build_entry(
            &raw(&[(LogField::Kind, "来电"), (LogField::Phone, "123")]),
            "张三",
            now(),
        )
        .unwrap_err();
        let fields: Vec<LogField> = errs.iter().map(|(f, _)| *f).collect();
        assert!(fields.contains(&LogField::Content));
        assert!(fields.contains(&LogField::Person));
        assert!(fields.contains(&LogField::Phone));
    }

    #[test]
    fn outgoing_call_needs_receiver_name_and_read_back() {
        let errs = build_entry(
            &raw(&[(LogField::Kind, "去电"), (LogField::Content, "通知开会")]),
            "张三",
            now(),
        )
        .unwrap_err();
        assert!(errs.iter().any(|(f, m)| *f == LogField::Person && m.contains("接电人")));
        assert!(errs.iter().any(|(f, _)| *f == LogField::ReadBack));
        let ok = build_entry(
            &raw(&[
                (LogField::Kind, "去电"),
                (LogField::Person, "李四"),
                (LogField::Content, "通知开会"),
                (LogField::ReadBack, "已复述核对"),
            ]),
            "张三",
            now(),
        )
        .unwrap();
        assert_eq!(ok.read_back, Some(true));
    }

    #[test]
    fn forwarding_only_applies_to_documents_and_defaults_its_time() {
        let fax = build_entry(
            &raw(&[
                (LogField::Kind, "传真"),
                (LogField::Content, "防汛通知"),
                (LogField::ForwardedTo, "应急局王科长"),
            ]),
            "张三",
            now(),
        )
        .unwrap();
        assert_eq!(fax.forwarded_at, Some(now()));
        let call = build_entry(
            &raw(&[
                (LogField::Kind, "来电"),
                (LogField::Person, "群众"),
                (LogField::Content, "x"),
                (LogField::ForwardedTo, "y"),
            ]),
            "张三",
            now(),
        )
        .unwrap();
        assert_eq!(call.forwarded_to, "");
    }

    #[test]
    fn done_requires_a_result_and_sets_closing_time() {
        let base = [
            (LogField::Kind, "事件"),
            (LogField::Content, "停电"),
            (LogField::Status, "已办结"),
        ];
        let errs = build_entry(&raw(&base), "张三", now()).unwrap_err();
        assert_eq!(errs[0].0, LogField::Result);
        let mut with_result = raw(&base);
        with_result.insert(LogField::Result, "已恢复供电".into());
        assert_eq!(build_entry(&with_result, "张三", now()).unwrap().closed_at, Some(now()));
    }

    #[test]
    fn labels_parse_back() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.label()), Some(*k));
        }
        for f in LogField::AMENDABLE {
            assert_eq!(LogField::from_column(f.column()), Some(*f));
        }
        assert_eq!(Triage::choices(), "急办、请示、次日办理、一般");
    }

    #[test]
    fn amended_values_are_checked() {
        assert!(check_amended_value(LogField::Phone, EntryKind::IncomingCall, "12", now()).is_err());
        assert_eq!(
            check_amended_value(LogField::Status, EntryKind::IncomingCall, "已办结", now()),
            Ok("已办结".into())
        );
        assert!(check_amended_value(LogField::Content, EntryKind::IncomingCall, " ", now()).is_err());
        assert_eq!(
            check_amended_value(LogField::OccurredAt, EntryKind::IncomingCall, "03:00", now()),
            Ok("2026-11-23 03:00".into())
        );
    }
}
