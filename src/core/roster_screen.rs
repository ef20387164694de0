//! The roster as the app holds it: imported shifts and swaps read from the store for a window,
//! combined with the configured rotation into the shifts people see — the now/next strip on the
//! status line, the month screen (opened with `r` on the 交接班 tab) and the swap form.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::approver_form::{ApproverField, ApproverForm, Outcome, confirmed_approvers};
use super::form::FormEvent;
use super::form::{Field, Form};
use super::keymap::{Action, Mode};
use super::roster::{Post, Shift, Swap, validate_swap};
use super::roster_plan::{
    approval_problems, arrival_shift, draft_from_rotation, month_label, month_of, version_problems,
};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, paste_into, save_failed, type_into};
use super::settings::Settings;
use super::shared::RosterData;
use super::validate::format_minute;

/// Fields of the form that changes one shift of a draft (a new version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditField {
    Shift,
    Leader,
    Primary,
    Deputy,
    Staff,
}

/// The change of one shift in a version not yet in force: the form, the version's shifts it
/// starts from, the day's shifts offered, which of them the fields show, and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftEdit {
    pub form: Form<EditField>,
    base: Vec<Shift>,
    day: Vec<Shift>,
    shown: usize,
    from_version: i64,
}

/// "（无）": a 副班 left empty.
const NOBODY: &str = "（无）";

/// Fields of the swap form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RosterField {
    Shift,
    Post,
    To,
    Reason,
    ApprovedBy,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterScreen {
    /// The day the cursor is on (its month is the one shown).
    pub cursor: Option<NaiveDate>,
    pub form: Option<Form<RosterField>>,
    /// Shifts offered in the form, in the order of its 班次 choice.
    pub form_shifts: Vec<Shift>,
    /// A PIN form: a leader approving the month's roster, or an officer's 到岗.
    pub sign: Option<(Signing, ApproverForm)>,
    /// `e`: one shift of the shown draft changed.
    pub edit: Option<ShiftEdit>,
    /// The swap, draft or publication being saved, and what its confirmation says.
    save_op: Option<(OpId, String)>,
}

/// What a PIN form on the roster screen signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// 批准: the version's id and "2027-01 第2版".
    Approve { plan_id: i64, label: String },
    /// 到岗 for the shift starting at `shift_start`.
    Arrive { shift_start: NaiveDateTime },
}

/// An unsaved swap form kept as a draft: the day it was for, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct SwapDraft {
    /// YYYY-MM-DD.
    day: String,
    form: super::form::FormDraft,
}

/// What a transition asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterRequest {
    None,
    Say(String),
    AddSwap(Box<Swap>),
    /// A new version of a month: its shifts and what it was drafted from.
    Draft {
        month: NaiveDate,
        shifts: Vec<Shift>,
        source: String,
    },
    /// Publish this version ("2027-01 第2版").
    Publish {
        plan_id: i64,
        label: String,
    },
    /// Open a PIN form (it needs the approvers the app knows).
    Sign(Signing),
    /// Esc: back to the tab the month was opened from.
    Back,
}

impl RosterScreen {
    /// Keys on the month screen.
    pub fn on_action(
        &mut self,
        action: Action,
        data: &RosterData,
        settings: &Settings,
        operator: &str,
        now: NaiveDateTime,
    ) -> RosterRequest {
        let day = self.cursor.unwrap_or(now.date());
        let moved = |d: i64| day + Duration::days(d);
        match action {
            Action::Back => return RosterRequest::Back,
            Action::PrevDay => self.cursor = Some(moved(-1)),
            Action::NextDay => self.cursor = Some(moved(1)),
            Action::PrevWeek => self.cursor = Some(moved(-7)),
            Action::NextWeek => self.cursor = Some(moved(7)),
            Action::PrevMonth => self.cursor = day.checked_sub_months(chrono::Months::new(1)).or(Some(day)),
            Action::NextMonth => self.cursor = day.checked_add_months(chrono::Months::new(1)).or(Some(day)),
            Action::Today => self.cursor = Some(now.date()),
            Action::Swap => return self.open_swap_form(data, settings, operator, now),
            Action::DraftRoster => return self.draft(data, settings, now),
            Action::ApproveRoster => return self.approve(data),
            Action::PublishRoster => return self.publish(data),
            Action::EditRosterShift => return self.open_edit(data, settings),
            Action::SignOnDuty => return arrive(data, settings, operator, now),
            _ => {}
        }
        RosterRequest::None
    }

    /// The shown month's plan, once the store has read it for this month.
    fn shown_plan<'a>(&self, data: &'a RosterData) -> Result<&'a super::roster_plan::MonthPlan, RosterRequest> {
        let month = month_of(self.cursor.unwrap_or_default());
        if data.run.shown.month == Some(month) {
            Ok(&data.run.shown)
        } else {
            Err(RosterRequest::Say("正在读取这个月的排班版本，请稍候再按".into()))
        }
    }

    /// `d`: a new version of the shown month drafted from the rotation.
    fn draft(&self, data: &RosterData, settings: &Settings, now: NaiveDateTime) -> RosterRequest {
        let month = month_of(self.cursor.unwrap_or(now.date()));
        if month < month_of(now.date()) {
            return RosterRequest::Say(format!("{} 已经过去，不能再草拟排班", month_label(month)));
        }
        let Some(rotation) = &settings.roster else {
            return RosterRequest::Say(
                "没有配置轮值，无法按轮值草拟：请用 zhiban roster draft --month 月份 --csv 文件 导入草稿".into(),
            );
        };
        let shifts = draft_from_rotation(rotation, &settings.calendar, month);
        if let Some(problem) = version_problems(&shifts, month, &settings.people).into_iter().next() {
            return RosterRequest::Say(problem);
        }
        if let Err(why) = self.shown_plan(data) {
            return why;
        }
        RosterRequest::Draft {
            month,
            shifts,
            source: "轮值".into(),
        }
    }

    /// `e`: the cursor day's shift in the version not yet in force, to change (a new version).
    fn open_edit(&mut self, data: &RosterData, settings: &Settings) -> RosterRequest {
        let plan = match self.shown_plan(data) {
            Ok(p) => p,
            Err(why) => return why,
        };
        let Some(latest) = plan.latest().filter(|v| v.published.is_none()) else {
            return RosterRequest::Say(match plan.in_force() {
                Some(v) => format!(
                    "第{}版已发布：临时变动请登记调班（s）；要改排班请按 d 另起新版，改好后重新批准、发布",
                    v.version
                ),
                None => "这个月还没有排班草稿：先按 d 按轮值生成".into(),
            });
        };
        let day = self.cursor.unwrap_or_default();
        let shifts: Vec<Shift> = data
            .run
            .shown_pending
            .iter()
            .filter(|s| s.start.date() == day)
            .cloned()
            .collect();
        let Some(first) = shifts.first() else {
            return RosterRequest::Say(format!("第{}版在 {} 没有班次", latest.version, day.format("%m-%d")));
        };
        let people: Vec<String> = settings.people.iter().map(|p| p.name.clone()).collect();
        let mut deputies = vec![NOBODY.to_string()];
        deputies.extend(people.iter().cloned());
        let key = std::convert::identity::<EditField>;
        let mut form = Form::new(
            &format!(
                "修改第{}版排班：{}（保存为新一版草稿）",
                latest.version,
                day.format("%Y-%m-%d")
            ),
            vec![
                Field::choice(
                    key(EditField::Shift),
                    "班次",
                    shifts.iter().map(shift_label).collect(),
                    0,
                ),
                Field::choice(key(EditField::Leader), settings.leader_title(), people.clone(), 0),
                Field::choice(key(EditField::Primary), "主班", people, 0),
                Field::choice(key(EditField::Deputy), "副班", deputies, 0),
                Field::text(key(EditField::Staff), "其他人员", false, 200)
                    .with_placeholder("多人用顿号分隔，如：钱七、孙八"),
            ],
        );
        form.notice = Some("保存后成为新一版草稿，须重新经领导批准（a）再发布（p）".into());
        fill_edit(&mut form, first);
        self.edit = Some(ShiftEdit {
            form,
            base: data.run.shown_pending.clone(),
            day: shifts,
            shown: 0,
            from_version: latest.version,
        });
        RosterRequest::None
    }

    /// Ctrl-S on the edit form: the version's shifts with this one changed, checked as a
    /// version, then saved as the next one.
    fn save_edit(&mut self, settings: &Settings) -> RosterRequest {
        let Some(edit) = &mut self.edit else {
            return RosterRequest::None;
        };
        let Some(old) = edit.day.get(edit.shown).cloned() else {
            return RosterRequest::None;
        };
        let value = |k| edit.form.value(k);
        let deputy = value(EditField::Deputy);
        let changed = Shift {
            leader: value(EditField::Leader),
            primary: value(EditField::Primary),
            deputy: if deputy == NOBODY { String::new() } else { deputy },
            staff: super::roster::split_staff(&value(EditField::Staff)),
            ..old.clone()
        };
        let mut names: Vec<&str> = changed.people().collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            let why = format!("“{}”在这个班次里出现了两次：一个人在同一班次只能担任一个岗位", w[0]);
            edit.form.set_errors(&[(EditField::Staff, why.clone())]);
            return RosterRequest::Say(why);
        }
        if changed == old {
            return RosterRequest::Say("没有改动：改好岗位后再按 Ctrl-S".into());
        }
        let month = month_of(old.start.date());
        let shifts: Vec<Shift> = edit
            .base
            .iter()
            .map(|s| {
                if s.start == old.start {
                    changed.clone()
                } else {
                    s.clone()
                }
            })
            .collect();
        if let Some(problem) = version_problems(&shifts, month, &settings.people).into_iter().next() {
            edit.form.set_errors(&[(EditField::Staff, problem.clone())]);
            return RosterRequest::Say(problem);
        }
        edit.form.saving = true;
        RosterRequest::Draft {
            month,
            shifts,
            source: format!(
                "修改 {} 班次（据第{}版）",
                old.start.format("%m-%d %H:%M"),
                edit.from_version
            ),
        }
    }

    /// `a`: the latest draft of the shown month, to a leader's PIN — if it covers the month.
    fn approve(&self, data: &RosterData) -> RosterRequest {
        let plan = match self.shown_plan(data) {
            Ok(p) => p,
            Err(why) => return why,
        };
        let v = match plan.to_approve() {
            Ok(v) => v,
            Err(why) => return RosterRequest::Say(why),
        };
        let problems = approval_problems(&data.run.shown_pending, v.month);
        if let Some(first) = problems.first() {
            return RosterRequest::Say(format!(
                "第{}版不能批准（{} 处问题）：{first}。请先修改草稿",
                v.version,
                problems.len()
            ));
        }
        RosterRequest::Sign(Signing::Approve {
            plan_id: v.id,
            label: format!("{} 第{}版", month_label(v.month), v.version),
        })
    }

    /// `p`: the shown month's approved version, published.
    fn publish(&self, data: &RosterData) -> RosterRequest {
        let plan = match self.shown_plan(data) {
            Ok(p) => p,
            Err(why) => return why,
        };
        match plan.to_publish() {
            Ok(v) => RosterRequest::Publish {
                plan_id: v.id,
                label: format!("{} 第{}版", month_label(v.month), v.version),
            },
            Err(why) => RosterRequest::Say(why),
        }
    }

    fn open_swap_form(
        &mut self,
        data: &RosterData,
        settings: &Settings,
        _operator: &str,
        _now: NaiveDateTime,
    ) -> RosterRequest {
        let day = self.cursor.unwrap_or_default();
        let from = day.and_time(NaiveTime::MIN);
        let shifts: Vec<Shift> = data
            .shifts(settings, from, from + Duration::days(1))
            .into_iter()
            .filter(|s| s.start.date() == day)
            .collect();
        if shifts.is_empty() {
            return RosterRequest::Say(format!(
                "{} 没有班次可调：先配置轮值或导入排班表（zhiban roster import）",
                day.format("%m-%d")
            ));
        }
        let shift_labels = shifts.iter().map(shift_label).collect();
        // The duty leader's post says what this office calls it (带班领导 or 值班领导).
        let posts = Post::ALL
            .iter()
            .map(|p| match p {
                Post::Leader => settings.leader_title().to_string(),
                p => p.label().to_string(),
            })
            .collect();
        let people = settings.people.iter().map(|p| p.name.clone()).collect();
        let leaders: Vec<String> = settings
            .people
            .iter()
            .filter(|p| p.role.is_leader())
            .map(|p| p.name.clone())
            .collect();
        let key = std::convert::identity::<RosterField>;
        let form = Form::new(
            &format!("登记调班：{}", day.format("%Y-%m-%d")),
            vec![
                Field::choice(key(RosterField::Shift), "班次", shift_labels, 0),
                Field::choice(key(RosterField::Post), "岗位", posts, 1),
                Field::choice(key(RosterField::To), "替班人", people, 0).required(),
                Field::text(key(RosterField::Reason), "原因", false, 200)
                    .required()
                    .with_placeholder("如：本人出差"),
                Field::choice(key(RosterField::ApprovedBy), "批准人", leaders, 0).required(),
            ],
        );
        self.form = Some(form);
        self.form_shifts = shifts;
        RosterRequest::None
    }

    /// Ctrl-S on the swap form: checked by the roster rules, then saved as a record.
    pub fn save_form(&mut self, settings: &Settings, operator: &str, now: NaiveDateTime) -> RosterRequest {
        let Some(form) = &mut self.form else {
            return RosterRequest::None;
        };
        let key = std::convert::identity::<RosterField>;
        let index = match &form.field(key(RosterField::Shift)).map(|f| &f.input) {
            Some(super::form::Input::Choice { selected, .. }) => *selected,
            _ => 0,
        };
        let Some(shift) = self.form_shifts.get(index) else {
            return RosterRequest::None;
        };
        let post = match &form.field(key(RosterField::Post)).map(|f| &f.input) {
            Some(super::form::Input::Choice { selected, .. }) => Post::ALL.get(*selected).copied(),
            _ => None,
        }
        .unwrap_or(Post::Primary);
        let to = form.value(key(RosterField::To));
        let reason = form.value(key(RosterField::Reason));
        let approved_by = form.value(key(RosterField::ApprovedBy));
        let mut errors = form.missing_required();
        if errors.is_empty()
            && let Err(e) = validate_swap(shift, post, &to, &reason, &approved_by, &settings.people)
        {
            let field = if e.contains("批准") {
                RosterField::ApprovedBy
            } else if e.contains("原因") {
                RosterField::Reason
            } else {
                RosterField::To
            };
            errors.push((key(field), e));
        }
        if let Some((_, first)) = errors.first() {
            let first = first.clone();
            form.set_errors(&errors);
            return RosterRequest::Say(first);
        }
        form.saving = true;
        RosterRequest::AddSwap(Box::new(Swap {
            shift_start: shift.start,
            post,
            from: shift.holder(post).to_string(),
            to,
            reason: reason.trim().to_string(),
            approved_by,
            recorded_by: operator.to_string(),
            recorded_at: now,
        }))
    }
}

/// The fields of the edit form from `s`.
fn fill_edit(form: &mut Form<EditField>, s: &Shift) {
    let set = |form: &mut Form<EditField>, k, v: &str| {
        if let Some(f) = form.field_mut(k) {
            f.set_value(v);
        }
    };
    set(form, EditField::Leader, &s.leader);
    set(form, EditField::Primary, &s.primary);
    set(
        form,
        EditField::Deputy,
        if s.deputy.is_empty() { NOBODY } else { &s.deputy },
    );
    set(form, EditField::Staff, &s.staff.join("、"));
    form.dirty = false;
}

/// `o`: 到岗 for the shift beginning within the hour or on now — only for someone on it.
fn arrive(data: &RosterData, settings: &Settings, operator: &str, now: NaiveDateTime) -> RosterRequest {
    let shifts = data.shifts(settings, now - Duration::days(2), now + Duration::days(1));
    match arrival_shift(&shifts, operator, now) {
        Err(why) => RosterRequest::Say(why),
        Ok(shift)
            if data
                .run
                .all_signons(&shifts)
                .iter()
                .any(|s| s.shift_start == shift.start && s.person == operator) =>
        {
            RosterRequest::Say(format!(
                "{operator} 已经到岗签到过 {} 开始的班次",
                shift.start.format("%m-%d %H:%M")
            ))
        }
        Ok(shift) => RosterRequest::Sign(Signing::Arrive {
            shift_start: shift.start,
        }),
    }
}

/// "11-23 08:30–11-24 08:30 主班 张三"
#[must_use]
pub fn shift_label(s: &Shift) -> String {
    format!(
        "{}–{} 主班 {}",
        s.start.format("%m-%d %H:%M"),
        s.end.format("%m-%d %H:%M"),
        if s.primary.is_empty() {
            "（空缺）"
        } else {
            &s.primary
        }
    )
}

/// One line describing a shift's people, for the month screen and the strip.
#[must_use]
pub fn shift_people(s: &Shift, settings: &Settings) -> String {
    let phone = settings.person(&s.leader).map(|p| p.phone.as_str()).unwrap_or("");
    let mut out = format!(
        "{}至{}  带班 {} {}  主班 {}",
        format_minute(s.start),
        s.end.format("%m-%d %H:%M"),
        or_gap(&s.leader),
        phone,
        or_gap(&s.primary)
    );
    if !s.deputy.is_empty() {
        out.push_str(&format!("  副班 {}", s.deputy));
    }
    out.push_str(&format!("  [{}]", s.source.label()));
    out
}

/// "调班：主班 张三→赵六（本人出差，王五 批准）"
#[must_use]
pub fn swap_text(w: &super::roster::Swap) -> String {
    format!(
        "调班：{} {}→{}（{}，{} 批准）",
        w.post.label(),
        w.from,
        w.to,
        w.reason,
        w.approved_by
    )
}

fn or_gap(name: &str) -> &str {
    if name.is_empty() { "（空缺）" } else { name }
}

impl RosterScreen {
    fn run(&mut self, request: RosterRequest, cx: &mut Cx<'_>) {
        match request {
            RosterRequest::None => {}
            RosterRequest::Say(m) => cx.say(m),
            RosterRequest::AddSwap(swap) => {
                let said = format!(
                    "已保存：{} {} {} 由 {} 替班（{} 批准）",
                    swap.shift_start.format("%m-%d %H:%M"),
                    match swap.post {
                        Post::Leader => cx.settings.leader_title(),
                        p => p.label(),
                    },
                    swap.from,
                    swap.to,
                    swap.approved_by
                );
                self.save_op = Some((cx.request(Request::AddSwap(swap)), said));
                cx.say("正在保存…");
            }
            RosterRequest::Draft { month, shifts, source } => {
                let said = format!(
                    "已保存：{} 新一版排班草稿（{}，{} 个班次）。请领导审核后按 a 批准",
                    month_label(month),
                    if source == "轮值" { "按轮值" } else { &source },
                    shifts.len()
                );
                let request = Request::AddRosterVersion {
                    month,
                    shifts,
                    source,
                    by: cx.operator.to_string(),
                };
                self.save_op = Some((cx.request(request), said));
                cx.say("正在保存…");
            }
            RosterRequest::Publish { plan_id, label } => {
                let said = format!("已发布：{label}。从此按这一版排班（变动请登记调班或另起新版）");
                let request = Request::PublishRoster {
                    plan_id,
                    by: cx.operator.to_string(),
                };
                self.save_op = Some((cx.request(request), said));
                cx.say("正在保存…");
            }
            RosterRequest::Sign(signing) => self.open_sign(signing, cx),
            RosterRequest::Back => {
                cx.command(Command::RosterMonth(None));
                cx.command(Command::Back);
            }
        }
        if self.cursor.is_some() {
            cx.command(Command::RosterMonth(self.cursor));
        }
    }
}

impl RosterScreen {
    /// The PIN form: approvers for 批准 (the officer first when they are one), only the officer
    /// at the keyboard for 到岗 (nobody signs on for a colleague).
    fn open_sign(&mut self, signing: Signing, cx: &mut Cx<'_>) {
        let (title, by, who, notice) = match &signing {
            Signing::Approve { label, .. } => (
                format!("批准排班：{label}"),
                confirmed_approvers(cx),
                "批准人",
                "批准的领导输入本人 PIN；批准后这一版不再改动，记入审计".to_string(),
            ),
            Signing::Arrive { shift_start } => (
                format!("到岗签到：{} 开始的班次", shift_start.format("%m-%d %H:%M")),
                vec![(cx.operator.to_string(), false)],
                "到岗人",
                "本人输入 PIN 签到；严禁代值，记入审计".to_string(),
            ),
        };
        if by.is_empty() {
            cx.say("没有已确认的领导可以批准：请先在“人员与 PIN”中登记并确认领导");
            return;
        }
        let mut form = ApproverForm::new(&title, by, false);
        for f in &mut form.form.fields {
            match f.key {
                ApproverField::By => f.label = who.into(),
                ApproverField::Pin => {
                    f.label = format!("{who} PIN");
                    f.placeholder = format!("{who}输入本人 PIN");
                }
                _ => {}
            }
        }
        form.form.notice = Some(notice);
        // The signer offered first is usually the one at hand: the cursor waits on the PIN.
        form.form.focus_on(ApproverField::Pin);
        self.sign = Some((signing, form));
    }

    /// A reply to the PIN form: once the PIN matched, the write; once written, done.
    fn on_sign_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let Some((signing, form)) = &mut self.sign else {
            return;
        };
        match form.on_reply(op, reply, cx) {
            Outcome::Approved { by, .. } => {
                let (request, said) = match signing {
                    Signing::Approve { plan_id, label } => (
                        Request::ApproveRoster {
                            plan_id: *plan_id,
                            approved_by: by.clone(),
                            approver_role: cx
                                .settings
                                .person(&by)
                                .map(|p| p.role.label().to_string())
                                .unwrap_or_default(),
                            by: cx.operator.to_string(),
                        },
                        format!("已批准：{label}（批准人 {by}）。按 p 发布"),
                    ),
                    Signing::Arrive { shift_start } => (
                        Request::SignOn {
                            shift_start: *shift_start,
                            person: by.clone(),
                        },
                        format!("已到岗签到：{by}，{} 开始的班次", shift_start.format("%m-%d %H:%M")),
                    ),
                };
                form.write(request, said, cx);
            }
            Outcome::Done(said) => {
                self.sign = None;
                cx.say(said);
                cx.command(Command::RosterChanged);
            }
            Outcome::Nothing | Outcome::Redacted(_) => {}
        }
    }
}

impl Screen for RosterScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() || self.sign.is_some() || self.edit.is_some() {
            Mode::Form
        } else {
            Mode::Roster
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.sign {
            if !form.on_action(action, cx) {
                self.sign = None;
            }
            return;
        }
        if let Some(edit) = &mut self.edit {
            let request = match action {
                Action::Cancel => {
                    self.edit = None;
                    RosterRequest::None
                }
                Action::Save if !edit.form.saving => {
                    edit.form.clear_errors();
                    self.save_edit(cx.settings)
                }
                Action::Save => RosterRequest::None,
                a => {
                    if let Some(FormEvent::Notice(m)) = edit.form.apply(a) {
                        cx.say(m);
                    }
                    // Another 班次 chosen: the fields show that one.
                    let index = match edit.form.field(EditField::Shift).map(|f| &f.input) {
                        Some(super::form::Input::Choice { selected, .. }) => *selected,
                        _ => 0,
                    };
                    if index != edit.shown
                        && let Some(s) = edit.day.get(index).cloned()
                    {
                        edit.shown = index;
                        fill_edit(&mut edit.form, &s);
                    }
                    RosterRequest::None
                }
            };
            self.run(request, cx);
            return;
        }
        let request = match &mut self.form {
            Some(form) => match action {
                Action::Cancel => {
                    self.form = None;
                    RosterRequest::None
                }
                Action::Save if !form.saving => {
                    form.clear_errors();
                    self.save_form(cx.settings, cx.operator, cx.now)
                }
                Action::Save => RosterRequest::None,
                a => {
                    if let Some(FormEvent::Notice(m)) = form.apply(a) {
                        cx.say(m);
                    }
                    RosterRequest::None
                }
            },
            None => RosterScreen::on_action(self, action, &cx.shared.roster, cx.settings, cx.operator, cx.now),
        };
        self.run(request, cx);
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.sign {
            form.on_char(c, cx);
        } else if let Some(edit) = &mut self.edit {
            type_into(&mut edit.form, c, cx);
        } else if let Some(form) = &mut self.form {
            type_into(form, c, cx);
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.sign {
            form.on_paste(text, cx);
            return;
        }
        if let Some(edit) = &mut self.edit {
            paste_into(&mut edit.form, text, cx);
            return;
        }
        match &mut self.form {
            Some(form) => {
                paste_into(form, text, cx);
            }
            None => cx.say("粘贴只能在填写表单时使用：先按 s 登记调班"),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.dirty)
            || self.sign.as_ref().is_some_and(|(_, f)| f.dirty())
            || self.edit.as_ref().is_some_and(|e| e.form.dirty)
    }

    fn form_dirty(&self) -> bool {
        self.has_unsaved()
    }

    fn discard_form(&mut self) {
        self.form = None;
        self.sign = None;
        self.edit = None;
        self.save_op = None;
    }

    fn saving(&self) -> bool {
        self.save_op.is_some() || self.sign.as_ref().is_some_and(|(_, f)| f.waiting())
    }

    fn draft(&self) -> Option<String> {
        let form = self.form.as_ref().filter(|f| f.dirty)?;
        serde_json::to_string(&SwapDraft {
            day: self.cursor?.format("%Y-%m-%d").to_string(),
            form: form.to_draft(),
        })
        .ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(d) = serde_json::from_str::<SwapDraft>(body) else {
            return false;
        };
        let Ok(day) = NaiveDate::parse_from_str(&d.day, "%Y-%m-%d") else {
            return false;
        };
        self.cursor = Some(day);
        // The day's shifts as they stand now; the form is the same if they are.
        if let RosterRequest::Say(m) = self.open_swap_form(&cx.shared.roster, cx.settings, cx.operator, cx.now) {
            cx.say(m);
            return false;
        }
        match &mut self.form {
            Some(form) => {
                form.restore_draft(&d.form);
                cx.command(Command::RosterMonth(self.cursor));
                true
            }
            None => false,
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let Some((_, said)) = self.save_op.take_if(|(id, _)| *id == op) else {
            self.on_sign_reply(op, reply, cx);
            return;
        };
        match reply {
            Reply::SwapSaved | Reply::Confirmed if self.form.is_none() => {
                self.edit = None;
                cx.say(said);
                cx.command(Command::RosterChanged);
            }
            Reply::SwapSaved => {
                self.form = None;
                cx.say(said);
                cx.command(Command::RosterChanged);
            }
            Reply::Failed(why) if self.form.is_none() => match &mut self.edit {
                Some(edit) => save_failed(Some(&mut edit.form), &why, cx),
                None => cx.say(format!("保存失败：{why}")),
            },
            Reply::Failed(why) => {
                save_failed(self.form.as_mut(), &why, cx);
            }
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.cursor = Some(cx.now.date());
        cx.command(Command::RosterMonth(self.cursor));
    }

    fn open(&mut self, target: Target, cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            // `on_show` puts the cursor on today.
            Target::Roster => {
                let _ = cx;
                Ok(())
            }
            t => Err(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::roster::{Calendar, Rotation};
    use crate::core::settings::{Person, Role, UrgentSettings};

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn settings() -> Settings {
        let p = |name: &str, role| Person {
            name: name.into(),
            role,
            phone: "13800000003".into(),
        };
        Settings {
            office_name: "值班室".into(),
            people: vec![
                p("张三", Role::DutyOfficer),
                p("李四", Role::DutyOfficer),
                p("王五", Role::DutyLeader),
            ],
            categories: Vec::new(),
            urgent: UrgentSettings::default(),
            roster: Some(Rotation {
                first_day: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                shift_starts: vec![NaiveTime::from_hms_opt(8, 30, 0).unwrap()],
                leaders: vec!["王五".into()],
                primaries: vec!["张三".into(), "李四".into()],
                ..Rotation::default()
            }),
            calendar: Calendar::default(),
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

    #[test]
    fn the_strip_knows_who_is_on_before_and_after_the_handover_time() {
        let s = settings();
        let r = crate::core::shared::RosterData::default();
        // 11-23 is an even number of days after 11-01: 张三's turn from 08:30.
        let (now, next) = r.now_next(&s, at(23, 8, 0));
        assert_eq!(
            now.unwrap().primary,
            "李四",
            "before 08:30 the shift that began yesterday"
        );
        assert_eq!(next.unwrap().primary, "张三");
        let (now, _) = r.now_next(&s, at(23, 8, 30));
        assert_eq!(now.unwrap().primary, "张三");
    }

    #[test]
    fn a_swap_to_an_outsider_or_without_a_reason_stays_in_the_form() {
        let s = settings();
        let mut r = RosterScreen {
            cursor: Some(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            ..RosterScreen::default()
        };
        let data = crate::core::shared::RosterData::default();
        r.on_action(Action::Swap, &data, &s, "张三", at(23, 9, 0));
        let req = r.save_form(&s, "张三", at(23, 9, 0));
        assert!(
            matches!(req, RosterRequest::Say(ref m) if m.contains("原因")),
            "{req:?}"
        );
        if let Some(f) = &mut r.form {
            f.focus_on(RosterField::Reason);
            for c in "出差".chars() {
                f.type_char(c);
            }
        }
        // 替班人 defaults to 张三, who already holds 主班 that day.
        let req = r.save_form(&s, "张三", at(23, 9, 0));
        assert!(matches!(req, RosterRequest::Say(_)), "{req:?}");
        if let Some(f) = &mut r.form {
            f.field_mut(RosterField::To).unwrap().set_value("李四");
            f.clear_errors();
        }
        match r.save_form(&s, "张三", at(23, 9, 0)) {
            RosterRequest::AddSwap(w) => {
                assert_eq!(
                    (w.from.as_str(), w.to.as_str(), w.post),
                    ("张三", "李四", Post::Primary)
                );
                assert_eq!(w.approved_by, "王五");
                assert_eq!(w.shift_start, at(23, 8, 30));
            }
            other => panic!("{other:?}"),
        }
    }
}
