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
pub mod notify;
mod visit;

use crate::core::app::{App, Effect, Msg};
use crate::core::handover_screen::SignRequest;
use crate::core::keymap::{Key, KeyCode};
use crate::core::settings::Settings;
use crate::store::Store;
use crate::ui;
use notify::{Alerter, TerminalAlerter};

/// The wall clock, to the second (stored times have no fractions).
#[must_use]
pub fn now() -> NaiveDateTime {
    let t = Local::now().naive_local();
    t.with_nanosecond(0).unwrap_or(t)
}

/// Executes one effect; returns the message that reports its result.
pub fn execute(
    store: &mut Store,
    alerter: &mut dyn Alerter,
    settings: &Settings,
    effect: Effect,
    now: NaiveDateTime,
) -> Option<Msg> {
    Some(match effect {
        Effect::LoadEvents => match store
            .open_events()
            .and_then(|events| Ok((events, store.open_entry_alerts()?)))
        {
            Ok((events, entries)) => Msg::Events(events, entries),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadTimeline(id) => match store.timeline(id) {
            Ok(lines) => Msg::Timeline(id, lines),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::CreateEvent(event, lines) => match store.insert_event(&event, &lines) {
            Ok(id) => Msg::EventCreated(id),
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::AddReport { event_id, kind, report } => match store.add_report(event_id, kind, &report) {
            Ok(name) => Msg::EventSaved(
                event_id,
                format!("已保存：第 {event_id} 号事件 {}{name}", report.channel.label()),
            ),
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::AppendTimeline(event_id, line) => match store.append_timeline(event_id, &line) {
            Ok(()) => Msg::EventSaved(event_id, format!("已记入第 {event_id} 号事件时间线：{}", line.text)),
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::SaveEscalation {
            target,
            before,
            after,
            lines,
        } => {
            match store.save_escalation(target, &before, &after, &lines) {
                // Saved, or another terminal took this step first: either way re-read the truth.
                Ok(_) => return execute(store, alerter, settings, Effect::LoadEvents, now),
                Err(e) => Msg::SaveFailed(e.to_string()),
            }
        }
        Effect::CheckForeignWrites => match store.changed_elsewhere() {
            Ok(true) => Msg::ForeignWrites,
            Ok(false) => return None,
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::Ring => {
            alerter.ring();
            return None;
        }
        Effect::Notify(notice) => {
            alerter.notify(&notice);
            return None;
        }
        Effect::LoadPage(req) => match store.page(&req) {
            Ok(rows) => Msg::Page(req, rows),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadEntry(id) => match store.entry(id) {
            Ok(entry) => Msg::Entry(Box::new(entry)),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::SaveEntry(entry, alert) => match store.insert_entry_raising(&entry, alert.as_deref()) {
            Ok((entry_id, key)) => Msg::Saved { entry_id, key },
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::Amend(req) => match store.amend(&req) {
            Ok(key) => Msg::Saved {
                entry_id: req.entry_id,
                key,
            },
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::Instruct(req) => match store.add_instruction(&req) {
            Ok(key) => Msg::Saved {
                entry_id: req.entry_id,
                key,
            },
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::Unlock { name, pin } => match store.pin_hash(&name) {
            Ok(Some(hash)) if crate::pin::verify(&pin, &hash) => Msg::Unlocked("已解锁".into()),
            Ok(Some(_)) => Msg::UnlockFailed(format!("{name} 的 PIN 不对：请重新输入")),
            Ok(None) => match crate::pin::hash(&pin)
                .map_err(crate::store::StoreError::Refused)
                .and_then(|h| store.set_pin(&name, &h, now))
            {
                Ok(()) => Msg::Unlocked(format!("已解锁；{name} 的 PIN 已设定，交接班签字也用这个 PIN")),
                Err(e) => Msg::UnlockFailed(format!("无法设定 PIN：{e}")),
            },
            Err(e) => Msg::UnlockFailed(format!("无法核对 PIN：{e}")),
        },
        Effect::Search { input, before } => match crate::core::search::SearchQuery::parse(&input) {
            Err(why) => Msg::SearchFailed { input, why },
            Ok(q) => match store.search(&q, crate::core::search_screen::PAGE, before) {
                Ok(hits) => Msg::SearchResults {
                    input,
                    hits,
                    append: before.is_some(),
                },
                Err(e) => Msg::SearchFailed {
                    input,
                    why: format!("查询失败：{e}"),
                },
            },
        },
        Effect::DailyReport { date, office } => match store.daily_report(date, crate::core::app::DAY_ENDS, now) {
            Ok(report) => Msg::Report(
                report
                    .to_text(&office, settings.leader_title())
                    .lines()
                    .map(str::to_string)
                    .collect(),
            ),
            Err(e) => Msg::Said(format!("值班日报生成失败：{e}")),
        },
        Effect::QuickVerify => match store.verify(false) {
            Ok(report) => Msg::Integrity(report.problems),
            Err(e) => Msg::Integrity(vec![format!("无法完成检查：{e}")]),
        },
        Effect::LoadOpenState => match store.open_state(now) {
            Ok(state) => Msg::OpenState(Box::new(state)),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadHandovers => match store.handovers(HANDOVER_HISTORY) {
            Ok(list) => Msg::Handovers(list),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadHandover(id) => match store.handover(id) {
            Ok(h) => Msg::HandoverLoaded(Box::new(h)),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadRoster(from, to) => match store
            .imported_shifts(from, to)
            .and_then(|imported| Ok((imported, store.swaps(from, to)?)))
        {
            Ok((imported, swaps)) => Msg::Roster {
                window: (from, to),
                imported,
                swaps,
            },
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::AddSwap(swap) => match store.add_swap(&swap) {
            Ok(_) => Msg::SwapSaved(format!(
                "已保存：{} {} {} 由 {} 替班（{} 批准）",
                swap.shift_start.format("%m-%d %H:%M"),
                swap.post.label(),
                swap.from,
                swap.to,
                swap.approved_by
            )),
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        e @ (Effect::LoadVisits
        | Effect::LoadVisitPage(_)
        | Effect::LookupVisitors(_)
        | Effect::SaveVisit(..)
        | Effect::Checkout { .. }
        | Effect::LoadVisit(_)
        | Effect::RevealId { .. }
        | Effect::AddWatch(_)) => return visit::execute(store, e, settings, now),
        Effect::SignHandover(req) => sign_handover(store, &req, now),
        Effect::ExportHandover { id, office } => match export_handover(store, id, &office) {
            Ok(path) => Msg::Said(format!("已导出交接班记录：{}（可打印签字）", path.display())),
            Err(e) => Msg::Said(format!("导出失败：{e}")),
        },
        Effect::Quit => return None,
    })
}

/// How many past handovers the history list shows (four shifts a day for a year and more).
const HANDOVER_HISTORY: usize = 2000;

/// Checks both PINs (a person's first signature sets theirs), makes sure nothing became open
/// since the draft was built, then signs in one transaction.
fn sign_handover(store: &mut Store, req: &SignRequest, now: NaiveDateTime) -> Msg {
    use crate::core::handover::build_draft;
    use crate::core::handover_screen::HandoverField;
    use crate::store::handover::NewPin;

    let d = &req.draft;
    let mut new_pins = Vec::new();
    let mut notes = Vec::new();
    for (name, pin, field) in [
        (&d.outgoing, &req.outgoing_pin, HandoverField::OutgoingPin),
        (&d.incoming, &req.incoming_pin, HandoverField::IncomingPin),
    ] {
        match store.pin_hash(name) {
            Ok(Some(hash)) => {
                if !crate::pin::verify(pin, &hash) {
                    return Msg::SignFailed {
                        pin_of: Some(field),
                        message: format!("{name} 的 PIN 不对：请本人重新输入"),
                    };
                }
            }
            Ok(None) => match crate::pin::hash(pin) {
                Ok(hash) => {
                    new_pins.push(NewPin {
                        name: name.clone(),
                        hash,
                    });
                    notes.push(format!("{name} 首次签名，PIN 已设定"));
                }
                Err(e) => {
                    return Msg::SignFailed {
                        pin_of: None,
                        message: e,
                    };
                }
            },
            Err(e) => {
                return Msg::SignFailed {
                    pin_of: None,
                    message: format!("签字未保存：{e}"),
                };
            }
        }
    }
    // Nothing open may be dropped: anything that became open while the incoming officer was
    // checking goes back to them first.
    match store.open_state(now) {
        Ok(state) => {
            let fresh = build_draft(&state, &d.outgoing, &d.incoming, d.shift_start, now);
            let missing = fresh
                .items
                .iter()
                .any(|f| !d.items.iter().any(|i| i.kind == f.kind && i.ref_id == f.ref_id));
            if missing {
                return Msg::HandoverStale(Box::new(state));
            }
        }
        Err(e) => {
            return Msg::SignFailed {
                pin_of: None,
                message: format!("签字未保存：{e}"),
            };
        }
    }
    match store.sign_handover(d, &new_pins, now) {
        Ok(id) => Msg::HandoverSigned {
            id,
            incoming: d.incoming.clone(),
            note: notes.iter().map(|n| format!("；{n}")).collect(),
        },
        Err(e) => Msg::SignFailed {
            pin_of: None,
            message: format!("签字未保存：{e}。交班单和确认都还在，处理后可再签"),
        },
    }
}

/// Writes the handover as Markdown next to the database, private to its owner like the database.
fn export_handover(store: &Store, id: i64, office: &str) -> Result<std::path::PathBuf, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let h = store.handover(id).map_err(|e| e.to_string())?;
    let dir = store
        .path()
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let path = dir.join(format!("handover-{id}.md"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    f.write_all(crate::core::handover::to_markdown(&h, office).as_bytes())
        .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    Ok(path)
}

/// Feeds `msg` to the app and runs every effect that follows, results included, until quiet.
pub fn dispatch(app: &mut App, store: &mut Store, alerter: &mut dyn Alerter, msg: Msg, now: NaiveDateTime) {
    let mut pending: std::collections::VecDeque<Effect> = app.update(msg, now).into();
    while let Some(effect) = pending.pop_front() {
        if let Some(reply) = execute(store, alerter, &app.settings, effect, now) {
            pending.extend(app.update(reply, now));
        }
    }
}

/// Runs effects returned outside `update` (at start).
pub fn run_effects(
    app: &mut App,
    store: &mut Store,
    alerter: &mut dyn Alerter,
    effects: Vec<Effect>,
    now: NaiveDateTime,
) {
    for effect in effects {
        if let Some(reply) = execute(store, alerter, &app.settings, effect, now) {
            dispatch(app, store, alerter, reply, now);
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

/// Runs the full-screen app until the officer quits.
pub fn run(mut app: App, mut store: Store) -> io::Result<()> {
    let (_guard, mut terminal) = enter_terminal()?;
    let mut alerter = TerminalAlerter::start();
    let mut auto_backup = backup::AutoBackup::new(&app.settings.backup, store.path().to_path_buf());
    let t = now();
    let start = app.start();
    run_effects(&mut app, &mut store, &mut alerter, start, t);
    dispatch(&mut app, &mut store, &mut alerter, Msg::Tick, t);
    let mut last_input = std::time::Instant::now();
    while !app.quit {
        // The list's height depends on the terminal and on whether the alert banner is showing.
        let rows = ui::list_rows_for(&app, terminal.size()?.height);
        if rows != app.log.list.viewport {
            dispatch(&mut app, &mut store, &mut alerter, Msg::Viewport(rows), now());
        }
        if let Some(said) = auto_backup.poll(now()) {
            dispatch(&mut app, &mut store, &mut alerter, Msg::Said(said), now());
        }
        if let Some(why) = alerter.take_failure() {
            dispatch(&mut app, &mut store, &mut alerter, Msg::NotifyFailed(why), now());
        }
        terminal.draw(|frame| ui::render(&app, frame))?;
        // Wake at the next whole second so the status-line clock never lags, or when the pause
        // the app waits for (the lookup box asks the store once typing stops) is over.
        let to_next_second = Duration::from_millis(1000 - u64::from(Local::now().timestamp_subsec_millis().min(999)));
        let (wait, pause_ends) = next_wake(to_next_second, app.pause_wanted(), last_input.elapsed());
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
        } else if pause_ends {
            Msg::Paused
        } else {
            Msg::Tick
        };
        let idle = matches!(msg, Msg::Tick) && last_input.elapsed() >= IDLE_BEFORE_HOUSEKEEPING;
        dispatch(&mut app, &mut store, &mut alerter, msg, now());
        if idle {
            // Housekeeping only: a failure (another terminal holding the lock) is tried again at
            // the next idle tick, and the index answers correctly unmerged.
            let _ = store.tidy_search_index();
        }
    }
    Ok(())
}

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
