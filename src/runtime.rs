//! The runtime: owns the terminal (raw mode, alternate screen, bracketed paste — restored on
//! exit and on panic), reads the clock, turns terminal events into messages, and executes the
//! core's effects against the store, feeding each result back as a message.

use std::io::{self, Stdout, Write};
use std::time::Duration;

use chrono::{Local, NaiveDateTime, Timelike};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, event::KeyCode as TermKey, execute};

pub mod backup;
pub mod index;
pub mod notify;
pub mod signals;
mod visit;
pub mod worker;

use crate::core::app::{App, Effect, Msg, Reply, Request};
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
            .map_or_else(failed, |_| Reply::EscalationSaved),
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
        Request::LoadRoster(from, to) => store
            .imported_shifts(from, to)
            .and_then(|imported| Ok((imported, store.swaps(from, to)?)))
            .map_or_else(failed, |(imported, swaps)| Reply::Roster {
                window: (from, to),
                imported,
                swaps,
            }),
        Request::AddSwap(swap) => store.add_swap(&swap).map_or_else(failed, |_| Reply::SwapSaved),
        Request::SaveDrafts { person, drafts } => store
            .save_drafts(&person, &drafts, now)
            .map_or_else(failed, |()| Reply::DraftsSaved),
        Request::LoadDrafts(person) => store.drafts(&person).map_or_else(failed, Reply::Drafts),
        Request::LoadFindings => store.findings().map_or_else(failed, Reply::Findings),
        Request::AckFinding { id, by, by_role } => store
            .acknowledge_finding(id, &by, &by_role, now)
            .map_or_else(failed, |_| Reply::Confirmed),
        r @ (Request::LoadVisits
        | Request::LoadVisitPage(_)
        | Request::LookupVisitors(_)
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
/// effects run in turn, until quiet), the bell and notifications through the alerter.
pub fn run_effects(
    app: &mut App,
    store: &mut Store,
    alerter: &mut dyn Alerter,
    effects: Vec<Effect>,
    now: NaiveDateTime,
) {
    run_effects_with(app, store, None, alerter, effects, now);
}

/// The threads that take requests off the UI thread: the worker (PIN hashing) and the reader
/// (searches and lookups).
struct Threads<'a> {
    worker: &'a mut worker::Worker,
    reader: &'a mut worker::Reader,
}

/// [`run_effects`], sending what the `worker` takes to its thread (its replies come back
/// through [`worker::Worker::try_recv`]); the rest runs here.
fn run_effects_with(
    app: &mut App,
    store: &mut Store,
    mut threads: Option<Threads<'_>>,
    alerter: &mut dyn Alerter,
    effects: Vec<Effect>,
    now: NaiveDateTime,
) {
    let mut pending: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = pending.pop_front() {
        match effect {
            Effect::Request(op, request) => {
                let request = match threads.as_mut() {
                    Some(t) if worker::Worker::takes(&request) => match t.worker.send(op, request, now) {
                        Ok(()) => continue,
                        Err(request) => request,
                    },
                    Some(t) if worker::Reader::takes(&request) => match t.reader.send(op, request, now) {
                        Ok(()) => continue,
                        Err(request) => request,
                    },
                    _ => request,
                };
                let reply = execute(store, request, now);
                pending.extend(app.update(Msg::Reply(op, reply), now));
            }
            Effect::Ring => alerter.ring(),
            Effect::Notify(notice) => alerter.notify(&notice),
            Effect::Quit => {}
        }
    }
}

/// Feeds `msg` to the app and runs every effect that follows, results included, until quiet.
pub fn dispatch(app: &mut App, store: &mut Store, alerter: &mut dyn Alerter, msg: Msg, now: NaiveDateTime) {
    let effects = app.update(msg, now);
    run_effects(app, store, alerter, effects, now);
}

/// The terminal's side of the app: the store, the worker thread and the alerter that every
/// message's effects go to.
struct Live<'a> {
    store: Store,
    worker: worker::Worker,
    reader: worker::Reader,
    alerter: &'a mut dyn Alerter,
}

impl Live<'_> {
    fn dispatch(&mut self, app: &mut App, msg: Msg, now: NaiveDateTime) {
        let effects = app.update(msg, now);
        self.run(app, effects, now);
    }

    fn run(&mut self, app: &mut App, effects: Vec<Effect>, now: NaiveDateTime) {
        let threads = Threads {
            worker: &mut self.worker,
            reader: &mut self.reader,
        };
        run_effects_with(app, &mut self.store, Some(threads), self.alerter, effects, now);
    }

    /// Feeds the app every reply the worker and the reader have finished.
    fn collect(&mut self, app: &mut App) {
        while let Some((op, reply)) = self.worker.try_recv().or_else(|| self.reader.try_recv()) {
            self.dispatch(app, Msg::Reply(op, reply), now());
        }
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
    // A panic must not leave the officer's terminal in raw mode on the alternate screen.
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
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

/// Runs the full-screen app until the officer quits, or a stopping signal comes (see
/// [`signals`]); the terminal is restored either way.
pub fn run(app: App, store: Store) -> io::Result<signals::Ending> {
    let signals = signals::Signals::install()?;
    let ran = run_until_quit(app, store, &signals);
    match signals.caught() {
        // The terminal may be gone (SIGHUP): a failure to draw on it is not the news.
        Some(sig) => Ok(signals::Ending::Signal(sig)),
        None => ran.map(|()| signals::Ending::Quit),
    }
}

fn run_until_quit(mut app: App, store: Store, signals: &signals::Signals) -> io::Result<()> {
    let (_guard, mut terminal) = enter_terminal()?;
    let mut alerter = TerminalAlerter::start();
    let mut auto_backup = backup::AutoBackup::new(&app.settings.backup, store.path().to_path_buf());
    let worker = worker::Worker::start(store.path());
    let reader = worker::Reader::start(store.path());
    let mut index = index::IndexBuilder::start(store.path());
    let mut live = Live {
        store,
        worker,
        reader,
        alerter: &mut alerter,
    };
    let t = now();
    let start = app.start();
    live.run(&mut app, start, t);
    live.dispatch(&mut app, Msg::Tick, t);
    let mut last_input = std::time::Instant::now();
    while !app.quit {
        live.collect(&mut app);
        if signals.caught().is_some() {
            // Told to stop: the core quits (keeping what it must), then the guard restores the terminal.
            live.dispatch(&mut app, Msg::Terminate, now());
            break;
        }
        // The list's height depends on the terminal and on whether the alert banner is showing.
        let rows = ui::list_rows_for(&app, terminal.size()?.height);
        if rows != app.screens.log.list.viewport {
            live.dispatch(&mut app, Msg::Viewport(rows), now());
        }
        if let Some(outcome) = auto_backup.poll(now()) {
            live.dispatch(&mut app, Msg::Backup(outcome), now());
        }
        if let Some(news) = index.latest() {
            live.dispatch(&mut app, Msg::SearchIndex(news), now());
        }
        if let Some(why) = live.alerter.take_failure() {
            live.dispatch(&mut app, Msg::NotifyFailed(why), now());
        }
        terminal.draw(|frame| ui::render(&app, frame))?;
        // Wake at the next whole second so the status-line clock never lags, or when the pause
        // the app waits for (the lookup box asks the store once typing stops) is over, or soon
        // to fetch what the worker is doing.
        let to_next_second = Duration::from_millis(1000 - u64::from(Local::now().timestamp_subsec_millis().min(999)));
        let (mut wait, mut pause_ends) = next_wake(to_next_second, app.pause_wanted(), last_input.elapsed());
        let mut worker_due = false;
        if live.worker.busy() && wait > WORKER_POLL {
            (wait, pause_ends, worker_due) = (WORKER_POLL, false, true);
        }
        if live.reader.busy() && wait > READER_POLL {
            (wait, pause_ends, worker_due) = (READER_POLL, false, true);
        }
        let msg = if event::poll(wait)? {
            last_input = std::time::Instant::now();
            match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => match translate_key(k) {
                    Some(key) => Msg::Key(key),
                    None => continue,
                },
                Event::Paste(text) => Msg::Paste(text),
                Event::Resize(_, height) => Msg::Viewport(ui::list_rows_for(&app, height)),
                _ => continue,
            }
        } else if worker_due {
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
        live.dispatch(&mut app, msg, now());
        if idle {
            // Housekeeping only: a failure (another terminal holding the lock) is tried again at
            // the next idle tick, and the index answers correctly unmerged.
            let _ = live.store.tidy_search_index();
        }
    }
    index.stop();
    Ok(())
}

/// How often the loop looks for the worker's answer while one is out (an Argon2 check takes
/// about 17 ms).
const WORKER_POLL: Duration = Duration::from_millis(5);

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
}
