//! SQL for the 值班日报: gathers [`ReportData`] for one window with range queries on the time
//! indexes, so a report costs the same on a log of a thousand rows or of a million.
//!
//! - Counts by kind and the 急办/请示 entries read only the window's slice of `log_entry_by_time`.
//! - Open entries come from the partial index `log_entry_open` (entries not 已办结), newest first,
//!   at most [`OPEN_LIMIT`]; entries closed since the window ended are found by walking the
//!   amendment log back from its newest row only as far as a day before the window's end.
//! - Events and visits use their own time and checkout indexes; nothing counts a whole table.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::params;

use super::{Result, Store, row_time, time_to_sql};
use crate::core::escalation::EventState;
use crate::core::log::{EntryKind, LogField, Status, Triage};
use crate::core::report::{
    DailyReport, ReportData, ReportEntry, ReportEvent, StatusChange, VisitCounts, Window, build,
};
use crate::core::report_sent::{ReportSending, SendMethod};
use crate::core::visit::COLLECTIVE_THRESHOLD;

/// The most open entries one report lists (the newest; the report says when there were more).
pub const OPEN_LIMIT: usize = 200;

/// How far before the window's end the walk back through the amendment log goes on, in case a
/// terminal's clock was set back: amendment rows are appended in time order otherwise.
const CLOCK_SLACK: Duration = Duration::days(1);

const KIND_COUNTS: &str =
    "SELECT kind, count(*) FROM log_entry WHERE occurred_at >= ?1 AND occurred_at < ?2 GROUP BY kind";

const IMPORTANT: &str = "SELECT id FROM log_entry WHERE occurred_at >= ?1 AND occurred_at < ?2 \
     AND triage IN (?3, ?4) ORDER BY occurred_at, id";

/// The `status <> '已办结'` term is written as the partial index states it, so the index is used.
const OPEN_NOW: &str = "SELECT id FROM log_entry WHERE status <> '已办结' AND occurred_at < ?1 \
     AND (triage <> ?2 OR status = ?3) ORDER BY occurred_at DESC, id DESC LIMIT ?4";

/// Newest first; the walk stops a day before the window's end. Each row looks up its entry's time
/// by primary key, so only entries that straddle the end are loaded.
const RECENT_STATUS_CHANGES: &str = "SELECT a.entry_id, a.amended_at, e.occurred_at \
     FROM log_amendment a JOIN log_entry e ON e.id = a.entry_id WHERE a.field = ?1 ORDER BY a.id DESC";

const EVENTS: &str = "SELECT e.id FROM urgent_event e WHERE e.received_at < ?2 AND ( \
       e.received_at >= ?1 \
       OR (e.phone_due_at >= ?1 AND e.phone_due_at < ?2) \
       OR (e.written_due_at >= ?1 AND e.written_due_at < ?2) \
       OR NOT EXISTS (SELECT 1 FROM urgent_timeline t WHERE t.event_id = e.id AND t.text = ?3 AND t.at <= ?2)) \
     ORDER BY e.received_at, e.id";

const VISITS_IN_WINDOW: &str = "SELECT count(*), coalesce(sum(people_count), 0), \
       coalesce(sum(is_petition), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 THEN people_count ELSE 0 END), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 AND people_count >= ?3 THEN 1 ELSE 0 END), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 AND people_count >= ?3 THEN people_count ELSE 0 END), 0) \
     FROM visit WHERE entered_at >= ?1 AND entered_at < ?2";

/// Inside at the end: not checked out, or checked out after it. Two branches on the checkout
/// index (`+entered_at` keeps the planner off the entry-time index, which would read every visit).
const VISITS_INSIDE: &str = "SELECT count(*), coalesce(sum(people_count), 0) FROM ( \
       SELECT people_count FROM visit WHERE checked_out_at IS NULL AND +entered_at < ?1 \
       UNION ALL \
       SELECT people_count FROM visit WHERE checked_out_at > ?1 AND +entered_at < ?1)";

impl Store {
    /// Everything the 值班日报 for the window `from <= t < to` is built from.
    pub fn daily_report_data(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<ReportData> {
        let window = Window { from, to };
        let (f, t) = (time_to_sql(from), time_to_sql(to));

        let mut kind_counts = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(KIND_COUNTS)?;
            let rows = stmt.query_map(params![f, t], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
            for row in rows {
                let (kind, n) = row?;
                // A kind this build does not know is counted under 其他 rather than lost.
                kind_counts.push((EntryKind::parse(&kind).unwrap_or(EntryKind::Other), n));
            }
        }

        let important_ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(IMPORTANT)?;
            stmt.query_map(params![f, t, Triage::Urgent.label(), Triage::AskLeader.label()], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let important = important_ids
            .into_iter()
            .map(|id| self.report_entry(id))
            .collect::<Result<Vec<_>>>()?;

        let mut open_ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(OPEN_NOW)?;
            let limit = i64::try_from(OPEN_LIMIT + 1).unwrap_or(i64::MAX);
            stmt.query_map(
                params![t, Triage::Routine.label(), Status::InProgress.label(), limit],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?
        };
        let open_truncated = open_ids.len() > OPEN_LIMIT;
        open_ids.truncate(OPEN_LIMIT);
        let mut seen: BTreeSet<i64> = open_ids.iter().copied().collect();
        for id in self.status_changed_since(to)? {
            if seen.insert(id) {
                open_ids.push(id);
            }
        }
        let mut open_candidates = open_ids
            .into_iter()
            .map(|id| self.report_entry(id))
            .collect::<Result<Vec<_>>>()?;
        open_candidates.retain(|e| e.entry.occurred_at < to);
        open_candidates.sort_by_key(|e| (e.entry.occurred_at, e.id));

        let event_ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(EVENTS)?;
            stmt.query_map(params![f, t, EventState::Closed.label()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let events = event_ids
            .into_iter()
            .map(|id| self.report_event(id))
            .collect::<Result<Vec<_>>>()?;

        let mut visits =
            self.conn
                .prepare_cached(VISITS_IN_WINDOW)?
                .query_row(params![f, t, COLLECTIVE_THRESHOLD], |r| {
                    Ok(VisitCounts {
                        visits: r.get(0)?,
                        people: r.get(1)?,
                        petition_visits: r.get(2)?,
                        petition_people: r.get(3)?,
                        collective_visits: r.get(4)?,
                        collective_people: r.get(5)?,
                        inside_visits: 0,
                        inside_people: 0,
                    })
                })?;
        (visits.inside_visits, visits.inside_people) = self
            .conn
            .prepare_cached(VISITS_INSIDE)?
            .query_row([&t], |r| Ok((r.get(0)?, r.get(1)?)))?;

        Ok(ReportData {
            window,
            kind_counts,
            important,
            open_candidates,
            open_truncated,
            events,
            visits,
            open_tasks: self.tasks_open_at(to)?,
            spot_checks: self.spotchecks_between(from, to)?,
        })
    }

    /// The 值班日报 for the 24 hours ending at `day_ends` on `date`, made at `now` — what the 查询
    /// tab shows ([`DailyReport::to_text`]) and `zhiban report daily` prints.
    pub fn daily_report(&self, date: NaiveDate, day_ends: NaiveTime, now: NaiveDateTime) -> Result<DailyReport> {
        self.daily_report_for(Window::ending(date, day_ends), now)
    }

    /// The 值班日报 for `window`, made at `now` (the period in progress is made as of `now`).
    pub fn daily_report_for(&self, window: Window, now: NaiveDateTime) -> Result<DailyReport> {
        let mut report = build(&self.daily_report_data(window.from, window.to)?, now);
        report.anchor = self.audit_head()?;
        Ok(report)
    }

    /// Records that a period's report was sent (已报送), with its text exactly as sent. Never
    /// changed: a re-send is another record. Returns its id.
    pub fn mark_report_sent(&mut self, s: &ReportSending) -> Result<i64> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO daily_report_sent (period_start, period_end, sent_at, recipient, method, signer, text, \
                 recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                time_to_sql(s.window.from),
                time_to_sql(s.window.to),
                time_to_sql(s.sent_at),
                s.recipient,
                s.method.label(),
                s.signer,
                s.text,
                s.recorded_by,
                time_to_sql(s.recorded_at)
            ])?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Every record of `window`'s report being sent, in the order recorded (one index lookup).
    pub fn report_sendings(&self, window: Window) -> Result<Vec<ReportSending>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sent_at, recipient, method, signer, text, recorded_by, recorded_at FROM daily_report_sent \
             WHERE period_end = ?1 AND period_start = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![time_to_sql(window.to), time_to_sql(window.from)], |r| {
            Ok(ReportSending {
                window,
                sent_at: row_time(r, 0)?,
                recipient: r.get(1)?,
                // A method this build does not know is read as 其他 rather than lost.
                method: SendMethod::parse(&r.get::<_, String>(2)?).unwrap_or(SendMethod::Other),
                signer: r.get(3)?,
                text: r.get(4)?,
                recorded_by: r.get(5)?,
                recorded_at: row_time(r, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Entries that occurred before `t` and whose status was amended after it: the amendment log
    /// walked back from its newest row until a day before `t`.
    fn status_changed_since(&self, t: NaiveDateTime) -> Result<BTreeSet<i64>> {
        let stop = t - CLOCK_SLACK;
        let mut stmt = self.conn.prepare_cached(RECENT_STATUS_CHANGES)?;
        let mut rows = stmt.query([LogField::Status.column()])?;
        let mut ids = BTreeSet::new();
        while let Some(r) = rows.next()? {
            let at = row_time(r, 1)?;
            if at < stop {
                break;
            }
            if at > t && row_time(r, 2)? < t {
                ids.insert(r.get(0)?);
            }
        }
        Ok(ids)
    }

    fn report_entry(&self, id: i64) -> Result<ReportEntry> {
        let e = self.entry(id)?;
        Ok(ReportEntry {
            id: e.id,
            status_changes: e
                .amendments
                .iter()
                .filter(|a| a.field == LogField::Status)
                .map(|a| StatusChange {
                    at: a.amended_at,
                    old: a.old_value.clone(),
                    new: a.new_value.clone(),
                })
                .collect(),
            entry: e.fields,
            instructions: e.instructions,
        })
    }

    /// An event with its reports and timeline.
    pub fn report_event(&self, id: i64) -> Result<ReportEvent> {
        Ok(ReportEvent {
            event: self.event(id)?,
            reports: self.reports(id)?,
            timeline: self.timeline(id)?,
            instructions: self.instructions_on(crate::core::instruction::ItemRef::Event(id))?,
            tasks: self.tasks_on(crate::core::instruction::ItemRef::Event(id))?,
        })
    }

    /// SQLite's plan for every query of the report, for tests that check the indexes are used.
    #[doc(hidden)]
    pub fn report_query_plans(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for sql in [
            KIND_COUNTS,
            IMPORTANT,
            OPEN_NOW,
            RECENT_STATUS_CHANGES,
            EVENTS,
            VISITS_IN_WINDOW,
            VISITS_INSIDE,
        ] {
            let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<_>>()?;
            out.push((sql.to_string(), plan.join("; ")));
        }
        Ok(out)
    }
}
