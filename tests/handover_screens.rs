//! The 交接班 tab inside the library: the real app and store on a temporary file, the fixed
//! clock, the screen read from `TestBackend` at 80x24 and 200x50.

mod common;

use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::handover_screen::HandoverField;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::urgent::{EventDraft, Level, new_event};

fn add_event(h: &mut Harness, received: &str) {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, t, "李家集镇", "山体滑坡");
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
    let lines = zhiban::core::urgent::raised(t, &settings.urgent.ladder);
    h.store.insert_event(&event, &lines).unwrap();
    h.tick_to(t + chrono::Duration::seconds(2));
}

/// In the open edit form, moves the 接班人 choice to `name` (the roster may already suggest it).
fn choose_incoming(h: &mut Harness, name: &str) {
    let key = HandoverField::Incoming;
    for _ in 0..10 {
        let now = h.app.screens.handover.form.as_ref().map(|(f, _)| f.value(key));
        if now.as_deref() == Some(name) {
            return;
        }
        h.key(Key::plain(KeyCode::Right));
    }
    panic!("{name} is not offered as 接班人:\n{}", h.text());
}

/// Opens the draft, names 李四, writes a summary and confirms every item.
fn prepare(h: &mut Harness) {
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    h.key(Key::ch('e'));
    choose_incoming(h, "李四");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("滑坡已报，续报待发");
    h.key(Key::ctrl('s'));
    while h.text().contains("[须接手]") || h.text().contains("[待确认]") {
        h.key(Key::ch('y'));
    }
}

/// Gives each person a PIN, as enrolment at sign-in does (signing never sets one).
fn enrol(h: &mut Harness, pins: &[(&str, &str)]) {
    for (name, pin) in pins {
        h.store
            .set_pin(name, &zhiban::pin::hash(pin).unwrap(), h.clock)
            .unwrap();
    }
}

fn sign(h: &mut Harness, out_pin: &str, in_pin: &str) {
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("签字交接：双方输入 PIN"), "{}", h.text());
    h.type_text(out_pin);
    h.key(Key::plain(KeyCode::Tab));
    h.type_text(in_pin);
    h.key(Key::ctrl('s'));
}

#[test]
fn a_running_clock_comes_first_and_must_be_taken_over_at_80x24() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "李站长", "请求调拨沙袋");
    add_event(&mut h, "2026-11-23 03:20:00");
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    let screen = h.screen();
    let event_row = screen
        .iter()
        .position(|l| l.contains("紧急事件 第 1 号紧急事件"))
        .expect("event listed");
    let entry_row = screen
        .iter()
        .position(|l| l.contains("请求调拨沙袋"))
        .expect("entry listed");
    assert!(event_row < entry_row, "{}", h.text());
    assert!(screen[event_row].contains("[须接手]"), "{}", screen[event_row]);
    // Its clock is carried with it.
    assert!(
        screen[event_row + 1].contains("未确认；带班领导 电话 剩"),
        "{}",
        screen[event_row + 1]
    );
    for line in h.screen() {
        assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 80, "{line}");
    }
}

#[test]
fn a_wrong_pin_keeps_the_draft_and_a_set_pin_is_required_next_time() {
    let mut h = Harness::new(80, 24, Some("张三"));
    enrol(&mut h, &[("张三", "1111"), ("李四", "2222")]);
    h.save_call("城关镇", "李站长", "请求调拨沙袋");
    prepare(&mut h);
    sign(&mut h, "1111", "2222");
    assert!(h.text().contains("第 1 号交接班记录已由双方签字"), "{}", h.text());
    assert_eq!(h.app.operator.as_deref(), Some("李四"));

    // Next shift: 李四 hands back to 张三, whose PIN is now set.
    h.tick_to(at("2026-11-23 03:30:00"));
    h.key(Key::ch('n'));
    h.key(Key::ch('e'));
    choose_incoming(&mut h, "张三");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("平稳");
    h.key(Key::ctrl('s'));
    while h.text().contains("[待确认]") {
        h.key(Key::ch('y'));
    }
    let draft = h.text();
    assert!(draft.contains("（自第1号交接起）"), "carried over:\n{draft}");
    sign(&mut h, "2222", "9999");
    let text = h.text();
    assert!(text.contains("张三 的 PIN 不对"), "{text}");
    assert!(text.contains("签字交接"), "the form stays:\n{text}");
    assert_eq!(h.app.operator.as_deref(), Some("李四"));
    assert!(h.app.screens.handover.draft.is_some());
    assert!(h.store.handovers(10).unwrap().len() == 1);
    // Typed again, right this time.
    h.type_text("1111");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("第 2 号交接班记录已由双方签字"), "{}", h.text());
    assert_eq!(h.app.operator.as_deref(), Some("张三"));
}

#[test]
fn a_visitor_or_entry_added_while_checking_is_sent_back_not_signed_over() {
    let mut h = Harness::new(200, 50, Some("张三"));
    enrol(&mut h, &[("张三", "1111"), ("李四", "2222")]);
    h.save_call("城关镇", "李站长", "请求调拨沙袋");
    prepare(&mut h);
    // Another terminal logs a new call before the signatures.
    h.store
        .insert_entry(&h.store.entries_since(None, 1).unwrap()[0].1.clone())
        .unwrap();
    sign(&mut h, "1111", "2222");
    let text = h.text();
    assert!(text.contains("交接期间新增 1 项未办结事项"), "{text}");
    // On a wide screen the reasons signing is still blocked are all in view.
    assert!(text.contains("签字前：还有 1 项未经接班人确认"), "{text}");
    assert!(text.contains("待确认 1 / 2 项"), "{text}");
    assert!(h.store.handovers(10).unwrap().is_empty());
}

#[test]
fn signing_never_sets_a_pin_for_someone_who_has_none() {
    let mut h = Harness::new(100, 30, Some("张三"));
    enrol(&mut h, &[("张三", "1111")]);
    h.save_call("城关镇", "李站长", "请求调拨沙袋");
    prepare(&mut h);
    // 李四 has no PIN: whatever is typed for him does not become his.
    sign(&mut h, "1111", "2222");
    let text = h.text();
    assert!(text.contains("李四 还没有 PIN：请先在登录时由领导登记"), "{text}");
    assert!(h.store.pin_hash("李四").unwrap().is_none());
    assert!(h.store.handovers(10).unwrap().is_empty());
    assert_eq!(h.app.operator.as_deref(), Some("张三"));
}

/// Ten years of handovers are not read to show the tab: the newest page first, older pages as
/// the officer scrolls towards them, by key, each row once, down to the first.
#[test]
fn the_history_is_read_a_page_at_a_time_as_the_officer_scrolls() {
    use zhiban::core::handover::{Check, build_draft};
    use zhiban::core::handover_screen::HISTORY_PAGE;
    let mut h = Harness::new(80, 24, Some("张三"));
    let total = HISTORY_PAGE * 2 + 30;
    for n in 0..total {
        let now = at("2026-01-01 08:30:00") + chrono::Duration::hours(12 * i64::try_from(n).unwrap());
        let state = h.store.open_state(now).unwrap();
        let mut d = build_draft(&state, "张三", "李四", now - chrono::Duration::hours(12), now);
        d.summary = "当班平稳".into();
        for item in &mut d.items {
            item.check = Check::Confirmed;
        }
        h.store.sign_handover(&d, &[], now).unwrap();
    }
    h.key(Key::ch('4'));
    let screen = &h.app.screens.handover;
    assert_eq!(screen.history.len(), HISTORY_PAGE, "one page when the tab opens");
    assert_eq!(screen.history[0].id, i64::try_from(total).unwrap(), "newest first");
    assert!(h.text().contains(&format!("第{total}号")), "{}", h.text());
    // Down to the end: every handover once, in order, and no more pages asked for after the last.
    for _ in 0..total + 10 {
        h.key(Key::plain(KeyCode::PageDown));
    }
    let ids: Vec<i64> = h.app.screens.handover.history.iter().map(|s| s.id).collect();
    let want: Vec<i64> = (1..=i64::try_from(total).unwrap()).rev().collect();
    assert_eq!(ids, want);
    assert!(!h.app.screens.handover.more);
    assert!(h.text().contains("第1号"), "the oldest is reachable:\n{}", h.text());
    // Back to the newest.
    for _ in 0..total {
        h.key(Key::plain(KeyCode::PageUp));
    }
    assert_eq!(h.app.screens.handover.selected, 0);
    assert!(h.text().contains(&format!("第{total}号")), "{}", h.text());
}
