//! Replies go back to what asked (issue 12): every request carries an operation id, and a failed
//! background write is reported as itself — never as the failure of a form the officer is typing.
//!
//! The real app and store on a temporary file, driven by a loop that executes every request
//! against the store except the ones a test makes fail.

mod common;

use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{Effect, Msg, Reply, Request};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::LogField;
use zhiban::core::log_screen::LogKey;
use zhiban::core::urgent::{EventDraft, Level, new_event};
use zhiban::runtime::execute;
use zhiban::runtime::notify::Alerter;

/// Feeds `msg` to the app and runs what follows until quiet; requests `fail` picks get
/// `Reply::Failed(why)` instead of reaching the store. Returns the requests that were failed.
fn drive(h: &mut Harness, msg: Msg, fail: &dyn Fn(&Request) -> bool, why: &str) -> Vec<Request> {
    let now = h.clock;
    let mut failed = Vec::new();
    let mut pending: std::collections::VecDeque<Effect> = h.app.update(msg, now).into();
    while let Some(effect) = pending.pop_front() {
        match effect {
            Effect::Request(op, request) => {
                let reply = if fail(&request) {
                    failed.push(request);
                    Reply::Failed(why.into())
                } else {
                    execute(&mut h.store, request, now)
                };
                pending.extend(h.app.update(Msg::Reply(op, reply), now));
            }
            Effect::Ring => h.alerter.ring(),
            Effect::Notify(n) => h.alerter.notify(&n),
            Effect::Hook(call) => h.alerter.hook(call, now),
            Effect::Quit => {}
        }
    }
    failed
}

/// A 重大 event received at `received`, written as another terminal would.
fn add_event(h: &mut Harness, received: &str) -> i64 {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, t, "李家集镇", "山体滑坡");
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "李四", t).unwrap();
    let lines = zhiban::core::urgent::raised(t, &settings.urgent.ladder);
    h.store.insert_event(&event, &lines).unwrap()
}

fn log_value(h: &Harness, field: LogField) -> String {
    h.app.screens.log.form.as_ref().unwrap().form.value(LogKey::Log(field))
}

#[test]
fn a_failed_escalation_step_is_reported_as_itself_and_the_open_form_is_untouched() {
    let mut h = Harness::new(100, 30, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    h.tick_to(at("2026-11-23 03:10:02"));
    assert!(h.text().contains("第1号"), "{}", h.text());

    // The officer is typing a call into the log when nobody has acknowledged the event.
    h.key(Key::ch('n'));
    h.type_text("城关镇");
    let saving_before = h.app.screens.log.form.as_ref().unwrap().form.saving;

    // Five minutes without an acknowledgement: the escalation takes a step (a reminder on the
    // duty leader's rung), and the write that records it fails (the disk is full), tick after tick.
    let is_step = |r: &Request| matches!(r, Request::SaveEscalation { .. });
    let mut failed = Vec::new();
    while h.clock < at("2026-11-23 03:15:30") {
        h.clock += chrono::Duration::seconds(1);
        failed.extend(drive(&mut h, Msg::Tick, &is_step, "磁盘已满"));
    }
    assert!(!failed.is_empty(), "an escalation step was due and its write failed");

    // Said as what failed, why, and what happens next …
    let said = h.app.message.as_ref().expect("a status message").text.clone();
    assert!(
        said.contains(&format!("第 {id} 号紧急事件的催办记录未能保存：磁盘已满")),
        "{said}"
    );
    assert!(said.contains("提醒照常响铃和升级"), "{said}");
    assert!(!said.contains("保存失败"), "not a form's failure: {said}");
    // … while the form the officer never saved keeps every character, no error, no notice.
    let form = &h.app.screens.log.form.as_ref().unwrap().form;
    assert_eq!(log_value(&h, LogField::Unit), "城关镇");
    assert_eq!(form.saving, saving_before);
    assert!(form.notice.is_none(), "{:?}", form.notice);
    assert!(form.fields.iter().all(|f| f.error.is_none()));
    // The alert still rings (the escalation runs from memory and retries the write).
    assert!(h.alerter.rings >= 2, "rings: {}", h.alerter.rings);

    // The form still saves, and its own confirmation is its own.
    h.keys(KeyCode::Tab, 1);
    h.type_text("李站长");
    h.keys(KeyCode::Tab, 2);
    h.type_text("河堤渗水");
    drive(&mut h, Msg::Key(Key::ctrl('s')), &|_| false, "");
    assert!(h.app.screens.log.form.is_none());
    assert_eq!(h.app.message.as_ref().unwrap().text, "已保存：第 1 号记录");
}

#[test]
fn a_failed_form_save_is_said_on_that_form_and_nowhere_else() {
    let mut h = Harness::new(100, 30, Some("张三"));
    // A visit form and a log form are both open, on their own tabs.
    h.key(Key::ch('n'));
    h.type_text("城关镇");
    h.key(Key::ch('2'));
    assert!(h.text().contains("来访登记"), "{}", h.text());
    h.key(Key::ch('1'));
    h.keys(KeyCode::Tab, 3);
    h.type_text("河堤渗水");
    let is_save = |r: &Request| matches!(r, Request::SaveEntry(..));
    let failed = drive(&mut h, Msg::Key(Key::ctrl('s')), &is_save, "数据库正忙");
    assert_eq!(failed.len(), 1);
    let form = &h.app.screens.log.form.as_ref().unwrap().form;
    assert!(!form.saving);
    assert!(form.notice.as_deref().unwrap().contains("保存失败：数据库正忙"));
    assert_eq!(log_value(&h, LogField::Content), "河堤渗水");
    // The visitor screen heard nothing of it.
    assert!(h.app.screens.visits.form.is_none());
}

#[test]
fn a_reply_for_a_request_nobody_waits_for_changes_nothing() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text("城关镇");
    let before = h.app.screens.log.form.clone();
    let op = zhiban::core::app::OpId(999_999);
    assert!(!h.app.is_pending(op));
    let t = h.clock;
    let effects = h.app.update(Msg::Reply(op, Reply::Failed("迟到的回复".into())), t);
    assert!(effects.is_empty());
    assert_eq!(h.app.screens.log.form, before);
    assert!(!h.text().contains("迟到的回复"));
}
