//! Issue 12: readable at 80x24, usable at 60x20. Every tab and overlay drawn at 60x20, 80x24 and
//! 200x50 (the same app state each time), asserting the whole texts a person reads: status
//! messages, the banner's phone numbers, the lock hint, the office name, detail panes wrapped
//! (never cut to `..`), search snippets with their full-width punctuation, the help reachable by
//! scrolling, and below 60x20 a plain message saying how big the window must be.

mod common;

use common::{Harness, at};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::App;
use zhiban::core::keymap::{self, Key, KeyCode, Mode};
use zhiban::core::urgent::{EventDraft, Level, new_event};
use zhiban::core::visit::{VisitDraft, build_visit};
use zhiban::ui;

const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (200, 50)];
const OFFICE: &str = "某某县人民政府办公室值班室";
const LONG_CONTENT: &str =
    "河堤出现渗水，已组织人员巡查；请求派员支援（附：现场照片三张），并请水利局于今日十时前答复。";
const PURPOSE: &str = "商谈防汛物资调拨，并了解今年冬季供暖管网改造的进度安排";
const PLACE: &str = "李家集镇张庄村河堤下游三百米处";
const SUMMARY: &str = "山体滑坡，两户房屋受损，一人被困，消防救援队已赶赴现场";

/// The screen of `app` drawn at `w`x`h`, as rows of text (wide characters counted once).
fn draw(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::render(app, f)).unwrap();
    rows(&terminal)
}

fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                x += u16::try_from(sym.width().max(1)).unwrap();
            }
            line
        })
        .collect()
}

/// The screen read as one text: borders and spaces dropped, rows joined — a wrapped sentence
/// reads whole, a cut one does not.
fn read(screen: &[String]) -> String {
    screen
        .iter()
        .flat_map(|r| r.chars())
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts `text` is on `screen` whole (perhaps wrapped over rows).
fn assert_reads(screen: &[String], text: &str, what: &str) {
    assert!(
        read(screen).contains(&squash(text)),
        "{what}: “{text}” is not whole on screen:\n{}",
        screen.join("\n")
    );
}

/// Every row's text inside a box (after `│` or from the edge), for the line-breaking check.
fn no_row_starts_with_a_closing_mark(screen: &[String], what: &str) {
    for row in screen {
        let inner = row.trim_start_matches('│').trim_start();
        if let Some(c) = inner.chars().next() {
            assert!(
                !"。，、；：？！）》」』】”".contains(c),
                "{what}: a row starts with {c}:\n{}",
                screen.join("\n")
            );
        }
    }
}

fn add_event(h: &mut Harness, received: &str) {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let t = at(received);
    let mut draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        t - chrono::Duration::minutes(10),
        PLACE,
        SUMMARY,
    );
    draft.received_at = Some(t);
    let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
    h.store
        .insert_event(&event, &zhiban::core::urgent::raised(t, &settings.urgent.ladder))
        .unwrap();
    h.clock = t;
    h.tick_to(t + chrono::Duration::seconds(2));
}

fn add_visit(h: &mut Harness) {
    let draft = VisitDraft {
        name: "曾国藩".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        employer: "某某县住房和城乡建设局村镇建设股".into(),
        phone: "13900001111".into(),
        purpose: PURPOSE.into(),
        host: "办公室李主任".into(),
        ..VisitDraft::default()
    };
    let v = build_visit(&draft, "张三", h.clock, h.clock.date()).unwrap();
    h.store.add_visit(&v).unwrap();
}

fn status_and_below(screen: &[String]) -> String {
    // The status row is the one with the clock; what is said below it belongs with it.
    let at = screen.iter().position(|r| r.contains("值班员：")).unwrap();
    screen[at..].join("\n")
}

#[test]
fn the_saved_message_is_whole_at_every_size_even_with_the_roster_strip() {
    let mut h = Harness::new(80, 24, Some("张三"));
    for i in 1..=13 {
        h.save_call("城关镇", "李站长", &format!("第{i}次来电"));
    }
    for (w, rows) in [(60, 20), (80, 24), (120, 30), (200, 50)] {
        let screen = draw(&h.app, w, rows);
        let bottom = status_and_below(&screen);
        assert!(bottom.contains("已保存：第 13 号记录"), "at {w}x{rows}:\n{bottom}");
        assert!(!bottom.contains(".."), "at {w}x{rows}:\n{bottom}");
    }
    // At 200 columns there is room for the duty leader's phone and the message on one row.
    let screen = draw(&h.app, 200, 50);
    assert!(
        screen[48].contains("带班 赵六 0871-12345678") && screen[48].contains("已保存：第 13 号记录"),
        "{}",
        screen[48]
    );
}

#[test]
fn a_message_longer_than_the_status_line_takes_the_hint_row_and_wraps_when_longer_still() {
    let mut h = Harness::new(80, 24, Some("张三"));
    add_event(&mut h, "2026-11-23 03:12:00");
    h.key(Key::ch('3'));
    h.key(Key::ch('a'));
    let said = "张三 已确认第 1 号紧急事件；报送时限仍在计时，报告后请记录";
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        assert_reads(&screen, said, &format!("message at {w}x{rows}"));
        assert!(
            screen.iter().any(|r| r.contains(said)) || w < 80,
            "on one row from 80 columns:\n{}",
            screen.join("\n")
        );
    }
    // At 80 columns the message has the hint row to itself; the hints come back when it expires.
    let screen = draw(&h.app, 80, 24);
    assert_eq!(screen[23].trim_end(), said);
    assert!(screen[22].contains("告警：1 件报送未完成"), "{}", screen[22]);
    // At 60 it wraps over two rows below the status line.
    let screen = draw(&h.app, 60, 20);
    assert_eq!(screen.len(), 20);
    assert_reads(&screen[18..], said, "two rows at 60x20");
}

#[test]
fn the_integrity_warning_stays_on_the_status_line_and_is_said_whole_below_it() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let warning = "完整性检查发现 1 处问题（如：第 1 号值班记录的内容与审计记录不符），请报告领导：按 : 转到“完整性发现”核实确认（zhiban verify 列出全部）";
    h.app.integrity = Some(warning.into());
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        let status = screen.iter().position(|r| r.contains("值班员：张三")).unwrap();
        // From 80 columns its first clause is on the status line itself (at 60 there is no room).
        assert_eq!(
            screen[status].contains("完整性检查发现 1 处问题"),
            w >= 80,
            "at {w}x{rows}: {}",
            screen[status]
        );
        assert_reads(&screen[status..], warning, &format!("at {w}x{rows}"));
    }
}

#[test]
fn a_database_others_can_read_is_said_whole_with_the_chmod_until_the_app_closes() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let warning = "数据库文件 /home/值班/zhiban.db 的权限是 0644，同组或其他用户可以读取值班记录：\
                   请运行 chmod 600 /home/值班/zhiban.db /home/值班/zhiban.db-wal";
    h.app.exposure = Some(warning.into());
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        let status = screen.iter().position(|r| r.contains("值班员：张三")).unwrap();
        assert_reads(&screen[status..], warning, &format!("at {w}x{rows}"));
    }
    // Other messages come and go; it stays.
    h.key(Key::ch('?'));
    h.key(Key::ch('?'));
    let screen = draw(&h.app, 80, 24);
    assert_reads(&screen, "chmod 600 /home/值班/zhiban.db", "after other keys");
}

#[test]
fn the_banner_keeps_its_phone_numbers_and_the_phone_deadline_whole() {
    let mut h = Harness::new(80, 24, Some("张三"));
    add_event(&mut h, "2026-11-23 03:12:00");
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        let banner = format!("{}\n{}", screen[1], screen[2]);
        for whole in [
            "【紧急·未确认】按 F2 确认",
            "自然灾害",
            "报带班领导 电话 剩 09:58",
            "带班领导：王五 13800000003",
        ] {
            assert!(banner.contains(whole), "{whole} at {w}x{rows}:\n{banner}");
        }
        assert!(!banner.contains(".."), "nothing cut at {w}x{rows}:\n{banner}");
    }
    // Wide: everything, the place and the rule included.
    let wide = draw(&h.app, 200, 50);
    let banner = format!("{}\n{}", wide[1], wide[2]);
    for whole in [
        "第1号 重大 自然灾害 李家集镇张庄村河堤下游三百米处 03:12接报",
        "报带班领导 电话 剩 09:58；另有 2 项；请电话 带班领导：王五 13800000003；依据 参考",
    ] {
        assert!(banner.contains(whole), "{whole}:\n{banner}");
    }
    // At 80 the place gives way to the numbers; the number of the event stays.
    let screen = draw(&h.app, 80, 24);
    assert!(screen[1].contains("第1号 重大 自然灾害 03:12接报"), "{}", screen[1]);
    assert!(
        !screen[1].contains("李家集镇"),
        "the place is left whole to the tab:\n{}",
        screen[1]
    );
    // The 紧急事项 tab has the place, the summary and whom to phone whole at every size.
    h.key(Key::ch('3'));
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        for whole in [
            PLACE,
            SUMMARY,
            "未确认，当前提醒：带班领导：王五 13800000003（F2 或 a 确认）",
        ] {
            assert_reads(&screen, whole, &format!("event detail at {w}x{rows}"));
        }
        assert!(screen.iter().any(|r| r.contains("第 1 号事件 重大 自然灾害")));
        no_row_starts_with_a_closing_mark(&screen[7..], &format!("event detail at {w}x{rows}"));
    }
}

/// A 集体访 alert's banner: whom to report to (000:377), each number whole at every size — every
/// one at 80x24 and up, the roles too when wide; at 60 columns the numbers that fit, none cut.
#[test]
fn the_collective_visit_banner_keeps_whom_to_report_to_whole() {
    use zhiban::core::visit::RepresentativeDraft;
    let mut h = Harness::new(80, 24, Some("张三"));
    let draft = VisitDraft {
        name: "刘大爷".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
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
    let now = h.clock;
    let visit = build_visit(&draft, "张三", now, now.date()).unwrap();
    h.store.add_visit(&visit).unwrap();
    for (entry, lines) in zhiban::core::visit_screen::alerts_for(&visit, &[], &h.app.settings, "张三", now) {
        h.store.insert_entry_raising(&entry, Some(&lines)).unwrap();
    }
    h.tick_to(now + chrono::Duration::seconds(2));
    let numbers = ["王五 13800000003", "钱七 13800000005", "信访部门 0871-12345100"];
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        let banner = format!("{}\n{}", screen[1], screen[2]);
        assert!(banner.contains("请立即报告 "), "at {w}x{rows}:\n{banner}");
        assert!(!banner.contains("13800000001"), "never the officer:\n{banner}");
        let shown = numbers.iter().filter(|n| banner.contains(*n)).count();
        if w >= 80 {
            assert_eq!(shown, 3, "at {w}x{rows}:\n{banner}");
        } else {
            assert!(shown >= 2, "at {w}x{rows}:\n{banner}");
        }
        // Nothing cut: every number on the row is whole.
        for cut in ["1380000000 ", "0871-1234 "] {
            assert!(!banner.contains(cut), "at {w}x{rows}:\n{banner}");
        }
    }
    let wide = draw(&h.app, 200, 50);
    assert!(
        wide[2].contains("带班领导 王五 13800000003、分管领导 钱七 13800000005、信访部门 0871-12345100"),
        "{}",
        wide[2]
    );
}

#[test]
fn the_lock_screen_says_its_hint_and_the_office_whole() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ctrl('l'));
    for (w, rows) in SIZES {
        let screen = draw(&h.app, w, rows);
        assert_reads(&screen, &format!("{OFFICE} · 值班员：张三"), &format!("at {w}x{rows}"));
        assert_reads(&screen, ui::LOCK_HINT, &format!("lock hint at {w}x{rows}"));
        assert!(!read(&screen).contains(".."), "{}", screen.join("\n"));
        // “PIN” is one word: never split over two rows.
        assert!(
            !screen.iter().any(|r| r.trim_end().ends_with('P')),
            "{}",
            screen.join("\n")
        );
    }
    // The caret sits after “PIN：” on its row, wherever the wrapped hint put that row.
    for (w, rows) in SIZES {
        let mut terminal = Terminal::new(TestBackend::new(w, rows)).unwrap();
        terminal.draw(|f| ui::render(&h.app, f)).unwrap();
        let screen = rows_of(&terminal);
        let pin_row = screen.iter().position(|r| r.contains("PIN：")).unwrap();
        let p = terminal.get_cursor_position().unwrap();
        assert_eq!((p.x, usize::from(p.y)), (1 + 7, pin_row), "at {w}x{rows}");
    }
}

fn rows_of(terminal: &Terminal<TestBackend>) -> Vec<String> {
    rows(terminal)
}

#[test]
fn the_office_name_is_whole_or_not_there_never_cut() {
    let h = Harness::new(80, 24, Some("张三"));
    for w in 60..=200 {
        let screen = draw(&h.app, w, 24);
        let tabs = &screen[0];
        assert!(tabs.contains("1 值班记录") && tabs.contains("5 查询"), "at {w}: {tabs}");
        assert!(
            tabs.contains(OFFICE) || !tabs.contains("某某"),
            "at {w} the office is cut: {tabs}"
        );
        if w >= 76 {
            assert!(tabs.contains(OFFICE), "at {w}: {tabs}");
        }
    }
    // Full tabs when there is room for them and the name.
    let wide = draw(&h.app, 200, 50);
    assert!(wide[0].starts_with(" 1 值班记录   2 来访登记"), "{}", wide[0]);
    assert!(wide[0].trim_end().ends_with(OFFICE));
    // The picker names the office and everyone with their phone.
    let picker = Harness::new(80, 24, None);
    for (w, rows) in SIZES {
        let screen = draw(&picker.app, w, rows);
        let text = screen.join("\n");
        assert!(text.contains(&format!("{OFFICE} · 值班登录")), "at {w}x{rows}:\n{text}");
        for whole in ["张三", "13800000001", "赵六", "办公室主任", "0871-12345678"] {
            assert!(text.contains(whole), "{whole} at {w}x{rows}:\n{text}");
        }
    }
}

#[test]
fn below_60_by_20_the_window_says_it_is_too_small_and_how_big_it_must_be() {
    let mut h = Harness::new(80, 24, Some("张三"));
    for (w, rows) in [(59, 19), (59, 24), (80, 19), (40, 10), (20, 12)] {
        let screen = draw(&h.app, w, rows);
        assert_reads(
            &screen,
            &format!("窗口太小：至少需要 60 列 × 20 行，现在 {w} 列 × {rows} 行。请放大窗口。"),
            &format!("{w}x{rows}"),
        );
        assert!(
            !read(&screen).contains("值班记录"),
            "nothing else is drawn:\n{}",
            screen.join("\n")
        );
    }
    // An alert waiting is said, without its content.
    add_event(&mut h, "2026-11-23 03:12:00");
    let screen = draw(&h.app, 50, 12);
    assert_reads(&screen, "有 1 件紧急事项待处理。", "50x12");
    assert!(!read(&screen).contains("李家集镇"));
    // At 60x20 the app itself.
    let screen = draw(&h.app, 60, 20);
    assert!(!read(&screen).contains("窗口太小"), "{}", screen.join("\n"));
    assert!(screen[0].contains("1 值班记录"));
    // The smallest windows draw what fits and nothing else.
    assert_eq!(draw(&h.app, 1, 1), [" "]);
    let tiny = draw(&h.app, 12, 3);
    assert_eq!(tiny.len(), 3);
    assert!(tiny[0].starts_with("窗口太小"), "{tiny:?}");
}

/// What the help shows for `mode` at a scroll offset, drawn at `w`x`h`.
fn help_at(mode: Mode, scroll: u16, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::render_help(f, f.area(), mode, scroll)).unwrap();
    rows(&terminal)
}

#[test]
fn the_help_scrolls_and_every_line_is_reachable() {
    let mode = Mode::List;
    let bindings: Vec<_> = keymap::bindings_for(mode).collect();
    let n = bindings.len();
    // A short area: not all of it fits; the last rows say where the view is and how to close.
    let screen = help_at(mode, 0, 60, 14);
    let text = screen.join("\n");
    let shown = 14 - 5; // borders, a blank row, the scroll row, the closing row
    assert!(text.contains(&format!("↑↓ 滚动，第 1–{shown} 行，共 {n} 行")), "{text}");
    assert!(text.contains("Esc 关闭帮助"), "{text}");
    // Every binding is on screen at some offset, keys and what they do.
    for b in &bindings {
        let keys = keymap::keys_label(b);
        let found = (0..u16::try_from(n).unwrap()).any(|s| {
            help_at(mode, s, 60, 14)
                .iter()
                .any(|r| r.contains(&keys) && r.contains(b.action.describe()))
        });
        assert!(found, "{keys} {} is never shown", b.action.describe());
    }
    // Past the end the last page stays.
    let last = help_at(mode, 500, 60, 14).join("\n");
    assert!(
        last.contains(&format!("第 {}–{n} 行，共 {n} 行", n - shown + 1)),
        "{last}"
    );
    // Tall enough, all of it and no scroll line.
    let all = help_at(mode, 0, 80, 40).join("\n");
    assert!(!all.contains("滚动"), "{all}");
    for b in &bindings {
        assert!(all.contains(b.action.describe()), "{all}");
    }
    // In the app: the overlay at each size, from the top.
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('?'));
    for (w, rows) in SIZES {
        let text = draw(&h.app, w, rows).join("\n");
        assert!(text.contains("帮助 · 按键") && text.contains("新建记录"), "{text}");
        assert_eq!(text.contains("↑↓ 滚动"), rows < 30, "at {w}x{rows}:\n{text}");
    }
}

#[test]
fn every_tab_reads_whole_at_60x20_80x24_and_200x50() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("某某县住房和城乡建设局村镇建设股", "王建国", LONG_CONTENT);
    h.save_call("城关镇", "李站长", "河堤出现管涌");
    add_visit(&mut h);
    let mut states: Vec<(&str, App, Vec<&str>)> = Vec::new();

    // 1 值班记录: the list and the first record's detail (the content wrapped whole).
    states.push((
        "值班记录",
        h.app.clone(),
        vec!["值班记录（按时间，最新在上）", "河堤出现管涌"],
    ));
    h.key(Key::plain(KeyCode::End));
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.mode(), Mode::Detail);
    states.push((
        "记录详情",
        h.app.clone(),
        vec![
            "第 1 号记录",
            LONG_CONTENT,
            "某某县住房和城乡建设局村镇建设股",
            "王建国",
        ],
    ));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    states.push((
        "新建记录",
        h.app.clone(),
        vec!["新建值班记录：来电", "来电单位", "来电人"],
    ));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('q'));
    states.push((
        "确认退出",
        h.app.clone(),
        vec!["请确认", "确定退出值班系统吗？", "y 是", "n 否"],
    ));
    h.key(Key::ch('n'));

    // 2 来访登记: the board, the detail (the purpose whole), the watch list, the lookup.
    h.key(Key::ch('2'));
    states.push((
        "来访登记",
        h.app.clone(),
        vec!["在楼人员 1 人", "曾国藩", "1101**********002X"],
    ));
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.mode(), Mode::VisitDetail);
    states.push((
        "来访详情",
        h.app.clone(),
        vec![
            "第 1 号来访",
            PURPOSE,
            "某某县住房和城乡建设局村镇建设股",
            "1101**********002X（按 v 显示完整号码，查看会留痕）",
        ],
    ));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('w'));
    states.push((
        "关注名单",
        h.app.clone(),
        vec![
            "关注名单 0 人",
            "关注名单为空。按 n 新增（姓名、别名、证件号码、原因）。",
        ],
    ));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    h.type_text("zgf");
    assert_eq!(h.app.mode(), Mode::VisitLookup);
    states.push((
        "来访查找",
        h.app.clone(),
        vec!["登记来访：先查找是否来过", "查找：zgf", "曾国藩"],
    ));
    h.key(Key::plain(KeyCode::Esc));

    // 3 紧急事项 without an event: the whole hint.
    h.key(Key::ch('3'));
    states.push((
        "紧急事项",
        h.app.clone(),
        vec!["没有要显示的紧急事件。按 n 新建；在值班记录详情中按 u 可由记录转为紧急事件；按 f 可看已结束的事件。"],
    ));

    // 4 交接班: the history, the roster month (the day's shift whole), the draft.
    h.key(Key::ch('4'));
    states.push((
        "交接班",
        h.app.clone(),
        vec![
            "交接班记录（最新在上）",
            "交班时按 n：列出本班记录和一切未办结事项，接班人逐项确认后双方签字。",
        ],
    ));
    h.key(Key::ch('r'));
    assert_eq!(h.app.mode(), Mode::Roster);
    states.push((
        "排班表",
        h.app.clone(),
        vec!["带班 王五 13800000003", "主班 张三", "2026-11-23 周一"],
    ));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('n'));
    assert_eq!(h.app.mode(), Mode::HandoverDraft);
    states.push((
        "交班单",
        h.app.clone(),
        vec![
            "交班人 张三",
            "值班时段 2026-11-22 08:30 至 2026-11-23 03:10；本班共记录 2 条：来电 2",
            "在楼访客 第 1 号来访 曾国藩 访 办公室李主任",
            "2026-11-23 03:10 进入，已在楼 0 小时 0 分",
        ],
    ));
    // What still blocks signing is below the items: on screen from 80x24 (at 60x20 the draft
    // scrolls to it with the selection).
    for (w, rows) in [(80, 24), (200, 50)] {
        let screen = draw(&h.app, w, rows);
        assert_reads(
            &screen,
            "签字前：还没有选择接班人：按 e 选择接班人",
            &format!("交班单 at {w}x{rows}"),
        );
        assert_reads(
            &screen,
            "签字前：当班情况还没有填写：按 e 填写",
            &format!("交班单 at {w}x{rows}"),
        );
    }
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('y'));

    // 5 查询: results with the snippet's full-width punctuation; the 值班日报.
    h.key(Key::ch('5'));
    h.type_text("渗水");
    states.push((
        "查询",
        h.app.clone(),
        vec![
            "查询：1 条",
            "查找：渗水",
            "河堤出现渗水，已组织人员巡查；请求派员支援（附",
        ],
    ));
    h.key(Key::ctrl('r'));
    assert_eq!(h.app.mode(), Mode::Report);
    states.push((
        "值班日报",
        h.app.clone(),
        vec!["值班日报（Esc 返回）", "本日无重要情况，零报告。"],
    ));

    for (name, app, texts) in &states {
        for (w, rows) in SIZES {
            let screen = draw(app, w, rows);
            for t in texts {
                assert_reads(&screen, t, &format!("{name} at {w}x{rows}"));
            }
            // The status line at every size: the time, who is on duty, the alert area.
            let status = screen.iter().find(|r| r.contains("值班员：张三")).unwrap();
            assert!(
                status.contains("03:10:00") && status.contains("告警：无"),
                "{name}: {status}"
            );
            // Lists and the month grid may cut a cell (the record or the day below has it
            // whole); the draft's item titles come cut from the core (40 characters, as sealed
            // into the handover); nothing else is cut.
            if ![
                "值班记录",
                "确认退出",
                "来访登记",
                "来访查找",
                "排班表",
                "交班单",
                "查询",
            ]
            .contains(name)
            {
                assert!(
                    !read(&screen).contains(".."),
                    "{name} at {w}x{rows}:\n{}",
                    screen.join("\n")
                );
            }
            no_row_starts_with_a_closing_mark(&screen, &format!("{name} at {w}x{rows}"));
        }
    }
}

#[test]
fn the_go_to_list_shows_every_screen_whole_at_every_size() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch(':'));
    assert_eq!(h.app.mode(), Mode::GoTo);
    for (w, ht) in SIZES {
        let text = draw(&h.app, w, ht).join("\n");
        for item in zhiban::core::app::goto_items() {
            assert!(text.contains(item.label), "{} missing at {w}x{ht}:\n{text}", item.label);
            assert!(text.contains(&item.key), "{} missing at {w}x{ht}:\n{text}", item.key);
        }
        assert!(text.contains("Up/Down 选择  Enter 打开  Esc 返回"), "{w}x{ht}:\n{text}");
    }
}

#[test]
fn the_help_scrolls_with_the_keys_to_its_last_line() {
    let mut h = Harness::new(60, 20, Some("张三"));
    h.key(Key::ch('?'));
    let first = draw(&h.app, 60, 20).join("\n");
    assert!(first.contains("↑↓ 滚动"), "{first}");
    // The list's last binding (q 退出) is reached by paging down, never cut.
    h.keys(KeyCode::PageDown, 10);
    let last = draw(&h.app, 60, 20).join("\n");
    assert!(last.contains("退出"), "{last}");
    assert_ne!(first, last);
}
