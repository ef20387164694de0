//! Backups of the ten-year file (issue 16, item 5): zstd levels (time and size), the shipped
//! level's steps (the online copy that holds the read transaction, the integrity check,
//! compressing, reading back), the weekly test restore, search latency while the automatic
//! backup runs (its thread at nice 19, as in the app, and at normal priority to compare), and the
//! space ten years of backups take under the rotation.
//!
//! Needs the duty benchmark's file: `cargo bench --bench duty` first (it generates
//! `target/bench-data/duty-<N>.db`). Then:
//!
//! ```sh
//! cargo bench --bench backup                    # the ten-year file, levels 1,3,6,9
//! cargo bench --bench backup -- 200000          # another size the duty bench made
//! cargo bench --bench backup -- --levels=1,3    # other levels
//! ```
//!
//! The file is read from the page cache after the first pass (23 GiB of memory here); a duty-room
//! PC with less memory reads more from the disk. Nothing asserts on time.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};
use zhiban::core::backup::{Retention, to_delete};
use zhiban::core::search::SearchQuery;
use zhiban::core::settings::BackupSettings;
use zhiban::runtime::backup::AutoBackup;
use zhiban::store::{Store, backup};

/// The words searched while a backup runs: common and rare, short and long, pinyin.
const QUERIES: &[&str] = &["城关镇", "张建华", "尉迟朝阳", "滑坡", "zjh", "危化品车辆"];

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

/// Searches `QUERIES` round and round on a connection of its own until `stop`, each search's time.
fn searching(db: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let store = Store::open(&db).expect("open for searching");
        let queries: Vec<SearchQuery> = QUERIES.iter().map(|q| SearchQuery::parse(q).expect("query")).collect();
        let mut samples = Vec::new();
        let mut i = 0;
        while !stop.load(Ordering::Relaxed) {
            let (d, _) = time(|| store.search(&queries[i % queries.len()], 50, None).expect("search"));
            samples.push(d);
            i += 1;
            // An officer types; the searches are a few per second, not back to back.
            std::thread::sleep(Duration::from_millis(20));
        }
        samples
    })
}

/// Search latency while `work` runs (or for `for_at_least` with nothing else).
fn search_while(db: &Path, label: &str, work: impl FnOnce()) -> Stats {
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = searching(db.to_path_buf(), Arc::clone(&stop));
    // Let the sampler open and warm up.
    std::thread::sleep(Duration::from_millis(500));
    work();
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().expect("sampler");
    stats(label, samples)
}

fn clean(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    let entries: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(1_000_000, |a| a.replace('_', "").parse().expect("entry count"));
    let levels: Vec<i32> = std::env::args()
        .find_map(|a| a.strip_prefix("--levels=").map(str::to_string))
        .unwrap_or_else(|| "1,3,6,9".into())
        .split(',')
        .map(|l| l.trim().parse().expect("a zstd level"))
        .collect();
    let dir = bench_dir();
    let db = dir.join(format!("duty-{entries}.db"));
    if !db.exists() {
        eprintln!(
            "{} is missing: run `cargo bench --bench duty -- {entries}` first (it generates it)",
            db.display()
        );
        std::process::exit(1);
    }
    let out = dir.join("backup-bench");
    clean(&out);
    let db_bytes = std::fs::metadata(&db).expect("db").len();
    println!(
        "# backup benchmark: {} ({:.0} MiB, {db_bytes} bytes)",
        db.display(),
        mib(db_bytes)
    );
    // The first pass reads the file into the page cache; every figure below is from there.
    let (d, _) = time(|| std::fs::read(&db).map(|b| b.len()).expect("read"));
    println!("reading the file once (into the page cache): {:.1} s", d.as_secs_f64());
    let now: NaiveDateTime = at("2025-12-31 08:20:00");

    println!("\n## zstd levels (whole backup: online copy, check, compress, read back)\n");
    println!(
        "| level | backup file | ratio | online copy (read transaction) | check | compress + sync | read back + SHA-256 | total |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut shipped = None;
    for (k, level) in levels.iter().enumerate() {
        let when = now + TimeDelta::seconds(k as i64);
        let w = backup::backup_file_at(&db, &out, when, *level).expect("backup");
        let t = w.timings;
        println!(
            "| {level} | {:.0} MiB | {:.2} | {:.1} s | {:.1} s | {:.1} s | {:.1} s | {:.1} s |",
            mib(w.compressed),
            w.bytes as f64 / w.compressed as f64,
            t.copy.as_secs_f64(),
            t.check.as_secs_f64(),
            t.compress.as_secs_f64(),
            t.verify.as_secs_f64(),
            (t.copy + t.check + t.compress + t.verify).as_secs_f64()
        );
        if *level == backup::LEVEL {
            shipped = Some(w);
        } else {
            std::fs::remove_file(&w.path).expect("remove");
        }
    }
    let shipped =
        shipped.unwrap_or_else(|| backup::backup_file(&db, &out, now + TimeDelta::minutes(1)).expect("backup"));
    println!("(level {} ships: `store::backup::LEVEL`)", backup::LEVEL);

    println!("\n## the weekly test restore and a restore's check\n");
    let (d, said) = time(|| backup::test_restore(&shipped.path, &out, now).expect("test restore"));
    println!(
        "test restore (decompress, integrity_check, rows and audit head): {:.1} s — {said}",
        d.as_secs_f64()
    );
    let (d, _) = time(|| backup::verify_file(&shipped.path).expect("verify"));
    println!("checksum only (decompress and SHA-256): {:.1} s", d.as_secs_f64());

    println!("\n## search while the automatic backup runs\n");
    let idle = search_while(&db, "search, nothing else running (10 s)", || {
        std::thread::sleep(Duration::from_secs(10));
    });
    // The app's own path: `AutoBackup` starts its thread (nice 19), the whole automatic backup
    // with the rotation and a test restore (none passed yet in this directory).
    let auto_dir = out.join("auto");
    let nice = search_while(&db, "search during the automatic backup (thread at nice 19)", || {
        let settings = BackupSettings {
            dir: Some(auto_dir.clone()),
            keep: Retention::default(),
            daily: true,
        };
        let mut auto = AutoBackup::new(&settings, db.clone());
        let started = Instant::now();
        assert_eq!(auto.poll(now), None, "started");
        let outcome = loop {
            if let Some(o) = auto.poll(now) {
                break o;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let o = outcome.expect("automatic backup");
        println!(
            "automatic backup with its test restore: {:.1} s, {} ({:.0} MiB), test restore {:?}",
            started.elapsed().as_secs_f64(),
            o.file,
            mib(o.compressed),
            o.test.and_then(|t| t.failed)
        );
    });
    clean(&auto_dir);
    let plain_dir = out.join("normal");
    let normal = search_while(
        &db,
        "search during a backup at normal priority (no test restore)",
        || {
            let (d, _) = time(|| backup::backup_file(&db, &plain_dir, now).expect("backup"));
            println!("backup at normal priority: {:.1} s", d.as_secs_f64());
        },
    );
    clean(&plain_dir);
    let ratio = |s: &Stats, q: fn(&Stats) -> Duration| q(s).as_secs_f64() / q(&idle).as_secs_f64();
    for (name, s) in [("nice 19 (the app)", &nice), ("normal priority", &normal)] {
        println!(
            "slowdown with the backup at {name}: median ×{:.2}, p95 ×{:.2}, p99 ×{:.2}",
            ratio(s, |s| s.median),
            ratio(s, |s| s.p95),
            ratio(s, |s| s.p99)
        );
    }

    println!("\n## space: ten years of daily backups under the rotation\n");
    // One backup a day for ten years; the file grows about evenly, so a backup taken at a fraction
    // f of the ten years is about f of today's size.
    let first = at("2016-01-01 08:20:00");
    let days = (now - first).num_days();
    let taken: Vec<NaiveDateTime> = (0..=days).map(|d| first + TimeDelta::days(d)).collect();
    let size_at = |t: NaiveDateTime| shipped.compressed as f64 * ((t - first).num_days() as f64 / days as f64);
    for (name, keep) in [
        ("default (7 daily, 4 weekly, 12 monthly)", Retention::default()),
        ("keep_days = 30 (an old config)", Retention::from_keep_days(30)),
    ] {
        let gone = to_delete(&taken, now, keep);
        let kept: Vec<NaiveDateTime> = (0..taken.len())
            .filter(|i| !gone.contains(i))
            .map(|i| taken[i])
            .collect();
        let total: f64 = kept.iter().map(|t| size_at(*t)).sum();
        println!(
            "{name}: {} backups kept, {:.1} GiB (at most {} × {:.0} MiB = {:.1} GiB)",
            kept.len(),
            total / 1_073_741_824.0,
            kept.len(),
            mib(shipped.compressed),
            kept.len() as f64 * shipped.compressed as f64 / 1_073_741_824.0
        );
    }
    println!(
        "before (plain copies, keep_days = 30): about {:.1} GiB (30 × {:.0} MiB)",
        30.0 * db_bytes as f64 / 1_073_741_824.0,
        mib(db_bytes)
    );
    clean(&out);
}
