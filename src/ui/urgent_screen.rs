//! Draws the 紧急事项 tab (open events with their clocks, the selected one's contacts, 待核实
//! elements and timeline, the new-event form) and the alert banner shown on every screen.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use super::form::render_form;
use super::theme;
use super::widgets::{clean, push_wrapped};
use crate::core::app::App;
use crate::core::escalation::EventState;
use crate::core::instruction::TaskAlert;
use crate::core::report::ReportEvent;
use crate::core::settings::{contacts, report_callees, rung_to_phone};
use crate::core::text::width;
use crate::core::urgent::clock;
use crate::core::urgent::facts::FactField;
use crate::core::urgent::{Event, Urgency};
use crate::core::visit_screen::is_visit_alert;

fn urgency_style(u: Urgency) -> Style {
    match u {
        Urgency::Red => theme::urgent(),
        Urgency::Amber => theme::amber(),
        Urgency::Calm => Style::new(),
    }
}

/// "带班领导：王五 13800000003" as pieces: the rung with its first person, then each other person
/// ("、李四 13800000002"), so a narrow banner can keep whole numbers only. A rung that is a number
/// to call (上级总值班室 0871-12345000) is not named twice. Never the officer at the keyboard: a
/// rung that is only them gives way to the next ([`rung_to_phone`]).
fn who_to_phone_pieces(app: &App, at: usize) -> (String, Vec<String>) {
    let Some((rung, people)) = rung_to_phone(&app.settings, at, app.operator.as_deref()) else {
        return (String::new(), Vec::new());
    };
    let rung_name = clean(&rung.name);
    if people.is_empty() && !contacts(&app.settings, rung).is_empty() {
        // Everyone left on the ladder is the officer at the keyboard.
        return (rung_name.clone(), vec![format!("{rung_name}即本人，按 F2 确认")]);
    }
    let mut pieces = Vec::new();
    for (i, (name, phone)) in people.into_iter().enumerate() {
        let (name, phone) = (clean(&name), clean(&phone));
        let person = format!("{name} {phone}").trim().to_string();
        pieces.push(match i {
            0 if name.trim() == rung_name.trim() => format!("{rung_name} {phone}").trim().to_string(),
            0 => format!("{rung_name}：{person}"),
            _ => format!("、{person}"),
        });
    }
    if pieces.is_empty() {
        pieces.push(rung_name.clone());
    }
    (rung_name, pieces)
}

/// Whom a 集体访 or watch-list alert is reported to at once (`[visit] report_to`), then whoever
/// the ladder has reached besides: "带班领导 王五 13800000003", "、信访部门 0871-12345100"; `short`
/// drops the role where a person is named.
fn report_pieces(app: &App, rung: usize, short: bool) -> Vec<String> {
    let operator = app.operator.as_deref().unwrap_or("");
    let mut named: Vec<(String, String)> = Vec::new();
    let mut pieces = Vec::new();
    for c in report_callees(&app.settings, operator) {
        named.push((c.name.clone(), c.phone.clone()));
        pieces.push(clean(&if short { c.short() } else { c.text() }));
    }
    if let Some((r, people)) = rung_to_phone(&app.settings, rung, app.operator.as_deref()) {
        for (name, phone) in people.into_iter().filter(|p| !named.contains(p)) {
            let person = format!("{name} {phone}");
            pieces.push(clean(&if short || name == r.name {
                person
            } else {
                format!("{} {person}", r.name)
            }));
        }
    }
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, p)| if i == 0 { p } else { format!("、{p}") })
        .collect()
}

/// `s` cut to `cells` cells with `…` where cut (the banner's last, least needed piece).
fn cut(s: &str, cells: usize) -> String {
    if width(s) <= cells {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(c.encode_utf8(&mut [0; 4])) + 1 > cells {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// "带班领导：王五 13800000003"
fn who_to_phone(app: &App, e: &Event) -> String {
    who_to_phone_pieces(app, e.escalation.rung).1.concat()
}

/// The first candidate (two rows, each a list of pieces drawn one after another) whose rows
/// both fit `cells` whole. If none does, the last candidate with, on each row, the pieces that
/// fit whole in order: a piece (a phone number with its name, a clock) is never cut.
fn fit_banner(candidates: &[[Vec<String>; 2]], cells: usize) -> [String; 2] {
    let fits = |row: &[String]| row.iter().map(|p| width(p)).sum::<usize>() <= cells;
    if let Some([a, b]) = candidates.iter().find(|[a, b]| fits(a) && fits(b)) {
        return [a.concat(), b.concat()];
    }
    let greedy = |row: &[String]| {
        let mut out = String::new();
        for p in row {
            if width(&out) + width(p) <= cells {
                out.push_str(p);
            }
        }
        out
    };
    candidates
        .last()
        .map(|[a, b]| [greedy(a), greedy(b)])
        .unwrap_or_default()
}

/// The banner's two rows for `cells` cells (see [`render_banner`]); empty when nothing waits.
#[must_use]
pub fn banner_text(app: &App, cells: usize) -> Option<[String; 2]> {
    let alerts = app.alerts();
    let now = app.now;
    // An unacknowledged event comes first; an urgent log entry shows when no event waits.
    let entry_first = alerts.first().is_none_or(|e| e.escalation.state != EventState::New);
    if let Some(a) = app.unacked_entry_alerts().first().filter(|_| entry_first) {
        // A 集体访 or watch-list alert names everyone to report to at once (000:377).
        let visit = is_visit_alert(&a.title);
        let (call, phone, short) = if visit {
            let short = report_pieces(app, a.escalation.rung, true);
            ("请立即报告 ", report_pieces(app, a.escalation.rung, false), short)
        } else {
            let phone = who_to_phone_pieces(app, a.escalation.rung).1;
            ("请电话 ", phone.clone(), phone)
        };
        let head = format!(" 【紧急·未确认】按 F2 确认  第{}号值班记录", a.entry_id);
        // The entry's title fills what is left of the first row (the record has it whole).
        let room = cells.saturating_sub(width(&head) + 1);
        let title = clean(&a.title);
        let first = if room >= 6 && !title.is_empty() {
            format!("{head} {}", cut(&title, room))
        } else {
            head
        };
        let since = format!(" {} 起提醒", a.created_at.format("%H:%M"));
        let mut second = vec![format!("{since}；{call}")];
        second.extend(phone.iter().cloned());
        let mut people = vec![format!(" {call}")];
        people.extend(phone.iter().cloned());
        let mut names = vec![format!(" {call}")];
        names.extend(short);
        return Some(fit_banner(
            &[
                [vec![first.clone()], second],
                [vec![first.clone()], people],
                [vec![first], names],
            ],
            cells,
        ));
    }
    let top = alerts.first()?;
    let unacked = top.escalation.state == EventState::New;
    let more = if alerts.len() > 1 {
        format!("（另有 {} 件）", alerts.len() - 1)
    } else {
        String::new()
    };
    // The most pressing running deadline (whose, which channel), and how many more run.
    let run = clock::running(&top.clocks, now);
    let phone = run.first().map_or_else(
        || "各报送对象均已报".to_string(),
        |d| {
            clean(&format!(
                "报{} {} {}",
                d.recipient,
                d.channel.label(),
                d.countdown.describe()
            ))
        },
    );
    let written = if run.len() > 1 {
        format!("另有 {} 项", run.len() - 1)
    } else {
        String::new()
    };
    let clocks_text = if written.is_empty() {
        phone.clone()
    } else {
        format!("{phone}；{written}")
    };
    let written_lead = if written.is_empty() {
        " ".to_string()
    } else {
        format!(" {written}；")
    };
    let source = run
        .first()
        .and_then(|d| top.clock_of(d.recipient))
        .map(|c| format!("；依据 {}", clean(&c.setting.source)))
        .unwrap_or_default();
    let what = format!(
        "第{}号 {} {}",
        top.id,
        top.facts.level.label(),
        clean(&top.record.category)
    );
    if !unacked {
        let first = vec![format!(" 【紧急·报送未完成】{what} 已确认{more}")];
        let clocks = vec![format!(" {clocks_text}")];
        let mut with_source = clocks.clone();
        with_source.push(source);
        return Some(fit_banner(&[[first.clone(), with_source], [first, clocks]], cells));
    }
    let received = format!(" {}接报", top.record.received_at.format("%H:%M"));
    let place = if top.facts.place.trim().is_empty() {
        String::new()
    } else {
        format!(" {}", clean(&top.facts.place))
    };
    let (rung_name, people) = who_to_phone_pieces(app, top.escalation.rung);
    // The same people without the rung's name (带班领导：), for a row one name too long.
    let unnamed: Vec<String> = match people.split_first() {
        Some((first, rest)) => {
            let first = first
                .strip_prefix(&format!("{rung_name}："))
                .unwrap_or(first)
                .to_string();
            std::iter::once(first).chain(rest.iter().cloned()).collect()
        }
        None => Vec::new(),
    };
    let head = format!(" 【紧急·未确认】按 F2 确认  {what}");
    let narrow_head = format!(
        " 【紧急·未确认】按 F2 确认 {} {}",
        top.facts.level.label(),
        clean(&top.record.category)
    );
    let call = |lead: &str| {
        let mut row = vec![format!("{lead}请电话 ")];
        row.extend(people.iter().cloned());
        row
    };
    let clocks = format!(" {clocks_text}；");
    let candidates = [
        // Everything: the place after the category, as it was always read.
        [
            vec![head.clone(), place.clone(), received.clone(), more.clone()],
            [call(&clocks), vec![source]].concat(),
        ],
        [
            vec![head.clone(), place.clone(), received.clone(), more.clone()],
            call(&clocks),
        ],
        [
            vec![head.clone(), place.clone(), received.clone(), more.clone()],
            [vec![format!("{clocks}请电话 ")], unnamed.clone()].concat(),
        ],
        // The place gives way (the 紧急事项 tab has it); the clocks keep the second row.
        [vec![head.clone(), received.clone(), more.clone()], call(&clocks)],
        // The phone deadline moves up to the first row.
        [
            vec![
                head.clone(),
                place,
                received.clone(),
                more.clone(),
                format!("  {phone}"),
            ],
            call(&written_lead),
        ],
        // The place gives way (the 紧急事项 tab has it).
        [
            vec![head.clone(), received, more.clone(), format!("  {phone}")],
            call(&written_lead),
        ],
        [vec![head, more.clone(), format!("  {phone}")], call(" ")],
        // The narrowest: the level and the category without the number (the tab has it); the
        // most pressing clock leads the second row, before whom to phone.
        [vec![narrow_head.clone(), more.clone(), format!("  {phone}")], call(" ")],
        [vec![narrow_head.clone(), more.clone()], call(&format!(" {phone}；"))],
        [
            vec![narrow_head, more],
            [vec![format!(" {phone}；请电话 ")], unnamed.clone()].concat(),
        ],
    ];
    Some(fit_banner(&candidates, cells))
}

/// The banner: two rows that cannot be missed, on every screen, while any event needs someone.
/// What it says is chosen to fit whole: the deadline and the numbers to call before the place
/// and the rule (which the 紧急事项 tab shows).
pub fn render_banner(frame: &mut Frame, area: Rect, app: &App) {
    let cells = usize::from(area.width);
    let Some(rows) = banner_text(app, cells) else { return };
    let alerts = app.alerts();
    let entry_first = alerts.first().is_none_or(|e| e.escalation.state != EventState::New);
    let style = match alerts.first() {
        _ if entry_first && !app.unacked_entry_alerts().is_empty() => theme::banner_red(),
        Some(top) if top.escalation.state == EventState::New || top.urgency(app.now) == Urgency::Red => {
            theme::banner_red()
        }
        _ => theme::banner_amber(),
    };
    let lines: Vec<Line> = rows
        .iter()
        .map(|t| {
            let pad = cells.saturating_sub(width(t));
            Line::from(Span::styled(format!("{t}{}", " ".repeat(pad)), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let screen = &app.screens.urgent;
    if let Some(form) = &screen.form {
        render_form(frame, area, form);
        return;
    }
    let listed = screen.listed(&app.shared);
    // At least four rows (borders, header, one event), at most 40% of the area; never more than
    // the area (a short window: `clamp` would panic with its minimum above its maximum).
    let list_height = u16::try_from(listed.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3)
        .min(area.height * 2 / 5)
        .max(4)
        .min(area.height);
    let [list_area, detail_area] = Layout::vertical([Constraint::Length(list_height), Constraint::Fill(1)]).areas(area);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" 紧急事项（{}；f 切换） ", screen.filter.label()),
            theme::header(),
        ))
        .border_style(theme::border());
    if listed.is_empty() {
        let mut text = Vec::new();
        // Never "none" while the store has not answered yet (the first frame, a filter changed).
        let reading = (screen.filter.shows_open() && !app.shared.alerts.read()) || screen.history_loading();
        push_wrapped(
            &mut text,
            if reading {
                "正在读取紧急事件…"
            } else {
                "没有要显示的紧急事件。按 n 新建；在值班记录详情中按 u 可由记录转为紧急事件；按 f 可看已结束的事件。"
            },
            2,
            usize::from(area.width.saturating_sub(2)),
            Style::new(),
        );
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    let wide = area.width >= 120;
    // Narrow: no 接报 column (the detail below has it), room for the whole clock.
    let narrow = area.width < 80;
    let keep = |i: usize| !(narrow && i == 3);
    // Keep the selected row in view.
    let room = usize::from(list_height.saturating_sub(3)).max(1);
    let first = screen.selected.saturating_sub(room - 1);
    let rows = listed.iter().enumerate().skip(first).take(room).map(|(i, e)| {
        let run = clock::running(&e.clocks, app.now);
        let (clock_text, clock_style) = if e.escalation.state == EventState::Closed {
            ("—".to_string(), theme::placeholder())
        } else {
            match run.first() {
                Some(d) => {
                    let more = if run.len() > 1 {
                        format!(" +{}", run.len() - 1)
                    } else {
                        String::new()
                    };
                    (
                        format!("{} {}{more}", d.recipient, d.countdown.describe()),
                        urgency_style(d.countdown.urgency()),
                    )
                }
                None => ("均已报".to_string(), Style::new()),
            }
        };
        let style = if i == screen.selected {
            theme::selected()
        } else {
            Style::new()
        };
        Row::new(
            [
                Line::raw(format!("{}", e.id)),
                Line::raw(e.facts.level.label()),
                Line::raw(clean(&e.record.category)),
                Line::raw(
                    e.record
                        .received_at
                        .format(if wide { "%m-%d %H:%M" } else { "%m-%d" })
                        .to_string(),
                ),
                Line::raw(e.escalation.state.label()),
                Line::styled(clean(&clock_text), clock_style),
                Line::raw(clean(&format!("{} {}", e.facts.place, e.record.summary))),
            ]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, c)| c)
            .collect::<Vec<_>>(),
        )
        .style(style)
    });
    let widths = [
        Constraint::Length(4),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(if wide { 11 } else { 5 }),
        Constraint::Length(6),
        Constraint::Length(if wide { 32 } else { 24 }),
        Constraint::Fill(1),
    ];
    let widths: Vec<Constraint> = widths
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, c)| c)
        .collect();
    let header = Row::new(
        ["编号", "等级", "类别", "接报", "状态", "最紧的报送时限", "地点/概况"]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, c)| c),
    )
    .style(theme::header());
    frame.render_widget(
        Table::new(rows, widths).header(header).block(block).column_spacing(1),
        list_area,
    );
    if let Some(e) = listed.get(screen.selected) {
        let detail = screen.detail.as_ref().filter(|d| d.event.id == e.id);
        render_event_detail(frame, detail_area, app, e, detail, app.now);
    }
}

/// The lines of an event read whole, in the order an officer needs them at 3 a.m.: what to do
/// now, the clocks, the facts as known now, every report in full, the timeline.
#[must_use]
pub fn detail_lines(
    app: &App,
    e: &Event,
    detail: Option<&ReportEvent>,
    now: NaiveDateTime,
    cells: usize,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut say =
        |text: &str, indent: usize, style: Style| push_wrapped(&mut lines, &clean(text), indent, cells, style);
    // Whom to phone and the clocks first: on a short window they are what must show.
    match e.escalation.state {
        EventState::New => say(
            &format!("未确认，当前提醒：{}（F2 或 a 确认）", who_to_phone(app, e)),
            0,
            theme::urgent(),
        ),
        EventState::Closed => say("已结束：只能查看", 0, theme::placeholder()),
        s => say(
            &format!(
                "状态：{}（p 报告 e 更新事实 g 升级/降级 t 追加报送对象 r 已处置 c 结束）",
                s.label()
            ),
            0,
            Style::new(),
        ),
    }
    say("报送时限：", 0, theme::header());
    for c in &e.clocks {
        let u = c
            .deadlines(now)
            .iter()
            .map(|d| d.countdown.urgency())
            .max()
            .unwrap_or(Urgency::Calm);
        let style = if e.escalation.state == EventState::Closed {
            Style::new()
        } else {
            urgency_style(u)
        };
        // The limits and the rule behind them come after the facts (时限依据): a short window
        // shows what is left and where it happened first.
        say(&c.describe(now), 2, style);
    }
    let f = &e.facts;
    let r = &e.record;
    say("事实（当前）：", 0, theme::header());
    say(&format!("地点：{}", f.shown(FactField::Place)), 2, Style::new());
    say(&format!("概况：{}", r.summary), 2, Style::new());
    say(
        &format!(
            "事发 {}  接报 {}  来源 {}",
            f.occurred_at.format("%m-%d %H:%M"),
            r.received_at.format("%m-%d %H:%M"),
            if r.source.is_empty() { "待核实" } else { &r.source }
        ),
        2,
        Style::new(),
    );
    say(&format!("伤亡：{}", f.casualties()), 2, Style::new());
    for field in [FactField::Measures, FactField::Trend, FactField::Contact] {
        say(&format!("{}：{}", field.label(), f.shown(field)), 2, Style::new());
    }
    if let Some(entry_id) = r.log_entry_id {
        say(&format!("由第 {entry_id} 号值班记录转来"), 2, theme::placeholder());
    }
    let unverified = f.unverified();
    if !unverified.is_empty() {
        say(&format!("待核实：{}", unverified.join("、")), 2, theme::notice());
    }
    for c in &e.changes {
        say(
            &format!(
                "{} {} 更新 {}（理由：{}）",
                c.at.format("%m-%d %H:%M"),
                c.by,
                crate::core::urgent::facts::change_text(c),
                c.reason
            ),
            4,
            theme::placeholder(),
        );
    }
    say("时限依据：", 0, theme::header());
    for c in &e.clocks {
        say(
            &format!(
                "{}：{}，自{}起{}；依据 {}",
                c.setting.recipient,
                c.setting.limits_text(),
                c.setting.clock.label(),
                if c.setting.why == "建立" {
                    String::new()
                } else {
                    format!("（{} {}）", c.setting.set_at.format("%m-%d %H:%M"), c.setting.why)
                },
                c.setting.source
            ),
            2,
            Style::new(),
        );
    }
    let Some(d) = detail else {
        say("正在读取报告和时间线…", 0, theme::placeholder());
        return lines;
    };
    say(&format!("报告（{} 份）：", d.reports.len()), 0, theme::header());
    for (n, rep) in d.reports.iter().enumerate() {
        say(
            &format!(
                "{}. {}{} 报{}  {}  签发 {}  记录 {}",
                n + 1,
                rep.channel.label(),
                rep.kind,
                rep.recipient,
                rep.sent_at.format("%m-%d %H:%M"),
                rep.signed_by,
                rep.recorded_by
            ),
            2,
            Style::new().add_modifier(Modifier::BOLD),
        );
        say(&rep.content, 5, Style::new());
    }
    // 请示 on an event is its report to the duty leader (above); the leaders' words and the work
    // handed out follow.
    if !d.instructions.is_empty() {
        say(
            &format!("领导批示（{} 条）：", d.instructions.len()),
            0,
            theme::header(),
        );
        for i in &d.instructions {
            let number = i.id.map_or_else(String::new, |id| format!("第 {id} 号批示  "));
            let via = i.via.map_or_else(String::new, |v| format!("{}批示  ", v.label()));
            say(
                &format!("{number}{}  {via}{}", i.leader, i.given_at.format("%m-%d %H:%M")),
                2,
                Style::new().add_modifier(Modifier::BOLD),
            );
            say(&i.text, 5, Style::new());
        }
    }
    if !d.tasks.is_empty() {
        let warn = app.settings.instruction.task_warn_before;
        say(&format!("交办（{} 项）：", d.tasks.len()), 0, theme::header());
        for t in &d.tasks {
            let style = match t.alert(now, warn) {
                TaskAlert::Overdue => theme::urgent(),
                TaskAlert::DueSoon => theme::ask_leader(),
                TaskAlert::Quiet => Style::new(),
            };
            say(
                &format!("第 {} 号交办 {}：{}", t.id, t.assignee, t.state_label(now, warn)),
                2,
                style,
            );
            if let Some(f) = t.feedback.last() {
                say(
                    &format!("最近反馈 {}：{}", f.at.format("%m-%d %H:%M"), f.text),
                    5,
                    theme::placeholder(),
                );
            }
        }
    }
    say("时间线：", 0, theme::header());
    for t in d.timeline.iter().rev() {
        say(
            &format!("{} {} {}", t.at.format("%m-%d %H:%M:%S"), t.who, t.text),
            2,
            Style::new(),
        );
    }
    lines
}

fn render_event_detail(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    e: &Event,
    detail: Option<&ReportEvent>,
    now: NaiveDateTime,
) {
    let mut block = Block::bordered()
        .title(Span::styled(
            clean(&format!(
                " 第 {} 号事件 {} {} ",
                e.id,
                e.facts.level.label(),
                e.record.category
            )),
            theme::header(),
        ))
        .border_style(theme::border());
    let cells = usize::from(area.width.saturating_sub(2));
    let lines = detail_lines(app, e, detail, now, cells);
    let room = usize::from(area.height.saturating_sub(2));
    let scroll = app.screens.urgent.detail_scroll.min(lines.len().saturating_sub(room));
    let hidden = lines.len().saturating_sub(scroll + room);
    // Say that more is below (or above) rather than cut it silently.
    let mut note = Vec::new();
    if scroll > 0 {
        note.push(format!("上面 {scroll} 行"));
    }
    if hidden > 0 {
        note.push(format!("下面还有 {hidden} 行"));
    }
    if !note.is_empty() {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" {}（PgUp/PgDn 翻看） ", note.join("，")),
                theme::placeholder(),
            ))
            .right_aligned(),
        );
    }
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
