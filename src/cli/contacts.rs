//! 通讯录 on the command line (issue 18):
//!
//! - `zhiban contacts import FILE.csv`: the whole directory replaced from a CSV in the paper's
//!   eight columns (`姓名,单位,职务,办公电话,手机,宅电,分组,备注`), all or nothing: any bad row and
//!   every error is said by line, nothing imported;
//! - `zhiban contacts list [--group G] [--find QUERY] [--json]`: the directory in force, found by
//!   Chinese, pinyin (initials or full) or digits as the screen finds it; a 宅电 always masked;
//! - `zhiban contacts export [--with-home]`: the CSV to standard output, 宅电 masked unless
//!   `--with-home`, which logs a reveal for every contact whose home number it writes (as the
//!   screen logs one), before writing it.

use std::io::Write as _;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use clap::Subcommand;

use super::doc::stored;
use super::{Failure, actor, bad_input, failure, known_operator, output, print_json};
use crate::config::Config;
use crate::core::directory::{Contact, mask_phone, parse_csv, to_csv};
use crate::core::idcard::mask_in_text;
use crate::core::json::ContactJson;
use crate::core::text::sanitize;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub(super) enum ContactsCommand {
    /// 导入通讯录 CSV（表头：姓名,单位,职务,办公电话,手机,宅电,分组,备注；多个分组用顿号隔开），
    /// 替换现有通讯录。有任何一行出错就一行也不导入，并逐行列出错误
    Import {
        /// CSV 文件（UTF-8，可用 contacts export 导出的文件作样板）
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 导入人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
    /// 列出通讯录（宅电一律遮盖）
    List {
        /// 只列这个分组的
        #[arg(long, value_name = "分组")]
        group: Option<String>,
        /// 查找：姓名、单位、职务中的汉字，姓名或单位的拼音（全拼或首字母，如 wjz），或电话号码中的数字
        #[arg(long, value_name = "查找")]
        find: Option<String>,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
    /// 把通讯录导出为 CSV（写到标准输出，可再导入）；宅电遮盖，加 --with-home 才导出完整宅电（逐人记录查看）
    Export {
        /// 导出完整宅电：每个有宅电的联系人都记录一次查看（谁、何时）
        #[arg(long)]
        with_home: bool,
        /// 查看宅电的人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long, value_name = "姓名")]
        operator: Option<String>,
    },
}

pub(super) fn run(
    command: ContactsCommand,
    config: &Config,
    store: &mut Store,
    now: NaiveDateTime,
) -> Result<(), Failure> {
    match command {
        ContactsCommand::Import { file, operator } => {
            let text = super::read_csv_text(&file, "通讯录 CSV 文件")?;
            let rows = parse_csv(&text).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                bad_input(format!(
                    "{} 有 {} 处错误，一行也没有导入：\n{}",
                    file.display(),
                    errors.len(),
                    lines.join("\n")
                ))
            })?;
            known_operator(operator.as_deref(), config)?;
            let by = actor(operator.as_deref(), config, store)?;
            let before = store.directory().map_err(|e| failure(e.to_string()))?.contacts.len();
            store
                .import_contacts(&rows, &file.display().to_string(), &by, now)
                .map_err(|e| stored(&e))?;
            if before == 0 {
                println!("已导入通讯录 {} 人", rows.len());
            } else {
                println!("已导入通讯录 {} 人（替换原有 {before} 人）", rows.len());
            }
            Ok(())
        }
        ContactsCommand::List { group, find, json } => {
            let directory = store.directory().map_err(|e| failure(e.to_string()))?;
            let group = group.map(|g| sanitize(&g, false).trim().to_string());
            if let Some(g) = &group
                && !directory.groups().contains(g)
            {
                let groups = directory.groups();
                return Err(bad_input(if groups.is_empty() {
                    format!("--group：通讯录中没有分组“{g}”：还没有任何分组（在 CSV 的“分组”列填写后导入）")
                } else {
                    format!("--group：通讯录中没有分组“{g}”，现有：{}", groups.join("、"))
                }));
            }
            let query = find.map(|q| sanitize(&q, false).trim().to_string()).unwrap_or_default();
            let found: Vec<&Contact> = directory
                .find(&query)
                .filter(|c| group.as_ref().is_none_or(|g| c.groups.contains(g)))
                .collect();
            if json {
                let shapes: Vec<ContactJson> = found.iter().map(|c| ContactJson::from(*c)).collect();
                return print_json(&shapes);
            }
            let mut w = output::stdout();
            if directory.contacts.is_empty() {
                writeln!(w, "通讯录是空的：用 zhiban contacts import 文件.csv 导入")
                    .map_err(|e| output::stdout_failure(&e))?;
            } else if found.is_empty() {
                // Said back as typed, but never a whole ID number typed by mistake.
                writeln!(w, "通讯录中没有找到“{}”", mask_in_text(&query)).map_err(|e| output::stdout_failure(&e))?;
            }
            for c in found {
                let line = [
                    c.name.as_str(),
                    c.unit.as_str(),
                    c.post.as_str(),
                    c.office_phone.as_str(),
                    c.mobile.as_str(),
                    &mask_phone(&c.home_phone),
                    &c.groups.join("、"),
                    c.note.as_str(),
                ]
                .iter()
                .map(|s| sanitize(s, false))
                .collect::<Vec<_>>()
                .join("\t");
                writeln!(w, "{}\t{line}", c.id).map_err(|e| output::stdout_failure(&e))?;
            }
            output::finish(w)
        }
        ContactsCommand::Export { with_home, operator } => {
            known_operator(operator.as_deref(), config)?;
            let directory = store.directory().map_err(|e| failure(e.to_string()))?;
            if with_home {
                let by = actor(operator.as_deref(), config, store)?;
                // Logged before anything is written: a number is read only once its reveal is on file.
                let ids: Vec<i64> = directory
                    .contacts
                    .iter()
                    .filter(|c| !c.home_phone.is_empty())
                    .map(|c| c.id)
                    .collect();
                store.log_contact_reveals(&ids, &by, now).map_err(|e| stored(&e))?;
                let revealed = ids.len();
                let _ = writeln!(
                    std::io::stderr(),
                    "已记录查看宅电 {revealed} 人（{}，导出完整宅电）",
                    sanitize(&by, false)
                );
            }
            let mut w = output::stdout();
            w.write_all(&to_csv(&directory.contacts, with_home))
                .map_err(|e| output::stdout_failure(&e))?;
            output::finish(w)
        }
    }
}
