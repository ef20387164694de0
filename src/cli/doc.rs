//! 收文登记 on the command line (issue 18):
//!
//! - `zhiban doc add --from 来文单位 --title 标题 [--kind 收文|传真|明电] [--number 文号]
//!   [--urgency 特急|加急|平急] [--secret 非密|秘密|机密|绝密] [--copies N] [--pages N]
//!   [--received TIME] [--note 备注] [--clerk 机要员 [--clerk-told TIME]] [--forward A、B]
//!   [--json]`: a document, fax or telegram, numbered in its year of receipt. A secret item (秘密
//!   and above) never enters the computer: a title, 文号 or 备注 on one is refused with
//!   [`SECRET_RULE`]; only that it arrived and which 机要员 was told are kept;
//! - `zhiban doc forward DOC --to A、B [--purpose 阅示] [--at TIME]`: a 转交 to each;
//! - `zhiban doc sign DOC --by NAME [--at TIME] [--forward N|NAME]`: the 签收 of its only unsigned
//!   forward, or of the one named;
//! - `zhiban doc list [--from DATE] [--to DATE] [--unsigned] [--json]`.
//!
//! `DOC` is the 收文编号 as `2026-12` (year and number), `2026年第12号`, or a bare `12` for this
//! year's. Every write is checked by the same rules as the screen ([`check_document`]), is
//! （命令行） unless `--operator` names a person whose PIN comes on standard input, and a refusal
//! exits 2 and writes nothing.

use std::io::Write;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use clap::Subcommand;

use super::{Failure, actor, bad_input, failure, known_operator, output, print_json};
use crate::config::Config;
use crate::core::document::{
    DocField, DocKind, Document, DocumentSettings, Forward, Forwarded, NewDocument, SECRET_RULE, SHORT_MAX_CHARS,
    Secrecy, Signature, TITLE_MAX_CHARS, Urgency, check_document, parse_count,
};
use crate::core::instruction::split_names;
use crate::core::json::DocumentJson;
use crate::core::text::sanitize;
use crate::core::validate::{self, format_minute};
use crate::store::{Store, StoreError};

/// How `DOC` is written, said in `--help` and in every error about it.
const DOC_SYNTAX: &str = "收文编号写成 2026-12（年份-编号）或 2026年第12号，今年的可只写 12";

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub(super) enum DocCommand {
    /// 登记收文、传真、明电：按收到年份编号，输出“已登记：2026年第N号（传真 特急）”。
    /// 密件（秘密及以上）不得录入文号、标题和备注，只登记来文单位、时间、份数和告知的机要员
    Add {
        /// 类别：收文（默认）、传真、明电
        #[arg(long, value_name = "类别")]
        kind: Option<String>,
        /// 文号，如 市防指电〔2026〕12号（密件不填）
        #[arg(long, value_name = "文号")]
        number: Option<String>,
        /// 标题（非密件必填；密件不填）
        #[arg(long, value_name = "标题")]
        title: Option<String>,
        /// 来文单位
        #[arg(long, value_name = "单位")]
        from: String,
        /// 紧急程度：特急、加急、平急（默认）
        #[arg(long, value_name = "程度")]
        urgency: Option<String>,
        /// 密级：非密（默认）、秘密、机密、绝密
        #[arg(long, value_name = "密级")]
        secret: Option<String>,
        /// 份数（默认 1）
        #[arg(long, value_name = "份数")]
        copies: Option<String>,
        /// 页数
        #[arg(long, value_name = "页数")]
        pages: Option<String>,
        /// 收到时间（默认现在），如 '2026-12-05 14:00' 或 14:00
        #[arg(long, value_name = "时间")]
        received: Option<String>,
        /// 备注（密件不填）
        #[arg(long, value_name = "备注")]
        note: Option<String>,
        /// 已告知的机要员（密件必填）
        #[arg(long, value_name = "姓名")]
        clerk: Option<String>,
        /// 告知机要员的时间（写了 --clerk 时默认现在）
        #[arg(long, value_name = "时间")]
        clerk_told: Option<String>,
        /// 登记时即转交：一个或多个人，用顿号或逗号隔开；可写配置中的分组名
        #[arg(long, value_name = "对象")]
        forward: Option<String>,
        /// 输出登记的收文（JSON，与 doc list --json 的对象相同）
        #[arg(long)]
        json: bool,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 转交收文：每个对象一项，各自待签收
    Forward {
        /// 收文编号：2026-12（年份-编号）或 2026年第12号，今年的可只写 12
        #[arg(value_name = "收文编号")]
        doc: String,
        /// 转交给谁，多个用顿号或逗号隔开；可写配置中的分组名
        #[arg(long, value_name = "对象")]
        to: String,
        /// 拟办意见或要求，如 阅示、办理
        #[arg(long, value_name = "意见")]
        purpose: Option<String>,
        /// 转交时间（默认现在）
        #[arg(long, value_name = "时间")]
        at: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 记录签收：收文只有一项待签收的转交时签它，有几项时用 --forward 指明
    Sign {
        /// 收文编号：2026-12（年份-编号）或 2026年第12号，今年的可只写 12
        #[arg(value_name = "收文编号")]
        doc: String,
        /// 签收人
        #[arg(long, value_name = "姓名")]
        by: String,
        /// 签收时间（默认现在）
        #[arg(long, value_name = "时间")]
        at: Option<String>,
        /// 签哪一项转交：转交编号（doc list 中“转交第 N 号”），或转交对象的名字
        #[arg(long, value_name = "转交")]
        forward: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出收文（按收到时间）：不写日期时列出有待签收转交的和最近 100 件
    List {
        /// 起始日期 YYYY-MM-DD（含）
        #[arg(long, value_name = "日期")]
        from: Option<String>,
        /// 截止日期 YYYY-MM-DD（含）
        #[arg(long, value_name = "日期")]
        to: Option<String>,
        /// 只列有待签收转交的
        #[arg(long)]
        unsigned: bool,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
}

/// How many of the newest documents `doc list` shows without dates (besides the unsigned).
const RECENT: usize = 100;

/// A text option cleaned like a field typed on screen (single line unless `multiline`), trimmed.
pub(super) fn clean(value: Option<&str>, multiline: bool) -> String {
    sanitize(value.unwrap_or(""), multiline).trim().to_string()
}

/// A text option cleaned and capped; `required` refuses it empty.
pub(super) fn text(option: &str, value: Option<&str>, max: usize, required: bool) -> Result<String, Failure> {
    let clean = clean(value, false);
    if required && clean.is_empty() {
        return Err(bad_input(format!("{option}：不能为空；没有写入")));
    }
    if clean.chars().count() > max {
        return Err(bad_input(format!("{option}：最多 {max} 字；没有写入")));
    }
    Ok(clean)
}

/// A time option (`now` when not given).
pub(super) fn when(option: &str, value: Option<&str>, now: NaiveDateTime) -> Result<NaiveDateTime, Failure> {
    match value {
        None => Ok(now),
        Some(v) => validate::time(v, now).map_err(|e| bad_input(format!("{option}：{e}；没有写入"))),
    }
}

/// A store error: a refusal is the input's (exit 2), anything else a failure.
pub(super) fn stored(e: &StoreError) -> Failure {
    match e {
        StoreError::Refused(m) => bad_input(format!("{m}；没有写入")),
        StoreError::NotFound(id) => bad_input(format!("没有编号 {id} 的记录；没有写入")),
        other => failure(other.to_string()),
    }
}

/// `--from`/`--to` as whole days (both inclusive), either open: `[from 00:00, the day after to)`.
pub(super) fn day_range(from: Option<&str>, to: Option<&str>) -> Result<(NaiveDateTime, NaiveDateTime), Failure> {
    let from = from.map(|f| super::report::parse_date("--from", f)).transpose()?;
    let to = to.map(|t| super::report::parse_date("--to", t)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(bad_input(format!(
            "--from（{f}）晚于 --to（{t}）：起始日期不能晚于截止日期，请对调"
        )));
    }
    // Bounds a stored time compares with as text (four-digit years: `parse_date` takes no other).
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or_default();
    let start = from.unwrap_or(first).and_time(NaiveTime::MIN);
    let end = to
        .and_then(|t| t.succ_opt())
        .filter(|d| d.year() <= 9999)
        .map_or(last, |d| d.and_time(NaiveTime::MIN));
    Ok((start, end))
}

/// The year and number `DOC` names: `2026-12`, `2026年第12号`, or `12` (the year of `now`).
fn doc_ref(doc: &str, now: NaiveDateTime) -> Result<(i32, i64), Failure> {
    let t = sanitize(doc, false);
    let t = t.trim();
    let bad = || bad_input(format!("“{t}”不是收文编号：{DOC_SYNTAX}；没有写入"));
    let normal = t.replace("年第", "-").replace('年', "-");
    let normal = normal.strip_suffix('号').unwrap_or(&normal);
    let (year, serial) = match normal.split_once('-') {
        Some((y, s)) => (y.trim().parse::<i32>().map_err(|_| bad())?, s.trim()),
        None => (crate::core::document::serial_year(now), normal),
    };
    let serial = serial.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(bad)?;
    Ok((year, serial))
}

/// The document `DOC` names, or a refusal saying how to write it.
pub(super) fn find_doc(store: &Store, doc: &str, now: NaiveDateTime) -> Result<Document, Failure> {
    let (year, serial) = doc_ref(doc, now)?;
    store.document_by_serial(year, serial).map_err(|e| stored(&e))
}

/// The option a document field is typed in, for a refusal.
fn option_of(field: DocField) -> &'static str {
    match field {
        DocField::Kind => "--kind",
        DocField::Secrecy => "--secret",
        DocField::Number => "--number",
        DocField::Title => "--title",
        DocField::From => "--from",
        DocField::Urgency => "--urgency",
        DocField::Copies => "--copies",
        DocField::Pages => "--pages",
        DocField::ReceivedAt => "--received",
        DocField::Note => "--note",
        DocField::Clerk => "--clerk",
        DocField::ClerkToldAt => "--clerk-told",
        DocField::ForwardTo => "--forward",
    }
}

/// One of a labelled enum's values, or a refusal listing them.
fn choice<T>(
    option: &str,
    value: Option<&str>,
    default: T,
    parse: fn(&str) -> Option<T>,
    choices: &str,
) -> Result<T, Failure> {
    match value {
        None => Ok(default),
        Some(v) => parse(v).ok_or_else(|| {
            bad_input(format!(
                "{option}：“{}”无效，可写：{choices}；没有写入",
                sanitize(v, false).trim()
            ))
        }),
    }
}

/// "转交第 3 号 王局长（12-05 14:10）": a forward as the choices name it.
fn forward_name(f: &Forward) -> String {
    format!(
        "转交第 {} 号 {}（{}）",
        f.id,
        sanitize(&f.to_whom, false),
        f.forwarded_at.format("%m-%d %H:%M")
    )
}

pub(super) fn run(command: DocCommand, config: &Config, store: &mut Store, now: NaiveDateTime) -> Result<(), Failure> {
    let groups = &config.settings.instruction.groups;
    match command {
        DocCommand::Add {
            kind,
            number,
            title,
            from,
            urgency,
            secret,
            copies,
            pages,
            received,
            note,
            clerk,
            clerk_told,
            forward,
            json,
            operator,
        } => {
            let kind = choice(
                "--kind",
                kind.as_deref(),
                DocKind::Document,
                DocKind::parse,
                &DocKind::choices(),
            )?;
            let urgency = choice(
                "--urgency",
                urgency.as_deref(),
                Urgency::Normal,
                Urgency::parse,
                &Urgency::choices(),
            )?;
            let secrecy = choice(
                "--secret",
                secret.as_deref(),
                Secrecy::Open,
                Secrecy::parse,
                &Secrecy::choices(),
            )?;
            let number = clean(number.as_deref(), false);
            let title = clean(title.as_deref(), false);
            let note = clean(note.as_deref(), true);
            if secrecy.is_secret() {
                // Said first and alone: a secret item's content is not to be typed anywhere.
                let given: Vec<&str> = [("--number", &number), ("--title", &title), ("--note", &note)]
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(o, _)| *o)
                    .collect();
                if !given.is_empty() {
                    return Err(bad_input(format!("{}：{SECRET_RULE}；没有写入", given.join("、"))));
                }
            } else if clerk.is_some() || clerk_told.is_some() {
                return Err(bad_input(format!(
                    "--clerk：只有密件（--secret {}）登记告知的机要员；没有写入",
                    Secrecy::ALL
                        .iter()
                        .filter(|s| s.is_secret())
                        .map(|s| s.label())
                        .collect::<Vec<_>>()
                        .join("、")
                )));
            }
            let copies = match copies.as_deref() {
                None => 1,
                Some(c) => parse_count("份数", c).map_err(|e| bad_input(format!("--copies：{e}；没有写入")))?,
            };
            let pages = pages
                .as_deref()
                .map(|p| parse_count("页数", p).map_err(|e| bad_input(format!("--pages：{e}；没有写入"))))
                .transpose()?;
            let received_at = when("--received", received.as_deref(), now)?;
            let clerk = clean(clerk.as_deref(), false);
            let clerk_told_at = match clerk_told.as_deref() {
                Some(t) => Some(when("--clerk-told", Some(t), now)?),
                None if !clerk.is_empty() => Some(now),
                None => None,
            };
            let forward_to = match forward.as_deref() {
                None => Vec::new(),
                Some(f) => split_names(&sanitize(f, false), groups)
                    .map_err(|e| bad_input(format!("--forward：{e}；没有写入")))?,
            };
            let mut doc = NewDocument {
                kind,
                secrecy,
                number,
                title,
                from: clean(Some(&from), false),
                urgency,
                copies,
                pages,
                received_at,
                note,
                clerk,
                clerk_told_at,
                forward_to,
                recorded_by: String::new(),
                recorded_at: now,
            };
            check_document(&doc, now).map_err(|errors| {
                let lines: Vec<String> = errors
                    .iter()
                    // --clerk-told defaults with --clerk: a missing clerk is the one thing to say.
                    .filter(|(f, _)| !(*f == DocField::ClerkToldAt && doc.clerk.is_empty() && clerk_told.is_none()))
                    .map(|(f, m)| format!("{}：{m}", option_of(*f)))
                    .collect();
                bad_input(format!("{}；没有写入", lines.join("；")))
            })?;
            known_operator(operator.as_deref(), config)?;
            doc.recorded_by = actor(operator.as_deref(), config, store)?;
            let (id, year, serial) = store.add_document(&doc, now).map_err(|e| stored(&e))?;
            if json {
                let saved = store.document(id).map_err(|e| failure(e.to_string()))?;
                let text = serde_json::to_string(&DocumentJson::from(&saved)).map_err(|e| failure(e.to_string()))?;
                println!("{text}");
                return Ok(());
            }
            let mut what = vec![kind.label(), urgency.label()];
            if secrecy.is_secret() {
                what.push(secrecy.label());
            }
            let forwarded = if doc.forward_to.is_empty() {
                String::new()
            } else {
                format!("，已转交 {}", sanitize(&doc.forward_to.join("、"), false))
            };
            println!(
                "已登记：{}（{}）{forwarded}",
                crate::core::document::serial_label(year, serial),
                what.join(" ")
            );
            Ok(())
        }
        DocCommand::Forward {
            doc,
            to,
            purpose,
            at,
            operator,
        } => {
            let names =
                split_names(&sanitize(&to, false), groups).map_err(|e| bad_input(format!("--to：{e}；没有写入")))?;
            if let Some(bad) = names.iter().find(|n| n.chars().count() > SHORT_MAX_CHARS) {
                return Err(bad_input(format!(
                    "--to：“{bad}”太长：每个最多 {SHORT_MAX_CHARS} 字；没有写入"
                )));
            }
            let purpose = text("--purpose", purpose.as_deref(), TITLE_MAX_CHARS, false)?;
            let at = when("--at", at.as_deref(), now)?;
            let d = find_doc(store, &doc, now)?;
            // One rule with the screen and the store: not a secret item, not before it arrived.
            crate::core::document::check_forward(d.received_at, d.secrecy.is_secret(), &names, at)
                .map_err(|e| bad_input(format!("{e}；没有写入")))?;
            known_operator(operator.as_deref(), config)?;
            let by = actor(operator.as_deref(), config, store)?;
            let ids = store
                .add_forwards(Forwarded::Document(d.id), &names, &purpose, at, &by, now)
                .map_err(|e| stored(&e))?;
            let each: Vec<String> = names
                .iter()
                .zip(&ids)
                .map(|(n, id)| format!("{}（转交第 {id} 号）", sanitize(n, false)))
                .collect();
            println!("已转交：{} → {}", d.serial_label(), each.join("、"));
            Ok(())
        }
        DocCommand::Sign {
            doc,
            by,
            at,
            forward,
            operator,
        } => {
            let signed_by = text("--by", Some(&by), SHORT_MAX_CHARS, true)?;
            let signed_at = when("--at", at.as_deref(), now)?;
            let d = find_doc(store, &doc, now)?;
            let label = d.serial_label();
            let unsigned: Vec<&Forward> = d.forwards.iter().filter(|f| f.signature.is_none()).collect();
            let list = |fs: &[&Forward]| fs.iter().map(|f| forward_name(f)).collect::<Vec<_>>().join("、");
            let target: &Forward = match forward.as_deref().map(|f| sanitize(f, false).trim().to_string()) {
                Some(wanted) => {
                    let by_id = wanted
                        .trim_start_matches('第')
                        .trim_end_matches('号')
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .and_then(|n| d.forwards.iter().find(|f| f.id == n));
                    let named: Vec<&Forward> = d.forwards.iter().filter(|f| f.to_whom == wanted).collect();
                    let named_open: Vec<&Forward> = named.iter().copied().filter(|f| f.signature.is_none()).collect();
                    match (by_id, named.as_slice(), named_open.as_slice()) {
                        (Some(f), _, _) => f,
                        (None, _, [only]) => only,
                        (None, [only], []) => only,
                        (None, _, [_, _, ..]) => {
                            return Err(bad_input(format!(
                                "--forward：{label}有 {} 项转交给“{wanted}”待签收：{}。请写转交编号；没有写入",
                                named_open.len(),
                                list(&named_open)
                            )));
                        }
                        (None, _, []) => {
                            let all: Vec<&Forward> = d.forwards.iter().collect();
                            return Err(bad_input(if all.is_empty() {
                                format!("{label}还没有转交：先用 doc forward 转交；没有写入")
                            } else if !named.is_empty() {
                                format!(
                                    "--forward：{label}转交给“{wanted}”的都已签收：{}；没有写入",
                                    list(&named)
                                )
                            } else {
                                format!(
                                    "--forward：{label}没有转交“{wanted}”：可写 {}（编号或对象）；没有写入",
                                    list(&all)
                                )
                            }));
                        }
                    }
                }
                None => match unsigned.as_slice() {
                    [only] => only,
                    [] if d.forwards.is_empty() => {
                        return Err(bad_input(format!("{label}还没有转交：先用 doc forward 转交；没有写入")));
                    }
                    [] => {
                        return Err(bad_input(format!(
                            "{label}的转交都已签收：{}；没有写入",
                            d.forwards
                                .iter()
                                .map(|f| f.line(now, &config.settings.documents))
                                .collect::<Vec<_>>()
                                .join("；")
                        )));
                    }
                    several => {
                        return Err(bad_input(format!(
                            "{label}有 {} 项转交待签收，请用 --forward 指明签哪一项（编号或对象）：{}；没有写入",
                            several.len(),
                            list(several)
                        )));
                    }
                },
            };
            let (forward_id, to_whom) = (target.id, target.to_whom.clone());
            known_operator(operator.as_deref(), config)?;
            let recorded_by = actor(operator.as_deref(), config, store)?;
            store
                .sign_forward(
                    forward_id,
                    &Signature {
                        signed_by: signed_by.clone(),
                        signed_at,
                        recorded_by,
                        recorded_at: now,
                    },
                    now,
                )
                .map_err(|e| stored(&e))?;
            println!(
                "已签收：{label} 转交 {}，签收人 {} {}",
                sanitize(&to_whom, false),
                signed_by,
                format_minute(signed_at)
            );
            Ok(())
        }
        DocCommand::List {
            from,
            to,
            unsigned,
            json,
        } => {
            let waiting = |d: &Document| d.forwards.iter().any(|f| f.signature.is_none());
            let mut docs: Vec<Document> = if from.is_none() && to.is_none() {
                let (open, recent) = store
                    .documents(if unsigned { 0 } else { RECENT })
                    .map_err(|e| failure(e.to_string()))?;
                open.into_iter().chain(recent).collect()
            } else {
                let (start, end) = day_range(from.as_deref(), to.as_deref())?;
                store
                    .documents_between(start, end)
                    .map_err(|e| failure(e.to_string()))?
            };
            docs.retain(|d| !unsigned || waiting(d));
            docs.sort_by_key(|d| (d.received_at, d.id));
            if json {
                let shapes: Vec<DocumentJson> = docs.iter().map(DocumentJson::from).collect();
                return print_json(&shapes);
            }
            let mut w = output::stdout();
            write_docs(&mut w, &docs, unsigned, now, &config.settings.documents)
                .map_err(|e| output::stdout_failure(&e))?;
            output::finish(w)
        }
    }
}

/// `doc list`'s text: a line per document, then its sender (and 机要员) and each forward indented.
fn write_docs(
    w: &mut impl Write,
    docs: &[Document],
    unsigned: bool,
    now: NaiveDateTime,
    settings: &DocumentSettings,
) -> std::io::Result<()> {
    if docs.is_empty() {
        writeln!(
            w,
            "{}",
            if unsigned {
                "没有待签收的收文"
            } else {
                "没有收文记录"
            }
        )?;
    }
    for d in docs {
        writeln!(
            w,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}份\t{}",
            d.serial_label(),
            format_minute(d.received_at),
            d.kind.label(),
            d.urgency.label(),
            d.secrecy.label(),
            sanitize(&d.headline(), false),
            d.copies,
            sanitize(&d.state_label(now, settings), false)
        )?;
        if d.secrecy.is_secret() {
            writeln!(
                w,
                "\t来文单位 {}，已告知机要员 {} {}",
                sanitize(&d.from, false),
                sanitize(&d.clerk, false),
                d.clerk_told_at.map(format_minute).unwrap_or_default()
            )?;
        } else {
            writeln!(w, "\t来文单位 {}", sanitize(&d.from, false))?;
        }
        for f in &d.forwards {
            writeln!(w, "\t转交第 {} 号：{}", f.id, sanitize(&f.line(now, settings), false))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_document_is_named_by_year_and_number_or_this_years_number() {
        let now = at("2026-12-05 14:00");
        assert_eq!(doc_ref("2026-12", now).ok(), Some((2026, 12)));
        assert_eq!(doc_ref(" 2025年第3号 ", now).ok(), Some((2025, 3)));
        assert_eq!(doc_ref("7", now).ok(), Some((2026, 7)));
        for bad in ["", "0", "2026-", "abc", "2026-x", "-3"] {
            match doc_ref(bad, now) {
                Err(e) => assert!(e.message.contains("2026-12（年份-编号）"), "{}", e.message),
                Ok(r) => panic!("“{bad}” read as {r:?}"),
            }
        }
    }

    #[test]
    fn a_day_range_takes_whole_days_either_side_open() {
        let (a, b) = day_range(Some("2026-12-01"), Some("2026-12-05")).ok().unwrap();
        assert_eq!((a, b), (at("2026-12-01 00:00"), at("2026-12-06 00:00")));
        let (a, _) = day_range(None, Some("2026-12-05")).ok().unwrap();
        assert!(a < at("1900-01-01 00:00"));
        assert!(day_range(Some("2026-12-05"), Some("2026-12-01")).is_err());
    }
}
