-- 0017: PLACEHOLDER, only on branch `pairs`. The lead's 0017 (the search index rebuilt in the
-- background) takes this number; when it is merged this file goes and its own stays. It makes the
-- one table of that contract which 0018 writes: a row means records of that kind with
-- id < below may lack search documents, and the background backfill indexes them newest first,
-- deleting the row when done. (Until then this branch's backfill at open, which finds the
-- missing documents by itself, does the work and leaves the rows.)
CREATE TABLE search_rebuild (
    kind  TEXT PRIMARY KEY,
    below INTEGER NOT NULL
);
