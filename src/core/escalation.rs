//! The escalation state machine (domain.md §4): 新 → 已确认 → 已处置 → 已结束.
//!
//! Pure: `handle(input, now, rungs)` changes the state and returns what must happen (ring, notify,
//! write the timeline); the runtime does it. An event nobody acknowledges climbs the ladder from
//! configuration (shipped: 带班领导 → 办公室主任; never the officer at the keyboard, and the
//! 上级总值班室 receives reports, it is no rung): each rung waits `delay`, reminding
//! `repeat` times at equal intervals, then escalates; the last rung keeps reminding until someone
//! acknowledges. The state is persisted, and a `Tick` long after the last one (the app was closed)
//! catches up step by step, each step timestamped when it was due.

use chrono::{Duration, NaiveDateTime};

labelled_enum!(
    /// Where an event (or an entry's alert) is in its life: the state machine's states.
    EventState {
        New => "新",
        Acknowledged => "已确认",
        Handled => "已处置",
        Closed => "已结束",
    }
);

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rung {
    /// Who is alerted at this rung ("带班领导").
    pub name: String,
    /// Unacknowledged this long on this rung, the event climbs to the next.
    pub delay_minutes: u32,
    /// Reminders at this rung, evenly spaced within the delay.
    pub repeat: u32,
    /// Whom to phone: the people with this role…
    pub role: Option<super::people::Role>,
    /// …or this number (a body outside the people list).
    pub phone: String,
}

impl Rung {
    fn delay(&self) -> Duration {
        Duration::minutes(i64::from(self.delay_minutes.max(1)))
    }

    /// Time between reminders (never less than a minute).
    fn interval(&self) -> Duration {
        (self.delay() / i32::try_from(self.repeat + 1).unwrap_or(i32::MAX)).max(Duration::minutes(1))
    }
}

/// Persisted escalation state of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub state: EventState,
    /// Index into the ladder.
    pub rung: usize,
    /// When the current rung began.
    pub rung_since: NaiveDateTime,
    /// Reminders already given on the current rung.
    pub reminders: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The event was just created.
    Raise,
    /// Time passed.
    Tick,
    Acknowledge {
        by: String,
    },
    Resolve {
        by: String,
    },
    Close {
        by: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Ring the bell, send the desktop notification, show the banner: rung and reminder number.
    Alert { rung: usize, reminder: u32 },
    /// A line for the event's timeline (who is 系统 for automatic steps).
    Timeline {
        at: NaiveDateTime,
        who: String,
        text: String,
    },
    /// The state changed and must be saved.
    Changed,
    /// The input does not apply in this state; the message says why.
    Refused(String),
}

/// Who the timeline names for automatic steps.
pub const SYSTEM: &str = "系统";

/// A step counts as caught up (the app was not running) when handled this much after it was due.
const CATCH_UP_SLACK: i64 = 60;

impl Escalation {
    #[must_use]
    pub fn new(now: NaiveDateTime) -> Self {
        Self {
            state: EventState::New,
            rung: 0,
            rung_since: now,
            reminders: 0,
        }
    }

    /// When the next automatic step is due (for the runtime's wake-up), if any.
    #[must_use]
    pub fn next_due(&self, rungs: &[Rung]) -> Option<NaiveDateTime> {
        if self.state != EventState::New {
            return None;
        }
        let rung = rungs.get(self.rung)?;
        let reminder = self.rung_since + rung.interval() * i32::try_from(self.reminders + 1).unwrap_or(i32::MAX);
        let escalate = (self.rung + 1 < rungs.len()).then(|| self.rung_since + rung.delay());
        Some(escalate.map_or(reminder, |e| e.min(reminder)))
    }

    pub fn handle(&mut self, input: Input, now: NaiveDateTime, rungs: &[Rung]) -> Vec<Output> {
        let mut out = Vec::new();
        match (self.state, input) {
            (_, Input::Raise) => {
                let who = rungs.first().map_or("值班员", |r| r.name.as_str());
                out.push(Output::Timeline {
                    at: now,
                    who: SYSTEM.into(),
                    text: format!("接报，提醒{who}"),
                });
                out.push(Output::Alert { rung: 0, reminder: 0 });
            }
            (EventState::New, Input::Tick) => self.catch_up(now, rungs, &mut out),
            (_, Input::Tick) => {}
            (EventState::New, Input::Acknowledge { by }) => {
                self.state = EventState::Acknowledged;
                let on = rungs
                    .get(self.rung)
                    .map_or(String::new(), |r| format!("（提醒已到{}）", r.name));
                out.push(Output::Timeline {
                    at: now,
                    who: by,
                    text: format!("确认{on}"),
                });
                out.push(Output::Changed);
            }
            (EventState::Acknowledged, Input::Resolve { by }) => {
                self.state = EventState::Handled;
                out.push(Output::Timeline {
                    at: now,
                    who: by,
                    text: "已处置".into(),
                });
                out.push(Output::Changed);
            }
            (EventState::Handled, Input::Close { by }) => {
                self.state = EventState::Closed;
                out.push(Output::Timeline {
                    at: now,
                    who: by,
                    text: "已结束".into(),
                });
                out.push(Output::Changed);
            }
            (state, input) => {
                let wanted = match input {
                    Input::Acknowledge { .. } => "确认只适用于状态为“新”的事件",
                    Input::Resolve { .. } => "须先确认，才能标为已处置",
                    _ => "须先标为已处置，才能结束",
                };
                out.push(Output::Refused(format!("当前状态为“{}”：{wanted}", state.label())));
            }
        }
        out
    }

    /// Takes every step that has come due by `now`, each stamped with its due time.
    fn catch_up(&mut self, now: NaiveDateTime, rungs: &[Rung], out: &mut Vec<Output>) {
        let mut stepped = false;
        // Bounded: a week closed with one-minute reminders is ~10k steps; never loop forever.
        for _ in 0..20_000 {
            let Some(rung) = rungs.get(self.rung) else { break };
            let Some(due) = self.next_due(rungs) else { break };
            if due > now {
                break;
            }
            let late = if (now - due).num_seconds() > CATCH_UP_SLACK {
                "（补记：程序当时未运行）"
            } else {
                ""
            };
            let escalate_at = self.rung_since + rung.delay();
            if self.rung + 1 < rungs.len() && due == escalate_at {
                self.rung += 1;
                self.rung_since = escalate_at;
                self.reminders = 0;
                let text = format!(
                    "{}分钟无人确认，升级至{}{late}",
                    rung.delay_minutes, rungs[self.rung].name
                );
                out.push(Output::Timeline {
                    at: due,
                    who: SYSTEM.into(),
                    text,
                });
            } else {
                self.reminders += 1;
                let text = format!("第 {} 次提醒{}{late}", self.reminders, rung.name);
                out.push(Output::Timeline {
                    at: due,
                    who: SYSTEM.into(),
                    text,
                });
            }
            stepped = true;
        }
        if stepped {
            out.push(Output::Alert {
                rung: self.rung,
                reminder: self.reminders,
            });
            out.push(Output::Changed);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every path of the machine with a fixed clock.
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("2026-11-23 {s}"), "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn ladder() -> Vec<Rung> {
        let r = |name: &str, delay, repeat| Rung {
            name: name.into(),
            delay_minutes: delay,
            repeat,
            role: None,
            phone: String::new(),
        };
        vec![
            r("值班员", 5, 1),
            r("带班领导", 10, 1),
            r("办公室主任", 10, 0),
            r("上级总值班室", 15, 2),
        ]
    }

    fn texts(out: &[Output]) -> Vec<String> {
        out.iter()
            .filter_map(|o| match o {
                Output::Timeline { at, text, .. } => Some(format!("{} {text}", at.format("%H:%M:%S"))),
                _ => None,
            })
            .collect()
    }

    fn alerts(out: &[Output]) -> usize {
        out.iter().filter(|o| matches!(o, Output::Alert { .. })).count()
    }

    #[test]
    fn raise_alerts_the_first_rung() {
        let mut e = Escalation::new(at("03:00:00"));
        let out = e.handle(Input::Raise, at("03:00:00"), &ladder());
        assert_eq!(texts(&out), ["03:00:00 接报，提醒值班员"]);
        assert_eq!(alerts(&out), 1);
        assert_eq!(e.next_due(&ladder()), Some(at("03:02:30")));
    }

    #[test]
    fn acknowledged_in_time_never_escalates() {
        let rungs = ladder();
        let mut e = Escalation::new(at("03:00:00"));
        e.handle(Input::Raise, at("03:00:00"), &rungs);
        assert!(e.handle(Input::Tick, at("03:02:00"), &rungs).is_empty());
        let out = e.handle(Input::Acknowledge { by: "张三".into() }, at("03:02:10"), &rungs);
        assert_eq!(texts(&out), ["03:02:10 确认（提醒已到值班员）"]);
        assert_eq!(e.state, EventState::Acknowledged);
        assert!(e.handle(Input::Tick, at("05:00:00"), &rungs).is_empty());
        assert_eq!(e.next_due(&rungs), None);
    }

    #[test]
    fn reminders_repeat_then_it_escalates_twice() {
        let rungs = ladder();
        let mut e = Escalation::new(at("03:00:00"));
        e.handle(Input::Raise, at("03:00:00"), &rungs);
        let mut log = Vec::new();
        // Tick every second for twenty minutes: steps happen exactly when due.
        let mut t = at("03:00:00");
        let mut rings = 0;
        while t < at("03:20:00") {
            t += Duration::seconds(1);
            let out = e.handle(Input::Tick, t, &rungs);
            rings += alerts(&out);
            log.extend(texts(&out));
        }
        assert_eq!(
            log,
            [
                "03:02:30 第 1 次提醒值班员",
                "03:05:00 5分钟无人确认，升级至带班领导",
                "03:10:00 第 1 次提醒带班领导",
                "03:15:00 10分钟无人确认，升级至办公室主任",
            ]
        );
        assert_eq!(rings, 4, "every step rings");
        assert_eq!((e.rung, e.state), (2, EventState::New));
    }

    #[test]
    fn the_last_rung_keeps_reminding_until_acknowledged() {
        let rungs = ladder();
        let mut e = Escalation {
            state: EventState::New,
            rung: 3,
            rung_since: at("04:00:00"),
            reminders: 0,
        };
        let out = e.handle(Input::Tick, at("04:20:00"), &rungs);
        assert_eq!(
            texts(&out),
            [
                "04:05:00 第 1 次提醒上级总值班室（补记：程序当时未运行）",
                "04:10:00 第 2 次提醒上级总值班室（补记：程序当时未运行）",
                "04:15:00 第 3 次提醒上级总值班室（补记：程序当时未运行）",
                "04:20:00 第 4 次提醒上级总值班室",
            ]
        );
        assert_eq!(alerts(&out), 1, "a catch-up rings once, not once per missed step");
        e.handle(Input::Acknowledge { by: "王五".into() }, at("04:21:00"), &rungs);
        assert!(e.handle(Input::Tick, at("09:00:00"), &rungs).is_empty());
    }

    #[test]
    fn restarted_in_the_middle_of_an_escalation_it_resumes_where_it_should_be() {
        let rungs = ladder();
        let mut e = Escalation::new(at("03:00:00"));
        e.handle(Input::Raise, at("03:00:00"), &rungs);
        e.handle(Input::Tick, at("03:06:00"), &rungs); // climbed to 带班领导 at 03:05
        let saved = e.clone(); // what the store holds when the app is killed
        // Two hours later the app starts again from the saved state.
        let mut resumed = saved;
        let out = resumed.handle(Input::Tick, at("05:06:00"), &rungs);
        let log = texts(&out);
        assert_eq!(log[0], "03:10:00 第 1 次提醒带班领导（补记：程序当时未运行）");
        assert_eq!(
            log[1],
            "03:15:00 10分钟无人确认，升级至办公室主任（补记：程序当时未运行）"
        );
        assert_eq!(
            log[2],
            "03:25:00 10分钟无人确认，升级至上级总值班室（补记：程序当时未运行）"
        );
        assert_eq!(resumed.rung, 3);
        assert_eq!(
            resumed.reminders, 20,
            "reminders every 5 min from 03:25: the 20th is at 05:05"
        );
        assert!(out.contains(&Output::Changed));
        // The same result as if it had never stopped.
        let mut continuous = e;
        let mut t = at("03:06:00");
        while t < at("05:06:00") {
            t += Duration::seconds(30);
            continuous.handle(Input::Tick, t, &rungs);
        }
        assert_eq!(continuous, resumed);
    }

    #[test]
    fn resolved_and_closed_in_order_only() {
        let rungs = ladder();
        let mut e = Escalation::new(at("03:00:00"));
        let refused = e.handle(Input::Resolve { by: "张三".into() }, at("03:01:00"), &rungs);
        assert!(matches!(&refused[..], [Output::Refused(m)] if m.contains("须先确认")));
        e.handle(Input::Acknowledge { by: "张三".into() }, at("03:01:00"), &rungs);
        assert!(matches!(
            &e.handle(Input::Close { by: "张三".into() }, at("03:02:00"), &rungs)[..],
            [Output::Refused(_)]
        ));
        e.handle(Input::Resolve { by: "张三".into() }, at("03:30:00"), &rungs);
        assert_eq!(e.state, EventState::Handled);
        let out = e.handle(Input::Close { by: "王五".into() }, at("04:00:00"), &rungs);
        assert_eq!(texts(&out), ["04:00:00 已结束"]);
        assert_eq!(e.state, EventState::Closed);
        assert!(matches!(
            &e.handle(Input::Acknowledge { by: "x".into() }, at("04:01:00"), &rungs)[..],
            [Output::Refused(_)]
        ));
    }
}
