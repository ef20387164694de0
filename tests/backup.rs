//! Backups and restore: an online copy, compressed, private to its owner, checked against its
//! SHA-256 after writing; the rotation; the daily automatic backup and its weekly test restore; a
//! restore that refuses a bad file (compressed or plain, damaged by one byte) and keeps what it
//! replaces; old plain backups still restored.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use tempfile::TempDir;
use zhiban::core::backup::Retention;
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

/// The rows of a backup, compressed or not: decompressed (and checked) into `into`, then read.
fn backup_contents(copy: &Path, into: &Path) -> Vec<String> {
    std::fs::create_dir_all(into).unwrap();
    let prepared = backup::prepare(copy, into, at("2026-11-23 12:00")).unwrap();
    let plain = into.join(format!("plain-{}.db", copy.file_name().unwrap().to_string_lossy()));
    std::fs::copy(prepared.path(), &plain).unwrap();
    contents(&plain)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
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
    let copy = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(copy.starts_with(dir.path().join("bk")));
    assert!(copy.to_string_lossy().ends_with(".db.zst"), "{}", copy.display());
    assert!(backup::is_compressed(&copy));
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(stderr(&out).contains("已通过完整性检查"), "{}", stderr(&out));
    assert!(stderr(&out).contains("SHA-256 相符"), "{}", stderr(&out));
    // Nothing but the backup is left in the directory or beside the database.
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&dir.path().join("bk")),
        [copy.file_name().unwrap().to_string_lossy()]
    );
    assert!(
        names(dir.path()).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names(dir.path())
    );
    // The trailer: the decompressed stream's SHA-256 and length, and what the copy held.
    let m = backup::verify_file(&copy).unwrap();
    assert_eq!(m.sha256.len(), 64);
    assert!(m.bytes > std::fs::metadata(&copy).unwrap().len(), "compressed");
    assert_eq!(m.summary.rows.get("log_entry"), Some(&1));
    assert!(m.summary.audit_head.is_some());
    assert_eq!(backup_contents(&copy, &dir.path().join("look")), vec!["备份前的记录"]);

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
    let mut kept_rows = backup_contents(&kept, &dir.path().join("look"));
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
fn the_rotation_prunes_old_and_new_formats_alike_and_the_newest_always_stays() {
    let dir = TempDir::new().unwrap();
    // An old plain backup, and compressed ones (the rotation goes by the name's time only).
    for name in [
        "zhiban-20261001-020000.db",
        "zhiban-20261101-020000.db.zst",
        "zhiban-20261120-020000.db.zst",
    ] {
        std::fs::write(dir.path().join(name), b"x").unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), b"not a backup").unwrap();
    std::fs::write(dir.path().join(".zhiban-20261122-020000.part"), b"half").unwrap();
    assert_eq!(backup::list(dir.path()).len(), 3, "a part file is never a backup");
    assert!(!backup::due(dir.path(), at("2026-11-21 01:59")));
    assert!(backup::due(dir.path(), at("2026-11-21 02:00")));
    let two_days = Retention {
        daily: 2,
        weekly: 0,
        monthly: 0,
    };
    assert_eq!(backup::prune(dir.path(), two_days, at("2026-11-23 09:00")), 1);
    let left: Vec<String> = backup::list(dir.path())
        .into_iter()
        .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["zhiban-20261101-020000.db.zst", "zhiban-20261120-020000.db.zst"]
    );
    assert!(dir.path().join("notes.txt").exists());
    // Only the newest stays under the smallest rotation.
    let one = Retention {
        daily: 1,
        weekly: 0,
        monthly: 0,
    };
    assert_eq!(backup::prune(dir.path(), one, at("2027-06-01 00:00")), 1);
    assert_eq!(backup::list(dir.path()).len(), 1);

    // Ninety days of daily files under the default rotation: a bounded number stay.
    let many = TempDir::new().unwrap();
    let first = at("2026-09-01 02:00");
    for d in 0..90 {
        let t = first + chrono::TimeDelta::days(d);
        std::fs::write(many.path().join(backup::file_name(t)), b"x").unwrap();
    }
    let gone = backup::prune(many.path(), Retention::default(), at("2026-11-30 09:00"));
    let left = backup::list(many.path()).len();
    assert_eq!(gone + left, 90);
    assert!((7 + 3..=23).contains(&left), "{left}");
}

#[test]
fn the_daily_backup_runs_on_a_worker_and_says_where_it_went() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("自动备份")).unwrap();
    let settings = BackupSettings {
        dir: Some(dir.path().join("daily")),
        keep: Retention::default(),
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
    let outcome = said.expect("the backup succeeded");
    assert_eq!(outcome.pruned, 0, "nothing old to remove");
    let files = backup::list(&dir.path().join("daily"));
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::path::Path::new(&outcome.file),
        files[0].1.as_path(),
        "the reported file is the one written"
    );
    assert_eq!(backup_contents(&files[0].1, &dir.path().join("look")), vec!["自动备份"]);
    // The first backup is also the first test restore: passed, and recorded.
    let test = outcome.test.as_ref().expect("a first test restore");
    assert_eq!(test.failed, None);
    let record = std::fs::read_to_string(dir.path().join("daily").join(backup::TEST_RECORD)).unwrap();
    assert!(
        record.starts_with("2026-11-23 09:00:00 通过 zhiban-20261123-090000.db.zst："),
        "{record}"
    );
    assert_eq!(mode(&dir.path().join("daily").join(backup::TEST_RECORD)), 0o600);
    let (said, warning) = zhiban::core::backup::said(&Ok(outcome));
    assert!(said.unwrap().contains("每周试恢复通过"));
    assert_eq!(warning, None);
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
    let copy = backup::backup_file(&db, &dir.path().join("bk"), at("2026-11-23 10:00"))
        .unwrap()
        .path;

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

/// A database with one entry and its compressed backup, taken at `when`.
fn db_and_backup(dir: &Path, when: &str) -> (PathBuf, PathBuf) {
    let db = dir.join("zhiban.db");
    if !db.exists() {
        Store::open(&db).unwrap().insert_entry(&call("原有记录")).unwrap();
    }
    let copy = backup::backup_file(&db, &dir.join("bk"), at(when)).unwrap().path;
    (db, copy)
}

/// Flips the bits of the byte at `at` (from the end when negative).
fn flip(path: &Path, at: i64) {
    let mut bytes = std::fs::read(path).unwrap();
    let i = if at < 0 {
        bytes.len() - usize::try_from(-at).unwrap()
    } else {
        usize::try_from(at).unwrap()
    };
    bytes[i] ^= 0xFF;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_backup_damaged_by_one_byte_is_refused_by_the_check_and_by_restore_and_the_database_is_untouched() {
    let dir = TempDir::new().unwrap();
    let (db, copy) = db_and_backup(dir.path(), "2026-11-23 10:00");
    let before = digest(&db);
    let m = backup::verify_file(&copy).unwrap();
    let len = std::fs::metadata(&copy).unwrap().len();

    // 1. A byte of the compressed data: the stream's own checks refuse it.
    let data = dir.path().join("data.db.zst");
    std::fs::copy(&copy, &data).unwrap();
    flip(&data, i64::try_from(len / 3).unwrap());
    // 2. The stream intact but the recorded SHA-256 changed (one hex digit, the JSON still valid):
    //    only the hash of the decompressed stream can tell.
    let hash = dir.path().join("hash.db.zst");
    let mut bytes = std::fs::read(&copy).unwrap();
    let pos = bytes.windows(64).rposition(|w| w == m.sha256.as_bytes()).unwrap();
    bytes[pos] = if bytes[pos] == b'0' { b'1' } else { b'0' };
    std::fs::write(&hash, &bytes).unwrap();
    // 3. Cut short (a copy interrupted on the way to another disk): no trailer at the end.
    let short = dir.path().join("short.db.zst");
    std::fs::write(
        &short,
        &std::fs::read(&copy).unwrap()[..usize::try_from(len / 2).unwrap()],
    )
    .unwrap();

    for (bad, says) in [
        (&data, "已损坏"),
        (&hash, "SHA-256 校验和不符"),
        (&short, "没有写完或被截断"),
    ] {
        let e = backup::verify_file(bad).unwrap_err().to_string();
        assert!(e.contains(says) && e.contains("请换一份备份"), "{}: {e}", bad.display());
        let out = zhiban(dir.path(), &["restore", bad.to_str().unwrap(), "--yes"]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", bad.display(), stderr(&out));
        assert!(
            stderr(&out).contains("不能用于恢复") && stderr(&out).contains(says),
            "{}: {}",
            bad.display(),
            stderr(&out)
        );
        assert_eq!(digest(&db), before, "{}", bad.display());
    }
    // No decompressed leftovers beside the database.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".zhiban-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_link_planted_at_the_backup_or_its_part_file_or_the_record_is_refused_and_its_target_untouched() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db).unwrap().insert_entry(&call("原有记录")).unwrap();
    let bk = dir.path().join("bk");
    std::fs::create_dir(&bk).unwrap();
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "原文").unwrap();
    let when = at("2026-11-23 10:00");
    for planted in [
        bk.join(backup::file_name(when)),
        bk.join(".zhiban-20261123-100000.part"),
    ] {
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        let e = backup::backup_file(&db, &bk, when).unwrap_err().to_string();
        assert!(e.contains("已存在，没有覆盖"), "{}: {e}", planted.display());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "原文");
        assert!(std::fs::symlink_metadata(&planted).unwrap().file_type().is_symlink());
        std::fs::remove_file(&planted).unwrap();
    }
    assert!(backup::list(&bk).is_empty(), "no backup was made");
    // The test-restore record is appended to, never through a link.
    std::os::unix::fs::symlink(&target, bk.join(backup::TEST_RECORD)).unwrap();
    let e = backup::record_test(&bk, when, Path::new("x"), &Ok("ok".into())).unwrap_err();
    assert!(e.to_string().contains("没有覆盖"), "{e}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "原文");
}

#[test]
fn an_old_plain_backup_is_still_listed_checked_and_restored() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("zhiban.db");
    Store::open(&db)
        .unwrap()
        .insert_entry(&call("旧格式备份里的记录"))
        .unwrap();
    // A backup as the versions before compression wrote it: the online copy, plain.
    let bk = dir.path().join("bk");
    std::fs::create_dir(&bk).unwrap();
    let old = bk.join("zhiban-20261001-020000.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .backup(rusqlite::MAIN_DB, &old, None)
        .unwrap();
    Store::open(&db).unwrap().insert_entry(&call("之后的记录")).unwrap();
    assert_eq!(backup::list(&bk).len(), 1);
    assert!(!backup::is_compressed(&old));
    let out = zhiban(dir.path(), &["restore", old.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(contents(&db), vec!["旧格式备份里的记录"]);
    // Its weekly test restore passes as an old-format backup.
    let said = backup::test_restore(&old, dir.path(), at("2026-11-23 10:00")).unwrap();
    assert!(said.contains("旧格式"), "{said}");
}

#[test]
fn a_failed_test_restore_is_recorded_and_stays_on_the_status_line_until_one_passes() {
    let dir = TempDir::new().unwrap();
    let (db, older) = db_and_backup(dir.path(), "2026-11-16 10:00");
    let bk = dir.path().join("bk");
    // Last week's backup went bad on the disk.
    flip(&older, 200);
    let keep = Retention::default();
    let outcome = zhiban::runtime::backup::run(&db, &bk, keep, at("2026-11-23 10:00")).unwrap();
    let test = outcome.test.clone().expect("due: none passed yet");
    assert_eq!(
        test.file,
        older.display().to_string(),
        "the newest before today's, from the disk"
    );
    assert!(test.failed.as_deref().unwrap().contains("已损坏"), "{test:?}");
    let record = std::fs::read_to_string(bk.join(backup::TEST_RECORD)).unwrap();
    assert!(
        record.contains(" 未通过 zhiban-20261116-100000.db.zst：备份文件"),
        "{record}"
    );
    let (said, warning) = zhiban::core::backup::said(&Ok(outcome.clone()));
    assert!(said.unwrap().starts_with("已自动备份："));
    let warning = warning.expect("a warning that stays");
    assert!(warning.starts_with("备份试恢复未通过："), "{warning}");

    // The app keeps it on the status line until a backup whose test restore passes.
    let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .unwrap()
        .settings;
    let mut app = zhiban::core::app::App::new(settings, None, at("2026-11-23 10:00"));
    let _ = app.update(zhiban::core::app::Msg::Backup(Ok(outcome)), at("2026-11-23 10:00"));
    assert_eq!(app.backup_warning.as_deref(), Some(warning.as_str()));
    // On the screen at 80x24, whole (wrapped below the status line if it does not fit on it).
    let drawn = status_text(&app);
    assert!(drawn.contains("备份试恢复未通过"), "{drawn}");
    assert!(drawn.contains("请检查备份磁盘"), "{drawn}");
    // A minute later, another message does not push it off.
    let _ = app.update(
        zhiban::core::app::Msg::NotifyFailed("桌面通知失败".into()),
        at("2026-11-23 10:01"),
    );
    assert!(status_text(&app).contains("备份试恢复未通过"));
    // The next day: the test restore is still due (none passed), and the 11-23 backup is sound.
    let next = zhiban::runtime::backup::run(&db, &bk, keep, at("2026-11-24 10:00"));
    let test = next.as_ref().unwrap().test.clone().expect("still due");
    assert!(test.file.ends_with("zhiban-20261123-100000.db.zst"), "{test:?}");
    assert_eq!(test.failed, None, "{test:?}");
    let _ = app.update(zhiban::core::app::Msg::Backup(next), at("2026-11-24 10:00"));
    assert_eq!(app.backup_warning, None);
    assert!(app.message.as_ref().unwrap().text.contains("每周试恢复通过"));
    // Passed a day ago: not due again for a week.
    let last = backup::last_test_passed(&bk);
    assert_eq!(last, Some(at("2026-11-24 10:00")));
    assert!(!zhiban::core::backup::test_restore_due(last, at("2026-11-30 10:00")));
    assert!(zhiban::core::backup::test_restore_due(last, at("2026-12-01 10:00")));
}

/// The app drawn at 80x24, as one text with the spaces dropped (a wrapped sentence reads whole).
fn status_text(app: &zhiban::core::app::App) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| zhiban::ui::render(app, f)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym.trim());
            x += u16::try_from(sym.width().max(1)).unwrap();
        }
    }
    out
}
