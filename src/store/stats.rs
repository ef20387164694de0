//! SQL for the 月度统计: gathers [`StatsData`] for one month or year, each figure a range read on
//! a time index, so a month costs the same at ten years as in the first: entries through
//! `log_entry_by_time` (counted by kind, category, triage, officer and minutes to registration in
//! SQL), visits through `visit_by_time`, events through `urgent_event_by_received`, signed
//! handovers through `handover_by_signed`, 交办 through `task_by_recorded` (given) and
//! `task_by_due` (their 时限) — the last three from migration 0029. Nothing counts a whole table;
//! what the figures mean is decided in [`crate::core::stats`].

use chrono::Duration;
use rusqlite::params;

use super::{Result, Store, row_time, time_to_sql};
use crate::core::stats::{EntryGroup, HandoverFact, Period, Stats, StatsData, TaskFact, VisitFigures, build};
use crate::core::visit::COLLECTIVE_THRESHOLD;

/// How long before the period events are read from: a first-report deadline in the period may
/// belong to an event received shortly before it.
pub const EVENT_LEAD: Duration = Duration::days(31);

/// Whole minutes from 发生时间 to 记录时间 (negative when recorded before its time).
const ENTRY_GROUPS: &str = "SELECT kind, category, triage, recorded_by, \
       (CAST(strftime('%s', recorded_at) AS INTEGER) - CAST(strftime('%s', occurred_at) AS INTEGER)) / 60 AS delay, \
       count(*) \
     FROM log_entry WHERE occurred_at >= ?1 AND occurred_at < ?2 \
     GROUP BY kind, category, triage, recorded_by, delay";

const EVENTS: &str = "SELECT id FROM urgent_event WHERE received_at >= ?1 AND received_at < ?2 \
     ORDER BY received_at, id";

const VISITS: &str = "SELECT count(*), coalesce(sum(people_count), 0), \
       coalesce(sum(repeat_of IS NOT NULL), 0), \
       coalesce(sum(is_petition), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 THEN people_count ELSE 0 END), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 AND people_count >= ?3 THEN 1 ELSE 0 END), 0), \
       coalesce(sum(CASE WHEN is_petition = 1 AND people_count >= ?3 THEN people_count ELSE 0 END), 0), \
       coalesce(sum(is_petition = 1 AND repeat_of IS NOT NULL), 0) \
     FROM visit WHERE entered_at >= ?1 AND entered_at < ?2";

const TASKS_GIVEN: &str = "SELECT recorded_by, count(*) FROM task WHERE recorded_at >= ?1 AND recorded_at < ?2 \
     GROUP BY recorded_by ORDER BY recorded_by";

/// The first closing 反馈's time (as `Task::done_at` reads it), per 交办 whose 时限 is in range.
const TASKS_DUE: &str = "SELECT t.id, t.due, t.recorded_by, \
       (SELECT f.at FROM task_feedback f WHERE f.task_id = t.id AND f.closes = 1 ORDER BY f.id LIMIT 1) \
     FROM task t WHERE t.due >= ?1 AND t.due < ?2 ORDER BY t.due, t.id";

const HANDOVERS: &str = "SELECT outgoing, count(*), coalesce(sum(item_count), 0) FROM handover \
     WHERE signed_at >= ?1 AND signed_at < ?2 GROUP BY outgoing ORDER BY outgoing";

impl Store {
    /// Everything the 月度统计 of `period` is built from.
    pub fn stats_data(&self, period: Period) -> Result<StatsData> {
        let (from, to) = (period.from(), period.to());
        let (f, t) = (time_to_sql(from), time_to_sql(to));

        let entries = {
            let mut stmt = self.conn.prepare_cached(ENTRY_GROUPS)?;
            stmt.query_map(params![f, t], |r| {
                Ok(EntryGroup {
                    kind: r.get(0)?,
                    category: r.get(1)?,
                    triage: r.get(2)?,
                    officer: r.get(3)?,
                    delay_minutes: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                    count: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };

        let event_ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(EVENTS)?;
            stmt.query_map(params![time_to_sql(from - EVENT_LEAD), t], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let events = event_ids
            .into_iter()
            .map(|id| self.report_event(id))
            .collect::<Result<Vec<_>>>()?;

        let visits = self
            .conn
            .prepare_cached(VISITS)?
            .query_row(params![f, t, COLLECTIVE_THRESHOLD], |r| {
                Ok(VisitFigures {
                    visits: r.get(0)?,
                    people: r.get(1)?,
                    repeat_visits: r.get(2)?,
                    petition_visits: r.get(3)?,
                    petition_people: r.get(4)?,
                    collective_visits: r.get(5)?,
                    collective_people: r.get(6)?,
                    petition_repeat_visits: r.get(7)?,
                })
            })?;

        let tasks_given = self
            .conn
            .prepare_cached(TASKS_GIVEN)?
            .query_map(params![f, t], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let tasks_due = self
            .conn
            .prepare_cached(TASKS_DUE)?
            .query_map(params![f, t], |r| {
                Ok(TaskFact {
                    id: r.get(0)?,
                    due: row_time(r, 1)?,
                    given_by: r.get(2)?,
                    done_at: match r.get::<_, Option<String>>(3)? {
                        Some(_) => Some(row_time(r, 3)?),
                        None => None,
                    },
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let handovers = self
            .conn
            .prepare_cached(HANDOVERS)?
            .query_map(params![f, t], |r| {
                Ok(HandoverFact {
                    outgoing: r.get(0)?,
                    handovers: r.get(1)?,
                    items: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        Ok(StatsData {
            period,
            entries,
            events,
            visits,
            tasks_given,
            tasks_due,
            handovers,
        })
    }

    /// The 月度统计 of `period`, made at `now` (a period in progress is read as of `now`): what
    /// the 统计 screen shows and `zhiban stats` prints.
    pub fn stats(&self, period: Period, now: chrono::NaiveDateTime) -> Result<Stats> {
        Ok(build(&self.stats_data(period)?, now))
    }

    /// SQLite's plan for every query of the statistics, for tests that check the indexes are used.
    #[doc(hidden)]
    pub fn stats_query_plans(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for sql in [ENTRY_GROUPS, EVENTS, VISITS, TASKS_GIVEN, TASKS_DUE, HANDOVERS] {
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
