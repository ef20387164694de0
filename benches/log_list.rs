//! Benchmark: the duty-log list at a million rows.
//!
//! `cargo bench --bench log_list [-- ROWS]` (default 1,000,000 rows). Generates, once, a database
//! of realistic duty-log entries over ten years (cached in `target/bench-data/log-<ROWS>.db`,
//! rebuilt if missing), then measures with `std::time::Instant` over many repetitions:
//!
//! * (a) cold-ish start: a fresh `Store::open` and the first page, and the whole path to the first
//!   frame; also the real binary (`zhiban log list --limit 50`) as a separate process;
//! * (b) keyset pages deep in the log;
//! * (c) key press to frame while scrolling (Down ×20,000, PageDown ×2,000) at 80x24 and 200x50,
//!   through the runtime's `dispatch` (page loads included) and a full render into `TestBackend`;
//! * (d) typing Chinese into the new-entry form (key to frame);
//! * (e) saving one entry (a committed transaction, `synchronous=FULL`), on a copy of the database;
//! * (f) the peak resident memory of this process (`VmHWM`) during the measurements.
//!
//! It prints each figure as it goes and a Markdown table at the end. Nothing here asserts on
//! time: the figures are for reading (docs/PERFORMANCE.md), not a pass/fail gate.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::{Connection, params};

use zhiban::core::app::{App, Msg};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::{EntryKey, EntryKind, LogField, NewEntry, Status, Triage};
use zhiban::core::log_screen::LogKey;
use zhiban::core::log_screen::{Anchor, PageRequest};
use zhiban::runtime::notify::RecordingAlerter;
use zhiban::runtime::{dispatch, run_effects};
use zhiban::store::Store;

const DEFAULT_ROWS: usize = 1_000_000;
/// First day of the generated log; it spans ten years from here.
const FIRST_DAY: (i32, u32, u32) = (2016, 1, 1);
const YEARS: i64 = 10;
/// The fixed "now" of every app in this benchmark: just after the last generated entry.
const NOW: &str = "2026-01-01 08:30:00";

// ---------------------------------------------------------------------------------------------
// Realistic text

fn phone(rng: &mut Rng) -> String {
    if rng.chance(65) {
        let second = rng.pick(&["3", "5", "7", "8", "9"]);
        format!("1{second}{:09}", rng.below(1_000_000_000))
    } else {
        let area = rng.pick(&["0371", "0871", "0379"]);
        format!("{area}-6{:07}", rng.below(10_000_000))
    }
}

/// One realistic entry at `occurred_at`; `recent` entries are more often still open.
fn gen_entry(rng: &mut Rng, occurred_at: NaiveDateTime, recent: bool) -> NewEntry {
    let kind = rng.weighted(&[
        (EntryKind::IncomingCall, 55),
        (EntryKind::OutgoingCall, 15),
        (EntryKind::Fax, 5),
        (EntryKind::Telegram, 1),
        (EntryKind::Letter, 8),
        (EntryKind::Event, 10),
        (EntryKind::Other, 6),
    ]);
    let triage = rng.weighted(&[
        (Triage::Routine, 70),
        (Triage::NextShift, 12),
        (Triage::AskLeader, 10),
        (Triage::Urgent, 8),
    ]);
    let status = if recent {
        rng.weighted(&[(Status::Pending, 40), (Status::InProgress, 30), (Status::Done, 30)])
    } else {
        rng.weighted(&[(Status::Pending, 2), (Status::InProgress, 5), (Status::Done, 93)])
    };
    let unit = rng.pick(UNITS).to_string();
    let who = if kind == EntryKind::IncomingCall && rng.chance(5) {
        rng.pick(&["群众", "未留姓名"]).to_string()
    } else {
        person(rng)
    };
    let text = content(rng, kind, &unit, &who, occurred_at);
    let minutes = |rng: &mut Rng, max: u64| chrono::Duration::minutes(i64::try_from(rng.below(max)).unwrap_or(0));
    let recorded_at = occurred_at + minutes(rng, 20);
    let (forwarded_to, forwarded_at) = if kind.is_document() && rng.chance(80) {
        (rng.pick(DEPARTMENTS).to_string(), Some(recorded_at + minutes(rng, 90)))
    } else {
        (String::new(), None)
    };
    let (result, closed_at) = if status == Status::Done {
        (rng.pick(RESULTS).to_string(), Some(recorded_at + minutes(rng, 60 * 48)))
    } else {
        (String::new(), None)
    };
    let officer = rng.pick(OFFICERS).to_string();
    NewEntry {
        abroad: false,
        withheld: None,
        kind,
        category: rng.pick(CATEGORIES).to_string(),
        occurred_at,
        unit,
        person: who,
        phone: if rng.chance(85) { phone(rng) } else { String::new() },
        receiver: officer.clone(),
        content: text,
        reported_elsewhere: if rng.chance(25) {
            format!("已报{}", rng.pick(DEPARTMENTS))
        } else {
            String::new()
        },
        read_back: (kind == EntryKind::OutgoingCall).then(|| rng.chance(95)),
        forwarded_to,
        forwarded_at,
        triage,
        status,
        proposal: if triage == Triage::AskLeader {
            format!("拟请{}阅示", rng.pick(LEADERS))
        } else {
            String::new()
        },
        result,
        handler: if status == Status::Pending {
            String::new()
        } else {
            person(rng)
        },
        closed_at,
        recorded_by: officer,
        recorded_at,
    }
}

// ---------------------------------------------------------------------------------------------
// The database

/// Whether `path` holds a finished generation of `rows` entries.
fn is_complete(path: &Path, rows: usize) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(conn) = Connection::open(path) else { return false };
    let count: rusqlite::Result<(i64, i64)> =
        conn.query_row("SELECT count(*), coalesce(max(id), 0) FROM log_entry", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
    let n = i64::try_from(rows).unwrap_or(i64::MAX);
    matches!(count, Ok((c, m)) if c == n && m == n)
}

/// Generates `rows` entries in time order over ten years into a new file at `path`.
///
/// The schema comes from the real `Store::open` (migrations, triggers, WAL). The rows do not go
/// through `Store::insert_entry`: that is one committed `synchronous=FULL` transaction per entry,
/// each waiting for an fsync — right for an officer saving one entry, far too slow for seeding a
/// million (≈0.15 ms each on this VM's cache-backed disk is minutes; at the few milliseconds an
/// fsync takes on an ordinary disk it is hours), against seconds for one transaction. So one
/// rusqlite connection inserts every row in a single transaction, with the exact column list of
/// migrations/0001_init.sql (`id` is the rowid, assigned 1..=rows in time order, as the app would
/// have assigned it).
fn generate(path: &Path, rows: usize) -> (Duration, u64) {
    let started = Instant::now();
    let tmp = path.with_extension("db.tmp");
    remove_db(&tmp);
    drop(Store::open(&tmp).expect("create the schema with Store::open"));

    let mut conn = Connection::open(&tmp).expect("open for bulk load");
    // Generation needs no durability: a crash means regenerating. WAL stays (as the app set it).
    conn.pragma_update(None, "synchronous", "OFF").expect("pragma");
    conn.pragma_update(None, "cache_size", -65_536).expect("pragma");
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("first day");
    let span_secs = YEARS * 36_525 * 864; // ten years of 365.25 days
    let mean_gap = (span_secs / i64::try_from(rows.max(1)).unwrap_or(1)).max(1);
    let recent_from = rows.saturating_sub(rows / 200); // the newest 0.5 % are still being worked
    let mut rng = Rng::new(0x5EED_2016_0101);
    let mut t = first;
    let tx = conn.transaction().expect("begin");
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO log_entry (kind, category, occurred_at, unit, person, phone, receiver, content, \
                 reported_elsewhere, read_back, forwarded_to, forwarded_at, triage, status, proposal, result, \
                 handler, closed_at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )
            .expect("prepare insert");
        for i in 0..rows {
            // Gaps uniform in 0..2×mean: in time order, ties in the same second allowed.
            let gap = i64::try_from(rng.below(u64::try_from(2 * mean_gap).unwrap_or(1))).unwrap_or(0);
            t += chrono::Duration::seconds(gap);
            let e = gen_entry(&mut rng, t, i >= recent_from);
            stmt.execute(params![
                e.kind.label(),
                e.category,
                sql_time(e.occurred_at),
                e.unit,
                e.person,
                e.phone,
                e.receiver,
                e.content,
                e.reported_elsewhere,
                e.read_back,
                e.forwarded_to,
                e.forwarded_at.map(sql_time),
                e.triage.label(),
                e.status.label(),
                e.proposal,
                e.result,
                e.handler,
                e.closed_at.map(sql_time),
                e.recorded_by,
                sql_time(e.recorded_at),
            ])
            .expect("insert");
            if (i + 1) % 100_000 == 0 {
                eprintln!("  … {} rows", i + 1);
            }
        }
    }
    tx.commit().expect("commit");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    conn.close().map_err(|(_, e)| e).expect("close");
    remove_db(path);
    std::fs::rename(&tmp, path).expect("rename the finished file");
    remove_db(&tmp);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    (started.elapsed(), size)
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// A terminal of `cols`×`rows` and an app on the list, as the runtime starts it.
struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
    alerter: RecordingAlerter,
}

impl Screen {
    fn new(store: &mut Store, cols: u16, rows: u16) -> Self {
        let now = at(NOW);
        let mut app = App::new(settings(), Some("张三".into()), now);
        let mut alerter = RecordingAlerter::default();
        let viewport = zhiban::ui::list_rows_for(&app, rows);
        dispatch(&mut app, store, &mut alerter, Msg::Viewport(viewport), now);
        let start = app.start();
        run_effects(&mut app, store, &mut alerter, start, now);
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
        terminal.draw(|f| zhiban::ui::render(&app, f)).expect("draw");
        Self { app, terminal, alerter }
    }

    /// One key press: dispatch (page loads included) and a full frame.
    fn press(&mut self, store: &mut Store, key: Key) {
        dispatch(&mut self.app, store, &mut self.alerter, Msg::Key(key), at(NOW));
        self.terminal.draw(|f| zhiban::ui::render(&self.app, f)).expect("draw");
    }
}

fn window(app: &App) -> (Option<EntryKey>, Option<EntryKey>) {
    let rows = &app.screens.log.list.rows;
    (rows.first().map(|r| r.key()), rows.last().map(|r| r.key()))
}

/// Presses `key` `times` times, timing each press to frame; also reports the presses that loaded
/// a page and where the selection ended.
fn scroll(store: &mut Store, total: usize, size: (u16, u16), key: KeyCode, times: usize, label: &str) -> Stats {
    let (cols, rows) = size;
    let mut screen = Screen::new(store, cols, rows);
    let mut samples = Vec::with_capacity(times);
    let mut loading = Vec::new();
    for _ in 0..times {
        let before = window(&screen.app);
        let (d, ()) = time(|| screen.press(store, Key::plain(key)));
        samples.push(d);
        if window(&screen.app) != before {
            loading.push(d);
        }
    }
    let s = stats(&format!("(c) {label} at {cols}x{rows}"), samples);
    let list = &screen.app.screens.log.list;
    let selected = list.selected_row().map_or(0, |r| r.id);
    // Ids were assigned in time order, so n rows down from the newest is entry `newest - n`.
    let step = if key == KeyCode::PageDown { list.viewport } else { 1 };
    let expected = i64::try_from(total.saturating_sub(times * step).max(1)).unwrap_or(0);
    loading.sort_unstable();
    println!(
        "      viewport {} rows, window {} rows; {} presses loaded a page (median {}, max {}); \
         ended on entry {selected} (expected {expected})",
        list.viewport,
        list.rows.len(),
        loading.len(),
        loading.get(loading.len() / 2).map_or_else(|| "-".into(), |d| ms(*d)),
        loading.last().map_or_else(|| "-".into(), |d| ms(*d)),
    );
    s
}

fn page(store: &Store, anchor: Anchor) -> Vec<zhiban::core::log::EntrySummary> {
    store
        .page(&PageRequest {
            anchor,
            limit: 50,
            select: None,
        })
        .expect("page")
}

fn key_of(store: &Store, id: i64) -> EntryKey {
    let e = store.entry(id).expect("entry");
    EntryKey {
        occurred_at: e.fields.occurred_at,
        id,
    }
}

/// Prints the process's peak and current resident memory after a phase.
fn memory(after: &str) {
    let kb = |field| status_kb(field).map_or_else(|| "?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "      memory after {after}: peak {}, now {}",
        kb("VmHWM:"),
        kb("VmRSS:")
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the first plain argument is the row count.
    let rows: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(DEFAULT_ROWS, |a| a.replace('_', "").parse().expect("row count"));
    assert!(rows >= 1_000, "use at least 1,000 rows");
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("bench-data directory");
    let path = dir.join(format!("log-{rows}.db"));

    println!("# log_list benchmark: {rows} duty-log entries");
    if is_complete(&path, rows) {
        println!("data: {} (cached; delete it to regenerate)", path.display());
    } else {
        println!("data: generating {} …", path.display());
        let (took, size) = generate(&path, rows);
        println!(
            "generated {rows} entries in {:.1} s ({:.0} rows/s); file {} bytes ({:.0} MiB)",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64(),
            size,
            size as f64 / 1_048_576.0
        );
        // Measure in a fresh process: memory the generator freed is not all returned to the
        // system and would otherwise count in the peak RSS of (f).
        println!("measuring in a fresh process …");
        let status = Command::new(std::env::current_exe().expect("own path"))
            .args(std::env::args_os().skip(1))
            .status()
            .expect("re-run for the measurements");
        std::process::exit(status.code().unwrap_or(1));
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("file size: {size} bytes ({:.0} MiB)", size as f64 / 1_048_576.0);
    memory("start of measurements");

    let mut table = Vec::new();

    // (a) Cold-ish start. The OS page cache is warm (dropping it needs privileges this machine
    // does not give); SQLite's own cache, the schema and the migration check start from nothing.
    let mut samples = Vec::new();
    for _ in 0..300 {
        let (d, store) = time(|| {
            let store = Store::open(&path).expect("open");
            let first = page(&store, Anchor::Newest);
            assert_eq!(first.len(), 50);
            store
        });
        samples.push(d);
        drop(store);
    }
    table.push(stats("(a) Store::open + first page (Newest, 50)", samples));

    let mut samples = Vec::new();
    for _ in 0..300 {
        let (d, screen) = time(|| {
            let mut store = Store::open(&path).expect("open");
            // Screen::new parses the config, starts the app (events and the first page) and draws.
            let screen = Screen::new(&mut store, 80, 24);
            (screen, store)
        });
        samples.push(d);
        assert!(screen.0.app.screens.log.list.loaded);
        drop(screen);
    }
    table.push(stats("(a) open → config, app, first page, first frame 80x24", samples));

    // The real binary, as a separate process: exec, config, open, 50 newest, printed.
    let samples = time_log_list_process(&dir, &path, 100);
    table.push(stats("(a) process: `zhiban log list --limit 50`", samples));
    memory("(a)");

    // (b) Keyset pages deep in the log.
    let mut store = Store::open(&path).expect("open");
    let n = i64::try_from(rows).expect("rows");
    let middle = key_of(&store, n / 2);
    let oldest_end = key_of(&store, 120);
    let reps = 2_000;
    let run = |name: &str, anchor: Anchor| {
        let samples = (0..reps).map(|_| time(|| page(&store, anchor)).0).collect();
        stats(name, samples)
    };
    table.push(run("(b) Before(middle key), 50 rows", Anchor::Before(middle)));
    table.push(run("(b) After(middle key), 50 rows", Anchor::After(middle)));
    table.push(run(
        "(b) Before(key of entry 120, oldest end), 50 rows",
        Anchor::Before(oldest_end),
    ));
    table.push(run("(b) Oldest (End key), 50 rows", Anchor::Oldest));
    // Successive older pages from the middle, as scrolling does: each reads new index pages.
    let mut key = middle;
    let mut samples = Vec::new();
    let walk = reps.min(rows / 2 / 50 - 1);
    for _ in 0..walk {
        let (d, rows) = time(|| page(&store, Anchor::Before(key)));
        key = rows.last().map_or(key, |r| r.key());
        samples.push(d);
    }
    table.push(stats(
        &format!("(b) {walk} successive older pages from the middle"),
        samples,
    ));
    // Jumps to random places across ten years (the page cache is cold for most of them).
    let mut rng = Rng::new(7);
    let keys: Vec<EntryKey> = (0..reps)
        .map(|_| {
            key_of(
                &store,
                100 + i64::try_from(rng.below(u64::try_from(n - 100).unwrap_or(1))).unwrap_or(0),
            )
        })
        .collect();
    let samples = keys
        .iter()
        .map(|k| time(|| page(&store, Anchor::Before(*k))).0)
        .collect();
    table.push(stats("(b) Before(random key), 50 rows", samples));
    print_plans(&path, middle);
    memory("(b)");

    // (c) Key press to frame while scrolling.
    for (cols, rows_) in [(80, 24), (200, 50)] {
        let size = (cols, rows_);
        table.push(scroll(&mut store, rows, size, KeyCode::Down, 20_000, "Down ×20,000"));
        memory(&format!("(c) Down at {cols}x{rows_}"));
        table.push(scroll(
            &mut store,
            rows,
            size,
            KeyCode::PageDown,
            2_000,
            "PageDown ×2,000",
        ));
    }

    // (d) Typing Chinese into the new-entry form.
    table.extend(typing(&mut store));
    memory("(d)");
    drop(store);

    // (e) Saving one entry, committed. On a copy, so the cached data stays exactly `rows` entries.
    table.push(saves(&path, &dir, rows));
    memory("(e)");

    // (f) Peak memory.
    let hwm = status_kb("VmHWM:").unwrap_or(0);
    let rss = status_kb("VmRSS:").unwrap_or(0);
    println!(
        "(f) peak RSS (VmHWM) of the measuring process: {hwm} kB ({:.1} MiB); RSS now {rss} kB",
        hwm as f64 / 1024.0
    );

    println!();
    println!("| measurement ({rows} entries) | n | median | p95 | p99 | max |");
    println!("|---|---:|---:|---:|---:|---:|");
    for s in &table {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            s.name,
            s.n,
            ms(s.median),
            ms(s.p95),
            ms(s.p99),
            ms(s.max)
        );
    }
    println!("| (f) peak RSS (VmHWM) | | {:.1} MiB | | | |", hwm as f64 / 1024.0);
    println!(
        "| database file | | {:.0} MiB ({size} bytes) | | | |",
        size as f64 / 1_048_576.0
    );
}

/// Prints SQLite's plan for the page queries (the same SQL `Store::page` builds).
fn print_plans(path: &Path, key: EntryKey) {
    let conn = Connection::open(path).expect("open for plans");
    let cols = "id, occurred_at, kind, unit, person, content, triage, status";
    for (what, cond, order) in [
        ("Newest", "", "DESC"),
        ("Before", "WHERE (occurred_at, id) < (?2, ?3)", "DESC"),
        ("After", "WHERE (occurred_at, id) > (?2, ?3)", "ASC"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT {cols} FROM log_entry {cond} ORDER BY occurred_at {order}, id {order} LIMIT ?1"
        );
        let mut stmt = conn.prepare(&sql).expect("plan");
        let mut args: Vec<rusqlite::types::Value> = vec![50.into()];
        if !cond.is_empty() {
            args.extend([sql_time(key.occurred_at).into(), key.id.into()]);
        }
        let detail: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan rows");
        println!("      plan {what}: {}", detail.join("; "));
    }
}

/// (d): `n`, Tab to 内容, then '张' key to frame. The field is cleared (untimed) every 500
/// characters so the figure is for a realistic report length; a second figure types the last
/// 100 characters up to the field's 4,000-character cap.
fn typing(store: &mut Store) -> Vec<Stats> {
    let mut screen = Screen::new(store, 80, 24);
    screen.press(store, Key::ch('n'));
    let focused = |app: &App| {
        app.screens
            .log
            .form
            .as_ref()
            .and_then(|f| f.form.focused())
            .map(|f| f.key)
    };
    for _ in 0..20 {
        if focused(&screen.app) == Some(LogKey::Log(LogField::Content)) {
            break;
        }
        screen.press(store, Key::plain(KeyCode::Tab));
    }
    assert_eq!(focused(&screen.app), Some(LogKey::Log(LogField::Content)));
    let content = |app: &App| {
        app.screens
            .log
            .form
            .as_ref()
            .map(|f| f.form.value(LogKey::Log(LogField::Content)))
            .unwrap_or_default()
    };
    let mut samples = Vec::with_capacity(5_000);
    for i in 0..5_000 {
        if i % 500 == 0 {
            screen.press(store, Key::ctrl('u'));
            assert!(content(&screen.app).is_empty(), "Ctrl-U clears the field");
        }
        samples.push(time(|| screen.press(store, Key::ch('张'))).0);
    }
    let first = stats("(d) type '张' → frame, 80x24 (内容 0–500 chars)", samples);

    screen.press(store, Key::ctrl('u'));
    dispatch(
        &mut screen.app,
        store,
        &mut screen.alerter,
        Msg::Paste("张".repeat(3_900)),
        at(NOW),
    );
    let samples = (0..100)
        .map(|_| time(|| screen.press(store, Key::ch('张'))).0)
        .collect();
    let last = stats("(d) type '张' → frame, 80x24 (内容 3,900–4,000 chars)", samples);
    assert_eq!(content(&screen.app).chars().count(), 4_000);
    vec![first, last]
}

/// (e): 500 × `Store::insert_entry` of a realistic entry on a copy of the database.
fn saves(path: &Path, dir: &Path, rows: usize) -> Stats {
    let copy = dir.join(format!("log-{rows}-save.db"));
    remove_db(&copy);
    std::fs::copy(path, &copy).expect("copy the database");
    // Flush the copy now: otherwise the first checkpoint's fsync would write out all of it.
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .expect("sync the copy");
    let mut store = Store::open(&copy).expect("open the copy");
    let mut rng = Rng::new(99);
    let mut t = at(NOW);
    let mut samples = Vec::with_capacity(500);
    for _ in 0..500 {
        t += chrono::Duration::seconds(30);
        let e = gen_entry(&mut rng, t, true);
        let (d, saved) = time(|| store.insert_entry(&e));
        saved.expect("insert_entry");
        samples.push(d);
    }
    drop(store);
    remove_db(&copy);
    stats("(e) Store::insert_entry, committed (synchronous=FULL)", samples)
}
