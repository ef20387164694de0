//! The registry of screens: the one place they are listed. A new screen is a core module that
//! implements [`Screen`], a ui module that draws it, and one line in `screens!` below (the
//! compiler then asks for its arm in `ui::render_screen`).
//!
//! At most six screens are tabs (they must fit 60 columns with their numbers); the others are
//! reached from the go-to list (`:` or Ctrl-G) or from their parent tab.

use super::directory_screen::DirectoryScreen;
use super::docs_screen::DocsScreen;
use super::findings_screen::FindingsScreen;
use super::handover_screen::HandoverScreen;
use super::holiday_screen::HolidayScreen;
use super::log_screen::LogScreen;
use super::notice_screen::NoticeScreen;
use super::people_screen::PeopleScreen;
use super::redact_screen::RedactScreen;
use super::roster_screen::RosterScreen;
use super::screen::Screen;
use super::search_screen::SearchScreen;
use super::spotcheck_screen::SpotCheckScreen;
use super::stats_screen::StatsScreen;
use super::tasks_screen::TasksScreen;
use super::urgent_screen::UrgentScreen;
use super::visit_screen::VisitScreen;

/// What `[[access]]` may grant besides screens: a 信访 visit's details beyond the board (address,
/// matter, representatives, purpose and handling).
pub const PETITION_DETAILS: &str = "信访详情";

/// The most top-level tabs the tab bar holds.
pub const MAX_TABS: usize = 6;

macro_rules! screens {
    ($($id:ident => $field:ident: $ty:ty, $label:literal, $parent:expr;)+) => {
        /// Which screen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ScreenId { $($id),+ }

        impl ScreenId {
            /// Every screen, in go-to order.
            pub const ALL: &'static [ScreenId] = &[$(ScreenId::$id),+];

            #[must_use]
            pub fn label(self) -> &'static str {
                match self { $(ScreenId::$id => $label),+ }
            }

            /// The tab a sub-screen belongs to; `None` for a tab.
            #[must_use]
            pub fn parent(self) -> Option<ScreenId> {
                match self { $(ScreenId::$id => $parent),+ }
            }
        }

        /// The state of every screen.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Screens { $(pub $field: $ty),+ }

        impl Screens {
            #[must_use]
            pub fn get(&self, id: ScreenId) -> &dyn Screen {
                match id { $(ScreenId::$id => &self.$field),+ }
            }

            pub fn get_mut(&mut self, id: ScreenId) -> &mut dyn Screen {
                match id { $(ScreenId::$id => &mut self.$field),+ }
            }
        }
    };
}

screens! {
    Log => log: LogScreen, "值班记录", None;
    Visitors => visits: VisitScreen, "来访登记", None;
    Urgent => urgent: UrgentScreen, "紧急事项", None;
    Handover => handover: HandoverScreen, "交接班", None;
    Search => search: SearchScreen, "查询", None;
    Roster => roster: RosterScreen, "排班表", Some(ScreenId::Handover);
    People => people: PeopleScreen, "人员与 PIN", Some(ScreenId::Handover);
    Findings => findings: FindingsScreen, "完整性发现", Some(ScreenId::Handover);
    Tasks => tasks: TasksScreen, "督办", Some(ScreenId::Log);
    Notices => notices: NoticeScreen, "电话通知", Some(ScreenId::Log);
    Documents => documents: DocsScreen, "收文登记", Some(ScreenId::Log);
    Directory => directory: DirectoryScreen, "通讯录", Some(ScreenId::Log);
    SpotChecks => spotchecks: SpotCheckScreen, "查岗", Some(ScreenId::Log);
    Holidays => holidays: HolidayScreen, "节日值班表", Some(ScreenId::Handover);
    Redact => redact: RedactScreen, "删除误录内容", Some(ScreenId::Log);
    Stats => stats: StatsScreen, "统计", Some(ScreenId::Handover);
}

impl ScreenId {
    /// The top-level tabs, in tab-bar order (digit keys 1…).
    #[must_use]
    pub fn tabs() -> Vec<ScreenId> {
        Self::ALL.iter().copied().filter(|s| s.parent().is_none()).collect()
    }

    /// The tab highlighted while this screen is shown.
    #[must_use]
    pub fn tab(self) -> ScreenId {
        self.parent().unwrap_or(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tabs_fit_sixty_columns_and_number_at_most_six() {
        let tabs = ScreenId::tabs();
        assert!(tabs.len() <= MAX_TABS, "{} tabs", tabs.len());
        // " 1 值班记录 " and a space between: what the tab bar draws.
        let width: usize = tabs
            .iter()
            .enumerate()
            .map(|(i, t)| crate::core::text::width(&format!(" {} {} ", i + 1, t.label())) + 1)
            .sum();
        assert!(width <= 60, "the tab bar needs {width} columns");
    }

    #[test]
    fn every_sub_screen_hangs_under_a_tab() {
        for s in ScreenId::ALL {
            if let Some(p) = s.parent() {
                assert!(p.parent().is_none(), "{s:?} under a sub-screen");
            }
        }
    }
}
