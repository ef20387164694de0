-- 0031: the SMS or voice hook beyond the alerts (issue 19, items 1 and 3): an overdue 交办 (to its
-- 承办人), a 电话通知 recipient not reached (after each unanswered call), and 漏岗 (to the shift's
-- duty leader). As with the alerts'
-- notify_claim, a send is claimed first, so only the terminal whose claim commits runs the
-- command; what the run did is kept with the claim and shown with the task or notice. Records:
-- audited, never changed.
CREATE TABLE hook_send (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('交办逾期', '电话通知', '漏岗')),
    ref_id     INTEGER NOT NULL,         -- task.id, notice_recipient.id, or a shift's start (Unix minutes)
    attempt    INTEGER NOT NULL CHECK (attempt >= 0),
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    UNIQUE (kind, ref_id, attempt)
);
CREATE TABLE hook_send_result (
    send_id     INTEGER PRIMARY KEY REFERENCES hook_send (id),
    line        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TRIGGER hook_send_no_update BEFORE UPDATE ON hook_send
BEGIN SELECT RAISE(ABORT, 'zhiban: a hook send is never changed'); END;
CREATE TRIGGER hook_send_no_delete BEFORE DELETE ON hook_send
BEGIN SELECT RAISE(ABORT, 'zhiban: a hook send is never deleted'); END;
CREATE TRIGGER hook_send_result_no_update BEFORE UPDATE ON hook_send_result
BEGIN SELECT RAISE(ABORT, 'zhiban: a hook result is never changed'); END;
CREATE TRIGGER hook_send_result_no_delete BEFORE DELETE ON hook_send_result
BEGIN SELECT RAISE(ABORT, 'zhiban: a hook result is never deleted'); END;
