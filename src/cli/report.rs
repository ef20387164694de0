//! `zhiban report daily [--date YYYY-MM-DD | --until-now] [--format text|md|csv]`: the 值班日报 for
//! the 24 hours ending at the configured `day_ends` on the date (default today), or the period in
//! progress up to now, on stdout. CSV is UTF-8 with a BOM.
//!
//! `zhiban report mark-sent DATE --to … --method … --signer … [--time …] [--operator …]`: records
//! that the report of the period ending on DATE was sent (已报送), keeping its text exactly as
//! `report daily --date DATE` prints it now.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use clap::Subcommand;

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::core::report::Window;
use crate::core::report_sent::{SendingDraft, SendingField, build_sending};
use crate::core::validate::format_minute;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub(super) enum ReportCommand {
    /// 值班日报：截至某日日报截止时刻（配置 [report] day_ends，默认 08:00）的 24 小时内的值班记录、重要事项、紧急事件、来访和未办结事项
    Daily {
        /// 日报日期 YYYY-MM-DD（时段为前一日截止时刻至当日截止时刻；默认今天）
        #[arg(long, value_name = "日期")]
        date: Option<String>,
        /// 本期（尚未结束）截至现在的日报：从上一个截止时刻到现在
        #[arg(long)]
        until_now: bool,
        /// 输出格式：text（默认）、md、csv（UTF-8，带 BOM，可用 Excel、WPS 直接打开）
        #[arg(long, value_name = "格式")]
        format: Option<String>,
    },
    /// 标记某期值班日报已报送：记下报送时间、对象、方式、签发人，并保存该期日报此刻的全文（与 report daily --date 日期 输出的相同）。记录不可更改；再次报送再记一条
    MarkSent {
        /// 该期日报的日期 YYYY-MM-DD（时段截止的那一天）
        #[arg(value_name = "日期")]
        date: String,
        /// 报送对象，如 上级总值班室
        #[arg(long, value_name = "报送对象")]
        to: String,
        /// 报送方式：电话、传真、电子邮件、机要、其他
        #[arg(long, value_name = "方式")]
        method: String,
        /// 签发人姓名
        #[arg(long, value_name = "姓名")]
        signer: String,
        /// 报送时间（默认现在），如 '2026-11-23 09:10' 或 09:10
        #[arg(long, value_name = "时间")]
        time: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
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

/// The period ending on `date` at the configured time, refused while it has not begun.
fn period(option: &str, date: NaiveDate, config: &Config, now: NaiveDateTime) -> Result<Window, Failure> {
    let window = Window::ending(date, config.settings.report.day_ends);
    if window.from > now {
        return Err(bad_input(format!(
            "{option}：{date} 的值班日报时段（{} 至 {}）尚未开始：请写今天或以前的日期",
            format_minute(window.from),
            format_minute(window.to)
        )));
    }
    Ok(window)
}

pub(super) fn run(
    command: ReportCommand,
    config: &Config,
    open_store: impl FnOnce() -> Result<Store, Failure>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    match command {
        ReportCommand::Daily {
            date,
            until_now,
            format,
        } => daily(date, until_now, format, config, open_store, now),
        ReportCommand::MarkSent {
            date,
            to,
            method,
            signer,
            time,
            operator,
        } => {
            let window = period("日期", parse_date("日期", &date)?, config, now)?;
            let draft = SendingDraft {
                sent_at: time.unwrap_or_else(|| format_minute(now)),
                recipient: to,
                method,
                signer,
            };
            // Checked before anything is opened: a refused command creates nothing.
            checked(window, &draft, "（检查）", "", now)?;
            super::known_operator(operator.as_deref(), config)?;
            let mut store = open_store()?;
            // The text exactly as `report daily --date` prints it now (before the PIN check adds
            // its row to the audit chain the text's anchor names).
            let text = store
                .daily_report_for(window, now)
                .map_err(|e| failure(e.to_string()))?
                .to_text(&config.settings.office_name, config.settings.leader_title());
            let by = super::actor(operator.as_deref(), config, &mut store)?;
            let sending = checked(window, &draft, &text, &by, now)?;
            let id = store.mark_report_sent(&sending).map_err(|e| failure(e.to_string()))?;
            // What was given is repeated: an ID number typed into it is masked, as in every message.
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                crate::core::idcard::mask_in_text(&crate::core::text::sanitize(&sending.describe(), false))
            );
            println!("{id}");
            Ok(())
        }
    }
}

/// The sending as the core checks it, each problem under the option it came from.
fn checked(
    window: Window,
    draft: &SendingDraft,
    text: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<crate::core::report_sent::ReportSending, Failure> {
    build_sending(window, draft, text, by, now).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|(field, why)| {
                let option = match field {
                    SendingField::SentAt => "--time",
                    SendingField::Recipient => "--to",
                    SendingField::Method => "--method",
                    SendingField::Signer => "--signer",
                };
                format!("{option}：{why}")
            })
            .collect();
        bad_input(format!("{}；没有记录", lines.join("；")))
    })
}

fn daily(
    date: Option<String>,
    until_now: bool,
    format: Option<String>,
    config: &Config,
    open_store: impl FnOnce() -> Result<Store, Failure>,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    let format = match format.as_deref().map(str::trim) {
        None | Some("text" | "txt") => Format::Text,
        Some("md" | "markdown") => Format::Markdown,
        Some("csv") => Format::Csv,
        Some(other) => {
            return Err(bad_input(format!("--format：格式“{other}”无效，可写：text、md、csv")));
        }
    };
    let window = match (date, until_now) {
        (Some(_), true) => {
            return Err(bad_input(
                "--until-now 与 --date 只能写一个：--until-now 是本期截至现在的日报".to_string(),
            ));
        }
        (None, true) => Window::in_progress(now, config.settings.report.day_ends),
        (Some(d), false) => period("--date", parse_date("--date", &d)?, config, now)?,
        (None, false) => period("--date", now.date(), config, now)?,
    };
    let store = open_store()?;
    let report = store
        .daily_report_for(window, now)
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
        .map_err(|e| super::output::io_failure("日报", &e))
}
