-- 0012: every PIN check, failed or passed, wherever it was typed (sign-in, the lock screen, a
-- handover signature, the command line). The wait after repeated failures is computed from these
-- rows, so it holds across terminals, the CLI and restarts; each row is audited (who tried which
-- name, where, when), and the person sees their failures at their next success.
CREATE TABLE pin_attempt (
    id           INTEGER PRIMARY KEY,
    attempted_by TEXT NOT NULL,     -- the name the PIN was typed for
    at           TEXT NOT NULL,
    place        TEXT NOT NULL CHECK (place = '登录' OR place = '锁屏' OR place = '签字' OR place = '命令行'),
    ok           INTEGER NOT NULL CHECK (ok = 0 OR ok = 1)
);

CREATE INDEX pin_attempt_by_person ON pin_attempt (attempted_by, id);

-- Attempts are facts: never changed, never removed.
CREATE TRIGGER pin_attempt_never_changes BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'zhiban: a PIN attempt is never changed'); END;
CREATE TRIGGER pin_attempt_never_deleted BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'zhiban: a PIN attempt is never deleted'); END;

-- Who gave a person their PIN: an approver (带班领导/值班领导, 办公室主任, 分管副主任) who typed
-- their own PIN, or nobody while enrolment is open (no approver enrolled yet). Audited; never
-- changed.
CREATE TABLE pin_enrolment (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL,
    enrolled_by TEXT NOT NULL,      -- the approver, or '（登记开放）'
    at          TEXT NOT NULL
);
CREATE TRIGGER pin_enrolment_never_changes BEFORE UPDATE ON pin_enrolment
BEGIN SELECT RAISE(ABORT, 'zhiban: an enrolment is never changed'); END;
CREATE TRIGGER pin_enrolment_never_deleted BEFORE DELETE ON pin_enrolment
BEGIN SELECT RAISE(ABORT, 'zhiban: an enrolment is never deleted'); END;

-- An approver role (带班领导/值班领导, 办公室主任, 分管副主任) counts only once confirmed: anyone can
-- edit config.toml, so a role written there is a claim. The first approver is confirmed by their
-- own enrolment while enrolment is open; later ones by the approver who enrols them. Audited;
-- never changed.
CREATE TABLE approver_confirmation (
    id           INTEGER PRIMARY KEY,
    person       TEXT NOT NULL,
    role         TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE TRIGGER approver_confirmation_never_changes BEFORE UPDATE ON approver_confirmation
BEGIN SELECT RAISE(ABORT, 'zhiban: a confirmation is never changed'); END;
CREATE TRIGGER approver_confirmation_never_deleted BEFORE DELETE ON approver_confirmation
BEGIN SELECT RAISE(ABORT, 'zhiban: a confirmation is never deleted'); END;
