-- 0021: the leader's instruction cycle (issue 17, items 1-5): 境外 on an entry, 批示 recorded with
-- how it was given (on an entry or an urgent event), 交办 and their 反馈, how an item left the
-- office's hands, and 电话通知 with their recipients and calls. Every table here only grows: a
-- wrong row is followed by a right one, both kept (triggers refuse UPDATE and DELETE). No column is
-- added to an existing table: the audit digest of every row already written covers its columns.

-- 境外: the item came from an organisation or person abroad, so it is always 请示 (002:1474).
CREATE TABLE entry_abroad (
    entry_id    INTEGER PRIMARY KEY REFERENCES log_entry (id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- 批示, verbatim: the leader (a configured leader, or any name and post typed), how given, when.
-- `log_instruction` (0001) keeps the instructions recorded before this table; they have no 方式.
CREATE TABLE instruction (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER REFERENCES log_entry (id),
    event_id    INTEGER REFERENCES urgent_event (id),
    leader      TEXT NOT NULL CHECK (length(trim(leader)) > 0),
    via         TEXT NOT NULL CHECK (via = '电话' OR via = '当面' OR via = '书面' OR via = '短信'),
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
    given_at    TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((entry_id IS NULL) <> (event_id IS NULL))
);
CREATE INDEX instruction_by_entry ON instruction (entry_id, id) WHERE entry_id IS NOT NULL;
CREATE INDEX instruction_by_event ON instruction (event_id, id) WHERE event_id IS NOT NULL;

-- 交办: one row per unit or person the work is handed to, with its 时限 and 要求; from a 批示 or
-- directly on the item.
CREATE TABLE task (
    id             INTEGER PRIMARY KEY,
    entry_id       INTEGER REFERENCES log_entry (id),
    event_id       INTEGER REFERENCES urgent_event (id),
    instruction_id INTEGER REFERENCES instruction (id),
    assignee       TEXT NOT NULL CHECK (length(trim(assignee)) > 0),
    requirement    TEXT NOT NULL DEFAULT '',
    due            TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    CHECK ((entry_id IS NULL) <> (event_id IS NULL))
);
CREATE INDEX task_by_entry ON task (entry_id, id) WHERE entry_id IS NOT NULL;
CREATE INDEX task_by_event ON task (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX task_by_due ON task (due, id);

-- 反馈 on a 交办: what was reported back, by whom, when; `closes` = the task is done (办结).
CREATE TABLE task_feedback (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES task (id),
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
    given_by    TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    closes      INTEGER NOT NULL CHECK (closes = 0 OR closes = 1),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX task_feedback_by_task ON task_feedback (task_id, id);

-- How an entry left the office's hands (000:216): 办结, 说明 (what was said), 请示 (a leader was
-- reached), 移送 (to whom). Written with the amendment that sets 已办结, in one transaction; the
-- newest one is in force (an item reopened and closed again has two).
CREATE TABLE entry_closing (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES log_entry (id),
    kind        TEXT NOT NULL CHECK (kind = '办结' OR kind = '说明' OR kind = '请示' OR kind = '移送'),
    detail      TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX entry_closing_by_entry ON entry_closing (entry_id, id);

-- 电话通知: one notice, many recipients, each called until reached.
CREATE TABLE notice (
    id           INTEGER PRIMARY KEY,
    content      TEXT NOT NULL CHECK (length(trim(content)) > 0),
    meeting_at   TEXT,
    place        TEXT NOT NULL DEFAULT '',
    reply_needed INTEGER NOT NULL CHECK (reply_needed = 0 OR reply_needed = 1),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE TABLE notice_recipient (
    id        INTEGER PRIMARY KEY,
    notice_id INTEGER NOT NULL REFERENCES notice (id),
    name      TEXT NOT NULL CHECK (length(trim(name)) > 0),
    added_by  TEXT NOT NULL
);
CREATE INDEX notice_recipient_by_notice ON notice_recipient (notice_id, id);
CREATE TABLE notice_call (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES notice_recipient (id),
    outcome      TEXT NOT NULL CHECK (outcome = '已通知' OR outcome = '未接通'),
    taker        TEXT NOT NULL DEFAULT '',
    read_back    INTEGER NOT NULL CHECK (read_back = 0 OR read_back = 1),
    at           TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX notice_call_by_recipient ON notice_call (recipient_id, id);
-- Written in the transaction of the call that reached the last recipient: the open notices are
-- those without one, found without reading every call of ten years.
CREATE TABLE notice_done (
    notice_id   INTEGER PRIMARY KEY REFERENCES notice (id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
-- The same for a 交办: written with the 反馈 that closes it.
CREATE TABLE task_done (
    task_id     INTEGER PRIMARY KEY REFERENCES task (id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TRIGGER entry_abroad_no_update BEFORE UPDATE ON entry_abroad
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_abroad rows never change'); END;
CREATE TRIGGER entry_abroad_no_delete BEFORE DELETE ON entry_abroad
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_abroad rows are never deleted'); END;
CREATE TRIGGER instruction_no_update BEFORE UPDATE ON instruction
BEGIN SELECT RAISE(ABORT, 'zhiban: instruction rows never change'); END;
CREATE TRIGGER instruction_no_delete BEFORE DELETE ON instruction
BEGIN SELECT RAISE(ABORT, 'zhiban: instruction rows are never deleted'); END;
CREATE TRIGGER task_no_update BEFORE UPDATE ON task
BEGIN SELECT RAISE(ABORT, 'zhiban: task rows never change'); END;
CREATE TRIGGER task_no_delete BEFORE DELETE ON task
BEGIN SELECT RAISE(ABORT, 'zhiban: task rows are never deleted'); END;
CREATE TRIGGER task_feedback_no_update BEFORE UPDATE ON task_feedback
BEGIN SELECT RAISE(ABORT, 'zhiban: task_feedback rows never change'); END;
CREATE TRIGGER task_feedback_no_delete BEFORE DELETE ON task_feedback
BEGIN SELECT RAISE(ABORT, 'zhiban: task_feedback rows are never deleted'); END;
CREATE TRIGGER entry_closing_no_update BEFORE UPDATE ON entry_closing
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_closing rows never change'); END;
CREATE TRIGGER entry_closing_no_delete BEFORE DELETE ON entry_closing
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_closing rows are never deleted'); END;
CREATE TRIGGER notice_no_update BEFORE UPDATE ON notice
BEGIN SELECT RAISE(ABORT, 'zhiban: notice rows never change'); END;
CREATE TRIGGER notice_no_delete BEFORE DELETE ON notice
BEGIN SELECT RAISE(ABORT, 'zhiban: notice rows are never deleted'); END;
CREATE TRIGGER notice_recipient_no_update BEFORE UPDATE ON notice_recipient
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_recipient rows never change'); END;
CREATE TRIGGER notice_recipient_no_delete BEFORE DELETE ON notice_recipient
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_recipient rows are never deleted'); END;
CREATE TRIGGER notice_call_no_update BEFORE UPDATE ON notice_call
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_call rows never change'); END;
CREATE TRIGGER notice_call_no_delete BEFORE DELETE ON notice_call
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_call rows are never deleted'); END;
CREATE TRIGGER notice_done_no_update BEFORE UPDATE ON notice_done
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_done rows never change'); END;
CREATE TRIGGER notice_done_no_delete BEFORE DELETE ON notice_done
BEGIN SELECT RAISE(ABORT, 'zhiban: notice_done rows are never deleted'); END;
CREATE TRIGGER task_done_no_update BEFORE UPDATE ON task_done
BEGIN SELECT RAISE(ABORT, 'zhiban: task_done rows never change'); END;
CREATE TRIGGER task_done_no_delete BEFORE DELETE ON task_done
BEGIN SELECT RAISE(ABORT, 'zhiban: task_done rows are never deleted'); END;
