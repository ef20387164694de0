//! SQL for the duty log: insert, keyset pages, one entry with its history, amendments and
//! leader instructions.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError, row_label, row_opt_time, row_time, time_to_sql};
use crate::core::log::{
    AmendRequest, Amendment, Entry, EntryId, EntryKey, EntryKind, EntrySummary, Instruction, InstructionRequest,
    LogField, NewEntry, ReadBack, Status, Triage,
};
use crate::core::log_screen::{Anchor, PageRequest};

/// A row of the list, with what its 请示 mark needs: 境外, and whether a 请示 reached a leader
/// (NULL: none recorded) — two index lookups a row.
const SUMMARY_COLUMNS: &str = "id, occurred_at, kind, unit, person, content, triage, status, \
     EXISTS (SELECT 1 FROM entry_abroad a WHERE a.entry_id = log_entry.id), \
     (SELECT max(r.reached) FROM leader_request r WHERE r.entry_id = log_entry.id)";

pub(super) const ENTRY_COLUMNS: &str = "id, kind, category, occurred_at, unit, person, phone, receiver, content, \
     reported_elsewhere, read_back, forwarded_to, forwarded_at, triage, status, proposal, result, handler, \
     closed_at, recorded_by, recorded_at";

fn opt_time(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(time_to_sql)
}

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<EntrySummary> {
    Ok(EntrySummary {
        id: row.get(0)?,
        occurred_at: row_time(row, 1)?,
        kind: row_label(row, 2, EntryKind::parse)?,
        unit: row.get(3)?,
        person: row.get(4)?,
        content: row.get(5)?,
        triage: row_label(row, 6, Triage::parse)?,
        status: row_label(row, 7, Status::parse)?,
        abroad: row.get(8)?,
        asked: row.get(9)?,
    })
}

pub(super) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<(EntryId, NewEntry)> {
    Ok((
        row.get(0)?,
        NewEntry {
            abroad: false,
            withheld: None,
            kind: row_label(row, 1, EntryKind::parse)?,
            category: row.get(2)?,
            occurred_at: row_time(row, 3)?,
            unit: row.get(4)?,
            person: row.get(5)?,
            phone: row.get(6)?,
            receiver: row.get(7)?,
            content: row.get(8)?,
            reported_elsewhere: row.get(9)?,
            read_back: row.get::<_, Option<bool>>(10)?,
            forwarded_to: row.get(11)?,
            forwarded_at: row_opt_time(row, 12)?,
            triage: row_label(row, 13, Triage::parse)?,
            status: row_label(row, 14, Status::parse)?,
            proposal: row.get(15)?,
            result: row.get(16)?,
            handler: row.get(17)?,
            closed_at: row_opt_time(row, 18)?,
            recorded_by: row.get(19)?,
            recorded_at: row_time(row, 20)?,
        },
    ))
}

/// The value an amendment records as "old": as shown, except times keep their seconds so the
/// history loses nothing.
fn old_value(e: &NewEntry, field: LogField) -> String {
    match field {
        LogField::OccurredAt => time_to_sql(e.occurred_at),
        LogField::ForwardedAt => e.forwarded_at.map(time_to_sql).unwrap_or_default(),
        LogField::ClosedAt => e.closed_at.map(time_to_sql).unwrap_or_default(),
        f => e.value(f),
    }
}

/// Turns an amended text value back into the column's stored form.
fn column_value(field: LogField, value: &str) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match field {
        _ if value.is_empty() && (field.is_time() || field == LogField::ReadBack) => Value::Null,
        f if f.is_time() => {
            // Amended times arrive as 'YYYY-MM-DD HH:MM'; store with seconds like every other time.
            Value::Text(format!("{value}:00"))
        }
        LogField::ReadBack => Value::Integer(i64::from(ReadBack::parse(value) == Some(ReadBack::Done))),
        _ => Value::Text(value.to_string()),
    }
}

impl Store {
    /// Saves a new entry in one committed transaction; returns its id and list position.
    pub fn insert_entry(&mut self, e: &NewEntry) -> Result<(EntryId, EntryKey)> {
        self.insert_entry_raising(e, None)
    }

    /// Saves a new entry and, if `alert` carries the first timeline lines, raises its urgent
    /// alert — one transaction, so an urgent entry never exists without its alert.
    pub fn insert_entry_raising(
        &mut self,
        e: &NewEntry,
        alert: Option<&[crate::core::urgent::TimelineLine]>,
    ) -> Result<(EntryId, EntryKey)> {
        if let Some(reason) = &e.withheld {
            // Withheld means nothing of the content reaches the file: only the marker.
            if e.content != crate::core::log::WITHHELD_CONTENT {
                return Err(StoreError::Refused("内容不录入的记录不能带内容".into()));
            }
            if reason.trim().is_empty() || reason.chars().count() > crate::core::log::WITHHELD_REASON_MAX_CHARS {
                return Err(StoreError::Refused(format!(
                    "内容不录入须写明原因（最多 {} 个字）",
                    crate::core::log::WITHHELD_REASON_MAX_CHARS
                )));
            }
        }
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO log_entry (kind, category, occurred_at, unit, person, phone, receiver, content, \
                 reported_elsewhere, read_back, forwarded_to, forwarded_at, triage, status, proposal, result, \
                 handler, closed_at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                e.kind.label(),
                e.category,
                time_to_sql(e.occurred_at),
                e.unit,
                e.person,
                e.phone,
                e.receiver,
                e.content,
                e.reported_elsewhere,
                e.read_back,
                e.forwarded_to,
                opt_time(e.forwarded_at),
                e.triage.label(),
                e.status.label(),
                e.proposal,
                e.result,
                e.handler,
                opt_time(e.closed_at),
                e.recorded_by,
                time_to_sql(e.recorded_at),
            ])?;
            let id = tx.last_insert_rowid();
            if e.abroad {
                tx.prepare_cached("INSERT INTO entry_abroad (entry_id, recorded_by, recorded_at) VALUES (?1, ?2, ?3)")?
                    .execute(params![id, e.recorded_by, time_to_sql(e.recorded_at)])?;
            }
            if let Some(reason) = &e.withheld {
                tx.prepare_cached(
                    "INSERT INTO entry_withheld (entry_id, reason, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, reason.trim(), e.recorded_by, time_to_sql(e.recorded_at)])?;
            }
            if let Some(lines) = alert {
                super::urgent::raise_entry_alert(tx, id, &e.recorded_by, e.recorded_at, lines)?;
            }
            Ok((
                id,
                EntryKey {
                    occurred_at: e.occurred_at,
                    id,
                },
            ))
        })
    }

    /// One page of the list, newest first, reading only `limit` rows through the time index
    /// however long the log is.
    pub fn page(&self, req: &PageRequest) -> Result<Vec<EntrySummary>> {
        use rusqlite::types::Value;
        let limit = Value::Integer(i64::try_from(req.limit).unwrap_or(i64::MAX));
        let (condition, order, key) = match req.anchor {
            Anchor::Newest => ("", "DESC", None),
            Anchor::Oldest => ("", "ASC", None),
            Anchor::Before(k) => ("WHERE (occurred_at, id) < (?2, ?3)", "DESC", Some(k)),
            Anchor::AtOrBefore(k) => ("WHERE (occurred_at, id) <= (?2, ?3)", "DESC", Some(k)),
            Anchor::After(k) => ("WHERE (occurred_at, id) > (?2, ?3)", "ASC", Some(k)),
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM log_entry {condition} ORDER BY occurred_at {order}, id {order} LIMIT ?1"
        );
        let mut args = vec![limit];
        if let Some(k) = key {
            args.extend([Value::Text(time_to_sql(k.occurred_at)), Value::Integer(k.id)]);
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt
            .query_map(rusqlite::params_from_iter(args), summary_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if order == "ASC" {
            rows.reverse();
        }
        Ok(rows)
    }

    /// One entry with its amendments and instructions, oldest change first.
    pub fn entry(&self, id: EntryId) -> Result<Entry> {
        let (id, mut fields) = self
            .conn
            .query_row(
                &format!("SELECT {ENTRY_COLUMNS} FROM log_entry WHERE id = ?1"),
                [id],
                entry_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT field, old_value, new_value, reason, amended_by, amended_at FROM log_amendment \
             WHERE entry_id = ?1 ORDER BY id",
        )?;
        let amendments = stmt
            .query_map([id], |r| {
                Ok(Amendment {
                    field: row_label(r, 0, LogField::from_column)?,
                    old_value: r.get(1)?,
                    new_value: r.get(2)?,
                    reason: r.get(3)?,
                    amended_by: r.get(4)?,
                    amended_at: row_time(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Those recorded before migration 0021 (no 方式), then those after: the order recorded.
        let mut stmt = self.conn.prepare_cached(
            "SELECT NULL, NULL, leader, text, given_at, recorded_by, recorded_at FROM log_instruction \
             WHERE entry_id = ?1 ORDER BY id",
        )?;
        let mut instructions = stmt
            .query_map([id], instruction_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        instructions.extend(self.instructions_on(crate::core::instruction::ItemRef::Entry(id))?);
        fields.abroad = self
            .conn
            .prepare_cached("SELECT 1 FROM entry_abroad WHERE entry_id = ?1")?
            .exists([id])?;
        fields.withheld = self
            .conn
            .prepare_cached("SELECT reason FROM entry_withheld WHERE entry_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let requests = self.leader_requests(id)?;
        let tasks = self.tasks_on(crate::core::instruction::ItemRef::Entry(id))?;
        let closings = self.closings(id)?;
        let forwards = self.forwards(crate::core::document::Forwarded::Entry(id))?;
        let alert = self.entry_alert_timeline(id)?;
        let events = self
            .conn
            .prepare_cached("SELECT id FROM urgent_event WHERE log_entry_id = ?1 ORDER BY id")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(Entry {
            id,
            fields,
            amendments,
            instructions,
            alert,
            events,
            requests,
            tasks,
            closings,
            forwards,
        })
    }

    /// Applies corrections: for each field, an amendment row with the old and new value, then
    /// the new value — all in one transaction, so the history and the record never disagree.
    pub fn amend(&mut self, req: &AmendRequest) -> Result<EntryKey> {
        let current = self.entry(req.entry_id)?;
        if current.fields.withheld.is_some() && req.changes.iter().any(|(f, _)| *f == LogField::Content) {
            return Err(StoreError::Refused(
                "这条记录的内容不录入（涉密或不该记录），不能补录内容：需要记下的另起一条".into(),
            ));
        }
        self.write(|tx| apply_amendments(tx, &current.fields, req))
    }

    /// Records a leader's instruction (批示) on an entry, verbatim, with how it was given.
    pub fn add_instruction(&mut self, req: &InstructionRequest) -> Result<EntryKey> {
        let item = crate::core::instruction::ItemRef::Entry(req.entry_id);
        super::instruction::check_instruction(&req.instruction)?;
        self.write(|tx| {
            let occurred_at = tx
                .prepare_cached("SELECT occurred_at FROM log_entry WHERE id = ?1")?
                .query_row([req.entry_id], |r| row_time(r, 0))
                .optional()?
                .ok_or(StoreError::NotFound(req.entry_id))?;
            super::instruction::insert_instruction(tx, item, &req.instruction)?;
            Ok(EntryKey {
                occurred_at,
                id: req.entry_id,
            })
        })
    }

    /// Where an entry sits in the list.
    pub fn entry_key(&self, id: EntryId) -> Result<EntryKey> {
        self.conn
            .prepare_cached("SELECT occurred_at FROM log_entry WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(EntryKey {
                    occurred_at: row_time(r, 0)?,
                    id,
                })
            })
            .optional()?
            .ok_or(StoreError::NotFound(id))
    }

    /// Entries for the command line, newest first: since a time (inclusive), at most `limit`.
    pub fn entries_since(&self, since: Option<NaiveDateTime>, limit: usize) -> Result<Vec<(EntryId, NewEntry)>> {
        let since = since.map_or_else(String::new, time_to_sql);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entry WHERE occurred_at >= ?1 ORDER BY occurred_at DESC, id DESC LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![since, limit], entry_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Runs raw SQL; only for tests that prove the database itself refuses forbidden changes.
    #[doc(hidden)]
    pub fn execute_raw_for_tests(&self, sql: &str) -> Result<usize> {
        Ok(self.conn.execute(sql, [])?)
    }
}

/// A 批示 row: id, 方式, leader, text, given, by, at (id and 方式 NULL for `log_instruction`).
pub(super) fn instruction_from_row(r: &Row<'_>) -> rusqlite::Result<Instruction> {
    let via: Option<String> = r.get(1)?;
    Ok(Instruction {
        id: r.get(0)?,
        via: via.as_deref().and_then(crate::core::instruction::Via::parse),
        leader: r.get(2)?,
        text: r.get(3)?,
        given_at: row_time(r, 4)?,
        recorded_by: r.get(5)?,
        recorded_at: row_time(r, 6)?,
    })
}

/// The amendment rows of `req` then the new values, inside the caller's transaction (`amend`, and
/// a closing written with its 已办结).
pub(super) fn apply_amendments(tx: &rusqlite::Connection, current: &NewEntry, req: &AmendRequest) -> Result<EntryKey> {
    for (field, new_value) in &req.changes {
        if !LogField::AMENDABLE.contains(field) {
            return Err(StoreError::Refused(format!("“{}”不能更正", field.label(current.kind))));
        }
        tx.prepare_cached(
            "INSERT INTO log_amendment (entry_id, field, old_value, new_value, reason, amended_by, amended_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            req.entry_id,
            field.column(),
            old_value(current, *field),
            new_value,
            req.reason,
            req.amended_by,
            time_to_sql(req.amended_at),
        ])?;
        // The column name comes from a closed enum, never from input.
        tx.execute(
            &format!("UPDATE log_entry SET {} = ?1 WHERE id = ?2", field.column()),
            params![column_value(*field, new_value), req.entry_id],
        )?;
    }
    let key = tx
        .prepare_cached("SELECT occurred_at FROM log_entry WHERE id = ?1")?
        .query_row([req.entry_id], |r| {
            Ok(EntryKey {
                occurred_at: row_time(r, 0)?,
                id: req.entry_id,
            })
        })?;
    Ok(key)
}
