//! `zhiban export --from YYYY-MM-DD --to YYYY-MM-DD --format csv|json [--kind …] [--out DIR]`:
//! every record of the chosen kinds in the date range, streamed one record at a time.
//!
//! Where it goes:
//! - without `--out`, to stdout: JSON for one kind is an array, for 全部 one object with an array
//!   per kind (`log_entries`, `visits`, `events`, `handovers`); CSV only for one kind (a CSV file
//!   holds one table), so `--format csv` with 全部 needs `--out`;
//! - with `--out DIR`, one file per kind, `值班记录_2026-11-01_2026-11-30.csv` and so on, created
//!   0600 in a directory created 0700 if missing ([`crate::files::create_private`]); an existing
//!   file or link is never overwritten or followed, and a file cut off by an error (a full disk)
//!   is removed. The paths are printed on stdout, the counts on stderr.
//!
//! The range is whole days: from 00:00 on `--from` to the end of `--to`. Records belong to a day by
//! 发生时间 (值班记录), 进入时间 (来访), 接报时间 (紧急事件) and 交接时间 (交接班). ID numbers are
//! always masked (see [`crate::core::json`]).

use std::io::{BufWriter, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::output::{self, StreamError, io_failure};
use super::report::parse_date;
use super::{Failure, bad_input, failure};
use crate::core::csv::{BOM, spreadsheet_safe};
use crate::core::export::{RecordKind, entry_csv, event_csv, handover_csv, visit_csv};
use crate::core::json::{EntryJson, EventJson, HandoverJson, VisitJson};
use crate::store::{Store, StoreError};

/// What `--kind` also accepts: every kind.
const ALL_KINDS: &str = "全部";

#[derive(clap::Args, Debug)]
pub(super) struct ExportArgs {
    /// 起始日期 YYYY-MM-DD（含当天）
    #[arg(long, value_name = "日期")]
    from: String,
    /// 截止日期 YYYY-MM-DD（含当天）
    #[arg(long, value_name = "日期")]
    to: String,
    /// 格式：csv（UTF-8，带 BOM，每类一个文件）或 json（对象数组，键名 snake_case）
    #[arg(long, value_name = "格式")]
    format: String,
    /// 记录类别：值班记录、来访、紧急事件、交接班、全部（默认全部）
    #[arg(long, value_name = "类别")]
    kind: Option<String>,
    /// 输出目录：每类记录写一个文件（不给则写到标准输出；CSV 导出全部时必须给）
    #[arg(long, value_name = "目录")]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        failure(e.to_string())
    }
}

/// Checked arguments.
struct Plan {
    from: NaiveDateTime,
    to: NaiveDateTime,
    from_date: NaiveDate,
    to_date: NaiveDate,
    format: Format,
    kinds: Vec<RecordKind>,
    out: Option<PathBuf>,
}

fn plan(args: ExportArgs) -> Result<Plan, Failure> {
    let format = match args.format.trim() {
        "csv" => Format::Csv,
        "json" => Format::Json,
        other => return Err(bad_input(format!("--format：格式“{other}”无效，可写：csv、json"))),
    };
    let kinds = match args.kind.as_deref().map(str::trim) {
        None | Some(ALL_KINDS) => RecordKind::ALL.to_vec(),
        Some(k) => vec![RecordKind::parse(k).ok_or_else(|| {
            bad_input(format!(
                "--kind：类别“{k}”无效，可写：{}、{ALL_KINDS}",
                RecordKind::choices()
            ))
        })?],
    };
    let from_date = parse_date("--from", &args.from)?;
    let to_date = parse_date("--to", &args.to)?;
    if from_date > to_date {
        return Err(bad_input(format!(
            "--from（{from_date}）晚于 --to（{to_date}）：起始日期不能晚于截止日期，请对调"
        )));
    }
    if format == Format::Csv && kinds.len() > 1 && args.out.is_none() {
        return Err(bad_input(
            "CSV 每类记录一个文件：导出全部记录时请加 --out 目录，或用 --kind 只导出一类，或改用 --format json",
        ));
    }
    Ok(Plan {
        from: from_date.and_time(chrono::NaiveTime::MIN),
        to: (to_date + Duration::days(1)).and_time(chrono::NaiveTime::MIN),
        from_date,
        to_date,
        format,
        kinds,
        out: args.out,
    })
}

pub(super) fn run(args: ExportArgs, open_store: impl FnOnce() -> Result<Store, Failure>) -> Result<(), Failure> {
    let plan = plan(args)?;
    if let Some(dir) = &plan.out {
        let files: Vec<(RecordKind, PathBuf)> = plan
            .kinds
            .iter()
            .map(|k| {
                let name = format!(
                    "{}_{}_{}.{}",
                    k.label(),
                    plan.from_date,
                    plan.to_date,
                    plan.format.ext()
                );
                (*k, dir.join(name))
            })
            .collect();
        if dir.exists() && !dir.is_dir() {
            return Err(bad_input(format!("--out：{} 不是目录", dir.display())));
        }
        // A link counts as taken, even one pointing nowhere: it is never followed.
        if let Some((_, p)) = files.iter().find(|(_, p)| std::fs::symlink_metadata(p).is_ok()) {
            return Err(bad_input(format!(
                "--out：{} 已存在，没有导出：请换一个目录或先移走旧文件",
                p.display()
            )));
        }
        let mut store = open_store()?;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| failure(format!("无法创建目录 {}：{e}", dir.display())))?;
        return store.read_snapshot(|store| {
            for (kind, path) in &files {
                let target = path.display().to_string();
                let file = crate::files::create_private(path).map_err(|e| failure(e.to_string()))?;
                let mut w = BufWriter::new(file);
                let written = write_kind(store, &plan, *kind, &mut w)
                    .and_then(|n| w.flush().map(|()| n).map_err(StreamError::from))
                    .map_err(|e| e.into_failure(&target))
                    .and_then(|n| {
                        w.into_inner()
                            .map_err(|e| io_failure(&target, e.error()))?
                            .sync_all()
                            .map_err(|e| io_failure(&target, &e))?;
                        Ok(n)
                    });
                // A cut-off file must not pass for the export (a full disk), nor block the retry.
                let n = written.inspect_err(|_| {
                    let _ = std::fs::remove_file(path);
                })?;
                // The file is written: a reader of stdout that went away ends the verb quietly.
                writeln!(std::io::stdout(), "{target}").map_err(|e| output::stdout_failure(&e))?;
                eprintln!("zhiban：已导出{} {n} 条", kind.label());
            }
            Ok(())
        });
    }
    let mut store = open_store()?;
    let mut w = output::stdout();
    store.read_snapshot(|store| {
        let result = if plan.kinds.len() == 1 {
            write_kind(store, &plan, plan.kinds[0], &mut w).map(|_| ())
        } else {
            write_json_object(store, &plan, &mut w)
        };
        result
            .and_then(|()| w.flush().map_err(StreamError::from))
            .map_err(StreamError::into_stdout_failure)
    })
}

/// All kinds as one JSON object of arrays.
fn write_json_object(store: &Store, plan: &Plan, w: &mut impl Write) -> Result<(), StreamError> {
    w.write_all(b"{")?;
    for (i, kind) in plan.kinds.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(w, "\n\"{}\": ", kind.json_key())?;
        write_kind(store, plan, *kind, w)?;
    }
    w.write_all(b"\n}\n")?;
    Ok(())
}

/// One kind as a JSON array or a CSV table (BOM, header, one row per record); returns how many.
fn write_kind(store: &Store, plan: &Plan, kind: RecordKind, w: &mut impl Write) -> Result<u64, StreamError> {
    let (from, to) = (plan.from, plan.to);
    match plan.format {
        Format::Json => {
            let mut first = true;
            let n = match kind {
                RecordKind::Log => store.for_each_entry(from, to, |e| json_item(w, &mut first, &EntryJson::from(&e))),
                RecordKind::Visit => store.for_each_visit(from, to, |v| json_item(w, &mut first, &VisitJson::from(&v))),
                RecordKind::Event => store.for_each_event(from, to, |e| json_item(w, &mut first, &EventJson::from(&e))),
                RecordKind::Handover => {
                    store.for_each_handover(from, to, |h| json_item(w, &mut first, &HandoverJson::from(&h)))
                }
            }?;
            w.write_all(if n == 0 { b"[]" } else { b"\n]" })?;
            if plan.kinds.len() == 1 {
                w.write_all(b"\n")?;
            }
            Ok(n)
        }
        Format::Csv => {
            w.write_all(BOM)?;
            let mut csv = csv::Writer::from_writer(&mut *w);
            csv.write_record(kind.csv_header())?;
            let mut row = |cells: Vec<String>| -> Result<(), StreamError> {
                csv.write_record(cells.iter().map(|c| spreadsheet_safe(c)))?;
                Ok(())
            };
            let n = match kind {
                RecordKind::Log => store.for_each_entry(from, to, |e| row(entry_csv(&e))),
                RecordKind::Visit => store.for_each_visit(from, to, |v| row(visit_csv(&v))),
                RecordKind::Event => store.for_each_event(from, to, |e| row(event_csv(&e))),
                RecordKind::Handover => store.for_each_handover(from, to, |h| row(handover_csv(&h))),
            }?;
            csv.flush()?;
            Ok(n)
        }
    }
}

/// One object of a JSON array being streamed: the opening bracket before the first, a comma before
/// the others.
fn json_item(w: &mut impl Write, first: &mut bool, item: &impl serde::Serialize) -> Result<(), StreamError> {
    w.write_all(if *first { b"[\n" } else { b",\n" })?;
    *first = false;
    serde_json::to_writer(&mut *w, item)?;
    Ok(())
}
