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
    "acknowledged_by",
    "found_by",
    "outgoing",
    "who",
    "by_whom",
    "started_by",
    "removed_by",
];

/// Whether changes to `table` are records that get audit rows: not the audit log itself, and not
/// the search index, which is derived from the records (`store/search.rs`).
pub(crate) fn is_audited(table: &str) -> bool {
    table != "audit_log"
        && table != "draft"
        && table != "redaction_open"
        && !super::search::is_search_table(table)
        && !super::instruction::is_open_set(table)
        && !super::document::is_open_set(table)
        && !super::retention::is_scratch(table)
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

/// One column of a row as the digest reads it: `name=`, the typed value, 0x1f.
pub(crate) fn push_field(buf: &mut Vec<u8>, name: &str, value: ValueRef<'_>) {
    buf.extend_from_slice(name.as_bytes());
    buf.push(b'=');
    match value {
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

/// The digest of a row as [`push_field`] wrote it, in the text form the chain compares.
pub(crate) fn digest_hex(buf: &[u8]) -> [u8; 64] {
    hex(&Sha256::digest(buf).into())
}

/// A stored digest in its text form (see [`stored_text`]).
pub(crate) fn stored_digest_text(v: ValueRef<'_>, out: &mut Vec<u8>) {
    stored_text(v, out);
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
                    push_field(buf, name, r.get_ref(i)?);
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
///
/// `rebaseline` rows (table, rowid, who) get an audit row of their current state as well, by
/// `who`: an approver accepted a row found changed outside the app (`tamper_ack`).
pub(crate) fn append(
    tx: &Connection,
    changes: &[(Action, String, i64)],
    rebaseline: &[(String, i64, String)],
) -> Result<()> {
    if changes.is_empty() && rebaseline.is_empty() {
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
    let rebased = rebaseline
        .iter()
        .map(|(table, rowid, who)| (Action::SQLITE_UPDATE, table, *rowid, Some(who.as_str())));
    for (action, table, rowid, by) in changes.iter().map(|(a, t, r)| (*a, t, *r, None)).chain(rebased) {
        if by.is_none() && !seen.insert((table.as_str(), rowid)) {
            continue;
        }
        let row = digester.row(tx, table, rowid)?;
        let (digest, action, who) = match &row {
            Some((digest, who)) => (
                Some(digest),
                action_label(action),
                by.unwrap_or(if who.is_empty() { SYSTEM } else { who.as_str() }),
            ),
            None => (None, "删除", by.unwrap_or(SYSTEM)),
        };
        let rowid = &rowid;
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
    /// Findings an approver has acknowledged: still listed, with who and when; not problems.
    pub acknowledged: Vec<String>,
    /// Rows found changed, deleted or added outside the app (for the store to record as
    /// findings at open): table, row, what.
    pub rows: Vec<(String, i64, super::guard::FindingKind)>,
}

impl VerifyReport {
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// At most this many problems are listed; the count says how many more.
const MAX_LISTED: usize = 50;

/// The problems `verify` finds: the first [`MAX_LISTED`] as sentences, the rest only counted, so a
/// file changed everywhere outside the app is not held in memory sentence by sentence.
#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    fn push(&mut self, problem: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// The sentences, and how many more there were.
    fn into_list(self) -> Vec<String> {
        let mut list = self.listed;
        if self.more > 0 {
            list.push(format!("……另有 {} 处", self.more));
        }
        list
    }
}

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
        let mut problems = Problems::default();
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
                report
                    .rows
                    .push((table.clone(), max_rowid, super::guard::FindingKind::Unaudited));
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
            // Each audited record is digested as its audit row comes: ten years of rows are never
            // held (the statement reads the audit index in order while the digests read the records).
            let mut stmt = self.conn.prepare(sql)?;
            let mut audited = stmt.query(params![table, from])?;
            let mut digest = Vec::with_capacity(64);
            while let Some(r) = audited.next()? {
                let rowid: i64 = r.get(0)?;
                stored_text(r.get_ref(1)?, &mut digest);
                report.records_checked += 1;
                let now = digester.row(&self.conn, table, rowid)?.map(|(d, _)| hex(&d));
                let deleted = digest[..] == *DELETED.as_bytes();
                use super::guard::FindingKind;
                let kind = match now {
                    None if deleted => None,
                    None => Some(FindingKind::Deleted),
                    Some(_) if deleted => Some(FindingKind::Reappeared),
                    Some(d) if d[..] != digest[..] => Some(FindingKind::Changed),
                    _ => None,
                };
                if let Some(kind) = kind {
                    problems.push(format!("{table} 第 {rowid} 行{}", kind.label()));
                    report.rows.push((table.clone(), rowid, kind));
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
        self.verify_findings(&mut problems, &mut report.acknowledged)?;
        if full {
            for p in self
                .open_set_problems()?
                .into_iter()
                .chain(self.forward_set_problems()?)
            {
                problems.push(p);
            }
        }
        // A redaction names the rows it rewrites and removes the names before it commits: a name
        // left here is an exception to the protective triggers standing open.
        let open: i64 = self
            .conn
            .query_row("SELECT count(*) FROM redaction_open", [], |r| r.get(0))?;
        if open > 0 {
            problems.push(format!(
                "redaction_open 有 {open} 行：删除误录内容的例外不应留存，是在程序之外写入的，请保留数据库文件并报告"
            ));
        }
        let open = self.retention_open_rows()?;
        if open > 0 {
            problems.push(format!(
                "retention_open 有 {open} 行：这张表只在脱敏的一次写入中途有内容，提交后应为空；有人在程序之外写入了它（借此可改写来访的证件号码和电话），请保留数据库文件并报告"
            ));
        }
        for name in missing_triggers(&self.conn)? {
            problems.push(format!(
                "保护触发器 {name} 缺失：有人在程序之外删除了它（记录可能已被改写），请保留数据库文件并报告"
            ));
        }
        report.problems = problems.into_list();
        Ok(report)
    }
}

impl Store {
    /// Every recorded finding: unacknowledged ones are problems (they stay until an approver
    /// looks, whatever was written since); acknowledged ones are listed with who and when.
    fn verify_findings(&self, problems: &mut Problems, acknowledged: &mut Vec<String>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT f.id, f.tbl, f.row_id, f.what, f.found_at, f.found_by, a.acknowledged_by, a.at \
             FROM tamper_finding f LEFT JOIN tamper_ack a ON a.finding_id = f.id ORDER BY f.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, table, row_id, what, at): (i64, String, i64, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let found_by: String = r.get(5)?;
            let by: Option<String> = r.get(6)?;
            let when = if found_by == super::SYSTEM_FINDER {
                format!("{at} 检查时发现")
            } else {
                format!("{at} {found_by} 写入时发现")
            };
            match by {
                None => problems.push(format!(
                    "第 {id} 项发现：{table} 第 {row_id} 行{what}（{when}，待领导核实后用 zhiban audit ack {id} 确认）"
                )),
                Some(by) => acknowledged.push(format!(
                    "第 {id} 项发现：{table} 第 {row_id} 行{what}（{when}）；已由 {by} 于 {} 确认",
                    r.get::<_, String>(7)?
                )),
            }
        }
        Ok(())
    }

    /// An approver (`by` in `by_role`, whose PIN was checked) accepts the row of finding `id`
    /// as it now stands: the acknowledgement and a fresh audit row of the row, by them, in one
    /// transaction. The finding stays and `verify` lists it as acknowledged.
    pub fn acknowledge_finding(
        &mut self,
        id: i64,
        by: &str,
        by_role: &str,
        now: chrono::NaiveDateTime,
    ) -> Result<(String, i64)> {
        let found: Option<(String, i64)> = self
            .conn
            .query_row("SELECT tbl, row_id FROM tamper_finding WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((table, row_id)) = found else {
            return Err(super::StoreError::Refused(format!(
                "没有第 {id} 项发现：zhiban verify 列出各项的编号"
            )));
        };
        self.rebaseline = vec![(table.clone(), row_id, by.to_string())];
        let result = self.write(|tx| {
            super::pin::require_approver(tx, "", by, by_role)?;
            if tx
                .prepare_cached("SELECT 1 FROM tamper_ack WHERE finding_id = ?1")?
                .exists([id])?
            {
                return Err(super::StoreError::Refused(format!("第 {id} 项发现已经确认过")));
            }
            tx.prepare_cached("INSERT INTO tamper_ack (finding_id, acknowledged_by, at) VALUES (?1, ?2, ?3)")?
                .execute(params![id, by, super::time_to_sql(now)])?;
            Ok(())
        });
        self.rebaseline.clear();
        result.map(|()| (table, row_id))
    }
}

impl Store {
    /// Every recorded finding, newest first, with its acknowledgement.
    pub fn findings(&self) -> Result<Vec<crate::core::integrity::IntegrityFinding>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.tbl, f.row_id, f.what, f.found_at, f.found_by, a.acknowledged_by, a.at \
             FROM tamper_finding f LEFT JOIN tamper_ack a ON a.finding_id = f.id ORDER BY f.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, table, row_id, what, found_at, found_by, by, at) = row?;
            out.push(crate::core::integrity::IntegrityFinding {
                id,
                table,
                row_id,
                what,
                found_at: super::time_from_sql(&found_at)?,
                found_by,
                acknowledged: match (by, at) {
                    (Some(by), Some(at)) => Some((by, super::time_from_sql(&at)?)),
                    _ => None,
                },
            });
        }
        Ok(out)
    }
}

/// The protective triggers the migrations create, by name.
fn expected_triggers() -> Vec<&'static str> {
    let mut names = Vec::new();
    for sql in super::MIGRATIONS {
        let mut rest = *sql;
        while let Some((_, after)) = rest.split_once("CREATE TRIGGER ") {
            rest = after;
            let name = rest.split_whitespace().next().unwrap_or_default();
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Triggers the migrations created that the file no longer has (dropped outside the app).
pub(crate) fn missing_triggers(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?1")?;
    let mut missing = Vec::new();
    for name in expected_triggers() {
        if !stmt.exists([name])? {
            missing.push(name.to_string());
        }
    }
    Ok(missing)
}

/// The newest audit row and its hash as stored (32 bytes, or text from before migration 0010).
pub(crate) fn head(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| {
            let hash = match r.get_ref(1)? {
                ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
                _ => Vec::new(),
            };
            Ok((r.get(0)?, hash))
        })
        .optional()?)
}

/// A stored hash in hex (the chain's text form).
pub(crate) fn hash_hex(v: ValueRef<'_>) -> String {
    let mut out = Vec::with_capacity(64);
    stored_text(v, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// What an anchor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorCheck {
    Holds,
    /// The row is there with another hash: the chain up to it was rewritten.
    Differs,
    /// The row is gone: the chain's tail from there on was deleted (the newest row now).
    Gone {
        newest: i64,
    },
}

impl Store {
    /// The chain's head now, as a paper anchor.
    pub fn audit_head(&self) -> Result<Option<crate::core::anchor::Anchor>> {
        let stored: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, hash_hex(r.get_ref(1)?))))
            .optional()?;
        Ok(stored.map(|(row, hash)| crate::core::anchor::Anchor::new(row, &hash)))
    }

    /// Whether the chain still has `anchor`'s row with that hash.
    pub fn check_anchor(&self, anchor: &crate::core::anchor::Anchor) -> Result<AnchorCheck> {
        let stored: Option<String> = self
            .conn
            .prepare_cached("SELECT hash FROM audit_log WHERE id = ?1")?
            .query_row([anchor.row], |r| Ok(hash_hex(r.get_ref(0)?)))
            .optional()?;
        Ok(match stored {
            Some(hash) if anchor.matches(&hash) => AnchorCheck::Holds,
            Some(_) => AnchorCheck::Differs,
            None => AnchorCheck::Gone {
                newest: self
                    .conn
                    .query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?,
            },
        })
    }
}
