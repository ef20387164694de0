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

-- Any other change must be preceded, in the same statement sequence, by its amendment row: the
-- newest amendment must belong to this entry, name this column and carry exactly the value being
-- written (times are stored with seconds, amendments name the minute; read_back is 1/0 in the
-- column and its label in the amendment). One trigger per column, so a correction of one field
-- can never carry a silent change to another.
CREATE TRIGGER log_entry_category_needs_amendment BEFORE UPDATE OF category ON log_entry
WHEN NEW.category IS NOT OLD.category AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'category'
      AND (a.new_value = NEW.category)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_unit_needs_amendment BEFORE UPDATE OF unit ON log_entry
WHEN NEW.unit IS NOT OLD.unit AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'unit'
      AND (a.new_value = NEW.unit)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_person_needs_amendment BEFORE UPDATE OF person ON log_entry
WHEN NEW.person IS NOT OLD.person AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'person'
      AND (a.new_value = NEW.person)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_phone_needs_amendment BEFORE UPDATE OF phone ON log_entry
WHEN NEW.phone IS NOT OLD.phone AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'phone'
      AND (a.new_value = NEW.phone)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_receiver_needs_amendment BEFORE UPDATE OF receiver ON log_entry
WHEN NEW.receiver IS NOT OLD.receiver AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'receiver'
      AND (a.new_value = NEW.receiver)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_content_needs_amendment BEFORE UPDATE OF content ON log_entry
WHEN NEW.content IS NOT OLD.content AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'content'
      AND (a.new_value = NEW.content)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_reported_elsewhere_needs_amendment BEFORE UPDATE OF reported_elsewhere ON log_entry
WHEN NEW.reported_elsewhere IS NOT OLD.reported_elsewhere AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'reported_elsewhere'
      AND (a.new_value = NEW.reported_elsewhere)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_forwarded_to_needs_amendment BEFORE UPDATE OF forwarded_to ON log_entry
WHEN NEW.forwarded_to IS NOT OLD.forwarded_to AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'forwarded_to'
      AND (a.new_value = NEW.forwarded_to)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_triage_needs_amendment BEFORE UPDATE OF triage ON log_entry
WHEN NEW.triage IS NOT OLD.triage AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'triage'
      AND (a.new_value = NEW.triage)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_status_needs_amendment BEFORE UPDATE OF status ON log_entry
WHEN NEW.status IS NOT OLD.status AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'status'
      AND (a.new_value = NEW.status)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_proposal_needs_amendment BEFORE UPDATE OF proposal ON log_entry
WHEN NEW.proposal IS NOT OLD.proposal AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'proposal'
      AND (a.new_value = NEW.proposal)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_result_needs_amendment BEFORE UPDATE OF result ON log_entry
WHEN NEW.result IS NOT OLD.result AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'result'
      AND (a.new_value = NEW.result)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_handler_needs_amendment BEFORE UPDATE OF handler ON log_entry
WHEN NEW.handler IS NOT OLD.handler AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'handler'
      AND (a.new_value = NEW.handler)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_occurred_at_needs_amendment BEFORE UPDATE OF occurred_at ON log_entry
WHEN NEW.occurred_at IS NOT OLD.occurred_at AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'occurred_at'
      AND ((a.new_value = '' AND NEW.occurred_at IS NULL) OR a.new_value || ':00' = NEW.occurred_at)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_forwarded_at_needs_amendment BEFORE UPDATE OF forwarded_at ON log_entry
WHEN NEW.forwarded_at IS NOT OLD.forwarded_at AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'forwarded_at'
      AND ((a.new_value = '' AND NEW.forwarded_at IS NULL) OR a.new_value || ':00' = NEW.forwarded_at)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_closed_at_needs_amendment BEFORE UPDATE OF closed_at ON log_entry
WHEN NEW.closed_at IS NOT OLD.closed_at AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'closed_at'
      AND ((a.new_value = '' AND NEW.closed_at IS NULL) OR a.new_value || ':00' = NEW.closed_at)
)
BEGIN SELECT RAISE(ABORT, 'zhiban: log entries change only through an amendment'); END;

CREATE TRIGGER log_entry_read_back_needs_amendment BEFORE UPDATE OF read_back ON log_entry
WHEN NEW.read_back IS NOT OLD.read_back AND NOT EXISTS (
    SELECT 1 FROM log_amendment a
    WHERE a.id = (SELECT max(id) FROM log_amendment) AND a.entry_id = NEW.id AND a.field = 'read_back'
      AND ((a.new_value = '' AND NEW.read_back IS NULL) OR (a.new_value = '已复述核对' AND NEW.read_back = 1) OR (a.new_value = '未复述' AND NEW.read_back = 0))
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
