//! 查岗 on the command line (issue 18), so scripts and tests can record a round:
//!
//! - `zhiban spotcheck add --group G | --units A、B、C [--at TIME]`: a round over a group of the
//!   通讯录 (its members' names and numbers), or over the duty rooms named (their numbers from the
//!   通讯录 when it has them); prints the round's number, then each room numbered;
//! - `zhiban spotcheck call ROUND UNIT --outcome 在岗|未接|非值班人员接听 [--answerer NAME]
//!   [--at TIME] [--note …]`: one call (a room called again gets a second; its last counts);
//! - `zhiban spotcheck list [--from DATE] [--to DATE] [--json]`: rounds with each room's outcome
//!   and the summary the 值班日报 gives (应查, 查通, 未接 … by name).
//!
//! Writes are （命令行） unless `--operator` names a person whose PIN comes on standard input; a
//! refusal exits 2 and writes nothing.

use std::io::Write;

use chrono::{Duration, NaiveDateTime};
use clap::Subcommand;

use super::doc::{day_range, stored, text, when};
use super::{Failure, actor, bad_input, failure, known_operator, output, print_json};
use crate::config::Config;
use crate::core::instruction::split_names;
use crate::core::json::SpotCheckJson;
use crate::core::spotcheck::{ANSWERER_MAX_CHARS, CheckCall, CheckOutcome, NewSpotCheck, SpotCheck, check_round};
use crate::core::text::sanitize;
use crate::core::validate::format_minute;
use crate::store::Store;

/// How many rounds `spotcheck list` shows without dates.
const RECENT: usize = 20;

#[derive(Subcommand, Debug)]
pub(super) enum SpotcheckCommand {
    /// 开始一次查岗：--group 写通讯录中的分组（如 各乡镇值班室），或 --units 写出要查的值班室。
    /// 输出查岗编号，再逐行列出各值班室的序号
    Add {
        /// 通讯录中的分组：查其中每个联系人（用其办公电话或手机）
        #[arg(long, value_name = "分组")]
        group: Option<String>,
        /// 要查的值班室，多个用顿号或逗号隔开（通讯录中有的带上电话）
        #[arg(long, value_name = "值班室")]
        units: Option<String>,
        /// 开始时间（默认现在）
        #[arg(long, value_name = "时间")]
        at: Option<String>,
        /// 查岗人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 记录一次查岗电话的结果（同一值班室再打一次就再记一次，以最后一次为准）
    Call {
        /// 查岗编号（spotcheck add 输出的编号）
        #[arg(value_name = "查岗编号")]
        round: i64,
        /// 值班室：名称，或 spotcheck add / list 中的序号
        #[arg(value_name = "值班室")]
        unit: String,
        /// 结果：在岗、未接、非值班人员接听
        #[arg(long, value_name = "结果")]
        outcome: String,
        /// 接听人（姓名或身份；非值班人员接听时必填）
        #[arg(long, value_name = "姓名")]
        answerer: Option<String>,
        /// 通话时间（默认现在）
        #[arg(long, value_name = "时间")]
        at: Option<String>,
        /// 备注
        #[arg(long, value_name = "备注")]
        note: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出查岗（按开始时间）：各值班室的结果和汇总；不写日期时列出最近 20 次
    List {
        /// 起始日期 YYYY-MM-DD（含）
        #[arg(long, value_name = "日期")]
        from: Option<String>,
        /// 截止日期 YYYY-MM-DD（含）
        #[arg(long, value_name = "日期")]
        to: Option<String>,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn run(
    command: SpotcheckCommand,
    config: &Config,
    store: &mut Store,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    match command {
        SpotcheckCommand::Add {
            group,
            units,
            at,
            operator,
        } => {
            let started_at = when("--at", at.as_deref(), now)?;
            if started_at > now + Duration::minutes(5) {
                return Err(bad_input("--at：查岗时间不能晚于现在；没有写入"));
            }
            let directory = store.directory().map_err(|e| failure(e.to_string()))?;
            let (group, units) = match (group, units) {
                (Some(g), None) => {
                    let g = sanitize(&g, false).trim().to_string();
                    let units: Vec<(String, String)> = directory
                        .members(&g)
                        .map(|c| (c.name.clone(), c.phone().to_string()))
                        .collect();
                    if units.is_empty() {
                        let groups = directory.groups();
                        return Err(bad_input(if groups.is_empty() {
                            format!(
                                "--group：通讯录中没有分组“{g}”：通讯录还没有分组，先用 zhiban contacts import 导入；没有写入"
                            )
                        } else {
                            format!("--group：通讯录中没有分组“{g}”，现有：{}；没有写入", groups.join("、"))
                        }));
                    }
                    (g, units)
                }
                (None, Some(u)) => {
                    let names = split_names(&sanitize(&u, false), &directory.name_groups())
                        .map_err(|e| bad_input(format!("--units：{e}；没有写入")))?;
                    let units = names
                        .into_iter()
                        .map(|n| {
                            let phone = directory.phone_of(&n).unwrap_or("").to_string();
                            (n, phone)
                        })
                        .collect();
                    (String::new(), units)
                }
                _ => {
                    return Err(bad_input(
                        "写 --group 分组（查通讯录中的一个分组）或 --units 值班室（逐个写出），二者写一个；没有写入",
                    ));
                }
            };
            known_operator(operator.as_deref(), config)?;
            let round = NewSpotCheck {
                group,
                units,
                started_by: String::new(),
                started_at,
            };
            check_round(&round).map_err(|e| bad_input(format!("{e}；没有写入")))?;
            let round = NewSpotCheck {
                started_by: actor(operator.as_deref(), config, store)?,
                ..round
            };
            let id = store.add_spotcheck(&round).map_err(|e| stored(&e))?;
            println!("{id}");
            for (i, (unit, phone)) in round.units.iter().enumerate() {
                println!("\t{}. {}\t{}", i + 1, sanitize(unit, false), sanitize(phone, false));
            }
            Ok(())
        }
        SpotcheckCommand::Call {
            round,
            unit,
            outcome,
            answerer,
            at,
            note,
            operator,
        } => {
            let outcome = CheckOutcome::parse(&outcome).ok_or_else(|| {
                bad_input(format!(
                    "--outcome：“{}”无效，可写：{}；没有写入",
                    sanitize(&outcome, false).trim(),
                    CheckOutcome::choices()
                ))
            })?;
            let answerer = text("--answerer", answerer.as_deref(), ANSWERER_MAX_CHARS, false)?;
            let note = text("--note", note.as_deref(), ANSWERER_MAX_CHARS * 5, false)?;
            let at = when("--at", at.as_deref(), now)?;
            let r = store.spotcheck(round).map_err(|e| stored(&e))?;
            let wanted = sanitize(&unit, false).trim().to_string();
            let u = wanted
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| r.units.get(i))
                .or_else(|| r.units.iter().find(|u| u.unit == wanted))
                .ok_or_else(|| {
                    let all: Vec<String> = r.units.iter().map(|u| sanitize(&u.unit, false)).collect();
                    bad_input(format!(
                        "第 {round} 次查岗没有值班室“{wanted}”：可写 {}，或序号 1-{}；没有写入",
                        all.join("、"),
                        all.len()
                    ))
                })?;
            let (unit_id, unit_name) = (u.id, u.unit.clone());
            if at < crate::core::document::minute_of(r.started_at) {
                return Err(bad_input(format!(
                    "--at：通话时间不能早于查岗开始 {}；没有写入",
                    format_minute(r.started_at)
                )));
            }
            known_operator(operator.as_deref(), config)?;
            let recorded_by = actor(operator.as_deref(), config, store)?;
            store
                .add_spotcheck_call(
                    round,
                    unit_id,
                    &CheckCall {
                        outcome,
                        answerer,
                        at,
                        note,
                        recorded_by,
                    },
                    now,
                )
                .map_err(|e| stored(&e))?;
            let r = store.spotcheck(round).map_err(|e| failure(e.to_string()))?;
            let state = r
                .units
                .iter()
                .find(|u| u.id == unit_id)
                .map(|u| u.state_label())
                .unwrap_or_default();
            println!(
                "第 {round} 次查岗 {}：{}",
                sanitize(&unit_name, false),
                sanitize(&state, false)
            );
            if r.finished() {
                println!("第 {round} 次查岗已查完：{}", sanitize(&r.summary().sentence(), false));
            }
            Ok(())
        }
        SpotcheckCommand::List { from, to, json } => {
            let rounds: Vec<SpotCheck> = if from.is_none() && to.is_none() {
                let mut recent = store.recent_spotchecks(RECENT).map_err(|e| failure(e.to_string()))?;
                recent.reverse();
                recent
            } else {
                let (start, end) = day_range(from.as_deref(), to.as_deref())?;
                store
                    .spotchecks_between(start, end)
                    .map_err(|e| failure(e.to_string()))?
            };
            if json {
                let shapes: Vec<SpotCheckJson> = rounds.iter().map(SpotCheckJson::from).collect();
                return print_json(&shapes);
            }
            let mut w = output::stdout();
            write_rounds(&mut w, &rounds).map_err(|e| output::stdout_failure(&e))?;
            output::finish(w)
        }
    }
}

/// `spotcheck list`'s text: a line per round with its summary, then each room and its outcome.
fn write_rounds(w: &mut impl Write, rounds: &[SpotCheck]) -> std::io::Result<()> {
    if rounds.is_empty() {
        writeln!(w, "没有查岗记录")?;
    }
    for r in rounds {
        let group = if r.group.is_empty() {
            "（指定值班室）"
        } else {
            r.group.as_str()
        };
        writeln!(
            w,
            "第 {} 次查岗\t{}\t{}\t{}\t{}",
            r.id,
            format_minute(r.started_at),
            sanitize(group, false),
            sanitize(&r.started_by, false),
            sanitize(&r.summary().sentence(), false)
        )?;
        for (i, u) in r.units.iter().enumerate() {
            writeln!(
                w,
                "\t{}. {}\t{}\t{}",
                i + 1,
                sanitize(&u.unit, false),
                sanitize(&u.phone, false),
                sanitize(&u.state_label(), false)
            )?;
        }
    }
    Ok(())
}
