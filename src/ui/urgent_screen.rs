//! Draws the 紧急事项 tab (open events with their clocks, the selected one's contacts, 待核实
//! elements and timeline, the new-event form) and the alert banner shown on every screen.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use super::form::render_form;
use super::theme;
use super::widgets::clean;
use crate::core::app::App;
use crate::core::text::{truncate, width};
use crate::core::urgent::{Event, EventState, Urgency, contacts};

const BANNER_RED: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Red)
    .add_modifier(Modifier::BOLD);
const BANNER_AMBER: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);

fn urgency_style(u: Urgency) -> Style {
    match u {
        Urgency::Red => theme::URGENT,
        Urgency::Amber => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Urgency::Calm => Style::new(),
    }
}

/// "带班领导 王五 13800000003"
fn who_to_phone(app: &App, e: &Event) -> String {
    app.settings
        .urgent
        .ladder
        .get(e.escalation.rung)
        .map(|rung| who_to_phone_at(app, rung))
        .unwrap_or_default()
}

fn who_to_phone_at(app: &App, rung: &crate::core::escalation::Rung) -> String {
    let people: Vec<String> = contacts(&app.settings, rung)
        .into_iter()
        .map(|(n, p)| format!("{n} {p}").trim().to_string())
        .collect();
    if people.is_empty() {
        rung.name.clone()
    } else {
        format!("{}：{}", rung.name, people.join("、"))
    }
}

/// The banner: two rows that cannot be missed, on every screen, while any event needs someone.
pub fn render_banner(frame: &mut Frame, area: Rect, app: &App) {
    let alerts = app.alerts();
    let styled_line = |s: &str, style: Style| {
        let cells = usize::from(area.width);
        let t = truncate(s, cells);
        let pad = cells.saturating_sub(width(&t));
        Line::from(Span::styled(format!("{t}{}", " ".repeat(pad)), style))
    };
    // An unacknowledged event comes first; an urgent log entry shows when no event waits.
    let entry_first = alerts.first().is_none_or(|e| e.escalation.state != EventState::New);
    if let Some(a) = app.unacked_entry_alerts().first().filter(|_| entry_first) {
        let rung = app.settings.urgent.ladder.get(a.escalation.rung);
        let phone = rung.map(|r| who_to_phone_at(app, r)).unwrap_or_default();
        let first = format!(
            " 【紧急·未确认】按 F2 确认  第{}号值班记录 {}",
            a.entry_id,
            clean(&a.title)
        );
        let second = format!(" {} 起提醒；请电话 {phone}", a.created_at.format("%H:%M"));
        frame.render_widget(
            Paragraph::new(vec![styled_line(&first, BANNER_RED), styled_line(&second, BANNER_RED)]),
            area,
        );
        return;
    }
    let Some(top) = alerts.first() else { return };
    let now = app.now;
    let unacked = top.escalation.state == EventState::New;
    let style = if unacked || top.urgency(now) == Urgency::Red {
        BANNER_RED
    } else {
        BANNER_AMBER
    };
    let cells = usize::from(area.width);
    let more = if alerts.len() > 1 {
        format!("（另有 {} 件）", alerts.len() - 1)
    } else {
        String::new()
    };
    let first = if unacked {
        format!(
            " 【紧急·未确认】按 F2 确认  第{}号 {} {} {} {}接报{more}",
            top.id,
            top.record.level.label(),
            top.record.category,
            clean(&top.record.place),
            top.record.received_at.format("%H:%M"),
        )
    } else {
        format!(
            " 【紧急·报送未完成】第{}号 {} {} 已确认{more}",
            top.id,
            top.record.level.label(),
            top.record.category
        )
    };
    let phone = top.phone_clock(now).describe();
    let written = top.written_clock(now).describe();
    let second = if unacked {
        format!(
            " 电话报告 {phone}；书面 {written}；请电话 {}；依据 {}",
            who_to_phone(app, top),
            clean(&top.record.rule.source)
        )
    } else {
        format!(
            " 电话报告 {phone}；书面 {written}；依据 {}",
            clean(&top.record.rule.source)
        )
    };
    let line = |s: &str| {
        let t = truncate(s, cells);
        let pad = cells.saturating_sub(width(&t));
        Line::from(Span::styled(format!("{t}{}", " ".repeat(pad)), style))
    };
    frame.render_widget(Paragraph::new(vec![line(&first), line(&second)]), area);
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    if let Some(form) = &app.urgent.form {
        render_form(frame, area, form);
        return;
    }
    // At least four rows (borders, header, one event), at most half the area; never more than
    // the area (a short window: `clamp` would panic with its minimum above its maximum).
    let list_height = u16::try_from(app.events.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3)
        .min(area.height / 2)
        .max(4)
        .min(area.height);
    let [list_area, detail_area] = Layout::vertical([Constraint::Length(list_height), Constraint::Fill(1)]).areas(area);
    let block = Block::bordered()
        .title(Span::styled(" 紧急事项（未结束） ", theme::HEADER))
        .border_style(theme::BORDER);
    if app.events.is_empty() {
        let text = vec![Line::raw(
            "  没有未结束的紧急事件。按 n 新建；在值班记录详情中按 u 可由记录转为紧急事件。",
        )];
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    let wide = area.width >= 120;
    let rows = app.events.iter().enumerate().map(|(i, e)| {
        let phone = e.phone_clock(app.now);
        let written = e.written_clock(app.now);
        let style = if i == app.urgent.selected {
            theme::SELECTED
        } else {
            Style::new()
        };
        Row::new(vec![
            Line::raw(format!("{}", e.id)),
            Line::raw(e.record.level.label()),
            Line::raw(clean(&e.record.category)),
            Line::raw(
                e.record
                    .received_at
                    .format(if wide { "%m-%d %H:%M" } else { "%H:%M" })
                    .to_string(),
            ),
            Line::raw(e.escalation.state.label()),
            Line::styled(phone.describe(), urgency_style(phone.urgency())),
            Line::styled(written.describe(), urgency_style(written.urgency())),
            Line::raw(clean(&format!("{} {}", e.record.place, e.record.summary))),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(4),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(if wide { 11 } else { 5 }),
        Constraint::Length(6),
        Constraint::Length(if wide { 22 } else { 14 }),
        Constraint::Length(if wide { 22 } else { 14 }),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "编号",
        "等级",
        "类别",
        "接报",
        "状态",
        "电话报告",
        "书面报告",
        "地点/概况",
    ])
    .style(theme::HEADER);
    frame.render_widget(
        Table::new(rows, widths).header(header).block(block).column_spacing(1),
        list_area,
    );
    if let Some(e) = app.events.get(app.urgent.selected) {
        render_event_detail(frame, detail_area, app, e, app.now);
    }
}

fn render_event_detail(frame: &mut Frame, area: Rect, app: &App, e: &Event, now: NaiveDateTime) {
    let block = Block::bordered()
        .title(Span::styled(format!(" 第 {} 号事件 ", e.id), theme::HEADER))
        .border_style(theme::BORDER);
    let r = &e.record;
    let count = |n: Option<u32>| n.map_or_else(|| "待核实".to_string(), |n| n.to_string());
    let mut lines = vec![
        Line::raw(clean(&format!(
            "事发 {}  接报 {}  地点 {}  来源 {}",
            r.occurred_at.format("%m-%d %H:%M"),
            r.received_at.format("%m-%d %H:%M"),
            if r.place.is_empty() { "待核实" } else { &r.place },
            if r.source.is_empty() { "待核实" } else { &r.source }
        ))),
        Line::raw(clean(&format!("概况：{}", r.summary))),
        Line::raw(format!(
            "伤亡：死亡 {}，失踪 {}，受伤 {}",
            count(r.deaths),
            count(r.missing),
            count(r.injured)
        )),
        Line::styled(clean(&e.clock_strip(now)), urgency_style(e.urgency(now))),
    ];
    if let Some(entry_id) = r.log_entry_id {
        lines.push(Line::styled(
            format!("由第 {entry_id} 号值班记录转来"),
            theme::PLACEHOLDER,
        ));
    }
    let unverified = r.unverified();
    if !unverified.is_empty() {
        lines.push(Line::styled(
            format!("待核实：{}", unverified.join("、")),
            theme::NOTICE,
        ));
    }
    if e.escalation.state == EventState::New {
        lines.push(Line::styled(
            format!("未确认，当前提醒：{}（F2 或 a 确认）", who_to_phone(app, e)),
            theme::URGENT,
        ));
    } else {
        lines.push(Line::raw(format!(
            "状态：{}（r 标为已处置，c 结束）",
            e.escalation.state.label()
        )));
    }
    lines.push(Line::styled("时间线：", theme::HEADER));
    if let Some((id, timeline)) = &app.urgent.timeline
        && *id == e.id
    {
        for t in timeline.iter().rev() {
            lines.push(Line::raw(clean(&format!(
                "  {} {} {}",
                t.at.format("%m-%d %H:%M:%S"),
                t.who,
                t.text
            ))));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
