-- Tamper-evident history: every change the app makes to any table appends one row here in the
-- same transaction, carrying a digest of the row after the change and the hash of the previous
-- audit row. `zhiban verify` walks the chain and compares each record with its last digest.

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('新增', '修改', '删除')),
    tbl       TEXT NOT NULL,
    row_id    INTEGER NOT NULL,
    digest    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_row ON audit_log (tbl, row_id, id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'zhiban: the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'zhiban: the audit log is append-only'); END;
