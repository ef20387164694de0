//! Issue 18, item 3: the first reduction of visitors' numbers at ten years. On a copy of the
//! ten-year duty file (schema 22 or later: opening migrates it), with `now` = 2026-12-05 10:00
//! and the default three years: every batch of [`retention::BATCH`] visits run in turn, as
//! `zhiban visit reduce` does (the idle app runs the same batches one at a time). Reports the
//! visits reduced, the total time, each batch's time (the longest is the write lock an officer
//! could wait behind), the file's size before and after, then what a reduced file costs the
//! lookups: a full number typed today (the number and its digest), the 重访 check.
//!
//! `cargo bench --bench retention [-- /path/to/duty-1000000.db]` (default: the duty benchmark's
//! file in target/bench-data; the original is never changed). Nothing asserts on time.

mod common;

use common::*;
use std::path::Path;
use std::time::Duration;

use zhiban::core::retention;
use zhiban::core::visit::{IdType, RepeatKey};
use zhiban::store::Store;

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| std::fs::metadata(with_suffix(path, s)).map_or(0, |m| m.len()))
        .sum()
}

fn main() {
    let copy = ten_year_copy("retention");
    // A fresh key: the copy's visits are reduced from scratch.
    let _ = std::fs::remove_file(zhiban::store::retention::key_path(&copy));
    let (migrated_in, store) = time(|| Store::open(&copy).expect("migrate the copy"));
    println!(
        "opened (migrated to schema {}) in {:.1} s",
        store.schema_version().expect("the version"),
        migrated_in.as_secs_f64()
    );
    drop(store);
    let mut store = Store::open(&copy).expect("open");
    store.execute_raw_for_tests("PRAGMA wal_checkpoint(TRUNCATE)").ok();
    let before = file_size(&copy);

    let now = at("2026-12-05 10:00:00");
    let cutoff = retention::cutoff(now, retention::DEFAULT_YEARS);
    let (counted_in, to_reduce) = time(|| store.visits_to_reduce(cutoff).expect("count"));
    println!(
        "visits entered before {cutoff}: {to_reduce} to reduce (counted, as --dry-run, in {:.1} s)",
        counted_in.as_secs_f64()
    );
    // A regular visitor (the most visits under one number) and a visit of theirs, for the lookups.
    let regular: String = rusqlite::Connection::open(&copy)
        .and_then(|c| {
            c.query_row(
                "SELECT id_key FROM visit WHERE id_key <> '' AND entered_at < ?1 \
                 GROUP BY id_key ORDER BY count(*) DESC LIMIT 1",
                [cutoff.format("%Y-%m-%d %H:%M:%S").to_string()],
                |r| r.get(0),
            )
        })
        .expect("a regular visitor");

    let mut batches = Vec::new();
    let mut reduced = 0;
    let started = std::time::Instant::now();
    // The merge steps a batch runs first, timed here one by one (each is a write of its own:
    // the longest is what another terminal's save can wait behind), so that the batch's own
    // time below is its one write.
    let mut merges = Vec::new();
    loop {
        loop {
            let (took, worked) = time(|| {
                store
                    .merge_search_index(zhiban::store::search::MERGE_STEP_PAGES)
                    .expect("a merge step")
            });
            if !worked {
                break;
            }
            merges.push(took);
        }
        let (took, (done, more)) = time(|| {
            store
                .reduce_visits_step(cutoff, retention::BATCH, "（系统）", now)
                .expect("a batch")
        });
        batches.push(took);
        reduced += done;
        if !more {
            break;
        }
    }
    let total = started.elapsed();
    for (i, b) in batches.iter().enumerate().filter(|(_, b)| b.as_secs() >= 1) {
        println!("batch {} of {} took {}", i + 1, batches.len(), ms(*b));
    }
    // What `zhiban visit reduce` does next (the idle app does it in steps of
    // PURGE_IDLE_STEP_PAGES): the index rewritten so the old numbers' tokens leave its pages.
    let (purge_in, steps) = time(|| store.purge_search_index().expect("the index rewritten"));
    println!(
        "the search index rewritten afterwards: {steps} steps of {} pages in {:.1} s",
        zhiban::store::search::PURGE_STEP_PAGES,
        purge_in.as_secs_f64()
    );
    store.empty_wal().expect("the log emptied");
    let size = |s: &str| std::fs::metadata(with_suffix(&copy, s)).map_or(0, |m| m.len());
    println!(
        "after the last batch: file {:.1} MiB, WAL {:.1} MiB",
        mib(size("")),
        mib(size("-wal"))
    );
    let longest = batches.iter().max().copied().unwrap_or(Duration::ZERO);
    println!(
        "reduced {reduced} visits in {} batches of {} in {:.1} s; the longest batch {} (the write lock held)",
        batches.len(),
        retention::BATCH,
        total.as_secs_f64(),
        ms(longest)
    );
    stats("one batch (write, audit rows, reindex, commit)", batches);
    println!("merge steps between the batches: {} in all", merges.len());
    stats("one merge step between batches", merges);
    let after = file_size(&copy);
    println!(
        "file with its WAL: {:.1} MiB → {:.1} MiB ({:+.1} MiB)",
        mib(before),
        mib(after),
        mib(after) - mib(before)
    );
    let (again_in, again) = time(|| {
        store
            .reduce_visits_step(cutoff, retention::BATCH, "（系统）", now)
            .expect("again")
    });
    println!("the next check (nothing left): {again:?} in {}", ms(again_in));

    // A full number typed today: the lookup and the 重访 check read both keys.
    let mut samples = Vec::new();
    let mut visits = 0;
    for _ in 0..50 {
        let (took, found) = time(|| store.lookup(&regular).expect("lookup"));
        visits = found.first().map_or(0, |m| m.visits);
        samples.push(took);
    }
    stats(
        &format!("lookup by a regular visitor's full number ({visits} visits)"),
        samples,
    );
    let key = RepeatKey::new(IdType::ResidentId, &regular, "", None);
    let mut samples = Vec::new();
    for _ in 0..50 {
        let (took, found) = time(|| store.last_visit_of(&key).expect("repeat check"));
        assert!(found.is_some(), "the regular visitor is recognised");
        samples.push(took);
    }
    stats("重访 check of the same number", samples);
    drop(store);
    remove_db(&copy);
    let _ = std::fs::remove_file(zhiban::store::retention::key_path(&copy));
}
