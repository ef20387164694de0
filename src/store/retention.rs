//! Visitors' numbers kept no longer than `[visit] retention_years` (migration 0027; the rules in
//! [`crate::core::retention`]): a batch of visits entered before the cutoff has its document
//! number, `id_key` and phone (and its representatives' number and phone) reduced, in one
//! [`Store::write`] — audited row by row, reindexed — and then the write-ahead log is emptied,
//! so that with `secure_delete` (on since opening) the full numbers are neither in the file nor
//! in its log.
//!
//! The key of the digests is 32 random bytes in a file beside the database,
//! `<database>.visit-key` (0600, made at the first reduction). It is not in the backups: a
//! restored file without it still finds old visitors by the last 4 digits and the name.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, time_to_sql};
use crate::core::retention::{is_digest, reduced_id, reduced_id_key, reduced_phone};

/// The scratch table a batch writes in its own transaction: not a record (not audited).
pub(crate) fn is_scratch(table: &str) -> bool {
    table == "retention_open"
}

/// Where the key of the digests is kept: beside the database, `<database>.visit-key`.
#[must_use]
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".visit-key");
    PathBuf::from(name)
}

fn key_error(path: &Path, why: impl std::fmt::Display) -> StoreError {
    StoreError::VisitKey {
        path: path.into(),
        why: why.to_string(),
    }
}

/// The key, if its file is there: a regular file (not a link) of exactly 32 bytes.
pub(super) fn read_key(path: &Path) -> Result<Option<[u8; 32]>> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(key_error(path, format!("读不出来：{e}"))),
        Ok(m) => m,
    };
    if !meta.file_type().is_file() {
        return Err(key_error(path, "不是普通文件（是链接、目录或设备）"));
    }
    if meta.len() != 32 {
        return Err(key_error(path, format!("应正好 32 字节，现在是 {} 字节", meta.len())));
    }
    let mut key = [0u8; 32];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| key_error(path, format!("读不出来：{e}")))?;
    Ok(Some(key))
}

/// A new key from the system's randomness, written 0600 (never over an existing file).
fn create_key(path: &Path) -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| key_error(path, format!("无法生成：读不到系统随机数（/dev/urandom）：{e}")))?;
    let mut file = crate::files::create_private(path)?;
    file.write_all(&key)
        .and_then(|()| file.sync_all())
        .map_err(|e| key_error(path, format!("写不进去：{e}")))?;
    // The name too must survive a power cut before any digest made with the key is committed.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(key)
}

/// Where the last batch stopped: `(entered_at, id)` of the last visit it walked.
fn last_place(conn: &Connection) -> Result<(String, i64)> {
    Ok(conn
        .prepare_cached("SELECT upto_entered_at, upto_id FROM visit_reduction ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_default())
}

/// A visit still to walk after `place` and before `cutoff`, through `visit_by_time`.
fn any_after(conn: &Connection, place: &(String, i64), cutoff: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM visit WHERE (entered_at, id) > (?1, ?2) AND entered_at < ?3 LIMIT 1")?
        .exists(params![place.0, place.1, cutoff])?)
}

/// A visit's numbers as read for a batch.
struct Numbers {
    id: i64,
    entered_at: String,
    id_number: String,
    id_key: String,
    phone: String,
}

/// The next `batch` visits after `place` and before `cutoff`, oldest first.
fn next_batch(conn: &Connection, place: &(String, i64), cutoff: &str, batch: usize) -> Result<Vec<Numbers>> {
    let limit = i64::try_from(batch).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT id, entered_at, id_number, id_key, phone FROM visit \
         WHERE (entered_at, id) > (?1, ?2) AND entered_at < ?3 ORDER BY entered_at, id LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![place.0, place.1, cutoff, limit], |r| {
        Ok(Numbers {
            id: r.get(0)?,
            entered_at: r.get(1)?,
            id_number: r.get(2)?,
            id_key: r.get(3)?,
            phone: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A visit's representatives: id, number, phone.
fn representatives(conn: &Connection, visit: i64) -> Result<Vec<(i64, String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, id_number, phone FROM visit_representative WHERE visit_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([visit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn needs_reducing(v: &Numbers, reps: &[(i64, String, String)]) -> bool {
    reduced_id(&v.id_number) != v.id_number
        || reduced_phone(&v.phone) != v.phone
        || !(v.id_key.is_empty() || is_digest(&v.id_key))
        || reps
            .iter()
            .any(|(_, n, p)| reduced_id(n) != *n || reduced_phone(p) != *p)
}

/// Visits reduced between two rewrites of the search index by the idle app (`zhiban visit
/// reduce` rewrites it after every run).
pub const PURGE_AFTER_VISITS: usize = 1000;

impl Store {
    /// The key of the digests, once its file exists (looked for again while it does not: a
    /// reduction in another process makes it). A file that is not a regular file of 32 bytes is
    /// an error, said in words.
    pub(super) fn visit_key(&self) -> Result<Option<[u8; 32]>> {
        if let Some(k) = self.visit_key.get() {
            return Ok(Some(*k));
        }
        Ok(read_key(&key_path(&self.path))?.map(|k| *self.visit_key.get_or_init(|| k)))
    }

    /// The key, made at the first reduction.
    fn visit_key_or_create(&mut self) -> Result<[u8; 32]> {
        if let Some(k) = self.visit_key()? {
            return Ok(k);
        }
        let path = key_path(&self.path);
        let key = match create_key(&path) {
            Ok(k) => k,
            // Another terminal made it meanwhile: theirs.
            Err(StoreError::File(crate::files::FileError::Exists { .. })) => {
                read_key(&path)?.ok_or_else(|| key_error(&path, "刚由另一终端建立，却读不到"))?
            }
            Err(e) => return Err(e),
        };
        Ok(*self.visit_key.get_or_init(|| key))
    }

    /// The keys a full document number is stored under: the number itself, and (once there is a
    /// key) its digest, which a reduced visit keeps instead.
    pub(super) fn number_keys(&self, id_key: &str) -> Result<(String, String)> {
        let digest = match self.visit_key()? {
            Some(k) if !id_key.is_empty() && !is_digest(id_key) => crate::core::retention::keyed_digest(&k, id_key),
            _ => id_key.to_string(),
        };
        Ok((id_key.to_string(), digest))
    }

    /// One batch of the reduction: at most `batch` visits entered before `cutoff`, from where the
    /// last batch stopped, in one write (`retention_open` opened, the visits and their
    /// representatives reduced, the `visit_reduction` row, `retention_open` emptied), then the
    /// write-ahead log checkpointed and emptied once none are left (best effort: another
    /// terminal reading keeps it until the next time). Returns how many visits it reduced and
    /// whether any are left to walk. Nothing to walk: nothing written.
    pub fn reduce_visits_step(
        &mut self,
        cutoff: NaiveDateTime,
        batch: usize,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(usize, bool)> {
        let cutoff = time_to_sql(cutoff);
        if !any_after(&self.conn, &last_place(&self.conn)?, &cutoff)? {
            return Ok((0, false));
        }
        let key = self.visit_key_or_create()?;
        // Each batch adds a segment to the search index (its visits' documents made again). With
        // no idle merge between batches, FTS5's crisis merge ran inside a commit and cascaded
        // through the levels (19.5 s at ten years). So: merge whatever is due first, in small
        // steps that each commit, and let this batch's own flush never crisis-merge (FTS5's
        // default back right after, in a write of its own).
        while self.merge_search_index(super::search::MERGE_STEP_PAGES)? {}
        let (done, more) = self.write(|tx| {
            tx.execute(
                "INSERT INTO search_uni (search_uni, rank) VALUES ('crisismerge', ?1)",
                [super::search::REBUILD_CRISISMERGE],
            )?;
            // Read again inside the lock: another terminal may have gone on meanwhile.
            let place = last_place(tx)?;
            let visits = next_batch(tx, &place, &cutoff, batch.max(1))?;
            let Some(last) = visits.last() else {
                return Ok((0, false));
            };
            let upto = (last.entered_at.clone(), last.id);
            tx.prepare_cached("INSERT INTO retention_open (cutoff) VALUES (?1)")?
                .execute([&cutoff])?;
            let mut reduced: i64 = 0;
            for v in &visits {
                let reps = representatives(tx, v.id)?;
                if !needs_reducing(v, &reps) {
                    continue;
                }
                reduced += 1;
                tx.prepare_cached("UPDATE visit SET id_number = ?1, id_key = ?2, phone = ?3 WHERE id = ?4")?
                    .execute(params![
                        reduced_id(&v.id_number),
                        reduced_id_key(&key, &v.id_key),
                        reduced_phone(&v.phone),
                        v.id
                    ])?;
                for (id, number, phone) in reps {
                    if reduced_id(&number) != number || reduced_phone(&phone) != phone {
                        tx.prepare_cached("UPDATE visit_representative SET id_number = ?1, phone = ?2 WHERE id = ?3")?
                            .execute(params![reduced_id(&number), reduced_phone(&phone), id])?;
                    }
                }
            }
            tx.prepare_cached(
                "INSERT INTO visit_reduction (cutoff, upto_entered_at, upto_id, visits, reduced_by, at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![cutoff, upto.0, upto.1, reduced, by, time_to_sql(now)])?;
            tx.prepare_cached("DELETE FROM retention_open")?.execute([])?;
            Ok((usize::try_from(reduced).unwrap_or(0), any_after(tx, &upto, &cutoff)?))
        })?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO search_uni (search_uni, rank) VALUES ('crisismerge', ?1)",
                [super::search::DEFAULT_CRISISMERGE],
            )?;
            Ok(())
        })?;
        // The visits' old documents are tombstones in the index: the idle steps rewrite it once
        // enough have gathered (a rewrite at ten years is 12–16 s of work: not for each day's
        // handful of visits; the first run at ten years reaches it at once).
        self.reduced_since_purge += done;
        if self.reduced_since_purge >= PURGE_AFTER_VISITS {
            self.reduced_since_purge = 0;
            self.want_purge();
        }
        if !more {
            // Older copies of the pages (the visits as first written) leave the log too.
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok((done, more))
    }

    /// Every batch until none are left ([`Store::reduce_visits_step`]): how many visits were
    /// reduced.
    pub fn reduce_visits(&mut self, cutoff: NaiveDateTime, by: &str, now: NaiveDateTime) -> Result<usize> {
        let mut total = 0;
        loop {
            let (done, more) = self.reduce_visits_step(cutoff, crate::core::retention::BATCH, by, now)?;
            total += done;
            if !more {
                if total > 0 {
                    // At once here (the command line waits): the old numbers' tokens leave the
                    // search index's pages, then the log.
                    self.purge_search_index()?;
                    self.purge_wanted = false;
                    self.reduced_since_purge = 0;
                    self.empty_wal()?;
                }
                return Ok(total);
            }
        }
    }

    /// How many visits a reduction with `cutoff` would reduce now (nothing written).
    pub fn visits_to_reduce(&self, cutoff: NaiveDateTime) -> Result<usize> {
        let cutoff = time_to_sql(cutoff);
        let mut place = last_place(&self.conn)?;
        let mut count = 0;
        loop {
            let visits = next_batch(&self.conn, &place, &cutoff, crate::core::retention::BATCH)?;
            let Some(last) = visits.last() else {
                return Ok(count);
            };
            for v in &visits {
                if needs_reducing(v, &representatives(&self.conn, v.id)?) {
                    count += 1;
                }
            }
            place = (last.entered_at.clone(), last.id);
        }
    }

    /// Rows left in `retention_open` (a committed file has none).
    pub(super) fn retention_open_rows(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM retention_open", [], |r| r.get(0))?)
    }
}
