//! Issue 19, item 2 at ten years: the 月度统计 of a month and of a year on a copy of the ten-year
//! duty file (opening migrates it). The file has no urgent events and no 交办: the copy gets, for
//! 2024 and 2025, four 较大 events a month (reported to both recipients, one upward phone report
//! late) and thirty 交办 a month (one in five finished late, one in ten never), so every query has
//! rows to read. Then each period is read as `zhiban stats` reads it (`Store::stats`): once cold,
//! then nine times — median and max.
//!
//! `cargo bench --bench stats [-- /path/to/duty-1000000.db]` (default: the duty benchmark's file
//! in target/bench-data; the original is never changed; `--reuse` keeps an earlier copy).
//! Nothing asserts on time.

mod common;

use common::*;
use std::time::Duration;

use zhiban::core::instruction::{Feedback, ItemRef, NewTask};
use zhiban::core::stats::Period;
use zhiban::core::urgent::{Channel, EventDraft, Level, Report, ReportType, new_event, raised};
use zhiban::store::Store;

const RUNS: usize = 9;

/// The duty officers of the ten-year file (who gives a 交办 and records an event).
const OFFICERS: &[&str] = &["张三", "李四", "冯刚", "郑娟", "吴洋", "周敏"];

fn seed(store: &mut Store) {
    let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .expect("the default config")
        .settings;
    let mut rng = Rng::new(19);
    let entry = store
        .entries_since(Some(at("2024-01-01 00:00:00")), usize::MAX)
        .expect("entries")
        .last()
        .map(|(id, _)| *id)
        .expect("an entry of 2024");
    let (mut events, mut tasks) = (0, 0);
    for year in [2024, 2025] {
        for month in 1..=12u32 {
            for i in 0..4u32 {
                let received = at(&format!("{year}-{month:02}-{:02} 03:00:00", 3 + i * 7));
                let mut draft = EventDraft::essentials("事故灾难", Level::Large, received, "李家集镇", "道路塌方");
                draft.received_at = Some(received);
                let officer = rng.pick(OFFICERS).to_string();
                let e = new_event(draft, &settings.urgent, &officer, received).expect("an event");
                let id = store
                    .insert_event(&e, &raised(received, &settings.urgent.ladder))
                    .expect("saved");
                for (to, channel, minutes) in [
                    ("带班领导", Channel::Phone, 5),
                    ("上级总值班室", Channel::Phone, if i == 0 { 75 } else { 40 }),
                    ("上级总值班室", Channel::Written, 100),
                ] {
                    let t = received + chrono::Duration::minutes(minutes);
                    store
                        .add_report(
                            id,
                            ReportType::Initial,
                            &Report {
                                kind: String::new(),
                                channel,
                                recipient: to.into(),
                                sent_at: t,
                                signed_by: "王五".into(),
                                content: "已报告现场情况".into(),
                                recorded_by: officer.clone(),
                                recorded_at: t,
                            },
                            &[],
                        )
                        .expect("report");
                }
                events += 1;
            }
            for i in 0..30u32 {
                let given = at(&format!("{year}-{month:02}-{:02} 10:00:00", 1 + i % 27));
                let due = given + chrono::Duration::hours(30);
                let by = rng.pick(OFFICERS).to_string();
                let id = store
                    .add_tasks(&NewTask {
                        item: ItemRef::Entry(entry),
                        instruction_id: None,
                        assignees: vec!["县应急局".into()],
                        requirement: "到场核实并反馈".into(),
                        due,
                        recorded_by: by.clone(),
                        recorded_at: given,
                    })
                    .expect("task")[0];
                if i % 10 != 0 {
                    let done = due + chrono::Duration::hours(if i % 5 == 1 { 5 } else { -3 });
                    store
                        .add_feedback(
                            id,
                            &Feedback {
                                text: "已办结".into(),
                                given_by: "刘科长".into(),
                                at: done,
                                closes: true,
                                recorded_by: by,
                                recorded_at: done,
                            },
                        )
                        .expect("feedback");
                }
                tasks += 1;
            }
        }
    }
    println!("seeded {events} events (3 reports each) and {tasks} 交办 in 2024–2025");
}

fn main() {
    let copy = ten_year_copy("stats");
    let (migrated_in, store) = time(|| Store::open(&copy).expect("migrate the copy"));
    println!(
        "opened (migrated to schema {}) in {:.1} s",
        store.schema_version().expect("the version"),
        migrated_in.as_secs_f64()
    );
    let mut store = store;
    let seeded = store
        .stats(Period::parse_year("2025").expect("a year"), at("2026-12-05 10:00:00"))
        .expect("stats")
        .total_events();
    if seeded == 0 {
        let (took, ()) = time(|| seed(&mut store));
        println!("seeding took {:.1} s", took.as_secs_f64());
    }
    drop(store);

    let now = at("2026-12-05 10:00:00");
    let periods = [
        (
            "month 2025-11 (8,300 entries)",
            Period::parse_month("2025-11").expect("a month"),
        ),
        (
            "month 2026-11 (after the data: empty)",
            Period::parse_month("2026-11").expect("a month"),
        ),
        (
            "month 2016-03 (nine years back)",
            Period::parse_month("2016-03").expect("a month"),
        ),
        (
            "year 2025 (100,000 entries)",
            Period::parse_year("2025").expect("a year"),
        ),
    ];
    for (label, period) in periods {
        // Cold-ish: a fresh connection, SQLite's cache empty (the OS cache is not dropped).
        let store = Store::open(&copy).expect("open");
        let (first, s) = time(|| store.stats(period, now).expect("stats"));
        let mut samples: Vec<Duration> = Vec::new();
        for _ in 0..RUNS {
            let (took, _) = time(|| store.stats(period, now).expect("stats"));
            samples.push(took);
        }
        println!(
            "{label}: first {}, {} entries, {} events, {} tasks due",
            ms(first),
            s.total_entries(),
            s.total_events(),
            s.tasks.decided() + s.tasks.pending
        );
        stats(&format!("stats {label}"), samples);
    }
    let store = Store::open(&copy).expect("open");
    println!(
        "\n--- zhiban stats --month 2025-11 (text) ---\n{}",
        store
            .stats(Period::parse_month("2025-11").expect("a month"), now)
            .expect("stats")
            .to_text("某某县人民政府办公室")
    );
}
