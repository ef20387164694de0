//! 排班管理 — running the roster (issue 19, item 3; 003:157, 003:161, 001:128).
//!
//! A month's roster is kept in the database as numbered versions. A version is drafted (from the
//! configured rotation, from a CSV file, or by changing one shift of the latest version), approved
//! by a confirmed leader with their PIN, then published; the latest published version is the
//! roster in force for the shifts starting that month, over imported shifts and the rotation.
//! Nothing is edited: a change after approval is a new version that is approved and published
//! again, and a change after publication can also be an approved swap (调班).
//!
//! "行政股每月月底前将下月值班表印发" (003:157): from `[roster] publish_remind_day` a reminder runs
//! until next month's roster is published. "严禁脱岗、漏岗" (003:161): each shift is signed on
//! (the incoming officer's handover signature, or 到岗 with their PIN), and a shift nobody signed
//! on `signon_alert_minutes` after it began raises 漏岗. "节假日值班的，可安排补休" (001:128): the
//! days of 补休 owed per person follow from the shifts stood on holidays, less those taken.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::people::Person;
use super::roster::{Calendar, DayKind, GapReason, Rotation, Shift, ShiftSource, gaps};
use super::text::sanitize;
use super::validate::format_minute;

/// How long before a shift begins its officers may sign on (到岗) for it, and a handover signed
/// counts as its sign-on.
pub const SIGNON_EARLY_MINUTES: i64 = 60;

labelled_enum!(
    /// Where a version stands.
    PlanState {
        Draft => "草拟",
        Approved => "已批准",
        Published => "已发布",
    }
);

labelled_enum!(
    /// How an officer signed on for a shift.
    SignOnVia {
        Arrival => "到岗",
        Handover => "交接班签字",
    }
);

/// One version of a month's roster, with its approval and publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub id: i64,
    /// The first day of the month.
    pub month: NaiveDate,
    /// 1, 2, … within the month.
    pub version: i64,
    /// 轮值, the CSV file's name, or which shift was changed from which version.
    pub source: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// The approver (whose PIN signed it), who recorded it, and when.
    pub approved: Option<(String, String, NaiveDateTime)>,
    /// Who published it and when.
    pub published: Option<(String, NaiveDateTime)>,
}

impl PlanVersion {
    #[must_use]
    pub fn state(&self) -> PlanState {
        if self.published.is_some() {
            PlanState::Published
        } else if self.approved.is_some() {
            PlanState::Approved
        } else {
            PlanState::Draft
        }
    }

    /// "第2版 已批准（王五 12-05 14:00）".
    #[must_use]
    pub fn describe(&self) -> String {
        let when = match (&self.published, &self.approved) {
            (Some((by, at)), _) => format!("（{by} {}）", at.format("%m-%d %H:%M")),
            (None, Some((approver, _, at))) => format!("（{approver} {}）", at.format("%m-%d %H:%M")),
            (None, None) => format!("（{} {}）", self.created_by, self.created_at.format("%m-%d %H:%M")),
        };
        format!("第{}版 {}{when}", self.version, self.state().label())
    }
}

/// Every version of one month, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthPlan {
    pub month: Option<NaiveDate>,
    pub versions: Vec<PlanVersion>,
}

impl MonthPlan {
    #[must_use]
    pub fn latest(&self) -> Option<&PlanVersion> {
        self.versions.last()
    }

    /// The version in force: the latest published.
    #[must_use]
    pub fn in_force(&self) -> Option<&PlanVersion> {
        self.versions.iter().rev().find(|v| v.published.is_some())
    }

    /// "2027-01 排班：第2版 草拟（张三 12-05 10:00）；在用：第1版" — or that there is none.
    #[must_use]
    pub fn summary(&self) -> String {
        let month = self.month.map(month_label).unwrap_or_default();
        match (self.latest(), self.in_force()) {
            (None, _) => format!("{month} 排班：未编排（按轮值或导入的排班表）"),
            (Some(l), Some(f)) if l.id == f.id => format!("{month} 排班：{}", l.describe()),
            (Some(l), Some(f)) => format!("{month} 排班：{}；在用：第{}版", l.describe(), f.version),
            (Some(l), None) => format!("{month} 排班：{}；尚未发布", l.describe()),
        }
    }

    /// The version to approve: the latest, while it is a draft.
    pub fn to_approve(&self) -> Result<&PlanVersion, String> {
        let month = self.month.map(month_label).unwrap_or_default();
        match self.latest() {
            None => Err(format!(
                "{month} 还没有排班草稿：先按 d 按轮值生成草稿，或用 zhiban roster draft --csv 导入"
            )),
            Some(v) if v.state() == PlanState::Draft => Ok(v),
            Some(v) => Err(format!(
                "{month} 第{}版已经{}：要改动请先生成新的草稿（新版本须重新批准）",
                v.version,
                if v.state() == PlanState::Published {
                    "发布"
                } else {
                    "批准"
                }
            )),
        }
    }

    /// The version to publish: the latest, once approved and not yet published.
    pub fn to_publish(&self) -> Result<&PlanVersion, String> {
        let month = self.month.map(month_label).unwrap_or_default();
        match self.latest() {
            None => Err(format!("{month} 还没有排班：先生成草稿并经领导批准")),
            Some(v) => match v.state() {
                PlanState::Draft => Err(format!(
                    "{month} 第{}版还是草稿：须先经领导批准（排班表中按 a，或 zhiban roster approve）才能发布",
                    v.version
                )),
                PlanState::Approved => Ok(v),
                PlanState::Published => Err(format!("{month} 第{}版已经发布", v.version)),
            },
        }
    }
}

/// The first day of the month holding `d`.
#[must_use]
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The month after the one holding `d`.
#[must_use]
pub fn next_month(d: NaiveDate) -> NaiveDate {
    month_of(d).checked_add_months(chrono::Months::new(1)).unwrap_or(d)
}

/// "2027-01".
#[must_use]
pub fn month_label(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// `YYYY-MM` (also `YYYY/MM`, `YYYY年MM月`).
pub fn parse_month(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim().replace(['/', '年'], "-").replace('月', "");
    NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
        .map_err(|_| format!("月份“{}”无效：请写成 2027-01 的样子", sanitize(s.trim(), false)))
}

/// [first moment of the month, first moment of the next).
#[must_use]
pub fn month_span(month: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    (
        month_of(month).and_time(NaiveTime::MIN),
        next_month(month).and_time(NaiveTime::MIN),
    )
}

/// A draft from the rotation: its shifts starting in the month (nothing swapped, nothing
/// imported: the draft is what the rotation says, to be changed before approval).
#[must_use]
pub fn draft_from_rotation(rotation: &Rotation, calendar: &Calendar, month: NaiveDate) -> Vec<Shift> {
    let (from, to) = month_span(month);
    rotation
        .shifts(calendar, from, to)
        .into_iter()
        .filter(|s| s.start >= from && s.start < to)
        .collect()
}

/// Why a set of shifts cannot be a version of `month`: a shift starting outside the month, a
/// name not on the configured list, shifts that overlap. Each a sentence that says how to fix it.
#[must_use]
pub fn version_problems(shifts: &[Shift], month: NaiveDate, people: &[Person]) -> Vec<String> {
    let (from, to) = month_span(month);
    let label = month_label(month);
    let mut out = Vec::new();
    if shifts.is_empty() {
        out.push(format!("{label} 没有任何班次：请先配置轮值或在 CSV 中写出这个月的班次"));
    }
    for s in shifts {
        if s.start < from || s.start >= to {
            out.push(format!(
                "班次 {} 不是在 {label} 开始的：一个月的排班只含这个月开始的班次",
                format_minute(s.start)
            ));
        }
        for name in s.people() {
            if !people.iter().any(|p| p.name == name) {
                out.push(format!(
                    "班次 {} 的“{}”不在值班人员名单中：严禁外单位职工或亲属代值",
                    format_minute(s.start),
                    sanitize(name, false)
                ));
            }
        }
    }
    let mut sorted: Vec<&Shift> = shifts.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    for w in sorted.windows(2) {
        if w[1].start < w[0].end {
            out.push(format!(
                "班次 {} 与 {} 时间重叠：同一时段只能有一个班次",
                format_minute(w[0].start),
                format_minute(w[1].start)
            ));
        }
    }
    out
}

/// Why a version cannot be approved: the month is not covered from its first shift through the
/// month's end (无人值班), or a shift has no 主班.
#[must_use]
pub fn approval_problems(shifts: &[Shift], month: NaiveDate) -> Vec<String> {
    let (from, to) = month_span(month);
    let label = month_label(month);
    let mut out = Vec::new();
    let (Some(first), Some(last_end)) = (shifts.iter().map(|s| s.start).min(), shifts.iter().map(|s| s.end).max())
    else {
        return vec![format!("{label} 没有任何班次，不能批准")];
    };
    if first.date() != from.date() {
        out.push(format!(
            "第一个班次 {} 不在 1 日：{label} 月初无人值班",
            format_minute(first)
        ));
    }
    if last_end < to {
        out.push(format!(
            "最后一个班次到 {} 结束：{label} 月末无人值班",
            format_minute(last_end)
        ));
    }
    for g in gaps(shifts, first, last_end.min(to).max(first)) {
        out.push(match g.reason {
            GapReason::Uncovered => format!("{} 至 {} 无人值班", format_minute(g.from), format_minute(g.to)),
            GapReason::NoPrimary => format!("{} 的班次没有主班", format_minute(g.from)),
        });
    }
    out
}

/// The published shifts win over imported ones: an imported shift overlapping any published
/// shift is dropped. By start.
#[must_use]
pub fn over_imported(published: Vec<Shift>, imported: Vec<Shift>) -> Vec<Shift> {
    let mut out: Vec<Shift> = imported
        .into_iter()
        .filter(|i| !published.iter().any(|p| p.overlaps(i.start, i.end)))
        .collect();
    out.extend(published.into_iter().map(|s| Shift {
        source: ShiftSource::Published,
        ..s
    }));
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// The status line's reminder to publish next month's roster (003:157), from `remind_day` of the
/// month until it is published; an office that published an earlier month's roster is also
/// reminded, pressing, while the current month has none in force. `(whole, short, pressing)`.
#[must_use]
pub fn publish_reminder(
    now: NaiveDateTime,
    remind_day: u32,
    this_month: &MonthPlan,
    next: &MonthPlan,
    office_publishes: bool,
) -> Option<(String, String, bool)> {
    if remind_day == 0 {
        return None;
    }
    if office_publishes && this_month.in_force().is_none() {
        let label = month_label(month_of(now.date()));
        return Some((
            format!("本月（{label}）排班未发布：请尽快经领导批准后发布（r 打开排班表）"),
            "本月排班未发布".into(),
            true,
        ));
    }
    if now.day() < remind_day || next.in_force().is_some() {
        return None;
    }
    let label = month_label(next_month(now.date()));
    let stage = match next.latest() {
        None => "尚未编排".to_string(),
        Some(v) => format!("第{}版{}", v.version, v.state().label()),
    };
    Some((
        format!("下月（{label}）排班未发布：{stage}，请月底前经领导批准后发布（r 打开排班表）"),
        format!("下月排班未发布：{stage}"),
        false,
    ))
}

/// What the app reads of the running roster with the shifts (one store call, on the reader).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterRun {
    /// Explicit sign-ons of the shifts in the window.
    pub signons: Vec<SignOn>,
    /// Handovers signed in the window: (incoming, signed at).
    pub handover_signs: Vec<(String, NaiveDateTime)>,
    /// This month's and next month's versions (the publish reminder).
    pub this_month: MonthPlan,
    pub next_month: MonthPlan,
    /// The month the roster screen shows, and the shifts of its latest version when that is not
    /// the one in force (a draft or an approved version to look at before approving or publishing).
    pub shown: MonthPlan,
    pub shown_pending: Vec<Shift>,
    /// A roster of a month before this one was published here: the office runs its rosters
    /// this way, so this month without one is pressing (a first month is not).
    pub published_before: bool,
    /// Anyone ever signed on or signed a handover here: until then 漏岗 is not alerted.
    pub ever_signed_on: bool,
    /// What the SMS hook did for 漏岗 of the shifts in the window.
    pub sends: Vec<super::hook::SendLine>,
}

impl RosterRun {
    /// Every sign-on the shifts have: explicit ones and the handover signatures.
    #[must_use]
    pub fn all_signons(&self, shifts: &[Shift]) -> Vec<SignOn> {
        let mut out = self.signons.clone();
        out.extend(handover_signons(&self.handover_signs, shifts));
        out
    }

    /// 漏岗 at `now` among `shifts`, once the office signs on.
    #[must_use]
    pub fn missed<'a>(&self, shifts: &'a [Shift], now: NaiveDateTime, rules: &RosterRules) -> Option<&'a Shift> {
        if !self.ever_signed_on {
            return None;
        }
        missed_post(shifts, &self.all_signons(shifts), now, rules.signon_alert_after)
    }

    /// The publish reminder at `now`, if any (see [`publish_reminder`]).
    #[must_use]
    pub fn reminder(&self, now: NaiveDateTime, rules: &RosterRules) -> Option<(String, String, bool)> {
        publish_reminder(
            now,
            rules.publish_remind_day,
            &self.this_month,
            &self.next_month,
            self.published_before,
        )
    }
}

/// `[roster]`'s rules for running the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterRules {
    /// From this day of the month next month's roster is reminded until published; 0 never.
    pub publish_remind_day: u32,
    /// 漏岗 when nobody signed on this long after a shift began; zero never.
    pub signon_alert_after: Duration,
    pub comp: CompRule,
}

impl Default for RosterRules {
    fn default() -> Self {
        Self {
            publish_remind_day: 25,
            signon_alert_after: Duration::minutes(30),
            comp: CompRule::default(),
        }
    }
}

/// A sign-on: who began their duty on the shift starting at `shift_start`, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOn {
    pub shift_start: NaiveDateTime,
    pub person: String,
    pub at: NaiveDateTime,
    pub via: SignOnVia,
}

/// A signed handover as a sign-on: whoever signed as incoming at `signed_at` signed on for the
/// shift that `signed_at` falls in or that begins within [`SIGNON_EARLY_MINUTES`] of it.
#[must_use]
pub fn handover_signons(handovers: &[(String, NaiveDateTime)], shifts: &[Shift]) -> Vec<SignOn> {
    handovers
        .iter()
        .filter_map(|(incoming, at)| {
            let shift = signon_shift_at(shifts, *at)?;
            Some(SignOn {
                shift_start: shift.start,
                person: incoming.clone(),
                at: *at,
                via: SignOnVia::Handover,
            })
        })
        .collect()
}

/// The shift a sign-on at `at` is for: one starting within the early window, else the one on.
fn signon_shift_at(shifts: &[Shift], at: NaiveDateTime) -> Option<&Shift> {
    let early = Duration::minutes(SIGNON_EARLY_MINUTES);
    shifts
        .iter()
        .filter(|s| s.start > at && s.start - at <= early)
        .min_by_key(|s| s.start)
        .or_else(|| shifts.iter().filter(|s| s.contains(at)).max_by_key(|s| s.start))
}

/// The shift `person` signs on for at `now` with 到岗: the one beginning within the hour or the
/// one on, if they are on it (else the message says why not: 严禁代值).
pub fn arrival_shift<'a>(shifts: &'a [Shift], person: &str, now: NaiveDateTime) -> Result<&'a Shift, String> {
    let Some(shift) = signon_shift_at(shifts, now) else {
        return Err("此刻没有班次可签到岗：排班表上这段时间无人值班".into());
    };
    if !shift.has(person) {
        return Err(format!(
            "{} 不在 {} 开始的班次上（{}）：严禁代值；如已换班，请先登记调班再签到岗",
            sanitize(person, false),
            format_minute(shift.start),
            shift.people().collect::<Vec<_>>().join("、")
        ));
    }
    Ok(shift)
}

/// The first sign-on of a shift.
#[must_use]
pub fn signed_on<'a>(shift: &Shift, signons: &'a [SignOn]) -> Option<&'a SignOn> {
    signons
        .iter()
        .filter(|s| s.shift_start == shift.start)
        .min_by_key(|s| s.at)
}

/// 漏岗: the shift on at `now`, if nobody has signed on for it `after` its start (zero: off).
#[must_use]
pub fn missed_post<'a>(
    shifts: &'a [Shift],
    signons: &[SignOn],
    now: NaiveDateTime,
    after: Duration,
) -> Option<&'a Shift> {
    if after <= Duration::zero() {
        return None;
    }
    shifts
        .iter()
        .filter(|s| s.contains(now) && now >= s.start + after && !s.primary.is_empty())
        .find(|s| signed_on(s, signons).is_none())
}

/// "漏岗：12-05 08:30 的班次（主班 张三）开始已 45 分钟，无人签到岗".
#[must_use]
pub fn missed_post_text(shift: &Shift, now: NaiveDateTime) -> String {
    format!(
        "漏岗：{} 开始的班次（主班 {}）已过 {} 分钟，无人到岗签到",
        shift.start.format("%m-%d %H:%M"),
        shift.primary,
        (now - shift.start).num_minutes()
    )
}

/// 补休 taken (or credited against leave), recorded with who approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompTaken {
    pub id: i64,
    pub person: String,
    pub day: NaiveDate,
    /// In half days (1 = 半天).
    pub half_days: i64,
    pub approved_by: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub note: String,
}

/// How many half days of 补休 one holiday shift earns, by the kind of day it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompRule {
    pub holiday_half_days: i64,
    pub weekend_half_days: i64,
}

impl Default for CompRule {
    fn default() -> Self {
        Self {
            holiday_half_days: 2,
            weekend_half_days: 0,
        }
    }
}

/// One person's 补休 for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompBalance {
    pub person: String,
    /// Holiday (or weekend, as configured) shifts stood that ended before now.
    pub shifts: usize,
    pub earned_half_days: i64,
    pub taken_half_days: i64,
}

impl CompBalance {
    #[must_use]
    pub fn owed_half_days(&self) -> i64 {
        self.earned_half_days - self.taken_half_days
    }
}

/// "1.5 天".
#[must_use]
pub fn days_text(half_days: i64) -> String {
    let sign = if half_days < 0 { "-" } else { "" };
    let n = half_days.abs();
    if n % 2 == 0 {
        format!("{sign}{} 天", n / 2)
    } else {
        format!("{sign}{}.5 天", n / 2)
    }
}

/// `"1"`, `"0.5"`, `"1.5天"` as half days (positive, at most 30 days).
pub fn parse_days(s: &str) -> Result<i64, String> {
    let t = s.trim().trim_end_matches('天').trim();
    let bad = || {
        format!(
            "天数“{}”无效：请写 0.5、1、1.5 这样的半天的整数倍，最多 30",
            sanitize(s.trim(), false)
        )
    };
    let (whole, half) = match t.split_once('.') {
        None => (t, ""),
        Some((w, f)) => (w, f),
    };
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let half = match half {
        "" | "0" => 0,
        "5" => 1,
        _ => return Err(bad()),
    };
    let n = whole * 2 + half;
    if n <= 0 || n > 60 { Err(bad()) } else { Ok(n) }
}

/// 补休 per person for `year`: the shifts stood (after swaps) that start on a holiday (or a
/// weekend, when the rule gives weekends days) in that year and ended by `now`, against what was
/// taken that year. Everyone with either, by name.
#[must_use]
pub fn comp_balances(
    shifts: &[Shift],
    calendar: &Calendar,
    rule: CompRule,
    taken: &[CompTaken],
    year: i32,
    now: NaiveDateTime,
) -> Vec<CompBalance> {
    let mut by: BTreeMap<String, CompBalance> = BTreeMap::new();
    let entry = |by: &mut BTreeMap<String, CompBalance>, name: &str| {
        by.entry(name.to_string())
            .or_insert_with(|| CompBalance {
                person: name.to_string(),
                shifts: 0,
                earned_half_days: 0,
                taken_half_days: 0,
            })
            .clone()
    };
    for s in shifts.iter().filter(|s| s.start.year() == year && s.end <= now) {
        let earns = match calendar.day_kind(s.start.date()) {
            DayKind::Holiday => rule.holiday_half_days,
            DayKind::Weekend => rule.weekend_half_days,
            DayKind::Workday | DayKind::AdjustedWorkday => 0,
        };
        if earns == 0 {
            continue;
        }
        for name in s.people() {
            let mut b = entry(&mut by, name);
            b.shifts += 1;
            b.earned_half_days += earns;
            by.insert(name.to_string(), b);
        }
    }
    for t in taken.iter().filter(|t| t.day.year() == year) {
        let mut b = entry(&mut by, &t.person);
        b.taken_half_days += t.half_days;
        by.insert(t.person.clone(), b);
    }
    by.into_values().collect()
}

/// Checks a 补休 record: a configured person, an approver who is a configured leader, other than
/// the person (nobody approves their own leave).
pub fn check_comp(person: &str, approved_by: &str, people: &[Person]) -> Result<(), String> {
    if !people.iter().any(|p| p.name == person) {
        return Err(format!("“{}”不在值班人员名单中", sanitize(person, false)));
    }
    match people.iter().find(|p| p.name == approved_by) {
        None => Err(format!("批准人“{}”不在人员名单中", sanitize(approved_by, false))),
        Some(p) if !p.role.is_leader() => Err(format!("批准人 {} 不是领导：补休须经领导批准", p.name)),
        Some(p) if p.name == person => Err("不能批准自己的补休：请由另一位领导批准".into()),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::people::Role;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn shift(start: &str, end: &str, primary: &str, staff: &[&str]) -> Shift {
        Shift {
            start: at(start),
            end: at(end),
            leader: "王五".into(),
            primary: primary.into(),
            deputy: String::new(),
            staff: staff.iter().map(|s| (*s).to_string()).collect(),
            source: ShiftSource::Rotation,
            swaps: Vec::new(),
        }
    }

    fn people() -> Vec<Person> {
        [
            ("张三", Role::DutyOfficer),
            ("李四", Role::DutyOfficer),
            ("钱七", Role::DutyOfficer),
            ("王五", Role::DutyLeader),
            ("赵六", Role::DutyLeader),
        ]
        .into_iter()
        .map(|(n, role)| Person {
            name: n.into(),
            role,
            phone: String::new(),
        })
        .collect()
    }

    fn version(v: i64, approved: bool, published: bool) -> PlanVersion {
        PlanVersion {
            id: v,
            month: day("2027-01-01"),
            version: v,
            source: "轮值".into(),
            created_by: "张三".into(),
            created_at: at("2026-12-20 09:00"),
            approved: approved.then(|| ("王五".into(), "张三".into(), at("2026-12-21 09:00"))),
            published: published.then(|| ("张三".into(), at("2026-12-22 09:00"))),
        }
    }

    fn plan(versions: Vec<PlanVersion>) -> MonthPlan {
        MonthPlan {
            month: Some(day("2027-01-01")),
            versions,
        }
    }

    #[test]
    fn a_version_moves_draft_approved_published_and_only_the_latest_moves() {
        let p = plan(vec![version(1, false, false)]);
        assert_eq!(p.to_approve().unwrap().version, 1);
        assert!(p.to_publish().unwrap_err().contains("须先经领导批准"));
        let p = plan(vec![version(1, true, false)]);
        assert!(p.to_approve().unwrap_err().contains("第1版已经批准"));
        assert_eq!(p.to_publish().unwrap().version, 1);
        let p = plan(vec![version(1, true, true), version(2, false, false)]);
        assert_eq!(p.in_force().unwrap().version, 1, "the published version stays in force");
        assert!(p.to_publish().is_err(), "a newer draft cannot be published unapproved");
        assert!(p.summary().contains("在用：第1版"), "{}", p.summary());
        assert!(plan(vec![]).to_approve().is_err());
    }

    #[test]
    fn the_reminder_runs_from_the_configured_day_until_next_month_is_published() {
        let none = MonthPlan::default();
        let draft = plan(vec![version(1, false, false)]);
        let published = plan(vec![version(1, true, true)]);
        assert_eq!(
            publish_reminder(at("2026-12-19 23:59"), 20, &published, &none, false),
            None
        );
        let (whole, _, pressing) = publish_reminder(at("2026-12-20 00:00"), 20, &published, &none, false).unwrap();
        assert!(whole.contains("下月（2027-01）排班未发布：尚未编排"), "{whole}");
        assert!(!pressing);
        let (whole, _, _) = publish_reminder(at("2026-12-31 23:00"), 20, &published, &draft, false).unwrap();
        assert!(whole.contains("第1版草拟"), "{whole}");
        assert_eq!(
            publish_reminder(at("2026-12-25 08:00"), 20, &published, &published, true),
            None
        );
        assert_eq!(
            publish_reminder(at("2026-12-25 08:00"), 0, &published, &none, false),
            None,
            "0 = off"
        );
        // Into the new month unpublished: an office that publishes is reminded, pressing.
        let (whole, _, pressing) = publish_reminder(at("2027-01-02 08:00"), 20, &draft, &none, true).unwrap();
        assert!(whole.starts_with("本月（2027-01）排班未发布"), "{whole}");
        assert!(pressing);
    }

    #[test]
    fn approval_needs_the_month_covered_with_a_primary_on_every_shift() {
        let month = day("2027-01-01");
        let mut shifts: Vec<Shift> = (0..31)
            .map(|d| {
                let s = at("2027-01-01 08:30") + Duration::days(d);
                Shift {
                    start: s,
                    end: s + Duration::days(1),
                    ..shift("2027-01-01 08:30", "2027-01-02 08:30", "张三", &[])
                }
            })
            .collect();
        assert_eq!(approval_problems(&shifts, month), Vec::<String>::new());
        shifts[10].primary.clear();
        shifts.remove(20);
        let problems = approval_problems(&shifts, month);
        assert!(
            problems.iter().any(|p| p.contains("01-11 08:30 的班次没有主班")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("2027-01-21 08:30 至 2027-01-22 08:30 无人值班")),
            "{problems:?}"
        );
        shifts.pop();
        assert!(
            approval_problems(&shifts, month)
                .iter()
                .any(|p| p.contains("月末无人值班"))
        );
    }

    #[test]
    fn a_version_names_only_configured_people_and_shifts_of_its_month() {
        let month = day("2027-01-01");
        let ok = vec![shift("2027-01-01 08:30", "2027-01-02 08:30", "张三", &["钱七"])];
        assert!(version_problems(&ok, month, &people()).is_empty());
        let bad = vec![
            shift("2026-12-31 08:30", "2027-01-01 08:30", "张三", &[]),
            shift("2027-01-01 08:30", "2027-01-02 08:30", "张三", &["外单位老王"]),
        ];
        let p = version_problems(&bad, month, &people());
        assert!(p.iter().any(|m| m.contains("不是在 2027-01 开始的")), "{p:?}");
        assert!(
            p.iter().any(|m| m.contains("外单位老王") && m.contains("严禁")),
            "{p:?}"
        );
    }

    #[test]
    fn published_shifts_displace_imported_ones() {
        let published = vec![shift("2027-01-01 08:30", "2027-01-02 08:30", "张三", &[])];
        let imported = vec![
            shift("2026-12-31 08:30", "2027-01-01 08:30", "李四", &[]),
            shift("2027-01-01 08:30", "2027-01-02 08:30", "李四", &[]),
        ];
        let out = over_imported(published, imported);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].primary, "张三");
        assert_eq!(out[1].source, ShiftSource::Published);
        assert_eq!(out[0].primary, "李四", "the day before is not the published month's");
    }

    #[test]
    fn a_shift_nobody_signed_on_raises_missed_post_after_the_configured_minutes() {
        let shifts = vec![
            shift("2026-12-04 08:30", "2026-12-05 08:30", "李四", &[]),
            shift("2026-12-05 08:30", "2026-12-06 08:30", "张三", &["钱七"]),
        ];
        let after = Duration::minutes(30);
        assert!(
            missed_post(&shifts, &[], at("2026-12-05 08:59"), after).is_none(),
            "not yet"
        );
        let missed = missed_post(&shifts, &[], at("2026-12-05 09:00"), after).unwrap();
        assert_eq!(missed.primary, "张三");
        assert!(missed_post_text(missed, at("2026-12-05 09:15")).contains("已过 45 分钟"));
        assert!(
            missed_post(&shifts, &[], at("2026-12-05 09:00"), Duration::zero()).is_none(),
            "0 = off"
        );
        // The incoming officer's handover signature at 08:20 is the sign-on of the 08:30 shift.
        let by_handover = handover_signons(&[("张三".into(), at("2026-12-05 08:20"))], &shifts);
        assert_eq!(by_handover[0].shift_start, at("2026-12-05 08:30"));
        assert!(missed_post(&shifts, &by_handover, at("2026-12-05 12:00"), after).is_none());
        // Another of the shift's staff arriving explicitly counts too.
        let arrival = arrival_shift(&shifts, "钱七", at("2026-12-05 10:00")).unwrap();
        let signons = [SignOn {
            shift_start: arrival.start,
            person: "钱七".into(),
            at: at("2026-12-05 10:00"),
            via: SignOnVia::Arrival,
        }];
        assert!(missed_post(&shifts, &signons, at("2026-12-05 12:00"), after).is_none());
    }

    #[test]
    fn only_someone_on_the_shift_signs_on_for_it() {
        let shifts = vec![
            shift("2026-12-04 08:30", "2026-12-05 08:30", "李四", &[]),
            shift("2026-12-05 08:30", "2026-12-06 08:30", "张三", &[]),
        ];
        // Forty minutes early: the coming shift, not the one still on.
        assert_eq!(
            arrival_shift(&shifts, "张三", at("2026-12-05 07:50")).unwrap().start,
            at("2026-12-05 08:30")
        );
        let e = arrival_shift(&shifts, "李四", at("2026-12-05 07:50")).unwrap_err();
        assert!(e.contains("严禁代值"), "{e}");
        assert!(arrival_shift(&shifts, "钱七", at("2026-12-05 12:00")).is_err());
        assert!(arrival_shift(&[], "张三", at("2026-12-05 12:00")).is_err());
    }

    #[test]
    fn holiday_shifts_earn_comp_days_and_taken_days_are_subtracted() {
        let calendar = Calendar {
            holidays: [day("2026-10-01"), day("2026-10-02")].into_iter().collect(),
            workdays: Default::default(),
        };
        let shifts = vec![
            shift("2026-10-01 08:30", "2026-10-02 08:30", "张三", &["钱七"]),
            shift("2026-10-02 08:30", "2026-10-03 08:30", "张三", &[]),
            // Saturday: a weekend, no days under the default rule.
            shift("2026-10-03 08:30", "2026-10-04 08:30", "李四", &[]),
            // Not yet over at `now`.
            shift("2026-12-05 08:30", "2026-12-06 08:30", "李四", &[]),
        ];
        let taken = vec![CompTaken {
            id: 1,
            person: "张三".into(),
            day: day("2026-10-20"),
            half_days: 1,
            approved_by: "王五".into(),
            recorded_by: "张三".into(),
            recorded_at: at("2026-10-19 09:00"),
            note: String::new(),
        }];
        let b = comp_balances(
            &shifts,
            &calendar,
            CompRule::default(),
            &taken,
            2026,
            at("2026-12-05 09:00"),
        );
        let of = |n: &str| b.iter().find(|x| x.person == n).cloned();
        let zhang = of("张三").unwrap();
        assert_eq!((zhang.shifts, zhang.earned_half_days, zhang.taken_half_days), (2, 4, 1));
        assert_eq!(days_text(zhang.owed_half_days()), "1.5 天");
        assert_eq!(of("钱七").unwrap().owed_half_days(), 2);
        assert_eq!(of("王五").unwrap().shifts, 2, "the duty leader stood them too");
        assert!(of("李四").is_none(), "a weekend earns nothing by default");
        let rule = CompRule {
            holiday_half_days: 2,
            weekend_half_days: 1,
        };
        let b = comp_balances(&shifts, &calendar, rule, &[], 2026, at("2026-12-05 09:00"));
        assert_eq!(b.iter().find(|x| x.person == "李四").unwrap().earned_half_days, 1);
    }

    #[test]
    fn days_are_half_day_steps_and_leave_needs_another_leader() {
        assert_eq!(parse_days("1.5"), Ok(3));
        assert_eq!(parse_days("0.5天"), Ok(1));
        assert!(parse_days("0.3").is_err());
        assert!(parse_days("0").is_err());
        assert!(parse_days("31").is_err());
        assert_eq!(days_text(1), "0.5 天");
        assert_eq!(days_text(4), "2 天");
        assert!(check_comp("张三", "王五", &people()).is_ok());
        assert!(check_comp("张三", "李四", &people()).unwrap_err().contains("不是领导"));
        assert!(
            check_comp("王五", "王五", &people())
                .unwrap_err()
                .contains("不能批准自己")
        );
        assert!(check_comp("外人", "王五", &people()).is_err());
        assert_eq!(parse_month("2027年1月").unwrap(), day("2027-01-01"));
        assert!(parse_month("2027-13").is_err());
    }
}
