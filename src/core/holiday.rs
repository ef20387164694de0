//! 节日值班表 (issue 18, item 6; 002:1570, 001:124): before a holiday the duty room collects the
//! holiday rosters of its subordinate units and reports the office's own upward. A round names
//! the holiday, the date the rosters are due and the units expected (a directory group or names
//! typed); each unit's roster is marked received (when, how); the office's report upward is
//! recorded (to whom, when, how). Until every unit has sent theirs, the round is reminded from
//! `[documents] holiday_remind_days` before its due date.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// Days after the due date an incomplete round is still reminded.
pub const REMIND_AFTER_DUE_DAYS: i64 = 7;

/// The longest holiday name (2027年春节).
pub const HOLIDAY_MAX_CHARS: usize = 30;

/// A round to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHolidayRound {
    pub holiday: String,
    /// The rosters are due by the end of this day.
    pub due: NaiveDate,
    pub units: Vec<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A unit expected to send its roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedUnit {
    pub id: i64,
    pub unit: String,
    /// When its roster arrived and how (传真、邮件、纸质…), and who recorded it.
    pub received: Option<(NaiveDateTime, String, String)>,
}

/// The office's own roster reported upward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpwardReport {
    pub to: String,
    pub at: NaiveDateTime,
    pub via: String,
    pub recorded_by: String,
}

/// A holiday round with what has come in and what was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRound {
    pub id: i64,
    pub holiday: String,
    pub due: NaiveDate,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub units: Vec<ExpectedUnit>,
    pub reports: Vec<UpwardReport>,
}

impl HolidayRound {
    /// Units whose roster has not come, in order.
    pub fn missing(&self) -> impl Iterator<Item = &ExpectedUnit> {
        self.units.iter().filter(|u| u.received.is_none())
    }

    /// Past the end of its due day.
    #[must_use]
    pub fn overdue(&self, now: NaiveDateTime) -> bool {
        now.date() > self.due
    }

    /// Reminded: something missing or nothing reported upward, from `remind_before` days before
    /// the due date until [`REMIND_AFTER_DUE_DAYS`] after it (by then the holiday is over; the
    /// round still shows what never came).
    #[must_use]
    pub fn needs_reminder(&self, now: NaiveDateTime, remind_before: Duration) -> bool {
        let open = self.missing().next().is_some() || self.reports.is_empty();
        let day = now.date();
        open && day >= self.due - remind_before && day <= self.due + Duration::days(REMIND_AFTER_DUE_DAYS)
    }

    /// "已报 7/10，未报：东风镇、新华乡、红旗乡（01-25 前报齐，已过期）；本单位已上报：市政府总值班室 01-24".
    #[must_use]
    pub fn state_line(&self, now: NaiveDateTime) -> String {
        let total = self.units.len();
        let received = total - self.missing().count();
        let missing: Vec<&str> = self.missing().map(|u| u.unit.as_str()).collect();
        let due = if self.overdue(now) && !missing.is_empty() {
            format!("{} 前报齐，已过期", self.due.format("%m-%d"))
        } else {
            format!("{} 前报齐", self.due.format("%m-%d"))
        };
        let units = if missing.is_empty() {
            format!("下级已报齐 {received}/{total}")
        } else {
            format!("已报 {received}/{total}，未报：{}（{due}）", missing.join("、"))
        };
        let upward = match self.reports.last() {
            Some(r) => format!("本单位已上报：{} {}", r.to, r.at.format("%m-%d %H:%M")),
            None => "本单位尚未上报".to_string(),
        };
        format!("{units}；{upward}")
    }
}

/// A round checked: a name, a due date not long past, units named once.
pub fn check_round(r: &NewHolidayRound) -> Result<(), String> {
    let name = r.holiday.trim();
    if name.is_empty() || name.chars().count() > HOLIDAY_MAX_CHARS {
        return Err(format!("请写明节日（如 2027年春节），最多 {HOLIDAY_MAX_CHARS} 个字"));
    }
    if r.due < r.created_at.date() - Duration::days(30) {
        return Err("收齐日期已过去一个多月：请写本次节日的收齐日期".to_string());
    }
    if r.units.is_empty() {
        return Err("请选一个分组或写出须报送的单位".to_string());
    }
    let mut seen: Vec<&str> = Vec::new();
    for u in &r.units {
        let u = u.trim();
        if u.is_empty() || u.chars().count() > 60 {
            return Err(format!("单位“{u}”不对：每个最多 60 个字"));
        }
        if seen.contains(&u) {
            return Err(format!("“{u}”写了两次"));
        }
        seen.push(u);
    }
    Ok(())
}

/// Parses a due date typed on the form: `2027-01-25` or `01-25` (this year, or next year if that
/// day has passed by more than a month).
pub fn parse_due(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = text.trim().replace(['/', '.'], "-");
    if let Ok(d) = NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        return Ok(d);
    }
    let this_year = NaiveDate::parse_from_str(&format!("{}-{t}", today.format("%Y")), "%Y-%m-%d")
        .map_err(|_| format!("收齐日期“{t}”看不懂：请写 2027-01-25 或 01-25"))?;
    if this_year < today - Duration::days(31) {
        NaiveDate::parse_from_str(&format!("{}-{t}", today.year_ce().1 + 1), "%Y-%m-%d")
            .map_err(|_| format!("收齐日期“{t}”看不懂：请写 2027-01-25 或 01-25"))
    } else {
        Ok(this_year)
    }
}

/// The first day of the next holiday in the calendar that starts after `today` (a holiday
/// already under way is not the next one): the form suggests a due date a few days before it.
#[must_use]
pub fn next_holiday(calendar: &super::roster::Calendar, today: NaiveDate) -> Option<NaiveDate> {
    calendar
        .holidays
        .range(today + Duration::days(1)..)
        .find(|d| !calendar.holidays.contains(&(**d - Duration::days(1))))
        .copied()
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

    fn round() -> HolidayRound {
        let unit = |id, name: &str, got: bool| ExpectedUnit {
            id,
            unit: name.into(),
            received: got.then(|| (at("2027-01-20 10:00"), "传真".to_string(), "张三".to_string())),
        };
        HolidayRound {
            id: 1,
            holiday: "2027年春节".into(),
            due: day("2027-01-25"),
            created_by: "张三".into(),
            created_at: at("2027-01-15 09:00"),
            units: vec![
                unit(1, "城关镇", true),
                unit(2, "东风镇", false),
                unit(3, "新华乡", false),
            ],
            reports: Vec::new(),
        }
    }

    #[test]
    fn a_round_says_who_has_not_sent_and_whether_the_office_reported() {
        let mut r = round();
        assert_eq!(
            r.state_line(at("2027-01-24 10:00")),
            "已报 1/3，未报：东风镇、新华乡（01-25 前报齐）；本单位尚未上报"
        );
        assert_eq!(
            r.state_line(at("2027-01-26 10:00")),
            "已报 1/3，未报：东风镇、新华乡（01-25 前报齐，已过期）；本单位尚未上报"
        );
        let two = Duration::days(2);
        assert!(!r.needs_reminder(at("2027-01-22 23:59"), two));
        assert!(r.needs_reminder(at("2027-01-23 00:00"), two));
        assert!(r.needs_reminder(at("2027-02-01 23:59"), two));
        assert!(
            !r.needs_reminder(at("2027-02-02 00:00"), two),
            "a week after the due date it stops"
        );
        for u in &mut r.units {
            u.received = Some((at("2027-01-24 09:00"), "传真".into(), "张三".into()));
        }
        r.reports.push(UpwardReport {
            to: "市政府总值班室".into(),
            at: at("2027-01-24 16:00"),
            via: "传真".into(),
            recorded_by: "张三".into(),
        });
        assert_eq!(
            r.state_line(at("2027-01-24 17:00")),
            "下级已报齐 3/3；本单位已上报：市政府总值班室 01-24 16:00"
        );
        assert!(!r.needs_reminder(at("2027-01-24 17:00"), two));
    }

    #[test]
    fn due_dates_and_rounds_are_checked() {
        let today = day("2026-12-20");
        assert_eq!(parse_due("01-25", today), Ok(day("2027-01-25")));
        assert_eq!(parse_due("12-28", today), Ok(day("2026-12-28")));
        assert_eq!(parse_due("2027/02/01", today), Ok(day("2027-02-01")));
        assert!(parse_due("春节前", today).unwrap_err().contains("看不懂"));
        let r = NewHolidayRound {
            holiday: " ".into(),
            due: day("2027-01-25"),
            units: vec!["城关镇".into()],
            created_by: "张三".into(),
            created_at: at("2026-12-20 09:00"),
        };
        assert!(check_round(&r).unwrap_err().contains("请写明节日"));
        let r = NewHolidayRound {
            holiday: "2027年春节".into(),
            units: vec!["城关镇".into(), "城关镇".into()],
            ..r
        };
        assert!(check_round(&r).unwrap_err().contains("写了两次"));
    }

    #[test]
    fn the_next_holiday_comes_from_the_calendar() {
        let mut c = super::super::roster::Calendar::default();
        for d in [
            "2026-09-25",
            "2026-09-26",
            "2026-09-27",
            "2026-10-01",
            "2026-10-02",
            "2027-02-06",
            "2027-02-07",
        ] {
            c.holidays.insert(day(d));
        }
        assert_eq!(next_holiday(&c, day("2026-09-20")), Some(day("2026-09-25")));
        // On a holiday, its remaining days are not the next one.
        assert_eq!(next_holiday(&c, day("2026-09-26")), Some(day("2026-10-01")));
        assert_eq!(next_holiday(&c, day("2026-12-20")), Some(day("2027-02-06")));
        assert_eq!(next_holiday(&c, day("2027-02-07")), None);
    }
}
