//! Issue 18's "done when", walked on screen with a fixed clock at 80x24 (and read at 200x50): a
//! 特急 fax registered, forwarded, reminded when nobody signs and signed for; a 机密 item whose
//! title was typed before the level was chosen leaves no trace in the file or its log; the
//! directory imported from a CSV, found by pinyin and giving the escalation banner its number; a
//! 查岗 round of ten duty rooms with three 未接 in the 值班日报.
//!
//! Run with `--nocapture` to see the screens the closing note shows.

mod common;

use common::{Harness, at};
use zhiban::core::directory::parse_csv;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::screens::ScreenId;
use zhiban::store::Store;

/// What a person reads: the app drawn whole into a fresh terminal of the harness's size.
fn read(h: &mut Harness) -> String {
    let area = h.terminal.backend().buffer().area;
    h.terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(area.width, area.height)).unwrap();
    h.screen().join("\n")
}

fn show(title: &str, h: &mut Harness) {
    println!("---- {title} ----\n{}\n", read(h));
}

/// The focused field of the form open on the screen shown: its label and value.
fn focused_field(h: &Harness) -> Option<(String, String)> {
    let s = &h.app.screens;
    let pick = |f: Option<(String, String)>| f;
    match h.app.screen {
        ScreenId::Log => pick(
            s.log
                .form
                .as_ref()
                .and_then(|f| f.form.focused().map(|f| (f.label.clone(), f.value()))),
        ),
        ScreenId::Documents => s
            .documents
            .form
            .as_ref()
            .and_then(|(_, f)| f.focused().map(|f| (f.label.clone(), f.value()))),
        ScreenId::SpotChecks => s
            .spotchecks
            .form
            .as_ref()
            .and_then(|(_, f)| f.focused().map(|f| (f.label.clone(), f.value()))),
        _ => None,
    }
}

fn focused(h: &Harness) -> String {
    focused_field(h).map(|(l, _)| l).unwrap_or_default()
}

fn focused_value(h: &Harness) -> String {
    focused_field(h).map(|(_, v)| v).unwrap_or_default()
}

fn tab_to(h: &mut Harness, label: &str) {
    for _ in 0..30 {
        if focused(h) == label {
            return;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    panic!("no field “{label}” in the form:\n{}", read(h));
}

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

const DIRECTORY: &str = "\u{feff}姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
王五,县政府办公室,带班领导,0871-66660003,13900000003,0871-87654321,县领导,\n\
王局长,县应急局,局长,0871-12345678,13800000011,,县领导,\n\
城关镇值班室,城关镇,,0871-22220001,,,各乡镇值班室,\n\
东风镇值班室,东风镇,,0871-22220002,,,各乡镇值班室,\n\
新华乡值班室,新华乡,,0871-22220003,,,各乡镇值班室,\n\
红旗乡值班室,红旗乡,,0871-22220004,,,各乡镇值班室,\n\
河口镇值班室,河口镇,,0871-22220005,,,各乡镇值班室,\n\
太平镇值班室,太平镇,,0871-22220006,,,各乡镇值班室,\n\
长安乡值班室,长安乡,,0871-22220007,,,各乡镇值班室,\n\
和平镇值班室,和平镇,,0871-22220008,,,各乡镇值班室,\n\
青山乡值班室,青山乡,,0871-22220009,,,各乡镇值班室,\n\
白沙镇值班室,白沙镇,,0871-22220010,,,各乡镇值班室,\n";

/// A database with the directory imported, then the app opened on it at `clock`.
fn start_with_directory(cols: u16, rows: u16, clock: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    {
        let mut store = Store::open(&path).unwrap();
        let rows = parse_csv(DIRECTORY).unwrap();
        store.import_contacts(&rows, "通讯录.csv", "张三", at(clock)).unwrap();
    }
    Harness::open(dir, &path, cols, rows, Some("张三"), at(clock))
}

fn start(cols: u16, rows: u16, clock: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    Harness::open(dir, &path, cols, rows, Some("张三"), at(clock))
}

/// Registers the 特急 fax of the walk, forwarded to 王局长.
fn register_fax(h: &mut Harness) {
    h.key(Key::ch('w'));
    h.key(Key::ch('n'));
    choose(h, "类别", "传真");
    choose(h, "紧急程度", "特急");
    tab_to(h, "来文单位");
    h.type_text("市防汛办");
    tab_to(h, "文号");
    h.type_text("市防指电〔2026〕12号");
    tab_to(h, "标题");
    h.type_text("关于做好强降雨防范工作的紧急通知");
    tab_to(h, "页数");
    h.type_text("3");
    tab_to(h, "转交给");
    h.type_text("王局长");
    h.key(Key::ctrl('s'));
}

#[test]
fn a_fax_is_registered_forwarded_reminded_and_signed_for() {
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    register_fax(&mut h);
    let screen = read(&mut h);
    assert!(screen.contains("已保存：2026年第1号"), "{screen}");
    // The detail opens on it: the register's fields, the forward waiting.
    for line in [
        "收文编号   2026年第1号",
        "类别       传真  特急  非密",
        "来文单位   市防汛办",
        "文号       市防指电〔2026〕12号",
        "份数       1 份，3 页",
        "1. 转交 王局长（12-05 14:00） 待签收",
    ] {
        assert!(screen.contains(line), "{line}:\n{screen}");
    }
    show("收文详情 80x24", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    let list = read(&mut h);
    assert!(
        list.contains("2026年第1号  特急传真  12-05 14:00  待签收 1  市防汛办：关于做好强降雨防范工作"),
        "{list}"
    );
    show("收文登记 80x24", &mut h);

    // An hour on, nobody has signed: said once on the status line, with one bell.
    let bells_before = h.alerter.rings;
    h.tick_to(at("2026-12-05 15:00:01"));
    let screen = read(&mut h);
    assert!(screen.contains("转交未签收"), "{screen}");
    assert!(screen.contains("督办：转交未签收 1"), "{screen}");
    assert_eq!(h.alerter.rings, bells_before + 1, "one bell");
    h.tick_to(at("2026-12-05 15:00:40"));
    assert_eq!(h.alerter.rings, bells_before + 1, "said once");
    // In red on the list (reversed while selected).
    read(&mut h);
    let (x, y) = h.find("待签收 1（超时）");
    let cell = h.terminal.backend().buffer()[(x, y)].style();
    let red = Some(ratatui::style::Color::Red);
    assert!(cell.fg == red || cell.bg == red, "{cell:?}");
    assert!(cell.add_modifier.contains(ratatui::style::Modifier::REVERSED));

    // The handover draft carries it.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    let handover = read(&mut h);
    assert!(handover.contains("待签收转交 第 1 号转交 王局长"), "{handover}");
    show("交班单 80x24", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }

    // Signed for: 签收 by 王局长 at 15:10.
    h.key(Key::ch('1'));
    h.key(Key::ch('w'));
    h.key(Key::plain(KeyCode::Enter));
    h.tick_to(at("2026-12-05 15:10:00"));
    h.key(Key::ch('s'));
    assert!(read(&mut h).contains("签收：转交 王局长"));
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：签收"), "{screen}");
    assert!(screen.contains("已签收：王局长 12-05 15:10"), "{screen}");
    assert!(h.store.open_forwards().unwrap().is_empty());
    // A second 签收 of the same forward is refused on screen.
    h.key(Key::ch('s'));
    assert!(read(&mut h).contains("已签收，不能再签"));
}

#[test]
fn a_secret_items_title_typed_before_its_level_leaves_no_trace_in_the_file() {
    const PLANTED: &str = "机密标题甲乙丙XYZ";
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    // A call half typed in the log stays open (its draft is kept beside the document's).
    h.key(Key::ch('n'));
    h.type_text("县水利局");
    // Ctrl-G, the go-to list, to 收文登记.
    h.key(Key::ctrl('g'));
    let steps = ScreenId::ALL.iter().position(|s| *s == ScreenId::Documents).unwrap();
    h.keys(KeyCode::Down, steps);
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.screen, ScreenId::Documents);
    h.key(Key::ch('n'));
    tab_to(&mut h, "标题");
    h.type_text(PLANTED);
    // The form is kept as a draft after a few seconds, title and all.
    h.tick_to(at("2026-12-05 14:00:10"));
    let kept = h.store.drafts("张三").unwrap();
    assert!(kept.iter().any(|(_, body, _)| body.contains(PLANTED)), "{kept:?}");
    // Then the officer sees it is a secret item: 秘密 empties what was typed, 机密 next.
    tab_to(&mut h, "密级");
    h.key(Key::plain(KeyCode::Right));
    assert!(read(&mut h).contains("已清除已填的文号、标题、备注和转交"));
    h.key(Key::plain(KeyCode::Right));
    let screen = read(&mut h);
    assert!(screen.contains("[机密]"), "{screen}");
    assert!(screen.contains("标题和内容（002:1522）"), "{screen}");
    assert!(!screen.contains("标题 "), "the title field is gone:\n{screen}");
    assert!(screen.contains("告知机要员"), "{screen}");
    show("密件登记 80x24", &mut h);
    let kept = h.store.drafts("张三").unwrap();
    assert!(kept.iter().all(|(_, body, _)| !body.contains(PLANTED)), "{kept:?}");
    assert!(
        kept.iter().any(|(_, body, _)| body.contains("县水利局")),
        "the log's draft stays: {kept:?}"
    );
    // Already gone from every file, before anything is saved (the drafts rewritten and the
    // write-ahead log emptied at once, though another draft remains).
    for entry in std::fs::read_dir(h.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(PLANTED.len()).any(|w| w == PLANTED.as_bytes()),
            "right after 机密 was chosen, the planted title is in {}",
            path.display()
        );
    }
    tab_to(&mut h, "来文单位");
    h.type_text("市委办公室");
    tab_to(&mut h, "告知机要员");
    h.type_text("李机要");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：2026年第1号"), "{screen}");
    assert!(screen.contains("密件：不录入文号、标题和内容"), "{screen}");
    // 转交 is refused for a secret item: it is not forwarded on someone's behalf — on screen, by
    // the store, and by the file itself.
    h.key(Key::ch('f'));
    assert!(read(&mut h).contains("密件不代收代转"));
    let refused = h.store.add_forwards(
        zhiban::core::document::Forwarded::Document(1),
        &["王局长".to_string()],
        "关于密件内容的拟办意见",
        at("2026-12-05 14:00:20"),
        "张三",
        at("2026-12-05 14:00:20"),
    );
    assert!(format!("{refused:?}").contains("密件不代收代转"), "{refused:?}");
    let raw = rusqlite::Connection::open(h.store.path()).unwrap();
    let err = raw
        .execute(
            "INSERT INTO forward (document_id, to_whom, purpose, forwarded_at, recorded_by, recorded_at) \
             VALUES (1, '王局长', '拟办', '2026-12-05 14:01:00', '张三', '2026-12-05 14:01:00')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("never forwarded"), "{err}");
    drop(raw);
    h.key(Key::plain(KeyCode::Esc));
    assert!(read(&mut h).contains("【机密件】市委办公室"));
    show("收文登记（密件）80x24", &mut h);

    // Nothing of the title anywhere: the database, its write-ahead log, the shared memory.
    let dir = h.dir.path().to_path_buf();
    let scan = |when: &str| {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(PLANTED.len()).any(|w| w == PLANTED.as_bytes()),
                "{when}: the planted title is in {}",
                path.display()
            );
        }
    };
    scan("while open");
    let Harness { app, store, .. } = h;
    drop(app);
    drop(store);
    scan("after closing");
}

#[test]
fn the_directory_is_found_by_pinyin_reveals_a_home_number_with_a_trace_and_numbers_the_banner() {
    let mut h = start_with_directory(80, 24, "2026-12-05 14:00:00");
    h.key(Key::ch('t'));
    h.type_text("wjz");
    let screen = read(&mut h);
    assert!(screen.contains("找到 1 人（共 12 人）"), "{screen}");
    assert!(screen.contains("王局长  县应急局 局长  办 0871-12345678"), "{screen}");
    h.key(Key::plain(KeyCode::Esc));
    h.type_text("ww");
    h.key(Key::plain(KeyCode::Enter));
    let screen = read(&mut h);
    assert!(
        screen.contains("宅电     ****-****4321（按 v 显示，查看将被记录）"),
        "{screen}"
    );
    assert!(!screen.contains("87654321"), "{screen}");
    h.key(Key::ch('v'));
    let screen = read(&mut h);
    assert!(screen.contains("0871-87654321"), "{screen}");
    let id = h.app.screens.directory.detail.unwrap();
    let reveals = h.store.contact_reveals(id).unwrap();
    assert_eq!(reveals, vec![("张三".to_string(), at("2026-12-05 14:00:00"))]);
    show("通讯录 80x24", &mut h);
    // Closed and opened again: masked again.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Enter));
    assert!(!read(&mut h).contains("87654321"));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));

    // An urgent event: the banner asks for the 带班领导 at the directory's mobile (a leader is rung
    // on the mobile at any hour), not the number config.toml's [[people]] still has (13800000003).
    let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .unwrap()
        .settings;
    let t = at("2026-12-05 14:01:00");
    let mut draft = zhiban::core::urgent::EventDraft::essentials(
        "自然灾害",
        zhiban::core::urgent::Level::Major,
        t - chrono::Duration::minutes(10),
        "城关镇河堤",
        "河堤出现管涌",
    );
    draft.received_at = Some(t);
    let event = zhiban::core::urgent::new_event(draft, &settings.urgent, "张三", t).unwrap();
    h.store
        .insert_event(&event, &zhiban::core::urgent::raised(t, &settings.urgent.ladder))
        .unwrap();
    h.clock = t;
    h.tick_to(t + chrono::Duration::seconds(2));
    let screen = read(&mut h);
    assert!(screen.contains("带班领导：王五 13900000003"), "{screen}");
    assert!(!screen.contains("13800000003"), "{screen}");
}

#[test]
fn a_spot_check_round_of_ten_with_three_unanswered_is_in_the_daily_report() {
    let mut h = start_with_directory(80, 24, "2026-12-05 21:00:00");
    h.key(Key::ch('z'));
    h.key(Key::ch('n'));
    let screen = read(&mut h);
    assert!(
        screen.contains("各乡镇值班室（10 个）"),
        "the duty-room group is offered first:\n{screen}"
    );
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已开始第 1 次查岗"), "{screen}");
    assert!(screen.contains("1. 城关镇值班室  0871-22220001  待查"), "{screen}");
    // Down the list: one key for 未接, y then Ctrl-S for 在岗 (接听人 may be left empty).
    let unanswered = [1, 4, 8];
    for i in 0..10 {
        h.tick_to(at("2026-12-05 21:00:00") + chrono::Duration::minutes(i + 1));
        if unanswered.contains(&i) {
            h.key(Key::ch('x'));
        } else {
            h.key(Key::ch('y'));
            if i == 0 {
                h.type_text("李值班");
            }
            h.key(Key::ctrl('s'));
        }
    }
    let screen = read(&mut h);
    assert!(
        screen.contains("已查完：应查 10，查通 7，未接 3（东风镇值班室、河口镇值班室、青山乡值班室）"),
        "{screen}"
    );
    assert!(
        screen.contains("1. 城关镇值班室  0871-22220001  在岗（李值班 21:01）"),
        "{screen}"
    );
    show("查岗 80x24", &mut h);

    // The 值班日报 of the period (ending 08:00 next morning) names the failures.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    let report = read(&mut h);
    let text = h
        .app
        .screens
        .search
        .report
        .as_ref()
        .map(|r| r.text.clone())
        .unwrap_or_default();
    assert!(text.contains("查岗 1 次："), "{text}");
    assert!(
        text.contains("第 1 次 12-05 21:00 张三查 各乡镇值班室：应查 10，查通 7，未接 3（东风镇值班室、河口镇值班室、青山乡值班室）"),
        "{text}\n{report}"
    );
}

#[test]
fn the_new_screens_read_whole_at_200x50() {
    let mut h = start_with_directory(200, 50, "2026-12-05 14:00:00");
    register_fax(&mut h);
    h.key(Key::plain(KeyCode::Esc));
    let screen = read(&mut h);
    assert!(
        screen.contains("2026年第1号  特急传真  12-05 14:00  待签收 1  市防汛办：关于做好强降雨防范工作的紧急通知（市防指电〔2026〕12号）"),
        "{screen}"
    );
    show("收文登记 200x50", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('t'));
    let screen = read(&mut h);
    assert!(
        screen.contains("王五  县政府办公室 带班领导  办 0871-66660003  手 13900000003  宅 ****-****4321"),
        "{screen}"
    );
    show("通讯录 200x50", &mut h);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('z'));
    h.key(Key::ch('n'));
    h.key(Key::ctrl('s'));
    h.key(Key::ch('x'));
    let screen = read(&mut h);
    assert!(
        screen.contains("应查 10，查通 0，未接 1（城关镇值班室），未查 9"),
        "{screen}"
    );
    show("查岗 200x50", &mut h);
}

#[test]
fn an_entry_saved_without_its_content_keeps_only_the_reason() {
    const PLANTED: &str = "不该记录的内容甲乙丙XYZ";
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    h.key(Key::ch('n'));
    h.type_text("市委机要局");
    tab_to(&mut h, "内容");
    h.type_text(PLANTED);
    h.tick_to(at("2026-12-05 14:00:10"));
    assert!(
        h.store
            .drafts("张三")
            .unwrap()
            .iter()
            .any(|(_, b, _)| b.contains(PLANTED))
    );
    choose(&mut h, "内容录入", "不录入（涉密或不该记录，写明原因）");
    assert!(read(&mut h).contains("已清除已填的内容"));
    assert!(
        h.store
            .drafts("张三")
            .unwrap()
            .iter()
            .all(|(_, b, _)| !b.contains(PLANTED))
    );
    // The draft was replaced, not removed: the write-ahead log is emptied all the same.
    for entry in std::fs::read_dir(h.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(PLANTED.len()).any(|w| w == PLANTED.as_bytes()),
            "right after 不录入 was chosen, the content is in {}",
            path.display()
        );
    }
    // Saved without a reason: refused, nothing lost.
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("“不录入原因”必须填写"));
    tab_to(&mut h, "不录入原因");
    h.type_text("密件，已告知机要员李机要");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：第 1 号记录"), "{screen}");
    let entry = h.store.entry(1).unwrap();
    assert_eq!(entry.fields.content, "（内容不录入）");
    assert_eq!(entry.fields.withheld.as_deref(), Some("密件，已告知机要员李机要"));
    h.key(Key::plain(KeyCode::Enter));
    let screen = read(&mut h);
    assert!(
        screen.contains("内容不录入（不该记录的坚决不记）：密件，已告知机要员李机要"),
        "{screen}"
    );
    show("内容不录入 80x24", &mut h);
    // Content cannot be added afterwards: the amend form does not offer it…
    h.key(Key::ch('e'));
    let offered = match h
        .app
        .screens
        .log
        .form
        .as_ref()
        .and_then(|f| f.form.fields.first())
        .map(|f| &f.input)
    {
        Some(zhiban::core::form::Input::Choice { options, .. }) => options.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!offered.iter().any(|o| o == "内容"), "{offered:?}");
    h.key(Key::plain(KeyCode::Esc));
    // …and the store refuses an amendment of it.
    let refused = h.store.amend(&zhiban::core::log::AmendRequest {
        entry_id: 1,
        changes: vec![(zhiban::core::log::LogField::Content, "补录".into())],
        reason: "补录".into(),
        amended_by: "张三".into(),
        amended_at: at("2026-12-05 14:01:00"),
    });
    assert!(format!("{refused:?}").contains("不能补录内容"), "{refused:?}");
    let dir = h.dir.path().to_path_buf();
    let Harness { app, store, .. } = h;
    drop(app);
    drop(store);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(PLANTED.len()).any(|w| w == PLANTED.as_bytes()));
    }
}

#[test]
fn a_call_is_forwarded_and_signed_for_like_a_document_and_a_transfer_is_followed_the_same_way() {
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    h.key(Key::ch('n'));
    h.type_text("县水利局");
    tab_to(&mut h, "内容");
    h.type_text("城关段河堤出现管涌，请求县里派员支援");
    h.key(Key::ctrl('s'));
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('f'));
    assert!(read(&mut h).contains("第 1 号记录：转交"));
    h.type_text("王局长、李科长");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：第 1 号记录的转交"), "{screen}");
    h.keys(KeyCode::PageDown, 1);
    let screen = read(&mut h);
    assert!(screen.contains("转交 王局长（12-05 14:00） 待签收"), "{screen}");
    assert!(screen.contains("转交 李科长（12-05 14:00） 待签收"), "{screen}");
    assert_eq!(h.store.open_forwards().unwrap().len(), 2);
    // 签收 of the second: choose it, the name follows the choice only when typed.
    h.tick_to(at("2026-12-05 14:20:00"));
    h.key(Key::ch('r'));
    choose(&mut h, "转交", "李科长（12-05 14:00）");
    tab_to(&mut h, "签收人");
    h.key(Key::ctrl('u'));
    h.type_text("李科长");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：第 1 号记录转交的签收"), "{screen}");
    let open = h.store.open_forwards().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].to_whom, "王局长");
    assert_eq!(open[0].what, "第 1 号记录（县水利局）");
    show("记录的转交与签收 80x24", &mut h);

    // Closing by 移送 hands it on the same way: a forward waiting for its 签收.
    let entry = h.store.entry(1).unwrap();
    h.store
        .close_entry(
            &zhiban::core::log::AmendRequest {
                entry_id: 1,
                changes: vec![(zhiban::core::log::LogField::Status, "已办结".into())],
                reason: "移送县应急局".into(),
                amended_by: "张三".into(),
                amended_at: at("2026-12-05 14:30:00"),
            },
            &zhiban::core::instruction::Closing::Transferred {
                to: "县应急局".into()
            },
        )
        .unwrap();
    assert_eq!(entry.forwards.len(), 2);
    let forwards = h.store.entry(1).unwrap().forwards;
    assert_eq!(forwards.len(), 3);
    assert_eq!(
        (forwards[2].to_whom.as_str(), forwards[2].purpose.as_str()),
        ("县应急局", "移送")
    );
    assert!(forwards[2].signature.is_none());
}

#[test]
fn holiday_rosters_are_collected_reminded_and_reported_upward() {
    // 2026-09-26: the next holiday in the shipped calendar is 国庆 (10-01); rosters due 09-28.
    let mut h = start_with_directory(80, 24, "2026-09-26 09:00:00");
    h.key(Key::ch('4'));
    h.key(Key::ch('h'));
    h.key(Key::ch('n'));
    let screen = read(&mut h);
    assert!(
        screen.contains("收齐日期     2026-09-28"),
        "three days before the holiday:\n{screen}"
    );
    assert!(screen.contains("各乡镇值班室（10 个）"), "{screen}");
    h.type_text("2026年国庆节");
    let bells = h.alerter.rings;
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(
        screen.contains("已报 0/10，未报：城关镇值班室、东风镇值班室"),
        "{screen}"
    );
    // Two arrive: y on each (the cursor walks on).
    h.key(Key::ch('y'));
    h.tick_to(at("2026-09-26 10:00:00"));
    h.key(Key::ch('y'));
    let screen = read(&mut h);
    assert!(
        screen.contains("1. 城关镇值班室  已收到 09-26 09:00（张三登记）"),
        "{screen}"
    );
    assert!(
        screen.contains("2. 东风镇值班室  已收到 09-26 10:00（张三登记）"),
        "{screen}"
    );
    // Due within two days: reminded (once a day, one bell) and noted on every screen.
    h.tick_to(at("2026-09-26 10:00:35"));
    assert!(read(&mut h).contains("节日值班表未齐 1"), "{}", read(&mut h));
    assert_eq!(h.alerter.rings, bells + 1);
    show("节日值班表 80x24", &mut h);
    // The office's own roster goes upward.
    h.key(Key::ch('s'));
    h.key(Key::plain(KeyCode::Tab));
    h.type_text("传真");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(
        screen.contains("本单位已上报 上级总值班室 09-26 10:00（传真）"),
        "{screen}"
    );
    let rounds = h
        .store
        .holiday_rounds_since(zhiban::core::holiday::parse_due("2026-09-01", at("2026-09-26 10:00:00").date()).unwrap())
        .unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].missing().count(), 8);
    assert_eq!(rounds[0].reports.len(), 1);
}

#[test]
fn documents_are_found_by_search_and_a_secret_item_only_by_its_sender() {
    let mut h = start(80, 24, "2026-12-05 14:00:00");
    register_fax(&mut h);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.store
        .add_document(
            &zhiban::core::document::NewDocument {
                kind: zhiban::core::document::DocKind::Document,
                secrecy: zhiban::core::document::Secrecy::Secret,
                number: String::new(),
                title: String::new(),
                from: "市委办公室".into(),
                urgency: zhiban::core::document::Urgency::Urgent,
                copies: 2,
                pages: None,
                received_at: at("2026-12-05 14:01:00"),
                note: String::new(),
                clerk: "李机要".into(),
                clerk_told_at: Some(at("2026-12-05 14:02:00")),
                forward_to: Vec::new(),
                recorded_by: "张三".into(),
                recorded_at: at("2026-12-05 14:02:00"),
            },
            at("2026-12-05 14:02:00"),
        )
        .unwrap();
    h.key(Key::ch('5'));
    h.type_text("强降雨");
    h.pause();
    let screen = read(&mut h);
    assert!(screen.contains("收文"), "{screen}");
    assert!(screen.contains("市防汛办"), "{screen}");
    show("查询：收文 80x24", &mut h);
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.screen, ScreenId::Documents);
    let screen = read(&mut h);
    assert!(
        screen.contains("收文编号   2026年第1号"),
        "the hit opens its document:\n{screen}"
    );
    // A filter by kind; the secret item is found by its sender, with nothing else of it.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('5'));
    h.key(Key::ctrl('u'));
    h.type_text("类型:收文 市委");
    h.pause();
    let screen = read(&mut h);
    assert!(screen.contains("市委办公室"), "{screen}");
    assert!(screen.contains("密件"), "{screen}");
    let found = h
        .store
        .search(
            &zhiban::core::search::SearchQuery::parse("类型:收文").unwrap(),
            10,
            None,
        )
        .unwrap();
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|hit| hit.kind == zhiban::core::search::DocKind::Document)
    );
}

#[test]
fn a_contact_is_corrected_added_and_removed_on_screen_and_the_banner_follows() {
    let mut h = start_with_directory(80, 24, "2026-12-05 14:00:00");
    h.key(Key::ch('t'));
    h.type_text("ww");
    h.key(Key::plain(KeyCode::Enter));
    h.key(Key::ch('e'));
    let screen = read(&mut h);
    assert!(screen.contains("更正联系人：王五"), "{screen}");
    // The 宅电, not revealed, is carried masked: saving keeps it whole.
    assert!(
        screen.contains("****-****4321") && !screen.contains("87654321"),
        "{screen}"
    );
    let form = |h: &Harness| h.app.screens.directory.form.as_ref().map(|(_, f)| f.clone()).unwrap();
    while form(&h).focused().map(|f| f.label.clone()).as_deref() != Some("手机") {
        h.key(Key::plain(KeyCode::Tab));
    }
    h.key(Key::ctrl('u'));
    h.type_text("13700000099");
    h.key(Key::ctrl('s'));
    let screen = read(&mut h);
    assert!(screen.contains("已保存：通讯录"), "{screen}");
    assert!(screen.contains("手机     13700000099"), "{screen}");
    let dir = h.store.directory().unwrap();
    let wang = dir.contacts.iter().find(|c| c.name == "王五").unwrap();
    assert_eq!(
        (wang.mobile.as_str(), wang.home_phone.as_str()),
        ("13700000099", "0871-87654321")
    );
    assert_eq!(dir.contacts.len(), 12, "corrected, not added");
    // The banner rings the corrected mobile.
    assert_eq!(
        h.app
            .settings
            .people
            .iter()
            .find(|p| p.name == "王五")
            .map(|p| p.phone.as_str()),
        Some("13700000099")
    );
    // Removed, after a yes.
    h.key(Key::ch('x'));
    assert!(read(&mut h).contains("从通讯录中移除“王五”"));
    h.key(Key::ch('y'));
    assert!(read(&mut h).contains("已从通讯录中移除"));
    assert_eq!(h.store.directory().unwrap().contacts.len(), 11);
    // Added: Ctrl-N on the list, a bad number said on its field, then saved.
    h.key(Key::ctrl('n'));
    h.type_text("县气象局值班室");
    while form(&h).focused().map(|f| f.label.clone()).as_deref() != Some("办公电话") {
        h.key(Key::plain(KeyCode::Tab));
    }
    h.type_text("12");
    h.key(Key::ctrl('s'));
    let f = form(&h);
    assert!(
        f.fields[3].error.as_deref().unwrap_or("").contains("办公电话“12”不对"),
        "{:?}",
        f.fields[3].error
    );
    h.key(Key::plain(KeyCode::Backspace));
    h.key(Key::plain(KeyCode::Backspace));
    h.type_text("0871-65550000");
    h.key(Key::ctrl('s'));
    assert!(read(&mut h).contains("已保存：通讯录"));
    let dir = h.store.directory().unwrap();
    assert_eq!(dir.phone_of("县气象局值班室"), Some("0871-65550000"));
}
