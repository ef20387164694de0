//! Issue 17's "done when", walked on screen as a duty officer does it, at 80x24 with a fixed clock:
//! an entry through 请示 (not reached, then reached) → 批示 by a leader who is not in the config →
//! two 交办 with deadlines → one overdue (the status line, the 督办 board in red and the handover
//! draft show it) → 反馈 → 办结; and a notice to five recipients through 未接通 and 已通知 to done,
//! each outcome in at most three keys. The same screens are read at 200x50.
//!
//! Run with `--nocapture` to see the screens the closing note shows.

mod common;

use common::{Harness, at};
use ratatui::style::Color;
use zhiban::core::keymap::{Key, KeyCode};

/// What a person reads: the app drawn whole into a fresh terminal of the harness's size. (The
/// harness's `TestBackend` keeps the second cell of a wide glyph from an earlier frame where a real
/// terminal would not, so a later frame can show a stale half glyph that nobody would see.)
fn read(h: &mut Harness) -> String {
    let area = h.terminal.backend().buffer().area;
    h.terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(area.width, area.height)).unwrap();
    h.screen().join("\n")
}

fn start(cols: u16, rows: u16, clock: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    Harness::open(dir, &path, cols, rows, Some("张三"), at(clock))
}

/// The label of the focused field of whichever form is open.
fn focused(h: &Harness) -> String {
    let s = &h.app.screens;
    s.log
        .form
        .as_ref()
        .and_then(|f| f.form.focused().map(|f| f.label.clone()))
        .or_else(|| {
            s.tasks
                .form
                .as_ref()
                .and_then(|(_, f)| f.focused().map(|f| f.label.clone()))
        })
        .or_else(|| {
            s.notices
                .form
                .as_ref()
                .and_then(|(_, f)| f.focused().map(|f| f.label.clone()))
        })
        .unwrap_or_default()
}

fn tab_to(h: &mut Harness, label: &str) {
    for _ in 0..40 {
        if focused(h) == label {
            return;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    panic!("no field “{label}” in the form:\n{}", read(h));
}

/// The value of the focused field of whichever form is open.
fn focused_value(h: &Harness) -> String {
    let s = &h.app.screens;
    s.log
        .form
        .as_ref()
        .and_then(|f| f.form.focused().map(|f| f.value()))
        .or_else(|| s.tasks.form.as_ref().and_then(|(_, f)| f.focused().map(|f| f.value())))
        .or_else(|| {
            s.notices
                .form
                .as_ref()
                .and_then(|(_, f)| f.focused().map(|f| f.value()))
        })
        .unwrap_or_default()
}

/// Right on the focused choice until it is `want` (at most ten steps).
fn choose(h: &mut Harness, label: &str, want: &str) {
    tab_to(h, label);
    for _ in 0..10 {
        if focused_value(h) == want {
            return;
        }
        h.key(Key::plain(KeyCode::Right));
    }
    panic!("“{want}” is not offered for {label}:\n{}", read(h));
}

fn show(title: &str, h: &mut Harness) {
    println!("---- {title} ----\n{}\n", read(h));
}

/// The foreground colour of the cell where `text` starts on screen.
fn colour_of(h: &mut Harness, text: &str) -> Option<Color> {
    read(h);
    let (x, y) = h.find(text);
    let buf = h.terminal.backend().buffer();
    buf[(x, y)].style().fg
}

/// Whether `text` is drawn red: red letters (a light terminal) or on red (a dark one).
fn red(h: &mut Harness, text: &str) -> bool {
    read(h);
    let (x, y) = h.find(text);
    let style = h.terminal.backend().buffer()[(x, y)].style();
    style.fg == Some(Color::Red) || style.bg == Some(Color::Red)
}

#[test]
fn an_entry_goes_through_request_instruction_tasks_and_feedback_to_done() {
    let mut h = start(80, 24, "2026-12-05 14:00:00");

    // 14:00 a call that needs the leader: triaged 请示.
    h.key(Key::ch('n'));
    h.type_text("县水利局");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("李站长");
    h.keys(KeyCode::Tab, 2);
    h.type_text("城关段河堤出现管涌，请求县里派员支援");
    tab_to(&mut h, "分级");
    h.keys(KeyCode::Left, 2); // 一般 -> 次日办理 -> 请示
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：第 1 号记录"), "{}", read(&mut h));
    assert!(
        read(&mut h).contains("未请示"),
        "the list row says 未请示:\n{}",
        read(&mut h)
    );
    assert!(
        read(&mut h).contains("督办：未请示 1"),
        "the status line counts it:\n{}",
        read(&mut h)
    );

    // The record says what to do; 请示 at 14:05, the leader not reached.
    h.key(Key::plain(KeyCode::Enter));
    assert!(read(&mut h).contains("未请示：按 a 记录请示"), "{}", read(&mut h));
    h.tick_to(at("2026-12-05 14:05:00"));
    h.key(Key::ch('a'));
    assert_eq!(focused(&h), "请示领导");
    choose(&mut h, "结果", "未联系上");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：第 1 号记录的请示"), "{}", read(&mut h));
    assert!(
        read(&mut h).contains("未联系上（2026-12-05 14:35 再试）"),
        "{}",
        read(&mut h)
    );

    // 14:35: reminded once to try again (status line and the bell).
    let rings = h.alerter.rings;
    h.tick_to(at("2026-12-05 14:35:00"));
    assert!(
        read(&mut h).contains("请示未联系上：第 1 号记录该再请示领导了"),
        "{}",
        read(&mut h)
    );
    assert_eq!(h.alerter.rings, rings + 1, "the bell once");
    h.tick_to(at("2026-12-05 14:36:00"));
    assert_eq!(h.alerter.rings, rings + 1, "and not again");

    // 14:40 reached in person.
    h.tick_to(at("2026-12-05 14:40:00"));
    h.key(Key::ch('a'));
    choose(&mut h, "方式", "当面");
    h.key(Key::ctrl('s'));
    assert!(
        read(&mut h).contains("已请示（王五 2026-12-05 14:40）"),
        "{}",
        read(&mut h)
    );

    // 14:50 the 批示, by a leader who is not in the config, recorded verbatim.
    h.tick_to(at("2026-12-05 14:50:00"));
    h.key(Key::ch('i'));
    tab_to(&mut h, "其他领导");
    h.type_text("副县长 李某");
    tab_to(&mut h, "批示内容");
    h.type_text("请县应急局、城关镇立即派员到场处置，17时前反馈。");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("领导批示（按 t 交办）"), "{}", read(&mut h));

    // Two 交办 from it, with deadlines: 17:00 and 20:00.
    for (to, due) in [("县应急局", "17:00"), ("城关镇", "20:00")] {
        h.key(Key::ch('t'));
        assert_eq!(focused(&h), "依据");
        assert!(
            read(&mut h).contains("副县长 李某 批示"),
            "the 批示 is offered first:\n{}",
            read(&mut h)
        );
        tab_to(&mut h, "交办给");
        h.type_text(to);
        tab_to(&mut h, "时限");
        h.type_text(due);
        tab_to(&mut h, "要求");
        h.type_text("到场核实并反馈");
        h.key(Key::ctrl('s'));
        assert!(read(&mut h).contains("交办，在“督办”中跟踪"), "{}", read(&mut h));
    }
    let detail: String = {
        let mut all = String::new();
        for _ in 0..6 {
            all.push_str(&read(&mut h));
            h.key(Key::plain(KeyCode::PageDown));
        }
        all
    };
    for want in [
        "第 1 号批示  副县长 李某  电话批示  2026-12-05 14:50",
        "请县应急局、城关镇立即派员到场处置",
        "第 1 号交办 县应急局",
        "第 2 号交办 城关镇",
    ] {
        assert!(detail.contains(want), "the record shows {want}:\n{detail}");
    }
    show("第 1 号记录（交办后）80x24", &mut h);

    // 16:00: the first is due within the hour — said once; 17:01 it is overdue.
    h.tick_to(at("2026-12-05 16:00:00"));
    assert!(
        read(&mut h).contains("交办将到期：第 1 号交办（县应急局）"),
        "{}",
        read(&mut h)
    );
    h.tick_to(at("2026-12-05 17:00:05"));
    assert!(
        read(&mut h).contains("交办超期：第 1 号交办（县应急局"),
        "{}",
        read(&mut h)
    );
    h.tick_to(at("2026-12-05 17:01:00"));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('d'));
    let board = read(&mut h);
    assert!(board.contains("未办结 2 项，其中超期 1 项"), "{board}");
    assert!(board.contains("已超期 1 分钟"), "{board}");
    h.key(Key::plain(KeyCode::Down)); // off the first row, so its own colour shows
    assert!(red(&mut h, "第 1 号"), "overdue in red:\n{}", read(&mut h));
    assert_ne!(
        colour_of(&mut h, "督办：交办超期 1").unwrap_or(Color::Reset),
        Color::Reset
    );
    h.key(Key::plain(KeyCode::Up));
    show("督办（17:01，一项超期）80x24", &mut h);

    // The handover draft carries both, the overdue one saying so.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    let mut draft = String::new();
    for _ in 0..8 {
        draft.push_str(&read(&mut h));
        h.key(Key::plain(KeyCode::Down));
    }
    assert!(draft.contains("交办事项 第 1 号交办 县应急局"), "{draft}");
    assert!(draft.contains("已超期"), "{draft}");
    assert!(draft.contains("交办事项 第 2 号交办 城关镇"), "{draft}");
    assert!(draft.contains("请示：已请示领导"), "the leader was reached: {draft}");
    show("交班单（17:01）80x24", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }

    // 17:20 反馈 on the overdue one (progress), 18:30 both finished.
    h.tick_to(at("2026-12-05 17:20:00"));
    h.key(Key::ch('1'));
    h.key(Key::ch('d'));
    h.key(Key::ch('f'));
    h.type_text("已到场，险情可控");
    tab_to(&mut h, "反馈人");
    h.type_text("刘科长");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：第 1 号交办的反馈"), "{}", read(&mut h));
    h.tick_to(at("2026-12-05 18:30:00"));
    for _ in 0..2 {
        h.key(Key::ch('f'));
        h.type_text("已办结");
        choose(&mut h, "是否办结", "是：已办结");
        h.key(Key::ctrl('s'));
        assert!(read(&mut h).contains("的反馈，已办结"), "{}", read(&mut h));
    }
    assert!(read(&mut h).contains("没有未办结的交办事项"), "{}", read(&mut h));

    // 办结 the entry: 结束方式 is asked for.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('s'));
    h.keys(KeyCode::Right, 2); // 待办 -> 已办结
    tab_to(&mut h, "办理结果");
    h.type_text("险情排除，群众已转移");
    h.key(Key::ctrl('s'));
    assert_eq!(focused(&h), "结束方式", "{}", read(&mut h));
    h.key(Key::plain(KeyCode::Right)); // 办结
    h.key(Key::ctrl('s'));
    assert!(
        read(&mut h).contains("已保存：第 1 号记录的办理进展"),
        "{}",
        read(&mut h)
    );
    let mut detail = String::new();
    for _ in 0..6 {
        detail.push_str(&read(&mut h));
        h.key(Key::plain(KeyCode::PageDown));
    }
    assert!(detail.contains("结束方式"), "{detail}");
    assert!(detail.contains("已办结（12-05 18:30）"), "{detail}");
    let e = h.store.entry(1).unwrap();
    assert_eq!(e.closings.len(), 1);
    assert_eq!(e.requests.len(), 2);
    assert!(!read(&mut h).contains("督办："), "nothing left open:\n{}", read(&mut h));
}

#[test]
fn a_notice_to_five_recipients_goes_through_not_reached_and_reached_to_done() {
    let mut h = start(80, 24, "2026-12-05 15:00:00");
    h.key(Key::ch('c'));
    assert!(read(&mut h).contains("还没有电话通知"), "{}", read(&mut h));
    h.key(Key::ch('n'));
    h.type_text("明日9时在县政府三楼会议室召开防汛调度会，请各乡镇分管领导参加");
    tab_to(&mut h, "通知对象");
    h.type_text("各乡镇值班室");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：第 1 号电话通知"), "{}", read(&mut h));
    let names = [
        "城关镇值班室",
        "东风镇值班室",
        "新华乡值班室",
        "红旗乡值班室",
        "河口镇值班室",
    ];
    for n in names {
        assert!(read(&mut h).contains(n), "{n}:\n{}", read(&mut h));
    }
    assert!(read(&mut h).contains("已通知 0/5"), "{}", read(&mut h));

    // Each outcome in at most three keys: x (未接通), or y then Ctrl-S (已通知); the cursor walks on.
    let mut keys = 0;
    h.key(Key::ch('x'));
    keys += 1;
    assert!(read(&mut h).contains("未接通（1 次，15:15 再打）"), "{}", read(&mut h));
    for _ in 1..5 {
        h.key(Key::ch('y'));
        h.key(Key::ctrl('s'));
        keys += 2;
    }
    assert_eq!(keys, 9, "five outcomes, none over three keys");
    assert!(read(&mut h).contains("已通知 4/5"), "{}", read(&mut h));
    show("电话通知（一处未接通）80x24", &mut h);

    // 15:15 the one not reached is due again: said once.
    h.tick_to(at("2026-12-05 15:15:00"));
    assert!(
        read(&mut h).contains("电话通知：第 1 号通知的 城关镇值班室 未接通，该再打了"),
        "{}",
        read(&mut h)
    );
    // The cursor came back round to it: y, type who took it, Ctrl-S.
    h.key(Key::ch('y'));
    h.type_text("王干事");
    h.key(Key::ctrl('s'));
    assert!(
        read(&mut h).contains("已保存：第 1 号通知已全部通知到"),
        "{}",
        read(&mut h)
    );
    assert!(read(&mut h).contains("全部 5 个对象已通知"), "{}", read(&mut h));
    assert!(
        read(&mut h).contains("已通知（王干事 15:15，已复述）"),
        "{}",
        read(&mut h)
    );
    let n = h.store.notice(1).unwrap();
    assert!(n.is_done());
    assert_eq!(n.recipients[0].calls.len(), 2, "the 未接通 kept");
}

#[test]
fn the_cycle_screens_read_whole_at_200x50() {
    let mut h = start(200, 50, "2026-12-05 14:00:00");
    h.save_call("县水利局", "李站长", "城关段河堤出现管涌，请求县里派员支援");
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('t'));
    tab_to(&mut h, "交办给");
    h.type_text("县应急局、城关镇");
    tab_to(&mut h, "时限");
    h.type_text("15:00");
    h.key(Key::ctrl('s'));
    h.tick_to(at("2026-12-05 15:30:00"));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('d'));
    let board = read(&mut h);
    assert!(board.contains("未办结 2 项，其中超期 2 项"), "{board}");
    assert!(
        board.contains("第 1 号记录：县水利局：城关段河堤出现管涌，请求县里派员支援"),
        "{board}"
    );
    assert!(board.contains("督办：交办超期 2"), "{board}");
    show("督办 200x50", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('c'));
    h.key(Key::ch('n'));
    h.type_text("通知内容");
    tab_to(&mut h, "通知对象");
    h.type_text("城关镇值班室、东风镇值班室");
    h.key(Key::ctrl('s'));
    let notice = read(&mut h);
    assert!(
        notice.contains("已通知 0/2：选中对象，接通按 y，未接通按 x"),
        "{notice}"
    );
    assert!(notice.contains(" 1. 城关镇值班室  待通知"), "{notice}");
    show("电话通知 200x50", &mut h);
}

/// The focused field of the urgent tab's form.
fn urgent_focused(h: &Harness) -> String {
    h.app
        .screens
        .urgent
        .form
        .as_ref()
        .and_then(|f| f.focused())
        .map(|f| f.label.clone())
        .unwrap_or_default()
}

#[test]
fn an_urgent_event_gets_its_instruction_and_tasks_like_an_entry() {
    use zhiban::config::{DEFAULT_TOML, parse};
    use zhiban::core::urgent::{EventDraft, Level, new_event, raised};
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        at("2026-12-05 13:50:00"),
        "李家集镇张庄村",
        "山体滑坡，两户房屋受损",
    );
    let event = new_event(draft, &settings.urgent, "张三", at("2026-12-05 14:00:00")).unwrap();
    h.store
        .insert_event(&event, &raised(at("2026-12-05 14:00:00"), &settings.urgent.ladder))
        .unwrap();
    h.tick_to(at("2026-12-05 14:00:03"));
    h.key(Key::ch('3'));
    h.tick_to(at("2026-12-05 14:00:05"));

    // 呈送领导阅示: the 批示, by a leader not in the config, in writing.
    h.key(Key::ch('i'));
    assert_eq!(urgent_focused(&h), "批示领导", "{}", read(&mut h));
    for _ in 0..20 {
        if urgent_focused(&h) == "其他领导" {
            break;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    h.type_text("县长 王某");
    h.key(Key::plain(KeyCode::Tab));
    h.keys(KeyCode::Right, 2); // 电话 -> 当面 -> 书面
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("请应急局牵头，立即组织排查周边隐患");
    h.key(Key::ctrl('s'));
    assert!(
        read(&mut h).contains("已保存：第 1 号事件的领导批示"),
        "{}",
        read(&mut h)
    );

    // 交办 from it.
    h.key(Key::ch('d'));
    assert!(read(&mut h).contains("县长 王某 批示"), "{}", read(&mut h));
    for _ in 0..10 {
        if urgent_focused(&h) == "交办给" {
            break;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    h.type_text("县应急局");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("16:00");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：第 1 号事件的交办"), "{}", read(&mut h));
    let d = h.store.report_event(1).unwrap();
    assert_eq!(d.instructions.len(), 1);
    assert_eq!(d.instructions[0].via, Some(zhiban::core::instruction::Via::Written));
    assert_eq!(d.tasks.len(), 1);
    assert_eq!(d.tasks[0].instruction_id, d.instructions[0].id);

    // 督办 lists it with the event it came from.
    h.key(Key::ch('1'));
    h.key(Key::ch('d'));
    let board = read(&mut h);
    assert!(
        board.contains("第 1 号紧急事件：自然灾害：山体滑坡，两户房屋受损"),
        "{board}"
    );
}
