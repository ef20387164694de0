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

/// The duty leader's role as this office names it (domain.md §1: 带班领导 or 值班领导, the same
/// role): 值班领导 when the people list writes its leaders so, else 带班领导. The configuration
/// refuses a list that uses both. Its label is what every screen, report and message says.
#[must_use]
pub fn duty_leader_role(people: &[Person]) -> Role {
    if people.iter().any(|p| p.role == Role::DutyLeaderAlt) && !people.iter().any(|p| p.role == Role::DutyLeader) {
        Role::DutyLeaderAlt
    } else {
        Role::DutyLeader
    }
}

impl Role {
    /// 带班领导 and 值班领导: two names of the duty leader.
    #[must_use]
    pub fn is_duty_leader(self) -> bool {
        matches!(self, Self::DutyLeader | Self::DutyLeaderAlt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(roles: &[Role]) -> Vec<Person> {
        roles
            .iter()
            .map(|&role| Person {
                name: role.label().into(),
                role,
                phone: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_duty_leader_is_named_as_the_people_list_names_it() {
        assert_eq!(
            duty_leader_role(&people(&[Role::DutyOfficer])),
            Role::DutyLeader,
            "default"
        );
        assert_eq!(
            duty_leader_role(&people(&[Role::DutyOfficer, Role::DutyLeader])),
            Role::DutyLeader
        );
        let alt = people(&[Role::DutyOfficer, Role::DutyLeaderAlt, Role::Director]);
        assert_eq!(duty_leader_role(&alt).label(), "值班领导");
        assert!(Role::DutyLeaderAlt.is_duty_leader() && !Role::Director.is_duty_leader());
    }
}
