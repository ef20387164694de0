//! The screen lock: idle time or Ctrl-L hides every record; the operator's PIN unlocks (no PIN is
//! ever set from here); running alerts still show their category and time, never their content.

mod common;

use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::urgent::{EventDraft, Level, new_event};

fn unlock(h: &mut Harness, pin: &str) {
    h.type_text(pin);
    h.key(Key::plain(KeyCode::Enter));
}

#[test]
fn idle_time_locks_the_screen_hiding_records_and_the_pin_unlocks_it_with_the_form_kept() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.store
        .set_pin("张三", &zhiban::pin::hash("2468").unwrap(), h.clock)
        .unwrap();
    h.app.settings.lock_minutes = 15;
    h.save_call("城关镇", "李站长", "河堤出现管涌");
    // A half-typed entry.
    h.key(Key::ch('n'));
    h.type_text("市水利局");
    assert!(h.text().contains("河堤出现管涌") || h.text().contains("市水利局"));
    h.tick_to(at("2026-11-23 03:24:59"));
    assert!(h.app.locked.is_none(), "not yet: 14 min 59 s idle");
    h.tick_to(at("2026-11-23 03:25:01"));
    let locked = h.text();
    assert!(locked.contains("屏幕已锁定"), "{locked}");
    for secret in ["河堤出现管涌", "城关镇", "市水利局", "已保存"] {
        assert!(!locked.contains(secret), "{secret} shows on the lock screen:\n{locked}");
    }
    // Letters and commands do nothing; a paste does nothing.
    h.type_text("qn");
    h.key(Key::ctrl('c'));
    h.paste("1234");
    assert!(h.app.locked.as_ref().unwrap().pin.text().is_empty());
    assert!(!h.app.quit);
    // 张三's PIN, enrolled at sign-in, unlocks.
    unlock(&mut h, "2468");
    assert!(h.app.locked.is_none(), "{}", h.text());
    assert!(h.text().contains("已解锁"), "{}", h.text());
    assert!(h.text().contains("市水利局"), "the form is still there:\n{}", h.text());
    // Ctrl-L locks at once; a wrong PIN is refused and cleared.
    h.key(Key::ctrl('l'));
    assert!(h.text().contains("屏幕已锁定"));
    unlock(&mut h, "1111");
    assert!(h.text().contains("张三 的 PIN 不对"), "{}", h.text());
    assert!(h.app.locked.is_some());
    unlock(&mut h, "2468");
    assert!(h.app.locked.is_none());
    assert!(h.store.pin_hash("张三").unwrap().is_some());
}

#[test]
fn an_alert_on_a_locked_screen_shows_its_category_and_time_only() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ctrl('l'));
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at("2026-11-23 03:20:00");
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, t, "李家集镇", "山体滑坡两户受损");
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "李四", t).unwrap();
    h.store
        .insert_event(&event, &zhiban::core::urgent::raised(t, &settings.urgent.ladder))
        .unwrap();
    h.tick_to(at("2026-11-23 03:20:03"));
    let text = h.text();
    assert!(text.contains("重大 自然灾害 03:20 接报 · 未确认"), "{text}");
    assert!(
        !text.contains("李家集镇") && !text.contains("山体滑坡"),
        "no content:\n{text}"
    );
    assert!(h.alerter.rings > 0, "it still rings");
    // F2 needs to know who: without a PIN typed, nothing is acknowledged.
    h.key(Key::plain(KeyCode::F(2)));
    assert!(h.text().contains("PIN 须为 4 到 8 位数字"), "{}", h.text());
    assert_eq!(
        h.store.open_events().unwrap()[0].escalation.state,
        zhiban::core::escalation::EventState::New
    );
}

/// A major event raised by another terminal, seen by `h` within its reload.
fn raise_event(h: &mut Harness, at_time: &str) {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(at_time);
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, t, "李家集镇", "山体滑坡");
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "李四", t).unwrap();
    h.store
        .insert_event(&event, &zhiban::core::urgent::raised(t, &settings.urgent.ladder))
        .unwrap();
    h.tick_to(t + chrono::Duration::seconds(3));
}

#[test]
fn a_colleague_acknowledges_an_alarm_on_a_locked_screen_with_their_own_pin() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.store
        .set_pin("李四", &zhiban::pin::hash("135790").unwrap(), h.clock)
        .unwrap();
    h.key(Key::ctrl('l'));
    raise_event(&mut h, "2026-11-23 03:20:00");
    // 张三 is away; 李四 chooses himself with Tab and acknowledges with his PIN.
    h.key(Key::plain(KeyCode::Tab));
    assert!(h.text().contains("换人：请 李四 输入本人 PIN"), "{}", h.text());
    h.type_text("000000");
    h.key(Key::plain(KeyCode::F(2)));
    assert!(h.text().contains("李四 的 PIN 不对"), "{}", h.text());
    assert_eq!(
        h.store.open_events().unwrap()[0].escalation.state,
        zhiban::core::escalation::EventState::New,
        "a wrong PIN acknowledges nothing"
    );
    h.type_text("135790");
    h.key(Key::plain(KeyCode::F(2)));
    h.tick_to(h.clock + chrono::Duration::seconds(2));
    let e = &h.store.open_events().unwrap()[0];
    assert_eq!(e.escalation.state, zhiban::core::escalation::EventState::Acknowledged);
    let timeline = h.store.timeline(e.id).unwrap();
    assert!(
        timeline.iter().any(|l| l.who == "李四" && l.text.contains("确认")),
        "{timeline:?}"
    );
    // The screen stays locked, and says who acknowledged.
    assert!(h.app.locked.is_some());
    assert!(h.text().contains("李四 已确认第 1 号紧急事件"), "{}", h.text());
}

#[test]
fn changing_who_is_at_the_keyboard_on_the_lock_screen_takes_the_new_person_s_pin() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.store
        .set_pin("李四", &zhiban::pin::hash("135790").unwrap(), h.clock)
        .unwrap();
    h.key(Key::ctrl('l'));
    // 王五 has no PIN: nobody can set it from here (the first-PIN takeover).
    h.keys(KeyCode::Tab, 2);
    assert!(h.text().contains("请 王五 输入本人 PIN"), "{}", h.text());
    unlock(&mut h, "111111");
    assert!(h.text().contains("王五 还没有设定 PIN，不能在锁屏换人"), "{}", h.text());
    assert!(h.store.pin_hash("王五").unwrap().is_none(), "no PIN was set for 王五");
    assert!(h.app.locked.is_some());
    // Back round to 李四, with his PIN: he is now at the keyboard.
    h.keys(KeyCode::Tab, 3);
    assert!(h.text().contains("请 李四 输入本人 PIN"), "{}", h.text());
    unlock(&mut h, "135790");
    assert!(h.app.locked.is_none(), "{}", h.text());
    assert_eq!(h.app.operator.as_deref(), Some("李四"));
    assert!(
        h.text().contains("已换人：现在的值班员是 李四（原值班员 张三）"),
        "{}",
        h.text()
    );
}

#[test]
fn no_pin_is_ever_set_from_the_lock_screen() {
    // 张三 is at the keyboard (a test harness, or his PIN was reset meanwhile) and has no PIN.
    let mut h = Harness::new(100, 30, Some("张三"));
    h.key(Key::ctrl('l'));
    unlock(&mut h, "246813");
    assert!(h.app.locked.is_some(), "{}", h.text());
    assert!(h.text().contains("张三 的 PIN 已被重置：请按 Tab 换人"), "{}", h.text());
    assert!(h.store.pin_hash("张三").unwrap().is_none(), "nothing was set");
}
