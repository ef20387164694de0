//! The 查询 tab in the app: `/` from a list, results as the officer types with the match
//! highlighted, a result opening its record on its own tab, filters, and the 值班日报.

mod common;

use common::Harness;
use zhiban::core::app::{Msg, Tab};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::visit::{VisitDraft, build_visit};

/// Whether some cell of the screen showing `text`'s first character is drawn highlighted.
fn highlighted(h: &mut Harness, text: &str) -> bool {
    h.screen();
    let buf = h.terminal.backend().buffer().clone();
    let first = text.chars().next().unwrap().to_string();
    (0..buf.area.height).any(|y| {
        (0..buf.area.width).any(|x| {
            let c = &buf[(x, y)];
            c.symbol() == first && Some(c.bg) == zhiban::ui::theme::highlight().bg
        })
    })
}

#[test]
fn slash_searches_as_you_type_highlights_and_opens_the_entry() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "李站长", "河堤出现管涌，请求派员支援");
    h.save_call("市应急管理局", "王科长", "通知明日召开防汛会议");
    h.key(Key::ch('/'));
    assert_eq!(h.app.tab(), Tab::Search);
    h.type_text("管涌");
    let text = h.text();
    assert!(text.contains("查询：1 条"), "{text}");
    assert!(text.contains("河堤出现管涌"), "{text}");
    assert!(!text.contains("防汛会议"), "{text}");
    assert!(highlighted(&mut h, "管涌"), "the match is highlighted:\n{text}");
    // The real cursor sits after the query, for the input method.
    let (x, y) = h.cursor();
    assert_eq!((x, y), (1 + 6 + 4, 2), "{text}");
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.tab(), Tab::Log);
    assert!(h.text().contains("第 1 号记录"), "{}", h.text());
}

#[test]
fn a_visitor_is_found_by_pinyin_and_a_bad_filter_says_how_to_fix_it() {
    let mut h = Harness::new(120, 30, Some("张三"));
    let draft = VisitDraft {
        name: "曾国藩".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        purpose: "商谈防汛物资".into(),
        host: "办公室".into(),
        ..VisitDraft::default()
    };
    let v = build_visit(&draft, "张三", common::now(), common::now().date()).unwrap();
    h.store.add_visit(&v).unwrap();
    h.key(Key::ch('5'));
    h.type_text("zgf");
    assert!(h.text().contains("曾国藩"), "{}", h.text());
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.tab(), Tab::Visitors);
    assert!(h.text().contains("第 1 号来访"), "{}", h.text());
    assert!(!h.text().contains("11010519491231002X"), "still masked");
    // Back to the board, then `/` from its list; Esc clears the old query.
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('/'));
    assert_eq!(h.app.tab(), Tab::Search);
    h.key(Key::plain(KeyCode::Esc));
    h.type_text("类型:车辆 火");
    assert!(h.text().contains("没有“车辆”这种类型"), "{}", h.text());
}

#[test]
fn ctrl_r_shows_the_daily_report() {
    let mut h = Harness::new(100, 40, Some("张三"));
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    let text = h.text();
    assert!(text.contains("值班日报"), "{text}");
    // 03:10 on the 23rd: the period in progress, from 08:00 on the 22nd, with nothing in it.
    assert!(
        text.contains("11-22 08:00 至 11-23 08:00　截至 03:10（本期未结束）"),
        "{text}"
    );
    assert!(text.contains("零报告"), "{text}");
    h.key(Key::plain(KeyCode::Esc));
    assert!(h.text().contains("查找："));
}

/// A search cut by its time budget never reads as "nothing found": it says how far it looked
/// and that Enter goes on.
#[test]
fn a_cut_search_says_how_far_it_looked_and_never_says_nothing_was_found() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "李站长", "河堤出现管涌，请求派员支援");
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('/'));
    h.type_text("局镇");
    // The answer a slow machine gives: out of time with nothing found, stopped at the record.
    let any = zhiban::core::search::SearchQuery::parse("管涌").unwrap();
    let stopped_at = h.store.search(&any, 1, None).unwrap()[0].cursor;
    let page = zhiban::core::search::SearchPage {
        hits: Vec::new(),
        cut: Some(stopped_at),
    };
    h.app.screens.search.on_results("局镇", page, false);
    let text = h.text();
    assert!(text.contains("查询较慢，只查到"), "{text}");
    assert!(text.contains("还没有找到：按 Enter 或 ↓ 继续查更早的"), "{text}");
    assert!(!text.contains("没有找到。"), "a cut search is not complete:\n{text}");
}

#[test]
fn while_the_index_is_built_search_says_how_far_and_asks_again_when_it_is_done() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.save_call("城关镇", "李站长", "河堤出现管涌，请求派员支援");
    // As after an upgrade that remade the index: the record is there, its document is not yet.
    let path = h.store.path().to_path_buf();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DELETE FROM search_uni; DELETE FROM search_doc;
         INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES ('值班记录', 9223372036854775807);",
    )
    .unwrap();
    drop(conn);
    let building = zhiban::core::search_screen::IndexBuilding {
        percent: 45,
        merging: false,
    };
    let t = h.clock;
    zhiban::runtime::dispatch(
        &mut h.app,
        &mut h.store,
        &mut h.alerter,
        Msg::SearchIndex(Ok(Some(building))),
        t,
    );
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('/'));
    h.type_text("管涌");
    let text = h.text();
    assert!(text.contains("索引建立中（45%）"), "{text}");
    assert!(text.contains("已编入索引的记录中没有找到"), "{text}");
    assert!(
        !text.contains("没有找到。"),
        "an index being built is not a complete answer:\n{text}"
    );
    // The builder finishes: the notice goes, the status line says so, and the search on screen
    // is asked again, whole.
    assert_eq!(h.store.backfill_search().unwrap(), 1);
    zhiban::runtime::dispatch(&mut h.app, &mut h.store, &mut h.alerter, Msg::SearchIndex(Ok(None)), t);
    let text = h.text();
    assert!(!text.contains("索引建立中"), "{text}");
    assert!(text.contains("查询索引已建好"), "{text}");
    assert!(text.contains("河堤出现管涌"), "asked again:\n{text}");
}
