//! SQL for running the roster (migration 0030): a month's versions with their approval and
//! publication, the shifts in force from published versions, sign-ons, and 补休 taken. Every row
//! is a record; the triggers keep a version sealed once approved, publication after approval,
//! and steps to the month's latest version.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, Store, StoreError, row_time, time_to_sql};
use crate::core::roster::{MAX_SHIFT_HOURS, Shift, ShiftSource, split_staff};
use crate::core::roster_plan::{
    CompTaken, MonthPlan, PlanVersion, RosterRun, SIGNON_EARLY_MINUTES, SignOn, SignOnVia, approval_problems,
    month_label, month_of, next_month, over_imported,
};

/// The other staff as stored: names joined by 、.
pub(crate) fn staff_to_sql(staff: &[String]) -> String {
    staff.join("、")
}

fn plan_shift_from_row(row: &Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        start: row_time(row, 0)?,
        end: row_time(row, 1)?,
        leader: row.get(2)?,
        primary: row.get(3)?,
        deputy: row.get(4)?,
        staff: split_staff(&row.get::<_, String>(5)?),
        source: ShiftSource::Published,
        swaps: Vec::new(),
    })
}

fn day_from_sql(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn month_from_sql(s: &str) -> rusqlite::Result<NaiveDate> {
    day_from_sql(&format!("{s}-01"))
}

fn versions_of(conn: &Connection, month: NaiveDate) -> Result<Vec<PlanVersion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.month, p.version, p.source, p.created_by, p.created_at, \
                a.approved_by, a.recorded_by, a.recorded_at, u.recorded_by, u.recorded_at \
         FROM roster_plan p \
         LEFT JOIN roster_plan_step a ON a.plan_id = p.id AND a.step = '已批准' \
         LEFT JOIN roster_plan_step u ON u.plan_id = p.id AND u.step = '已发布' \
         WHERE p.month = ?1 ORDER BY p.version",
    )?;
    let rows = stmt.query_map([month_label(month)], |r| {
        let approved = match r.get::<_, Option<String>>(6)? {
            Some(approver) => Some((approver, r.get(7)?, row_time(r, 8)?)),
            None => None,
        };
        let published = match r.get::<_, Option<String>>(9)? {
            Some(by) => Some((by, row_time(r, 10)?)),
            None => None,
        };
        Ok(PlanVersion {
            id: r.get(0)?,
            month: month_from_sql(&r.get::<_, String>(1)?)?,
            version: r.get(2)?,
            source: r.get(3)?,
            created_by: r.get(4)?,
            created_at: row_time(r, 5)?,
            approved,
            published,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn version_shifts(conn: &Connection, plan_id: i64) -> Result<Vec<Shift>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_at, end_at, leader, primary_officer, deputy, staff FROM roster_plan_shift \
         WHERE plan_id = ?1 ORDER BY start_at, id",
    )?;
    Ok(stmt
        .query_map([plan_id], plan_shift_from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The month and version of a plan row.
fn plan_of(conn: &Connection, plan_id: i64) -> Result<(NaiveDate, i64)> {
    conn.query_row("SELECT month, version FROM roster_plan WHERE id = ?1", [plan_id], |r| {
        Ok((month_from_sql(&r.get::<_, String>(0)?)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| StoreError::Refused(format!("没有第 {plan_id} 号排班版本")))
}

impl Store {
    /// Records a new version of `month` (checked beforehand with
    /// `core::roster_plan::version_problems`): the next number, its shifts, where it came from.
    pub fn add_roster_version(
        &mut self,
        month: NaiveDate,
        shifts: &[Shift],
        source: &str,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<PlanVersion> {
        let month = month_of(month);
        self.write(|tx| {
            let version: i64 = tx.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM roster_plan WHERE month = ?1",
                [month_label(month)],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO roster_plan (month, version, source, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![month_label(month), version, source, by, time_to_sql(now)],
            )?;
            let id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached(
                "INSERT INTO roster_plan_shift (plan_id, start_at, end_at, leader, primary_officer, deputy, staff) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for s in shifts {
                insert.execute(params![
                    id,
                    time_to_sql(s.start),
                    time_to_sql(s.end),
                    s.leader,
                    s.primary,
                    s.deputy,
                    staff_to_sql(&s.staff)
                ])?;
            }
            Ok(PlanVersion {
                id,
                month,
                version,
                source: source.to_string(),
                created_by: by.to_string(),
                created_at: now,
                approved: None,
                published: None,
            })
        })
    }

    /// Every version of the month holding `month`, oldest first.
    pub fn roster_month_plan(&self, month: NaiveDate) -> Result<MonthPlan> {
        let month = month_of(month);
        Ok(MonthPlan {
            month: Some(month),
            versions: versions_of(&self.conn, month)?,
        })
    }

    /// The shifts of one version, by start.
    pub fn roster_version_shifts(&self, plan_id: i64) -> Result<Vec<Shift>> {
        version_shifts(&self.conn, plan_id)
    }

    /// Approves a version: `approved_by` (their PIN already checked) must be a confirmed
    /// approver; the version must be the month's latest draft and cover its month.
    pub fn approve_roster(
        &mut self,
        plan_id: i64,
        approved_by: &str,
        approver_role: &str,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            super::pin::require_approver(tx, "", approved_by, approver_role)?;
            let (month, _) = plan_of(tx, plan_id)?;
            let plan = MonthPlan {
                month: Some(month),
                versions: versions_of(tx, month)?,
            };
            let v = plan.to_approve().map_err(StoreError::Refused)?;
            if v.id != plan_id {
                return Err(StoreError::Refused(format!(
                    "{} 已有更新的第{}版：只能批准最新的版本",
                    month_label(month),
                    v.version
                )));
            }
            let problems = approval_problems(&version_shifts(tx, plan_id)?, month);
            if !problems.is_empty() {
                return Err(StoreError::Refused(format!(
                    "{} 第{}版不能批准：{}",
                    month_label(month),
                    v.version,
                    problems.join("；")
                )));
            }
            tx.execute(
                "INSERT INTO roster_plan_step (plan_id, step, approved_by, recorded_by, recorded_at) \
                 VALUES (?1, '已批准', ?2, ?3, ?4)",
                params![plan_id, approved_by, by, time_to_sql(now)],
            )?;
            Ok(())
        })
    }

    /// Publishes the month's latest version, once approved: from now it is the roster in force.
    pub fn publish_roster(&mut self, plan_id: i64, by: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let (month, _) = plan_of(tx, plan_id)?;
            let plan = MonthPlan {
                month: Some(month),
                versions: versions_of(tx, month)?,
            };
            let v = plan.to_publish().map_err(StoreError::Refused)?;
            if v.id != plan_id {
                return Err(StoreError::Refused(format!(
                    "{} 已有更新的第{}版：只能发布最新的版本",
                    month_label(month),
                    v.version
                )));
            }
            tx.execute(
                "INSERT INTO roster_plan_step (plan_id, step, recorded_by, recorded_at) VALUES (?1, '已发布', ?2, ?3)",
                params![plan_id, by, time_to_sql(now)],
            )?;
            Ok(())
        })
    }

    /// Whether a roster of a month before `month` was published here: the office ran its
    /// rosters this way before, so a month without one is a miss, not a first month.
    pub fn roster_published_before(&self, month: NaiveDate) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM roster_plan_step s JOIN roster_plan p ON p.id = s.plan_id \
                 WHERE s.step = '已发布' AND p.month < ?1 LIMIT 1",
            )?
            .exists([month_label(month_of(month))])?)
    }

    /// The shifts of published versions overlapping [`from`, `to`): for each month, those of its
    /// latest published version.
    pub fn published_shifts(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<Shift>> {
        let first = month_of((from - Duration::hours(MAX_SHIFT_HOURS)).date());
        let last = month_of(to.date());
        let mut out = Vec::new();
        let mut month = first;
        while month <= last {
            if let Some(plan) = self.roster_month_plan(month)?.in_force() {
                out.extend(
                    version_shifts(&self.conn, plan.id)?
                        .into_iter()
                        .filter(|s| s.overlaps(from, to)),
                );
            }
            let next = next_month(month);
            if next <= month {
                break;
            }
            month = next;
        }
        Ok(out)
    }

    /// The stored roster for [`from`, `to`): published shifts, and imported shifts that overlap
    /// none of them (`core::roster_plan::over_imported`). The rotation fills the rest.
    pub fn planned_shifts(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<Shift>> {
        Ok(over_imported(
            self.published_shifts(from, to)?,
            self.imported_shifts(from, to)?,
        ))
    }

    /// Records 到岗 (checked beforehand with `core::roster_plan::arrival_shift`; the PIN is the
    /// caller's). A second sign-on of the same person for the same shift is refused.
    pub fn add_signon(&mut self, shift_start: NaiveDateTime, person: &str, by: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let done = tx.execute(
                "INSERT OR IGNORE INTO roster_signon (shift_start, person, signed_at, recorded_by) VALUES (?1, ?2, ?3, ?4)",
                params![time_to_sql(shift_start), person, time_to_sql(now), by],
            )?;
            if done == 0 {
                return Err(StoreError::Refused(format!(
                    "{person} 已经签到过 {} 开始的班次",
                    shift_start.format("%m-%d %H:%M")
                )));
            }
            Ok(())
        })
    }

    /// Explicit sign-ons of shifts starting in [`from`, `to`).
    pub fn signons(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<SignOn>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT shift_start, person, signed_at FROM roster_signon \
             WHERE shift_start >= ?1 AND shift_start < ?2 ORDER BY id",
        )?;
        Ok(stmt
            .query_map(params![time_to_sql(from), time_to_sql(to)], |r| {
                Ok(SignOn {
                    shift_start: row_time(r, 0)?,
                    person: r.get(1)?,
                    at: row_time(r, 2)?,
                    via: SignOnVia::Arrival,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Handovers signed in [`from`, `to`): (incoming, signed at) — each its incoming officer's
    /// sign-on (`core::roster_plan::handover_signons`).
    pub fn handover_signatures(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<(String, NaiveDateTime)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT incoming, signed_at FROM handover WHERE signed_at >= ?1 AND signed_at < ?2 ORDER BY id",
        )?;
        Ok(stmt
            .query_map(params![time_to_sql(from), time_to_sql(to)], |r| {
                Ok((r.get(0)?, row_time(r, 1)?))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// What the app holds of the running roster for the window [`from`, `to`) at `now`, with the
    /// month the roster screen shows.
    pub fn roster_run(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        shown: Option<NaiveDate>,
        now: NaiveDateTime,
    ) -> Result<RosterRun> {
        let shown = self.roster_month_plan(shown.unwrap_or(now.date()))?;
        let shown_pending = match (shown.latest(), shown.in_force()) {
            (Some(l), Some(f)) if l.id == f.id => Vec::new(),
            (Some(l), _) => version_shifts(&self.conn, l.id)?
                .into_iter()
                .map(|s| Shift {
                    source: ShiftSource::Pending,
                    ..s
                })
                .collect(),
            (None, _) => Vec::new(),
        };
        let ever_signed_on = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM roster_signon) OR EXISTS (SELECT 1 FROM handover)")?
            .query_row([], |r| r.get(0))?;
        Ok(RosterRun {
            signons: self.signons(from, to)?,
            handover_signs: self.handover_signatures(from - Duration::minutes(SIGNON_EARLY_MINUTES), to)?,
            this_month: self.roster_month_plan(now.date())?,
            next_month: self.roster_month_plan(next_month(now.date()))?,
            shown,
            shown_pending,
            published_before: self.roster_published_before(now.date())?,
            ever_signed_on,
            sends: self.missed_post_sends(from, to)?,
        })
    }

    /// Records 补休 taken (checked beforehand with `core::roster_plan::check_comp`).
    pub fn add_comp_leave(&mut self, t: &CompTaken) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO comp_leave (person, day, half_days, approved_by, note, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    t.person,
                    t.day.format("%Y-%m-%d").to_string(),
                    t.half_days,
                    t.approved_by,
                    t.note,
                    t.recorded_by,
                    time_to_sql(t.recorded_at)
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// 补休 taken in `year`, oldest first.
    pub fn comp_leave(&self, year: i32) -> Result<Vec<CompTaken>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, person, day, half_days, approved_by, recorded_by, recorded_at, note FROM comp_leave \
             WHERE day >= ?1 AND day < ?2 ORDER BY day, id",
        )?;
        Ok(stmt
            .query_map(
                params![format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1)],
                |r| {
                    Ok(CompTaken {
                        id: r.get(0)?,
                        person: r.get(1)?,
                        day: day_from_sql(&r.get::<_, String>(2)?)?,
                        half_days: r.get(3)?,
                        approved_by: r.get(4)?,
                        recorded_by: r.get(5)?,
                        recorded_at: row_time(r, 6)?,
                        note: r.get(7)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?)
    }
}
