//! The instruction cycle on the command line (issue 17):
//!
//! - `zhiban instruct add ENTRY --leader … --text … [--via 电话] [--time …]`: a 批示, verbatim;
//! - `zhiban task add INSTRUCTION --to A、B --due … [--requirement …]` (or `--entry ENTRY` for a
//!   交办 without a 批示), `zhiban task list [--overdue] [--json]`, `zhiban task feedback TASK
//!   --text … [--by …] [--done]`;
//! - `zhiban notice add --text … --to A,B,C [--meeting …] [--place …] [--reply]`, `zhiban notice
//!   mark NOTICE RECIPIENT --outcome 已通知|未接通 [--taker …] [--no-read-back]`, `zhiban notice list
//!   [--json]`.
//!
//! Every write is checked by the same rules as the screens (names split the same way, a saved
//! group stands for its members, a deadline ahead, texts cleaned and capped), is （命令行） unless
//! `--operator` names a person whose PIN comes on standard input, and prints the new record's
//! number. A refusal exits 2 and writes nothing.

use chrono::NaiveDateTime;
use clap::Subcommand;

use super::{Failure, actor, bad_input, failure, known_operator, print_json};
use crate::config::Config;
use crate::core::instruction::{
    CallOutcome, Feedback, ItemRef, NAME_MAX_CHARS, NewPhoneNotice, NewTask, NoticeCall, TEXT_MAX_CHARS, TaskAlert,
    Via, split_names,
};
use crate::core::json::{NoticeJson, TaskJson};
use crate::core::log::Instruction;
use crate::core::text::sanitize;
use crate::core::validate::{self, format_minute};
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub(super) enum InstructCommand {
    /// 记录领导批示（照原话）：批示领导可以是配置之外的任何领导（写姓名和职务，如“副县长 李某”）。成功后输出批示编号
    Add {
        /// 值班记录编号
        #[arg(value_name = "记录编号")]
        entry: i64,
        /// 批示领导（姓名和职务）
        #[arg(long, value_name = "领导")]
        leader: String,
        /// 批示内容（照原话）
        #[arg(long, value_name = "内容")]
        text: String,
        /// 方式：电话（默认）、当面、书面、短信
        #[arg(long, value_name = "方式")]
        via: Option<String>,
        /// 批示时间（默认现在），如 '2026-11-23 09:10' 或 09:10
        #[arg(long, value_name = "时间")]
        time: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum TaskCommand {
    /// 交办：依据一条批示（或用 --entry 直接就一条记录）交给一个或多个单位、个人，写明时限和要求。每个对象一项，输出各项编号
    Add {
        /// 批示编号（instruct add 输出的编号；记录详情中“第 N 号批示”）
        #[arg(value_name = "批示编号")]
        instruction: Option<i64>,
        /// 不依据批示，直接就这条值班记录交办
        #[arg(long, value_name = "记录编号")]
        entry: Option<i64>,
        /// 交给谁：单位或个人，多个用顿号或逗号隔开；可写配置中的通知分组名
        #[arg(long, value_name = "对象")]
        to: String,
        /// 时限，如 17:00、'明天 9:00'、'2026-12-08 17:00'
        #[arg(long, value_name = "时限")]
        due: String,
        /// 要求
        #[arg(long, value_name = "要求")]
        requirement: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出未办结的交办（按时限；超期的标明）
    List {
        /// 只列超过时限的
        #[arg(long)]
        overdue: bool,
        /// 输出 JSON（与导出的交办对象相同）
        #[arg(long)]
        json: bool,
    },
    /// 记录交办的反馈；--done 表示已办结
    Feedback {
        /// 交办编号
        #[arg(value_name = "交办编号")]
        task: i64,
        /// 反馈内容
        #[arg(long, value_name = "内容")]
        text: String,
        /// 反馈人（承办单位的联系人）
        #[arg(long, value_name = "姓名")]
        by: Option<String>,
        /// 这次反馈表示已办结
        #[arg(long)]
        done: bool,
        /// 反馈时间（默认现在）
        #[arg(long, value_name = "时间")]
        time: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum NoticeCommand {
    /// 新建电话通知：一份内容，多个通知对象（可写配置中的分组名，如 各乡镇值班室）。输出通知编号
    Add {
        /// 通知内容（照原文）
        #[arg(long, value_name = "内容")]
        text: String,
        /// 通知对象，多个用顿号或逗号隔开
        #[arg(long, value_name = "对象")]
        to: String,
        /// 会议时间，如 '明天 9:00'
        #[arg(long, value_name = "时间")]
        meeting: Option<String>,
        /// 会议地点
        #[arg(long, value_name = "地点")]
        place: Option<String>,
        /// 须回复（如回报参会人员）
        #[arg(long)]
        reply: bool,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 记录一次通知电话的结果
    Mark {
        /// 通知编号
        #[arg(value_name = "通知编号")]
        notice: i64,
        /// 通知对象：名称，或 notice list 中的序号
        #[arg(value_name = "对象")]
        recipient: String,
        /// 已通知 或 未接通
        #[arg(long, value_name = "结果")]
        outcome: String,
        /// 接听人
        #[arg(long, value_name = "姓名")]
        taker: Option<String>,
        /// 对方没有复述核对（默认已复述）
        #[arg(long)]
        no_read_back: bool,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出未完成的通知，及最近完成的
    List {
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
}

/// A text option cleaned like a field typed on screen, and capped.
fn text(option: &str, value: &str, max: usize, required: bool) -> Result<String, Failure> {
    let clean = sanitize(value, true).trim().to_string();
    if required && clean.is_empty() {
        return Err(bad_input(format!("{option}：不能为空；没有写入")));
    }
    if clean.chars().count() > max {
        return Err(bad_input(format!("{option}：最多 {max} 字；没有写入")));
    }
    Ok(clean)
}

fn when(option: &str, value: Option<&str>, now: NaiveDateTime) -> Result<NaiveDateTime, Failure> {
    match value {
        None => Ok(now),
        Some(v) => validate::time(v, now).map_err(|e| bad_input(format!("{option}：{e}；没有写入"))),
    }
}

fn names(option: &str, value: &str, config: &Config) -> Result<Vec<String>, Failure> {
    split_names(&sanitize(value, false), &config.settings.instruction.groups)
        .map_err(|e| bad_input(format!("{option}：{e}；没有写入")))
}

fn stored(e: &crate::store::StoreError) -> Failure {
    match e {
        crate::store::StoreError::Refused(m) => bad_input(format!("{m}；没有写入")),
        crate::store::StoreError::NotFound(id) => bad_input(format!("没有编号 {id} 的记录；没有写入")),
        other => failure(other.to_string()),
    }
}

pub(super) fn run_instruct(
    command: InstructCommand,
    config: &Config,
    store: &mut Store,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let InstructCommand::Add {
        entry,
        leader,
        text: body,
        via,
        time,
        operator,
    } = command;
    let leader = text("--leader", &leader, NAME_MAX_CHARS, true)?;
    let body = text("--text", &body, TEXT_MAX_CHARS, true)?;
    let via = match via.as_deref() {
        None => Via::Phone,
        Some(v) => Via::parse(v)
            .ok_or_else(|| bad_input(format!("--via：“{v}”不是方式，可写：{}；没有写入", Via::choices())))?,
    };
    let given_at = when("--time", time.as_deref(), now)?;
    known_operator(operator.as_deref(), config)?;
    let by = actor(operator.as_deref(), config, store)?;
    let id = store
        .add_instruction_on(
            ItemRef::Entry(entry),
            &Instruction {
                id: None,
                via: Some(via),
                leader,
                text: body,
                given_at,
                recorded_by: by,
                recorded_at: now,
            },
        )
        .map_err(|e| stored(&e))?;
    println!("{id}");
    Ok(())
}

pub(super) fn run_task(
    command: TaskCommand,
    config: &Config,
    store: &mut Store,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let warn = config.settings.instruction.task_warn_before;
    match command {
        TaskCommand::Add {
            instruction,
            entry,
            to,
            due,
            requirement,
            operator,
        } => {
            let assignees = names("--to", &to, config)?;
            let due = validate::time_ahead(&due, now).map_err(|e| bad_input(format!("--due：{e}；没有写入")))?;
            let requirement = text(
                "--requirement",
                requirement.as_deref().unwrap_or(""),
                TEXT_MAX_CHARS,
                false,
            )?;
            let item = match (instruction, entry) {
                (Some(ins), None) => store.instruction(ins).map_err(|e| stored(&e))?.0,
                (None, Some(e)) => ItemRef::Entry(e),
                _ => {
                    return Err(bad_input(
                        "写批示编号（依据批示交办）或 --entry 记录编号（直接交办），二者写一个；没有写入",
                    ));
                }
            };
            known_operator(operator.as_deref(), config)?;
            let by = actor(operator.as_deref(), config, store)?;
            let ids = store
                .add_tasks(&NewTask {
                    item,
                    instruction_id: instruction,
                    assignees,
                    requirement,
                    due,
                    recorded_by: by,
                    recorded_at: now,
                })
                .map_err(|e| stored(&e))?;
            for id in ids {
                println!("{id}");
            }
            Ok(())
        }
        TaskCommand::List { overdue, json } => {
            let tasks: Vec<_> = store
                .open_tasks()
                .map_err(|e| failure(e.to_string()))?
                .into_iter()
                .filter(|t| !overdue || t.alert(now, warn) == TaskAlert::Overdue)
                .collect();
            if json {
                let shapes: Vec<TaskJson> = tasks.iter().map(TaskJson::from).collect();
                return print_json(&shapes);
            }
            if tasks.is_empty() {
                println!(
                    "{}",
                    if overdue {
                        "没有超期的交办"
                    } else {
                        "没有未办结的交办"
                    }
                );
            }
            for t in &tasks {
                println!(
                    "{}\t{}\t{}\t时限 {}\t{}\t{}",
                    t.id,
                    t.state_label(now, warn),
                    sanitize(&t.assignee, false),
                    format_minute(t.due),
                    t.item.label(),
                    sanitize(crate::core::text::first_line(&t.requirement), false)
                );
            }
            Ok(())
        }
        TaskCommand::Feedback {
            task,
            text: body,
            by,
            done,
            time,
            operator,
        } => {
            let body = text("--text", &body, TEXT_MAX_CHARS, true)?;
            let given_by = text("--by", by.as_deref().unwrap_or(""), NAME_MAX_CHARS, false)?;
            let at = when("--time", time.as_deref(), now)?;
            known_operator(operator.as_deref(), config)?;
            let recorded_by = actor(operator.as_deref(), config, store)?;
            store
                .add_feedback(
                    task,
                    &Feedback {
                        text: body,
                        given_by,
                        at,
                        closes: done,
                        recorded_by,
                        recorded_at: now,
                    },
                )
                .map_err(|e| stored(&e))?;
            println!("{task}");
            Ok(())
        }
    }
}

pub(super) fn run_notice(
    command: NoticeCommand,
    config: &Config,
    store: &mut Store,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    match command {
        NoticeCommand::Add {
            text: body,
            to,
            meeting,
            place,
            reply,
            operator,
        } => {
            let content = text("--text", &body, TEXT_MAX_CHARS, true)?;
            let recipients = names("--to", &to, config)?;
            let meeting_at = meeting
                .as_deref()
                .map(|m| validate::time_ahead(m, now).map_err(|e| bad_input(format!("--meeting：{e}；没有写入"))))
                .transpose()?;
            let place = text("--place", place.as_deref().unwrap_or(""), 100, false)?;
            known_operator(operator.as_deref(), config)?;
            let by = actor(operator.as_deref(), config, store)?;
            let id = store
                .add_notice(&NewPhoneNotice {
                    content,
                    meeting_at,
                    place,
                    reply_needed: reply,
                    recipients,
                    recorded_by: by,
                    recorded_at: now,
                })
                .map_err(|e| stored(&e))?;
            println!("{id}");
            Ok(())
        }
        NoticeCommand::Mark {
            notice,
            recipient,
            outcome,
            taker,
            no_read_back,
            operator,
        } => {
            let outcome = CallOutcome::parse(&outcome).ok_or_else(|| {
                bad_input(format!(
                    "--outcome：“{outcome}”无效，可写：{}；没有写入",
                    CallOutcome::choices()
                ))
            })?;
            let taker = text("--taker", taker.as_deref().unwrap_or(""), NAME_MAX_CHARS, false)?;
            let n = store.notice(notice).map_err(|e| stored(&e))?;
            let wanted = sanitize(&recipient, false);
            let rec = wanted
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| n.recipients.get(i))
                .or_else(|| n.recipients.iter().find(|r| r.name == wanted.trim()))
                .ok_or_else(|| {
                    let all: Vec<&str> = n.recipients.iter().map(|r| r.name.as_str()).collect();
                    bad_input(format!(
                        "第 {notice} 号通知没有对象“{}”：可写 {}，或序号 1-{}；没有写入",
                        wanted.trim(),
                        all.join("、"),
                        all.len()
                    ))
                })?;
            let recipient_id = rec.id;
            known_operator(operator.as_deref(), config)?;
            let by = actor(operator.as_deref(), config, store)?;
            let done = store
                .add_notice_call(
                    notice,
                    recipient_id,
                    &NoticeCall {
                        outcome,
                        taker,
                        read_back: outcome == CallOutcome::Reached && !no_read_back,
                        at: now,
                        recorded_by: by,
                    },
                )
                .map_err(|e| stored(&e))?;
            if done {
                eprintln!("第 {notice} 号通知的对象已全部通知到");
            }
            println!("{notice}");
            Ok(())
        }
        NoticeCommand::List { json } => {
            let (open, done) = store.notices(30).map_err(|e| failure(e.to_string()))?;
            if json {
                let shapes: Vec<NoticeJson> = open.iter().chain(&done).map(NoticeJson::from).collect();
                return print_json(&shapes);
            }
            if open.is_empty() && done.is_empty() {
                println!("还没有电话通知");
            }
            let retry = config.settings.instruction.notice_retry_after;
            for n in open.iter().chain(&done) {
                let (reached, total) = n.progress();
                println!(
                    "{}\t{}\t已通知 {reached}/{total}\t{}",
                    n.id,
                    format_minute(n.recorded_at),
                    sanitize(crate::core::text::first_line(&n.content), false)
                );
                for (i, r) in n.recipients.iter().enumerate() {
                    println!("\t{}. {}\t{}", i + 1, sanitize(&r.name, false), r.state(retry).label());
                }
            }
            Ok(())
        }
    }
}
