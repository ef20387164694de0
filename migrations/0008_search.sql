-- 0008: 查询 — one search document per duty-log entry, visit and urgent event, and two FTS5
-- indexes over it (design: src/core/search.rs). Derived data: `Store::write` rebuilds a record's
-- document in the transaction that changes the record, and a database with records but no
-- documents (from before this step, or loaded in bulk) is indexed when opened. Tables named
-- search_* are not records: they are neither audited nor checked by `zhiban verify`.

-- id is the time key: seconds of `at` since 1970-01-01 × 65536 + a sequence number within the
-- second, so rowid order is newest-first order and a date range is a rowid range.
CREATE TABLE search_doc (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('值班记录', '来访', '紧急事件')),
    ref_id INTEGER NOT NULL,
    at     TEXT NOT NULL,        -- entry occurred_at, visit entered_at, event received_at
    status TEXT NOT NULL,
    title  TEXT NOT NULL,        -- who / which unit
    text   TEXT NOT NULL,        -- the searchable fields, one per line
    keys   TEXT NOT NULL,        -- pinyin keys of names and units, space-separated
    UNIQUE (kind, ref_id)
);

-- Words of 3+ characters (no pinyin, no kind or status filter): trigram over the text.
CREATE VIRTUAL TABLE search_tri USING fts5 (
    text,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- Everything else (1–2 characters, pinyin, filters): every letter, digit and Han character its
-- own token, `_` between fields and at punctuation; keys (prefix queries) and tags (k<kind>
-- s<status>) as whole tokens.
CREATE VIRTUAL TABLE search_uni USING fts5 (
    body, keys, tags,
    content = '', contentless_delete = 1, tokenize = "unicode61 tokenchars '_'"
);
