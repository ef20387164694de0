//! 节日值班表 on disk (migration 0024): rounds, the units expected, each roster received (once),
//! the office's reports upward. What they mean is in [`crate::core::holiday`].

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, row_time, time_to_sql};
use crate::core::holiday::{ExpectedUnit, HolidayRound, NewHolidayRound, UpwardReport, check_round};

fn date_to_sql(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Starts a round. Returns its id.
    pub fn add_holiday_round(&mut self, r: &NewHolidayRound) -> Result<i64> {
        check_round(r).map_err(StoreError::Refused)?;
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO holiday_round (holiday, due, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                r.holiday.trim(),
                date_to_sql(r.due),
                r.created_by,
                time_to_sql(r.created_at)
            ])?;
            let id = tx.last_insert_rowid();
            for u in &r.units {
                tx.prepare_cached("INSERT INTO holiday_unit (round_id, unit, added_by) VALUES (?1, ?2, ?3)")?
                    .execute(params![id, u.trim(), r.created_by])?;
            }
            Ok(id)
        })
    }

    /// One round with its units and reports.
    pub fn holiday_round(&self, id: i64) -> Result<HolidayRound> {
        let mut round = self
            .conn
            .prepare_cached("SELECT id, holiday, due, created_by, created_at FROM holiday_round WHERE id = ?1")?
            .query_row([id], |r| {
                let due: String = r.get(2)?;
                Ok(HolidayRound {
                    id: r.get(0)?,
                    holiday: r.get(1)?,
                    due: NaiveDate::parse_from_str(&due, "%Y-%m-%d").map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
                    })?,
                    created_by: r.get(3)?,
                    created_at: row_time(r, 4)?,
                    units: Vec::new(),
                    reports: Vec::new(),
                })
            })
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 次节日值班表收集")))?;
        round.units = self
            .conn
            .prepare_cached(
                "SELECT u.id, u.unit, r.received_at, r.via, r.recorded_by FROM holiday_unit u \
                 LEFT JOIN holiday_receipt r ON r.unit_id = u.id WHERE u.round_id = ?1 ORDER BY u.id",
            )?
            .query_map([id], |r| {
                let at: Option<String> = r.get(2)?;
                let received = match at {
                    Some(at) => Some((super::time_from_sql(&at)?, r.get(3)?, r.get(4)?)),
                    None => None,
                };
                Ok(ExpectedUnit {
                    id: r.get(0)?,
                    unit: r.get(1)?,
                    received,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        round.reports = self
            .conn
            .prepare_cached(
                "SELECT reported_to, reported_at, via, recorded_by FROM holiday_report WHERE round_id = ?1 ORDER BY id",
            )?
            .query_map([id], |r| {
                Ok(UpwardReport {
                    to: r.get(0)?,
                    at: row_time(r, 1)?,
                    via: r.get(2)?,
                    recorded_by: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(round)
    }

    /// Rounds due on or after `since` (the screen's list and the reminders), newest due first.
    pub fn holiday_rounds_since(&self, since: NaiveDate) -> Result<Vec<HolidayRound>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM holiday_round WHERE due >= ?1 ORDER BY due DESC, id DESC")?
            .query_map([date_to_sql(since)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.holiday_round(id)).collect()
    }

    /// Marks unit `unit_id`'s roster received (once).
    pub fn mark_holiday_received(
        &mut self,
        unit_id: i64,
        at: NaiveDateTime,
        via: &str,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        if at > now + chrono::Duration::minutes(5) {
            return Err(StoreError::Refused("收到时间不能晚于现在".into()));
        }
        self.write(|tx| {
            let unit: Option<String> = tx
                .prepare_cached("SELECT unit FROM holiday_unit WHERE id = ?1")?
                .query_row([unit_id], |r| r.get(0))
                .optional()?;
            let Some(unit) = unit else {
                return Err(StoreError::Refused("没有这个单位".into()));
            };
            if tx
                .prepare_cached("SELECT 1 FROM holiday_receipt WHERE unit_id = ?1")?
                .exists([unit_id])?
            {
                return Err(StoreError::Refused(format!("{unit} 的值班表已登记收到")));
            }
            tx.prepare_cached(
                "INSERT INTO holiday_receipt (unit_id, received_at, via, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![unit_id, time_to_sql(at), via.trim(), by, time_to_sql(now)])?;
            Ok(())
        })
    }

    /// Records the office's own holiday roster reported upward.
    pub fn add_holiday_report(&mut self, round_id: i64, r: &UpwardReport, now: NaiveDateTime) -> Result<()> {
        self.holiday_round(round_id)?;
        if r.to.trim().is_empty() {
            return Err(StoreError::Refused("请写明报送给谁（如 市政府总值班室）".into()));
        }
        if r.at > now + chrono::Duration::minutes(5) {
            return Err(StoreError::Refused("报送时间不能晚于现在".into()));
        }
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO holiday_report (round_id, reported_to, reported_at, via, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                round_id,
                r.to.trim(),
                time_to_sql(r.at),
                r.via.trim(),
                r.recorded_by,
                time_to_sql(now)
            ])?;
            Ok(())
        })
    }
}
