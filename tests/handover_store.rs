//! 交接班 in the store, on a real SQLite file: what the draft gathers, signing, the database's
//! refusal to change a signed handover, and open items carried across three shifts.
//! Every time is fixed; nothing here reads the wall clock.

use chrono::NaiveDateTime;
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::core::handover::{Check, Draft, ItemKind, build_draft, sign_blockers};
use zhiban::core::log::{
    AmendRequest, Instruction, InstructionRequest, LogField, NewEntry, RawValues, Status, build_entry,
};
use zhiban::store::Store;
use zhiban::store::handover::NewPin;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

fn call(content: &str, triage: &str, now: NaiveDateTime) -> NewEntry {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "李站长"),
        (LogField::Content, content),
        (LogField::Triage, triage),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    build_entry(&raw, "张三", now).expect("a valid call")
}

fn store() -> (TempDir, Store, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("zhiban.db");
    let s = Store::open(&path).unwrap();
    (dir, s, path)
}

/// Builds, checks every item and signs a handover from `out` to `inc` at `now`.
fn hand_over(s: &mut Store, out: &str, inc: &str, now: NaiveDateTime) -> (i64, Draft) {
    let state = s.open_state(now).unwrap();
    let start = state.previous.as_ref().map_or(at("2026-11-23 08:30"), |p| p.signed_at);
    let mut d = build_draft(&state, out, inc, start, now);
    d.summary = "当班平稳".into();
    for item in &mut d.items {
        item.check = Check::Confirmed;
    }
    assert!(sign_blockers(&d).is_empty(), "{:?}", sign_blockers(&d));
    let id = s.sign_handover(&d, &[], now).unwrap();
    (id, d)
}

fn close(s: &mut Store, id: i64, now: NaiveDateTime) {
    s.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Status, Status::Done.label().into())],
        reason: "已办结".into(),
        amended_by: "李四".into(),
        amended_at: now,
    })
    .unwrap();
}

#[test]
fn the_draft_gathers_open_entries_counts_the_shift_and_leaves_closed_ones_out() {
    let (_d, mut s, _) = store();
    let (open_id, _) = s
        .insert_entry(&call("河堤管涌，请求支援", "急办", at("2026-11-23 09:00")))
        .unwrap();
    let (done_id, _) = s
        .insert_entry(&call("会议通知", "一般", at("2026-11-23 10:00")))
        .unwrap();
    close(&mut s, done_id, at("2026-11-23 10:30"));
    let (ask_id, _) = s
        .insert_entry(&call("请求调拨物资", "请示", at("2026-11-23 11:00")))
        .unwrap();
    s.add_instruction(&InstructionRequest {
        entry_id: ask_id,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王主任".into(),
            text: "同意调拨".into(),
            given_at: at("2026-11-23 11:20"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 11:21"),
        },
    })
    .unwrap();

    let now = at("2026-11-23 16:30");
    let state = s.open_state(now).unwrap();
    let d = build_draft(&state, "张三", "李四", at("2026-11-23 08:30"), now);
    let refs: Vec<(ItemKind, i64)> = d.items.iter().map(|i| (i.kind, i.ref_id)).collect();
    assert_eq!(
        refs,
        vec![
            (ItemKind::Entry, open_id),
            (ItemKind::Entry, ask_id),
            (ItemKind::Instruction, ask_id)
        ]
    );
    assert!(d.items[2].title.contains("王主任 批示：同意调拨"));
    assert_eq!(d.records, "本班共记录 3 条：来电 3");
    assert!(state.previous.is_none());
}

#[test]
fn a_signed_handover_reads_back_whole_and_refuses_update_delete_and_new_items_through_raw_sql() {
    let (_d, mut s, path) = store();
    s.insert_entry(&call("河堤管涌", "急办", at("2026-11-23 09:00")))
        .unwrap();
    let now = at("2026-11-23 16:30");
    let state = s.open_state(now).unwrap();
    let mut d = build_draft(&state, "张三", "李四", at("2026-11-23 08:30"), now);
    d.summary = "城关镇管涌一事正在处置".into();
    d.handed_items = "值班室钥匙一把".into();
    d.items[0].check = Check::Question("支援队伍几点到？".into());
    let pin = NewPin {
        name: "李四".into(),
        hash: "$argon2id$stand-in".into(),
    };
    let id = s.sign_handover(&d, &[pin], at("2026-11-23 16:40")).unwrap();

    let h = s.handover(id).unwrap();
    assert_eq!(h.draft, d);
    assert_eq!(h.signed_at, at("2026-11-23 16:40"));
    assert_eq!(s.pin_hash("李四").unwrap().as_deref(), Some("$argon2id$stand-in"));
    let list = s.handovers(10).unwrap();
    assert_eq!((list[0].id, list[0].items, list[0].questions), (id, 1, 1));

    let raw = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE handover SET summary = '改过了'".to_string(),
        "DELETE FROM handover".to_string(),
        "UPDATE handover_item SET check_state = '已确认'".to_string(),
        "DELETE FROM handover_item".to_string(),
        format!(
            "INSERT INTO handover_item (handover_id, seq, kind, ref_id, title, detail, must_carry, check_state) \
             VALUES ({id}, 99, '未办结事项', 1, '塞进来的', '', 0, '已确认')"
        ),
    ] {
        let err = raw.execute(&sql, []).expect_err(&sql);
        assert!(err.to_string().contains("signed handover"), "{sql}: {err}");
    }
    assert_eq!(s.handover(id).unwrap().draft.summary, "城关镇管涌一事正在处置");
}

#[test]
fn an_unchecked_item_is_refused_by_the_store_too() {
    let (_d, mut s, _) = store();
    s.insert_entry(&call("河堤管涌", "急办", at("2026-11-23 09:00")))
        .unwrap();
    let now = at("2026-11-23 16:30");
    let mut d = build_draft(&s.open_state(now).unwrap(), "张三", "李四", at("2026-11-23 08:30"), now);
    d.summary = "x".into();
    assert!(s.sign_handover(&d, &[], now).is_err());
    assert!(s.handovers(10).unwrap().is_empty());
}

#[test]
fn an_open_item_is_carried_across_three_shifts_until_it_is_closed() {
    let (_d, mut s, _) = store();
    let (id, _) = s
        .insert_entry(&call("下周一前报送统计表", "次日办理", at("2026-11-23 09:00")))
        .unwrap();
    let (h1, d1) = hand_over(&mut s, "张三", "李四", at("2026-11-23 17:30"));
    let (h2, d2) = hand_over(&mut s, "李四", "王五", at("2026-11-24 08:30"));
    let (_h3, d3) = hand_over(&mut s, "王五", "张三", at("2026-11-24 17:30"));
    for d in [&d1, &d2, &d3] {
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].ref_id, id);
    }
    assert_eq!(d1.items[0].first_handed, None);
    assert_eq!(d2.items[0].first_handed, Some(h1));
    assert_eq!(d3.items[0].first_handed, Some(h1));
    // Each shift starts where the last one was signed.
    assert_eq!(d2.shift_start, at("2026-11-23 17:30"));
    assert_eq!(d2.records, "本班没有新记录");
    assert!(h2 > h1);
    close(&mut s, id, at("2026-11-25 07:00"));
    let (_h4, d4) = hand_over(&mut s, "张三", "李四", at("2026-11-25 08:30"));
    assert!(d4.items.is_empty(), "a closed entry is no longer handed over");
}

#[test]
fn a_visitor_still_inside_is_handed_over_first_and_dropped_once_checked_out() {
    use zhiban::core::visit::{VisitDraft, build_visit};
    let (_d, mut s, _) = store();
    s.insert_entry(&call("请求调拨沙袋", "一般", at("2026-11-23 09:00")))
        .unwrap();
    let draft = VisitDraft {
        name: "王五".into(),
        id_type: "护照".into(),
        id_number: "E12345678".into(),
        purpose: "反映拆迁补偿".into(),
        host: "信访科".into(),
        people_count: "2".into(),
        entered_at: "2026-11-23 14:00".into(),
        ..VisitDraft::default()
    };
    let now = at("2026-11-23 16:30");
    let visit = build_visit(&draft, "张三", now, now.date()).expect("a valid visit");
    let id = s.add_visit(&visit).unwrap();
    let d = build_draft(&s.open_state(now).unwrap(), "张三", "李四", at("2026-11-23 08:30"), now);
    assert_eq!((d.items[0].kind, d.items[0].ref_id), (ItemKind::Visitor, id));
    assert!(d.items[0].must_carry);
    assert!(
        d.items[0].title.contains("王五 等 2 人 访 信访科"),
        "{}",
        d.items[0].title
    );
    assert!(
        d.items[0].detail.contains("已在楼 2 小时 30 分"),
        "{}",
        d.items[0].detail
    );
    s.checkout(id, "张三", at("2026-11-23 16:40")).unwrap();
    let later = at("2026-11-23 16:45");
    let d = build_draft(
        &s.open_state(later).unwrap(),
        "张三",
        "李四",
        at("2026-11-23 08:30"),
        later,
    );
    assert!(d.items.iter().all(|i| i.kind != ItemKind::Visitor));
}
