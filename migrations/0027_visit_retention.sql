-- 0027: visitors' numbers kept no longer than needed (issue 18, item 3; 个人信息保护法).
--
-- A visit older than `[visit] retention_years` has its document number and phone (and its
-- representatives') reduced to the masked form the screens show, and its `id_key` to a keyed
-- digest of the number ('#' and 64 hex digits; '' under 其他 stays ''), so that a visitor typed
-- in full is still recognised as a repeat visitor. Nothing else of a visit ever changes.
--
-- (0026 is the redaction migration, before this one.)

-- One row per batch of reduction, audited and never changed: the cutoff it applied, how far it
-- came by `(entered_at, id)` (the next batch goes on from the last row through `visit_by_time`),
-- how many visits it reduced, who and when.
CREATE TABLE visit_reduction (
    id              INTEGER PRIMARY KEY,
    cutoff          TEXT NOT NULL,
    upto_entered_at TEXT NOT NULL,
    upto_id         INTEGER NOT NULL,
    visits          INTEGER NOT NULL CHECK (visits >= 0),
    reduced_by      TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TRIGGER visit_reduction_no_update BEFORE UPDATE ON visit_reduction
BEGIN SELECT RAISE(ABORT, 'zhiban: a reduction record never changes'); END;
CREATE TRIGGER visit_reduction_no_delete BEFORE DELETE ON visit_reduction
BEGIN SELECT RAISE(ABORT, 'zhiban: reduction records are never deleted'); END;

-- Scratch, not a record (not audited): a batch writes its cutoff here at the start of its
-- transaction and deletes it before committing, so a committed file never has a row (`verify`
-- says so if it does). The triggers below let the three columns change only while it has one.
CREATE TABLE retention_open (cutoff TEXT NOT NULL);

-- The visit's fixed columns as before, without the three a reduction writes.
DROP TRIGGER visit_fixed_columns;
CREATE TRIGGER visit_fixed_columns BEFORE UPDATE OF
    id, name, gender, id_type, id_last4, employer, people_count, companions, purpose,
    host, plate, belongings, handling, entered_at, is_petition, petition_address, petition_matter, py_initials,
    py_full, py_alt, repeat_of, registered_by, registered_at ON visit
BEGIN SELECT RAISE(ABORT, 'zhiban: a registered visit never changes; only its departure is recorded, once'); END;
-- Those three only inside a reduction's transaction, only on a visit before its cutoff, and the
-- key only to a digest (or '' staying '').
CREATE TRIGGER visit_retention_columns BEFORE UPDATE OF id_number, id_key, phone ON visit
WHEN NOT EXISTS (SELECT 1 FROM retention_open r WHERE OLD.entered_at < r.cutoff)
  OR NOT (NEW.id_key = '' OR NEW.id_key LIKE '#%')
BEGIN SELECT RAISE(ABORT, 'zhiban: a visit''s numbers change only when reduced after the retention period'); END;

-- A representative: the same for its number and phone; everything else never changes.
DROP TRIGGER visit_representative_no_update;
CREATE TRIGGER visit_representative_no_update BEFORE UPDATE OF id, visit_id, name, is_liaison
ON visit_representative
BEGIN SELECT RAISE(ABORT, 'zhiban: representatives never change'); END;
CREATE TRIGGER visit_representative_retention BEFORE UPDATE OF id_number, phone ON visit_representative
WHEN NOT EXISTS (SELECT 1 FROM retention_open r
                 WHERE (SELECT v.entered_at FROM visit v WHERE v.id = OLD.visit_id) < r.cutoff)
BEGIN SELECT RAISE(ABORT, 'zhiban: a representative''s numbers change only when reduced after the retention period'); END;
