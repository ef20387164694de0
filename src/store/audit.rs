//! The tamper-evident audit chain.
//!
//! SQLite's update hook tells the store every row the app inserts, updates or deletes; before the
//! transaction commits, [`append`] writes one `audit_log` row per changed record: who (read from
//! the record's own who-column), the action, the table and row, a SHA-256 digest of the whole row
//! after the change, and a hash chaining it to the previous audit row. A change made outside the
//! app (the sqlite3 shell, an editor) leaves a record whose digest no longer matches, a record
//! with no audit row, or a broken chain; [`Store::verify`] names each.

use std::sync::{Arc, Mutex};

use rusqlite::hooks::Action;
use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store};

/// Changes seen by the update hook since the transaction began: (action, table, rowid).
pub(crate) type Pending = Arc<Mutex<Vec<(Action, String, i64)>>>;

/// The hash before the first audit row.
const GENESIS: &str = "zhiban-audit-v1";

/// Columns that say who made a record, most specific first.
const WHO_COLUMNS: &[&str] = &[
    "amended_by",
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A row's digest and who made it, or `None` if the row is gone.
fn row_digest(tx: &rusqlite::Connection, table: &str, rowid: i64) -> Result<Option<(String, String)>> {
    let sql = format!("SELECT * FROM \"{}\" WHERE rowid = ?1", table.replace('"', "\"\""));
    let mut stmt = tx.prepare_cached(&sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| (*s).to_string()).collect();
    Ok(stmt
        .query_row([rowid], |r| {
            let mut h = Sha256::new();
            let mut who = String::new();
            for (i, name) in names.iter().enumerate() {
                h.update(name.as_bytes());
                h.update(b"=");
                match r.get_ref(i)? {
                    ValueRef::Null => h.update(b"\0N"),
                    ValueRef::Integer(n) => h.update(format!("i:{n}").as_bytes()),
                    ValueRef::Real(x) => h.update(format!("r:{x}").as_bytes()),
                    ValueRef::Text(t) => {
                        h.update(b"t:");
                        h.update(t);
                    }
                    ValueRef::Blob(b) => {
                        h.update(b"b:");
                        h.update(b);
                    }
                }
                h.update(b"\x1f");
            }
            for w in WHO_COLUMNS {
                if let Some(i) = names.iter().position(|n| n == w)
                    && let Ok(Some(v)) = r.get::<_, Option<String>>(i)
                    && !v.is_empty()
                {
                    who = v;
                    break;
                }
            }
            Ok((hex(&h.finalize()), who))
        })
        .optional()?)
}

/// The audit row's hash over the previous hash and its own fields (id, at, who, action, table,
/// row, digest), in that order.
fn chain_hash(prev: &str, fields: [&str; 7]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\x1f");
    for part in fields {
        h.update(part.as_bytes());
        h.update(b"\x1f");
    }
    hex(&h.finalize())
}

fn action_label(a: Action) -> &'static str {
    match a {
        Action::SQLITE_INSERT => "新增",
        Action::SQLITE_DELETE => "删除",
        _ => "修改",
    }
}

/// Appends the audit rows for `changes`, inside the transaction that made them. Public for bulk
/// loaders (the ten-year benchmark) that write many records per transaction on their own
/// connection: they must chain exactly as the app does.
pub fn append(tx: &rusqlite::Connection, changes: &[(Action, String, i64)]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let at = chrono::Local::now()
        .naive_local()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let (mut last_id, mut prev): (i64, String) = tx
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    // One row per record and action, in the order they happened (an insert then an update of
    // the same row in one transaction is one 新增 of its final state).
    let mut seen: Vec<(&str, i64)> = Vec::new();
    for (action, table, rowid) in changes {
        if seen.contains(&(table.as_str(), *rowid)) {
            continue;
        }
        seen.push((table.as_str(), *rowid));
        let (digest, who) = match row_digest(tx, table, *rowid)? {
            Some(d) => d,
            None => ("deleted".to_string(), String::new()),
        };
        let action = if digest == "deleted" {
            "删除"
        } else {
            action_label(*action)
        };
        let who = if who.is_empty() {
            "（系统）".to_string()
        } else {
            who
        };
        let id = last_id + 1;
        let hash = chain_hash(
            &prev,
            [&id.to_string(), &at, &who, action, table, &rowid.to_string(), &digest],
        );
        tx.execute(
            "INSERT INTO audit_log (id, at, who, action, tbl, row_id, digest, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, at, who, action, table, rowid, digest, prev, hash],
        )?;
        last_id = id;
        prev = hash;
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
        // The chain.
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, at, who, action, tbl, row_id, digest, prev_hash, hash FROM audit_log \
                 WHERE id > ?1 ORDER BY id",
            )?;
            let mut expected_prev: Option<(i64, String)> = if from == 0 {
                Some((0, GENESIS.to_string()))
            } else {
                None
            };
            let mut rows = stmt.query([from])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let (at, who, action, table): (String, String, String, String) =
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                let (rowid, digest, prev, hash): (i64, String, String, String) =
                    (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?);
                report.audit_rows += 1;
                if let Some((prev_id, prev_hash)) = &expected_prev {
                    if id != prev_id + 1 {
                        problems.push(format!(
                            "审计记录第 {} 至 {} 条缺失：有人在程序之外删除了审计记录",
                            prev_id + 1,
                            id - 1
                        ));
                    } else if &prev != prev_hash {
                        problems.push(format!("审计记录第 {id} 条与前一条接不上：审计链被改动过"));
                    }
                }
                let fields = [&id.to_string(), &at, &who, &action, &table, &rowid.to_string(), &digest];
                if chain_hash(&prev, fields.map(String::as_str)) != hash {
                    problems.push(format!("审计记录第 {id} 条的内容被改动过（{table} 第 {rowid} 行）"));
                }
                expected_prev = Some((id, hash));
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
            let audited: Vec<(i64, String)> = stmt
                .query_map(params![table, from], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (rowid, digest) in &audited {
                report.records_checked += 1;
                let now = row_digest(&self.conn, table, *rowid)?.map(|(d, _)| d);
                match (now, digest.as_str()) {
                    (None, "deleted") => {}
                    (None, _) => problems.push(format!("{table} 第 {rowid} 行被删除了（程序之外）")),
                    (Some(_), "deleted") => {
                        problems.push(format!("{table} 第 {rowid} 行已删除却又出现（程序之外写入）"));
                    }
                    (Some(d), expected) if d != expected => {
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
