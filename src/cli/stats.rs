//! `zhiban stats --month YYYY-MM | --year YYYY [--format text|md|csv|a4]`: the 月度统计 of a month or
//! a year on stdout (a period in progress as of now). CSV is UTF-8 with a BOM.

use std::io::Write;

use chrono::NaiveDateTime;

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::core::stats::Period;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Csv,
    /// The text laid out for A4 (76 columns, numbered pages): for printing.
    A4,
}

/// The period asked for: exactly one of `--month` and `--year`, begun by `now`.
fn period(month: Option<&str>, year: Option<&str>, now: NaiveDateTime) -> Result<Period, Failure> {
    let (option, period) = match (month, year) {
        (Some(_), Some(_)) => {
            return Err(bad_input(
                "--month 与 --year 只能写一个：--month 2026-11 统计一个月，--year 2025 统计一年".to_string(),
            ));
        }
        (None, None) => {
            return Err(bad_input(
                "请写要统计的时段：--month 2026-11（一个月）或 --year 2025（一年）".to_string(),
            ));
        }
        (Some(m), None) => ("--month", Period::parse_month(m)),
        (None, Some(y)) => ("--year", Period::parse_year(y)),
    };
    let period = period.map_err(|why| bad_input(format!("{option}：{why}")))?;
    if period.is_future(now) {
        return Err(bad_input(format!(
            "{option}：{} 尚未开始：请写本{}或以前的",
            period.label(),
            if period.is_year() { "年" } else { "月" }
        )));
    }
    Ok(period)
}

pub(super) fn run(
    month: Option<&str>,
    year: Option<&str>,
    format: Option<&str>,
    config: &Config,
    open_store: impl FnOnce() -> Result<Store, Failure>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let format = match format.map(str::trim) {
        None | Some("text" | "txt") => Format::Text,
        Some("md" | "markdown") => Format::Markdown,
        Some("csv") => Format::Csv,
        Some("a4") => Format::A4,
        Some(other) => {
            return Err(bad_input(format!(
                "--format：格式“{other}”无效，可写：text、md、csv、a4"
            )));
        }
    };
    let period = period(month, year, now)?;
    let store = open_store()?;
    let stats = store.stats(period, now).map_err(|e| failure(e.to_string()))?;
    let office = &config.settings.office_name;
    let bytes = match format {
        Format::Text => stats.to_text(office).into_bytes(),
        Format::Markdown => stats.to_markdown(office).into_bytes(),
        Format::Csv => stats.to_csv(office),
        Format::A4 => crate::core::paper::a4_pages(&stats.to_text(office), "zhiban stats（月度统计）").into_bytes(),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| super::output::io_failure("统计", &e))
}
