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

use chrono::{NaiveDate, NaiveTime};

use crate::core::backup::Retention;
use crate::core::escalation::Rung;
use crate::core::people::duty_leader_role;
use crate::core::roster::{Calendar, Rotation};
use crate::core::settings::{BackupSettings, Contact, Person, ReportTo, Role, Settings, UrgentSettings, VisitSettings};
use crate::core::urgent::{ClockFrom, DeadlineRule, Level};
use crate::core::validate;
use crate::files::{CONFIG_MAX_BYTES, FileError, read_regular};

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
    /// `[ui] theme`: the colours for a dark or a light terminal, or ask the terminal.
    pub theme: ThemeChoice,
    /// The user's file that was applied, if any.
    pub source: Option<PathBuf>,
}

/// `[ui] theme`: which colours to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Ask the terminal for its background at start; dark when it does not answer.
    #[default]
    Auto,
    Dark,
    Light,
}

impl ThemeChoice {
    /// The values the config file takes, in its words.
    pub const WORDS: [(&'static str, Self); 3] = [("auto", Self::Auto), ("dark", Self::Dark), ("light", Self::Light)];

    #[must_use]
    pub fn parse(word: &str) -> Option<Self> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, c)| *c)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    office: Option<Spanned<OfficeSection>>,
    ui: Option<Spanned<UiSection>>,
    people: Option<Spanned<Vec<Spanned<PersonEntry>>>>,
    log: Option<Spanned<LogSection>>,
    urgent: Option<Spanned<UrgentSection>>,
    deadline: Option<Spanned<Vec<Spanned<DeadlineEntry>>>>,
    escalation: Option<Spanned<Vec<Spanned<RungEntry>>>>,
    visit: Option<Spanned<VisitSection>>,
    contact: Option<Spanned<Vec<Spanned<ContactEntry>>>>,
    backup: Option<Spanned<BackupSection>>,
    roster: Option<Spanned<RosterSection>>,
    calendar: Option<Spanned<CalendarSection>>,
    access: Option<Spanned<Vec<Spanned<AccessEntry>>>>,
    report: Option<Spanned<ReportSection>>,
    instruction: Option<Spanned<InstructionSection>>,
    documents: Option<Spanned<DocumentsSection>>,
    notify: Option<Spanned<NotifySection>>,
}

/// `[documents]`: how long a forward may wait for its 签收.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct DocumentsSection {
    #[serde(default)]
    sign_within_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    holiday_remind_days: Option<Spanned<u32>>,
}

/// `[documents]` checked: minutes within a week.
fn documents_settings(
    section: Option<Spanned<DocumentsSection>>,
    err: Locate<'_>,
) -> Result<crate::core::document::DocumentSettings, ConfigError> {
    let mut out = crate::core::document::DocumentSettings::default();
    let Some(section) = section.map(Spanned::into_inner) else {
        return Ok(out);
    };
    if let Some(d) = &section.holiday_remind_days {
        let v = *d.get_ref();
        if v > 60 {
            return Err(err(
                d.span(),
                "holiday_remind_days（收齐日期前几天开始提醒节日值班表）须在 0 到 60 之间".into(),
            ));
        }
        out.holiday_remind_before = chrono::Duration::days(i64::from(v));
    }
    if let Some(m) = section.sign_within_minutes {
        let v = *m.get_ref();
        if v == 0 || v > 7 * 24 * 60 {
            return Err(err(
                m.span(),
                "sign_within_minutes（转交后多少分钟未签收即提醒）须在 1 到 10080 之间".into(),
            ));
        }
        out.sign_within = chrono::Duration::minutes(i64::from(v));
    }
    Ok(out)
}

/// `[notify]`: the office's SMS or voice platform behind a command.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct NotifySection {
    #[serde(default)]
    command: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    timeout_seconds: Option<Spanned<u64>>,
    #[serde(default)]
    content: Option<bool>,
    #[serde(default)]
    uses: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    escalation_from_rung: Option<Spanned<usize>>,
}

/// `[notify]` checked: an argument list with `{phone}`, a time limit of 1–300 s, the uses named.
fn notify_settings(
    section: Option<Spanned<NotifySection>>,
    err: Locate<'_>,
) -> Result<crate::core::hook::HookSettings, ConfigError> {
    use crate::core::hook::{HookSettings, HookUse, check_command};
    let mut out = HookSettings::default();
    let Some(section) = section.map(Spanned::into_inner) else {
        return Ok(out);
    };
    if let Some(c) = section.command {
        check_command(c.get_ref()).map_err(|m| err(c.span(), format!("[notify] {m}")))?;
        out.command = c.into_inner();
    }
    if let Some(t) = section.timeout_seconds {
        let v = *t.get_ref();
        if !(1..=300).contains(&v) {
            return Err(err(
                t.span(),
                "timeout_seconds（短信/语音接口一次最多等多少秒）须在 1 到 300 之间".into(),
            ));
        }
        out.timeout_seconds = v;
    }
    if let Some(c) = section.content {
        out.content = c;
    }
    if let Some(u) = section.uses {
        let mut uses = Vec::new();
        for name in u.get_ref() {
            uses.push(match name.as_str() {
                "升级" => HookUse::Escalation,
                "来访告警" => HookUse::VisitAlert,
                "电话通知" => HookUse::NoticeCall,
                "交办逾期" => HookUse::OverdueTask,
                "漏岗" => HookUse::MissedPost,
                other => {
                    return Err(err(
                        u.span(),
                        format!("uses 中的“{other}”不认识：可写 升级、来访告警、电话通知、交办逾期、漏岗"),
                    ));
                }
            });
        }
        out.uses = uses;
    }
    if let Some(r) = section.escalation_from_rung {
        out.escalation_from_rung = *r.get_ref();
    }
    Ok(out)
}

/// `[instruction]`: the times of the 请示—批示—交办 cycle and the notices' recipient groups.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct InstructionSection {
    #[serde(default)]
    retry_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    task_warn_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    notice_retry_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    handover_group_days: Option<Spanned<u32>>,
    #[serde(default)]
    group: Option<Spanned<Vec<Spanned<GroupEntry>>>>,
}

/// `[[instruction.group]]`: a saved list of notice recipients (各乡镇值班室).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    name: Spanned<String>,
    members: Names,
}

/// `[instruction]` checked: minutes within a day's range, groups named once with clean members.
fn instruction_settings(
    section: Option<Spanned<InstructionSection>>,
    err: Locate<'_>,
) -> Result<crate::core::instruction::InstructionSettings, ConfigError> {
    let mut out = crate::core::instruction::InstructionSettings::default();
    let Some(r) = section.map(Spanned::into_inner) else {
        return Ok(out);
    };
    let minutes = |m: &Spanned<u32>, what: &str, max: u32| {
        let v = *m.get_ref();
        if v == 0 || v > max {
            Err(err(m.span(), format!("{what} 须在 1 到 {max} 之间")))
        } else {
            Ok(chrono::Duration::minutes(i64::from(v)))
        }
    };
    if let Some(m) = &r.retry_minutes {
        out.retry_after = minutes(m, "retry_minutes（请示未联系上后再试的分钟数）", 24 * 60)?;
    }
    if let Some(m) = &r.task_warn_minutes {
        out.task_warn_before = minutes(m, "task_warn_minutes（交办时限前提醒的分钟数）", 7 * 24 * 60)?;
    }
    if let Some(m) = &r.notice_retry_minutes {
        out.notice_retry_after = minutes(m, "notice_retry_minutes（通知未接通后再打的分钟数）", 24 * 60)?;
    }
    if let Some(d) = &r.handover_group_days {
        let days = *d.get_ref();
        if days == 0 || days > 3650 {
            return Err(err(d.span(), "handover_group_days 须在 1 到 3650 之间".into()));
        }
        out.group_after = chrono::Duration::days(i64::from(days));
    }
    for g in r.group.iter().flat_map(|g| g.get_ref().iter()) {
        let g = g.get_ref();
        let name = g.name.get_ref().trim().to_string();
        if name.is_empty() || !crate::core::text::is_clean(&name, false) || out.groups.iter().any(|(n, _)| *n == name) {
            return Err(err(g.name.span(), format!("通知分组名“{name}”为空、重复或含控制字符")));
        }
        let mut members = Vec::new();
        for m in g.members.get_ref() {
            let member = m.get_ref().trim().to_string();
            if member.is_empty() || !crate::core::text::is_clean(&member, false) || members.contains(&member) {
                return Err(err(
                    m.span(),
                    format!("分组“{name}”的成员“{member}”为空、重复或含控制字符"),
                ));
            }
            members.push(member);
        }
        if members.is_empty() {
            return Err(err(g.members.span(), format!("分组“{name}”至少要有一个成员")));
        }
        out.groups.push((name, members));
    }
    Ok(out)
}

/// `[report]`: the 值班日报's period and whether the office must send it daily.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct ReportSection {
    #[serde(default)]
    day_ends: Option<Spanned<String>>,
    #[serde(default)]
    daily_required: Option<Spanned<bool>>,
    #[serde(default)]
    remind_at: Option<Spanned<String>>,
}

/// `[report]` checked: times of day as "08:00", located when wrong.
fn report_settings(
    section: Option<Spanned<ReportSection>>,
    err: Locate<'_>,
) -> Result<crate::core::report::ReportSettings, ConfigError> {
    let mut out = crate::core::report::ReportSettings::default();
    let Some(r) = section.map(Spanned::into_inner) else {
        return Ok(out);
    };
    let time = |t: &Spanned<String>, what: &str| {
        NaiveTime::parse_from_str(t.get_ref().trim(), "%H:%M").map_err(|_| {
            err(
                t.span(),
                format!("{what}“{}”无效：请按 \"08:00\" 的样子写 24 小时制时刻", t.get_ref()),
            )
        })
    };
    if let Some(t) = &r.day_ends {
        out.day_ends = time(t, "日报截止时刻 day_ends ")?;
    }
    if let Some(t) = &r.remind_at {
        out.remind_at = time(t, "提醒时刻 remind_at ")?;
    }
    if let Some(d) = &r.daily_required {
        out.daily_required = *d.get_ref();
    }
    Ok(out)
}

/// `[[access]]`: the screens a role may open (a role not listed opens all).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct AccessEntry {
    role: Spanned<String>,
    screens: Spanned<Vec<Spanned<String>>>,
}

type Names = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct BackupSection {
    dir: Spanned<String>,
    /// The old single setting (every backup of the last N days): still read, as `keep_daily`.
    #[serde(default)]
    keep_days: Option<Spanned<u32>>,
    #[serde(default)]
    keep_daily: Option<Spanned<u32>>,
    #[serde(default)]
    keep_weekly: Option<Spanned<u32>>,
    #[serde(default)]
    keep_monthly: Option<Spanned<u32>>,
    daily: Spanned<bool>,
}

/// `[backup]`'s rotation checked: `keep_daily`/`keep_weekly`/`keep_monthly` (each left out takes
/// the default), or an old file's `keep_days` alone; a bad value names its line.
fn retention(b: &BackupSection, err: Locate<'_>) -> Result<Retention, ConfigError> {
    let new_keys = [&b.keep_daily, &b.keep_weekly, &b.keep_monthly];
    if let Some(days) = &b.keep_days {
        if new_keys.iter().any(|k| k.is_some()) {
            return Err(err(
                days.span(),
                "keep_days 是旧写法，不能与 keep_daily、keep_weekly、keep_monthly 同时写：请删去 keep_days 这一行"
                    .into(),
            ));
        }
        if *days.get_ref() == 0 {
            return Err(err(days.span(), "keep_days 须至少为 1（天）".into()));
        }
        return Ok(Retention::from_keep_days(*days.get_ref()));
    }
    let mut keep = Retention::default();
    // Ten years at most of each: more keeps everything, which is not a rotation.
    type Rule<'a> = (&'a Option<Spanned<u32>>, &'a mut u32, &'a str, u32, u32, &'a str);
    let rules: [Rule<'_>; 3] = [
        (&b.keep_daily, &mut keep.daily, "keep_daily", 1, 3660, "天"),
        (&b.keep_weekly, &mut keep.weekly, "keep_weekly", 0, 520, "周"),
        (&b.keep_monthly, &mut keep.monthly, "keep_monthly", 0, 120, "个月"),
    ];
    for (value, into, key, least, most, unit) in rules {
        let Some(v) = value else { continue };
        let n = *v.get_ref();
        if n < least || n > most {
            return Err(err(
                v.span(),
                format!(
                    "{key} = {n} 不行：须在 {least} 到 {most}（{unit}）之间，如 keep_daily = 7、keep_weekly = 4、keep_monthly = 12"
                ),
            ));
        }
        *into = n;
    }
    Ok(keep)
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct VisitSection {
    hosts: Names,
    overstay_minutes: Spanned<u32>,
    #[serde(default)]
    report_to: Option<Names>,
    #[serde(default)]
    retention_years: Option<Spanned<u32>>,
}

/// `[[contact]]`: a leader or a body outside the people list (分管领导, 信访部门) and its number.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct ContactEntry {
    name: Spanned<String>,
    #[serde(default)]
    person: Option<Spanned<String>>,
    phone: Spanned<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RosterSection {
    first_day: Spanned<String>,
    shift_starts: Names,
    leaders: Names,
    primaries: Names,
    #[serde(default)]
    deputies: Option<Names>,
    #[serde(default)]
    rest_leaders: Option<Names>,
    #[serde(default)]
    rest_primaries: Option<Names>,
    #[serde(default)]
    rest_deputies: Option<Names>,
    /// From this day of the month next month's roster is reminded until published (0: never).
    #[serde(default)]
    publish_remind_day: Option<Spanned<u32>>,
    /// 漏岗 when nobody signed on this many minutes after a shift began (0: never).
    #[serde(default)]
    signon_alert_minutes: Option<Spanned<u32>>,
    /// Days of 补休 one shift starting on a public holiday earns, and one on a weekend.
    #[serde(default)]
    comp_days_per_holiday_shift: Option<Spanned<f64>>,
    #[serde(default)]
    comp_days_per_weekend_shift: Option<Spanned<f64>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct CalendarSection {
    holidays: Names,
    workdays: Names,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct UrgentSection {
    categories: Spanned<Vec<Spanned<String>>>,
    recipient: Spanned<String>,
    followup_times: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct DeadlineEntry {
    level: Spanned<String>,
    recipient: Spanned<String>,
    #[serde(default)]
    category: Option<Spanned<String>>,
    phone_minutes: Spanned<u32>,
    /// Left out: a phone report only (the 带班领导).
    #[serde(default)]
    written_minutes: Option<Spanned<u32>>,
    clock: Spanned<String>,
    source: Spanned<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RungEntry {
    name: Spanned<String>,
    #[serde(default)]
    role: Option<Spanned<String>>,
    #[serde(default)]
    phone: Option<Spanned<String>>,
    delay_minutes: Spanned<u32>,
    repeat: Spanned<u32>,
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
    #[serde(default)]
    lock_minutes: Option<Spanned<u32>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
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

/// `[[access]]` checked: known roles, each once, and screens the app has.
fn access_settings(
    access: Option<Spanned<Vec<Spanned<AccessEntry>>>>,
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Vec<(Role, Vec<String>)>, ConfigError> {
    let mut screens: Vec<&str> = crate::core::screens::ScreenId::ALL.iter().map(|s| s.label()).collect();
    screens.push(crate::core::screens::PETITION_DETAILS);
    let mut out: Vec<(Role, Vec<String>)> = Vec::new();
    for entry in access.map(Spanned::into_inner).unwrap_or_default() {
        let a = entry.into_inner();
        let role = Role::parse(a.role.get_ref()).ok_or_else(|| {
            err(
                a.role.span(),
                format!(
                    "角色“{}”无效：可写 {}",
                    a.role.get_ref(),
                    Role::ALL.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
                ),
            )
        })?;
        if out.iter().any(|(r, _)| *r == role) {
            return Err(err(
                a.role.span(),
                format!("角色“{}”写了两次：每个角色只写一节 [[access]]", role.label()),
            ));
        }
        let mut allowed = Vec::new();
        for s in a.screens.get_ref() {
            let label = s.get_ref().trim();
            if !screens.contains(&label) {
                return Err(err(
                    s.span(),
                    format!("栏目“{label}”不存在：可写 {}", screens.join("、")),
                ));
            }
            allowed.push(label.to_string());
        }
        if allowed.is_empty() {
            return Err(err(
                a.screens.span(),
                "screens 不能为空：至少写一个栏目，如 screens = [\"来访登记\"]".into(),
            ));
        }
        out.push((role, allowed));
    }
    Ok(out)
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
            // A regular file of at most 1 MiB: never a FIFO to wait on or `/dev/zero` to fill memory with.
            let text = read_regular(&path, CONFIG_MAX_BYTES, "配置文件").map_err(|e| ConfigError {
                file: path.display().to_string(),
                line: None,
                message: match e {
                    FileError::NotFound { .. } => "文件不存在：请检查路径，或去掉 --config 使用默认配置".into(),
                    FileError::PermissionDenied { .. } => "没有读取权限：请检查文件权限".into(),
                    FileError::NotRegular { kind, .. } => {
                        format!("{kind}，不是普通文件：配置文件须是一个普通的文本文件，请检查路径")
                    }
                    FileError::TooLarge { size, cap, .. } => {
                        format!("文件太大（{size}）：配置文件最多 {cap}，请检查是否选错了文件")
                    }
                    FileError::Io { source, .. } => format!("无法读取（{source}）"),
                    e => e.to_string(),
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
    let d = defaults.unwrap_or_default();
    let missing = |section: &str| ConfigError {
        file: file_name.clone(),
        line: None,
        message: format!("缺少 {section} 一节：请参照 zhiban config default 补上"),
    };
    let office = user.office.or(d.office).ok_or_else(|| missing("[office]"))?;
    let ui = user.ui.or(d.ui).ok_or_else(|| missing("[ui]"))?;
    let people_is_user = user.people.is_some();
    let people = user.people.or(d.people).ok_or_else(|| missing("[[people]]"))?;
    let log = user.log.or(d.log).ok_or_else(|| missing("[log]"))?;
    let urgent_is_user = user.urgent.is_some();
    let urgent = user.urgent.or(d.urgent).ok_or_else(|| missing("[urgent]"))?;
    let deadline_is_user = user.deadline.is_some();
    let deadline = user.deadline.or(d.deadline).ok_or_else(|| missing("[[deadline]]"))?;
    let escalation = user
        .escalation
        .or(d.escalation)
        .ok_or_else(|| missing("[[escalation]]"))?;

    let roster_is_user = user.roster.is_some();
    let roster = user.roster.or(d.roster).ok_or_else(|| missing("[roster]"))?;
    let calendar = user.calendar.or(d.calendar).ok_or_else(|| missing("[calendar]"))?;
    let report_to_is_user = user.visit.as_ref().is_some_and(|v| v.get_ref().report_to.is_some());
    let visit = user.visit.or(d.visit).ok_or_else(|| missing("[visit]"))?;
    // A default report_to name without its contact is the user's [[contact]] leaving it out.
    let contact_span = user
        .contact
        .as_ref()
        .and_then(|c| c.get_ref().first())
        .map_or(0..0, Spanned::span);
    let contact = user.contact.or(d.contact).map(Spanned::into_inner).unwrap_or_default();
    let backup = user
        .backup
        .or(d.backup)
        .ok_or_else(|| missing("[backup]"))?
        .into_inner();
    let backup = BackupSettings {
        dir: Some(backup.dir.get_ref().trim())
            .filter(|d| !d.is_empty())
            .map(PathBuf::from),
        keep: retention(&backup, &err)?,
        daily: *backup.daily.get_ref(),
    };

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
    let mut leader_named: Option<Role> = None;
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
        if role.is_duty_leader() {
            match leader_named {
                Some(first) if first != role => {
                    return Err(err(
                        p.role.span(),
                        format!(
                            "“{}”和“{}”是同一角色的两种叫法，一份名单只能用一种：请统一写成 role = \"{}\"\
                             （界面、日报和提醒都照此称呼）",
                            role.label(),
                            first.label(),
                            first.label()
                        ),
                    ));
                }
                _ => leader_named = Some(role),
            }
        }
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

    let mut urgent = urgent_settings(
        urgent.into_inner(),
        deadline,
        escalation.into_inner(),
        &|span: Range<usize>, message: String| err(span, message),
        (urgent_is_user, deadline_is_user),
        &file_name,
    )?;
    name_the_duty_leader(&mut urgent, duty_leader_role(&resolved));

    let calendar = calendar_settings(calendar.into_inner(), &err)?;
    let contacts = contact_settings(contact, &err)?;
    let visit = visit_settings(
        visit.into_inner(),
        (&contacts, contact_span, report_to_is_user),
        duty_leader_role(&resolved),
        &err,
    )?;
    // The default rotation names the default people; with the user's own [[people]] and no
    // [roster] of theirs it does not fit, so there is simply no rotation (the roster screen says so).
    let roster_rules = roster_rules(roster.get_ref(), &err)?;
    let roster = match roster_settings(roster, &resolved, &err) {
        Err(_) if !roster_is_user => None,
        r => r?,
    };

    let access = access_settings(user.access.or(d.access), &err)?;
    let report = report_settings(user.report.or(d.report), &err)?;
    let instruction = instruction_settings(user.instruction.or(d.instruction), &err)?;
    let documents = documents_settings(user.documents.or(d.documents), &err)?;
    let notify = notify_settings(user.notify.or(d.notify), &err)?;
    let lock_minutes = ui.lock_minutes.as_ref().map_or(15, |m| *m.get_ref());
    if lock_minutes > 24 * 60 {
        let span = ui.lock_minutes.as_ref().map_or(0..0, Spanned::span);
        return Err(err(
            span,
            "lock_minutes 不能超过 1440（一天）；写 0 表示不自动锁屏".into(),
        ));
    }

    let theme = match &ui.theme {
        None => ThemeChoice::Auto,
        Some(word) => ThemeChoice::parse(word.get_ref().trim()).ok_or_else(|| {
            err(
                word.span(),
                format!(
                    "界面配色 theme = \"{}\" 不认识：可写 \"auto\"（启动时询问终端背景色，问不到按深色）、\
                     \"dark\"（深色背景）或 \"light\"（浅色背景）",
                    word.get_ref()
                ),
            )
        })?,
    };

    Ok(Config {
        settings: Settings {
            lock_minutes,
            office_name,
            people: resolved,
            categories,
            urgent,
            roster,
            calendar,
            visit,
            backup,
            access,
            report,
            instruction,
            documents,
            notify,
            roster_rules,
        },
        language: ui.language.into_inner(),
        theme,
        source: path.map(Path::to_path_buf),
    })
}

type Locate<'a> = &'a dyn Fn(Range<usize>, String) -> ConfigError;

/// The ladder and the deadline rules call the duty leader as the people list does: a rung, a
/// recipient or a role written 带班领导 or 值班领导 becomes `leader` (the shipped sections say
/// 带班领导 and stay in force when an office replaces only its [[people]]).
fn name_the_duty_leader(urgent: &mut UrgentSettings, leader: Role) {
    let rename = |s: &mut String| {
        if Role::parse(s).is_some_and(Role::is_duty_leader) {
            *s = leader.label().to_string();
        }
    };
    rename(&mut urgent.recipient);
    for rule in &mut urgent.rules {
        rename(&mut rule.recipient);
    }
    for rung in &mut urgent.ladder {
        rename(&mut rung.name);
        if rung.role.is_some_and(Role::is_duty_leader) {
            rung.role = Some(leader);
        }
    }
}

/// Checks and resolves the urgent-reporting sections.
fn urgent_settings(
    urgent: UrgentSection,
    deadline: Spanned<Vec<Spanned<DeadlineEntry>>>,
    ladder: Vec<Spanned<RungEntry>>,
    err: Locate<'_>,
    (urgent_is_user, deadline_is_user): (bool, bool),
    file_name: &str,
) -> Result<UrgentSettings, ConfigError> {
    let mut categories = Vec::new();
    for c in urgent.categories.get_ref() {
        let name = c.get_ref().trim().to_string();
        if name.is_empty() || categories.contains(&name) {
            return Err(err(c.span(), format!("突发事件类别“{name}”为空或重复：每个类别写一次")));
        }
        categories.push(name);
    }
    if categories.is_empty() {
        return Err(err(urgent.categories.span(), "[urgent] categories 至少要有一项".into()));
    }
    let mut followup_times = Vec::new();
    for t in urgent.followup_times.get_ref() {
        let time = NaiveTime::parse_from_str(t.get_ref().trim(), "%H:%M").map_err(|_| {
            err(
                t.span(),
                format!("续报时刻“{}”无效：请按 \"08:00\" 的样子写 24 小时制时刻", t.get_ref()),
            )
        })?;
        followup_times.push(time);
    }

    let mut rules = Vec::new();
    for entry in deadline.get_ref() {
        let d = entry.get_ref();
        let level = Level::parse(d.level.get_ref()).ok_or_else(|| {
            err(
                d.level.span(),
                format!("等级“{}”无效：可写 {}", d.level.get_ref(), Level::choices()),
            )
        })?;
        let clock = ClockFrom::parse(d.clock.get_ref()).ok_or_else(|| {
            err(
                d.clock.span(),
                format!("计时起点“{}”无效：只能写 \"事发\" 或 \"接报\"", d.clock.get_ref()),
            )
        })?;
        let phone = *d.phone_minutes.get_ref();
        let written = d.written_minutes.as_ref().map(|w| *w.get_ref());
        for (minutes, name) in [
            (Some(&d.phone_minutes), "phone_minutes（电话报告时限）"),
            (d.written_minutes.as_ref(), "written_minutes（书面报告时限）"),
        ] {
            if let Some(minutes) = minutes
                && *minutes.get_ref() == 0
            {
                return Err(err(minutes.span(), format!("{name} 须大于 0 分钟，如 30")));
            }
        }
        if let (Some(w), Some(span)) = (written, d.written_minutes.as_ref())
            && w < phone
        {
            return Err(err(
                span.span(),
                format!("书面时限（{w} 分钟）短于电话时限（{phone} 分钟）：书面报告一般在电话之后，请核对"),
            ));
        }
        let category = match &d.category {
            Some(c) if !categories.contains(c.get_ref()) => {
                return Err(err(
                    c.span(),
                    format!(
                        "类别“{}”不在 [urgent] categories 中：可写 {}",
                        c.get_ref(),
                        categories.join("、")
                    ),
                ));
            }
            Some(c) => Some(c.get_ref().clone()),
            None => None,
        };
        let recipient = d.recipient.get_ref().trim().to_string();
        let source = d.source.get_ref().trim().to_string();
        if recipient.is_empty() || source.is_empty() {
            return Err(err(
                entry.span(),
                "每条 [[deadline]] 都要写明 recipient（报送对象）和 source（依据）".into(),
            ));
        }
        rules.push(DeadlineRule {
            category,
            level,
            recipient,
            phone_minutes: phone,
            written_minutes: written,
            clock,
            source,
        });
    }
    let recipient = urgent.recipient.get_ref().trim().to_string();
    for level in Level::ALL {
        if !rules
            .iter()
            .any(|r| r.level == *level && r.recipient == recipient && r.category.is_none())
        {
            let message = format!(
                "没有“{}”级事件报“{recipient}”的通用时限规则：请加一条 [[deadline]]（level = \"{}\"，recipient = \"{recipient}\"，不写 category）",
                level.label(),
                level.label()
            );
            return Err(if urgent_is_user {
                err(urgent.recipient.span(), message)
            } else if deadline_is_user {
                err(deadline.span(), message)
            } else {
                ConfigError {
                    file: file_name.to_string(),
                    line: None,
                    message,
                }
            });
        }
    }

    let mut rungs = Vec::new();
    for entry in &ladder {
        let r = entry.get_ref();
        let role = match &r.role {
            Some(role) => Some(Role::parse(role.get_ref()).ok_or_else(|| {
                let roles = Role::ALL.iter().map(|r| r.label()).collect::<Vec<_>>().join("、");
                err(role.span(), format!("角色“{}”无效：可写 {roles}", role.get_ref()))
            })?),
            None => None,
        };
        let phone = match &r.phone {
            Some(p) if !p.get_ref().trim().is_empty() => {
                validate::phone(p.get_ref()).map_err(|e| err(p.span(), format!("{} 的电话：{e}", r.name.get_ref())))?
            }
            _ => String::new(),
        };
        if role.is_none() && phone.is_empty() {
            return Err(err(
                entry.span(),
                format!(
                    "提醒级别“{}”须写 role（按角色找人）或 phone（直接写电话）",
                    r.name.get_ref()
                ),
            ));
        }
        if *r.delay_minutes.get_ref() == 0 || *r.repeat.get_ref() > 60 {
            return Err(err(
                r.delay_minutes.span(),
                "delay_minutes 须大于 0，repeat 不超过 60".into(),
            ));
        }
        rungs.push(Rung {
            name: r.name.get_ref().trim().to_string(),
            delay_minutes: *r.delay_minutes.get_ref(),
            repeat: *r.repeat.get_ref(),
            role,
            phone,
        });
    }
    if rungs.is_empty() {
        return Err(ConfigError {
            file: file_name.to_string(),
            line: None,
            message: "至少要有一级 [[escalation]] 提醒".into(),
        });
    }
    Ok(UrgentSettings {
        categories,
        recipient,
        followup_times,
        rules,
        ladder: rungs,
    })
}

/// `[[contact]]` checked: a name that is no role (a role is found in the people list), once each,
/// with a valid number.
fn contact_settings(entries: Vec<Spanned<ContactEntry>>, err: Locate<'_>) -> Result<Vec<Contact>, ConfigError> {
    let mut out: Vec<Contact> = Vec::new();
    for entry in entries {
        let c = entry.into_inner();
        let name = c.name.get_ref().trim().to_string();
        if name.is_empty() || !crate::core::text::is_clean(&name, false) {
            return Err(err(
                c.name.span(),
                "联系对象 name 不能为空或含控制字符，如 name = \"信访部门\"".into(),
            ));
        }
        if Role::parse(&name).is_some() {
            return Err(err(
                c.name.span(),
                format!(
                    "“{name}”是人员名单中的角色：按角色找人，不必写 [[contact]]（要写名单外的联系对象，换个名称如“分管领导”）"
                ),
            ));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(err(
                c.name.span(),
                format!("联系对象“{name}”写了两次：每个只写一节 [[contact]]"),
            ));
        }
        let person = c
            .person
            .as_ref()
            .map_or(String::new(), |p| p.get_ref().trim().to_string());
        if !crate::core::text::is_clean(&person, false) {
            let span = c.person.as_ref().map_or(0..0, Spanned::span);
            return Err(err(span, "person 中有控制字符：请只写姓名".into()));
        }
        let phone =
            validate::phone(c.phone.get_ref()).map_err(|e| err(c.phone.span(), format!("{name} 的电话：{e}")))?;
        out.push(Contact { name, person, phone });
    }
    Ok(out)
}

/// `report_to` when `[visit]` leaves it out: the duty leader, the 分管领导 and the 信访部门 (000:377).
const REPORT_TO: [&str; 3] = ["带班领导", "分管领导", "信访部门"];

fn visit_settings(
    v: VisitSection,
    (contacts, contact_span, written): (&[Contact], Range<usize>, bool),
    leader: Role,
    err: Locate<'_>,
) -> Result<VisitSettings, ConfigError> {
    let mut hosts = Vec::new();
    for h in v.hosts.get_ref() {
        let name = h.get_ref().trim().to_string();
        if name.is_empty() || hosts.contains(&name) || !crate::core::text::is_clean(&name, false) {
            return Err(err(
                h.span(),
                format!("被访部门/人“{name}”为空、重复或含控制字符：每项写一次"),
            ));
        }
        hosts.push(name);
    }
    if hosts.is_empty() {
        return Err(err(
            v.hosts.span(),
            "hosts 至少要有一项，如 hosts = [\"办公室\"]".into(),
        ));
    }
    let overstay_minutes = *v.overstay_minutes.get_ref();
    if overstay_minutes == 0 {
        return Err(err(
            v.overstay_minutes.span(),
            "overstay_minutes 须大于 0，如 240（4 小时）".into(),
        ));
    }
    let retention_years = match &v.retention_years {
        None => crate::core::retention::DEFAULT_YEARS,
        Some(y) if crate::core::retention::YEARS.contains(y.get_ref()) => *y.get_ref(),
        Some(y) => {
            return Err(err(
                y.span(),
                format!(
                    "retention_years = {} 不行：来访人证件号码和电话的保存期限须在 {} 到 {} 年之间，如 retention_years = 3",
                    y.get_ref(),
                    crate::core::retention::YEARS.start(),
                    crate::core::retention::YEARS.end()
                ),
            ));
        }
    };
    // Not written by the user: the default list, and a name without its contact is their
    // [[contact]] leaving it out.
    let names: Vec<(String, Range<usize>)> = match &v.report_to {
        Some(list) if written => list
            .get_ref()
            .iter()
            .map(|n| (n.get_ref().trim().to_string(), n.span()))
            .collect(),
        _ => REPORT_TO
            .iter()
            .map(|n| ((*n).to_string(), contact_span.clone()))
            .collect(),
    };
    let mut report_to = Vec::new();
    for (name, span) in names {
        let to = match Role::parse(&name) {
            // 带班领导 or 值班领导: as the people list calls the duty leader.
            Some(role) if role.is_duty_leader() => ReportTo::Role(leader),
            Some(role) => ReportTo::Role(role),
            None => match contacts.iter().find(|c| c.name == name) {
                Some(c) => ReportTo::Contact(c.clone()),
                None => {
                    let known: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
                    return Err(err(
                        span,
                        format!(
                            "{}报告对象“{name}”既不是人员名单的角色（{}），也没有 [[contact]]：请加一节 [[contact]] \
                             写明 name = \"{name}\" 和 phone{}",
                            if !written {
                                format!("[visit] 没写 report_to，默认报告 {}；", REPORT_TO.join("、"))
                            } else {
                                String::new()
                            },
                            Role::ALL.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
                            if known.is_empty() {
                                String::new()
                            } else {
                                format!("（已有：{}）", known.join("、"))
                            }
                        ),
                    ));
                }
            },
        };
        if report_to.contains(&to) {
            return Err(err(span, format!("报告对象“{name}”写了两次")));
        }
        report_to.push(to);
    }
    Ok(VisitSettings {
        hosts,
        overstay_minutes,
        report_to,
        retention_years,
    })
}

/// Dates as written: "YYYY-MM-DD", each located when wrong.
fn dates(list: &Names, what: &str, err: Locate<'_>) -> Result<std::collections::BTreeSet<NaiveDate>, ConfigError> {
    list.get_ref()
        .iter()
        .map(|d| {
            NaiveDate::parse_from_str(d.get_ref().trim(), "%Y-%m-%d").map_err(|_| {
                err(
                    d.span(),
                    format!("{what}日期“{}”无效：请按 \"2026-10-01\" 的样子写", d.get_ref()),
                )
            })
        })
        .collect()
}

fn calendar_settings(c: CalendarSection, err: Locate<'_>) -> Result<Calendar, ConfigError> {
    let holidays = dates(&c.holidays, "节假日", err)?;
    let workdays = dates(&c.workdays, "调休上班", err)?;
    if let Some(both) = holidays.intersection(&workdays).next() {
        return Err(err(
            c.workdays.span(),
            format!("{both} 既写在 holidays 又写在 workdays：同一天只能是其中之一"),
        ));
    }
    Ok(Calendar { holidays, workdays })
}

/// `[roster]`'s rules for running the roster (issue 19): each optional, checked with its line.
fn roster_rules(
    section: &RosterSection,
    err: Locate<'_>,
) -> Result<crate::core::roster_plan::RosterRules, ConfigError> {
    let mut out = crate::core::roster_plan::RosterRules::default();
    if let Some(d) = &section.publish_remind_day {
        if *d.get_ref() > 28 {
            return Err(err(
                d.span(),
                "publish_remind_day（每月几号起提醒发布下月排班）须在 1 到 28 之间；写 0 表示不提醒".into(),
            ));
        }
        out.publish_remind_day = *d.get_ref();
    }
    if let Some(m) = &section.signon_alert_minutes {
        if *m.get_ref() > 24 * 60 {
            return Err(err(
                m.span(),
                "signon_alert_minutes（班次开始后多少分钟无人到岗即报漏岗）不能超过 1440；写 0 表示不报".into(),
            ));
        }
        out.signon_alert_after = chrono::Duration::minutes(i64::from(*m.get_ref()));
    }
    let half_days = |v: &Spanned<f64>, name: &str| -> Result<i64, ConfigError> {
        let x = *v.get_ref() * 2.0;
        if !(0.0..=10.0).contains(&x) || x.fract() != 0.0 {
            return Err(err(
                v.span(),
                format!("{name}（每个班次计补休几天）须是 0 到 5 之间半天的整数倍，如 0.5、1、2"),
            ));
        }
        // Checked above: a whole number from 0 to 10.
        #[allow(clippy::cast_possible_truncation)]
        Ok(x as i64)
    };
    if let Some(v) = &section.comp_days_per_holiday_shift {
        out.comp.holiday_half_days = half_days(v, "comp_days_per_holiday_shift")?;
    }
    if let Some(v) = &section.comp_days_per_weekend_shift {
        out.comp.weekend_half_days = half_days(v, "comp_days_per_weekend_shift")?;
    }
    Ok(out)
}

/// The rotation, or `None` when `primaries = []` (shifts come only from imported rosters).
fn roster_settings(
    section: Spanned<RosterSection>,
    people: &[Person],
    err: Locate<'_>,
) -> Result<Option<Rotation>, ConfigError> {
    let span = section.span();
    let r = section.into_inner();
    if r.primaries.get_ref().is_empty() {
        return Ok(None);
    }
    let first_day = NaiveDate::parse_from_str(r.first_day.get_ref().trim(), "%Y-%m-%d").map_err(|_| {
        err(
            r.first_day.span(),
            format!("first_day“{}”无效：请按 \"2026-11-01\" 的样子写", r.first_day.get_ref()),
        )
    })?;
    let mut shift_starts = Vec::new();
    for t in r.shift_starts.get_ref() {
        shift_starts.push(NaiveTime::parse_from_str(t.get_ref().trim(), "%H:%M").map_err(|_| {
            err(
                t.span(),
                format!("交班时刻“{}”无效：请按 \"08:30\" 的样子写 24 小时制时刻", t.get_ref()),
            )
        })?);
    }
    let names = |list: &Option<Names>| -> Vec<String> {
        list.as_ref()
            .map(|l| l.get_ref().iter().map(|n| n.get_ref().trim().to_string()).collect())
            .unwrap_or_default()
    };
    let rotation = Rotation {
        first_day,
        shift_starts,
        leaders: names(&Some(r.leaders.clone())),
        primaries: names(&Some(r.primaries.clone())),
        deputies: names(&r.deputies),
        rest_leaders: names(&r.rest_leaders),
        rest_primaries: names(&r.rest_primaries),
        rest_deputies: names(&r.rest_deputies),
    };
    // Point at the name itself when one is unknown; otherwise at the section.
    let all_lists = [
        Some(&r.leaders),
        Some(&r.primaries),
        r.deputies.as_ref(),
        r.rest_leaders.as_ref(),
        r.rest_primaries.as_ref(),
        r.rest_deputies.as_ref(),
    ];
    if let Some(problem) = rotation.problems(people).into_iter().next() {
        let unknown = all_lists
            .into_iter()
            .flatten()
            .flat_map(|l| l.get_ref().iter())
            .find(|n| !people.iter().any(|p| p.name == n.get_ref().trim()));
        return Err(err(unknown.map_or(span, Spanned::span), problem));
    }
    Ok(Some(rotation))
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
    // A whole number out of the field's range: "invalid value: integer `-5`, expected u32", or
    // past 64 bits "invalid type: integer `…` as i128, expected u32". Said as the range, not as syntax.
    let expected = m.rsplit("expected ").next().unwrap_or("");
    let integer_field = matches!(expected, "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64");
    if integer_field
        && (m.starts_with("invalid value: integer") || m.starts_with("invalid type: integer"))
        && let Some(number) = ticked(m).first()
    {
        let max = match expected {
            "u8" => u8::MAX.to_string(),
            "u16" => u16::MAX.to_string(),
            "u32" => u32::MAX.to_string(),
            _ => "允许的最大值".to_string(),
        };
        return if number.starts_with('-') {
            format!("取值类型不对：这里应写不小于 0 的整数（分钟数、次数、天数），不能是负数 {number}，如 30")
        } else {
            format!("取值类型不对：{number} 太大，这里应写 0 到 {max} 之间的整数（分钟数、次数、天数），如 30")
        };
    }
    if m.starts_with("invalid type") {
        let expected = m.split("expected").nth(1).unwrap_or("").trim();
        let want = match expected {
            e if e.contains("string") => "文字，并用英文双引号括起来，如 \"张三\"",
            e if e.contains("sequence") => "列表，如 [\"综合\", \"其他\"]",
            e if e.contains("u32") || e.contains("integer") => "整数（分钟数、次数），不加引号，如 30",
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
    fn access_gives_the_gate_guard_the_visitor_tab_and_names_a_bad_line() {
        let c = parse(DEFAULT_TOML, None).unwrap();
        assert_eq!(c.settings.access, [(Role::Guard, vec!["来访登记".to_string()])]);
        let e = user("[[access]]\nrole = \"门卫\"\nscreens = [\"来访登记\", \"值班日志\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(
            e.message.contains("栏目“值班日志”不存在") && e.message.contains("值班记录"),
            "{e}"
        );
        let e = user("[[access]]\nrole = \"保安\"\nscreens = [\"来访登记\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("角色“保安”无效"), "{e}");
        let c = user("[[access]]\nrole = \"门卫\"\nscreens = [\"来访登记\", \"紧急事项\"]\n").unwrap();
        assert_eq!(c.settings.screens_for("张三"), None, "a 值班员 opens every screen");
    }

    #[test]
    fn backup_rotation_reads_the_new_keys_and_an_old_keep_days_and_names_a_bad_line() {
        let c = parse(DEFAULT_TOML, None).unwrap();
        assert_eq!(c.settings.backup.keep, Retention::default());
        assert!(c.settings.backup.daily);
        // An old file's section, as it was shipped: still read, with the meaning it had.
        let c = user("[backup]\ndir = \"\"\nkeep_days = 30\ndaily = true\n").unwrap();
        assert_eq!(c.settings.backup.keep, Retention::from_keep_days(30));
        let e = user("[backup]\ndir = \"\"\nkeep_days = 0\ndaily = true\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("keep_days 须至少为 1"), "{e}");
        // The new keys; one left out takes its default.
        let c = user("[backup]\ndir = \"/media/beifen\"\nkeep_daily = 10\nkeep_monthly = 0\ndaily = false\n").unwrap();
        assert_eq!(
            c.settings.backup.keep,
            Retention {
                daily: 10,
                weekly: 4,
                monthly: 0
            }
        );
        assert_eq!(c.settings.backup.dir.as_deref(), Some(Path::new("/media/beifen")));
        // Both ways at once: the old line is named.
        let e = user("[backup]\ndir = \"\"\nkeep_daily = 7\nkeep_days = 30\ndaily = true\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("请删去 keep_days"), "{e}");
        // Out of range, and of the wrong type: the line and what to write.
        for (text, line, says) in [
            ("keep_daily = 0", 3, "keep_daily = 0 不行：须在 1 到 3660（天）之间"),
            (
                "keep_weekly = 9999",
                3,
                "keep_weekly = 9999 不行：须在 0 到 520（周）之间",
            ),
            ("keep_monthly = 121", 3, "须在 0 到 120（个月）之间"),
            ("keep_monthly = -1", 3, "不能是负数 -1"),
            ("keep_weekly = \"4\"", 3, "整数"),
        ] {
            let e = user(&format!("[backup]\ndir = \"\"\n{text}\ndaily = true\n")).unwrap_err();
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains(says), "{text}: {e}");
            assert!(
                e.to_string().starts_with("配置文件 /tmp/zhiban-test.toml 第 3 行："),
                "{e}"
            );
        }
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
        let e = user("[visit]\nhosts = [\"办公室\"]\noverstay_minutes = \"很久\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("整数"), "{e}");
    }

    #[test]
    fn retention_years_defaults_to_three_and_a_bad_value_names_its_line() {
        assert_eq!(parse(DEFAULT_TOML, None).unwrap().settings.visit.retention_years, 3);
        let c = user("[visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\n").unwrap();
        assert_eq!(c.settings.visit.retention_years, 3, "left out: the default");
        for n in [1, 5, 30] {
            let c = user(&format!(
                "[visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\nretention_years = {n}\n"
            ))
            .unwrap();
            assert_eq!(c.settings.visit.retention_years, n);
        }
        for bad in ["0", "31", "1000"] {
            let e = user(&format!(
                "[visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\nretention_years = {bad}\n"
            ))
            .unwrap_err();
            assert_eq!(e.line, Some(4), "{e}");
            assert!(e.message.contains("1 到 30 年") && e.message.contains(bad), "{e}");
        }
        for (bad, says) in [("\"三年\"", "整数"), ("-1", "不能是负数"), ("2.5", "整数")] {
            let e = user(&format!(
                "[visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\nretention_years = {bad}\n"
            ))
            .unwrap_err();
            assert_eq!(e.line, Some(4), "{e}");
            assert!(e.message.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn negative_or_too_large_minutes_are_a_type_message_on_their_line_not_a_syntax_error() {
        for (value, says) in [
            ("-5", "不能是负数 -5"),
            ("5000000000", "5000000000 太大，这里应写 0 到 4294967295 之间的整数"),
            ("99999999999999999999", "99999999999999999999 太大"),
            ("-99999999999999999999", "不能是负数"),
        ] {
            let e = user(&format!("[visit]\nhosts = [\"办公室\"]\noverstay_minutes = {value}\n")).unwrap_err();
            assert_eq!(e.line, Some(3), "{e}");
            assert!(
                e.message.starts_with("取值类型不对") && e.message.contains(says),
                "{value}: {e}"
            );
            assert!(!e.message.contains("语法错误"), "{e}");
        }
        let e = user("[ui]\nlanguage = \"zh-CN\"\nlock_minutes = -1\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("不能是负数"), "{e}");
        let e = user(
            "[[deadline]]\nlevel = \"重大\"\nrecipient = \"上级总值班室\"\nphone_minutes = 30\nwritten_minutes = -60\n\
             clock = \"接报\"\nsource = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("不能是负数 -60"), "{e}");
    }

    #[test]
    fn a_zero_deadline_names_its_own_line() {
        let rule = |phone: &str, written: &str| {
            format!(
                "[[deadline]]\nlevel = \"重大\"\nrecipient = \"上级总值班室\"\nphone_minutes = {phone}\n\
                 written_minutes = {written}\nclock = \"接报\"\nsource = \"x\"\n"
            )
        };
        let e = user(&rule("30", "0")).unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(
            e.message.contains("written_minutes") && e.message.contains("大于 0"),
            "{e}"
        );
        let e = user(&rule("0", "60")).unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("phone_minutes"), "{e}");
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

    /// An office whose people list says 值班领导: nothing it is shown says 带班领导.
    const ZHIBAN_LINGDAO: &str = "[[people]]\nname = \"张三\"\nrole = \"值班员\"\n\
        [[people]]\nname = \"王五\"\nrole = \"值班领导\"\nphone = \"13800000003\"\n";

    #[test]
    fn the_duty_leader_is_called_as_the_people_list_calls_it() {
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings;
        assert_eq!(shipped.leader_title(), "带班领导");
        let s = user(ZHIBAN_LINGDAO).unwrap().settings;
        assert_eq!(s.leader_title(), "值班领导");
        // The shipped ladder and deadline rules (written 带班领导) follow, and still find 王五.
        let rung = s
            .urgent
            .ladder
            .iter()
            .find(|r| r.name == "值班领导")
            .expect("the leader's rung");
        assert_eq!(rung.role, Some(Role::DutyLeaderAlt));
        assert_eq!(
            crate::core::settings::contacts(&s, rung),
            [("王五".to_string(), "13800000003".to_string())]
        );
        let names = |s: &Settings| -> Vec<String> {
            let mut all: Vec<String> = s.urgent.ladder.iter().map(|r| r.name.clone()).collect();
            all.extend(s.urgent.rules.iter().map(|r| r.recipient.clone()));
            all.push(s.urgent.recipient.clone());
            all
        };
        assert!(names(&shipped).iter().any(|n| n == "带班领导"));
        assert!(!names(&s).iter().any(|n| n == "带班领导"), "{:?}", names(&s));
        assert!(names(&s).iter().any(|n| n == "值班领导"));
    }

    #[test]
    fn both_names_of_the_duty_leader_in_one_list_are_refused() {
        let e = user(
            "[[people]]\nname = \"甲\"\nrole = \"值班员\"\n[[people]]\nname = \"乙\"\nrole = \"带班领导\"\n\
             [[people]]\nname = \"丙\"\nrole = \"值班领导\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(9));
        assert!(
            e.message.contains("同一角色") && e.message.contains("role = \"带班领导\""),
            "{e}"
        );
    }

    #[test]
    fn deadline_rules_and_ladder_come_from_the_default_with_sources() {
        let c = parse(DEFAULT_TOML, None).unwrap();
        let u = &c.settings.urgent;
        assert_eq!(u.rules.len(), 8);
        assert!(u.rules.iter().all(|r| !r.source.is_empty()));
        // Every level: the duty leader by phone first, then the general duty office upward,
        // all counted from 接报 (an event reported late is not overdue on arrival).
        for level in Level::ALL {
            let rules = crate::core::urgent::clock::rules_for(&u.rules, "自然灾害", *level);
            let who: Vec<(&str, Option<u32>)> = rules
                .iter()
                .map(|r| (r.recipient.as_str(), r.written_minutes))
                .collect();
            assert_eq!(who[0], ("带班领导", None), "{level}");
            assert_eq!(who[1].0, u.recipient, "{level}");
            assert!(rules.iter().all(|r| r.clock == ClockFrom::Received));
        }
        let major = crate::core::urgent::clock::rules_for(&u.rules, "自然灾害", Level::Major);
        assert_eq!((major[1].phone_minutes, major[1].written_minutes), (30, Some(60)));
        let large = crate::core::urgent::clock::rules_for(&u.rules, "事故灾难", Level::Large);
        assert!(large[1].source.starts_with("参考"), "practice is labelled as such");
        assert!(!large[1].source.contains("第九条：1小时"));
        let names: Vec<&str> = u.ladder.iter().map(|r| r.name.as_str()).collect();
        // The duty leader first: the officer at the keyboard is not a rung, and the 上级总值班室
        // receives reports (domain.md §4).
        assert_eq!(names, ["带班领导", "办公室主任"]);
        assert_eq!(u.followup_times.len(), 2);
    }

    #[test]
    fn report_to_names_roles_and_contacts_and_a_bad_name_is_located() {
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings;
        let names: Vec<String> = crate::core::settings::report_callees(&shipped, "张三")
            .iter()
            .map(crate::core::settings::Callee::text)
            .collect();
        assert_eq!(
            names,
            [
                "带班领导 王五 13800000003",
                "分管领导 钱七 13800000005",
                "信访部门 0871-12345100"
            ]
        );
        // An office that says 值班领导, and reports to its 分管副主任 from the people list.
        let s = user(&format!(
            "{ZHIBAN_LINGDAO}[[people]]\nname = \"孙八\"\nrole = \"分管副主任\"\nphone = \"13800000008\"\n\
             [visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\nreport_to = [\"带班领导\", \"分管副主任\", \"信访部门\"]\n"
        ))
        .unwrap()
        .settings;
        let names: Vec<String> = crate::core::settings::report_callees(&s, "张三")
            .iter()
            .map(crate::core::settings::Callee::text)
            .collect();
        assert_eq!(
            names,
            [
                "值班领导 王五 13800000003",
                "分管副主任 孙八 13800000008",
                "信访部门 0871-12345100"
            ]
        );
        // A name that is neither a role nor a contact, on its line.
        let e = user("[visit]\nhosts = [\"办公室\"]\noverstay_minutes = 240\nreport_to = [\"公安局\"]\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("公安局") && e.message.contains("[[contact]]"), "{e}");
        // The user's [[contact]] leaves out a default recipient: said, at their section.
        let e = user("\n[[contact]]\nname = \"信访部门\"\nphone = \"0871-12345100\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("分管领导") && e.message.contains("默认"), "{e}");
        // A contact named like a role, and a bad number.
        let e = user("[[contact]]\nname = \"带班领导\"\nphone = \"0871-12345100\"\n").unwrap_err();
        assert!(e.message.contains("角色"), "{e}");
        let e = user("[[contact]]\nname = \"信访部门\"\nphone = \"123\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }

    #[test]
    fn a_bad_deadline_rule_is_located() {
        let base =
            "[[deadline]]\nlevel = \"重大\"\nrecipient = \"上级总值班室\"\nphone_minutes = 30\nwritten_minutes = 60\n";
        let e = user(&format!("{base}clock = \"报告\"\nsource = \"x\"\n")).unwrap_err();
        assert_eq!(e.line, Some(6));
        assert!(e.message.contains("事发") && e.message.contains("接报"), "{e}");
        // The user's rules leave other levels without a general rule for the default recipient.
        let e = user(&format!("{base}clock = \"接报\"\nsource = \"x\"\n")).unwrap_err();
        assert!(
            e.message.contains("特别重大") && e.message.contains("[[deadline]]"),
            "{e}"
        );
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn a_rung_needs_someone_to_phone_and_times_are_checked() {
        let e = user("[[escalation]]\nname = \"带班领导\"\ndelay_minutes = 10\nrepeat = 2\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("role") && e.message.contains("phone"), "{e}");
        let e = user("[urgent]\ncategories = [\"其他\"]\nrecipient = \"上级总值班室\"\nfollowup_times = [\"8点\"]\n")
            .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("08:00"), "{e}");
    }

    #[test]
    fn the_rotation_and_calendar_come_from_the_default_and_bad_ones_are_located() {
        let c = parse(DEFAULT_TOML, None).unwrap();
        let rotation = c.settings.roster.expect("the default has a rotation");
        assert_eq!(rotation.primaries, vec!["张三", "李四"]);
        assert!(
            c.settings
                .calendar
                .holidays
                .contains(&NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
        );
        let e = user(
            "[roster]\nfirst_day = \"2026-11-01\"\nshift_starts = [\"8点半\"]\nleaders = []\nprimaries = [\"张三\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("08:30"), "{e}");
        let e = user("[roster]\nfirst_day = \"2026-11-01\"\nshift_starts = [\"08:30\"]\nleaders = []\nprimaries = [\"张三\", \"外单位老王\"]\n")
            .unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("严禁外单位职工或亲属代值"), "{e}");
        let none =
            user("[roster]\nfirst_day = \"2026-11-01\"\nshift_starts = []\nleaders = []\nprimaries = []\n").unwrap();
        assert!(
            none.settings.roster.is_none(),
            "primaries = [] means imported rosters only"
        );
        let e = user("[calendar]\nholidays = [\"2026-10-01\"]\nworkdays = [\"2026-10-01\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let own_people = user("[[people]]\nname = \"钱七\"\nrole = \"值班员\"\n").unwrap();
        assert!(
            own_people.settings.roster.is_none(),
            "the default rotation does not fit other people"
        );
    }

    #[test]
    fn the_report_section_sets_the_day_end_and_the_daily_reminder_and_names_a_bad_line() {
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings.report;
        assert_eq!(shipped, crate::core::report::ReportSettings::default());
        assert!(!shipped.daily_required, "not every office reports daily");
        let c = user("[report]\nday_ends = \"17:30\"\ndaily_required = true\n").unwrap();
        assert_eq!(c.settings.report.day_ends, NaiveTime::from_hms_opt(17, 30, 0).unwrap());
        assert!(c.settings.report.daily_required);
        assert_eq!(c.settings.report.remind_at, crate::core::report::DEFAULT_REMIND_AT);
        let e = user("[report]\ndaily_required = true\nremind_at = \"9点\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("remind_at") && e.message.contains("08:00"), "{e}");
        let e = user("\n[report]\nday_ends = \"25:00\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = user("[report]\ndaily_required = \"是\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = user("[report]\nday_end = \"08:00\"\n").unwrap_err();
        assert!(e.message.contains("day_ends"), "{e}");
    }

    #[test]
    fn the_instruction_section_sets_the_cycle_times_and_groups_and_names_a_bad_line() {
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings.instruction;
        assert_eq!(shipped.retry_after, chrono::Duration::minutes(30));
        assert_eq!(shipped.group_after, chrono::Duration::days(30));
        assert_eq!(shipped.groups[0].0, "各乡镇值班室");
        assert_eq!(shipped.groups[0].1.len(), 5);
        let c = user(
            "[instruction]\nretry_minutes = 10\nhandover_group_days = 7\n\
             [[instruction.group]]\nname = \"县直部门\"\nmembers = [\"县应急局\", \"县水利局\"]\n",
        )
        .unwrap();
        let s = &c.settings.instruction;
        assert_eq!(s.retry_after, chrono::Duration::minutes(10));
        assert_eq!(s.group_after, chrono::Duration::days(7));
        assert_eq!(
            s.task_warn_before,
            chrono::Duration::minutes(60),
            "unwritten: the default"
        );
        assert_eq!(
            s.groups,
            [(
                "县直部门".to_string(),
                vec!["县应急局".to_string(), "县水利局".to_string()]
            )]
        );
        let e = user("[instruction]\nretry_minutes = 0\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("retry_minutes"), "{e}");
        let e = user("[instruction]\n[[instruction.group]]\nname = \"甲\"\nmembers = [\"乙\", \"乙\"]\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("重复"), "{e}");
        let e = user("[instruction]\nretry = 5\n").unwrap_err();
        assert!(e.message.contains("retry_minutes"), "{e}");
    }

    #[test]
    fn the_notify_section_is_an_argument_list_with_the_phone_and_names_a_bad_line() {
        use crate::core::hook::HookUse;
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings.notify;
        assert!(shipped.command.is_empty(), "off until an office writes its command");
        assert!(!shipped.content, "no content by default");
        assert!(!shipped.on_for(HookUse::Escalation));
        let s = user("[notify]\ncommand = [\"/opt/sms/send\", \"{phone}\"]\nuses = [\"升级\"]\n")
            .unwrap()
            .settings
            .notify;
        assert!(s.on_for(HookUse::Escalation));
        assert!(!s.on_for(HookUse::VisitAlert));
        let both = user("[notify]\ncommand = [\"/bin/sms\", \"{phone}\"]\nuses = [\"电话通知\", \"交办逾期\"]\n")
            .unwrap()
            .settings
            .notify;
        assert!(both.on_for(HookUse::NoticeCall) && both.on_for(HookUse::OverdueTask));
        assert!(!both.on_for(HookUse::Escalation));
        let e = user("[notify]\n\ncommand = \"/opt/sms/send {phone}\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = user("[notify]\ncommand = [\"sms send {phone}\"]\n").unwrap_err();
        assert!(e.message.contains("参数列表"), "{e}");
        let e = user("[notify]\ncommand = [\"/opt/sms/send\"]\n").unwrap_err();
        assert!(e.message.contains("{phone}"), "{e}");
        let e = user("[notify]\ntimeout_seconds = 0\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = user("[notify]\nuses = [\"广播\"]\n").unwrap_err();
        assert!(e.message.contains("广播"), "{e}");
    }

    #[test]
    fn the_documents_section_sets_the_signing_and_holiday_times_and_names_a_bad_line() {
        let shipped = parse(DEFAULT_TOML, None).unwrap().settings.documents;
        assert_eq!(shipped.sign_within, chrono::Duration::minutes(60));
        assert_eq!(shipped.holiday_remind_before, chrono::Duration::days(2));
        let s = user("[documents]\nsign_within_minutes = 30\nholiday_remind_days = 0\n")
            .unwrap()
            .settings
            .documents;
        assert_eq!(s.sign_within, chrono::Duration::minutes(30));
        assert_eq!(s.holiday_remind_before, chrono::Duration::days(0));
        let e = user("[documents]\nsign_within_minutes = 0\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("sign_within_minutes"), "{e}");
        let e = user("[documents]\n\nholiday_remind_days = 61\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("holiday_remind_days"), "{e}");
        let e = user("[documents]\nsign_within = 5\n").unwrap_err();
        assert!(e.message.contains("sign_within_minutes"), "{e}");
    }

    #[test]
    fn the_theme_is_auto_unless_written_and_a_wrong_one_names_its_line() {
        assert_eq!(user("[office]\nname = \"x\"\n").unwrap().theme, ThemeChoice::Auto);
        for (word, choice) in ThemeChoice::WORDS {
            let c = user(&format!("[ui]\nlanguage = \"zh-CN\"\ntheme = \"{word}\"\n")).unwrap();
            assert_eq!(c.theme, choice, "{word}");
        }
        let e = user("[ui]\nlanguage = \"zh-CN\"\nlock_minutes = 15\ntheme = \"白色\"\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("theme = \"白色\" 不认识"), "{e}");
        assert!(e.message.contains("\"light\"（浅色背景）"), "{e}");
        let e = user("[ui]\nlanguage = \"zh-CN\"\ntheme = 1\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }

    #[test]
    fn unsupported_language_is_refused() {
        let e = user("[ui]\nlanguage = \"en\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("zh-CN"));
    }
}
