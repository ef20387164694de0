//! Draws the roster's month: a week per row, each day with its kind (休 rest day, 班 调休 working
//! day), today marked, the 主班 of the day; below, the chosen day's shifts in full and the month's
//! gaps. Also the now/next strip for the status line.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use super::widgets::{clean, push_wrapped};
use crate::core::app::App;
use crate::core::roster::{DayKind, gaps, month_days};
use crate::core::roster_screen::{shift_people, swap_text};
use crate::core::text::{pad, truncate, width};

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let r = &app.shared.roster;
    let cursor = app.screens.roster.cursor;
    let day = cursor.unwrap_or(app.now.date());
    let first = day.with_day(1).unwrap_or(day);
    let month_start = first.and_time(NaiveTime::MIN);
    let month_end = (first + Duration::days(32))
        .with_day(1)
        .unwrap_or(first)
        .and_time(NaiveTime::MIN);
    // A version not yet in force (a draft, or approved and not published) is what is shown, so
    // that the leader approving it and the officer publishing it see what they sign.
    let pending = r.run.shown.month == Some(first) && !r.run.shown_pending.is_empty();
    let shifts = if pending {
        // The shift in force that runs into the month's first hours, then the version's own.
        let mut shifts: Vec<_> = r
            .shifts(&app.settings, month_start, month_end)
            .into_iter()
            .filter(|s| s.start < month_start)
            .collect();
        shifts.extend(r.run.shown_pending.iter().cloned());
        shifts
    } else {
        r.shifts(&app.settings, month_start, month_end)
    };
    let signons = r
        .run
        .all_signons(&r.shifts(&app.settings, month_start - Duration::days(1), month_end));
    let cells = month_days(
        first.year(),
        first.month(),
        &shifts,
        &app.settings.calendar,
        app.now.date(),
    );
    let inner_w = usize::from(area.width.saturating_sub(2));
    let col = (inner_w / 7).max(4);
    let inner_h = usize::from(area.height.saturating_sub(2));
    let mut details = Vec::new();
    if r.run.shown.month == Some(first) {
        let style = if pending { theme::notice() } else { theme::label() };
        let keys = match r.run.shown.latest().map(crate::core::roster_plan::PlanVersion::state) {
            Some(crate::core::roster_plan::PlanState::Draft) if pending => "（显示的是待批准的草稿；a 批准）",
            Some(crate::core::roster_plan::PlanState::Approved) => "（显示的是已批准待发布的版本；p 发布）",
            _ => "（d 按轮值草拟新版）",
        };
        push_wrapped(
            &mut details,
            &clean(&format!("{}{keys}", r.run.shown.summary())),
            0,
            inner_w,
            style,
        );
    }
    // The chosen day in full.
    let kind = app.settings.calendar.day_kind(day);
    details.push(Line::styled(
        format!(
            "{} 周{} {}",
            day.format("%Y-%m-%d"),
            WEEKDAYS[day.weekday().num_days_from_monday() as usize],
            kind.label()
        ),
        theme::header(),
    ));
    let from = day.and_time(NaiveTime::MIN);
    let of_day: Vec<_> = shifts
        .iter()
        .filter(|s| s.overlaps(from, from + Duration::days(1)))
        .collect();
    if of_day.is_empty() {
        details.push(Line::styled(
            "  无人值班：未配置轮值，也没有导入这一天的排班表",
            theme::urgent(),
        ));
    }
    for s in of_day {
        let people = clean(&shift_people(s, &app.settings));
        push_wrapped(&mut details, &people, 2, inner_w, Style::new());
        for w in &s.swaps {
            push_wrapped(&mut details, &clean(&swap_text(w)), 4, inner_w, theme::ask_leader());
        }
        if !s.staff.is_empty() {
            push_wrapped(
                &mut details,
                &clean(&format!("其他值班人员：{}", s.staff.join("、"))),
                4,
                inner_w,
                Style::new(),
            );
        }
        if !pending && s.start <= app.now {
            let line = match crate::core::roster_plan::signed_on(s, &signons) {
                Some(on) => (
                    format!(
                        "到岗：{} {}（{}）",
                        on.person,
                        on.at.format("%m-%d %H:%M"),
                        on.via.label()
                    ),
                    theme::ok(),
                ),
                None => (
                    "未到岗签到（本班人员在班次开始前一小时内起按 o 签到）".to_string(),
                    theme::ask_leader(),
                ),
            };
            push_wrapped(&mut details, &clean(&line.0), 4, inner_w, line.1);
            let key = crate::core::hook::shift_ref(s.start);
            for sent in r.run.sends.iter().filter(|l| l.key.ref_id == key) {
                let text = format!("漏岗短信 {}：{}", sent.at.format("%m-%d %H:%M"), clean(&sent.line));
                push_wrapped(&mut details, &text, 4, inner_w, theme::placeholder());
            }
        }
    }
    let month_gaps = gaps(&shifts, month_start, month_end);
    if !month_gaps.is_empty() {
        let list = month_gaps
            .iter()
            .take(4)
            .map(|g| {
                format!(
                    "{}–{} {}",
                    g.from.format("%m-%d %H:%M"),
                    g.to.format("%m-%d %H:%M"),
                    g.reason.label()
                )
            })
            .collect::<Vec<_>>()
            .join("；");
        let text = format!("本月排班空缺 {} 处：{list}", month_gaps.len());
        push_wrapped(&mut details, &text, 0, inner_w, theme::urgent());
    }
    // Leading blanks so the 1st falls under its weekday.
    let lead = usize::try_from(first.weekday().num_days_from_monday()).unwrap_or(0);
    let weeks = (lead + cells.len()).div_ceil(7).max(1);
    // Two rows a day (date, then who) when there is room for the details below; else one.
    let two_rows = inner_h >= 1 + weeks * 2 + details.len();

    let mut lines = Vec::new();
    lines.push(Line::from(
        WEEKDAYS
            .iter()
            .map(|w| Span::styled(pad(&format!("周{w}"), col), theme::header()))
            .collect::<Vec<_>>(),
    ));
    let mut slots: Vec<Option<&crate::core::roster::DayCell>> = vec![None; lead];
    slots.extend(cells.iter().map(Some));
    for week in slots.chunks(7) {
        let mut top = Vec::new();
        let mut bottom = Vec::new();
        for slot in week {
            let Some(c) = slot else {
                top.push(Span::raw(" ".repeat(col)));
                bottom.push(Span::raw(" ".repeat(col)));
                continue;
            };
            let mark = match c.kind {
                DayKind::Holiday => "休",
                DayKind::Weekend => "末",
                DayKind::AdjustedWorkday => "班",
                DayKind::Workday => "",
            };
            let today = if c.is_today { "今" } else { "" };
            let who = c
                .shifts
                .iter()
                .map(|s| {
                    if s.primary.is_empty() {
                        "空缺".to_string()
                    } else {
                        clean(&s.primary)
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let selected = c.date == day;
            let mut style = if c.kind.is_rest() {
                theme::ask_leader()
            } else {
                Style::new()
            };
            if c.is_today {
                style = theme::ok();
            }
            if selected {
                style = theme::selected();
            }
            let gap_style = if c.shifts.iter().any(|s| s.primary.is_empty()) || c.shifts.is_empty() {
                theme::urgent()
            } else {
                style
            };
            if two_rows {
                top.push(Span::styled(
                    pad(&format!("{:>2}{mark}{today}", c.date.day()), col),
                    style,
                ));
                bottom.push(Span::styled(
                    pad(&truncate(&who, col.saturating_sub(1)), col),
                    gap_style,
                ));
            } else {
                let text = format!("{:>2}{mark}{today} {who}", c.date.day());
                top.push(Span::styled(pad(&truncate(&text, col.saturating_sub(1)), col), style));
            }
        }
        lines.push(Line::from(top));
        if two_rows {
            lines.push(Line::from(bottom));
        }
    }
    lines.extend(details);
    let title = format!(
        " 排班表 {} 年 {} 月（休=节假日 末=周末 班=调休上班 今=今天） ",
        first.year(),
        first.month()
    );
    let title = if width(&title) + 2 > usize::from(area.width) {
        format!(" 排班表 {}-{:02} ", first.year(), first.month())
    } else {
        title
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme::header()))
        .border_style(theme::border());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The status line's roster strip: who leads this shift (with the phone), who is on it, and the
/// next shift; a gap is said in red instead. `wide` adds the next shift.
#[must_use]
pub fn strip(app: &App, now: NaiveDateTime, wide: bool) -> Option<(String, Style)> {
    let settings = &app.settings;
    let (current, next) = app.shared.roster.now_next(settings, now);
    if settings.roster.is_none() && app.shared.roster.imported.is_empty() {
        return None;
    }
    let Some(cur) = current else {
        return Some(("排班：此刻无人值班！".into(), theme::status_alert()));
    };
    let phone = settings
        .person(&cur.leader)
        .map(|p| p.phone.clone())
        .unwrap_or_default();
    let mut text = format!("{} {} {phone}", settings.leader_short(), or_gap(&cur.leader));
    if wide {
        text.push_str(&format!("  主班 {}", or_gap(&cur.primary)));
        if let Some(n) = next {
            text.push_str(&format!("  下一班 {} {}", n.start.format("%H:%M"), or_gap(&n.primary)));
        }
    }
    let ahead = app.shared.roster.gaps_ahead(settings, now);
    if let Some(g) = ahead.first() {
        text.push_str(&format!(
            "  排班空缺 {} {}",
            g.from.format("%m-%d %H:%M"),
            g.reason.label()
        ));
        return Some((clean(&text), theme::status_alert()));
    }
    Some((clean(&text), theme::status_operator()))
}

fn or_gap(name: &str) -> &str {
    if name.is_empty() { "（空缺）" } else { name }
}
