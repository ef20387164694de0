//! The leader's instruction cycle, 请示—批示—交办—督办—反馈 (issue 17; domain.md §2.1, the seeds
//! 000:124-127, 000:143, 000:216, 002:1474): the rules, pure. Nothing here reads the clock: `now`
//! is passed in. The store will keep the records (each 请示 attempt, each 交办 and its 反馈) and
//! the screens show what these rules say about them.
//!
//! * **请示 recorded.** Each attempt to reach a leader is one [`LeaderRequest`]: to whom, when, how
//!   (电话/当面/书面/短信), reached or not. An entry triaged 请示 — and any item from abroad, which is
//!   always 请示 (002:1474) — shows 未请示 until one is recorded, and 未联系上 with the time to try
//!   again while no attempt reached the leader ([`request_state`]).
//! * **Closing reasons.** An item leaves the office's hands in one of 000:216's ways — 办结, 说明,
//!   请示 (needs a 请示 recorded as reached), 移送 (to whom) — so that 不说明、不请示、不移送 cannot
//!   happen silently ([`check_closing`]).
//! * **交办 deadlines.** A task handed out with a 时限 is reminded before it is due and is overdue
//!   after ([`task_alert`]): a lower tier than urgent alerts.

use super::document::{DocumentSettings, OpenForward};
use chrono::{Duration, NaiveDateTime};

use super::validate::format_minute;

labelled_enum!(
    /// How a leader was asked (请示) or gave an instruction (批示).
    Via {
        Phone => "电话",
        InPerson => "当面",
        Written => "书面",
        Sms => "短信",
    }
);

/// One attempt to put an item to a leader (请示): reached or not. On an urgent event this is the
/// same record as its report to the 带班领导.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderRequest {
    /// The leader's name (a configured leader, or any name and post typed: 县长 王某).
    pub leader: String,
    pub via: Via,
    pub at: NaiveDateTime,
    /// The leader was reached (the request was put to them), not only tried.
    pub reached: bool,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// Where an item stands with its 请示.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestState {
    /// Neither triaged 请示 nor from abroad: no 请示 is asked for.
    NotNeeded,
    /// 未请示: needed, and nobody has tried yet.
    NotYet,
    /// Tried, nobody reached: try again at `retry_at` (the last attempt plus the configured
    /// interval).
    NotReached { retry_at: NaiveDateTime },
    /// A leader was reached (the first who was).
    Reached { leader: String, at: NaiveDateTime },
}

/// Where an item stands with its 请示, from its attempts in any order. `needed`: the item is
/// triaged 请示 or came from abroad (`log::Triage::needs_request`). `retry_after` is the
/// configured time after which an attempt that reached nobody is tried again.
#[must_use]
pub fn request_state(needed: bool, requests: &[LeaderRequest], retry_after: Duration) -> RequestState {
    if let Some(r) = requests.iter().filter(|r| r.reached).min_by_key(|r| r.at) {
        // A 请示 made is shown even on an item that no longer needs one.
        return RequestState::Reached {
            leader: r.leader.clone(),
            at: r.at,
        };
    }
    // An item not triaged 请示 that someone tried to put to a leader is followed like one.
    if !needed && requests.is_empty() {
        return RequestState::NotNeeded;
    }
    match requests.iter().map(|r| r.at).max() {
        Some(last) => RequestState::NotReached {
            retry_at: last + retry_after,
        },
        None => RequestState::NotYet,
    }
}

/// What the list and the record say about a 请示, and whether it is due now (to be shown as a
/// reminder): 未请示, 未联系上（14:35 再试）, 已请示（王县长 14:05）; `None` when none is needed.
#[must_use]
pub fn request_label(state: &RequestState, now: NaiveDateTime) -> Option<(String, bool)> {
    match state {
        RequestState::NotNeeded => None,
        RequestState::NotYet => Some(("未请示".into(), true)),
        RequestState::NotReached { retry_at } => Some((
            format!("未联系上（{} 再试）", format_minute(*retry_at)),
            *retry_at <= now,
        )),
        RequestState::Reached { leader, at } => Some((format!("已请示（{leader} {}）", format_minute(*at)), false)),
    }
}

/// How an item leaves the office's hands (000:216: 说明、请示、移送, and 办结).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// 办结: handled to its end here.
    Done,
    /// 说明: explained to the caller (what was said).
    Explained { what: String },
    /// 请示: handed to a leader (needs a 请示 recorded as reached); any later 批示 or 交办 is
    /// followed in 督办.
    Asked,
    /// 移送: transferred to another office (to whom).
    Transferred { to: String },
}

impl Closing {
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Done => "办结",
            Self::Explained { .. } => "说明",
            Self::Asked => "请示",
            Self::Transferred { .. } => "移送",
        }
    }
}

/// Whether an item may close this way, and why not (in Chinese, for the form).
pub fn check_closing(closing: &Closing, requests: &[LeaderRequest]) -> Result<(), String> {
    match closing {
        Closing::Done => Ok(()),
        Closing::Explained { what } if what.trim().is_empty() => Err("以“说明”结束须写明向来电人说明了什么".into()),
        Closing::Explained { .. } => Ok(()),
        Closing::Asked if !requests.iter().any(|r| r.reached) => {
            Err("以“请示”结束须先记录已联系上领导的请示（联系未上的不算）".into())
        }
        Closing::Asked => Ok(()),
        Closing::Transferred { to } if to.trim().is_empty() => Err("以“移送”结束须写明移送给谁（单位或部门）".into()),
        Closing::Transferred { .. } => Ok(()),
    }
}

/// What a 交办's deadline says at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAlert {
    /// Done, or not due for a while.
    Quiet,
    /// Due within `warn_before`: reminded once (status line and board, the bell once).
    DueSoon,
    /// Past its 时限 and not done: red on the 督办 view, in the handover draft and the daily report.
    Overdue,
}

/// A 交办's alert at `now`: `due` its 时限, `done` whether its 反馈 closed it, `warn_before` the
/// configured reminder ahead of the deadline.
#[must_use]
pub fn task_alert(due: NaiveDateTime, done: bool, now: NaiveDateTime, warn_before: Duration) -> TaskAlert {
    if done {
        TaskAlert::Quiet
    } else if now > due {
        TaskAlert::Overdue
    } else if now + warn_before >= due {
        TaskAlert::DueSoon
    } else {
        TaskAlert::Quiet
    }
}

/// The record a 批示 or a 交办 belongs to: a log entry or an urgent event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemRef {
    Entry(i64),
    Event(i64),
}

impl ItemRef {
    /// 第 12 号记录 / 第 3 号紧急事件.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Entry(id) => format!("第 {id} 号记录"),
            Self::Event(id) => format!("第 {id} 号紧急事件"),
        }
    }
}

/// The configured times of the cycle (`[instruction]` in config.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionSettings {
    /// After a 请示 that reached nobody, try again after this long.
    pub retry_after: Duration,
    /// A 交办 is reminded this long before its 时限.
    pub task_warn_before: Duration,
    /// A notice recipient not reached (未接通) is called again after this long.
    pub notice_retry_after: Duration,
    /// Open ordinary items older than this are one group line in the handover draft.
    pub group_after: Duration,
    /// Saved recipient groups for notices (各乡镇值班室 …): name, members.
    pub groups: Vec<(String, Vec<String>)>,
}

impl Default for InstructionSettings {
    fn default() -> Self {
        Self {
            retry_after: Duration::minutes(30),
            task_warn_before: Duration::minutes(60),
            notice_retry_after: Duration::minutes(15),
            group_after: Duration::days(30),
            groups: Vec::new(),
        }
    }
}

/// The longest name of a unit or person handed a task or sent a notice.
pub const NAME_MAX_CHARS: usize = 60;
/// The longest 批示, 要求, 反馈 or notice text.
pub const TEXT_MAX_CHARS: usize = 2000;
/// The most units or persons one 交办 or one notice names.
pub const MAX_NAMES: usize = 100;

/// The choice offered where a group of units is picked (查岗, holiday rounds): `typed` first
/// (the names are typed instead), then each group with its size. Chosen: the first group of duty
/// rooms (值班室), else the first group, else typed.
#[must_use]
pub fn group_choice(typed: &str, groups: &[(String, Vec<String>)]) -> (Vec<String>, usize) {
    let mut options = vec![typed.to_string()];
    options.extend(groups.iter().map(|(g, m)| format!("{g}（{} 个）", m.len())));
    let chosen = groups
        .iter()
        .position(|(g, _)| g.contains("值班室"))
        .map_or(usize::from(!groups.is_empty()), |i| i + 1);
    (options, chosen)
}

/// What a [`group_choice`] gives: the group's name (empty when typed) and its names, or for
/// choice 0 the names typed (groups standing for their members).
pub fn names_of_choice(
    selected: usize,
    typed: &str,
    groups: &[(String, Vec<String>)],
) -> Result<(String, Vec<String>), String> {
    if selected == 0 {
        return split_names(typed, groups).map(|names| (String::new(), names));
    }
    groups
        .get(selected - 1)
        .cloned()
        .ok_or_else(|| "分组已变化，请重新选择".to_string())
}

/// Names typed in one field, split at 、，,；; and line breaks; a saved group's name stands for its
/// members. Order kept, each name once. Errors name the first bad one.
pub fn split_names(text: &str, groups: &[(String, Vec<String>)]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(['、', '，', ',', '；', ';', '\n']) {
        let name = part.trim();
        if name.is_empty() {
            continue;
        }
        let members: Vec<String> = match groups.iter().find(|(g, _)| g == name) {
            Some((_, m)) => m.clone(),
            None => vec![name.to_string()],
        };
        for m in members {
            if m.chars().count() > NAME_MAX_CHARS {
                return Err(format!(
                    "“{}…”太长：每个单位或人名最多 {NAME_MAX_CHARS} 字",
                    m.chars().take(10).collect::<String>()
                ));
            }
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    if out.is_empty() {
        return Err("至少写一个单位或人名；多个用顿号“、”或逗号隔开".into());
    }
    if out.len() > MAX_NAMES {
        return Err(format!(
            "一次最多 {MAX_NAMES} 个单位或人名，现有 {} 个：请分几次",
            out.len()
        ));
    }
    Ok(out)
}

/// A 交办 to be saved: one task per assignee, sharing the 时限 and 要求.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub item: ItemRef,
    /// The 批示 it carries out, if it came from one.
    pub instruction_id: Option<i64>,
    pub assignees: Vec<String>,
    pub requirement: String,
    pub due: NaiveDateTime,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// One 反馈 on a 交办.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub text: String,
    /// Who reported back (the unit's contact); may be empty.
    pub given_by: String,
    pub at: NaiveDateTime,
    /// This 反馈 finishes the task (办结).
    pub closes: bool,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// A 交办 as stored, with its 反馈.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub item: ItemRef,
    pub instruction_id: Option<i64>,
    pub assignee: String,
    pub requirement: String,
    pub due: NaiveDateTime,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub feedback: Vec<Feedback>,
    /// The item's one-line summary (unit and content), for the 督办 view; may be empty.
    pub about: String,
}

impl Task {
    /// When a closing 反馈 finished it.
    #[must_use]
    pub fn done_at(&self) -> Option<NaiveDateTime> {
        self.feedback.iter().find(|f| f.closes).map(|f| f.at)
    }

    #[must_use]
    pub fn alert(&self, now: NaiveDateTime, warn_before: Duration) -> TaskAlert {
        task_alert(self.due, self.done_at().is_some(), now, warn_before)
    }

    /// [`Task::state_label`] for a line that shows the 时限 anyway: 办理中 instead of repeating it.
    #[must_use]
    pub fn short_state(&self, now: NaiveDateTime, warn_before: Duration) -> String {
        if self.done_at().is_none() && self.alert(now, warn_before) == TaskAlert::Quiet {
            "办理中".into()
        } else {
            self.state_label(now, warn_before)
        }
    }

    /// 已办结（12-05 16:00）, 已超期 2 小时, 剩 40 分钟, 办理中（时限 12-06 17:00）.
    #[must_use]
    pub fn state_label(&self, now: NaiveDateTime, warn_before: Duration) -> String {
        if let Some(at) = self.done_at() {
            return format!("已办结（{}）", at.format("%m-%d %H:%M"));
        }
        match self.alert(now, warn_before) {
            TaskAlert::Overdue => format!("已超期 {}", span(now - self.due)),
            TaskAlert::DueSoon => format!("剩 {}", span(self.due - now)),
            TaskAlert::Quiet => format!("办理中（时限 {}）", self.due.format("%m-%d %H:%M")),
        }
    }
}

/// 3 天 2 小时 / 2 小时 5 分 / 40 分钟: how long, as an officer says it.
#[must_use]
pub fn span(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} 分钟"),
        (0, h) if mins == 0 => format!("{h} 小时"),
        (0, h) => format!("{h} 小时 {mins} 分"),
        (d, 0) => format!("{d} 天"),
        (d, h) => format!("{d} 天 {h} 小时"),
    }
}

/// Whether a 反馈 may be recorded on a task: some text, not on a finished task.
pub fn check_feedback(task: &Task, feedback: &Feedback) -> Result<(), String> {
    if feedback.text.trim().is_empty() {
        return Err("反馈内容必须填写".into());
    }
    if feedback.text.chars().count() > TEXT_MAX_CHARS {
        return Err(format!("反馈内容最多 {TEXT_MAX_CHARS} 字"));
    }
    if let Some(at) = task.done_at() {
        return Err(format!(
            "第 {} 号交办已于 {} 办结，不再记录反馈",
            task.id,
            format_minute(at)
        ));
    }
    Ok(())
}

/// A recorded closing (how an entry left the office's hands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingRecord {
    pub closing: Closing,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

impl ClosingRecord {
    /// 办结 / 说明：已告知… / 移送：县公安局.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.closing {
            Closing::Done => "办结".into(),
            Closing::Asked => "请示（已交领导）".into(),
            Closing::Explained { what } => format!("说明：{what}"),
            Closing::Transferred { to } => format!("移送：{to}"),
        }
    }

    /// The closing from its stored kind and detail.
    #[must_use]
    pub fn closing_from(kind: &str, detail: &str) -> Option<Closing> {
        Some(match kind {
            "办结" => Closing::Done,
            "说明" => Closing::Explained { what: detail.into() },
            "请示" => Closing::Asked,
            "移送" => Closing::Transferred { to: detail.into() },
            _ => return None,
        })
    }
}

impl Closing {
    /// The stored detail: what was said, or to whom.
    #[must_use]
    pub fn detail(&self) -> &str {
        match self {
            Self::Explained { what } => what,
            Self::Transferred { to } => to,
            Self::Done | Self::Asked => "",
        }
    }

    /// The four kinds, as offered on the form.
    pub const KINDS: &'static [&'static str] = &["办结", "说明", "请示", "移送"];
}

/// Who owns an entry (首问责任人): whoever took it, or — for an entry written by a script or the
/// command line — the first officer who took it up after (an amendment, a 请示, a 批示 recorded).
#[must_use]
pub fn owner(recorded_by: &str, later_actors: &[&str]) -> Option<String> {
    let is_script = |s: &str| s.is_empty() || s.starts_with('（');
    if !is_script(recorded_by) {
        return Some(recorded_by.to_string());
    }
    later_actors.iter().find(|a| !is_script(a)).map(|a| (*a).to_string())
}

labelled_enum!(
    /// The outcome of one call of a notice.
    CallOutcome {
        Reached => "已通知",
        NotReached => "未接通",
    }
);

/// A 电话通知 to be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoneNotice {
    pub content: String,
    pub meeting_at: Option<NaiveDateTime>,
    pub place: String,
    pub reply_needed: bool,
    pub recipients: Vec<String>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// One call to a recipient of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeCall {
    pub outcome: CallOutcome,
    /// Who took the call (接听人); may be empty.
    pub taker: String,
    pub read_back: bool,
    pub at: NaiveDateTime,
    pub recorded_by: String,
}

/// A recipient of a notice with the calls made to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    pub calls: Vec<NoticeCall>,
}

/// Where a recipient stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientState {
    /// 待通知: not called yet.
    Waiting,
    /// 未接通: called, nobody answered; call again at `retry_at`.
    NotReached { retry_at: NaiveDateTime, tries: usize },
    /// 已通知: reached, by whom taken, when, read back or not.
    Notified {
        taker: String,
        at: NaiveDateTime,
        read_back: bool,
    },
}

impl Recipient {
    #[must_use]
    pub fn state(&self, retry_after: Duration) -> RecipientState {
        if let Some(c) = self.calls.iter().find(|c| c.outcome == CallOutcome::Reached) {
            return RecipientState::Notified {
                taker: c.taker.clone(),
                at: c.at,
                read_back: c.read_back,
            };
        }
        match self.calls.iter().map(|c| c.at).max() {
            Some(last) => RecipientState::NotReached {
                retry_at: last + retry_after,
                tries: self.calls.len(),
            },
            None => RecipientState::Waiting,
        }
    }

    #[must_use]
    pub fn is_done(&self) -> bool {
        self.calls.iter().any(|c| c.outcome == CallOutcome::Reached)
    }
}

impl RecipientState {
    /// 待通知 / 未接通（2 次，14:35 再打） / 已通知（王某 14:20，已复述）.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Waiting => "待通知".into(),
            Self::NotReached { retry_at, tries } => {
                format!("未接通（{tries} 次，{} 再打）", retry_at.format("%H:%M"))
            }
            Self::Notified { taker, at, read_back } => {
                let who = if taker.is_empty() {
                    String::new()
                } else {
                    format!("{taker} ")
                };
                let rb = if *read_back { "已复述" } else { "未复述" };
                format!("已通知（{who}{}，{rb}）", at.format("%H:%M"))
            }
        }
    }
}

/// A 电话通知 as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNotice {
    pub id: i64,
    pub content: String,
    pub meeting_at: Option<NaiveDateTime>,
    pub place: String,
    pub reply_needed: bool,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub recipients: Vec<Recipient>,
}

impl PhoneNotice {
    /// Every recipient reached.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.recipients.iter().all(Recipient::is_done)
    }

    /// How many recipients are reached, of how many.
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        (
            self.recipients.iter().filter(|r| r.is_done()).count(),
            self.recipients.len(),
        )
    }
}

/// A notice's fields checked: the text, the meeting if any, at least one recipient.
pub fn check_notice(n: &NewPhoneNotice) -> Result<(), Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    if n.content.trim().is_empty() {
        errs.push(("content", "通知内容必须填写".to_string()));
    } else if n.content.chars().count() > TEXT_MAX_CHARS {
        errs.push(("content", format!("通知内容最多 {TEXT_MAX_CHARS} 字")));
    }
    if n.recipients.is_empty() {
        errs.push(("recipients", "至少要有一个通知对象".to_string()));
    }
    if n.place.chars().count() > 100 {
        errs.push(("place", "地点最多 100 字".to_string()));
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// An open entry that needs a 请示 (triaged so, or 境外) and has none that reached a leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskItem {
    pub entry_id: i64,
    /// Unit and the start of the content.
    pub about: String,
    pub abroad: bool,
    /// The last attempt that reached nobody, if any.
    pub last_try: Option<NaiveDateTime>,
}

impl AskItem {
    #[must_use]
    pub fn state(&self, retry_after: Duration) -> RequestState {
        match self.last_try {
            Some(t) => RequestState::NotReached {
                retry_at: t + retry_after,
            },
            None => RequestState::NotYet,
        }
    }
}

/// What the cycle leaves open, read together for the reminders, the status line, the 督办 view
/// and the handover: every 交办 not finished, every notice not finished, every 请示 not made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FollowUps {
    pub tasks: Vec<Task>,
    pub notices: Vec<PhoneNotice>,
    pub asks: Vec<AskItem>,
    /// Forwards (转交) of documents and entries not signed for yet.
    pub unsigned: Vec<OpenForward>,
    /// Holiday-roster rounds of the last weeks (节日值班表), reminded while one is incomplete.
    pub holidays: Vec<super::holiday::HolidayRound>,
    /// What the SMS hook did for these 交办 and notice recipients (`[notify] uses`).
    pub sends: Vec<super::hook::SendLine>,
}

impl FollowUps {
    /// The latest recorded send of the SMS hook for this 交办 or notice recipient.
    #[must_use]
    pub fn last_send(&self, kind: super::hook::SendKind, ref_id: i64) -> Option<&super::hook::SendLine> {
        self.sends
            .iter()
            .rev()
            .find(|l| l.key.kind == kind && l.key.ref_id == ref_id)
    }
}

/// A reminder said once (status line, the bell once): what it is about and which moment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReminderKey {
    TaskSoon(i64),
    TaskOverdue(i64),
    AskRetry(i64, NaiveDateTime),
    NoticeRetry(i64, NaiveDateTime),
    /// A forward not signed for in time.
    Unsigned(i64),
    /// A holiday round incomplete on this day (said once a day).
    Holiday(i64, chrono::NaiveDate),
}

/// The reminders due at `now`, each with its sentence (no confidential text: names of units and
/// record numbers, never the content). The caller says each key once.
#[must_use]
pub fn due_reminders(
    f: &FollowUps,
    s: &InstructionSettings,
    docs: &DocumentSettings,
    now: NaiveDateTime,
) -> Vec<(ReminderKey, String)> {
    let mut out = Vec::new();
    for t in &f.tasks {
        match t.alert(now, s.task_warn_before) {
            TaskAlert::Overdue => out.push((
                ReminderKey::TaskOverdue(t.id),
                format!(
                    "交办超期：第 {} 号交办（{}，{}）已过时限 {}，请催办（: 转到“督办”）",
                    t.id,
                    t.assignee,
                    t.item.label(),
                    t.due.format("%m-%d %H:%M")
                ),
            )),
            TaskAlert::DueSoon => out.push((
                ReminderKey::TaskSoon(t.id),
                format!(
                    "交办将到期：第 {} 号交办（{}）时限 {}，{}",
                    t.id,
                    t.assignee,
                    t.due.format("%m-%d %H:%M"),
                    t.state_label(now, s.task_warn_before)
                ),
            )),
            TaskAlert::Quiet => {}
        }
    }
    for a in &f.asks {
        if let RequestState::NotReached { retry_at } = a.state(s.retry_after)
            && retry_at <= now
        {
            out.push((
                ReminderKey::AskRetry(a.entry_id, retry_at),
                format!(
                    "请示未联系上：第 {} 号记录该再请示领导了（打开记录按 a 记录请示）",
                    a.entry_id
                ),
            ));
        }
    }
    for n in &f.notices {
        for r in &n.recipients {
            if let RecipientState::NotReached { retry_at, .. } = r.state(s.notice_retry_after)
                && retry_at <= now
            {
                out.push((
                    ReminderKey::NoticeRetry(r.id, retry_at),
                    format!("电话通知：第 {} 号通知的 {} 未接通，该再打了", n.id, r.name),
                ));
            }
        }
    }
    for h in &f.holidays {
        if h.needs_reminder(now, docs.holiday_remind_before) {
            out.push((
                ReminderKey::Holiday(h.id, now.date()),
                format!("节日值班表：{} {}（: 转到“节日值班表”）", h.holiday, h.state_line(now)),
            ));
        }
    }
    for u in &f.unsigned {
        if u.due(docs) <= now {
            out.push((
                ReminderKey::Unsigned(u.id),
                match u.of {
                    super::document::Forwarded::Document(_) => {
                        format!("转交未签收：{}（: 转到“收文登记”记录签收）", u.line(now, docs))
                    }
                    super::document::Forwarded::Entry(id) => {
                        format!("转交未签收：{}（打开第 {id} 号记录按 r 记录签收）", u.line(now, docs))
                    }
                },
            ));
        }
    }
    out
}

/// The status line's standing note while anything is open: the whole, a short form, and whether
/// something is overdue (shown as an alarm, red).
#[must_use]
pub fn board_line(
    f: &FollowUps,
    s: &InstructionSettings,
    docs: &DocumentSettings,
    now: NaiveDateTime,
) -> Option<(String, String, bool)> {
    let overdue = f
        .tasks
        .iter()
        .filter(|t| t.alert(now, s.task_warn_before) == TaskAlert::Overdue)
        .count();
    let soon = f
        .tasks
        .iter()
        .filter(|t| t.alert(now, s.task_warn_before) == TaskAlert::DueSoon)
        .count();
    let not_asked = f.asks.len();
    let notices = f.notices.len();
    let mut parts = Vec::new();
    if overdue > 0 {
        parts.push(format!("交办超期 {overdue}"));
    }
    if soon > 0 {
        parts.push(format!("将到期 {soon}"));
    }
    if not_asked > 0 {
        parts.push(format!("未请示 {not_asked}"));
    }
    if notices > 0 {
        parts.push(format!("通知未完 {notices}"));
    }
    let unsigned = f.unsigned.iter().filter(|u| u.due(docs) <= now).count();
    if unsigned > 0 {
        parts.push(format!("转交未签收 {unsigned}"));
    }
    let holidays = f
        .holidays
        .iter()
        .filter(|h| h.needs_reminder(now, docs.holiday_remind_before))
        .count();
    if holidays > 0 {
        parts.push(format!("节日值班表未齐 {holidays}"));
    }
    if parts.is_empty() {
        return None;
    }
    let whole = format!("督办：{}", parts.join("、"));
    let short = format!("督办 {}", overdue + soon + not_asked + notices + unsigned + holidays);
    Some((whole, short, overdue > 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::log::Triage;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
    }

    fn tried(leader: &str, when: &str, reached: bool) -> LeaderRequest {
        LeaderRequest {
            leader: leader.into(),
            via: Via::Phone,
            at: at(when),
            reached,
            recorded_by: "张三".into(),
            recorded_at: at(when),
        }
    }

    /// The configured interval before an attempt that reached nobody is tried again.
    fn retry() -> Duration {
        Duration::minutes(30)
    }

    #[test]
    fn an_item_triaged_to_ask_shows_not_asked_then_not_reached_then_asked() {
        let now = at("2026-12-05 14:20");
        let mut requests = Vec::new();
        let state = request_state(true, &requests, retry());
        assert_eq!(state, RequestState::NotYet);
        assert_eq!(request_label(&state, now), Some(("未请示".into(), true)));

        requests.push(tried("王县长", "2026-12-05 14:05", false));
        let state = request_state(true, &requests, retry());
        assert_eq!(
            state,
            RequestState::NotReached {
                retry_at: at("2026-12-05 14:35")
            }
        );
        assert_eq!(
            request_label(&state, now),
            Some(("未联系上（2026-12-05 14:35 再试）".into(), false)),
            "not due again before the interval"
        );
        assert!(
            request_label(&state, at("2026-12-05 14:35")).unwrap().1,
            "due at the retry time"
        );

        // A leader who is not in the config, typed with their post.
        requests.push(tried("副县长 李某", "2026-12-05 14:40", true));
        let state = request_state(true, &requests, retry());
        assert_eq!(
            request_label(&state, now),
            Some(("已请示（副县长 李某 2026-12-05 14:40）".into(), false))
        );
    }

    #[test]
    fn an_item_from_abroad_is_always_a_request_to_a_leader() {
        assert_eq!(Triage::Routine.with_abroad(true), Triage::AskLeader);
        assert_eq!(Triage::Urgent.with_abroad(false), Triage::Urgent);
        assert_eq!(
            request_state(Triage::Routine.needs_request(true), &[], retry()),
            RequestState::NotYet,
            "境外: 未请示 whatever the triage"
        );
        assert_eq!(
            request_state(Triage::Routine.needs_request(false), &[], retry()),
            RequestState::NotNeeded
        );
        assert_eq!(request_label(&RequestState::NotNeeded, at("2026-12-05 09:00")), None);
    }

    #[test]
    fn the_first_leader_reached_is_the_one_shown_whatever_the_order_recorded() {
        let requests = [
            tried("赵书记", "2026-12-05 10:00", true),
            tried("王县长", "2026-12-05 09:00", true),
            tried("李副县长", "2026-12-05 08:00", false),
        ];
        assert_eq!(
            request_state(true, &requests, retry()),
            RequestState::Reached {
                leader: "王县长".into(),
                at: at("2026-12-05 09:00")
            }
        );
    }

    #[test]
    fn closing_by_request_needs_a_leader_reached_and_transfer_needs_whom() {
        let not_reached = [tried("王县长", "2026-12-05 09:00", false)];
        let reached = [tried("王县长", "2026-12-05 09:30", true)];
        assert!(check_closing(&Closing::Asked, &[]).unwrap_err().contains("联系上领导"));
        assert!(
            check_closing(&Closing::Asked, &not_reached).is_err(),
            "a try is not a 请示"
        );
        assert_eq!(check_closing(&Closing::Asked, &reached), Ok(()));
        assert!(
            check_closing(&Closing::Transferred { to: " ".into() }, &[])
                .unwrap_err()
                .contains("移送给谁")
        );
        assert_eq!(
            check_closing(
                &Closing::Transferred {
                    to: "县信访局".into()
                },
                &[]
            ),
            Ok(())
        );
        assert!(check_closing(&Closing::Explained { what: String::new() }, &[]).is_err());
        assert_eq!(check_closing(&Closing::Done, &[]), Ok(()));
        assert_eq!(
            [
                Closing::Done,
                Closing::Explained { what: "x".into() },
                Closing::Asked,
                Closing::Transferred { to: "x".into() }
            ]
            .map(|c| c.label()),
            ["办结", "说明", "请示", "移送"]
        );
    }

    #[test]
    fn a_task_is_quiet_then_due_soon_then_overdue_until_done() {
        let due = at("2026-12-06 17:00");
        let warn = Duration::hours(2);
        assert_eq!(task_alert(due, false, at("2026-12-06 14:59"), warn), TaskAlert::Quiet);
        assert_eq!(task_alert(due, false, at("2026-12-06 15:00"), warn), TaskAlert::DueSoon);
        assert_eq!(
            task_alert(due, false, at("2026-12-06 17:00"), warn),
            TaskAlert::DueSoon,
            "due, not yet over"
        );
        assert_eq!(task_alert(due, false, at("2026-12-06 17:01"), warn), TaskAlert::Overdue);
        assert_eq!(task_alert(due, true, at("2026-12-07 09:00"), warn), TaskAlert::Quiet);
    }

    #[test]
    fn names_split_at_any_separator_and_a_group_stands_for_its_members() {
        let groups = vec![(
            "各乡镇值班室".to_string(),
            vec!["城关镇值班室".to_string(), "东风镇值班室".to_string()],
        )];
        assert_eq!(
            split_names("县公安局、县应急局，各乡镇值班室；城关镇值班室", &groups).unwrap(),
            vec!["县公安局", "县应急局", "城关镇值班室", "东风镇值班室"],
            "order kept, each once"
        );
        assert!(split_names(" 、 ，", &groups).unwrap_err().contains("至少"));
        assert!(split_names(&"长".repeat(61), &groups).unwrap_err().contains("太长"));
        let many: Vec<String> = (0..101).map(|i| format!("单位{i}")).collect();
        assert!(split_names(&many.join("、"), &groups).unwrap_err().contains("最多"));
    }

    fn task(due: &str, feedback: Vec<Feedback>) -> Task {
        Task {
            id: 7,
            item: ItemRef::Entry(1),
            instruction_id: None,
            assignee: "县应急局".into(),
            requirement: String::new(),
            due: at(due),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 09:00"),
            feedback,
            about: String::new(),
        }
    }

    fn fb(when: &str, closes: bool) -> Feedback {
        Feedback {
            text: "已到场处置".into(),
            given_by: "刘科长".into(),
            at: at(when),
            closes,
            recorded_by: "张三".into(),
            recorded_at: at(when),
        }
    }

    #[test]
    fn a_task_is_quiet_then_due_soon_then_overdue_until_a_closing_feedback() {
        let warn = Duration::minutes(60);
        let t = task("2026-12-05 17:00", vec![]);
        assert_eq!(t.alert(at("2026-12-05 15:00"), warn), TaskAlert::Quiet);
        assert_eq!(
            t.state_label(at("2026-12-05 15:00"), warn),
            "办理中（时限 12-05 17:00）"
        );
        assert_eq!(t.alert(at("2026-12-05 16:20"), warn), TaskAlert::DueSoon);
        assert_eq!(t.state_label(at("2026-12-05 16:20"), warn), "剩 40 分钟");
        assert_eq!(t.state_label(at("2026-12-05 19:05"), warn), "已超期 2 小时 5 分");
        let t = task("2026-12-05 17:00", vec![fb("2026-12-05 18:00", false)]);
        assert_eq!(
            t.alert(at("2026-12-05 19:00"), warn),
            TaskAlert::Overdue,
            "a 反馈 that does not close"
        );
        let t = task(
            "2026-12-05 17:00",
            vec![fb("2026-12-05 18:00", false), fb("2026-12-06 10:00", true)],
        );
        assert_eq!(t.alert(at("2026-12-07 19:00"), warn), TaskAlert::Quiet);
        assert_eq!(t.state_label(at("2026-12-07 19:00"), warn), "已办结（12-06 10:00）");
        assert!(
            check_feedback(&t, &fb("2026-12-07 10:00", false))
                .unwrap_err()
                .contains("已于")
        );
        assert!(
            check_feedback(
                &task("2026-12-05 17:00", vec![]),
                &Feedback {
                    text: " ".into(),
                    ..fb("2026-12-05 18:00", false)
                }
            )
            .is_err()
        );
        assert_eq!(span(Duration::days(3) + Duration::hours(2)), "3 天 2 小时");
    }

    #[test]
    fn a_group_choice_prefers_duty_rooms_and_gives_a_groups_names_or_the_typed_ones() {
        let groups = vec![
            ("县领导".to_string(), vec!["王五".to_string()]),
            (
                "各乡镇值班室".to_string(),
                vec!["城关镇值班室".to_string(), "东风镇值班室".to_string()],
            ),
        ];
        let (options, chosen) = group_choice("手写", &groups);
        assert_eq!(options, vec!["手写", "县领导（1 个）", "各乡镇值班室（2 个）"]);
        assert_eq!(chosen, 2);
        assert_eq!(group_choice("手写", &groups[..1]).1, 1);
        assert_eq!(group_choice("手写", &[]).1, 0);
        assert_eq!(
            names_of_choice(2, "", &groups),
            Ok((
                "各乡镇值班室".to_string(),
                vec!["城关镇值班室".to_string(), "东风镇值班室".to_string()]
            ))
        );
        assert_eq!(
            names_of_choice(0, "县领导、新华乡", &groups),
            Ok((String::new(), vec!["王五".to_string(), "新华乡".to_string()]))
        );
        assert!(names_of_choice(3, "", &groups).unwrap_err().contains("分组已变化"));
    }

    #[test]
    fn a_recipient_is_waiting_then_not_reached_then_notified_and_the_notice_done_when_all_are() {
        let call = |outcome, when: &str| NoticeCall {
            outcome,
            taker: if outcome == CallOutcome::Reached {
                "王某".into()
            } else {
                String::new()
            },
            read_back: outcome == CallOutcome::Reached,
            at: at(when),
            recorded_by: "张三".into(),
        };
        let retry = Duration::minutes(15);
        let mut r = Recipient {
            id: 1,
            name: "城关镇值班室".into(),
            calls: vec![],
        };
        assert_eq!(r.state(retry).label(), "待通知");
        r.calls.push(call(CallOutcome::NotReached, "2026-12-05 14:20"));
        assert_eq!(r.state(retry).label(), "未接通（1 次，14:35 再打）");
        r.calls.push(call(CallOutcome::Reached, "2026-12-05 14:40"));
        assert_eq!(r.state(retry).label(), "已通知（王某 14:40，已复述）");
        let mut n = PhoneNotice {
            id: 1,
            content: "明天 9 点开会".into(),
            meeting_at: None,
            place: String::new(),
            reply_needed: false,
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:00"),
            recipients: vec![
                r.clone(),
                Recipient {
                    id: 2,
                    name: "东风镇值班室".into(),
                    calls: vec![],
                },
            ],
        };
        assert_eq!(n.progress(), (1, 2));
        assert!(!n.is_done());
        n.recipients[1]
            .calls
            .push(call(CallOutcome::Reached, "2026-12-05 14:45"));
        assert!(n.is_done());
    }

    #[test]
    fn the_owner_is_who_took_it_or_the_first_officer_after_a_script() {
        assert_eq!(owner("张三", &["李四"]), Some("张三".into()));
        assert_eq!(
            owner("（命令行）", &["（命令行）", "李四", "王五"]),
            Some("李四".into())
        );
        assert_eq!(owner("（命令行）", &[]), None);
    }

    #[test]
    fn an_item_not_triaged_to_ask_that_was_tried_is_followed_like_one() {
        let tried_once = [tried("王县长", "2026-12-05 14:05", false)];
        assert_eq!(
            request_state(false, &tried_once, retry()),
            RequestState::NotReached {
                retry_at: at("2026-12-05 14:35")
            }
        );
        assert_eq!(request_state(false, &[], retry()), RequestState::NotNeeded);
    }
}
