-- 0024: holiday rosters of subordinate units (节日值班表, issue 18 item 6; 002:1570, 001:124):
-- a round per holiday with its due date and the units expected, each unit's roster received,
-- and the office's own roster reported upward. Rows only grow (triggers), each audited.
CREATE TABLE holiday_round (
    id         INTEGER PRIMARY KEY,
    holiday    TEXT NOT NULL CHECK (length(trim(holiday)) > 0),
    due        TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX holiday_round_by_due ON holiday_round (due, id);
CREATE TABLE holiday_unit (
    id       INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES holiday_round (id),
    unit     TEXT NOT NULL CHECK (length(trim(unit)) > 0),
    added_by TEXT NOT NULL
);
CREATE INDEX holiday_unit_by_round ON holiday_unit (round_id, id);
-- A unit's roster received: once (the first receipt stands).
CREATE TABLE holiday_receipt (
    unit_id     INTEGER PRIMARY KEY REFERENCES holiday_unit (id),
    received_at TEXT NOT NULL,
    via         TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE holiday_report (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES holiday_round (id),
    reported_to TEXT NOT NULL CHECK (length(trim(reported_to)) > 0),
    reported_at TEXT NOT NULL,
    via         TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX holiday_report_by_round ON holiday_report (round_id, id);
CREATE TRIGGER holiday_round_no_update BEFORE UPDATE ON holiday_round
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_round rows never change'); END;
CREATE TRIGGER holiday_round_no_delete BEFORE DELETE ON holiday_round
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_round rows are never deleted'); END;
CREATE TRIGGER holiday_unit_no_update BEFORE UPDATE ON holiday_unit
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_unit rows never change'); END;
CREATE TRIGGER holiday_unit_no_delete BEFORE DELETE ON holiday_unit
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_unit rows are never deleted'); END;
CREATE TRIGGER holiday_receipt_no_update BEFORE UPDATE ON holiday_receipt
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_receipt rows never change'); END;
CREATE TRIGGER holiday_receipt_no_delete BEFORE DELETE ON holiday_receipt
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_receipt rows are never deleted'); END;
CREATE TRIGGER holiday_report_no_update BEFORE UPDATE ON holiday_report
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_report rows never change'); END;
CREATE TRIGGER holiday_report_no_delete BEFORE DELETE ON holiday_report
BEGIN SELECT RAISE(ABORT, 'zhiban: holiday_report rows are never deleted'); END;
