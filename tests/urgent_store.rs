//! Issue 15 in the store, on a temporary file: a clock per recipient, a re-grade's arithmetic,
//! recipients added later, facts by amendment — and none of it rewritable behind the app's back.

use chrono::NaiveDateTime;
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::urgent::clock::rules_for;
use zhiban::core::urgent::facts::{FactChange, FactField};
use zhiban::core::urgent::{
    AddedRecipient, Channel, ClockFrom, DeadlineRule, EventDraft, Level, Report, ReportType, new_event, raised,
};
use zhiban::store::{Store, StoreError};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// A 较大 事故灾难 received at 14:00 (happened 13:50), recorded by 张三 with the shipped rules.
fn larger_accident(store: &mut Store) -> i64 {
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let mut draft = EventDraft::essentials(
        "事故灾难",
        Level::Large,
        at("2026-11-23 13:50"),
        "城关镇西环路",
        "危化品运输车侧翻",
    );
    draft.received_at = Some(at("2026-11-23 14:00"));
    draft.injured = Some(5);
    let event = new_event(draft, &settings.urgent, "张三", at("2026-11-23 14:00")).unwrap();
    store
        .insert_event(&event, &raised(at("2026-11-23 14:00"), &settings.urgent.ladder))
        .unwrap()
}

fn report(kind: &str, channel: Channel, to: &str, sent: &str) -> Report {
    Report {
        kind: kind.into(),
        channel,
        recipient: to.into(),
        sent_at: at(sent),
        signed_by: "王五".into(),
        content: "危化品运输车侧翻，伤亡待核实。".into(),
        recorded_by: "张三".into(),
        recorded_at: at(sent),
    }
}

fn setup() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("zhiban.db")).unwrap();
    (dir, store)
}

fn due(store: &Store, id: i64, recipient: &str) -> (NaiveDateTime, Option<NaiveDateTime>) {
    let c = store
        .event(id)
        .unwrap()
        .clocks
        .into_iter()
        .find(|c| c.setting.recipient == recipient)
        .unwrap_or_else(|| panic!("no clock for {recipient}"));
    (c.setting.phone_due, c.setting.written_due)
}

#[test]
fn each_recipient_has_its_own_clock_and_a_report_stops_only_its_own() {
    let (_dir, mut store) = setup();
    let id = larger_accident(&mut store);
    assert_eq!(due(&store, id, "带班领导"), (at("2026-11-23 14:10"), None));
    assert_eq!(
        due(&store, id, "上级总值班室"),
        (at("2026-11-23 15:00"), Some(at("2026-11-23 16:00"))),
        "较大: 60 / 120 minutes from 接报, not from 事发"
    );
    let name = store
        .add_report(
            id,
            ReportType::Initial,
            &report("初报", Channel::Phone, "带班领导", "2026-11-23 14:05"),
            &[],
        )
        .unwrap();
    assert_eq!(name, "初报");
    let clocks = store.event(id).unwrap().clocks;
    let of = |r: &str| clocks.iter().find(|c| c.setting.recipient == r).unwrap();
    assert_eq!(of("带班领导").phone_sent, Some(at("2026-11-23 14:05")));
    assert_eq!(
        of("上级总值班室").phone_sent,
        None,
        "the duty leader's call is not the upward report"
    );

    // A recipient the event does not have is refused, and so is a second phone 初报.
    let err = store
        .add_report(
            id,
            ReportType::Initial,
            &report("初报", Channel::Phone, "省政府", "2026-11-23 14:06"),
            &[],
        )
        .unwrap_err();
    assert!(err.to_string().contains("省政府"), "{err}");
    assert!(
        store
            .add_report(
                id,
                ReportType::Initial,
                &report("初报", Channel::Phone, "带班领导", "2026-11-23 14:07"),
                &[]
            )
            .is_err()
    );

    // Numbered per recipient; the phone and the written 续报一 share their number.
    for (kind, channel, to, t, want) in [
        (
            ReportType::Initial,
            Channel::Phone,
            "上级总值班室",
            "2026-11-23 14:20",
            "初报",
        ),
        (
            ReportType::Initial,
            Channel::Written,
            "上级总值班室",
            "2026-11-23 14:40",
            "初报",
        ),
        (
            ReportType::FollowUp,
            Channel::Phone,
            "上级总值班室",
            "2026-11-23 16:40",
            "续报一",
        ),
        (
            ReportType::FollowUp,
            Channel::Written,
            "上级总值班室",
            "2026-11-23 17:00",
            "续报一",
        ),
        (
            ReportType::FollowUp,
            Channel::Phone,
            "上级总值班室",
            "2026-11-23 18:00",
            "续报二",
        ),
        (
            ReportType::FollowUp,
            Channel::Phone,
            "带班领导",
            "2026-11-23 18:05",
            "续报一",
        ),
    ] {
        let name = store.add_report(id, kind, &report("", channel, to, t), &[]).unwrap();
        assert_eq!(name, want, "{} to {to} at {t}", channel.label());
    }
}

#[test]
fn a_regrade_keeps_what_was_met_and_never_moves_a_deadline_later() {
    let (_dir, mut store) = setup();
    let id = larger_accident(&mut store);
    store
        .add_report(
            id,
            ReportType::Initial,
            &report("初报", Channel::Phone, "带班领导", "2026-11-23 14:05"),
            &[],
        )
        .unwrap();
    let settings = parse(DEFAULT_TOML, None).unwrap().settings;
    let mut rules: Vec<DeadlineRule> = rules_for(&settings.urgent.rules, "事故灾难", Level::Major)
        .into_iter()
        .cloned()
        .collect();
    // A recipient new at this level: its clock starts at the re-grade.
    rules.push(DeadlineRule {
        category: None,
        level: Level::Major,
        recipient: "县应急局".into(),
        phone_minutes: 20,
        written_minutes: Some(45),
        clock: ClockFrom::Received,
        source: "测试".into(),
    });
    store
        .regrade_event(id, Level::Major, &rules, "死亡 1 人", "张三", at("2026-11-23 14:20"))
        .unwrap();
    let event = store.event(id).unwrap();
    assert_eq!(event.facts.level, Level::Major);
    // Upward: 60 → 30 minutes by phone. The earlier of 15:00 and 14:20 + 30 = 14:50; written, the
    // earlier of 16:00 and 14:20 + 60 = 15:20.
    assert_eq!(
        due(&store, id, "上级总值班室"),
        (at("2026-11-23 14:50"), Some(at("2026-11-23 15:20")))
    );
    // Met before the re-grade: stays met.
    let leader = event.clocks.iter().find(|c| c.setting.recipient == "带班领导").unwrap();
    assert_eq!(leader.phone_sent, Some(at("2026-11-23 14:05")));
    assert_eq!(
        due(&store, id, "县应急局"),
        (at("2026-11-23 14:40"), Some(at("2026-11-23 15:05"))),
        "a new recipient counts from the re-grade"
    );
    let timeline = store.timeline(id).unwrap();
    assert!(
        timeline
            .iter()
            .any(|l| l.text.contains("重大") && l.text.contains("死亡 1 人") && l.who == "张三"),
        "{timeline:?}"
    );

    // Down again to 一般 (upward 120 / 240): an earlier deadline is never pushed later.
    let general: Vec<DeadlineRule> = rules_for(&settings.urgent.rules, "事故灾难", Level::Ordinary)
        .into_iter()
        .cloned()
        .collect();
    store
        .regrade_event(
            id,
            Level::Ordinary,
            &general,
            "核实后降级",
            "张三",
            at("2026-11-23 14:30"),
        )
        .unwrap();
    assert_eq!(
        due(&store, id, "上级总值班室"),
        (at("2026-11-23 14:50"), Some(at("2026-11-23 15:20")))
    );
}

#[test]
fn a_recipient_added_later_counts_from_when_it_was_added() {
    let (_dir, mut store) = setup();
    let id = larger_accident(&mut store);
    let added = AddedRecipient::parse("信访部门", "30/60").unwrap();
    store.add_recipient(id, &added, "张三", at("2026-11-23 15:10")).unwrap();
    assert_eq!(
        due(&store, id, "信访部门"),
        (at("2026-11-23 15:40"), Some(at("2026-11-23 16:10")))
    );
    let phone_only = AddedRecipient::parse("分管领导", "15").unwrap();
    store
        .add_recipient(id, &phone_only, "张三", at("2026-11-23 15:12"))
        .unwrap();
    assert_eq!(due(&store, id, "分管领导"), (at("2026-11-23 15:27"), None));
    assert!(AddedRecipient::parse("信访部门", "半小时").is_err());
}

#[test]
fn facts_are_amended_with_who_when_why_and_the_old_value() {
    let (_dir, mut store) = setup();
    let id = larger_accident(&mut store);
    let change = |field, old: &str, new: &str| FactChange {
        field,
        old: old.into(),
        new: new.into(),
        reason: "县应急局续报".into(),
        by: "李四".into(),
        at: at("2026-11-23 16:40"),
    };
    store
        .update_facts(
            id,
            &[change(FactField::Deaths, "", "1"), change(FactField::Injured, "5", "7")],
        )
        .unwrap();
    let event = store.event(id).unwrap();
    assert_eq!(event.facts.deaths, Some(1));
    assert_eq!(event.facts.injured, Some(7));
    assert_eq!(event.record.injured, Some(5), "the first record is kept as it was");
    assert_eq!(event.changes.len(), 2);
    assert!(
        event
            .changes
            .iter()
            .all(|c| c.by == "李四" && c.reason == "县应急局续报")
    );
    // The level is changed only by a re-grade (with its clocks).
    assert!(
        store
            .update_facts(id, &[change(FactField::Level, "较大", "重大")])
            .is_err()
    );
}

fn assert_refused(store: &Store, sql: &str) {
    match store.execute_raw_for_tests(sql) {
        Ok(n) => panic!("the database accepted `{sql}` ({n} rows changed)"),
        Err(StoreError::Refused(message)) => assert!(message.contains("zhiban"), "`{sql}`: {message}"),
        Err(other) => panic!("`{sql}` failed, but not by a trigger: {other:?}"),
    }
}

#[test]
fn clocks_facts_and_reports_cannot_be_rewritten_behind_the_app() {
    let (_dir, mut store) = setup();
    let id = larger_accident(&mut store);
    store
        .add_report(
            id,
            ReportType::Initial,
            &report("初报", Channel::Phone, "上级总值班室", "2026-11-23 14:20"),
            &[],
        )
        .unwrap();
    store
        .update_facts(
            id,
            &[FactChange {
                field: FactField::Deaths,
                old: String::new(),
                new: "1".into(),
                reason: "续报".into(),
                by: "张三".into(),
                at: at("2026-11-23 16:40"),
            }],
        )
        .unwrap();
    let before = store.event(id).unwrap();
    for sql in [
        // Push a deadline later, or forget a clock, to hide a late report.
        "UPDATE urgent_clock SET phone_due_at = '2026-11-24 00:00:00'",
        "UPDATE urgent_clock SET written_minutes = 9999",
        "DELETE FROM urgent_clock",
        // Rewrite or drop what a 续报 said.
        "UPDATE urgent_fact SET new = '0'",
        "UPDATE urgent_fact SET by = '王五'",
        "DELETE FROM urgent_fact",
        // Back-date a report or change whom it went to.
        "UPDATE urgent_report SET sent_at = '2026-11-23 14:00:00'",
        "UPDATE urgent_report SET recipient = '带班领导'",
        "DELETE FROM urgent_report",
    ] {
        assert_refused(&store, sql);
    }
    // A row written past the app (no trigger stops an INSERT of a later setting by hand) is not
    // what this test is about: the audit chain finds those (tests/tamper.rs).
    assert_eq!(store.event(id).unwrap(), before);
}
