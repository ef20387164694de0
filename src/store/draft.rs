//! Drafts of unsaved typing (issue 14): kept per person and screen when the terminal closes (or
//! every few seconds while a form is dirty), offered at that person's next sign-in, removed once
//! used or discarded. Not records: outside the audit and the checks; `secure_delete` (set at
//! open) overwrites a removed draft's bytes in the file.

use chrono::NaiveDateTime;
use rusqlite::params;

use super::{Result, Store, time_from_sql, time_to_sql};

impl Store {
    /// Replaces `person`'s drafts by `drafts` (screen, body) in one transaction.
    ///
    /// When none are left, or fewer than before, or `scrub` asks (a form dropped text that must
    /// leave no copy), the write-ahead log is checkpointed and emptied:
    /// with `secure_delete` the removed text is zeroed in the database, and no older copy stays in
    /// the log either.
    pub fn save_drafts(
        &mut self,
        person: &str,
        drafts: &[(String, String)],
        scrub: bool,
        now: NaiveDateTime,
    ) -> Result<()> {
        let removed = self.write(|tx| {
            let before = tx
                .prepare_cached("DELETE FROM draft WHERE person = ?1")?
                .execute([person])?;
            let mut insert =
                tx.prepare_cached("INSERT INTO draft (person, screen, body, saved_at) VALUES (?1, ?2, ?3, ?4)")?;
            for (screen, body) in drafts {
                insert.execute(params![person, screen, body, time_to_sql(now)])?;
            }
            Ok(before > drafts.len())
        })?;
        // A draft that went away (its form saved, discarded, or turned into a secret item's,
        // whose typed title must leave no trace) takes its older copies out of the log too.
        if drafts.is_empty() || removed || scrub {
            // Best effort: another terminal reading keeps the log until it is done; the next
            // emptying catches up.
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// `person`'s drafts: (screen, body, when kept).
    pub fn drafts(&self, person: &str) -> Result<Vec<(String, String, NaiveDateTime)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT screen, body, saved_at FROM draft WHERE person = ?1 ORDER BY screen")?;
        let rows = stmt.query_map([person], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (screen, body, at) = row?;
            out.push((screen, body, time_from_sql(&at)?));
        }
        Ok(out)
    }
}
