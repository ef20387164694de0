//! Two writers on one database: the duty room's terminal and the gate's (or a phone system's
//! script) write to the same file at the same time, and nothing is lost, nobody is told "busy",
//! and the running app shows what the other one wrote without a key press.
//!
//! - `two_processes_adding_200_entries_each_keep_every_row`: two real `zhiban log add` loops at
//!   once, 2 × 200 processes; every row is there with its content, no stderr at all.
//! - `three_store_handles_writing_at_once_keep_every_row`: three threads, each with its own
//!   `Store` (two log writers, one visit writer), writing at the same time; no write fails.
//! - `the_running_app_shows_another_process_s_entries_and_rings_for_its_urgent_event`: the real
//!   app in tmux while two `log add` loops write; the list shows the other processes' entries
//!   without a key, never a "busy"/failed message; `zhiban event add` from outside puts up the
//!   banner and rings (a BEL byte in what the app writes to its terminal).
//! - `a_night_of_calls_logged_elsewhere_keeps_the_newest_on_screen`: the library app with a phone
//!   system's hook logging a call every few minutes for a night, nobody at the keyboard: the
//!   newest entry is always on screen.

mod common;
mod tmux;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use serde_json::Value;
use tmux::{DEADLINE, Sandbox, find, wait_for_bytes};
use zhiban::core::log::{LogField, NewEntry, RawValues, build_entry};
use zhiban::core::visit::{VisitDraft, build_visit};
use zhiban::store::Store;

/// What a writer must never be told.
fn says_busy(stderr: &str) -> bool {
    let lower = stderr.to_lowercase();
    lower.contains("locked") || lower.contains("busy") || stderr.contains("占用")
}

/// Runs `n` `log add` processes one after the other, content `"{name}第{i}条"`; returns
/// (id, content) for each and fails on any error or any stderr.
fn add_entries(sandbox: &Sandbox, name: &str, n: usize, start: &Barrier) -> Vec<(i64, String)> {
    start.wait();
    (1..=n)
        .map(|i| {
            let content = format!("{name}第{i}条");
            let out = sandbox.run(&["log", "add", "--kind", "来电", "--unit", name, "--content", &content]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!says_busy(&stderr), "{name} was told the database is busy: {stderr}");
            assert!(
                out.status.success() && stderr.is_empty(),
                "{name} entry {i} failed ({}): {stderr}",
                out.status
            );
            let id = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .expect("log add prints the new id");
            (id, content)
        })
        .collect()
}

/// Every entry in the database, from `log list --json`: id -> content.
fn listed(sandbox: &Sandbox) -> HashMap<i64, String> {
    let out = sandbox.cli(&["log", "list", "--json", "--limit", "0"]);
    let rows: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("an id"),
                r["content"].as_str().expect("a content").to_string(),
            )
        })
        .collect()
}

/// Asserts that `written` (from several writers) is exactly what the database holds.
fn assert_all_kept(written: &[(i64, String)], stored: &HashMap<i64, String>) {
    let ids: HashSet<i64> = written.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), written.len(), "an id was handed out twice");
    for (id, content) in written {
        assert_eq!(stored.get(id), Some(content), "entry {id} lost or changed");
    }
    assert_eq!(stored.len(), written.len(), "rows nobody wrote");
}

#[test]
fn two_processes_adding_200_entries_each_keep_every_row() {
    const N: usize = 200;
    let sandbox = Arc::new(Sandbox::new());
    sandbox.cli(&["log", "list"]); // creates the database: the writers race on rows, not on setup
    let start = Arc::new(Barrier::new(2));
    let began = Instant::now();
    let writers: Vec<_> = ["甲终端", "乙终端"]
        .into_iter()
        .map(|name| {
            let (sandbox, start) = (Arc::clone(&sandbox), Arc::clone(&start));
            thread::spawn(move || add_entries(&sandbox, name, N, &start))
        })
        .collect();
    let written: Vec<(i64, String)> = writers
        .into_iter()
        .flat_map(|w| w.join().expect("a writer failed"))
        .collect();
    let took = began.elapsed();
    assert_eq!(written.len(), 2 * N);
    assert_all_kept(&written, &listed(&sandbox));
    eprintln!(
        "two processes: {} entries written by 2 × {N} concurrent `log add` processes in {:.1} s, all {} read back \
         with their content, 0 lost, 0 busy",
        written.len(),
        took.as_secs_f64(),
        written.len()
    );
}

fn entry(content: &str, now: NaiveDateTime) -> NewEntry {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "县公安局"),
        (LogField::Content, content),
    ]
    .into_iter()
    .map(|(f, v)| (f, v.to_string()))
    .collect();
    build_entry(&raw, "李四", now).expect("a valid entry")
}

#[test]
fn three_store_handles_writing_at_once_keep_every_row() {
    const N: i64 = 300;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    drop(Store::open(&path).unwrap());
    let t0 = NaiveDateTime::parse_from_str("2026-11-23 08:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let start = Arc::new(Barrier::new(3));
    let log_writers: Vec<_> = ["值班室", "门卫室"]
        .into_iter()
        .map(|name| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                start.wait();
                (0..N)
                    .map(|i| {
                        let content = format!("{name}第{i}条");
                        let (id, _) = store
                            .insert_entry(&entry(&content, t0 + Duration::seconds(i)))
                            .unwrap_or_else(|e| panic!("{name} entry {i}: {e}"));
                        (id, content)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let visit_writer = {
        let (path, start) = (path.clone(), Arc::clone(&start));
        thread::spawn(move || {
            let mut store = Store::open(&path).unwrap();
            start.wait();
            (0..N)
                .map(|i| {
                    let draft = VisitDraft {
                        name: "张三".into(),
                        id_type: "居民身份证".into(),
                        id_number: "11010519491231002X".into(),
                        purpose: format!("联系工作第{i}次"),
                        host: "办公室".into(),
                        ..VisitDraft::default()
                    };
                    let at = t0 + Duration::seconds(i);
                    let visit =
                        build_visit(&draft, "王五", at, at.date()).unwrap_or_else(|e| panic!("a valid visit: {e:?}"));
                    let id = store.add_visit(&visit).unwrap_or_else(|e| panic!("visit {i}: {e}"));
                    (id, visit.purpose)
                })
                .collect::<Vec<_>>()
        })
    };
    let written: Vec<(i64, String)> = log_writers
        .into_iter()
        .flat_map(|w| w.join().expect("a log writer failed"))
        .collect();
    let visits = visit_writer.join().expect("the visit writer failed");

    let store = Store::open(&path).unwrap();
    let stored: HashMap<i64, String> = store
        .entries_since(None, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|(id, e)| (id, e.content))
        .collect();
    assert_all_kept(&written, &stored);
    let stored_visits: HashMap<i64, String> = store
        .recent_visits(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.fields.purpose))
        .collect();
    assert_all_kept(&visits, &stored_visits);
    eprintln!(
        "three store handles: {} log entries and {} visits written at once, all read back, 0 failed",
        written.len(),
        visits.len()
    );
}

#[test]
fn the_running_app_shows_another_process_s_entries_and_rings_for_its_urgent_event() {
    const N: usize = 60;
    let sandbox = Arc::new(Sandbox::new());
    let output = sandbox.path("terminal-output.bin");
    let t = sandbox.start(80, 24, &[]);
    t.record_output(&output);
    t.pick_operator();
    t.see("还没有值班记录");

    // Two other processes write while the app re-reads every second.
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = ["甲终端", "乙终端"]
        .into_iter()
        .map(|name| {
            let (sandbox, start) = (Arc::clone(&sandbox), Arc::clone(&start));
            thread::spawn(move || add_entries(&sandbox, name, N, &start))
        })
        .collect();
    // Meanwhile the screen never says the database is busy or that reading failed.
    let mut frames = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        let snap = t.snapshot();
        assert!(
            !snap.contains("占用") && !snap.contains("失败"),
            "the app complained while others wrote:\n{}",
            snap.text()
        );
        frames += 1;
    }
    let written: Vec<(i64, String)> = writers
        .into_iter()
        .flat_map(|w| w.join().expect("a writer failed"))
        .collect();
    assert_all_kept(&written, &listed(&sandbox));

    // One more from outside, with a marker: it appears at the top of the list, no key pressed.
    let last = sandbox.cli(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "县应急局",
        "--content",
        "ZQX7 最后一条",
    ]);
    let last_id = String::from_utf8_lossy(&last.stdout).trim().to_string();
    let snap = t.wait_until("the other process's last entry on the list", DEADLINE, |s| {
        s.contains("值班记录（按时间") && s.row_with(&["县应急局", "ZQX7"]).is_some()
    });
    assert!(!snap.contains("占用") && !snap.contains("失败"), "{}", snap.text());
    // Everything the app wrote so far is recorded once the marker is: no bell yet.
    let before_event = wait_for_bytes(&output, b"ZQX7");
    assert!(!before_event.contains(&0x07), "the app rang before any urgent event");

    // An urgent event from a script: the banner goes up and the bell rings, no key pressed.
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    sandbox.cli(&[
        "event",
        "add",
        "--category",
        "事故灾难",
        "--level",
        "重大",
        "--occurred",
        &now,
        "--place",
        "高速公路K12",
        "--summary",
        "危化品运输车侧翻",
    ]);
    t.see("【紧急·未确认】按 F2 确认  第1号 重大 事故灾难 高速公路K12");
    let rung = wait_for_bytes(&output, b"\x07");
    let bell = find(&rung, b"\x07").unwrap();
    assert!(bell >= before_event.len(), "the bell rang before the event was added");
    t.send_keys(&["F2"]);
    t.see("【紧急·报送未完成】");
    t.quit();
    eprintln!(
        "running app: {} entries from 2 other processes (the last, id {last_id}, shown without a key), {frames} \
         screens checked while they wrote, none busy or failed; the script's urgent event shown and rung",
        written.len() + 1
    );
}

#[test]
fn a_night_of_calls_logged_elsewhere_keeps_the_newest_on_screen() {
    let mut h = common::Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "王建国", "本机记录的第一条");
    // The phone system's hook writes through its own connection, one call every 7 minutes from
    // 03:10 to 09:10; nobody touches the keyboard.
    let mut hook = Store::open(h.store.path()).unwrap();
    for i in 1..=50 {
        let t = h.clock + Duration::minutes(7);
        let content = format!("自动记录的来电第{i}次");
        hook.insert_entry(&entry(&content, t)).unwrap();
        h.tick_to(t);
        let text = h.text();
        assert!(
            text.contains(&content),
            "call {i} at {t}: the newest entry is not on screen:\n{text}"
        );
    }
}
