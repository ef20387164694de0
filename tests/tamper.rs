//! No laundering (issue 14, part 1): the store refuses to write over a row changed outside the
//! app, records the finding for good, and keeps the alarm ringing from memory; an approver's
//! acknowledgement re-bases the row and `verify` lists it as acknowledged. The attacks tried: an
//! outside edit followed by the app's routine escalation writes, rows' times shifted before a
//! restart's catch-up, a dropped guard trigger, a row slipped in with sqlite3.

mod common;

use common::{Harness, at};
use rusqlite::Connection;
use zhiban::store::Store;

fn add_event(h: &mut Harness, received: &str) -> i64 {
    common::add_major_event(h, received, "河堤决口")
}

fn outside(h: &Harness) -> Connection {
    Connection::open(h.store.path()).unwrap()
}

fn findings(conn: &Connection, table: &str) -> i64 {
    conn.query_row("SELECT count(*) FROM tamper_finding WHERE tbl = ?1", [table], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn an_outside_edit_is_never_laundered_by_the_next_escalation_step() {
    let mut h = Harness::new(100, 30, Some("张三"));
    common::enrol_leader(&mut h.store);
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    let conn = outside(&h);
    conn.execute("UPDATE urgent_event SET summary = '一切正常' WHERE id = ?1", [id])
        .unwrap();
    let rings = h.alerter.rings;
    // Nobody acknowledges: reminders and the climb to the duty leader would be written now.
    h.tick_to(at("2026-11-23 03:16:00"));
    let timeline: Vec<String> = h.store.timeline(id).unwrap().into_iter().map(|l| l.text).collect();
    assert!(
        !timeline.iter().any(|l| l.contains("升级至")),
        "no step is written over the tampered row: {timeline:?}"
    );
    assert!(h.alerter.rings > rings + 1, "the alarm keeps ringing from memory");
    let text = h.text();
    assert!(text.contains("完整性检查发现"), "a red warning stays:\n{text}");
    // The store said why, naming the row, and recorded it once despite a retry every reload.
    assert_eq!(findings(&conn, "urgent_event"), 1);
    let report = h.store.verify(true).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("urgent_event 第") && p.contains("待领导核实")),
        "{:?}",
        report.problems
    );
    // The row is still as the attacker left it: no write went over it.
    let summary: String = conn
        .query_row("SELECT summary FROM urgent_event WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(summary, "一切正常");

    // Nobody but a confirmed approver acknowledges.
    let finding: i64 = conn
        .query_row("SELECT id FROM tamper_finding WHERE tbl = 'urgent_event'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let t = at("2026-11-23 03:20:00");
    let err = h.store.acknowledge_finding(finding, "张三", "值班员", t).unwrap_err();
    assert!(err.to_string().contains("不是已确认的领导"), "{err}");
    h.store.acknowledge_finding(finding, "王五", "带班领导", t).unwrap();
    let report = h.store.verify(true).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(
        report
            .acknowledged
            .iter()
            .any(|a| a.contains("已由 王五 于 2026-11-23 03:20:00 确认")),
        "{:?}",
        report.acknowledged
    );
    // From the re-based row on, the steps are saved again.
    h.tick_to(at("2026-11-23 03:40:00"));
    let timeline: Vec<String> = h.store.timeline(id).unwrap().into_iter().map(|l| l.text).collect();
    assert!(timeline.iter().any(|l| l.contains("升级至")), "{timeline:?}");
    assert!(h.store.verify(true).unwrap().is_ok());
}

#[test]
fn times_shifted_while_the_app_was_closed_are_found_before_the_catch_up_writes() {
    let mut h = Harness::new(100, 30, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 01:00:00");
    h.tick_to(at("2026-11-23 01:01:00"));
    let timeline_before = h.store.timeline(id).unwrap().len();
    // Closed; someone moves the event's times later (its rung's start too, so the catch-up
    // would climb less) — the columns no trigger guards.
    let path = h.store.path().to_path_buf();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE urgent_event SET rung_since = '2026-11-23 02:59:00', occurred_at = '2026-11-23 02:00:00' WHERE id = ?1",
            [id],
        )
        .unwrap();
    let mut h = h.restart(at("2026-11-23 03:00:00"));
    let text = h.text();
    assert!(text.contains("完整性检查发现"), "{text}");
    assert_eq!(
        h.store.timeline(id).unwrap().len(),
        timeline_before,
        "the catch-up wrote nothing over the shifted row"
    );
    let conn = Connection::open(&path).unwrap();
    assert_eq!(findings(&conn, "urgent_event"), 1, "found at open, recorded once");
    assert!(h.alerter.rings >= 1, "the event still rings");
}

#[test]
fn a_dropped_guard_trigger_is_named_at_open() {
    let h = Harness::new(100, 30, Some("张三"));
    let path = h.store.path().to_path_buf();
    let Harness { dir: _dir, .. } = h;
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER handover_no_update;").unwrap();
    let store = Store::open(&path).unwrap();
    let report = store.verify(false).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("保护触发器 handover_no_update 缺失")),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_leader_acknowledges_a_finding_in_the_app_and_the_red_warning_goes() {
    let mut h = Harness::new(120, 30, Some("张三"));
    common::enrol_leader(&mut h.store);
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    outside(&h)
        .execute("UPDATE urgent_event SET summary = '一切正常' WHERE id = ?1", [id])
        .unwrap();
    let mut h = h.restart(at("2026-11-23 03:11:00"));
    assert!(h.text().contains("完整性检查发现"), "{}", h.text());
    let goto = zhiban::core::app::goto_items()
        .iter()
        .position(|i| i.label == "完整性发现")
        .unwrap();
    h.key(zhiban::core::keymap::Key::ch(':'));
    h.keys(zhiban::core::keymap::KeyCode::Down, goto);
    h.key(zhiban::core::keymap::Key::plain(zhiban::core::keymap::KeyCode::Enter));
    let text = h.text();
    assert!(
        text.contains("第 1 项  待领导确认  紧急事件 第 1 行（urgent_event）"),
        "{text}"
    );
    assert!(text.contains("在程序之外被改动过；"), "{text}");
    h.key(zhiban::core::keymap::Key::ch('c'));
    assert!(h.text().contains("确认第 1 项发现"), "{}", h.text());
    h.key(zhiban::core::keymap::Key::plain(zhiban::core::keymap::KeyCode::Tab));
    h.type_text("111111");
    h.key(zhiban::core::keymap::Key::ctrl('s'));
    assert!(
        h.text().contains("PIN 不对"),
        "a wrong PIN acknowledges nothing:\n{}",
        h.text()
    );
    h.type_text("135790");
    h.key(zhiban::core::keymap::Key::ctrl('s'));
    let text = h.text();
    assert!(text.contains("已确认第 1 项发现（王五 确认）"), "{text}");
    assert!(text.contains("已由 王五 于"), "{text}");
    assert!(!text.contains("完整性检查发现"), "the red warning is gone:\n{text}");
    assert!(h.store.verify(true).unwrap().is_ok());
}

#[test]
fn at_60x20_a_finding_is_read_whole() {
    let mut h = Harness::new(60, 20, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    outside(&h)
        .execute("UPDATE urgent_event SET summary = '一切正常' WHERE id = ?1", [id])
        .unwrap();
    let mut h = h.restart(at("2026-11-23 03:11:00"));
    let goto = zhiban::core::app::goto_items()
        .iter()
        .position(|i| i.label == "完整性发现")
        .unwrap();
    h.key(zhiban::core::keymap::Key::ch(':'));
    h.keys(zhiban::core::keymap::KeyCode::Down, goto);
    h.key(zhiban::core::keymap::Key::plain(zhiban::core::keymap::KeyCode::Enter));
    let text = h.text();
    let finding: String = text.lines().skip(3).take(5).collect::<Vec<_>>().join("");
    assert!(!finding.contains(".."), "nothing is cut:\n{text}");
    let joined: String = finding.split(['│', ' ']).collect();
    assert!(joined.contains("待领导确认紧急事件第1行（urgent_event）"), "{text}");
    assert!(joined.contains("在程序之外被改动过；"), "{text}");
    assert!(joined.contains("检查时发现"), "{text}");
}
