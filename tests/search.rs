//! The search engine (查询) on a real SQLite file in a temporary directory, every record written
//! through the store's own APIs: 1, 2, 3 and 5 character Chinese words, a sentence boundary,
//! plates and phone numbers, pinyin of people and units, date, kind and status filters, a
//! corrected entry, a record found right after its save, user text full of FTS5 syntax, newest
//! first, paging, the index kept out of the audit, and the backfill of a database without one.
//! Words of Han characters found by their pairs find what their characters found (against a
//! reference that reads the texts), and a word that occurs nowhere reads next to nothing of the
//! index (counted in SQLite's steps).
//!
//! Every time is fixed; nothing here reads the wall clock or measures time.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::escalation::Escalation;
use zhiban::core::escalation::EventState;
use zhiban::core::log::{AmendRequest, EntryId, EntryKind, LogField, NewEntry, Status, Triage};
use zhiban::core::search::{DocKind, SearchHit, SearchQuery, highlight, log_doc, unigram_body};
use zhiban::core::urgent::{AlertTarget, EventDraft, Level, new_event};
use zhiban::core::visit::{VisitDraft, build_visit};
use zhiban::store::Store;
use zhiban::store::search::RebuildEnd;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("a valid test time")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid test day")
}

fn entry(when: &str, unit: &str, person: &str, phone: &str, content: &str, status: Status) -> NewEntry {
    let t = at(when);
    NewEntry {
        abroad: false,
        withheld: None,
        kind: EntryKind::IncomingCall,
        category: "综合".into(),
        occurred_at: t,
        unit: unit.into(),
        person: person.into(),
        phone: phone.into(),
        receiver: "李四".into(),
        content: content.into(),
        reported_elsewhere: String::new(),
        read_back: None,
        forwarded_to: String::new(),
        forwarded_at: None,
        triage: Triage::Routine,
        status,
        proposal: String::new(),
        result: if status == Status::Done {
            "已按领导要求通知到位".into()
        } else {
            String::new()
        },
        handler: String::new(),
        closed_at: (status == Status::Done).then_some(t),
        recorded_by: "李四".into(),
        recorded_at: t,
    }
}

/// A valid 18-digit number with its check character (GB 11643-1999).
fn resident_id(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = "10X98765432".chars().nth((sum % 11) as usize).expect("an index");
    format!("{first17}{check}")
}

/// The records every test starts from, by name.
struct Fixture {
    _dir: TempDir,
    store: Store,
    /// 城关镇 张三: 交通事故, 待办, 2026-11-01 08:00.
    l1: EntryId,
    /// 县应急管理局 曾国藩, landline: 河堤渗水, 办理中, 2026-11-02 09:00.
    l2: EntryId,
    /// 县水利局 王五: 强降雨, 已办结, 2026-11-03 10:00.
    l3: EntryId,
    /// 北城街道办事处 李四: 燃气泄漏, 待办, 2026-11-04 11:00.
    l4: EntryId,
    /// 赵六 of 市水利局, plate 云A12345, still inside, 2026-11-02 14:00.
    v1: i64,
    /// 单雄信, 信访 土地征收补偿, left, 2026-11-05 09:30.
    v2: i64,
    /// 自然灾害 at 李家集镇: 山体滑坡, received 2026-11-03 16:00.
    e1: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut store = Store::open(&dir.path().join("zhiban.db")).expect("open the store");
    let mut add = |e: NewEntry| store.insert_entry(&e).expect("insert an entry").0;
    let l1 = add(entry(
        "2026-11-01 08:00:00",
        "城关镇人民政府",
        "张三",
        "13812345678",
        "城关镇张庄村发生交通事故，无人员伤亡。交警已到场处置。",
        Status::Pending,
    ));
    let l2 = add(entry(
        "2026-11-02 09:00:00",
        "县应急管理局",
        "曾国藩",
        "0871-63121234",
        "李家集镇河堤渗水，请求派员查看。",
        Status::InProgress,
    ));
    let l3 = add(entry(
        "2026-11-03 10:00:00",
        "县水利局",
        "王五",
        "",
        "通知县水利局：明日有强降雨，请做好防汛准备。",
        Status::Done,
    ));
    let l4 = add(entry(
        "2026-11-04 11:00:00",
        "北城街道办事处",
        "李四",
        "13600001111",
        "北城街道幸福小区燃气泄漏，已疏散群众。",
        Status::Pending,
    ));
    let visit = |name: &str, id17: &str, when: &str| VisitDraft {
        name: name.into(),
        id_type: "居民身份证".into(),
        id_number: resident_id(id17),
        employer: "市水利局".into(),
        phone: "13955556666".into(),
        purpose: "联系防汛工作".into(),
        host: "办公室 王主任".into(),
        entered_at: when.into(),
        ..VisitDraft::default()
    };
    let mut d1 = visit("赵六", "11010519800101001", "2026-11-02 14:00");
    d1.plate = "云A·12345".into();
    let now = at("2026-11-02 14:00:00");
    let v1 = store
        .add_visit(&build_visit(&d1, "李四", now, now.date()).expect("a valid visit"))
        .expect("add a visit");
    let mut d2 = visit("单雄信", "11010519750505002", "2026-11-05 09:30");
    d2.employer = String::new();
    d2.purpose = "反映土地问题".into();
    d2.petition = true;
    d2.petition_address = "柳河乡李庄村".into();
    d2.petition_matter = "土地征收补偿".into();
    let now = at("2026-11-05 09:30:00");
    let v2 = store
        .add_visit(&build_visit(&d2, "李四", now, now.date()).expect("a valid petition visit"))
        .expect("add a visit");
    store
        .checkout(v2, "李四", at("2026-11-05 10:00:00"))
        .expect("check out");
    let settings = parse(DEFAULT_TOML, None).expect("the default config").settings;
    let received = at("2026-11-03 16:00:00");
    let mut draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        received - Duration::minutes(10),
        "李家集镇",
        "李家集镇山体滑坡，2人受伤。",
    );
    draft.received_at = Some(received);
    draft.contact = "刘主任 13700003333".into();
    let event = new_event(draft, &settings.urgent, "张三", received).expect("a valid event");
    let e1 = store.insert_event(&event, &[]).expect("insert an event");
    Fixture {
        _dir: dir,
        store,
        l1,
        l2,
        l3,
        l4,
        v1,
        v2,
        e1,
    }
}

fn search(store: &Store, q: &str) -> Vec<SearchHit> {
    let q = SearchQuery::parse(q).expect("a valid query");
    store.search(&q, 100, None).expect("search")
}

/// The hits as (kind, record id), in order.
fn found(store: &Store, q: &str) -> Vec<(DocKind, i64)> {
    search(store, q).iter().map(|h| (h.kind, h.ref_id)).collect()
}

fn log(id: EntryId) -> (DocKind, i64) {
    (DocKind::Log, id)
}

fn visit(id: i64) -> (DocKind, i64) {
    (DocKind::Visit, id)
}

fn event(id: i64) -> (DocKind, i64) {
    (DocKind::Event, id)
}

#[test]
fn chinese_words_of_one_two_three_and_five_characters_find_exactly_their_records() {
    let f = fixture();
    let s = &f.store;
    // One character.
    assert_eq!(found(s, "雨"), [log(f.l3)]);
    assert_eq!(found(s, "滑"), [event(f.e1)]);
    let one = found(s, "镇");
    assert_eq!(one, [event(f.e1), log(f.l2), log(f.l1)], "城关镇 and 李家集镇 only");
    assert!(one.len() < 7, "a one-character word does not return everything");
    // Two.
    assert_eq!(found(s, "渗水"), [log(f.l2)]);
    assert_eq!(found(s, "张三"), [log(f.l1)]);
    assert_eq!(found(s, "征收"), [visit(f.v2)]);
    // Three.
    assert_eq!(found(s, "强降雨"), [log(f.l3)]);
    assert_eq!(found(s, "水利局"), [log(f.l3), visit(f.v1)]);
    // Five.
    assert_eq!(found(s, "城关镇张庄"), [log(f.l1)]);
    assert_eq!(found(s, "幸福小区燃"), [log(f.l4)]);
    // Nothing.
    assert!(found(s, "地震").is_empty());
    assert!(found(s, "龙").is_empty());
    assert!(found(s, "城关镇地震").is_empty());
}

#[test]
fn several_words_must_all_be_found() {
    let f = fixture();
    let s = &f.store;
    assert_eq!(found(s, "李家集镇 渗水"), [log(f.l2)]);
    assert_eq!(found(s, "李家集镇 滑坡"), [event(f.e1)]);
    assert_eq!(found(s, "李家集镇 山体滑坡"), [event(f.e1)]);
    assert!(found(s, "城关镇 渗水").is_empty());
    assert_eq!(
        found(s, "\"办公室 王主任\""),
        [visit(f.v2), visit(f.v1)],
        "a quoted phrase keeps its space"
    );
}

#[test]
fn a_word_spanning_a_sentence_boundary_is_found_as_typed_never_across_it() {
    let f = fixture();
    let s = &f.store;
    assert_eq!(found(s, "伤亡。交警"), [log(f.l1)]);
    assert_eq!(found(s, "亡。交"), [log(f.l1)]);
    // Without the full stop it is not in the text.
    assert!(found(s, "伤亡交警").is_empty());
    assert!(found(s, "亡交").is_empty());
    // Nor across two fields (unit 城关镇人民政府, then person 张三).
    assert!(found(s, "府张").is_empty());
    assert!(found(s, "政府张三").is_empty());
    assert_eq!(found(s, "政府"), [log(f.l1)]);
}

#[test]
fn plates_and_phone_numbers_are_found_by_fragments() {
    let f = fixture();
    let s = &f.store;
    assert_eq!(found(s, "A123"), [visit(f.v1)]);
    assert_eq!(found(s, "a12345"), [visit(f.v1)], "Latin letters case-insensitively");
    assert_eq!(found(s, "云A1"), [visit(f.v1)]);
    assert_eq!(found(s, "ＡＢ").len(), 0);
    assert_eq!(
        found(s, "Ａ１２３"),
        [visit(f.v1)],
        "full-width as typed with an input method"
    );
    assert_eq!(found(s, "1234567"), [log(f.l1)]);
    assert_eq!(found(s, "0871-6312"), [log(f.l2)]);
    assert_eq!(found(s, "08716312"), [log(f.l2)], "a landline without its dash");
    assert_eq!(found(s, "3333"), [event(f.e1)]);
    assert_eq!(found(s, "002"), [visit(f.v2)], "the last 4 of the document number");
    let full_id = resident_id("11010519800101001");
    assert!(found(s, &full_id).is_empty(), "never the whole document number");
    assert!(found(s, "19800101").is_empty());
}

#[test]
fn digit_fragments_match_as_the_characters_would_never_across_other_text() {
    let mut f = fixture();
    let mut add = |content: &str| {
        f.store
            .insert_entry(&entry(
                "2026-11-08 09:00:00",
                "县电信局",
                "吴敏",
                "",
                content,
                Status::Pending,
            ))
            .unwrap()
            .0
    };
    let dashed = add("请回电0591-7788，找值班室。");
    let han_between = add("分机0591转7788。");
    let short_between = add("号码0591-12-7788。");
    let s = &f.store;
    assert_eq!(found(s, "0591-7788"), [log(dashed)], "only punctuation may be between");
    assert_eq!(found(s, "0591/7788"), [log(dashed)], "any punctuation");
    assert_eq!(
        found(s, "591-778"),
        [log(dashed)],
        "the end of one run, the start of the next"
    );
    assert!(found(s, "0591-778899").is_empty());
    assert_eq!(
        found(s, "0591"),
        [log(short_between), log(han_between), log(dashed)],
        "newest first within the same second: the last indexed first"
    );
    assert_eq!(
        found(s, "0591转7788"),
        [log(han_between)],
        "Han characters between: as typed"
    );
    assert_eq!(
        found(s, "12-7788"),
        [log(short_between)],
        "with a run under 3 the characters decide"
    );
    assert_eq!(found(s, "号码0591-12"), [log(short_between)]);
}

#[test]
fn pinyin_finds_people_and_units_by_initials_and_full_pinyin() {
    let f = fixture();
    let s = &f.store;
    assert_eq!(found(s, "zgf"), [log(f.l2)], "曾 read as a surname: zeng");
    assert_eq!(found(s, "zengguofan"), [log(f.l2)]);
    assert_eq!(found(s, "ZengGuo"), [log(f.l2)], "a prefix, any case");
    assert_eq!(found(s, "cengguofan"), [log(f.l2)], "the common reading too");
    assert_eq!(found(s, "zeng guo fan"), [log(f.l2)], "words joined");
    assert!(found(s, "guofan").is_empty(), "keys match from their start");
    assert_eq!(found(s, "zs"), [log(f.l1)]);
    assert_eq!(found(s, "zhangsan"), [log(f.l1)]);
    assert_eq!(found(s, "sxx"), [visit(f.v2)], "单 read as shan");
    assert_eq!(found(s, "shanxiongxin"), [visit(f.v2)]);
    // Units.
    assert_eq!(found(s, "xyjglj"), [log(f.l2)]);
    assert_eq!(found(s, "xianshuili"), [log(f.l3)]);
    assert_eq!(found(s, "ssljj"), Vec::<(DocKind, i64)>::new());
    assert_eq!(
        found(s, "sslj"),
        [visit(f.v1)],
        "市水利局, the first visitor's employer"
    );
    // A pinyin word together with a Chinese one.
    assert_eq!(found(s, "zgf 渗水"), [log(f.l2)]);
    assert!(found(s, "zgf 滑坡").is_empty());
    // The hit marks the name the pinyin spells.
    let hit = &search(s, "zgf")[0];
    let q = SearchQuery::parse("zgf").unwrap();
    let marks: Vec<&str> = highlight(&hit.title, &q)
        .into_iter()
        .map(|r| hit.title.get(r).unwrap())
        .collect();
    assert_eq!(marks, ["曾国藩"]);
}

#[test]
fn dates_kinds_and_statuses_filter() {
    let mut f = fixture();
    let s = &f.store;
    assert_eq!(
        found(s, "从:2026-11-02 到:2026-11-03"),
        [event(f.e1), log(f.l3), visit(f.v1), log(f.l2)]
    );
    assert_eq!(
        found(s, "类型:值班记录 从:2026-11-02 到:2026-11-03"),
        [log(f.l3), log(f.l2)]
    );
    assert_eq!(found(s, "水利局 类型:来访"), [visit(f.v1)]);
    assert_eq!(found(s, "镇 类型:事件"), [event(f.e1)]);
    assert_eq!(found(s, "镇 类型:事件,记录"), [event(f.e1), log(f.l2), log(f.l1)]);
    assert_eq!(found(s, "状态:待办"), [log(f.l4), log(f.l1)]);
    assert_eq!(found(s, "状态:在楼"), [visit(f.v1)]);
    assert_eq!(found(s, "状态:已离开"), [visit(f.v2)]);
    assert_eq!(found(s, "状态:新"), [event(f.e1)]);
    assert_eq!(found(s, "城关镇 状态:待办"), [log(f.l1)]);
    assert!(found(s, "城关镇 状态:已办结").is_empty());
    // Set by a screen rather than typed.
    let q = SearchQuery {
        text: "镇".into(),
        from: Some(day("2026-11-02")),
        to: None,
        kinds: vec![DocKind::Log],
        status: None,
    };
    let hits = f.store.search(&q, 10, None).unwrap();
    assert_eq!(hits.iter().map(|h| h.ref_id).collect::<Vec<_>>(), [f.l2]);
    // A status change is searchable at once: the event acknowledged, the visitor gone.
    let before = f.store.event(f.e1).unwrap().escalation;
    let acknowledged = Escalation {
        state: EventState::Acknowledged,
        ..before.clone()
    };
    assert!(
        f.store
            .save_escalation(AlertTarget::Event(f.e1), &before, &acknowledged, &[])
            .unwrap()
    );
    f.store.checkout(f.v1, "李四", at("2026-11-02 16:00:00")).unwrap();
    let s = &f.store;
    assert!(found(s, "状态:新").is_empty());
    assert_eq!(found(s, "状态:已确认"), [event(f.e1)]);
    assert_eq!(found(s, "状态:在楼"), Vec::<(DocKind, i64)>::new());
    assert_eq!(found(s, "状态:已离开"), [visit(f.v2), visit(f.v1)]);
}

#[test]
fn a_hit_carries_its_time_title_status_and_a_snippet_around_the_match() {
    let f = fixture();
    let hits = search(&f.store, "渗水");
    let h = &hits[0];
    assert_eq!((h.kind, h.ref_id), log(f.l2));
    assert_eq!(h.at, at("2026-11-02 09:00:00"));
    assert_eq!(h.title, "曾国藩 县应急管理局");
    assert_eq!(h.status, "办理中");
    assert!(h.snippet.starts_with("李家集镇河堤渗水"), "{}", h.snippet);
    let v = &search(&f.store, "A123")[0];
    assert_eq!(v.title, "赵六 市水利局");
    assert_eq!(v.status, "在楼");
    assert!(v.snippet.contains("云A12345"), "{}", v.snippet);
    let e = &search(&f.store, "滑坡")[0];
    assert_eq!(e.title, "自然灾害 李家集镇");
    assert_eq!(e.at, at("2026-11-03 16:00:00"));
    let q = SearchQuery::parse("滑坡").unwrap();
    let marks: Vec<&str> = highlight(&e.snippet, &q)
        .into_iter()
        .map(|r| e.snippet.get(r).unwrap())
        .collect();
    assert_eq!(marks, ["滑坡"]);
}

#[test]
fn an_amended_entry_is_found_by_its_new_text_and_not_its_old() {
    let mut f = fixture();
    f.store
        .amend(&AmendRequest {
            entry_id: f.l4,
            changes: vec![
                (
                    LogField::Content,
                    "北城街道幸福小区自来水管爆裂，已通知自来水公司。".into(),
                ),
                (LogField::Status, "已办结".into()),
            ],
            reason: "来电人更正".into(),
            amended_by: "李四".into(),
            amended_at: at("2026-11-04 12:00:00"),
        })
        .expect("amend");
    let s = &f.store;
    assert!(found(s, "燃气泄漏").is_empty());
    assert!(found(s, "燃").is_empty());
    assert_eq!(found(s, "水管爆裂"), [log(f.l4)]);
    assert_eq!(found(s, "爆"), [log(f.l4)]);
    assert_eq!(found(s, "状态:待办"), [log(f.l1)]);
    assert_eq!(found(s, "幸福小区 状态:已办结"), [log(f.l4)]);
}

#[test]
fn a_corrected_time_moves_the_entry_to_its_place() {
    let mut f = fixture();
    f.store
        .amend(&AmendRequest {
            entry_id: f.l4,
            changes: vec![(LogField::OccurredAt, "2026-10-30 07:00".into())],
            reason: "时间记错".into(),
            amended_by: "李四".into(),
            amended_at: at("2026-11-04 12:00:00"),
        })
        .expect("amend the time");
    let s = &f.store;
    assert_eq!(found(s, "北城街道"), [log(f.l4)]);
    assert_eq!(search(s, "北城街道")[0].at, at("2026-10-30 07:00:00"));
    assert_eq!(found(s, "类型:记录"), [log(f.l3), log(f.l2), log(f.l1), log(f.l4)]);
    assert!(found(s, "北城 从:2026-11-01").is_empty());
    assert_eq!(found(s, "北城 到:2026-10-31"), [log(f.l4)]);
}

#[test]
fn a_new_record_is_searchable_right_after_its_save() {
    let mut f = fixture();
    assert!(found(&f.store, "龙卷风").is_empty());
    let (id, _) = f
        .store
        .insert_entry(&entry(
            "2026-11-06 08:00:00",
            "王庄镇人民政府",
            "欧阳建国",
            "",
            "王庄镇遭遇龙卷风，部分大棚受损。",
            Status::Pending,
        ))
        .unwrap();
    assert_eq!(found(&f.store, "龙卷风"), [log(id)]);
    assert_eq!(found(&f.store, "龙"), [log(id)]);
    assert_eq!(found(&f.store, "oyjg"), [log(id)]);
}

#[test]
fn user_text_with_fts_syntax_never_errors() {
    let f = fixture();
    let nasty = [
        "\"",
        "\"\"",
        "\"张三",
        "张三\"",
        "*",
        "张*",
        "张三*",
        "AND",
        "OR",
        "NOT",
        "张三 AND",
        "AND 张三",
        "张三 OR 李四",
        "NOT 张三",
        "(",
        ")",
        "(张三)",
        "((交通事故",
        "-",
        "-张三",
        "交通-事故",
        "NEAR(张三 李四)",
        "^张",
        "text:张三",
        "keys:zs",
        "tags:k来访",
        "{text}:张",
        "张三:",
        ":",
        "+",
        "'",
        "\\",
        "%",
        "_",
        "a_b",
        "0871-6312 -",
        "“",
        "”张三“",
        "、。，",
        "\u{1b}[31m张三",
        "\u{0}",
    ];
    for q in nasty {
        let query = SearchQuery::parse(q).expect("free text never fails to parse");
        if let Err(e) = f.store.search(&query, 20, None) {
            panic!("{q:?} failed: {e}");
        }
        // A screen may also set the text directly, quotes and all.
        if let Err(e) = f.store.search(&SearchQuery::text(q), 20, None) {
            panic!("text {q:?} failed: {e}");
        }
    }
    // Operators are text: the literal word, not an operator.
    assert!(
        found(&f.store, "张三 OR 李四").is_empty(),
        "OR is a word that must be found too"
    );
    assert_eq!(found(&f.store, "张三 李四"), Vec::<(DocKind, i64)>::new());
    // Brackets, stars and quotes at a word's edges are punctuation: the word is found, never an
    // FTS5 group, prefix or phrase.
    assert_eq!(found(&f.store, "(张三)"), [log(f.l1)]);
    assert_eq!(found(&f.store, "\"张三"), [log(f.l1)]);
    assert_eq!(found(&f.store, "交通事故*"), found(&f.store, "交通事故"));
    assert_eq!(
        found(&f.store, "交通*事故"),
        Vec::<(DocKind, i64)>::new(),
        "inside a word: a gap"
    );
}

#[test]
fn results_are_newest_first_by_the_records_time_back_dated_entries_included() {
    let mut f = fixture();
    // Entered last, happened first (补录).
    let (late, _) = f
        .store
        .insert_entry(&entry(
            "2026-10-20 06:00:00",
            "石桥镇人民政府",
            "马超",
            "",
            "补录：石桥镇集贸市场火情，已扑灭。",
            Status::Done,
        ))
        .unwrap();
    let hits = search(&f.store, "镇");
    let times: Vec<NaiveDateTime> = hits.iter().map(|h| h.at).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    assert_eq!(hits.last().map(|h| h.ref_id), Some(late));
    let all = found(&f.store, "");
    assert_eq!(all.len(), 8);
    assert_eq!(all.first(), Some(&visit(f.v2)));
    assert_eq!(all.last(), Some(&log(late)));
}

/// Many entries sharing words, in shuffled time order with ties in one second.
fn crowd(store: &mut Store, n: usize) -> Vec<(NaiveDateTime, EntryId)> {
    let mut out = Vec::new();
    let mut x: u64 = 0x2545_F491;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // Times over ten days, a third of them in a handful of shared seconds.
        let secs = if i % 3 == 0 {
            i64::try_from(x % 4).unwrap() * 3_600
        } else {
            i64::try_from(x % 864_000).unwrap()
        };
        let t = at("2026-09-01 00:00:00") + Duration::seconds(secs);
        let e = entry(
            &t.format("%Y-%m-%d %H:%M:%S").to_string(),
            "县应急管理局",
            "周敏",
            "",
            &format!("夜间巡查河堤第{i}段，未见异常。"),
            Status::Done,
        );
        let (id, _) = store.insert_entry(&e).unwrap();
        out.push((t, id));
    }
    out
}

#[test]
fn paging_never_repeats_or_skips_and_keeps_the_order() {
    let mut f = fixture();
    let records = crowd(&mut f.store, 150);
    for (query, expect) in [
        ("巡查河堤", 150),
        ("巡", 150),
        ("类型:记录 状态:已办结", 151),
        ("", 157),
    ] {
        let q = SearchQuery::parse(query).unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = f.store.search(&q, 7, cursor).unwrap();
            assert!(page.len() <= 7);
            let Some(last) = page.last() else { break };
            cursor = Some(last.cursor);
            seen.extend(page);
        }
        assert_eq!(seen.len(), expect, "{query}");
        let ids: HashSet<(DocKind, i64)> = seen.iter().map(|h| (h.kind, h.ref_id)).collect();
        assert_eq!(ids.len(), seen.len(), "{query}: a record repeated");
        assert!(seen.windows(2).all(|w| w[0].at >= w[1].at), "{query}: out of order");
        assert!(seen.windows(2).all(|w| w[0].cursor > w[1].cursor), "{query}");
    }
    // Every crowd entry is there, and a page of a long word equals a page of one of its characters.
    let long: Vec<i64> = search(&f.store, "巡查河堤").iter().map(|h| h.ref_id).collect();
    let one: Vec<i64> = search(&f.store, "巡").iter().map(|h| h.ref_id).collect();
    assert_eq!(long, one);
    let mut expected = records.clone();
    expected.sort_by_key(|r| std::cmp::Reverse(r.0));
    let times: Vec<NaiveDateTime> = search(&f.store, "巡查河堤").iter().map(|h| h.at).collect();
    assert_eq!(times, expected.iter().take(100).map(|r| r.0).collect::<Vec<_>>());
}

#[test]
fn the_index_is_not_audited_and_verify_still_passes() {
    let mut f = fixture();
    f.store
        .amend(&AmendRequest {
            entry_id: f.l1,
            changes: vec![(LogField::Content, "城关镇张庄村交通事故已处置完毕。".into())],
            reason: "补充".into(),
            amended_by: "李四".into(),
            amended_at: at("2026-11-04 12:00:00"),
        })
        .unwrap();
    let path = f.store.path().to_path_buf();
    let conn = Connection::open(&path).unwrap();
    let search_rows: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE tbl LIKE 'search%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(search_rows, 0);
    let log_rows: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE tbl = 'log_entry'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(log_rows, 5, "four entries and one amendment of the record");
    let report = f.store.verify(true).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

/// Takes the file back to schema 7: no search tables (nor anything later) at all.
fn back_to_schema_7(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TABLE search_doc; DROP TABLE search_uni; DROP TABLE search_rebuild; DROP TABLE pin_attempt; DROP TABLE pin_enrolment; DROP TABLE urgent_enrolment; DROP TABLE enrolment_confirmation; DROP TABLE tamper_ack; DROP TABLE tamper_finding; DROP TABLE handover_seal; DROP TABLE draft; DROP TABLE approver_confirmation; DROP TABLE urgent_clock; DROP TABLE urgent_fact; DROP TABLE daily_report_sent; DROP TABLE leader_request; DROP TABLE entry_abroad; DROP TABLE task_done; DROP TABLE task_feedback; DROP TABLE task; DROP TABLE instruction; DROP TABLE entry_closing; DROP TABLE notice_done; DROP TABLE notice_call; DROP TABLE notice_recipient; DROP TABLE notice; DROP TABLE task_open; DROP TABLE notice_open; DROP TABLE forward_open; DROP TABLE forward_sign; DROP TABLE forward; DROP TABLE document; DROP TABLE entry_withheld; DROP TABLE contact_reveal; DROP TABLE contact_removed; DROP TABLE contact; DROP TABLE contact_import; DROP TABLE spotcheck_call; DROP TABLE spotcheck_unit; DROP TABLE spotcheck; DROP TABLE holiday_receipt; DROP TABLE holiday_report; DROP TABLE holiday_unit; DROP TABLE holiday_round; DROP TABLE redaction; DROP TABLE redaction_open; DROP TRIGGER log_amendment_no_update; CREATE TRIGGER log_amendment_no_update BEFORE UPDATE ON log_amendment BEGIN SELECT RAISE(ABORT, 'zhiban: amendments never change'); END; DROP TRIGGER handover_no_update; CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END; DROP TRIGGER handover_item_no_update; CREATE TRIGGER handover_item_no_update BEFORE UPDATE ON handover_item BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END; DROP TABLE visit_reduction; DROP TABLE retention_open; DROP TRIGGER visit_retention_columns; DROP TRIGGER visit_representative_retention; DROP TABLE notify_claim; DROP TABLE roster_plan_shift; DROP TABLE roster_plan_step; DROP TABLE roster_plan; DROP TABLE roster_signon; DROP TABLE comp_leave; DROP TABLE roster_shift_staff; DROP TABLE hook_send_result; DROP TABLE hook_send; PRAGMA user_version = 7;",
    )
    .unwrap();
}

/// The kinds a rebuild is still asked for, with where each stands.
fn rebuild_rows(path: &std::path::Path) -> Vec<(String, i64)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind, below FROM search_rebuild ORDER BY kind")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_database_from_before_the_index_opens_at_once_and_is_indexed_by_the_rebuild() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    let expected = found(&f.store, "镇");
    drop(f.store);
    back_to_schema_7(&path);
    // Opening never builds the index (the command line never waits for it): it only asks for
    // the rebuild, before anything written here could index a newer record and hide the gap.
    let mut store = Store::open(&path).expect("open and migrate");
    assert!(store.search_index_missing().unwrap());
    assert_eq!(found(&store, "").len(), 0, "nothing is indexed yet");
    assert_eq!(rebuild_rows(&path).len(), 3, "every kind is asked for");
    let (newer, _) = store
        .insert_entry(&entry(
            "2026-11-08 08:00:00",
            "城关镇人民政府",
            "张三",
            "",
            "城关镇报告道路结冰。",
            Status::Pending,
        ))
        .unwrap();
    assert_eq!(
        found(&store, "结冰"),
        [log(newer)],
        "a save indexes its own record at once"
    );
    assert_eq!(store.backfill_search().unwrap(), 7);
    assert!(!store.search_index_missing().unwrap());
    assert!(rebuild_rows(&path).is_empty());
    let mut with_newer = vec![log(newer)];
    with_newer.extend(expected);
    assert_eq!(found(&store, "镇"), with_newer);
    assert_eq!(found(&store, "zgf"), [log(f.l2)]);
    assert_eq!(found(&store, "A123"), [visit(f.v1)]);
    assert_eq!(found(&store, "滑坡"), [event(f.e1)]);
    assert_eq!(found(&store, "").len(), 8);
    assert_eq!(store.backfill_search().unwrap(), 0, "nothing left to do");
}

#[test]
fn records_loaded_in_bulk_without_the_store_are_asked_for_at_the_next_open() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    drop(f.store);
    let conn = Connection::open(&path).unwrap();
    // As benches/log_list.rs loads a million rows: straight into the table.
    for i in 0..12 {
        conn.execute(
            "INSERT INTO log_entry (kind, category, occurred_at, unit, person, phone, receiver, content, triage, \
             status, recorded_by, recorded_at) VALUES ('来电', '综合', ?1, '县气象局', '吴洋', '', '李四', ?2, '一般', \
             '待办', '李四', ?1)",
            rusqlite::params![format!("2026-08-{:02} 12:00:00", i + 1), format!("冰雹预警第{i}次")],
        )
        .unwrap();
    }
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(rebuild_rows(&path), [("值班记录".to_string(), i64::MAX)]);
    assert!(found(&store, "冰雹").is_empty());
    assert_eq!(store.backfill_search().unwrap(), 12);
    assert_eq!(found(&store, "冰雹").len(), 12);
    assert_eq!(found(&store, "冰雹预警").len(), 12);
    assert_eq!(found(&store, "").len(), 19);
    assert!(!store.search_index_missing().unwrap());
    assert_eq!(store.backfill_search().unwrap(), 0);
}

#[test]
fn two_terminals_see_each_others_records() {
    let mut f = fixture();
    let mut other = Store::open(f.store.path()).unwrap();
    let (id, _) = other
        .insert_entry(&entry(
            "2026-11-07 08:00:00",
            "县气象局",
            "吴洋",
            "",
            "发布暴雨蓝色预警。",
            Status::Pending,
        ))
        .unwrap();
    assert_eq!(found(&f.store, "暴雨"), [log(id)]);
    f.store.checkout(f.v1, "李四", at("2026-11-02 18:00:00")).unwrap();
    assert_eq!(found(&other, "状态:已离开"), [visit(f.v2), visit(f.v1)]);
}

#[test]
fn the_rebuild_goes_newest_first_visits_first_stops_between_batches_and_resumes() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    let expected = found(&f.store, "");
    drop(f.store);
    back_to_schema_7(&path);
    let mut store = Store::open(&path).unwrap();
    // Batches of one record, stopped after the third: the two visits (visits come first, so the
    // visitor lookup has the index soonest), then the event.
    let mut seen = Vec::new();
    let end = store
        .rebuild_search(1, &mut |p| {
            seen.push(p);
            seen.len() < 4
        })
        .unwrap();
    assert_eq!(end, RebuildEnd::Stopped);
    assert_eq!(seen.first().map(|p| (p.done, p.total, p.merging)), Some((0, 7, false)));
    assert_eq!(seen.last().map(|p| (p.done, p.percent())), Some((3, 42)));
    assert_eq!(found(&store, ""), [visit(f.v2), event(f.e1), visit(f.v1)]);
    assert_eq!(
        rebuild_rows(&path),
        [("值班记录".to_string(), i64::MAX), ("紧急事件".to_string(), f.e1)],
        "visits are done; the event's place is kept until its kind is seen to be done; the log is still asked for"
    );
    // On from there: the event's kind found done, then one batch, the newest entry.
    let mut batches = 0;
    store
        .rebuild_search(1, &mut |_| {
            batches += 1;
            batches < 2
        })
        .unwrap();
    assert_eq!(found(&store, "类型:值班记录"), [log(f.l4)]);
    assert_eq!(rebuild_rows(&path), [("值班记录".to_string(), f.l4)]);
    // Stopped after the newest entries' batch was lost and before the merge: the newest log
    // documents are gone (with their index rows) and the rebuild's larger buffer is still set.
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DELETE FROM search_uni WHERE rowid IN (SELECT id FROM search_doc WHERE kind = '值班记录');
         DELETE FROM search_doc WHERE kind = '值班记录';
         INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES ('值班记录', 9223372036854775807);
         INSERT INTO search_uni (search_uni, rank) VALUES ('hashsize', 4194304);",
    )
    .unwrap();
    drop(conn);
    let mut seen = Vec::new();
    let store = Store::open_with_progress(&path, &mut |p| seen.push(p)).unwrap();
    assert_eq!(seen.last().map(|p| (p.done, p.merging)), Some((4, true)));
    assert_eq!(found(&store, ""), expected);
    let conn = Connection::open(&path).unwrap();
    let setting = |k: &str| -> i64 {
        conn.query_row("SELECT v FROM search_uni_config WHERE k = ?1", [k], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(setting("hashsize"), 1 << 20, "the buffer is back to FTS5's default");
    assert_eq!(setting("automerge"), 0, "saves never merge: the idle tick does");
    let segments: i64 = conn
        .query_row("SELECT count(DISTINCT segid) FROM search_uni_idx", [], |r| r.get(0))
        .unwrap();
    assert!(segments <= 3, "merged in steps to a few segments: {segments}");
    // Opened again: nothing to do, nothing reported.
    drop(store);
    let mut seen = Vec::new();
    drop(Store::open_with_progress(&path, &mut |p| seen.push(p)).unwrap());
    assert!(seen.is_empty());
}

#[test]
fn the_visitor_lookup_reads_the_visits_themselves_until_they_are_indexed() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    let by_name = |s: &Store, q: &str| s.lookup(q).unwrap().into_iter().map(|m| m.visit_id).collect::<Vec<_>>();
    let expected = (
        by_name(&f.store, "雄信"),
        by_name(&f.store, "sxx"),
        by_name(&f.store, "赵"),
    );
    assert_eq!(expected.0, [f.v2]);
    drop(f.store);
    back_to_schema_7(&path);
    let mut store = Store::open(&path).unwrap();
    assert!(found(&store, "类型:来访").is_empty(), "no visit is indexed");
    assert_eq!(
        (by_name(&store, "雄信"), by_name(&store, "sxx"), by_name(&store, "赵")),
        expected,
        "the lookup is whole while the index is not"
    );
    store.backfill_search().unwrap();
    assert_eq!(
        (by_name(&store, "雄信"), by_name(&store, "sxx"), by_name(&store, "赵")),
        expected
    );
}

#[test]
fn the_index_is_merged_in_steps_outside_the_saves_and_a_step_with_nothing_to_do_writes_nothing() {
    let mut f = fixture();
    // Saves add segments and never merge them beyond FTS5's crisis limit; as soon as one level
    // holds enough of them (FTS5's usermerge: 4), an idle step has work.
    let mut saves = 0;
    let mut steps = 0;
    while saves < 64 {
        f.store
            .insert_entry(&entry(
                &format!("2026-11-06 {:02}:{:02}:00", saves / 60, saves % 60),
                "县水利局",
                "周平",
                "",
                &format!("河道水位第{saves}次上涨报告"),
                Status::Pending,
            ))
            .unwrap();
        saves += 1;
        let expected = found(&f.store, "水位");
        while f.store.merge_search_index(200).unwrap() {
            steps += 1;
            assert!(steps < 200, "merging never ends");
        }
        assert_eq!(found(&f.store, "水位"), expected, "merging changes no result");
        if steps > 0 {
            break;
        }
    }
    assert!(steps >= 1, "{saves} saves left nothing to merge");
    assert_eq!(found(&f.store, "水位").len(), saves);
    // Nothing left: another terminal sees no write.
    let other = Connection::open(f.store.path()).unwrap();
    let version = |c: &Connection| -> i64 { c.query_row("PRAGMA data_version", [], |r| r.get(0)).unwrap() };
    let seen = version(&other);
    assert!(!f.store.merge_search_index(200).unwrap());
    assert_eq!(
        version(&other),
        seen,
        "an idle step with nothing to merge wrote something"
    );
}

/// A budget that counts the store's questions instead of timing them: each `spent()` call
/// advances `step`, so a search is cut after a known number of slices on any machine.
struct Counted {
    spent: std::time::Duration,
    step: std::time::Duration,
    allowed: std::time::Duration,
}

impl zhiban::core::search::Budget for Counted {
    fn spent(&mut self) -> std::time::Duration {
        self.spent += self.step;
        self.spent
    }

    fn allowed(&self) -> std::time::Duration {
        self.allowed
    }
}

fn counted(slices: u32) -> Counted {
    // Two `spent()` calls a slice (before and after it).
    Counted {
        spent: std::time::Duration::ZERO,
        step: std::time::Duration::from_millis(1),
        allowed: std::time::Duration::from_millis(u64::from(slices) * 2),
    }
}

/// A search out of time shows what it found and where it stopped; going on from there finds
/// the rest, each record once, newest first — and a word found nowhere is never said to be
/// nowhere until every year has been looked through.
#[test]
fn a_search_cut_by_its_budget_says_where_it_stopped_and_goes_on_from_there() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("zhiban.db")).unwrap();
    // One 管涌 a month for five years, newest 2026-11.
    let mut want = Vec::new();
    for m in 0..60 {
        let t = at("2021-12-01 09:00:00") + Duration::days(30 * m);
        let when = t.format("%Y-%m-%d %H:%M:%S").to_string();
        let (id, _) = store
            .insert_entry(&entry(&when, "城关镇", "李站长", "", "河堤出现管涌", Status::Pending))
            .unwrap();
        want.push(id);
    }
    want.reverse();
    let q = SearchQuery::parse("管涌").unwrap();

    let whole = store
        .search_within(&q, 500, None, &mut zhiban::core::search::Unlimited)
        .unwrap();
    assert_eq!(whole.cut, None);
    assert_eq!(whole.hits.iter().map(|h| h.ref_id).collect::<Vec<_>>(), want);

    // One slice (the newest week): cut, with what it found and nothing older than the cut.
    let first = store.search_within(&q, 500, None, &mut counted(1)).unwrap();
    let cut = first.cut.expect("out of time before the first record");
    assert!(first.hits.iter().all(|h| h.cursor.doc_id() >= cut.doc_id()));
    assert!(first.hits.len() < want.len());
    // Going on from the cut, a few slices at a time, finds each record once, in order.
    let mut found: Vec<EntryId> = first.hits.iter().map(|h| h.ref_id).collect();
    let mut before = Some(cut);
    let mut rounds = 0;
    while let Some(b) = before {
        let page = store.search_within(&q, 500, Some(b), &mut counted(4)).unwrap();
        found.extend(page.hits.iter().map(|h| h.ref_id));
        assert!(page.cut.is_none_or(|c| c < b), "every round gets further");
        before = page.cut;
        rounds += 1;
        assert!(rounds < 100);
    }
    assert!(rounds > 1, "a budget of four slices does not cover five years");
    assert_eq!(found, want);

    // A word that occurs nowhere: cut, nothing found — not "nothing there".
    let nowhere = SearchQuery::parse("局镇").unwrap();
    let page = store.search_within(&nowhere, 500, None, &mut counted(1)).unwrap();
    assert!(page.hits.is_empty());
    assert!(page.cut.is_some(), "a cut search with no hits is not complete");
    let page = store
        .search_within(&nowhere, 500, None, &mut zhiban::core::search::Unlimited)
        .unwrap();
    assert_eq!(page, zhiban::core::search::SearchPage::default());

    // A full page is not a cut: paging goes on by the last hit as before.
    let page = store.search_within(&q, 10, None, &mut counted(1000)).unwrap();
    assert_eq!(page.hits.len(), 10);
    assert_eq!(page.cut, None);
}

/// The bytes of the index's segments.
fn index_bytes(path: &std::path::Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("SELECT sum(length(block)) FROM search_uni_data", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_rebuild_in_many_small_batches_leaves_an_index_no_larger_than_one_built_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let paths = [dir.path().join("small-batches.db"), dir.path().join("at-once.db")];
    for path in &paths {
        let mut store = Store::open(path).unwrap();
        store.begin_import().unwrap();
        for i in 0..2_000 {
            store
                .insert_entry(&entry(
                    &format!("2026-0{}-{:02} {:02}:00:00", 1 + i % 9, 1 + i % 28, i % 24),
                    "城关镇人民政府",
                    "张三",
                    "",
                    &format!("第{i}次：城关镇张庄村河堤出现管涌，请求派员支援，已转县水利局处置。"),
                    Status::Pending,
                ))
                .unwrap();
            if i % 500 == 499 {
                store.commit_import_batch().unwrap();
            }
        }
        store.finish_import().unwrap();
    }
    // Batches of 10: two hundred segments to merge as it goes and at the end.
    let mut small = Store::open(&paths[0]).unwrap();
    assert_eq!(small.rebuild_search(10, &mut |_| true).unwrap(), RebuildEnd::Finished);
    let mut once = Store::open(&paths[1]).unwrap();
    assert_eq!(once.backfill_search().unwrap(), 2_000);
    let q = SearchQuery::parse("管涌").unwrap();
    assert_eq!(small.search(&q, 5_000, None).unwrap().len(), 2_000);
    let (small_bytes, once_bytes) = (index_bytes(&paths[0]), index_bytes(&paths[1]));
    assert!(
        small_bytes * 4 <= once_bytes * 5,
        "the index in small batches is {small_bytes} bytes against {once_bytes} built at once"
    );
}

/// A rebuild batch goes in oldest first although batches go newest first: FTS5 writes its buffer
/// out as a new segment whenever a document's rowid is lower than the one before, so a batch
/// inserted newest first became one segment per document (the ten-year rebuild took 219 s
/// instead of 129 merging them). One batch of 500 must be a segment of a few pages, not 500.
#[test]
fn a_rebuild_batch_is_written_as_one_segment_not_one_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut store = Store::open(&path).unwrap();
    store.begin_import().unwrap();
    for i in 0..1_000 {
        store
            .insert_entry(&entry(
                &format!("2026-03-{:02} {:02}:{:02}:00", 1 + i / 60, (i / 3) % 24, i % 60),
                "城关镇人民政府",
                "张三",
                "",
                &format!("第{i}次：河堤出现管涌。"),
                Status::Pending,
            ))
            .unwrap();
    }
    store.finish_import().unwrap();
    let mut batches = 0;
    let end = store
        .rebuild_search(500, &mut |p| {
            batches += 1;
            // Told to stop after the first batch, before any merge at the end.
            p.done == 0
        })
        .unwrap();
    assert_eq!(end, RebuildEnd::Stopped);
    assert_eq!(
        store
            .search(&SearchQuery::parse("管涌").unwrap(), 1_000, None)
            .unwrap()
            .len(),
        500
    );
    let conn = Connection::open(&path).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM search_uni_data", [], |r| r.get(0))
        .unwrap();
    assert!(rows < 50, "one batch of 500 documents is {rows} rows of index data");
}

#[test]
fn the_index_rebuilt_by_another_connection_is_not_news_for_the_screens_but_a_record_is() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    drop(f.store);
    let mut screen = Store::open(&path).unwrap();
    assert!(!screen.changed_elsewhere().unwrap(), "the first look only remembers");
    // Another connection rebuilds part of the index (as the app's builder does after an upgrade).
    let mut builder = Store::open(&path).unwrap();
    let raw = Connection::open(&path).unwrap();
    raw.execute_batch(
        "DELETE FROM search_uni WHERE rowid IN (SELECT id FROM search_doc WHERE kind = '来访');
         DELETE FROM search_doc WHERE kind = '来访';
         INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES ('来访', 9223372036854775807);",
    )
    .unwrap();
    drop(raw);
    assert!(!screen.changed_elsewhere().unwrap(), "search data changed: not news");
    assert_eq!(builder.backfill_search().unwrap(), 2);
    assert!(
        !screen.changed_elsewhere().unwrap(),
        "derived data only: the lists need not reload"
    );
    builder
        .insert_entry(&entry(
            "2026-11-08 08:00:00",
            "城关镇人民政府",
            "张三",
            "",
            "道路结冰。",
            Status::Pending,
        ))
        .unwrap();
    assert!(screen.changed_elsewhere().unwrap(), "a record written elsewhere is");
    assert!(!screen.changed_elsewhere().unwrap(), "and said once");
}

// ---------------------------------------------------------------------------------------------
// Pairs of Han characters (migration 0018)
// ---------------------------------------------------------------------------------------------

#[test]
fn pairs_never_join_characters_across_a_field_punctuation_a_letter_or_a_digit() {
    let mut f = fixture();
    let mut add = |unit: &str, content: &str| {
        f.store
            .insert_entry(&entry(
                "2026-11-09 09:00:00",
                unit,
                "吴敏",
                "",
                content,
                Status::Pending,
            ))
            .unwrap()
            .0
    };
    let field = add("镇政府", "来电报县公安局");
    let punct = add("综合科", "报县公安局，镇政府已到场。");
    let letter = add("综合科", "电A局转办；县1镇协调。");
    let together = add("综合科", "电局镇联合检查。");
    let s = &f.store;
    assert_eq!(found(s, "局镇"), [log(together)], "only where they stand together");
    assert_eq!(found(s, "电局镇"), [log(together)]);
    assert!(found(s, "县镇").is_empty());
    assert_eq!(
        found(s, "局，镇"),
        [log(punct), log(field)],
        "as typed: punctuation in a word stands for any gap, a field's too (as before pairs)"
    );
    assert_eq!(found(s, "电A局"), [log(letter)]);
    assert_eq!(found(s, "县1镇"), [log(letter)]);
    // Each of these documents holds both characters of 局镇.
    for id in [field, punct, letter] {
        assert!(found(s, "局").contains(&log(id)) && found(s, "镇").contains(&log(id)));
    }
}

#[test]
fn a_word_whose_pairs_are_all_in_a_record_but_apart_is_not_found() {
    let mut f = fixture();
    let (apart, _) = f
        .store
        .insert_entry(&entry(
            "2026-11-09 10:00:00",
            "城关街道",
            "吴敏",
            "",
            "玄关镇核电站演练，泄漏点已封堵，站泄压阀正常。",
            Status::Pending,
        ))
        .unwrap();
    let s = &f.store;
    for pair in ["城关", "关镇", "核电", "电站", "站泄", "泄漏"] {
        assert!(found(s, pair).contains(&log(apart)), "{pair}");
    }
    assert_eq!(found(s, "城关镇"), [log(f.l1)], "城关 and 关镇 apart are not 城关镇");
    assert!(found(s, "核电站泄漏").is_empty(), "every pair, none in a row");
    assert_eq!(found(s, "核电站"), [log(apart)]);
}

/// A small random corpus over few characters, so that pairs and characters meet often without
/// forming the words: its entries, and the text each is found by.
struct Corpus {
    f: Fixture,
    entries: Vec<(EntryId, NewEntry)>,
}

const ALPHABET: &[char] = &[
    '局', '镇', '县', '电', '城', '关', '核', '站', '泄', '漏', '，', 'A', '1',
];

struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }

    fn text(&mut self, len: usize) -> String {
        (0..len).map(|_| ALPHABET[self.below(ALPHABET.len())]).collect()
    }
}

fn corpus() -> Corpus {
    let mut f = fixture();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut entries = Vec::new();
    for i in 0..90_i64 {
        let when = at("2026-10-01 08:00:00") + Duration::hours(i * 7);
        let status = [Status::Pending, Status::InProgress, Status::Done][rng.below(3)];
        let len = 6 + rng.below(20);
        let content = rng.text(len);
        let unit = rng.text(3);
        let e = entry(
            &when.format("%Y-%m-%d %H:%M:%S").to_string(),
            &unit,
            "吴敏",
            "",
            &content,
            status,
        );
        let (id, _) = f.store.insert_entry(&e).unwrap();
        entries.push((id, e));
    }
    Corpus { f, entries }
}

/// Whether `word` stands in `text` as the index before pairs found it: the word's characters in
/// a row in the text's characters, any run of punctuation standing for any other.
fn stands_in(text: &str, word: &str) -> bool {
    let hay: Vec<String> = unigram_body(text).split(' ').map(str::to_string).collect();
    let needle: Vec<String> = unigram_body(word).split(' ').map(str::to_string).collect();
    hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

impl Corpus {
    /// The corpus entries `words` (all of them) and the filters pick, as sorted ids.
    fn reference(&self, words: &[&str], status: Option<Status>, from: Option<NaiveDate>) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .entries
            .iter()
            .filter(|(id, e)| {
                let text = log_doc(*id, e).text;
                words.iter().all(|w| stands_in(&text, w))
                    && status.is_none_or(|s| e.status == s)
                    && from.is_none_or(|d| e.occurred_at.date() >= d)
            })
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// What the store finds, every page of `page` hits walked by cursor, newest first; only the
    /// corpus entries, as sorted ids.
    fn searched(&self, q: &str, page: usize) -> Vec<i64> {
        let q = SearchQuery::parse(q).unwrap();
        let mut hits: Vec<SearchHit> = Vec::new();
        let mut cursor = None;
        loop {
            let got = self.f.store.search(&q, page, cursor).unwrap();
            let Some(last) = got.last() else { break };
            cursor = Some(last.cursor);
            hits.extend(got);
        }
        assert!(
            hits.windows(2).all(|w| w[0].cursor > w[1].cursor),
            "newest first, once each"
        );
        self.only_corpus(&hits)
    }

    fn only_corpus(&self, hits: &[SearchHit]) -> Vec<i64> {
        let mut ids: Vec<i64> = hits
            .iter()
            .filter(|h| h.kind == DocKind::Log && self.entries.iter().any(|(id, _)| *id == h.ref_id))
            .map(|h| h.ref_id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Words to try: every piece of 2–6 characters of some entries (found), and random ones
    /// (mostly found nowhere), with punctuation, a letter or a digit inside or not.
    fn words(&self) -> Vec<String> {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut out: Vec<String> = Vec::new();
        for (_, e) in self.entries.iter().step_by(9) {
            let chars: Vec<char> = e.content.chars().collect();
            for len in 2..=6 {
                for start in (0..chars.len().saturating_sub(len)).step_by(3) {
                    out.push(chars[start..start + len].iter().collect());
                }
            }
        }
        for _ in 0..150 {
            let len = 2 + rng.below(5);
            out.push(rng.text(len));
        }
        // Only words with a Han character: a word of letters and digits is read as pinyin or
        // found by its pieces of four, which pairs do not touch.
        out.retain(|w| w.chars().any(|c| c > '\u{2E80}' && c.is_alphanumeric()));
        out.sort();
        out.dedup();
        out
    }
}

/// Words found by their pairs find what the phrase of their characters found before 0018, and
/// nothing else: 2, 3 and more characters, with punctuation, letters or digits inside, several
/// words, filters, pages, amendments.
#[test]
fn words_find_exactly_what_their_characters_found_before_pairs() {
    let mut c = corpus();
    let words = c.words();
    assert!(words.len() > 200, "{}", words.len());
    let check = |c: &Corpus| {
        let mut found_some = 0;
        let mut found_none = 0;
        for w in &words {
            let quoted = format!("\"{w}\"");
            let want = c.reference(&[w], None, None);
            assert_eq!(c.searched(&quoted, 100), want, "{w}");
            if want.is_empty() {
                found_none += 1;
            } else {
                found_some += 1;
            }
        }
        assert!(
            found_some > 50 && found_none > 50,
            "{found_some} found, {found_none} not"
        );
        for pair in words.windows(2).step_by(7) {
            let q = format!("\"{}\" \"{}\"", pair[0], pair[1]);
            assert_eq!(
                c.searched(&q, 100),
                c.reference(&[&pair[0], &pair[1]], None, None),
                "{q}"
            );
        }
        for w in words.iter().step_by(5) {
            let q = format!("\"{w}\" 状态:待办 从:2026-10-10 类型:记录");
            let want = c.reference(&[w], Some(Status::Pending), Some(day("2026-10-10")));
            assert_eq!(c.searched(&q, 100), want, "{q}");
            let visits = search(&c.f.store, &format!("\"{w}\" 类型:来访"));
            assert!(visits.iter().all(|h| h.kind == DocKind::Visit), "{w}");
            assert_eq!(
                c.searched(&format!("\"{w}\""), 3),
                c.reference(&[w], None, None),
                "pages of 3: {w}"
            );
        }
    };
    check(&c);
    // Amendments: each amended entry is found by its new text only.
    let mut rng = XorShift(0xDEAD_BEEF_1234_5678);
    for i in (0..c.entries.len()).step_by(4) {
        let len = 8 + rng.below(12);
        let content = rng.text(len);
        let (id, _) = c.entries[i];
        c.f.store
            .amend(&AmendRequest {
                entry_id: id,
                changes: vec![(LogField::Content, content.clone())],
                reason: "更正".into(),
                amended_by: "李四".into(),
                amended_at: at("2026-11-20 12:00:00"),
            })
            .unwrap();
        c.entries[i].1.content = content;
    }
    check(&c);
}

/// A search cut by its budget and gone on with finds, over all its rounds, what one search finds.
#[test]
fn a_word_found_by_its_pairs_is_cut_and_gone_on_with_like_any_other() {
    let c = corpus();
    let counted_rounds = |word: &str| {
        let q = SearchQuery::parse(&format!("\"{word}\"")).unwrap();
        let mut hits = Vec::new();
        let mut before = None;
        let mut rounds = 0;
        loop {
            let page = c.f.store.search_within(&q, 500, before, &mut counted(1)).unwrap();
            hits.extend(page.hits);
            rounds += 1;
            match page.cut {
                Some(cut) => before = Some(cut),
                None => break,
            }
        }
        (c.only_corpus(&hits), rounds)
    };
    for w in c.words().iter().step_by(11) {
        let (got, rounds) = counted_rounds(w);
        assert_eq!(got, c.reference(&[w], None, None), "{w}");
        assert!(rounds > 1, "{w}: a week a round cannot cover four");
    }
}

/// SQLite's virtual-machine steps while `q` is searched on `store`: FTS5 reads each page of its
/// index through a statement of its own, so the count grows with the pages read. Not time.
fn steps(store: &Store, q: &str) -> u64 {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let count = n.clone();
    store
        .stop_queries_when(1, move || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            false
        })
        .unwrap();
    store.search(&SearchQuery::parse(q).unwrap(), 50, None).unwrap();
    n.load(std::sync::atomic::Ordering::Relaxed)
}

/// The same count for one MATCH expression on a connection of its own (the index as the store
/// queried it before pairs: the phrase of characters).
fn steps_of_expression(path: &std::path::Path, expr: &str) -> u64 {
    let conn = Connection::open(path).unwrap();
    let first_50 = "SELECT count(*) FROM (SELECT rowid FROM search_uni WHERE search_uni MATCH ?1 \
                    ORDER BY rowid DESC LIMIT 50)";
    // Once before counting: a new connection's first statement reads the schema.
    let hits: i64 = conn.query_row(first_50, [expr], |r| r.get(0)).unwrap();
    assert_eq!(hits, 0);
    let n = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let count = n.clone();
    conn.progress_handler(
        1,
        Some(move || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            false
        }),
    )
    .unwrap();
    conn.query_row(first_50, [expr], |r| r.get::<_, i64>(0)).unwrap();
    n.load(std::sync::atomic::Ordering::Relaxed)
}

/// Entries that all hold 局 and 镇, 县 and 镇, 电 and 局 — never together — loaded in bulk; the
/// next open indexes them (one merged index, as after any backfill).
fn load_apart(path: &std::path::Path, n: usize, first: NaiveDateTime) {
    let mut store = Store::open(path).unwrap();
    store.begin_import().unwrap();
    for i in 0..n {
        let t = first + Duration::seconds(i64::try_from(i).unwrap() * 20);
        let e = entry(
            &t.format("%Y-%m-%d %H:%M:%S").to_string(),
            "县公安局",
            "吴敏",
            "",
            &format!("县公安局第{i}次通报：城关镇供电所检修线路。"),
            Status::Done,
        );
        store.insert_entry(&e).unwrap();
        if store.import_batch_rows() >= 2_000 {
            store.commit_import_batch().unwrap();
        }
    }
    store.finish_import().unwrap();
    drop(store);
}

/// A word of common characters that never stand together reads what a word of characters found
/// nowhere reads, however many records hold its characters; the phrase of its characters (the
/// index before pairs) reads more the more records hold them.
#[test]
fn a_word_found_nowhere_does_not_walk_the_records_that_hold_its_characters() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("zhiban.db");
    load_apart(&path, 1_000, at("2026-10-01 08:00:00"));
    let store = open_indexed(&path);
    // Once before counting: the first search prepares the statements every later one reuses.
    steps(&store, "龘鑫");
    let absent_chars = steps(&store, "龘鑫");
    let small: Vec<u64> = ["局镇", "县镇", "电局"].iter().map(|w| steps(&store, w)).collect();
    let small_chars = steps_of_expression(&path, "body : \"局 镇\"");
    let small_pairs = steps_of_expression(&path, "body : \"局镇\"");
    let small_absent = steps_of_expression(&path, "body : \"龘鑫\"");
    assert!(found(&store, "局镇").is_empty());
    drop(store);

    load_apart(&path, 8_000, at("2026-10-02 08:00:00"));
    let store = open_indexed(&path);
    assert_eq!(
        found(&store, "城关镇供电所").len(),
        100,
        "a page of the 9,000 that hold it"
    );
    steps(&store, "龘鑫");
    let absent_chars_large = steps(&store, "龘鑫");
    let large: Vec<u64> = ["局镇", "县镇", "电局"].iter().map(|w| steps(&store, w)).collect();
    let large_chars = steps_of_expression(&path, "body : \"局 镇\"");
    let large_pairs = steps_of_expression(&path, "body : \"局镇\"");
    let large_absent = steps_of_expression(&path, "body : \"龘鑫\"");

    // Each against a word of characters found nowhere in the same index: what that costs grows
    // with the index's segments (a few more at 9,000 records), not with the records holding the
    // characters.
    for (w, (s, l)) in ["局镇", "县镇", "电局"].iter().zip(small.iter().zip(&large)) {
        assert!(
            s.abs_diff(absent_chars) <= 2 && l.abs_diff(absent_chars_large) <= 2,
            "{w}: {s} steps at 1,000 records and {l} at 9,000; a word of characters found nowhere \
             {absent_chars} and {absent_chars_large}"
        );
    }
    // The expressions alone. Measured on an index merged to one segment: characters 80 → 215
    // steps, pairs 45 → 45 (the whole search through the store, pairs: 79 → 79; before pairs it
    // was 114 → 249); merged in steps to a few segments (the rebuild's end): 120 → 246, 62 → 62.
    let absent_growth = large_absent.saturating_sub(small_absent);
    assert!(
        large_pairs.saturating_sub(small_pairs) <= absent_growth + 2
            && large_chars > small_chars + absent_growth + 100
            && large_chars > 3 * large_pairs,
        "characters {small_chars} → {large_chars} steps, pairs {small_pairs} → {large_pairs}, \
         a pair found nowhere {small_absent} → {large_absent}"
    );
}

/// Migration 0018 empties the index and asks for every kind to be indexed again; the store
/// indexes them (here at open) and the words are found by their pairs.
#[test]
fn migration_0018_empties_the_index_and_every_record_is_indexed_again() {
    let f = fixture();
    let path = f.store.path().to_path_buf();
    let expected: Vec<Vec<(DocKind, i64)>> = ["城关镇", "渗水", "镇", "A123", "zgf", ""]
        .iter()
        .map(|q| found(&f.store, q))
        .collect();
    drop(f.store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "BEGIN; {} COMMIT;",
        include_str!("../migrations/0018_search_pairs.sql")
    ))
    .unwrap();
    let docs: i64 = conn
        .query_row("SELECT count(*) FROM search_doc", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, 0);
    let indexed: i64 = conn
        .query_row(
            "SELECT count(*) FROM search_uni WHERE search_uni MATCH 'tags : \"k值班记录\" OR tags : \"k来访\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 0);
    let asked: Vec<(String, i64)> = conn
        .prepare("SELECT kind, below FROM search_rebuild ORDER BY kind")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(asked.len(), 3);
    assert!(asked.iter().all(|(_, below)| *below == i64::MAX), "{asked:?}");
    drop(conn);
    let store = open_indexed(&path);
    let again: Vec<Vec<(DocKind, i64)>> = ["城关镇", "渗水", "镇", "A123", "zgf", ""]
        .iter()
        .map(|q| found(&store, q))
        .collect();
    assert_eq!(again, expected);
}

/// Opens the file and builds what is missing of its index at once (the app does it in the
/// background).
fn open_indexed(path: &std::path::Path) -> Store {
    let mut store = Store::open(path).unwrap();
    store.backfill_search().unwrap();
    store
}
