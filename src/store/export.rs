//! Streaming reads for the command line, so that ten years of records never sit in memory at once:
//!
//! - for `zhiban export`, every record of a kind in a time range, oldest first, one at a time,
//!   handed to a callback with its parts (amendments, representatives, reports, items); each walk
//!   reads the range's slice of the kind's time index;
//! - for the lists (`log list`, `visit list`, `event list --all`), the newest records first, read a
//!   page at a time by key (`(occurred_at, id)`, `(entered_at, id)`, `id`) and handed over a page at
//!   a time: the rows the all-at-once reads ([`Store::entries_since`], [`Store::recent_visits`],
//!   [`Store::recent_events`]) return, in their order, with at most one page held.
//!
//! [`Store::read_snapshot`] keeps several walks, or the pages of one, on one consistent snapshot
//! (a record amended meanwhile cannot move across a page boundary and be listed twice or never).

use chrono::NaiveDateTime;
use rusqlite::params;

use super::{Result, Store, StoreError, time_to_sql};
use crate::core::handover::Handover;
use crate::core::log::{Entry, EntryId, NewEntry};
use crate::core::report::ReportEvent;
use crate::core::urgent::{Event, EventId};
use crate::core::visit::Visit;

/// Reads pages of at most `page` rows (at least one) until `limit` rows or the end: `read(after,
/// n)` reads the next `n` rows after the key of the last row handed over (`None`: from the start),
/// `f` gets each page. Returns how many rows.
fn pages<T, K, E: From<StoreError>>(
    limit: usize,
    page: usize,
    mut read: impl FnMut(Option<&K>, usize) -> Result<Vec<T>>,
    key: impl Fn(&T) -> K,
    mut f: impl FnMut(&[T]) -> std::result::Result<(), E>,
) -> std::result::Result<u64, E> {
    let page = page.max(1);
    let (mut after, mut left, mut n) = (None, limit, 0u64);
    while left > 0 {
        let want = page.min(left);
        let rows = read(after.as_ref(), want)?;
        if rows.is_empty() {
            break;
        }
        f(&rows)?;
        n += rows.len() as u64;
        left -= rows.len();
        if rows.len() < want {
            break;
        }
        after = rows.last().map(&key);
    }
    Ok(n)
}

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

    /// The 值班记录 newest first, since a time (inclusive), at most `limit` — the rows of
    /// [`Store::entries_since`], in its order — read and handed to `f` `page` at a time by the key
    /// `(occurred_at, id)` on the time index, so each page costs the same however long the log is.
    /// Returns how many.
    pub fn entry_pages<E: From<StoreError>>(
        &self,
        since: Option<NaiveDateTime>,
        limit: usize,
        page: usize,
        f: impl FnMut(&[(EntryId, NewEntry)]) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        use rusqlite::types::Value;
        let since = since.map_or_else(String::new, time_to_sql);
        pages(
            limit,
            page,
            |after: Option<&(NaiveDateTime, EntryId)>, n| {
                let condition = if after.is_some() {
                    "AND (occurred_at, id) < (?3, ?4)"
                } else {
                    ""
                };
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT {} FROM log_entry WHERE occurred_at >= ?1 {condition} \
                     ORDER BY occurred_at DESC, id DESC LIMIT ?2",
                    super::log::ENTRY_COLUMNS
                ))?;
                let mut args = vec![Value::Text(since.clone()), Value::Integer(sql_limit(n))];
                if let Some((t, id)) = after {
                    args.extend([Value::Text(time_to_sql(*t)), Value::Integer(*id)]);
                }
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(args), super::log::entry_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(rows)
            },
            |(id, e)| (e.occurred_at, *id),
            f,
        )
    }

    /// The visits newest first by entry time, at most `limit`, each with its representatives and
    /// the visit it repeats — the rows of [`Store::recent_visits`], in its order — read and handed
    /// to `f` `page` at a time by the key `(entered_at, id)`. The document numbers are in full:
    /// mask them before they leave the program. Returns how many.
    pub fn visit_pages<E: From<StoreError>>(
        &self,
        limit: usize,
        page: usize,
        f: impl FnMut(&[Visit]) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        use rusqlite::types::Value;
        pages(
            limit,
            page,
            |after: Option<&(NaiveDateTime, i64)>, n| {
                let order = "ORDER BY v.entered_at DESC, v.id DESC LIMIT ?1";
                match after {
                    None => super::visit::read_visits(&self.conn, order, [sql_limit(n)]),
                    Some((t, id)) => super::visit::read_visits(
                        &self.conn,
                        &format!("WHERE (v.entered_at, v.id) < (?2, ?3) {order}"),
                        [
                            Value::Integer(sql_limit(n)),
                            Value::Text(time_to_sql(*t)),
                            Value::Integer(*id),
                        ],
                    ),
                }
            },
            |v| (v.fields.entered_at, v.id),
            f,
        )
    }

    /// The urgent events newest first (by number), at most `limit`, as
    /// [`Store::recent_events`] lists them, read and handed to `f` `page` at a time by id.
    /// Returns how many.
    pub fn event_pages<E: From<StoreError>>(
        &self,
        limit: usize,
        page: usize,
        f: impl FnMut(&[Event]) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        pages(
            limit,
            page,
            |after: Option<&EventId>, n| match after {
                None => self.events_where("ORDER BY e.id DESC LIMIT ?1", [sql_limit(n)]),
                Some(id) => self.events_where("WHERE e.id < ?2 ORDER BY e.id DESC LIMIT ?1", [sql_limit(n), *id]),
            },
            |e| e.id,
            f,
        )
    }
}

/// A row count as SQLite's `LIMIT` takes it.
fn sql_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
