//! The 查询 tab: a query box searched as the officer types (words, pinyin, filters such as
//! 类型:来访 状态:待办 从:2026-11-01), results newest first with the match highlighted, paging, and
//! a result opening its record on its own tab. Also holds the 值班日报 when one is shown.

use chrono::NaiveDateTime;

use super::form::{Field, Form, FormDraft, FormEvent};
use super::keymap::{Action, Mode};
use super::report::{DailyReport, Window};
use super::report_sent::{
    RECIPIENT_MAX, ReportSending, SIGNER_MAX, SendMethod, SendingDraft, SendingField, build_sending,
};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, paste_into, save_failed, type_into};
use super::search::{DocKind, SearchCursor, SearchHit, SearchPage, SearchQuery};
use super::text_buffer::TextBuffer;
use super::validate::format_minute;

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
    /// A full page came back, or the search was cut: there may be more.
    pub more: bool,
    /// The search stopped at its time budget: records older than this are not searched yet
    /// (the screen says so and a key goes on; it never looks complete).
    pub cut: Option<SearchCursor>,
    pub selected: usize,
    /// The search index is being built in the background (after an upgrade or an import): how
    /// far. Until it is done a search finds only what is indexed, and the screen says so.
    pub index: Option<IndexBuilding>,
    /// The 值班日报 being read.
    pub report: Option<ReportView>,
    /// The newest search in flight: its text, and whether it adds a page.
    search_op: Option<(OpId, String, bool)>,
    /// The 值班日报 being made.
    report_op: Option<OpId>,
    /// The sending being saved.
    mark_op: Option<(OpId, ReportSending)>,
    /// A 标记已报送 form kept as a draft, to open once its period's report has been made again.
    restoring: Option<FormDraft>,
}

/// Where the background build of the search index stands, as the 查询 tab says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexBuilding {
    /// 0–99.
    pub percent: u8,
    /// Every record is in; the index is being merged.
    pub merging: bool,
}

/// A 值班日报 on screen: one period, as made at `generated_at`, and the records of it being sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportView {
    pub window: Window,
    pub generated_at: NaiveDateTime,
    /// The text exactly as made: what is kept when it is marked sent.
    pub text: String,
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
    /// Each sending of this period's report, oldest first.
    pub sent: Vec<ReportSending>,
    /// 标记已报送.
    pub form: Option<Form<SendingField>>,
}

impl ReportView {
    fn new(report: &DailyReport, text: String, sent: Vec<ReportSending>) -> Self {
        Self {
            window: report.window,
            generated_at: report.generated_at,
            lines: text.lines().map(str::to_string).collect(),
            text,
            scroll: 0,
            sent,
            form: None,
        }
    }

    /// Made before its period ended.
    #[must_use]
    pub fn in_progress(&self) -> bool {
        self.generated_at < self.window.to
    }

    /// "11-23 08:00 至 11-24 08:00　截至 16:24（本期未结束）", or "…（已结束）".
    #[must_use]
    pub fn period_label(&self) -> String {
        let span = format!(
            "{} 至 {}",
            self.window.from.format("%m-%d %H:%M"),
            self.window.to.format("%m-%d %H:%M")
        );
        if self.in_progress() {
            format!("{span}　截至 {}（本期未结束）", self.generated_at.format("%H:%M"))
        } else {
            format!("{span}（已结束）")
        }
    }

    /// What is said of its sending: each record, or that it has not been sent.
    #[must_use]
    pub fn sent_lines(&self) -> Vec<String> {
        if self.sent.is_empty() {
            return vec!["未报送（s 标记已报送；← → 上一期、下一期）".into()];
        }
        self.sent.iter().map(ReportSending::describe).collect()
    }
}

/// An unsaved 标记已报送 form kept as a draft: its period, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct SentDraft {
    /// YYYY-MM-DD HH:MM.
    from: String,
    to: String,
    form: FormDraft,
}

impl Default for SearchScreen {
    fn default() -> Self {
        Self {
            query: TextBuffer::new(false, 200),
            parsed: None,
            error: None,
            hits: Vec::new(),
            more: false,
            cut: None,
            selected: 0,
            index: None,
            report: None,
            search_op: None,
            report_op: None,
            mark_op: None,
            restoring: None,
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
    pub fn on_results(&mut self, input: &str, page: SearchPage, append: bool) {
        if self.query.text() != input {
            return;
        }
        let SearchPage { hits, cut } = page;
        self.error = None;
        let parsed = SearchQuery::parse(input).ok();
        let same_query = parsed.is_some() && parsed == self.parsed;
        self.parsed = parsed;
        self.cut = cut;
        self.more = hits.len() == PAGE || cut.is_some();
        if append {
            self.hits.extend(hits);
        } else {
            // The same query asked again (another terminal wrote, the index grew): the selection
            // stays on its record if that is still found.
            let was = self
                .hits
                .get(self.selected)
                .filter(|_| same_query)
                .map(|h| (h.kind, h.ref_id));
            self.hits = hits;
            self.selected = was
                .and_then(|w| self.hits.iter().position(|h| (h.kind, h.ref_id) == w))
                .unwrap_or(0);
        }
    }

    /// A search is out (the reader thread answers it; keys go on meanwhile).
    #[must_use]
    pub fn searching(&self) -> bool {
        self.search_op.is_some()
    }

    /// The next page: older than the last hit, or than where a cut search stopped.
    fn go_on(&mut self) -> SearchRequest {
        let before = self.cut.or_else(|| self.hits.last().map(|h| h.cursor));
        if before.is_none() {
            return SearchRequest::None;
        }
        self.more = false;
        SearchRequest::Search {
            input: self.query.text().to_string(),
            before,
        }
    }

    pub fn on_error(&mut self, input: &str, why: String) {
        if self.query.text() == input {
            self.error = Some(why);
            self.hits.clear();
            self.more = false;
            self.cut = None;
        }
    }

    pub fn on_action(&mut self, action: Action) -> SearchRequest {
        let n = self.hits.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down | Action::PageDown => {
                let step = if action == Action::Down { 1 } else { 10 };
                self.selected = (self.selected + step).min(n.saturating_sub(1));
                // Near the end of what is loaded: the next page, or on from where a cut
                // search stopped.
                if self.more && self.selected + 5 >= n {
                    return self.go_on();
                }
            }
            // A cut search with nothing found yet: Enter goes on.
            Action::Open if self.hits.is_empty() && self.cut.is_some() => return self.go_on(),
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
                self.cut = None;
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
                DocKind::Document => Target::Document(id),
            })),
            SearchRequest::DailyReport => self.ask_daily_report(cx),
            SearchRequest::Leave => cx.command(Command::Back),
        }
    }

    /// The period in progress, up to now.
    fn ask_daily_report(&mut self, cx: &mut Cx<'_>) {
        self.ask_report_for(Window::in_progress(cx.now, cx.settings.report.day_ends), cx);
    }

    fn ask_report_for(&mut self, window: Window, cx: &mut Cx<'_>) {
        self.report_op = Some(cx.request(Request::DailyReport(window)));
    }

    /// Keys while the 值班日报 is read (its form is `Mode::Form`).
    fn report_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let Some(view) = &mut self.report else { return };
        if let Some(form) = &mut view.form {
            match action {
                Action::Cancel => view.form = None,
                Action::Save if !form.saving => {
                    form.clear_errors();
                    let draft = SendingDraft {
                        sent_at: form.value(SendingField::SentAt),
                        recipient: form.value(SendingField::Recipient),
                        method: form.value(SendingField::Method),
                        signer: form.value(SendingField::Signer),
                    };
                    match build_sending(view.window, &draft, &view.text, cx.operator, cx.now) {
                        Ok(sending) => {
                            form.saving = true;
                            let op = cx.request(Request::MarkReportSent(Box::new(sending.clone())));
                            self.mark_op = Some((op, sending));
                            cx.say("正在保存…");
                        }
                        Err(errors) => {
                            form.set_errors(&errors);
                            if let Some((_, first)) = errors.first() {
                                cx.say(first.clone());
                            }
                        }
                    }
                }
                Action::Save => {}
                a => {
                    if let Some(FormEvent::Notice(m)) = form.apply(a) {
                        cx.say(m);
                    }
                }
            }
            return;
        }
        let last = view.lines.len().saturating_sub(1);
        match action {
            Action::Back => {
                self.report = None;
                // A period asked for and not come yet: left with the report, it does not open it again.
                self.report_op = None;
            }
            Action::Up => view.scroll = view.scroll.saturating_sub(1),
            Action::Down => view.scroll = (view.scroll + 1).min(last),
            Action::PageUp => view.scroll = view.scroll.saturating_sub(10),
            Action::PageDown => view.scroll = (view.scroll + 10).min(last),
            Action::PrevPeriod => {
                let w = view.window.previous();
                self.ask_report_for(w, cx);
            }
            Action::NextPeriod if view.window.is_open_at(cx.now) => {
                cx.say("这已是本期（尚未结束），没有更晚的日报");
            }
            Action::NextPeriod => {
                let w = view.window.next();
                self.ask_report_for(w, cx);
            }
            // Another period is on its way and would replace this report, form and all.
            Action::MarkSent if self.report_op.is_some() => cx.say("正在生成日报，请稍候再按"),
            Action::MarkSent => {
                let form = sending_form(view, cx);
                view.form = Some(form);
            }
            _ => {}
        }
    }
}

/// The 标记已报送 form for the report on screen: now, the office's recipient, the way and the
/// recipient of its last sending if it was sent before, and the duty leader on shift.
fn sending_form(view: &ReportView, cx: &Cx<'_>) -> Form<SendingField> {
    let last = view.sent.last();
    let recipient = last.map_or_else(|| cx.settings.urgent.recipient.clone(), |s| s.recipient.clone());
    let method = last.map_or(SendMethod::Fax, |s| s.method);
    let signer = last.map(|s| s.signer.clone()).unwrap_or_else(|| {
        let (shift, _) = cx.shared.roster.now_next(cx.settings, cx.now);
        shift.map(|s| s.leader).unwrap_or_default()
    });
    let methods: Vec<String> = SendMethod::ALL.iter().map(|m| m.label().to_string()).collect();
    let selected = SendMethod::ALL.iter().position(|m| *m == method).unwrap_or(0);
    let title = format!(
        "标记已报送：{} 至 {} 的值班日报",
        format_minute(view.window.from),
        format_minute(view.window.to)
    );
    let heading = format!(
        "保存的是屏幕上这份日报的全文（生成于 {}）",
        format_minute(view.generated_at)
    );
    Form::new(
        &title,
        vec![
            Field::text(SendingField::SentAt, SendingField::SentAt.label(), false, 20)
                .required()
                .with_heading(&heading)
                .with_value(&format_minute(cx.now)),
            Field::text(
                SendingField::Recipient,
                SendingField::Recipient.label(),
                false,
                RECIPIENT_MAX,
            )
            .required()
            .with_value(&recipient),
            Field::choice(SendingField::Method, SendingField::Method.label(), methods, selected),
            Field::text(SendingField::Signer, SendingField::Signer.label(), false, SIGNER_MAX)
                .required()
                .with_placeholder(&format!("{}姓名", cx.settings.leader_title()))
                .with_value(&signer),
        ],
    )
}

impl Screen for SearchScreen {
    fn mode(&self) -> Mode {
        match &self.report {
            Some(ReportView { form: Some(_), .. }) => Mode::Form,
            Some(_) => Mode::Report,
            None => Mode::Search,
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if self.report.is_some() {
            return self.report_action(action, cx);
        }
        let request = SearchScreen::on_action(self, action);
        self.run(request, cx);
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some(ReportView { form: Some(form), .. }) = &mut self.report {
            type_into(form, c, cx);
            return;
        }
        let request = self.type_char(c);
        self.run(request, cx);
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        match &mut self.report {
            Some(ReportView { form: Some(form), .. }) => {
                paste_into(form, text, cx);
            }
            Some(_) => cx.say("粘贴只能在填写表单时使用：先按 s 标记已报送"),
            None => {
                let request = self.paste(text);
                self.run(request, cx);
            }
        }
    }

    fn has_unsaved(&self) -> bool {
        self.report
            .as_ref()
            .and_then(|v| v.form.as_ref())
            .is_some_and(|f| f.dirty)
    }

    fn form_dirty(&self) -> bool {
        self.has_unsaved()
    }

    fn discard_form(&mut self) {
        if let Some(v) = &mut self.report {
            v.form = None;
        }
        self.mark_op = None;
    }

    fn saving(&self) -> bool {
        self.mark_op.is_some()
    }

    fn draft(&self) -> Option<String> {
        let view = self.report.as_ref()?;
        let form = view.form.as_ref().filter(|f| f.dirty)?;
        serde_json::to_string(&SentDraft {
            from: format_minute(view.window.from),
            to: format_minute(view.window.to),
            form: form.to_draft(),
        })
        .ok()
    }

    /// The period's report is made again (the form opens on it when it arrives).
    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(d) = serde_json::from_str::<SentDraft>(body) else {
            return false;
        };
        let time = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").ok();
        let (Some(from), Some(to)) = (time(&d.from), time(&d.to)) else {
            return false;
        };
        self.restoring = Some(d.form);
        self.ask_report_for(Window { from, to }, cx);
        true
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let search = self.search_op.as_ref().filter(|(id, ..)| *id == op).cloned();
        if search.is_some() {
            self.search_op = None;
        }
        match (reply, search) {
            (Reply::SearchResults(hits), Some((_, input, append))) => self.on_results(&input, hits, append),
            (Reply::Failed(why), Some((_, input, _))) => self.on_error(&input, format!("查询失败：{why}")),
            // An answer to an older search: the box has changed since.
            (Reply::SearchResults(_), None) => {}
            (Reply::DailyReport(report, sent), _) if self.report_op == Some(op) => {
                self.report_op = None;
                let text = report.to_text(&cx.settings.office_name, cx.settings.leader_title());
                let mut view = ReportView::new(&report, text, sent);
                if let Some(draft) = self.restoring.take() {
                    let mut form = sending_form(&view, cx);
                    form.restore_draft(&draft);
                    view.form = Some(form);
                }
                self.report = Some(view);
            }
            (Reply::ReportMarked(_), _) => {
                let Some((_, sending)) = self.mark_op.take_if(|(id, _)| *id == op) else {
                    return;
                };
                let said = format!(
                    "已保存：值班日报（{} 止）{}",
                    sending.window.to.format("%m-%d %H:%M"),
                    sending.describe()
                );
                if let Some(view) = self.report.as_mut().filter(|v| v.window == sending.window) {
                    view.form = None;
                    view.sent.push(sending);
                }
                cx.say(said);
                // The daily reminder, and other terminals' screens, read again.
                cx.command(Command::RecordsChanged);
            }
            (Reply::Failed(why), None) if self.mark_op.as_ref().is_some_and(|(id, _)| *id == op) => {
                self.mark_op = None;
                save_failed(self.report.as_mut().and_then(|v| v.form.as_mut()), &why, cx);
            }
            (Reply::Failed(why), None) if self.report_op == Some(op) => {
                self.report_op = None;
                self.restoring = None;
                cx.say(format!("值班日报生成失败：{why}"));
            }
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

    fn page(hits: Vec<SearchHit>) -> SearchPage {
        SearchPage { hits, cut: None }
    }

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
        s.on_results("河", page(vec![hit(1)]), false);
        assert!(s.hits.is_empty(), "the answer for 河 arrives after 河堤 was typed");
        s.on_results("河堤", page(vec![hit(1), hit(2)]), false);
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
        s.on_results("河", page((0..PAGE as i64).map(hit).collect()), false);
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

    #[test]
    fn a_cut_search_goes_on_from_where_it_stopped_with_enter_or_down() {
        let mut s = SearchScreen::default();
        s.type_char('局');
        s.type_char('镇');
        let cut = SearchCursor::new(12_345 << 16);
        s.on_results(
            "局镇",
            SearchPage {
                hits: Vec::new(),
                cut: Some(cut),
            },
            false,
        );
        assert!(s.more && s.cut == Some(cut));
        assert_eq!(
            s.on_action(Action::Open),
            SearchRequest::Search {
                input: "局镇".into(),
                before: Some(cut)
            },
            "Enter on a cut search with nothing found yet goes on"
        );
        // With hits: Down near the end goes on from the cut, not from the last hit.
        s.on_results(
            "局镇",
            SearchPage {
                hits: vec![hit(7)],
                cut: Some(cut),
            },
            false,
        );
        assert_eq!(
            s.on_action(Action::Down),
            SearchRequest::Search {
                input: "局镇".into(),
                before: Some(cut)
            }
        );
        // Complete: nothing more to ask.
        s.on_results(
            "局镇",
            SearchPage {
                hits: vec![hit(7)],
                cut: None,
            },
            false,
        );
        assert!(!s.more);
        assert_eq!(s.on_action(Action::Down), SearchRequest::None);
    }
}
