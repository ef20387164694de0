//! The daily automatic backup: checked at start and every hour; when due, taken on a worker
//! thread with its own read-only connection (the screen never waits for it), then old copies are
//! pruned. The result comes back as a status-line message.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::core::settings::BackupSettings;
use crate::store::backup;

const CHECK_EVERY: Duration = Duration::from_secs(3600);

pub struct AutoBackup {
    db: PathBuf,
    dir: PathBuf,
    keep_days: u32,
    enabled: bool,
    next_check: Instant,
    running: Option<Receiver<Result<(String, usize), String>>>,
}

impl AutoBackup {
    #[must_use]
    pub fn new(settings: &BackupSettings, db: PathBuf) -> Self {
        Self {
            dir: settings.dir_for(&db),
            db,
            keep_days: settings.keep_days,
            enabled: settings.daily,
            next_check: Instant::now(),
            running: None,
        }
    }

    /// Starts a backup when one is due; when one finished, the file written and how many old
    /// ones were removed, or why it failed (the core says it).
    pub fn poll(&mut self, now: NaiveDateTime) -> Option<Result<(String, usize), String>> {
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
        let (db, dir, keep) = (self.db.clone(), self.dir.clone(), self.keep_days);
        std::thread::spawn(move || {
            let said = match backup::backup_file(&db, &dir, now) {
                Ok(path) => Ok((path.display().to_string(), backup::prune(&dir, keep, now))),
                Err(e) => Err(format!("{e}（备份目录 {}）", dir.display())),
            };
            let _ = tx.send(said);
        });
        self.running = Some(rx);
        None
    }
}
