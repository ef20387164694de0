//! 人员与 PIN (issue 13): every configured person with their PIN facts — set or not, who enrolled
//! it, an urgent enrolment (紧急登记) still to be confirmed, an approver role claimed in the config
//! but not confirmed, wrong PINs since the last success (a per-officer figure: shown to leaders).
//! Here an approver confirms an urgent enrolment or a role (`c`), and a person without a PIN is
//! enrolled at the signed-in officer's terminal (`e`): by an approver, or urgently by the
//! outgoing officer — flagged on every screen until an approver confirms it.
//!
//! Every step typed here is checked by the store: the enroller's or approver's PIN (recorded like
//! any PIN check, place 签字), then one write that the store refuses unless the approver is a
//! confirmed one other than the person.

use super::approver_form::{ApproverForm, Outcome};
use super::keymap::{Action, Mode};
use super::pin_policy::PinStatus;
use super::screen::{Command, Cx, OpId, Reply, Request, Screen};

/// What the open form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm `person`'s urgent enrolment.
    ConfirmEnrolment { person: String },
    /// Confirm the approver `role` the config gives `person`.
    ConfirmApprover { person: String, role: String },
    /// Enrol `person` (who has no PIN yet).
    Enrol { person: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleScreen {
    /// The row under the cursor (an index into the configured people).
    pub selected: usize,
    pub form: Option<ApproverForm>,
    pub purpose: Option<Purpose>,
}

/// The approvers with a PIN whose role the store has confirmed, from the shared facts.
fn confirmed_approvers<'a>(cx: &'a Cx<'_>) -> impl Iterator<Item = &'a PinStatus> {
    cx.shared
        .pins
        .iter()
        .filter(|p| p.pin_set_at.is_some() && p.approver_confirmed.is_some())
}

/// How a person's row reads, after the name and role: PIN, enrolment, role confirmation.
#[must_use]
pub fn status_text(p: &PinStatus, claims_approver: bool) -> String {
    let mut parts = Vec::new();
    match (&p.pin_set_at, &p.enrolment) {
        (None, _) => parts.push("未登记 PIN".to_string()),
        (Some(at), None) => parts.push(format!("PIN {}", at.format("%Y-%m-%d"))),
        (Some(_), Some(e)) => {
            let by = if e.by == super::sign_in::OPEN_ENROLMENT {
                "登记开放期间本人设定".to_string()
            } else {
                format!("{} 登记", e.by)
            };
            parts.push(format!("{} {by}", e.at.format("%Y-%m-%d")));
            match &e.confirmed {
                _ if !e.urgent => {}
                Some((who, at)) => parts.push(format!("紧急登记，{who} {} 已确认", at.format("%m-%d"))),
                None => parts.push("紧急登记，待领导确认".to_string()),
            }
        }
    }
    if claims_approver {
        match &p.approver_confirmed {
            Some((who, _)) if who == super::sign_in::OPEN_ENROLMENT => parts.push("领导角色已确认（首位）".into()),
            Some((who, _)) => parts.push(format!("领导角色由 {who} 确认")),
            None => parts.push("领导角色待确认".into()),
        }
    }
    parts.join("；")
}

impl PeopleScreen {
    fn person<'a>(&self, cx: &'a Cx<'_>) -> Option<&'a super::people::Person> {
        cx.settings.people.get(self.selected)
    }

    fn status<'a>(cx: &'a Cx<'_>, name: &str) -> Option<&'a PinStatus> {
        cx.shared.pins.iter().find(|p| p.name == name)
    }

    /// `c`: confirm what waits for the person under the cursor (their urgent enrolment first).
    fn open_confirm(&mut self, cx: &mut Cx<'_>) {
        let Some(person) = self.person(cx).cloned() else { return };
        let status = Self::status(cx, &person.name);
        let purpose = if status.is_some_and(PinStatus::flagged) {
            Purpose::ConfirmEnrolment {
                person: person.name.clone(),
            }
        } else if person.role.is_leader()
            && status.is_some_and(|s| s.pin_set_at.is_some() && s.approver_confirmed.is_none())
        {
            Purpose::ConfirmApprover {
                person: person.name.clone(),
                role: person.role.label().to_string(),
            }
        } else {
            cx.say(format!("{} 没有待确认的事项", person.name));
            return;
        };
        let approvers: Vec<(String, bool)> = confirmed_approvers(cx)
            .filter(|p| p.name != person.name)
            .map(|p| (p.name.clone(), false))
            .collect();
        if approvers.is_empty() {
            cx.say("没有其他已确认的领导可以确认：须由另一位已登记的领导确认");
            return;
        }
        let what = match &purpose {
            Purpose::ConfirmEnrolment { person } => format!("确认 {person} 的紧急登记"),
            Purpose::ConfirmApprover { person, role } => format!("确认 {person} 的{role}角色"),
            Purpose::Enrol { .. } => String::new(),
        };
        self.form = Some(ApproverForm::new(&what, approvers, false));
        self.purpose = Some(purpose);
    }

    /// `e`: enrol the person under the cursor, who has no PIN: by an approver, or urgently by the
    /// signed-in officer when they are not one.
    fn open_enrol(&mut self, cx: &mut Cx<'_>) {
        let Some(person) = self.person(cx).cloned() else { return };
        if Self::status(cx, &person.name).is_some_and(|s| s.pin_set_at.is_some()) {
            cx.say(format!(
                "{} 已有 PIN：忘记了须由领导 zhiban pin reset 后再登记",
                person.name
            ));
            return;
        }
        let mut by: Vec<(String, bool)> = confirmed_approvers(cx)
            .filter(|p| p.name != person.name)
            .map(|p| (p.name.clone(), false))
            .collect();
        if by.is_empty() && !cx.shared.pins.iter().any(|p| p.approver_confirmed.is_some()) {
            cx.say(format!(
                "还没有任何领导登记 PIN，登记开放：请 {} 在登录时自己设定 PIN",
                person.name
            ));
            return;
        }
        let operator = cx.operator.to_string();
        if !operator.is_empty() && operator != person.name && !by.iter().any(|(n, _)| *n == operator) {
            by.push((operator.clone(), true));
        }
        if by.is_empty() {
            cx.say("没有可以登记的人：须由另一位已确认的领导登记");
            return;
        }
        // The officer at the keyboard is offered first (an approver, or the urgent enroller).
        if let Some(i) = by.iter().position(|(n, _)| *n == operator) {
            by.swap(0, i);
        }
        self.form = Some(ApproverForm::new(&format!("登记 {} 的 PIN", person.name), by, true));
        self.purpose = Some(Purpose::Enrol { person: person.name });
    }

    /// The signer's PIN matched: the write itself.
    fn write(&mut self, by: String, urgent: bool, cx: &mut Cx<'_>) {
        let (Some(form), Some(purpose)) = (&mut self.form, &self.purpose) else {
            return;
        };
        let by_role = cx
            .settings
            .person(&by)
            .map(|p| p.role.label().to_string())
            .unwrap_or_default();
        let (request, said) = match purpose.clone() {
            Purpose::ConfirmEnrolment { person } => (
                Request::ConfirmEnrolment {
                    person: person.clone(),
                    by: by.clone(),
                    by_role,
                },
                format!("已确认：{person} 的紧急登记（{by} 确认）"),
            ),
            Purpose::ConfirmApprover { person, role } => (
                Request::ConfirmApprover {
                    person: person.clone(),
                    role: role.clone(),
                    by: by.clone(),
                    by_role,
                },
                format!("已确认：{person} 为{role}（{by} 确认），可以登记他人"),
            ),
            Purpose::Enrol { person } => {
                let approver_role = cx.settings.role_confirmed_by_enrolment(&person, urgent);
                let said = if urgent {
                    format!("已登记 {person} 的 PIN（{by} 紧急登记）：须领导在本页按 c 确认，之前一直标示")
                } else {
                    format!("已登记 {person} 的 PIN（{by} 登记）")
                };
                (
                    Request::EnrolPin {
                        name: person,
                        pin: form.new_pin(),
                        by,
                        approver_role,
                        urgent,
                    },
                    said,
                )
            }
        };
        form.write(request, said, cx);
    }
}

impl Screen for PeopleScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() { Mode::Form } else { Mode::People }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(form) = &mut self.form {
            if !form.on_action(action, cx) {
                self.discard_form();
            }
            return;
        }
        let last = cx.settings.people.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::ConfirmPerson => self.open_confirm(cx),
            Action::EnrolPerson => self.open_enrol(cx),
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    approver_form_screen!();

    fn discard_form(&mut self) {
        self.form = None;
        self.purpose = None;
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        cx.command(Command::ReloadPins);
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let Some(form) = &mut self.form else { return };
        match form.on_reply(op, reply, cx) {
            Outcome::Nothing | Outcome::Redacted(_) => {}
            Outcome::Approved { by, urgent } => self.write(by, urgent, cx),
            Outcome::Done(said) => {
                self.discard_form();
                cx.say(said);
                cx.command(Command::ReloadPins);
            }
        }
    }
}
