//! Running the roster (issue 19, item 3), on the real store and app with the fixed clock:
//! a month drafted from the rotation, approved with a leader's PIN and published; the reminder
//! to publish next month from the configured day; 漏岗 when nobody signed on, cleared by 到岗
//! with one's own PIN; and what the database refuses (a rewritten version, a publication without
//! approval, an approval of an old version or by someone who is not an approver).
//!
//! Default configuration: a 24-hour shift from 08:30, leaders 王五/赵六, 主班 张三/李四 in turn
//! from 2026-11-01 (张三 on the 23rd), `publish_remind_day = 25`, `signon_alert_minutes = 30`.

mod common;

use chrono::{Duration, NaiveDate};
use common::{Harness, LEADER_PIN, at};
use rusqlite::Connection;
use zhiban::core::keymap::Key;
use zhiban::core::roster::{Shift, ShiftSource};
use zhiban::core::roster_plan::{PlanState, month_span};

const ZHANG_PIN: &str = "246810";

fn december() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// 王五 (a confirmed approver) and 张三 (enrolled by him) with their PINs.
fn enrol(h: &mut Harness) {
    common::enrol_leader(&mut h.store);
    h.store
        .enrol_pin(
            "张三",
            &zhiban::pin::hash(ZHANG_PIN).unwrap(),
            "王五",
            None,
            false,
            at("2026-11-20 09:10:00"),
        )
        .unwrap();
}

fn status(h: &mut Harness) -> String {
    let rows = h.screen();
    rows[rows.len() - 2..].join("\n")
}

fn open_roster(h: &mut Harness) {
    h.key(Key::ch('4'));
    h.key(Key::ch('r'));
}

#[test]
fn next_month_is_drafted_approved_with_a_leaders_pin_and_published_and_the_reminder_stops() {
    let mut h = Harness::new(200, 40, Some("张三"));
    enrol(&mut h);
    let mut h = h.restart(at("2026-11-24 23:59:00"));
    h.tick_to(at("2026-11-24 23:59:10"));
    assert!(
        !status(&mut h).contains("排班未发布"),
        "before the 25th: {}",
        status(&mut h)
    );
    h.tick_to(at("2026-11-25 00:00:05"));
    let s = status(&mut h);
    assert!(s.contains("下月（2026-12）排班未发布：尚未编排"), "{s}");

    open_roster(&mut h);
    h.key(Key::plain(zhiban::core::keymap::KeyCode::PageDown));
    h.tick_to(at("2026-11-25 00:00:08"));
    assert!(h.text().contains("2026-12 排班：未编排"), "{}", h.text());
    // Publishing or approving what does not exist says what to do first.
    h.key(Key::ch('a'));
    assert!(h.text().contains("还没有排班草稿"), "{}", h.text());
    h.key(Key::ch('d'));
    assert!(
        h.text().contains("已保存：2026-12 新一版排班草稿（按轮值，31 个班次）"),
        "{}",
        h.text()
    );
    h.tick_to(at("2026-11-25 00:00:10"));
    let month = h.text();
    assert!(month.contains("第1版 草拟"), "{month}");
    assert!(month.contains("显示的是待批准的草稿"), "{month}");
    assert!(
        !month.contains("本月排班空缺"),
        "the shift in force into the 1st's first hours is not a gap of the draft:\n{month}"
    );
    assert!(
        status(&mut h).contains("下月（2026-12）排班未发布：第1版草拟"),
        "{}",
        status(&mut h)
    );
    h.key(Key::ch('p'));
    assert!(h.text().contains("还是草稿：须先经领导批准"), "{}", h.text());

    // 批准: the leader's PIN; a wrong one approves nothing.
    h.key(Key::ch('a'));
    assert!(h.text().contains("批准排班：2026-12 第1版"), "{}", h.text());
    assert!(h.text().contains("批准人"), "{}", h.text());
    h.type_text("000000");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("PIN 不对"), "{}", h.text());
    assert_eq!(
        h.store.roster_month_plan(december()).unwrap().versions[0].state(),
        PlanState::Draft
    );
    h.type_text(LEADER_PIN);
    h.key(Key::ctrl('s'));
    assert!(
        h.text().contains("已批准：2026-12 第1版（批准人 王五）"),
        "{}",
        h.text()
    );
    h.tick_to(at("2026-11-25 00:00:12"));
    h.key(Key::ch('p'));
    assert!(h.text().contains("已发布：2026-12 第1版"), "{}", h.text());
    h.tick_to(at("2026-11-25 00:00:14"));
    assert!(!status(&mut h).contains("排班未发布"), "{}", status(&mut h));
    let plan = h.store.roster_month_plan(december()).unwrap();
    let v = plan.in_force().unwrap();
    assert_eq!(v.approved.as_ref().map(|a| a.0.as_str()), Some("王五"));
    assert_eq!(v.published.as_ref().map(|p| p.0.as_str()), Some("张三"));
    // The published version is now the roster: its shifts are marked so.
    let (from, to) = month_span(december());
    let planned = h.store.planned_shifts(from, to).unwrap();
    assert_eq!(planned.len(), 31);
    assert!(planned.iter().all(|s| s.source == ShiftSource::Published));
    assert!(h.text().contains("[已发布]"), "{}", h.text());

    // Into December, an office that publishes is reminded while January has none.
    let mut h = h.restart(at("2026-12-25 09:00:00"));
    h.tick_to(at("2026-12-25 09:00:05"));
    assert!(
        status(&mut h).contains("下月（2027-01）排班未发布"),
        "{}",
        status(&mut h)
    );
}

#[test]
fn at_80_columns_the_reminder_and_the_month_fit() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let mut h2 = {
        enrol(&mut h);
        h.restart(at("2026-11-26 10:00:00"))
    };
    h2.tick_to(at("2026-11-26 10:00:05"));
    let s = status(&mut h2);
    assert!(
        s.contains("下月排班未发布") || s.contains("下月（2026-12）排班未发布"),
        "{s}"
    );
    open_roster(&mut h2);
    h2.key(Key::plain(zhiban::core::keymap::KeyCode::PageDown));
    h2.key(Key::ch('d'));
    h2.tick_to(at("2026-11-26 10:00:08"));
    let text = h2.text();
    assert!(text.contains("第1版 草拟"), "{text}");
}

#[test]
fn nobody_signed_on_raises_missed_post_and_arrival_with_ones_own_pin_clears_it() {
    let mut h = Harness::new(120, 30, Some("张三"));
    enrol(&mut h);
    // Until the office has ever signed on, nothing is alerted.
    let mut h = h.restart(at("2026-11-23 09:30:00"));
    h.tick_to(at("2026-11-23 09:30:05"));
    assert!(!status(&mut h).contains("漏岗"), "{}", status(&mut h));
    // 李四 signed on for yesterday's shift: from now on every shift is watched.
    h.store
        .add_signon(at("2026-11-22 08:30:00"), "李四", "李四", at("2026-11-22 08:20:00"))
        .unwrap();
    let mut h = h.restart(at("2026-11-23 08:59:00"));
    h.tick_to(at("2026-11-23 08:59:50"));
    assert!(!status(&mut h).contains("漏岗"), "29 minutes: {}", status(&mut h));
    let rung_before = h.alerter.rings;
    h.tick_to(at("2026-11-23 09:00:01"));
    let s = status(&mut h);
    assert!(s.contains("漏岗：11-23 08:30 开始的班次（主班 张三）"), "{s}");
    assert!(h.alerter.rings > rung_before, "the bell rings");
    let notice = h.alerter.notices.last().expect("a desktop notice").clone();
    assert_eq!(notice.title, "值班提醒：漏岗");
    assert!(
        !notice.body.contains("张三"),
        "no names on the desktop: {}",
        notice.body
    );

    // 到岗 by 张三, with his own PIN; a wrong PIN signs nothing.
    open_roster(&mut h);
    h.key(Key::ch('o'));
    assert!(h.text().contains("到岗签到：11-23 08:30 开始的班次"), "{}", h.text());
    h.type_text("111111");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("PIN 不对"), "{}", h.text());
    h.type_text(ZHANG_PIN);
    h.key(Key::ctrl('s'));
    assert!(
        h.text().contains("已到岗签到：张三，11-23 08:30 开始的班次"),
        "{}",
        h.text()
    );
    h.tick_to(at("2026-11-23 09:00:05"));
    assert!(!status(&mut h).contains("漏岗"), "{}", status(&mut h));
    assert!(h.text().contains("到岗：张三 11-23 09:00（到岗）"), "{}", h.text());
    let signons = h
        .store
        .signons(at("2026-11-23 08:30:00"), at("2026-11-23 08:31:00"))
        .unwrap();
    assert_eq!(signons.len(), 1);
    assert_eq!(signons[0].person, "张三");

    // 李四 is not on this shift: he cannot sign on for it (严禁代值).
    let mut other = h.restart(at("2026-11-23 09:10:00"));
    other.app.operator = Some("李四".into());
    open_roster(&mut other);
    other.key(Key::ch('o'));
    assert!(other.text().contains("严禁代值"), "{}", other.text());
}

fn shift(start: &str, end: &str, primary: &str) -> Shift {
    Shift {
        start: at(start),
        end: at(end),
        leader: "王五".into(),
        primary: primary.into(),
        deputy: String::new(),
        staff: vec!["赵六".into()],
        source: ShiftSource::Imported,
        swaps: Vec::new(),
    }
}

fn december_shifts(primary: &str) -> Vec<Shift> {
    (0..31)
        .map(|d| {
            let s = at("2026-12-01 08:30:00") + Duration::days(d);
            Shift {
                start: s,
                end: s + Duration::days(1),
                ..shift("2026-12-01 08:30:00", "2026-12-02 08:30:00", primary)
            }
        })
        .collect()
}

#[test]
fn the_database_keeps_versions_sealed_and_the_steps_in_order() {
    let mut h = Harness::new(80, 24, Some("张三"));
    enrol(&mut h);
    let t = at("2026-11-26 10:00:00");
    let v1 = h
        .store
        .add_roster_version(december(), &december_shifts("张三"), "轮值", "张三", t)
        .unwrap();
    // Not an approver: refused.
    let e = h.store.approve_roster(v1.id, "张三", "值班员", "张三", t).unwrap_err();
    assert!(e.to_string().contains("不是已确认的领导"), "{e}");
    // A newer version makes the first one unapprovable.
    let v2 = h
        .store
        .add_roster_version(december(), &december_shifts("李四"), "轮值", "张三", t)
        .unwrap();
    assert_eq!(v2.version, 2);
    let e = h
        .store
        .approve_roster(v1.id, "王五", "带班领导", "张三", t)
        .unwrap_err();
    assert!(e.to_string().contains("只能批准最新的版本"), "{e}");
    let e = h.store.publish_roster(v2.id, "张三", t).unwrap_err();
    assert!(e.to_string().contains("须先经领导批准"), "{e}");
    // A version with a day nobody covers cannot be approved.
    let mut holed = december_shifts("李四");
    holed.remove(9);
    let v3 = h
        .store
        .add_roster_version(december(), &holed, "轮值", "张三", t)
        .unwrap();
    let e = h
        .store
        .approve_roster(v3.id, "王五", "带班领导", "张三", t)
        .unwrap_err();
    assert!(e.to_string().contains("无人值班"), "{e}");
    let v4 = h
        .store
        .add_roster_version(december(), &december_shifts("李四"), "修改", "张三", t)
        .unwrap();
    h.store.approve_roster(v4.id, "王五", "带班领导", "张三", t).unwrap();
    h.store.publish_roster(v4.id, "张三", t).unwrap();

    // Published over imported: an import of the same days does not displace the published roster.
    h.store
        .import_roster(
            &[shift("2026-12-05 08:30:00", "2026-12-06 08:30:00", "张三")],
            "张三",
            "x.csv",
            t,
        )
        .unwrap();
    let on = h
        .store
        .planned_shifts(at("2026-12-05 09:00:00"), at("2026-12-05 10:00:00"))
        .unwrap();
    assert_eq!(on.len(), 1);
    assert_eq!((on[0].primary.as_str(), on[0].source), ("李四", ShiftSource::Published));
    assert_eq!(on[0].staff, ["赵六"], "the other staff are kept with the version");

    h.store
        .add_signon(at("2026-12-05 08:30:00"), "李四", "李四", at("2026-12-05 08:25:00"))
        .unwrap();
    let e = h
        .store
        .add_signon(at("2026-12-05 08:30:00"), "李四", "李四", at("2026-12-05 08:40:00"))
        .unwrap_err();
    assert!(e.to_string().contains("已经签到过"), "{e}");
    // Outside the app: nothing of a version, its approval or its publication can be rewritten.
    let conn = Connection::open(h.store.path()).unwrap();
    for sql in [
        "UPDATE roster_plan_shift SET primary_officer = '钱七'",
        "DELETE FROM roster_plan_shift",
        "UPDATE roster_plan SET created_by = '赵六'",
        "DELETE FROM roster_plan_step",
        "UPDATE roster_plan_step SET approved_by = '赵六'",
        "UPDATE roster_signon SET person = '赵六'",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql} must be refused");
    }
    let approved = v4.id;
    let sneak = conn.execute(
        "INSERT INTO roster_plan_shift (plan_id, start_at, end_at, leader, primary_officer) \
         VALUES (?1, '2026-12-31 20:00:00', '2026-12-31 21:00:00', '王五', '钱七')",
        [approved],
    );
    assert!(sneak.is_err(), "nothing joins an approved version");
    let unapproved_publication = conn.execute(
        "INSERT INTO roster_plan_step (plan_id, step, recorded_by, recorded_at) VALUES (?1, '已发布', '张三', '2026-11-26 10:00:00')",
        [v3.id],
    );
    assert!(
        unapproved_publication.is_err(),
        "published only once approved, only the latest"
    );
    let report = h.store.verify(true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn an_imported_roster_keeps_each_shifts_other_staff_and_a_reimport_replaces_them() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let t = at("2026-11-26 10:00:00");
    h.store
        .import_roster(
            &[shift("2027-02-01 08:30:00", "2027-02-02 08:30:00", "张三")],
            "张三",
            "a.csv",
            t,
        )
        .unwrap();
    let read = h
        .store
        .imported_shifts(at("2027-02-01 09:00:00"), at("2027-02-01 10:00:00"))
        .unwrap();
    assert_eq!(read[0].staff, ["赵六"]);
    let mut bare = shift("2027-02-01 08:30:00", "2027-02-02 08:30:00", "李四");
    bare.staff.clear();
    h.store.import_roster(&[bare], "张三", "b.csv", t).unwrap();
    let read = h
        .store
        .imported_shifts(at("2027-02-01 09:00:00"), at("2027-02-01 10:00:00"))
        .unwrap();
    assert_eq!((read[0].primary.as_str(), read[0].staff.len()), ("李四", 0));
    assert!(h.store.verify(true).unwrap().problems.is_empty());
}

#[test]
fn the_incoming_officers_handover_signature_is_the_shifts_sign_on() {
    use zhiban::core::handover::{Check, build_draft};
    let mut h = Harness::new(200, 40, Some("张三"));
    // 李四 hands over to 张三 at 08:25, five minutes before 张三's shift begins.
    let signed = at("2026-11-23 08:25:00");
    let state = h.store.open_state(signed).unwrap();
    let mut d = build_draft(&state, "李四", "张三", at("2026-11-22 08:30:00"), signed);
    d.summary = "当班平稳".into();
    for item in &mut d.items {
        item.check = Check::Confirmed;
    }
    h.store.sign_handover(&d, &[], signed).unwrap();
    let mut h = h.restart(at("2026-11-23 09:30:00"));
    h.tick_to(at("2026-11-23 09:30:05"));
    assert!(h.app.shared.roster.run.ever_signed_on);
    assert!(!status(&mut h).contains("漏岗"), "{}", status(&mut h));
    open_roster(&mut h);
    assert!(
        h.text().contains("到岗：张三 11-23 08:25（交接班签字）"),
        "{}",
        h.text()
    );
    // The next shift, which nobody signs on for, is 漏岗 half an hour in.
    let mut h = h.restart(at("2026-11-24 09:00:00"));
    h.tick_to(at("2026-11-24 09:00:05"));
    assert!(
        status(&mut h).contains("漏岗：11-24 08:30 开始的班次（主班 李四）"),
        "{}",
        status(&mut h)
    );
}

#[test]
fn a_shift_of_the_draft_is_changed_on_screen_as_a_new_version() {
    use zhiban::core::roster_screen::EditField;
    let mut h = Harness::new(100, 30, Some("张三"));
    open_roster(&mut h);
    h.key(Key::plain(zhiban::core::keymap::KeyCode::PageDown));
    h.tick_to(at("2026-11-23 03:10:05"));
    // Nothing to change before a draft exists.
    h.key(Key::ch('e'));
    assert!(h.text().contains("还没有排班草稿"), "{}", h.text());
    h.key(Key::ch('d'));
    h.tick_to(at("2026-11-23 03:10:08"));
    // The cursor is on 12-23 (a month after today); 赵六 takes the 主班 there.
    h.key(Key::ch('e'));
    assert!(h.text().contains("修改第1版排班：2026-12-23"), "{}", h.text());
    let form = &mut h.app.screens.roster.edit.as_mut().expect("the edit form").form;
    let deputy = form.value(EditField::Deputy);
    form.field_mut(EditField::Primary).unwrap().set_value(&deputy);
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("出现了两次"), "{}", h.text());
    let form = &mut h.app.screens.roster.edit.as_mut().expect("still open").form;
    form.field_mut(EditField::Primary).unwrap().set_value("赵六");
    form.field_mut(EditField::Leader).unwrap().set_value("王五");
    h.key(Key::ctrl('s'));
    assert!(
        h.text()
            .contains("已保存：2026-12 新一版排班草稿（修改 12-23 08:30 班次（据第1版），31 个班次）"),
        "{}",
        h.text()
    );
    h.tick_to(at("2026-11-23 03:10:10"));
    let plan = h.store.roster_month_plan(december()).unwrap();
    assert_eq!(plan.versions.len(), 2);
    let v2 = h.store.roster_version_shifts(plan.versions[1].id).unwrap();
    let v1 = h.store.roster_version_shifts(plan.versions[0].id).unwrap();
    let changed: Vec<_> = v2.iter().zip(&v1).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "one shift changed, the rest as they were");
    assert_eq!(changed[0].0.primary, "赵六");
    assert_eq!(v1[22].primary, "张三", "the first version is kept as it was");
    assert!(h.text().contains("第2版 草拟"), "{}", h.text());
}
