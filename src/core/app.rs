//! The application model: which tab is open, who is on duty, overlays, the status line, and
//! `update(msg, now) -> effects`, the one place state changes. Pure: no terminal, no disk, no
//! clock — the runtime passes `now` in and executes the returned effects.

use chrono::{Duration, NaiveDateTime};

use super::escalation::{self, Escalation, EventState, Input};
use super::form::{Form, FormEvent};
use super::handover::{Handover, HandoverId, HandoverSummary, OpenState};
use super::handover_screen::{HandoverField, HandoverScreen, SignRequest};
use super::keymap::{Action, Key, Mode, resolve};
use super::log::{AmendRequest, Entry, EntryId, EntryKey, EntrySummary, InstructionRequest, NewEntry};
use super::log_screen::{Ctx, LogScreen, Out, PageRequest};
use super::roster::{Shift, Swap};
use super::roster_screen::RosterScreen;
use super::search::{SearchCursor, SearchHit};
use super::search_screen::SearchScreen;
pub use super::settings::{Person, Role, Settings};
use super::urgent::{
    AlertTarget, EntryAlert, Event, EventId, NewEvent, Report, ReportType, TimelineLine, followups_due,
};
use super::urgent_screen::{
    UrgentPurpose, UrgentScreen, call_form, new_event_form, read_call_form, read_event_form, read_report_form,
    report_form,
};
use super::visit::{NewVisit, NewWatchEntry, Reveal, Visit, VisitId, VisitorMatch, WatchEntry};
use super::visit_screen::{AlertEntry, VisitPageRequest, VisitScreen};

/// The areas of the app, one tab each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Log,
    Visitors,
    Urgent,
    Handover,
    Search,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Self::Log, Self::Visitors, Self::Urgent, Self::Handover, Self::Search];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Log => "值班记录",
            Self::Visitors => "来访登记",
            Self::Urgent => "紧急事项",
            Self::Handover => "交接班",
            Self::Search => "查询",
        }
    }

    /// Whether the feature behind the tab exists yet; the others say so plainly.
    #[must_use]
    pub fn is_available(self) -> bool {
        matches!(
            self,
            Self::Log | Self::Visitors | Self::Urgent | Self::Handover | Self::Search
        )
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(Key),
    /// Bracketed paste: the whole text at once.
    Paste(String),
    /// Time passed (the runtime ticks at least once a second).
    Tick,
    /// The keyboard has been still for as long as [`App::pause_wanted`] asked (the runtime
    /// sends it only then).
    Paused,
    /// How many list rows fit on screen, from the UI layout.
    Viewport(usize),
    Page(PageRequest, Vec<EntrySummary>),
    Entry(Box<Entry>),
    /// A write committed; `key` is where the entry now sits in the log.
    Saved {
        entry_id: EntryId,
        key: EntryKey,
    },
    SaveFailed(String),
    LoadFailed(String),
    /// The open urgent events and log-entry alerts, as stored.
    Events(Vec<Event>, Vec<EntryAlert>),
    EventCreated(EventId),
    /// A report or timeline line was saved: (event, what to say).
    EventSaved(EventId, String),
    Timeline(EventId, Vec<TimelineLine>),
    /// Another terminal or a script wrote to the database: re-read what is on screen.
    ForeignWrites,
    /// The desktop notifier could not deliver (said once on the status line).
    NotifyFailed(String),
    /// Something to say on the status line (an export's path, or why it failed).
    Said(String),
    /// The PIN matched (or, at a first lock, was set): `note` says which.
    Unlocked(String),
    UnlockFailed(String),
    /// The start-up integrity check: problems found (empty when all is well).
    Integrity(Vec<String>),
    /// Search results for what was typed; `append` adds a page.
    SearchResults {
        input: String,
        hits: Vec<SearchHit>,
        append: bool,
    },
    SearchFailed {
        input: String,
        why: String,
    },
    /// The 值班日报, as lines to read.
    Report(Vec<String>),
    /// What is open, for the handover draft.
    OpenState(Box<OpenState>),
    /// Something new became open while signing: the draft is refreshed, not signed.
    HandoverStale(Box<OpenState>),
    Handovers(Vec<HandoverSummary>),
    /// Imported shifts and swaps read for a window.
    Roster {
        window: (NaiveDateTime, NaiveDateTime),
        imported: Vec<Shift>,
        swaps: Vec<Swap>,
    },
    SwapSaved(String),
    /// Who is inside, and the watch list.
    Visits {
        inside: Vec<Visit>,
        watch: Vec<WatchEntry>,
    },
    /// A page of 全部来访.
    VisitPage(VisitPageRequest, Vec<Visit>),
    LookupResults(String, Vec<VisitorMatch>),
    /// A visit was saved; `alerts` says whether it raised any.
    VisitSaved {
        said: String,
        alerts: bool,
    },
    VisitLoaded(Box<Visit>, Vec<Reveal>),
    Revealed {
        id: VisitId,
        full: String,
        reveals: Vec<Reveal>,
    },
    /// A check-out or watch-list entry was saved, or refused: what to say.
    VisitDone(String),
    HandoverLoaded(Box<Handover>),
    /// Both signed; the incoming officer takes over the keyboard. `note` says e.g. a PIN was set.
    HandoverSigned {
        id: HandoverId,
        incoming: String,
        note: String,
    },
    /// Signing was refused; `pin_of` names the PIN that did not match.
    SignFailed {
        pin_of: Option<HandoverField>,
        message: String,
    },
}

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
                e.record.level.label(),
                e.record.category,
                e.record.received_at.format("%H:%M")
            ),
        }
    }
}

/// Everything the app may ask the outside world to do. Only the runtime executes these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadPage(PageRequest),
    LoadEntry(EntryId),
    /// Save a new entry; with timeline lines, it also raises an urgent alert.
    SaveEntry(Box<NewEntry>, Option<Vec<TimelineLine>>),
    Amend(AmendRequest),
    Instruct(InstructionRequest),
    LoadEvents,
    LoadTimeline(EventId),
    /// Ask the store whether another terminal or a script wrote since the last look.
    CheckForeignWrites,
    CreateEvent(Box<NewEvent>, Vec<TimelineLine>),
    AddReport {
        event_id: EventId,
        kind: ReportType,
        report: Box<Report>,
    },
    AppendTimeline(EventId, TimelineLine),
    /// Save an escalation step, only if the stored state is still `before` (another terminal may
    /// have taken the same step).
    SaveEscalation {
        target: AlertTarget,
        before: Escalation,
        after: Escalation,
        lines: Vec<TimelineLine>,
    },
    /// The quick integrity check of the audit chain and the newest records.
    QuickVerify,
    /// Search what was typed; `before` asks for the page after a cursor.
    Search {
        input: String,
        before: Option<SearchCursor>,
    },
    /// The 值班日报 for the 24 hours ending at 08:00 on `date`.
    DailyReport {
        date: chrono::NaiveDate,
        office: String,
    },
    /// Check the operator's PIN (a first lock sets it).
    Unlock {
        name: String,
        pin: String,
    },
    LoadOpenState,
    LoadHandovers,
    LoadRoster(NaiveDateTime, NaiveDateTime),
    /// Who is inside, and the watch list.
    LoadVisits,
    LoadVisitPage(VisitPageRequest),
    LookupVisitors(String),
    /// Save a visit, then raise each alert (as an urgent log entry).
    SaveVisit(Box<NewVisit>, Vec<AlertEntry>),
    Checkout {
        id: VisitId,
        by: String,
    },
    LoadVisit(VisitId),
    /// Show one full ID number, logging who looked and when.
    RevealId {
        id: VisitId,
        by: String,
    },
    AddWatch(Box<NewWatchEntry>),
    AddSwap(Box<Swap>),
    LoadHandover(HandoverId),
    SignHandover(Box<SignRequest>),
    ExportHandover {
        id: HandoverId,
        office: String,
    },
    /// The terminal bell.
    Ring,
    Notify(Notice),
    Quit,
}

/// A question that needs y or n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    QuitDiscarding,
    DiscardForm,
    DiscardDraft,
    Checkout(VisitId),
}

impl Confirm {
    #[must_use]
    pub fn question(self) -> &'static str {
        match self {
            Self::Quit => "确定退出值班系统吗？",
            Self::QuitDiscarding => "表单还没有保存。放弃已填写的内容并退出吗？",
            Self::DiscardForm => "放弃本次填写的内容吗？",
            Self::DiscardDraft => "放弃这份交班单吗？接班人的逐项确认也会一并放弃",
            Self::Checkout(_) => "离开登记？",
        }
    }
}

/// How long a status message stays on the status line.
const MESSAGE_SECONDS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub settings: Settings,
    /// Who is at the keyboard; `None` until picked.
    pub operator: Option<String>,
    pub picker_selected: usize,
    pub tab: Tab,
    pub log: LogScreen,
    pub help: bool,
    pub confirm: Option<Confirm>,
    pub message: Option<StatusMessage>,
    /// The time of the last message, for the status-line clock.
    pub now: NaiveDateTime,
    pub quit: bool,
    /// Urgent events not yet 已结束, shown on every screen.
    pub events: Vec<Event>,
    /// Alerts raised by urgent log entries, not yet acknowledged or closed.
    pub entry_alerts: Vec<EntryAlert>,
    pub urgent: UrgentScreen,
    pub handover: HandoverScreen,
    pub roster: RosterScreen,
    pub visits: VisitScreen,
    pub search: SearchScreen,
    /// What the start-up integrity check found, shown on the status line until the app closes.
    pub integrity: Option<String>,
    /// The screen lock, when locked.
    pub locked: Option<super::lock::Lock>,
    /// The last key or paste, for the idle lock.
    last_input: NaiveDateTime,
    /// When the events were last read from the store (another terminal or a script may add one).
    events_loaded_at: Option<NaiveDateTime>,
    /// The previous tick, to see which scheduled times passed in between.
    last_tick: Option<NaiveDateTime>,
}

/// How often open events are re-read from the store.
const EVENTS_RELOAD_SECONDS: i64 = 2;

impl App {
    #[must_use]
    pub fn new(settings: Settings, operator: Option<String>, now: NaiveDateTime) -> Self {
        Self {
            settings,
            operator,
            picker_selected: 0,
            tab: Tab::Log,
            log: LogScreen::default(),
            help: false,
            confirm: None,
            message: None,
            now,
            quit: false,
            events: Vec::new(),
            entry_alerts: Vec::new(),
            urgent: UrgentScreen::default(),
            handover: HandoverScreen::default(),
            roster: RosterScreen::default(),
            visits: VisitScreen::default(),
            search: SearchScreen::default(),
            integrity: None,
            locked: None,
            last_input: now,
            events_loaded_at: None,
            last_tick: None,
        }
    }

    /// Effects to run once at start (the first page, if the operator is already known).
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::LoadEvents, Effect::QuickVerify];
        if self.operator.is_some() {
            effects.push(self.log.list.initial());
        }
        effects
    }

    /// Events that still need someone, most pressing first: unacknowledged, then by clock.
    #[must_use]
    pub fn alerts(&self) -> Vec<&Event> {
        let mut v: Vec<&Event> = self.events.iter().filter(|e| e.needs_attention()).collect();
        v.sort_by_key(|e| {
            (
                e.escalation.state != EventState::New,
                std::cmp::Reverse(e.urgency(self.now)),
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

    /// The form being typed in, whichever screen owns it.
    fn active_form(&self) -> Option<&Form> {
        match self.tab {
            Tab::Urgent => self.urgent.form.as_ref(),
            Tab::Visitors => self.visits.form.as_ref().map(|(f, _)| f),
            Tab::Handover => self
                .roster
                .form
                .as_ref()
                .or(self.handover.form.as_ref().map(|(f, _)| f)),
            _ => self.log.form.as_ref().map(|f| &f.form),
        }
    }

    fn has_unsaved_form(&self) -> bool {
        self.log.has_unsaved_form()
            || self.urgent.form.as_ref().is_some_and(|f| f.dirty)
            || self.handover.has_unsaved_work()
            || self.roster.form.as_ref().is_some_and(|f| f.dirty)
            || self.visits.has_unsaved_work()
    }

    /// The live keymap mode.
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.locked.is_some() {
            Mode::Locked
        } else if self.confirm.is_some() {
            Mode::Confirm
        } else if self.help {
            Mode::Help
        } else if self.operator.is_none() {
            Mode::Picker
        } else {
            self.screen_mode()
        }
    }

    fn screen_mode(&self) -> Mode {
        match self.tab {
            Tab::Log => self.log.mode(),
            Tab::Urgent if self.urgent.form.is_some() => Mode::Form,
            Tab::Urgent => Mode::Urgent,
            Tab::Visitors => self.visits.mode(),
            Tab::Search => self.search.mode(),
            Tab::Handover if self.roster.form.is_some() => Mode::Form,
            Tab::Handover if self.roster.open => Mode::Roster,
            Tab::Handover => self.handover.mode(),
        }
    }

    /// The mode help describes (the one under the overlay).
    #[must_use]
    pub fn mode_under_help(&self) -> Mode {
        let mut copy_mode = self.mode();
        if copy_mode == Mode::Help {
            copy_mode = if self.operator.is_none() {
                Mode::Picker
            } else {
                self.screen_mode()
            };
        }
        copy_mode
    }

    pub fn update(&mut self, msg: Msg, now: NaiveDateTime) -> Vec<Effect> {
        self.now = now;
        let mut out = Out::default();
        match msg {
            Msg::Tick => {
                if self
                    .message
                    .as_ref()
                    .is_some_and(|m| now - m.at > Duration::seconds(MESSAGE_SECONDS))
                {
                    self.message = None;
                }
                self.tick_events(now, &mut out);
                self.load_roster_if_needed(&mut out);
                let idle = Duration::minutes(i64::from(self.settings.lock_minutes));
                if self.settings.lock_minutes > 0
                    && self.operator.is_some()
                    && self.locked.is_none()
                    && now - self.last_input >= idle
                {
                    self.locked = Some(super::lock::Lock::default());
                }
                out.effects.push(Effect::CheckForeignWrites);
            }
            Msg::ForeignWrites => {
                if self.log.list.loaded {
                    // On the newest row the officer follows the log: stay on the newest, which is
                    // what another terminal just wrote. Elsewhere, keep the row they selected.
                    let list = &self.log.list;
                    let following = list.selected == 0 && !list.more_newer;
                    let selected = list.selected_row().map(|r| r.id).filter(|_| !following);
                    out.effects.push(self.log.list.reload(selected));
                }
                if let Some(d) = &self.log.detail {
                    out.effects.push(Effect::LoadEntry(d.id));
                }
                out.effects.push(Effect::LoadEvents);
                // Results on screen follow what another terminal wrote.
                if self.tab == Tab::Search && !self.search.query.text().trim().is_empty() {
                    out.effects.push(Effect::Search {
                        input: self.search.query.text().to_string(),
                        before: None,
                    });
                }
                if self.tab == Tab::Visitors {
                    out.effects.push(Effect::LoadVisits);
                    let request = self.visits.reload_all();
                    self.visit_request(request, &mut out);
                }
                self.roster.invalidate();
                self.load_roster_if_needed(&mut out);
            }
            Msg::Events(events, entry_alerts) => {
                for a in entry_alerts.iter().filter(|a| a.escalation.state == EventState::New) {
                    if !self.entry_alerts.iter().any(|known| known.id == a.id) {
                        out.effects.extend([Effect::Ring, Effect::Notify(Notice::for_entry())]);
                    }
                }
                self.entry_alerts = entry_alerts;
                // An unacknowledged event this app has not seen before (the app just started, or
                // another terminal or a script raised it) rings here too.
                for e in events.iter().filter(|e| e.escalation.state == EventState::New) {
                    if !self.events.iter().any(|known| known.id == e.id) {
                        out.effects.extend([Effect::Ring, Effect::Notify(Notice::for_event(e))]);
                    }
                }
                if self.tab == Tab::Urgent
                    && let Some(e) = events.get(self.urgent.selected.min(events.len().saturating_sub(1)))
                {
                    out.effects.push(Effect::LoadTimeline(e.id));
                }
                self.events = events;
                self.events_loaded_at = Some(now);
                self.urgent.selected = self.urgent.selected.min(self.events.len().saturating_sub(1));
                // Catch up at once: an app closed for hours shows and records the overdue steps now.
                self.tick_events(now, &mut out);
            }
            Msg::EventCreated(id) => {
                self.urgent.form = None;
                // The entry it came from now says so.
                if let Some(entry_id) = self.urgent.promoting.take()
                    && self.log.detail.as_ref().is_some_and(|d| d.id == entry_id)
                {
                    out.effects.push(Effect::LoadEntry(entry_id));
                }
                out.say_str(&format!("已保存：第 {id} 号紧急事件，报送时限开始计时"));
                // Reloading rings and notifies for the new unacknowledged event.
                out.effects.push(Effect::LoadEvents);
            }
            Msg::Timeline(id, lines) => self.urgent.timeline = Some((id, lines)),
            Msg::EventSaved(id, said) => {
                // Background saves (a follow-up reminder) must not close a form being typed, nor
                // push the reminder's own message off the status line.
                if self.urgent.form.as_ref().is_some_and(|f| f.saving) {
                    self.urgent.form = None;
                    out.say_str(&said);
                }
                out.effects.extend([Effect::LoadEvents, Effect::LoadTimeline(id)]);
            }
            Msg::NotifyFailed(why) => {
                // Said once; it must not push a fresh "已保存" off the status line, so it follows it.
                let text = match &self.message {
                    Some(m) if now - m.at < Duration::seconds(5) => format!("{}；{why}", m.text),
                    _ => why,
                };
                out.say_str(&text);
            }
            Msg::Paused => {
                if self.mode() == Mode::VisitLookup {
                    let request = self.visits.on_pause();
                    self.visit_request(request, &mut out);
                }
            }
            Msg::Viewport(rows) => {
                self.log.list.viewport = rows;
                if let Some(e) = self.log.list.move_by(0) {
                    out.effects.push(e);
                }
            }
            Msg::Key(key) if self.locked.is_some() => {
                self.last_input = now;
                self.on_locked_key(key, &mut out);
            }
            // Nothing pasted reaches a locked screen.
            Msg::Paste(_) if self.locked.is_some() => {}
            Msg::Unlocked(note) => {
                self.locked = None;
                self.last_input = now;
                out.say_str(&note);
            }
            Msg::UnlockFailed(why) => {
                if let Some(l) = &mut self.locked {
                    l.failed(&why);
                }
            }
            Msg::Key(key) => {
                self.last_input = now;
                self.on_key(key, &mut out);
            }
            Msg::Paste(text) => {
                self.last_input = now;
                if self.mode() == Mode::Search {
                    self.search_paste(&text, &mut out);
                } else if matches!(self.mode(), Mode::Form | Mode::VisitLookup) && self.tab == Tab::Visitors {
                    self.visit_paste(&text, &mut out);
                } else if self.mode() == Mode::Form && self.tab == Tab::Handover {
                    if let Some(form) = self
                        .roster
                        .form
                        .as_mut()
                        .or(self.handover.form.as_mut().map(|(f, _)| f))
                        && let FormEvent::Notice(m) = form.paste(&text)
                    {
                        form.notice = Some(m.clone());
                        out.say_str(&m);
                    }
                } else if self.mode() == Mode::Form && self.tab == Tab::Urgent {
                    if let Some(form) = &mut self.urgent.form
                        && let FormEvent::Notice(m) = form.paste(&text)
                    {
                        form.notice = Some(m.clone());
                        out.say_str(&m);
                    }
                } else if self.mode() == Mode::Form {
                    let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                    self.log.on_paste(&text, &ctx, &mut out);
                } else {
                    // Never run pasted text as keys; say why nothing happened.
                    out.say_str("粘贴只能在填写表单时使用：先按 n 新建记录");
                }
            }
            Msg::Page(req, rows) => self.log.on_page(req, rows, &mut out),
            Msg::Entry(entry) => self.log.on_entry(*entry),
            Msg::Saved { entry_id, key } => self.log.on_saved(entry_id, key, &mut out),
            Msg::SaveFailed(m) if self.urgent.form.as_ref().is_some_and(|f| f.saving) => {
                let text = format!("保存失败：{m}。已填写的内容都还在，处理后可再按 Ctrl-S 重试");
                if let Some(f) = &mut self.urgent.form {
                    f.saving = false;
                    f.notice = Some(text.clone());
                }
                out.say_str(&text);
            }
            Msg::SaveFailed(m) if self.visits.form.as_ref().is_some_and(|(f, _)| f.saving) => {
                let text = format!("保存失败：{m}。已填写的内容都还在，处理后可再按 Ctrl-S 重试");
                if let Some((f, _)) = &mut self.visits.form {
                    f.saving = false;
                    f.notice = Some(text.clone());
                }
                out.say_str(&text);
            }
            Msg::SaveFailed(m) if self.roster.form.as_ref().is_some_and(|f| f.saving) => {
                let text = format!("保存失败：{m}。已填写的内容都还在，处理后可再按 Ctrl-S 重试");
                if let Some(f) = &mut self.roster.form {
                    f.saving = false;
                    f.notice = Some(text.clone());
                }
                out.say_str(&text);
            }
            Msg::SaveFailed(m) => self.log.on_save_failed(&m, &mut out),
            Msg::LoadFailed(m) => self.log.on_load_failed(&m, &mut out),
            Msg::Integrity(problems) => {
                self.integrity = problems.first().map(|p| {
                    format!(
                        "完整性检查发现 {} 处问题（如：{p}），请运行 zhiban verify 查看并报告",
                        problems.len()
                    )
                });
            }
            msg @ (Msg::SearchResults { .. } | Msg::SearchFailed { .. } | Msg::Report(_)) => {
                self.on_search_msg(msg, &mut out);
            }
            msg @ (Msg::Visits { .. }
            | Msg::VisitPage(..)
            | Msg::LookupResults(..)
            | Msg::VisitSaved { .. }
            | Msg::VisitLoaded(..)
            | Msg::Revealed { .. }
            | Msg::VisitDone(_)) => self.on_visit_msg(msg, &mut out),
            msg => self.on_handover_msg(msg, &mut out),
        }
        if let Some(text) = out.message {
            self.message = Some(StatusMessage { text, at: now });
        }
        out.effects
    }

    fn on_key(&mut self, key: Key, out: &mut Out) {
        let mode = self.mode();
        match resolve(mode, key) {
            Some(action) => self.on_action(mode, action, out),
            None => {
                if matches!(mode, Mode::Form | Mode::VisitLookup | Mode::Search)
                    && let Some(c) = key.typed_char()
                {
                    if mode == Mode::Search {
                        self.search_char(c, out);
                    } else if self.tab == Tab::Visitors {
                        self.visit_char(c, out);
                    } else if self.tab == Tab::Handover {
                        if let Some(form) = self
                            .roster
                            .form
                            .as_mut()
                            .or(self.handover.form.as_mut().map(|(f, _)| f))
                            && let FormEvent::Notice(m) = form.type_char(c)
                        {
                            form.notice = Some(m.clone());
                            out.say_str(&m);
                        }
                    } else if self.tab == Tab::Urgent {
                        if let Some(form) = &mut self.urgent.form
                            && let FormEvent::Notice(m) = form.type_char(c)
                        {
                            form.notice = Some(m.clone());
                            out.say_str(&m);
                        }
                    } else {
                        let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                        self.log.on_char(c, &ctx, out);
                    }
                }
            }
        }
    }

    fn on_action(&mut self, mode: Mode, action: Action, out: &mut Out) {
        match (mode, action) {
            (Mode::Confirm, Action::Yes) => match self.confirm.take() {
                Some(Confirm::Quit | Confirm::QuitDiscarding) => {
                    self.quit = true;
                    out.effects.push(Effect::Quit);
                }
                Some(Confirm::Checkout(id)) => out.effects.push(Effect::Checkout {
                    id,
                    by: self.operator.clone().unwrap_or_default(),
                }),
                Some(Confirm::DiscardDraft) => {
                    self.handover.draft = None;
                    out.say_str("已放弃交班单");
                }
                Some(Confirm::DiscardForm) => {
                    if self.tab == Tab::Visitors {
                        self.visits.form = None;
                    } else if self.tab == Tab::Handover {
                        if self.roster.form.take().is_none() {
                            self.handover.form = None;
                        }
                    } else if self.tab == Tab::Urgent {
                        self.urgent.form = None;
                        self.urgent.promoting = None;
                    } else {
                        self.log.discard_form();
                    }
                    out.say_str("已放弃填写");
                }
                None => {}
            },
            (Mode::Confirm, _) => self.confirm = None,
            (Mode::Help, Action::Back) | (_, Action::Help) if self.help => self.help = false,
            (_, Action::Help) => self.help = true,
            (Mode::Picker, Action::Quit) => {
                self.quit = true;
                out.effects.push(Effect::Quit);
            }
            (_, Action::Quit) => {
                self.help = false;
                self.confirm = Some(if self.has_unsaved_form() {
                    Confirm::QuitDiscarding
                } else {
                    Confirm::Quit
                });
            }
            (Mode::Picker, Action::Up) => self.picker_selected = self.picker_selected.saturating_sub(1),
            (Mode::Picker, Action::Down) => {
                self.picker_selected = (self.picker_selected + 1).min(self.settings.people.len().saturating_sub(1));
            }
            (Mode::Picker, Action::Pick) => {
                if let Some(p) = self.settings.people.get(self.picker_selected) {
                    self.operator = Some(p.name.clone());
                    out.say_str(&format!("{} {} 开始值班", p.role.label(), p.name));
                    out.effects.push(self.log.list.initial());
                }
            }
            (_, Action::NextTab) => self.switch_tab(Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()], out),
            (_, Action::PrevTab) => {
                self.switch_tab(Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()], out);
            }
            (_, Action::GoTab(i)) => self.switch_tab(Tab::ALL.get(i).copied().unwrap_or(self.tab), out),
            (Mode::Form, Action::Cancel) if self.active_form().is_some_and(|f| f.dirty) => {
                self.confirm = Some(Confirm::DiscardForm);
            }
            (_, Action::Acknowledge) => self.acknowledge(out),
            (_, Action::Lock) if self.operator.is_some() => {
                self.help = false;
                self.locked = Some(super::lock::Lock::default());
            }
            (Mode::Detail, Action::Promote) => {
                if let Some(entry) = self.log.detail.as_ref().and_then(|d| d.entry.as_ref()) {
                    self.urgent.form = Some(new_event_form(&self.settings.urgent, Some(entry)));
                    self.urgent.promoting = Some(entry.id);
                    self.urgent.purpose = UrgentPurpose::NewEvent;
                    self.tab = Tab::Urgent;
                }
            }
            (Mode::Form, action) if self.tab == Tab::Urgent => self.urgent_form_action(action, out),
            (Mode::Form, action) if self.tab == Tab::Handover => self.handover_form_action(action, out),
            (Mode::Roster, action) => self.roster_action(action, out),
            (_, Action::Search) => self.switch_tab(Tab::Search, out),
            (Mode::Search | Mode::Report, action) => self.search_action(action, out),
            (Mode::Form, action) if self.tab == Tab::Visitors => self.visit_form_action(action, out),
            (Mode::Visitors | Mode::VisitLookup | Mode::VisitDetail | Mode::Watch, action) => {
                self.visit_action(mode, action, out);
            }
            (Mode::Handover | Mode::HandoverDraft | Mode::HandoverDetail, action) => {
                self.handover_action(mode, action, out);
            }
            (Mode::Urgent, action) => self.urgent_action(action, out),
            _ => {
                let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                self.log.on_action(action, &ctx, out);
            }
        }
    }
}

impl App {
    /// Keys on the lock screen: digits into the PIN, Backspace, Enter to check; nothing else.
    fn on_locked_key(&mut self, key: Key, out: &mut Out) {
        let Some(lock) = &mut self.locked else { return };
        match resolve(Mode::Locked, key) {
            Some(Action::Unlock) => {
                if let Some(pin) = lock.submit() {
                    out.effects.push(Effect::Unlock {
                        name: self.operator.clone().unwrap_or_default(),
                        pin,
                    });
                }
            }
            Some(Action::DeleteBack) => lock.backspace(),
            Some(Action::Acknowledge) => {
                // Acknowledging needs to know who: unlock first.
                lock.error = Some("请先输入 PIN 解锁，再按 F2 确认".into());
            }
            _ => {
                if let Some(c) = key.typed_char() {
                    lock.type_char(c);
                }
            }
        }
    }

    /// Runs the escalation machine of every open event, and re-reads the events now and then
    /// (another terminal or a script may have added or acknowledged one).
    fn tick_events(&mut self, now: NaiveDateTime, out: &mut Out) {
        let ladder = self.settings.urgent.ladder.clone();
        for i in 0..self.events.len() {
            let before = self.events[i].escalation.clone();
            let outputs = self.events[i].escalation.handle(Input::Tick, now, &ladder);
            self.apply_outputs(i, before, outputs, out);
        }
        for i in 0..self.entry_alerts.len() {
            let before = self.entry_alerts[i].escalation.clone();
            let outputs = self.entry_alerts[i].escalation.handle(Input::Tick, now, &ladder);
            self.apply_entry_outputs(i, before, outputs, out);
        }
        // Follow-up times (e.g. 08:00, 17:00) ask for a 续报 until the 终报. Only times passed
        // while this app was running are announced, so a restart does not ring for old ones.
        if let Some(since) = self.last_tick {
            for e in &self.events {
                for at in followups_due(e, &self.settings.urgent.followup_times, since, now) {
                    let text = format!("续报时刻 {}：请报送续报", at.format("%H:%M"));
                    out.effects.push(Effect::AppendTimeline(
                        e.id,
                        TimelineLine {
                            at,
                            who: escalation::SYSTEM.into(),
                            text,
                        },
                    ));
                    out.effects.extend([Effect::Ring, Effect::Notify(Notice::for_event(e))]);
                    out.say_str(&format!(
                        "续报时刻 {}：第 {} 号事件请报续报（紧急事项栏按 p）",
                        at.format("%H:%M"),
                        e.id
                    ));
                }
            }
        }
        self.last_tick = Some(now);
        // Re-read every few seconds, and at once if the clock jumped backwards (a corrected clock
        // must not stall the reloads until it catches up with the old time).
        if self
            .events_loaded_at
            .is_none_or(|t| now - t >= Duration::seconds(EVENTS_RELOAD_SECONDS) || now < t)
        {
            self.events_loaded_at = Some(now);
            out.effects.push(Effect::LoadEvents);
        }
    }

    /// Turns the machine's outputs into effects: save, ring, notify.
    fn apply_outputs(&mut self, index: usize, before: Escalation, outputs: Vec<escalation::Output>, out: &mut Out) {
        let event = &self.events[index];
        let target = AlertTarget::Event(event.id);
        emit_outputs(
            target,
            Notice::for_event(event),
            before,
            &event.escalation,
            outputs,
            out,
        );
    }

    /// The same for an alert raised by a log entry (its notification carries no content at all).
    fn apply_entry_outputs(
        &mut self,
        index: usize,
        before: Escalation,
        outputs: Vec<escalation::Output>,
        out: &mut Out,
    ) {
        let alert = &self.entry_alerts[index];
        emit_outputs(
            AlertTarget::Entry(alert.id),
            Notice::for_entry(),
            before,
            &alert.escalation,
            outputs,
            out,
        );
    }

    fn switch_tab(&mut self, tab: Tab, out: &mut Out) {
        self.tab = tab;
        if tab == Tab::Handover {
            out.effects.push(Effect::LoadHandovers);
        }
        if tab == Tab::Visitors {
            out.effects.push(Effect::LoadVisits);
            let request = self.visits.reload_all();
            self.visit_request(request, out);
        }
        if tab == Tab::Urgent
            && let Some(e) = self.events.get(self.urgent.selected)
        {
            out.effects.push(Effect::LoadTimeline(e.id));
        }
    }

    fn acknowledge(&mut self, out: &mut Out) {
        let by = self.operator.clone().unwrap_or_else(|| "（未登录）".into());
        // On the events tab, the selected event; elsewhere (or if that one needs no ack) the most
        // pressing unacknowledged one.
        let selected = match self.tab {
            Tab::Urgent => self
                .events
                .get(self.urgent.selected)
                .filter(|e| e.escalation.state == EventState::New)
                .map(|e| e.id),
            _ => None,
        };
        let target = selected.or_else(|| {
            self.alerts()
                .into_iter()
                .find(|e| e.escalation.state == EventState::New)
                .map(|e| e.id)
        });
        let Some(i) = target.and_then(|id| self.events.iter().position(|e| e.id == id)) else {
            // No event waits: an urgent log entry may.
            if let Some(j) = self
                .entry_alerts
                .iter()
                .position(|a| a.escalation.state == EventState::New)
            {
                let ladder = self.settings.urgent.ladder.clone();
                let before = self.entry_alerts[j].escalation.clone();
                let input = Input::Acknowledge { by: by.clone() };
                let outputs = self.entry_alerts[j].escalation.handle(input, self.now, &ladder);
                let entry_id = self.entry_alerts[j].entry_id;
                self.apply_entry_outputs(j, before, outputs, out);
                out.say_str(&format!("{by} 已确认第 {entry_id} 号值班记录的紧急提醒"));
            } else {
                out.say_str("没有待确认的紧急事项");
            }
            return;
        };
        let ladder = self.settings.urgent.ladder.clone();
        let before = self.events[i].escalation.clone();
        let outputs = self.events[i]
            .escalation
            .handle(Input::Acknowledge { by: by.clone() }, self.now, &ladder);
        let id = self.events[i].id;
        self.apply_outputs(i, before, outputs, out);
        out.say_str(&format!(
            "{by} 已确认第 {id} 号紧急事件；报送时限仍在计时，报告后请记录"
        ));
    }

    fn urgent_action(&mut self, action: Action, out: &mut Out) {
        let n = self.events.len();
        match action {
            Action::Up => self.urgent.selected = self.urgent.selected.saturating_sub(1),
            Action::Down => self.urgent.selected = (self.urgent.selected + 1).min(n.saturating_sub(1)),
            Action::NewEvent => {
                self.urgent.form = Some(new_event_form(&self.settings.urgent, None));
                self.urgent.promoting = None;
                self.urgent.purpose = UrgentPurpose::NewEvent;
            }
            Action::Report | Action::CallOutcome => {
                let Some(e) = self.events.get(self.urgent.selected) else {
                    out.say_str("没有选中的事件：先按 n 新建");
                    return;
                };
                let (form, purpose) = if action == Action::Report {
                    (report_form(e, &self.settings), UrgentPurpose::Report(e.id))
                } else {
                    (call_form(e, &self.settings), UrgentPurpose::Call(e.id))
                };
                self.urgent.form = Some(form);
                self.urgent.purpose = purpose;
            }
            Action::Resolve | Action::CloseEvent => {
                let Some(i) = (self.urgent.selected < n).then_some(self.urgent.selected) else {
                    return;
                };
                let by = self.operator.clone().unwrap_or_default();
                let input = if action == Action::Resolve {
                    Input::Resolve { by }
                } else {
                    Input::Close { by }
                };
                let ladder = self.settings.urgent.ladder.clone();
                let before = self.events[i].escalation.clone();
                let outputs = self.events[i].escalation.handle(input, self.now, &ladder);
                self.apply_outputs(i, before, outputs, out);
            }
            _ => {}
        }
        if let Some(e) = self.events.get(self.urgent.selected)
            && self.urgent.timeline.as_ref().is_none_or(|(id, _)| *id != e.id)
        {
            out.effects.push(Effect::LoadTimeline(e.id));
        }
    }

    fn urgent_form_action(&mut self, action: Action, out: &mut Out) {
        let Some(form) = &mut self.urgent.form else { return };
        match action {
            Action::Cancel => {
                self.urgent.form = None;
                self.urgent.promoting = None;
            }
            Action::Save if !form.saving && self.urgent.purpose != UrgentPurpose::NewEvent => {
                form.clear_errors();
                let operator = self.operator.clone().unwrap_or_default();
                let effect = match self.urgent.purpose {
                    UrgentPurpose::Report(event_id) => {
                        read_report_form(form, &operator, self.now).map(|(kind, report)| Effect::AddReport {
                            event_id,
                            kind,
                            report: Box::new(report),
                        })
                    }
                    UrgentPurpose::Call(id) => {
                        read_call_form(form, &operator, self.now).map(|line| Effect::AppendTimeline(id, line))
                    }
                    UrgentPurpose::NewEvent => return,
                };
                match effect {
                    Ok(effect) => {
                        form.saving = true;
                        out.effects.push(effect);
                        out.say_str("正在保存…");
                    }
                    Err(errors) => {
                        form.set_errors(&errors);
                        out.say_str(&form.notice.clone().unwrap_or_default());
                    }
                }
            }
            Action::Save if !form.saving => {
                form.clear_errors();
                let operator = self.operator.clone().unwrap_or_default();
                match read_event_form(form, &self.settings.urgent, self.urgent.promoting, &operator, self.now) {
                    Ok(event) => {
                        // The first timeline line comes from the machine's Raise.
                        let lines = crate::core::urgent::raised(self.now, &self.settings.urgent.ladder);
                        form.saving = true;
                        out.effects.push(Effect::CreateEvent(Box::new(event), lines));
                        out.say_str("正在保存…");
                    }
                    Err(errors) => {
                        form.set_errors(&errors);
                        out.say_str(&form.notice.clone().unwrap_or_default());
                    }
                }
            }
            a => {
                if let Some(FormEvent::Notice(m)) = form.apply(a) {
                    out.say_str(&m);
                }
            }
        }
    }
}

/// Turns the escalation machine's outputs into effects: ring and notify on an alert, and save the
/// step (with its timeline lines) when the state changed.
fn emit_outputs(
    target: AlertTarget,
    notice: Notice,
    before: Escalation,
    after: &Escalation,
    outputs: Vec<escalation::Output>,
    out: &mut Out,
) {
    let mut lines = Vec::new();
    let mut changed = false;
    for o in outputs {
        match o {
            escalation::Output::Timeline { at, who, text } => lines.push(TimelineLine { at, who, text }),
            escalation::Output::Alert { .. } => out.effects.extend([Effect::Ring, Effect::Notify(notice.clone())]),
            escalation::Output::Changed => changed = true,
            escalation::Output::Refused(m) => out.say_str(&m),
        }
    }
    if changed {
        out.effects.push(Effect::SaveEscalation {
            target,
            before,
            after: after.clone(),
            lines,
        });
    }
}

mod handover;
mod search;
pub use search::DAY_ENDS;
mod visit;

impl Out {
    fn say_str(&mut self, m: &str) {
        self.message = Some(m.to_string());
    }
}

#[cfg(test)]
mod tests {
    //! Transition tests: keys in, state and effects out. No terminal, no disk, a fixed clock.
    use super::*;
    use crate::core::form::FieldKey;
    use crate::core::keymap::KeyCode;
    use crate::core::log::{LogField, Status};
    use crate::core::log_screen::Anchor;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn settings() -> Settings {
        let person = |name: &str, role| Person {
            name: name.into(),
            role,
            phone: String::new(),
        };
        Settings {
            office_name: "测试值班室".into(),
            people: vec![
                person("张三", Role::DutyOfficer),
                person("李四", Role::DutyOfficer),
                person("王五", Role::DutyLeader),
            ],
            categories: vec!["综合".into(), "防汛抗旱".into()],
            urgent: crate::core::settings::UrgentSettings::default(),
            roster: None,
            calendar: crate::core::roster::Calendar::default(),
            visit: crate::core::settings::VisitSettings::default(),
            lock_minutes: 0,
            backup: crate::core::settings::BackupSettings::default(),
        }
    }

    const NOW: &str = "2026-11-23 03:10:00";

    fn app() -> App {
        let mut a = App::new(settings(), Some("张三".into()), at(NOW));
        a.update(Msg::Viewport(10), at(NOW));
        a
    }

    fn key(a: &mut App, k: Key) -> Vec<Effect> {
        a.update(Msg::Key(k), at(NOW))
    }

    fn type_text(a: &mut App, s: &str) {
        for c in s.chars() {
            key(a, Key::ch(c));
        }
    }

    fn form_value(a: &App, f: LogField) -> String {
        a.log.form.as_ref().unwrap().form.value(FieldKey::Log(f))
    }

    /// Opens the new-entry form and moves focus to `field`.
    fn focus(a: &mut App, field: LogField) {
        let form = &mut a.log.form.as_mut().unwrap().form;
        form.focus_on(FieldKey::Log(field));
    }

    fn open_form(a: &mut App) {
        key(a, Key::ch('n'));
        assert_eq!(a.mode(), Mode::Form);
        let form = &a.log.form.as_ref().unwrap().form;
        assert_eq!(
            form.focused().unwrap().key,
            FieldKey::Log(LogField::Unit),
            "typing starts at 来电单位"
        );
    }

    #[test]
    fn letters_typed_into_a_field_never_trigger_commands() {
        let mut a = app();
        open_form(&mut a);
        focus(&mut a, LogField::Content);
        type_text(&mut a, "q?n1张三");
        assert_eq!(form_value(&a, LogField::Content), "q?n1张三");
        assert!(!a.quit && !a.help && a.confirm.is_none());
        assert_eq!(a.tab, Tab::Log);
    }

    #[test]
    fn save_with_missing_fields_marks_them_and_sends_nothing() {
        let mut a = app();
        open_form(&mut a);
        let effects = key(&mut a, Key::ctrl('s'));
        assert!(effects.is_empty());
        let form = &a.log.form.as_ref().unwrap().form;
        assert!(form.field(FieldKey::Log(LogField::Content)).unwrap().error.is_some());
        assert!(form.field(FieldKey::Log(LogField::Person)).unwrap().error.is_some());
        assert!(!form.saving);
        assert!(a.message.as_ref().unwrap().text.contains("需要修改"));
    }

    fn fill_call(a: &mut App) {
        focus(a, LogField::Unit);
        type_text(a, "城关镇");
        focus(a, LogField::Content);
        type_text(a, "河堤渗水");
    }

    #[test]
    fn save_sends_one_entry_stamped_with_operator_and_time() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        let effects = key(&mut a, Key::ctrl('s'));
        let [Effect::SaveEntry(e, None)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((e.unit.as_str(), e.content.as_str()), ("城关镇", "河堤渗水"));
        assert_eq!(
            (e.recorded_by.as_str(), e.recorded_at, e.occurred_at),
            ("张三", at(NOW), at(NOW))
        );
        assert!(a.log.form.as_ref().unwrap().form.saving);
        // While the save is in flight a second Ctrl-S does not send a second save.
        assert!(key(&mut a, Key::ctrl('s')).is_empty());
    }

    #[test]
    fn a_failed_save_keeps_every_character_and_says_why() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        key(&mut a, Key::ctrl('s'));
        a.update(Msg::SaveFailed("数据库正忙".into()), at(NOW));
        let form = &a.log.form.as_ref().unwrap().form;
        assert!(!form.saving);
        assert_eq!(form_value(&a, LogField::Content), "河堤渗水");
        assert_eq!(form_value(&a, LogField::Unit), "城关镇");
        assert!(form.notice.as_ref().unwrap().contains("保存失败：数据库正忙"));
        // And it can be retried.
        assert!(matches!(
            key(&mut a, Key::ctrl('s')).as_slice(),
            [Effect::SaveEntry(..)]
        ));
    }

    #[test]
    fn saved_closes_the_form_says_so_and_shows_the_entry() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        key(&mut a, Key::ctrl('s'));
        let k = crate::core::log::EntryKey {
            occurred_at: at(NOW),
            id: 7,
        };
        let effects = a.update(Msg::Saved { entry_id: 7, key: k }, at(NOW));
        assert!(a.log.form.is_none());
        assert_eq!(a.message.as_ref().unwrap().text, "已保存：第 7 号记录");
        // The list reloads around the new entry; events reload in case it raised an alert.
        let [Effect::LoadPage(req), Effect::LoadEvents] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((req.anchor, req.select), (Anchor::AtOrBefore(k), Some(7)));
    }

    #[test]
    fn quitting_with_a_half_typed_form_asks_first() {
        let mut a = app();
        open_form(&mut a);
        type_text(&mut a, "半");
        assert!(key(&mut a, Key::ctrl('c')).is_empty());
        assert_eq!(a.confirm, Some(Confirm::QuitDiscarding));
        key(&mut a, Key::ch('n'));
        assert_eq!(a.confirm, None);
        assert!(!a.quit);
        assert_eq!(a.mode(), Mode::Form);
        key(&mut a, Key::ctrl('c'));
        assert_eq!(key(&mut a, Key::ch('y')), vec![Effect::Quit]);
        assert!(a.quit);
    }

    #[test]
    fn quitting_from_the_list_is_confirmed_too() {
        let mut a = app();
        key(&mut a, Key::ch('q'));
        assert_eq!(a.confirm, Some(Confirm::Quit));
        key(&mut a, Key::plain(KeyCode::Esc));
        assert!(!a.quit && a.confirm.is_none());
    }

    #[test]
    fn escape_discards_a_clean_form_but_asks_for_a_dirty_one() {
        let mut a = app();
        open_form(&mut a);
        key(&mut a, Key::plain(KeyCode::Esc));
        assert!(a.log.form.is_none());
        open_form(&mut a);
        type_text(&mut a, "x");
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(a.confirm, Some(Confirm::DiscardForm));
        key(&mut a, Key::ch('y'));
        assert!(a.log.form.is_none());
    }

    #[test]
    fn the_operator_is_picked_first_and_the_log_loads_after() {
        let mut a = App::new(settings(), None, at(NOW));
        // Urgent events load even before anyone picks a name: an alert must show on the login screen.
        assert_eq!(a.start(), vec![Effect::LoadEvents, Effect::QuickVerify]);
        assert_eq!(a.mode(), Mode::Picker);
        // Letters in the picker do nothing harmful.
        key(&mut a, Key::ch('n'));
        assert_eq!(a.mode(), Mode::Picker);
        key(&mut a, Key::plain(KeyCode::Down));
        let effects = key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(a.operator.as_deref(), Some("李四"));
        assert!(matches!(effects.as_slice(), [Effect::LoadPage(r)] if r.anchor == Anchor::Newest));
    }

    fn visitor(name: &str, visit_id: i64) -> VisitorMatch {
        use crate::core::idcard::Gender;
        use crate::core::visit::IdType;
        VisitorMatch {
            visit_id,
            name: name.into(),
            gender: Gender::parse("男").unwrap(),
            id_type: IdType::parse("居民身份证").unwrap(),
            id_number: "11010519491231002X".into(),
            employer: "市水利局".into(),
            phone: String::new(),
            last_entered_at: at("2026-11-20 09:00:00"),
            last_purpose: "联系工作".into(),
            last_outcome: "已离开".into(),
            visits: 2,
            inside: false,
        }
    }

    fn lookups(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::LookupVisitors(q) => Some(q.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_lookup_box_asks_the_store_after_a_pause_not_on_every_key() {
        let mut a = app();
        key(&mut a, Key::ch('2'));
        key(&mut a, Key::ch('n'));
        assert_eq!(a.mode(), Mode::VisitLookup);
        assert_eq!(a.pause_wanted(), None, "nothing typed, nothing to wait for");
        // A fast typist: no key asks the store.
        for c in "zsan".chars() {
            assert!(lookups(&key(&mut a, Key::ch(c))).is_empty(), "{c}");
            assert_eq!(a.pause_wanted(), Some(crate::core::visit_screen::LOOKUP_PAUSE));
        }
        key(&mut a, Key::plain(KeyCode::Backspace));
        key(&mut a, Key::plain(KeyCode::Backspace));
        assert!(lookups(&key(&mut a, Key::plain(KeyCode::Backspace))).is_empty());
        // The pause: one lookup, for what is in the box.
        assert_eq!(lookups(&a.update(Msg::Paused, at(NOW))), ["z"]);
        assert_eq!(a.pause_wanted(), None);
        assert!(a.update(Msg::Paused, at(NOW)).is_empty(), "asked once");
        key(&mut a, Key::ch('s'));
        let effects = a.update(Msg::LookupResults("z".into(), vec![visitor("赵六", 1)]), at(NOW));
        assert!(effects.is_empty());
        let l = a.visits.lookup.as_ref().unwrap();
        assert!(
            l.results.is_empty() && !l.is_current(),
            "an answer for an older text is dropped"
        );
        assert_eq!(lookups(&a.update(Msg::Paused, at(NOW))), ["zs"]);
        a.update(Msg::LookupResults("zs".into(), vec![visitor("张三", 7)]), at(NOW));
        assert_eq!(a.visits.lookup.as_ref().unwrap().results.len(), 1);
        // Emptied: nothing found, at once, and nothing to ask.
        key(&mut a, Key::ctrl('u'));
        let l = a.visits.lookup.as_ref().unwrap();
        assert!(l.results.is_empty() && l.is_current());
        assert_eq!(a.pause_wanted(), None);
    }

    #[test]
    fn enter_acts_on_the_text_in_the_box_without_waiting_for_the_pause() {
        let mut a = app();
        key(&mut a, Key::ch('2'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "zs");
        // Enter before the pause: the store is asked at once, and its answer picked.
        let effects = key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(lookups(&effects), ["zs"]);
        assert_eq!(a.mode(), Mode::VisitLookup, "the form opens with the answer");
        assert_eq!(a.pause_wanted(), None);
        a.update(Msg::LookupResults("zs".into(), vec![visitor("张三", 7)]), at(NOW));
        assert_eq!(a.mode(), Mode::Form);
        let (form, _) = a.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(FieldKey::Visit(crate::core::visit::VisitField::Name)),
            "张三"
        );
        assert!(a.message.as_ref().unwrap().text.contains("已按上次登记填好：张三"));
        // Answered already: Enter picks without asking again; nobody found, the name is kept.
        key(&mut a, Key::plain(KeyCode::Esc));
        key(&mut a, Key::ch('y'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "王五");
        assert_eq!(lookups(&a.update(Msg::Paused, at(NOW))), ["王五"]);
        a.update(Msg::LookupResults("王五".into(), Vec::new()), at(NOW));
        assert!(lookups(&key(&mut a, Key::plain(KeyCode::Enter))).is_empty());
        let (form, _) = a.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(FieldKey::Visit(crate::core::visit::VisitField::Name)),
            "王五"
        );
    }

    #[test]
    fn tabs_switch_from_the_list_but_tab_moves_fields_in_a_form() {
        let mut a = app();
        key(&mut a, Key::plain(KeyCode::Tab));
        assert_eq!((a.tab, a.mode()), (Tab::Visitors, Mode::Visitors));
        key(&mut a, Key::ch('1'));
        assert_eq!(a.tab, Tab::Log);
        open_form(&mut a);
        let before = a.log.form.as_ref().unwrap().form.focus;
        key(&mut a, Key::plain(KeyCode::Tab));
        assert_eq!(a.tab, Tab::Log);
        assert_ne!(a.log.form.as_ref().unwrap().form.focus, before);
    }

    #[test]
    fn paste_goes_into_the_field_sanitized() {
        let mut a = app();
        assert!(a.update(Msg::Paste("n".into()), at(NOW)).is_empty());
        assert_eq!(a.mode(), Mode::List, "pasted text outside a form is never run as keys");
        assert!(a.message.as_ref().unwrap().text.contains("粘贴只能在填写表单时使用"));
        open_form(&mut a);
        focus(&mut a, LogField::Content);
        a.update(Msg::Paste("第一行\u{1b}[31m红\u{1b}[0m\r\n第二行\u{7}".into()), at(NOW));
        assert_eq!(form_value(&a, LogField::Content), "第一行红\n第二行");
    }

    #[test]
    fn choosing_outgoing_call_relabels_and_shows_read_back() {
        let mut a = app();
        open_form(&mut a);
        let form = |a: &App| a.log.form.as_ref().unwrap().form.clone();
        assert!(form(&a).field(FieldKey::Log(LogField::ReadBack)).unwrap().hidden);
        focus(&mut a, LogField::Kind);
        key(&mut a, Key::plain(KeyCode::Right)); // 类型: 来电 -> 去电
        let f = form(&a);
        assert_eq!(f.value(FieldKey::Log(LogField::Kind)), "去电");
        assert!(!f.field(FieldKey::Log(LogField::ReadBack)).unwrap().hidden);
        assert!(f.field(FieldKey::Log(LogField::ForwardedTo)).unwrap().hidden);
        assert_eq!(f.field(FieldKey::Log(LogField::Person)).unwrap().label, "接电人");
    }

    #[test]
    fn progress_to_done_requires_a_result_and_records_amendments() {
        use crate::core::log::{Entry, build_entry};
        let mut a = app();
        let raw = [
            (LogField::Kind, "来电"),
            (LogField::Person, "群众"),
            (LogField::Content, "路灯不亮"),
        ]
        .into_iter()
        .map(|(f, v)| (f, v.to_string()))
        .collect();
        let fields = build_entry(&raw, "张三", at(NOW)).unwrap();
        a.log.detail = Some(crate::core::log_screen::DetailView {
            id: 3,
            entry: None,
            scroll: 0,
        });
        a.update(
            Msg::Entry(Box::new(Entry {
                id: 3,
                fields,
                amendments: vec![],
                instructions: vec![],
                alert: vec![],
                events: vec![],
            })),
            at(NOW),
        );
        key(&mut a, Key::ch('s'));
        key(&mut a, Key::plain(KeyCode::Right));
        key(&mut a, Key::plain(KeyCode::Right)); // 待办 -> 已办结
        assert!(
            key(&mut a, Key::ctrl('s')).is_empty(),
            "done without a result must not save"
        );
        // The failed save put the focus on 办理结果, where the error is.
        type_text(&mut a, "已修复");
        let effects = key(&mut a, Key::ctrl('s'));
        let [Effect::Amend(req)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let fields: Vec<LogField> = req.changes.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [LogField::Status, LogField::Result, LogField::ClosedAt]);
        assert_eq!(req.changes[0].1, Status::Done.label());
        assert_eq!(req.amended_by, "张三");
    }

    #[test]
    fn a_clock_jumping_backwards_still_reloads_events() {
        let mut a = app();
        assert!(
            a.update(Msg::Tick, at("2026-11-23 03:10:05"))
                .contains(&Effect::LoadEvents)
        );
        assert!(
            !a.update(Msg::Tick, at("2026-11-23 03:10:06"))
                .contains(&Effect::LoadEvents)
        );
        // The clock is corrected back by an hour.
        assert!(
            a.update(Msg::Tick, at("2026-11-23 02:10:06"))
                .contains(&Effect::LoadEvents)
        );
        assert!(
            a.update(Msg::Tick, at("2026-11-23 02:10:08"))
                .contains(&Effect::LoadEvents)
        );
    }

    #[test]
    fn a_notifier_failure_follows_a_fresh_confirmation_instead_of_replacing_it() {
        let mut a = app();
        a.message = Some(StatusMessage {
            text: "已保存：第 1 号紧急事件".into(),
            at: at(NOW),
        });
        a.update(Msg::NotifyFailed("桌面通知不可用".into()), at("2026-11-23 03:10:01"));
        assert_eq!(
            a.message.as_ref().unwrap().text,
            "已保存：第 1 号紧急事件；桌面通知不可用"
        );
        a.update(Msg::NotifyFailed("again".into()), at("2026-11-23 03:11:00"));
        assert_eq!(a.message.as_ref().unwrap().text, "again");
    }

    #[test]
    fn status_messages_fade_after_half_a_minute() {
        let mut a = app();
        a.update(Msg::SaveFailed("x".into()), at(NOW));
        assert!(a.message.is_some());
        a.update(Msg::Tick, at("2026-11-23 03:10:20"));
        assert!(a.message.is_some());
        a.update(Msg::Tick, at("2026-11-23 03:10:31"));
        assert!(a.message.is_none());
        assert_eq!(a.now, at("2026-11-23 03:10:31"));
    }
}
