//! The search index rebuilt in the background at ten years (issue 16, item 4), as the app does it
//! after an upgrade that remakes the index: what opening costs, what a command-line verb costs,
//! how long the rebuild takes on its thread (`runtime::index::IndexBuilder`), how
//! large the write-ahead log grows, and what an officer working meanwhile feels: saves (each
//! waits for the write lock behind at most one rebuild batch) and searches on their own
//! connection.
//!
//! Needs the duty benchmark's file: `cargo bench --bench duty -- --only=size` first (it makes
//! `target/bench-data/duty-<N>.db`). Then:
//!
//! ```sh
//! cargo bench --bench rebuild                 # the ten-year file
//! cargo bench --bench rebuild -- 200000       # another size the duty bench made
//! cargo bench --bench rebuild -- --alone      # the rebuild with nobody working meanwhile
//! ```
//!
//! Works on a copy (the duty file is never written). Nothing asserts on time.

mod common;

use common::*;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use zhiban::core::log::{EntryKind, NewEntry, Status, Triage};
use zhiban::core::search::SearchQuery;
use zhiban::runtime::index::IndexBuilder;
use zhiban::store::Store;

/// Searched while the index is rebuilt: common and rare words, pinyin.
const QUERIES: &[&str] = &["城关镇", "张建华", "滑坡", "zjh", "危化品车辆"];

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn entry(i: usize) -> NewEntry {
    let t = at(NOW_SAVES) + chrono::Duration::seconds(i as i64 * 40);
    NewEntry {
        abroad: false,
        withheld: None,
        kind: EntryKind::IncomingCall,
        category: "综合".into(),
        occurred_at: t,
        unit: "城关镇人民政府".into(),
        person: "李站长".into(),
        phone: "13812345678".into(),
        receiver: "张三".into(),
        content: format!("第{i}次来电：河堤出现管涌，请求派员支援，已转县水利局。"),
        reported_elsewhere: String::new(),
        read_back: Some(true),
        forwarded_to: String::new(),
        forwarded_at: None,
        triage: Triage::Routine,
        status: Status::Pending,
        proposal: String::new(),
        result: String::new(),
        handler: String::new(),
        closed_at: None,
        recorded_by: "张三".into(),
        recorded_at: t,
    }
}

const NOW_SAVES: &str = "2026-01-01 08:00:00";

/// As a migration that remakes the search index leaves the file: the tables empty, every kind
/// asked for (0019's statements: the tables the store has now).
fn remake_index(path: &Path) -> Duration {
    let conn = rusqlite::Connection::open(path).expect("open the copy");
    let sql = include_str!("../migrations/0019_search_ascii_tokenizer.sql");
    let (took, ()) = time(|| {
        conn.execute_batch(&format!("BEGIN; {sql} COMMIT;"))
            .expect("remake the search tables");
    });
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    took
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    // Nobody saving or searching meanwhile: the rebuild's own time.
    let alone = std::env::args().any(|a| a == "--alone");
    let dir = bench_dir();
    let source = dir.join(format!("duty-{n}.db"));
    assert!(
        source.exists(),
        "{} is missing: run `cargo bench --bench duty -- --only=size` first",
        source.display()
    );
    let copy = dir.join(format!("rebuild-{n}.db"));
    remove_db(&copy);
    let (took, _) = time(|| std::fs::copy(&source, &copy).expect("copy the ten-year file"));
    println!(
        "copy of {} ({:.0} MiB): {:.1} s",
        source.display(),
        mib(std::fs::metadata(&copy).map_or(0, |m| m.len())),
        took.as_secs_f64()
    );
    // The file brought up to this build's schema first (a file the duty bench made earlier may
    // be older).
    drop(Store::open(&copy).expect("migrate the copy"));
    let took = remake_index(&copy);
    println!(
        "search tables made again empty (as a migration does): {:.2} s",
        took.as_secs_f64()
    );

    // Opening: the app and every command-line verb.
    let (open, store) = time(|| Store::open(&copy).expect("open"));
    println!("Store::open on the file that needs its index: {}", ms(open));
    assert!(store.search_index_missing().expect("missing"));
    drop(store);
    let cli = time_log_list_process(&dir, &copy, 20);
    stats("process `zhiban log list --limit 50` while the index is missing", cli);

    // The rebuild as the app runs it, with an officer working meanwhile.
    let wal = with_suffix(&copy, "-wal");
    let stop = Arc::new(AtomicBool::new(false));
    let wal_max = Arc::new(AtomicU64::new(0));
    let watcher = {
        let (stop, wal_max, wal) = (Arc::clone(&stop), Arc::clone(&wal_max), wal.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
                wal_max.fetch_max(size, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let searcher = {
        let (stop, db) = (Arc::clone(&stop), copy.clone());
        std::thread::spawn(move || {
            if alone {
                return (Vec::new(), Vec::new());
            }
            let store = Store::open(&db).expect("open for searching");
            let queries: Vec<SearchQuery> = QUERIES.iter().map(|q| SearchQuery::parse(q).expect("query")).collect();
            let mut samples = Vec::new();
            let mut lookups = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let (d, _) = time(|| store.search(&queries[i % queries.len()], 50, None).expect("search"));
                samples.push(d);
                if i % 5 == 0 {
                    let (d, _) = time(|| store.lookup("张建").expect("lookup"));
                    lookups.push(d);
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            (samples, lookups)
        })
    };
    let mut saver = Store::open(&copy).expect("open for saving");
    let started = Instant::now();
    let mut builder = IndexBuilder::start(&copy);
    let mut saves = Vec::new();
    let mut failed = 0;
    let mut merging_at = None;
    let mut last_said = 0;
    let mut i = 0;
    while !builder.ended() {
        while let Some(news) = builder.latest() {
            match news {
                Ok(Some(b)) => {
                    if b.merging && merging_at.is_none() {
                        merging_at = Some(started.elapsed());
                    }
                    if b.percent >= last_said + 10 {
                        last_said = b.percent;
                        println!("  {:>5.1} s  {}%", started.elapsed().as_secs_f64(), b.percent);
                    }
                }
                Ok(None) => println!("  {:>5.1} s  done", started.elapsed().as_secs_f64()),
                Err(e) => panic!("the rebuild failed: {e}"),
            }
        }
        if alone {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let (d, saved) = time(|| saver.insert_entry(&entry(i)));
        match saved {
            Ok(_) => saves.push(d),
            Err(e) => {
                println!(
                    "  {:>5.1} s  a save FAILED after {}: {e}",
                    started.elapsed().as_secs_f64(),
                    ms(d)
                );
                failed += 1;
            }
        }
        i += 1;
        std::thread::sleep(Duration::from_millis(250));
    }
    let total = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (searches, lookups) = searcher.join().expect("searcher");
    watcher.join().expect("watcher");
    println!(
        "rebuild in the background: {:.1} s in all; every record in after {:.1} s, then the merge in steps",
        total.as_secs_f64(),
        merging_at.map_or(0.0, |d| d.as_secs_f64())
    );
    println!(
        "largest write-ahead log seen: {:.1} MiB",
        mib(wal_max.load(Ordering::Relaxed))
    );
    println!(
        "write-ahead log at the end: {:.1} MiB",
        mib(std::fs::metadata(&wal).map_or(0, |m| m.len()))
    );
    if !alone {
        println!("saves that failed during the rebuild: {failed}");
        stats("save during the rebuild: Store::insert_entry, committed", saves);
        stats("search during the rebuild (first page of 50, own connection)", searches);
        stats("visitor lookup 张建 during the rebuild", lookups);
    }
    let store = Store::open(&copy).expect("open");
    assert!(!store.search_index_missing().expect("missing"), "the index is complete");
    let q = SearchQuery::parse("城关镇").expect("query");
    let after: Vec<Duration> = (0..30)
        .map(|_| time(|| store.search(&q, 50, None).expect("search")).0)
        .collect();
    stats("search 城关镇 after the rebuild", after);
    drop(store);
    remove_db(&copy);
}
