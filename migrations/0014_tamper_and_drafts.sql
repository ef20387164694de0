-- 0014: what the store found when it refused to write over a row changed outside the app (or
-- what the check at open found), an approver's acknowledgement of it, the audit chain's head
-- sealed into each signed handover (the anchor printed on paper), and drafts of unsaved typing.

-- A finding is a fact: never changed or removed, so `verify` names it after any later write.
CREATE TABLE tamper_finding (
    id       INTEGER PRIMARY KEY,
    tbl      TEXT NOT NULL,
    row_id   INTEGER NOT NULL,
    what     TEXT NOT NULL,
    found_at TEXT NOT NULL,
    found_by TEXT NOT NULL          -- whose write was refused, or （系统） for the check at open
);
CREATE INDEX tamper_finding_by_row ON tamper_finding (tbl, row_id);
CREATE TRIGGER tamper_finding_never_changes BEFORE UPDATE ON tamper_finding
BEGIN SELECT RAISE(ABORT, 'zhiban: a finding is never changed'); END;
CREATE TRIGGER tamper_finding_never_deleted BEFORE DELETE ON tamper_finding
BEGIN SELECT RAISE(ABORT, 'zhiban: a finding is never deleted'); END;

-- An approver looked and accepted the row as it now stands (its audit is re-based in the same
-- transaction). The finding stays, with who acknowledged it and when.
CREATE TABLE tamper_ack (
    id              INTEGER PRIMARY KEY,
    finding_id      INTEGER NOT NULL UNIQUE REFERENCES tamper_finding (id),
    acknowledged_by TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TRIGGER tamper_ack_never_changes BEFORE UPDATE ON tamper_ack
BEGIN SELECT RAISE(ABORT, 'zhiban: an acknowledgement is never changed'); END;
CREATE TRIGGER tamper_ack_never_deleted BEFORE DELETE ON tamper_ack
BEGIN SELECT RAISE(ABORT, 'zhiban: an acknowledgement is never deleted'); END;

-- The audit chain's head as it stood just before the signing transaction: printed on the paper
-- handover, so the chain up to it can be checked against paper (`zhiban verify --anchor`).
CREATE TABLE handover_seal (
    handover_id INTEGER PRIMARY KEY REFERENCES handover (id),
    audit_id    INTEGER NOT NULL,
    audit_hash  BLOB NOT NULL
);
CREATE TRIGGER handover_seal_never_changes BEFORE UPDATE ON handover_seal
BEGIN SELECT RAISE(ABORT, 'zhiban: a seal is never changed'); END;
CREATE TRIGGER handover_seal_never_deleted BEFORE DELETE ON handover_seal
BEGIN SELECT RAISE(ABORT, 'zhiban: a seal is never deleted'); END;

-- Unsaved typing kept when the terminal closes (a signal, a crash of the terminal): offered to
-- the same person at their next sign-in, removed once used or discarded. Not records: outside
-- the audit and the checks (secure_delete leaves nothing of them in the file once removed).
CREATE TABLE draft (
    person   TEXT NOT NULL,
    screen   TEXT NOT NULL,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (person, screen)
);
