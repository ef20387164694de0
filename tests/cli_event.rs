//! `zhiban event …` as a script or a checking colleague uses it (issue 15): the level is never
//! assumed, a report names its recipient and stops only that clock, facts are amended with a
//! reason, and `show --json` and `print` say what is in the store. Times are given (2001), never
//! the wall clock's.

mod cli_common;

use cli_common::{Sandbox, failure, has_chinese, success};
use serde_json::Value;

fn add(s: &Sandbox) -> String {
    success(&s.run(&[
        "event",
        "add",
        "--category",
        "事故灾难",
        "--level",
        "较大",
        "--occurred",
        "2001-02-03 13:50",
        "--received",
        "2001-02-03 14:00",
        "--place",
        "城关镇西环路",
        "--summary",
        "危化品运输车侧翻",
        "--also",
        "县应急局:30/60",
    ]))
    .trim()
    .to_string()
}

fn show(s: &Sandbox, id: &str) -> Value {
    serde_json::from_str(&success(&s.run(&["event", "show", id, "--json"]))).expect("event show --json prints JSON")
}

fn clock<'a>(event: &'a Value, recipient: &str) -> &'a Value {
    event["clocks"]
        .as_array()
        .expect("clocks is an array")
        .iter()
        .find(|c| c["recipient"] == recipient)
        .unwrap_or_else(|| panic!("no clock for {recipient}: {event}"))
}

#[test]
fn event_add_without_a_level_exits_2_and_writes_nothing() {
    let s = Sandbox::new();
    let out = s.run(&["event", "add", "--category", "事故灾难", "--summary", "货车侧翻"]);
    let err = failure(&out, 2);
    assert!(has_chinese(&err) && err.contains("--level"), "{err}");
    let out = s.run(&[
        "event",
        "add",
        "--category",
        "事故灾难",
        "--level",
        "严重",
        "--summary",
        "货车侧翻",
    ]);
    let err = failure(&out, 2);
    assert!(
        err.contains("特别重大") && err.contains("一般"),
        "the levels are named: {err}"
    );
    let listed: Value = serde_json::from_str(&success(&s.run(&["event", "list", "--all", "--json"]))).unwrap();
    assert_eq!(listed, Value::Array(Vec::new()));
}

#[test]
fn a_report_stops_only_its_recipient_s_clock_and_show_json_says_so() {
    let s = Sandbox::new();
    let id = add(&s);
    let event = show(&s, &id);
    assert_eq!(event["level"], "较大");
    let upward = clock(&event, "上级总值班室");
    assert_eq!(upward["phone_due_at"], "2001-02-03 15:00:00");
    assert_eq!(upward["written_due_at"], "2001-02-03 16:00:00");
    assert_eq!(upward["phone_reported_at"], Value::Null);
    let leader = clock(&event, "带班领导");
    assert_eq!(leader["phone_due_at"], "2001-02-03 14:10:00");
    assert_eq!(
        leader["written_due_at"],
        Value::Null,
        "the duty leader is told by phone only"
    );
    assert_eq!(clock(&event, "县应急局")["phone_due_at"], "2001-02-03 14:30:00");

    success(&s.run(&[
        "event",
        "report",
        &id,
        "--kind",
        "初报",
        "--method",
        "电话",
        "--to",
        "带班领导",
        "--signer",
        "王五",
        "--text",
        "危化品运输车侧翻，伤亡待核实。",
        "--sent",
        "2001-02-03 14:05",
    ]));
    let event = show(&s, &id);
    assert_eq!(clock(&event, "带班领导")["phone_reported_at"], "2001-02-03 14:05:00");
    assert_eq!(
        clock(&event, "上级总值班室")["phone_reported_at"],
        Value::Null,
        "a call to the duty leader is not the upward report"
    );

    // Not one of the event's recipients: exit 2, said in Chinese, nothing written.
    let out = s.run(&[
        "event",
        "report",
        &id,
        "--kind",
        "初报",
        "--method",
        "电话",
        "--to",
        "省政府",
        "--signer",
        "王五",
        "--text",
        "x",
        "--sent",
        "2001-02-03 14:06",
    ]);
    let err = failure(&out, 2);
    assert!(err.contains("省政府"), "{err}");
    assert_eq!(show(&s, &id)["reports"].as_array().unwrap().len(), 1);
}

#[test]
fn facts_are_updated_with_a_reason_and_printed_reports_follow_the_standard_layout() {
    let s = Sandbox::new();
    let id = add(&s);
    let out = s.run(&["event", "update", &id, "--casualties", "1,,7"]);
    assert!(failure(&out, 2).contains("--reason"));
    success(&s.run(&[
        "event",
        "update",
        &id,
        "--reason",
        "县应急局续报",
        "--casualties",
        "1,,7",
        "--unverified",
        "事故原因",
    ]));
    let event = show(&s, &id);
    assert_eq!(event["deaths"], 1);
    assert_eq!(event["injured"], 7);
    assert_eq!(event["missing"], Value::Null);
    let changes = event["fact_changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["reason"] == "县应急局续报" && c["new"] == "7"),
        "{changes:?}"
    );

    success(&s.run(&[
        "event",
        "report",
        &id,
        "--kind",
        "初报",
        "--method",
        "书面",
        "--to",
        "上级总值班室",
        "--signer",
        "王五",
        "--text",
        "事发时间：2月3日13时50分。伤亡情况：死亡 1，受伤 7。",
        "--sent",
        "2001-02-03 14:40",
    ]));
    let text = success(&s.run(&["event", "print", &id, "1", "--format", "text"]));
    for want in [
        "关于城关镇西环路危化品运输车侧翻的初报",
        "报送单位：",
        "签发人：王五",
        "报送时间：2001年02月03日 14:40",
        "报送对象：上级总值班室（书面）",
        "正文：\n事发时间：2月3日13时50分。",
        "待核实事项：事故原因",
        "联系人及电话：",
    ] {
        assert!(text.contains(want), "lacks “{want}”:\n{text}");
    }
    let markdown = success(&s.run(&["event", "print", &id, "1"]));
    assert!(
        markdown.starts_with("# 关于城关镇西环路危化品运输车侧翻的初报"),
        "{markdown}"
    );
    assert!(markdown.contains("## 待核实事项"), "{markdown}");
    let out = s.run(&["event", "print", &id, "2"]);
    assert!(has_chinese(&failure(&out, 2)));

    // Re-graded to 重大: the upward phone deadline becomes the earlier one, with its reason.
    success(&s.run(&["event", "regrade", &id, "--level", "重大", "--reason", "死亡 1 人"]));
    let event = show(&s, &id);
    assert_eq!(event["level"], "重大");
    let upward = clock(&event, "上级总值班室");
    assert_eq!(upward["why"], "改为重大");
    assert_eq!(upward["written_reported_at"], "2001-02-03 14:40:00", "met stays met");
}
