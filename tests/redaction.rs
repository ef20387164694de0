//! Redaction of what should never have been typed (issue 18, item 3), on a real SQLite file:
//! a planted text quoted by an amendment, a signed handover and a 值班日报 sent is gone from the
//! database file and its write-ahead log afterwards, the search no longer finds it, the audit
//! verifies; nobody but a confirmed approver redacts, and the protective triggers refuse the same
//! rewrite made outside a redaction. Every time is fixed.

mod cli_common;
mod common;

use chrono::NaiveDateTime;
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::core::document::{DocKind, NewDocument, Secrecy, Urgency};
use zhiban::core::handover::{Check, build_draft};
use zhiban::core::log::{AmendRequest, LogField, RawValues, build_entry};
use zhiban::core::redaction::{Record, RedactRequest, is_marker};
use zhiban::core::report::{DEFAULT_DAY_ENDS, Window};
use zhiban::core::report_sent::{ReportSending, SendMethod};
use zhiban::core::search::SearchQuery;
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

/// What the officer typed by mistake: an ASCII code and Chinese words, each searched for in the
/// file's bytes.
const PLANTED: &str = "QXZ7K9 绝密会议在三号楼地下室召开";
const PLANTED_HAN: &str = "三号楼地下室";

fn store() -> (TempDir, Store, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut s = Store::open(&path).unwrap();
    common::enrol_leader(&mut s);
    (dir, s, path)
}

fn call(s: &mut Store, content: &str, now: NaiveDateTime) -> i64 {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "李站长"),
        (LogField::Content, content),
        (LogField::Triage, "交下一班"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let e = build_entry(&raw, "张三", now).expect("a valid call");
    s.insert_entry(&e).unwrap().0
}

/// The database file and its write-ahead log, as bytes.
fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let wal = path.with_file_name(format!("{}-wal", path.file_name().unwrap().to_string_lossy()));
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    bytes
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// `content` added to entry `id`'s content by a correction at 09:30 (its old value kept).
fn amend_content(s: &mut Store, id: i64, content: String) {
    s.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Content, content)],
        reason: "补充".into(),
        amended_by: "张三".into(),
        amended_at: at("2026-11-23 09:30"),
    })
    .unwrap();
}

/// The day shift's handover signed at 16:30, every item confirmed, with `summary` as its notes.
fn sign_handover(s: &mut Store, summary: String) -> i64 {
    let now = at("2026-11-23 16:30");
    let state = s.open_state(now).unwrap();
    let mut d = build_draft(&state, "张三", "李四", at("2026-11-23 08:30"), now);
    d.summary = summary;
    for item in &mut d.items {
        item.check = Check::Confirmed;
    }
    assert!(!d.items.is_empty(), "the open entry is handed over");
    s.sign_handover(&d, &[], now).unwrap()
}

fn request(record: Record, field: &str, by: &str, now: NaiveDateTime) -> RedactRequest {
    RedactRequest {
        record,
        field: field.into(),
        reason: "误录涉密内容".into(),
        approved_by: by.into(),
        approver_role: if by == "王五" { "带班领导" } else { "值班员" }.into(),
        by: "张三".into(),
        now,
    }
}

fn found(s: &Store, words: &str) -> usize {
    s.search(&SearchQuery::parse(words).unwrap(), 20, None).unwrap().len()
}

#[test]
fn a_planted_text_leaves_no_trace_in_the_file_its_wal_or_the_search() {
    let (_dir, mut s, path) = store();
    let id = call(&mut s, &format!("{PLANTED}。请转告"), at("2026-11-23 09:00"));
    // Amended once: the old value keeps the text, the new one too.
    amend_content(&mut s, id, format!("{PLANTED}。已转告办公室"));
    // A handover quotes it in an item (its first line, cut) and in the officer's notes.
    let handover = sign_handover(&mut s, format!("重点：{PLANTED}"));
    // A 值班日报 sent with it, and one sent before it was typed (left as it was).
    let w = Window::in_progress(at("2026-11-23 16:30"), DEFAULT_DAY_ENDS);
    let sending = |text: String, when: &str| ReportSending {
        window: w,
        sent_at: at(when),
        recipient: "市政府总值班室".into(),
        method: SendMethod::Fax,
        signer: "王五".into(),
        text,
        recorded_by: "张三".into(),
        recorded_at: at(when),
    };
    s.mark_report_sent(&sending(
        format!("一、来电\n1. 城关镇：{PLANTED}。请转告\n"),
        "2026-11-24 08:10",
    ))
    .unwrap();
    let earlier = Window::in_progress(at("2026-11-22 12:00"), DEFAULT_DAY_ENDS);
    let mut before = sending("前一日无事".into(), "2026-11-23 08:10");
    before.window = earlier;
    s.mark_report_sent(&before).unwrap();
    assert!(
        found(&s, "QXZ7K9") >= 1 && found(&s, PLANTED_HAN) >= 1,
        "searchable before"
    );
    // The test can fail: the text is in the file (or its log) now.
    let bytes = file_bytes(&path);
    // "7k9": what the index's pages hold of the code's pieces (prefix-compressed terms).
    assert!(holds(&bytes, "QXZ7K9") && holds(&bytes, PLANTED_HAN) && holds(&bytes, "7k9"));

    let done = s
        .redact(&request(Record::Entry(id), "content", "王五", at("2026-11-24 10:00")))
        .unwrap();
    assert!(is_marker(&done.marker));
    assert!(
        done.marker.contains("误录涉密内容")
            && done.marker.contains("王五")
            && done.marker.contains("2026-11-24 10:00")
    );
    // The record, one amendment, the handover's notes, its item and the report.
    assert_eq!(done.rows_changed, 5, "{done:?}");
    assert!(
        done.quoted_in
            .iter()
            .any(|q| q.contains(&format!("第 {handover} 次交接班"))),
        "{done:?}"
    );
    assert!(done.quoted_in.iter().any(|q| q.contains("值班日报")), "{done:?}");
    assert!(done.wal_emptied, "nobody else reads: the log is emptied");

    let entry = s.entry(id).unwrap();
    assert_eq!(entry.fields.content, done.marker);
    // The amendment of the redaction keeps no old value; the earlier one keeps neither.
    let conn = Connection::open(&path).unwrap();
    let amendments: Vec<(String, String, String)> = conn
        .prepare("SELECT old_value, new_value, reason FROM log_amendment WHERE entry_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[1].0, "", "no old value kept");
    assert_eq!(amendments[1].1, done.marker);
    assert!(amendments[1].2.contains("删除误录内容"), "{amendments:?}");
    assert_eq!(
        (amendments[0].0.as_str(), amendments[0].1.as_str()),
        (done.marker.as_str(), done.marker.as_str())
    );
    let untouched: String = conn
        .query_row(
            "SELECT text FROM daily_report_sent WHERE text = '前一日无事'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(untouched, "前一日无事");
    let summary: String = conn
        .query_row("SELECT summary FROM handover WHERE id = ?1", [handover], |r| r.get(0))
        .unwrap();
    assert!(summary.starts_with("重点：已删除（"), "{summary}");
    drop(conn);

    assert_eq!(found(&s, "QXZ7K9"), 0, "the search no longer finds it");
    assert_eq!(found(&s, PLANTED_HAN), 0);
    assert_eq!(found(&s, "城关镇"), 1, "the entry is still found by what is left");
    let report = s.verify(true).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let bytes = file_bytes(&path);
    assert!(!holds(&bytes, "QXZ7K9"), "the code is nowhere in the file or its log");
    // Nor the search index's pieces of it, from the entry's earlier documents too.
    assert!(!holds(&bytes, "7k9"), "the index's tokens are gone");

    assert!(!holds(&bytes, PLANTED_HAN), "nor the words");
    assert_eq!(s.redactions(Record::Entry(id)).unwrap().len(), 1);

    // Twice is refused: nothing is left to remove.
    let again = s.redact(&request(Record::Entry(id), "content", "王五", at("2026-11-24 10:05")));
    assert!(again.unwrap_err().to_string().contains("已经删除过"));
}

#[test]
fn only_a_confirmed_approver_redacts_and_the_reason_must_not_repeat_the_text() {
    let (_dir, mut s, _path) = store();
    let id = call(&mut s, "身份证号在此不该记录的内容", at("2026-11-23 09:00"));
    let err = s
        .redact(&request(Record::Entry(id), "content", "张三", at("2026-11-23 10:00")))
        .unwrap_err();
    assert!(err.to_string().contains("不是已确认的领导"), "{err}");
    let mut r = request(Record::Entry(id), "content", "王五", at("2026-11-23 10:00"));
    r.reason = "误录：身份证号在此不该记录的内容".into();
    assert!(s.redact(&r).unwrap_err().to_string().contains("不要写出"));
    // Nor any part of it: six characters from its middle are a quotation too.
    r.reason = "误录了不该记录的内容".into();
    assert!(s.redact(&r).unwrap_err().to_string().contains("不要写出"));
    r.reason = String::new();
    assert!(s.redact(&r).unwrap_err().to_string().contains("删除原因"));
    let r = request(Record::Entry(id), "occurred_at", "王五", at("2026-11-23 10:00"));
    assert!(s.redact(&r).unwrap_err().to_string().contains("不是可以删除"));
    assert_eq!(
        s.entry(id).unwrap().fields.content,
        "身份证号在此不该记录的内容",
        "nothing changed"
    );
    assert!(s.redactions(Record::Entry(id)).unwrap().is_empty());
}

#[test]
fn a_document_title_typed_by_mistake_is_redacted() {
    let (_dir, mut s, path) = store();
    let received = at("2026-11-23 09:00");
    let doc = NewDocument {
        kind: DocKind::Document,
        secrecy: Secrecy::Open,
        number: "某发〔2026〕1号".into(),
        title: "QXZ7K9 关于三号楼地下室的通知".into(),
        from: "市委办".into(),
        urgency: Urgency::Normal,
        copies: 1,
        pages: None,
        received_at: received,
        note: String::new(),
        clerk: String::new(),
        clerk_told_at: None,
        forward_to: Vec::new(),
        recorded_by: "张三".into(),
        recorded_at: received,
    };
    let (id, _, _) = s.add_document(&doc, received).unwrap();
    assert!(found(&s, "QXZ7K9") == 1);
    s.redact(&request(Record::Document(id), "title", "王五", at("2026-11-23 10:00")))
        .unwrap();
    assert_eq!(found(&s, "QXZ7K9"), 0);
    assert!(s.verify(true).unwrap().is_ok());
    let bytes = file_bytes(&path);
    assert!(!holds(&bytes, "QXZ7K9") && !holds(&bytes, PLANTED_HAN));
}

#[test]
fn outside_a_redaction_the_triggers_refuse_the_same_rewrites() {
    let (_dir, mut s, path) = store();
    let id = call(&mut s, "普通来电内容", at("2026-11-23 09:00"));
    amend_content(&mut s, id, "普通来电内容（补）".into());
    let handover = sign_handover(&mut s, String::new());
    let conn = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE log_amendment SET old_value = '' WHERE entry_id = ?1".to_string(),
        format!("UPDATE handover SET summary = '改写' WHERE id = {handover}"),
        format!("UPDATE handover_item SET title = '改写' WHERE handover_id = {handover}"),
    ] {
        let sql = sql.replace("?1", &id.to_string());
        let err = conn.execute(&sql, []).unwrap_err();
        assert!(err.to_string().contains("never change"), "{sql}: {err}");
    }
    // Naming a row opens the text columns only, never who signed or the item count…
    conn.execute(
        &format!("INSERT INTO redaction_open (tbl, row_id) VALUES ('handover', {handover})"),
        [],
    )
    .unwrap();
    let err = conn
        .execute(
            &format!("UPDATE handover SET incoming = '王五' WHERE id = {handover}"),
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("never changes"), "{err}");
    // …and a name left behind, or a rewrite made with it, is what verify reports.
    conn.execute(
        &format!("UPDATE handover SET summary = '改写' WHERE id = {handover}"),
        [],
    )
    .unwrap();
    drop(conn);
    let problems = s.verify(true).unwrap().problems;
    assert!(problems.iter().any(|p| p.contains("redaction_open")), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("handover 第 {handover} 行"))),
        "{problems:?}"
    );
}

/// The walk on screen: an officer types a private number into a call's content by mistake; the
/// duty leader approves its removal with their PIN (a wrong PIN first); the screen says what was
/// rewritten and which backups still hold it; Esc shows the entry with the marker. At 80×24 and
/// 200×50.
#[test]
fn a_leader_redacts_a_call_content_on_screen() {
    use common::Harness;
    use zhiban::core::keymap::{Key, KeyCode};
    for (cols, rows) in [(80u16, 24u16), (200, 50)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zhiban.db");
        {
            let mut s = Store::open(&path).unwrap();
            common::enrol_leader(&mut s);
        }
        // A backup taken before: listed afterwards as still holding the text.
        let backups = dir.path().join("backups");
        std::fs::create_dir(&backups).unwrap();
        std::fs::write(backups.join("zhiban-20261122-030000.db.zst"), b"x").unwrap();
        let mut h = Harness::open(dir, &path, cols, rows, Some("张三"), common::at("2026-11-23 03:10:00"));
        h.save_call("城关镇", "李站长", "对方身份证号110101199003071234误录于此");
        h.key(Key::plain(KeyCode::Enter));
        assert!(h.text().contains("误录于此"), "{}", h.text());
        h.key(Key::ch('x'));
        let text = h.text();
        assert!(text.contains("将删除的内容"), "{text}");
        assert!(text.contains("删除误录内容：第 1 号记录"), "{text}");
        assert!(text.contains("误录于此"), "the text to remove is shown whole:\n{text}");
        // The field (内容, first), the reason, the approver (王五, the only one), the PIN.
        h.key(Key::plain(KeyCode::Tab));
        h.type_text("误录他人身份证号");
        h.keys(KeyCode::Tab, 2);
        h.type_text("111111");
        h.key(Key::ctrl('s'));
        assert!(
            h.text().contains("PIN 不对"),
            "a wrong PIN removes nothing:\n{}",
            h.text()
        );
        assert!(h.store.entry(1).unwrap().fields.content.contains("误录于此"));
        h.type_text(common::LEADER_PIN);
        h.key(Key::ctrl('s'));
        let text = h.text();
        assert!(text.contains("已删除第 1 号记录的内容"), "{text}");
        assert!(
            text.contains("zhiban-20261122-030000.db.zst"),
            "the earlier backup is listed:\n{text}"
        );
        assert!(text.contains("写前日志已清空"), "{text}");
        let content = h.store.entry(1).unwrap().fields.content;
        assert!(
            content.starts_with("已删除（原因：误录他人身份证号；批准人：王五；时间：2026-11-23 03:10"),
            "{content}"
        );
        h.key(Key::plain(KeyCode::Esc));
        let text = h.text();
        assert!(text.contains("已删除（原因"), "back on the entry, the marker:\n{text}");
        assert!(!text.contains("误录于此"), "{text}");
        assert!(h.store.verify(true).unwrap().is_ok());
        let bytes = file_bytes(&path);
        assert!(!holds(&bytes, "110101199003071234") && !holds(&bytes, "误录于此"));
    }
}

/// `zhiban redact` on the command line: an officer is refused, a wrong PIN removes nothing, the
/// leader's PIN removes it and the output says what was done; a field that is not there names
/// the ones that are.
#[test]
fn the_command_line_redacts_with_the_leaders_pin() {
    let sb = cli_common::Sandbox::new();
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    let id = {
        let mut s = Store::open(&sb.db()).unwrap();
        common::enrol_leader(&mut s);
        call(&mut s, "QXZ7K9 误录的内容", at("2026-11-23 09:00"))
    };
    let id = id.to_string();
    let args = |who: &'static str| -> Vec<String> {
        [
            "redact",
            "--entry",
            &id,
            "--field",
            "内容",
            "--reason",
            "误录涉密内容",
            "--operator",
            who,
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
    };
    let run = |who: &'static str, pin: &str| {
        let a = args(who);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        sb.run_with_stdin(&a, pin)
    };
    let out = run("张三", "246813\n");
    assert_eq!(out.status.code(), Some(2), "{}", cli_common::stderr(&out));
    assert!(cli_common::stderr(&out).contains("不是配置中的领导"));
    let out = run("王五", "111111\n");
    assert_ne!(out.status.code(), Some(0), "a wrong PIN removes nothing");
    let out = sb.run_with_stdin(
        &[
            "redact",
            "--entry",
            &id,
            "--field",
            "标题",
            "--reason",
            "x",
            "--operator",
            "王五",
        ],
        "135790\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        cli_common::stderr(&out).contains("可删除的有：内容"),
        "{}",
        cli_common::stderr(&out)
    );
    let said = cli_common::success(&run("王五", "135790\n"));
    assert!(said.contains(&format!("已删除第 {id} 号记录的内容")), "{said}");
    assert!(said.contains("此前没有备份"), "{said}");
    let s = Store::open(&sb.db()).unwrap();
    let content = s.entry(id.parse().unwrap()).unwrap().fields.content;
    assert!(
        content.starts_with("已删除（原因：误录涉密内容；批准人：王五；"),
        "{content}"
    );
    assert!(s.verify(true).unwrap().is_ok());
}
