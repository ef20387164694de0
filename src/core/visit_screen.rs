//! The 来访登记 tab's state and transitions: the on-site board (在楼人员) or all visits (paged by key),
//! the lookup before registering (name, pinyin, ID number or its last 4), the registration form
//! (信访 and 集体访 rows appear when 信访 is 是), a visit's detail with the logged ID reveal, and
//! the watch list. Alerts (watch-list match, 集体访, a crowd forcing entry) go through the same
//! escalation as urgent log entries and events.

use chrono::{Duration, NaiveDateTime};

use super::form::FormEvent;
use super::form::{Field, Form, Input};
use super::idcard::{Gender, mask};
use super::keymap::{Action, Mode};
use super::log::{LogField, RawValues, build_entry};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, paste_into, save_failed, type_into};
use super::settings::{Callee, Settings, report_callees};
use super::text_buffer::TextBuffer;
use super::urgent::{EventDraft, Level, NewEvent, TimelineLine, new_event, raised};
pub use super::visit::{AlertEntry, VisitAnchor, VisitKey, VisitPageRequest};
use super::visit::{
    IdType, LookupAnswer, MAX_REPRESENTATIVES, NewVisit, NewWatchEntry, RepresentativeDraft, Reveal, Visit, VisitDraft,
    VisitField, VisitId, VisitorMatch, WatchDraft, WatchEntry, WatchField, build_visit, build_watch_entry,
    watch_matches,
};

/// The fields of the visitor screen's forms: registration and the watch list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitFormKey {
    Visit(VisitField),
    Watch(WatchField),
}

/// Visits read per page of 全部来访 (two screens and more at 80x24).
pub const VISIT_PAGE: usize = 50;

/// Pages of 全部来访 held at most: moving on reads the next page and drops the farthest.
pub const VISIT_PAGES_HELD: usize = 4;

/// 全部来访: a window of at most [`VISIT_PAGES_HELD`] pages over every visit, newest first, read
/// a page at a time by key like the duty log ([`super::log_screen::LogList`]). The rows are
/// visits without their representatives and previous-visit summary (the detail reads those).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitList {
    pub rows: Vec<Visit>,
    pub more_newer: bool,
    pub more_older: bool,
    /// The first page has arrived.
    pub loaded: bool,
    /// A page is on its way; no second one is asked for meanwhile.
    pub loading: bool,
    /// The page asked for last: an answer to one asked before it is dropped (the window was
    /// read again meanwhile).
    page_op: Option<OpId>,
}

impl VisitList {
    fn request(&mut self, anchor: VisitAnchor, select: Option<VisitId>) -> VisitRequest {
        self.loading = true;
        VisitRequest::LoadPage(VisitPageRequest {
            anchor,
            limit: VISIT_PAGE,
            select,
        })
    }
}

/// How long the keyboard must be still before the lookup box asks the store: a fast typist's
/// keys do not each start a lookup, and the answer follows the last key by about this much.
pub const LOOKUP_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// The lookup box before registering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub query: TextBuffer,
    /// Said under the box (a paste that was cut).
    pub notice: Option<String>,
    pub results: Vec<VisitorMatch>,
    pub selected: usize,
    /// The text `results` answer: an earlier one while the officer is typing.
    pub answered: String,
    /// The text changed since the store was asked: ask after [`LOOKUP_PAUSE`] without a key.
    pub waiting: bool,
    /// Enter came before the answer for the current text: act when it arrives.
    pub pick_on_answer: bool,
    /// The answer ran out of time before it had looked through every visit: the screen says so
    /// and F5 (or Enter, with nobody found) looks through all of them. Never taken for 没有来过.
    pub cut: bool,
}

impl Lookup {
    #[must_use]
    pub fn new() -> Self {
        Self {
            query: TextBuffer::new(false, 40),
            notice: None,
            results: Vec::new(),
            selected: 0,
            answered: String::new(),
            waiting: false,
            pick_on_answer: false,
            cut: false,
        }
    }

    /// Whether the results shown answer what is in the box.
    #[must_use]
    pub fn is_current(&self) -> bool {
        self.answered == self.query.text()
    }

    /// After the text changed: nothing typed means nothing found, at once; otherwise ask after a
    /// pause.
    fn edited(&mut self) {
        self.pick_on_answer = false;
        if self.query.text().trim().is_empty() {
            self.results.clear();
            self.selected = 0;
            self.answered = self.query.text().to_string();
        }
        self.waiting = !self.is_current();
    }

    /// Ask the store now for what is in the box.
    fn ask(&mut self) -> VisitRequest {
        self.waiting = false;
        VisitRequest::Lookup(self.query.text().to_string())
    }
}

impl Default for Lookup {
    fn default() -> Self {
        Self::new()
    }
}

/// An unsaved visit or watch-list form kept as a draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct VisitFormDraft {
    watch: bool,
    form: super::form::FormDraft,
}

/// What the open form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitForm {
    Register,
    Watch,
}

/// A log entry that raises an alert through the escalation ladder, with its first timeline lines.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitScreen {
    /// Who is inside now (oldest first).
    pub inside: Vec<Visit>,
    /// `inside` has been read once (until then the board says 正在读取, not 没有).
    pub inside_read: bool,
    /// 全部来访, read only while the board shows it.
    pub all: VisitList,
    pub watch: Vec<WatchEntry>,
    /// The board shows every visit instead of who is inside.
    pub show_all: bool,
    pub selected: usize,
    pub detail: Option<Visit>,
    /// The full ID number of the visit in `detail` once revealed (and logged), with who revealed
    /// it: see [`VisitScreen::revealed_to`].
    revealed: Option<(String, String)>,
    pub reveals: Vec<Reveal>,
    pub lookup: Option<Lookup>,
    pub form: Option<(Form<VisitFormKey>, VisitForm)>,
    pub watch_open: bool,
    pub watch_selected: usize,
    /// The lookup in flight, with the text it asked about.
    lookup_op: Option<(OpId, String)>,
    /// The form's save in flight, with the name it saves (for the confirmation).
    save_op: Option<(OpId, String)>,
    /// Other writes in flight: a check-out, a reveal, a raised event.
    checkout_op: Option<(OpId, VisitId)>,
    reveal_op: Option<(OpId, VisitId)>,
    event_op: Option<OpId>,
    /// The visit being read for the detail: an answer the officer has left (Esc) is dropped.
    detail_op: Option<OpId>,
    /// The crowd question is open: the visit it names, if any.
    crowd: Option<Option<(VisitId, String)>>,
}

/// What a transition asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitRequest {
    None,
    Say(String),
    Lookup(String),
    /// The lookup again, through every visit however long it takes (after a cut one).
    LookupAll(String),
    Save(Box<NewVisit>, Vec<AlertEntry>),
    AskCheckout(VisitId),
    LoadDetail(VisitId),
    LoadPage(VisitPageRequest),
    Reveal(VisitId),
    AddWatch(Box<NewWatchEntry>),
    /// Ask before raising the crowd event (a yes comes back as [`CROWD_TOKEN`]).
    AskCrowd(String),
    RaiseEvent(Box<NewEvent>, Vec<TimelineLine>),
}

/// The token of the question before the crowd event (a check-out question's is its visit's id).
pub const CROWD_TOKEN: u64 = u64::MAX;

/// The category of the crowd event: 社会安全 if configured, else the first.
fn crowd_category(settings: &Settings) -> String {
    settings
        .urgent
        .categories
        .iter()
        .find(|c| c.as_str() == "社会安全")
        .or(settings.urgent.categories.first())
        .cloned()
        .unwrap_or_default()
}

/// "集体访 刘大爷 等 12 人", "信访 刘大爷".
fn petition_visit(v: &Visit) -> String {
    let kind = if v.fields.is_collective() {
        "集体访"
    } else {
        "信访"
    };
    if v.fields.people_count > 1 {
        format!("{kind} {} 等 {} 人", v.fields.name, v.fields.people_count)
    } else {
        format!("{kind} {}", v.fields.name)
    }
}

fn key(f: VisitField) -> VisitFormKey {
    VisitFormKey::Visit(f)
}

fn text(f: VisitField) -> Field<VisitFormKey> {
    Field::text(key(f), &f.label(), f.is_multiline(), f.max_chars())
}

const NO: &str = "否";
const YES: &str = "是";

/// The registration form; petition fields hidden until 信访 is 是.
#[must_use]
pub fn register_form(settings: &Settings) -> Form<VisitFormKey> {
    let labels = |all: &[&str]| all.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    let genders: Vec<&str> = Gender::ALL.iter().map(|g| g.label()).collect();
    let id_types: Vec<&str> = IdType::ALL.iter().map(|t| t.label()).collect();
    let mut fields = vec![
        text(VisitField::Name).required(),
        Field::choice(
            key(VisitField::Gender),
            "性别",
            labels(&genders),
            genders.len().saturating_sub(1),
        ),
        Field::choice(key(VisitField::IdType), "证件类型", labels(&id_types), 0),
        text(VisitField::IdNumber)
            .required()
            .with_placeholder("居民身份证 18 位；“其他”写明出示的证明"),
        text(VisitField::Employer),
        text(VisitField::Phone).with_placeholder("手机 11 位或 区号-号码"),
        text(VisitField::PeopleCount).with_placeholder("默认 1"),
        text(VisitField::Companions),
        text(VisitField::Purpose).required(),
        Field::choice(key(VisitField::Host), "被访部门/人", settings.visit.hosts.clone(), 0).required(),
        text(VisitField::Plate).with_placeholder("如 云A12345，可不填"),
        text(VisitField::Belongings),
        text(VisitField::EnteredAt).with_placeholder("默认现在"),
        Field::choice(key(VisitField::Petition), "信访", labels(&[NO, YES]), 0),
        text(VisitField::PetitionAddress).with_heading("信访（5 人以上为集体访：须 1-5 名代表，其中 1 名联络人）"),
        text(VisitField::PetitionMatter),
    ];
    for i in 0..MAX_REPRESENTATIVES {
        fields.push(text(VisitField::RepName(i)));
        fields.push(text(VisitField::RepIdNumber(i)));
        fields.push(text(VisitField::RepPhone(i)));
    }
    let mut liaison = vec!["（无）".to_string()];
    liaison.extend((1..=MAX_REPRESENTATIVES).map(|i| format!("代表{i}")));
    fields.push(Field::choice(key(VisitField::Liaison), "联络人", liaison, 0));
    fields.push(text(VisitField::Handling));
    let mut form = Form::new("登记来访", fields);
    show_petition_fields(&mut form);
    form
}

/// Petition fields are shown only on a 信访 visit.
pub fn show_petition_fields(form: &mut Form<VisitFormKey>) {
    let petition = form.value(key(VisitField::Petition)) == YES;
    for f in &mut form.fields {
        if let VisitFormKey::Visit(v) = f.key
            && v.is_petition_only()
        {
            f.hidden = !petition;
        }
    }
}

/// Reads the form into a draft, exactly as typed.
#[must_use]
pub fn read_form(form: &Form<VisitFormKey>) -> VisitDraft {
    let v = |f: VisitField| form.value(key(f));
    let representatives = (0..MAX_REPRESENTATIVES)
        .map(|i| RepresentativeDraft {
            name: v(VisitField::RepName(i)),
            id_number: v(VisitField::RepIdNumber(i)),
            phone: v(VisitField::RepPhone(i)),
        })
        .collect();
    let liaison = match form.field(key(VisitField::Liaison)).map(|f| &f.input) {
        Some(Input::Choice { selected, .. }) if *selected > 0 => Some(selected - 1),
        _ => None,
    };
    VisitDraft {
        name: v(VisitField::Name),
        gender: v(VisitField::Gender),
        id_type: v(VisitField::IdType),
        id_number: v(VisitField::IdNumber),
        employer: v(VisitField::Employer),
        phone: v(VisitField::Phone),
        people_count: v(VisitField::PeopleCount),
        companions: v(VisitField::Companions),
        purpose: v(VisitField::Purpose),
        host: v(VisitField::Host),
        plate: v(VisitField::Plate),
        belongings: v(VisitField::Belongings),
        handling: v(VisitField::Handling),
        entered_at: v(VisitField::EnteredAt),
        petition: v(VisitField::Petition) == YES,
        petition_address: v(VisitField::PetitionAddress),
        petition_matter: v(VisitField::PetitionMatter),
        representatives,
        liaison,
    }
}

/// The unit the alerts of this screen are written from: the banner tells them by it
/// ([`is_visit_alert`]) and names whom to report to instead of the ladder's rung.
pub const ALERT_UNIT: &str = "值班室（来访登记）";

/// Whether an entry alert's banner title ("请示 事件 值班室（来访登记）：集体访…") is a 集体访 or
/// watch-list alert raised here.
#[must_use]
pub fn is_visit_alert(title: &str) -> bool {
    title
        .split_once('：')
        .is_some_and(|(head, _)| head.contains(ALERT_UNIT))
}

/// "请立即报告：带班领导 王五 13800000003、分管领导 钱七 13800000005、信访部门 0871-12345100。"
/// (`[visit] report_to`, never the officer who writes it).
#[must_use]
pub fn report_sentence(settings: &Settings, operator: &str) -> String {
    let callees: Vec<String> = report_callees(settings, operator).iter().map(Callee::text).collect();
    if callees.is_empty() {
        format!("请立即报告{}。", settings.leader_title())
    } else {
        format!("请立即报告：{}。", callees.join("、"))
    }
}

/// An alert raised as a 请示 log entry that nags up the ladder until someone acknowledges it.
fn alert_entry(content: &str, settings: &Settings, operator: &str, now: NaiveDateTime) -> Option<AlertEntry> {
    let category = if settings.categories.iter().any(|c| c == "信访") {
        "信访".to_string()
    } else {
        settings.categories.first().cloned().unwrap_or_default()
    };
    let raw: RawValues = [
        (LogField::Kind, "事件".to_string()),
        (LogField::Category, category),
        (LogField::Unit, ALERT_UNIT.to_string()),
        (LogField::Content, content.to_string()),
        (LogField::Triage, "请示".to_string()),
    ]
    .into_iter()
    .collect();
    let entry = build_entry(&raw, operator, now).ok()?;
    Some((Box::new(entry), raised(now, &settings.urgent.ladder)))
}

/// The alerts a saved visit raises: a watch-list match, and a 集体访 (reported at once to the
/// leaders and the 信访部门, 000:377, 002:1652: `[visit] report_to`, each named with their number
/// from the first second). The notifications carry no content; the log entry does.
#[must_use]
pub fn alerts_for(
    visit: &NewVisit,
    watch: &[WatchEntry],
    settings: &Settings,
    operator: &str,
    now: NaiveDateTime,
) -> Vec<AlertEntry> {
    let mut out = Vec::new();
    let mut hits: Vec<&WatchEntry> = watch_matches(&visit.name, &visit.id_number, watch);
    for r in &visit.representatives {
        for w in watch_matches(&r.name, &r.id_number, watch) {
            if !hits.iter().any(|h| h.id == w.id) {
                hits.push(w);
            }
        }
    }
    let report = report_sentence(settings, operator);
    for w in hits {
        let content = format!(
            "关注名单人员来访：{} 访 {}（关注原因：{}，由 {} 列入）。{report}",
            w.name, visit.host, w.reason, w.added_by,
        );
        out.extend(alert_entry(&content, settings, operator, now));
    }
    if visit.is_collective() {
        let reps: Vec<&str> = visit.representatives.iter().map(|r| r.name.as_str()).collect();
        let liaison = visit.liaison().map_or("", |r| r.name.as_str());
        let matter = visit.petition.as_ref().map_or("", |p| p.matter.as_str());
        let content = format!(
            "集体访 {} 人，代表 {}，联络人 {}，访 {}；信访事项：{}。{report}",
            visit.people_count,
            reps.join("、"),
            liaison,
            visit.host,
            super::text::first_line(matter),
        );
        out.extend(alert_entry(&content, settings, operator, now));
    }
    out
}

impl VisitScreen {
    /// The full ID number of the visit in the detail, if the officer at the keyboard revealed it
    /// with `v` (logged). A colleague who takes over at the lock screen, or anyone coming back to
    /// the tab, sees it masked until they press `v` themselves.
    #[must_use]
    pub fn revealed_to(&self, operator: Option<&str>) -> Option<&str> {
        self.revealed
            .as_ref()
            .filter(|(_, by)| Some(by.as_str()) == operator)
            .map(|(full, _)| full.as_str())
    }

    /// The visits the board lists.
    #[must_use]
    pub fn rows(&self) -> &[Visit] {
        if self.show_all { &self.all.rows } else { &self.inside }
    }

    #[must_use]
    pub fn selected_visit(&self) -> Option<&Visit> {
        self.rows().get(self.selected)
    }

    #[must_use]
    pub fn has_unsaved_work(&self) -> bool {
        self.form.as_ref().is_some_and(|(f, _)| f.dirty)
    }

    /// Keys on the board. `page`: rows a page key moves.
    pub fn on_board_action(&mut self, action: Action, settings: &Settings, page: usize) -> VisitRequest {
        let page = isize::try_from(page.max(1)).unwrap_or(1);
        match action {
            Action::Up => return self.move_by(-1),
            Action::Down => return self.move_by(1),
            Action::PageUp => return self.move_by(-page),
            Action::PageDown => return self.move_by(page),
            Action::RegisterVisit => self.lookup = Some(Lookup::new()),
            Action::ToggleAll => {
                self.show_all = !self.show_all;
                self.selected = 0;
                self.all = VisitList::default();
                if self.show_all {
                    return self.all.request(VisitAnchor::Newest, None);
                }
            }
            Action::Open => {
                if let Some(v) = self.selected_visit() {
                    return VisitRequest::LoadDetail(v.id);
                }
            }
            Action::Checkout => return self.ask_checkout(),
            Action::RaiseCrowd => return self.ask_crowd(settings),
            Action::OpenWatch => {
                self.watch_open = true;
                self.watch_selected = 0;
            }
            _ => {}
        }
        VisitRequest::None
    }

    /// Moves the selection; in 全部来访, reads the next page when it comes near an edge of the
    /// rows held.
    fn move_by(&mut self, delta: isize) -> VisitRequest {
        let n = self.rows().len();
        self.selected = self.selected.saturating_add_signed(delta).min(n.saturating_sub(1));
        if self.show_all {
            self.prefetch()
        } else {
            VisitRequest::None
        }
    }

    fn prefetch(&mut self) -> VisitRequest {
        let all = &mut self.all;
        if all.loading {
            return VisitRequest::None;
        }
        let near = VISIT_PAGE / 2;
        let anchor = if all.more_older && all.rows.len().saturating_sub(self.selected) <= near {
            all.rows.last().map(|v| VisitAnchor::Before(VisitKey::of(v)))
        } else if all.more_newer && self.selected < near {
            all.rows.first().map(|v| VisitAnchor::After(VisitKey::of(v)))
        } else {
            None
        };
        anchor.map_or(VisitRequest::None, |a| all.request(a, None))
    }

    /// Reads 全部来访 again around the selected visit (another terminal wrote, a visit left), if
    /// it is shown; on the newest visit it stays on the newest.
    pub fn reload_all(&mut self) -> VisitRequest {
        if !self.show_all {
            return VisitRequest::None;
        }
        let all = &mut self.all;
        let following = self.selected == 0 && !all.more_newer;
        match all.rows.get(self.selected.saturating_sub(VISIT_PAGE / 2)) {
            Some(from) if !following => {
                let select = all.rows.get(self.selected).map(|v| v.id);
                let key = VisitKey::of(from);
                all.request(VisitAnchor::AtOrBefore(key), select)
            }
            _ => all.request(VisitAnchor::Newest, None),
        }
    }

    /// A page of 全部来访 arrived.
    pub fn on_visit_page(&mut self, req: VisitPageRequest, rows: Vec<Visit>) {
        if !self.show_all {
            return;
        }
        let all = &mut self.all;
        all.loading = false;
        all.loaded = true;
        let full = rows.len() >= req.limit;
        let cap = VISIT_PAGE * VISIT_PAGES_HELD;
        match req.anchor {
            VisitAnchor::Newest | VisitAnchor::AtOrBefore(_) => {
                // Read again from a visit that was not the first held: newer ones are still there.
                all.more_newer = match req.anchor {
                    VisitAnchor::AtOrBefore(k) => all.more_newer || all.rows.first().map(VisitKey::of) != Some(k),
                    _ => false,
                };
                all.more_older = full;
                all.rows = rows;
                self.selected = 0;
            }
            VisitAnchor::Before(_) => {
                all.more_older = full;
                all.rows.extend(rows);
                let excess = all.rows.len().saturating_sub(cap);
                if excess > 0 {
                    all.rows.drain(..excess);
                    self.selected = self.selected.saturating_sub(excess);
                    all.more_newer = true;
                }
            }
            VisitAnchor::After(_) => {
                all.more_newer = full;
                let added = rows.len();
                all.rows.splice(0..0, rows);
                self.selected += added;
                if all.rows.len() > cap {
                    all.rows.truncate(cap);
                    all.more_older = true;
                }
            }
        }
        if let Some(i) = req.select.and_then(|id| all.rows.iter().position(|v| v.id == id)) {
            self.selected = i;
        }
        self.selected = self.selected.min(all.rows.len().saturating_sub(1));
    }

    fn ask_checkout(&self) -> VisitRequest {
        let visit = self.detail.as_ref().or(self.selected_visit());
        match visit {
            Some(v) if v.is_inside() => VisitRequest::AskCheckout(v.id),
            Some(v) => VisitRequest::Say(format!(
                "{} 已于 {} 离开",
                v.fields.name,
                v.checked_out_at.map(super::validate::format_minute).unwrap_or_default()
            )),
            None => VisitRequest::Say("没有在楼的来访人员".into()),
        }
    }

    /// `!`: a crowd forcing its way in (000:378-379). An urgent event cannot be taken back, so the
    /// officer is asked first. It names a visit only when the officer opened that 信访 or 集体访
    /// visit and pressed `!` on it, and the question says which; from the board it names nobody
    /// (the highlighted row is only where the cursor happens to be).
    fn ask_crowd(&mut self, settings: &Settings) -> VisitRequest {
        let linked = self
            .detail
            .as_ref()
            .filter(|v| v.fields.petition.is_some())
            .map(|v| (v.id, petition_visit(v)));
        let link = match &linked {
            Some((id, who)) => format!("，关联第 {id} 号来访（{who}）"),
            None => "，不关联任何来访".into(),
        };
        let hint = if linked.is_none()
            && self.detail.is_none()
            && self.selected_visit().is_some_and(|v| v.fields.petition.is_some())
        {
            "（要关联所选信访来访：先按 Enter 打开它，再按 !）"
        } else {
            ""
        };
        let question = format!(
            "来访群众强行进入机关：新建“{}”类紧急事件{link}？报送时限立即计时，不能撤销{hint}",
            crowd_category(settings)
        );
        self.crowd = Some(linked);
        VisitRequest::AskCrowd(question)
    }

    /// The officer said yes to [`VisitScreen::ask_crowd`]: the event, its clocks running from
    /// `now`. Its text says what happened, and that the rest is to be checked; it does not say
    /// anyone was told (000:139: reports are never made up) — the reports record that.
    fn crowd_event(&mut self, settings: &Settings, operator: &str, now: NaiveDateTime) -> VisitRequest {
        let Some(linked) = self.crowd.take() else {
            return VisitRequest::None;
        };
        let link = linked.map_or(String::new(), |(id, who)| format!("（第 {id} 号来访：{who}）"));
        let summary = format!(
            "{} 来访群众强行进入机关{link}；人数、经过、诉求待核实",
            now.format("%H:%M")
        );
        // The level stays 一般 as before. domain.md §2.2 wants the officer to choose it (no
        // default); that waits for the urgent model being reworked (core/urgent.rs).
        let draft = EventDraft::essentials(
            &crowd_category(settings),
            Level::Ordinary,
            now,
            &settings.office_name,
            &summary,
        );
        match new_event(draft, &settings.urgent, operator, now) {
            Ok(event) => VisitRequest::RaiseEvent(Box::new(event), raised(now, &settings.urgent.ladder)),
            Err(e) => VisitRequest::Say(e),
        }
    }

    /// A typed character in the lookup box: the store is asked once typing pauses.
    pub fn lookup_char(&mut self, c: char) -> VisitRequest {
        let Some(l) = &mut self.lookup else {
            return VisitRequest::None;
        };
        l.query.insert_char(c);
        l.edited();
        VisitRequest::None
    }

    /// A paste arrives whole: asked at once.
    pub fn lookup_paste(&mut self, s: &str) -> VisitRequest {
        let Some(l) = &mut self.lookup else {
            return VisitRequest::None;
        };
        l.notice = match l.query.insert_str(s) {
            super::text_buffer::Inserted::Truncated { kept } => Some(format!(
                "粘贴的内容太长，只取了前 {kept} 个字：查找时输入姓名、拼音或证件号码即可"
            )),
            super::text_buffer::Inserted::All => None,
        };
        l.edited();
        if l.waiting { l.ask() } else { VisitRequest::None }
    }

    /// Typing paused ([`LOOKUP_PAUSE`]): ask the store for what is in the box, if not yet asked.
    pub fn on_pause(&mut self) -> VisitRequest {
        match &mut self.lookup {
            Some(l) if l.waiting => l.ask(),
            _ => VisitRequest::None,
        }
    }

    /// Results for a query; results for an older query are dropped. If Enter is waiting for
    /// them, it acts now.
    pub fn on_lookup_results(&mut self, query: &str, answer: LookupAnswer, settings: &Settings) -> VisitRequest {
        let Some(l) = &mut self.lookup else {
            return VisitRequest::None;
        };
        if l.query.text() != query {
            return VisitRequest::None;
        }
        l.results = answer.matches;
        l.cut = !answer.complete;
        l.selected = 0;
        l.answered = query.to_string();
        // Enter typed ahead of a cut answer that found nobody: look through everything first,
        // never a new visitor on an answer that is not complete.
        if l.pick_on_answer && l.cut && l.results.is_empty() {
            return VisitRequest::LookupAll(query.to_string());
        }
        if std::mem::take(&mut l.pick_on_answer) {
            return self.pick(settings);
        }
        VisitRequest::None
    }

    /// Enter in the lookup box: the selected person's last registration filled in, or a new
    /// visitor with what was typed where it belongs.
    fn pick(&mut self, settings: &Settings) -> VisitRequest {
        let Some(l) = self.lookup.take() else {
            return VisitRequest::None;
        };
        let chosen = l.results.get(l.selected).cloned();
        let query = l.query.text().to_string();
        let mut form = register_form(settings);
        match chosen {
            Some(m) => {
                fill_from_match(&mut form, &m);
                self.form = Some((form, VisitForm::Register));
                VisitRequest::Say(format!(
                    "已按上次登记填好：{}。核对来访事由和被访部门后按 Ctrl-S 保存",
                    m.name
                ))
            }
            None => {
                // Nobody found: a new visitor, with what was typed where it belongs.
                let q = query.trim();
                let field = if q.chars().any(|c| c.is_ascii_digit()) {
                    VisitField::IdNumber
                } else {
                    VisitField::Name
                };
                if q.chars().all(|c| !c.is_ascii_alphabetic()) && !q.is_empty() {
                    if let Some(f) = form.field_mut(key(field)) {
                        f.set_value(q);
                    }
                    form.dirty = true;
                }
                self.form = Some((form, VisitForm::Register));
                VisitRequest::None
            }
        }
    }

    /// Keys in the lookup box.
    pub fn on_lookup_action(&mut self, action: Action, settings: &Settings) -> VisitRequest {
        let Some(l) = &mut self.lookup else {
            return VisitRequest::None;
        };
        match action {
            Action::Back => self.lookup = None,
            Action::Up => l.selected = l.selected.saturating_sub(1),
            Action::Down => l.selected = (l.selected + 1).min(l.results.len().saturating_sub(1)),
            // Enter acts on what is in the box now: if its answer has not come yet (typing has
            // not paused), the store is asked at once and the answer acted on.
            Action::Pick if !l.is_current() => {
                l.pick_on_answer = true;
                return l.ask();
            }
            // Nobody found by a cut answer: Enter goes on through every visit.
            Action::Pick | Action::LookupAll if l.cut && l.results.is_empty() => {
                l.pick_on_answer = action == Action::Pick;
                return VisitRequest::LookupAll(l.answered.clone());
            }
            Action::LookupAll if l.cut => return VisitRequest::LookupAll(l.answered.clone()),
            Action::Pick => return self.pick(settings),
            Action::NewBlank => {
                // A new visitor without looking further: what was typed goes where it belongs,
                // as when nobody is found.
                l.results.clear();
                return self.pick(settings);
            }
            Action::CursorLeft => l.query.left(),
            Action::CursorRight => l.query.right(),
            Action::LineStart => l.query.home(),
            Action::LineEnd => l.query.end(),
            Action::DeleteBack | Action::DeleteForward | Action::DeleteToLineStart => {
                match action {
                    Action::DeleteBack => l.query.backspace(),
                    Action::DeleteForward => l.query.delete(),
                    _ => l.query.delete_to_line_start(),
                }
                l.edited();
            }
            _ => {}
        }
        VisitRequest::None
    }

    /// Ctrl-S on a form.
    pub fn save_form(&mut self, settings: &Settings, operator: &str, now: NaiveDateTime) -> VisitRequest {
        let Some((form, kind)) = &mut self.form else {
            return VisitRequest::None;
        };
        match kind {
            VisitForm::Register => {
                let draft = read_form(form);
                match build_visit(&draft, operator, now, now.date()) {
                    Ok(visit) => {
                        form.saving = true;
                        let alerts = alerts_for(&visit, &self.watch, settings, operator, now);
                        VisitRequest::Save(Box::new(visit), alerts)
                    }
                    Err(errors) => {
                        // "How many representatives" belongs to the first representative's row.
                        let errors: Vec<(VisitFormKey, String)> = errors
                            .into_iter()
                            .map(|(f, m)| match f {
                                VisitField::Representatives => (key(VisitField::RepName(0)), m),
                                f => (key(f), m),
                            })
                            .collect();
                        // A petition error on a hidden field: show the petition fields first.
                        show_petition_fields(form);
                        form.set_errors(&errors);
                        VisitRequest::Say(format!("未保存：{}", errors[0].1))
                    }
                }
            }
            VisitForm::Watch => {
                let v = |f: WatchField| form.value(VisitFormKey::Watch(f));
                let draft = WatchDraft {
                    name: v(WatchField::Name),
                    aliases: v(WatchField::Aliases),
                    id_number: v(WatchField::IdNumber),
                    reason: v(WatchField::Reason),
                };
                match build_watch_entry(&draft, operator, now) {
                    Ok(entry) => {
                        form.saving = true;
                        VisitRequest::AddWatch(Box::new(entry))
                    }
                    Err(errors) => {
                        let errors: Vec<(VisitFormKey, String)> =
                            errors.into_iter().map(|(f, m)| (VisitFormKey::Watch(f), m)).collect();
                        form.set_errors(&errors);
                        VisitRequest::Say(format!("未保存：{}", errors[0].1))
                    }
                }
            }
        }
    }

    /// Keys on a visit's detail.
    pub fn on_detail_action(&mut self, action: Action, settings: &Settings) -> VisitRequest {
        match action {
            Action::Back => {
                self.detail = None;
                self.detail_op = None;
                self.revealed = None;
                self.reveals.clear();
            }
            Action::Reveal => {
                if let Some(v) = &self.detail {
                    return VisitRequest::Reveal(v.id);
                }
            }
            Action::Checkout => return self.ask_checkout(),
            Action::RaiseCrowd => return self.ask_crowd(settings),
            _ => {}
        }
        VisitRequest::None
    }

    /// Keys on the watch list.
    pub fn on_watch_action(&mut self, action: Action, settings: &Settings, operator: &str) -> VisitRequest {
        match action {
            Action::Back => self.watch_open = false,
            Action::Up => self.watch_selected = self.watch_selected.saturating_sub(1),
            Action::Down => self.watch_selected = (self.watch_selected + 1).min(self.watch.len().saturating_sub(1)),
            Action::AddWatch => {
                // Kept by the duty leader: a duty officer may type it in, but says so.
                let leader = settings.person(operator).is_some_and(|p| p.role.is_leader());
                let wf =
                    |f: WatchField, label: &str, max: usize| Field::text(VisitFormKey::Watch(f), label, false, max);
                let mut form = Form::new(
                    "关注名单：新增",
                    vec![
                        wf(WatchField::Name, "姓名", 50).required(),
                        wf(WatchField::Aliases, "别名", 200).with_placeholder("多个用、分隔"),
                        wf(WatchField::IdNumber, "证件号码", 60),
                        wf(WatchField::Reason, "原因", 500).required(),
                    ],
                );
                if !leader {
                    form.notice = Some(format!(
                        "关注名单由{}掌握：请在原因中写明是哪位领导交代的",
                        settings.leader_title()
                    ));
                }
                self.form = Some((form, VisitForm::Watch));
            }
            _ => {}
        }
        VisitRequest::None
    }
}

/// A returning visitor's details, and the previous visit's purpose to confirm or change. Focus
/// goes to 来访事由: the person is known, the reason for this visit is what needs checking.
pub fn fill_from_match(form: &mut Form<VisitFormKey>, m: &VisitorMatch) {
    let set = |form: &mut Form<VisitFormKey>, f: VisitField, v: &str| {
        if let Some(field) = form.field_mut(key(f)) {
            field.set_value(v);
        }
    };
    set(form, VisitField::Name, &m.name);
    set(form, VisitField::Gender, m.gender.label());
    set(form, VisitField::IdType, m.id_type.label());
    // The number is carried for the save but drawn masked: showing it whole is `v` on a visit's
    // detail, which is logged. Editing the field empties it for a new number typed whole.
    if let Some(field) = form.field_mut(key(VisitField::IdNumber)) {
        field.set_concealed(&m.id_number, &mask(&m.id_number));
    }
    set(form, VisitField::Employer, &m.employer);
    set(form, VisitField::Phone, &m.phone);
    set(form, VisitField::Purpose, &m.last_purpose);
    form.focus_on(key(VisitField::Purpose));
    form.notice = Some(format!(
        "重访：上次来访 {}，事由：{}；结果：{}（共 {} 次）。证件号码只显示首尾，改动须重输完整号码",
        super::validate::format_minute(m.last_entered_at),
        m.last_purpose,
        m.last_outcome,
        m.visits
    ));
}

/// How long a visitor has been inside, "2小时05分".
#[must_use]
pub fn inside_for(v: &Visit, now: NaiveDateTime) -> String {
    let d = (now - v.fields.entered_at).max(Duration::zero());
    format!("{}小时{:02}分", d.num_hours(), d.num_minutes() % 60)
}

/// The ID number as shown in lists: always masked.
#[must_use]
pub fn masked_id(v: &Visit) -> String {
    mask(&v.fields.id_number)
}
impl VisitScreen {
    fn run(&mut self, request: VisitRequest, cx: &mut Cx<'_>) {
        match request {
            VisitRequest::None => {}
            VisitRequest::Say(m) => cx.say(m),
            VisitRequest::Lookup(q) => {
                let op = cx.request(Request::LookupVisitors(q.clone()));
                self.lookup_op = Some((op, q));
            }
            VisitRequest::LookupAll(q) => {
                let op = cx.request(Request::LookupAllVisitors(q.clone()));
                self.lookup_op = Some((op, q));
                cx.say("正在查找全部来访记录…");
            }
            VisitRequest::Save(visit, alerts) => {
                let name = visit.name.clone();
                let op = cx.request(Request::SaveVisit(visit, alerts));
                self.save_op = Some((op, name));
                cx.say("正在保存…");
            }
            VisitRequest::AskCheckout(_) if self.checkout_op.is_some() => {
                cx.say("正在登记离开，请稍候");
            }
            VisitRequest::AskCheckout(id) => {
                let question = self.checkout_question(id, cx.now);
                cx.command(Command::Ask {
                    question,
                    token: u64::try_from(id).unwrap_or_default(),
                });
            }
            VisitRequest::LoadDetail(id) => {
                self.detail_op = Some(cx.request(Request::LoadVisit(id)));
            }
            VisitRequest::LoadPage(req) => {
                self.all.page_op = Some(cx.request(Request::LoadVisitPage(req)));
            }
            VisitRequest::Reveal(id) => {
                let op = cx.request(Request::RevealId {
                    id,
                    by: cx.operator.to_string(),
                });
                self.reveal_op = Some((op, id));
            }
            VisitRequest::AddWatch(entry) => {
                let name = entry.name.clone();
                let op = cx.request(Request::AddWatch(entry));
                self.save_op = Some((op, name));
                cx.say("正在保存…");
            }
            // An urgent event cannot be taken back: not a second one while the first is saved.
            VisitRequest::AskCrowd(_) if self.event_op.is_some() => {
                cx.say("正在报紧急事件，请稍候：上一次还没有保存完");
            }
            VisitRequest::AskCrowd(question) => cx.command(Command::Ask {
                question,
                token: CROWD_TOKEN,
            }),
            VisitRequest::RaiseEvent(event, lines) => {
                self.event_op = Some(cx.request(Request::CreateEvent(event, lines)));
                cx.say("正在报紧急事件…");
            }
        }
    }

    /// "王五 离开登记？（进入 …，在楼 …）"
    #[must_use]
    pub fn checkout_question(&self, id: VisitId, now: NaiveDateTime) -> String {
        let v = self.detail.iter().chain(self.inside.iter()).find(|v| v.id == id);
        match v {
            Some(v) => format!(
                "{} 离开登记？（{} 进入，在楼 {}）",
                v.fields.name,
                v.fields.entered_at.format("%m-%d %H:%M"),
                inside_for(v, now)
            ),
            None => format!("第 {id} 号来访离开登记？"),
        }
    }

    /// Reads the board again: who is inside, the watch list and, when shown, 全部来访.
    fn reload(&mut self, cx: &mut Cx<'_>) {
        cx.request(Request::LoadVisits);
        let request = self.reload_all();
        self.run(request, cx);
    }

    fn form_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let Some((form, _)) = &mut self.form else { return };
        match action {
            Action::Cancel => self.discard_form(),
            Action::Save if !form.saving => {
                form.clear_errors();
                let request = self.save_form(cx.settings, cx.operator, cx.now);
                self.run(request, cx);
            }
            Action::Save => {}
            a => match form.apply(a) {
                Some(FormEvent::Notice(m)) => cx.say(m),
                Some(FormEvent::Changed(VisitFormKey::Visit(VisitField::Petition))) => show_petition_fields(form),
                _ => {}
            },
        }
    }

    /// After a save or check-out: the board and the detail read again.
    fn after_write(&mut self, said: String, cx: &mut Cx<'_>) {
        cx.say(said);
        self.reload(cx);
        if let Some(id) = self.detail.as_ref().map(|v| v.id) {
            self.detail_op = Some(cx.request(Request::LoadVisit(id)));
        }
    }
}

impl Screen for VisitScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.lookup.is_some() {
            Mode::VisitLookup
        } else if self.watch_open {
            Mode::Watch
        } else if self.detail.is_some() {
            Mode::VisitDetail
        } else {
            Mode::Visitors
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let request = match self.mode() {
            Mode::Form => return self.form_action(action, cx),
            Mode::VisitLookup => self.on_lookup_action(action, cx.settings),
            Mode::Watch => self.on_watch_action(action, cx.settings, cx.operator),
            Mode::VisitDetail => self.on_detail_action(action, cx.settings),
            _ => self.on_board_action(action, cx.settings, cx.shared.viewport),
        };
        self.run(request, cx);
    }

    /// A printable key on the tab: into the form, or into the lookup box.
    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some((form, _)) = &mut self.form {
            type_into(form, c, cx);
        } else if self.lookup.is_some() {
            let request = self.lookup_char(c);
            self.run(request, cx);
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        if let Some((form, _)) = &mut self.form {
            paste_into(form, text, cx);
        } else if self.lookup.is_some() {
            let request = self.lookup_paste(text);
            self.run(request, cx);
        } else {
            cx.say("粘贴只能在填写表单时使用：先按 n 登记来访");
        }
    }

    fn has_unsaved(&self) -> bool {
        self.has_unsaved_work()
    }

    fn form_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(|(f, _)| f.dirty)
    }

    fn discard_form(&mut self) {
        self.form = None;
        self.save_op = None;
    }

    fn saving(&self) -> bool {
        self.save_op.is_some()
    }

    fn draft(&self) -> Option<String> {
        let (form, kind) = self.form.as_ref().filter(|(f, _)| f.dirty)?;
        // A returning visitor's ID number stays concealed in the draft's form as on screen.
        serde_json::to_string(&VisitFormDraft {
            watch: *kind == VisitForm::Watch,
            form: form.to_draft(),
        })
        .ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(d) = serde_json::from_str::<VisitFormDraft>(body) else {
            return false;
        };
        if d.watch {
            self.on_watch_action(Action::AddWatch, cx.settings, cx.operator);
        } else {
            self.lookup = None;
            self.form = Some((register_form(cx.settings), VisitForm::Register));
        }
        match &mut self.form {
            Some((form, _)) => {
                form.restore_draft(&d.form);
                true
            }
            None => false,
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let saving = self
            .save_op
            .as_ref()
            .filter(|(id, _)| *id == op)
            .map(|(_, name)| name.clone());
        match reply {
            Reply::Visits { inside, watch } => {
                self.inside = inside;
                self.inside_read = true;
                self.watch = watch;
                let n = self.rows().len();
                self.selected = self.selected.min(n.saturating_sub(1));
            }
            // A page asked for before the last one: the window has been read again since.
            Reply::VisitPage(..) if self.all.page_op != Some(op) => {}
            Reply::VisitPage(req, rows) => {
                self.all.page_op = None;
                self.on_visit_page(req, rows);
            }
            Reply::Lookup(answer) => {
                if let Some((id, query)) = self.lookup_op.take() {
                    if id == op {
                        let request = self.on_lookup_results(&query, answer, cx.settings);
                        self.run(request, cx);
                    } else {
                        self.lookup_op = Some((id, query));
                    }
                }
            }
            Reply::VisitSaved {
                id,
                repeat,
                raised,
                failed,
            } => {
                self.save_op = None;
                let mut said = format!("已保存：第 {id} 号来访 {}", saving.unwrap_or_default());
                if let Some(r) = repeat {
                    said.push_str(&format!("（{r}）"));
                }
                // The visit is saved whatever happened next; each alert is its own record.
                let leader = cx.settings.leader_title();
                for why in failed {
                    said.push_str(&format!("；提醒未能保存（{why}），请立即电话报告{leader}"));
                }
                if raised > 0 {
                    said.push_str(&format!("；已发出 {raised} 条紧急提醒，按 F2 确认"));
                }
                self.form = None;
                self.show_all = false;
                self.all = VisitList::default();
                cx.say(said);
                cx.request(Request::LoadVisits);
                if raised > 0 {
                    // The alert entries ring and nag like any urgent entry, and are in the log.
                    cx.command(Command::RecordsChanged);
                }
            }
            Reply::WatchAdded(id) => {
                self.save_op = None;
                self.form = None;
                self.after_write(format!("已保存：关注名单第 {id} 条 {}", saving.unwrap_or_default()), cx);
            }
            Reply::CheckedOut { name } => {
                let id = self
                    .checkout_op
                    .take_if(|(o, _)| *o == op)
                    .map(|(_, id)| id)
                    .unwrap_or_default();
                self.after_write(
                    format!("已登记离开：第 {id} 号来访 {name}，{}", cx.now.format("%H:%M")),
                    cx,
                );
            }
            // The officer left that detail (or asked for another) before it came.
            Reply::Visit(..) if self.detail_op != Some(op) => {}
            Reply::Visit(visit, reveals) => {
                self.detail_op = None;
                self.detail = Some(*visit);
                self.revealed = None;
                self.reveals = reveals;
            }
            Reply::Revealed { full, reveals } => {
                let id = self.reveal_op.take().filter(|(o, _)| *o == op).map(|(_, id)| id);
                if id.is_some() && self.detail.as_ref().map(|v| v.id) == id {
                    self.revealed = Some((full, cx.operator.to_string()));
                    self.reveals = reveals;
                    cx.say("已显示完整证件号；本次查看已记录（谁、何时）");
                }
            }
            Reply::EventCreated(id) => {
                self.event_op = None;
                cx.say(format!("已保存：第 {id} 号紧急事件，报送时限开始计时"));
                cx.command(Command::ReloadEvents);
            }
            Reply::Failed(why) => {
                if saving.is_some() {
                    self.save_op = None;
                    save_failed(self.form.as_mut().map(|(f, _)| f), &why, cx);
                } else if self.checkout_op.as_ref().is_some_and(|(o, _)| *o == op) {
                    self.checkout_op = None;
                    self.after_write(format!("离开登记失败：{why}"), cx);
                } else if self.event_op == Some(op) {
                    self.event_op = None;
                    cx.say(format!(
                        "紧急事件未能保存：{why}。请立即电话报告{}，再按 ! 重试",
                        cx.settings.leader_title()
                    ));
                } else if self.reveal_op.as_ref().is_some_and(|(o, _)| *o == op) {
                    self.reveal_op = None;
                    cx.say(format!("未能显示完整证件号：{why}"));
                } else {
                    if self.lookup_op.as_ref().is_some_and(|(o, _)| *o == op) {
                        self.lookup_op = None;
                    }
                    if self.detail_op == Some(op) {
                        self.detail_op = None;
                    }
                    if self.all.page_op == Some(op) {
                        self.all.page_op = None;
                        self.all.loading = false;
                    }
                    cx.say(format!("读取来访记录失败：{why}"));
                }
            }
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        // Coming back to the tab is a new look: the number is masked until `v` again.
        self.revealed = None;
        self.reload(cx);
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        if shown {
            self.reload(cx);
        }
    }

    fn on_pause(&mut self, cx: &mut Cx<'_>) {
        if self.mode() == Mode::VisitLookup {
            let request = VisitScreen::on_pause(self);
            self.run(request, cx);
        }
    }

    fn pause_wanted(&self) -> Option<std::time::Duration> {
        (self.mode() == Mode::VisitLookup && self.lookup.as_ref().is_some_and(|l| l.waiting)).then_some(LOOKUP_PAUSE)
    }

    fn on_confirmed(&mut self, token: u64, cx: &mut Cx<'_>) {
        if token == CROWD_TOKEN {
            let request = self.crowd_event(cx.settings, cx.operator, cx.now);
            return self.run(request, cx);
        }
        let id = VisitId::try_from(token).unwrap_or_default();
        let op = cx.request(Request::Checkout {
            id,
            by: cx.operator.to_string(),
        });
        self.checkout_op = Some((op, id));
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Visit(id) => {
                self.lookup = None;
                self.watch_open = false;
                cx.request(Request::LoadVisits);
                self.detail_op = Some(cx.request(Request::LoadVisit(id)));
                Ok(())
            }
            t => Err(t),
        }
    }
}
