//! Urgent events end to end inside the library: the real app and store on a temporary file,
//! the fixed clock moved second by second, the screen read from `TestBackend`, the bell and the
//! desktop notifications recorded by a double.

mod common;

use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::Notice;
use zhiban::core::escalation::EventState;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::urgent::{AlertTarget, EventDraft, Level, ReportType, TimelineLine, new_event};

/// Records a 重大 event the way `zhiban event add` does, received at `received`.
fn add_event(h: &mut Harness, received: &str, summary: &str) -> i64 {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        t - chrono::Duration::minutes(10),
        "李家集镇",
        summary,
    );
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
    let lines = zhiban::core::urgent::raised(t, &settings.urgent.ladder);
    let id = h.store.insert_event(&event, &lines).unwrap();
    // The running app notices new events on its next reload (every 2 s), as it would one
    // written by another terminal or a script.
    h.clock = t;
    h.tick_to(t + chrono::Duration::seconds(2));
    id
}

fn banner(h: &mut Harness) -> String {
    let s = h.screen();
    format!("{}\n{}", s[1], s[2])
}

#[test]
fn banner_and_countdown_show_on_another_tab_at_80x24_and_f2_acknowledges() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00", "山体滑坡，两户房屋受损");
    h.tick_to(at("2026-11-23 03:27:20"));
    assert_eq!(
        h.app.tab(),
        zhiban::core::app::Tab::Log,
        "the officer is on the duty log, not the events tab"
    );
    let b = banner(&mut h);
    assert!(
        b.contains("【紧急·未确认】按 F2 确认") && b.contains("第1号 重大 自然灾害"),
        "{b}"
    );
    // The most pressing clock leads: the duty leader's 10 minutes ran out at 03:20; the upward
    // phone and written clocks are still running behind it.
    assert!(b.contains("报带班领导 电话 超时 07:20；另有 2 项"), "{b}");
    assert!(h.text().contains("告警：1 件未确认"), "{}", h.text());
    assert!(h.alerter.rings >= 1, "an unacknowledged event rings");

    h.key(Key::plain(KeyCode::F(2)));
    let b = banner(&mut h);
    assert!(
        b.contains("已确认") && b.contains("报带班领导 电话 超时 07:20"),
        "after ack the clocks stay on screen:\n{b}"
    );
    let event = h.store.event(id).unwrap();
    assert_eq!(event.escalation.state, EventState::Acknowledged);
    let timeline = h.store.timeline(id).unwrap();
    assert!(
        timeline.iter().any(|l| l.who == "张三" && l.text.starts_with("确认")),
        "{timeline:?}"
    );
}

#[test]
fn an_overdue_report_turns_red_and_says_how_late() {
    let mut h = Harness::new(80, 24, Some("张三"));
    add_event(&mut h, "2026-11-23 03:10:00", "化工厂泄漏");
    h.key(Key::plain(KeyCode::F(2)));
    h.tick_to(at("2026-11-23 03:55:00"));
    let b = banner(&mut h);
    assert!(b.contains("报带班领导 电话 超时 35:00；另有 2 项"), "{b}");
    let buf = h.terminal.backend().buffer().clone();
    assert_eq!(buf[(0, 1)].bg, ratatui::style::Color::Red, "overdue is red");
    // The event's detail lists every recipient's clock with how late or how long is left.
    h.key(Key::ch('3'));
    h.key(Key::plain(KeyCode::Enter));
    let text = h.text();
    assert!(text.contains("上级总值班室"), "{text}");
    assert!(
        text.contains("超时 15:00"),
        "the upward phone report, due 03:40:\n{text}"
    );
    assert!(
        text.contains("剩 15:00"),
        "the upward written report, due 04:10:\n{text}"
    );
}

#[test]
fn nobody_acknowledges_so_it_escalates_with_whom_to_phone() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00", "河堤决口");
    let rings_at_start = h.alerter.rings;
    // From the first second: the duty leader, with his number.
    assert!(
        banner(&mut h).contains("请电话 带班领导：王五 13800000003"),
        "{}",
        banner(&mut h)
    );
    h.tick_to(at("2026-11-23 03:21:00"));
    let timeline: Vec<String> = h.store.timeline(id).unwrap().into_iter().map(|l| l.text).collect();
    assert!(
        timeline.contains(&"10分钟无人确认，升级至办公室主任".to_string()),
        "{timeline:?}"
    );
    assert!(
        h.alerter.rings > rings_at_start + 1,
        "reminders and the escalation ring"
    );
    h.key(Key::ch('3'));
    let text = h.text();
    assert!(
        text.contains("办公室主任：赵六 0871-12345678"),
        "the screen says whom to phone:\n{text}"
    );
}

#[test]
fn reopened_two_hours_later_the_clocks_and_the_ladder_are_right() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 01:00:00", "危化品车辆侧翻");
    // The app is closed at 01:04 and started again at 03:00.
    h.tick_to(at("2026-11-23 01:04:00"));
    let mut h = h.restart(at("2026-11-23 03:00:00"));
    let b = banner(&mut h);
    assert!(b.contains("报带班领导 电话 超时 1:50:00；另有 2 项"), "{b}");
    assert!(h.alerter.rings >= 1, "reopening with an unacknowledged event rings");
    let event = h.store.event(id).unwrap();
    assert_eq!(event.escalation.rung, 1, "climbed the whole ladder while closed");
    let timeline = h.store.timeline(id).unwrap();
    let catch_up: Vec<&TimelineLine> = timeline.iter().filter(|l| l.text.contains("补记")).collect();
    assert!(!catch_up.is_empty());
    // Reminders every 3:20 on the first rung (10 min, 2 repeats): 01:03:20 happened live, the
    // next one, due at 01:06:40 while the app was closed, is recorded at its due time.
    assert!(
        timeline
            .iter()
            .any(|l| l.at == at("2026-11-23 01:03:20") && !l.text.contains("补记")),
        "{timeline:#?}"
    );
    assert_eq!(
        catch_up[0].at,
        at("2026-11-23 01:06:40"),
        "each missed step is stamped when it was due"
    );
}

#[test]
fn a_new_event_from_the_form_rings_and_notifies_without_its_content() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('3'));
    h.key(Key::ch('n'));
    // The form opens on 等级, with no level chosen: saving now is refused and says so.
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("请选择等级"), "{}", h.text());
    assert!(h.store.open_events().unwrap().is_empty());
    // ← / → choose: 特别重大, then 重大.
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::plain(KeyCode::Right));
    // Then the place and the summary.
    for _ in 0..3 {
        h.key(Key::plain(KeyCode::Tab));
    }
    h.type_text("城关镇张庄村");
    h.key(Key::plain(KeyCode::Tab));
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("民房倒塌，三人被困");
    h.key(Key::ctrl('s'));
    let text = h.text();
    assert!(text.contains("已保存：第 1 号紧急事件"), "{text}");
    assert!(text.contains("民房倒塌"), "{text}");
    assert!(h.alerter.rings >= 1);
    let Notice { title, body } = h.alerter.notices.first().cloned().expect("a desktop notification");
    assert_eq!(body, "重大 自然灾害 接报 03:10");
    for secret in ["民房", "张庄", "被困"] {
        assert!(
            !title.contains(secret) && !body.contains(secret),
            "notification leaks {secret}: {title} {body}"
        );
    }
}

#[test]
fn reports_stop_the_clocks_and_follow_ups_are_numbered() {
    let mut h = Harness::new(160, 48, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00", "山洪");
    h.key(Key::plain(KeyCode::F(2)));
    h.key(Key::ch('3'));
    h.tick_to(at("2026-11-23 03:20:00"));
    // Each p opens on the most pressing running deadline: the duty leader (due 03:20), then the
    // general duty office by phone (03:40), then in writing (04:10).
    for _ in 0..3 {
        h.key(Key::ch('p'));
        h.tick_to(h.clock + chrono::Duration::seconds(1));
        h.key(Key::ctrl('s'));
        h.tick_to(h.clock + chrono::Duration::seconds(1));
    }
    let names: Vec<String> = h
        .store
        .reports(id)
        .unwrap()
        .into_iter()
        .map(|r| format!("{}{}报{}", r.channel.label(), r.kind, r.recipient))
        .collect();
    assert_eq!(
        names,
        ["电话初报报带班领导", "电话初报报上级总值班室", "书面初报报上级总值班室"]
    );
    let event = h.store.event(id).unwrap();
    let sent: Vec<_> = event
        .clocks
        .iter()
        .map(|c| {
            (
                c.setting.recipient.as_str(),
                c.phone_sent.is_some(),
                c.written_sent.is_some(),
            )
        })
        .collect();
    assert_eq!(sent, [("带班领导", true, false), ("上级总值班室", true, true)]);
    assert!(
        !h.screen()[1].contains("【紧急"),
        "with every recipient reported to and the event acknowledged, the banner goes away"
    );
    assert!(h.text().contains("已报 03:20"), "{}", h.text());
    let report = h.store.reports(id).unwrap()[1].clone();
    let r = h.store.add_report(id, ReportType::Final, &report, &[]).unwrap();
    assert_eq!(r, "终报");
}

#[test]
fn follow_up_times_ask_for_a_report_until_the_final_one() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 07:50:00", "森林火情");
    h.key(Key::plain(KeyCode::F(2)));
    h.tick_to(at("2026-11-23 07:59:50"));
    let rings = h.alerter.rings;
    h.tick_to(at("2026-11-23 08:00:05"));
    assert!(h.alerter.rings > rings, "the follow-up time rings");
    let said = h.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("续报时刻 08:00"), "{said}");
    let timeline = h.store.timeline(id).unwrap();
    assert!(
        timeline
            .iter()
            .any(|l| l.text == "续报时刻 08:00：请报送续报" && l.at == at("2026-11-23 08:00:00"))
    );
}

#[test]
fn a_config_change_never_rewrites_an_existing_events_deadlines() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00", "x");
    let stricter = DEFAULT_TOML.replace("phone_minutes = 30", "phone_minutes = 15");
    let settings = parse(&stricter, None).unwrap().settings;
    assert!(settings.urgent.rules.iter().any(|r| r.phone_minutes == 15));
    let event = h.store.event(id).unwrap();
    let upward = event.clock_of("上级总值班室").unwrap();
    assert_eq!(upward.setting.phone_minutes, 30);
    assert_eq!(upward.setting.phone_due, at("2026-11-23 03:40:00"));
    // And the database refuses to change the copied rule.
    assert!(
        h.store
            .execute_raw_for_tests("UPDATE urgent_event SET rule_phone_minutes = 15")
            .is_err()
    );
}

#[test]
fn a_step_taken_by_another_terminal_is_not_written_twice() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let id = add_event(&mut h, "2026-11-23 03:10:00", "x");
    let before = h.store.event(id).unwrap().escalation;
    let mut after = before.clone();
    after.state = EventState::Acknowledged;
    assert!(
        h.store
            .save_escalation(AlertTarget::Event(id), &before, &after, &[])
            .unwrap()
    );
    assert!(
        !h.store
            .save_escalation(AlertTarget::Event(id), &before, &after, &[])
            .unwrap(),
        "the second writer sees the state moved on"
    );
}

#[test]
fn the_real_desktop_notifier_gives_up_within_its_limit() {
    // On a machine without a session bus this fails fast; with a stuck notification server it
    // must still return at the limit. Either way the caller is never held longer.
    let notice = Notice {
        title: "值班提醒：测试".into(),
        body: "一般 其他 接报 00:00".into(),
    };
    let started = std::time::Instant::now();
    let result = zhiban::runtime::notify::send_with_limit(&notice, std::time::Duration::from_secs(2));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    if let Err(why) = result {
        assert!(why.contains("桌面通知") && why.contains("横幅"), "{why}");
    }
}

#[test]
fn an_urgent_log_entry_raises_an_alert_that_escalates_and_is_acknowledged_with_f2() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text("城关镇");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("王建国");
    h.key(Key::plain(KeyCode::Tab));
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("河堤出现管涌，请示是否转移群众");
    // To 分级 and 紧急提醒: asking for an alert on a 一般 item is refused with the fix.
    while h.app.screens.log.form.as_ref().unwrap().form.focused().unwrap().label != "紧急提醒" {
        h.key(Key::plain(KeyCode::Tab));
    }
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::ctrl('s'));
    assert!(
        h.text().contains("只有“急办”或“请示”的事项可设紧急提醒"),
        "{}",
        h.text()
    );
    h.key(Key::plain(KeyCode::BackTab)); // 分级
    h.key(Key::plain(KeyCode::Left)); // 一般 -> 次日办理
    h.key(Key::plain(KeyCode::Left)); // -> 请示
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 1 号记录"), "{}", h.text());
    let b = banner(&mut h);
    assert!(
        b.contains("【紧急·未确认】按 F2 确认  第1号值班记录 请示 来电 城关镇 王建国"),
        "{b}"
    );
    assert!(
        h.alerter.notices.iter().all(|n| !n.body.contains("管涌")),
        "no content in notifications"
    );
    let rings = h.alerter.rings;
    assert!(rings >= 1);
    assert!(
        banner(&mut h).contains("请电话 带班领导：王五 13800000003"),
        "{}",
        banner(&mut h)
    );
    // Nobody acknowledges: it climbs the same ladder as an event.
    h.tick_to(at("2026-11-23 03:20:30"));
    assert!(h.alerter.rings > rings);
    assert!(
        banner(&mut h).contains("办公室主任：赵六 0871-12345678"),
        "{}",
        banner(&mut h)
    );
    h.key(Key::plain(KeyCode::F(2)));
    assert!(!banner(&mut h).contains("【紧急"), "acknowledged, the banner goes");
    h.key(Key::plain(KeyCode::Enter));
    h.keys(KeyCode::PageDown, 3);
    let text = h.text();
    assert!(
        text.contains("【紧急提醒】") && text.contains("升级至办公室主任") && text.contains("张三 确认"),
        "{text}"
    );
}

#[test]
fn a_log_entry_promoted_with_one_key_stays_linked() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("县应急管理局", "刘科长", "李家集镇山体滑坡，两户房屋受损");
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('u'));
    let text = h.text();
    assert!(text.contains("由第 1 号值班记录转为紧急事件"), "{text}");
    assert!(
        text.contains("李家集镇山体滑坡"),
        "the entry's content fills the summary:\n{text}"
    );
    // The level is the officer's call: chosen, never assumed.
    h.key(Key::ctrl('s'));
    assert!(h.store.open_events().unwrap().is_empty(), "no level, no event");
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::plain(KeyCode::Right));
    h.key(Key::ctrl('s'));
    let event = h.store.open_events().unwrap().pop().expect("an event");
    assert_eq!(event.record.log_entry_id, Some(1));
    assert_eq!(event.record.source, "县应急管理局 刘科长");
    h.key(Key::plain(KeyCode::PageDown));
    assert!(h.text().contains("由第 1 号值班记录转来"), "{}", h.text());
    // And the entry points to its event.
    assert_eq!(h.store.entry(1).unwrap().events, vec![event.id]);
    h.key(Key::ch('1'));
    assert!(h.text().contains("已转为第 1 号紧急事件"), "{}", h.text());
}

#[test]
fn quitting_says_what_is_still_running_before_asking() {
    let mut h = Harness::new(100, 30, Some("张三"));
    add_event(&mut h, "2026-11-23 03:10:00", "山体滑坡");
    h.key(Key::ch('q'));
    let text = h.text();
    assert!(text.contains("1 项紧急提醒还没有人确认"), "{text}");
    assert!(text.contains("1 个紧急事件的报送时限还在计时"), "{text}");
    assert!(text.contains("确定退出值班系统吗？"), "{text}");
    h.key(Key::ch('n'));
    assert!(!h.app.quit);
    // Acknowledged, the clocks still run: the question still says so.
    h.key(Key::plain(KeyCode::F(2)));
    h.key(Key::ch('q'));
    let text = h.text();
    assert!(!text.contains("还没有人确认"), "{text}");
    assert!(text.contains("报送时限还在计时"), "{text}");
}

/// The shipped ladder starts at the duty leader (domain.md §4: the officer at the keyboard is not
/// a rung, the 上级总值班室 receives reports and is not one either), and no banner ever tells the
/// officer at the keyboard to phone themselves, on any rung, whoever they are.
#[test]
fn the_default_ladder_starts_at_the_duty_leader_and_never_tells_the_officer_to_phone_themselves() {
    use zhiban::core::people::Role;
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let ladder = &settings.urgent.ladder;
    assert_eq!(ladder[0].name, "带班领导");
    assert_eq!(ladder[0].role, Some(Role::DutyLeader));
    assert!(
        !ladder
            .iter()
            .any(|r| r.role == Some(Role::DutyOfficer) || r.name.contains("值班员") || r.name.contains("总值班室")),
        "{ladder:?}"
    );
    for (operator, own_phone, told) in [
        ("张三", "13800000001", "带班领导：王五 13800000003"),
        // The duty leader at the keyboard himself: the next rung is named instead.
        ("王五", "13800000003", "办公室主任：赵六 0871-12345678"),
    ] {
        let mut h = Harness::new(80, 24, Some(operator));
        add_event(&mut h, "2026-11-23 03:10:00", "河堤决口");
        let b = banner(&mut h);
        assert!(b.contains(&format!("请电话 {told}")), "{operator}:\n{b}");
        // Every step of the ladder, to the last rung and past it.
        for minute in [0, 3, 4, 7, 10, 11, 20, 26, 40, 90] {
            h.tick_to(at("2026-11-23 03:10:00") + chrono::Duration::minutes(minute));
            let b = banner(&mut h);
            assert!(
                b.contains("请电话") && !b.contains(operator) && !b.contains(own_phone),
                "{operator} at +{minute} min:\n{b}"
            );
            h.key(Key::ch('3'));
            let text = h.text();
            assert!(!text.contains(own_phone), "{operator} at +{minute} min:\n{text}");
            h.key(Key::ch('1'));
        }
    }
}

/// `o` (记录通话结果) offers whom the ladder asks to phone, never the officer at the keyboard.
#[test]
fn the_call_form_never_offers_the_officer_themselves() {
    let mut h = Harness::new(80, 24, Some("王五"));
    add_event(&mut h, "2026-11-23 03:10:00", "河堤决口");
    h.key(Key::ch('3'));
    h.key(Key::ch('o'));
    let form = h.app.screens.urgent.form.as_ref().expect("the call form");
    let options = match &form
        .fields
        .iter()
        .find(|f| f.label == "联系对象")
        .expect("联系对象")
        .input
    {
        zhiban::core::form::Input::Choice { options, .. } => options.clone(),
        other => panic!("联系对象 is a choice: {other:?}"),
    };
    assert!(!options.is_empty());
    assert!(options.iter().all(|o| !o.contains("王五")), "{options:?}");
    assert!(options[0].contains("赵六"), "the next rung first: {options:?}");
}
