//! SQL for 交接班: gathering what is open, signing (one transaction, PINs included), reading
//! signed handovers back. The tables refuse UPDATE and DELETE (migration 0005).

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::handover::{
    Check, Draft, Handover, HandoverId, HandoverSummary, Item, ItemKind, OpenEntry, OpenState, Previous, VisitorInside,
};
use crate::core::log::{EntryKind, Status, Triage};

/// A PIN to store with the signatures: the person's first signature sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPin {
    pub name: String,
    pub hash: String,
}

impl Store {
    /// Everything still open at `now`, and this shift's record counts since `shift_start` (or,
    /// when `None`, since the last signed handover).
    pub fn open_state(&self, now: NaiveDateTime) -> Result<OpenState> {
        let previous = self.last_handover()?;
        let since = previous.as_ref().map(|p| p.signed_at);
        let entries = self.open_entries()?;
        let events = self.open_events()?;
        let visitors: Vec<VisitorInside> = self
            .visits_inside(now)?
            .into_iter()
            .map(|v| VisitorInside {
                id: v.id,
                name: if v.fields.people_count > 1 {
                    format!("{} 等 {} 人", v.fields.name, v.fields.people_count)
                } else {
                    v.fields.name
                },
                host: v.fields.host,
                entered_at: v.fields.entered_at,
            })
            .collect();
        // "Carried since handover N" for what is open now only: one index lookup per item, not
        // every item ever handed over (hundreds of thousands after ten years).
        let mut first_handed = std::collections::BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT min(handover_id) FROM handover_item WHERE kind = ?1 AND ref_id = ?2")?;
            let wanted = visitors
                .iter()
                .map(|v| (ItemKind::Visitor, v.id))
                .chain(events.iter().map(|e| (ItemKind::Event, e.id)))
                .chain(
                    entries
                        .iter()
                        .flat_map(|e| [(ItemKind::Entry, e.id), (ItemKind::Instruction, e.id)]),
                );
            for (kind, id) in wanted {
                let first: Option<HandoverId> = stmt.query_row(params![kind.label(), id], |r| r.get(0))?;
                if let Some(first) = first {
                    first_handed.insert((kind.label().to_string(), id), first);
                }
            }
        }
        let mut shift_counts = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT kind, count(*) FROM log_entry WHERE occurred_at >= ?1 AND occurred_at <= ?2 GROUP BY kind",
            )?;
            // The first handover ever has no previous signature: count the last day, not the
            // whole log (ten years of entries took 0.4 s).
            let from = time_to_sql(since.unwrap_or(now - chrono::Duration::days(1)));
            let rows = stmt.query_map(params![from, time_to_sql(now)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
            })?;
            for row in rows {
                shift_counts.push(row?);
            }
        }
        // In the order of the kinds on the form, not alphabetical.
        shift_counts.sort_by_key(|(k, _)| EntryKind::ALL.iter().position(|x| x.label() == k));
        Ok(OpenState {
            entries,
            events,
            visitors,
            first_handed,
            previous,
            shift_counts,
            follow_ups: self.follow_ups()?,
        })
    }

    /// Log entries not 已办结, with their newest 领导批示 when nothing was amended after it.
    fn open_entries(&self) -> Result<Vec<OpenEntry>> {
        let mut stmt = self.conn.prepare_cached(
            // The newest 批示 (since 0021 in `instruction`, before in `log_instruction`) is pending
            // while nothing was amended or handed out (交办) after it.
            "SELECT e.id, e.occurred_at, e.kind, e.unit, e.person, e.content, e.triage, e.status, \
                    coalesce(n.leader, i.leader), coalesce(n.text, i.text), coalesce(n.given_at, i.given_at), \
                    (SELECT count(*) FROM log_amendment a WHERE a.entry_id = e.id \
                        AND a.amended_at > coalesce(n.recorded_at, i.recorded_at)) \
                    + (SELECT count(*) FROM task t WHERE t.entry_id = e.id \
                        AND t.recorded_at >= coalesce(n.recorded_at, i.recorded_at)), \
                    EXISTS (SELECT 1 FROM leader_request r WHERE r.entry_id = e.id AND r.reached = 1) \
             FROM log_entry e \
             LEFT JOIN instruction n ON n.id = \
                  (SELECT max(id) FROM instruction WHERE entry_id = e.id) \
             LEFT JOIN log_instruction i ON n.id IS NULL AND i.id = \
                  (SELECT max(id) FROM log_instruction WHERE entry_id = e.id) \
             WHERE e.status <> '已办结' ORDER BY e.occurred_at, e.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let leader: Option<String> = r.get(8)?;
            let acted_after: i64 = r.get(11)?;
            let pending_instruction = match leader {
                Some(leader) if acted_after == 0 => Some((leader, r.get(9)?, row_time(r, 10)?)),
                _ => None,
            };
            Ok(OpenEntry {
                id: r.get(0)?,
                occurred_at: row_time(r, 1)?,
                kind: row_label(r, 2, EntryKind::parse)?,
                unit: r.get(3)?,
                person: r.get(4)?,
                content: r.get(5)?,
                triage: row_label(r, 6, Triage::parse)?,
                status: row_label(r, 7, Status::parse)?,
                pending_instruction,
                asked: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn last_handover(&self) -> Result<Option<Previous>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, signed_at, incoming, handed_items FROM handover ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Previous {
                        id: r.get(0)?,
                        signed_at: row_time(r, 1)?,
                        incoming: r.get(2)?,
                        handed_items: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// The stored PIN hash of a person, if they have signed before.
    pub fn pin_hash(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM person_pin WHERE name = ?1", [name], |r| r.get(0))
            .optional()?)
    }

    /// Clears a person's PIN (a leader's reset; the audit chain records the deletion). Returns
    /// whether there was one.
    pub fn clear_pin(&mut self, name: &str) -> Result<bool> {
        self.write(|tx| {
            Ok(tx
                .prepare_cached("DELETE FROM person_pin WHERE name = ?1")?
                .execute([name])?
                > 0)
        })
    }

    /// Sets a person's PIN the first time they need one (a second first-time insert fails).
    pub fn set_pin(&mut self, name: &str, hash: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO person_pin (name, hash, set_at) VALUES (?1, ?2, ?3)")?
                .execute(params![name, hash, time_to_sql(now)])?;
            Ok(())
        })
    }

    /// Signs the draft: the handover, every item and any first-time PINs in one transaction.
    /// Every item must have been checked; the core's `sign_blockers` says so earlier, this is
    /// the last line of defence.
    pub fn sign_handover(&mut self, d: &Draft, pins: &[NewPin], now: NaiveDateTime) -> Result<HandoverId> {
        if d.items.iter().any(|i| i.check == Check::Pending) {
            return Err(StoreError::Refused("还有未经接班人确认的移交事项".into()));
        }
        self.write(|tx| {
            // The chain's head as it stood before this transaction (its own audit rows are
            // appended at commit): sealed into the handover and printed on its paper form.
            let head = super::audit::head(tx)?;
            for p in pins {
                // OR IGNORE would hide a race; a second first-signature must fail loudly.
                tx.prepare_cached("INSERT INTO person_pin (name, hash, set_at) VALUES (?1, ?2, ?3)")?
                    .execute(params![p.name, p.hash, time_to_sql(now)])?;
            }
            tx.prepare_cached(
                "INSERT INTO handover (outgoing, incoming, shift_start, built_at, signed_at, summary, handed_items, \
                 records, item_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                d.outgoing,
                d.incoming,
                time_to_sql(d.shift_start),
                time_to_sql(d.built_at),
                time_to_sql(now),
                d.summary,
                d.handed_items,
                d.records,
                i64::try_from(d.items.len()).unwrap_or(i64::MAX)
            ])?;
            let id = tx.last_insert_rowid();
            if let Some((row, hash)) = &head {
                tx.prepare_cached("INSERT INTO handover_seal (handover_id, audit_id, audit_hash) VALUES (?1, ?2, ?3)")?
                    .execute(params![id, row, hash])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT INTO handover_item (handover_id, seq, kind, ref_id, title, detail, must_carry, first_handed, \
                 check_state, question) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for (seq, item) in d.items.iter().enumerate() {
                let (state, question) = match &item.check {
                    Check::Question(q) => ("有疑问", q.as_str()),
                    _ => ("已确认", ""),
                };
                stmt.execute(params![
                    id,
                    i64::try_from(seq).unwrap_or(i64::MAX),
                    item.kind.label(),
                    item.ref_id,
                    item.title,
                    item.detail,
                    item.must_carry,
                    item.first_handed,
                    state,
                    question
                ])?;
            }
            Ok(id)
        })
    }

    /// Signed handovers, newest first.
    pub fn handovers(&self, limit: usize) -> Result<Vec<HandoverSummary>> {
        self.handovers_before(None, limit)
    }

    /// A page of signed handovers, newest first, older than `before` when given: read by key
    /// (the primary key, newest first), so the first page costs the same at ten years as in the
    /// first week and each row's questions are counted for that page only.
    pub fn handovers_before(&self, before: Option<HandoverId>, limit: usize) -> Result<Vec<HandoverSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, h.outgoing, h.incoming, h.shift_start, h.signed_at, h.item_count, \
                    (SELECT count(*) FROM handover_item i WHERE i.handover_id = h.id AND i.check_state = '有疑问') \
             FROM handover h WHERE h.id < ?2 ORDER BY h.id DESC LIMIT ?1",
        )?;
        let before = before.unwrap_or(HandoverId::MAX);
        let rows = stmt.query_map(
            rusqlite::params![i64::try_from(limit).unwrap_or(i64::MAX), before],
            |r| {
                Ok(HandoverSummary {
                    id: r.get(0)?,
                    outgoing: r.get(1)?,
                    incoming: r.get(2)?,
                    shift_start: row_time(r, 3)?,
                    signed_at: row_time(r, 4)?,
                    items: r.get(5)?,
                    questions: r.get(6)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One signed handover with its items.
    pub fn handover(&self, id: HandoverId) -> Result<Handover> {
        let (mut draft, signed_at) = self
            .conn
            .query_row(
                "SELECT outgoing, incoming, shift_start, built_at, signed_at, summary, handed_items, records \
                 FROM handover WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        Draft {
                            outgoing: r.get(0)?,
                            incoming: r.get(1)?,
                            shift_start: row_time(r, 2)?,
                            built_at: row_time(r, 3)?,
                            summary: r.get(5)?,
                            handed_items: r.get(6)?,
                            records: r.get(7)?,
                            items: Vec::new(),
                        },
                        row_time(r, 4)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, ref_id, title, detail, must_carry, first_handed, check_state, question \
             FROM handover_item WHERE handover_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([id], |r| {
            let state: String = r.get(6)?;
            Ok(Item {
                kind: row_label(r, 0, ItemKind::parse)?,
                ref_id: r.get(1)?,
                title: r.get(2)?,
                detail: r.get(3)?,
                must_carry: r.get(4)?,
                first_handed: r.get(5)?,
                check: if state == "有疑问" {
                    Check::Question(r.get(7)?)
                } else {
                    Check::Confirmed
                },
                grouped: false,
            })
        })?;
        draft.items = rows.collect::<rusqlite::Result<_>>()?;
        let seal = self
            .conn
            .prepare_cached("SELECT audit_id, audit_hash FROM handover_seal WHERE handover_id = ?1")?
            .query_row([id], |r| {
                Ok((r.get::<_, i64>(0)?, super::audit::hash_hex(r.get_ref(1)?)))
            })
            .optional()?
            .map(|(row, hash)| crate::core::anchor::Anchor::new(row, &hash));
        Ok(Handover {
            id,
            draft,
            signed_at,
            seal,
        })
    }
}
