-- 0030: running the roster (issue 19, item 3). A month's roster as numbered versions, each
-- drafted, approved by a leader's PIN and published; sign-ons (到岗) for 漏岗; 补休 taken; and the
-- other staff of imported shifts. Every row is a record: audited, never changed, never deleted
-- (but the staff of an imported shift, which goes with its shift when a new import replaces it).

CREATE TABLE roster_plan (
    id         INTEGER PRIMARY KEY,
    month      TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    version    INTEGER NOT NULL CHECK (version >= 1),
    source     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (month, version)
);

CREATE TABLE roster_plan_shift (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL REFERENCES roster_plan (id),
    start_at        TEXT NOT NULL,
    end_at          TEXT NOT NULL,
    leader          TEXT NOT NULL,
    primary_officer TEXT NOT NULL,
    deputy          TEXT NOT NULL DEFAULT '',
    staff           TEXT NOT NULL DEFAULT '',     -- 其他值班人员, joined by '、'
    CHECK (end_at > start_at)
);
CREATE INDEX roster_plan_shift_by_plan ON roster_plan_shift (plan_id, start_at);

-- 已批准 (approved_by typed their PIN) and 已发布, once each, in that order.
CREATE TABLE roster_plan_step (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES roster_plan (id),
    step        TEXT NOT NULL CHECK (step IN ('已批准', '已发布')),
    approved_by TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (plan_id, step)
);

-- A shift's sign-on by explicit arrival (a handover signature counts without a row here).
CREATE TABLE roster_signon (
    id          INTEGER PRIMARY KEY,
    shift_start TEXT NOT NULL,
    person      TEXT NOT NULL,
    signed_at   TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (shift_start, person)
);
CREATE INDEX roster_signon_by_time ON roster_signon (signed_at);

-- 补休 taken, in half days, approved by a leader.
CREATE TABLE comp_leave (
    id          INTEGER PRIMARY KEY,
    person      TEXT NOT NULL CHECK (length(trim(person)) > 0),
    day         TEXT NOT NULL,
    half_days   INTEGER NOT NULL CHECK (half_days BETWEEN 1 AND 60),
    approved_by TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX comp_leave_by_day ON comp_leave (day);

-- The other staff of an imported shift (roster_shift keeps its columns, so its rows verify).
CREATE TABLE roster_shift_staff (
    shift_id    INTEGER PRIMARY KEY REFERENCES roster_shift (id),
    staff       TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

-- A version's shifts are written with it: once it is approved nothing joins it.
CREATE TRIGGER roster_plan_shift_sealed BEFORE INSERT ON roster_plan_shift
WHEN EXISTS (SELECT 1 FROM roster_plan_step WHERE plan_id = NEW.plan_id)
BEGIN SELECT RAISE(ABORT, 'zhiban: an approved roster never changes'); END;
-- Published only once approved; approved only while it is the month's latest version.
CREATE TRIGGER roster_plan_publish_after_approval BEFORE INSERT ON roster_plan_step
WHEN NEW.step = '已发布'
 AND NOT EXISTS (SELECT 1 FROM roster_plan_step WHERE plan_id = NEW.plan_id AND step = '已批准')
BEGIN SELECT RAISE(ABORT, 'zhiban: a roster is published only after it is approved'); END;
CREATE TRIGGER roster_plan_step_latest_only BEFORE INSERT ON roster_plan_step
WHEN EXISTS (SELECT 1 FROM roster_plan p, roster_plan q
             WHERE p.id = NEW.plan_id AND q.month = p.month AND q.version > p.version)
BEGIN SELECT RAISE(ABORT, 'zhiban: only the latest version of a roster is approved or published'); END;

CREATE TRIGGER roster_plan_no_update BEFORE UPDATE ON roster_plan
BEGIN SELECT RAISE(ABORT, 'zhiban: roster versions never change'); END;
CREATE TRIGGER roster_plan_no_delete BEFORE DELETE ON roster_plan
BEGIN SELECT RAISE(ABORT, 'zhiban: roster versions are never deleted'); END;
CREATE TRIGGER roster_plan_shift_no_update BEFORE UPDATE ON roster_plan_shift
BEGIN SELECT RAISE(ABORT, 'zhiban: roster versions never change'); END;
CREATE TRIGGER roster_plan_shift_no_delete BEFORE DELETE ON roster_plan_shift
BEGIN SELECT RAISE(ABORT, 'zhiban: roster versions are never deleted'); END;
CREATE TRIGGER roster_plan_step_no_update BEFORE UPDATE ON roster_plan_step
BEGIN SELECT RAISE(ABORT, 'zhiban: approvals and publications never change'); END;
CREATE TRIGGER roster_plan_step_no_delete BEFORE DELETE ON roster_plan_step
BEGIN SELECT RAISE(ABORT, 'zhiban: approvals and publications are never deleted'); END;
CREATE TRIGGER roster_signon_no_update BEFORE UPDATE ON roster_signon
BEGIN SELECT RAISE(ABORT, 'zhiban: a sign-on never changes'); END;
CREATE TRIGGER roster_signon_no_delete BEFORE DELETE ON roster_signon
BEGIN SELECT RAISE(ABORT, 'zhiban: a sign-on is never deleted'); END;
CREATE TRIGGER comp_leave_no_update BEFORE UPDATE ON comp_leave
BEGIN SELECT RAISE(ABORT, 'zhiban: comp leave records never change'); END;
CREATE TRIGGER comp_leave_no_delete BEFORE DELETE ON comp_leave
BEGIN SELECT RAISE(ABORT, 'zhiban: comp leave records are never deleted'); END;
CREATE TRIGGER roster_shift_staff_no_update BEFORE UPDATE ON roster_shift_staff
BEGIN SELECT RAISE(ABORT, 'zhiban: imported shifts are replaced by a new import, never edited'); END;
