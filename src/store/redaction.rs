//! Redaction (migration 0026): a field's text replaced by its marker in the record, in every
//! earlier value its amendments kept and wherever it was quoted since — all in one write, each
//! rewritten row named in `redaction_open` first (the triggers' only exception) and the names
//! removed before the commit. The search document is made again and the index rewritten whole
//! (its tombstoned tokens dropped); `secure_delete` zeroes what the rows held; the write-ahead
//! log is emptied after.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, time_to_sql};
use crate::core::redaction::{
    Record, RedactRequest, Redacted, RedactionRecord, check_reason, field_allowed, is_marker, marker, quotes_secret,
    scrub, secrets_of,
};
use crate::core::search::DocKind;

impl Store {
    /// Redacts `req.field` of `req.record` (the approver's PIN already checked; the store checks
    /// they are a confirmed approver). `backups_before` is left for the caller to fill.
    ///
    /// # Errors
    /// Refused: a field that cannot be redacted, nothing left to redact, a reason that is
    /// missing or quotes the text, an approver who is not one; or the database's error.
    pub fn redact(&mut self, req: &RedactRequest) -> Result<Redacted> {
        let reason = check_reason(&req.reason).map_err(StoreError::Refused)?;
        if !field_allowed(req.record, &req.field) {
            return Err(StoreError::Refused(format!("“{}”不是可以删除的内容字段", req.field)));
        }
        let mark = marker(&reason, &req.approved_by, req.now);
        let mut done = self.write(|tx| {
            super::pin::require_approver(tx, "", &req.approved_by, &req.approver_role)?;
            redact_in(tx, req, &reason, &mark)
        })?;
        // What the record's earlier documents left in the search index goes too (a second
        // write: the redaction above is committed whatever happens here).
        self.purge_search_index()?;
        done.wal_emptied = self.empty_wal()?;
        Ok(done)
    }

    /// Checkpoints the write-ahead log and truncates it to nothing: false when another
    /// connection's reading kept part of it (SQLite empties it when the last one closes).
    pub fn empty_wal(&self) -> Result<bool> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }

    /// Every redaction of a record, oldest first.
    pub fn redactions(&self, record: Record) -> Result<Vec<RedactionRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT field, reason, approved_by, done_by, done_at FROM redaction WHERE tbl = ?1 AND row_id = ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![record.table(), record.id()], |r| {
                Ok(RedactionRecord {
                    field: r.get(0)?,
                    reason: r.get(1)?,
                    approved_by: r.get(2)?,
                    done_by: r.get(3)?,
                    done_at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// Names a row the redaction rewrites (the triggers let exactly these through).
fn open_row(tx: &Connection, table: &str, id: i64) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO redaction_open (tbl, row_id) VALUES (?1, ?2)")?
        .execute(params![table, id])?;
    Ok(())
}

fn redact_in(tx: &Connection, req: &RedactRequest, reason: &str, mark: &str) -> Result<Redacted> {
    let table = req.record.table();
    let id = req.record.id();
    // `field` is one of the allowed columns (checked above), never user text in the SQL.
    let column = req.field.as_str();
    let found: Option<(String, String)> = tx
        .query_row(
            &format!("SELECT {column}, recorded_at FROM {table} WHERE id = ?1"),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((current, recorded_at)) = found else {
        return Err(StoreError::NotFound(id));
    };
    // Every value the field has had: the amendments keep the earlier ones.
    let mut values = vec![current.clone()];
    let mut amendments: Vec<i64> = Vec::new();
    if let Record::Entry(_) = req.record {
        if column == "content"
            && tx
                .prepare_cached("SELECT 1 FROM entry_withheld WHERE entry_id = ?1")?
                .exists([id])?
        {
            return Err(StoreError::Refused(
                "这条记录的内容本就没有录入，没有可删除的内容".into(),
            ));
        }
        let mut stmt = tx.prepare_cached(
            "SELECT id, old_value, new_value FROM log_amendment WHERE entry_id = ?1 AND field = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![id, column], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (a, old, new) = row?;
            if !(old.is_empty() || is_marker(&old)) || !(new.is_empty() || is_marker(&new)) {
                amendments.push(a);
            }
            values.push(old);
            values.push(new);
        }
    }
    let secrets = secrets_of(&values);
    if secrets.is_empty() && amendments.is_empty() {
        return Err(StoreError::Refused(if current.trim().is_empty() {
            "这一项是空的，没有可删除的内容".into()
        } else {
            "这一项已经删除过，或太短（少于两个字），不必删除".into()
        }));
    }
    if quotes_secret(reason, &secrets) {
        return Err(StoreError::Refused("删除原因里不要写出要删除的内容".into()));
    }
    let mut rows_changed = 0;
    let mut quoted_in: Vec<String> = Vec::new();

    // The record itself. An entry changes through an amendment (its triggers ask for one) that
    // keeps no old value; a document has none, its row is named like the others.
    if !(current.is_empty() || is_marker(&current)) {
        match req.record {
            Record::Entry(_) => {
                tx.prepare_cached(
                    "INSERT INTO log_amendment (entry_id, field, old_value, new_value, reason, amended_by, amended_at) \
                     VALUES (?1, ?2, '', ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    column,
                    mark,
                    format!("删除误录内容：{reason}（批准人：{}）", req.approved_by),
                    req.by,
                    time_to_sql(req.now)
                ])?;
            }
            Record::Document(_) => open_row(tx, "document", id)?,
        }
        tx.execute(
            &format!("UPDATE {table} SET {column} = ?2 WHERE id = ?1"),
            params![id, mark],
        )?;
        rows_changed += 1;
    }

    // The earlier values its amendments kept: none is kept, old or new.
    for a in &amendments {
        open_row(tx, "log_amendment", *a)?;
        tx.prepare_cached(
            "UPDATE log_amendment SET \
               old_value = CASE WHEN old_value = '' THEN '' ELSE ?2 END, \
               new_value = CASE WHEN new_value = '' THEN '' ELSE ?2 END WHERE id = ?1",
        )?
        .execute(params![a, mark])?;
        rows_changed += 1;
    }
    if !amendments.is_empty() {
        quoted_in.push(format!("{} 条修改记录", amendments.len()));
    }

    // Handovers signed since it was recorded: their notes and every item.
    let mut handovers: Vec<i64> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, summary, handed_items, records FROM handover WHERE signed_at >= ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([&recorded_at], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                [r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?],
            ))
        })?;
        let mut changes = Vec::new();
        for row in rows {
            let (h, texts) = row?;
            let new: Vec<Option<String>> = texts.iter().map(|t| scrub(t, &secrets, mark)).collect();
            if new.iter().any(Option::is_some) {
                let kept: Vec<String> = new.into_iter().zip(texts).map(|(n, old)| n.unwrap_or(old)).collect();
                changes.push((h, kept));
            }
        }
        for (h, texts) in changes {
            open_row(tx, "handover", h)?;
            tx.prepare_cached("UPDATE handover SET summary = ?2, handed_items = ?3, records = ?4 WHERE id = ?1")?
                .execute(params![h, texts[0], texts[1], texts[2]])?;
            rows_changed += 1;
            handovers.push(h);
        }
    }
    {
        let first: Option<i64> = tx.query_row(
            "SELECT min(id) FROM handover WHERE signed_at >= ?1",
            [&recorded_at],
            |r| r.get(0),
        )?;
        let mut changes = Vec::new();
        if let Some(first) = first {
            let mut stmt =
                tx.prepare_cached("SELECT id, handover_id, title, detail FROM handover_item WHERE handover_id >= ?1")?;
            let rows = stmt.query_map([first], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (item, h, title, detail) = row?;
                let new_title = scrub(&title, &secrets, mark);
                let new_detail = scrub(&detail, &secrets, mark);
                if new_title.is_some() || new_detail.is_some() {
                    changes.push((item, h, new_title.unwrap_or(title), new_detail.unwrap_or(detail)));
                }
            }
        }
        for (item, h, title, detail) in changes {
            open_row(tx, "handover_item", item)?;
            tx.prepare_cached("UPDATE handover_item SET title = ?2, detail = ?3 WHERE id = ?1")?
                .execute(params![item, title, detail])?;
            rows_changed += 1;
            if !handovers.contains(&h) {
                handovers.push(h);
            }
        }
    }
    if !handovers.is_empty() {
        handovers.sort_unstable();
        let list: Vec<String> = handovers.iter().map(|h| format!("第 {h} 次交接班")).collect();
        quoted_in.push(list.join("、"));
    }

    // 值班日报 sent since: their text exactly as sent, but for this.
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, period_start, text FROM daily_report_sent WHERE period_end >= ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([&recorded_at], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut changes = Vec::new();
        for row in rows {
            let (r, start, text) = row?;
            if let Some(new) = scrub(&text, &secrets, mark) {
                changes.push((r, start, new));
            }
        }
        for (r, start, text) in changes {
            open_row(tx, "daily_report_sent", r)?;
            tx.prepare_cached("UPDATE daily_report_sent SET text = ?2 WHERE id = ?1")?
                .execute(params![r, text])?;
            rows_changed += 1;
            quoted_in.push(format!("{} 起的已报送值班日报", start.get(..10).unwrap_or(&start)));
        }
    }

    // The search document: deleted for good (its tokens too), then made again by the write.
    let kind = match req.record {
        Record::Entry(_) => DocKind::Log,
        Record::Document(_) => DocKind::Document,
    };
    super::search::forget(tx, kind, id)?;

    tx.prepare_cached(
        "INSERT INTO redaction (tbl, row_id, field, reason, approved_by, done_by, done_at, rows_changed) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        table,
        id,
        column,
        reason,
        req.approved_by,
        req.by,
        time_to_sql(req.now),
        i64::try_from(rows_changed).unwrap_or(i64::MAX)
    ])?;
    let redaction = tx.last_insert_rowid();
    tx.prepare_cached("DELETE FROM redaction_open")?.execute([])?;
    Ok(Redacted {
        id: redaction,
        marker: mark.to_string(),
        rows_changed,
        quoted_in,
        wal_emptied: false,
        backups_before: Vec::new(),
    })
}
