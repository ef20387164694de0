-- 0028: the SMS or voice hook (issue 19, item 1). Every terminal sees an alert reach a rung of the
-- ladder (a raise, another terminal's or a script's, or a climb); only the one that records it
-- here first runs `[notify] command` for it, so a leader's phone rings once per rung however many
-- terminals are open, and a restart never sends again. What the run did goes on the alert's
-- timeline. A record like the others: audited, never changed.
CREATE TABLE notify_claim (
    id         INTEGER PRIMARY KEY,
    tbl        TEXT NOT NULL CHECK (tbl = 'urgent_event' OR tbl = 'entry_alert'),
    row_id     INTEGER NOT NULL,
    rung       INTEGER NOT NULL CHECK (rung >= 0),
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    UNIQUE (tbl, row_id, rung)
);
CREATE TRIGGER notify_claim_never_changes BEFORE UPDATE ON notify_claim
BEGIN SELECT RAISE(ABORT, 'zhiban: a notify claim is never changed'); END;
CREATE TRIGGER notify_claim_never_deleted BEFORE DELETE ON notify_claim
BEGIN SELECT RAISE(ABORT, 'zhiban: a notify claim is never deleted'); END;
