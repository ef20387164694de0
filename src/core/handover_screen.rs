//! The 交接班 screen's state and transitions: the history of signed handovers, the draft the
//! outgoing officer builds and the incoming officer checks item by item, the signing form, and a
//! signed handover shown read-only.

use chrono::NaiveDateTime;

use super::form::{Field, Form};
use super::handover::{
    Check, Draft, Handover, HandoverId, HandoverSummary, OpenState, build_draft_with, sign_blockers,
};
use super::instruction::InstructionSettings;
use chrono::NaiveTime;

use super::pin_policy::{failures_note, wait_text, wrong_text};

use super::form::FormEvent;
pub use super::handover::SignRequest;
use super::keymap::{Action, Mode};
use super::screen::{
    Command, Cx, OpId, PinCheck, Reply, Request as StoreRequest, Screen, Target, paste_into, type_into,
};
use super::settings::Settings;

/// Fields of the handover's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandoverField {
    Incoming,
    Summary,
    HandedItems,
    Question,
    OutgoingPin,
    IncomingPin,
}

/// What the open form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverForm {
    /// 接班人, 当班情况, 交接物品.
    Edit,
    /// A question on item N.
    Question(usize),
    /// Both PINs.
    Sign,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverScreen {
    pub history: Vec<HandoverSummary>,
    /// The last page read was full: older handovers may follow.
    pub more: bool,
    /// A page of older handovers on its way (appended when it arrives).
    page_op: Option<OpId>,
    /// The newest page on its way (it replaces the history; an older page asked for before it
    /// is dropped).
    first_op: Option<OpId>,
    /// The history has been read once (until then the tab says 正在读取, not 还没有).
    pub loaded: bool,
    /// The signed handover being read for the detail: dropped if the officer left meanwhile.
    detail_op: Option<OpId>,
    pub selected: usize,
    pub draft: Option<Draft>,
    pub item_selected: usize,
    /// The group line of older ordinary items is opened as a list.
    pub group_open: bool,
    pub form: Option<(Form<HandoverField>, HandoverForm)>,
    /// A signed handover being read.
    pub detail: Option<Handover>,
    pub detail_scroll: usize,
    /// Waiting for the store to gather what is open.
    pub building: bool,
    /// Signing in progress: the request, the step it is at, and what it will say.
    signing: Option<Signing>,
    /// The gathering of what is open, for the draft.
    open_state_op: Option<OpId>,
    export_op: Option<OpId>,
}

/// Signing goes in steps, each a request: check both PINs, check that nothing new became open,
/// then sign in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signing {
    op: OpId,
    request: SignRequest,
    /// What the confirmation adds (wrong PINs typed for a signer since their last success).
    notes: Vec<String>,
}

/// A handover being prepared, kept as a draft: the texts and each item's check by what it is
/// (`None` pending, `""` taken over, else the question).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct HandoverDraft {
    incoming: String,
    summary: String,
    handed_items: String,
    items: Vec<(String, i64, Option<String>)>,
}

/// The token of the question "放弃这份交班单吗？".
const DISCARD_DRAFT: u64 = 1;

/// What a transition asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    Say(String),
    /// The next page of older handovers (the selection is near the end of those read).
    LoadMore,
    /// Gather what is open (to build or refresh the draft).
    LoadOpenState,
    LoadDetail(HandoverId),
    Sign(Box<SignRequest>),
    Export(HandoverId),
}

/// Handovers read per page of the history (two shifts a day: about two months).
pub const HISTORY_PAGE: usize = 100;

/// Rows a PgUp/PgDn moves on the history, and how near its end the next page is read.
const HISTORY_STEP: usize = 20;

fn field(key: HandoverField, label: &str, multiline: bool, max: usize) -> Field<HandoverField> {
    Field::text(key, label, multiline, max)
}

impl HandoverScreen {
    /// Whether something typed or checked would be lost by quitting.
    #[must_use]
    pub fn has_unsaved_work(&self) -> bool {
        self.draft.is_some()
    }

    /// Builds the draft from what the store gathered. A draft already open keeps every check and
    /// question; items that appeared since are added unchecked, items closed since drop out.
    pub fn on_open_state(
        &mut self,
        state: &OpenState,
        operator: &str,
        suggested_incoming: &str,
        fallback_start: NaiveDateTime,
        now: NaiveDateTime,
        s: &InstructionSettings,
    ) -> Request {
        self.building = false;
        let start = state.previous.as_ref().map_or(fallback_start, |p| p.signed_at);
        match self.draft.take() {
            None => {
                let draft = build_draft_with(state, operator, suggested_incoming, start, now, s);
                self.group_open = false;
                let n = draft.items.len();
                self.draft = Some(draft);
                self.item_selected = 0;
                Request::Say(if n == 0 {
                    "交班单已生成：没有未办结事项。按 e 填写当班情况和接班人".into()
                } else {
                    format!("交班单已生成：移交事项 {n} 项，请接班人逐项按 y 确认或 x 提出疑问")
                })
            }
            Some(old) => {
                let mut fresh = build_draft_with(state, &old.outgoing, &old.incoming, start, now, s);
                fresh.summary = old.summary;
                fresh.handed_items = old.handed_items;
                let mut added = 0;
                for item in &mut fresh.items {
                    match old
                        .items
                        .iter()
                        .find(|o| o.kind == item.kind && o.ref_id == item.ref_id)
                    {
                        Some(o) => item.check = o.check.clone(),
                        None => added += 1,
                    }
                }
                self.item_selected = fresh.items.iter().position(|i| i.check == Check::Pending).unwrap_or(0);
                self.draft = Some(fresh);
                Request::Say(if added == 0 {
                    "交班单已按最新情况刷新".into()
                } else {
                    format!("交接期间新增 {added} 项未办结事项，已加入交班单，请接班人确认后再签字")
                })
            }
        }
    }

    /// Keys on the history list.
    pub fn on_list_action(&mut self, action: Action) -> Request {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(self.history.len().saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(HISTORY_STEP),
            Action::PageDown => {
                self.selected = (self.selected + HISTORY_STEP).min(self.history.len().saturating_sub(1));
            }
            Action::NewHandover => {
                self.building = true;
                return Request::LoadOpenState;
            }
            Action::Open => {
                if let Some(h) = self.history.get(self.selected) {
                    return Request::LoadDetail(h.id);
                }
                return Request::Say("还没有已签字的交接班记录：按 n 开始交班".into());
            }
            _ => {}
        }
        // Read the next page before the selection reaches the end of what is read.
        if self.more && self.selected + HISTORY_STEP >= self.history.len() {
            return Request::LoadMore;
        }
        Request::None
    }

    /// Keys on the draft.
    pub fn on_draft_action(&mut self, action: Action, settings: &Settings) -> Request {
        let Some(draft) = &mut self.draft else {
            return Request::None;
        };
        let open = self.group_open;
        match action {
            Action::Up => self.item_selected = step(draft, self.item_selected, open, false),
            Action::Down => self.item_selected = step(draft, self.item_selected, open, true),
            // Enter on the group line opens it as a list (and closes it again).
            Action::Open if draft.items.get(self.item_selected).is_some_and(|i| i.grouped) => {
                self.group_open = !open;
                self.item_selected = first_grouped(draft).unwrap_or(self.item_selected);
            }
            Action::ConfirmItem => {
                let Some(item) = draft.items.get(self.item_selected) else {
                    return Request::Say("没有需要确认的移交事项".into());
                };
                if item.grouped && !open {
                    // The group line: every item in it, each still sealed on its own.
                    let n = draft.items.iter().filter(|i| i.grouped).count();
                    for i in draft.items.iter_mut().filter(|i| i.grouped) {
                        if i.check == Check::Pending {
                            i.check = Check::Confirmed;
                        }
                    }
                    self.item_selected = next_pending(draft, self.item_selected, open);
                    return Request::Say(format!("已一并确认较早的一般事项 {n} 项（签字后逐项记入交接班记录）"));
                }
                if let Some(item) = draft.items.get_mut(self.item_selected) {
                    item.check = Check::Confirmed;
                }
                // Walk on to the next unchecked item, so y y y goes through the list.
                self.item_selected = next_pending(draft, self.item_selected, open);
            }
            Action::QuestionItem => {
                let Some(item) = draft.items.get(self.item_selected) else {
                    return Request::Say("没有需要确认的移交事项".into());
                };
                if item.grouped && !open {
                    return Request::Say("较早事项合为一行：按 Enter 展开，选中具体事项再按 x 提出疑问".into());
                }
                let existing = match &item.check {
                    Check::Question(q) => q.clone(),
                    _ => String::new(),
                };
                let form = Form::new(
                    &format!("对“{}”提出疑问", item.title),
                    vec![
                        field(HandoverField::Question, "疑问", true, 500)
                            .required()
                            .with_value(&existing),
                    ],
                );
                self.form = Some((form, HandoverForm::Question(self.item_selected)));
            }
            Action::EditDraft => {
                let mut names: Vec<String> = settings
                    .people
                    .iter()
                    .filter(|p| p.name != draft.outgoing)
                    .map(|p| p.name.clone())
                    .collect();
                names.insert(0, "（请选择）".into());
                let selected = names.iter().position(|n| *n == draft.incoming).unwrap_or(0);
                let form = Form::new(
                    "交班单：接班人、当班情况、交接物品",
                    vec![
                        Field::choice(HandoverField::Incoming, "接班人", names, selected).required(),
                        field(HandoverField::Summary, "当班情况", true, 4000)
                            .required()
                            .with_value(&draft.summary)
                            .with_placeholder("本班接报、处置、请示、未尽事宜"),
                        field(HandoverField::HandedItems, "交接物品", true, 1000)
                            .with_value(&draft.handed_items)
                            .with_placeholder("钥匙、文件、设备等"),
                    ],
                );
                self.form = Some((form, HandoverForm::Edit));
            }
            Action::Sign => {
                let blockers = sign_blockers(draft);
                if let Some(first) = blockers.first() {
                    return Request::Say(format!("还不能签字：{first}"));
                }
                let form = Form::new(
                    "签字交接：双方输入 PIN",
                    vec![
                        field(
                            HandoverField::OutgoingPin,
                            &format!("交班 {}", draft.outgoing),
                            false,
                            8,
                        )
                        .secret()
                        .required()
                        .with_placeholder("本人 PIN（登录时登记的）"),
                        field(
                            HandoverField::IncomingPin,
                            &format!("接班 {}", draft.incoming),
                            false,
                            8,
                        )
                        .secret()
                        .required()
                        .with_placeholder("本人 PIN（登录时登记的）"),
                    ],
                );
                let mut form = form;
                form.notice = Some(format!(
                    "签字后交接班记录即不可更改，{} 成为当前值班员。PIN 只存摘要，不显示、不保存原文",
                    draft.incoming
                ));
                self.form = Some((form, HandoverForm::Sign));
            }
            Action::Refresh => {
                self.building = true;
                return Request::LoadOpenState;
            }
            _ => {}
        }
        Request::None
    }

    /// Ctrl-S on one of the handover's forms.
    pub fn save_form(&mut self) -> Request {
        let (Some((form, purpose)), Some(draft)) = (&mut self.form, &mut self.draft) else {
            return Request::None;
        };
        let missing = form.missing_required();
        // "（请选择）" is a value, not a choice.
        let mut errors = missing;
        if *purpose == HandoverForm::Edit && form.value(HandoverField::Incoming) == "（请选择）" {
            errors.push((HandoverField::Incoming, "请选择接班人（用 Left/Right 切换）".into()));
        }
        if *purpose == HandoverForm::Sign {
            for key in [HandoverField::OutgoingPin, HandoverField::IncomingPin] {
                let v = form.value(key);
                if !v.is_empty()
                    && let Err(e) = super::handover::validate_pin(&v)
                {
                    errors.push((key, e));
                }
            }
        }
        if !errors.is_empty() {
            form.set_errors(&errors);
            return Request::Say(errors[0].1.clone());
        }
        match *purpose {
            HandoverForm::Edit => {
                draft.incoming = form.value(HandoverField::Incoming);
                draft.summary = form.value(HandoverField::Summary);
                draft.handed_items = form.value(HandoverField::HandedItems);
                self.form = None;
                Request::Say("交班单已更新（尚未签字，签字后才保存）".into())
            }
            HandoverForm::Question(i) => {
                let q = form.value(HandoverField::Question);
                if let Some(item) = draft.items.get_mut(i) {
                    item.check = Check::Question(q.trim().to_string());
                }
                self.item_selected = next_pending(draft, i, self.group_open);
                self.form = None;
                Request::Say("已记下疑问：请交班人当面说明；此项视为已移交".into())
            }
            HandoverForm::Sign => {
                form.saving = true;
                Request::Sign(Box::new(SignRequest {
                    draft: draft.clone(),
                    outgoing_pin: form.value(HandoverField::OutgoingPin),
                    incoming_pin: form.value(HandoverField::IncomingPin),
                }))
            }
        }
    }

    /// Signing was refused: a wrong PIN goes on its field (cleared, it is secret); anything else
    /// on the form. The draft and every check stay.
    pub fn on_sign_failed(&mut self, pin_of: Option<HandoverField>, message: &str) {
        if let Some((form, HandoverForm::Sign)) = &mut self.form {
            form.saving = false;
            match pin_of {
                Some(key) => {
                    if let Some(f) = form.field_mut(key) {
                        f.set_value("");
                    }
                    form.set_errors(&[(key, message.to_string())]);
                }
                None => form.notice = Some(message.to_string()),
            }
        }
    }

    /// Signed: the draft is gone, the new record heads the history.
    pub fn on_signed(&mut self) {
        self.draft = None;
        self.form = None;
        self.item_selected = 0;
        self.selected = 0;
    }

    /// Keys on a signed handover: it can be read and exported, nothing else.
    pub fn on_detail_action(&mut self, action: Action) -> Request {
        match action {
            Action::Back => {
                self.detail = None;
                self.detail_op = None;
                self.detail_scroll = 0;
            }
            Action::Up => self.detail_scroll = self.detail_scroll.saturating_sub(1),
            Action::Down => self.detail_scroll += 1,
            Action::Export => {
                if let Some(h) = &self.detail {
                    return Request::Export(h.id);
                }
            }
            _ => {}
        }
        Request::None
    }
}

/// The next unchecked item after `from` (wrapping), or `from` when all are checked.
fn next_pending(d: &Draft, from: usize, group_open: bool) -> usize {
    let n = d.items.len();
    (1..=n)
        .map(|k| (from + k) % n.max(1))
        .find(|&i| visible(d, i, group_open) && d.items.get(i).is_some_and(|x| x.check == Check::Pending))
        .unwrap_or(from)
}

/// The first item of the group line, if the draft has one.
#[must_use]
pub fn first_grouped(d: &Draft) -> Option<usize> {
    d.items.iter().position(|i| i.grouped)
}

/// Whether item `i` has a line of its own: every item but the grouped ones, which show as the
/// group line (their first) until it is opened.
#[must_use]
pub fn visible(d: &Draft, i: usize, group_open: bool) -> bool {
    d.items
        .get(i)
        .is_some_and(|item| !item.grouped || group_open || first_grouped(d) == Some(i))
}

/// The next (or previous) item with a line of its own.
fn step(d: &Draft, from: usize, group_open: bool, down: bool) -> usize {
    let n = d.items.len();
    let mut i = from;
    loop {
        let next = if down { i + 1 } else { i.checked_sub(1).unwrap_or(n) };
        if next >= n {
            return from;
        }
        if visible(d, next, group_open) {
            return next;
        }
        i = next;
    }
}

impl HandoverScreen {
    /// The newest page of the history (on showing the tab, after a signing).
    fn load_first_page(&mut self, cx: &mut Cx<'_>) {
        self.page_op = None;
        self.first_op = Some(cx.request(StoreRequest::LoadHandovers {
            before: None,
            limit: HISTORY_PAGE,
        }));
    }

    fn run(&mut self, request: Request, cx: &mut Cx<'_>) {
        match request {
            Request::None => {}
            Request::Say(m) => cx.say(m),
            // An older page follows the newest: not before the newest has come.
            Request::LoadMore => {
                if self.page_op.is_none() && self.first_op.is_none() {
                    let before = self.history.last().map(|h| h.id);
                    self.page_op = Some(cx.request(StoreRequest::LoadHandovers {
                        before,
                        limit: HISTORY_PAGE,
                    }));
                }
            }
            Request::LoadOpenState => {
                self.open_state_op = Some(cx.request(StoreRequest::LoadOpenState));
                cx.say("正在汇总未办结事项…");
            }
            Request::LoadDetail(id) => {
                self.detail_op = Some(cx.request(StoreRequest::LoadHandover(id)));
            }
            Request::Sign(req) => {
                let pins = vec![
                    (req.draft.outgoing.clone(), req.outgoing_pin.clone()),
                    (req.draft.incoming.clone(), req.incoming_pin.clone()),
                ];
                let op = cx.request(StoreRequest::CheckPins(pins));
                self.signing = Some(Signing {
                    op,
                    request: *req,
                    notes: Vec::new(),
                });
                cx.say("正在核对 PIN 并保存…");
            }
            Request::Export(id) => {
                self.export_op = Some(cx.request(StoreRequest::ExportHandover {
                    id,
                    office: cx.settings.office_name.clone(),
                }));
            }
        }
    }

    /// What is open arrived: build or refresh the draft. The shift began at the last signature;
    /// with none yet, when the roster's current shift began (or at midnight). The next shift's
    /// 主班 is the likely incoming officer.
    fn draft_from(&mut self, state: &OpenState, cx: &mut Cx<'_>) {
        let (current, next) = cx.shared.roster.now_next(cx.settings, cx.now);
        let fallback = current
            .as_ref()
            .map_or_else(|| cx.now.date().and_time(NaiveTime::MIN), |s| s.start);
        let incoming = next.map(|s| s.primary).filter(|p| p != cx.operator).unwrap_or_default();
        self.form = None;
        let request = self.on_open_state(
            state,
            cx.operator,
            &incoming,
            fallback,
            cx.now,
            &cx.settings.instruction,
        );
        self.run(request, cx);
    }

    fn sign_failed(&mut self, pin_of: Option<HandoverField>, message: &str, cx: &mut Cx<'_>) {
        self.signing = None;
        self.on_sign_failed(pin_of, message);
        cx.say(message.to_string());
    }

    /// The next step of signing, given the reply to the last one.
    fn signing_step(&mut self, reply: Reply, cx: &mut Cx<'_>) {
        let Some(mut signing) = self.signing.take() else { return };
        match reply {
            Reply::Pins(checks) => {
                let d = &signing.request.draft;
                let people = [
                    (&d.outgoing, &signing.request.outgoing_pin, HandoverField::OutgoingPin),
                    (&d.incoming, &signing.request.incoming_pin, HandoverField::IncomingPin),
                ];
                for ((name, _, field), check) in people.into_iter().zip(checks) {
                    match check {
                        PinCheck::Matches { failed_before } => {
                            if let Some(note) = failures_note(&failed_before) {
                                signing.notes.push(format!("{name}：{note}"));
                            }
                        }
                        PinCheck::Wrong { in_a_row, wait_until } => {
                            let text = wrong_text(name, in_a_row, wait_until, cx.now);
                            return self.sign_failed(Some(field), &text, cx);
                        }
                        PinCheck::Wait { until } => {
                            return self.sign_failed(Some(field), &wait_text(name, until, cx.now), cx);
                        }
                        // No PIN is set by signing (that would let one officer choose another's):
                        // a person without one is enrolled at sign-in first.
                        PinCheck::NotSet => {
                            return self.sign_failed(
                                Some(field),
                                &format!(
                                    "{name} 还没有 PIN：请先在登录时由领导登记（或登记开放期间本人设定），再来签字"
                                ),
                                cx,
                            );
                        }
                    }
                }
                // Nothing open may be dropped: re-read what is open before signing.
                signing.op = cx.request(StoreRequest::LoadOpenState);
                self.signing = Some(signing);
            }
            Reply::OpenState(state) => {
                let d = &signing.request.draft;
                let fresh = build_draft_with(
                    &state,
                    &d.outgoing,
                    &d.incoming,
                    d.shift_start,
                    cx.now,
                    &cx.settings.instruction,
                );
                let missing = fresh
                    .items
                    .iter()
                    .any(|f| !d.items.iter().any(|i| i.kind == f.kind && i.ref_id == f.ref_id));
                if missing {
                    // Something became open while the incoming officer was checking: it goes
                    // back to them first.
                    self.draft_from(&state, cx);
                } else {
                    signing.op = cx.request(StoreRequest::SignHandover(Box::new(signing.request.draft.clone())));
                    self.signing = Some(signing);
                }
            }
            Reply::HandoverSigned(id) => {
                let incoming = signing.request.draft.incoming.clone();
                self.on_signed();
                let notes: String = signing.notes.iter().map(|n| format!("；{n}")).collect();
                cx.say(format!(
                    "第 {id} 号交接班记录已由双方签字，不可更改；现在的值班员：{incoming}{notes}"
                ));
                cx.command(Command::HandOver { to: incoming });
                self.load_first_page(cx);
            }
            Reply::Failed(why) => {
                self.sign_failed(
                    None,
                    &format!("签字未保存：{why}。交班单和确认都还在，处理后可再签"),
                    cx,
                );
            }
            _ => {}
        }
    }

    fn form_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let Some((form, _)) = &mut self.form else { return };
        match action {
            Action::Cancel => self.form = None,
            Action::Save if !form.saving => {
                form.clear_errors();
                let request = self.save_form();
                self.run(request, cx);
            }
            Action::Save => {}
            a => {
                if let Some(FormEvent::Notice(m)) = form.apply(a) {
                    cx.say(m);
                }
            }
        }
    }
}

impl Screen for HandoverScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.draft.is_some() {
            Mode::HandoverDraft
        } else if self.detail.is_some() {
            Mode::HandoverDetail
        } else {
            Mode::Handover
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let request = match (self.mode(), action) {
            (Mode::Form, a) => return self.form_action(a, cx),
            (Mode::HandoverDraft, Action::Cancel) => {
                cx.command(Command::Ask {
                    question: "放弃这份交班单吗？接班人的逐项确认也会一并放弃".into(),
                    token: DISCARD_DRAFT,
                });
                Request::None
            }
            (Mode::HandoverDraft, a) => self.on_draft_action(a, cx.settings),
            (Mode::HandoverDetail, a) => self.on_detail_action(a),
            (_, Action::OpenRoster) => {
                cx.command(Command::Open(Target::Roster));
                Request::None
            }
            (Mode::Handover, Action::OpenStats) => {
                cx.command(Command::Open(Target::Stats));
                Request::None
            }
            (Mode::Handover, Action::OpenHolidays) => {
                cx.command(Command::Open(Target::Holidays));
                Request::None
            }
            (_, a) => self.on_list_action(a),
        };
        self.run(request, cx);
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some((form, _)) = &mut self.form {
            type_into(form, c, cx);
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        match &mut self.form {
            Some((form, _)) => {
                paste_into(form, text, cx);
            }
            None => cx.say("粘贴只能在填写表单时使用：先按 n 开始交班，再按 e 填写"),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.has_unsaved_work()
    }

    fn draft(&self) -> Option<String> {
        let d = self.draft.as_ref()?;
        let mut kept = HandoverDraft {
            incoming: d.incoming.clone(),
            summary: d.summary.clone(),
            handed_items: d.handed_items.clone(),
            items: d
                .items
                .iter()
                .map(|i| {
                    let check = match &i.check {
                        Check::Pending => None,
                        Check::Confirmed => Some(String::new()),
                        Check::Question(q) => Some(q.clone()),
                    };
                    (i.kind.label().to_string(), i.ref_id, check)
                })
                .collect(),
        };
        // A form being typed in counts as typed (never the PINs of the signing form).
        match &self.form {
            Some((form, HandoverForm::Edit)) if form.dirty => {
                kept.incoming = form.value(HandoverField::Incoming);
                kept.summary = form.value(HandoverField::Summary);
                kept.handed_items = form.value(HandoverField::HandedItems);
            }
            Some((form, HandoverForm::Question(i))) if form.dirty => {
                if let Some(item) = kept.items.get_mut(*i) {
                    item.2 = Some(form.value(HandoverField::Question).trim().to_string());
                }
            }
            _ => {}
        }
        serde_json::to_string(&kept).ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(kept) = serde_json::from_str::<HandoverDraft>(body) else {
            return false;
        };
        // The kept draft stands as the "old" one: gathering what is open now keeps its checks,
        // questions and texts for the items still open, and adds what is new unchecked.
        let items = kept
            .items
            .iter()
            .filter_map(|(kind, ref_id, check)| {
                Some(super::handover::Item {
                    kind: super::handover::ItemKind::parse(kind)?,
                    ref_id: *ref_id,
                    title: String::new(),
                    detail: String::new(),
                    must_carry: false,
                    first_handed: None,
                    check: match check {
                        None => Check::Pending,
                        Some(q) if q.is_empty() => Check::Confirmed,
                        Some(q) => Check::Question(q.clone()),
                    },
                    grouped: false,
                })
            })
            .collect();
        self.detail = None;
        self.form = None;
        self.draft = Some(Draft {
            outgoing: cx.operator.to_string(),
            incoming: kept.incoming,
            shift_start: cx.now,
            built_at: cx.now,
            summary: kept.summary,
            handed_items: kept.handed_items,
            records: String::new(),
            items,
        });
        self.building = true;
        self.run(Request::LoadOpenState, cx);
        true
    }

    fn form_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(|(f, _)| f.dirty)
    }

    fn discard_form(&mut self) {
        self.form = None;
        self.signing = None;
    }

    /// Signing, from the PIN check to the signed record: once started it goes through.
    fn saving(&self) -> bool {
        self.signing.is_some()
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        if self.signing.as_ref().is_some_and(|s| s.op == op) {
            return self.signing_step(reply, cx);
        }
        match reply {
            Reply::OpenState(state) if self.open_state_op == Some(op) => {
                self.open_state_op = None;
                self.draft_from(&state, cx);
            }
            Reply::Handovers(list) => {
                let full = list.len() >= HISTORY_PAGE;
                if self.page_op == Some(op) {
                    self.page_op = None;
                    self.history.extend(list);
                } else if self.first_op == Some(op) {
                    // The first page, read afresh: older pages come again as the officer scrolls.
                    self.first_op = None;
                    self.page_op = None;
                    self.loaded = true;
                    self.history = list;
                } else {
                    // Asked for before the history was read afresh.
                    return;
                }
                self.more = full;
                self.selected = self.selected.min(self.history.len().saturating_sub(1));
            }
            // The officer left that detail (or asked for another) before it came.
            Reply::Handover(_) if self.detail_op != Some(op) => {}
            Reply::Handover(h) => {
                self.detail_op = None;
                self.detail = Some(*h);
                self.detail_scroll = 0;
            }
            Reply::Exported(path) => cx.say(format!("已导出交接班记录：{path}（可打印签字）")),
            Reply::Failed(why) if self.export_op == Some(op) => cx.say(format!("导出失败：{why}")),
            Reply::Failed(why) if self.open_state_op == Some(op) => {
                self.open_state_op = None;
                self.building = false;
                cx.say(format!("汇总未办结事项失败：{why}。可按 n 重试"));
            }
            Reply::Failed(why) => {
                if self.first_op == Some(op) {
                    self.first_op = None;
                }
                if self.page_op == Some(op) {
                    self.page_op = None;
                }
                if self.detail_op == Some(op) {
                    self.detail_op = None;
                }
                cx.say(format!("读取交接班记录失败：{why}"));
            }
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load_first_page(cx);
    }

    fn on_confirmed(&mut self, token: u64, cx: &mut Cx<'_>) {
        if token == DISCARD_DRAFT {
            self.draft = None;
            cx.say("已放弃交班单");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::handover::VisitorInside;
    use crate::core::log::{EntryKind, Status, Triage};
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn settings() -> Settings {
        let person = |name: &str| crate::core::settings::Person {
            name: name.into(),
            role: crate::core::settings::Role::DutyOfficer,
            phone: String::new(),
        };
        Settings {
            office_name: "办公室".into(),
            people: vec![person("张三"), person("李四")],
            categories: Vec::new(),
            urgent: crate::core::settings::UrgentSettings::default(),
            roster: None,
            calendar: crate::core::roster::Calendar::default(),
            visit: crate::core::settings::VisitSettings::default(),
            lock_minutes: 0,
            backup: crate::core::settings::BackupSettings::default(),
            access: Vec::new(),
            report: Default::default(),
            instruction: Default::default(),
            documents: Default::default(),
            notify: Default::default(),
            roster_rules: Default::default(),
        }
    }

    fn state(entries: &[i64], visitors: &[i64]) -> OpenState {
        OpenState {
            entries: entries
                .iter()
                .map(|&id| crate::core::handover::OpenEntry {
                    id,
                    occurred_at: at(9, 0),
                    kind: EntryKind::IncomingCall,
                    unit: "城关镇".into(),
                    person: String::new(),
                    content: format!("事项{id}"),
                    triage: Triage::Routine,
                    status: Status::Pending,
                    pending_instruction: None,
                    asked: false,
                })
                .collect(),
            visitors: visitors
                .iter()
                .map(|&id| VisitorInside {
                    id,
                    name: "王五".into(),
                    host: "信访科".into(),
                    entered_at: at(10, 0),
                })
                .collect(),
            ..OpenState::default()
        }
    }

    #[test]
    fn a_refresh_keeps_every_check_and_adds_what_became_open_unchecked() {
        let mut s = HandoverScreen::default();
        s.on_open_state(
            &state(&[1, 2], &[]),
            "张三",
            "李四",
            at(8, 30),
            at(16, 0),
            &InstructionSettings::default(),
        );
        s.on_draft_action(Action::ConfirmItem, &settings());
        assert_eq!(s.item_selected, 1, "y walks on to the next unchecked item");
        // A visitor came in while the incoming officer was checking; entry 2 was closed.
        let said = s.on_open_state(
            &state(&[1], &[7]),
            "张三",
            "李四",
            at(8, 30),
            at(16, 5),
            &InstructionSettings::default(),
        );
        assert!(
            matches!(said, Request::Say(ref m) if m.contains("新增 1 项")),
            "{said:?}"
        );
        let d = s.draft.as_ref().unwrap();
        let checks: Vec<(i64, &Check)> = d.items.iter().map(|i| (i.ref_id, &i.check)).collect();
        assert_eq!(checks, vec![(7, &Check::Pending), (1, &Check::Confirmed)]);
        assert_eq!(s.item_selected, 0, "the cursor goes to what still needs a check");
        assert_eq!(d.incoming, "李四");
    }

    #[test]
    fn signing_is_refused_with_the_reason_until_everything_is_checked() {
        let mut s = HandoverScreen::default();
        s.on_open_state(
            &state(&[1], &[]),
            "张三",
            "李四",
            at(8, 30),
            at(16, 0),
            &InstructionSettings::default(),
        );
        let r = s.on_draft_action(Action::Sign, &settings());
        assert!(
            matches!(r, Request::Say(ref m) if m.starts_with("还不能签字：当班情况还没有填写")),
            "{r:?}"
        );
        assert!(s.form.is_none());
        if let Some(d) = &mut s.draft {
            d.summary = "平稳".into();
        }
        s.on_draft_action(Action::ConfirmItem, &settings());
        s.on_draft_action(Action::Sign, &settings());
        assert!(matches!(s.form, Some((_, HandoverForm::Sign))));
        // A PIN that is not 4-8 digits never leaves the form.
        if let Some((f, _)) = &mut s.form {
            for c in "12".chars() {
                f.type_char(c);
            }
        }
        let r = s.save_form();
        assert!(matches!(r, Request::Say(_)), "{r:?}");
        assert!(s.form.as_ref().is_some_and(|(f, _)| !f.saving));
    }

    #[test]
    fn the_group_line_is_confirmed_at_once_opened_as_a_list_and_skipped_by_the_cursor() {
        let mut s = HandoverScreen::default();
        let mut d = build_draft_with(
            &state(&[1, 2, 3], &[]),
            "张三",
            "李四",
            at(8, 30),
            at(16, 0),
            &InstructionSettings::default(),
        );
        // Items 2 and 3 are older ordinary ones: the group line.
        d.items[1].grouped = true;
        d.items[2].grouped = true;
        s.draft = Some(d);
        s.item_selected = 0;
        s.on_draft_action(Action::Down, &settings());
        assert_eq!(s.item_selected, 1, "onto the group line");
        s.on_draft_action(Action::Down, &settings());
        assert_eq!(s.item_selected, 1, "the group's other items have no line of their own");
        let said = s.on_draft_action(Action::QuestionItem, &settings());
        assert!(matches!(said, Request::Say(m) if m.contains("展开")));
        let said = s.on_draft_action(Action::ConfirmItem, &settings());
        assert!(matches!(said, Request::Say(m) if m.contains("一并确认较早的一般事项 2 项")));
        let d = s.draft.as_ref().unwrap();
        assert!(d.items[1..].iter().all(|i| i.check == Check::Confirmed));
        assert_eq!(d.items[0].check, Check::Pending);
        assert_eq!(s.item_selected, 0, "on to what still waits");
        // Opened as a list: each item has its line.
        s.item_selected = 1;
        s.on_draft_action(Action::Open, &settings());
        assert!(s.group_open);
        s.on_draft_action(Action::Down, &settings());
        assert_eq!(s.item_selected, 2);
    }
}
