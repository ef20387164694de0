//! 查岗 rounds on disk (migration 0023): `spotcheck`, the rooms to call (`spotcheck_unit`) and
//! each call (`spotcheck_call`). Rows never change; a room called again gets a second call.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::spotcheck::{CheckCall, CheckOutcome, CheckedUnit, NewSpotCheck, SpotCheck, check_call, check_round};

impl Store {
    /// Starts a round: the rooms in calling order. Returns its id.
    pub fn add_spotcheck(&mut self, r: &NewSpotCheck) -> Result<i64> {
        check_round(r).map_err(StoreError::Refused)?;
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO spotcheck (group_name, started_by, started_at) VALUES (?1, ?2, ?3)")?
                .execute(params![r.group.trim(), r.started_by, time_to_sql(r.started_at)])?;
            let id = tx.last_insert_rowid();
            for (unit, phone) in &r.units {
                tx.prepare_cached(
                    "INSERT INTO spotcheck_unit (spotcheck_id, unit, phone, added_by) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, unit.trim(), phone.trim(), r.started_by])?;
            }
            Ok(id)
        })
    }

    /// One round with its rooms and their calls.
    pub fn spotcheck(&self, id: i64) -> Result<SpotCheck> {
        let mut round = self
            .conn
            .prepare_cached("SELECT id, group_name, started_by, started_at FROM spotcheck WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(SpotCheck {
                    id: r.get(0)?,
                    group: r.get(1)?,
                    started_by: r.get(2)?,
                    started_at: row_time(r, 3)?,
                    units: Vec::new(),
                })
            })
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 次查岗")))?;
        let mut units: Vec<CheckedUnit> = self
            .conn
            .prepare_cached("SELECT id, unit, phone FROM spotcheck_unit WHERE spotcheck_id = ?1 ORDER BY id")?
            .query_map([id], |r| {
                Ok(CheckedUnit {
                    id: r.get(0)?,
                    unit: r.get(1)?,
                    phone: r.get(2)?,
                    calls: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT outcome, answerer, at, note, recorded_by FROM spotcheck_call WHERE unit_id = ?1 ORDER BY id",
        )?;
        for u in &mut units {
            u.calls = stmt
                .query_map([u.id], |r| {
                    Ok(CheckCall {
                        outcome: row_label(r, 0, CheckOutcome::parse)?,
                        answerer: r.get(1)?,
                        at: row_time(r, 2)?,
                        note: r.get(3)?,
                        recorded_by: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        round.units = units;
        Ok(round)
    }

    /// Rounds started in `[from, to)`, oldest first.
    pub fn spotchecks_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<SpotCheck>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM spotcheck WHERE started_at >= ?1 AND started_at < ?2 ORDER BY started_at, id",
            )?
            .query_map([time_to_sql(from), time_to_sql(to)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.spotcheck(id)).collect()
    }

    /// The `n` newest rounds, newest first.
    pub fn recent_spotchecks(&self, n: usize) -> Result<Vec<SpotCheck>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM spotcheck ORDER BY started_at DESC, id DESC LIMIT ?1")?
            .query_map([i64::try_from(n).unwrap_or(i64::MAX)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.spotcheck(id)).collect()
    }

    /// Records one call to room `unit_id` of round `round_id`.
    pub fn add_spotcheck_call(&mut self, round_id: i64, unit_id: i64, c: &CheckCall, now: NaiveDateTime) -> Result<()> {
        let round = self.spotcheck(round_id)?;
        if !round.units.iter().any(|u| u.id == unit_id) {
            return Err(StoreError::Refused(format!("第 {round_id} 次查岗没有这个值班室")));
        }
        check_call(c, now).map_err(StoreError::Refused)?;
        if c.at < crate::core::document::minute_of(round.started_at) {
            return Err(StoreError::Refused(format!(
                "查岗时间不能早于本轮开始时间 {}",
                round.started_at.format("%m-%d %H:%M")
            )));
        }
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO spotcheck_call (unit_id, outcome, answerer, at, note, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                unit_id,
                c.outcome.label(),
                c.answerer.trim(),
                time_to_sql(c.at),
                c.note.trim(),
                c.recorded_by,
                time_to_sql(now)
            ])?;
            Ok(())
        })
    }
}
