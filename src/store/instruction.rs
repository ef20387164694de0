//! The leader's instruction cycle on disk (issue 17): each 请示 attempt on an entry
//! (`leader_request`, migration 0020); 批示 with their 方式, 交办 and 反馈, closings and
//! 电话通知 (migration 0021). The rules of what they mean are in
//! [`crate::core::instruction`]. Rows are never changed or deleted (triggers), and each gets its
//! audit row like every record.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, row_label, row_time, time_to_sql};
use crate::core::instruction::{
    AskItem, CallOutcome, Closing, ClosingRecord, Feedback, FollowUps, ItemRef, LeaderRequest, NewPhoneNotice, NewTask,
    NoticeCall, PhoneNotice, Recipient, Task, Via, check_closing, check_notice,
};
use crate::core::log::{AmendRequest, EntryId, EntryKey, Instruction};

/// The sets of what is still open (`task_open`, `notice_open`, migration 0022): derived from
/// `task_done` / `notice_done`, not audited, checked by `verify` ([`Store::open_set_problems`]).
pub(crate) fn is_open_set(table: &str) -> bool {
    table == "task_open" || table == "notice_open"
}

/// A 批示 names its 方式, its leader and its text.
pub(super) fn check_instruction(i: &Instruction) -> Result<()> {
    if i.via.is_none() {
        return Err(StoreError::Refused("批示须写明方式：电话、当面、书面或短信".into()));
    }
    if i.leader.trim().is_empty() || i.text.trim().is_empty() {
        return Err(StoreError::Refused("批示须写明领导和批示内容".into()));
    }
    Ok(())
}

/// Inserts a checked 批示 inside the caller's transaction; returns its id.
pub(super) fn insert_instruction(tx: &rusqlite::Connection, item: ItemRef, i: &Instruction) -> Result<i64> {
    let (entry, event) = item_columns(item);
    tx.prepare_cached(
        "INSERT INTO instruction (entry_id, event_id, leader, via, text, given_at, recorded_by, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        entry,
        event,
        i.leader.trim(),
        i.via.map(Via::label),
        i.text.trim(),
        time_to_sql(i.given_at),
        i.recorded_by,
        time_to_sql(i.recorded_at)
    ])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Records one attempt to put entry `entry_id` to a leader, reached or not. One committed
    /// transaction with its audit row.
    pub fn add_leader_request(&mut self, entry_id: EntryId, r: &LeaderRequest) -> Result<()> {
        if r.leader.trim().is_empty() {
            return Err(StoreError::Refused("请示须写明领导（姓名或职务）".into()));
        }
        self.write(|tx| {
            check_item(tx, ItemRef::Entry(entry_id))?;
            tx.prepare_cached(
                "INSERT INTO leader_request (entry_id, leader, via, at, reached, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                entry_id,
                r.leader.trim(),
                r.via.label(),
                time_to_sql(r.at),
                r.reached,
                r.recorded_by,
                time_to_sql(r.recorded_at)
            ])?;
            Ok(())
        })
    }

    /// The 请示 attempts on an entry, in the order recorded.
    pub fn leader_requests(&self, entry_id: EntryId) -> Result<Vec<LeaderRequest>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT leader, via, at, reached, recorded_by, recorded_at FROM leader_request \
             WHERE entry_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([entry_id], |r| {
            Ok(LeaderRequest {
                leader: r.get(0)?,
                via: row_label(r, 1, Via::parse)?,
                at: row_time(r, 2)?,
                reached: r.get(3)?,
                recorded_by: r.get(4)?,
                recorded_at: row_time(r, 5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Reading a 交办 row: id, entry, event, 批示, assignee, 要求, 时限, by, at, about.
const TASK_COLUMNS: &str = "t.id, t.entry_id, t.event_id, t.instruction_id, t.assignee, t.requirement, t.due, \
     t.recorded_by, t.recorded_at, \
     coalesce((SELECT e.unit || '：' || substr(e.content, 1, 60) FROM log_entry e WHERE e.id = t.entry_id), \
              (SELECT v.category || '：' || substr(v.summary, 1, 60) FROM urgent_event v WHERE v.id = t.event_id), '')";

/// [`TASK_COLUMNS`] without what the task is about (a read of its record, somewhere in ten years).
const TASK_COLUMNS_BRIEF: &str = "t.id, t.entry_id, t.event_id, t.instruction_id, t.assignee, t.requirement, \
     t.due, t.recorded_by, t.recorded_at, ''";

fn task_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    let entry: Option<i64> = r.get(1)?;
    let event: Option<i64> = r.get(2)?;
    Ok(Task {
        id: r.get(0)?,
        item: entry.map_or_else(|| ItemRef::Event(event.unwrap_or_default()), ItemRef::Entry),
        instruction_id: r.get(3)?,
        assignee: r.get(4)?,
        requirement: r.get(5)?,
        due: row_time(r, 6)?,
        recorded_by: r.get(7)?,
        recorded_at: row_time(r, 8)?,
        feedback: Vec::new(),
        about: r.get(9)?,
    })
}

fn item_columns(item: ItemRef) -> (Option<i64>, Option<i64>) {
    match item {
        ItemRef::Entry(id) => (Some(id), None),
        ItemRef::Event(id) => (None, Some(id)),
    }
}

/// The item exists (an entry, or an event), inside a transaction or not.
fn check_item(conn: &rusqlite::Connection, item: ItemRef) -> Result<()> {
    let (sql, id) = match item {
        ItemRef::Entry(id) => ("SELECT 1 FROM log_entry WHERE id = ?1", id),
        ItemRef::Event(id) => ("SELECT 1 FROM urgent_event WHERE id = ?1", id),
    };
    if conn.prepare_cached(sql)?.exists([id])? {
        Ok(())
    } else {
        Err(StoreError::NotFound(id))
    }
}

impl Store {
    /// Records a 批示 on an entry or an event, verbatim. Returns its id.
    pub fn add_instruction_on(&mut self, item: ItemRef, i: &Instruction) -> Result<i64> {
        check_instruction(i)?;
        self.write(|tx| {
            check_item(tx, item)?;
            insert_instruction(tx, item, i)
        })
    }

    /// The 批示 recorded on an item since migration 0021, in the order recorded.
    pub fn instructions_on(&self, item: ItemRef) -> Result<Vec<Instruction>> {
        let (sql, id) = match item {
            ItemRef::Entry(id) => (
                "SELECT id, via, leader, text, given_at, recorded_by, recorded_at FROM instruction \
                 WHERE entry_id = ?1 ORDER BY id",
                id,
            ),
            ItemRef::Event(id) => (
                "SELECT id, via, leader, text, given_at, recorded_by, recorded_at FROM instruction \
                 WHERE event_id = ?1 ORDER BY id",
                id,
            ),
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], super::log::instruction_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One 批示 by id, with the item it is on.
    pub fn instruction(&self, id: i64) -> Result<(ItemRef, Instruction)> {
        self.conn
            .prepare_cached(
                "SELECT id, via, leader, text, given_at, recorded_by, recorded_at, entry_id, event_id \
                 FROM instruction WHERE id = ?1",
            )?
            .query_row([id], |r| {
                let entry: Option<i64> = r.get(7)?;
                let event: Option<i64> = r.get(8)?;
                let item = entry.map_or_else(|| ItemRef::Event(event.unwrap_or_default()), ItemRef::Entry);
                Ok((item, super::log::instruction_from_row(r)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 号批示")))
    }

    /// Hands the work out (交办): one task per assignee, one transaction. Returns their ids.
    pub fn add_tasks(&mut self, t: &NewTask) -> Result<Vec<i64>> {
        if t.assignees.is_empty() {
            return Err(StoreError::Refused("交办须写明交给谁".into()));
        }
        let (entry, event) = item_columns(t.item);
        self.write(|tx| {
            check_item(tx, t.item)?;
            if let Some(ins) = t.instruction_id {
                let on: Option<(Option<i64>, Option<i64>)> = tx
                    .prepare_cached("SELECT entry_id, event_id FROM instruction WHERE id = ?1")?
                    .query_row([ins], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if on != Some((entry, event)) {
                    return Err(StoreError::Refused(format!("第 {ins} 号批示不在{}上", t.item.label())));
                }
            }
            let mut ids = Vec::new();
            for who in &t.assignees {
                tx.prepare_cached(
                    "INSERT INTO task (entry_id, event_id, instruction_id, assignee, requirement, due, recorded_by, \
                     recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    entry,
                    event,
                    t.instruction_id,
                    who.trim(),
                    t.requirement.trim(),
                    time_to_sql(t.due),
                    t.recorded_by,
                    time_to_sql(t.recorded_at)
                ])?;
                let id = tx.last_insert_rowid();
                tx.prepare_cached("INSERT INTO task_open (task_id) VALUES (?1)")?
                    .execute([id])?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    fn with_feedback(&self, mut tasks: Vec<Task>) -> Result<Vec<Task>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT text, given_by, at, closes, recorded_by, recorded_at FROM task_feedback \
             WHERE task_id = ?1 ORDER BY id",
        )?;
        for t in &mut tasks {
            t.feedback = stmt
                .query_map([t.id], |r| {
                    Ok(Feedback {
                        text: r.get(0)?,
                        given_by: r.get(1)?,
                        at: row_time(r, 2)?,
                        closes: r.get(3)?,
                        recorded_by: r.get(4)?,
                        recorded_at: row_time(r, 5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(tasks)
    }

    /// The 交办 on an item, in the order given, with their 反馈.
    pub fn tasks_on(&self, item: ItemRef) -> Result<Vec<Task>> {
        let (cond, id) = match item {
            ItemRef::Entry(id) => ("t.entry_id = ?1", id),
            ItemRef::Event(id) => ("t.event_id = ?1", id),
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {TASK_COLUMNS} FROM task t WHERE {cond} ORDER BY t.id"))?;
        let tasks = stmt
            .query_map([id], task_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_feedback(tasks)
    }

    /// One 交办 with its 反馈.
    pub fn task(&self, id: i64) -> Result<Task> {
        let t = self
            .conn
            .prepare_cached(&format!("SELECT {TASK_COLUMNS} FROM task t WHERE t.id = ?1"))?
            .query_row([id], task_from_row)
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 号交办")))?;
        Ok(self.with_feedback(vec![t])?.remove(0))
    }

    /// Every 交办 not finished, by 时限 (督办): from the open set, so the cost follows what is
    /// open, not ten years.
    pub fn open_tasks(&self) -> Result<Vec<Task>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TASK_COLUMNS} FROM task_open o JOIN task t ON t.id = o.task_id ORDER BY t.due, t.id"
        ))?;
        let tasks = stmt
            .query_map([], task_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_feedback(tasks)
    }

    /// Records a 反馈 on a task; a closing one finishes it (its `task_done` row, same transaction).
    pub fn add_feedback(&mut self, task_id: i64, f: &Feedback) -> Result<()> {
        let task = self.task(task_id)?;
        crate::core::instruction::check_feedback(&task, f).map_err(StoreError::Refused)?;
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO task_feedback (task_id, text, given_by, at, closes, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                task_id,
                f.text.trim(),
                f.given_by.trim(),
                time_to_sql(f.at),
                f.closes,
                f.recorded_by,
                time_to_sql(f.recorded_at)
            ])?;
            if f.closes {
                tx.prepare_cached("INSERT INTO task_done (task_id, recorded_by, recorded_at) VALUES (?1, ?2, ?3)")?
                    .execute(params![task_id, f.recorded_by, time_to_sql(f.recorded_at)])?;
                tx.prepare_cached("DELETE FROM task_open WHERE task_id = ?1")?
                    .execute([task_id])?;
            }
            Ok(())
        })
    }

    /// How an entry was closed, each time, oldest first.
    pub fn closings(&self, entry_id: EntryId) -> Result<Vec<ClosingRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, detail, recorded_by, recorded_at FROM entry_closing WHERE entry_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([entry_id], |r| {
            let kind: String = r.get(0)?;
            let detail: String = r.get(1)?;
            Ok(ClosingRecord {
                closing: ClosingRecord::closing_from(&kind, &detail).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, kind.clone().into())
                })?,
                recorded_by: r.get(2)?,
                recorded_at: row_time(r, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Closes an entry: its progress amendments (状态 已办结 among them) and how it left the
    /// office's hands, in one transaction. A 请示 closing needs a 请示 that reached a leader.
    pub fn close_entry(&mut self, req: &AmendRequest, closing: &Closing) -> Result<EntryKey> {
        let current = self.entry(req.entry_id)?;
        check_closing(closing, &current.requests).map_err(StoreError::Refused)?;
        self.write(|tx| {
            let key = super::log::apply_amendments(tx, &current.fields, req)?;
            tx.prepare_cached(
                "INSERT INTO entry_closing (entry_id, kind, detail, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                req.entry_id,
                closing.label(),
                closing.detail().trim(),
                req.amended_by,
                time_to_sql(req.amended_at)
            ])?;
            // 移送 hands the item on: a forward like any 转交, so its 签收 is followed too.
            if let Closing::Transferred { to } = closing {
                super::document::insert_forwards(
                    tx,
                    crate::core::document::Forwarded::Entry(req.entry_id),
                    std::slice::from_ref(to),
                    "移送",
                    req.amended_at,
                    &req.amended_by,
                    req.amended_at,
                )?;
            }
            Ok(key)
        })
    }

    /// Saves a 电话通知 and its recipients. Returns its id.
    pub fn add_notice(&mut self, n: &NewPhoneNotice) -> Result<i64> {
        check_notice(n)
            .map_err(|errs| StoreError::Refused(errs.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")))?;
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO notice (content, meeting_at, place, reply_needed, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                n.content.trim(),
                n.meeting_at.map(time_to_sql),
                n.place.trim(),
                n.reply_needed,
                n.recorded_by,
                time_to_sql(n.recorded_at)
            ])?;
            let id = tx.last_insert_rowid();
            tx.prepare_cached("INSERT INTO notice_open (notice_id) VALUES (?1)")?
                .execute([id])?;
            for name in &n.recipients {
                tx.prepare_cached("INSERT INTO notice_recipient (notice_id, name, added_by) VALUES (?1, ?2, ?3)")?
                    .execute(params![id, name.trim(), n.recorded_by])?;
            }
            Ok(id)
        })
    }

    /// One notice with its recipients and their calls.
    pub fn notice(&self, id: i64) -> Result<PhoneNotice> {
        let mut n = self
            .conn
            .prepare_cached(
                "SELECT id, content, meeting_at, place, reply_needed, recorded_by, recorded_at FROM notice WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(PhoneNotice {
                    id: r.get(0)?,
                    content: r.get(1)?,
                    meeting_at: super::row_opt_time(r, 2)?,
                    place: r.get(3)?,
                    reply_needed: r.get(4)?,
                    recorded_by: r.get(5)?,
                    recorded_at: row_time(r, 6)?,
                    recipients: Vec::new(),
                })
            })
            .optional()?
            .ok_or_else(|| StoreError::Refused(format!("没有第 {id} 号通知")))?;
        let mut recipients = self
            .conn
            .prepare_cached("SELECT id, name FROM notice_recipient WHERE notice_id = ?1 ORDER BY id")?
            .query_map([id], |r| {
                Ok(Recipient {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    calls: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT outcome, taker, read_back, at, recorded_by FROM notice_call WHERE recipient_id = ?1 ORDER BY id",
        )?;
        for rec in &mut recipients {
            rec.calls = stmt
                .query_map([rec.id], |r| {
                    Ok(NoticeCall {
                        outcome: row_label(r, 0, CallOutcome::parse)?,
                        taker: r.get(1)?,
                        read_back: r.get(2)?,
                        at: row_time(r, 3)?,
                        recorded_by: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        n.recipients = recipients;
        Ok(n)
    }

    /// Notices not finished (some recipient not reached), oldest first, then the `recent` newest
    /// finished ones, newest first.
    pub fn notices(&self, recent: usize) -> Result<(Vec<PhoneNotice>, Vec<PhoneNotice>)> {
        let open: Vec<i64> = self
            .conn
            .prepare_cached("SELECT notice_id FROM notice_open ORDER BY notice_id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let done: Vec<i64> = self
            .conn
            .prepare_cached("SELECT notice_id FROM notice_done ORDER BY notice_id DESC LIMIT ?1")?
            .query_map([i64::try_from(recent).unwrap_or(i64::MAX)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let read = |ids: Vec<i64>| ids.into_iter().map(|id| self.notice(id)).collect::<Result<Vec<_>>>();
        Ok((read(open)?, read(done)?))
    }

    /// Records one call to a recipient of notice `notice_id`; the call that reaches the last
    /// recipient finishes the notice (`notice_done`, same transaction). Returns whether it is done.
    pub fn add_notice_call(&mut self, notice_id: i64, recipient_id: i64, call: &NoticeCall) -> Result<bool> {
        let notice = self.notice(notice_id)?;
        let Some(rec) = notice.recipients.iter().find(|r| r.id == recipient_id) else {
            return Err(StoreError::Refused(format!("第 {notice_id} 号通知没有这个通知对象")));
        };
        if rec.is_done() {
            return Err(StoreError::Refused(format!("{} 已通知，不再记录", rec.name)));
        }
        let done_now = call.outcome == CallOutcome::Reached
            && notice.recipients.iter().all(|r| r.id == recipient_id || r.is_done());
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO notice_call (recipient_id, outcome, taker, read_back, at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                recipient_id,
                call.outcome.label(),
                call.taker.trim(),
                call.read_back,
                time_to_sql(call.at),
                call.recorded_by,
                time_to_sql(call.at)
            ])?;
            if done_now {
                tx.prepare_cached("INSERT INTO notice_done (notice_id, recorded_by, recorded_at) VALUES (?1, ?2, ?3)")?
                    .execute(params![notice_id, call.recorded_by, time_to_sql(call.at)])?;
                tx.prepare_cached("DELETE FROM notice_open WHERE notice_id = ?1")?
                    .execute([notice_id])?;
            }
            Ok(done_now)
        })
    }

    /// Open entries that need a 请示 (triaged 请示, or 境外, or tried already) with none that
    /// reached a leader: by
    /// the open-entry index (0005), so the cost follows what is open, not ten years.
    pub fn open_asks(&self) -> Result<Vec<AskItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.unit || '：' || substr(e.content, 1, 40), \
                    EXISTS (SELECT 1 FROM entry_abroad a WHERE a.entry_id = e.id), \
                    (SELECT max(r.at) FROM leader_request r WHERE r.entry_id = e.id) \
             FROM log_entry e INDEXED BY log_entry_open \
             WHERE e.status <> '已办结' \
               AND (e.triage = '请示' OR EXISTS (SELECT 1 FROM entry_abroad a WHERE a.entry_id = e.id) \
                    OR EXISTS (SELECT 1 FROM leader_request r WHERE r.entry_id = e.id)) \
               AND NOT EXISTS (SELECT 1 FROM leader_request r WHERE r.entry_id = e.id AND r.reached = 1) \
             ORDER BY e.occurred_at, e.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AskItem {
                entry_id: r.get(0)?,
                about: r.get(1)?,
                abroad: r.get(2)?,
                last_try: super::row_opt_time(r, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything the cycle leaves open, whole: 交办 with what they are about and their 反馈,
    /// notices, 请示 not made (the handover draft).
    pub fn follow_ups(&self) -> Result<FollowUps> {
        let mut f = FollowUps {
            tasks: self.open_tasks()?,
            notices: self.notices(0)?.0,
            asks: self.open_asks()?,
            unsigned: self.open_forwards()?,
            holidays: Vec::new(),
            sends: Vec::new(),
        };
        f.sends = self.sends_of(&f)?;
        Ok(f)
    }

    /// The hook's recorded sends for the open 交办 and the notices' recipients.
    fn sends_of(&self, f: &FollowUps) -> Result<Vec<crate::core::hook::SendLine>> {
        use crate::core::hook::SendKind;
        let tasks: Vec<i64> = f.tasks.iter().map(|t| t.id).collect();
        let recipients: Vec<i64> = f
            .notices
            .iter()
            .flat_map(|n| n.recipients.iter().map(|r| r.id))
            .collect();
        let mut out = self.send_lines(SendKind::OverdueTask, &tasks)?;
        out.extend(self.send_lines(SendKind::NoticeCall, &recipients)?);
        Ok(out)
    }

    /// What the reminders and the status line need, read every 30 seconds and after saves: the
    /// open 交办 without what they are about or their 反馈 (each of those is a read of a record
    /// somewhere in ten years), the open notices, the 请示 not made.
    pub fn follow_ups_brief(&self) -> Result<FollowUps> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TASK_COLUMNS_BRIEF} FROM task_open o JOIN task t ON t.id = o.task_id ORDER BY t.due, t.id"
        ))?;
        let tasks = stmt
            .query_map([], task_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut f = FollowUps {
            tasks,
            notices: self.notices(0)?.0,
            asks: self.open_asks()?,
            unsigned: self.open_forwards()?,
            holidays: Vec::new(),
            sends: Vec::new(),
        };
        f.sends = self.sends_of(&f)?;
        Ok(f)
    }

    /// 交办 given before `t` and not finished by then (the 值班日报's 督办 list), by deadline:
    /// what was known at `t` — a task finished later still counts as open then.
    pub fn tasks_open_at(&self, t: chrono::NaiveDateTime) -> Result<Vec<Task>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TASK_COLUMNS} FROM task t INDEXED BY task_by_due WHERE t.recorded_at < ?1 \
             AND NOT EXISTS (SELECT 1 FROM task_done d WHERE d.task_id = t.id AND d.recorded_at < ?1) \
             ORDER BY t.due, t.id"
        ))?;
        let tasks = stmt
            .query_map([time_to_sql(t)], task_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_feedback(tasks)
    }

    /// Where the open sets disagree with the records (a row removed or added outside the app):
    /// each a sentence for `verify`.
    pub fn open_set_problems(&self) -> Result<Vec<String>> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let mut out = Vec::new();
        let missing = count(
            "SELECT count(*) FROM task t WHERE NOT EXISTS (SELECT 1 FROM task_done d WHERE d.task_id = t.id) \
             AND NOT EXISTS (SELECT 1 FROM task_open o WHERE o.task_id = t.id)",
        )? + count(
            "SELECT count(*) FROM notice n WHERE NOT EXISTS (SELECT 1 FROM notice_done d WHERE d.notice_id = n.id) \
             AND NOT EXISTS (SELECT 1 FROM notice_open o WHERE o.notice_id = n.id)",
        )?;
        if missing > 0 {
            out.push(format!(
                "督办清单缺少 {missing} 项未办结的交办或电话通知：有人在程序之外删除了它们，督办和交班单因此看不到"
            ));
        }
        let extra = count(
            "SELECT count(*) FROM task_open o WHERE NOT EXISTS (SELECT 1 FROM task t WHERE t.id = o.task_id) \
             OR EXISTS (SELECT 1 FROM task_done d WHERE d.task_id = o.task_id)",
        )? + count(
            "SELECT count(*) FROM notice_open o WHERE NOT EXISTS (SELECT 1 FROM notice n WHERE n.id = o.notice_id) \
             OR EXISTS (SELECT 1 FROM notice_done d WHERE d.notice_id = o.notice_id)",
        )?;
        if extra > 0 {
            out.push(format!(
                "督办清单多出 {extra} 项已办结或不存在的交办或电话通知：是在程序之外写入的"
            ));
        }
        Ok(out)
    }
}
