//! Draws 督办: each open 交办 by 时限 — its state (overdue in red, due soon in yellow), to whom,
//! the record it belongs to, the 要求 and the last 反馈 — wrapped, never cut.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::instruction::TaskAlert;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.tasks;
    let warn = app.settings.instruction.task_warn_before;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.rows.is_empty() {
        lines.push(Line::styled(
            "没有未办结的交办事项。打开一条记录按 t 交办（可依据领导批示）。",
            theme::ok(),
        ));
    } else {
        let overdue = screen
            .rows
            .iter()
            .filter(|t| t.alert(app.now, warn) == TaskAlert::Overdue)
            .count();
        let head = format!("未办结 {} 项，其中超期 {overdue} 项（按时限排列）", screen.rows.len());
        lines.push(Line::styled(
            head,
            if overdue > 0 { theme::urgent() } else { theme::header() },
        ));
    }
    let groups: Vec<Vec<Line<'static>>> = screen
        .rows
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let alert = t.alert(app.now, warn);
            let style = if i == screen.selected {
                theme::selected()
            } else {
                match alert {
                    TaskAlert::Overdue => theme::urgent(),
                    TaskAlert::DueSoon => theme::ask_leader(),
                    TaskAlert::Quiet => Style::new(),
                }
            };
            let head = format!(
                "第 {} 号  {}  {}  时限 {}",
                t.id,
                t.short_state(app.now, warn),
                clean(&t.assignee),
                t.due.format("%m-%d %H:%M")
            );
            let mut about = format!("{}：{}", t.item.label(), clean(crate::core::text::first_line(&t.about)));
            if !t.requirement.is_empty() {
                about.push_str(&format!("；要求：{}", clean(&t.requirement)));
            }
            let last = t.feedback.last().map_or_else(
                || "尚无反馈".to_string(),
                |f| format!("最近反馈 {}：{}", f.at.format("%m-%d %H:%M"), clean(&f.text)),
            );
            let mut group = Vec::new();
            push_wrapped(&mut group, &head, 0, cells, style);
            push_wrapped(&mut group, &about, 4, cells, Style::new());
            push_wrapped(&mut group, &last, 4, cells, theme::placeholder());
            // What the SMS hook did when it fell overdue (`[notify] uses = ["交办逾期"]`).
            if let Some(sent) = app
                .shared
                .follow_ups
                .last_send(crate::core::hook::SendKind::OverdueTask, t.id)
            {
                let text = format!("催办 {}：{}", sent.at.format("%m-%d %H:%M"), clean(&sent.line));
                push_wrapped(&mut group, &text, 4, cells, theme::placeholder());
            }
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered()
        .title(" 督办：交办事项 ")
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
