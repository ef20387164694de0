//! Draws the 查询 tab: the query box (the real cursor at its caret), the results newest first
//! with the matched text highlighted, and the 值班日报 when it is being read.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::form::render_form;
use super::theme;
use super::widgets::{clean, push_wrapped, to_u16, visible_slice};
use crate::core::search::highlight;
use crate::core::search_screen::{ReportView, SearchScreen};
use crate::core::text::{pad, truncate, width};

/// What can be searched, the longest that fits the width on one row.
const QUERY_HINTS: [&str; 3] = [
    "值班记录、来访、紧急事件、收文；中文片段、电话、车牌、拼音（zs/zhangsan）；类型:来访 状态:待办 从:2026-11-01 到:2026-11-30",
    "中文片段、电话、车牌、拼音（zs）；类型:来访 状态:待办 从:2026-11-01",
    "中文、电话、车牌、拼音；类型: 状态: 从: 到:",
];

pub fn render(frame: &mut Frame, area: Rect, s: &SearchScreen) {
    if let Some(view) = &s.report {
        return render_report(frame, area, view);
    }
    let title = if s.searching() {
        " 查询（正在查找…） ".to_string()
    } else if s.hits.is_empty() {
        " 查询 ".to_string()
    } else {
        format!(
            " 查询：{} 条{}（最新在上） ",
            s.hits.len(),
            if s.more { "以上" } else { "" }
        )
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme::header()))
        .border_style(theme::border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let cells = usize::from(inner.width);
    let prompt = "查找：";
    let prompt_w = width(prompt);
    let field_w = cells.saturating_sub(prompt_w + 1);
    let text = s.query.text();
    let before = text.get(..s.query.cursor()).map_or(0, width);
    let scroll = (before + 1).saturating_sub(field_w);
    let mut lines = vec![Line::from(vec![
        Span::styled(prompt, theme::label_focused()),
        Span::raw(visible_slice(text, scroll, field_w)),
    ])];
    match &s.error {
        // What is wrong with the query and how to fix it: whole, on as many rows as it takes.
        Some(e) => push_wrapped(&mut lines, &clean(e), 0, cells, theme::error()),
        None => {
            let hint = QUERY_HINTS
                .iter()
                .find(|h| width(h) <= cells)
                .unwrap_or(&QUERY_HINTS[QUERY_HINTS.len() - 1]);
            push_wrapped(&mut lines, hint, 0, cells, theme::placeholder());
        }
    }
    // While the index is built in the background a search finds only what is in it so far:
    // said above the results, and never a bare 没有找到.
    if let Some(b) = s.index {
        let said = if b.merging {
            "索引建立中（整理，即将完成）：全部记录已可查到".to_string()
        } else {
            format!("索引建立中（{}%）：较早的记录暂时查不到，建好后自动补全", b.percent)
        };
        push_wrapped(&mut lines, &said, 0, cells, theme::notice());
    }
    // A search cut by its time budget says how far it looked, and how to go on: it must never
    // read as "nothing there".
    if let Some(cut) = s.cut.filter(|_| s.error.is_none()) {
        let said = if s.hits.is_empty() {
            format!(
                "查询较慢，只查到 {} 以后的记录，还没有找到：按 Enter 或 ↓ 继续查更早的",
                cut.at().format("%Y-%m-%d")
            )
        } else {
            format!(
                "查询较慢，只查到 {} 以后的记录：移到列表末尾继续查更早的",
                cut.at().format("%Y-%m-%d")
            )
        };
        push_wrapped(&mut lines, &said, 0, cells, theme::notice());
    }
    let top_rows = lines.len();
    if s.cut.is_some() {
        // Said above.
    } else if s.hits.is_empty() && !text.trim().is_empty() && s.error.is_none() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(if s.index.is_some_and(|b| !b.merging) {
            "  已编入索引的记录中没有找到；索引建好后再查一次。"
        } else {
            "  没有找到。试试更短的片段、拼音首字母，或去掉筛选条件。"
        }));
    } else if text.trim().is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw("  输入即查找；Enter 打开选中的记录；Ctrl-R 生成值班日报。"));
    }
    // Two rows a hit: who and when, then the text with the match highlighted.
    let room = usize::from(inner.height).saturating_sub(top_rows) / 2;
    let first = (s.selected + 1).saturating_sub(room);
    for (i, h) in s.hits.iter().enumerate().skip(first).take(room) {
        let selected = i == s.selected;
        let head = format!(
            "{}{}{}{}",
            pad(&h.at.format("%Y-%m-%d %H:%M").to_string(), 17),
            pad(h.kind.label(), 9),
            // A document's number is its 收文编号 (in its title); its row id would mislead.
            pad(
                &if h.kind == crate::core::search::DocKind::Document {
                    String::new()
                } else {
                    format!("第{}号", h.ref_id)
                },
                11
            ),
            pad(&h.status, 9),
        );
        let head_style = if selected { theme::selected() } else { theme::label() };
        let title = truncate(&clean(&h.title), cells.saturating_sub(width(&head) + 1));
        lines.push(Line::from(vec![
            Span::styled(head, head_style),
            Span::styled(title, if selected { theme::selected() } else { Style::new() }),
        ]));
        lines.push(snippet_line(&clean(&h.snippet), s, cells));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position(Position::new(inner.x + to_u16(prompt_w + before - scroll), inner.y));
}

/// The 值班日报: which period and whether it is still running, whether it was sent (kept in
/// view above the text), then the report scrolled; or the 标记已报送 form.
fn render_report(frame: &mut Frame, area: Rect, view: &ReportView) {
    if let Some(form) = &view.form {
        return render_form(frame, area, form);
    }
    let block = Block::bordered()
        .title(Span::styled(" 值班日报（Esc 返回） ", theme::header()))
        .border_style(theme::border());
    // Each line wrapped, not cut; the scroll counts the report's own lines.
    let cells = usize::from(area.width.saturating_sub(2));
    let mut shown = Vec::new();
    let label_style = if view.in_progress() {
        theme::notice()
    } else {
        theme::label_focused()
    };
    push_wrapped(&mut shown, &view.period_label(), 0, cells, label_style);
    let sent_style = if view.sent.is_empty() {
        theme::notice()
    } else {
        theme::ok()
    };
    for l in view.sent_lines() {
        push_wrapped(&mut shown, &clean(&l), 0, cells, sent_style);
    }
    shown.push(Line::raw(""));
    for l in view.lines.iter().skip(view.scroll).take(usize::from(area.height)) {
        let l = clean(l);
        let indent = l.chars().take_while(|c| *c == ' ').count();
        push_wrapped(&mut shown, l.trim_start(), indent.min(cells / 2), cells, Style::new());
    }
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

/// The snippet, indented, cut to the width, with every match in the highlight style.
fn snippet_line(snippet: &str, s: &SearchScreen, cells: usize) -> Line<'static> {
    let shown = truncate(snippet, cells.saturating_sub(3));
    let ranges = s.parsed.as_ref().map(|q| highlight(&shown, q)).unwrap_or_default();
    let mut spans = vec![Span::raw("   ")];
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > shown.len() {
            continue;
        }
        if let Some(plain) = shown.get(at..r.start) {
            spans.push(Span::raw(plain.to_string()));
        }
        if let Some(hit) = shown.get(r.clone()) {
            spans.push(Span::styled(hit.to_string(), theme::highlight()));
        }
        at = r.end;
    }
    if let Some(rest) = shown.get(at..) {
        spans.push(Span::raw(rest.to_string()));
    }
    Line::from(spans)
}
