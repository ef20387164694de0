-- 0015: a reporting clock per recipient, and facts that can be updated (issue 15).
-- urgent_event keeps its columns (its rows' audit digests stay valid): its rule_* columns and
-- due times stay what they were for events recorded before this step, and hold the first upward
-- clock for events recorded after. Both new tables only grow: a re-grade or an added recipient
-- is a newer clock setting, a corrected fact a newer amendment; the newest one is in force.

CREATE TABLE urgent_clock (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES urgent_event (id),
    recipient       TEXT NOT NULL,
    phone_minutes   INTEGER NOT NULL,
    written_minutes INTEGER,                 -- NULL: a phone report only (the 带班领导)
    clock           TEXT NOT NULL,           -- 事发 / 接报
    source          TEXT NOT NULL,           -- 依据 (参考 where it is practice)
    phone_due_at    TEXT NOT NULL,
    written_due_at  TEXT,
    set_at          TEXT NOT NULL,
    why             TEXT NOT NULL,           -- 建立 / 追加 / 改为重大 …
    set_by          TEXT NOT NULL
);
CREATE INDEX urgent_clock_by_event ON urgent_clock (event_id, id);
CREATE TRIGGER urgent_clock_never_changes BEFORE UPDATE ON urgent_clock
BEGIN SELECT RAISE(ABORT, 'zhiban: a reporting clock is never changed'); END;
CREATE TRIGGER urgent_clock_never_deleted BEFORE DELETE ON urgent_clock
BEGIN SELECT RAISE(ABORT, 'zhiban: a reporting clock is never deleted'); END;

CREATE TABLE urgent_fact (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES urgent_event (id),
    field     TEXT NOT NULL,                 -- 事发时间, 事发地点, 死亡 … 待核实, 等级
    old       TEXT NOT NULL,
    new       TEXT NOT NULL,
    reason    TEXT NOT NULL,
    by        TEXT NOT NULL,
    at        TEXT NOT NULL,
    report_id INTEGER REFERENCES urgent_report (id)   -- the 续报 that brought it, if any
);
CREATE INDEX urgent_fact_by_event ON urgent_fact (event_id, id);
CREATE TRIGGER urgent_fact_never_changes BEFORE UPDATE ON urgent_fact
BEGIN SELECT RAISE(ABORT, 'zhiban: an amendment is never changed'); END;
CREATE TRIGGER urgent_fact_never_deleted BEFORE DELETE ON urgent_fact
BEGIN SELECT RAISE(ABORT, 'zhiban: an amendment is never deleted'); END;
