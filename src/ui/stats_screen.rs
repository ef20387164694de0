//! Draws 统计: which month (or year) is in view and whether it is still running, then the
//! figures as `zhiban stats` prints them, each line wrapped (nothing cut); Up/Down and PgUp/PgDn
//! scroll by the text's own lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, push_wrapped};
use crate::core::stats_screen::StatsScreen;

pub fn render(frame: &mut Frame, area: Rect, screen: &StatsScreen) {
    let block = Block::bordered()
        .title(Span::styled(" 统计（Esc 返回） ", theme::header()))
        .border_style(theme::border());
    let cells = usize::from(area.width.saturating_sub(2));
    let mut shown = Vec::new();
    let head = match screen.period {
        Some(p) => format!(
            "{}　← → 上一{u}、下一{u}　y 按月/按年",
            p.label(),
            u = if p.is_year() { "年" } else { "月" }
        ),
        None => String::new(),
    };
    push_wrapped(&mut shown, &head, 0, cells, theme::label_focused());
    let stale = screen.shown_for() != screen.period;
    if screen.loading() || stale {
        push_wrapped(&mut shown, "正在统计…", 0, cells, theme::notice());
    } else if screen.stats.as_ref().is_some_and(|s| s.is_partial()) {
        push_wrapped(&mut shown, "本期尚未结束：数字截至统计时", 0, cells, theme::notice());
    }
    shown.push(Line::raw(""));
    if !stale {
        for l in screen.lines.iter().skip(screen.scroll).take(usize::from(area.height)) {
            let l = clean(l);
            let style = if l.starts_with(['一', '二', '三', '四', '五']) {
                theme::label_focused()
            } else {
                Style::new()
            };
            push_wrapped(&mut shown, &l, 0, cells, style);
        }
    }
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
