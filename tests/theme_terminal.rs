//! The theme chosen at start, seen from outside: the real binary in a pseudo-terminal
//! (`portable-pty`), its output read by a terminal emulator (`vt100`) with colours. The test
//! plays the terminal: it waits for the background query, then answers it (or not) with keys
//! typed before the answer, and looks at what is drawn. Waits never sleep a fixed time: they
//! read until the screen shows what is awaited, and fail after a generous deadline showing it.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_zhiban");
const DEADLINE: Duration = Duration::from_secs(20);
const QUERY: &[u8] = b"\x1b]11;?\x1b\\";
const OFFICE: &str = "某某县人民政府办公室值班室";

struct App {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    seen: Vec<u8>,
    screen: vt100::Parser,
    _dir: tempfile::TempDir,
}

impl App {
    /// Starts the app on a fresh database with `config` (if any) and extra environment.
    fn start(config: Option<&str>, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        for sub in ["config/zhiban", "data", "home"] {
            std::fs::create_dir_all(home.join(sub)).unwrap();
        }
        if let Some(text) = config {
            std::fs::write(home.join("config/zhiban/config.toml"), text).unwrap();
        }
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        let p = |s: &str| home.join(s).display().to_string();
        for (k, v) in [
            ("HOME", p("home")),
            ("XDG_CONFIG_HOME", p("config")),
            ("XDG_DATA_HOME", p("data")),
            ("LANG", "C.UTF-8".into()),
            ("TERM", "xterm-256color".into()),
            ("PATH", "/usr/bin:/bin".into()),
        ] {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(["--db", &p("zhiban.db")]);
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            master: pty.master,
            writer,
            output,
            seen: Vec::new(),
            screen: vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0),
            _dir: dir,
        }
    }

    /// Reads what the app writes until `done` holds of everything it wrote and the screen.
    fn until(&mut self, what: &str, done: impl Fn(&[u8], &vt100::Screen) -> bool) {
        let end = Instant::now() + DEADLINE;
        while !done(&self.seen, self.screen.screen()) {
            let left = end.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => {
                    self.seen.extend_from_slice(&bytes);
                    self.screen.process(&bytes);
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => panic!(
                    "waited for {what}; the screen:\n{}\nthe bytes: {:?}",
                    self.screen.screen().contents(),
                    String::from_utf8_lossy(&self.seen)
                ),
            }
        }
    }

    fn until_text(&mut self, text: &str) {
        let t = text.to_string();
        self.until(text, move |_, s| s.contents().contains(&t));
    }

    fn asked(&mut self) {
        self.until("the background query", |seen, _| contains(seen, QUERY));
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// The row of the picker the cursor is on: the one drawn reversed.
    fn chosen(&self) -> String {
        let s = self.screen.screen();
        (0..24)
            .filter_map(|row| {
                let reversed = (0..80).any(|col| {
                    s.cell(row, col)
                        .is_some_and(|c| c.inverse() && !c.contents().trim().is_empty())
                });
                reversed.then(|| s.contents_between(row, 0, row, 80))
            })
            .find(|r| r.contains("值班员") || r.contains("领导") || r.contains("主任"))
            .unwrap_or_default()
    }

    fn office_colour(&self) -> vt100::Color {
        office_colour(self.screen.screen())
            .unwrap_or_else(|| panic!("no office name on:\n{}", self.screen.screen().contents()))
    }
}

/// The colour the office's name is drawn in (the dialog's title: the theme's header).
fn office_colour(s: &vt100::Screen) -> Option<vt100::Color> {
    (0..24).find_map(|row| {
        let text = s.contents_between(row, 0, row, 80);
        let at = text.find(OFFICE)?;
        let col = u16::try_from(zhiban::core::text::width(text.get(..at)?)).ok()?;
        s.cell(row, col).map(vt100::Cell::fgcolor)
    })
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.master;
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The light theme's headers are blue, the dark theme's bright cyan (`ui/theme.rs`).
const LIGHT_HEADER: vt100::Color = vt100::Color::Idx(4);
const DARK_HEADER: vt100::Color = vt100::Color::Idx(14);

#[test]
fn keys_typed_before_the_terminal_answers_are_kept_and_a_white_background_draws_light() {
    let mut app = App::start(None, &[]);
    app.asked();
    // Down twice typed before the answer, once after, all in one read: 赵六, the fourth.
    let mut bytes = b"jj".to_vec();
    bytes.extend_from_slice(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\");
    bytes.extend_from_slice(b"\x1b[B");
    app.send(&bytes);
    app.until("赵六 chosen", |_, s| s.contents().contains("赵六"));
    app.until("the fourth person chosen", |_, s| {
        (0..24).any(|row| {
            let text = s.contents_between(row, 0, row, 80);
            text.contains("赵六") && (0..80).any(|col| s.cell(row, col).is_some_and(vt100::Cell::inverse))
        })
    });
    assert!(app.chosen().contains("赵六"), "{}", app.screen.screen().contents());
    assert_eq!(app.office_colour(), LIGHT_HEADER);
    let text = app.screen.screen().contents();
    assert!(!text.contains("11;rgb") && !text.contains("未告知"), "{text}");
}

#[test]
fn a_terminal_that_does_not_answer_gets_dark_said_once_and_a_late_answer_is_used_not_typed() {
    let mut app = App::start(None, &[]);
    app.asked();
    app.send(b"j");
    app.until_text("未告知背景色");
    let text = app.screen.screen().contents();
    assert!(text.contains("theme = \"light\""), "{text}");
    app.until("李四 chosen", |_, s| s.contents().contains("李四"));
    assert_eq!(app.office_colour(), DARK_HEADER);
    // The answer comes after all (a slow link), ended by BEL: the app turns light, the cursor
    // stays where the key put it, and nothing of the answer is typed anywhere.
    app.send(b"\x1b]11;rgb:eeee/eeee/ecec\x07");
    app.until("the light theme", |_, s| office_colour(s) == Some(LIGHT_HEADER));
    assert!(app.chosen().contains("李四"), "{}", app.screen.screen().contents());
    assert!(!app.screen.screen().contents().contains("11;rgb"));
}

#[test]
fn a_theme_written_in_the_config_is_used_without_asking() {
    let config = include_str!("../config.toml").replace("theme = \"auto\"", "theme = \"light\"");
    assert!(config.contains("theme = \"light\""));
    let mut app = App::start(Some(&config), &[]);
    app.until_text("请选择本班值班人员");
    assert_eq!(app.office_colour(), LIGHT_HEADER);
    assert!(!contains(&app.seen, QUERY), "asked although the config says light");
}

#[test]
fn no_color_draws_without_a_colour_and_does_not_ask() {
    let mut app = App::start(None, &[("NO_COLOR", "1")]);
    app.until_text("请选择本班值班人员");
    app.send(b"j");
    app.until("李四 reversed", |_, s| {
        (0..24).any(|row| {
            s.contents_between(row, 0, row, 80).contains("李四")
                && (0..80).any(|col| s.cell(row, col).is_some_and(vt100::Cell::inverse))
        })
    });
    assert!(!contains(&app.seen, QUERY), "asked under NO_COLOR");
    let s = app.screen.screen();
    for row in 0..24 {
        for col in 0..80 {
            let c = s.cell(row, col).unwrap();
            assert_eq!(
                (c.fgcolor(), c.bgcolor()),
                (vt100::Color::Default, vt100::Color::Default),
                "a colour at {row},{col}:\n{}",
                s.contents()
            );
        }
    }
    assert!(app.chosen().contains("李四"));
}
