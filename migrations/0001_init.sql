-- 0001: the duty log (值班记录), its amendments and leader instructions.
-- Append-only history: never edit this file once shipped; add 0002_….sql instead.
-- Times are local wall-clock text 'YYYY-MM-DD HH:MM:SS' (sorts correctly as text).

CREATE TABLE log_entry (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,
    category           TEXT NOT NULL DEFAULT '',
    occurred_at        TEXT NOT NULL,
    unit               TEXT NOT NULL DEFAULT '',
    person             TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    receiver           TEXT NOT NULL DEFAULT '',
    content            TEXT NOT NULL,
    reported_elsewhere TEXT NOT NULL DEFAULT '',
    read_back          INTEGER,              -- 去电 only: 1 已复述核对, 0 未复述
    forwarded_to       TEXT NOT NULL DEFAULT '',
    forwarded_at       TEXT,
    triage             TEXT NOT NULL,
    status             TEXT NOT NULL,
    proposal           TEXT NOT NULL DEFAULT '',
    result             TEXT NOT NULL DEFAULT '',
    handler            TEXT NOT NULL DEFAULT '',
    closed_at          TEXT,
    recorded_by        TEXT NOT NULL,
    recorded_at        TEXT NOT NULL
);

-- The list is newest first by time; keyset paging walks this index in both directions.
CREATE INDEX log_entry_by_time ON log_entry (occurred_at, id);

CREATE TABLE log_amendment (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES log_entry (id),
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL,
    new_value   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    amended_by  TEXT NOT NULL,
    amended_at  TEXT NOT NULL
);
CREATE INDEX log_amendment_by_entry ON log_amendment (entry_id, id);

CREATE TABLE log_instruction (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES log_entry (id),
    leader      TEXT NOT NULL,
    text        TEXT NOT NULL,
    given_at    TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX log_instruction_by_entry ON log_instruction (entry_id, id);

-- A record is never deleted.
CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries are never deleted'); END;

-- Who recorded what, and when, never changes; nor does the kind.
CREATE TRIGGER log_entry_fixed_columns BEFORE UPDATE OF id, kind, recorded_by, recorded_at ON log_entry
BEGIN SELECT RAISE(ABORT, 'zhiban: id, kind, recorded_by and recorded_at never change'); END;

-- Any other change must be preceded, in the same transaction, by its amendment row: the newest
-- amendment must belong to this entry and carry the new value of a column that changes.
CREATE TRIGGER log_entry_change_needs_amendment BEFORE UPDATE ON log_entry
WHEN NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

-- History is append-only.
CREATE TRIGGER log_amendment_no_update BEFORE UPDATE ON log_amendment
BEGIN SELECT RAISE(ABORT, 'zhiban: amendments never change'); END;
CREATE TRIGGER log_amendment_no_delete BEFORE DELETE ON log_amendment
BEGIN SELECT RAISE(ABORT, 'zhiban: amendments are never deleted'); END;
CREATE TRIGGER log_instruction_no_update BEFORE UPDATE ON log_instruction
BEGIN SELECT RAISE(ABORT, 'zhiban: instructions never change'); END;
CREATE TRIGGER log_instruction_no_delete BEFORE DELETE ON log_instruction
BEGIN SELECT RAISE(ABORT, 'zhiban: instructions are never deleted'); END;
