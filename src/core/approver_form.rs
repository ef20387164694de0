//! The form an approver (or, for an urgent enrolment, the outgoing officer) signs with their PIN:
//! who (a choice), their PIN, and for an enrolment the new person's PIN twice. Ctrl-S checks what
//! is typed here, then asks the store to check the PIN (recorded, place 签字); once it matches,
//! the owning screen sends its one write. Used by 人员与 PIN, 完整性发现 and 删除误录内容 (which
//! asks first which field and why: `ApproverForm::redaction`).

use super::form::{Field, Form, FormEvent};
use super::keymap::Action;
use super::pin_policy::{PinCheck, PinPlace, check_new_pin, wait_text, wrong_text};
use super::screen::{Cx, OpId, Reply, Request, paste_into, save_failed, type_into};

/// Fields of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApproverField {
    /// What is approved, when there is a choice (a redaction: which field).
    What,
    /// Why (a redaction's reason).
    Reason,
    /// Who confirms or enrols (a choice).
    By,
    /// Their PIN.
    Pin,
    /// The person's new PIN, twice (enrolment only).
    NewPin,
    NewPinAgain,
}

/// The request out, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Waiting {
    /// The PIN of the one who signs.
    Check { by: String },
    /// The write itself, and what its success says.
    Write { said: String },
}

/// What a reply meant for the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not this form's reply, or nothing for the owner to do.
    Nothing,
    /// The PIN matched: the owner sends its write with [`ApproverForm::write`].
    Approved { by: String, urgent: bool },
    /// The write committed: the form is done; what to say.
    Done(String),
    /// A redaction committed: what it did.
    Redacted(Box<super::redaction::Redacted>),
}

/// Who may sign as an approver, for the 由谁 choice: every confirmed approver with a PIN, the
/// officer at the keyboard first when they are one (the store refuses anyone else anyway).
#[must_use]
pub fn confirmed_approvers(cx: &Cx<'_>) -> Vec<(String, bool)> {
    let mut approvers: Vec<(String, bool)> = cx
        .shared
        .pins
        .iter()
        .filter(|p| p.pin_set_at.is_some() && p.approver_confirmed.is_some())
        .map(|p| (p.name.clone(), false))
        .collect();
    if let Some(i) = approvers.iter().position(|(n, _)| n == cx.operator) {
        approvers.swap(0, i);
    }
    approvers
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproverForm {
    pub form: Form<ApproverField>,
    /// The entries of the 由谁 choice: (name, enrols urgently).
    by: Vec<(String, bool)>,
    enrol: bool,
    waiting: Option<(OpId, Waiting)>,
}

impl ApproverForm {
    /// `by`: who may sign, first the one offered; `enrol`: the new person's PIN is asked too.
    #[must_use]
    pub fn new(title: &str, by: Vec<(String, bool)>, enrol: bool) -> Self {
        let labels = by
            .iter()
            .map(|(n, urgent)| {
                if *urgent {
                    format!("{n}（紧急登记，须领导确认）")
                } else {
                    n.clone()
                }
            })
            .collect();
        let (who, pin, hint) = if enrol {
            ("登记人", "登记人 PIN", "登记人输入本人 PIN")
        } else {
            ("确认人", "确认人 PIN", "确认人输入本人 PIN")
        };
        let mut fields = vec![
            Field::choice(ApproverField::By, who, labels, 0),
            Field::text(ApproverField::Pin, pin, false, 8)
                .secret()
                .required()
                .with_placeholder(hint),
        ];
        if enrol {
            fields.push(
                Field::text(ApproverField::NewPin, "新 PIN", false, 6)
                    .secret()
                    .required()
                    .with_placeholder("被登记人本人输入 6 位数字"),
            );
            fields.push(
                Field::text(ApproverField::NewPinAgain, "再输一次", false, 6)
                    .secret()
                    .required(),
            );
        }
        let mut form = Form::new(title, fields);
        form.notice = Some(if enrol {
            "新 PIN 由被登记人本人输入：屏幕只显示星号，程序只存摘要".to_string()
        } else {
            "确认人输入本人 PIN；确认记入审计，不能撤销".to_string()
        });
        Self {
            form,
            by,
            enrol,
            waiting: None,
        }
    }

    /// A redaction's form: which field (`what`: their labels), why, then the approver and
    /// their PIN.
    #[must_use]
    pub fn redaction(title: &str, what: Vec<String>, by: Vec<(String, bool)>) -> Self {
        let mut me = Self::new(title, by, false);
        let reason = Field::text(ApproverField::Reason, "删除原因", false, super::redaction::REASON_MAX)
            .required()
            .with_placeholder("如：误录涉密内容（不要写出原内容）");
        let mut fields = vec![Field::choice(ApproverField::What, "删除哪一项", what, 0), reason];
        // The leader approves here: 批准人, not 确认人.
        for f in &mut me.form.fields {
            match f.key {
                ApproverField::By => f.label = "批准人".into(),
                ApproverField::Pin => {
                    f.label = "批准人 PIN".into();
                    f.placeholder = "批准的领导输入本人 PIN".into();
                }
                _ => {}
            }
        }
        fields.append(&mut me.form.fields);
        me.form = Form::new(title, fields);
        me.form.notice =
            Some("批准人输入本人 PIN。删除后原内容不可恢复，只留“已删除（原因、批准人、时间）”；记入审计".to_string());
        me
    }

    /// The index of the choice in 删除哪一项 (a redaction's form).
    #[must_use]
    pub fn what(&self) -> usize {
        match self.form.field(ApproverField::What).map(|f| &f.input) {
            Some(super::form::Input::Choice { selected, .. }) => *selected,
            _ => 0,
        }
    }

    /// The reason as typed (a redaction's form).
    #[must_use]
    pub fn reason(&self) -> String {
        self.form.value(ApproverField::Reason)
    }

    /// A key while the form is open: Ctrl-S signs, the rest edit. False: Esc, the owner closes it.
    pub fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> bool {
        match action {
            Action::Cancel => return false,
            Action::Save => self.save(cx),
            a => {
                if let Some(FormEvent::Notice(m)) = self.form.apply(a) {
                    cx.say(m);
                }
            }
        }
        true
    }

    pub fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        type_into(&mut self.form, c, cx);
    }

    pub fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        paste_into(&mut self.form, text, cx);
    }

    /// The PIN check or the write is out.
    #[must_use]
    pub fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Something was typed.
    #[must_use]
    pub fn dirty(&self) -> bool {
        self.form.dirty
    }

    /// The new person's PIN as typed (enrolment).
    #[must_use]
    pub fn new_pin(&self) -> String {
        self.form.value(ApproverField::NewPin)
    }

    /// Ctrl-S: what is typed is checked here, then the signer's PIN by the store.
    pub fn save(&mut self, cx: &mut Cx<'_>) {
        let form = &mut self.form;
        if form.saving {
            return;
        }
        form.clear_errors();
        let mut errors = form.missing_required();
        let pin = form.value(ApproverField::Pin);
        if errors.is_empty()
            && let Err(e) = super::handover::validate_pin(&pin)
        {
            errors.push((ApproverField::Pin, e));
        }
        if errors.is_empty()
            && self.form.field(ApproverField::Reason).is_some()
            && let Err(e) = super::redaction::check_reason(&self.form.value(ApproverField::Reason))
        {
            errors.push((ApproverField::Reason, e));
        }
        let form = &mut self.form;
        if errors.is_empty() && self.enrol {
            let new = form.value(ApproverField::NewPin);
            if let Err(e) = check_new_pin(&new) {
                errors.push((ApproverField::NewPin, e));
            } else if form.value(ApproverField::NewPinAgain) != new {
                errors.push((ApproverField::NewPinAgain, "两次输入的新 PIN 不一致".into()));
            }
        }
        if let Some((_, first)) = errors.first() {
            let first = first.clone();
            form.set_errors(&errors);
            cx.say(first);
            return;
        }
        let index = match form.field(ApproverField::By).map(|f| &f.input) {
            Some(super::form::Input::Choice { selected, .. }) => *selected,
            _ => 0,
        };
        let Some((by, _)) = self.by.get(index).cloned() else {
            return;
        };
        form.saving = true;
        let op = cx.request(Request::CheckPin {
            name: by.clone(),
            pin,
            place: PinPlace::Signing,
        });
        self.waiting = Some((op, Waiting::Check { by }));
        cx.say("正在核对 PIN…");
    }

    /// Sends the owner's write once the PIN matched; `said` is what its success says.
    pub fn write(&mut self, request: Request, said: String, cx: &mut Cx<'_>) {
        let op = cx.request(request);
        self.waiting = Some((op, Waiting::Write { said }));
    }

    /// A reply: to the PIN check (a refusal goes on the form) or to the write.
    pub fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) -> Outcome {
        let Some((_, waiting)) = self.waiting.take_if(|(id, _)| *id == op) else {
            return Outcome::Nothing;
        };
        match (waiting, reply) {
            (Waiting::Check { by }, Reply::Pin(PinCheck::Matches { .. })) => {
                let urgent = self.by.iter().any(|(n, u)| *n == by && *u);
                Outcome::Approved { by, urgent }
            }
            (Waiting::Check { by }, Reply::Pin(PinCheck::Wrong { in_a_row, wait_until })) => {
                self.refused(ApproverField::Pin, wrong_text(&by, in_a_row, wait_until, cx.now), cx);
                Outcome::Nothing
            }
            (Waiting::Check { by }, Reply::Pin(PinCheck::Wait { until })) => {
                self.refused(ApproverField::Pin, wait_text(&by, until, cx.now), cx);
                Outcome::Nothing
            }
            (Waiting::Check { by }, Reply::Pin(PinCheck::NotSet)) => {
                self.refused(ApproverField::By, format!("{by} 还没有 PIN"), cx);
                Outcome::Nothing
            }
            (Waiting::Write { said }, Reply::PinSet | Reply::Confirmed) => Outcome::Done(said),
            (Waiting::Write { .. }, Reply::Redacted(done)) => Outcome::Redacted(done),
            (_, Reply::Failed(why)) => {
                save_failed(Some(&mut self.form), &why, cx);
                Outcome::Nothing
            }
            _ => Outcome::Nothing,
        }
    }

    fn refused(&mut self, field: ApproverField, why: String, cx: &mut Cx<'_>) {
        self.form.saving = false;
        if let Some(f) = self.form.field_mut(ApproverField::Pin) {
            f.set_value("");
        }
        self.form.set_errors(&[(field, why.clone())]);
        cx.say(why);
    }
}
