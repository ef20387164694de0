-- 交接班: a handover exists only once both officers signed it, and from then on it never changes.

CREATE TABLE handover (
    id           INTEGER PRIMARY KEY,
    outgoing     TEXT NOT NULL,
    incoming     TEXT NOT NULL,
    shift_start  TEXT NOT NULL,
    built_at     TEXT NOT NULL,
    signed_at    TEXT NOT NULL,
    summary      TEXT NOT NULL,
    handed_items TEXT NOT NULL,
    records      TEXT NOT NULL,
    -- How many items were signed for: the item table accepts exactly this many, then is sealed.
    item_count   INTEGER NOT NULL CHECK (item_count >= 0)
);

CREATE TABLE handover_item (
    id           INTEGER PRIMARY KEY,
    handover_id  INTEGER NOT NULL REFERENCES handover (id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    ref_id       INTEGER NOT NULL,
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    must_carry   INTEGER NOT NULL,
    first_handed INTEGER,
    check_state  TEXT NOT NULL CHECK (check_state IN ('已确认', '有疑问')),
    question     TEXT NOT NULL DEFAULT '',
    UNIQUE (handover_id, seq)
);
-- "Carried since handover N": the first handover that named this item.
CREATE INDEX handover_item_by_ref ON handover_item (kind, ref_id, handover_id);

CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover is never deleted'); END;
CREATE TRIGGER handover_item_no_update BEFORE UPDATE ON handover_item
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END;
CREATE TRIGGER handover_item_no_delete BEFORE DELETE ON handover_item
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover is never deleted'); END;
-- No item can be slipped into a handover after it was signed.
CREATE TRIGGER handover_item_sealed BEFORE INSERT ON handover_item
WHEN (SELECT count(*) FROM handover_item WHERE handover_id = NEW.handover_id)
     >= (SELECT item_count FROM handover WHERE id = NEW.handover_id)
BEGIN SELECT RAISE(ABORT, 'zhiban: a signed handover never changes'); END;

-- Signature PINs, hashed (Argon2id, PHC string). Set at a person's first signature.
CREATE TABLE person_pin (
    name   TEXT PRIMARY KEY,
    hash   TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- The handover reads every entry not yet 已办结; this keeps that fast on a large log.
CREATE INDEX log_entry_open ON log_entry (occurred_at, id) WHERE status <> '已办结';
