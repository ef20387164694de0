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

pub mod notify;

use crate::core::app::{App, Effect, Msg};
use crate::core::keymap::{Key, KeyCode};
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
pub fn execute(store: &mut Store, alerter: &mut dyn Alerter, effect: Effect) -> Option<Msg> {
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
                Ok(_) => return execute(store, alerter, Effect::LoadEvents),
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
        Effect::Quit => return None,
    })
}

/// Feeds `msg` to the app and runs every effect that follows, results included, until quiet.
pub fn dispatch(app: &mut App, store: &mut Store, alerter: &mut dyn Alerter, msg: Msg, now: NaiveDateTime) {
    let mut pending: std::collections::VecDeque<Effect> = app.update(msg, now).into();
    while let Some(effect) = pending.pop_front() {
        if let Some(reply) = execute(store, alerter, effect) {
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
        if let Some(reply) = execute(store, alerter, effect) {
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

/// Runs the full-screen app until the officer quits.
pub fn run(mut app: App, mut store: Store) -> io::Result<()> {
    let (_guard, mut terminal) = enter_terminal()?;
    let mut alerter = TerminalAlerter::start();
    let t = now();
    let start = app.start();
    run_effects(&mut app, &mut store, &mut alerter, start, t);
    dispatch(&mut app, &mut store, &mut alerter, Msg::Tick, t);
    while !app.quit {
        // The list's height depends on the terminal and on whether the alert banner is showing.
        let rows = ui::list_rows_for(&app, terminal.size()?.height);
        if rows != app.log.list.viewport {
            dispatch(&mut app, &mut store, &mut alerter, Msg::Viewport(rows), now());
        }
        if let Some(why) = alerter.take_failure() {
            dispatch(&mut app, &mut store, &mut alerter, Msg::NotifyFailed(why), now());
        }
        terminal.draw(|frame| ui::render(&app, frame))?;
        // Wake at the next whole second so the status-line clock never lags.
        let wait = Duration::from_millis(1000 - u64::from(Local::now().timestamp_subsec_millis().min(999)));
        let msg = if event::poll(wait)? {
            match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => match translate_key(k) {
                    Some(key) => Msg::Key(key),
                    None => continue,
                },
                Event::Paste(text) => Msg::Paste(text),
                Event::Resize(_, height) => Msg::Viewport(ui::list_rows_for(&app, height)),
                _ => continue,
            }
        } else {
            Msg::Tick
        };
        dispatch(&mut app, &mut store, &mut alerter, msg, now());
    }
    Ok(())
}
