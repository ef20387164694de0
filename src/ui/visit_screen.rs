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
use super::widgets::{clean, push_labelled, push_wrapped, to_u16, visible_slice};
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
        .title(Span::styled(clean(title), theme::header()))
        .border_style(theme::border())
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
    // Below 79 cells the board keeps who, the document and how long they have been inside;
    // the number of people and the time of entry are in the detail.
    let narrow = area.width < 79;
    let host_w = if narrow {
        usize::from(area.width.saturating_sub(2))
            .saturating_sub(7 + 11 + 19 + 12)
            .max(6)
    } else {
        11
    };
    let last_label = if s.show_all { "离开" } else { "在楼" };
    let mut cols: Vec<(&str, usize)> = if narrow {
        vec![
            ("编号", 7),
            ("姓名", 11),
            ("证件号码", 19),
            (last_label, 12),
            ("被访", host_w),
        ]
    } else {
        vec![
            // Visit numbers reach six digits within a few years (200,000 in ten).
            ("编号", 7),
            ("姓名", 11),
            ("人数", 5),
            ("证件号码", 19),
            ("被访", 11),
            ("进入", 12),
            (last_label, 12),
        ]
    };
    if wide {
        cols.extend([("单位", 20), ("事由", 30)]);
    }
    let mut lines = vec![Line::styled(row(&cols), theme::header())];
    if rows.is_empty() {
        lines.push(Line::raw(
            if (s.show_all && !s.all.loaded) || (!s.show_all && !s.inside_read) {
                "  正在读取…"
            } else if s.show_all {
                "  还没有来访登记。按 n 登记来访。"
            } else {
                "  楼内没有未离开的来访人员。按 n 登记来访，a 查看全部来访。"
            },
        ));
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
        let id_label = format!("{} {}", v.fields.id_type.short(), id);
        let id_cell = if width(&id_label) < 19 { id_label } else { id };
        let entered = v.fields.entered_at.format("%m-%d %H:%M").to_string();
        let id_text = format!("{}", v.id);
        let mut cells: Vec<(&str, usize)> = if narrow {
            vec![
                (&id_text, 7),
                (&name, 11),
                (&id_cell, 19),
                (&last, 12),
                (&v.fields.host, host_w),
            ]
        } else {
            vec![
                (&id_text, 7),
                (&name, 11),
                (&people, 5),
                (&id_cell, 19),
                (&v.fields.host, 11),
                (&entered, 12),
                (&last, 12),
            ]
        };
        if wide {
            cells.extend([(v.fields.employer.as_str(), 20), (v.fields.purpose.as_str(), 30)]);
        }
        let mut style = if v.is_inside() && is_overstay(v, app.now, limit) {
            theme::urgent()
        } else if v.is_inside() || s.show_all {
            Style::new()
        } else {
            theme::done()
        };
        if i == s.selected {
            style = style.patch(theme::selected());
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
    let mut lines = vec![Line::from(vec![
        Span::styled(prompt, theme::label_focused()),
        Span::raw(shown),
    ])];
    let cells = usize::from(inner.width);
    match &l.notice {
        Some(n) => push_wrapped(&mut lines, &clean(n), 0, cells, theme::notice()),
        // A cut answer must never pass for a complete one.
        None if l.cut && l.is_current() => push_wrapped(
            &mut lines,
            "未查完（超过时限，只查了一部分来访记录）：按 F5 查全部",
            0,
            cells,
            theme::notice(),
        ),
        None => {
            let hint = [
                "姓名、拼音首字母（zs）或全拼（zhangsan）、证件号码或后 4 位",
                "姓名、拼音（zs 或 zhangsan）、证件号或后 4 位",
            ]
            .into_iter()
            .find(|h| width(h) <= cells)
            .unwrap_or("姓名、拼音、证件号或后 4 位");
            push_wrapped(&mut lines, hint, 0, cells, theme::placeholder());
        }
    }
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
        } else if l.cut {
            "未查完，还不能说没有来过：按 F5 或 Enter 查全部来访记录。"
        } else {
            "没有找到：按 Enter 或 Ctrl-N 登记新来访人。"
        };
        lines.push(Line::raw(""));
        lines.push(Line::raw(none));
    } else {
        lines.push(Line::styled(row(&cols), theme::header()));
        let room = usize::from(inner.height).saturating_sub(lines.len());
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
            let style = if i == l.selected {
                theme::selected()
            } else {
                Style::new()
            };
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
    let id = match s.revealed_to(app.operator.as_deref()) {
        Some(full) => format!("{full}（已显示，查看已记录）"),
        None => format!("{}（按 v 显示完整号码，查看会留痕）", mask(&f.id_number)),
    };
    let status = match (v.checked_out_at, &v.checked_out_by) {
        (Some(t), by) => format!("已离开 {}（{}登记）", format_minute(t), by.as_deref().unwrap_or("")),
        (None, _) => format!("在楼 {}（按 c 登记离开）", inside_for(v, app.now)),
    };
    let cells = usize::from(area.width.saturating_sub(2));
    // A 信访 visit's matter is for the duty officers: a role without 信访详情 (the gate guard) reads
    // the board's facts only.
    let hidden = f.petition.is_some() && !app.may_see_petition_details();
    let purpose = if hidden {
        "（信访来访：详情仅值班人员可见）".to_string()
    } else {
        f.purpose.clone()
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut kv = |k: &str, val: String| push_labelled(&mut lines, k, 12, clean(&val).trim_end(), cells);
    for (k, val) in [
        ("姓名", format!("{} {}", f.name, f.gender.label())),
        ("证件", format!("{} {id}", f.id_type.label())),
        ("工作单位", f.employer.clone()),
        ("联系电话", f.phone.clone()),
        ("来访人数", format!("{} 人 {}", f.people_count, f.companions)),
        ("来访事由", purpose),
        ("被访部门/人", f.host.clone()),
        ("车牌/物品", format!("{} {}", f.plate, f.belongings)),
        (
            "进入时间",
            format!("{}（{} 登记）", format_minute(f.entered_at), f.registered_by),
        ),
        ("状态", status),
    ] {
        kv(k, val);
    }
    if let Some(prev) = &v.previous {
        let text = clean(&crate::core::visit::describe_repeat(prev));
        push_wrapped(&mut lines, &text, 0, cells, theme::ask_leader());
    }
    if let Some(p) = f.petition.as_ref().filter(|_| !hidden) {
        push_labelled(&mut lines, "信访住址", 12, &clean(&p.address), cells);
        push_labelled(&mut lines, "信访事项", 12, &clean(&p.matter.replace('\n', " ")), cells);
        for r in &f.representatives {
            let role = if r.is_liaison { "联络人" } else { "代表" };
            let who = clean(&format!("{} {} {}", r.name, mask(&r.id_number), r.phone));
            push_labelled(&mut lines, role, 12, &who, cells);
        }
    }
    if !f.handling.is_empty() && !hidden {
        push_labelled(
            &mut lines,
            "处理情况",
            12,
            &clean(&f.handling.replace('\n', " ")),
            cells,
        );
    }
    for r in &s.reveals {
        let text = clean(&format!(
            "证件号查看：{} {}",
            r.revealed_by,
            format_minute(r.revealed_at)
        ));
        push_wrapped(&mut lines, &text, 0, cells, theme::placeholder());
    }
    let title = format!(" 第 {} 号来访 ", v.id);
    frame.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

fn render_watch(frame: &mut Frame, area: Rect, s: &VisitScreen) {
    let inner_w = usize::from(area.width.saturating_sub(2));
    // Narrow: name, document and reason only. The reason has no other place to be read: it
    // takes what the other columns leave and wraps under itself.
    let narrow = inner_w < 80;
    let fixed = if narrow { 10 + 20 } else { 10 + 14 + 20 + 12 };
    let reason_w = inner_w.saturating_sub(fixed).max(10);
    let header: Vec<(&str, usize)> = if narrow {
        vec![("姓名", 10), ("证件号码", 20), ("原因", reason_w)]
    } else {
        vec![
            ("姓名", 10),
            ("别名", 14),
            ("证件号码", 20),
            ("列入", 12),
            ("原因", reason_w),
        ]
    };
    let mut lines = vec![Line::styled(row(&header), theme::header())];
    if s.watch.is_empty() {
        push_wrapped(
            &mut lines,
            "关注名单为空。按 n 新增（姓名、别名、证件号码、原因）。",
            2,
            inner_w,
            Style::new(),
        );
    }
    for (i, w) in s.watch.iter().enumerate() {
        let aliases = w.aliases.join("、");
        let id = w.id_number.as_deref().map(mask).unwrap_or_default();
        let by = format!("{} {}", w.added_by, w.added_at.format("%m-%d"));
        let style = if i == s.watch_selected {
            theme::selected()
        } else {
            Style::new()
        };
        let reason = clean(&w.reason);
        let parts = crate::core::text::wrap(&reason, reason_w.saturating_sub(1).max(2));
        for (k, r) in parts.into_iter().enumerate() {
            let piece = reason.get(r).unwrap_or("");
            let cells: Vec<(&str, usize)> = match (k, narrow) {
                (0, true) => vec![(w.name.as_str(), 10), (id.as_str(), 20), (piece, reason_w)],
                (0, false) => vec![
                    (w.name.as_str(), 10),
                    (aliases.as_str(), 14),
                    (id.as_str(), 20),
                    (by.as_str(), 12),
                    (piece, reason_w),
                ],
                _ => vec![("", fixed), (piece, reason_w)],
            };
            lines.push(Line::styled(row(&cells), style));
        }
    }
    let title = format!(" 关注名单 {} 人（登记时匹配即发出紧急提醒） ", s.watch.len());
    frame.render_widget(Paragraph::new(lines).block(block(&title)), area);
}
