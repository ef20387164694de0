//! Reaching people who are not at the screen (issue 19, item 1): the office's SMS or voice
//! platform behind a command, `[notify] command = ["/opt/sms/send", "{phone}"]` — an argument
//! list, never a shell string — run with the message on standard input and a time limit. This
//! module holds the rules: the settings, which uses are on, the message (by default level,
//! category and time only: no content, no names), the argument list for a phone, and the
//! timeline line an outcome becomes. Running it is the runtime's (`runtime/hook.rs`).

use chrono::NaiveDateTime;

use super::urgent::AlertTarget;

/// What may use the hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookUse {
    /// An escalation reaching a rung of the ladder (from `escalation_from_rung` on).
    Escalation,
    /// A collective-visit or watch-list alert: the `[visit] report_to` people when it is raised.
    VisitAlert,
    /// 电话通知: a recipient not reached by phone, after each unanswered call.
    NoticeCall,
    /// 交办逾期: a 交办 past its deadline, to its 承办人 (once).
    OverdueTask,
    /// 漏岗: a shift nobody signed on for, to its duty leader (once a shift).
    MissedPost,
}

/// What the instruction cycle sends through the hook, as `hook_send` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SendKind {
    /// An overdue 交办: the task's id.
    OverdueTask,
    /// A 电话通知 recipient not reached: the recipient's id.
    NoticeCall,
    /// 漏岗: the shift's start in Unix minutes ([`shift_ref`]).
    MissedPost,
}

impl SendKind {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::OverdueTask => "交办逾期",
            Self::NoticeCall => "电话通知",
            Self::MissedPost => "漏岗",
        }
    }
}

/// A shift's start as a send's `ref_id`: minutes since 1970 of its wall-clock time.
#[must_use]
pub fn shift_ref(start: NaiveDateTime) -> i64 {
    start.and_utc().timestamp().div_euclid(60)
}

/// The message to a shift's duty leader when nobody signed on: the shift's start only.
#[must_use]
pub fn missed_post_message(start: NaiveDateTime, minutes: i64) -> String {
    format!(
        "【值班室】漏岗提醒：{} 开始的班次已过 {minutes} 分钟无人到岗签到。请联系值班室。",
        start.format("%m-%d %H:%M")
    )
}

/// One send of the instruction cycle: which kind, which task or recipient, which attempt (the
/// number of unanswered calls for a notice; 0 for a task).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SendKey {
    pub kind: SendKind,
    pub ref_id: i64,
    pub attempt: i64,
}

/// A recorded send's outcome, shown with its task or notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendLine {
    pub key: SendKey,
    pub at: NaiveDateTime,
    pub line: String,
}

/// `[notify]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookSettings {
    /// The program and its arguments; `{phone}` in any argument is the number called. Empty: off.
    pub command: Vec<String>,
    /// How long one run may take before it is killed.
    pub timeout_seconds: u64,
    /// Whether the message may carry content (the event's summary) and names: off unless written.
    pub content: bool,
    /// The uses that are on.
    pub uses: Vec<HookUse>,
    /// The first rung of the ladder an escalation sends from (0: the officer at the keyboard).
    pub escalation_from_rung: usize,
}

impl Default for HookSettings {
    fn default() -> Self {
        Self {
            command: Vec::new(),
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            content: false,
            uses: vec![HookUse::Escalation, HookUse::VisitAlert],
            escalation_from_rung: 0,
        }
    }
}

/// `timeout_seconds` when `[notify]` leaves it out.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 20;

/// What stands in an argument for the number called.
pub const PHONE_PLACEHOLDER: &str = "{phone}";

impl HookSettings {
    /// Whether a command is configured and `what` may use it.
    #[must_use]
    pub fn on_for(&self, what: HookUse) -> bool {
        !self.command.is_empty() && self.uses.contains(&what)
    }

    /// The argument list for `phone` (`{phone}` replaced in every argument), or `None` when no
    /// command is configured.
    #[must_use]
    pub fn argv(&self, phone: &str) -> Option<Vec<String>> {
        (!self.command.is_empty()).then(|| {
            self.command
                .iter()
                .map(|a| a.replace(PHONE_PLACEHOLDER, phone))
                .collect()
        })
    }
}

/// Checks `[notify] command` as written: a list whose first item names a program, with `{phone}`
/// somewhere (else every message would go to the same place).
///
/// # Errors
/// What is wrong, in words for the config error.
pub fn check_command(command: &[String]) -> Result<(), String> {
    let Some(program) = command.first() else {
        return Ok(());
    };
    if program.trim().is_empty() {
        return Err("command 的第一项应是程序路径，如 [\"/opt/sms/send\", \"{phone}\"]".into());
    }
    if program.contains(' ') && !std::path::Path::new(program).is_absolute() {
        return Err(format!(
            "command 是参数列表，不经过 shell：“{program}”像一整行命令，请拆成 [\"程序\", \"参数\", …]"
        ));
    }
    if !command.iter().any(|a| a.contains(PHONE_PLACEHOLDER)) {
        return Err("command 中没有 {phone}：请在某个参数中写 {phone}，表示要发往的号码".into());
    }
    Ok(())
}

/// What caused a run, where its outcome is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookCause {
    /// An urgent event's or an entry alert's escalation (its timeline).
    Alert(AlertTarget),
    /// An overdue 交办 or a notice recipient not reached (kept with the claim).
    Send(SendKey),
    /// `zhiban notify test`: printed, not recorded.
    Test,
}

/// One run to make: to whom (name for the timeline, phone for the command) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookCall {
    pub cause: HookCause,
    pub name: String,
    pub phone: String,
    pub message: String,
}

/// The message about an urgent alert: by default level, category and time only (no content, no
/// names: an SMS leaves the office's control); with `content`, the summary too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFacts {
    /// 一般/较大/重大/特别重大, or the entry's triage for an entry alert.
    pub level: String,
    pub category: String,
    pub at: NaiveDateTime,
    /// The event's summary or the entry's content (sent only with `content = true`).
    pub summary: String,
}

/// The text sent for an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Urgent,
    Visit,
}

/// The message for `facts`.
#[must_use]
pub fn alert_message(kind: MessageKind, facts: &AlertFacts, settings: &HookSettings) -> String {
    let what = match kind {
        MessageKind::Urgent => "紧急事项",
        MessageKind::Visit => "来访告警",
    };
    let mut text = format!(
        "【值班室】{what}：{} {}，{}。请尽快联系值班室。",
        facts.level,
        facts.category,
        facts.at.format("%m-%d %H:%M")
    );
    if settings.content && !facts.summary.trim().is_empty() {
        text.push_str(&format!("内容：{}", facts.summary.trim()));
    }
    text
}

/// The message to the 承办人 of an overdue 交办: its number and deadline (with `content`, what
/// is asked).
#[must_use]
pub fn task_message(id: i64, due: NaiveDateTime, requirement: &str, settings: &HookSettings) -> String {
    let mut text = format!(
        "【值班室】第 {id} 号交办事项已过时限（{}）。请尽快办理并向值班室反馈。",
        due.format("%m-%d %H:%M")
    );
    if settings.content && !requirement.trim().is_empty() {
        text.push_str(&format!("要求：{}", requirement.trim()));
    }
    text
}

/// The message to a notice's recipient whose phone went unanswered (with `content`, the notice).
#[must_use]
pub fn notice_message(id: i64, content: &str, settings: &HookSettings) -> String {
    let mut text = format!("【值班室】有第 {id} 号电话通知给您，电话未接通。请尽快回电值班室。");
    if settings.content && !content.trim().is_empty() {
        text.push_str(&format!("内容：{}", content.trim()));
    }
    text
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookOutcome {
    pub call: HookCall,
    pub started_at: NaiveDateTime,
    /// The exit code; `None` when it was killed (time limit) or could not be started.
    pub exit: Option<i32>,
    pub millis: u64,
    /// The first line of its output (stdout, else stderr), cleaned and cut.
    pub first_line: String,
    /// Why it did not run or was stopped, in words.
    pub error: Option<String>,
}

impl HookOutcome {
    /// Whether the platform took the message (exit 0).
    #[must_use]
    pub fn ok(&self) -> bool {
        self.exit == Some(0) && self.error.is_none()
    }

    /// The timeline line: to whom, how it ended, how long, what it said.
    #[must_use]
    pub fn line(&self) -> String {
        let how = match (&self.error, self.exit) {
            (Some(e), _) => format!("未发出：{e}"),
            (None, Some(0)) => "已发出（退出码 0）".to_string(),
            (None, Some(code)) => format!("发送失败（退出码 {code}）"),
            (None, None) => "发送失败（被信号终止）".to_string(),
        };
        let said = if self.first_line.is_empty() {
            String::new()
        } else {
            format!("；输出：{}", self.first_line)
        };
        format!(
            "短信/语音通知 {} {}：{how}，用时 {:.1} 秒{said}",
            self.call.name,
            mask_tail(&self.call.phone),
            self.millis as f64 / 1000.0
        )
    }

    /// What the status line says of a failure (said once by the app).
    #[must_use]
    pub fn problem(&self) -> Option<String> {
        (!self.ok()).then(|| {
            format!(
                "短信/语音通知接口未能发出（{}）：提醒照常在屏幕、桌面和铃声进行；请检查 [notify] command，可用 zhiban notify test 号码 试发",
                self.error
                    .clone()
                    .unwrap_or_else(|| self.exit.map_or("被信号终止".into(), |c| format!("退出码 {c}")))
            )
        })
    }
}

/// A phone on a timeline: its last four digits (the number is in the directory).
fn mask_tail(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= 4 {
        return phone.to_string();
    }
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("尾号{tail}")
}

/// The first line of a program's output, made safe to show and store: control characters and
/// escape sequences removed, at most 80 characters.
#[must_use]
pub fn first_line_of(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let clean = super::text::sanitize(line, false);
    clean.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(command: &[&str]) -> HookSettings {
        HookSettings {
            command: command.iter().map(|s| (*s).to_string()).collect(),
            ..HookSettings::default()
        }
    }

    fn facts() -> AlertFacts {
        AlertFacts {
            level: "较大".into(),
            category: "自然灾害".into(),
            at: NaiveDateTime::parse_from_str("2026-12-05 03:10", "%Y-%m-%d %H:%M").unwrap(),
            summary: "城关镇河堤决口，张三受伤".into(),
        }
    }

    #[test]
    fn the_phone_goes_into_every_argument_that_asks_for_it() {
        let s = settings(&["/opt/sms/send", "--to={phone}", "{phone}"]);
        assert_eq!(
            s.argv("13900000003").unwrap(),
            vec!["/opt/sms/send", "--to=13900000003", "13900000003"]
        );
        assert_eq!(settings(&[]).argv("1"), None, "no command: off");
        assert!(!settings(&[]).on_for(HookUse::Escalation));
        assert!(s.on_for(HookUse::Escalation));
        let only = HookSettings {
            uses: vec![HookUse::VisitAlert],
            ..s.clone()
        };
        assert!(!only.on_for(HookUse::Escalation), "a use not listed is off");
    }

    #[test]
    fn a_command_is_an_argument_list_with_the_phone_in_it() {
        let c = |v: &[&str]| check_command(&v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>());
        assert!(c(&[]).is_ok(), "none: off");
        assert!(c(&["/opt/sms/send", "{phone}"]).is_ok());
        assert!(c(&["sms send {phone}"]).unwrap_err().contains("参数列表"));
        assert!(c(&["/opt/sms/send"]).unwrap_err().contains("{phone}"));
    }

    #[test]
    fn by_default_the_message_carries_level_category_and_time_only() {
        let m = alert_message(MessageKind::Urgent, &facts(), &HookSettings::default());
        assert_eq!(m, "【值班室】紧急事项：较大 自然灾害，12-05 03:10。请尽快联系值班室。");
        assert!(!m.contains("张三") && !m.contains("河堤"));
        let with = HookSettings {
            content: true,
            ..HookSettings::default()
        };
        assert!(alert_message(MessageKind::Urgent, &facts(), &with).contains("城关镇河堤决口"));
    }

    #[test]
    fn an_outcome_reads_as_a_timeline_line_and_a_failure_is_said() {
        let call = HookCall {
            cause: HookCause::Test,
            name: "王五".into(),
            phone: "13900000003".into(),
            message: String::new(),
        };
        let at = facts().at;
        let ok = HookOutcome {
            call: call.clone(),
            started_at: at,
            exit: Some(0),
            millis: 1234,
            first_line: "OK 已受理".into(),
            error: None,
        };
        assert_eq!(
            ok.line(),
            "短信/语音通知 王五 尾号0003：已发出（退出码 0），用时 1.2 秒；输出：OK 已受理"
        );
        assert!(ok.problem().is_none());
        let hung = HookOutcome {
            exit: None,
            error: Some("20 秒内没有结束，已终止".into()),
            first_line: String::new(),
            ..ok.clone()
        };
        assert!(hung.line().contains("未发出：20 秒内没有结束"));
        assert!(hung.problem().unwrap().contains("zhiban notify test"));
        let failed = HookOutcome { exit: Some(3), ..ok };
        assert!(failed.line().contains("发送失败（退出码 3）"));
    }

    #[test]
    fn output_is_cleaned_and_cut() {
        assert_eq!(first_line_of(b"\n  \x1b[31mOK\x1b[0m sent\nsecond"), "OK sent");
        assert_eq!(first_line_of(&[b'x'; 500]).len(), 80);
        assert_eq!(first_line_of(b""), "");
    }
}
