//! SQL for urgent events: create (with the rule copied on), the open ones, escalation state and
//! timeline, reports.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, Store, StoreError, row_label, row_opt_time, row_time, time_to_sql};
use crate::core::escalation::{Escalation, EventState};
use crate::core::urgent::{
    AlertTarget, Channel, ClockFrom, EntryAlert, Event, EventId, Level, NewEvent, Report, ReportType, RuleSnapshot,
    TimelineLine, chinese_number,
};

pub(super) const EVENT_COLUMNS: &str = "e.id, e.category, e.level, e.occurred_at, e.received_at, e.place, e.source, e.summary, \
     e.deaths, e.missing, e.injured, e.measures, e.trend, e.requests, e.contact, e.log_entry_id, \
     e.rule_recipient, e.rule_phone_minutes, e.rule_written_minutes, e.rule_clock, e.rule_source, \
     e.state, e.rung, e.rung_since, e.reminders, e.created_by, e.created_at, \
     (SELECT min(sent_at) FROM urgent_report r WHERE r.event_id = e.id AND r.channel = '电话'), \
     (SELECT min(sent_at) FROM urgent_report r WHERE r.event_id = e.id AND r.channel = '书面'), \
     (SELECT min(sent_at) FROM urgent_report r WHERE r.event_id = e.id AND r.kind = '终报'), \
     (SELECT count(*) FROM urgent_report r WHERE r.event_id = e.id)";

pub(super) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let record = NewEvent {
        category: row.get(1)?,
        level: row_label(row, 2, Level::parse)?,
        occurred_at: row_time(row, 3)?,
        received_at: row_time(row, 4)?,
        place: row.get(5)?,
        source: row.get(6)?,
        summary: row.get(7)?,
        deaths: row.get(8)?,
        missing: row.get(9)?,
        injured: row.get(10)?,
        measures: row.get(11)?,
        trend: row.get(12)?,
        requests: row.get(13)?,
        contact: row.get(14)?,
        log_entry_id: row.get(15)?,
        rule: RuleSnapshot {
            recipient: row.get(16)?,
            phone_minutes: row.get(17)?,
            written_minutes: row.get(18)?,
            clock: row_label(row, 19, ClockFrom::parse)?,
            source: row.get(20)?,
        },
        created_by: row.get(25)?,
        created_at: row_time(row, 26)?,
    };
    let deadlines = record.rule.deadlines(record.occurred_at, record.received_at);
    Ok(Event {
        id: row.get(0)?,
        escalation: Escalation {
            state: row_label(row, 21, EventState::parse)?,
            rung: usize::try_from(row.get::<_, i64>(22)?).unwrap_or(0),
            rung_since: row_time(row, 23)?,
            reminders: row.get(24)?,
        },
        record,
        deadlines,
        phone_sent: row_opt_time(row, 27)?,
        written_sent: row_opt_time(row, 28)?,
        final_sent: row_opt_time(row, 29)?,
        reports: row.get(30)?,
    })
}

fn insert_entry_alert_timeline(tx: &Connection, alert_id: i64, lines: &[TimelineLine]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT INTO entry_alert_timeline (alert_id, at, who, text) VALUES (?1, ?2, ?3, ?4)")?;
    for l in lines {
        stmt.execute(params![alert_id, time_to_sql(l.at), l.who, l.text])?;
    }
    Ok(())
}

/// Raises an alert for a log entry inside the transaction that saves the entry.
pub(super) fn raise_entry_alert(
    tx: &Connection,
    entry_id: i64,
    by: &str,
    at: NaiveDateTime,
    lines: &[TimelineLine],
) -> Result<i64> {
    let esc = Escalation::new(at);
    tx.execute(
        "INSERT INTO entry_alert (entry_id, state, rung, rung_since, reminders, created_by, created_at) \
         VALUES (?1, ?2, 0, ?3, 0, ?4, ?3)",
        params![entry_id, esc.state.label(), time_to_sql(at), by],
    )?;
    let id = tx.last_insert_rowid();
    insert_entry_alert_timeline(tx, id, lines)?;
    Ok(id)
}

fn insert_timeline(tx: &Connection, event_id: EventId, lines: &[TimelineLine]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT INTO urgent_timeline (event_id, at, who, text) VALUES (?1, ?2, ?3, ?4)")?;
    for l in lines {
        stmt.execute(params![event_id, time_to_sql(l.at), l.who, l.text])?;
    }
    Ok(())
}

impl Store {
    /// Records a new event with its copied rule, its deadlines and its first timeline lines.
    pub fn insert_event(&mut self, e: &NewEvent, timeline: &[TimelineLine]) -> Result<EventId> {
        let d = e.rule.deadlines(e.occurred_at, e.received_at);
        let esc = Escalation::new(e.created_at);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO urgent_event (category, level, occurred_at, received_at, place, source, summary, deaths, \
                 missing, injured, measures, trend, requests, contact, log_entry_id, rule_recipient, rule_phone_minutes, \
                 rule_written_minutes, rule_clock, rule_source, phone_due_at, written_due_at, state, rung, rung_since, \
                 reminders, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
                 ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
                params![
                    e.category,
                    e.level.label(),
                    time_to_sql(e.occurred_at),
                    time_to_sql(e.received_at),
                    e.place,
                    e.source,
                    e.summary,
                    e.deaths,
                    e.missing,
                    e.injured,
                    e.measures,
                    e.trend,
                    e.requests,
                    e.contact,
                    e.log_entry_id,
                    e.rule.recipient,
                    e.rule.phone_minutes,
                    e.rule.written_minutes,
                    e.rule.clock.label(),
                    e.rule.source,
                    time_to_sql(d.phone_due),
                    time_to_sql(d.written_due),
                    esc.state.label(),
                    i64::try_from(esc.rung).unwrap_or(0),
                    time_to_sql(esc.rung_since),
                    esc.reminders,
                    e.created_by,
                    time_to_sql(e.created_at),
                ],
            )?;
            let id = tx.last_insert_rowid();
            insert_timeline(tx, id, timeline)?;
            Ok(id)
        })
    }

    /// Events not yet 已结束, oldest first (recomputed from the database at every start).
    pub fn open_events(&self) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM urgent_event e WHERE e.state != '已结束' ORDER BY e.id"
        ))?;
        Ok(stmt
            .query_map([], event_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The newest events, for the command line.
    pub fn recent_events(&self, limit: usize) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM urgent_event e ORDER BY e.id DESC LIMIT ?1"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(stmt
            .query_map([limit], event_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn event(&self, id: EventId) -> Result<Event> {
        self.conn
            .query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM urgent_event e WHERE e.id = ?1"),
                [id],
                event_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))
    }

    /// Saves an escalation step — the new state and its timeline lines, in one transaction — but
    /// only if the stored state is still `before`. Returns false when another terminal already
    /// took this step (nothing is written twice).
    pub fn save_escalation(
        &mut self,
        target: AlertTarget,
        before: &Escalation,
        esc: &Escalation,
        lines: &[TimelineLine],
    ) -> Result<bool> {
        // Table names come from a closed enum, never from input.
        let (table, id) = match target {
            AlertTarget::Event(id) => ("urgent_event", id),
            AlertTarget::Entry(id) => ("entry_alert", id),
        };
        self.write(|tx| {
            let current = tx
                .query_row(
                    &format!("SELECT state, rung, rung_since, reminders FROM {table} WHERE id = ?1"),
                    [id],
                    |r| {
                        Ok(Escalation {
                            state: row_label(r, 0, EventState::parse)?,
                            rung: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                            rung_since: row_time(r, 2)?,
                            reminders: r.get(3)?,
                        })
                    },
                )
                .optional()?
                .ok_or(StoreError::NotFound(id))?;
            if current != *before {
                return Ok(false);
            }
            tx.execute(
                &format!("UPDATE {table} SET state = ?1, rung = ?2, rung_since = ?3, reminders = ?4 WHERE id = ?5"),
                params![
                    esc.state.label(),
                    i64::try_from(esc.rung).unwrap_or(0),
                    time_to_sql(esc.rung_since),
                    esc.reminders,
                    id
                ],
            )?;
            match target {
                AlertTarget::Event(id) => insert_timeline(tx, id, lines)?,
                AlertTarget::Entry(id) => insert_entry_alert_timeline(tx, id, lines)?,
            }
            Ok(true)
        })
    }

    /// Alerts raised by log entries that still wait for someone to acknowledge them, oldest first.
    /// Once acknowledged an alert has nothing left to do (nothing ends it later), so the app must
    /// not be handed it: it would hold, and tick every second, every alert ever raised.
    pub fn open_entry_alerts(&self) -> Result<Vec<EntryAlert>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.entry_id, a.state, a.rung, a.rung_since, a.reminders, a.created_at, \
             l.triage, l.kind, l.unit, l.person, l.content \
             FROM entry_alert a JOIN log_entry l ON l.id = a.entry_id WHERE a.state = ?1 ORDER BY a.id",
        )?;
        let rows = stmt.query_map([EventState::New.label()], |r| {
            let who: Vec<String> = [r.get::<_, String>(9)?, r.get::<_, String>(10)?]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let content: String = r.get(11)?;
            Ok(EntryAlert {
                id: r.get(0)?,
                entry_id: r.get(1)?,
                title: format!(
                    "{} {} {}：{}",
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    who.join(" "),
                    content.lines().next().unwrap_or("")
                ),
                escalation: Escalation {
                    state: row_label(r, 2, EventState::parse)?,
                    rung: usize::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    rung_since: row_time(r, 4)?,
                    reminders: r.get(5)?,
                },
                created_at: row_time(r, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The timeline of the alert raised by a log entry, if it has one.
    pub fn entry_alert_timeline(&self, entry_id: i64) -> Result<Vec<TimelineLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.at, t.who, t.text FROM entry_alert_timeline t JOIN entry_alert a ON a.id = t.alert_id \
             WHERE a.entry_id = ?1 ORDER BY t.at, t.id",
        )?;
        Ok(stmt
            .query_map([entry_id], |r| {
                Ok(TimelineLine {
                    at: row_time(r, 0)?,
                    who: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records a report; 续报 are numbered per channel (续报一, 续报二 …). Returns the name given
    /// (初报 / 续报N / 终报). The report and its timeline line are one transaction.
    pub fn add_report(&mut self, event_id: EventId, kind: ReportType, r: &Report) -> Result<String> {
        self.write(|tx| {
            let state: String = tx
                .query_row("SELECT state FROM urgent_event WHERE id = ?1", [event_id], |row| {
                    row.get(0)
                })
                .optional()?
                .ok_or(StoreError::NotFound(event_id))?;
            if state == EventState::Closed.label() {
                return Err(StoreError::Refused(format!("第 {event_id} 号事件已结束，不能再记报告")));
            }
            let followups: u32 = tx.query_row(
                "SELECT count(*) FROM urgent_report WHERE event_id = ?1 AND channel = ?2 AND kind LIKE '续报%'",
                params![event_id, r.channel.label()],
                |row| row.get(0),
            )?;
            let (seq, name) = match kind {
                ReportType::Initial => (0, "初报".to_string()),
                ReportType::FollowUp => (followups + 1, format!("续报{}", chinese_number(followups + 1))),
                ReportType::Final => (u32::MAX, "终报".to_string()),
            };
            tx.execute(
                "INSERT INTO urgent_report (event_id, seq, kind, channel, recipient, sent_at, signed_by, content, \
                 recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    event_id,
                    seq,
                    name,
                    r.channel.label(),
                    r.recipient,
                    time_to_sql(r.sent_at),
                    r.signed_by,
                    r.content,
                    r.recorded_by,
                    time_to_sql(r.recorded_at),
                ],
            )?;
            let text = format!(
                "{}{}已报{}（签发：{}）",
                r.channel.label(),
                name,
                r.recipient,
                r.signed_by
            );
            insert_timeline(
                tx,
                event_id,
                &[TimelineLine {
                    at: r.sent_at,
                    who: r.recorded_by.clone(),
                    text,
                }],
            )?;
            Ok(name)
        })
    }

    /// An event's reports, in the order recorded.
    pub fn reports(&self, event_id: EventId) -> Result<Vec<Report>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, channel, recipient, sent_at, signed_by, content, recorded_by, recorded_at \
             FROM urgent_report WHERE event_id = ?1 ORDER BY id",
        )?;
        Ok(stmt
            .query_map([event_id], |r| {
                Ok(Report {
                    kind: r.get(0)?,
                    channel: row_label(r, 1, Channel::parse)?,
                    recipient: r.get(2)?,
                    sent_at: row_time(r, 3)?,
                    signed_by: r.get(4)?,
                    content: r.get(5)?,
                    recorded_by: r.get(6)?,
                    recorded_at: row_time(r, 7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Appends one line to an event's timeline (follow-up reminders, call outcomes).
    pub fn append_timeline(&mut self, event_id: EventId, line: &TimelineLine) -> Result<()> {
        self.write(|tx| insert_timeline(tx, event_id, std::slice::from_ref(line)))
    }

    /// An event's timeline, oldest first.
    pub fn timeline(&self, id: EventId) -> Result<Vec<TimelineLine>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, who, text FROM urgent_timeline WHERE event_id = ?1 ORDER BY at, id")?;
        Ok(stmt
            .query_map([id], |r| {
                Ok(TimelineLine {
                    at: row_time(r, 0)?,
                    who: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
