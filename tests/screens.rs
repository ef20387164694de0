//! Screen tests: the real app and store (on a temporary file), driven by keys through the
//! runtime's effect loop, rendered into ratatui's `TestBackend` at 80x24 and 160x48, asserting
//! what a person reads and where the terminal cursor is. Fixed clock throughout.

use zhiban::core::keymap::{self, Key, KeyCode, Mode};

mod common;

use common::Harness;

#[test]
fn operator_picker_lists_the_configured_people() {
    let mut h = Harness::new(80, 24, None);
    let text = h.text();
    assert!(text.contains("请选择本班值班人员"), "{text}");
    for name in ["张三", "李四", "王五", "带班领导", "值班员：未选择"] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    // The picker starts on the officer the roster has on duty now (李四's 主班 at 03:10); the
    // name alone signs nobody in: the PIN is asked (a fresh file: enrolment is open).
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("请 李四 输入本人 PIN"), "{}", h.text());
    assert!(h.text().contains("值班员：未选择"), "{}", h.text());
    h.type_text("246813");
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("登记开放"), "{}", h.text());
    for _ in 0..2 {
        h.type_text("246813");
        h.key(Key::plain(KeyCode::Enter));
    }
    let text = h.text();
    assert!(text.contains("值班员：李四"), "{text}");
    assert!(!text.contains("246813"), "a PIN is never shown:\n{text}");
    assert!(text.contains("还没有值班记录。按 n 新建第一条。"), "{text}");
}

#[test]
fn the_picker_starts_on_the_officer_on_duty_and_q_asks_before_quitting() {
    let mut h = Harness::new(80, 24, None);
    let (col, row) = h.find("李四");
    let line = &h.screen()[usize::from(row)];
    assert!(line.contains("李四"), "{line} at {col}");
    assert_eq!(h.app.picker_selected, 1, "李四 is the second configured person");
    h.key(Key::ch('q'));
    assert!(h.text().contains("确定退出值班系统吗？"), "{}", h.text());
    h.key(Key::ch('n'));
    assert!(!h.app.quit);
    h.key(Key::plain(KeyCode::Up));
    h.key(Key::plain(KeyCode::Enter));
    assert!(h.text().contains("请 张三 输入本人 PIN"), "{}", h.text());
    // q at sign-in asks too.
    h.key(Key::ch('q'));
    assert!(h.text().contains("确定退出值班系统吗？"), "{}", h.text());
}

#[test]
fn status_line_shows_time_operator_and_alert_area_at_both_sizes() {
    for (cols, rows, time) in [(80, 24, "11-23 03:10:00"), (160, 48, "2026-11-23 03:10:00")] {
        let mut h = Harness::new(cols, rows, Some("张三"));
        let screen = h.screen();
        let status = &screen[usize::from(rows) - 2];
        assert!(
            status.contains(time) && status.contains("值班员：张三") && status.contains("告警：无"),
            "{status}"
        );
        assert!(
            screen[0].contains("1 值班记录") && screen[0].contains("5 查询"),
            "{}",
            screen[0]
        );
    }
}

#[test]
fn caret_sits_after_chinese_text_in_a_form_field() {
    for (cols, rows) in [(80, 24), (160, 48)] {
        let mut h = Harness::new(cols, rows, Some("张三"));
        h.key(Key::ch('n'));
        h.key(Key::plain(KeyCode::Tab)); // 来电单位 -> 来电人
        h.type_text("张三");
        let (label_x, label_y) = h.find("来电人");
        let (value_x, value_y) = h.find("张三 ");
        assert_eq!(value_y, label_y, "the value is on the label's row");
        assert!(value_x > label_x);
        // The real terminal cursor (where an input method opens its window) is right after
        // the two double-width characters, on the field's row.
        assert_eq!(h.cursor(), (value_x + 4, label_y), "at {cols}x{rows}:\n{}", h.text());
        h.key(Key::plain(KeyCode::Left));
        assert_eq!(h.cursor(), (value_x + 2, label_y));
    }
}

#[test]
fn a_saved_call_is_listed_with_its_chinese_text_at_both_sizes() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇人民政府", "王建国", "河堤出现渗水，已组织人员巡查");
    let text = h.text();
    assert!(text.contains("已保存：第 1 号记录"), "{text}");
    let row = h
        .screen()
        .into_iter()
        .find(|l| l.contains("河堤出现"))
        .expect("entry row");
    for part in ["11-23 03:10", "来电", "城关镇", "一般", "待办"] {
        assert!(row.contains(part), "{part} not in {row}");
    }

    let mut wide = Harness::new(160, 48, Some("张三"));
    wide.save_call("城关镇人民政府", "王建国", "河堤出现渗水，已组织人员巡查");
    let row = wide
        .screen()
        .into_iter()
        .find(|l| l.contains("河堤出现渗水，已组织人员巡查"))
        .expect("full content on a wide screen");
    assert!(
        row.contains("2026-11-23 03:10") && row.contains("城关镇人民政府 王建国"),
        "{row}"
    );
}

#[test]
fn detail_shows_both_parts_and_the_amendment_history() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "王建国", "河堤渗水");
    h.key(Key::plain(KeyCode::Enter));
    let text = h.text();
    for part in [
        "第 1 号",
        "【记录】",
        "来电单位：",
        "城关镇",
        "【办理】",
        "记录人：",
        "张三",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }
    // Correct the caller: 更正项 starts on the first amendable field; move to 来电人.
    h.key(Key::ch('e'));
    h.keys(KeyCode::Right, 3);
    assert!(h.text().contains("< 来电人 >"), "{}", h.text());
    h.key(Key::plain(KeyCode::Tab));
    h.key(Key::ctrl('u'));
    h.type_text("王建军");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("听错姓名");
    h.key(Key::ctrl('s'));
    h.keys(KeyCode::PageDown, 3);
    let text = h.text();
    assert!(text.contains("王建国 改为 王建军"), "{text}");
    assert!(text.contains("听错姓名"), "{text}");
}

#[test]
fn failed_validation_keeps_the_form_and_says_how_to_fix_it() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('n'));
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("王建国");
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("12812345678");
    h.key(Key::ctrl('s'));
    let text = h.text();
    assert!(
        text.contains("王建国") && text.contains("12812345678"),
        "typed text must stay:\n{text}"
    );
    assert!(text.contains("第二位应为 3-9"), "{text}");
    assert!(text.contains("“内容”必须填写"), "{text}");
    assert!(!text.contains("已保存"), "{text}");
}

#[test]
fn a_store_failure_keeps_the_form_and_a_retry_saves() {
    let mut h = Harness::new(80, 24, Some("张三"));
    // Another terminal holds the write lock for longer than the busy timeout.
    let path = h.store.path().to_path_buf();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    h.save_call("城关镇", "王建国", "河堤渗水");
    let text = h.text();
    assert!(text.contains("保存失败") && text.contains("另一个终端"), "{text}");
    assert!(text.contains("河堤渗水") && text.contains("王建国"), "{text}");
    other.execute_batch("COMMIT").unwrap();
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 1 号记录"), "{}", h.text());
}

#[test]
fn escape_sequences_in_a_paste_never_reach_the_screen() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('n'));
    h.keys(KeyCode::Tab, 3); // 内容
    h.paste("报告\u{1b}[2J\u{1b}]0;标题\u{7}险情\u{1b}[31m");
    h.screen();
    let buf = h.terminal.backend().buffer().clone();
    assert!(
        buf.content
            .iter()
            .all(|c| !c.symbol().contains('\u{1b}') && !c.symbol().chars().any(char::is_control))
    );
    assert!(h.text().contains("报告险情"), "{}", h.text());
}

#[test]
fn hint_bar_and_help_come_from_the_same_registry() {
    let mut h = Harness::new(160, 48, Some("张三"));
    let hints = h.screen()[47].clone();
    for (keys, what) in keymap::hints(Mode::List) {
        assert!(
            hints.contains(&format!("{keys} {what}")),
            "hint {keys} {what} missing: {hints}"
        );
    }
    h.key(Key::ch('?'));
    let text = h.text();
    assert!(text.contains("帮助 · 按键"), "{text}");
    for b in keymap::bindings_for(Mode::List) {
        assert!(
            text.contains(b.action.describe()),
            "help lacks {}:\n{text}",
            b.action.describe()
        );
        assert!(
            text.contains(&keymap::keys_label(b)),
            "help lacks {}:\n{text}",
            keymap::keys_label(b)
        );
    }
    h.key(Key::plain(KeyCode::Esc));
    assert!(!h.text().contains("帮助 · 按键"));
}

#[test]
fn quitting_a_half_typed_form_asks_on_screen() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('n'));
    h.type_text("城关镇");
    h.key(Key::ctrl('c'));
    assert!(h.text().contains("放弃已填写的内容并退出吗"), "{}", h.text());
    h.key(Key::ch('n'));
    assert!(h.text().contains("城关镇"));
    assert!(!h.app.quit);
}

#[test]
fn scrolling_pages_through_many_entries_newest_first() {
    let mut h = Harness::new(80, 24, Some("张三"));
    for i in 0..120 {
        let minute = format!("2026-11-22 {:02}:{:02}", 8 + i / 60, i % 60);
        h.key(Key::ch('n'));
        h.key(Key::plain(KeyCode::BackTab)); // 类型
        h.key(Key::plain(KeyCode::BackTab)); // 类别
        h.key(Key::plain(KeyCode::BackTab)); // 来电时间
        h.type_text(&minute);
        h.keys(KeyCode::Tab, 3);
        h.type_text(&format!("单位{i:03}"));
        h.keys(KeyCode::Tab, 3);
        h.type_text("例行来电");
        h.key(Key::ctrl('s'));
        assert!(h.text().contains("已保存"), "entry {i}:\n{}", h.text());
    }
    h.key(Key::plain(KeyCode::Home));
    assert!(h.screen()[3].contains("单位119"), "{}", h.text());
    h.keys(KeyCode::PageDown, 5);
    h.keys(KeyCode::Down, 100);
    let text = h.text();
    assert!(
        text.contains("单位000"),
        "the oldest entry is reachable by scrolling:\n{text}"
    );
    h.key(Key::plain(KeyCode::Home));
    assert!(h.screen()[3].contains("单位119"));
}

#[test]
fn a_call_logged_by_another_terminal_appears_within_a_tick() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "王建国", "本机记录");
    // The gate terminal (or a phone system's hook) writes through its own connection.
    let mut other = zhiban::store::Store::open(h.store.path()).unwrap();
    let raw = [
        (zhiban::core::log::LogField::Kind, "来电"),
        (zhiban::core::log::LogField::Unit, "县公安局"),
        (zhiban::core::log::LogField::Content, "另一终端记录的来电"),
    ]
    .into_iter()
    .map(|(f, v)| (f, v.to_string()))
    .collect();
    let entry = zhiban::core::log::build_entry(&raw, "李四", h.clock).unwrap();
    other.insert_entry(&entry).unwrap();
    assert!(!h.text().contains("另一终端记录的来电"));
    h.tick_to(h.clock + chrono::Duration::seconds(1));
    let text = h.text();
    assert!(
        text.contains("另一终端记录的来电") && text.contains("本机记录"),
        "{text}"
    );
}

#[test]
fn a_failed_first_read_says_why_instead_of_reading_forever() {
    let mut h = Harness::new(80, 24, Some("张三"));
    use zhiban::core::app::{Effect, Msg, Reply, Request};
    h.app.screens.log.list.loaded = false;
    let t = h.clock;
    // The page read that `g` asks for fails: its reply goes back to the list that asked.
    let effects = h.app.update(Msg::Key(Key::ch('g')), t);
    let op = effects
        .iter()
        .find_map(|e| match e {
            Effect::Request(op, Request::LoadPage(_)) => Some(*op),
            _ => None,
        })
        .expect("g reads the newest page");
    zhiban::runtime::dispatch(
        &mut h.app,
        &mut h.store,
        &mut h.alerter,
        Msg::Reply(op, Reply::Failed("数据库文件已损坏".into())),
        t,
    );
    // Long after the status message is gone, the list still says what happened.
    h.tick_to(t + chrono::Duration::seconds(60));
    let text = h.text();
    assert!(text.contains("读取失败：数据库文件已损坏"), "{text}");
    assert!(!text.contains("正在读取"), "{text}");
    h.key(Key::ch('g'));
    assert!(h.text().contains("还没有值班记录"), "{}", h.text());
}

#[test]
fn a_back_dated_entry_is_marked_where_it_falls_and_the_list_keeps_the_newest_on_top() {
    let mut h = Harness::new(100, 30, Some("张三"));
    h.save_call("城关镇", "李站长", "最新的来电");
    // A call from earlier in the night, logged now.
    h.key(Key::ch('n'));
    h.keys(KeyCode::BackTab, 3); // 来电时间
    h.type_text("01:30");
    h.keys(KeyCode::Tab, 3);
    h.type_text("河口村");
    h.keys(KeyCode::Tab, 3);
    h.type_text("补记的来电");
    h.key(Key::ctrl('s'));
    let screen = h.screen();
    let bottom = screen[28..].join("");
    assert!(
        bottom.contains("已保存：第 2 号记录（补记，事发 2026-11-23 01:30，已在列表中标出）"),
        "{bottom}"
    );
    assert!(
        screen[3].contains("最新的来电"),
        "the newest stays on top:\n{}",
        h.text()
    );
    assert!(
        screen[4].contains("〔刚保存〕补记的来电"),
        "marked where it falls:\n{}",
        h.text()
    );
    // Moving on drops the mark.
    h.key(Key::plain(KeyCode::Down));
    assert!(!h.text().contains("〔刚保存〕"));
}
