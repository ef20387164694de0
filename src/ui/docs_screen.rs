//! Draws 收文登记: documents waiting for a 签收 first, then the newest; or one document with its
//! fields in the register's order and every forward with its 签收 (the selected one is what `s`
//! signs). A secret item shows only its arrival and the 机要员 told.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_labelled, push_wrapped};
use crate::core::app::App;
use crate::core::document::{Document, ForwardState, Urgency};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.documents;
    if let Some(d) = screen.shown_document() {
        render_document(frame, area, app, d, screen.detail.map_or(0, |(_, r)| r));
        return;
    }
    let s = &app.settings.documents;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.open.is_empty() && screen.recent.is_empty() {
        lines.push(Line::styled(
            "还没有收文。按 n 登记文件、传真或明电：先选密级，密件只登记收到和告知机要员。",
            theme::hint_text(),
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "待签收 {} 件（在前），最近收文 {} 件",
                screen.open.len(),
                screen.recent.len()
            ),
            theme::header(),
        ));
    }
    let groups: Vec<Vec<Line<'static>>> = screen
        .all()
        .enumerate()
        .map(|(i, d)| {
            let style = if d.overdue(app.now, s) {
                theme::urgent()
            } else if d.urgency == Urgency::Immediate && d.forwards.iter().any(|f| f.signature.is_none()) {
                theme::ask_leader()
            } else {
                Style::new()
            };
            // The selected row keeps its colour, reversed: an overdue one stays red.
            let style = if i == screen.selected {
                style.patch(theme::selected())
            } else {
                style
            };
            let head = format!(
                "{}  {}{}  {}  {}  {}",
                d.serial_label(),
                d.urgency.label(),
                d.kind.label(),
                d.received_at.format("%m-%d %H:%M"),
                d.state_label(app.now, s),
                clean(&d.list_text())
            );
            let mut group = Vec::new();
            push_wrapped(&mut group, &head, 0, cells, style);
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered().title(" 收文登记 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_document(frame: &mut Frame, area: Rect, app: &App, d: &Document, selected: usize) {
    let s = &app.settings.documents;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    // 告知机要员 (five characters) is the widest label.
    let label = 11;
    push_labelled(&mut lines, "收文编号", label, &d.serial_label(), cells);
    push_labelled(
        &mut lines,
        "类别",
        label,
        &format!("{}  {}  {}", d.kind.label(), d.urgency.label(), d.secrecy.label()),
        cells,
    );
    push_labelled(&mut lines, "来文单位", label, &clean(&d.from), cells);
    if d.secrecy.is_secret() {
        push_wrapped(
            &mut lines,
            "密件：不录入文号、标题和内容，不代收代转（002:1522，000:162）",
            0,
            cells,
            theme::ask_leader(),
        );
        let told = d
            .clerk_told_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        push_labelled(
            &mut lines,
            "告知机要员",
            label,
            &format!("{} {told}", clean(&d.clerk)),
            cells,
        );
    } else {
        if !d.number.is_empty() {
            push_labelled(&mut lines, "文号", label, &clean(&d.number), cells);
        }
        push_labelled(&mut lines, "标题", label, &clean(&d.title), cells);
    }
    let pages = d.pages.map(|p| format!("，{p} 页")).unwrap_or_default();
    push_labelled(&mut lines, "份数", label, &format!("{} 份{pages}", d.copies), cells);
    push_labelled(
        &mut lines,
        "收到时间",
        label,
        &d.received_at.format("%Y-%m-%d %H:%M").to_string(),
        cells,
    );
    if !d.note.is_empty() {
        push_labelled(&mut lines, "备注", label, &clean(&d.note), cells);
    }
    push_labelled(
        &mut lines,
        "登记人",
        label,
        &format!("{} {}", clean(&d.recorded_by), d.recorded_at.format("%m-%d %H:%M")),
        cells,
    );
    if d.forwards.is_empty() {
        if !d.secrecy.is_secret() {
            push_wrapped(&mut lines, "尚未转交：按 f 转交", 0, cells, theme::hint_text());
        }
    } else {
        push_wrapped(
            &mut lines,
            "转交与签收（选中后按 s 记录签收）",
            0,
            cells,
            theme::header(),
        );
    }
    let groups: Vec<Vec<Line<'static>>> = d
        .forwards
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let style = match f.state(app.now, s) {
                ForwardState::Signed { .. } => theme::done(),
                ForwardState::Waiting { overdue: true } => theme::urgent(),
                ForwardState::Waiting { overdue: false } => theme::ask_leader(),
            };
            let style = if i == selected {
                style.patch(theme::selected())
            } else {
                style
            };
            let mut group = Vec::new();
            push_wrapped(
                &mut group,
                &format!("{:>2}. {}", i + 1, clean(&f.line(app.now, s))),
                0,
                cells,
                style,
            );
            group
        })
        .collect();
    let room = rows.saturating_sub(lines.len()).max(1);
    lines.extend(in_view(&groups, selected, room));
    let block = Block::bordered()
        .title(format!(" {} ", d.serial_label()))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
