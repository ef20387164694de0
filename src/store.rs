//! The store: one SQLite file, and the only module that speaks SQL.
//!
//! Opening creates the file private to its owner (0600) before SQLite touches it, refuses a file
//! written by a newer zhiban without changing a byte of it, then turns on WAL, foreign keys,
//! `synchronous=FULL` (a duty log must survive a power cut) and a busy timeout, and applies the
//! missing migrations in one exclusive transaction tracked by `PRAGMA user_version`.
//! Every write is one transaction; callers report "saved" only after it returned.

pub mod audit;
pub mod backup;
pub mod directory;
pub mod document;
pub mod draft;
pub mod export;
pub mod guard;
pub mod handover;
pub mod holiday;
pub mod hook_send;
pub mod instruction;
pub mod log;
pub mod pin;
pub mod redaction;
pub mod report;
pub mod retention;
pub mod roster;
pub mod roster_plan;
pub mod search;
pub mod spotcheck;
pub mod stats;
pub mod urgent;
pub mod visit;

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime, Timelike};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

/// Who a finding is recorded as when the store itself found it.
pub const SYSTEM_FINDER: &str = "（系统）";

/// Append-only list of migrations; the position in the list is the schema version.
/// Never remove or edit an entry once shipped.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_urgent.sql"),
    include_str!("../migrations/0003_entry_alert.sql"),
    include_str!("../migrations/0004_roster.sql"),
    include_str!("../migrations/0005_handover.sql"),
    include_str!("../migrations/0006_visit.sql"),
    include_str!("../migrations/0007_audit.sql"),
    include_str!("../migrations/0008_search.sql"),
    include_str!("../migrations/0009_search_compact.sql"),
    include_str!("../migrations/0010_audit_compact.sql"),
    include_str!("../migrations/0011_visit_repeat_index.sql"),
    include_str!("../migrations/0012_pin_attempt.sql"),
    include_str!("../migrations/0013_urgent_enrolment.sql"),
    include_str!("../migrations/0014_tamper_and_drafts.sql"),
    include_str!("../migrations/0015_urgent_clocks_and_facts.sql"),
    include_str!("../migrations/0016_daily_report_sent.sql"),
    include_str!("../migrations/0017_search_rebuild.sql"),
    include_str!("../migrations/0018_search_pairs.sql"),
    include_str!("../migrations/0019_search_ascii_tokenizer.sql"),
    include_str!("../migrations/0020_leader_request.sql"),
    include_str!("../migrations/0021_instruction_cycle.sql"),
    include_str!("../migrations/0022_open_sets.sql"),
    include_str!("../migrations/0023_documents_directory_spotcheck.sql"),
    include_str!("../migrations/0024_holiday_rosters.sql"),
    include_str!("../migrations/0025_search_documents.sql"),
    include_str!("../migrations/0026_redaction.sql"),
    include_str!("../migrations/0027_visit_retention.sql"),
    include_str!("../migrations/0028_notify_claim.sql"),
    include_str!("../migrations/0029_stats_indexes.sql"),
    include_str!("../migrations/0030_roster_plan.sql"),
    include_str!("../migrations/0031_hook_send.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// WAL pages between checkpoints during a bulk import (64 MiB, about 20 batches of 5,000 rows).
/// Never checkpointing until the end was no faster: reading through a WAL of a gigabyte slows
/// every write (measured on the ten-year import: 1,000 pages 36.7 s, never 37.0 s, 4,096 32.6 s,
/// 16,384 30.6 s, 65,536 29.8 s for its records and audit rows).
const IMPORT_CHECKPOINT_PAGES: i64 = 16_384;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// How long a write waits for another terminal's transaction before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a write waiting for the lock tries again.
const BUSY_RETRY: Duration = Duration::from_millis(1);

/// The busy handler of every connection the store opens: tries again every millisecond for
/// [`BUSY_TIMEOUT`]. SQLite's own handler backs off to one try per 100 ms, and a writer that
/// keeps taking the lock back at once (the index rebuild, a script's loop) left a gap it never
/// hit: a save waited its whole 5 s and failed behind work it could have slipped between.
pub(crate) fn wait_for_the_lock(tries: i32) -> bool {
    retry_within(tries, BUSY_TIMEOUT)
}

/// [`wait_for_the_lock`] for at most `limit`.
pub(crate) fn retry_within(tries: i32, limit: Duration) -> bool {
    let waited = BUSY_RETRY.saturating_mul(u32::try_from(tries).unwrap_or(u32::MAX));
    if waited >= limit {
        return false;
    }
    std::thread::sleep(BUSY_RETRY);
    true
}

/// Everything that can go wrong in the store, with messages an officer can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "数据库文件 {path} 由更新版本的 zhiban 创建（数据版本 {found}，本程序支持到 {supported}）：请升级 zhiban 后再打开；文件未作任何改动"
    )]
    NewerVersion { path: PathBuf, found: i64, supported: i64 },
    #[error("{path} 是一个目录，不是数据库文件：请用 --db 指定一个文件路径")]
    IsDirectory { path: PathBuf },
    #[error("无法读写数据库文件 {path}：没有权限。请检查文件属主和权限（应为当前用户可读写），或用 --db 指定其他文件")]
    PermissionDenied { path: PathBuf },
    #[error("{path} 不是 zhiban 数据库，或文件已损坏：请用 --db 指定正确的文件，或从备份恢复；文件未作任何改动")]
    NotADatabase { path: PathBuf },
    #[error("数据库正被另一个终端长时间占用（等待 {}秒后仍未释放）：请稍后重试", BUSY_TIMEOUT.as_secs())]
    Busy,
    #[error("数据库路径 {path} 无法使用：其中的 {file} 是一个文件，不是目录。请用 --db 指定一个目录中的文件路径")]
    NotADirectory { path: PathBuf, file: PathBuf },
    #[error("数据库文件已损坏：请停止使用此文件，从备份恢复，或用 --db 指定其他文件")]
    Corrupt,
    #[error("无法创建数据目录 {path}：{source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("无法打开数据库文件 {path}：{source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("记录不存在：第 {0} 号")]
    NotFound(i64),
    #[error("数据库拒绝了这次写入：{0}")]
    Refused(String),
    /// The guard refused to write over a row changed outside the app (recorded as a finding).
    #[error(
        "{table} 第 {row_id} 行{what}：这次写入已拒绝，该行未作改动。已记入审计；请报告领导核实，由领导用 zhiban audit ack 确认后才能再写这一行"
    )]
    Tampered { table: String, row_id: i64, what: String },
    #[error(
        "磁盘已满：数据库写不进去，这次操作没有完成（已保存的记录不受影响）。{}",
        crate::files::DISK_FULL_FIX
    )]
    DiskFull,
    #[error(
        "读写数据库文件时磁盘出错（I/O 错误），这次操作没有完成：请先用 df -h 查看磁盘是否已满，清理后重试；磁盘未满仍出错，可能是磁盘故障，请停止使用此文件并从备份恢复"
    )]
    DiskIo,
    #[error("数据库路径 {path} 是一个符号链接，指向的文件不存在：请用 --db 指定真正的数据库文件，或删除这个链接")]
    DanglingLink { path: PathBuf },
    #[error(
        "数据库旁的 {path} 是一个符号链接：SQLite 会顺着它写到别处。请确认数据目录无人改动后删除它（rm {path}），再打开"
    )]
    SideFileLink { path: PathBuf },
    #[error("{0}")]
    File(#[from] crate::files::FileError),
    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
    /// A backup that does not check out (its checksum, its length, its compressed stream), in
    /// words that name the file and what to do.
    #[error("{0}")]
    Backup(String),
    /// The system refused a thread (building the search index uses a second one).
    #[error("无法建立查询索引：系统不允许再开线程（{0}）。请关闭其他程序后重试")]
    Thread(String),
    /// The key of the visitors' number digests (`store/retention.rs`) is not usable.
    #[error(
        "来访证件号码的密钥文件 {path} {why}：请从原机器找回这个文件（应为正好 32 字节的普通文件），或移走它（移走后，已脱敏的旧来访只能按证件号码后 4 位和姓名查到）"
    )]
    VisitKey { path: PathBuf, why: String },
}

impl From<rusqlite::Error> for StoreError {
    /// SQLite's error, classified: what the officer can act on gets its own words.
    fn from(e: rusqlite::Error) -> Self {
        let extended = match &e {
            rusqlite::Error::SqliteFailure(f, _) => f.extended_code,
            _ => 0,
        };
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::ConstraintViolation) => Self::Refused(e.to_string()),
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Self::Corrupt,
            // SQLITE_FULL: a write found no space (ENOSPC) or hit `max_page_count`.
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            // Growing the WAL index (`-shm`) writes a byte per page: with no space left it fails
            // as "disk I/O error", even for a read (measured on a full tmpfs).
            Some(ErrorCode::SystemIoFailure) if extended == rusqlite::ffi::SQLITE_IOERR_SHMSIZE => Self::DiskFull,
            Some(ErrorCode::SystemIoFailure) => Self::DiskIo,
            _ => Self::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// `PRAGMA data_version` when last looked at: it changes only when another connection (a
    /// second terminal, a script) commits.
    seen_data_version: Option<i64>,
    /// The newest audit row when last looked at (see [`Store::changed_elsewhere`]).
    seen_audit_head: Option<Option<i64>>,
    /// Rows changed in the current write, from SQLite's update hook, for the audit chain.
    pending: audit::Pending,
    /// Something was written (here or by another connection) since the search index last had
    /// nothing to merge: [`Store::tidy_search_index`] has work to look for.
    merge_wanted: bool,
    /// Records were rewritten to drop what they held (visitors' numbers past the retention
    /// period): the idle steps rewrite the search index too, so that the tombstoned documents'
    /// tokens leave its pages ([`Store::tidy_search_index`]).
    purge_wanted: bool,
    /// Visits reduced since the index was last rewritten for them: the idle app rewrites it
    /// every `store::retention::PURGE_AFTER_VISITS`, not after each day's handful.
    reduced_since_purge: usize,
    /// A bulk import is under way ([`Store::begin_import`]).
    importing: bool,
    /// Rows the guard found changed outside the app during the write under way (`store/guard.rs`).
    findings: guard::Findings,
    /// Rows to audit again as they stand, with who accepted them, in the next write.
    rebaseline: Vec<(String, i64, String)>,
    /// The key of the visitors' number digests, once its file is there (`store/retention.rs`).
    visit_key: std::cell::OnceCell<[u8; 32]>,
}

impl Store {
    /// [`Store::open`], then the whole search index built at once where records have no
    /// documents ([`Store::backfill_search`], telling `progress`): for the benchmarks and the
    /// tests. The app builds it in the background instead (`runtime/index.rs`), and the
    /// command-line verbs, which do not search, never wait for it.
    pub fn open_with_progress(path: &Path, progress: &mut dyn FnMut(search::BackfillProgress)) -> Result<Self> {
        let mut store = Self::open(path)?;
        store.backfill_search_with(progress)?;
        Ok(store)
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date. Never
    /// builds the search index: where records have no documents (after an upgrade that remade
    /// it, or a bulk import) it only records that a rebuild is wanted (`search_rebuild`), which
    /// [`Store::rebuild_search`] does.
    pub fn open(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Err(StoreError::IsDirectory { path: path.into() });
        }
        // A regular file where a directory should be: say which, in words (not "os error 20").
        let not_a_directory = || StoreError::NotADirectory {
            path: path.into(),
            file: path.ancestors().skip(1).find(|a| a.is_file()).unwrap_or(path).into(),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .map_err(|source| match source.kind() {
                    std::io::ErrorKind::NotADirectory => not_a_directory(),
                    _ => StoreError::CreateDir {
                        path: parent.into(),
                        source,
                    },
                })?;
        }
        // Create the file ourselves so it is private from its first byte, and never through a
        // symbolic link (O_EXCL); SQLite gives the WAL and shared-memory files the same mode as
        // the database file (checked in tests/store.rs).
        let io_err = |source: std::io::Error| match source.kind() {
            std::io::ErrorKind::PermissionDenied => StoreError::PermissionDenied { path: path.into() },
            std::io::ErrorKind::NotADirectory => not_a_directory(),
            _ if crate::files::is_disk_full(&source) => StoreError::File(crate::files::describe(path, source)),
            _ => StoreError::Io {
                path: path.into(),
                source,
            },
        };
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match crate::files::create_private(path) {
                // Another terminal created it meanwhile: open theirs.
                Ok(_) | Err(crate::files::FileError::Exists { .. }) => {}
                Err(crate::files::FileError::PermissionDenied { .. }) => {
                    return Err(StoreError::PermissionDenied { path: path.into() });
                }
                Err(crate::files::FileError::Io { source, .. }) => return Err(io_err(source)),
                Err(e) => return Err(e.into()),
            },
            Err(e) => return Err(io_err(e)),
            // An existing database may be reached through a link (an office's own layout).
            Ok(meta) if meta.file_type().is_symlink() && !path.exists() => {
                return Err(StoreError::DanglingLink { path: path.into() });
            }
            Ok(_) => {}
        }
        // A device or a FIFO would swallow every write: "saved" would be a lie.
        crate::files::require_regular(path, "数据库")?;
        // SQLite opens its companions with O_CREAT and follows a link there: refuse one.
        if let Some(link) = crate::files::side_files(path)
            .into_iter()
            .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
        {
            return Err(StoreError::SideFileLink { path: link });
        }
        OpenOptions::new().read(true).append(true).open(path).map_err(io_err)?;

        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify_open_error(e, path))?;
        conn.busy_handler(Some(wait_for_the_lock))?;
        // Every statement the store runs more than once is cached; a bulk import's writes and
        // audit rows alone use about 25 (rusqlite keeps 16 by default).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Read the version before anything writes to the file: a newer file must stay untouched,
        // and a file that is not a database must be reported as such.
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify_open_error(e, path))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerVersion {
                path: path.into(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .map_err(|e| classify_open_error(e, path))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Self {
            conn,
            path: path.into(),
            seen_data_version: None,
            seen_audit_head: None,
            merge_wanted: true,
            purge_wanted: false,
            reduced_since_purge: 0,
            pending: audit::Pending::default(),
            importing: false,
            findings: guard::Findings::default(),
            rebaseline: Vec::new(),
            visit_key: std::cell::OnceCell::new(),
        };
        store.migrate()?;
        // The digests' key, when there is one; a bad one is said where it is needed (a lookup,
        // a reduction), never here: the app must open.
        if let Ok(Some(key)) = retention::read_key(&retention::key_path(path)) {
            let _ = store.visit_key.set(key);
        }
        // Registered after the migrations: schema steps are not records. Neither are the audit
        // rows nor the search index (derived from the records).
        let pending = store.pending.clone();
        store.conn.update_hook(Some(
            move |action: rusqlite::hooks::Action, _db: &str, table: &str, rowid: i64| {
                if audit::is_audited(table)
                    && let Ok(mut p) = pending.lock()
                {
                    p.push((action, table.to_string(), rowid));
                }
            },
        ))?;
        // No write goes over a row changed outside the app (TEMP: on this connection only).
        guard::install(&store.conn, store.pending.clone(), store.findings.clone())?;
        // A draft once used or discarded, or any removed row, leaves nothing in the file.
        store.conn.pragma_update(None, "secure_delete", "ON")?;
        // Records without search documents (a database from before migration 0008, or loaded in
        // bulk): ask for the rebuild before anything written here indexes a newer record.
        store.request_missing_rebuild()?;
        Ok(store)
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether another connection committed since the last call (cheap: one pragma).
    pub fn changed_elsewhere(&mut self) -> Result<bool> {
        let now: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let touched = self.seen_data_version.is_some_and(|seen| seen != now);
        self.seen_data_version = Some(now);
        self.merge_wanted |= touched;
        // Records changed only if the audit chain grew: every record written gets its audit row.
        // Derived data written elsewhere (the index rebuilt in the background, a batch every few
        // tens of milliseconds for a minute; another terminal's drafts) is no news for the
        // screens, which would otherwise reload their lists every second meanwhile.
        let head: Option<i64> = self.conn.query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))?;
        let changed = touched && self.seen_audit_head != Some(head);
        self.seen_audit_head = Some(head);
        Ok(changed)
    }

    /// Stops the statement running on this connection whenever `stop()` says so (asked every
    /// `steps` virtual-machine steps): the reader thread stops a query the officer has already
    /// replaced. Only for a connection that never writes (a stopped write would be rolled back).
    pub fn stop_queries_when(&self, steps: i32, stop: impl FnMut() -> bool + Send + 'static) -> Result<()> {
        Ok(self.conn.progress_handler(steps, Some(stop))?)
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        // Already current (every start but the first after an upgrade): write nothing, so opening
        // never waits on an fsync or behind another terminal's write.
        if self.schema_version()? == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        // Re-checked inside the lock: another process may have upgraded the file meanwhile.
        if current > SCHEMA_VERSION {
            return Err(StoreError::NewerVersion {
                path: self.path.clone(),
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        let start = usize::try_from(current).unwrap_or(0);
        for sql in MIGRATIONS.iter().skip(start) {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in one IMMEDIATE transaction (the write lock is taken at BEGIN, so two terminals
    /// wait for each other instead of failing halfway) and commits it.
    /// Every row it changed gets its audit row, and every record its search document, in the
    /// same transaction. During a bulk import, see [`Store::begin_import`].
    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.importing {
            return self.write_in_import(f);
        }
        let pending = self.pending.clone();
        let take = || pending.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        take();
        self.take_findings();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx);
        let changes = take();
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                drop(tx);
                return Err(self.refused(e));
            }
        };
        search::reindex(&tx, &changes)?;
        audit::append(&tx, &changes, &std::mem::take(&mut self.rebaseline))?;
        tx.commit()?;
        self.merge_wanted = true;
        Ok(value)
    }

    fn take_findings(&self) -> Vec<guard::Finding> {
        self.findings
            .lock()
            .map(|mut f| std::mem::take(&mut *f))
            .unwrap_or_default()
    }

    /// A write failed and rolled back. If the guard refused it (a row changed outside the app),
    /// the finding is recorded in a transaction of its own and the error names the row.
    fn refused(&mut self, e: StoreError) -> StoreError {
        let found = self.take_findings();
        let Some(first) = found.first().cloned() else {
            return e;
        };
        if let Err(why) = self.record_findings(&found, SYSTEM_FINDER) {
            return StoreError::Refused(format!(
                "{} 第 {} 行{}，写入已拒绝；这一发现也未能记录：{why}",
                first.table,
                first.row_id,
                first.kind.label()
            ));
        }
        StoreError::Tampered {
            table: first.table,
            row_id: first.row_id,
            what: first.kind.label().to_string(),
        }
    }

    /// Records each finding not already recorded and unacknowledged (a write retried every
    /// second finds the same row once).
    pub fn record_findings(&mut self, found: &[guard::Finding], by: &str) -> Result<usize> {
        let found = found.to_vec();
        let now = chrono::Local::now()
            .naive_local()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        self.write(|tx| {
            let mut open = tx.prepare_cached(
                "SELECT 1 FROM tamper_finding f WHERE f.tbl = ?1 AND f.row_id = ?2 \
                 AND NOT EXISTS (SELECT 1 FROM tamper_ack a WHERE a.finding_id = f.id)",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO tamper_finding (tbl, row_id, what, found_at, found_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut n = 0;
            for f in &found {
                if !open.exists(rusqlite::params![f.table, f.row_id])? {
                    insert.execute(rusqlite::params![f.table, f.row_id, f.kind.label(), now, by])?;
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    /// Starts a bulk import (records from an older system). Until [`Store::finish_import`], each
    /// write (`insert_entry`, `add_visit`, `checkout`, `sign_handover`, …) runs its own statements
    /// as always but joins one open transaction instead of committing on its own, and
    /// [`Store::commit_import_batch`] commits the batch with its audit rows, chained as every
    /// write's are. A write that fails rolls back the whole open batch: nothing of it is kept, and
    /// the import resumes after the last committed batch (so does one stopped by a crash or a
    /// power cut: `synchronous=FULL` stays, every committed batch is durable). The WAL is
    /// checkpointed every `IMPORT_CHECKPOINT_PAGES` instead of every 1,000 pages (at almost every
    /// batch, each waiting for a second fsync), and once at the end. Search documents are not
    /// written record by record: [`Store::finish_import`] asks for a rebuild, which
    /// [`Store::backfill_search`] (or the app, in the background) does in bulk.
    pub fn begin_import(&mut self) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", IMPORT_CHECKPOINT_PAGES)?;
        self.importing = true;
        Ok(())
    }

    /// Rows changed in the open import batch (commit every few thousand).
    #[must_use]
    pub fn import_batch_rows(&self) -> usize {
        self.pending.lock().map_or(0, |p| p.len())
    }

    /// Commits the open import batch, with one audit row per record it changed. On an error the
    /// batch is rolled back.
    pub fn commit_import_batch(&mut self) -> Result<()> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        let changes = self
            .pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let committed = (|| {
            audit::append(&self.conn, &changes, &[])?;
            self.conn.prepare_cached("COMMIT")?.execute([])?;
            Ok(())
        })();
        if committed.is_err() {
            self.roll_back_import_batch();
        }
        committed
    }

    /// Commits the last import batch, checkpoints the WAL once and goes back to one committed
    /// transaction per write.
    pub fn finish_import(&mut self) -> Result<()> {
        self.commit_import_batch()?;
        self.importing = false;
        // SQLite's default, which every other connection to the file has.
        self.conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        // The imported records have no search documents: ask for them from the newest down.
        self.request_rebuild(crate::core::search::DocKind::ALL)
    }

    /// One write of an import, in the open batch (begun if none is).
    fn write_in_import<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.conn.is_autocommit() {
            self.conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        }
        let value = f(&self.conn);
        if value.is_err() {
            self.roll_back_import_batch();
        }
        value
    }

    fn roll_back_import_batch(&mut self) {
        if !self.conn.is_autocommit() {
            // The error that got us here is what the caller needs to see, not the rollback's.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if let Ok(mut pending) = self.pending.lock() {
            pending.clear();
        }
    }
}

fn classify_open_error(e: rusqlite::Error, path: &Path) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::NotADatabase { path: path.into() },
        Some(ErrorCode::PermissionDenied | ErrorCode::ReadOnly | ErrorCode::CannotOpen) => {
            StoreError::PermissionDenied { path: path.into() }
        }
        _ => StoreError::from(e),
    }
}

/// Stored time format: local wall-clock seconds.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

pub(crate) fn time_to_sql(t: NaiveDateTime) -> String {
    // `TIME_FORMAT` without parsing the format string at every call (an import writes millions).
    if (0..=9999).contains(&t.year()) {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    } else {
        t.format(TIME_FORMAT).to_string()
    }
}

pub(crate) fn time_from_sql(s: &str) -> rusqlite::Result<NaiveDateTime> {
    // `TIME_FORMAT` read by hand (chrono parses the format string at every call); anything else
    // goes to chrono, which says what is wrong.
    let b = s.as_bytes();
    let num = |from: usize, to: usize| {
        b.get(from..to)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 19 && b[4] == b'-' && b[7] == b'-' && b[10] == b' ' && b[13] == b':' && b[16] == b':' {
        let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
        let (hour, minute, second) = (num(11, 13), num(14, 16), num(17, 19));
        if let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(se)) = (year, month, day, hour, minute, second)
            && let Some(t) = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).unwrap_or(0), mo, d)
                .and_then(|date| date.and_hms_opt(h, mi, se))
        {
            return Ok(t);
        }
    }
    NaiveDateTime::parse_from_str(s, TIME_FORMAT)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Reads a stored time column.
pub(crate) fn row_time(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDateTime> {
    time_from_sql(&row.get::<_, String>(i)?)
}

/// Reads a stored time column that may be NULL.
pub(crate) fn row_opt_time(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    row.get::<_, Option<String>>(i)?
        .as_deref()
        .map(time_from_sql)
        .transpose()
}

/// Parses a stored label; a label this build does not know is a corrupt row, not a panic.
pub(crate) fn row_label<T>(
    row: &rusqlite::Row<'_>,
    i: usize,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let s: String = row.get(i)?;
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("未知取值“{s}”").into())
    })
}

/// Whether the file's permission bits let only its owner in.
pub fn is_private(path: &Path) -> std::io::Result<bool> {
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn a_full_disk_is_classified_as_such_and_said_with_what_to_do() {
        assert!(matches!(
            StoreError::from(sqlite_error(rusqlite::ffi::SQLITE_FULL)),
            StoreError::DiskFull
        ));
        // What a read on a full disk gives when the WAL index must grow (seen on a full tmpfs).
        assert!(matches!(
            StoreError::from(sqlite_error(rusqlite::ffi::SQLITE_IOERR_SHMSIZE)),
            StoreError::DiskFull
        ));
        // Other I/O errors: said in Chinese, a full disk named as the first thing to check.
        let io = StoreError::from(sqlite_error(rusqlite::ffi::SQLITE_IOERR_FSYNC));
        assert!(matches!(io, StoreError::DiskIo), "{io:?}");
        assert!(
            io.to_string().contains("df -h") && !io.to_string().contains("disk I/O"),
            "{io}"
        );
        let said = StoreError::DiskFull.to_string();
        assert!(
            said.starts_with("磁盘已满") && said.contains("请清理磁盘空间"),
            "{said}"
        );
        assert!(!said.contains("disk is full"), "{said}");
        // Opening classifies the same way.
        let open = classify_open_error(sqlite_error(rusqlite::ffi::SQLITE_FULL), Path::new("/x.db"));
        assert!(matches!(open, StoreError::DiskFull), "{open:?}");
    }

    #[test]
    fn a_write_that_finds_no_room_says_disk_full_keeps_what_was_saved_and_works_again_with_room() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("zhiban.db")).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(3, 10, 0))
            .unwrap();
        let entry = |i: usize| {
            let raw = [
                (crate::core::log::LogField::Kind, "来电".to_string()),
                (crate::core::log::LogField::Unit, "城关镇".to_string()),
                (
                    crate::core::log::LogField::Content,
                    format!("第{i}条{}", "河".repeat(3000)),
                ),
            ]
            .into_iter()
            .collect();
            crate::core::log::build_entry(&raw, "张三", now).unwrap()
        };
        store.insert_entry(&entry(0)).unwrap();
        // SQLITE_FULL without filling a real disk: the file may grow by a few pages only.
        let pages: i64 = store.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        store.conn.pragma_update(None, "max_page_count", pages + 8).unwrap();
        let mut saved = 1;
        let error = loop {
            match store.insert_entry(&entry(saved)) {
                Ok(_) => saved += 1,
                Err(e) => break e,
            }
            assert!(saved < 100, "the page limit never bit");
        };
        assert!(matches!(error, StoreError::DiskFull), "{error:?}");
        assert!(error.to_string().starts_with("磁盘已满"), "{error}");
        assert_eq!(
            store.entries_since(None, 1000).unwrap().len(),
            saved,
            "what was saved stays"
        );
        store.conn.pragma_update(None, "max_page_count", 1_073_741_823).unwrap();
        store.insert_entry(&entry(saved)).unwrap();
        assert_eq!(store.entries_since(None, 1000).unwrap().len(), saved + 1);
    }

    #[test]
    fn stored_times_are_the_format_s_text() {
        for s in [
            "2026-11-23 09:05:07",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59",
            "2024-02-29 12:00:59",
        ] {
            let t = NaiveDateTime::parse_from_str(s, TIME_FORMAT).unwrap();
            assert_eq!(time_to_sql(t), s);
            assert_eq!(time_to_sql(t), t.format(TIME_FORMAT).to_string());
        }
        let far = chrono::NaiveDate::from_ymd_opt(10000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(time_to_sql(far), far.format(TIME_FORMAT).to_string());
    }

    #[test]
    fn stored_times_are_read_as_chrono_reads_them() {
        for s in [
            "2026-11-23 09:05:07",
            "0001-01-01 00:00:00",
            "2024-02-29 12:00:59",
            "2023-02-29 12:00:00",
            "2026-13-01 00:00:00",
            "2026-11-23 24:00:00",
            "2026-11-23 09:05",
            "2026-11-23T09:05:07",
            "2026-11-23 09:05:07 ",
            "２０２６-11-23 09:05:07",
            "+026-11-23 09:05:07",
            "",
        ] {
            let chrono = NaiveDateTime::parse_from_str(s, TIME_FORMAT).ok();
            assert_eq!(time_from_sql(s).ok(), chrono, "{s:?}");
        }
    }
}
