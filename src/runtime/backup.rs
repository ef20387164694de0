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
    running: Option<Receiver<String>>,
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

    /// Starts a backup when one is due; returns what to say when one finished.
    pub fn poll(&mut self, now: NaiveDateTime) -> Option<String> {
        if let Some(rx) = &self.running {
            return match rx.try_recv() {
                Ok(said) => {
                    self.running = None;
                    Some(said)
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => None,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.running = None;
                    Some("自动备份失败：备份线程意外退出".into())
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
                Ok(path) => {
                    let pruned = backup::prune(&dir, keep, now);
                    let pruned = if pruned > 0 {
                        format!("，删除过期备份 {pruned} 份")
                    } else {
                        String::new()
                    };
                    format!("已自动备份：{}{pruned}", path.display())
                }
                Err(e) => format!(
                    "自动备份失败：{e}。请检查备份目录 {}，或运行 zhiban backup",
                    dir.display()
                ),
            };
            let _ = tx.send(said);
        });
        self.running = Some(rx);
        None
    }
}
