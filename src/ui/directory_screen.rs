//! Draws 通讯录: the lookup box, then the contacts it finds (name, unit and post, office and
//! mobile numbers, the 宅电 masked); or one contact whole, its 宅电 masked until `v`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, in_view, push_labelled, push_wrapped, text_field};
use crate::core::app::App;
use crate::core::directory::{Contact, mask_phone};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.directory;
    if let Some(c) = screen.shown_contact() {
        let revealed = screen.revealed_to(app.operator.as_deref());
        render_contact(frame, area, c, revealed);
        return;
    }
    let [box_area, list_area] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    let block = Block::bordered()
        .title(" 通讯录：查找（姓名、单位、拼音首字母或号码）")
        .border_style(theme::border());
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    text_field(frame, inner, &screen.query, true, "如 wjz、应急局、2222");
    let cells = usize::from(list_area.width.saturating_sub(2));
    let rows = usize::from(list_area.height.saturating_sub(2));
    let found: Vec<&Contact> = screen.found().collect();
    let mut lines = Vec::new();
    if !screen.loaded {
        lines.push(Line::styled("读取中…", theme::hint_text()));
    } else if screen.directory.contacts.is_empty() {
        push_wrapped(
            &mut lines,
            "通讯录是空的。导入：zhiban contacts import 通讯录.csv（表头：姓名,单位,职务,办公电话,手机,宅电,分组,备注）",
            0,
            cells,
            theme::hint_text(),
        );
    } else {
        lines.push(Line::styled(
            format!("找到 {} 人（共 {} 人）", found.len(), screen.directory.contacts.len()),
            theme::header(),
        ));
    }
    let groups: Vec<Vec<Line<'static>>> = found
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let style = if i == screen.selected {
                theme::selected()
            } else {
                Style::new()
            };
            let mut phones = Vec::new();
            if !c.office_phone.is_empty() {
                phones.push(format!("办 {}", c.office_phone));
            }
            if !c.mobile.is_empty() {
                phones.push(format!("手 {}", c.mobile));
            }
            if !c.home_phone.is_empty() {
                phones.push(format!("宅 {}", mask_phone(&c.home_phone)));
            }
            let line = format!("{}  {}  {}", clean(&c.name), clean(&c.where_from()), phones.join("  "));
            let mut group = Vec::new();
            push_wrapped(&mut group, &line, 0, cells, style);
            group
        })
        .collect();
    lines.extend(in_view(&groups, screen.selected, rows.saturating_sub(1).max(1)));
    let block = Block::bordered().border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), list_area);
}

fn render_contact(frame: &mut Frame, area: Rect, c: &Contact, revealed: Option<&str>) {
    let cells = usize::from(area.width.saturating_sub(2));
    let mut lines = Vec::new();
    let label = 9;
    push_labelled(&mut lines, "姓名", label, &clean(&c.name), cells);
    push_labelled(&mut lines, "单位", label, &clean(&c.unit), cells);
    push_labelled(&mut lines, "职务", label, &clean(&c.post), cells);
    push_labelled(&mut lines, "办公电话", label, &c.office_phone, cells);
    push_labelled(&mut lines, "手机", label, &c.mobile, cells);
    let home = match (c.home_phone.is_empty(), revealed) {
        (true, _) => String::new(),
        (false, Some(full)) => full.to_string(),
        (false, None) => format!("{}（按 v 显示，查看将被记录）", mask_phone(&c.home_phone)),
    };
    push_labelled(&mut lines, "宅电", label, &home, cells);
    push_labelled(&mut lines, "分组", label, &clean(&c.groups.join("、")), cells);
    push_labelled(&mut lines, "备注", label, &clean(&c.note), cells);
    let block = Block::bordered()
        .title(format!(" {} ", clean(&c.name)))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
