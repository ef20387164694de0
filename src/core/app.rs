//! The application model: which tab is open, who is on duty, overlays, the status line, and
//! `update(msg, now) -> effects`, the one place state changes. Pure: no terminal, no disk, no
//! clock — the runtime passes `now` in and executes the returned effects.

use chrono::{Duration, NaiveDateTime};

use super::keymap::{Action, Key, Mode, resolve};
use super::log::{AmendRequest, Entry, EntryId, EntryKey, EntrySummary, InstructionRequest, NewEntry};
use super::log_screen::{Ctx, LogScreen, Out, PageRequest};
pub use super::settings::{Person, Role, Settings};

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
        self == Self::Log
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
    /// How many list rows fit on screen, from the UI layout.
    Viewport(usize),
    Page(PageRequest, Vec<EntrySummary>),
    Entry(Entry),
    /// A write committed; `key` is where the entry now sits in the log.
    Saved { entry_id: EntryId, key: EntryKey },
    SaveFailed(String),
    LoadFailed(String),
}

/// Everything the app may ask the outside world to do. Only the runtime executes these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadPage(PageRequest),
    LoadEntry(EntryId),
    SaveEntry(NewEntry),
    Amend(AmendRequest),
    Instruct(InstructionRequest),
    Quit,
}

/// A question that needs y or n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    QuitDiscarding,
    DiscardForm,
}

impl Confirm {
    #[must_use]
    pub fn question(self) -> &'static str {
        match self {
            Self::Quit => "确定退出值班系统吗？",
            Self::QuitDiscarding => "表单还没有保存。放弃已填写的内容并退出吗？",
            Self::DiscardForm => "放弃本次填写的内容吗？",
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
}

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
        }
    }

    /// Effects to run once at start (the first page, if the operator is already known).
    pub fn start(&mut self) -> Vec<Effect> {
        if self.operator.is_some() { vec![self.log.list.initial()] } else { Vec::new() }
    }

    /// The live keymap mode.
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.confirm.is_some() {
            Mode::Confirm
        } else if self.help {
            Mode::Help
        } else if self.operator.is_none() {
            Mode::Picker
        } else if self.tab != Tab::Log {
            Mode::Placeholder
        } else {
            self.log.mode()
        }
    }

    /// The mode help describes (the one under the overlay).
    #[must_use]
    pub fn mode_under_help(&self) -> Mode {
        let mut copy_mode = self.mode();
        if copy_mode == Mode::Help {
            copy_mode = if self.operator.is_none() {
                Mode::Picker
            } else if self.tab != Tab::Log {
                Mode::Placeholder
            } else {
                self.log.mode()
            };
        }
        copy_mode
    }

    pub fn update(&mut self, msg: Msg, now: NaiveDateTime) -> Vec<Effect> {
        self.now = now;
        let mut out = Out::default();
        match msg {
            Msg::Tick => {
                if self.message.as_ref().is_some_and(|m| now - m.at > Duration::seconds(MESSAGE_SECONDS)) {
                    self.message = None;
                }
            }
            Msg::Viewport(rows) => {
                self.log.list.viewport = rows;
                if let Some(e) = self.log.list.move_by(0) {
                    out.effects.push(e);
                }
            }
            Msg::Key(key) => self.on_key(key, &mut out),
            Msg::Paste(text) => {
                if self.mode() == Mode::Form {
                    let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                    self.log.on_paste(&text, &ctx, &mut out);
                }
            }
            Msg::Page(req, rows) => self.log.on_page(req, rows, &mut out),
            Msg::Entry(entry) => self.log.on_entry(entry),
            Msg::Saved { entry_id, key } => self.log.on_saved(entry_id, key, &mut out),
            Msg::SaveFailed(m) => self.log.on_save_failed(&m, &mut out),
            Msg::LoadFailed(m) => self.log.on_load_failed(&m, &mut out),
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
                if mode == Mode::Form
                    && let Some(c) = key.typed_char()
                {
                    let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                    self.log.on_char(c, &ctx, out);
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
                Some(Confirm::DiscardForm) => {
                    self.log.discard_form();
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
                self.confirm = Some(if self.log.has_unsaved_form() { Confirm::QuitDiscarding } else { Confirm::Quit });
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
            (_, Action::NextTab) => self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()],
            (_, Action::PrevTab) => self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()],
            (_, Action::GoTab(i)) => self.tab = Tab::ALL.get(i).copied().unwrap_or(self.tab),
            (Mode::Form, Action::Cancel) if self.log.has_unsaved_form() => self.confirm = Some(Confirm::DiscardForm),
            _ => {
                let ctx = Ctx::new(&self.settings, self.operator.as_deref(), self.now);
                self.log.on_action(action, &ctx, out);
            }
        }
    }
}

impl Out {
    fn say_str(&mut self, m: &str) {
        self.message = Some(m.to_string());
    }
}
