//! Draws any [`Form`]: a label column, the values, each field's error under it, section
//! headings, and the form's notice at the bottom. The form scrolls so the focused field is
//! always whole on screen; the terminal cursor is put at the caret of the focused text field.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{choice_field, clean, text_field, to_u16};
use crate::core::form::{Field, FieldId, Form, Input};
use crate::core::text::{pad, wrap};
use crate::core::text_buffer::TextBuffer;

/// Cells for the label column: a marker, the longest label ("已采取措施", 10 cells), a required mark.
const LABEL_CELLS: usize = 13;

/// Rows a field's value gets.
fn value_rows<K: FieldId>(field: &Field<K>, tall: bool) -> usize {
    match (&field.input, field.tall) {
        (Input::Text(b), true) if b.is_multiline() => {
            if tall {
                8
            } else {
                4
            }
        }
        (Input::Text(b), _) if b.is_multiline() => {
            if tall {
                4
            } else {
                2
            }
        }
        _ => 1,
    }
}

struct Placed {
    index: usize,
    /// First row of the field's block (heading included), relative to the form's top.
    top: usize,
    heading: usize,
    value: usize,
    error: usize,
}

impl Placed {
    fn bottom(&self) -> usize {
        self.top + self.heading + self.value + self.error
    }
}

pub fn render_form<K: FieldId>(frame: &mut Frame, area: Rect, form: &Form<K>) {
    // The save may wait for another terminal's lock for seconds: the form says so as long as
    // it does (the status line's 正在保存 goes after a while), first, where a narrow window
    // does not cut it.
    let saving = if form.saving { "正在保存… " } else { "" };
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {saving}{} ", clean(&form.title)),
            theme::header(),
        ))
        .border_style(theme::border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 20 || inner.height < 3 {
        return;
    }
    // The aside (what changed since the last report) above the fields, wrapped, at most a
    // quarter of the form: it is read beside the text, never typed into it.
    let aside: Vec<String> = form
        .aside
        .iter()
        .flat_map(|a| {
            let a = clean(a);
            wrap(&a, usize::from(inner.width))
                .iter()
                .map(|r| a.get(r.clone()).unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .take(usize::from(inner.height / 4))
        .collect();
    let aside_rows = to_u16(aside.len());
    if aside_rows > 0 {
        let lines: Vec<Line> = aside
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme::notice())))
            .collect();
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.y, inner.width, aside_rows),
        );
    }
    let inner = Rect::new(
        inner.x,
        inner.y + aside_rows,
        inner.width,
        inner.height.saturating_sub(aside_rows),
    );
    let value_cells = usize::from(inner.width).saturating_sub(LABEL_CELLS + 1);
    let notice_lines: Vec<String> = form
        .notice
        .as_deref()
        .map(|n| {
            wrap(&clean(n), usize::from(inner.width))
                .iter()
                .map(|r| clean(n).get(r.clone()).unwrap_or("").to_string())
                // The notice (why a save failed, what to do) whole, up to a third of the form.
                .take(usize::from(inner.height / 3).max(2))
                .collect()
        })
        .unwrap_or_default();
    let body_height = usize::from(inner.height).saturating_sub(notice_lines.len());
    let tall = inner.height >= 40;

    let mut placed = Vec::new();
    let mut y = 0;
    for (index, field) in form.fields.iter().enumerate().filter(|(_, f)| !f.hidden) {
        let heading = usize::from(field.heading.is_some());
        let value = value_rows(field, tall);
        let error = field
            .error
            .as_deref()
            .map_or(0, |e| wrap(&clean(e), value_cells.max(10)).len().min(4));
        let p = Placed {
            index,
            top: y,
            heading,
            value,
            error,
        };
        y = p.bottom();
        placed.push(p);
    }
    // Scroll so the focused field's block is fully visible (stateless: depends only on focus).
    let scroll = placed
        .iter()
        .find(|p| p.index == form.focus)
        .map_or(0, |p| p.bottom().saturating_sub(body_height).min(p.top));

    let mut caret = None;
    for p in placed
        .iter()
        .filter(|p| p.top >= scroll && p.bottom() <= scroll + body_height)
    {
        let field = &form.fields[p.index];
        let focused = p.index == form.focus;
        let mut row = inner.y + to_u16(p.top - scroll);
        if let Some(h) = &field.heading {
            let line = Line::from(Span::styled(format!("【{}】", clean(h)), theme::header()));
            frame.render_widget(Paragraph::new(line), Rect::new(inner.x, row, inner.width, 1));
            row += 1;
        }
        let label_style = if focused {
            theme::label_focused()
        } else {
            theme::label()
        };
        let marker = if focused { ">" } else { " " };
        let mut label = vec![
            Span::styled(marker, label_style),
            Span::styled(pad(&clean(&field.label), LABEL_CELLS - 2), label_style),
        ];
        label.push(if field.required {
            Span::styled("*", theme::label_required())
        } else {
            Span::raw(" ")
        });
        frame.render_widget(
            Paragraph::new(Line::from(label)),
            Rect::new(inner.x, row, to_u16(LABEL_CELLS), 1),
        );
        let value_area = Rect::new(
            inner.x + to_u16(LABEL_CELLS + 1),
            row,
            to_u16(value_cells),
            to_u16(p.value),
        );
        match &field.input {
            Input::Text(buf) => {
                let masked = field.secret.then(|| masked(buf));
                let shown = masked.as_ref().unwrap_or(buf);
                if let Some(pos) = text_field(frame, value_area, shown, focused && !form.saving, &field.placeholder) {
                    caret = Some(pos);
                }
            }
            Input::Choice { options, selected } => choice_field(frame, value_area, options, *selected, focused),
        }
        if let Some(err) = &field.error {
            let err = clean(err);
            let lines: Vec<Line> = wrap(&err, value_cells.max(10))
                .into_iter()
                .take(p.error)
                .map(|r| Line::from(Span::styled(err.get(r).unwrap_or("").to_string(), theme::error())))
                .collect();
            let err_area = Rect::new(value_area.x, row + to_u16(p.value), value_area.width, to_u16(p.error));
            frame.render_widget(Paragraph::new(lines), err_area);
        }
    }
    if !notice_lines.is_empty() {
        let lines: Vec<Line> = notice_lines
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme::notice())))
            .collect();
        let h = to_u16(lines.len());
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.bottom() - h, inner.width, h),
        );
    }
    if let Some(pos) = caret {
        frame.set_cursor_position(pos);
    }
}

/// A secret field as stars, with the caret where it is in the real text.
fn masked(buf: &TextBuffer) -> TextBuffer {
    let n = buf.text().chars().count();
    let mut out = TextBuffer::with_text(false, buf.max_chars().max(n), &"*".repeat(n));
    let before = buf.text().get(..buf.cursor()).map_or(n, |s| s.chars().count());
    for _ in before..n {
        out.left();
    }
    out
}

/// How many cells a label takes (for tests that look for the caret).
#[must_use]
pub fn value_column_offset() -> u16 {
    to_u16(LABEL_CELLS + 1)
}
