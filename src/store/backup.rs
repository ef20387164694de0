//! Backups with SQLite's online backup API: a consistent copy while the app keeps writing, private
//! to its owner (0600) like the database; automatic daily copies pruned after the retention; and
//! a restore that checks the file before it replaces anything (and keeps a copy of what it replaces).

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::{Result, SCHEMA_VERSION, Store, StoreError};

/// Automatic and manual backups are named `zhiban-YYYYMMDD-HHMMSS.db`; only those are pruned.
const PREFIX: &str = "zhiban-";
const STAMP: &str = "%Y%m%d-%H%M%S";

/// The file name for a backup taken at `now`.
#[must_use]
pub fn file_name(now: NaiveDateTime) -> String {
    format!("{PREFIX}{}.db", now.format(STAMP))
}

/// When a backup file was taken, from its name.
#[must_use]
pub fn taken_at(path: &Path) -> Option<NaiveDateTime> {
    let name = path.file_name()?.to_str()?;
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(".db")?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok()
}

/// The backups in `dir`, oldest first.
#[must_use]
pub fn list(dir: &Path) -> Vec<(NaiveDateTime, PathBuf)> {
    let mut out: Vec<(NaiveDateTime, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| taken_at(&p).map(|t| (t, p)))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Whether a daily backup is due: none in `dir`, or the newest is a day old.
#[must_use]
pub fn due(dir: &Path, now: NaiveDateTime) -> bool {
    list(dir).last().is_none_or(|(t, _)| now - *t >= TimeDelta::days(1))
}

/// Deletes backups older than `keep_days`, always keeping the newest. Returns how many went.
pub fn prune(dir: &Path, keep_days: u32, now: NaiveDateTime) -> usize {
    let all = list(dir);
    let newest = all.last().map(|(_, p)| p.clone());
    let mut removed = 0;
    for (t, p) in all {
        if Some(&p) != newest.as_ref()
            && now - t > TimeDelta::days(i64::from(keep_days))
            && std::fs::remove_file(&p).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Copies the database at `source` (opened read-only: safe while another process writes) into a
/// new file in `dir`, checks the copy, and returns its path.
pub fn backup_file(source: &Path, dir: &Path, now: NaiveDateTime) -> Result<PathBuf> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| StoreError::CreateDir {
            path: dir.into(),
            source,
        })?;
    let dest = dir.join(file_name(now));
    // Created private before SQLite writes a byte to it; never overwrites an existing file nor
    // follows a link planted in its place.
    crate::files::create_private(&dest)?;
    let result = (|| {
        let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        src.busy_timeout(Duration::from_secs(5))?;
        src.backup(MAIN_DB, &dest, None)?;
        check_file(&dest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&dest);
    }
    result.map(|()| dest)
}

impl Store {
    /// A backup of this database into `dir`.
    pub fn backup_into(&self, dir: &Path, now: NaiveDateTime) -> Result<PathBuf> {
        backup_file(&self.path, dir, now)
    }
}

/// Checks that `path` is a sound zhiban database this build can open: a regular file (a FIFO
/// would hang the check, a device would read as an empty database), integrity, schema version,
/// the duty log present. Reads only.
pub fn check_file(path: &Path) -> Result<()> {
    crate::files::require_regular(path, "数据库文件或备份文件")?;
    // A full disk, a failing one or a busy file is said as such; anything else means the file is
    // not a database this build can read.
    let not_db = |e: rusqlite::Error| match StoreError::from(e) {
        e @ (StoreError::DiskFull | StoreError::DiskIo | StoreError::Busy) => e,
        _ => StoreError::NotADatabase { path: path.into() },
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(not_db)?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(not_db)?;
    if integrity != "ok" {
        return Err(StoreError::Refused(format!(
            "{} 未通过 SQLite 完整性检查（{integrity}）：请换一个备份",
            path.display()
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_db)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerVersion {
            path: path.into(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let has_log: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'log_entry'",
            [],
            |r| r.get(0),
        )
        .map_err(not_db)?;
    if version < 1 || has_log == 0 {
        return Err(StoreError::NotADatabase { path: path.into() });
    }
    Ok(())
}

/// Replaces the database at `target` with the backup `from`, after checking `from` and copying
/// the current database into `keep_dir` (so a restore can itself be undone). Returns that copy.
/// The restored database is private to its owner (0600), like every database zhiban makes: a
/// missing one is created so, an existing one is made so.
pub fn restore(from: &Path, target: &Path, keep_dir: &Path, now: NaiveDateTime) -> Result<Option<PathBuf>> {
    check_file(from)?;
    let kept = if target.exists() {
        check_file(target).ok();
        Some(backup_file(target, keep_dir, now)?)
    } else {
        // Created private before SQLite writes a byte, never through a planted link.
        crate::files::create_private(target)?;
        None
    };
    let mut conn = Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
    drop(conn);
    let private = std::iter::once(target.to_path_buf())
        .chain(crate::files::side_files(target))
        .filter(|p| p.exists());
    for p in private {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::File(crate::files::describe(&p, e)))?;
    }
    check_file(target)?;
    Ok(kept)
}
