//! The facts of an event as they are known now (domain.md §2.2): what was first recorded,
//! corrected by amendments — each with who, when, why, the old and the new value — made
//! directly or from a 续报. The first record never changes; the current facts are folded from it.

use chrono::NaiveDateTime;

use super::{EventText, Level, NewEvent};
use crate::core::validate;

labelled_enum!(
    /// A fact that can be updated after the event was recorded.
    FactField {
        OccurredAt => "事发时间",
        Place => "事发地点",
        Deaths => "死亡",
        Missing => "失踪",
        Injured => "受伤",
        Measures => "已采取措施",
        Trend => "发展趋势",
        Contact => "现场联系人",
        Unverified => "待核实",
        Level => "等级",
    }
);

/// The facts an officer updates in a form (the level changes only by a re-grade).
pub const EDITABLE: [FactField; 9] = [
    FactField::OccurredAt,
    FactField::Place,
    FactField::Deaths,
    FactField::Missing,
    FactField::Injured,
    FactField::Measures,
    FactField::Trend,
    FactField::Contact,
    FactField::Unverified,
];

/// One amendment of one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    pub field: FactField,
    /// As text, in the form [`Facts::value`] gives ("" for a count: 待核实).
    pub old: String,
    pub new: String,
    pub reason: String,
    pub by: String,
    pub at: NaiveDateTime,
}

/// What is known now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub level: Level,
    pub occurred_at: NaiveDateTime,
    pub place: String,
    pub deaths: Option<u32>,
    pub missing: Option<u32>,
    pub injured: Option<u32>,
    pub measures: String,
    pub trend: String,
    pub contact: String,
    /// The 待核实 list as the officer last wrote it; `None`: worked out from what is missing.
    pub unverified_written: Option<String>,
}

/// "待核实" for an unknown count.
fn count_text(n: Option<u32>) -> String {
    n.map_or_else(String::new, |n| n.to_string())
}

impl Facts {
    #[must_use]
    pub fn first(record: &NewEvent) -> Self {
        Self {
            level: record.level,
            occurred_at: record.occurred_at,
            place: record.place.clone(),
            deaths: record.deaths,
            missing: record.missing,
            injured: record.injured,
            measures: record.measures.clone(),
            trend: record.trend.clone(),
            contact: record.contact.clone(),
            unverified_written: None,
        }
    }

    /// The facts after `changes` (in the order made) up to and including `until`.
    #[must_use]
    pub fn as_of(record: &NewEvent, changes: &[FactChange], until: Option<NaiveDateTime>) -> Self {
        let mut facts = Self::first(record);
        for c in changes.iter().filter(|c| until.is_none_or(|u| c.at <= u)) {
            facts.apply(c);
        }
        facts
    }

    /// Applies one change; a value that no longer parses (it was checked when saved) is skipped.
    pub fn apply(&mut self, c: &FactChange) {
        let count = |s: &str| s.trim().parse::<u32>().ok();
        match c.field {
            FactField::OccurredAt => {
                if let Ok(t) = NaiveDateTime::parse_from_str(c.new.trim(), "%Y-%m-%d %H:%M") {
                    self.occurred_at = t;
                }
            }
            FactField::Place => self.place.clone_from(&c.new),
            FactField::Deaths => self.deaths = count(&c.new),
            FactField::Missing => self.missing = count(&c.new),
            FactField::Injured => self.injured = count(&c.new),
            FactField::Measures => self.measures.clone_from(&c.new),
            FactField::Trend => self.trend.clone_from(&c.new),
            FactField::Contact => self.contact.clone_from(&c.new),
            FactField::Unverified => self.unverified_written = Some(c.new.clone()),
            FactField::Level => {
                if let Some(l) = Level::parse(&c.new) {
                    self.level = l;
                }
            }
        }
    }

    /// A fact as text, as a form shows it and an amendment stores it.
    #[must_use]
    pub fn value(&self, field: FactField) -> String {
        match field {
            FactField::OccurredAt => validate::format_minute(self.occurred_at),
            FactField::Place => self.place.clone(),
            FactField::Deaths => count_text(self.deaths),
            FactField::Missing => count_text(self.missing),
            FactField::Injured => count_text(self.injured),
            FactField::Measures => self.measures.clone(),
            FactField::Trend => self.trend.clone(),
            FactField::Contact => self.contact.clone(),
            FactField::Unverified => self.unverified().join("、"),
            FactField::Level => self.level.label().to_string(),
        }
    }

    /// A fact as a person reads it: an empty count is 待核实, an empty text 待核实 too.
    #[must_use]
    pub fn shown(&self, field: FactField) -> String {
        let v = self.value(field);
        if v.trim().is_empty() {
            if field == FactField::Unverified {
                "无".into()
            } else {
                "待核实".into()
            }
        } else {
            v
        }
    }

    /// "死亡 1，失踪 0，受伤 7" (待核实 where unknown).
    #[must_use]
    pub fn casualties(&self) -> String {
        let n = |v: Option<u32>| v.map_or_else(|| "待核实".to_string(), |n| n.to_string());
        format!(
            "死亡 {}，失踪 {}，受伤 {}",
            n(self.deaths),
            n(self.missing),
            n(self.injured)
        )
    }

    /// What is still to be verified: as last written by the officer, or else what is missing.
    #[must_use]
    pub fn unverified(&self) -> Vec<String> {
        if let Some(w) = &self.unverified_written {
            return split_list(w);
        }
        let mut out = Vec::new();
        if self.place.trim().is_empty() {
            out.push("事发地点");
        }
        if self.deaths.is_none() || self.missing.is_none() || self.injured.is_none() {
            out.push("伤亡情况");
        }
        if self.measures.trim().is_empty() {
            out.push("已采取措施");
        }
        if self.trend.trim().is_empty() {
            out.push("发展趋势");
        }
        if self.contact.trim().is_empty() {
            out.push("现场联系人");
        }
        out.into_iter().map(str::to_string).collect()
    }
}

/// "伤亡情况、事故原因" (also with ，,; or spaces) → the items.
#[must_use]
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', '；', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "无")
        .map(str::to_string)
        .collect()
}

/// Checks a new value for a fact and puts it in its stored form; the message says how to fix it.
pub fn check_value(field: FactField, text: &str, now: NaiveDateTime) -> Result<String, String> {
    let t = text.trim();
    match field {
        FactField::OccurredAt => validate::time(t, now).map(validate::format_minute),
        FactField::Deaths | FactField::Missing | FactField::Injured => {
            if t.is_empty() || t == "待核实" {
                Ok(String::new())
            } else {
                t.parse::<u32>()
                    .map(|n| n.to_string())
                    .map_err(|_| format!("“{}”请填人数（数字），不清楚就空着，记为待核实", field.label()))
            }
        }
        FactField::Level => Level::parse(t)
            .map(|l| l.label().to_string())
            .ok_or_else(|| format!("等级请写 {}", Level::choices())),
        FactField::Unverified => {
            let items = split_list(t);
            let joined = items.join("、");
            if joined.chars().count() > 200 {
                return Err("“待核实”过长：最多 200 字".into());
            }
            Ok(joined)
        }
        FactField::Place => EventText::Place.check(t).map(|()| t.to_string()),
        FactField::Measures => EventText::Measures.check(t).map(|()| t.to_string()),
        FactField::Trend => EventText::Trend.check(t).map(|()| t.to_string()),
        FactField::Contact => EventText::Contact.check(t).map(|()| t.to_string()),
    }
}

/// The changes that typed values make to the current facts (unchanged ones left out), each
/// checked; the errors name their fields.
pub fn changes_from(
    facts: &Facts,
    typed: &[(FactField, String)],
    reason: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<Vec<FactChange>, Vec<(FactField, String)>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (field, text) in typed {
        match check_value(*field, text, now) {
            Ok(new) => {
                let old = facts.value(*field);
                if new != old {
                    out.push(FactChange {
                        field: *field,
                        old,
                        new,
                        reason: reason.to_string(),
                        by: by.to_string(),
                        at: now,
                    });
                }
            }
            Err(e) => errors.push((*field, e)),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// "受伤 5 → 7" — how a change reads beside the report editor and in the timeline.
#[must_use]
pub fn change_text(c: &FactChange) -> String {
    let show = |v: &str| {
        if v.trim().is_empty() {
            "待核实".to_string()
        } else {
            v.to_string()
        }
    };
    let show_list = |v: &str| {
        if v.trim().is_empty() {
            "无".to_string()
        } else {
            v.to_string()
        }
    };
    if c.field == FactField::Unverified {
        format!("待核实 {} → {}", show_list(&c.old), show_list(&c.new))
    } else {
        format!("{} {} → {}", c.field.label(), show(&c.old), show(&c.new))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::urgent::EventDraft;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn record() -> NewEvent {
        test_record("民族路口", "客车侧翻")
    }

    /// A 较大 事故灾难 at `place`, 发生 16:05, 接报 16:10, 失踪 0, 受伤 5, deaths unknown (shared
    /// with the print tests).
    pub(crate) fn test_record(place: &str, summary: &str) -> NewEvent {
        let d = EventDraft::essentials("事故灾难", Level::Large, at("2026-11-23 16:05"), place, summary);
        NewEvent {
            category: d.category,
            level: d.level,
            occurred_at: d.occurred_at,
            received_at: at("2026-11-23 16:10"),
            place: d.place,
            source: String::new(),
            summary: d.summary,
            deaths: None,
            missing: Some(0),
            injured: Some(5),
            measures: String::new(),
            trend: String::new(),
            requests: String::new(),
            contact: String::new(),
            log_entry_id: None,
            clocks: Vec::new(),
            created_by: "张三".into(),
            created_at: at("2026-11-23 16:10"),
        }
    }

    #[test]
    fn an_update_changes_the_current_facts_and_keeps_the_first_record() {
        let r = record();
        let facts = Facts::first(&r);
        assert_eq!(facts.casualties(), "死亡 待核实，失踪 0，受伤 5");
        assert!(facts.unverified().contains(&"伤亡情况".to_string()));
        let typed = [
            (FactField::Deaths, "1".to_string()),
            (FactField::Injured, "7".to_string()),
            (FactField::Place, "民族路口".to_string()),
        ];
        let changes = changes_from(&facts, &typed, "续报一", "张三", at("2026-11-23 17:00")).unwrap();
        assert_eq!(changes.len(), 2, "an unchanged place is no change");
        assert_eq!(change_text(&changes[0]), "死亡 待核实 → 1");
        assert_eq!(change_text(&changes[1]), "受伤 5 → 7");
        let now = Facts::as_of(&r, &changes, None);
        assert_eq!(now.casualties(), "死亡 1，失踪 0，受伤 7");
        assert!(!now.unverified().contains(&"伤亡情况".to_string()));
        assert_eq!(r.injured, Some(5), "the first record stays as recorded");
        // As of before the update, the old facts.
        assert_eq!(
            Facts::as_of(&r, &changes, Some(at("2026-11-23 16:59"))).injured,
            Some(5)
        );
    }

    #[test]
    fn the_unverified_list_written_by_the_officer_wins_and_bad_values_are_refused() {
        let r = record();
        let facts = Facts::first(&r);
        let typed = [
            (FactField::Unverified, "事故原因，车辆所属单位".to_string()),
            (FactField::Deaths, "一人".to_string()),
            (FactField::OccurredAt, "25:00".to_string()),
        ];
        let errors = changes_from(&facts, &typed, "", "张三", at("2026-11-23 17:00")).unwrap_err();
        assert_eq!(
            errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            [FactField::Deaths, FactField::OccurredAt]
        );
        let ok = changes_from(&facts, &typed[..1], "核实", "张三", at("2026-11-23 17:00")).unwrap();
        let now = Facts::as_of(&r, &ok, None);
        assert_eq!(now.unverified(), ["事故原因", "车辆所属单位"]);
        assert_eq!(now.shown(FactField::Unverified), "事故原因、车辆所属单位");
    }
}
