//! Shared drawing helpers: cleaned text, single- and multi-line fields with the real terminal
//! cursor at the caret (so an input method's candidate window opens there), choices, dialogs.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_segmentation::UnicodeSegmentation;

use super::theme;
use crate::core::text::{self, sanitize, width, wrap, wrapped_cursor};
use crate::core::text_buffer::TextBuffer;

/// Text made safe for the terminal: no control characters, no escape sequences, one line.
#[must_use]
pub fn clean(s: &str) -> String {
    sanitize(s, false)
}

/// The part of `s` that is visible from cell `from` over `cells` cells. A wide character cut by
/// the left edge is replaced by a space, so nothing is drawn half.
#[must_use]
pub fn visible_slice(s: &str, from: usize, cells: usize) -> String {
    let mut out = String::new();
    let mut x = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if x + w <= from {
            x += w;
            continue;
        }
        if x < from {
            out.push(' ');
            x += w;
            continue;
        }
        if x + w > from + cells {
            break;
        }
        out.push_str(g);
        x += w;
    }
    out
}

/// Draws a text field; returns where the caret is on screen.
pub fn text_field(
    frame: &mut Frame,
    area: Rect,
    buf: &TextBuffer,
    focused: bool,
    placeholder: &str,
) -> Option<Position> {
    if area.width == 0 || area.height == 0 {
        return None;
    }
    let cells = usize::from(area.width);
    if buf.is_empty() && !placeholder.is_empty() {
        // A field of several rows shows its whole placeholder, wrapped.
        let lines: Vec<Line> = if area.height > 1 {
            wrap(placeholder, cells)
                .into_iter()
                .take(usize::from(area.height))
                .map(|r| Line::styled(placeholder.get(r).unwrap_or("").to_string(), theme::placeholder()))
                .collect()
        } else {
            vec![Line::styled(text::truncate(placeholder, cells), theme::placeholder())]
        };
        frame.render_widget(Paragraph::new(lines), area);
        return focused.then_some(Position::new(area.x, area.y));
    }
    if buf.is_multiline() {
        let content = buf.text();
        let lines = wrap(content, cells);
        let (row, col) = wrapped_cursor(content, buf.cursor(), cells);
        let height = usize::from(area.height);
        let scroll = (row + 1).saturating_sub(height);
        let shown: Vec<Line> = lines
            .iter()
            .skip(scroll)
            .take(height)
            .map(|r| Line::raw(content.get(r.clone()).unwrap_or("").to_string()))
            .collect();
        frame.render_widget(Paragraph::new(shown), area);
        let pos = Position::new(area.x + to_u16(col), area.y + to_u16(row - scroll));
        focused.then_some(pos)
    } else {
        let content = buf.text();
        let before = content.get(..buf.cursor()).map_or(0, width);
        // Keep the caret inside the field: scroll just far enough that it sits in the last cell.
        let scroll = (before + 1).saturating_sub(cells);
        let shown = visible_slice(content, scroll, cells);
        frame.render_widget(Paragraph::new(shown), area);
        focused.then_some(Position::new(area.x + to_u16(before - scroll), area.y))
    }
}

/// Draws a choice: every option if they fit, the selected one highlighted; otherwise `< 选中 >`.
pub fn choice_field(frame: &mut Frame, area: Rect, options: &[String], selected: usize, focused: bool) {
    let cells = usize::from(area.width);
    let all: usize = options.iter().map(|o| width(o) + 3).sum();
    let line = if all <= cells {
        let mut spans = Vec::new();
        for (i, o) in options.iter().enumerate() {
            let style = if i == selected {
                if focused {
                    theme::choice_selected()
                } else {
                    theme::label_focused()
                }
            } else {
                theme::placeholder()
            };
            let text = if i == selected {
                format!("[{}]", clean(o))
            } else {
                format!(" {} ", clean(o))
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    } else {
        let current = options.get(selected).map_or("", String::as_str);
        let style = if focused {
            theme::choice_selected()
        } else {
            theme::label_focused()
        };
        Line::from(vec![
            Span::styled(format!("< {} >", clean(current)), style),
            Span::styled(format!(" {}/{}", selected + 1, options.len()), theme::placeholder()),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Pushes `text` wrapped to `cells` cells (Chinese line breaking), each row after `indent`
/// spaces and in `style`: nothing is cut.
pub fn push_wrapped(out: &mut Vec<Line<'static>>, text: &str, indent: usize, cells: usize, style: Style) {
    let pad = " ".repeat(indent);
    for r in wrap(text, cells.saturating_sub(indent)) {
        out.push(Line::styled(format!("{pad}{}", text.get(r).unwrap_or("")), style));
    }
}

/// The lines of the groups (one record each, some wrapped over several lines) that fit in
/// `room` lines with group `selected` in view: from the top when it fits, else ending with it.
#[must_use]
pub fn in_view(groups: &[Vec<Line<'static>>], selected: usize, room: usize) -> Vec<Line<'static>> {
    let mut first = 0;
    let through = |first: usize| {
        groups
            .iter()
            .take(selected + 1)
            .skip(first)
            .map(Vec::len)
            .sum::<usize>()
    };
    while first < selected && through(first) > room {
        first += 1;
    }
    groups.iter().skip(first).flatten().take(room).cloned().collect()
}

/// Pushes "label value" rows: the label padded to `label_cells` in `label_style`, the value
/// wrapped under itself to the rest of `cells`.
pub fn push_labelled(out: &mut Vec<Line<'static>>, label: &str, label_cells: usize, value: &str, cells: usize) {
    let value_cells = cells.saturating_sub(label_cells).max(8);
    for (i, r) in wrap(value, value_cells).into_iter().enumerate() {
        let head = if i == 0 {
            text::pad(label, label_cells)
        } else {
            " ".repeat(label_cells)
        };
        out.push(Line::from(vec![
            Span::styled(head, theme::label()),
            Span::raw(value.get(r).unwrap_or("").to_string()),
        ]));
    }
}

/// A centred rectangle of at most `w`×`h` cells.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// Draws a bordered dialog with a title and lines, over whatever is below.
pub fn dialog(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, style: Style) {
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(format!(" {title} "), style))
        .border_style(style);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A terminal coordinate from a cell count (screens are far smaller than u16::MAX).
#[must_use]
pub fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_slice_never_draws_half_a_glyph() {
        assert_eq!(visible_slice("张三来访", 1, 4), " 三");
        assert_eq!(visible_slice("张三来访", 2, 4), "三来");
        assert_eq!(visible_slice("ab张", 0, 3), "ab");
    }

    #[test]
    fn clean_removes_escape_sequences() {
        assert_eq!(clean("a\u{1b}[2Jb\nc"), "ab c");
    }
}
