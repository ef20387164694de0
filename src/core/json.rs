//! One JSON shape per record: the serde structs that both `zhiban export --format json` and every
//! `--json` of the command line (`log list`, `visit list`, `event list`, `handover list`, `roster
//! show`) serialize, so a key means the same thing, in the same format, wherever it appears.
//!
//! # Decisions
//!
//! - **A record is written whole, with its parts** as arrays (`amendments`, `instructions`,
//!   `alert_timeline`; `representatives`; `reports`, `timeline`; `items`). A list prints the same
//!   object as the export; it does not have a shorter shape of its own.
//! - **`event list` adds what stands now** to the record ([`OpenEventJson`]): when the first phone
//!   and written reports went, the two countdowns at `now`, the escalation rung and what is still
//!   待核实. The export has none of these: it is a copy of the records, not a reading of the clock.
//! - **ID numbers are always masked** (`id_number_masked`, [`idcard::mask`]), the visitor's and
//!   every representative's. No shape has a field for a full number.
//! - **Times** are `YYYY-MM-DD HH:MM:SS`, as stored, everywhere; a missing time is `null`.
//!   Casualties not yet known are `null`. Labels (类型, 分级, 状态 …) are the Chinese words the
//!   screens and the CSV use.
//! - The structs borrow from the record they describe: an export of a million entries makes one
//!   small object at a time and copies no text.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::handover::{Check, Handover};
use super::idcard;
use super::instruction::{ItemRef, PhoneNotice, Task, Via};
use super::log::Entry;
use super::report::ReportEvent;
use super::roster::{Calendar, Shift};
use super::urgent::{Event, TimelineLine};
use super::visit::Visit;

/// The one time format of every JSON output.
fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn opt_time(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(time)
}

/// A line of a timeline (an entry's alert, an event's): when, who, what.
#[derive(Debug, Serialize)]
pub struct TimelineJson<'a> {
    at: String,
    who: &'a str,
    text: &'a str,
}

impl<'a> TimelineJson<'a> {
    fn list(lines: &'a [TimelineLine]) -> Vec<Self> {
        lines
            .iter()
            .map(|l| Self {
                at: time(l.at),
                who: &l.who,
                text: &l.text,
            })
            .collect()
    }
}

/// A 值班记录 with its amendments, instructions and alert timeline.
#[derive(Debug, Serialize)]
pub struct EntryJson<'a> {
    id: i64,
    kind: &'static str,
    category: &'a str,
    occurred_at: String,
    unit: &'a str,
    person: &'a str,
    phone: &'a str,
    receiver: &'a str,
    content: &'a str,
    reported_elsewhere: &'a str,
    read_back: Option<bool>,
    forwarded_to: &'a str,
    forwarded_at: Option<String>,
    triage: &'static str,
    status: &'static str,
    proposal: &'a str,
    result: &'a str,
    handler: &'a str,
    closed_at: Option<String>,
    recorded_by: &'a str,
    recorded_at: String,
    /// 境外: always 请示.
    abroad: bool,
    amendments: Vec<AmendmentJson<'a>>,
    /// Each 请示 attempt.
    requests: Vec<RequestJson<'a>>,
    instructions: Vec<InstructionJson<'a>>,
    /// 交办 with their 反馈.
    tasks: Vec<TaskJson<'a>>,
    /// How it left the office's hands, each time it was closed.
    closings: Vec<ClosingJson<'a>>,
    alert_timeline: Vec<TimelineJson<'a>>,
}

#[derive(Debug, Serialize)]
struct RequestJson<'a> {
    leader: &'a str,
    via: &'static str,
    at: String,
    reached: bool,
    recorded_by: &'a str,
    recorded_at: String,
}

#[derive(Debug, Serialize)]
struct ClosingJson<'a> {
    kind: &'static str,
    detail: &'a str,
    recorded_by: &'a str,
    recorded_at: String,
}

/// A 交办 with its 反馈 (in an entry, and printed by `task list --json`).
#[derive(Debug, Serialize)]
pub struct TaskJson<'a> {
    id: i64,
    /// The record it belongs to: `entry` or `event` and its id.
    on: &'static str,
    on_id: i64,
    instruction_id: Option<i64>,
    assignee: &'a str,
    requirement: &'a str,
    due: String,
    /// Finished (a closing 反馈), and when.
    done_at: Option<String>,
    recorded_by: &'a str,
    recorded_at: String,
    feedback: Vec<FeedbackJson<'a>>,
}

#[derive(Debug, Serialize)]
struct FeedbackJson<'a> {
    text: &'a str,
    given_by: &'a str,
    at: String,
    closes: bool,
    recorded_by: &'a str,
    recorded_at: String,
}

impl<'a> From<&'a Task> for TaskJson<'a> {
    fn from(t: &'a Task) -> Self {
        let (on, on_id) = match t.item {
            ItemRef::Entry(id) => ("entry", id),
            ItemRef::Event(id) => ("event", id),
        };
        Self {
            id: t.id,
            on,
            on_id,
            instruction_id: t.instruction_id,
            assignee: &t.assignee,
            requirement: &t.requirement,
            due: time(t.due),
            done_at: opt_time(t.done_at()),
            recorded_by: &t.recorded_by,
            recorded_at: time(t.recorded_at),
            feedback: t
                .feedback
                .iter()
                .map(|f| FeedbackJson {
                    text: &f.text,
                    given_by: &f.given_by,
                    at: time(f.at),
                    closes: f.closes,
                    recorded_by: &f.recorded_by,
                    recorded_at: time(f.recorded_at),
                })
                .collect(),
        }
    }
}

/// A 电话通知 with each recipient and every call (`notice list --json`).
#[derive(Debug, Serialize)]
pub struct NoticeJson<'a> {
    id: i64,
    content: &'a str,
    meeting_at: Option<String>,
    place: &'a str,
    reply_needed: bool,
    done: bool,
    recorded_by: &'a str,
    recorded_at: String,
    recipients: Vec<RecipientJson<'a>>,
}

#[derive(Debug, Serialize)]
struct RecipientJson<'a> {
    name: &'a str,
    /// 待通知, 未接通 or 已通知.
    state: &'static str,
    calls: Vec<CallJson<'a>>,
}

#[derive(Debug, Serialize)]
struct CallJson<'a> {
    outcome: &'static str,
    taker: &'a str,
    read_back: bool,
    at: String,
    recorded_by: &'a str,
}

impl<'a> From<&'a PhoneNotice> for NoticeJson<'a> {
    fn from(n: &'a PhoneNotice) -> Self {
        Self {
            id: n.id,
            content: &n.content,
            meeting_at: opt_time(n.meeting_at),
            place: &n.place,
            reply_needed: n.reply_needed,
            done: n.is_done(),
            recorded_by: &n.recorded_by,
            recorded_at: time(n.recorded_at),
            recipients: n
                .recipients
                .iter()
                .map(|r| RecipientJson {
                    name: &r.name,
                    state: if r.is_done() {
                        "已通知"
                    } else if r.calls.is_empty() {
                        "待通知"
                    } else {
                        "未接通"
                    },
                    calls: r
                        .calls
                        .iter()
                        .map(|c| CallJson {
                            outcome: c.outcome.label(),
                            taker: &c.taker,
                            read_back: c.read_back,
                            at: time(c.at),
                            recorded_by: &c.recorded_by,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct AmendmentJson<'a> {
    field: &'static str,
    old_value: &'a str,
    new_value: &'a str,
    reason: &'a str,
    amended_by: &'a str,
    amended_at: String,
}

#[derive(Debug, Serialize)]
struct InstructionJson<'a> {
    /// `null` for an instruction recorded before 0021.
    id: Option<i64>,
    /// 电话, 当面, 书面, 短信; `null` before 0021.
    via: Option<&'static str>,
    leader: &'a str,
    text: &'a str,
    given_at: String,
    recorded_by: &'a str,
    recorded_at: String,
}

impl<'a> From<&'a Entry> for EntryJson<'a> {
    fn from(e: &'a Entry) -> Self {
        let f = &e.fields;
        Self {
            id: e.id,
            kind: f.kind.label(),
            category: &f.category,
            occurred_at: time(f.occurred_at),
            unit: &f.unit,
            person: &f.person,
            phone: &f.phone,
            receiver: &f.receiver,
            content: &f.content,
            reported_elsewhere: &f.reported_elsewhere,
            read_back: f.read_back,
            forwarded_to: &f.forwarded_to,
            forwarded_at: opt_time(f.forwarded_at),
            triage: f.triage.label(),
            status: f.status.label(),
            proposal: &f.proposal,
            result: &f.result,
            handler: &f.handler,
            closed_at: opt_time(f.closed_at),
            recorded_by: &f.recorded_by,
            recorded_at: time(f.recorded_at),
            amendments: e
                .amendments
                .iter()
                .map(|a| AmendmentJson {
                    field: a.field.column(),
                    old_value: &a.old_value,
                    new_value: &a.new_value,
                    reason: &a.reason,
                    amended_by: &a.amended_by,
                    amended_at: time(a.amended_at),
                })
                .collect(),
            instructions: e
                .instructions
                .iter()
                .map(|i| InstructionJson {
                    id: i.id,
                    via: i.via.map(Via::label),
                    leader: &i.leader,
                    text: &i.text,
                    given_at: time(i.given_at),
                    recorded_by: &i.recorded_by,
                    recorded_at: time(i.recorded_at),
                })
                .collect(),
            abroad: f.abroad,
            requests: e
                .requests
                .iter()
                .map(|r| RequestJson {
                    leader: &r.leader,
                    via: r.via.label(),
                    at: time(r.at),
                    reached: r.reached,
                    recorded_by: &r.recorded_by,
                    recorded_at: time(r.recorded_at),
                })
                .collect(),
            tasks: e.tasks.iter().map(TaskJson::from).collect(),
            closings: e
                .closings
                .iter()
                .map(|c| ClosingJson {
                    kind: c.closing.label(),
                    detail: c.closing.detail(),
                    recorded_by: &c.recorded_by,
                    recorded_at: time(c.recorded_at),
                })
                .collect(),
            alert_timeline: TimelineJson::list(&e.alert),
        }
    }
}

/// A visit with its representatives; every ID number masked.
#[derive(Debug, Serialize)]
pub struct VisitJson<'a> {
    id: i64,
    name: &'a str,
    gender: &'static str,
    id_type: &'static str,
    id_number_masked: String,
    employer: &'a str,
    phone: &'a str,
    people: u32,
    companions: &'a str,
    purpose: &'a str,
    host: &'a str,
    plate: &'a str,
    belongings: &'a str,
    handling: &'a str,
    entered_at: String,
    checked_out_at: Option<String>,
    checked_out_by: Option<&'a str>,
    registered_by: &'a str,
    registered_at: String,
    petition: bool,
    petition_address: Option<&'a str>,
    petition_matter: Option<&'a str>,
    collective: bool,
    repeat_of: Option<i64>,
    representatives: Vec<RepresentativeJson<'a>>,
}

#[derive(Debug, Serialize)]
struct RepresentativeJson<'a> {
    name: &'a str,
    id_number_masked: String,
    phone: &'a str,
    is_liaison: bool,
}

impl<'a> From<&'a Visit> for VisitJson<'a> {
    fn from(v: &'a Visit) -> Self {
        let f = &v.fields;
        Self {
            id: v.id,
            name: &f.name,
            gender: f.gender.label(),
            id_type: f.id_type.label(),
            id_number_masked: idcard::mask(&f.id_number),
            employer: &f.employer,
            phone: &f.phone,
            people: f.people_count,
            companions: &f.companions,
            purpose: &f.purpose,
            host: &f.host,
            plate: &f.plate,
            belongings: &f.belongings,
            handling: &f.handling,
            entered_at: time(f.entered_at),
            checked_out_at: opt_time(v.checked_out_at),
            checked_out_by: v.checked_out_by.as_deref(),
            registered_by: &f.registered_by,
            registered_at: time(f.registered_at),
            petition: f.petition.is_some(),
            petition_address: f.petition.as_ref().map(|p| p.address.as_str()),
            petition_matter: f.petition.as_ref().map(|p| p.matter.as_str()),
            collective: f.is_collective(),
            repeat_of: v.repeat_of,
            representatives: f
                .representatives
                .iter()
                .map(|r| RepresentativeJson {
                    name: &r.name,
                    id_number_masked: idcard::mask(&r.id_number),
                    phone: &r.phone,
                    is_liaison: r.is_liaison,
                })
                .collect(),
        }
    }
}

/// An urgent event with its reports and timeline.
#[derive(Debug, Serialize)]
pub struct EventJson<'a> {
    id: i64,
    category: &'a str,
    level: &'static str,
    state: &'static str,
    occurred_at: String,
    received_at: String,
    place: &'a str,
    source: &'a str,
    summary: &'a str,
    deaths: Option<u32>,
    missing: Option<u32>,
    injured: Option<u32>,
    measures: &'a str,
    trend: &'a str,
    requests: &'a str,
    contact: &'a str,
    log_entry_id: Option<i64>,
    /// One reporting clock per recipient, as in force now.
    clocks: Vec<ClockJson<'a>>,
    created_by: &'a str,
    created_at: String,
    reports: Vec<ReportJson<'a>>,
    /// Every amendment of the facts above, oldest first (the first record is in the old values).
    fact_changes: Vec<FactChangeJson<'a>>,
    timeline: Vec<TimelineJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ClockJson<'a> {
    recipient: &'a str,
    phone_minutes: u32,
    written_minutes: Option<u32>,
    clock_from: &'static str,
    source: &'a str,
    phone_due_at: String,
    phone_reported_at: Option<String>,
    written_due_at: Option<String>,
    written_reported_at: Option<String>,
    /// When this setting was made and why (建立, 追加, 改为重大).
    set_at: String,
    why: &'a str,
}

#[derive(Debug, Serialize)]
struct FactChangeJson<'a> {
    field: &'static str,
    old: &'a str,
    new: &'a str,
    reason: &'a str,
    by: &'a str,
    at: String,
}

#[derive(Debug, Serialize)]
struct ReportJson<'a> {
    kind: &'a str,
    channel: &'static str,
    recipient: &'a str,
    sent_at: String,
    signed_by: &'a str,
    content: &'a str,
    recorded_by: &'a str,
    recorded_at: String,
}

impl<'a> From<&'a ReportEvent> for EventJson<'a> {
    fn from(re: &'a ReportEvent) -> Self {
        let e = &re.event;
        let r = &e.record;
        // The facts as known now.
        let f = &e.facts;
        Self {
            id: e.id,
            category: &r.category,
            level: f.level.label(),
            state: e.escalation.state.label(),
            occurred_at: time(f.occurred_at),
            received_at: time(r.received_at),
            place: &f.place,
            source: &r.source,
            summary: &r.summary,
            deaths: f.deaths,
            missing: f.missing,
            injured: f.injured,
            measures: &f.measures,
            trend: &f.trend,
            requests: &r.requests,
            contact: &f.contact,
            log_entry_id: r.log_entry_id,
            clocks: e
                .clocks
                .iter()
                .map(|c| ClockJson {
                    recipient: &c.setting.recipient,
                    phone_minutes: c.setting.phone_minutes,
                    written_minutes: c.setting.written_minutes,
                    clock_from: c.setting.clock.label(),
                    source: &c.setting.source,
                    phone_due_at: time(c.setting.phone_due),
                    phone_reported_at: opt_time(c.phone_sent),
                    written_due_at: opt_time(c.setting.written_due),
                    written_reported_at: opt_time(c.written_sent),
                    set_at: time(c.setting.set_at),
                    why: &c.setting.why,
                })
                .collect(),
            fact_changes: e
                .changes
                .iter()
                .map(|c| FactChangeJson {
                    field: c.field.label(),
                    old: &c.old,
                    new: &c.new,
                    reason: &c.reason,
                    by: &c.by,
                    at: time(c.at),
                })
                .collect(),
            created_by: &r.created_by,
            created_at: time(r.created_at),
            reports: re
                .reports
                .iter()
                .map(|p| ReportJson {
                    kind: &p.kind,
                    channel: p.channel.label(),
                    recipient: &p.recipient,
                    sent_at: time(p.sent_at),
                    signed_by: &p.signed_by,
                    content: &p.content,
                    recorded_by: &p.recorded_by,
                    recorded_at: time(p.recorded_at),
                })
                .collect(),
            timeline: TimelineJson::list(&re.timeline),
        }
    }
}

/// An event not yet over as `event list` shows it: the whole record, then what stands at `now`.
#[derive(Debug, Serialize)]
pub struct OpenEventJson<'a> {
    #[serde(flatten)]
    record: EventJson<'a>,
    /// Each recipient's clocks at `now`: "上级总值班室 电话 剩 12:40，书面 剩 42:40".
    clocks_now: Vec<String>,
    /// The most pressing running deadline, as the banner says it.
    pressing: String,
    /// The rung of the escalation ladder reached (0: the first).
    escalation_level: usize,
    /// The facts still 待核实 (事发地点, 伤亡 …).
    unverified: Vec<String>,
}

impl<'a> OpenEventJson<'a> {
    #[must_use]
    pub fn new(re: &'a ReportEvent, now: NaiveDateTime) -> Self {
        let e: &Event = &re.event;
        Self {
            record: EventJson::from(re),
            clocks_now: e.clocks.iter().map(|c| c.describe(now)).collect(),
            pressing: e.pressing(now),
            escalation_level: e.escalation.rung,
            unverified: e.facts.unverified(),
        }
    }
}

/// A signed handover with its items.
#[derive(Debug, Serialize)]
pub struct HandoverJson<'a> {
    id: i64,
    outgoing: &'a str,
    incoming: &'a str,
    shift_start: String,
    built_at: String,
    signed_at: String,
    summary: &'a str,
    handed_items: &'a str,
    records: &'a str,
    items: Vec<HandoverItemJson<'a>>,
}

#[derive(Debug, Serialize)]
struct HandoverItemJson<'a> {
    seq: usize,
    kind: &'static str,
    ref_id: i64,
    title: &'a str,
    detail: &'a str,
    must_carry: bool,
    first_handed: Option<i64>,
    check_state: &'static str,
    question: &'a str,
}

/// A handover item's check as a label and the question asked, if any.
#[must_use]
pub fn check_state(c: &Check) -> (&'static str, &str) {
    match c {
        Check::Question(q) => ("有疑问", q.as_str()),
        Check::Confirmed => ("已确认", ""),
        Check::Pending => ("待确认", ""),
    }
}

impl<'a> From<&'a Handover> for HandoverJson<'a> {
    fn from(h: &'a Handover) -> Self {
        let d = &h.draft;
        Self {
            id: h.id,
            outgoing: &d.outgoing,
            incoming: &d.incoming,
            shift_start: time(d.shift_start),
            built_at: time(d.built_at),
            signed_at: time(h.signed_at),
            summary: &d.summary,
            handed_items: &d.handed_items,
            records: &d.records,
            items: d
                .items
                .iter()
                .enumerate()
                .map(|(seq, i)| {
                    let (check_state, question) = check_state(&i.check);
                    HandoverItemJson {
                        seq,
                        kind: i.kind.label(),
                        ref_id: i.ref_id,
                        title: &i.title,
                        detail: &i.detail,
                        must_carry: i.must_carry,
                        first_handed: i.first_handed,
                        check_state,
                        question,
                    }
                })
                .collect(),
        }
    }
}

/// A shift of the roster as `roster show` prints it, with the swaps applied to it.
#[derive(Debug, Serialize)]
pub struct ShiftJson<'a> {
    start: String,
    end: String,
    day_kind: &'static str,
    leader: &'a str,
    primary: &'a str,
    deputy: &'a str,
    staff: &'a [String],
    source: &'static str,
    swaps: Vec<SwapJson<'a>>,
}

#[derive(Debug, Serialize)]
struct SwapJson<'a> {
    post: &'static str,
    from: &'a str,
    to: &'a str,
    reason: &'a str,
    approved_by: &'a str,
}

impl<'a> ShiftJson<'a> {
    /// `calendar` tells a working day from a rest day.
    #[must_use]
    pub fn new(s: &'a Shift, calendar: &Calendar) -> Self {
        Self {
            start: time(s.start),
            end: time(s.end),
            day_kind: calendar.day_kind(s.start.date()).label(),
            leader: &s.leader,
            primary: &s.primary,
            deputy: &s.deputy,
            staff: &s.staff,
            source: s.source.label(),
            swaps: s
                .swaps
                .iter()
                .map(|w| SwapJson {
                    post: w.post.label(),
                    from: &w.from,
                    to: &w.to,
                    reason: &w.reason,
                    approved_by: &w.approved_by,
                })
                .collect(),
        }
    }
}

/// A 收文 (document, fax or telegram) with its forwards and their 签收 (`doc list --json`, `doc
/// add --json`). A secret item's `number`, `title` and `note` are empty: they were never recorded.
#[derive(Debug, Serialize)]
pub struct DocumentJson<'a> {
    id: i64,
    year: i32,
    serial: i64,
    /// 2026年第12号.
    serial_label: String,
    kind: &'static str,
    secrecy: &'static str,
    number: &'a str,
    title: &'a str,
    from: &'a str,
    urgency: &'static str,
    copies: u32,
    pages: Option<u32>,
    received_at: String,
    note: &'a str,
    clerk: &'a str,
    clerk_told_at: Option<String>,
    recorded_by: &'a str,
    recorded_at: String,
    forwards: Vec<ForwardJson<'a>>,
}

/// A 转交 and its 签收 (`null` while not signed for).
#[derive(Debug, Serialize)]
struct ForwardJson<'a> {
    id: i64,
    to: &'a str,
    purpose: &'a str,
    forwarded_at: String,
    signed_by: Option<&'a str>,
    signed_at: Option<String>,
}

impl<'a> From<&'a super::document::Document> for DocumentJson<'a> {
    fn from(d: &'a super::document::Document) -> Self {
        Self {
            id: d.id,
            year: d.year,
            serial: d.serial,
            serial_label: d.serial_label(),
            kind: d.kind.label(),
            secrecy: d.secrecy.label(),
            number: &d.number,
            title: &d.title,
            from: &d.from,
            urgency: d.urgency.label(),
            copies: d.copies,
            pages: d.pages,
            received_at: time(d.received_at),
            note: &d.note,
            clerk: &d.clerk,
            clerk_told_at: opt_time(d.clerk_told_at),
            recorded_by: &d.recorded_by,
            recorded_at: time(d.recorded_at),
            forwards: d
                .forwards
                .iter()
                .map(|f| ForwardJson {
                    id: f.id,
                    to: &f.to_whom,
                    purpose: &f.purpose,
                    forwarded_at: time(f.forwarded_at),
                    signed_by: f.signature.as_ref().map(|s| s.signed_by.as_str()),
                    signed_at: f.signature.as_ref().map(|s| time(s.signed_at)),
                })
                .collect(),
        }
    }
}

/// A contact of the 通讯录 (`contacts list --json`). The 宅电 is always masked
/// (`home_phone_masked`, [`super::directory::mask_phone`]): no shape has a field for it whole.
#[derive(Debug, Serialize)]
pub struct ContactJson<'a> {
    id: i64,
    name: &'a str,
    unit: &'a str,
    post: &'a str,
    office_phone: &'a str,
    mobile: &'a str,
    home_phone_masked: String,
    groups: &'a [String],
    note: &'a str,
}

impl<'a> From<&'a super::directory::Contact> for ContactJson<'a> {
    fn from(c: &'a super::directory::Contact) -> Self {
        Self {
            id: c.id,
            name: &c.name,
            unit: &c.unit,
            post: &c.post,
            office_phone: &c.office_phone,
            mobile: &c.mobile,
            home_phone_masked: super::directory::mask_phone(&c.home_phone),
            groups: &c.groups,
            note: &c.note,
        }
    }
}

/// A 查岗 round with each duty room, its calls and the round's summary (`spotcheck list --json`).
#[derive(Debug, Serialize)]
pub struct SpotCheckJson<'a> {
    id: i64,
    group: &'a str,
    started_by: &'a str,
    started_at: String,
    finished: bool,
    summary: CheckSummaryJson,
    units: Vec<CheckedUnitJson<'a>>,
}

/// 应查, 查通, 未接 and 非值班人员接听 by name, 未查; `sentence` as the 值班日报 says it.
#[derive(Debug, Serialize)]
struct CheckSummaryJson {
    sentence: String,
    total: usize,
    on_duty: usize,
    no_answer: Vec<String>,
    not_on_duty: Vec<String>,
    not_called: usize,
}

#[derive(Debug, Serialize)]
struct CheckedUnitJson<'a> {
    id: i64,
    unit: &'a str,
    phone: &'a str,
    /// The last call's outcome; `null` while not called.
    outcome: Option<&'static str>,
    calls: Vec<CheckCallJson<'a>>,
}

#[derive(Debug, Serialize)]
struct CheckCallJson<'a> {
    outcome: &'static str,
    answerer: &'a str,
    at: String,
    note: &'a str,
    recorded_by: &'a str,
}

impl<'a> From<&'a super::spotcheck::SpotCheck> for SpotCheckJson<'a> {
    fn from(r: &'a super::spotcheck::SpotCheck) -> Self {
        let s = r.summary();
        Self {
            id: r.id,
            group: &r.group,
            started_by: &r.started_by,
            started_at: time(r.started_at),
            finished: r.finished(),
            summary: CheckSummaryJson {
                sentence: s.sentence(),
                total: s.total,
                on_duty: s.on_duty,
                no_answer: s.no_answer,
                not_on_duty: s.not_on_duty,
                not_called: s.not_called,
            },
            units: r
                .units
                .iter()
                .map(|u| CheckedUnitJson {
                    id: u.id,
                    unit: &u.unit,
                    phone: &u.phone,
                    outcome: u.outcome().map(super::spotcheck::CheckOutcome::label),
                    calls: u
                        .calls
                        .iter()
                        .map(|c| CheckCallJson {
                            outcome: c.outcome.label(),
                            answerer: &c.answerer,
                            at: time(c.at),
                            note: &c.note,
                            recorded_by: &c.recorded_by,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
