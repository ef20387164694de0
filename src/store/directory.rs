//! The directory (通讯录) on disk (migration 0023): imports (`contact_import`), contacts (a row
//! never changes: a correction is a new row that `replaces` it; a removal is a `contact_removed`
//! row), and who revealed a 宅电 (`contact_reveal`). The directory in force is the newest
//! import's rows and rows added by hand after it, less the replaced and the removed.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, time_to_sql};
use crate::core::directory::{Contact, Directory, NewContact};

fn insert_contact(
    tx: &Connection,
    import: Option<i64>,
    replaces: Option<i64>,
    c: &NewContact,
    by: &str,
    at: NaiveDateTime,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO contact (import_id, replaces, name, unit, post, office_phone, mobile, home_phone, groups, note, \
         recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        import,
        replaces,
        c.name.trim(),
        c.unit.trim(),
        c.post.trim(),
        c.office_phone,
        c.mobile,
        c.home_phone,
        c.groups.join("、"),
        c.note.trim(),
        by,
        time_to_sql(at)
    ])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// The newest import's id, if any.
    fn current_import(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT max(id) FROM contact_import")?
            .query_row([], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Replaces the directory with `rows` (already checked, [`crate::core::directory::parse_csv`])
    /// in one transaction; the old rows stay on file. Returns the import's id.
    pub fn import_contacts(&mut self, rows: &[NewContact], source: &str, by: &str, at: NaiveDateTime) -> Result<i64> {
        if rows.is_empty() {
            return Err(StoreError::Refused("没有可导入的联系人".into()));
        }
        if let Some(bad) = rows.iter().position(|c| c.name.trim().is_empty()) {
            return Err(StoreError::Refused(format!("第 {} 个联系人没有姓名", bad + 1)));
        }
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO contact_import (source, rows, imported_by, imported_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                source,
                i64::try_from(rows.len()).unwrap_or(i64::MAX),
                by,
                time_to_sql(at)
            ])?;
            let import = tx.last_insert_rowid();
            for c in rows {
                insert_contact(tx, Some(import), None, c, by, at)?;
            }
            Ok(import)
        })
    }

    /// Adds one contact by hand to the directory in force.
    pub fn add_contact(&mut self, c: &NewContact, by: &str, at: NaiveDateTime) -> Result<i64> {
        if c.name.trim().is_empty() {
            return Err(StoreError::Refused("请填写姓名".into()));
        }
        let import = self.current_import()?;
        self.write(|tx| insert_contact(tx, import, None, c, by, at))
    }

    /// A contact corrected: a new row that replaces `old_id` in the directory in force (the old
    /// row stays on file). Returns the new row's id.
    pub fn replace_contact(&mut self, old_id: i64, c: &NewContact, by: &str, at: NaiveDateTime) -> Result<i64> {
        if c.name.trim().is_empty() {
            return Err(StoreError::Refused("请填写姓名".into()));
        }
        let import = self.contact_in_force(old_id)?;
        self.write(|tx| insert_contact(tx, import, Some(old_id), c, by, at))
    }

    /// A contact taken out of the directory in force (its rows stay on file).
    pub fn remove_contact(&mut self, id: i64, by: &str, at: NaiveDateTime) -> Result<()> {
        self.contact_in_force(id)?;
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO contact_removed (contact_id, removed_by, removed_at) VALUES (?1, ?2, ?3)")?
                .execute(params![id, by, time_to_sql(at)])?;
            Ok(())
        })
    }

    /// The import of contact `id` if it is in the directory in force (not replaced, not
    /// removed, of the newest import); otherwise why not.
    fn contact_in_force(&self, id: i64) -> Result<Option<i64>> {
        let row: Option<Option<i64>> = self
            .conn
            .prepare_cached(
                "SELECT c.import_id FROM contact c WHERE c.id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM contact n WHERE n.replaces = c.id) \
                 AND NOT EXISTS (SELECT 1 FROM contact_removed r WHERE r.contact_id = c.id)",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(import) = row else {
            return Err(StoreError::Refused(format!(
                "第 {id} 号联系人已被更正或移除（也许在另一台终端上）：请重新打开通讯录"
            )));
        };
        if import != self.current_import()? {
            return Err(StoreError::Refused(
                "通讯录已重新导入：这位联系人不在现用的通讯录中，请重新打开通讯录".into(),
            ));
        }
        Ok(import)
    }

    /// The directory in force, in import order.
    pub fn directory(&self) -> Result<Directory> {
        let import = self.current_import()?;
        let contacts = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.name, c.unit, c.post, c.office_phone, c.mobile, c.home_phone, c.groups, c.note \
                 FROM contact c \
                 WHERE c.import_id IS ?1 \
                   AND NOT EXISTS (SELECT 1 FROM contact n WHERE n.replaces = c.id) \
                   AND NOT EXISTS (SELECT 1 FROM contact_removed r WHERE r.contact_id = c.id) \
                 ORDER BY c.id",
            )?
            .query_map([import], |r| {
                let groups: String = r.get(7)?;
                Ok(Contact {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    unit: r.get(2)?,
                    post: r.get(3)?,
                    office_phone: r.get(4)?,
                    mobile: r.get(5)?,
                    home_phone: r.get(6)?,
                    groups: crate::core::directory::split_groups(&groups),
                    note: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Directory::new(contacts))
    }

    /// Logs that `by` read contact `id`'s 宅电 in full. The caller shows it only after this commits.
    pub fn log_contact_reveal(&mut self, id: i64, by: &str, at: NaiveDateTime) -> Result<()> {
        self.log_contact_reveals(&[id], by, at)
    }

    /// Logs a reveal of each of `ids` in one transaction (an export with the 宅电: one fsync, not
    /// one per contact).
    pub fn log_contact_reveals(&mut self, ids: &[i64], by: &str, at: NaiveDateTime) -> Result<()> {
        for id in ids {
            let exists = self
                .conn
                .prepare_cached("SELECT 1 FROM contact WHERE id = ?1")?
                .exists([id])?;
            if !exists {
                return Err(StoreError::Refused(format!("没有第 {id} 号联系人")));
            }
        }
        self.write(|tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO contact_reveal (contact_id, revealed_by, revealed_at) VALUES (?1, ?2, ?3)",
            )?;
            for id in ids {
                insert.execute(params![id, by, time_to_sql(at)])?;
            }
            Ok(())
        })
    }

    /// Who revealed contact `id`'s 宅电, oldest first.
    pub fn contact_reveals(&self, id: i64) -> Result<Vec<(String, NaiveDateTime)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT revealed_by, revealed_at FROM contact_reveal WHERE contact_id = ?1 ORDER BY id")?
            .query_map([id], |r| Ok((r.get(0)?, super::row_time(r, 1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }
}
