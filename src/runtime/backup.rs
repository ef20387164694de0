//! The daily automatic backup: checked at start and every hour; when due, taken on a worker
//! thread of its own at the lowest CPU priority (nice 19; Linux derives the thread's I/O priority
//! from it), with its own read-only connection: the screen never waits for it, and the read
//! transaction lasts only the online copy (`store::backup`). Then the rotation prunes, and once a
//! week a backup is restored as a test. The result comes back as a message the core says.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::core::backup::{Outcome, Retention, TestRestore};
use crate::core::settings::BackupSettings;
use crate::store::backup;

const CHECK_EVERY: Duration = Duration::from_secs(3600);

pub struct AutoBackup {
    db: PathBuf,
    dir: PathBuf,
    keep: Retention,
    enabled: bool,
    next_check: Instant,
    running: Option<Receiver<Result<Outcome, String>>>,
}

impl AutoBackup {
    #[must_use]
    pub fn new(settings: &BackupSettings, db: PathBuf) -> Self {
        Self {
            dir: settings.dir_for(&db),
            db,
            keep: settings.keep,
            enabled: settings.daily,
            next_check: Instant::now(),
            running: None,
        }
    }

    /// Starts a backup when one is due; when one finished, what it did, or why it failed (the
    /// core says it).
    pub fn poll(&mut self, now: NaiveDateTime) -> Option<Result<Outcome, String>> {
        if let Some(rx) = &self.running {
            return match rx.try_recv() {
                Ok(said) => {
                    self.running = None;
                    Some(said)
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => None,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.running = None;
                    Some(Err("备份线程意外退出".into()))
                }
            };
        }
        if !self.enabled || Instant::now() < self.next_check {
            return None;
        }
        self.next_check = Instant::now() + CHECK_EVERY;
        if !backup::due(&self.dir, now) {
            return None;
        }
        let (tx, rx) = channel();
        let (db, dir, keep) = (self.db.clone(), self.dir.clone(), self.keep);
        let spawned = std::thread::Builder::new().name("zhiban-backup".into()).spawn(move || {
            lower_priority();
            let _ = tx.send(run(&db, &dir, keep, now));
        });
        match spawned {
            Ok(_) => {
                self.running = Some(rx);
                None
            }
            Err(e) => Some(Err(format!("系统不允许再开线程（{e}）"))),
        }
    }
}

/// This thread yields the CPU to the screen and the store (nice 19). Best effort: a system that
/// refuses leaves it at normal priority.
fn lower_priority() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
}

/// One automatic backup: written and checked, the rotation applied, and when due the weekly test
/// restore, recorded in the backup directory.
pub fn run(db: &Path, dir: &Path, keep: Retention, now: NaiveDateTime) -> Result<Outcome, String> {
    // The newest backup before today's: tested from the disk, not from the page cache that
    // writing today's has just filled.
    let before = backup::list(dir).pop().map(|(_, p)| p);
    let written = backup::backup_file(db, dir, now).map_err(|e| format!("{e}（备份目录 {}）", dir.display()))?;
    let pruned = backup::prune(dir, keep, now);
    let test = crate::core::backup::test_restore_due(backup::last_test_passed(dir), now).then(|| {
        let file = before.filter(|p| p.exists()).unwrap_or_else(|| written.path.clone());
        let work_dir = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let result = backup::test_restore(&file, work_dir, now).map_err(|e| e.to_string());
        // The record is for whoever checks the backups later; the status line says a failure now.
        let _ = backup::record_test(dir, now, &file, &result);
        TestRestore {
            file: file.display().to_string(),
            failed: result.err(),
        }
    });
    Ok(Outcome {
        file: written.path.display().to_string(),
        bytes: written.bytes,
        compressed: written.compressed,
        pruned,
        test,
    })
}
