//! The real `zhiban` binary in a real terminal, for the integrity tests (`tests/two_terminals.rs`,
//! `tests/bad_input.rs`): the minimal part of `tests/e2e.rs`'s Sandbox and Term, plus recording
//! the bytes the app writes to its terminal (tmux `pipe-pane`) and pasting from a file.
//!
//! Each `Term` is a private tmux server, killed on drop. Waits never sleep a fixed time: they
//! poll the screen (or a file) until a condition holds, with a generous deadline, and fail
//! showing what was there. tmux is required: without it these tests fail loudly, never skip.
#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_zhiban");

/// How long any wait may take before the test fails. Generous: CI machines are slow and busy.
/// The PIN the sandbox's 张三 signs in with (enrolled at the first sign-in).
pub const OPERATOR_PIN: &str = "246813";
pub const DEADLINE: Duration = Duration::from_secs(20);

/// How often the screen is polled while waiting.
const POLL: Duration = Duration::from_millis(50);

/// The tmux session (and so window and pane) the app runs in.
const TARGET: &str = "zhiban-it";

/// Starts the line the wrapper shell prints when the app exits: `[zhiban exited: 0]`.
pub const EXIT_MARK: &str = "[zhiban exited: ";

/// Fails with a clear message unless tmux can be run. Never skips.
pub fn require_tmux() {
    match Command::new("tmux").arg("-V").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "these tests need tmux, but `tmux -V` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "these tests need tmux, but it could not be run ({e}). Install it (e.g. `apt-get install -y tmux`); \
             these tests never skip."
        ),
    }
}

/// A temporary home for one test: the database and the XDG directories live here.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        require_tmux();
        let dir = tempfile::Builder::new()
            .prefix("zhiban-it-")
            .tempdir()
            .expect("create a temporary directory");
        for sub in ["config", "data", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create a sandbox directory");
        }
        Self { dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("zhiban.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The whole environment the app sees: nothing is inherited from the test process.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = |sub: &str| self.dir.path().join(sub).display().to_string();
        vec![
            ("HOME".into(), path("home")),
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("TERM".into(), "tmux-256color".into()),
            ("XDG_CONFIG_HOME".into(), path("config")),
            ("XDG_DATA_HOME".into(), path("data")),
        ]
    }

    /// Starts the full-screen app on this sandbox's database in a fresh `cols`x`rows` terminal.
    pub fn start(&self, cols: u16, rows: u16, args: &[&str]) -> Term {
        self.start_on(&self.db(), cols, rows, args)
    }

    /// Starts the full-screen app on the database at `db`.
    pub fn start_on(&self, db: &Path, cols: u16, rows: u16, args: &[&str]) -> Term {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "zhiban-it-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let term = Term { socket };
        let (cols_s, rows_s, db) = (cols.to_string(), rows.to_string(), db.display().to_string());
        // As in tests/e2e.rs: a line giving the app's exit status, `env -i` (the app gets exactly
        // the sandbox environment), no tmux status line. Unlike there, the wrapper then waits for
        // a line of input, keeping the pane alive: an app that exits at once (a bad database or
        // config) would otherwise take the pane with it before tmux has read what it printed, and
        // its message and the status line would be lost now and then on a busy machine.
        let wrapper = format!("\"$@\"; echo \"{EXIT_MARK}$?]\"; read line");
        let mut argv: Vec<String> = ["set-option", "-g", "remain-on-exit", "on", ";"]
            .into_iter()
            .chain(["set-option", "-g", "status", "off", ";"])
            .chain(["new-session", "-d", "-s", TARGET, "-x", &cols_s, "-y", &rows_s])
            .chain(["/bin/sh", "-c", &wrapper, "sh", "env", "-i"])
            .map(str::to_string)
            .collect();
        argv.extend(self.env().into_iter().map(|(k, v)| format!("{k}={v}")));
        argv.extend([BIN.to_string(), "--db".into(), db]);
        argv.extend(args.iter().map(|a| (*a).to_string()));
        term.tmux(&argv);
        term
    }

    /// Runs the binary as a script would (no terminal), on this sandbox's database.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_on(&self.db(), args)
    }

    /// Runs the binary with `--db <db>`.
    pub fn run_on(&self, db: &Path, args: &[&str]) -> Output {
        Command::new(BIN)
            .env_clear()
            .envs(self.env())
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .expect("run zhiban")
    }

    /// Runs the binary and asserts it succeeded.
    pub fn cli(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "zhiban {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// The app running in a private tmux server; the server is killed on drop.
pub struct Term {
    socket: String,
}

impl Drop for Term {
    fn drop(&mut self) {
        let socket = self
            .command()
            .args(["display-message", "-p", "#{socket_path}"])
            .output();
        let _ = self.command().arg("kill-server").output();
        if let Ok(out) = socket
            && out.status.success()
            && let Ok(path) = String::from_utf8(out.stdout)
            && !path.trim().is_empty()
        {
            let _ = std::fs::remove_file(path.trim());
        }
    }
}

/// One look at the terminal: its text, one string per row.
pub struct Snapshot {
    pub rows: Vec<String>,
}

impl Snapshot {
    pub fn text(&self) -> String {
        self.rows.join("\n")
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.rows.iter().any(|r| r.contains(needle))
    }

    /// The first row containing every one of `needles`.
    pub fn row_with(&self, needles: &[&str]) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| needles.iter().all(|n| r.contains(n)))
            .map(String::as_str)
    }
}

/// The screen with row numbers, for failure messages.
pub fn framed(rows: &[String]) -> String {
    rows.iter()
        .enumerate()
        .map(|(i, r)| format!("{i:>3}|{r}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Term {
    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-u", "-L", &self.socket, "-f", "/dev/null"])
            .env_remove("TMUX")
            .env_remove("TMUX_PANE");
        c
    }

    /// Runs a tmux command against this server; panics if it fails.
    pub fn tmux<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> String {
        let out = self
            .command()
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("could not run tmux: {e}"));
        assert!(
            out.status.success(),
            "tmux {:?} failed ({}): {}",
            args.iter().map(|a| a.as_ref().to_string_lossy()).collect::<Vec<_>>(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Appends every byte the app writes to its terminal, from now on, to `file` (tmux
    /// `pipe-pane -O`: the pane's output as the program wrote it, before tmux interprets it).
    pub fn record_output(&self, file: &Path) {
        let cmd = format!("cat >> '{}'", file.display());
        self.tmux(&["pipe-pane", "-O", "-t", TARGET, &cmd]);
    }

    /// Presses keys by tmux name: "Enter", "Tab", "C-s", "n" …
    pub fn send_keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", TARGET];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Types literal UTF-8 text, as a person (or an input method) would.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", TARGET, "-l", "--", text]);
    }

    /// Pastes `text` as a terminal does: bracketed, since the app asks for bracketed paste.
    pub fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "it", "--", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "it", "-t", TARGET]);
    }

    /// Pastes the contents of `file` (bracketed): for pastes too big for a command line.
    pub fn paste_file(&self, file: &Path) {
        self.tmux(&["load-buffer", "-b", "it", &file.display().to_string()]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "it", "-t", TARGET]);
    }

    /// The visible screen, one string per row.
    pub fn screen(&self) -> Vec<String> {
        self.tmux(&["capture-pane", "-p", "-t", TARGET])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The screen and the scrollback, one string per line (lines wrapped by the terminal joined).
    pub fn history(&self) -> Vec<String> {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", TARGET])
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot { rows: self.screen() }
    }

    /// Polls until `ok` holds for what is on screen; panics with the last screen at `deadline`.
    pub fn wait_until(&self, what: &str, deadline: Duration, ok: impl Fn(&Snapshot) -> bool) -> Snapshot {
        let start = Instant::now();
        loop {
            let snap = self.snapshot();
            if ok(&snap) {
                return snap;
            }
            if start.elapsed() >= deadline {
                panic!(
                    "waited {deadline:?} for {what}, in vain. Last screen:\n{}",
                    framed(&snap.rows)
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Polls until `text` is on screen.
    pub fn see(&self, text: &str) -> Snapshot {
        self.wait_until(&format!("“{text}” to appear"), DEADLINE, |s| s.contains(text))
    }

    pub fn wait_gone(&self, text: &str) -> Snapshot {
        self.wait_until(&format!("“{text}” to disappear"), DEADLINE, |s| !s.contains(text))
    }

    /// Polls until the app has exited; returns its exit status (from the wrapper's line; see
    /// tests/e2e.rs for why not tmux's own pane status).
    pub fn wait_for_exit(&self) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(line) = self.history().iter().find(|r| r.starts_with(EXIT_MARK)) {
                return line
                    .trim_start_matches(EXIT_MARK)
                    .trim_end_matches(']')
                    .parse()
                    .unwrap_or_else(|_| panic!("an exit status in {line:?}"));
            }
            if start.elapsed() >= DEADLINE {
                panic!(
                    "waited {DEADLINE:?} for the app to exit, in vain. Last screen:\n{}",
                    framed(&self.screen())
                );
            }
            thread::sleep(POLL);
        }
    }

    /// The label of the focused form field (the row marked `>`).
    pub fn focused_label(snap: &Snapshot) -> Option<String> {
        snap.rows.iter().find_map(|r| {
            let rest = r.split_once("│>")?.1;
            rest.split_whitespace().next().map(str::to_string)
        })
    }

    /// Moves the form's focus with Tab until the field labelled `label` has it.
    pub fn focus(&self, label: &str) {
        for _ in 0..60 {
            let snap = self.wait_until("a focused form field", DEADLINE, |s| Self::focused_label(s).is_some());
            let current = Self::focused_label(&snap);
            if current.as_deref() == Some(label) {
                return;
            }
            self.send_keys(&["Tab"]);
            self.wait_until(&format!("focus to leave {current:?}"), DEADLINE, |s| {
                Self::focused_label(s).is_some_and(|l| Some(&l) != current.as_ref())
            });
        }
        panic!("Tab never reached the field {label}:\n{}", framed(&self.screen()));
    }

    /// Chooses the first configured person (张三) in the start-up picker and signs in with the
    /// sandbox's PIN for them, enrolling it first if they have none (a fresh file: enrolment is
    /// open). The picker starts on whoever the roster has on duty at the real time of the run, so
    /// go to the top first.
    pub fn pick_operator(&self) {
        self.see("请选择本班值班人员");
        self.send_keys(&["Up"; 10]);
        self.send_keys(&["Enter"]);
        self.see("请 张三 输入本人 PIN");
        self.type_text(OPERATOR_PIN);
        self.send_keys(&["Enter"]);
        let snap = self.wait_until("signed in, or asked for a new PIN", DEADLINE, |s| {
            s.contains("值班员：张三") || s.contains("设定新 PIN")
        });
        if !snap.contains("值班员：张三") {
            for _ in 0..2 {
                self.type_text(OPERATOR_PIN);
                self.send_keys(&["Enter"]);
            }
        }
        self.see("值班员：张三");
    }

    /// Asks to quit from a list, confirms, and checks the app exits cleanly.
    pub fn quit(&self) {
        self.send_keys(&["q"]);
        self.see("确定退出值班系统吗？");
        self.send_keys(&["y"]);
        assert_eq!(self.wait_for_exit(), 0, "zhiban exits with status 0");
    }
}

/// Polls until the file at `path` holds `needle` (the recorded output lags the screen a little:
/// tmux hands it to `cat`, which appends it). Returns the file's bytes.
pub fn wait_for_bytes(path: &Path, needle: &[u8]) -> Vec<u8> {
    let start = Instant::now();
    loop {
        let bytes = std::fs::read(path).unwrap_or_default();
        if find(&bytes, needle).is_some() {
            return bytes;
        }
        if start.elapsed() >= DEADLINE {
            panic!(
                "waited {DEADLINE:?} for {needle:?} in {} ({} bytes), in vain",
                path.display(),
                bytes.len()
            );
        }
        thread::sleep(POLL);
    }
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
