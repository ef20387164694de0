//! The application model: who is at the keyboard, which screen is shown, the overlays (help,
//! go-to list, a yes/no question, the lock), the status line, and `update(msg, now) -> effects`,
//! the one place state changes. Pure: no terminal, no disk, no clock — the runtime passes `now`
//! in and executes the returned effects.
//!
//! The app routes: keys to the shown screen (after the global ones), each reply to whoever made
//! the request (by its [`OpId`]), and screens' [`Command`]s to where they belong. It knows no
//! screen's internals: every screen is a [`Screen`] listed in [`super::screens`].

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

pub use super::alerts::Notice;
use super::alerts::Step;
use super::keymap::{Action, Key, Mode, resolve};
use super::lock::Lock;
use super::pin_policy::{failures_note, wait_text, wrong_text};
use super::screen::{Command, Cx, Outbox, Screen, Target};
pub use super::screen::{Effect, OpId, PinCheck, Reply, Request};
pub use super::screens::{ScreenId, Screens};
pub use super::settings::{Person, Role, Settings};
use super::shared::Shared;
use super::sign_in::{Ask, OPEN_ENROLMENT, SignIn, Step as SignInStep};
use super::urgent::{AlertTarget, EventId};

/// The screens that are tabs keep their old name for callers that switch by tab.
pub type Tab = ScreenId;

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(Key),
    /// Bracketed paste: the whole text at once.
    Paste(String),
    /// Time passed (the runtime ticks at least once a second).
    Tick,
    /// The keyboard has been still for as long as [`App::pause_wanted`] asked.
    Paused,
    /// How many list rows fit on screen, from the UI layout.
    Viewport(usize),
    /// The answer to the request sent under this id.
    Reply(OpId, Reply),
    /// The desktop notifier could not deliver (said once on the status line).
    NotifyFailed(String),
    /// The SMS or voice hook finished a run: recorded on its cause's timeline; a failure said once.
    HookDone(Box<super::hook::HookOutcome>),
    /// The daily automatic backup finished: what it wrote, removed and test-restored, or why it
    /// failed.
    Backup(Result<super::backup::Outcome, String>),
    /// How the background build of the search index goes: `Some` while it runs, `None` when it
    /// has finished (`Err`: it stopped on an error, said once; the next start goes on).
    SearchIndex(Result<Option<super::search_screen::IndexBuilding>, String>),
    /// A run of the idle reduction of visitors' numbers past `[visit] retention_years` is over:
    /// how many visits it reduced (said once when any), or why it stopped (tried again later).
    VisitsReduced(Result<usize, String>),
    /// The process was told to stop (SIGTERM, SIGHUP, SIGINT: a shutdown, a closed terminal
    /// window, `kill`): quit now, without a question. This is the hook for keeping what is typed:
    /// the effects this message returns run before the runtime restores the terminal and exits
    /// (unsaved form text and the handover draft kept as drafts go here — issue 14, point 5).
    Terminate,
}

/// Who made a request: its reply goes back there.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Screen(ScreenId),
    App(Job),
}

/// The app's own requests.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Job {
    Events,
    ForeignWrites,
    Integrity,
    Escalation(AlertTarget),
    Followup(EventId),
    /// What the SMS hook did, on its cause's timeline.
    HookLine,
    /// The SMS hook's run for an alert reaching a rung, claimed before it is sent.
    HookClaim(AlertTarget, usize),
    /// The SMS hook's send for an overdue 交办 or a notice recipient, claimed before it is sent.
    SendClaim(super::hook::SendKey),
    Roster,
    Unlock {
        name: String,
    },
    /// Sign-in: a PIN typed for `name` (the person, or the approver enrolling them).
    SignInCheck {
        name: String,
    },
    /// Sign-in: whether enrolment is open.
    EnrolmentOpen,
    /// Every configured person's PIN facts, for the flag and the 人员与 PIN screen.
    PinStatuses,
    /// Sign-in: the new PIN stored.
    Enrol,
    /// Sign-in: an old PIN replaced.
    Replace,
    /// F2 on the lock screen: acknowledge with this person's PIN, staying locked.
    LockedAck {
        name: String,
    },
    /// Drafts read at sign-in, or kept.
    Drafts,
    /// Whether the 值班日报 due (an office that reports daily) was sent.
    ReportSent,
    /// What the instruction cycle leaves open (交办, notices, 请示).
    FollowUps,
    /// The directory (通讯录): numbers for the ladder and groups for the forms.
    Directory,
}

/// How often what the instruction cycle leaves open is read again (besides after every write).
pub const FOLLOW_UPS_EVERY: Duration = Duration::seconds(30);

/// 漏岗 rings again this often while nobody signs on.
pub const MISSED_POST_RING_EVERY: Duration = Duration::minutes(10);

/// How often the drafts follow the forms while typing goes on.
const DRAFT_EVERY: Duration = Duration::seconds(5);

/// What a yes answer does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Quit,
    /// Put back the drafts kept at the last close (screen, body); no removes them.
    RestoreDrafts(Vec<(ScreenId, String)>),
    /// Close the form on this screen, dropping what was typed.
    DiscardForm(ScreenId),
    /// Tell the screen that asked (with its token).
    Screen(ScreenId, u64),
}

/// A question that needs y or n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub text: String,
    pub answer: Answer,
}

/// How long a status message stays on the status line.
const MESSAGE_SECONDS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub at: NaiveDateTime,
}

/// One line of the go-to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoToItem {
    pub label: &'static str,
    /// The key that reaches it directly ("1"…"5" for tabs), if any.
    pub key: String,
    pub to: GoToTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoToTarget {
    Screen(ScreenId),
    Open(Target),
    /// Change one's own PIN: the old one, then the new one twice.
    ChangePin,
}

/// The go-to list: every screen from the registry, then views inside screens.
#[must_use]
pub fn goto_items() -> Vec<GoToItem> {
    let tabs = ScreenId::tabs();
    let mut items: Vec<GoToItem> = ScreenId::ALL
        .iter()
        .map(|s| GoToItem {
            label: s.label(),
            key: tabs
                .iter()
                .position(|t| t == s)
                .map_or_else(String::new, |i| (i + 1).to_string()),
            to: GoToTarget::Screen(*s),
        })
        .collect();
    items.push(GoToItem {
        label: "值班日报",
        key: "Ctrl-R（查询栏）".into(),
        to: GoToTarget::Open(Target::DailyReport),
    });
    items.push(GoToItem {
        label: "修改本人 PIN",
        key: String::new(),
        to: GoToTarget::ChangePin,
    });
    items
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub settings: Settings,
    /// Who is at the keyboard; `None` until picked.
    pub operator: Option<String>,
    pub picker_selected: usize,
    /// The officer moved the picker: the roster no longer chooses for them.
    picker_moved: bool,
    /// The screen shown.
    pub screen: ScreenId,
    /// The screen shown before this one (Back returns there).
    came_from: Option<ScreenId>,
    pub screens: Screens,
    /// Alerts, roster and layout every screen reads.
    pub shared: Shared,
    pub help: bool,
    /// First line of the help overlay shown.
    pub help_scroll: usize,
    /// The go-to list, with its selected line.
    pub goto: Option<usize>,
    pub confirm: Option<Question>,
    pub message: Option<StatusMessage>,
    /// The time of the last message, for the status-line clock.
    pub now: NaiveDateTime,
    pub quit: bool,
    /// What the start-up integrity check found, shown on the status line until the app closes.
    pub integrity: Option<String>,
    /// The drafts as last kept for the operator; `None` until their earlier drafts were offered
    /// (nothing overwrites those before the officer answers).
    drafts_kept: Option<Vec<(String, String)>>,
    drafts_synced_at: NaiveDateTime,
    /// The database file can be read by others: said at open with the `chmod` that fixes it
    /// (`files::exposure`), shown on the status line like `integrity` until the app closes.
    pub exposure: Option<String>,
    /// The last automatic backup failed, or its test restore did: shown on the status line like
    /// `integrity` until a later one passes.
    pub backup_warning: Option<String>,
    /// An office that reports daily: the period due whose 值班日报 is not marked sent, said on
    /// the status line of every screen until it is (`report_sent::unsent_reminder`).
    pub report_unsent: Option<super::report::Window>,
    /// The last period due found sent (a sending is never undone: not asked again).
    report_sent_known: Option<super::report::Window>,
    /// The screen lock, when locked.
    pub locked: Option<Lock>,
    /// Signing in: the person chosen and their PIN (or their enrolment) being typed.
    pub sign_in: Option<SignIn>,
    /// The last key or paste, for the idle lock.
    last_input: NaiveDateTime,
    /// 漏岗 last rung: the shift's start and when.
    missed_post_rung: Option<(NaiveDateTime, NaiveDateTime)>,
    /// The reminders of the instruction cycle already said (each once: status line, bell).
    reminded: std::collections::BTreeSet<super::instruction::ReminderKey>,
    /// SMS hook calls waiting for their claim (sent once it commits here).
    hooks_waiting: std::collections::HashMap<(AlertTarget, usize), Vec<super::hook::HookCall>>,
    /// The same for the instruction cycle's sends.
    sends_waiting: std::collections::HashMap<super::hook::SendKey, super::hook::HookCall>,
    /// A hook failure was said; said again only after one went through.
    hook_problem_said: bool,
    outbox: OutboxState,
}

/// Requests in flight and what this transition collects.
#[derive(Debug, Default)]
struct OutboxState {
    out: Outbox,
    pending: BTreeMap<OpId, Owner>,
}

impl Clone for OutboxState {
    fn clone(&self) -> Self {
        // A copy of the app (tests, benches) starts with nothing in flight.
        Self::default()
    }
}

impl PartialEq for OutboxState {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for OutboxState {}

impl App {
    #[must_use]
    pub fn new(settings: Settings, operator: Option<String>, now: NaiveDateTime) -> Self {
        let picker_selected = 0;
        Self {
            settings,
            operator,
            picker_selected,
            picker_moved: false,
            screen: ScreenId::Log,
            came_from: None,
            screens: Screens::default(),
            shared: Shared::default(),
            help: false,
            help_scroll: 0,
            goto: None,
            confirm: None,
            message: None,
            now,
            quit: false,
            integrity: None,
            drafts_kept: None,
            drafts_synced_at: NaiveDateTime::MIN,
            exposure: None,
            backup_warning: None,
            report_unsent: None,
            report_sent_known: None,
            locked: None,
            sign_in: None,
            last_input: now,
            reminded: std::collections::BTreeSet::new(),
            missed_post_rung: None,
            hooks_waiting: std::collections::HashMap::new(),
            sends_waiting: std::collections::HashMap::new(),
            hook_problem_said: false,
            outbox: OutboxState::default(),
        }
    }

    /// Effects to run once at start: the alerts (shown even before anyone signs in), the
    /// integrity check, and the screens' first reads if the operator is already known.
    pub fn start(&mut self) -> Vec<Effect> {
        // The check first: a row changed outside the app is a finding before the catch-up of
        // missed escalation steps writes anything (and the guard refuses to write over it).
        self.request(Job::Integrity, Request::QuickVerify);
        self.request(Job::Events, Request::LoadEvents);
        self.check_daily_report();
        self.load_roster_if_needed();
        self.load_follow_ups();
        self.load_directory();
        if self.operator.is_some() {
            self.start_screens();
        } else {
            self.preselect_on_duty();
        }
        self.finish(self.now)
    }

    /// Events that still need someone, most pressing first (the banner).
    #[must_use]
    pub fn alerts(&self) -> Vec<&super::urgent::Event> {
        self.shared.alerts.pressing(self.now)
    }

    /// Alerts raised by urgent log entries that nobody has acknowledged yet.
    #[must_use]
    pub fn unacked_entry_alerts(&self) -> Vec<&super::urgent::EntryAlert> {
        self.shared.alerts.unacked_entry_alerts()
    }

    /// The tab highlighted in the tab bar.
    #[must_use]
    pub fn tab(&self) -> ScreenId {
        self.screen.tab()
    }

    /// The live keymap mode.
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.locked.is_some() {
            Mode::Locked
        } else if self.confirm.is_some() {
            Mode::Confirm
        } else if self.goto.is_some() {
            Mode::GoTo
        } else if self.help {
            Mode::Help
        } else if self.sign_in.is_some() {
            Mode::SignIn
        } else if self.operator.is_none() {
            Mode::Picker
        } else {
            self.screens.get(self.screen).mode()
        }
    }

    /// The mode help describes (the one under the overlay).
    #[must_use]
    pub fn mode_under_help(&self) -> Mode {
        if self.operator.is_none() {
            Mode::Picker
        } else {
            self.screens.get(self.screen).mode()
        }
    }

    /// How long the keyboard must be still before [`Msg::Paused`] is wanted. `None`: no pause
    /// is waited for.
    #[must_use]
    pub fn pause_wanted(&self) -> Option<std::time::Duration> {
        if self.locked.is_some() || self.confirm.is_some() || self.goto.is_some() || self.help {
            return None;
        }
        self.operator.as_ref()?;
        self.screens.get(self.screen).pause_wanted()
    }

    /// Whether any screen holds typing that quitting would lose (a form being saved is not
    /// lost: its save is finished first).
    fn has_unsaved(&self) -> bool {
        ScreenId::ALL.iter().any(|s| {
            let s = self.screens.get(*s);
            s.has_unsaved() && !s.saving()
        })
    }

    pub fn update(&mut self, msg: Msg, now: NaiveDateTime) -> Vec<Effect> {
        self.now = now;
        match msg {
            Msg::Tick => self.on_tick(now),
            Msg::Reply(op, reply) => {
                self.on_reply(op, reply);
                if self.quit {
                    // Finishing on the way out: a save that was out closed its form (saved) or
                    // kept it (failed); the drafts follow at once, as nobody will type again.
                    self.keep_drafts_if_changed();
                }
            }
            Msg::Paused => {
                if self.pause_wanted().is_some() {
                    self.with_screen(self.screen, |s, cx| s.on_pause(cx));
                }
            }
            Msg::Viewport(rows) => {
                self.shared.viewport = rows;
                for s in ScreenId::ALL {
                    self.with_screen(*s, |s, cx| s.on_viewport_changed(cx));
                }
            }
            Msg::Key(key) => {
                self.last_input = now;
                if self.locked.is_some() {
                    self.on_locked_key(key);
                } else {
                    self.on_key(key);
                }
            }
            // Nothing pasted reaches a locked screen.
            Msg::Paste(_) if self.locked.is_some() => {}
            Msg::Paste(text) => {
                self.last_input = now;
                match self.mode() {
                    Mode::Picker | Mode::SignIn | Mode::Confirm | Mode::Help | Mode::GoTo => {
                        self.say("粘贴只能在填写表单时使用");
                    }
                    _ => self.with_screen(self.screen, |s, cx| s.on_paste(&text, cx)),
                }
            }
            Msg::HookDone(outcome) => self.hook_done(*outcome),
            Msg::NotifyFailed(why) => {
                // Said once; it must not push a fresh "已保存" off the status line, so it follows it.
                let text = match &self.message {
                    Some(m) if now - m.at < Duration::seconds(5) => format!("{}；{why}", m.text),
                    _ => why,
                };
                self.say(&text);
            }
            Msg::Backup(outcome) => {
                let (text, warning) = super::backup::said(&outcome);
                self.backup_warning = warning;
                if let Some(text) = text {
                    self.say(&text);
                }
            }
            Msg::SearchIndex(state) => match state {
                Ok(building) => {
                    let was_building = self.screens.search.index.is_some();
                    self.screens.search.index = building;
                    if was_building && building.is_none() {
                        self.say("查询索引已建好，可以查到全部记录");
                        // Results found while it was being built are asked again, whole.
                        let shown = self.screen == ScreenId::Search;
                        self.with_screen(ScreenId::Search, |s, cx| s.on_foreign_writes(shown, cx));
                    }
                }
                // The index stays incomplete (the 查询 tab goes on saying so); the next start
                // goes on from where it stopped.
                Err(why) => self.say(&format!("查询索引未能建完，下次启动时继续：{why}")),
            },
            Msg::VisitsReduced(Ok(0)) => {}
            Msg::VisitsReduced(Ok(visits)) => {
                let years = self.settings.visit.retention_years;
                self.say(&super::retention::reduced_sentence(visits, years));
            }
            Msg::VisitsReduced(Err(why)) => {
                self.say(&format!("来访证件号码和电话未能按保存期限脱敏，一小时后再试：{why}"));
            }
            Msg::Terminate => self.terminate(),
        }
        self.finish(now)
    }

    /// Drains what this transition collected into effects; the message goes on the status line.
    fn finish(&mut self, now: NaiveDateTime) -> Vec<Effect> {
        if let Some(text) = self.outbox.out.message.take() {
            self.message = Some(StatusMessage { text, at: now });
        }
        let mut effects = std::mem::take(&mut self.outbox.out.effects);
        if self.quit {
            // Once quit, only the drafts are kept up to date while what was out is finished: a
            // reload nobody will see, or a write nobody asked for (the next step of a signing
            // whose PINs just matched), does not start on the way out.
            effects.retain(|e| matches!(e, Effect::Quit | Effect::Request(_, Request::SaveDrafts { .. })));
        }
        effects
    }

    fn say(&mut self, text: &str) {
        self.outbox.out.message = Some(text.to_string());
    }

    /// Whether one of the app's own requests for `job` is still out.
    fn job_out(&self, job: &Job) -> bool {
        self.outbox.pending.values().any(|o| *o == Owner::App(job.clone()))
    }

    /// Sends one of the app's own requests.
    fn request(&mut self, job: Job, request: Request) {
        let id = self.outbox.out.next_id();
        self.outbox.pending.insert(id, Owner::App(job));
        self.outbox.out.effects.push(Effect::Request(id, request));
    }

    /// Runs `f` on one screen with its context; tags the requests it made as that screen's and
    /// carries out the commands it gave.
    fn with_screen(&mut self, id: ScreenId, f: impl FnOnce(&mut dyn Screen, &mut Cx<'_>)) {
        let first = self.outbox.out.effects.len();
        {
            let operator = self.operator.as_deref().unwrap_or("");
            let mut cx = Cx::new(&self.settings, operator, self.now, &self.shared, &mut self.outbox.out);
            f(self.screens.get_mut(id), &mut cx);
        }
        for e in &self.outbox.out.effects[first..] {
            if let Effect::Request(op, _) = e {
                self.outbox.pending.insert(*op, Owner::Screen(id));
            }
        }
        let commands = std::mem::take(&mut self.outbox.out.commands);
        for c in commands {
            self.on_command(id, c);
        }
    }

    /// [`App::with_screen`], giving back what `f` returns.
    fn with_screen_result<T: Default>(&mut self, id: ScreenId, f: impl FnOnce(&mut dyn Screen, &mut Cx<'_>) -> T) -> T {
        let mut out = T::default();
        self.with_screen(id, |s, cx| out = f(s, cx));
        out
    }

    /// Closes every form (the officer gave up what was typed) but one being saved: its save
    /// cannot be called back, and it is kept as a draft until its reply says it was saved.
    fn screens_discard_all(&mut self) {
        for id in ScreenId::ALL {
            let screen = self.screens.get(*id);
            if screen.has_unsaved() && !screen.saving() {
                self.screens.get_mut(*id).discard_form();
            }
        }
    }

    /// Whether a screen's save is out.
    fn saving(&self) -> bool {
        ScreenId::ALL.iter().any(|s| self.screens.get(*s).saving())
    }

    fn on_tick(&mut self, now: NaiveDateTime) {
        if self
            .message
            .as_ref()
            .is_some_and(|m| now - m.at > Duration::seconds(MESSAGE_SECONDS))
        {
            self.message = None;
        }
        let steps = self.shared.alerts.tick(now, &self.settings.urgent);
        self.run_steps(steps);
        self.load_roster_if_needed();
        let idle = Duration::minutes(i64::from(self.settings.lock_minutes));
        if self.settings.lock_minutes > 0
            && self.operator.is_some()
            && self.locked.is_none()
            && now - self.last_input >= idle
        {
            self.lock();
        }
        // One look at a time: a look still out (behind a write waiting for another terminal's
        // lock) will see everything written until it runs.
        if !self.job_out(&Job::ForeignWrites) {
            self.request(Job::ForeignWrites, Request::CheckForeignWrites);
        }
        self.sync_drafts(now);
        if self
            .shared
            .follow_ups_at
            .is_none_or(|at| now - at >= FOLLOW_UPS_EVERY || now < at)
        {
            self.load_follow_ups();
        }
        self.remind(now);
        self.watch_posts(now);
    }

    /// 漏岗 (003:161): a shift nobody signed on for past `[roster] signon_alert_minutes` is said
    /// on the status line (red, every screen, while it lasts), rung and sent to the desktop when
    /// it begins and again every [`MISSED_POST_RING_EVERY`] until someone signs on.
    fn watch_posts(&mut self, now: NaiveDateTime) {
        let Some(shift) = self.shared.roster.missed_post(&self.settings, now) else {
            self.missed_post_rung = None;
            return;
        };
        let due = match self.missed_post_rung {
            Some((start, at)) if start == shift.start => now - at >= MISSED_POST_RING_EVERY || now < at,
            _ => true,
        };
        // The shift's duty leader, at home, is told once a shift (`[notify] uses = ["漏岗"]`).
        let first = self.missed_post_rung.is_none_or(|(start, _)| start != shift.start);
        if first && self.settings.notify.on_for(super::hook::HookUse::MissedPost) && !shift.leader.is_empty() {
            let send = super::hook::SendKey {
                kind: super::hook::SendKind::MissedPost,
                ref_id: super::hook::shift_ref(shift.start),
                attempt: 0,
            };
            let minutes = (now - shift.start).num_minutes();
            self.claim_and_send(
                send,
                shift.leader.clone(),
                super::hook::missed_post_message(shift.start, minutes),
            );
        }
        if due {
            self.missed_post_rung = Some((shift.start, now));
            self.say(&super::roster_plan::missed_post_text(&shift, now));
            // No names on the desktop: the notice says only that a shift is unmanned.
            let notice = super::alerts::Notice {
                title: "值班提醒：漏岗".into(),
                body: format!("{} 开始的班次无人到岗", shift.start.format("%H:%M")),
            };
            self.outbox.out.effects.extend([Effect::Ring, Effect::Notify(notice)]);
        }
    }

    /// Reads what the instruction cycle leaves open, unless a read is already out (it sees
    /// everything written before it runs).
    fn load_follow_ups(&mut self) {
        if !self.job_out(&Job::FollowUps) {
            self.request(Job::FollowUps, Request::LoadFollowUps);
        }
    }

    /// Reads the directory again unless a read is already out.
    fn load_directory(&mut self) {
        if !self.job_out(&Job::Directory) {
            self.request(Job::Directory, Request::LoadDirectory);
        }
    }

    /// Says each reminder of the cycle once when it falls due (交办 due soon or overdue, a 请示
    /// or a notice call to try again): the first on the status line with how many more, and the
    /// bell once — a lower tier than urgent alerts, which ring until acknowledged.
    fn remind(&mut self, now: NaiveDateTime) {
        if self.operator.is_none() {
            return;
        }
        let due = super::instruction::due_reminders(
            &self.shared.follow_ups,
            &self.settings.instruction,
            &self.settings.documents,
            now,
        );
        let fresh: Vec<&(super::instruction::ReminderKey, String)> =
            due.iter().filter(|(k, _)| !self.reminded.contains(k)).collect();
        if let Some((_, first)) = fresh.first() {
            let more = fresh.len() - 1;
            let text = if more > 0 {
                format!("{first}（另有 {more} 项提醒，见“督办”）")
            } else {
                first.clone()
            };
            self.say(&text);
            self.outbox.out.effects.push(Effect::Ring);
        }
        let fresh: Vec<super::instruction::ReminderKey> = fresh.into_iter().map(|(k, _)| k.clone()).collect();
        for key in &fresh {
            self.send_for(key);
        }
        // Only what is still due is remembered: the set never outgrows what is open.
        self.reminded = due.into_iter().map(|(k, _)| k).collect();
    }

    fn lock(&mut self) {
        self.help = false;
        self.goto = None;
        self.locked = Some(Lock::default());
    }

    /// Turns what the alerts asked for into requests and effects.
    fn run_steps(&mut self, steps: Vec<Step>) {
        for step in steps {
            match step {
                Step::Alert(notice) => self.outbox.out.effects.extend([Effect::Ring, Effect::Notify(notice)]),
                Step::Save {
                    target,
                    before,
                    after,
                    lines,
                } => self.request(
                    Job::Escalation(target),
                    Request::SaveEscalation {
                        target,
                        before,
                        after,
                        lines,
                    },
                ),
                Step::Reached(target, rung) => {
                    // Claimed first: only the terminal whose claim commits sends (once per rung,
                    // whatever the number of terminals or restarts).
                    let calls = self.hook_calls(target, rung);
                    if !calls.is_empty() && !self.hooks_waiting.contains_key(&(target, rung)) {
                        self.hooks_waiting.insert((target, rung), calls);
                        let by = self
                            .operator
                            .clone()
                            .unwrap_or_else(|| super::escalation::SYSTEM.to_string());
                        self.request(
                            Job::HookClaim(target, rung),
                            Request::ClaimNotify {
                                target,
                                rung,
                                by,
                                at: self.now,
                            },
                        );
                    }
                }
                Step::Followup(id, line) => self.request(Job::Followup(id), Request::AppendTimeline(id, line)),
                // The periodic reload: a read still out runs after every request sent before
                // now (the store thread keeps their order), so it answers for this one too.
                Step::Reload if self.job_out(&Job::Events) => {}
                Step::Reload => self.request(Job::Events, Request::LoadEvents),
                Step::Say(m) => self.say(&m),
            }
        }
    }

    /// `[notify] uses = ["交办逾期", "电话通知"]`: a reminder falling due sends to the 承办人 of
    /// an overdue 交办, or to a notice's recipient after an unanswered call — claimed first, so
    /// one terminal sends. A name with no number is said (nothing to send to).
    fn send_for(&mut self, key: &super::instruction::ReminderKey) {
        use super::hook::{HookUse, SendKey, SendKind, notice_message, task_message};
        use super::instruction::{RecipientState, ReminderKey};
        let hook = &self.settings.notify;
        let f = &self.shared.follow_ups;
        let (send, name, message) = match key {
            ReminderKey::TaskOverdue(id) if hook.on_for(HookUse::OverdueTask) => {
                let Some(t) = f.tasks.iter().find(|t| t.id == *id) else {
                    return;
                };
                let send = SendKey {
                    kind: SendKind::OverdueTask,
                    ref_id: t.id,
                    attempt: 0,
                };
                (
                    send,
                    t.assignee.clone(),
                    task_message(t.id, t.due, &t.requirement, hook),
                )
            }
            ReminderKey::NoticeRetry(rid, _) if hook.on_for(HookUse::NoticeCall) => {
                let Some((n, r)) = f
                    .notices
                    .iter()
                    .find_map(|n| n.recipients.iter().find(|r| r.id == *rid).map(|r| (n, r)))
                else {
                    return;
                };
                let RecipientState::NotReached { tries, .. } = r.state(self.settings.instruction.notice_retry_after)
                else {
                    return;
                };
                let send = SendKey {
                    kind: SendKind::NoticeCall,
                    ref_id: r.id,
                    attempt: i64::try_from(tries).unwrap_or(i64::MAX),
                };
                (send, r.name.clone(), notice_message(n.id, &n.content, hook))
            }
            _ => return,
        };
        self.claim_and_send(send, name, message);
    }

    /// Sends `message` to `name` through the hook once `send` is claimed here (the first
    /// terminal to claim it sends). A name with no number is said (nothing to send to).
    fn claim_and_send(&mut self, send: super::hook::SendKey, name: String, message: String) {
        use super::hook::{HookCall, HookCause};
        let phone = self
            .settings
            .person(&name)
            .map(|p| p.phone.clone())
            .filter(|p| !p.trim().is_empty())
            .or_else(|| self.shared.directory.phone_of(&name).map(str::to_string));
        let Some(phone) = phone else {
            self.say(&format!(
                "短信/语音通知未发：通讯录和人员名单中没有“{}”的电话",
                crate::core::text::sanitize(&name, false)
            ));
            return;
        };
        if self.sends_waiting.contains_key(&send) {
            return;
        }
        self.sends_waiting.insert(
            send,
            HookCall {
                cause: HookCause::Send(send),
                name,
                phone,
                message,
            },
        );
        let by = self
            .operator
            .clone()
            .unwrap_or_else(|| super::escalation::SYSTEM.to_string());
        self.request(
            Job::SendClaim(send),
            Request::ClaimSend {
                key: send,
                by,
                at: self.now,
            },
        );
    }

    /// Whom the SMS or voice hook tells that `target` reached `rung`, and what: the rung's people
    /// (from `escalation_from_rung` on); a collective-visit or watch-list alert, when raised, the
    /// `[visit] report_to` people. A number missing is skipped (the banner names whom to phone).
    fn hook_calls(&self, target: AlertTarget, rung: usize) -> Vec<super::hook::HookCall> {
        use super::hook::{AlertFacts, HookCall, HookCause, HookUse, MessageKind, alert_message};
        let hook = &self.settings.notify;
        let operator = self.operator.as_deref().unwrap_or("");
        let (kind, facts, visit) = match target {
            AlertTarget::Event(id) => {
                let Some(e) = self.shared.alerts.events.iter().find(|e| e.id == id) else {
                    return Vec::new();
                };
                let facts = AlertFacts {
                    level: e.facts.level.label().to_string(),
                    category: e.record.category.clone(),
                    at: e.record.received_at,
                    summary: e.record.summary.clone(),
                };
                (MessageKind::Urgent, facts, false)
            }
            AlertTarget::Entry(id) => {
                let Some(a) = self.shared.alerts.entry_alerts.iter().find(|a| a.id == id) else {
                    return Vec::new();
                };
                let visit = super::visit_screen::is_visit_alert(&a.title);
                let level = a.title.split_whitespace().next().unwrap_or("紧急").to_string();
                let category = if !visit {
                    "值班记录".to_string()
                } else if a.title.contains("集体访") {
                    "集体访".to_string()
                } else {
                    "关注名单人员来访".to_string()
                };
                let facts = AlertFacts {
                    level,
                    category,
                    at: a.created_at,
                    summary: a.title.clone(),
                };
                let kind = if visit { MessageKind::Visit } else { MessageKind::Urgent };
                (kind, facts, visit)
            }
        };
        let mut to: Vec<(String, String)> = Vec::new();
        if visit && rung == 0 && hook.on_for(HookUse::VisitAlert) {
            to.extend(
                super::settings::report_callees(&self.settings, operator)
                    .into_iter()
                    .map(|c| (if c.name.is_empty() { c.label } else { c.name }, c.phone)),
            );
        }
        if hook.on_for(HookUse::Escalation)
            && rung >= hook.escalation_from_rung
            && let Some(r) = self.settings.urgent.ladder.get(rung)
        {
            // Never the officer at the keyboard: they see the banner.
            to.extend(
                super::settings::contacts(&self.settings, r)
                    .into_iter()
                    .filter(|(n, _)| n != operator),
            );
        }
        let message = alert_message(kind, &facts, hook);
        let mut calls: Vec<HookCall> = Vec::new();
        for (name, phone) in to {
            if phone.trim().is_empty() || calls.iter().any(|c| c.phone == phone) {
                continue;
            }
            calls.push(HookCall {
                cause: HookCause::Alert(target),
                name,
                phone,
                message: message.clone(),
            });
        }
        calls
    }

    /// A hook run finished: its line on the timeline of what caused it; a failure said once
    /// (again only after one went through).
    fn hook_done(&mut self, outcome: super::hook::HookOutcome) {
        match outcome.call.cause {
            super::hook::HookCause::Alert(target) => {
                let line = super::urgent::TimelineLine {
                    at: outcome.started_at,
                    who: super::escalation::SYSTEM.to_string(),
                    text: outcome.line(),
                };
                self.request(Job::HookLine, Request::AppendAlertLine(target, line));
            }
            super::hook::HookCause::Send(key) => self.request(
                Job::HookLine,
                Request::RecordSend {
                    key,
                    line: outcome.line(),
                    at: outcome.started_at,
                },
            ),
            super::hook::HookCause::Test => {}
        }
        match outcome.problem() {
            Some(problem) if !self.hook_problem_said => {
                self.hook_problem_said = true;
                self.say(&problem);
            }
            Some(_) => {}
            None => self.hook_problem_said = false,
        }
    }

    fn load_roster_if_needed(&mut self) {
        if let Some((from, to)) = self.shared.roster.load_if_needed(self.now) {
            // Marked loaded at once so a slow store is not asked again every tick.
            self.shared.roster.loaded = Some((from, to));
            let month = self.shared.roster.month.map(super::roster_plan::month_of);
            self.shared.roster.run_month = month;
            self.request(Job::Roster, Request::LoadRoster(from, to, month));
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply) {
        // A write refused because its row was changed outside the app: the asker hears it as a
        // failure, and the integrity warning is read again at once (the finding is recorded).
        let reply = match reply {
            Reply::Tampered(why) => {
                self.request(Job::Integrity, Request::QuickVerify);
                Reply::Failed(why)
            }
            r => r,
        };
        let pin_written = matches!(reply, Reply::Pin(_) | Reply::Pins(_) | Reply::PinSet);
        match self.outbox.pending.remove(&op) {
            Some(Owner::Screen(id)) => self.with_screen(id, |s, cx| s.on_reply(op, reply, cx)),
            Some(Owner::App(job)) => self.on_job_reply(job, reply),
            // Nobody waits for it any more (a reply from before a restart of the screen).
            None => {}
        }
        // A PIN was checked (recorded) or set: the PIN facts shown (wrong PINs in a row, when
        // set) are read again — this terminal's own writes are not announced as another's. A
        // read already out was sent after the write, so it sees it.
        if pin_written && !self.job_out(&Job::PinStatuses) {
            self.load_pin_statuses();
        }
    }

    /// Replies to the app's own requests. A failure is said as what failed and what happens next.
    fn on_job_reply(&mut self, job: Job, reply: Reply) {
        match (job, reply) {
            (Job::Events, Reply::Events(events, entry_alerts)) => {
                let steps = self
                    .shared
                    .alerts
                    .on_loaded(events, entry_alerts, self.now, &self.settings.urgent);
                self.run_steps(steps);
                for s in ScreenId::ALL {
                    let shown = *s == self.screen;
                    self.with_screen(*s, |screen, cx| screen.on_alerts_changed(shown, cx));
                }
                self.check_daily_report();
            }
            (Job::Events, Reply::Failed(why)) => {
                self.say(&format!(
                    "读取失败（紧急事项）：{why}。横幅显示的是上次读到的情况，2 秒后再读"
                ));
            }
            (Job::ForeignWrites, Reply::ForeignWrites(true)) => {
                for s in ScreenId::ALL {
                    let shown = *s == self.screen;
                    self.with_screen(*s, |screen, cx| screen.on_foreign_writes(shown, cx));
                }
                self.request(Job::Events, Request::LoadEvents);
                self.load_follow_ups();
                self.load_directory();
                self.load_pin_statuses();
                self.shared.roster.invalidate();
                self.load_roster_if_needed();
            }
            (Job::Directory, Reply::Directory(d)) => {
                // The numbers go into the settings the ladder and the alerts read; a number the
                // directory no longer has stays until the app starts again.
                super::directory::fill_numbers(&mut self.settings, &d);
                self.shared.directory = *d;
            }
            (Job::Directory, Reply::Failed(why)) => self.say(&format!("读取通讯录失败：{why}")),
            (Job::FollowUps, Reply::FollowUps(f)) => {
                self.shared.follow_ups = *f;
                self.shared.follow_ups_at = Some(self.now);
                self.remind(self.now);
            }
            (Job::FollowUps, Reply::Failed(why)) => {
                // Read again at the next interval; the note shows what was read last.
                self.shared.follow_ups_at = Some(self.now);
                self.say(&format!("读取督办事项失败：{why}。稍后自动重读"));
            }
            (Job::ForeignWrites, Reply::Failed(why)) => {
                self.say(&format!("无法检查其他终端的写入：{why}。下一秒再查"));
            }
            (Job::Integrity, Reply::Integrity(problems)) => {
                self.integrity = problems.first().map(|p| {
                    format!(
                        "完整性检查发现 {} 处问题（如：{p}），请报告领导：按 : 转到“完整性发现”核实确认（zhiban verify 列出全部）",
                        problems.len()
                    )
                });
            }
            (Job::Integrity, Reply::Failed(why)) => {
                self.integrity = Some(format!("无法完成完整性检查：{why}，请运行 zhiban verify"));
            }
            (Job::HookClaim(target, rung), reply) => {
                let calls = self.hooks_waiting.remove(&(target, rung)).unwrap_or_default();
                match reply {
                    Reply::Claimed(true) => self.outbox.out.effects.extend(calls.into_iter().map(Effect::Hook)),
                    Reply::Failed(why) => self.say(&format!("短信/语音通知未能登记，没有发送：{why}")),
                    _ => {}
                }
            }
            (Job::Escalation(_), Reply::EscalationSaved(_)) => {
                self.request(Job::Events, Request::LoadEvents);
            }
            (Job::SendClaim(key), reply) => {
                let call = self.sends_waiting.remove(&key);
                match (reply, call) {
                    (Reply::Claimed(true), Some(call)) => self.outbox.out.effects.push(Effect::Hook(call)),
                    (Reply::Failed(why), _) => self.say(&format!("短信/语音通知未能登记，没有发送：{why}")),
                    _ => {}
                }
            }
            (Job::HookLine, Reply::TimelineAppended) => {}
            // A send's outcome recorded: the 督办 views and the roster show it once read again.
            (Job::HookLine, Reply::Confirmed) => {
                self.load_follow_ups();
                self.shared.roster.invalidate();
                self.load_roster_if_needed();
            }
            (Job::HookLine, Reply::Failed(why)) => {
                self.say(&format!("短信/语音通知的结果未能记入时间线：{why}"));
            }
            (Job::Escalation(_) | Job::Followup(_), Reply::TimelineAppended) => {
                // Saved, or another terminal took this step first: either way re-read the truth.
                self.request(Job::Events, Request::LoadEvents);
            }
            (Job::Escalation(target), Reply::Failed(why)) => {
                let what = match target {
                    AlertTarget::Event(id) => format!("第 {id} 号紧急事件的催办记录"),
                    AlertTarget::Entry(_) => "紧急提醒的催办记录".to_string(),
                };
                // Not re-read at once: the step stays in memory (the alert keeps ringing and
                // climbing) and the next periodic reload retries it, so a write that keeps
                // failing cannot spin.
                self.say(&format!("{what}未能保存：{why}。提醒照常响铃和升级，稍后自动重试"));
            }
            (Job::Followup(id), Reply::Failed(why)) => {
                self.say(&format!(
                    "第 {id} 号紧急事件的续报时刻未能记入时间线：{why}。请按时报送续报"
                ));
            }
            (
                Job::Roster,
                Reply::Roster {
                    window,
                    imported,
                    swaps,
                    run,
                },
            ) => {
                self.shared.roster.imported = imported;
                self.shared.roster.swaps = swaps;
                self.shared.roster.run = *run;
                self.shared.roster.loaded = Some(window);
                if self.operator.is_none() && !self.picker_moved {
                    self.preselect_on_duty();
                }
            }
            (Job::Roster, Reply::Failed(why)) => {
                self.shared.roster.invalidate();
                self.say(&format!("读取排班失败：{why}"));
            }
            (Job::Unlock { name }, Reply::Pin(check)) => match check {
                PinCheck::Matches { failed_before } => {
                    let switched = self.operator.as_deref() != Some(name.as_str());
                    let mut said = if switched {
                        let from = self.hand_keyboard(&name).unwrap_or_default();
                        format!("已换人：现在的值班员是 {name}（原值班员 {from}）")
                    } else {
                        "已解锁".to_string()
                    };
                    if let Some(note) = failures_note(&failed_before) {
                        said.push_str(&format!("。{note}"));
                    }
                    self.unlocked(&said);
                }
                PinCheck::Wrong { in_a_row, wait_until } => {
                    let text = wrong_text(&name, in_a_row, wait_until, self.now);
                    if let Some(l) = &mut self.locked {
                        l.failed(&text);
                    }
                }
                PinCheck::Wait { until } => {
                    let text = wait_text(&name, until, self.now);
                    if let Some(l) = &mut self.locked {
                        l.failed(&text);
                    }
                }
                // Nobody's PIN is set from the lock screen (enrolment is at sign-in, by an approver):
                // a colleague without one cannot take over, and an operator whose PIN was reset
                // meanwhile hands over with Tab or signs in again.
                PinCheck::NotSet => {
                    let why = if self.operator.as_deref() == Some(name.as_str()) {
                        format!("{name} 的 PIN 已被重置：请按 Tab 换人，或退出后在登录时由领导重新登记")
                    } else {
                        format!("{name} 还没有设定 PIN，不能在锁屏换人：请先在登录时由领导登记")
                    };
                    if let Some(l) = &mut self.locked {
                        l.failed(&why);
                    }
                }
            },
            (Job::LockedAck { name }, Reply::Pin(check)) => {
                let said = match check {
                    PinCheck::Matches { .. } => {
                        let before = self.outbox.out.message.take();
                        self.acknowledge_as(&name);
                        let said = self.outbox.out.message.take().unwrap_or_default();
                        self.outbox.out.message = before;
                        said
                    }
                    PinCheck::Wrong { in_a_row, wait_until } => wrong_text(&name, in_a_row, wait_until, self.now),
                    PinCheck::Wait { until } => wait_text(&name, until, self.now),
                    PinCheck::NotSet => format!("{name} 还没有设定 PIN：不能用来确认"),
                };
                if let Some(l) = &mut self.locked {
                    // Still locked: the PIN is cleared and what happened is said on the lock screen.
                    l.failed(&said);
                }
            }
            (Job::LockedAck { .. }, Reply::Failed(why)) => {
                if let Some(l) = &mut self.locked {
                    l.failed(&format!("无法核对 PIN：{why}"));
                }
            }
            (Job::SignInCheck { name }, reply) => self.on_sign_in_check(&name, reply),
            (Job::EnrolmentOpen, Reply::Approvers(confirmed)) => {
                let outgoing = self.outgoing_officer();
                if let Some(s) = &mut self.sign_in {
                    s.needs_enrolment(confirmed, outgoing);
                }
            }
            (Job::Enrol, Reply::PinSet) => {
                let Some(s) = self.sign_in.take() else { return };
                let urgent = s.is_urgent();
                let by = match s.approver {
                    Some(a) if urgent => format!("{a} 紧急登记，须领导在“人员与 PIN”中确认"),
                    Some(a) => format!("{a} 登记"),
                    None => "登记开放期间本人设定".to_string(),
                };
                self.signed_in(&s.person, &format!("；PIN 已登记（{by}）"));
            }
            (Job::ReportSent, Reply::ReportSendings(window, sent)) => {
                let due = self.settings.report.due_for_sending(self.now);
                if !sent.is_empty() {
                    self.report_sent_known = Some(window);
                }
                self.report_unsent = due.filter(|d| *d == window && sent.is_empty());
            }
            // The reminder stays as it was; the alerts' reload says what is wrong with the store.
            (Job::ReportSent, Reply::Failed(_)) => {}
            (Job::PinStatuses, Reply::PinStatuses(statuses)) => self.shared.pins = statuses,
            (Job::Drafts, Reply::Drafts(drafts)) => self.on_drafts(drafts),
            (Job::Drafts, Reply::Failed(why)) => self.say(&format!("草稿未能保存或读取：{why}")),
            (Job::PinStatuses, Reply::Failed(why)) => self.say(&format!("无法读取人员 PIN 状态：{why}")),
            (Job::Replace, Reply::PinSet) => {
                let Some(s) = self.sign_in.take() else { return };
                if s.changing {
                    self.say(&format!("已更换 {} 的 PIN：以后登录、解锁和签字都用新 PIN", s.person));
                } else {
                    self.signed_in(&s.person, "；PIN 已换成 6 位新 PIN");
                }
            }
            (Job::EnrolmentOpen | Job::Enrol | Job::Replace, Reply::Failed(why)) => {
                if let Some(s) = &mut self.sign_in {
                    s.failed(&format!("登记未完成：{why}"));
                }
            }
            (Job::Unlock { .. }, Reply::Failed(why)) => {
                if let Some(l) = &mut self.locked {
                    l.failed(&format!("无法核对 PIN：{why}"));
                }
            }
            // Any other pairing is a reply this job does not expect: nothing to do.
            _ => {}
        }
    }

    /// Who the config names as approvers (带班领导/值班领导, 办公室主任, 分管副主任), with the role:
    /// a claim, which counts only once confirmed in the store.
    fn approver_candidates(&self) -> Vec<(String, String)> {
        self.settings
            .people
            .iter()
            .filter(|p| p.role.is_leader())
            .map(|p| (p.name.clone(), p.role.label().to_string()))
            .collect()
    }

    /// Who may enrol a newcomer urgently when no approver is at hand: the officer signed in
    /// here, else the one the roster has on duty now (the outgoing officer at a handover).
    fn outgoing_officer(&self) -> Option<String> {
        self.operator.clone().or_else(|| {
            let (current, _) = self.shared.roster.now_next(&self.settings, self.now);
            current.map(|s| s.primary).filter(|p| !p.is_empty())
        })
    }

    /// An office that reports daily: asks whether the period due was sent, with each reload of
    /// the alerts (every 2 s) until it was — one index lookup.
    fn check_daily_report(&mut self) {
        match self.settings.report.due_for_sending(self.now) {
            Some(due) if self.report_sent_known != Some(due) => {
                self.request(Job::ReportSent, Request::ReportSendings(due));
            }
            _ => self.report_unsent = None,
        }
    }

    /// Reads every configured person's PIN facts again (after any PIN change, here or elsewhere).
    pub(crate) fn load_pin_statuses(&mut self) {
        let people = self
            .settings
            .people
            .iter()
            .map(|p| (p.name.clone(), p.role.is_leader().then(|| p.role.label().to_string())))
            .collect();
        self.request(Job::PinStatuses, Request::PinStatuses(people));
    }

    /// Starts sign-in for `name` (the app's `--operator NAME`): the PIN is still asked.
    pub fn preselect(&mut self, name: &str) {
        if let Some(i) = self.settings.people.iter().position(|p| p.name == name) {
            self.picker_selected = i;
            self.picker_moved = true;
            self.sign_in = Some(SignIn::new(name));
        }
    }

    fn sign_in_action(&mut self, action: Action) {
        let Some(s) = &mut self.sign_in else { return };
        match action {
            Action::Back => self.sign_in = None,
            Action::DeleteBack => s.backspace(),
            Action::NextApprover => s.next_approver(),
            Action::SubmitPin => match s.submit() {
                Ask::Nothing => {}
                Ask::Check { name, pin } => self.request(
                    Job::SignInCheck { name: name.clone() },
                    Request::CheckPin {
                        name,
                        pin,
                        place: super::pin_policy::PinPlace::SignIn,
                    },
                ),
                Ask::Replace { pin } => {
                    let name = s.person.clone();
                    self.request(Job::Replace, Request::ReplacePin { name, pin });
                }
                Ask::Enrol { pin } => {
                    let name = s.person.clone();
                    let by = s.approver.clone().unwrap_or_else(|| OPEN_ENROLMENT.to_string());
                    let urgent = s.is_urgent();
                    // Enrolling someone the config calls a leader confirms that role for them
                    // (an urgent enrolment confirms nothing: the outgoing officer is no approver).
                    let approver_role = self.settings.role_confirmed_by_enrolment(&name, urgent);
                    self.request(
                        Job::Enrol,
                        Request::EnrolPin {
                            name,
                            pin,
                            by,
                            approver_role,
                            urgent,
                        },
                    );
                }
            },
            _ => {}
        }
    }

    /// A PIN typed at sign-in came back: the person's own, or an approver's enrolling them.
    fn on_sign_in_check(&mut self, name: &str, reply: Reply) {
        let approvers = self.approver_candidates();
        let now = self.now;
        let Some(s) = &mut self.sign_in else { return };
        let for_approver = s.step == SignInStep::ApproverPin;
        match reply {
            Reply::Pin(PinCheck::Matches { .. }) if !for_approver && s.matched_must_replace() => {}
            Reply::Pin(PinCheck::Matches { failed_before }) if !for_approver => {
                let note = failures_note(&failed_before)
                    .map(|n| format!("。{n}"))
                    .unwrap_or_default();
                let person = s.person.clone();
                self.sign_in = None;
                self.signed_in(&person, &note);
            }
            Reply::Pin(PinCheck::Matches { .. }) => s.approved(),
            Reply::Pin(PinCheck::Wrong { in_a_row, wait_until }) => {
                s.failed(&wrong_text(name, in_a_row, wait_until, now));
            }
            Reply::Pin(PinCheck::Wait { until }) => s.failed(&wait_text(name, until, now)),
            Reply::Pin(PinCheck::NotSet) if for_approver => {
                s.failed(&format!("{name} 也还没有 PIN：请按 Tab 换一位已登记的领导"));
            }
            Reply::Pin(PinCheck::NotSet) => {
                s.step = SignInStep::Asking;
                s.checking = true;
                self.request(Job::EnrolmentOpen, Request::Approvers(approvers));
            }
            Reply::Failed(why) => s.failed(&format!("无法核对 PIN：{why}")),
            _ => {}
        }
    }

    /// `name` is signed in: the screens read what they need.
    fn signed_in(&mut self, name: &str, note: &str) {
        let role = self.settings.person(name).map_or("", |p| p.role.label());
        self.operator = Some(name.to_string());
        self.last_input = self.now;
        self.say(&format!("{role} {name} 开始值班{note}"));
        self.start_screens();
    }

    /// The drafts kept for the officer who signed in: offered, or nothing to offer.
    fn on_drafts(&mut self, drafts: Vec<(String, String, NaiveDateTime)>) {
        let known: Vec<(ScreenId, String, NaiveDateTime)> = drafts
            .into_iter()
            .filter_map(|(screen, body, at)| {
                ScreenId::ALL
                    .iter()
                    .find(|s| s.label() == screen)
                    .map(|id| (*id, body, at))
            })
            .collect();
        if known.is_empty() {
            self.drafts_kept = Some(Vec::new());
            return;
        }
        let names: Vec<&str> = known.iter().map(|(id, _, _)| id.label()).collect();
        let at = known.iter().map(|(_, _, at)| *at).max().unwrap_or(self.now);
        self.confirm = Some(Question {
            text: format!(
                "上次关闭时有未保存的内容（{}，{} 保存为草稿）。恢复吗？选“否”则删除这些草稿",
                names.join("、"),
                at.format("%m-%d %H:%M")
            ),
            answer: Answer::RestoreDrafts(known.into_iter().map(|(id, body, _)| (id, body)).collect()),
        });
    }

    fn unlocked(&mut self, note: &str) {
        self.locked = None;
        self.last_input = self.now;
        self.say(note);
    }

    /// What a screen asked of the app.
    fn on_command(&mut self, from: ScreenId, command: Command) {
        match command {
            Command::Ask { question, token } => {
                self.confirm = Some(Question {
                    text: question,
                    answer: Answer::Screen(from, token),
                });
            }
            Command::Open(target) => self.open(target),
            Command::Back => {
                let to = self.came_from.take().or(self.screen.parent()).unwrap_or(ScreenId::Log);
                self.show(to);
            }
            Command::Escalate(target, input) => {
                let steps = self
                    .shared
                    .alerts
                    .apply(target, input, self.now, &self.settings.urgent.ladder);
                self.run_steps(steps);
            }
            Command::Acknowledge(preferred) => self.acknowledge(preferred),
            Command::HandOver { to } => {
                self.hand_keyboard(&to);
            }
            Command::ReloadEvents => self.request(Job::Events, Request::LoadEvents),
            Command::ReloadFollowUps => self.load_follow_ups(),
            Command::KeepDraftsNow => self.keep_drafts_scrubbing(true),
            Command::ReloadDirectory => self.load_directory(),
            Command::RecordsChanged => {
                for s in ScreenId::ALL.iter().copied().filter(|s| *s != from) {
                    let shown = s == self.screen;
                    self.with_screen(s, |screen, cx| screen.on_foreign_writes(shown, cx));
                }
                self.request(Job::Events, Request::LoadEvents);
                self.load_follow_ups();
                // The directory changes only by an import (another process: a foreign write).
            }
            Command::RosterMonth(month) => {
                self.shared.roster.month = month;
                self.load_roster_if_needed();
            }
            Command::RosterChanged => {
                self.shared.roster.invalidate();
                self.load_roster_if_needed();
            }
            Command::ReloadPins => self.load_pin_statuses(),
            Command::RecheckIntegrity => self.request(Job::Integrity, Request::QuickVerify),
        }
    }

    fn acknowledge(&mut self, preferred: Option<EventId>) {
        let Some(by) = self.operator.clone() else { return };
        let steps = self
            .shared
            .alerts
            .acknowledge(preferred, &by, self.now, &self.settings.urgent.ladder);
        self.run_steps(steps);
    }

    /// An acknowledgement from the lock screen, by whoever typed their PIN there.
    fn acknowledge_as(&mut self, by: &str) {
        let steps = self
            .shared
            .alerts
            .acknowledge(None, by, self.now, &self.settings.urgent.ladder);
        self.run_steps(steps);
    }

    /// Offers `target` to each screen the officer may open, in registry order; the one that
    /// takes it is shown.
    fn open(&mut self, target: Target) {
        let mut target = Some(target);
        let allowed: Vec<ScreenId> = ScreenId::ALL.iter().copied().filter(|s| self.may_open(*s)).collect();
        for s in allowed {
            let Some(t) = target.take() else { break };
            let mut taken = false;
            self.with_screen(s, |screen, cx| match screen.open(t.clone(), cx) {
                Ok(()) => taken = true,
                Err(back) => target = Some(back),
            });
            if taken {
                self.show(s);
                return;
            }
        }
    }

    /// Whether the officer at the keyboard may open `screen`: their role's `[[access]]` lists it
    /// (a sub-screen goes with its tab); a role not listed opens every screen.
    #[must_use]
    pub fn may_open(&self, screen: ScreenId) -> bool {
        let Some(allowed) = self.operator.as_deref().and_then(|op| self.settings.screens_for(op)) else {
            return true;
        };
        allowed
            .iter()
            .any(|l| l == screen.label() || screen.parent().is_some_and(|p| p.label() == l))
    }

    /// Whether the officer at the keyboard may read a 信访 visit's details beyond the board: a role
    /// with `[[access]]` only when it lists [`super::screens::PETITION_DETAILS`].
    #[must_use]
    pub fn may_see_petition_details(&self) -> bool {
        self.operator
            .as_deref()
            .and_then(|op| self.settings.screens_for(op))
            .is_none_or(|allowed| allowed.iter().any(|l| l == super::screens::PETITION_DETAILS))
    }

    /// After someone new is at the keyboard: off a screen their role may not open.
    fn keep_to_allowed_screens(&mut self) {
        if !self.may_open(self.screen)
            && let Some(first) = ScreenId::tabs().into_iter().find(|t| self.may_open(*t))
        {
            self.came_from = None;
            self.screen = first;
            self.with_screen(first, |s, cx| s.on_show(cx));
        }
    }

    /// Shows a screen (its `on_show` reads what it needs), remembering the one it was opened
    /// from (Esc on a sub-screen or an empty search box goes back there).
    fn show(&mut self, to: ScreenId) {
        if !self.may_open(to) {
            let role = self
                .operator
                .as_deref()
                .and_then(|op| self.settings.person(op))
                .map_or("", |p| p.role.label());
            let allowed = self
                .operator
                .as_deref()
                .and_then(|op| self.settings.screens_for(op))
                .map(|a| a.join("、"))
                .unwrap_or_default();
            self.say(&format!("{role}岗位不能打开“{}”：只能使用 {allowed}", to.label()));
            return;
        }
        if to != self.screen {
            self.came_from = Some(self.screen);
        }
        self.screen = to;
        self.with_screen(to, |s, cx| s.on_show(cx));
    }

    /// The officer signed in, or another took over: every screen reads what it needs.
    fn start_screens(&mut self) {
        self.load_pin_statuses();
        // What this person left unsaved when a terminal last closed.
        if let Some(name) = self.operator.clone() {
            self.drafts_kept = None;
            self.request(Job::Drafts, Request::LoadDrafts(name));
        }
        for s in ScreenId::ALL {
            self.with_screen(*s, |screen, cx| screen.on_start(cx));
        }
        self.keep_to_allowed_screens();
    }

    /// The picker starts on the officer the roster has on duty now.
    fn preselect_on_duty(&mut self) {
        let (current, _) = self.shared.roster.now_next(&self.settings, self.now);
        if let Some(i) = current.and_then(|s| self.settings.people.iter().position(|p| p.name == s.primary)) {
            self.picker_selected = i;
        }
    }

    /// The quit question, saying first what is still running (the clocks do not stop when this
    /// terminal closes, but nobody here will hear them).
    fn quit_question(&self) -> String {
        let mut parts = Vec::new();
        let (unacked, running) = self.shared.alerts.open_counts(self.now);
        if unacked > 0 {
            parts.push(format!("{unacked} 项紧急提醒还没有人确认"));
        }
        if running > 0 {
            parts.push(format!("{running} 个紧急事件的报送时限还在计时"));
        }
        if self.saving() {
            parts.push("正在保存的内容会在退出前写完".to_string());
        }
        let question = if self.has_unsaved() {
            "表单还没有保存。放弃已填写的内容并退出吗？"
        } else {
            "确定退出值班系统吗？"
        };
        if parts.is_empty() {
            question.into()
        } else {
            format!("注意：{}。{question}", parts.join("；"))
        }
    }

    fn on_key(&mut self, key: Key) {
        let mode = self.mode();
        match resolve(mode, key) {
            Some(action) => self.on_action(mode, action),
            None => {
                if mode == Mode::SignIn
                    && let (Some(c), Some(s)) = (key.typed_char(), &mut self.sign_in)
                {
                    s.type_char(c);
                } else if matches!(mode, Mode::Form | Mode::VisitLookup | Mode::Search | Mode::Directory)
                    && let Some(c) = key.typed_char()
                {
                    self.with_screen(self.screen, |s, cx| s.on_char(c, cx));
                }
            }
        }
    }

    fn on_action(&mut self, mode: Mode, action: Action) {
        match (mode, action) {
            (Mode::Confirm, Action::Yes) => {
                if let Some(q) = self.confirm.take() {
                    self.on_yes(q.answer);
                }
            }
            (Mode::Confirm, _) => {
                // No to the drafts: they are removed (secure_delete leaves nothing of them).
                if let Some(Question {
                    answer: Answer::RestoreDrafts(_),
                    ..
                }) = self.confirm.take()
                {
                    self.drafts_kept = Some(Vec::new());
                    self.keep_drafts();
                    self.say("已放弃上次未保存的内容");
                }
            }
            (Mode::GoTo, a) => self.goto_action(a),
            (Mode::Help, Action::Back) | (_, Action::Help) if self.help => self.help = false,
            (Mode::Help, a) => {
                self.help_scroll = match a {
                    Action::Up => self.help_scroll.saturating_sub(1),
                    Action::Down => self.help_scroll + 1,
                    Action::PageUp => self.help_scroll.saturating_sub(10),
                    Action::PageDown => self.help_scroll + 10,
                    _ => self.help_scroll,
                };
            }
            (_, Action::Help) => {
                self.help = true;
                self.help_scroll = 0;
            }
            (_, Action::Quit) => {
                self.help = false;
                self.confirm = Some(Question {
                    text: self.quit_question(),
                    answer: Answer::Quit,
                });
            }
            // An acknowledgement says who heard the alarm: nobody before signing in.
            (Mode::Picker | Mode::SignIn, Action::Acknowledge) if self.operator.is_none() => {
                self.say("请先登录（选择姓名、输入本人 PIN），再按 F2 确认紧急事项");
            }
            (Mode::SignIn, Action::Acknowledge) => {
                let preferred = self.screens.get(self.screen).selected_event();
                self.acknowledge(preferred);
            }
            (Mode::Picker, Action::Up) => {
                self.picker_moved = true;
                self.picker_selected = self.picker_selected.saturating_sub(1);
            }
            (Mode::Picker, Action::Down) => {
                self.picker_moved = true;
                self.picker_selected = (self.picker_selected + 1).min(self.settings.people.len().saturating_sub(1));
            }
            (Mode::Picker, Action::Pick) => {
                if let Some(p) = self.settings.people.get(self.picker_selected) {
                    self.sign_in = Some(SignIn::new(&p.name));
                }
            }
            (Mode::SignIn, a) => self.sign_in_action(a),
            (Mode::Picker, _) => {}
            (_, Action::GoTo) => self.goto = Some(0),
            (_, Action::NextTab | Action::PrevTab) => {
                let tabs = ScreenId::tabs();
                let i = tabs.iter().position(|t| *t == self.tab()).unwrap_or(0);
                let n = tabs.len();
                let next = if action == Action::NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.show(tabs[next]);
            }
            (_, Action::GoTab(i)) => {
                if let Some(t) = ScreenId::tabs().get(i) {
                    self.show(*t);
                }
            }
            (_, Action::Search) => self.show(ScreenId::Search),
            (_, Action::Lock) if self.operator.is_some() => self.lock(),
            (_, Action::Acknowledge) => {
                let preferred = self.screens.get(self.screen).selected_event();
                self.acknowledge(preferred);
            }
            // A save that is out cannot be called back: its form is neither saved twice nor
            // closed until the reply comes (the store may be waiting for another terminal).
            (Mode::Form, Action::Save | Action::Cancel) if self.screens.get(self.screen).saving() => {
                self.say("正在保存，请稍候：保存完成或失败之前，这张表单不能再保存或关闭");
            }
            (Mode::Form, Action::Cancel) if self.screens.get(self.screen).form_dirty() => {
                self.confirm = Some(Question {
                    text: "放弃本次填写的内容吗？".into(),
                    answer: Answer::DiscardForm(self.screen),
                });
            }
            (_, a) => self.with_screen(self.screen, |s, cx| s.on_action(a, cx)),
        }
    }

    /// Quits at the system's word ([`Msg::Terminate`]): no question is asked, nobody is there to
    /// answer it. Keeping unsaved text as drafts belongs here, as requests before the `Quit`.
    fn terminate(&mut self) {
        // Unsaved typing is kept as drafts, committed before the terminal is given back (unless
        // the question about the last ones is still open: those stay as they are). A form
        // being saved is among them until its reply says it was saved.
        self.keep_drafts();
        self.confirm = None;
        self.quitting();
    }

    /// Quits; a save still out is finished first by the runtime, which the officer is told.
    fn quitting(&mut self) {
        if self.saving() {
            self.say("正在写完保存的内容，写完后退出…");
        }
        self.quit = true;
        self.outbox.out.effects.push(Effect::Quit);
    }

    /// The keyboard passes to `to` (换人 at the lock screen, a signed handover): what is unsaved
    /// is kept once more as the previous officer's drafts, and `to`'s own are offered before
    /// anything is kept under their name. The previous officer, if any.
    fn hand_keyboard(&mut self, to: &str) -> Option<String> {
        self.keep_drafts();
        let from = self.operator.replace(to.to_string());
        self.keep_to_allowed_screens();
        self.drafts_kept = None;
        self.request(Job::Drafts, Request::LoadDrafts(to.to_string()));
        from
    }

    /// Every screen's unsaved form as (screen, body).
    fn current_drafts(&self) -> Vec<(String, String)> {
        ScreenId::ALL
            .iter()
            .filter_map(|id| self.screens.get(*id).draft().map(|body| (id.label().to_string(), body)))
            .collect()
    }

    /// Keeps the drafts in step with the forms, at most every [`DRAFT_EVERY`] (a crash or a
    /// power cut loses at most that much typing; a saved or discarded form's draft goes).
    fn sync_drafts(&mut self, now: NaiveDateTime) {
        if now - self.drafts_synced_at >= DRAFT_EVERY {
            self.keep_drafts_if_changed();
        }
    }

    /// Writes the drafts if the forms changed since they were last kept.
    fn keep_drafts_if_changed(&mut self) {
        if self
            .drafts_kept
            .as_ref()
            .is_some_and(|kept| *kept != self.current_drafts())
        {
            self.keep_drafts();
        }
    }

    /// Writes the operator's drafts as the forms stand now (none: their drafts go) — unless
    /// their earlier drafts are still to be offered, which nothing overwrites.
    fn keep_drafts(&mut self) {
        self.keep_drafts_scrubbing(false);
    }

    /// [`App::keep_drafts`]; with `scrub`, older copies of what the forms held leave the
    /// write-ahead log at once (a form just dropped text that must leave no trace).
    fn keep_drafts_scrubbing(&mut self, scrub: bool) {
        let (Some(person), Some(_)) = (self.operator.clone(), &self.drafts_kept) else {
            return;
        };
        let drafts = self.current_drafts();
        self.drafts_kept = Some(drafts.clone());
        self.drafts_synced_at = self.now;
        self.request(Job::Drafts, Request::SaveDrafts { person, drafts, scrub });
    }

    fn on_yes(&mut self, answer: Answer) {
        match answer {
            Answer::Quit => {
                // What was typed is given up: its drafts go too (a form being saved stays a
                // draft until its reply says it was saved).
                self.screens_discard_all();
                self.keep_drafts();
                self.quitting();
            }
            Answer::RestoreDrafts(drafts) => {
                let mut restored = Vec::new();
                for (id, body) in &drafts {
                    if self.with_screen_result(*id, |s, cx| s.restore_draft(body, cx)) {
                        restored.push(id.label());
                    }
                }
                // As they stand in the file: the next sync writes only what changed since.
                self.drafts_kept = Some(
                    drafts
                        .iter()
                        .map(|(id, body)| (id.label().to_string(), body.clone()))
                        .collect(),
                );
                self.say(&format!(
                    "已恢复上次未保存的内容：{}。核对后按 Ctrl-S 保存",
                    restored.join("、")
                ));
                if let Some((id, _)) = drafts.first() {
                    self.show(*id);
                }
            }
            Answer::DiscardForm(id) if self.screens.get(id).saving() => {
                self.say("正在保存，不能放弃：保存完成或失败后再处理");
            }
            Answer::DiscardForm(id) => {
                self.screens.get_mut(id).discard_form();
                self.say("已放弃填写");
            }
            Answer::Screen(id, token) => self.with_screen(id, |s, cx| s.on_confirmed(token, cx)),
        }
    }

    fn goto_action(&mut self, action: Action) {
        let items = goto_items();
        let Some(selected) = self.goto else { return };
        match action {
            Action::Up => self.goto = Some(selected.saturating_sub(1)),
            Action::Down => self.goto = Some((selected + 1).min(items.len().saturating_sub(1))),
            Action::Back => self.goto = None,
            Action::Pick => {
                self.goto = None;
                if self.operator.is_none() {
                    return;
                }
                match items.get(selected).map(|i| i.to.clone()) {
                    Some(GoToTarget::Screen(s)) => self.show(s),
                    Some(GoToTarget::Open(t)) => self.open(t),
                    Some(GoToTarget::ChangePin) => {
                        if let Some(me) = self.operator.clone() {
                            self.sign_in = Some(SignIn::changing(&me));
                        }
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }

    /// Keys on the lock screen: digits into the PIN, Backspace, Enter to check, Tab to choose
    /// whose PIN it is (换人), F2 to acknowledge an alert with that person's PIN; nothing else.
    fn on_locked_key(&mut self, key: Key) {
        let operator = self.operator.clone().unwrap_or_default();
        let Some(lock) = &mut self.locked else { return };
        let name = lock.person.clone().unwrap_or_else(|| operator.clone());
        match resolve(Mode::Locked, key) {
            Some(action @ (Action::Unlock | Action::Acknowledge)) => {
                if let Some(pin) = lock.submit() {
                    let job = if action == Action::Acknowledge {
                        Job::LockedAck { name: name.clone() }
                    } else {
                        Job::Unlock { name: name.clone() }
                    };
                    let place = super::pin_policy::PinPlace::Lock;
                    self.request(job, Request::CheckPin { name, pin, place });
                }
            }
            Some(Action::DeleteBack) => lock.backspace(),
            Some(Action::SwitchPerson) => {
                let people: Vec<String> = self.settings.people.iter().map(|p| p.name.clone()).collect();
                lock.switch_person(&people, &operator);
            }
            _ => {
                if let Some(c) = key.typed_char() {
                    lock.type_char(c);
                }
            }
        }
    }

    /// The request in flight under `op`, if the app still waits for it (tests and benches).
    #[must_use]
    pub fn is_pending(&self, op: OpId) -> bool {
        self.outbox.pending.contains_key(&op)
    }
}

#[cfg(test)]
mod tests {
    //! Transition tests: keys in, state and effects out. No terminal, no disk, a fixed clock.
    use super::*;
    use crate::core::keymap::KeyCode;
    use crate::core::log::Anchor;
    use crate::core::log::{LogField, Status};
    use crate::core::log_screen::LogKey as FieldKey;
    use crate::core::visit::VisitorMatch;
    use crate::core::visit_screen::VisitFormKey;

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
            access: Vec::new(),
            report: Default::default(),
            instruction: Default::default(),
            documents: Default::default(),
            notify: Default::default(),
            roster_rules: Default::default(),
        }
    }

    const NOW: &str = "2026-11-23 03:10:00";

    fn app() -> App {
        let mut a = App::new(settings(), Some("张三".into()), at(NOW));
        a.update(Msg::Viewport(10), at(NOW));
        a
    }

    fn answer(a: &App) -> Option<Answer> {
        a.confirm.as_ref().map(|q| q.answer.clone())
    }

    fn key(a: &mut App, k: Key) -> Vec<Effect> {
        a.update(Msg::Key(k), at(NOW))
    }

    /// The requests among `effects`, with their ids.
    fn requests(effects: &[Effect]) -> Vec<(OpId, &Request)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Request(op, r) => Some((*op, r)),
                _ => None,
            })
            .collect()
    }

    /// The id of the first request `pick` accepts.
    fn op_of(effects: &[Effect], pick: impl Fn(&Request) -> bool) -> OpId {
        requests(effects)
            .into_iter()
            .find(|(_, r)| pick(r))
            .map(|(op, _)| op)
            .unwrap_or_else(|| panic!("no such request in {effects:?}"))
    }

    fn reply(a: &mut App, op: OpId, r: Reply) -> Vec<Effect> {
        a.update(Msg::Reply(op, r), at(NOW))
    }

    fn type_text(a: &mut App, s: &str) {
        for c in s.chars() {
            key(a, Key::ch(c));
        }
    }

    fn form_value(a: &App, f: LogField) -> String {
        a.screens.log.form.as_ref().unwrap().form.value(FieldKey::Log(f))
    }

    /// Opens the new-entry form and moves focus to `field`.
    fn focus(a: &mut App, field: LogField) {
        let form = &mut a.screens.log.form.as_mut().unwrap().form;
        form.focus_on(FieldKey::Log(field));
    }

    fn open_form(a: &mut App) {
        key(a, Key::ch('n'));
        assert_eq!(a.mode(), Mode::Form);
        let form = &a.screens.log.form.as_ref().unwrap().form;
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
        assert_eq!(a.tab(), Tab::Log);
    }

    #[test]
    fn save_with_missing_fields_marks_them_and_sends_nothing() {
        let mut a = app();
        open_form(&mut a);
        let effects = key(&mut a, Key::ctrl('s'));
        assert!(effects.is_empty());
        let form = &a.screens.log.form.as_ref().unwrap().form;
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
        let [(_, Request::SaveEntry(e, None))] = requests(&effects).as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((e.unit.as_str(), e.content.as_str()), ("城关镇", "河堤渗水"));
        assert_eq!(
            (e.recorded_by.as_str(), e.recorded_at, e.occurred_at),
            ("张三", at(NOW), at(NOW))
        );
        assert!(a.screens.log.form.as_ref().unwrap().form.saving);
        // While the save is in flight a second Ctrl-S does not send a second save.
        assert!(key(&mut a, Key::ctrl('s')).is_empty());
    }

    #[test]
    fn a_failed_save_keeps_every_character_and_says_why() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        let op = op_of(&key(&mut a, Key::ctrl('s')), |r| matches!(r, Request::SaveEntry(..)));
        reply(&mut a, op, Reply::Failed("数据库正忙".into()));
        let form = &a.screens.log.form.as_ref().unwrap().form;
        assert!(!form.saving);
        assert_eq!(form_value(&a, LogField::Content), "河堤渗水");
        assert_eq!(form_value(&a, LogField::Unit), "城关镇");
        assert!(form.notice.as_ref().unwrap().contains("保存失败：数据库正忙"));
        // And it can be retried.
        assert!(matches!(
            requests(&key(&mut a, Key::ctrl('s'))).as_slice(),
            [(_, Request::SaveEntry(..))]
        ));
    }

    #[test]
    fn saved_closes_the_form_says_so_and_shows_the_entry() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        let op = op_of(&key(&mut a, Key::ctrl('s')), |r| matches!(r, Request::SaveEntry(..)));
        let k = crate::core::log::EntryKey {
            occurred_at: at(NOW),
            id: 7,
        };
        let effects = reply(&mut a, op, Reply::EntrySaved { entry_id: 7, key: k });
        assert!(a.screens.log.form.is_none());
        assert_eq!(a.message.as_ref().unwrap().text, "已保存：第 7 号记录");
        // The list shows the newest entries, the saved one selected where it falls; events
        // reload in case it raised an alert, and what is open (a 请示 entry is 未请示 at once).
        let [
            (_, Request::LoadPage(req)),
            (_, Request::LoadEvents),
            (_, Request::LoadFollowUps),
        ] = requests(&effects).as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!((req.anchor, req.select), (Anchor::Newest, Some(7)));
        assert_eq!(a.screens.log.marked, Some(7));
    }

    #[test]
    fn quitting_with_a_half_typed_form_asks_first() {
        let mut a = app();
        open_form(&mut a);
        type_text(&mut a, "半");
        assert!(key(&mut a, Key::ctrl('c')).is_empty());
        assert_eq!(answer(&a), Some(Answer::Quit));
        assert!(a.confirm.as_ref().unwrap().text.contains("放弃已填写的内容并退出吗"));
        key(&mut a, Key::ch('n'));
        assert_eq!(a.confirm, None);
        assert!(!a.quit);
        assert_eq!(a.mode(), Mode::Form);
        key(&mut a, Key::ctrl('c'));
        assert_eq!(key(&mut a, Key::ch('y')), vec![Effect::Quit]);
        assert!(a.quit);
    }

    #[test]
    fn a_terminate_signal_quits_at_once_even_with_a_half_typed_form_or_a_question_open() {
        let mut a = app();
        open_form(&mut a);
        type_text(&mut a, "半");
        key(&mut a, Key::ctrl('c'));
        assert!(a.confirm.is_some());
        let effects = a.update(Msg::Terminate, at(NOW));
        assert_eq!(effects, vec![Effect::Quit]);
        assert!(a.quit);
        assert_eq!(a.confirm, None, "nobody is there to answer a question");
        // The typed text is still in the form for the drafts hook to keep.
        assert!(a.screens.log.form.is_some());
    }

    fn saved_as(id: i64) -> Reply {
        Reply::EntrySaved {
            entry_id: id,
            key: crate::core::log::EntryKey {
                occurred_at: at(NOW),
                id,
            },
        }
    }

    #[test]
    fn a_save_out_is_neither_sent_again_nor_closed_until_its_reply_comes_frames_later() {
        let mut a = app();
        open_form(&mut a);
        fill_call(&mut a);
        let op = op_of(&key(&mut a, Key::ctrl('s')), |r| matches!(r, Request::SaveEntry(..)));
        // The store thread waits for another terminal's lock: keys and ticks go on meanwhile.
        for (i, k) in [Key::ctrl('s'), Key::plain(KeyCode::Esc), Key::ch('x')]
            .into_iter()
            .enumerate()
        {
            assert!(requests(&key(&mut a, k)).is_empty(), "{k:?}");
            assert!(a.confirm.is_none(), "{k:?}: no question: the form cannot be given up");
            let form = &a.screens.log.form.as_ref().unwrap().form;
            assert!(form.saving, "{k:?}");
            assert_eq!(form_value(&a, LogField::Content), "河堤渗水", "{k:?}: nothing typed in");
            if i < 2 {
                assert!(
                    a.message.as_ref().unwrap().text.contains("正在保存，请稍候"),
                    "{k:?}: {:?}",
                    a.message
                );
            }
            a.update(Msg::Tick, at(NOW));
        }
        reply(&mut a, op, saved_as(3));
        assert!(a.screens.log.form.is_none());
        assert_eq!(a.message.as_ref().unwrap().text, "已保存：第 3 号记录");
    }

    /// The app signed in and told its drafts (none), so it keeps them from now on.
    fn app_keeping_drafts() -> App {
        let mut a = app();
        let start = a.start();
        let drafts = op_of(&start, |r| matches!(r, Request::LoadDrafts(_)));
        reply(&mut a, drafts, Reply::Drafts(Vec::new()));
        a
    }

    fn drafts_sent(effects: &[Effect]) -> Vec<usize> {
        requests(effects)
            .into_iter()
            .filter_map(|(_, r)| match r {
                Request::SaveDrafts { drafts, .. } => Some(drafts.len()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quitting_while_a_save_is_out_waits_for_it_and_keeps_it_as_a_draft_until_saved() {
        let mut a = app_keeping_drafts();
        open_form(&mut a);
        fill_call(&mut a);
        let save = op_of(&key(&mut a, Key::ctrl('s')), |r| matches!(r, Request::SaveEntry(..)));
        key(&mut a, Key::ctrl('c'));
        let q = a.confirm.as_ref().unwrap().text.clone();
        assert!(q.contains("正在保存的内容会在退出前写完") && !q.contains("放弃"), "{q}");
        let effects = key(&mut a, Key::ch('y'));
        assert!(a.quit && effects.contains(&Effect::Quit));
        // Not given up: kept as a draft in case the save fails, and the officer told to wait.
        assert_eq!(drafts_sent(&effects), [1]);
        assert!(a.screens.log.form.is_some());
        assert!(a.message.as_ref().unwrap().text.contains("正在写完保存的内容"));
        // Saved: its draft goes; nothing else starts on the way out (the list's reload, the
        // alerts' reload the save would have asked for).
        let effects = reply(&mut a, save, saved_as(4));
        assert_eq!(requests(&effects).len(), 1, "{effects:?}");
        assert_eq!(drafts_sent(&effects), [0]);
    }

    #[test]
    fn a_save_that_fails_after_a_stopping_signal_stays_a_draft() {
        let mut a = app_keeping_drafts();
        open_form(&mut a);
        fill_call(&mut a);
        let save = op_of(&key(&mut a, Key::ctrl('s')), |r| matches!(r, Request::SaveEntry(..)));
        let effects = a.update(Msg::Terminate, at(NOW));
        assert_eq!(drafts_sent(&effects), [1], "the form being saved is among the drafts");
        let effects = reply(&mut a, save, Reply::Failed("数据库正被另一个终端长时间占用".into()));
        assert!(requests(&effects).is_empty(), "the draft already holds it: {effects:?}");
        assert_eq!(form_value(&a, LogField::Content), "河堤渗水");
    }

    #[test]
    fn quitting_from_the_list_is_confirmed_too() {
        let mut a = app();
        key(&mut a, Key::ch('q'));
        assert_eq!(answer(&a), Some(Answer::Quit));
        assert_eq!(a.confirm.as_ref().unwrap().text, "确定退出值班系统吗？");
        key(&mut a, Key::plain(KeyCode::Esc));
        assert!(!a.quit && a.confirm.is_none());
    }

    #[test]
    fn escape_discards_a_clean_form_but_asks_for_a_dirty_one() {
        let mut a = app();
        open_form(&mut a);
        key(&mut a, Key::plain(KeyCode::Esc));
        assert!(a.screens.log.form.is_none());
        open_form(&mut a);
        type_text(&mut a, "x");
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(answer(&a), Some(Answer::DiscardForm(ScreenId::Log)));
        key(&mut a, Key::ch('y'));
        assert!(a.screens.log.form.is_none());
    }

    #[test]
    fn the_operator_is_picked_first_and_the_log_loads_after() {
        let mut a = App::new(settings(), None, at(NOW));
        // Urgent events load even before anyone picks a name: an alert must show on the login screen.
        let start = a.start();
        let asked: Vec<&Request> = requests(&start).into_iter().map(|(_, r)| r).collect();
        assert!(
            matches!(
                asked.as_slice(),
                [
                    Request::QuickVerify,
                    Request::LoadEvents,
                    Request::LoadRoster(..),
                    Request::LoadFollowUps,
                    Request::LoadDirectory
                ]
            ),
            "{asked:?}"
        );
        assert_eq!(a.mode(), Mode::Picker);
        // Letters in the picker do nothing harmful.
        key(&mut a, Key::ch('n'));
        assert_eq!(a.mode(), Mode::Picker);
        key(&mut a, Key::plain(KeyCode::Down));
        key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(a.operator, None, "a name alone signs nobody in");
        let effects = submit_pin(&mut a, "135790");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::CheckPin { name, .. } if name == "李四"),
        );
        let effects = reply(&mut a, op, Reply::Pin(PinCheck::Matches { failed_before: vec![] }));
        assert_eq!(a.operator.as_deref(), Some("李四"));
        // Everyone's PIN facts (an urgent enrolment is flagged), the drafts 李四 left, and the
        // log's first page.
        assert!(
            matches!(requests(&effects).as_slice(), [(_, Request::PinStatuses(_)), (_, Request::LoadDrafts(who)), (_, Request::LoadPage(r))] if r.anchor == Anchor::Newest && who == "李四")
        );
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

    /// A lookup's answer that looked through every visit.
    fn whole(matches: Vec<VisitorMatch>) -> Reply {
        Reply::Lookup(crate::core::visit::LookupAnswer {
            matches,
            complete: true,
        })
    }

    /// One cut by its time budget.
    fn cut(matches: Vec<VisitorMatch>) -> Reply {
        Reply::Lookup(crate::core::visit::LookupAnswer {
            matches,
            complete: false,
        })
    }

    fn lookups_of_all(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Request(_, Request::LookupAllVisitors(q)) => Some(q.as_str()),
                _ => None,
            })
            .collect()
    }

    /// A lookup cut by its time budget never passes for 没有来过: Enter typed ahead of it looks
    /// through every visit instead of opening a new visitor, F5 does the same with people found,
    /// and only the whole answer is picked from.
    #[test]
    fn a_cut_lookup_goes_on_through_every_visit_and_never_opens_a_new_visitor() {
        let mut a = app();
        key(&mut a, Key::ch('2'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "王五");
        let effects = key(&mut a, Key::plain(KeyCode::Enter));
        let op = op_of(&effects, |r| matches!(r, Request::LookupVisitors(_)));
        let effects = reply(&mut a, op, cut(Vec::new()));
        assert_eq!(
            lookups_of_all(&effects),
            ["王五"],
            "Enter ahead of a cut answer goes on"
        );
        assert_eq!(a.mode(), Mode::VisitLookup, "no new-visitor form on a cut answer");
        assert!(a.screens.visits.lookup.as_ref().unwrap().cut);
        let all = op_of(&effects, |r| matches!(r, Request::LookupAllVisitors(_)));
        reply(&mut a, all, whole(vec![visitor("王五", 3)]));
        assert_eq!(a.mode(), Mode::Form, "the whole answer is picked from");
        assert!(a.message.as_ref().unwrap().text.contains("已按上次登记填好：王五"));

        // Cut with someone found: shown, and F5 looks through the rest.
        key(&mut a, Key::plain(KeyCode::Esc));
        key(&mut a, Key::ch('y'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "zs");
        let paused = a.update(Msg::Paused, at(NOW));
        let op = op_of(&paused, |r| matches!(r, Request::LookupVisitors(_)));
        assert!(lookups_of_all(&reply(&mut a, op, cut(vec![visitor("张三", 7)]))).is_empty());
        let l = a.screens.visits.lookup.as_ref().unwrap();
        assert!(l.cut && l.results.len() == 1);
        let effects = key(&mut a, Key::plain(KeyCode::F(5)));
        assert_eq!(lookups_of_all(&effects), ["zs"]);
        let all = op_of(&effects, |r| matches!(r, Request::LookupAllVisitors(_)));
        reply(&mut a, all, whole(vec![visitor("张三", 7), visitor("赵六", 1)]));
        let l = a.screens.visits.lookup.as_ref().unwrap();
        assert!(!l.cut && l.results.len() == 2);
        assert!(
            lookups_of_all(&key(&mut a, Key::plain(KeyCode::F(5)))).is_empty(),
            "F5 after a whole answer asks nothing"
        );
    }

    fn lookups(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Request(_, Request::LookupVisitors(q)) => Some(q.as_str()),
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
        let paused = a.update(Msg::Paused, at(NOW));
        assert_eq!(lookups(&paused), ["z"]);
        let z = op_of(&paused, |r| matches!(r, Request::LookupVisitors(_)));
        assert_eq!(a.pause_wanted(), None);
        assert!(a.update(Msg::Paused, at(NOW)).is_empty(), "asked once");
        key(&mut a, Key::ch('s'));
        let effects = reply(&mut a, z, whole(vec![visitor("赵六", 1)]));
        assert!(effects.is_empty());
        let l = a.screens.visits.lookup.as_ref().unwrap();
        assert!(
            l.results.is_empty() && !l.is_current(),
            "an answer for an older text is dropped"
        );
        let paused = a.update(Msg::Paused, at(NOW));
        assert_eq!(lookups(&paused), ["zs"]);
        let zs = op_of(&paused, |r| matches!(r, Request::LookupVisitors(_)));
        reply(&mut a, zs, whole(vec![visitor("张三", 7)]));
        assert_eq!(a.screens.visits.lookup.as_ref().unwrap().results.len(), 1);
        // Emptied: nothing found, at once, and nothing to ask.
        key(&mut a, Key::ctrl('u'));
        let l = a.screens.visits.lookup.as_ref().unwrap();
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
        let zs = op_of(&effects, |r| matches!(r, Request::LookupVisitors(_)));
        reply(&mut a, zs, whole(vec![visitor("张三", 7)]));
        assert_eq!(a.mode(), Mode::Form);
        let (form, _) = a.screens.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(VisitFormKey::Visit(crate::core::visit::VisitField::Name)),
            "张三"
        );
        assert!(a.message.as_ref().unwrap().text.contains("已按上次登记填好：张三"));
        // Answered already: Enter picks without asking again; nobody found, the name is kept.
        key(&mut a, Key::plain(KeyCode::Esc));
        key(&mut a, Key::ch('y'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "王五");
        let paused = a.update(Msg::Paused, at(NOW));
        assert_eq!(lookups(&paused), ["王五"]);
        let op = op_of(&paused, |r| matches!(r, Request::LookupVisitors(_)));
        reply(&mut a, op, whole(Vec::new()));
        assert!(lookups(&key(&mut a, Key::plain(KeyCode::Enter))).is_empty());
        let (form, _) = a.screens.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(VisitFormKey::Visit(crate::core::visit::VisitField::Name)),
            "王五"
        );
    }

    #[test]
    fn tabs_switch_from_the_list_but_tab_moves_fields_in_a_form() {
        let mut a = app();
        key(&mut a, Key::plain(KeyCode::Tab));
        assert_eq!((a.tab(), a.mode()), (Tab::Visitors, Mode::Visitors));
        key(&mut a, Key::ch('1'));
        assert_eq!(a.tab(), Tab::Log);
        open_form(&mut a);
        let before = a.screens.log.form.as_ref().unwrap().form.focus;
        key(&mut a, Key::plain(KeyCode::Tab));
        assert_eq!(a.tab(), Tab::Log);
        assert_ne!(a.screens.log.form.as_ref().unwrap().form.focus, before);
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
        let form = |a: &App| a.screens.log.form.as_ref().unwrap().form.clone();
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
    fn closing_as_a_request_without_a_leader_reached_says_how_to_record_one() {
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
        a.open(Target::Entry(3));
        let effects = a.finish(at(NOW));
        let op = op_of(&effects, |r| matches!(r, Request::LoadEntry(3)));
        reply(
            &mut a,
            op,
            Reply::Entry(Box::new(Entry {
                id: 3,
                fields,
                amendments: vec![],
                instructions: vec![],
                alert: vec![],
                events: vec![],
                requests: vec![],
                tasks: vec![],
                closings: vec![],
                forwards: vec![],
            })),
        );
        key(&mut a, Key::ch('s'));
        key(&mut a, Key::plain(KeyCode::Right));
        key(&mut a, Key::plain(KeyCode::Right)); // 待办 -> 已办结
        key(&mut a, Key::plain(KeyCode::Tab));
        type_text(&mut a, "已交王县长");
        for _ in 0..10 {
            if a.screens.log.form.as_ref().unwrap().form.focused().unwrap().label == "结束方式" {
                break;
            }
            key(&mut a, Key::plain(KeyCode::Tab));
        }
        key(&mut a, Key::plain(KeyCode::Right)); // 办结
        key(&mut a, Key::plain(KeyCode::Right)); // 说明
        key(&mut a, Key::plain(KeyCode::Right)); // 请示
        assert!(
            key(&mut a, Key::ctrl('s')).is_empty(),
            "no 请示 reached a leader: nothing is sent"
        );
        let form = &a.screens.log.form.as_ref().unwrap().form;
        assert_eq!(form.focused().unwrap().label, "结束方式");
        assert!(
            form.focused()
                .unwrap()
                .error
                .as_ref()
                .unwrap()
                .contains("按 a 记录请示")
        );
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
        // Opened as a search hit opens it: the entry is read for the detail.
        a.open(Target::Entry(3));
        let effects = a.finish(at(NOW));
        let op = op_of(&effects, |r| matches!(r, Request::LoadEntry(3)));
        reply(
            &mut a,
            op,
            Reply::Entry(Box::new(Entry {
                id: 3,
                fields,
                amendments: vec![],
                instructions: vec![],
                alert: vec![],
                events: vec![],
                requests: vec![],
                tasks: vec![],
                closings: vec![],
                forwards: vec![],
            })),
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
        assert!(
            key(&mut a, Key::ctrl('s')).is_empty(),
            "done without a closing kind (办结, 说明, 请示, 移送) must not save"
        );
        let form = &a.screens.log.form.as_ref().unwrap().form;
        assert_eq!(form.focused().unwrap().label, "结束方式");
        assert!(
            form.focused().unwrap().error.as_ref().unwrap().contains("说明"),
            "the four ways named"
        );
        // The failed save put the focus on 结束方式: the next choice is 办结.
        key(&mut a, Key::plain(KeyCode::Right));
        let effects = key(&mut a, Key::ctrl('s'));
        let [(_, Request::CloseEntry(req, closing))] = requests(&effects).as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(*closing, crate::core::instruction::Closing::Done);
        let fields: Vec<LogField> = req.changes.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [LogField::Status, LogField::Result, LogField::ClosedAt]);
        assert_eq!(req.changes[0].1, Status::Done.label());
        assert_eq!(req.amended_by, "张三");
    }

    #[test]
    fn a_clock_jumping_backwards_still_reloads_events() {
        let mut a = app();
        // A tick at `t`; whether it reloaded (the reload answered at once, as the store does).
        let tick = |a: &mut App, t: &str| {
            let effects = a.update(Msg::Tick, at(t));
            let reloads: Vec<OpId> = requests(&effects)
                .into_iter()
                .filter(|(_, r)| matches!(r, Request::LoadEvents))
                .map(|(op, _)| op)
                .collect();
            for op in &reloads {
                a.update(Msg::Reply(*op, Reply::Events(Vec::new(), Vec::new())), at(t));
            }
            !reloads.is_empty()
        };
        assert!(tick(&mut a, "2026-11-23 03:10:05"));
        assert!(!tick(&mut a, "2026-11-23 03:10:06"));
        // The clock is corrected back by an hour.
        assert!(tick(&mut a, "2026-11-23 02:10:06"));
        assert!(tick(&mut a, "2026-11-23 02:10:08"));
    }

    #[test]
    fn a_periodic_look_at_the_store_is_not_sent_again_while_one_is_out() {
        let mut a = app();
        let sent = |effects: &[Effect], pick: fn(&Request) -> bool| {
            requests(effects).into_iter().filter(|(_, r)| pick(r)).count()
        };
        let reload = |r: &Request| matches!(r, Request::LoadEvents);
        let look = |r: &Request| matches!(r, Request::CheckForeignWrites);
        let first = a.update(Msg::Tick, at("2026-11-23 03:10:05"));
        assert_eq!((sent(&first, reload), sent(&first, look)), (1, 1));
        // Neither is answered (the store thread waits behind another terminal's lock): later
        // ticks send no second one, which would only pile up behind the first.
        for t in ["2026-11-23 03:10:06", "2026-11-23 03:10:07", "2026-11-23 03:10:08"] {
            let effects = a.update(Msg::Tick, at(t));
            assert_eq!((sent(&effects, reload), sent(&effects, look)), (0, 0), "{t}");
        }
        let look_op = op_of(&first, look);
        a.update(
            Msg::Reply(look_op, Reply::ForeignWrites(false)),
            at("2026-11-23 03:10:08"),
        );
        let effects = a.update(Msg::Tick, at("2026-11-23 03:10:09"));
        assert_eq!(
            (sent(&effects, reload), sent(&effects, look)),
            (0, 1),
            "the look answered goes again"
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
    fn a_reduction_that_reduced_something_is_said_once_with_the_years() {
        let mut a = app();
        a.settings.visit.retention_years = 5;
        a.update(Msg::VisitsReduced(Ok(0)), at(NOW));
        assert!(a.message.is_none(), "nothing reduced: nothing said");
        a.update(Msg::VisitsReduced(Ok(1020)), at(NOW));
        assert_eq!(
            a.message.as_ref().unwrap().text,
            "已按保存期限（5年）对 1020 次来访的证件号码和电话脱敏"
        );
        a.update(Msg::VisitsReduced(Err("密钥文件坏了".into())), at(NOW));
        assert!(a.message.as_ref().unwrap().text.contains("一小时后再试：密钥文件坏了"));
    }

    #[test]
    fn status_messages_fade_after_half_a_minute() {
        let mut a = app();
        a.update(Msg::NotifyFailed("x".into()), at(NOW));
        assert!(a.message.is_some());
        a.update(Msg::Tick, at("2026-11-23 03:10:20"));
        assert!(a.message.is_some());
        a.update(Msg::Tick, at("2026-11-23 03:10:31"));
        assert!(a.message.is_none());
        assert_eq!(a.now, at("2026-11-23 03:10:31"));
    }

    #[test]
    fn an_outgoing_call_is_two_keys_from_the_opened_form() {
        let mut a = app();
        open_form(&mut a);
        key(&mut a, Key::plain(KeyCode::BackTab));
        key(&mut a, Key::plain(KeyCode::Right));
        assert_eq!(form_value(&a, LogField::Kind), "去电");
        assert_eq!(
            a.screens.log.form.as_ref().unwrap().form.focused().unwrap().key,
            FieldKey::Log(LogField::Kind)
        );
    }

    #[test]
    fn the_go_to_list_offers_every_screen_and_opens_a_sub_screen() {
        let mut a = app();
        key(&mut a, Key::ch(':'));
        assert_eq!(a.mode(), Mode::GoTo);
        let items = goto_items();
        for s in ScreenId::ALL {
            assert!(items.iter().any(|i| i.to == GoToTarget::Screen(*s)), "{s:?} missing");
        }
        let roster = items
            .iter()
            .position(|i| i.to == GoToTarget::Screen(ScreenId::Roster))
            .unwrap();
        for _ in 0..roster {
            key(&mut a, Key::plain(KeyCode::Down));
        }
        key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(
            (a.screen, a.tab(), a.mode()),
            (ScreenId::Roster, ScreenId::Handover, Mode::Roster)
        );
        // Esc goes back where the officer came from.
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(a.screen, ScreenId::Log);
        // Ctrl-G works inside a form too (never a printable key), and Esc closes the list.
        open_form(&mut a);
        key(&mut a, Key::ctrl('g'));
        assert_eq!(a.mode(), Mode::GoTo);
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(a.mode(), Mode::Form);
    }

    #[test]
    fn esc_on_an_empty_search_box_leaves_search_and_a_full_one_is_cleared_first() {
        let mut a = app();
        key(&mut a, Key::ch('2'));
        key(&mut a, Key::ch('/'));
        assert_eq!(a.screen, ScreenId::Search);
        type_text(&mut a, "河堤");
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(a.screen, ScreenId::Search, "the first Esc clears the box");
        assert!(a.screens.search.query.text().is_empty());
        key(&mut a, Key::plain(KeyCode::Esc));
        assert_eq!(a.screen, ScreenId::Visitors, "back where the officer came from");
    }

    #[test]
    fn ctrl_n_in_the_lookup_box_carries_the_typed_name_into_the_form() {
        let mut a = app();
        key(&mut a, Key::ch('2'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "欧阳修");
        key(&mut a, Key::ctrl('n'));
        assert_eq!(a.mode(), Mode::Form);
        let (form, _) = a.screens.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(VisitFormKey::Visit(crate::core::visit::VisitField::Name)),
            "欧阳修"
        );
        // Letters are pinyin, not a name: nothing carried.
        key(&mut a, Key::plain(KeyCode::Esc));
        key(&mut a, Key::ch('y'));
        key(&mut a, Key::ch('n'));
        type_text(&mut a, "oyx");
        key(&mut a, Key::ctrl('n'));
        let (form, _) = a.screens.visits.form.as_ref().unwrap();
        assert_eq!(
            form.value(VisitFormKey::Visit(crate::core::visit::VisitField::Name)),
            ""
        );
    }

    #[test]
    fn the_help_overlay_scrolls_and_opens_at_its_top() {
        let mut a = app();
        key(&mut a, Key::ch('?'));
        assert_eq!(a.mode(), Mode::Help);
        key(&mut a, Key::plain(KeyCode::PageDown));
        key(&mut a, Key::plain(KeyCode::Down));
        assert_eq!(a.help_scroll, 11);
        key(&mut a, Key::plain(KeyCode::Up));
        assert_eq!(a.help_scroll, 10);
        key(&mut a, Key::plain(KeyCode::Esc));
        key(&mut a, Key::plain(KeyCode::F(1)));
        assert_eq!(a.help_scroll, 0);
    }

    #[test]
    fn a_gate_guard_opens_only_the_visitor_tab_but_still_acknowledges_alarms() {
        let mut s = settings();
        s.people.push(Person {
            name: "孙门卫".into(),
            role: Role::Guard,
            phone: String::new(),
        });
        s.access = vec![(Role::Guard, vec!["来访登记".into()])];
        let mut a = App::new(s, Some("孙门卫".into()), at(NOW));
        a.update(Msg::Viewport(10), at(NOW));
        a.start();
        assert_eq!(a.screen, ScreenId::Visitors, "the guard starts on the visitor board");
        for k in [Key::ch('1'), Key::ch('/'), Key::ch('3')] {
            key(&mut a, k);
            assert_eq!(a.screen, ScreenId::Visitors, "{k:?}");
        }
        assert!(
            a.message
                .as_ref()
                .unwrap()
                .text
                .contains("门卫岗位不能打开“紧急事项”：只能使用 来访登记"),
            "{:?}",
            a.message
        );
        // Nor through the go-to list, nor a record opened from elsewhere.
        key(&mut a, Key::ch(':'));
        key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(a.screen, ScreenId::Visitors);
        a.open(Target::Entry(1));
        assert_eq!(a.screen, ScreenId::Visitors);
        assert!(a.screens.log.detail.is_none(), "the log never read the entry");
        // F2 works from the board: an alarm is everyone's.
        key(&mut a, Key::plain(KeyCode::F(2)));
        assert!(a.message.as_ref().unwrap().text.contains("没有待确认的紧急事项"));
        // A 值班员 at the same terminal opens everything.
        assert!(App::new(settings(), Some("张三".into()), at(NOW)).may_open(ScreenId::Log));
    }

    /// Keys for sign-in's PIN box, then Enter; returns the request the app sent.
    fn submit_pin(a: &mut App, pin: &str) -> Vec<Effect> {
        type_text(a, pin);
        key(a, Key::plain(KeyCode::Enter))
    }

    #[test]
    fn signing_in_takes_the_chosen_person_s_pin_and_nobody_is_at_the_keyboard_before() {
        let mut a = App::new(settings(), None, at(NOW));
        a.start();
        key(&mut a, Key::plain(KeyCode::Enter)); // 张三
        assert_eq!(a.mode(), Mode::SignIn);
        assert_eq!(a.operator, None);
        // Letters never reach the PIN; a short PIN is refused before the store.
        type_text(&mut a, "abc");
        assert!(a.sign_in.as_ref().unwrap().pin.text().is_empty());
        let effects = submit_pin(&mut a, "246813");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::CheckPin { name, place: crate::core::pin_policy::PinPlace::SignIn, .. } if name == "张三"),
        );
        reply(
            &mut a,
            op,
            Reply::Pin(PinCheck::Wrong {
                in_a_row: 1,
                wait_until: None,
            }),
        );
        assert_eq!(a.operator, None);
        assert!(
            a.sign_in
                .as_ref()
                .unwrap()
                .error
                .as_deref()
                .unwrap()
                .contains("张三 的 PIN 不对")
        );
        let effects = submit_pin(&mut a, "246813");
        let op = op_of(&effects, |r| matches!(r, Request::CheckPin { .. }));
        let effects = reply(
            &mut a,
            op,
            Reply::Pin(PinCheck::Matches {
                failed_before: vec![(at(NOW), "登录".into())],
            }),
        );
        assert_eq!(a.operator.as_deref(), Some("张三"));
        assert!(
            a.message
                .as_ref()
                .unwrap()
                .text
                .contains("上次成功以来有 1 次 PIN 输错")
        );
        assert!(
            requests(&effects)
                .iter()
                .any(|(_, r)| matches!(r, Request::LoadPage(_)))
        );
    }

    #[test]
    fn a_person_without_a_pin_is_enrolled_by_a_leader_not_by_themselves() {
        let mut a = App::new(settings(), None, at(NOW));
        a.preselect("李四");
        assert_eq!(a.mode(), Mode::SignIn, "--operator still asks");
        let effects = submit_pin(&mut a, "111111");
        let op = op_of(&effects, |r| matches!(r, Request::CheckPin { .. }));
        let effects = reply(&mut a, op, Reply::Pin(PinCheck::NotSet));
        let op = op_of(
            &effects,
            |r| matches!(r, Request::Approvers(c) if c == &[("王五".to_string(), "带班领导".to_string())]),
        );
        // A confirmed leader: enrolment is not open.
        reply(&mut a, op, Reply::Approvers(vec!["王五".into()]));
        let s = a.sign_in.as_ref().unwrap();
        assert_eq!(s.approver.as_deref(), Some("王五"));
        assert!(
            s.prompt()
                .contains("李四 还没有 PIN，须由领导登记：请 王五 输入本人 PIN")
        );
        // 王五's PIN, wrong: no enrolment.
        let effects = submit_pin(&mut a, "999999");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::CheckPin { name, .. } if name == "王五"),
        );
        reply(
            &mut a,
            op,
            Reply::Pin(PinCheck::Wrong {
                in_a_row: 1,
                wait_until: None,
            }),
        );
        assert_eq!(a.sign_in.as_ref().unwrap().step, SignInStep::ApproverPin);
        let effects = submit_pin(&mut a, "135790");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::CheckPin { name, .. } if name == "王五"),
        );
        reply(&mut a, op, Reply::Pin(PinCheck::Matches { failed_before: vec![] }));
        assert_eq!(a.sign_in.as_ref().unwrap().step, SignInStep::NewPin);
        assert!(submit_pin(&mut a, "246813").is_empty());
        let effects = submit_pin(&mut a, "246813");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::EnrolPin { name, pin, by, approver_role: None, urgent: false } if name == "李四" && pin == "246813" && by == "王五"),
        );
        reply(&mut a, op, Reply::PinSet);
        assert_eq!(a.operator.as_deref(), Some("李四"));
        assert!(a.message.as_ref().unwrap().text.contains("PIN 已登记（王五 登记）"));
    }

    #[test]
    fn enrolment_is_open_only_while_no_leader_has_a_pin_and_says_so() {
        let mut a = App::new(settings(), None, at(NOW));
        a.preselect("张三");
        let effects = submit_pin(&mut a, "111111");
        let op = op_of(&effects, |r| matches!(r, Request::CheckPin { .. }));
        let effects = reply(&mut a, op, Reply::Pin(PinCheck::NotSet));
        let op = op_of(&effects, |r| matches!(r, Request::Approvers(_)));
        reply(&mut a, op, Reply::Approvers(Vec::new()));
        let s = a.sign_in.as_ref().unwrap();
        assert_eq!((s.step, s.approver.as_ref()), (SignInStep::NewPin, None));
        assert!(s.notice.as_deref().unwrap().contains("登记开放"));
        submit_pin(&mut a, "246813");
        let effects = submit_pin(&mut a, "246813");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::EnrolPin { by, .. } if by == OPEN_ENROLMENT),
        );
        reply(&mut a, op, Reply::PinSet);
        assert_eq!(a.operator.as_deref(), Some("张三"));
        // Esc at sign-in goes back to the names.
        let mut b = App::new(settings(), None, at(NOW));
        b.preselect("李四");
        key(&mut b, Key::plain(KeyCode::Esc));
        assert_eq!(b.mode(), Mode::Picker);
    }

    #[test]
    fn an_officer_changes_their_own_pin_from_the_go_to_list() {
        let mut a = app();
        key(&mut a, Key::ch(':'));
        for _ in 0..goto_items().len() {
            key(&mut a, Key::plain(KeyCode::Down));
        }
        key(&mut a, Key::plain(KeyCode::Enter));
        assert_eq!(a.mode(), Mode::SignIn);
        assert!(
            a.sign_in
                .as_ref()
                .unwrap()
                .prompt()
                .contains("修改 PIN：请 张三 先输入现在的 PIN")
        );
        let effects = submit_pin(&mut a, "246813");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::CheckPin { name, .. } if name == "张三"),
        );
        reply(&mut a, op, Reply::Pin(PinCheck::Matches { failed_before: vec![] }));
        assert_eq!(a.sign_in.as_ref().unwrap().step, SignInStep::NewPin);
        submit_pin(&mut a, "135790");
        let effects = submit_pin(&mut a, "135790");
        let op = op_of(
            &effects,
            |r| matches!(r, Request::ReplacePin { name, pin } if name == "张三" && pin == "135790"),
        );
        reply(&mut a, op, Reply::PinSet);
        assert!(a.sign_in.is_none());
        assert_eq!(a.operator.as_deref(), Some("张三"));
        assert!(a.message.as_ref().unwrap().text.contains("已更换 张三 的 PIN"));
        // A wrong old PIN changes nothing.
        key(&mut a, Key::ch(':'));
        for _ in 0..goto_items().len() {
            key(&mut a, Key::plain(KeyCode::Down));
        }
        key(&mut a, Key::plain(KeyCode::Enter));
        let effects = submit_pin(&mut a, "000000");
        let op = op_of(&effects, |r| matches!(r, Request::CheckPin { .. }));
        reply(
            &mut a,
            op,
            Reply::Pin(PinCheck::Wrong {
                in_a_row: 1,
                wait_until: None,
            }),
        );
        assert_eq!(a.sign_in.as_ref().unwrap().step, SignInStep::Pin);
        key(&mut a, Key::plain(KeyCode::Esc));
        assert!(a.sign_in.is_none());
        assert_eq!(a.mode(), Mode::List);
    }

    #[test]
    fn nobody_acknowledges_an_alarm_before_signing_in() {
        let mut a = App::new(settings(), None, at(NOW));
        a.start();
        for mode in [Mode::Picker, Mode::SignIn] {
            if mode == Mode::SignIn {
                key(&mut a, Key::plain(KeyCode::Enter));
            }
            assert_eq!(a.mode(), mode);
            let effects = key(&mut a, Key::plain(KeyCode::F(2)));
            assert!(requests(&effects).is_empty(), "{effects:?}");
            assert!(a.message.as_ref().unwrap().text.contains("请先登录"), "{:?}", a.message);
        }
    }
}
