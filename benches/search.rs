//! Benchmark: the search engine (查询) at a million duty-log entries.
//!
//! `cargo bench --bench search [-- [--reuse] [DB]]`. `DB` is a database made by
//! `cargo bench --bench log_list` (default: `target/bench-data/log-1000000.db`; also
//! `ZHIBAN_BENCH_DB`). It is never opened, only copied: the copy
//! (`target/bench-data/search-<name>`) is opened with `Store::open`, which migrates it and builds
//! the search index (the one-time backfill), and everything is measured on the copy:
//!
//! * the backfill: time of that `Store::open`, documents per second;
//! * the size: the file before and after (WAL checkpointed), and `dbstat` per table and index;
//! * the first page (50 hits) of 1, 2, 3 and 5 character words, common and rare, pinyin, phone
//!   fragments, filters, and a deep page: nearest-rank median and p95 over many repetitions, with
//!   the hit count of each query;
//! * saving an entry (`Store::insert_entry`, committed, re-indexed in the same transaction)
//!   against a save the index does not see (`Store::add_instruction`), interleaved so both meet
//!   the same disk, and the pages each writes;
//! * the peak resident memory (`VmHWM`) after the backfill.
//!
//! `--reuse` skips the copy and the backfill when an indexed copy is already there. Nothing here
//! asserts on time: the figures are for reading (docs/PERFORMANCE.md).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use rusqlite::{Connection, OpenFlags};

use zhiban::core::log::{EntryKind, Instruction, InstructionRequest, NewEntry, Status, Triage};
use zhiban::core::search::{Plan, SearchQuery, plan};
use zhiban::store::Store;
use zhiban::store::search::BackfillProgress;

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
const PAGE: usize = 50;
const REPS: usize = 60;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT).expect("fixed time")
}

fn bench_dir() -> PathBuf {
    // target/<profile>/deps/search-<hash> → target/bench-data
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|t| t.join("CACHEDIR.TAG").exists())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Nearest-rank percentile of sorted samples.
fn rank(sorted: &[Duration], p: f64) -> Duration {
    let n = sorted.len();
    let r = (p * n as f64).ceil() as usize;
    sorted[r.clamp(1, n) - 1]
}

struct Row {
    name: String,
    index: &'static str,
    hits: i64,
    p50: Duration,
    p95: Duration,
    max: Duration,
}

fn measure(name: &str, index: &'static str, hits: i64, mut f: impl FnMut() -> usize) -> Row {
    for _ in 0..3 {
        f();
    }
    let mut samples: Vec<Duration> = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            let n = f();
            let d = start.elapsed();
            std::hint::black_box(n);
            d
        })
        .collect();
    samples.sort_unstable();
    let row = Row {
        name: name.to_string(),
        index,
        hits,
        p50: rank(&samples, 0.5),
        p95: rank(&samples, 0.95),
        max: samples[samples.len() - 1],
    };
    println!(
        "{:<44} {:<8} hits {:>9}  p50 {}  p95 {}  max {}",
        row.name,
        row.index,
        row.hits,
        ms(row.p50),
        ms(row.p95),
        ms(row.max)
    );
    row
}

/// How many documents match (one COUNT through the same index), and which index it is.
fn count(conn: &Connection, q: &SearchQuery) -> (i64, &'static str) {
    match plan(q) {
        Plan::Nothing => (0, "-"),
        Plan::All { ids } => (
            conn.query_row(
                "SELECT count(*) FROM search_doc WHERE id >= ?1 AND id < ?2",
                [ids.start, ids.end],
                |r| r.get(0),
            )
            .expect("count"),
            "doc",
        ),
        Plan::Match { expr, ids } => {
            let n = conn
                .query_row(
                    "SELECT count(*) FROM search_uni WHERE search_uni MATCH ?1 AND rowid >= ?2 AND rowid < ?3",
                    rusqlite::params![expr, ids.start, ids.end],
                    |r| r.get(0),
                )
                .expect("count");
            (n, "unigram")
        }
    }
}

/// A rare entry, back-dated to `when`: the needles the rare queries look for.
fn needle(when: NaiveDateTime, i: usize) -> NewEntry {
    NewEntry {
        abroad: false,
        withheld: None,
        kind: EntryKind::IncomingCall,
        category: "综合".into(),
        occurred_at: when,
        unit: "县气象局".into(),
        person: "曾国藩".into(),
        phone: "0871-65558888".into(),
        receiver: "张三".into(),
        content: format!("王庄镇遭遇龙卷风过境，部分大棚受损（第{i}次）。"),
        reported_elsewhere: String::new(),
        read_back: None,
        forwarded_to: String::new(),
        forwarded_at: None,
        triage: Triage::Routine,
        status: Status::Done,
        proposal: String::new(),
        result: "已通知属地镇政府核查".into(),
        handler: String::new(),
        closed_at: Some(when),
        recorded_by: "张三".into(),
        recorded_at: at("2026-01-02 09:00:00"),
    }
}

/// This process's peak resident memory.
fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// Pages a write put into the WAL: emptied before, counted after (outside any timing).
fn wal_pages(conn: &Connection, write: impl FnOnce()) -> i64 {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    write();
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
        .expect("checkpoint")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let reuse = args.iter().any(|a| a == "--reuse");
    let source = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("ZHIBAN_BENCH_DB").map(PathBuf::from))
        .unwrap_or_else(|| bench_dir().join("log-1000000.db"));
    if !source.is_file() {
        eprintln!(
            "没有找到基准数据库 {}：请先运行 cargo bench --bench log_list，或给出数据库路径",
            source.display()
        );
        std::process::exit(2);
    }
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("bench-data directory");
    let name = source
        .file_name()
        .map_or_else(|| "db".into(), |n| n.to_string_lossy().into_owned());
    let copy = dir.join(format!("search-{name}"));
    println!("source {} ({})", source.display(), mib(file_size(&source)));

    let mut backfill: Option<(Duration, u64)> = None;
    let before_size = file_size(&source);
    if !(reuse && copy.is_file()) {
        remove_db(&copy);
        // The source is only copied (its WAL too, if one is left), never opened.
        std::fs::copy(&source, &copy).expect("copy the database");
        if with_suffix(&source, "-wal").is_file() {
            std::fs::copy(with_suffix(&source, "-wal"), with_suffix(&copy, "-wal")).expect("copy the WAL");
        }
        std::fs::File::open(&copy)
            .and_then(|f| f.sync_all())
            .expect("sync the copy");
        let rows: i64 = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("SELECT count(*) FROM log_entry", [], |r| r.get(0)))
            .expect("count the entries");
        println!("copy   {} — {rows} entries; opening builds the index …", copy.display());
        let start = Instant::now();
        let mut merge_from = None;
        let mut shown = 0;
        let store = Store::open_with_progress(&copy, &mut |p: BackfillProgress| {
            if p.merging {
                merge_from = Some(start.elapsed());
                eprintln!("  … {} records in, merging", p.done);
            } else if p.done >= shown {
                eprintln!("  … {} of about {} records", p.done, p.total);
                shown = p.done + 100_000;
            }
        })
        .expect("open the copy (migrate, backfill)");
        let took = start.elapsed();
        drop(store);
        let docs = u64::try_from(rows).unwrap_or(0);
        let merge = merge_from.map_or(Duration::ZERO, |m| took - m);
        println!(
            "backfill: Store::open (migrations + index of {docs} records) {:.1} s ({:.1} s of it the final merge), \
             {:.0} records/s; peak RSS {}",
            took.as_secs_f64(),
            merge.as_secs_f64(),
            docs as f64 / took.as_secs_f64(),
            vm_hwm()
        );
        backfill = Some((took, docs));
        let conn = Connection::open(&copy).expect("open for checkpoint");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint");
    }
    let after_size = file_size(&copy);

    // Needles: 20 rare entries back-dated across the ten years (inserted by the store, so
    // indexed live), then the sizes.
    let mut store = Store::open(&copy).expect("open the indexed copy");
    let has_needles = store
        .search(&SearchQuery::text("龙卷风"), 1, None)
        .map(|h| !h.is_empty())
        .unwrap_or(false);
    if !has_needles {
        for i in 0..20 {
            let when = at("2016-03-01 10:00:00") + chrono::Duration::days(i64::try_from(i).unwrap_or(0) * 180);
            store.insert_entry(&needle(when, i)).expect("insert a needle");
        }
    }
    let conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only handle");
    let docs: i64 = conn
        .query_row("SELECT count(*) FROM search_doc", [], |r| r.get(0))
        .expect("count documents");
    println!("documents {docs}");
    let mut sizes: Vec<(String, i64)> = Vec::new();
    match conn.prepare(
        "SELECT CASE WHEN name LIKE 'search_uni%' THEN 'search_uni (per character, all shadow tables)' \
                     WHEN name IN ('search_doc', 'sqlite_autoindex_search_doc_1') THEN 'search_doc (+ unique index)' \
                     ELSE 'records and their indexes' END AS what, sum(pgsize) FROM dbstat GROUP BY what ORDER BY 2 DESC",
    ) {
        Ok(mut stmt) => {
            sizes = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect())
                .expect("dbstat");
            for (what, bytes) in &sizes {
                println!("  {what:<46} {}", mib(u64::try_from(*bytes).unwrap_or(0)));
            }
        }
        Err(e) => println!("  dbstat not available ({e}); file sizes only"),
    }
    println!(
        "file: {} before, {} with the index (checkpointed)",
        mib(before_size),
        mib(after_size)
    );

    // First pages.
    let queries: &[(&str, &str)] = &[
        ("1 char, common", "镇"),
        ("1 char, medium", "滑"),
        ("1 char, rare (20 needles)", "龙"),
        ("1 char, absent", "鑫"),
        ("2 chars, common", "交警"),
        ("2 chars, medium", "滑坡"),
        ("2 chars, rare", "卷风"),
        ("2 chars, both common, never adjacent", "局镇"),
        ("3 chars, common", "城关镇"),
        ("3 chars, medium", "张建华"),
        ("3 chars, rare", "龙卷风"),
        ("5 chars, common", "危化品车辆"),
        ("5 chars, rare", "龙卷风过境"),
        ("5 chars, absent", "核电站泄漏"),
        ("two words 城关镇 燃气泄漏", "城关镇 燃气泄漏"),
        ("two words, one short: 城关镇 火情", "城关镇 火情"),
        ("pinyin initials, common (zjh)", "zjh"),
        ("pinyin, 2 letters (zs)", "zs"),
        ("pinyin full, rare (zengguofan)", "zengguofan"),
        ("pinyin initials, rare (zgf)", "zgf"),
        ("landline fragment 0871-6312", "0871-6312"),
        ("mobile fragment 1381234", "1381234"),
        ("filter only: 状态:待办", "状态:待办"),
        ("filter only: 类型:紧急事件 (none)", "类型:紧急事件"),
        ("镇 类型:来访 (none)", "镇 类型:来访"),
        ("城关镇 状态:待办", "城关镇 状态:待办"),
        ("镇 in January 2020", "镇 从:2020-01-01 到:2020-01-31"),
        ("everything (no words)", ""),
    ];
    println!("\nfirst page ({PAGE} hits), {REPS} repetitions after 3 warm-ups:");
    let mut rows = Vec::new();
    for (label, text) in queries {
        let q = SearchQuery::parse(text).expect("a valid query");
        let (hits, index) = count(&conn, &q);
        rows.push(measure(&format!("{label}: {text}"), index, hits, || {
            store.search(&q, PAGE, None).expect("search").len()
        }));
    }
    // Deep pages: the 20th page of a common word, walked there by cursor.
    for text in ["镇", "城关镇"] {
        let q = SearchQuery::text(text);
        let mut cursor = None;
        for _ in 0..19 {
            cursor = store.search(&q, PAGE, cursor).expect("search").last().map(|h| h.cursor);
        }
        let (hits, index) = count(&conn, &q);
        rows.push(measure(&format!("20th page: {text}"), index, hits, || {
            store.search(&q, PAGE, cursor).expect("search").len()
        }));
    }
    // Saving with the index kept current in the same transaction, against a save of a row the
    // index does not see (a leader's instruction: one row and its audit row), interleaved.
    println!("\nsaves:");
    let mut t = at("2026-01-01 09:00:00");
    let mut entry = |i: usize| {
        t += chrono::Duration::seconds(45);
        let mut e = needle(t, 100 + i);
        e.content = format!("县城管局报告：人民路与解放路交叉口道路积水，已安排抽排（{i}）。");
        e.person = "周敏".into();
        e.status = Status::Pending;
        e.result = String::new();
        e.closed_at = None;
        e
    };
    let instruction = |i: usize| InstructionRequest {
        entry_id: 1,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: format!("请抓紧处置（{i}）"),
            given_at: at("2026-01-01 10:00:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-01-01 10:00:00"),
        },
    };
    let (mut indexed, mut plain) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let e = entry(i);
        let start = Instant::now();
        store.insert_entry(&e).expect("insert");
        indexed.push(start.elapsed());
        let r = instruction(i);
        let start = Instant::now();
        store.add_instruction(&r).expect("instruction");
        plain.push(start.elapsed());
    }
    let wal = Connection::open(&copy).expect("a second handle");
    let pages_indexed: Vec<i64> = (0..30)
        .map(|i| {
            let e = entry(1000 + i);
            wal_pages(&wal, || {
                store.insert_entry(&e).expect("insert");
            })
        })
        .collect();
    let pages_plain: Vec<i64> = (0..30)
        .map(|i| {
            let r = instruction(1000 + i);
            wal_pages(&wal, || {
                store.add_instruction(&r).expect("instruction");
            })
        })
        .collect();
    let mut save_rows = Vec::new();
    for (label, mut samples, pages) in [
        ("Store::insert_entry (indexed), committed", indexed, pages_indexed),
        ("Store::add_instruction (not indexed), committed", plain, pages_plain),
    ] {
        samples.sort_unstable();
        let mut pages = pages;
        pages.sort_unstable();
        let line = format!(
            "{label}: n=200 p50 {} p95 {} max {}; WAL pages per save median {} max {}",
            ms(rank(&samples, 0.5)),
            ms(rank(&samples, 0.95)),
            ms(samples[samples.len() - 1]),
            pages[pages.len() / 2],
            pages[pages.len() - 1]
        );
        println!("{line}");
        save_rows.push(line);
    }

    // Markdown for docs/PERFORMANCE.md.
    println!("\n| query | index | hits | p50 | p95 | max |\n|---|---|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.name.replace('|', "\\|"),
            r.index,
            r.hits,
            ms(r.p50),
            ms(r.p95),
            ms(r.max)
        );
    }
    if let Some((took, docs)) = backfill {
        println!(
            "\nbackfill at open: {docs} records in {:.1} s ({:.0}/s)",
            took.as_secs_f64(),
            docs as f64 / took.as_secs_f64()
        );
    }
    for (what, bytes) in &sizes {
        println!("{what}: {}", mib(u64::try_from(*bytes).unwrap_or(0)));
    }
    println!("file {} → {}", mib(before_size), mib(after_size));
    for line in save_rows {
        println!("{line}");
    }
    println!("peak RSS {}", vm_hwm());
}
