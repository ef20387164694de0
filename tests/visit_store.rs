//! Visitor registration on a real SQLite file in a temporary directory: register and read back,
//! 重访 found on the second visit, departure recorded once, the database's own refusals, lookup by
//! pinyin, last 4 digits and full number, the watch list and the reveal log.
//!
//! Every time is fixed; nothing here reads the wall clock.

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::core::idcard::{self, Gender};
use zhiban::core::visit::{
    IdType, NewVisit, RepeatKey, RepresentativeDraft, VisitDraft, WatchDraft, build_visit, build_watch_entry,
    watch_matches,
};
use zhiban::core::visit_lookup::LookupBudget;
use zhiban::store::visit::LOOKUP_LIMIT;
use zhiban::store::{Store, StoreError};

const ZHANG_ID: &str = "11010519491231002X";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

/// A valid 18-digit number with its check character computed here (GB 11643-1999).
fn resident_id(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = "10X98765432"
        .chars()
        .nth((sum % 11) as usize)
        .expect("an index below 11");
    format!("{first17}{check}")
}

fn draft(name: &str, id_number: &str) -> VisitDraft {
    VisitDraft {
        name: name.into(),
        id_type: "居民身份证".into(),
        id_number: id_number.into(),
        employer: "市水利局".into(),
        phone: "13812345678".into(),
        purpose: "联系工作".into(),
        host: "办公室 王主任".into(),
        plate: "云A·12345".into(),
        ..VisitDraft::default()
    }
}

fn build(d: &VisitDraft, now: NaiveDateTime) -> NewVisit {
    match build_visit(d, "李四", now, now.date()) {
        Ok(v) => v,
        Err(errors) => panic!("the test draft should be valid: {errors:?}"),
    }
}

fn store(dir: &TempDir) -> Store {
    Store::open(&dir.path().join("zhiban.db")).expect("open the store")
}

fn raw(dir: &TempDir) -> Connection {
    Connection::open(dir.path().join("zhiban.db")).expect("open the file directly")
}

fn refused(result: rusqlite::Result<usize>) -> String {
    match result {
        Ok(n) => panic!("the database should have refused; {n} rows changed"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_visit_is_read_back_as_registered() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut d = draft("张三", "110105 19491231 002x");
    d.petition = true;
    d.people_count = "12".into();
    d.petition_address = "城关镇河西村".into();
    d.petition_matter = "征地补偿款未发放".into();
    d.representatives = vec![
        RepresentativeDraft {
            name: "张三".into(),
            id_number: ZHANG_ID.into(),
            phone: "13812345678".into(),
        },
        RepresentativeDraft::default(),
        RepresentativeDraft {
            name: "王五".into(),
            ..RepresentativeDraft::default()
        },
    ];
    d.liaison = Some(2);
    let now = at("2026-11-23 09:00");
    let v = build(&d, now);
    let id = s.add_visit(&v).unwrap();
    let back = s.visit(id).unwrap();
    assert_eq!(back.fields, v);
    assert_eq!(back.fields.id_number, ZHANG_ID, "stored in full, normalised");
    assert_eq!(back.fields.plate, "云A12345");
    assert_eq!(back.fields.gender, Gender::Female);
    assert_eq!(back.fields.representatives.len(), 2);
    assert_eq!(back.fields.liaison().map(|r| r.name.as_str()), Some("王五"));
    assert!(back.fields.is_collective());
    assert_eq!(back.repeat_of, None);
    assert!(back.is_inside());
    assert!(matches!(s.visit(id + 100), Err(StoreError::NotFound(_))));
}

#[test]
fn visitors_from_hong_kong_macao_and_taiwan_round_trip_and_repeat_by_their_permit_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    for (name, id_type, typed, retyped, stored) in [
        (
            "陈大文",
            "港澳居民来往内地通行证",
            "h1234 5678",
            "H12345678",
            "H12345678",
        ),
        (
            "林志明",
            "台湾居民来往大陆通行证",
            "12345678(b)",
            "12345678B",
            "12345678B",
        ),
    ] {
        let mut d = draft(name, typed);
        d.id_type = id_type.into();
        let v = build(&d, at("2026-11-20 09:00"));
        let first = s.add_visit(&v).unwrap();
        let back = s.visit(first).unwrap();
        assert_eq!(back.fields, v);
        assert_eq!(back.fields.id_type.label(), id_type);
        assert_eq!(back.fields.id_number, stored);
        let column: String = raw(&dir)
            .query_row("SELECT id_type FROM visit WHERE id = ?1", [first], |r| r.get(0))
            .unwrap();
        assert_eq!(column, id_type, "stored as its label");
        // The same card typed the other way: a 重访 of the first visit, found by its number.
        d.id_number = retyped.into();
        let again = s.add_visit(&build(&d, at("2026-11-21 09:00"))).unwrap();
        assert_eq!(s.visit(again).unwrap().repeat_of, Some(first), "{id_type}");
        assert_eq!(found_names(&s, stored), [name], "{id_type}");
    }
}

#[test]
fn the_repeat_check_takes_the_newest_visit_of_a_number_from_its_index_without_sorting() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let newest = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-10 09:00")))
        .unwrap();
    // Registered afterwards but entered earlier (补录): not the latest.
    s.add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-05 09:00")))
        .unwrap();
    let key = RepeatKey::new(IdType::ResidentId, ZHANG_ID, "张三", None);
    assert_eq!(s.last_visit_of(&key).unwrap().map(|p| p.id), Some(newest));
    let conn = Connection::open(s.path()).unwrap();
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT v.id FROM visit v WHERE v.id_key = ?1 \
             ORDER BY v.entered_at DESC, v.id DESC LIMIT 1",
        )
        .unwrap()
        .query_map(["X"], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("visit_by_id_key_time"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn the_second_visit_is_a_repeat_of_the_latest_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let first = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-01 09:00")))
        .unwrap();
    s.checkout(first, "李四", at("2026-11-01 10:00")).unwrap();
    let second = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-10 09:00")))
        .unwrap();
    // Someone else in between is not a repeat of anyone.
    let other = s
        .add_visit(&build(
            &draft("李雷", &resident_id("53010219800101123")),
            at("2026-11-11 09:00"),
        ))
        .unwrap();
    assert_eq!(s.visit(first).unwrap().repeat_of, None);
    assert_eq!(s.visit(other).unwrap().repeat_of, None);
    let v2 = s.visit(second).unwrap();
    assert_eq!(v2.repeat_of, Some(first));
    let prev = v2.previous.expect("the earlier visit's summary");
    assert_eq!(prev.entered_at, at("2026-11-01 09:00"));
    assert_eq!(prev.outcome, "已离开（2026-11-01 10:00）");

    // Before a third is saved, the form can ask; the latest earlier visit is the one shown.
    let key = RepeatKey::new(IdType::ResidentId, "11010519491231002x", "张三", None);
    assert_eq!(s.last_visit_of(&key).unwrap().map(|p| p.id), Some(second));
    let third = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-23 09:00")))
        .unwrap();
    assert_eq!(s.visit(third).unwrap().repeat_of, Some(second));
    let stranger = RepeatKey::new(IdType::ResidentId, &resident_id("44030419900307451"), "韩梅梅", None);
    assert_eq!(s.last_visit_of(&stranger).unwrap(), None);
}

#[test]
fn a_petition_repeats_by_name_and_matter_without_a_document_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let petition = |matter: &str| VisitDraft {
        id_type: "其他".into(),
        id_number: "介绍信 城关镇政府".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: matter.into(),
        handling: "已登记，转国土分局办理".into(),
        ..draft("赵六", "")
    };
    let first = s
        .add_visit(&build(&petition("征地补偿款未发放"), at("2026-11-01 09:00")))
        .unwrap();
    let unrelated = s
        .add_visit(&build(&petition("噪音扰民"), at("2026-11-02 09:00")))
        .unwrap();
    let again = s
        .add_visit(&build(&petition("征地补偿款 未发放"), at("2026-11-20 09:00")))
        .unwrap();
    assert_eq!(s.visit(unrelated).unwrap().repeat_of, None);
    let v = s.visit(again).unwrap();
    assert_eq!(v.repeat_of, Some(first));
    assert_eq!(
        v.previous.map(|p| p.outcome),
        Some("已登记，转国土分局办理".to_string())
    );
    // The same letter of introduction shown by someone else is not an identity.
    let other = VisitDraft {
        petition: false,
        ..petition("")
    };
    let other = VisitDraft {
        name: "钱七".into(),
        ..other
    };
    let id = s.add_visit(&build(&other, at("2026-11-21 09:00"))).unwrap();
    assert_eq!(s.visit(id).unwrap().repeat_of, None);
}

#[test]
fn departure_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let id = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-23 09:00")))
        .unwrap();
    let before = s.checkout(id, "李四", at("2026-11-23 08:00")).unwrap_err().to_string();
    assert!(before.contains("早于") && before.contains("进入时间"), "{before}");
    s.checkout(id, "李四", at("2026-11-23 10:15")).unwrap();
    let err = s.checkout(id, "王五", at("2026-11-23 10:20")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    assert!(
        msg.contains("2026-11-23 10:15") && msg.contains("李四") && msg.contains("不能重复"),
        "{msg}"
    );
    let v = s.visit(id).unwrap();
    assert_eq!(v.checked_out_at, Some(at("2026-11-23 10:15")));
    assert_eq!(v.checked_out_by.as_deref(), Some("李四"));
    assert!(matches!(
        s.checkout(999, "李四", at("2026-11-23 10:20")),
        Err(StoreError::NotFound(999))
    ));
}

#[test]
fn who_is_inside_at_a_given_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let a = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-23 08:00")))
        .unwrap();
    let b = s
        .add_visit(&build(
            &draft("李雷", &resident_id("53010219800101123")),
            at("2026-11-23 09:00"),
        ))
        .unwrap();
    s.checkout(a, "李四", at("2026-11-23 10:00")).unwrap();
    let ids = |t: &str| s.visits_inside(at(t)).unwrap().iter().map(|v| v.id).collect::<Vec<_>>();
    assert_eq!(ids("2026-11-23 08:30"), [a]);
    assert_eq!(ids("2026-11-23 09:30"), [a, b], "oldest entry first");
    assert_eq!(ids("2026-11-23 11:00"), [b]);
    let recent: Vec<_> = s.recent_visits(1).unwrap().iter().map(|v| v.id).collect();
    assert_eq!(recent, [b]);
    let inside = s.visits_inside(at("2026-11-23 15:00")).unwrap();
    assert!(zhiban::core::visit::is_overstay(
        &inside[0],
        at("2026-11-23 15:00"),
        Duration::hours(4)
    ));
}

#[test]
fn all_visits_are_read_by_key_a_page_at_a_time() {
    use zhiban::core::visit_screen::{VisitAnchor, VisitKey, VisitPageRequest};
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut ids = Vec::new();
    for i in 0..7 {
        let id = s
            .add_visit(&build(
                &draft(
                    &format!("访客{i}"),
                    &resident_id(&format!("530102198001{:05}", 10_000 + i)),
                ),
                at("2026-11-20 09:00") + Duration::minutes(i),
            ))
            .unwrap();
        ids.push(id);
    }
    // Registered last, entered earliest (补登): its place is by entry time, not by id.
    let mut late = draft("补登", &resident_id("53010219800101123"));
    late.petition = true;
    late.people_count = "6".into();
    late.petition_address = "城关镇".into();
    late.petition_matter = "征地补偿".into();
    late.representatives = vec![RepresentativeDraft {
        name: "王五".into(),
        ..RepresentativeDraft::default()
    }];
    late.liaison = Some(0);
    let back_dated = s.add_visit(&build(&late, at("2026-11-20 08:00"))).unwrap();
    let page = |anchor, limit| {
        s.visits_page(&VisitPageRequest {
            anchor,
            limit,
            select: None,
        })
        .unwrap()
    };
    let id_list = |v: Vec<zhiban::core::visit::Visit>| v.iter().map(|v| v.id).collect::<Vec<_>>();
    let newest = page(VisitAnchor::Newest, 3);
    assert_eq!(id_list(newest.clone()), [ids[6], ids[5], ids[4]]);
    let after = VisitKey::of(&newest[2]);
    assert_eq!(id_list(page(VisitAnchor::Before(after), 3)), [ids[3], ids[2], ids[1]]);
    assert_eq!(id_list(page(VisitAnchor::AtOrBefore(after), 2)), [ids[4], ids[3]]);
    assert_eq!(
        id_list(page(VisitAnchor::After(after), 5)),
        [ids[6], ids[5]],
        "newer ones, newest first"
    );
    let oldest = page(VisitAnchor::Before(VisitKey::of(&page(VisitAnchor::Newest, 7)[6])), 5);
    assert_eq!(id_list(oldest.clone()), [back_dated], "the back-dated visit comes last");
    // The rows are the visits alone: a visit's representatives are read with it whole.
    assert!(oldest[0].fields.representatives.is_empty());
    assert_eq!(s.visit(back_dated).unwrap().fields.representatives.len(), 1);
}

#[test]
fn the_database_refuses_deletes_and_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut d = draft("张三", ZHANG_ID);
    d.petition = true;
    d.petition_address = "城关镇".into();
    d.petition_matter = "补偿".into();
    d.representatives = vec![RepresentativeDraft {
        name: "张三".into(),
        ..RepresentativeDraft::default()
    }];
    d.liaison = Some(0);
    let id = s.add_visit(&build(&d, at("2026-11-23 09:00"))).unwrap();
    s.record_reveal(id, "李四", at("2026-11-23 09:05")).unwrap();
    let conn = raw(&dir);
    assert!(refused(conn.execute("DELETE FROM visit WHERE id = ?1", [id])).contains("never deleted"));
    assert!(refused(conn.execute("DELETE FROM id_reveal_log", [])).contains("never deleted"));
    assert!(refused(conn.execute("UPDATE id_reveal_log SET revealed_by = 'x'", [])).contains("never changes"));
    assert!(refused(conn.execute("DELETE FROM visit_representative", [])).contains("never deleted"));
    assert!(refused(conn.execute("UPDATE visit SET name = '李四' WHERE id = ?1", [id])).contains("never changes"));
    assert!(refused(conn.execute("UPDATE visit SET repeat_of = ?1 WHERE id = ?1", [id])).contains("never changes"));
    // A departure without who recorded it, or before the entry, is refused even by raw SQL.
    assert!(
        refused(conn.execute(
            "UPDATE visit SET checked_out_at = '2026-11-23 10:00:00' WHERE id = ?1",
            [id]
        ))
        .contains("departure")
    );
    assert!(
        refused(conn.execute(
            "UPDATE visit SET checked_out_at = '2026-11-23 08:00:00', checked_out_by = '李四' WHERE id = ?1",
            [id]
        ))
        .contains("not before the entry")
    );
    s.checkout(id, "李四", at("2026-11-23 10:00")).unwrap();
    assert!(
        refused(conn.execute(
            "UPDATE visit SET checked_out_at = '2026-11-23 11:00:00' WHERE id = ?1",
            [id]
        ))
        .contains("recorded once")
    );
    assert!(
        refused(conn.execute(
            "UPDATE visit SET checked_out_at = NULL, checked_out_by = NULL WHERE id = ?1",
            [id]
        ))
        .contains("recorded once")
    );
    // A second liaison on the same visit.
    assert!(
        refused(conn.execute(
            "INSERT INTO visit_representative (visit_id, name, is_liaison) VALUES (?1, '王五', 1)",
            [id]
        ))
        .contains("UNIQUE")
    );
    assert_eq!(s.visit(id).unwrap().checked_out_at, Some(at("2026-11-23 10:00")));
}

#[test]
fn lookup_by_pinyin_last4_full_number_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let zhang1 = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-01 09:00")))
        .unwrap();
    let zhang2 = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-20 09:00")))
        .unwrap();
    let li = s
        .add_visit(&build(
            &draft("李四", &resident_id("53010219800101123")),
            at("2026-11-21 09:00"),
        ))
        .unwrap();
    let names = |q: &str| s.lookup(q).unwrap().iter().map(|m| m.name.clone()).collect::<Vec<_>>();
    for q in [
        "zs",
        "ZS",
        "zhangsan",
        "zhangs",
        "张",
        "张三",
        ZHANG_ID,
        "11010519491231002x",
        "002X",
        "002x",
    ] {
        assert_eq!(names(q), ["张三"], "query {q:?}");
    }
    let m = &s.lookup("zs").unwrap()[0];
    assert_eq!(m.visit_id, zhang2, "one row per person, the latest visit");
    assert_eq!(m.visits, 2);
    assert_eq!(m.last_entered_at, at("2026-11-20 09:00"));
    assert_eq!(m.last_purpose, "联系工作");
    assert_eq!(m.last_outcome, "未登记离开");
    assert!(m.inside);
    assert_ne!(m.visit_id, zhang1);
    assert_eq!(names("ls"), ["李四"]);
    assert_eq!(s.lookup("ls").unwrap()[0].visit_id, li);
    assert!(names("wangwu").is_empty());
    assert!(names("san").is_empty(), "pinyin matches are prefixes");
    assert!(names("%").is_empty(), "a typed % is literal");
    assert!(names("").is_empty());
    // Newest first.
    s.add_visit(&build(
        &draft("张四", &resident_id("44030419900307451")),
        at("2026-11-22 09:00"),
    ))
    .unwrap();
    let both: Vec<String> = s.lookup("z").unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(both, ["张四", "张三"]);
}

#[test]
fn a_polyphonic_surname_is_found_by_its_surname_reading() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    s.add_visit(&build(
        &draft("曾国藩", &resident_id("43010219800101123")),
        at("2026-11-20 09:00"),
    ))
    .unwrap();
    s.add_visit(&build(
        &draft("尉迟恭", &resident_id("14010219800101123")),
        at("2026-11-20 10:00"),
    ))
    .unwrap();
    let names = |q: &str| s.lookup(q).unwrap().iter().map(|m| m.name.clone()).collect::<Vec<_>>();
    assert_eq!(names("zeng"), ["曾国藩"]);
    assert_eq!(names("zgf"), ["曾国藩"]);
    assert_eq!(names("zengguofan"), ["曾国藩"]);
    assert_eq!(names("ceng"), ["曾国藩"], "the common reading is kept as an alternate");
    assert_eq!(names("yuchi"), ["尉迟恭"]);
    assert_eq!(names("ycg"), ["尉迟恭"]);
}

/// The ways of answering a lookup (see `core::visit_lookup`): the newest visits walked first, the
/// search index's candidates, and reading every name or every visit's pinyin.
const WAYS: [(&str, LookupBudget); 3] = [
    ("as configured", LookupBudget::DEFAULT),
    (
        "from the search index",
        LookupBudget {
            newest_visits: 0,
            ..LookupBudget::DEFAULT
        },
    ),
    (
        "reading every name and visit",
        LookupBudget {
            newest_visits: 0,
            name_candidates: 0,
            pinyin_candidates: 0,
        },
    ),
];

/// (name, latest visit, visits) per person found, the same whichever way answers.
fn found(s: &Store, q: &str) -> Vec<(String, i64, u32)> {
    let mut answers = WAYS.iter().map(|(way, budget)| {
        let rows = s.lookup_with(q, *budget).unwrap();
        let rows: Vec<(String, i64, u32)> = rows.into_iter().map(|m| (m.name, m.visit_id, m.visits)).collect();
        (*way, rows)
    });
    let (_, first) = answers.next().unwrap();
    for (way, rows) in answers {
        assert_eq!(rows, first, "{q:?} answered {way}");
    }
    first
}

fn found_names(s: &Store, q: &str) -> Vec<String> {
    found(s, q).into_iter().map(|(n, _, _)| n).collect()
}

#[test]
fn a_fragment_is_looked_for_in_the_name_not_in_the_rest_of_the_visit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut d = draft("王五", &resident_id("53010219800101123"));
    d.purpose = "找张三商量事情".into();
    d.employer = "张庄村委会".into();
    s.add_visit(&build(&d, at("2026-11-20 09:00"))).unwrap();
    s.add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-19 09:00")))
        .unwrap();
    let mut other = draft("李四", "村委会证明");
    other.id_type = "其他".into();
    other.companions = "张三丰".into();
    s.add_visit(&build(&other, at("2026-11-21 09:00"))).unwrap();
    assert_eq!(
        found_names(&s, "张三"),
        ["张三"],
        "not 王五 (purpose), nor 李四 (companions)"
    );
    assert_eq!(found_names(&s, "张"), ["张三"], "not the employer 张庄村委会");
    assert_eq!(found_names(&s, "三"), ["张三"], "a fragment inside the name");
    assert!(found_names(&s, "商量").is_empty());
    assert!(
        found_names(&s, "zz").is_empty(),
        "the employer's pinyin is not the name's"
    );
    assert_eq!(found_names(&s, "li"), ["李四"], "a person without a number, by name");
    assert!(found_names(&s, "_").is_empty() && found_names(&s, "·").is_empty());
}

#[test]
fn every_reading_of_a_name_finds_it_and_pinyin_runs_across_a_separator() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    s.add_visit(&build(
        &draft("潘长青", &resident_id("53010219800101123")),
        at("2026-11-20 09:00"),
    ))
    .unwrap();
    let mut d = draft("阿卜杜·热合曼", "E12345678");
    d.id_type = "护照".into();
    s.add_visit(&build(&d, at("2026-11-21 09:00"))).unwrap();
    // 潘 is also read bo and fan, 长 zhang or chang: pcq is its third other reading.
    for q in ["pzq", "pcq", "panchangq", "fanzhangqing", "PanZhang"] {
        assert_eq!(found_names(&s, q), ["潘长青"], "{q:?}");
    }
    for q in ["abdrhm", "abudur", "abodureheman", "阿卜杜·热", "杜·热", "热合曼"] {
        assert_eq!(found_names(&s, q), ["阿卜杜·热合曼"], "{q:?}");
    }
    assert_eq!(found_names(&s, "E12345678"), ["阿卜杜·热合曼"], "a passport number");
    assert!(
        found_names(&s, "changq").is_empty(),
        "pinyin matches from the start of the name"
    );
}

#[test]
fn one_row_per_person_with_the_latest_visit_and_every_visit_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let zhang = |name: &str| draft(name, ZHANG_ID);
    let first = s.add_visit(&build(&zhang("张三"), at("2026-11-01 09:00"))).unwrap();
    // The same number, the name written differently once: still one person, all three visits.
    s.add_visit(&build(&zhang("张叁"), at("2026-11-10 09:00"))).unwrap();
    let mut last = zhang("张三");
    last.purpose = "送文件".into();
    let latest = s.add_visit(&build(&last, at("2026-11-20 09:00"))).unwrap();
    // Two people without a number and one with: one row each.
    let mut other = draft("张三", "介绍信 市水利局");
    other.id_type = "其他".into();
    let no_number = s.add_visit(&build(&other, at("2026-11-15 09:00"))).unwrap();
    s.add_visit(&build(&other, at("2026-11-05 09:00"))).unwrap();
    let li = s
        .add_visit(&build(
            &draft("张三", &resident_id("53010219800101123")),
            at("2026-11-12 09:00"),
        ))
        .unwrap();
    let rows = found(&s, "张三");
    assert_eq!(
        rows,
        [
            ("张三".to_string(), latest, 3),
            ("张三".to_string(), no_number, 2),
            ("张三".to_string(), li, 1),
        ],
        "newest first by the latest visit"
    );
    assert_ne!(rows[0].1, first);
    let m = &s.lookup("002X").unwrap()[0];
    assert_eq!((m.visit_id, m.visits, m.last_purpose.as_str()), (latest, 3, "送文件"));
    assert_eq!(m.last_entered_at, at("2026-11-20 09:00"));
    assert_eq!(
        found(&s, "张叁"),
        [("张三".to_string(), latest, 3)],
        "found by an old spelling"
    );
}

#[test]
fn at_most_the_limit_newest_first_even_when_the_character_is_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let given = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    ];
    let start = at("2026-01-01 08:00");
    let mut expected = Vec::new();
    for i in 0..LOOKUP_LIMIT + 20 {
        // Every visit has 张 somewhere; every other one in the visitor's name.
        let name = if i % 2 == 0 {
            format!("张{}{}", given[i % given.len()], given[(i / given.len()) % given.len()])
        } else {
            format!("李{}", given[i % given.len()])
        };
        let mut d = draft(&name, &resident_id(&format!("530102198001{:05}", 10_000 + i)));
        d.purpose = "找张主任".into();
        d.petition = i % 3 == 0;
        d.petition_address = "城关镇张庄村".into();
        d.petition_matter = "征地补偿".into();
        let id = s.add_visit(&build(&d, start + Duration::hours(i as i64))).unwrap();
        if i % 2 == 0 {
            expected.push((name, id, 1));
        }
    }
    expected.reverse();
    let rows = found(&s, "张");
    assert_eq!(rows, expected, "all 35 named 张…, newest first");
    let rows = found(&s, "z");
    assert_eq!(rows.len(), 35);
    assert_eq!(rows, expected, "z: 张 (zhang) only, not 主任 in the purpose");
    let rows = found(&s, "wei");
    assert!(
        rows.is_empty(),
        "伟 is the second character: pinyin matches from the start"
    );
    let everyone = found(&s, "05");
    assert!(everyone.is_empty(), "digits are a number, never part of a name");
    for i in 0..20 {
        let d = draft(
            &format!("张{}", given[i % given.len()]),
            &resident_id(&format!("530102199001{:05}", 20_000 + i)),
        );
        s.add_visit(&build(&d, at("2026-06-01 08:00") + Duration::hours(i as i64)))
            .unwrap();
    }
    // 55 people now: the newest LOOKUP_LIMIT.
    let rows = found(&s, "张");
    assert_eq!(rows.len(), LOOKUP_LIMIT);
    assert_eq!(rows.last().map(|r| r.1), Some(expected[LOOKUP_LIMIT - 21].1));
    let times: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let mut newest_first: Vec<(NaiveDateTime, i64)> = rows
        .iter()
        .map(|r| (s.visit(r.1).unwrap().fields.entered_at, r.1))
        .collect();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, newest_first.iter().map(|t| t.1).collect::<Vec<_>>());
}

#[test]
fn watch_list_add_match_and_lift() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let now = at("2026-11-23 09:00");
    let e = build_watch_entry(
        &WatchDraft {
            name: "王五".into(),
            aliases: "王老五、王武".into(),
            id_number: "11010519491231002x".into(),
            reason: "来访即报带班领导".into(),
        },
        "李四",
        now,
    )
    .unwrap();
    let id = s.add_watch(&e).unwrap();
    let list = s.watch_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].aliases, ["王老五", "王武"]);
    assert_eq!(list[0].id_number.as_deref(), Some(ZHANG_ID));
    assert_eq!(list[0].added_by, "李四");
    assert_eq!(watch_matches("王老五", "", &list).len(), 1);
    assert_eq!(watch_matches("张三", ZHANG_ID, &list).len(), 1);
    assert!(watch_matches("张三", "", &list).is_empty());
    s.lift_watch(id, "带班领导", now + Duration::days(1)).unwrap();
    assert!(s.watch_list().unwrap().is_empty());
    let again = s
        .lift_watch(id, "李四", now + Duration::days(2))
        .unwrap_err()
        .to_string();
    assert!(again.contains("已于") && again.contains("撤销"), "{again}");
    assert!(refused(raw(&dir).execute("DELETE FROM watch_entry", [])).contains("never deleted"));
}

#[test]
fn revealing_a_number_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let id = s
        .add_visit(&build(&draft("张三", ZHANG_ID), at("2026-11-23 09:00")))
        .unwrap();
    let shown = idcard::mask(&s.visit(id).unwrap().fields.id_number);
    assert_eq!(shown, "1101**********002X");
    assert!(s.reveals(id).unwrap().is_empty());
    let full = s.record_reveal(id, "李四", at("2026-11-23 09:05")).unwrap();
    assert_eq!(full, ZHANG_ID);
    s.record_reveal(id, "王五", at("2026-11-23 09:10")).unwrap();
    let log = s.reveals(id).unwrap();
    let who: Vec<(&str, NaiveDateTime)> = log.iter().map(|r| (r.revealed_by.as_str(), r.revealed_at)).collect();
    assert_eq!(
        who,
        [("李四", at("2026-11-23 09:05")), ("王五", at("2026-11-23 09:10"))]
    );
    assert!(matches!(
        s.record_reveal(99, "李四", at("2026-11-23 09:10")),
        Err(StoreError::NotFound(99))
    ));
}

/// SQLite steps one lookup takes (the store's progress handler counts them).
fn lookup_steps(s: &Store, q: &str, budget: LookupBudget) -> (u64, Vec<String>) {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let count = n.clone();
    s.stop_queries_when(1, move || {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        false
    })
    .unwrap();
    let names = s.lookup_with(q, budget).unwrap().into_iter().map(|m| m.name).collect();
    (n.load(std::sync::atomic::Ordering::Relaxed), names)
}

/// `bgs` is 白贵生 and also 办公室, the host of every visit here (and the unit of most log
/// entries at ten years): the lookup's candidates are the visitors whose names start with the
/// letters, never the visits whose host or unit does. Before, it walked the host's documents past
/// its budget and then read every visit's pinyin (72 ms at ten years); its cost grew with them.
#[test]
fn a_pinyin_lookup_reads_visitors_names_not_every_visit_to_a_host_with_those_letters() {
    let dir = tempfile::tempdir().unwrap();
    let budget = LookupBudget {
        newest_visits: 10,
        name_candidates: 100,
        pinyin_candidates: 100,
    };
    let mut measured = Vec::new();
    let mut s = store(&dir);
    s.add_visit(&build(
        &draft("白贵生", &resident_id("53010219800101123")),
        at("2026-01-01 09:00"),
    ))
    .unwrap();
    let mut added = 0;
    for total in [300, 3_000] {
        s.begin_import().unwrap();
        while added < total {
            let t = at("2026-02-01 09:00") + Duration::minutes(added);
            let number = resident_id(&format!("11010519800101{:03}", added % 1_000));
            s.add_visit(&build(&draft("张三", &number), t)).unwrap();
            added += 1;
        }
        s.finish_import().unwrap();
        s.backfill_search().unwrap();
        lookup_steps(&s, "bgs", budget);
        let (steps, names) = lookup_steps(&s, "bgs", budget);
        assert_eq!(names, ["白贵生"]);
        measured.push(steps);
    }
    assert!(
        // (A few steps more for the index's segments; walking every visit to 办公室 was 6x.)
        measured[1] < measured[0] * 3 / 2,
        "a lookup of bgs took {} steps among 300 visits to 办公室 and {} among 3,000",
        measured[0],
        measured[1]
    );
}

/// A time budget counted in looks at the clock, not in time: each look costs a millisecond.
struct Looks {
    looked: u64,
    allowed: u64,
}

impl zhiban::core::search::Budget for Looks {
    fn spent(&mut self) -> std::time::Duration {
        self.looked += 1;
        std::time::Duration::from_millis(self.looked)
    }

    fn allowed(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.allowed)
    }
}

/// A lookup out of time answers what it found and says it is not complete; with time enough the
/// same lookup is complete and holds everyone the cut one showed.
#[test]
fn a_lookup_out_of_time_says_it_is_not_complete() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    for i in 0..40 {
        let number = resident_id(&format!("11010519800101{i:03}"));
        s.add_visit(&build(
            &draft("张三", &number),
            at("2026-02-01 09:00") + Duration::minutes(i),
        ))
        .unwrap();
    }
    // Every visit read by scanning (no index, no walk of the newest): the slowest way.
    let slowest = LookupBudget {
        newest_visits: 0,
        name_candidates: 0,
        pinyin_candidates: 0,
    };
    let whole = s
        .lookup_within("zs", slowest, &mut zhiban::core::search::Unlimited)
        .unwrap();
    assert!(whole.complete);
    assert_eq!(whole.matches.len(), 40);
    for allowed in [0, 1] {
        let cut = s
            .lookup_within("zs", slowest, &mut Looks { looked: 0, allowed })
            .unwrap();
        assert!(!cut.complete, "allowed {allowed} looks: must say it is cut");
        assert!(cut.matches.iter().all(|m| whole.matches.contains(m)));
    }
    // Numbers are answered from their indexes, before any look at the clock.
    let by_number = s
        .lookup_within(
            &resident_id("11010519800101007"),
            slowest,
            &mut Looks { looked: 0, allowed: 0 },
        )
        .unwrap();
    assert_eq!(by_number.matches.len(), 1);
    assert!(by_number.complete);
}

/// Whether `needle` occurs in `hay`.
fn has(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The database file and its write-ahead log, as bytes.
fn file_bytes(dir: &TempDir) -> Vec<u8> {
    let mut bytes = std::fs::read(dir.path().join("zhiban.db")).expect("the database file");
    bytes.extend(std::fs::read(dir.path().join("zhiban.db-wal")).unwrap_or_default());
    bytes
}

#[test]
fn visits_past_the_retention_period_keep_only_masked_numbers_and_are_still_recognised() {
    use std::os::unix::fs::PermissionsExt;
    use zhiban::core::retention;
    use zhiban::core::search::SearchQuery;

    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let old_id = resident_id("53010219800101123");
    let old_phone = "13900001111";
    let rep_id = resident_id("53010219811111321");
    let rep_phone = "13700002222";
    // 2021: a 信访 visit with a representative, each with a number and a phone.
    let mut d = draft("赵六", &old_id);
    d.phone = old_phone.into();
    d.petition = true;
    d.people_count = "6".into();
    d.petition_address = "城关镇河西村".into();
    d.petition_matter = "宅基地纠纷".into();
    d.representatives = vec![RepresentativeDraft {
        name: "孙七".into(),
        id_number: rep_id.clone(),
        phone: rep_phone.into(),
    }];
    d.liaison = Some(0);
    let old = s.add_visit(&build(&d, at("2021-03-01 09:00"))).unwrap();
    // 2026: another visitor, kept whole.
    let new_id = resident_id("53010219900202456");
    let mut d2 = draft("周八", &new_id);
    d2.phone = "13600003333".into();
    let recent = s.add_visit(&build(&d2, at("2026-06-01 10:00"))).unwrap();
    let search = |s: &Store, q: &str| {
        s.search(&SearchQuery::parse(q).expect("a query"), 10, None)
            .expect("search")
            .len()
    };
    assert_eq!(search(&s, old_phone), 1, "found by its phone before");
    assert!(has(&file_bytes(&dir), &old_id) && has(&file_bytes(&dir), old_phone));

    let now = at("2026-12-05 10:00");
    let cutoff = retention::cutoff(now, 3);
    assert_eq!(s.visits_to_reduce(cutoff).unwrap(), 1);
    assert_eq!(s.reduce_visits_step(cutoff, 500, "（系统）", now).unwrap(), (1, false));

    // Nothing of the full numbers is left in the file or its log; the recent visit's are.
    let bytes = file_bytes(&dir);
    for gone in [&old_id, old_phone, &rep_id, rep_phone] {
        assert!(!has(&bytes, gone), "{gone} is still in the database file or its WAL");
    }
    assert!(has(&bytes, &new_id), "the 2026 visit is kept whole");
    // What is left is the screen's mask.
    let v = s.visit(old).unwrap();
    assert_eq!(v.fields.id_number, idcard::mask(&old_id));
    assert_eq!(v.fields.phone, "*******1111");
    // The same mask as everywhere a number is hidden: separators kept, short numbers whole.
    for (phone, reduced) in [
        (old_phone, "*******1111"),
        ("0871-63121234", "****-****1234"),
        ("123", "123"),
        ("", ""),
    ] {
        assert_eq!(retention::reduced_phone(phone), reduced);
    }
    assert_eq!(v.fields.representatives[0].id_number, idcard::mask(&rep_id));
    assert_eq!(v.fields.representatives[0].phone, "*******2222");
    assert_eq!(s.visit(recent).unwrap().fields.id_number, new_id);
    // 查询 no longer finds the old phone; the name still finds the visit.
    assert_eq!(search(&s, old_phone), 0);
    assert_eq!(search(&s, "赵六"), 1);

    // Typed in full today, the visitor is still a repeat visitor of 2021.
    let key = RepeatKey::new(IdType::ResidentId, &old_id, "赵六", None);
    assert_eq!(s.last_visit_of(&key).unwrap().map(|p| p.id), Some(old));
    let mut again = draft("赵六", &old_id);
    again.phone = old_phone.into();
    let back = s.add_visit(&build(&again, now)).unwrap();
    assert_eq!(s.visit(back).unwrap().repeat_of, Some(old));
    // The lookup by the full number finds both visits as one person; so do the last 4 digits.
    for q in [old_id.as_str(), old_id.get(14..).unwrap()] {
        let found = s.lookup(q).unwrap();
        assert_eq!(found.len(), 1, "{q}: {found:?}");
        assert_eq!((found[0].visit_id, found[0].visits), (back, 2), "{q}");
    }

    // Outside a reduction the database refuses to change the numbers.
    for sql in [
        format!("UPDATE visit SET id_number = 'x' WHERE id = {old}"),
        format!("UPDATE visit SET phone = '' WHERE id = {recent}"),
        format!("UPDATE visit SET id_key = '#00' WHERE id = {recent}"),
        format!("UPDATE visit_representative SET phone = '' WHERE visit_id = {old}"),
        format!("UPDATE visit_representative SET name = 'x' WHERE visit_id = {old}"),
        format!("UPDATE visit SET name = 'x' WHERE id = {old}"),
    ] {
        let e = s.execute_raw_for_tests(&sql).expect_err(&sql);
        assert!(e.to_string().contains("zhiban:"), "{sql}: {e}");
    }
    // Even with the scratch row planted, a visit after the cutoff or a key that is no digest is refused.
    let planted = format!(
        "INSERT INTO retention_open (cutoff) VALUES ('2023-12-05 10:00:00'); \
         UPDATE visit SET phone = '' WHERE id = {recent};"
    );
    let c = raw(&dir);
    assert!(c.execute_batch(&planted).is_err());
    assert!(
        c.execute(&format!("UPDATE visit SET id_key = 'ABC' WHERE id = {old}"), [])
            .is_err()
    );
    drop(c);
    assert!(
        s.verify(true)
            .unwrap()
            .problems
            .iter()
            .any(|p| p.contains("retention_open"))
    );
    raw(&dir).execute("DELETE FROM retention_open", []).unwrap();
    let report = s.verify(true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    // Again: nothing left to reduce, nothing written.
    let head = s.audit_head().unwrap();
    assert_eq!(s.reduce_visits_step(cutoff, 500, "（系统）", now).unwrap(), (0, false));
    assert_eq!(s.visits_to_reduce(cutoff).unwrap(), 0);
    assert_eq!(s.audit_head().unwrap(), head);

    // The key: 32 bytes beside the database, 0600.
    let key = zhiban::store::retention::key_path(&dir.path().join("zhiban.db"));
    let meta = std::fs::metadata(&key).unwrap();
    assert_eq!(meta.len(), 32);
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn batches_go_on_where_the_last_stopped_and_a_bad_key_is_said_in_words() {
    use zhiban::core::retention;
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut ids = Vec::new();
    for i in 0..5u32 {
        let number = resident_id(&format!("530102198001011{i:02}"));
        let t = at("2020-01-01 09:00") + Duration::days(i64::from(i) * 30);
        ids.push((s.add_visit(&build(&draft("钱九", &number), t)).unwrap(), number));
    }
    let now = at("2026-12-05 10:00");
    let cutoff = retention::cutoff(now, 3);
    assert_eq!(s.reduce_visits_step(cutoff, 2, "（系统）", now).unwrap(), (2, true));
    assert_eq!(s.visits_to_reduce(cutoff).unwrap(), 3);
    assert_eq!(s.reduce_visits_step(cutoff, 2, "（系统）", now).unwrap(), (2, true));
    assert_eq!(s.reduce_visits_step(cutoff, 2, "（系统）", now).unwrap(), (1, false));
    for (id, number) in &ids {
        assert_eq!(s.visit(*id).unwrap().fields.id_number, idcard::mask(number));
    }
    // Five visits of one person, each found by its own full number.
    assert_eq!(s.lookup(&ids[3].1).unwrap()[0].visit_id, ids[3].0);
    drop(s);

    // A key file that is not 32 bytes: the lookup says so, never a panic; a save still works.
    let key = zhiban::store::retention::key_path(&dir.path().join("zhiban.db"));
    std::fs::write(&key, b"short").unwrap();
    let mut s = store(&dir);
    let e = s.lookup(&ids[0].1).unwrap_err().to_string();
    assert!(e.contains("密钥文件") && e.contains("32 字节"), "{e}");
    s.add_visit(&build(&draft("钱九", &ids[0].1), at("2021-01-01 09:00")))
        .unwrap();
    let e = s
        .reduce_visits_step(cutoff, 2, "（系统）", now)
        .unwrap_err()
        .to_string();
    assert!(e.contains("密钥文件"), "{e}");
}

/// After a reduction the idle steps rewrite the search index: the reduced phone's pieces, which a
/// delete in the contentless index only hides, leave the file's pages.
#[test]
fn the_idle_steps_rewrite_the_index_once_enough_visits_were_reduced() {
    use zhiban::core::retention;
    use zhiban::store::retention::PURGE_AFTER_VISITS;
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut d = draft("赵六", &resident_id("53010219800101123"));
    d.phone = "13957384629".into();
    s.add_visit(&build(&d, at("2021-03-01 09:00"))).unwrap();
    // "738": the middle of the phone's pieces as the index's pages hold them.
    assert!(has(&file_bytes(&dir), "738"), "the index holds the phone's pieces");
    let now = at("2026-12-05 10:00");
    let cutoff = retention::cutoff(now, 3);
    assert_eq!(s.reduce_visits_step(cutoff, 500, "（系统）", now).unwrap(), (1, false));
    // One visit: no rewrite of the whole index for it (the idle steps only merge).
    let mut steps = 0;
    while s.tidy_search_index().unwrap() {
        steps += 1;
        assert!(steps < 1000, "the idle steps end");
    }
    assert!(
        has(&file_bytes(&dir), "738"),
        "a delete only hides them, until the rewrite"
    );
    // Enough visits later: the idle steps rewrite it, and the pieces leave the file.
    let start = at("2021-04-01 08:00");
    for i in 0..PURGE_AFTER_VISITS {
        // Numbers whose digits never spell the probe: a 介绍信 (证件类型 其他), no phone.
        let mut d = draft("钱七", "介绍信 市水利局");
        d.id_type = "其他".into();
        d.phone = String::new();
        let when = start + chrono::Duration::minutes(i64::try_from(i).unwrap());
        s.add_visit(&build(&d, when)).unwrap();
    }
    while s.reduce_visits_step(cutoff, 500, "（系统）", now).unwrap().1 {}
    let mut steps = 0;
    while s.tidy_search_index().unwrap() {
        steps += 1;
        assert!(steps < 10_000, "the idle steps end");
    }
    assert!(
        !has(&file_bytes(&dir), "738"),
        "rewritten: gone from the file and its log"
    );
    assert!(s.verify(true).unwrap().is_ok());
}
