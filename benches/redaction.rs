//! Issue 18, item 3 at ten years: a redaction on the ten-year duty file — how long the one write
//! takes, for an entry of today and one of nine years ago: its one write (the record, its
//! amendments, the handovers and reports since, the search document) and then the search index
//! rewritten whole (FTS5 `optimize`), so that no fragment of an earlier version of the document
//! stays in its pages; then the rewrite alone once more.
//!
//! Needs the duty benchmark's file: `cargo bench --bench duty -- --only=size` first. Then
//! `cargo bench --bench redaction`. Works on a copy. Nothing asserts on time.

mod common;

use common::*;

use zhiban::core::redaction::{Record, RedactRequest};
use zhiban::store::Store;

fn main() {
    let copy = ten_year_copy("redaction");
    let (migrated_in, store) = time(|| Store::open(&copy).expect("migrate the copy"));
    println!(
        "migrations up to 0026 on the ten-year file in {:.1} s",
        migrated_in.as_secs_f64()
    );
    let mut store = store;
    store
        .enrol_pin(
            "王五",
            &zhiban::pin::hash("135790").expect("hash"),
            zhiban::core::sign_in::OPEN_ENROLMENT,
            Some("带班领导"),
            false,
            at("2026-11-20 09:00:00"),
        )
        .expect("enrol the duty leader");
    let newest: i64 = store
        .entries_since(None, 1)
        .expect("the newest entry")
        .first()
        .map(|(id, _)| *id)
        .expect("entries");
    let old: i64 = store
        .entries_since(Some(at("2017-12-01 00:00:00")), usize::MAX)
        .map(|v| v.last().map(|(id, _)| *id))
        .expect("an old entry")
        .expect("entries from 2017");
    for (label, id) in [("today's entry", newest), ("an entry of nine years ago", old)] {
        let req = RedactRequest {
            record: Record::Entry(id),
            field: "content".into(),
            reason: "误录涉密内容".into(),
            approved_by: "王五".into(),
            approver_role: "带班领导".into(),
            by: "张三".into(),
            now: at("2026-12-05 10:00:00"),
        };
        let (took, done) = time(|| store.redact(&req).expect("redact"));
        println!(
            "redact {label} (#{id}): {} — {} rows rewritten ({}), log emptied: {}",
            ms(took),
            done.rows_changed,
            done.quoted_in.join("; "),
            done.wal_emptied
        );
    }
    // The rewrite step by step, as the redaction runs it, after one more save: each step is a
    // write of its own, the longest is what another terminal's save can wait behind.
    let raw: zhiban::core::log::RawValues = [
        (zhiban::core::log::LogField::Kind, "来电"),
        (zhiban::core::log::LogField::Unit, "城关镇"),
        (zhiban::core::log::LogField::Content, "又一个来电"),
        (zhiban::core::log::LogField::Triage, "交下一班"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let entry = zhiban::core::log::build_entry(&raw, "张三", at("2026-12-05 10:05:00")).expect("an entry");
    store.insert_entry(&entry).expect("save");
    let mut steps = Vec::new();
    loop {
        let (took, worked) = time(|| {
            store
                .merge_search_index(-zhiban::store::search::PURGE_STEP_PAGES)
                .expect("a step")
        });
        steps.push(took);
        if !worked {
            break;
        }
    }
    let total: std::time::Duration = steps.iter().sum();
    let longest = steps.iter().max().copied().unwrap_or_default();
    println!(
        "the index rewritten in steps of {} pages: {} steps, {:.1} s in all, the longest step {}",
        zhiban::store::search::PURGE_STEP_PAGES,
        steps.len(),
        total.as_secs_f64(),
        ms(longest)
    );
    let pages = |sql: &str| -> i64 {
        rusqlite::Connection::open(&copy)
            .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
            .unwrap_or(-1)
    };
    println!(
        "file: {} pages, {} free",
        pages("PRAGMA page_count"),
        pages("PRAGMA freelist_count")
    );
}
