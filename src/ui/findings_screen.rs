//! Draws 完整性发现: each finding newest first — number, when and how it was found, the record
//! and what was wrong — waiting ones marked, acknowledged ones with who and when.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::findings_screen::table_label;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.findings;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.rows.is_empty() {
        lines.push(Line::styled("没有完整性发现：没有发现程序之外的改动。", theme::ok()));
    }
    // A finding's state first (so even 60 columns show whether it waits), then what and how found,
    // wrapped: nothing is cut.
    let groups: Vec<Vec<Line<'static>>> = screen
        .rows
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let how = if f.found_by == "（系统）" {
                "检查时发现".to_string()
            } else {
                format!("{} 写入时发现", clean(&f.found_by))
            };
            let state = match &f.acknowledged {
                Some((by, at)) => format!("已由 {} 于 {} 确认", clean(by), at.format("%m-%d %H:%M")),
                None => "待领导确认".to_string(),
            };
            let head = format!(
                "第 {} 项  {}  {} 第 {} 行（{}）",
                f.id,
                state,
                table_label(&f.table),
                f.row_id,
                clean(&f.table)
            );
            let detail = format!("{}；{} {}", clean(&f.what), f.found_at.format("%m-%d %H:%M"), how);
            let style = if i == screen.selected {
                theme::selected()
            } else if f.acknowledged.is_none() {
                theme::error()
            } else {
                theme::done()
            };
            let mut group = Vec::new();
            push_wrapped(&mut group, &head, 0, cells, style);
            push_wrapped(&mut group, &detail, 8, cells, style);
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(5).max(1)));
    lines.push(Line::raw(""));
    push_wrapped(
        &mut lines,
        "程序不会在被外部改动过的行上继续写入。领导核实该行现在的内容后按 c、输入本人 PIN 确认；确认记入审计，这项发现永久保留。命令行：zhiban verify 查看全部，zhiban audit ack 编号 --operator 领导。",
        0,
        cells,
        theme::hint_text(),
    );
    let block = Block::bordered().title(" 完整性发现 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
