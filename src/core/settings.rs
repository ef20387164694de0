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
}

/// Where and how long backups are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    /// `None`: a `backups` directory next to the database.
    pub dir: Option<std::path::PathBuf>,
    pub keep_days: u32,
    /// Take one automatically each day while the app runs.
    pub daily: bool,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            dir: None,
            keep_days: 30,
            daily: false,
        }
    }
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
}

impl Default for VisitSettings {
    fn default() -> Self {
        Self {
            hosts: vec!["办公室".into()],
            overstay_minutes: 240,
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
