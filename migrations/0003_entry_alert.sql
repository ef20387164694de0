-- 0003: alerts raised by a duty-log entry triaged 急办 or 请示 and marked urgent. They climb the
-- same escalation ladder as urgent events, but carry no reporting clocks.

CREATE TABLE entry_alert (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL UNIQUE REFERENCES log_entry (id),
    state      TEXT NOT NULL,
    rung       INTEGER NOT NULL,
    rung_since TEXT NOT NULL,
    reminders  INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX entry_alert_by_state ON entry_alert (state, id);

CREATE TABLE entry_alert_timeline (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES entry_alert (id),
    at       TEXT NOT NULL,
    who      TEXT NOT NULL,
    text     TEXT NOT NULL
);
CREATE INDEX entry_alert_timeline_by_alert ON entry_alert_timeline (alert_id, id);

CREATE TRIGGER entry_alert_no_delete BEFORE DELETE ON entry_alert
BEGIN SELECT RAISE(ABORT, 'zhiban: alerts are never deleted'); END;
CREATE TRIGGER entry_alert_fixed BEFORE UPDATE OF entry_id, created_by, created_at ON entry_alert
BEGIN SELECT RAISE(ABORT, 'zhiban: an alert''s entry and creation never change'); END;
CREATE TRIGGER entry_alert_timeline_no_update BEFORE UPDATE ON entry_alert_timeline
BEGIN SELECT RAISE(ABORT, 'zhiban: the timeline never changes'); END;
CREATE TRIGGER entry_alert_timeline_no_delete BEFORE DELETE ON entry_alert_timeline
BEGIN SELECT RAISE(ABORT, 'zhiban: the timeline is never deleted'); END;
