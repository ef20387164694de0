-- 0022: what the instruction cycle leaves open, kept as two small sets so that the app (every 30
-- seconds and after each save) finds it without reading ten years of 交办 and notices. Derived
-- data, like the search index: a row is written with its 交办 or notice and removed in the
-- transaction that finishes it (the `task_done` / `notice_done` row, which stays for good). Not
-- audited; `zhiban verify` checks both sets against the records.
CREATE TABLE task_open (task_id INTEGER PRIMARY KEY REFERENCES task (id));
CREATE TABLE notice_open (notice_id INTEGER PRIMARY KEY REFERENCES notice (id));
INSERT INTO task_open (task_id)
    SELECT t.id FROM task t WHERE NOT EXISTS (SELECT 1 FROM task_done d WHERE d.task_id = t.id);
INSERT INTO notice_open (notice_id)
    SELECT n.id FROM notice n WHERE NOT EXISTS (SELECT 1 FROM notice_done d WHERE d.notice_id = n.id);
