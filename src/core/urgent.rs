//! 突发事件 — urgent events, their report chain and reporting clocks (domain.md §2.2, §3).
//!
//! A deadline rule (category × level × recipient → phone and written limits, the clock they count
//! from, and the document they come from) is chosen from the configuration when an event is
//! created and copied onto it, so a later config change never rewrites an event's deadlines.

use chrono::{Duration, NaiveDateTime};

use super::escalation::EventState;

/// Database id of an urgent event.
pub type EventId = i64;

labelled_enum!(
    /// Severity (特别重大 I … 一般 IV).
    Level {
        Extraordinary => "特别重大",
        Major => "重大",
        Large => "较大",
        Ordinary => "一般",
    }
);

labelled_enum!(
    /// Which clock a deadline counts from.
    ClockFrom {
        Occurred => "事发",
        Received => "接报",
    }
);

labelled_enum!(
    /// How a report was sent.
    Channel {
        Phone => "电话",
        Written => "书面",
    }
);

labelled_enum!(
    /// Place of a report in the chain; 续报 are numbered per channel when saved.
    ReportType {
        Initial => "初报",
        FollowUp => "续报",
        Final => "终报",
    }
);

labelled_enum!(
    /// Outcome of a phone call the app asked for.
    CallOutcome {
        Reached => "接通",
        NotReached => "未接通",
        Relayed => "已转告",
    }
);

pub mod clock;
pub mod facts;
pub mod print;

pub use clock::{ClockSetting, RecipientClock};
pub use facts::{FactChange, FactField, Facts};

/// One deadline rule from the configuration: at this level (and category), this recipient is
/// reported to within these limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRule {
    /// `None` matches every category.
    pub category: Option<String>,
    pub level: Level,
    pub recipient: String,
    pub phone_minutes: u32,
    /// `None`: a phone report only (the 带班领导).
    pub written_minutes: Option<u32>,
    pub clock: ClockFrom,
    /// The document the limits come from (依据), or 参考 where they are practice.
    pub source: String,
}

/// How urgent a clock looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Calm,
    /// Less than a third of the allowed time, or under ten minutes, is left.
    Amber,
    /// Past the deadline and still not reported.
    Red,
}

/// A reporting clock as the officer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// Not yet reported; time left.
    Remaining { left: Duration, urgency: Urgency },
    /// Not yet reported and past due; how late.
    Overdue { late: Duration },
    /// Reported at `at`; `late` if after the deadline.
    Met { at: NaiveDateTime, late: Option<Duration> },
}

impl Countdown {
    /// A reporting clock: `allowed` is the whole time the rule gives, `sent` the first report
    /// on this channel (if any).
    #[must_use]
    pub fn of(due: NaiveDateTime, allowed: Duration, sent: Option<NaiveDateTime>, now: NaiveDateTime) -> Self {
        if let Some(at) = sent {
            return Self::Met {
                at,
                late: (at > due).then(|| at - due),
            };
        }
        if now > due {
            return Self::Overdue { late: now - due };
        }
        let left = due - now;
        let urgency = if left * 3 <= allowed || left <= Duration::minutes(10) {
            Urgency::Amber
        } else {
            Urgency::Calm
        };
        Self::Remaining { left, urgency }
    }

    #[must_use]
    pub fn urgency(self) -> Urgency {
        match self {
            Self::Remaining { urgency, .. } => urgency,
            Self::Overdue { .. } => Urgency::Red,
            Self::Met { .. } => Urgency::Calm,
        }
    }

    /// "剩 12:40", "超时 1:05:00", "已报 03:32", "已报 03:52（迟 0:22）".
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Self::Remaining { left, .. } => format!("剩 {}", clock_text(left)),
            Self::Overdue { late } => format!("超时 {}", clock_text(late)),
            Self::Met { at, late: None } => format!("已报 {}", at.format("%H:%M")),
            Self::Met { at, late: Some(l) } => format!("已报 {}（迟 {}）", at.format("%H:%M"), clock_text(l)),
        }
    }
}

/// "mm:ss" under an hour, "h:mm:ss" above.
#[must_use]
pub fn clock_text(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m:02}:{sec:02}")
    }
}

/// An urgent event as first recorded: what is known now; missing elements are 待核实.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub category: String,
    pub level: Level,
    /// 事发时间.
    pub occurred_at: NaiveDateTime,
    /// 接报时间.
    pub received_at: NaiveDateTime,
    pub place: String,
    /// 信息来源.
    pub source: String,
    pub summary: String,
    /// Casualties; `None` means 待核实 (not yet verified), never "none".
    pub deaths: Option<u32>,
    pub missing: Option<u32>,
    pub injured: Option<u32>,
    pub measures: String,
    pub trend: String,
    pub requests: String,
    /// 现场联系人.
    pub contact: String,
    /// The log entry it was promoted from.
    pub log_entry_id: Option<i64>,
    /// The reporting clocks set when it was recorded, one per recipient.
    pub clocks: Vec<ClockSetting>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// An event as the app tracks it: its first record, the facts as known now, its clocks, its
/// escalation and its reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    /// As first recorded (never changed).
    pub record: NewEvent,
    /// As known now: the first record with every amendment applied.
    pub facts: Facts,
    /// The amendments, oldest first.
    pub changes: Vec<FactChange>,
    /// One clock per recipient, with the first report made to each.
    pub clocks: Vec<RecipientClock>,
    pub escalation: super::escalation::Escalation,
    /// When the 终报 was sent, if it was.
    pub final_sent: Option<NaiveDateTime>,
    /// Reports recorded so far.
    pub reports: u32,
}

impl Event {
    /// An event as it stands when just recorded: no report, no amendment, not yet acknowledged.
    #[must_use]
    pub fn just_recorded(id: EventId, record: NewEvent) -> Self {
        Self {
            id,
            facts: Facts::first(&record),
            changes: Vec::new(),
            clocks: record
                .clocks
                .iter()
                .map(|c| RecipientClock {
                    setting: c.clone(),
                    phone_sent: None,
                    written_sent: None,
                })
                .collect(),
            escalation: super::escalation::Escalation::new(record.created_at),
            final_sent: None,
            reports: 0,
            record,
        }
    }

    /// The worst of the clocks.
    #[must_use]
    pub fn urgency(&self, now: NaiveDateTime) -> Urgency {
        clock::urgency(&self.clocks, now)
    }

    /// Still needs someone: not acknowledged, or a report not yet made to a recipient (by phone,
    /// or in writing where the recipient takes one). Either keeps the banner on every screen.
    #[must_use]
    pub fn needs_attention(&self, now: NaiveDateTime) -> bool {
        self.escalation.state == EventState::New
            || (self.escalation.state != EventState::Closed && !clock::running(&self.clocks, now).is_empty())
    }

    /// "报上级总值班室 电话 剩 12:40；另有 1 项", or what every clock says once all are met.
    #[must_use]
    pub fn pressing(&self, now: NaiveDateTime) -> String {
        clock::most_pressing(&self.clocks, now).unwrap_or_else(|| "各报送对象均已报".into())
    }

    /// Every clock: "带班领导 电话 已报 16:10；上级总值班室 电话 剩 12:40，书面 剩 42:40".
    #[must_use]
    pub fn clock_strip(&self, now: NaiveDateTime) -> String {
        self.clocks
            .iter()
            .map(|c| c.describe(now))
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The clock of one recipient.
    #[must_use]
    pub fn clock_of(&self, recipient: &str) -> Option<&RecipientClock> {
        self.clocks.iter().find(|c| c.setting.recipient == recipient)
    }
}

/// 1 → 一, 12 → 十二, 20 → 二十 (report numbers stay well under a hundred).
#[must_use]
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS[usize::try_from(d % 10).unwrap_or(0)];
    match n {
        0..=9 => digit(n).into(),
        10 => "十".into(),
        11..=19 => format!("十{}", digit(n - 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

/// A report in the chain (初报 → 续报 → 终报).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// 初报, 续报一 …, 终报 — decided from the chain when saved.
    pub kind: String,
    pub channel: Channel,
    pub recipient: String,
    pub sent_at: NaiveDateTime,
    /// 签发: the leader who signed it off.
    pub signed_by: String,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// The name a report gets in its recipient's chain: 初报, 续报一 … (numbered per recipient and
/// channel, so the phone and the written 续报一 share their number), 终报. Refuses a second 初报
/// or 终报 on the same channel to the same recipient.
pub fn report_name(kind: ReportType, earlier: &[Report], recipient: &str, channel: Channel) -> Result<String, String> {
    let same = || {
        earlier
            .iter()
            .filter(|r| r.recipient == recipient && r.channel == channel)
    };
    match kind {
        ReportType::Initial if same().any(|r| r.kind == "初报") => {
            Err(format!("已有{}初报报{recipient}：请选续报", channel.label()))
        }
        ReportType::Initial => Ok("初报".into()),
        ReportType::Final if same().any(|r| r.kind == "终报") => {
            Err(format!("已有{}终报报{recipient}", channel.label()))
        }
        ReportType::Final => Ok("终报".into()),
        ReportType::FollowUp => {
            let n = same().filter(|r| r.kind.starts_with("续报")).count();
            Ok(format!(
                "续报{}",
                chinese_number(u32::try_from(n).unwrap_or(u32::MAX - 1) + 1)
            ))
        }
    }
}

/// Follow-up times (e.g. 08:00, 17:00) that fell in `(since, now]`, for an event still without
/// a 终报 and created before them.
#[must_use]
pub fn followups_due(
    event: &Event,
    times: &[chrono::NaiveTime],
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> Vec<NaiveDateTime> {
    if event.final_sent.is_some() || event.escalation.state == EventState::Closed || since >= now {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut day = since.date();
    while day <= now.date() {
        for t in times {
            let at = day.and_time(*t);
            if at > since && at <= now && at > event.record.created_at {
                out.push(at);
            }
        }
        day = day.succ_opt().unwrap_or(now.date() + Duration::days(1));
    }
    out.sort();
    out
}

/// One line of an event's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLine {
    pub at: NaiveDateTime,
    pub who: String,
    pub text: String,
}

/// 紧急信息报送 configuration: categories, the default recipient, follow-up times, the deadline
/// rules and the escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrgentSettings {
    pub categories: Vec<String>,
    pub recipient: String,
    pub followup_times: Vec<chrono::NaiveTime>,
    pub rules: Vec<DeadlineRule>,
    pub ladder: Vec<super::escalation::Rung>,
}

/// The texts of an event and of a report, with their length caps in characters, like the duty
/// log's (`LogField::max_chars`): the forms stop typing (and cut a paste) at the cap, and
/// [`new_event`] and [`check_report`] refuse longer text from anywhere else (the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventText {
    Place,
    Source,
    Summary,
    Measures,
    Trend,
    Requests,
    Contact,
    ReportRecipient,
    ReportSigner,
    ReportContent,
}

impl EventText {
    /// The texts of the event itself.
    pub const EVENT: [Self; 7] = [
        Self::Place,
        Self::Source,
        Self::Summary,
        Self::Measures,
        Self::Trend,
        Self::Requests,
        Self::Contact,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Place => "事发地点",
            Self::Source => "信息来源",
            Self::Summary => "事件概况",
            Self::Measures => "已采取措施",
            Self::Trend => "发展趋势",
            Self::Requests => "请求事项",
            Self::Contact => "现场联系人",
            Self::ReportRecipient => "报送对象",
            Self::ReportSigner => "签发",
            Self::ReportContent => "报告内容",
        }
    }

    /// Maximum length in characters.
    #[must_use]
    pub fn max_chars(self) -> usize {
        match self {
            Self::Summary => 4000,
            Self::Measures => 2000,
            // A promoted entry's unit, caller and phone (100 + 100 + 40) fit whole.
            Self::Source => 250,
            Self::Trend | Self::Requests => 200,
            Self::Place | Self::Contact | Self::ReportRecipient => 100,
            Self::ReportSigner => 50,
            // The initial report is filled in with the time, the place, the whole summary, the
            // casualties, the measures and the trend: it must fit whole (tested).
            Self::ReportContent => 7000,
        }
    }

    /// Refuses `text` longer than the cap, saying by how much, as the log does.
    pub fn check(self, text: &str) -> Result<(), String> {
        let n = text.chars().count();
        if n > self.max_chars() {
            Err(format!(
                "“{}”过长（{n} 字），最多 {} 字：请精简",
                self.label(),
                self.max_chars()
            ))
        } else {
            Ok(())
        }
    }
}

/// A report's texts within their caps ([`EventText`]).
pub fn check_report(report: &Report) -> Result<(), (EventText, String)> {
    for (field, text) in [
        (EventText::ReportRecipient, &report.recipient),
        (EventText::ReportSigner, &report.signed_by),
        (EventText::ReportContent, &report.content),
    ] {
        field.check(text).map_err(|why| (field, why))?;
    }
    Ok(())
}

/// Creates an event from what was typed: picks the deadline rule and copies it on.
pub fn new_event(
    draft: EventDraft,
    settings: &UrgentSettings,
    operator: &str,
    now: NaiveDateTime,
) -> Result<NewEvent, String> {
    if !settings.categories.contains(&draft.category) {
        return Err(format!(
            "类别“{}”无效：可写 {}",
            draft.category,
            settings.categories.join("、")
        ));
    }
    if draft.summary.trim().is_empty() {
        return Err("事件概况必须填写：先报已知的情况，未知的标“待核实”".into());
    }
    for field in EventText::EVENT {
        let text = match field {
            EventText::Place => &draft.place,
            EventText::Source => &draft.source,
            EventText::Summary => &draft.summary,
            EventText::Measures => &draft.measures,
            EventText::Trend => &draft.trend,
            EventText::Requests => &draft.requests,
            EventText::Contact => &draft.contact,
            EventText::ReportRecipient | EventText::ReportSigner | EventText::ReportContent => continue,
        };
        field.check(text)?;
    }
    let received_at = draft.received_at.unwrap_or(now);
    if draft.occurred_at > received_at {
        return Err("事发时间晚于接报时间：请核对".into());
    }
    let rules = clock::rules_for(&settings.rules, &draft.category, draft.level);
    if rules.is_empty() {
        return Err(format!(
            "没有适用于“{}”“{}”级事件的报送时限规则：请在配置 [[deadline]] 中补上",
            draft.category,
            draft.level.label()
        ));
    }
    let mut clocks: Vec<ClockSetting> = rules
        .into_iter()
        .map(|r| ClockSetting::from_rule(r, draft.occurred_at, received_at, now))
        .collect();
    for added in &draft.added {
        if clocks.iter().any(|c| c.recipient == added.name) {
            return Err(format!("“{}”已在报送对象中", added.name));
        }
        // Counted from 接报: the officer could not report before hearing of it.
        let mut c = ClockSetting::added(&added.name, added.phone_minutes, added.written_minutes, received_at);
        c.set_at = now;
        clocks.push(c);
    }
    Ok(NewEvent {
        category: draft.category,
        level: draft.level,
        occurred_at: draft.occurred_at,
        received_at,
        place: draft.place,
        source: draft.source,
        summary: draft.summary,
        deaths: draft.deaths,
        missing: draft.missing,
        injured: draft.injured,
        measures: draft.measures,
        trend: draft.trend,
        requests: draft.requests,
        contact: draft.contact,
        log_entry_id: draft.log_entry_id,
        clocks,
        created_by: operator.to_string(),
        created_at: now,
    })
}

/// What an officer (or a script) gives when creating an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    pub category: String,
    pub level: Level,
    pub occurred_at: NaiveDateTime,
    /// Defaults to now.
    pub received_at: Option<NaiveDateTime>,
    pub place: String,
    pub source: String,
    pub summary: String,
    pub deaths: Option<u32>,
    pub missing: Option<u32>,
    pub injured: Option<u32>,
    pub measures: String,
    pub trend: String,
    pub requests: String,
    pub contact: String,
    pub log_entry_id: Option<i64>,
    /// Recipients beyond those the rules give, with their limits.
    pub added: Vec<AddedRecipient>,
}

/// A recipient the officer adds to an event (at creation or later), with limits in minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedRecipient {
    pub name: String,
    pub phone_minutes: u32,
    pub written_minutes: Option<u32>,
}

impl AddedRecipient {
    /// Reads "信访部门" and "30/60" (phone / written minutes; "30" for a phone report only).
    pub fn parse(name: &str, limits: &str) -> Result<Self, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("请写报送对象，如 信访部门".into());
        }
        EventText::ReportRecipient.check(name)?;
        let bad = || {
            format!(
                "时限“{}”看不懂：写电话时限的分钟数，有书面时限再写“/分钟”，如 30/60 或 10",
                limits.trim()
            )
        };
        let minutes = |s: &str| s.trim().parse::<u32>().ok().filter(|m| (1..=10_080).contains(m));
        let (phone, written) = match limits.trim().split_once(['/', '／']) {
            Some((p, w)) => (minutes(p).ok_or_else(bad)?, Some(minutes(w).ok_or_else(bad)?)),
            None => (minutes(limits).ok_or_else(bad)?, None),
        };
        Ok(Self {
            name: name.to_string(),
            phone_minutes: phone,
            written_minutes: written,
        })
    }
}

impl EventDraft {
    /// A draft with only the essentials; everything else 待核实.
    #[must_use]
    pub fn essentials(category: &str, level: Level, occurred_at: NaiveDateTime, place: &str, summary: &str) -> Self {
        Self {
            category: category.into(),
            level,
            occurred_at,
            received_at: None,
            place: place.into(),
            source: String::new(),
            summary: summary.into(),
            deaths: None,
            missing: None,
            injured: None,
            measures: String::new(),
            trend: String::new(),
            requests: String::new(),
            contact: String::new(),
            log_entry_id: None,
            added: Vec::new(),
        }
    }
}

/// The timeline lines that raising an alert writes (its first step, 接报，提醒…).
#[must_use]
pub fn raised(now: NaiveDateTime, rungs: &[super::escalation::Rung]) -> Vec<TimelineLine> {
    use super::escalation::{Escalation, Input, Output};
    Escalation::new(now)
        .handle(Input::Raise, now, rungs)
        .into_iter()
        .filter_map(|o| match o {
            Output::Timeline { at, who, text } => Some(TimelineLine { at, who, text }),
            _ => None,
        })
        .collect()
}

/// Which alert an escalation step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertTarget {
    Event(EventId),
    /// An alert raised by a log entry (its own id, not the entry's).
    Entry(i64),
}

/// An alert raised by a log entry triaged 急办 or 请示 and marked urgent: escalates like an
/// event, without reporting clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAlert {
    pub id: i64,
    pub entry_id: i64,
    /// "请示 来电 城关镇 王建国：河堤渗水" — for the banner (shown on screen, never notified).
    pub title: String,
    pub escalation: super::escalation::Escalation,
    pub created_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn rule(category: Option<&str>, level: Level, phone: u32, written: u32) -> DeadlineRule {
        DeadlineRule {
            category: category.map(str::to_string),
            level,
            recipient: "上级总值班室".into(),
            phone_minutes: phone,
            written_minutes: Some(written),
            clock: ClockFrom::Received,
            source: "测试依据".into(),
        }
    }

    #[test]
    fn the_rules_in_force_are_copied_onto_the_event_as_clocks() {
        let mut settings = UrgentSettings {
            categories: vec!["自然灾害".into()],
            recipient: "上级总值班室".into(),
            rules: vec![rule(None, Level::Major, 30, 60)],
            ..Default::default()
        };
        let mut draft =
            EventDraft::essentials("自然灾害", Level::Major, at("2026-11-23 02:50"), "李家集镇", "山体滑坡");
        draft.added.push(AddedRecipient::parse("信访部门", "20").unwrap());
        let e = new_event(draft.clone(), &settings, "张三", at("2026-11-23 03:00")).unwrap();
        assert_eq!(
            e.clocks
                .iter()
                .map(|c| (c.recipient.as_str(), c.phone_due, c.written_due))
                .collect::<Vec<_>>(),
            [
                ("上级总值班室", at("2026-11-23 03:30"), Some(at("2026-11-23 04:00"))),
                ("信访部门", at("2026-11-23 03:20"), None),
            ]
        );
        assert_eq!(e.received_at, at("2026-11-23 03:00"));
        // Editing the rules afterwards changes nothing already copied.
        settings.rules[0].phone_minutes = 15;
        assert_eq!(e.clocks[0].phone_minutes, 30);
        let blank = EventDraft {
            summary: " ".into(),
            ..draft.clone()
        };
        assert!(new_event(blank, &settings, "张三", at("2026-11-23 03:00")).is_err());
        let large = EventDraft {
            level: Level::Large,
            ..draft.clone()
        };
        assert!(
            new_event(large, &settings, "张三", at("2026-11-23 03:00"))
                .unwrap_err()
                .contains("时限规则")
        );
        draft.added.push(AddedRecipient::parse("上级总值班室", "10").unwrap());
        assert!(
            new_event(draft, &settings, "张三", at("2026-11-23 03:00"))
                .unwrap_err()
                .contains("已在报送对象中")
        );
    }

    #[test]
    fn an_added_recipients_limits_are_read_or_refused_with_a_way_to_fix_them() {
        let a = AddedRecipient::parse(" 信访部门 ", "30／60").unwrap();
        assert_eq!(
            (a.name.as_str(), a.phone_minutes, a.written_minutes),
            ("信访部门", 30, Some(60))
        );
        assert!(
            AddedRecipient::parse("信访部门", "半小时")
                .unwrap_err()
                .contains("30/60")
        );
        assert!(AddedRecipient::parse("信访部门", "0").is_err());
        assert!(AddedRecipient::parse("", "30").unwrap_err().contains("报送对象"));
    }

    #[test]
    fn reports_are_numbered_per_recipient_and_channel() {
        let report = |kind: &str, recipient: &str, channel| Report {
            kind: kind.into(),
            channel,
            recipient: recipient.into(),
            sent_at: at("2026-11-23 03:10"),
            signed_by: "王五".into(),
            content: "…".into(),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 03:10"),
        };
        let up = "上级总值班室";
        let earlier = vec![
            report("初报", "带班领导", Channel::Phone),
            report("初报", up, Channel::Phone),
            report("续报一", up, Channel::Phone),
        ];
        let name = |k, who, ch| report_name(k, &earlier, who, ch);
        assert_eq!(name(ReportType::FollowUp, up, Channel::Phone).unwrap(), "续报二");
        assert_eq!(name(ReportType::FollowUp, up, Channel::Written).unwrap(), "续报一");
        assert_eq!(name(ReportType::Initial, up, Channel::Written).unwrap(), "初报");
        assert!(
            name(ReportType::Initial, up, Channel::Phone)
                .unwrap_err()
                .contains("请选续报")
        );
        assert_eq!(name(ReportType::Initial, "信访部门", Channel::Phone).unwrap(), "初报");
        assert_eq!(
            [1, 2, 10, 11, 20, 23].map(chinese_number),
            ["一", "二", "十", "十一", "二十", "二十三"]
        );
    }

    #[test]
    fn countdown_turns_amber_then_red_and_stays_on_screen_when_late() {
        let due = at("2026-11-23 03:30");
        let allowed = Duration::minutes(30);
        let c = Countdown::of(due, allowed, None, at("2026-11-23 03:05"));
        assert_eq!((c.urgency(), c.describe()), (Urgency::Calm, "剩 25:00".into()));
        assert_eq!(
            Countdown::of(due, allowed, None, at("2026-11-23 03:21")).urgency(),
            Urgency::Amber
        );
        let late = Countdown::of(due, allowed, None, at("2026-11-23 05:35"));
        assert_eq!((late.urgency(), late.describe()), (Urgency::Red, "超时 2:05:00".into()));
        let met = Countdown::of(due, allowed, Some(at("2026-11-23 03:40")), at("2026-11-23 05:00"));
        assert_eq!(
            (met.urgency(), met.describe()),
            (Urgency::Calm, "已报 03:40（迟 10:00）".into())
        );
    }
}
