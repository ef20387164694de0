-- 0025: documents received (收文登记, 0023) are searched like the log (issue 18, item 1), and
-- a secret item's forward is refused by the file itself (below). The
-- search tables accept a fourth kind, 收文. Only their CHECK constraints change, so the rows are
-- copied as they are (the FTS index keys its rows by the same ids: nothing is indexed again);
-- the documents registered since 0023 are indexed by the background rebuild.
CREATE TABLE search_doc_0025 (
    id     INTEGER PRIMARY KEY,
    -- Comparisons, not IN (…): SQLite builds a temporary index for IN at every insert.
    kind   TEXT NOT NULL CHECK (kind = '值班记录' OR kind = '来访' OR kind = '紧急事件' OR kind = '收文'),
    ref_id INTEGER NOT NULL,
    at     TEXT NOT NULL,
    status TEXT NOT NULL,
    title  TEXT NOT NULL,
    digest INTEGER NOT NULL,
    UNIQUE (kind, ref_id)
);
INSERT INTO search_doc_0025 (id, kind, ref_id, at, status, title, digest)
    SELECT id, kind, ref_id, at, status, title, digest FROM search_doc;
DROP TABLE search_doc;
ALTER TABLE search_doc_0025 RENAME TO search_doc;

CREATE TABLE search_rebuild_0025 (
    kind  TEXT PRIMARY KEY CHECK (kind = '值班记录' OR kind = '来访' OR kind = '紧急事件' OR kind = '收文'),
    below INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_rebuild_0025 (kind, below) SELECT kind, below FROM search_rebuild;
DROP TABLE search_rebuild;
ALTER TABLE search_rebuild_0025 RENAME TO search_rebuild;
INSERT OR REPLACE INTO search_rebuild (kind, below)
    SELECT '收文', 9223372036854775807 WHERE EXISTS (SELECT 1 FROM document);

-- A secret item is never forwarded (000:162): whatever path writes a forward, the file refuses
-- one of a document that is a 密件 (its 拟办意见 would be text about it).
CREATE TRIGGER forward_of_secret_refused BEFORE INSERT ON forward
WHEN NEW.document_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM document d WHERE d.id = NEW.document_id AND d.secrecy <> '非密')
BEGIN SELECT RAISE(ABORT, 'zhiban: a secret item is never forwarded'); END;
