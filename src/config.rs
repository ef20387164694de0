//! `config.toml`: the embedded default, the user's override, and messages that name the file,
//! the line and what to write instead.
//!
//! Override rule: each top-level section the user's file contains replaces the same section of
//! the embedded default; sections it leaves out keep the default. Unknown keys are refused (a
//! typo must not silently fall back to a default).

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::core::settings::{Person, Role, Settings};
use crate::core::validate;

/// The documented default, shipped inside the binary.
pub const DEFAULT_TOML: &str = include_str!("../config.toml");

/// A configuration problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as the officer would find it.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "配置文件 {} 第 {line} 行：{}", self.file, self.message),
            None => write!(f, "配置文件 {}：{}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub settings: Settings,
    pub language: String,
    /// The user's file that was applied, if any.
    pub source: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    office: Option<Spanned<OfficeSection>>,
    ui: Option<Spanned<UiSection>>,
    people: Option<Spanned<Vec<Spanned<PersonEntry>>>>,
    log: Option<Spanned<LogSection>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct OfficeSection {
    name: Spanned<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct UiSection {
    language: Spanned<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct PersonEntry {
    name: Spanned<String>,
    role: Spanned<String>,
    #[serde(default)]
    phone: Option<Spanned<String>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct LogSection {
    categories: Spanned<Vec<Spanned<String>>>,
}

/// Where the user's config lives by default: `$XDG_CONFIG_HOME/zhiban/config.toml`.
#[must_use]
pub fn default_user_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("zhiban").join("config.toml"))
}

/// Loads the configuration: `explicit` (from `--config`) must exist; otherwise the user's file
/// is used if present; otherwise the embedded default alone.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => default_user_path().filter(|p| p.exists()),
    };
    match path {
        None => parse(DEFAULT_TOML, None),
        Some(path) => {
            let text = std::fs::read(&path).map_err(|e| ConfigError {
                file: path.display().to_string(),
                line: None,
                message: match e.kind() {
                    std::io::ErrorKind::NotFound => "文件不存在：请检查路径，或去掉 --config 使用默认配置".into(),
                    std::io::ErrorKind::PermissionDenied => "没有读取权限：请检查文件权限".into(),
                    _ => format!("无法读取（{e}）"),
                },
            })?;
            let text = String::from_utf8(text).map_err(|e| {
                let valid = e.utf8_error().valid_up_to();
                ConfigError {
                    file: path.display().to_string(),
                    line: Some(e.as_bytes()[..valid].iter().filter(|b| **b == b'\n').count() + 1),
                    message: "文件不是 UTF-8 编码：请用 UTF-8 保存（记事本“另存为”选 UTF-8）".into(),
                }
            })?;
            parse(&text, Some(&path))
        }
    }
}

/// Parses a user file (`path` is `None` for the embedded default) over the embedded default.
pub fn parse(text: &str, path: Option<&Path>) -> Result<Config, ConfigError> {
    let file_name = path.map_or_else(|| "（内置默认配置）".to_string(), |p| p.display().to_string());
    let user = parse_file(text, &file_name)?;
    let defaults = if path.is_some() {
        Some(parse_file(DEFAULT_TOML, "（内置默认配置）")?)
    } else {
        None
    };
    let err = |span: Range<usize>, message: String| ConfigError {
        file: file_name.clone(),
        line: Some(line_of(text, span.start)),
        message,
    };
    // Each section: the user's if written, else the default's. Default sections are known to be
    // valid (tested), so every located error below points into the user's text.
    let (d_office, d_ui, d_people, d_log) = match defaults {
        Some(d) => (d.office, d.ui, d.people, d.log),
        None => (None, None, None, None),
    };
    let missing = |section: &str| ConfigError {
        file: file_name.clone(),
        line: None,
        message: format!("缺少 {section} 一节：请参照 zhiban config default 补上"),
    };
    let office = user.office.or(d_office).ok_or_else(|| missing("[office]"))?;
    let ui = user.ui.or(d_ui).ok_or_else(|| missing("[ui]"))?;
    let people_is_user = user.people.is_some();
    let people = user.people.or(d_people).ok_or_else(|| missing("[[people]]"))?;
    let log = user.log.or(d_log).ok_or_else(|| missing("[log]"))?;

    let office = office.into_inner();
    let office_name = office.name.get_ref().trim().to_string();
    if office_name.is_empty() {
        return Err(err(
            office.name.span(),
            "单位名称 name 不能为空：如 name = \"某某县人民政府办公室值班室\"".into(),
        ));
    }
    let ui = ui.into_inner();
    if ui.language.get_ref() != "zh-CN" {
        return Err(err(
            ui.language.span(),
            format!(
                "界面语言“{}”不支持：目前只能写 language = \"zh-CN\"",
                ui.language.get_ref()
            ),
        ));
    }

    let people_span = people.span();
    let mut resolved = Vec::new();
    let mut names = HashSet::new();
    for entry in people.into_inner() {
        let p = entry.into_inner();
        let name = p.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(err(p.name.span(), "姓名 name 不能为空".into()));
        }
        if !crate::core::text::is_clean(&name, false) {
            return Err(err(p.name.span(), "姓名中有控制字符：请只写姓名".into()));
        }
        if !names.insert(name.clone()) {
            return Err(err(
                p.name.span(),
                format!("人员“{name}”重复：每人只写一节 [[people]]，重名请加区分（如“张三（办公室）”）"),
            ));
        }
        let role = Role::parse(p.role.get_ref()).ok_or_else(|| {
            err(
                p.role.span(),
                format!(
                    "角色“{}”无效：可写 {}",
                    p.role.get_ref(),
                    Role::ALL.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
                ),
            )
        })?;
        let phone = match &p.phone {
            Some(ph) if !ph.get_ref().trim().is_empty() => {
                validate::phone(ph.get_ref()).map_err(|e| err(ph.span(), format!("{name} 的电话：{e}")))?
            }
            _ => String::new(),
        };
        resolved.push(Person { name, role, phone });
    }
    if !resolved.iter().any(|p| p.role == Role::DutyOfficer) {
        let line = if people_is_user {
            Some(line_of(text, people_span.start))
        } else {
            None
        };
        return Err(ConfigError {
            file: file_name,
            line,
            message: "人员名单中至少要有一名 role = \"值班员\"：启动时需从中选择当班人员".into(),
        });
    }

    let mut categories = Vec::new();
    let log = log.into_inner();
    for c in log.categories.get_ref() {
        let name = c.get_ref().trim().to_string();
        if name.is_empty() || categories.contains(&name) {
            return Err(err(c.span(), format!("类别“{name}”为空或重复：每个类别写一次")));
        }
        categories.push(name);
    }
    if categories.is_empty() {
        return Err(err(
            log.categories.span(),
            "categories 至少要有一项，如 categories = [\"综合\"]".into(),
        ));
    }

    Ok(Config {
        settings: Settings {
            office_name,
            people: resolved,
            categories,
        },
        language: ui.language.into_inner(),
        source: path.map(Path::to_path_buf),
    })
}

fn parse_file(text: &str, file: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError {
        file: file.to_string(),
        line: e.span().map(|s| line_of(text, s.start)),
        message: translate(e.message()),
    })
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count() + 1
}

/// Turns the TOML/serde message into Chinese that says what to write.
fn translate(message: &str) -> String {
    let ticked = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let m = message.trim();
    if m.starts_with("unknown field") {
        let names = ticked(m);
        let (bad, allowed) = names
            .split_first()
            .map_or((String::new(), Vec::new()), |(b, rest)| (b.clone(), rest.to_vec()));
        return format!("未知的配置项“{bad}”：这里可写的只有 {}（检查拼写）", allowed.join("、"));
    }
    if m.starts_with("missing field") {
        let names = ticked(m);
        return format!(
            "缺少必填项“{}”：请补上，参照 zhiban config default",
            names.first().cloned().unwrap_or_default()
        );
    }
    if m.starts_with("invalid type") {
        let expected = m.split("expected").nth(1).unwrap_or("").trim();
        let want = match expected {
            e if e.contains("string") => "文字，并用英文双引号括起来，如 \"张三\"",
            e if e.contains("sequence") => "列表，如 [\"综合\", \"其他\"]",
            e if e.contains("struct") || e.contains("map") || e.contains("table") => {
                "一节（表），如 [office] 或 [[people]]"
            }
            _ => "正确类型的值",
        };
        return format!("取值类型不对：这里应写{want}");
    }
    if m.contains("duplicate key") {
        return "同一个键写了两次：删掉多余的一行".into();
    }
    format!("TOML 语法错误（{m}）：检查这一行的等号、英文引号和方括号是否成对")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Result<Config, ConfigError> {
        parse(text, Some(Path::new("/tmp/zhiban-test.toml")))
    }

    #[test]
    fn embedded_default_is_complete_and_valid() {
        let c = parse(DEFAULT_TOML, None).unwrap();
        assert_eq!(c.language, "zh-CN");
        assert!(c.settings.people.iter().any(|p| p.role == Role::DutyOfficer));
        assert!(!c.settings.categories.is_empty());
    }

    #[test]
    fn a_written_section_replaces_the_default_and_others_stay() {
        let c = user("[office]\nname = \"城关镇值班室\"\n").unwrap();
        assert_eq!(c.settings.office_name, "城关镇值班室");
        assert_eq!(c.settings.people, parse(DEFAULT_TOML, None).unwrap().settings.people);
        let c = user("[[people]]\nname = \"钱七\"\nrole = \"值班员\"\n").unwrap();
        assert_eq!(c.settings.people.len(), 1);
        assert_eq!(c.settings.people[0].phone, "");
    }

    #[test]
    fn unknown_key_names_the_line_and_the_allowed_keys() {
        let e = user("[office]\nname = \"x\"\nnmae = \"y\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("nmae") && e.message.contains("name"), "{e}");
        assert!(
            e.to_string().starts_with("配置文件 /tmp/zhiban-test.toml 第 3 行："),
            "{e}"
        );
    }

    #[test]
    fn unknown_section_is_refused() {
        let e = user("\n[offfice]\nname = \"x\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("offfice") && e.message.contains("office"), "{e}");
    }

    #[test]
    fn bad_role_lists_the_roles() {
        let e = user("[[people]]\nname = \"钱七\"\nrole = \"队长\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("队长") && e.message.contains("带班领导"), "{e}");
    }

    #[test]
    fn bad_phone_says_how_to_write_it() {
        let e = user("[[people]]\nname = \"钱七\"\nrole = \"值班员\"\nphone = \"12345678901\"\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("钱七") && e.message.contains("第二位"), "{e}");
    }

    #[test]
    fn wrong_type_and_syntax_errors_are_located() {
        let e = user("[office]\nname = 5\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("双引号"), "{e}");
        let e = user("[office]\nname = \"未闭合\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("语法错误"), "{e}");
    }

    #[test]
    fn duplicate_people_and_missing_officer_are_refused() {
        let e = user("[[people]]\nname = \"甲\"\nrole = \"值班员\"\n[[people]]\nname = \"甲\"\nrole = \"值班员\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(5));
        assert!(e.message.contains("重复"));
        let e = user("[[people]]\nname = \"甲\"\nrole = \"带班领导\"\n").unwrap_err();
        assert!(e.message.contains("值班员"));
    }

    #[test]
    fn unsupported_language_is_refused() {
        let e = user("[ui]\nlanguage = \"en\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("zh-CN"));
    }
}
