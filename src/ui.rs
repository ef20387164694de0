//! The UI layer: draws the state, never changes it. `render(&App, frame)` lays out the shell —
//! tab bar, the current screen, the status line (time, operator, alert area, last message) and
//! the hint bar — then any overlay (operator picker, help, yes/no question).

pub mod form;
pub mod handover_screen;
pub mod log_screen;
pub mod roster_screen;
pub mod search_screen;
pub mod theme;
pub mod urgent_screen;
pub mod visit_screen;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::core::app::{App, Tab};
use crate::core::keymap::{self, Mode};
use crate::core::text::{truncate, width, wrap};
use widgets::{centered, clean, dialog, to_u16};

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
    let area = frame.area();
    if area.width < MIN_COLS || area.height < MIN_ROWS {
        render_too_small(frame, area, app);
        return;
    }
    let [tabs, banner, main, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows(app)),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_tabs(frame, tabs, app);
    if let Some(lock) = &app.locked {
        render_lock(frame, main, app, lock);
        render_status(frame, status, app);
        render_hints(frame, hints, app.mode());
        return;
    }
    urgent_screen::render_banner(frame, banner, app);
    if app.operator.is_none() {
        render_picker(frame, main, app);
    } else {
        match app.tab {
            Tab::Log => log_screen::render(frame, main, &app.log),
            Tab::Urgent => urgent_screen::render(frame, main, app),
            Tab::Visitors => visit_screen::render(frame, main, app),
            Tab::Handover => match &app.roster.form {
                Some(form) => form::render_form(frame, main, form),
                None if app.roster.open => roster_screen::render(frame, main, app),
                None => handover_screen::render(frame, main, &app.handover),
            },
            Tab::Search => search_screen::render(frame, main, &app.search),
        }
    }
    render_status(frame, status, app);
    render_hints(frame, hints, app.mode());
    if app.help {
        render_help(frame, main, app.mode_under_help());
    }
    if let Some(confirm) = app.confirm {
        let question = match confirm {
            crate::core::app::Confirm::Checkout(id) => app.checkout_question(id),
            c => c.question().to_string(),
        };
        let area = centered(main, to_u16(width(&question) + 4).max(50), 6);
        let lines = vec![
            Line::raw(""),
            Line::raw(format!(" {question}")),
            Line::raw(""),
            Line::from(vec![
                Span::styled(" y", theme::HINT_KEY),
                Span::raw(" 是    "),
                Span::styled("n", theme::HINT_KEY),
                Span::raw(" 否"),
            ]),
        ];
        dialog(frame, area, "请确认", lines, theme::DIALOG);
    }
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
    frame.render_widget(Paragraph::new(lines).style(theme::NOTICE), area);
}

fn render_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let style = if *tab == app.tab && app.operator.is_some() {
            theme::TAB_ACTIVE
        } else if tab.is_available() {
            theme::TAB_INACTIVE
        } else {
            theme::TAB_UNAVAILABLE
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, tab.label()), style));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = usize::from(area.width).saturating_sub(used + 1);
    if room >= 6 {
        let office = truncate(&clean(&app.settings.office_name), room);
        spans.push(Span::raw(" ".repeat(room - width(&office))));
        spans.push(Span::styled(office, theme::HEADER));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let time = if area.width >= 100 {
        app.now.format("%Y-%m-%d %H:%M:%S")
    } else {
        app.now.format("%m-%d %H:%M:%S")
    };
    let operator = app
        .operator
        .as_deref()
        .map_or_else(|| "值班员：未选择".to_string(), |o| format!("值班员：{}", clean(o)));
    let mut spans = vec![
        Span::styled(format!(" {time} "), theme::STATUS_BAR),
        Span::styled(format!(" {operator} "), theme::STATUS_OPERATOR),
        alert_area(app),
    ];
    // Tampering found at start stays in view, whatever else is said.
    if let Some(w) = &app.integrity {
        spans.push(Span::styled(format!(" {} ", clean(w)), theme::STATUS_ALERT));
    }
    // A locked screen says nothing of what was last done.
    let message = if app.locked.is_some() {
        String::new()
    } else {
        app.message.as_ref().map(|m| clean(&m.text)).unwrap_or_default()
    };
    // The roster strip (duty leader and phone; the next shift when wide). On a narrow screen a
    // fresh message takes its place until the message expires; a gap in the roster never yields.
    let wide = area.width >= 120;
    if let Some((text, style)) = roster_screen::strip(app, app.now, wide)
        && (wide || message.is_empty() || style == theme::STATUS_ALERT)
    {
        spans.push(Span::styled(format!(" {text} "), style));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = usize::from(area.width).saturating_sub(used);
    let style = if message.contains("失败") {
        theme::ERROR
    } else if message.starts_with("已保存") {
        theme::OK
    } else {
        theme::NOTICE
    };
    spans.push(Span::styled(
        format!(" {}", truncate(&message, room.saturating_sub(1))),
        style.patch(ratatui::style::Style::new().bg(ratatui::style::Color::DarkGray)),
    ));
    let filled: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::styled(
        " ".repeat(usize::from(area.width).saturating_sub(filled)),
        theme::STATUS_BAR,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The status line's alert area: how many events need someone.
fn alert_area(app: &App) -> Span<'static> {
    let alerts = app.alerts();
    let entries = app.unacked_entry_alerts().len();
    let unacked = alerts
        .iter()
        .filter(|e| e.escalation.state == crate::core::urgent::EventState::New)
        .count()
        + entries;
    match (alerts.len() + entries, unacked) {
        (0, _) => Span::styled(" 告警：无 ", theme::STATUS_BAR),
        (_, 0) => Span::styled(format!(" 告警：{} 件报送未完成 ", alerts.len()), theme::STATUS_ALERT),
        (_, n) => Span::styled(format!(" 告警：{n} 件未确认 F2 "), theme::STATUS_ALERT),
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
        spans.push(Span::styled(format!(" {keys}"), theme::HINT_KEY));
        spans.push(Span::styled(format!(" {what} "), theme::HINT_TEXT));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
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
    for (i, p) in people.iter().enumerate() {
        let text = format!(
            "  {}  {}  {}",
            crate::core::text::pad(&clean(&p.name), 12),
            crate::core::text::pad(p.role.label(), 10),
            clean(&p.phone)
        );
        let style = if i == app.picker_selected {
            theme::SELECTED
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
        theme::HEADER,
    );
}

/// The lock screen: no record, no message; alerts by category and time only.
fn render_lock(frame: &mut Frame, area: Rect, app: &App, lock: &crate::core::lock::Lock) {
    let block = Block::bordered()
        .title(Span::styled(" 屏幕已锁定 ", theme::DIALOG))
        .border_style(theme::BORDER);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let operator = app.operator.as_deref().map(clean).unwrap_or_default();
    let stars = "*".repeat(lock.pin.text().chars().count());
    let mut lines = vec![
        Line::raw(""),
        Line::raw(format!("  值班员：{operator}")),
        Line::raw("  输入本人 PIN（4-8 位数字）后按 Enter 解锁；尚未设定 PIN 的，此次输入即设为 PIN。"),
        Line::raw(""),
        Line::from(vec![
            Span::styled("  PIN：", theme::LABEL_FOCUSED),
            Span::raw(stars.clone()),
        ]),
    ];
    if let Some(e) = &lock.error {
        lines.push(Line::styled(format!("  {}", clean(e)), theme::ERROR));
    } else if lock.checking {
        lines.push(Line::styled("  正在核对…", theme::NOTICE));
    } else {
        lines.push(Line::raw(""));
    }
    let alerts = app.alerts();
    let entries = app.unacked_entry_alerts();
    if !alerts.is_empty() || !entries.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("  紧急事项（锁屏时不显示内容）：", theme::URGENT));
        for e in alerts {
            let state = if e.escalation.state == crate::core::urgent::EventState::New {
                "未确认"
            } else {
                "报送未完成"
            };
            lines.push(Line::styled(
                truncate(
                    &format!(
                        "  {} {} {} 接报 · {state} · 电话报告 {}",
                        e.record.level.label(),
                        clean(&e.record.category),
                        e.record.received_at.format("%H:%M"),
                        e.phone_clock(app.now).describe()
                    ),
                    usize::from(inner.width),
                ),
                theme::URGENT,
            ));
        }
        for a in entries {
            lines.push(Line::styled(
                format!("  值班记录紧急提醒 {} · 未确认", a.created_at.format("%H:%M")),
                theme::URGENT,
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position((inner.x + to_u16(7 + stars.len()), inner.y + 4));
}

fn render_help(frame: &mut Frame, area: Rect, mode: Mode) {
    let bindings: Vec<_> = keymap::bindings_for(mode).collect();
    let h = to_u16(bindings.len() + 5).min(area.height);
    let box_area = centered(area, 64, h);
    let mut lines = vec![Line::raw("")];
    for b in bindings {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}", crate::core::text::pad(&keymap::keys_label(b), 22)),
                theme::HINT_KEY,
            ),
            Span::raw(b.action.describe()),
        ]));
    }
    if mode == Mode::Form {
        lines.push(Line::styled(
            "  在表单中直接输入文字（含中文输入法）；字母不会触发命令。",
            theme::NOTICE,
        ));
    }
    lines.push(Line::styled("  Esc 关闭帮助", theme::PLACEHOLDER));
    dialog(frame, box_area, "帮助 · 按键", lines, theme::HEADER);
}
