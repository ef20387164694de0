-- 0009: a smaller search index (issue 7's benchmark: 1,688 MiB of the 2,761 MiB file at ten
-- years were search data). The search tables are derived data, so they are made again empty and
-- the store indexes every record when it opens the file (once, with progress; about half a
-- minute at a million records).
--
-- * No trigram index: the per-character index answers words of any length as a phrase of single
--   characters (first page 0.1–1.5 ms at a million records for words that occur) and the trigram
--   index was 600 MiB of the file. Runs of Latin letters and digits (phones, plates) get their
--   own column of four-character pieces, `nums`, because ten digits as tokens are in nearly
--   every document (a phone fragment took 120–180 ms as a phrase of digits alone).
-- * `search_doc` keeps no copy of the searchable text or the pinyin keys (250 MiB): a hit's
--   snippet is built from its record, and `digest` (the first 8 bytes of SHA-256 over the text
--   and the keys, never 0) tells a rewrite whether the document changed.
-- * FTS5's automatic merging off: it merged inside whichever save crossed its work counter (one
--   save in 64 took 65–100 ms at ten years). The app merges in small steps when the keyboard is
--   idle (`Store::tidy_search_index`); FTS5's crisis merge (16 segments on one level) still
--   bounds the index when only scripts write.
DROP TABLE search_tri;
DROP TABLE search_uni;
DROP TABLE search_doc;

-- id is the time key (see 0008 and src/core/search.rs).
CREATE TABLE search_doc (
    id     INTEGER PRIMARY KEY,
    -- Three comparisons, not IN (…): SQLite 3.53 builds a temporary index for IN at every insert.
    kind   TEXT NOT NULL CHECK (kind = '值班记录' OR kind = '来访' OR kind = '紧急事件'),
    ref_id INTEGER NOT NULL,
    at     TEXT NOT NULL,
    status TEXT NOT NULL,
    title  TEXT NOT NULL,
    digest INTEGER NOT NULL,
    UNIQUE (kind, ref_id)
);

-- body: every letter, digit and Han character its own token, `_` between fields and at
-- punctuation; keys: pinyin keys (prefix queries); tags: k<kind> s<status>; nums: runs of
-- Latin letters and digits as overlapping four-character pieces.
CREATE VIRTUAL TABLE search_uni USING fts5 (
    body, keys, tags, nums,
    content = '', contentless_delete = 1, tokenize = "unicode61 tokenchars '_'"
);
INSERT INTO search_uni (search_uni, rank) VALUES ('automerge', 0);
