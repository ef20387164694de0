//! Draws the 交接班 tab: the history of signed handovers, the draft being checked (items first
//! that cannot wait: visitors inside, running clocks), a signed handover read-only, and the
//! handover's forms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::form::render_form;
use super::theme;
use super::widgets::{clean, push_labelled, push_wrapped};
use crate::core::handover::group_line;
use crate::core::handover::{Check, Draft, sign_blockers};
use crate::core::handover_screen::{HandoverScreen, visible};
use crate::core::text::{pad, truncate, wrap};
use crate::core::validate::format_minute;

pub fn render(frame: &mut Frame, area: Rect, s: &HandoverScreen) {
    if let Some((form, _)) = &s.form {
        render_form(frame, area, form);
    } else if let Some(d) = &s.draft {
        render_draft(frame, area, d, s.item_selected, s.group_open);
    } else if let Some(h) = &s.detail {
        let title = format!(" 第 {} 号交接班记录 · 已签字，不可更改 ", h.id);
        // The shift ran until the signatures.
        let mut shown = h.draft.clone();
        shown.built_at = h.signed_at;
        let mut lines = document(&shown, usize::from(area.width).saturating_sub(2), None);
        lines.insert(
            1,
            Line::styled(
                format!("签字时间  {}（交班、接班双方）", format_minute(h.signed_at)),
                theme::ok(),
            ),
        );
        if let Some(seal) = &h.seal {
            lines.insert(
                2,
                Line::styled(
                    format!("审计链    {}（签字前的链尾，印在纸质交接单上）", seal.text()),
                    theme::label(),
                ),
            );
        }
        let inner_h = usize::from(area.height.saturating_sub(2));
        let scroll = s.detail_scroll.min(lines.len().saturating_sub(inner_h));
        render_block(frame, area, &title, lines, scroll);
    } else {
        render_history(frame, area, s);
    }
}

fn render_block(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, scroll: usize) {
    let block = Block::bordered()
        .title(Span::styled(clean(title), theme::header()))
        .border_style(theme::border());
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

fn render_history(frame: &mut Frame, area: Rect, s: &HandoverScreen) {
    let mut lines = Vec::new();
    if s.building {
        lines.push(Line::styled("正在汇总未办结事项…", theme::notice()));
    }
    if s.history.is_empty() && !s.loaded {
        lines.push(Line::raw("正在读取…"));
    } else if s.history.is_empty() {
        let cells = usize::from(area.width.saturating_sub(2));
        lines.push(Line::raw(""));
        for text in [
            "还没有已签字的交接班记录。",
            "交班时按 n：列出本班记录和一切未办结事项，接班人逐项确认后双方签字。",
        ] {
            push_wrapped(&mut lines, text, 2, cells, Style::new());
        }
    } else {
        lines.push(Line::styled(
            format!(
                "{}{}{}{}",
                pad("编号", 8),
                pad("签字时间", 18),
                pad("交班 → 接班", 22),
                "移交事项"
            ),
            theme::header(),
        ));
        let inner_h = usize::from(area.height.saturating_sub(3));
        let scroll = (s.selected + 1).saturating_sub(inner_h);
        for (i, h) in s.history.iter().enumerate().skip(scroll).take(inner_h) {
            let questions = if h.questions > 0 {
                format!("，疑问 {}", h.questions)
            } else {
                String::new()
            };
            let text = format!(
                "{}{}{}{} 项{questions}",
                pad(&format!("第{}号", h.id), 8),
                pad(&format_minute(h.signed_at), 18),
                pad(&truncate(&clean(&format!("{} → {}", h.outgoing, h.incoming)), 21), 22),
                h.items
            );
            let style = if i == s.selected {
                theme::selected()
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
        }
    }
    render_block(frame, area, " 交接班记录（最新在上） ", lines, 0);
}

fn render_draft(frame: &mut Frame, area: Rect, d: &Draft, selected: usize, group_open: bool) {
    let cells = usize::from(area.width).saturating_sub(2);
    let lines = document(d, cells, Some((selected, group_open)));
    // Keep the selected item (two rows) on screen.
    let inner_h = usize::from(area.height.saturating_sub(2));
    let item_row = lines
        .iter()
        .position(|l| l.spans.first().is_some_and(|s| s.content.starts_with('>')))
        .unwrap_or(0);
    let scroll = (item_row + 3).saturating_sub(inner_h);
    let pending = d.items.iter().filter(|i| i.check == Check::Pending).count();
    let title = format!(" 交班单（未签字）· 待确认 {pending} / {} 项 ", d.items.len());
    render_block(frame, area, &title, lines, scroll);
}

/// The handover as lines, wrapped to `cells` (nothing cut): header, summary, items, handed-over
/// things; `selected` marks the draft's cursor (a signed record has none) and appends what still
/// blocks signing.
fn document(d: &Draft, cells: usize, cursor: Option<(usize, bool)>) -> Vec<Line<'static>> {
    let selected = cursor.map(|(i, _)| i);
    let group_open = cursor.is_none_or(|(_, open)| open);
    let incoming = if d.incoming.is_empty() {
        "（未选择，按 e）"
    } else {
        &d.incoming
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("交班人 ", theme::label()),
        Span::raw(clean(&d.outgoing)),
        Span::styled("  →  接班人 ", theme::label()),
        Span::raw(clean(incoming)),
    ])];
    let period = format!(
        "值班时段 {} 至 {}；{}",
        format_minute(d.shift_start),
        format_minute(d.built_at),
        d.records
    );
    push_wrapped(&mut lines, &clean(&period), 0, cells, Style::new());
    let summary = if d.summary.trim().is_empty() {
        "（未填写，按 e）".to_string()
    } else {
        clean(d.summary.trim())
    };
    push_labelled(&mut lines, "当班情况", 9, &summary, cells);
    let handed = if d.handed_items.trim().is_empty() {
        "无".to_string()
    } else {
        d.handed_items.trim().replace('\n', "；")
    };
    push_labelled(&mut lines, "交接物品", 9, &clean(&handed), cells);
    let heading = format!("── 移交事项 {} 项（在楼访客、计时中的事件在前）──", d.items.len());
    push_wrapped(&mut lines, &heading, 0, cells, theme::header());
    if d.items.is_empty() {
        push_wrapped(
            &mut lines,
            "无未办结事项、在楼访客或计时中的紧急事件",
            2,
            cells,
            Style::new(),
        );
    }
    for (i, item) in d.items.iter().enumerate() {
        if !visible(d, i, group_open) {
            continue;
        }
        let as_group = item.grouped && !group_open;
        let group_pending = d.items.iter().any(|x| x.grouped && x.check == Check::Pending);
        let (mark, mark_style) = match &item.check {
            _ if as_group && group_pending => ("[待确认]", theme::notice()),
            _ if as_group => ("[已确认]", theme::ok()),
            Check::Pending if item.must_carry => ("[须接手]", theme::urgent()),
            Check::Pending => ("[待确认]", theme::notice()),
            Check::Confirmed => ("[已确认]", theme::ok()),
            Check::Question(_) => ("[有疑问]", theme::ask_leader()),
        };
        let cursor = if selected == Some(i) { ">" } else { " " };
        let title_style = if selected == Some(i) {
            theme::selected()
        } else {
            Style::new()
        };
        let since = item
            .first_handed
            .map(|id| format!("（自第{id}号交接起）"))
            .unwrap_or_default();
        let head = if as_group {
            clean(&format!(" {}", group_line(d).unwrap_or_default()))
        } else {
            clean(&format!(" {} {}{since}", item.kind.label(), item.title))
        };
        for (row, r) in wrap(&head, cells.saturating_sub(9).max(8)).into_iter().enumerate() {
            let text = head.get(r).unwrap_or("").to_string();
            if row == 0 {
                lines.push(Line::from(vec![
                    Span::raw(cursor),
                    Span::styled(mark, mark_style),
                    Span::styled(text, title_style),
                ]));
            } else {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(9)),
                    Span::styled(text, title_style),
                ]));
            }
        }
        if as_group {
            continue;
        }
        let detail = match &item.check {
            Check::Question(q) => format!("{}；疑问：{q}", item.detail),
            _ => item.detail.clone(),
        };
        push_wrapped(&mut lines, &clean(&detail), 10, cells, theme::label());
    }
    if selected.is_some() {
        for b in sign_blockers(d) {
            push_wrapped(&mut lines, &clean(&format!("签字前：{b}")), 0, cells, theme::notice());
        }
    }
    lines
}
