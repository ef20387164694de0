//! Streaming command-line output (issue 16): `log list --limit 0`, `visit list --limit 0` and
//! `event list --all` read the store a page at a time by key and write as the rows come.
//!
//! - The store's page walkers hand over exactly the rows the all-at-once reads return
//!   (`entries_since`, `recent_visits`, `recent_events`), in their order, never more than a page
//!   at a time, for every page size — with many records sharing a second across page boundaries,
//!   and ids out of time order.
//! - The binary prints, byte for byte, what the all-at-once listing printed: the references below
//!   are built the old way (the whole list read, then `serde_json::to_string` of the array, or the
//!   old line format), on a database with more rows than three of the command line's pages.
//! - A reader that goes away (`| head`) ends a verb quietly with 141 (128 + SIGPIPE); a full disk
//!   behind stdout is said.
//!
//! Every time is fixed (2026); only `event list`'s clocks depend on the clock, and they are left out
//! of the comparison.

mod cli_common;

use std::io::Read;
use std::process::{Output, Stdio};

use chrono::{Duration, NaiveDateTime};
use cli_common::Sandbox;
use serde_json::Value;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::idcard;
use zhiban::core::json::{EntryJson, EventJson, VisitJson};
use zhiban::core::log::{
    AmendRequest, EntryId, Instruction, InstructionRequest, LogField, NewEntry, RawValues, build_entry, read_back_label,
};
use zhiban::core::text::sanitize;
use zhiban::core::urgent::{EventDraft, Level, new_event, raised};
use zhiban::core::validate::format_minute;
use zhiban::core::visit::{RepresentativeDraft, Visit, VisitDraft, build_visit, format_plate};
use zhiban::store::{Store, StoreError};

const ZHANG_ID: &str = "11010519491231002X";
const WANG_ID: &str = "530102198001011237";

/// The command line reads this many rows a page (`cli::output::PAGE_ROWS`); the seeded counts
/// below are more than three of them, with records sharing a time across each page boundary.
const CLI_PAGE: usize = 500;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("a valid test time")
}

/// Entry `i` of `n`: three to a second, so that records share a time, inserted in an order
/// (`i * 7 mod n`) that keeps ids out of time order.
fn entry_time(i: usize) -> NaiveDateTime {
    at("2026-03-01 08:00:00") + Duration::seconds(i64::try_from(i / 3).unwrap())
}

fn new_entry(i: usize) -> NewEntry {
    let kind = ["来电", "去电", "传真", "事件"][i % 4];
    let content = format!("第 {i} 条：城关镇报告河堤渗水，已派人查看\t（制表符）");
    let mut raw: RawValues = [
        (LogField::Kind, kind),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "李站长"),
        (LogField::Phone, "13812345678"),
        (LogField::Content, content.as_str()),
        (LogField::Triage, ["一般", "急办", "请示", "次日办理"][i % 4]),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    if kind == "去电" {
        raw.insert(
            LogField::ReadBack,
            if i % 8 == 1 { "已复述核对" } else { "未复述" }.to_string(),
        );
    }
    let t = entry_time(i);
    raw.insert(LogField::OccurredAt, t.format("%Y-%m-%d %H:%M").to_string());
    let mut e = build_entry(&raw, "张三", t).unwrap_or_else(|err| panic!("entry {i}: {err:?}"));
    // The seconds matter: three entries share each one.
    e.occurred_at = t;
    e
}

/// `n` entries (some amended, some with a leader's instruction), ids out of time order.
fn fill_log(s: &mut Store, n: usize) {
    assert!(
        !n.is_multiple_of(7),
        "7 must not divide n, so that i * 7 mod n visits every entry"
    );
    s.begin_import().unwrap();
    for k in 0..n {
        let i = k * 7 % n;
        let (id, _) = s.insert_entry(&new_entry(i)).unwrap();
        if i.is_multiple_of(50) {
            s.amend(&AmendRequest {
                entry_id: id,
                changes: vec![(LogField::Status, "已办结".into()), (LogField::Result, "已处理".into())],
                reason: "办结".into(),
                amended_by: "李四".into(),
                amended_at: entry_time(i) + Duration::hours(1),
            })
            .unwrap();
        }
        if i % 70 == 3 {
            s.add_instruction(&InstructionRequest {
                entry_id: id,
                instruction: Instruction {
                    id: None,
                    via: Some(zhiban::core::instruction::Via::Phone),
                    leader: "王五".into(),
                    text: "请抓紧落实".into(),
                    given_at: entry_time(i) + Duration::minutes(5),
                    recorded_by: "张三".into(),
                    recorded_at: entry_time(i) + Duration::minutes(6),
                },
            })
            .unwrap();
        }
        if s.import_batch_rows() > 2_000 {
            s.commit_import_batch().unwrap();
        }
    }
    s.finish_import().unwrap();
}

/// `n` visits, three to a minute: every tenth by 张三 with his ID number (a 重访 after the
/// first), every seventh a 集体访 with two representatives, the rest with a letter of introduction.
fn fill_visits(s: &mut Store, n: usize) {
    s.begin_import().unwrap();
    for i in 0..n {
        let now = at("2026-03-02 08:00:00") + Duration::minutes(i64::try_from(i / 3).unwrap());
        let mut draft = VisitDraft {
            name: format!("来访人{i}"),
            id_type: "其他".into(),
            id_number: format!("介绍信 市水利局 {i}"),
            phone: "13812345678".into(),
            purpose: "联系工作".into(),
            host: "办公室".into(),
            plate: if i % 5 == 0 { "云A12345".into() } else { String::new() },
            ..VisitDraft::default()
        };
        if i % 10 == 0 {
            draft.name = "张三".into();
            draft.id_type = "居民身份证".into();
            draft.id_number = ZHANG_ID.into();
        } else if i % 7 == 0 {
            draft.id_type = "居民身份证".into();
            draft.id_number = WANG_ID.into();
            draft.name = "王五".into();
            draft.petition = true;
            draft.people_count = "6".into();
            draft.petition_address = "城关镇河西村".into();
            draft.petition_matter = format!("征地补偿款未发放 {i}");
            draft.representatives = vec![
                RepresentativeDraft {
                    name: "王五".into(),
                    id_number: WANG_ID.into(),
                    phone: "13812345678".into(),
                },
                RepresentativeDraft {
                    name: "张三".into(),
                    id_number: ZHANG_ID.into(),
                    phone: String::new(),
                },
            ];
            draft.liaison = Some(0);
        }
        let visit = build_visit(&draft, "李四", now, now.date()).unwrap_or_else(|e| panic!("visit {i}: {e:?}"));
        let id = s.add_visit(&visit).unwrap();
        if i % 2 == 0 {
            s.checkout(id, "李四", now + Duration::minutes(30)).unwrap();
        }
        if s.import_batch_rows() > 2_000 {
            s.commit_import_batch().unwrap();
        }
    }
    s.finish_import().unwrap();
}

/// `n` urgent events, two to a received minute.
fn fill_events(s: &mut Store, n: usize) {
    let urgent = parse(DEFAULT_TOML, None).unwrap().settings.urgent;
    s.begin_import().unwrap();
    for i in 0..n {
        let t = at("2026-03-03 00:00:00") + Duration::minutes(i64::try_from(i / 2).unwrap());
        let level = [Level::Ordinary, Level::Large, Level::Major][i % 3];
        let mut draft = EventDraft::essentials("自然灾害", level, t, "李家集镇", &format!("山体滑坡 {i}"));
        draft.received_at = Some(t);
        let event = new_event(draft, &urgent, "张三", t).unwrap();
        s.insert_event(&event, &raised(t, &urgent.ladder)).unwrap();
        if s.import_batch_rows() > 2_000 {
            s.commit_import_batch().unwrap();
        }
    }
    s.finish_import().unwrap();
}

/// Collects what a page walker hands over: the rows, and each page's size.
struct Pages<T> {
    rows: Vec<T>,
    sizes: Vec<usize>,
}

/// More rows than any seeded list has: a walker that goes round in circles is stopped here.
const RUNAWAY: usize = 10_000;

impl<T: Clone> Pages<T> {
    fn new() -> Self {
        Self {
            rows: Vec::new(),
            sizes: Vec::new(),
        }
    }

    fn take(&mut self, page: &[T]) -> Result<(), StoreError> {
        self.sizes.push(page.len());
        self.rows.extend_from_slice(page);
        if self.rows.len() > RUNAWAY {
            return Err(StoreError::Refused(format!(
                "more than {RUNAWAY} rows: the walk repeats itself"
            )));
        }
        Ok(())
    }

    /// Every page holds at most `page` rows and at least one; all but the last are full.
    fn assert_paged(&self, page: usize, what: &str) {
        let page = page.max(1);
        assert!(
            self.sizes.iter().all(|&n| n >= 1 && n <= page),
            "{what}: pages {:?} (page {page})",
            self.sizes
        );
        if let Some((_, full)) = self.sizes.split_last() {
            assert!(full.iter().all(|&n| n == page), "{what}: pages {:?}", self.sizes);
        }
        assert_eq!(self.sizes.iter().sum::<usize>(), self.rows.len());
    }
}

fn store_in(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("zhiban.db")).unwrap()
}

#[test]
fn entry_pages_hand_over_the_old_list_in_its_order_a_page_at_a_time() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = store_in(&dir);
    let n = 40;
    fill_log(&mut s, n);
    let all = s.entries_since(None, usize::MAX).unwrap();
    assert_eq!(all.len(), n);
    // Ids out of time order, three entries to a second: what a keyset has to get right.
    assert!(
        all.windows(2).any(|w| w[0].0 < w[1].0),
        "ids must not follow time order"
    );
    assert!(all.windows(2).any(|w| w[0].1.occurred_at == w[1].1.occurred_at));
    // From a second three entries share (entry 16 is the middle one of 15, 16, 17).
    let tie = entry_time(16);
    for since in [
        None,
        Some(tie),
        Some(tie + Duration::seconds(1)),
        Some(at("2027-01-01 00:00:00")),
    ] {
        for limit in [usize::MAX, 1, 2, 9, 18, 39, 40, 41] {
            let expected = s.entries_since(since, limit).unwrap();
            for page in [0, 1, 2, 3, 4, 6, 7, 39, 40, 41, 1000] {
                let what = format!("since {since:?}, limit {limit}, page {page}");
                let mut got = Pages::new();
                let n = s
                    .entry_pages(since, limit, page, |p| got.take(p))
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(got.rows, expected, "{what}");
                assert_eq!(usize::try_from(n).unwrap(), expected.len(), "{what}");
                got.assert_paged(page, &what);
            }
        }
    }
}

#[test]
fn visit_and_event_pages_hand_over_the_old_lists_in_their_order_a_page_at_a_time() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = store_in(&dir);
    fill_visits(&mut s, 31);
    fill_events(&mut s, 11);
    let visits = s.recent_visits(usize::MAX).unwrap();
    assert_eq!(visits.len(), 31);
    assert!(visits.iter().any(|v| v.repeat_of.is_some() && v.previous.is_some()));
    assert!(visits.iter().any(|v| v.fields.representatives.len() == 2));
    let events = s.recent_events(usize::MAX).unwrap();
    assert_eq!(events.len(), 11);
    for limit in [usize::MAX, 1, 3, 10, 11, 12, 30, 31, 32] {
        let expected = s.recent_visits(limit).unwrap();
        for page in [0, 1, 2, 3, 4, 5, 30, 31, 32, 500] {
            let what = format!("visits: limit {limit}, page {page}");
            let mut got = Pages::<Visit>::new();
            let n = s
                .visit_pages(limit, page, |p| got.take(p))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got.rows, expected, "{what}");
            assert_eq!(usize::try_from(n).unwrap(), expected.len(), "{what}");
            got.assert_paged(page, &what);
        }
        let expected = s.recent_events(limit).unwrap();
        for page in [1, 2, 3, 10, 11, 12] {
            let what = format!("events: limit {limit}, page {page}");
            let mut got = Pages::new();
            let n = s
                .event_pages(limit, page, |p| got.take(p))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got.rows, expected, "{what}");
            assert_eq!(usize::try_from(n).unwrap(), expected.len(), "{what}");
            got.assert_paged(page, &what);
        }
    }
}

#[test]
fn a_failed_page_stops_the_walk_and_says_why() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut s = store_in(&dir);
    fill_log(&mut s, 20);
    let mut pages = 0;
    let result = s.entry_pages(None, usize::MAX, 3, |_| {
        pages += 1;
        if pages == 2 {
            Err(StoreError::Refused("写不下了".into()))
        } else {
            Ok(())
        }
    });
    assert!(
        matches!(result, Err(StoreError::Refused(ref why)) if why == "写不下了"),
        "{result:?}"
    );
    assert_eq!(pages, 2, "no page is read after the one that failed");
}

// ---------------------------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------------------------

/// A sandbox with more entries and visits than three of the command line's pages, and more events
/// than one.
fn seeded() -> Sandbox {
    seeded_with(3 * CLI_PAGE + 34, 3 * CLI_PAGE + 10, CLI_PAGE + 5)
}

fn seeded_with(entries: usize, visits: usize, events: usize) -> Sandbox {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    {
        let mut s = Store::open(&sb.db()).unwrap();
        fill_log(&mut s, entries);
        fill_visits(&mut s, visits);
        fill_events(&mut s, events);
    }
    // The search index for the imported records is built at the next open: here, not by the
    // first command (which would say so on stderr).
    drop(Store::open(&sb.db()).unwrap());
    sb
}

fn stdout_of(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    for full in [ZHANG_ID, WANG_ID] {
        assert!(!text.contains(full), "a full ID number was printed");
    }
    text
}

/// `log list` as it was printed before the pages: the whole list read, then one line each.
fn old_log_lines(rows: &[(EntryId, NewEntry)]) -> String {
    let mut out = String::new();
    for (id, e) in rows {
        out += &format!(
            "{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}{}\n",
            format_minute(e.occurred_at),
            e.kind.label(),
            sanitize(&e.unit, false),
            sanitize(&e.person, false),
            e.triage.label(),
            e.status.label(),
            sanitize(&e.content, false),
            match read_back_label(e.read_back) {
                "" => String::new(),
                l => format!("（{l}）"),
            }
        );
    }
    out
}

/// `log list --json` as it was printed: every entry read whole, then the array at once.
fn old_log_json(s: &Store, rows: &[(EntryId, NewEntry)]) -> String {
    let entries: Vec<_> = rows.iter().map(|(id, _)| s.entry(*id).unwrap()).collect();
    let items: Vec<EntryJson> = entries.iter().map(EntryJson::from).collect();
    serde_json::to_string(&items).unwrap() + "\n"
}

/// `visit list` as it was printed.
fn old_visit_lines(visits: &[Visit]) -> String {
    let mut out = String::new();
    for v in visits {
        let f = &v.fields;
        let status = match v.checked_out_at {
            Some(t) => format!("已离开 {}", format_minute(t)),
            None => "在楼".to_string(),
        };
        let repeat = v
            .repeat_of
            .map(|p| format!("重访（上次第 {p} 号）"))
            .unwrap_or_default();
        let clean = |s: &str| sanitize(s, false);
        out += &format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{} 人\t{}\t{}\t{}\t{status}\t{repeat}\n",
            v.id,
            format_minute(f.entered_at),
            clean(&f.name),
            f.gender.label(),
            f.id_type.label(),
            clean(&idcard::mask(&f.id_number)),
            clean(&f.employer),
            clean(&f.phone),
            f.people_count,
            clean(&f.purpose),
            clean(&f.host),
            clean(&format_plate(&f.plate)),
        );
    }
    out
}

#[test]
fn the_lists_print_byte_for_byte_what_the_whole_list_printed() {
    let sb = seeded();
    let s = Store::open(&sb.db()).unwrap();
    let run = |args: &[&str]| stdout_of(&sb.run_with_db(&sb.db(), args));

    let all = s.entries_since(None, usize::MAX).unwrap();
    assert_eq!(all.len(), 3 * CLI_PAGE + 34);
    // A second shared across the first page boundary: the keyset has to carry on inside it.
    assert_eq!(all[CLI_PAGE - 1].1.occurred_at, all[CLI_PAGE].1.occurred_at);
    assert_eq!(run(&["log", "list", "--limit", "0"]), old_log_lines(&all));
    assert_eq!(run(&["log", "list", "--limit", "0", "--json"]), old_log_json(&s, &all));
    let hundred = s.entries_since(None, 100).unwrap();
    assert_eq!(run(&["log", "list"]), old_log_lines(&hundred));
    assert_eq!(run(&["log", "list", "--json"]), old_log_json(&s, &hundred));
    // `--since` takes a minute: every entry from its first second, the newest two pages of them.
    let since = "2026-03-01 08:02";
    let some = s.entries_since(Some(at("2026-03-01 08:02:00")), 2 * CLI_PAGE).unwrap();
    assert_eq!(some.len(), 2 * CLI_PAGE);
    let args = ["log", "list", "--since", since, "--limit", "1000"];
    assert_eq!(run(&args), old_log_lines(&some));
    let mut json = args.to_vec();
    json.push("--json");
    assert_eq!(run(&json), old_log_json(&s, &some));
    let from_minute = s.entries_since(Some(at("2026-03-01 08:02:00")), usize::MAX).unwrap();
    assert!(from_minute.len() > 2 * CLI_PAGE && from_minute.len() < all.len());
    let args = ["log", "list", "--since", since, "--limit", "0"];
    assert_eq!(run(&args), old_log_lines(&from_minute));

    let visits = s.recent_visits(usize::MAX).unwrap();
    assert_eq!(visits.len(), 3 * CLI_PAGE + 10);
    assert_eq!(
        visits[CLI_PAGE - 1].fields.entered_at,
        visits[CLI_PAGE].fields.entered_at
    );
    assert_eq!(run(&["visit", "list", "--limit", "0"]), old_visit_lines(&visits));
    let items: Vec<VisitJson> = visits.iter().map(VisitJson::from).collect();
    assert_eq!(
        run(&["visit", "list", "--limit", "0", "--json"]),
        serde_json::to_string(&items).unwrap() + "\n"
    );
    let some = s.recent_visits(CLI_PAGE + 1).unwrap();
    assert_eq!(run(&["visit", "list", "--limit", "501"]), old_visit_lines(&some));
    assert_eq!(run(&["visit", "list"]), old_visit_lines(&visits[..100]));
}

#[test]
fn event_list_all_prints_every_event_newest_first_as_before() {
    let sb = seeded();
    let s = Store::open(&sb.db()).unwrap();
    let events = s.recent_events(usize::MAX).unwrap();
    assert_eq!(events.len(), CLI_PAGE + 5);
    let text = stdout_of(&sb.run_with_db(&sb.db(), &["event", "list", "--all"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), events.len());
    for (line, e) in lines.iter().zip(&events) {
        let cells: Vec<&str> = line.split('\t').collect();
        // Every column but the clocks, which run with the time the command ran at.
        let received = format!("接报 {}", format_minute(e.record.received_at));
        let expected = [
            e.id.to_string(),
            e.facts.level.label().to_string(),
            sanitize(&e.record.category, false),
            e.escalation.state.label().to_string(),
            received,
        ];
        assert_eq!(cells[..5], expected, "{line}");
        assert_eq!(cells[6], sanitize(&e.record.summary, false), "{line}");
    }
    let raw = stdout_of(&sb.run_with_db(&sb.db(), &["event", "list", "--all", "--json"]));
    assert!(raw.starts_with("[{") && raw.ends_with("}]\n") && raw.lines().count() == 1);
    let listed: Value = serde_json::from_str(&raw).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), events.len());
    for (item, e) in listed.iter().zip(&events) {
        let whole = s.report_event(e.id).unwrap();
        let expected = serde_json::to_value(EventJson::from(&whole)).unwrap();
        let mut item = item.as_object().unwrap().clone();
        for now_dependent in ["clocks_now", "escalation_level", "pressing", "unverified"] {
            assert!(item.remove(now_dependent).is_some(), "{now_dependent} missing");
        }
        assert_eq!(Value::Object(item), expected, "event {}", e.id);
    }
}

/// Runs `args` with standard output a pipe whose reader is gone before the command writes.
fn with_closed_stdout(sb: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let mut child = sb
        .command(&sb.db(), args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhiban");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    (child.wait().expect("wait").code(), stderr)
}

#[test]
fn a_reader_that_goes_away_ends_each_verb_quietly_with_141() {
    // The reader is gone before the first write: a few records of each kind are enough.
    let sb = seeded_with(20, 10, 3);
    for args in [
        &["log", "list", "--limit", "0"][..],
        &["log", "list", "--limit", "0", "--json"],
        &["log", "list", "--limit", "1"],
        &["visit", "list", "--limit", "0"],
        &["visit", "list", "--limit", "0", "--json"],
        &["visit", "list", "--inside"],
        &["event", "list", "--all"],
        &["event", "list", "--all", "--json"],
        &["handover", "list", "--json"],
        &[
            "export",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--format",
            "json",
        ],
        &[
            "export",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--format",
            "csv",
            "--kind",
            "来访",
        ],
        &["verify"],
    ] {
        let (code, stderr) = with_closed_stdout(&sb, args);
        assert_eq!(code, Some(141), "{args:?}: stderr {stderr}");
        assert!(stderr.is_empty(), "{args:?} said: {stderr}");
    }
}

#[test]
fn a_full_disk_behind_stdout_is_said_with_exit_1() {
    let sb = seeded_with(20, 10, 3);
    for args in [
        &["log", "list", "--limit", "0", "--json"][..],
        &[
            "export",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--format",
            "json",
        ],
    ] {
        let out = sb
            .command(&sb.db(), args)
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("run zhiban");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("磁盘已满，写入标准输出失败"), "{args:?}: {stderr}");
    }
}
