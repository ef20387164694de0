//! Draws 查岗: the rounds, newest first, each with its summary (应查、查通、未接 by name); or one
//! round with every duty room's number and outcome, the selected one being what the next
//! `y` / `x` / `o` records.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::spotcheck::{CheckOutcome, SpotCheck};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.spotchecks;
    if let Some(r) = screen.shown_round() {
        render_round(frame, area, r, screen.detail.map_or(0, |(_, i)| i));
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
            "还没有查岗记录。按 n 开始：选一个值班室分组（来自通讯录），逐个拨打，一键记录在岗、未接或非值班人员接听。",
            0,
            cells,
            theme::hint_text(),
        );
    } else {
        lines.push(Line::styled(
            format!("最近 {} 次查岗", screen.rounds.len()),
            theme::header(),
        ));
    }
    let groups: Vec<Vec<Line<'static>>> = screen
        .rounds
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let summary = r.summary();
            let style = if i == screen.selected {
                theme::selected()
            } else if !summary.no_answer.is_empty() || !summary.not_on_duty.is_empty() {
                theme::ask_leader()
            } else {
                Style::new()
            };
            let group_name = if r.group.is_empty() {
                "手写对象".to_string()
            } else {
                clean(&r.group)
            };
            let head = format!(
                "第 {} 次  {}  {}  {}：{}",
                r.id,
                r.started_at.format("%m-%d %H:%M"),
                clean(&r.started_by),
                group_name,
                summary.sentence()
            );
            let mut group = Vec::new();
            push_wrapped(&mut group, &head, 0, cells, style);
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered().title(" 查岗 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_round(frame: &mut Frame, area: Rect, r: &SpotCheck, selected: usize) {
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let mut lines = Vec::new();
    let head = if r.finished() {
        format!("已查完：{}", r.summary().sentence())
    } else {
        format!(
            "{}。选中值班室：在岗 y，未接 x，非值班人员接听 o",
            r.summary().sentence()
        )
    };
    push_wrapped(&mut lines, &head, 0, cells, theme::header());
    let groups: Vec<Vec<Line<'static>>> = r
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let style = if i == selected {
                theme::selected()
            } else {
                match u.outcome() {
                    Some(CheckOutcome::OnDuty) => theme::done(),
                    Some(CheckOutcome::NoAnswer | CheckOutcome::NotOnDuty) => theme::urgent(),
                    None => Style::new(),
                }
            };
            let phone = if u.phone.is_empty() {
                "（无号码）".to_string()
            } else {
                u.phone.clone()
            };
            let mut group = Vec::new();
            push_wrapped(
                &mut group,
                &format!("{:>2}. {}  {}  {}", i + 1, clean(&u.unit), phone, u.state_label()),
                0,
                cells,
                style,
            );
            group
        })
        .collect();
    let room = rows.saturating_sub(lines.len()).max(1);
    lines.extend(in_view(&groups, selected, room));
    let group_name = if r.group.is_empty() {
        String::new()
    } else {
        format!("：{}", clean(&r.group))
    };
    let block = Block::bordered()
        .title(format!(" 第 {} 次查岗{group_name} ", r.id))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
