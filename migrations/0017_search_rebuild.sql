-- 0017: the search index is rebuilt in the background, with the app already open (issue 16).
-- A row here asks for it: records of `kind` whose id is below `below` may have no search
-- document yet. The rebuild indexes them newest first, a small batch per transaction, lowering
-- `below` in the same transaction as the documents it wrote (so an interrupted rebuild resumes
-- where it stopped), and deletes the row when it reaches the oldest record. Saves made meanwhile
-- index their own records as always. A migration that remakes the search tables ends by asking
-- for every kind (`below` = the largest integer). Derived data like the other search_* tables:
-- neither audited nor checked by `zhiban verify`.
CREATE TABLE search_rebuild (
    kind  TEXT PRIMARY KEY CHECK (kind = '值班记录' OR kind = '来访' OR kind = '紧急事件'),
    below INTEGER NOT NULL
) WITHOUT ROWID;
