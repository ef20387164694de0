//! `zhiban report daily [--date YYYY-MM-DD] [--format text|md|csv]`: the 值班日报 for the 24 hours
//! ending at 08:00 on the date (default today), on stdout. CSV is UTF-8 with a BOM.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use clap::Subcommand;

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::core::report::{DEFAULT_DAY_ENDS, Window};
use crate::core::validate::format_minute;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub(super) enum ReportCommand {
    /// 值班日报：截至某日 08:00 的 24 小时内的值班记录、重要事项、紧急事件、来访和未办结事项
    Daily {
        /// 日报日期 YYYY-MM-DD（时段为前一日 08:00 至当日 08:00；默认今天）
        #[arg(long, value_name = "日期")]
        date: Option<String>,
        /// 输出格式：text（默认）、md、csv（UTF-8，带 BOM，可用 Excel、WPS 直接打开）
        #[arg(long, value_name = "格式")]
        format: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Csv,
}

/// Parses `--date` (YYYY-MM-DD, a real date), naming the option in the message.
pub(super) fn parse_date(option: &str, s: &str) -> Result<NaiveDate, Failure> {
    let t = s.trim();
    let valid = t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') && t.as_bytes().get(7) == Some(&b'-');
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if valid => Ok(d),
        _ => Err(bad_input(format!(
            "{option}：日期“{s}”无效：请按 YYYY-MM-DD 写一个存在的日期，如 2026-11-23"
        ))),
    }
}

pub(super) fn run(
    command: ReportCommand,
    config: &Config,
    open_store: impl FnOnce() -> Result<Store, Failure>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let ReportCommand::Daily { date, format } = command;
    let format = match format.as_deref().map(str::trim) {
        None | Some("text" | "txt") => Format::Text,
        Some("md" | "markdown") => Format::Markdown,
        Some("csv") => Format::Csv,
        Some(other) => {
            return Err(bad_input(format!("--format：格式“{other}”无效，可写：text、md、csv")));
        }
    };
    let date = match date {
        Some(d) => parse_date("--date", &d)?,
        None => now.date(),
    };
    let window = Window::ending(date, DEFAULT_DAY_ENDS);
    if window.from > now {
        return Err(bad_input(format!(
            "--date：{date} 的值班日报时段（{} 至 {}）尚未开始：请写今天或以前的日期",
            format_minute(window.from),
            format_minute(window.to)
        )));
    }
    let store = open_store()?;
    let report = store
        .daily_report(date, DEFAULT_DAY_ENDS, now)
        .map_err(|e| failure(e.to_string()))?;
    let office = &config.settings.office_name;
    let leader = config.settings.leader_title();
    let bytes = match format {
        Format::Text => report.to_text(office, leader).into_bytes(),
        Format::Markdown => report.to_markdown(office, leader).into_bytes(),
        Format::Csv => report.to_csv(office),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| super::export::io_failure("日报", &e))
}
