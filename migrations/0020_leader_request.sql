-- 0020: 请示 recorded (issue 17, item 1). Each attempt to put an entry to a leader: to whom (a
-- configured leader, or any name and post typed), how (电话/当面/书面/短信), when, and whether the
-- leader was reached. An entry triaged 请示, or from abroad, shows 未请示 until one is recorded
-- and 未联系上 until one reaches a leader (src/core/instruction.rs). Never changed, never deleted:
-- a wrong attempt is followed by a right one, both kept.
CREATE TABLE leader_request (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES log_entry (id),
    leader      TEXT NOT NULL CHECK (length(trim(leader)) > 0),
    -- Comparisons, not IN (…): SQLite builds a temporary index for IN at every insert (0009).
    via         TEXT NOT NULL CHECK (via = '电话' OR via = '当面' OR via = '书面' OR via = '短信'),
    at          TEXT NOT NULL,
    reached     INTEGER NOT NULL CHECK (reached = 0 OR reached = 1),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX leader_request_by_entry ON leader_request (entry_id, id);
CREATE TRIGGER leader_request_no_update BEFORE UPDATE ON leader_request
BEGIN SELECT RAISE(ABORT, 'zhiban: a 请示 record never changes'); END;
CREATE TRIGGER leader_request_no_delete BEFORE DELETE ON leader_request
BEGIN SELECT RAISE(ABORT, 'zhiban: a 请示 record is never deleted'); END;
