//! Nothing typed is lost (issue 14, part 5): a stopping signal (the runtime's `Msg::Terminate`),
//! or simply a few seconds of typing, keeps unsaved forms and the handover draft as drafts in the
//! database — not records, outside the audit — offered to the same person at their next sign-in
//! and removed once used or refused (with `secure_delete`, nothing of them stays in the file).

mod common;

use common::{Harness, at};
use rusqlite::Connection;
use zhiban::core::app::Msg;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::runtime::dispatch;

fn terminate(h: &mut Harness) {
    let t = h.clock;
    dispatch(&mut h.app, &mut h.store, &mut h.alerter, Msg::Terminate, t);
}

fn drafts_in_file(h: &Harness) -> i64 {
    Connection::open(h.store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM draft", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_half_typed_call_survives_a_signal_and_comes_back_at_the_next_sign_in() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text("城关镇应急办");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("李站长");
    h.keys(KeyCode::Tab, 2);
    h.type_text("河堤出现管涌，请求支援沙袋");
    terminate(&mut h);
    assert!(h.app.quit);
    assert_eq!(drafts_in_file(&h), 1, "kept before the terminal was given back");
    // Not a record: no audit row, nothing for verify.
    let conn = Connection::open(h.store.path()).unwrap();
    let audited: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE tbl = 'draft'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 0);
    assert!(h.store.verify(true).unwrap().is_ok());

    let mut h = h.restart(at("2026-11-23 03:30:00"));
    let text = h.text();
    assert!(text.contains("上次关闭时有未保存的内容（值班记录"), "{text}");
    h.key(Key::ch('y'));
    let text = h.text();
    assert!(text.contains("城关镇应急办"), "{text}");
    assert!(text.contains("河堤出现管涌，请求支援沙袋"), "{text}");
    assert!(text.contains("已恢复上次未保存的内容"), "{text}");
    // Saved as a record now: the draft goes at the next sync.
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存"), "{}", h.text());
    h.tick_to(at("2026-11-23 03:30:10"));
    assert_eq!(drafts_in_file(&h), 0, "a used draft is removed");
}

#[test]
fn a_refused_draft_is_removed_and_another_officer_never_sees_it() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text("不该给别人看的草稿");
    // A few seconds of typing are enough: kept without any signal.
    h.tick_to(at("2026-11-23 03:10:06"));
    assert_eq!(drafts_in_file(&h), 1);
    let path = h.store.path().to_path_buf();
    let Harness { dir, .. } = h;
    // 李四 signs in on the same file: nothing is offered to him.
    let mut h2 = Harness::open(dir, &path, 100, 30, Some("李四"), at("2026-11-23 03:20:00"));
    assert!(!h2.text().contains("未保存的内容"), "{}", h2.text());
    h2.tick_to(at("2026-11-23 03:20:10"));
    assert_eq!(drafts_in_file(&h2), 1, "his empty screens remove nothing of hers");
    let Harness { dir, .. } = h2;
    let mut h3 = Harness::open(dir, &path, 100, 30, Some("张三"), at("2026-11-23 03:21:00"));
    assert!(h3.text().contains("未保存的内容"), "{}", h3.text());
    h3.key(Key::ch('n'));
    assert!(h3.text().contains("已放弃上次未保存的内容"), "{}", h3.text());
    assert_eq!(drafts_in_file(&h3), 0);
    assert!(!h3.text().contains("不该给别人看的草稿"));
}

#[test]
fn a_handover_draft_comes_back_with_its_checks_and_what_opened_since_is_added_unchecked() {
    let mut h = Harness::new(120, 30, Some("张三"));
    h.save_call("城关镇", "李站长", "河堤管涌，待回复");
    h.save_call("水务局", "王科长", "水位通报，待落实");
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    let text = h.text();
    assert!(text.contains("移交事项"), "{text}");
    // The first item taken over; the second still to check.
    h.key(Key::ch('y'));
    terminate(&mut h);
    assert_eq!(drafts_in_file(&h), 1);
    let mut h = h.restart(at("2026-11-23 03:40:00"));
    assert!(h.text().contains("未保存的内容（交接班"), "{}", h.text());
    h.key(Key::ch('y'));
    let d = h.app.screens.handover.draft.as_ref().expect("the draft is back");
    let checks: Vec<String> = d.items.iter().map(|i| i.check.label()).collect();
    assert_eq!(d.items.len(), 2, "{checks:?}");
    assert_eq!(
        d.items
            .iter()
            .filter(|i| i.check == zhiban::core::handover::Check::Confirmed)
            .count(),
        1,
        "{checks:?}"
    );
    assert!(
        d.items.iter().all(|i| !i.title.is_empty()),
        "re-read from what is open now"
    );
}

#[test]
fn a_new_urgent_event_being_typed_comes_back_on_its_tab() {
    let mut h = Harness::new(120, 30, Some("张三"));
    h.key(Key::ch('3'));
    h.key(Key::ch('n'));
    // To 地点 (after 类别, 等级, 事发时间, 接报时间).
    h.keys(KeyCode::Tab, 4);
    h.type_text("李家集镇山体滑坡");
    terminate(&mut h);
    let mut h = h.restart(at("2026-11-23 03:40:00"));
    assert!(h.text().contains("未保存的内容（紧急事项"), "{}", h.text());
    h.key(Key::ch('y'));
    let text = h.text();
    assert!(text.contains("李家集镇山体滑坡"), "{text}");
    assert_eq!(h.app.screen, zhiban::core::screens::ScreenId::Urgent);
}

#[test]
fn a_discarded_draft_leaves_nothing_of_its_text_in_the_file() {
    let marker = "绝密草稿标记甲乙丙丁戊己";
    let mut h = Harness::new(100, 30, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text(marker);
    h.tick_to(at("2026-11-23 03:10:06"));
    let path = h.store.path().to_path_buf();
    let file_has = |p: &std::path::Path| {
        let mut bytes = std::fs::read(p).unwrap_or_default();
        let wal = format!("{}-wal", p.display());
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
    };
    assert!(file_has(&path), "kept while it is a draft");
    // Discarded: Esc, yes.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('y'));
    h.tick_to(at("2026-11-23 03:10:12"));
    assert_eq!(drafts_in_file(&h), 0);
    assert!(!file_has(&path), "secure_delete and an emptied log leave nothing");
}

#[test]
fn after_a_change_at_the_keyboard_the_new_officers_own_drafts_are_offered_not_overwritten() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.store
        .set_pin("李四", &zhiban::pin::hash("135790").unwrap(), h.clock)
        .unwrap();
    // 李四 left a draft at his last shift.
    h.store
        .save_drafts(
            "李四",
            &[("值班记录".into(), "{\"purpose\":\"?\"}".into())],
            false,
            h.clock,
        )
        .unwrap();
    h.key(Key::ch('n'));
    h.type_text("张三的半条记录");
    // 李四 takes the keyboard at the lock screen.
    h.key(Key::ctrl('l'));
    h.keys(KeyCode::Tab, 1);
    h.type_text("135790");
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.operator.as_deref(), Some("李四"));
    assert!(h.text().contains("上次关闭时有未保存的内容"), "{}", h.text());
    // Seconds pass with the question open: his draft is not overwritten, 张三's is kept as his.
    h.tick_to(at("2026-11-23 03:10:20"));
    let li = h.store.drafts("李四").unwrap();
    assert_eq!(li.len(), 1);
    assert_eq!(li[0].1, "{\"purpose\":\"?\"}");
    let zhang = h.store.drafts("张三").unwrap();
    assert!(
        zhang.iter().any(|(_, body, _)| body.contains("张三的半条记录")),
        "{zhang:?}"
    );
}
