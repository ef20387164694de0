//! The tamper-evident history: every change the app makes is in the audit chain, and
//! `zhiban verify` names a record changed, removed or added outside the app, and a broken chain.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::NaiveDateTime;
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::core::log::{
    AmendRequest, Instruction, InstructionRequest, LogField, NewEntry, RawValues, Status, build_entry,
};
use zhiban::core::visit::{VisitDraft, build_visit};
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn call(content: &str) -> NewEntry {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Content, content),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    build_entry(&raw, "张三", at("2026-11-23 09:00")).unwrap()
}

/// A database with a little of everything, written through the store.
fn busy_day(dir: &TempDir) -> std::path::PathBuf {
    let path = dir.path().join("zhiban.db");
    let mut s = Store::open(&path).unwrap();
    let (id, _) = s.insert_entry(&call("河堤管涌")).unwrap();
    s.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Status, Status::Done.label().into())],
        reason: "已处置".into(),
        amended_by: "李四".into(),
        amended_at: at("2026-11-23 10:00"),
    })
    .unwrap();
    s.add_instruction(&InstructionRequest {
        entry_id: id,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: "加强巡查".into(),
            given_at: at("2026-11-23 10:05"),
            recorded_by: "李四".into(),
            recorded_at: at("2026-11-23 10:06"),
        },
    })
    .unwrap();
    let visit = VisitDraft {
        name: "赵六".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        purpose: "咨询".into(),
        host: "办公室".into(),
        entered_at: "2026-11-23 11:00".into(),
        ..VisitDraft::default()
    };
    let now = at("2026-11-23 11:05");
    let vid = s
        .add_visit(&build_visit(&visit, "张三", now, now.date()).unwrap())
        .unwrap();
    s.record_reveal(vid, "张三", now).unwrap();
    s.checkout(vid, "张三", at("2026-11-23 12:00")).unwrap();
    path
}

fn verify(path: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhiban"))
        .args(["verify", "--db"])
        .arg(path)
        .env("HOME", path.parent().unwrap())
        .env("XDG_CONFIG_HOME", path.parent().unwrap())
        .env_remove("ZHIBAN_DB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_change_made_by_the_app_is_chained_with_who_and_verify_passes() {
    let dir = TempDir::new().unwrap();
    let path = busy_day(&dir);
    let conn = Connection::open(&path).unwrap();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT tbl, action, who FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let has = |tbl: &str, action: &str, who: &str| rows.iter().any(|r| r == &(tbl.into(), action.into(), who.into()));
    assert!(has("log_entry", "新增", "张三"), "{rows:?}");
    assert!(has("log_amendment", "新增", "李四"), "{rows:?}");
    assert!(
        has("log_entry", "修改", "张三"),
        "the amended entry is audited too: {rows:?}"
    );
    assert!(has("instruction", "新增", "李四"), "{rows:?}");
    assert!(has("visit", "新增", "张三"), "{rows:?}");
    assert!(
        has("id_reveal_log", "新增", "张三"),
        "an ID reveal is audited: {rows:?}"
    );
    assert!(has("visit", "修改", "张三"), "the check-out: {rows:?}");
    let (code, out, err) = verify(&path);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("完整性检查通过"), "{out}");
    let report = Store::open(&path).unwrap().verify(false).unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn a_record_changed_removed_or_added_outside_the_app_is_named_and_exits_1() {
    let dir = TempDir::new().unwrap();
    let path = busy_day(&dir);
    let conn = Connection::open(&path).unwrap();
    // Someone with the sqlite3 shell removes the protections and rewrites history.
    conn.execute_batch(
        "DROP TRIGGER log_entry_no_delete; \
         DROP TRIGGER log_entry_content_needs_amendment; DROP TRIGGER instruction_no_delete; \
         UPDATE log_entry SET content = '没有发生' WHERE id = 1; \
         DELETE FROM instruction WHERE id = 1; \
         INSERT INTO log_entry (kind, occurred_at, content, triage, status, recorded_by, recorded_at) \
           VALUES ('来电', '2026-11-23 13:00:00', '补写的记录', '一般', '待办', '张三', '2026-11-23 13:00:00');",
    )
    .unwrap();
    drop(conn);
    let (code, out, err) = verify(&path);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("log_entry 第 1 行在程序之外被改动过"), "{out}");
    assert!(out.contains("instruction 第 1 行被删除了"), "{out}");
    assert!(out.contains("log_entry 有 1 行（至第 2 行）没有审计记录"), "{out}");
    // The three rows, and each protective trigger that was dropped to reach them.
    assert!(out.contains("保护触发器 log_entry_no_delete 缺失"), "{out}");
    assert!(err.contains("完整性检查发现 6 处问题"), "{err}");
    // The app's quick check at start finds them too.
    let quick = Store::open(&path).unwrap().verify(false).unwrap();
    assert!(!quick.is_ok());
}

#[test]
fn a_removed_or_edited_audit_row_breaks_the_chain() {
    let dir = TempDir::new().unwrap();
    let path = busy_day(&dir);
    let conn = Connection::open(&path).unwrap();
    assert!(
        conn.execute("DELETE FROM audit_log WHERE id = 2", []).is_err(),
        "append-only"
    );
    assert!(
        conn.execute("UPDATE audit_log SET who = '王五' WHERE id = 3", [])
            .is_err()
    );
    conn.execute_batch(
        "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update; \
         DELETE FROM audit_log WHERE id = 2; UPDATE audit_log SET who = '王五' WHERE id = 4;",
    )
    .unwrap();
    drop(conn);
    let (code, out, _) = verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("审计记录第 2 至 2 条缺失"), "{out}");
    assert!(out.contains("审计记录第 4 条的内容被改动过"), "{out}");
}

#[test]
fn the_app_warns_on_the_status_line_at_start_when_a_record_was_changed_outside() {
    let mut h = common::Harness::new(120, 30, Some("张三"));
    h.save_call("城关镇", "李站长", "河堤管涌");
    let clean = h.restart(common::now());
    let mut h = clean;
    assert!(!h.text().contains("完整性检查发现"), "{}", h.text());
    let conn = Connection::open(h.store.path()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER log_entry_content_needs_amendment; UPDATE log_entry SET content = '没有发生' WHERE id = 1;",
    )
    .unwrap();
    drop(conn);
    let mut h = h.restart(common::now());
    let status = h.screen()[28].clone();
    // The row, its finding (recorded at open, until a leader acknowledges it) and the trigger
    // dropped to change it.
    assert!(status.contains("完整性检查发现 3 处问题"), "{status}");
}

#[test]
fn digests_and_hashes_are_32_byte_blobs_and_a_deleted_record_has_none() {
    let dir = TempDir::new().unwrap();
    let path = busy_day(&dir);
    let mut s = Store::open(&path).unwrap();
    s.set_pin(
        "王五",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        at("2026-11-23 12:30"),
    )
    .unwrap();
    assert!(s.clear_pin("王五").unwrap());
    drop(s);
    let conn = Connection::open(&path).unwrap();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('audit_log') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        columns,
        ["id", "at", "who", "action", "tbl", "row_id", "digest", "hash"]
    );
    let odd: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE typeof(hash) <> 'blob' OR length(hash) <> 32 \
             OR (digest IS NOT NULL AND (typeof(digest) <> 'blob' OR length(digest) <> 32))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(odd, 0);
    assert!(
        conn.execute(
            "INSERT INTO audit_log (id, at, who, action, tbl, row_id, digest, hash) \
             VALUES (99, '2026-11-23 13:00:00', '王五', '改写', 'log_entry', 1, NULL, zeroblob(32))",
            [],
        )
        .is_err(),
        "only 新增, 修改 and 删除"
    );
    let pins: Vec<(String, bool)> = conn
        .prepare("SELECT action, digest IS NULL FROM audit_log WHERE tbl = 'person_pin' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pins, [("新增".to_string(), false), ("删除".to_string(), true)]);
    let (code, out, err) = verify(&path);
    assert_eq!(code, 0, "{out}{err}");
    // The PIN written back outside the app.
    conn.execute(
        "INSERT INTO person_pin (rowid, name, hash, set_at) VALUES (1, '王五', 'x', '2026-11-23 13:00:00')",
        [],
    )
    .unwrap();
    drop(conn);
    let (code, out, _) = verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("person_pin 第 1 行已删除却又出现"), "{out}");
}

#[test]
fn an_audit_digest_or_hash_rewritten_outside_the_app_breaks_the_chain() {
    let dir = TempDir::new().unwrap();
    let path = busy_day(&dir);
    let conn = Connection::open(&path).unwrap();
    // Row 3 gets a made-up hash; row 6 (the ID reveal, its record's only audit row) the digest of
    // row 1.
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; \
         UPDATE audit_log SET hash = randomblob(32) WHERE id = 3; \
         UPDATE audit_log SET digest = (SELECT digest FROM audit_log WHERE id = 1) WHERE id = 6;",
    )
    .unwrap();
    drop(conn);
    let (code, out, _) = verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("审计记录第 3 条的内容被改动过"), "{out}");
    assert!(
        out.contains("审计记录第 4 条的内容被改动过"),
        "the next row chains to the real hash: {out}"
    );
    assert!(out.contains("审计记录第 6 条的内容被改动过"), "{out}");
    assert!(out.contains("id_reveal_log 第 1 行在程序之外被改动过"), "{out}");
    assert!(!out.contains("审计记录第 5 条"), "{out}");
    let quick = Store::open(&path).unwrap().verify(false).unwrap();
    assert_eq!(quick.problems.len(), 5, "four, and the dropped trigger: {quick:?}");
}

/// A file at schema version 8 as zhiban wrote it before migration 0010: hex-text digests and
/// hashes and `prev_hash` (tests/fixtures/audit_v8.sql, written by that build).
fn version_8_file(dir: &TempDir) -> std::path::PathBuf {
    let path = dir.path().join("v8.db");
    let conn = Connection::open(&path).unwrap();
    // Migrations 0001–0008 are the first eight; the fixture sets user_version = 8.
    for sql in zhiban::store::MIGRATIONS[..8]
        .iter()
        .chain([&include_str!("fixtures/audit_v8.sql")])
    {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 8).unwrap();
    path
}

type AuditHex = Vec<(i64, String, String)>;

fn audit_hex(path: &Path, sql: &str) -> AuditHex {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_file_from_before_the_compact_audit_upgrades_with_its_hashes_and_verifies() {
    let dir = TempDir::new().unwrap();
    let path = version_8_file(&dir);
    let before = audit_hex(&path, "SELECT id, digest, hash FROM audit_log ORDER BY id");
    assert_eq!(before.len(), 9);
    assert_eq!(before[8].1, "deleted");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), zhiban::store::SCHEMA_VERSION);
    let after = audit_hex(
        &path,
        "SELECT id, CASE WHEN digest IS NULL THEN 'deleted' ELSE lower(hex(digest)) END, lower(hex(hash)) \
         FROM audit_log ORDER BY id",
    );
    assert_eq!(after, before, "same ids, digests and hashes, as blobs");
    let report = s.verify(true).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!((report.audit_rows, report.records_checked), (9, 6));
    // The chain goes on from the last row written before the upgrade.
    s.insert_entry(&call("升级后的记录")).unwrap();
    drop(s);
    let (code, out, err) = verify(&path);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("审计记录 10 条"), "{out}");
    assert!(Store::open(&path).unwrap().verify(false).unwrap().is_ok());
}

#[test]
fn changes_made_outside_the_app_before_the_upgrade_are_still_named_after_it() {
    let dir = TempDir::new().unwrap();
    let path = version_8_file(&dir);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; \
         DROP TRIGGER log_entry_content_needs_amendment; \
         UPDATE audit_log SET digest = 'not a digest' WHERE id = 4; \
         DELETE FROM audit_log WHERE id = 6; \
         UPDATE log_entry SET content = '没有发生' WHERE id = 1;",
    )
    .unwrap();
    drop(conn);
    let (code, out, _) = verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("审计记录第 4 条的内容被改动过"), "{out}");
    assert!(out.contains("log_instruction 第 1 行在程序之外被改动过"), "{out}");
    assert!(out.contains("审计记录第 6 至 6 条缺失"), "{out}");
    assert!(out.contains("id_reveal_log 有 1 行（至第 1 行）没有审计记录"), "{out}");
    assert!(out.contains("log_entry 第 1 行在程序之外被改动过"), "{out}");
    let conn = Connection::open(&path).unwrap();
    let kept: String = conn
        .query_row("SELECT digest FROM audit_log WHERE id = 4", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "not a digest", "copied as it was");
}

#[test]
fn the_quick_check_walks_the_newest_200_rows_from_the_hash_of_the_one_before() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut s = Store::open(&path).unwrap();
    for i in 0..205 {
        s.insert_entry(&call(&format!("第{i}次来电"))).unwrap();
    }
    let report = s.verify(false).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.audit_rows, 200, "rows 6 to 205, chained to row 5");
    drop(s);
    // The first row walked, and the row before it, which only lends its hash.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit_log SET who = '王五' WHERE id = 6; \
         UPDATE audit_log SET at = '2020-01-01 00:00:00' WHERE id = 5;",
    )
    .unwrap();
    drop(conn);
    let quick = Store::open(&path).unwrap().verify(false).unwrap();
    assert_eq!(
        quick.problems,
        [
            "审计记录第 6 条的内容被改动过（log_entry 第 6 行）",
            "保护触发器 audit_no_update 缺失：有人在程序之外删除了它（记录可能已被改写），请保留数据库文件并报告"
        ],
        "row 5 is outside the quick check"
    );
    let (code, out, _) = verify(&path);
    assert_eq!(code, 1);
    assert!(out.contains("审计记录第 5 条的内容被改动过"), "{out}");
}
