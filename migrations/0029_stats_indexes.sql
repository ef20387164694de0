-- 0029 (issue 19, item 2): time indexes for the 月度统计, so that a month's or a year's figures
-- read only their slice of ten years: urgent events by 接报时间, signed handovers by 签字时间,
-- 交办 by when they were given. Indexes only: no row, digest or trigger changes.
-- (Numbered 0029: 0028 is the notify hook's, written on another branch.)
CREATE INDEX IF NOT EXISTS urgent_event_by_received ON urgent_event (received_at, id);
CREATE INDEX IF NOT EXISTS handover_by_signed ON handover (signed_at, id);
CREATE INDEX IF NOT EXISTS task_by_recorded ON task (recorded_at, id);
