//! The screen contract: what every screen of the app implements, and the requests and replies
//! that pass between the core and the outside world.
//!
//! - A screen turns key actions, typed characters and pastes into its own state changes and into
//!   [`Request`]s, made through [`Cx::request`], which returns the request's [`OpId`].
//! - Every request goes out as [`Effect::Request`] with its id; the runtime executes it and
//!   answers with [`Reply`] under the same id. The app sends each reply back to exactly the
//!   screen (or app job) that asked, so a failure is always reported as what failed.
//! - What a screen cannot do itself (ask yes or no, show a record on another screen, act on the
//!   shared alerts, hand the keyboard to another officer) it asks of the app as a [`Command`].
//!
//! The runtime only executes and reports facts (a PIN matched or not, what is open now); every
//! decision and every sentence the officer reads is made here, in the core.

use chrono::{NaiveDate, NaiveDateTime};

use super::alerts::Notice;
use super::directory::Directory;
use super::document::{Document, Forwarded, NewDocument, Signature};
use super::escalation::{Escalation, Input};
use super::form::{FieldId, Form, FormEvent};
use super::handover::{Draft, Handover, HandoverId, HandoverSummary, OpenState};
use super::instruction::{
    Closing, Feedback, FollowUps, ItemRef, LeaderRequest, NewPhoneNotice, NewTask, NoticeCall, PhoneNotice,
};
use super::keymap::{Action, Mode};
use super::log::{
    AmendRequest, Entry, EntryId, EntryKey, EntrySummary, Instruction, InstructionRequest, NewEntry, PageRequest,
};
use super::redaction::{RedactRequest, RedactSubject, Redacted};
use super::report::{DailyReport, Window};
use super::report_sent::ReportSending;
use super::roster::{Shift, Swap};
use super::search::{SearchCursor, SearchPage};
use super::settings::Settings;
use super::shared::Shared;
use super::spotcheck::{CheckCall, NewSpotCheck, SpotCheck};
use super::urgent::{
    AddedRecipient, AlertTarget, DeadlineRule, EntryAlert, Event, EventId, FactChange, Level, NewEvent, Report,
    ReportType, TimelineLine,
};
use super::visit::{
    AlertEntry, LookupAnswer, NewVisit, NewWatchEntry, Reveal, Visit, VisitId, VisitPageRequest, WatchEntry,
};

/// Identifies one request and its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(pub u64);

/// What the core asks the outside world (the store, the machine) to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    LoadPage(PageRequest),
    LoadEntry(EntryId),
    /// Save a new entry; with timeline lines, it also raises an urgent alert.
    SaveEntry(Box<NewEntry>, Option<Vec<TimelineLine>>),
    Amend(AmendRequest),
    Instruct(Box<InstructionRequest>),
    LoadEvents,
    /// An event read whole: its facts and clocks, every report, the timeline.
    LoadEventDetail(EventId),
    /// Ended events received in `[since, until)`, newest first.
    LoadEventHistory {
        since: NaiveDateTime,
        until: NaiveDateTime,
        limit: usize,
    },
    /// Whether another terminal or a script wrote since the last look.
    CheckForeignWrites,
    CreateEvent(Box<NewEvent>, Vec<TimelineLine>),
    AddReport {
        event_id: EventId,
        kind: ReportType,
        report: Box<Report>,
        /// The facts the report updates.
        changes: Vec<FactChange>,
    },
    UpdateFacts(EventId, Vec<FactChange>),
    /// 升级/降级 with the new level's rules (one per recipient).
    Regrade {
        event_id: EventId,
        level: Level,
        rules: Vec<DeadlineRule>,
        reason: String,
        by: String,
        at: NaiveDateTime,
    },
    AddRecipient {
        event_id: EventId,
        added: AddedRecipient,
        by: String,
        at: NaiveDateTime,
    },
    AppendTimeline(EventId, TimelineLine),
    /// Save an escalation step, only if the stored state is still `before` (another terminal may
    /// have taken the same step).
    SaveEscalation {
        target: AlertTarget,
        before: Escalation,
        after: Escalation,
        lines: Vec<TimelineLine>,
    },
    /// The quick integrity check of the audit chain and the newest records.
    QuickVerify,
    /// Search what was typed; `before` asks for the page after a cursor.
    Search {
        input: String,
        before: Option<SearchCursor>,
    },
    /// The 值班日报 for this period (the one in progress made as of now), and the records of it
    /// being sent.
    DailyReport(Window),
    /// Record that a period's report was sent (已报送), with its text as sent.
    MarkReportSent(Box<ReportSending>),
    /// The records of this period's report being sent (the daily reminder).
    ReportSendings(Window),
    /// Does this PIN match the person's stored hash (or have they none)? Recorded, and refused
    /// unchecked while too many wrong PINs in a row make the person wait.
    CheckPin {
        name: String,
        pin: String,
        place: PinPlace,
    },
    /// Replace a person's PIN (they just proved the old one).
    ReplacePin {
        name: String,
        pin: String,
    },
    /// Of these (name, approver role in the config), who is a confirmed approver with a PIN
    /// (enrolment is open while nobody is).
    Approvers(Vec<(String, String)>),
    /// Enrol `name` with `pin`, by an approver (or [`super::sign_in::OPEN_ENROLMENT`]); with
    /// `approver_role`, the enrolment confirms that role for them.
    /// `urgent`: an urgent enrolment by the outgoing officer (紧急登记), flagged until an approver
    /// confirms it; it confirms no role.
    EnrolPin {
        name: String,
        pin: String,
        by: String,
        approver_role: Option<String>,
        urgent: bool,
    },
    /// The PIN facts of these people (name, the approver role the config gives them if any).
    PinStatuses(Vec<(String, Option<String>)>),
    /// An approver (`by` in `by_role`, whose PIN was just checked) confirms `person`'s urgent
    /// enrolment.
    ConfirmEnrolment {
        person: String,
        by: String,
        by_role: String,
    },
    /// An approver confirms the approver `role` the config gives `person`.
    ConfirmApprover {
        person: String,
        role: String,
        by: String,
        by_role: String,
    },
    LoadOpenState,
    /// A page of signed handovers, newest first, older than `before` when given.
    LoadHandovers {
        before: Option<HandoverId>,
        limit: usize,
    },
    LoadHandover(HandoverId),
    /// Check both PINs of a handover (typed at the signing): one [`PinCheck`] per name, in order.
    CheckPins(Vec<(String, String)>),
    /// Sign in one transaction (both PINs were checked; signing never sets one).
    SignHandover(Box<Draft>),
    /// Write a signed handover as a Markdown file next to the database.
    ExportHandover {
        id: HandoverId,
        office: String,
    },
    /// The stored shifts, swaps and the running roster for a window, with the month shown.
    LoadRoster(NaiveDateTime, NaiveDateTime, Option<NaiveDate>),
    AddSwap(Box<Swap>),
    /// A new version of a month's roster (answered `Confirmed`).
    AddRosterVersion {
        month: NaiveDate,
        shifts: Vec<Shift>,
        source: String,
        by: String,
    },
    /// 批准: the approver's PIN already matched (answered `Confirmed`).
    ApproveRoster {
        plan_id: i64,
        approved_by: String,
        approver_role: String,
        by: String,
    },
    /// 发布 (answered `Confirmed`).
    PublishRoster {
        plan_id: i64,
        by: String,
    },
    /// 到岗: the person's PIN already matched (answered `Confirmed`).
    SignOn {
        shift_start: NaiveDateTime,
        person: String,
    },
    /// Who is inside, and the watch list.
    LoadVisits,
    LoadVisitPage(VisitPageRequest),
    /// A visitor lookup within its time budget ([`Reply::Lookup`] says whether it was cut).
    LookupVisitors(String),
    /// The same through every visit, however long it takes (F5 after a cut lookup).
    LookupAllVisitors(String),
    /// Save a visit, then raise each alert (as an urgent log entry).
    SaveVisit(Box<NewVisit>, Vec<AlertEntry>),
    Checkout {
        id: VisitId,
        by: String,
    },
    LoadVisit(VisitId),
    /// Show one full ID number, logging who looked and when.
    RevealId {
        id: VisitId,
        by: String,
    },
    AddWatch(Box<NewWatchEntry>),
    /// Keep `person`'s unsaved forms as drafts: (screen, body) — the set replaces what was kept
    /// (an empty set removes every draft of theirs).
    SaveDrafts {
        person: String,
        drafts: Vec<(String, String)>,
        /// Text was dropped from a form (a secret item's, a withheld content): take every older
        /// copy out of the write-ahead log now, even if drafts remain.
        scrub: bool,
    },
    /// The drafts kept for `person`.
    LoadDrafts(String),
    /// Every recorded integrity finding, newest first.
    LoadFindings,
    /// An approver (`by` in `by_role`, whose PIN was checked) acknowledges finding `id`.
    AckFinding {
        id: i64,
        by: String,
        by_role: String,
    },
    /// Claim the SMS hook's run for an alert reaching a rung; answered [`Reply::Claimed`].
    ClaimNotify {
        target: super::urgent::AlertTarget,
        rung: usize,
        by: String,
        at: NaiveDateTime,
    },
    /// A line for an alert's timeline (what the SMS or voice hook did).
    AppendAlertLine(super::urgent::AlertTarget, TimelineLine),
    /// Claim the SMS hook's send for an overdue 交办 or a notice recipient not reached;
    /// answered [`Reply::Claimed`].
    ClaimSend {
        key: super::hook::SendKey,
        by: String,
        at: NaiveDateTime,
    },
    /// What such a send's run did (answered `Confirmed`).
    RecordSend {
        key: super::hook::SendKey,
        line: String,
        at: NaiveDateTime,
    },
    /// Redact a field typed by mistake (the approver's PIN checked); the backups taken before
    /// are listed from this directory setting.
    Redact(Box<RedactRequest>, super::settings::BackupSettings),
    /// Record a 批示 on an item (an urgent event's: answered [`Reply::CycleSaved`]).
    AddInstruction(ItemRef, Box<Instruction>),
    /// Record one attempt to put an entry to a leader (请示); answered [`Reply::EntrySaved`].
    AddLeaderRequest(EntryId, Box<LeaderRequest>),
    /// Hand the work out (交办); on an entry answered [`Reply::EntrySaved`].
    AddTasks(Box<NewTask>),
    /// Record a 反馈 on a task.
    AddFeedback(i64, Box<Feedback>),
    /// Close an entry: its progress amendments and how it left the office's hands.
    CloseEntry(Box<AmendRequest>, Closing),
    /// What the cycle leaves open (交办, notices, 请示 not made), as the reminders need it.
    LoadFollowUps,
    /// Every open 交办 whole (督办): what each is about, its 反馈.
    LoadOpenTasks,
    /// Notices not finished, and the newest finished ones.
    LoadNotices,
    AddNotice(Box<NewPhoneNotice>),
    /// One call to a recipient of a notice.
    AddNoticeCall {
        notice_id: i64,
        recipient_id: i64,
        call: Box<NoticeCall>,
    },
    /// Documents with a forward not signed for, and the newest others.
    LoadDocuments,
    /// One document (a search hit older than the list).
    LoadDocument(i64),
    /// Register a document (answered [`Reply::DocumentSaved`]).
    AddDocument(Box<NewDocument>),
    /// Forward a document or an entry to each name (answered [`Reply::CycleSaved`] with the
    /// document's id, or for an entry [`Reply::EntrySaved`]).
    AddForwards {
        of: Forwarded,
        to: Vec<String>,
        purpose: String,
        at: NaiveDateTime,
        by: String,
    },
    /// The 签收 of one forward: answered [`Reply::CycleSaved`] with the forward's id, or for a
    /// forward of an entry [`Reply::EntrySaved`].
    SignForward {
        forward: i64,
        entry: Option<EntryId>,
        signature: Box<Signature>,
    },
    /// The directory in force.
    LoadDirectory,
    /// Add a contact by hand, correct one (a new row replacing it), or take one out (answered
    /// [`Reply::CycleSaved`] with the row's id).
    AddContact {
        contact: Box<super::directory::NewContact>,
        by: String,
    },
    ReplaceContact {
        id: i64,
        contact: Box<super::directory::NewContact>,
        by: String,
    },
    RemoveContact {
        id: i64,
        by: String,
    },
    /// Show one contact's 宅电, logging who looked and when (answered [`Reply::ContactRevealed`]).
    RevealContact {
        id: i64,
        by: String,
    },
    /// The newest 查岗 rounds.
    LoadSpotChecks,
    /// The 月度统计 of a month or a year, as of now (answered by the reader).
    Stats(super::stats::Period),
    /// Start a round (answered [`Reply::CycleSaved`] with its id).
    AddSpotCheck(Box<NewSpotCheck>),
    /// Holiday rounds of the last weeks (节日值班表).
    LoadHolidayRounds,
    /// Start a holiday round (answered [`Reply::CycleSaved`] with its id).
    AddHolidayRound(Box<super::holiday::NewHolidayRound>),
    /// A unit's holiday roster received.
    MarkHolidayReceived {
        unit: i64,
        at: NaiveDateTime,
        by: String,
    },
    /// The office's own holiday roster reported upward.
    AddHolidayReport {
        round: i64,
        report: Box<super::holiday::UpwardReport>,
    },
    /// One call of a round (answered [`Reply::CycleSaved`] with the round's id; `done`: every
    /// room now called).
    AddSpotCheckCall {
        round: i64,
        unit: i64,
        call: Box<CheckCall>,
    },
}

pub use super::pin_policy::{PinCheck, PinPlace, PinStatus};

/// What the outside world answers: facts, never sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A query the officer had already replaced was dropped or stopped before its answer (the
    /// newer one answers): nobody waits for it, nothing is said.
    Superseded,
    Page(PageRequest, Vec<EntrySummary>),
    Entry(Box<Entry>),
    /// A new entry, an amendment or an instruction committed; `key` is where the entry sits.
    EntrySaved {
        entry_id: EntryId,
        key: EntryKey,
    },
    Events(Vec<Event>, Vec<EntryAlert>),
    EventDetail(Box<super::report::ReportEvent>),
    EventHistory(Vec<Event>),
    /// Facts, a level or a recipient committed.
    EventUpdated,
    ForeignWrites(bool),
    EventCreated(EventId),
    /// A report committed under this name (初报, 续报一…).
    ReportSaved(String),
    TimelineAppended,
    /// The step was saved, or another terminal had already taken it.
    /// An escalation step: saved by this terminal (true), or another had taken it (false).
    EscalationSaved(bool),
    Integrity(Vec<String>),
    /// A page of results, perhaps cut by the search's time budget.
    SearchResults(SearchPage),
    DailyReport(Box<DailyReport>, Vec<ReportSending>),
    /// A sending of a report committed under this id.
    ReportMarked(i64),
    ReportSendings(Window, Vec<ReportSending>),
    Pin(PinCheck),
    Pins(Vec<PinCheck>),
    PinSet,
    Approvers(Vec<String>),
    PinStatuses(Vec<PinStatus>),
    /// A confirmation (of an urgent enrolment or an approver role) committed.
    Confirmed,
    /// A redaction committed: what it did.
    Redacted(Box<Redacted>),
    /// The SMS hook's run was claimed here (true) or by another terminal before (false).
    Claimed(bool),
    OpenState(Box<OpenState>),
    Handovers(Vec<HandoverSummary>),
    Handover(Box<Handover>),
    HandoverSigned(HandoverId),
    /// A file was written at this path.
    Exported(String),
    Roster {
        window: (NaiveDateTime, NaiveDateTime),
        imported: Vec<Shift>,
        swaps: Vec<Swap>,
        run: Box<super::roster_plan::RosterRun>,
    },
    SwapSaved,
    Visits {
        inside: Vec<Visit>,
        watch: Vec<WatchEntry>,
    },
    VisitPage(VisitPageRequest, Vec<Visit>),
    Lookup(LookupAnswer),
    /// A visit committed. `repeat` describes the previous visit when it is a repeat; each alert
    /// is its own record: how many were raised and why any failed.
    VisitSaved {
        id: VisitId,
        repeat: Option<String>,
        raised: usize,
        failed: Vec<String>,
    },
    CheckedOut {
        name: String,
    },
    Visit(Box<Visit>, Vec<Reveal>),
    Revealed {
        full: String,
        reveals: Vec<Reveal>,
    },
    WatchAdded(i64),
    /// Drafts kept for a person: (screen, body, when kept).
    Drafts(Vec<(String, String, NaiveDateTime)>),
    DraftsSaved,
    Findings(Vec<super::integrity::IntegrityFinding>),
    FollowUps(Box<FollowUps>),
    /// Every open 交办, by 时限.
    OpenTasks(Vec<super::instruction::Task>),
    /// Open notices (oldest first) and the newest finished ones.
    Notices(Vec<PhoneNotice>, Vec<PhoneNotice>),
    /// A notice, a call, tasks or a 反馈 committed; for a call, whether the notice is now done.
    CycleSaved {
        id: i64,
        done: bool,
    },
    /// Documents with a forward not signed for (oldest first), then the newest others.
    Documents(Vec<Document>, Vec<Document>),
    Document(Box<Document>),
    /// A document registered: its id, year and 收文编号.
    DocumentSaved {
        id: i64,
        year: i32,
        serial: i64,
    },
    Directory(Box<Directory>),
    /// The reveal was logged: the contact's full 宅电.
    ContactRevealed {
        id: i64,
        full: String,
    },
    /// The newest 查岗 rounds, newest first.
    SpotChecks(Vec<SpotCheck>),
    /// Holiday rounds, newest due first.
    HolidayRounds(Vec<super::holiday::HolidayRound>),
    Stats(Box<super::stats::Stats>),
    /// The request failed; why, in the store's words.
    Failed(String),
    /// A write refused because a row it would change was changed outside the app (the store
    /// recorded the finding); the asker gets it as [`Reply::Failed`].
    Tampered(String),
}

/// Everything the app may ask the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Execute a request; answer with `Msg::Reply` under the same id.
    Request(OpId, Request),
    /// The terminal bell.
    Ring,
    Notify(Notice),
    /// Run the SMS or voice platform's command (`[notify]`), off the screen's thread.
    Hook(super::hook::HookCall),
    Quit,
}

/// Where the app should take the officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Entry(EntryId),
    Visit(VisitId),
    Event(EventId),
    /// Make an urgent event from this log entry.
    Promote(Box<Entry>),
    /// The roster month.
    Roster,
    /// The 值班日报.
    DailyReport,
    /// 督办: every open 交办 by deadline.
    Tasks,
    /// 电话通知.
    Notices,
    /// 收文登记.
    Documents,
    /// One document, opened on 收文登记 (from a search hit).
    Document(i64),
    /// 通讯录.
    Directory,
    /// 查岗.
    SpotChecks,
    /// 节日值班表.
    Holidays,
    /// 统计.
    Stats,
    /// 删除误录内容 of one record's field, from its detail.
    Redact(Box<RedactSubject>),
}

/// What a screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A yes/no question; a yes comes back to the asking screen as `on_confirmed(token)`.
    Ask { question: String, token: u64 },
    /// Show a record or screen (on whichever screen takes it).
    Open(Target),
    /// Back to the screen this one was opened from.
    Back,
    /// Apply an officer's input to an open event or entry alert.
    Escalate(AlertTarget, Input),
    /// Acknowledge: this event if it waits, else the most pressing one.
    Acknowledge(Option<EventId>),
    /// The incoming officer takes over the keyboard.
    HandOver { to: String },
    /// Read the open events again (a save may have raised an alert).
    ReloadEvents,
    /// Read what the instruction cycle leaves open again (a save may have added or closed some).
    ReloadFollowUps,
    /// Read the directory again (a contact was added, corrected or removed here).
    ReloadDirectory,
    /// Keep the drafts as the forms stand now, without waiting for the next interval (a form
    /// just dropped text that must not stay in a kept draft).
    KeepDraftsNow,
    /// This screen saved records other screens may show: they read again what they hold.
    RecordsChanged,
    /// Read the roster for this month as well as the days around now (`None`: only those).
    RosterMonth(Option<NaiveDate>),
    /// The roster changed (a swap was saved): read it again.
    RosterChanged,
    /// Read every person's PIN facts again (shown, or a PIN was enrolled or confirmed).
    ReloadPins,
    /// Run the integrity check again (a finding was acknowledged).
    RecheckIntegrity,
}

/// What a transition collects for the app: requests with their ids, commands, a status line.
#[derive(Debug, Default)]
pub struct Outbox {
    next_op: u64,
    pub commands: Vec<Command>,
    pub effects: Vec<Effect>,
    pub message: Option<String>,
}

impl Outbox {
    /// Allocates the next operation id.
    pub fn next_id(&mut self) -> OpId {
        self.next_op += 1;
        OpId(self.next_op)
    }
}

/// A screen's view of the app during one transition: what it may read, and where it puts what
/// it asks for.
pub struct Cx<'a> {
    pub settings: &'a Settings,
    /// Who is at the keyboard ("" before anyone is picked).
    pub operator: &'a str,
    pub now: NaiveDateTime,
    pub shared: &'a Shared,
    out: &'a mut Outbox,
}

impl<'a> Cx<'a> {
    pub fn new(
        settings: &'a Settings,
        operator: &'a str,
        now: NaiveDateTime,
        shared: &'a Shared,
        out: &'a mut Outbox,
    ) -> Self {
        Self {
            settings,
            operator,
            now,
            shared,
            out,
        }
    }

    /// Sends a request; its reply comes back to this screen's `on_reply` under the returned id.
    pub fn request(&mut self, request: Request) -> OpId {
        let id = self.out.next_id();
        self.out.effects.push(Effect::Request(id, request));
        id
    }

    pub fn command(&mut self, command: Command) {
        self.out.commands.push(command);
    }

    /// A line for the status bar.
    pub fn say(&mut self, message: impl Into<String>) {
        self.out.message = Some(message.into());
    }

    pub fn ring(&mut self, notice: Notice) {
        self.out.effects.extend([Effect::Ring, Effect::Notify(notice)]);
    }
}

/// A character typed into a form; a notice it gives (the field is full) goes on the form and
/// the status line.
pub fn type_into<K: FieldId>(form: &mut Form<K>, c: char, cx: &mut Cx<'_>) -> FormEvent<K> {
    noticed(form.type_char(c), form, cx)
}

/// A paste into a form; a notice it gives (the paste was cut) goes on the form and the status line.
pub fn paste_into<K: FieldId>(form: &mut Form<K>, text: &str, cx: &mut Cx<'_>) -> FormEvent<K> {
    noticed(form.paste(text), form, cx)
}

/// An editing key on a form; a notice it gives goes on the form and the status line. The event
/// is the owner's to react to (a choice changed).
pub fn apply_to<K: FieldId>(form: &mut Form<K>, action: Action, cx: &mut Cx<'_>) -> Option<FormEvent<K>> {
    form.apply(action).map(|event| noticed(event, form, cx))
}

fn noticed<K: FieldId>(event: FormEvent<K>, form: &mut Form<K>, cx: &mut Cx<'_>) -> FormEvent<K> {
    if let FormEvent::Notice(m) = &event {
        form.notice = Some(m.clone());
        cx.say(m.clone());
    }
    event
}

/// A form's save failed: the form is editable again with every field kept, and the reason is
/// on it and on the status line.
pub fn save_failed<K: FieldId>(form: Option<&mut Form<K>>, why: &str, cx: &mut Cx<'_>) {
    let text = format!("保存失败：{why}。已填写的内容都还在，处理后可再按 Ctrl-S 重试");
    if let Some(form) = form {
        form.saving = false;
        form.notice = Some(text.clone());
    }
    cx.say(text);
}

/// One screen of the app. The app routes to the shown screen; replies go to the screen that
/// asked, shown or not.
pub trait Screen {
    /// The keymap mode of what the screen shows now.
    fn mode(&self) -> Mode;

    /// A key's action (the app has taken the global ones: help, quit, tabs, lock, go-to).
    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>);

    /// A printable character typed in a mode that takes text.
    fn on_char(&mut self, _c: char, _cx: &mut Cx<'_>) {}

    /// A bracketed paste; screens without a form never run pasted text as keys.
    fn on_paste(&mut self, _text: &str, cx: &mut Cx<'_>) {
        cx.say("粘贴只能在填写表单时使用：先打开要填写的表单");
    }

    /// Typing that quitting would lose (the quit question says so).
    fn has_unsaved(&self) -> bool {
        false
    }

    /// The form being typed in has changes: Esc asks before discarding it.
    fn form_dirty(&self) -> bool {
        false
    }

    /// Close the form being typed in, dropping what was typed (the officer said yes).
    fn discard_form(&mut self) {}

    /// A save of this screen's form is out: it cannot be called back, so the form stays (and
    /// is neither saved again nor closed) until its reply comes, however many frames later.
    fn saving(&self) -> bool {
        false
    }

    /// The reply to a request this screen made.
    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>);

    /// The screen is about to be shown.
    fn on_show(&mut self, _cx: &mut Cx<'_>) {}

    /// The officer is signed in (or a new one took over): read what the screen needs.
    fn on_start(&mut self, _cx: &mut Cx<'_>) {}

    /// Another terminal or a script wrote: read again what is held. `shown`: on screen now.
    fn on_foreign_writes(&mut self, _shown: bool, _cx: &mut Cx<'_>) {}

    /// The number of list rows that fit changed (`cx.shared.viewport`).
    fn on_viewport_changed(&mut self, _cx: &mut Cx<'_>) {}

    /// The shared alerts were read again.
    fn on_alerts_changed(&mut self, _shown: bool, _cx: &mut Cx<'_>) {}

    /// The keyboard was still for as long as [`Screen::pause_wanted`] asked.
    fn on_pause(&mut self, _cx: &mut Cx<'_>) {}

    /// How long a pause in typing the screen waits for, if any.
    fn pause_wanted(&self) -> Option<std::time::Duration> {
        None
    }

    /// The officer said yes to the question asked with `token`.
    fn on_confirmed(&mut self, _token: u64, _cx: &mut Cx<'_>) {}

    /// The event selected on this screen, which F2 acknowledges first.
    fn selected_event(&self) -> Option<EventId> {
        None
    }

    /// The unsaved form (or handover draft) as a draft body, to keep if the terminal closes.
    fn draft(&self) -> Option<String> {
        None
    }

    /// Opens the form a draft body describes and fills it in (the officer said yes at sign-in).
    /// False: the body was not understood (nothing changed).
    fn restore_draft(&mut self, _body: &str, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// Show `target` if this screen owns it; otherwise give it back.
    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        Err(target)
    }
}
