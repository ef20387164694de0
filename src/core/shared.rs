//! What every screen may read but none owns: the open alerts, the roster around now, and how many
//! list rows fit. The app keeps it up to date (ticks, reloads); screens see it through
//! [`super::screen::Cx`].

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::alerts::Alerts;
use super::roster::{Gap, Shift, Swap, effective_shifts, gaps, now_and_next, source_window};
use super::settings::Settings;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared {
    pub alerts: Alerts,
    pub roster: RosterData,
    /// How many list rows fit on screen, from the UI layout.
    pub viewport: usize,
    /// Each configured person's PIN facts (read at sign-in and after any PIN change); urgent
    /// enrolments still to be confirmed are flagged on every screen from these.
    pub pins: Vec<super::pin_policy::PinStatus>,
    /// What the instruction cycle leaves open (交办, notices, 请示 not made): the status line's
    /// 督办 note and the reminders; read every [`super::app::FOLLOW_UPS_EVERY`] and after writes.
    pub follow_ups: super::instruction::FollowUps,
    /// When `follow_ups` was last read.
    pub follow_ups_at: Option<NaiveDateTime>,
    /// The directory in force (通讯录): the ladder's numbers, the forms' groups. Read at start,
    /// after a write here and after another terminal's.
    pub directory: super::directory::Directory,
}

impl Shared {
    /// People whose urgent enrolment (紧急登记) no approver has confirmed yet.
    pub fn unconfirmed_enrolments(&self) -> impl Iterator<Item = &str> {
        self.pins.iter().filter(|p| p.flagged()).map(|p| p.name.as_str())
    }
}

/// The roster as the app holds it: imported shifts and swaps read from the store for a window,
/// combined with the configured rotation into the shifts people see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterData {
    /// The stored shifts (published versions, and imported shifts where none is published) and
    /// swaps read for `loaded`; the rotation fills the rest.
    pub imported: Vec<Shift>,
    pub swaps: Vec<Swap>,
    /// The window (already widened by `source_window`) those were read for.
    pub loaded: Option<(NaiveDateTime, NaiveDateTime)>,
    /// A month a screen shows, read as well as the days around now.
    pub month: Option<NaiveDate>,
    /// Versions, sign-ons and the rest of running the roster, read with the shifts.
    pub run: super::roster_plan::RosterRun,
    /// The month `run.shown` was read for.
    pub run_month: Option<NaiveDate>,
}

/// The first moment of the month holding `d`, and of the next month.
#[must_use]
pub fn month_bounds(d: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (
        first.and_time(NaiveTime::MIN),
        next.unwrap_or(first).and_time(NaiveTime::MIN),
    )
}

impl RosterData {
    /// The range the app needs shifts for: around now (for the strip) and the month shown.
    #[must_use]
    pub fn needed(&self, now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
        let mut from = now - Duration::days(2);
        let mut to = now + Duration::days(3);
        if let Some(day) = self.month {
            let (f, t) = month_bounds(day);
            from = from.min(f);
            to = to.max(t);
        }
        (from, to)
    }

    /// The window to read when what is needed is not already loaded.
    #[must_use]
    pub fn load_if_needed(&self, now: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let (from, to) = self.needed(now);
        let shown = self.month.map(super::roster_plan::month_of);
        match self.loaded {
            Some((lf, lt))
                if lf <= from - Duration::hours(super::roster::MAX_SHIFT_HOURS)
                    && to < lt
                    && shown == self.run_month =>
            {
                None
            }
            _ => Some(source_window(from, to)),
        }
    }

    /// Forget what was loaded (another terminal imported or swapped), so the next tick re-reads.
    pub fn invalidate(&mut self) {
        self.loaded = None;
    }

    #[must_use]
    pub fn shifts(&self, settings: &Settings, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Shift> {
        effective_shifts(
            settings.roster.as_ref(),
            &settings.calendar,
            &self.imported,
            &self.swaps,
            from,
            to,
        )
    }

    /// 漏岗 now: the shift on, nobody signed on for it past the configured minutes.
    #[must_use]
    pub fn missed_post(&self, settings: &Settings, now: NaiveDateTime) -> Option<Shift> {
        let shifts = self.shifts(settings, now - Duration::days(2), now + Duration::days(1));
        self.run.missed(&shifts, now, &settings.roster_rules).cloned()
    }

    /// The shift on now and the one after it.
    #[must_use]
    pub fn now_next(&self, settings: &Settings, now: NaiveDateTime) -> (Option<Shift>, Option<Shift>) {
        let shifts = self.shifts(settings, now - Duration::days(2), now + Duration::days(3));
        let (a, b) = now_and_next(&shifts, now);
        (a.cloned(), b.cloned())
    }

    /// Gaps from now over the next day: warned about on the status line.
    #[must_use]
    pub fn gaps_ahead(&self, settings: &Settings, now: NaiveDateTime) -> Vec<Gap> {
        let to = now + Duration::days(1);
        gaps(&self.shifts(settings, now - Duration::days(2), to), now, to)
    }
}
