//! One 较大 accident walked through as a duty officer does it, at 80x24 (issue 15's "done when"):
//! created with its level chosen, a phone report to the 带班领导 (the upward clock runs on), the
//! 初报 to the 上级总值班室 by phone and in writing (each stopping only its own clock), a 续报 that
//! updates the casualties, a re-grade to 重大, the 终报, resolving and closing. At each step the
//! event's detail (read on screen, page by page), the handover draft, the daily report and the
//! printed reports say what is true then.

mod common;

use chrono::{Duration, NaiveDateTime};
use common::{Harness, at};
use zhiban::core::escalation::EventState;
use zhiban::core::handover::{ItemKind, build_draft};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::report::{DEFAULT_DAY_ENDS, Window};
use zhiban::core::urgent::print::{Letterhead, print};
use zhiban::core::urgent::{Channel, Level};

const OFFICE: &str = "某某县人民政府办公室值班室";

fn start(clock: &str) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    Harness::open(dir, &path, 80, 24, Some("张三"), at(clock))
}

/// Moves the clock (second by second, as the runtime ticks) to `t`.
fn at_time(h: &mut Harness, t: &str) {
    h.tick_to(at(t));
}

fn focused(h: &Harness) -> String {
    h.app
        .screens
        .urgent
        .form
        .as_ref()
        .and_then(|f| f.focused())
        .map(|f| f.label.clone())
        .unwrap_or_default()
}

/// Tab to the field labelled `label` (the form's own order, as an officer does).
fn tab_to(h: &mut Harness, label: &str) {
    for _ in 0..40 {
        if focused(h) == label {
            return;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    panic!("no field “{label}” in the form:\n{}", text(h));
}

/// Empties the focused text field and types `text`.
fn retype(h: &mut Harness, text: &str) {
    h.key(Key::ctrl('u'));
    h.type_text(text);
}

/// Right on a choice until it shows `want`.
fn choose(h: &mut Harness, label: &str, want: &str) {
    tab_to(h, label);
    for _ in 0..12 {
        let value = h
            .app
            .screens
            .urgent
            .form
            .as_ref()
            .and_then(|f| f.focused())
            .map(|f| f.value())
            .unwrap_or_default();
        if value == want {
            return;
        }
        h.key(Key::plain(KeyCode::Right));
    }
    panic!("“{label}” never shows {want}:\n{}", text(h));
}

/// The screen as a fresh frame draws it (a terminal shows the same; `TestBackend` keeps the cells
/// a wide character covers from earlier frames, which a frame-by-frame read would mix in).
fn text(h: &Harness) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| zhiban::ui::render(&h.app, f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let s = buf[(x, y)].symbol();
            out.push_str(s);
            x += u16::try_from(unicode_width::UnicodeWidthStr::width(s).max(1)).unwrap();
        }
        out.push('\n');
    }
    out
}

fn row(h: &Harness, n: usize) -> String {
    text(h).lines().nth(n).unwrap_or_default().to_string()
}

/// The selected event's detail as the officer reads it at 80x24: every page, PgDn after PgDn,
/// then back to the top.
fn detail(h: &mut Harness) -> String {
    h.key(Key::ch('3'));
    let mut pages = vec![text(h)];
    for _ in 0..30 {
        if !pages.last().unwrap().contains("下面还有") {
            break;
        }
        h.key(Key::plain(KeyCode::PageDown));
        pages.push(text(h));
    }
    for _ in 0..pages.len() {
        h.key(Key::plain(KeyCode::PageUp));
    }
    pages.join("\n")
}

/// The event's line on the outgoing officer's handover draft, built now.
fn handover_line(h: &mut Harness) -> Option<String> {
    let now = h.clock;
    let state = h.store.open_state(now).unwrap();
    let draft = build_draft(&state, "张三", "李四", now - Duration::hours(8), now);
    draft
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Event)
        .map(|i| format!("{} {}", i.title, i.detail))
}

/// The daily report of the period in progress, as text.
fn daily(h: &mut Harness) -> String {
    let now = h.clock;
    h.store
        .daily_report_for(Window::in_progress(now, DEFAULT_DAY_ENDS), now)
        .unwrap()
        .to_text(OFFICE, "王五")
}

/// Every report of event 1 printed, as `zhiban event print 1 N --format text` does.
fn printed(h: &mut Harness) -> Vec<String> {
    let whole = h.store.report_event(1).unwrap();
    let head = Letterhead {
        office: OFFICE,
        contact: "张三 13800000001".into(),
    };
    whole
        .reports
        .iter()
        .map(|r| print(&whole.event, r, &head, false))
        .collect()
}

/// What the field labelled `label` holds now.
fn value_of(form: &zhiban::core::form::Form<zhiban::core::urgent_screen::UrgentField>, label: &str) -> String {
    form.fields
        .iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field “{label}”"))
        .value()
}

fn open_report_form(h: &mut Harness) {
    h.key(Key::ch('3'));
    h.key(Key::ch('p'));
    assert!(text(h).contains("记录报告"), "{}", text(h));
}

fn save(h: &mut Harness, said: &str) {
    h.key(Key::ctrl('s'));
    let text = text(h);
    assert!(text.contains(said), "expected “{said}” after saving:\n{text}");
}

fn clock_of(h: &mut Harness, recipient: &str) -> zhiban::core::urgent::clock::RecipientClock {
    h.store
        .event(1)
        .unwrap()
        .clocks
        .into_iter()
        .find(|c| c.setting.recipient == recipient)
        .unwrap_or_else(|| panic!("no clock for {recipient}"))
}

fn min(t: &str) -> NaiveDateTime {
    at(&format!("{t}:00"))
}

#[test]
fn a_larger_accident_from_the_first_call_to_closing() {
    let mut h = start("2026-11-23 14:00:00");

    // ---- 14:00 created: 较大 事故灾难, received now, happened at 13:50. ----
    h.key(Key::ch('3'));
    h.key(Key::ch('n'));
    assert_eq!(focused(&h), "等级", "the form opens on the level, none chosen");
    choose(&mut h, "等级", "较大");
    h.key(Key::plain(KeyCode::BackTab));
    choose(&mut h, "类别", "事故灾难");
    tab_to(&mut h, "事发时间");
    h.type_text("13:50");
    tab_to(&mut h, "事发地点");
    h.type_text("城关镇西环路与建设路交叉口");
    tab_to(&mut h, "信息来源");
    h.type_text("县交警大队 李队长");
    tab_to(&mut h, "事件概况");
    h.type_text("一辆危化品运输车侧翻，有人员被困");
    tab_to(&mut h, "受伤");
    h.type_text("5");
    save(&mut h, "已保存：第 1 号紧急事件");

    let event = h.store.event(1).unwrap();
    assert_eq!(event.facts.level, Level::Large);
    assert_eq!(event.record.received_at, min("2026-11-23 14:00"));
    assert_eq!(event.facts.occurred_at, min("2026-11-23 13:50"));
    let leader = clock_of(&mut h, "带班领导");
    assert_eq!(leader.setting.phone_due, min("2026-11-23 14:10"));
    assert_eq!(
        leader.setting.written_due, None,
        "the duty leader is told by phone only"
    );
    let upward = clock_of(&mut h, "上级总值班室");
    assert_eq!(
        upward.setting.phone_due,
        min("2026-11-23 15:00"),
        "较大: 60 minutes from 接报"
    );
    assert_eq!(upward.setting.written_due, Some(min("2026-11-23 16:00")));

    at_time(&mut h, "2026-11-23 14:02:00");
    h.key(Key::plain(KeyCode::F(2)));
    let d = detail(&mut h);
    for want in [
        "第 1 号事件 较大 事故灾难",
        "带班领导 电话 剩 08:00",
        "上级总值班室 电话 剩 58:00，书面 剩 1:58:00",
        "地点：城关镇西环路与建设路交叉口",
        "伤亡：死亡 待核实，失踪 待核实，受伤 5",
        "时限依据：",
        "报告（0 份）",
    ] {
        assert!(d.contains(want), "14:02 detail lacks “{want}”:\n{d}");
    }
    let banner = row(&h, 2);
    assert!(banner.contains("报带班领导 电话 剩 08:00；另有 2 项"), "{banner}");
    let line = handover_line(&mut h).expect("the event is handed over");
    assert!(line.contains("第 1 号紧急事件 较大 事故灾难"), "{line}");
    assert!(line.contains("伤亡：死亡 待核实，失踪 待核实，受伤 5"), "{line}");
    let report = daily(&mut h);
    assert!(report.contains("较大"), "{report}");
    assert!(report.contains("受伤 5"), "{report}");
    assert!(printed(&mut h).is_empty());

    // ---- 14:05 phone report to the 带班领导: only his clock stops. ----
    at_time(&mut h, "2026-11-23 14:05:00");
    open_report_form(&mut h);
    let form = h.app.screens.urgent.form.as_ref().unwrap();
    assert_eq!(
        value_of(form, "报送对象"),
        "带班领导",
        "the most pressing recipient first"
    );
    assert_eq!(value_of(form, "报告"), "初报");
    assert_eq!(value_of(form, "方式"), "电话");
    let prefill = value_of(form, "内容");
    assert!(
        prefill.starts_with("事发时间：11月23日13时50分。事发地点：城关镇西环路与建设路交叉口。"),
        "{prefill}"
    );
    assert!(!prefill.contains("。。"), "{prefill}");
    assert_eq!(prefill.matches("13时50分").count(), 1, "the time once: {prefill}");
    save(&mut h, "初报");
    assert_eq!(clock_of(&mut h, "带班领导").phone_sent, Some(min("2026-11-23 14:05")));
    let upward = clock_of(&mut h, "上级总值班室");
    assert_eq!(
        upward.phone_sent, None,
        "a call to the duty leader is not the upward report"
    );
    assert_eq!(upward.written_sent, None);
    let banner = row(&h, 2);
    assert!(banner.contains("报上级总值班室 电话 剩 55:00；另有 1 项"), "{banner}");
    let d = detail(&mut h);
    assert!(d.contains("带班领导 电话 已报"), "{d}");
    assert!(d.contains("上级总值班室 电话 剩 55:00"), "{d}");
    assert!(d.contains("1. 电话初报 报带班领导"), "{d}");
    let line = handover_line(&mut h).unwrap();
    assert!(line.contains("上级总值班室 电话 剩 55:00"), "{line}");

    // ---- 14:20 the 初报 to the 上级总值班室 by phone: its phone clock stops, writing runs. ----
    at_time(&mut h, "2026-11-23 14:20:00");
    open_report_form(&mut h);
    let form = h.app.screens.urgent.form.as_ref().unwrap();
    assert_eq!(value_of(form, "报送对象"), "上级总值班室");
    assert_eq!(value_of(form, "报告"), "初报");
    assert_eq!(value_of(form, "方式"), "电话");
    save(&mut h, "初报");
    let upward = clock_of(&mut h, "上级总值班室");
    assert_eq!(upward.phone_sent, Some(min("2026-11-23 14:20")));
    assert_eq!(
        upward.written_sent, None,
        "the phone report does not stop the written clock"
    );
    let banner = row(&h, 2);
    assert!(banner.contains("报上级总值班室 书面 剩 1:40:00"), "{banner}");

    // ---- 14:40 the written 初报 starts from the phone one just made. ----
    at_time(&mut h, "2026-11-23 14:40:00");
    open_report_form(&mut h);
    let form = h.app.screens.urgent.form.as_ref().unwrap();
    assert_eq!(value_of(form, "报送对象"), "上级总值班室");
    assert_eq!(value_of(form, "方式"), "书面");
    assert_eq!(
        value_of(form, "内容"),
        prefill,
        "the written 初报 starts from the phone 初报"
    );
    save(&mut h, "初报");
    assert_eq!(
        clock_of(&mut h, "上级总值班室").written_sent,
        Some(min("2026-11-23 14:40"))
    );
    let banner = format!("{}\n{}", row(&h, 1), row(&h, 2));
    assert!(!banner.contains("剩"), "every clock has stopped:\n{banner}");
    let prints = printed(&mut h);
    assert_eq!(prints.len(), 3);
    let upward_written = &prints[2];
    for want in [
        "关于城关镇西环路与建设路交叉口一辆危化品运输车侧翻的初报",
        &format!("报送单位：{OFFICE}"),
        "签发人：王五",
        "报送时间：2026年11月23日 14:40",
        "报送对象：上级总值班室（书面）",
        "正文：\n事发时间：11月23日13时50分。",
        "待核实事项：",
        "联系人及电话：张三 13800000001",
    ] {
        assert!(
            upward_written.contains(want),
            "the printed 初报 lacks “{want}”:\n{upward_written}"
        );
    }

    // ---- 16:40 a 续报 by phone says 1 dead and 7 injured: the facts follow. ----
    at_time(&mut h, "2026-11-23 16:40:00");
    open_report_form(&mut h);
    let form = h.app.screens.urgent.form.as_ref().unwrap();
    assert_eq!(value_of(form, "报送对象"), "上级总值班室", "续报 go upward");
    assert_eq!(value_of(form, "报告"), "续报");
    assert_eq!(
        value_of(form, "内容"),
        prefill,
        "a 续报 starts from the last report's text"
    );
    assert!(form.aside.iter().any(|l| l.contains("事实未更新")), "{:?}", form.aside);
    tab_to(&mut h, "内容");
    h.key(Key::ctrl('e'));
    h.type_text("经核实，已造成1人死亡、7人受伤，均已送医。");
    tab_to(&mut h, "死亡");
    h.type_text("1");
    tab_to(&mut h, "受伤");
    retype(&mut h, "7");
    tab_to(&mut h, "待核实");
    retype(&mut h, "事故原因");
    save(&mut h, "续报一");
    let event = h.store.event(1).unwrap();
    assert_eq!(event.facts.deaths, Some(1));
    assert_eq!(event.facts.injured, Some(7));
    assert!(
        event
            .changes
            .iter()
            .any(|c| c.reason.contains("续报") && c.by == "张三"),
        "{:?}",
        event.changes
    );
    let d = detail(&mut h);
    assert!(d.contains("伤亡：死亡 1，失踪 待核实，受伤 7"), "{d}");
    assert!(d.contains("受伤 5 → 7"), "the change is kept with its old value:\n{d}");
    assert!(d.contains("电话续报一 报上级总值班室"), "{d}");
    assert!(d.contains("已造成1人死亡、7人受伤"), "the report's text in full:\n{d}");
    let line = handover_line(&mut h).unwrap();
    assert!(line.contains("伤亡：死亡 1，失踪 待核实，受伤 7"), "{line}");
    assert!(line.contains("待核实：事故原因"), "{line}");
    let report = daily(&mut h);
    assert!(report.contains("死亡 1") && report.contains("受伤 7"), "{report}");
    assert!(!report.contains("受伤 5"), "{report}");
    let prints = printed(&mut h);
    assert!(
        prints[3].contains("关于城关镇西环路与建设路交叉口一辆危化品运输车侧翻的续报一"),
        "{}",
        prints[3]
    );
    assert!(prints[3].contains("待核实事项：事故原因"), "{}", prints[3]);
    // The 初报 printed again still says what was known then.
    assert!(!prints[2].contains("已造成1人死亡"), "{}", prints[2]);

    // ---- 16:50 re-graded to 重大: clocks already met stay met. ----
    at_time(&mut h, "2026-11-23 16:50:00");
    h.key(Key::ch('3'));
    h.key(Key::ch('g'));
    // No level is offered ready-made: Ctrl-S at once changes nothing.
    h.key(Key::ctrl('s'));
    assert!(text(&h).contains("请选择等级"), "{}", text(&h));
    assert_eq!(h.store.event(1).unwrap().facts.level, Level::Large);
    choose(&mut h, "改为", "重大");
    tab_to(&mut h, "理由");
    h.type_text("已造成1人死亡，按重大报告");
    save(&mut h, "重大");
    let event = h.store.event(1).unwrap();
    assert_eq!(event.facts.level, Level::Major);
    assert!(
        event
            .clocks
            .iter()
            .all(|c| c.phone_sent.is_some() && (c.setting.written_due.is_none() || c.written_sent.is_some())),
        "reports made stay made: {:?}",
        event.clocks
    );
    let d = detail(&mut h);
    assert!(d.contains("第 1 号事件 重大 事故灾难"), "{d}");
    assert!(d.contains("改为重大"), "the re-grade and its reason:\n{d}");
    assert!(d.contains("已造成1人死亡，按重大报告"), "{d}");
    let line = handover_line(&mut h).unwrap();
    assert!(line.contains("重大 事故灾难"), "{line}");

    // ---- 17:30 the 终报, then resolved and closed (each asks first). ----
    at_time(&mut h, "2026-11-23 17:30:00");
    open_report_form(&mut h);
    choose(&mut h, "报告", "终报");
    choose(&mut h, "方式", "书面");
    tab_to(&mut h, "内容");
    h.key(Key::ctrl('e'));
    h.type_text("现场已清理完毕，道路恢复通行。");
    save(&mut h, "终报");
    h.key(Key::ch('r'));
    assert!(
        text(&h).contains("把第 1 号事件标为“已处置”？"),
        "r asks first:\n{}",
        text(&h)
    );
    h.key(Key::ch('y'));
    h.key(Key::ch('c'));
    h.key(Key::ch('y'));
    let event = h.store.event(1).unwrap();
    assert_eq!(event.escalation.state, EventState::Closed);
    // Still on the tab, without pressing anything: the closed event stays in view, read-only.
    at_time(&mut h, "2026-11-23 17:30:03");
    let now_shown = text(&h);
    assert!(now_shown.contains("已结束：只能查看"), "{now_shown}");
    assert!(now_shown.contains("第 1 号事件 重大 事故灾难"), "{now_shown}");
    assert!(handover_line(&mut h).is_none(), "a closed event is not handed over");
    let d = detail(&mut h);
    assert!(
        d.contains("已结束：只能查看"),
        "the closed event stays on the tab:\n{d}"
    );
    assert!(d.contains("报告（5 份）"), "{d}");
    h.key(Key::ch('p'));
    assert!(text(&h).contains("已结束，只能查看"), "{}", text(&h));
    let prints = printed(&mut h);
    assert_eq!(prints.len(), 5);
    assert!(prints[4].contains("的终报"), "{}", prints[4]);
    assert!(prints[4].contains("报送对象：上级总值班室（书面）"), "{}", prints[4]);
    let reports = h.store.report_event(1).unwrap().reports;
    let names: Vec<String> = reports
        .iter()
        .map(|r| format!("{}{}报{}", r.channel.label(), r.kind, r.recipient))
        .collect();
    assert_eq!(
        names,
        [
            "电话初报报带班领导",
            "电话初报报上级总值班室",
            "书面初报报上级总值班室",
            "电话续报一报上级总值班室",
            "书面终报报上级总值班室",
        ],
        "numbered per recipient; the phone and written 初报 share a number"
    );
    assert!(
        reports
            .iter()
            .all(|r| r.channel != Channel::Written || r.recipient != "带班领导")
    );
    let report = daily(&mut h);
    assert!(report.contains("终报"), "{report}");

    // Search finds the closed event by words only its 终报 says, and opens it on its tab.
    h.key(Key::ch('/'));
    h.type_text("道路恢复通行");
    let found = text(&h);
    assert!(found.contains("查询：1 条"), "{found}");
    h.key(Key::plain(KeyCode::Enter));
    let opened = text(&h);
    assert!(opened.contains("第 1 号事件 重大 事故灾难"), "{opened}");
    assert!(opened.contains("已结束：只能查看"), "{opened}");
    // And by a fact known only from the 续报's update.
    h.key(Key::ch('/'));
    h.key(Key::ctrl('u'));
    h.type_text("事故原因");
    assert!(text(&h).contains("查询：1 条"), "{}", text(&h));
}
