//! Draws 电话通知: the notices (unfinished first, each with how many are reached), or one notice
//! with its content and every recipient's state; the selected recipient is the one the next
//! `y` / `x` records.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::instruction::{PhoneNotice, RecipientState};
use crate::core::text::first_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.notices;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    if let Some(n) = screen.shown_notice() {
        render_notice(frame, area, app, n, screen.detail.map_or(0, |(_, r)| r));
        return;
    }
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.open.is_empty() && screen.done.is_empty() {
        lines.push(Line::styled(
            "还没有电话通知。按 n 新建：写一次内容，列出全部通知对象，逐个拨打记录。",
            theme::hint_text(),
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "未完成 {} 份（在前），最近已完成 {} 份",
                screen.open.len(),
                screen.done.len()
            ),
            theme::header(),
        ));
    }
    let groups: Vec<Vec<Line<'static>>> = screen
        .all()
        .enumerate()
        .map(|(i, n)| {
            let (reached, total) = n.progress();
            let state = if n.is_done() {
                "已完成".to_string()
            } else {
                format!("已通知 {reached}/{total}")
            };
            let style = if i == screen.selected {
                theme::selected()
            } else if n.is_done() {
                theme::done()
            } else {
                theme::ask_leader()
            };
            let head = format!(
                "第 {} 号  {}  {}  {}",
                n.id,
                n.recorded_at.format("%m-%d %H:%M"),
                state,
                clean(first_line(&n.content))
            );
            let mut group = Vec::new();
            push_wrapped(&mut group, &head, 0, cells, style);
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered().title(" 电话通知 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_notice(frame: &mut Frame, area: Rect, app: &App, n: &PhoneNotice, selected: usize) {
    let retry = app.settings.instruction.notice_retry_after;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    let (reached, total) = n.progress();
    let head = if n.is_done() {
        format!("全部 {total} 个对象已通知")
    } else {
        format!("已通知 {reached}/{total}：选中对象，接通按 y，未接通按 x")
    };
    push_wrapped(
        &mut lines,
        &head,
        0,
        cells,
        if n.is_done() { theme::ok() } else { theme::header() },
    );
    push_wrapped(
        &mut lines,
        &format!("内容：{}", clean(&n.content)),
        0,
        cells,
        Style::new(),
    );
    if let Some(at) = n.meeting_at {
        let place = if n.place.is_empty() {
            String::new()
        } else {
            format!("，地点：{}", clean(&n.place))
        };
        push_wrapped(
            &mut lines,
            &format!("会议：{}{place}", at.format("%Y-%m-%d %H:%M")),
            0,
            cells,
            Style::new(),
        );
    }
    if n.reply_needed {
        push_wrapped(&mut lines, "须回复", 0, cells, theme::ask_leader());
    }
    let groups: Vec<Vec<Line<'static>>> = n
        .recipients
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let state = r.state(retry);
            let style = if i == selected {
                theme::selected()
            } else {
                match state {
                    RecipientState::Notified { .. } => theme::done(),
                    RecipientState::NotReached { retry_at, .. } if retry_at <= app.now => theme::urgent(),
                    RecipientState::NotReached { .. } => theme::ask_leader(),
                    RecipientState::Waiting => Style::new(),
                }
            };
            let mut group = Vec::new();
            // The number to ring, from the directory (the one place for numbers).
            let phone = app
                .shared
                .directory
                .phone_of(&r.name)
                .map(|p| format!("  {p}"))
                .unwrap_or_default();
            push_wrapped(
                &mut group,
                &format!("{:>2}. {}{phone}  {}", i + 1, clean(&r.name), clean(&state.label())),
                0,
                cells,
                style,
            );
            // What the SMS hook did after an unanswered call (`[notify] uses = ["电话通知"]`).
            if let Some(sent) = app
                .shared
                .follow_ups
                .last_send(crate::core::hook::SendKind::NoticeCall, r.id)
            {
                let text = format!("{}：{}", sent.at.format("%m-%d %H:%M"), clean(&sent.line));
                push_wrapped(&mut group, &text, 4, cells, theme::placeholder());
            }
            group
        })
        .collect();
    let room = rows.saturating_sub(lines.len()).max(1);
    lines.extend(in_view(&groups, selected, room));
    let block = Block::bordered()
        .title(format!(" 第 {} 号电话通知 ", n.id))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
