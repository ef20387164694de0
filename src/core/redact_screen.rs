//! 删除误录内容 (issue 18, item 3), a sub-screen of 值班记录 opened from a record's detail (`x`):
//! the record's fields that hold text, the one chosen shown whole above the form, the reason, and
//! an approver who signs with their PIN. Once committed it says what was rewritten, whether the
//! write-ahead log was emptied and which backups still hold the text; Esc goes back to the record.

use super::approver_form::{ApproverForm, Outcome, confirmed_approvers};
use super::keymap::{Action, Mode};
use super::redaction::{Record, RedactRequest, RedactSubject, Redacted};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactScreen {
    /// The record and its fields, from the detail that opened this screen.
    pub subject: Option<RedactSubject>,
    pub form: Option<ApproverForm>,
    /// What the committed redaction did, and the field's label.
    pub done: Option<(String, Redacted)>,
    /// Why there is no form (no approver).
    pub blocked: Option<String>,
}

impl RedactScreen {
    /// The field chosen on the form: (column, label, its text now).
    #[must_use]
    pub fn chosen(&self) -> Option<&(String, String, String)> {
        let subject = self.subject.as_ref()?;
        let index = self.form.as_ref().map_or(0, ApproverForm::what);
        subject.fields.get(index)
    }

    fn start(&mut self, subject: RedactSubject, cx: &mut Cx<'_>) {
        self.done = None;
        self.blocked = None;
        self.form = None;
        // Any confirmed approver may approve: the store refuses anyone else.
        let approvers = confirmed_approvers(cx);
        if approvers.is_empty() {
            self.blocked = Some("没有已确认的领导：删除误录内容须由领导输入本人 PIN 批准".into());
        } else {
            let labels = subject.fields.iter().map(|(_, l, _)| l.clone()).collect();
            let title = format!("删除误录内容：{}", subject.heading);
            self.form = Some(ApproverForm::redaction(&title, labels, approvers));
        }
        self.subject = Some(subject);
    }

    fn back(&mut self, cx: &mut Cx<'_>) {
        let record = self.subject.as_ref().map(|s| s.record);
        self.form = None;
        self.done = None;
        self.blocked = None;
        self.subject = None;
        // Back to the record, read again as it now stands.
        match record {
            Some(Record::Entry(id)) => cx.command(Command::Open(Target::Entry(id))),
            Some(Record::Document(id)) => cx.command(Command::Open(Target::Document(id))),
            None => cx.command(Command::Back),
        }
    }
}

impl Screen for RedactScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() { Mode::Form } else { Mode::Redact }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(form) = &mut self.form {
            if !form.on_action(action, cx) {
                self.back(cx);
            }
            return;
        }
        if action == Action::Back {
            self.back(cx);
        }
    }

    approver_form_screen!();

    fn discard_form(&mut self) {
        self.form = None;
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let (Some(form), Some(subject)) = (&mut self.form, &self.subject) else {
            return;
        };
        match form.on_reply(op, reply, cx) {
            Outcome::Nothing | Outcome::Done(_) => {}
            Outcome::Approved { by, .. } => {
                let Some((column, label, _)) = subject.fields.get(form.what()).cloned() else {
                    return;
                };
                let approver_role = cx
                    .settings
                    .person(&by)
                    .map(|p| p.role.label().to_string())
                    .unwrap_or_default();
                let request = RedactRequest {
                    record: subject.record,
                    field: column,
                    reason: form.reason(),
                    approved_by: by,
                    approver_role,
                    by: cx.operator.to_string(),
                    now: cx.now,
                };
                form.write(
                    Request::Redact(Box::new(request), cx.settings.backup.clone()),
                    format!("已删除{}的{label}", subject.heading),
                    cx,
                );
            }
            Outcome::Redacted(done) => {
                let label = self.chosen().map(|(_, l, _)| l.clone()).unwrap_or_default();
                self.form = None;
                cx.say(format!(
                    "已删除{}的{label}（批准记入审计）",
                    self.subject.as_ref().map_or("", |s| s.heading.as_str())
                ));
                self.done = Some((label, *done));
            }
        }
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Redact(subject) => {
                self.start(*subject, cx);
                Ok(())
            }
            t => Err(t),
        }
    }
}
