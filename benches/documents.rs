//! Issue 18 at ten years: documents received and forwarded, the directory, 查岗 rounds and
//! holiday rounds on top of the ten-year duty file — what the app reads every 30 seconds and
//! after each save (`follow_ups_brief`, now with the forwards waiting for a 签收), the 收文登记
//! screen, the directory (read whole, then filtered in memory at every key: the worst query an
//! officer can type is one ASCII letter, which runs the pinyin match on every contact), the
//! 值班日报 with its 查岗 rounds — and what the new records add to the file.
//!
//! Needs the duty benchmark's file: `cargo bench --bench duty -- --only=size` first. Then
//! `cargo bench --bench documents`. Works on a copy: each day 24 documents (one in twenty a secret
//! item, the rest forwarded to one or two people and signed for, all but one in two thousand),
//! one 查岗 round of ten duty rooms (one in ten unanswered); every holiday a round of ten units;
//! a directory of 800 contacts. Nothing asserts on time.

mod common;

use common::*;
use std::time::Duration;

use zhiban::core::directory::{Directory, NewContact};
use zhiban::core::document::{DocKind, Forwarded, NewDocument, Secrecy, Signature, Urgency};
use zhiban::core::holiday::NewHolidayRound;
use zhiban::core::spotcheck::{CheckCall, CheckOutcome, NewSpotCheck};
use zhiban::store::Store;

const DAYS: i64 = 3650;
const DOCS_PER_DAY: i64 = 24;
const ROOMS: [&str; 10] = [
    "城关镇值班室",
    "东风镇值班室",
    "新华乡值班室",
    "红旗乡值班室",
    "河口镇值班室",
    "太平镇值班室",
    "长安乡值班室",
    "和平镇值班室",
    "青山乡值班室",
    "白沙镇值班室",
];
const SENDERS: [&str; 6] = [
    "市防汛办",
    "市政府办公室",
    "市应急局",
    "省政府总值班室",
    "市委办公室",
    "市气象局",
];

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

/// The bytes the file's pages in use hold (not its free pages: migration 0025 frees the old
/// search table's pages, which the new records then reuse).
fn used_bytes(path: &std::path::Path) -> u64 {
    let conn = rusqlite::Connection::open(path).expect("open for the page count");
    let q = |sql: &str| -> u64 {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0))
            .map_or(0, |n| u64::try_from(n).unwrap_or(0))
    };
    (q("PRAGMA page_count") - q("PRAGMA freelist_count")) * q("PRAGMA page_size")
}

fn directory(rng: &mut Rng) -> Vec<NewContact> {
    let mut out: Vec<NewContact> = ROOMS
        .iter()
        .enumerate()
        .map(|(i, r)| NewContact {
            name: (*r).to_string(),
            unit: r.trim_end_matches("值班室").to_string(),
            office_phone: format!("0871-2222{i:04}"),
            groups: vec!["各乡镇值班室".into()],
            ..NewContact::default()
        })
        .collect();
    for i in 0..790 {
        let name = person(rng);
        out.push(NewContact {
            name,
            unit: format!("{}单位{}", rng.pick(&["县", "市", "镇"]), i % 60),
            post: rng.pick(&["局长", "副局长", "科长", "主任", "值班员"]).to_string(),
            office_phone: format!("0871-6{:07}", i),
            mobile: format!("139{:08}", i),
            home_phone: if i % 5 == 0 {
                format!("0871-8{:07}", i)
            } else {
                String::new()
            },
            groups: if i % 7 == 0 {
                vec!["县领导".into()]
            } else {
                Vec::new()
            },
            note: String::new(),
        });
    }
    out
}

/// Ten years of documents, 查岗 rounds and holiday rounds. Returns the records written.
fn add_ten_years(store: &mut Store, rng: &mut Rng) -> usize {
    let start = at("2016-12-05 08:00:00");
    let mut records = 0;
    store.begin_import().expect("begin the import");
    for day in 0..DAYS {
        let t0 = start + chrono::Duration::days(day);
        for k in 0..DOCS_PER_DAY {
            let t = t0 + chrono::Duration::minutes(k * 50);
            let secret = rng.chance(5);
            let forward_to: Vec<String> = if secret {
                Vec::new()
            } else if rng.chance(30) {
                vec!["王局长".into(), "李科长".into()]
            } else {
                vec!["王局长".into()]
            };
            let (id, _, _) = store
                .add_document(
                    &NewDocument {
                        kind: if rng.chance(40) {
                            DocKind::Fax
                        } else {
                            DocKind::Document
                        },
                        secrecy: if secret { Secrecy::Confidential } else { Secrecy::Open },
                        number: if secret {
                            String::new()
                        } else {
                            format!("市防指电〔{}〕{}号", 2016 + day / 365, k + 1)
                        },
                        title: if secret {
                            String::new()
                        } else {
                            "关于做好强降雨防范工作的紧急通知".into()
                        },
                        from: rng.pick(&SENDERS).to_string(),
                        urgency: if rng.chance(10) {
                            Urgency::Immediate
                        } else {
                            Urgency::Normal
                        },
                        copies: 1,
                        pages: Some(3),
                        received_at: t,
                        note: String::new(),
                        clerk: if secret { "李机要".into() } else { String::new() },
                        clerk_told_at: secret.then_some(t),
                        forward_to: forward_to.clone(),
                        recorded_by: "张三".into(),
                        recorded_at: t,
                    },
                    t,
                )
                .expect("a document");
            records += 1 + forward_to.len();
            if !forward_to.is_empty() {
                let doc = store.forwards(Forwarded::Document(id)).expect("its forwards");
                for f in doc {
                    if rng.per_mille(1) && rng.chance(50) {
                        continue; // never signed: open at the end
                    }
                    let at = t + rng.minutes(5, 50);
                    store
                        .sign_forward(
                            f.id,
                            &Signature {
                                signed_by: f.to_whom.clone(),
                                signed_at: at,
                                recorded_by: "张三".into(),
                                recorded_at: at,
                            },
                            at,
                        )
                        .expect("a 签收");
                    records += 1;
                }
            }
        }
        let t = t0 + chrono::Duration::hours(13);
        let round = store
            .add_spotcheck(&NewSpotCheck {
                group: "各乡镇值班室".into(),
                units: ROOMS.iter().map(|r| ((*r).to_string(), String::new())).collect(),
                started_by: "张三".into(),
                started_at: t,
            })
            .expect("a 查岗 round");
        records += 1 + ROOMS.len();
        let units = store.spotcheck(round).expect("the round").units;
        for (i, u) in units.iter().enumerate() {
            let at = t + chrono::Duration::minutes(i64::try_from(i).unwrap_or(0) + 1);
            let outcome = if rng.chance(10) {
                CheckOutcome::NoAnswer
            } else {
                CheckOutcome::OnDuty
            };
            store
                .add_spotcheck_call(
                    round,
                    u.id,
                    &CheckCall {
                        outcome,
                        answerer: if outcome == CheckOutcome::OnDuty {
                            "值班员".into()
                        } else {
                            String::new()
                        },
                        at,
                        note: String::new(),
                        recorded_by: "张三".into(),
                    },
                    at,
                )
                .expect("a call");
            records += 1;
        }
        if day % 36 == 0 {
            store
                .add_holiday_round(&NewHolidayRound {
                    holiday: format!("第{}个节日", day / 36 + 1),
                    due: (t0 + chrono::Duration::days(5)).date(),
                    units: ROOMS.iter().map(|r| (*r).to_string()).collect(),
                    created_by: "张三".into(),
                    created_at: t0,
                })
                .expect("a holiday round");
            records += 1 + ROOMS.len();
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
    let copy = ten_year_copy("documents");
    let (migrated_in, store) = time(|| Store::open(&copy).expect("migrate the copy"));
    drop(store);
    println!(
        "migrations 0023–0025 on the ten-year file (0025 copies the search documents) in {:.1} s",
        migrated_in.as_secs_f64()
    );
    let before = used_bytes(&copy);
    let mut store = Store::open(&copy).expect("open");
    let mut rng = Rng::new(18);
    let contacts = directory(&mut rng);
    store
        .import_contacts(&contacts, "通讯录.csv", "张三", at("2026-12-01 09:00:00"))
        .expect("the directory");
    let (took, records) = time(|| add_ten_years(&mut store, &mut rng));
    println!(
        "ten years added: {records} records (documents, forwards and 签收, 查岗 rounds and calls, holiday rounds) in {:.1} s",
        took.as_secs_f64()
    );
    drop(store);
    let store = Store::open(&copy).expect("open again");
    store.execute_raw_for_tests("PRAGMA wal_checkpoint(TRUNCATE)").ok();
    let after = used_bytes(&copy);
    println!(
        "pages in use {:.1} MiB → {:.1} MiB (+{:.1} MiB for these records, their indexes, audit rows and search documents)",
        mib(before),
        mib(after),
        mib(after.saturating_sub(before))
    );
    let open = store.open_forwards().expect("open forwards");
    println!("forwards waiting for a 签收 at the end: {}", open.len());

    let runs = 50;
    stats(
        "Store::follow_ups_brief with open forwards (every 30 s and after each save)",
        sample(runs, || store.follow_ups_brief().expect("f")),
    );
    stats(
        "Store::open_forwards (reminders, handover)",
        sample(runs, || store.open_forwards().expect("o")),
    );
    stats(
        "Store::documents(200) (收文登记 screen)",
        sample(20, || store.documents(200).expect("d")),
    );
    let mut dir_read = Directory::default();
    stats(
        "Store::directory (800 contacts, at start and after writes)",
        sample(runs, || dir_read = store.directory().expect("dir")),
    );
    for q in ["z", "wjz", "城关", "2222"] {
        stats(
            &format!("Directory::find “{q}” over 800 contacts (per key typed)"),
            sample(200, || dir_read.find(q).count()),
        );
    }
    // The last day with a round (rounds at 21:00; the period ends at 08:00).
    let day_from = at("2026-12-02 08:00:00");
    let day_to = at("2026-12-03 08:00:00");
    let rounds = store.spotchecks_between(day_from, day_to).expect("rounds").len();
    println!("查岗 rounds in the day measured: {rounds}");
    stats(
        "Store::spotchecks_between one day (值班日报)",
        sample(runs, || store.spotchecks_between(day_from, day_to).expect("s")),
    );
    stats(
        "Store::daily_report_data of a day (with 查岗)",
        sample(20, || store.daily_report_data(day_from, day_to).expect("r")),
    );
    stats(
        "Store::holiday_rounds_since 60 days",
        sample(runs, || {
            store.holiday_rounds_since(at("2026-10-05 00:00:00").date()).expect("h")
        }),
    );
    stats(
        "Store::recent_spotchecks(50) (查岗 screen)",
        sample(20, || store.recent_spotchecks(50).expect("r")),
    );
    drop(store);
    remove_db(&copy);
}
