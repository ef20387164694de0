//! The 来访登记 tab inside the library: the real app and store on a temporary file, the fixed
//! clock, the screen read from `TestBackend`. Keys are counted where the issue sets a limit.

mod common;

use common::{Harness, at};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::visit::VisitField;
use zhiban::core::visit_screen::VisitFormKey;

/// 11010519491231002X: a valid 居民身份证 number (GB 11643 check digit X).
const ID: &str = "11010519491231002X";

/// Counts the keys a test presses (typing text is counted separately, as "the lookup text").
struct Keys<'a> {
    h: &'a mut Harness,
    pressed: usize,
}

impl Keys<'_> {
    fn press(&mut self, k: Key) {
        self.pressed += 1;
        self.h.key(k);
    }
}

fn focus(h: &mut Harness, f: VisitField) {
    if let Some((form, _)) = &mut h.app.screens.visits.form {
        form.focus_on(VisitFormKey::Visit(f));
    }
}

fn set(h: &mut Harness, f: VisitField, text: &str) {
    focus(h, f);
    h.type_text(text);
}

/// Registers 张三 (a first visit) from the lookup, typing Chinese.
fn register_first_visit(h: &mut Harness) {
    h.key(Key::ch('2'));
    h.key(Key::ch('n'));
    h.type_text("张三");
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("登记来访"), "{}", h.text());
    set(h, VisitField::IdNumber, ID);
    set(h, VisitField::Purpose, "商谈防汛物资调拨");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 1 号来访 张三"), "{}", h.text());
}

#[test]
fn a_returning_visitor_is_found_by_pinyin_initials_and_registered_in_three_keys_and_checked_out_in_two() {
    let mut h = Harness::new(80, 24, Some("张三"));
    register_first_visit(&mut h);
    let board = h.text();
    assert!(board.contains("1101**********002X"), "masked on the board:\n{board}");
    assert!(!board.contains(ID), "never in full on the board:\n{board}");
    // Out, and back the next day.
    h.key(Key::ch('c'));
    h.key(Key::ch('y'));
    h.tick_to(at("2026-11-24 09:00:00"));

    let mut k = Keys { h: &mut h, pressed: 0 };
    k.press(Key::ch('n'));
    k.h.type_text("zs");
    let found = k.h.text();
    assert!(found.contains("张三") && found.contains("商谈防汛物资"), "{found}");
    k.press(Key::plain(KeyCode::Enter));
    let filled = k.h.text();
    assert!(
        filled.contains("重访：上次来访 2026-11-23 03:10"),
        "the last visit is shown:\n{filled}"
    );
    k.press(Key::ctrl('s'));
    let registered = k.pressed;
    assert!(k.h.text().contains("已保存：第 2 号来访 张三（重访"), "{}", k.h.text());
    assert!(registered <= 8, "a returning visitor in {registered} keys");
    assert_eq!(registered, 3);

    // Check-out: two keys from the board, the visitor selected.
    let mut k = Keys { h: &mut h, pressed: 0 };
    k.press(Key::ch('c'));
    assert!(k.h.text().contains("张三 离开登记？"), "{}", k.h.text());
    k.press(Key::ch('y'));
    assert_eq!(k.pressed, 2);
    assert!(h.text().contains("已登记离开：第 2 号来访 张三"), "{}", h.text());
    assert!(h.text().contains("在楼人员 0 人"), "{}", h.text());
    let v = h.store.visit(2).unwrap();
    assert_eq!(v.checked_out_at, Some(at("2026-11-24 09:00:00")));
    assert_eq!(v.repeat_of, Some(1));
}

/// The form prefilled for a returning visitor draws the ID number masked (showing it whole is
/// `v` on a visit's detail, which is logged), saves the number whole, and starts the field afresh
/// when the officer types a new number.
#[test]
fn a_returning_visitors_form_shows_the_number_masked_and_saves_it_whole() {
    const NEW_ID: &str = "110101198001010029";
    let mut h = Harness::new(80, 24, Some("张三"));
    register_first_visit(&mut h);
    h.key(Key::ch('c'));
    h.key(Key::ch('y'));
    h.key(Key::ch('n'));
    h.type_text("zs");
    assert!(!h.text().contains(ID), "the lookup list masks:\n{}", h.text());
    h.key(Key::plain(KeyCode::Enter));
    for f in [VisitField::Purpose, VisitField::IdNumber] {
        focus(&mut h, f);
        let filled = h.text();
        assert!(filled.contains("1101**********002X"), "masked in the form:\n{filled}");
        assert!(!filled.contains(ID), "never whole in the form:\n{filled}");
    }
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 2 号来访 张三"), "{}", h.text());
    assert_eq!(h.store.visit(2).unwrap().fields.id_number, ID, "saved whole");
    assert!(h.store.reveals(1).unwrap().is_empty() && h.store.reveals(2).unwrap().is_empty());

    // A new card: the first key empties the field, the new number is typed whole and saved.
    h.key(Key::ch('c'));
    h.key(Key::ch('y'));
    h.key(Key::ch('n'));
    h.type_text("zs");
    h.key(Key::plain(KeyCode::Enter));
    focus(&mut h, VisitField::IdNumber);
    h.type_text("1");
    let typing = h.text();
    assert!(
        !typing.contains("1101*"),
        "the mask is gone once typing starts:\n{typing}"
    );
    h.type_text(NEW_ID.get(1..).expect("ASCII"));
    assert!(
        h.text().contains(NEW_ID),
        "the officer sees what they type:\n{}",
        h.text()
    );
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 3 号来访 张三"), "{}", h.text());
    assert_eq!(h.store.visit(3).unwrap().fields.id_number, NEW_ID);
}

#[test]
fn the_lookup_waits_for_a_pause_in_typing_but_enter_acts_on_what_was_typed() {
    let mut h = Harness::new(80, 24, Some("张三"));
    register_first_visit(&mut h);
    h.key(Key::ch('c'));
    h.key(Key::ch('y'));
    h.key(Key::ch('n'));
    // Keys without a pause: the box shows them, the store has not been asked.
    h.key(Key::ch('z'));
    h.key(Key::ch('s'));
    let typing = h.text();
    assert!(typing.contains("查找：zs"), "{typing}");
    assert!(
        typing.contains("查找中…") && !typing.contains("商谈防汛物资"),
        "{typing}"
    );
    // The pause: found.
    h.pause();
    let found = h.text();
    assert!(found.contains("张三") && found.contains("商谈防汛物资"), "{found}");
    // More keys and Enter at once: it acts on what is in the box, not on the answer for "zs".
    h.key(Key::ctrl('u'));
    for c in "wangwu".chars() {
        h.key(Key::ch(c));
    }
    h.key(Key::plain(KeyCode::Enter));
    let blank = h.text();
    assert!(
        blank.contains("登记来访") && !blank.contains("重访"),
        "nobody is wangwu:\n{blank}"
    );
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    for c in "zhangs".chars() {
        h.key(Key::ch(c));
    }
    h.key(Key::plain(KeyCode::Enter));
    let filled = h.text();
    assert!(filled.contains("重访：上次来访 2026-11-23 03:10"), "{filled}");
}

#[test]
fn a_petition_group_of_twelve_needs_one_to_five_representatives_and_a_liaison() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('2'));
    h.key(Key::ch('n'));
    h.key(Key::ctrl('n'));
    set(&mut h, VisitField::Name, "李四");
    set(&mut h, VisitField::IdNumber, ID);
    set(&mut h, VisitField::PeopleCount, "12");
    set(&mut h, VisitField::Purpose, "反映征地补偿");
    focus(&mut h, VisitField::Petition);
    h.key(Key::plain(KeyCode::Right));
    assert!(
        h.app
            .screens
            .visits
            .form
            .as_ref()
            .unwrap()
            .0
            .field(VisitFormKey::Visit(VisitField::RepName(0)))
            .is_some_and(|f| !f.hidden)
    );
    set(&mut h, VisitField::PetitionAddress, "城关镇东街 8 号");
    set(&mut h, VisitField::PetitionMatter, "征地补偿标准");
    h.key(Key::ctrl('s'));
    let refused = h.text();
    assert!(refused.contains("未保存"), "no representatives:\n{refused}");
    assert!(
        refused.contains("集体访须推选代表"),
        "the reason is on the form:\n{refused}"
    );
    assert!(h.store.recent_visits(10).unwrap().is_empty());

    set(&mut h, VisitField::RepName(0), "王五");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("未保存"), "no liaison:\n{}", h.text());
    assert!(h.store.recent_visits(10).unwrap().is_empty());

    focus(&mut h, VisitField::Liaison);
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::ctrl('s'));
    let saved = h.text();
    assert!(saved.contains("已保存：第 1 号来访 李四"), "{saved}");
    // 集体访 goes to the leaders at once: an alert that nags until someone acknowledges it.
    assert_eq!(h.store.open_entry_alerts().unwrap().len(), 1);
    // From the first second, without the clock moving, the banner names whom to report to
    // (000:377: the 分管领导 and the 信访部门 as well as the duty leader), with numbers; at 80
    // columns the roles give way to the names, the alert's record keeps them.
    assert_eq!(h.clock, at("2026-11-23 03:10:00"));
    let s = h.screen();
    let banner = format!("{}\n{}", s[1], s[2]);
    assert!(
        banner.contains("请立即报告 王五 13800000003、钱七 13800000005、信访部门 0871-12345100"),
        "{banner}"
    );
    assert!(
        !banner.contains("13800000001"),
        "never the officer at the keyboard:\n{banner}"
    );
    h.tick_to(at("2026-11-23 03:10:03"));
    assert!(h.text().contains("告警：1 件未确认"), "{}", h.text());
    let v = h.store.visit(1).unwrap();
    assert_eq!(v.fields.representatives.len(), 1);
    assert!(v.fields.representatives[0].is_liaison);
}

#[test]
fn a_watch_list_match_raises_an_alert_and_the_id_is_shown_only_when_asked_and_logged() {
    let mut h = Harness::new(200, 50, Some("张三"));
    h.key(Key::ch('2'));
    h.key(Key::ch('w'));
    h.key(Key::ch('n'));
    if let Some((form, _)) = &mut h.app.screens.visits.form {
        form.focus_on(VisitFormKey::Watch(zhiban::core::visit::WatchField::Name));
    }
    h.type_text("张三");
    if let Some((form, _)) = &mut h.app.screens.visits.form {
        form.focus_on(VisitFormKey::Watch(zhiban::core::visit::WatchField::Reason));
    }
    h.type_text("王五主任交代：来访即报");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：关注名单第 1 条 张三"), "{}", h.text());
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    h.type_text("张三");
    h.key(Key::plain(KeyCode::Enter));
    set(&mut h, VisitField::IdNumber, ID);
    set(&mut h, VisitField::Purpose, "咨询");
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已发出 1 条紧急提醒"), "{}", h.text());
    h.tick_to(at("2026-11-23 03:10:03"));
    assert!(h.text().contains("告警：1 件未确认"), "{}", h.text());
    // The desktop notification carries no name and no reason.
    for n in &h.alerter.notices {
        assert!(!n.body.contains("张三") && !n.title.contains("张三"), "{n:?}");
    }
    // The detail masks the number until v, and v is logged.
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("1101**********002X"), "{}", h.text());
    assert!(!h.text().contains(ID));
    h.key(Key::ch('v'));
    let shown = h.text();
    assert!(shown.contains(ID), "{shown}");
    assert!(shown.contains("证件号查看：张三 2026-11-23 03:10"), "{shown}");
    assert_eq!(h.store.reveals(1).unwrap().len(), 1);
    h.key(Key::plain(KeyCode::Esc));
    assert!(!h.text().contains(ID), "masked again once the detail is closed");
}

#[test]
fn a_visitor_inside_too_long_is_flagged_and_a_crowd_forcing_entry_is_asked_first_and_names_nobody() {
    let mut h = Harness::new(80, 24, Some("张三"));
    register_first_visit(&mut h);
    assert!(!h.text().contains("超时"));
    h.tick_to(at("2026-11-23 07:11:00"));
    h.key(Key::ch('2'));
    assert!(h.text().contains("超时 1"), "{}", h.text());
    // `!` asks first: an urgent event cannot be taken back. The highlighted visitor (张三, an
    // ordinary visit) is not named.
    h.key(Key::ch('!'));
    let asked = h.text();
    assert!(
        asked.contains("请确认") && asked.contains("来访群众强行进入机关") && asked.contains("不关联任何来访"),
        "{asked}"
    );
    assert!(!asked.contains("第 1 号来访"), "{asked}");
    h.key(Key::ch('n'));
    assert!(h.store.open_events().unwrap().is_empty(), "a no creates nothing");
    assert!(!h.text().contains("请确认"), "{}", h.text());
    assert!(h.app.shared.alerts.events.is_empty());

    h.key(Key::ch('!'));
    h.key(Key::ch('y'));
    let after = h.text();
    assert!(after.contains("已保存：第 1 号紧急事件"), "{after}");
    let events = h.store.open_events().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0].record;
    assert_eq!(
        e.summary, "07:11 来访群众强行进入机关；人数、经过、诉求待核实",
        "what happened and when; no visitor, and no report claimed (000:139)"
    );
    assert_eq!(e.place, h.app.settings.office_name);
    assert_eq!(e.category, "社会安全");
    assert_eq!(e.received_at, at("2026-11-23 07:11:00"));
}

/// `!` names a 信访 visit only when the officer opened it and pressed `!` there; the question
/// says which. On the board a highlighted petition is not named, and the question says how.
#[test]
fn a_crowd_event_names_a_petition_visit_only_when_the_officer_opened_it() {
    use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
    let mut h = Harness::new(80, 24, Some("张三"));
    let now = h.clock;
    let draft = VisitDraft {
        name: "刘大爷".into(),
        id_type: "居民身份证".into(),
        id_number: ID.into(),
        phone: "13812345678".into(),
        purpose: "反映征地补偿款的事".into(),
        host: "办公室".into(),
        people_count: "12".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![RepresentativeDraft {
            name: "刘大爷".into(),
            ..RepresentativeDraft::default()
        }],
        liaison: Some(0),
        ..VisitDraft::default()
    };
    let visit = build_visit(&draft, "张三", now, now.date()).expect("a valid collective petition");
    let id = h.store.add_visit(&visit).unwrap();
    h.key(Key::ch('2'));
    h.key(Key::ch('!'));
    let asked = h.text();
    assert!(
        asked.contains("不关联任何来访") && asked.contains("先按 Enter 打开它"),
        "{asked}"
    );
    h.key(Key::plain(KeyCode::Esc));
    assert!(h.store.open_events().unwrap().is_empty(), "Esc is a no");

    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('!'));
    assert!(h.text().contains("请确认"), "{}", h.text());
    let asked = h.app.confirm.as_ref().map(|q| q.text.clone()).unwrap_or_default();
    assert!(
        asked.contains(&format!("关联第 {id} 号来访（集体访 刘大爷 等 12 人）")),
        "{asked}"
    );
    h.key(Key::ch('y'));
    let events = h.store.open_events().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].record.summary,
        format!("03:10 来访群众强行进入机关（第 {id} 号来访：集体访 刘大爷 等 12 人）；人数、经过、诉求待核实")
    );
}

/// 集体访 from a 带班领导 at the keyboard: the alert names the others to report to, never him.
#[test]
fn the_collective_visit_alert_names_everyone_to_report_to_with_numbers_at_once() {
    use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
    use zhiban::core::visit_screen::alerts_for;
    let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .unwrap()
        .settings;
    let now = at("2026-11-23 09:00:00");
    let draft = VisitDraft {
        name: "刘大爷".into(),
        id_type: "居民身份证".into(),
        id_number: ID.into(),
        phone: "13812345678".into(),
        purpose: "信访".into(),
        host: "办公室".into(),
        people_count: "12".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![RepresentativeDraft {
            name: "刘大爷".into(),
            ..RepresentativeDraft::default()
        }],
        liaison: Some(0),
        ..VisitDraft::default()
    };
    let visit = build_visit(&draft, "张三", now, now.date()).expect("a valid collective petition");
    let alerts = alerts_for(&visit, &[], &settings, "张三", now);
    assert_eq!(alerts.len(), 1);
    let content = &alerts[0].0.content;
    assert!(
        content.ends_with("请立即报告：带班领导 王五 13800000003、分管领导 钱七 13800000005、信访部门 0871-12345100。"),
        "{content}"
    );
    assert_eq!(alerts[0].0.recorded_at, now);
    // The duty leader registering it himself is not told to phone himself.
    let alerts = alerts_for(&visit, &[], &settings, "王五", now);
    let content = &alerts[0].0.content;
    assert!(
        content.ends_with("请立即报告：分管领导 钱七 13800000005、信访部门 0871-12345100。"),
        "{content}"
    );

    // On a wide screen the banner says the roles too, from the first second.
    let mut h = Harness::new(160, 48, Some("张三"));
    let alerts = alerts_for(&visit, &[], &h.app.settings, "张三", h.clock);
    h.store.add_visit(&visit).unwrap();
    for (entry, lines) in &alerts {
        h.store.insert_entry_raising(entry, Some(lines)).unwrap();
    }
    // The running app reads the alerts on its next reload (every 2 s).
    h.tick_to(h.clock + chrono::Duration::seconds(2));
    let s = h.screen();
    let banner = format!("{}\n{}", s[1], s[2]);
    assert!(
        banner.contains("请立即报告 带班领导 王五 13800000003、分管领导 钱七 13800000005、信访部门 0871-12345100"),
        "{banner}"
    );
}

#[test]
fn a_long_paste_into_the_lookup_box_is_cut_and_says_so() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('2'));
    h.key(Key::ch('n'));
    h.paste(&"张".repeat(100));
    let text = h.text();
    assert!(text.contains("只取了前 40 个字"), "{text}");
    assert_eq!(
        h.app
            .screens
            .visits
            .lookup
            .as_ref()
            .unwrap()
            .query
            .text()
            .chars()
            .count(),
        40
    );
}

/// A visit registered straight into the store (another terminal, or days gone by): 访客N at
/// `minutes` past 2026-11-01 00:00, under 其他 so it needs no ID number.
fn add_visitor(store: &mut zhiban::store::Store, n: usize, minutes: i64) -> i64 {
    use zhiban::core::visit::{VisitDraft, build_visit};
    let t = at("2026-11-01 00:00:00") + chrono::Duration::minutes(minutes);
    let draft = VisitDraft {
        name: format!("访客{n}"),
        id_type: "其他".into(),
        id_number: format!("介绍信 {n}"),
        purpose: "联系工作".into(),
        host: "办公室".into(),
        entered_at: t.format("%Y-%m-%d %H:%M").to_string(),
        ..VisitDraft::default()
    };
    let visit = build_visit(&draft, "李四", t, t.date()).unwrap_or_else(|e| panic!("a valid visit: {e:?}"));
    store.add_visit(&visit).unwrap()
}

#[test]
fn all_visits_are_read_a_page_at_a_time_as_the_officer_scrolls() {
    let mut h = Harness::new(80, 24, Some("张三"));
    // 260 visits, one a minute; 访客259 is the newest.
    for n in 0..260 {
        add_visitor(&mut h.store, n, i64::try_from(n).unwrap());
    }
    h.key(Key::ch('2'));
    assert!(
        h.app.screens.visits.all.rows.is_empty(),
        "opening the tab reads who is inside only"
    );
    h.key(Key::ch('a'));
    let first = h.text();
    assert!(first.contains("全部来访") && first.contains("访客259"), "{first}");
    assert_eq!(h.app.screens.visits.all.rows.len(), 50, "one page read");
    // Down past the first page: the next one is read before the officer gets there.
    for _ in 0..60 {
        h.key(Key::plain(KeyCode::Down));
    }
    let moved = h.text();
    assert!(moved.contains("访客199"), "the 61st newest is on screen:\n{moved}");
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().fields.name, "访客199");
    assert!(h.app.screens.visits.all.rows.len() >= 100, "a second page was read");
    // Page down to the oldest: never more than four pages held.
    for _ in 0..20 {
        h.key(Key::plain(KeyCode::PageDown));
        assert!(h.app.screens.visits.all.rows.len() <= 200);
    }
    let oldest = h.text();
    assert!(oldest.contains("访客0"), "{oldest}");
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().fields.name, "访客0");
    assert!(!h.app.screens.visits.all.more_older);
    // And back up to the newest: the dropped pages are read again.
    for _ in 0..20 {
        h.key(Key::plain(KeyCode::PageUp));
    }
    for _ in 0..5 {
        h.key(Key::plain(KeyCode::Up));
    }
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().fields.name, "访客259");
    assert!(!h.app.screens.visits.all.more_newer);
    // Enter opens the visit read whole.
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("第 260 号来访"), "{}", h.text());
    h.key(Key::plain(KeyCode::Esc));
    // 'a' again: who is inside; the pages are let go.
    h.key(Key::ch('a'));
    assert!(h.app.screens.visits.all.rows.is_empty());
}

#[test]
fn all_visits_follow_what_another_terminal_registers() {
    let mut h = Harness::new(80, 24, Some("张三"));
    for n in 0..120 {
        add_visitor(&mut h.store, n, i64::try_from(n).unwrap());
    }
    h.key(Key::ch('2'));
    h.key(Key::ch('a'));
    let mut other = zhiban::store::Store::open(h.store.path()).unwrap();
    // On the newest visit: the new one appears on top, and is selected.
    let newer = add_visitor(&mut other, 500, 500);
    h.tick_to(at("2026-11-23 03:10:01"));
    let top = h.text();
    assert!(top.contains("访客500"), "{top}");
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().id, newer);
    // Further down: the officer stays on the visit they selected.
    for _ in 0..70 {
        h.key(Key::plain(KeyCode::Down));
    }
    let chosen = h.app.screens.visits.selected_visit().unwrap().id;
    add_visitor(&mut other, 501, 501);
    h.tick_to(at("2026-11-23 03:10:02"));
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().id, chosen);
    assert!(
        h.app.screens.visits.all.more_newer,
        "newer visits are above, to be read when scrolled to"
    );
    for _ in 0..75 {
        h.key(Key::plain(KeyCode::Up));
    }
    assert_eq!(h.app.screens.visits.selected_visit().unwrap().fields.name, "访客501");
}

/// An office whose leaders are 值班领导 in config: the alerts and the watch-list notice say so.
#[test]
fn an_office_that_says_zhiban_lingdao_is_told_to_report_to_its_zhiban_lingdao() {
    use zhiban::core::keymap::Action;
    use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
    use zhiban::core::visit_screen::{VisitScreen, alerts_for};
    let config = "[[people]]\nname = \"张三\"\nrole = \"值班员\"\n\
                  [[people]]\nname = \"王五\"\nrole = \"值班领导\"\nphone = \"13800000003\"\n";
    let settings = zhiban::config::parse(config, Some(std::path::Path::new("/tmp/zhiban-test.toml")))
        .expect("a valid config")
        .settings;
    let now = at("2026-11-23 09:00:00");
    let draft = VisitDraft {
        name: "张三".into(),
        id_type: "居民身份证".into(),
        id_number: ID.into(),
        phone: "13812345678".into(),
        purpose: "信访".into(),
        host: "办公室".into(),
        people_count: "12".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![RepresentativeDraft {
            name: "张三".into(),
            ..RepresentativeDraft::default()
        }],
        liaison: Some(0),
        ..VisitDraft::default()
    };
    let visit = build_visit(&draft, "张三", now, now.date()).expect("a valid collective petition");
    let alerts = alerts_for(&visit, &[], &settings, "张三", now);
    assert_eq!(alerts.len(), 1);
    let content = &alerts[0].0.content;
    assert!(
        content.contains("请立即报告：值班领导 王五 13800000003") && !content.contains("带班"),
        "{content}"
    );

    let mut screen = VisitScreen::default();
    screen.on_watch_action(Action::AddWatch, &settings, "张三");
    let notice = screen
        .form
        .as_ref()
        .and_then(|(f, _)| f.notice.clone())
        .expect("a notice for an officer");
    assert!(notice.contains("关注名单由值班领导掌握"), "{notice}");
}

#[test]
fn a_gate_guard_sees_a_petition_visit_on_the_board_but_not_its_matter() {
    use zhiban::core::people::{Person, Role};
    use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
    let mut h = Harness::new(100, 30, Some("张三"));
    let now = h.clock;
    let draft = VisitDraft {
        name: "刘大爷".into(),
        id_type: "居民身份证".into(),
        id_number: ID.into(),
        phone: "13812345678".into(),
        purpose: "反映征地补偿款的事".into(),
        host: "办公室".into(),
        people_count: "1".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![RepresentativeDraft::default()],
        ..VisitDraft::default()
    };
    let visit = build_visit(&draft, "张三", now, now.date()).expect("a valid petition");
    let id = h.store.add_visit(&visit).unwrap();
    // The duty officer reads it whole.
    h.key(Key::ch('2'));
    h.key(Key::plain(KeyCode::Enter));
    let text = h.text();
    assert!(text.contains(&format!("第 {id} 号来访")), "{text}");
    assert!(
        text.contains("征地补偿款未发放") && text.contains("城关镇河西村"),
        "{text}"
    );
    h.key(Key::plain(KeyCode::Esc));
    // The gate guard, whose role has [[access]] without 信访详情, reads the board's facts only.
    h.app.settings.people.push(Person {
        name: "孙门卫".into(),
        role: Role::Guard,
        phone: String::new(),
    });
    h.app.settings.access = vec![(Role::Guard, vec!["来访登记".into()])];
    h.app.operator = Some("孙门卫".into());
    h.key(Key::plain(KeyCode::Enter));
    let text = h.text();
    assert!(text.contains("刘大爷"), "the board's facts stay: {text}");
    for secret in ["征地补偿款", "城关镇河西村", "反映征地"] {
        assert!(!text.contains(secret), "{secret} shown to the guard:\n{text}");
    }
    assert!(text.contains("详情仅值班人员可见"), "{text}");
}

/// A lookup cut by its time budget (here marked cut as the store would have answered it) says
/// so, never 没有找到, and F5 looks through every visit.
#[test]
fn a_cut_lookup_says_it_is_not_complete_and_f5_looks_through_everything() {
    let mut h = Harness::new(80, 24, Some("张三"));
    register_first_visit(&mut h);
    h.key(Key::ch('n'));
    for c in "wangwu".chars() {
        h.key(Key::ch(c));
    }
    h.pause();
    assert!(h.text().contains("没有找到"), "{}", h.text());
    h.app.screens.visits.lookup.as_mut().unwrap().cut = true;
    let cut = h.text();
    assert!(
        cut.contains("未查完") && cut.contains("按 F5") && !cut.contains("没有找到"),
        "{cut}"
    );
    h.key(Key::plain(KeyCode::F(5)));
    let whole = h.text();
    assert!(
        whole.contains("没有找到") && !whole.contains("未查完"),
        "after F5 the whole answer:\n{whole}"
    );
}
