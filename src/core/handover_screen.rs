//! The 交接班 screen's state and transitions: the history of signed handovers, the draft the
//! outgoing officer builds and the incoming officer checks item by item, the signing form, and a
//! signed handover shown read-only.

use chrono::NaiveDateTime;

use super::form::{Field, FieldKey, Form};
use super::handover::{Check, Draft, Handover, HandoverId, HandoverSummary, OpenState, build_draft, sign_blockers};
use super::keymap::Action;
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

/// A request to sign, for the runtime: it checks (or, at a first signature, sets) both PINs and
/// re-reads what is open, refusing if something new appeared since the draft was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignRequest {
    pub draft: Draft,
    pub outgoing_pin: String,
    pub incoming_pin: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverScreen {
    pub history: Vec<HandoverSummary>,
    pub selected: usize,
    pub draft: Option<Draft>,
    pub item_selected: usize,
    pub form: Option<(Form, HandoverForm)>,
    /// A signed handover being read.
    pub detail: Option<Handover>,
    pub detail_scroll: usize,
    /// Waiting for the store to gather what is open.
    pub building: bool,
}

/// What a transition asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    None,
    Say(String),
    /// Gather what is open (to build or refresh the draft).
    LoadOpenState,
    LoadDetail(HandoverId),
    Sign(Box<SignRequest>),
    Export(HandoverId),
}

fn field(key: HandoverField, label: &str, multiline: bool, max: usize) -> Field {
    Field::text(FieldKey::Handover(key), label, multiline, max)
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
    ) -> Request {
        self.building = false;
        let start = state.previous.as_ref().map_or(fallback_start, |p| p.signed_at);
        match self.draft.take() {
            None => {
                let draft = build_draft(state, operator, suggested_incoming, start, now);
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
                let mut fresh = build_draft(state, &old.outgoing, &old.incoming, start, now);
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
        Request::None
    }

    /// Keys on the draft.
    pub fn on_draft_action(&mut self, action: Action, settings: &Settings) -> Request {
        let Some(draft) = &mut self.draft else {
            return Request::None;
        };
        let n = draft.items.len();
        match action {
            Action::Up => self.item_selected = self.item_selected.saturating_sub(1),
            Action::Down => self.item_selected = (self.item_selected + 1).min(n.saturating_sub(1)),
            Action::ConfirmItem => {
                if let Some(item) = draft.items.get_mut(self.item_selected) {
                    item.check = Check::Confirmed;
                    // Walk on to the next unchecked item, so y y y goes through the list.
                    self.item_selected = next_pending(draft, self.item_selected);
                } else {
                    return Request::Say("没有需要确认的移交事项".into());
                }
            }
            Action::QuestionItem => {
                let Some(item) = draft.items.get(self.item_selected) else {
                    return Request::Say("没有需要确认的移交事项".into());
                };
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
                        Field::choice(FieldKey::Handover(HandoverField::Incoming), "接班人", names, selected)
                            .required(),
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
                        .with_placeholder("4-8 位数字；首次签名即设定"),
                        field(
                            HandoverField::IncomingPin,
                            &format!("接班 {}", draft.incoming),
                            false,
                            8,
                        )
                        .secret()
                        .required()
                        .with_placeholder("4-8 位数字；首次签名即设定"),
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
        if *purpose == HandoverForm::Edit && form.value(FieldKey::Handover(HandoverField::Incoming)) == "（请选择）"
        {
            errors.push((
                FieldKey::Handover(HandoverField::Incoming),
                "请选择接班人（用 Left/Right 切换）".into(),
            ));
        }
        if *purpose == HandoverForm::Sign {
            for key in [HandoverField::OutgoingPin, HandoverField::IncomingPin] {
                let v = form.value(FieldKey::Handover(key));
                if !v.is_empty()
                    && let Err(e) = super::handover::validate_pin(&v)
                {
                    errors.push((FieldKey::Handover(key), e));
                }
            }
        }
        if !errors.is_empty() {
            form.set_errors(&errors);
            return Request::Say(errors[0].1.clone());
        }
        match *purpose {
            HandoverForm::Edit => {
                draft.incoming = form.value(FieldKey::Handover(HandoverField::Incoming));
                draft.summary = form.value(FieldKey::Handover(HandoverField::Summary));
                draft.handed_items = form.value(FieldKey::Handover(HandoverField::HandedItems));
                self.form = None;
                Request::Say("交班单已更新（尚未签字，签字后才保存）".into())
            }
            HandoverForm::Question(i) => {
                let q = form.value(FieldKey::Handover(HandoverField::Question));
                if let Some(item) = draft.items.get_mut(i) {
                    item.check = Check::Question(q.trim().to_string());
                }
                self.item_selected = next_pending(draft, i);
                self.form = None;
                Request::Say("已记下疑问：请交班人当面说明；此项视为已移交".into())
            }
            HandoverForm::Sign => {
                form.saving = true;
                Request::Sign(Box::new(SignRequest {
                    draft: draft.clone(),
                    outgoing_pin: form.value(FieldKey::Handover(HandoverField::OutgoingPin)),
                    incoming_pin: form.value(FieldKey::Handover(HandoverField::IncomingPin)),
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
                    if let Some(f) = form.field_mut(FieldKey::Handover(key)) {
                        f.set_value("");
                    }
                    form.set_errors(&[(FieldKey::Handover(key), message.to_string())]);
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
fn next_pending(d: &Draft, from: usize) -> usize {
    let n = d.items.len();
    (1..=n)
        .map(|k| (from + k) % n.max(1))
        .find(|&i| d.items.get(i).is_some_and(|x| x.check == Check::Pending))
        .unwrap_or(from)
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
        s.on_open_state(&state(&[1, 2], &[]), "张三", "李四", at(8, 30), at(16, 0));
        s.on_draft_action(Action::ConfirmItem, &settings());
        assert_eq!(s.item_selected, 1, "y walks on to the next unchecked item");
        // A visitor came in while the incoming officer was checking; entry 2 was closed.
        let said = s.on_open_state(&state(&[1], &[7]), "张三", "李四", at(8, 30), at(16, 5));
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
        s.on_open_state(&state(&[1], &[]), "张三", "李四", at(8, 30), at(16, 0));
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
}
