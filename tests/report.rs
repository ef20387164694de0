//! The 值班日报 on a real SQLite file: what a busy day's report says (calls by kind, 急办 and 请示
//! items with their instructions and status at 08:00, urgent events reported late by phone and on
//! time in writing, a 信访 group, visitors still inside, items still open), the zero report, the
//! on-time rates, the CSV (BOM, quoting) read back by a CSV parser, the indexes the queries use, and
//! `zhiban report daily` through the real binary, bad arguments included.
//!
//! Every time is fixed (2026 through the store, 2001 where the binary's clock decides what may be
//! asked for); nothing here depends on the wall clock.

use std::path::PathBuf;
use std::process::{Command, Output};

use chrono::{NaiveDate, NaiveDateTime};
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::csv::BOM;
use zhiban::core::escalation::EventState;
use zhiban::core::escalation::{Input, Output as EscOutput};
use zhiban::core::log::{
    AmendRequest, EntryKind, Instruction, InstructionRequest, LogField, RawValues, Status, Triage, build_entry,
};
use zhiban::core::report::{DEFAULT_DAY_ENDS, DailyReport, Punctuality, ZERO_REPORT};
use zhiban::core::settings::Settings;
use zhiban::core::urgent::{
    AlertTarget, Channel, EventDraft, Level, Report, ReportType, TimelineLine, new_event, raised,
};
use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
use zhiban::store::Store;

const OFFICE: &str = "测试县人民政府办公室";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid test date")
}

fn settings() -> Settings {
    parse(DEFAULT_TOML, None).expect("the default config").settings
}

fn store(dir: &TempDir) -> Store {
    Store::open(&dir.path().join("zhiban.db")).expect("open the store")
}

/// Saves a log entry of `kind` at `t`; returns its id.
fn log(s: &mut Store, kind: &str, unit: &str, person: &str, content: &str, triage: &str, t: &str) -> i64 {
    let mut raw: RawValues = [
        (LogField::Kind, kind),
        (LogField::Unit, unit),
        (LogField::Person, person),
        (LogField::Content, content),
        (LogField::Triage, triage),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    if kind == "去电" {
        raw.insert(LogField::ReadBack, "已复述核对".into());
    }
    let entry = build_entry(&raw, "张三", at(t)).expect("a valid entry");
    s.insert_entry(&entry).expect("saved").0
}

fn set_status(s: &mut Store, id: i64, status: Status, t: &str) {
    s.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Status, status.label().into())],
        reason: "办理进展".into(),
        amended_by: "李四".into(),
        amended_at: at(t),
    })
    .expect("amended");
}

fn instruct(s: &mut Store, id: i64, text: &str, t: &str) {
    s.add_instruction(&InstructionRequest {
        entry_id: id,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: text.into(),
            given_at: at(t),
            recorded_by: "张三".into(),
            recorded_at: at(t),
        },
    })
    .expect("instruction saved");
}

/// Records an event as `zhiban event add` does; returns its id.
fn event(s: &mut Store, level: Level, category: &str, occurred: &str, received: &str, summary: &str) -> i64 {
    let settings = settings();
    let mut draft = EventDraft::essentials(category, level, at(occurred), "李家集镇", summary);
    draft.received_at = Some(at(received));
    let e = new_event(draft, &settings.urgent, "张三", at(received)).expect("a valid event");
    s.insert_event(&e, &raised(at(received), &settings.urgent.ladder))
        .expect("event saved")
}

/// The general duty office one level up: the recipient whose deadlines the rates count.
const UP: &str = "上级总值班室";

fn report(s: &mut Store, id: i64, kind: ReportType, channel: Channel, t: &str) {
    s.add_report(
        id,
        kind,
        &Report {
            kind: String::new(),
            channel,
            recipient: "上级总值班室".into(),
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

/// Takes an event through one escalation step, saved as the app saves it.
fn step(s: &mut Store, id: i64, input: Input, t: &str) {
    let ladder = settings().urgent.ladder;
    let mut event = s.event(id).expect("the event");
    let before = event.escalation.clone();
    let lines: Vec<TimelineLine> = event
        .escalation
        .handle(input, at(t), &ladder)
        .into_iter()
        .filter_map(|o| match o {
            EscOutput::Timeline { at, who, text } => Some(TimelineLine { at, who, text }),
            _ => None,
        })
        .collect();
    assert!(
        s.save_escalation(AlertTarget::Event(id), &before, &event.escalation, &lines)
            .expect("saved"),
        "the step was saved"
    );
}

fn close(s: &mut Store, id: i64, t: &str) {
    step(s, id, Input::Acknowledge { by: "张三".into() }, t);
    step(s, id, Input::Resolve { by: "张三".into() }, t);
    step(s, id, Input::Close { by: "张三".into() }, t);
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

fn petition_group() -> VisitDraft {
    VisitDraft {
        petition: true,
        people_count: "6".into(),
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![
            RepresentativeDraft {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                phone: "13812345678".into(),
            },
            RepresentativeDraft {
                name: "王五".into(),
                ..RepresentativeDraft::default()
            },
        ],
        liaison: Some(1),
        purpose: "反映问题".into(),
        ..visitor("张三", "11010519491231002X")
    }
}

/// Ids of what the busy day recorded.
struct Busy {
    urgent: i64,
    ask: i64,
    next_day: i64,
    routine: i64,
    landslide: i64,
    collision: i64,
    storm: i64,
    older_open: i64,
}

/// The day ending 2026-11-23 08:00, with what happened just before and after it.
fn busy_day(s: &mut Store) -> Busy {
    // Outside the window on both sides.
    log(s, "来电", "城关镇", "群众", "前一日的来电", "一般", "2026-11-22 07:59");
    let routine = log(s, "来电", "", "群众", "咨询停水时间", "一般", "2026-11-22 09:00");
    let ask = log(
        s,
        "来电",
        "县应急管理局",
        "刘局长",
        "请示是否启动防汛四级响应",
        "请示",
        "2026-11-22 10:00",
    );
    instruct(s, ask, "同意启动，通知各乡镇", "2026-11-22 10:20");
    set_status(s, ask, Status::Done, "2026-11-22 15:00");
    log(
        s,
        "去电",
        "水务局",
        "王科长",
        "通知明早开会",
        "一般",
        "2026-11-22 16:00",
    );
    log(
        s,
        "传真",
        "市政府办公室",
        "",
        "关于加强值班工作的通知",
        "一般",
        "2026-11-22 17:00",
    );
    let urgent = log(
        s,
        "来电",
        "城关镇",
        "李站长",
        "河堤管涌，请求支援, 已组织\"群众\"撤离\n第二行：需要沙袋500个",
        "急办",
        "2026-11-22 21:10",
    );
    instruct(s, urgent, "立即组织抢险，随时报告", "2026-11-22 21:30");
    set_status(s, urgent, Status::InProgress, "2026-11-22 22:00");
    let next_day = log(
        s,
        "来电",
        "乡政府",
        "赵主任",
        "明日上午报送物资清单",
        "次日办理",
        "2026-11-23 01:00",
    );
    log(s, "来电", "城关镇", "群众", "次日的来电", "一般", "2026-11-23 08:00");
    // Closed after the window ended: still open in this report.
    set_status(s, next_day, Status::Done, "2026-11-23 09:00");
    // An instruction given after the window is not in it.
    instruct(s, urgent, "八点以后的批示", "2026-11-23 09:30");

    // Events: an old one closed before the window, an old one still open, and three in it.
    let old_closed = event(
        s,
        Level::Ordinary,
        "其他",
        "2026-11-20 09:50",
        "2026-11-20 10:00",
        "早已结束的事件",
    );
    close(s, old_closed, "2026-11-21 10:00");
    let older_open = event(
        s,
        Level::Ordinary,
        "公共卫生",
        "2026-11-21 08:50",
        "2026-11-21 09:00",
        "仍在处置的疫情",
    );
    report(s, older_open, ReportType::Initial, Channel::Phone, "2026-11-21 09:30");
    step(
        s,
        older_open,
        Input::Acknowledge { by: "张三".into() },
        "2026-11-21 09:05",
    );
    // 重大, 30/60 minutes from 接报 03:00: phone due 03:30, written due 04:00.
    let landslide = event(
        s,
        Level::Major,
        "自然灾害",
        "2026-11-23 02:50",
        "2026-11-23 03:00",
        "山体滑坡，两户房屋受损",
    );
    report(s, landslide, ReportType::Initial, Channel::Phone, "2026-11-23 03:40");
    report(s, landslide, ReportType::Initial, Channel::Written, "2026-11-23 03:55");
    report(s, landslide, ReportType::FollowUp, Channel::Written, "2026-11-23 07:00");
    report(s, landslide, ReportType::FollowUp, Channel::Written, "2026-11-23 09:00");
    // 较大, 60/120 minutes from 接报 12:00: phone due 13:00, written due 14:00 (never sent).
    let collision = event(
        s,
        Level::Large,
        "事故灾难",
        "2026-11-22 11:50",
        "2026-11-22 12:00",
        "两车相撞",
    );
    report(s, collision, ReportType::Initial, Channel::Phone, "2026-11-22 12:30");
    // 一般, 120/240 minutes from 接报 20:00: phone due 22:00, written due 00:00; closed at 06:00.
    let storm = event(
        s,
        Level::Ordinary,
        "自然灾害",
        "2026-11-22 19:50",
        "2026-11-22 20:00",
        "大风刮倒广告牌",
    );
    report(s, storm, ReportType::Initial, Channel::Phone, "2026-11-22 20:30");
    report(s, storm, ReportType::Initial, Channel::Written, "2026-11-23 00:30");
    report(s, storm, ReportType::Final, Channel::Written, "2026-11-23 05:00");
    close(s, storm, "2026-11-23 06:00");

    // Visitors: one from the day before who left after 08:00, a 信访 group of six, one still in.
    let early = visit(s, &visitor("李雷", "11010519491231002X"), "2026-11-22 07:00");
    s.checkout(early, "李四", at("2026-11-23 09:00")).unwrap();
    let group = visit(s, &petition_group(), "2026-11-22 14:00");
    s.checkout(group, "李四", at("2026-11-22 16:00")).unwrap();
    visit(s, &visitor("韩梅梅", "11010519491231002X"), "2026-11-23 07:00");

    Busy {
        urgent,
        ask,
        next_day,
        routine,
        landslide,
        collision,
        storm,
        older_open,
    }
}

fn busy_report() -> (TempDir, Busy, DailyReport) {
    let dir = TempDir::new().unwrap();
    let mut s = store(&dir);
    let ids = busy_day(&mut s);
    let r = s
        .daily_report(day("2026-11-23"), DEFAULT_DAY_ENDS, at("2026-11-23 10:00"))
        .unwrap();
    (dir, ids, r)
}

#[test]
fn a_busy_day_counts_calls_by_kind_and_lists_the_important_items_as_of_eight() {
    let (_dir, ids, r) = busy_report();
    assert!(!r.is_zero());
    assert!(!r.is_partial());
    assert_eq!(r.as_of, at("2026-11-23 08:00"));
    let count = |k: EntryKind| r.kind_counts.iter().find(|(x, _)| *x == k).unwrap().1;
    assert_eq!(
        (
            count(EntryKind::IncomingCall),
            count(EntryKind::OutgoingCall),
            count(EntryKind::Fax)
        ),
        (4, 1, 1),
        "07:59 the day before and 08:00 this morning are outside the window"
    );
    assert_eq!(r.total_entries(), 6);

    let important: Vec<(i64, Triage, Status)> = r.important.iter().map(|i| (i.id, i.triage, i.status)).collect();
    assert_eq!(
        important,
        [
            (ids.ask, Triage::AskLeader, Status::Done),
            (ids.urgent, Triage::Urgent, Status::InProgress)
        ]
    );
    let urgent = &r.important[1];
    assert_eq!(
        urgent.instructions.len(),
        1,
        "the 09:30 instruction came after the window"
    );
    assert_eq!(urgent.instructions[0].text, "立即组织抢险，随时报告");

    let open: Vec<(i64, Status)> = r.open_items.iter().map(|i| (i.id, i.status)).collect();
    assert_eq!(
        open,
        [(ids.urgent, Status::InProgress), (ids.next_day, Status::Pending)],
        "closed at 09:00 is still open at 08:00; a 一般 entry left 待办 is a record, not an open item"
    );
    assert!(!r.open_items.iter().any(|i| i.id == ids.routine));
    assert!(!r.open_truncated);
}

#[test]
fn urgent_events_show_their_reports_against_the_deadlines() {
    let (_dir, ids, r) = busy_report();
    let listed: Vec<i64> = r.events.iter().map(|e| e.id).collect();
    assert_eq!(
        listed,
        [ids.older_open, ids.collision, ids.storm, ids.landslide],
        "an event closed before the window is left out; one still open is listed"
    );
    let landslide = r.events.iter().find(|e| e.id == ids.landslide).unwrap();
    assert_eq!(
        landslide.clock(UP).unwrap().phone.outcome,
        Punctuality::Late {
            at: at("2026-11-23 03:40"),
            by: chrono::Duration::minutes(10)
        }
    );
    assert_eq!(
        landslide.clock(UP).unwrap().written.unwrap().outcome,
        Punctuality::OnTime {
            at: at("2026-11-23 03:55")
        }
    );
    assert_eq!(
        landslide.reports.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
        ["初报", "初报", "续报一"],
        "the 09:00 follow-up came after the window"
    );
    assert_eq!(landslide.state, EventState::New);
    assert_eq!(landslide.chain(), "初报已报；续报 1 次；终报未报");

    let collision = r.events.iter().find(|e| e.id == ids.collision).unwrap();
    assert!(
        matches!(collision.clock(UP).unwrap().written.unwrap().outcome, Punctuality::Missed { by } if by == chrono::Duration::hours(18))
    );
    let storm = r.events.iter().find(|e| e.id == ids.storm).unwrap();
    assert_eq!(storm.state, EventState::Closed);
    assert_eq!(storm.chain(), "初报已报；续报 0 次；终报已报");
    let older = r.events.iter().find(|e| e.id == ids.older_open).unwrap();
    assert_eq!(older.state, EventState::Acknowledged);
    assert!(
        !older.clock(UP).unwrap().phone.counted && !older.clock(UP).unwrap().written.unwrap().counted,
        "its deadlines fell on an earlier day"
    );

    // Phone: landslide late, collision on time, storm on time. Written: landslide on time,
    // collision missed, storm late by 30 minutes.
    assert_eq!(
        (r.phone_rate.on_time, r.phone_rate.late, r.phone_rate.missed),
        (2, 1, 0)
    );
    assert_eq!(r.phone_rate.percent(), "66.7%");
    assert_eq!(
        (r.written_rate.on_time, r.written_rate.late, r.written_rate.missed),
        (1, 1, 1)
    );
    assert_eq!(r.written_rate.percent(), "33.3%");
}

#[test]
fn visitors_are_counted_with_the_petition_group_and_those_still_inside() {
    let (_dir, _ids, r) = busy_report();
    let v = r.visits;
    assert_eq!(
        (v.visits, v.people),
        (2, 7),
        "the visitor who came at 07:00 the day before is not counted"
    );
    assert_eq!((v.petition_visits, v.petition_people), (1, 6));
    assert_eq!((v.collective_visits, v.collective_people), (1, 6));
    assert_eq!(
        (v.inside_visits, v.inside_people),
        (2, 2),
        "inside at 08:00: the one who left at 09:00 and the one who never left"
    );
}

#[test]
fn the_text_report_reads_like_the_paper_one() {
    let (_dir, ids, r) = busy_report();
    let text = r.to_text(OFFICE, "带班领导");
    for expected in [
        "测试县人民政府办公室 值班日报（2026年11月23日）",
        "时段：2026-11-22 08:00 至 2026-11-23 08:00",
        "值班记录共 6 件：来电 4、去电 1、传真 1、电报 0",
        "来访登记 2 批 7 人，其中信访 1 批 6 人、集体访（5 人以上信访）1 批 6 人；时段结束时仍在楼 2 批 2 人",
        &format!("第 {} 号 [急办] 11-22 21:10 来电 城关镇 李站长：河堤管涌", ids.urgent),
        "领导批示：王五（11-22 21:30）：立即组织抢险，随时报告",
        "   状态：办理中",
        "报上级总值班室：电话 时限 11-23 03:30，迟报 10 分（11-23 03:40 报）；书面 时限 11-23 04:00，按时（11-23 03:55 报）",
        "书面 时限 11-22 14:00，未报，已超时 18 小时",
        "报带班领导：电话 时限 11-23 03:10，未报",
        "电话初报按时率：2/3（66.7%）：按时 2，迟报 1，未报 0",
        "书面初报按时率：1/3（33.3%）：按时 1，迟报 1，未报 1",
    ] {
        assert!(text.contains(expected), "missing “{expected}” in:\n{text}");
    }
    assert!(!text.contains(ZERO_REPORT));
    assert!(!text.contains("八点以后的批示"));
    let md = r.to_markdown(OFFICE, "带班领导");
    assert!(md.contains("| 来电 | 4 |") && md.contains("## 五、统计"), "{md}");
}

/// Reads a CSV document: asserts the BOM, parses the rest.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "the CSV must start with a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    reader
        .records()
        .map(|r| r.expect("a well-formed CSV record").iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_csv_has_a_bom_and_reads_back_with_commas_quotes_and_line_breaks() {
    let (_dir, ids, r) = busy_report();
    let rows = parse_csv(&r.to_csv(OFFICE));
    assert_eq!(rows[0], ["栏目", "编号", "时间", "事项", "数量/状态", "详情"]);
    assert!(rows.iter().all(|row| row.len() == 6), "every row has six cells");
    let urgent = rows
        .iter()
        .find(|row| row[0] == "重要事项" && row[1] == ids.urgent.to_string())
        .expect("the 急办 item");
    assert_eq!(urgent[2], "2026-11-22 21:10");
    assert_eq!(urgent[4], "办理中");
    assert!(
        urgent[5].starts_with("河堤管涌，请求支援, 已组织\"群众\"撤离\n第二行：需要沙袋500个\n领导批示："),
        "{:?}",
        urgent[5]
    );
    let cell = |section: &str, what: &str| {
        rows.iter()
            .find(|row| row[0] == section && row[3] == what)
            .unwrap_or_else(|| panic!("no row {section}/{what}"))[4]
            .clone()
    };
    assert_eq!(cell("值班记录", "来电"), "4");
    assert_eq!(cell("值班记录", "合计"), "6");
    assert_eq!(cell("来访", "集体访（人）"), "6");
    assert_eq!(cell("统计", "电话初报按时率"), "66.7%");
    assert_eq!(cell("统计", "书面初报按时率"), "33.3%");
    assert_eq!(cell("概况", "零报告"), "否");
    assert_eq!(rows.iter().filter(|row| row[0] == "紧急事件").count(), 4);
    assert_eq!(rows.iter().filter(|row| row[0] == "未办结事项").count(), 2);
}

#[test]
fn a_day_of_routine_calls_is_a_zero_report_that_still_counts_them() {
    let dir = TempDir::new().unwrap();
    let mut s = store(&dir);
    log(&mut s, "来电", "", "群众", "咨询办事时间", "一般", "2026-11-22 09:00");
    log(
        &mut s,
        "去电",
        "水务局",
        "王科长",
        "通知开会",
        "一般",
        "2026-11-22 10:00",
    );
    // An ordinary visitor and a single 信访 visitor do not make the day important.
    visit(&mut s, &visitor("李雷", "11010519491231002X"), "2026-11-22 11:00");
    let single = VisitDraft {
        people_count: "1".into(),
        representatives: Vec::new(),
        liaison: None,
        ..petition_group()
    };
    visit(&mut s, &single, "2026-11-22 12:00");
    let r = s
        .daily_report(day("2026-11-23"), DEFAULT_DAY_ENDS, at("2026-11-23 08:30"))
        .unwrap();
    assert!(r.is_zero());
    let text = r.to_text(OFFICE, "带班领导");
    assert!(text.contains("本日无重要情况，零报告。"), "{text}");
    assert!(text.contains("值班记录共 2 件：来电 1、去电 1"), "{text}");
    assert!(text.contains("来访登记 2 批 2 人，其中信访 1 批 1 人"), "{text}");
    assert!(text.contains("电话初报按时率：本时段无到期的初报时限"), "{text}");
    let rows = parse_csv(&r.to_csv(OFFICE));
    let zero = rows.iter().find(|row| row[3] == "零报告").unwrap();
    assert_eq!((zero[4].as_str(), zero[5].as_str()), ("是", ZERO_REPORT));

    // Nothing at all is a zero report too.
    let empty = s
        .daily_report(day("2026-11-20"), DEFAULT_DAY_ENDS, at("2026-11-23 08:30"))
        .unwrap();
    assert!(empty.is_zero());
    assert_eq!(empty.total_entries(), 0);
}

#[test]
fn a_collective_visit_an_open_event_or_a_request_breaks_the_zero_report() {
    let date = day("2026-11-23");
    let now = at("2026-11-23 08:30");
    let zero_after = |f: &dyn Fn(&mut Store)| {
        let dir = TempDir::new().unwrap();
        let mut s = store(&dir);
        log(&mut s, "来电", "", "群众", "咨询", "一般", "2026-11-22 09:00");
        f(&mut s);
        s.daily_report(date, DEFAULT_DAY_ENDS, now).unwrap().is_zero()
    };
    assert!(zero_after(&|_| {}));
    assert!(!zero_after(&|s| {
        visit(s, &petition_group(), "2026-11-22 14:00");
    }));
    assert!(!zero_after(&|s| {
        log(
            s,
            "来电",
            "县政府",
            "办公室",
            "请示开会时间",
            "请示",
            "2026-11-22 14:00",
        );
    }));
    assert!(
        !zero_after(&|s| {
            event(
                s,
                Level::Ordinary,
                "其他",
                "2026-11-10 09:00",
                "2026-11-10 09:10",
                "仍未结束",
            );
        }),
        "an event received long ago and still open is reported"
    );
    assert!(
        zero_after(&|s| {
            let old = log(s, "来电", "县政府", "办公室", "上周的急办", "急办", "2026-11-15 14:00");
            assert!(old > 0);
        }),
        "an old 急办 item still open is listed under open items, but the day itself had nothing"
    );
}

#[test]
fn a_report_made_before_eight_says_so_and_counts_only_what_is_due() {
    let dir = TempDir::new().unwrap();
    let mut s = store(&dir);
    let ids = busy_day(&mut s);
    let r = s
        .daily_report(day("2026-11-23"), DEFAULT_DAY_ENDS, at("2026-11-23 03:45"))
        .unwrap();
    assert!(r.is_partial());
    assert!(
        r.to_text(OFFICE, "带班领导")
            .contains("（截至 2026-11-23 03:45，本时段尚未结束）")
    );
    let landslide = r.events.iter().find(|e| e.id == ids.landslide).unwrap();
    assert!(
        matches!(landslide.clock(UP).unwrap().written.unwrap().outcome, Punctuality::Pending { left } if left == chrono::Duration::minutes(15))
    );
    assert_eq!(r.written_rate.pending, 1, "due at 04:00, after the report was made");
    assert_eq!(r.written_rate.decided(), 2);
}

#[test]
fn the_report_queries_read_the_log_through_its_time_indexes() {
    let dir = TempDir::new().unwrap();
    let s = store(&dir);
    let plans = s.report_query_plans().unwrap();
    for (sql, plan) in &plans {
        if sql.contains("FROM log_entry") {
            assert!(
                plan.contains("USING INDEX log_entry_by_time") || plan.contains("USING INDEX log_entry_open"),
                "{sql}\n→ {plan}"
            );
            assert!(!plan.contains("SCAN log_entry"), "{sql}\n→ {plan}");
        }
        if sql.contains("FROM visit") {
            assert!(plan.contains("USING INDEX visit_by"), "{sql}\n→ {plan}");
            assert!(!plan.contains("SCAN visit"), "{sql}\n→ {plan}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary

struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data"] {
            std::fs::create_dir(dir.path().join(sub)).expect("create sandbox dir");
        }
        Self { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("zhiban.db")
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).expect("open the sandbox store")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zhiban"))
            .args(args)
            .arg("--db")
            .arg(self.db())
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env_remove("ZHIBAN_DB")
            .output()
            .expect("run zhiban")
    }
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn success(out: &Output) -> Vec<u8> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "expected success\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.clone()
}

/// Asserts exit 2, nothing on stdout and a Chinese message; returns the message.
fn bad_input(out: &Output) -> String {
    let err = String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(has_chinese(&err), "not Chinese: {err}");
    err
}

#[test]
fn report_daily_prints_the_day_in_each_format() {
    let sb = Sandbox::new();
    {
        let mut s = sb.store();
        log(
            &mut s,
            "来电",
            "城关镇",
            "李站长",
            "河堤管涌，请求支援",
            "急办",
            "2001-03-01 21:10",
        );
        log(&mut s, "来电", "", "群众", "咨询", "一般", "2001-03-01 22:00");
        event(
            &mut s,
            Level::Major,
            "自然灾害",
            "2001-03-02 02:50",
            "2001-03-02 03:00",
            "山体滑坡",
        );
    }
    let text = String::from_utf8(success(&sb.run(&["report", "daily", "--date", "2001-03-02"]))).unwrap();
    assert!(text.contains("值班日报（2001年3月2日）"), "{text}");
    assert!(text.contains("时段：2001-03-01 08:00 至 2001-03-02 08:00\n"), "{text}");
    assert!(text.contains("值班记录共 2 件：来电 2"), "{text}");
    assert!(
        text.contains("[急办] 03-01 21:10 来电 城关镇 李站长：河堤管涌，请求支援"),
        "{text}"
    );
    assert!(
        text.contains("报上级总值班室：电话 时限 03-02 03:30，未报，已超时 4 小时 30 分"),
        "{text}"
    );
    assert!(!text.contains(ZERO_REPORT));

    let md = String::from_utf8(success(&sb.run(&[
        "report",
        "daily",
        "--date",
        "2001-03-02",
        "--format",
        "md",
    ])))
    .unwrap();
    assert!(
        md.starts_with("# 某某县人民政府办公室值班室 值班日报（2001年3月2日）"),
        "{md}"
    );

    let csv = success(&sb.run(&["report", "daily", "--date", "2001-03-02", "--format", "csv"]));
    let rows = parse_csv(&csv);
    assert!(
        rows.iter().any(|r| r[0] == "重要事项" && r[5] == "河堤管涌，请求支援"),
        "{rows:?}"
    );

    let later = String::from_utf8(success(&sb.run(&["report", "daily", "--date", "2001-03-05"]))).unwrap();
    assert!(
        !later.contains(ZERO_REPORT) && later.contains("值班记录共 0 件"),
        "days later the event is still open and still reported:\n{later}"
    );

    let quiet = Sandbox::new();
    log(
        &mut quiet.store(),
        "来电",
        "",
        "群众",
        "咨询",
        "一般",
        "2001-03-04 09:00",
    );
    let zero = String::from_utf8(success(&quiet.run(&["report", "daily", "--date", "2001-03-05"]))).unwrap();
    assert!(
        zero.contains("本日无重要情况，零报告。\n值班记录共 1 件：来电 1"),
        "{zero}"
    );
}

#[test]
fn report_daily_refuses_bad_arguments_with_exit_2_and_creates_nothing() {
    let sb = Sandbox::new();
    for date in ["2026-02-30", "2026/11/23", "23-11-2026", "明天", "2026-1-5"] {
        let err = bad_input(&sb.run(&["report", "daily", "--date", date]));
        assert!(err.contains("--date") && err.contains("YYYY-MM-DD"), "{err}");
    }
    let err = bad_input(&sb.run(&["report", "daily", "--format", "pdf"]));
    assert!(err.contains("text、md、csv"), "{err}");
    let err = bad_input(&sb.run(&["report", "daily", "--date", "9999-12-31"]));
    assert!(err.contains("尚未开始"), "{err}");
    bad_input(&sb.run(&["report", "weekly"]));
    assert!(!sb.db().exists(), "a refused command leaves no database behind");
}
