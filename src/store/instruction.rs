//! The leader's instruction cycle on disk (issue 17): each 请示 attempt on an entry
//! (`leader_request`, migration 0020). The rules of what they mean are in
//! [`crate::core::instruction`]. Rows are never changed or deleted (triggers), and each gets its
//! audit row like every record.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::instruction::{LeaderRequest, Via};
use crate::core::log::EntryId;

impl Store {
    /// Records one attempt to put entry `entry_id` to a leader, reached or not. One committed
    /// transaction with its audit row.
    pub fn add_leader_request(&mut self, entry_id: EntryId, r: &LeaderRequest) -> Result<()> {
        if r.leader.trim().is_empty() {
            return Err(StoreError::Refused("请示须写明领导（姓名或职务）".into()));
        }
        self.write(|tx| {
            tx.prepare_cached("SELECT 1 FROM log_entry WHERE id = ?1")?
                .query_row([entry_id], |_| Ok(()))
                .optional()?
                .ok_or(StoreError::NotFound(entry_id))?;
            tx.prepare_cached(
                "INSERT INTO leader_request (entry_id, leader, via, at, reached, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                entry_id,
                r.leader.trim(),
                r.via.label(),
                time_to_sql(r.at),
                r.reached,
                r.recorded_by,
                time_to_sql(r.recorded_at)
            ])?;
            Ok(())
        })
    }

    /// The 请示 attempts on an entry, in the order recorded.
    pub fn leader_requests(&self, entry_id: EntryId) -> Result<Vec<LeaderRequest>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT leader, via, at, reached, recorded_by, recorded_at FROM leader_request \
             WHERE entry_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([entry_id], |r| {
            Ok(LeaderRequest {
                leader: r.get(0)?,
                via: row_label(r, 1, Via::parse)?,
                at: row_time(r, 2)?,
                reached: r.get(3)?,
                recorded_by: r.get(4)?,
                recorded_at: row_time(r, 5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
