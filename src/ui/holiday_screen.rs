//! Draws 节日值班表: the holiday rounds with who has not sent their roster and whether the
//! office reported upward; or one round with every unit (received when, or 未报), the selected
//! one being what the next `y` marks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::holiday::HolidayRound;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.holidays;
    if let Some(r) = screen.shown_round() {
        render_round(frame, area, app, r, screen.detail.map_or(0, |(_, i)| i));
        return;
    }
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.rounds.is_empty() {
        push_wrapped(
            &mut lines,
            "近期没有节日值班表收集。节前按 n 新建：写明节日、收齐日期和须报送的单位（可选通讯录分组），收到一家按 y 登记一家。",
            0,
            cells,
            theme::hint_text(),
        );
    } else {
        lines.push(Line::styled("节日值班表（收齐日期近的在前）", theme::header()));
    }
    let remind = app.settings.documents.holiday_remind_before;
    let groups: Vec<Vec<Line<'static>>> = screen
        .rounds
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let style = if r.needs_reminder(app.now, remind) && r.overdue(app.now) {
                theme::urgent()
            } else if r.needs_reminder(app.now, remind) {
                theme::ask_leader()
            } else {
                Style::new()
            };
            let style = if i == screen.selected {
                style.patch(theme::selected())
            } else {
                style
            };
            let mut group = Vec::new();
            push_wrapped(
                &mut group,
                &format!("{}：{}", clean(&r.holiday), r.state_line(app.now)),
                0,
                cells,
                style,
            );
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered().title(" 节日值班表 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_round(frame: &mut Frame, area: Rect, app: &App, r: &HolidayRound, selected: usize) {
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    push_wrapped(&mut lines, &r.state_line(app.now), 0, cells, theme::header());
    push_wrapped(
        &mut lines,
        "选中单位：收到按 y；本单位上报按 s",
        0,
        cells,
        theme::hint_text(),
    );
    let groups: Vec<Vec<Line<'static>>> = r
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let (state, style) = match &u.received {
                Some((at, _, by)) => (
                    format!("已收到 {}（{}登记）", at.format("%m-%d %H:%M"), clean(by)),
                    theme::done(),
                ),
                None if r.overdue(app.now) => ("未报（已过收齐日期）".to_string(), theme::urgent()),
                None => ("未报".to_string(), Style::new()),
            };
            let style = if i == selected {
                style.patch(theme::selected())
            } else {
                style
            };
            let mut group = Vec::new();
            push_wrapped(
                &mut group,
                &format!("{:>2}. {}  {state}", i + 1, clean(&u.unit)),
                0,
                cells,
                style,
            );
            group
        })
        .collect();
    let room = rows.saturating_sub(lines.len() + r.reports.len()).max(1);
    lines.extend(in_view(&groups, selected, room));
    for rep in &r.reports {
        let via = if rep.via.is_empty() {
            String::new()
        } else {
            format!("（{}）", clean(&rep.via))
        };
        push_wrapped(
            &mut lines,
            &format!("本单位已上报 {} {}{via}", clean(&rep.to), rep.at.format("%m-%d %H:%M")),
            0,
            cells,
            theme::ok(),
        );
    }
    let block = Block::bordered()
        .title(format!(" {}：节日值班表 ", clean(&r.holiday)))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
