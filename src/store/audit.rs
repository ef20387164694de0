//! The tamper-evident audit chain.
//!
//! SQLite's update hook tells the store every row the app inserts, updates or deletes; before the
//! transaction commits, [`append`] writes one `audit_log` row per changed record: who (read from
//! the record's own who-column), the action, the table and row, a SHA-256 digest of the whole row
//! after the change, and a hash chaining it to the previous audit row. A change made outside the
//! app (the sqlite3 shell, an editor) leaves a record whose digest no longer matches, a record
//! with no audit row, or a broken chain; [`Store::verify`] names each.
//!
//! Stored compactly (migration 0010): the digest and hash as 32-byte blobs (a deleted record's
//! digest NULL), and no copy of the previous row's hash — verify reads it from that row. The hash
//! is computed over the text form the values had before (lowercase hex, `deleted`), so rows
//! written before the upgrade keep their hashes and still verify.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use rusqlite::hooks::Action;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store};

/// Changes seen by the update hook since the transaction began: (action, table, rowid).
pub(crate) type Pending = Arc<Mutex<Vec<(Action, String, i64)>>>;

/// The hash before the first audit row.
const GENESIS: &str = "zhiban-audit-v1";

/// The digest of a record that is gone.
const DELETED: &str = "deleted";

/// Who made a change when the record does not say.
const SYSTEM: &str = "（系统）";

/// Columns that say who made a record, most specific first.
const WHO_COLUMNS: &[&str] = &[
    "amended_by",
    "attempted_by",
    "enrolled_by",
    "confirmed_by",
    "checked_out_by",
    "revealed_by",
    "recorded_by",
    "registered_by",
    "created_by",
    "added_by",
    "imported_by",
    "lifted_by",
    "outgoing",
    "who",
    "by_whom",
];

/// Whether changes to `table` are records that get audit rows: not the audit log itself, and not
/// the search index, which is derived from the records (`store/search.rs`).
pub(crate) fn is_audited(table: &str) -> bool {
    table != "audit_log" && !super::search::is_search_table(table)
}

type Sha = [u8; 32];

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// A SHA-256 value in lowercase hex (the chain's text form of a digest or hash).
fn hex(bytes: &Sha) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 0x0f)];
    }
    out
}

/// Lowercase hex of any bytes, onto `out`.
fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    for b in bytes {
        out.push(HEX_DIGITS[usize::from(b >> 4)]);
        out.push(HEX_DIGITS[usize::from(b & 0x0f)]);
    }
}

/// A stored digest or hash in the text form the chain hashes and compares (the form it was stored
/// in before migration 0010): 32 bytes as lowercase hex, a deleted record's digest (NULL) as
/// `deleted`, and anything else — an edit outside the app, before or after the upgrade — as its
/// text, so that it matches nothing the app computes.
fn stored_text(v: ValueRef<'_>, out: &mut Vec<u8>) {
    out.clear();
    match v {
        ValueRef::Null => out.extend_from_slice(DELETED.as_bytes()),
        ValueRef::Blob(b) => push_hex(out, b),
        ValueRef::Text(t) => out.extend_from_slice(t),
        ValueRef::Integer(n) => {
            let _ = write!(out, "{n}");
        }
        ValueRef::Real(x) => {
            let _ = write!(out, "{x}");
        }
    }
}

/// What the digest of a table's rows needs, found once per table.
struct TableInfo {
    sql: String,
    names: Vec<String>,
    /// Positions of the who-columns the table has, in the order of [`WHO_COLUMNS`].
    who: Vec<usize>,
}

/// Digests rows: `SELECT *` by rowid through a cached statement, every column into one buffer,
/// one SHA-256. Keeps what it learnt about each table for the next row.
#[derive(Default)]
struct Digester {
    tables: HashMap<String, TableInfo>,
    buf: Vec<u8>,
}

impl Digester {
    /// A row's digest and who made it (empty if no who-column says), or `None` if the row is gone.
    fn row(&mut self, conn: &Connection, table: &str, rowid: i64) -> Result<Option<(Sha, String)>> {
        if !self.tables.contains_key(table) {
            let sql = format!("SELECT * FROM \"{}\" WHERE rowid = ?1", table.replace('"', "\"\""));
            let names: Vec<String> = conn
                .prepare_cached(&sql)?
                .column_names()
                .iter()
                .map(|s| (*s).to_string())
                .collect();
            let who = WHO_COLUMNS
                .iter()
                .filter_map(|w| names.iter().position(|n| n == w))
                .collect();
            self.tables.insert(table.to_string(), TableInfo { sql, names, who });
        }
        let Self { tables, buf } = self;
        let info = &tables[table];
        let mut stmt = conn.prepare_cached(&info.sql)?;
        Ok(stmt
            .query_row([rowid], |r| {
                buf.clear();
                for (i, name) in info.names.iter().enumerate() {
                    buf.extend_from_slice(name.as_bytes());
                    buf.push(b'=');
                    match r.get_ref(i)? {
                        ValueRef::Null => buf.extend_from_slice(b"\0N"),
                        // Writing into a Vec cannot fail.
                        ValueRef::Integer(n) => {
                            let _ = write!(buf, "i:{n}");
                        }
                        ValueRef::Real(x) => {
                            let _ = write!(buf, "r:{x}");
                        }
                        ValueRef::Text(t) => {
                            buf.extend_from_slice(b"t:");
                            buf.extend_from_slice(t);
                        }
                        ValueRef::Blob(b) => {
                            buf.extend_from_slice(b"b:");
                            buf.extend_from_slice(b);
                        }
                    }
                    buf.push(0x1f);
                }
                let mut who = String::new();
                for &i in &info.who {
                    if let ValueRef::Text(t) = r.get_ref(i)?
                        && !t.is_empty()
                        && let Ok(s) = std::str::from_utf8(t)
                    {
                        who = s.to_string();
                        break;
                    }
                }
                Ok((Sha256::digest(&buf[..]).into(), who))
            })
            .optional()?)
    }
}

/// The audit row's hash over the previous hash (as text) and its own fields: id, at, who, action,
/// table, row and digest (as text), each followed by 0x1f.
#[allow(clippy::too_many_arguments)]
fn chain_hash(
    buf: &mut Vec<u8>,
    prev: &[u8],
    id: i64,
    at: &str,
    who: &str,
    action: &str,
    table: &str,
    rowid: i64,
    digest: &[u8],
) -> Sha {
    buf.clear();
    buf.extend_from_slice(prev);
    // Writing into a Vec cannot fail.
    let _ = write!(buf, "\x1f{id}\x1f{at}\x1f{who}\x1f{action}\x1f{table}\x1f{rowid}\x1f");
    buf.extend_from_slice(digest);
    buf.push(0x1f);
    Sha256::digest(&buf[..]).into()
}

fn action_label(a: Action) -> &'static str {
    match a {
        Action::SQLITE_INSERT => "新增",
        Action::SQLITE_DELETE => "删除",
        _ => "修改",
    }
}

/// Appends the audit rows for `changes`, inside the transaction that made them (by `Store::write`,
/// or at the end of an import batch).
pub(crate) fn append(tx: &Connection, changes: &[(Action, String, i64)]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let at = chrono::Local::now()
        .naive_local()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let (mut last_id, mut prev): (i64, Vec<u8>) = tx
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| {
            let mut hash = Vec::with_capacity(64);
            stored_text(r.get_ref(1)?, &mut hash);
            Ok((r.get(0)?, hash))
        })
        .optional()?
        .unwrap_or((0, GENESIS.as_bytes().to_vec()));
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit_log (id, at, who, action, tbl, row_id, digest, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut digester = Digester::default();
    let mut buf = Vec::new();
    // One row per record and action, in the order they happened (an insert then an update of
    // the same row in one transaction is one 新增 of its final state).
    let mut seen: HashSet<(&str, i64)> = HashSet::with_capacity(changes.len());
    for (action, table, rowid) in changes {
        if !seen.insert((table.as_str(), *rowid)) {
            continue;
        }
        let row = digester.row(tx, table, *rowid)?;
        let (digest, action, who) = match &row {
            Some((digest, who)) => (
                Some(digest),
                action_label(*action),
                if who.is_empty() { SYSTEM } else { who.as_str() },
            ),
            None => (None, "删除", SYSTEM),
        };
        let digest_hex = digest.map(hex);
        let digest_text = digest_hex.as_ref().map_or(DELETED.as_bytes(), |h| &h[..]);
        let id = last_id + 1;
        let hash = chain_hash(&mut buf, &prev, id, &at, who, action, table, *rowid, digest_text);
        insert.execute(params![
            id,
            at,
            who,
            action,
            table,
            rowid,
            digest.map(|d| &d[..]),
            &hash[..]
        ])?;
        last_id = id;
        prev.clear();
        prev.extend_from_slice(&hex(&hash));
    }
    Ok(())
}

/// What `verify` found, each a sentence an officer can act on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub audit_rows: u64,
    pub records_checked: u64,
    pub problems: Vec<String>,
}

impl VerifyReport {
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// At most this many problems are listed; the count says how many more.
const MAX_LISTED: usize = 50;

impl Store {
    /// Walks the audit chain and compares records with their last digest. `full` checks every
    /// audit row and every record; otherwise only the newest `QUICK_ROWS` audit rows, their
    /// records, and rows added after the last audited one of each table (the start-up check).
    pub fn verify(&self, full: bool) -> Result<VerifyReport> {
        const QUICK_ROWS: i64 = 200;
        let mut report = VerifyReport::default();
        // The audit rows to walk are those after `from`: all of them, or the newest QUICK_ROWS
        // (found from the newest end, so the start-up check costs the same at any size).
        let from: i64 = if full {
            0
        } else {
            self.conn.query_row(
                "SELECT coalesce((SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?1), 0)",
                [QUICK_ROWS],
                |r| r.get(0),
            )?
        };
        let mut problems = Vec::new();
        let mut buf = Vec::new();
        let mut digester = Digester::default();
        // The chain: each row's hash over the previous row's hash and its own fields. A quick
        // check reads the row at `from` only for its hash.
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, at, who, action, tbl, row_id, digest, hash FROM audit_log WHERE id >= ?1 ORDER BY id",
            )?;
            // The previous row's id and hash (as text); none when it is not known.
            let mut prev: Option<(i64, Vec<u8>)> = (from == 0).then(|| (0, GENESIS.as_bytes().to_vec()));
            let (mut digest, mut hash) = (Vec::new(), Vec::new());
            let mut rows = stmt.query([from])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                stored_text(r.get_ref(7)?, &mut hash);
                if from > 0 && id == from {
                    prev = Some((id, std::mem::take(&mut hash)));
                    continue;
                }
                let (at, who, action, table): (String, String, String, String) =
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                let rowid: i64 = r.get(5)?;
                stored_text(r.get_ref(6)?, &mut digest);
                report.audit_rows += 1;
                match &prev {
                    // The row after a gap chains to a hash that is gone: the gap is the finding.
                    Some((prev_id, _)) if id != prev_id + 1 => problems.push(format!(
                        "审计记录第 {} 至 {} 条缺失：有人在程序之外删除了审计记录",
                        prev_id + 1,
                        id - 1
                    )),
                    Some((_, prev_hash)) => {
                        let computed = chain_hash(&mut buf, prev_hash, id, &at, &who, &action, &table, rowid, &digest);
                        if hex(&computed)[..] != hash[..] {
                            problems.push(format!("审计记录第 {id} 条的内容被改动过（{table} 第 {rowid} 行）"));
                        }
                    }
                    None => {}
                }
                prev = Some((id, std::mem::take(&mut hash)));
            }
        }
        // The records: each audited record against its last digest (the search_* tables are derived
        // from the records and never audited).
        let tables: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> 'audit_log' ORDER BY name",
            )?;
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .filter(|t| t.as_ref().map_or(true, |t| is_audited(t)))
                .collect::<rusqlite::Result<_>>()?
        };
        for table in &tables {
            let quoted = table.replace('"', "\"\"");
            let last_audited: i64 = self.conn.query_row(
                "SELECT coalesce(max(row_id), 0) FROM audit_log WHERE tbl = ?1",
                [table],
                |r| r.get(0),
            )?;
            let (added, max_rowid): (i64, i64) = self.conn.query_row(
                &format!("SELECT count(*), coalesce(max(rowid), 0) FROM \"{quoted}\" WHERE rowid > ?1"),
                [last_audited],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if added > 0 {
                problems.push(format!(
                    "{table} 有 {added} 行（至第 {max_rowid} 行）没有审计记录：是在程序之外写入的"
                ));
            }
            let sql = if full {
                "SELECT a.row_id, a.digest FROM audit_log a WHERE a.tbl = ?1 \
                 AND a.id = (SELECT max(id) FROM audit_log b WHERE b.tbl = a.tbl AND b.row_id = a.row_id) \
                 AND ?2 >= 0 ORDER BY a.row_id"
            } else {
                // `+a.tbl`: read the newest rows by id, not every audit row of the table by name.
                "SELECT a.row_id, a.digest FROM audit_log a WHERE a.id > ?2 AND +a.tbl = ?1 \
                 AND a.id = (SELECT max(id) FROM audit_log b WHERE b.tbl = a.tbl AND b.row_id = a.row_id) \
                 ORDER BY a.row_id"
            };
            let mut stmt = self.conn.prepare(sql)?;
            let audited: Vec<(i64, Vec<u8>)> = stmt
                .query_map(params![table, from], |r| {
                    let mut digest = Vec::with_capacity(64);
                    stored_text(r.get_ref(1)?, &mut digest);
                    Ok((r.get(0)?, digest))
                })?
                .collect::<rusqlite::Result<_>>()?;
            for (rowid, digest) in &audited {
                report.records_checked += 1;
                let now = digester.row(&self.conn, table, *rowid)?.map(|(d, _)| hex(&d));
                let deleted = digest[..] == *DELETED.as_bytes();
                match now {
                    None if deleted => {}
                    None => problems.push(format!("{table} 第 {rowid} 行被删除了（程序之外）")),
                    Some(_) if deleted => {
                        problems.push(format!("{table} 第 {rowid} 行已删除却又出现（程序之外写入）"));
                    }
                    Some(d) if d[..] != digest[..] => {
                        problems.push(format!("{table} 第 {rowid} 行在程序之外被改动过"));
                    }
                    _ => {}
                }
            }
            if full {
                // Rows below the last audited one that were never audited (inserted with a chosen id).
                let missing: i64 = self.conn.query_row(
                    &format!(
                        "SELECT count(*) FROM \"{quoted}\" t WHERE t.rowid <= ?2 AND NOT EXISTS \
                         (SELECT 1 FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = t.rowid)"
                    ),
                    params![table, last_audited],
                    |r| r.get(0),
                )?;
                if missing > 0 {
                    problems.push(format!("{table} 有 {missing} 行没有审计记录：是在程序之外写入的"));
                }
            }
        }
        if problems.len() > MAX_LISTED {
            let more = problems.len() - MAX_LISTED;
            problems.truncate(MAX_LISTED);
            problems.push(format!("……另有 {more} 处"));
        }
        report.problems = problems;
        Ok(report)
    }
}
