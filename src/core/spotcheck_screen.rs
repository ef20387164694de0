//! 查岗 (issue 18), a sub-screen of 值班记录 (`z`, or the go-to list): rounds of calls down a
//! group of subordinate duty rooms, newest first, each with its summary. `n` starts a round: a
//! group (the directory's, or a configured notice group) or rooms typed; the round opens on its
//! first room. One key per outcome on the selected room: `y` 在岗 (接听人, Ctrl-S), `x` 未接
//! (saved at once), `o` 非值班人员接听 (who answered, Ctrl-S). The cursor then walks on to the
//! next room not yet called.

use super::form::{Field, Form};
use super::instruction::{group_choice, names_of_choice};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, apply_to, save_failed};
use super::spotcheck::{ANSWERER_MAX_CHARS, CheckCall, CheckOutcome, NewSpotCheck, SpotCheck};

/// The fields of the screen's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKey {
    Group,
    Units,
    Answerer,
    Note,
}

/// The 分组 choice's first option: the rooms are typed.
pub const TYPED: &str = "（不用分组，手写对象）";

/// What the open form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckPurpose {
    New,
    Call {
        round: i64,
        unit: i64,
        outcome: CheckOutcome,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpotCheckScreen {
    /// The newest rounds, newest first.
    pub rounds: Vec<SpotCheck>,
    pub selected: usize,
    pub loaded: bool,
    /// The round opened (its id) and the selected room.
    pub detail: Option<(i64, usize)>,
    pub form: Option<(CheckPurpose, Form<CheckKey>)>,
    load_op: Option<OpId>,
    save_op: Option<OpId>,
    /// A 未接 recorded at once (no form).
    call_op: Option<OpId>,
}

impl SpotCheckScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadSpotChecks));
    }

    #[must_use]
    pub fn shown_round(&self) -> Option<&SpotCheck> {
        let (id, _) = self.detail?;
        self.rounds.iter().find(|r| r.id == id)
    }

    fn new_form(cx: &Cx<'_>) -> Form<CheckKey> {
        let (options, first) = group_choice(TYPED, &cx.settings.instruction.groups);
        let mut form = Form::new(
            "新建查岗",
            vec![
                Field::choice(CheckKey::Group, "查岗分组", options, first)
                    .with_heading("选分组，或选“手写对象”写出值班室"),
                Field::text(CheckKey::Units, "查岗对象", false, 2000)
                    .with_placeholder("值班室名称，多个用顿号隔开；号码从通讯录取"),
            ],
        );
        form.show_only_when(CheckKey::Units, CheckKey::Group, 0);
        form
    }

    fn call_form(unit: &str, outcome: CheckOutcome) -> Form<CheckKey> {
        let answerer = Field::text(CheckKey::Answerer, "接听人", false, ANSWERER_MAX_CHARS);
        let answerer = if outcome == CheckOutcome::NotOnDuty {
            answerer
                .required()
                .with_placeholder("接电话的人是谁（姓名或身份，如 门卫）")
        } else {
            answerer.with_placeholder("值班人员姓名/职务，可不填；Ctrl-S 保存")
        };
        Form::new(
            &format!("{}：{unit}", outcome.label()),
            vec![
                answerer,
                Field::text(CheckKey::Note, "备注", false, ANSWERER_MAX_CHARS * 5),
            ],
        )
    }

    /// The rooms the new form names, each with the directory's number.
    fn build_round(form: &Form<CheckKey>, cx: &Cx<'_>) -> Result<NewSpotCheck, Vec<(CheckKey, String)>> {
        let selected = form.chosen(CheckKey::Group);
        let (group, names) = names_of_choice(selected, &form.value(CheckKey::Units), &cx.settings.instruction.groups)
            .map_err(|e| {
            vec![(
                if selected == 0 {
                    CheckKey::Units
                } else {
                    CheckKey::Group
                },
                e,
            )]
        })?;
        if names.is_empty() {
            return Err(vec![(CheckKey::Units, "请写出要查的值班室".to_string())]);
        }
        let units = names
            .into_iter()
            .map(|n| {
                let phone = cx.shared.directory.phone_of(&n).unwrap_or_default().to_string();
                (n, phone)
            })
            .collect();
        let round = NewSpotCheck {
            group,
            units,
            started_by: cx.operator.to_string(),
            started_at: cx.now,
        };
        super::spotcheck::check_round(&round).map_err(|e| vec![(CheckKey::Units, e)])?;
        Ok(round)
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((purpose, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let request = match purpose.clone() {
            CheckPurpose::New => Self::build_round(form, cx).map(|r| Request::AddSpotCheck(Box::new(r))),
            CheckPurpose::Call { round, unit, outcome } => {
                let missing = form.missing_required();
                if missing.is_empty() {
                    Ok(Request::AddSpotCheckCall {
                        round,
                        unit,
                        call: Box::new(CheckCall {
                            outcome,
                            answerer: form.value(CheckKey::Answerer).trim().to_string(),
                            at: cx.now,
                            note: form.value(CheckKey::Note).trim().to_string(),
                            recorded_by: cx.operator.to_string(),
                        }),
                    })
                } else {
                    Err(missing)
                }
            }
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

    /// `y` / `x` / `o` on the selected room.
    fn outcome(&mut self, outcome: CheckOutcome, cx: &mut Cx<'_>) {
        let Some((round, row)) = self.detail else { return };
        let Some(unit) = self.shown_round().and_then(|r| r.units.get(row)).cloned() else {
            cx.say("没有选中值班室");
            return;
        };
        if self.call_op.is_some() {
            cx.say("上一个结果正在保存，请稍候");
            return;
        }
        match outcome {
            CheckOutcome::NoAnswer => {
                self.call_op = Some(cx.request(Request::AddSpotCheckCall {
                    round,
                    unit: unit.id,
                    call: Box::new(CheckCall {
                        outcome,
                        answerer: String::new(),
                        at: cx.now,
                        note: String::new(),
                        recorded_by: cx.operator.to_string(),
                    }),
                }));
                cx.say(format!("正在记录：{} 未接…", unit.unit));
            }
            _ => {
                self.form = Some((
                    CheckPurpose::Call {
                        round,
                        unit: unit.id,
                        outcome,
                    },
                    Self::call_form(&unit.unit, outcome),
                ));
            }
        }
    }

    /// After a call: the next room not yet called.
    fn select_next(&mut self) {
        let Some((id, row)) = self.detail else { return };
        if let Some(next) = self.shown_round().and_then(|r| r.next_uncalled(row)) {
            self.detail = Some((id, next));
        } else if let Some(len) = self.shown_round().map(|r| r.units.len()) {
            self.detail = Some((id, (row + 1).min(len.saturating_sub(1))));
        }
    }

    fn called(&mut self, done: bool, cx: &mut Cx<'_>) {
        // The reload brings the call; the cursor moves once it is there (the round as held
        // does not have it yet, so the room just called still looks uncalled).
        if let Some((id, row)) = self.detail
            && let Some(r) = self.rounds.iter_mut().find(|r| r.id == id)
            && let Some(u) = r.units.get_mut(row)
        {
            u.calls.push(CheckCall {
                outcome: CheckOutcome::OnDuty,
                answerer: String::new(),
                at: cx.now,
                note: String::new(),
                recorded_by: cx.operator.to_string(),
            });
        }
        self.select_next();
        cx.say(if done {
            "已保存：本轮查岗已全部拨打，小结见列表和值班日报".to_string()
        } else {
            "已保存：查岗结果".to_string()
        });
        self.load(cx);
        cx.command(Command::RecordsChanged);
    }
}

impl Screen for SpotCheckScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::SpotCheckDetail
        } else {
            Mode::SpotChecks
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    if let Some(super::form::FormEvent::Changed(CheckKey::Group)) = apply_to(form, a, cx) {
                        form.show_only_when(CheckKey::Units, CheckKey::Group, 0);
                    }
                }
            }
            return;
        }
        if let Some((id, row)) = self.detail {
            let len = self.shown_round().map_or(0, |r| r.units.len());
            match action {
                Action::Up => self.detail = Some((id, row.saturating_sub(1))),
                Action::Down => self.detail = Some((id, (row + 1).min(len.saturating_sub(1)))),
                Action::OnDuty => self.outcome(CheckOutcome::OnDuty, cx),
                Action::NoAnswer => self.outcome(CheckOutcome::NoAnswer, cx),
                Action::NotOnDuty => self.outcome(CheckOutcome::NotOnDuty, cx),
                Action::Back => self.detail = None,
                _ => {}
            }
            return;
        }
        let last = self.rounds.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::NewSpotCheck => self.form = Some((CheckPurpose::New, Self::new_form(cx))),
            Action::Open => match self.rounds.get(self.selected) {
                Some(r) => {
                    let first = r.units.iter().position(|u| u.calls.is_empty()).unwrap_or(0);
                    self.detail = Some((r.id, first));
                }
                None => cx.say("还没有查岗记录：按 n 开始查岗"),
            },
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    one_form_screen!(form, save_op, "粘贴只能在填写表单时使用：先按 n 开始查岗");

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
                Reply::SpotChecks(rounds) => {
                    self.rounds = rounds;
                    self.loaded = true;
                    self.selected = self.selected.min(self.rounds.len().saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取查岗记录失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.call_op == Some(op) {
            self.call_op = None;
            match reply {
                Reply::CycleSaved { done, .. } => self.called(done, cx),
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
            Reply::CycleSaved { id, done } => match self.form.take().map(|(p, _)| p) {
                Some(CheckPurpose::New) => {
                    cx.say(format!(
                        "已开始第 {id} 次查岗：逐个拨打，在岗按 y，未接按 x，非值班人员接听按 o"
                    ));
                    self.detail = Some((id, 0));
                    self.load(cx);
                    cx.command(Command::RecordsChanged);
                }
                _ => self.called(done, cx),
            },
            Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
            _ => {}
        }
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::SpotChecks => Ok(()),
            t => Err(t),
        }
    }
}
