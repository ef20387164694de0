//! 突发事件 — urgent events, their report chain and reporting clocks (domain.md §2.2, §3).
//!
//! A deadline rule (category × level × recipient → phone and written limits, the clock they count
//! from, and the document they come from) is chosen from the configuration when an event is
//! created and copied onto it, so a later config change never rewrites an event's deadlines.

use chrono::{Duration, NaiveDateTime};

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
    /// Where an event is in its life.
    EventState {
        New => "新",
        Acknowledged => "已确认",
        Handled => "已处置",
        Closed => "已结束",
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
    /// Outcome of a phone call the app asked for.
    CallOutcome {
        Reached => "接通",
        NotReached => "未接通",
        Relayed => "已转告",
    }
);

/// One deadline rule from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRule {
    /// `None` matches every category.
    pub category: Option<String>,
    pub level: Level,
    pub recipient: String,
    pub phone_minutes: u32,
    pub written_minutes: u32,
    pub clock: ClockFrom,
    /// The document the limits come from (依据).
    pub source: String,
}

/// Chooses the rule for an event: same level and recipient, a rule naming the category wins
/// over a rule for every category; among equals, the first in the configuration.
#[must_use]
pub fn match_rule<'a>(rules: &'a [DeadlineRule], category: &str, level: Level, recipient: &str) -> Option<&'a DeadlineRule> {
    let candidates = rules.iter().filter(|r| r.level == level && r.recipient == recipient);
    let specific = candidates.clone().find(|r| r.category.as_deref() == Some(category));
    specific.or_else(|| candidates.clone().find(|r| r.category.is_none()))
}

/// The rule as copied onto an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSnapshot {
    pub recipient: String,
    pub phone_minutes: u32,
    pub written_minutes: u32,
    pub clock: ClockFrom,
    pub source: String,
}

impl From<&DeadlineRule> for RuleSnapshot {
    fn from(r: &DeadlineRule) -> Self {
        Self {
            recipient: r.recipient.clone(),
            phone_minutes: r.phone_minutes,
            written_minutes: r.written_minutes,
            clock: r.clock,
            source: r.source.clone(),
        }
    }
}

/// The two reporting deadlines of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub phone_due: NaiveDateTime,
    pub written_due: NaiveDateTime,
}

impl RuleSnapshot {
    #[must_use]
    pub fn deadlines(&self, occurred_at: NaiveDateTime, received_at: NaiveDateTime) -> Deadlines {
        let base = match self.clock {
            ClockFrom::Occurred => occurred_at,
            ClockFrom::Received => received_at,
        };
        Deadlines {
            phone_due: base + Duration::minutes(i64::from(self.phone_minutes)),
            written_due: base + Duration::minutes(i64::from(self.written_minutes)),
        }
    }
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
            return Self::Met { at, late: (at > due).then(|| at - due) };
        }
        if now > due {
            return Self::Overdue { late: now - due };
        }
        let left = due - now;
        let urgency = if left * 3 <= allowed || left <= Duration::minutes(10) { Urgency::Amber } else { Urgency::Calm };
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
    if h > 0 { format!("{h}:{m:02}:{sec:02}") } else { format!("{m:02}:{sec:02}") }
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
            written_minutes: written,
            clock: ClockFrom::Received,
            source: "测试依据".into(),
        }
    }

    #[test]
    fn a_rule_naming_the_category_wins_over_a_general_one() {
        let rules = [rule(None, Level::Major, 30, 60), rule(Some("事故灾难"), Level::Major, 15, 35)];
        assert_eq!(match_rule(&rules, "事故灾难", Level::Major, "上级总值班室").unwrap().phone_minutes, 15);
        assert_eq!(match_rule(&rules, "自然灾害", Level::Major, "上级总值班室").unwrap().phone_minutes, 30);
        assert!(match_rule(&rules, "自然灾害", Level::Large, "上级总值班室").is_none());
        assert!(match_rule(&rules, "自然灾害", Level::Major, "带班领导").is_none());
    }

    #[test]
    fn deadlines_count_from_the_clock_the_rule_names() {
        let mut snap = RuleSnapshot::from(&rule(None, Level::Major, 30, 60));
        let (occurred, received) = (at("2026-11-23 02:40"), at("2026-11-23 03:00"));
        assert_eq!(snap.deadlines(occurred, received).phone_due, at("2026-11-23 03:30"));
        snap.clock = ClockFrom::Occurred;
        let d = snap.deadlines(occurred, received);
        assert_eq!((d.phone_due, d.written_due), (at("2026-11-23 03:10"), at("2026-11-23 03:40")));
    }

    #[test]
    fn countdown_turns_amber_then_red_and_stays_on_screen_when_late() {
        let due = at("2026-11-23 03:30");
        let allowed = Duration::minutes(30);
        let c = Countdown::of(due, allowed, None, at("2026-11-23 03:05"));
        assert_eq!((c.urgency(), c.describe()), (Urgency::Calm, "剩 25:00".into()));
        assert_eq!(Countdown::of(due, allowed, None, at("2026-11-23 03:21")).urgency(), Urgency::Amber);
        let late = Countdown::of(due, allowed, None, at("2026-11-23 05:35"));
        assert_eq!((late.urgency(), late.describe()), (Urgency::Red, "超时 2:05:00".into()));
        let met = Countdown::of(due, allowed, Some(at("2026-11-23 03:40")), at("2026-11-23 05:00"));
        assert_eq!((met.urgency(), met.describe()), (Urgency::Calm, "已报 03:40（迟 10:00）".into()));
    }
}
