//! 电话通知 (issue 17): one notice, many recipients. The list shows unfinished notices first
//! (oldest first: the one waiting longest), then the newest finished ones; `n` writes a new one
//! (content, meeting time and place, whether a reply is needed, recipients typed or a saved group
//! such as 各乡镇值班室). Enter opens a notice: its recipients, each 待通知 / 未接通 / 已通知. On the
//! selected recipient one key per call outcome: `x` 未接通 (saved at once), `y` 已通知 (who took it
//! and whether it was read back, then Ctrl-S). After each call the cursor moves to the next
//! recipient still to call, so a recipient's outcome is at most ↓ y Ctrl-S.

use chrono::NaiveDateTime;

use super::form::{Field, Form, Input};
use super::instruction::{CallOutcome, NewPhoneNotice, NoticeCall, PhoneNotice, TEXT_MAX_CHARS, split_names};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, apply_to, save_failed};
use super::validate;

/// The fields of the notice screen's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKey {
    Content,
    MeetingAt,
    Place,
    ReplyNeeded,
    Recipients,
    Taker,
    ReadBack,
}

/// What the open form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticePurpose {
    New,
    /// 已通知 for this recipient of this notice.
    Reached {
        notice_id: i64,
        recipient_id: i64,
    },
}

/// The 复述核对 choice on 已通知.
pub const READ_BACK: [&str; 2] = ["已复述核对", "未复述"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeScreen {
    /// Unfinished notices, oldest first.
    pub open: Vec<PhoneNotice>,
    /// The newest finished ones, newest first.
    pub done: Vec<PhoneNotice>,
    /// The selected notice, an index into `open` then `done`.
    pub selected: usize,
    pub loaded: bool,
    /// The notice opened (its id) and the selected recipient.
    pub detail: Option<(i64, usize)>,
    pub form: Option<(NoticePurpose, Form<NoticeKey>)>,
    load_op: Option<OpId>,
    save_op: Option<OpId>,
    /// A 未接通 recorded at once (no form): its reply.
    call_op: Option<OpId>,
}

impl NoticeScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadNotices));
    }

    /// Every notice in list order.
    pub fn all(&self) -> impl Iterator<Item = &PhoneNotice> {
        self.open.iter().chain(&self.done)
    }

    #[must_use]
    pub fn shown_notice(&self) -> Option<&PhoneNotice> {
        let (id, _) = self.detail?;
        self.all().find(|n| n.id == id)
    }

    fn new_form(cx: &Cx<'_>) -> Form<NoticeKey> {
        let groups: Vec<&str> = cx.settings.instruction.groups.iter().map(|(g, _)| g.as_str()).collect();
        let hint = if groups.is_empty() {
            "单位或人，多个用顿号隔开".to_string()
        } else {
            format!("单位或人，多个用顿号隔开；可写分组名：{}", groups.join("、"))
        };
        Form::new(
            "新建电话通知",
            vec![
                Field::text(NoticeKey::Content, "通知内容", true, TEXT_MAX_CHARS)
                    .tall()
                    .required()
                    .with_placeholder("照通知原文，何事、何时、何地、何人参加、有何要求"),
                Field::text(NoticeKey::MeetingAt, "会议时间", false, 19).with_placeholder("有会议时填写，如 明天 9:00"),
                Field::text(NoticeKey::Place, "会议地点", false, 100),
                Field::choice(
                    NoticeKey::ReplyNeeded,
                    "需回复",
                    vec!["否".into(), "是：须回复参会人员等".into()],
                    0,
                ),
                Field::text(NoticeKey::Recipients, "通知对象", true, 2000)
                    .required()
                    .with_placeholder(&hint),
            ],
        )
    }

    fn reached_form(recipient: &str) -> Form<NoticeKey> {
        Form::new(
            &format!("已通知：{recipient}"),
            vec![
                Field::text(NoticeKey::Taker, "接听人", false, 50).with_placeholder("接电话的人，可不填；Ctrl-S 保存"),
                Field::choice(
                    NoticeKey::ReadBack,
                    "复述核对",
                    READ_BACK.iter().map(|s| (*s).to_string()).collect(),
                    0,
                ),
            ],
        )
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((purpose, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let request = match purpose {
            NoticePurpose::New => build_notice(form, cx).map(|n| Request::AddNotice(Box::new(n))),
            NoticePurpose::Reached {
                notice_id,
                recipient_id,
            } => Ok(Request::AddNoticeCall {
                notice_id: *notice_id,
                recipient_id: *recipient_id,
                call: Box::new(NoticeCall {
                    outcome: CallOutcome::Reached,
                    taker: form.value(NoticeKey::Taker).trim().to_string(),
                    read_back: matches!(
                        form.field(NoticeKey::ReadBack).map(|f| &f.input),
                        Some(Input::Choice { selected: 0, .. })
                    ),
                    at: cx.now,
                    recorded_by: cx.operator.to_string(),
                }),
            }),
        };
        match request {
            Ok(r) => {
                form.saving = true;
                self.save_op = Some(cx.request(r));
                cx.say("正在保存…");
            }
            Err(errors) => {
                form.set_errors(&errors);
                cx.say(form.notice.clone().unwrap_or_default());
            }
        }
    }

    /// `y` / `x` on the selected recipient.
    fn outcome(&mut self, outcome: CallOutcome, cx: &mut Cx<'_>) {
        let Some((notice_id, row)) = self.detail else { return };
        let Some(rec) = self.shown_notice().and_then(|n| n.recipients.get(row)) else {
            cx.say("没有选中通知对象");
            return;
        };
        if rec.is_done() {
            cx.say(format!("{} 已通知，不再记录：按 ↓ 选下一个", rec.name));
            return;
        }
        if self.call_op.is_some() {
            cx.say("上一个通话结果正在保存，请稍候");
            return;
        }
        let recipient_id = rec.id;
        match outcome {
            CallOutcome::Reached => {
                self.form = Some((
                    NoticePurpose::Reached {
                        notice_id,
                        recipient_id,
                    },
                    Self::reached_form(&rec.name),
                ));
            }
            CallOutcome::NotReached => {
                let name = rec.name.clone();
                self.call_op = Some(cx.request(Request::AddNoticeCall {
                    notice_id,
                    recipient_id,
                    call: Box::new(NoticeCall {
                        outcome,
                        taker: String::new(),
                        read_back: false,
                        at: cx.now,
                        recorded_by: cx.operator.to_string(),
                    }),
                }));
                cx.say(format!("正在记录：{name} 未接通…"));
            }
        }
    }

    /// After a call: the next recipient still to call, from the one after the selected.
    fn select_next_waiting(&mut self) {
        let Some((id, row)) = self.detail else { return };
        let Some(n) = self.all().find(|n| n.id == id) else {
            return;
        };
        let len = n.recipients.len();
        let next = (1..=len)
            .map(|k| (row + k) % len.max(1))
            .find(|&i| n.recipients.get(i).is_some_and(|r| !r.is_done()));
        if let Some(i) = next {
            self.detail = Some((id, i));
        }
    }

    fn saved(&mut self, id: i64, done: bool, cx: &mut Cx<'_>) {
        match self.form.take().map(|(p, _)| p) {
            Some(NoticePurpose::New) => {
                // Calling comes next: the notice opens on its first recipient (shown as soon as
                // the reload below brings it).
                cx.say(format!("已保存：第 {id} 号电话通知。逐个拨打：接通按 y，未接通按 x"));
                self.detail = Some((id, 0));
            }
            _ => {
                cx.say(if done {
                    format!("已保存：第 {id} 号通知已全部通知到")
                } else {
                    "已保存：通话结果".to_string()
                });
                self.select_next_waiting();
            }
        }
        self.load(cx);
        cx.command(Command::RecordsChanged);
    }
}

/// The notice the form holds, or each field's problem.
fn build_notice(form: &Form<NoticeKey>, cx: &Cx<'_>) -> Result<NewPhoneNotice, Vec<(NoticeKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let recipients = split_names(&form.value(NoticeKey::Recipients), &cx.settings.instruction.groups)
        .map_err(|e| vec![(NoticeKey::Recipients, e)])?;
    let meeting_at: Option<NaiveDateTime> = match form.value(NoticeKey::MeetingAt).trim() {
        "" => None,
        s => Some(validate::time_ahead(s, cx.now).map_err(|e| vec![(NoticeKey::MeetingAt, e)])?),
    };
    Ok(NewPhoneNotice {
        content: form.value(NoticeKey::Content).trim().to_string(),
        meeting_at,
        place: form.value(NoticeKey::Place).trim().to_string(),
        reply_needed: matches!(
            form.field(NoticeKey::ReplyNeeded).map(|f| &f.input),
            Some(Input::Choice { selected: 1, .. })
        ),
        recipients,
        recorded_by: cx.operator.to_string(),
        recorded_at: cx.now,
    })
}

impl Screen for NoticeScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::NoticeDetail
        } else {
            Mode::Notices
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    apply_to(form, a, cx);
                }
            }
            return;
        }
        if let Some((id, row)) = self.detail {
            let len = self.shown_notice().map_or(0, |n| n.recipients.len());
            match action {
                Action::Up => self.detail = Some((id, row.saturating_sub(1))),
                Action::Down => self.detail = Some((id, (row + 1).min(len.saturating_sub(1)))),
                Action::Notified => self.outcome(CallOutcome::Reached, cx),
                Action::NotReached => self.outcome(CallOutcome::NotReached, cx),
                Action::Back => self.detail = None,
                _ => {}
            }
            return;
        }
        let last = (self.open.len() + self.done.len()).saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::NewNotice => self.form = Some((NoticePurpose::New, Self::new_form(cx))),
            Action::Open => {
                let opened = self.all().nth(self.selected).map(|n| {
                    let first_waiting = n.recipients.iter().position(|r| !r.is_done()).unwrap_or(0);
                    (n.id, first_waiting)
                });
                match opened {
                    Some(d) => self.detail = Some(d),
                    None => cx.say("还没有电话通知：按 n 新建"),
                }
            }
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    one_form_screen!(form, save_op, "粘贴只能在填写表单时使用：先按 n 新建通知");

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load(cx);
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        if shown {
            self.load(cx);
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        if self.load_op == Some(op) {
            self.load_op = None;
            match reply {
                Reply::Notices(open, done) => {
                    self.open = open;
                    self.done = done;
                    self.loaded = true;
                    self.selected = self.selected.min((self.open.len() + self.done.len()).saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取电话通知失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.call_op == Some(op) {
            self.call_op = None;
            match reply {
                Reply::CycleSaved { .. } => {
                    cx.say("已保存：未接通，稍后再打（到时提醒）");
                    self.select_next_waiting();
                    self.load(cx);
                    cx.command(Command::RecordsChanged);
                }
                Reply::Failed(why) => cx.say(format!("保存失败：{why}。请再按 x 记录")),
                _ => {}
            }
            return;
        }
        if self.save_op != Some(op) {
            return;
        }
        self.save_op = None;
        match reply {
            Reply::CycleSaved { id, done } => self.saved(id, done, cx),
            Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
            _ => {}
        }
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            // Shown next: `on_show` reads the notices.
            Target::Notices => Ok(()),
            t => Err(t),
        }
    }
}
