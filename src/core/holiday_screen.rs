//! 节日值班表 (issue 18, item 6), a sub-screen of 交接班 (`h`, or the go-to list): the holiday
//! rounds of the last weeks, each with who has not sent their roster and whether the office's
//! own went upward. `n` starts a round (the holiday, the due date — by default three days before
//! the next holiday in the calendar — and the units: a directory group or names typed). In a
//! round: `y` marks the selected unit's roster received now, `s` records the office's report
//! upward (to whom, how, when).

use chrono::Duration;

use super::form::{Field, Form};
use super::holiday::{HOLIDAY_MAX_CHARS, HolidayRound, NewHolidayRound, UpwardReport, next_holiday, parse_due};
use super::instruction::{group_choice, names_of_choice};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, apply_to, save_failed};
use super::validate;

/// The fields of the screen's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayKey {
    Holiday,
    Due,
    Group,
    Units,
    ReportTo,
    Via,
    At,
}

/// The 分组 choice's first option: the units are typed.
pub const TYPED: &str = "（不用分组，手写单位）";

/// Days before the next holiday the rosters are due by default.
const DUE_BEFORE_HOLIDAY: i64 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidayPurpose {
    New,
    Report(i64),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayScreen {
    pub rounds: Vec<HolidayRound>,
    pub selected: usize,
    pub loaded: bool,
    /// The round opened and the selected unit.
    pub detail: Option<(i64, usize)>,
    pub form: Option<(HolidayPurpose, Form<HolidayKey>)>,
    load_op: Option<OpId>,
    save_op: Option<OpId>,
    mark_op: Option<OpId>,
}

impl HolidayScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadHolidayRounds));
    }

    #[must_use]
    pub fn shown_round(&self) -> Option<&HolidayRound> {
        let (id, _) = self.detail?;
        self.rounds.iter().find(|r| r.id == id)
    }

    fn new_form(cx: &Cx<'_>) -> Form<HolidayKey> {
        let today = cx.now.date();
        let due = next_holiday(&cx.settings.calendar, today)
            .map(|d| (d - Duration::days(DUE_BEFORE_HOLIDAY)).max(today))
            .unwrap_or(today + Duration::days(7));
        let (options, first) = group_choice(TYPED, &cx.settings.instruction.groups);
        let mut form = Form::new(
            "节日值班表：新建收集",
            vec![
                Field::text(HolidayKey::Holiday, "节日", false, HOLIDAY_MAX_CHARS)
                    .required()
                    .with_placeholder("如 2027年春节"),
                Field::text(HolidayKey::Due, "收齐日期", false, 10).with_value(&due.format("%Y-%m-%d").to_string()),
                Field::choice(HolidayKey::Group, "报送单位", options, first),
                Field::text(HolidayKey::Units, "单位", false, 2000).with_placeholder("单位名称，多个用顿号隔开"),
            ],
        );
        form.show_only_when(HolidayKey::Units, HolidayKey::Group, 0);
        form
    }

    fn report_form(cx: &Cx<'_>) -> Form<HolidayKey> {
        Form::new(
            "本单位节日值班表上报",
            vec![
                Field::text(HolidayKey::ReportTo, "报送给", false, 60)
                    .required()
                    .with_value("上级总值班室"),
                Field::text(HolidayKey::Via, "方式", false, 20).with_placeholder("传真、机要通道、电子邮件…"),
                Field::text(HolidayKey::At, "报送时间", false, 19).with_value(&validate::format_minute(cx.now)),
            ],
        )
    }

    fn build_round(form: &Form<HolidayKey>, cx: &Cx<'_>) -> Result<NewHolidayRound, Vec<(HolidayKey, String)>> {
        let missing = form.missing_required();
        if !missing.is_empty() {
            return Err(missing);
        }
        let due = parse_due(&form.value(HolidayKey::Due), cx.now.date()).map_err(|e| vec![(HolidayKey::Due, e)])?;
        let selected = form.chosen(HolidayKey::Group);
        let (_, units) = names_of_choice(
            selected,
            &form.value(HolidayKey::Units),
            &cx.settings.instruction.groups,
        )
        .map_err(|e| {
            vec![(
                if selected == 0 {
                    HolidayKey::Units
                } else {
                    HolidayKey::Group
                },
                e,
            )]
        })?;
        let round = NewHolidayRound {
            holiday: form.value(HolidayKey::Holiday).trim().to_string(),
            due,
            units,
            created_by: cx.operator.to_string(),
            created_at: cx.now,
        };
        super::holiday::check_round(&round).map_err(|e| vec![(HolidayKey::Units, e)])?;
        Ok(round)
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((purpose, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let request = match purpose.clone() {
            HolidayPurpose::New => Self::build_round(form, cx).map(|r| Request::AddHolidayRound(Box::new(r))),
            HolidayPurpose::Report(round) => {
                let missing = form.missing_required();
                if missing.is_empty() {
                    validate::time(&form.value(HolidayKey::At), cx.now)
                        .map(|at| Request::AddHolidayReport {
                            round,
                            report: Box::new(UpwardReport {
                                to: form.value(HolidayKey::ReportTo).trim().to_string(),
                                at,
                                via: form.value(HolidayKey::Via).trim().to_string(),
                                recorded_by: cx.operator.to_string(),
                            }),
                        })
                        .map_err(|e| vec![(HolidayKey::At, e)])
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

    fn mark_received(&mut self, cx: &mut Cx<'_>) {
        let Some((_, row)) = self.detail else { return };
        let Some(unit) = self.shown_round().and_then(|r| r.units.get(row)).cloned() else {
            return;
        };
        if unit.received.is_some() {
            cx.say(format!("{} 的值班表已登记收到：按 ↓ 选其他单位", unit.unit));
            return;
        }
        if self.mark_op.is_some() {
            cx.say("上一项正在保存，请稍候");
            return;
        }
        self.mark_op = Some(cx.request(Request::MarkHolidayReceived {
            unit: unit.id,
            at: cx.now,
            by: cx.operator.to_string(),
        }));
        cx.say(format!("正在登记：{} 的值班表已收到…", unit.unit));
    }

    fn select_next_missing(&mut self) {
        let Some((id, row)) = self.detail else { return };
        let Some(r) = self.shown_round() else { return };
        let len = r.units.len();
        let next = (1..=len)
            .map(|k| (row + k) % len.max(1))
            .find(|&i| r.units.get(i).is_some_and(|u| u.received.is_none() && i != row));
        if let Some(i) = next {
            self.detail = Some((id, i));
        }
    }
}

impl Screen for HolidayScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::HolidayDetail
        } else {
            Mode::Holidays
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    if let Some(super::form::FormEvent::Changed(HolidayKey::Group)) = apply_to(form, a, cx) {
                        form.show_only_when(HolidayKey::Units, HolidayKey::Group, 0);
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
                Action::MarkReceived => self.mark_received(cx),
                Action::ReportUpward => self.form = Some((HolidayPurpose::Report(id), Self::report_form(cx))),
                Action::Back => self.detail = None,
                _ => {}
            }
            return;
        }
        let last = self.rounds.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::NewHolidayRound => self.form = Some((HolidayPurpose::New, Self::new_form(cx))),
            Action::Open => match self.rounds.get(self.selected) {
                Some(r) => {
                    let first = r.units.iter().position(|u| u.received.is_none()).unwrap_or(0);
                    self.detail = Some((r.id, first));
                }
                None => cx.say("还没有节日值班表收集：按 n 新建"),
            },
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    one_form_screen!(form, save_op, "粘贴只能在填写表单时使用：先按 n 新建");

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
                Reply::HolidayRounds(rounds) => {
                    self.rounds = rounds;
                    self.loaded = true;
                    self.selected = self.selected.min(self.rounds.len().saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取节日值班表失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.mark_op == Some(op) {
            self.mark_op = None;
            match reply {
                Reply::CycleSaved { .. } => {
                    cx.say("已保存：值班表已收到");
                    // The reload brings the receipt; the cursor moves on to the next still missing.
                    self.select_next_missing();
                    self.load(cx);
                    cx.command(Command::RecordsChanged);
                }
                Reply::Failed(why) => cx.say(format!("保存失败：{why}。请再按 y")),
                _ => {}
            }
            return;
        }
        if self.save_op != Some(op) {
            return;
        }
        self.save_op = None;
        match reply {
            Reply::CycleSaved { id, .. } => {
                match self.form.take().map(|(p, _)| p) {
                    Some(HolidayPurpose::New) => {
                        cx.say("已保存：收到一家按 y 登记一家；本单位的上报按 s 记录");
                        self.detail = Some((id, 0));
                    }
                    _ => cx.say("已保存：本单位节日值班表的上报"),
                }
                self.load(cx);
                cx.command(Command::RecordsChanged);
            }
            Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
            _ => {}
        }
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Holidays => Ok(()),
            t => Err(t),
        }
    }
}
