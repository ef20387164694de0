//! 月度统计 (issue 19, item 2) on a real SQLite file with a fixed clock: a November with entries
//! of two officers (their minutes from receipt to registration), a 较大 event reported to the duty
//! leader on time and upward late by phone and on time in writing, an October event whose upward
//! phone deadline falls on 1 November and was never met, a 集体访 that is also a 重访, a single
//! 信访, a 交办 finished in time and one overdue, two handovers; the figures, the indexes the
//! queries use, and `zhiban stats` through the real binary in each format, bad arguments included.

mod cli_common;

use cli_common::Sandbox;
use std::process::Output;

use chrono::NaiveDateTime;
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::csv::BOM;
use zhiban::core::handover::{Check, build_draft, sign_blockers};
use zhiban::core::instruction::{Feedback, ItemRef, NewTask};
use zhiban::core::log::{EntryKind, LogField, RawValues, Triage, build_entry};
use zhiban::core::settings::Settings;
use zhiban::core::stats::{Period, Stats};
use zhiban::core::urgent::{Channel, EventDraft, Level, Report, ReportType, new_event, raised};
use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

fn settings() -> Settings {
    parse(DEFAULT_TOML, None).expect("the default config").settings
}

/// An entry that happened at `occurred` and was registered by `officer` at `recorded`.
#[allow(clippy::too_many_arguments)]
fn log(s: &mut Store, officer: &str, kind: &str, category: &str, triage: &str, occurred: &str, recorded: &str) -> i64 {
    let mut raw: RawValues = [
        (LogField::Kind, kind),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "李站长"),
        (LogField::Content, "河堤渗水"),
        (LogField::Triage, triage),
        (LogField::Category, category),
        (LogField::OccurredAt, occurred),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    if kind == "去电" {
        raw.insert(LogField::ReadBack, "已复述核对".into());
    }
    let entry = build_entry(&raw, officer, at(recorded)).expect("a valid entry");
    s.insert_entry(&entry).expect("saved").0
}

fn event(s: &mut Store, level: Level, received: &str, by: &str) -> i64 {
    let settings = settings();
    let mut draft = EventDraft::essentials("事故灾难", level, at(received), "李家集镇", "道路塌方");
    draft.received_at = Some(at(received));
    let e = new_event(draft, &settings.urgent, by, at(received)).expect("a valid event");
    s.insert_event(&e, &raised(at(received), &settings.urgent.ladder))
        .expect("event saved")
}

fn report(s: &mut Store, id: i64, to: &str, channel: Channel, t: &str) {
    s.add_report(
        id,
        ReportType::Initial,
        &Report {
            kind: String::new(),
            channel,
            recipient: to.into(),
            sent_at: at(t),
            signed_by: "王五".into(),
            content: "已报告现场情况".into(),
            recorded_by: "张三".into(),
            recorded_at: at(t),
        },
        &[],
    )
    .expect("report saved");
}

fn visit(s: &mut Store, d: &VisitDraft, t: &str) -> i64 {
    let v = build_visit(d, "李四", at(t), at(t).date()).expect("a valid visit");
    s.add_visit(&v).expect("visit saved")
}

fn visitor(name: &str, id_number: &str) -> VisitDraft {
    VisitDraft {
        name: name.into(),
        id_type: "居民身份证".into(),
        id_number: id_number.into(),
        phone: "13812345678".into(),
        purpose: "联系工作".into(),
        host: "办公室".into(),
        ..VisitDraft::default()
    }
}

const ZHANG: &str = "110105196703150030";
const LIU: &str = "530102195207080015";

fn petition(d: VisitDraft, people: &str) -> VisitDraft {
    let group = people != "1";
    VisitDraft {
        representatives: if group {
            vec![
                RepresentativeDraft {
                    name: d.name.clone(),
                    id_number: d.id_number.clone(),
                    phone: "13812345678".into(),
                },
                RepresentativeDraft {
                    name: "王五".into(),
                    ..RepresentativeDraft::default()
                },
            ]
        } else {
            Vec::new()
        },
        liaison: group.then_some(0),
        petition: true,
        people_count: people.into(),
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        purpose: "反映问题".into(),
        ..d
    }
}

fn task(s: &mut Store, entry: i64, by: &str, given: &str, due: &str) -> i64 {
    s.add_tasks(&NewTask {
        item: ItemRef::Entry(entry),
        instruction_id: None,
        assignees: vec!["县应急局".into()],
        requirement: "到场核实并反馈".into(),
        due: at(due),
        recorded_by: by.into(),
        recorded_at: at(given),
    })
    .expect("task saved")[0]
}

fn hand_over(s: &mut Store, out: &str, inc: &str, now: NaiveDateTime) -> usize {
    let state = s.open_state(now).unwrap();
    let start = state.previous.as_ref().map_or(at("2026-11-01 08:30"), |p| p.signed_at);
    let mut d = build_draft(&state, out, inc, start, now);
    d.summary = "当班平稳".into();
    for item in &mut d.items {
        item.check = Check::Confirmed;
    }
    assert!(sign_blockers(&d).is_empty(), "{:?}", sign_blockers(&d));
    s.sign_handover(&d, &[], now).unwrap();
    d.items.len()
}

/// November 2026 as described at the top; returns the items of the two handovers.
fn november(s: &mut Store) -> (usize, usize) {
    // Outside the month on both sides.
    log(s, "张三", "来电", "", "一般", "2026-10-31 23:59", "2026-11-01 00:05");
    log(s, "张三", "来电", "", "一般", "2026-12-01 00:00", "2026-12-01 00:01");
    // 张三: 2, 4 and 10 minutes; 李四: 1 and 6.
    let urgent = log(
        s,
        "张三",
        "来电",
        "防汛抗旱",
        "急办",
        "2026-11-05 09:00",
        "2026-11-05 09:02",
    );
    log(
        s,
        "张三",
        "来电",
        "防汛抗旱",
        "请示",
        "2026-11-06 10:00",
        "2026-11-06 10:04",
    );
    log(s, "张三", "传真", "", "一般", "2026-11-07 11:00", "2026-11-07 11:10");
    log(
        s,
        "李四",
        "去电",
        "安全生产",
        "一般",
        "2026-11-08 12:00",
        "2026-11-08 12:01",
    );
    log(
        s,
        "李四",
        "来电",
        "防汛抗旱",
        "次日办理",
        "2026-11-09 13:00",
        "2026-11-09 13:06",
    );

    // A 较大 event by 张三: 带班领导 phone due 03:10 (met 03:05); 上级总值班室 phone due 04:00
    // (met late, 04:20) and written due 05:00 (met 04:50).
    let big = event(s, Level::Large, "2026-11-10 03:00", "张三");
    report(s, big, "带班领导", Channel::Phone, "2026-11-10 03:05");
    report(s, big, "上级总值班室", Channel::Phone, "2026-11-10 04:20");
    report(s, big, "上级总值班室", Channel::Written, "2026-11-10 04:50");
    // An October 一般 event by 李四: its upward phone deadline (2 hours) falls on 1 November and
    // was never met; the 带班领导 (30 minutes) is October's.
    event(s, Level::Ordinary, "2026-10-31 23:00", "李四");

    // Visits: 张三 in October; back in November leading a 集体访 of 6 (a 重访); 刘 alone (信访).
    visit(s, &visitor("张三", ZHANG), "2026-10-20 09:00");
    visit(s, &petition(visitor("张三", ZHANG), "6"), "2026-11-12 09:00");
    visit(s, &petition(visitor("刘大爷", LIU), "1"), "2026-11-13 09:00");
    visit(s, &visitor("李红", "440306198509210047"), "2026-11-14 09:00");

    // 交办: 李四's is never finished (overdue); 张三's is finished an hour early; 张三's second is
    // due in December (given in November, not in the rate).
    task(s, urgent, "李四", "2026-11-12 10:00", "2026-11-12 17:00");
    let on_time = task(s, urgent, "张三", "2026-11-13 09:00", "2026-11-13 17:00");
    s.add_feedback(
        on_time,
        &Feedback {
            text: "已到场处置".into(),
            given_by: "刘科长".into(),
            at: at("2026-11-13 16:00"),
            closes: true,
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-13 16:00"),
        },
    )
    .unwrap();
    task(s, urgent, "张三", "2026-11-28 10:00", "2026-12-03 17:00");

    let first = hand_over(s, "张三", "李四", at("2026-11-15 08:30"));
    let second = hand_over(s, "李四", "张三", at("2026-11-16 08:30"));
    (first, second)
}

fn november_stats() -> (TempDir, Stats, (usize, usize)) {
    let dir = TempDir::new().unwrap();
    let mut s = Store::open(&dir.path().join("zhiban.db")).unwrap();
    let items = november(&mut s);
    let stats = s
        .stats(Period::parse_month("2026-11").unwrap(), at("2026-12-02 10:00"))
        .unwrap();
    (dir, stats, items)
}

#[test]
fn entries_are_counted_by_kind_category_and_triage() {
    let (_dir, s, _) = november_stats();
    assert_eq!(s.total_entries(), 5);
    assert!(s.kinds.contains(&(EntryKind::IncomingCall, 3)), "{:?}", s.kinds);
    assert!(s.kinds.contains(&(EntryKind::OutgoingCall, 1)));
    assert!(s.kinds.contains(&(EntryKind::Fax, 1)));
    assert_eq!(
        s.categories,
        [
            ("防汛抗旱".to_string(), 3),
            (String::new(), 1),
            ("安全生产".to_string(), 1)
        ]
    );
    assert_eq!(
        s.triage,
        [
            (Triage::Urgent, 1),
            (Triage::AskLeader, 1),
            (Triage::NextShift, 1),
            (Triage::Routine, 2)
        ]
    );
}

#[test]
fn urgent_events_by_level_and_first_reports_on_time_per_recipient() {
    let (_dir, s, _) = november_stats();
    assert_eq!(s.total_events(), 1, "the October event is not November's");
    assert!(s.levels.contains(&(Level::Large, 1)));
    let leader = s.recipients.iter().find(|r| r.recipient == "带班领导").unwrap();
    assert_eq!((leader.phone.on_time, leader.phone.decided()), (1, 1));
    assert_eq!(leader.written, None, "the duty leader takes a phone report only");
    let up = s.recipients.iter().find(|r| r.recipient == "上级总值班室").unwrap();
    assert_eq!(
        (up.phone.on_time, up.phone.late, up.phone.missed),
        (0, 1, 1),
        "late on the 10th; the October event's 01:00 deadline missed"
    );
    assert_eq!(up.phone.percent(), "0.0%");
    let written = up.written.unwrap();
    assert_eq!(
        (written.on_time, written.late, written.missed),
        (1, 0, 1),
        "on time on the 10th; the October event's 03:00 written deadline missed"
    );
    assert_eq!(written.percent(), "50.0%");
}

#[test]
fn visits_count_petitions_collective_visits_and_repeats() {
    let (_dir, s, _) = november_stats();
    let v = s.visits;
    assert_eq!((v.visits, v.people), (3, 8));
    assert_eq!((v.petition_visits, v.petition_people), (2, 7));
    assert_eq!((v.collective_visits, v.collective_people), (1, 6));
    assert_eq!(v.individual(), (1, 1));
    assert_eq!((v.repeat_visits, v.petition_repeat_visits), (1, 1));
}

#[test]
fn tasks_given_and_their_on_time_rate() {
    let (_dir, s, _) = november_stats();
    assert_eq!(s.tasks_given, 3);
    assert_eq!(
        (s.tasks.on_time, s.tasks.late, s.tasks.missed, s.tasks.pending),
        (1, 0, 1, 0)
    );
    assert_eq!(s.tasks.percent(), "50.0%");
}

#[test]
fn per_officer_entries_medians_handovers_and_overruns() {
    let (_dir, s, (first, second)) = november_stats();
    let zhang = s.officers.iter().find(|o| o.name == "张三").unwrap();
    let li = s.officers.iter().find(|o| o.name == "李四").unwrap();
    assert_eq!(s.officers[0].name, "张三", "most entries first");
    assert_eq!(zhang.entries, 3);
    assert_eq!(zhang.median.unwrap().text(), "4 分", "2, 4, 10");
    assert_eq!(li.entries, 2);
    assert_eq!(li.median.unwrap().text(), "3.5 分", "1 and 6");
    assert!(first > 0, "open items were handed over");
    assert_eq!((zhang.handovers, zhang.items_left as usize), (1, first));
    assert_eq!((li.handovers, li.items_left as usize), (1, second));
    assert_eq!(
        (zhang.reports_overdue, zhang.tasks_overdue, zhang.tasks_given),
        (1, 0, 2),
        "the late upward phone report of his event"
    );
    assert_eq!(
        (li.reports_overdue, li.tasks_overdue, li.tasks_given),
        (2, 1, 1),
        "the October event's two missed upward deadlines; the 交办 never finished"
    );
    assert_eq!(li.overdue(), 3);
}

#[test]
fn a_month_in_progress_is_read_as_of_now() {
    let dir = TempDir::new().unwrap();
    let mut s = Store::open(&dir.path().join("zhiban.db")).unwrap();
    november(&mut s);
    let st = s
        .stats(Period::parse_month("2026-11").unwrap(), at("2026-11-12 12:00"))
        .unwrap();
    assert!(st.is_partial());
    assert!(st.to_text("县办").contains("截至 2026-11-12 12:00，本月尚未结束"));
    // 李四's 交办 is not yet due at noon on the 12th; 张三's is ahead too.
    assert_eq!((st.tasks.missed, st.tasks.pending), (0, 2));
    // The year holds the month.
    let year = s
        .stats(Period::parse_year("2026").unwrap(), at("2026-12-02 10:00"))
        .unwrap();
    assert_eq!(year.total_entries(), 7, "October's and December's entries too");
    assert_eq!(year.total_events(), 2);
}

#[test]
fn the_statistics_queries_read_through_time_indexes() {
    let dir = TempDir::new().unwrap();
    let s = Store::open(&dir.path().join("zhiban.db")).unwrap();
    for (sql, plan) in s.stats_query_plans().unwrap() {
        assert!(
            plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"),
            "{sql}\n→ {plan}"
        );
        for table in ["log_entry", "visit", "urgent_event", "task", "handover"] {
            assert!(
                !plan.contains(&format!("SCAN {table} ")) && !plan.ends_with(&format!("SCAN {table}")),
                "{sql}\n→ {plan}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary

fn success(out: &Output) -> Vec<u8> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.clone()
}

#[test]
fn zhiban_stats_prints_a_month_and_a_year_in_each_format() {
    let sb = Sandbox::new();
    {
        std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
        let mut s = Store::open(&sb.db()).unwrap();
        november(&mut s);
    }
    let text = String::from_utf8(success(&sb.run(&["stats", "--month", "2026-11"]))).unwrap();
    assert!(text.contains("值班统计（2026年11月）"), "{text}");
    assert!(text.contains("值班记录共 5 件"), "{text}");
    assert!(
        text.contains("报上级总值班室：电话 0/2（0.0%）：按时 0，迟报 1，未报 1；书面 1/2（50.0%）"),
        "{text}"
    );
    assert!(
        text.contains("信访 2 批 7 人：个访 1 批 1 人，集体访（5 人以上）1 批 6 人；信访重访 1 批"),
        "{text}"
    );
    assert!(text.contains("张三：记录 3 件，接报至登记中位数 4 分"), "{text}");
    assert!(!text.contains("截至"), "a finished month: {text}");
    let md = String::from_utf8(success(&sb.run(&["stats", "--month", "2026-11", "--format", "md"]))).unwrap();
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("| 上级总值班室 | 0/2（0.0%）"), "{md}");
    let csv = success(&sb.run(&["stats", "--year", "2026", "--format", "csv"]));
    assert!(csv.starts_with(BOM));
    let rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&csv[BOM.len()..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0], ["栏目", "项目", "数量", "比率/中位数", "说明"]);
    assert!(
        rows.iter().any(|r| r[0] == "值班记录" && r[1] == "合计" && r[2] == "7"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[0] == "值班人员" && r[1] == "李四" && r[3] == "3.5"),
        "{rows:?}"
    );
    let year = String::from_utf8(success(&sb.run(&["stats", "--year", "2026", "--format", "text"]))).unwrap();
    assert!(year.contains("值班统计（2026年）"), "{year}");
}

#[test]
fn zhiban_stats_refuses_bad_arguments_with_exit_2() {
    let sb = Sandbox::new();
    for (args, says) in [
        (vec!["stats"], "--month 2026-11"),
        (vec!["stats", "--month", "2026-11", "--year", "2026"], "只能写一个"),
        (vec!["stats", "--month", "2026-13"], "01 至 12"),
        (vec!["stats", "--month", "2026/11"], "YYYY-MM"),
        (vec!["stats", "--year", "26"], "四位数"),
        (vec!["stats", "--month", "2099-01"], "尚未开始"),
        (
            vec!["stats", "--month", "2026-11", "--format", "xls"],
            "text、md、csv、a4",
        ),
    ] {
        let out = sb.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!sb.db().exists(), "a refused command creates nothing");
}
