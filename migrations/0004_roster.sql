-- 0004: the duty roster (排班).
-- Imported shifts are a plan: importing a period again replaces the shifts starting in it, and
-- each import is logged in roster_import. Swaps (换班) are records: never changed, never deleted.
-- Times are local wall-clock 'YYYY-MM-DD HH:MM:SS', so text order is time order.

CREATE TABLE roster_shift (
    id              INTEGER PRIMARY KEY,
    start_at        TEXT NOT NULL,
    end_at          TEXT NOT NULL,
    leader          TEXT NOT NULL,               -- 带班领导
    primary_officer TEXT NOT NULL,               -- 主班
    deputy          TEXT NOT NULL DEFAULT '',    -- 副班, may be empty
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL,
    source_file     TEXT NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX roster_shift_by_start ON roster_shift (start_at, id);

-- Who replaced which period, when, from which file.
CREATE TABLE roster_import (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    source_file TEXT NOT NULL,
    range_from  TEXT NOT NULL,                   -- earliest start of the imported shifts
    range_to    TEXT NOT NULL,                   -- latest end
    replaced    INTEGER NOT NULL,                -- stored shifts deleted
    inserted    INTEGER NOT NULL
);

CREATE TABLE roster_swap (
    id          INTEGER PRIMARY KEY,
    shift_start TEXT NOT NULL,                   -- the start of the shift it applies to
    post        TEXT NOT NULL CHECK (post IN ('带班领导', '主班', '副班')),
    from_person TEXT NOT NULL,
    to_person   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX roster_swap_by_shift ON roster_swap (shift_start, id);

-- An imported shift is replaced by a new import, never edited in place.
CREATE TRIGGER roster_shift_no_update BEFORE UPDATE ON roster_shift
BEGIN SELECT RAISE(ABORT, 'zhiban: imported shifts are replaced by a new import, never edited'); END;
CREATE TRIGGER roster_import_no_update BEFORE UPDATE ON roster_import
BEGIN SELECT RAISE(ABORT, 'zhiban: the import log never changes'); END;
CREATE TRIGGER roster_import_no_delete BEFORE DELETE ON roster_import
BEGIN SELECT RAISE(ABORT, 'zhiban: the import log is never deleted'); END;
CREATE TRIGGER roster_swap_no_update BEFORE UPDATE ON roster_swap
BEGIN SELECT RAISE(ABORT, 'zhiban: swaps never change'); END;
CREATE TRIGGER roster_swap_no_delete BEFORE DELETE ON roster_swap
BEGIN SELECT RAISE(ABORT, 'zhiban: swaps are never deleted'); END;
