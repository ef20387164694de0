-- 0026: redaction of what should never have been typed (issue 18, item 3). An approver, with
-- their PIN, has a field's text replaced by 已删除（原因、批准人、时间）: in the record, in every
-- earlier value of that field kept by its amendments, and wherever the record was quoted (the
-- items and notes of handovers signed since, the 值班日报 texts sent since). `redaction` is the
-- record of it (audited, never changed); the audit keeps only digests of what was there.
CREATE TABLE redaction (
    id           INTEGER PRIMARY KEY,
    tbl          TEXT NOT NULL CHECK (tbl = 'log_entry' OR tbl = 'document'),
    row_id       INTEGER NOT NULL,
    field        TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    approved_by  TEXT NOT NULL CHECK (length(trim(approved_by)) > 0),
    done_by      TEXT NOT NULL,
    done_at      TEXT NOT NULL,
    rows_changed INTEGER NOT NULL CHECK (rows_changed > 0)
);
CREATE INDEX redaction_by_row ON redaction (tbl, row_id);
CREATE TRIGGER redaction_never_changes BEFORE UPDATE ON redaction
BEGIN SELECT RAISE(ABORT, 'zhiban: a redaction record is never changed'); END;
CREATE TRIGGER redaction_never_deleted BEFORE DELETE ON redaction
BEGIN SELECT RAISE(ABORT, 'zhiban: a redaction record is never deleted'); END;

-- The rows one redaction may rewrite, named inside its own transaction and removed before it
-- commits (the store does both): the only exception to the triggers below. Not a record: not
-- audited; `verify` reports a row left here.
CREATE TABLE redaction_open (
    tbl    TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- The same triggers as before (same names), each letting through exactly the rows named above.
DROP TRIGGER log_amendment_no_update;
CREATE TRIGGER log_amendment_no_update BEFORE UPDATE ON log_amendment
WHEN NOT EXISTS (SELECT 1 FROM redaction_open WHERE tbl = 'log_amendment' AND row_id = OLD.id)
  OR NEW.id IS NOT OLD.id OR NEW.entry_id IS NOT OLD.entry_id OR NEW.field IS NOT OLD.field
  OR NEW.amended_by IS NOT OLD.amended_by OR NEW.amended_at IS NOT OLD.amended_at
BEGIN SELECT RAISE(ABORT, 'zhiban: amendments never change'); END;

DROP TRIGGER handover_no_update;
CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover
WHEN NOT EXISTS (SELECT 1 FROM redaction_open WHERE tbl = 'handover' AND row_id = OLD.id)
  OR NEW.id IS NOT OLD.id OR NEW.outgoing IS NOT OLD.outgoing OR NEW.incoming IS NOT OLD.incoming
  OR NEW.signed_at IS NOT OLD.signed_at OR NEW.item_count IS NOT OLD.item_count
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END;

DROP TRIGGER handover_item_no_update;
CREATE TRIGGER handover_item_no_update BEFORE UPDATE ON handover_item
WHEN NOT EXISTS (SELECT 1 FROM redaction_open WHERE tbl = 'handover_item' AND row_id = OLD.id)
  OR NEW.id IS NOT OLD.id OR NEW.handover_id IS NOT OLD.handover_id OR NEW.seq IS NOT OLD.seq
  OR NEW.kind IS NOT OLD.kind OR NEW.ref_id IS NOT OLD.ref_id OR NEW.check_state IS NOT OLD.check_state
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END;

DROP TRIGGER daily_report_sent_never_changes;
CREATE TRIGGER daily_report_sent_never_changes BEFORE UPDATE ON daily_report_sent
WHEN NOT EXISTS (SELECT 1 FROM redaction_open WHERE tbl = 'daily_report_sent' AND row_id = OLD.id)
  OR NEW.id IS NOT OLD.id OR NEW.period_start IS NOT OLD.period_start OR NEW.period_end IS NOT OLD.period_end
  OR NEW.sent_at IS NOT OLD.sent_at OR NEW.recipient IS NOT OLD.recipient OR NEW.signer IS NOT OLD.signer
BEGIN SELECT RAISE(ABORT, 'zhiban: a report sent is never changed'); END;

DROP TRIGGER document_no_update;
CREATE TRIGGER document_no_update BEFORE UPDATE ON document
WHEN NOT EXISTS (SELECT 1 FROM redaction_open WHERE tbl = 'document' AND row_id = OLD.id)
  OR NEW.id IS NOT OLD.id OR NEW.year IS NOT OLD.year OR NEW.serial IS NOT OLD.serial
  OR NEW.kind IS NOT OLD.kind OR NEW.secrecy IS NOT OLD.secrecy OR NEW.received_at IS NOT OLD.received_at
  OR NEW.recorded_by IS NOT OLD.recorded_by OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN SELECT RAISE(ABORT, 'zhiban: document rows never change'); END;
