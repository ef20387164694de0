-- 0002: urgent events (突发事件), their report chain and their timeline.
-- The deadline rule in force is copied onto the event (rule_* columns) and never changes, so a
-- later config edit never rewrites an event's deadlines.

CREATE TABLE urgent_event (
    id                   INTEGER PRIMARY KEY,
    category             TEXT NOT NULL,
    level                TEXT NOT NULL,
    occurred_at          TEXT NOT NULL,          -- 事发时间
    received_at          TEXT NOT NULL,          -- 接报时间
    place                TEXT NOT NULL DEFAULT '',
    source               TEXT NOT NULL DEFAULT '',
    summary              TEXT NOT NULL,
    deaths               INTEGER,                -- NULL: 待核实
    missing              INTEGER,
    injured              INTEGER,
    measures             TEXT NOT NULL DEFAULT '',
    trend                TEXT NOT NULL DEFAULT '',
    requests             TEXT NOT NULL DEFAULT '',
    contact              TEXT NOT NULL DEFAULT '',
    log_entry_id         INTEGER REFERENCES log_entry (id),
    rule_recipient       TEXT NOT NULL,
    rule_phone_minutes   INTEGER NOT NULL,
    rule_written_minutes INTEGER NOT NULL,
    rule_clock           TEXT NOT NULL,
    rule_source          TEXT NOT NULL,
    phone_due_at         TEXT NOT NULL,
    written_due_at       TEXT NOT NULL,
    state                TEXT NOT NULL,
    rung                 INTEGER NOT NULL,
    rung_since           TEXT NOT NULL,
    reminders            INTEGER NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL
);
CREATE INDEX urgent_event_by_state ON urgent_event (state, id);

CREATE TABLE urgent_report (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES urgent_event (id),
    seq         INTEGER NOT NULL,                -- 0 初报, 1.. 续报, then 终报
    kind        TEXT NOT NULL,                   -- 初报 / 续报 / 终报
    channel     TEXT NOT NULL,                   -- 电话 / 书面
    recipient   TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    signed_by   TEXT NOT NULL,                   -- 签发
    content     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX urgent_report_by_event ON urgent_report (event_id, id);

CREATE TABLE urgent_timeline (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES urgent_event (id),
    at       TEXT NOT NULL,
    who      TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX urgent_timeline_by_event ON urgent_timeline (event_id, id);

CREATE TRIGGER urgent_event_no_delete BEFORE DELETE ON urgent_event
BEGIN SELECT RAISE(ABORT, 'zhiban: urgent events are never deleted'); END;
CREATE TRIGGER urgent_event_rule_fixed BEFORE UPDATE OF
    rule_recipient, rule_phone_minutes, rule_written_minutes, rule_clock, rule_source,
    phone_due_at, written_due_at, created_by, created_at, received_at ON urgent_event
BEGIN SELECT RAISE(ABORT, 'zhiban: an event''s deadline rule and creation never change'); END;
CREATE TRIGGER urgent_report_no_update BEFORE UPDATE ON urgent_report
BEGIN SELECT RAISE(ABORT, 'zhiban: reports never change'); END;
CREATE TRIGGER urgent_report_no_delete BEFORE DELETE ON urgent_report
BEGIN SELECT RAISE(ABORT, 'zhiban: reports are never deleted'); END;
CREATE TRIGGER urgent_timeline_no_update BEFORE UPDATE ON urgent_timeline
BEGIN SELECT RAISE(ABORT, 'zhiban: the timeline never changes'); END;
CREATE TRIGGER urgent_timeline_no_delete BEFORE DELETE ON urgent_timeline
BEGIN SELECT RAISE(ABORT, 'zhiban: the timeline is never deleted'); END;
