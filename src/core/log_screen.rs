//! The 值班记录 screen's state and transitions: a keyset-paged list, an entry's detail with its
//! history, and the forms that create, amend, instruct and progress entries. Pure: it returns
//! effects for the runtime to execute and learns their results through `on_*` methods.

use chrono::NaiveDateTime;

use super::cycle_form::{self, CycleKey};
use super::form::{Field, Form, FormEvent, Input};
use super::instruction::{Closing, ItemRef, LeaderRequest, check_closing};
use super::keymap::{Action, Mode};
use super::log::{
    AmendRequest, Entry, EntryId, EntryKey, EntryKind, EntrySummary, InstructionRequest, LogField, RawValues, ReadBack,
    Status, Triage, build_entry, check_amended_value,
};
pub use super::log::{Anchor, PageRequest};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, save_failed};
use super::settings::Settings;
use super::validate;

/// The loaded window of the list. Only a few screens' worth of rows are ever held, however long
/// the log is: moving near either edge of the window loads the next page by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogList {
    pub rows: Vec<EntrySummary>,
    pub selected: usize,
    /// Index of the first visible row.
    pub top: usize,
    /// Visible rows, as laid out by the UI.
    pub viewport: usize,
    pub more_newer: bool,
    pub more_older: bool,
    /// The first page has arrived.
    pub loaded: bool,
    /// A page request is on its way; no second one is sent meanwhile.
    pub loading: bool,
    /// The page asked for last: an answer to one asked before it (a reload or a jump sent while
    /// a page was out) is dropped, so a page read from the old window never lands on the new.
    page_op: Option<OpId>,
    /// Why the last read failed, until a page arrives (shown instead of 正在读取).
    pub load_error: Option<String>,
}

impl LogList {
    fn page_size(&self) -> usize {
        (self.viewport * 2).max(50)
    }

    fn cap(&self) -> usize {
        self.page_size() * 4
    }

    #[must_use]
    pub fn selected_row(&self) -> Option<&EntrySummary> {
        self.rows.get(self.selected)
    }

    fn request(&mut self, anchor: Anchor, select: Option<EntryId>) -> Request {
        self.loading = true;
        Request::LoadPage(PageRequest {
            anchor,
            limit: self.page_size(),
            select,
        })
    }

    /// The page to load when the list is first shown.
    pub fn initial(&mut self) -> Request {
        self.request(Anchor::Newest, None)
    }

    /// Reloads around the current position (after a save, or when another terminal wrote).
    pub fn reload(&mut self, select: Option<EntryId>) -> Request {
        match self.rows.get(self.top) {
            Some(first) if self.more_newer => self.request(Anchor::AtOrBefore(first.key()), select),
            _ => self.request(Anchor::Newest, select),
        }
    }

    pub fn on_page(&mut self, req: PageRequest, rows: Vec<EntrySummary>) {
        self.loading = false;
        self.loaded = true;
        self.load_error = None;
        let full = rows.len() >= req.limit;
        match req.anchor {
            Anchor::Newest | Anchor::AtOrBefore(_) => {
                self.more_newer = matches!(req.anchor, Anchor::AtOrBefore(_));
                self.more_older = full;
                self.rows = rows;
                self.selected = 0;
                self.top = 0;
            }
            Anchor::Oldest => {
                self.more_newer = full;
                self.more_older = false;
                self.rows = rows;
                self.selected = self.rows.len().saturating_sub(1);
                self.top = self.selected.saturating_sub(self.viewport.saturating_sub(1));
            }
            Anchor::Before(_) => {
                self.more_older = full;
                self.rows.extend(rows);
                let excess = self.rows.len().saturating_sub(self.cap());
                if excess > 0 {
                    self.rows.drain(..excess);
                    self.selected = self.selected.saturating_sub(excess);
                    self.top = self.top.saturating_sub(excess);
                    self.more_newer = true;
                }
            }
            Anchor::After(_) => {
                self.more_newer = full;
                let added = rows.len();
                self.rows.splice(0..0, rows);
                self.selected += added;
                self.top += added;
                if self.rows.len() > self.cap() {
                    self.rows.truncate(self.cap());
                    self.more_older = true;
                }
            }
        }
        if let Some(id) = req.select
            && let Some(i) = self.rows.iter().position(|r| r.id == id)
        {
            self.selected = i;
        }
        self.keep_visible();
    }

    /// Moves the selection by `delta` rows and asks for the next page when near an edge.
    pub fn move_by(&mut self, delta: isize) -> Option<Request> {
        if self.rows.is_empty() {
            return None;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.keep_visible();
        self.prefetch()
    }

    fn keep_visible(&mut self) {
        let vp = self.viewport.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + vp {
            self.top = self.selected + 1 - vp;
        }
    }

    pub fn prefetch(&mut self) -> Option<Request> {
        if self.loading {
            return None;
        }
        let vp = self.viewport.max(1);
        if self.more_older && self.rows.len() - self.selected <= vp * 2 {
            let key = self.rows.last()?.key();
            return Some(self.request(Anchor::Before(key), None));
        }
        if self.more_newer && self.selected < vp {
            let key = self.rows.first()?.key();
            return Some(self.request(Anchor::After(key), None));
        }
        None
    }
}

/// One entry opened from the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailView {
    pub id: EntryId,
    pub entry: Option<Entry>,
    /// First line shown; the UI clamps it to the content.
    pub scroll: usize,
}

/// Why a form is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    NewEntry,
    Amend(Box<Entry>),
    Instruct(EntryId),
    Progress(Box<Entry>),
    /// Record a 请示 attempt.
    Ask(EntryId),
    /// 交办 from the entry (the 批示 ids offered, newest first).
    Assign(EntryId, Vec<i64>),
    /// 转交 the entry (the same forwarding as documents, with its 签收).
    Forward(EntryId),
    /// The 签收 of one of its forwards (the unsigned ones offered, oldest first).
    SignFor(EntryId, Vec<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogForm {
    pub purpose: Purpose,
    pub form: Form<LogKey>,
}

/// The fields of the log screen's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogKey {
    Log(LogField),
    /// Which field an amendment corrects.
    AmendTarget,
    /// The corrected value.
    NewValue,
    /// Why it is corrected.
    Reason,
    /// Whether a new log entry raises an urgent alert.
    RaiseAlert,
    /// 境外来源 on a new entry.
    Abroad,
    /// 内容不录入 on a new entry, and why.
    Withhold,
    WithholdReason,
    /// 转交: to whom, 拟办意见, when.
    ForwardTo,
    ForwardPurpose,
    ForwardAt,
    /// 签收: which forward, who signed, when.
    SignWhich,
    SignedBy,
    SignedAt,
    /// A field of the 请示, 批示 and 交办 forms (`cycle_form`).
    Cycle(CycleKey),
    /// 结束方式 when closing.
    ClosingKind,
    /// 说明 what / 移送 to whom.
    ClosingDetail,
}

impl From<CycleKey> for LogKey {
    fn from(k: CycleKey) -> Self {
        Self::Cycle(k)
    }
}

/// Context a transition reads but does not own.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub operator: &'a str,
    pub now: NaiveDateTime,
}

impl<'a> Ctx<'a> {
    #[must_use]
    pub fn new(settings: &'a Settings, operator: Option<&'a str>, now: NaiveDateTime) -> Self {
        Self {
            settings,
            operator: operator.unwrap_or(""),
            now,
        }
    }

    fn of(cx: &Cx<'a>) -> Self {
        Self {
            settings: cx.settings,
            operator: cx.operator,
            now: cx.now,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogScreen {
    pub list: LogList,
    pub detail: Option<DetailView>,
    pub form: Option<LogForm>,
    /// The save in flight: its reply closes the form or says why it failed.
    save_op: Option<OpId>,
    /// The entry read for the detail.
    entry_op: Option<OpId>,
    /// A just-saved entry, marked in the list where it falls.
    pub marked: Option<EntryId>,
    /// A draft waiting for its entry to load before its form opens again.
    pending_draft: Option<LogDraft>,
}

/// An unsaved log form kept as a draft: what it was for, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct LogDraft {
    /// 新建, 更正, 批示 or 进展.
    purpose: String,
    entry: Option<EntryId>,
    form: super::form::FormDraft,
}

impl LogScreen {
    /// A form with unsaved typing.
    #[must_use]
    pub fn has_unsaved_form(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.form.dirty)
    }

    pub fn discard_form(&mut self) {
        self.form = None;
        self.save_op = None;
    }

    fn list_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        // The mark on the entry just saved lasts until the officer moves on.
        self.marked = None;
        let vp = self.list.viewport.max(1).cast_signed();
        let page = match action {
            Action::Up => self.list.move_by(-1),
            Action::Down => self.list.move_by(1),
            Action::PageUp => self.list.move_by(-vp),
            Action::PageDown => self.list.move_by(vp),
            Action::Top => Some(self.list.request(Anchor::Newest, None)),
            Action::Bottom => Some(self.list.request(Anchor::Oldest, None)),
            Action::NewEntry => {
                self.form = Some(LogForm {
                    purpose: Purpose::NewEntry,
                    form: new_entry_form(&Ctx::of(cx)),
                });
                None
            }
            Action::OpenTasks => {
                cx.command(Command::Open(Target::Tasks));
                None
            }
            Action::OpenNotices => {
                cx.command(Command::Open(Target::Notices));
                None
            }
            Action::OpenDocuments => {
                cx.command(Command::Open(Target::Documents));
                None
            }
            Action::OpenDirectory => {
                cx.command(Command::Open(Target::Directory));
                None
            }
            Action::OpenSpotChecks => {
                cx.command(Command::Open(Target::SpotChecks));
                None
            }
            Action::Open => {
                if let Some(id) = self.list.selected_row().map(|row| row.id) {
                    let r = self.open_entry(id);
                    self.entry_op = Some(cx.request(r));
                }
                None
            }
            _ => None,
        };
        self.send_page(page, cx);
    }

    /// Sends a page request of the list, if any: the one whose answer the list waits for.
    fn send_page(&mut self, request: Option<Request>, cx: &mut Cx<'_>) {
        if let Some(r) = request {
            self.list.page_op = Some(cx.request(r));
        }
    }

    fn open_entry(&mut self, id: EntryId) -> Request {
        self.detail = Some(DetailView {
            id,
            entry: None,
            scroll: 0,
        });
        Request::LoadEntry(id)
    }

    /// Fills the open form from a draft: the values, what depends on them (a kind's labels, an
    /// amended field's current value), then the values again over what that reset.
    fn fill(&mut self, draft: &super::form::FormDraft, cx: &mut Cx<'_>) {
        let Some(lf) = &mut self.form else { return };
        let keys = lf.form.restore_draft(draft);
        for key in keys {
            self.after_form_event(FormEvent::Changed(key), cx);
        }
        if let Some(lf) = &mut self.form {
            lf.form.restore_draft(draft);
        }
    }

    fn after_form_event(&mut self, ev: FormEvent<LogKey>, cx: &mut Cx<'_>) {
        let Some(lf) = &mut self.form else { return };
        match ev {
            FormEvent::Changed(LogKey::Log(LogField::Kind)) => relabel_entry_form(&mut lf.form),
            FormEvent::Changed(LogKey::Abroad) if lf.form.value(LogKey::Abroad) == ABROAD_YES => {
                if let Some(f) = lf.form.field_mut(LogKey::Log(LogField::Triage)) {
                    f.set_value(Triage::AskLeader.label());
                }
                cx.say("境外来源：分级已改为“请示”，须请示领导，不得自行答复");
            }
            FormEvent::Changed(LogKey::Withhold) => {
                let dropped = apply_withhold(&mut lf.form);
                if lf.form.value(LogKey::Withhold) == WITHHOLD_YES {
                    cx.say(if dropped {
                        "内容不录入：已清除已填的内容，请写明原因（不该记录的坚决不记）"
                    } else {
                        "内容不录入：只登记来源和办理，请写明原因（不该记录的坚决不记）"
                    });
                    cx.command(Command::KeepDraftsNow);
                }
            }
            FormEvent::Changed(LogKey::AmendTarget) => {
                if let Purpose::Amend(entry) = &lf.purpose {
                    reset_amend_value(&mut lf.form, entry, &Ctx::of(cx));
                }
            }
            FormEvent::Notice(m) => {
                lf.form.notice = Some(m.clone());
                cx.say(m);
            }
            FormEvent::Changed(_) | FormEvent::None => {}
        }
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some(lf) = &mut self.form else { return };
        if lf.form.saving {
            return;
        }
        lf.form.clear_errors();
        let ctx = Ctx::of(cx);
        let result = match &lf.purpose {
            Purpose::NewEntry => save_new_entry(&lf.form, &ctx),
            Purpose::Amend(entry) => save_amendment(&lf.form, entry, &ctx),
            Purpose::Instruct(id) => save_instruction(&lf.form, *id, &ctx),
            Purpose::Progress(entry) => save_progress(&lf.form, entry, &ctx),
            Purpose::Ask(id) => save_ask(&lf.form, *id, &ctx),
            Purpose::Assign(id, basis) => save_assign(&lf.form, *id, basis, &ctx),
            Purpose::Forward(id) => save_forward(&lf.form, *id, &ctx),
            Purpose::SignFor(id, forwards) => save_sign(&lf.form, *id, forwards, &ctx),
        };
        match result {
            Ok(request) => {
                lf.form.saving = true;
                self.save_op = Some(cx.request(request));
                cx.say("正在保存…");
            }
            Err(errors) => {
                lf.form.set_errors(&errors);
                cx.say(lf.form.notice.clone().unwrap_or_default());
            }
        }
    }

    /// A write committed: close the form and show the result.
    fn on_saved(&mut self, entry_id: EntryId, key: EntryKey, cx: &mut Cx<'_>) {
        let purpose = self.form.take().map(|f| f.purpose);
        match purpose {
            Some(Purpose::NewEntry) | None => {
                let newest = self.list.rows.first().map(EntrySummary::key);
                if newest.is_some_and(|n| key < n) {
                    cx.say(format!(
                        "已保存：第 {entry_id} 号记录（补记，事发 {}，已在列表中标出）",
                        validate::format_minute(key.occurred_at)
                    ));
                } else {
                    cx.say(format!("已保存：第 {entry_id} 号记录"));
                }
                // The list keeps showing the newest entries; the saved one is marked where it falls.
                self.marked = Some(entry_id);
                let request = self.list.request(Anchor::Newest, Some(entry_id));
                self.send_page(Some(request), cx);
                // An urgent entry raised an alert with it: show and ring it now, not at the next reload.
                cx.command(Command::ReloadEvents);
                // A 请示 entry is 未请示 on the status line from now.
                cx.command(Command::ReloadFollowUps);
            }
            Some(p) => {
                cx.say(match p {
                    Purpose::Instruct(_) => format!("已保存：第 {entry_id} 号记录的领导批示（按 t 交办）"),
                    Purpose::Progress(_) => format!("已保存：第 {entry_id} 号记录的办理进展"),
                    Purpose::Ask(_) => format!("已保存：第 {entry_id} 号记录的请示"),
                    Purpose::Assign(..) => format!("已保存：第 {entry_id} 号记录的交办，在“督办”中跟踪"),
                    Purpose::Forward(_) => format!("已保存：第 {entry_id} 号记录的转交。签收时按 r 记录"),
                    Purpose::SignFor(..) => format!("已保存：第 {entry_id} 号记录转交的签收"),
                    _ => format!("已保存：第 {entry_id} 号记录的更正，原值留在修改记录里"),
                });
                self.entry_op = Some(cx.request(Request::LoadEntry(entry_id)));
                let request = self.list.reload(Some(entry_id));
                self.send_page(Some(request), cx);
                // 督办, the status line and the handover read what is open again.
                cx.command(Command::RecordsChanged);
            }
        }
    }
}

impl Screen for LogScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::Detail
        } else {
            Mode::List
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(lf) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                // Cancel on a dirty form is confirmed by the app before it gets here.
                Action::Cancel => self.discard_form(),
                a => {
                    if let Some(ev) = lf.form.apply(a) {
                        self.after_form_event(ev, cx);
                    }
                }
            }
            return;
        }
        if let Some(detail) = &mut self.detail {
            match action {
                Action::Back => self.detail = None,
                Action::Up => detail.scroll = detail.scroll.saturating_sub(1),
                Action::Down => detail.scroll += 1,
                Action::PageUp => detail.scroll = detail.scroll.saturating_sub(10),
                Action::PageDown => detail.scroll += 10,
                Action::SignFor
                    if detail
                        .entry
                        .as_ref()
                        .is_some_and(|e| e.forwards.iter().all(|f| f.signature.is_some())) =>
                {
                    cx.say("没有待签收的转交：先按 f 转交");
                }
                Action::Amend
                | Action::Instruct
                | Action::Progress
                | Action::AskLeader
                | Action::Assign
                | Action::Forward
                | Action::SignFor => match &detail.entry {
                    Some(entry) => self.form = Some(open_form(action, entry, &Ctx::of(cx))),
                    None => cx.say("记录尚未载入，请稍候"),
                },
                Action::Promote => match &detail.entry {
                    Some(entry) => cx.command(Command::Open(Target::Promote(Box::new(entry.clone())))),
                    None => cx.say("记录尚未载入，请稍候"),
                },
                Action::Redact => match detail.entry.as_ref().map(super::redaction::entry_subject) {
                    Some(Some(subject)) => cx.command(Command::Open(Target::Redact(Box::new(subject)))),
                    Some(None) => cx.say("这条记录没有可删除的文字内容"),
                    None => cx.say("记录尚未载入，请稍候"),
                },
                _ => {}
            }
            return;
        }
        self.list_action(action, cx);
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some(lf) = &mut self.form {
            let ev = lf.form.type_char(c);
            self.after_form_event(ev, cx);
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        match &mut self.form {
            Some(lf) => {
                let ev = lf.form.paste(text);
                self.after_form_event(ev, cx);
            }
            // Never run pasted text as keys; say why nothing happened.
            None => cx.say("粘贴只能在填写表单时使用：先按 n 新建记录"),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.has_unsaved_form()
    }

    fn form_dirty(&self) -> bool {
        self.has_unsaved_form()
    }

    fn discard_form(&mut self) {
        LogScreen::discard_form(self);
    }

    fn saving(&self) -> bool {
        self.save_op.is_some()
    }

    fn draft(&self) -> Option<String> {
        let lf = self.form.as_ref().filter(|f| f.form.dirty)?;
        let (purpose, entry) = match &lf.purpose {
            Purpose::NewEntry => ("新建", None),
            Purpose::Amend(e) => ("更正", Some(e.id)),
            Purpose::Instruct(id) => ("批示", Some(*id)),
            Purpose::Progress(e) => ("进展", Some(e.id)),
            Purpose::Ask(id) => ("请示", Some(*id)),
            Purpose::Assign(id, _) => ("交办", Some(*id)),
            Purpose::Forward(id) => ("转交", Some(*id)),
            Purpose::SignFor(id, _) => ("签收", Some(*id)),
        };
        serde_json::to_string(&LogDraft {
            purpose: purpose.to_string(),
            entry,
            form: lf.form.to_draft(),
        })
        .ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(draft) = serde_json::from_str::<LogDraft>(body) else {
            return false;
        };
        match (draft.purpose.as_str(), draft.entry) {
            ("新建", _) => {
                self.detail = None;
                self.form = Some(LogForm {
                    purpose: Purpose::NewEntry,
                    form: new_entry_form(&Ctx::of(cx)),
                });
                self.fill(&draft.form, cx);
                true
            }
            (_, Some(id)) => {
                let request = self.open_entry(id);
                self.entry_op = Some(cx.request(request));
                self.pending_draft = Some(draft);
                true
            }
            _ => false,
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        match reply {
            // A page asked for before the last one: the window has moved on since.
            Reply::Page(..) if self.list.page_op != Some(op) => {}
            Reply::Page(req, rows) => {
                self.list.page_op = None;
                self.list.on_page(req, rows);
                let next = self.list.prefetch();
                self.send_page(next, cx);
            }
            Reply::Entry(entry) => {
                // A draft for this entry: its form opens again over the detail, filled in.
                if let Some(draft) = self.pending_draft.take_if(|d| d.entry == Some(entry.id)) {
                    let action = match draft.purpose.as_str() {
                        "批示" => Action::Instruct,
                        "进展" => Action::Progress,
                        "请示" => Action::AskLeader,
                        "交办" => Action::Assign,
                        "转交" => Action::Forward,
                        "签收" => Action::SignFor,
                        _ => Action::Amend,
                    };
                    self.form = Some(open_form(action, &entry, &Ctx::of(cx)));
                    self.fill(&draft.form, cx);
                }
                if let Some(d) = &mut self.detail
                    && d.id == entry.id
                {
                    d.entry = Some(*entry);
                }
            }
            Reply::EntrySaved { entry_id, key } if self.save_op == Some(op) => {
                self.save_op = None;
                self.on_saved(entry_id, key, cx);
            }
            Reply::Failed(why) if self.save_op == Some(op) => {
                // A write failed: keep every character typed and say why.
                self.save_op = None;
                save_failed(self.form.as_mut().map(|lf| &mut lf.form), &why, cx);
            }
            Reply::Failed(why) if self.entry_op == Some(op) => {
                cx.say(format!("读取记录失败：{why}。按 Esc 返回列表后可重新打开"));
            }
            Reply::Failed(why) if self.list.page_op == Some(op) => {
                self.list.page_op = None;
                self.list.loading = false;
                self.list.load_error = Some(why.clone());
                cx.say(format!("读取失败：{why}"));
            }
            // A page replaced since, or a detail closed since: said, nothing waits for it.
            Reply::Failed(why) => cx.say(format!("读取失败：{why}")),
            _ => {}
        }
    }

    fn on_start(&mut self, cx: &mut Cx<'_>) {
        self.list.viewport = cx.shared.viewport;
        let r = self.list.initial();
        self.send_page(Some(r), cx);
    }

    fn on_viewport_changed(&mut self, cx: &mut Cx<'_>) {
        self.list.viewport = cx.shared.viewport;
        let page = self.list.move_by(0);
        self.send_page(page, cx);
    }

    fn on_foreign_writes(&mut self, _shown: bool, cx: &mut Cx<'_>) {
        if self.list.loaded {
            // On the newest row the officer follows the log: stay on the newest, which is
            // what another terminal just wrote. Elsewhere, keep the row they selected.
            let list = &self.list;
            let following = list.selected == 0 && !list.more_newer;
            let selected = list.selected_row().map(|r| r.id).filter(|_| !following);
            let r = self.list.reload(selected);
            self.send_page(Some(r), cx);
        }
        if let Some(d) = &self.detail {
            self.entry_op = Some(cx.request(Request::LoadEntry(d.id)));
        }
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Entry(id) => {
                let r = self.open_entry(id);
                self.entry_op = Some(cx.request(r));
                Ok(())
            }
            t => Err(t),
        }
    }
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| label(*v).to_string()).collect()
}

fn log_text(field: LogField, kind: EntryKind) -> Field<LogKey> {
    Field::text(
        LogKey::Log(field),
        field.label(kind),
        field.is_multiline(),
        field.max_chars(),
    )
}

/// The new-entry form: the record part, then the handling part (domain.md §2.1).
#[must_use]
pub fn new_entry_form(ctx: &Ctx<'_>) -> Form<LogKey> {
    let kind = EntryKind::IncomingCall;
    let mut categories = ctx.settings.categories.clone();
    if categories.is_empty() {
        categories.push(String::new());
    }
    // 类型 sits right above 来电单位, where the form opens: a 去电 is Shift-Tab and Right away.
    let fields = vec![
        log_text(LogField::OccurredAt, kind)
            .with_placeholder("默认为现在；可填 09:30 或 2026-11-23 09:30")
            .with_heading("记录"),
        Field::choice(LogKey::Log(LogField::Category), "类别", categories, 0),
        Field::choice(
            LogKey::Log(LogField::Kind),
            "类型",
            labels(EntryKind::ALL, EntryKind::label),
            0,
        ),
        log_text(LogField::Unit, kind),
        log_text(LogField::Person, kind).with_placeholder("姓名/职务"),
        log_text(LogField::Phone, kind).with_placeholder("手机 11 位，或 区号-号码"),
        log_text(LogField::Content, kind)
            .tall()
            .required()
            .with_placeholder("何时、何地、何人、何事、已采取措施、现状、请求"),
        log_text(LogField::ReportedElsewhere, kind).with_placeholder("对方是否已向其他单位报告，报给谁"),
        Field::choice(
            LogKey::Log(LogField::ReadBack),
            "复述核对",
            labels(ReadBack::ALL, ReadBack::label),
            0,
        ),
        log_text(LogField::ForwardedTo, kind).with_placeholder("转交给谁（单位/姓名）"),
        log_text(LogField::ForwardedAt, kind).with_placeholder("填写转交对象后默认为现在"),
        log_text(LogField::Receiver, kind).with_placeholder(&format!("默认为当前值班员 {}", ctx.operator)),
        // Last of the record's fields: the usual path through a call (内容 → 已报其他 → 受话人) is
        // unchanged, and withholding is a deliberate step.
        Field::choice(
            LogKey::Withhold,
            "内容录入",
            vec!["录入".into(), WITHHOLD_YES.into()],
            0,
        ),
        Field::text(
            LogKey::WithholdReason,
            "不录入原因",
            false,
            crate::core::log::WITHHELD_REASON_MAX_CHARS,
        )
        .required()
        .with_placeholder("如 密件，已告知机要员；或 涉及他人隐私"),
        Field::choice(LogKey::Abroad, "境外来源", vec!["否".into(), ABROAD_YES.into()], 0).with_heading("办理"),
        Field::choice(
            LogKey::Log(LogField::Triage),
            "分级",
            labels(Triage::ALL, Triage::label),
            3,
        ),
        Field::choice(
            LogKey::RaiseAlert,
            "紧急提醒",
            vec!["否".into(), RAISE_ALERT_YES.into()],
            0,
        ),
        log_text(LogField::Proposal, kind),
        Field::choice(
            LogKey::Log(LogField::Status),
            "状态",
            labels(Status::ALL, Status::label),
            0,
        ),
        log_text(LogField::Result, kind),
        log_text(LogField::Handler, kind),
        log_text(LogField::ClosedAt, kind).with_placeholder("已办结时默认为现在"),
    ];
    let mut form = Form::new("新建值班记录", fields);
    relabel_entry_form(&mut form);
    // Most entries are incoming calls: start where the officer starts typing. The kind, time and
    // category above keep their defaults unless changed (Shift-Tab reaches the kind at once).
    form.focus_on(LogKey::Log(LogField::Unit));
    form
}

/// Shows the fields that apply to the chosen kind, with that kind's labels.
fn relabel_entry_form(form: &mut Form<LogKey>) {
    let kind = EntryKind::parse(&form.value(LogKey::Log(LogField::Kind))).unwrap_or(EntryKind::IncomingCall);
    for f in &mut form.fields {
        if let LogKey::Log(lf) = f.key {
            f.label = lf.label(kind).to_string();
            f.hidden = !lf.applies_to(kind);
        }
    }
    form.title = format!("新建值班记录：{}", kind.label());
    apply_withhold(form);
}

/// 内容不录入 chosen: the content field goes (and what was typed in it is dropped, so no draft
/// keeps it) and the reason is asked instead. Returns whether typed content was dropped.
fn apply_withhold(form: &mut Form<LogKey>) -> bool {
    let withheld = form.value(LogKey::Withhold) == WITHHOLD_YES;
    let mut dropped = false;
    for f in &mut form.fields {
        match f.key {
            LogKey::Log(LogField::Content) if withheld => {
                if !f.value().is_empty() {
                    f.set_value("");
                    dropped = true;
                }
                f.hidden = true;
            }
            LogKey::WithholdReason => f.hidden = !withheld,
            _ => {}
        }
    }
    dropped
}

/// The 内容 choice that withholds the content (000:150, 002:1522).
const WITHHOLD_YES: &str = "不录入（涉密或不该记录，写明原因）";

/// The 境外来源 choice that marks an entry from abroad (always 请示, 002:1474).
const ABROAD_YES: &str = "是：境外组织或人员（一律请示）";

/// The 紧急提醒 choice that raises an alert.
const RAISE_ALERT_YES: &str = "是：逐级提醒直到有人确认";

fn save_new_entry(form: &Form<LogKey>, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let raise = form.value(LogKey::RaiseAlert) == RAISE_ALERT_YES;
    let triage = Triage::parse(&form.value(LogKey::Log(LogField::Triage)));
    if raise && !matches!(triage, Some(Triage::Urgent | Triage::AskLeader)) {
        return Err(vec![(
            LogKey::RaiseAlert,
            "只有“急办”或“请示”的事项可设紧急提醒：先把分级改为急办或请示".into(),
        )]);
    }
    let alert = raise.then(|| crate::core::urgent::raised(ctx.now, &ctx.settings.urgent.ladder));
    let raw: RawValues = form
        .fields
        .iter()
        .filter(|f| !f.hidden)
        .filter_map(|f| match f.key {
            LogKey::Log(lf) => Some((lf, f.value())),
            _ => None,
        })
        .collect();
    let abroad = form.value(LogKey::Abroad) == ABROAD_YES;
    let withheld = (form.value(LogKey::Withhold) == WITHHOLD_YES).then(|| form.value(LogKey::WithholdReason));
    let mut raw = raw;
    if let Some(reason) = &withheld {
        if reason.trim().is_empty() {
            return Err(vec![(
                LogKey::WithholdReason,
                "“不录入原因”必须填写：如 密件，已告知机要员".into(),
            )]);
        }
        raw.insert(LogField::Content, crate::core::log::WITHHELD_CONTENT.to_string());
    }
    build_entry(&raw, ctx.operator, ctx.now)
        .map(|mut e| {
            e.withheld = withheld.map(|r| r.trim().to_string());
            // From abroad: always 请示, whatever was chosen (the list and the record say so).
            e.abroad = abroad;
            e.triage = e.triage.with_abroad(abroad);
            Request::SaveEntry(Box::new(e), alert)
        })
        .map_err(|errs| errs.into_iter().map(|(f, m)| (LogKey::Log(f), m)).collect())
}

fn minute_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// 转交 of an entry: to whom (names or a group), 拟办意见, when.
fn forward_form(entry: &Entry, ctx: &Ctx<'_>) -> Form<LogKey> {
    Form::new(
        &format!("第 {} 号记录：转交", entry.id),
        vec![
            Field::text(LogKey::ForwardTo, "转交给", false, 2000)
                .required()
                .with_placeholder("领导、科室或单位，多个用顿号隔开，可写分组名"),
            Field::text(LogKey::ForwardPurpose, "拟办意见", false, 200).with_placeholder("如 请阅示；可不填"),
            Field::text(LogKey::ForwardAt, "转交时间", false, 19).with_value(&minute_text(ctx.now)),
        ],
    )
}

/// 签收 of one of the entry's unsigned forwards (the ids in the choice's order).
fn sign_form(entry: &Entry, ctx: &Ctx<'_>) -> (Form<LogKey>, Vec<i64>) {
    let waiting: Vec<&crate::core::document::Forward> =
        entry.forwards.iter().filter(|f| f.signature.is_none()).collect();
    let labels = waiting
        .iter()
        .map(|f| format!("{}（{}）", f.to_whom, f.forwarded_at.format("%m-%d %H:%M")))
        .collect();
    let first = waiting.first().map(|f| f.to_whom.clone()).unwrap_or_default();
    let form = Form::new(
        &format!("第 {} 号记录：签收", entry.id),
        vec![
            Field::choice(LogKey::SignWhich, "转交", labels, 0),
            Field::text(
                LogKey::SignedBy,
                "签收人",
                false,
                crate::core::document::SHORT_MAX_CHARS,
            )
            .required()
            .with_value(&first),
            Field::text(LogKey::SignedAt, "签收时间", false, 19).with_value(&minute_text(ctx.now)),
        ],
    );
    (form, waiting.iter().map(|f| f.id).collect())
}

fn save_forward(form: &Form<LogKey>, id: EntryId, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    // The configured groups with the directory's merged in (`directory::fill_numbers`).
    let to = crate::core::instruction::split_names(&form.value(LogKey::ForwardTo), &ctx.settings.instruction.groups)
        .map_err(|e| vec![(LogKey::ForwardTo, e)])?;
    let at = validate::time(&form.value(LogKey::ForwardAt), ctx.now).map_err(|e| vec![(LogKey::ForwardAt, e)])?;
    Ok(Request::AddForwards {
        of: crate::core::document::Forwarded::Entry(id),
        to,
        purpose: form.value(LogKey::ForwardPurpose).trim().to_string(),
        at,
        by: ctx.operator.to_string(),
    })
}

fn save_sign(
    form: &Form<LogKey>,
    id: EntryId,
    forwards: &[i64],
    ctx: &Ctx<'_>,
) -> Result<Request, Vec<(LogKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let which = match form.field(LogKey::SignWhich).map(|f| &f.input) {
        Some(Input::Choice { selected, .. }) => forwards.get(*selected).copied(),
        _ => None,
    };
    let Some(forward) = which else {
        return Err(vec![(LogKey::SignWhich, "没有待签收的转交".into())]);
    };
    let signed_at = validate::time(&form.value(LogKey::SignedAt), ctx.now).map_err(|e| vec![(LogKey::SignedAt, e)])?;
    Ok(Request::SignForward {
        forward,
        entry: Some(id),
        signature: Box::new(crate::core::document::Signature {
            signed_by: form.value(LogKey::SignedBy).trim().to_string(),
            signed_at,
            recorded_by: ctx.operator.to_string(),
            recorded_at: ctx.now,
        }),
    })
}

fn open_form(action: Action, entry: &Entry, ctx: &Ctx<'_>) -> LogForm {
    match action {
        Action::Forward => LogForm {
            purpose: Purpose::Forward(entry.id),
            form: forward_form(entry, ctx),
        },
        Action::SignFor => {
            let (form, ids) = sign_form(entry, ctx);
            LogForm {
                purpose: Purpose::SignFor(entry.id, ids),
                form,
            }
        }
        Action::Instruct => LogForm {
            purpose: Purpose::Instruct(entry.id),
            form: instruction_form(entry.id, ctx),
        },
        Action::Progress => LogForm {
            purpose: Purpose::Progress(Box::new(entry.clone())),
            form: progress_form(entry),
        },
        Action::AskLeader => LogForm {
            purpose: Purpose::Ask(entry.id),
            form: ask_form(entry, ctx),
        },
        Action::Assign => {
            let (basis, lines) = cycle_form::basis_lines(&entry.instructions);
            LogForm {
                form: cycle_form::assign_form(&format!("第 {} 号记录：交办", entry.id), lines),
                purpose: Purpose::Assign(entry.id, basis),
            }
        }
        _ => LogForm {
            purpose: Purpose::Amend(Box::new(entry.clone())),
            form: amend_form(entry, ctx),
        },
    }
}

/// The fields an amendment may correct: those of its kind, never the content of an entry saved
/// without it (内容不录入: the store refuses that too).
fn amendable(entry: &Entry) -> Vec<LogField> {
    let kind = entry.fields.kind;
    let withheld = entry.fields.withheld.is_some();
    LogField::AMENDABLE
        .iter()
        .copied()
        .filter(|f| f.applies_to(kind) && !(withheld && *f == LogField::Content))
        .collect()
}

fn amend_form(entry: &Entry, ctx: &Ctx<'_>) -> Form<LogKey> {
    let kind = entry.fields.kind;
    let targets = amendable(entry)
        .into_iter()
        .map(|f| f.label(kind).to_string())
        .collect();
    let mut form = Form::new(
        &format!("更正/补充第 {} 号记录（原值保留在修改记录中）", entry.id),
        vec![
            Field::choice(LogKey::AmendTarget, "更正项", targets, 0),
            Field::text(LogKey::NewValue, "新值", false, 100),
            Field::text(LogKey::Reason, "原因", false, 200).with_placeholder("更正已有内容须写明原因；补填空项可不写"),
        ],
    );
    reset_amend_value(&mut form, entry, ctx);
    form
}

/// Puts the chosen field's current value into the 新值 field, as text or as a choice.
fn reset_amend_value(form: &mut Form<LogKey>, entry: &Entry, ctx: &Ctx<'_>) {
    let targets = amendable(entry);
    let Some(Input::Choice { selected, .. }) = form.field(LogKey::AmendTarget).map(|f| &f.input) else {
        return;
    };
    let Some(&target) = targets.get(*selected) else { return };
    let current = entry.fields.value(target);
    let options: Option<Vec<String>> = match target {
        LogField::Triage => Some(labels(Triage::ALL, Triage::label)),
        LogField::Status => Some(labels(Status::ALL, Status::label)),
        LogField::ReadBack => Some(vec![ReadBack::Done.label().into(), ReadBack::NotDone.label().into()]),
        LogField::Category => Some(ctx.settings.categories.clone()).filter(|c| !c.is_empty()),
        _ => None,
    };
    let new_field = match options {
        Some(opts) => Field::choice(LogKey::NewValue, "新值", opts, 0).with_value(&current),
        None => Field::text(LogKey::NewValue, "新值", target.is_multiline(), target.max_chars()).with_value(&current),
    };
    let placeholder = if target.is_time() {
        "如 2026-11-23 09:30 或 09:30"
    } else {
        ""
    };
    if let Some(f) = form.field_mut(LogKey::NewValue) {
        *f = new_field.with_placeholder(placeholder);
    }
}

fn save_amendment(form: &Form<LogKey>, entry: &Entry, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let kind = entry.fields.kind;
    let targets = amendable(entry);
    let target = match form.field(LogKey::AmendTarget).map(|f| &f.input) {
        Some(Input::Choice { selected, .. }) => targets.get(*selected).copied(),
        _ => None,
    }
    .ok_or_else(|| vec![(LogKey::AmendTarget, "请选择要更正的项目".to_string())])?;
    let old = entry.fields.value(target);
    let new = check_amended_value(target, kind, &form.value(LogKey::NewValue), ctx.now)
        .map_err(|e| vec![(LogKey::NewValue, e)])?;
    if new == old {
        return Err(vec![(
            LogKey::NewValue,
            "新值与原值相同：请修改后再保存，或按 Esc 取消".into(),
        )]);
    }
    let reason = form.value(LogKey::Reason).trim().to_string();
    if reason.is_empty() && !old.is_empty() {
        return Err(vec![(
            LogKey::Reason,
            "更正已有内容须写明原因（如“记错号码”“对方补充说明”）".into(),
        )]);
    }
    Ok(Request::Amend(AmendRequest {
        entry_id: entry.id,
        changes: vec![(target, new)],
        reason: if reason.is_empty() { "补填".into() } else { reason },
        amended_by: ctx.operator.to_string(),
        amended_at: ctx.now,
    }))
}

fn instruction_form(entry_id: EntryId, ctx: &Ctx<'_>) -> Form<LogKey> {
    cycle_form::instruction_form(&format!("第 {entry_id} 号记录：领导批示（照原话记录）"), ctx.settings)
}

fn save_instruction(form: &Form<LogKey>, entry_id: EntryId, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let instruction = cycle_form::read_instruction(form, ctx.operator, ctx.now)?;
    Ok(Request::Instruct(Box::new(InstructionRequest {
        entry_id,
        instruction,
    })))
}

fn ask_form(entry: &Entry, ctx: &Ctx<'_>) -> Form<LogKey> {
    let mut form = cycle_form::ask_form(&format!("第 {} 号记录：请示领导", entry.id), ctx.settings);
    if entry.fields.abroad {
        form.notice = Some("境外来源：一律请示领导，不得自行答复（002:1474）".into());
    }
    form
}

fn save_ask(form: &Form<LogKey>, entry_id: EntryId, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let request = cycle_form::read_ask(form, ctx.operator, ctx.now)?;
    Ok(Request::AddLeaderRequest(entry_id, Box::new(request)))
}

fn save_assign(
    form: &Form<LogKey>,
    entry_id: EntryId,
    basis: &[i64],
    ctx: &Ctx<'_>,
) -> Result<Request, Vec<(LogKey, String)>> {
    let task = cycle_form::read_assign(
        form,
        ItemRef::Entry(entry_id),
        basis,
        ctx.settings,
        ctx.operator,
        ctx.now,
    )?;
    Ok(Request::AddTasks(Box::new(task)))
}

/// The 结束方式 choice before one is chosen.
const NO_CLOSING: &str = "（办结时选择）";

fn progress_form(entry: &Entry) -> Form<LogKey> {
    let kind = entry.fields.kind;
    let status = Status::ALL.iter().position(|s| *s == entry.fields.status).unwrap_or(0);
    let mut closings = vec![NO_CLOSING.to_string()];
    closings.extend(Closing::KINDS.iter().map(|k| (*k).to_string()));
    Form::new(
        &format!("第 {} 号记录：办理进展", entry.id),
        vec![
            Field::choice(
                LogKey::Log(LogField::Status),
                "状态",
                labels(Status::ALL, Status::label),
                status,
            ),
            log_text(LogField::Result, kind).with_value(&entry.fields.result),
            log_text(LogField::Handler, kind).with_value(&entry.fields.handler),
            Field::choice(LogKey::ClosingKind, "结束方式", closings, 0)
                .with_heading("办结（不说明、不请示、不移送的不能办结）"),
            Field::text(LogKey::ClosingDetail, "说明内容/移送给", false, 200)
                .with_placeholder("说明：向来电人说明了什么；移送：移送给哪个单位"),
        ],
    )
}

/// The closing the form chose, checked by the rules against the entry's 请示 attempts (a 请示
/// closing says how to record the 请示 it needs).
fn chosen_closing(form: &Form<LogKey>, requests: &[LeaderRequest]) -> Result<Closing, Vec<(LogKey, String)>> {
    let detail = form.value(LogKey::ClosingDetail).trim().to_string();
    let closing = match form.value(LogKey::ClosingKind).as_str() {
        "办结" => Closing::Done,
        "说明" => Closing::Explained { what: detail },
        "请示" => Closing::Asked,
        "移送" => Closing::Transferred { to: detail },
        _ => {
            return Err(vec![(
                LogKey::ClosingKind,
                "办结须选择结束方式：办结、说明（已向来电人说明）、请示（已交领导）或移送（转给其他单位）".into(),
            )]);
        }
    };
    check_closing(&closing, requests).map_err(|e| match closing {
        Closing::Asked => vec![(
            LogKey::ClosingKind,
            "以“请示”结束须先记录已联系上领导的请示：按 Esc 回到记录，按 a 记录请示".into(),
        )],
        _ => vec![(LogKey::ClosingDetail, e)],
    })?;
    Ok(closing)
}

fn save_progress(form: &Form<LogKey>, entry: &Entry, ctx: &Ctx<'_>) -> Result<Request, Vec<(LogKey, String)>> {
    let mut changes = Vec::new();
    for field in [LogField::Status, LogField::Result, LogField::Handler] {
        let new = form.value(LogKey::Log(field)).trim().to_string();
        if new != entry.fields.value(field) {
            changes.push((field, new));
        }
    }
    let done = form.value(LogKey::Log(LogField::Status)) == Status::Done.label();
    if done && form.value(LogKey::Log(LogField::Result)).trim().is_empty() {
        return Err(vec![(LogKey::Log(LogField::Result), "办结须填写办理结果".into())]);
    }
    let closing = if done && entry.fields.status != Status::Done {
        Some(chosen_closing(form, &entry.requests)?)
    } else {
        None
    };
    if done && entry.fields.closed_at.is_none() {
        changes.push((LogField::ClosedAt, validate::format_minute(ctx.now)));
    }
    if changes.is_empty() {
        return Err(vec![(
            LogKey::Log(LogField::Status),
            "没有改动：修改状态、结果或承办人后再保存，或按 Esc 取消".into(),
        )]);
    }
    let amend = AmendRequest {
        entry_id: entry.id,
        changes,
        reason: "办理进展".into(),
        amended_by: ctx.operator.to_string(),
        amended_at: ctx.now,
    };
    Ok(match closing {
        Some(c) => Request::CloseEntry(Box::new(amend), c),
        None => Request::Amend(amend),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn rows(from_id: i64, n: usize) -> Vec<EntrySummary> {
        let base = NaiveDateTime::parse_from_str("2026-01-01 00:00", "%Y-%m-%d %H:%M").unwrap();
        (0..n)
            .map(|i| {
                let id = from_id - i64::try_from(i).unwrap();
                EntrySummary {
                    id,
                    occurred_at: base + Duration::minutes(id),
                    kind: EntryKind::IncomingCall,
                    unit: format!("单位{id}"),
                    person: String::new(),
                    content: "内容".into(),
                    triage: Triage::Routine,
                    status: Status::Pending,
                    abroad: false,
                    asked: None,
                }
            })
            .collect()
    }

    fn list(viewport: usize) -> LogList {
        LogList {
            viewport,
            ..LogList::default()
        }
    }

    fn page_of(effect: Option<Request>) -> PageRequest {
        match effect {
            Some(Request::LoadPage(r)) => r,
            other => panic!("expected a page request, got {other:?}"),
        }
    }

    #[test]
    fn first_page_then_older_pages_as_the_selection_nears_the_end() {
        let mut l = list(10);
        let req = page_of(Some(l.initial()));
        assert_eq!((req.anchor, req.limit), (Anchor::Newest, 50));
        l.on_page(req, rows(1000, 50));
        assert!(l.more_older && !l.more_newer);
        // Far from the end of the window: no load.
        assert!(l.move_by(5).is_none());
        // Within two screens of the end: ask for the page after the last row, by key.
        let req = page_of(l.move_by(25));
        assert_eq!(req.anchor, Anchor::Before(l.rows.last().unwrap().key()));
        l.on_page(req, rows(950, 50));
        assert_eq!(l.rows.len(), 100);
        assert_eq!(l.selected_row().unwrap().id, 970);
    }

    #[test]
    fn the_window_is_capped_and_reopens_upwards() {
        let mut l = list(10);
        l.on_page(
            PageRequest {
                anchor: Anchor::Newest,
                limit: 50,
                select: None,
            },
            rows(10_000, 50),
        );
        let mut next_id = 9_950;
        for _ in 0..10 {
            l.selected = l.rows.len() - 5;
            let req = page_of(l.prefetch());
            l.on_page(req, rows(next_id, 50));
            next_id -= 50;
        }
        assert!(
            l.rows.len() <= 200,
            "window holds at most four pages, holds {}",
            l.rows.len()
        );
        assert!(l.more_newer);
        // Scrolling back to the top of the window asks for newer rows.
        l.selected = 3;
        l.top = 3;
        let first = l.rows[0].key();
        let req = page_of(l.move_by(-1));
        assert_eq!(req.anchor, Anchor::After(first));
        let selected_id = l.selected_row().unwrap().id;
        l.on_page(req, rows(first.id + 50, 50));
        assert_eq!(
            l.selected_row().unwrap().id,
            selected_id,
            "prepending keeps the same row selected"
        );
    }

    #[test]
    fn at_or_before_selects_the_saved_entry() {
        let mut l = list(10);
        let page = rows(500, 50);
        let key = page[0].key();
        l.on_page(
            PageRequest {
                anchor: Anchor::AtOrBefore(key),
                limit: 50,
                select: Some(490),
            },
            page,
        );
        assert_eq!(l.selected_row().unwrap().id, 490);
        assert!(l.more_newer, "newer entries may exist above a saved back-dated entry");
    }

    #[test]
    fn moves_are_clamped_and_keep_the_selection_visible() {
        let mut l = list(10);
        l.on_page(
            PageRequest {
                anchor: Anchor::Newest,
                limit: 50,
                select: None,
            },
            rows(30, 30),
        );
        assert!(!l.more_older);
        assert!(l.move_by(100).is_none());
        assert_eq!(l.selected, 29);
        assert_eq!(l.top, 20);
        l.move_by(-100);
        assert_eq!((l.selected, l.top), (0, 0));
    }
}
