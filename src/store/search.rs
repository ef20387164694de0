//! The search index (查询): one document per duty-log entry, visit and urgent event in
//! `search_doc` (where, when, status, title and a digest — not the text), indexed by `search_uni`
//! (one token per character, and one per pair of adjacent Han characters); the design is in
//! [`crate::core::search`].
//!
//! Kept current by [`reindex`], which [`Store::write`] calls before every commit with the record
//! rows SQLite's update hook saw change: the document is rebuilt from the record as it now is, in
//! the same transaction, so a record is searchable as soon as its save returns and a correction
//! is found by its new text only. Records without documents (after a migration that remade the
//! index, a bulk import, or a database written before migration 0008) are asked for in
//! `search_rebuild` when the file is opened, and indexed by [`Store::rebuild_search`]: in the
//! app on a background thread while the officer works (newest first, visits first, a small batch
//! per transaction, resumable), at once by [`Store::backfill_search`] for imports and benchmarks.
//! Opening never waits for it.
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
    SearchQuery, Unlimited, doc_id_floor, document_doc, event_doc, log_doc, next_slice, plan, snippet, visit_doc,
};

/// Records indexed per transaction by a backfill run whole (an import, the benchmarks): the app's
/// batch. Larger ones were no faster (5,000: 111 s against 98 s at ten years, measured).
pub const BACKFILL_BATCH: usize = REBUILD_BATCH;

/// Records the backfill's reading thread hands over at a time: small, so that the documents in
/// flight between the two threads stay a few megabytes.
const BACKFILL_CHUNK: usize = 500;

/// FTS5's in-memory buffer during a rebuild (default 1 MiB), so that a batch is one segment.
/// Also the mark of a rebuild in progress (see [`in_bulk_mode`]).
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
        DocKind::Document => "document",
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
            "document" => Some((DocKind::Document, *rowid)),
            // A forward or its 签收 changes whom a document was given to and its status.
            "forward" => tx
                .query_row("SELECT document_id FROM forward WHERE id = ?1", [rowid], |r| {
                    r.get::<_, Option<i64>>(0)
                })
                .optional()?
                .flatten()
                .map(|d| (DocKind::Document, d)),
            "forward_sign" => tx
                .query_row("SELECT document_id FROM forward WHERE id = ?1", [rowid], |r| {
                    r.get::<_, Option<i64>>(0)
                })
                .optional()?
                .flatten()
                .map(|d| (DocKind::Document, d)),
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
        DocKind::Document => super::document::read_document(conn, id)?.map(|d| document_doc(&d)),
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

/// Removes a record's document (a redaction: `store/redaction.rs`); the write that follows
/// indexes the record again as it now stands. In this contentless index a delete is only a
/// tombstone (FTS5's `secure-delete` does not reach it: tried), so the redaction rewrites the
/// index afterwards ([`Store::purge_search_index`]).
pub(crate) fn forget(tx: &Connection, kind: DocKind, ref_id: i64) -> Result<()> {
    remove(tx, kind, ref_id)
}

/// Pages of work in one step of [`Store::purge_search_index`]: each step is its own write, so
/// another terminal's save waits at most one step for the lock (measured in docs/PERFORMANCE.md).
pub const PURGE_STEP_PAGES: i64 = 2000;

/// Pages of the same rewrite in one idle step ([`Store::tidy_search_index`] after a reduction of
/// visitors' numbers): about 90 ms, what a key pressed meanwhile can wait.
pub const PURGE_IDLE_STEP_PAGES: i64 = 500;

impl super::Store {
    /// Asks the idle steps to rewrite the search index ([`Store::tidy_search_index`]).
    pub fn want_purge(&mut self) {
        self.purge_wanted = true;
    }

    /// Rewrites the whole search index into one segment, a step of [`PURGE_STEP_PAGES`] at a
    /// time (FTS5 `merge` with a negative count: an `optimize` done incrementally), so that every
    /// deleted or replaced document's tokens leave its pages, which `secure_delete` then zeroes.
    /// Each step commits on its own: another terminal's write goes in between. Returns the steps.
    pub fn purge_search_index(&mut self) -> Result<u64> {
        let mut steps = 0;
        while self.merge_search_index(-PURGE_STEP_PAGES)? {
            steps += 1;
        }
        Ok(steps)
    }
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

/// How far a rebuild of the search index has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillProgress {
    /// Records indexed so far by this run.
    pub done: u64,
    /// About how many records this run had to index when it started (from the ids, never
    /// counted).
    pub total: u64,
    /// All records are in; the index is being merged (the last seconds).
    pub merging: bool,
}

impl BackfillProgress {
    /// How far, in percent: never 100 while work remains (the end is said apart).
    #[must_use]
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return if self.merging { 99 } else { 0 };
        }
        let p = self.done.saturating_mul(100) / self.total;
        u8::try_from(p.min(99)).unwrap_or(99)
    }
}

/// How a run of [`Store::rebuild_search`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildEnd {
    /// Every record has its document and the index is merged (or there was nothing to do).
    Finished,
    /// Told to stop between two transactions: the next run goes on from there.
    Stopped,
}

/// Records indexed per transaction by the app's background rebuild: a save waits for the write
/// lock at most one batch (about 60 ms at ten years), and each batch's documents and its place
/// in the rebuild (`search_rebuild.below`) commit together.
pub const REBUILD_BATCH: usize = 2_000;

/// Records a rebuild indexes (one segment per batch) before it merges the segments that piled
/// up: all of them at once, so each document is merged about once instead of once per level
/// (FTS5 merges every segment of a level together). Merging after every batch with FTS5's
/// default of four segments per level took 29 of the 78 s at ten years; this, 16–18 s
/// (measured, docs/PERFORMANCE.md).
const REBUILD_MERGE_RECORDS: u64 = 80_000;

/// Pages of one merge step during a rebuild: each its own transaction (about 80 ms at ten
/// years), a gap after each. Not `merge` with a negative count: each such call starts the whole
/// merge again with the unfinished output as one more input, and a run of them grew the
/// ten-year file from 1.7 to 7.3 GB (measured).
const REBUILD_STEP_PAGES: i64 = 1_200;

/// FTS5's `crisismerge` during a rebuild: above the segments that pile up between two merges
/// ([`REBUILD_MERGE_RECORDS`]), so FTS5 never merges on its own inside a batch's commit (which
/// held the lock for seconds, measured); back to FTS5's default when the rebuild ends, when no
/// level holds that many.
pub(crate) const REBUILD_CRISISMERGE: i64 = 200;
pub(crate) const DEFAULT_CRISISMERGE: i64 = 16;

/// Merge steps at most at the end of a run (a guard: each step that works writes pages, so the
/// index's size bounds the real count far below this).
const REBUILD_MERGE_STEPS: usize = 100_000;

/// Write-ahead log size after which a rebuild batch checkpoints with RESTART, so the log starts
/// again from its beginning instead of growing for the whole rebuild (652 MB at ten years when
/// the backfill ran at open).
const REBUILD_WAL_LIMIT: u64 = 32 << 20;

/// The pause after each rebuild batch (and final merge step) with the lock free.
const REBUILD_GAP: std::time::Duration = std::time::Duration::from_millis(4);

/// How long a rebuild's checkpoint waits for readers while it holds the write lock.
const REBUILD_CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_millis(30);

/// The order in which kinds are rebuilt: visits first (until they are in, the visitor lookup
/// reads the visits themselves instead of the index), then events, then the duty log.
const REBUILD_ORDER: [DocKind; 4] = [DocKind::Visit, DocKind::Event, DocKind::Document, DocKind::Log];

/// Whether the newest record of `kind` has no document: true of a database written before
/// migration 0008, or loaded by something other than the store. Two index lookups.
fn is_missing(conn: &Connection, kind: DocKind) -> Result<bool> {
    let newest: Option<i64> =
        conn.query_row(&format!("SELECT max(id) FROM {}", source_table(kind)), [], |r| r.get(0))?;
    let Some(newest) = newest else {
        return Ok(false);
    };
    let present = conn
        .prepare_cached("SELECT 1 FROM search_doc WHERE kind = ?1 AND ref_id = ?2")?
        .exists(params![kind.label(), newest])?;
    Ok(!present)
}

/// The kinds a rebuild is asked for, each with the id below which its records may lack
/// documents, in [`REBUILD_ORDER`].
fn pending_kinds(conn: &Connection) -> Result<Vec<(DocKind, i64)>> {
    let mut asked: Vec<(DocKind, i64)> = conn
        .prepare_cached("SELECT kind, below FROM search_rebuild")?
        .query_map([], |r| Ok((row_label(r, 0, DocKind::parse)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    asked.sort_by_key(|(kind, _)| REBUILD_ORDER.iter().position(|k| k == kind));
    Ok(asked)
}

/// Whether records of `kind` may still lack documents (a rebuild of it is asked for).
pub(crate) fn rebuilding(conn: &Connection, kind: DocKind) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM search_rebuild WHERE kind = ?1")?
        .exists([kind.label()])?)
}

/// About how many records of `kind` have an id below `below`: records are never deleted, so
/// their ids are dense (two lookups on the primary key, never a count).
fn records_below(conn: &Connection, kind: DocKind, below: i64) -> Result<u64> {
    let (oldest, newest): (Option<i64>, Option<i64>) = conn.query_row(
        // Two subqueries: with both aggregates in one SELECT SQLite reads the whole table.
        &format!(
            "SELECT (SELECT min(id) FROM {t}), (SELECT max(id) FROM {t})",
            t = source_table(kind)
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(oldest), Some(newest)) = (oldest, newest) else {
        return Ok(0);
    };
    let top = newest.min(below.saturating_sub(1));
    Ok(u64::try_from(top.saturating_sub(oldest).saturating_add(1)).unwrap_or(0))
}

/// FTS5's buffer and crisis merge set for a rebuild (`on`), or back to the defaults. (Automatic
/// merging is always off, migration 0009; `usermerge` is 16, migration 0019.)
fn bulk_settings(tx: &Connection, on: bool) -> Result<()> {
    let (size, crisis) = if on {
        (BACKFILL_HASHSIZE, REBUILD_CRISISMERGE)
    } else {
        (DEFAULT_HASHSIZE, DEFAULT_CRISISMERGE)
    };
    tx.execute(
        "INSERT INTO search_uni (search_uni, rank) VALUES ('hashsize', ?1)",
        [size],
    )?;
    tx.execute(
        "INSERT INTO search_uni (search_uni, rank) VALUES ('crisismerge', ?1)",
        [crisis],
    )?;
    Ok(())
}

/// When a rebuild merges: records indexed since its last merge ended, and whether one is under
/// way (a merge of many segments takes several steps, each after a batch).
#[derive(Default)]
struct MergePace {
    since: u64,
    merging: bool,
}

impl MergePace {
    /// After a batch of `written` records: merge steps while a merge is due or under way, at
    /// most one per thousand records of the batch (so merging keeps pace with indexing), a gap
    /// after each.
    fn after_batch(&mut self, store: &mut Store, written: usize, batch: usize) -> Result<()> {
        self.since += written as u64;
        if !self.merging && self.since < REBUILD_MERGE_RECORDS {
            return Ok(());
        }
        self.merging = true;
        for _ in 0..batch.div_ceil(1_000) {
            if !store.merge_search_index(REBUILD_STEP_PAGES)? {
                self.merging = false;
                self.since = 0;
                break;
            }
            store.keep_wal_small()?;
            std::thread::sleep(REBUILD_GAP);
        }
        Ok(())
    }
}

/// Whether a rebuild stopped before restoring the settings (its merge still to do).
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

/// Reads up to `limit` records of `kind` with an id below `below` that have no document, newest
/// first, and makes their index rows.
fn backfill_read(conn: &Connection, kind: DocKind, below: i64, limit: usize) -> Result<Vec<IndexRow>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let table = source_table(kind);
    let alias = match kind {
        DocKind::Log => "l",
        DocKind::Visit => "v",
        DocKind::Event => "e",
        DocKind::Document => "d",
    };
    let tail = format!(
        "WHERE {alias}.id < ?1 AND NOT EXISTS \
         (SELECT 1 FROM search_doc d WHERE d.kind = ?3 AND d.ref_id = {alias}.id) ORDER BY {alias}.id DESC LIMIT ?2"
    );
    let args = params![below, limit, kind.label()];
    let docs: Vec<SearchDoc> = match kind {
        DocKind::Log => conn
            .prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM {table} l {tail}"))?
            .query_map(args, |r| entry_from_row(r).map(|(id, e)| log_doc(id, &e)))?
            .collect::<rusqlite::Result<_>>()?,
        DocKind::Visit => read_visits(conn, &tail, args)?.iter().map(visit_doc).collect(),
        DocKind::Document => {
            let ids: Vec<i64> = conn
                .prepare_cached(&format!("SELECT d.id FROM {table} d {tail}"))?
                .query_map(args, |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut docs = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(d) = super::document::read_document(conn, id)? {
                    docs.push(document_doc(&d));
                }
            }
            docs
        }
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

/// Indexes the records of `kind` below `below` that have no document, newest first, `batch`
/// records per transaction, each transaction also moving the kind's place in `search_rebuild`
/// (or deleting its row at the oldest record). Records are read and their index rows made on a
/// thread of its own, with its own read-only connection, a chunk ahead of the writer: the two
/// cores share the work (reading records and making documents is about a third of it,
/// measured). The reader's snapshot may not show the writer's latest documents, but it only
/// reads records below the ones it has already handed over, and the writer skips a record that
/// a save indexed meanwhile. Returns false when `progress` said stop.
fn rebuild_kind(
    store: &mut Store,
    kind: DocKind,
    below: i64,
    batch: usize,
    pace: &mut MergePace,
    report: &mut BackfillProgress,
    progress: &mut dyn FnMut(BackfillProgress) -> bool,
) -> Result<bool> {
    let reader = Connection::open_with_flags(
        store.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    std::thread::scope(|scope| {
        // Room for a whole batch: the reader reads the next while the writer writes this one.
        let (send, chunks) = std::sync::mpsc::sync_channel::<Result<Vec<IndexRow>>>(batch.div_ceil(BACKFILL_CHUNK));
        let reading = move || {
            let mut below = below;
            loop {
                let chunk = backfill_read(&reader, kind, below, BACKFILL_CHUNK.min(batch));
                let done = match &chunk {
                    Ok(rows) => match rows.iter().map(|r| r.doc.ref_id).min() {
                        Some(lowest) => {
                            below = lowest;
                            false
                        }
                        None => true,
                    },
                    Err(_) => true,
                };
                // The writer stopped (told to, or an error): nothing more to do.
                if send.send(chunk).is_err() || done {
                    return;
                }
            }
        };
        std::thread::Builder::new()
            .name("zhiban-index".into())
            .spawn_scoped(scope, reading)
            .map_err(|e| StoreError::Thread(e.to_string()))?;
        let mut finished = false;
        while !finished {
            // A batch is gathered before its transaction begins: the write lock is never held
            // while records are read (an officer's save waits for the inserts alone).
            let mut rows: Vec<IndexRow> = Vec::new();
            while rows.len() < batch {
                let chunk = chunks
                    .recv()
                    .map_err(|_| StoreError::Thread("建立查询索引的读取线程意外退出".into()))??;
                if chunk.is_empty() {
                    finished = true;
                    break;
                }
                rows.extend(chunk);
            }
            // Batches go newest first, but within one the documents go in oldest first: FTS5
            // writes its buffer out as a segment whenever a rowid is lower than the one before
            // (sqlite3Fts5IndexBeginWrite), so newest-first inserts made a segment of one
            // document each, and merging those made the rebuild at ten years 219 s instead of
            // 129 (measured). Rising keys also fill search_doc's pages instead of splitting them
            // in half (267 MiB instead of 164).
            rows.sort_by_key(|r| (r.doc.at, r.doc.ref_id));
            // One transaction writes the batch and records how far it came.
            let written = store.write(|tx| {
                // A save from this or another terminal may have indexed one of these records
                // since the reader looked.
                let mut present = tx.prepare_cached("SELECT 1 FROM search_doc WHERE kind = ?1 AND ref_id = ?2")?;
                for row in &rows {
                    if !present.exists(params![kind.label(), row.doc.ref_id])? {
                        insert_new(tx, row)?;
                    }
                }
                if finished {
                    tx.prepare_cached("DELETE FROM search_rebuild WHERE kind = ?1")?
                        .execute([kind.label()])?;
                } else if let Some(lowest) = rows.iter().map(|r| r.doc.ref_id).min() {
                    tx.prepare_cached("UPDATE search_rebuild SET below = ?2 WHERE kind = ?1")?
                        .execute(params![kind.label(), lowest])?;
                }
                Ok(rows.len())
            })?;
            report.done += written as u64;
            report.total = report.total.max(report.done);
            // Each batch adds a segment, merged in bounded steps of their own transactions (left
            // to FTS5, its crisis merge ran inside a batch's commit over ever larger segments,
            // holding the write lock for seconds: saves gave up after their 5 s, measured).
            pace.after_batch(store, written, batch)?;
            store.keep_wal_small()?;
            // A gap in which a save waiting for the lock (trying every millisecond) gets it.
            std::thread::sleep(REBUILD_GAP);
            if !finished && !progress(*report) {
                // Dropping the receiver ends the reader at its next chunk.
                drop(chunks);
                return Ok(false);
            }
        }
        Ok(true)
    })
}

impl Store {
    /// Whether some records are not in the search index yet, or its last merge is still to do
    /// (see [`Store::rebuild_search`]).
    pub fn search_index_missing(&self) -> Result<bool> {
        if !pending_kinds(&self.conn)?.is_empty() || in_bulk_mode(&self.conn)? {
            return Ok(true);
        }
        for kind in DocKind::ALL {
            if is_missing(&self.conn, *kind)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Asks for a rebuild (a row in `search_rebuild`) of every kind whose newest record has no
    /// document and that is not asked for already. [`Store::open`] calls it before anything is
    /// written, so that a save indexing its own record cannot hide that the older ones have no
    /// documents. Writes nothing when nothing is missing (six index lookups).
    pub(crate) fn request_missing_rebuild(&mut self) -> Result<()> {
        let mut missing = Vec::new();
        for kind in DocKind::ALL {
            if !rebuilding(&self.conn, *kind)? && is_missing(&self.conn, *kind)? {
                missing.push(*kind);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        self.request_rebuild(&missing)
    }

    /// Asks for a rebuild of `kinds` from their newest record (after a bulk import).
    pub(crate) fn request_rebuild(&mut self, kinds: &[DocKind]) -> Result<()> {
        let kinds = kinds.to_vec();
        self.write(|tx| {
            let mut ask = tx.prepare_cached("INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES (?1, ?2)")?;
            for kind in &kinds {
                ask.execute(params![kind.label(), i64::MAX])?;
            }
            Ok(())
        })
    }

    /// After a rebuild batch: once the write-ahead log has grown past [`REBUILD_WAL_LIMIT`],
    /// checkpoint it with RESTART, so the log is written from its beginning again. RESTART holds
    /// the write lock while it waits for readers of old snapshots, so it waits at most
    /// [`REBUILD_CHECKPOINT_WAIT`] (with the store's usual 5 s, searches reading back to back kept
    /// it waiting until an officer's save gave up); one that cannot finish now is tried after
    /// the next batch.
    fn keep_wal_small(&self) -> Result<()> {
        let wal = crate::files::side_files(self.path())
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e.to_string_lossy().ends_with("wal")));
        let size = wal.and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
        if size > REBUILD_WAL_LIMIT {
            fn briefly(tries: i32) -> bool {
                super::retry_within(tries, REBUILD_CHECKPOINT_WAIT)
            }
            self.conn.busy_handler(Some(briefly))?;
            let checkpoint = self.conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
            self.conn.busy_handler(Some(super::wait_for_the_lock))?;
            checkpoint?;
        }
        Ok(())
    }

    /// Indexes every record without a search document — after an upgrade that remade the index
    /// (a migration asks for it in `search_rebuild`), for a database loaded in bulk, or the rest
    /// of an interrupted rebuild — newest first, visits first, `batch` records per transaction,
    /// merging the segments it adds in steps of [`REBUILD_STEP_PAGES`] pages. `progress` is told how
    /// far it has come before it starts and after every transaction; when it answers false the
    /// run stops there ([`RebuildEnd::Stopped`]) and the next run goes on. Saves made meanwhile,
    /// here or elsewhere, index their own records as always. Cheap when nothing is asked for (a
    /// few index lookups).
    ///
    /// The app runs it on a thread of its own with [`REBUILD_BATCH`] while the officer works
    /// (`runtime/index.rs`); a bulk import and the benchmarks run it whole with
    /// [`Store::backfill_search`]. While it runs FTS5's buffer is larger and commits are not
    /// synced (`synchronous=NORMAL` on this connection only: a batch lost to a power cut is
    /// rolled back with its place in `search_rebuild`, and done again).
    pub fn rebuild_search(
        &mut self,
        batch: usize,
        progress: &mut dyn FnMut(BackfillProgress) -> bool,
    ) -> Result<RebuildEnd> {
        self.request_missing_rebuild()?;
        let pending = pending_kinds(&self.conn)?;
        if pending.is_empty() && !in_bulk_mode(&self.conn)? {
            return Ok(RebuildEnd::Finished);
        }
        let mut total = 0;
        for (kind, below) in &pending {
            total += records_below(&self.conn, *kind, *below)?;
        }
        let mut report = BackfillProgress {
            done: 0,
            total,
            merging: pending.is_empty(),
        };
        if !progress(report) {
            return Ok(RebuildEnd::Stopped);
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let ran = self.rebuild_pending(&pending, batch, &mut report, progress);
        // Back to every save synced, whatever happened.
        let restored = self.conn.pragma_update(None, "synchronous", "FULL");
        let end = ran?;
        restored?;
        Ok(end)
    }

    fn rebuild_pending(
        &mut self,
        pending: &[(DocKind, i64)],
        batch: usize,
        report: &mut BackfillProgress,
        progress: &mut dyn FnMut(BackfillProgress) -> bool,
    ) -> Result<RebuildEnd> {
        if !pending.is_empty() {
            self.write(|tx| bulk_settings(tx, true))?;
        }
        let mut pace = MergePace::default();
        for (kind, below) in pending {
            if !rebuild_kind(self, *kind, *below, batch.max(1), &mut pace, report, progress)? {
                return Ok(RebuildEnd::Stopped);
            }
        }
        // The segments since the last merge (and any merge under way) merged, until no level
        // holds `usermerge` (16) segments: then FTS5's crisis merge, back at 16, has nothing to
        // do inside the next save. Not to one segment: searches are as fast with the few left
        // (first page 0.2–3.7 ms at ten years, measured), and merging the whole index again
        // would double its pages in the file for the time of the merge.
        report.merging = true;
        for _ in 0..REBUILD_MERGE_STEPS {
            if !progress(*report) {
                return Ok(RebuildEnd::Stopped);
            }
            if !self.merge_search_index(REBUILD_STEP_PAGES)? {
                break;
            }
            self.keep_wal_small()?;
            std::thread::sleep(REBUILD_GAP);
        }
        self.write(|tx| bulk_settings(tx, false))?;
        // The log back to nothing now that the work is done (best effort: a reader may hold it).
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(RebuildEnd::Finished)
    }

    /// The whole of [`Store::rebuild_search`] at once, [`BACKFILL_BATCH`] records per
    /// transaction: for a bulk import, the benchmarks and the tests. Returns how many records it
    /// indexed.
    pub fn backfill_search(&mut self) -> Result<u64> {
        self.backfill_search_with(&mut |_| {})
    }

    /// [`Store::backfill_search`], calling `progress` before it starts, after every batch and
    /// during the merge (never when nothing is missing).
    pub fn backfill_search_with(&mut self, progress: &mut dyn FnMut(BackfillProgress)) -> Result<u64> {
        let mut done = 0;
        self.rebuild_search(BACKFILL_BATCH, &mut |p| {
            done = p.done;
            progress(p);
            true
        })?;
        Ok(done)
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
        if self.purge_wanted {
            // The whole index rewritten a small step at a time, then the log emptied.
            let worked = self.merge_search_index(-PURGE_IDLE_STEP_PAGES)?;
            if !worked {
                self.purge_wanted = false;
                let _ = self.empty_wal();
            }
            return Ok(true);
        }
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
