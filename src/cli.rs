//! The command line: the full-screen app by default, and verbs for scripts (`log add`,
//! `log list`, `report daily`, `export`, `config check`, `config default` …). Conventions for every verb: `--json` prints an
//! array of objects with snake_case keys, each record in the shape `zhiban export` writes
//! ([`crate::core::json`]); exit 0 ok, 2 bad input, 1 other failure, 141 when the reader of stdout went
//! away (`cli/output.rs`); errors go to stderr in Chinese.

use std::io::{BufRead, IsTerminal, Write as _};
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Parser, Subcommand};

mod audit;
mod backup;
mod contacts;
mod doc;
mod event;
mod export;
mod handover;
mod instruct;
mod output;
mod pin;
mod redact;
mod report;
mod roster;
mod spotcheck;
mod stats;
mod visit;

use crate::config::{self, Config};
use crate::core::app::App;
use crate::core::idcard::mask_in_text;
use crate::core::json::EntryJson;
use crate::core::log::{EntryKind, LogField, NewEntry, RawValues, ReadBack, Triage, build_entry, read_back_label};
use crate::core::pin_policy::{PinCheck, PinPlace, wait_text, wrong_text};
use crate::core::text::sanitize;
use crate::core::validate;
use crate::store::Store;

/// The configuration with the directory's numbers and groups filled in, as the app has it
/// (`core::directory::fill_numbers`): a group of the directory stands for its members here too.
fn with_directory(mut config: Config, store: &Store) -> Result<Config, Failure> {
    let directory = store.directory().map_err(|e| failure(e.to_string()))?;
    crate::core::directory::fill_numbers(&mut config.settings, &directory);
    Ok(config)
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

/// Operator recorded for entries added by a script without --operator.
const SCRIPT_OPERATOR: &str = "（命令行）";

#[derive(Parser, Debug)]
#[command(
    name = "zhiban",
    version,
    about = "值班 — 值班室终端应用：值班记录、来访登记、紧急信息报送、交接班"
)]
pub struct Cli {
    /// 数据库文件路径（默认：数据目录下的 zhiban/zhiban.db；也可用环境变量 ZHIBAN_DB）
    #[arg(long, global = true, env = "ZHIBAN_DB", value_name = "路径")]
    db: Option<PathBuf>,
    /// 配置文件路径（默认：配置目录下的 zhiban/config.toml，没有则用内置默认配置）
    #[arg(long, global = true, value_name = "路径")]
    config: Option<PathBuf>,
    /// 直接以此人身份进入（须是配置中的人员），不显示选择界面
    #[arg(long, value_name = "姓名")]
    operator: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
    /// 值班记录
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// 紧急事件（突发事件）
    Event {
        #[command(subcommand)]
        command: event::EventCommand,
    },
    /// 来访登记：登记、离开、列表
    Visit {
        #[command(subcommand)]
        command: visit::VisitCommand,
    },
    /// 排班表：导入、查看
    Roster {
        #[command(subcommand)]
        command: roster::RosterCommand,
    },
    /// 交接班记录
    Handover {
        #[command(subcommand)]
        command: handover::HandoverCommand,
    },
    /// 值班日报（24 小时报告，无重要情况时为零报告）
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// 月度统计：一个月或一年的值班记录（按类型、分类、分级）、紧急事件与各报送对象初报按时率、来访与信访、交办按时办结率、值班人员考核（--month 与 --year 写一个）
    Stats {
        /// 统计的月份 YYYY-MM，如 2026-11
        #[arg(long, value_name = "月份")]
        month: Option<String>,
        /// 统计的年份 YYYY，如 2025
        #[arg(long, value_name = "年份")]
        year: Option<String>,
        /// 输出格式：text（默认）、md、csv（UTF-8，带 BOM，可用 Excel、WPS 直接打开）、a4（按 A4 排版、分页带页码，供打印）
        #[arg(long, value_name = "格式")]
        format: Option<String>,
    },
    /// 领导批示：照原话记录（可依据它交办）
    Instruct {
        #[command(subcommand)]
        command: instruct::InstructCommand,
    },
    /// 交办与督办：交办、未办结列表、反馈
    Task {
        #[command(subcommand)]
        command: instruct::TaskCommand,
    },
    /// 电话通知：一份通知，多个对象，逐个记录通知结果
    Notice {
        #[command(subcommand)]
        command: instruct::NoticeCommand,
    },
    /// 收文登记：收文、传真、明电的登记、转交、签收（密件只登记收到和告知机要员）
    Doc {
        #[command(subcommand)]
        command: doc::DocCommand,
    },
    /// 通讯录：导入、查找、导出（宅电遮盖）
    Contacts {
        #[command(subcommand)]
        command: contacts::ContactsCommand,
    },
    /// 查岗：对下级值班室逐个打电话查岗，记录结果
    Spotcheck {
        #[command(subcommand)]
        command: spotcheck::SpotcheckCommand,
    },
    /// 按日期导出记录（CSV 或 JSON）：值班记录、来访、紧急事件、交接班；证件号码一律遮掩
    Export(export::ExportArgs),
    /// 立即备份数据库（SQLite 在线备份，文件权限 0600），输出备份文件路径
    Backup {
        /// 备份目录（默认：配置 [backup] dir，未配置则为数据库旁的 backups 目录）
        dir: Option<PathBuf>,
    },
    /// 从备份恢复：先检查备份文件，再把现有数据库另存一份，然后替换
    Restore {
        /// 备份文件
        file: PathBuf,
        /// 确认执行（不加只做检查）
        #[arg(long)]
        yes: bool,
    },
    /// PIN（交接班签字、解锁用）
    Pin {
        #[command(subcommand)]
        command: PinCommand,
    },
    /// 完整性检查：核对审计链和每条记录，列出在程序之外被改动、删除或写入的行（有问题时退出码 1）
    Verify {
        /// 纸面锚点“记录号:校验码”（交接班记录、值班日报上的“审计链”一行），可写多次
        #[arg(long, value_name = "N:校验码")]
        anchor: Vec<String>,
    },
    /// 审计链：链尾（纸面锚点）、领导确认完整性发现
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// 删除误录内容（涉密或他人个人信息）：该项改为“已删除（原因、批准人、时间）”，更正记录、交接班、已报送日报中的引用一并改写；须 --operator 领导本人 PIN
    Redact {
        /// 值班记录编号
        #[arg(long, value_name = "编号")]
        entry: Option<i64>,
        /// 收文编号：2026-12（年份-编号）或 2026年第12号，今年的可只写 12
        #[arg(long, value_name = "收文编号")]
        doc: Option<String>,
        /// 要删除的一项：内容、来电人、电话、标题、文号、备注等（或列名 content）
        #[arg(long, value_name = "项")]
        field: String,
        /// 删除原因（不要写出原内容）
        #[arg(long, value_name = "原因")]
        reason: String,
        /// 批准的领导（从标准输入读入其本人 PIN）
        #[arg(long, value_name = "姓名")]
        operator: String,
    },
    /// 配置文件
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// 短信/语音平台接口（[notify] command）
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
}

#[derive(Subcommand, Debug)]
enum NotifyCommand {
    /// 试发一条测试消息（不含任何事项内容）到这个号码，打印退出码、用时和输出的第一行；失败时退出码 1
    Test {
        /// 号码
        #[arg(value_name = "号码")]
        phone: String,
    },
}

#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum LogCommand {
    /// 新增一条值班记录，成功后输出记录编号
    Add {
        /// 类型：来电、去电、传真、电报、来信/文件、事件、其他
        #[arg(long)]
        kind: String,
        /// 单位（来电单位/受话单位/来文单位）
        #[arg(long, default_value = "")]
        unit: String,
        /// 来电人（去电时为接电人），姓名/职务
        #[arg(long, default_value = "")]
        caller: String,
        /// 电话号码
        #[arg(long, default_value = "")]
        phone: String,
        /// 内容（与 --withheld 二选一）
        #[arg(long, required_unless_present = "withheld", conflicts_with = "withheld")]
        content: Option<String>,
        /// 内容不录入（涉密或不该记录）：写明原因，只登记来源和办理，内容记为“（内容不录入）”
        #[arg(long, value_name = "原因")]
        withheld: Option<String>,
        /// 分级：急办、请示、次日办理、一般（默认一般）
        #[arg(long)]
        triage: Option<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
        /// 发生时间 'YYYY-MM-DD HH:MM'（默认现在）
        #[arg(long)]
        time: Option<String>,
        /// 事项类别（须是配置中的类别）
        #[arg(long)]
        category: Option<String>,
        /// 去电是否已复述核对：yes 或 no
        #[arg(long, value_name = "yes|no")]
        read_back: Option<String>,
        /// 境外来源（境外组织或人员）：一律请示，分级记为“请示”
        #[arg(long)]
        abroad: bool,
    },
    /// 列出值班记录（最新在前）
    List {
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
        /// 只列出此时间及以后的记录 'YYYY-MM-DD HH:MM'
        #[arg(long)]
        since: Option<String>,
        /// 最多列出多少条（默认 100，0 表示不限）
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// 打印一条记录的记录单（来电记录单等，按纸面顺序，A4；证件号码遮盖）
    Print {
        /// 记录编号
        id: i64,
        /// markdown（默认）或 text（A4 纯文本，分页、带页码）
        #[arg(long, default_value = "markdown", value_name = "markdown|text")]
        format: String,
    },
}

#[derive(Subcommand, Debug)]
enum PinCommand {
    /// 为还没有 PIN 的人登记 PIN：由已确认的领导从标准输入输入本人 PIN，再两次输入此人的 6 位新 PIN
    /// （尚无领导登记时登记开放，不需 --by）
    Set {
        /// 要登记 PIN 的人员（配置中的姓名）
        name: String,
        /// 批准登记的领导（配置中角色为领导、且已确认的人员）
        #[arg(long)]
        by: Option<String>,
    },
    /// 重置某人忘记的 PIN（须由领导操作：从标准输入读入领导本人的 PIN）；此人下次登录时重新登记
    Reset {
        /// 要重置 PIN 的人员（配置中的姓名）
        name: String,
        /// 操作的领导（配置中角色为领导的人员）
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// 检查配置文件，报告第一个错误所在的行和改法
    Check,
    /// 打印内置的默认配置（带中文说明）
    Default,
}

/// A failure with its exit code and Chinese message.
struct Failure {
    code: i32,
    message: String,
}

fn bad_input(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_BAD_INPUT,
        message: message.into(),
    }
}

fn failure(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_FAILURE,
        message: message.into(),
    }
}

/// Runs the command line; returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return report_clap_error(&e),
    };
    match run(cli) {
        Ok(()) => EXIT_OK,
        Err(f) => {
            // Messages repeat what was given ("分级“…”无效"): never write it to a terminal raw,
            // nor an ID number given to the wrong option whole (scripts keep their stderr).
            // Not `eprintln!`: after SIGHUP the terminal is gone, and a failed write must not panic.
            // A failure with nothing to say (the reader of stdout went away) ends quietly.
            if !f.message.is_empty() {
                let _ = writeln!(
                    std::io::stderr(),
                    "zhiban：{}",
                    mask_in_text(&sanitize(&f.message, true))
                );
            }
            f.code
        }
    }
}

fn report_clap_error(e: &clap::Error) -> i32 {
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let message = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return EXIT_OK;
        }
        ErrorKind::UnknownArgument => format!("不认识的参数 {}", context(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!("不认识的命令 {}", context(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("缺少必填参数 {}", context(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => "缺少子命令".to_string(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {} 的取值“{}”无效",
            context(ContextKind::InvalidArg),
            context(ContextKind::InvalidValue)
        ),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文字".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    eprintln!(
        "zhiban：{}。用法见 zhiban --help",
        mask_in_text(&sanitize(&message, true))
    );
    EXIT_BAD_INPUT
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Some(Command::Notify {
            command: NotifyCommand::Test { phone },
        }) => {
            let config = load_config(&cli.config)?;
            notify_test(&config, &phone)
        }
        Some(Command::Config {
            command: ConfigCommand::Default,
        }) => {
            print!("{}", config::DEFAULT_TOML);
            Ok(())
        }
        Some(Command::Config {
            command: ConfigCommand::Check,
        }) => {
            let c = load_config(&cli.config)?;
            let source = c
                .source
                .as_ref()
                .map_or_else(|| "内置默认配置".to_string(), |p| p.display().to_string());
            println!(
                "配置正确：{source}（单位：{}；人员 {} 名；记录类别 {} 个）",
                c.settings.office_name,
                c.settings.people.len(),
                c.settings.categories.len()
            );
            Ok(())
        }
        Some(Command::Log { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            match command {
                LogCommand::Add {
                    kind,
                    unit,
                    caller,
                    phone,
                    content,
                    triage,
                    operator,
                    time,
                    category,
                    read_back,
                    abroad,
                    withheld,
                } => {
                    let withheld = withheld.map(|r| r.trim().to_string());
                    if withheld.as_ref().is_some_and(|r| {
                        r.is_empty() || r.chars().count() > crate::core::log::WITHHELD_REASON_MAX_CHARS
                    }) {
                        return Err(bad_input(format!(
                            "--withheld：请写明不录入的原因（最多 {} 个字）；没有写入",
                            crate::core::log::WITHHELD_REASON_MAX_CHARS
                        )));
                    }
                    let content = match &withheld {
                        Some(_) => crate::core::log::WITHHELD_CONTENT.to_string(),
                        None => content.unwrap_or_default(),
                    };
                    let args = AddArgs {
                        kind,
                        unit,
                        caller,
                        phone,
                        content,
                        triage,
                        operator,
                        time,
                        category,
                        read_back,
                    };
                    let mut entry = entry_from_args(&args, &config, crate::runtime::now())?;
                    entry.abroad = abroad;
                    entry.triage = entry.triage.with_abroad(abroad);
                    entry.withheld = withheld;
                    // Checked after the entry's own fields, so a typo is said before a PIN is asked.
                    entry.recorded_by = actor(args.operator.as_deref(), &config, &mut store)?;
                    let (id, _) = store.insert_entry(&entry).map_err(|e| failure(e.to_string()))?;
                    println!("{id}");
                    Ok(())
                }
                LogCommand::Print { id, format } => {
                    let format = crate::core::paper::PaperFormat::parse(&format)
                        .map_err(|e| bad_input(format!("--format：{e}")))?;
                    let entry = store.entry(id).map_err(|e| failure(e.to_string()))?;
                    print!(
                        "{}",
                        crate::core::paper::entry_form(&entry, &config.settings.office_name, format)
                    );
                    Ok(())
                }
                LogCommand::List { json, since, limit } => {
                    let now = crate::runtime::now();
                    let since = since
                        .map(|s| validate::time(&s, now).map_err(|e| bad_input(format!("--since：{e}"))))
                        .transpose()?;
                    let limit = if limit == 0 { usize::MAX } else { limit };
                    list_entries(&mut store, since, limit, json, output::PAGE_ROWS)
                }
            }
        }
        Some(Command::Event { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            event::run(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Visit { command }) => {
            let config = load_config(&cli.config)?;
            visit::run(command, &config, || open_store(&cli.db), crate::runtime::now())
        }
        Some(Command::Report { command }) => {
            let config = load_config(&cli.config)?;
            report::run(command, &config, || open_store(&cli.db), crate::runtime::now())
        }
        Some(Command::Stats { month, year, format }) => {
            let config = load_config(&cli.config)?;
            stats::run(
                month.as_deref(),
                year.as_deref(),
                format.as_deref(),
                &config,
                || open_store(&cli.db),
                crate::runtime::now(),
            )
        }
        Some(Command::Instruct { command }) => {
            let mut store = open_store(&cli.db)?;
            let config = with_directory(load_config(&cli.config)?, &store)?;
            instruct::run_instruct(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Task { command }) => {
            let mut store = open_store(&cli.db)?;
            let config = with_directory(load_config(&cli.config)?, &store)?;
            instruct::run_task(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Notice { command }) => {
            let mut store = open_store(&cli.db)?;
            let config = with_directory(load_config(&cli.config)?, &store)?;
            instruct::run_notice(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Doc { command }) => {
            let mut store = open_store(&cli.db)?;
            let config = with_directory(load_config(&cli.config)?, &store)?;
            doc::run(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Contacts { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            contacts::run(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Spotcheck { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            spotcheck::run(command, &config, &mut store, crate::runtime::now())
        }
        Some(Command::Export(args)) => export::run(args, || open_store(&cli.db)),
        Some(Command::Backup { dir }) => {
            let config = load_config(&cli.config)?;
            backup::run_backup(&config, &db_path(&cli.db)?, dir)
        }
        Some(Command::Restore { file, yes }) => {
            let config = load_config(&cli.config)?;
            backup::run_restore(&config, &db_path(&cli.db)?, &file, yes)
        }
        Some(Command::Pin {
            command: PinCommand::Set { name, by },
        }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            pin::set(&config, &mut store, &name, by.as_deref())
        }
        Some(Command::Pin {
            command: PinCommand::Reset { name, by },
        }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            pin::reset(&config, &mut store, &name, &by)
        }
        Some(Command::Verify { anchor }) => audit::verify(&open_store(&cli.db)?, &anchor),
        Some(Command::Redact {
            entry,
            doc,
            field,
            reason,
            operator,
        }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            let args = redact::RedactArgs {
                entry,
                doc,
                field,
                reason,
                operator,
            };
            redact::run(args, &config, &mut store)
        }
        Some(Command::Audit { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            audit::run(command, &config, &mut store)
        }
        Some(Command::Roster { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            let operator = match &command {
                roster::RosterCommand::Import { operator, .. } | roster::RosterCommand::Draft { operator, .. } => {
                    actor(operator.as_deref(), &config, &mut store)?
                }
                // Approving, publishing, signing on and granting leave are a person's acts: their PIN.
                roster::RosterCommand::Approve { operator, .. }
                | roster::RosterCommand::Publish { operator, .. }
                | roster::RosterCommand::Signon { operator }
                | roster::RosterCommand::CompTake { operator, .. } => actor(Some(operator), &config, &mut store)?,
                roster::RosterCommand::Show { .. }
                | roster::RosterCommand::Plan { .. }
                | roster::RosterCommand::Comp { .. } => String::new(),
            };
            roster::run(command, &config, &mut store, operator)
        }
        Some(Command::Handover { command }) => {
            let config = load_config(&cli.config)?;
            let mut store = open_store(&cli.db)?;
            handover::run(command, &mut store, &config.settings.office_name)
        }
        None => run_app(&cli),
    }
}

/// Reads a PIN: on a terminal without echo (each digit shows as `*`), otherwise one line of
/// standard input (scripts and tests).
fn read_pin(prompt: &str) -> Result<String, Failure> {
    use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode};
    use std::io::Write;
    let unreadable = |e: std::io::Error| failure(format!("无法读取 PIN：{e}"));
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(unreadable)?;
        return Ok(line.trim().to_string());
    }
    // Echo off before the prompt shows: a digit typed (or pasted) as soon as the prompt appears
    // would otherwise reach the terminal while it still echoes (the e2e test caught one).
    enable_raw_mode().map_err(unreadable)?;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut pin = String::new();
    let outcome = loop {
        match event::read() {
            Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(bad_input("已取消：没有输入 PIN".to_string()));
                }
                KeyCode::Esc => break Err(bad_input("已取消：没有输入 PIN".to_string())),
                KeyCode::Backspace if pin.pop().is_some() => eprint!("\u{8} \u{8}"),
                KeyCode::Char(c) if c.is_ascii_digit() && pin.len() < 16 => {
                    pin.push(c);
                    eprint!("*");
                }
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(unreadable(e)),
        }
        let _ = std::io::stderr().flush();
    };
    let _ = disable_raw_mode();
    eprintln!();
    outcome.map(|()| pin)
}

/// Refuses an `--operator` the configuration does not know (before anything is opened).
fn known_operator(name: Option<&str>, config: &Config) -> Result<(), Failure> {
    match name {
        Some(name) if config.settings.person(name).is_none() => Err(bad_input(format!(
            "--operator：配置中没有“{name}”，可选：{}",
            people_names(config)
        ))),
        _ => Ok(()),
    }
}

/// Who a command-line write belongs to: `（命令行）` unless a person is named, and a named person
/// only with their own PIN on standard input (checked, counted against guessing and recorded like
/// every PIN). Name arguments such as `--signer` or `--leader` are recorded names, not the actor.
fn actor(name: Option<&str>, config: &Config, store: &mut Store) -> Result<String, Failure> {
    let Some(name) = name else {
        return Ok(SCRIPT_OPERATOR.to_string());
    };
    known_operator(Some(name), config)?;
    let pin = read_pin(&format!("以 {name} 的名义写入：请 {name} 输入本人 PIN 后按回车："))?;
    let now = crate::runtime::now();
    match store
        .check_pin(name, &pin, PinPlace::CommandLine, now)
        .map_err(|e| failure(e.to_string()))?
    {
        PinCheck::Matches { .. } => Ok(name.to_string()),
        PinCheck::NotSet => Err(bad_input(format!(
            "{name} 还没有设定 PIN：以其名义写入须本人 PIN。不写 --operator 则记为{SCRIPT_OPERATOR}；没有写入"
        ))),
        PinCheck::Wrong { in_a_row, wait_until } => Err(bad_input(format!(
            "--operator：{}；没有写入",
            wrong_text(name, in_a_row, wait_until, now)
        ))),
        PinCheck::Wait { until } => Err(bad_input(format!(
            "--operator：{}；没有写入",
            wait_text(name, until, now)
        ))),
    }
}

/// A CSV file to import, as text: a regular file of at most `files::CSV_MAX_BYTES`, in UTF-8
/// (said in words how to save it so when it is not). `what` names it in the messages.
fn read_csv_text(file: &std::path::Path, what: &'static str) -> Result<String, Failure> {
    let bytes =
        crate::files::read_regular(file, crate::files::CSV_MAX_BYTES, what).map_err(|e| bad_input(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| {
        bad_input(format!(
            "{} 不是 UTF-8 编码：请在表格软件中“另存为 CSV UTF-8”后再导入",
            file.display()
        ))
    })
}

/// Prints a `--json` answer: one array of the record shapes `zhiban export` writes too.
fn print_json<T: serde::Serialize>(items: &[T]) -> Result<(), Failure> {
    let mut w = output::stdout();
    let mut array = output::JsonArray::begin(&mut w).map_err(output::StreamError::from)?;
    for item in items {
        array.item(&mut w, item)?;
    }
    array.end(&mut w).map_err(output::StreamError::from)?;
    output::finish(w)
}

/// `log list`: the entries newest first, since a time, at most `limit`, written as the store reads
/// them `page` at a time, all from one snapshot. `--json` gives each entry whole, as `zhiban
/// export` writes it.
fn list_entries(
    store: &mut Store,
    since: Option<chrono::NaiveDateTime>,
    limit: usize,
    json: bool,
    page: usize,
) -> Result<(), Failure> {
    let mut w = output::stdout();
    store.read_snapshot(|store| -> Result<(), output::StreamError> {
        if json {
            let mut array = output::JsonArray::begin(&mut w)?;
            store.entry_pages(since, limit, page, |rows| -> Result<(), output::StreamError> {
                for (id, _) in rows {
                    array.item(&mut w, &EntryJson::from(&store.entry(*id)?))?;
                }
                Ok(())
            })?;
            array.end(&mut w)?;
        } else {
            store.entry_pages(since, limit, page, |rows| {
                rows.iter().try_for_each(|(id, e)| write_entry(&mut w, *id, e))
            })?;
        }
        Ok(())
    })?;
    output::finish(w)
}

fn load_config(path: &Option<PathBuf>) -> Result<Config, Failure> {
    config::load(path.as_deref()).map_err(|e| bad_input(e.to_string()))
}

/// The database path: `--db`, `ZHIBAN_DB`, or the XDG data directory.
fn db_path(explicit: &Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(p) = explicit {
        return Ok(p.clone());
    }
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("zhiban").join("zhiban.db"))
        .ok_or_else(|| failure("找不到用户数据目录（HOME 未设置）：请用 --db 指定数据库文件"))
}

fn open_store(explicit: &Option<PathBuf>) -> Result<Store, Failure> {
    let path = db_path(explicit)?;
    // Never waits for the search index: none of these verbs searches, and the app builds what
    // an upgrade or an import left to index in the background.
    let store = Store::open(&path).map_err(|e| failure(e.to_string()))?;
    if let Some(warning) = crate::files::exposure(&path) {
        eprintln!("zhiban：注意：{}", sanitize(&warning, false));
    }
    Ok(store)
}

fn run_app(cli: &Cli) -> Result<(), Failure> {
    let config = load_config(&cli.config)?;
    if let Some(name) = &cli.operator
        && config.settings.person(name).is_none()
    {
        return Err(bad_input(format!(
            "--operator：配置中没有“{name}”，可选：{}",
            people_names(&config)
        )));
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(bad_input(
            "全屏界面需要在终端中运行；脚本请使用 zhiban log add / zhiban log list",
        ));
    }
    let store = open_store(&cli.db)?;
    // Nobody is at the keyboard until they sign in with their PIN; `--operator` only chooses
    // whose PIN is asked first.
    let theme = theme_wanted(config.theme);
    let mut app = App::new(config.settings, None, crate::runtime::now());
    app.exposure = crate::files::exposure(store.path());
    if let Some(name) = &cli.operator {
        app.preselect(name);
    }
    match crate::runtime::run(app, store, theme).map_err(|e| failure(format!("终端出错：{e}")))? {
        crate::runtime::signals::Ending::Quit => Ok(()),
        ending @ crate::runtime::signals::Ending::Signal(sig) => Err(Failure {
            code: ending.exit_code(),
            message: format!("收到 {}：已退出并恢复终端", crate::runtime::signals::name(sig)),
        }),
    }
}

/// The colours to draw with: none under `NO_COLOR` (any value but empty, <https://no-color.org>),
/// else the config's `[ui] theme`, `auto` asking the terminal.
fn theme_wanted(choice: crate::config::ThemeChoice) -> crate::runtime::ThemeWanted {
    use crate::config::ThemeChoice;
    use crate::runtime::ThemeWanted;
    use crate::ui::theme::Theme;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return ThemeWanted::Fixed(Theme::Plain);
    }
    match choice {
        ThemeChoice::Auto => ThemeWanted::Ask,
        ThemeChoice::Dark => ThemeWanted::Fixed(Theme::Dark),
        ThemeChoice::Light => ThemeWanted::Fixed(Theme::Light),
    }
}

fn people_names(config: &Config) -> String {
    config
        .settings
        .people
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

struct AddArgs {
    kind: String,
    unit: String,
    caller: String,
    phone: String,
    content: String,
    triage: Option<String>,
    operator: Option<String>,
    time: Option<String>,
    category: Option<String>,
    read_back: Option<String>,
}

/// Applies the same rules as the form: sanitized text, length caps, validation.
fn entry_from_args(a: &AddArgs, config: &Config, now: chrono::NaiveDateTime) -> Result<NewEntry, Failure> {
    let kind = EntryKind::parse(&a.kind)
        .ok_or_else(|| bad_input(format!("--kind：类型“{}”无效，可写：{}", a.kind, EntryKind::choices())))?;
    if let Some(t) = &a.triage
        && Triage::parse(t).is_none()
    {
        return Err(bad_input(format!(
            "--triage：分级“{t}”无效，可写：{}",
            Triage::choices()
        )));
    }
    if let Some(c) = &a.category
        && !config.settings.categories.contains(c)
    {
        return Err(bad_input(format!(
            "--category：类别“{c}”不在配置中，可写：{}",
            config.settings.categories.join("、")
        )));
    }
    let operator = match &a.operator {
        Some(name) if config.settings.person(name).is_some() => name.clone(),
        Some(name) => {
            return Err(bad_input(format!(
                "--operator：配置中没有“{name}”，可选：{}",
                people_names(config)
            )));
        }
        None => SCRIPT_OPERATOR.to_string(),
    };
    let read_back = match a.read_back.as_deref() {
        None => "",
        Some("yes" | "是") => ReadBack::Done.label(),
        Some("no" | "否") => ReadBack::NotDone.label(),
        Some(other) => return Err(bad_input(format!("--read-back：取值“{other}”无效，请写 yes 或 no"))),
    };
    let mut raw = RawValues::new();
    let mut put = |field: LogField, value: &str| -> Result<(), Failure> {
        let clean = sanitize(value, field.is_multiline());
        let n = clean.chars().count();
        if n > field.max_chars() {
            return Err(bad_input(format!(
                "“{}”过长（{n} 字），最多 {} 字",
                field.label(kind),
                field.max_chars()
            )));
        }
        raw.insert(field, clean);
        Ok(())
    };
    put(LogField::Kind, kind.label())?;
    put(LogField::Unit, &a.unit)?;
    put(LogField::Person, &a.caller)?;
    put(LogField::Phone, &a.phone)?;
    put(LogField::Content, &a.content)?;
    put(LogField::Triage, a.triage.as_deref().unwrap_or(Triage::Routine.label()))?;
    put(LogField::OccurredAt, a.time.as_deref().unwrap_or(""))?;
    put(LogField::Category, a.category.as_deref().unwrap_or(""))?;
    put(LogField::ReadBack, read_back)?;
    build_entry(&raw, &operator, now).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|(f, m)| match f {
                // The form's wording names a choice; a script needs the flag.
                LogField::ReadBack => "去电须写明对方是否已复述核对：加 --read-back yes 或 --read-back no".to_string(),
                f if m.contains(f.label(kind)) => m.clone(),
                f => format!("{}：{m}", f.label(kind)),
            })
            .collect();
        bad_input(lines.join("；"))
    })
}

/// One line of `log list`: the entry's columns separated by tabs.
fn write_entry(w: &mut impl std::io::Write, id: i64, e: &NewEntry) -> Result<(), output::StreamError> {
    writeln!(
        w,
        "{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
        validate::format_minute(e.occurred_at),
        e.kind.label(),
        sanitize(&e.unit, false),
        sanitize(&e.person, false),
        e.triage.label(),
        e.status.label(),
        sanitize(&e.content, false),
        match read_back_label(e.read_back) {
            "" => String::new(),
            l => format!("（{l}）"),
        }
    )?;
    Ok(())
}

/// `zhiban notify test PHONE`: the hook run once, now, with a message that carries nothing of any
/// record; its outcome printed as the timeline would record it.
fn notify_test(config: &Config, phone: &str) -> Result<(), Failure> {
    use crate::core::hook::{HookCall, HookCause};
    let settings = &config.settings.notify;
    if settings.command.is_empty() {
        return Err(bad_input(
            "没有配置短信/语音接口：在 config.toml 的 [notify] 中写 command = [\"/opt/sms/send\", \"{phone}\"]",
        ));
    }
    let phone = crate::core::text::sanitize(phone, false).trim().to_string();
    if phone.is_empty() || !phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') {
        return Err(bad_input(format!("“{phone}”不是电话号码：只写数字（可带 - 或 +）")));
    }
    let now = crate::runtime::now();
    let call = HookCall {
        cause: HookCause::Test,
        name: "试发".into(),
        phone,
        message: format!(
            "【值班室】测试消息：值班系统短信/语音接口试发，{}。无需回复。",
            now.format("%m-%d %H:%M")
        ),
    };
    let outcome = crate::runtime::hook::run(call, settings, now);
    println!("{}", outcome.line());
    if outcome.ok() {
        Ok(())
    } else {
        Err(failure(outcome.problem().unwrap_or_default()))
    }
}
