//! `zhiban export` through the real binary on a database filled with the store's own API: every
//! kind exported as JSON and compared with what the store reads back, and with what each list's
//! `--json` prints for the same record (the same object), ID numbers masked, the date
//! range inclusive of whole days, CSV files with a BOM that a CSV parser reads back (commas, quotes
//! and line breaks in Chinese text), one private file per kind that is never overwritten, and bad
//! arguments refused with exit 2.
//!
//! Every time is fixed (November 2026, given to the store); export itself never reads the clock.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDateTime;
use serde_json::Value;
use tempfile::TempDir;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::csv::BOM;
use zhiban::core::export::RecordKind;
use zhiban::core::handover::{Check, build_draft};
use zhiban::core::log::{AmendRequest, Instruction, InstructionRequest, LogField, RawValues, build_entry};
use zhiban::core::settings::Settings;
use zhiban::core::urgent::{Channel, EventDraft, Level, Report, ReportType, new_event, raised};
use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
use zhiban::store::Store;

const ZHANG_ID: &str = "11010519491231002X";
const WANG_ID: &str = "530102198001011237";
const TRICKY: &str = "河堤渗水,\"管涌\"两处，请求支援\n第二行：需要沙袋, 500 个";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a valid test time")
}

fn settings() -> Settings {
    parse(DEFAULT_TOML, None).expect("the default config").settings
}

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

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
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

    /// `export --from 2026-11-22 --to 2026-11-23 --format json [extra]`, parsed.
    fn json(&self, extra: &[&str]) -> Value {
        let mut args = vec![
            "export",
            "--from",
            "2026-11-22",
            "--to",
            "2026-11-23",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        serde_json::from_slice(&success(&out)).expect("export printed JSON")
    }
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

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
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

fn entry(s: &mut Store, content: &str, triage: &str, t: &str, alert: bool) -> i64 {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "李站长"),
        (LogField::Phone, "13812345678"),
        (LogField::Content, content),
        (LogField::Triage, triage),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let e = build_entry(&raw, "张三", at(t)).expect("a valid entry");
    let lines = raised(at(t), &settings().urgent.ladder);
    s.insert_entry_raising(&e, alert.then_some(lines.as_slice()))
        .expect("saved")
        .0
}

/// What was stored, by id.
struct Stored {
    entries: Vec<i64>,
    visits: Vec<i64>,
    events: Vec<i64>,
    handovers: Vec<i64>,
}

/// Two days (22 and 23 November 2026) of every kind, and records just outside them.
fn fill(s: &mut Store) -> Stored {
    entry(s, "范围之前", "一般", "2026-11-21 23:59", false);
    let first = entry(s, TRICKY, "急办", "2026-11-22 00:00", true);
    s.amend(&AmendRequest {
        entry_id: first,
        changes: vec![
            (LogField::Status, "已办结".into()),
            (LogField::Result, "已调拨沙袋，险情排除".into()),
        ],
        reason: "办结".into(),
        amended_by: "李四".into(),
        amended_at: at("2026-11-22 06:00"),
    })
    .unwrap();
    s.add_instruction(&InstructionRequest {
        entry_id: first,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: "立即组织抢险".into(),
            given_at: at("2026-11-22 00:20"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-22 00:25"),
        },
    })
    .unwrap();
    let formula = entry(s, "=HYPERLINK(\"http://x\")", "一般", "2026-11-22 12:00", false);
    let last = entry(s, "最后一分钟", "一般", "2026-11-23 23:59", false);
    entry(s, "范围之后", "一般", "2026-11-24 00:00", false);

    let group = VisitDraft {
        name: "张三".into(),
        id_type: "居民身份证".into(),
        id_number: ZHANG_ID.into(),
        phone: "13812345678".into(),
        purpose: "反映问题".into(),
        host: "办公室".into(),
        petition: true,
        people_count: "6".into(),
        petition_address: "城关镇河西村".into(),
        petition_matter: "征地补偿款未发放,\"至今\"无答复".into(),
        representatives: vec![
            RepresentativeDraft {
                name: "张三".into(),
                id_number: ZHANG_ID.into(),
                phone: "13812345678".into(),
            },
            RepresentativeDraft {
                name: "王五".into(),
                id_number: WANG_ID.into(),
                phone: String::new(),
            },
        ],
        liaison: Some(1),
        ..VisitDraft::default()
    };
    let now = at("2026-11-22 14:00");
    let group = s
        .add_visit(&build_visit(&group, "李四", now, now.date()).unwrap())
        .unwrap();
    s.checkout(group, "李四", at("2026-11-22 16:00")).unwrap();
    let single = VisitDraft {
        name: "李雷".into(),
        id_type: "居民身份证".into(),
        id_number: WANG_ID.into(),
        phone: "13812345678".into(),
        purpose: "联系工作".into(),
        host: "办公室".into(),
        ..VisitDraft::default()
    };
    let now = at("2026-11-23 09:00");
    let single = s
        .add_visit(&build_visit(&single, "李四", now, now.date()).unwrap())
        .unwrap();

    let urgent = settings().urgent;
    let mut draft = EventDraft::essentials("自然灾害", Level::Major, at("2026-11-23 02:50"), "李家集镇", "山体滑坡");
    draft.received_at = Some(at("2026-11-23 03:00"));
    draft.deaths = Some(0);
    let event = new_event(draft, &urgent, "张三", at("2026-11-23 03:00")).unwrap();
    let event = s
        .insert_event(&event, &raised(at("2026-11-23 03:00"), &urgent.ladder))
        .unwrap();
    for (channel, t) in [
        (Channel::Phone, "2026-11-23 03:40"),
        (Channel::Written, "2026-11-23 03:55"),
    ] {
        s.add_report(
            event,
            ReportType::Initial,
            &Report {
                kind: String::new(),
                channel,
                recipient: "上级总值班室".into(),
                sent_at: at(t),
                signed_by: "王五".into(),
                content: "两户房屋受损，暂无人员伤亡".into(),
                recorded_by: "张三".into(),
                recorded_at: at(t),
            },
            &[],
        )
        .unwrap();
    }

    let now = at("2026-11-23 08:30");
    let state = s.open_state(now).unwrap();
    let mut draft = build_draft(&state, "张三", "李四", at("2026-11-22 08:30"), now);
    draft.summary = "当班处置河堤险情一起".into();
    for (i, item) in draft.items.iter_mut().enumerate() {
        item.check = if i == 0 {
            Check::Question("沙袋是否已送到？".into())
        } else {
            Check::Confirmed
        };
    }
    let handover = s.sign_handover(&draft, &[], now).unwrap();

    Stored {
        entries: vec![first, formula, last],
        visits: vec![group, single],
        events: vec![event],
        handovers: vec![handover],
    }
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing or not a string in {v}"))
}

fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

#[test]
fn log_entries_round_trip_through_json_with_their_amendments_and_instructions() {
    let sb = Sandbox::new();
    let mut s = sb.store();
    let stored = fill(&mut s);
    let out = sb.json(&["--kind", "值班记录"]);
    let items = array(&out);
    assert_eq!(
        ids(items),
        stored.entries,
        "whole days: 00:00 on --from to 23:59 on --to"
    );
    for item in items {
        let e = s.entry(item["id"].as_i64().unwrap()).unwrap();
        let f = &e.fields;
        assert_eq!(str_of(item, "kind"), f.kind.label());
        assert_eq!(str_of(item, "content"), f.content);
        assert_eq!(str_of(item, "unit"), f.unit);
        assert_eq!(str_of(item, "person"), f.person);
        assert_eq!(str_of(item, "phone"), f.phone);
        assert_eq!(str_of(item, "occurred_at"), time(f.occurred_at));
        assert_eq!(str_of(item, "recorded_at"), time(f.recorded_at));
        assert_eq!(str_of(item, "triage"), f.triage.label());
        assert_eq!(str_of(item, "status"), f.status.label());
        assert_eq!(str_of(item, "result"), f.result);
        assert_eq!(item["closed_at"].as_str().map(String::from), f.closed_at.map(time));
        let amendments = array(&item["amendments"]);
        assert_eq!(amendments.len(), e.amendments.len());
        for (j, a) in amendments.iter().zip(&e.amendments) {
            assert_eq!(str_of(j, "field"), a.field.column());
            assert_eq!(str_of(j, "old_value"), a.old_value);
            assert_eq!(str_of(j, "new_value"), a.new_value);
            assert_eq!(str_of(j, "reason"), a.reason);
            assert_eq!(str_of(j, "amended_by"), a.amended_by);
            assert_eq!(str_of(j, "amended_at"), time(a.amended_at));
        }
        let instructions = array(&item["instructions"]);
        assert_eq!(instructions.len(), e.instructions.len());
        for (j, i) in instructions.iter().zip(&e.instructions) {
            assert_eq!(
                (str_of(j, "leader"), str_of(j, "text"), str_of(j, "given_at")),
                (i.leader.as_str(), i.text.as_str(), time(i.given_at).as_str())
            );
        }
        assert_eq!(array(&item["alert_timeline"]).len(), e.alert.len());
    }
    let first = &items[0];
    assert_eq!(
        str_of(first, "content"),
        TRICKY,
        "commas, quotes and the line break kept exactly"
    );
    assert_eq!(array(&first["amendments"]).len(), 2);
    assert_eq!(str_of(first, "status"), "已办结");
    assert!(
        !array(&first["alert_timeline"]).is_empty(),
        "the entry alert's timeline is exported"
    );
    assert_eq!(
        str_of(&items[1], "content"),
        "=HYPERLINK(\"http://x\")",
        "JSON is the exact copy"
    );
}

#[test]
fn visits_round_trip_with_every_id_number_masked() {
    let sb = Sandbox::new();
    let mut s = sb.store();
    let stored = fill(&mut s);
    let out = sb.run(&[
        "export",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-23",
        "--format",
        "json",
        "--kind",
        "来访",
    ]);
    let raw = String::from_utf8(success(&out)).unwrap();
    for full in [ZHANG_ID, WANG_ID, "19491231", "19800101"] {
        assert!(
            !raw.contains(full),
            "a full ID number (or its birth date) left the program: {raw}"
        );
    }
    let v: Value = serde_json::from_str(&raw).unwrap();
    let items = array(&v);
    assert_eq!(ids(items), stored.visits);
    for item in items {
        let visit = s.visit(item["id"].as_i64().unwrap()).unwrap();
        let f = &visit.fields;
        assert_eq!(str_of(item, "name"), f.name);
        assert_eq!(str_of(item, "id_type"), f.id_type.label());
        assert_eq!(
            str_of(item, "id_number_masked"),
            zhiban::core::idcard::mask(&f.id_number)
        );
        assert_eq!(str_of(item, "purpose"), f.purpose);
        assert_eq!(str_of(item, "host"), f.host);
        assert_eq!(item["people"].as_u64(), Some(u64::from(f.people_count)));
        assert_eq!(str_of(item, "entered_at"), time(f.entered_at));
        assert_eq!(
            item["checked_out_at"].as_str().map(String::from),
            visit.checked_out_at.map(time)
        );
        assert_eq!(item["petition"].as_bool(), Some(f.petition.is_some()));
        assert_eq!(item["repeat_of"].as_i64(), visit.repeat_of);
        let reps = array(&item["representatives"]);
        assert_eq!(reps.len(), f.representatives.len());
        for (j, r) in reps.iter().zip(&f.representatives) {
            assert_eq!(str_of(j, "name"), r.name);
            assert_eq!(str_of(j, "id_number_masked"), zhiban::core::idcard::mask(&r.id_number));
            assert_eq!(j["is_liaison"].as_bool(), Some(r.is_liaison));
        }
    }
    let group = &items[0];
    assert_eq!(str_of(group, "id_number_masked"), "1101**********002X");
    assert_eq!(group["collective"].as_bool(), Some(true));
    assert_eq!(str_of(group, "petition_matter"), "征地补偿款未发放,\"至今\"无答复");
    assert_eq!(
        str_of(&array(&group["representatives"])[1], "id_number_masked"),
        "5301**********1237"
    );
}

#[test]
fn events_and_handovers_round_trip_with_reports_timelines_and_items() {
    let sb = Sandbox::new();
    let mut s = sb.store();
    let stored = fill(&mut s);
    let events = sb.json(&["--kind", "紧急事件"]);
    let items = array(&events);
    assert_eq!(ids(items), stored.events);
    let e = s.event(stored.events[0]).unwrap();
    let item = &items[0];
    assert_eq!(str_of(item, "summary"), e.record.summary);
    assert_eq!(str_of(item, "level"), "重大");
    assert_eq!(str_of(item, "received_at"), time(e.record.received_at));
    let clocks = array(&item["clocks"]);
    assert_eq!(clocks.len(), e.clocks.len());
    for (j, c) in clocks.iter().zip(&e.clocks) {
        assert_eq!(str_of(j, "recipient"), c.setting.recipient);
        assert_eq!(str_of(j, "phone_due_at"), time(c.setting.phone_due));
    }
    assert_eq!(item["deaths"].as_u64(), Some(0));
    assert!(item["injured"].is_null(), "待核实 is null, never zero");
    let reports = s.reports(e.id).unwrap();
    let exported = array(&item["reports"]);
    assert_eq!(exported.len(), reports.len());
    for (j, r) in exported.iter().zip(&reports) {
        assert_eq!(
            (str_of(j, "kind"), str_of(j, "channel"), str_of(j, "sent_at")),
            (r.kind.as_str(), r.channel.label(), time(r.sent_at).as_str())
        );
    }
    let timeline = s.timeline(e.id).unwrap();
    let texts: Vec<&str> = array(&item["timeline"]).iter().map(|l| str_of(l, "text")).collect();
    assert_eq!(texts, timeline.iter().map(|l| l.text.as_str()).collect::<Vec<_>>());

    let handovers = sb.json(&["--kind", "交接班"]);
    let items = array(&handovers);
    assert_eq!(ids(items), stored.handovers);
    let h = s.handover(stored.handovers[0]).unwrap();
    let item = &items[0];
    assert_eq!(
        (str_of(item, "outgoing"), str_of(item, "incoming")),
        (h.draft.outgoing.as_str(), h.draft.incoming.as_str())
    );
    assert_eq!(str_of(item, "signed_at"), time(h.signed_at));
    assert_eq!(str_of(item, "summary"), h.draft.summary);
    let exported = array(&item["items"]);
    assert_eq!(exported.len(), h.draft.items.len());
    assert!(
        !exported.is_empty(),
        "the open entries, visitor and event were handed over"
    );
    for (j, i) in exported.iter().zip(&h.draft.items) {
        assert_eq!(str_of(j, "kind"), i.kind.label());
        assert_eq!(j["ref_id"].as_i64(), Some(i.ref_id));
        assert_eq!(str_of(j, "title"), i.title);
        let (state, question) = match &i.check {
            Check::Question(q) => ("有疑问", q.as_str()),
            _ => ("已确认", ""),
        };
        assert_eq!((str_of(j, "check_state"), str_of(j, "question")), (state, question));
    }
}

#[test]
fn all_kinds_as_json_are_one_object_of_arrays() {
    let sb = Sandbox::new();
    let stored = fill(&mut sb.store());
    let all = sb.json(&[]);
    let keys: Vec<&str> = all.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(ids(array(&all["log_entries"])), stored.entries);
    assert_eq!(ids(array(&all["visits"])), stored.visits);
    assert_eq!(ids(array(&all["events"])), stored.events);
    assert_eq!(ids(array(&all["handovers"])), stored.handovers);
    // An empty range is empty arrays, not an error.
    let out = sb.run(&[
        "export",
        "--from",
        "2001-01-01",
        "--to",
        "2001-01-31",
        "--format",
        "json",
    ]);
    let empty: Value = serde_json::from_slice(&success(&out)).unwrap();
    assert!(
        empty.as_object().unwrap().values().all(|v| array(v).is_empty()),
        "{empty}"
    );
}

/// The keys `event list --json` adds to the record: what stands now (see `core::json::OpenEventJson`).
const EVENT_LIST_EXTRAS: [&str; 4] = ["clocks_now", "escalation_level", "pressing", "unverified"];

#[test]
fn the_command_line_json_and_the_export_write_the_same_object_for_the_same_record() {
    let sb = Sandbox::new();
    let stored = fill(&mut sb.store());
    let all = sb.json(&[]);
    let listed = |args: &[&str]| -> Value {
        let raw = String::from_utf8(success(&sb.run(args))).expect("UTF-8");
        for full in [ZHANG_ID, WANG_ID] {
            assert!(!raw.contains(full), "{args:?} printed a full ID number: {raw}");
        }
        serde_json::from_str(&raw).expect("the list printed JSON")
    };
    let cases = [
        (
            "log_entries",
            listed(&["log", "list", "--json", "--limit", "0"]),
            &stored.entries,
        ),
        (
            "visits",
            listed(&["visit", "list", "--json", "--limit", "0"]),
            &stored.visits,
        ),
        ("events", listed(&["event", "list", "--json"]), &stored.events),
        ("handovers", listed(&["handover", "list", "--json"]), &stored.handovers),
    ];
    for (kind, cli, stored_ids) in &cases {
        let exported = array(&all[kind]);
        assert_eq!(&ids(exported), *stored_ids, "{kind}");
        for record in exported {
            let id = record["id"].as_i64();
            let listed = array(cli)
                .iter()
                .find(|c| c["id"].as_i64() == id)
                .unwrap_or_else(|| panic!("{kind} {id:?} exported but not listed: {cli}"));
            let (record, listed) = (record.as_object().unwrap(), listed.as_object().unwrap());
            for (key, value) in record {
                assert_eq!(listed.get(key), Some(value), "{kind} {id:?}: “{key}” differs");
            }
            let mut only_listed: Vec<&str> = listed
                .keys()
                .filter(|k| !record.contains_key(*k))
                .map(String::as_str)
                .collect();
            only_listed.sort_unstable();
            let allowed: &[&str] = if *kind == "events" { &EVENT_LIST_EXTRAS } else { &[] };
            assert_eq!(
                only_listed, allowed,
                "{kind} {id:?}: keys the list has and the export does not"
            );
        }
    }
    // The records' parts came along, so the comparison above compared something.
    let entry = array(&cases[0].1)
        .iter()
        .find(|e| e["id"].as_i64() == Some(stored.entries[0]))
        .unwrap();
    assert_eq!(array(&entry["amendments"]).len(), 2);
    assert_eq!(array(&array(&cases[1].1)[1]["representatives"]).len(), 2);
    let event = &array(&cases[2].1)[0];
    assert_eq!(array(&event["reports"]).len(), 2);
    // Each recipient's clock says when it was reported to: the general duty office was, the
    // duty leader was not (a report stops only its recipient's clock).
    let clocks = array(&event["clocks"]);
    let upward = clocks.iter().find(|c| c["recipient"] == "上级总值班室").unwrap();
    assert_eq!(str_of(upward, "phone_reported_at"), "2026-11-23 03:40:00");
    assert_eq!(str_of(upward, "written_reported_at"), "2026-11-23 03:55:00");
    let leader = clocks.iter().find(|c| c["recipient"] == "带班领导").unwrap();
    assert!(leader["phone_reported_at"].is_null() && leader["written_due_at"].is_null());
    assert!(!array(&array(&cases[3].1)[0]["items"]).is_empty());
}

/// Reads a CSV file: asserts the BOM, parses the rest (first row the header).
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "the CSV must start with a UTF-8 BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..])
        .records()
        .map(|r| r.expect("a well-formed CSV record").iter().map(String::from).collect())
        .collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn csv_with_out_writes_one_private_file_per_kind_that_reads_back() {
    let sb = Sandbox::new();
    let mut s = sb.store();
    let stored = fill(&mut s);
    let dir = sb.path("导出");
    let dir_arg = dir.to_str().unwrap();
    let args = [
        "export",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-23",
        "--format",
        "csv",
        "--out",
        dir_arg,
    ];
    let out = sb.run(&args);
    let listed = String::from_utf8(success(&out)).unwrap();
    let files: Vec<PathBuf> = listed.lines().map(PathBuf::from).collect();
    assert_eq!(files.len(), 4, "{listed}");
    assert_eq!(mode(&dir), 0o700);
    for (kind, path) in RecordKind::ALL.iter().zip(&files) {
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("{}_2026-11-22_2026-11-23.csv", kind.label())
        );
        assert_eq!(mode(path), 0o600, "{}", path.display());
        let rows = read_csv(&std::fs::read(path).unwrap());
        assert_eq!(rows[0], kind.csv_header(), "{}", path.display());
        assert!(
            rows.iter().all(|r| r.len() == kind.csv_header().len()),
            "every row of {} has a cell per column",
            kind.label()
        );
        let expected = match kind {
            RecordKind::Log => stored.entries.len(),
            RecordKind::Visit => stored.visits.len(),
            RecordKind::Event => stored.events.len(),
            RecordKind::Handover => stored.handovers.len(),
        };
        assert_eq!(rows.len() - 1, expected, "{}", kind.label());
    }

    let log = read_csv(&std::fs::read(&files[0]).unwrap());
    let col = |name: &str| log[0].iter().position(|h| h == name).unwrap();
    assert_eq!(log[1][col("编号")], stored.entries[0].to_string());
    assert_eq!(
        log[1][col("内容")],
        TRICKY,
        "commas, quotes and the line break read back"
    );
    assert_eq!(log[1][col("状态")], "已办结");
    assert!(log[1][col("修改记录")].contains("更正“状态”：待办 → 已办结（原因：办结）"));
    assert!(log[1][col("领导批示")].contains("王五：立即组织抢险"));
    assert_eq!(
        log[2][col("内容")],
        "'=HYPERLINK(\"http://x\")",
        "a formula is shown, not run"
    );

    let visits = std::fs::read(&files[1]).unwrap();
    let text = String::from_utf8_lossy(&visits);
    assert!(!text.contains(ZHANG_ID) && !text.contains(WANG_ID), "{text}");
    let rows = read_csv(&visits);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][col("证件号码（遮掩）")], "1101**********002X");
    assert_eq!(rows[1][col("集体访")], "是");
    assert_eq!(
        rows[1][col("代表")],
        "张三 1101**********002X 13812345678\n王五（联络人） 5301**********1237"
    );

    // Run again: nothing is overwritten.
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let err = bad_input(&sb.run(&args));
    assert!(err.contains("已存在"), "{err}");
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn csv_of_one_kind_goes_to_stdout_with_its_bom() {
    let sb = Sandbox::new();
    let stored = fill(&mut sb.store());
    let out = sb.run(&[
        "export",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-23",
        "--format",
        "csv",
        "--kind",
        "紧急事件",
    ]);
    let rows = read_csv(&success(&out));
    assert_eq!(rows[0], RecordKind::Event.csv_header());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], stored.events[0].to_string());
    let reports = &rows[1][rows[0].iter().position(|h| h == "报告").unwrap()];
    assert_eq!(reports.lines().count(), 2, "one line per report: {reports}");
}

#[test]
fn export_refuses_bad_arguments_with_exit_2_and_creates_nothing() {
    let sb = Sandbox::new();
    let run = |extra: &[&str]| sb.run(&[&["export"], extra].concat());
    let err = bad_input(&run(&[
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-22",
        "--format",
        "json",
    ]));
    assert!(err.contains("--from（2026-11-23）晚于 --to（2026-11-22）"), "{err}");
    let err = bad_input(&run(&[
        "--from",
        "2026-02-30",
        "--to",
        "2026-03-01",
        "--format",
        "json",
    ]));
    assert!(err.contains("--from") && err.contains("YYYY-MM-DD"), "{err}");
    let err = bad_input(&run(&["--from", "2026-02-01", "--to", "三月", "--format", "json"]));
    assert!(err.contains("--to"), "{err}");
    let err = bad_input(&run(&[
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-01",
        "--format",
        "xlsx",
    ]));
    assert!(err.contains("csv、json"), "{err}");
    let err = bad_input(&run(&[
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-01",
        "--format",
        "json",
        "--kind",
        "信件",
    ]));
    assert!(err.contains("值班记录、来访、紧急事件、交接班、全部"), "{err}");
    let err = bad_input(&run(&["--from", "2026-02-01", "--to", "2026-03-01", "--format", "csv"]));
    assert!(err.contains("--out"), "{err}");
    bad_input(&run(&["--from", "2026-02-01", "--format", "json"]));
    assert!(!sb.db().exists(), "a refused export leaves no database behind");
    let not_dir = sb.path("文件");
    std::fs::write(&not_dir, "x").unwrap();
    let err = bad_input(&run(&[
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-01",
        "--format",
        "json",
        "--out",
        not_dir.to_str().unwrap(),
    ]));
    assert!(err.contains("不是目录"), "{err}");
}
