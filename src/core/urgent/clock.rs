//! A reporting clock per recipient (domain.md §3): the rules of a level list their recipients,
//! each with a phone limit, an optional written limit and the time the clock counts from. A report
//! names its recipient and stops only that recipient's clock. A re-grade (升级/降级) brings the new
//! level's clocks without giving back time already spent: a met clock stays met, a running one
//! keeps the earlier of its deadline and the re-grade plus the new limit, a recipient new at this
//! level starts at the re-grade. Clocks are never changed in place: each setting is a new version.

use chrono::{Duration, NaiveDateTime};

use super::{Channel, ClockFrom, Countdown, DeadlineRule, Level, Urgency};

/// The rules in force for an event: one per recipient, a rule naming the category winning over
/// one for every category, in the order the configuration first names each recipient.
#[must_use]
pub fn rules_for<'a>(rules: &'a [DeadlineRule], category: &str, level: Level) -> Vec<&'a DeadlineRule> {
    let mut out: Vec<&DeadlineRule> = Vec::new();
    for r in rules.iter().filter(|r| r.level == level) {
        if r.category.as_deref().is_some_and(|c| c != category) {
            continue;
        }
        match out.iter().position(|o| o.recipient == r.recipient) {
            // A category rule replaces a general one for its recipient (and keeps its place).
            Some(i) if out[i].category.is_none() && r.category.is_some() => out[i] = r,
            Some(_) => {}
            None => out.push(r),
        }
    }
    out
}

/// One setting of one recipient's clock on an event, as stored (never changed: a re-grade or a
/// correction adds a newer setting for the same recipient).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockSetting {
    pub recipient: String,
    pub phone_minutes: u32,
    /// `None`: this recipient is reported to by phone only (the 带班领导).
    pub written_minutes: Option<u32>,
    pub clock: ClockFrom,
    /// The document or practice the limits come from (依据).
    pub source: String,
    pub phone_due: NaiveDateTime,
    pub written_due: Option<NaiveDateTime>,
    /// When this setting was made, and why (建立, 追加, 升级为重大 …).
    pub set_at: NaiveDateTime,
    pub why: String,
}

fn after(base: NaiveDateTime, minutes: u32) -> NaiveDateTime {
    base + Duration::minutes(i64::from(minutes))
}

impl ClockSetting {
    /// The clock a rule gives an event when it is created.
    #[must_use]
    pub fn from_rule(
        rule: &DeadlineRule,
        occurred_at: NaiveDateTime,
        received_at: NaiveDateTime,
        set_at: NaiveDateTime,
    ) -> Self {
        let base = match rule.clock {
            ClockFrom::Occurred => occurred_at,
            ClockFrom::Received => received_at,
        };
        Self {
            recipient: rule.recipient.clone(),
            phone_minutes: rule.phone_minutes,
            written_minutes: rule.written_minutes,
            clock: rule.clock,
            source: rule.source.clone(),
            phone_due: after(base, rule.phone_minutes),
            written_due: rule.written_minutes.map(|m| after(base, m)),
            set_at,
            why: "建立".into(),
        }
    }

    /// A recipient added by the officer: the clock starts when added.
    #[must_use]
    pub fn added(recipient: &str, phone_minutes: u32, written_minutes: Option<u32>, at: NaiveDateTime) -> Self {
        Self {
            recipient: recipient.to_string(),
            phone_minutes,
            written_minutes,
            clock: ClockFrom::Received,
            source: "值班员追加".into(),
            phone_due: after(at, phone_minutes),
            written_due: written_minutes.map(|m| after(at, m)),
            set_at: at,
            why: "追加".into(),
        }
    }

    /// "电话 10 分钟" or "电话 30 / 书面 60 分钟".
    #[must_use]
    pub fn limits_text(&self) -> String {
        match self.written_minutes {
            Some(w) => format!("电话 {} / 书面 {w} 分钟", self.phone_minutes),
            None => format!("电话 {} 分钟", self.phone_minutes),
        }
    }
}

/// The settings a re-grade to `level` adds, given the clocks now in force and the reports made
/// (`sent(recipient, channel)`). Recipients the new level does not name keep their clocks.
#[must_use]
pub fn regrade(
    current: &[ClockSetting],
    new_rules: &[&DeadlineRule],
    level: Level,
    sent: impl Fn(&str, Channel) -> bool,
    at: NaiveDateTime,
) -> Vec<ClockSetting> {
    let why = format!("改为{}", level.label());
    new_rules
        .iter()
        .map(|rule| {
            let fresh = |minutes: u32| after(at, minutes);
            match current.iter().find(|c| c.recipient == rule.recipient) {
                None => ClockSetting {
                    recipient: rule.recipient.clone(),
                    phone_minutes: rule.phone_minutes,
                    written_minutes: rule.written_minutes,
                    clock: rule.clock,
                    source: rule.source.clone(),
                    phone_due: fresh(rule.phone_minutes),
                    written_due: rule.written_minutes.map(fresh),
                    set_at: at,
                    why: why.clone(),
                },
                Some(old) => {
                    let keep_or_earlier = |old_due: Option<NaiveDateTime>, minutes: Option<u32>, channel| {
                        match (old_due, minutes) {
                            // Met: the old deadline stays, so the countdown still says whether it was late.
                            (Some(d), _) if sent(&rule.recipient, channel) => Some(d),
                            (Some(d), Some(m)) => Some(d.min(fresh(m))),
                            (None, Some(m)) => Some(fresh(m)),
                            (Some(d), None) => Some(d),
                            (None, None) => None,
                        }
                    };
                    ClockSetting {
                        recipient: rule.recipient.clone(),
                        phone_minutes: rule.phone_minutes,
                        written_minutes: rule.written_minutes.or(old.written_minutes),
                        clock: rule.clock,
                        source: rule.source.clone(),
                        phone_due: keep_or_earlier(Some(old.phone_due), Some(rule.phone_minutes), Channel::Phone)
                            .unwrap_or(old.phone_due),
                        written_due: keep_or_earlier(old.written_due, rule.written_minutes, Channel::Written),
                        set_at: at,
                        why: why.clone(),
                    }
                }
            }
        })
        .collect()
}

/// The clocks in force: the newest setting of each recipient, in the order they were first set.
#[must_use]
pub fn in_force(settings: &[ClockSetting]) -> Vec<ClockSetting> {
    let mut out: Vec<ClockSetting> = Vec::new();
    for s in settings {
        match out.iter_mut().find(|o| o.recipient == s.recipient) {
            Some(o) if s.set_at >= o.set_at => *o = s.clone(),
            Some(_) => {}
            None => out.push(s.clone()),
        }
    }
    out
}

/// A recipient's clock with the first report made to them on each channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientClock {
    pub setting: ClockSetting,
    pub phone_sent: Option<NaiveDateTime>,
    pub written_sent: Option<NaiveDateTime>,
}

/// One running or met deadline: whose, which channel, and how it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline<'a> {
    pub recipient: &'a str,
    pub channel: Channel,
    pub countdown: Countdown,
}

impl RecipientClock {
    #[must_use]
    pub fn phone(&self, now: NaiveDateTime) -> Countdown {
        let allowed = Duration::minutes(i64::from(self.setting.phone_minutes));
        Countdown::of(self.setting.phone_due, allowed, self.phone_sent, now)
    }

    /// `None` when this recipient takes no written report.
    #[must_use]
    pub fn written(&self, now: NaiveDateTime) -> Option<Countdown> {
        let due = self.setting.written_due?;
        let allowed = Duration::minutes(i64::from(self.setting.written_minutes.unwrap_or(0)));
        Some(Countdown::of(due, allowed, self.written_sent, now))
    }

    /// Both deadlines (the written one where there is one).
    #[must_use]
    pub fn deadlines(&self, now: NaiveDateTime) -> Vec<Deadline<'_>> {
        let mut out = vec![Deadline {
            recipient: &self.setting.recipient,
            channel: Channel::Phone,
            countdown: self.phone(now),
        }];
        if let Some(w) = self.written(now) {
            out.push(Deadline {
                recipient: &self.setting.recipient,
                channel: Channel::Written,
                countdown: w,
            });
        }
        out
    }

    /// "带班领导 电话 已报 16:20；" or "上级总值班室 电话 剩 12:40，书面 剩 42:40".
    #[must_use]
    pub fn describe(&self, now: NaiveDateTime) -> String {
        let mut s = format!("{} 电话 {}", self.setting.recipient, self.phone(now).describe());
        if let Some(w) = self.written(now) {
            s.push_str(&format!("，书面 {}", w.describe()));
        }
        s
    }
}

/// How pressing a deadline is, for ordering: overdue first (most late), then least time left.
fn pressure(c: Countdown) -> (u8, i64) {
    match c {
        Countdown::Overdue { late } => (0, -late.num_seconds()),
        Countdown::Remaining { left, .. } => (1, left.num_seconds()),
        Countdown::Met { .. } => (2, 0),
    }
}

/// The running deadlines (not yet reported), most pressing first.
#[must_use]
pub fn running<'a>(clocks: &'a [RecipientClock], now: NaiveDateTime) -> Vec<Deadline<'a>> {
    let mut out: Vec<Deadline<'a>> = clocks
        .iter()
        .flat_map(|c| c.deadlines(now))
        .filter(|d| !matches!(d.countdown, Countdown::Met { .. }))
        .collect();
    out.sort_by_key(|d| pressure(d.countdown));
    out
}

/// The worst urgency among the clocks.
#[must_use]
pub fn urgency(clocks: &[RecipientClock], now: NaiveDateTime) -> Urgency {
    clocks
        .iter()
        .flat_map(|c| c.deadlines(now))
        .map(|d| d.countdown.urgency())
        .max()
        .unwrap_or(Urgency::Calm)
}

/// "上级总值班室 电话 剩 12:40；另有 2 项" — the most pressing running deadline, for the banner.
#[must_use]
pub fn most_pressing(clocks: &[RecipientClock], now: NaiveDateTime) -> Option<String> {
    let run = running(clocks, now);
    let first = run.first()?;
    let more = if run.len() > 1 {
        format!("；另有 {} 项", run.len() - 1)
    } else {
        String::new()
    };
    Some(format!(
        "报{} {} {}{more}",
        first.recipient,
        first.channel.label(),
        first.countdown.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn rule(level: Level, recipient: &str, phone: u32, written: Option<u32>, category: Option<&str>) -> DeadlineRule {
        DeadlineRule {
            category: category.map(str::to_string),
            level,
            recipient: recipient.into(),
            phone_minutes: phone,
            written_minutes: written,
            clock: ClockFrom::Received,
            source: "参考".into(),
        }
    }

    fn defaults() -> Vec<DeadlineRule> {
        vec![
            rule(Level::Major, "带班领导", 10, None, None),
            rule(Level::Major, "上级总值班室", 30, Some(60), None),
            rule(Level::Large, "带班领导", 10, None, None),
            rule(Level::Large, "上级总值班室", 60, Some(120), None),
            rule(Level::Major, "上级总值班室", 15, Some(35), Some("事故灾难")),
        ]
    }

    #[test]
    fn each_recipient_gets_one_rule_and_a_category_rule_wins_in_place() {
        let rules = defaults();
        let major: Vec<_> = rules_for(&rules, "事故灾难", Level::Major)
            .iter()
            .map(|r| (r.recipient.as_str(), r.phone_minutes))
            .collect();
        assert_eq!(major, [("带班领导", 10), ("上级总值班室", 15)]);
        let other: Vec<_> = rules_for(&rules, "自然灾害", Level::Major)
            .iter()
            .map(|r| r.phone_minutes)
            .collect();
        assert_eq!(other, [10, 30]);
        assert!(rules_for(&rules, "自然灾害", Level::Ordinary).is_empty());
    }

    fn clocks_at_creation() -> Vec<ClockSetting> {
        let rules = defaults();
        rules_for(&rules, "事故灾难", Level::Large)
            .into_iter()
            .map(|r| {
                ClockSetting::from_rule(
                    r,
                    at("2026-11-23 15:00"),
                    at("2026-11-23 16:06"),
                    at("2026-11-23 16:06"),
                )
            })
            .collect()
    }

    #[test]
    fn a_clock_counts_from_reception_and_the_leader_has_no_written_clock() {
        let c = clocks_at_creation();
        assert_eq!(c[0].phone_due, at("2026-11-23 16:16"));
        assert_eq!(c[0].written_due, None);
        // Received an hour after it happened: not overdue on arrival.
        assert_eq!(c[1].phone_due, at("2026-11-23 17:06"));
        assert_eq!(c[1].written_due, Some(at("2026-11-23 18:06")));
    }

    #[test]
    fn a_report_stops_only_its_recipients_clock() {
        let c = clocks_at_creation();
        let clocks = vec![
            RecipientClock {
                setting: c[0].clone(),
                phone_sent: Some(at("2026-11-23 16:10")),
                written_sent: None,
            },
            RecipientClock {
                setting: c[1].clone(),
                phone_sent: None,
                written_sent: None,
            },
        ];
        let now = at("2026-11-23 16:30");
        let run = running(&clocks, now);
        assert_eq!(
            run.iter().map(|d| (d.recipient, d.channel)).collect::<Vec<_>>(),
            [("上级总值班室", Channel::Phone), ("上级总值班室", Channel::Written)]
        );
        assert_eq!(
            most_pressing(&clocks, now).unwrap(),
            "报上级总值班室 电话 剩 36:00；另有 1 项"
        );
        assert_eq!(clocks[0].describe(now), "带班领导 电话 已报 16:10");
    }

    #[test]
    fn a_regrade_never_gives_time_back_and_keeps_met_clocks() {
        let c = clocks_at_creation();
        let rules = defaults();
        let major = rules_for(&rules, "自然灾害", Level::Major);
        // At 16:40 the leader was phoned (met); the upward phone clock (due 17:06) runs.
        let sent = |who: &str, ch: Channel| who == "带班领导" && ch == Channel::Phone;
        let new = regrade(&c, &major, Level::Major, sent, at("2026-11-23 16:40"));
        assert_eq!(new[0].phone_due, c[0].phone_due, "met stays met with its old deadline");
        assert_eq!(
            new[1].phone_due,
            at("2026-11-23 17:06"),
            "17:06 is earlier than 16:40 + 30"
        );
        assert_eq!(
            new[1].written_due,
            Some(at("2026-11-23 17:40")),
            "16:40 + 60 is earlier than 18:06"
        );
        assert_eq!(new[1].why, "改为重大");
        // A recipient new at this level starts at the re-grade.
        let mut rules = defaults();
        rules.push(rule(Level::Major, "分管领导", 20, None, None));
        let major = rules_for(&rules, "自然灾害", Level::Major);
        let new = regrade(&c, &major, Level::Major, sent, at("2026-11-23 16:40"));
        assert_eq!(new[2].recipient, "分管领导");
        assert_eq!(new[2].phone_due, at("2026-11-23 17:00"));
        // The newest setting is in force.
        let mut all = c.clone();
        all.extend(new);
        let force = in_force(&all);
        assert_eq!(force.len(), 3);
        assert_eq!(force[1].written_due, Some(at("2026-11-23 17:40")));
    }
}
