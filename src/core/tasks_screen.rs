//! 督办 (issue 17): every 交办 not yet finished, by 时限 — overdue first in red, those due soon
//! marked — with what it is about and its last 反馈. Enter opens the record it came from; `f`
//! records a 反馈 (text, who gave it, when, whether it finishes the task). Reached from the log
//! list (`d`), the go-to list, and the status line's 督办 note.

use chrono::NaiveDateTime;

use super::form::{Field, Form, Input};
use super::instruction::{Feedback, ItemRef, TEXT_MAX_CHARS, Task};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, save_failed};
use super::validate;

/// The fields of the 反馈 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedbackKey {
    Text,
    GivenBy,
    At,
    Closes,
}

/// The 办结 choice of the 反馈 form.
pub const CLOSES: [&str; 2] = ["否：仍在办理", "是：已办结"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TasksScreen {
    /// Open tasks by 时限 (the store's order).
    pub rows: Vec<Task>,
    pub selected: usize,
    pub loaded: bool,
    /// The 反馈 form, for the task with this id.
    pub form: Option<(i64, Form<FeedbackKey>)>,
    load_op: Option<OpId>,
    save_op: Option<OpId>,
}

impl TasksScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadOpenTasks));
    }

    #[must_use]
    pub fn selected_task(&self) -> Option<&Task> {
        self.rows.get(self.selected)
    }

    fn open_feedback(&mut self, cx: &mut Cx<'_>) {
        let Some(t) = self.selected_task() else {
            cx.say("没有未办结的交办事项");
            return;
        };
        let form = Form::new(
            &format!("第 {} 号交办（{}）：记录反馈", t.id, t.assignee),
            vec![
                Field::text(FeedbackKey::Text, "反馈内容", true, TEXT_MAX_CHARS).required(),
                Field::text(FeedbackKey::GivenBy, "反馈人", false, 50).with_placeholder("承办单位的联系人，可不填"),
                Field::text(FeedbackKey::At, "反馈时间", false, 19).with_placeholder("默认为现在；可填 09:30"),
                Field::choice(
                    FeedbackKey::Closes,
                    "是否办结",
                    CLOSES.iter().map(|s| (*s).to_string()).collect(),
                    0,
                ),
            ],
        );
        self.form = Some((t.id, form));
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((task_id, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        match build_feedback(form, cx.operator, cx.now) {
            Ok(f) => {
                form.saving = true;
                self.save_op = Some(cx.request(Request::AddFeedback(*task_id, Box::new(f))));
                cx.say("正在保存…");
            }
            Err(errors) => {
                form.set_errors(&errors);
                cx.say(form.notice.clone().unwrap_or_default());
            }
        }
    }
}

/// The 反馈 the form holds, or each field's problem.
fn build_feedback(
    form: &Form<FeedbackKey>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<Feedback, Vec<(FeedbackKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let at = match form.value(FeedbackKey::At).trim() {
        "" => now,
        s => validate::time(s, now).map_err(|e| vec![(FeedbackKey::At, e)])?,
    };
    Ok(Feedback {
        text: form.value(FeedbackKey::Text).trim().to_string(),
        given_by: form.value(FeedbackKey::GivenBy).trim().to_string(),
        at,
        closes: matches!(
            form.field(FeedbackKey::Closes).map(|f| &f.input),
            Some(Input::Choice { selected: 1, .. })
        ),
        recorded_by: operator.to_string(),
        recorded_at: now,
    })
}

impl Screen for TasksScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() { Mode::Form } else { Mode::Tasks }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    if let Some(super::form::FormEvent::Notice(m)) = form.apply(a) {
                        form.notice = Some(m.clone());
                        cx.say(m);
                    }
                }
            }
            return;
        }
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::PageDown => self.selected = (self.selected + 10).min(last),
            Action::Feedback => self.open_feedback(cx),
            Action::Open => match self.selected_task().map(|t| t.item) {
                Some(ItemRef::Entry(id)) => cx.command(Command::Open(Target::Entry(id))),
                Some(ItemRef::Event(id)) => cx.command(Command::Open(Target::Event(id))),
                None => cx.say("没有未办结的交办事项"),
            },
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    one_form_screen!(form, save_op, "粘贴只能在填写表单时使用：先选中交办事项按 f");

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
                Reply::OpenTasks(tasks) => {
                    // Keep the same task selected when it is still open.
                    let was = self.selected_task().map(|t| t.id);
                    self.rows = tasks;
                    self.loaded = true;
                    self.selected = was
                        .and_then(|id| self.rows.iter().position(|t| t.id == id))
                        .unwrap_or(self.selected)
                        .min(self.rows.len().saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取督办事项失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.save_op != Some(op) {
            return;
        }
        self.save_op = None;
        match reply {
            Reply::CycleSaved { id, done } => {
                self.form = None;
                cx.say(if done {
                    format!("已保存：第 {id} 号交办的反馈，已办结")
                } else {
                    format!("已保存：第 {id} 号交办的反馈")
                });
                self.load(cx);
                cx.command(Command::RecordsChanged);
            }
            Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
            _ => {}
        }
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            // Shown next: `on_show` reads the tasks.
            Target::Tasks => Ok(()),
            t => Err(t),
        }
    }
}
