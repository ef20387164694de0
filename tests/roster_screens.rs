//! The roster inside the app: the status-line strip, the month screen and a swap through the
//! form, on the real store with the fixed clock (2026-11-23 03:10, default configuration: a
//! 24-hour shift from 08:30, leaders 王五/赵六, 主班 张三/李四 in turn from 2026-11-01).

mod common;

use common::Harness;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::roster_screen::RosterField;

#[test]
fn the_status_line_names_the_duty_leader_of_the_shift_that_began_yesterday_with_the_phone() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.tick_to(common::at("2026-11-23 03:10:40"));
    let status = h.screen()[22].clone();
    assert!(status.contains("带班 赵六 0871-12345678"), "{status}");
    let mut wide = Harness::new(200, 50, Some("张三"));
    wide.tick_to(common::at("2026-11-23 03:10:40"));
    let status = wide.screen()[48].clone();
    assert!(status.contains("主班 李四  下一班 08:30 张三"), "{status}");
}

#[test]
fn the_month_marks_today_and_holidays_and_a_swap_is_recorded_with_its_reason_and_approver() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('4'));
    h.key(Key::ch('r'));
    let month = h.text();
    assert!(month.contains("排班表 2026 年 11 月"), "{month}");
    assert!(month.contains("23今"), "today is marked:\n{month}");
    assert!(
        month.contains("带班 王五 13800000003  主班 张三"),
        "the day's shift in full:\n{month}"
    );
    // October: the National Day holidays are marked.
    h.key(Key::plain(KeyCode::PageUp));
    let october = h.text();
    assert!(october.contains(" 1休") && october.contains(" 7休"), "{october}");
    assert!(
        october.contains("无人值班"),
        "before the rotation began nobody is on duty:\n{october}"
    );
    h.key(Key::ch('t'));

    // 张三 is away on the 23rd: 赵六 stands in, approved by 王五 (李四 is already the 副班).
    h.key(Key::ch('s'));
    assert!(h.text().contains("登记调班：2026-11-23"), "{}", h.text());
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("原因"), "a reason is required:\n{}", h.text());
    if let Some(form) = &mut h.app.screens.roster.form {
        form.focus_on(RosterField::To);
    }
    h.key(Key::plain(KeyCode::Right)); // 李四: already 副班 of this shift
    if let Some(form) = &mut h.app.screens.roster.form {
        form.focus_on(RosterField::Reason);
    }
    h.type_text("本人出差");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("李四已是这个班次的副班"), "{}", h.text());
    assert!(
        h.store
            .swaps(common::at("2026-11-23 00:00:00"), common::at("2026-11-24 00:00:00"))
            .unwrap()
            .is_empty()
    );
    if let Some(form) = &mut h.app.screens.roster.form {
        form.focus_on(RosterField::To);
    }
    h.keys(KeyCode::Right, 2); // 赵六
    h.key(Key::ctrl('s'));
    let saved = h.text();
    assert!(saved.contains("调班：主班 张三→赵六（本人出差，王五 批准）"), "{saved}");
    let swaps = h
        .store
        .swaps(common::at("2026-11-23 00:00:00"), common::at("2026-11-24 00:00:00"))
        .unwrap();
    assert_eq!(swaps.len(), 1);
    assert_eq!((swaps[0].to.as_str(), swaps[0].recorded_by.as_str()), ("赵六", "张三"));
}
