-- 0006: visitor registration (来访登记, domain.md §2.3): visits with their 信访 part and
-- representatives, the watch list, and the log of who revealed a full ID number (§6).
-- Meant to run after 0004_roster and 0005_handover.
--
-- A visit is written once. The only later change is the departure (checked_out_at/_by), set once;
-- any other correction needs an amendment mechanism (a later migration), never a plain UPDATE.

CREATE TABLE visit (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    gender           TEXT NOT NULL,                 -- 男 / 女 / 未填
    id_type          TEXT NOT NULL,                 -- 居民身份证 / 护照 / 港澳通行证 / 军官证 / 其他
    id_number        TEXT NOT NULL,                 -- in full; shown masked
    id_key           TEXT NOT NULL,                 -- upper-case, no spaces; '' under 其他 (free text)
    id_last4         TEXT NOT NULL,                 -- last 4 of id_key, for lookup
    employer         TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    people_count     INTEGER NOT NULL CHECK (people_count >= 1),
    companions       TEXT NOT NULL DEFAULT '',
    purpose          TEXT NOT NULL,
    host             TEXT NOT NULL,                 -- 被访部门/人
    plate            TEXT NOT NULL DEFAULT '',
    belongings       TEXT NOT NULL DEFAULT '',
    handling         TEXT NOT NULL DEFAULT '',      -- 处理情况
    entered_at       TEXT NOT NULL,
    is_petition      INTEGER NOT NULL CHECK (is_petition IN (0, 1)),
    petition_address TEXT NOT NULL DEFAULT '',
    petition_matter  TEXT NOT NULL DEFAULT '',
    py_initials      TEXT NOT NULL,                 -- name's pinyin initials (surname reading)
    py_full          TEXT NOT NULL,                 -- name's full pinyin
    py_alt           TEXT NOT NULL DEFAULT '',      -- other readings, space-separated keys
    repeat_of        INTEGER REFERENCES visit (id), -- 重访 of this earlier visit
    registered_by    TEXT NOT NULL,
    registered_at    TEXT NOT NULL,
    checked_out_at   TEXT,
    checked_out_by   TEXT,
    CHECK ((checked_out_at IS NULL) = (checked_out_by IS NULL))
);
CREATE INDEX visit_by_time ON visit (entered_at, id);
CREATE INDEX visit_by_checkout ON visit (checked_out_at, entered_at);
CREATE INDEX visit_by_id_key ON visit (id_key);
CREATE INDEX visit_by_last4 ON visit (id_last4);
CREATE INDEX visit_by_name ON visit (name);

CREATE TABLE visit_representative (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visit (id),
    name       TEXT NOT NULL,
    id_number  TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    is_liaison INTEGER NOT NULL CHECK (is_liaison IN (0, 1))
);
CREATE INDEX visit_representative_by_visit ON visit_representative (visit_id, id);
-- At most one 联络人 per visit.
CREATE UNIQUE INDEX visit_one_liaison ON visit_representative (visit_id) WHERE is_liaison = 1;

CREATE TABLE watch_entry (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    aliases   TEXT NOT NULL DEFAULT '',             -- one per line
    id_number TEXT,                                 -- normalised, or NULL
    reason    TEXT NOT NULL,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    lifted_at TEXT,                                 -- taken off the list (kept for the record)
    lifted_by TEXT,
    CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);

CREATE TABLE id_reveal_log (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES visit (id),
    revealed_by TEXT NOT NULL,
    revealed_at TEXT NOT NULL
);
CREATE INDEX id_reveal_log_by_visit ON id_reveal_log (visit_id, id);

-- A visit is never deleted, and nothing but the departure is ever written after the insert.
CREATE TRIGGER visit_no_delete BEFORE DELETE ON visit
BEGIN SELECT RAISE(ABORT, 'zhiban: visits are never deleted'); END;
CREATE TRIGGER visit_fixed_columns BEFORE UPDATE OF
    id, name, gender, id_type, id_number, id_key, id_last4, employer, phone, people_count, companions, purpose,
    host, plate, belongings, handling, entered_at, is_petition, petition_address, petition_matter, py_initials,
    py_full, py_alt, repeat_of, registered_by, registered_at ON visit
BEGIN SELECT RAISE(ABORT, 'zhiban: a registered visit never changes; only its departure is recorded, once'); END;
-- The departure is a one-time transition: both columns, from NULL, not before the entry.
CREATE TRIGGER visit_checkout_once BEFORE UPDATE OF checked_out_at, checked_out_by ON visit
WHEN OLD.checked_out_at IS NOT NULL OR OLD.checked_out_by IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'zhiban: a departure is recorded once and never changes'); END;
CREATE TRIGGER visit_checkout_complete BEFORE UPDATE OF checked_out_at, checked_out_by ON visit
WHEN OLD.checked_out_at IS NULL AND OLD.checked_out_by IS NULL AND (
    NEW.checked_out_at IS NULL OR NEW.checked_out_by IS NULL OR NEW.checked_out_by = ''
    OR NEW.checked_out_at < OLD.entered_at)
BEGIN SELECT RAISE(ABORT, 'zhiban: a departure needs a time not before the entry and who recorded it'); END;

CREATE TRIGGER visit_representative_no_update BEFORE UPDATE ON visit_representative
BEGIN SELECT RAISE(ABORT, 'zhiban: representatives never change'); END;
CREATE TRIGGER visit_representative_no_delete BEFORE DELETE ON visit_representative
BEGIN SELECT RAISE(ABORT, 'zhiban: representatives are never deleted'); END;

-- The watch list keeps every entry; lifting one is recorded once.
CREATE TRIGGER watch_entry_no_delete BEFORE DELETE ON watch_entry
BEGIN SELECT RAISE(ABORT, 'zhiban: watch-list entries are never deleted; lift them instead'); END;
CREATE TRIGGER watch_entry_fixed_columns BEFORE UPDATE OF id, name, aliases, id_number, reason, added_by, added_at
ON watch_entry
BEGIN SELECT RAISE(ABORT, 'zhiban: a watch-list entry never changes; lift it and add a new one'); END;
CREATE TRIGGER watch_entry_lift_once BEFORE UPDATE OF lifted_at, lifted_by ON watch_entry
WHEN OLD.lifted_at IS NOT NULL OR NEW.lifted_at IS NULL OR NEW.lifted_by IS NULL OR NEW.lifted_by = ''
BEGIN SELECT RAISE(ABORT, 'zhiban: a watch-list entry is lifted once, with who and when'); END;

-- Who saw a full ID number, and when, is kept for good.
CREATE TRIGGER id_reveal_log_no_update BEFORE UPDATE ON id_reveal_log
BEGIN SELECT RAISE(ABORT, 'zhiban: the reveal log never changes'); END;
CREATE TRIGGER id_reveal_log_no_delete BEFORE DELETE ON id_reveal_log
BEGIN SELECT RAISE(ABORT, 'zhiban: the reveal log is never deleted'); END;
