//! The 紧急事项 screen's state: the open events (kept by the app, shown on every screen) and
//! then the history of ended ones, the selected one read whole (facts, clocks, reports,
//! timeline), and its forms: a new event (also from a log entry), a report to one recipient
//! (which may update the facts), a call outcome, the facts, a re-grade, an added recipient.

use chrono::NaiveDateTime;

use super::cycle_form::{self, CycleKey};
use super::escalation::Input;
use super::form::FormEvent;
use super::form::{Field, Form};
use super::instruction::ItemRef;
use super::keymap::{Action, Mode};
use super::log::{Entry, EntryId};
use super::report::ReportEvent;
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, paste_into, save_failed, type_into};
use super::settings::UrgentSettings;
use super::settings::{Settings, contacts, rung_to_phone};
use super::urgent::AlertTarget;
use super::urgent::clock::{self, rules_for};
use super::urgent::facts::{self, EDITABLE, FactChange, FactField};
use super::urgent::print::first_report_text;
use super::urgent::{
    AddedRecipient, CallOutcome, Channel, Event, EventDraft, EventId, EventText, Level, NewEvent, Report, ReportType,
    TimelineLine, check_report, new_event,
};
use super::validate;

/// Fields of the new-event form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrgentField {
    Category,
    Level,
    OccurredAt,
    ReceivedAt,
    Place,
    Source,
    Summary,
    Deaths,
    Missing,
    Injured,
    Measures,
    Trend,
    Requests,
    Contact,
    ReportType,
    Channel,
    Recipient,
    SentAt,
    SignedBy,
    ReportContent,
    Callee,
    Outcome,
    CalledAt,
    /// A recipient added at creation or later, and its limits ("30/60").
    AddedName,
    AddedLimits,
    /// 待核实 as a list.
    Unverified,
    /// Why a fact changed, why the level changed.
    Reason,
    /// A field of the 批示 and 交办 forms (`cycle_form`).
    Cycle(CycleKey),
}

impl From<CycleKey> for UrgentField {
    fn from(k: CycleKey) -> Self {
        Self::Cycle(k)
    }
}

/// What the open form is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UrgentPurpose {
    #[default]
    NewEvent,
    Report(EventId),
    Call(EventId),
    Facts(EventId),
    Regrade(EventId),
    AddRecipient(EventId),
    /// 批示 on the event (呈送领导阅示, 000:143).
    Instruct(EventId),
    /// 交办 from the event (the 批示 offered are in `UrgentScreen::assign_basis`).
    Assign(EventId),
}

impl UrgentPurpose {
    /// The name a draft keeps it under.
    fn name(self) -> (&'static str, Option<EventId>) {
        match self {
            Self::NewEvent => ("新建", None),
            Self::Report(id) => ("报告", Some(id)),
            Self::Call(id) => ("通话", Some(id)),
            Self::Facts(id) => ("事实", Some(id)),
            Self::Regrade(id) => ("定级", Some(id)),
            Self::AddRecipient(id) => ("追加", Some(id)),
            Self::Instruct(id) => ("批示", Some(id)),
            Self::Assign(id) => ("交办", Some(id)),
        }
    }
}

/// Which events the list shows after the open ones (`f` cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListFilter {
    /// Open events, then those ended in the last 30 days.
    #[default]
    Recent,
    /// Open events, then those ended in the last year.
    Year,
    /// Only ended events, all of them (newest 200).
    Ended,
    /// Only open events.
    Open,
}

impl ListFilter {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Recent => "未结束 + 近 30 天已结束",
            Self::Year => "未结束 + 近一年已结束",
            Self::Ended => "只看已结束",
            Self::Open => "只看未结束",
        }
    }

    fn next(self) -> Self {
        match self {
            Self::Recent => Self::Year,
            Self::Year => Self::Ended,
            Self::Ended => Self::Open,
            Self::Open => Self::Recent,
        }
    }

    /// How far back the history goes, in days (`None`: no history shown).
    fn days(self) -> Option<i64> {
        match self {
            Self::Recent => Some(30),
            Self::Year => Some(366),
            Self::Ended => Some(365 * 100),
            Self::Open => None,
        }
    }

    /// Whether the open events are listed (before the history).
    #[must_use]
    pub fn shows_open(self) -> bool {
        self != Self::Ended
    }
}

/// What a yes to the question asked does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Resolve(EventId),
    Close(EventId),
}

/// The most ended events the list holds.
const HISTORY_LIMIT: usize = 200;

/// An unsaved urgent form kept as a draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct UrgentDraft {
    /// 新建, 报告 or 通话.
    purpose: String,
    event: Option<EventId>,
    /// The log entry a new event is promoted from.
    promoting: Option<EntryId>,
    form: super::form::FormDraft,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrgentScreen {
    /// Index into [`UrgentScreen::listed`]: the open events, then the history.
    pub selected: usize,
    /// The selected event read whole (facts, clocks, reports, timeline), once loaded.
    pub detail: Option<ReportEvent>,
    /// Rows of the detail scrolled past (PageDown / PageUp).
    pub detail_scroll: usize,
    /// Ended events, newest first, as the filter asks.
    pub history: Vec<Event>,
    pub filter: ListFilter,
    /// The question asked, by its token.
    confirm: Option<(u64, Confirm)>,
    pub form: Option<Form<UrgentField>>,
    /// The log entry being promoted, if the form came from one.
    pub promoting: Option<EntryId>,
    pub purpose: UrgentPurpose,
    /// The save in flight, and what its confirmation will say before the report's name.
    save_op: Option<(OpId, String)>,
    /// The history read for the filter shown (an answer for an earlier filter is dropped).
    history_op: Option<OpId>,
    /// The id of the selected event, for F2 from anywhere on the tab.
    selected_id: Option<EventId>,
    /// Whether the selected event was open at the last reload: when it closes (here or at
    /// another terminal) the selection moves to the open events, where the work is.
    selected_was_open: bool,
    /// The open events at the last reload: one that leaves them has closed (here or at another
    /// terminal) and belongs in the history, which is read again.
    open_ids: Vec<EventId>,
    /// The 批示 the open 交办 form offers, in its order (newest first).
    assign_basis: Vec<i64>,
}

fn text(key: UrgentField, label: &str, multiline: bool, max: usize) -> Field<UrgentField> {
    Field::text(key, label, multiline, max)
}

/// A field for one of the event's texts: its label and its cap from [`EventText`].
fn event_text(key: UrgentField, text: EventText, multiline: bool) -> Field<UrgentField> {
    Field::text(key, text.label(), multiline, text.max_chars())
}

/// The form field that holds an [`EventText`].
fn field_of(text: EventText) -> UrgentField {
    match text {
        EventText::Place => UrgentField::Place,
        EventText::Source => UrgentField::Source,
        EventText::Summary => UrgentField::Summary,
        EventText::Measures => UrgentField::Measures,
        EventText::Trend => UrgentField::Trend,
        EventText::Requests => UrgentField::Requests,
        EventText::Contact => UrgentField::Contact,
        EventText::ReportRecipient => UrgentField::Recipient,
        EventText::ReportSigner => UrgentField::SignedBy,
        EventText::ReportContent => UrgentField::ReportContent,
    }
}

/// The level choice: nothing chosen at first (a default invites 误报, domain.md §3).
const CHOOSE_LEVEL: &str = "（请选择）";

/// The new-event form; `from` pre-fills it from a log entry being promoted (its time is the
/// event's 接报: the call came in then, not when it was converted).
#[must_use]
pub fn new_event_form(settings: &UrgentSettings, from: Option<&Entry>) -> Form<UrgentField> {
    let levels = std::iter::once(CHOOSE_LEVEL.to_string())
        .chain(Level::ALL.iter().map(|l| l.label().to_string()))
        .collect();
    let mut fields = vec![
        Field::choice(UrgentField::Category, "类别", settings.categories.clone(), 0),
        Field::choice(UrgentField::Level, "等级", levels, 0).required(),
        text(UrgentField::OccurredAt, "事发时间", false, 19)
            .with_placeholder("不清楚就空着，按接报时间记；可填 02:50 或 2026-11-23 02:50"),
        text(UrgentField::ReceivedAt, "接报时间", false, 19).with_placeholder("默认为现在"),
        event_text(UrgentField::Place, EventText::Place, false).with_placeholder("不清楚的先空着，记为待核实"),
        event_text(UrgentField::Source, EventText::Source, false)
            .with_placeholder("谁报来的，如 县应急局值班室 王科长"),
        event_text(UrgentField::Summary, EventText::Summary, true)
            .required()
            .with_placeholder("已知的先报：何时、何地、何事"),
        text(UrgentField::Deaths, "死亡", false, 6)
            .with_placeholder("人数；不清楚空着（待核实）")
            .with_heading("伤亡"),
        text(UrgentField::Missing, "失踪", false, 6).with_placeholder("人数；不清楚空着（待核实）"),
        text(UrgentField::Injured, "受伤", false, 6).with_placeholder("人数；不清楚空着（待核实）"),
        event_text(UrgentField::Measures, EventText::Measures, true).with_heading("处置"),
        event_text(UrgentField::Trend, EventText::Trend, false),
        event_text(UrgentField::Requests, EventText::Requests, false),
        event_text(UrgentField::Contact, EventText::Contact, false).with_placeholder("姓名、电话"),
        event_text(UrgentField::AddedName, EventText::ReportRecipient, false)
            .with_heading("报送对象（规则中的自动计时，如 带班领导、上级总值班室）")
            .with_placeholder("另需报送的填这里，如 信访部门；不需要就空着"),
        text(UrgentField::AddedLimits, "其时限", false, 12)
            .with_placeholder("电话分钟/书面分钟，如 30/60；只电话报告写 30"),
    ];
    if let Some(entry) = from {
        let e = &entry.fields;
        for f in &mut fields {
            match f.key {
                UrgentField::ReceivedAt => f.set_value(&validate::format_minute(e.occurred_at)),
                UrgentField::Summary => f.set_value(&e.content),
                UrgentField::Source => {
                    f.set_value(
                        &format!("{} {} {}", e.unit, e.person, e.phone)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
                _ => {}
            }
        }
    }
    let title = from.map_or_else(
        || "新建紧急事件（突发事件）".to_string(),
        |e| format!("由第 {} 号值班记录转为紧急事件", e.id),
    );
    let mut form = Form::new(&title, fields);
    form.focus_on(UrgentField::Level);
    form
}

/// What is wrong with a form, field by field, said under each field.
type FieldErrors = Vec<(UrgentField, String)>;

fn count(form: &Form<UrgentField>, key: UrgentField, errors: &mut Vec<(UrgentField, String)>) -> Option<u32> {
    let v = form.value(key);
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    v.parse()
        .map_err(|_| errors.push((key, "请填写人数（数字），不清楚就空着，记为待核实".into())))
        .ok()
}

/// Reads the form into a new event, or the problems, each on its field.
pub fn read_event_form(
    form: &Form<UrgentField>,
    settings: &UrgentSettings,
    log_entry_id: Option<EntryId>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<NewEvent, Vec<(UrgentField, String)>> {
    let mut errors = Vec::new();
    let get = |k: UrgentField| form.value(k).trim().to_string();
    let time = |k: UrgentField, default: NaiveDateTime, errors: &mut Vec<(UrgentField, String)>| match get(k).as_str() {
        "" => default,
        s => validate::time(s, now).unwrap_or_else(|e| {
            errors.push((k, e));
            default
        }),
    };
    let received_at = time(UrgentField::ReceivedAt, now, &mut errors);
    let occurred_at = time(UrgentField::OccurredAt, received_at, &mut errors);
    let level = Level::parse(&get(UrgentField::Level));
    if level.is_none() {
        errors.push((
            UrgentField::Level,
            format!(
                "请选择等级（←/→）：{}；拿不准先按较低一级报，核实后再升级",
                Level::choices()
            ),
        ));
    }
    let mut added = Vec::new();
    let (name, limits) = (get(UrgentField::AddedName), get(UrgentField::AddedLimits));
    if !name.is_empty() || !limits.is_empty() {
        match AddedRecipient::parse(&name, &limits) {
            Ok(a) => added.push(a),
            Err(e) if name.is_empty() => errors.push((UrgentField::AddedName, e)),
            Err(e) => errors.push((UrgentField::AddedLimits, e)),
        }
    }
    let draft = EventDraft {
        category: get(UrgentField::Category),
        level: level.unwrap_or(Level::Ordinary),
        occurred_at,
        received_at: Some(received_at),
        place: get(UrgentField::Place),
        source: get(UrgentField::Source),
        summary: get(UrgentField::Summary),
        deaths: count(form, UrgentField::Deaths, &mut errors),
        missing: count(form, UrgentField::Missing, &mut errors),
        injured: count(form, UrgentField::Injured, &mut errors),
        measures: get(UrgentField::Measures),
        trend: get(UrgentField::Trend),
        requests: get(UrgentField::Requests),
        contact: get(UrgentField::Contact),
        log_entry_id,
        added,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    new_event(draft, settings, operator, now).map_err(|m| {
        let field = if let Some(text) = EventText::EVENT
            .into_iter()
            .find(|t| m.contains(&format!("“{}”", t.label())))
        {
            field_of(text)
        } else if m.contains("概况") {
            UrgentField::Summary
        } else if m.contains("事发时间") {
            UrgentField::OccurredAt
        } else if m.contains("报送对象") {
            UrgentField::AddedName
        } else {
            UrgentField::Level
        };
        vec![(field, m)]
    })
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

/// The form field of an editable fact.
fn fact_field(f: FactField) -> UrgentField {
    match f {
        FactField::OccurredAt => UrgentField::OccurredAt,
        FactField::Place => UrgentField::Place,
        FactField::Deaths => UrgentField::Deaths,
        FactField::Missing => UrgentField::Missing,
        FactField::Injured => UrgentField::Injured,
        FactField::Measures => UrgentField::Measures,
        FactField::Trend => UrgentField::Trend,
        FactField::Contact => UrgentField::Contact,
        FactField::Unverified => UrgentField::Unverified,
        FactField::Level => UrgentField::Level,
    }
}

/// The fields of the facts, each holding the current value.
fn fact_fields(event: &Event, heading: &str) -> Vec<Field<UrgentField>> {
    EDITABLE
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let key = fact_field(*f);
            let field = match f {
                FactField::OccurredAt => text(key, f.label(), false, 19),
                FactField::Deaths | FactField::Missing | FactField::Injured => {
                    text(key, f.label(), false, 6).with_placeholder("人数；不清楚空着（待核实）")
                }
                FactField::Measures => event_text(key, EventText::Measures, true),
                FactField::Place => event_text(key, EventText::Place, false),
                FactField::Trend => event_text(key, EventText::Trend, false),
                FactField::Contact => event_text(key, EventText::Contact, false),
                FactField::Unverified | FactField::Level => {
                    text(key, f.label(), false, 200).with_placeholder("用、分隔，如 伤亡情况、事故原因；都已核实写 无")
                }
            };
            let field = field.with_value(&event.facts.value(*f));
            if i == 0 { field.with_heading(heading) } else { field }
        })
        .collect()
}

/// What the fact fields of `form` say, for [`facts::changes_from`].
fn typed_facts(form: &Form<UrgentField>) -> Vec<(FactField, String)> {
    EDITABLE
        .iter()
        .filter(|f| form.field(fact_field(**f)).is_some())
        .map(|f| (*f, form.value(fact_field(*f))))
        .collect()
}

/// The report a new one follows: the last one to `recipient`, or else the last one at all.
fn last_report<'a>(reports: &'a [Report], recipient: &str) -> Option<&'a Report> {
    reports
        .iter()
        .rev()
        .find(|r| r.recipient == recipient)
        .or_else(|| reports.last())
}

/// The report form for one recipient: which report, how, when, signed off by whom, what it says,
/// and the facts it may update. The text starts from what was last said: a written report from
/// the phone one of the same name, a 续报 from the last report; a 初报 from the facts. What
/// changed since the last report is listed beside the fields (never inside the text).
#[must_use]
pub fn report_form(detail: &ReportEvent, settings: &Settings, now: NaiveDateTime) -> Form<UrgentField> {
    let event = &detail.event;
    let reports = &detail.reports;
    // The most pressing recipient first; with every clock stopped, the first upward one (with a
    // written limit), which the 续报 and the 终报 go to.
    let running = clock::running(&event.clocks, now);
    let recipient = running
        .first()
        .map(|d| d.recipient.to_string())
        .or_else(|| {
            event
                .clocks
                .iter()
                .find(|c| c.setting.written_due.is_some())
                .or(event.clocks.first())
                .map(|c| c.setting.recipient.clone())
        })
        .unwrap_or_default();
    let to = |ch: Channel| {
        let recipient = &recipient;
        reports
            .iter()
            .filter(move |r| r.recipient == *recipient && r.channel == ch)
    };
    let written_due = event
        .clock_of(&recipient)
        .is_some_and(|c| c.setting.written_due.is_some());
    let (kind, channel) = match (to(Channel::Phone).next(), to(Channel::Written).next()) {
        (None, _) => (ReportType::Initial, Channel::Phone),
        (Some(_), None) if written_due => (ReportType::Initial, Channel::Written),
        _ => (ReportType::FollowUp, Channel::Phone),
    };
    let content = match (kind, channel) {
        // The written 初报 starts from the phone one just made.
        (ReportType::Initial, Channel::Written) => to(Channel::Phone)
            .find(|r| r.kind == "初报")
            .map(|r| r.content.clone())
            .unwrap_or_else(|| first_report_text(&event.record, &event.facts)),
        (ReportType::Initial, _) => first_report_text(&event.record, &event.facts),
        _ => last_report(reports, &recipient)
            .map_or_else(|| first_report_text(&event.record, &event.facts), |r| r.content.clone()),
    };
    let pos = |all: &[ReportType], k| all.iter().position(|x| *x == k).unwrap_or(0);
    let leaders: Vec<String> = settings
        .people
        .iter()
        .filter(|p| p.role.is_leader())
        .map(|p| p.name.clone())
        .collect();
    let signer = if leaders.is_empty() {
        event_text(UrgentField::SignedBy, EventText::ReportSigner, false).required()
    } else {
        Field::choice(UrgentField::SignedBy, "签发", leaders, 0)
    };
    let recipients: Vec<String> = event.clocks.iter().map(|c| c.setting.recipient.clone()).collect();
    let at = recipients.iter().position(|r| *r == recipient).unwrap_or(0);
    let mut fields = vec![
        Field::choice(UrgentField::Recipient, "报送对象", recipients, at),
        Field::choice(
            UrgentField::ReportType,
            "报告",
            labels(ReportType::ALL, ReportType::label),
            pos(ReportType::ALL, kind),
        ),
        Field::choice(
            UrgentField::Channel,
            "方式",
            labels(Channel::ALL, Channel::label),
            usize::from(channel == Channel::Written),
        ),
        text(UrgentField::SentAt, "报送时间", false, 19).with_placeholder("默认为现在；可填 03:25"),
        signer,
        text(
            UrgentField::ReportContent,
            "内容",
            true,
            EventText::ReportContent.max_chars(),
        )
        .with_value(&content)
        .read_from_top()
        .required(),
    ];
    fields.extend(fact_fields(event, "事实（本报告更新了的在此改，随报告记入事件）"));
    let mut form = Form::new(&format!("第 {} 号事件：记录报告（初报、续报、终报）", event.id), fields);
    form.aside = changed_since(event, last_report(reports, &recipient));
    form.focus_on(UrgentField::ReportContent);
    form
}

/// "自续报一（16:40）以来更新：受伤 5 → 7；…", or that nothing changed.
fn changed_since(event: &Event, last: Option<&Report>) -> Vec<String> {
    let Some(last) = last else {
        let unverified = event.facts.unverified();
        return if unverified.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "待核实（打印在“待核实事项”，不必写进正文）：{}",
                unverified.join("、")
            )]
        };
    };
    let since: Vec<String> = event
        .changes
        .iter()
        .filter(|c| c.at > last.recorded_at)
        .map(facts::change_text)
        .collect();
    let head = format!(
        "自上次报告（{}{}报{}，{}）以来",
        last.channel.label(),
        last.kind,
        last.recipient,
        last.sent_at.format("%H:%M")
    );
    if since.is_empty() {
        vec![format!("{head}事实未更新")]
    } else {
        vec![format!("{head}更新：{}", since.join("；"))]
    }
}

/// Reads the report form: the report and the facts it updates.
pub fn read_report_form(
    form: &Form<UrgentField>,
    event: &Event,
    operator: &str,
    now: NaiveDateTime,
) -> Result<(ReportType, Report, Vec<FactChange>), FieldErrors> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let get = |k: UrgentField| form.value(k).trim().to_string();
    let sent_at = match get(UrgentField::SentAt).as_str() {
        "" => now,
        s => validate::time(s, now).map_err(|e| vec![(UrgentField::SentAt, e)])?,
    };
    let kind = ReportType::parse(&get(UrgentField::ReportType)).unwrap_or(ReportType::FollowUp);
    let channel = Channel::parse(&get(UrgentField::Channel)).unwrap_or(Channel::Phone);
    let report = Report {
        kind: kind.label().into(),
        channel,
        recipient: get(UrgentField::Recipient),
        sent_at,
        signed_by: get(UrgentField::SignedBy),
        content: get(UrgentField::ReportContent),
        recorded_by: operator.to_string(),
        recorded_at: now,
    };
    check_report(&report).map_err(|(text, why)| vec![(field_of(text), why)])?;
    let reason = format!("{}{}报{}", channel.label(), kind.label(), report.recipient);
    let changes = facts::changes_from(&event.facts, &typed_facts(form), &reason, operator, now)
        .map_err(|errors| errors.into_iter().map(|(f, e)| (fact_field(f), e)).collect::<Vec<_>>())?;
    Ok((kind, report, changes))
}

/// The facts form: every fact that can be updated, with the current value, and why.
#[must_use]
pub fn facts_form(event: &Event) -> Form<UrgentField> {
    let mut fields = vec![
        text(UrgentField::Reason, "理由", false, 200)
            .required()
            .with_placeholder("如 县应急局电话核实；现场反馈"),
    ];
    fields.extend(fact_fields(event, "事实（改要改的；旧值和理由都留在记录中）"));
    let mut form = Form::new(&format!("第 {} 号事件：更新事实", event.id), fields);
    form.focus_on(UrgentField::Reason);
    form
}

/// Reads the facts form into amendments (unchanged facts left out).
pub fn read_facts_form(
    form: &Form<UrgentField>,
    event: &Event,
    operator: &str,
    now: NaiveDateTime,
) -> Result<Vec<FactChange>, Vec<(UrgentField, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let reason = form.value(UrgentField::Reason).trim().to_string();
    let changes = facts::changes_from(&event.facts, &typed_facts(form), &reason, operator, now)
        .map_err(|errors| errors.into_iter().map(|(f, e)| (fact_field(f), e)).collect::<Vec<_>>())?;
    if changes.is_empty() {
        return Err(vec![(UrgentField::Place, "没有改动：先改要更新的事实".into())]);
    }
    Ok(changes)
}

/// The re-grade form: the new level (none chosen: a hasty Ctrl-S must not grade anything) and why.
#[must_use]
pub fn regrade_form(event: &Event) -> Form<UrgentField> {
    let levels: Vec<String> = std::iter::once(CHOOSE_LEVEL.to_string())
        .chain(
            Level::ALL
                .iter()
                .filter(|l| **l != event.facts.level)
                .map(|l| l.label().to_string()),
        )
        .collect();
    Form::new(
        &format!("第 {} 号事件：升级/降级（现为{}）", event.id, event.facts.level.label()),
        vec![
            Field::choice(UrgentField::Level, "改为", levels, 0),
            text(UrgentField::Reason, "理由", false, 200)
                .required()
                .with_placeholder("如 死亡人数增至 3 人，达到重大"),
        ],
    )
}

/// Reads the re-grade form: the level, its rules (one per recipient) and the reason.
pub fn read_regrade_form(
    form: &Form<UrgentField>,
    event: &Event,
    settings: &UrgentSettings,
) -> Result<(Level, Vec<super::urgent::DeadlineRule>, String), FieldErrors> {
    let mut errors = form.missing_required();
    let level = Level::parse(&form.value(UrgentField::Level));
    if level.is_none() {
        errors.insert(0, (UrgentField::Level, format!("请选择等级：{}", Level::choices())));
    }
    let Some(level) = level.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let rules: Vec<_> = rules_for(&settings.rules, &event.record.category, level)
        .into_iter()
        .cloned()
        .collect();
    if rules.is_empty() {
        return Err(vec![(
            UrgentField::Level,
            format!(
                "没有“{}”级事件的报送时限规则：请在配置 [[deadline]] 中补上",
                level.label()
            ),
        )]);
    }
    Ok((level, rules, form.value(UrgentField::Reason).trim().to_string()))
}

/// The form for a recipient added later: whom, and the limits (its clock starts on saving).
#[must_use]
pub fn add_recipient_form(event: &Event) -> Form<UrgentField> {
    let mut form = Form::new(
        &format!("第 {} 号事件：追加报送对象（自保存时起计时）", event.id),
        vec![
            event_text(UrgentField::AddedName, EventText::ReportRecipient, false)
                .required()
                .with_placeholder("如 信访部门、分管领导"),
            text(UrgentField::AddedLimits, "时限", false, 12)
                .required()
                .with_placeholder("电话分钟/书面分钟，如 30/60；只电话报告写 30"),
        ],
    );
    form.focus_on(UrgentField::AddedName);
    form
}

pub fn read_add_recipient_form(form: &Form<UrgentField>) -> Result<AddedRecipient, Vec<(UrgentField, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    AddedRecipient::parse(
        &form.value(UrgentField::AddedName),
        &form.value(UrgentField::AddedLimits),
    )
    .map_err(|e| vec![(UrgentField::AddedLimits, e)])
}

/// The call-outcome form: whom the app asked to phone at the current rung, and what happened.
#[must_use]
/// The call form. 联系对象 starts with whom the ladder asks the officer to phone now, then everyone
/// else on the ladder; never the officer at the keyboard (nobody phones themselves).
pub fn call_form(event: &Event, settings: &Settings, operator: &str) -> Form<UrgentField> {
    let person = |(n, p): (String, String)| format!("{n} {p}").trim().to_string();
    let mut callees: Vec<String> = rung_to_phone(settings, event.escalation.rung, Some(operator))
        .map(|(_, people)| people.into_iter().map(person).collect())
        .unwrap_or_default();
    for rung in &settings.urgent.ladder {
        for (n, p) in contacts(settings, rung) {
            let c = person((n.clone(), p));
            if n != operator && !callees.contains(&c) {
                callees.push(c);
            }
        }
    }
    Form::new(
        &format!("第 {} 号事件：记录电话联系结果", event.id),
        vec![
            Field::choice(UrgentField::Callee, "联系对象", callees, 0),
            Field::choice(
                UrgentField::Outcome,
                "结果",
                labels(CallOutcome::ALL, CallOutcome::label),
                0,
            ),
            text(UrgentField::CalledAt, "时间", false, 19).with_placeholder("默认为现在"),
        ],
    )
}

/// Reads the call form into a timeline line.
pub fn read_call_form(
    form: &Form<UrgentField>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<TimelineLine, Vec<(UrgentField, String)>> {
    let get = |k: UrgentField| form.value(k).trim().to_string();
    let at = match get(UrgentField::CalledAt).as_str() {
        "" => now,
        s => validate::time(s, now).map_err(|e| vec![(UrgentField::CalledAt, e)])?,
    };
    let callee = get(UrgentField::Callee);
    if callee.is_empty() {
        return Err(vec![(
            UrgentField::Callee,
            "配置中没有可联系的人：请在 [[people]] 或 [[escalation]] 中写上电话".into(),
        )]);
    }
    Ok(TimelineLine {
        at,
        who: operator.to_string(),
        text: format!("电话联系 {callee}：{}", get(UrgentField::Outcome)),
    })
}
impl UrgentScreen {
    /// The events listed: the open ones (shared, shown on every screen), then the history.
    #[must_use]
    pub fn listed<'a>(&'a self, shared: &'a super::shared::Shared) -> Vec<&'a Event> {
        let open = shared.alerts.events.iter().filter(|_| self.filter.shows_open());
        open.chain(self.history.iter()).collect()
    }

    fn selected<'a>(&'a self, cx: &'a Cx<'_>) -> Option<&'a Event> {
        self.listed(cx.shared).get(self.selected).copied()
    }

    /// The selected event read whole, if it is the one loaded.
    fn selected_detail(&self, cx: &Cx<'_>) -> Option<&ReportEvent> {
        let id = self.selected(cx)?.id;
        self.detail.as_ref().filter(|d| d.event.id == id)
    }

    /// Reads the selected event whole unless it is the one shown.
    fn load_detail(&mut self, cx: &mut Cx<'_>, again: bool) {
        let id = self.selected(cx).map(|e| e.id);
        if id != self.selected_id {
            self.detail_scroll = 0;
        }
        self.selected_id = id;
        if let Some(id) = id
            && (again || self.detail.as_ref().is_none_or(|d| d.event.id != id))
        {
            cx.request(Request::LoadEventDetail(id));
        }
    }

    /// An event opened by id (from search) stays listed and selected even when the history
    /// filter would leave it out: it goes first in the history.
    fn keep_opened_listed(&mut self, cx: &Cx<'_>) {
        let Some(d) = &self.detail else { return };
        if self.selected_id != Some(d.event.id) {
            return;
        }
        if !self.listed(cx.shared).iter().any(|e| e.id == d.event.id) {
            self.history.insert(0, d.event.clone());
        }
        if let Some(i) = self.listed(cx.shared).iter().position(|e| e.id == d.event.id) {
            self.selected = i;
        }
    }

    fn load_history(&mut self, cx: &mut Cx<'_>) {
        self.history_op = match self.filter.days() {
            Some(days) => Some(cx.request(Request::LoadEventHistory {
                since: cx.now - chrono::Duration::days(days),
                until: cx.now + chrono::Duration::days(1),
                limit: HISTORY_LIMIT,
            })),
            None => {
                self.history.clear();
                None
            }
        };
    }

    /// The history for the filter shown is being read.
    #[must_use]
    pub fn history_loading(&self) -> bool {
        self.history_op.is_some()
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let detail = self.detail.clone();
        let Some(form) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let event_of = |id: EventId| detail.as_ref().filter(|d| d.event.id == id).map(|d| &d.event);
        let gone = || vec![(UrgentField::ReportContent, "事件还在读取中，请稍候再保存".to_string())];
        let result = match self.purpose {
            UrgentPurpose::Report(event_id) => event_of(event_id).ok_or_else(gone).and_then(|event| {
                read_report_form(form, event, cx.operator, cx.now).map(|(kind, report, changes)| {
                    let said = format!(
                        "已保存：第 {event_id} 号事件 {}报{} ",
                        report.channel.label(),
                        report.recipient
                    );
                    (
                        Request::AddReport {
                            event_id,
                            kind,
                            report: Box::new(report),
                            changes,
                        },
                        said,
                    )
                })
            }),
            UrgentPurpose::Call(id) => read_call_form(form, cx.operator, cx.now).map(|line| {
                let said = format!("已记入第 {id} 号事件时间线：{}", line.text);
                (Request::AppendTimeline(id, line), said)
            }),
            UrgentPurpose::Facts(id) => event_of(id).ok_or_else(gone).and_then(|event| {
                read_facts_form(form, event, cx.operator, cx.now).map(|changes| {
                    let said = format!(
                        "已更新第 {id} 号事件：{}",
                        changes.iter().map(facts::change_text).collect::<Vec<_>>().join("；")
                    );
                    (Request::UpdateFacts(id, changes), said)
                })
            }),
            UrgentPurpose::Regrade(id) => event_of(id).ok_or_else(gone).and_then(|event| {
                read_regrade_form(form, event, &cx.settings.urgent).map(|(level, rules, reason)| {
                    let said = format!("已将第 {id} 号事件改为{}级，报送时限已按新等级计算", level.label());
                    (
                        Request::Regrade {
                            event_id: id,
                            level,
                            rules,
                            reason,
                            by: cx.operator.to_string(),
                            at: cx.now,
                        },
                        said,
                    )
                })
            }),
            UrgentPurpose::Instruct(id) => cycle_form::read_instruction(form, cx.operator, cx.now).map(|i| {
                let said = format!("已保存：第 {id} 号事件的领导批示（按 d 交办）");
                (Request::AddInstruction(ItemRef::Event(id), Box::new(i)), said)
            }),
            UrgentPurpose::Assign(id) => cycle_form::read_assign(
                form,
                ItemRef::Event(id),
                &self.assign_basis,
                cx.settings,
                cx.operator,
                cx.now,
            )
            .map(|t| {
                let said = format!("已保存：第 {id} 号事件的交办，在“督办”中跟踪");
                (Request::AddTasks(Box::new(t)), said)
            }),
            UrgentPurpose::AddRecipient(id) => read_add_recipient_form(form).map(|added| {
                let said = format!("已追加报送对象：{}，自现在起计时", added.name);
                let request = Request::AddRecipient {
                    event_id: id,
                    added,
                    by: cx.operator.to_string(),
                    at: cx.now,
                };
                (request, said)
            }),
            UrgentPurpose::NewEvent => {
                read_event_form(form, &cx.settings.urgent, self.promoting, cx.operator, cx.now).map(|event| {
                    // The first timeline line comes from the machine's Raise.
                    let lines = crate::core::urgent::raised(cx.now, &cx.settings.urgent.ladder);
                    (Request::CreateEvent(Box::new(event), lines), String::new())
                })
            }
        };
        match result {
            Ok((request, said)) => {
                form.saving = true;
                self.save_op = Some((cx.request(request), said));
                cx.say("正在保存…");
            }
            Err(errors) => {
                form.set_errors(&errors);
                cx.say(form.notice.clone().unwrap_or_default());
            }
        }
    }

    fn saved(&mut self, said: String, cx: &mut Cx<'_>) {
        self.form = None;
        cx.say(said);
        cx.command(Command::ReloadEvents);
        self.load_detail(cx, true);
    }

    /// Opens a form that changes the selected event: refused for an ended one (read only) and
    /// until the event has been read whole.
    fn open_change_form(&mut self, action: Action, cx: &mut Cx<'_>) {
        let Some(e) = self.selected(cx) else {
            cx.say("没有选中的事件：先按 n 新建");
            return;
        };
        if e.escalation.state == super::escalation::EventState::Closed {
            cx.say(format!("第 {} 号事件已结束，只能查看", e.id));
            return;
        }
        let id = e.id;
        let (form, purpose) = match action {
            Action::CallOutcome => (call_form(e, cx.settings, cx.operator), UrgentPurpose::Call(id)),
            _ => {
                let Some(d) = self.selected_detail(cx) else {
                    cx.say("正在读取事件，请稍候再按");
                    return;
                };
                match action {
                    Action::Report => (report_form(d, cx.settings, cx.now), UrgentPurpose::Report(id)),
                    Action::Instruct => (
                        cycle_form::instruction_form(
                            &format!("第 {id} 号事件：领导批示（呈送领导阅示，照原话记录）"),
                            cx.settings,
                        ),
                        UrgentPurpose::Instruct(id),
                    ),
                    Action::Assign => {
                        let (basis, lines) = cycle_form::basis_lines(&d.instructions);
                        self.assign_basis = basis;
                        (
                            cycle_form::assign_form(&format!("第 {id} 号事件：交办"), lines),
                            UrgentPurpose::Assign(id),
                        )
                    }
                    Action::UpdateFacts => (facts_form(&d.event), UrgentPurpose::Facts(id)),
                    Action::Regrade => (regrade_form(&d.event), UrgentPurpose::Regrade(id)),
                    _ => (add_recipient_form(&d.event), UrgentPurpose::AddRecipient(id)),
                }
            }
        };
        self.form = Some(form);
        self.purpose = purpose;
    }
}

impl Screen for UrgentScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() { Mode::Form } else { Mode::Urgent }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(form) = &mut self.form {
            match action {
                Action::Cancel => self.discard_form(),
                Action::Save => self.save(cx),
                a => {
                    if let Some(FormEvent::Notice(m)) = form.apply(a) {
                        cx.say(m);
                    }
                }
            }
            return;
        }
        let n = self.listed(cx.shared).len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::PageDown => self.detail_scroll += 10,
            Action::PageUp => self.detail_scroll = self.detail_scroll.saturating_sub(10),
            Action::Filter => {
                self.filter = self.filter.next();
                self.selected = 0;
                self.history.clear();
                self.load_history(cx);
                cx.say(format!("列表：{}", self.filter.label()));
            }
            Action::NewEvent => {
                self.form = Some(new_event_form(&cx.settings.urgent, None));
                self.promoting = None;
                self.purpose = UrgentPurpose::NewEvent;
            }
            Action::Report
            | Action::CallOutcome
            | Action::UpdateFacts
            | Action::Regrade
            | Action::AddRecipient
            | Action::Instruct
            | Action::Assign => self.open_change_form(action, cx),
            Action::Resolve | Action::CloseEvent => {
                let Some(e) = self.selected(cx) else {
                    return;
                };
                let (id, state) = (e.id, e.escalation.state);
                if state == super::escalation::EventState::Closed {
                    cx.say(format!("第 {id} 号事件已结束"));
                    return;
                }
                let token = cx.now.and_utc().timestamp().unsigned_abs() ^ u64::try_from(id).unwrap_or(0);
                let (question, what) = if action == Action::Resolve {
                    (
                        format!("把第 {id} 号事件标为“已处置”？（事件仍在列表中，可继续续报）"),
                        Confirm::Resolve(id),
                    )
                } else {
                    let running = e
                        .clocks
                        .iter()
                        .flat_map(|c| c.deadlines(cx.now))
                        .filter(|d| !matches!(d.countdown, super::urgent::Countdown::Met { .. }))
                        .count();
                    let warn = if running > 0 {
                        format!("还有 {running} 项报送未完成；")
                    } else {
                        String::new()
                    };
                    (
                        format!("结束第 {id} 号事件？{warn}结束后只能查看，不能再报告或更改"),
                        Confirm::Close(id),
                    )
                };
                self.confirm = Some((token, what));
                cx.command(Command::Ask { question, token });
            }
            Action::Acknowledge => {
                let id = self.selected(cx).map(|e| e.id);
                cx.command(Command::Acknowledge(id));
            }
            _ => {}
        }
        self.load_detail(cx, false);
    }

    fn on_confirmed(&mut self, token: u64, cx: &mut Cx<'_>) {
        let Some((asked, what)) = self.confirm.take() else {
            return;
        };
        if asked != token {
            return;
        }
        let by = cx.operator.to_string();
        let (id, input) = match what {
            Confirm::Resolve(id) => (id, Input::Resolve { by }),
            Confirm::Close(id) => (id, Input::Close { by }),
        };
        cx.command(Command::Escalate(AlertTarget::Event(id), input));
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some(form) = &mut self.form {
            type_into(form, c, cx);
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        match &mut self.form {
            Some(form) => {
                paste_into(form, text, cx);
            }
            None => cx.say("粘贴只能在填写表单时使用：先按 n 新建事件"),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.dirty)
    }

    fn form_dirty(&self) -> bool {
        self.has_unsaved()
    }

    fn discard_form(&mut self) {
        self.form = None;
        self.promoting = None;
        self.save_op = None;
    }

    fn saving(&self) -> bool {
        self.save_op.is_some()
    }

    fn draft(&self) -> Option<String> {
        let form = self.form.as_ref().filter(|f| f.dirty)?;
        let (purpose, event) = self.purpose.name();
        serde_json::to_string(&UrgentDraft {
            purpose: purpose.to_string(),
            event,
            promoting: self.promoting,
            form: form.to_draft(),
        })
        .ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(d) = serde_json::from_str::<UrgentDraft>(body) else {
            return false;
        };
        let event = d
            .event
            .and_then(|id| cx.shared.alerts.events.iter().find(|e| e.id == id));
        // A draft about an event is kept with the event's facts and clocks as loaded with the
        // open events (reports come when the detail is read; the text typed is the draft's).
        let detail = event.map(|e| ReportEvent {
            event: e.clone(),
            reports: Vec::new(),
            timeline: Vec::new(),
            instructions: Vec::new(),
            tasks: Vec::new(),
        });
        let (mut form, purpose) = match (d.purpose.as_str(), &detail) {
            ("新建", _) => (new_event_form(&cx.settings.urgent, None), UrgentPurpose::NewEvent),
            ("报告", Some(de)) => (report_form(de, cx.settings, cx.now), UrgentPurpose::Report(de.event.id)),
            ("通话", Some(de)) => (
                call_form(&de.event, cx.settings, cx.operator),
                UrgentPurpose::Call(de.event.id),
            ),
            ("事实", Some(de)) => (facts_form(&de.event), UrgentPurpose::Facts(de.event.id)),
            ("定级", Some(de)) => (regrade_form(&de.event), UrgentPurpose::Regrade(de.event.id)),
            ("追加", Some(de)) => (add_recipient_form(&de.event), UrgentPurpose::AddRecipient(de.event.id)),
            ("批示", Some(de)) => (
                cycle_form::instruction_form(
                    &format!("第 {} 号事件：领导批示（呈送领导阅示，照原话记录）", de.event.id),
                    cx.settings,
                ),
                UrgentPurpose::Instruct(de.event.id),
            ),
            // The 批示 it offered are read with the detail: kept as 直接交办 (the typed text stays).
            ("交办", Some(de)) => {
                self.assign_basis = Vec::new();
                (
                    cycle_form::assign_form(&format!("第 {} 号事件：交办", de.event.id), Vec::new()),
                    UrgentPurpose::Assign(de.event.id),
                )
            }
            // The event was closed meanwhile: its form has nowhere to go.
            _ => return false,
        };
        form.restore_draft(&d.form);
        if let Some(e) = event {
            self.selected = cx.shared.alerts.events.iter().position(|x| x.id == e.id).unwrap_or(0);
            self.detail = detail;
            cx.request(Request::LoadEventDetail(e.id));
        }
        self.form = Some(form);
        self.purpose = purpose;
        self.promoting = d.promoting;
        true
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let saving = self
            .save_op
            .as_ref()
            .filter(|(id, _)| *id == op)
            .map(|(_, said)| said.clone());
        match (reply, saving) {
            (Reply::EventDetail(d), _) => {
                if self.detail.as_ref().is_none_or(|old| old.event.id != d.event.id) {
                    self.detail_scroll = 0;
                }
                self.detail = Some(*d);
                self.keep_opened_listed(cx);
            }
            (Reply::EventHistory(events), _) => {
                if self.history_op != Some(op) {
                    // Read for a filter since changed (f pressed again before it came).
                    return;
                }
                self.history_op = None;
                self.history = events;
                self.keep_opened_listed(cx);
                let n = self.listed(cx.shared).len();
                self.selected = self.selected.min(n.saturating_sub(1));
            }
            (Reply::EventCreated(id), Some(_)) => {
                self.save_op = None;
                // The entry it came from now says so.
                if self.promoting.take().is_some() {
                    cx.command(Command::RecordsChanged);
                }
                self.saved(format!("已保存：第 {id} 号紧急事件，各报送对象开始计时"), cx);
            }
            (Reply::ReportSaved(name), Some(said)) => {
                self.save_op = None;
                self.saved(format!("{said}{name}"), cx);
            }
            (Reply::TimelineAppended | Reply::EventUpdated, Some(said)) => {
                self.save_op = None;
                self.saved(said, cx);
            }
            (Reply::CycleSaved { .. }, Some(said)) => {
                self.save_op = None;
                self.saved(said, cx);
                cx.command(Command::ReloadFollowUps);
            }
            (Reply::Failed(why), Some(_)) => {
                self.save_op = None;
                save_failed(self.form.as_mut(), &why, cx);
            }
            (Reply::Failed(why), None) => {
                if self.history_op == Some(op) {
                    self.history_op = None;
                }
                cx.say(format!("读取紧急事件失败：{why}"));
            }
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load_history(cx);
        self.load_detail(cx, true);
    }

    fn on_alerts_changed(&mut self, shown: bool, cx: &mut Cx<'_>) {
        // Keep the same event selected when the open list changes under it, unless it has just
        // closed, or is closed and the officer is elsewhere: then the first open event, where
        // the work is (the closed one is still listed below).
        let open = |id: EventId| cx.shared.alerts.events.iter().any(|e| e.id == id);
        let closed_since = self.open_ids.iter().any(|id| !open(*id));
        self.open_ids = cx.shared.alerts.events.iter().map(|e| e.id).collect();
        if closed_since && shown {
            self.load_history(cx);
        }
        if let Some(id) = self.selected_id {
            let leave = !open(id) && (self.selected_was_open || !shown);
            if leave && !cx.shared.alerts.events.is_empty() && self.filter.shows_open() {
                self.selected = 0;
            } else if let Some(i) = self.listed(cx.shared).iter().position(|e| e.id == id) {
                self.selected = i;
            }
        }
        self.selected_was_open = self.selected(cx).is_some_and(|e| open(e.id));
        let n = self.listed(cx.shared).len();
        self.selected = self.selected.min(n.saturating_sub(1));
        if shown {
            self.load_detail(cx, true);
        }
    }

    fn selected_event(&self) -> Option<EventId> {
        // F2 on this tab prefers the selected event; the app checks that it waits.
        self.selected_id
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Promote(entry) => {
                self.form = Some(new_event_form(&cx.settings.urgent, Some(&entry)));
                self.promoting = Some(entry.id);
                self.purpose = UrgentPurpose::NewEvent;
                Ok(())
            }
            Target::Event(id) => {
                match self.listed(cx.shared).iter().position(|e| e.id == id) {
                    Some(i) => self.selected = i,
                    None => {
                        // An ended event outside the list: shown read-only at the top of the history.
                        self.filter = ListFilter::Ended;
                        self.history.clear();
                        self.selected = 0;
                        self.load_history(cx);
                    }
                }
                self.selected_id = Some(id);
                self.detail_scroll = 0;
                cx.request(Request::LoadEventDetail(id));
                Ok(())
            }
            t => Err(t),
        }
    }
}
