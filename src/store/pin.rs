//! PIN checks against the stored hashes, each one recorded (`pin_attempt`, migration 0012): the
//! wait after repeated failures (`core::pin_policy`) is computed from those rows inside the same
//! write transaction, so two terminals and the command line share one count, and a restart does
//! not reset it.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, time_from_sql, time_to_sql};
pub use crate::core::pin_policy::PinCheck as PinOutcome;
use crate::core::pin_policy::{Enrolment, PinPlace, PinStatus, blocked_until};

/// `by` may confirm for `person`: a confirmed approver with a PIN, and not the person.
pub(crate) fn require_approver(conn: &rusqlite::Connection, person: &str, by: &str, by_role: &str) -> Result<()> {
    if !person.is_empty() && by == person {
        return Err(super::StoreError::Refused(format!(
            "{by} 不能确认自己的登记或角色：须由另一位领导确认"
        )));
    }
    let approver = conn
        .prepare_cached(
            "SELECT 1 FROM approver_confirmation c JOIN person_pin p ON p.name = c.person \
             WHERE c.person = ?1 AND c.role = ?2",
        )?
        .exists([by, by_role])?;
    if approver {
        Ok(())
    } else {
        Err(super::StoreError::Refused(format!(
            "{by} 不是已确认的领导：只有已确认的带班/值班领导、办公室主任、分管副主任可以确认"
        )))
    }
}

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
    ///
    /// An `urgent` enrolment (紧急登记: `by` is the outgoing officer, not an approver) is kept
    /// flagged until an approver confirms it ([`Store::confirm_enrolment`]); it never confirms
    /// an approver role.
    pub fn enrol_pin(
        &mut self,
        name: &str,
        hash: &str,
        by: &str,
        approver_role: Option<&str>,
        urgent: bool,
        now: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO person_pin (name, hash, set_at) VALUES (?1, ?2, ?3)")?
                .execute(params![name, hash, time_to_sql(now)])?;
            tx.prepare_cached("INSERT INTO pin_enrolment (person, enrolled_by, at) VALUES (?1, ?2, ?3)")?
                .execute(params![name, by, time_to_sql(now)])?;
            if urgent {
                tx.prepare_cached("INSERT INTO urgent_enrolment (enrolment_id, enrolled_by) VALUES (?1, ?2)")?
                    .execute(params![tx.last_insert_rowid(), by])?;
                return Ok(());
            }
            if let Some(role) = approver_role {
                tx.prepare_cached(
                    "INSERT INTO approver_confirmation (person, role, confirmed_by, at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![name, role, by, time_to_sql(now)])?;
            }
            Ok(())
        })
    }

    /// Each of `people` (name, and the approver role the config gives them if any) with their PIN
    /// facts: set or not, who enrolled it (urgent, confirmed), whether the approver role was
    /// confirmed, and the wrong PINs since their last success. Never a hash.
    pub fn pin_statuses(&self, people: &[(String, Option<String>)]) -> Result<Vec<PinStatus>> {
        let mut pin = self
            .conn
            .prepare_cached("SELECT set_at FROM person_pin WHERE name = ?1")?;
        // The newest enrolment is the current PIN's (a reset removes the PIN; re-enrolment adds one).
        let mut enrolment = self.conn.prepare_cached(
            "SELECT e.enrolled_by, e.at, u.id IS NOT NULL, c.confirmed_by, c.at FROM pin_enrolment e \
             LEFT JOIN urgent_enrolment u ON u.enrolment_id = e.id \
             LEFT JOIN enrolment_confirmation c ON c.enrolment_id = e.id \
             WHERE e.person = ?1 ORDER BY e.id DESC LIMIT 1",
        )?;
        let mut role = self.conn.prepare_cached(
            "SELECT confirmed_by, at FROM approver_confirmation WHERE person = ?1 AND role = ?2 ORDER BY id LIMIT 1",
        )?;
        let mut out = Vec::with_capacity(people.len());
        for (name, approver_role) in people {
            let pin_set_at = pin
                .query_row([name], |r| r.get::<_, String>(0))
                .optional()?
                .map(|t| time_from_sql(&t))
                .transpose()?;
            let enrolment = enrolment
                .query_row([name], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                })
                .optional()?
                .filter(|_| pin_set_at.is_some())
                .map(|(by, at, urgent, confirmed_by, confirmed_at)| -> Result<Enrolment> {
                    Ok(Enrolment {
                        by,
                        at: time_from_sql(&at)?,
                        urgent,
                        confirmed: match (confirmed_by, confirmed_at) {
                            (Some(who), Some(at)) => Some((who, time_from_sql(&at)?)),
                            _ => None,
                        },
                    })
                })
                .transpose()?;
            let approver_confirmed = match approver_role {
                Some(r) => role
                    .query_row([name, r], |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                    })
                    .optional()?
                    .map(|(who, at)| Ok::<_, super::StoreError>((who, time_from_sql(&at)?)))
                    .transpose()?,
                None => None,
            };
            let failures = u32::try_from(failures_since_success(&self.conn, name)?.len()).unwrap_or(u32::MAX);
            out.push(PinStatus {
                name: name.clone(),
                pin_set_at,
                enrolment,
                approver_confirmed,
                failures,
            });
        }
        Ok(out)
    }

    /// An approver (`by`, holding `by_role` in the config, who just typed their PIN) confirms
    /// `person`'s urgent enrolment. Refused unless `by` is a confirmed approver other than the
    /// person and the person's current enrolment is urgent and not yet confirmed.
    pub fn confirm_enrolment(&mut self, person: &str, by: &str, by_role: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            require_approver(tx, person, by, by_role)?;
            let pending: Option<i64> = tx
                .prepare_cached(
                    "SELECT e.id FROM pin_enrolment e JOIN urgent_enrolment u ON u.enrolment_id = e.id \
                     WHERE e.person = ?1 AND e.id = (SELECT max(id) FROM pin_enrolment WHERE person = ?1) \
                     AND NOT EXISTS (SELECT 1 FROM enrolment_confirmation c WHERE c.enrolment_id = e.id)",
                )?
                .query_row([person], |r| r.get(0))
                .optional()?;
            let Some(enrolment_id) = pending else {
                return Err(super::StoreError::Refused(format!("{person} 没有待确认的紧急登记")));
            };
            tx.prepare_cached(
                "INSERT INTO enrolment_confirmation (enrolment_id, confirmed_by, at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![enrolment_id, by, time_to_sql(now)])?;
            Ok(())
        })
    }

    /// An approver (`by`, as above) confirms the approver `role` the config gives `person`, who
    /// has a PIN already (a leader enrolled before the role was written, or enrolled urgently).
    pub fn confirm_approver(
        &mut self,
        person: &str,
        role: &str,
        by: &str,
        by_role: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        self.write(|tx| {
            require_approver(tx, person, by, by_role)?;
            if !tx
                .prepare_cached("SELECT 1 FROM person_pin WHERE name = ?1")?
                .exists([person])?
            {
                return Err(super::StoreError::Refused(format!(
                    "{person} 还没有 PIN：由领导登记时即确认其角色"
                )));
            }
            if tx
                .prepare_cached("SELECT 1 FROM approver_confirmation WHERE person = ?1 AND role = ?2")?
                .exists([person, role])?
            {
                return Err(super::StoreError::Refused(format!("{person} 的{role}角色已经确认过")));
            }
            tx.prepare_cached(
                "INSERT INTO approver_confirmation (person, role, confirmed_by, at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![person, role, by, time_to_sql(now)])?;
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
