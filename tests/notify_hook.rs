//! The SMS or voice hook (issue 19, item 1), driven through the real app and store with a fixed
//! clock and fake platforms: one that records its arguments and standard input, one that hangs
//! and one that fails. An urgent event reaches the duty leader's phone when raised and the office
//! director's when it climbs; each outcome is on the event's timeline; a second terminal or a
//! restart never sends twice; a failure is said once; `zhiban notify test` runs it by hand.

mod cli_common;
mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::hook::HookSettings;
use zhiban::runtime::hook::HookRunner;

fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// A fake platform that appends "arguments|stdin" as one line to `log` and answers OK.
fn recorder(dir: &std::path::Path, log: &std::path::Path) -> String {
    script(
        dir,
        "send",
        &format!(
            "printf '%s|' \"$@\" >> {0}; cat >> {0}; echo >> {0}; echo 'OK 已受理 短信编号 77'",
            log.display()
        ),
    )
}

fn hook(command: String, timeout: u64) -> HookSettings {
    HookSettings {
        command: vec![command, "{phone}".into()],
        timeout_seconds: timeout,
        ..HookSettings::default()
    }
}

/// The app on a fresh file at 80×24 with `settings`' hook really running.
fn harness(settings: &HookSettings) -> Harness {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.app.settings.notify = settings.clone();
    h.alerter.runner = Some(HookRunner::start(settings.clone()));
    h
}

fn add_event(h: &mut Harness, received: &str) -> i64 {
    common::add_major_event(h, received, "河堤决口，张某某受伤")
}

/// Waits for the run under way to finish (the fake's own time, not a guess) and hands its outcome
/// to the app at the next tick.
fn finish_run(h: &mut Harness) {
    let outcome = h
        .alerter
        .runner
        .as_ref()
        .unwrap()
        .wait(Duration::from_secs(30))
        .expect("the run finishes");
    h.alerter.outcomes.push(outcome);
    let next = h.clock + chrono::Duration::seconds(1);
    h.tick_to(next);
}

fn timeline(h: &Harness, id: i64) -> Vec<String> {
    h.store.timeline(id).unwrap().into_iter().map(|l| l.text).collect()
}

#[test]
fn an_escalation_reaches_the_leaders_phone_through_the_fake_platform() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sent.txt");
    let settings = hook(recorder(dir.path(), &log), 10);
    let mut h = harness(&settings);
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    // Raised: the first rung is the duty leader, 王五.
    assert_eq!(h.alerter.hooks.len(), 1, "{:?}", h.alerter.hooks);
    assert_eq!(h.alerter.hooks[0].name, "王五");
    finish_run(&mut h);
    let sent = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        sent.trim_end(),
        "13800000003|【值班室】紧急事项：重大 自然灾害，11-23 03:10。请尽快联系值班室。",
        "the phone as its argument, level, category and time on stdin — no content, no names"
    );
    assert!(!sent.contains("河堤") && !sent.contains("张某某"));
    let lines = timeline(&h, id);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("短信/语音通知 王五 尾号0003：已发出（退出码 0）")
                && l.contains("输出：OK 已受理 短信编号 77")),
        "{lines:?}"
    );
    // Nobody acknowledges for 10 minutes: it climbs to the office director, whose phone rings.
    h.tick_to(at("2026-11-23 03:20:02"));
    assert_eq!(h.alerter.hooks.len(), 2, "{:?}", h.alerter.hooks);
    assert_eq!(h.alerter.hooks[1].name, "赵六");
    assert_eq!(h.alerter.hooks[1].phone, "0871-12345678");
    finish_run(&mut h);
    assert!(std::fs::read_to_string(&log).unwrap().contains("0871-12345678|"));
    assert!(
        timeline(&h, id)
            .iter()
            .any(|l| l.starts_with("短信/语音通知 赵六 尾号5678：已发出"))
    );
    // Reminders at the same rung send nothing more.
    h.tick_to(at("2026-11-23 03:30:00"));
    assert_eq!(h.alerter.hooks.len(), 2);
    assert!(h.store.verify(true).unwrap().is_ok());

    // A restart (or a second terminal) sees the same open event: nothing is sent again.
    let mut h = h.restart(at("2026-11-23 03:31:00"));
    h.app.settings.notify = settings.clone();
    h.alerter.runner = Some(HookRunner::start(settings));
    h.tick_to(at("2026-11-23 03:31:05"));
    assert!(h.alerter.hooks.is_empty(), "claimed before: {:?}", h.alerter.hooks);
}

#[test]
fn a_platform_that_hangs_or_fails_never_blocks_and_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let hang = hook(script(dir.path(), "hang", "sleep 1000"), 1);
    let mut h = harness(&hang);
    let id = add_event(&mut h, "2026-11-23 03:10:00");
    assert_eq!(h.alerter.hooks.len(), 1, "queued; the screen went on");
    assert!(h.text().contains("紧急"), "the banner is up meanwhile");
    finish_run(&mut h);
    let lines = timeline(&h, id);
    assert!(
        lines.iter().any(|l| l.contains("未发出：1 秒内没有结束，已终止")),
        "{lines:?}"
    );
    let said = h.text();
    assert!(said.contains("短信/语音通知接口未能发出"), "{said}");

    // Failing too: not said again until one goes through.
    let fail = hook(script(dir.path(), "fail", "echo 'ERR 余额不足' >&2; exit 3"), 5);
    h.alerter.runner = Some(HookRunner::start(fail.clone()));
    h.app.settings.notify = fail;
    h.tick_to(at("2026-11-23 03:20:02"));
    h.key(zhiban::core::keymap::Key::ch('2'));
    h.key(zhiban::core::keymap::Key::ch('1'));
    assert_eq!(h.alerter.hooks.len(), 2, "{:?}", h.alerter.hooks);
    finish_run(&mut h);
    let lines = timeline(&h, id);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("发送失败（退出码 3）") && l.contains("输出：ERR 余额不足")),
        "{lines:?}"
    );
    assert!(
        !h.text().contains("短信/语音通知接口未能发出"),
        "said once:\n{}",
        h.text()
    );
}

#[test]
fn without_a_command_nothing_is_sent() {
    let mut h = Harness::new(80, 24, Some("张三"));
    add_event(&mut h, "2026-11-23 03:10:00");
    h.tick_to(at("2026-11-23 03:20:05"));
    assert!(h.alerter.hooks.is_empty());
}

#[test]
fn notify_test_runs_the_command_by_hand() {
    let sb = cli_common::Sandbox::new();
    let log = sb.dir.path().join("sent.txt");
    let fake = recorder(sb.dir.path(), &log);
    let config = sb.file(
        "config.toml",
        &format!("[notify]\ncommand = [\"{fake}\", \"--to\", \"{{phone}}\"]\ntimeout_seconds = 5\n"),
    );
    let out = sb.run(&["--config", config.to_str().unwrap(), "notify", "test", "13900000009"]);
    let said = cli_common::success(&out);
    assert!(
        said.contains("短信/语音通知 试发 尾号0009：已发出（退出码 0）"),
        "{said}"
    );
    let sent = std::fs::read_to_string(&log).unwrap();
    assert!(sent.starts_with("--to|13900000009|【值班室】测试消息"), "{sent}");
    // Failing: exit 1 with the reason; not configured, or not a number: exit 2.
    let fail = script(sb.dir.path(), "fail", "exit 4");
    let config = sb.file(
        "fail.toml",
        &format!("[notify]\ncommand = [\"{fail}\", \"{{phone}}\"]\n"),
    );
    let out = sb.run(&["--config", config.to_str().unwrap(), "notify", "test", "13900000009"]);
    assert_eq!(out.status.code(), Some(1), "{}", cli_common::stderr(&out));
    assert!(cli_common::stdout(&out).contains("发送失败（退出码 4）"));
    let out = sb.run(&["notify", "test", "13900000009"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli_common::stderr(&out).contains("没有配置短信/语音接口"));
    let out = sb.run(&["--config", config.to_str().unwrap(), "notify", "test", "1; rm -rf /"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A collective-visit alert raised by 来访登记: the `[visit] report_to` people's phones, once each
/// (the duty leader is also the ladder's first rung), with no names or matter in the message.
#[test]
fn a_collective_visit_alert_reaches_whom_to_report_to() {
    use zhiban::core::log::{LogField, RawValues, build_entry};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sent.txt");
    let settings = hook(recorder(dir.path(), &log), 10);
    let mut h = harness(&settings);
    let t = at("2026-11-23 09:30:00");
    let raw: RawValues = [
        (LogField::Kind, "事件"),
        (LogField::Unit, zhiban::core::visit_screen::ALERT_UNIT),
        (LogField::Content, "集体访：城关镇河西村 12 人反映宅基地纠纷"),
        (LogField::Triage, "请示"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let entry = build_entry(&raw, "张三", t).unwrap();
    let ladder = parse(DEFAULT_TOML, None).unwrap().settings.urgent.ladder;
    h.store
        .insert_entry_raising(&entry, Some(&zhiban::core::urgent::raised(t, &ladder)))
        .unwrap();
    h.clock = t;
    h.tick_to(t + chrono::Duration::seconds(2));
    let names: Vec<&str> = h.alerter.hooks.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"王五"), "{names:?}");
    let phones: Vec<&str> = h.alerter.hooks.iter().map(|c| c.phone.as_str()).collect();
    let mut unique = phones.clone();
    unique.dedup();
    assert_eq!(phones.len(), unique.len(), "each phone once: {phones:?}");
    let message = &h.alerter.hooks[0].message;
    assert!(
        message.starts_with("【值班室】来访告警：请示 集体访，11-23 09:30"),
        "{message}"
    );
    assert!(!message.contains("河西村") && !message.contains("宅基地"), "{message}");
}

/// `uses = ["交办逾期", "电话通知"]`: a 交办 past its deadline reaches its 承办人 once, and a notice
/// recipient whose phone went unanswered gets a message after each unanswered call; what each run
/// did is kept with the claim and shown in 督办; a restart sends nothing again.
#[test]
fn an_overdue_task_and_an_unanswered_notice_reach_their_people_once() {
    use zhiban::core::hook::{HookUse, SendKind};
    use zhiban::core::instruction::{CallOutcome, ItemRef, NewPhoneNotice, NewTask, NoticeCall};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sent.txt");
    let settings = HookSettings {
        uses: vec![HookUse::OverdueTask, HookUse::NoticeCall],
        ..hook(recorder(dir.path(), &log), 10)
    };
    let mut h = harness(&settings);
    h.save_call("城关镇", "王某", "路灯不亮");
    let task = h
        .store
        .add_tasks(&NewTask {
            item: ItemRef::Entry(1),
            instruction_id: None,
            assignees: vec!["李四".into()],
            requirement: "到场核实并反馈，涉及张某某".into(),
            due: at("2026-11-23 03:30:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 03:10:10"),
        })
        .unwrap()[0];
    let notice = h
        .store
        .add_notice(&NewPhoneNotice {
            content: "明早八点到县政府三楼开防汛会".into(),
            meeting_at: None,
            place: String::new(),
            reply_needed: false,
            recipients: vec!["王五".into()],
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 03:10:20"),
        })
        .unwrap();
    let recipient = h.store.notices(0).unwrap().0[0].recipients[0].id;
    h.store
        .add_notice_call(
            notice,
            recipient,
            &NoticeCall {
                outcome: CallOutcome::NotReached,
                taker: String::new(),
                read_back: false,
                at: at("2026-11-23 03:11:00"),
                recorded_by: "张三".into(),
            },
        )
        .unwrap();
    h.tick_to(at("2026-11-23 03:12:00"));
    assert!(h.alerter.hooks.is_empty(), "nothing due yet: {:?}", h.alerter.hooks);

    // 15 minutes after the unanswered call: 王五 gets a message, without the notice's content.
    h.tick_to(at("2026-11-23 03:26:31"));
    assert_eq!(h.alerter.hooks.len(), 1, "{:?}", h.alerter.hooks);
    assert_eq!(
        (h.alerter.hooks[0].name.as_str(), h.alerter.hooks[0].phone.as_str()),
        ("王五", "13800000003")
    );
    finish_run(&mut h);
    // Past its deadline: the 交办's 承办人 李四 gets one.
    h.tick_to(at("2026-11-23 03:31:01"));
    assert_eq!(h.alerter.hooks.len(), 2, "{:?}", h.alerter.hooks);
    assert_eq!(h.alerter.hooks[1].name, "李四");
    finish_run(&mut h);
    let sent = std::fs::read_to_string(&log).unwrap();
    assert!(
        sent.contains("13800000003|【值班室】有第 1 号电话通知给您，电话未接通。请尽快回电值班室。"),
        "{sent}"
    );
    assert!(
        sent.contains(&format!(
            "13800000002|【值班室】第 {task} 号交办事项已过时限（11-23 03:30）。请尽快办理并向值班室反馈。"
        )),
        "{sent}"
    );
    assert!(
        !sent.contains("防汛") && !sent.contains("张某某"),
        "no content by default: {sent}"
    );
    let task_lines = h.store.send_lines(SendKind::OverdueTask, &[task]).unwrap();
    assert!(
        task_lines[0]
            .line
            .starts_with("短信/语音通知 李四 尾号0002：已发出（退出码 0）"),
        "{task_lines:?}"
    );
    let notice_lines = h.store.send_lines(SendKind::NoticeCall, &[recipient]).unwrap();
    assert!(
        notice_lines[0].line.contains("王五 尾号0003：已发出"),
        "{notice_lines:?}"
    );
    // 督办 shows what was sent, with the task.
    h.tick_to(at("2026-11-23 03:32:00"));
    let at_tasks = zhiban::core::app::goto_items()
        .iter()
        .position(|i| i.label == zhiban::core::screens::ScreenId::Tasks.label())
        .unwrap();
    h.key(zhiban::core::keymap::Key::ch(':'));
    h.keys(zhiban::core::keymap::KeyCode::Down, at_tasks);
    h.key(zhiban::core::keymap::Key::plain(zhiban::core::keymap::KeyCode::Enter));
    let board = h.text();
    assert!(
        board.contains("催办 11-23 03:30：短信/语音通知 李四 尾号0002：已发出"),
        "{board}"
    );

    // A restart: the same reminders fall due again, nothing is sent again.
    let mut h = h.restart(at("2026-11-23 03:40:00"));
    h.app.settings.notify = settings.clone();
    h.alerter.runner = Some(HookRunner::start(settings));
    h.tick_to(at("2026-11-23 03:41:00"));
    assert!(h.alerter.hooks.is_empty(), "claimed before: {:?}", h.alerter.hooks);
    assert!(h.store.verify(true).unwrap().is_ok());
}

/// `uses = ["漏岗"]`: a shift nobody signed on for reaches its duty leader's phone once (the
/// bell rings on every ten minutes; the SMS does not), with the shift's start only.
#[test]
fn missed_post_reaches_the_shifts_duty_leader_once() {
    use zhiban::core::hook::{HookUse, SendKind, shift_ref};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sent.txt");
    let settings = HookSettings {
        uses: vec![HookUse::MissedPost],
        ..hook(recorder(dir.path(), &log), 10)
    };
    let mut h = harness(&settings);
    // The office signs on (李四, yesterday): from now on 漏岗 is watched.
    h.store
        .add_signon(at("2026-11-22 08:30:00"), "李四", "李四", at("2026-11-22 08:20:00"))
        .unwrap();
    let mut h = h.restart(at("2026-11-23 08:59:00"));
    h.app.settings.notify = settings.clone();
    h.alerter.runner = Some(HookRunner::start(settings.clone()));
    h.tick_to(at("2026-11-23 09:00:02"));
    // 11-23 is 张三's shift, led by 王五.
    assert_eq!(h.alerter.hooks.len(), 1, "{:?}", h.alerter.hooks);
    assert_eq!(h.alerter.hooks[0].name, "王五");
    finish_run(&mut h);
    let sent = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        sent.trim_end(),
        "13800000003|【值班室】漏岗提醒：11-23 08:30 开始的班次已过 30 分钟无人到岗签到。请联系值班室。"
    );
    assert!(!sent.contains("张三"), "no names: {sent}");
    h.tick_to(at("2026-11-23 09:25:00"));
    assert_eq!(h.alerter.hooks.len(), 1, "once a shift");
    let lines = h
        .store
        .send_lines(SendKind::MissedPost, &[shift_ref(at("2026-11-23 08:30:00"))])
        .unwrap();
    assert!(
        lines[0].line.starts_with("短信/语音通知 王五 尾号0003：已发出"),
        "{lines:?}"
    );
    h.key(zhiban::core::keymap::Key::ch('4'));
    h.key(zhiban::core::keymap::Key::ch('r'));
    assert!(
        h.text().contains("漏岗短信 11-23 09:00：短信/语音通知 王五"),
        "{}",
        h.text()
    );
    // A restart does not send it again.
    let mut h = h.restart(at("2026-11-23 09:30:00"));
    h.app.settings.notify = settings.clone();
    h.alerter.runner = Some(HookRunner::start(settings));
    h.tick_to(at("2026-11-23 09:30:05"));
    assert!(h.alerter.hooks.is_empty(), "{:?}", h.alerter.hooks);
}
