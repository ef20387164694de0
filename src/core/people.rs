//! People and their duty roles (domain.md §1), as configured. Below the rules that name a role
//! (the escalation ladder, the roster's posts) and below [`super::settings`], which lists them.

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
