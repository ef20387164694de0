//! Streaming reads for `zhiban export`: every record of a kind in a time range, one at a time,
//! handed to a callback with its parts (amendments, representatives, reports, items), so a range
//! of a million entries never sits in memory at once. Each walk reads the range's slice of the
//! kind's time index; [`Store::read_snapshot`] keeps several walks on one consistent snapshot.

use chrono::NaiveDateTime;
use rusqlite::params;

use super::{Result, Store, StoreError, time_to_sql};
use crate::core::handover::Handover;
use crate::core::log::Entry;
use crate::core::report::ReportEvent;
use crate::core::visit::Visit;

impl Store {
    /// Runs `f` inside one read transaction: everything it reads comes from the same snapshot,
    /// whatever other terminals commit meanwhile.
    pub fn read_snapshot<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Self) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn.execute_batch("BEGIN DEFERRED").map_err(StoreError::from)?;
        let value = f(self);
        // Nothing was written: ending the transaction only releases the snapshot.
        self.conn.execute_batch("COMMIT").map_err(StoreError::from)?;
        value
    }

    /// Walks `sql` (one id column, bound to the range) and hands each record `load` reads to `f`.
    fn walk<T, E: From<StoreError>>(
        &self,
        sql: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
        load: impl Fn(&Self, i64) -> Result<T>,
        mut f: impl FnMut(T) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let mut stmt = self.conn.prepare(sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![time_to_sql(from), time_to_sql(to)])
            .map_err(StoreError::from)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let id: i64 = row.get(0).map_err(StoreError::from)?;
            f(load(self, id)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Every 值班记录 that occurred in `from <= t < to`, oldest first, with its amendments,
    /// instructions and alert timeline. Returns how many.
    pub fn for_each_entry<E: From<StoreError>>(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        f: impl FnMut(Entry) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        self.walk(
            "SELECT id FROM log_entry WHERE occurred_at >= ?1 AND occurred_at < ?2 ORDER BY occurred_at, id",
            from,
            to,
            Self::entry,
            f,
        )
    }

    /// Every visit that entered in `from <= t < to`, oldest first, with its representatives.
    /// The document numbers are in full: mask them before they leave the program.
    pub fn for_each_visit<E: From<StoreError>>(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        f: impl FnMut(Visit) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        self.walk(
            "SELECT id FROM visit WHERE entered_at >= ?1 AND entered_at < ?2 ORDER BY entered_at, id",
            from,
            to,
            Self::visit,
            f,
        )
    }

    /// Every urgent event received (接报) in `from <= t < to`, oldest first, with its reports and
    /// timeline.
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        f: impl FnMut(ReportEvent) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        self.walk(
            "SELECT id FROM urgent_event WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at, id",
            from,
            to,
            Self::report_event,
            f,
        )
    }

    /// Every handover signed in `from <= t < to`, oldest first, with its items.
    pub fn for_each_handover<E: From<StoreError>>(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        f: impl FnMut(Handover) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        self.walk(
            "SELECT id FROM handover WHERE signed_at >= ?1 AND signed_at < ?2 ORDER BY signed_at, id",
            from,
            to,
            Self::handover,
            f,
        )
    }
}
