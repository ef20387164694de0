//! SQL for visitor registration: register a visit (with its representatives and its 重访 link, in
//! one transaction), check out once, who is inside, recent visits, look a visitor up, the reveal
//! log for full ID numbers, and the watch list.
//!
//! A visit's full document number is stored and returned in [`Visit`]; screens show
//! [`crate::core::idcard::mask`] of it and call [`Store::record_reveal`] to show it in full, which
//! logs who saw it and when.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Result, Store, StoreError, row_label, row_opt_time, row_time, time_to_sql};
use crate::core::idcard::{self, Gender};
use crate::core::name_pinyin::search_keys;
use crate::core::search::{Budget, DocKind, Unlimited};
use crate::core::validate::format_minute;
use crate::core::visit::{
    IdType, LookupAnswer, NewVisit, NewWatchEntry, Petition, PreviousVisit, RepeatKey, Representative, Reveal, Visit,
    VisitId, VisitorMatch, WatchEntry, WatchId, find_repeat,
};
use crate::core::visit_lookup::{LookupBudget, lookup_plan};
use crate::core::visit_screen::{VisitAnchor, VisitPageRequest};

pub use crate::core::visit_lookup::LOOKUP_LIMIT;

const VISIT_COLUMNS: &str = "v.id, v.name, v.gender, v.id_type, v.id_number, v.employer, v.phone, v.people_count, \
     v.companions, v.purpose, v.host, v.plate, v.belongings, v.handling, v.entered_at, v.is_petition, \
     v.petition_address, v.petition_matter, v.registered_by, v.registered_at, v.checked_out_at, v.checked_out_by, \
     v.repeat_of";

/// A visit row without its representatives and previous-visit summary (see [`complete`]).
fn visit_from_row(row: &Row<'_>) -> rusqlite::Result<Visit> {
    let is_petition: bool = row.get(15)?;
    Ok(Visit {
        id: row.get(0)?,
        fields: NewVisit {
            name: row.get(1)?,
            gender: row_label(row, 2, Gender::parse)?,
            id_type: row_label(row, 3, IdType::parse)?,
            id_number: row.get(4)?,
            employer: row.get(5)?,
            phone: row.get(6)?,
            people_count: row.get(7)?,
            companions: row.get(8)?,
            purpose: row.get(9)?,
            host: row.get(10)?,
            plate: row.get(11)?,
            belongings: row.get(12)?,
            handling: row.get(13)?,
            entered_at: row_time(row, 14)?,
            petition: if is_petition {
                Some(Petition {
                    address: row.get(16)?,
                    matter: row.get(17)?,
                })
            } else {
                None
            },
            representatives: Vec::new(),
            registered_by: row.get(18)?,
            registered_at: row_time(row, 19)?,
        },
        checked_out_at: row_opt_time(row, 20)?,
        checked_out_by: row.get(21)?,
        repeat_of: row.get(22)?,
        previous: None,
    })
}

/// Reads visits matching `tail` (a `WHERE … ORDER BY …` on alias `v`) with their representatives
/// and the summary of the visit each repeats.
pub(super) fn read_visits(conn: &Connection, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Visit>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {VISIT_COLUMNS} FROM visit v {tail}"))?;
    let visits = stmt
        .query_map(params, visit_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    visits.into_iter().map(|v| complete(conn, v)).collect()
}

/// Adds the representatives and the previous-visit summary to a bare visit row.
fn complete(conn: &Connection, mut visit: Visit) -> Result<Visit> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, id_number, phone, is_liaison FROM visit_representative WHERE visit_id = ?1 ORDER BY id",
    )?;
    visit.fields.representatives = stmt
        .query_map([visit.id], |r| {
            Ok(Representative {
                name: r.get(0)?,
                id_number: r.get(1)?,
                phone: r.get(2)?,
                is_liaison: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(prev) = visit.repeat_of {
        visit.previous = bare_visit(conn, prev)?.map(|p| p.summary());
    }
    Ok(visit)
}

fn bare_visit(conn: &Connection, id: VisitId) -> Result<Option<Visit>> {
    Ok(conn
        .query_row(
            &format!("SELECT {VISIT_COLUMNS} FROM visit v WHERE v.id = ?1"),
            [id],
            visit_from_row,
        )
        .optional()?)
}

/// The stored visits a visit with `key` might repeat, narrowed by SQL; [`find_repeat`] decides.
/// `keys`: the keys its number is stored under (the number, and its digest once visits were
/// reduced: [`Store::number_keys`]).
fn repeat_candidates(conn: &Connection, key: &RepeatKey, keys: &(String, String)) -> Result<Vec<PreviousVisit>> {
    let mut out = Vec::new();
    // The same document number: the newest such visit under each key is the one (`id_key` is
    // empty for 其他, so every row found has a number that counts), straight from
    // `visit_by_id_key_time`.
    if !key.id_number.is_empty() {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {VISIT_COLUMNS} FROM visit v WHERE v.id_key = ?1 ORDER BY v.entered_at DESC, v.id DESC LIMIT 1"
        ))?;
        let both = [&keys.0, &keys.1];
        for k in if keys.0 == keys.1 { &both[..1] } else { &both[..] } {
            for v in stmt.query_map([k], visit_from_row)? {
                let mut previous = v?.summary();
                previous.same_number = true;
                out.push(previous);
            }
        }
    }
    // 信访 by the same name: the matter decides ([`find_repeat`]), so the newest few hundred.
    if key.matter.is_some() {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {VISIT_COLUMNS} FROM visit v WHERE v.is_petition = 1 AND v.name = ?1 \
             ORDER BY v.entered_at DESC, v.id DESC LIMIT 500"
        ))?;
        for v in stmt.query_map([&key.name], visit_from_row)? {
            out.push(v?.summary());
        }
    }
    Ok(out)
}

fn last_visit(conn: &Connection, key: &RepeatKey, keys: &(String, String)) -> Result<Option<PreviousVisit>> {
    let candidates = repeat_candidates(conn, key, keys)?;
    Ok(find_repeat(key, &candidates).cloned())
}

/// `%` and `_` typed by an officer are searched for literally.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A visit's name contains the fragment (`?N`: the `LIKE` pattern).
const NAME_HIT: &str = "v.name LIKE ?N ESCAPE '\\'";

/// A visit's name has pinyin starting with the prefix (`?N`, lower-case letters): initials, full,
/// or another reading.
const PINYIN_HIT: &str = "(v.py_initials LIKE ?N || '%' ESCAPE '\\' OR v.py_full LIKE ?N || '%' ESCAPE '\\' \
     OR ' ' || v.py_alt LIKE '% ' || ?N || '%' ESCAPE '\\')";

/// Who a visit's visitor is, for one row per person: the document number, or the name without one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Person {
    Number(String),
    Name(String),
}

/// A visit's place in time: the entry time as stored (it sorts as text), then the id.
type Key = (String, VisitId);

/// The columns every way of answering reads first.
const HIT_COLUMNS: &str = "v.id_key, v.name, v.entered_at, v.id";

fn hit_from_row(r: &Row<'_>) -> rusqlite::Result<(Person, Key)> {
    let id_key: String = r.get(0)?;
    let person = if id_key.is_empty() {
        Person::Name(r.get(1)?)
    } else {
        Person::Number(id_key)
    };
    Ok((person, (r.get(2)?, r.get(3)?)))
}

/// The persons found so far, each with their newest matching visit. Every way of answering adds
/// either all its matches, or walks newest first and stops once the rest could not be among the
/// newest [`LOOKUP_LIMIT`] persons — so those are always here.
struct Found<'b> {
    newest: std::collections::HashMap<Person, Key>,
    /// The lookup's time: once it is spent the lookup stops where it is and says so.
    time: &'b mut dyn Budget,
    /// Stopped by `time`: the persons found are not all there may be.
    cut: bool,
    /// The key of the digests, once there is one: a full number found is counted under its
    /// digest, as the same person's visits reduced after the retention period are.
    key: Option<[u8; 32]>,
    /// The full numbers met, by the digest they are counted under.
    numbers: std::collections::HashMap<String, String>,
}

/// Rows a walk reads between two looks at the time.
const ROWS_BETWEEN_LOOKS: usize = 256;

/// Visit ids a scan of every visit reads at a time, newest first, looking at the time between
/// (about 5 ms at ten years).
const SCAN_CHUNK: i64 = 20_000;

impl<'b> Found<'b> {
    fn new(time: &'b mut dyn Budget, key: Option<[u8; 32]>) -> Self {
        Self {
            newest: std::collections::HashMap::new(),
            time,
            cut: false,
            key,
            numbers: std::collections::HashMap::new(),
        }
    }

    /// One person however their visits are keyed: a full number as its digest (when there is a
    /// key), remembering the number.
    fn canon(&mut self, person: Person) -> Person {
        match (person, &self.key) {
            (Person::Number(n), Some(k)) if !crate::core::retention::is_digest(&n) => {
                let digest = crate::core::retention::keyed_digest(k, &n);
                self.numbers.entry(digest.clone()).or_insert(n);
                Person::Number(digest)
            }
            (p, _) => p,
        }
    }

    /// Whether the time is spent (and so the lookup cut).
    fn out_of_time(&mut self) -> bool {
        if !self.cut && self.time.spent() >= self.time.allowed() {
            self.cut = true;
        }
        self.cut
    }

    fn add(&mut self, person: Person, key: Key) {
        let person = self.canon(person);
        match self.newest.get_mut(&person) {
            Some(newest) if *newest >= key => {}
            Some(newest) => *newest = key,
            None => {
                self.newest.insert(person, key);
            }
        }
    }

    /// The entry time of the [`LOOKUP_LIMIT`]th newest person found, once there are that many: a
    /// walk can stop at a visit older than it.
    fn floor(&self) -> Option<String> {
        if self.newest.len() < LOOKUP_LIMIT {
            return None;
        }
        let mut times: Vec<&String> = self.newest.values().map(|k| &k.0).collect();
        times.sort_unstable_by(|a, b| b.cmp(a));
        times.get(LOOKUP_LIMIT - 1).map(|t| (*t).clone())
    }

    /// Every visit matching `condition` (on alias `v`, its parameter `?N`), read newest first a
    /// chunk of ids at a time, until none are left or the time is spent (then `cut`).
    fn scan(&mut self, conn: &Connection, condition: &str, arg: &str) -> Result<()> {
        let condition = condition.replace("?N", "?3");
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS} FROM visit v WHERE v.id < ?1 AND v.id >= ?2 AND {condition}"
        ))?;
        let newest: Option<i64> = conn.query_row("SELECT max(id) FROM visit", [], |r| r.get(0))?;
        let mut below = newest.map_or(0, |n| n + 1);
        while below > 0 {
            if self.out_of_time() {
                return Ok(());
            }
            let from = below.saturating_sub(SCAN_CHUNK).max(0);
            for hit in stmt.query_map(params![below, from, arg], hit_from_row)? {
                let (person, key) = hit?;
                self.add(person, key);
            }
            below = from;
        }
        Ok(())
    }

    /// Every visit matching `condition` (on alias `v`, its parameter `?1` or `?N`).
    fn all(&mut self, conn: &Connection, condition: &str, args: impl rusqlite::Params) -> Result<()> {
        let condition = condition.replace("?N", "?1");
        let mut stmt = conn.prepare_cached(&format!("SELECT {HIT_COLUMNS} FROM visit v WHERE {condition}"))?;
        for hit in stmt.query_map(args, hit_from_row)? {
            let (person, key) = hit?;
            self.add(person, key);
        }
        Ok(())
    }

    /// Walks `rows` (newest first: the hit columns, then whether the visit matches) until
    /// [`LOOKUP_LIMIT`] persons matched, a visit older than the floor, or `budget` rows read.
    /// True if that answers it (the first two, or no rows left); false if the budget ran out.
    fn walk(&mut self, mut rows: rusqlite::Rows<'_>, budget: usize) -> Result<bool> {
        let mut floor = self.floor();
        let mut persons = std::collections::HashSet::new();
        for read in 0..budget {
            // Out of time: what is found stands, marked cut, and no other way is tried.
            if read % ROWS_BETWEEN_LOOKS == 0 && self.out_of_time() {
                return Ok(true);
            }
            let Some(r) = rows.next()? else {
                return Ok(true);
            };
            let (person, key) = hit_from_row(r)?;
            let person = self.canon(person);
            // Older than the floor: not among the newest. (Visits of the floor's own second are
            // still read: the search index orders a second's visits by when they were indexed.)
            if floor.as_ref().is_some_and(|f| key.0 < *f) {
                return Ok(true);
            }
            if r.get::<_, bool>(4)? {
                persons.insert(person.clone());
                if persons.len() >= LOOKUP_LIMIT && floor.as_ref().is_none_or(|f| key.0 > *f) {
                    floor = Some(key.0.clone());
                }
                self.add(person, key);
            }
        }
        Ok(rows.next()?.is_none())
    }

    /// The newest visits in entry order, each checked against the whole rule.
    fn newest_visits(&mut self, conn: &Connection, name: &str, pinyin: Option<&str>, budget: usize) -> Result<bool> {
        let rule = format!(
            "({} OR (?2 IS NOT NULL AND {}))",
            NAME_HIT.replace("?N", "?1"),
            PINYIN_HIT.replace("?N", "?2")
        );
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS}, {rule} FROM visit v ORDER BY v.entered_at DESC, v.id DESC"
        ))?;
        let rows = stmt.query(params![name, pinyin])?;
        self.walk(rows, budget)
    }

    /// Candidates from the search index (MATCH `expr`) newest first, `rule` (its `?N` = `arg`)
    /// checked on each visit.
    fn candidates(&mut self, conn: &Connection, expr: &str, rule: &str, arg: &str, budget: usize) -> Result<bool> {
        let rule = rule.replace("?N", "?2");
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS}, {rule} FROM search_uni u JOIN search_doc d ON d.id = u.rowid \
             JOIN visit v ON v.id = d.ref_id WHERE search_uni MATCH ?1 AND d.kind = ?3 ORDER BY u.rowid DESC"
        ))?;
        let rows = stmt.query(params![expr, arg, DocKind::Visit.label()])?;
        self.walk(rows, budget)
    }

    /// The `limit` persons whose newest matching visit is newest, each with the full number
    /// met for a digest.
    fn newest(self, limit: usize) -> Vec<(Person, Option<String>)> {
        let mut all: Vec<(Person, Key)> = self.newest.into_iter().collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1));
        let mut numbers = self.numbers;
        all.into_iter()
            .take(limit)
            .map(|(p, _)| {
                let full = match &p {
                    Person::Number(d) => numbers.remove(d),
                    Person::Name(_) => None,
                };
                (p, full)
            })
            .collect()
    }
}

/// A person's latest visit and how many visits they made, through the index on `id_key` (or on
/// `name`, for a person without a number). A number is looked for under both its keys (`full`:
/// the number, when the person is known by its digest): visits reduced after the retention
/// period keep only the digest.
fn latest_visit(conn: &Connection, person: &Person, full: Option<&str>) -> Result<Option<VisitorMatch>> {
    let (count, newest, args) = match person {
        Person::Number(n) => (
            "SELECT count(*) FROM visit WHERE id_key IN (?1, ?2)",
            // The newest under each key, each straight from `visit_by_id_key_time`.
            "SELECT id FROM (SELECT * FROM (SELECT entered_at, id FROM visit WHERE id_key = ?1 \
             ORDER BY entered_at DESC, id DESC LIMIT 1) UNION ALL SELECT * FROM (SELECT entered_at, id FROM visit \
             WHERE id_key = ?2 ORDER BY entered_at DESC, id DESC LIMIT 1)) ORDER BY entered_at DESC, id DESC LIMIT 1",
            vec![full.unwrap_or(n), n.as_str()],
        ),
        // `+id_key`: through `visit_by_name` (a few rows), never the number index, which holds
        // every visit without a number under ''.
        Person::Name(n) => (
            "SELECT count(*) FROM visit WHERE name = ?1 AND +id_key = ''",
            "SELECT id FROM visit WHERE name = ?1 AND +id_key = '' ORDER BY entered_at DESC, id DESC LIMIT 1",
            vec![n.as_str()],
        ),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VISIT_COLUMNS}, ({count}) FROM visit v WHERE v.id = ({newest})"
    ))?;
    Ok(stmt
        .query_row(rusqlite::params_from_iter(args), |r| {
            // Columns: the visit's 23, then the count.
            Ok((visit_from_row(r)?, r.get::<_, u32>(23)?))
        })
        .optional()?
        .map(|(v, visits)| VisitorMatch {
            visit_id: v.id,
            last_outcome: v.outcome(),
            inside: v.is_inside(),
            name: v.fields.name,
            gender: v.fields.gender,
            id_type: v.fields.id_type,
            id_number: v.fields.id_number,
            employer: v.fields.employer,
            phone: v.fields.phone,
            last_entered_at: v.fields.entered_at,
            last_purpose: v.fields.purpose,
            visits,
        }))
}

impl Store {
    /// Registers a visit and its representatives in one transaction. If it repeats an earlier
    /// visit (same document number, or for 信访 the same name and matter — see
    /// [`crate::core::visit::is_repeat`]), `repeat_of` is set to the most recent one; read it back
    /// with [`Store::visit`] to show 上次来访时间 and outcome.
    pub fn add_visit(&mut self, v: &NewVisit) -> Result<VisitId> {
        let key = v.repeat_key();
        let keys = search_keys(&v.name);
        // A key file gone bad never stops a visit being saved: its number alone is looked for
        // then (a lookup says what is wrong with the file).
        let number_keys = self
            .number_keys(&key.id_number)
            .unwrap_or_else(|_| (key.id_number.clone(), key.id_number.clone()));
        self.write(|tx| {
            let repeat_of = last_visit(tx, &key, &number_keys)?.map(|p| p.id);
            let (address, matter) = v
                .petition
                .as_ref()
                .map_or(("", ""), |p| (p.address.as_str(), p.matter.as_str()));
            tx.prepare_cached(
                "INSERT INTO visit (name, gender, id_type, id_number, id_key, id_last4, employer, phone, people_count, \
                 companions, purpose, host, plate, belongings, handling, entered_at, is_petition, petition_address, \
                 petition_matter, py_initials, py_full, py_alt, repeat_of, registered_by, registered_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
                 ?21, ?22, ?23, ?24, ?25)",
            )?
            .execute(params![
                v.name,
                v.gender.label(),
                v.id_type.label(),
                v.id_number,
                key.id_number,
                idcard::last4(&key.id_number),
                v.employer,
                v.phone,
                v.people_count,
                v.companions,
                v.purpose,
                v.host,
                v.plate,
                v.belongings,
                v.handling,
                time_to_sql(v.entered_at),
                v.petition.is_some(),
                address,
                matter,
                keys.initials,
                keys.full,
                keys.alternates_line(),
                repeat_of,
                v.registered_by,
                time_to_sql(v.registered_at),
            ])?;
            let id = tx.last_insert_rowid();
            let mut stmt = tx.prepare_cached(
                "INSERT INTO visit_representative (visit_id, name, id_number, phone, is_liaison) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for r in &v.representatives {
                stmt.execute(params![id, r.name, r.id_number, r.phone, r.is_liaison])?;
            }
            Ok(id)
        })
    }

    /// Records that the visitor left, once. Refused (naming when and by whom) if the departure was
    /// already recorded, e.g. from another terminal, and if `now` is before the entry.
    pub fn checkout(&mut self, id: VisitId, by: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let (name, entered_at, out_at, out_by): (String, NaiveDateTime, Option<NaiveDateTime>, Option<String>) = tx
                .prepare_cached("SELECT name, entered_at, checked_out_at, checked_out_by FROM visit WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok((r.get(0)?, row_time(r, 1)?, row_opt_time(r, 2)?, r.get(3)?))
                })
                .optional()?
                .ok_or(StoreError::NotFound(id))?;
            if let Some(at) = out_at {
                return Err(StoreError::Refused(format!(
                    "第 {id} 号来访（{name}）已于 {} 由{}登记离开，不能重复登记：请刷新在楼人员名单",
                    format_minute(at),
                    out_by.unwrap_or_default()
                )));
            }
            if now < entered_at {
                return Err(StoreError::Refused(format!(
                    "离开时间 {} 早于第 {id} 号来访（{name}）的进入时间 {}：请核对本机时间",
                    format_minute(now),
                    format_minute(entered_at)
                )));
            }
            tx.prepare_cached(
                "UPDATE visit SET checked_out_at = ?1, checked_out_by = ?2 WHERE id = ?3 AND checked_out_at IS NULL",
            )?
            .execute(params![time_to_sql(now), by, id])?;
            Ok(())
        })
    }

    /// 在楼人员: visitors who had entered by `now` and had not left at `now`, oldest entry first.
    /// With the current time this is who is inside; with a shift's end, who was inside then.
    pub fn visits_inside(&self, now: NaiveDateTime) -> Result<Vec<Visit>> {
        // Found through visit_by_checkout (not yet left, or left after `now`): the `+` keeps the
        // planner off visit_by_time, which would read every visit that ever entered.
        read_visits(
            &self.conn,
            "WHERE (v.checked_out_at IS NULL OR v.checked_out_at > ?1) AND +v.entered_at <= ?1 \
             ORDER BY +v.entered_at, v.id",
            [time_to_sql(now)],
        )
    }

    /// The newest visits by entry time, at most `limit`.
    pub fn recent_visits(&self, limit: usize) -> Result<Vec<Visit>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read_visits(&self.conn, "ORDER BY v.entered_at DESC, v.id DESC LIMIT ?1", [limit])
    }

    /// A page of 全部来访, newest first, read by key through the index on entry time however
    /// many visits there are: the visits alone, without representatives or the previous visit's
    /// summary (one statement; [`Store::visit`] reads a visit whole).
    pub fn visits_page(&self, req: &VisitPageRequest) -> Result<Vec<Visit>> {
        use rusqlite::types::Value;
        let limit = Value::Integer(i64::try_from(req.limit).unwrap_or(i64::MAX));
        let (condition, order, key) = match req.anchor {
            VisitAnchor::Newest => ("", "DESC", None),
            VisitAnchor::Before(k) => ("WHERE (v.entered_at, v.id) < (?2, ?3)", "DESC", Some(k)),
            VisitAnchor::AtOrBefore(k) => ("WHERE (v.entered_at, v.id) <= (?2, ?3)", "DESC", Some(k)),
            VisitAnchor::After(k) => ("WHERE (v.entered_at, v.id) > (?2, ?3)", "ASC", Some(k)),
        };
        let mut args = vec![limit];
        if let Some(k) = key {
            args.extend([Value::Text(time_to_sql(k.entered_at)), Value::Integer(k.id)]);
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VISIT_COLUMNS} FROM visit v {condition} ORDER BY v.entered_at {order}, v.id {order} LIMIT ?1"
        ))?;
        let mut rows = stmt
            .query_map(rusqlite::params_from_iter(args), visit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if order == "ASC" {
            rows.reverse();
        }
        Ok(rows)
    }

    /// One visit with its representatives and, for a 重访, the earlier visit's summary.
    pub fn visit(&self, id: VisitId) -> Result<Visit> {
        read_visits(&self.conn, "WHERE v.id = ?1", [id])?
            .pop()
            .ok_or(StoreError::NotFound(id))
    }

    /// Finds visitors by what an officer types: a full document number, the last 4 characters of
    /// one, part of a name, or the name's pinyin (initials `zs` or a prefix of the full pinyin
    /// `zhangs`, case-insensitive, surname readings included). One row per person — the same
    /// document number, or the same name where there is no number — with their latest visit and
    /// how many visits they made; newest first, at most [`LOOKUP_LIMIT`]. How it stays fast at
    /// ten years: [`crate::core::visit_lookup`].
    pub fn lookup(&self, query: &str) -> Result<Vec<VisitorMatch>> {
        self.lookup_with(query, LookupBudget::DEFAULT)
    }

    /// [`Store::lookup`] with other budgets: tests give tiny ones to take every way of answering,
    /// which must give the same answer.
    #[doc(hidden)]
    pub fn lookup_with(&self, query: &str, budget: LookupBudget) -> Result<Vec<VisitorMatch>> {
        Ok(self.lookup_within(query, budget, &mut Unlimited)?.matches)
    }

    /// [`Store::lookup`] within a time budget (`time`): a lookup out of time stops where it is
    /// and answers what it found with `complete` false (the app says so and offers a key to look
    /// through everything). A petition visitor must never look unknown because a lookup was cut.
    pub fn lookup_within(&self, query: &str, budget: LookupBudget, time: &mut dyn Budget) -> Result<LookupAnswer> {
        let Some(plan) = lookup_plan(query) else {
            return Ok(LookupAnswer {
                matches: Vec::new(),
                complete: true,
            });
        };
        let conn = &self.conn;
        let mut found = Found::new(time, self.visit_key()?);
        if let Some(id) = &plan.id_number {
            // Under the number itself, and under its digest once visits were reduced.
            let (number, digest) = self.number_keys(id)?;
            found.all(conn, "v.id_key IN (?1, ?2)", [number, digest])?;
        }
        if let Some(last4) = &plan.last4 {
            found.all(conn, "v.id_last4 = ?1", [last4])?;
        }
        if let Some(t) = &plan.text {
            let name = format!("%{}%", like_escape(&t.fragment));
            let pinyin = t.pinyin.as_deref().map(like_escape);
            let answered =
                t.newest_first && found.newest_visits(conn, &name, pinyin.as_deref(), budget.newest_visits)?;
            // While visits are being indexed (after an upgrade or an import) the index would miss
            // some: read the visits themselves until it has them all. A lookup must never look
            // complete when it is not.
            let indexed = !super::search::rebuilding(conn, DocKind::Visit)?;
            if !answered {
                // The pinyin first: its persons are usually many, and the name's candidates then
                // need only be read back to the oldest of them.
                if let (Some(m), Some(p)) = (&t.pinyin_match, &pinyin)
                    && !(indexed && found.candidates(conn, m, PINYIN_HIT, p, budget.pinyin_candidates)?)
                {
                    found.scan(conn, PINYIN_HIT, p)?;
                }
                let by_index = match &t.name_match {
                    _ if found.out_of_time() => true,
                    Some(m) if indexed => found.candidates(conn, m, NAME_HIT, &name, budget.name_candidates)?,
                    _ => false,
                };
                if !by_index {
                    // Every name, from the index on `name` alone.
                    found.all(
                        conn,
                        "v.name IN (SELECT name FROM visit WHERE name LIKE ?1 ESCAPE '\\')",
                        [&name],
                    )?;
                }
            }
        }
        let complete = !found.cut;
        let mut matches = Vec::new();
        for (person, full) in found.newest(LOOKUP_LIMIT) {
            matches.extend(latest_visit(conn, &person, full.as_deref())?);
        }
        matches.sort_by_key(|m| std::cmp::Reverse((m.last_entered_at, m.visit_id)));
        Ok(LookupAnswer { matches, complete })
    }

    /// The most recent visit a visit with `key` would repeat, if any — ask it while the form is
    /// being typed to show 重访 and 上次来访时间 before saving. [`Store::add_visit`] applies the
    /// same rule when it saves.
    pub fn last_visit_of(&self, key: &RepeatKey) -> Result<Option<PreviousVisit>> {
        last_visit(&self.conn, key, &self.number_keys(&key.id_number)?)
    }

    /// Logs that `by` revealed the full document number of a visit at `now`, and returns that
    /// number. One transaction: the number is never handed out without its log row.
    pub fn record_reveal(&mut self, visit_id: VisitId, by: &str, now: NaiveDateTime) -> Result<String> {
        self.write(|tx| {
            let number: String = tx
                .prepare_cached("SELECT id_number FROM visit WHERE id = ?1")?
                .query_row([visit_id], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::NotFound(visit_id))?;
            tx.prepare_cached("INSERT INTO id_reveal_log (visit_id, revealed_by, revealed_at) VALUES (?1, ?2, ?3)")?
                .execute(params![visit_id, by, time_to_sql(now)])?;
            Ok(number)
        })
    }

    /// Who revealed a visit's full document number, and when, oldest first.
    pub fn reveals(&self, visit_id: VisitId) -> Result<Vec<Reveal>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT visit_id, revealed_by, revealed_at FROM id_reveal_log WHERE visit_id = ?1 ORDER BY id",
        )?;
        Ok(stmt
            .query_map([visit_id], |r| {
                Ok(Reveal {
                    visit_id: r.get(0)?,
                    revealed_by: r.get(1)?,
                    revealed_at: row_time(r, 2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Puts a person on the watch list.
    pub fn add_watch(&mut self, e: &NewWatchEntry) -> Result<WatchId> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO watch_entry (name, aliases, id_number, reason, added_by, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.name,
                e.aliases.join("\n"),
                e.id_number,
                e.reason,
                e.added_by,
                time_to_sql(e.added_at)
            ])?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The watch list in force (lifted entries left out), oldest first. Match a visitor against it
    /// with [`crate::core::visit::watch_matches`].
    pub fn watch_list(&self) -> Result<Vec<WatchEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, aliases, id_number, reason, added_by, added_at FROM watch_entry \
             WHERE lifted_at IS NULL ORDER BY id",
        )?;
        Ok(stmt
            .query_map([], |r| {
                let aliases: String = r.get(2)?;
                Ok(WatchEntry {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    aliases: aliases.lines().filter(|a| !a.is_empty()).map(String::from).collect(),
                    id_number: r.get(3)?,
                    reason: r.get(4)?,
                    added_by: r.get(5)?,
                    added_at: row_time(r, 6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Takes an entry off the watch list (it stays in the file with who lifted it and when).
    pub fn lift_watch(&mut self, id: WatchId, by: &str, now: NaiveDateTime) -> Result<()> {
        self.write(|tx| {
            let lifted: Option<Option<String>> = tx
                .prepare_cached("SELECT lifted_at FROM watch_entry WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match lifted {
                None => Err(StoreError::NotFound(id)),
                Some(Some(at)) => Err(StoreError::Refused(format!(
                    "关注名单第 {id} 条已于 {at} 撤销，无需再次撤销"
                ))),
                Some(None) => {
                    tx.prepare_cached("UPDATE watch_entry SET lifted_at = ?1, lifted_by = ?2 WHERE id = ?3")?
                        .execute(params![time_to_sql(now), by, id])?;
                    Ok(())
                }
            }
        })
    }
}
