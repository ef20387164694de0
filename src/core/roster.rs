//! 排班 — the duty roster (domain.md §1): who is on duty when, from a rotation in the
//! configuration or a roster imported from a CSV file, with approved swaps applied.
//!
//! Imported shifts win over the rotation: a rotation shift that overlaps any imported shift is
//! dropped, even if that leaves a gap (gaps are reported, never filled by guessing). Swaps are
//! records (who stood in for whom, why, approved by which leader) applied on top of either.
//! "严禁外单位职工或亲属代值": only configured people may appear on the roster or stand in.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::core::people::{Person, Role};
use crate::core::text::sanitize;
use crate::core::validate::format_minute;

/// No imported shift may be longer than this; the store relies on it to look shifts up by start.
pub const MAX_SHIFT_HOURS: i64 = 48;

/// The Chinese CSV header, the first line of an import file.
pub const CSV_HEADER: &str = "开始,结束,带班领导,主班,副班";
/// The English header, also accepted (case-insensitive).
pub const CSV_HEADER_EN: &str = "start,end,leader,primary,deputy";
/// The optional sixth column: the shift's other staff, names separated by 、 or ；.
pub const CSV_STAFF_COLUMN: &str = "其他值班人员";
/// Its English header.
pub const CSV_STAFF_COLUMN_EN: &str = "staff";

/// The other staff written in one CSV cell ("钱七、孙八"), in order, without blanks.
#[must_use]
pub fn split_staff(cell: &str) -> Vec<String> {
    cell.split(['、', '；', ';', '，', '/'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}
/// How times are written in the CSV file.
pub const CSV_TIME_FORMAT: &str = "YYYY-MM-DD HH:MM";

labelled_enum!(
    /// What kind of day a date is, for the roster and the month screen.
    DayKind {
        Workday => "工作日",
        Weekend => "周末",
        Holiday => "节假日",
        AdjustedWorkday => "调休上班",
    }
);

impl DayKind {
    /// Weekends and holidays are rest days; a 调休 working weekend is not.
    #[must_use]
    pub fn is_rest(self) -> bool {
        matches!(self, Self::Weekend | Self::Holiday)
    }
}

labelled_enum!(
    /// The three posts of a shift.
    Post {
        Leader => "带班领导",
        Primary => "主班",
        Deputy => "副班",
    }
);

labelled_enum!(
    /// Where a shift came from.
    ShiftSource {
        Rotation => "轮值",
        Imported => "导入",
        Published => "已发布",
        Pending => "待发布",
    }
);

labelled_enum!(
    /// Why a period is reported by [`gaps`].
    GapReason {
        Uncovered => "无人值班",
        NoPrimary => "主班空缺",
    }
);

/// Public holidays and 调休 working days (weekend days that are working days), from the
/// configuration. A date listed in both is a holiday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    #[must_use]
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if self.holidays.contains(&date) {
            DayKind::Holiday
        } else if weekend && self.workdays.contains(&date) {
            DayKind::AdjustedWorkday
        } else if weekend {
            DayKind::Weekend
        } else {
            DayKind::Workday
        }
    }

    #[must_use]
    pub fn is_rest_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date).is_rest()
    }
}

/// A repeating roster from the configuration.
///
/// Shift 0 starts on `first_day` at the earliest of `shift_starts`; the shifts follow each other
/// through the listed start times day after day, each ending where the next begins (one start time
/// is one 24-hour shift a day). Shift number `n` takes person `n % len` of each list. A shift that
/// starts on a rest day (weekend or holiday, see [`Calendar`]) uses the `rest_*` list of that post
/// instead, when that list is not empty — still indexed by the shift number. There are no rotation
/// shifts before `first_day`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rotation {
    pub first_day: NaiveDate,
    pub shift_starts: Vec<NaiveTime>,
    pub leaders: Vec<String>,
    pub primaries: Vec<String>,
    pub deputies: Vec<String>,
    pub rest_leaders: Vec<String>,
    pub rest_primaries: Vec<String>,
    pub rest_deputies: Vec<String>,
}

/// One shift: who holds each post from `start` until `end` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub leader: String,
    pub primary: String,
    /// May be empty.
    pub deputy: String,
    /// 其他值班人员: the rest of the shift's staff beyond the three posts (several staff per
    /// shift), in the order the roster lists them. Swaps name posts, so these are not swapped.
    pub staff: Vec<String>,
    pub source: ShiftSource,
    /// The swaps applied to this shift, in recorded order (empty as stored or generated).
    pub swaps: Vec<Swap>,
}

/// An approved swap: `to` stands in for `from` at `post` on the shift starting at `shift_start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swap {
    pub shift_start: NaiveDateTime,
    pub post: Post,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub approved_by: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// A period [`from`, `to`) reported by [`gaps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub reason: GapReason,
}

/// One problem in an imported CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.message)
    }
}

/// One day of the roster month screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCell {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub is_today: bool,
    /// The shifts starting that day, by start.
    pub shifts: Vec<Shift>,
}

impl Shift {
    /// Who holds `post` (may be empty).
    #[must_use]
    pub fn holder(&self, post: Post) -> &str {
        match post {
            Post::Leader => &self.leader,
            Post::Primary => &self.primary,
            Post::Deputy => &self.deputy,
        }
    }

    fn holder_mut(&mut self, post: Post) -> &mut String {
        match post {
            Post::Leader => &mut self.leader,
            Post::Primary => &mut self.primary,
            Post::Deputy => &mut self.deputy,
        }
    }

    /// Everyone on the shift: the posts that are filled, then the other staff.
    pub fn people(&self) -> impl Iterator<Item = &str> {
        [self.leader.as_str(), self.primary.as_str(), self.deputy.as_str()]
            .into_iter()
            .filter(|n| !n.is_empty())
            .chain(self.staff.iter().map(String::as_str))
    }

    /// Whether `name` is on the shift, at a post or among the other staff.
    #[must_use]
    pub fn has(&self, name: &str) -> bool {
        !name.is_empty() && self.people().any(|n| n == name)
    }

    /// Whether the shift shares any moment with [`from`, `to`).
    #[must_use]
    pub fn overlaps(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        self.start < to && from < self.end
    }

    /// Whether someone is on this shift at `t`.
    #[must_use]
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.start <= t && t < self.end
    }
}

impl Rotation {
    /// The start times in the order they come in a day.
    fn starts(&self) -> Vec<NaiveTime> {
        let mut starts = self.shift_starts.clone();
        starts.sort();
        starts.dedup();
        starts
    }

    /// The rotation's shifts overlapping [`from`, `to`), by start, with nothing swapped.
    #[must_use]
    pub fn shifts(&self, calendar: &Calendar, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Shift> {
        let starts = self.starts();
        let Ok(per_day) = i64::try_from(starts.len()) else {
            return Vec::new();
        };
        if per_day == 0 || from >= to {
            return Vec::new();
        }
        let start_of = |n: i64| -> Option<NaiveDateTime> {
            let day = self
                .first_day
                .checked_add_signed(Duration::try_days(n.div_euclid(per_day))?)?;
            let i = usize::try_from(n.rem_euclid(per_day)).ok()?;
            Some(day.and_time(*starts.get(i)?))
        };
        // No shift is longer than a day, so the one covering `from` starts on the day before at
        // the earliest.
        let first_index = ((from.date() - self.first_day).num_days() - 1).max(0);
        let mut out = Vec::new();
        let mut n = first_index.saturating_mul(per_day);
        while let (Some(start), Some(end)) = (start_of(n), start_of(n + 1)) {
            if start >= to {
                break;
            }
            if end > from {
                out.push(self.shift(n, start, end, calendar));
            }
            n += 1;
        }
        out
    }

    fn shift(&self, n: i64, start: NaiveDateTime, end: NaiveDateTime, calendar: &Calendar) -> Shift {
        let rest = calendar.is_rest_day(start.date());
        let pick = |normal: &[String], rest_list: &[String]| -> String {
            let list = if rest && !rest_list.is_empty() {
                rest_list
            } else {
                normal
            };
            let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
            if len == 0 {
                return String::new();
            }
            usize::try_from(n.rem_euclid(len))
                .ok()
                .and_then(|i| list.get(i))
                .cloned()
                .unwrap_or_default()
        };
        Shift {
            start,
            end,
            leader: pick(&self.leaders, &self.rest_leaders),
            primary: pick(&self.primaries, &self.rest_primaries),
            deputy: pick(&self.deputies, &self.rest_deputies),
            staff: Vec::new(),
            source: ShiftSource::Rotation,
            swaps: Vec::new(),
        }
    }

    /// Problems with a rotation from the configuration, each a sentence that says how to fix it:
    /// no start times, no primaries, names that are not configured people.
    #[must_use]
    pub fn problems(&self, people: &[Person]) -> Vec<String> {
        let mut out = Vec::new();
        if self.shift_starts.is_empty() {
            out.push("轮值没有交班时间：请至少写一个，例如 08:30（每天一个 24 小时班次）".to_string());
        }
        if self.primaries.is_empty() {
            out.push("轮值没有主班人员：请列出轮流担任主班的值班员".to_string());
        }
        let lists = [
            (Post::Leader, "", &self.leaders),
            (Post::Primary, "", &self.primaries),
            (Post::Deputy, "", &self.deputies),
            (Post::Leader, "节假日", &self.rest_leaders),
            (Post::Primary, "节假日", &self.rest_primaries),
            (Post::Deputy, "节假日", &self.rest_deputies),
        ];
        for (post, when, list) in lists {
            for name in list.iter().filter(|n| !is_configured(people, n)) {
                out.push(format!(
                    "轮值{when}{post}名单中的“{}”不在值班人员名单中：严禁外单位职工或亲属代值，请先在 [[people]] 中添加此人或从轮值中删去",
                    shown(name)
                ));
            }
        }
        out
    }
}

/// The window to read imported shifts and swaps for, so that [`effective_shifts`] over
/// [`from`, `to`) sees every imported shift that could displace a rotation shift in the window and
/// every swap of a shift in it.
#[must_use]
pub fn source_window(from: NaiveDateTime, to: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    (from - Duration::hours(MAX_SHIFT_HOURS), to + Duration::days(1))
}

/// Every shift overlapping [`from`, `to`), by start: the imported shifts, the rotation's shifts
/// that overlap no imported shift, and the swaps applied (each to the shift starting at its
/// `shift_start`, in the order given — recorded order, as the store returns them).
///
/// Pass the imported shifts and swaps of [`source_window`]`(from, to)`.
#[must_use]
pub fn effective_shifts(
    rotation: Option<&Rotation>,
    calendar: &Calendar,
    imported: &[Shift],
    swaps: &[Swap],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Vec<Shift> {
    let mut out: Vec<Shift> = imported.iter().filter(|s| s.overlaps(from, to)).cloned().collect();
    if let Some(rotation) = rotation {
        out.extend(
            rotation
                .shifts(calendar, from, to)
                .into_iter()
                .filter(|r| !imported.iter().any(|i| i.overlaps(r.start, r.end))),
        );
    }
    out.sort_by_key(|s| (s.start, s.end));
    for swap in swaps {
        for shift in out.iter_mut().filter(|s| s.start == swap.shift_start) {
            *shift.holder_mut(swap.post) = swap.to.clone();
            shift.swaps.push(swap.clone());
        }
    }
    out
}

/// The shift on duty at `now` (start <= now < end) and the one after it: the first starting at or
/// after the current one's end, or, with nobody on duty, the first starting after `now`.
#[must_use]
pub fn now_and_next(shifts: &[Shift], now: NaiveDateTime) -> (Option<&Shift>, Option<&Shift>) {
    let current = shifts.iter().filter(|s| s.contains(now)).min_by_key(|s| s.start);
    let next = match current {
        Some(c) => shifts.iter().filter(|s| s.start >= c.end).min_by_key(|s| s.start),
        None => shifts.iter().filter(|s| s.start > now).min_by_key(|s| s.start),
    };
    (current, next)
}

/// What is not covered in [`from`, `to`): periods no shift covers (无人值班) and shifts without a
/// primary (主班空缺), clipped to the window, by start.
#[must_use]
pub fn gaps(shifts: &[Shift], from: NaiveDateTime, to: NaiveDateTime) -> Vec<Gap> {
    if from >= to {
        return Vec::new();
    }
    let mut sorted: Vec<&Shift> = shifts.iter().filter(|s| s.overlaps(from, to)).collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut out = Vec::new();
    let mut covered_until = from;
    for s in sorted {
        if s.start > covered_until {
            out.push(Gap {
                from: covered_until,
                to: s.start,
                reason: GapReason::Uncovered,
            });
        }
        covered_until = covered_until.max(s.end);
        if s.primary.trim().is_empty() {
            out.push(Gap {
                from: s.start.max(from),
                to: s.end.min(to),
                reason: GapReason::NoPrimary,
            });
        }
    }
    if covered_until < to {
        out.push(Gap {
            from: covered_until,
            to,
            reason: GapReason::Uncovered,
        });
    }
    out.sort_by_key(|g| g.from);
    out
}

fn is_configured(people: &[Person], name: &str) -> bool {
    people.iter().any(|p| p.name == name)
}

/// A name as it may appear inside a message.
fn shown(s: &str) -> String {
    sanitize(s.trim(), false)
}

fn leader_roles() -> String {
    Role::ALL
        .iter()
        .filter(|r| r.is_leader())
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// Checks a swap before it is recorded: `to` must be a configured person (no outsider or relative
/// stands in), other than whoever holds the post now and not already on another post of the
/// shift; a reason is required; the approver must be a configured leader.
pub fn validate_swap(
    shift: &Shift,
    post: Post,
    to: &str,
    reason: &str,
    approved_by: &str,
    people: &[Person],
) -> Result<(), String> {
    let to = to.trim();
    if to.is_empty() {
        return Err(format!("请填写顶替{post}的人员：只能是值班人员名单中的人"));
    }
    if !is_configured(people, to) {
        return Err(format!(
            "“{}”不在值班人员名单中：严禁外单位职工或亲属代值，请改选名单中的人员；如是本单位新同事，请先在配置文件的 [[people]] 中添加",
            shown(to)
        ));
    }
    if shift.holder(post) == to {
        return Err(format!("{}本来就是这个班次的{post}：请选择另一位顶替人员", shown(to)));
    }
    if let Some(other) = Post::ALL.iter().copied().find(|&p| p != post && shift.holder(p) == to) {
        return Err(format!(
            "{}已是这个班次的{other}，不能同时担任{post}：请选择另一位人员",
            shown(to)
        ));
    }
    if reason.trim().is_empty() {
        return Err("请填写换班原因（例如：出差、病假、参加会议）".into());
    }
    let approved_by = approved_by.trim();
    if approved_by.is_empty() {
        return Err(format!("请填写批准人：换班须经领导（{}）批准", leader_roles()));
    }
    match people.iter().find(|p| p.name == approved_by) {
        None => Err(format!(
            "批准人“{}”不在人员名单中：请填写名单中的领导（{}）",
            shown(approved_by),
            leader_roles()
        )),
        Some(p) if !p.role.is_leader() => Err(format!(
            "批准人{}是{}，不是领导：换班须经{}批准",
            shown(approved_by),
            p.role.label(),
            leader_roles()
        )),
        Some(_) => Ok(()),
    }
}

/// The days of a month with their kind and the shifts starting on each; empty for an invalid
/// month.
#[must_use]
pub fn month_days(year: i32, month: u32, shifts: &[Shift], calendar: &Calendar, today: NaiveDate) -> Vec<DayCell> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let mut sorted: Vec<&Shift> = shifts.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    first
        .iter_days()
        .take_while(|d| d.month() == month)
        .map(|date| DayCell {
            date,
            kind: calendar.day_kind(date),
            is_today: date == today,
            shifts: sorted
                .iter()
                .filter(|s| s.start.date() == date)
                .map(|s| (*s).clone())
                .collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------------------------

/// Parses a roster file: a header line ([`CSV_HEADER`] or [`CSV_HEADER_EN`]), then one shift per
/// line: start, end (`YYYY-MM-DD HH:MM`), leader, primary, deputy (may be empty). Every name must
/// be a configured person; shifts may not overlap. A UTF-8 BOM and blank lines are ignored.
///
/// Returns every shift by start, or every error found (never a partial roster), by line.
pub fn parse_csv(text: &str, people: &[Person]) -> Result<Vec<Shift>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let mut shifts: Vec<Shift> = Vec::new();
    // Every row with usable times, for the overlap check (also rows with other errors).
    let mut timed: Vec<(usize, NaiveDateTime, NaiveDateTime)> = Vec::new();
    let mut header_line = None;
    let mut data_rows = 0;
    let mut lines = LineCounter::new(text);
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(1, |p| lines.line_of(p.byte()));
                errors.push(RowError {
                    line,
                    message: format!("无法读取这一行（{e}）：请用 Excel 或 WPS 另存为“CSV UTF-8”格式后重试"),
                });
                continue;
            }
        };
        let line = record.position().map_or(1, |p| lines.line_of(p.byte()));
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if header_line.is_none() {
            header_line = Some(line);
            if is_header(&fields) {
                continue;
            }
            let looks_like_data = fields.first().is_some_and(|f| parse_time(f).is_some());
            errors.push(RowError {
                line,
                message: format!(
                    "第一行应为表头“{CSV_HEADER}”（或 {CSV_HEADER_EN}），实际是“{}”：请在文件开头加上表头这一行",
                    shown(&fields.join(","))
                ),
            });
            if !looks_like_data {
                continue;
            }
        }
        data_rows += 1;
        let (row, messages) = parse_row(&fields, people);
        if let Some((start, end)) = row.as_ref().map(|s| (s.start, s.end)).or(times_only(&fields)) {
            timed.push((line, start, end));
        }
        errors.extend(messages.into_iter().map(|message| RowError { line, message }));
        shifts.extend(row);
    }
    match header_line {
        None => errors.push(RowError {
            line: 1,
            message: format!(
                "文件是空的：第一行应为表头“{CSV_HEADER}”，之后每行一个班次，例如“2026-12-01 08:30,2026-12-02 08:30,张局长,李四,王五”"
            ),
        }),
        Some(line) if data_rows == 0 => errors.push(RowError {
            line,
            message: "文件只有表头，没有班次：请在表头之后每行写一个班次".into(),
        }),
        Some(_) => {}
    }
    errors.extend(overlaps(&timed));
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    shifts.sort_by_key(|s| (s.start, s.end));
    Ok(shifts)
}

/// Overlapping rows reported at most this many times; then once that there are more.
const OVERLAPS_LISTED: usize = 20;

/// Each row (line, start, end) that overlaps an earlier row of the file, naming the earliest
/// such line. The earlier rows are kept by start, and no row is longer than
/// [`MAX_SHIFT_HOURS`], so only those starting in that span before a row can overlap it — a
/// file of 200,000 shifts is checked at once, not pair by pair. After [`OVERLAPS_LISTED`] the
/// rest are said in one line.
fn overlaps(timed: &[(usize, NaiveDateTime, NaiveDateTime)]) -> Vec<RowError> {
    let mut earlier: std::collections::BTreeMap<(NaiveDateTime, usize), NaiveDateTime> =
        std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for &(line, start, end) in timed {
        let reach = start - Duration::hours(MAX_SHIFT_HOURS);
        let first = earlier
            .range((reach, 0)..(end, 0))
            .filter(|&(&(_, _), &e)| start < e)
            .map(|(&(s, l), &e)| (l, s, e))
            .min_by_key(|&(l, _, _)| l);
        if let Some((earlier_line, s, e)) = first {
            if out.len() == OVERLAPS_LISTED {
                out.push(RowError {
                    line,
                    message: "从这一行起还有班次时间重叠，没有逐一列出：请先改正以上各处再导入".into(),
                });
                break;
            }
            out.push(RowError {
                line,
                message: format!(
                    "与第 {earlier_line} 行的班次（{} 至 {}）时间重叠：同一时段只能有一个班次，请核对这两行的开始和结束时间",
                    format_minute(s),
                    format_minute(e)
                ),
            });
        }
        earlier.insert((start, line), end);
    }
    out
}

/// The 1-based lines of the records of one file, asked in file order: the line breaks are
/// counted once, from the record before — not from the start of the file for each record, which
/// took minutes on a large file.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the record starting at byte `at`. The reader counts the empty lines it
    /// skipped before a record as part of that record, so they are stepped over here.
    pub(crate) fn line_of(&mut self, at: u64) -> usize {
        let bytes = self.bytes;
        let mut at = usize::try_from(at).unwrap_or(bytes.len()).min(bytes.len());
        while bytes.get(at).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            at += 1;
        }
        if at < self.at {
            // Asked out of order: count again from the start.
            (self.at, self.line) = (0, 1);
        }
        self.line += bytes[self.at..at].iter().filter(|&&b| b == b'\n').count();
        self.at = at;
        self.line
    }
}

fn is_header(fields: &[&str]) -> bool {
    let mut zh: Vec<&str> = CSV_HEADER.split(',').collect();
    let mut en: Vec<&str> = CSV_HEADER_EN.split(',').collect();
    if fields.len() == zh.len() + 1 {
        zh.push(CSV_STAFF_COLUMN);
        en.push(CSV_STAFF_COLUMN_EN);
    }
    // An office that says 值班领导 may head the column so (the same post).
    let zh_or_alt = fields.len() == zh.len()
        && fields
            .iter()
            .zip(&zh)
            .all(|(f, z)| f == z || (*z == "带班领导" && *f == "值班领导"));
    zh_or_alt || (fields.len() == en.len() && fields.iter().zip(&en).all(|(f, e)| f.eq_ignore_ascii_case(e)))
}

/// `YYYY-MM-DD HH:MM` (also with `/`, a full-width colon, or seconds).
fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().replace('：', ":").replace(['／', '/'], "-");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

/// Start and end of a row that has other errors, if its times are usable.
fn times_only(fields: &[&str]) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let [start, end, ..] = fields else { return None };
    let (start, end) = (parse_time(start)?, parse_time(end)?);
    (start < end && end - start <= Duration::hours(MAX_SHIFT_HOURS)).then_some((start, end))
}

/// One data row: the shift if it is entirely valid, and every problem found.
fn parse_row(fields: &[&str], people: &[Person]) -> (Option<Shift>, Vec<String>) {
    let mut errors = Vec::new();
    let ([start, end, leader, primary, deputy], staff_cell) = match fields {
        [a, b, c, d, e] => ([*a, *b, *c, *d, *e], ""),
        [a, b, c, d, e, f] => ([*a, *b, *c, *d, *e], *f),
        _ => {
            errors.push(format!(
                "应有 5 列（{CSV_HEADER}）或加上第 6 列{CSV_STAFF_COLUMN}，实际有 {} 列：副班可以留空，但逗号不能少；姓名中不要有逗号",
                fields.len()
            ));
            return (None, errors);
        }
    };
    let staff = split_staff(staff_cell);
    let mut time = |label: &str, value: &str| -> Option<NaiveDateTime> {
        let t = parse_time(value);
        if t.is_none() {
            errors.push(if value.is_empty() {
                format!("{label}时间为空：请写成 {CSV_TIME_FORMAT}，例如 2026-12-01 08:30")
            } else {
                format!(
                    "{label}时间“{}”无法识别：请写成 {CSV_TIME_FORMAT}，例如 2026-12-01 08:30",
                    shown(value)
                )
            });
        }
        t
    };
    let start = time("开始", start);
    let end = time("结束", end);
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            errors.push(format!(
                "结束时间 {} 不晚于开始时间 {}：结束必须晚于开始，跨夜的班次请把结束日期写成次日",
                format_minute(e),
                format_minute(s)
            ));
        } else if e - s > Duration::hours(MAX_SHIFT_HOURS) {
            errors.push(format!(
                "班次从 {} 到 {}，长达 {} 小时，超过 {MAX_SHIFT_HOURS} 小时：请检查日期是否写错，或拆成几个班次",
                format_minute(s),
                format_minute(e),
                (e - s).num_hours()
            ));
        }
    }
    for (post, name) in [(Post::Leader, leader), (Post::Primary, primary), (Post::Deputy, deputy)] {
        if name.is_empty() {
            if post != Post::Deputy {
                errors.push(format!("{post}为空：每个班次都必须有{post}"));
            }
        } else if !is_configured(people, name) {
            errors.push(format!(
                "{post}“{}”不在值班人员名单中：严禁外单位职工或亲属代值，请改为名单中的人员；如是本单位新同事，请先在配置文件的 [[people]] 中添加",
                shown(name)
            ));
        }
    }
    for (i, name) in staff.iter().enumerate() {
        if !is_configured(people, name) {
            errors.push(format!(
                "{CSV_STAFF_COLUMN}“{}”不在值班人员名单中：严禁外单位职工或亲属代值，请改为名单中的人员",
                shown(name)
            ));
        } else if [leader, primary, deputy].contains(&name.as_str()) || staff.iter().take(i).any(|n| n == name) {
            errors.push(format!(
                "“{}”在这个班次里出现了两次：一个人在同一班次只能担任一个岗位",
                shown(name)
            ));
        }
    }
    let posts = [(Post::Leader, leader), (Post::Primary, primary), (Post::Deputy, deputy)];
    for (i, (post, name)) in posts.iter().enumerate() {
        if let Some((other, _)) = posts.iter().take(i).find(|(_, n)| !name.is_empty() && n == name) {
            errors.push(format!(
                "“{}”同时是{other}和{post}：一个人在同一班次只能担任一个岗位，请改派其他人",
                shown(name)
            ));
        }
    }
    if !errors.is_empty() {
        return (None, errors);
    }
    let (Some(start), Some(end)) = (start, end) else {
        return (None, errors);
    };
    let shift = Shift {
        start,
        end,
        leader: leader.to_string(),
        primary: primary.to_string(),
        deputy: deputy.to_string(),
        staff,
        source: ShiftSource::Imported,
        swaps: Vec::new(),
    };
    (Some(shift), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn hm(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    fn people() -> Vec<Person> {
        [
            ("张局长", Role::DutyLeader),
            ("刘主任", Role::Director),
            ("陈副主任", Role::DeputyDirector),
            ("李四", Role::DutyOfficer),
            ("王五", Role::DutyOfficer),
            ("赵六", Role::DutyOfficer),
            ("钱七", Role::DutyOfficer),
            ("老孙", Role::Guard),
        ]
        .into_iter()
        .map(|(name, role)| Person {
            name: name.into(),
            role,
            phone: "13812345678".into(),
        })
        .collect()
    }

    /// 2026: 国庆 10-01..10-07 off, Sunday 09-27 and Saturday 10-10 worked.
    fn calendar() -> Calendar {
        Calendar {
            holidays: day("2026-10-01").iter_days().take(7).collect(),
            workdays: [day("2026-09-27"), day("2026-10-10")].into_iter().collect(),
        }
    }

    /// One 24-hour shift a day changing at 08:30, from 2026-09-01.
    fn daily() -> Rotation {
        Rotation {
            first_day: day("2026-09-01"),
            shift_starts: vec![hm("08:30")],
            leaders: names(&["张局长", "刘主任"]),
            primaries: names(&["李四", "王五", "赵六"]),
            deputies: names(&["钱七"]),
            ..Rotation::default()
        }
    }

    fn shift(start: &str, end: &str, leader: &str, primary: &str, deputy: &str) -> Shift {
        Shift {
            start: at(start),
            end: at(end),
            leader: leader.into(),
            primary: primary.into(),
            deputy: deputy.into(),
            staff: Vec::new(),
            source: ShiftSource::Imported,
            swaps: Vec::new(),
        }
    }

    fn swap(shift_start: &str, post: Post, from: &str, to: &str, recorded_at: &str) -> Swap {
        Swap {
            shift_start: at(shift_start),
            post,
            from: from.into(),
            to: to.into(),
            reason: "出差".into(),
            approved_by: "张局长".into(),
            recorded_by: "李四".into(),
            recorded_at: at(recorded_at),
        }
    }

    fn starts(shifts: &[Shift]) -> Vec<String> {
        shifts.iter().map(|s| format_minute(s.start)).collect()
    }

    /// The rotation's shifts from the start of the month of `now` until two days after it (the
    /// month screen's window, reaching far enough to see the next shift), then now/next.
    fn on_duty(rotation: &Rotation, calendar: &Calendar, now: &str) -> (Shift, Shift) {
        let now = at(now);
        let month = now.date().with_day(1).unwrap().and_time(NaiveTime::MIN);
        let shifts = effective_shifts(Some(rotation), calendar, &[], &[], month, now + Duration::days(2));
        let (current, next) = now_and_next(&shifts, now);
        (current.unwrap().clone(), next.unwrap().clone())
    }

    // ---- calendar --------------------------------------------------------------------------

    #[test]
    fn day_kinds_with_holidays_and_adjusted_workdays() {
        let c = calendar();
        assert_eq!(c.day_kind(day("2026-09-28")), DayKind::Workday); // Monday
        assert_eq!(c.day_kind(day("2026-09-26")), DayKind::Weekend); // Saturday
        assert_eq!(c.day_kind(day("2026-09-27")), DayKind::AdjustedWorkday); // Sunday worked
        assert_eq!(c.day_kind(day("2026-10-01")), DayKind::Holiday); // Thursday
        assert_eq!(c.day_kind(day("2026-10-03")), DayKind::Holiday); // Saturday in the holiday
        assert_eq!(c.day_kind(day("2026-10-10")), DayKind::AdjustedWorkday);
        assert_eq!(c.day_kind(day("2026-10-11")), DayKind::Weekend);
        assert!(c.is_rest_day(day("2026-10-01")) && c.is_rest_day(day("2026-10-11")));
        assert!(!c.is_rest_day(day("2026-10-10")) && !c.is_rest_day(day("2026-09-28")));
        assert_eq!(DayKind::AdjustedWorkday.label(), "调休上班");
        assert_eq!(DayKind::Holiday.to_string(), "节假日");

        // Listed as both: the holiday wins. A weekday listed as a working day is just a workday.
        let mut both = calendar();
        both.holidays.insert(day("2026-10-10"));
        both.workdays.insert(day("2026-10-12"));
        assert_eq!(both.day_kind(day("2026-10-10")), DayKind::Holiday);
        assert_eq!(both.day_kind(day("2026-10-12")), DayKind::Workday);
    }

    // ---- rotation --------------------------------------------------------------------------

    #[test]
    fn each_list_cycles_by_shift_number() {
        let r = daily();
        let s = r.shifts(&Calendar::default(), at("2026-09-01 00:00"), at("2026-09-06 00:00"));
        // 08:30 on the 1st is shift 0; nothing before the first day.
        assert_eq!(
            starts(&s),
            [
                "2026-09-01 08:30",
                "2026-09-02 08:30",
                "2026-09-03 08:30",
                "2026-09-04 08:30",
                "2026-09-05 08:30"
            ]
        );
        let primaries: Vec<&str> = s.iter().map(|s| s.primary.as_str()).collect();
        assert_eq!(primaries, ["李四", "王五", "赵六", "李四", "王五"]);
        let leaders: Vec<&str> = s.iter().map(|s| s.leader.as_str()).collect();
        assert_eq!(leaders, ["张局长", "刘主任", "张局长", "刘主任", "张局长"]);
        assert!(
            s.iter()
                .all(|s| s.deputy == "钱七" && s.source == ShiftSource::Rotation)
        );
        assert_eq!(s[0].end, at("2026-09-02 08:30"));

        // Far from the first day the count still holds: shift 100 is 2026-12-10 (100 % 3 == 1).
        let far = r.shifts(&Calendar::default(), at("2026-12-10 09:00"), at("2026-12-10 10:00"));
        assert_eq!(starts(&far), ["2026-12-10 08:30"]);
        assert_eq!(far[0].primary, "王五");
    }

    #[test]
    fn two_shifts_a_day_end_where_the_next_begins() {
        let r = Rotation {
            // Written out of order on purpose: the day order counts.
            shift_starts: vec![hm("17:30"), hm("08:30")],
            primaries: names(&["李四", "王五", "赵六"]),
            ..daily()
        };
        let s = r.shifts(&Calendar::default(), at("2026-09-01 00:00"), at("2026-09-03 00:00"));
        let spans: Vec<(String, String, &str)> = s
            .iter()
            .map(|s| (format_minute(s.start), format_minute(s.end), s.primary.as_str()))
            .collect();
        let expected = [
            ("2026-09-01 08:30", "2026-09-01 17:30", "李四"),
            ("2026-09-01 17:30", "2026-09-02 08:30", "王五"),
            ("2026-09-02 08:30", "2026-09-02 17:30", "赵六"),
            ("2026-09-02 17:30", "2026-09-03 08:30", "李四"),
        ];
        let expected: Vec<(String, String, &str)> = expected
            .iter()
            .map(|(a, b, p)| (a.to_string(), b.to_string(), *p))
            .collect();
        assert_eq!(spans, expected);
    }

    #[test]
    fn shifts_starting_on_rest_days_use_the_rest_lists() {
        let r = Rotation {
            rest_primaries: names(&["王五", "赵六"]),
            rest_leaders: names(&["陈副主任"]),
            // No rest deputies: the normal list goes on.
            ..daily()
        };
        let c = calendar();
        let s = r.shifts(&c, at("2026-09-25 09:00"), at("2026-09-29 09:00"));
        let got: Vec<(String, &str, &str, &str)> = s
            .iter()
            .map(|s| {
                (
                    format_minute(s.start),
                    s.leader.as_str(),
                    s.primary.as_str(),
                    s.deputy.as_str(),
                )
            })
            .collect();
        // 09-25 is shift 24 (Friday), 09-26 shift 25 (Saturday), 09-27 shift 26 (调休 Sunday),
        // 09-28 shift 27 (Monday).
        let expected = [
            ("2026-09-25 08:30", "张局长", "李四", "钱七"),   // 24 % 3 == 0
            ("2026-09-26 08:30", "陈副主任", "赵六", "钱七"), // rest lists: 25 % 1, 25 % 2 == 1
            ("2026-09-27 08:30", "张局长", "赵六", "钱七"),   // 调休上班: normal list, 26 % 3 == 2
            ("2026-09-28 08:30", "刘主任", "李四", "钱七"),   // 27 % 3 == 0
            ("2026-09-29 08:30", "张局长", "王五", "钱七"),
        ];
        let expected: Vec<(String, &str, &str, &str)> = expected
            .iter()
            .map(|(a, l, p, d)| (a.to_string(), *l, *p, *d))
            .collect();
        assert_eq!(got, expected, "rest lists are indexed by the shift number too");

        // A holiday on a weekday uses the rest list too; the night before it does not.
        let two = Rotation {
            shift_starts: vec![hm("08:30"), hm("17:30")],
            ..r.clone()
        };
        let s = two.shifts(&c, at("2026-09-30 17:30"), at("2026-10-01 09:00"));
        assert_eq!(starts(&s), ["2026-09-30 17:30", "2026-10-01 08:30"]);
        // Shift 29 * 2 + 1 = 59 starts on the workday before the holiday: the normal list, 59 % 2.
        assert_eq!(s[0].leader, "刘主任");
        assert_eq!(s[1].leader, "陈副主任");
    }

    #[test]
    fn rotation_problems_name_what_to_fix() {
        let mut r = daily();
        assert!(r.problems(&people()).is_empty());
        r.shift_starts.clear();
        r.primaries.clear();
        r.rest_deputies = names(&["外单位老王"]);
        let p = r.problems(&people());
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("交班时间") && p[1].contains("主班"));
        assert!(
            p[2].contains("外单位老王") && p[2].contains("严禁外单位职工或亲属代值"),
            "{}",
            p[2]
        );
        assert!(
            r.shifts(&Calendar::default(), at("2026-09-01 00:00"), at("2026-09-03 00:00"))
                .is_empty()
        );
    }

    // ---- now and next ----------------------------------------------------------------------

    #[test]
    fn at_three_in_the_morning_on_the_first_the_shift_began_last_month() {
        let (current, next) = on_duty(&daily(), &calendar(), "2026-11-01 03:00");
        assert_eq!(current.start, at("2026-10-31 08:30"));
        assert_eq!(current.end, at("2026-11-01 08:30"));
        assert_eq!(next.start, at("2026-11-01 08:30"));
        // 10-31 is shift 60 (60 % 3 == 0), 11-01 is shift 61.
        assert_eq!((current.primary.as_str(), next.primary.as_str()), ("李四", "王五"));
    }

    #[test]
    fn the_handover_minute_belongs_to_the_new_shift() {
        let (current, next) = on_duty(&daily(), &calendar(), "2026-11-01 08:30");
        assert_eq!(current.start, at("2026-11-01 08:30"));
        assert_eq!(next.start, at("2026-11-02 08:30"));
        let (current, _) = on_duty(&daily(), &calendar(), "2026-11-01 08:29");
        assert_eq!(current.start, at("2026-10-31 08:30"));
    }

    #[test]
    fn now_and_next_across_month_ends_and_the_year_end() {
        let r = daily();
        for (now, current, next) in [
            ("2026-10-01 00:00", "2026-09-30 08:30", "2026-10-01 08:30"),
            ("2026-10-31 23:59", "2026-10-31 08:30", "2026-11-01 08:30"),
            ("2027-01-01 03:00", "2026-12-31 08:30", "2027-01-01 08:30"),
            ("2026-12-31 23:00", "2026-12-31 08:30", "2027-01-01 08:30"),
            ("2027-03-01 03:00", "2027-02-28 08:30", "2027-03-01 08:30"),
            ("2028-03-01 03:00", "2028-02-29 08:30", "2028-03-01 08:30"),
        ] {
            let (c, n) = on_duty(&r, &calendar(), now);
            assert_eq!((c.start, n.start), (at(current), at(next)), "at {now}");
        }
    }

    #[test]
    fn on_a_holiday_night_the_holiday_list_is_on_duty() {
        let r = Rotation {
            rest_leaders: names(&["陈副主任"]),
            ..daily()
        };
        // 10-02 03:00: the shift began on 10-01 (a holiday) at 08:30.
        let (current, next) = on_duty(&r, &calendar(), "2026-10-02 03:00");
        assert_eq!(current.start, at("2026-10-01 08:30"));
        assert_eq!(current.leader, "陈副主任");
        // 10-01 03:00: the shift began on 09-30, a workday, so its leader is from the normal list.
        let (current, _) = on_duty(&r, &calendar(), "2026-10-01 03:00");
        assert_eq!(current.start, at("2026-09-30 08:30"));
        assert_ne!(current.leader, "陈副主任");
        assert_eq!(next.start, at("2026-10-02 08:30"));
        // 10-08 03:00: still the shift of 10-07, the last holiday; the next starts on a workday.
        let (current, next) = on_duty(&r, &calendar(), "2026-10-08 03:00");
        assert_eq!(current.leader, "陈副主任");
        assert_ne!(next.leader, "陈副主任");
    }

    #[test]
    fn with_nobody_on_duty_next_is_the_first_shift_after_now() {
        let shifts = [
            shift("2026-11-10 08:30", "2026-11-10 17:30", "张局长", "李四", ""),
            shift("2026-11-10 20:00", "2026-11-11 08:30", "张局长", "王五", ""),
        ];
        let (current, next) = now_and_next(&shifts, at("2026-11-10 18:00"));
        assert!(current.is_none());
        assert_eq!(next.unwrap().primary, "王五");
        let (current, next) = now_and_next(&shifts, at("2026-11-11 09:00"));
        assert!(current.is_none() && next.is_none());
        let (current, next) = now_and_next(&shifts, at("2026-11-10 09:00"));
        assert_eq!(current.unwrap().primary, "李四");
        assert_eq!(next.unwrap().primary, "王五");
    }

    // ---- imported shifts and gaps ----------------------------------------------------------

    #[test]
    fn imported_shifts_override_the_rotation_and_may_leave_a_gap() {
        let imported = [shift("2026-11-10 20:00", "2026-11-11 08:30", "刘主任", "钱七", "")];
        let from = at("2026-11-09 00:00");
        let to = at("2026-11-12 00:00");
        let s = effective_shifts(Some(&daily()), &calendar(), &imported, &[], from, to);
        assert_eq!(
            starts(&s),
            [
                "2026-11-08 08:30",
                "2026-11-09 08:30",
                "2026-11-10 20:00",
                "2026-11-11 08:30"
            ]
        );
        assert_eq!(s[2].source, ShiftSource::Imported);
        assert_eq!(s[2].primary, "钱七");
        assert!([0, 1, 3].iter().all(|&i| s[i].source == ShiftSource::Rotation));
        // The rotation shift 11-10 08:30 → 11-11 08:30 is gone; 08:30 → 20:00 nobody is on duty.
        assert_eq!(
            gaps(&s, from, to),
            [Gap {
                from: at("2026-11-10 08:30"),
                to: at("2026-11-10 20:00"),
                reason: GapReason::Uncovered,
            }]
        );
        let (current, next) = now_and_next(&s, at("2026-11-10 12:00"));
        assert!(current.is_none());
        assert_eq!(next.unwrap().start, at("2026-11-10 20:00"));
        assert_eq!(GapReason::Uncovered.label(), "无人值班");
    }

    #[test]
    fn an_imported_shift_just_outside_the_window_still_displaces_the_rotation() {
        let imported = [shift("2026-11-10 20:00", "2026-11-11 08:30", "刘主任", "钱七", "")];
        let (from, to) = (at("2026-11-10 09:00"), at("2026-11-10 19:00"));
        let (src_from, src_to) = source_window(from, to);
        assert!(imported[0].overlaps(src_from, src_to));
        let s = effective_shifts(Some(&daily()), &calendar(), &imported, &[], from, to);
        assert!(s.is_empty(), "{s:?}");
        assert_eq!(
            gaps(&s, from, to),
            [Gap {
                from,
                to,
                reason: GapReason::Uncovered
            }]
        );
    }

    #[test]
    fn without_a_rotation_only_imported_shifts_count() {
        let imported = [
            shift("2026-11-10 08:30", "2026-11-11 08:30", "刘主任", "钱七", ""),
            shift("2026-11-12 08:30", "2026-11-13 08:30", "刘主任", "", "王五"),
        ];
        let (from, to) = (at("2026-11-10 00:00"), at("2026-11-13 00:00"));
        let s = effective_shifts(None, &calendar(), &imported, &[], from, to);
        assert_eq!(s.len(), 2);
        let g = gaps(&s, from, to);
        let got: Vec<(String, String, &str)> = g
            .iter()
            .map(|g| (format_minute(g.from), format_minute(g.to), g.reason.label()))
            .collect();
        let expected = [
            ("2026-11-10 00:00", "2026-11-10 08:30", "无人值班"),
            ("2026-11-11 08:30", "2026-11-12 08:30", "无人值班"),
            ("2026-11-12 08:30", "2026-11-13 00:00", "主班空缺"),
        ];
        let expected: Vec<(String, String, &str)> = expected
            .iter()
            .map(|(a, b, r)| (a.to_string(), b.to_string(), *r))
            .collect();
        assert_eq!(got, expected);
        assert!(gaps(&s, to, from).is_empty());
        assert_eq!(
            gaps(&[], from, to),
            [Gap {
                from,
                to,
                reason: GapReason::Uncovered
            }]
        );
    }

    #[test]
    fn an_empty_primary_list_leaves_every_shift_without_a_primary() {
        let r = Rotation {
            primaries: Vec::new(),
            ..daily()
        };
        let (from, to) = (at("2026-11-10 08:30"), at("2026-11-12 08:30"));
        let s = effective_shifts(Some(&r), &calendar(), &[], &[], from, to);
        let g = gaps(&s, from, to);
        assert_eq!(g.len(), 2);
        assert!(g.iter().all(|g| g.reason == GapReason::NoPrimary));
        assert_eq!(g[1].from, at("2026-11-11 08:30"));
    }

    // ---- swaps -----------------------------------------------------------------------------

    #[test]
    fn swaps_are_applied_to_their_shift_in_recorded_order() {
        let (from, to) = (at("2026-11-01 00:00"), at("2026-11-04 00:00"));
        let swaps = [
            // 11-01 (shift 61) has 王五 as primary.
            swap("2026-11-01 08:30", Post::Primary, "王五", "钱七", "2026-10-28 10:00"),
            swap("2026-11-01 08:30", Post::Primary, "钱七", "赵六", "2026-10-29 10:00"),
            swap(
                "2026-11-02 08:30",
                Post::Leader,
                "张局长",
                "陈副主任",
                "2026-10-29 11:00",
            ),
            // Not the start of any shift: applies to nothing.
            swap("2026-11-03 09:00", Post::Deputy, "钱七", "李四", "2026-10-29 12:00"),
        ];
        let s = effective_shifts(Some(&daily()), &calendar(), &[], &swaps, from, to);
        assert_eq!(s[1].start, at("2026-11-01 08:30"));
        assert_eq!(s[1].primary, "赵六");
        assert_eq!(s[1].swaps, swaps[..2].to_vec());
        assert_eq!(s[2].leader, "陈副主任");
        assert_eq!(s[2].primary, "赵六", "the other posts keep their holders");
        assert_eq!(s[2].swaps.len(), 1);
        assert!(s[0].swaps.is_empty() && s[3].swaps.is_empty());
        assert_eq!(s[3].deputy, "钱七");

        // A swap on an imported shift.
        let imported = [shift("2026-11-05 08:30", "2026-11-06 08:30", "刘主任", "李四", "")];
        let sw = [swap("2026-11-05 08:30", Post::Deputy, "", "王五", "2026-11-01 10:00")];
        let s = effective_shifts(None, &calendar(), &imported, &sw, from, at("2026-11-07 00:00"));
        assert_eq!(s[0].deputy, "王五");
        assert_eq!(s[0].source, ShiftSource::Imported);
    }

    #[test]
    fn validate_swap_refuses_outsiders_and_says_how_to_fix() {
        let p = people();
        let s = shift("2026-11-05 08:30", "2026-11-06 08:30", "张局长", "李四", "王五");
        assert_eq!(validate_swap(&s, Post::Primary, "赵六", "出差", "张局长", &p), Ok(()));
        assert_eq!(
            validate_swap(&s, Post::Leader, " 刘主任 ", "会议", "陈副主任", &p),
            Ok(())
        );
        assert_eq!(validate_swap(&s, Post::Deputy, "钱七", "病假", "刘主任", &p), Ok(()));

        let err = |post, to, reason, by| validate_swap(&s, post, to, reason, by, &p).unwrap_err();
        let e = err(Post::Primary, "李四的爱人", "出差", "张局长");
        assert!(
            e.contains("严禁外单位职工或亲属代值") && e.contains("李四的爱人"),
            "{e}"
        );
        assert!(e.contains("[[people]]"), "{e}");
        assert!(err(Post::Primary, "", "出差", "张局长").contains("请填写"));
        let e = err(Post::Primary, "李四", "出差", "张局长");
        assert!(e.contains("本来就是") && e.contains("主班"), "{e}");
        let e = err(Post::Primary, "王五", "出差", "张局长");
        assert!(e.contains("已是这个班次的副班"), "{e}");
        assert!(err(Post::Primary, "赵六", "  ", "张局长").contains("换班原因"));
        assert!(err(Post::Primary, "赵六", "出差", "").contains("请填写批准人"));
        let e = err(Post::Primary, "赵六", "出差", "王局长");
        assert!(e.contains("不在人员名单") && e.contains("王局长"), "{e}");
        let e = err(Post::Primary, "赵六", "出差", "钱七");
        assert!(e.contains("是值班员，不是领导") && e.contains("办公室主任"), "{e}");
        let e = err(Post::Primary, "赵六", "出差", "老孙");
        assert!(e.contains("门卫"), "{e}");
        // A guard is configured, so may stand in (the rule is about outsiders).
        assert_eq!(validate_swap(&s, Post::Deputy, "老孙", "病假", "刘主任", &p), Ok(()));
    }

    // ---- month -----------------------------------------------------------------------------

    #[test]
    fn month_days_list_every_day_with_its_kind_and_shifts() {
        let c = calendar();
        let (from, to) = (at("2026-10-01 00:00"), at("2026-11-01 00:00"));
        let shifts = effective_shifts(Some(&daily()), &c, &[], &[], from, to);
        let days = month_days(2026, 10, &shifts, &c, day("2026-10-10"));
        assert_eq!(days.len(), 31);
        assert_eq!(days[0].date, day("2026-10-01"));
        assert_eq!(days[0].kind, DayKind::Holiday);
        assert_eq!(days[9].kind, DayKind::AdjustedWorkday);
        assert_eq!(days[10].kind, DayKind::Weekend);
        assert_eq!(days[11].kind, DayKind::Workday);
        assert_eq!(days.iter().filter(|d| d.is_today).count(), 1);
        assert!(days[9].is_today);
        // The 09-30 shift reaching into 10-01 belongs to September's cell, not October's.
        assert!(
            days.iter()
                .all(|d| d.shifts.len() == 1 && d.shifts[0].start.date() == d.date)
        );
        assert_eq!(month_days(2028, 2, &[], &c, day("2028-02-01")).len(), 29);
        assert_eq!(month_days(2026, 12, &[], &c, day("2026-12-01")).len(), 31);
        assert!(month_days(2026, 13, &[], &c, day("2026-12-01")).is_empty());
    }

    // ---- CSV -------------------------------------------------------------------------------

    fn csv_errors(text: &str) -> Vec<String> {
        match parse_csv(text, &people()) {
            Ok(s) => panic!("expected errors, got {s:?}"),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_good_file_with_bom_crlf_and_trailing_blank_lines_parses() {
        let text = "\u{feff}开始,结束,带班领导,主班,副班\r\n\
                    2026-12-02 08:30,2026-12-03 08:30,刘主任,王五,\r\n\
                    2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七\r\n\
                    \r\n,,,,\r\n\r\n";
        let s = parse_csv(text, &people()).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0],
            shift("2026-12-01 08:30", "2026-12-02 08:30", "张局长", "李四", "钱七")
        );
        assert_eq!(s[1].deputy, "", "the deputy is optional");
        assert_eq!(s[1].source, ShiftSource::Imported);
    }

    #[test]
    fn the_leader_column_may_be_headed_either_name_of_the_duty_leader() {
        let text = "开始,结束,值班领导,主班,副班\n2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七\n";
        let s = parse_csv(text, &people()).unwrap();
        assert_eq!(s[0].leader, "张局长");
        let e = csv_errors("开始,结束,领导,主班,副班\n2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七\n");
        assert!(e[0].contains("第一行应为表头"), "{e:?}");
    }

    #[test]
    fn the_english_header_and_loose_time_forms_are_accepted() {
        let text = "Start,End,Leader,Primary,Deputy\n\
                    2026/12/01 8:30, 2026-12-01  17:30:00 ,张局长 , 李四,\n\
                    \"2026-12-01 17:30\",2026-12-02 08：30,张局长,王五,钱七\n";
        let s = parse_csv(text, &people()).unwrap();
        assert_eq!(starts(&s), ["2026-12-01 08:30", "2026-12-01 17:30"]);
        assert_eq!(s[0].end, at("2026-12-01 17:30"));
        assert_eq!(s[0].leader, "张局长");
        assert_eq!(s[1].end, at("2026-12-02 08:30"));
    }

    #[test]
    fn each_kind_of_row_error_names_its_line() {
        let header = "开始,结束,带班领导,主班,副班\n";
        let one = |row: &str| {
            let e = csv_errors(&format!("{header}{row}\n"));
            assert_eq!(e.len(), 1, "{row}: {e:?}");
            e.into_iter().next().unwrap()
        };
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四");
        assert!(e.starts_with("第 2 行：应有 5 列") && e.contains("实际有 4 列"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七,赵六,多余");
        assert!(e.contains("实际有 7 列"), "{e}");
        // A sixth column is the other staff: only configured people, each once.
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七,多余");
        assert!(e.contains("其他值班人员“多余”不在值班人员名单中"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七,赵六、李四");
        assert!(e.contains("“李四”在这个班次里出现了两次"), "{e}");
        let staffed = parse_csv(
            "开始,结束,带班领导,主班,副班,其他值班人员\n2026-12-01 08:30,2026-12-02 08:30,张局长,李四,钱七,赵六、王五\n",
            &people(),
        )
        .unwrap();
        assert_eq!(staffed[0].staff, ["赵六", "王五"]);
        assert!(staffed[0].has("王五") && !staffed[0].has("老孙"));
        let e = one("12月1日 8:30,2026-12-02 08:30,张局长,李四,钱七");
        assert!(
            e.starts_with("第 2 行：开始时间“12月1日 8:30”无法识别") && e.contains("YYYY-MM-DD HH:MM"),
            "{e}"
        );
        let e = one("2026-12-01 08:30,,张局长,李四,钱七");
        assert!(e.contains("结束时间为空") && e.contains("YYYY-MM-DD HH:MM"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-01 08:30,张局长,李四,钱七");
        assert!(e.contains("不晚于开始时间") && e.contains("次日"), "{e}");
        let e = one("2026-12-02 08:30,2026-12-01 08:30,张局长,李四,钱七");
        assert!(e.contains("不晚于开始时间"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-03 08:31,张局长,李四,钱七");
        assert!(e.contains("超过 48 小时"), "{e}");
        assert!(
            parse_csv(
                &format!("{header}2026-12-01 08:30,2026-12-03 08:30,张局长,李四,\n"),
                &people()
            )
            .is_ok()
        );
        let e = one("2026-12-01 08:30,2026-12-02 08:30,,李四,钱七");
        assert!(e.contains("带班领导为空"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,,钱七");
        assert!(e.contains("主班为空"), "{e}");
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,李四的表弟");
        assert!(
            e.contains("副班“李四的表弟”不在值班人员名单中") && e.contains("严禁外单位职工或亲属代值"),
            "{e}"
        );
        let e = one("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,李四");
        assert!(e.contains("同时是主班和副班"), "{e}");
    }

    #[test]
    fn overlapping_rows_report_the_later_line_and_name_the_earlier() {
        let text = "开始,结束,带班领导,主班,副班\n\
                    2026-12-01 08:30,2026-12-02 08:30,张局长,李四,\n\
                    2026-12-02 08:30,2026-12-03 08:30,张局长,王五,\n\
                    2026-12-02 20:00,2026-12-03 09:00,刘主任,赵六,\n";
        let e = parse_csv(text, &people()).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, 4);
        assert!(
            e[0].message
                .starts_with("与第 3 行的班次（2026-12-02 08:30 至 2026-12-03 08:30）时间重叠")
        );
        // The earlier line in the file is not blamed even when it starts later.
        let text = "开始,结束,带班领导,主班,副班\n\
                    2026-12-02 08:30,2026-12-03 08:30,张局长,王五,\n\
                    2026-12-01 08:30,2026-12-02 09:00,张局长,李四,\n";
        let e = parse_csv(text, &people()).unwrap_err();
        assert_eq!((e.len(), e[0].line), (1, 3));
        assert!(e[0].message.contains("第 2 行"));
        // The earliest line is named when several earlier rows overlap.
        let text = "开始,结束,带班领导,主班,副班\n\
                    2026-12-02 08:30,2026-12-03 08:30,张局长,王五,\n\
                    2026-12-01 08:30,2026-12-02 09:00,张局长,李四,\n\
                    2026-12-02 08:00,2026-12-02 10:00,张局长,赵六,\n";
        let e = parse_csv(text, &people()).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[1].line == 4 && e[1].message.starts_with("与第 2 行"), "{e:?}");
    }

    #[test]
    fn a_file_of_many_overlaps_lists_twenty_then_says_there_are_more() {
        let mut text = String::from("开始,结束,带班领导,主班,副班\n");
        for _ in 0..30 {
            text.push_str("2026-12-01 08:30,2026-12-02 08:30,张局长,李四,\n");
        }
        let e = parse_csv(&text, &people()).unwrap_err();
        assert_eq!(e.len(), OVERLAPS_LISTED + 1, "{e:?}");
        assert!(e[..OVERLAPS_LISTED].iter().all(|x| x.message.starts_with("与第 2 行")));
        assert!(e[OVERLAPS_LISTED].message.contains("没有逐一列出"), "{e:?}");
    }

    #[test]
    fn every_error_is_collected_and_no_partial_roster_returned() {
        let text = "\u{feff}开始,结束,带班领导,主班,副班\n\
                    2026-12-01 08:30,2026-12-02 08:30,张局长,李四,\n\
                    2026-12-02 08:30,2026-12-03 08:30,外人,王五,\n\
                    \n\
                    2026-12-03 08:30,bad,张局长,,钱七\n\
                    2026-12-01 20:00,2026-12-02 08:00,刘主任,赵六,\n\
                    2026-12-04 08:30\n";
        let e = parse_csv(text, &people()).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5, 5, 6, 7], "{e:?}");
        assert!(e[0].message.contains("外人"));
        assert!(e[1].message.contains("结束时间“bad”"));
        assert!(e[2].message.contains("主班为空"));
        assert!(e[3].message.contains("第 2 行"));
        assert!(e[4].message.contains("实际有 1 列"));
        assert!(e[0].to_string().starts_with("第 3 行："));
        // A row with a bad name but good times still takes part in the overlap check.
        let text = "开始,结束,带班领导,主班,副班\n\
                    2026-12-01 08:30,2026-12-02 08:30,张局长,外人,\n\
                    2026-12-01 09:00,2026-12-01 10:00,张局长,李四,\n";
        let e = parse_csv(text, &people()).unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn an_empty_file_a_missing_header_and_a_header_alone_are_errors() {
        for text in ["", "\u{feff}", "\n\n", "\u{feff}\r\n  \r\n"] {
            let e = csv_errors(text);
            assert_eq!(e.len(), 1);
            assert!(
                e[0].starts_with("第 1 行：文件是空的") && e[0].contains(CSV_HEADER),
                "{e:?}"
            );
        }
        let e = csv_errors("开始,结束,带班领导,主班,副班\n\n");
        assert_eq!(e, ["第 1 行：文件只有表头，没有班次：请在表头之后每行写一个班次"]);
        // No header: said once, and the first row is still checked as data.
        let e = csv_errors(
            "2026-12-01 08:30,2026-12-02 08:30,张局长,外人,\n2026-12-02 08:30,2026-12-03 08:30,张局长,王五,\n",
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("第 1 行：第一行应为表头"), "{e:?}");
        assert!(e[1].starts_with("第 1 行：主班“外人”"), "{e:?}");
        // A wrong header.
        let e = csv_errors("日期,值班员\n2026-12-01 08:30,2026-12-02 08:30,张局长,李四,\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("“日期,值班员”"), "{e:?}");
    }

    #[test]
    fn messages_never_carry_control_characters() {
        let e = csv_errors("开始,结束,带班领导,主班,副班\n2026-12-01 08:30,2026-12-02 08:30,张局长,\u{1b}[31m坏人,\n");
        assert!(e[0].contains("坏人") && !e[0].contains('\u{1b}'), "{e:?}");
    }
}
