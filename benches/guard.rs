//! What issue 14 adds to the writes an officer makes, at the worst an officer can type: a log
//! entry at its 4,000-character cap amended (the guard digests the old row before the UPDATE),
//! and the drafts of a form at its caps kept and removed (the removal empties the WAL).
//! `cargo bench --bench guard`. On a fresh file in the temporary directory.

use std::time::Instant;

use chrono::NaiveDateTime;
use zhiban::core::log::{AmendRequest, LogField, RawValues, Status, build_entry};
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
}

fn report(what: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    println!(
        "| {what} | {n} | {:.2} ms | {:.2} ms | {:.2} ms |",
        v[n / 2],
        v[n * 95 / 100],
        v[n - 1]
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("zhiban.db")).expect("open");
    let t = at("2026-11-23 03:10");
    let content = "河堤出现管涌，".repeat(4000 / 7);
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Content, content.as_str()),
        (LogField::Triage, "一般"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let runs = 200;
    let (mut inserts, mut amends) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let entry = build_entry(&raw, "张三", t).expect("an entry");
        let s = Instant::now();
        let id = store.insert_entry(&entry).expect("insert").0;
        inserts.push(s.elapsed().as_secs_f64() * 1000.0);
        let status = if i % 2 == 0 { Status::Done } else { Status::Pending };
        let s = Instant::now();
        store
            .amend(&AmendRequest {
                entry_id: id,
                changes: vec![(LogField::Status, status.label().into())],
                reason: "办结".into(),
                amended_by: "李四".into(),
                amended_at: t,
            })
            .expect("amend");
        amends.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    report(
        "insert a 4,000-character entry (no guard: nothing is overwritten)",
        inserts,
    );
    report("amend it (the guard digests the old row first)", amends);

    let body = "字".repeat(20_000);
    let (mut keeps, mut removes) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let s = Instant::now();
        store
            .save_drafts("张三", &[("值班记录".into(), body.clone())], false, t)
            .expect("keep");
        keeps.push(s.elapsed().as_secs_f64() * 1000.0);
        let s = Instant::now();
        store.save_drafts("张三", &[], false, t).expect("remove");
        removes.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    report("keep a 20,000-character draft (every 5 s while typing)", keeps);
    report("remove it (checkpoint and empty the WAL)", removes);

    let mut checks = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        std::hint::black_box(store.verify(false).expect("verify"));
        checks.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    report("the check at open (findings and protective triggers included)", checks);
}
