//! Draws 删除误录内容: above the form, the chosen field's text whole (what the approver is about
//! to remove, read before signing); afterwards what was done and the backups that still hold it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::form;
use super::theme;
use super::widgets::{clean, push_wrapped};
use crate::core::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.redact;
    if let Some(f) = &screen.form {
        // The text to remove takes at most a third of the height; the form the rest.
        let cells = usize::from(area.width.saturating_sub(2));
        let mut lines = Vec::new();
        if let Some((_, label, text)) = screen.chosen() {
            push_wrapped(
                &mut lines,
                &format!("{label}：{}", clean(text)),
                0,
                cells,
                theme::notice(),
            );
        }
        let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let top = rows.saturating_add(2).min(area.height / 3).max(3.min(area.height));
        let block = Block::bordered().title(" 将删除的内容 ").border_style(theme::border());
        frame.render_widget(
            Paragraph::new(lines).block(block),
            Rect::new(area.x, area.y, area.width, top),
        );
        let rest = Rect::new(area.x, area.y + top, area.width, area.height.saturating_sub(top));
        form::render_form(frame, rest, &f.form);
        return;
    }
    let cells = usize::from(area.width.saturating_sub(2));
    let mut lines = Vec::new();
    match (&screen.done, &screen.blocked, &screen.subject) {
        (Some((label, done)), _, subject) => {
            let what = subject
                .as_ref()
                .map_or_else(|| label.clone(), |s| format!("{}的{label}", s.heading));
            for (i, l) in done.lines(&what).iter().enumerate() {
                let style = if i == 0 {
                    theme::ok()
                } else {
                    ratatui::style::Style::new()
                };
                push_wrapped(&mut lines, &clean(l), 0, cells, style);
            }
        }
        (None, Some(why), _) => push_wrapped(&mut lines, why, 0, cells, theme::error()),
        _ => push_wrapped(
            &mut lines,
            "在值班记录或收文登记的详情中按 x，由领导输入本人 PIN 批准，删除误录的涉密内容或他人个人信息。",
            0,
            cells,
            theme::hint_text(),
        ),
    }
    lines.push(Line::raw(""));
    push_wrapped(
        &mut lines,
        "原内容不可恢复，只留“已删除（原因、批准人、时间）”；命令行：zhiban redact。Esc 返回该记录。",
        0,
        cells,
        theme::hint_text(),
    );
    let block = Block::bordered().title(" 删除误录内容 ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
