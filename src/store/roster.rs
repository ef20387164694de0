//! SQL for the duty roster: imported shifts (a re-import replaces the period it covers, and is
//! logged), and swaps, which are records and never change.

use chrono::{Duration, NaiveDateTime};
use rusqlite::{Row, params};

use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::roster::{MAX_SHIFT_HOURS, Post, Shift, ShiftSource, Swap};
use crate::core::validate::format_minute;

fn shift_from_row(row: &Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        start: row_time(row, 0)?,
        end: row_time(row, 1)?,
        leader: row.get(2)?,
        primary: row.get(3)?,
        deputy: row.get(4)?,
        staff: crate::core::roster::split_staff(&row.get::<_, Option<String>>(5)?.unwrap_or_default()),
        source: ShiftSource::Imported,
        swaps: Vec::new(),
    })
}

fn swap_from_row(row: &Row<'_>) -> rusqlite::Result<Swap> {
    Ok(Swap {
        shift_start: row_time(row, 0)?,
        post: row_label(row, 1, Post::parse)?,
        from: row.get(2)?,
        to: row.get(3)?,
        reason: row.get(4)?,
        approved_by: row.get(5)?,
        recorded_by: row.get(6)?,
        recorded_at: row_time(row, 7)?,
    })
}

fn span(s: &Shift) -> String {
    format!("{} 至 {}", format_minute(s.start), format_minute(s.end))
}

/// The store's own checks on a set of shifts to import (the CSV parser makes the same ones, with
/// line numbers): each ends after it starts, lasts at most [`MAX_SHIFT_HOURS`], and none overlap.
fn check_import(shifts: &[Shift]) -> Result<()> {
    for s in shifts {
        if s.end <= s.start || s.end - s.start > Duration::hours(MAX_SHIFT_HOURS) {
            return Err(StoreError::Refused(format!(
                "班次 {} 的结束时间须晚于开始时间，且不超过 {MAX_SHIFT_HOURS} 小时：请修改后重新导入",
                span(s)
            )));
        }
    }
    let mut sorted: Vec<&Shift> = shifts.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    if let Some(w) = sorted.windows(2).find(|w| w[1].start < w[0].end) {
        return Err(StoreError::Refused(format!(
            "班次 {} 与 {} 时间重叠：同一时段只能有一个班次，请修改后重新导入",
            span(w[0]),
            span(w[1])
        )));
    }
    Ok(())
}

impl Store {
    /// Imports a roster in one transaction: the stored imported shifts starting within
    /// [earliest start, latest end) of `shifts` are deleted, then every shift is inserted, and the
    /// import is logged (who, when, which file, how many replaced). Re-importing a month therefore
    /// replaces that month. Refused, with nothing written, if a shift is malformed or overlaps
    /// another, including a stored shift outside the replaced period. Returns how many shifts
    /// were inserted (0, writing nothing, for an empty set).
    pub fn import_roster(&mut self, shifts: &[Shift], by: &str, file: &str, now: NaiveDateTime) -> Result<usize> {
        let (Some(from), Some(to)) = (shifts.iter().map(|s| s.start).min(), shifts.iter().map(|s| s.end).max()) else {
            return Ok(0);
        };
        check_import(shifts)?;
        self.write(|tx| {
            // The staff of a replaced shift goes with it.
            tx.execute(
                "DELETE FROM roster_shift_staff WHERE shift_id IN \
                 (SELECT id FROM roster_shift WHERE start_at >= ?1 AND start_at < ?2)",
                params![time_to_sql(from), time_to_sql(to)],
            )?;
            let replaced = tx.execute(
                "DELETE FROM roster_shift WHERE start_at >= ?1 AND start_at < ?2",
                params![time_to_sql(from), time_to_sql(to)],
            )?;
            // What is left and still reaches into the period started before it.
            let kept: Vec<Shift> = tx
                .prepare(
                    "SELECT start_at, end_at, leader, primary_officer, deputy, NULL FROM roster_shift \
                     WHERE start_at < ?1 AND end_at > ?2 ORDER BY start_at, id",
                )?
                .query_map(params![time_to_sql(to), time_to_sql(from)], shift_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            for old in &kept {
                if let Some(new) = shifts.iter().find(|n| n.overlaps(old.start, old.end)) {
                    return Err(StoreError::Refused(format!(
                        "导入的班次 {} 与已保存的班次 {}（主班 {}）重叠，而后者开始于这次导入的时段（{} 至 {}）之前，不会被替换：\
                         请调整这两个班次的交接时间，或把更早的那一段一并重新导入",
                        span(new),
                        span(old),
                        old.primary,
                        format_minute(from),
                        format_minute(to)
                    )));
                }
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO roster_shift (start_at, end_at, leader, primary_officer, deputy, imported_at, imported_by, \
                 source_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut insert_staff = tx
                .prepare_cached("INSERT INTO roster_shift_staff (shift_id, staff, imported_by) VALUES (?1, ?2, ?3)")?;
            for s in shifts {
                insert.execute(params![
                    time_to_sql(s.start),
                    time_to_sql(s.end),
                    s.leader,
                    s.primary,
                    s.deputy,
                    time_to_sql(now),
                    by,
                    file
                ])?;
                if !s.staff.is_empty() {
                    insert_staff.execute(params![
                        tx.last_insert_rowid(),
                        super::roster_plan::staff_to_sql(&s.staff),
                        by
                    ])?;
                }
            }
            tx.execute(
                "INSERT INTO roster_import (imported_at, imported_by, source_file, range_from, range_to, replaced, \
                 inserted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    time_to_sql(now),
                    by,
                    file,
                    time_to_sql(from),
                    time_to_sql(to),
                    i64::try_from(replaced).unwrap_or(i64::MAX),
                    i64::try_from(shifts.len()).unwrap_or(i64::MAX)
                ],
            )?;
            Ok(shifts.len())
        })
    }

    /// Imported shifts overlapping [`from`, `to`), by start (source [`ShiftSource::Imported`],
    /// no swaps applied).
    pub fn imported_shifts(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<Shift>> {
        // No stored shift is longer than MAX_SHIFT_HOURS, so the start index bounds the search.
        let earliest = from - Duration::hours(MAX_SHIFT_HOURS);
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.start_at, r.end_at, r.leader, r.primary_officer, r.deputy, s.staff FROM roster_shift r \
             LEFT JOIN roster_shift_staff s ON s.shift_id = r.id \
             WHERE r.start_at >= ?1 AND r.start_at < ?2 AND r.end_at > ?3 ORDER BY r.start_at, r.id",
        )?;
        Ok(stmt
            .query_map(
                params![time_to_sql(earliest), time_to_sql(to), time_to_sql(from)],
                shift_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records a swap (checked beforehand with `core::roster::validate_swap`). Returns its id.
    pub fn add_swap(&mut self, swap: &Swap) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO roster_swap (shift_start, post, from_person, to_person, reason, approved_by, recorded_by, \
                 recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    time_to_sql(swap.shift_start),
                    swap.post.label(),
                    swap.from,
                    swap.to,
                    swap.reason,
                    swap.approved_by,
                    swap.recorded_by,
                    time_to_sql(swap.recorded_at)
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Swaps of the shifts starting in [`from`, `to`), in recorded order — the order
    /// `core::roster::effective_shifts` applies them in.
    pub fn swaps(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<Swap>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT shift_start, post, from_person, to_person, reason, approved_by, recorded_by, recorded_at \
             FROM roster_swap WHERE shift_start >= ?1 AND shift_start < ?2 ORDER BY id",
        )?;
        Ok(stmt
            .query_map(params![time_to_sql(from), time_to_sql(to)], swap_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
