//! The documents register and forwarding on disk (migration 0023): `document` (收文编号 counted
//! per year inside the saving transaction), `forward` of a document or a log entry, its
//! `forward_sign`, and the derived `forward_open` set of forwards not signed for. What they mean
//! is in [`crate::core::document`]. Rows never change (triggers); each gets its audit row.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, row_label, row_opt_time, row_time, time_to_sql};
use crate::core::document::{
    DocKind, Document, Forward, Forwarded, NewDocument, OpenForward, Secrecy, Signature, Urgency, check_document,
    check_forward, check_signature, serial_label, serial_year,
};

/// `forward_open` is derived from `forward_sign` (not audited; `verify` checks it).
pub(crate) fn is_open_set(table: &str) -> bool {
    table == "forward_open"
}

const DOCUMENT_COLUMNS: &str = "id, year, serial, kind, secrecy, doc_number, title, from_unit, urgency, copies, pages, \
     received_at, note, clerk, clerk_told_at, recorded_by, recorded_at";

fn document_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        year: r.get(1)?,
        serial: r.get(2)?,
        kind: row_label(r, 3, DocKind::parse)?,
        secrecy: row_label(r, 4, Secrecy::parse)?,
        number: r.get(5)?,
        title: r.get(6)?,
        from: r.get(7)?,
        urgency: row_label(r, 8, Urgency::parse)?,
        copies: r.get(9)?,
        pages: r.get(10)?,
        received_at: row_time(r, 11)?,
        note: r.get(12)?,
        clerk: r.get(13)?,
        clerk_told_at: row_opt_time(r, 14)?,
        recorded_by: r.get(15)?,
        recorded_at: row_time(r, 16)?,
        forwards: Vec::new(),
    })
}

/// Inserts forwards of `of` inside the caller's transaction, each open until signed for.
pub(super) fn insert_forwards(
    tx: &Connection,
    of: Forwarded,
    to: &[String],
    purpose: &str,
    at: NaiveDateTime,
    by: &str,
    recorded_at: NaiveDateTime,
) -> Result<Vec<i64>> {
    let (doc, entry) = match of {
        Forwarded::Document(id) => (Some(id), None),
        Forwarded::Entry(id) => (None, Some(id)),
    };
    let mut ids = Vec::new();
    for name in to {
        tx.prepare_cached(
            "INSERT INTO forward (document_id, entry_id, to_whom, purpose, forwarded_at, recorded_by, recorded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            doc,
            entry,
            name.trim(),
            purpose.trim(),
            time_to_sql(at),
            by,
            time_to_sql(recorded_at)
        ])?;
        let id = tx.last_insert_rowid();
        tx.prepare_cached("INSERT INTO forward_open (forward_id) VALUES (?1)")?
            .execute([id])?;
        ids.push(id);
    }
    Ok(ids)
}

/// A forward waiting for its 签收 as read: id, document, entry, to whom, when.
type OpenRow = (i64, Option<i64>, Option<i64>, String, NaiveDateTime);

/// Forwards of a document or an entry, oldest first, with their 签收 (on any connection: the
/// search index reads them inside the writing transaction).
pub(super) fn read_forwards(conn: &Connection, of: Forwarded) -> Result<Vec<Forward>> {
    let (sql, id) = match of {
        Forwarded::Document(id) => ("document_id", id),
        Forwarded::Entry(id) => ("entry_id", id),
    };
    let mut out: Vec<Forward> = conn
        .prepare_cached(&format!(
            "SELECT f.id, f.to_whom, f.purpose, f.forwarded_at, f.recorded_by, \
                    s.signed_by, s.signed_at, s.recorded_by, s.recorded_at \
             FROM forward f LEFT JOIN forward_sign s ON s.forward_id = f.id \
             WHERE f.{sql} = ?1 ORDER BY f.id"
        ))?
        .query_map([id], |r| {
            let signed_by: Option<String> = r.get(5)?;
            let signature = match signed_by {
                Some(signed_by) => Some(Signature {
                    signed_by,
                    signed_at: row_time(r, 6)?,
                    recorded_by: r.get(7)?,
                    recorded_at: row_time(r, 8)?,
                }),
                None => None,
            };
            Ok(Forward {
                id: r.get(0)?,
                to_whom: r.get(1)?,
                purpose: r.get(2)?,
                forwarded_at: row_time(r, 3)?,
                recorded_by: r.get(4)?,
                signature,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by_key(|f| f.id);
    Ok(out)
}

/// One document with its forwards, if there is one (on any connection).
pub(super) fn read_document(conn: &Connection, id: i64) -> Result<Option<Document>> {
    let doc = conn
        .prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE id = ?1"))?
        .query_row([id], document_from_row)
        .optional()?;
    match doc {
        Some(mut d) => {
            d.forwards = read_forwards(conn, Forwarded::Document(id))?;
            Ok(Some(d))
        }
        None => Ok(None),
    }
}

fn refused(errors: Vec<(crate::core::document::DocField, String)>) -> StoreError {
    let mut messages: Vec<String> = Vec::new();
    for (_, m) in errors {
        if !messages.contains(&m) {
            messages.push(m);
        }
    }
    StoreError::Refused(messages.join("；"))
}

impl Store {
    /// Registers a document (and forwards it to `forward_to`, if any) in one transaction; its
    /// 收文编号 is the next of its year. Returns (id, year, serial).
    pub fn add_document(&mut self, d: &NewDocument, now: NaiveDateTime) -> Result<(i64, i32, i64)> {
        check_document(d, now).map_err(refused)?;
        let year = serial_year(d.received_at);
        self.write(|tx| {
            // Inside the write transaction (IMMEDIATE): a second terminal waits, so two documents
            // never get one number; UNIQUE (year, serial) stands behind it.
            let serial: i64 = tx
                .prepare_cached("SELECT coalesce(max(serial), 0) + 1 FROM document WHERE year = ?1")?
                .query_row([year], |r| r.get(0))?;
            let secret = d.secrecy.is_secret();
            let keep = |s: &str| if secret { String::new() } else { s.trim().to_string() };
            tx.prepare_cached(
                "INSERT INTO document (year, serial, kind, secrecy, doc_number, title, from_unit, urgency, copies, \
                 pages, received_at, note, clerk, clerk_told_at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?
            .execute(params![
                year,
                serial,
                d.kind.label(),
                d.secrecy.label(),
                keep(&d.number),
                keep(&d.title),
                d.from.trim(),
                d.urgency.label(),
                d.copies,
                d.pages,
                time_to_sql(d.received_at),
                keep(&d.note),
                if secret { d.clerk.trim() } else { "" },
                if secret { d.clerk_told_at.map(time_to_sql) } else { None },
                d.recorded_by,
                time_to_sql(d.recorded_at)
            ])?;
            let id = tx.last_insert_rowid();
            insert_forwards(
                tx,
                Forwarded::Document(id),
                &d.forward_to,
                "",
                d.recorded_at,
                &d.recorded_by,
                d.recorded_at,
            )?;
            Ok((id, year, serial))
        })
    }

    /// One document with its forwards and their 签收.
    pub fn document(&self, id: i64) -> Result<Document> {
        read_document(&self.conn, id)?.ok_or_else(|| StoreError::Refused(format!("没有第 {id} 号收文记录")))
    }

    /// The document numbered `serial` in `year`.
    pub fn document_by_serial(&self, year: i32, serial: i64) -> Result<Document> {
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM document WHERE year = ?1 AND serial = ?2")?
            .query_row(params![year, serial], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.document(id),
            None => Err(StoreError::Refused(format!(
                "没有{}收文：请用 doc list 查看编号",
                serial_label(year, serial)
            ))),
        }
    }

    /// Forwards of a document or an entry, oldest first, with their 签收.
    pub fn forwards(&self, of: Forwarded) -> Result<Vec<Forward>> {
        read_forwards(&self.conn, of)
    }

    /// Documents with a forward not signed for (oldest first), then the `recent` newest others.
    pub fn documents(&self, recent: usize) -> Result<(Vec<Document>, Vec<Document>)> {
        let open: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT f.document_id FROM forward_open o JOIN forward f ON f.id = o.forward_id \
                 WHERE f.document_id IS NOT NULL ORDER BY f.document_id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut recent_ids: Vec<i64> = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM document ORDER BY received_at DESC, id DESC LIMIT ?1")?;
        let limit = i64::try_from(recent + open.len()).unwrap_or(i64::MAX);
        for id in stmt.query_map([limit], |r| r.get::<_, i64>(0))? {
            let id = id?;
            if !open.contains(&id) && recent_ids.len() < recent {
                recent_ids.push(id);
            }
        }
        let read = |ids: Vec<i64>| ids.into_iter().map(|id| self.document(id)).collect::<Result<Vec<_>>>();
        Ok((read(open)?, read(recent_ids)?))
    }

    /// Every document received in `[from, to)`, oldest first (the CLI's list and export).
    pub fn documents_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<Document>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM document WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at, id",
            )?
            .query_map([time_to_sql(from), time_to_sql(to)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.document(id)).collect()
    }

    /// Forwards a document or an entry to each of `to`. Returns the forward ids.
    pub fn add_forwards(
        &mut self,
        of: Forwarded,
        to: &[String],
        purpose: &str,
        at: NaiveDateTime,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<Vec<i64>> {
        if at > now + chrono::Duration::minutes(5) {
            return Err(StoreError::Refused("转交时间不能晚于现在".into()));
        }
        let (received_at, secret) = match of {
            Forwarded::Document(id) => {
                let d = self.document(id)?;
                (d.received_at, d.secrecy.is_secret())
            }
            Forwarded::Entry(id) => {
                let occurred: Option<NaiveDateTime> = self
                    .conn
                    .prepare_cached("SELECT occurred_at FROM log_entry WHERE id = ?1")?
                    .query_row([id], |r| row_time(r, 0))
                    .optional()?;
                let Some(occurred) = occurred else {
                    return Err(StoreError::Refused(format!("没有第 {id} 号记录")));
                };
                (occurred, false)
            }
        };
        check_forward(received_at, secret, to, at).map_err(StoreError::Refused)?;
        self.write(|tx| insert_forwards(tx, of, to, purpose, at, by, now))
    }

    /// Records the 签收 of forward `forward_id` (once: a second is refused).
    pub fn sign_forward(&mut self, forward_id: i64, sig: &Signature, now: NaiveDateTime) -> Result<()> {
        let forward = self.forward(forward_id)?;
        check_signature(&forward, sig, now).map_err(StoreError::Refused)?;
        self.write(|tx| {
            // Checked again inside the write: another terminal may have signed meanwhile.
            if tx
                .prepare_cached("SELECT 1 FROM forward_sign WHERE forward_id = ?1")?
                .exists([forward_id])?
            {
                return Err(StoreError::Refused(format!(
                    "转交 {} 已签收，不能再签",
                    forward.to_whom
                )));
            }
            tx.prepare_cached(
                "INSERT INTO forward_sign (forward_id, signed_by, signed_at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                forward_id,
                sig.signed_by.trim(),
                // Typed to the minute: a 签收 in the forward's own minute is recorded as not
                // before it.
                time_to_sql(sig.signed_at.max(forward.forwarded_at)),
                sig.recorded_by,
                time_to_sql(sig.recorded_at)
            ])?;
            tx.prepare_cached("DELETE FROM forward_open WHERE forward_id = ?1")?
                .execute([forward_id])?;
            Ok(())
        })
    }

    fn forward(&self, id: i64) -> Result<Forward> {
        let of: Option<(Option<i64>, Option<i64>)> = self
            .conn
            .prepare_cached("SELECT document_id, entry_id FROM forward WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let of = match of {
            Some((Some(d), _)) => Forwarded::Document(d),
            Some((None, Some(e))) => Forwarded::Entry(e),
            _ => return Err(StoreError::Refused(format!("没有第 {id} 号转交"))),
        };
        self.forwards(of)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 号转交")))
    }

    /// Every forward not signed for, oldest first: documents by 收文编号 and headline, entries by
    /// number and unit (never their content).
    pub fn open_forwards(&self) -> Result<Vec<OpenForward>> {
        let rows: Vec<OpenRow> = self
            .conn
            .prepare_cached(
                "SELECT f.id, f.document_id, f.entry_id, f.to_whom, f.forwarded_at \
                 FROM forward_open o JOIN forward f ON f.id = o.forward_id ORDER BY f.forwarded_at, f.id",
            )?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, row_time(r, 4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, doc, entry, to_whom, forwarded_at) in rows {
            let (of, what) = match (doc, entry) {
                (Some(d), _) => {
                    let doc = self
                        .conn
                        .prepare_cached(&format!("SELECT {DOCUMENT_COLUMNS} FROM document WHERE id = ?1"))?
                        .query_row([d], document_from_row)?;
                    (
                        Forwarded::Document(d),
                        format!(
                            "{} {}{} {}",
                            doc.serial_label(),
                            doc.urgency.label(),
                            doc.kind.label(),
                            doc.headline()
                        ),
                    )
                }
                (None, Some(e)) => {
                    let unit: String = self
                        .conn
                        .prepare_cached("SELECT unit FROM log_entry WHERE id = ?1")?
                        .query_row([e], |r| r.get(0))?;
                    let what = if unit.is_empty() {
                        format!("第 {e} 号记录")
                    } else {
                        format!("第 {e} 号记录（{unit}）")
                    };
                    (Forwarded::Entry(e), what)
                }
                _ => continue,
            };
            out.push(OpenForward {
                id,
                of,
                what,
                to_whom,
                forwarded_at,
            });
        }
        Ok(out)
    }

    /// Where `forward_open` disagrees with the records: sentences for `verify`.
    pub fn forward_set_problems(&self) -> Result<Vec<String>> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let mut out = Vec::new();
        let missing = count(
            "SELECT count(*) FROM forward f WHERE NOT EXISTS (SELECT 1 FROM forward_sign s WHERE s.forward_id = f.id) \
             AND NOT EXISTS (SELECT 1 FROM forward_open o WHERE o.forward_id = f.id)",
        )?;
        if missing > 0 {
            out.push(format!(
                "待签收清单缺少 {missing} 项未签收的转交：有人在程序之外删除了它们，提醒和交班单因此看不到"
            ));
        }
        let extra = count(
            "SELECT count(*) FROM forward_open o WHERE NOT EXISTS (SELECT 1 FROM forward f WHERE f.id = o.forward_id) \
             OR EXISTS (SELECT 1 FROM forward_sign s WHERE s.forward_id = o.forward_id)",
        )?;
        if extra > 0 {
            out.push(format!(
                "待签收清单多出 {extra} 项已签收或不存在的转交：是在程序之外写入的"
            ));
        }
        Ok(out)
    }
}
