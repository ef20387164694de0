//! The runtime: owns the terminal (raw mode, alternate screen, bracketed paste — restored on
//! exit and on panic), reads the clock, turns terminal events into messages, and executes the
//! core's effects against the store, feeding each result back as a message. In the full-screen
//! app ([`Live`]) the store is on its own thread ([`worker`]): this thread only draws, takes keys
//! and routes replies, and on the way out it finishes what the store thread was sent.

use std::io::{self, Stdout, Write};
use std::time::Duration;

use chrono::{Local, NaiveDateTime, Timelike};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, event::KeyCode as TermKey, execute};

pub mod background;
pub mod backup;
pub mod hook;
pub mod index;
pub mod notify;
pub mod signals;
mod visit;
pub mod worker;

use crate::core::app::{App, Effect, Msg, OpId, Reply, Request, StatusMessage};
use crate::core::keymap::{Key, KeyCode};
use crate::core::pin_policy::PinPlace;
use crate::store::Store;
use crate::ui;
use notify::{Alerter, TerminalAlerter};

/// The wall clock, to the second (stored times have no fractions).
#[must_use]
pub fn now() -> NaiveDateTime {
    let t = Local::now().naive_local();
    t.with_nanosecond(0).unwrap_or(t)
}

/// How many finished notices the 电话通知 screen lists under the open ones.
const NOTICES_SHOWN_DONE: usize = 30;

/// How many documents the 收文登记 screen lists besides those waiting for a 签收.
const DOCUMENTS_SHOWN: usize = 200;

/// Holiday rounds due this many days ago or later are listed and reminded.
const HOLIDAY_ROUNDS_DAYS: i64 = 60;

/// How many 查岗 rounds the screen lists.
const SPOTCHECKS_SHOWN: usize = 50;

/// A write on entry `entry_id` committed: where it sits in the list.
fn entry_saved(store: &Store, entry_id: i64) -> Reply {
    store.entry_key(entry_id).map_or_else(
        |e| Reply::Failed(e.to_string()),
        |key| Reply::EntrySaved { entry_id, key },
    )
}

/// Executes one request against the store; answers with what happened, as facts.
pub fn execute(store: &mut Store, request: Request, now: NaiveDateTime) -> Reply {
    let failed = |e: crate::store::StoreError| match e {
        e @ crate::store::StoreError::Tampered { .. } => Reply::Tampered(e.to_string()),
        e => Reply::Failed(e.to_string()),
    };
    match request {
        Request::LoadEvents => store
            .open_events()
            .and_then(|events| Ok(Reply::Events(events, store.open_entry_alerts()?)))
            .unwrap_or_else(failed),
        Request::LoadEventDetail(id) => store
            .report_event(id)
            .map_or_else(failed, |d| Reply::EventDetail(Box::new(d))),
        Request::LoadEventHistory { since, until, limit } => store
            .closed_events(since, until, limit)
            .map_or_else(failed, Reply::EventHistory),
        Request::CreateEvent(event, lines) => store
            .insert_event(&event, &lines)
            .map_or_else(failed, Reply::EventCreated),
        Request::AddReport {
            event_id,
            kind,
            report,
            changes,
        } => store
            .add_report(event_id, kind, &report, &changes)
            .map_or_else(failed, Reply::ReportSaved),
        Request::UpdateFacts(event_id, changes) => store
            .update_facts(event_id, &changes)
            .map_or_else(failed, |()| Reply::EventUpdated),
        Request::Regrade {
            event_id,
            level,
            rules,
            reason,
            by,
            at,
        } => store
            .regrade_event(event_id, level, &rules, &reason, &by, at)
            .map_or_else(failed, |()| Reply::EventUpdated),
        Request::AddRecipient {
            event_id,
            added,
            by,
            at,
        } => store
            .add_recipient(event_id, &added, &by, at)
            .map_or_else(failed, |()| Reply::EventUpdated),
        Request::AppendTimeline(event_id, line) => store
            .append_timeline(event_id, &line)
            .map_or_else(failed, |()| Reply::TimelineAppended),
        Request::SaveEscalation {
            target,
            before,
            after,
            lines,
        } => store
            .save_escalation(target, &before, &after, &lines)
            .map_or_else(failed, Reply::EscalationSaved),
        Request::CheckForeignWrites => store.changed_elsewhere().map_or_else(failed, Reply::ForeignWrites),
        Request::LoadPage(req) => store.page(&req).map_or_else(failed, |rows| Reply::Page(req, rows)),
        Request::LoadEntry(id) => store.entry(id).map_or_else(failed, |e| Reply::Entry(Box::new(e))),
        Request::SaveEntry(entry, alert) => store
            .insert_entry_raising(&entry, alert.as_deref())
            .map_or_else(failed, |(entry_id, key)| Reply::EntrySaved { entry_id, key }),
        Request::Amend(req) => store.amend(&req).map_or_else(failed, |key| Reply::EntrySaved {
            entry_id: req.entry_id,
            key,
        }),
        Request::Instruct(req) => store
            .add_instruction(&req)
            .map_or_else(failed, |key| Reply::EntrySaved {
                entry_id: req.entry_id,
                key,
            }),
        Request::CheckPin { name, pin, place } => {
            store.check_pin(&name, &pin, place, now).map_or_else(failed, Reply::Pin)
        }
        Request::ReplacePin { name, pin } => crate::pin::hash(&pin)
            .map_err(crate::store::StoreError::Refused)
            .and_then(|h| store.replace_pin(&name, &h, now))
            .map_or_else(failed, |()| Reply::PinSet),
        Request::Approvers(candidates) => store
            .confirmed_approvers(&candidates)
            .map_or_else(failed, Reply::Approvers),
        Request::EnrolPin {
            name,
            pin,
            by,
            approver_role,
            urgent,
        } => crate::pin::hash(&pin)
            .map_err(crate::store::StoreError::Refused)
            .and_then(|h| store.enrol_pin(&name, &h, &by, approver_role.as_deref(), urgent, now))
            .map_or_else(failed, |()| Reply::PinSet),
        Request::PinStatuses(people) => store.pin_statuses(&people).map_or_else(failed, Reply::PinStatuses),
        Request::ConfirmEnrolment { person, by, by_role } => store
            .confirm_enrolment(&person, &by, &by_role, now)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::ConfirmApprover {
            person,
            role,
            by,
            by_role,
        } => store
            .confirm_approver(&person, &role, &by, &by_role, now)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::CheckPins(pins) => pins
            .iter()
            .map(|(name, pin)| store.check_pin(name, pin, PinPlace::Signing, now))
            .collect::<Result<Vec<_>, _>>()
            .map_or_else(failed, Reply::Pins),
        Request::Search { input, before } => match crate::core::search::SearchQuery::parse(&input) {
            Err(why) => Reply::Failed(why),
            Ok(q) => store
                .search_within(
                    &q,
                    crate::core::search_screen::PAGE,
                    before,
                    &mut WallBudget::new(SEARCH_BUDGET),
                )
                .map_or_else(failed, Reply::SearchResults),
        },
        Request::DailyReport(window) => store
            .daily_report_for(window, now)
            .and_then(|r| Ok((r, store.report_sendings(window)?)))
            .map_or_else(failed, |(r, sent)| Reply::DailyReport(Box::new(r), sent)),
        Request::MarkReportSent(sending) => store
            .mark_report_sent(&sending)
            .map_or_else(failed, Reply::ReportMarked),
        Request::ReportSendings(window) => store
            .report_sendings(window)
            .map_or_else(failed, |sent| Reply::ReportSendings(window, sent)),
        Request::QuickVerify => quick_verify(store).map_or_else(failed, Reply::Integrity),
        Request::LoadOpenState => store
            .open_state(now)
            .map_or_else(failed, |state| Reply::OpenState(Box::new(state))),
        Request::LoadHandovers { before, limit } => store
            .handovers_before(before, limit)
            .map_or_else(failed, Reply::Handovers),
        Request::LoadHandover(id) => store.handover(id).map_or_else(failed, |h| Reply::Handover(Box::new(h))),
        Request::SignHandover(draft) => store
            .sign_handover(&draft, &[], now)
            .map_or_else(failed, Reply::HandoverSigned),
        Request::ExportHandover { id, office } => match export_handover(store, id, &office) {
            Ok(path) => Reply::Exported(path.display().to_string()),
            Err(e) => Reply::Failed(e),
        },
        Request::LoadRoster(from, to, month) => store
            .planned_shifts(from, to)
            .and_then(|imported| {
                Ok((
                    imported,
                    store.swaps(from, to)?,
                    store.roster_run(from, to, month, now)?,
                ))
            })
            .map_or_else(failed, |(imported, swaps, run)| Reply::Roster {
                window: (from, to),
                imported,
                swaps,
                run: Box::new(run),
            }),
        Request::AddSwap(swap) => store.add_swap(&swap).map_or_else(failed, |_| Reply::SwapSaved),
        Request::AddRosterVersion {
            month,
            shifts,
            source,
            by,
        } => store
            .add_roster_version(month, &shifts, &source, &by, now)
            .map_or_else(failed, |_| Reply::Confirmed),
        Request::ApproveRoster {
            plan_id,
            approved_by,
            approver_role,
            by,
        } => store
            .approve_roster(plan_id, &approved_by, &approver_role, &by, now)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::PublishRoster { plan_id, by } => store
            .publish_roster(plan_id, &by, now)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::SignOn { shift_start, person } => store
            .add_signon(shift_start, &person, &person, now)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::SaveDrafts { person, drafts, scrub } => store
            .save_drafts(&person, &drafts, scrub, now)
            .map_or_else(failed, |()| Reply::DraftsSaved),
        Request::LoadDrafts(person) => store.drafts(&person).map_or_else(failed, Reply::Drafts),
        Request::LoadFindings => store.findings().map_or_else(failed, Reply::Findings),
        Request::ClaimNotify { target, rung, by, at } => store
            .claim_notify(target, rung, &by, at)
            .map_or_else(failed, Reply::Claimed),
        Request::ClaimSend { key, by, at } => store.claim_send(key, &by, at).map_or_else(failed, Reply::Claimed),
        Request::RecordSend { key, line, at } => store
            .record_send(key, &line, crate::core::escalation::SYSTEM, at)
            .map_or_else(failed, |()| Reply::Confirmed),
        Request::AppendAlertLine(target, line) => store
            .append_alert_line(target, &line)
            .map_or_else(failed, |()| Reply::TimelineAppended),
        Request::Stats(period) => store
            .stats(period, now)
            .map_or_else(failed, |s| Reply::Stats(Box::new(s))),
        Request::Redact(req, backups) => match store.redact(&req) {
            Ok(mut done) => {
                // Backups taken before it still hold the text: listed so they can be handled.
                let dir = backups.dir_for(store.path());
                done.backups_before = crate::store::backup::list(&dir)
                    .into_iter()
                    .filter(|(taken, _)| *taken <= req.now)
                    .map(|(_, path)| path.display().to_string())
                    .collect();
                Reply::Redacted(Box::new(done))
            }
            Err(e) => failed(e),
        },
        Request::AckFinding { id, by, by_role } => store
            .acknowledge_finding(id, &by, &by_role, now)
            .map_or_else(failed, |_| Reply::Confirmed),
        Request::AddInstruction(item, i) => store
            .add_instruction_on(item, &i)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::AddLeaderRequest(entry_id, r) => store
            .add_leader_request(entry_id, &r)
            .and_then(|()| store.entry_key(entry_id))
            .map_or_else(failed, |key| Reply::EntrySaved { entry_id, key }),
        Request::AddTasks(t) => match t.item {
            crate::core::instruction::ItemRef::Entry(entry_id) => store
                .add_tasks(&t)
                .and_then(|_| store.entry_key(entry_id))
                .map_or_else(failed, |key| Reply::EntrySaved { entry_id, key }),
            crate::core::instruction::ItemRef::Event(_) => {
                store.add_tasks(&t).map_or_else(failed, |ids| Reply::CycleSaved {
                    id: ids.first().copied().unwrap_or_default(),
                    done: false,
                })
            }
        },
        Request::AddFeedback(task, f) => store
            .add_feedback(task, &f)
            .map_or_else(failed, |()| Reply::CycleSaved {
                id: task,
                done: f.closes,
            }),
        Request::CloseEntry(req, closing) => {
            store
                .close_entry(&req, &closing)
                .map_or_else(failed, |key| Reply::EntrySaved {
                    entry_id: req.entry_id,
                    key,
                })
        }
        Request::LoadOpenTasks => store.open_tasks().map_or_else(failed, Reply::OpenTasks),
        Request::LoadFollowUps => store
            .follow_ups_brief()
            .and_then(|mut f| {
                f.holidays = store.holiday_rounds_since(now.date() - chrono::Duration::days(HOLIDAY_ROUNDS_DAYS))?;
                Ok(f)
            })
            .map_or_else(failed, |f| Reply::FollowUps(Box::new(f))),
        Request::LoadNotices => store
            .notices(NOTICES_SHOWN_DONE)
            .map_or_else(failed, |(open, done)| Reply::Notices(open, done)),
        Request::AddNotice(n) => store
            .add_notice(&n)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::AddNoticeCall {
            notice_id,
            recipient_id,
            call,
        } => store
            .add_notice_call(notice_id, recipient_id, &call)
            .map_or_else(failed, |done| Reply::CycleSaved { id: notice_id, done }),
        Request::LoadDocuments => store
            .documents(DOCUMENTS_SHOWN)
            .map_or_else(failed, |(open, recent)| Reply::Documents(open, recent)),
        Request::LoadDocument(id) => store.document(id).map_or_else(failed, |d| Reply::Document(Box::new(d))),
        Request::AddDocument(d) => store
            .add_document(&d, now)
            .map_or_else(failed, |(id, year, serial)| Reply::DocumentSaved { id, year, serial }),
        Request::AddForwards {
            of,
            to,
            purpose,
            at,
            by,
        } => {
            let saved = store.add_forwards(of, &to, &purpose, at, &by, now);
            match (saved, of) {
                (Err(e), _) => failed(e),
                (Ok(_), crate::core::document::Forwarded::Entry(entry_id)) => entry_saved(store, entry_id),
                (Ok(_), crate::core::document::Forwarded::Document(id)) => Reply::CycleSaved { id, done: false },
            }
        }
        Request::SignForward {
            forward,
            entry,
            signature,
        } => match (store.sign_forward(forward, &signature, now), entry) {
            (Err(e), _) => failed(e),
            (Ok(()), Some(entry_id)) => entry_saved(store, entry_id),
            (Ok(()), None) => Reply::CycleSaved {
                id: forward,
                done: true,
            },
        },
        Request::LoadDirectory => store.directory().map_or_else(failed, |d| Reply::Directory(Box::new(d))),
        Request::AddContact { contact, by } => store
            .add_contact(&contact, &by, now)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::ReplaceContact { id, contact, by } => store
            .replace_contact(id, &contact, &by, now)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::RemoveContact { id, by } => store
            .remove_contact(id, &by, now)
            .map_or_else(failed, |()| Reply::CycleSaved { id, done: true }),
        Request::RevealContact { id, by } => store
            .log_contact_reveal(id, &by, now)
            .and_then(|()| store.directory())
            .map_or_else(failed, |d| {
                let full = d
                    .contacts
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.home_phone.clone())
                    .unwrap_or_default();
                Reply::ContactRevealed { id, full }
            }),
        Request::LoadHolidayRounds => store
            .holiday_rounds_since(now.date() - chrono::Duration::days(HOLIDAY_ROUNDS_DAYS))
            .map_or_else(failed, Reply::HolidayRounds),
        Request::AddHolidayRound(r) => store
            .add_holiday_round(&r)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::MarkHolidayReceived { unit, at, by } => store
            .mark_holiday_received(unit, at, "", &by, now)
            .map_or_else(failed, |()| Reply::CycleSaved { id: unit, done: false }),
        Request::AddHolidayReport { round, report } => store
            .add_holiday_report(round, &report, now)
            .map_or_else(failed, |()| Reply::CycleSaved { id: round, done: true }),
        Request::LoadSpotChecks => store
            .recent_spotchecks(SPOTCHECKS_SHOWN)
            .map_or_else(failed, Reply::SpotChecks),
        Request::AddSpotCheck(r) => store
            .add_spotcheck(&r)
            .map_or_else(failed, |id| Reply::CycleSaved { id, done: false }),
        Request::AddSpotCheckCall { round, unit, call } => store
            .add_spotcheck_call(round, unit, &call, now)
            .and_then(|()| store.spotcheck(round))
            .map_or_else(failed, |r| Reply::CycleSaved {
                id: round,
                done: r.finished(),
            }),
        r @ (Request::LoadVisits
        | Request::LoadVisitPage(_)
        | Request::LookupVisitors(_)
        | Request::LookupAllVisitors(_)
        | Request::SaveVisit(..)
        | Request::Checkout { .. }
        | Request::LoadVisit(_)
        | Request::RevealId { .. }
        | Request::AddWatch(_)) => visit::execute(store, r, now),
    }
}

/// The check at open (and after a refused write): rows found changed, deleted or added outside
/// the app become findings, recorded once, so they stay named until an approver acknowledges
/// them; the problems as they then stand.
fn quick_verify(store: &mut Store) -> Result<Vec<String>, crate::store::StoreError> {
    let report = store.verify(false)?;
    let found: Vec<crate::store::guard::Finding> = report
        .rows
        .iter()
        .map(|(table, row_id, kind)| crate::store::guard::Finding {
            table: table.clone(),
            row_id: *row_id,
            kind: *kind,
        })
        .collect();
    if !found.is_empty() && store.record_findings(&found, crate::store::SYSTEM_FINDER)? > 0 {
        return Ok(store.verify(false)?.problems);
    }
    Ok(report.problems)
}

/// How long a search as the officer types may take before it shows what it found and offers to
/// go on (the screen's answer within 50 ms, with the drawing and the snippets).
pub const SEARCH_BUDGET: std::time::Duration = std::time::Duration::from_millis(25);

/// How long a visitor lookup as the officer types may take before it shows what it found, says
/// it is not complete and offers F5 to look through everything (the answer on screen within 50 ms
/// of the pause, with the drawing).
pub const LOOKUP_BUDGET: std::time::Duration = std::time::Duration::from_millis(30);

/// A search's budget in real time, from when it starts.
pub struct WallBudget {
    started: std::time::Instant,
    allowed: std::time::Duration,
}

impl WallBudget {
    #[must_use]
    pub fn new(allowed: std::time::Duration) -> Self {
        Self {
            started: std::time::Instant::now(),
            allowed,
        }
    }
}

impl crate::core::search::Budget for WallBudget {
    fn spent(&mut self) -> std::time::Duration {
        self.started.elapsed()
    }

    fn allowed(&self) -> std::time::Duration {
        self.allowed
    }
}

/// Writes the handover as Markdown next to the database, private to its owner like the database:
/// `handover-N.md`, or `handover-N-2.md` … when that name is taken (an earlier copy, or a link
/// planted there: never written over, never followed).
fn export_handover(store: &Store, id: i64, office: &str) -> Result<std::path::PathBuf, String> {
    let h = store.handover(id).map_err(|e| e.to_string())?;
    let dir = store
        .path()
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let (path, mut f) =
        crate::files::create_private_numbered(&dir, &format!("handover-{id}"), "md").map_err(|e| e.to_string())?;
    let written = f
        .write_all(crate::core::handover::to_markdown(&h, office).as_bytes())
        .and_then(|()| f.sync_all());
    if let Err(e) = written {
        // A half-written paper form must not pass for the record (a full disk).
        let _ = std::fs::remove_file(&path);
        return Err(crate::files::describe(&path, e).to_string());
    }
    Ok(path)
}

/// Runs effects: requests against the store (each reply fed back to the app, whose new
/// effects run in turn, until quiet), the bell and notifications through the alerter. All on
/// this thread, each reply in the same call: the tests' way. The full-screen app uses [`Live`].
pub fn run_effects(
    app: &mut App,
    store: &mut Store,
    alerter: &mut dyn Alerter,
    effects: Vec<Effect>,
    now: NaiveDateTime,
) {
    run_effects_via(app, alerter, effects, now, |_, request| {
        Some(execute(store, request, now))
    });
}

/// Runs `effects`, handing each request to `route`, which answers it at once (the reply is fed
/// back to the app, whose new effects run in turn) or sends it to a thread (`None`: its reply
/// comes later, through [`Live::collect`]).
fn run_effects_via(
    app: &mut App,
    alerter: &mut dyn Alerter,
    effects: Vec<Effect>,
    now: NaiveDateTime,
    mut route: impl FnMut(OpId, Request) -> Option<Reply>,
) {
    let mut pending: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = pending.pop_front() {
        match effect {
            Effect::Request(op, request) => {
                if let Some(reply) = route(op, request) {
                    pending.extend(app.update(Msg::Reply(op, reply), now));
                }
            }
            Effect::Ring => alerter.ring(),
            Effect::Notify(notice) => alerter.notify(&notice),
            Effect::Hook(call) => alerter.hook(call, now),
            Effect::Quit => {}
        }
    }
}

/// Feeds `msg` to the app and runs every effect that follows, results included, until quiet.
pub fn dispatch(app: &mut App, store: &mut Store, alerter: &mut dyn Alerter, msg: Msg, now: NaiveDateTime) {
    let effects = app.update(msg, now);
    run_effects(app, store, alerter, effects, now);
    // What the SMS hook finished meanwhile goes to the app (to its causes' timelines).
    for outcome in alerter.take_hook_outcomes() {
        let effects = app.update(Msg::HookDone(Box::new(outcome)), now);
        run_effects(app, store, alerter, effects, now);
    }
}

/// The full-screen app's side of the core. Every request goes to the store thread
/// ([`worker::Worker`], first in first out) or, for searches and visitor lookups, to the reader
/// ([`worker::Reader`]); their replies come back through [`Live::collect`], often several frames
/// later. The thread that drives it never waits for SQL — unless the system refused the store
/// thread, or it died: then the requests run here, as they did before there was one.
pub struct Live<'a> {
    worker: Option<worker::Worker>,
    reader: Option<worker::Reader>,
    /// The store on this thread when no store thread takes a request: the one the app opened
    /// (no thread could be started), or opened again after the store thread died with it.
    here: Option<Result<Store, String>>,
    path: std::path::PathBuf,
    alerter: &'a mut dyn Alerter,
    /// The idle reduction of visitors' numbers past the retention period.
    retention: RetentionRun,
}

/// How long after a run of the idle reduction the next one may start.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// When the idle app reduces visitors' numbers past `[visit] retention_years`: a run at the
/// first idle moment after the start, then at most once an hour; a run is a batch per idle
/// step until none are left (`Store::reduce_visits_step`), and what it did is said once.
#[derive(Debug, Default)]
struct RetentionRun {
    /// When the next run may start; `None`: at once.
    next: Option<std::time::Instant>,
    /// A run is under way: its next batch goes at the next idle step.
    running: bool,
    /// Visits reduced so far in the run under way.
    reduced: usize,
}

impl RetentionRun {
    fn due(&self, at: std::time::Instant) -> bool {
        self.running || self.next.is_none_or(|n| at >= n)
    }

    /// A batch is over; when that ends the run, what to tell the app.
    fn batch(
        &mut self,
        outcome: Result<(usize, bool), String>,
        at: std::time::Instant,
    ) -> Option<Result<usize, String>> {
        let said = match outcome {
            Ok((done, true)) => {
                self.running = true;
                self.reduced += done;
                return None;
            }
            Ok((done, false)) => Ok(self.reduced + done),
            Err(why) => Err(why),
        };
        *self = Self {
            next: Some(at + RETENTION_EVERY),
            running: false,
            reduced: 0,
        };
        Some(said)
    }
}

/// What finishing the store thread's work found ([`Live::drain`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drained {
    /// Requests still out when the time was up (they may still be committed, or not).
    pub left: usize,
    /// Why requests answered while finishing failed, in the store's words.
    pub failed: Vec<String>,
}

impl Drained {
    /// Everything sent was answered.
    #[must_use]
    pub fn done(&self) -> bool {
        self.left == 0
    }
}

impl<'a> Live<'a> {
    /// Starts the store thread with `store` (the connection the app opened) and the reader.
    pub fn start(store: Store, alerter: &'a mut dyn Alerter) -> Self {
        let path = store.path().to_path_buf();
        let (worker, here) = match worker::Worker::start(store) {
            Ok(w) => (Some(w), None),
            Err(store) => (None, Some(Ok(*store))),
        };
        Self {
            worker,
            reader: worker::Reader::start(&path),
            here,
            path,
            alerter,
            retention: RetentionRun::default(),
        }
    }

    /// Whether requests go to the store thread (false: it could not be started; they run here).
    #[must_use]
    pub fn threaded(&self) -> bool {
        self.worker.is_some()
    }

    /// Feeds `msg` to the app and sends the requests that follow; what is answered here (no
    /// store thread) is fed back at once.
    pub fn dispatch(&mut self, app: &mut App, msg: Msg, now: NaiveDateTime) {
        let effects = app.update(msg, now);
        self.run(app, effects, now);
    }

    /// Runs `effects`: requests to the reader or the store thread, the bell and notifications to
    /// the alerter.
    pub fn run(&mut self, app: &mut App, effects: Vec<Effect>, now: NaiveDateTime) {
        let Self {
            worker,
            reader,
            here,
            path,
            alerter,
            ..
        } = self;
        run_effects_via(app, &mut **alerter, effects, now, |op, request| {
            let request = match reader.as_mut() {
                Some(r) if worker::Reader::takes(&request) => match r.send(op, request, now) {
                    Ok(()) => return None,
                    Err(request) => request,
                },
                _ => request,
            };
            let request = match worker.as_mut() {
                Some(w) => match w.send(op, request, now) {
                    Ok(()) => return None,
                    Err(request) => request,
                },
                None => request,
            };
            // No store thread: run it here, as before there was one.
            Some(
                match here.get_or_insert_with(|| Store::open(path).map_err(|e| e.to_string())) {
                    Ok(store) => execute(store, request, now),
                    Err(why) => Reply::Failed(why.clone()),
                },
            )
        });
    }

    fn next_reply(&mut self) -> Option<(OpId, Reply)> {
        self.worker
            .as_mut()
            .and_then(worker::Worker::try_recv)
            .or_else(|| self.reader.as_mut().and_then(worker::Reader::try_recv))
    }

    /// Feeds the app every reply that has arrived; whether any had.
    pub fn collect(&mut self, app: &mut App, now: NaiveDateTime) -> bool {
        let mut any = false;
        while let Some((op, reply)) = self.next_reply() {
            any = true;
            self.dispatch(app, Msg::Reply(op, reply), now);
        }
        any
    }

    /// Waits up to `limit` for the next reply and feeds it to the app; false when none came.
    pub fn wait(&mut self, app: &mut App, now: NaiveDateTime, limit: Duration) -> bool {
        let until = std::time::Instant::now() + limit;
        loop {
            if let Some((op, reply)) = self.next_reply() {
                self.dispatch(app, Msg::Reply(op, reply), now);
                return true;
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            // Waited for on the store thread's channel, with a look at the reader's between.
            let step = std::time::Instant::now() + left.min(READER_POLL);
            match self.worker.as_mut() {
                Some(w) if w.busy() => {
                    if let Some((op, reply)) = w.recv_until(step) {
                        self.dispatch(app, Msg::Reply(op, reply), now);
                        return true;
                    }
                }
                _ => std::thread::sleep(left.min(READER_POLL)),
            }
        }
    }

    /// Replies are still to come.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.worker.as_ref().is_some_and(worker::Worker::busy) || self.reader.as_ref().is_some_and(worker::Reader::busy)
    }

    /// How soon the loop should look for replies: often while a query the officer waits on is
    /// out, soon while the store thread has work, not at all when nothing is out.
    fn poll_interval(&self) -> Option<Duration> {
        if self.reader.as_ref().is_some_and(worker::Reader::busy) {
            Some(READER_POLL)
        } else if self.worker.as_ref().is_some_and(worker::Worker::busy) {
            Some(WORKER_POLL)
        } else {
            None
        }
    }

    /// The idle app's housekeeping, on the store thread once it has nothing of the officer's to
    /// do and no step is still out (here without one): a batch of the reduction of visitors'
    /// numbers past the retention period when one is due ([`RetentionRun`]), otherwise one step
    /// of merging the search index. A run that reduced something is said once.
    pub fn tidy(&mut self, app: &mut App) {
        let (at, now) = (std::time::Instant::now(), now());
        let cutoff = crate::core::retention::cutoff(now, app.settings.visit.retention_years);
        let outcome = match (&mut self.worker, &mut self.here) {
            (Some(w), _) => {
                let outcome = w.take_reduced();
                if outcome.is_none() && self.retention.due(at) {
                    w.reduce(cutoff, now);
                } else if outcome.is_none() {
                    w.tidy();
                }
                outcome
            }
            (None, Some(Ok(store))) if self.retention.due(at) => Some(
                store
                    .reduce_visits_step(cutoff, crate::core::retention::BATCH, crate::store::SYSTEM_FINDER, now)
                    .map_err(|e| e.to_string()),
            ),
            // Housekeeping only: a failure (another terminal holding the lock) is tried again
            // at the next idle tick, and the index answers correctly unmerged.
            (None, Some(Ok(store))) => {
                let _ = store.tidy_search_index();
                None
            }
            (None, _) => None,
        };
        if let Some(said) = outcome.and_then(|o| self.retention.batch(o, at)) {
            self.dispatch(app, Msg::VisitsReduced(said), now);
        }
    }

    /// Finishes what the store thread was sent (a save just pressed, the drafts kept on the way
    /// out), feeding each reply to the app — which, having quit, sends nothing more than its
    /// drafts as they then stand — then closes the thread and waits for it to end, all within
    /// `limit`. The reader is let go (it only reads). Called again, it goes on from where the
    /// time ran out.
    pub fn drain(&mut self, app: &mut App, limit: Duration) -> Drained {
        let until = std::time::Instant::now() + limit;
        let mut failed = Vec::new();
        self.reader = None;
        while let Some(w) = self.worker.as_mut().filter(|w| w.busy()) {
            let Some((op, reply)) = w.recv_until(until) else {
                return Drained { left: w.out(), failed };
            };
            if let Reply::Failed(why) | Reply::Tampered(why) = &reply {
                failed.push(why.clone());
            }
            self.dispatch(app, Msg::Reply(op, reply), now());
        }
        // Nothing of the officer's is out: at most a housekeeping step, which may be cut short
        // (its transaction is rolled back, the index stays correct).
        if let Some(w) = &mut self.worker {
            w.close(until);
        }
        Drained { left: 0, failed }
    }
}

/// Translates a terminal key into the core's key; `None` for keys the app does not use.
#[must_use]
pub fn translate_key(key: event::KeyEvent) -> Option<Key> {
    let code = match key.code {
        TermKey::Char(c) => KeyCode::Char(c),
        TermKey::Enter => KeyCode::Enter,
        TermKey::Esc => KeyCode::Esc,
        TermKey::Tab => KeyCode::Tab,
        TermKey::BackTab => KeyCode::BackTab,
        TermKey::Backspace => KeyCode::Backspace,
        TermKey::Delete => KeyCode::Delete,
        TermKey::Left => KeyCode::Left,
        TermKey::Right => KeyCode::Right,
        TermKey::Up => KeyCode::Up,
        TermKey::Down => KeyCode::Down,
        TermKey::Home => KeyCode::Home,
        TermKey::End => KeyCode::End,
        TermKey::PageUp => KeyCode::PageUp,
        TermKey::PageDown => KeyCode::PageDown,
        TermKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let code = match code {
        // Normalise Ctrl+letter to lower case so Ctrl-S is Ctrl-S with or without Shift.
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => KeyCode::Char(c.to_ascii_lowercase()),
        c => c,
    };
    Some(Key {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    })
}

fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped, on every exit path.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn enter_terminal() -> io::Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>)> {
    enable_raw_mode()?;
    let guard = TerminalGuard;
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    // A panic must not leave the officer's terminal in raw mode on the alternate screen. Only
    // this thread's: the app goes on when the store thread dies (its requests answered as
    // failed), and it needs the terminal as it is.
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore_terminal();
        }
        previous(info);
    }));
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    let terminal = Terminal::new(CrosstermBackend::new(out))?;
    Ok((guard, terminal))
}

/// How long the keyboard must be still before the app merges the search index's new segments
/// (a step of a few milliseconds per second; never while someone types).
const IDLE_BEFORE_HOUSEKEEPING: Duration = Duration::from_secs(2);

/// How long to wait for the next key: until the next whole second, or sooner if the app wants a
/// pause in typing (`pause`, counted from the last key `since_input` ago) that ends first — then
/// true: the wait ending without a key is that pause.
fn next_wake(to_next_second: Duration, pause: Option<Duration>, since_input: Duration) -> (Duration, bool) {
    match pause.map(|p| p.saturating_sub(since_input)) {
        Some(left) if left <= to_next_second => (left, true),
        _ => (to_next_second, false),
    }
}

/// How long quitting waits, with the screen still up, for the store thread to finish what it
/// was sent (each write gives up after the store's busy timeout, 5 s).
const DRAIN_ON_SCREEN: Duration = Duration::from_secs(10);

/// How much longer it waits once the terminal is restored, saying so, before it gives up and
/// says what did not finish.
const DRAIN_AFTER: Duration = Duration::from_secs(50);

/// Runs the full-screen app until the officer quits, or a stopping signal comes (see
/// [`signals`]); the terminal is restored either way, and nothing sent to the store thread is
/// dropped unsaid: it is finished first ([`Live::drain`]), and what did not finish is said on
/// stderr.
pub fn run(mut app: App, store: Store, theme: ThemeWanted) -> io::Result<signals::Ending> {
    let signals = signals::Signals::install()?;
    let mut alerter = TerminalAlerter::start().with_hooks(&app.settings.notify);
    let (guard, mut terminal) = enter_terminal()?;
    let mut keyboard = Keyboard::default();
    if let Some(say) = choose_theme(theme, &mut keyboard)? {
        app.message = Some(StatusMessage {
            text: say.into(),
            at: now(),
        });
    }
    let mut live = Live::start(store, &mut alerter);
    let ran = run_until_quit(&mut app, &mut live, &mut terminal, &signals, &mut keyboard);
    if !app.quit {
        // The loop broke off (the terminal went away under a draw): keep what is typed, as when
        // a stopping signal comes.
        live.dispatch(&mut app, Msg::Terminate, now());
    }
    if live.busy() {
        // The app's last words (正在写完…) while the store thread finishes; the terminal may be gone.
        let _ = terminal.draw(|frame| ui::render_terminal(&app, frame));
    }
    let mut drained = live.drain(&mut app, DRAIN_ON_SCREEN);
    drop(terminal);
    drop(guard);
    if !drained.done() {
        eprintln!(
            "数据库仍被占用：还有 {} 项写入没有完成，正在等待（最多 {} 秒）…",
            drained.left,
            DRAIN_AFTER.as_secs()
        );
        let more = live.drain(&mut app, DRAIN_AFTER);
        drained.left = more.left;
        drained.failed.extend(more.failed);
    }
    for why in &drained.failed {
        eprintln!("退出时有一项数据库操作没有完成：{why}");
    }
    if !drained.done() {
        eprintln!(
            "放弃等待：{} 项写入没有完成，可能没有保存。请重新打开 zhiban 核对最近的记录",
            drained.left
        );
    }
    match signals.caught() {
        // The terminal may be gone (SIGHUP): a failure to draw on it is not the news.
        Some(sig) => Ok(signals::Ending::Signal(sig)),
        None => ran.map(|()| signals::Ending::Quit),
    }
}

/// Which colours to draw with, as the command line settled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeWanted {
    /// This theme (`[ui] theme = "dark"` or `"light"`, or `NO_COLOR`).
    Fixed(ui::theme::Theme),
    /// Ask the terminal (`[ui] theme = "auto"`).
    Ask,
}

/// Said once on the status line when the terminal did not tell its background.
pub const NO_ANSWER: &str = "终端未告知背景色，按深色显示；浅色背景请在配置 [ui] 中写 theme = \"light\"";

/// The keys read from the terminal, with the answer to the background query picked out.
#[derive(Default)]
struct Keyboard {
    answers: background::Answers,
    /// Read, not yet handled: keys typed while the app waited for the answer, or held back
    /// while it looked like one.
    queue: std::collections::VecDeque<Event>,
    /// Whether the terminal was asked: only then is a late answer used.
    asked: bool,
}

impl Keyboard {
    /// The next event within `wait`: the queue's first, else the terminal's.
    fn next(&mut self, wait: Duration) -> io::Result<Input> {
        if let Some(e) = self.queue.pop_front() {
            return Ok(Input::Event(e));
        }
        match next_input(wait)? {
            Input::Event(e) => match self.answers.feed(e) {
                background::Fed::Pass(events) => {
                    self.queue.extend(events);
                    Ok(self.queue.pop_front().map_or(Input::Nothing, Input::Event))
                }
                background::Fed::Held => Ok(Input::Swallowed),
                background::Fed::Answer(colour) => Ok(Input::Background(colour)),
            },
            other => Ok(other),
        }
    }
}

/// Sets the theme before the first frame. Asked, it sends the background query and waits for
/// the answer at most [`background::WAIT`]; what is typed meanwhile is kept, in order, for the
/// loop. `Some(sentence)` when the terminal did not answer (it is then dark).
fn choose_theme(wanted: ThemeWanted, keyboard: &mut Keyboard) -> io::Result<Option<&'static str>> {
    use ui::theme::{self, Theme};
    let ThemeWanted::Ask = wanted else {
        if let ThemeWanted::Fixed(t) = wanted {
            theme::set(t);
        }
        return Ok(None);
    };
    // The Linux console (and fbterm) is always dark and does not know the question: it would
    // print it.
    let term = std::env::var("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" || term == "linux" || term.starts_with("fbterm") {
        theme::set(Theme::Dark);
        return Ok(None);
    }
    let mut out = io::stdout();
    out.write_all(background::QUERY.as_bytes())?;
    out.flush()?;
    keyboard.asked = true;
    let deadline = std::time::Instant::now() + background::WAIT;
    let mut found = None;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        // Not the queue: what is read now is kept for the loop.
        match next_input(left)? {
            Input::Event(e) => match keyboard.answers.feed(e) {
                background::Fed::Pass(events) => keyboard.queue.extend(events),
                background::Fed::Held => {}
                background::Fed::Answer(colour) => {
                    found = Some(colour);
                    break;
                }
            },
            Input::Nothing | Input::Swallowed | Input::Background(_) => {}
            // The loop finds the terminal gone at its first look.
            Input::HungUp => break,
        }
    }
    // A terminal that does not know the question shows nothing of it: an OSC string is read to
    // its end and dropped (ECMA-48), and the consoles that would print it are not asked (above).
    match found {
        Some(Some([r, g, b])) => {
            theme::set(Theme::for_background(r, g, b));
            Ok(None)
        }
        _ => {
            theme::set(Theme::Dark);
            Ok(Some(NO_ANSWER))
        }
    }
}

fn run_until_quit(
    app: &mut App,
    live: &mut Live<'_>,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    signals: &signals::Signals,
    keyboard: &mut Keyboard,
) -> io::Result<()> {
    let mut auto_backup = backup::AutoBackup::new(&app.settings.backup, live.path.clone());
    let mut index = index::IndexBuilder::start(&live.path);
    let t = now();
    // The first frame is drawn before the data comes: the screens say 正在读取 until it does.
    let start = app.start();
    live.run(app, start, t);
    live.dispatch(app, Msg::Tick, t);
    let mut last_input = std::time::Instant::now();
    // Something changed since the last frame.
    let mut changed = true;
    while !app.quit {
        changed |= live.collect(app, now());
        if signals.caught().is_some() {
            // Told to stop: the core quits (keeping what it must), then the guard restores the terminal.
            live.dispatch(app, Msg::Terminate, now());
            break;
        }
        // The list's height depends on the terminal and on whether the alert banner is showing.
        let rows = ui::list_rows_for(app, terminal.size()?.height);
        if rows != app.screens.log.list.viewport {
            live.dispatch(app, Msg::Viewport(rows), now());
            changed = true;
        }
        if let Some(outcome) = auto_backup.poll(now()) {
            live.dispatch(app, Msg::Backup(outcome), now());
            changed = true;
        }
        if let Some(news) = index.latest() {
            live.dispatch(app, Msg::SearchIndex(news), now());
            changed = true;
        }
        if let Some(why) = live.alerter.take_failure() {
            live.dispatch(app, Msg::NotifyFailed(why), now());
            changed = true;
        }
        for outcome in live.alerter.take_hook_outcomes() {
            live.dispatch(app, Msg::HookDone(Box::new(outcome)), now());
            changed = true;
        }
        if changed {
            terminal.draw(|frame| ui::render_terminal(app, frame))?;
            changed = false;
        }
        // Wake at the next whole second so the status-line clock never lags, or when the pause
        // the app waits for (the lookup box asks the store once typing stops) is over, or soon
        // to fetch what the store thread or the reader answered.
        let to_next_second = Duration::from_millis(1000 - u64::from(Local::now().timestamp_subsec_millis().min(999)));
        let (mut wait, mut pause_ends) = next_wake(to_next_second, app.pause_wanted(), last_input.elapsed());
        let mut replies_due = false;
        if let Some(poll) = live.poll_interval()
            && wait > poll
        {
            (wait, pause_ends, replies_due) = (poll, false, true);
        }
        let input = match keyboard.next(wait)? {
            // An answer to the background query that came after the first frame: used, not typed.
            Input::Background(colour) => {
                if let Some([r, g, b]) = colour
                    && keyboard.asked
                {
                    ui::theme::set(ui::theme::Theme::for_background(r, g, b));
                    changed = true;
                }
                continue;
            }
            Input::Swallowed => continue,
            Input::HungUp => {
                // The terminal is gone (its window closed, its server killed; no SIGHUP need come
                // with it): end as a signal would, the drafts kept.
                live.dispatch(app, Msg::Terminate, now());
                break;
            }
            Input::Event(e) => Some(e),
            Input::Nothing => None,
        };
        let msg = if let Some(event) = input {
            last_input = std::time::Instant::now();
            match event {
                Event::Key(k) if k.kind == KeyEventKind::Press => match translate_key(k) {
                    Some(key) => Msg::Key(key),
                    None => continue,
                },
                Event::Paste(text) => Msg::Paste(text),
                Event::Resize(_, height) => Msg::Viewport(ui::list_rows_for(app, height)),
                _ => continue,
            }
        } else if replies_due {
            continue;
        } else if pause_ends {
            Msg::Paused
        } else {
            Msg::Tick
        };
        // Not while the index is being built: the builder merges it when it is done.
        let idle = matches!(msg, Msg::Tick)
            && last_input.elapsed() >= IDLE_BEFORE_HOUSEKEEPING
            && app.screens.search.index.is_none();
        live.dispatch(app, msg, now());
        changed = true;
        if idle {
            live.tidy(app);
        }
    }
    index.stop();
    Ok(())
}

/// What the terminal gave within a wait.
enum Input {
    Event(Event),
    /// Nothing before the wait was over.
    Nothing,
    /// A key held back: it may be part of the terminal's answer ([`background::Answers`]).
    Swallowed,
    /// The terminal's answer to the background query: its colour, if understood.
    Background(Option<[u8; 3]>),
    /// The terminal hung up: its reads would only ever return end-of-file.
    HungUp,
}

/// The next terminal event within `wait`. The wait is on the terminal itself, not in crossterm:
/// on a terminal that hangs up while crossterm waits, its reading loop spins on end-of-file and
/// never returns. crossterm is asked only when an event is buffered or bytes are there (a resize
/// comes at the next look, within a second).
fn next_input(wait: Duration) -> io::Result<Input> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    let look = |timeout: Duration| -> PollFlags {
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let t = Timespec {
            tv_sec: i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(timeout.subsec_nanos()),
        };
        match poll(&mut fds, Some(&t)) {
            Ok(n) if n > 0 => fds[0].revents(),
            _ => PollFlags::empty(),
        }
    };
    let gone = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
    if look(Duration::ZERO).intersects(gone) {
        return Ok(Input::HungUp);
    }
    if event::poll(Duration::ZERO)? {
        return Ok(Input::Event(event::read()?));
    }
    let ready = look(wait);
    if ready.intersects(gone) {
        return Ok(Input::HungUp);
    }
    if event::poll(Duration::ZERO)? {
        return Ok(Input::Event(event::read()?));
    }
    Ok(Input::Nothing)
}

/// How often the loop looks for the store thread's answer while one is out (most take well
/// under a millisecond; an Argon2 check about 17 ms).
const WORKER_POLL: Duration = Duration::from_millis(2);

/// How often the loop looks for the reader's answer while a query is out (the answer is what
/// the officer waits for; a key still wakes the loop at once).
const READER_POLL: Duration = Duration::from_millis(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_wait_ends_at_the_next_second_or_at_the_end_of_a_wanted_pause() {
        // Nothing wanted: the next second.
        assert_eq!(next_wake(ms(700), None, ms(10)), (ms(700), false));
        // A key 10 ms ago, a 150 ms pause wanted: 140 ms more, and that wait is the pause.
        assert_eq!(next_wake(ms(700), Some(ms(150)), ms(10)), (ms(140), true));
        // The second comes first: tick then, the pause is waited for after it.
        assert_eq!(next_wake(ms(30), Some(ms(150)), ms(10)), (ms(30), false));
        assert_eq!(next_wake(ms(1000), Some(ms(150)), ms(40)), (ms(110), true));
        // Already over (a tick came in between): at once.
        assert_eq!(next_wake(ms(500), Some(ms(150)), ms(400)), (ms(0), true));
    }

    #[test]
    fn the_reduction_runs_at_start_a_batch_per_step_then_at_most_hourly_and_is_said_once() {
        let start = std::time::Instant::now();
        let mut run = RetentionRun::default();
        assert!(run.due(start), "at the first idle moment");
        // Two batches with more to come, then the last: said once, with the run's total.
        assert_eq!(run.batch(Ok((500, true)), start), None);
        assert!(run.due(start), "the next batch at the next idle step");
        assert_eq!(run.batch(Ok((500, true)), start), None);
        let end = start + ms(10);
        assert_eq!(run.batch(Ok((20, false)), end), Some(Ok(1020)));
        assert!(!run.due(end + Duration::from_secs(3599)), "not again within the hour");
        assert!(run.due(end + RETENTION_EVERY));
        // A run that finds nothing says nothing (the app says nothing for 0).
        assert_eq!(run.batch(Ok((0, false)), end + RETENTION_EVERY), Some(Ok(0)));
        // A failure ends the run too, and is tried again an hour later.
        let later = end + RETENTION_EVERY * 2;
        assert_eq!(run.batch(Err("密钥文件".into()), later), Some(Err("密钥文件".into())));
        assert!(!run.due(later) && run.due(later + RETENTION_EVERY));
    }
}
