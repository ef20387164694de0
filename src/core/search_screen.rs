//! The 查询 tab: a query box searched as the officer types (words, pinyin, filters such as
//! 类型:来访 状态:待办 从:2026-11-01), results newest first with the match highlighted, paging, and
//! a result opening its record on its own tab. Also holds the 值班日报 when one is shown.

use chrono::Duration;

use super::keymap::{Action, Mode};
use super::report::DEFAULT_DAY_ENDS;
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target};
use super::search::{DocKind, SearchCursor, SearchHit, SearchQuery};
use super::text_buffer::TextBuffer;

/// Results asked for at a time.
pub const PAGE: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchScreen {
    pub query: TextBuffer,
    /// The query the results are for, parsed (for highlighting).
    pub parsed: Option<SearchQuery>,
    /// Why the query could not be read (a bad filter).
    pub error: Option<String>,
    pub hits: Vec<SearchHit>,
    /// A full page came back: there may be more.
    pub more: bool,
    pub selected: usize,
    /// The 值班日报 being read: its lines and the first line shown.
    pub report: Option<(Vec<String>, usize)>,
    /// The newest search in flight: its text, and whether it adds a page.
    search_op: Option<(OpId, String, bool)>,
    /// The 值班日报 being made.
    report_op: Option<OpId>,
}

impl Default for SearchScreen {
    fn default() -> Self {
        Self {
            query: TextBuffer::new(false, 200),
            parsed: None,
            error: None,
            hits: Vec::new(),
            more: false,
            selected: 0,
            report: None,
            search_op: None,
            report_op: None,
        }
    }
}

/// What a transition asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchRequest {
    None,
    Search {
        input: String,
        before: Option<SearchCursor>,
    },
    Open(DocKind, i64),
    DailyReport,
    /// Esc on an empty box: back to where the officer came from.
    Leave,
}

impl SearchScreen {
    fn search_now(&self) -> SearchRequest {
        SearchRequest::Search {
            input: self.query.text().to_string(),
            before: None,
        }
    }

    pub fn type_char(&mut self, c: char) -> SearchRequest {
        self.query.insert_char(c);
        self.search_now()
    }

    pub fn paste(&mut self, s: &str) -> SearchRequest {
        self.query.insert_str(s);
        self.search_now()
    }

    /// Results for `input`; an answer for an older query is dropped. `append` adds a page.
    pub fn on_results(&mut self, input: &str, hits: Vec<SearchHit>, append: bool) {
        if self.query.text() != input {
            return;
        }
        self.error = None;
        self.parsed = SearchQuery::parse(input).ok();
        self.more = hits.len() == PAGE;
        if append {
            self.hits.extend(hits);
        } else {
            self.hits = hits;
            self.selected = 0;
        }
    }

    pub fn on_error(&mut self, input: &str, why: String) {
        if self.query.text() == input {
            self.error = Some(why);
            self.hits.clear();
            self.more = false;
        }
    }

    pub fn on_action(&mut self, action: Action) -> SearchRequest {
        if let Some((lines, scroll)) = &mut self.report {
            match action {
                Action::Back => self.report = None,
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = (*scroll + 1).min(lines.len().saturating_sub(1)),
                Action::PageUp => *scroll = scroll.saturating_sub(10),
                Action::PageDown => *scroll = (*scroll + 10).min(lines.len().saturating_sub(1)),
                _ => {}
            }
            return SearchRequest::None;
        }
        let n = self.hits.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down | Action::PageDown => {
                let step = if action == Action::Down { 1 } else { 10 };
                self.selected = (self.selected + step).min(n.saturating_sub(1));
                // Near the end of what is loaded: the next page.
                if self.more
                    && self.selected + 5 >= n
                    && let Some(last) = self.hits.last()
                {
                    self.more = false;
                    return SearchRequest::Search {
                        input: self.query.text().to_string(),
                        before: Some(last.cursor),
                    };
                }
            }
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::Open => {
                if let Some(h) = self.hits.get(self.selected) {
                    return SearchRequest::Open(h.kind, h.ref_id);
                }
            }
            Action::Back if self.query.text().is_empty() => return SearchRequest::Leave,
            Action::Back => {
                self.query.clear();
                self.hits.clear();
                self.parsed = None;
                self.error = None;
                self.more = false;
            }
            Action::DailyReport => return SearchRequest::DailyReport,
            Action::CursorLeft => self.query.left(),
            Action::CursorRight => self.query.right(),
            Action::LineStart => self.query.home(),
            Action::LineEnd => self.query.end(),
            Action::DeleteBack | Action::DeleteForward | Action::DeleteToLineStart => {
                match action {
                    Action::DeleteBack => self.query.backspace(),
                    Action::DeleteForward => self.query.delete(),
                    _ => self.query.delete_to_line_start(),
                }
                return self.search_now();
            }
            _ => {}
        }
        SearchRequest::None
    }
}

impl SearchScreen {
    fn run(&mut self, request: SearchRequest, cx: &mut Cx<'_>) {
        match request {
            SearchRequest::None => {}
            SearchRequest::Search { input, before } => {
                // A query that cannot be read is said at once; only a readable one is asked.
                if let Err(why) = SearchQuery::parse(&input) {
                    self.search_op = None;
                    return self.on_error(&input, why);
                }
                let op = cx.request(Request::Search {
                    input: input.clone(),
                    before,
                });
                self.search_op = Some((op, input, before.is_some()));
            }
            SearchRequest::Open(kind, id) => cx.command(Command::Open(match kind {
                DocKind::Log => Target::Entry(id),
                DocKind::Visit => Target::Visit(id),
                DocKind::Event => Target::Event(id),
            })),
            SearchRequest::DailyReport => self.ask_daily_report(cx),
            SearchRequest::Leave => cx.command(Command::Back),
        }
    }

    /// The last complete day: the 24 hours ending at 08:00 today, or yesterday before 08:00.
    fn ask_daily_report(&mut self, cx: &mut Cx<'_>) {
        let today = cx.now.date();
        let date = if cx.now.time() >= DEFAULT_DAY_ENDS {
            today
        } else {
            today - Duration::days(1)
        };
        self.report_op = Some(cx.request(Request::DailyReport(date)));
    }
}

impl Screen for SearchScreen {
    fn mode(&self) -> Mode {
        if self.report.is_some() {
            Mode::Report
        } else {
            Mode::Search
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let request = SearchScreen::on_action(self, action);
        self.run(request, cx);
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        let request = self.type_char(c);
        self.run(request, cx);
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        let request = self.paste(text);
        self.run(request, cx);
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let search = self.search_op.as_ref().filter(|(id, ..)| *id == op).cloned();
        match (reply, search) {
            (Reply::SearchResults(hits), Some((_, input, append))) => self.on_results(&input, hits, append),
            (Reply::Failed(why), Some((_, input, _))) => self.on_error(&input, format!("查询失败：{why}")),
            // An answer to an older search: the box has changed since.
            (Reply::SearchResults(_), None) => {}
            (Reply::DailyReport(report), _) => {
                self.report = Some((
                    report
                        .to_text(&cx.settings.office_name, cx.settings.leader_title())
                        .lines()
                        .map(str::to_string)
                        .collect(),
                    0,
                ));
            }
            (Reply::Failed(why), None) if self.report_op == Some(op) => cx.say(format!("值班日报生成失败：{why}")),
            _ => {}
        }
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        // Results on screen follow what another terminal wrote.
        if shown && !self.query.text().trim().is_empty() {
            let request = self.search_now();
            self.run(request, cx);
        }
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::DailyReport => {
                self.ask_daily_report(cx);
                Ok(())
            }
            t => Err(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn hit(id: i64) -> SearchHit {
        SearchHit {
            kind: DocKind::Log,
            ref_id: id,
            at: NaiveDate::from_ymd_opt(2026, 11, 23)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            title: "城关镇".into(),
            snippet: "河堤管涌".into(),
            status: "待办".into(),
            cursor: SearchCursor::default(),
        }
    }

    #[test]
    fn typing_searches_at_once_and_a_stale_answer_is_dropped() {
        let mut s = SearchScreen::default();
        assert!(matches!(s.type_char('河'), SearchRequest::Search { ref input, before: None } if input == "河"));
        s.type_char('堤');
        s.on_results("河", vec![hit(1)], false);
        assert!(s.hits.is_empty(), "the answer for 河 arrives after 河堤 was typed");
        s.on_results("河堤", vec![hit(1), hit(2)], false);
        assert_eq!(s.hits.len(), 2);
        assert_eq!(s.on_action(Action::Down), SearchRequest::None);
        assert_eq!(s.on_action(Action::Open), SearchRequest::Open(DocKind::Log, 2));
        s.on_action(Action::Back);
        assert!(s.query.text().is_empty() && s.hits.is_empty());
    }

    #[test]
    fn a_full_page_asks_for_the_next_one_near_its_end() {
        let mut s = SearchScreen::default();
        s.type_char('河');
        s.on_results("河", (0..PAGE as i64).map(hit).collect(), false);
        assert!(s.more);
        let mut asked = false;
        for _ in 0..PAGE {
            if matches!(s.on_action(Action::Down), SearchRequest::Search { before: Some(_), .. }) {
                asked = true;
                break;
            }
        }
        assert!(asked);
        assert!(s.selected + 5 >= PAGE);
    }
}
