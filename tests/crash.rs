//! Crash safety: the real `zhiban` binary is killed with SIGKILL while it saves, over and over,
//! and nothing it reported as saved may be lost or damaged.
//!
//! Each round starts a process group (a placeholder leader) and three writer threads; each
//! writer runs `zhiban log add` (two writers) or `zhiban visit add` (one: several statements in
//! one transaction) again and again, every process in that group. Once a few saves have been
//! reported in the round, after a varying extra delay, the whole group gets SIGKILL — whatever
//! each process was doing: starting, opening the file, inside a transaction, committing,
//! printing. Then, with every process reaped:
//!
//! - every id a writer printed (`log add`/`visit add` print the id only after the commit) is in
//!   the database with exactly the content it was given, from every round so far;
//! - `PRAGMA integrity_check` says "ok";
//! - `Store::open` opens the file;
//! - every 重访 link points to an earlier visit (the visit and its link are one transaction).
//!
//! 100 kills in a normal `cargo test`; `ZHIBAN_CRASH_KILLS=200 cargo test --test crash` for more.
//! `ZHIBAN_CRASH_SEED` repeats a run's kill moments. The assertions never depend on when the kill
//! lands: whatever the moment, the guarantees must hold. The totals are printed for the record
//! (`cargo test --test crash -- --nocapture`).

use std::collections::{HashMap, HashSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use zhiban::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_zhiban");

/// Kills in a normal run.
const DEFAULT_KILLS: usize = 100;

/// How long a round may take to see its first saves before the test fails (never reached on a
/// healthy machine; generous for slow, busy CI machines).
const DEADLINE: Duration = Duration::from_secs(60);

/// A valid 居民身份证 number (GB 11643 example): every visit is the same person, so each new one is
/// a 重访 of the one before, linked in the same transaction.
const ID_NUMBER: &str = "11010519491231002X";

/// A small deterministic generator (xorshift64*), so a seed repeats a run's kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What one writer process did.
#[derive(Debug, Clone)]
enum Outcome {
    /// Exited 0 and printed this id: committed.
    Saved { table: Table, id: i64, content: String },
    /// Killed by the signal before it printed an id.
    Killed,
    /// Exited non-zero on its own: never acceptable.
    Failed { status: String, stderr: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Table {
    Log,
    Visit,
}

/// The private directory: the database and an empty home, so no user file is read or written.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("zhiban-crash-")
            .tempdir()
            .expect("temp dir");
        for sub in ["home", "config", "data"] {
            std::fs::create_dir(dir.path().join(sub)).expect("sandbox dir");
        }
        Self { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("zhiban.db")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.env_clear()
            .env("HOME", self.dir.path().join("home"))
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("LANG", "C.UTF-8")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .arg("--db")
            .arg(self.db())
            .args(args);
        c
    }
}

/// Runs one save in the process group `pgid` and reports what became of it.
fn save_once(sandbox: &Sandbox, pgid: u32, table: Table, content: &str) -> Option<Outcome> {
    let args: Vec<&str> = match table {
        Table::Log => vec!["log", "add", "--kind", "来电", "--unit", "城关镇", "--content", content],
        Table::Visit => vec![
            "visit",
            "add",
            "--name",
            "张三",
            "--id-type",
            "身份证",
            "--id-number",
            ID_NUMBER,
            "--phone",
            "13812345678",
            "--purpose",
            content,
            "--host",
            "办公室",
        ],
    };
    let child = sandbox
        .command(&args)
        .process_group(i32::try_from(pgid).expect("a pid fits in i32"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    // The group is gone (its leader was killed and reaped): the round is over.
    let child = child.ok()?;
    let out = child.wait_with_output().expect("wait for zhiban");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(match (out.status.code(), stdout.trim().parse::<i64>()) {
        (Some(0), Ok(id)) => Outcome::Saved {
            table,
            id,
            content: content.to_string(),
        },
        // Killed: the id may or may not have been printed yet; if it was, it was committed.
        (None, Ok(id)) if stdout.ends_with('\n') => Outcome::Saved {
            table,
            id,
            content: content.to_string(),
        },
        (None, _) => Outcome::Killed,
        (code, _) => Outcome::Failed {
            status: format!("{code:?} / {}", out.status),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
    })
}

/// Sends SIGKILL to every process in the group `pgid`.
fn kill_group(pgid: u32) {
    let status = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s KILL -- -{pgid} failed: {status}");
}

/// The round's process group: on drop (the round's end, or a failed assertion) the writers are
/// told to stop and the whole group is killed and its leader reaped, so no writer outlives it.
struct Group {
    leader: std::process::Child,
    stop: Arc<AtomicBool>,
    killed: bool,
}

impl Group {
    fn start() -> Self {
        // The leader just waits, so the group id stays ours until the leader is reaped.
        let leader = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start the group leader");
        Self {
            leader,
            stop: Arc::default(),
            killed: false,
        }
    }

    fn id(&self) -> u32 {
        self.leader.id()
    }

    fn kill(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if !self.killed {
            self.killed = true;
            kill_group(self.id());
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if !self.killed {
            self.killed = true;
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", self.id())])
                .status();
        }
        let _ = self.leader.wait();
    }
}

/// Frames of an unfinished transaction left in the write-ahead log: frames of the log's current
/// generation (their salts match the header's) after its last commit frame. Recovery must ignore
/// them; their presence shows a kill landed inside a transaction.
fn unfinished_wal_frames(db: &Path) -> usize {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let Ok(bytes) = std::fs::read(PathBuf::from(wal)) else {
        return 0;
    };
    let be = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(page_size), Some(salt1), Some(salt2)) = (be(8), be(16), be(20)) else {
        return 0;
    };
    let frame = 24 + usize::try_from(page_size).unwrap();
    let (mut frames, mut after_commit) = (0, 0);
    let mut at = 32;
    while at + frame <= bytes.len() && be(at + 8) == Some(salt1) && be(at + 12) == Some(salt2) {
        frames += 1;
        after_commit = if be(at + 4) == Some(0) { after_commit + 1 } else { 0 };
        at += frame;
    }
    if frames == 0 { 0 } else { after_commit }
}

/// Everything the database holds: (table, id) -> content, plus each visit's 重访 link.
struct Stored {
    rows: HashMap<(Table, i64), String>,
    repeat_links: Vec<(i64, Option<i64>)>,
}

/// Checks the file the way an officer's next start would: integrity, then `Store::open`.
fn check_database(path: &Path) -> Stored {
    let conn = rusqlite::Connection::open(path).expect("open the database with SQLite");
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(integrity, ["ok"], "PRAGMA integrity_check after a kill");
    drop(conn);
    let store = Store::open(path).unwrap_or_else(|e| panic!("Store::open after a kill: {e}"));
    let mut rows = HashMap::new();
    for (id, e) in store.entries_since(None, usize::MAX).expect("read the log") {
        rows.insert((Table::Log, id), e.content);
    }
    let visits = store.recent_visits(usize::MAX).expect("read the visits");
    let repeat_links = visits.iter().map(|v| (v.id, v.repeat_of)).collect();
    for v in visits {
        rows.insert((Table::Visit, v.id), v.fields.purpose);
    }
    Stored { rows, repeat_links }
}

#[test]
fn killing_writers_at_any_moment_never_loses_or_damages_a_reported_save() {
    let kills: usize = std::env::var("ZHIBAN_CRASH_KILLS")
        .ok()
        .map_or(DEFAULT_KILLS, |v| v.parse().expect("ZHIBAN_CRASH_KILLS is a number"));
    let seed: u64 = std::env::var("ZHIBAN_CRASH_SEED")
        .ok()
        .map_or(0x5eed_2026_1123, |v| v.parse().expect("ZHIBAN_CRASH_SEED is a number"));
    let mut rng = Rng(seed | 1);
    let sandbox = Arc::new(Sandbox::new());
    let db = sandbox.db();
    drop(Store::open(&db).expect("create the database"));

    let started = Instant::now();
    // Every save any writer reported, over all rounds: (table, id) -> content.
    let mut reported: HashMap<(Table, i64), String> = HashMap::new();
    let mut in_flight_kills = 0usize;
    let mut killed_processes = 0usize;
    let mut mid_transaction = 0usize;
    for round in 0..kills {
        let mut group = Group::start();
        let pgid = group.id();
        let stop = Arc::clone(&group.stop);
        let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
        let writers: Vec<_> = [Table::Log, Table::Log, Table::Visit]
            .into_iter()
            .enumerate()
            .map(|(w, table)| {
                let (sandbox, stop, outcomes) = (Arc::clone(&sandbox), Arc::clone(&stop), Arc::clone(&outcomes));
                thread::spawn(move || {
                    let mut seq = 0;
                    while !stop.load(Ordering::SeqCst) {
                        seq += 1;
                        let content = format!("崩溃测试 第{round}轮 写入者{w} 第{seq}条");
                        match save_once(&sandbox, pgid, table, &content) {
                            Some(o) => outcomes.lock().unwrap().push(o),
                            None => break,
                        }
                    }
                })
            })
            .collect();

        // Let a few saves (1 to 3) be reported, then kill after an extra 0-8 ms: the moment moves
        // around the writers' start-up, transactions, commits and printing.
        let target = 1 + usize::try_from(rng.below(3)).unwrap();
        let waiting = Instant::now();
        loop {
            let saved = outcomes
                .lock()
                .unwrap()
                .iter()
                .filter(|o| matches!(o, Outcome::Saved { .. }))
                .count();
            if saved >= target {
                break;
            }
            if let Some(Outcome::Failed { status, stderr }) = outcomes
                .lock()
                .unwrap()
                .iter()
                .find(|o| matches!(o, Outcome::Failed { .. }))
            {
                panic!("round {round}: a writer failed on its own ({status}): {stderr}");
            }
            assert!(
                waiting.elapsed() < DEADLINE,
                "round {round}: no save reported within {DEADLINE:?}"
            );
            thread::sleep(Duration::from_millis(1));
        }
        thread::sleep(Duration::from_micros(rng.below(8000)));
        group.kill();
        for w in writers {
            w.join().expect("a writer thread panicked");
        }
        drop(group);

        let outcomes = std::mem::take(&mut *outcomes.lock().unwrap());
        let mut killed_here = 0;
        for o in outcomes {
            match o {
                Outcome::Saved { table, id, content } => {
                    if let Some(earlier) = reported.insert((table, id), content.clone()) {
                        panic!("round {round}: id {id} in {table:?} reported twice: {earlier:?} and {content:?}");
                    }
                }
                Outcome::Killed => killed_here += 1,
                Outcome::Failed { status, stderr } => {
                    panic!("round {round}: a writer failed on its own ({status}): {stderr}")
                }
            }
        }
        killed_processes += killed_here;
        if killed_here > 0 {
            in_flight_kills += 1;
        }

        if unfinished_wal_frames(&db) > 0 {
            mid_transaction += 1;
        }
        let stored = check_database(&db);
        for (key, content) in &reported {
            match stored.rows.get(key) {
                Some(found) => assert_eq!(
                    found, content,
                    "round {round}: {key:?} was reported saved with other content"
                ),
                None => panic!("round {round}: {key:?} ({content}) was reported saved and is gone"),
            }
        }
        let contents: HashSet<&String> = stored.rows.values().collect();
        assert_eq!(contents.len(), stored.rows.len(), "round {round}: a save stored twice");
        let visit_ids: HashSet<i64> = stored.repeat_links.iter().map(|(id, _)| *id).collect();
        for (id, repeat_of) in &stored.repeat_links {
            if let Some(earlier) = repeat_of {
                assert!(
                    earlier < id && visit_ids.contains(earlier),
                    "round {round}: visit {id} is a 重访 of {earlier}, which is not an earlier visit"
                );
            }
        }
    }

    let stored = check_database(&db);
    let unconfirmed = stored.rows.len() - reported.len();
    assert!(!reported.is_empty());
    assert!(
        reported.values().all(|c| stored.rows.values().any(|s| s == c)),
        "every reported save is still there"
    );
    eprintln!(
        "crash safety: {kills} kills (SIGKILL to the whole writer group; seed {seed}), {in_flight_kills} of them \
         caught at least one zhiban process mid-save ({killed_processes} processes killed mid-save in all), \
         {mid_transaction} left an unfinished transaction in the WAL; \
         {} reported saves checked after every kill ({} log entries, {} visits), 0 lost, 0 changed; \
         {unconfirmed} more rows committed but killed before printing their id; integrity_check ok {kills} times; \
         {:.1} s",
        reported.len(),
        reported.keys().filter(|(t, _)| *t == Table::Log).count(),
        reported.keys().filter(|(t, _)| *t == Table::Visit).count(),
        started.elapsed().as_secs_f64()
    );
}
