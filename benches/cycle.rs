//! The instruction cycle at ten years (issue 17): what the app reads every 30 seconds and after
//! every save (`Store::follow_ups_brief`: every open 交办, every unfinished notice, every entry still
//! waiting for its 请示), the 督办 view, the notices screen, the 值班日报's open 交办, an entry's
//! detail with its cycle, the list page with its 请示 marks — and what the cycle's records add to
//! the file.
//!
//! Needs the duty benchmark's file: `cargo bench --bench duty -- --only=size` first (it makes
//! `target/bench-data/duty-<N>.db`). Then `cargo bench --bench cycle`. Works on a copy: ten years of
//! the cycle are added to it (each day 2 请示 attempts, a 批示, 3 交办 of which 3 % stay open, each
//! other one with a progress 反馈 and a closing one, a notice to 8 recipients with one in five not
//! reached at the first call and 1 % never finished). Nothing asserts on time.

mod common;

use common::*;
use std::time::Duration;

use zhiban::core::instruction::{
    CallOutcome, Feedback, ItemRef, LeaderRequest, NewPhoneNotice, NewTask, NoticeCall, Via,
};
use zhiban::core::log::{Instruction, PageRequest};
use zhiban::core::log_screen::Anchor;
use zhiban::store::Store;

const DAYS: i64 = 3650;
const RECIPIENTS: [&str; 8] = [
    "城关镇值班室",
    "东风镇值班室",
    "新华乡值班室",
    "红旗乡值班室",
    "河口镇值班室",
    "县应急局",
    "县水利局",
    "县公安局",
];

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn file_size(path: &std::path::Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| std::fs::metadata(with_suffix(path, s)).map_or(0, |m| m.len()))
        .sum()
}

/// Ten years of the cycle, day by day, on entries of that day's range of ids.
fn add_ten_years(store: &mut Store, entries: i64, rng: &mut Rng) -> usize {
    let start = at("2016-12-05 08:00:00");
    let per_day = (entries / DAYS).max(1);
    let mut records = 0;
    store.begin_import().expect("begin the import");
    for day in 0..DAYS {
        let t = start + chrono::Duration::days(day);
        let entry = (day * per_day + 1 + i64::try_from(rng.below(per_day as u64)).unwrap_or(0)).min(entries);
        let by = "张三".to_string();
        for (k, reached) in [(0, false), (1, true)] {
            store
                .add_leader_request(
                    entry,
                    &LeaderRequest {
                        leader: "王五".into(),
                        via: Via::Phone,
                        at: t + chrono::Duration::minutes(10 + k * 30),
                        reached,
                        recorded_by: by.clone(),
                        recorded_at: t + chrono::Duration::minutes(10 + k * 30),
                    },
                )
                .expect("a 请示");
        }
        let ins = store
            .add_instruction_on(
                ItemRef::Entry(entry),
                &Instruction {
                    id: None,
                    via: Some(Via::Phone),
                    leader: "副县长 李某".into(),
                    text: "请县应急局、城关镇、县水利局立即派员到场核实处置，今日17时前反馈。".into(),
                    given_at: t + chrono::Duration::minutes(50),
                    recorded_by: by.clone(),
                    recorded_at: t + chrono::Duration::minutes(52),
                },
            )
            .expect("a 批示");
        let ids = store
            .add_tasks(&NewTask {
                item: ItemRef::Entry(entry),
                instruction_id: Some(ins),
                assignees: vec!["县应急局".into(), "城关镇".into(), "县水利局".into()],
                requirement: "到场核实并反馈处置情况".into(),
                due: t + chrono::Duration::hours(9),
                recorded_by: by.clone(),
                recorded_at: t + chrono::Duration::minutes(55),
            })
            .expect("交办");
        records += 4 + ids.len();
        for id in ids {
            if rng.chance(3) {
                continue;
            }
            for (h, closes) in [(4, false), (8, true)] {
                store
                    .add_feedback(
                        id,
                        &Feedback {
                            text: if closes {
                                "已办结".into()
                            } else {
                                "已到场，正在处置".into()
                            },
                            given_by: "刘科长".into(),
                            at: t + chrono::Duration::hours(h),
                            closes,
                            recorded_by: by.clone(),
                            recorded_at: t + chrono::Duration::hours(h),
                        },
                    )
                    .expect("反馈");
                records += 1 + usize::from(closes);
            }
        }
        let notice = store
            .add_notice(&NewPhoneNotice {
                content: "明日9时在县政府三楼会议室召开防汛调度会，请各单位分管领导参加，会前报送参会人员名单。".into(),
                meeting_at: Some(t + chrono::Duration::hours(25)),
                place: "县政府三楼会议室".into(),
                reply_needed: true,
                recipients: RECIPIENTS.iter().map(|s| (*s).to_string()).collect(),
                recorded_by: by.clone(),
                recorded_at: t + chrono::Duration::hours(1),
            })
            .expect("a notice");
        records += 1 + RECIPIENTS.len();
        let never_done = rng.chance(1);
        let recipients: Vec<i64> = store
            .notice(notice)
            .expect("the notice")
            .recipients
            .iter()
            .map(|r| r.id)
            .collect();
        for (i, rid) in recipients.into_iter().enumerate() {
            let at = t + chrono::Duration::minutes(65 + i as i64 * 2);
            let missed = rng.chance(20);
            if missed || (never_done && i == 0) {
                let call = NoticeCall {
                    outcome: CallOutcome::NotReached,
                    taker: String::new(),
                    read_back: false,
                    at,
                    recorded_by: by.clone(),
                };
                store.add_notice_call(notice, rid, &call).expect("未接通");
                records += 1;
                if never_done && i == 0 {
                    continue;
                }
            }
            let call = NoticeCall {
                outcome: CallOutcome::Reached,
                taker: "值班员".into(),
                read_back: true,
                at: at + chrono::Duration::minutes(20),
                recorded_by: by.clone(),
            };
            store.add_notice_call(notice, rid, &call).expect("已通知");
            records += 1;
        }
        if store.import_batch_rows() >= 2000 {
            store.commit_import_batch().expect("commit a batch");
        }
    }
    store.finish_import().expect("finish the import");
    records
}

fn sample<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs).map(|_| time(&mut f).0).collect()
}

fn main() {
    let n = size_arg();
    let copy = ten_year_copy("cycle");
    drop(Store::open(&copy).expect("migrate the copy"));
    let before = file_size(&copy);
    let mut store = Store::open(&copy).expect("open");
    let entries: i64 = i64::try_from(n).unwrap_or(i64::MAX);
    let mut rng = Rng::new(17);
    let (took, records) = time(|| add_ten_years(&mut store, entries, &mut rng));
    println!(
        "ten years of the cycle added: {records} records in {:.1} s",
        took.as_secs_f64()
    );
    drop(store);
    let store = Store::open(&copy).expect("open again");
    store.execute_raw_for_tests("PRAGMA wal_checkpoint(TRUNCATE)").ok();
    let after = file_size(&copy);
    println!(
        "file {:.1} MiB → {:.1} MiB (+{:.1} MiB for the cycle's records, their indexes and audit rows)",
        mib(before),
        mib(after),
        mib(after.saturating_sub(before))
    );

    let f = store.follow_ups().expect("follow-ups");
    println!(
        "open at the end: {} 交办, {} notices, {} entries waiting for a 请示",
        f.tasks.len(),
        f.notices.len(),
        f.asks.len()
    );
    let runs = 50;
    let _ = store.follow_ups();
    stats(
        "Store::follow_ups_brief (every 30 s and after each save)",
        sample(runs, || store.follow_ups_brief().expect("f")),
    );
    stats(
        "Store::follow_ups whole (handover draft)",
        sample(runs, || store.follow_ups().expect("f")),
    );
    stats(
        "Store::open_tasks (督办)",
        sample(runs, || store.open_tasks().expect("t")),
    );
    stats(
        "Store::notices(30) (电话通知)",
        sample(runs, || store.notices(30).expect("n")),
    );
    stats(
        "Store::open_asks (未请示)",
        sample(runs, || store.open_asks().expect("a")),
    );
    let end = at("2026-12-05 08:00:00");
    stats(
        "Store::tasks_open_at (值班日报's 交办未办结)",
        sample(20, || store.tasks_open_at(end).expect("r")),
    );
    let with_cycle = f.tasks.first().map_or(1, |t| match t.item {
        ItemRef::Entry(id) => id,
        ItemRef::Event(_) => 1,
    });
    stats(
        "Store::entry of an entry with 请示, 批示, 交办 (detail)",
        sample(200, || store.entry(with_cycle).expect("e")),
    );
    stats(
        "Store::entry of an entry without (detail)",
        sample(200, || store.entry(entries / 2 + 7).expect("e")),
    );
    stats(
        "Store::page newest 50 with the 请示 marks (list)",
        sample(200, || {
            store
                .page(&PageRequest {
                    anchor: Anchor::Newest,
                    limit: 50,
                    select: None,
                })
                .expect("p")
        }),
    );
    drop(store);
    remove_db(&copy);
}
