//! The store thread as the full-screen app drives it ([`zhiban::runtime::Live`]), without a real
//! terminal: every request goes to the store thread and its reply is routed back frames later.
//! Another terminal holding the write lock (a raw connection in `BEGIN IMMEDIATE`) stands for a
//! slow store. Nothing here waits on the clock: each wait is for a reply, with a generous limit,
//! and what must not have happened yet cannot while the lock is held.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

use common::now;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{App, Msg, OpId, Reply, Request};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::{Anchor, LogField, PageRequest, RawValues, build_entry};
use zhiban::runtime::Live;
use zhiban::runtime::notify::RecordingAlerter;
use zhiban::runtime::worker::Worker;
use zhiban::store::Store;
use zhiban::ui;

/// How long any wait for the store thread may take before the test fails (never reached when
/// things work: it is there so a broken build fails instead of hanging).
const LIMIT: Duration = Duration::from_secs(60);

fn new_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    drop(Store::open(&path).unwrap());
    (dir, path)
}

/// 张三 signed in at the fixed test time, the idle lock off.
fn app() -> App {
    let mut settings = parse(DEFAULT_TOML, None).unwrap().settings;
    settings.lock_minutes = 0;
    App::new(settings, Some("张三".into()), now())
}

/// Another terminal in the middle of a write: it holds the database's write lock until `COMMIT`.
fn hold_write_lock(path: &Path) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    other
}

fn entries_in_file(path: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut q = c.prepare("SELECT content FROM log_entry ORDER BY id").unwrap();
    q.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn drafts_in_file(path: &Path) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("SELECT count(*) FROM draft", [], |r| r.get(0)).unwrap()
}

/// Routes replies until nothing is out.
fn settle(live: &mut Live<'_>, app: &mut App) {
    while live.busy() {
        assert!(live.wait(app, now(), LIMIT), "no reply from the store thread");
    }
}

fn key(live: &mut Live<'_>, app: &mut App, k: Key) {
    live.dispatch(app, Msg::Key(k), now());
}

fn type_text(live: &mut Live<'_>, app: &mut App, s: &str) {
    for c in s.chars() {
        key(live, app, Key::ch(c));
    }
}

/// The new-entry form filled in as an officer does (it opens on 来电单位) and Ctrl-S.
fn save_call(live: &mut Live<'_>, app: &mut App, content: &str) {
    key(live, app, Key::ch('n'));
    type_text(live, app, "城关镇");
    key(live, app, Key::plain(KeyCode::Tab));
    type_text(live, app, "王科长");
    for _ in 0..2 {
        key(live, app, Key::plain(KeyCode::Tab));
    }
    type_text(live, app, content);
    key(live, app, Key::ctrl('s'));
}

/// The app drawn at 80×24, as lines of text (wide characters counted once).
fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| ui::render(app, f)).unwrap();
    let buf = terminal.backend().buffer();
    let mut rows = Vec::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += u16::try_from(sym.width().max(1)).unwrap();
        }
        rows.push(line);
    }
    rows.join("\n")
}

/// Starts the app on the store thread as the runtime does: the viewport, the start effects.
fn start<'a>(path: &Path, app: &mut App, alerter: &'a mut RecordingAlerter) -> Live<'a> {
    let mut live = Live::start(Store::open(path).unwrap(), alerter);
    assert!(live.threaded(), "the store thread started");
    live.dispatch(app, Msg::Viewport(ui::list_rows(24)), now());
    let effects = app.start();
    live.run(app, effects, now());
    live
}

#[test]
fn the_first_frame_says_what_is_being_read_not_that_there_is_nothing() {
    let (_dir, path) = new_db();
    let mut app = app();
    let mut alerter = RecordingAlerter::default();
    let mut live = start(&path, &mut app, &mut alerter);
    // Drawn before any reply is routed (the store thread may have answered: nothing is fed to
    // the app until the loop collects it).
    let first = screen(&app);
    assert!(first.contains("正在读取"), "{first}");
    assert!(first.contains("告警：读取中"), "{first}");
    assert!(
        !first.contains("还没有值班记录") && !first.contains("告警：无"),
        "{first}"
    );
    for (tab, reading, nothing) in [
        ('2', "正在读取", "楼内没有未离开的来访人员"),
        ('3', "正在读取紧急事件", "没有要显示的紧急事件"),
        ('4', "正在读取", "还没有已签字的交接班记录"),
    ] {
        key(&mut live, &mut app, Key::ch(tab));
        let shown = screen(&app);
        assert!(
            shown.contains(reading) && !shown.contains(nothing),
            "tab {tab}:\n{shown}"
        );
        settle(&mut live, &mut app);
        let answered = screen(&app);
        assert!(answered.contains(nothing), "tab {tab} once read:\n{answered}");
        key(&mut live, &mut app, Key::ch('1'));
    }
    settle(&mut live, &mut app);
    let read = screen(&app);
    assert!(read.contains("还没有值班记录") && read.contains("告警：无"), "{read}");
}

#[test]
fn a_save_waiting_for_another_terminal_s_lock_leaves_the_screen_working_then_commits() {
    let (_dir, path) = new_db();
    let mut app = app();
    let mut alerter = RecordingAlerter::default();
    let mut live = start(&path, &mut app, &mut alerter);
    settle(&mut live, &mut app);
    let other = hold_write_lock(&path);
    save_call(&mut live, &mut app, "河堤渗水");
    // The save is out and cannot commit while the lock is held; the screen goes on.
    let saving = screen(&app);
    assert!(saving.contains("正在保存"), "{saving}");
    assert!(live.busy());
    key(&mut live, &mut app, Key::plain(KeyCode::F(1)));
    let help = screen(&app);
    assert!(help.contains("帮助"), "keys are taken and drawn meanwhile:\n{help}");
    key(&mut live, &mut app, Key::plain(KeyCode::F(1)));
    // A second Ctrl-S saves nothing twice; Esc cannot give up a save already sent.
    key(&mut live, &mut app, Key::ctrl('s'));
    key(&mut live, &mut app, Key::plain(KeyCode::Esc));
    let refused = screen(&app);
    assert!(refused.contains("正在保存，请稍候"), "{refused}");
    assert!(refused.contains("河堤渗水"), "the form is still there: {refused}");
    live.dispatch(&mut app, Msg::Tick, now());
    assert!(live.busy(), "still waiting for the lock");
    assert!(
        entries_in_file(&path).is_empty(),
        "nothing committed while the lock is held"
    );
    // Released: the save commits, its reply comes, the screen says so.
    other.execute_batch("COMMIT").unwrap();
    settle(&mut live, &mut app);
    let saved = screen(&app);
    assert!(saved.contains("已保存：第 1 号记录"), "{saved}");
    assert!(!saved.contains("正在保存"), "{saved}");
    assert_eq!(entries_in_file(&path), ["河堤渗水"], "saved once");
}

#[test]
fn quitting_with_a_save_queued_behind_a_held_lock_still_commits_it() {
    let (_dir, path) = new_db();
    let mut app = app();
    let mut alerter = RecordingAlerter::default();
    let mut live = start(&path, &mut app, &mut alerter);
    settle(&mut live, &mut app);
    let other = hold_write_lock(&path);
    save_call(&mut live, &mut app, "堤坝管涌");
    key(&mut live, &mut app, Key::ctrl('c'));
    assert!(
        app.confirm
            .as_ref()
            .is_some_and(|q| q.text.contains("正在保存的内容会在退出前写完")),
        "{:?}",
        app.confirm
    );
    key(&mut live, &mut app, Key::ch('y'));
    assert!(app.quit);
    // The first wait runs out while the lock is held (the screen would still be up): nothing
    // is dropped, it is said to be left.
    let first = live.drain(&mut app, Duration::from_millis(300));
    assert!(!first.done() && first.left >= 1, "{first:?}");
    assert!(entries_in_file(&path).is_empty());
    other.execute_batch("COMMIT").unwrap();
    let rest = live.drain(&mut app, LIMIT);
    assert!(rest.done() && rest.failed.is_empty(), "{rest:?}");
    // Committed by the time the drain returns, and the draft kept in case it failed is gone.
    assert_eq!(entries_in_file(&path), ["堤坝管涌"]);
    assert_eq!(drafts_in_file(&path), 0);
}

#[test]
fn a_save_that_cannot_commit_before_the_app_ends_is_said_not_dropped() {
    let (_dir, path) = new_db();
    let mut app = app();
    let mut alerter = RecordingAlerter::default();
    let mut live = start(&path, &mut app, &mut alerter);
    settle(&mut live, &mut app);
    let other = hold_write_lock(&path);
    save_call(&mut live, &mut app, "山体滑坡");
    live.dispatch(&mut app, Msg::Terminate, now());
    // The lock outlasts the store's busy timeout (5 s): the save fails, and so does keeping the
    // drafts behind it; the drain reports both rather than ending as if all were written.
    let drained = live.drain(&mut app, LIMIT);
    drop(other);
    assert!(drained.done(), "{drained:?}");
    assert!(
        drained.failed.iter().any(|why| why.contains("另一个终端")),
        "{drained:?}"
    );
    assert!(entries_in_file(&path).is_empty());
}

/// An incoming call saved by 李四 at the test time.
fn call(content: &str) -> zhiban::core::log::NewEntry {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "张三"),
        (LogField::Content, content),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    build_entry(&raw, "李四", now()).unwrap()
}

#[test]
fn the_store_thread_keeps_the_order_sent_a_page_after_a_save_holds_the_saved_row() {
    let (_dir, path) = new_db();
    let other = hold_write_lock(&path);
    let mut w = Worker::start(Store::open(&path).unwrap()).unwrap_or_else(|_| panic!("no store thread"));
    let t = now();
    w.send(OpId(1), Request::SaveEntry(Box::new(call("水库泄洪")), None), t)
        .unwrap();
    let page = PageRequest {
        anchor: Anchor::Newest,
        limit: 50,
        select: None,
    };
    w.send(OpId(2), Request::LoadPage(page), t).unwrap();
    // The page needs no lock, but it waits behind the save: nothing is answered meanwhile.
    assert!(
        w.recv_until(Instant::now() + Duration::from_millis(300)).is_none(),
        "nothing answered while the save waits for the lock"
    );
    other.execute_batch("COMMIT").unwrap();
    let (op, saved) = w.recv_until(Instant::now() + LIMIT).unwrap();
    let Reply::EntrySaved { entry_id, .. } = saved else {
        panic!("{saved:?}")
    };
    assert_eq!(op, OpId(1));
    let (op, rows) = w.recv_until(Instant::now() + LIMIT).unwrap();
    assert_eq!(op, OpId(2));
    let Reply::Page(_, rows) = rows else { panic!("{rows:?}") };
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [entry_id]);
}
