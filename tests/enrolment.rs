//! Urgent enrolment and confirmations (issue 13, part 2): when no approver is at hand, the
//! outgoing officer enrols a newcomer with their own PIN; the enrolment works at once and is
//! flagged on every screen until an approver confirms it on 人员与 PIN, where an approver also
//! confirms a leader role written into the config. The attacks tried: confirming oneself,
//! confirming as an ordinary officer, a self-promoted leader confirming, rewriting or deleting a
//! confirmation, and inserting one with sqlite3.

mod common;

use common::{Harness, at};
use rusqlite::Connection;
use zhiban::core::app::goto_items;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::screens::ScreenId;
use zhiban::store::Store;

const ZHANG: &str = "246813"; // 张三, 值班员
const WANG: &str = common::LEADER_PIN; // 王五, 带班领导
const NEW: &str = "802461"; // the newcomer's PIN

fn hash(pin: &str) -> String {
    zhiban::pin::hash(pin).unwrap()
}

/// 王五 (the duty leader, enrolled while enrolment was open: a confirmed approver) and 张三 (an
/// officer 王五 enrolled).
fn staffed(store: &mut Store) {
    let t = at("2026-11-20 09:00:00");
    common::enrol_leader(store);
    store.enrol_pin("张三", &hash(ZHANG), "王五", None, false, t).unwrap();
}

fn people() -> Vec<(String, Option<String>)> {
    vec![
        ("张三".into(), None),
        ("李四".into(), None),
        ("王五".into(), Some("带班领导".into())),
        ("赵六".into(), Some("办公室主任".into())),
    ]
}

fn status(store: &Store, name: &str) -> zhiban::core::pin_policy::PinStatus {
    store
        .pin_statuses(&people())
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
}

#[test]
fn an_urgent_enrolment_is_flagged_until_another_confirmed_approver_confirms_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut s = Store::open(&path).unwrap();
    staffed(&mut s);
    let t = at("2026-11-23 03:00:00");
    // 张三, outgoing, enrols 李四 urgently; 赵六 (办公室主任 in the config) too.
    s.enrol_pin("李四", &hash(NEW), "张三", None, true, t).unwrap();
    s.enrol_pin("赵六", &hash(NEW), "张三", Some("办公室主任"), true, t)
        .unwrap();
    let li = status(&s, "李四");
    assert!(li.flagged(), "{li:?}");
    assert_eq!(li.enrolment.as_ref().unwrap().by, "张三");
    // An urgent enrolment confirms no role: 赵六 is no approver yet.
    let candidates = [("赵六".to_string(), "办公室主任".to_string())];
    assert!(s.confirmed_approvers(&candidates).unwrap().is_empty());

    // Attacks: the officer who enrolled, the person themselves, and a self-promoted leader.
    let refused = |r: zhiban::store::Result<()>| r.unwrap_err().to_string();
    assert!(refused(s.confirm_enrolment("李四", "张三", "值班员", t)).contains("不是已确认的领导"));
    assert!(refused(s.confirm_enrolment("李四", "张三", "办公室主任", t)).contains("不是已确认的领导"));
    assert!(refused(s.confirm_enrolment("李四", "李四", "带班领导", t)).contains("不能确认自己"));
    assert!(refused(s.confirm_approver("赵六", "办公室主任", "赵六", "办公室主任", t)).contains("不能确认自己"));
    assert!(status(&s, "李四").flagged());

    // 王五 confirms both.
    s.confirm_enrolment("李四", "王五", "带班领导", t).unwrap();
    let li = status(&s, "李四");
    assert!(!li.flagged());
    assert_eq!(
        li.enrolment.unwrap().confirmed.map(|(who, _)| who).as_deref(),
        Some("王五")
    );
    assert!(refused(s.confirm_enrolment("李四", "王五", "带班领导", t)).contains("没有待确认"));
    s.confirm_approver("赵六", "办公室主任", "王五", "带班领导", t).unwrap();
    assert_eq!(s.confirmed_approvers(&candidates).unwrap(), ["赵六"]);
    assert!(refused(s.confirm_approver("赵六", "办公室主任", "王五", "带班领导", t)).contains("已经确认过"));
    // A person without a PIN has no role to confirm yet (their enrolment confirms it).
    assert!(refused(s.confirm_approver("无名", "办公室主任", "王五", "带班领导", t)).contains("还没有 PIN"));

    // Confirmations are facts: not changed, not removed; one slipped in outside the app is seen.
    let conn = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE enrolment_confirmation SET confirmed_by = '张三'",
        "DELETE FROM enrolment_confirmation",
        "UPDATE urgent_enrolment SET enrolled_by = '王五'",
        "DELETE FROM urgent_enrolment",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql} was allowed");
    }
    assert!(s.verify(true).unwrap().is_ok());
    s.enrol_pin("张七", &hash(NEW), "张三", None, true, t).unwrap();
    conn.execute(
        "INSERT INTO enrolment_confirmation (enrolment_id, confirmed_by, at) \
         SELECT max(id), '王五', '2026-11-23 03:00:00' FROM pin_enrolment",
        [],
    )
    .unwrap();
    let report = s.verify(true).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("enrolment_confirmation") && p.contains("程序之外")),
        "{report:?}"
    );
}

/// Opens 人员与 PIN from the go-to list.
fn open_people(h: &mut Harness) {
    let at = goto_items()
        .iter()
        .position(|i| i.label == ScreenId::People.label())
        .unwrap();
    h.key(Key::ch(':'));
    h.keys(KeyCode::Down, at);
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("人员与 PIN"), "{}", h.text());
}

#[test]
fn on_the_people_screen_the_outgoing_officer_enrols_urgently_and_a_leader_confirms() {
    let mut h = Harness::new(100, 30, Some("张三"));
    staffed(&mut h.store);
    open_people(&mut h);
    assert!(h.text().contains("未登记 PIN"), "{}", h.text());
    // 李四, the second row, has no PIN; 张三 is no approver, so his enrolment is urgent.
    h.key(Key::plain(KeyCode::Down));
    h.key(Key::ch('e'));
    let text = h.text();
    assert!(text.contains("登记 李四 的 PIN"), "{text}");
    assert!(text.contains("张三（紧急登记，须领导确认）"), "{text}");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text(ZHANG);
    h.key(Key::plain(KeyCode::Tab));
    h.type_text(NEW);
    h.key(Key::plain(KeyCode::Tab));
    h.type_text(NEW);
    assert!(!h.text().contains(NEW), "a PIN is never drawn");
    h.key(Key::ctrl('s'));
    let text = h.text();
    assert!(text.contains("紧急登记待领导确认：李四"), "{text}");
    assert!(text.contains("紧急登记，待领导确认"), "{text}");
    assert!(status(&h.store, "李四").flagged());
    assert!(zhiban::pin::verify(NEW, &h.store.pin_hash("李四").unwrap().unwrap()));

    // 王五 confirms at the same terminal: a wrong PIN first (recorded, nothing confirmed).
    h.key(Key::ch('c'));
    assert!(h.text().contains("确认 李四 的紧急登记"), "{}", h.text());
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("111111");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("PIN 不对"), "{}", h.text());
    assert!(status(&h.store, "李四").flagged());
    h.type_text(WANG);
    h.key(Key::ctrl('s'));
    let text = h.text();
    assert!(text.contains("已确认：李四 的紧急登记（王五 确认）"), "{text}");
    assert!(!text.contains("紧急登记待领导确认"), "{text}");
    assert!(!status(&h.store, "李四").flagged());
    // Nothing else waits for 张三.
    h.key(Key::plain(KeyCode::Up));
    h.key(Key::ch('c'));
    assert!(h.text().contains("张三 没有待确认的事项"), "{}", h.text());
}

#[test]
fn at_sign_in_tab_offers_the_officer_signed_in_here_for_an_urgent_enrolment() {
    let mut h = Harness::new(100, 30, Some("张三"));
    staffed(&mut h.store);
    // 李四 arrives, never enrolled, and no leader is in the building.
    h.app.preselect("李四");
    h.type_text("111111");
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("请 王五 输入本人 PIN"), "{}", h.text());
    h.key(Key::plain(KeyCode::Tab));
    assert!(
        h.text().contains("紧急登记 李四：请交班值班员 张三 输入本人 PIN"),
        "{}",
        h.text()
    );
    h.type_text(ZHANG);
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("直到领导确认"), "{}", h.text());
    for _ in 0..2 {
        h.type_text(NEW);
        h.key(Key::plain(KeyCode::Enter));
    }
    assert_eq!(h.app.operator.as_deref(), Some("李四"));
    let text = h.text();
    assert!(text.contains("值班员：李四（紧急登记）"), "{text}");
    assert!(text.contains("紧急登记待领导确认：李四"), "{text}");
    let li = status(&h.store, "李四");
    assert!(li.flagged());
    assert_eq!(li.enrolment.unwrap().by, "张三");
}

#[test]
fn wrong_pin_counts_per_officer_are_shown_to_leaders_only() {
    let mut h = Harness::new(100, 30, Some("张三"));
    staffed(&mut h.store);
    for _ in 0..3 {
        h.store
            .check_pin("张三", "111111", zhiban::core::pin_policy::PinPlace::Lock, h.clock)
            .unwrap();
    }
    open_people(&mut h);
    let text = h.text();
    assert!(text.contains("王五 登记"), "{text}");
    assert!(!text.contains("输错"), "an officer sees no one's figures:\n{text}");
    // 王五, a leader, at the keyboard.
    h.app.operator = Some("王五".into());
    let text = h.text();
    assert!(text.contains("上次成功后输错 3 次"), "{text}");
}

#[test]
fn at_60x20_every_persons_facts_are_read_whole() {
    let mut h = Harness::new(60, 20, Some("王五"));
    staffed(&mut h.store);
    open_people(&mut h);
    let text = h.text();
    assert!(!text.contains(".."), "nothing is cut:\n{text}");
    // Wrapped under its column, the whole of 王五's line is there.
    let joined: String = text.chars().filter(|c| !c.is_whitespace() && *c != '│').collect();
    assert!(
        joined.contains("登记开放期间本人设定；领导角色已确认（首位）"),
        "{text}"
    );
}
