//! The alerts every screen shows: open urgent events and the alerts raised by urgent log entries.
//! They tick every second whatever the screen, are re-read from the store every few seconds, and
//! run the escalation machine. Pure: the app passes `now` and turns the returned [`Step`]s into
//! requests (save a step, append a timeline line) and effects (bell, notification).

use chrono::{Duration, NaiveDateTime};

use super::escalation::EventState;
use super::escalation::{self, Escalation, Input};
use super::settings::UrgentSettings;
use super::urgent::{AlertTarget, EntryAlert, Event, EventId, TimelineLine, followups_due};

/// How often open events are re-read from the store.
pub const EVENTS_RELOAD_SECONDS: i64 = 2;

/// A desktop notification: category, level and time only — never the content (保密).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

impl Notice {
    /// An urgent log entry: no category or level, so the notice says only that one is waiting.
    #[must_use]
    pub fn for_entry() -> Self {
        Self {
            title: "值班提醒：紧急事项".into(),
            body: "有急办/请示事项待确认".into(),
        }
    }

    #[must_use]
    pub fn for_event(e: &Event) -> Self {
        Self {
            title: "值班提醒：紧急事项".into(),
            body: format!(
                "{} {} 接报 {}",
                e.facts.level.label(),
                e.record.category,
                e.record.received_at.format("%H:%M")
            ),
        }
    }
}

/// What the alerts ask of the app after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ring the bell and notify the desktop.
    Alert(Notice),
    /// Save an escalation step, only if the stored state is still `before`.
    Save {
        target: AlertTarget,
        before: Escalation,
        after: Escalation,
        lines: Vec<TimelineLine>,
    },
    /// An alert reached a rung of the ladder (raised, or climbed to): whom the SMS hook may tell
    /// (the first terminal to claim it sends).
    Reached(AlertTarget, usize),
    /// A follow-up time passed: record it on the event's timeline.
    Followup(EventId, TimelineLine),
    /// Read the open events and entry alerts again.
    Reload,
    /// Something to tell the officer.
    Say(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts {
    /// Urgent events not yet 已结束, shown on every screen.
    pub events: Vec<Event>,
    /// Alerts raised by urgent log entries, not yet acknowledged or closed.
    pub entry_alerts: Vec<EntryAlert>,
    /// When the events were last read from the store (another terminal or a script may add one).
    loaded_at: Option<NaiveDateTime>,
    /// The store has answered once: until then nothing can be said about what is open.
    read: bool,
    /// The previous tick, to see which scheduled times passed in between.
    last_tick: Option<NaiveDateTime>,
}

impl Alerts {
    /// Whether the open events have been read at least once (the first frame comes before).
    #[must_use]
    pub fn read(&self) -> bool {
        self.read
    }

    /// Events that still need someone, most pressing first: unacknowledged, then by clock.
    #[must_use]
    pub fn pressing(&self, now: NaiveDateTime) -> Vec<&Event> {
        let mut v: Vec<&Event> = self.events.iter().filter(|e| e.needs_attention(now)).collect();
        v.sort_by_key(|e| {
            (
                e.escalation.state != EventState::New,
                std::cmp::Reverse(e.urgency(now)),
                e.id,
            )
        });
        v
    }

    /// Alerts raised by urgent log entries that nobody has acknowledged yet.
    #[must_use]
    pub fn unacked_entry_alerts(&self) -> Vec<&EntryAlert> {
        self.entry_alerts
            .iter()
            .filter(|a| a.escalation.state == EventState::New)
            .collect()
    }

    /// Unacknowledged alerts (events and entries) and events whose report clocks still run: what
    /// the quit question mentions.
    #[must_use]
    pub fn open_counts(&self, now: NaiveDateTime) -> (usize, usize) {
        let unacked = self
            .events
            .iter()
            .filter(|e| e.escalation.state == EventState::New)
            .count()
            + self.unacked_entry_alerts().len();
        let running = self.events.iter().filter(|e| e.needs_attention(now)).count();
        (unacked, running)
    }

    /// The events and entry alerts as stored: anything unacknowledged that was not known before
    /// rings here too (the app just started, or another terminal or a script raised it).
    pub fn on_loaded(
        &mut self,
        events: Vec<Event>,
        entry_alerts: Vec<EntryAlert>,
        now: NaiveDateTime,
        urgent: &UrgentSettings,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        for a in entry_alerts.iter().filter(|a| a.escalation.state == EventState::New) {
            if !self.entry_alerts.iter().any(|known| known.id == a.id) {
                steps.push(Step::Alert(Notice::for_entry()));
                steps.push(Step::Reached(AlertTarget::Entry(a.id), a.escalation.rung));
            }
        }
        for e in events.iter().filter(|e| e.escalation.state == EventState::New) {
            if !self.events.iter().any(|known| known.id == e.id) {
                steps.push(Step::Alert(Notice::for_event(e)));
                steps.push(Step::Reached(AlertTarget::Event(e.id), e.escalation.rung));
            }
        }
        self.entry_alerts = entry_alerts;
        self.events = events;
        self.loaded_at = Some(now);
        self.read = true;
        // Catch up at once: an app closed for hours shows and records the overdue steps now.
        steps.extend(self.tick(now, urgent));
        steps
    }

    /// Runs the escalation machine of every open event and entry alert; announces follow-up
    /// times passed since the last tick; re-reads every few seconds.
    pub fn tick(&mut self, now: NaiveDateTime, urgent: &UrgentSettings) -> Vec<Step> {
        let (ladder, followup_times) = (&urgent.ladder, &urgent.followup_times);
        let mut steps = Vec::new();
        for e in &mut self.events {
            let before = e.escalation.clone();
            let outputs = e.escalation.handle(Input::Tick, now, ladder);
            steps.extend(to_steps(
                AlertTarget::Event(e.id),
                Notice::for_event(e),
                before,
                &e.escalation,
                outputs,
            ));
        }
        for a in &mut self.entry_alerts {
            let before = a.escalation.clone();
            let outputs = a.escalation.handle(Input::Tick, now, ladder);
            steps.extend(to_steps(
                AlertTarget::Entry(a.id),
                Notice::for_entry(),
                before,
                &a.escalation,
                outputs,
            ));
        }
        // Follow-up times (e.g. 08:00, 17:00) ask for a 续报 until the 终报. Only times passed
        // while this app was running are announced, so a restart does not ring for old ones.
        if let Some(since) = self.last_tick {
            for e in &self.events {
                for at in followups_due(e, followup_times, since, now) {
                    let text = format!("续报时刻 {}：请报送续报", at.format("%H:%M"));
                    steps.push(Step::Followup(
                        e.id,
                        TimelineLine {
                            at,
                            who: escalation::SYSTEM.into(),
                            text,
                        },
                    ));
                    steps.push(Step::Alert(Notice::for_event(e)));
                    steps.push(Step::Say(format!(
                        "续报时刻 {}：第 {} 号事件请报续报（紧急事项栏按 p）",
                        at.format("%H:%M"),
                        e.id
                    )));
                }
            }
        }
        self.last_tick = Some(now);
        // Re-read every few seconds, and at once if the clock jumped backwards (a corrected clock
        // must not stall the reloads until it catches up with the old time).
        if self
            .loaded_at
            .is_none_or(|t| now - t >= Duration::seconds(EVENTS_RELOAD_SECONDS) || now < t)
        {
            self.loaded_at = Some(now);
            steps.push(Step::Reload);
        }
        steps
    }

    /// Applies an officer's input (acknowledge, resolve, close) to one event or entry alert.
    pub fn apply(
        &mut self,
        target: AlertTarget,
        input: Input,
        now: NaiveDateTime,
        ladder: &[escalation::Rung],
    ) -> Vec<Step> {
        match target {
            AlertTarget::Event(id) => {
                let Some(e) = self.events.iter_mut().find(|e| e.id == id) else {
                    return vec![Step::Say(format!("第 {id} 号紧急事件已不在进行中"))];
                };
                let before = e.escalation.clone();
                let outputs = e.escalation.handle(input, now, ladder);
                to_steps(target, Notice::for_event(e), before, &e.escalation, outputs)
            }
            AlertTarget::Entry(id) => {
                let Some(a) = self.entry_alerts.iter_mut().find(|a| a.id == id) else {
                    return Vec::new();
                };
                let before = a.escalation.clone();
                let outputs = a.escalation.handle(input, now, ladder);
                to_steps(target, Notice::for_entry(), before, &a.escalation, outputs)
            }
        }
    }

    /// F2: the given event if it waits for an acknowledgement, else the most pressing
    /// unacknowledged event, else the first unacknowledged entry alert.
    pub fn acknowledge(
        &mut self,
        preferred: Option<EventId>,
        by: &str,
        now: NaiveDateTime,
        ladder: &[escalation::Rung],
    ) -> Vec<Step> {
        let waiting = |e: &&Event| e.escalation.state == EventState::New;
        let event = preferred
            .and_then(|id| self.events.iter().find(|e| e.id == id))
            .filter(waiting)
            .map(|e| e.id)
            .or_else(|| self.pressing(now).into_iter().find(waiting).map(|e| e.id));
        let input = Input::Acknowledge { by: by.to_string() };
        if let Some(id) = event {
            let mut steps = self.apply(AlertTarget::Event(id), input, now, ladder);
            steps.push(Step::Say(format!(
                "{by} 已确认第 {id} 号紧急事件；报送时限仍在计时，报告后请记录"
            )));
            return steps;
        }
        // No event waits: an urgent log entry may.
        match self.entry_alerts.iter().find(|a| a.escalation.state == EventState::New) {
            Some(a) => {
                let (alert_id, entry_id) = (a.id, a.entry_id);
                let mut steps = self.apply(AlertTarget::Entry(alert_id), input, now, ladder);
                steps.push(Step::Say(format!("{by} 已确认第 {entry_id} 号值班记录的紧急提醒")));
                steps
            }
            None => vec![Step::Say("没有待确认的紧急事项".into())],
        }
    }
}

/// Turns the escalation machine's outputs into steps: ring and notify on an alert, and save the
/// step (with its timeline lines) when the state changed.
fn to_steps(
    target: AlertTarget,
    notice: Notice,
    before: Escalation,
    after: &Escalation,
    outputs: Vec<escalation::Output>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = Vec::new();
    let mut changed = false;
    for o in outputs {
        match o {
            escalation::Output::Timeline { at, who, text } => lines.push(TimelineLine { at, who, text }),
            escalation::Output::Alert { rung, reminder } => {
                steps.push(Step::Alert(notice.clone()));
                if reminder == 0 {
                    steps.push(Step::Reached(target, rung));
                }
            }
            escalation::Output::Changed => changed = true,
            escalation::Output::Refused(m) => steps.push(Step::Say(m)),
        }
    }
    if changed {
        steps.push(Step::Save {
            target,
            before,
            after: after.clone(),
            lines,
        });
    }
    steps
}
