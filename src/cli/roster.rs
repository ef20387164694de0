//! `zhiban roster import|show`: load a roster from CSV (all or nothing), print a month.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, NaiveTime};
use clap::Subcommand;

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::core::json::ShiftJson;
use crate::core::roster::{effective_shifts, gaps, parse_csv, source_window};
use crate::core::validate::format_minute;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub(super) enum RosterCommand {
    /// 导入排班表 CSV（表头：开始,结束,带班领导,主班,副班；时间写 YYYY-MM-DD HH:MM）。
    /// 有任何一行出错就一行也不导入，并逐行列出错误；重新导入同一时段会替换原来导入的班次
    Import {
        /// CSV 文件（UTF-8）
        file: PathBuf,
        /// 导入人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 打印一个月的排班（含调班和空缺）
    Show {
        /// 月份 YYYY-MM（默认本月）
        #[arg(long)]
        month: Option<String>,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn run(command: RosterCommand, config: &Config, store: &mut Store, operator: String) -> Result<(), Failure> {
    let settings = &config.settings;
    match command {
        RosterCommand::Import { file, .. } => {
            let bytes = crate::files::read_regular(&file, crate::files::CSV_MAX_BYTES, "排班表 CSV 文件")
                .map_err(|e| bad_input(e.to_string()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                bad_input(format!(
                    "{} 不是 UTF-8 编码：请在表格软件中“另存为 CSV UTF-8”后再导入",
                    file.display()
                ))
            })?;
            let shifts = parse_csv(&text, &settings.people).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                bad_input(format!(
                    "{} 有 {} 处错误，一行也没有导入：\n{}",
                    file.display(),
                    errors.len(),
                    lines.join("\n")
                ))
            })?;
            let name = file.display().to_string();
            let n = store
                .import_roster(&shifts, &operator, &name, crate::runtime::now())
                .map_err(|e| bad_input(e.to_string()))?;
            let (first, last) = (shifts.first(), shifts.last());
            match (first, last) {
                (Some(a), Some(b)) => println!(
                    "已导入 {n} 个班次：{} 至 {}",
                    format_minute(a.start),
                    format_minute(b.end)
                ),
                _ => println!("文件中没有班次，未作改动"),
            }
            Ok(())
        }
        RosterCommand::Show { month, json } => {
            let today = crate::runtime::now().date();
            let first = match month {
                Some(m) => NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d")
                    .map_err(|_| bad_input(format!("--month“{m}”无效：请写成 2026-11 的样子")))?,
                None => today.with_day(1).unwrap_or(today),
            };
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| bad_input("月份超出范围"))?;
            let (from, to) = (first.and_time(NaiveTime::MIN), next.and_time(NaiveTime::MIN));
            let (sf, st) = source_window(from, to);
            let imported = store.planned_shifts(sf, st).map_err(|e| failure(e.to_string()))?;
            let swaps = store.swaps(sf, st).map_err(|e| failure(e.to_string()))?;
            let shifts = effective_shifts(
                settings.roster.as_ref(),
                &settings.calendar,
                &imported,
                &swaps,
                from,
                to,
            );
            let holes = gaps(&shifts, from, to);
            if json {
                let items: Vec<ShiftJson> = shifts.iter().map(|s| ShiftJson::new(s, &settings.calendar)).collect();
                return super::print_json(&items);
            }
            for s in &shifts {
                let swapped: String = s
                    .swaps
                    .iter()
                    .map(|w| format!("\t调班：{} {}→{}（{}）", w.post.label(), w.from, w.to, w.reason))
                    .collect();
                println!(
                    "{}\t{}\t{}\t{} {}\t主班 {}\t副班 {}\t{}{swapped}",
                    format_minute(s.start),
                    format_minute(s.end),
                    settings.calendar.day_kind(s.start.date()).label(),
                    settings.leader_short(),
                    s.leader,
                    s.primary,
                    s.deputy,
                    s.source.label()
                );
            }
            for g in &holes {
                println!(
                    "空缺\t{}\t{}\t{}",
                    format_minute(g.from),
                    format_minute(g.to),
                    g.reason.label()
                );
            }
            Ok(())
        }
    }
}
