-- 0009: a smaller search index (issue 7's benchmark: 1,688 MiB of the 2,761 MiB file at ten
-- years were search data).
--
-- * No trigram index: the per-character index answers words of any length as a phrase of single
--   characters (measured at 1,200,000 documents: first page 0.1–0.6 ms for words that occur, at
--   worst about 20 ms for an absent long word of common characters) and was 600 MiB of the file.
-- * `search_doc` keeps no copy of the searchable text or the pinyin keys (250 MiB): a hit's
--   snippet is built from its record, and `digest` (the first 8 bytes of SHA-256 over the text
--   and the keys) tells a rewrite whether the document changed. 0 = not known yet (documents from
--   before this step): the next write of such a record rewrites its document.
-- * FTS5's automatic merging off: it merged inside whichever save crossed its work counter (one
--   save in 64 took 65–100 ms). The app merges in small steps when the keyboard is idle
--   (`Store::merge_search_index`); FTS5's crisis merge (16 segments on one level) still bounds
--   the index when only scripts write.
DROP TABLE search_tri;
ALTER TABLE search_doc DROP COLUMN text;
ALTER TABLE search_doc DROP COLUMN keys;
ALTER TABLE search_doc ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
INSERT INTO search_uni (search_uni, rank) VALUES ('automerge', 0);
