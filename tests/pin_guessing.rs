//! PIN guessing is slow and seen (issue 13, part 3): after five wrong PINs in a row for a person,
//! each further try waits (30 s, 1 min, then 5 min), counted per person in the database — across
//! terminals, the command line and a restart — and every attempt is an audit row. The attacks
//! tried here: typing hundreds of PINs at the lock screen, guessing from a second terminal, and
//! restarting the app to reset the count.

mod common;

use chrono::Duration;
use common::{Harness, at};
use rusqlite::Connection;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::pin_policy::{PinCheck, PinPlace};
use zhiban::store::Store;

const RIGHT: &str = "246813";

fn unlock(h: &mut Harness, pin: &str) {
    h.type_text(pin);
    h.key(Key::plain(KeyCode::Enter));
}

/// A person with a PIN, on a fresh file.
fn with_pin(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut s = Store::open(&path).unwrap();
    s.set_pin(name, &zhiban::pin::hash(RIGHT).unwrap(), at("2026-11-23 00:00:00"))
        .unwrap();
    (dir, path)
}

fn audit_rows_for_attempts(path: &std::path::Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE tbl = 'pin_attempt' AND who = '王五'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn five_wrong_pins_then_even_the_right_one_waits_across_two_terminals_and_a_restart() {
    let (_dir, path) = with_pin("王五");
    let t0 = at("2026-11-23 03:10:00");
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    // Terminal A tries three, terminal B two: one count.
    for i in 0..5 {
        let s = if i < 3 { &mut a } else { &mut b };
        let outcome = s.check_pin("王五", "111111", PinPlace::Lock, t0).unwrap();
        let n = u32::try_from(i + 1).unwrap();
        let expected_wait = (n == 5).then(|| t0 + Duration::seconds(30));
        assert_eq!(
            outcome,
            PinCheck::Wrong {
                in_a_row: n,
                wait_until: expected_wait
            }
        );
    }
    // The right PIN from either terminal, or after a restart, is not even checked yet.
    drop(a);
    let mut a = Store::open(&path).unwrap();
    for s in [&mut a, &mut b] {
        assert_eq!(
            s.check_pin("王五", RIGHT, PinPlace::SignIn, t0 + Duration::seconds(10))
                .unwrap(),
            PinCheck::Wait {
                until: t0 + Duration::seconds(30)
            }
        );
    }
    // The command line counts too: after the wait, a wrong try there makes the next wait 1 min.
    let t1 = t0 + Duration::seconds(30);
    assert_eq!(
        b.check_pin("王五", "000000", PinPlace::CommandLine, t1).unwrap(),
        PinCheck::Wrong {
            in_a_row: 6,
            wait_until: Some(t1 + Duration::minutes(1))
        }
    );
    assert!(matches!(
        a.check_pin("王五", RIGHT, PinPlace::Lock, t1 + Duration::seconds(59))
            .unwrap(),
        PinCheck::Wait { .. }
    ));
    // The right PIN after the wait: and the six failures are told, newest first.
    let PinCheck::Matches { failed_before } = a
        .check_pin("王五", RIGHT, PinPlace::Lock, t1 + Duration::minutes(1))
        .unwrap()
    else {
        panic!("the right PIN after the wait matches")
    };
    assert_eq!(failed_before.len(), 6);
    assert_eq!(failed_before[0], (t1, "命令行".to_string()));
    // A success starts the count again.
    assert!(matches!(
        a.check_pin("王五", "111111", PinPlace::Lock, t1 + Duration::minutes(2))
            .unwrap(),
        PinCheck::Wrong {
            in_a_row: 1,
            wait_until: None
        }
    ));
    // Every check that ran is recorded, with where it was typed, and audited.
    let attempts = a.pin_attempts("王五").unwrap();
    assert_eq!(attempts.len(), 8, "{attempts:?}");
    let places: Vec<&str> = attempts.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(
        places,
        ["锁屏", "锁屏", "锁屏", "锁屏", "锁屏", "命令行", "锁屏", "锁屏"]
    );
    assert_eq!(attempts.iter().filter(|(_, _, ok)| *ok).count(), 1);
    assert_eq!(audit_rows_for_attempts(&path), 8);
    // The rows cannot be rewritten to hide a failure.
    let conn = Connection::open(&path).unwrap();
    assert!(conn.execute("UPDATE pin_attempt SET ok = 1", []).is_err());
    assert!(conn.execute("DELETE FROM pin_attempt", []).is_err());
}

#[test]
fn two_hundred_pins_typed_at_the_lock_screen_in_ten_minutes_are_eight_checks() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.store
        .set_pin("张三", &zhiban::pin::hash(RIGHT).unwrap(), h.clock)
        .unwrap();
    h.key(Key::ctrl('l'));
    // An attacker types a PIN every three seconds for ten minutes.
    for i in 0..200 {
        unlock(&mut h, &format!("{:06}", 100_000 + i));
        let t = h.clock + Duration::seconds(3);
        h.tick_to(t);
    }
    assert!(h.app.locked.is_some());
    let attempts = h.store.pin_attempts("张三").unwrap();
    // 5 free, then after 30 s, 1 min, 5 min: the rest were refused unchecked.
    assert_eq!(attempts.len(), 8, "{attempts:?}");
    assert!(attempts.iter().all(|(_, place, ok)| place == "锁屏" && !ok));
    let text = h.text();
    assert!(text.contains("张三 的 PIN 已连续输错多次"), "{text}");
    // The officer, after the wait, gets in — and is told someone was guessing.
    let until = attempts.last().unwrap().0 + Duration::minutes(5);
    h.tick_to(until);
    unlock(&mut h, RIGHT);
    assert!(h.app.locked.is_none(), "{}", h.text());
    let told = h.app.message.as_ref().unwrap().text.clone();
    assert!(told.contains("上次成功以来有 8 次 PIN 输错"), "{told}");
}

#[test]
fn a_wrong_pin_at_the_lock_screen_says_how_many_in_a_row_and_the_wait() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.store
        .set_pin("张三", &zhiban::pin::hash(RIGHT).unwrap(), h.clock)
        .unwrap();
    h.key(Key::ctrl('l'));
    for _ in 0..4 {
        unlock(&mut h, "999999");
    }
    assert!(h.text().contains("已连续 4 次；连续 5 次后须等待再试"), "{}", h.text());
    unlock(&mut h, "999999");
    assert!(h.text().contains("已连续 5 次）：30 秒 后才能再试"), "{}", h.text());
    unlock(&mut h, RIGHT);
    assert!(h.app.locked.is_some(), "the right PIN waits too");
    assert!(h.text().contains("请 30 秒 后再试"), "{}", h.text());
}

#[test]
fn a_role_written_into_the_config_does_not_make_an_approver_until_one_confirms_it() {
    let (_dir, path) = with_pin("张三"); // an ordinary officer with a PIN
    let mut s = Store::open(&path).unwrap();
    // 王五, the duty leader, enrolled while enrolment was open: that confirms his role.
    common::enrol_leader(&mut s);
    // 张三 edits config.toml to make himself 办公室主任: a claim, not a confirmation.
    let candidates = [
        ("张三".to_string(), "办公室主任".to_string()),
        ("王五".to_string(), "带班领导".to_string()),
    ];
    assert_eq!(s.confirmed_approvers(&candidates).unwrap(), ["王五"]);
    // A confirmation cannot be forged after the fact through the app's triggers either.
    let conn = Connection::open(&path).unwrap();
    assert!(
        conn.execute("UPDATE approver_confirmation SET person = '张三'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM approver_confirmation", []).is_err());
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE tbl IN ('pin_enrolment', 'approver_confirmation', 'person_pin')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited >= 3, "the enrolment is audited: {audited}");
}

#[test]
fn at_sign_in_a_self_promoted_officer_is_not_offered_as_an_approver() {
    let mut h = Harness::new(100, 30, None);
    // 王五 is a confirmed approver; 张三 has a PIN and has promoted himself in the config.
    common::enrol_leader(&mut h.store);
    h.store
        .set_pin("张三", &zhiban::pin::hash(RIGHT).unwrap(), h.clock)
        .unwrap();
    if let Some(p) = h.app.settings.people.iter_mut().find(|p| p.name == "张三") {
        p.role = zhiban::core::people::Role::Director;
    }
    // 李四 (no PIN) signs in: only 王五 can enrol him, Tab offers nobody else.
    h.app.preselect("李四");
    unlock(&mut h, "111111");
    assert!(
        h.text().contains("李四 还没有 PIN，须由领导登记：请 王五 输入本人 PIN"),
        "{}",
        h.text()
    );
    h.key(Key::plain(KeyCode::Tab));
    assert!(h.text().contains("请 王五 输入本人 PIN"), "{}", h.text());
    assert!(!h.text().contains("请 张三 输入本人 PIN"), "{}", h.text());
    unlock(&mut h, "135790");
    for _ in 0..2 {
        unlock(&mut h, "246813");
    }
    assert_eq!(h.app.operator.as_deref(), Some("李四"));
    assert!(h.store.pin_hash("李四").unwrap().is_some());
}

#[test]
fn an_old_four_digit_pin_signs_in_once_and_is_replaced_there_and_then() {
    let mut h = Harness::new(100, 30, None);
    h.store
        .set_pin("张三", &zhiban::pin::hash("2468").unwrap(), h.clock)
        .unwrap();
    h.app.preselect("张三");
    unlock(&mut h, "2468");
    assert!(h.text().contains("旧规则下设的：这次仍然有效"), "{}", h.text());
    assert_eq!(h.app.operator, None, "not in until the new PIN is set");
    unlock(&mut h, "123456");
    assert!(h.text().contains("顺序数字"), "{}", h.text());
    unlock(&mut h, "246813");
    unlock(&mut h, "246813");
    assert_eq!(h.app.operator.as_deref(), Some("张三"));
    assert!(h.text().contains("PIN 已换成 6 位新 PIN"), "{}", h.text());
    let hash = h.store.pin_hash("张三").unwrap().unwrap();
    assert!(zhiban::pin::verify("246813", &hash));
    assert!(!zhiban::pin::verify("2468", &hash), "the old PIN no longer works");
}
