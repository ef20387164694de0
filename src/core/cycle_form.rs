//! The instruction cycle's forms, shared by every screen that records them on its item (a log
//! entry, an urgent event): 请示 (to whom, how, reached or not), 批示 (verbatim, by a configured
//! leader or any name and post typed), 交办 (from a 批示 or directly; to whom, 时限, 要求). A
//! screen's field enum wraps [`CycleKey`] (`From<CycleKey>`), so the same fields, checks and
//! messages serve both.

use chrono::NaiveDateTime;

use super::form::{Field, FieldId, Form, Input};
use super::instruction::{ItemRef, LeaderRequest, NewTask, TEXT_MAX_CHARS, Via, split_names};
use super::log::Instruction;
use super::settings::Settings;
use super::validate;

/// The fields of the cycle's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CycleKey {
    /// A configured leader, or 其他.
    Leader,
    /// A leader not in the config: name and post typed (县长 王某).
    OtherLeader,
    /// 电话/当面/书面/短信.
    Via,
    /// 批示 text.
    Text,
    /// When asked or given.
    At,
    /// 请示: whether the leader was reached.
    Reached,
    /// 交办: the 批示 it carries out, or 直接交办.
    Basis,
    /// 交办: to whom (several, separated by 、).
    Assignees,
    /// 交办: 时限.
    Due,
    /// 交办: 要求.
    Requirement,
}

/// The choice that means the leader is typed in 其他领导.
pub const OTHER_LEADER: &str = "其他（下一项填写）";

/// The choice of whether a 请示 reached the leader.
pub const REACHED: [&str; 2] = ["已联系上，已请示", "未联系上"];

/// The 依据 choice when no 批示 is chosen.
pub const DIRECT_TASK: &str = "直接交办（无批示）";

type Errors<K> = Vec<(K, String)>;

/// The leaders offered: configured leaders first, then 其他.
fn leader_choice<K: FieldId + From<CycleKey>>(settings: &Settings, label: &str) -> Field<K> {
    let mut leaders: Vec<String> = settings
        .people
        .iter()
        .filter(|p| p.role.is_leader())
        .map(|p| p.name.clone())
        .collect();
    leaders.push(OTHER_LEADER.into());
    Field::choice(K::from(CycleKey::Leader), label, leaders, 0)
}

fn other_leader<K: FieldId + From<CycleKey>>() -> Field<K> {
    Field::text(K::from(CycleKey::OtherLeader), "其他领导", false, 50)
        .with_placeholder("不在名单中的领导：姓名和职务，如 县长 王某")
}

fn via_choice<K: FieldId + From<CycleKey>>() -> Field<K> {
    Field::choice(
        K::from(CycleKey::Via),
        "方式",
        Via::ALL.iter().map(|v| v.label().to_string()).collect(),
        0,
    )
}

fn when_field<K: FieldId + From<CycleKey>>(label: &str) -> Field<K> {
    Field::text(K::from(CycleKey::At), label, false, 19).with_placeholder("默认为现在；可填 09:30")
}

/// The leader chosen, or typed: a typed name wins over the choice, so 其他 need not be chosen
/// first.
fn chosen_leader<K: FieldId + From<CycleKey>>(form: &Form<K>) -> Result<String, Errors<K>> {
    let typed = form.value(K::from(CycleKey::OtherLeader)).trim().to_string();
    if !typed.is_empty() {
        return Ok(typed);
    }
    let chosen = form.value(K::from(CycleKey::Leader));
    if chosen == OTHER_LEADER || chosen.trim().is_empty() {
        return Err(vec![(
            K::from(CycleKey::OtherLeader),
            "请填写领导的姓名和职务（如“副县长 李某”），或在上一项选择领导".into(),
        )]);
    }
    Ok(chosen)
}

fn when_value<K: FieldId + From<CycleKey>>(form: &Form<K>, now: NaiveDateTime) -> Result<NaiveDateTime, Errors<K>> {
    match form.value(K::from(CycleKey::At)).trim() {
        "" => Ok(now),
        s => validate::time(s, now).map_err(|e| vec![(K::from(CycleKey::At), e)]),
    }
}

/// 批示: leader, how, the words verbatim, when.
#[must_use]
pub fn instruction_form<K: FieldId + From<CycleKey>>(title: &str, settings: &Settings) -> Form<K> {
    Form::new(
        title,
        vec![
            leader_choice(settings, "批示领导"),
            other_leader(),
            via_choice(),
            Field::text(K::from(CycleKey::Text), "批示内容", true, TEXT_MAX_CHARS).required(),
            when_field("批示时间"),
        ],
    )
}

/// The 批示 the form holds, by `operator` at `now`.
pub fn read_instruction<K: FieldId + From<CycleKey>>(
    form: &Form<K>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<Instruction, Errors<K>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let leader = chosen_leader(form)?;
    let given_at = when_value(form, now)?;
    Ok(Instruction {
        id: None,
        via: Via::parse(&form.value(K::from(CycleKey::Via))),
        leader,
        text: form.value(K::from(CycleKey::Text)).trim().to_string(),
        given_at,
        recorded_by: operator.to_string(),
        recorded_at: now,
    })
}

/// 请示: leader, how, reached or not, when.
#[must_use]
pub fn ask_form<K: FieldId + From<CycleKey>>(title: &str, settings: &Settings) -> Form<K> {
    Form::new(
        title,
        vec![
            leader_choice(settings, "请示领导"),
            other_leader(),
            via_choice(),
            Field::choice(
                K::from(CycleKey::Reached),
                "结果",
                REACHED.iter().map(|s| (*s).to_string()).collect(),
                0,
            ),
            when_field("请示时间"),
        ],
    )
}

/// The 请示 attempt the form holds.
pub fn read_ask<K: FieldId + From<CycleKey>>(
    form: &Form<K>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<LeaderRequest, Errors<K>> {
    let leader = chosen_leader(form)?;
    let at = when_value(form, now)?;
    Ok(LeaderRequest {
        leader,
        via: Via::parse(&form.value(K::from(CycleKey::Via))).unwrap_or(Via::Phone),
        at,
        reached: form.value(K::from(CycleKey::Reached)) == REACHED[0],
        recorded_by: operator.to_string(),
        recorded_at: now,
    })
}

/// 交办: `basis` the 批示 offered (newest first, each as a short line), then 直接交办.
#[must_use]
pub fn assign_form<K: FieldId + From<CycleKey>>(title: &str, basis: Vec<String>) -> Form<K> {
    let mut options = basis;
    options.push(DIRECT_TASK.into());
    Form::new(
        title,
        vec![
            Field::choice(K::from(CycleKey::Basis), "依据", options, 0),
            Field::text(K::from(CycleKey::Assignees), "交办给", false, 400)
                .required()
                .with_placeholder("单位或人，多个用顿号隔开：县应急局、城关镇"),
            Field::text(K::from(CycleKey::Due), "时限", false, 19)
                .required()
                .with_placeholder("如 17:00、明天 9:00、12-08 17:00"),
            Field::text(K::from(CycleKey::Requirement), "要求", true, TEXT_MAX_CHARS)
                .with_placeholder("办理要求，如 到场核实并反馈"),
        ],
    )
}

/// The 批示 offered on the 交办 form: those with a number, newest first, as a short line each.
#[must_use]
pub fn basis_lines(instructions: &[Instruction]) -> (Vec<i64>, Vec<String>) {
    instructions
        .iter()
        .rev()
        .filter_map(|i| {
            let id = i.id?;
            let line = format!(
                "{} 批示：{}",
                i.leader,
                super::text::truncate(super::text::first_line(&i.text), 20)
            );
            Some((id, line))
        })
        .unzip()
}

/// The 交办 the form holds: one task per name (a saved group stands for its members).
pub fn read_assign<K: FieldId + From<CycleKey>>(
    form: &Form<K>,
    item: ItemRef,
    basis: &[i64],
    settings: &Settings,
    operator: &str,
    now: NaiveDateTime,
) -> Result<NewTask, Errors<K>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let assignees = split_names(&form.value(K::from(CycleKey::Assignees)), &settings.instruction.groups)
        .map_err(|e| vec![(K::from(CycleKey::Assignees), e)])?;
    let due = validate::time_ahead(&form.value(K::from(CycleKey::Due)), now)
        .map_err(|e| vec![(K::from(CycleKey::Due), e)])?;
    let instruction_id = match form.field(K::from(CycleKey::Basis)).map(|f| &f.input) {
        Some(Input::Choice { selected, .. }) => basis.get(*selected).copied(),
        _ => None,
    };
    Ok(NewTask {
        item,
        instruction_id,
        assignees,
        requirement: form.value(K::from(CycleKey::Requirement)).trim().to_string(),
        due,
        recorded_by: operator.to_string(),
        recorded_at: now,
    })
}
