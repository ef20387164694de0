//! 月度统计 (issue 19, item 2; domain.md §8): a calendar month's or year's figures — entries by
//! kind, category and triage; urgent events by level with the on-time rate of first reports per
//! recipient (phone and written); visits, 信访, 集体访 and 重访; 交办 given and their on-time rate;
//! and per officer (003:259 考核) entries, the median minutes from receipt to registration, items
//! left open at handover and their own deadlines overrun. Rendered as text, Markdown or CSV.
//!
//! Pure: the store counts and reads by index ([`StatsData`], `Store::stats_data`), [`build`]
//! decides what the facts mean, and `now` comes in as an argument.
//!
//! # Decisions
//!
//! - **The period** is a calendar month or year, `from <= t < to` at midnight. Entries count by
//!   发生时间, visits by 进入时间, events by 接报时间, 交办 given by when they were recorded,
//!   handovers by 签字时间. A period not yet over is read as of `now` (the text says so).
//! - **On-time rates** are the 值班日报's ([`FirstReport`], [`OnTimeRate`]): every first-report
//!   deadline falling in the period counts once — on time, late, or missed (not reported by the
//!   end); one still ahead is pending and left out. Per recipient, phone and written apart, for
//!   every recipient (the 带班领导's phone call too). A 交办 is the same with its 时限 and the
//!   closing 反馈: 按时办结, 逾期办结, 超期未办结.
//! - **Receipt to registration** is 发生时间 → 记录时间 in whole minutes (seconds dropped; an
//!   entry recorded before its time counts 0). The median of an even count is the mean of the two
//!   middle values (so it may end in .5).
//! - **Per officer**: entries they recorded; handovers they handed over (交班) and the items those
//!   listed as still open; overruns charged to them — first-report deadlines in the period missed
//!   or late on events they recorded, and 交办 they gave whose 时限 in the period passed before it
//!   was finished.
//! - **信访**: 个访 are 信访 visits of fewer than [`COLLECTIVE_THRESHOLD`] people, 集体访 the others;
//!   重访 are visits the register matched to an earlier one (all visits, and 信访 apart).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::csv::{csv_document, spreadsheet_safe};
use super::log::{EntryKind, Triage};
use super::report::{FirstReport, OnTimeRate, Punctuality, ReportEvent, Window, md_inline};
use super::text::sanitize;
use super::urgent::{Channel, Level};
use super::validate::format_minute;
use super::visit::COLLECTIVE_THRESHOLD;

/// A calendar month (`month` 1–12) or a whole year (`month` `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub year: i32,
    pub month: Option<u32>,
}

/// The years a period may name.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9998;

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Period {
    /// `YYYY-MM`, e.g. `2026-11`.
    pub fn parse_month(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || format!("月份“{s}”无效：请按 YYYY-MM 写，如 2026-11");
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || !digits(y) || !(1..=2).contains(&m.len()) || !digits(m) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("月份“{s}”无效：月份应为 01 至 12，如 2026-11"));
        }
        if !YEARS.contains(&year) {
            return Err(format!("月份“{s}”无效：年份应在 1970 至 9998 之间"));
        }
        Ok(Self {
            year,
            month: Some(month),
        })
    }

    /// `YYYY`, e.g. `2026`.
    pub fn parse_year(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.len() != 4 || !digits(t) {
            return Err(format!("年份“{s}”无效：请写四位数的年份，如 2026"));
        }
        let year: i32 = t
            .parse()
            .map_err(|_| format!("年份“{s}”无效：请写四位数的年份，如 2026"))?;
        if !YEARS.contains(&year) {
            return Err(format!("年份“{s}”无效：年份应在 1970 至 9998 之间"));
        }
        Ok(Self { year, month: None })
    }

    /// The month (or, `yearly`, the year) `now` falls in.
    #[must_use]
    pub fn containing(now: NaiveDateTime, yearly: bool) -> Self {
        Self {
            year: now.year(),
            month: (!yearly).then(|| now.month()),
        }
    }

    fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), 1).unwrap_or_default()
    }

    /// The first moment of the period.
    #[must_use]
    pub fn from(&self) -> NaiveDateTime {
        self.first_day().and_time(chrono::NaiveTime::MIN)
    }

    /// The first moment after it.
    #[must_use]
    pub fn to(&self) -> NaiveDateTime {
        self.next().from()
    }

    /// As a report window (`from <= t < to`).
    #[must_use]
    pub fn window(&self) -> Window {
        Window {
            from: self.from(),
            to: self.to(),
        }
    }

    #[must_use]
    pub fn is_year(&self) -> bool {
        self.month.is_none()
    }

    /// The month or year before.
    #[must_use]
    pub fn previous(&self) -> Self {
        match self.month {
            Some(1) => Self {
                year: self.year - 1,
                month: Some(12),
            },
            Some(m) => Self {
                year: self.year,
                month: Some(m - 1),
            },
            None => Self {
                year: self.year - 1,
                month: None,
            },
        }
    }

    /// The month or year after.
    #[must_use]
    pub fn next(&self) -> Self {
        match self.month {
            Some(12) => Self {
                year: self.year + 1,
                month: Some(1),
            },
            Some(m) => Self {
                year: self.year,
                month: Some(m + 1),
            },
            None => Self {
                year: self.year + 1,
                month: None,
            },
        }
    }

    /// Month ↔ year: a month becomes its year; a year becomes the month of `now` if `now` is in
    /// it, else its January.
    #[must_use]
    pub fn toggled(&self, now: NaiveDateTime) -> Self {
        match self.month {
            Some(_) => Self {
                year: self.year,
                month: None,
            },
            None if now.year() == self.year => Self::containing(now, false),
            None => Self {
                year: self.year,
                month: Some(1),
            },
        }
    }

    /// Not begun at `now`.
    #[must_use]
    pub fn is_future(&self, now: NaiveDateTime) -> bool {
        self.from() > now
    }

    /// "2026年11月" or "2026年".
    #[must_use]
    pub fn label(&self) -> String {
        match self.month {
            Some(m) => format!("{}年{m}月", self.year),
            None => format!("{}年", self.year),
        }
    }

    /// "2026-11" or "2026": how the command line writes it.
    #[must_use]
    pub fn code(&self) -> String {
        match self.month {
            Some(m) => format!("{}-{m:02}", self.year),
            None => self.year.to_string(),
        }
    }

    /// 本月 / 本年.
    fn unit(&self) -> &'static str {
        if self.is_year() { "本年" } else { "本月" }
    }
}

/// Log entries with the same kind, category, triage, officer and delay (whole minutes from
/// 发生时间 to 记录时间), as the store counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryGroup {
    pub kind: String,
    pub category: String,
    pub triage: String,
    pub officer: String,
    pub delay_minutes: i64,
    pub count: u32,
}

/// Visits entered in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitFigures {
    pub visits: u32,
    pub people: u32,
    /// Visits matched to an earlier one.
    pub repeat_visits: u32,
    pub petition_visits: u32,
    pub petition_people: u32,
    /// 信访 of [`COLLECTIVE_THRESHOLD`] or more people.
    pub collective_visits: u32,
    pub collective_people: u32,
    pub petition_repeat_visits: u32,
}

impl VisitFigures {
    /// 个访: 信访 visits below the collective threshold.
    #[must_use]
    pub fn individual(&self) -> (u32, u32) {
        (
            self.petition_visits.saturating_sub(self.collective_visits),
            self.petition_people.saturating_sub(self.collective_people),
        )
    }
}

/// A 交办 whose 时限 falls in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFact {
    pub id: i64,
    pub due: NaiveDateTime,
    pub given_by: String,
    /// When the closing 反馈 says it was finished.
    pub done_at: Option<NaiveDateTime>,
}

/// Handovers an officer handed over (交班) in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFact {
    pub outgoing: String,
    pub handovers: u32,
    /// Items the signed handovers listed as open.
    pub items: u32,
}

/// What the store gathers for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsData {
    pub period: Period,
    pub entries: Vec<EntryGroup>,
    /// Events received in the period or shortly before it (a deadline may fall in it), oldest
    /// first.
    pub events: Vec<ReportEvent>,
    pub visits: VisitFigures,
    /// 交办 given in the period, per officer who recorded them.
    pub tasks_given: Vec<(String, u32)>,
    /// 交办 whose 时限 falls in the period.
    pub tasks_due: Vec<TaskFact>,
    pub handovers: Vec<HandoverFact>,
}

impl StatsData {
    #[must_use]
    pub fn empty(period: Period) -> Self {
        Self {
            period,
            entries: Vec::new(),
            events: Vec::new(),
            visits: VisitFigures::default(),
            tasks_given: Vec::new(),
            tasks_due: Vec::new(),
            handovers: Vec::new(),
        }
    }
}

/// A median in half minutes (the mean of two whole minutes may end in .5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Median {
    pub half_minutes: u64,
}

impl Median {
    /// "3 分", "2.5 分".
    #[must_use]
    pub fn text(&self) -> String {
        format!("{} 分", self.number())
    }

    /// "3", "2.5".
    #[must_use]
    pub fn number(&self) -> String {
        let whole = self.half_minutes / 2;
        if self.half_minutes.is_multiple_of(2) {
            whole.to_string()
        } else {
            format!("{whole}.5")
        }
    }
}

/// The median of a histogram of whole minutes (`(minutes, count)`, any order); `None` when empty.
#[must_use]
pub fn median(histogram: &[(u64, u32)]) -> Option<Median> {
    let mut h: Vec<(u64, u64)> = histogram
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(m, n)| (*m, u64::from(*n)))
        .collect();
    h.sort_unstable();
    let total: u64 = h.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The values at 0-based positions (total-1)/2 and total/2: the same one for an odd count.
    let at = |pos: u64| {
        let mut seen = 0;
        for (m, n) in &h {
            seen += n;
            if pos < seen {
                return *m;
            }
        }
        h.last().map_or(0, |(m, _)| *m)
    };
    Some(Median {
        half_minutes: at((total - 1) / 2) + at(total / 2),
    })
}

/// One recipient's first reports in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRate {
    pub recipient: String,
    pub phone: OnTimeRate,
    /// `None`: this recipient takes a phone report only.
    pub written: Option<OnTimeRate>,
}

/// One officer's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficerLine {
    pub name: String,
    pub entries: u32,
    /// 发生时间 → 记录时间 of their entries.
    pub median: Option<Median>,
    /// 交班 in the period, and the open items those handovers listed.
    pub handovers: u32,
    pub items_left: u32,
    /// First-report deadlines in the period missed or late on events they recorded.
    pub reports_overdue: u32,
    /// 交办 they gave whose 时限 in the period passed before it was finished.
    pub tasks_overdue: u32,
    pub tasks_given: u32,
}

impl OfficerLine {
    #[must_use]
    pub fn overdue(&self) -> u32 {
        self.reports_overdue + self.tasks_overdue
    }
}

/// The period's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub period: Period,
    pub generated_at: NaiveDateTime,
    /// The end of the period, or `generated_at` if that came first.
    pub as_of: NaiveDateTime,
    /// Every kind, in the order of the form, zeros included.
    pub kinds: Vec<(EntryKind, u32)>,
    /// By count, most first (`""`: 未分类).
    pub categories: Vec<(String, u32)>,
    /// Every triage, zeros included.
    pub triage: Vec<(Triage, u32)>,
    /// Events received in the period by level (as known now), zeros included.
    pub levels: Vec<(Level, u32)>,
    pub recipients: Vec<RecipientRate>,
    pub visits: VisitFigures,
    pub tasks_given: u32,
    /// 交办 whose 时限 fell in the period: 按时办结 (on time), 逾期办结 (late), 超期未办结 (missed).
    pub tasks: OnTimeRate,
    /// Most entries first.
    pub officers: Vec<OfficerLine>,
}

fn slot<'a>(officers: &'a mut BTreeMap<String, OfficerLine>, name: &str) -> &'a mut OfficerLine {
    officers.entry(name.to_string()).or_insert_with(|| OfficerLine {
        name: name.to_string(),
        ..OfficerLine::default()
    })
}

/// Builds the figures from what the store gathered; `now` is when they are made.
#[must_use]
pub fn build(data: &StatsData, now: NaiveDateTime) -> Stats {
    let period = data.period;
    let window = period.window();
    let as_of = now.min(window.to);
    let mut officers: BTreeMap<String, OfficerLine> = BTreeMap::new();

    let mut kinds: Vec<(EntryKind, u32)> = EntryKind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut triage: Vec<(Triage, u32)> = Triage::ALL.iter().map(|t| (*t, 0)).collect();
    let mut categories: BTreeMap<String, u32> = BTreeMap::new();
    let mut delays: BTreeMap<String, BTreeMap<u64, u32>> = BTreeMap::new();
    for g in &data.entries {
        // A kind or triage this build does not know is counted under 其他 / 一般 rather than lost.
        let k = EntryKind::parse(&g.kind).unwrap_or(EntryKind::Other);
        if let Some(slot) = kinds.iter_mut().find(|(x, _)| *x == k) {
            slot.1 += g.count;
        }
        let t = Triage::parse(&g.triage).unwrap_or(Triage::Routine);
        if let Some(slot) = triage.iter_mut().find(|(x, _)| *x == t) {
            slot.1 += g.count;
        }
        *categories.entry(g.category.trim().to_string()).or_default() += g.count;
        slot(&mut officers, &g.officer).entries += g.count;
        *delays
            .entry(g.officer.clone())
            .or_default()
            .entry(u64::try_from(g.delay_minutes.max(0)).unwrap_or(0))
            .or_default() += g.count;
    }
    for (name, h) in &delays {
        let h: Vec<(u64, u32)> = h.iter().map(|(m, n)| (*m, *n)).collect();
        slot(&mut officers, name).median = median(&h);
    }
    let mut categories: Vec<(String, u32)> = categories.into_iter().collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let mut levels: Vec<(Level, u32)> = Level::ALL.iter().map(|l| (*l, 0)).collect();
    let mut recipients: Vec<RecipientRate> = Vec::new();
    for re in &data.events {
        let e = &re.event;
        if e.record.received_at >= window.to {
            continue;
        }
        if window.contains(e.record.received_at)
            && let Some(slot) = levels.iter_mut().find(|(l, _)| *l == e.facts.level)
        {
            slot.1 += 1;
        }
        for c in &e.clocks {
            let who = &c.setting.recipient;
            let phone = FirstReport::new(
                c.setting.phone_due,
                re.first_sent(who, Channel::Phone, as_of),
                as_of,
                &window,
            );
            let written = c
                .setting
                .written_due
                .map(|due| FirstReport::new(due, re.first_sent(who, Channel::Written, as_of), as_of, &window));
            if !phone.counted && !written.is_some_and(|w| w.counted) {
                continue;
            }
            let i = if let Some(i) = recipients.iter().position(|r| &r.recipient == who) {
                i
            } else {
                recipients.push(RecipientRate {
                    recipient: who.clone(),
                    phone: OnTimeRate::default(),
                    written: None,
                });
                recipients.len() - 1
            };
            let r = &mut recipients[i];
            r.phone.add(&phone);
            if let Some(w) = &written {
                r.written.get_or_insert_with(OnTimeRate::default).add(w);
            }
            let overrun = |f: &FirstReport| {
                f.counted && matches!(f.outcome, Punctuality::Late { .. } | Punctuality::Missed { .. })
            };
            let n = u32::from(overrun(&phone)) + u32::from(written.as_ref().is_some_and(overrun));
            if n > 0 {
                slot(&mut officers, &e.record.created_by).reports_overdue += n;
            }
        }
    }

    let mut tasks = OnTimeRate::default();
    for t in &data.tasks_due {
        let done = t.done_at.filter(|d| *d <= as_of);
        let f = FirstReport::new(t.due, done, as_of, &window);
        tasks.add(&f);
        if f.counted && matches!(f.outcome, Punctuality::Late { .. } | Punctuality::Missed { .. }) {
            slot(&mut officers, &t.given_by).tasks_overdue += 1;
        }
    }
    let mut tasks_given = 0;
    for (name, n) in &data.tasks_given {
        tasks_given += n;
        slot(&mut officers, name).tasks_given += n;
    }
    for h in &data.handovers {
        let o = slot(&mut officers, &h.outgoing);
        o.handovers += h.handovers;
        o.items_left += h.items;
    }
    let mut officers: Vec<OfficerLine> = officers.into_values().collect();
    officers.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| a.name.cmp(&b.name)));

    Stats {
        period,
        generated_at: now,
        as_of,
        kinds,
        categories,
        triage,
        levels,
        recipients,
        visits: data.visits,
        tasks_given,
        tasks,
        officers,
    }
}

fn category_label(c: &str) -> String {
    if c.is_empty() {
        "未分类".into()
    } else {
        sanitize(c, false)
    }
}

fn joined<T>(items: &[(T, u32)], label: impl Fn(&T) -> String) -> String {
    items
        .iter()
        .map(|(x, n)| format!("{} {n}", label(x)))
        .collect::<Vec<_>>()
        .join("、")
}

/// "7/10（70.0%）：按时办结 7，逾期办结 2，超期未办结 1；另有 1 项未到时限".
fn task_rate_text(r: &OnTimeRate) -> String {
    let pending = if r.pending > 0 {
        format!("；另有 {} 项未到时限", r.pending)
    } else {
        String::new()
    };
    if r.decided() == 0 {
        return format!("本期无到期的交办时限{pending}");
    }
    format!(
        "{}/{}（{}）：按时办结 {}，逾期办结 {}，超期未办结 {}{pending}",
        r.on_time,
        r.decided(),
        r.percent(),
        r.on_time,
        r.late,
        r.missed
    )
}

/// "2/3（66.7%）：按时 2，迟报 1，未报 0" or "无到期时限".
fn report_rate_text(r: &OnTimeRate) -> String {
    if r.decided() == 0 && r.pending == 0 {
        return "本期无到期时限".into();
    }
    r.describe()
}

impl Stats {
    #[must_use]
    pub fn total_entries(&self) -> u32 {
        self.kinds.iter().map(|(_, n)| n).sum()
    }

    #[must_use]
    pub fn total_events(&self) -> u32 {
        self.levels.iter().map(|(_, n)| n).sum()
    }

    /// Made before the period ended.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        self.generated_at < self.period.to()
    }

    /// "2026-11-01 00:00 至 2026-12-01 00:00".
    fn window_text(&self) -> String {
        format!(
            "{} 至 {}",
            format_minute(self.period.from()),
            format_minute(self.period.to())
        )
    }

    fn as_of_note(&self) -> String {
        if self.is_partial() {
            format!("（截至 {}，{}尚未结束）", format_minute(self.as_of), self.period.unit())
        } else {
            String::new()
        }
    }

    fn title(&self, office: &str) -> String {
        format!("{} 值班统计（{}）", sanitize(office, false), self.period.label())
    }

    fn kinds_text(&self) -> String {
        format!(
            "值班记录共 {} 件。按类型：{}",
            self.total_entries(),
            joined(&self.kinds, |k| k.label().to_string())
        )
    }

    fn categories_text(&self) -> String {
        if self.categories.is_empty() {
            return "按分类：无".into();
        }
        format!("按分类：{}", joined(&self.categories, |c| category_label(c)))
    }

    fn triage_text(&self) -> String {
        format!("按分级：{}", joined(&self.triage, |t| t.label().to_string()))
    }

    fn levels_text(&self) -> String {
        format!(
            "接报紧急事件 {} 件：{}",
            self.total_events(),
            joined(&self.levels, |l| l.label().to_string())
        )
    }

    /// "报上级总值班室：电话 2/3（66.7%）…；书面 …".
    fn recipient_lines(&self) -> Vec<String> {
        if self.recipients.is_empty() {
            return vec!["初报按时率：本期无到期的初报时限".into()];
        }
        std::iter::once("初报按时率（时限在本期内的，按报送对象）：".to_string())
            .chain(self.recipients.iter().map(|r| {
                let written = r
                    .written
                    .map(|w| format!("；书面 {}", report_rate_text(&w)))
                    .unwrap_or_default();
                format!(
                    "报{}：电话 {}{written}",
                    sanitize(&r.recipient, false),
                    report_rate_text(&r.phone)
                )
            }))
            .collect()
    }

    fn visits_lines(&self) -> Vec<String> {
        let v = &self.visits;
        let (iv, ip) = v.individual();
        vec![
            format!(
                "来访登记 {} 批 {} 人，其中重访 {} 批",
                v.visits, v.people, v.repeat_visits
            ),
            format!(
                "信访 {} 批 {} 人：个访 {iv} 批 {ip} 人，集体访（{} 人以上）{} 批 {} 人；信访重访 {} 批",
                v.petition_visits,
                v.petition_people,
                COLLECTIVE_THRESHOLD,
                v.collective_visits,
                v.collective_people,
                v.petition_repeat_visits
            ),
        ]
    }

    fn tasks_lines(&self) -> Vec<String> {
        vec![
            format!("本期交办 {} 项", self.tasks_given),
            format!("按时办结率：{}", task_rate_text(&self.tasks)),
        ]
    }

    /// "张三：记录 300 件，接报至登记中位数 2 分；交班 15 次，移交未办结 20 项；超期 2 项（…）".
    fn officer_line(o: &OfficerLine) -> String {
        let median = o.median.map_or_else(|| "—".to_string(), |m| m.text());
        format!(
            "{}：记录 {} 件，接报至登记中位数 {median}；交班 {} 次，移交未办结事项 {} 项；交办 {} 项；超期 {} 项（初报迟报或未报 {}，交办超期 {}）",
            sanitize(&o.name, false),
            o.entries,
            o.handovers,
            o.items_left,
            o.tasks_given,
            o.overdue(),
            o.reports_overdue,
            o.tasks_overdue
        )
    }

    /// Plain text, for the terminal and for pasting into a message.
    #[must_use]
    pub fn to_text(&self, office: &str) -> String {
        let mut s = String::new();
        s.push_str(&self.title(office));
        s.push('\n');
        s.push_str(&format!("时段：{}{}\n", self.window_text(), self.as_of_note()));
        s.push_str(&format!("生成时间：{}\n\n", format_minute(self.generated_at)));
        s.push_str("一、值班记录\n");
        for line in [self.kinds_text(), self.categories_text(), self.triage_text()] {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\n二、紧急事件\n");
        s.push_str(&self.levels_text());
        s.push('\n');
        for line in self.recipient_lines() {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\n三、来访\n");
        for line in self.visits_lines() {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\n四、交办\n");
        for line in self.tasks_lines() {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\n五、值班人员（考核）\n");
        if self.officers.is_empty() {
            s.push_str("无。\n");
        }
        for o in &self.officers {
            s.push_str(&Self::officer_line(o));
            s.push('\n');
        }
        s.push_str("\n制表：____________　　审核：____________\n");
        s
    }

    /// Markdown, for printing and for the archive.
    #[must_use]
    pub fn to_markdown(&self, office: &str) -> String {
        let md = md_inline;
        let mut s = String::new();
        s.push_str(&format!("# {}\n\n", md(&self.title(office))));
        s.push_str(&format!("- 时段：{}{}\n", self.window_text(), self.as_of_note()));
        s.push_str(&format!("- 生成时间：{}\n\n", format_minute(self.generated_at)));
        s.push_str("## 一、值班记录\n\n| 类型 | 件数 |\n|---|---:|\n");
        for (k, n) in &self.kinds {
            s.push_str(&format!("| {} | {n} |\n", k.label()));
        }
        s.push_str(&format!("| 合计 | {} |\n\n", self.total_entries()));
        s.push_str("| 分类 | 件数 |\n|---|---:|\n");
        for (c, n) in &self.categories {
            s.push_str(&format!("| {} | {n} |\n", md(&category_label(c))));
        }
        s.push_str("\n| 分级 | 件数 |\n|---|---:|\n");
        for (t, n) in &self.triage {
            s.push_str(&format!("| {} | {n} |\n", t.label()));
        }
        s.push_str("\n## 二、紧急事件\n\n");
        s.push_str(&format!("{}\n\n", self.levels_text()));
        if self.recipients.is_empty() {
            s.push_str("初报按时率：本期无到期的初报时限\n");
        } else {
            s.push_str("| 报送对象 | 电话初报按时率 | 书面初报按时率 |\n|---|---|---|\n");
            for r in &self.recipients {
                s.push_str(&format!(
                    "| {} | {} | {} |\n",
                    md(&r.recipient),
                    report_rate_text(&r.phone),
                    r.written
                        .map_or_else(|| "（只报电话）".into(), |w| report_rate_text(&w))
                ));
            }
        }
        s.push_str("\n## 三、来访\n\n");
        for line in self.visits_lines() {
            s.push_str(&format!("- {line}\n"));
        }
        s.push_str("\n## 四、交办\n\n");
        for line in self.tasks_lines() {
            s.push_str(&format!("- {line}\n"));
        }
        s.push_str("\n## 五、值班人员（考核）\n\n");
        if self.officers.is_empty() {
            s.push_str("无。\n");
        } else {
            s.push_str(
                "| 值班人员 | 记录（件） | 接报至登记中位数 | 交班（次） | 移交未办结事项 | 交办 | 初报迟报或未报 | 交办超期 |\n\
                 |---|---:|---:|---:|---:|---:|---:|---:|\n",
            );
            for o in &self.officers {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    md(&o.name),
                    o.entries,
                    o.median.map_or_else(|| "—".to_string(), |m| m.text()),
                    o.handovers,
                    o.items_left,
                    o.tasks_given,
                    o.reports_overdue,
                    o.tasks_overdue
                ));
            }
        }
        s.push_str("\n制表：____________　　审核：____________\n");
        s
    }

    /// CSV (UTF-8 with a BOM): one flat table, columns 栏目, 项目, 数量, 比率/中位数, 说明. Sections,
    /// in order: 概况, 值班记录, 分类, 分级, 紧急事件, 初报按时率, 来访, 交办, 值班人员 (one row each:
    /// 数量 the entries, 比率/中位数 the median minutes, 说明 the rest). Text cells that would start
    /// a spreadsheet formula get a leading `'`.
    #[must_use]
    pub fn to_csv(&self, office: &str) -> Vec<u8> {
        let row = |a: &str, b: &str, c: &str, d: &str, e: &str| [a, b, c, d, e].map(String::from);
        let mut rows: Vec<[String; 5]> = vec![
            row("栏目", "项目", "数量", "比率/中位数", "说明"),
            row("概况", "单位", "", "", office),
            row("概况", "时段", "", "", &self.period.label()),
            row(
                "概况",
                "起止",
                "",
                "",
                &format!("{}{}", self.window_text(), self.as_of_note()),
            ),
            row("概况", "生成时间", "", "", &format_minute(self.generated_at)),
        ];
        for (k, n) in &self.kinds {
            rows.push(row("值班记录", k.label(), &n.to_string(), "", ""));
        }
        rows.push(row("值班记录", "合计", &self.total_entries().to_string(), "", ""));
        for (c, n) in &self.categories {
            rows.push(row("分类", &category_label(c), &n.to_string(), "", ""));
        }
        for (t, n) in &self.triage {
            rows.push(row("分级", t.label(), &n.to_string(), "", ""));
        }
        for (l, n) in &self.levels {
            rows.push(row("紧急事件", l.label(), &n.to_string(), "", ""));
        }
        rows.push(row("紧急事件", "合计", &self.total_events().to_string(), "", ""));
        for r in &self.recipients {
            let mut push = |channel: &str, rate: &OnTimeRate| {
                rows.push(row(
                    "初报按时率",
                    &format!("{} {channel}", r.recipient),
                    &rate.decided().to_string(),
                    &rate.percent(),
                    &report_rate_text(rate),
                ));
            };
            push("电话", &r.phone);
            if let Some(w) = &r.written {
                push("书面", w);
            }
        }
        let v = &self.visits;
        let (iv, ip) = v.individual();
        for (what, n) in [
            ("来访（批）", v.visits),
            ("来访（人）", v.people),
            ("重访（批）", v.repeat_visits),
            ("信访（批）", v.petition_visits),
            ("信访（人）", v.petition_people),
            ("个访（批）", iv),
            ("个访（人）", ip),
            ("集体访（批）", v.collective_visits),
            ("集体访（人）", v.collective_people),
            ("信访重访（批）", v.petition_repeat_visits),
        ] {
            rows.push(row("来访", what, &n.to_string(), "", ""));
        }
        rows.push(row("交办", "交办（项）", &self.tasks_given.to_string(), "", ""));
        rows.push(row(
            "交办",
            "按时办结率",
            &self.tasks.decided().to_string(),
            &self.tasks.percent(),
            &task_rate_text(&self.tasks),
        ));
        for o in &self.officers {
            rows.push(row(
                "值班人员",
                &o.name,
                &o.entries.to_string(),
                &o.median.map(|m| m.number()).unwrap_or_default(),
                &format!(
                    "交班 {} 次；移交未办结事项 {} 项；交办 {} 项；初报迟报或未报 {}；交办超期 {}",
                    o.handovers, o.items_left, o.tasks_given, o.reports_overdue, o.tasks_overdue
                ),
            ));
        }
        csv_document(rows.iter().map(|r| r.iter().map(|c| spreadsheet_safe(c))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_period_is_parsed_with_clear_chinese_errors() {
        let m = Period::parse_month("2026-11").unwrap();
        assert_eq!((m.from(), m.to()), (at("2026-11-01 00:00"), at("2026-12-01 00:00")));
        assert_eq!(m.label(), "2026年11月");
        assert_eq!(m.code(), "2026-11");
        assert_eq!(Period::parse_month(" 2026-3 ").unwrap().code(), "2026-03");
        let y = Period::parse_year("2025").unwrap();
        assert_eq!((y.from(), y.to()), (at("2025-01-01 00:00"), at("2026-01-01 00:00")));
        assert_eq!(y.label(), "2025年");
        for bad in ["2026-13", "2026-00"] {
            let e = Period::parse_month(bad).unwrap_err();
            assert!(e.contains("01 至 12"), "{e}");
        }
        for bad in ["2026/11", "26-11", "2026-11-01", "", "二〇二六-11", "2026-1a"] {
            let e = Period::parse_month(bad).unwrap_err();
            assert!(e.contains("YYYY-MM"), "{bad}: {e}");
        }
        for bad in ["26", "2026-11", "abcd", "0000"] {
            assert!(Period::parse_year(bad).is_err(), "{bad}");
        }
        assert!(Period::parse_year("20x6").unwrap_err().contains("四位数"));
    }

    #[test]
    fn months_and_years_step_and_toggle() {
        let dec = Period::parse_month("2025-12").unwrap();
        assert_eq!(dec.next().code(), "2026-01");
        assert_eq!(dec.next().previous(), dec);
        assert_eq!(Period::parse_month("2026-01").unwrap().previous().code(), "2025-12");
        assert_eq!(Period::parse_year("2025").unwrap().next().code(), "2026");
        let now = at("2026-11-23 10:00");
        assert_eq!(Period::containing(now, false).code(), "2026-11");
        assert_eq!(Period::containing(now, true).code(), "2026");
        assert_eq!(dec.toggled(now).code(), "2025");
        assert_eq!(Period::parse_year("2026").unwrap().toggled(now).code(), "2026-11");
        assert_eq!(Period::parse_year("2024").unwrap().toggled(now).code(), "2024-01");
        assert!(Period::parse_month("2026-12").unwrap().is_future(now));
        assert!(!Period::parse_month("2026-11").unwrap().is_future(now));
    }

    #[test]
    fn medians_come_from_a_histogram_of_whole_minutes() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(3, 0)]), None);
        assert_eq!(median(&[(5, 1)]).unwrap().text(), "5 分");
        // 1, 2, 2, 9: the two middle values are 2 and 2.
        assert_eq!(median(&[(9, 1), (2, 2), (1, 1)]).unwrap().text(), "2 分");
        // 1, 4: their mean.
        assert_eq!(median(&[(4, 1), (1, 1)]).unwrap().text(), "2.5 分");
        // 0 ×3, 10 ×2: the third of five.
        assert_eq!(median(&[(10, 2), (0, 3)]).unwrap().number(), "0");
    }

    fn group(kind: &str, category: &str, triage: &str, officer: &str, delay: i64, count: u32) -> EntryGroup {
        EntryGroup {
            kind: kind.into(),
            category: category.into(),
            triage: triage.into(),
            officer: officer.into(),
            delay_minutes: delay,
            count,
        }
    }

    fn sample() -> StatsData {
        StatsData {
            entries: vec![
                group("来电", "防汛抗旱", "急办", "张三", 2, 3),
                group("来电", "", "一般", "张三", 10, 1),
                group("去电", "防汛抗旱", "请示", "李四", 1, 1),
                group("传真", "安全生产", "一般", "李四", 4, 1),
                group("某新类型", "", "某新分级", "李四", -3, 1),
            ],
            visits: VisitFigures {
                visits: 10,
                people: 30,
                repeat_visits: 4,
                petition_visits: 3,
                petition_people: 12,
                collective_visits: 1,
                collective_people: 9,
                petition_repeat_visits: 1,
            },
            tasks_given: vec![("张三".into(), 2), ("李四".into(), 1)],
            tasks_due: vec![
                TaskFact {
                    id: 1,
                    due: at("2026-11-10 17:00"),
                    given_by: "张三".into(),
                    done_at: Some(at("2026-11-10 16:00")),
                },
                TaskFact {
                    id: 2,
                    due: at("2026-11-11 17:00"),
                    given_by: "张三".into(),
                    done_at: Some(at("2026-11-12 09:00")),
                },
                TaskFact {
                    id: 3,
                    due: at("2026-11-12 17:00"),
                    given_by: "李四".into(),
                    done_at: None,
                },
                TaskFact {
                    id: 4,
                    due: at("2026-11-29 17:00"),
                    given_by: "李四".into(),
                    done_at: None,
                },
            ],
            handovers: vec![HandoverFact {
                outgoing: "张三".into(),
                handovers: 2,
                items: 5,
            }],
            ..StatsData::empty(Period::parse_month("2026-11").unwrap())
        }
    }

    #[test]
    fn the_figures_are_counted_from_the_facts() {
        let s = build(&sample(), at("2026-11-23 10:00"));
        assert_eq!(s.total_entries(), 7);
        assert_eq!(s.kinds[0], (EntryKind::IncomingCall, 4));
        assert!(
            s.kinds.contains(&(EntryKind::Other, 1)),
            "an unknown kind counts as 其他"
        );
        assert_eq!(s.categories[0], ("防汛抗旱".to_string(), 4));
        assert!(s.categories.contains(&(String::new(), 2)));
        assert!(s.triage.contains(&(Triage::Routine, 3)));
        assert_eq!(s.tasks_given, 3);
        assert_eq!(
            (s.tasks.on_time, s.tasks.late, s.tasks.missed, s.tasks.pending),
            (1, 1, 1, 1),
            "as of 11-23 the 11-29 deadline is still ahead"
        );
        assert_eq!(s.tasks.percent(), "33.3%");
        let zhang = &s.officers[0];
        assert_eq!((zhang.name.as_str(), zhang.entries), ("张三", 4));
        assert_eq!(zhang.median.unwrap().text(), "2 分", "2, 2, 2, 10");
        assert_eq!((zhang.handovers, zhang.items_left, zhang.tasks_overdue), (2, 5, 1));
        let li = &s.officers[1];
        assert_eq!(li.median.unwrap().text(), "1 分", "0 (recorded before its time), 1, 4");
        assert_eq!(li.tasks_overdue, 1);
        assert!(s.is_partial());
        // At the end of the month the last one is missed too.
        let later = build(&sample(), at("2026-12-05 10:00"));
        assert_eq!(later.as_of, at("2026-12-01 00:00"));
        assert_eq!(later.tasks.missed, 2);
        assert!(!later.is_partial());
    }

    #[test]
    fn text_markdown_and_csv_say_the_same_figures() {
        let s = build(&sample(), at("2026-11-23 10:00"));
        let text = s.to_text("测试县人民政府办公室");
        assert!(
            text.starts_with("测试县人民政府办公室 值班统计（2026年11月）\n"),
            "{text}"
        );
        assert!(text.contains("截至 2026-11-23 10:00，本月尚未结束"), "{text}");
        assert!(
            text.contains("值班记录共 7 件。按类型：来电 4、去电 1、传真 1"),
            "{text}"
        );
        assert!(text.contains("按分类：防汛抗旱 4、未分类 2、安全生产 1"), "{text}");
        assert!(
            text.contains("信访 3 批 12 人：个访 2 批 3 人，集体访（5 人以上）1 批 9 人；信访重访 1 批"),
            "{text}"
        );
        assert!(
            text.contains("按时办结率：1/3（33.3%）：按时办结 1，逾期办结 1，超期未办结 1；另有 1 项未到时限"),
            "{text}"
        );
        assert!(
            text.contains("张三：记录 4 件，接报至登记中位数 2 分；交班 2 次，移交未办结事项 5 项"),
            "{text}"
        );
        assert!(text.contains("初报按时率：本期无到期的初报时限"), "{text}");
        let md = s.to_markdown("测试县|办");
        assert!(md.starts_with("# 测试县\\|办 值班统计"), "{md}");
        assert!(md.contains("| 张三 | 4 | 2 分 | 2 | 5 | 2 | 0 | 1 |"), "{md}");
        let csv = s.to_csv("=县办");
        assert!(csv.starts_with(crate::core::csv::BOM));
        let body = String::from_utf8(csv[crate::core::csv::BOM.len()..].to_vec()).unwrap();
        assert!(body.contains("概况,单位,,,'=县办"), "{body}");
        assert!(body.contains("值班人员,张三,4,2,交班 2 次"), "{body}");
        assert!(body.contains("交办,按时办结率,3,33.3%,"), "{body}");
    }
}
