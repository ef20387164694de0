//! Issue 14, point 3: ID numbers only through the logged reveal. A database is seeded with valid
//! 18-digit 居民身份证 numbers (visitors, a returning one, a 信访 集体访 with its representatives,
//! a watch-list entry), then:
//!
//! - every screen and state is drawn at 80x24 and 120x40 and read for a full number — whole, in
//!   groups with spaces or separators, cut over two rows, or only its hidden middle — with one
//!   exception: the visit detail after `v`, which must show its visitor's number (and no other)
//!   and must have logged the reveal. The states are: a scripted tour of every tab, detail, form
//!   and overlay; every line of the go-to list (built from `core::screens`, so a new screen is
//!   drawn here without anyone remembering to add it); and a seeded walk of a thousand keys
//!   chosen from the key registry (`keymap::BINDINGS`) of whatever mode the app is in, so a new
//!   key or mode is walked into too. Every `Mode` must be reached (`mode_name` below has no
//!   wildcard: a new mode does not compile until it is named here);
//! - every command line verb and every option of it is run on the seeded database, including
//!   `export` in each format to a directory whose files are read, and every `--json`; stdout,
//!   stderr and the files are read the same way. The verbs and options are read from clap, so a
//!   new verb or option fails `every_verb_and_option_was_run` until a run of it is added there.
//!
//! A new screen: reached by the go-to list and the walk on its own; give its records and forms a
//! few lines in `tour`. A new mode: name it in `mode_name` and `MODES`. A new CLI verb or option:
//! a run in `every_verb_and_option_was_run`. A new file the app writes: read it like the
//! handover's Markdown at the end of `every_screen_and_state`.
//!
//! Where a number is typed by the officer (the lookup box, the ID field), the row they type in
//! shows what they type: that row is the one thing left out, in the states that say so.

mod cli_common;
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use clap::CommandFactory;
use cli_common::{Sandbox, stderr, stdout};
use common::Harness;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{App, goto_items};
use zhiban::core::handover::{Check, build_draft};
use zhiban::core::keymap::{BINDINGS, Key, KeyCode, Mode};
use zhiban::core::log::{LogField, RawValues, build_entry};
use zhiban::core::screens::ScreenId;
use zhiban::core::settings::Settings;
use zhiban::core::urgent::{EventDraft, Level, new_event, raised};
use zhiban::core::visit::{
    RepresentativeDraft, VisitDraft, VisitField, VisitId, WatchDraft, build_visit, build_watch_entry,
};
use zhiban::core::visit_screen::{VisitFormKey, alerts_for};
use zhiban::store::Store;
use zhiban::ui;

/// 张三, who came before (checked out) and is back (inside).
const ZHANG: &str = "110105196703150030";
/// 李红, inside; a woman (the 17th digit is even).
const LI: &str = "440306198509210047";
/// 刘大爷, a 信访 集体访 of 12 with three representatives.
const LIU: &str = "530102195207080015";
const REP_CHEN: &str = "530102196001010024";
const REP_ZHOU: &str = "530102196311150030";
const REP_WU: &str = "530102197002280047";
/// 钱伟, on the watch list with his number, and visiting.
const QIAN: &str = "32010619781212005X";
/// 孙立, a new card typed by the officer over a returning visitor's masked number.
const SUN_NEW: &str = "510107199304120070";
/// 钱七, registered from the command line, the number typed in groups.
const QIAN_QI: &str = "370202199006060062";
/// 钱七's number with one digit wrong (the check fails): what a typo looks like in a message.
const QIAN_QI_TYPO: &str = "370202199006060162";

const ZHANG_PIN: &str = "246813";
const LI_SI_PIN: &str = "135790";

/// Every number the tests store or type.
fn all_ids() -> Vec<&'static str> {
    vec![
        ZHANG,
        LI,
        LIU,
        REP_CHEN,
        REP_ZHOU,
        REP_WU,
        QIAN,
        SUN_NEW,
        QIAN_QI,
        QIAN_QI_TYPO,
    ]
}

fn settings() -> Settings {
    parse(DEFAULT_TOML, None).expect("the default config").settings
}

// ---------------------------------------------------------------------------------------------
// Reading text for a number
// ---------------------------------------------------------------------------------------------

/// The digits of `text`, half-width, everything else dropped: a number shown in groups, with
/// separators, or cut over two rows reads whole here.
fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        })
        .collect()
}

/// The ways `text` shows one of `ids`: the number whole (its digits in a row, whatever is between
/// them), or the ten digits a mask hides (shown apart from the mask, they complete it).
fn leaks(text: &str, ids: &[&str]) -> Vec<String> {
    let d = digits(text);
    let mut out = Vec::new();
    for id in ids {
        let whole = id.trim_end_matches('X');
        let middle = id.get(4..14).expect("18 characters");
        if d.contains(whole) {
            out.push(format!("{id} whole"));
        } else if d.contains(middle) {
            out.push(format!("{id}: the masked middle {middle}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The seeded database
// ---------------------------------------------------------------------------------------------

struct Seeded {
    zhang_first: VisitId,
    zhang_back: VisitId,
    li: VisitId,
    collective: VisitId,
    qian: VisitId,
}

fn visit(store: &mut Store, draft: &VisitDraft, at: NaiveDateTime) -> VisitId {
    let v = build_visit(draft, "张三", at, at.date()).unwrap_or_else(|e| panic!("{e:?}"));
    store.add_visit(&v).expect("save the visit")
}

fn person(name: &str, id: &str, purpose: &str) -> VisitDraft {
    VisitDraft {
        name: name.into(),
        id_type: "居民身份证".into(),
        id_number: id.into(),
        employer: "某某县住房和城乡建设局".into(),
        phone: "13900001111".into(),
        purpose: purpose.into(),
        host: "办公室".into(),
        ..VisitDraft::default()
    }
}

/// Visits, a watch-list entry, the alerts the app raises for them, log entries, an urgent event
/// and a signed handover, around `now` (everything before it).
fn seed(store: &mut Store, now: NaiveDateTime) -> Seeded {
    let settings = settings();
    let ago = |m: i64| now - Duration::minutes(m);
    let watch = build_watch_entry(
        &WatchDraft {
            name: "钱伟".into(),
            aliases: "钱老三".into(),
            id_number: QIAN.into(),
            reason: "王五主任交代：来访即报".into(),
        },
        "王五",
        ago(300),
    )
    .expect("a watch entry");
    store.add_watch(&watch).expect("save the watch entry");

    let zhang_first = visit(store, &person("张三", ZHANG, "商谈防汛物资调拨"), ago(200));
    store.checkout(zhang_first, "张三", ago(170)).expect("check out");
    let zhang_back = visit(store, &person("张三", ZHANG, "送防汛物资清单"), ago(60));
    let mut li = person("李红", LI, "联系工作");
    li.plate = "云A12345".into();
    li.companions = "司机一名".into();
    let li = visit(store, &li, ago(50));

    let group = VisitDraft {
        name: "刘大爷".into(),
        id_type: "居民身份证".into(),
        id_number: LIU.into(),
        phone: "13812345678".into(),
        purpose: "反映征地补偿款的事".into(),
        host: "信访科".into(),
        people_count: "12".into(),
        petition: true,
        petition_address: "城关镇河西村三组".into(),
        petition_matter: "征地补偿款未发放".into(),
        representatives: vec![
            RepresentativeDraft {
                name: "陈芳".into(),
                id_number: REP_CHEN.into(),
                phone: "13812340001".into(),
            },
            RepresentativeDraft {
                name: "周强".into(),
                id_number: REP_ZHOU.into(),
                phone: "13812340002".into(),
            },
            RepresentativeDraft {
                name: "吴敏".into(),
                id_number: REP_WU.into(),
                phone: String::new(),
            },
        ],
        liaison: Some(1),
        handling: "已请信访科王科长接待".into(),
        ..VisitDraft::default()
    };
    let built = build_visit(&group, "张三", ago(40), ago(40).date()).expect("a collective petition");
    let watch_list = store.watch_list().expect("the watch list");
    let alerts = alerts_for(&built, &watch_list, &settings, "张三", ago(40));
    let collective = store.add_visit(&built).expect("save the petition");
    for (entry, lines) in &alerts {
        store
            .insert_entry_raising(entry, Some(lines))
            .expect("the 集体访 alert");
    }

    let built = build_visit(&person("钱伟", QIAN, "咨询政策"), "张三", ago(30), ago(30).date()).expect("钱伟");
    let alerts = alerts_for(&built, &watch_list, &settings, "张三", ago(30));
    assert_eq!(alerts.len(), 1, "the watch list matches 钱伟");
    let qian = store.add_visit(&built).expect("save 钱伟");
    for (entry, lines) in &alerts {
        store.insert_entry_raising(entry, Some(lines)).expect("the watch alert");
    }

    for (unit, person, content, t) in [
        ("城关镇", "李站长", "河堤出现渗水，已组织人员巡查", 90),
        ("市水利局", "王科长", "请于今日十时前报送险情", 20),
    ] {
        let raw: RawValues = [
            (LogField::Kind, "来电"),
            (LogField::Unit, unit),
            (LogField::Person, person),
            (LogField::Content, content),
            (LogField::Triage, "请示"),
        ]
        .iter()
        .map(|(f, v)| (*f, (*v).to_string()))
        .collect();
        let entry = build_entry(&raw, "张三", ago(t)).expect("a call");
        let (id, _) = store.insert_entry(&entry).expect("save the call");
        // Handed out and followed in 督办 (its row names the unit and the call's content).
        store
            .add_tasks(&zhiban::core::instruction::NewTask {
                item: zhiban::core::instruction::ItemRef::Entry(id),
                instruction_id: None,
                assignees: vec![format!("{unit}值班室")],
                requirement: "核实后反馈".into(),
                due: now + Duration::hours(2),
                recorded_by: "张三".into(),
                recorded_at: ago(t),
            })
            .expect("a 交办");
    }
    store
        .add_notice(&zhiban::core::instruction::NewPhoneNotice {
            content: "明日九时召开防汛调度会".into(),
            meeting_at: Some(now + Duration::hours(20)),
            place: "县政府三楼会议室".into(),
            reply_needed: true,
            recipients: vec!["城关镇值班室".into(), "东风镇值班室".into()],
            recorded_by: "张三".into(),
            recorded_at: ago(10),
        })
        .expect("a 电话通知");
    // Issue 18's records: a fax forwarded, the directory, a 查岗 round, a holiday round.
    store
        .add_document(
            &zhiban::core::document::NewDocument {
                kind: zhiban::core::document::DocKind::Fax,
                secrecy: zhiban::core::document::Secrecy::Open,
                number: "市防指电〔2026〕12号".into(),
                title: "关于做好强降雨防范工作的紧急通知".into(),
                from: "市防汛办".into(),
                urgency: zhiban::core::document::Urgency::Immediate,
                copies: 1,
                pages: Some(3),
                received_at: ago(40),
                note: String::new(),
                clerk: String::new(),
                clerk_told_at: None,
                forward_to: vec!["王五".into()],
                recorded_by: "张三".into(),
                recorded_at: ago(40),
            },
            now,
        )
        .expect("a 收文");
    let contacts = zhiban::core::directory::parse_csv(
        "姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
         王五,县政府办公室,带班领导,0871-66660003,13900000003,0871-87654321,县领导,\n\
         城关镇值班室,城关镇,,0871-22220001,,,各乡镇值班室,\n\
         东风镇值班室,东风镇,,0871-22220002,,,各乡镇值班室,\n",
    )
    .expect("a directory");
    store
        .import_contacts(&contacts, "通讯录.csv", "张三", ago(60))
        .expect("import the directory");
    store
        .add_spotcheck(&zhiban::core::spotcheck::NewSpotCheck {
            group: "各乡镇值班室".into(),
            units: vec![
                ("城关镇值班室".into(), "0871-22220001".into()),
                ("东风镇值班室".into(), "0871-22220002".into()),
            ],
            started_by: "张三".into(),
            started_at: ago(30),
        })
        .expect("a 查岗 round");
    store
        .add_holiday_round(&zhiban::core::holiday::NewHolidayRound {
            holiday: "2026年国庆节".into(),
            due: now.date() + Duration::days(3),
            units: vec!["城关镇值班室".into(), "东风镇值班室".into()],
            created_by: "张三".into(),
            created_at: ago(20),
        })
        .expect("a holiday round");

    let mut draft = EventDraft::essentials(
        "自然灾害",
        Level::Major,
        ago(25),
        "李家集镇张庄村",
        "山体滑坡，两户房屋受损",
    );
    draft.received_at = Some(ago(15));
    let event = new_event(draft, &settings.urgent, "张三", ago(15)).expect("an event");
    store
        .insert_event(&event, &raised(ago(15), &settings.urgent.ladder))
        .expect("save the event");

    let state = store.open_state(ago(5)).expect("what is open");
    let mut draft = build_draft(&state, "张三", "李四", ago(600), ago(5));
    draft.summary = "当班处置河堤险情一起；集体访一批在楼".into();
    for item in &mut draft.items {
        item.check = Check::Confirmed;
    }
    store.sign_handover(&draft, &[], ago(5)).expect("sign the handover");

    Seeded {
        zhang_first,
        zhang_back,
        li,
        collective,
        qian,
    }
}

// ---------------------------------------------------------------------------------------------
// Screens
// ---------------------------------------------------------------------------------------------

/// The name each mode is reported under. No wildcard: a new mode does not compile until it is
/// named here; name it in [`MODES`] too, and `every_screen_and_state` fails until a state of it
/// is scanned.
fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Global => "Global",
        Mode::Picker => "Picker",
        Mode::List => "List",
        Mode::Detail => "Detail",
        Mode::Form => "Form",
        Mode::Confirm => "Confirm",
        Mode::Help => "Help",
        Mode::Urgent => "Urgent",
        Mode::Handover => "Handover",
        Mode::HandoverDraft => "HandoverDraft",
        Mode::HandoverDetail => "HandoverDetail",
        Mode::Roster => "Roster",
        Mode::Visitors => "Visitors",
        Mode::VisitLookup => "VisitLookup",
        Mode::VisitDetail => "VisitDetail",
        Mode::Watch => "Watch",
        Mode::Locked => "Locked",
        Mode::Search => "Search",
        Mode::Report => "Report",
        Mode::GoTo => "GoTo",
        Mode::SignIn => "SignIn",
        Mode::People => "People",
        Mode::Findings => "Findings",
        Mode::Tasks => "Tasks",
        Mode::Notices => "Notices",
        Mode::NoticeDetail => "NoticeDetail",
        Mode::Docs => "Docs",
        Mode::DocDetail => "DocDetail",
        Mode::Directory => "Directory",
        Mode::ContactDetail => "ContactDetail",
        Mode::SpotChecks => "SpotChecks",
        Mode::SpotCheckDetail => "SpotCheckDetail",
        Mode::Holidays => "Holidays",
        Mode::HolidayDetail => "HolidayDetail",
        Mode::Redact => "Redact",
        Mode::Stats => "Stats",
    }
}

/// Every mode a screen can be in (`Global` is not one: it is the keys every mode has).
const MODES: [Mode; 35] = [
    Mode::Stats,
    Mode::Redact,
    Mode::Docs,
    Mode::DocDetail,
    Mode::Directory,
    Mode::ContactDetail,
    Mode::SpotChecks,
    Mode::SpotCheckDetail,
    Mode::Holidays,
    Mode::HolidayDetail,
    Mode::Tasks,
    Mode::Notices,
    Mode::NoticeDetail,
    Mode::Findings,
    Mode::People,
    Mode::Picker,
    Mode::List,
    Mode::Detail,
    Mode::Form,
    Mode::Confirm,
    Mode::Help,
    Mode::Urgent,
    Mode::Handover,
    Mode::HandoverDraft,
    Mode::HandoverDetail,
    Mode::Roster,
    Mode::Visitors,
    Mode::VisitLookup,
    Mode::VisitDetail,
    Mode::Watch,
    Mode::Locked,
    Mode::Search,
    Mode::Report,
    Mode::GoTo,
    Mode::SignIn,
];

fn draw(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    terminal.draw(|f| ui::render(app, f)).expect("draw");
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                x += u16::try_from(sym.width().max(1)).expect("a cell width");
            }
            line
        })
        .collect()
}

/// The scanner: every state handed to it is drawn at both sizes and read.
struct Scan {
    ids: Vec<&'static str>,
    problems: Vec<String>,
    states: usize,
    modes: BTreeSet<&'static str>,
    screens: BTreeSet<ScreenId>,
    reveals_seen: usize,
}

impl Scan {
    fn new() -> Self {
        Self {
            ids: all_ids(),
            problems: Vec::new(),
            states: 0,
            modes: BTreeSet::new(),
            screens: BTreeSet::new(),
            reveals_seen: 0,
        }
    }

    /// Draws the app as it is and reads it. `typed`: a number the officer is typing, allowed on
    /// the rows that show it as typed.
    fn check(&mut self, name: &str, h: &Harness, typed: Option<&str>) {
        let app = &h.app;
        self.states += 1;
        self.modes.insert(mode_name(app.mode()));
        if app.operator.is_some() {
            self.screens.insert(app.screen);
        }
        // The one exception: a visit's detail after `v` by the officer at the keyboard, logged
        // (an overlay may sit on it; the lock screen hides it).
        let operator = app.operator.as_deref();
        let visits = &app.screens.visits;
        let revealed = match (visits.revealed_to(operator), &visits.detail) {
            (Some(full), Some(v)) if app.screen == ScreenId::Visitors && app.mode() != Mode::Locked => {
                let logged = h.store.reveals(v.id).expect("the reveal log");
                if !logged.iter().any(|r| Some(r.revealed_by.as_str()) == operator) {
                    self.problems.push(format!(
                        "{name}: {full} shown to {operator:?} for visit {} without their reveal row",
                        v.id
                    ));
                }
                assert_eq!(
                    full, v.fields.id_number,
                    "{name}: the reveal shows the visit's own number"
                );
                self.reveals_seen += 1;
                Some(full.to_string())
            }
            _ => None,
        };
        for (w, ht) in [(80, 24), (120, 40)] {
            let rows = draw(app, w, ht);
            let kept: Vec<&String> = rows.iter().filter(|r| typed.is_none_or(|t| !r.contains(t))).collect();
            let mut text = kept.iter().map(|r| r.as_str()).collect::<Vec<_>>().join("\n");
            if let Some(full) = &revealed {
                // Shown, unless an overlay covers it.
                assert!(
                    app.mode() != Mode::VisitDetail || text.contains(full.as_str()),
                    "{name} at {w}x{ht}: `v` shows the whole number:\n{}",
                    rows.join("\n")
                );
                text = text.replace(full.as_str(), "（已显示）");
            }
            for leak in leaks(&text, &self.ids) {
                self.problems
                    .push(format!("{name} at {w}x{ht} shows {leak}:\n{}", rows.join("\n")));
            }
        }
    }
}

fn focus(h: &mut Harness, f: VisitField) {
    if let Some((form, _)) = &mut h.app.screens.visits.form {
        form.focus_on(VisitFormKey::Visit(f));
    }
}

fn esc(h: &mut Harness) {
    h.key(Key::plain(KeyCode::Esc));
    if h.app.mode() == Mode::Confirm {
        h.key(Key::ch('y'));
    }
}

/// Back to the log list from anywhere the tour goes.
fn home(h: &mut Harness) {
    for _ in 0..6 {
        if h.app.mode() == Mode::List {
            return;
        }
        esc(h);
    }
    h.key(Key::ch('1'));
}

/// Opens the visit `id` on the 来访登记 tab (as a search hit does) and waits for it.
fn open_visit(h: &mut Harness, id: VisitId) {
    home(h);
    h.key(Key::ch('2'));
    if !h.app.screens.visits.show_all {
        h.key(Key::ch('a'));
    }
    let row = h
        .app
        .screens
        .visits
        .rows()
        .iter()
        .position(|v| v.id == id)
        .unwrap_or_else(|| panic!("visit {id} on 全部来访"));
    let n = h.app.screens.visits.rows().len();
    h.keys(KeyCode::Up, n);
    h.keys(KeyCode::Down, row);
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.mode(), Mode::VisitDetail);
    assert_eq!(h.app.screens.visits.detail.as_ref().map(|v| v.id), Some(id));
}

/// The scripted tour: every tab, list, detail, form and overlay, with the seeded records.
fn tour(h: &mut Harness, s: &Seeded, scan: &mut Scan) {
    scan.check("值班记录（告警条目在列）", h, None);
    h.key(Key::plain(KeyCode::Enter));
    scan.check("值班记录详情", h, None);
    for (key, name) in [
        ('e', "更正表单"),
        ('i', "批示表单"),
        ('s', "进展表单"),
        ('u', "转紧急事件表单"),
        ('x', "删除误录内容表单"),
    ] {
        h.key(Key::ch(key));
        scan.check(name, h, None);
        esc(h);
    }
    home(h);
    for k in ["?", ":"] {
        h.type_text(k);
        scan.check(&format!("{k} 叠加层"), h, None);
        h.key(Key::plain(KeyCode::PageDown));
        scan.check(&format!("{k} 叠加层（翻页）"), h, None);
        esc(h);
    }
    h.key(Key::ch('q'));
    scan.check("确认退出", h, None);
    h.key(Key::ch('n'));

    // 来访登记: the board, every visit, its detail, `v`, the watch list.
    h.key(Key::ch('2'));
    scan.check("在楼人员", h, None);
    h.key(Key::ch('a'));
    scan.check("全部来访", h, None);
    for id in [s.zhang_first, s.zhang_back, s.li, s.collective, s.qian] {
        open_visit(h, id);
        scan.check(&format!("第 {id} 号来访详情"), h, None);
    }
    for id in [s.zhang_back, s.collective] {
        open_visit(h, id);
        let before = h.store.reveals(id).expect("reveals").len();
        h.key(Key::ch('v'));
        assert_eq!(h.store.reveals(id).expect("reveals").len(), before + 1, "v is logged");
        scan.check(&format!("第 {id} 号来访详情（按 v 之后）"), h, None);
        h.key(Key::plain(KeyCode::Esc));
        h.key(Key::plain(KeyCode::Enter));
        scan.check(&format!("第 {id} 号来访详情（再次打开）"), h, None);
    }
    home(h);
    h.key(Key::ch('2'));
    h.key(Key::ch('w'));
    scan.check("关注名单", h, None);
    h.key(Key::ch('n'));
    scan.check("关注名单：新增", h, None);
    esc(h);
    esc(h);

    // The lookup and the form it fills.
    h.key(Key::ch('n'));
    scan.check("来访查找（空）", h, None);
    for q in ["zs", "0047", "刘", "qianwei"] {
        h.key(Key::ctrl('u'));
        h.type_text(q);
        scan.check(&format!("来访查找 {q}"), h, None);
    }
    h.key(Key::ctrl('u'));
    h.type_text(LI);
    scan.check("来访查找（输入完整号码）", h, Some(LI));
    h.key(Key::plain(KeyCode::Enter));
    assert_eq!(h.app.mode(), Mode::Form, "李红 found by her number");
    scan.check("重访表单（按号码找到）", h, None);
    for f in [
        VisitField::Name,
        VisitField::IdNumber,
        VisitField::Host,
        VisitField::Handling,
    ] {
        focus(h, f);
        scan.check(&format!("重访表单（焦点 {}）", f.label()), h, None);
    }
    focus(h, VisitField::Petition);
    h.key(Key::plain(KeyCode::Right));
    focus(h, VisitField::RepIdNumber(0));
    scan.check("重访表单（信访栏）", h, None);
    h.key(Key::plain(KeyCode::Left));
    focus(h, VisitField::Petition);
    h.key(Key::plain(KeyCode::Left));
    h.key(Key::ctrl('s'));
    scan.check("重访已保存", h, None);
    let saved = h.store.recent_visits(1).expect("the newest visit");
    assert_eq!(saved[0].fields.id_number, LI, "the prefilled number is saved whole");

    // A returning visitor with a new card: the officer types the new number.
    h.key(Key::ch('n'));
    h.type_text("zs");
    h.key(Key::plain(KeyCode::Enter));
    focus(h, VisitField::Name);
    h.key(Key::ctrl('u'));
    h.type_text("孙立");
    focus(h, VisitField::IdNumber);
    h.key(Key::ctrl('u'));
    h.type_text(SUN_NEW);
    scan.check("重访表单（重输号码）", h, Some(SUN_NEW));
    h.key(Key::ctrl('s'));
    scan.check("新号码已保存", h, None);
    let saved = h.store.recent_visits(1).expect("the newest visit");
    assert_eq!(saved[0].fields.id_number, SUN_NEW, "{:?}", h.app.message);
    h.key(Key::ch('n'));
    h.key(Key::ctrl('n'));
    scan.check("新来访表单（空）", h, None);
    esc(h);

    // 查询 and the daily report.
    home(h);
    h.key(Key::ch('5'));
    for q in ["张三", "0030", "刘大爷", "征地", "钱伟"] {
        h.key(Key::ctrl('u'));
        h.type_text(q);
        scan.check(&format!("查询 {q}"), h, None);
    }
    h.key(Key::ctrl('u'));
    h.type_text(ZHANG);
    scan.check("查询（输入完整号码）", h, Some(ZHANG));
    h.key(Key::ctrl('u'));
    h.type_text("张三");
    h.key(Key::plain(KeyCode::Enter));
    scan.check("查询结果打开的记录", h, None);
    home(h);
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    scan.check("值班日报", h, None);
    h.key(Key::plain(KeyCode::PageDown));
    scan.check("值班日报（翻页）", h, None);
    h.key(Key::plain(KeyCode::Left));
    scan.check("值班日报（上一期）", h, None);
    h.key(Key::ch('s'));
    scan.check("值班日报：标记已报送", h, None);
    h.key(Key::ctrl('s'));
    scan.check("值班日报（已报送）", h, None);
    home(h);

    // 交接班: the signed record, its Markdown file, a new draft and its forms; the roster.
    h.key(Key::ch('4'));
    scan.check("交接班", h, None);
    h.key(Key::plain(KeyCode::Enter));
    scan.check("交接班记录", h, None);
    h.key(Key::ch('w'));
    scan.check("交接班记录（已导出）", h, None);
    esc(h);
    h.key(Key::ch('n'));
    scan.check("交班单", h, None);
    h.key(Key::ch('e'));
    scan.check("交班单：填写", h, None);
    esc(h);
    for _ in 0..h.app.screens.handover.draft.as_ref().map_or(0, |d| d.items.len()) {
        h.key(Key::ch('y'));
    }
    h.key(Key::ctrl('s'));
    scan.check("交班单：签字", h, None);
    esc(h);
    esc(h);
    home(h);
    h.key(Key::ch('4'));
    h.key(Key::ch('s'));
    scan.check("统计", h, None);
    h.key(Key::ch('y'));
    scan.check("统计（按年）", h, None);
    home(h);
    h.key(Key::ch('4'));
    h.key(Key::ch('r'));
    scan.check("排班表", h, None);
    h.key(Key::ch('s'));
    scan.check("调班表单", h, None);
    home(h);

    // 紧急事项 and its forms; the lock screen.
    h.key(Key::ch('3'));
    scan.check("紧急事项", h, None);
    for (key, name) in [('n', "紧急事件表单"), ('p', "报送表单"), ('o', "电话结果表单")] {
        h.key(Key::ch(key));
        scan.check(name, h, None);
        esc(h);
    }
    h.key(Key::ctrl('l'));
    scan.check("锁屏（有告警）", h, None);
    h.type_text(ZHANG_PIN);
    h.key(Key::plain(KeyCode::Enter));
    assert_ne!(h.app.mode(), Mode::Locked, "张三 unlocks");

    // A revealed number is for the officer who pressed `v`, while the detail stays open.
    open_visit(h, s.li);
    h.key(Key::ch('v'));
    assert_eq!(h.app.screens.visits.revealed_to(Some("张三")), Some(LI));
    scan.check("李红详情（按 v 之后）", h, None);
    h.key(Key::ch('?'));
    scan.check("李红详情（按 v 之后，帮助叠加）", h, None);
    esc(h);
    for (to, downs) in [(ScreenId::Urgent, 2), (ScreenId::Visitors, 1)] {
        h.key(Key::ctrl('g'));
        h.keys(KeyCode::Down, downs);
        h.key(Key::plain(KeyCode::Enter));
        assert_eq!(h.app.screen, to);
    }
    assert_eq!(h.app.mode(), Mode::VisitDetail, "the detail is still open");
    assert_eq!(
        h.app.screens.visits.revealed_to(Some("张三")),
        None,
        "masked again on coming back"
    );
    scan.check("李红详情（回到来访登记）", h, None);
    h.key(Key::ch('v'));
    h.key(Key::ctrl('l'));
    scan.check("锁屏（详情已显示号码）", h, None);
    // 李四 takes over at the lock screen: he sees it masked until his own `v`.
    h.key(Key::plain(KeyCode::Tab));
    assert!(h.text().contains("换人：请 李四"), "{}", h.text());
    h.type_text(LI_SI_PIN);
    h.key(Key::plain(KeyCode::Enter));
    let screen = h.text();
    assert_eq!(h.app.operator.as_deref(), Some("李四"), "{screen}");
    assert_eq!(h.app.screens.visits.revealed_to(Some("李四")), None);
    scan.check("换人后的李红详情", h, None);
    h.key(Key::ch('v'));
    assert!(
        h.store
            .reveals(s.li)
            .expect("reveals")
            .iter()
            .any(|r| r.revealed_by == "李四"),
        "李四's own look is logged"
    );
    scan.check("换人后的李红详情（李四按 v）", h, None);
    h.key(Key::ctrl('l'));
    scan.check("锁屏（最后）", h, None);
}

/// Every line of the go-to list: each screen of the registry, and each view it lists.
fn every_goto_line(h: &mut Harness, scan: &mut Scan) {
    for (i, item) in goto_items().iter().enumerate() {
        home(h);
        h.key(Key::ch(':'));
        h.keys(KeyCode::Down, i);
        h.key(Key::plain(KeyCode::Enter));
        scan.check(&format!("转到 {}", item.label), h, None);
        if let Some(screen) = ScreenId::ALL.iter().find(|s| s.label() == item.label) {
            assert_eq!(h.app.screen, *screen, "the go-to line {} opens its screen", item.label);
        }
        if matches!(
            h.app.screen,
            ScreenId::Notices | ScreenId::Documents | ScreenId::Directory | ScreenId::SpotChecks | ScreenId::Holidays
        ) {
            // The first record opened: a notice's recipients, a document's forwards, a contact
            // (and its 宅电 shown), a round's rooms or units.
            h.key(Key::plain(KeyCode::Enter));
            scan.check(&format!("{}：第一项打开", item.label), h, None);
            if h.app.screen == ScreenId::Directory {
                h.key(Key::ch('v'));
                scan.check("通讯录：显示宅电", h, None);
            }
            h.key(Key::plain(KeyCode::Esc));
        }
    }
    home(h);
}

/// A seeded walk over the key registry: at each step a key bound in the mode the app is in (or,
/// where text is typed, a word), and the screen read. Quitting and locking are left out (a lock
/// that happens anyway is read and unlocked).
fn walk(h: &mut Harness, scan: &mut Scan, steps: usize) {
    const WORDS: [&str; 10] = [
        "张三",
        "zs",
        "0030",
        "刘",
        "征地",
        "13900001111",
        "信访",
        "2026",
        "1",
        "李红",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % u64::try_from(n.max(1)).expect("n")).expect("index")
    };
    for step in 0..steps {
        let mode = h.app.mode();
        let typing = matches!(mode, Mode::Form | Mode::VisitLookup | Mode::Search | Mode::Directory);
        if typing && next(3) == 0 {
            h.type_text(WORDS[next(WORDS.len())]);
        } else if mode == Mode::Form && next(8) == 0 {
            // Forms have many keys and one way out: leave now and then, or the walk stays in one.
            h.key(Key::plain(KeyCode::Esc));
        } else {
            // A binding of this mode (or a global one), then one of its keys.
            let bindings: Vec<&zhiban::core::keymap::Binding> = BINDINGS
                .iter()
                .filter(|b| b.mode == mode || b.mode == Mode::Global)
                .filter(|b| {
                    !matches!(
                        b.action,
                        zhiban::core::keymap::Action::Quit | zhiban::core::keymap::Action::Lock
                    )
                })
                .collect();
            match bindings.get(next(bindings.len())) {
                Some(b) => h.key(b.keys[next(b.keys.len())]),
                None => h.key(Key::plain(KeyCode::Esc)),
            }
            h.pause();
        }
        assert!(!h.app.quit, "the walk quit at step {step}");
        if h.app.mode() == Mode::Locked {
            // Read locked, then unlocked by whoever is at the keyboard (both have PINs).
            scan.check(&format!("随机按键第 {step} 步（锁屏）"), h, None);
            let pin = if h.app.operator.as_deref() == Some("张三") {
                ZHANG_PIN
            } else {
                LI_SI_PIN
            };
            h.type_text(pin);
            h.key(Key::plain(KeyCode::Enter));
        }
        scan.check(&format!("随机按键第 {step} 步（{}）", mode_name(h.app.mode())), h, None);
        if step % 50 == 49 {
            h.tick_to(h.clock + Duration::seconds(3));
        }
    }
}

#[test]
fn every_screen_and_state() {
    let mut scan = Scan::new();

    // Before anyone signs in: the picker and the sign-in box (no records on them, read anyway).
    let mut picker = Harness::new(80, 24, None);
    seed(&mut picker.store, picker.clock - Duration::minutes(1));
    scan.check("操作员选择", &picker, None);
    picker.key(Key::plain(KeyCode::Enter));
    scan.check("登录", &picker, None);

    let mut h = Harness::new(80, 24, Some("张三"));
    let seeded = seed(&mut h.store, h.clock - Duration::minutes(1));
    for (name, pin) in [("张三", ZHANG_PIN), ("李四", LI_SI_PIN)] {
        let hash = zhiban::pin::hash(pin).expect("a PIN hash");
        h.store.set_pin(name, &hash, h.clock).expect("set the PIN");
    }
    // The app opens on the seeded file (written through its own connection, which another
    // terminal's writes would have announced).
    let clock = h.clock;
    let mut h = h.restart(clock);
    let to = h.clock + Duration::seconds(3);
    h.tick_to(to);
    tour(&mut h, &seeded, &mut scan);
    // The lock screen needs a PIN to leave: the rest goes on in a fresh app on the same file.
    let mut h = h.restart(to + Duration::seconds(1));
    h.tick_to(h.clock + Duration::seconds(3));
    every_goto_line(&mut h, &mut scan);
    walk(&mut h, &mut scan, 1000);

    // The files the app wrote (the handover's Markdown), read the same way.
    let mut files = 0;
    for entry in std::fs::read_dir(h.dir.path()).expect("the data directory") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            files += 1;
            let text = std::fs::read_to_string(&path).expect("the Markdown");
            for leak in leaks(&text, &scan.ids) {
                scan.problems.push(format!("{} shows {leak}:\n{text}", path.display()));
            }
        }
    }
    assert!(files >= 1, "the handover was written as Markdown");

    let missing: Vec<&str> = MODES
        .iter()
        .map(|m| mode_name(*m))
        .filter(|m| !scan.modes.contains(m))
        .collect();
    assert!(
        missing.is_empty(),
        "modes never scanned: {missing:?} — bring the app into them in `tour` (tests/id_scan.rs)"
    );
    for s in ScreenId::ALL {
        assert!(scan.screens.contains(s), "screen {s:?} never scanned");
    }
    assert!(scan.reveals_seen >= 5, "the `v` states were scanned");
    assert!(
        scan.problems.is_empty(),
        "{} of {} states show a full ID number:\n\n{}",
        scan.problems.len(),
        scan.states,
        scan.problems.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

/// Every leaf command (its words, `""` for the bare app) with its options, read from clap.
fn verbs() -> BTreeMap<String, BTreeSet<String>> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
        let options: BTreeSet<String> = cmd
            .get_arguments()
            .filter_map(clap::Arg::get_long)
            .filter(|l| !["help", "version", "db", "config"].contains(l))
            .map(str::to_string)
            .collect();
        let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| s.get_name() != "help").collect();
        if subs.is_empty() || !cmd.is_subcommand_required_set() {
            out.insert(path.to_string(), options);
        }
        for sub in subs {
            let p = if path.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{path} {}", sub.get_name())
            };
            walk(sub, &p, out);
        }
    }
    let mut out = BTreeMap::new();
    walk(&zhiban::cli::Cli::command(), "", &mut out);
    out
}

/// What the command line printed and wrote, and which verbs and options were run.
struct Runs<'a> {
    sandbox: &'a Sandbox,
    verbs: BTreeMap<String, BTreeSet<String>>,
    ran: BTreeMap<String, BTreeSet<String>>,
    problems: Vec<String>,
}

impl Runs<'_> {
    /// Runs `zhiban ARGS` (with `stdin` for a PIN), reads stdout and stderr, checks the exit.
    fn run(&mut self, args: &[&str], stdin: Option<&str>, ok: bool) -> String {
        let out = match stdin {
            Some(input) => self.sandbox.run_with_stdin(args, input),
            None => self.sandbox.run(args),
        };
        let (o, e) = (stdout(&out), stderr(&out));
        assert_eq!(
            out.status.success(),
            ok,
            "zhiban {}\nstdout: {o}\nstderr: {e}",
            args.join(" ")
        );
        let words: Vec<&str> = args.iter().take_while(|a| !a.starts_with('-')).copied().collect();
        let verb = (0..=words.len())
            .rev()
            .map(|n| words[..n].join(" "))
            .find(|v| self.verbs.contains_key(v))
            .expect("a known verb");
        let options = self.ran.entry(verb).or_default();
        for a in args.iter().filter_map(|a| a.strip_prefix("--")) {
            options.insert(a.split('=').next().unwrap_or(a).to_string());
        }
        for (what, text) in [("stdout", &o), ("stderr", &e)] {
            for leak in leaks(text, &all_ids()) {
                self.problems
                    .push(format!("zhiban {} ({what}) shows {leak}:\n{text}", args.join(" ")));
            }
        }
        o
    }

    /// Reads every file under `dir` (an export's output).
    fn read_files(&mut self, dir: &Path, what: &str) -> usize {
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("a text file");
            n += 1;
            for leak in leaks(&text, &all_ids()) {
                self.problems
                    .push(format!("{what}: {} shows {leak}:\n{text}", path.display()));
            }
        }
        n
    }
}

/// The runs. A new verb or option: add its run here (`every_verb_and_option_was_run` names it).
#[test]
fn every_verb_and_option_was_run() {
    let sb = Sandbox::new();
    let real_now = chrono::Local::now().naive_local();
    let now = (real_now - Duration::minutes(2)).with_nanosecond(0).expect("a time");
    std::fs::create_dir_all(sb.db().parent().expect("db dir")).expect("db dir");
    let seeded = {
        let mut store = Store::open(&sb.db()).expect("the sandbox database");
        seed(&mut store, now)
    };
    let mut r = Runs {
        sandbox: &sb,
        verbs: verbs(),
        ran: BTreeMap::new(),
        problems: Vec::new(),
    };
    let day = |d: i64| (real_now + Duration::days(d)).format("%Y-%m-%d").to_string();
    let minute = |m: i64| (real_now - Duration::minutes(m)).format("%Y-%m-%d %H:%M").to_string();
    let (yesterday, today, tomorrow) = (day(-1), day(0), day(1));

    // PINs for --operator and the pin verbs.
    r.run(&["pin", "set", "王五"], Some("135790\n135790\n"), true);
    r.run(
        &["pin", "set", "张三", "--by", "王五"],
        Some("135790\n246813\n246813\n"),
        true,
    );
    r.run(&["pin", "reset", "李四", "--by", "王五"], Some("135790\n"), true);
    let pin = Some("246813\n");

    r.run(&["config", "check"], None, true);
    r.run(&["config", "default"], None, true);
    r.run(&["verify"], None, true);

    // 来访.
    let qian_qi_typed = "370202 19900606 0062";
    assert_eq!(qian_qi_typed.replace(' ', ""), QIAN_QI);
    let added = r.run(
        &[
            "visit",
            "add",
            "--name",
            "钱七",
            "--id-type",
            "身份证",
            "--id-number",
            qian_qi_typed,
            "--phone",
            "13700000000",
            "--purpose",
            "联系工作",
            "--host",
            "办公室",
            "--people",
            "2",
            "--employer",
            "某某公司",
            "--plate",
            "云A54321",
            "--gender",
            "女",
            "--time",
            &minute(3),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let qian_qi: i64 = added.trim().parse().expect("the new visit's number");
    // A returning visitor and a watch-list match: said on stderr.
    r.run(
        &[
            "visit",
            "add",
            "--name",
            "钱伟",
            "--id-type",
            "居民身份证",
            "--id-number",
            QIAN,
            "--phone",
            "",
            "--purpose",
            "咨询",
            "--host",
            "办公室",
        ],
        None,
        true,
    );
    // A number given where it does not belong, or mistyped: the messages repeat what was given.
    let base = [
        "visit",
        "add",
        "--name",
        "钱七",
        "--id-type",
        "身份证",
        "--phone",
        "",
        "--purpose",
        "联系工作",
    ];
    for (option, value) in [
        ("--people", QIAN_QI),
        ("--phone", QIAN_QI),
        ("--host", QIAN_QI),
        ("--time", QIAN_QI),
        ("--gender", qian_qi_typed),
        ("--plate", QIAN_QI),
    ] {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["--id-number", QIAN_QI_TYPO]);
        if option != "--host" {
            args.extend(["--host", "办公室"]);
        }
        if option == "--phone" {
            args.retain(|a| *a != "--phone" && !a.is_empty());
        }
        args.extend([option, value]);
        r.run(&args, None, false);
    }
    r.run(
        &[
            "visit",
            "add",
            "--name",
            "钱七",
            "--id-type",
            QIAN_QI,
            "--id-number",
            QIAN_QI,
            "--phone",
            "",
            "--purpose",
            "x",
            "--host",
            "办公室",
        ],
        None,
        false,
    );
    r.run(&["visit", "list", QIAN_QI], None, false);
    r.run(&["visit", "list", "--limit", &format!("{QIAN_QI}X")], None, false);
    r.run(&["visit", "list"], None, true);
    r.run(&["visit", "list", "--json"], None, true);
    r.run(&["visit", "list", "--inside"], None, true);
    r.run(&["visit", "list", "--inside", "--json", "--limit", "2"], None, true);
    r.run(&["visit", "list", "--limit", "0"], None, true);
    r.run(
        &["visit", "checkout", &qian_qi.to_string(), "--operator", "张三"],
        pin,
        true,
    );
    r.run(&["visit", "checkout", &qian_qi.to_string()], None, false);
    r.run(&["visit", "checkout", &seeded.li.to_string()], None, true);
    r.run(&["visit", "checkout", "99999"], None, false);
    // The printed forms: every number masked on paper too, in both layouts.
    for id in [
        seeded.zhang_first,
        seeded.zhang_back,
        seeded.collective,
        seeded.qian,
        qian_qi,
    ] {
        r.run(&["visit", "print", &id.to_string()], None, true);
        r.run(&["visit", "print", &id.to_string(), "--format", "text"], None, true);
    }
    r.run(&["visit", "print", "99999"], None, false);

    // 值班记录 and 紧急事件.
    r.run(
        &[
            "log",
            "add",
            "--kind",
            "去电",
            "--unit",
            "市水利局",
            "--caller",
            "王科长",
            "--phone",
            "0871-63123456",
            "--content",
            "已报送险情",
            "--triage",
            "一般",
            "--time",
            &minute(2),
            "--category",
            "防汛抗旱",
            "--read-back",
            "yes",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &["log", "add", "--kind", "来电", "--content", "x", "--time", QIAN_QI],
        None,
        false,
    );
    let abroad = r.run(
        &[
            "log",
            "add",
            "--kind",
            "来电",
            "--unit",
            "某境外机构",
            "--content",
            "询问情况",
            "--abroad",
        ],
        None,
        true,
    );
    let abroad = abroad.trim().to_string();
    r.run(
        &[
            "log",
            "add",
            "--kind",
            "来电",
            "--unit",
            "市委机要局",
            "--withheld",
            "密件，已告知机要员",
        ],
        None,
        true,
    );

    // 请示—批示—交办—督办—反馈 and 电话通知 (free texts are kept verbatim, like an entry's content: an
    // ID number belongs in a visit's ID field; one typed where a name goes is masked in the refusal).
    let ins = r.run(
        &[
            "instruct",
            "add",
            &abroad,
            "--leader",
            "副县长 李某",
            "--text",
            "同意，请县应急局派员到场",
            "--via",
            "电话",
            "--time",
            &minute(1),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let ins = ins.trim().to_string();
    r.run(
        &[
            "task",
            "add",
            &ins,
            "--to",
            "县应急局、城关镇",
            "--due",
            "2099-01-01 09:00",
            "--requirement",
            "到场核实",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let direct = r.run(
        &[
            "task",
            "add",
            "--entry",
            &abroad,
            "--to",
            "县公安局",
            "--due",
            "2099-01-02 09:00",
        ],
        None,
        true,
    );
    let direct = direct.trim().to_string();
    r.run(&["task", "list"], None, true);
    r.run(&["task", "list", "--overdue", "--json"], None, true);
    r.run(
        &[
            "task",
            "feedback",
            &direct,
            "--text",
            "已办结",
            "--by",
            "刘科长",
            "--done",
            "--time",
            &minute(1),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let notice = r.run(
        &[
            "notice",
            "add",
            "--text",
            "明日九时开会",
            "--to",
            "城关镇值班室、东风镇值班室",
            "--meeting",
            "2099-01-01 09:00",
            "--place",
            "县政府三楼会议室",
            "--reply",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let notice = notice.trim().to_string();
    r.run(
        &[
            "notice",
            "mark",
            &notice,
            "1",
            "--outcome",
            "已通知",
            "--taker",
            "王干事",
            "--no-read-back",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &["notice", "mark", &notice, QIAN_QI, "--outcome", "已通知"],
        None,
        false,
    );
    r.run(&["notice", "list"], None, true);
    r.run(&["notice", "list", "--json"], None, true);

    // 收文登记, 通讯录 and 查岗 (issue 18). A number typed where a document's number or a name goes
    // is said back masked.
    let fax = r.run(
        &[
            "doc",
            "add",
            "--kind",
            "传真",
            "--number",
            "市防指电〔2026〕12号",
            "--title",
            "关于做好强降雨防范工作的紧急通知",
            "--from",
            "市防汛办",
            "--urgency",
            "特急",
            "--copies",
            "2",
            "--pages",
            "3",
            "--received",
            &minute(5),
            "--note",
            "电话确认",
            "--forward",
            "王局长",
            "--json",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let fax: serde_json::Value = serde_json::from_str(&fax).expect("the document's JSON");
    let doc = format!("{}-{}", fax["year"], fax["serial"]);
    r.run(
        &[
            "doc",
            "add",
            "--secret",
            "机密",
            "--from",
            "市委办",
            "--received",
            &minute(5),
            "--clerk",
            "李机要",
            "--clerk-told",
            &minute(4),
        ],
        None,
        true,
    );
    r.run(
        &[
            "doc",
            "add",
            "--secret",
            "机密",
            "--from",
            "市委办",
            "--title",
            QIAN_QI,
            "--clerk",
            "李机要",
        ],
        None,
        false,
    );
    r.run(
        &[
            "doc",
            "forward",
            &doc,
            "--to",
            "李科长、张主任",
            "--purpose",
            "阅示",
            "--at",
            &minute(3),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(&["doc", "sign", &doc, "--by", "王局长"], None, false);
    r.run(&["doc", "sign", QIAN_QI, "--by", "王局长"], None, false);
    r.run(
        &[
            "doc",
            "sign",
            &doc,
            "--by",
            "王局长",
            "--forward",
            "王局长",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &[
            "doc",
            "sign",
            &doc,
            "--by",
            "李科长",
            "--forward",
            "李科长",
            "--at",
            &minute(1),
        ],
        None,
        true,
    );
    r.run(&["doc", "list"], None, true);
    r.run(
        &[
            "doc",
            "list",
            "--from",
            &yesterday,
            "--to",
            &tomorrow,
            "--unsigned",
            "--json",
        ],
        None,
        true,
    );
    let contacts = sb.file(
        "contacts.csv",
        "姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
         王局长,县应急局,局长,0871-12345678,13800000001,0871-87654321,县领导,\n\
         城关镇值班室,城关镇,,0871-22223333,,,各乡镇值班室,\n\
         东风镇值班室,东风镇,,0871-22224444,,,各乡镇值班室,\n",
    );
    r.run(
        &[
            "contacts",
            "import",
            contacts.to_str().expect("a path"),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(&["contacts", "list"], None, true);
    r.run(&["contacts", "list", "--find", QIAN_QI], None, true);
    r.run(
        &["contacts", "list", "--group", "各乡镇值班室", "--find", "cgz", "--json"],
        None,
        true,
    );
    r.run(&["contacts", "export"], None, true);
    r.run(&["contacts", "export", "--with-home", "--operator", "张三"], pin, true);
    let round = r.run(
        &[
            "spotcheck",
            "add",
            "--group",
            "各乡镇值班室",
            "--at",
            &minute(3),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let round = round.lines().next().expect("the round's number").trim().to_string();
    r.run(&["spotcheck", "add", "--units", "城关镇值班室、某村委会"], None, true);
    r.run(
        &[
            "spotcheck",
            "call",
            &round,
            "1",
            "--outcome",
            "非值班人员接听",
            "--answerer",
            "门卫",
            "--note",
            "值班员外出",
            "--at",
            &minute(2),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &["spotcheck", "call", &round, QIAN_QI, "--outcome", "在岗"],
        None,
        false,
    );
    r.run(&["spotcheck", "list"], None, true);
    r.run(
        &["spotcheck", "list", "--from", &yesterday, "--to", &tomorrow, "--json"],
        None,
        true,
    );
    r.run(&["log", "list"], None, true);
    for id in 1..=7 {
        r.run(&["log", "print", &id.to_string(), "--format", "text"], None, true);
        r.run(&["log", "print", &id.to_string()], None, true);
    }
    r.run(&["log", "print", "1", "--format", "pdf"], None, false);
    r.run(
        &["log", "list", "--json", "--since", &minute(600), "--limit", "0"],
        None,
        true,
    );
    let event = r.run(
        &[
            "event",
            "add",
            "--category",
            "事故灾难",
            "--level",
            "一般",
            "--occurred",
            &minute(10),
            "--received",
            &minute(5),
            "--place",
            "城关镇",
            "--summary",
            "货车侧翻",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    let event = event.trim().to_string();
    r.run(&["event", "list"], None, true);
    r.run(&["event", "list", "--json"], None, true);
    r.run(&["event", "ack", &event], None, true);
    r.run(&["event", "ack", &event, "--operator", "张三"], pin, true);
    // The level is never assumed.
    r.run(
        &[
            "event",
            "add",
            "--category",
            "事故灾难",
            "--place",
            "城关镇",
            "--summary",
            "货车侧翻",
        ],
        None,
        false,
    );
    let second = r.run(
        &[
            "event",
            "add",
            "--category",
            "事故灾难",
            "--level",
            "较大",
            "--summary",
            "危化品车辆侧翻",
            "--also",
            "县应急局:30/60",
        ],
        None,
        true,
    );
    let second = second.trim().to_string();
    r.run(
        &[
            "event",
            "report",
            &second,
            "--kind",
            "初报",
            "--method",
            "电话",
            "--to",
            "带班领导",
            "--signer",
            "王五",
            "--text",
            "危化品车辆侧翻，伤亡待核实",
            "--sent",
            &minute(1),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &[
            "event",
            "report",
            &second,
            "--kind",
            "初报",
            "--method",
            "书面",
            "--to",
            "上级总值班室",
            "--signer",
            "王五",
            "--text",
            "危化品车辆侧翻，伤亡待核实",
        ],
        None,
        true,
    );
    // Not one of the event's recipients: refused.
    r.run(
        &[
            "event",
            "report",
            &second,
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
        ],
        None,
        false,
    );
    r.run(
        &[
            "event",
            "update",
            &second,
            "--reason",
            "县应急局续报",
            "--casualties",
            "1,,7",
            "--place",
            "城关镇东",
            "--measures",
            "已封闭道路",
            "--trend",
            "已控制",
            "--contact",
            "刘科长 13800000009",
            "--unverified",
            "失踪人数",
            "--occurred",
            &minute(30),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(&["event", "update", &second, "--casualties", "1,0,7"], None, false);
    r.run(
        &[
            "event",
            "regrade",
            &second,
            "--level",
            "重大",
            "--reason",
            "死亡人数上升",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(
        &[
            "event",
            "add-recipient",
            &second,
            "--to",
            "信访部门",
            "--limits",
            "30",
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(&["event", "show", &second], None, true);
    r.run(&["event", "show", &second, "--json"], None, true);
    r.run(&["event", "print", &second, "1"], None, true);
    r.run(&["event", "print", &second, "2", "--format", "text"], None, true);
    r.run(&["event", "print", &second, "9"], None, false);
    r.run(&["event", "list", "--all"], None, true);

    // 排班, 交接班, 日报.
    let month = real_now.format("%Y-%m").to_string();
    let csv = sb.file(
        "roster.csv",
        &format!(
            "开始,结束,带班领导,主班,副班\n{tomorrow} 08:30,{} 08:30,赵六,李四,\n",
            day(2)
        ),
    );
    r.run(
        &["roster", "import", csv.to_str().expect("a path"), "--operator", "张三"],
        pin,
        true,
    );
    r.run(&["roster", "show"], None, true);
    r.run(&["roster", "show", "--month", &month, "--json"], None, true);
    // Running the roster: next month drafted (from a CSV with other staff, then from the
    // rotation), approved by 王五's PIN, published; 到岗; 补休.
    let next = (real_now.date().with_day(1).expect("the 1st") + Duration::days(32))
        .format("%Y-%m")
        .to_string();
    let staffed = sb.file(
        "next.csv",
        &format!("开始,结束,带班领导,主班,副班,其他值班人员\n{next}-01 08:30,{next}-02 08:30,赵六,李四,,张三\n"),
    );
    r.run(
        &[
            "roster",
            "draft",
            "--month",
            &next,
            "--csv",
            staffed.to_str().expect("a path"),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    r.run(&["roster", "draft", "--month", &next], None, true);
    r.run(&["roster", "plan", "--month", &next], None, true);
    r.run(&["roster", "plan", "--month", &next, "--csv"], None, true);
    r.run(
        &["roster", "publish", "--month", &next, "--operator", "张三"],
        pin,
        false,
    );
    r.run(
        &["roster", "approve", "--month", &next, "--operator", "王五"],
        Some("135790\n"),
        true,
    );
    r.run(
        &["roster", "publish", "--month", &next, "--operator", "张三"],
        pin,
        true,
    );
    // A rotation of 张三 alone: he is on whatever the clock says (tomorrow's import is 李四's).
    let only_zhang = sb.file(
        "only-zhang.toml",
        "[roster]\nfirst_day = \"2026-11-01\"\nshift_starts = [\"08:30\"]\nleaders = [\"王五\"]\nprimaries = [\"张三\"]\n",
    );
    let only_zhang = only_zhang.to_str().expect("a path");
    r.run(
        &["roster", "signon", "--operator", "张三", "--config", only_zhang],
        pin,
        true,
    );
    r.run(
        &["roster", "signon", "--operator", "张三", "--config", only_zhang],
        pin,
        false,
    );
    r.run(
        &[
            "roster",
            "comp-take",
            "张三",
            "--day",
            &today,
            "--days",
            "0.5",
            "--note",
            "国庆值班补休",
            "--operator",
            "王五",
        ],
        Some("135790\n"),
        true,
    );
    r.run(
        &[
            "roster",
            "comp-take",
            "张三",
            "--day",
            &today,
            "--days",
            "0.3",
            "--operator",
            "王五",
        ],
        Some("135790\n"),
        false,
    );
    r.run(&["roster", "comp"], None, true);
    r.run(&["roster", "comp", "--year", "2026"], None, true);
    r.run(&["handover", "list"], None, true);
    r.run(&["handover", "list", "--json"], None, true);
    r.run(&["handover", "print", "1"], None, true);
    // 统计 of this month and this year (the visits seeded above, their numbers never shown).
    r.run(&["stats", "--month", &month], None, true);
    let year = real_now.format("%Y").to_string();
    for format in ["text", "md", "csv", "a4"] {
        r.run(&["stats", "--year", &year, "--format", format], None, true);
    }
    r.run(&["report", "daily"], None, true);
    r.run(&["report", "daily", "--date", &today], None, true);
    // The period in progress holds what was seeded a minute ago (a dated one may not have begun).
    for format in ["text", "md", "csv"] {
        r.run(&["report", "daily", "--until-now", "--format", format], None, true);
    }
    r.run(
        &[
            "report",
            "mark-sent",
            &today,
            "--to",
            "上级总值班室",
            "--method",
            "传真",
            "--signer",
            "王五",
            "--time",
            &minute(1),
            "--operator",
            "张三",
        ],
        pin,
        true,
    );
    // A number typed where it does not belong: the messages and the record's line mask it.
    r.run(
        &[
            "report",
            "mark-sent",
            &today,
            "--to",
            QIAN_QI,
            "--method",
            QIAN_QI,
            "--signer",
            "王五",
        ],
        None,
        false,
    );
    r.run(
        &[
            "report",
            "mark-sent",
            &today,
            "--to",
            QIAN_QI,
            "--method",
            "传真",
            "--signer",
            QIAN_QI,
        ],
        None,
        true,
    );

    // 导出: to stdout, and to a directory in each format, the files read.
    for kind in ["值班记录", "来访", "紧急事件", "交接班"] {
        for format in ["csv", "json"] {
            r.run(
                &[
                    "export", "--from", &yesterday, "--to", &tomorrow, "--format", format, "--kind", kind,
                ],
                None,
                true,
            );
        }
    }
    r.run(
        &["export", "--from", &yesterday, "--to", &tomorrow, "--format", "json"],
        None,
        true,
    );
    for format in ["csv", "json"] {
        let dir = sb.dir.path().join(format!("export-{format}"));
        let d = dir.to_str().expect("a path");
        r.run(
            &[
                "export", "--from", &yesterday, "--to", &today, "--format", format, "--kind", "全部", "--out", d,
            ],
            None,
            true,
        );
        assert_eq!(r.read_files(&dir, "export"), 4, "one file per kind");
    }

    // Backup and restore (a database file: it holds the numbers, as the database does).
    let backups = sb.dir.path().join("backups");
    let out = r.run(&["backup", backups.to_str().expect("a path")], None, true);
    let file = out.trim().to_string();
    r.run(&["restore", &file], None, false);
    r.run(&["restore", &file, "--yes"], None, true);
    r.run(&["verify"], None, true);
    // The chain's head, checked as a paper anchor; an acknowledgement of a finding that does not
    // exist is refused (and says nothing of any record).
    let head = r.run(&["audit", "head"], None, true);
    let anchor = head
        .lines()
        .find_map(|l| l.strip_prefix("核对：zhiban verify --anchor "))
        .expect("audit head prints the anchor")
        .trim()
        .to_string();
    r.run(&["verify", "--anchor", &anchor], None, true);
    r.run(&["audit", "ack", "1", "--operator", "张三"], pin, false);
    // The SMS hook by hand: not configured in the sandbox, refused without running anything.
    r.run(&["notify", "test", "13900000000"], None, false);
    // A redaction needs a leader: refused for an officer, by entry and by document.
    r.run(
        &[
            "redact",
            "--entry",
            "1",
            "--field",
            "内容",
            "--reason",
            "误录",
            "--operator",
            "张三",
        ],
        None,
        false,
    );
    r.run(
        &[
            "redact",
            "--doc",
            "1",
            "--field",
            "标题",
            "--reason",
            "误录",
            "--operator",
            "张三",
        ],
        None,
        false,
    );

    // The retention period applied at once (last: it masks the seeded numbers older than it).
    r.run(&["visit", "reduce", "--dry-run"], None, true);
    r.run(&["visit", "reduce", "--operator", "张三"], pin, true);
    r.run(&["visit", "reduce"], None, true);
    r.run(&["visit", "reduce", "--operator", "不在名单"], None, false);
    r.run(&["verify"], None, true);

    // The bare app refuses without a terminal.
    r.run(&[], None, false);
    r.run(&["--operator", "张三"], None, false);

    // Every verb and option was run.
    let mut missing = Vec::new();
    for (verb, options) in &r.verbs {
        match r.ran.get(verb) {
            None => missing.push(format!("zhiban {verb}")),
            Some(ran) => missing.extend(
                options
                    .iter()
                    .filter(|o| !ran.contains(*o))
                    .map(|o| format!("zhiban {verb} --{o}")),
            ),
        }
    }
    assert!(
        missing.is_empty(),
        "never run on the seeded database: {missing:?}\nAdd a run to every_verb_and_option_was_run \
         (tests/id_scan.rs) so its output is read for ID numbers"
    );
    assert!(
        r.problems.is_empty(),
        "{} outputs show a full ID number:\n\n{}",
        r.problems.len(),
        r.problems.join("\n\n")
    );
}
