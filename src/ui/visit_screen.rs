//! Draws the 来访登记 tab: the on-site board (overstays in red), the lookup box with its matches,
//! the registration form, one visit (ID masked unless revealed, with the reveal log) and the
//! watch list. ID numbers are masked everywhere else.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::form::render_form;
use super::theme;
use super::widgets::{clean, to_u16, visible_slice};
use crate::core::app::App;
use crate::core::idcard::mask;
use crate::core::text::{pad, truncate, width};
use crate::core::validate::format_minute;
use crate::core::visit::{Visit, is_overstay};
use crate::core::visit_screen::{VisitScreen, inside_for, masked_id};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.screens.visits;
    if let Some((form, _)) = &s.form {
        render_form(frame, area, form);
    } else if s.lookup.is_some() {
        render_lookup(frame, area, s, app.now);
    } else if s.watch_open {
        render_watch(frame, area, s);
    } else if let Some(v) = &s.detail {
        render_detail(frame, area, app, v);
    } else {
        render_board(frame, area, app);
    }
}

fn block(title: &str) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(clean(title), theme::HEADER))
        .border_style(theme::BORDER)
}

fn row(cells: &[(&str, usize)]) -> String {
    cells
        .iter()
        .map(|(t, w)| pad(&truncate(&clean(t), w.saturating_sub(1)), *w))
        .collect()
}

fn render_board(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.screens.visits;
    let wide = area.width >= 120;
    let limit = Duration::minutes(i64::from(app.settings.visit.overstay_minutes));
    let rows = s.rows();
    let title = if s.show_all {
        " 全部来访（按进入时间，最新在上） ".to_string()
    } else {
        let over = rows.iter().filter(|v| is_overstay(v, app.now, limit)).count();
        let over = if over > 0 {
            format!("，超时 {over}")
        } else {
            String::new()
        };
        format!(
            " 在楼人员 {} 人{over}（在楼超过 {} 分钟标红） ",
            rows.iter().map(|v| v.fields.people_count).sum::<u32>(),
            app.settings.visit.overstay_minutes
        )
    };
    let mut cols: Vec<(&str, usize)> = vec![
        // Visit numbers reach six digits within a few years (200,000 in ten).
        ("编号", 7),
        ("姓名", 11),
        ("人数", 5),
        ("证件号码", 19),
        ("被访", 11),
        ("进入", 12),
        (if s.show_all { "离开" } else { "在楼" }, 12),
    ];
    if wide {
        cols.extend([("单位", 20), ("事由", 30)]);
    }
    let mut lines = vec![Line::styled(row(&cols), theme::HEADER)];
    if rows.is_empty() {
        lines.push(Line::raw(if s.show_all && !s.all.loaded {
            "  正在读取…"
        } else if s.show_all {
            "  还没有来访登记。按 n 登记来访。"
        } else {
            "  楼内没有未离开的来访人员。按 n 登记来访，a 查看全部来访。"
        }));
    }
    let inner_h = usize::from(area.height.saturating_sub(3));
    let scroll = (s.selected + 1).saturating_sub(inner_h);
    for (i, v) in rows.iter().enumerate().skip(scroll).take(inner_h) {
        let name = if v.fields.petition.is_some() {
            format!("{}(访)", v.fields.name)
        } else {
            v.fields.name.clone()
        };
        let people = v.fields.people_count.to_string();
        let last = match v.checked_out_at {
            Some(t) => t.format("%m-%d %H:%M").to_string(),
            None if s.show_all => "在楼".into(),
            None => inside_for(v, app.now),
        };
        let id = masked_id(v);
        let id_label = format!(
            "{} {}",
            v.fields.id_type.label().chars().take(2).collect::<String>(),
            id
        );
        let id_cell = if width(&id_label) < 19 { id_label } else { id };
        let entered = v.fields.entered_at.format("%m-%d %H:%M").to_string();
        let id_text = format!("{}", v.id);
        let mut cells: Vec<(&str, usize)> = vec![
            (&id_text, 7),
            (&name, 11),
            (&people, 5),
            (&id_cell, 19),
            (&v.fields.host, 11),
            (&entered, 12),
            (&last, 12),
        ];
        if wide {
            cells.extend([(v.fields.employer.as_str(), 20), (v.fields.purpose.as_str(), 30)]);
        }
        let mut style = if v.is_inside() && is_overstay(v, app.now, limit) {
            theme::URGENT
        } else if v.is_inside() || s.show_all {
            Style::new()
        } else {
            theme::DONE
        };
        if i == s.selected {
            style = style.patch(theme::SELECTED);
        }
        lines.push(Line::styled(row(&cells), style));
    }
    frame.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

fn render_lookup(frame: &mut Frame, area: Rect, s: &VisitScreen, now: chrono::NaiveDateTime) {
    let Some(l) = &s.lookup else { return };
    let b = block(" 登记来访：先查找是否来过 ");
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let prompt = "查找：";
    let prompt_w = width(prompt);
    let field_w = usize::from(inner.width).saturating_sub(prompt_w + 1);
    let text = l.query.text();
    let before = text.get(..l.query.cursor()).map_or(0, width);
    let scroll = (before + 1).saturating_sub(field_w);
    let shown = visible_slice(text, scroll, field_w);
    let mut lines = vec![
        Line::from(vec![Span::styled(prompt, theme::LABEL_FOCUSED), Span::raw(shown)]),
        match &l.notice {
            Some(n) => Line::styled(truncate(&clean(n), usize::from(inner.width)), theme::NOTICE),
            None => Line::styled(
                truncate(
                    "姓名、拼音首字母（zs）或全拼（zhangsan）、证件号码或后 4 位",
                    usize::from(inner.width),
                ),
                theme::PLACEHOLDER,
            ),
        },
    ];
    let wide = inner.width >= 118;
    let mut cols: Vec<(&str, usize)> = vec![
        ("姓名", 14),
        ("证件号码", 20),
        ("上次来访", 12),
        ("事由", 16),
        ("结果", 14),
    ];
    if wide {
        cols.extend([("单位", 20), ("次数", 6)]);
    }
    if l.results.is_empty() {
        let none = if text.trim().is_empty() {
            "输入后即时查找。Enter 选定；没有来过的人按 Ctrl-N 直接登记。"
        } else if !l.is_current() {
            "查找中…"
        } else {
            "没有找到：按 Enter 或 Ctrl-N 登记新来访人。"
        };
        lines.push(Line::raw(""));
        lines.push(Line::raw(none));
    } else {
        lines.push(Line::styled(row(&cols), theme::HEADER));
        let room = usize::from(inner.height).saturating_sub(3);
        let scroll = (l.selected + 1).saturating_sub(room);
        for (i, m) in l.results.iter().enumerate().skip(scroll).take(room) {
            let name = m.name.clone();
            let outcome = if m.inside {
                "仍在楼内".to_string()
            } else {
                m.last_outcome.clone()
            };
            let id = mask(&m.id_number);
            // This year's visits to the minute; older ones by date.
            let when = if chrono::Datelike::year(&m.last_entered_at) == chrono::Datelike::year(&now) {
                m.last_entered_at.format("%m-%d %H:%M").to_string()
            } else {
                m.last_entered_at.format("%Y-%m-%d").to_string()
            };
            let count = m.visits.to_string();
            let mut cells: Vec<(&str, usize)> = vec![
                (&name, 14),
                (&id, 20),
                (&when, 12),
                (&m.last_purpose, 16),
                (&outcome, 14),
            ];
            if wide {
                cells.extend([(m.employer.as_str(), 20), (count.as_str(), 6)]);
            }
            let style = if i == l.selected { theme::SELECTED } else { Style::new() };
            lines.push(Line::styled(row(&cells), style));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // The real cursor at the caret, so the input method's window opens there.
    frame.set_cursor_position(Position::new(inner.x + to_u16(prompt_w + before - scroll), inner.y));
}

fn render_detail(frame: &mut Frame, area: Rect, app: &App, v: &Visit) {
    let s = &app.screens.visits;
    let f = &v.fields;
    let id = match &s.revealed {
        Some(full) => format!("{full}（已显示，查看已记录）"),
        None => format!("{}（按 v 显示完整号码，查看会留痕）", mask(&f.id_number)),
    };
    let status = match (v.checked_out_at, &v.checked_out_by) {
        (Some(t), by) => format!("已离开 {}（{}登记）", format_minute(t), by.as_deref().unwrap_or("")),
        (None, _) => format!("在楼 {}（按 c 登记离开）", inside_for(v, app.now)),
    };
    let kv = |k: &str, val: String| Line::from(vec![Span::styled(pad(k, 12), theme::LABEL), Span::raw(clean(&val))]);
    let mut lines = vec![
        kv("姓名", format!("{} {}", f.name, f.gender.label())),
        kv("证件", format!("{} {id}", f.id_type.label())),
        kv("工作单位", f.employer.clone()),
        kv("联系电话", f.phone.clone()),
        kv("来访人数", format!("{} 人 {}", f.people_count, f.companions)),
        kv("来访事由", f.purpose.clone()),
        kv("被访部门/人", f.host.clone()),
        kv("车牌/物品", format!("{} {}", f.plate, f.belongings)),
        kv(
            "进入时间",
            format!("{}（{} 登记）", format_minute(f.entered_at), f.registered_by),
        ),
        kv("状态", status),
    ];
    if let Some(prev) = &v.previous {
        lines.push(Line::styled(
            clean(&crate::core::visit::describe_repeat(prev)),
            theme::ASK_LEADER,
        ));
    }
    if let Some(p) = &f.petition {
        lines.push(kv("信访住址", p.address.clone()));
        lines.push(kv("信访事项", p.matter.replace('\n', " ")));
        for r in &f.representatives {
            let role = if r.is_liaison { "联络人" } else { "代表" };
            lines.push(kv(role, format!("{} {} {}", r.name, mask(&r.id_number), r.phone)));
        }
    }
    if !f.handling.is_empty() {
        lines.push(kv("处理情况", f.handling.replace('\n', " ")));
    }
    for r in &s.reveals {
        lines.push(Line::styled(
            format!("证件号查看：{} {}", r.revealed_by, format_minute(r.revealed_at)),
            theme::PLACEHOLDER,
        ));
    }
    let title = format!(" 第 {} 号来访 ", v.id);
    frame.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

fn render_watch(frame: &mut Frame, area: Rect, s: &VisitScreen) {
    let cols = [("姓名", 10), ("别名", 14), ("证件号码", 20), ("原因", 24), ("列入", 12)];
    let mut lines = vec![Line::styled(row(&cols), theme::HEADER)];
    if s.watch.is_empty() {
        lines.push(Line::raw("  关注名单为空。按 n 新增（姓名、别名、证件号码、原因）。"));
    }
    for (i, w) in s.watch.iter().enumerate() {
        let aliases = w.aliases.join("、");
        let id = w.id_number.as_deref().map(mask).unwrap_or_default();
        let by = format!("{} {}", w.added_by, w.added_at.format("%m-%d"));
        let cells = [
            (w.name.as_str(), 10),
            (aliases.as_str(), 14),
            (id.as_str(), 20),
            (w.reason.as_str(), 24),
            (by.as_str(), 12),
        ];
        let style = if i == s.watch_selected {
            theme::SELECTED
        } else {
            Style::new()
        };
        lines.push(Line::styled(row(&cells), style));
    }
    let title = format!(" 关注名单 {} 人（登记时匹配即发出紧急提醒） ", s.watch.len());
    frame.render_widget(Paragraph::new(lines).block(block(&title)), area);
}
