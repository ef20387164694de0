//! Shared test harness: the real app and store (temporary file) driven through the runtime's
//! effect loop, drawn into ratatui's `TestBackend`, with a fixed clock moved by hand.
#![allow(dead_code)] // each test crate uses a different part of the harness

use chrono::NaiveDateTime;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{App, Msg};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::runtime::notify::RecordingAlerter;
use zhiban::runtime::{dispatch, run_effects};
use zhiban::store::Store;
use zhiban::ui;

pub const NOW: &str = "2026-11-23 03:10:00";

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

pub fn now() -> NaiveDateTime {
    at(NOW)
}

pub struct Harness {
    pub app: App,
    pub store: Store,
    pub terminal: Terminal<TestBackend>,
    pub alerter: RecordingAlerter,
    /// The harness's clock; `tick` moves it.
    pub clock: NaiveDateTime,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(cols: u16, rows: u16, operator: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zhiban.db");
        Self::open(dir, &path, cols, rows, operator, now())
    }

    /// Starts the app on an existing database at `clock` (a restart).
    pub fn restart(self, clock: NaiveDateTime) -> Self {
        let path = self.store.path().to_path_buf();
        let (cols, rows) = (
            self.terminal.backend().buffer().area.width,
            self.terminal.backend().buffer().area.height,
        );
        let operator = self.app.operator.clone();
        let Self { dir, app, store, .. } = self;
        drop(app);
        drop(store);
        Self::open(dir, &path, cols, rows, operator.as_deref(), clock)
    }

    pub fn open(
        dir: tempfile::TempDir,
        path: &std::path::Path,
        cols: u16,
        rows: u16,
        operator: Option<&str>,
        clock: NaiveDateTime,
    ) -> Self {
        let mut store = Store::open(path).unwrap();
        let mut settings = parse(DEFAULT_TOML, None).unwrap().settings;
        // Tests that move the clock for hours are not about the idle lock; tests/lock.rs turns it on.
        settings.lock_minutes = 0;
        let mut app = App::new(settings, operator.map(str::to_string), clock);
        let mut alerter = RecordingAlerter::default();
        dispatch(
            &mut app,
            &mut store,
            &mut alerter,
            Msg::Viewport(ui::list_rows(rows)),
            clock,
        );
        let start = app.start();
        run_effects(&mut app, &mut store, &mut alerter, start, clock);
        dispatch(&mut app, &mut store, &mut alerter, Msg::Tick, clock);
        let terminal = Terminal::new(TestBackend::new(cols, rows)).unwrap();
        // Screens are drawn in the dark theme, whatever terminal runs the tests.
        zhiban::ui::theme::pin(zhiban::ui::theme::Theme::Dark);
        Self {
            app,
            store,
            terminal,
            alerter,
            clock,
            dir,
        }
    }

    /// Moves the clock to `to` one second at a time, as the runtime would.
    pub fn tick_to(&mut self, to: NaiveDateTime) {
        while self.clock < to {
            self.clock += chrono::Duration::seconds(1);
            let t = self.clock;
            dispatch(&mut self.app, &mut self.store, &mut self.alerter, Msg::Tick, t);
        }
    }

    pub fn key(&mut self, k: Key) {
        let t = self.clock;
        dispatch(&mut self.app, &mut self.store, &mut self.alerter, Msg::Key(k), t);
    }

    pub fn keys(&mut self, code: KeyCode, times: usize) {
        for _ in 0..times {
            self.key(Key::plain(code));
        }
    }

    /// Types `s` as an officer does: the keys, then a pause (the visitor lookup box asks the
    /// store after one; elsewhere it changes nothing).
    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(Key::ch(c));
        }
        self.pause();
    }

    /// The keyboard still for as long as the app wants ([`App::pause_wanted`]), if it wants a
    /// pause; the clock does not move (a pause is well under a second).
    pub fn pause(&mut self) {
        if self.app.pause_wanted().is_some() {
            let t = self.clock;
            dispatch(&mut self.app, &mut self.store, &mut self.alerter, Msg::Paused, t);
        }
    }

    pub fn paste(&mut self, s: &str) {
        let t = self.clock;
        dispatch(
            &mut self.app,
            &mut self.store,
            &mut self.alerter,
            Msg::Paste(s.into()),
            t,
        );
    }

    /// The screen as lines of text, wide characters counted once.
    pub fn screen(&mut self) -> Vec<String> {
        self.terminal.draw(|f| ui::render(&self.app, f)).unwrap();
        let buf = self.terminal.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                let mut line = String::new();
                let mut x = 0;
                while x < buf.area.width {
                    let sym = buf[(x, y)].symbol();
                    line.push_str(sym);
                    x += u16::try_from(sym.width().max(1)).unwrap();
                }
                line
            })
            .collect()
    }

    pub fn text(&mut self) -> String {
        self.screen().join("\n")
    }

    pub fn cursor(&mut self) -> (u16, u16) {
        self.screen();
        let p = self.terminal.get_cursor_position().unwrap();
        (p.x, p.y)
    }

    /// Row and display column where `label` starts.
    pub fn find(&mut self, label: &str) -> (u16, u16) {
        for (y, line) in self.screen().iter().enumerate() {
            if let Some(i) = line.find(label) {
                let col = line.get(..i).unwrap().width();
                return (u16::try_from(col).unwrap(), u16::try_from(y).unwrap());
            }
        }
        panic!("“{label}” is not on screen:\n{}", self.text());
    }

    pub fn save_call(&mut self, unit: &str, person: &str, content: &str) {
        self.key(Key::ch('n'));
        self.type_text(unit); // the form opens on 来电单位
        self.key(Key::plain(KeyCode::Tab));
        self.type_text(person);
        self.keys(KeyCode::Tab, 2);
        self.type_text(content);
        self.key(Key::ctrl('s'));
    }
}

/// A 重大 自然灾害 event at 李家集镇, occurred and received at `received`, written to the store as
/// another terminal or a script would; the clock moves on two seconds, so the app has read it.
pub fn add_major_event(h: &mut Harness, received: &str, summary: &str) -> i64 {
    use zhiban::core::urgent::{EventDraft, Level, new_event};
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, t, "李家集镇", summary);
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
    let lines = zhiban::core::urgent::raised(t, &settings.urgent.ladder);
    let id = h.store.insert_event(&event, &lines).unwrap();
    h.clock = t;
    h.tick_to(t + chrono::Duration::seconds(2));
    id
}

/// The duty leader's PIN in the tests that need a confirmed approver.
pub const LEADER_PIN: &str = "135790";

/// 王五, the duty leader, enrolled while enrolment was open: that confirms his role, so he is a
/// confirmed approver (with [`LEADER_PIN`]).
pub fn enrol_leader(store: &mut Store) {
    store
        .enrol_pin(
            "王五",
            &zhiban::pin::hash(LEADER_PIN).expect("hash"),
            zhiban::core::sign_in::OPEN_ENROLMENT,
            Some("带班领导"),
            false,
            at("2026-11-20 09:00:00"),
        )
        .expect("enrol the duty leader");
}
