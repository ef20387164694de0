//! The store on a real SQLite file in a temporary directory: opening and migrating, refusing
//! files it must not touch, amendments and instructions kept, the database's own refusals,
//! keyset paging, two handles on one file, and the command line's query.
//!
//! Every time is fixed; nothing here reads the wall clock or sleeps.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::core::log::{
    AmendRequest, Amendment, EntryId, EntryKey, EntryKind, EntrySummary, Instruction, InstructionRequest, LogField,
    NewEntry, RawValues, Status, Triage, build_entry,
};
use zhiban::core::log_screen::{Anchor, PageRequest};
use zhiban::store::{SCHEMA_VERSION, Store, StoreError, is_private};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("a valid test time")
}

fn raw(pairs: &[(LogField, &str)]) -> RawValues {
    pairs.iter().map(|(f, v)| (*f, (*v).to_string())).collect()
}

/// An incoming call that happened (and was saved) at `now`.
fn call(content: &str, now: NaiveDateTime) -> NewEntry {
    build_entry(
        &raw(&[
            (LogField::Kind, "来电"),
            (LogField::Unit, "城关镇"),
            (LogField::Person, "张三"),
            (LogField::Phone, "13812345678"),
            (LogField::Content, content),
        ]),
        "李四",
        now,
    )
    .expect("a valid incoming call")
}

fn open(path: &Path) -> Store {
    match Store::open(path) {
        Ok(store) => store,
        Err(e) => panic!("Store::open({}) failed: {e}", path.display()),
    }
}

fn open_err(path: &Path) -> StoreError {
    match Store::open(path) {
        Ok(_) => panic!("Store::open({}) should have been refused", path.display()),
        Err(e) => e,
    }
}

fn db_in(dir: &TempDir) -> PathBuf {
    dir.path().join("zhiban.db")
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The SQLite side files that exist next to `path`.
fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .filter(|p| p.exists())
        .collect()
}

/// Asserts the file still holds exactly `before`, reporting where it differs rather than
/// printing both files.
fn assert_unchanged(path: &Path, before: &[u8]) {
    let after = std::fs::read(path).expect("read the file again");
    if after != before {
        let first = before
            .iter()
            .zip(&after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        panic!(
            "{} was modified: {} bytes before, {} after, first difference at byte {first}",
            path.display(),
            before.len(),
            after.len()
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn page(store: &Store, anchor: Anchor, limit: usize) -> Vec<EntrySummary> {
    store
        .page(&PageRequest {
            anchor,
            limit,
            select: None,
        })
        .expect("page")
}

fn keys(rows: &[EntrySummary]) -> Vec<EntryKey> {
    rows.iter().map(EntrySummary::key).collect()
}

/// Creates a plain SQLite file (not through the store) holding one table and `user_version`.
fn foreign_database(path: &Path, user_version: i64) {
    let conn = Connection::open(path).expect("rusqlite open");
    conn.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('来自未来的数据');")
        .expect("create table");
    conn.pragma_update(None, "user_version", user_version)
        .expect("set user_version");
    drop(conn);
}

// ---------------------------------------------------------------------------------------------
// Opening and migrating
// ---------------------------------------------------------------------------------------------

#[test]
fn open_creates_a_private_file_and_its_missing_directories_and_migrates_from_empty() {
    let dir = TempDir::new().unwrap();
    let parent = dir.path().join("数据").join("值班室");
    let path = parent.join("zhiban.db");
    assert!(!parent.exists(), "the parent directory must not exist yet");

    let mut store = open(&path);
    assert!(path.is_file(), "the database file was not created");
    assert!(parent.is_dir(), "the missing parent directory was not created");
    assert_eq!(mode(&parent) & 0o077, 0, "the created data directory is open to others");
    const { assert!(SCHEMA_VERSION >= 1) };
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.path(), path.as_path());
    assert!(is_private(&path).unwrap(), "database mode is {:o}", mode(&path));
    assert_eq!(mode(&path), 0o600);

    // The schema is really there: a write works, and the WAL file SQLite creates is private too.
    let (id, _) = store.insert_entry(&call("测试", at("2026-11-23 03:10:00"))).unwrap();
    assert_eq!(store.entry(id).unwrap().fields.content, "测试");
    for side in side_files(&path) {
        assert!(
            is_private(&side).unwrap(),
            "{} has mode {:o}",
            side.display(),
            mode(&side)
        );
    }
    drop(store);

    // Seen from outside the store: the tables of every migration and the version number.
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    for table in ["log_entry", "log_amendment", "log_instruction", "urgent_event"] {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table} is missing");
    }
}

#[test]
fn an_existing_empty_file_is_migrated() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    std::fs::write(&path, b"").unwrap();
    let store = open(&path);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_version_1_database_is_upgraded_and_keeps_its_entries() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
    conn.execute(
        "INSERT INTO log_entry (kind, occurred_at, content, triage, status, recorded_by, recorded_at) \
         VALUES ('来电', '2026-01-02 03:04:05', '旧版本的记录', '一般', '待办', '张三', '2026-01-02 03:05:00')",
        [],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);

    let store = open(&path);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let e = store.entry(id).unwrap();
    assert_eq!(e.fields.content, "旧版本的记录");
    assert_eq!(e.fields.occurred_at, at("2026-01-02 03:04:05"));
    assert_eq!(e.fields.recorded_by, "张三");
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'urgent_event'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "migration 0002 was not applied");
}

#[test]
fn an_entry_survives_closing_and_reopening_with_every_field_equal() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let now = at("2026-11-23 03:10:27");
    let fax = build_entry(
        &raw(&[
            (LogField::Kind, "传真"),
            (LogField::Category, "防汛"),
            (LogField::OccurredAt, "2026-11-23 02:45"),
            (LogField::Unit, "县应急管理局"),
            (LogField::Person, "王科长"),
            (LogField::Phone, "0871-12345678"),
            (LogField::Receiver, "李四"),
            (
                LogField::Content,
                "关于做好防汛工作的紧急通知\n请各乡镇立即排查河堤隐患",
            ),
            (LogField::ReportedElsewhere, "已报县委值班室"),
            (LogField::ForwardedTo, "应急局王科长"),
            (LogField::ForwardedAt, "2026-11-23 02:50"),
            (LogField::Triage, "急办"),
            (LogField::Status, "已办结"),
            (LogField::Proposal, "请带班领导阅示"),
            (LogField::Result, "已电话通知各乡镇"),
            (LogField::Handler, "赵六"),
            (LogField::ClosedAt, "2026-11-23 03:05"),
        ]),
        "张三",
        now,
    )
    .expect("a valid fax");
    // The entry really carries what the test means to round-trip.
    assert_eq!(fax.kind, EntryKind::Fax);
    assert_eq!(fax.occurred_at, at("2026-11-23 02:45:00"));
    assert_eq!(fax.forwarded_at, Some(at("2026-11-23 02:50:00")));
    assert_eq!(fax.closed_at, Some(at("2026-11-23 03:05:00")));
    assert_eq!(fax.recorded_at, now);
    assert_eq!((fax.triage, fax.status), (Triage::Urgent, Status::Done));

    let outgoing = build_entry(
        &raw(&[
            (LogField::Kind, "去电"),
            (LogField::Unit, "城关镇人民政府"),
            (LogField::Person, "刘镇长"),
            (LogField::Content, "通知今晚 20:00 召开防汛会商会"),
            (LogField::ReadBack, "已复述核对"),
        ]),
        "张三",
        now,
    )
    .expect("a valid outgoing call");
    assert_eq!(outgoing.read_back, Some(true));

    let (fax_id, outgoing_id) = {
        let mut store = open(&path);
        let (fax_id, fax_key) = store.insert_entry(&fax).unwrap();
        let (outgoing_id, _) = store.insert_entry(&outgoing).unwrap();
        assert_eq!(
            fax_key,
            EntryKey {
                occurred_at: fax.occurred_at,
                id: fax_id
            }
        );
        assert_ne!(fax_id, outgoing_id);
        (fax_id, outgoing_id)
    };

    let store = open(&path);
    let e = store.entry(fax_id).unwrap();
    assert_eq!(e.id, fax_id);
    assert_eq!(e.fields, fax);
    assert!(e.amendments.is_empty() && e.instructions.is_empty());
    let e = store.entry(outgoing_id).unwrap();
    assert_eq!(e.fields, outgoing);
    assert!(matches!(
        store.entry(fax_id + outgoing_id + 100),
        Err(StoreError::NotFound(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// Files the store must refuse, untouched
// ---------------------------------------------------------------------------------------------

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_byte_for_byte_unchanged() {
    for found in [SCHEMA_VERSION + 1, 999] {
        let dir = TempDir::new().unwrap();
        let path = db_in(&dir);
        foreign_database(&path, found);
        assert!(side_files(&path).is_empty());
        let before = std::fs::read(&path).unwrap();
        let mode_before = mode(&path);

        let err = open_err(&path);
        match &err {
            StoreError::NewerVersion {
                path: p,
                found: f,
                supported,
            } => {
                assert_eq!(p, &path);
                assert_eq!(*f, found);
                assert_eq!(*supported, SCHEMA_VERSION);
            }
            other => panic!("expected NewerVersion, got {other:?}"),
        }
        let message = err.to_string();
        assert!(has_chinese(&message), "{message}");
        assert!(message.contains("升级"), "{message}");
        assert!(message.contains(&found.to_string()), "{message}");

        assert_unchanged(&path, &before);
        assert_eq!(mode(&path), mode_before);
        assert!(
            side_files(&path).is_empty(),
            "side files were created: {:?}",
            side_files(&path)
        );

        // Still readable by the program that wrote it.
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, found);
    }
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_unchanged() {
    let texts = [
        "值班记录\n这不是数据库，是一份普通的文本文件。\n"
            .repeat(40)
            .into_bytes(),
        b"hello".to_vec(),
    ];
    for text in texts {
        let dir = TempDir::new().unwrap();
        let path = db_in(&dir);
        std::fs::write(&path, &text).unwrap();
        let err = open_err(&path);
        assert!(
            matches!(&err, StoreError::NotADatabase { path: p } if p == &path),
            "expected NotADatabase for a {}-byte text file, got {err:?}",
            text.len()
        );
        assert!(has_chinese(&err.to_string()));
        assert_unchanged(&path, &text);
        assert!(
            side_files(&path).is_empty(),
            "side files were created: {:?}",
            side_files(&path)
        );
    }
}

#[test]
fn a_directory_is_refused() {
    let dir = TempDir::new().unwrap();
    let err = open_err(dir.path());
    assert!(
        matches!(&err, StoreError::IsDirectory { path } if path == dir.path()),
        "expected IsDirectory, got {err:?}"
    );
    assert!(err.to_string().contains("目录"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "something was created inside"
    );
}

/// Effective capabilities of this process, from /proc (no libc needed).
fn effective_capabilities() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let hex = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .expect("CapEff line in /proc/self/status")
        .trim();
    u64::from_str_radix(hex, 16).expect("CapEff is hexadecimal")
}

#[test]
fn an_unreadable_file_is_refused_with_permission_denied() {
    const CAP_DAC_OVERRIDE: u64 = 1 << 1;
    const CAP_DAC_READ_SEARCH: u64 = 1 << 2;

    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    store
        .insert_entry(&call("权限测试", at("2026-11-23 03:10:00")))
        .unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();

    // Probe: when the permission bits are enforced, nobody can open a mode-000 file.
    if std::fs::File::open(&path).is_ok() {
        // Permissions are bypassed. That must be because this process is privileged (root in a
        // container, say) — anything else means the file is not really unreadable and the test
        // would be skipping for a wrong reason.
        let caps = effective_capabilities();
        assert!(
            caps & (CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH) != 0,
            "a mode-000 file could be opened without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (CapEff {caps:x})"
        );
        eprintln!("skipped the permission assertion: this process holds CAP_DAC_OVERRIDE (CapEff {caps:x})");
        return;
    }

    let err = open_err(&path);
    assert!(
        matches!(&err, StoreError::PermissionDenied { path: p } if p == &path),
        "expected PermissionDenied, got {err:?}"
    );
    assert!(err.to_string().contains("权限"), "{err}");
    assert_eq!(mode(&path), 0o000, "the file's mode was changed");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_unchanged(&path, &before);
}

// ---------------------------------------------------------------------------------------------
// Amendments and instructions
// ---------------------------------------------------------------------------------------------

#[test]
fn an_amendment_changes_the_value_and_keeps_the_old_one() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let original = call("河堤渗水", at("2026-11-23 02:00:00"));
    let (id, _) = store.insert_entry(&original).unwrap();
    let amended_at = at("2026-11-23 04:30:15");

    let key = store
        .amend(&AmendRequest {
            entry_id: id,
            changes: vec![(LogField::Content, "河堤渗水，已有管涌".into())],
            reason: "来电人补充情况".into(),
            amended_by: "王五".into(),
            amended_at,
        })
        .unwrap();
    assert_eq!(
        key,
        EntryKey {
            occurred_at: original.occurred_at,
            id
        }
    );

    let e = store.entry(id).unwrap();
    assert_eq!(e.fields.content, "河堤渗水，已有管涌");
    assert_eq!(
        e.amendments,
        vec![Amendment {
            field: LogField::Content,
            old_value: "河堤渗水".into(),
            new_value: "河堤渗水，已有管涌".into(),
            reason: "来电人补充情况".into(),
            amended_by: "王五".into(),
            amended_at,
        }]
    );
    // Nothing else moved: the record is the original with the one new value.
    let mut expected = original.clone();
    expected.content = "河堤渗水，已有管涌".into();
    assert_eq!(e.fields, expected);

    // A second correction appends; the first stays.
    store
        .amend(&AmendRequest {
            entry_id: id,
            changes: vec![(LogField::Content, "河堤管涌，已组织抢险".into())],
            reason: "核实后更正".into(),
            amended_by: "张三".into(),
            amended_at: amended_at + Duration::minutes(5),
        })
        .unwrap();
    let e = store.entry(id).unwrap();
    assert_eq!(e.fields.content, "河堤管涌，已组织抢险");
    assert_eq!(e.amendments.len(), 2);
    assert_eq!(e.amendments[0].new_value, "河堤渗水，已有管涌");
    assert_eq!(e.amendments[1].old_value, "河堤渗水，已有管涌");
    assert_eq!(e.amendments[1].amended_by, "张三");

    // Kept on disk, not only in this connection.
    let path = store.path().to_path_buf();
    drop(store);
    assert_eq!(open(&path).entry(id).unwrap(), e);
}

#[test]
fn a_multi_field_amendment_records_one_row_per_field() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let original = call("河堤渗水", at("2026-11-23 02:45:00"));
    let (id, _) = store.insert_entry(&original).unwrap();
    let amended_at = at("2026-11-23 05:00:00");
    let changes = vec![
        (LogField::Unit, "城关镇人民政府".to_string()),
        (LogField::Phone, "0871-12345678".to_string()),
        (LogField::Triage, "急办".to_string()),
        (LogField::OccurredAt, "2026-11-23 01:30".to_string()),
    ];
    let key = store
        .amend(&AmendRequest {
            entry_id: id,
            changes: changes.clone(),
            reason: "核对来电记录".into(),
            amended_by: "王五".into(),
            amended_at,
        })
        .unwrap();
    assert_eq!(
        key,
        EntryKey {
            occurred_at: at("2026-11-23 01:30:00"),
            id
        }
    );

    let e = store.entry(id).unwrap();
    assert_eq!(e.fields.unit, "城关镇人民政府");
    assert_eq!(e.fields.phone, "0871-12345678");
    assert_eq!(e.fields.triage, Triage::Urgent);
    assert_eq!(e.fields.occurred_at, at("2026-11-23 01:30:00"));
    assert_eq!(e.fields.content, original.content, "an unamended field changed");
    assert_eq!(e.fields.recorded_by, original.recorded_by);

    let olds = ["城关镇", "13812345678", "一般", "2026-11-23 02:45:00"]; // a time keeps its seconds in the history
    assert_eq!(e.amendments.len(), changes.len(), "{:?}", e.amendments);
    for ((a, (field, new)), old) in e.amendments.iter().zip(&changes).zip(olds) {
        assert_eq!(
            a,
            &Amendment {
                field: *field,
                old_value: old.into(),
                new_value: new.clone(),
                reason: "核对来电记录".into(),
                amended_by: "王五".into(),
                amended_at,
            }
        );
    }
    // The list finds the entry at its corrected time.
    let rows = page(&store, Anchor::AtOrBefore(key), 5);
    assert_eq!(rows.first().map(EntrySummary::key), Some(key));
}

#[test]
fn a_refused_amendment_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let (id, _) = store
        .insert_entry(&call("河堤渗水", at("2026-11-23 02:45:00")))
        .unwrap();
    let before = store.entry(id).unwrap();
    // The kind cannot be corrected; the unit before it in the same request must not stick.
    let result = store.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Unit, "新单位".into()), (LogField::Kind, "去电".into())],
        reason: "试图改类型".into(),
        amended_by: "王五".into(),
        amended_at: at("2026-11-23 05:00:00"),
    });
    assert!(matches!(result, Err(StoreError::Refused(_))), "{result:?}");
    assert_eq!(store.entry(id).unwrap(), before);

    let missing = store.amend(&AmendRequest {
        entry_id: id + 1,
        changes: vec![(LogField::Unit, "x".into())],
        reason: "x".into(),
        amended_by: "王五".into(),
        amended_at: at("2026-11-23 05:00:00"),
    });
    assert!(
        matches!(missing, Err(StoreError::NotFound(n)) if n == id + 1),
        "{missing:?}"
    );
}

#[test]
fn leader_instructions_are_kept_in_order() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let (id, key) = store
        .insert_entry(&call("河堤渗水", at("2026-11-23 02:45:00")))
        .unwrap();
    let (other, _) = store
        .insert_entry(&call("路灯不亮", at("2026-11-23 02:50:00")))
        .unwrap();
    let first = Instruction {
        id: None,
        via: Some(zhiban::core::instruction::Via::Phone),
        leader: "王五".into(),
        text: "请应急局立即派人查看，随时报告。".into(),
        given_at: at("2026-11-23 03:00:00"),
        recorded_by: "张三".into(),
        recorded_at: at("2026-11-23 03:02:00"),
    };
    let second = Instruction {
        id: None,
        via: Some(zhiban::core::instruction::Via::Phone),
        leader: "赵六".into(),
        text: "同意王五同志意见。".into(),
        given_at: at("2026-11-23 03:20:00"),
        recorded_by: "李四".into(),
        recorded_at: at("2026-11-23 03:21:30"),
    };
    for i in [&first, &second] {
        let returned = store
            .add_instruction(&InstructionRequest {
                entry_id: id,
                instruction: i.clone(),
            })
            .unwrap();
        assert_eq!(returned, key);
    }
    let kept = store.entry(id).unwrap().instructions;
    assert!(kept.iter().all(|i| i.id.is_some()), "each numbered when recorded");
    let without_ids: Vec<Instruction> = kept.into_iter().map(|i| Instruction { id: None, ..i }).collect();
    assert_eq!(without_ids, vec![first, second]);
    assert!(store.entry(other).unwrap().instructions.is_empty());

    let missing = store.add_instruction(&InstructionRequest {
        entry_id: other + 100,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: "x".into(),
            given_at: at("2026-11-23 03:00:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 03:00:00"),
        },
    });
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
}

// ---------------------------------------------------------------------------------------------
// The database itself refuses forbidden changes
// ---------------------------------------------------------------------------------------------

fn assert_refused(store: &Store, sql: &str) {
    match store.execute_raw_for_tests(sql) {
        Ok(n) => panic!("the database accepted `{sql}` ({n} rows changed)"),
        Err(StoreError::Refused(message)) => assert!(message.contains("zhiban"), "`{sql}`: {message}"),
        Err(other) => panic!("`{sql}` failed, but not by a trigger: {other:?}"),
    }
}

#[test]
fn the_database_refuses_changes_that_bypass_the_history() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let (a, _) = store
        .insert_entry(&call("河堤渗水", at("2026-11-23 02:45:00")))
        .unwrap();
    let (b, _) = store
        .insert_entry(&call("路灯不亮", at("2026-11-23 02:50:00")))
        .unwrap();

    // No amendment exists at all yet.
    let before = [store.entry(a).unwrap(), store.entry(b).unwrap()];
    for sql in [
        "UPDATE log_entry SET content = 'x'".to_string(),
        format!("UPDATE log_entry SET content = 'x' WHERE id = {a}"),
        format!("UPDATE log_entry SET triage = '急办' WHERE id = {b}"),
        "DELETE FROM log_entry".to_string(),
        format!("DELETE FROM log_entry WHERE id = {a}"),
        format!("UPDATE log_entry SET recorded_by = '冒名者' WHERE id = {a}"),
        format!("UPDATE log_entry SET recorded_at = '2000-01-01 00:00:00' WHERE id = {a}"),
        format!("UPDATE log_entry SET kind = '去电' WHERE id = {a}"),
    ] {
        assert_refused(&store, &sql);
    }
    assert_eq!([store.entry(a).unwrap(), store.entry(b).unwrap()], before);

    // With a proper amendment on `a` and an instruction, history rows exist to attack.
    store
        .amend(&AmendRequest {
            entry_id: a,
            changes: vec![(LogField::Content, "河堤渗水严重".into())],
            reason: "补充".into(),
            amended_by: "王五".into(),
            amended_at: at("2026-11-23 03:00:00"),
        })
        .unwrap();
    store
        .add_instruction(&InstructionRequest {
            entry_id: a,
            instruction: Instruction {
                id: None,
                via: Some(zhiban::core::instruction::Via::Phone),
                leader: "王五".into(),
                text: "立即处置".into(),
                given_at: at("2026-11-23 03:05:00"),
                recorded_by: "张三".into(),
                recorded_at: at("2026-11-23 03:06:00"),
            },
        })
        .unwrap();
    let before = [store.entry(a).unwrap(), store.entry(b).unwrap()];
    assert_eq!(before[0].amendments.len(), 1);
    assert_eq!(before[0].instructions.len(), 1);
    for sql in [
        // The newest amendment belongs to `a`, not to `b`.
        format!("UPDATE log_entry SET content = 'x' WHERE id = {b}"),
        "UPDATE log_entry SET content = 'x'".to_string(),
        // Who recorded it never changes, amendment or not.
        format!("UPDATE log_entry SET recorded_by = '冒名者' WHERE id = {a}"),
        "UPDATE log_entry SET recorded_by = '冒名者'".to_string(),
        format!("DELETE FROM log_entry WHERE id = {a}"),
        "DELETE FROM log_entry".to_string(),
        "UPDATE log_amendment SET new_value = 'x'".to_string(),
        "UPDATE log_amendment SET reason = 'x', amended_by = 'x'".to_string(),
        "DELETE FROM log_amendment".to_string(),
        "UPDATE instruction SET text = 'x'".to_string(),
        "UPDATE instruction SET leader = 'x'".to_string(),
        "UPDATE instruction SET via = '当面'".to_string(),
        "DELETE FROM instruction".to_string(),
    ] {
        assert_refused(&store, &sql);
    }
    assert_eq!([store.entry(a).unwrap(), store.entry(b).unwrap()], before);
}

#[test]
fn a_raw_update_after_an_earlier_amendment_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let (id, _) = store
        .insert_entry(&call("河堤渗水", at("2026-11-23 02:45:00")))
        .unwrap();
    store
        .amend(&AmendRequest {
            entry_id: id,
            changes: vec![(LogField::Unit, "城关镇人民政府".into())],
            reason: "补充".into(),
            amended_by: "王五".into(),
            amended_at: at("2026-11-23 03:00:00"),
        })
        .unwrap();
    let before = store.entry(id).unwrap();
    // A later statement, in its own transaction, with no amendment row carrying 'x'.
    let result = store.execute_raw_for_tests(&format!("UPDATE log_entry SET content = 'x' WHERE id = {id}"));
    let after = store.entry(id).unwrap();
    assert!(
        matches!(result, Err(StoreError::Refused(_))),
        "raw UPDATE accepted ({result:?}); content is now {:?}",
        after.fields.content
    );
    assert_eq!(after, before);
}

// ---------------------------------------------------------------------------------------------
// Keyset paging
// ---------------------------------------------------------------------------------------------

/// 1,000 entries inserted in scrambled time order: 400 at distinct minutes and 600 in groups of
/// three sharing a minute. Returns the store and every key, newest first.
fn thousand_entries(dir: &TempDir) -> (Store, Vec<EntryKey>, HashMap<EntryId, String>) {
    let mut store = open(&db_in(dir));
    let base = at("2026-01-01 00:00:00");
    let mut keys = Vec::new();
    let mut contents = HashMap::new();
    for i in 0..1000_i64 {
        // 389 is prime to 1000, so `p` visits 0..1000 once each, out of order.
        let p = (i * 389) % 1000;
        let minute = if p < 400 { p } else { 400 + (p - 400) / 3 };
        let t = base + Duration::minutes(minute);
        let content = format!("第{i}条");
        let (id, key) = store.insert_entry(&call(&content, t)).unwrap();
        assert_eq!(key, EntryKey { occurred_at: t, id });
        contents.insert(id, content);
        keys.push(key);
    }
    keys.sort_unstable_by(|a, b| b.cmp(a));
    (store, keys, contents)
}

#[test]
fn keyset_pages_walk_the_whole_log_in_both_directions() {
    const LIMIT: usize = 37;
    let dir = TempDir::new().unwrap();
    let (store, expected, contents) = thousand_entries(&dir);
    assert_eq!(expected.len(), 1000);
    // The data really has ties and distinct times, and insertion order is not time order.
    let distinct_times: HashSet<NaiveDateTime> = expected.iter().map(|k| k.occurred_at).collect();
    assert_eq!(distinct_times.len(), 600);
    let mut by_id = expected.clone();
    by_id.sort_by_key(|k| std::cmp::Reverse(k.id));
    assert_ne!(
        by_id, expected,
        "ids happen to be in time order; the test would prove nothing"
    );

    // Down: newest page, then strictly older pages.
    let mut walked = Vec::new();
    let mut sizes = Vec::new();
    let mut anchor = Anchor::Newest;
    loop {
        let rows = page(&store, anchor, LIMIT);
        if rows.is_empty() {
            break;
        }
        assert!(sizes.len() < 100, "paging does not end");
        for r in &rows {
            assert_eq!(
                contents.get(&r.id),
                Some(&r.content),
                "row {} has the wrong content",
                r.id
            );
        }
        sizes.push(rows.len());
        walked.extend(keys(&rows));
        anchor = Anchor::Before(rows.last().unwrap().key());
    }
    assert_eq!(
        walked, expected,
        "walking down did not give (occurred_at desc, id desc)"
    );
    let full = 1000 / LIMIT;
    assert_eq!(sizes[..full], vec![LIMIT; full][..]);
    assert_eq!(sizes[full..], [1000 % LIMIT]);

    // Up: oldest page, then strictly newer pages; each page still comes newest first.
    let mut ascending: Vec<EntryKey> = Vec::new();
    let mut anchor = Anchor::Oldest;
    let mut pages = 0;
    loop {
        let rows = page(&store, anchor, LIMIT);
        if rows.is_empty() {
            break;
        }
        pages += 1;
        assert!(pages < 100, "paging does not end");
        let k = keys(&rows);
        assert!(k.windows(2).all(|w| w[0] > w[1]), "a page is not newest first: {k:?}");
        ascending.extend(k.iter().rev());
        anchor = Anchor::After(rows[0].key());
    }
    let mut expected_ascending = expected.clone();
    expected_ascending.reverse();
    assert_eq!(
        ascending, expected_ascending,
        "walking up did not visit every entry once in order"
    );
    assert_eq!(
        keys(&page(&store, Anchor::Oldest, LIMIT)),
        expected[1000 - LIMIT..].to_vec(),
        "Oldest is not the oldest page"
    );
}

#[test]
fn keyset_anchors_start_exactly_at_their_key_even_among_equal_times() {
    const LIMIT: usize = 37;
    let dir = TempDir::new().unwrap();
    let (store, expected, _) = thousand_entries(&dir);
    let n = expected.len();
    // A key in the middle of a group of three equal times.
    let tie = (1..n - 1)
        .find(|&i| {
            expected[i - 1].occurred_at == expected[i].occurred_at
                && expected[i].occurred_at == expected[i + 1].occurred_at
        })
        .expect("a group of equal times");

    for pos in [0, 1, tie - 1, tie, tie + 1, 500, n - 2, n - 1] {
        let key = expected[pos];
        let rows = keys(&page(&store, Anchor::AtOrBefore(key), LIMIT));
        assert_eq!(
            rows,
            expected[pos..(pos + LIMIT).min(n)].to_vec(),
            "AtOrBefore at {pos}"
        );
        assert_eq!(rows[0], key);

        let rows = keys(&page(&store, Anchor::Before(key), LIMIT));
        assert_eq!(
            rows,
            expected[(pos + 1).min(n)..(pos + 1 + LIMIT).min(n)].to_vec(),
            "Before at {pos}"
        );

        let rows = keys(&page(&store, Anchor::After(key), LIMIT));
        assert_eq!(
            rows,
            expected[pos.saturating_sub(LIMIT)..pos].to_vec(),
            "After at {pos}"
        );
    }
    // A page larger than the log holds all of it.
    assert_eq!(keys(&page(&store, Anchor::Newest, 5000)), expected);
}

// ---------------------------------------------------------------------------------------------
// Two terminals on one file; the command line's query
// ---------------------------------------------------------------------------------------------

#[test]
fn two_handles_on_one_file_both_keep_every_write() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut first = open(&path);
    let mut second = open(&path);
    let t = at("2026-11-23 08:00:00");
    let mut ids = HashSet::new();
    let mut written = HashSet::new();
    for i in 0..200_i64 {
        let when = t + Duration::seconds(i);
        let a = format!("甲终端第{i}条");
        let (id, _) = first.insert_entry(&call(&a, when)).unwrap();
        // Each handle sees the other's committed write at once.
        assert_eq!(second.entry(id).unwrap().fields.content, a);
        assert!(ids.insert(id), "id {id} handed out twice");
        written.insert(a);

        let b = format!("乙终端第{i}条");
        let (id, _) = second.insert_entry(&call(&b, when)).unwrap();
        assert_eq!(first.entry(id).unwrap().fields.content, b);
        assert!(ids.insert(id), "id {id} handed out twice");
        written.insert(b);
    }
    assert_eq!(ids.len(), 400);
    for store in [&first, &second] {
        let rows = store.entries_since(None, 10_000).unwrap();
        assert_eq!(rows.len(), 400);
        let seen: HashSet<String> = rows.into_iter().map(|(_, e)| e.content).collect();
        assert_eq!(seen, written);
    }
    drop((first, second));
    let rows = open(&path).entries_since(None, 10_000).unwrap();
    let seen: HashSet<EntryId> = rows.iter().map(|(id, _)| *id).collect();
    assert_eq!(seen, ids);
}

#[test]
fn entries_since_filters_by_time_respects_the_limit_and_lists_newest_first() {
    let dir = TempDir::new().unwrap();
    let mut store = open(&db_in(&dir));
    let mut id = HashMap::new();
    for (name, t) in [
        ("十点", "2026-11-23 10:00:00"),
        ("八点", "2026-11-23 08:00:00"),
        ("九点甲", "2026-11-23 09:00:00"),
        ("十一点", "2026-11-23 11:00:00"),
        ("九点乙", "2026-11-23 09:00:00"),
    ] {
        id.insert(name, store.insert_entry(&call(name, at(t))).unwrap().0);
    }
    let names = |rows: Vec<(EntryId, NewEntry)>| -> Vec<String> {
        rows.into_iter()
            .map(|(i, e)| {
                assert_eq!(id[e.content.as_str()], i);
                e.content
            })
            .collect()
    };

    assert_eq!(
        names(store.entries_since(Some(at("2026-11-23 09:00:00")), 100).unwrap()),
        ["十一点", "十点", "九点乙", "九点甲"],
        "the bound is inclusive and equal times are newest id first"
    );
    assert_eq!(
        names(store.entries_since(Some(at("2026-11-23 09:00:01")), 100).unwrap()),
        ["十一点", "十点"]
    );
    assert_eq!(
        names(store.entries_since(Some(at("2026-11-23 09:00:00")), 3).unwrap()),
        ["十一点", "十点", "九点乙"]
    );
    assert_eq!(
        names(store.entries_since(None, 100).unwrap()),
        ["十一点", "十点", "九点乙", "九点甲", "八点"]
    );
    assert_eq!(names(store.entries_since(None, 1).unwrap()), ["十一点"]);
    assert!(
        store
            .entries_since(Some(at("2026-11-23 11:00:01")), 100)
            .unwrap()
            .is_empty()
    );
    assert!(store.entries_since(None, 0).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Bulk import
// ---------------------------------------------------------------------------------------------

fn entry_count(path: &Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM log_entry", [], |r| r.get(0))
        .unwrap()
}

fn audit_rows(path: &Path) -> Vec<(String, i64, String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT tbl, row_id, action, who FROM audit_log ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_import_commits_in_batches_with_one_audit_row_per_record_and_verifies() {
    use zhiban::core::visit::{VisitDraft, build_visit};
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    store.begin_import().unwrap();
    let t = at("2020-03-01 09:00:00");
    let (id, _) = store.insert_entry(&call("旧系统的记录", t)).unwrap();
    store
        .add_instruction(&InstructionRequest {
            entry_id: id,
            instruction: Instruction {
                id: None,
                via: Some(zhiban::core::instruction::Via::Phone),
                leader: "王五".into(),
                text: "妥善处理".into(),
                given_at: t,
                recorded_by: "李四".into(),
                recorded_at: t,
            },
        })
        .unwrap();
    let draft = VisitDraft {
        name: "赵六".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        purpose: "咨询".into(),
        host: "办公室".into(),
        entered_at: "2020-03-01 10:00".into(),
        ..VisitDraft::default()
    };
    let registered = at("2020-03-01 10:05:00");
    let visit = build_visit(&draft, "张三", registered, registered.date()).unwrap();
    let vid = store.add_visit(&visit).unwrap();
    store.checkout(vid, "王五", at("2020-03-01 11:00:00")).unwrap();
    assert_eq!(store.import_batch_rows(), 4, "three rows, the visit changed twice");
    assert_eq!(
        entry_count(&path),
        0,
        "nothing committed yet: another handle sees nothing"
    );
    store.commit_import_batch().unwrap();
    assert_eq!(store.import_batch_rows(), 0);
    assert_eq!(entry_count(&path), 1);
    for i in 0..3 {
        store.insert_entry(&call(&format!("第{i}条"), t)).unwrap();
    }
    store.finish_import().unwrap();
    assert_eq!(entry_count(&path), 4);
    assert_eq!(
        audit_rows(&path),
        [
            ("log_entry".to_string(), 1, "新增".to_string(), "李四".to_string()),
            ("instruction".into(), 1, "新增".into(), "李四".into()),
            ("visit".into(), vid, "新增".into(), "王五".into()),
            ("log_entry".into(), 2, "新增".into(), "李四".into()),
            ("log_entry".into(), 3, "新增".into(), "李四".into()),
            ("log_entry".into(), 4, "新增".into(), "李四".into()),
        ],
        "a visit and its departure in one batch are one 新增 of its final state"
    );
    let report = store.verify(true).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert!(
        store.search_index_missing().unwrap(),
        "the import leaves indexing to the rebuild"
    );
    // Back to one committed transaction per write; the save after the import indexes its own
    // record and does not hide that the imported ones still wait for the rebuild.
    store.insert_entry(&call("导入之后", t)).unwrap();
    assert_eq!(entry_count(&path), 5);
    drop(store);
    let mut store = open(&path);
    assert!(store.search_index_missing().unwrap(), "opening never builds the index");
    assert_eq!(store.backfill_search().unwrap(), 5, "four entries and the visit");
    assert!(!store.search_index_missing().unwrap());
    assert!(store.verify(true).unwrap().is_ok());
}

#[test]
fn a_failed_write_in_an_import_rolls_back_the_open_batch_and_the_import_goes_on() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    store.begin_import().unwrap();
    let t = at("2020-03-01 09:00:00");
    store.insert_entry(&call("已提交", t)).unwrap();
    store.commit_import_batch().unwrap();
    store.insert_entry(&call("未提交甲", t)).unwrap();
    store.insert_entry(&call("未提交乙", t)).unwrap();
    let err = store
        .add_instruction(&InstructionRequest {
            entry_id: 99,
            instruction: Instruction {
                id: None,
                via: Some(zhiban::core::instruction::Via::Phone),
                leader: "王五".into(),
                text: "没有这条记录".into(),
                given_at: t,
                recorded_by: "李四".into(),
                recorded_at: t,
            },
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(99)), "{err:?}");
    assert_eq!(store.import_batch_rows(), 0, "the open batch is gone");
    let (id, _) = store.insert_entry(&call("重新导入", t)).unwrap();
    assert_eq!(id, 2, "the rolled-back rows left no trace");
    store.finish_import().unwrap();
    let contents: Vec<String> = page(&store, Anchor::Newest, 10)
        .iter()
        .map(|e| e.content.clone())
        .collect();
    assert_eq!(contents, ["重新导入", "已提交"]);
    assert!(store.verify(true).unwrap().is_ok());
}

#[test]
fn an_import_that_stops_keeps_its_committed_batches() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    store.begin_import().unwrap();
    let t = at("2020-03-01 09:00:00");
    store.insert_entry(&call("第一批", t)).unwrap();
    store.commit_import_batch().unwrap();
    store.insert_entry(&call("第二批", t)).unwrap();
    drop(store);
    let store = open(&path);
    assert_eq!(entry_count(&path), 1);
    let report = store.verify(true).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.audit_rows, 1);
}
