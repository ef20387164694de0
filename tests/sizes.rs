//! Every screen at every size: the app is brought into each state a duty officer meets (each tab,
//! the forms, a record's detail, an urgent event's banner, the visitor screens, the handover
//! draft, the roster month, search results, the daily report, help, a question, the lock screen,
//! the operator picker) and each state is drawn into buffers of many sizes — every width at a few
//! heights, every height at a few widths, the boundary sizes and a seeded random sample — and no
//! drawing may panic. The states are built once; only the buffer changes size.

mod common;

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use common::{Harness, at};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{App, StatusMessage};
use zhiban::core::keymap::{Key, KeyCode, Mode};
use zhiban::core::urgent::{EventDraft, Level, new_event};
use zhiban::core::visit::{VisitDraft, build_visit};
use zhiban::ui;

/// Records a 重大 event the way `zhiban event add` does and lets the app read it.
pub fn add_event(h: &mut Harness, received: &str, summary: &str) {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        t - chrono::Duration::minutes(10),
        "李家集镇张庄村河堤下游三百米处",
        summary,
    );
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
    let lines = zhiban::core::urgent::raised(t, &settings.urgent.ladder);
    h.store.insert_event(&event, &lines).unwrap();
    h.clock = h.clock.max(t);
    let to = h.clock + chrono::Duration::seconds(2);
    h.tick_to(to);
}

fn add_visit(h: &mut Harness, name: &str) {
    let draft = VisitDraft {
        name: name.into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        employer: "某某县住房和城乡建设局村镇建设股".into(),
        phone: "13900001111".into(),
        purpose: "商谈防汛物资调拨，并了解今年冬季供暖管网改造的进度安排".into(),
        host: "办公室李主任".into(),
        ..VisitDraft::default()
    };
    let v = build_visit(&draft, "张三", h.clock, h.clock.date()).unwrap();
    h.store.add_visit(&v).unwrap();
}

/// Every state worth drawing, by name; each is checked to be the screen it is named after.
pub fn states() -> Vec<(String, App)> {
    let mut out: Vec<(String, App)> = Vec::new();
    let mut snap = |name: &str, h: &Harness, mode: Mode| {
        assert_eq!(h.app.mode(), mode, "{name}");
        out.push((name.to_string(), h.app.clone()));
    };

    let mut picker = Harness::new(80, 24, None);
    snap("操作员选择", &picker, Mode::Picker);
    picker.key(Key::plain(KeyCode::Enter));
    picker.type_text("2468");
    snap("登录（输入 PIN）", &picker, Mode::SignIn);
    picker.key(Key::plain(KeyCode::Enter));
    snap("登录（登记新 PIN）", &picker, Mode::SignIn);

    let mut h = Harness::new(80, 24, Some("张三"));
    snap("值班记录（空）", &h, Mode::List);
    h.save_call(
        "某某县住房和城乡建设局村镇建设股",
        "王建国",
        "河堤出现渗水，已组织人员巡查；请求派员支援（附：现场照片三张），并请水利局于今日十时前答复。",
    );
    h.save_call("城关镇", "李站长", "河堤出现管涌");
    snap("值班记录", &h, Mode::List);
    h.key(Key::ch('?'));
    snap("帮助（值班记录）", &h, Mode::Help);
    h.keys(KeyCode::PageDown, 3);
    snap("帮助（滚动后）", &h, Mode::Help);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch(':'));
    snap("转到", &h, Mode::GoTo);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('q'));
    snap("确认退出", &h, Mode::Confirm);
    h.key(Key::ch('n'));
    h.key(Key::plain(KeyCode::End));
    h.key(Key::plain(KeyCode::Enter));
    snap("值班记录详情", &h, Mode::Detail);
    h.key(Key::ch('e'));
    snap("更正表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    h.type_text("市水利局");
    snap("新建记录表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::F(1)));
    snap("帮助（表单）", &h, Mode::Help);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('y'));
    snap("值班记录（放弃填写后）", &h, Mode::List);

    // The instruction cycle: a 交办 from the record, 督办 with it, a notice with its recipients.
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('t'));
    snap("交办表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("某某县住房和城乡建设局村镇建设股、城关镇人民政府、县应急管理局");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("23:00");
    h.key(Key::ctrl('s'));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('d'));
    snap("督办", &h, Mode::Tasks);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('c'));
    h.key(Key::ch('n'));
    h.type_text("明日九时召开防汛调度会");
    h.keys(KeyCode::Tab, 4);
    h.type_text("各乡镇值班室");
    h.key(Key::ctrl('s'));
    h.key(Key::ch('x'));
    snap("电话通知的对象", &h, Mode::NoticeDetail);
    h.key(Key::plain(KeyCode::Esc));
    snap("电话通知", &h, Mode::Notices);
    h.key(Key::plain(KeyCode::Esc));
    snap("值班记录（督办之后）", &h, Mode::List);

    // The visitors.
    add_visit(&mut h, "曾国藩");
    h.key(Key::ch('2'));
    h.key(Key::ch('a'));
    h.key(Key::ch('a'));
    snap("来访登记", &h, Mode::Visitors);
    h.key(Key::plain(KeyCode::Enter));
    snap("来访详情", &h, Mode::VisitDetail);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('w'));
    snap("关注名单", &h, Mode::Watch);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    h.type_text("zgf");
    snap("来访查找", &h, Mode::VisitLookup);
    h.key(Key::plain(KeyCode::Enter));
    snap("来访登记表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }
    if h.app.mode() == Mode::VisitLookup {
        h.key(Key::plain(KeyCode::Esc));
    }
    snap("来访登记（返回）", &h, Mode::Visitors);

    // The handover and the roster.
    h.key(Key::ch('4'));
    snap("交接班", &h, Mode::Handover);
    h.key(Key::ch('r'));
    snap("排班表", &h, Mode::Roster);
    h.key(Key::ch('s'));
    snap("调班表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }
    h.key(Key::plain(KeyCode::Esc));
    snap("交接班（返回）", &h, Mode::Handover);
    h.key(Key::ch('s'));
    snap("统计", &h, Mode::Stats);
    h.key(Key::ch('y'));
    snap("统计（按年）", &h, Mode::Stats);
    h.key(Key::plain(KeyCode::Esc));
    snap("交接班（统计后返回）", &h, Mode::Handover);
    h.key(Key::ch('n'));
    snap("交班单", &h, Mode::HandoverDraft);
    h.key(Key::plain(KeyCode::Esc));
    snap("放弃交班单", &h, Mode::Confirm);
    h.key(Key::ch('y'));

    // Search and the daily report.
    h.key(Key::ch('5'));
    snap("查询（空）", &h, Mode::Search);
    h.type_text("河堤");
    snap("查询结果", &h, Mode::Search);
    h.key(Key::ctrl('r'));
    snap("值班日报", &h, Mode::Report);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Tab)); // 查询 → 值班记录
    snap("值班记录（回到）", &h, Mode::List);

    // An urgent event: the banner on every tab, the 紧急事项 tab, its form.
    add_event(
        &mut h,
        "2026-11-23 03:12:00",
        "山体滑坡，两户房屋受损，一人被困，消防救援队已赶赴现场",
    );
    snap("紧急横幅", &h, Mode::List);
    h.key(Key::ch('3'));
    snap("紧急事项", &h, Mode::Urgent);
    h.key(Key::ch('n'));
    snap("紧急事件表单", &h, Mode::Form);
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }
    h.key(Key::ch('a'));
    snap("紧急事项（已确认）", &h, Mode::Urgent);
    h.key(Key::ctrl('l'));
    snap("锁屏", &h, Mode::Locked);

    let mut empty_urgent = Harness::new(80, 24, Some("张三"));
    empty_urgent.key(Key::ch('3'));
    snap("紧急事项（空）", &empty_urgent, Mode::Urgent);
    empty_urgent.key(Key::ctrl('l'));
    snap("锁屏（无告警）", &empty_urgent, Mode::Locked);

    // A message longer than any window is wide, and tampering found at start.
    let mut long = out[2].1.clone();
    long.message = Some(StatusMessage {
        text: "保存失败：数据库文件被另一个程序锁定（database is locked），所填内容都还在；\
               请关闭其他正在使用该文件的程序后按 Ctrl-S 重试。"
            .repeat(4),
        at: long.now,
    });
    long.integrity = Some("完整性检查发现第 12 条审计记录的哈希不连续：数据库可能被改动，请联系管理员".into());
    long.exposure = Some(
        "数据库文件 /srv/zhiban.db 的权限是 0644，同组或其他用户可以读取值班记录：请运行 chmod 600 /srv/zhiban.db"
            .into(),
    );
    out.push(("长消息与完整性警告".into(), long));
    out
}

/// A tiny xorshift generator with a fixed seed: the same sample every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u16) -> u16 {
        u16::try_from(self.next() % u64::from(n)).unwrap()
    }
}

fn sizes() -> BTreeSet<(u16, u16)> {
    let mut s = BTreeSet::new();
    for h in [20, 24, 50] {
        for w in 1..=250 {
            s.insert((w, h));
        }
    }
    for w in [60, 80, 200] {
        for h in 1..=80 {
            s.insert((w, h));
        }
    }
    s.extend([(1, 1), (59, 19), (60, 20), (80, 24)]);
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        s.insert((1 + rng.below(250), 1 + rng.below(80)));
    }
    s
}

#[test]
fn the_sample_covers_the_sizes_the_issue_names() {
    let s = sizes();
    for size in [
        (1, 1),
        (59, 19),
        (60, 20),
        (80, 24),
        (250, 20),
        (1, 50),
        (200, 80),
        (60, 1),
    ] {
        assert!(s.contains(&size), "{size:?}");
    }
    assert!(s.iter().all(|&(w, h)| (1..=250).contains(&w) && (1..=80).contains(&h)));
    // The random sample adds sizes off the swept rows and columns.
    let off = s
        .iter()
        .filter(|(w, h)| ![20, 24, 50].contains(h) && ![60, 80, 200].contains(w))
        .count();
    assert!(off >= 250, "{off}");
}

/// Draws every state at each of `sizes`; what panicked or failed, by state and size.
fn sweep(states: &[(String, App)], sizes: &[(u16, u16)]) -> Vec<String> {
    let mut failures = Vec::new();
    for &(w, h) in sizes {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        for (name, app) in states {
            // The frame the runtime would draw into, without the copy to the backend: the
            // drawing is what is tested, and it is most of the time (each state draws over the
            // last, as every widget the app uses paints its whole area or leaves it as is).
            let drawn = catch_unwind(AssertUnwindSafe(|| {
                let mut frame = terminal.get_frame();
                ui::render(app, &mut frame);
            }));
            if let Err(p) = drawn {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(ToString::to_string))
                    .unwrap_or_default();
                failures.push(format!("{name} at {w}x{h}: {msg}"));
                terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            }
        }
    }
    failures
}

#[test]
fn every_screen_draws_at_every_size_without_a_panic() {
    let states = states();
    assert_eq!(states.len(), 46, "every state was reached");
    let sizes: Vec<(u16, u16)> = sizes().into_iter().collect();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    // Two halves on two threads (the sizes interleaved, so both get large ones).
    let failures: Vec<String> = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|k| {
                let mine: Vec<(u16, u16)> = sizes.iter().copied().skip(k).step_by(2).collect();
                let states = &states;
                s.spawn(move || sweep(states, &mine))
            })
            .collect();
        halves.into_iter().flat_map(|t| t.join().unwrap()).collect()
    });
    std::panic::set_hook(quiet);
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
    // And once through the whole draw, backend included, at the boundary sizes.
    for (w, h) in [(1, 1), (59, 19), (60, 20), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        for (_, app) in &states {
            terminal.draw(|f| ui::render(app, f)).unwrap();
        }
    }
}
