//! No laundering (issue 14): before the store writes over an existing row, the row must still be
//! what its last audit row says. Otherwise the app's next routine write (an escalation reminder,
//! an amendment) would audit a row edited outside the app, and `verify` would pass again.
//!
//! How: on its own connection the store creates TEMP triggers (never in the file, so nothing
//! outside the app can see or drop them) BEFORE UPDATE and BEFORE DELETE on every audited table.
//! Each calls `zhiban_guard(table, rowid, last stored digest, old values…)`, a function of this
//! connection that digests the old row exactly as the audit does and compares. A row already
//! written in this transaction (the update hook has seen it) is the app's own and passes. On a
//! mismatch the function fails the statement, so the whole write rolls back, and leaves the
//! finding for [`super::Store`] to record in a transaction of its own (`tamper_finding`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Error};

use super::Result;
use super::audit::{Pending, digest_hex, is_audited, push_field, stored_digest_text};

/// What the guard found about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub table: String,
    pub row_id: i64,
    pub kind: FindingKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The row differs from its last audited digest.
    Changed,
    /// The row has no audit row: written outside the app.
    Unaudited,
    /// The audit says the row was deleted, yet it is there.
    Reappeared,
    /// The row is gone, though its audit says it is there.
    Deleted,
}

impl FindingKind {
    /// Stored in `tamper_finding.what` and said to the officer.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Changed => "在程序之外被改动过",
            Self::Unaudited => "在程序之外写入（没有审计记录）",
            Self::Reappeared => "已删除却又出现（程序之外写入）",
            Self::Deleted => "被删除了（程序之外）",
        }
    }
}

/// Findings of the write under way, for the store to record once it has rolled back.
pub(crate) type Findings = Arc<Mutex<Vec<Finding>>>;

/// The message a refused statement carries (the store replaces it by its own words).
const REFUSED: &str = "zhiban: row changed outside the app";

/// Installs the function and the TEMP triggers on `conn` (after the migrations: the columns are
/// today's).
pub(crate) fn install(conn: &Connection, pending: Pending, findings: Findings) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|t| is_audited(t))
        .collect();
    let mut columns: HashMap<String, Vec<String>> = HashMap::new();
    for table in &tables {
        let names = conn
            .prepare(&format!("SELECT * FROM \"{}\" LIMIT 0", table.replace('"', "\"\"")))?
            .column_names()
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        columns.insert(table.clone(), names);
    }
    let guard_columns = columns.clone();
    conn.create_scalar_function("zhiban_guard", -1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        check(ctx, &guard_columns, &pending, &findings)
    })?;
    let mut sql = String::new();
    for (table, names) in &columns {
        let quoted = table.replace('"', "\"\"");
        let literal = table.replace('\'', "''");
        let old: String = names
            .iter()
            .map(|n| format!(", OLD.\"{}\"", n.replace('"', "\"\"")))
            .collect();
        for (event, suffix) in [("UPDATE", "u"), ("DELETE", "d")] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS \"zhiban_guard_{quoted}_{suffix}\" BEFORE {event} ON main.\"{quoted}\" \
                 BEGIN SELECT zhiban_guard('{literal}', OLD.rowid, \
                 (SELECT coalesce(digest, 'deleted') FROM main.audit_log WHERE tbl = '{literal}' AND row_id = OLD.rowid ORDER BY id DESC LIMIT 1)\
                 {old}); END;\n"
            ));
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

fn check(
    ctx: &Context<'_>,
    columns: &HashMap<String, Vec<String>>,
    pending: &Pending,
    findings: &Findings,
) -> rusqlite::Result<i64> {
    let table = ctx
        .get_raw(0)
        .as_str()
        .map_err(|e| Error::UserFunctionError(e.into()))?;
    let row_id: i64 = ctx.get(1)?;
    // Written earlier in this same transaction: the app's own change, audited at commit.
    if pending
        .lock()
        .is_ok_and(|p| p.iter().any(|(_, t, r)| *r == row_id && t == table))
    {
        return Ok(1);
    }
    let Some(names) = columns.get(table) else {
        return Ok(1);
    };
    let mut buf = Vec::with_capacity(256);
    for (i, name) in names.iter().enumerate() {
        push_field(&mut buf, name, ctx.get_raw(3 + i));
    }
    let now = digest_hex(&buf);
    let kind = match ctx.get_raw(2) {
        ValueRef::Null => Some(FindingKind::Unaudited),
        ValueRef::Text(t) if t == b"deleted" => Some(FindingKind::Reappeared),
        stored => {
            let mut text = Vec::with_capacity(64);
            stored_digest_text(stored, &mut text);
            (text[..] != now[..]).then_some(FindingKind::Changed)
        }
    };
    match kind {
        None => Ok(1),
        Some(kind) => {
            if let Ok(mut f) = findings.lock() {
                f.push(Finding {
                    table: table.to_string(),
                    row_id,
                    kind,
                });
            }
            Err(Error::UserFunctionError(REFUSED.into()))
        }
    }
}
