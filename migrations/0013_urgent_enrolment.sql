-- 0013: an urgent enrolment (紧急登记). When a new officer must start and no approver is at hand,
-- the outgoing officer (the one signed in, or on duty by the roster) types their own PIN to enrol
-- them. Such an enrolment works at once and stays flagged on every screen until an approver
-- confirms it with their PIN. The flag is a row here without a confirmation row, so nothing is
-- ever updated (and pin_enrolment keeps its columns: its rows' audit digests stay valid).
-- Facts, audited, never changed or removed.
CREATE TABLE urgent_enrolment (
    id           INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL UNIQUE REFERENCES pin_enrolment (id),
    enrolled_by  TEXT NOT NULL      -- the outgoing officer who typed their PIN
);
CREATE TRIGGER urgent_enrolment_never_changes BEFORE UPDATE ON urgent_enrolment
BEGIN SELECT RAISE(ABORT, 'zhiban: an enrolment is never changed'); END;
CREATE TRIGGER urgent_enrolment_never_deleted BEFORE DELETE ON urgent_enrolment
BEGIN SELECT RAISE(ABORT, 'zhiban: an enrolment is never deleted'); END;

CREATE TABLE enrolment_confirmation (
    id           INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL UNIQUE REFERENCES pin_enrolment (id),
    confirmed_by TEXT NOT NULL,     -- a confirmed approver, who typed their PIN
    at           TEXT NOT NULL
);
CREATE TRIGGER enrolment_confirmation_never_changes BEFORE UPDATE ON enrolment_confirmation
BEGIN SELECT RAISE(ABORT, 'zhiban: a confirmation is never changed'); END;
CREATE TRIGGER enrolment_confirmation_never_deleted BEFORE DELETE ON enrolment_confirmation
BEGIN SELECT RAISE(ABORT, 'zhiban: a confirmation is never deleted'); END;
