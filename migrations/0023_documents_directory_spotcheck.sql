-- 0023: the documents register (收文/传真/明电) with the one forwarding model and its 签收, an
-- entry saved without its content (内容不录入), the directory (通讯录) and spot checks of
-- subordinate duty rooms (查岗) — issue 18. Every record table only grows (triggers refuse UPDATE
-- and DELETE); `forward_open` is derived (like `task_open`, 0022) and not audited.

-- One item received. 收文编号 is `serial`, counted per `year` of receipt. A secret item (秘密 and
-- above) keeps only that it arrived — from whom, when, how many copies — and which 机要员 was
-- told, when (002:1522, 000:203): its 文号, 标题 and 备注 stay empty, which the CHECK enforces so
-- that no path into this table can keep them.
CREATE TABLE document (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    serial        INTEGER NOT NULL CHECK (serial > 0),
    kind          TEXT NOT NULL CHECK (kind = '收文' OR kind = '传真' OR kind = '明电'),
    secrecy       TEXT NOT NULL CHECK (secrecy = '非密' OR secrecy = '秘密' OR secrecy = '机密' OR secrecy = '绝密'),
    doc_number    TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    from_unit     TEXT NOT NULL CHECK (length(trim(from_unit)) > 0),
    urgency       TEXT NOT NULL CHECK (urgency = '特急' OR urgency = '加急' OR urgency = '平急'),
    copies        INTEGER NOT NULL CHECK (copies > 0),
    pages         INTEGER CHECK (pages IS NULL OR pages > 0),
    received_at   TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    clerk         TEXT NOT NULL DEFAULT '',
    clerk_told_at TEXT,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    UNIQUE (year, serial),
    CHECK (secrecy = '非密' OR (doc_number = '' AND title = '' AND note = ''
                               AND length(trim(clerk)) > 0 AND clerk_told_at IS NOT NULL)),
    CHECK (secrecy <> '非密' OR length(trim(title)) > 0)
);
CREATE INDEX document_by_received ON document (received_at, id);

-- 转交: a document or a log entry handed to someone, and their 签收 (one per forward).
CREATE TABLE forward (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER REFERENCES document (id),
    entry_id     INTEGER REFERENCES log_entry (id),
    to_whom      TEXT NOT NULL CHECK (length(trim(to_whom)) > 0),
    purpose      TEXT NOT NULL DEFAULT '',
    forwarded_at TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    CHECK ((document_id IS NULL) <> (entry_id IS NULL))
);
CREATE INDEX forward_by_document ON forward (document_id, id) WHERE document_id IS NOT NULL;
CREATE INDEX forward_by_entry ON forward (entry_id, id) WHERE entry_id IS NOT NULL;
CREATE TABLE forward_sign (
    forward_id  INTEGER PRIMARY KEY REFERENCES forward (id),
    signed_by   TEXT NOT NULL CHECK (length(trim(signed_by)) > 0),
    signed_at   TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
-- Derived: forwards not yet signed for, written with the forward and removed with its 签收.
CREATE TABLE forward_open (forward_id INTEGER PRIMARY KEY REFERENCES forward (id));

-- 内容不录入: an entry saved without its content, and why (000:150 "不该记录的坚决不记").
CREATE TABLE entry_withheld (
    entry_id    INTEGER PRIMARY KEY REFERENCES log_entry (id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- 通讯录. An import replaces the directory: the directory in force is the newest import's rows
-- (and rows added by hand after it) that no later row replaces and that were not removed. Old
-- rows stay, as every record does.
CREATE TABLE contact_import (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE contact (
    id           INTEGER PRIMARY KEY,
    import_id    INTEGER REFERENCES contact_import (id),
    replaces     INTEGER REFERENCES contact (id),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    unit         TEXT NOT NULL DEFAULT '',
    post         TEXT NOT NULL DEFAULT '',
    office_phone TEXT NOT NULL DEFAULT '',
    mobile       TEXT NOT NULL DEFAULT '',
    home_phone   TEXT NOT NULL DEFAULT '',
    groups       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX contact_by_import ON contact (import_id, id);
CREATE INDEX contact_by_replaces ON contact (replaces) WHERE replaces IS NOT NULL;
CREATE TABLE contact_removed (
    contact_id  INTEGER PRIMARY KEY REFERENCES contact (id),
    removed_by  TEXT NOT NULL,
    removed_at  TEXT NOT NULL
);
-- Who read a 宅电 in full, like the ID-number reveal log.
CREATE TABLE contact_reveal (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contact (id),
    revealed_by TEXT NOT NULL,
    revealed_at TEXT NOT NULL
);

-- 查岗: a round over a group of duty rooms, the rooms as they were to be called, and each call.
CREATE TABLE spotcheck (
    id          INTEGER PRIMARY KEY,
    group_name  TEXT NOT NULL DEFAULT '',
    started_by  TEXT NOT NULL,
    started_at  TEXT NOT NULL
);
CREATE INDEX spotcheck_by_time ON spotcheck (started_at, id);
CREATE TABLE spotcheck_unit (
    id           INTEGER PRIMARY KEY,
    spotcheck_id INTEGER NOT NULL REFERENCES spotcheck (id),
    unit         TEXT NOT NULL CHECK (length(trim(unit)) > 0),
    phone        TEXT NOT NULL DEFAULT '',
    added_by     TEXT NOT NULL
);
CREATE INDEX spotcheck_unit_by_round ON spotcheck_unit (spotcheck_id, id);
CREATE TABLE spotcheck_call (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES spotcheck_unit (id),
    outcome     TEXT NOT NULL CHECK (outcome = '在岗' OR outcome = '未接' OR outcome = '非值班人员接听'),
    answerer    TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX spotcheck_call_by_unit ON spotcheck_call (unit_id, id);

CREATE TRIGGER document_no_update BEFORE UPDATE ON document
BEGIN SELECT RAISE(ABORT, 'zhiban: document rows never change'); END;
CREATE TRIGGER document_no_delete BEFORE DELETE ON document
BEGIN SELECT RAISE(ABORT, 'zhiban: document rows are never deleted'); END;
CREATE TRIGGER forward_no_update BEFORE UPDATE ON forward
BEGIN SELECT RAISE(ABORT, 'zhiban: forward rows never change'); END;
CREATE TRIGGER forward_no_delete BEFORE DELETE ON forward
BEGIN SELECT RAISE(ABORT, 'zhiban: forward rows are never deleted'); END;
CREATE TRIGGER forward_sign_no_update BEFORE UPDATE ON forward_sign
BEGIN SELECT RAISE(ABORT, 'zhiban: forward_sign rows never change'); END;
CREATE TRIGGER forward_sign_no_delete BEFORE DELETE ON forward_sign
BEGIN SELECT RAISE(ABORT, 'zhiban: forward_sign rows are never deleted'); END;
CREATE TRIGGER entry_withheld_no_update BEFORE UPDATE ON entry_withheld
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_withheld rows never change'); END;
CREATE TRIGGER entry_withheld_no_delete BEFORE DELETE ON entry_withheld
BEGIN SELECT RAISE(ABORT, 'zhiban: entry_withheld rows are never deleted'); END;
CREATE TRIGGER contact_import_no_update BEFORE UPDATE ON contact_import
BEGIN SELECT RAISE(ABORT, 'zhiban: contact_import rows never change'); END;
CREATE TRIGGER contact_import_no_delete BEFORE DELETE ON contact_import
BEGIN SELECT RAISE(ABORT, 'zhiban: contact_import rows are never deleted'); END;
CREATE TRIGGER contact_no_update BEFORE UPDATE ON contact
BEGIN SELECT RAISE(ABORT, 'zhiban: contact rows never change'); END;
CREATE TRIGGER contact_no_delete BEFORE DELETE ON contact
BEGIN SELECT RAISE(ABORT, 'zhiban: contact rows are never deleted'); END;
CREATE TRIGGER contact_removed_no_update BEFORE UPDATE ON contact_removed
BEGIN SELECT RAISE(ABORT, 'zhiban: contact_removed rows never change'); END;
CREATE TRIGGER contact_removed_no_delete BEFORE DELETE ON contact_removed
BEGIN SELECT RAISE(ABORT, 'zhiban: contact_removed rows are never deleted'); END;
CREATE TRIGGER contact_reveal_no_update BEFORE UPDATE ON contact_reveal
BEGIN SELECT RAISE(ABORT, 'zhiban: the reveal log never changes'); END;
CREATE TRIGGER contact_reveal_no_delete BEFORE DELETE ON contact_reveal
BEGIN SELECT RAISE(ABORT, 'zhiban: the reveal log is never deleted'); END;
CREATE TRIGGER spotcheck_no_update BEFORE UPDATE ON spotcheck
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck rows never change'); END;
CREATE TRIGGER spotcheck_no_delete BEFORE DELETE ON spotcheck
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck rows are never deleted'); END;
CREATE TRIGGER spotcheck_unit_no_update BEFORE UPDATE ON spotcheck_unit
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck_unit rows never change'); END;
CREATE TRIGGER spotcheck_unit_no_delete BEFORE DELETE ON spotcheck_unit
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck_unit rows are never deleted'); END;
CREATE TRIGGER spotcheck_call_no_update BEFORE UPDATE ON spotcheck_call
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck_call rows never change'); END;
CREATE TRIGGER spotcheck_call_no_delete BEFORE DELETE ON spotcheck_call
BEGIN SELECT RAISE(ABORT, 'zhiban: spotcheck_call rows are never deleted'); END;
