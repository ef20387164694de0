//! What the core needs to know from the configuration: the office, its people and the log
//! categories. The config module parses `config.toml` into these; the core never reads files.

/// Duty roles (domain.md §1). Labels are what `config.toml` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    DutyOfficer,
    DutyLeader,
    DutyLeaderAlt,
    Director,
    DeputyDirector,
    Confidential,
    Guard,
    Messenger,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Self::DutyOfficer,
        Self::DutyLeader,
        Self::DutyLeaderAlt,
        Self::Director,
        Self::DeputyDirector,
        Self::Confidential,
        Self::Guard,
        Self::Messenger,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::DutyOfficer => "值班员",
            Self::DutyLeader => "带班领导",
            Self::DutyLeaderAlt => "值班领导",
            Self::Director => "办公室主任",
            Self::DeputyDirector => "分管副主任",
            Self::Confidential => "机要员",
            Self::Guard => "门卫",
            Self::Messenger => "通讯员",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.label() == s.trim())
    }

    /// Leaders give instructions (领导批示).
    #[must_use]
    pub fn is_leader(self) -> bool {
        matches!(
            self,
            Self::DutyLeader | Self::DutyLeaderAlt | Self::Director | Self::DeputyDirector
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub role: Role,
    pub phone: String,
}

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

/// 紧急信息报送 configuration: categories, the default recipient, follow-up times, the deadline
/// rules and the escalation ladder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrgentSettings {
    pub categories: Vec<String>,
    pub recipient: String,
    pub followup_times: Vec<chrono::NaiveTime>,
    pub rules: Vec<crate::core::urgent::DeadlineRule>,
    pub ladder: Vec<crate::core::escalation::Rung>,
}

impl Settings {
    #[must_use]
    pub fn person(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.name == name)
    }
}
