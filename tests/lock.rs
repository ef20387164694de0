//! The screen lock: idle time or Ctrl-L hides every record; the operator's PIN unlocks (a first
//! lock sets it); running alerts still show their category and time, never their content.

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
    // First lock: the PIN typed becomes 张三's.
    unlock(&mut h, "2468");
    assert!(h.app.locked.is_none(), "{}", h.text());
    assert!(h.text().contains("PIN 已设定"), "{}", h.text());
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
    // F2 needs to know who: unlock first.
    h.key(Key::plain(KeyCode::F(2)));
    assert!(h.text().contains("请先输入 PIN 解锁"), "{}", h.text());
    assert_eq!(
        h.store.open_events().unwrap()[0].escalation.state,
        zhiban::core::escalation::EventState::New
    );
}
