//! `zhiban visit add|checkout|list|reduce`: 来访登记 for scripts (a gate terminal, a card reader),
//! and the retention period applied at once (`reduce`, which the app does a batch at a time when
//! idle: `store/retention.rs`).
//!
//! Every visit goes through [`build_visit`], the rules the 来访登记 form uses too. Document numbers are
//! never printed in full: lists show [`idcard::mask`] only (JSON key `id_number_masked`); `--json`
//! prints each visit whole, as `zhiban export` does ([`crate::core::json::VisitJson`]).

use std::io::Write;

use chrono::NaiveDateTime;
use clap::Subcommand;

use super::{Failure, SCRIPT_OPERATOR, actor, bad_input, failure, known_operator, output};
use crate::config::Config;
use crate::core::idcard;
use crate::core::json::VisitJson;
use crate::core::retention;
use crate::core::text::sanitize;
use crate::core::validate::format_minute;
use crate::core::visit::{
    IdType, NewVisit, Visit, VisitDraft, VisitField, build_visit, describe_repeat, format_plate, watch_matches,
};
use crate::store::{Store, StoreError};

/// The everyday names `--id-type` also accepts, and the document each stands for.
const ID_TYPE_ALIASES: &[(&str, IdType)] = &[
    ("身份证", IdType::ResidentId),
    ("回乡证", IdType::HkMacauResidentPermit),
    ("台胞证", IdType::TaiwanResidentPermit),
];

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub(super) enum VisitCommand {
    /// 登记一位来访人（按来访登记规则校验），成功后只输出来访编号；重访或在关注名单上时另在 stderr 提示
    Add {
        /// 姓名（照证件填写）
        #[arg(long, value_name = "姓名")]
        name: String,
        /// 证件类型：居民身份证（可写“身份证”）、护照、港澳通行证、港澳居民来往内地通行证（可写“回乡证”）、台湾居民来往大陆通行证（可写“台胞证”）、军官证、其他
        #[arg(long, value_name = "类型")]
        id_type: String,
        /// 证件号码（证件类型为“其他”时写明所持证件，如“介绍信 市水利局”）
        #[arg(long, value_name = "号码")]
        id_number: String,
        /// 联系电话（没有可写 ''）
        #[arg(long, value_name = "电话")]
        phone: String,
        /// 来访事由
        #[arg(long, value_name = "事由")]
        purpose: String,
        /// 被访部门/人（须是配置 [visit] hosts 中的一项）
        #[arg(long, value_name = "部门")]
        host: String,
        /// 来访人数（默认 1）
        #[arg(long, value_name = "人数")]
        people: Option<String>,
        /// 工作单位
        #[arg(long, value_name = "单位")]
        employer: Option<String>,
        /// 车牌号，如 云A12345
        #[arg(long, value_name = "车牌")]
        plate: Option<String>,
        /// 性别：男 或 女（不填时按身份证号码第 17 位）
        #[arg(long, value_name = "男|女")]
        gender: Option<String>,
        /// 进入时间 'YYYY-MM-DD HH:MM'（默认现在）
        #[arg(long, value_name = "时间")]
        time: Option<String>,
        /// 登记人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 登记来访人离开（离开时间为现在）
    Checkout {
        /// 来访编号（zhiban visit list 第一列）
        id: i64,
        /// 登记人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出来访登记（最新在前），证件号码只显示首尾几位
    List {
        /// 只列出现在仍在楼内的访客（最早进入的在前，最新在后）
        #[arg(long)]
        inside: bool,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
        /// 最多列出多少条（默认 100，0 表示不限；与 --inside 同用时默认不限，给了则只列最近进入的几位）
        #[arg(long, value_name = "条数")]
        limit: Option<usize>,
    },
    /// 打印一次来访的来访登记表（A4；证件号码、电话遮盖）
    Print {
        /// 来访编号
        id: i64,
        /// markdown（默认）或 text（A4 纯文本，分页、带页码）
        #[arg(long, default_value = "markdown", value_name = "markdown|text")]
        format: String,
    },
    /// 按保存期限（配置 [visit] retention_years，默认 3 年）把更早来访的证件号码和电话（含代表的）只留脱敏形式，输出处理了多少次来访；输入完整号码仍能认出重访
    Reduce {
        /// 只统计将处理多少次来访，不写入
        #[arg(long)]
        dry_run: bool,
        /// 操作人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（系统）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
}

/// Runs a `visit` command. The store is opened only once the input has been checked, so a refused
/// `visit add` leaves no trace, not even a new database file.
pub(super) fn run(
    command: VisitCommand,
    config: &Config,
    open_store: impl FnOnce() -> Result<Store, Failure>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    match command {
        VisitCommand::Add {
            name,
            id_type,
            id_number,
            phone,
            purpose,
            host,
            people,
            employer,
            plate,
            gender,
            time,
            operator,
        } => {
            let draft = VisitDraft {
                name,
                gender: gender.unwrap_or_default(),
                id_type: match ID_TYPE_ALIASES.iter().find(|(alias, _)| *alias == id_type.trim()) {
                    Some((_, t)) => t.label().to_string(),
                    None => id_type,
                },
                id_number,
                employer: employer.unwrap_or_default(),
                phone,
                people_count: people.unwrap_or_default(),
                purpose,
                host,
                plate: plate.unwrap_or_default(),
                entered_at: time.unwrap_or_default(),
                ..VisitDraft::default()
            };
            // The visit's own fields first, so a typo is said before a PIN is asked.
            known_operator(operator.as_deref(), config)?;
            let provisional = operator.as_deref().unwrap_or(SCRIPT_OPERATOR);
            let visit = checked_visit(&draft, config, provisional, now)?;
            let mut store = open_store()?;
            actor(operator.as_deref(), config, &mut store)?;
            add(&mut store, &visit)
        }
        VisitCommand::Print { id, format } => {
            let format = crate::core::paper::PaperFormat::parse(&format)
                .map_err(|e| super::bad_input(format!("--format：{e}")))?;
            let store = open_store()?;
            let visit = store.visit(id).map_err(|e| super::failure(e.to_string()))?;
            print!(
                "{}",
                crate::core::paper::visit_form(&visit, &config.settings.office_name, format)
            );
            Ok(())
        }
        VisitCommand::Checkout { id, operator } => {
            let mut store = open_store()?;
            let by = actor(operator.as_deref(), config, &mut store)?;
            checkout(&mut store, id, &by, now)
        }
        VisitCommand::List { inside, json, limit } => {
            let mut store = open_store()?;
            if !inside {
                let limit = match limit {
                    None => 100,
                    Some(0) => usize::MAX,
                    Some(n) => n,
                };
                return list_visits(&mut store, limit, json, super::output::PAGE_ROWS);
            }
            // Those inside are a building's worth, read at once (the oldest first).
            let mut all = store.visits_inside(now).map_err(|e| failure(e.to_string()))?;
            if let Some(n) = limit.filter(|n| *n > 0 && *n < all.len()) {
                let total = all.len();
                all.drain(..total - n);
                eprintln!("zhiban：在楼共 {total} 位访客，只列出最近进入的 {n} 位；去掉 --limit 可全部列出");
            }
            print_visits(&all, json)
        }
        VisitCommand::Reduce { dry_run, operator } => {
            known_operator(operator.as_deref(), config)?;
            let years = config.settings.visit.retention_years;
            let cutoff = retention::cutoff(now, years);
            let mut store = open_store()?;
            if dry_run {
                let n = store.visits_to_reduce(cutoff).map_err(|e| failure(e.to_string()))?;
                println!(
                    "按保存期限（{years}年），{} 以前进入的 {n} 次来访的证件号码和电话将只留脱敏形式（--dry-run：未写入）",
                    format_minute(cutoff)
                );
                return Ok(());
            }
            let by = match operator.as_deref() {
                None => crate::store::SYSTEM_FINDER.to_string(),
                Some(_) => actor(operator.as_deref(), config, &mut store)?,
            };
            let n = store
                .reduce_visits(cutoff, &by, now)
                .map_err(|e| failure(e.to_string()))?;
            if n == 0 {
                println!(
                    "按保存期限（{years}年），{} 以前进入的来访没有需要脱敏的证件号码和电话",
                    format_minute(cutoff)
                );
            } else {
                println!("{}", retention::reduced_sentence(n, years));
            }
            Ok(())
        }
    }
}

/// The option each field of the form is typed with on the command line.
fn option(field: VisitField) -> &'static str {
    match field {
        VisitField::Name => "--name",
        VisitField::Gender => "--gender",
        VisitField::IdType => "--id-type",
        VisitField::IdNumber => "--id-number",
        VisitField::Employer => "--employer",
        VisitField::Phone => "--phone",
        VisitField::PeopleCount => "--people",
        VisitField::Purpose => "--purpose",
        VisitField::Host => "--host",
        VisitField::Plate => "--plate",
        VisitField::EnteredAt => "--time",
        // Not offered on the command line; the core never complains about them for a draft that
        // leaves them blank, but name the field rather than an option if it ever does.
        _ => "",
    }
}

/// The core's rules plus the command line's own: `--host` must be a configured 被访部门/人. Every
/// problem is reported at once, each on its own line prefixed with its option.
fn checked_visit(draft: &VisitDraft, config: &Config, operator: &str, now: NaiveDateTime) -> Result<NewVisit, Failure> {
    let hosts = &config.settings.visit.hosts;
    let host = sanitize(&draft.host, false).trim().to_string();
    let host_error = (!hosts.contains(&host)).then(|| {
        let what = if host.is_empty() {
            "被访部门/人必须填写".to_string()
        } else {
            format!("被访部门/人“{host}”不在配置中")
        };
        format!(
            "--host：{what}，可写：{}（要增加请改配置文件 [visit] hosts）",
            hosts.join("、")
        )
    });
    let result = build_visit(draft, operator, now, now.date());
    let mut lines: Vec<String> = match &result {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .iter()
            // The host is checked against the configured list above, with a better hint.
            .filter(|(field, _)| !(*field == VisitField::Host && host_error.is_some()))
            .map(|(field, message)| {
                let alias = if *field == VisitField::IdType {
                    let aliases: Vec<String> = ID_TYPE_ALIASES
                        .iter()
                        .map(|(alias, t)| format!("{}也可写“{alias}”", t.label()))
                        .collect();
                    format!("（{}）", aliases.join("，"))
                } else {
                    String::new()
                };
                match option(*field) {
                    "" => format!("{}：{message}", field.label()),
                    flag => format!("{flag}：{message}{alias}"),
                }
            })
            .collect(),
    };
    lines.extend(host_error);
    match (result, lines.len()) {
        (Ok(visit), 0) => Ok(visit),
        (_, 1) => Err(bad_input(lines.concat())),
        (_, n) => Err(bad_input(format!("有 {n} 处要改正，没有登记：\n{}", lines.join("\n")))),
    }
}

fn add(store: &mut Store, visit: &NewVisit) -> Result<(), Failure> {
    let watch = store.watch_list().map_err(|e| failure(e.to_string()))?;
    let watched = watch_matches(&visit.name, &visit.id_number, &watch);
    let id = store.add_visit(visit).map_err(|e| failure(e.to_string()))?;
    println!("{id}");
    for entry in watched {
        eprintln!(
            "zhiban：注意：来访人“{}”与关注名单第 {} 条（{}）相符，关注原因：{}。已照常登记为第 {id} 号来访，请立即按关注原因处置",
            sanitize(&visit.name, false),
            entry.id,
            sanitize(&entry.name, false),
            sanitize(&entry.reason, false),
        );
    }
    // Read back what the store linked, so the line names the visit actually recorded as the
    // previous one. The visit is saved either way: a failed read only loses the hint.
    match store.visit(id) {
        Ok(saved) => {
            if let Some(previous) = &saved.previous {
                eprintln!("zhiban：{}", sanitize(&describe_repeat(previous), false));
            }
        }
        Err(e) => eprintln!("zhiban：第 {id} 号来访已登记，但读取上次来访情况失败（{e}）：可用 zhiban visit list 查看"),
    }
    Ok(())
}

fn checkout(store: &mut Store, id: i64, by: &str, now: NaiveDateTime) -> Result<(), Failure> {
    let visit = store.visit(id).map_err(|e| match e {
        StoreError::NotFound(_) => bad_input(format!(
            "没有第 {id} 号来访：用 zhiban visit list 或 zhiban visit list --inside 查看编号"
        )),
        e => failure(e.to_string()),
    })?;
    let name = sanitize(&visit.fields.name, false);
    if let Some(at) = visit.checked_out_at {
        return Err(bad_input(format!(
            "第 {id} 号来访（{name}）已于 {} 由{}登记离开，不能重复登记：用 zhiban visit list --inside 查看仍在楼内的访客",
            format_minute(at),
            sanitize(visit.checked_out_by.as_deref().unwrap_or("（未记录）"), false)
        )));
    }
    store.checkout(id, by, now).map_err(|e| match e {
        StoreError::Refused(why) => bad_input(why),
        e => failure(e.to_string()),
    })?;
    println!("已登记第 {id} 号来访（{name}）于 {} 离开", format_minute(now));
    Ok(())
}

fn print_visits(visits: &[Visit], json: bool) -> Result<(), Failure> {
    if json {
        let items: Vec<VisitJson> = visits.iter().map(VisitJson::from).collect();
        return super::print_json(&items);
    }
    let mut w = output::stdout();
    visits
        .iter()
        .try_for_each(|v| write_visit(&mut w, v))
        .map_err(output::StreamError::into_stdout_failure)?;
    output::finish(w)
}

/// `visit list` without `--inside`: the visits newest first, at most `limit`, written as the store
/// reads them `page` at a time, all from one snapshot.
fn list_visits(store: &mut Store, limit: usize, json: bool, page: usize) -> Result<(), Failure> {
    let mut w = output::stdout();
    store.read_snapshot(|store| -> Result<(), output::StreamError> {
        if json {
            let mut array = output::JsonArray::begin(&mut w)?;
            store.visit_pages(limit, page, |visits| {
                visits.iter().try_for_each(|v| array.item(&mut w, &VisitJson::from(v)))
            })?;
            array.end(&mut w)?;
        } else {
            store.visit_pages(limit, page, |visits| {
                visits.iter().try_for_each(|v| write_visit(&mut w, v))
            })?;
        }
        Ok(())
    })?;
    output::finish(w)
}

/// One line of `visit list`: the visit's columns separated by tabs, the document number masked.
fn write_visit(w: &mut impl Write, v: &Visit) -> Result<(), output::StreamError> {
    let f = &v.fields;
    let status = match v.checked_out_at {
        Some(t) => format!("已离开 {}", format_minute(t)),
        None => "在楼".to_string(),
    };
    let repeat = v
        .repeat_of
        .map(|p| format!("重访（上次第 {p} 号）"))
        .unwrap_or_default();
    let clean = |s: &str| sanitize(s, false);
    writeln!(
        w,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{} 人\t{}\t{}\t{}\t{status}\t{repeat}",
        v.id,
        format_minute(f.entered_at),
        clean(&f.name),
        f.gender.label(),
        f.id_type.label(),
        clean(&idcard::mask(&f.id_number)),
        clean(&f.employer),
        clean(&f.phone),
        f.people_count,
        clean(&f.purpose),
        clean(&f.host),
        clean(&format_plate(&f.plate)),
    )?;
    Ok(())
}
