-- 0018: pairs of Han characters in the search index (issue 16, item 2). `body` now holds, after
-- its characters, every two adjacent Han characters as one token (src/core/search.rs,
-- `body_column`), and a word of two or more Han characters is found by its phrase of pairs. A
-- word of common characters that never stand together (局镇, 核电站泄漏) made FTS5 check
-- positions in every document holding all its characters (18–68 ms at ten years); a pair that
-- occurs nowhere has no entry, 0.01 ms. The index grows by about 374 MiB at ten years
-- (docs/perf-pairs.md).
--
-- The tables keep their definitions (whatever the migrations before made them); their rows go,
-- and every record is indexed again from its record: the search tables are derived data. Both
-- are cleared whole, not row by row: DELETE without WHERE on a table without triggers truncates
-- it, and FTS5's 'delete-all' drops every segment of a contentless table at once.
DELETE FROM search_doc;
INSERT INTO search_uni (search_uni) VALUES ('delete-all');
-- Only kinds that have records: a new, empty file has nothing to rebuild.
INSERT OR REPLACE INTO search_rebuild (kind, below)
    SELECT '值班记录', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM log_entry)
    UNION ALL SELECT '来访', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM visit)
    UNION ALL SELECT '紧急事件', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM urgent_event);
