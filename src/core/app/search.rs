//! The app's side of the 查询 tab: typing searches, results, opening a hit on its own tab, and
//! the 值班日报.

use chrono::Duration;

use super::{App, Effect, Msg, Out, Tab};
use crate::core::keymap::{Action, Mode};
use crate::core::log_screen::DetailView;
use crate::core::search::DocKind;
use crate::core::search_screen::{SearchRequest, SearchScreen};

/// The 值班日报 covers the 24 hours ending at this time of day.
pub use crate::core::report::DEFAULT_DAY_ENDS as DAY_ENDS;

impl SearchScreen {
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.report.is_some() {
            Mode::Report
        } else {
            Mode::Search
        }
    }
}

impl App {
    pub(super) fn search_action(&mut self, action: Action, out: &mut Out) {
        let request = self.search.on_action(action);
        self.search_request(request, out);
    }

    pub(super) fn search_char(&mut self, c: char, out: &mut Out) {
        let request = self.search.type_char(c);
        self.search_request(request, out);
    }

    pub(super) fn search_paste(&mut self, text: &str, out: &mut Out) {
        let request = self.search.paste(text);
        self.search_request(request, out);
    }

    fn search_request(&mut self, request: SearchRequest, out: &mut Out) {
        match request {
            SearchRequest::None => {}
            SearchRequest::Search { input, before } => out.effects.push(Effect::Search { input, before }),
            SearchRequest::Open(kind, id) => self.open_record(kind, id, out),
            SearchRequest::DailyReport => {
                // The last complete day: the 24 hours ending at 08:00 today, or yesterday before 08:00.
                let today = self.now.date();
                let date = if self.now.time() >= DAY_ENDS {
                    today
                } else {
                    today - Duration::days(1)
                };
                out.effects.push(Effect::DailyReport {
                    date,
                    office: self.settings.office_name.clone(),
                });
            }
        }
    }

    /// A search result opens on the tab that owns it.
    fn open_record(&mut self, kind: DocKind, id: i64, out: &mut Out) {
        match kind {
            DocKind::Log => {
                self.tab = Tab::Log;
                self.log.detail = Some(DetailView {
                    id,
                    entry: None,
                    scroll: 0,
                });
                out.effects.push(Effect::LoadEntry(id));
            }
            DocKind::Visit => {
                self.tab = Tab::Visitors;
                self.visits.lookup = None;
                self.visits.watch_open = false;
                out.effects.extend([Effect::LoadVisits, Effect::LoadVisit(id)]);
            }
            DocKind::Event => match self.events.iter().position(|e| e.id == id) {
                Some(i) => {
                    self.tab = Tab::Urgent;
                    self.urgent.selected = i;
                    out.effects.push(Effect::LoadTimeline(id));
                }
                None => out.say_str(&format!(
                    "第 {id} 号紧急事件已结束；它的报告和时间线可用 zhiban export --kind 紧急事件 导出"
                )),
            },
        }
    }

    pub(super) fn on_search_msg(&mut self, msg: Msg, _out: &mut Out) {
        match msg {
            Msg::SearchResults { input, hits, append } => self.search.on_results(&input, hits, append),
            Msg::SearchFailed { input, why } => self.search.on_error(&input, why),
            Msg::Report(lines) => self.search.report = Some((lines, 0)),
            _ => {}
        }
    }
}
