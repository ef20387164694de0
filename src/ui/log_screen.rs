//! Draws the 值班记录 screen: the list, an entry's detail with its history, and its forms.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use super::form::render_form;
use super::theme;
use super::widgets::{clean, push_wrapped};
use chrono::NaiveDateTime;

use crate::core::app::App;
use crate::core::instruction::{RequestState, TaskAlert, owner, request_label, request_state};
use crate::core::log::{Entry, EntryKind, EntrySummary, LogField, Status, Triage};
use crate::core::log_screen::{DetailView, LogList};
use crate::core::settings::Settings;
use crate::core::text::{first_line, pad, truncate, wrap};
use crate::core::validate::format_minute;

/// Rows of chrome around the list inside its area: two borders and the header.
pub const LIST_CHROME_ROWS: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.log;
    if let Some(form) = &screen.form {
        render_form(frame, area, &form.form);
    } else if let Some(detail) = &screen.detail {
        render_detail(frame, area, detail, app.now, &app.settings);
    } else {
        render_list(frame, area, &screen.list, screen.marked);
    }
}

/// The mark on the row of the entry just saved.
pub const JUST_SAVED: &str = "〔刚保存〕";

fn row_style(row: &EntrySummary) -> Style {
    match (row.status, row.triage) {
        (Status::Done, _) => theme::done(),
        (_, Triage::Urgent) => theme::urgent(),
        (_, Triage::AskLeader) => theme::ask_leader(),
        _ => Style::new(),
    }
}

/// Who: unit and person together, whichever exist.
fn who(row: &EntrySummary) -> String {
    match (row.unit.is_empty(), row.person.is_empty()) {
        (false, false) => format!("{} {}", row.unit, row.person),
        (false, true) => row.unit.clone(),
        _ => row.person.clone(),
    }
}

fn render_list(frame: &mut Frame, area: Rect, list: &LogList, marked: Option<i64>) {
    let wide = area.width >= 120;
    let title = if list.more_newer {
        " 值班记录（按时间，最新在上；上方还有更新的记录）"
    } else {
        " 值班记录（按时间，最新在上） "
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme::header()))
        .border_style(theme::border());
    if !list.loaded {
        let text = match &list.load_error {
            Some(e) => format!("读取失败：{}。处理后按 g（或 Home）重新读取", clean(e)),
            None => "正在读取…".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    }
    if list.rows.is_empty() {
        let text = vec![Line::raw(""), Line::raw("  还没有值班记录。按 n 新建第一条。")];
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    // Narrow (below 80 columns): no 类型 column (the detail has it), so the content keeps room.
    let narrow = area.width < 80;
    let (time_w, kind_w, who_w) = match (wide, narrow) {
        (true, _) => (16u16, 9u16, 28u16),
        (_, true) => (11, 0, 10),
        _ => (11, 9, 14),
    };
    let mut widths = vec![
        Constraint::Length(time_w),
        Constraint::Length(kind_w),
        Constraint::Length(who_w),
        Constraint::Fill(1),
        Constraint::Length(8),
        // 已办结, or 未联系上 on a row still waiting for its 请示.
        Constraint::Length(8),
    ];
    let columns = if narrow { 4 } else { 5 };
    let content_cells = usize::from(area.width.saturating_sub(2 + time_w + kind_w + who_w + 8 + 8 + columns));
    let mut header = vec!["时间", "类型", "单位/人员", "内容摘要", "分级", "状态"];
    if narrow {
        widths.remove(1);
        header.remove(1);
    }
    let header = Row::new(header).style(theme::header());
    let visible = usize::from(area.height.saturating_sub(LIST_CHROME_ROWS)).max(1);
    let rows = list.rows.iter().enumerate().skip(list.top).take(visible).map(|(i, r)| {
        let time = if wide {
            format_minute(r.occurred_at)
        } else {
            r.occurred_at.format("%m-%d %H:%M").to_string()
        };
        let style = if i == list.selected {
            row_style(r).patch(theme::selected())
        } else {
            row_style(r)
        };
        let mut cells = vec![
            time,
            r.kind.label().to_string(),
            truncate(&clean(&who(r)), usize::from(who_w)),
            // A just-saved entry is marked where it falls (a back-dated one sits below newer ones).
            truncate(
                &format!(
                    "{}{}",
                    // Only needed below the top: the newest row is where the eye already is.
                    if marked == Some(r.id) && i > 0 { JUST_SAVED } else { "" },
                    clean(first_line(&r.content))
                ),
                content_cells,
            ),
            r.triage.label().to_string(),
            // 未请示 / 未联系上 where the status goes: what the officer must do next.
            r.ask_mark()
                .map_or_else(|| r.status.label().to_string(), str::to_string),
        ];
        if narrow {
            cells.remove(1);
        }
        Row::new(cells).style(style)
    });
    let table = Table::new(rows, widths).header(header).block(block).column_spacing(1);
    frame.render_widget(table, area);
}

/// "label：value" lines, the value wrapped under itself.
fn field_lines(out: &mut Vec<Line<'static>>, label: &str, value: &str, cells: usize) {
    let label_cells = 12;
    let value = crate::core::text::sanitize(value, true);
    let value = if value.is_empty() {
        "（无）".to_string()
    } else {
        value
    };
    let value_cells = cells.saturating_sub(label_cells).max(10);
    for (i, r) in wrap(&value, value_cells).into_iter().enumerate() {
        let head = if i == 0 {
            pad(&format!("{label}："), label_cells)
        } else {
            " ".repeat(label_cells)
        };
        out.push(Line::from(vec![
            Span::styled(head, theme::label()),
            Span::raw(value.get(r).unwrap_or("").to_string()),
        ]));
    }
}

fn heading(out: &mut Vec<Line<'static>>, title: &str) {
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled(format!("【{title}】"), theme::header())));
}

/// Every line of an entry's detail, already wrapped to `cells`.
#[must_use]
pub fn detail_lines(entry: &Entry, cells: usize, now: NaiveDateTime, settings: &Settings) -> Vec<Line<'static>> {
    let s = &settings.instruction;
    let f = &entry.fields;
    let kind: EntryKind = f.kind;
    let mut out = Vec::new();
    let title_style = match f.triage {
        Triage::Urgent => theme::urgent(),
        Triage::AskLeader => theme::ask_leader(),
        _ => theme::header(),
    };
    let title = format!(
        "第 {} 号  {}  {}  {}",
        entry.id,
        kind.label(),
        f.triage.label(),
        f.status.label()
    );
    push_wrapped(&mut out, &title, 0, cells, title_style);
    if f.abroad {
        push_wrapped(
            &mut out,
            "境外来源：一律请示领导，不得自行答复",
            0,
            cells,
            theme::ask_leader(),
        );
    }
    if let Some(reason) = &f.withheld {
        push_wrapped(
            &mut out,
            &format!("内容不录入（不该记录的坚决不记）：{}", clean(reason)),
            0,
            cells,
            theme::ask_leader(),
        );
    }
    let state = request_state(f.triage.needs_request(f.abroad), &entry.requests, s.retry_after);
    if let Some((label, due)) = request_label(&state, now) {
        let text = match (&state, due) {
            (RequestState::NotYet, _) => format!("{label}：按 a 记录请示（联系上或未联系上都记）"),
            (RequestState::NotReached { .. }, true) => format!("{label}：已到再试时间，请再请示，按 a 记录"),
            _ => label,
        };
        let style = if matches!(state, RequestState::Reached { .. }) {
            theme::ok()
        } else {
            theme::ask_leader()
        };
        push_wrapped(&mut out, &clean(&text), 0, cells, style);
    }
    if !entry.events.is_empty() {
        let ids: Vec<String> = entry.events.iter().map(|id| format!("第 {id} 号")).collect();
        let text = format!("已转为{}紧急事件（在“紧急事项”栏查看报送时限和报告）", ids.join("、"));
        push_wrapped(&mut out, &text, 0, cells, theme::urgent());
    }
    heading(&mut out, "记录");
    for &field in LogField::RECORD {
        if field.applies_to(kind) {
            field_lines(&mut out, field.label(kind), &f.value(field), cells);
        }
    }
    field_lines(&mut out, "记录人", &f.recorded_by, cells);
    field_lines(&mut out, "记录时间", &format_minute(f.recorded_at), cells);
    let later: Vec<&str> = entry
        .amendments
        .iter()
        .map(|a| (a.amended_at, a.amended_by.as_str()))
        .chain(entry.requests.iter().map(|r| (r.recorded_at, r.recorded_by.as_str())))
        .chain(
            entry
                .instructions
                .iter()
                .map(|i| (i.recorded_at, i.recorded_by.as_str())),
        )
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    let first_owner = owner(&f.recorded_by, &later).unwrap_or_else(|| "（尚无人接手）".into());
    field_lines(&mut out, "首问责任人", &first_owner, cells);
    heading(&mut out, "办理");
    for &field in LogField::HANDLING {
        field_lines(&mut out, field.label(kind), &f.value(field), cells);
    }
    for c in &entry.closings {
        let text = format!("{}（{} {}）", c.describe(), c.recorded_by, format_minute(c.recorded_at));
        field_lines(&mut out, "结束方式", &text, cells);
    }
    if !entry.requests.is_empty() {
        heading(&mut out, &format!("请示（{} 次）", entry.requests.len()));
        for r in &entry.requests {
            let text = format!(
                "{} {}请示 {}：{}（{} 记录）",
                format_minute(r.at),
                r.via.label(),
                r.leader,
                if r.reached { "已联系上" } else { "未联系上" },
                r.recorded_by
            );
            let style = if r.reached { Style::new() } else { theme::placeholder() };
            push_wrapped(&mut out, &clean(&text), 2, cells, style);
        }
    }
    heading(&mut out, &format!("领导批示（{} 条）", entry.instructions.len()));
    if entry.instructions.is_empty() {
        push_wrapped(&mut out, "暂无。按 i 记录领导批示。", 2, cells, theme::placeholder());
    }
    for i in &entry.instructions {
        // Who and how first (a leader typed with the post can be longer than a label), then the
        // words verbatim.
        let number = i.id.map_or_else(String::new, |id| format!("第 {id} 号批示  "));
        let via = i.via.map_or_else(String::new, |v| format!("{}批示  ", v.label()));
        let head = format!("{number}{}  {via}{}", i.leader, format_minute(i.given_at));
        push_wrapped(&mut out, &clean(&head), 2, cells, theme::label());
        let text = crate::core::text::sanitize(&i.text, true);
        push_wrapped(&mut out, &text, 4, cells, Style::new());
        let by = format!("{} 记录于 {}", clean(&i.recorded_by), format_minute(i.recorded_at));
        push_wrapped(&mut out, &by, 4, cells, theme::placeholder());
    }
    if !entry.forwards.is_empty() {
        heading(
            &mut out,
            &format!("转交与签收（{} 项，r 记录签收）", entry.forwards.len()),
        );
        let docs = &settings.documents;
        for f in &entry.forwards {
            let style = match f.state(now, docs) {
                crate::core::document::ForwardState::Signed { .. } => theme::done(),
                crate::core::document::ForwardState::Waiting { overdue: true } => theme::urgent(),
                crate::core::document::ForwardState::Waiting { overdue: false } => theme::ask_leader(),
            };
            push_wrapped(&mut out, &clean(&f.line(now, docs)), 2, cells, style);
        }
    }
    if !entry.tasks.is_empty() {
        heading(&mut out, &format!("交办（{} 项）", entry.tasks.len()));
        for t in &entry.tasks {
            let alert = t.alert(now, s.task_warn_before);
            let style = match alert {
                TaskAlert::Overdue => theme::urgent(),
                TaskAlert::DueSoon => theme::ask_leader(),
                TaskAlert::Quiet => Style::new(),
            };
            let state = t.short_state(now, s.task_warn_before);
            let text = format!(
                "第 {} 号交办 {}：{state}；时限 {}{}",
                t.id,
                t.assignee,
                format_minute(t.due),
                if t.requirement.is_empty() {
                    String::new()
                } else {
                    format!("；要求：{}", t.requirement)
                }
            );
            push_wrapped(&mut out, &clean(&text), 2, cells, style);
            for fb in &t.feedback {
                let who = if fb.given_by.is_empty() {
                    String::new()
                } else {
                    format!("{} ", fb.given_by)
                };
                let text = format!(
                    "{} {who}反馈：{}{}",
                    format_minute(fb.at),
                    fb.text,
                    if fb.closes { "（办结）" } else { "" }
                );
                push_wrapped(&mut out, &clean(&text), 6, cells, theme::placeholder());
            }
        }
    }
    if !entry.alert.is_empty() {
        heading(&mut out, "紧急提醒");
        for t in &entry.alert {
            let text = clean(&format!("{} {} {}", format_minute(t.at), t.who, t.text));
            push_wrapped(&mut out, &text, 2, cells, Style::new());
        }
    }
    heading(&mut out, &format!("修改记录（{} 条）", entry.amendments.len()));
    if entry.amendments.is_empty() {
        push_wrapped(
            &mut out,
            "无。记录保存后不能直接修改；按 e 更正或补充，原值会留在这里。",
            2,
            cells,
            theme::placeholder(),
        );
    }
    for a in &entry.amendments {
        let text = format!(
            "{} {} 更正“{}”：{} 改为 {}（原因：{}）",
            format_minute(a.amended_at),
            a.amended_by,
            a.field.label(kind),
            if a.old_value.is_empty() {
                "（空）"
            } else {
                &a.old_value
            },
            if a.new_value.is_empty() {
                "（空）"
            } else {
                &a.new_value
            },
            a.reason
        );
        let text = crate::core::text::sanitize(&text, false);
        push_wrapped(&mut out, &text, 2, cells, Style::new());
    }
    out
}

fn render_detail(frame: &mut Frame, area: Rect, detail: &DetailView, now: NaiveDateTime, s: &Settings) {
    let mut block = Block::bordered()
        .title(Span::styled(format!(" 第 {} 号记录 ", detail.id), theme::header()))
        .border_style(theme::border());
    let Some(entry) = &detail.entry else {
        frame.render_widget(Paragraph::new("正在读取…").block(block), area);
        return;
    };
    let inner = block.inner(area);
    let lines = detail_lines(entry, usize::from(inner.width).saturating_sub(2), now, s);
    let height = usize::from(inner.height);
    let max_scroll = lines.len().saturating_sub(height);
    let scroll = detail.scroll.min(max_scroll);
    if max_scroll > 0 {
        // A block title, not a paragraph drawn over the border: ratatui's paragraph leaves the
        // cell under a wide glyph stale, which the next frame's diff then fails to repaint.
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" 第 {}/{} 行 ", scroll + 1, max_scroll + 1),
                theme::placeholder(),
            ))
            .right_aligned(),
        );
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
