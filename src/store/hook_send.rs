//! SQL for the hook's sends in the instruction cycle (migration 0031): the claim that makes one
//! terminal the sender, and what the run did, shown with the task or the notice.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, row_time, time_to_sql};
use crate::core::hook::{SendKey, SendKind, SendLine, shift_ref};

impl Store {
    /// Claims a send: true only for the first terminal (or run) to ask for this key.
    pub fn claim_send(&mut self, key: SendKey, by: &str, now: NaiveDateTime) -> Result<bool> {
        self.write(|tx| {
            let added = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO hook_send (kind, ref_id, attempt, claimed_by, claimed_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![key.kind.label(), key.ref_id, key.attempt, by, time_to_sql(now)])?;
            Ok(added == 1)
        })
    }

    /// What a claimed send's run did (once: a second outcome for the same claim is ignored).
    pub fn record_send(&mut self, key: SendKey, line: &str, by: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let id: Option<i64> = tx
                .prepare_cached("SELECT id FROM hook_send WHERE kind = ?1 AND ref_id = ?2 AND attempt = ?3")?
                .query_row(params![key.kind.label(), key.ref_id, key.attempt], |r| r.get(0))
                .optional()?;
            if let Some(id) = id {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO hook_send_result (send_id, line, recorded_by, recorded_at) \
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, line, by, time_to_sql(now)])?;
            }
            Ok(())
        })
    }

    /// The recorded sends of these tasks or notice recipients, oldest first.
    pub fn send_lines(&self, kind: SendKind, ids: &[i64]) -> Result<Vec<SendLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.attempt, r.recorded_at, r.line FROM hook_send s JOIN hook_send_result r ON r.send_id = s.id \
             WHERE s.kind = ?1 AND s.ref_id = ?2 ORDER BY s.id",
        )?;
        let mut out = Vec::new();
        for &ref_id in ids {
            let rows = stmt.query_map(params![kind.label(), ref_id], |r| {
                Ok(SendLine {
                    key: SendKey {
                        kind,
                        ref_id,
                        attempt: r.get(0)?,
                    },
                    at: row_time(r, 1)?,
                    line: r.get(2)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        out.sort_by_key(|l| l.at);
        Ok(out)
    }

    /// The 漏岗 sends of the shifts starting in [`from`, `to`), shown under each shift.
    pub fn missed_post_sends(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<SendLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.ref_id, r.recorded_at, r.line FROM hook_send s JOIN hook_send_result r ON r.send_id = s.id \
             WHERE s.kind = ?1 AND s.ref_id >= ?2 AND s.ref_id < ?3 ORDER BY s.id",
        )?;
        Ok(stmt
            .query_map(
                params![SendKind::MissedPost.label(), shift_ref(from), shift_ref(to)],
                |r| {
                    Ok(SendLine {
                        key: SendKey {
                            kind: SendKind::MissedPost,
                            ref_id: r.get(0)?,
                            attempt: 0,
                        },
                        at: row_time(r, 1)?,
                        line: r.get(2)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?)
    }
}
