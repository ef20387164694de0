//! Backups and restore: an online copy private to its owner, checked; retention; the daily
//! automatic backup; a restore that refuses a bad file and keeps what it replaces.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use tempfile::TempDir;
use zhiban::core::log::{LogField, NewEntry, RawValues, build_entry};
use zhiban::core::settings::BackupSettings;
use zhiban::runtime::backup::AutoBackup;
use zhiban::store::{Store, backup};

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

fn zhiban(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhiban"))
        .args(args)
        .arg("--db")
        .arg(dir.join("zhiban.db"))
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("ZHIBAN_DB")
        .output()
        .unwrap()
}

fn contents(db: &Path) -> Vec<String> {
    let s = Store::open(db).unwrap();
    s.entries_since(None, 1000)
        .unwrap()
        .into_iter()
        .map(|(_, e)| e.content)
        .collect()
}

fn digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_backup_is_a_checked_private_copy_and_restore_brings_it_back_keeping_what_it_replaced() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    let mut s = Store::open(&db).unwrap();
    s.insert_entry(&call("备份前的记录")).unwrap();
    // A backup while this store is open and has written (the online API copies a consistent state).
    let out = zhiban(dir.path(), &["backup", dir.path().join("bk").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copy = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert!(copy.starts_with(dir.path().join("bk")));
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(String::from_utf8_lossy(&out.stderr).contains("已通过完整性检查"));
    backup::check_file(&copy).unwrap();
    assert_eq!(contents(&copy), vec!["备份前的记录"]);

    // Later work, then a restore: it needs --yes, and keeps the current database first.
    s.insert_entry(&call("备份后的记录")).unwrap();
    drop(s);
    let before = digest(&db);
    let out = zhiban(dir.path(), &["restore", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("加 --yes"));
    assert_eq!(digest(&db), before, "nothing changes without --yes");
    let out = zhiban(dir.path(), &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(contents(&db), vec!["备份前的记录"]);
    let kept = String::from_utf8(out.stdout).unwrap();
    let kept = PathBuf::from(kept.split("原数据库另存为 ").nth(1).unwrap().trim());
    let mut kept_rows = contents(&kept);
    kept_rows.sort();
    assert_eq!(kept_rows, vec!["备份前的记录", "备份后的记录"]);
}

#[test]
fn a_corrupt_or_foreign_file_is_refused_for_restore_and_the_database_is_untouched() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("原有记录")).unwrap();
    let before = digest(&db);
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x5a_u8; 8192]).unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
        .unwrap();
    for bad in [&junk, &other, &dir.path().join("missing.db")] {
        let out = zhiban(dir.path(), &["restore", bad.to_str().unwrap(), "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{}", bad.display());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("不能用于恢复"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(digest(&db), before);
    }
}

#[test]
fn old_backups_are_pruned_but_the_newest_always_stays() {
    let dir = TempDir::new().unwrap();
    for stamp in ["20261001-020000", "20261101-020000", "20261120-020000"] {
        std::fs::write(dir.path().join(format!("zhiban-{stamp}.db")), b"x").unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), b"not a backup").unwrap();
    assert!(!backup::due(dir.path(), at("2026-11-21 01:59")));
    assert!(backup::due(dir.path(), at("2026-11-21 02:00")));
    assert_eq!(backup::prune(dir.path(), 30, at("2026-11-23 09:00")), 1);
    let left: Vec<String> = backup::list(dir.path())
        .into_iter()
        .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["zhiban-20261101-020000.db", "zhiban-20261120-020000.db"]);
    assert!(dir.path().join("notes.txt").exists());
    // Long after, only the newest stays.
    assert_eq!(backup::prune(dir.path(), 1, at("2027-06-01 00:00")), 1);
    assert_eq!(backup::list(dir.path()).len(), 1);
}

#[test]
fn the_daily_backup_runs_on_a_worker_and_says_where_it_went() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("自动备份")).unwrap();
    let settings = BackupSettings {
        dir: Some(dir.path().join("daily")),
        keep_days: 30,
        daily: true,
    };
    let mut auto = AutoBackup::new(&settings, db);
    let now = at("2026-11-23 09:00");
    assert_eq!(auto.poll(now), None, "started, not finished");
    let deadline = Instant::now() + Duration::from_secs(30);
    let said = loop {
        if let Some(s) = auto.poll(now) {
            break s;
        }
        assert!(Instant::now() < deadline, "the backup never finished");
        std::thread::sleep(Duration::from_millis(20));
    };
    let (path, pruned) = said.expect("the backup succeeded");
    assert_eq!(pruned, 0, "nothing old to remove");
    let files = backup::list(&dir.path().join("daily"));
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::path::Path::new(&path),
        files[0].1.as_path(),
        "the reported file is the one written"
    );
    assert_eq!(contents(&files[0].1), vec!["自动备份"]);
    // Not due again the same day.
    assert_eq!(auto.poll(now), None);
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_restored_database_is_private_whether_it_was_missing_or_readable_by_others() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("要恢复的记录")).unwrap();
    let copy = backup::backup_file(&db, &dir.path().join("bk"), at("2026-11-23 10:00")).unwrap();

    // Restored where no database is: created 0600 (it was 0644 from SQLite's own open).
    std::fs::remove_file(&db).unwrap();
    for side in zhiban::files::side_files(&db) {
        let _ = std::fs::remove_file(side);
    }
    let out = zhiban(dir.path(), &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(&db), 0o600);
    assert_eq!(contents(&db), vec!["要恢复的记录"]);

    // Restored over a database others could read: private afterwards.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = zhiban(dir.path(), &["restore", copy.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(&db), 0o600);
    for side in zhiban::files::side_files(&db) {
        if side.exists() {
            assert_eq!(mode(&side), 0o600, "{}", side.display());
        }
    }
}

#[test]
fn a_restore_from_a_device_a_pipe_or_a_directory_is_refused_at_once_with_what_it_is() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("原有记录")).unwrap();
    let before = digest(&db);
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (bad, says) in [
        (Path::new("/dev/zero"), "是一个设备"),
        (fifo.as_path(), "是一个管道"),
        (dir.path(), "是一个目录"),
    ] {
        // A FIFO with no writer used to block the check forever: a generous deadline, then fail.
        let out = zhiban_within(dir.path(), &["restore", bad.to_str().unwrap(), "--yes"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", bad.display());
        assert!(
            err.contains("不能用于恢复") && err.contains(says) && err.contains("普通文件"),
            "{}: {err}",
            bad.display()
        );
        assert_eq!(digest(&db), before);
    }
}

/// [`zhiban`], failing (and killing it) if it has not finished within a minute.
fn zhiban_within(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhiban"))
        .args(args)
        .arg("--db")
        .arg(dir.join("zhiban.db"))
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("ZHIBAN_DB")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("zhiban {args:?} still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}
