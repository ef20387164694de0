//! The 紧急事项 screen's state: the open events (kept by the app, shown on every screen), the
//! selected one with its timeline, and the new-event form (also used to promote a log entry).

use chrono::NaiveDateTime;

use super::form::{Field, FieldKey, Form};
use super::log::{Entry, EntryId};
use super::settings::UrgentSettings;
use super::settings::{Settings, contacts};
use super::urgent::{
    CallOutcome, Channel, Event, EventDraft, EventId, Level, NewEvent, Report, ReportType, TimelineLine, new_event,
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
}

/// What the open form is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UrgentPurpose {
    #[default]
    NewEvent,
    Report(EventId),
    Call(EventId),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrgentScreen {
    pub selected: usize,
    /// Timeline of the selected event, once loaded.
    pub timeline: Option<(EventId, Vec<TimelineLine>)>,
    pub form: Option<Form>,
    /// The log entry being promoted, if the form came from one.
    pub promoting: Option<EntryId>,
    pub purpose: UrgentPurpose,
}

fn text(key: UrgentField, label: &str, multiline: bool, max: usize) -> Field {
    Field::text(FieldKey::Urgent(key), label, multiline, max)
}

/// The new-event form; `from` pre-fills it from a log entry being promoted.
#[must_use]
pub fn new_event_form(settings: &UrgentSettings, from: Option<&Entry>) -> Form {
    let levels = Level::ALL.iter().map(|l| l.label().to_string()).collect();
    let mut fields = vec![
        Field::choice(
            FieldKey::Urgent(UrgentField::Category),
            "类别",
            settings.categories.clone(),
            0,
        ),
        Field::choice(FieldKey::Urgent(UrgentField::Level), "等级", levels, 1),
        text(UrgentField::OccurredAt, "事发时间", false, 19)
            .with_placeholder("默认为现在；可填 02:50 或 2026-11-23 02:50"),
        text(UrgentField::ReceivedAt, "接报时间", false, 19).with_placeholder("默认为现在"),
        text(UrgentField::Place, "事发地点", false, 100).with_placeholder("不清楚的先空着，记为待核实"),
        text(UrgentField::Source, "信息来源", false, 100).with_placeholder("谁报来的，如 县应急局值班室 王科长"),
        text(UrgentField::Summary, "事件概况", true, 4000)
            .required()
            .with_placeholder("已知的先报：何时、何地、何事"),
        text(UrgentField::Deaths, "死亡", false, 6)
            .with_placeholder("人数；不清楚空着（待核实）")
            .with_heading("伤亡"),
        text(UrgentField::Missing, "失踪", false, 6).with_placeholder("人数；不清楚空着（待核实）"),
        text(UrgentField::Injured, "受伤", false, 6).with_placeholder("人数；不清楚空着（待核实）"),
        text(UrgentField::Measures, "已采取措施", true, 2000).with_heading("处置"),
        text(UrgentField::Trend, "发展趋势", false, 200),
        text(UrgentField::Requests, "请求事项", false, 200),
        text(UrgentField::Contact, "现场联系人", false, 100).with_placeholder("姓名、电话"),
    ];
    if let Some(entry) = from {
        let e = &entry.fields;
        for f in &mut fields {
            match f.key {
                FieldKey::Urgent(UrgentField::OccurredAt) => f.set_value(&validate::format_minute(e.occurred_at)),
                FieldKey::Urgent(UrgentField::Summary) => f.set_value(&e.content),
                FieldKey::Urgent(UrgentField::Source) => {
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
    form.focus_on(FieldKey::Urgent(UrgentField::Level));
    form
}

fn count(form: &Form, key: UrgentField, errors: &mut Vec<(FieldKey, String)>) -> Option<u32> {
    let v = form.value(FieldKey::Urgent(key));
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    v.parse()
        .map_err(|_| {
            errors.push((
                FieldKey::Urgent(key),
                "请填写人数（数字），不清楚就空着，记为待核实".into(),
            ))
        })
        .ok()
}

/// Reads the form into a new event, or the problems, each on its field.
pub fn read_event_form(
    form: &Form,
    settings: &UrgentSettings,
    log_entry_id: Option<EntryId>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<NewEvent, Vec<(FieldKey, String)>> {
    let mut errors = Vec::new();
    let get = |k: UrgentField| form.value(FieldKey::Urgent(k)).trim().to_string();
    let time = |k: UrgentField, errors: &mut Vec<(FieldKey, String)>| match get(k).as_str() {
        "" => now,
        s => validate::time(s, now).unwrap_or_else(|e| {
            errors.push((FieldKey::Urgent(k), e));
            now
        }),
    };
    let occurred_at = time(UrgentField::OccurredAt, &mut errors);
    let received_at = time(UrgentField::ReceivedAt, &mut errors);
    let draft = EventDraft {
        category: get(UrgentField::Category),
        level: Level::parse(&get(UrgentField::Level)).unwrap_or(Level::Ordinary),
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
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    new_event(draft, settings, operator, now).map_err(|m| {
        let field = if m.contains("概况") {
            UrgentField::Summary
        } else if m.contains("事发时间") {
            UrgentField::OccurredAt
        } else {
            UrgentField::Level
        };
        vec![(FieldKey::Urgent(field), m)]
    })
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

/// The report form: which report, how, to whom, when, signed off by whom, and what it says. A
/// follow-up starts from the elements still 待核实.
#[must_use]
pub fn report_form(event: &Event, settings: &Settings) -> Form {
    let r = &event.record;
    let (kind, channel) = match (event.phone_sent, event.written_sent) {
        (None, _) => (ReportType::Initial, Channel::Phone),
        (Some(_), None) => (ReportType::Initial, Channel::Written),
        _ => (ReportType::FollowUp, Channel::Phone),
    };
    let pos = |all: &[ReportType], k| all.iter().position(|x| *x == k).unwrap_or(0);
    let leaders: Vec<String> = settings
        .people
        .iter()
        .filter(|p| p.role.is_leader())
        .map(|p| p.name.clone())
        .collect();
    let unverified = r.unverified();
    let content = if kind == ReportType::Initial {
        format!(
            "{}，{}发生{}。{}",
            r.occurred_at.format("%m月%d日%H时%M分"),
            if r.place.is_empty() {
                "（地点待核实）"
            } else {
                &r.place
            },
            r.summary,
            if unverified.is_empty() {
                String::new()
            } else {
                format!("待核实：{}。", unverified.join("、"))
            }
        )
    } else if unverified.is_empty() {
        "续报：".to_string()
    } else {
        format!("续报（上次待核实：{}）：", unverified.join("、"))
    };
    let signer = if leaders.is_empty() {
        Field::text(FieldKey::Urgent(UrgentField::SignedBy), "签发", false, 50).required()
    } else {
        Field::choice(FieldKey::Urgent(UrgentField::SignedBy), "签发", leaders, 0)
    };
    Form::new(
        &format!("第 {} 号事件：记录报告（初报、续报、终报）", event.id),
        vec![
            Field::choice(
                FieldKey::Urgent(UrgentField::ReportType),
                "报告",
                labels(ReportType::ALL, ReportType::label),
                pos(ReportType::ALL, kind),
            ),
            Field::choice(
                FieldKey::Urgent(UrgentField::Channel),
                "方式",
                labels(Channel::ALL, Channel::label),
                usize::from(channel == Channel::Written),
            ),
            text(UrgentField::Recipient, "报送对象", false, 100)
                .with_value(&r.rule.recipient)
                .required(),
            text(UrgentField::SentAt, "报送时间", false, 19).with_placeholder("默认为现在；可填 03:25"),
            signer,
            text(UrgentField::ReportContent, "内容", true, 4000)
                .with_value(&content)
                .required(),
        ],
    )
}

/// Reads the report form.
pub fn read_report_form(
    form: &Form,
    operator: &str,
    now: NaiveDateTime,
) -> Result<(ReportType, Report), Vec<(FieldKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let get = |k: UrgentField| form.value(FieldKey::Urgent(k)).trim().to_string();
    let sent_at = match get(UrgentField::SentAt).as_str() {
        "" => now,
        s => validate::time(s, now).map_err(|e| vec![(FieldKey::Urgent(UrgentField::SentAt), e)])?,
    };
    let kind = ReportType::parse(&get(UrgentField::ReportType)).unwrap_or(ReportType::FollowUp);
    let channel = Channel::parse(&get(UrgentField::Channel)).unwrap_or(Channel::Phone);
    Ok((
        kind,
        Report {
            kind: kind.label().into(),
            channel,
            recipient: get(UrgentField::Recipient),
            sent_at,
            signed_by: get(UrgentField::SignedBy),
            content: get(UrgentField::ReportContent),
            recorded_by: operator.to_string(),
            recorded_at: now,
        },
    ))
}

/// The call-outcome form: whom the app asked to phone at the current rung, and what happened.
#[must_use]
pub fn call_form(event: &Event, settings: &Settings) -> Form {
    let mut callees: Vec<String> = settings
        .urgent
        .ladder
        .get(event.escalation.rung)
        .map(|rung| {
            contacts(settings, rung)
                .into_iter()
                .map(|(n, p)| format!("{n} {p}").trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    for rung in &settings.urgent.ladder {
        for (n, p) in contacts(settings, rung) {
            let c = format!("{n} {p}").trim().to_string();
            if !callees.contains(&c) {
                callees.push(c);
            }
        }
    }
    Form::new(
        &format!("第 {} 号事件：记录电话联系结果", event.id),
        vec![
            Field::choice(FieldKey::Urgent(UrgentField::Callee), "联系对象", callees, 0),
            Field::choice(
                FieldKey::Urgent(UrgentField::Outcome),
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
    form: &Form,
    operator: &str,
    now: NaiveDateTime,
) -> Result<TimelineLine, Vec<(FieldKey, String)>> {
    let get = |k: UrgentField| form.value(FieldKey::Urgent(k)).trim().to_string();
    let at = match get(UrgentField::CalledAt).as_str() {
        "" => now,
        s => validate::time(s, now).map_err(|e| vec![(FieldKey::Urgent(UrgentField::CalledAt), e)])?,
    };
    let callee = get(UrgentField::Callee);
    if callee.is_empty() {
        return Err(vec![(
            FieldKey::Urgent(UrgentField::Callee),
            "配置中没有可联系的人：请在 [[people]] 或 [[escalation]] 中写上电话".into(),
        )]);
    }
    Ok(TimelineLine {
        at,
        who: operator.to_string(),
        text: format!("电话联系 {callee}：{}", get(UrgentField::Outcome)),
    })
}
