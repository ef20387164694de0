//! 值班日报 — the 24-hour report to the general duty office one level up (domain.md §2.5), built
//! from what the store gathered for one window ([`ReportData`]); rendered as text, Markdown or CSV.
//!
//! Pure: the store gathers the data ([`crate::store::Store::daily_report_data`]), [`build`] decides
//! everything, and `now` comes in as an argument.
//!
//! # Decisions
//!
//! - **The window** is the 24 hours ending at a time of day on the report's date
//!   ([`Window::ending`]; [`DEFAULT_DAY_ENDS`] is 08:00): `from <= t < to`. A call at exactly 08:00
//!   belongs to the next day's report. Log entries count by 发生时间, visits by 进入时间, events by
//!   接报时间.
//! - **As of the end of the window.** Everything “at the end” is read as of `to` — or as of `now`
//!   when the report is made before the window has ended (the report then says so): the status of an
//!   entry is rebuilt from its amendment history, an event's state from its timeline, only reports
//!   sent by then count, and visitors inside are those who had not left by then. Making the same
//!   report again later gives the same report.
//! - **零报告.** A report is a zero report when in the window there was no entry triaged 急办 or
//!   请示, no urgent event (received in the window, still open at its end, or with a reporting
//!   deadline in it) and no 集体访. Routine calls, ordinary visitors and single 信访 visits are still
//!   counted in a zero report, and routine open items still listed; a 急办/请示 entry from an earlier
//!   day that is still open is listed under 未办结事项 but does not by itself make the day important.
//! - **Important items** are the entries triaged 急办 or 请示 that occurred in the window, with every
//!   领导批示 given by the end and the status at the end.
//! - **Open items** are entries that occurred before the end and were not 已办结 at the end,
//!   triaged 急办, 请示 or 次日办理 — or 一般 but marked 办理中. A 一般 entry left 待办 is a record only
//!   (domain.md §2.1) and is not listed. Open events are in the events section, visitors inside in
//!   the visitor counts.
//! - **On-time rate** of first reports, phone and written apart: every first-report deadline that
//!   falls in the window counts once — on time (reported at or before it), late (reported after it,
//!   by the end), or missed (not reported by the end). Rate = on time ÷ (on time + late + missed).
//!   A deadline still ahead (a report made before the window ended) is pending and left out.
//!   Percentages are rounded half up to one decimal with integer arithmetic.
//!
//! CSV: one flat table with a 栏目 (section) column — see [`DailyReport::to_csv`].

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::csv::{csv_document, spreadsheet_safe};
use super::escalation::EventState;
use super::log::{EntryId, EntryKind, Instruction, NewEntry, Status, Triage};
use super::text::{first_line, sanitize};
use super::urgent::{Channel, Event, EventId, Facts, Level, Report, TimelineLine};
use super::validate::format_minute;
use super::visit::COLLECTIVE_THRESHOLD;

/// The time of day a report's window ends unless configured otherwise.
pub const DEFAULT_DAY_ENDS: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// What the zero report says.
pub const ZERO_REPORT: &str = "本日无重要情况，零报告";

/// A report's 24 hours: `from <= t < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl Window {
    /// The 24 hours ending at `day_ends` on `date`.
    #[must_use]
    pub fn ending(date: NaiveDate, day_ends: NaiveTime) -> Self {
        let to = date.and_time(day_ends);
        Self {
            from: to - Duration::hours(24),
            to,
        }
    }

    #[must_use]
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.from <= t && t < self.to
    }

    /// The report's date: the day the window ends.
    #[must_use]
    pub fn date(&self) -> NaiveDate {
        self.to.date()
    }

    /// The period in progress at `now` (`from <= now < to`): from the last `day_ends` up to the
    /// next. At exactly `day_ends` the new period has begun.
    #[must_use]
    pub fn in_progress(now: NaiveDateTime, day_ends: NaiveTime) -> Self {
        let today = now.date();
        let date = if now < today.and_time(day_ends) {
            today
        } else {
            today.succ_opt().unwrap_or(today)
        };
        Self::ending(date, day_ends)
    }

    /// The 24 hours before this period.
    #[must_use]
    pub fn previous(&self) -> Self {
        Self {
            from: self.from - Duration::hours(24),
            to: self.from,
        }
    }

    /// The 24 hours after this period.
    #[must_use]
    pub fn next(&self) -> Self {
        Self {
            from: self.to,
            to: self.to + Duration::hours(24),
        }
    }

    /// Not yet over at `now` (its report says 截至 now).
    #[must_use]
    pub fn is_open_at(&self, now: NaiveDateTime) -> bool {
        now < self.to
    }

    /// When an office that reports daily is reminded of this period: the first `remind_at` at or
    /// after its end.
    #[must_use]
    pub fn remind_from(&self, remind_at: NaiveTime) -> NaiveDateTime {
        let same_day = self.to.date().and_time(remind_at);
        if same_day >= self.to {
            same_day
        } else {
            same_day + Duration::hours(24)
        }
    }
}

/// `[report]` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSettings {
    /// The time of day a period ends (and the next begins).
    pub day_ends: NaiveTime,
    /// The office reports every day: a finished period not marked 已报送 is reminded of on the
    /// status line from `remind_at` on.
    pub daily_required: bool,
    pub remind_at: NaiveTime,
}

/// The time of day the reminder starts unless configured otherwise.
pub const DEFAULT_REMIND_AT: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            day_ends: DEFAULT_DAY_ENDS,
            daily_required: false,
            remind_at: DEFAULT_REMIND_AT,
        }
    }
}

impl ReportSettings {
    /// The period that should have been sent by `now`: the last finished one once its reminder
    /// time has come, else the one before it. `None` when the office does not report daily.
    #[must_use]
    pub fn due_for_sending(&self, now: NaiveDateTime) -> Option<Window> {
        if !self.daily_required {
            return None;
        }
        let last = Window::in_progress(now, self.day_ends).previous();
        Some(if now >= last.remind_from(self.remind_at) {
            last
        } else {
            last.previous()
        })
    }
}

/// One status change of an entry, from its amendment history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: NaiveDateTime,
    pub old: String,
    pub new: String,
}

/// A log entry as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEntry {
    pub id: EntryId,
    pub entry: NewEntry,
    pub instructions: Vec<Instruction>,
    /// Status amendments, oldest first.
    pub status_changes: Vec<StatusChange>,
}

impl ReportEntry {
    /// The status at `t`: the value before the first change made after `t`, else the current one.
    #[must_use]
    pub fn status_at(&self, t: NaiveDateTime) -> Status {
        self.status_changes
            .iter()
            .find(|c| c.at > t)
            .and_then(|c| Status::parse(&c.old))
            .unwrap_or(self.entry.status)
    }
}

/// An urgent event with its report chain and timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEvent {
    pub event: Event,
    pub reports: Vec<Report>,
    pub timeline: Vec<TimelineLine>,
    /// 批示 on the event (呈送领导阅示), in the order recorded.
    pub instructions: Vec<super::log::Instruction>,
    /// 交办 from the event, with their 反馈.
    pub tasks: Vec<super::instruction::Task>,
}

impl ReportEvent {
    /// The state at `t`, replayed from the timeline (the lines the escalation machine writes:
    /// 确认…, 已处置, 已结束).
    #[must_use]
    pub fn state_at(&self, t: NaiveDateTime) -> EventState {
        let rank = |s: EventState| EventState::ALL.iter().position(|x| *x == s).unwrap_or(0);
        let mut state = EventState::New;
        for line in self.timeline.iter().filter(|l| l.at <= t) {
            let reached = if line.text == EventState::Closed.label() {
                EventState::Closed
            } else if line.text == EventState::Handled.label() {
                EventState::Handled
            } else if line.text.starts_with("确认") {
                EventState::Acknowledged
            } else {
                continue;
            };
            if rank(reached) > rank(state) {
                state = reached;
            }
        }
        state
    }

    /// The first report to `recipient` on `channel` sent by `t`.
    #[must_use]
    pub fn first_sent(&self, recipient: &str, channel: Channel, t: NaiveDateTime) -> Option<NaiveDateTime> {
        self.reports
            .iter()
            .filter(|r| r.recipient == recipient && r.channel == channel && r.sent_at <= t)
            .map(|r| r.sent_at)
            .min()
    }
}

/// Visitor counts for the window, and who was inside at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitCounts {
    /// Visits registered (批次) and the people they brought.
    pub visits: u32,
    pub people: u32,
    pub petition_visits: u32,
    pub petition_people: u32,
    /// 信访 visits of [`COLLECTIVE_THRESHOLD`] or more people.
    pub collective_visits: u32,
    pub collective_people: u32,
    /// Visits not checked out at the end of the window (whenever they entered).
    pub inside_visits: u32,
    pub inside_people: u32,
}

/// What the store gathers for one window. Sets may be larger than needed (the store filters by
/// the window's end; [`build`] filters again as of the end or `now`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportData {
    pub window: Window,
    /// Log entries that occurred in the window, by kind.
    pub kind_counts: Vec<(EntryKind, u32)>,
    /// Entries triaged 急办 or 请示 that occurred in the window, oldest first.
    pub important: Vec<ReportEntry>,
    /// Entries that occurred before the end and may have been open then: not 已办结 now, or their
    /// status changed after the end. Oldest first.
    pub open_candidates: Vec<ReportEntry>,
    /// True when the store stopped at its limit of open candidates.
    pub open_truncated: bool,
    /// Events received before the end that were received in the window, open at its end, or had a
    /// deadline in it. Oldest first.
    pub events: Vec<ReportEvent>,
    pub visits: VisitCounts,
    /// 交办 given before the end and not finished by it (督办), by deadline.
    pub open_tasks: Vec<super::instruction::Task>,
    /// 查岗 rounds started in the window, oldest first.
    pub spot_checks: Vec<super::spotcheck::SpotCheck>,
}

impl ReportData {
    /// Data for a window in which nothing at all was recorded.
    #[must_use]
    pub fn empty(window: Window) -> Self {
        Self {
            window,
            kind_counts: Vec::new(),
            important: Vec::new(),
            open_candidates: Vec::new(),
            open_truncated: false,
            events: Vec::new(),
            visits: VisitCounts::default(),
            open_tasks: Vec::new(),
            spot_checks: Vec::new(),
        }
    }
}

/// A log entry as a line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLine {
    pub id: EntryId,
    pub occurred_at: NaiveDateTime,
    pub kind: EntryKind,
    pub triage: Triage,
    /// At the end of the window.
    pub status: Status,
    pub unit: String,
    pub person: String,
    pub content: String,
    /// 领导批示 given by the end of the window (important items only).
    pub instructions: Vec<Instruction>,
}

impl ItemLine {
    fn new(e: &ReportEntry, as_of: NaiveDateTime, with_instructions: bool) -> Self {
        let f = &e.entry;
        Self {
            id: e.id,
            occurred_at: f.occurred_at,
            kind: f.kind,
            triage: f.triage,
            status: e.status_at(as_of),
            unit: f.unit.clone(),
            person: f.person.clone(),
            content: f.content.clone(),
            instructions: if with_instructions {
                e.instructions.iter().filter(|i| i.given_at <= as_of).cloned().collect()
            } else {
                Vec::new()
            },
        }
    }

    /// "来电 城关镇 李站长".
    fn who(&self) -> String {
        [self.kind.label(), self.unit.as_str(), self.person.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A first report against its deadline, as of the end of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punctuality {
    OnTime {
        at: NaiveDateTime,
    },
    Late {
        at: NaiveDateTime,
        by: Duration,
    },
    /// Not reported by the end, and past the deadline.
    Missed {
        by: Duration,
    },
    /// Not reported yet; the deadline is still ahead.
    Pending {
        left: Duration,
    },
}

/// One channel's first report of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstReport {
    pub due: NaiveDateTime,
    pub outcome: Punctuality,
    /// The deadline falls in the window: it counts in this report's on-time rate.
    pub counted: bool,
}

impl FirstReport {
    /// `due` against the first report `sent` (if by `as_of`), as of `as_of`; counted when `due`
    /// falls in `window`. Also the 月度统计's rule, for first reports and for 交办 deadlines.
    #[must_use]
    pub fn new(due: NaiveDateTime, sent: Option<NaiveDateTime>, as_of: NaiveDateTime, window: &Window) -> Self {
        let outcome = match sent {
            Some(at) if at <= due => Punctuality::OnTime { at },
            Some(at) => Punctuality::Late { at, by: at - due },
            None if as_of > due => Punctuality::Missed { by: as_of - due },
            None => Punctuality::Pending { left: due - as_of },
        };
        Self {
            due,
            outcome,
            counted: window.contains(due),
        }
    }

    /// "时限 03:30，迟报 10 分（03:40 报）".
    #[must_use]
    pub fn describe(&self, year: i32) -> String {
        let due = short_time(self.due, year);
        match self.outcome {
            Punctuality::OnTime { at } => format!("时限 {due}，按时（{} 报）", short_time(at, year)),
            Punctuality::Late { at, by } => {
                format!("时限 {due}，迟报 {}（{} 报）", span(by), short_time(at, year))
            }
            Punctuality::Missed { by } => format!("时限 {due}，未报，已超时 {}", span(by)),
            Punctuality::Pending { left } => format!("时限 {due}，未报，距时限 {}", span(left)),
        }
    }
}

/// One report of an event's chain, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// 初报, 续报一 …, 终报.
    pub kind: String,
    pub channel: Channel,
    pub sent_at: NaiveDateTime,
    pub recipient: String,
}

/// An urgent event as a line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLine {
    pub id: EventId,
    pub level: Level,
    pub category: String,
    pub place: String,
    pub summary: String,
    pub occurred_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    /// At the end of the window.
    pub state: EventState,
    /// Reports sent by the end of the window, in the order sent.
    pub reports: Vec<ReportLine>,
    /// Each recipient's first reports against their deadlines.
    pub clocks: Vec<ClockLine>,
    /// The facts as known at the end of the window.
    pub casualties: String,
    pub unverified: Vec<String>,
}

/// One recipient's deadlines in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockLine {
    pub recipient: String,
    pub phone: FirstReport,
    /// `None`: this recipient takes a phone report only.
    pub written: Option<FirstReport>,
    /// 依据 of the limits.
    pub source: String,
}

impl EventLine {
    /// The deadlines of one recipient.
    #[must_use]
    pub fn clock(&self, recipient: &str) -> Option<&ClockLine> {
        self.clocks.iter().find(|c| c.recipient == recipient)
    }

    /// "报上级总值班室：电话 时限 …；书面 时限 …", one line per recipient, then the facts.
    #[must_use]
    pub fn clock_lines(&self, year: i32) -> Vec<String> {
        let mut out: Vec<String> = self
            .clocks
            .iter()
            .map(|c| {
                let written = c
                    .written
                    .map(|w| format!("；书面 {}", w.describe(year)))
                    .unwrap_or_default();
                format!("报{}：电话 {}{written}", c.recipient, c.phone.describe(year))
            })
            .collect();
        let unverified = if self.unverified.is_empty() {
            "无".to_string()
        } else {
            self.unverified.join("、")
        };
        out.push(format!("伤亡：{}；待核实：{unverified}", self.casualties));
        out
    }
}

impl EventLine {
    /// "初报已报；续报 2 次；终报未报".
    #[must_use]
    pub fn chain(&self) -> String {
        let initial = self.reports.iter().any(|r| r.kind == "初报");
        let followups = self.reports.iter().filter(|r| r.kind.starts_with("续报")).count();
        let last = self.reports.iter().any(|r| r.kind == "终报");
        format!(
            "初报{}；续报 {followups} 次；终报{}",
            if initial { "已报" } else { "未报" },
            if last { "已报" } else { "未报" }
        )
    }

    /// "重大 自然灾害 李家集镇：山体滑坡".
    fn title(&self) -> String {
        let place = if self.place.trim().is_empty() {
            "地点待核实"
        } else {
            self.place.as_str()
        };
        format!(
            "{} {} {place}：{}",
            self.level.label(),
            self.category,
            first_line(&self.summary)
        )
    }

    fn state_text(&self) -> &'static str {
        match self.state {
            EventState::New => "未确认",
            s => s.label(),
        }
    }
}

/// First reports against their deadlines in one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnTimeRate {
    pub on_time: u32,
    pub late: u32,
    pub missed: u32,
    /// Deadlines in the window still ahead when the report was made (left out of the rate).
    pub pending: u32,
}

impl OnTimeRate {
    /// Counts `f` under its outcome when its deadline falls in the window.
    pub fn add(&mut self, f: &FirstReport) {
        if !f.counted {
            return;
        }
        match f.outcome {
            Punctuality::OnTime { .. } => self.on_time += 1,
            Punctuality::Late { .. } => self.late += 1,
            Punctuality::Missed { .. } => self.missed += 1,
            Punctuality::Pending { .. } => self.pending += 1,
        }
    }

    /// Deadlines decided: on time, late or missed.
    #[must_use]
    pub fn decided(&self) -> u32 {
        self.on_time + self.late + self.missed
    }

    /// The rate in tenths of a percent, rounded half up; `None` when nothing was due.
    #[must_use]
    pub fn permille(&self) -> Option<u32> {
        let n = u64::from(self.decided());
        (n > 0).then(|| u32::try_from((u64::from(self.on_time) * 1000 * 2 + n) / (n * 2)).unwrap_or(1000))
    }

    /// "66.7%", or "—" when nothing was due.
    #[must_use]
    pub fn percent(&self) -> String {
        self.permille()
            .map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
    }

    /// "2/3（66.7%）：按时 2，迟报 1，未报 0" or "本时段无应报事项".
    #[must_use]
    pub fn describe(&self) -> String {
        let pending = if self.pending > 0 {
            format!("；另有 {} 件未到时限", self.pending)
        } else {
            String::new()
        };
        if self.decided() == 0 {
            return format!("本时段无到期的初报时限{pending}");
        }
        format!(
            "{}/{}（{}）：按时 {}，迟报 {}，未报 {}{pending}",
            self.on_time,
            self.decided(),
            self.percent(),
            self.on_time,
            self.late,
            self.missed
        )
    }
}

/// The 值班日报.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyReport {
    pub window: Window,
    pub generated_at: NaiveDateTime,
    /// The end of the window, or `generated_at` if that came first.
    pub as_of: NaiveDateTime,
    /// Every kind, in the order of the form, zeros included.
    pub kind_counts: Vec<(EntryKind, u32)>,
    pub important: Vec<ItemLine>,
    pub events: Vec<EventLine>,
    pub visits: VisitCounts,
    pub open_items: Vec<ItemLine>,
    /// The store stopped at its limit: more open items exist than listed.
    pub open_truncated: bool,
    /// 交办 not finished at the end (督办), by deadline.
    pub open_tasks: Vec<TaskLine>,
    /// 查岗 rounds started in the window, as they stood at its end.
    pub spot_checks: Vec<CheckLine>,
    pub phone_rate: OnTimeRate,
    pub written_rate: OnTimeRate,
    /// The audit chain's head when the report was made: the paper anchor it prints.
    pub anchor: Option<super::anchor::Anchor>,
}

/// A 查岗 round of the window: when, by whom, which group, and its summary as of the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub id: i64,
    pub at: NaiveDateTime,
    pub by: String,
    pub group: String,
    pub summary: super::spotcheck::CheckSummary,
}

impl CheckLine {
    /// "第 1 次 21:00 张三查 各乡镇值班室：应查 10，查通 7，未接 3（…）".
    #[must_use]
    pub fn text(&self, y: i32) -> String {
        let group = if self.group.is_empty() {
            String::new()
        } else {
            format!(" {}", self.group)
        };
        format!(
            "第 {} 次 {} {}查{group}：{}",
            self.id,
            short_time(self.at, y),
            self.by,
            self.summary.sentence()
        )
    }
}

/// A 交办 still open at the end of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine {
    pub id: i64,
    pub assignee: String,
    /// 第 12 号记录 / 第 3 号紧急事件.
    pub on: String,
    pub due: NaiveDateTime,
    /// Past its 时限 at the end of the window (as of).
    pub overdue: bool,
}

impl TaskLine {
    fn text(&self, y: i32) -> String {
        format!(
            "第 {} 号交办 {}（{}），时限 {}{}",
            self.id,
            sanitize(&self.assignee, false),
            self.on,
            short_time(self.due, y),
            if self.overdue { "，已超期" } else { "" }
        )
    }
}

/// Builds the report from the data gathered for its window; `now` is when it is made.
#[must_use]
pub fn build(data: &ReportData, now: NaiveDateTime) -> DailyReport {
    let window = data.window;
    let as_of = now.min(window.to);
    let kind_counts = EntryKind::ALL
        .iter()
        .map(|k| {
            let n = data
                .kind_counts
                .iter()
                .filter(|(kind, _)| kind == k)
                .map(|(_, n)| *n)
                .sum();
            (*k, n)
        })
        .collect();
    let important = data
        .important
        .iter()
        .filter(|e| window.contains(e.entry.occurred_at) && is_important(e.entry.triage))
        .map(|e| ItemLine::new(e, as_of, true))
        .collect();
    let mut open_items: Vec<ItemLine> = data
        .open_candidates
        .iter()
        .filter(|e| e.entry.occurred_at < window.to)
        .map(|e| ItemLine::new(e, as_of, false))
        .filter(|i| i.status != Status::Done && (i.triage != Triage::Routine || i.status == Status::InProgress))
        .collect();
    open_items.sort_by_key(|i| (i.occurred_at, i.id));
    let mut events = Vec::new();
    let (mut phone_rate, mut written_rate) = (OnTimeRate::default(), OnTimeRate::default());
    for re in &data.events {
        let e = &re.event;
        let r = &e.record;
        if r.received_at >= window.to {
            continue;
        }
        let state = re.state_at(as_of);
        let clocks: Vec<ClockLine> =
            e.clocks
                .iter()
                .map(|c| {
                    let who = &c.setting.recipient;
                    ClockLine {
                        recipient: who.clone(),
                        phone: FirstReport::new(
                            c.setting.phone_due,
                            re.first_sent(who, Channel::Phone, as_of),
                            as_of,
                            &window,
                        ),
                        written: c.setting.written_due.map(|due| {
                            FirstReport::new(due, re.first_sent(who, Channel::Written, as_of), as_of, &window)
                        }),
                        source: c.setting.source.clone(),
                    }
                })
                .collect();
        let counted = clocks
            .iter()
            .any(|c| c.phone.counted || c.written.is_some_and(|w| w.counted));
        let relevant = window.contains(r.received_at) || state != EventState::Closed || counted;
        if !relevant {
            continue;
        }
        // The rates are those of reporting upward: a recipient with a written deadline (the
        // general duty office), not the duty leader's phone call inside the room.
        for c in clocks.iter().filter(|c| c.written.is_some()) {
            phone_rate.add(&c.phone);
            if let Some(w) = &c.written {
                written_rate.add(w);
            }
        }
        let facts = Facts::as_of(r, &e.changes, Some(as_of));
        let mut reports: Vec<ReportLine> = re
            .reports
            .iter()
            .filter(|rep| rep.sent_at <= as_of)
            .map(|rep| ReportLine {
                kind: rep.kind.clone(),
                channel: rep.channel,
                sent_at: rep.sent_at,
                recipient: rep.recipient.clone(),
            })
            .collect();
        reports.sort_by_key(|rep| rep.sent_at);
        events.push(EventLine {
            id: e.id,
            level: facts.level,
            category: r.category.clone(),
            place: facts.place.clone(),
            summary: r.summary.clone(),
            occurred_at: facts.occurred_at,
            received_at: r.received_at,
            state,
            reports,
            clocks,
            casualties: facts.casualties(),
            unverified: facts.unverified(),
        });
    }
    events.sort_by_key(|e| (e.received_at, e.id));
    DailyReport {
        window,
        generated_at: now,
        as_of,
        kind_counts,
        important,
        events,
        visits: data.visits,
        open_items,
        open_truncated: data.open_truncated,
        open_tasks: data
            .open_tasks
            .iter()
            .map(|t| TaskLine {
                id: t.id,
                assignee: t.assignee.clone(),
                on: t.item.label(),
                due: t.due,
                overdue: t.due < as_of,
            })
            .collect(),
        spot_checks: data
            .spot_checks
            .iter()
            .map(|r| {
                // Calls made after the end (or after the report was made) are not part of it.
                let mut as_then = r.clone();
                for u in &mut as_then.units {
                    u.calls.retain(|c| c.at < window.to && c.at <= as_of);
                }
                CheckLine {
                    id: r.id,
                    at: r.started_at,
                    by: r.started_by.clone(),
                    group: r.group.clone(),
                    summary: as_then.summary(),
                }
            })
            .collect(),
        phone_rate,
        written_rate,
        anchor: None,
    }
}

/// 急办 and 请示 are the important items of a day.
#[must_use]
pub fn is_important(t: Triage) -> bool {
    matches!(t, Triage::Urgent | Triage::AskLeader)
}

/// "1 小时 5 分", "10 分 30 秒", "2 天 3 小时", "0 秒".
#[must_use]
pub fn span(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let parts = [
        (s / 86_400, "天"),
        (s % 86_400 / 3600, "小时"),
        (s % 3600 / 60, "分"),
        (s % 60, "秒"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if text.is_empty() {
        "0 秒".into()
    } else {
        text.join(" ")
    }
}

/// "11-22 21:10" in the report's year, the full date otherwise.
fn short_time(t: NaiveDateTime, year: i32) -> String {
    if t.year() == year {
        t.format("%m-%d %H:%M").to_string()
    } else {
        format_minute(t)
    }
}

/// Continuation lines of a multi-line value, indented under its first line.
fn indented(s: &str, indent: &str) -> String {
    sanitize(s.trim(), true)
        .lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

impl DailyReport {
    /// 零报告: see the module's decisions.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.important.is_empty() && self.events.is_empty() && self.visits.collective_visits == 0
    }

    /// Made before its window ended.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        self.generated_at < self.window.to
    }

    #[must_use]
    pub fn total_entries(&self) -> u32 {
        self.kind_counts.iter().map(|(_, n)| n).sum()
    }

    fn year(&self) -> i32 {
        self.window.to.year()
    }

    /// "2026年11月23日".
    fn date_text(&self) -> String {
        let d = self.window.date();
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    }

    /// "2026-11-22 08:00 至 2026-11-23 08:00".
    fn window_text(&self) -> String {
        format!(
            "{} 至 {}",
            format_minute(self.window.from),
            format_minute(self.window.to)
        )
    }

    fn as_of_note(&self) -> String {
        if self.is_partial() {
            format!("（截至 {}，本时段尚未结束）", format_minute(self.as_of))
        } else {
            String::new()
        }
    }

    /// "值班记录共 7 件：来电 4、去电 1、传真 1、电报 0、来信/文件 0、事件 1、其他 0".
    fn counts_text(&self) -> String {
        let parts: Vec<String> = self
            .kind_counts
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        format!("值班记录共 {} 件：{}", self.total_entries(), parts.join("、"))
    }

    fn visits_text(&self) -> String {
        let v = &self.visits;
        format!(
            "来访登记 {} 批 {} 人，其中信访 {} 批 {} 人、集体访（{} 人以上信访）{} 批 {} 人；时段结束时仍在楼 {} 批 {} 人",
            v.visits,
            v.people,
            v.petition_visits,
            v.petition_people,
            COLLECTIVE_THRESHOLD,
            v.collective_visits,
            v.collective_people,
            v.inside_visits,
            v.inside_people
        )
    }

    fn item_title(&self, i: &ItemLine) -> String {
        format!(
            "第 {} 号 [{}] {} {}：{}",
            i.id,
            i.triage.label(),
            short_time(i.occurred_at, self.year()),
            sanitize(&i.who(), false),
            sanitize(first_line(&i.content), false)
        )
    }

    fn instruction_text(&self, ins: &Instruction) -> String {
        format!(
            "{}（{}）：{}",
            sanitize(&ins.leader, false),
            short_time(ins.given_at, self.year()),
            sanitize(&ins.text, false)
        )
    }

    fn open_truncated_note(&self) -> Option<String> {
        self.open_truncated
            .then(|| format!("只列出最近的 {} 项，其余见交接班记录", self.open_items.len()))
    }

    /// Plain text, for the terminal and for pasting into a message.
    #[must_use]
    pub fn to_text(&self, office: &str, leader: &str) -> String {
        let y = self.year();
        let mut s = String::new();
        s.push_str(&format!(
            "{} 值班日报（{}）\n",
            sanitize(office, false),
            self.date_text()
        ));
        s.push_str(&format!("时段：{}{}\n", self.window_text(), self.as_of_note()));
        s.push_str(&format!("生成时间：{}\n", format_minute(self.generated_at)));
        if let Some(a) = &self.anchor {
            s.push_str(&format!("审计链：{}（生成时的链尾）\n", a.text()));
        }
        s.push('\n');

        s.push_str("一、总体情况\n");
        if self.is_zero() {
            s.push_str(&format!("{ZERO_REPORT}。\n"));
        }
        s.push_str(&format!("{}。\n{}。\n\n", self.counts_text(), self.visits_text()));

        s.push_str("二、重要事项（急办、请示）\n");
        if self.important.is_empty() {
            s.push_str("无。\n");
        }
        for (n, i) in self.important.iter().enumerate() {
            s.push_str(&format!("{}. {}\n", n + 1, self.item_title(i)));
            if i.content.trim().lines().count() > 1 {
                s.push_str(&format!("   内容：{}\n", indented(&i.content, "         ")));
            }
            s.push_str(&format!("   状态：{}\n", i.status.label()));
            if i.instructions.is_empty() {
                s.push_str("   领导批示：无\n");
            }
            for ins in &i.instructions {
                s.push_str(&format!("   领导批示：{}\n", self.instruction_text(ins)));
            }
        }
        s.push('\n');

        s.push_str("三、紧急事件\n");
        if self.events.is_empty() {
            s.push_str("无。\n");
        }
        for (n, e) in self.events.iter().enumerate() {
            s.push_str(&format!(
                "{}. 第 {} 号 {}（事发 {}，接报 {}）\n",
                n + 1,
                e.id,
                sanitize(&e.title(), false),
                short_time(e.occurred_at, y),
                short_time(e.received_at, y)
            ));
            s.push_str(&format!("   状态：{}；{}\n", e.state_text(), e.chain()));
            for r in &e.reports {
                s.push_str(&format!(
                    "   {}：{}报{}，{}\n",
                    r.kind,
                    r.channel.label(),
                    sanitize(&r.recipient, false),
                    short_time(r.sent_at, y)
                ));
            }
            for line in e.clock_lines(y) {
                s.push_str(&format!("   {}\n", sanitize(&line, false)));
            }
        }
        s.push('\n');

        s.push_str("四、时段结束时未办结事项\n");
        if self.open_items.is_empty() {
            s.push_str("无。\n");
        }
        for (n, i) in self.open_items.iter().enumerate() {
            s.push_str(&format!("{}. {}（{}）\n", n + 1, self.item_title(i), i.status.label()));
        }
        if let Some(note) = self.open_truncated_note() {
            s.push_str(&format!("（{note}）\n"));
        }
        if !self.open_tasks.is_empty() {
            s.push_str(&format!("交办未办结 {} 项（督办）：\n", self.open_tasks.len()));
            for t in &self.open_tasks {
                s.push_str(&format!("   {}\n", t.text(y)));
            }
        }
        s.push('\n');

        s.push_str("五、统计\n");
        s.push_str(&format!("电话初报按时率：{}\n", self.phone_rate.describe()));
        s.push_str(&format!("书面初报按时率：{}\n", self.written_rate.describe()));
        for line in self.spot_check_lines(y) {
            s.push_str(&sanitize(&line, false));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&format!("值班员：____________　　{leader}（签发）：____________\n"));
        s
    }

    /// The 查岗 lines of 五、统计: how many rounds, then each one's summary with every failure
    /// by name.
    fn spot_check_lines(&self, y: i32) -> Vec<String> {
        if self.spot_checks.is_empty() {
            return vec!["查岗：本时段未查岗".to_string()];
        }
        std::iter::once(format!("查岗 {} 次：", self.spot_checks.len()))
            .chain(self.spot_checks.iter().map(|c| format!("   {}", c.text(y))))
            .collect()
    }

    /// Markdown, for printing and for the archive.
    #[must_use]
    pub fn to_markdown(&self, office: &str, leader: &str) -> String {
        let y = self.year();
        let md = |t: &str| md_inline(t);
        let mut s = String::new();
        s.push_str(&format!("# {} 值班日报（{}）\n\n", md(office), self.date_text()));
        s.push_str(&format!("- 时段：{}{}\n", self.window_text(), self.as_of_note()));
        s.push_str(&format!("- 生成时间：{}\n", format_minute(self.generated_at)));
        if let Some(a) = &self.anchor {
            s.push_str(&format!("- 审计链：{}（生成时的链尾）\n", a.text()));
        }
        s.push('\n');

        s.push_str("## 一、总体情况\n\n");
        if self.is_zero() {
            s.push_str(&format!("**{ZERO_REPORT}。**\n\n"));
        }
        s.push_str("| 类型 | 件数 |\n|---|---:|\n");
        for (k, n) in &self.kind_counts {
            s.push_str(&format!("| {} | {n} |\n", k.label()));
        }
        s.push_str(&format!("| 合计 | {} |\n\n", self.total_entries()));
        s.push_str(&format!("{}。\n\n", self.visits_text()));

        s.push_str("## 二、重要事项（急办、请示）\n\n");
        if self.important.is_empty() {
            s.push_str("无。\n");
        }
        for (n, i) in self.important.iter().enumerate() {
            s.push_str(&format!("{}. {}\n", n + 1, md(&self.item_title(i))));
            if i.content.trim().lines().count() > 1 {
                s.push_str(&format!("   - 内容：{}\n", md(&sanitize(&i.content, false))));
            }
            s.push_str(&format!("   - 状态：{}\n", i.status.label()));
            if i.instructions.is_empty() {
                s.push_str("   - 领导批示：无\n");
            }
            for ins in &i.instructions {
                s.push_str(&format!("   - 领导批示：{}\n", md(&self.instruction_text(ins))));
            }
        }
        s.push('\n');

        s.push_str("## 三、紧急事件\n\n");
        if self.events.is_empty() {
            s.push_str("无。\n");
        }
        for (n, e) in self.events.iter().enumerate() {
            s.push_str(&format!(
                "{}. 第 {} 号 {}（事发 {}，接报 {}）\n",
                n + 1,
                e.id,
                md(&e.title()),
                short_time(e.occurred_at, y),
                short_time(e.received_at, y)
            ));
            s.push_str(&format!("   - 状态：{}；{}\n", e.state_text(), e.chain()));
            for r in &e.reports {
                s.push_str(&format!(
                    "   - {}：{}报{}，{}\n",
                    r.kind,
                    r.channel.label(),
                    md(&r.recipient),
                    short_time(r.sent_at, y)
                ));
            }
            for line in e.clock_lines(y) {
                s.push_str(&format!("   - {}\n", md(&line)));
            }
        }
        s.push('\n');

        s.push_str("## 四、时段结束时未办结事项\n\n");
        if self.open_items.is_empty() {
            s.push_str("无。\n");
        }
        for (n, i) in self.open_items.iter().enumerate() {
            s.push_str(&format!(
                "{}. {}（{}）\n",
                n + 1,
                md(&self.item_title(i)),
                i.status.label()
            ));
        }
        if let Some(note) = self.open_truncated_note() {
            s.push_str(&format!("\n（{note}）\n"));
        }
        if !self.open_tasks.is_empty() {
            s.push_str(&format!("\n交办未办结 {} 项（督办）：\n\n", self.open_tasks.len()));
            for t in &self.open_tasks {
                s.push_str(&format!("- {}\n", md(&t.text(y))));
            }
        }
        s.push('\n');

        s.push_str("## 五、统计\n\n");
        s.push_str(&format!("- 电话初报按时率：{}\n", self.phone_rate.describe()));
        s.push_str(&format!("- 书面初报按时率：{}\n", self.written_rate.describe()));
        for (i, line) in self.spot_check_lines(y).iter().enumerate() {
            let indent = if i == 0 { "- " } else { "  - " };
            s.push_str(&format!("{indent}{}\n", md(line)));
        }
        s.push('\n');
        s.push_str(&format!("值班员：____________　　{leader}（签发）：____________\n"));
        s
    }

    /// CSV (UTF-8 with a BOM, so Excel and WPS read the Chinese correctly): one flat table, one row
    /// per fact, columns 栏目, 编号, 时间, 事项, 数量/状态, 详情. Sections, in order: 概况, 值班记录
    /// (one row per kind and 合计), 重要事项, 紧急事件, 来访, 未办结事项, 统计. Times are
    /// `YYYY-MM-DD HH:MM`; multi-line details stay in one quoted cell. Text cells that would start a
    /// spreadsheet formula get a leading `'` (see [`spreadsheet_safe`]).
    #[must_use]
    pub fn to_csv(&self, office: &str) -> Vec<u8> {
        let mut rows: Vec<[String; 6]> = vec![
            ["栏目", "编号", "时间", "事项", "数量/状态", "详情"].map(String::from),
            row("概况", "", "", "单位", office, ""),
            row(
                "概况",
                "",
                "",
                "时段",
                &self.window_text(),
                self.as_of_note().trim_matches(['（', '）']),
            ),
            row("概况", "", &format_minute(self.generated_at), "生成时间", "", ""),
            row(
                "概况",
                "",
                "",
                "零报告",
                if self.is_zero() { "是" } else { "否" },
                if self.is_zero() { ZERO_REPORT } else { "" },
            ),
        ];
        for (k, n) in &self.kind_counts {
            rows.push(row("值班记录", "", "", k.label(), &n.to_string(), ""));
        }
        rows.push(row("值班记录", "", "", "合计", &self.total_entries().to_string(), ""));
        for i in &self.important {
            let mut detail = sanitize(i.content.trim(), true);
            for ins in &i.instructions {
                detail.push_str(&format!("\n领导批示：{}", self.instruction_text(ins)));
            }
            rows.push(row(
                "重要事项",
                &i.id.to_string(),
                &format_minute(i.occurred_at),
                &format!("{} {}", i.triage.label(), i.who()),
                i.status.label(),
                &detail,
            ));
        }
        let y = self.year();
        for e in &self.events {
            let mut detail = vec![e.chain()];
            for r in &e.reports {
                detail.push(format!(
                    "{}：{}报{}，{}",
                    r.kind,
                    r.channel.label(),
                    r.recipient,
                    format_minute(r.sent_at)
                ));
            }
            detail.extend(e.clock_lines(y));
            rows.push(row(
                "紧急事件",
                &e.id.to_string(),
                &format_minute(e.received_at),
                &e.title(),
                e.state_text(),
                &detail.join("\n"),
            ));
        }
        let v = &self.visits;
        for (what, n) in [
            ("来访（批）", v.visits),
            ("来访（人）", v.people),
            ("信访（批）", v.petition_visits),
            ("信访（人）", v.petition_people),
            ("集体访（批）", v.collective_visits),
            ("集体访（人）", v.collective_people),
            ("时段结束时在楼（批）", v.inside_visits),
            ("时段结束时在楼（人）", v.inside_people),
        ] {
            rows.push(row("来访", "", "", what, &n.to_string(), ""));
        }
        for i in &self.open_items {
            rows.push(row(
                "未办结事项",
                &i.id.to_string(),
                &format_minute(i.occurred_at),
                &format!("{} {}", i.triage.label(), i.who()),
                i.status.label(),
                &sanitize(i.content.trim(), true),
            ));
        }
        if let Some(note) = self.open_truncated_note() {
            rows.push(row("未办结事项", "", "", "说明", "", &note));
        }
        for t in &self.open_tasks {
            rows.push(row(
                "交办未办结",
                &t.id.to_string(),
                &format_minute(t.due),
                &format!("{}（{}）", t.assignee, t.on),
                if t.overdue { "已超期" } else { "办理中" },
                "",
            ));
        }
        for (what, rate) in [
            ("电话初报按时率", &self.phone_rate),
            ("书面初报按时率", &self.written_rate),
        ] {
            rows.push(row("统计", "", "", what, &rate.percent(), &rate.describe()));
        }
        for c in &self.spot_checks {
            rows.push(row(
                "查岗",
                &c.id.to_string(),
                &format_minute(c.at),
                &c.group,
                &format!("{}/{}", c.summary.on_duty, c.summary.total),
                &c.summary.sentence(),
            ));
        }
        csv_document(rows.iter().map(|r| r.iter().map(|c| spreadsheet_safe(c))))
    }
}

fn row(section: &str, id: &str, time: &str, what: &str, value: &str, detail: &str) -> [String; 6] {
    [section, id, time, what, value, detail].map(String::from)
}

/// One line of Markdown text: no line breaks, and the characters that would start markup escaped
/// (the 月度统计's Markdown too).
pub(crate) fn md_inline(s: &str) -> String {
    let mut out = String::new();
    for c in sanitize(s, false).chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::escalation::{Escalation, Input, Output, Rung};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_window_is_the_24_hours_ending_at_the_configured_time() {
        let w = Window::ending(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), DEFAULT_DAY_ENDS);
        assert_eq!((w.from, w.to), (at("2026-11-22 08:00"), at("2026-11-23 08:00")));
        assert!(w.contains(at("2026-11-22 08:00")));
        assert!(w.contains(at("2026-11-23 07:59")));
        assert!(!w.contains(at("2026-11-23 08:00")), "08:00 belongs to the next day");
        let evening = Window::ending(
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            NaiveTime::from_hms_opt(17, 30, 0).unwrap(),
        );
        assert_eq!(evening.from, at("2026-02-28 17:30"));
    }

    #[test]
    fn the_period_in_progress_runs_from_the_last_day_end_up_to_the_next() {
        let ends = DEFAULT_DAY_ENDS;
        let w = Window::in_progress(at("2026-11-23 16:24"), ends);
        assert_eq!((w.from, w.to), (at("2026-11-23 08:00"), at("2026-11-24 08:00")));
        assert!(w.is_open_at(at("2026-11-23 16:24")));
        let night = Window::in_progress(at("2026-11-23 03:10"), ends);
        assert_eq!((night.from, night.to), (at("2026-11-22 08:00"), at("2026-11-23 08:00")));
        // At exactly the day's end the new period has begun; a minute before, the old one runs.
        let boundary = Window::in_progress(at("2026-11-23 08:00"), ends);
        assert_eq!(boundary.from, at("2026-11-23 08:00"));
        assert!(boundary.contains(at("2026-11-23 08:00")));
        let before = Window::in_progress(at("2026-11-23 07:59"), ends);
        assert_eq!(before.to, at("2026-11-23 08:00"));
        assert!(!before.is_open_at(at("2026-11-23 08:00")), "it ended at 08:00");
        assert_eq!(before.next(), boundary);
        assert_eq!(boundary.previous(), before);
        assert_eq!(w.previous().next(), w);
        assert_eq!(w.previous(), Window::ending(at("2026-11-23 00:00").date(), ends));
        // Another day's end, and the turn of a year.
        let evening = NaiveTime::from_hms_opt(17, 30, 0).unwrap();
        let e = Window::in_progress(at("2026-12-31 18:00"), evening);
        assert_eq!((e.from, e.to), (at("2026-12-31 17:30"), at("2027-01-01 17:30")));
        assert_eq!(e.date(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    #[test]
    fn the_reminder_is_due_from_the_first_remind_time_after_a_periods_end() {
        let s = ReportSettings {
            daily_required: true,
            ..ReportSettings::default()
        };
        let last = Window::ending(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), DEFAULT_DAY_ENDS);
        assert_eq!(last.remind_from(s.remind_at), at("2026-11-24 09:00"));
        assert_eq!(s.due_for_sending(at("2026-11-24 09:00")), Some(last));
        assert_eq!(s.due_for_sending(at("2026-11-24 23:59")), Some(last));
        assert_eq!(
            s.due_for_sending(at("2026-11-24 08:30")),
            Some(last.previous()),
            "before 09:00 the period that ended at 08:00 is not yet due"
        );
        // A reminder time before the day's end falls on the next day.
        let early = ReportSettings {
            remind_at: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
            ..s
        };
        assert_eq!(last.remind_from(early.remind_at), at("2026-11-25 07:00"));
        assert_eq!(
            ReportSettings::default().due_for_sending(at("2026-11-24 10:00")),
            None,
            "not every office reports daily"
        );
    }

    #[test]
    fn on_time_rate_arithmetic() {
        let rate = |on_time, late, missed, pending| OnTimeRate {
            on_time,
            late,
            missed,
            pending,
        };
        assert_eq!(rate(1, 1, 0, 0).percent(), "50.0%");
        assert_eq!(rate(2, 1, 0, 0).percent(), "66.7%");
        assert_eq!(rate(1, 1, 1, 0).percent(), "33.3%");
        assert_eq!(rate(1, 5, 0, 0).percent(), "16.7%", "1/6 = 16.666… rounds up");
        assert_eq!(rate(1, 7, 0, 0).percent(), "12.5%");
        assert_eq!(rate(3, 0, 0, 9).percent(), "100.0%", "pending deadlines are left out");
        assert_eq!(rate(0, 0, 2, 0).percent(), "0.0%");
        assert_eq!(rate(0, 0, 0, 1).permille(), None);
        assert_eq!(rate(0, 0, 0, 0).percent(), "—");
        assert_eq!(
            rate(2, 1, 0, 1).describe(),
            "2/3（66.7%）：按时 2，迟报 1，未报 0；另有 1 件未到时限"
        );
        assert_eq!(rate(0, 0, 0, 0).describe(), "本时段无到期的初报时限");
    }

    #[test]
    fn spans_read_in_chinese() {
        assert_eq!(span(Duration::minutes(10)), "10 分");
        assert_eq!(span(Duration::seconds(3930)), "1 小时 5 分 30 秒");
        assert_eq!(span(Duration::hours(51)), "2 天 3 小时");
        assert_eq!(span(Duration::zero()), "0 秒");
    }

    #[test]
    fn an_events_state_is_replayed_from_the_lines_the_escalation_machine_writes() {
        let ladder = vec![Rung {
            name: "值班员".into(),
            delay_minutes: 5,
            repeat: 1,
            role: None,
            phone: String::new(),
        }];
        let mut esc = Escalation::new(at("2026-11-23 03:00"));
        let mut lines = Vec::new();
        let mut step = |esc: &mut Escalation, input, t: &str| {
            for o in esc.handle(input, at(t), &ladder) {
                if let Output::Timeline { at, who, text } = o {
                    lines.push(TimelineLine { at, who, text });
                }
            }
        };
        step(&mut esc, Input::Raise, "2026-11-23 03:00");
        step(&mut esc, Input::Acknowledge { by: "张三".into() }, "2026-11-23 03:05");
        step(&mut esc, Input::Resolve { by: "张三".into() }, "2026-11-23 05:00");
        step(&mut esc, Input::Close { by: "张三".into() }, "2026-11-23 09:00");
        assert_eq!(esc.state, EventState::Closed);
        let ev = ReportEvent {
            event: crate::core::urgent::Event {
                id: 1,
                record: sample_event(),
                facts: crate::core::urgent::Facts::first(&sample_event()),
                changes: Vec::new(),
                clocks: Vec::new(),
                escalation: esc,
                final_sent: None,
                reports: 0,
            },
            reports: Vec::new(),
            timeline: lines,
            instructions: Vec::new(),
            tasks: Vec::new(),
        };
        assert_eq!(ev.state_at(at("2026-11-23 03:01")), EventState::New);
        assert_eq!(ev.state_at(at("2026-11-23 04:00")), EventState::Acknowledged);
        assert_eq!(ev.state_at(at("2026-11-23 08:00")), EventState::Handled);
        assert_eq!(ev.state_at(at("2026-11-23 09:00")), EventState::Closed);
    }

    fn sample_event() -> crate::core::urgent::NewEvent {
        use crate::core::urgent::NewEvent;
        NewEvent {
            category: "自然灾害".into(),
            level: Level::Major,
            occurred_at: at("2026-11-23 02:50"),
            received_at: at("2026-11-23 03:00"),
            place: "李家集镇".into(),
            source: String::new(),
            summary: "山体滑坡".into(),
            deaths: None,
            missing: None,
            injured: None,
            measures: String::new(),
            trend: String::new(),
            requests: String::new(),
            contact: String::new(),
            log_entry_id: None,
            clocks: Vec::new(),
            created_by: "张三".into(),
            created_at: at("2026-11-23 03:00"),
        }
    }

    #[test]
    fn the_status_at_the_end_is_rebuilt_from_the_amendments() {
        let raw: crate::core::log::RawValues = [
            (crate::core::log::LogField::Kind, "来电"),
            (crate::core::log::LogField::Unit, "城关镇"),
            (crate::core::log::LogField::Content, "河堤渗水"),
            (crate::core::log::LogField::Triage, "急办"),
        ]
        .iter()
        .map(|(f, v)| (*f, (*v).to_string()))
        .collect();
        let mut entry = crate::core::log::build_entry(&raw, "张三", at("2026-11-22 21:00")).unwrap();
        entry.status = Status::Done;
        let e = ReportEntry {
            id: 7,
            entry,
            instructions: Vec::new(),
            status_changes: vec![
                StatusChange {
                    at: at("2026-11-22 22:00"),
                    old: "待办".into(),
                    new: "办理中".into(),
                },
                StatusChange {
                    at: at("2026-11-23 09:00"),
                    old: "办理中".into(),
                    new: "已办结".into(),
                },
            ],
        };
        assert_eq!(e.status_at(at("2026-11-22 21:30")), Status::Pending);
        assert_eq!(e.status_at(at("2026-11-23 08:00")), Status::InProgress);
        assert_eq!(e.status_at(at("2026-11-23 09:00")), Status::Done);
        let data = ReportData {
            important: vec![e.clone()],
            open_candidates: vec![e],
            ..ReportData::empty(Window::ending(
                NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                DEFAULT_DAY_ENDS,
            ))
        };
        let r = build(&data, at("2026-11-23 10:00"));
        assert_eq!(
            r.important[0].status,
            Status::InProgress,
            "as of 08:00, not as of 10:00"
        );
        assert_eq!(r.open_items.len(), 1, "closed only after the window ended");
        assert!(!r.is_zero());
        assert!(!r.is_partial());
    }

    #[test]
    fn nothing_recorded_is_a_zero_report_with_every_kind_counted() {
        let w = Window::ending(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), DEFAULT_DAY_ENDS);
        let r = build(&ReportData::empty(w), at("2026-11-23 07:30"));
        assert!(r.is_zero());
        assert!(r.is_partial());
        assert_eq!(r.as_of, at("2026-11-23 07:30"));
        assert_eq!(r.kind_counts.len(), EntryKind::ALL.len());
        let text = r.to_text("测试县人民政府办公室", "带班领导");
        assert!(text.contains("本日无重要情况，零报告。"), "{text}");
        assert!(text.contains("带班领导（签发）"), "{text}");
        assert!(text.contains("截至 2026-11-23 07:30，本时段尚未结束"), "{text}");
        assert!(text.contains("值班记录共 0 件：来电 0、去电 0"), "{text}");
        let md = r.to_markdown("测试县", "值班领导");
        assert!(md.contains("**本日无重要情况，零报告。**"), "{md}");
        assert!(md.contains("值班领导（签发）") && !md.contains("带班领导"), "{md}");
        assert!(r.to_text("测试县", "值班领导").contains("值班领导（签发）"));
    }

    #[test]
    fn markdown_escapes_what_would_become_markup() {
        assert_eq!(md_inline("a|b *c* <x>\n#1"), "a\\|b \\*c\\* \\<x\\> \\#1");
    }
}
