//! The 值班日报 as it is used (issue 15, item 7): Ctrl-R opens the period in progress (said as
//! such), ←/→ move to other periods (never past the one in progress), `s` marks the report shown as
//! sent (已报送: when, to whom, how, 签发人) keeping its text exactly; the record is never changed or
//! deleted (a re-send is another record); an office that reports daily is reminded on the status
//! line until the period due is marked; and `zhiban report daily --until-now` and
//! `zhiban report mark-sent` on the command line.
//!
//! Every clock is fixed (the app's and the store's; 2001 where the binary's own clock decides what
//! may be asked for); nothing here depends on the wall clock.

mod cli_common;
mod common;

use chrono::{NaiveDate, NaiveDateTime};
use cli_common::{Sandbox, failure, stderr, success};
use common::{Harness, at};
use rusqlite::Connection;
use zhiban::core::keymap::{Key, KeyCode, Mode};
use zhiban::core::log::{LogField, RawValues, build_entry};
use zhiban::core::report::{DEFAULT_DAY_ENDS, Window};
use zhiban::core::report_sent::{ReportSending, SendMethod};
use zhiban::core::urgent::{EventDraft, Level, new_event, raised};
use zhiban::store::Store;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn minute(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn sending(window: Window, text: &str, sent_at: &str) -> ReportSending {
    ReportSending {
        window,
        sent_at: minute(sent_at),
        recipient: "市政府总值班室".into(),
        method: SendMethod::Fax,
        signer: "王五".into(),
        text: text.into(),
        recorded_by: "张三".into(),
        recorded_at: minute(sent_at),
    }
}

/// A harness at `clock` on a fresh database (80×24, 张三 signed in).
fn harness_at(clock: &str, prepare: impl FnOnce(&mut Store)) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    prepare(&mut Store::open(&path).unwrap());
    Harness::open(dir, &path, 80, 24, Some("张三"), at(clock))
}

/// The status line (the row above the hint bar, and any notes under it).
fn status_rows(h: &mut Harness) -> String {
    let screen = h.screen();
    screen[screen.len().saturating_sub(3)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

#[test]
fn a_sending_keeps_the_exact_text_and_is_never_updated_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("zhiban.db")).unwrap();
    let w = Window::ending(day("2026-11-23"), DEFAULT_DAY_ENDS);
    // Spaces at the ends, full-width punctuation, blank lines, a tab: kept byte for byte.
    let text = "  某某县 值班日报（2026年11月23日）\n\n一、总体情况\t零报告。  \n\n";
    let first = store.mark_report_sent(&sending(w, text, "2026-11-23 09:10")).unwrap();
    let again = store
        .mark_report_sent(&sending(w, "第二次报送的全文\n", "2026-11-23 10:00"))
        .unwrap();
    assert_ne!(first, again, "a re-send is another record");
    let sent = store.report_sendings(w).unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sending(w, text, "2026-11-23 09:10"), "read back exactly");
    assert_eq!(sent[1].text, "第二次报送的全文\n");
    assert!(store.report_sendings(w.previous()).unwrap().is_empty());
    assert!(store.report_sendings(w.next()).unwrap().is_empty());
    // Audited like every record, and verify finds nothing wrong.
    assert!(store.verify(true).unwrap().is_ok());
    drop(store);

    let conn = Connection::open(dir.path().join("zhiban.db")).unwrap();
    let (rows, who): (i64, String) = conn
        .query_row(
            "SELECT count(*), min(who) FROM audit_log WHERE tbl = 'daily_report_sent'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, who.as_str()), (2, "张三"));
    for sql in [
        "UPDATE daily_report_sent SET text = '改过的全文' WHERE id = 1",
        "UPDATE daily_report_sent SET signer = '赵六'",
        "DELETE FROM daily_report_sent WHERE id = 1",
        "DELETE FROM daily_report_sent",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("never"), "{sql}: {err}");
    }
    let kept: String = conn
        .query_row("SELECT text FROM daily_report_sent WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, text);
}

#[test]
fn a_dropped_protective_trigger_of_the_new_table_is_named_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut store = Store::open(&path).unwrap();
    let w = Window::ending(day("2026-11-23"), DEFAULT_DAY_ENDS);
    store.mark_report_sent(&sending(w, "全文", "2026-11-23 09:10")).unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER daily_report_sent_never_changes; UPDATE daily_report_sent SET recipient = '无人'")
        .unwrap();
    drop(conn);
    let report = Store::open(&path).unwrap().verify(true).unwrap();
    let all = report.problems.join("\n");
    assert!(all.contains("daily_report_sent_never_changes"), "{all}");
    assert!(
        all.contains("daily_report_sent"),
        "the changed row is named too:\n{all}"
    );
}

// ---------------------------------------------------------------------------------------------
// The report view
// ---------------------------------------------------------------------------------------------

#[test]
fn ctrl_r_opens_the_period_in_progress_left_goes_back_and_s_marks_it_sent() {
    // 16:24, an accident received at 14:00 and still open: the report must not say 零报告.
    let mut h = harness_at("2026-11-23 16:24:00", |s| {
        let settings = zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
            .unwrap()
            .settings;
        let received = minute("2026-11-23 14:00");
        let draft = EventDraft::essentials("事故灾难", Level::Major, received, "化工园区", "储罐泄漏");
        let e = new_event(draft, &settings.urgent, "张三", received).unwrap();
        s.insert_event(&e, &raised(received, &settings.urgent.ladder)).unwrap();
    });
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    assert_eq!(h.app.mode(), Mode::Report);
    let text = h.text();
    assert!(text.contains("11-23 08:00 至 11-24 08:00"), "{text}");
    assert!(text.contains("截至 16:24（本期未结束）"), "{text}");
    assert!(text.contains("未报送"), "{text}");
    assert!(!text.contains("零报告"), "the open accident is in it:\n{text}");
    // The hint bar says the new keys (from the registry).
    assert!(text.contains("标记已报送") && text.contains("上一期"), "{text}");

    // Nothing later than the period in progress.
    h.key(Key::plain(KeyCode::Right));
    assert!(h.text().contains("截至 16:24（本期未结束）"), "{}", h.text());
    assert!(h.text().contains("已是本期"), "{}", h.text());

    // ← (and h) to earlier periods, → (and l) back.
    h.key(Key::plain(KeyCode::Left));
    let text = h.text();
    assert!(text.contains("11-22 08:00 至 11-23 08:00（已结束）"), "{text}");
    assert!(!text.contains("本期未结束"), "{text}");
    h.key(Key::ch('h'));
    assert!(
        h.text().contains("11-21 08:00 至 11-22 08:00（已结束）"),
        "{}",
        h.text()
    );
    h.key(Key::ch('l'));
    assert!(
        h.text().contains("11-22 08:00 至 11-23 08:00（已结束）"),
        "{}",
        h.text()
    );
    let shown = h.app.screens.search.report.clone().expect("the report is shown");

    // s: the form, prefilled; 签发人 typed; Ctrl-S.
    h.key(Key::ch('s'));
    assert_eq!(h.app.mode(), Mode::Form);
    let text = h.text();
    assert!(
        text.contains("标记已报送：2026-11-22 08:00 至 2026-11-23 08:00"),
        "{text}"
    );
    assert!(
        text.contains("上级总值班室") && text.contains("2026-11-23 16:24"),
        "{text}"
    );
    h.keys(KeyCode::Tab, 3);
    h.key(Key::ctrl('u'));
    h.type_text("赵六");
    h.key(Key::ctrl('s'));
    assert_eq!(h.app.mode(), Mode::Report, "{}", h.text());
    let text = h.text();
    assert!(
        text.contains("已报送 16:24 报 上级总值班室（传真，签发：赵六）"),
        "{text}"
    );
    let sent = h.store.report_sendings(shown.window).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text, shown.text, "the text exactly as shown");
    assert_eq!(sent[0].recorded_by, "张三");

    // Marked again (a re-send): a second record, both said.
    h.key(Key::ch('s'));
    h.keys(KeyCode::Tab, 2);
    h.key(Key::plain(KeyCode::Left)); // 传真 → 电话
    h.key(Key::ctrl('s'));
    assert_eq!(h.store.report_sendings(shown.window).unwrap().len(), 2);
    let text = h.text();
    assert!(text.contains("（电话，签发：赵六）"), "{text}");
    assert!(text.contains("（传真，签发：赵六）"), "{text}");
    h.key(Key::plain(KeyCode::Esc));
    assert_eq!(h.app.mode(), Mode::Search);
}

#[test]
fn a_bad_sending_keeps_the_form_and_says_what_to_fix() {
    let mut h = harness_at("2026-11-23 16:24:00", |_| {});
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    h.key(Key::ch('s'));
    h.key(Key::ctrl('u'));
    h.type_text("2026-11-20 09:00");
    h.key(Key::plain(KeyCode::Tab));
    h.key(Key::ctrl('u'));
    h.key(Key::ctrl('s'));
    let text = h.text();
    assert_eq!(h.app.mode(), Mode::Form);
    assert!(text.contains("早于本期开始"), "{text}");
    assert!(
        h.store
            .report_sendings(Window::in_progress(at("2026-11-23 16:24:00"), DEFAULT_DAY_ENDS))
            .unwrap()
            .is_empty()
    );
    // Esc on a changed form asks first.
    h.key(Key::plain(KeyCode::Esc));
    assert_eq!(h.app.mode(), Mode::Confirm);
    h.key(Key::ch('y'));
    assert_eq!(h.app.mode(), Mode::Report);
}

#[test]
fn a_half_typed_sending_comes_back_as_a_draft_on_its_period() {
    let mut h = harness_at("2026-11-23 16:24:00", |_| {});
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    h.key(Key::plain(KeyCode::Left));
    h.key(Key::ch('s'));
    h.keys(KeyCode::Tab, 3);
    h.key(Key::ctrl('u'));
    h.type_text("钱副县长");
    let t = h.clock;
    zhiban::runtime::dispatch(
        &mut h.app,
        &mut h.store,
        &mut h.alerter,
        zhiban::core::app::Msg::Terminate,
        t,
    );
    assert!(h.app.quit);
    let mut h = h.restart(at("2026-11-23 16:40:00"));
    h.key(Key::ch('y'));
    assert_eq!(h.app.mode(), Mode::Form, "{}", h.text());
    let text = h.text();
    assert!(
        text.contains("标记已报送：2026-11-22 08:00 至 2026-11-23 08:00"),
        "{text}"
    );
    assert!(text.contains("钱副县长"), "{text}");
    h.key(Key::ctrl('s'));
    let sent = h
        .store
        .report_sendings(Window::ending(day("2026-11-23"), DEFAULT_DAY_ENDS))
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].signer, "钱副县长");
}

// ---------------------------------------------------------------------------------------------
// The daily reminder
// ---------------------------------------------------------------------------------------------

#[test]
fn an_office_that_reports_daily_is_reminded_until_the_period_is_marked_sent() {
    // The period that ended yesterday at 08:00 was sent; today's is due from 09:00.
    let mut h = harness_at("2026-11-24 08:30:00", |s| {
        let w = Window::ending(day("2026-11-23"), DEFAULT_DAY_ENDS);
        s.mark_report_sent(&sending(w, "全文", "2026-11-23 09:10")).unwrap();
    });
    h.app.settings.report.daily_required = true;
    h.tick_to(at("2026-11-24 08:30:05"));
    assert_eq!(
        h.app.report_unsent, None,
        "before 09:00 yesterday's period is due, and it was sent"
    );
    assert!(!status_rows(&mut h).contains("未报送"), "{}", h.text());

    h.tick_to(at("2026-11-24 09:00:03"));
    let due = Window::ending(day("2026-11-24"), DEFAULT_DAY_ENDS);
    assert_eq!(h.app.report_unsent, Some(due));
    assert!(status_rows(&mut h).contains("值班日报未报送"), "{}", h.text());
    // On every screen.
    for tab in ['1', '2', '3', '4'] {
        h.key(Key::ch(tab));
        assert!(h.text().contains("值班日报未报送"), "tab {tab}:\n{}", h.text());
    }

    // Marked in the report view: the period in progress first, ← to the one due, s, Ctrl-S.
    h.key(Key::ch('5'));
    h.key(Key::ctrl('r'));
    h.key(Key::plain(KeyCode::Left));
    h.key(Key::ch('s'));
    h.key(Key::ctrl('s'));
    assert_eq!(h.store.report_sendings(due).unwrap().len(), 1, "{}", h.text());
    assert_eq!(h.app.report_unsent, None, "gone as soon as it is saved");
    h.tick_to(at("2026-11-24 09:00:10"));
    assert_eq!(h.app.report_unsent, None);
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::plain(KeyCode::Esc));
    assert!(!h.text().contains("未报送"), "{}", h.text());
}

#[test]
fn an_office_that_does_not_report_daily_is_never_reminded() {
    let mut h = harness_at("2026-11-24 10:00:00", |_| {});
    h.tick_to(at("2026-11-24 10:00:05"));
    assert_eq!(h.app.report_unsent, None);
    assert!(!h.text().contains("未报送"), "{}", h.text());
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

/// A 急办 entry on the given minute, straight into the sandbox's database.
fn seed(sb: &Sandbox) {
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    let mut s = Store::open(&sb.db()).unwrap();
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Content, "河堤管涌，请求支援"),
        (LogField::Triage, "急办"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let e = build_entry(&raw, "张三", minute("2001-03-01 21:10")).unwrap();
    s.insert_entry(&e).unwrap();
}

/// The text without its 生成时间 line (two runs may fall in different minutes).
fn without_generated(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("生成时间："))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn mark_sent_keeps_the_text_report_daily_prints_and_refuses_bad_input() {
    let sb = Sandbox::new();
    seed(&sb);
    let printed = success(&sb.run(&["report", "daily", "--date", "2001-03-02"]));
    assert!(printed.contains("河堤管涌"), "{printed}");
    let out = sb.run(&[
        "report",
        "mark-sent",
        "2001-03-02",
        "--to",
        "市政府总值班室",
        "--method",
        "传真",
        "--signer",
        "王五",
        "--time",
        "2001-03-02 09:10",
    ]);
    assert_eq!(success(&out).trim(), "1", "the record's number");
    assert!(
        stderr(&out).contains("已报送 09:10 报 市政府总值班室（传真，签发：王五）"),
        "{}",
        stderr(&out)
    );
    let w = Window::ending(day("2001-03-02"), DEFAULT_DAY_ENDS);
    let sent = Store::open(&sb.db()).unwrap().report_sendings(w).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(without_generated(&sent[0].text), without_generated(&printed));
    assert_eq!(sent[0].text.ends_with('\n'), printed.ends_with('\n'));
    assert_eq!(sent[0].recorded_by, "（命令行）");
    assert_eq!(sent[0].sent_at, minute("2001-03-02 09:10"));

    // By a person: their PIN on stdin; a re-send is another record.
    sb.set_pin("张三", "246813");
    let out = sb.run_with_stdin(
        &[
            "report",
            "mark-sent",
            "2001-03-02",
            "--to",
            "市政府总值班室",
            "--method",
            "电子邮件",
            "--signer",
            "王五",
            "--time",
            "2001-03-02 10:00",
            "--operator",
            "张三",
        ],
        "246813\n",
    );
    assert_eq!(success(&out).trim(), "2");
    let sent = Store::open(&sb.db()).unwrap().report_sendings(w).unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[1].recorded_by.as_str(), sent[1].method),
        ("张三", SendMethod::Email)
    );

    let base = [
        "report",
        "mark-sent",
        "2001-03-02",
        "--to",
        "市政府总值班室",
        "--signer",
        "王五",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> { base.iter().chain(extra).copied().collect() };
    let err = failure(&sb.run(&with(&["--method", "飞鸽"])), 2);
    assert!(
        err.contains("--method") && err.contains("电话、传真、电子邮件、机要、其他"),
        "{err}"
    );
    let err = failure(&sb.run(&with(&["--method", "传真", "--time", "2001-02-01 09:00"])), 2);
    assert!(err.contains("--time") && err.contains("早于本期开始"), "{err}");
    let err = failure(&sb.run(&with(&["--method", "传真", "--operator", "外人"])), 2);
    assert!(err.contains("--operator"), "{err}");
    assert_eq!(
        Store::open(&sb.db()).unwrap().report_sendings(w).unwrap().len(),
        2,
        "nothing recorded"
    );

    // Refused before anything is opened: no database is made.
    let empty = Sandbox::new();
    let err = failure(
        &empty.run(&[
            "report",
            "mark-sent",
            "9999-12-31",
            "--to",
            "x",
            "--method",
            "传真",
            "--signer",
            "王五",
        ]),
        2,
    );
    assert!(err.contains("尚未开始"), "{err}");
    let err = failure(
        &empty.run(&[
            "report",
            "mark-sent",
            "2001-03-02",
            "--to",
            " ",
            "--method",
            "传真",
            "--signer",
            "王五",
        ]),
        2,
    );
    assert!(err.contains("--to") && err.contains("报送对象"), "{err}");
    assert!(!empty.db().exists(), "a refused command leaves no database behind");
}

#[test]
fn report_daily_until_now_is_the_period_in_progress() {
    let sb = Sandbox::new();
    let text = success(&sb.run(&["report", "daily", "--until-now"]));
    // Whatever the time: a period of 24 hours that has begun and not ended, said as such.
    let field = |label: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label} in {text}"))
            .to_string()
    };
    let period = field("时段：");
    let (from, rest) = period.split_once(" 至 ").expect("from 至 to");
    let to = rest.get(..16).expect("the end");
    let (from, to) = (minute(from), minute(to));
    assert_eq!(to - from, chrono::Duration::hours(24), "{text}");
    assert!(rest.contains("本时段尚未结束"), "{text}");
    let generated = minute(&field("生成时间："));
    assert!(from <= generated && generated < to, "{text}");
    let err = failure(&sb.run(&["report", "daily", "--until-now", "--date", "2001-03-02"]), 2);
    assert!(err.contains("--until-now"), "{err}");
}
