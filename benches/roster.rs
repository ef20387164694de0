//! Issue 19, item 3 at ten years: running the roster on a copy of the ten-year duty file. The copy
//! gets ten years of monthly rosters (each month drafted, approved by 王五 and published: 3,650
//! shifts, three staff each), a sign-on for every shift and two days of 补休 a year per officer.
//! Then what the officer waits for is timed, each once cold and nine times more (median, max):
//! - the app's roster load (`Request::LoadRoster`: the stored shifts, swaps and `roster_run` for
//!   the window around now), which every tick after a write or a month turned on the screen asks;
//! - the same with a month of six years ago on the screen;
//! - `zhiban roster comp --year 2025` (a year's shifts in force and the 补休 owed);
//! - a new version of a month and its approval and publication (the writes behind `d`, `a`, `p`).
//!
//! `cargo bench --bench roster [-- /path/to/duty-1000000.db]` (default: the duty benchmark's file
//! in target/bench-data; the original is never changed; `--reuse` keeps an earlier copy).
//! Nothing asserts on time.

mod common;

use common::*;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveTime};
use zhiban::core::roster::{Shift, ShiftSource, effective_shifts, source_window};
use zhiban::core::roster_plan::{CompTaken, comp_balances, month_span, next_month};
use zhiban::store::Store;

const RUNS: usize = 9;
const OFFICERS: &[&str] = &["张三", "李四"];

fn month_shifts(month: NaiveDate) -> Vec<Shift> {
    let (from, to) = month_span(month);
    let mut out = Vec::new();
    let mut start = from.date().and_time(NaiveTime::from_hms_opt(8, 30, 0).expect("08:30"));
    let mut n = 0usize;
    while start < to {
        out.push(Shift {
            start,
            end: start + chrono::Duration::days(1),
            leader: "王五".into(),
            primary: OFFICERS[n % 2].into(),
            deputy: OFFICERS[(n + 1) % 2].into(),
            staff: vec!["赵六".into()],
            source: ShiftSource::Imported,
            swaps: Vec::new(),
        });
        start += chrono::Duration::days(1);
        n += 1;
    }
    out
}

fn seed(store: &mut Store) {
    let t = at("2016-11-25 09:00:00");
    match store.enrol_pin(
        "王五",
        &zhiban::pin::hash("135790").expect("hash"),
        zhiban::core::sign_in::OPEN_ENROLMENT,
        Some("带班领导"),
        false,
        t,
    ) {
        Ok(()) => println!("enrolled 王五 as the approver"),
        Err(e) => println!("王五 not enrolled ({e}); approvals will say why"),
    }
    let mut month = NaiveDate::from_ymd_opt(2016, 12, 1).expect("a month");
    let last = NaiveDate::from_ymd_opt(2026, 11, 1).expect("a month");
    let (mut months, mut signons) = (0, 0);
    while month <= last {
        let shifts = month_shifts(month);
        let drafted = month.pred_opt().expect("a day").and_time(NaiveTime::MIN);
        let v = store
            .add_roster_version(month, &shifts, "轮值", "张三", drafted)
            .expect("a version");
        store
            .approve_roster(v.id, "王五", "带班领导", "张三", drafted)
            .expect("approved");
        store.publish_roster(v.id, "张三", drafted).expect("published");
        for s in &shifts {
            store
                .add_signon(s.start, &s.primary, &s.primary, s.start - chrono::Duration::minutes(5))
                .expect("a sign-on");
            signons += 1;
        }
        if month.month() == 10 {
            for who in OFFICERS {
                store
                    .add_comp_leave(&CompTaken {
                        id: 0,
                        person: (*who).into(),
                        day: month + chrono::Duration::days(20),
                        half_days: 4,
                        approved_by: "王五".into(),
                        recorded_by: "王五".into(),
                        recorded_at: drafted,
                        note: String::new(),
                    })
                    .expect("comp leave");
            }
        }
        months += 1;
        month = next_month(month);
    }
    println!("seeded {months} published months and {signons} sign-ons");
}

fn timed<T>(label: &str, mut f: impl FnMut() -> T) {
    let (first, _) = time(&mut f);
    let mut samples: Vec<Duration> = Vec::new();
    for _ in 0..RUNS {
        let (took, _) = time(&mut f);
        samples.push(took);
    }
    println!("{label}: first {}", ms(first));
    stats(label, samples);
}

fn main() {
    let copy = ten_year_copy("roster");
    let (migrated_in, mut store) = time(|| Store::open(&copy).expect("migrate the copy"));
    println!(
        "opened (migrated to schema {}) in {:.1} s",
        store.schema_version().expect("the version"),
        migrated_in.as_secs_f64()
    );
    let _ = store.empty_wal();
    // Pages in use, after the migrations (0029's indexes are not the roster's; freed pages the
    // file keeps would hide what the rows take).
    let used = |path: &std::path::Path| -> u64 {
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.query_row(
            "SELECT (p.page_count - f.freelist_count) * s.page_size FROM pragma_page_count() p, \
             pragma_freelist_count() f, pragma_page_size() s",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_or(0, |v| u64::try_from(v).unwrap_or(0))
    };
    let size_before = used(&copy);
    let seeded = store
        .roster_month_plan(NaiveDate::from_ymd_opt(2020, 1, 1).expect("a month"))
        .expect("plan")
        .in_force()
        .is_some();
    if !seeded {
        let (took, ()) = time(|| seed(&mut store));
        println!("seeding took {:.1} s", took.as_secs_f64());
    }
    drop(store);
    let _ = Store::open(&copy).expect("open").empty_wal();
    let size_after = used(&copy);
    println!(
        "pages in use {:.1} MiB → {:.1} MiB (+{:.2} MiB for ten years of rosters and sign-ons, audit included)",
        size_before as f64 / 1048576.0,
        size_after as f64 / 1048576.0,
        (size_after.saturating_sub(size_before)) as f64 / 1048576.0
    );

    let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .expect("the default config")
        .settings;
    let now = at("2026-11-23 10:00:00");
    let store = Store::open(&copy).expect("open");
    let data = zhiban::core::shared::RosterData::default();
    let (from, to) = data.load_if_needed(now).expect("a window");
    let load = |month: Option<NaiveDate>| {
        let planned = store.planned_shifts(from, to).expect("shifts");
        let swaps = store.swaps(from, to).expect("swaps");
        let run = store.roster_run(from, to, month, now).expect("run");
        (planned.len(), swaps.len(), run.signons.len())
    };
    let (shifts, _, signons) = load(None);
    println!("window {from} – {to}: {shifts} shifts, {signons} sign-ons");
    timed("roster load around now (LoadRoster)", || load(None));
    timed("roster load with 2020-06 on the screen", || {
        load(NaiveDate::from_ymd_opt(2020, 6, 1))
    });
    timed("roster comp --year 2025", || {
        let year_from = at("2025-01-01 00:00:00");
        let year_to = at("2026-01-01 00:00:00");
        let (sf, st) = source_window(year_from, year_to);
        let imported = store.planned_shifts(sf, st).expect("shifts");
        let swaps = store.swaps(sf, st).expect("swaps");
        let shifts = effective_shifts(
            settings.roster.as_ref(),
            &settings.calendar,
            &imported,
            &swaps,
            year_from,
            year_to,
        );
        let taken = store.comp_leave(2025).expect("taken");
        comp_balances(
            &shifts,
            &settings.calendar,
            settings.roster_rules.comp,
            &taken,
            2025,
            now,
        )
        .len()
    });
    drop(store);
    let mut store = Store::open(&copy).expect("open");
    let mut writes = Vec::new();
    let december = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a month");
    for _ in 0..RUNS {
        let (took, ()) = time(|| {
            let v = store
                .add_roster_version(december, &month_shifts(december), "轮值", "张三", now)
                .expect("a version");
            store
                .approve_roster(v.id, "王五", "带班领导", "张三", now)
                .expect("approved");
            store.publish_roster(v.id, "张三", now).expect("published");
        });
        writes.push(took);
    }
    stats("draft + approve + publish a month (three commits)", writes);
}
