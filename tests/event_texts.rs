//! An urgent event's and a report's texts have length caps like the duty log's (issue 14,
//! point 6): the forms stop at the cap, a prefilled field is never silently cut, and whatever
//! does not come through a form (the command line) is refused with the cap in words.

mod cli_common;

use chrono::NaiveDateTime;
use cli_common::{Sandbox, failure, success};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::log::{Entry, LogField, RawValues, build_entry};
use zhiban::core::report::ReportEvent;
use zhiban::core::urgent::{Channel, Event, EventDraft, EventText, Level, Report, check_report, new_event};
use zhiban::core::urgent_screen::{UrgentField, new_event_form, read_report_form, report_form};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn settings() -> zhiban::core::settings::Settings {
    parse(DEFAULT_TOML, None).unwrap().settings
}

fn draft(place: &str, summary: &str) -> EventDraft {
    EventDraft::essentials("自然灾害", Level::Major, at("2026-11-23 02:50"), place, summary)
}

#[test]
fn an_event_longer_than_its_caps_is_refused_with_the_field_and_the_cap() {
    let s = settings();
    let now = at("2026-11-23 03:00");
    let full = "河".repeat(EventText::Summary.max_chars());
    assert!(new_event(draft(&"镇".repeat(100), &full), &s.urgent, "张三", now).is_ok());
    let e = new_event(draft("李家集镇", &format!("{full}堤")), &s.urgent, "张三", now).unwrap_err();
    assert_eq!(e, "“事件概况”过长（4001 字），最多 4000 字：请精简");
    let e = new_event(draft(&"镇".repeat(101), "山体滑坡"), &s.urgent, "张三", now).unwrap_err();
    assert!(e.starts_with("“事发地点”过长（101 字）"), "{e}");
    let mut long_measures = draft("李家集镇", "山体滑坡");
    long_measures.measures = "措".repeat(2001);
    let e = new_event(long_measures, &s.urgent, "张三", now).unwrap_err();
    assert!(e.contains("“已采取措施”过长"), "{e}");
}

#[test]
fn the_event_form_stops_at_the_caps() {
    let s = settings();
    let mut form = new_event_form(&s.urgent, None);
    for (field, text) in [
        (UrgentField::Summary, EventText::Summary),
        (UrgentField::Place, EventText::Place),
        (UrgentField::Measures, EventText::Measures),
    ] {
        form.field_mut(field)
            .unwrap()
            .set_value(&"河".repeat(text.max_chars() + 50));
        assert_eq!(form.value(field).chars().count(), text.max_chars(), "{field:?}");
    }
}

#[test]
fn a_promoted_entry_s_source_and_a_full_event_s_first_report_are_prefilled_whole() {
    let s = settings();
    // The longest unit, caller and phone an entry holds: its source line fits whole.
    let raw: RawValues = [
        (LogField::Kind, "来电".to_string()),
        (LogField::Unit, "单".repeat(LogField::Unit.max_chars())),
        (LogField::Person, "人".repeat(LogField::Person.max_chars())),
        (LogField::Phone, "13812345678".to_string()),
        (LogField::Content, "河".repeat(LogField::Content.max_chars())),
    ]
    .into_iter()
    .collect();
    let entry = Entry {
        id: 7,
        fields: build_entry(&raw, "张三", at("2026-11-23 02:55")).unwrap(),
        amendments: Vec::new(),
        instructions: Vec::new(),
        alert: Vec::new(),
        events: Vec::new(),
        requests: Vec::new(),
        tasks: Vec::new(),
        closings: Vec::new(),
        forwards: Vec::new(),
    };
    let form = new_event_form(&s.urgent, Some(&entry));
    let source = form.value(UrgentField::Source);
    assert!(
        source.starts_with(&entry.fields.unit) && source.ends_with("13812345678"),
        "cut: {} characters",
        source.chars().count()
    );
    assert_eq!(form.value(UrgentField::Summary), entry.fields.content);

    // An event at every cap: its initial report starts with the whole of it.
    let now = at("2026-11-23 03:00");
    let summary = "河".repeat(EventText::Summary.max_chars());
    let record = new_event(draft(&"镇".repeat(100), &summary), &s.urgent, "张三", now).unwrap();
    let mut record = record;
    record.measures = "措".repeat(EventText::Measures.max_chars());
    record.trend = "势".repeat(EventText::Trend.max_chars());
    let event = ReportEvent {
        event: Event::just_recorded(1, record),
        reports: Vec::new(),
        timeline: Vec::new(),
        instructions: Vec::new(),
        tasks: Vec::new(),
    };
    let form = report_form(&event, &s, now);
    let content = form.value(UrgentField::ReportContent);
    assert!(content.contains(&summary), "the summary was cut");
    assert!(
        content.ends_with("。"),
        "{}",
        content.chars().rev().take(40).collect::<String>()
    );
    let (_, report, changes) = read_report_form(&form, &event.event, "张三", now).unwrap();
    assert!(changes.is_empty(), "the facts were not touched: {changes:?}");
    assert_eq!(report.content, content.trim());
}

#[test]
fn a_report_longer_than_its_caps_is_refused() {
    let report = |content: String, signed_by: &str| Report {
        kind: "初报".into(),
        channel: Channel::Phone,
        recipient: "上级总值班室".into(),
        sent_at: at("2026-11-23 03:20"),
        signed_by: signed_by.into(),
        content,
        recorded_by: "张三".into(),
        recorded_at: at("2026-11-23 03:20"),
    };
    assert!(check_report(&report("河".repeat(7000), "王五")).is_ok());
    let (field, why) = check_report(&report("河".repeat(7001), "王五")).unwrap_err();
    assert_eq!(field, EventText::ReportContent);
    assert!(why.contains("“报告内容”过长（7001 字），最多 7000 字"), "{why}");
    let (field, _) = check_report(&report("续报".into(), &"王".repeat(51))).unwrap_err();
    assert_eq!(field, EventText::ReportSigner);
}

#[test]
fn the_command_line_refuses_an_overlong_summary_or_place_naming_the_option_and_saves_nothing() {
    let s = Sandbox::new();
    let add = |place: &str, summary: &str| {
        s.run(&[
            "event",
            "add",
            "--category",
            "自然灾害",
            "--level",
            "重大",
            "--occurred",
            "2001-02-03 04:05",
            "--place",
            place,
            "--summary",
            summary,
        ])
    };
    let err = failure(&add("李家集镇", &"河".repeat(4001)), 2);
    assert!(
        err.contains("--summary：“事件概况”过长（4001 字），最多 4000 字"),
        "{err}"
    );
    let err = failure(&add(&"镇".repeat(101), "山体滑坡"), 2);
    assert!(err.contains("--place：“事发地点”过长（101 字），最多 100 字"), "{err}");
    assert_eq!(success(&s.run(&["event", "list", "--json"])).trim(), "[]");
    assert_eq!(success(&add(&"镇".repeat(100), &"河".repeat(4000))).trim(), "1");
}
