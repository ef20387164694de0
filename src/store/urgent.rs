//! SQL for urgent events: create (with the rule copied on), the open ones, escalation state and
//! timeline, reports.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, Store, StoreError, row_label, row_opt_time, row_time, time_to_sql};
use crate::core::escalation::{Escalation, EventState};
use crate::core::urgent::clock::{self, ClockSetting, RecipientClock};
use crate::core::urgent::facts::{self, FactChange, FactField, Facts};
use crate::core::urgent::{
    AddedRecipient, AlertTarget, Channel, ClockFrom, DeadlineRule, EntryAlert, Event, EventId, Level, NewEvent, Report,
    ReportType, TimelineLine, report_name,
};

pub(super) const EVENT_COLUMNS: &str = "e.id, e.category, e.level, e.occurred_at, e.received_at, e.place, e.source, e.summary, \
     e.deaths, e.missing, e.injured, e.measures, e.trend, e.requests, e.contact, e.log_entry_id, \
     e.rule_recipient, e.rule_phone_minutes, e.rule_written_minutes, e.rule_clock, e.rule_source, \
     e.state, e.rung, e.rung_since, e.reminders, e.created_by, e.created_at, \
     e.phone_due_at, e.written_due_at, \
     (SELECT min(sent_at) FROM urgent_report r WHERE r.event_id = e.id AND r.kind = '终报'), \
     (SELECT count(*) FROM urgent_report r WHERE r.event_id = e.id)";

/// An event as its row has it: the clock on the row (the only one of an event recorded before
/// migration 0015; [`complete`] replaces it with the event's clock settings), the first facts.
pub(super) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let created_at = row_time(row, 26)?;
    let legacy = ClockSetting {
        recipient: row.get(16)?,
        phone_minutes: row.get(17)?,
        written_minutes: Some(row.get(18)?),
        clock: row_label(row, 19, ClockFrom::parse)?,
        source: row.get(20)?,
        phone_due: row_time(row, 27)?,
        written_due: Some(row_time(row, 28)?),
        set_at: created_at,
        why: "建立".into(),
    };
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
        clocks: vec![legacy.clone()],
        created_by: row.get(25)?,
        created_at,
    };
    Ok(Event {
        id: row.get(0)?,
        escalation: Escalation {
            state: row_label(row, 21, EventState::parse)?,
            rung: usize::try_from(row.get::<_, i64>(22)?).unwrap_or(0),
            rung_since: row_time(row, 23)?,
            reminders: row.get(24)?,
        },
        facts: Facts::first(&record),
        changes: Vec::new(),
        clocks: vec![RecipientClock {
            setting: legacy,
            phone_sent: None,
            written_sent: None,
        }],
        record,
        final_sent: row_opt_time(row, 29)?,
        reports: row.get(30)?,
    })
}

/// The clock settings of an event, oldest first (empty for an event from before migration 0015).
fn clock_settings(conn: &Connection, id: EventId) -> Result<Vec<ClockSetting>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, phone_minutes, written_minutes, clock, source, phone_due_at, written_due_at, set_at, why \
         FROM urgent_clock WHERE event_id = ?1 ORDER BY id",
    )?;
    Ok(stmt
        .query_map([id], |r| {
            Ok(ClockSetting {
                recipient: r.get(0)?,
                phone_minutes: r.get(1)?,
                written_minutes: r.get(2)?,
                clock: row_label(r, 3, ClockFrom::parse)?,
                source: r.get(4)?,
                phone_due: row_time(r, 5)?,
                written_due: row_opt_time(r, 6)?,
                set_at: row_time(r, 7)?,
                why: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// An event's fact amendments, oldest first.
fn fact_changes(conn: &Connection, id: EventId) -> Result<Vec<FactChange>> {
    let mut stmt =
        conn.prepare_cached("SELECT field, old, new, reason, by, at FROM urgent_fact WHERE event_id = ?1 ORDER BY id")?;
    Ok(stmt
        .query_map([id], |r| {
            Ok(FactChange {
                field: row_label(r, 0, FactField::parse)?,
                old: r.get(1)?,
                new: r.get(2)?,
                reason: r.get(3)?,
                by: r.get(4)?,
                at: row_time(r, 5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Fills in what the row does not hold: the clocks in force with the first report to each
/// recipient on each channel, and the facts as amended.
pub(super) fn complete(conn: &Connection, mut e: Event) -> Result<Event> {
    let settings = clock_settings(conn, e.id)?;
    if !settings.is_empty() {
        e.record.clocks.clone_from(&settings);
    }
    let in_force = if settings.is_empty() {
        e.record.clocks.clone()
    } else {
        clock::in_force(&settings)
    };
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, channel, min(sent_at) FROM urgent_report WHERE event_id = ?1 GROUP BY recipient, channel",
    )?;
    let firsts: Vec<(String, Channel, NaiveDateTime)> = stmt
        .query_map([e.id], |r| {
            Ok((r.get(0)?, row_label(r, 1, Channel::parse)?, row_time(r, 2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let first = |who: &str, ch: Channel| firsts.iter().find(|(r, c, _)| r == who && *c == ch).map(|f| f.2);
    e.clocks = in_force
        .into_iter()
        .map(|setting| RecipientClock {
            phone_sent: first(&setting.recipient, Channel::Phone),
            written_sent: first(&setting.recipient, Channel::Written),
            setting,
        })
        .collect();
    e.changes = fact_changes(conn, e.id)?;
    e.facts = Facts::as_of(&e.record, &e.changes, None);
    Ok(e)
}

fn read_event(conn: &Connection, id: EventId) -> Result<Event> {
    let e = conn
        .query_row(
            &format!("SELECT {EVENT_COLUMNS} FROM urgent_event e WHERE e.id = ?1"),
            [id],
            event_from_row,
        )
        .optional()?
        .ok_or(StoreError::NotFound(id))?;
    complete(conn, e)
}

fn insert_clocks(tx: &Connection, event_id: EventId, clocks: &[ClockSetting], by: &str) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO urgent_clock (event_id, recipient, phone_minutes, written_minutes, clock, source, phone_due_at, \
         written_due_at, set_at, why, set_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for c in clocks {
        stmt.execute(params![
            event_id,
            c.recipient,
            c.phone_minutes,
            c.written_minutes,
            c.clock.label(),
            c.source,
            time_to_sql(c.phone_due),
            c.written_due.map(time_to_sql),
            time_to_sql(c.set_at),
            c.why,
            by
        ])?;
    }
    Ok(())
}

fn insert_changes(tx: &Connection, event_id: EventId, changes: &[FactChange], report_id: Option<i64>) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO urgent_fact (event_id, field, old, new, reason, by, at, report_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in changes {
        stmt.execute(params![
            event_id,
            c.field.label(),
            c.old,
            c.new,
            c.reason,
            c.by,
            time_to_sql(c.at),
            report_id
        ])?;
    }
    Ok(())
}

/// An open event, read inside the transaction that is about to change it; a closed one refuses.
fn open_event(tx: &Connection, id: EventId) -> Result<Event> {
    let e = read_event(tx, id)?;
    if e.escalation.state == EventState::Closed {
        return Err(StoreError::Refused(format!("第 {id} 号事件已结束，不能再更改")));
    }
    Ok(e)
}

/// "受伤 5 → 7；待核实 伤亡情况 → 无".
fn changes_line(changes: &[FactChange]) -> String {
    changes.iter().map(facts::change_text).collect::<Vec<_>>().join("；")
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

/// An event's reports, in the order recorded.
pub(super) fn reports_of(conn: &Connection, event_id: EventId) -> Result<Vec<Report>> {
    let mut stmt = conn.prepare_cached(
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

fn insert_timeline(tx: &Connection, event_id: EventId, lines: &[TimelineLine]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT INTO urgent_timeline (event_id, at, who, text) VALUES (?1, ?2, ?3, ?4)")?;
    for l in lines {
        stmt.execute(params![event_id, time_to_sql(l.at), l.who, l.text])?;
    }
    Ok(())
}

impl Store {
    /// Records a new event with its clocks (one per recipient, copied from the rules) and its
    /// first timeline lines.
    pub fn insert_event(&mut self, e: &NewEvent, timeline: &[TimelineLine]) -> Result<EventId> {
        // The row's own rule columns hold the first upward clock (one with a written limit).
        let first = e
            .clocks
            .iter()
            .find(|c| c.written_minutes.is_some())
            .or_else(|| e.clocks.first())
            .ok_or_else(|| StoreError::Refused("事件没有报送对象".into()))?;
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
                    first.recipient,
                    first.phone_minutes,
                    first.written_minutes.unwrap_or(first.phone_minutes),
                    first.clock.label(),
                    first.source,
                    time_to_sql(first.phone_due),
                    time_to_sql(first.written_due.unwrap_or(first.phone_due)),
                    esc.state.label(),
                    i64::try_from(esc.rung).unwrap_or(0),
                    time_to_sql(esc.rung_since),
                    esc.reminders,
                    e.created_by,
                    time_to_sql(e.created_at),
                ],
            )?;
            let id = tx.last_insert_rowid();
            insert_clocks(tx, id, &e.clocks, &e.created_by)?;
            insert_timeline(tx, id, timeline)?;
            Ok(id)
        })
    }

    /// Events not yet 已结束, oldest first (recomputed from the database at every start).
    pub fn open_events(&self) -> Result<Vec<Event>> {
        self.events_where("WHERE e.state != '已结束' ORDER BY e.id", [])
    }

    pub(super) fn events_where(&self, tail: &str, args: impl rusqlite::Params) -> Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM urgent_event e {tail}"))?;
        let rows = stmt
            .query_map(args, event_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|e| complete(&self.conn, e)).collect()
    }

    /// The newest events, for the command line.
    pub fn recent_events(&self, limit: usize) -> Result<Vec<Event>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.events_where("ORDER BY e.id DESC LIMIT ?1", [limit])
    }

    /// Events that have ended (已结束), newest first, received in `[since, until)`, at most
    /// `limit`: the history on the 紧急事项 tab.
    pub fn closed_events(&self, since: NaiveDateTime, until: NaiveDateTime, limit: usize) -> Result<Vec<Event>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.events_where(
            "WHERE e.state = '已结束' AND e.received_at >= ?1 AND e.received_at < ?2 \
             ORDER BY e.received_at DESC, e.id DESC LIMIT ?3",
            params![time_to_sql(since), time_to_sql(until), limit],
        )
    }

    pub fn event(&self, id: EventId) -> Result<Event> {
        read_event(&self.conn, id)
    }

    /// Updates facts of an open event: one amendment row per changed fact and a timeline line,
    /// in one transaction.
    pub fn update_facts(&mut self, event_id: EventId, changes: &[FactChange]) -> Result<()> {
        let Some(first) = changes.first() else {
            return Err(StoreError::Refused("没有改动：先改要更新的事实".into()));
        };
        if changes.iter().any(|c| c.field == FactField::Level) {
            return Err(StoreError::Refused("等级只能通过升级/降级更改".into()));
        }
        self.write(|tx| {
            open_event(tx, event_id)?;
            insert_changes(tx, event_id, changes, None)?;
            let line = TimelineLine {
                at: first.at,
                who: first.by.clone(),
                text: format!("更新事实：{}（理由：{}）", changes_line(changes), first.reason),
            };
            insert_timeline(tx, event_id, &[line])
        })
    }

    /// Re-grades an open event (升级/降级) to `level` with `rules` (the new level's rules, one per
    /// recipient): the level's amendment, the clocks it brings ([`clock::regrade`], worked out
    /// here against the stored clocks and reports) and a timeline line, in one transaction.
    pub fn regrade_event(
        &mut self,
        event_id: EventId,
        level: Level,
        rules: &[DeadlineRule],
        reason: &str,
        by: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            let e = open_event(tx, event_id)?;
            let old = e.facts.level;
            if old == level {
                return Err(StoreError::Refused(format!("事件已是{}级", level.label())));
            }
            let current: Vec<ClockSetting> = e.clocks.iter().map(|c| c.setting.clone()).collect();
            let sent = |who: &str, ch: Channel| {
                e.clock_of(who).is_some_and(|c| match ch {
                    Channel::Phone => c.phone_sent.is_some(),
                    Channel::Written => c.written_sent.is_some(),
                })
            };
            let rules: Vec<&DeadlineRule> = rules.iter().collect();
            let new = clock::regrade(&current, &rules, level, sent, at);
            insert_clocks(tx, event_id, &new, by)?;
            let change = FactChange {
                field: FactField::Level,
                old: old.label().into(),
                new: level.label().into(),
                reason: reason.into(),
                by: by.into(),
                at,
            };
            insert_changes(tx, event_id, std::slice::from_ref(&change), None)?;
            let rank = |l: Level| Level::ALL.iter().position(|x| *x == l);
            let word = if rank(level) < rank(old) { "升级" } else { "降级" };
            let clocks = new
                .iter()
                .map(|c| format!("{} {}", c.recipient, c.limits_text()))
                .collect::<Vec<_>>()
                .join("、");
            let line = TimelineLine {
                at,
                who: by.into(),
                text: format!(
                    "{word}：{} → {}（理由：{reason}）；报送时限：{clocks}",
                    old.label(),
                    level.label()
                ),
            };
            insert_timeline(tx, event_id, &[line])
        })
    }

    /// Adds a recipient to an open event; its clock starts now.
    pub fn add_recipient(
        &mut self,
        event_id: EventId,
        added: &AddedRecipient,
        by: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            let e = open_event(tx, event_id)?;
            if e.clock_of(&added.name).is_some() {
                return Err(StoreError::Refused(format!("“{}”已在报送对象中", added.name)));
            }
            let c = ClockSetting::added(&added.name, added.phone_minutes, added.written_minutes, at);
            insert_clocks(tx, event_id, std::slice::from_ref(&c), by)?;
            let line = TimelineLine {
                at,
                who: by.into(),
                text: format!("追加报送对象：{}（{}，自现在起计时）", c.recipient, c.limits_text()),
            };
            insert_timeline(tx, event_id, &[line])
        })
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

    /// Records a report to one of the event's recipients, with the facts it updates. 续报 are
    /// numbered per recipient and channel ([`report_name`]). Returns the name given (初报 /
    /// 续报N / 终报). The report, its amendments and its timeline line are one transaction.
    pub fn add_report(
        &mut self,
        event_id: EventId,
        kind: ReportType,
        r: &Report,
        changes: &[FactChange],
    ) -> Result<String> {
        self.write(|tx| {
            let e = open_event(tx, event_id)?;
            if e.clock_of(&r.recipient).is_none() {
                let names: Vec<&str> = e.clocks.iter().map(|c| c.setting.recipient.as_str()).collect();
                return Err(StoreError::Refused(format!(
                    "“{}”不是第 {event_id} 号事件的报送对象（有：{}）：先追加报送对象",
                    r.recipient,
                    names.join("、")
                )));
            }
            let earlier = reports_of(tx, event_id)?;
            let name = report_name(kind, &earlier, &r.recipient, r.channel).map_err(StoreError::Refused)?;
            let seq: i64 = match kind {
                ReportType::Initial => 0,
                ReportType::FollowUp => i64::try_from(earlier.len()).unwrap_or(0) + 1,
                ReportType::Final => i64::from(u32::MAX),
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
            let report_id = tx.last_insert_rowid();
            insert_changes(tx, event_id, changes, Some(report_id))?;
            let mut text = format!(
                "{}{}报{}（签发：{}）",
                r.channel.label(),
                name,
                r.recipient,
                r.signed_by
            );
            if !changes.is_empty() {
                text.push_str(&format!("；更新事实：{}", changes_line(changes)));
            }
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
        reports_of(&self.conn, event_id)
    }

    /// Appends one line to an event's timeline (follow-up reminders, call outcomes).
    pub fn append_timeline(&mut self, event_id: EventId, line: &TimelineLine) -> Result<()> {
        self.write(|tx| insert_timeline(tx, event_id, std::slice::from_ref(line)))
    }

    /// Claims the SMS hook's run for `target` reaching `rung`: true for the first to ask (this
    /// terminal sends), false when another terminal, or this one before a restart, did.
    pub fn claim_notify(&mut self, target: AlertTarget, rung: usize, by: &str, now: NaiveDateTime) -> Result<bool> {
        let (table, id) = match target {
            AlertTarget::Event(id) => ("urgent_event", id),
            AlertTarget::Entry(id) => ("entry_alert", id),
        };
        self.write(|tx| {
            let added = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO notify_claim (tbl, row_id, rung, claimed_by, claimed_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    table,
                    id,
                    i64::try_from(rung).unwrap_or(0),
                    by,
                    time_to_sql(now)
                ])?;
            Ok(added == 1)
        })
    }

    /// A line on an urgent event's or an entry alert's timeline (what the SMS hook did).
    pub fn append_alert_line(&mut self, target: AlertTarget, line: &TimelineLine) -> Result<()> {
        self.write(|tx| match target {
            AlertTarget::Event(id) => insert_timeline(tx, id, std::slice::from_ref(line)),
            AlertTarget::Entry(id) => insert_entry_alert_timeline(tx, id, std::slice::from_ref(line)),
        })
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
