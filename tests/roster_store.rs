//! The roster in the store, on a real SQLite file in a temporary directory: a CSV import read back,
//! a re-import replacing its month (and only it), imports the store refuses, swaps kept as records
//! the database itself will not let anyone change or delete, and the roster migration applied to
//! a database written by the previous version.
//!
//! Every time is fixed; nothing here reads the wall clock.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::roster::{
    Calendar, Post, Shift, ShiftSource, Swap, effective_shifts, now_and_next, parse_csv, source_window, validate_swap,
};
use zhiban::core::settings::Person;
use zhiban::store::{SCHEMA_VERSION, Store, StoreError};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

fn db_in(dir: &TempDir) -> PathBuf {
    dir.path().join("zhiban.db")
}

fn open(path: &Path) -> Store {
    match Store::open(path) {
        Ok(store) => store,
        Err(e) => panic!("Store::open({}) failed: {e}", path.display()),
    }
}

/// The people of the shipped configuration: 张三, 李四 (值班员), 王五 (带班领导), 赵六 (办公室主任).
fn people() -> Vec<Person> {
    parse(DEFAULT_TOML, None)
        .expect("the default config parses")
        .settings
        .people
}

/// A month of 24-hour shifts changing at 08:30, as a CSV file, with primaries from `primaries`
/// in turn.
fn month_csv(year: i32, month: u32, days: u32, primaries: &[&str]) -> String {
    let mut text = String::from("开始,结束,带班领导,主班,副班\n");
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).unwrap();
    for (i, d) in first.iter_days().take(days as usize).enumerate() {
        let start = d.and_hms_opt(8, 30, 0).unwrap();
        let end = start + Duration::days(1);
        let primary = primaries[i % primaries.len()];
        let deputy = if primary == "张三" { "李四" } else { "张三" };
        text.push_str(&format!(
            "{},{},王五,{primary},{deputy}\n",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        ));
    }
    text
}

fn parsed(text: &str) -> Vec<Shift> {
    match parse_csv(text, &people()) {
        Ok(shifts) => shifts,
        Err(errors) => panic!("the test roster does not parse: {errors:?}"),
    }
}

fn swap(shift_start: &str, post: Post, from: &str, to: &str, recorded_at: &str) -> Swap {
    Swap {
        shift_start: at(shift_start),
        post,
        from: from.into(),
        to: to.into(),
        reason: "出差".into(),
        approved_by: "赵六".into(),
        recorded_by: "张三".into(),
        recorded_at: at(recorded_at),
    }
}

/// `s` moved `days` later.
fn shift_later(s: &Shift, days: i64) -> Shift {
    Shift {
        start: s.start + Duration::days(days),
        end: s.end + Duration::days(days),
        ..s.clone()
    }
}

fn count(path: &Path, table: &str) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_imported_roster_is_read_back_by_window() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let shifts = parsed(&month_csv(2026, 11, 30, &["张三", "李四"]));
    assert_eq!(shifts.len(), 30);
    let n = store
        .import_roster(&shifts, "张三", "十一月排班.csv", at("2026-10-28 16:00"))
        .unwrap();
    assert_eq!(n, 30);
    drop(store);

    // After reopening the file: the whole month, every field equal.
    let store = open(&path);
    let all = store
        .imported_shifts(at("2026-11-01 00:00"), at("2026-12-02 00:00"))
        .unwrap();
    // The shift of 10-31 does not exist; 11-01 08:30 is the first.
    assert_eq!(all, shifts);
    assert!(
        all.iter()
            .all(|s| s.source == ShiftSource::Imported && s.swaps.is_empty())
    );

    // A window inside one shift finds it; one reaching back finds the shift that started before.
    let w = store
        .imported_shifts(at("2026-11-10 12:00"), at("2026-11-10 13:00"))
        .unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].start, at("2026-11-10 08:30"));
    let w = store
        .imported_shifts(at("2026-11-11 03:00"), at("2026-11-11 09:00"))
        .unwrap();
    let starts: Vec<NaiveDateTime> = w.iter().map(|s| s.start).collect();
    assert_eq!(starts, [at("2026-11-10 08:30"), at("2026-11-11 08:30")]);
    // End is exclusive: a window starting at a shift's end does not find it.
    let w = store
        .imported_shifts(at("2026-12-01 08:30"), at("2026-12-05 00:00"))
        .unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert!(
        store
            .imported_shifts(at("2026-10-01 00:00"), at("2026-11-01 08:30"))
            .unwrap()
            .is_empty()
    );

    // Who imported what is kept on every row and in the import log.
    let conn = Connection::open(&path).unwrap();
    let (by, file, when): (String, String, String) = conn
        .query_row(
            "SELECT imported_by, source_file, imported_at FROM roster_shift ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (by.as_str(), file.as_str(), when.as_str()),
        ("张三", "十一月排班.csv", "2026-10-28 16:00:00")
    );
}

#[test]
fn re_importing_a_month_replaces_that_month_only() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let oct = parsed(&month_csv(2026, 10, 31, &["张三"]));
    let nov = parsed(&month_csv(2026, 11, 30, &["张三", "李四"]));
    let dec = parsed(&month_csv(2026, 12, 31, &["李四"]));
    store
        .import_roster(&oct, "张三", "十月.csv", at("2026-09-28 10:00"))
        .unwrap();
    store
        .import_roster(&nov, "张三", "十一月.csv", at("2026-10-28 10:00"))
        .unwrap();
    store
        .import_roster(&dec, "张三", "十二月.csv", at("2026-11-28 10:00"))
        .unwrap();
    assert_eq!(count(&path, "roster_shift"), 92);

    // November again, corrected: everyone's turn moves, and the 30th is left out on purpose.
    let nov2 = parsed(&month_csv(2026, 11, 29, &["李四", "张三"]));
    let n = store
        .import_roster(&nov2, "李四", "十一月（修订）.csv", at("2026-11-05 09:00"))
        .unwrap();
    assert_eq!(n, 29);
    let got = store
        .imported_shifts(at("2026-11-01 08:30"), at("2026-11-30 08:30"))
        .unwrap();
    assert_eq!(got, nov2, "the old November shifts in the re-imported period are gone");
    // The 30th started outside the new file's period (its last shift ends 11-30 08:30): kept.
    let kept = store
        .imported_shifts(at("2026-11-30 08:30"), at("2026-11-30 09:00"))
        .unwrap();
    assert_eq!(kept, vec![nov[29].clone()]);
    // October and December untouched.
    assert_eq!(
        store
            .imported_shifts(at("2026-10-01 00:00"), at("2026-11-01 08:30"))
            .unwrap(),
        oct
    );
    assert_eq!(
        store
            .imported_shifts(at("2026-12-01 08:30"), at("2027-01-02 00:00"))
            .unwrap(),
        dec
    );
    assert_eq!(count(&path, "roster_shift"), 31 + 30 + 31);

    // Each import is logged, with how many shifts it replaced.
    let conn = Connection::open(&path).unwrap();
    let log: Vec<(String, String, i64, i64)> = conn
        .prepare("SELECT imported_by, source_file, replaced, inserted FROM roster_import ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[3], ("李四".to_string(), "十一月（修订）.csv".to_string(), 29, 29));
    let refused = conn.execute("DELETE FROM roster_import", []);
    assert!(refused.is_err(), "the import log must not be deletable");
}

#[test]
fn an_import_overlapping_a_stored_shift_it_does_not_replace_is_refused_whole() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let nov = parsed(&month_csv(2026, 11, 30, &["张三", "李四"]));
    store
        .import_roster(&nov, "张三", "十一月.csv", at("2026-10-28 10:00"))
        .unwrap();
    // December changing at 08:00: its first shift starts inside November's last one (→ 12-01 08:30).
    let text = "开始,结束,带班领导,主班,副班\n\
                2026-12-01 08:00,2026-12-02 08:00,王五,李四,张三\n\
                2026-12-02 08:00,2026-12-03 08:00,王五,张三,李四\n";
    let dec = parsed(text);
    let err = store
        .import_roster(&dec, "张三", "十二月.csv", at("2026-11-28 10:00"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    assert!(
        msg.contains("2026-11-30 08:30 至 2026-12-01 08:30") && msg.contains("重叠"),
        "{msg}"
    );
    assert_eq!(count(&path, "roster_shift"), 30, "nothing written");
    assert_eq!(count(&path, "roster_import"), 1);

    // Malformed sets that did not come through the CSV parser are refused too.
    let mut bad: Vec<Shift> = dec.iter().map(|s| shift_later(s, 1)).collect();
    bad[1].start = at("2026-12-02 12:00");
    let err = store.import_roster(&bad, "张三", "x.csv", at("2026-11-28 10:00"));
    assert!(
        matches!(&err, Err(StoreError::Refused(m)) if m.contains("时间重叠")),
        "{err:?}"
    );
    let mut long = dec[1].clone();
    long.end = long.start + Duration::hours(49);
    let err = store.import_roster(&[long], "张三", "x.csv", at("2026-11-28 10:00"));
    assert!(matches!(err, Err(StoreError::Refused(m)) if m.contains("48 小时")));
    assert_eq!(count(&path, "roster_shift"), 30);
    assert_eq!(
        store
            .import_roster(&[], "张三", "空.csv", at("2026-11-28 10:00"))
            .unwrap(),
        0
    );
    assert_eq!(count(&path, "roster_import"), 1, "an empty import writes nothing");
}

#[test]
fn swaps_are_kept_in_order_and_applied_to_the_stored_roster() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let nov = parsed(&month_csv(2026, 11, 30, &["张三", "李四"]));
    store
        .import_roster(&nov, "张三", "十一月.csv", at("2026-10-28 10:00"))
        .unwrap();

    // 11-02's shift: 李四 primary, 张三 deputy. 李四 goes on a trip; 赵六 approves.
    let shift = &nov[1];
    assert_eq!((shift.primary.as_str(), shift.deputy.as_str()), ("李四", "张三"));
    let p = people();
    let e = validate_swap(shift, Post::Primary, "李四的妻子", "出差", "赵六", &p).unwrap_err();
    assert!(e.contains("严禁外单位职工或亲属代值"), "{e}");
    assert!(
        validate_swap(shift, Post::Primary, "赵六", "出差", "张三", &p).is_err(),
        "a 值班员 cannot approve"
    );
    assert_eq!(validate_swap(shift, Post::Leader, "赵六", "出差", "赵六", &p), Ok(()));

    let first = swap("2026-11-02 08:30", Post::Leader, "王五", "赵六", "2026-11-01 09:00");
    let second = swap("2026-11-05 08:30", Post::Deputy, "李四", "张三", "2026-11-01 09:05");
    let third = swap("2026-11-02 08:30", Post::Leader, "赵六", "王五", "2026-11-01 10:00");
    let ids: Vec<i64> = [&first, &second, &third]
        .into_iter()
        .map(|s| store.add_swap(s).unwrap())
        .collect();
    assert!(ids[0] < ids[1] && ids[1] < ids[2]);
    drop(store);

    let store = open(&path);
    // By shift start, in recorded order.
    assert_eq!(
        store.swaps(at("2026-11-01 00:00"), at("2026-12-01 00:00")).unwrap(),
        vec![first.clone(), second.clone(), third.clone()]
    );
    assert_eq!(
        store.swaps(at("2026-11-02 08:30"), at("2026-11-05 08:30")).unwrap(),
        vec![first.clone(), third.clone()]
    );
    assert!(
        store
            .swaps(at("2026-11-05 08:31"), at("2026-12-01 00:00"))
            .unwrap()
            .is_empty()
    );

    // The store and the core together, as the status line asks at 03:00 on 11-06.
    let (from, to) = (at("2026-11-01 00:00"), at("2026-12-01 00:00"));
    let (sf, st) = source_window(from, to);
    let imported = store.imported_shifts(sf, st).unwrap();
    let swaps = store.swaps(sf, st).unwrap();
    let shifts = effective_shifts(None, &Calendar::default(), &imported, &swaps, from, to);
    assert_eq!(shifts[1].leader, "王五", "swapped there and back, in recorded order");
    assert_eq!(shifts[1].swaps, vec![first, third]);
    let (current, next) = now_and_next(&shifts, at("2026-11-06 03:00"));
    let current = current.unwrap();
    assert_eq!(current.start, at("2026-11-05 08:30"));
    assert_eq!(current.deputy, "张三");
    assert_eq!(current.swaps, vec![second]);
    assert_eq!(next.unwrap().start, at("2026-11-06 08:30"));
}

#[test]
fn a_swap_cannot_be_updated_or_deleted_through_raw_sql() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let s = swap("2026-11-02 08:30", Post::Primary, "李四", "张三", "2026-11-01 09:00");
    let id = store.add_swap(&s).unwrap();
    drop(store);

    let conn = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE roster_swap SET to_person = '外人' WHERE id = ?1",
        "UPDATE roster_swap SET approved_by = '张三', reason = '' WHERE id = ?1",
        "DELETE FROM roster_swap WHERE id = ?1",
    ] {
        let err = conn.execute(sql, [id]).expect_err(sql);
        assert!(err.to_string().contains("zhiban: swaps"), "{sql}: {err}");
    }
    assert!(conn.execute("DELETE FROM roster_swap", []).is_err());
    let bad_post = conn.execute(
        "INSERT INTO roster_swap (shift_start, post, from_person, to_person, reason, approved_by, recorded_by, \
         recorded_at) VALUES ('2026-11-02 08:30:00', '班长', 'a', 'b', 'c', 'd', 'e', '2026-11-01 09:00:00')",
        [],
    );
    assert!(bad_post.is_err(), "an unknown post is refused");
    drop(conn);

    let store = open(&path);
    assert_eq!(
        store.swaps(at("2026-11-01 00:00"), at("2026-12-01 00:00")).unwrap(),
        vec![s]
    );
}

#[test]
fn an_imported_shift_is_replaced_never_edited() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let mut store = open(&path);
    let nov = parsed(&month_csv(2026, 11, 3, &["张三"]));
    store
        .import_roster(&nov, "张三", "十一月.csv", at("2026-10-28 10:00"))
        .unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE roster_shift SET primary_officer = '李四'", [])
        .unwrap_err();
    assert!(err.to_string().contains("never edited"), "{err}");
}

#[test]
fn the_later_migrations_apply_to_a_version_3_database_and_keep_its_records() {
    let dir = TempDir::new().unwrap();
    let path = db_in(&dir);
    let conn = Connection::open(&path).unwrap();
    for sql in [
        include_str!("../migrations/0001_init.sql"),
        include_str!("../migrations/0002_urgent.sql"),
        include_str!("../migrations/0003_entry_alert.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute(
        "INSERT INTO log_entry (kind, occurred_at, content, triage, status, recorded_by, recorded_at) \
         VALUES ('来电', '2026-01-02 03:04:05', '升级前的记录', '一般', '待办', '张三', '2026-01-02 03:05:00')",
        [],
    )
    .unwrap();
    let entry = conn.last_insert_rowid();
    conn.pragma_update(None, "user_version", 3).unwrap();
    drop(conn);

    let mut store = open(&path);
    const { assert!(SCHEMA_VERSION >= 4) };
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.entry(entry).unwrap().fields.content, "升级前的记录");
    let nov = parsed(&month_csv(2026, 11, 2, &["李四"]));
    assert_eq!(
        store
            .import_roster(&nov, "张三", "十一月.csv", at("2026-10-28 10:00"))
            .unwrap(),
        2
    );
    store
        .add_swap(&swap(
            "2026-11-01 08:30",
            Post::Primary,
            "李四",
            "张三",
            "2026-10-30 10:00",
        ))
        .unwrap();
    drop(store);

    let conn = Connection::open(&path).unwrap();
    for table in ["roster_shift", "roster_swap", "roster_import"] {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table} is missing");
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}
