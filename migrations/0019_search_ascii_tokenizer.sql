-- 0019: a cheaper tokenizer, and merging that suits the background rebuild (issue 16, item 7).
--
-- Every column of `search_uni` is already split into tokens by the store (src/core/search.rs:
-- `body_column` keeps letters, digits and Han characters, one token each, then the pairs, with
-- spaces between; `keys`, `tags` and `nums` likewise), so the tokenizer has nothing to decide
-- but where the spaces are. `unicode61` looked up every character's Unicode category and
-- stripped diacritics: 8 of the 45 s the rebuild spent writing at ten years. `ascii` splits at
-- ASCII separators and folds ASCII case only; the store folds the rest, the same way for what
-- it indexes and for what is searched (measured: docs/PERFORMANCE.md).
--
-- `usermerge` 16 (FTS5's largest; its default is 4): the idle merge waits for 16 segments on a
-- level and merges them at once, so a document is rewritten about once per 16-fold growth
-- instead of once per 4-fold. Searches are as fast (first page 0.2–3.7 ms at ten years).
--
-- The table is made again, empty, and every record indexed again in the background (0017).
DROP TABLE search_uni;
DELETE FROM search_doc;
CREATE VIRTUAL TABLE search_uni USING fts5 (
    body, keys, tags, nums,
    content = '', contentless_delete = 1, tokenize = "ascii tokenchars '_'"
);
INSERT INTO search_uni (search_uni, rank) VALUES ('automerge', 0);
INSERT INTO search_uni (search_uni, rank) VALUES ('usermerge', 16);
INSERT OR REPLACE INTO search_rebuild (kind, below)
    SELECT '值班记录', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM log_entry)
    UNION ALL SELECT '来访', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM visit)
    UNION ALL SELECT '紧急事件', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM urgent_event);
