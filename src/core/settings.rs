//! What the core needs to know from the configuration: the office, its people and the log
//! categories. The config module parses `config.toml` into these; the core never reads files.
//!
//! This is the configuration's view, above the domain modules: it is made of their types (people
//! and roles, the urgent rules and ladder, the rotation and calendar), and they never import it;
//! a rule that needs configuration takes the piece it needs as a parameter. [`Person`], [`Role`]
//! and [`UrgentSettings`] are re-exported here because a `Settings` is built from them.

use super::escalation::Rung;
pub use super::people::{Person, Role};
pub use super::urgent::UrgentSettings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub office_name: String,
    pub people: Vec<Person>,
    /// 事项类别 offered on the log form.
    pub categories: Vec<String>,
    pub urgent: UrgentSettings,
    /// The rotation from `[roster]`; `None` when shifts come only from imported rosters.
    pub roster: Option<crate::core::roster::Rotation>,
    /// Public holidays and 调休 working days.
    pub calendar: crate::core::roster::Calendar,
    pub visit: VisitSettings,
    /// Idle minutes before the screen locks itself; 0 never.
    pub lock_minutes: u32,
    pub backup: BackupSettings,
    /// `[[access]]`: the screens (by label) a role may open; a role not listed opens all.
    pub access: Vec<(Role, Vec<String>)>,
    /// `[report]`: the 值班日报's period end, and the daily reminder.
    pub report: super::report::ReportSettings,
    /// `[instruction]`: 请示 retry, 交办 reminders, notice retry and groups, the handover's group line.
    pub instruction: super::instruction::InstructionSettings,
    /// `[documents]`: how long a forward waits for its 签收 before it is reminded.
    pub documents: super::document::DocumentSettings,
    /// `[notify]`: the SMS or voice platform's command (issue 19).
    pub notify: super::hook::HookSettings,
    /// `[roster]`'s rules for running it: the publish reminder, 漏岗, 补休 (issue 19).
    pub roster_rules: super::roster_plan::RosterRules,
}

/// Where backups go and which are kept (by default: beside the database, the default rotation,
/// no automatic backup).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupSettings {
    /// `None`: a `backups` directory next to the database.
    pub dir: Option<std::path::PathBuf>,
    /// The rotation: the newest of so many days, weeks and months.
    pub keep: super::backup::Retention,
    /// Take one automatically each day while the app runs.
    pub daily: bool,
}

impl BackupSettings {
    /// The backup directory for a database at `db`.
    #[must_use]
    pub fn dir_for(&self, db: &std::path::Path) -> std::path::PathBuf {
        self.dir.clone().unwrap_or_else(|| {
            db.parent()
                .map_or_else(|| std::path::PathBuf::from("backups"), |p| p.join("backups"))
        })
    }
}

/// 来访登记 configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitSettings {
    /// 被访部门/人 offered on the form.
    pub hosts: Vec<String>,
    /// A visitor inside longer than this is highlighted on the on-site board.
    pub overstay_minutes: u32,
    /// `report_to`: whom a 集体访 or a watch-list visit is reported to at once (000:377).
    pub report_to: Vec<ReportTo>,
    /// `retention_years`: a visit older than this has its numbers reduced (`core::retention`).
    pub retention_years: u32,
}

impl Default for VisitSettings {
    fn default() -> Self {
        Self {
            hosts: vec!["办公室".into()],
            overstay_minutes: 240,
            report_to: vec![
                ReportTo::Role(Role::DutyLeader),
                ReportTo::Contact(Contact::named("分管领导")),
                ReportTo::Contact(Contact::named("信访部门")),
            ],
            retention_years: super::retention::DEFAULT_YEARS,
        }
    }
}

/// `[[contact]]`: a leader or a body outside the people list, and its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// What it is (分管领导, 信访部门).
    pub name: String,
    /// Who answers, if the office writes it.
    pub person: String,
    pub phone: String,
}

impl Contact {
    /// A contact known by name only (no number configured).
    #[must_use]
    pub fn named(name: &str) -> Self {
        Self {
            name: name.into(),
            person: String::new(),
            phone: String::new(),
        }
    }
}

/// One entry of `[visit] report_to`: the people with a role in the people list, or a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportTo {
    Role(Role),
    Contact(Contact),
}

/// Someone to report to, as the officer reads it: "带班领导 王五 13800000003", "信访部门 0871-12345100".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callee {
    /// The role or the contact's name.
    pub label: String,
    /// The person's name; empty for a body known by its name only.
    pub name: String,
    pub phone: String,
}

impl Callee {
    /// "带班领导 王五 13800000003"; a missing name or number is left out.
    #[must_use]
    pub fn text(&self) -> String {
        [self.label.as_str(), self.name.as_str(), self.phone.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The same without the role when a person is named ("王五 13800000003"), for a narrow row.
    #[must_use]
    pub fn short(&self) -> String {
        if self.name.trim().is_empty() {
            self.text()
        } else {
            format!("{} {}", self.name, self.phone).trim().to_string()
        }
    }
}

impl Settings {
    /// The screens `name`'s role may open, by label; `None`: every screen.
    #[must_use]
    pub fn screens_for(&self, name: &str) -> Option<&[String]> {
        let role = self.person(name)?.role;
        self.access.iter().find(|(r, _)| *r == role).map(|(_, s)| s.as_slice())
    }

    #[must_use]
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.name == name)
    }

    /// The approver role an enrolment of `name` confirms: theirs, if the config makes them a
    /// leader and the enroller is an approver (an urgent enrolment by the outgoing officer
    /// confirms nothing).
    #[must_use]
    pub fn role_confirmed_by_enrolment(&self, name: &str, urgent: bool) -> Option<String> {
        self.person(name)
            .filter(|p| p.role.is_leader() && !urgent)
            .map(|p| p.role.label().to_string())
    }

    /// What this office calls its duty leader, 带班领导 or 值班领导 (see
    /// [`super::people::duty_leader_role`]): every text that names the role says this.
    #[must_use]
    pub fn leader_title(&self) -> &'static str {
        super::people::duty_leader_role(&self.people).label()
    }

    /// The same on a narrow strip: 带班, or 值班领导 in full (值班 alone reads as the officer).
    #[must_use]
    pub fn leader_short(&self) -> &'static str {
        match super::people::duty_leader_role(&self.people) {
            Role::DutyLeader => "带班",
            other => other.label(),
        }
    }
}

/// Whom a 集体访 or watch-list alert tells `operator` to report to at once (`[visit] report_to`,
/// 000:377): each recipient's people with their numbers. Nobody is told to phone themselves: the
/// operator is left out, and a recipient who is only the operator is left out altogether. A role
/// nobody in the list holds is still named (without a number), so the gap shows.
#[must_use]
pub fn report_callees(settings: &Settings, operator: &str) -> Vec<Callee> {
    let mut out = Vec::new();
    for to in &settings.visit.report_to {
        match to {
            ReportTo::Role(role) => {
                let holders: Vec<&Person> = settings.people.iter().filter(|p| p.role == *role).collect();
                if holders.is_empty() {
                    out.push(Callee {
                        label: role.label().into(),
                        name: String::new(),
                        phone: String::new(),
                    });
                }
                out.extend(holders.into_iter().filter(|p| p.name != operator).map(|p| Callee {
                    label: role.label().into(),
                    name: p.name.clone(),
                    phone: p.phone.clone(),
                }));
            }
            ReportTo::Contact(c) => out.push(Callee {
                label: c.name.clone(),
                name: c.person.clone(),
                phone: c.phone.clone(),
            }),
        }
    }
    out
}

/// Whom the officer at the keyboard is asked to phone on rung `at` of the ladder: the rung and
/// its people other than `operator` (nobody is told to phone themselves). A rung whose only person
/// is the operator gives way to the next; past the last, the last such rung with nobody.
#[must_use]
pub fn rung_to_phone<'a>(
    settings: &'a Settings,
    at: usize,
    operator: Option<&str>,
) -> Option<(&'a Rung, Vec<(String, String)>)> {
    let mut only_operator = None;
    for rung in settings.urgent.ladder.iter().skip(at) {
        let all = contacts(settings, rung);
        let others: Vec<(String, String)> = all
            .iter()
            .filter(|(n, _)| Some(n.as_str()) != operator)
            .cloned()
            .collect();
        if !others.is_empty() || all.is_empty() {
            return Some((rung, others));
        }
        only_operator = Some(rung);
    }
    only_operator.map(|r| (r, Vec::new()))
}

/// Whom to phone at a rung of the ladder: the configured people with its role, or its number.
#[must_use]
pub fn contacts(settings: &Settings, rung: &Rung) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match rung.role {
        Some(role) => settings
            .people
            .iter()
            .filter(|p| p.role == role)
            .map(|p| (p.name.clone(), p.phone.clone()))
            .collect(),
        None => Vec::new(),
    };
    if !rung.phone.is_empty() {
        out.push((rung.name.clone(), rung.phone.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let p = |name: &str, role, phone: &str| Person {
            name: name.into(),
            role,
            phone: phone.into(),
        };
        let rung = |name: &str, role: Option<Role>, phone: &str| Rung {
            name: name.into(),
            delay_minutes: 10,
            repeat: 1,
            role,
            phone: phone.into(),
        };
        Settings {
            office_name: "值班室".into(),
            people: vec![
                p("张三", Role::DutyOfficer, "13800000001"),
                p("王五", Role::DutyLeader, "13800000003"),
                p("赵六", Role::Director, "0871-12345678"),
            ],
            categories: Vec::new(),
            urgent: UrgentSettings {
                ladder: vec![
                    rung("带班领导", Some(Role::DutyLeader), ""),
                    rung("办公室主任", Some(Role::Director), ""),
                ],
                ..UrgentSettings::default()
            },
            roster: None,
            calendar: crate::core::roster::Calendar::default(),
            visit: VisitSettings {
                report_to: vec![
                    ReportTo::Role(Role::DutyLeader),
                    ReportTo::Role(Role::DeputyDirector),
                    ReportTo::Contact(Contact {
                        name: "信访部门".into(),
                        person: String::new(),
                        phone: "0871-12345100".into(),
                    }),
                ],
                ..VisitSettings::default()
            },
            lock_minutes: 0,
            backup: BackupSettings::default(),
            access: Vec::new(),
            report: Default::default(),
            instruction: Default::default(),
            documents: Default::default(),
            notify: Default::default(),
            roster_rules: Default::default(),
        }
    }

    #[test]
    fn nobody_is_told_to_phone_themselves() {
        let s = settings();
        let (rung, people) = rung_to_phone(&s, 0, Some("张三")).unwrap();
        assert_eq!(
            (rung.name.as_str(), people),
            ("带班领导", vec![("王五".into(), "13800000003".into())])
        );
        // The duty leader at the keyboard: the next rung.
        let (rung, people) = rung_to_phone(&s, 0, Some("王五")).unwrap();
        assert_eq!((rung.name.as_str(), people.len()), ("办公室主任", 1));
        // The last rung is the operator: nobody left to phone.
        let (rung, people) = rung_to_phone(&s, 1, Some("赵六")).unwrap();
        assert_eq!((rung.name.as_str(), people.len()), ("办公室主任", 0));
        assert!(rung_to_phone(&s, 2, None).is_none());
    }

    #[test]
    fn report_recipients_are_named_with_numbers_and_never_the_operator() {
        let s = settings();
        let texts = |op: &str| -> Vec<String> { report_callees(&s, op).iter().map(Callee::text).collect() };
        // A role nobody holds is still named, so the gap shows.
        assert_eq!(
            texts("张三"),
            ["带班领导 王五 13800000003", "分管副主任", "信访部门 0871-12345100"]
        );
        assert_eq!(texts("王五"), ["分管副主任", "信访部门 0871-12345100"]);
        let short: Vec<String> = report_callees(&s, "张三").iter().map(Callee::short).collect();
        assert_eq!(short, ["王五 13800000003", "分管副主任", "信访部门 0871-12345100"]);
    }
}
