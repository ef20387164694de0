//! Backup rules, pure: when the daily backup is due, which backups a rotation keeps (so the space
//! they take is bounded whatever the years), and when the weekly test restore is due, read from
//! its record. The store writes and deletes the files; the clock comes in as `now`.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime, TimeDelta};

/// How many backups a rotation keeps: the newest of each of the last `daily` days that have one,
/// of the last `weekly` weeks (ISO weeks, Monday first) and of the last `monthly` months. A
/// backup kept by one rule counts for the others too, so at most `daily + weekly + monthly`
/// files stay (7 + 4 + 12: a week back day by day, a month week by week, a year month by month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

impl Retention {
    /// An old `keep_days = N` said "every backup of the last N days"; with one backup a day that
    /// is the newest of each of N days, and nothing older.
    #[must_use]
    pub fn from_keep_days(days: u32) -> Self {
        Self {
            daily: days,
            weekly: 0,
            monthly: 0,
        }
    }

    /// The most backups this rotation ever keeps (the newest of each period, counted once per rule).
    #[must_use]
    pub fn most_kept(&self) -> u32 {
        self.daily
            .saturating_add(self.weekly)
            .saturating_add(self.monthly)
            .max(1)
    }
}

/// Whether the daily backup is due at `now`: no backup was taken in the 24 hours before it. A
/// backup dated after `now` (taken while the clock was wrong) does not count: it must not stop
/// the backups until the clock catches up with it.
#[must_use]
pub fn due(taken: &[NaiveDateTime], now: NaiveDateTime) -> bool {
    !taken.iter().any(|t| *t <= now && now - *t < TimeDelta::days(1))
}

/// Which of the backups taken at `taken` (any order) a rotation deletes at `now`, as indexes into
/// `taken`, ascending. The newest is never deleted. A backup dated after `now` is never deleted
/// and counts for no period: its date cannot be trusted, so an officer decides about it.
#[must_use]
pub fn to_delete(taken: &[NaiveDateTime], now: NaiveDateTime, keep: Retention) -> Vec<usize> {
    let mut past: Vec<usize> = (0..taken.len()).filter(|&i| taken[i] <= now).collect();
    // Newest first; equal times by position, so the answer does not depend on the sort.
    past.sort_by(|&a, &b| taken[b].cmp(&taken[a]).then(a.cmp(&b)));
    let mut kept: BTreeSet<usize> = past.first().copied().into_iter().collect();
    fn day(t: NaiveDateTime) -> (i32, u32) {
        (t.year(), t.ordinal())
    }
    fn week(t: NaiveDateTime) -> (i32, u32) {
        (t.iso_week().year(), t.iso_week().week())
    }
    fn month(t: NaiveDateTime) -> (i32, u32) {
        (t.year(), t.month())
    }
    type Period = fn(NaiveDateTime) -> (i32, u32);
    let rules: [(u32, Period); 3] = [(keep.daily, day), (keep.weekly, week), (keep.monthly, month)];
    for (count, period) in rules {
        let mut seen = BTreeSet::new();
        for &i in &past {
            if seen.len() >= count as usize {
                break;
            }
            // The first one met in a period is its newest.
            if seen.insert(period(taken[i])) {
                kept.insert(i);
            }
        }
    }
    let mut out: Vec<usize> = past.into_iter().filter(|i| !kept.contains(i)).collect();
    out.sort_unstable();
    out
}

/// What the automatic backup did, for the status line (the app says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The file written.
    pub file: String,
    /// The database's size and the backup's.
    pub bytes: u64,
    pub compressed: u64,
    /// Old backups the rotation removed.
    pub pruned: usize,
    /// The weekly test restore, when one ran.
    pub test: Option<TestRestore>,
}

/// A test restore's result: the file restored, and why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRestore {
    pub file: String,
    pub failed: Option<String>,
}

/// A backup's size for reading: 627 MiB, 1.4 MiB, 12 KiB.
#[must_use]
pub fn size_text(bytes: u64) -> String {
    const MIB: f64 = 1_048_576.0;
    let mib = bytes as f64 / MIB;
    if mib >= 100.0 {
        format!("{mib:.0} MiB")
    } else if mib >= 1.0 {
        format!("{mib:.1} MiB")
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// The status line's sentence for a backup, said once, and the warning that stays until a later
/// backup (and its test restore) passes: a failed backup, or a failed test restore (a backup that
/// may not bring the data back).
#[must_use]
pub fn said(outcome: &Result<Outcome, String>) -> (Option<String>, Option<String>) {
    match outcome {
        Ok(o) => {
            let pruned = if o.pruned > 0 {
                format!("，按轮换删除旧备份 {} 份", o.pruned)
            } else {
                String::new()
            };
            let text = format!(
                "已自动备份：{}（{} 压缩为 {}，已校验）{pruned}",
                o.file,
                size_text(o.bytes),
                size_text(o.compressed)
            );
            match &o.test {
                Some(TestRestore {
                    file,
                    failed: Some(why),
                }) => (
                    Some(text),
                    Some(format!(
                        "备份试恢复未通过：{file}（{why}）。这份备份可能无法用于恢复：请检查备份磁盘，并运行 zhiban backup 另备份一份"
                    )),
                ),
                Some(TestRestore { failed: None, .. }) => (Some(format!("{text}；每周试恢复通过")), None),
                None => (Some(text), None),
            }
        }
        Err(why) => (
            None,
            Some(format!("自动备份失败：{why}。请检查备份目录，或运行 zhiban backup")),
        ),
    }
}

/// How often a backup is restored as a test (decompressed, opened, checked, compared).
pub const TEST_RESTORE_EVERY: TimeDelta = TimeDelta::days(7);

/// The word a passed test restore's line carries in the record.
const PASSED: &str = "通过";
/// The word a failed one's carries.
const FAILED: &str = "未通过";
const STAMP: &str = "%Y-%m-%d %H:%M:%S";

/// A line of the test-restore record (`restore-check.log` in the backup directory): when, the
/// result, the file, and what was found. One line: `what` has its line breaks folded.
#[must_use]
pub fn record_line(now: NaiveDateTime, passed: bool, file: &str, what: &str) -> String {
    let what: String = what.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!(
        "{} {} {file}：{what}\n",
        now.format(STAMP),
        if passed { PASSED } else { FAILED }
    )
}

/// When the last test restore passed, from the record's text (lines from [`record_line`];
/// anything else is skipped).
#[must_use]
pub fn last_passed(record: &str) -> Option<NaiveDateTime> {
    record
        .lines()
        .filter_map(|l| {
            let (stamp, rest) = (l.get(..19)?, l.get(19..)?);
            let t = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
            rest.strip_prefix(' ')?.starts_with(&format!("{PASSED} ")).then_some(t)
        })
        .max()
}

/// Whether a test restore is due at `now`: none passed yet, or the last one passed a week ago or
/// more (or is dated after `now`: the clock was wrong then or is now, so it proves nothing).
#[must_use]
pub fn test_restore_due(last_passed: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    last_passed.is_none_or(|t| t > now || now - t >= TEST_RESTORE_EVERY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// One backup a day at 02:00 from `first` for `days` days.
    fn daily_from(first: &str, days: i64) -> Vec<NaiveDateTime> {
        (0..days).map(|d| at(first) + TimeDelta::days(d)).collect()
    }

    fn kept(taken: &[NaiveDateTime], now: NaiveDateTime, keep: Retention) -> Vec<String> {
        let gone = to_delete(taken, now, keep);
        let mut out: Vec<NaiveDateTime> = (0..taken.len())
            .filter(|i| !gone.contains(i))
            .map(|i| taken[i])
            .collect();
        out.sort();
        out.iter().map(|t| t.format("%m-%d").to_string()).collect()
    }

    #[test]
    fn a_year_of_daily_backups_keeps_a_week_of_days_a_month_of_weeks_and_a_year_of_months() {
        // 2026-01-01 … 2026-12-31, now the last one's morning (a Thursday).
        let taken = daily_from("2026-01-01 02:00", 365);
        let now = at("2026-12-31 09:00");
        let left = kept(&taken, now, Retention::default());
        assert_eq!(
            left,
            [
                // The newest of each month before: the 31st, 28th, 30th …
                "01-31", "02-28", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30", "10-31",
                // the newest of each of the last four ISO weeks (Sundays), November's last day
                "11-30", "12-13", "12-20", // and the last seven days (12-27 is also its week's newest).
                "12-25", "12-26", "12-27", "12-28", "12-29", "12-30", "12-31",
            ]
        );
        assert!(left.len() as u32 <= Retention::default().most_kept());
    }

    #[test]
    fn ten_years_keep_no_more_than_the_rotation_says() {
        let taken = daily_from("2016-01-01 02:00", 3653);
        let now = at("2025-12-31 09:00");
        for keep in [
            Retention::default(),
            Retention::from_keep_days(30),
            Retention {
                daily: 1,
                weekly: 0,
                monthly: 0,
            },
        ] {
            let left = taken.len() - to_delete(&taken, now, keep).len();
            assert!(left as u32 <= keep.most_kept(), "{keep:?}: {left}");
            assert!(left >= keep.daily as usize, "{keep:?}: {left}");
        }
        assert_eq!(
            kept(&taken, now, Retention::from_keep_days(3)),
            ["12-29", "12-30", "12-31"]
        );
    }

    #[test]
    fn a_gap_keeps_the_old_ones_it_has_and_never_the_newest_away() {
        // Three weeks off (a holiday, a broken PC): the days counted are days with a backup, so a
        // week of daily backups is still there afterwards.
        let mut taken = daily_from("2026-03-01 02:00", 10);
        taken.push(at("2026-04-01 02:00"));
        let now = at("2026-04-01 09:00");
        let keep = Retention {
            daily: 7,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(
            kept(&taken, now, keep),
            ["03-05", "03-06", "03-07", "03-08", "03-09", "03-10", "04-01"]
        );
        // Two a day: the newest of the day stays, the other goes.
        let taken = vec![at("2026-04-01 02:00"), at("2026-04-01 15:00"), at("2026-03-31 02:00")];
        assert_eq!(to_delete(&taken, at("2026-04-02 00:00"), keep), [0]);
        // A rule of nothing still keeps the newest.
        let none = Retention {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(to_delete(&taken, at("2026-04-02 00:00"), none), [0, 2]);
        assert_eq!(to_delete(&[], at("2026-04-02 00:00"), none), Vec::<usize>::new());
    }

    #[test]
    fn a_backup_dated_in_the_future_is_kept_and_counts_for_nothing() {
        let mut taken = daily_from("2026-03-01 02:00", 3);
        taken.push(at("2030-01-01 02:00"));
        let keep = Retention {
            daily: 1,
            weekly: 0,
            monthly: 0,
        };
        // The future one is neither deleted nor the "newest" that displaces 03-03.
        assert_eq!(to_delete(&taken, at("2026-03-03 09:00"), keep), [0, 1]);
        // Nor does it stop the daily backup.
        assert!(due(&taken, at("2026-03-04 02:00")));
        assert!(!due(&taken, at("2026-03-04 01:59")));
        assert!(due(&[], at("2026-03-04 01:59")));
    }

    #[test]
    fn sizes_read_as_an_officer_would_say_them() {
        assert_eq!(size_text(657_457_152), "627 MiB");
        assert_eq!(size_text(1_468_006), "1.4 MiB");
        assert_eq!(size_text(11_624), "12 KiB");
        let ok = Outcome {
            file: "/备份/zhiban-20261123-090000.db.zst".into(),
            bytes: 1_745_211_392,
            compressed: 657_457_152,
            pruned: 2,
            test: None,
        };
        assert_eq!(
            said(&Ok(ok.clone())),
            (
                Some(
                    "已自动备份：/备份/zhiban-20261123-090000.db.zst（1664 MiB 压缩为 627 MiB，已校验），按轮换删除旧备份 2 份"
                        .into()
                ),
                None
            )
        );
        let (_, warning) = said(&Err("磁盘已满".into()));
        assert_eq!(
            warning.as_deref(),
            Some("自动备份失败：磁盘已满。请检查备份目录，或运行 zhiban backup")
        );
    }

    #[test]
    fn the_test_restore_is_due_weekly_from_the_last_one_that_passed() {
        let now = at("2026-11-22 09:00");
        let record = [
            record_line(
                at("2026-11-09 09:00"),
                true,
                "zhiban-20261109-090000.db.zst",
                "完整性检查 ok",
            ),
            record_line(
                at("2026-11-16 09:00"),
                true,
                "zhiban-20261116-090000.db.zst",
                "完整性检查 ok",
            ),
            record_line(
                at("2026-11-17 09:00"),
                false,
                "zhiban-20261117-090000.db.zst",
                "校验和不符\n第二行",
            ),
            "乱写的一行\n".to_string(),
            "2026-11-20 09:00:00 未通过 x：y\n".to_string(),
        ]
        .concat();
        assert_eq!(record.lines().count(), 5, "a reason's line break is folded");
        assert_eq!(last_passed(&record), Some(at("2026-11-16 09:00")));
        assert!(!test_restore_due(last_passed(&record), now));
        assert!(test_restore_due(last_passed(&record), now + TimeDelta::hours(24)));
        assert!(test_restore_due(Some(at("2026-11-16 09:00")), at("2026-11-23 09:00")));
        assert!(!test_restore_due(Some(at("2026-11-16 09:01")), at("2026-11-23 09:00")));
        assert!(test_restore_due(None, now));
        assert!(
            test_restore_due(Some(at("2027-01-01 00:00")), now),
            "a date ahead proves nothing"
        );
        assert_eq!(last_passed(""), None);
    }
}
