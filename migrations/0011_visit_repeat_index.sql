-- 0011: the 重访 check at every visit save asks for the newest earlier visit with the same
-- document number. Through `visit_by_id_key (id_key)` it read every such visit and sorted them
-- (a regular visitor has hundreds; 6.5 s of the ten-year import); this index hands over the
-- newest first. It also serves every `id_key = ?` lookup the old one did.
CREATE INDEX IF NOT EXISTS visit_by_id_key_time ON visit (id_key, entered_at, id);
DROP INDEX IF EXISTS visit_by_id_key;
