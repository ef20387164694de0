//! Backups that fit a duty-room PC: a consistent copy while the app keeps writing, compressed,
//! checked twice, private to its owner (0600) like the database; kept by a rotation
//! (`core::backup`); restored only after a check (and keeping a copy of what it replaces).
//!
//! Taking one, in steps that each hold as little as they can:
//! 1. SQLite's online backup API copies the database in one step into a private temporary file
//!    beside it (`.zhiban-backup-….tmp`): the only time the source's read transaction is held (a
//!    second or two for 1.7 GB from the page cache); the app keeps reading and writing meanwhile.
//! 2. The copy is checked (`PRAGMA integrity_check`, schema version, the duty log present) and
//!    summed up (row counts, the audit chain's head) for the weekly test restore.
//! 3. It is compressed (zstd, its frame checksum on) into a hidden `.zhiban-….db.zst.part` in the
//!    backup directory, hashing (SHA-256) what is compressed; a trailer records that hash, the
//!    length and the summary (a zstd skippable frame: `zstd -d` skips it, so the standard tool
//!    still decompresses a backup). The file is synced.
//! 4. It is read back and decompressed, and the SHA-256 and the length must match the trailer.
//! 5. Only then is it renamed to `zhiban-YYYYMMDD-HHMMSS.db.zst` (never over an existing file) and
//!    the directory synced: a file of that name is always whole and checked; a crash leaves a
//!    hidden part file, swept a day later.
//!
//! Backups from before compression (`zhiban-….db`, a plain SQLite file) are still listed,
//! rotated and restored.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, MAIN_DB, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Result, SCHEMA_VERSION, Store, StoreError};
use crate::core::backup::Retention;

/// Backups are named `zhiban-YYYYMMDD-HHMMSS.db.zst` (`.db` before compression); only those are
/// rotated.
const PREFIX: &str = "zhiban-";
const STAMP: &str = "%Y%m%d-%H%M%S";
const PLAIN: &str = ".db";
const COMPRESSED: &str = ".db.zst";
/// Work files start with this; a hidden name is never taken for a backup.
const WORK_PREFIX: &str = ".zhiban-";

/// The zstd level: measured on the ten-year file (docs/PERFORMANCE.md, "Backups"): level 3 is
/// within a few per cent of the size of the slower levels at a fraction of their time.
pub const LEVEL: i32 = 3;

/// What the file is read and written in.
const CHUNK: usize = 1 << 20;

/// A zstd frame starts with these bytes; a SQLite database with "SQLite format 3\0".
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// The trailer's skippable frame (magic 0x184D2A5E, little-endian), and the tag that ends it.
const TRAILER_MAGIC: [u8; 4] = [0x5E, 0x2A, 0x4D, 0x18];
const TRAILER_TAG: &[u8; 8] = b"ZHIBAN01";
/// A trailer larger than this is not one of ours.
const TRAILER_MAX: u64 = 64 * 1024;

/// The tables counted for the test restore: the records an officer would miss.
const COUNTED: &[&str] = &[
    "log_entry",
    "log_amendment",
    "log_instruction",
    "urgent_event",
    "urgent_report",
    "visit",
    "handover",
    "audit_log",
];

/// What a compressed backup says about itself, in its trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// 1: this layout.
    pub format: u32,
    /// When it was taken, `YYYY-MM-DD HH:MM:SS`.
    pub taken_at: String,
    /// The decompressed length in bytes.
    pub bytes: u64,
    /// SHA-256 of the decompressed stream, hex.
    pub sha256: String,
    pub summary: Summary,
}

/// Facts about a database that a sound copy of it must show again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub user_version: i64,
    /// The newest audit row and its hash (hex).
    pub audit_head: Option<(i64, String)>,
    /// Rows in each counted table this database has.
    pub rows: BTreeMap<String, i64>,
}

/// A backup written and checked.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    /// The database's size (the decompressed stream).
    pub bytes: u64,
    /// The backup file's size.
    pub compressed: u64,
    pub timings: Timings,
}

/// Where a backup's time went (for the bench and `zhiban backup`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// The online copy: the source's read transaction is held this long.
    pub copy: Duration,
    /// Integrity check and summary of the copy.
    pub check: Duration,
    /// Compressing, writing and syncing.
    pub compress: Duration,
    /// Reading back, decompressing and hashing.
    pub verify: Duration,
}

/// The file name for a backup taken at `now`.
#[must_use]
pub fn file_name(now: NaiveDateTime) -> String {
    format!("{PREFIX}{}{COMPRESSED}", now.format(STAMP))
}

/// When a backup file was taken, from its name (compressed, or a plain one from before).
#[must_use]
pub fn taken_at(path: &Path) -> Option<NaiveDateTime> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix(PREFIX)?;
    let stamp = rest.strip_suffix(COMPRESSED).or_else(|| rest.strip_suffix(PLAIN))?;
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

/// Whether a daily backup is due (`core::backup::due`).
#[must_use]
pub fn due(dir: &Path, now: NaiveDateTime) -> bool {
    let taken: Vec<NaiveDateTime> = list(dir).into_iter().map(|(t, _)| t).collect();
    crate::core::backup::due(&taken, now)
}

/// Deletes the backups the rotation does not keep (`core::backup::to_delete`). Returns how many went.
pub fn prune(dir: &Path, keep: Retention, now: NaiveDateTime) -> usize {
    let all = list(dir);
    let taken: Vec<NaiveDateTime> = all.iter().map(|(t, _)| *t).collect();
    crate::core::backup::to_delete(&taken, now, keep)
        .into_iter()
        .filter(|&i| std::fs::remove_file(&all[i].1).is_ok())
        .count()
}

/// Removes work files a crash left in `dir` (a temporary copy, a part file) more than a day old
/// by their name; a newer one may belong to a backup another terminal is taking now.
fn sweep(dir: &Path, now: NaiveDateTime) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let stamp = name
            .strip_prefix(WORK_PREFIX)
            .map(|r| r.trim_start_matches("backup-").trim_start_matches("restore-"))
            .and_then(|r| r.get(..15));
        let stale = stamp
            .and_then(|s| NaiveDateTime::parse_from_str(s, STAMP).ok())
            .is_some_and(|t| now - t > TimeDelta::days(1));
        let work = name.ends_with(".tmp") || name.ends_with(".part");
        if stale && work {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A work file removed when dropped (also when a step fails or the thread unwinds).
struct WorkFile(PathBuf);

impl WorkFile {
    /// Keeps the file: it became the backup.
    fn keep(mut self) {
        self.0 = PathBuf::new();
    }
}

impl Drop for WorkFile {
    fn drop(&mut self) {
        if self.0.as_os_str().is_empty() {
            return;
        }
        let _ = std::fs::remove_file(&self.0);
        for side in crate::files::side_files(&self.0) {
            let _ = std::fs::remove_file(side);
        }
    }
}

/// A new private work file in `dir` named `.zhiban-<what>-<stamp>-<pid>-<n>.tmp`.
fn work_file(dir: &Path, what: &str, now: NaiveDateTime) -> Result<(WorkFile, File)> {
    let stem = format!("{WORK_PREFIX}{what}-{}-{}", now.format(STAMP), std::process::id());
    let (path, file) = crate::files::create_private_numbered(dir, &stem, "tmp")?;
    Ok((WorkFile(path), file))
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::File(crate::files::describe(path, e))
}

/// Copies the database at `source` (opened read-only: safe while another process writes) into a
/// new compressed backup in `dir`, checks it, and says what it wrote.
pub fn backup_file(source: &Path, dir: &Path, now: NaiveDateTime) -> Result<Written> {
    backup_file_at(source, dir, now, LEVEL)
}

/// [`backup_file`] at a given zstd level (the bench compares levels).
pub fn backup_file_at(source: &Path, dir: &Path, now: NaiveDateTime, level: i32) -> Result<Written> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| StoreError::CreateDir {
            path: dir.into(),
            source,
        })?;
    let dest = dir.join(file_name(now));
    if std::fs::symlink_metadata(&dest).is_ok() {
        return Err(crate::files::FileError::Exists { path: dest }.into());
    }
    sweep(dir, now);
    sweep(dir_of(source), now);
    let mut timings = Timings::default();

    // 1. The online copy, beside the database (its disk has room for one; the backup disk gets
    //    only the compressed file, written once).
    let started = Instant::now();
    let (copy, _) = work_file(dir_of(source), "backup", now)?;
    online_copy(source, &copy.0)?;
    timings.copy = started.elapsed();

    // 2. Checked and summed up, with no lock on the source.
    let started = Instant::now();
    check_file(&copy.0)?;
    let summary = summarize(&copy.0)?;
    timings.check = started.elapsed();

    // 3. Compressed under a hidden name, synced.
    let started = Instant::now();
    let part_path = dir.join(format!("{WORK_PREFIX}{}.part", now.format(STAMP)));
    let part_file = crate::files::create_private(&part_path)?;
    let part = WorkFile(part_path.clone());
    let manifest = compress(&copy.0, part_file, &part_path, now, summary, level)?;
    drop(copy);
    timings.compress = started.elapsed();

    // 4. Read back and checked against its own trailer and what was compressed.
    let started = Instant::now();
    let read_back = verify_file(&part_path)?;
    if read_back != manifest {
        return Err(StoreError::Backup(format!(
            "备份 {} 写入后读回与写入时不符：备份磁盘可能有问题，请换一个目录或磁盘再备份",
            dest.display()
        )));
    }
    timings.verify = started.elapsed();

    // 5. The name that says "whole and checked".
    rename_new(&part_path, &dest)?;
    part.keep();
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
    let compressed = std::fs::metadata(&dest).map_err(io_err(&dest))?.len();
    Ok(Written {
        path: dest,
        bytes: manifest.bytes,
        compressed,
        timings,
    })
}

/// The online copy in one step: a consistent state however long it takes, and one read
/// transaction (many small steps restart whenever another connection writes).
fn online_copy(source: &Path, to: &Path) -> Result<()> {
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    src.busy_timeout(Duration::from_secs(5))?;
    let mut dst = Connection::open_with_flags(to, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    {
        let backup = Backup::new(&src, &mut dst)?;
        let mut waits = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                // Another connection holds a lock a moment (a checkpoint): wait a little.
                _ if waits < 100 => {
                    waits += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err(StoreError::Busy),
            }
        }
    }
    drop(src);
    // A file at rest needs no write-ahead log: opening it later (read-only too) makes no side files.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// The facts a restored copy must show again: schema version, rows per table, the audit head.
pub fn summarize(path: &Path) -> Result<Summary> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut rows = BTreeMap::new();
    for table in COUNTED {
        let exists: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if exists {
            // `table` is one of the names above, never input.
            let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            rows.insert((*table).to_string(), n);
        }
    }
    let audit_head = if rows.contains_key("audit_log") {
        conn.query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, super::audit::hash_hex(r.get_ref(1)?)))
        })
        .optional()?
    } else {
        None
    };
    Ok(Summary {
        user_version,
        audit_head,
        rows,
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compresses `from` into `out` (at `out_path`), hashing what is compressed, then the trailer;
/// syncs the file.
fn compress(
    from: &Path,
    out: File,
    out_path: &Path,
    now: NaiveDateTime,
    summary: Summary,
    level: i32,
) -> Result<Manifest> {
    let wr = io_err(out_path);
    let mut input = File::open(from).map_err(io_err(from))?;
    let len = input.metadata().map_err(io_err(from))?.len();
    let mut enc = zstd::stream::write::Encoder::new(BufWriter::with_capacity(CHUNK, out), level).map_err(&wr)?;
    enc.include_checksum(true).map_err(&wr)?;
    enc.set_pledged_src_size(Some(len)).map_err(&wr)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut bytes = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(io_err(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        enc.write_all(&buf[..n]).map_err(&wr)?;
        bytes += n as u64;
    }
    let mut out = enc.finish().map_err(&wr)?;
    let manifest = Manifest {
        format: 1,
        taken_at: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        bytes,
        sha256: hex(&hasher.finalize()),
        summary,
    };
    out.write_all(&trailer(&manifest)).map_err(&wr)?;
    let file = out.into_inner().map_err(|e| wr(e.into_error()))?;
    file.sync_all().map_err(&wr)?;
    Ok(manifest)
}

/// The trailer: a zstd skippable frame holding the manifest (JSON), its length and a tag, so it
/// is found from the end of the file.
fn trailer(m: &Manifest) -> Vec<u8> {
    let json = serde_json::to_vec(m).unwrap_or_default();
    let json_len = u32::try_from(json.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(json.len() + 20);
    out.extend_from_slice(&TRAILER_MAGIC);
    out.extend_from_slice(&(json_len + 12).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&json_len.to_le_bytes());
    out.extend_from_slice(TRAILER_TAG);
    out
}

/// The sentence for a backup that does not check out.
fn damaged(path: &Path, what: &str) -> StoreError {
    StoreError::Backup(format!(
        "备份文件 {} 已损坏（{what}）：不能用它恢复，请换一份备份（备份目录里按日期挑较早的一份）",
        path.display()
    ))
}

/// The manifest from the end of the compressed backup `file` (at `path`).
fn read_trailer(file: &mut File, path: &Path) -> Result<Manifest> {
    let len = file.metadata().map_err(io_err(path))?.len();
    // A file compressed by hand (`zstd x.db`) has no trailer either: say how to use it.
    let not_ours = || {
        damaged(
            path,
            "文件末尾没有 zhiban 备份的校验信息，可能没有写完或被截断；若是自己用 zstd 压缩的数据库，先用 zstd -d 解压再恢复",
        )
    };
    if len < 20 {
        return Err(not_ours());
    }
    let mut tail = [0u8; 12];
    file.seek(SeekFrom::Start(len - 12)).map_err(io_err(path))?;
    file.read_exact(&mut tail).map_err(io_err(path))?;
    if &tail[4..] != TRAILER_TAG {
        return Err(not_ours());
    }
    let json_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if json_len > TRAILER_MAX || json_len + 20 > len {
        return Err(not_ours());
    }
    let start = len - 20 - json_len;
    let mut frame = vec![0u8; usize::try_from(json_len + 8).unwrap_or(0)];
    file.seek(SeekFrom::Start(start)).map_err(io_err(path))?;
    file.read_exact(&mut frame).map_err(io_err(path))?;
    let size = u64::from(u32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]));
    if frame[..4] != TRAILER_MAGIC || size != json_len + 12 {
        return Err(not_ours());
    }
    let manifest: Manifest = serde_json::from_slice(&frame[8..]).map_err(|_| damaged(path, "校验信息无法读取"))?;
    if manifest.format != 1 {
        return Err(StoreError::Backup(format!(
            "备份文件 {} 是更新版本的 zhiban 写的（格式 {}）：请升级 zhiban 后再恢复",
            path.display(),
            manifest.format
        )));
    }
    file.seek(SeekFrom::Start(0)).map_err(io_err(path))?;
    Ok(manifest)
}

/// Decompresses the backup at `path` into `out` (`None`: only hashed), checking the zstd frame
/// checksum, the SHA-256 and the length against the trailer. Returns the manifest.
fn decompress(path: &Path, mut out: Option<(&mut dyn Write, &Path)>) -> Result<Manifest> {
    crate::files::require_regular(path, "备份文件")?;
    let mut file = File::open(path).map_err(io_err(path))?;
    let manifest = read_trailer(&mut file, path)?;
    let mut dec = zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(CHUNK, file))
        .map_err(|_| damaged(path, "压缩数据无法读取"))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut bytes = 0u64;
    loop {
        let n = match dec.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A read error of the disk is said as such; anything else is the data.
            Err(e) if e.raw_os_error().is_some() => return Err(io_err(path)(e)),
            Err(_) => return Err(damaged(path, "压缩数据校验失败")),
        };
        hasher.update(&buf[..n]);
        bytes += n as u64;
        if bytes > manifest.bytes {
            return Err(damaged(path, "解压后比记录的长"));
        }
        if let Some((w, to)) = out.as_mut() {
            w.write_all(&buf[..n]).map_err(io_err(to))?;
        }
    }
    if bytes != manifest.bytes {
        return Err(damaged(
            path,
            &format!("解压后 {bytes} 字节，记录的是 {} 字节", manifest.bytes),
        ));
    }
    if hex(&hasher.finalize()) != manifest.sha256 {
        return Err(damaged(path, "SHA-256 校验和不符"));
    }
    Ok(manifest)
}

/// Checks a compressed backup by decompressing it and hashing what comes out.
pub fn verify_file(path: &Path) -> Result<Manifest> {
    decompress(path, None)
}

/// Whether the file at `path` is a compressed backup (by its first bytes, not its name).
#[must_use]
pub fn is_compressed(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == ZSTD_MAGIC)
}

/// Renames `from` to `to` unless something is at `to` (a file, a planted link): never replaced.
fn rename_new(from: &Path, to: &Path) -> Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // A file system without the flag (some removable disks' drivers): look, then rename.
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            if std::fs::symlink_metadata(to).is_ok() {
                return Err(crate::files::FileError::Exists { path: to.into() }.into());
            }
            std::fs::rename(from, to).map_err(io_err(to))
        }
        Err(e) => Err(io_err(to)(e.into())),
    }
}

/// A backup ready to restore from: a plain database (an old backup, or a database file), or a
/// compressed backup decompressed into a private temporary file (removed when this is dropped).
pub struct Prepared {
    path: PathBuf,
    _work: Option<WorkFile>,
    /// The compressed backup's manifest.
    pub manifest: Option<Manifest>,
}

impl Prepared {
    /// The plain database to restore from.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Checks `from` for a restore and makes it a plain database: a compressed backup is decompressed
/// into `work_dir` (checksum and length checked), then either is checked as a database
/// ([`check_file`]); a compressed one must also show the rows and audit head it recorded.
pub fn prepare(from: &Path, work_dir: &Path, now: NaiveDateTime) -> Result<Prepared> {
    crate::files::require_regular(from, "数据库文件或备份文件")?;
    if !is_compressed(from) {
        check_file(from)?;
        return Ok(Prepared {
            path: from.to_path_buf(),
            _work: None,
            manifest: None,
        });
    }
    let (work, file) = work_file(work_dir, "restore", now)?;
    let mut w = BufWriter::with_capacity(CHUNK, file);
    let manifest = decompress(from, Some((&mut w, &work.0)))?;
    w.flush().map_err(io_err(&work.0))?;
    drop(w);
    check_file(&work.0).map_err(|e| match e {
        StoreError::NotADatabase { .. } => damaged(from, "解压后不是 zhiban 数据库"),
        e => e,
    })?;
    let found = summarize(&work.0)?;
    if found != manifest.summary {
        return Err(damaged(from, "解压后的记录条数或审计链与备份时记录的不符"));
    }
    Ok(Prepared {
        path: work.0.clone(),
        _work: Some(work),
        manifest: Some(manifest),
    })
}

/// The weekly test restore of the backup at `path`: decompressed into `work_dir` (beside the
/// database: room for one copy is there), opened with SQLite, `integrity_check`, rows and audit
/// head compared with what it recorded. Says what it found.
pub fn test_restore(path: &Path, work_dir: &Path, now: NaiveDateTime) -> Result<String> {
    let prepared = prepare(path, work_dir, now)?;
    let Some(m) = &prepared.manifest else {
        return Ok("旧格式（未压缩）备份，完整性检查通过".into());
    };
    let rows = m.summary.rows.get("log_entry").copied().unwrap_or(0);
    let visits = m.summary.rows.get("visit").copied().unwrap_or(0);
    let head = m
        .summary
        .audit_head
        .as_ref()
        .map_or_else(|| "无审计记录".to_string(), |(row, _)| format!("审计链到第 {row} 条"));
    Ok(format!(
        "解压 {:.1} MiB，SHA-256 相符，完整性检查通过，值班记录 {rows} 条、来访 {visits} 条，{head}，与备份时一致",
        m.bytes as f64 / 1_048_576.0
    ))
}

/// The test-restore record in a backup directory: one line a test (`core::backup::record_line`),
/// appended, for whoever checks the backups (and for when the next one is due).
pub const TEST_RECORD: &str = "restore-check.log";

/// When a test restore of a backup in `dir` last passed, from its record.
#[must_use]
pub fn last_test_passed(dir: &Path) -> Option<NaiveDateTime> {
    // Ten years of weekly lines are about 100 KiB: a record larger than this is not ours.
    let text = crate::files::read_regular(&dir.join(TEST_RECORD), 4 * 1024 * 1024, "试恢复记录").ok()?;
    crate::core::backup::last_passed(&String::from_utf8_lossy(&text))
}

/// Appends a test restore's result to the record in `dir`.
pub fn record_test(
    dir: &Path,
    now: NaiveDateTime,
    file: &Path,
    result: &std::result::Result<String, String>,
) -> Result<()> {
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let line = match result {
        Ok(what) => crate::core::backup::record_line(now, true, &name, what),
        Err(why) => crate::core::backup::record_line(now, false, &name, why),
    };
    let path = dir.join(TEST_RECORD);
    let mut f = crate::files::append_private(&path)?;
    f.write_all(line.as_bytes()).map_err(io_err(&path))?;
    f.sync_all().map_err(io_err(&path))
}

impl Store {
    /// A backup of this database into `dir`.
    pub fn backup_into(&self, dir: &Path, now: NaiveDateTime) -> Result<Written> {
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

/// Replaces the database at `target` with the backup `from` (compressed or plain), after checking
/// it and copying the current database into `keep_dir` (so a restore can itself be undone).
/// Returns that copy. The restored database is private to its owner (0600), like every database
/// zhiban makes: a missing one is created so, an existing one is made so.
pub fn restore(from: &Path, target: &Path, keep_dir: &Path, now: NaiveDateTime) -> Result<Option<PathBuf>> {
    let prepared = prepare(from, dir_of(target), now)?;
    restore_prepared(&prepared, target, keep_dir, now)
}

/// [`restore`] from a backup already [`prepare`]d (checked once, decompressed once).
pub fn restore_prepared(
    prepared: &Prepared,
    target: &Path,
    keep_dir: &Path,
    now: NaiveDateTime,
) -> Result<Option<PathBuf>> {
    let kept = if target.exists() {
        check_file(target).ok();
        Some(backup_file(target, keep_dir, now)?.path)
    } else {
        // Created private before SQLite writes a byte, never through a planted link.
        crate::files::create_private(target)?;
        None
    };
    let mut conn = Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.restore(MAIN_DB, prepared.path(), None::<fn(rusqlite::backup::Progress)>)?;
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
