//! The search index (查询): one document per duty-log entry, visit and urgent event in
//! `search_doc` (where, when, status, title and a digest — not the text), indexed by `search_uni`
//! (one token per character, and one per pair of adjacent Han characters); the design is in
//! [`crate::core::search`].
//!
//! Kept current by [`reindex`], which [`Store::write`] calls before every commit with the record
//! rows SQLite's update hook saw change: the document is rebuilt from the record as it now is, in
//! the same transaction, so a record is searchable as soon as its save returns and a correction
//! is found by its new text only. A database whose records have no documents (written before
//! migration 0008, or loaded in bulk without the store) is indexed by [`Store::backfill_search`]
//! when it is opened, in batches of [`BACKFILL_BATCH`] records, each its own transaction, so an
//! interrupted backfill resumes where it stopped.
//!
//! The search tables are derived data: the update hook leaves them out, so they get no audit rows,
//! and `verify` does not check them.

use rusqlite::hooks::Action;
use rusqlite::{Connection, OptionalExtension, params};

use super::log::{ENTRY_COLUMNS, entry_from_row};
use super::urgent::{EVENT_COLUMNS, event_from_row};
use super::visit::read_visits;
use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::search::{
    Budget, DocKind, FIRST_SLICE, IDS_PER_SECOND, Plan, SNIPPET_CHARS, SearchCursor, SearchDoc, SearchHit, SearchPage,
    SearchQuery, Unlimited, doc_id_floor, event_doc, log_doc, next_slice, plan, snippet, visit_doc,
};

/// Records indexed per transaction when a database is indexed at open.
pub const BACKFILL_BATCH: usize = 5_000;

/// Records the backfill's reading thread hands over at a time: small, so that the documents in
/// flight between the two threads stay a few megabytes.
const BACKFILL_CHUNK: usize = 500;

/// FTS5's in-memory buffer during a backfill (default 1 MiB): fewer, larger segments to merge.
/// Also the mark of a backfill in progress (see [`in_bulk_mode`]).
const BACKFILL_HASHSIZE: i64 = 4 << 20;

/// FTS5's default buffer (sqlite3.c: FTS5_DEFAULT_HASHSIZE), restored after a backfill.
const DEFAULT_HASHSIZE: i64 = 1 << 20;

/// Pages of merge work one idle step does ([`Store::merge_search_index`]): a few milliseconds.
pub const MERGE_STEP_PAGES: i64 = 200;

/// Whether a table holds derived search data (never a record).
pub(crate) fn is_search_table(table: &str) -> bool {
    table.starts_with("search_")
}

fn source_table(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Log => "log_entry",
        DocKind::Visit => "visit",
        DocKind::Event => "urgent_event",
    }
}

/// Rebuilds the documents of the records among `changes` (from the update hook, inside the
/// transaction that made them): log entries, visits (also when a representative row was
/// written), urgent events. Other tables are ignored.
pub(crate) fn reindex(tx: &Connection, changes: &[(Action, String, i64)]) -> Result<()> {
    let mut done: Vec<(DocKind, i64)> = Vec::new();
    for (_, table, rowid) in changes {
        let target = match table.as_str() {
            "log_entry" => Some((DocKind::Log, *rowid)),
            "visit" => Some((DocKind::Visit, *rowid)),
            "urgent_event" => Some((DocKind::Event, *rowid)),
            // A report or a fact amendment changes what its event is found by.
            "urgent_report" | "urgent_fact" => tx
                .query_row(&format!("SELECT event_id FROM {table} WHERE id = ?1"), [rowid], |r| {
                    r.get(0)
                })
                .optional()?
                .map(|e| (DocKind::Event, e)),
            "visit_representative" => tx
                .query_row(
                    "SELECT visit_id FROM visit_representative WHERE id = ?1",
                    [rowid],
                    |r| r.get(0),
                )
                .optional()?
                .map(|v| (DocKind::Visit, v)),
            _ => None,
        };
        if let Some(t) = target
            && !done.contains(&t)
        {
            done.push(t);
            match read_doc(tx, t.0, t.1)? {
                Some(doc) => upsert(tx, &doc)?,
                None => remove(tx, t.0, t.1)?,
            }
        }
    }
    Ok(())
}

/// The document of one record as it is now, or `None` if there is no such record.
fn read_doc(conn: &Connection, kind: DocKind, id: i64) -> Result<Option<SearchDoc>> {
    Ok(match kind {
        DocKind::Log => conn
            .prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM log_entry WHERE id = ?1"))?
            .query_row([id], entry_from_row)
            .optional()?
            .map(|(id, e)| log_doc(id, &e)),
        DocKind::Visit => read_visits(conn, "WHERE v.id = ?1", [id])?.pop().map(|v| visit_doc(&v)),
        DocKind::Event => conn
            .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM urgent_event e WHERE e.id = ?1"))?
            .query_row([id], event_from_row)
            .optional()?
            .map(|e| {
                Ok::<_, StoreError>(event_doc(
                    e.id,
                    &e.record,
                    e.escalation.state,
                    &later_texts(conn, e.id)?,
                ))
            })
            .transpose()?,
    })
}

/// What an event's document adds to its first record: every report's text and every updated
/// fact's new value, in the order written.
fn later_texts(conn: &Connection, event_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT content FROM urgent_report WHERE event_id = ?1 \
         UNION ALL SELECT new FROM urgent_fact WHERE event_id = ?1",
    )?;
    Ok(stmt
        .query_map([event_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?)
}

/// What a document adds to the index, computed from it: its digest and the four columns of
/// `search_uni`. Pure work, so a backfill computes it on a second thread.
struct IndexRow {
    doc: SearchDoc,
    at: String,
    digest: i64,
    columns: [String; 4],
}

impl IndexRow {
    fn new(mut doc: SearchDoc) -> Self {
        let row_columns = doc.index_columns();
        let digest = doc.digest();
        // The columns carry everything indexed; batches in flight need not hold the text twice.
        doc.text = String::new();
        doc.keys = String::new();
        Self {
            at: time_to_sql(doc.at),
            digest,
            columns: row_columns,
            doc,
        }
    }
}

/// Writes `doc`, replacing the record's old document. Unchanged: nothing is written (an event's
/// escalation steps change the row but not what is searchable). A new time moves the document
/// to a new id, its place in the order.
fn upsert(tx: &Connection, doc: &SearchDoc) -> Result<()> {
    let at = time_to_sql(doc.at);
    let digest = doc.digest();
    let existing: Option<(i64, String, String, String, i64)> = tx
        .prepare_cached("SELECT id, at, status, title, digest FROM search_doc WHERE kind = ?1 AND ref_id = ?2")?
        .query_row(params![doc.kind.label(), doc.ref_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    if let Some((id, old_at, status, title, old_digest)) = existing {
        if old_at == at && status == doc.status && title == doc.title && old_digest == digest {
            return Ok(());
        }
        delete_fts(tx, id)?;
        if old_at == at {
            tx.prepare_cached("UPDATE search_doc SET status = ?2, title = ?3, digest = ?4 WHERE id = ?1")?
                .execute(params![id, doc.status, doc.title, digest])?;
            return insert_fts(tx, id, &doc.index_columns());
        }
        tx.prepare_cached("DELETE FROM search_doc WHERE id = ?1")?
            .execute([id])?;
    }
    insert_new(tx, &IndexRow::new(doc.clone()))
}

/// Removes a record's document (records are never deleted; this keeps the index honest if one
/// were).
fn remove(tx: &Connection, kind: DocKind, ref_id: i64) -> Result<()> {
    let id: Option<i64> = tx
        .query_row(
            "SELECT id FROM search_doc WHERE kind = ?1 AND ref_id = ?2",
            params![kind.label(), ref_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = id {
        delete_fts(tx, id)?;
        tx.execute("DELETE FROM search_doc WHERE id = ?1", [id])?;
    }
    Ok(())
}

/// The next free id in the second of `at` (after the documents already there); a full second
/// (65,536 documents) spills into the next.
fn allocate(tx: &Connection, at: chrono::NaiveDateTime) -> Result<i64> {
    let mut floor = doc_id_floor(at);
    let mut stmt = tx.prepare_cached("SELECT max(id) FROM search_doc WHERE id >= ?1 AND id < ?2")?;
    loop {
        let end = floor.saturating_add(IDS_PER_SECOND);
        let top: Option<i64> = stmt.query_row([floor, end], |r| r.get(0))?;
        match top {
            None => return Ok(floor),
            Some(t) if t + 1 < end => return Ok(t + 1),
            Some(_) => floor = end,
        }
    }
}

fn insert_new(tx: &Connection, row: &IndexRow) -> Result<()> {
    let doc = &row.doc;
    let id = allocate(tx, doc.at)?;
    tx.prepare_cached(
        "INSERT INTO search_doc (id, kind, ref_id, at, status, title, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        doc.kind.label(),
        doc.ref_id,
        row.at,
        doc.status,
        doc.title,
        row.digest
    ])?;
    insert_fts(tx, id, &row.columns)
}

fn insert_fts(tx: &Connection, id: i64, columns: &[String; 4]) -> Result<()> {
    let [body, keys, tags, nums] = columns;
    tx.prepare_cached("INSERT INTO search_uni (rowid, body, keys, tags, nums) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, body, keys, tags, nums])?;
    Ok(())
}

fn delete_fts(tx: &Connection, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_uni WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

/// How far a backfill has come, for a message while the database opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillProgress {
    /// Records indexed so far.
    pub done: u64,
    /// About how many records need indexing (from the highest ids, never counted).
    pub total: u64,
    /// All records are in; the indexes are being merged (the last few seconds).
    pub merging: bool,
}

/// Whether the newest record of `kind` has no document: true of a database written before
/// migration 0008, one loaded in bulk, and one whose backfill was interrupted (the backfill goes
/// oldest first, and nothing is indexed live until it has finished at open). Two index lookups.
fn is_missing(conn: &Connection, kind: DocKind) -> Result<bool> {
    Ok(missing_estimate(conn, kind)? > 0)
}

/// The newest record's id minus the newest indexed one's: 0 when the newest is indexed; for a
/// database never indexed, about the number of records.
fn missing_estimate(conn: &Connection, kind: DocKind) -> Result<u64> {
    let newest: Option<i64> =
        conn.query_row(&format!("SELECT max(id) FROM {}", source_table(kind)), [], |r| r.get(0))?;
    let indexed: Option<i64> = conn.query_row(
        "SELECT max(ref_id) FROM search_doc WHERE kind = ?1",
        [kind.label()],
        |r| r.get(0),
    )?;
    let gap = match (newest, indexed) {
        (Some(n), Some(i)) => n.saturating_sub(i),
        (Some(n), None) => n.max(1),
        (None, _) => 0,
    };
    Ok(u64::try_from(gap).unwrap_or(0))
}

/// Turns FTS5's buffer up for a backfill (`on`), or back to the default. (Automatic merging is
/// always off, migration 0009.)
fn bulk_settings(tx: &Connection, on: bool) -> Result<()> {
    let size = if on { BACKFILL_HASHSIZE } else { DEFAULT_HASHSIZE };
    tx.execute(
        "INSERT INTO search_uni (search_uni, rank) VALUES ('hashsize', ?1)",
        [size],
    )?;
    Ok(())
}

/// Whether a backfill stopped before restoring the settings (its merge still to do).
fn in_bulk_mode(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM search_uni_config WHERE k = 'hashsize' AND v = ?1",
            [BACKFILL_HASHSIZE],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Reads up to `limit` records of `kind` after id `after` that have no document, oldest first,
/// and makes their index rows.
fn backfill_read(conn: &Connection, kind: DocKind, after: i64, limit: usize) -> Result<Vec<IndexRow>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let table = source_table(kind);
    let alias = match kind {
        DocKind::Log => "l",
        DocKind::Visit => "v",
        DocKind::Event => "e",
    };
    let tail = format!(
        "WHERE {alias}.id > ?1 AND NOT EXISTS \
         (SELECT 1 FROM search_doc d WHERE d.kind = ?3 AND d.ref_id = {alias}.id) ORDER BY {alias}.id LIMIT ?2"
    );
    let args = params![after, limit, kind.label()];
    let docs: Vec<SearchDoc> = match kind {
        DocKind::Log => conn
            .prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM {table} l {tail}"))?
            .query_map(args, |r| entry_from_row(r).map(|(id, e)| log_doc(id, &e)))?
            .collect::<rusqlite::Result<_>>()?,
        DocKind::Visit => read_visits(conn, &tail, args)?.iter().map(visit_doc).collect(),
        DocKind::Event => {
            let events: Vec<crate::core::urgent::Event> = conn
                .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM {table} e {tail}"))?
                .query_map(args, event_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            events
                .into_iter()
                .map(|e| {
                    Ok(event_doc(
                        e.id,
                        &e.record,
                        e.escalation.state,
                        &later_texts(conn, e.id)?,
                    ))
                })
                .collect::<Result<_>>()?
        }
    };
    Ok(docs.into_iter().map(IndexRow::new).collect())
}

/// Reads the records of `kind` that have no document and makes their index rows on a thread of
/// its own, with its own read-only connection, a batch ahead of the writer: the two cores share
/// the backfill (reading records and making documents is about a third of it, measured). The
/// reader's snapshot may not show the writer's latest documents, but it only reads records after
/// the ones it has already handed over.
fn backfill_kind(
    store: &mut Store,
    kind: DocKind,
    report: &mut BackfillProgress,
    progress: &mut dyn FnMut(BackfillProgress),
) -> Result<()> {
    let reader = Connection::open_with_flags(
        store.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    std::thread::scope(|scope| {
        let (send, batches) = std::sync::mpsc::sync_channel::<Result<Vec<IndexRow>>>(1);
        let reading = move || {
            let mut after = i64::MIN;
            loop {
                let batch = backfill_read(&reader, kind, after, BACKFILL_CHUNK);
                let done = match &batch {
                    Ok(rows) => match rows.iter().map(|r| r.doc.ref_id).max() {
                        Some(last) => {
                            after = last;
                            false
                        }
                        None => true,
                    },
                    Err(_) => true,
                };
                // The writer stopped (an error): nothing more to do.
                if send.send(batch).is_err() || done {
                    return;
                }
            }
        };
        std::thread::Builder::new()
            .name("zhiban-index".into())
            .spawn_scoped(scope, reading)
            .map_err(|e| super::StoreError::Thread(e.to_string()))?;
        let mut finished = false;
        while !finished {
            // One transaction takes chunks until it holds BACKFILL_BATCH records or the reader
            // has no more.
            let written = store.write(|tx| {
                // Another terminal may have saved (and so indexed) one of these records since
                // the reader looked.
                let mut present = tx.prepare_cached("SELECT 1 FROM search_doc WHERE kind = ?1 AND ref_id = ?2")?;
                let mut written = 0;
                while written < BACKFILL_BATCH {
                    let rows = match batches.recv() {
                        Ok(chunk) => chunk?,
                        Err(_) => Vec::new(),
                    };
                    if rows.is_empty() {
                        finished = true;
                        break;
                    }
                    for row in &rows {
                        if !present.exists(params![kind.label(), row.doc.ref_id])? {
                            insert_new(tx, row)?;
                        }
                    }
                    written += rows.len();
                }
                Ok(written)
            })?;
            if written > 0 {
                report.done += written as u64;
                report.total = report.total.max(report.done);
                progress(*report);
            }
        }
        Ok(())
    })
}

impl Store {
    /// Whether some records are not in the search index yet (see [`Store::backfill_search`]).
    pub fn search_index_missing(&self) -> Result<bool> {
        for kind in DocKind::ALL {
            if is_missing(&self.conn, *kind)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Indexes every record that has no search document, oldest first, [`BACKFILL_BATCH`]
    /// records per transaction; returns how many. Runs at open when [`Store::search_index_missing`]
    /// — once after the upgrade to migration 0008, or for a database loaded in bulk. Cheap when
    /// nothing is missing (a few index lookups).
    ///
    /// While it runs, FTS5's buffer is larger; at the end the index is merged into one segment
    /// (`optimize`) and the setting is restored. Measured at 200,000
    /// records against merging as it goes: a little faster to build, first pages 20–40 % faster,
    /// and no half-done merges for later saves to continue (their worst case 3.5 ms and 44 pages
    /// written instead of 71 ms and 219). If the backfill is interrupted, the next open finishes
    /// it, merge included.
    pub fn backfill_search(&mut self) -> Result<u64> {
        self.backfill_search_with(&mut |_| {})
    }

    /// [`Store::backfill_search`], calling `progress` before it starts, after every batch and
    /// before the merge (never when nothing is missing).
    pub fn backfill_search_with(&mut self, progress: &mut dyn FnMut(BackfillProgress)) -> Result<u64> {
        let mut estimate = 0;
        for kind in DocKind::ALL {
            estimate += missing_estimate(&self.conn, *kind)?;
        }
        let resume_merge = in_bulk_mode(&self.conn)?;
        if estimate == 0 && !resume_merge {
            return Ok(0);
        }
        let mut report = BackfillProgress {
            done: 0,
            total: estimate,
            merging: false,
        };
        if estimate > 0 {
            progress(report);
            self.write(|tx| bulk_settings(tx, true))?;
        }
        for kind in DocKind::ALL {
            if !is_missing(&self.conn, *kind)? {
                continue;
            }
            backfill_kind(self, *kind, &mut report, progress)?;
        }
        report.merging = true;
        progress(report);
        self.write(|tx| Ok(tx.execute("INSERT INTO search_uni (search_uni) VALUES ('optimize')", [])?))?;
        self.write(|tx| bulk_settings(tx, false))?;
        Ok(report.done)
    }

    /// One step of merging the search index's segments: at most `pages` pages of work, in its own
    /// transaction; returns whether there was work (call again while it says so). Every save adds
    /// a small segment; FTS5 would merge them inside whichever save crossed its counter (one in
    /// 64 took 65–100 ms at ten years), so automatic merging is off and the app calls this when
    /// the keyboard is idle. With nothing to merge it writes nothing.
    pub fn merge_search_index(&mut self, pages: i64) -> Result<bool> {
        let worked = self.write(|tx| {
            let before = tx.total_changes();
            tx.execute(
                "INSERT INTO search_uni (search_uni, rank) VALUES ('merge', ?1)",
                [pages],
            )?;
            // FTS5's documented test: a difference of 2 or more means the command merged.
            Ok(tx.total_changes().saturating_sub(before) >= 2)
        })?;
        self.merge_wanted = worked;
        Ok(worked)
    }

    /// The app's idle step: [`Store::merge_search_index`] with [`MERGE_STEP_PAGES`], but only
    /// when something was written since the index last had nothing to merge (by this store or,
    /// as [`Store::changed_elsewhere`] saw, by another terminal or a script) — an idle app does
    /// not take the write lock every second for nothing.
    pub fn tidy_search_index(&mut self) -> Result<bool> {
        if !self.merge_wanted {
            return Ok(false);
        }
        self.merge_search_index(MERGE_STEP_PAGES)
    }

    /// Records matching `q`, newest first by their time, at most `limit`, older than `before`
    /// (the [`SearchHit::cursor`] of the last hit of the previous page). Pages never repeat or
    /// skip a record that did not change meanwhile.
    pub fn search(&self, q: &SearchQuery, limit: usize, before: Option<SearchCursor>) -> Result<Vec<SearchHit>> {
        Ok(self.search_within(q, limit, before, &mut Unlimited)?.hits)
    }

    /// [`Store::search`] within a time budget. A word's index entries are read slice by slice of
    /// time, newest first (a slice as wide as the last one's pace allows); between slices the
    /// budget is asked, and a search out of time returns what it found with `cut` at the
    /// oldest time it looked through. A word of Han characters is found by its pairs, so one
    /// that occurs nowhere costs next to nothing; what can still cost the whole index (a word
    /// whose every pair occurs, never in a row; a word of characters, letters and digits whose
    /// pieces are all common) is cut: the officer sees so and goes on with a key, instead of
    /// waiting with the screen still.
    pub fn search_within(
        &self,
        q: &SearchQuery,
        limit: usize,
        before: Option<SearchCursor>,
        budget: &mut dyn Budget,
    ) -> Result<SearchPage> {
        let Plan::Match { expr, ids } = plan(q) else {
            return Ok(SearchPage {
                hits: self.search_once(q, limit, before)?,
                cut: None,
            });
        };
        // The slices run from the newest document to the oldest, not from the end of time to
        // 1970. Two subqueries, so each is one lookup at an end of the primary key: SQLite
        // optimises a lone min() or max() only, and `SELECT min(id), max(id)` read every row
        // (110 ms of every search at ten years, measured).
        let bounds: (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT (SELECT min(id) FROM search_doc), (SELECT max(id) FROM search_doc)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(oldest), Some(newest)) = bounds else {
            return Ok(SearchPage::default());
        };
        let ids = ids.start.max(oldest)..ids.end.min(newest.saturating_add(1));
        let mut hi = before.map_or(ids.end, |c| c.doc_id().min(ids.end));
        let mut width = FIRST_SLICE;
        let mut hits: Vec<SearchHit> = Vec::new();
        while hi > ids.start && hits.len() < limit {
            let lo = hi.saturating_sub(width).max(ids.start);
            let started = budget.spent();
            hits.extend(self.search_range(q, Some(&expr), lo..hi, limit - hits.len())?);
            hi = lo;
            let spent = budget.spent();
            if hits.len() < limit && hi > ids.start && spent >= budget.allowed() {
                return Ok(SearchPage {
                    hits,
                    cut: Some(SearchCursor::new(hi)),
                });
            }
            width = next_slice(width, spent - started, budget.allowed().saturating_sub(spent));
        }
        Ok(SearchPage { hits, cut: None })
    }

    /// One query over the whole of `q`'s range, older than `before`.
    fn search_once(&self, q: &SearchQuery, limit: usize, before: Option<SearchCursor>) -> Result<Vec<SearchHit>> {
        let end = |ids: &std::ops::Range<i64>| before.map_or(ids.end, |c| c.doc_id().min(ids.end));
        match plan(q) {
            Plan::Nothing => Ok(Vec::new()),
            Plan::All { ids } => self.search_range(q, None, ids.start..end(&ids), limit),
            Plan::Match { expr, ids } => self.search_range(q, Some(&expr), ids.start..end(&ids), limit),
        }
    }

    /// Documents in `ids` (matching `expr`, when given), newest first, at most `limit`, each with
    /// its snippet.
    fn search_range(
        &self,
        q: &SearchQuery,
        expr: Option<&str>,
        ids: std::ops::Range<i64>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        const COLUMNS: &str = "d.id, d.kind, d.ref_id, d.at, d.status, d.title";
        let (sql, args): (String, Vec<rusqlite::types::Value>) = match expr {
            None => (
                format!(
                    "SELECT {COLUMNS} FROM search_doc d WHERE d.id >= ?1 AND d.id < ?2 ORDER BY d.id DESC LIMIT ?3"
                ),
                vec![ids.start.into(), ids.end.into(), limit.into()],
            ),
            Some(expr) => (
                format!(
                    "SELECT {COLUMNS} FROM search_uni JOIN search_doc d ON d.id = search_uni.rowid \
                     WHERE search_uni MATCH ?1 AND search_uni.rowid >= ?2 AND search_uni.rowid < ?3 \
                     ORDER BY search_uni.rowid DESC LIMIT ?4"
                ),
                vec![expr.to_string().into(), ids.start.into(), ids.end.into(), limit.into()],
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut hits = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(SearchHit {
                    cursor: SearchCursor::new(r.get(0)?),
                    kind: row_label(r, 1, DocKind::parse)?,
                    ref_id: r.get(2)?,
                    at: row_time(r, 3)?,
                    status: r.get(4)?,
                    title: r.get(5)?,
                    snippet: String::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // The index keeps no text: each snippet comes from its record as it is now (the same
        // text the document was built from, in the same transaction as any change to it).
        for hit in &mut hits {
            if let Some(doc) = read_doc(&self.conn, hit.kind, hit.ref_id)? {
                hit.snippet = snippet(&doc.text, q, SNIPPET_CHARS);
            }
        }
        Ok(hits)
    }
}
