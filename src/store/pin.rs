//! PIN checks against the stored hashes, each one recorded (`pin_attempt`, migration 0012): the
//! wait after repeated failures (`core::pin_policy`) is computed from those rows inside the same
//! write transaction, so two terminals and the command line share one count, and a restart does
//! not reset it.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, time_from_sql, time_to_sql};
pub use crate::core::pin_policy::PinCheck as PinOutcome;
use crate::core::pin_policy::{PinPlace, blocked_until};

/// Failures since the person's last success, newest first: (when, where).
fn failures_since_success(conn: &rusqlite::Connection, name: &str) -> Result<Vec<(NaiveDateTime, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, place FROM pin_attempt \
         WHERE attempted_by = ?1 AND ok = 0 AND id > \
           coalesce((SELECT max(id) FROM pin_attempt WHERE attempted_by = ?1 AND ok = 1), 0) \
         ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([name], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (at, place) = row?;
        out.push((time_from_sql(&at)?, place));
    }
    Ok(out)
}

impl Store {
    /// Checks `pin` for `name`, typed at `place`, and records the attempt — unless too many
    /// wrong PINs in a row make this try wait, in which case nothing is checked or recorded.
    pub fn check_pin(&mut self, name: &str, pin: &str, place: PinPlace, now: NaiveDateTime) -> Result<PinOutcome> {
        self.write(|tx| {
            let hash: Option<String> = tx
                .prepare_cached("SELECT hash FROM person_pin WHERE name = ?1")?
                .query_row([name], |r| r.get(0))
                .optional()?;
            let failures = failures_since_success(tx, name)?;
            let in_a_row = u32::try_from(failures.len()).unwrap_or(u32::MAX);
            if let Some(until) = blocked_until(in_a_row, failures.first().map(|f| f.0), now) {
                return Ok(PinOutcome::Wait { until });
            }
            let Some(hash) = hash else {
                return Ok(PinOutcome::NotSet);
            };
            let ok = crate::pin::verify(pin, &hash);
            tx.prepare_cached("INSERT INTO pin_attempt (attempted_by, at, place, ok) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![name, time_to_sql(now), place.label(), ok])?;
            Ok(if ok {
                PinOutcome::Matches {
                    failed_before: failures,
                }
            } else {
                let in_a_row = in_a_row.saturating_add(1);
                PinOutcome::Wrong {
                    in_a_row,
                    wait_until: blocked_until(in_a_row, Some(now), now),
                }
            })
        })
    }

    /// Of `candidates` (name, approver role as config writes it), those who count as approvers:
    /// they have a PIN and that role was confirmed for them.
    pub fn confirmed_approvers(&self, candidates: &[(String, String)]) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM approver_confirmation c JOIN person_pin p ON p.name = c.person \
             WHERE c.person = ?1 AND c.role = ?2",
        )?;
        let mut out = Vec::new();
        for (name, role) in candidates {
            if stmt.exists([name, role])? {
                out.push(name.clone());
            }
        }
        Ok(out)
    }

    /// Gives `name` their first PIN, enrolled by `by` (an approver, or the open-enrolment
    /// marker), in one transaction; when `approver_role` is given (the person holds one in the
    /// config), the enrolment also confirms it. A person who already has a PIN is refused.
    pub fn enrol_pin(
        &mut self,
        name: &str,
        hash: &str,
        by: &str,
        approver_role: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO person_pin (name, hash, set_at) VALUES (?1, ?2, ?3)")?
                .execute(params![name, hash, time_to_sql(now)])?;
            tx.prepare_cached("INSERT INTO pin_enrolment (person, enrolled_by, at) VALUES (?1, ?2, ?3)")?
                .execute(params![name, by, time_to_sql(now)])?;
            if let Some(role) = approver_role {
                tx.prepare_cached(
                    "INSERT INTO approver_confirmation (person, role, confirmed_by, at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![name, role, by, time_to_sql(now)])?;
            }
            Ok(())
        })
    }

    /// Replaces the PIN of a person who has one (they just typed it). Audited like every write.
    pub fn replace_pin(&mut self, name: &str, hash: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let n = tx
                .prepare_cached("UPDATE person_pin SET hash = ?2, set_at = ?3 WHERE name = ?1")?
                .execute(params![name, hash, time_to_sql(now)])?;
            if n == 1 {
                Ok(())
            } else {
                Err(super::StoreError::Refused(format!("{name} 没有可更换的 PIN")))
            }
        })
    }

    /// Every recorded attempt for `name`, oldest first: (when, where, matched).
    pub fn pin_attempts(&self, name: &str) -> Result<Vec<(NaiveDateTime, String, bool)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, place, ok FROM pin_attempt WHERE attempted_by = ?1 ORDER BY id")?;
        let rows = stmt.query_map([name], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, place, ok) = row?;
            out.push((time_from_sql(&at)?, place, ok));
        }
        Ok(out)
    }
}
