-- 0016: a 值班日报 marked as sent (已报送): the period it covers, when it was sent, to whom, how
-- (电话、传真、电子邮件、机要、其他), who signed it off (签发人), and its text exactly as sent.
-- A record, audited, never changed or removed: sending a period again is another row.
-- (0015 is another change's number.)
CREATE TABLE daily_report_sent (
    id           INTEGER PRIMARY KEY,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    sent_at      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    method       TEXT NOT NULL,
    signer       TEXT NOT NULL,
    text         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX daily_report_sent_by_period ON daily_report_sent (period_end, period_start);
CREATE TRIGGER daily_report_sent_never_changes BEFORE UPDATE ON daily_report_sent
BEGIN SELECT RAISE(ABORT, 'zhiban: a report sent is never changed'); END;
CREATE TRIGGER daily_report_sent_never_deleted BEFORE DELETE ON daily_report_sent
BEGIN SELECT RAISE(ABORT, 'zhiban: a report sent is never deleted'); END;
