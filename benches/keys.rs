//! Benchmark: key press to flushed frame, measured from outside as an officer sees it (issue 16).
//!
//! The real release binary (`target/release/zhiban`, which cargo builds before the benches) runs
//! in a pseudo-terminal (`portable-pty`); what it writes is read by a thread that stamps every
//! chunk with the time `read` returned it, and fed to a terminal emulator (`vt100`) so the bench
//! can wait for the screen the key should bring. One sample is the time from writing a key's
//! bytes to the pty master until the last byte of the burst that made the expected screen
//! appear: the expected text is there and nothing more arrives for [`QUIET`] (20 ms). The time
//! is that of the last byte, not the end of the quiet wait. So a sample holds the pty in both
//! directions, the app's event loop, its store work (or the reader thread's), the draw and the
//! flush, and the scheduling of this reader thread on a shared machine; the bench's own parsing
//! is off the clock (the reader thread stamps the chunks before the parser sees them).
//!
//! ```sh
//! cargo bench --bench keys                                  # target/bench-data/duty-1000000.db
//! cargo bench --bench keys -- --db PATH                      # any other file (it is written to!)
//! cargo bench --bench keys -- --only=search,lookup,handover,scroll,start --reps 30
//! ```
//!
//! The file is WRITTEN to: the first open migrates it, the operator's PIN is set if they have
//! none (as `tests/e2e.rs` does), and every sign-in records a PIN attempt. Give it a copy.
//!
//! The app's status line shows the time to the second: the loop draws at every whole second.
//! So that such a frame never lands in a measured burst, every measured key (or sequence, such
//! as `bgs` and the lookup it starts) is sent at least 30 ms after a whole second and early
//! enough in the second for it to be over before the next one; a burst that still ran into the
//! next second is counted and said.
//!
//! Rows (window sizes are the pty's): 查询 at 120x40 — words whose characters are common but
//! never occur together (局镇, 县镇, 电局, 核电站泄漏: the last key to the result or the
//! "查询较慢…" line; each key of 核电站泄漏 alone) and common words (城关镇, 张建华), each also
//! committed at once as an input method does; the 来访登记 lookup at 120x40 — `bgs` key by key
//! and the answer after the app's pause in typing, and the first lookup of a fresh process; the
//! 交接班 tab (`4`) warm, and cold with the OS page cache of the file dropped first; PageDown at
//! 200x50 and 80x24 and Down at 80x24 in the log list; start to the first full frame of a
//! fresh process at each size, and sign-in (Enter after the PIN) to the first list frame. A
//! Markdown table of the rows is printed at the end and written to
//! `target/bench-data/keys-<timestamp>.md`. Nothing asserts on time.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDateTime};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use common::{Stats, bench_dir, ms, stats};
use zhiban::core::log::{Anchor, EntrySummary, PageRequest};
use zhiban::core::visit_screen::LOOKUP_PAUSE;
use zhiban::store::Store;

/// Who signs in, and with which PIN (set on the file if they have none).
const OPERATOR: &str = "张三";
const PIN: &str = "246813";

/// A burst ends when nothing more arrives for this long.
const QUIET: Duration = Duration::from_millis(20);
/// How long any wait may take before the bench stops with the screen it saw.
const DEADLINE: Duration = Duration::from_secs(30);
/// Keys are sent at least this long after a whole second (the status-line clock's frame).
const AFTER_SECOND_MS: u32 = 30;

/// Words whose characters are common but never occur together, and common words.
const RARE_WORDS: [&str; 4] = ["局镇", "县镇", "电局", "核电站泄漏"];
const COMMON_WORDS: [&str; 2] = ["城关镇", "张建华"];
/// The word typed key by key with every key measured.
const KEY_BY_KEY: &str = "核电站泄漏";
/// Nobody in the file is found by it.
const NOBODY: &str = "bgs";

const DOWN: &[u8] = b"\x1b[B";
const PAGE_DOWN: &[u8] = b"\x1b[6~";
const ESC: &[u8] = b"\x1b";
const ENTER: &[u8] = b"\r";
const CTRL_C: &[u8] = b"\x03";

// ---------------------------------------------------------------------------------------------
// Options and the sandbox

struct Options {
    db: PathBuf,
    reps: usize,
    starts: usize,
    first_lookups: usize,
    cold: usize,
    only: Option<Vec<String>>,
}

impl Options {
    fn parse() -> Self {
        let mut o = Options {
            db: bench_dir().join("duty-1000000.db"),
            reps: 30,
            starts: 10,
            first_lookups: 10,
            cold: 5,
            only: None,
        };
        let mut args = std::env::args().skip(1);
        let number = |v: Option<String>, what: &str| -> usize {
            v.and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{what} takes a number"))
        };
        while let Some(a) = args.next() {
            match a.as_str() {
                "--bench" => {} // cargo bench passes it
                "--db" => o.db = PathBuf::from(args.next().expect("--db takes a path")),
                "--reps" => o.reps = number(args.next(), "--reps"),
                "--starts" => o.starts = number(args.next(), "--starts"),
                "--first" => o.first_lookups = number(args.next(), "--first"),
                "--cold" => o.cold = number(args.next(), "--cold"),
                s if s.starts_with("--db=") => o.db = PathBuf::from(s.trim_start_matches("--db=")),
                s if s.starts_with("--only=") => {
                    o.only = Some(s.trim_start_matches("--only=").split(',').map(str::to_string).collect());
                }
                other => panic!(
                    "unknown argument {other:?}; use --db PATH, --reps N, --starts N, --first N, --cold N, \
                     --only=start,search,lookup,handover,scroll"
                ),
            }
        }
        o
    }

    fn runs(&self, part: &str) -> bool {
        self.only.as_ref().is_none_or(|o| o.iter().any(|p| p == part))
    }
}

/// A private home for the app: config (no automatic backup, no screen lock), XDG directories.
struct Sandbox {
    dir: tempfile::TempDir,
    bin: PathBuf,
    db: PathBuf,
    config: PathBuf,
}

impl Sandbox {
    fn new(db: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("zhiban-keys-")
            .tempdir()
            .expect("a temporary directory");
        for sub in ["config", "data", "home", "backups"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("a sandbox directory");
        }
        let config = dir.path().join("bench.toml");
        // Sections written replace the built-in ones whole.
        let text = format!(
            "[ui]\nlanguage = \"zh-CN\"\nlock_minutes = 0\n\n[backup]\ndir = \"{}\"\nkeep_daily = 7\n\
             keep_weekly = 4\nkeep_monthly = 12\ndaily = false\n",
            dir.path().join("backups").display()
        );
        std::fs::write(&config, text).expect("write the bench config");
        Self {
            bin: binary(),
            db: db.to_path_buf(),
            config,
            dir,
        }
    }

    fn env(&self) -> Vec<(String, String)> {
        let path = |sub: &str| self.dir.path().join(sub).display().to_string();
        vec![
            ("HOME".into(), path("home")),
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("TERM".into(), "xterm-256color".into()),
            ("XDG_CONFIG_HOME".into(), path("config")),
            ("XDG_DATA_HOME".into(), path("data")),
        ]
    }

    /// `zhiban config check` on the bench config, so a mistake there is said plainly.
    fn check_config(&self) {
        let out = std::process::Command::new(&self.bin)
            .env_clear()
            .envs(self.env())
            .arg("--config")
            .arg(&self.config)
            .args(["config", "check"])
            .output()
            .expect("run zhiban config check");
        assert!(
            out.status.success(),
            "the bench config is refused: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The release binary beside this bench's executable (`target/release/deps/keys-…` →
/// `target/release/zhiban`); cargo builds it before running benches.
fn binary() -> PathBuf {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|d| d.join("zhiban")))
        .filter(|p| p.is_file());
    beside.unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_zhiban")))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

// ---------------------------------------------------------------------------------------------
// The app in a pseudo-terminal

/// What one wait saw: the time from the key to the last byte of the burst, its bytes, and how
/// many frames were drawn in it (ratatui shows or hides the cursor once per draw).
#[derive(Clone, Copy)]
struct Seen {
    after: Duration,
    /// To the first byte after the key.
    first: Duration,
    bytes: usize,
    /// Reads the bench's thread made: about the app's writes when they come apart.
    chunks: usize,
    draws: usize,
}

struct Term {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    rx: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    cols: u16,
    rows: u16,
    /// When the last byte so far arrived.
    last: Instant,
    /// Bursts that ran past the next whole second after their key (possibly with its frame).
    crossed_second: usize,
    /// The screen after the first chunk of the last wait (for `KEYS_DEBUG`).
    first_screen: String,
}

/// Counts of `\x1b[?25h` / `\x1b[?25l` in `bytes`: one per draw.
fn draws_in(bytes: &[u8]) -> usize {
    bytes.windows(5).filter(|w| w == b"\x1b[?25").count()
}

impl Term {
    /// Starts the app at `cols`x`rows` with `--operator`; returns it and when it was started.
    fn start(sb: &Sandbox, cols: u16, rows: u16) -> (Self, Instant) {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(&sb.bin);
        cmd.env_clear();
        for (k, v) in sb.env() {
            cmd.env(k, v);
        }
        cmd.cwd(sb.dir.path());
        cmd.arg("--db");
        cmd.arg(&sb.db);
        cmd.arg("--config");
        cmd.arg(&sb.config);
        cmd.arg("--operator");
        cmd.arg(OPERATOR);
        let mut reader = pair.master.try_clone_reader().expect("the pty's reader");
        let writer = pair.master.take_writer().expect("the pty's writer");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let at = Instant::now();
                        if tx.send((at, buf[..n].to_vec())).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("start zhiban in the pty");
        drop(pair.slave);
        let term = Self {
            child,
            writer,
            _master: pair.master,
            rx,
            parser: vt100::Parser::new(rows.try_into().expect("rows"), cols.try_into().expect("cols"), 0),
            cols,
            rows,
            last: started,
            crossed_second: 0,
            first_screen: String::new(),
        };
        (term, started)
    }

    fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    fn feed(&mut self, at: Instant, bytes: &[u8], got: &mut Vec<u8>) {
        self.parser.process(bytes);
        got.extend_from_slice(bytes);
        self.last = at;
    }

    /// Whatever arrived meanwhile (a frame at a whole second), without waiting.
    fn drain(&mut self) {
        let mut sink = Vec::new();
        while let Ok((at, b)) = self.rx.try_recv() {
            self.feed(at, &b, &mut sink);
        }
    }

    /// Waits, after something new arrived, until `ok` holds, then for the burst to end;
    /// the time is that of the burst's last byte after `t0`. Stops the bench with the screen
    /// if it takes longer than [`DEADLINE`].
    fn wait(&mut self, t0: Instant, what: &str, ok: &dyn Fn(&Screen) -> bool) -> Seen {
        let mut got = Vec::new();
        let mut first = None;
        let mut chunks = 0;
        loop {
            let left = DEADLINE.checked_sub(t0.elapsed()).unwrap_or_default();
            match self.rx.recv_timeout(left) {
                Ok((at, b)) => {
                    self.feed(at, &b, &mut got);
                    chunks += 1;
                    if first.is_none() {
                        first = Some(at.duration_since(t0));
                        if std::env::var_os("KEYS_DEBUG").is_some() {
                            self.first_screen = self.screen_text();
                        }
                    }
                    if ok(&Screen::of(self)) {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.fail(&format!("waited {DEADLINE:?} for {what}")),
                Err(RecvTimeoutError::Disconnected) => self.fail(&format!("the app ended while waiting for {what}")),
            }
        }
        while let Ok((at, b)) = self.rx.recv_timeout(QUIET) {
            self.feed(at, &b, &mut got);
            chunks += 1;
        }
        let after = self.last.duration_since(t0);
        Seen {
            after,
            first: first.unwrap_or_default(),
            bytes: got.len(),
            chunks,
            draws: draws_in(&got),
        }
    }

    /// Writes `bytes` (one key, or a word as an input method commits it) and returns when.
    fn send(&mut self, bytes: &[u8]) -> Instant {
        self.drain();
        let t0 = Instant::now();
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
        t0
    }

    /// Waits until the wall clock is at least [`AFTER_SECOND_MS`] past a whole second and
    /// `budget` before the next, so that what follows does not meet the clock's frame.
    fn align(&mut self, budget: Duration) {
        let end = 1000u32.saturating_sub(u32::try_from(budget.as_millis()).unwrap_or(1000));
        let end = end.max(AFTER_SECOND_MS + 50);
        loop {
            let now = Local::now().timestamp_subsec_millis().min(999);
            if (AFTER_SECOND_MS..end).contains(&now) {
                return;
            }
            let wait = if now < AFTER_SECOND_MS {
                AFTER_SECOND_MS - now
            } else {
                1000 - now + AFTER_SECOND_MS
            };
            std::thread::sleep(Duration::from_millis(u64::from(wait)));
            self.drain();
        }
    }

    /// One measured key: aligned, sent, waited for.
    fn press(&mut self, bytes: &[u8], budget: Duration, what: &str, ok: &dyn Fn(&Screen) -> bool) -> Seen {
        self.align(budget);
        let second = Local::now().timestamp_subsec_millis();
        let t0 = self.send(bytes);
        let seen = self.wait(t0, what, ok);
        self.note_second(second, seen.after);
        seen
    }

    fn note_second(&mut self, sent_at_ms: u32, after: Duration) {
        let end = u128::from(sent_at_ms) + after.as_millis();
        if end >= 1000 {
            self.crossed_second += 1;
        }
    }

    /// A key whose time is not wanted: sent and waited for.
    fn key(&mut self, bytes: &[u8], what: &str, ok: &dyn Fn(&Screen) -> bool) {
        let t0 = self.send(bytes);
        self.wait(t0, what, ok);
    }

    /// The PIN and Enter; returns the Enter's time to the signed-in list frame.
    fn sign_in(&mut self) -> Seen {
        let t0 = self.send(PIN.as_bytes());
        let stars = format!("PIN：{}", "*".repeat(PIN.len()));
        self.wait(t0, "the PIN typed", &|s| s.contains(&stars));
        let seen = self.press(ENTER, Duration::from_millis(300), "the signed-in log list", &|s| {
            s.contains(&format!("值班员：{OPERATOR}")) && (s.contains("内容摘要") || s.contains("还没有值班记录"))
                || s.contains("恢复吗")
        });
        if self.screen_text().contains("恢复吗") {
            self.key(b"n", "the draft question gone", &|s| !s.contains("恢复吗"));
        }
        // The PIN check was written by the app's worker connection: at the next whole second
        // the app sees "another connection wrote" and reloads the list (see docs/perf-keys.md).
        // Let that pass before anything is measured.
        std::thread::sleep(Duration::from_millis(1300));
        self.drain();
        seen
    }

    fn screen_text(&self) -> String {
        Screen::of(self).rows.join("\n")
    }

    /// Asks to quit (Ctrl-C, then y) and waits for the process; kills it if it does not end.
    fn quit(mut self) {
        self.key(CTRL_C, "the quit question", &|s| s.contains("确定退出"));
        self.writer.write_all(b"y").expect("write y");
        self.writer.flush().expect("flush");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        eprintln!("zhiban did not quit within 10 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn fail(&mut self, why: &str) -> ! {
        let s = Screen::of(self);
        let framed: Vec<String> = s
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{i:>3}{}{r}", if s.reversed[i] { "#" } else { "|" }))
            .collect();
        let _ = self.child.kill();
        panic!(
            "{why}. The screen ({}x{}):\n{}",
            self.cols,
            self.rows,
            framed.join("\n")
        );
    }
}

impl Drop for Term {
    /// A bench that stops half way leaves no app behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The screen's text by row, and which rows are drawn reversed (a selected list row).
struct Screen {
    rows: Vec<String>,
    reversed: Vec<bool>,
}

impl Screen {
    fn of(t: &Term) -> Self {
        let s = t.screen();
        let (rows, cols) = (t.rows, t.cols);
        let text: Vec<String> = s.rows(0, cols).collect();
        // A selected row is drawn reversed across most of its width (a tab's label is not).
        let reversed = (0..rows)
            .map(|r| {
                let n = (0..cols)
                    .filter(|&c| s.cell(r, c).is_some_and(vt100::Cell::inverse))
                    .count();
                n * 2 > usize::from(cols)
            })
            .collect();
        Self { rows: text, reversed }
    }

    fn contains(&self, needle: &str) -> bool {
        self.rows.iter().any(|r| r.contains(needle))
    }

    /// What the query box (`查找：…`) holds, up to the border.
    fn query_box(&self) -> Option<String> {
        self.rows.iter().find_map(|r| {
            let rest = r.split_once("查找：")?.1;
            Some(rest.split('│').next().unwrap_or("").trim_end().to_string())
        })
    }

    fn box_is(&self, text: &str) -> bool {
        self.query_box().as_deref() == Some(text)
    }

    fn selected(&self) -> Option<(usize, &str)> {
        self.reversed
            .iter()
            .position(|&r| r)
            .map(|i| (i, self.rows[i].as_str()))
    }
}

// ---------------------------------------------------------------------------------------------
// Rows

struct Table {
    rows: Vec<Stats>,
    notes: Vec<String>,
}

impl Table {
    fn add(&mut self, name: &str, samples: &[Duration]) {
        if samples.is_empty() {
            println!("{name}: no samples");
            return;
        }
        let row = stats(name, samples.to_vec());
        // A lone outlier: say which sample it was (the first of a series reads a cold cache).
        if let Some((i, worst)) = samples.iter().enumerate().max_by_key(|(_, d)| **d)
            && *worst > row.median * 3
            && *worst > Duration::from_millis(20)
        {
            self.note(format!(
                "{name}: the slowest, {}, was sample {} of {}",
                ms(*worst),
                i + 1,
                samples.len()
            ));
        }
        self.rows.push(row);
    }

    fn note(&mut self, text: String) {
        println!("  note: {text}");
        self.notes.push(text);
    }

    fn draws(&mut self, what: &str, seen: &[Seen]) {
        if seen.is_empty() {
            return;
        }
        let mut d: Vec<usize> = seen.iter().map(|s| s.draws).collect();
        d.sort_unstable();
        let bytes: usize = seen.iter().map(|s| s.bytes).sum::<usize>() / seen.len();
        let chunks: usize = seen.iter().map(|s| s.chunks).sum::<usize>() / seen.len();
        let mut first: Vec<Duration> = seen.iter().map(|s| s.first).collect();
        first.sort_unstable();
        self.note(format!(
            "{what}: frames drawn per sample min {} / median {} / max {}; {} bytes in {} reads a sample on \
             average; first byte after median {}",
            d[0],
            d[d.len() / 2],
            d[d.len() - 1],
            bytes,
            chunks,
            ms(first[first.len() / 2])
        ));
    }
}

fn afters(seen: &[Seen]) -> Vec<Duration> {
    seen.iter().map(|s| s.after).collect()
}

/// The search tab's answer for `text` is drawn: the box holds it, no search is out, and there
/// are results, a "nothing found", or the line of a search cut by its budget.
fn search_answered(s: &Screen, text: &str) -> bool {
    s.box_is(text)
        && !s.contains("正在查找")
        && (s.contains("查询：") || s.contains("没有找到") || s.contains("查询较慢"))
}

/// What the search said, for the notes.
fn search_outcome(s: &Screen) -> String {
    if let Some(r) = s.rows.iter().find(|r| r.contains("查询较慢")) {
        let t = r.trim_matches(|c: char| c == '│' || c.is_whitespace());
        return t.split('：').next().unwrap_or(t).to_string();
    }
    if s.contains("没有找到") {
        return "没有找到".into();
    }
    s.rows
        .iter()
        .find_map(|r| {
            let rest = r.split_once("查询：")?.1;
            Some(format!("查询：{}", rest.split('（').next().unwrap_or(rest).trim()))
        })
        .unwrap_or_else(|| "?".into())
}

fn search_rows(sb: &Sandbox, o: &Options, table: &mut Table) {
    println!("\n== 查询 at 120x40 ==");
    let (mut t, _) = Term::start(sb, 120, 40);
    t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
    t.sign_in();
    let tab = (0..o.reps.min(10))
        .map(|_| {
            let seen = t.press(b"5", Duration::from_millis(200), "the 查询 tab", &|s| {
                s.box_is("") && s.contains("输入即查找")
            });
            t.key(ESC, "back to the log", &|s| s.contains("值班记录（按时间"));
            seen
        })
        .collect::<Vec<_>>();
    table.add("key 5: open the 查询 tab (empty box), 120x40", &afters(&tab));
    t.key(b"5", "the 查询 tab", &|s| s.box_is("") && s.contains("输入即查找"));
    let budget = Duration::from_millis(500);
    let words: Vec<&str> = RARE_WORDS.iter().chain(COMMON_WORDS.iter()).copied().collect();
    let mut last_key: Vec<Vec<Seen>> = vec![Vec::new(); words.len()];
    let mut at_once: Vec<Vec<Seen>> = vec![Vec::new(); words.len()];
    let mut each_key: Vec<Vec<Seen>> = vec![Vec::new(); KEY_BY_KEY.chars().count()];
    let mut outcomes: Vec<Vec<String>> = vec![Vec::new(); words.len()];
    let clear = |t: &mut Term| t.key(ESC, "the box cleared", &|s| s.box_is("") && s.contains("输入即查找"));
    for _ in 0..o.reps {
        for (w, word) in words.iter().enumerate() {
            // Key by key, each answered before the next.
            let mut typed = String::new();
            for (k, c) in word.chars().enumerate() {
                typed.push(c);
                let want = typed.clone();
                let mut buf = [0u8; 4];
                let seen = t.press(
                    c.encode_utf8(&mut buf).as_bytes(),
                    budget,
                    &format!("the answer for {want}"),
                    &|s| search_answered(s, &want),
                );
                if *word == KEY_BY_KEY {
                    each_key[k].push(seen);
                }
                if typed == *word {
                    last_key[w].push(seen);
                    outcomes[w].push(search_outcome(&Screen::of(&t)));
                }
            }
            clear(&mut t);
            // The whole word at once, as an input method commits it.
            let seen = t.press(
                word.as_bytes(),
                budget,
                &format!("the answer for {word} (at once)"),
                &|s| search_answered(s, word),
            );
            at_once[w].push(seen);
            clear(&mut t);
        }
    }
    for (w, word) in words.iter().enumerate() {
        let kind = if RARE_WORDS.contains(word) {
            "never together"
        } else {
            "common"
        };
        table.add(
            &format!("查询 {word} ({kind}): last key → answer frame, 120x40"),
            &afters(&last_key[w]),
        );
        let mut said = outcomes[w].clone();
        said.sort();
        said.dedup();
        table.note(format!("查询 {word}: the screen said {}", said.join(" / ")));
    }
    for (w, word) in words.iter().enumerate() {
        table.add(
            &format!("查询 {word}: the word committed at once (input method) → answer frame"),
            &afters(&at_once[w]),
        );
    }
    let mut typed = String::new();
    for (k, c) in KEY_BY_KEY.chars().enumerate() {
        typed.push(c);
        table.add(
            &format!("查询 {KEY_BY_KEY} key by key: '{c}' → answer for {typed}"),
            &afters(&each_key[k]),
        );
    }
    let all: Vec<Seen> = last_key.iter().chain(at_once.iter()).flatten().copied().collect();
    table.draws("查询 answers", &all);
    if t.crossed_second > 0 {
        table.note(format!(
            "查询: {} bursts ran into the next whole second",
            t.crossed_second
        ));
    }
    t.key(ESC, "back to the log", &|s| s.contains("值班记录（按时间"));
    t.quit();
}

/// The lookup box is open with `text` in it.
fn lookup_shows(s: &Screen, text: &str) -> bool {
    s.contains("登记来访：先查找是否来过") && s.box_is(text)
}

/// Types `bgs` into an open lookup box; returns each key's frame and the answer (from the
/// last key).
fn type_nobody(t: &mut Term) -> (Vec<Seen>, Seen) {
    // One alignment for the sequence: the keys come about 20 ms apart, well inside the app's
    // pause, and the answer 150 ms after the last.
    t.align(Duration::from_millis(600));
    let second = Local::now().timestamp_subsec_millis();
    let started = Instant::now();
    let mut keys = Vec::new();
    let mut typed = String::new();
    let mut last_t0 = started;
    for c in NOBODY.chars() {
        typed.push(c);
        let want = typed.clone();
        last_t0 = t.send(c.to_string().as_bytes());
        keys.push(t.wait(last_t0, &format!("{want} in the lookup box"), &|s| {
            lookup_shows(s, &want)
        }));
    }
    let answer = t.wait(last_t0, "the lookup's answer (没有找到)", &|s| {
        lookup_shows(s, NOBODY) && s.contains("没有找到")
    });
    t.note_second(second, last_t0.duration_since(started) + answer.after);
    (keys, answer)
}

fn open_lookup(t: &mut Term) {
    t.key(b"n", "the lookup box", &|s| lookup_shows(s, ""));
}

fn board_shown(s: &Screen) -> bool {
    s.contains("在楼人员") && !s.contains("登记来访：先查找是否来过")
}

fn lookup_rows(sb: &Sandbox, o: &Options, table: &mut Table) {
    println!("\n== 来访登记 lookup at 120x40 ==");
    let (mut t, _) = Term::start(sb, 120, 40);
    t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
    t.sign_in();
    let mut tab = Vec::new();
    for _ in 0..o.reps.min(10) {
        tab.push(t.press(b"2", Duration::from_millis(200), "the 来访登记 board", &board_shown));
        t.key(b"1", "back to the log", &|s| s.contains("值班记录（按时间"));
    }
    table.add("key 2: open the 来访登记 tab, 120x40", &afters(&tab));
    t.key(b"2", "the 来访登记 board", &board_shown);
    let mut keys = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..o.reps {
        open_lookup(&mut t);
        let (k, a) = type_nobody(&mut t);
        keys.extend(k);
        answers.push(a);
        t.key(ESC, "the board", &board_shown);
    }
    let pause = LOOKUP_PAUSE;
    table.add(
        &format!("来访 lookup: each key of '{NOBODY}' → its frame, 120x40"),
        &afters(&keys),
    );
    table.add(
        &format!(
            "来访 lookup: last key of '{NOBODY}' → answer (没有找到), incl. the app's {} ms pause",
            pause.as_millis()
        ),
        &afters(&answers),
    );
    let minus: Vec<Duration> = answers.iter().map(|a| a.after.saturating_sub(pause)).collect();
    table.add(
        &format!("来访 lookup: the same, minus the {} ms pause", pause.as_millis()),
        &minus,
    );
    table.draws("来访 lookup keys", &keys);
    table.draws("来访 lookup answers", &answers);
    if t.crossed_second > 0 {
        table.note(format!(
            "来访 lookup: {} bursts ran into the next whole second",
            t.crossed_second
        ));
    }
    t.key(b"1", "back to the log", &|s| s.contains("值班记录（按时间"));
    t.quit();

    let mut first = Vec::new();
    for _ in 0..o.first_lookups {
        let (mut t, _) = Term::start(sb, 120, 40);
        t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
        t.sign_in();
        t.key(b"2", "the 来访登记 board", &board_shown);
        open_lookup(&mut t);
        let (_, a) = type_nobody(&mut t);
        first.push(a);
        t.key(ESC, "the board", &board_shown);
        t.key(b"1", "back to the log", &|s| s.contains("值班记录（按时间"));
        t.quit();
    }
    table.add(
        &format!("来访 lookup: the FIRST after start (fresh process): last key of '{NOBODY}' → answer, incl. pause"),
        &afters(&first),
    );
    let minus: Vec<Duration> = first.iter().map(|a| a.after.saturating_sub(pause)).collect();
    table.add("来访 lookup: the first after start, minus the pause", &minus);
}

/// Drops the OS page cache: all of it if this container may, else the database's own pages
/// (`posix_fadvise(DONTNEED)` on the file and its WAL after an fsync). Returns how.
fn drop_cache(db: &Path) -> String {
    rustix::fs::sync();
    if std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok() {
        return "sync; echo 3 > /proc/sys/vm/drop_caches".into();
    }
    for suffix in ["", "-wal"] {
        let path = common::with_suffix(db, suffix);
        if let Ok(f) = std::fs::File::open(&path) {
            let _ = f.sync_all();
            rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed).expect("posix_fadvise DONTNEED");
        }
    }
    "/proc/sys/vm/drop_caches is not writable in this container (permission denied): \
     posix_fadvise(POSIX_FADV_DONTNEED) on the database and its WAL after an fsync"
        .into()
}

/// How much of `path` is in the page cache (`fincore`), if it can be told.
fn resident(path: &Path) -> String {
    std::process::Command::new("fincore")
        .args(["--bytes", "--noheadings", "--output", "RES"])
        .arg(path)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map(|b| format!("{b} bytes"))
        .unwrap_or_else(|| "unknown".into())
}

fn handover_rows(sb: &Sandbox, o: &Options, newest: Option<i64>, table: &mut Table) {
    println!("\n== 交接班 (key 4) at 120x40 ==");
    let shown = move |s: &Screen| {
        s.contains("交接班记录（最新在上）")
            && match newest {
                Some(id) => s.contains(&format!("第{id}号")),
                None => s.contains("还没有已签字的交接班记录"),
            }
    };
    let log = |s: &Screen| s.contains("值班记录（按时间") && !s.contains("交接班记录（最新在上）");
    let (mut t, _) = Term::start(sb, 120, 40);
    t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
    t.sign_in();
    let budget = Duration::from_millis(300);
    let (mut four, mut one) = (Vec::new(), Vec::new());
    for _ in 0..o.reps {
        four.push(t.press(b"4", budget, "the 交接班 history", &shown));
        one.push(t.press(b"1", budget, "the 值班记录 list", &log));
    }
    table.add("key 4: 交接班 tab, a page of handovers, warm, 120x40", &afters(&four));
    table.add("key 1: back to the 值班记录 list, 120x40", &afters(&one));
    table.draws("key 4 (warm)", &four);
    t.quit();

    let mut cold = Vec::new();
    let mut how = String::new();
    let mut after_drop = Vec::new();
    for _ in 0..o.cold {
        let (mut t, _) = Term::start(sb, 120, 40);
        t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
        t.sign_in();
        how = drop_cache(&sb.db);
        after_drop.push(resident(&sb.db));
        cold.push(t.press(b"4", Duration::from_millis(900), "the 交接班 history (cold)", &shown));
        t.quit();
    }
    if !cold.is_empty() {
        table.add(
            "key 4: 交接班 tab, cold (page cache dropped; fresh process each)",
            &afters(&cold),
        );
        table.note(format!("cold 交接班: {how}"));
        table.note(format!(
            "cold 交接班: the database in the page cache right after the drop: {}",
            after_drop.join(", ")
        ));
    }
}

/// The newest entries in the list's order (newest first), enough for the scrolling rows.
fn newest_entries(db: &Path, n: usize) -> Vec<EntrySummary> {
    let store = Store::open(db).expect("open the database");
    store
        .page(&PageRequest {
            anchor: Anchor::Newest,
            limit: n,
            select: None,
        })
        .expect("the newest entries")
}

/// The selected list row shows entry `e` (its time to the minute and the start of its unit or
/// person).
fn shows_entry(row: &str, e: &EntrySummary) -> bool {
    let who = if e.unit.is_empty() { &e.person } else { &e.unit };
    let prefix: String = who.chars().take(2).collect();
    row.contains(&e.occurred_at.format("%m-%d %H:%M").to_string()) && row.contains(&prefix)
}

/// Presses `key` `count` times in the log list of a fresh app at `cols`x`rows`; every press
/// must select the entry `step` further down.
fn scroll(
    sb: &Sandbox,
    entries: &[EntrySummary],
    (cols, rows): (u16, u16),
    key: &[u8],
    count: usize,
    paged: bool,
) -> (Vec<Seen>, usize, usize) {
    let (mut t, _) = Term::start(sb, cols, rows);
    t.wait(Instant::now(), "the sign-in screen", &|s| s.contains("输入本人 PIN"));
    t.sign_in();
    let first = Screen::of(&t);
    let (top, row) = first
        .selected()
        .unwrap_or_else(|| t.fail("no selected row in the log list"));
    assert!(
        shows_entry(row, &entries[0]),
        "the list starts at the newest entry: {row}"
    );
    // The viewport: how many of the newest entries are on screen from the selected row down.
    let vp = (0..entries.len())
        .take_while(|&i| first.rows.get(top + i).is_some_and(|r| shows_entry(r, &entries[i])))
        .count();
    let step = if paged { vp } else { 1 };
    let mut seen = Vec::new();
    let mut at = 0usize;
    for k in 0..count {
        let next = (at + step).min(entries.len() - 1);
        let e = &entries[next];
        // Text and highlight: a Down inside the page moves only the highlight.
        let before = Screen::of(&t);
        let what = format!("press {} to select entry {} ({})", k + 1, e.id, e.occurred_at);
        let one = t.press(key, Duration::from_millis(200), &what, &|s| {
            (s.rows != before.rows || s.reversed != before.reversed)
                && s.selected().is_some_and(|(_, r)| shows_entry(r, e))
        });
        if one.after > Duration::from_millis(300) && std::env::var_os("KEYS_DEBUG").is_some() {
            let now = Screen::of(&t);
            eprintln!(
                "SLOW {what}: {:?}, first byte {:?}\nBEFORE:\n{}\nNOW:\n{}\nFIRST:\n{}",
                one.after,
                one.first,
                before.rows.join("\n"),
                now.rows.join("\n"),
                t.first_screen
            );
        }
        seen.push(one);
        at = next;
    }
    let crossed = t.crossed_second;
    t.quit();
    (seen, vp, crossed)
}

fn scroll_rows(sb: &Sandbox, table: &mut Table) {
    println!("\n== scrolling the log list ==");
    let entries = newest_entries(&sb.db, 12_000);
    assert!(entries.len() > 100, "the file needs more than 100 entries to scroll");
    let (pd_wide, vp_wide, c1) = scroll(sb, &entries, (200, 50), PAGE_DOWN, 200, true);
    table.add(
        &format!("PageDown ×200 in the log list, 200x50 ({vp_wide} rows a page)"),
        &afters(&pd_wide),
    );
    let (pd_small, vp_small, c2) = scroll(sb, &entries, (80, 24), PAGE_DOWN, 200, true);
    table.add(
        &format!("PageDown ×200 in the log list, 80x24 ({vp_small} rows a page)"),
        &afters(&pd_small),
    );
    let (down, _, c3) = scroll(sb, &entries, (80, 24), DOWN, 500, false);
    table.add("Down ×500 in the log list, 80x24", &afters(&down));
    if c1 + c2 + c3 > 0 {
        table.note(format!(
            "scrolling: {} bursts ran into the next whole second",
            c1 + c2 + c3
        ));
    }
    table.draws("PageDown 200x50", &pd_wide);
    table.draws("Down 80x24", &down);
}

fn start_rows(sb: &Sandbox, o: &Options, table: &mut Table) {
    println!("\n== start ==");
    for (cols, rows) in [(120u16, 40u16), (200, 50), (80, 24)] {
        let mut first = Vec::new();
        let mut signed = Vec::new();
        for _ in 0..o.starts {
            // Away from the clock's frame, like the keys.
            let (mut t, started) = {
                let mut wait = Duration::ZERO;
                let now = Local::now().timestamp_subsec_millis();
                if !(AFTER_SECOND_MS..600).contains(&now) {
                    wait = Duration::from_millis(u64::from((1000 + AFTER_SECOND_MS - now) % 1000));
                }
                std::thread::sleep(wait);
                Term::start(sb, cols, rows)
            };
            first.push(t.wait(started, "the first frame (sign-in)", &|s| s.contains("输入本人 PIN")));
            signed.push(t.sign_in());
            t.quit();
        }
        table.add(
            &format!("start → first full frame (sign-in screen), fresh process, {cols}x{rows}"),
            &afters(&first),
        );
        table.add(
            &format!("sign-in: Enter after the PIN → first log list frame (Argon2 check), {cols}x{rows}"),
            &afters(&signed),
        );
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let o = Options::parse();
    assert!(
        o.db.is_file(),
        "no database at {}: copy the ten-year file there (cargo bench --bench duty -- --only=size makes \
         one), or pass --db PATH",
        o.db.display()
    );
    // The app runs in the sandbox's directory: give it the file's absolute path.
    let db = std::fs::canonicalize(&o.db).expect("the database's absolute path");
    let sb = Sandbox::new(&db);
    sb.check_config();
    // The operator needs a PIN (as tests/e2e.rs sets one); the newest handover's number.
    let newest_handover = {
        let mut store = Store::open(&sb.db).expect("open the database");
        match store.pin_hash(OPERATOR).expect("read the PIN") {
            Some(h) => assert!(
                zhiban::pin::verify(PIN, &h),
                "{OPERATOR} has a PIN in this file that is not the bench's"
            ),
            None => {
                let now: NaiveDateTime = Local::now().naive_local();
                store
                    .set_pin(OPERATOR, &zhiban::pin::hash(PIN).expect("hash"), now)
                    .expect("set the PIN");
                println!("set {OPERATOR}'s PIN on {}", sb.db.display());
            }
        }
        store.handovers(1).expect("the newest handover").first().map(|h| h.id)
    };
    let load_start = load_average();
    let started_at = Local::now();
    println!(
        "zhiban keys bench: binary {}, database {} ({} bytes), load average {load_start}",
        sb.bin.display(),
        sb.db.display(),
        std::fs::metadata(&sb.db).map(|m| m.len()).unwrap_or(0)
    );
    let mut table = Table {
        rows: Vec::new(),
        notes: Vec::new(),
    };
    if o.runs("start") {
        start_rows(&sb, &o, &mut table);
    }
    if o.runs("search") {
        search_rows(&sb, &o, &mut table);
    }
    if o.runs("lookup") {
        lookup_rows(&sb, &o, &mut table);
    }
    if o.runs("handover") {
        handover_rows(&sb, &o, newest_handover, &mut table);
    }
    if o.runs("scroll") {
        scroll_rows(&sb, &mut table);
    }
    let load_end = load_average();

    let mut md = String::new();
    md.push_str(&format!(
        "Key press to flushed frame, measured from outside (`benches/keys.rs`), {}\n\n",
        started_at.format("%Y-%m-%d %H:%M")
    ));
    md.push_str(&format!(
        "Database: `{}` ({} bytes). Binary: `{}`. Load average (1, 5, 15 min): {load_start} at the start, \
         {load_end} at the end.\n\n",
        sb.db.display(),
        std::fs::metadata(&sb.db).map(|m| m.len()).unwrap_or(0),
        sb.bin.display()
    ));
    md.push_str("| measurement | n | median | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
    for s in &table.rows {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            s.name,
            s.n,
            ms(s.median),
            ms(s.p95),
            ms(s.p99),
            ms(s.max)
        ));
    }
    if !table.notes.is_empty() {
        md.push('\n');
        for n in &table.notes {
            md.push_str(&format!("* {n}\n"));
        }
    }
    println!("\n{md}");
    let dir = bench_dir();
    let _ = std::fs::create_dir_all(&dir);
    let out = dir.join(format!("keys-{}.md", started_at.format("%Y%m%d-%H%M%S")));
    std::fs::write(&out, &md).expect("write the table");
    println!("written to {}", out.display());
}
