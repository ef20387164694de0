//! The keymap registry: every key the app answers to, per mode, with its Chinese description.
//!
//! Key resolution, the bottom hint bar and the `?` help overlay are all built from [`BINDINGS`],
//! so what the screen says a key does is what it does. Keys here are the core's own type: the
//! runtime translates terminal events into [`Key`], so the core never sees a terminal crate.
//!
//! Rule enforced by a test: no binding in [`Mode::Form`] is a printable character without Ctrl or
//! Alt, so letters typed into a field always go into the field.

/// A key as the core understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key press: the key and whether Ctrl or Alt was held (Shift is already in the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    #[must_use]
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    #[must_use]
    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    #[must_use]
    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// A character that should be typed into a focused field.
    #[must_use]
    pub fn typed_char(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }

    /// How the key is written in hints and help.
    #[must_use]
    pub fn display(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "空格".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
        };
        match (self.ctrl, self.alt, self.code) {
            (true, _, KeyCode::Char(c)) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            (true, _, _) => format!("Ctrl-{base}"),
            (_, true, _) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

/// Which set of bindings is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Active in every mode (only non-printable keys may live here).
    Global,
    /// Choosing who is on duty at start.
    Picker,
    /// The duty log list.
    List,
    /// One entry's detail and history.
    Detail,
    /// Any form (new entry, amendment, instruction, progress).
    Form,
    /// A yes/no question.
    Confirm,
    /// The help overlay.
    Help,
    /// The 紧急事项 list.
    Urgent,
    /// The 交接班 history.
    Handover,
    /// A handover being prepared and checked.
    HandoverDraft,
    /// A signed handover, read-only.
    HandoverDetail,
    /// The roster's month screen.
    Roster,
    /// 来访登记: the on-site board (or all recent visits).
    Visitors,
    /// The lookup box before registering: typed text goes into the box.
    VisitLookup,
    /// One visit.
    VisitDetail,
    /// The watch list (关注名单).
    Watch,
    /// The screen is locked: digits go into the PIN.
    Locked,
    /// 查询: typed text goes into the query box.
    Search,
    /// Reading the 值班日报.
    Report,
    /// The go-to list: every screen, from the same registry as the tabs.
    GoTo,
    /// Sign-in: digits go into the PIN (or the enrolment's new PIN).
    SignIn,
    /// 人员与 PIN: people and their PIN facts.
    People,
    /// 完整性发现: what was found changed outside the app.
    Findings,
    /// 督办: every open 交办 by deadline.
    Tasks,
    /// 电话通知: the notices.
    Notices,
    /// One notice: its recipients, each called.
    NoticeDetail,
    /// 收文登记: documents received.
    Docs,
    /// One document: its forwards and their 签收.
    DocDetail,
    /// 通讯录: typed text goes into the lookup box.
    Directory,
    /// One contact.
    ContactDetail,
    /// 查岗: the rounds.
    SpotChecks,
    /// One round: its duty rooms, each called.
    SpotCheckDetail,
    /// 节日值班表: the holiday rounds.
    Holidays,
    /// One holiday round: the units expected.
    HolidayDetail,
    /// 删除误录内容: what a redaction did (its form is `Form`).
    Redact,
    /// 统计: a month's or a year's figures.
    Stats,
}

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    GoTab(usize),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NewEntry,
    Back,
    Amend,
    Instruct,
    Progress,
    Pick,
    Save,
    Cancel,
    NextField,
    PrevField,
    CursorLeft,
    CursorRight,
    LineStart,
    LineEnd,
    DeleteBack,
    DeleteForward,
    DeleteToLineStart,
    Newline,
    Yes,
    No,
    /// Acknowledge the most urgent unacknowledged event, from any screen.
    Acknowledge,
    NewEvent,
    /// Turn a log entry into an urgent event.
    Promote,
    Resolve,
    CloseEvent,
    /// Record a report (初报/续报/终报).
    Report,
    /// Record the outcome of a phone call.
    CallOutcome,
    /// Update an event's facts (by amendment).
    UpdateFacts,
    /// Re-grade an event (升级/降级).
    Regrade,
    /// Add a recipient to an event (its clock starts then).
    AddRecipient,
    /// Which events the list shows (open, ended, how far back).
    Filter,
    NewHandover,
    /// The incoming officer takes over the selected item.
    ConfirmItem,
    /// The incoming officer has a question on the selected item.
    QuestionItem,
    EditDraft,
    Sign,
    /// Re-read what is open into the draft.
    Refresh,
    /// Write the handover record as a Markdown file.
    Export,
    OpenRoster,
    /// 人员与 PIN: an approver confirms an urgent enrolment or a role.
    ConfirmPerson,
    /// 删除误录内容 (an approver's PIN).
    Redact,
    /// 人员与 PIN: enrol a person who has no PIN.
    EnrolPerson,
    PrevDay,
    NextDay,
    PrevWeek,
    NextWeek,
    PrevMonth,
    NextMonth,
    Today,
    /// Record a swap (调班) on the roster.
    Swap,
    /// Draft the shown month's roster from the rotation (a new version).
    DraftRoster,
    /// Approve the shown month's latest draft (a leader's PIN).
    ApproveRoster,
    /// Publish the shown month's approved version.
    PublishRoster,
    /// Change one shift of the shown draft (a new version).
    EditRosterShift,
    /// 到岗: sign on for the shift now, with one's PIN.
    SignOnDuty,
    RegisterVisit,
    /// Register a visitor without looking them up first.
    NewBlank,
    /// Look through every visit after a lookup that ran out of time.
    LookupAll,
    /// Switch the board between who is inside and all recent visits.
    ToggleAll,
    Checkout,
    /// A crowd forcing its way in: an urgent event at once.
    RaiseCrowd,
    OpenWatch,
    AddWatch,
    /// Show a full ID number (the reveal is logged).
    Reveal,
    Lock,
    Unlock,
    /// Go to 查询 from a list.
    Search,
    DailyReport,
    /// The 值班日报 of the period before, or after (never past the one in progress).
    PrevPeriod,
    NextPeriod,
    /// Record that the 值班日报 shown was sent (已报送).
    MarkSent,
    /// Open the go-to list of every screen.
    GoTo,
    /// On the lock screen: the next person whose PIN is typed (换人).
    SwitchPerson,
    /// Sign-in: submit what was typed.
    SubmitPin,
    /// Sign-in: the next approver who may enrol the person.
    NextApprover,
    /// Record a 请示 attempt on the entry shown.
    AskLeader,
    /// 交办 from the entry shown.
    Assign,
    /// Open 督办.
    OpenTasks,
    /// Open 电话通知.
    OpenNotices,
    /// Record a 反馈 on the selected 交办.
    Feedback,
    NewNotice,
    /// The selected recipient was reached (已通知).
    Notified,
    /// The selected recipient did not answer (未接通).
    NotReached,
    /// Open 收文登记.
    OpenDocuments,
    NewDocument,
    /// 转交 the document shown.
    Forward,
    /// Record the 签收 of the selected forward.
    SignFor,
    /// Open 通讯录.
    OpenDirectory,
    /// Open 查岗.
    OpenSpotChecks,
    NewSpotCheck,
    /// The duty room called is staffed (在岗).
    OnDuty,
    /// Nobody answered (未接).
    NoAnswer,
    /// Show the contact's 宅电 in full (logged).
    RevealHome,
    /// Add a contact by hand.
    NewContact,
    /// Correct the contact shown (a new row replaces it).
    EditContact,
    /// Take the contact shown out of the directory.
    RemoveContact,
    /// Open 统计.
    OpenStats,
    /// 统计: a month ↔ its year.
    ToggleYear,
    /// Open 节日值班表.
    OpenHolidays,
    NewHolidayRound,
    /// The selected unit's holiday roster came in.
    MarkReceived,
    /// The office's own holiday roster went upward.
    ReportUpward,
    /// Someone other than the duty officer answered (非值班人员接听).
    NotOnDuty,
}

impl Action {
    /// What the key does, in Chinese, for hints and help.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Quit => "退出",
            Self::Help => "帮助",
            Self::NextTab => "下一栏",
            Self::PrevTab => "上一栏",
            Self::GoTab(_) => "切换栏目",
            Self::Up => "上移",
            Self::Down => "下移",
            Self::PageUp => "上一页",
            Self::PageDown => "下一页",
            Self::Top => "最新",
            Self::Bottom => "最早",
            Self::Open => "查看",
            Self::NewEntry => "新建记录",
            Self::Back => "返回",
            Self::Amend => "更正/补充",
            Self::Instruct => "领导批示",
            Self::Progress => "办理/办结",
            Self::Pick => "选定",
            Self::Save => "保存",
            Self::Cancel => "取消",
            Self::NextField => "下一项",
            Self::PrevField => "上一项",
            Self::CursorLeft => "光标左移/上一选项",
            Self::CursorRight => "光标右移/下一选项",
            Self::LineStart => "行首",
            Self::LineEnd => "行尾",
            Self::DeleteBack => "删除前一字",
            Self::DeleteForward => "删除后一字",
            Self::DeleteToLineStart => "删至行首",
            Self::Newline => "换行（多行项）/下一项",
            Self::Yes => "是",
            Self::No => "否",
            Self::Acknowledge => "确认紧急事项",
            Self::NewEvent => "新建紧急事件",
            Self::Promote => "转为紧急事件",
            Self::Resolve => "标为已处置",
            Self::CloseEvent => "结束事件",
            Self::Report => "记录报告",
            Self::CallOutcome => "记录通话结果",
            Self::UpdateFacts => "更新事实",
            Self::Regrade => "升级/降级",
            Self::AddRecipient => "追加报送对象",
            Self::Filter => "筛选（未结束/已结束/时间）",
            Self::NewHandover => "开始交班",
            Self::ConfirmItem => "确认接手",
            Self::QuestionItem => "提出疑问",
            Self::EditDraft => "填写接班人/当班情况",
            Self::Sign => "双方签字",
            Self::Refresh => "刷新交班单",
            Self::Export => "导出交接班记录",
            Self::OpenRoster => "排班表",
            Self::ConfirmPerson => "领导确认",
            Self::Redact => "删除误录内容",
            Self::EnrolPerson => "登记 PIN",
            Self::PrevDay => "前一天",
            Self::NextDay => "后一天",
            Self::PrevWeek => "上一周",
            Self::NextWeek => "下一周",
            Self::PrevMonth => "上个月",
            Self::NextMonth => "下个月",
            Self::Today => "回到今天",
            Self::Swap => "登记调班",
            Self::DraftRoster => "按轮值草拟本月排班",
            Self::ApproveRoster => "批准排班（领导 PIN）",
            Self::PublishRoster => "发布排班",
            Self::EditRosterShift => "修改草稿班次",
            Self::SignOnDuty => "到岗签到",
            Self::RegisterVisit => "登记来访",
            Self::NewBlank => "新来访人（不查找）",
            Self::LookupAll => "查全部来访（查找超时后）",
            Self::ToggleAll => "在楼/全部来访",
            Self::Checkout => "离开登记",
            Self::RaiseCrowd => "强行闯入：报紧急事件",
            Self::OpenWatch => "关注名单",
            Self::AddWatch => "新增关注",
            Self::Reveal => "显示完整证件号（留痕）",
            Self::Lock => "锁屏",
            Self::Search => "查询",
            Self::DailyReport => "值班日报",
            Self::PrevPeriod => "上一期",
            Self::NextPeriod => "下一期",
            Self::MarkSent => "标记已报送",
            Self::Unlock => "解锁",
            Self::GoTo => "转到…",
            Self::SwitchPerson => "换人（选择输入 PIN 的人）",
            Self::SubmitPin => "登录/确定",
            Self::NextApprover => "换一位领导（或交班值班员紧急登记）",
            Self::AskLeader => "请示领导",
            Self::Assign => "交办",
            Self::OpenTasks => "督办（交办跟踪）",
            Self::OpenNotices => "电话通知",
            Self::Feedback => "记录反馈/办结",
            Self::NewNotice => "新建通知",
            Self::Notified => "已通知",
            Self::NotReached => "未接通",
            Self::OpenDocuments => "收文登记",
            Self::NewDocument => "登记收文",
            Self::Forward => "转交",
            Self::SignFor => "签收",
            Self::OpenDirectory => "通讯录",
            Self::OpenSpotChecks => "查岗",
            Self::NewSpotCheck => "新建查岗",
            Self::OnDuty => "在岗",
            Self::NoAnswer => "未接",
            Self::RevealHome => "显示宅电（留痕）",
            Self::NewContact => "新增联系人",
            Self::EditContact => "更正",
            Self::RemoveContact => "移除",
            Self::OpenHolidays => "节日值班表",
            Self::OpenStats => "统计",
            Self::ToggleYear => "按月/按年",
            Self::NewHolidayRound => "新建收集",
            Self::MarkReceived => "已收到",
            Self::ReportUpward => "本单位上报",
            Self::NotOnDuty => "非值班人员接听",
        }
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub mode: Mode,
    pub keys: &'static [Key],
    pub action: Action,
    /// Shown in the bottom hint bar (all bindings are shown in help).
    pub hint: bool,
}

use KeyCode as C;

const fn b(mode: Mode, keys: &'static [Key], action: Action, hint: bool) -> Binding {
    Binding {
        mode,
        keys,
        action,
        hint,
    }
}

const fn p(code: KeyCode) -> Key {
    Key::plain(code)
}

/// The registry. Order is display order in hints and help.
pub static BINDINGS: &[Binding] = &[
    // Global: never printable, so they are safe inside forms.
    b(Mode::Global, &[Key::ctrl('c')], Action::Quit, false),
    b(Mode::Global, &[p(C::F(1))], Action::Help, false),
    b(Mode::Global, &[p(C::F(2))], Action::Acknowledge, false),
    b(Mode::Global, &[Key::ctrl('l')], Action::Lock, false),
    b(Mode::Global, &[Key::ctrl('g')], Action::GoTo, false),
    // Operator picker.
    b(Mode::Picker, &[p(C::Up), Key::ch('k')], Action::Up, true),
    b(Mode::Picker, &[p(C::Down), Key::ch('j')], Action::Down, true),
    b(Mode::Picker, &[p(C::Enter)], Action::Pick, true),
    b(Mode::Picker, &[Key::ch('q')], Action::Quit, true),
    // Duty log list.
    b(Mode::List, &[Key::ch('n')], Action::NewEntry, true),
    b(Mode::List, &[p(C::Enter)], Action::Open, true),
    b(Mode::List, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::List, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::List, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::List, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, true),
    b(Mode::List, &[p(C::Home), Key::ch('g')], Action::Top, false),
    b(Mode::List, &[p(C::End), Key::ch('G')], Action::Bottom, false),
    b(Mode::List, &[p(C::Tab)], Action::NextTab, true),
    b(Mode::List, &[p(C::BackTab)], Action::PrevTab, false),
    b(
        Mode::List,
        &[Key::ch('1'), Key::ch('2'), Key::ch('3'), Key::ch('4'), Key::ch('5')],
        Action::GoTab(0),
        false,
    ),
    b(Mode::List, &[Key::ch('/')], Action::Search, true),
    b(Mode::List, &[Key::ch('d')], Action::OpenTasks, false),
    b(Mode::List, &[Key::ch('c')], Action::OpenNotices, false),
    b(Mode::List, &[Key::ch('w')], Action::OpenDocuments, false),
    b(Mode::List, &[Key::ch('t')], Action::OpenDirectory, false),
    b(Mode::List, &[Key::ch('z')], Action::OpenSpotChecks, false),
    b(Mode::List, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::List, &[Key::ch('?')], Action::Help, true),
    b(Mode::List, &[Key::ch('q')], Action::Quit, true),
    // Entry detail.
    b(Mode::Detail, &[Key::ch('e')], Action::Amend, true),
    b(Mode::Detail, &[Key::ch('i')], Action::Instruct, true),
    b(Mode::Detail, &[Key::ch('s')], Action::Progress, true),
    b(Mode::Detail, &[Key::ch('a')], Action::AskLeader, true),
    b(Mode::Detail, &[Key::ch('t')], Action::Assign, true),
    b(Mode::Detail, &[Key::ch('u')], Action::Promote, true),
    b(Mode::Detail, &[Key::ch('f')], Action::Forward, false),
    b(Mode::Detail, &[Key::ch('r')], Action::SignFor, false),
    b(Mode::Detail, &[Key::ch('x')], Action::Redact, false),
    b(Mode::Detail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Detail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Detail, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Detail, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Detail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Detail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Detail, &[Key::ch('?')], Action::Help, true),
    b(Mode::Detail, &[Key::ch('q')], Action::Quit, false),
    // Forms: no printable keys here.
    b(Mode::Form, &[Key::ctrl('s')], Action::Save, true),
    b(Mode::Form, &[p(C::Esc)], Action::Cancel, true),
    b(Mode::Form, &[p(C::Tab)], Action::NextField, true),
    b(Mode::Form, &[p(C::BackTab)], Action::PrevField, true),
    b(Mode::Form, &[p(C::Up)], Action::Up, false),
    b(Mode::Form, &[p(C::Down)], Action::Down, false),
    b(Mode::Form, &[p(C::Left)], Action::CursorLeft, false),
    b(Mode::Form, &[p(C::Right)], Action::CursorRight, false),
    b(Mode::Form, &[p(C::Home), Key::ctrl('a')], Action::LineStart, false),
    b(Mode::Form, &[p(C::End), Key::ctrl('e')], Action::LineEnd, false),
    b(Mode::Form, &[p(C::Backspace)], Action::DeleteBack, false),
    b(Mode::Form, &[p(C::Delete)], Action::DeleteForward, false),
    b(Mode::Form, &[Key::ctrl('u')], Action::DeleteToLineStart, false),
    b(Mode::Form, &[p(C::Enter)], Action::Newline, false),
    // Yes/no questions.
    b(Mode::Confirm, &[Key::ch('y'), Key::ch('Y')], Action::Yes, true),
    b(
        Mode::Confirm,
        &[Key::ch('n'), Key::ch('N'), p(C::Esc)],
        Action::No,
        true,
    ),
    // Help overlay.
    b(Mode::Help, &[p(C::Esc), Key::ch('?'), Key::ch('q')], Action::Back, true),
    b(Mode::Help, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Help, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Help, &[p(C::PageUp)], Action::PageUp, true),
    b(Mode::Help, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, true),
    // The go-to list.
    b(Mode::GoTo, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::GoTo, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::GoTo, &[p(C::Enter)], Action::Pick, true),
    b(Mode::GoTo, &[p(C::Esc), Key::ch('q')], Action::Back, true),
    // Urgent events.
    b(Mode::Urgent, &[Key::ch('n')], Action::NewEvent, true),
    b(Mode::Urgent, &[p(C::F(2)), Key::ch('a')], Action::Acknowledge, true),
    b(Mode::Urgent, &[Key::ch('p')], Action::Report, true),
    b(Mode::Urgent, &[Key::ch('o')], Action::CallOutcome, true),
    b(Mode::Urgent, &[Key::ch('e')], Action::UpdateFacts, true),
    b(Mode::Urgent, &[Key::ch('g')], Action::Regrade, true),
    b(Mode::Urgent, &[Key::ch('t')], Action::AddRecipient, false),
    b(Mode::Urgent, &[Key::ch('i')], Action::Instruct, false),
    b(Mode::Urgent, &[Key::ch('d')], Action::Assign, false),
    b(Mode::Urgent, &[Key::ch('r')], Action::Resolve, false),
    b(Mode::Urgent, &[Key::ch('c')], Action::CloseEvent, false),
    b(Mode::Urgent, &[Key::ch('f')], Action::Filter, false),
    b(Mode::Urgent, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Urgent, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Urgent, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Urgent, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Urgent, &[p(C::Tab)], Action::NextTab, false),
    b(Mode::Urgent, &[p(C::BackTab)], Action::PrevTab, false),
    b(
        Mode::Urgent,
        &[Key::ch('1'), Key::ch('2'), Key::ch('3'), Key::ch('4'), Key::ch('5')],
        Action::GoTab(0),
        false,
    ),
    b(Mode::Urgent, &[Key::ch('/')], Action::Search, false),
    b(Mode::Urgent, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Urgent, &[Key::ch('?')], Action::Help, true),
    b(Mode::Urgent, &[Key::ch('q')], Action::Quit, true),
    // 交接班: the history of signed handovers.
    b(Mode::Handover, &[Key::ch('n')], Action::NewHandover, true),
    b(Mode::Handover, &[p(C::Enter)], Action::Open, true),
    b(Mode::Handover, &[Key::ch('r')], Action::OpenRoster, true),
    b(Mode::Handover, &[Key::ch('h')], Action::OpenHolidays, false),
    b(Mode::Handover, &[Key::ch('s')], Action::OpenStats, false),
    b(Mode::Handover, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Handover, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Handover, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Handover, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Handover, &[p(C::Tab)], Action::NextTab, false),
    b(Mode::Handover, &[p(C::BackTab)], Action::PrevTab, false),
    b(
        Mode::Handover,
        &[Key::ch('1'), Key::ch('2'), Key::ch('3'), Key::ch('4'), Key::ch('5')],
        Action::GoTab(0),
        false,
    ),
    b(Mode::Handover, &[Key::ch('/')], Action::Search, false),
    b(Mode::Handover, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Handover, &[Key::ch('?')], Action::Help, true),
    b(Mode::Handover, &[Key::ch('q')], Action::Quit, true),
    // The draft: the incoming officer goes through each item.
    b(Mode::HandoverDraft, &[Key::ch('y')], Action::ConfirmItem, true),
    b(Mode::HandoverDraft, &[Key::ch('x')], Action::QuestionItem, true),
    b(Mode::HandoverDraft, &[Key::ch('e')], Action::EditDraft, true),
    b(Mode::HandoverDraft, &[Key::ctrl('s')], Action::Sign, true),
    b(Mode::HandoverDraft, &[Key::ch('R')], Action::Refresh, false),
    b(Mode::HandoverDraft, &[p(C::Enter)], Action::Open, false),
    b(Mode::HandoverDraft, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::HandoverDraft, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::HandoverDraft, &[p(C::Esc)], Action::Cancel, true),
    b(Mode::HandoverDraft, &[p(C::Tab)], Action::NextTab, false),
    b(Mode::HandoverDraft, &[p(C::BackTab)], Action::PrevTab, false),
    b(Mode::HandoverDraft, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::HandoverDraft, &[Key::ch('?')], Action::Help, false),
    b(Mode::HandoverDraft, &[Key::ch('q')], Action::Quit, false),
    // A signed handover.
    b(Mode::HandoverDetail, &[Key::ch('w')], Action::Export, true),
    b(Mode::HandoverDetail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::HandoverDetail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::HandoverDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::HandoverDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::HandoverDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::HandoverDetail, &[Key::ch('q')], Action::Quit, false),
    // The roster's month.
    b(Mode::Roster, &[Key::ch('s')], Action::Swap, true),
    b(Mode::Roster, &[Key::ch('o')], Action::SignOnDuty, true),
    b(Mode::Roster, &[Key::ch('d')], Action::DraftRoster, false),
    b(Mode::Roster, &[Key::ch('a')], Action::ApproveRoster, false),
    b(Mode::Roster, &[Key::ch('p')], Action::PublishRoster, false),
    b(Mode::Roster, &[Key::ch('e')], Action::EditRosterShift, false),
    b(Mode::Roster, &[p(C::Left), Key::ch('h')], Action::PrevDay, false),
    b(Mode::Roster, &[p(C::Right), Key::ch('l')], Action::NextDay, false),
    b(Mode::Roster, &[p(C::Up), Key::ch('k')], Action::PrevWeek, false),
    b(Mode::Roster, &[p(C::Down), Key::ch('j')], Action::NextWeek, false),
    b(Mode::Roster, &[p(C::PageUp)], Action::PrevMonth, true),
    b(Mode::Roster, &[p(C::PageDown)], Action::NextMonth, true),
    b(Mode::Roster, &[p(C::Home), Key::ch('t')], Action::Today, false),
    b(Mode::Roster, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Roster, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Roster, &[Key::ch('?')], Action::Help, true),
    b(Mode::Roster, &[Key::ch('q')], Action::Quit, false),
    // 人员与 PIN.
    b(Mode::People, &[Key::ch('c')], Action::ConfirmPerson, true),
    b(Mode::People, &[Key::ch('e')], Action::EnrolPerson, true),
    b(Mode::People, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::People, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::People, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::People, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::People, &[Key::ch('?')], Action::Help, true),
    b(Mode::People, &[Key::ch('q')], Action::Quit, false),
    // 完整性发现.
    b(Mode::Findings, &[Key::ch('c')], Action::ConfirmPerson, true),
    b(Mode::Findings, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Findings, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Findings, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Findings, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Findings, &[Key::ch('?')], Action::Help, true),
    b(Mode::Findings, &[Key::ch('q')], Action::Quit, false),
    // 督办: the open 交办 by deadline.
    b(Mode::Tasks, &[Key::ch('f')], Action::Feedback, true),
    b(Mode::Tasks, &[p(C::Enter)], Action::Open, true),
    b(Mode::Tasks, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Tasks, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Tasks, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Tasks, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Tasks, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Tasks, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Tasks, &[Key::ch('?')], Action::Help, true),
    b(Mode::Tasks, &[Key::ch('q')], Action::Quit, false),
    // 电话通知: the notices, open ones first.
    b(Mode::Notices, &[Key::ch('n')], Action::NewNotice, true),
    b(Mode::Notices, &[p(C::Enter)], Action::Open, true),
    b(Mode::Notices, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Notices, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Notices, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Notices, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Notices, &[Key::ch('?')], Action::Help, true),
    b(Mode::Notices, &[Key::ch('q')], Action::Quit, false),
    // One notice: a key per call outcome on the selected recipient.
    b(Mode::NoticeDetail, &[Key::ch('y')], Action::Notified, true),
    b(Mode::NoticeDetail, &[Key::ch('x')], Action::NotReached, true),
    b(Mode::NoticeDetail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::NoticeDetail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::NoticeDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::NoticeDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::NoticeDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::NoticeDetail, &[Key::ch('q')], Action::Quit, false),
    // 收文登记: waiting for a 签收 first.
    b(Mode::Docs, &[Key::ch('n')], Action::NewDocument, true),
    b(Mode::Docs, &[p(C::Enter)], Action::Open, true),
    b(Mode::Docs, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Docs, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Docs, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Docs, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Docs, &[Key::ch('?')], Action::Help, true),
    b(Mode::Docs, &[Key::ch('q')], Action::Quit, false),
    // One document: its forwards.
    b(Mode::DocDetail, &[Key::ch('f')], Action::Forward, true),
    b(Mode::DocDetail, &[Key::ch('s')], Action::SignFor, true),
    b(Mode::DocDetail, &[Key::ch('x')], Action::Redact, false),
    b(Mode::DocDetail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::DocDetail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::DocDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::DocDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::DocDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::DocDetail, &[Key::ch('q')], Action::Quit, false),
    // 通讯录: no printable keys, they go into the lookup box.
    b(Mode::Directory, &[p(C::Enter)], Action::Open, true),
    b(Mode::Directory, &[Key::ctrl('n')], Action::NewContact, true),
    b(Mode::Directory, &[p(C::Up)], Action::Up, false),
    b(Mode::Directory, &[p(C::Down)], Action::Down, false),
    b(Mode::Directory, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Directory, &[p(C::PageDown)], Action::PageDown, false),
    b(Mode::Directory, &[p(C::Esc)], Action::Back, true),
    b(Mode::Directory, &[p(C::Backspace)], Action::DeleteBack, false),
    b(Mode::Directory, &[Key::ctrl('u')], Action::DeleteToLineStart, false),
    // One contact: the 宅电 revealed on request, logged.
    b(Mode::ContactDetail, &[Key::ch('v')], Action::RevealHome, true),
    b(Mode::ContactDetail, &[Key::ch('e')], Action::EditContact, true),
    b(Mode::ContactDetail, &[Key::ch('x')], Action::RemoveContact, false),
    b(Mode::ContactDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::ContactDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::ContactDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::ContactDetail, &[Key::ch('q')], Action::Quit, false),
    // 查岗: the rounds, newest first.
    b(Mode::SpotChecks, &[Key::ch('n')], Action::NewSpotCheck, true),
    b(Mode::SpotChecks, &[p(C::Enter)], Action::Open, true),
    b(Mode::SpotChecks, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::SpotChecks, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::SpotChecks, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::SpotChecks, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::SpotChecks, &[Key::ch('?')], Action::Help, true),
    b(Mode::SpotChecks, &[Key::ch('q')], Action::Quit, false),
    // One round: a key per outcome on the selected duty room.
    b(Mode::SpotCheckDetail, &[Key::ch('y')], Action::OnDuty, true),
    b(Mode::SpotCheckDetail, &[Key::ch('x')], Action::NoAnswer, true),
    b(Mode::SpotCheckDetail, &[Key::ch('o')], Action::NotOnDuty, true),
    b(Mode::SpotCheckDetail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::SpotCheckDetail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::SpotCheckDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::SpotCheckDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::SpotCheckDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::SpotCheckDetail, &[Key::ch('q')], Action::Quit, false),
    // 节日值班表: the holiday rounds.
    // 统计.
    b(Mode::Stats, &[p(C::Left), Key::ch('h')], Action::PrevPeriod, true),
    b(Mode::Stats, &[p(C::Right), Key::ch('l')], Action::NextPeriod, true),
    b(Mode::Stats, &[Key::ch('y')], Action::ToggleYear, true),
    b(Mode::Stats, &[p(C::Home), Key::ch('t')], Action::Today, false),
    b(Mode::Stats, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Stats, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Stats, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Stats, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Stats, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Stats, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Stats, &[Key::ch('?')], Action::Help, true),
    b(Mode::Stats, &[Key::ch('q')], Action::Quit, false),
    b(Mode::Holidays, &[Key::ch('n')], Action::NewHolidayRound, true),
    b(Mode::Holidays, &[p(C::Enter)], Action::Open, true),
    b(Mode::Holidays, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Holidays, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Holidays, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Holidays, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Holidays, &[Key::ch('?')], Action::Help, true),
    b(Mode::Holidays, &[Key::ch('q')], Action::Quit, false),
    // One holiday round: a key per roster received.
    b(Mode::HolidayDetail, &[Key::ch('y')], Action::MarkReceived, true),
    b(Mode::HolidayDetail, &[Key::ch('s')], Action::ReportUpward, true),
    b(Mode::HolidayDetail, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::HolidayDetail, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::HolidayDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::HolidayDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::HolidayDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::HolidayDetail, &[Key::ch('q')], Action::Quit, false),
    // 删除误录内容: what was done, and the backups that still hold the text.
    b(Mode::Redact, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Redact, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Redact, &[Key::ch('?')], Action::Help, true),
    b(Mode::Redact, &[Key::ch('q')], Action::Quit, false),
    // 来访登记: the on-site board.
    b(Mode::Visitors, &[Key::ch('n')], Action::RegisterVisit, true),
    b(Mode::Visitors, &[Key::ch('c')], Action::Checkout, true),
    b(Mode::Visitors, &[p(C::Enter)], Action::Open, true),
    b(Mode::Visitors, &[Key::ch('a')], Action::ToggleAll, true),
    b(Mode::Visitors, &[Key::ch('w')], Action::OpenWatch, false),
    b(Mode::Visitors, &[Key::ch('!')], Action::RaiseCrowd, false),
    b(Mode::Visitors, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Visitors, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Visitors, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Visitors, &[p(C::PageDown)], Action::PageDown, false),
    b(Mode::Visitors, &[p(C::Tab)], Action::NextTab, false),
    b(Mode::Visitors, &[p(C::BackTab)], Action::PrevTab, false),
    b(
        Mode::Visitors,
        &[Key::ch('1'), Key::ch('2'), Key::ch('3'), Key::ch('4'), Key::ch('5')],
        Action::GoTab(0),
        false,
    ),
    b(Mode::Visitors, &[Key::ch('/')], Action::Search, false),
    b(Mode::Visitors, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Visitors, &[Key::ch('?')], Action::Help, true),
    b(Mode::Visitors, &[Key::ch('q')], Action::Quit, true),
    // The lookup box: no printable keys, they go into the box.
    b(Mode::VisitLookup, &[p(C::Enter)], Action::Pick, true),
    b(Mode::VisitLookup, &[Key::ctrl('n')], Action::NewBlank, true),
    b(Mode::VisitLookup, &[p(C::F(5))], Action::LookupAll, false),
    b(Mode::VisitLookup, &[p(C::Up)], Action::Up, false),
    b(Mode::VisitLookup, &[p(C::Down)], Action::Down, false),
    b(Mode::VisitLookup, &[p(C::Esc)], Action::Back, true),
    b(Mode::VisitLookup, &[p(C::Left)], Action::CursorLeft, false),
    b(Mode::VisitLookup, &[p(C::Right)], Action::CursorRight, false),
    b(
        Mode::VisitLookup,
        &[p(C::Home), Key::ctrl('a')],
        Action::LineStart,
        false,
    ),
    b(Mode::VisitLookup, &[p(C::End), Key::ctrl('e')], Action::LineEnd, false),
    b(Mode::VisitLookup, &[p(C::Backspace)], Action::DeleteBack, false),
    b(Mode::VisitLookup, &[p(C::Delete)], Action::DeleteForward, false),
    b(Mode::VisitLookup, &[Key::ctrl('u')], Action::DeleteToLineStart, false),
    // One visit.
    b(Mode::VisitDetail, &[Key::ch('c')], Action::Checkout, true),
    b(Mode::VisitDetail, &[Key::ch('v')], Action::Reveal, true),
    b(Mode::VisitDetail, &[Key::ch('!')], Action::RaiseCrowd, false),
    b(Mode::VisitDetail, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::VisitDetail, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::VisitDetail, &[Key::ch('?')], Action::Help, true),
    b(Mode::VisitDetail, &[Key::ch('q')], Action::Quit, false),
    // The watch list.
    b(Mode::Watch, &[Key::ch('n')], Action::AddWatch, true),
    b(Mode::Watch, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Watch, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Watch, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Watch, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Watch, &[Key::ch('?')], Action::Help, true),
    b(Mode::Watch, &[Key::ch('q')], Action::Quit, false),
    // Sign-in: digits go into the PIN.
    b(Mode::SignIn, &[p(C::Enter)], Action::SubmitPin, true),
    b(Mode::SignIn, &[p(C::Backspace)], Action::DeleteBack, true),
    b(Mode::SignIn, &[p(C::Tab)], Action::NextApprover, true),
    b(Mode::SignIn, &[p(C::Esc)], Action::Back, true),
    b(Mode::SignIn, &[Key::ch('q')], Action::Quit, true),
    // The lock screen: digits go into the PIN.
    b(Mode::Locked, &[p(C::Enter)], Action::Unlock, true),
    b(Mode::Locked, &[p(C::Backspace)], Action::DeleteBack, true),
    b(Mode::Locked, &[p(C::Tab)], Action::SwitchPerson, true),
    b(Mode::Locked, &[p(C::F(2))], Action::Acknowledge, true),
    // 查询: no printable keys, they go into the query.
    b(Mode::Search, &[p(C::Enter)], Action::Open, true),
    b(Mode::Search, &[Key::ctrl('r')], Action::DailyReport, true),
    b(Mode::Search, &[p(C::Esc)], Action::Back, true),
    b(Mode::Search, &[p(C::Up)], Action::Up, false),
    b(Mode::Search, &[p(C::Down)], Action::Down, false),
    b(Mode::Search, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Search, &[p(C::PageDown)], Action::PageDown, false),
    b(Mode::Search, &[p(C::Left)], Action::CursorLeft, false),
    b(Mode::Search, &[p(C::Right)], Action::CursorRight, false),
    b(Mode::Search, &[p(C::Home), Key::ctrl('a')], Action::LineStart, false),
    b(Mode::Search, &[p(C::End), Key::ctrl('e')], Action::LineEnd, false),
    b(Mode::Search, &[p(C::Backspace)], Action::DeleteBack, false),
    b(Mode::Search, &[p(C::Delete)], Action::DeleteForward, false),
    b(Mode::Search, &[Key::ctrl('u')], Action::DeleteToLineStart, false),
    b(Mode::Search, &[p(C::Tab)], Action::NextTab, true),
    b(Mode::Search, &[p(C::BackTab)], Action::PrevTab, false),
    // The 值班日报.
    b(Mode::Report, &[Key::ch('s')], Action::MarkSent, true),
    b(Mode::Report, &[p(C::Left), Key::ch('h')], Action::PrevPeriod, true),
    b(Mode::Report, &[p(C::Right), Key::ch('l')], Action::NextPeriod, true),
    b(Mode::Report, &[p(C::Up), Key::ch('k')], Action::Up, false),
    b(Mode::Report, &[p(C::Down), Key::ch('j')], Action::Down, false),
    b(Mode::Report, &[p(C::PageUp)], Action::PageUp, false),
    b(Mode::Report, &[p(C::PageDown), Key::ch(' ')], Action::PageDown, false),
    b(Mode::Report, &[p(C::Esc), Key::ch('b')], Action::Back, true),
    b(Mode::Report, &[Key::ch(':')], Action::GoTo, false),
    b(Mode::Report, &[Key::ch('?')], Action::Help, true),
    b(Mode::Report, &[Key::ch('q')], Action::Quit, false),
];

/// The action bound to `key` in `mode` (mode bindings first, then global ones).
#[must_use]
pub fn resolve(mode: Mode, key: Key) -> Option<Action> {
    let find = |m: Mode| {
        BINDINGS
            .iter()
            .filter(|b| b.mode == m)
            .find_map(|b| b.keys.iter().position(|k| *k == key).map(|i| (b.action, i)))
    };
    let (action, index) = find(mode).or_else(|| find(Mode::Global))?;
    // Digit bindings carry which tab: the n-th key of the binding.
    Some(match action {
        Action::GoTab(_) => Action::GoTab(index),
        a => a,
    })
}

/// The bindings shown for `mode`: its own, then the global ones.
pub fn bindings_for(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.mode == mode).chain(
        BINDINGS
            .iter()
            .filter(move |b| b.mode == Mode::Global && mode != Mode::Global),
    )
}

/// "n 新建记录  Enter 查看 …" pieces for the hint bar.
#[must_use]
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = bindings_for(mode)
        .filter(|b| b.hint)
        .map(|b| (keys_label(b), b.action.describe()))
        .collect();
    if mode != Mode::Help && mode != Mode::Confirm && !out.iter().any(|(_, d)| *d == Action::Help.describe()) {
        out.push(("F1".into(), Action::Help.describe()));
    }
    out
}

/// How a binding's keys are written: "Up/k".
#[must_use]
pub fn keys_label(binding: &Binding) -> String {
    if matches!(binding.action, Action::GoTab(_)) {
        return "1-5".into();
    }
    binding.keys.iter().map(|k| k.display()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_never_bind_printable_keys() {
        for b in BINDINGS.iter().filter(|b| {
            matches!(
                b.mode,
                Mode::Form | Mode::Global | Mode::VisitLookup | Mode::Locked | Mode::Search
            )
        }) {
            for k in b.keys {
                assert!(k.typed_char().is_none(), "{:?} binds printable {:?}", b.action, k);
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for b1 in BINDINGS {
            for b2 in BINDINGS {
                if std::ptr::eq(b1, b2) || b1.mode != b2.mode {
                    continue;
                }
                for k in b1.keys {
                    assert!(
                        !b2.keys.contains(k),
                        "{} bound to {:?} and {:?}",
                        k.display(),
                        b1.action,
                        b2.action
                    );
                }
            }
        }
    }

    #[test]
    fn resolve_prefers_mode_then_global() {
        assert_eq!(resolve(Mode::List, Key::ch('q')), Some(Action::Quit));
        assert_eq!(resolve(Mode::Form, Key::ch('q')), None);
        assert_eq!(resolve(Mode::Form, Key::ctrl('s')), Some(Action::Save));
        assert_eq!(resolve(Mode::Form, Key::ctrl('c')), Some(Action::Quit));
        assert_eq!(resolve(Mode::List, Key::ch('3')), Some(Action::GoTab(2)));
    }

    #[test]
    fn hints_come_from_the_registry() {
        let hints = hints(Mode::Form);
        assert!(hints.contains(&("Ctrl-S".into(), "保存")));
        assert!(hints.contains(&("Esc".into(), "取消")));
        assert!(hints.iter().any(|(k, _)| k == "F1"));
    }
}
