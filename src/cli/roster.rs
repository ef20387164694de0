//! `zhiban roster import|show`: load a roster from CSV (all or nothing), print a month.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, NaiveTime};
use clap::Subcommand;

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::core::json::ShiftJson;
use crate::core::roster::{CSV_HEADER, CSV_STAFF_COLUMN, Shift, effective_shifts, gaps, parse_csv, source_window};
use crate::core::roster_plan::{
    CompTaken, approval_problems, check_comp, comp_balances, days_text, draft_from_rotation, month_label, month_span,
    parse_days, parse_month, version_problems,
};
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
    /// 生成某月排班的新一版草稿：按配置的轮值，或从 CSV 文件（可有第 6 列“其他值班人员”，多人用顿号分隔）
    Draft {
        /// 月份 YYYY-MM
        #[arg(long)]
        month: String,
        /// 从这个 CSV 文件生成（不写则按轮值）
        #[arg(long)]
        csv: Option<PathBuf>,
        /// 草拟人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 列出某月排班的各个版本（草拟/已批准/已发布），并打印最新一版的班次
    Plan {
        /// 月份 YYYY-MM
        #[arg(long)]
        month: String,
        /// 以 CSV 打印最新一版的班次（可改后再用 draft --csv 生成新一版）
        #[arg(long)]
        csv: bool,
    },
    /// 领导批准某月排班的最新草稿（--operator 为批准的领导，从标准输入读入其本人 PIN）
    Approve {
        #[arg(long)]
        month: String,
        #[arg(long)]
        operator: String,
    },
    /// 发布某月已批准的排班：此后按这一版排班
    Publish {
        #[arg(long)]
        month: String,
        #[arg(long)]
        operator: String,
    },
    /// 到岗签到：为此刻（或一小时内开始）的班次签到，须是这个班次上的人，从标准输入读入本人 PIN
    Signon {
        #[arg(long)]
        operator: String,
    },
    /// 打印某年各人节假日值班应补休、已补休和尚欠的天数
    Comp {
        /// 年份（默认今年）
        #[arg(long)]
        year: Option<i32>,
    },
    /// 登记补休（--operator 为批准的领导，从标准输入读入其本人 PIN）
    CompTake {
        /// 补休的人
        person: String,
        /// 补休日期 YYYY-MM-DD
        #[arg(long)]
        day: String,
        /// 天数（可写 0.5）
        #[arg(long)]
        days: String,
        /// 备注
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        operator: String,
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

/// Reads and parses a roster CSV file: every error by line, nothing partial.
fn read_csv(file: &std::path::Path, settings: &crate::core::settings::Settings) -> Result<Vec<Shift>, Failure> {
    let text = super::read_csv_text(file, "排班表 CSV 文件")?;
    parse_csv(&text, &settings.people).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bad_input(format!(
            "{} 有 {} 处错误，一行也没有导入：\n{}",
            file.display(),
            errors.len(),
            lines.join("\n")
        ))
    })
}

/// Problems listed: the first twenty, then how many more (a wrong month in a large file would
/// otherwise print a line per shift).
fn listed(problems: &[String]) -> Vec<String> {
    const SHOWN: usize = 20;
    let mut out: Vec<String> = problems.iter().take(SHOWN).cloned().collect();
    if problems.len() > SHOWN {
        out.push(format!("……另有 {} 处，改正以上各处后再看", problems.len() - SHOWN));
    }
    out
}

/// The months' versions, for `roster plan` and the messages of approve and publish.
fn plan_of(store: &Store, month: &str) -> Result<crate::core::roster_plan::MonthPlan, Failure> {
    let month = parse_month(month).map_err(bad_input)?;
    store.roster_month_plan(month).map_err(|e| failure(e.to_string()))
}

/// What `roster show` and `roster comp` read: the shifts in force over [`from`, `to`).
fn shifts_in_force(
    store: &Store,
    settings: &crate::core::settings::Settings,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Result<Vec<Shift>, Failure> {
    let (sf, st) = source_window(from, to);
    let imported = store.planned_shifts(sf, st).map_err(|e| failure(e.to_string()))?;
    let swaps = store.swaps(sf, st).map_err(|e| failure(e.to_string()))?;
    Ok(effective_shifts(
        settings.roster.as_ref(),
        &settings.calendar,
        &imported,
        &swaps,
        from,
        to,
    ))
}

/// Written, not `println!`: a reader that stops early (`| head`) must not make it panic.
macro_rules! say {
    ($w:expr, $($arg:tt)*) => {
        writeln!($w, $($arg)*).map_err(|e| super::output::stdout_failure(&e))?
    };
}

pub(super) fn run(command: RosterCommand, config: &Config, store: &mut Store, operator: String) -> Result<(), Failure> {
    let mut w = super::output::stdout();
    let done = run_to(command, config, store, operator, &mut w);
    super::output::finish(w)?;
    done
}

fn run_to(
    command: RosterCommand,
    config: &Config,
    store: &mut Store,
    operator: String,
    w: &mut impl std::io::Write,
) -> Result<(), Failure> {
    let settings = &config.settings;
    let now = crate::runtime::now();
    match command {
        RosterCommand::Draft { month, csv, .. } => {
            let month = parse_month(&month).map_err(bad_input)?;
            if month < crate::core::roster_plan::month_of(now.date()) {
                return Err(bad_input(format!("{} 已经过去，不能再草拟排班", month_label(month))));
            }
            let (shifts, source) = match &csv {
                Some(file) => (read_csv(file, settings)?, file.display().to_string()),
                None => {
                    let rotation = settings.roster.as_ref().ok_or_else(|| {
                        bad_input("没有配置轮值（[roster] primaries 为空）：请用 --csv 文件 生成草稿")
                    })?;
                    (
                        draft_from_rotation(rotation, &settings.calendar, month),
                        "轮值".to_string(),
                    )
                }
            };
            let problems = version_problems(&shifts, month, &settings.people);
            if !problems.is_empty() {
                return Err(bad_input(format!("没有生成草稿：\n{}", listed(&problems).join("\n"))));
            }
            let v = store
                .add_roster_version(month, &shifts, &source, &operator, now)
                .map_err(|e| bad_input(e.to_string()))?;
            say!(
                w,
                "已保存：{} 第{}版草稿（{}，{} 个班次）",
                month_label(month),
                v.version,
                source,
                shifts.len()
            );
            for p in listed(&approval_problems(&shifts, month)) {
                say!(w, "批准前须改正：{p}");
            }
            Ok(())
        }
        RosterCommand::Plan { month, csv } => {
            let plan = plan_of(store, &month)?;
            let latest = plan.latest();
            let shifts = match latest {
                Some(v) => store.roster_version_shifts(v.id).map_err(|e| failure(e.to_string()))?,
                None => Vec::new(),
            };
            if csv {
                // The file `draft --csv` reads back (BOM, quoting and formula guard as every export).
                use crate::core::csv::{csv_document, spreadsheet_safe};
                let mut rows: Vec<Vec<String>> = vec![
                    CSV_HEADER
                        .split(',')
                        .chain([CSV_STAFF_COLUMN])
                        .map(str::to_string)
                        .collect(),
                ];
                rows.extend(shifts.iter().map(|s| {
                    [
                        s.start.format("%Y-%m-%d %H:%M").to_string(),
                        s.end.format("%Y-%m-%d %H:%M").to_string(),
                        s.leader.clone(),
                        s.primary.clone(),
                        s.deputy.clone(),
                        s.staff.join("、"),
                    ]
                    .iter()
                    .map(|c| spreadsheet_safe(c))
                    .collect()
                }));
                w.write_all(&csv_document(rows))
                    .map_err(|e| super::output::stdout_failure(&e))?;
                return Ok(());
            }
            say!(w, "{}", plan.summary());
            for v in &plan.versions {
                say!(w, "  {}  来源：{}", v.describe(), v.source);
            }
            for s in &shifts {
                say!(
                    w,
                    "{}\t{}\t{} {}\t主班 {}\t副班 {}\t{}",
                    format_minute(s.start),
                    format_minute(s.end),
                    settings.leader_short(),
                    s.leader,
                    s.primary,
                    s.deputy,
                    s.staff.join("、")
                );
            }
            if let Some(v) = latest {
                for p in listed(&approval_problems(&shifts, v.month)) {
                    say!(w, "批准前须改正：{p}");
                }
            }
            Ok(())
        }
        RosterCommand::Approve { month, .. } => {
            let plan = plan_of(store, &month)?;
            let v = plan.to_approve().map_err(bad_input)?;
            let role = settings
                .person(&operator)
                .map(|p| p.role.label().to_string())
                .unwrap_or_default();
            store
                .approve_roster(v.id, &operator, &role, &operator, now)
                .map_err(|e| bad_input(e.to_string()))?;
            say!(
                w,
                "已批准：{} 第{}版（批准人 {operator}）",
                month_label(v.month),
                v.version
            );
            Ok(())
        }
        RosterCommand::Publish { month, .. } => {
            let plan = plan_of(store, &month)?;
            let v = plan.to_publish().map_err(bad_input)?;
            store
                .publish_roster(v.id, &operator, now)
                .map_err(|e| bad_input(e.to_string()))?;
            say!(w, "已发布：{} 第{}版", month_label(v.month), v.version);
            Ok(())
        }
        RosterCommand::Signon { .. } => {
            let shifts = shifts_in_force(
                store,
                settings,
                now - chrono::Duration::days(2),
                now + chrono::Duration::days(1),
            )?;
            let shift = crate::core::roster_plan::arrival_shift(&shifts, &operator, now).map_err(bad_input)?;
            store
                .add_signon(shift.start, &operator, &operator, now)
                .map_err(|e| bad_input(e.to_string()))?;
            say!(w, "已到岗签到：{operator}，{} 开始的班次", format_minute(shift.start));
            Ok(())
        }
        RosterCommand::Comp { year } => {
            let year = year.unwrap_or(now.date().year());
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad_input("年份超出范围"))?;
            let (from, _) = month_span(first);
            let to = NaiveDate::from_ymd_opt(year + 1, 1, 1)
                .ok_or_else(|| bad_input("年份超出范围"))?
                .and_time(NaiveTime::MIN);
            let shifts = shifts_in_force(store, settings, from, to)?;
            let taken = store.comp_leave(year).map_err(|e| failure(e.to_string()))?;
            let rows = comp_balances(
                &shifts,
                &settings.calendar,
                settings.roster_rules.comp,
                &taken,
                year,
                now,
            );
            say!(
                w,
                "{year} 年补休（节假日值班每班计 {}）：",
                days_text(settings.roster_rules.comp.holiday_half_days)
            );
            if rows.is_empty() {
                say!(w, "  没有节假日值班记录");
            }
            for b in &rows {
                say!(
                    w,
                    "  {}\t节假日值班 {} 班\t应补休 {}\t已补休 {}\t尚欠 {}",
                    b.person,
                    b.shifts,
                    days_text(b.earned_half_days),
                    days_text(b.taken_half_days),
                    days_text(b.owed_half_days())
                );
            }
            Ok(())
        }
        RosterCommand::CompTake {
            person,
            day,
            days,
            note,
            ..
        } => {
            let person = person.trim().to_string();
            check_comp(&person, &operator, &settings.people).map_err(bad_input)?;
            let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .map_err(|_| bad_input(format!("--day“{day}”无效：请写成 2026-10-20 的样子")))?;
            let half_days = parse_days(&days).map_err(bad_input)?;
            store
                .add_comp_leave(&CompTaken {
                    id: 0,
                    person: person.clone(),
                    day,
                    half_days,
                    approved_by: operator.clone(),
                    recorded_by: operator.clone(),
                    recorded_at: now,
                    note: crate::core::text::sanitize(note.trim(), false),
                })
                .map_err(|e| bad_input(e.to_string()))?;
            say!(
                w,
                "已登记补休：{person} {} {}（批准人 {operator}）",
                day.format("%Y-%m-%d"),
                days_text(half_days)
            );
            Ok(())
        }
        RosterCommand::Import { file, .. } => {
            let shifts = read_csv(&file, settings)?;
            let name = file.display().to_string();
            let n = store
                .import_roster(&shifts, &operator, &name, crate::runtime::now())
                .map_err(|e| bad_input(e.to_string()))?;
            let (first, last) = (shifts.first(), shifts.last());
            match (first, last) {
                (Some(a), Some(b)) => say!(
                    w,
                    "已导入 {n} 个班次：{} 至 {}",
                    format_minute(a.start),
                    format_minute(b.end)
                ),
                _ => say!(w, "文件中没有班次，未作改动"),
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
            let shifts = shifts_in_force(store, settings, from, to)?;
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
                say!(
                    w,
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
                say!(
                    w,
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
