//! The UI layer: draws the state, never changes it. `render(&App, frame)` lays out the shell —
//! tab bar, the current screen, the status line (time, operator, alert area, last message) and
//! the hint bar — then any overlay (operator picker, help, yes/no question).

pub mod directory_screen;
pub mod docs_screen;
pub mod findings_screen;
pub mod form;
pub mod handover_screen;
pub mod holiday_screen;
pub mod log_screen;
pub mod notice_screen;
pub mod people_screen;
pub mod redact_screen;
pub mod roster_screen;
pub mod search_screen;
pub mod spotcheck_screen;
pub mod stats_screen;
pub mod tasks_screen;
pub mod theme;
pub mod urgent_screen;
pub mod visit_screen;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::core::app::{App, ScreenId};
use crate::core::keymap::{self, Mode};
use crate::core::text::{width, wrap};
use widgets::{centered, clean, dialog, push_wrapped, to_u16};

/// Rows taken by the tab bar, the status line and the hint bar.
const CHROME_ROWS: u16 = 3;

/// How many list rows fit on a terminal `height` rows tall (the core pages by this).
#[must_use]
pub fn list_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(CHROME_ROWS + log_screen::LIST_CHROME_ROWS)).max(1)
}

/// Rows the alert banner takes: two while any event needs someone, none otherwise.
#[must_use]
pub fn banner_rows(app: &App) -> u16 {
    // A locked screen shows alerts without their content, inside the lock box.
    if app.locked.is_some() || app.alerts().is_empty() && app.unacked_entry_alerts().is_empty() {
        0
    } else {
        2
    }
}

/// List rows for this app on a terminal `height` rows tall (the banner takes its share).
#[must_use]
pub fn list_rows_for(app: &App, height: u16) -> usize {
    list_rows(height.saturating_sub(banner_rows(app)))
}

/// The smallest window the app draws its screens in; below it says so and how big it must be.
pub const MIN_COLS: u16 = 60;
pub const MIN_ROWS: u16 = 20;

pub fn render(app: &App, frame: &mut Frame) {
    render_shell(app, frame);
}

/// [`render`] for a real terminal: each wide character's hidden half also takes its colours
/// ([`colour_wide_halves`]). Not for `TestBackend`, which does not break a wide character the
/// way xterm does: there a styled hidden half, equal to the styled space written there next,
/// would leave its old letter standing.
pub fn render_terminal(app: &App, frame: &mut Frame) {
    render_shell(app, frame);
    colour_wide_halves(frame.buffer_mut());
}

/// Gives the hidden right half of every wide character its left half's colours (not its
/// modifiers). ratatui keeps that cell blank and uncoloured; when a later frame writes over the
/// character's left half or shifts a wide character onto it, xterm breaks the old character
/// and keeps its colours on the orphaned half, and ratatui, believing the cell blank already,
/// never writes it: a red field (an alarm in the dark theme) stayed on screen as a red block.
/// With the colours here that cell differs from the next frame's blank and is written over.
/// Modifiers are left alone: a reversed half written on its own shows as a white gap in xterm.
fn colour_wide_halves(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right().saturating_sub(1) {
            let (wide, fg, bg) = {
                let c = &buf[(x, y)];
                (width(c.symbol()) > 1, c.fg, c.bg)
            };
            let hidden = &mut buf[(x + 1, y)];
            if wide && hidden.symbol() == " " {
                hidden.set_fg(fg).set_bg(bg);
            }
        }
    }
}

fn render_shell(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_COLS || area.height < MIN_ROWS {
        render_too_small(frame, area, app);
        return;
    }
    let (status_spans, notes) = status_parts(app, area.width);
    // A message that does not fit on the status line takes the hint bar's row (and more rows
    // when it is longer than the window is wide): it is said whole, the hints come back after.
    let bottom = to_u16(notes.len().max(1));
    let [tabs, banner, main, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows(app)),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(bottom),
    ])
    .areas(area);
    render_tabs(frame, tabs, app);
    frame.render_widget(Paragraph::new(Line::from(status_spans)), status);
    if notes.is_empty() {
        render_hints(frame, hints, app.mode());
    } else {
        frame.render_widget(Paragraph::new(notes), hints);
    }
    if let Some(lock) = &app.locked {
        render_lock(frame, main, app, lock);
        return;
    }
    urgent_screen::render_banner(frame, banner, app);
    if let (None, Some(sign_in)) = (&app.operator, &app.sign_in) {
        render_sign_in(frame, main, app, sign_in);
    } else if app.operator.is_none() {
        render_picker(frame, main, app);
    } else {
        render_screen(frame, main, app);
    }
    if app.help {
        render_help(frame, main, app.mode_under_help(), to_u16(app.help_scroll));
    }
    if let (Some(_), Some(sign_in)) = (&app.operator, &app.sign_in) {
        // Changing one's own PIN: the same box, over the screen.
        render_sign_in(frame, main, app, sign_in);
    }
    if let Some(selected) = app.goto {
        render_goto(frame, main, selected);
    }
    if let Some(question) = &app.confirm {
        render_confirm(frame, main, &clean(&question.text));
    }
}

/// The shown screen: one arm per screen of the registry (`core::screens`).
fn render_screen(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.screens;
    match app.screen {
        ScreenId::Log => log_screen::render(frame, area, app),
        ScreenId::Tasks => match &s.tasks.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => tasks_screen::render(frame, area, app),
        },
        ScreenId::Notices => match &s.notices.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => notice_screen::render(frame, area, app),
        },
        ScreenId::Documents => match &s.documents.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => docs_screen::render(frame, area, app),
        },
        ScreenId::Directory => match &s.directory.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => directory_screen::render(frame, area, app),
        },
        ScreenId::Holidays => match &s.holidays.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => holiday_screen::render(frame, area, app),
        },
        ScreenId::SpotChecks => match &s.spotchecks.form {
            Some((_, form)) => form::render_form(frame, area, form),
            None => spotcheck_screen::render(frame, area, app),
        },
        ScreenId::Urgent => urgent_screen::render(frame, area, app),
        ScreenId::Visitors => visit_screen::render(frame, area, app),
        ScreenId::Handover => handover_screen::render(frame, area, &s.handover),
        ScreenId::Roster => match (&s.roster.sign, &s.roster.edit, &s.roster.form) {
            (Some((_, sign)), _, _) => form::render_form(frame, area, &sign.form),
            (None, Some(edit), _) => form::render_form(frame, area, &edit.form),
            (None, None, Some(form)) => form::render_form(frame, area, form),
            (None, None, None) => roster_screen::render(frame, area, app),
        },
        ScreenId::Search => search_screen::render(frame, area, &s.search),
        ScreenId::Findings => match &s.findings.form {
            Some(form) => form::render_form(frame, area, &form.form),
            None => findings_screen::render(frame, area, app),
        },
        ScreenId::Redact => redact_screen::render(frame, area, app),
        ScreenId::Stats => stats_screen::render(frame, area, &s.stats),
        ScreenId::People => match &s.people.form {
            Some(form) => form::render_form(frame, area, &form.form),
            None => people_screen::render(frame, area, app),
        },
    }
}

/// The go-to list: every screen of the registry, and views inside them.
fn render_goto(frame: &mut Frame, area: Rect, selected: usize) {
    let items = crate::core::app::goto_items();
    let cell = |i: usize| {
        items
            .get(i)
            .map(|item| format!("  {}  {}", crate::core::text::pad(item.label, 12), item.key))
            .unwrap_or_default()
    };
    let style = |i: usize| {
        if i == selected {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        }
    };
    // One column while it fits the window's height (with the blank lines, the hint line and
    // the border); otherwise two, the second continuing the first (Up/Down still walk one list).
    let one_column = items.len() + 5 <= usize::from(area.height);
    let rows = if one_column {
        items.len()
    } else {
        items.len().div_ceil(2)
    };
    let first_width = (0..rows).map(|i| width(&cell(i))).max().unwrap_or(0) + 2;
    let mut lines = vec![Line::raw("")];
    for r in 0..rows {
        let left = cell(r);
        if one_column {
            lines.push(Line::styled(left, style(r)));
        } else {
            let pad = " ".repeat(first_width.saturating_sub(width(&left)));
            lines.push(Line::from(vec![
                Span::styled(left, style(r)),
                Span::raw(pad),
                Span::styled(cell(r + rows), style(r + rows)),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("  Up/Down", theme::hint_key()),
        Span::raw(" 选择  "),
        Span::styled("Enter", theme::hint_key()),
        Span::raw(" 打开  "),
        Span::styled("Esc", theme::hint_key()),
        Span::raw(" 返回"),
    ]));
    let widest = lines.iter().map(|l| l.width()).max().unwrap_or(0);
    let box_area = centered(area, to_u16(widest + 4).max(44), to_u16(lines.len() + 2));
    dialog(frame, box_area, "转到", lines, theme::header());
}

/// The yes/no question, wrapped inside its box.
fn render_confirm(frame: &mut Frame, area: Rect, question: &str) {
    let w = to_u16(width(question) + 4).max(50).min(area.width);
    let cells = usize::from(w.saturating_sub(4));
    let mut lines = vec![Line::raw("")];
    for r in wrap(question, cells) {
        lines.push(Line::raw(format!(" {}", question.get(r).unwrap_or(""))));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" y", theme::hint_key()),
        Span::raw(" 是    "),
        Span::styled("n", theme::hint_key()),
        Span::raw(" 否"),
    ]));
    let area = centered(area, w, to_u16(lines.len() + 2));
    dialog(frame, area, "请确认", lines, theme::dialog());
}

/// What a window below [`MIN_COLS`]×[`MIN_ROWS`] shows: how big it must be, and whether an
/// alert waits (its content is never shown here: the window may be small because it is hidden).
pub fn too_small_text(app: &App, cols: u16, rows: u16) -> String {
    let mut text =
        format!("窗口太小：至少需要 {MIN_COLS} 列 × {MIN_ROWS} 行，现在 {cols} 列 × {rows} 行。请放大窗口。");
    let alerts = app.alerts().len() + app.unacked_entry_alerts().len();
    if alerts > 0 {
        text.push_str(&format!("\n有 {alerts} 件紧急事项待处理。"));
    }
    text
}

fn render_too_small(frame: &mut Frame, area: Rect, app: &App) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let text = too_small_text(app, area.width, area.height);
    let lines: Vec<Line> = wrap(&text, usize::from(area.width))
        .into_iter()
        .take(usize::from(area.height))
        .map(|r| Line::raw(text.get(r).unwrap_or("").to_string()))
        .collect();
    frame.render_widget(Paragraph::new(lines).style(theme::notice()), area);
}

/// The tab bar, with the office's name at the right when it fits whole: tabs drawn compact to
/// make room for it if need be; on a window too narrow even then, the name is left out (the
/// picker and the lock screen say it).
fn render_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let office = clean(&app.settings.office_name);
    let cells = usize::from(area.width);
    let tabs = |compact: bool| {
        let mut spans = Vec::new();
        for (i, tab) in ScreenId::tabs().iter().enumerate() {
            let style = if *tab == app.tab() && app.operator.is_some() {
                theme::tab_active()
            } else if app.may_open(*tab) {
                theme::tab_inactive()
            } else {
                theme::tab_unavailable()
            };
            if compact {
                spans.push(Span::styled(format!("{} {}", i + 1, tab.label()), style));
            } else {
                spans.push(Span::styled(format!(" {} {} ", i + 1, tab.label()), style));
            }
            spans.push(Span::raw(" "));
        }
        spans
    };
    let used = |spans: &[Span]| spans.iter().map(|s| width(&s.content)).sum::<usize>();
    let mut spans = tabs(false);
    if used(&spans) + 1 + width(&office) > cells {
        let compact = tabs(true);
        if used(&compact) + 1 + width(&office) <= cells {
            spans = compact;
        }
    }
    let room = cells.saturating_sub(used(&spans));
    if !office.is_empty() && width(&office) < room {
        spans.push(Span::raw(" ".repeat(room - width(&office))));
        spans.push(Span::styled(office, theme::header()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The status line's spans, and the lines said below it when they do not fit on it whole: the
/// last message and the integrity warning are never cut.
fn status_parts(app: &App, cols: u16) -> (Vec<Span<'static>>, Vec<Line<'static>>) {
    let cells = usize::from(cols);
    let time = if cols >= 100 {
        app.now.format("%Y-%m-%d %H:%M:%S")
    } else {
        app.now.format("%m-%d %H:%M:%S")
    };
    let unconfirmed: Vec<&str> = app.shared.unconfirmed_enrolments().collect();
    let operator = app.operator.as_deref().map_or_else(
        || "值班员：未选择".to_string(),
        |o| {
            // An operator enrolled urgently carries the flag on their own name too.
            let flag = if unconfirmed.contains(&o) {
                "（紧急登记）"
            } else {
                ""
            };
            format!("值班员：{}{flag}", clean(o))
        },
    );
    let mut spans = vec![
        Span::styled(format!(" {time} "), theme::status_bar()),
        Span::styled(format!(" {operator} "), theme::status_operator()),
        alert_area(app),
    ];
    let used = |spans: &[Span]| spans.iter().map(|s| width(&s.content)).sum::<usize>();
    let mut notes = Vec::new();
    let mut note = |text: &str, style: ratatui::style::Style| {
        for r in wrap(text, cells) {
            notes.push(Line::styled(text.get(r).unwrap_or("").to_string(), style));
        }
    };
    // Tampering found at start, a database others can read, and a backup that failed (or failed
    // its test restore) stay in view whatever else is said.
    for w in app.integrity.iter().chain(&app.exposure).chain(&app.backup_warning) {
        let w = clean(w);
        if used(&spans) + width(&w) + 2 <= cells {
            spans.push(Span::styled(format!(" {w} "), theme::status_alert()));
        } else {
            // Its first clause stays on the status line; the whole of it is said below.
            let head = w.split(['（', '，', '：']).next().unwrap_or_default();
            if !head.is_empty() && used(&spans) + width(head) + 2 <= cells {
                spans.push(Span::styled(format!(" {head} "), theme::status_alert()));
            }
            note(&w, theme::error());
        }
    }
    // An urgent enrolment stays flagged until an approver confirms it (人员与 PIN).
    if !unconfirmed.is_empty() {
        let flag = match unconfirmed.as_slice() {
            [one] => format!("紧急登记待领导确认：{}", clean(one)),
            many => format!("紧急登记待领导确认：{} 人", many.len()),
        };
        if used(&spans) + width(&flag) + 2 <= cells {
            spans.push(Span::styled(format!(" {flag} "), theme::status_notice()));
        } else {
            note(&flag, theme::notice());
        }
    }
    // The reminders below: whole on the status line when it fits, else short, else `below`
    // on the lines under it.
    let mut say = |spans: &mut Vec<Span<'static>>,
                   (whole, short, below): (&str, &str, &str),
                   on_bar: ratatui::style::Style,
                   below_style: ratatui::style::Style| {
        if used(spans) + width(whole) + 2 <= cells {
            spans.push(Span::styled(format!(" {whole} "), on_bar));
        } else if used(spans) + width(short) + 2 <= cells {
            spans.push(Span::styled(format!(" {short} "), on_bar));
        } else {
            note(below, below_style);
        }
    };
    // 漏岗: the shift on, nobody signed on (red, said whole below when it does not fit).
    if let Some(shift) = app.shared.roster.missed_post(&app.settings, app.now) {
        let whole = format!(
            "{}（排班表中按 o 到岗）",
            crate::core::roster_plan::missed_post_text(&shift, app.now)
        );
        let short = format!("漏岗：{} 班次无人到岗", shift.start.format("%H:%M"));
        say(
            &mut spans,
            (&whole, &short, &whole),
            theme::status_alert(),
            theme::error(),
        );
    }
    // An office that reports daily: the 值班日报 due and not yet marked sent.
    if let Some(window) = &app.report_unsent {
        let (whole, short) = crate::core::report_sent::unsent_reminder(window);
        say(
            &mut spans,
            (&whole, &short, &short),
            theme::status_notice(),
            theme::notice(),
        );
    }
    // 督办: 交办 overdue or due soon, 请示 not made, notices not finished (counts only).
    if app.operator.is_some()
        && let Some((whole, short, overdue)) = crate::core::instruction::board_line(
            &app.shared.follow_ups,
            &app.settings.instruction,
            &app.settings.documents,
            app.now,
        )
    {
        let (on_bar, below) = if overdue {
            (theme::status_alert(), theme::error())
        } else {
            (theme::status_notice(), theme::notice())
        };
        say(&mut spans, (&whole, &short, &whole), on_bar, below);
    }
    // Next month's roster not yet published (003:157): after the day's own reminders.
    if let Some((whole, short, pressing)) = app.shared.roster.run.reminder(app.now, &app.settings.roster_rules) {
        let (on_bar, below) = if pressing {
            (theme::status_alert(), theme::error())
        } else {
            (theme::status_notice(), theme::notice())
        };
        say(&mut spans, (&whole, &short, &short), on_bar, below);
    }
    // A locked screen says nothing of what was last done.
    let message = if app.locked.is_some() {
        String::new()
    } else {
        app.message.as_ref().map(|m| clean(&m.text)).unwrap_or_default()
    };
    // The message on the bar, and the same message when it has to go below the bar.
    let (on_bar, style) = if message.contains("失败") {
        (theme::status_alert(), theme::error())
    } else if message.starts_with("已保存") {
        (theme::status_ok(), theme::ok())
    } else {
        (theme::status_notice(), theme::notice())
    };
    let message_cells = if message.is_empty() { 0 } else { width(&message) + 1 };
    // The roster strip (duty leader and phone; the next shift when wide). On a narrow screen a
    // fresh message takes its place until the message expires; a gap in the roster never yields.
    let wide = cols >= 120;
    let strip = roster_screen::strip(app, app.now, wide).map(|(text, style)| Span::styled(format!(" {text} "), style));
    let strip_cells = strip.as_ref().map_or(0, |s| width(&s.content));
    let strip_yields = strip.as_ref().is_some_and(|s| s.style != theme::status_alert());
    let base = used(&spans);
    let message_inline = message_cells == 0
        || base + strip_cells + message_cells <= cells
        || strip_yields && !wide && base + message_cells <= cells;
    let show_strip = strip.is_some()
        && (message_cells == 0 || !message_inline || wide || !strip_yields)
        && base + strip_cells <= cells;
    if show_strip && let Some(strip) = strip {
        spans.push(strip);
    }
    if message_inline && message_cells > 0 {
        spans.push(Span::styled(format!(" {message}"), on_bar));
    } else if message_cells > 0 {
        note(&message, style);
    }
    let filled = used(&spans);
    spans.push(Span::styled(
        " ".repeat(cells.saturating_sub(filled)),
        theme::status_bar(),
    ));
    // Never more than four rows of notes (a message of a few hundred characters).
    notes.truncate(4);
    (spans, notes)
}

/// The status line's alert area: how many events need someone.
fn alert_area(app: &App) -> Span<'static> {
    let alerts = app.alerts();
    let entries = app.unacked_entry_alerts().len();
    let unacked = alerts
        .iter()
        .filter(|e| e.escalation.state == crate::core::escalation::EventState::New)
        .count()
        + entries;
    match (alerts.len() + entries, unacked) {
        // Not "none" before the store has said so (the first frame comes before the data).
        (0, _) if !app.shared.alerts.read() => Span::styled(" 告警：读取中 ", theme::status_bar()),
        (0, _) => Span::styled(" 告警：无 ", theme::status_bar()),
        (_, 0) => Span::styled(format!(" 告警：{} 件报送未完成 ", alerts.len()), theme::status_alert()),
        (_, n) => Span::styled(format!(" 告警：{n} 件未确认 F2 "), theme::status_alert()),
    }
}

fn render_hints(frame: &mut Frame, area: Rect, mode: Mode) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (keys, what) in keymap::hints(mode) {
        let piece = width(&keys) + width(what) + 3;
        if used + piece > usize::from(area.width) {
            break;
        }
        used += piece;
        spans.push(Span::styled(format!(" {keys}"), theme::hint_key()));
        spans.push(Span::styled(format!(" {what} "), theme::hint_text()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The PIN being typed, as stars, and under it why the last one failed or that it is being
/// checked (a blank row otherwise). Returns the PIN's row, for the cursor.
fn push_pin_row(
    lines: &mut Vec<Line<'static>>,
    indent: usize,
    stars: &str,
    error: Option<&str>,
    checking: bool,
    cells: usize,
) -> usize {
    let pad = " ".repeat(indent);
    let row = lines.len();
    lines.push(Line::from(vec![
        Span::styled(format!("{pad}PIN："), theme::label_focused()),
        Span::raw(stars.to_string()),
    ]));
    match (error, checking) {
        (Some(e), _) => push_wrapped(lines, &clean(e), indent, cells, theme::error()),
        (None, true) => lines.push(Line::styled(format!("{pad}正在核对…"), theme::notice())),
        (None, false) => lines.push(Line::raw("")),
    }
    row
}

/// Sign-in: whose PIN, what to type (the PIN, an approver's, or a new PIN twice), as stars.
fn render_sign_in(frame: &mut Frame, area: Rect, app: &App, s: &crate::core::sign_in::SignIn) {
    let width = area.width.clamp(20, 64);
    let cells = usize::from(width.saturating_sub(4));
    let mut lines = vec![Line::raw("")];
    push_wrapped(&mut lines, &clean(&s.prompt()), 1, cells, theme::label_focused());
    if let Some(n) = &s.notice {
        push_wrapped(&mut lines, &clean(n), 1, cells, theme::notice());
    }
    lines.push(Line::raw(""));
    let stars = "*".repeat(s.pin.text().chars().count());
    let pin_row = push_pin_row(&mut lines, 1, &stars, s.error.as_deref(), s.checking, cells);
    let box_area = centered(area, width, to_u16(lines.len() + 3));
    dialog(
        frame,
        box_area,
        &format!("{} · 值班登录", clean(&app.settings.office_name)),
        lines,
        theme::header(),
    );
    let (x, y) = (box_area.x + to_u16(7 + stars.len()), box_area.y + 1 + to_u16(pin_row));
    if x < box_area.right() && y < box_area.bottom() {
        frame.set_cursor_position((x, y));
    }
}

fn render_picker(frame: &mut Frame, area: Rect, app: &App) {
    let people = &app.settings.people;
    let h = to_u16(people.len() + 6).min(area.height);
    let box_area = centered(area, 56, h);
    let mut lines = vec![
        Line::raw(""),
        Line::raw(" 请选择本班值班人员（Up/Down 选择，Enter 确认）："),
        Line::raw(""),
    ];
    // Keep the selected person in view in a short window.
    let room = usize::from(h).saturating_sub(5);
    let first = (app.picker_selected + 1).saturating_sub(room);
    for (i, p) in people.iter().enumerate().skip(first).take(room) {
        let text = format!(
            "  {}  {}  {}",
            crate::core::text::pad(&clean(&p.name), 12),
            crate::core::text::pad(p.role.label(), 10),
            clean(&p.phone)
        );
        let style = if i == app.picker_selected {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    dialog(
        frame,
        box_area,
        &format!("{} · 值班登录", clean(&app.settings.office_name)),
        lines,
        theme::header(),
    );
}

/// The lock screen's hint, said whole.
pub const LOCK_HINT: &str =
    "输入本人 PIN 后按 Enter 解锁。Tab 换人（输入他人的 PIN 即由他接班）；F2 用所输 PIN 确认紧急事项，屏幕仍锁定。";

/// The lock screen: no record, no message; alerts by category and time only.
fn render_lock(frame: &mut Frame, area: Rect, app: &App, lock: &crate::core::lock::Lock) {
    let block = Block::bordered()
        .title(Span::styled(" 屏幕已锁定 ", theme::dialog()))
        .border_style(theme::border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cells = usize::from(inner.width);
    let operator = app.operator.as_deref().map(clean).unwrap_or_default();
    let stars = "*".repeat(lock.pin.text().chars().count());
    let mut lines = vec![Line::raw("")];
    push_wrapped(
        &mut lines,
        &format!("{} · 值班员：{operator}", clean(&app.settings.office_name)),
        2,
        cells,
        ratatui::style::Style::new(),
    );
    push_wrapped(&mut lines, LOCK_HINT, 2, cells, ratatui::style::Style::new());
    if let Some(person) = &lock.person {
        push_wrapped(
            &mut lines,
            &format!(
                "换人：请 {} 输入本人 PIN（Tab 换下一位，回到 {operator}）",
                clean(person)
            ),
            2,
            cells,
            theme::notice(),
        );
    }
    lines.push(Line::raw(""));
    let pin_row = push_pin_row(&mut lines, 2, &stars, lock.error.as_deref(), lock.checking, cells);
    let alerts = app.alerts();
    let entries = app.unacked_entry_alerts();
    if !alerts.is_empty() || !entries.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("  紧急事项（锁屏时不显示内容）：", theme::urgent()));
        for e in alerts {
            let state = if e.escalation.state == crate::core::escalation::EventState::New {
                "未确认"
            } else {
                "报送未完成"
            };
            let text = format!(
                "{} {} {} 接报 · {state} · {}",
                e.facts.level.label(),
                clean(&e.record.category),
                e.record.received_at.format("%H:%M"),
                e.pressing(app.now)
            );
            push_wrapped(&mut lines, &text, 2, cells, theme::urgent());
        }
        for a in entries {
            lines.push(Line::styled(
                format!("  值班记录紧急提醒 {} · 未确认", a.created_at.format("%H:%M")),
                theme::urgent(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let (x, y) = (inner.x + to_u16(7 + stars.len()), inner.y + to_u16(pin_row));
    if x < inner.right() && y < inner.bottom() {
        frame.set_cursor_position((x, y));
    }
}

/// The help overlay's lines for `mode`, wrapped to `cells`: each binding's keys and what it does.
fn help_lines(mode: Mode, cells: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let keys_cells = 24;
    for b in keymap::bindings_for(mode) {
        let what = b.action.describe();
        let keys = format!("  {}", crate::core::text::pad(&keymap::keys_label(b), keys_cells - 2));
        let rows = wrap(what, cells.saturating_sub(keys_cells).max(8));
        for (i, r) in rows.into_iter().enumerate() {
            let head = if i == 0 { keys.clone() } else { " ".repeat(keys_cells) };
            lines.push(Line::from(vec![
                Span::styled(head, theme::hint_key()),
                Span::raw(what.get(r).unwrap_or("").to_string()),
            ]));
        }
    }
    if mode == Mode::Form {
        push_wrapped(
            &mut lines,
            "在表单中直接输入文字（含中文输入法）；字母不会触发命令。",
            2,
            cells,
            theme::notice(),
        );
    }
    lines
}

/// The help overlay, from line `scroll` of its text; when it does not all fit, the last row
/// says which lines are shown and that ↑↓ scroll.
pub fn render_help(frame: &mut Frame, area: Rect, mode: Mode, scroll: u16) {
    let box_w = 64.min(area.width);
    let cells = usize::from(box_w.saturating_sub(2));
    let body = help_lines(mode, cells);
    let n = body.len();
    // Borders, a blank row at the top, the closing row at the bottom.
    let all_rows = n + 4;
    let h = to_u16(all_rows).min(area.height);
    let box_area = centered(area, box_w, h);
    let room = usize::from(h).saturating_sub(4);
    let fits = room >= n;
    let room = if fits { room } else { room.saturating_sub(1) };
    let first = usize::from(scroll).min(n.saturating_sub(room));
    let mut lines = vec![Line::raw("")];
    lines.extend(body.into_iter().skip(first).take(room));
    if !fits {
        let last = (first + room).min(n);
        lines.push(Line::styled(
            format!("  ↑↓ 滚动，第 {}–{last} 行，共 {n} 行", first + 1),
            theme::placeholder(),
        ));
    }
    lines.push(Line::styled("  Esc 关闭帮助", theme::placeholder()));
    dialog(frame, box_area, "帮助 · 按键", lines, theme::header());
}

#[cfg(test)]
mod wide_tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};

    /// A red wide character, then the same row with a wide character one column to the left:
    /// the orphaned right half of the old one must be written (xterm keeps its red otherwise).
    #[test]
    fn a_red_wide_characters_orphaned_half_is_written_over() {
        let area = Rect::new(0, 0, 6, 1);
        let mut before = Buffer::empty(area);
        before.set_string(2, 0, "警", Style::new().bg(Color::Red));
        let mut after = Buffer::empty(area);
        after.set_string(1, 0, "值", Style::new());
        let unfixed: Vec<u16> = before.diff(&after).iter().map(|(x, _, _)| *x).collect();
        assert!(!unfixed.contains(&3), "ratatui alone leaves column 3: {unfixed:?}");
        super::colour_wide_halves(&mut before);
        super::colour_wide_halves(&mut after);
        assert_eq!(before[(3, 0)].bg, Color::Red);
        let written: Vec<u16> = before.diff(&after).iter().map(|(x, _, _)| *x).collect();
        assert!(written.contains(&3), "the orphaned half is written: {written:?}");
    }

    #[test]
    fn a_reversed_wide_characters_hidden_half_keeps_no_modifier() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "值", Style::new().add_modifier(Modifier::REVERSED));
        super::colour_wide_halves(&mut buf);
        assert!(!buf[(1, 0)].modifier.contains(Modifier::REVERSED));
    }
}
