//! The 紧急事项 screen's state: the open events (kept by the app, shown on every screen), the
//! selected one with its timeline, and the new-event form (also used to promote a log entry).

use chrono::NaiveDateTime;

use super::escalation::Input;
use super::form::FormEvent;
use super::form::{Field, Form};
use super::keymap::{Action, Mode};
use super::log::{Entry, EntryId};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, paste_into, save_failed, type_into};
use super::settings::UrgentSettings;
use super::settings::{Settings, contacts};
use super::urgent::AlertTarget;
use super::urgent::{
    CallOutcome, Channel, Event, EventDraft, EventId, EventText, Level, NewEvent, Report, ReportType, TimelineLine,
    check_report, new_event,
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
    pub selected: usize,
    /// Timeline of the selected event, once loaded.
    pub timeline: Option<(EventId, Vec<TimelineLine>)>,
    pub form: Option<Form<UrgentField>>,
    /// The log entry being promoted, if the form came from one.
    pub promoting: Option<EntryId>,
    pub purpose: UrgentPurpose,
    /// The save in flight, and what its confirmation will say before the report's name.
    save_op: Option<(OpId, String)>,
    /// The id of the selected event, for F2 from anywhere on the tab.
    selected_id: Option<EventId>,
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

/// The new-event form; `from` pre-fills it from a log entry being promoted.
#[must_use]
pub fn new_event_form(settings: &UrgentSettings, from: Option<&Entry>) -> Form<UrgentField> {
    let levels = Level::ALL.iter().map(|l| l.label().to_string()).collect();
    let mut fields = vec![
        Field::choice(UrgentField::Category, "类别", settings.categories.clone(), 0),
        Field::choice(UrgentField::Level, "等级", levels, 1),
        text(UrgentField::OccurredAt, "事发时间", false, 19)
            .with_placeholder("默认为现在；可填 02:50 或 2026-11-23 02:50"),
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
    ];
    if let Some(entry) = from {
        let e = &entry.fields;
        for f in &mut fields {
            match f.key {
                UrgentField::OccurredAt => f.set_value(&validate::format_minute(e.occurred_at)),
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
    let time = |k: UrgentField, errors: &mut Vec<(UrgentField, String)>| match get(k).as_str() {
        "" => now,
        s => validate::time(s, now).unwrap_or_else(|e| {
            errors.push((k, e));
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
        let field = if let Some(text) = EventText::EVENT
            .into_iter()
            .find(|t| m.contains(&format!("“{}”", t.label())))
        {
            field_of(text)
        } else if m.contains("概况") {
            UrgentField::Summary
        } else if m.contains("事发时间") {
            UrgentField::OccurredAt
        } else {
            UrgentField::Level
        };
        vec![(field, m)]
    })
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

/// The report form: which report, how, to whom, when, signed off by whom, and what it says. A
/// follow-up starts from the elements still 待核实.
#[must_use]
pub fn report_form(event: &Event, settings: &Settings) -> Form<UrgentField> {
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
        event_text(UrgentField::SignedBy, EventText::ReportSigner, false).required()
    } else {
        Field::choice(UrgentField::SignedBy, "签发", leaders, 0)
    };
    Form::new(
        &format!("第 {} 号事件：记录报告（初报、续报、终报）", event.id),
        vec![
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
            event_text(UrgentField::Recipient, EventText::ReportRecipient, false)
                .with_value(&r.rule.recipient)
                .required(),
            text(UrgentField::SentAt, "报送时间", false, 19).with_placeholder("默认为现在；可填 03:25"),
            signer,
            text(
                UrgentField::ReportContent,
                "内容",
                true,
                EventText::ReportContent.max_chars(),
            )
            .with_value(&content)
            .required(),
        ],
    )
}

/// Reads the report form.
pub fn read_report_form(
    form: &Form<UrgentField>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<(ReportType, Report), Vec<(UrgentField, String)>> {
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
    Ok((kind, report))
}

/// The call-outcome form: whom the app asked to phone at the current rung, and what happened.
#[must_use]
pub fn call_form(event: &Event, settings: &Settings) -> Form<UrgentField> {
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
    fn selected<'a>(&self, cx: &'a Cx<'_>) -> Option<&'a Event> {
        cx.shared.alerts.events.get(self.selected)
    }

    /// Reads the selected event's timeline unless it is the one shown.
    fn load_timeline(&mut self, cx: &mut Cx<'_>, again: bool) {
        self.selected_id = self.selected(cx).map(|e| e.id);
        if let Some(id) = self.selected(cx).map(|e| e.id)
            && (again || self.timeline.as_ref().is_none_or(|(shown, _)| *shown != id))
        {
            cx.request(Request::LoadTimeline(id));
        }
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some(form) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let result = match self.purpose {
            UrgentPurpose::Report(event_id) => read_report_form(form, cx.operator, cx.now).map(|(kind, report)| {
                let said = format!("已保存：第 {event_id} 号事件 {}", report.channel.label());
                (
                    Request::AddReport {
                        event_id,
                        kind,
                        report: Box::new(report),
                    },
                    said,
                )
            }),
            UrgentPurpose::Call(id) => read_call_form(form, cx.operator, cx.now).map(|line| {
                let said = format!("已记入第 {id} 号事件时间线：{}", line.text);
                (Request::AppendTimeline(id, line), said)
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
        self.load_timeline(cx, true);
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
        let n = cx.shared.alerts.events.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::NewEvent => {
                self.form = Some(new_event_form(&cx.settings.urgent, None));
                self.promoting = None;
                self.purpose = UrgentPurpose::NewEvent;
            }
            Action::Report | Action::CallOutcome => {
                let Some(e) = self.selected(cx) else {
                    cx.say("没有选中的事件：先按 n 新建");
                    return;
                };
                let (form, purpose) = if action == Action::Report {
                    (report_form(e, cx.settings), UrgentPurpose::Report(e.id))
                } else {
                    (call_form(e, cx.settings), UrgentPurpose::Call(e.id))
                };
                self.form = Some(form);
                self.purpose = purpose;
            }
            Action::Resolve | Action::CloseEvent => {
                let Some(id) = self.selected(cx).map(|e| e.id) else {
                    return;
                };
                let by = cx.operator.to_string();
                let input = if action == Action::Resolve {
                    Input::Resolve { by }
                } else {
                    Input::Close { by }
                };
                cx.command(Command::Escalate(AlertTarget::Event(id), input));
            }
            Action::Acknowledge => {
                let id = self.selected(cx).map(|e| e.id);
                cx.command(Command::Acknowledge(id));
            }
            _ => {}
        }
        self.load_timeline(cx, false);
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

    fn draft(&self) -> Option<String> {
        let form = self.form.as_ref().filter(|f| f.dirty)?;
        let (purpose, event) = match self.purpose {
            UrgentPurpose::NewEvent => ("新建", None),
            UrgentPurpose::Report(id) => ("报告", Some(id)),
            UrgentPurpose::Call(id) => ("通话", Some(id)),
        };
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
        let (mut form, purpose) = match (d.purpose.as_str(), event) {
            ("新建", _) => (new_event_form(&cx.settings.urgent, None), UrgentPurpose::NewEvent),
            ("报告", Some(e)) => (report_form(e, cx.settings), UrgentPurpose::Report(e.id)),
            ("通话", Some(e)) => (call_form(e, cx.settings), UrgentPurpose::Call(e.id)),
            // The event was closed meanwhile: its report form has nowhere to go.
            _ => return false,
        };
        form.restore_draft(&d.form);
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
            (Reply::Timeline(id, lines), _) => self.timeline = Some((id, lines)),
            (Reply::EventCreated(id), Some(_)) => {
                self.save_op = None;
                // The entry it came from now says so.
                if self.promoting.take().is_some() {
                    cx.command(Command::RecordsChanged);
                }
                self.saved(format!("已保存：第 {id} 号紧急事件，报送时限开始计时"), cx);
            }
            (Reply::ReportSaved(name), Some(said)) => {
                self.save_op = None;
                self.saved(format!("{said}{name}"), cx);
            }
            (Reply::TimelineAppended, Some(said)) => {
                self.save_op = None;
                self.saved(said, cx);
            }
            (Reply::Failed(why), Some(_)) => {
                self.save_op = None;
                save_failed(self.form.as_mut(), &why, cx);
            }
            (Reply::Failed(why), None) => cx.say(format!("读取事件时间线失败：{why}")),
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load_timeline(cx, true);
    }

    fn on_alerts_changed(&mut self, shown: bool, cx: &mut Cx<'_>) {
        let n = cx.shared.alerts.events.len();
        self.selected = self.selected.min(n.saturating_sub(1));
        if shown {
            self.load_timeline(cx, true);
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
            Target::Event(id) => match cx.shared.alerts.events.iter().position(|e| e.id == id) {
                Some(i) => {
                    self.selected = i;
                    self.load_timeline(cx, true);
                    Ok(())
                }
                None => {
                    cx.say(format!(
                        "第 {id} 号紧急事件已结束；它的报告和时间线可用 zhiban export --kind 紧急事件 导出"
                    ));
                    Err(Target::Event(id))
                }
            },
            t => Err(t),
        }
    }
}
