//! Draws 人员与 PIN: a row per configured person — name, role, PIN facts — with urgent
//! enrolments and unconfirmed leader roles marked; wrong-PIN counts only for a leader at the
//! keyboard (per-officer figures are for leaders).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_wrapped};
use crate::core::app::App;
use crate::core::people_screen::status_text;
use crate::core::text::{pad, wrap};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.people;
    let cells = usize::from(area.width.saturating_sub(2));
    let rows = usize::from(area.height.saturating_sub(2));
    let leader_here = app
        .operator
        .as_deref()
        .and_then(|o| app.settings.person(o))
        .is_some_and(|p| p.role.is_leader());
    let mut lines = vec![Line::styled(
        format!("{}{}PIN 登记与确认", pad("姓名", 10), pad("角色", 12)),
        theme::header(),
    )];
    let people = &app.settings.people;
    // Each person's row, its facts wrapped under their column (nothing a leader needs is cut).
    let columns = 22;
    let groups: Vec<Vec<Line<'static>>> = people
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let status = app.shared.pins.iter().find(|p| p.name == person.name);
            let mut text = status.map_or_else(|| "（读取中）".to_string(), |s| status_text(s, person.role.is_leader()));
            if leader_here && let Some(s) = status.filter(|s| s.failures > 0) {
                text.push_str(&format!("；上次成功后输错 {} 次", s.failures));
            }
            let flagged = status.is_some_and(|s| {
                s.flagged() || person.role.is_leader() && s.pin_set_at.is_some() && s.approver_confirmed.is_none()
            });
            let style = if i == screen.selected {
                theme::selected()
            } else if flagged {
                theme::notice()
            } else {
                ratatui::style::Style::new()
            };
            let text = clean(&text);
            let head = format!("{}{}", pad(&clean(&person.name), 10), pad(person.role.label(), 12));
            let mut group = Vec::new();
            for (n, r) in wrap(&text, cells.saturating_sub(columns).max(8))
                .into_iter()
                .enumerate()
            {
                let lead = if n == 0 { head.clone() } else { " ".repeat(columns) };
                group.push(Line::styled(format!("{lead}{}", text.get(r).unwrap_or("")), style));
            }
            group
        })
        .collect();
    // The list scrolls to keep the cursor's row in view, below the header and above the note.
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(4).max(1)));
    lines.push(Line::raw(""));
    push_wrapped(
        &mut lines,
        "e 为没有 PIN 的人登记（领导登记；无领导在场时由交班值班员紧急登记，须领导事后确认）；c 由领导确认紧急登记或配置中的领导角色。每次确认都要输入确认人的 PIN，并记入审计。",
        0,
        cells,
        theme::hint_text(),
    );
    let block = Block::bordered().title(" 人员与 PIN ").border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
