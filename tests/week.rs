//! A week without a restart: the real app and store (a temporary file) run through seven
//! simulated days, the clock ticking every second (604,800 ticks, as the runtime ticks), with a
//! duty room's traffic: a call every few minutes, an urgent call once a day, visitors coming and
//! going in office hours, two urgent events (one from a script, one typed) acknowledged,
//! reported, handled and closed, a handover every 24 h signed at another terminal, and the
//! officer paging through the log and looking at every tab now and then.
//!
//! Memory must stay bounded. Every 10 simulated minutes the screen is drawn and the app's
//! in-memory collections are checked against fixed caps (they hold a window or what is open,
//! never the history); the process's VmRSS (from /proc/self/status) at the end of day 7 may be at
//! most 20 MiB above the end of day 1. The figures are printed (`-- --nocapture`).
//!
//! Nothing here reads the wall clock; the traffic comes from a fixed-seed generator. The only
//! test in this file, so nothing else shares the process whose memory is measured.

mod common;

use chrono::{Duration, NaiveDateTime, Timelike};
use common::{Harness, at};
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{Msg, Tab};
use zhiban::core::handover::{Check, build_draft};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::urgent::{EventDraft, Level, new_event, raised};
use zhiban::core::visit::VisitField;
use zhiban::core::visit_screen::VisitFormKey;
use zhiban::runtime::dispatch;
use zhiban::store::Store;

/// Seconds in the week.
const WEEK: i64 = 7 * 24 * 3600;

/// The screen is drawn and the caps checked this often (simulated seconds).
const CHECK_EVERY: i64 = 600;

/// Caps on what the app holds in memory, whatever the length of the history.
const MAX_LIST_PAGES: usize = 4;
const MAX_OPEN_EVENTS: usize = 2;
const MAX_ENTRY_ALERTS: usize = 2;
/// 全部来访: four pages of 50.
const MAX_VISITS_LISTED: usize = 200;
const MAX_TIMELINE_LINES: usize = 200;
const MAX_HANDOVERS_LISTED: usize = 2000;
const MESSAGE_SECONDS: i64 = 30;

/// How much VmRSS may grow from the end of day 1 to the end of day 7.
const RSS_MARGIN_KIB: u64 = 20 * 1024;

/// Deterministic traffic (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Seconds, uniformly between `lo` and `hi` minutes.
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        let span = u64::try_from((hi - lo) * 60).unwrap();
        Duration::seconds(lo * 60 + i64::try_from(self.next() % span).unwrap())
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }
}

/// The process's resident set, in KiB.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

/// A valid 18-digit 居民身份证 number with its check character computed (GB 11643-1999).
fn resident_id(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = "10X98765432".chars().nth((sum % 11) as usize).expect("below 11");
    format!("{first17}{check}")
}

const VISITORS: &[&str] = &[
    "曾国藩",
    "李鸿章",
    "左宗棠",
    "张之洞",
    "林则徐",
    "胡林翼",
    "彭玉麟",
    "沈葆桢",
];
const UNITS: &[&str] = &[
    "城关镇人民政府",
    "县应急管理局",
    "县公安局",
    "县水务局",
    "李家集镇",
    "县气象局",
];
const CALLERS: &[&str] = &["王建国", "刘科长", "陈站长", "赵主任", "群众"];
const MATTERS: &[&str] = &[
    "报告河堤巡查情况，未见异常",
    "通知明早八点召开防汛调度会",
    "咨询值班电话转接事宜",
    "报告辖区道路积水已排除",
    "转达市政府办公室关于值班备勤的要求",
];

/// The week's driver: the app, a second store handle for "another terminal", the schedule.
struct Week {
    h: Harness,
    other: Store,
    rng: Rng,
    calls: usize,
    urgent_calls: usize,
    visits: usize,
    checkouts: usize,
    events: usize,
    reports: usize,
    handovers: usize,
    pages_turned: usize,
    rings: usize,
    notices: usize,
    checks: usize,
    /// Who the handovers alternate between.
    on_duty: &'static str,
}

impl Week {
    fn now(&self) -> NaiveDateTime {
        self.h.clock
    }

    fn said(&self) -> String {
        self.h.app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
    }

    fn expect_said(&self, what: &str) {
        let said = self.said();
        assert!(
            said.contains(what),
            "at {}: expected “{what}”, the status line says “{said}”",
            self.now()
        );
    }

    /// Back to the duty log's list, whatever is open.
    fn back_to_list(&mut self) {
        assert!(
            self.h.app.screens.log.form.is_none()
                && self.h.app.screens.visits.form.is_none()
                && self.h.app.screens.urgent.form.is_none(),
            "at {}: a form was left open",
            self.now()
        );
        // In 查询 digits are text: Tab (from the last tab) wraps to the duty log.
        if self.h.app.tab() == Tab::Search {
            self.h.key(Key::plain(KeyCode::Tab));
        }
        self.h.key(Key::ch('1'));
        if self.h.app.screens.log.detail.is_some() {
            self.h.key(Key::plain(KeyCode::Esc));
        }
        assert_eq!(self.h.app.tab(), Tab::Log);
    }

    fn call(&mut self) {
        self.back_to_list();
        let (unit, caller, matter) = (self.rng.pick(UNITS), self.rng.pick(CALLERS), self.rng.pick(MATTERS));
        self.calls += 1;
        let content = format!("{matter}（第{}次）", self.calls);
        self.h.save_call(unit, caller, &content);
        self.expect_said("已保存：第");
    }

    /// A 急办 call with 紧急提醒: it rings until acknowledged.
    fn urgent_call(&mut self) {
        self.back_to_list();
        self.h.key(Key::ch('n'));
        self.h.type_text("县水务局");
        self.h.key(Key::plain(KeyCode::Tab));
        self.h.type_text("陈站长");
        self.h.keys(KeyCode::Tab, 2);
        self.h.type_text("李家集水库水位超汛限，请示是否开闸泄洪");
        let focused = |w: &Week| {
            w.h.app
                .screens
                .log
                .form
                .as_ref()
                .and_then(|f| f.form.focused())
                .map(|f| f.label.clone())
                .unwrap_or_default()
        };
        while focused(self) != "分级" {
            self.h.key(Key::plain(KeyCode::Tab));
        }
        self.h.keys(KeyCode::Left, 3); // 一般 → 急办
        self.h.key(Key::plain(KeyCode::Tab)); // 紧急提醒
        self.h.key(Key::plain(KeyCode::Right));
        self.h.key(Key::ctrl('s'));
        self.expect_said("已保存：第");
        self.urgent_calls += 1;
    }

    fn acknowledge(&mut self) {
        self.h.key(Key::plain(KeyCode::F(2)));
        self.expect_said("已确认");
    }

    fn tab_to(&mut self, key: VisitFormKey) {
        for _ in 0..80 {
            let focused = self
                .h
                .app
                .screens
                .visits
                .form
                .as_ref()
                .and_then(|(f, _)| f.focused())
                .map(|f| f.key);
            if focused == Some(key) {
                return;
            }
            self.h.key(Key::plain(KeyCode::Tab));
        }
        panic!("Tab never reached {key:?}");
    }

    /// A visitor arrives: found again (three keys) or registered for the first time.
    fn visitor_arrives(&mut self) {
        self.back_to_list();
        let i = usize::try_from(self.rng.next() % VISITORS.len() as u64).unwrap();
        let name = VISITORS[i];
        self.h.key(Key::ch('2'));
        self.h.key(Key::ch('n'));
        self.h.type_text(name);
        let found = self
            .h
            .app
            .screens
            .visits
            .lookup
            .as_ref()
            .is_some_and(|l| !l.results.is_empty());
        self.h.key(Key::plain(KeyCode::Enter));
        if !found {
            self.tab_to(VisitFormKey::Visit(VisitField::IdNumber));
            self.h
                .type_text(&resident_id(&format!("53010219{}0101{:03}", 60 + i, 101 + i)));
            self.tab_to(VisitFormKey::Visit(VisitField::Purpose));
            self.h.type_text("联系工作");
        }
        self.h.key(Key::ctrl('s'));
        self.expect_said("号来访");
        self.visits += 1;
        self.back_to_list();
    }

    fn visitor_leaves(&mut self) {
        self.back_to_list();
        self.h.key(Key::ch('2'));
        if self.h.app.screens.visits.inside.is_empty() {
            self.back_to_list();
            return;
        }
        self.h.key(Key::ch('c'));
        self.h.key(Key::ch('y'));
        self.expect_said("已登记离开");
        self.checkouts += 1;
        self.back_to_list();
    }

    /// An event from a script (another process), as `zhiban event add` writes it.
    fn event_from_script(&mut self) {
        let settings = parse(DEFAULT_TOML, None).unwrap().settings;
        let t = self.now();
        let mut draft = EventDraft::essentials(
            "事故灾难",
            Level::Major,
            t - Duration::minutes(8),
            "高速公路K12",
            "危化品运输车侧翻",
        );
        draft.received_at = Some(t);
        let event = new_event(draft, &settings.urgent, "张三", t).unwrap();
        self.other
            .insert_event(&event, &raised(t, &settings.urgent.ladder))
            .unwrap();
        self.events += 1;
    }

    /// An event typed in the 紧急事项 tab.
    fn event_typed(&mut self) {
        self.back_to_list();
        self.h.key(Key::ch('3'));
        self.h.key(Key::ch('n'));
        let focus = |w: &Week| {
            w.h.app
                .screens
                .urgent
                .form
                .as_ref()
                .and_then(|f| f.focused())
                .map(|f| f.label.clone())
                .unwrap_or_default()
        };
        // The form opens on 等级, none chosen: → three times is 较大.
        assert_eq!(focus(self), "等级");
        for _ in 0..3 {
            self.h.key(Key::plain(KeyCode::Right));
        }
        while focus(self) != "事发地点" {
            self.h.key(Key::plain(KeyCode::Tab));
        }
        self.h.type_text("李家集镇");
        while focus(self) != "事件概况" {
            self.h.key(Key::plain(KeyCode::Tab));
        }
        self.h.type_text("山体滑坡，两户房屋受损");
        self.h.key(Key::ctrl('s'));
        self.expect_said("号紧急事件");
        self.events += 1;
        self.back_to_list();
    }

    /// Phone first, then written: `p` and `Ctrl-S` take the defaults.
    fn report(&mut self) {
        self.back_to_list();
        self.h.key(Key::ch('3'));
        self.h.key(Key::ch('p'));
        self.h.key(Key::ctrl('s'));
        self.expect_said("初报");
        self.reports += 1;
        self.back_to_list();
    }

    fn handle_and_close(&mut self) {
        self.back_to_list();
        self.h.key(Key::ch('3'));
        let before = self.h.app.shared.alerts.events.len();
        // Both ask first (they cannot be undone): y answers.
        self.h.key(Key::ch('r'));
        self.h.key(Key::ch('y'));
        self.h.key(Key::ch('c'));
        self.h.key(Key::ch('y'));
        assert_eq!(
            self.h.app.shared.alerts.events.len(),
            before - 1,
            "at {}: the event was not closed",
            self.now()
        );
        self.back_to_list();
    }

    /// Signed at another terminal: every open item checked by the incoming officer.
    fn handover(&mut self) {
        let now = self.now();
        let incoming = if self.on_duty == "张三" { "李四" } else { "张三" };
        let state = self.other.open_state(now).unwrap();
        let start = state
            .previous
            .as_ref()
            .map_or(now - Duration::hours(24), |p| p.signed_at);
        let mut d = build_draft(&state, self.on_duty, incoming, start, now);
        d.summary = "当班平稳，未办结事项已逐项交接".into();
        for item in &mut d.items {
            item.check = Check::Confirmed;
        }
        self.other.sign_handover(&d, &[], now).unwrap();
        self.on_duty = incoming;
        self.handovers += 1;
    }

    /// The officer looks around: pages back through the log, opens an entry, every tab.
    fn look_around(&mut self) {
        self.back_to_list();
        for k in [KeyCode::PageDown, KeyCode::PageDown, KeyCode::PageDown, KeyCode::End] {
            self.h.key(Key::plain(k));
            self.pages_turned += 1;
        }
        self.h.key(Key::plain(KeyCode::Enter));
        self.h.screen();
        self.h.key(Key::plain(KeyCode::Esc));
        self.h.key(Key::plain(KeyCode::Home));
        for tab in ['2', '3', '4', '5'] {
            self.h.key(Key::ch(tab));
            self.h.screen();
        }
        // 全部来访, pages back, and back to who is inside.
        self.h.key(Key::ch('2'));
        self.h.key(Key::ch('a'));
        for _ in 0..20 {
            self.h.key(Key::plain(KeyCode::PageDown));
        }
        self.h.screen();
        let held = self.h.app.screens.visits.all.rows.len();
        assert!(held <= MAX_VISITS_LISTED, "全部来访 holds {held} visits");
        self.h.key(Key::ch('a'));
        self.back_to_list();
    }

    /// The caps, and the screen drawn.
    fn check(&mut self) {
        let app = &self.h.app;
        let viewport = zhiban::ui::list_rows(self.h.terminal.backend().buffer().area.height);
        let holds = [
            (
                "log list rows",
                app.screens.log.list.rows.len(),
                MAX_LIST_PAGES * viewport,
            ),
            ("open events", app.shared.alerts.events.len(), MAX_OPEN_EVENTS),
            ("entry alerts", app.shared.alerts.entry_alerts.len(), MAX_ENTRY_ALERTS),
            ("visitors inside", app.screens.visits.inside.len(), VISITORS.len()),
            (
                "全部来访 rows held",
                app.screens.visits.all.rows.len(),
                MAX_VISITS_LISTED,
            ),
            ("watch list", app.screens.visits.watch.len(), 10),
            (
                "timeline lines",
                app.screens.urgent.detail.as_ref().map_or(0, |d| d.timeline.len()),
                MAX_TIMELINE_LINES,
            ),
            (
                "handovers listed",
                app.screens.handover.history.len(),
                MAX_HANDOVERS_LISTED,
            ),
        ];
        for (what, len, cap) in holds {
            assert!(len <= cap, "at {}: {what}: {len}, more than {cap}", self.now());
        }
        if let Some(m) = &app.message {
            assert!(
                self.now() - m.at <= Duration::seconds(MESSAGE_SECONDS) && m.text.chars().count() < 1000,
                "at {}: a stale or huge status message: {m:?}",
                self.now()
            );
        }
        self.h.screen();
        // The recording double keeps every notice; the app does not. Count and drop them.
        self.rings = self.h.alerter.rings;
        self.notices += self.h.alerter.notices.len();
        self.h.alerter.notices.clear();
        self.checks += 1;
    }
}

#[test]
fn a_week_of_traffic_without_a_restart_keeps_memory_bounded() {
    let started = std::time::Instant::now();
    let h = Harness::new(80, 24, Some("张三"));
    let other = Store::open(h.store.path()).unwrap();
    let mut w = Week {
        h,
        other,
        rng: Rng(0x2026_1123),
        calls: 0,
        urgent_calls: 0,
        visits: 0,
        checkouts: 0,
        events: 0,
        reports: 0,
        handovers: 0,
        pages_turned: 0,
        rings: 0,
        notices: 0,
        checks: 0,
        on_duty: "张三",
    };
    let start = w.now();
    assert_eq!(start, at("2026-11-23 03:10:00"));
    let day = |n: i64| start + Duration::days(n);
    let mut next_call = start + w.rng.minutes(3, 12);
    let mut next_visitor = start;
    let mut leaving: Vec<NaiveDateTime> = Vec::new();
    let mut next_look = start + Duration::hours(6);
    // (when, what) — the events' lives and the daily urgent call.
    let mut plan: Vec<(NaiveDateTime, &str)> = Vec::new();
    for d in 0..7 {
        plan.push((day(d).date().and_hms_opt(10, 17, 0).unwrap(), "urgent call"));
        plan.push((day(d).date().and_hms_opt(10, 21, 0).unwrap(), "acknowledge"));
        plan.push((day(d).date().and_hms_opt(8, 30, 0).unwrap(), "handover"));
    }
    let script_event = day(1).date().and_hms_opt(14, 0, 0).unwrap();
    let typed_event = day(4).date().and_hms_opt(2, 30, 0).unwrap();
    for (t, what) in [
        (script_event, "script event"),
        (script_event + Duration::minutes(3), "acknowledge"),
        (script_event + Duration::minutes(20), "report"),
        (script_event + Duration::minutes(45), "report"),
        (script_event + Duration::hours(20), "close"),
        (typed_event, "typed event"),
        (typed_event + Duration::minutes(5), "acknowledge"),
        (typed_event + Duration::minutes(25), "report"),
        (typed_event + Duration::minutes(50), "report"),
        (typed_event + Duration::hours(30), "close"),
    ] {
        plan.push((t, what));
    }
    plan.sort();
    let mut plan = plan.into_iter().peekable();

    let mut rss_by_day = Vec::new();
    let mut secs_by_day = Vec::new();
    for s in 1..=WEEK {
        w.h.clock += Duration::seconds(1);
        let now = w.now();
        dispatch(&mut w.h.app, &mut w.h.store, &mut w.h.alerter, Msg::Tick, now);

        while let Some((_, what)) = plan.next_if(|(t, _)| *t == now) {
            match what {
                "urgent call" => w.urgent_call(),
                "acknowledge" => w.acknowledge(),
                "handover" => w.handover(),
                "script event" => w.event_from_script(),
                "typed event" => w.event_typed(),
                "report" => w.report(),
                "close" => w.handle_and_close(),
                other => unreachable!("{other}"),
            }
        }
        if now >= next_call {
            w.call();
            next_call = now + w.rng.minutes(3, 12);
        }
        let office_hours = (8..18).contains(&now.hour());
        if now >= next_visitor {
            if office_hours && leaving.len() < 4 {
                w.visitor_arrives();
                let stay = w.rng.minutes(20, 120);
                leaving.push((now + stay).min(now.date().and_hms_opt(18, 30, 0).unwrap()));
            }
            next_visitor = now + w.rng.minutes(25, 80);
        }
        if let Some(i) = leaving.iter().position(|t| *t <= now) {
            leaving.swap_remove(i);
            w.visitor_leaves();
        }
        if now >= next_look {
            w.look_around();
            next_look = now + Duration::hours(6);
        }
        if s % CHECK_EVERY == 0 {
            w.check();
        }
        if s % (24 * 3600) == 0 {
            rss_by_day.push(vm_rss_kib());
            secs_by_day.push(started.elapsed().as_secs_f64());
        }
    }
    assert!(plan.next().is_none(), "every planned step happened");
    assert!(w.h.app.shared.alerts.events.is_empty(), "both events were closed");

    // The week really happened: every kind of traffic, stored.
    let entries = w.h.store.entries_since(None, usize::MAX).unwrap().len();
    assert_eq!(entries, w.calls + w.urgent_calls);
    assert!(
        w.calls > 700 && w.visits > 30 && w.handovers == 7 && w.events == 2,
        "{} calls",
        w.calls
    );
    assert_eq!(w.h.store.handovers(100).unwrap().len(), 7);

    let (day1, day7) = (rss_by_day[0], rss_by_day[6]);
    eprintln!(
        "a week: {WEEK} ticks; {} calls + {} urgent calls ({entries} entries), {} visits ({} check-outs), {} events \
         ({} reports), {} handovers, {} page turns, {} rings, {} notices, {} checks of the caps; VmRSS by day (MiB): \
         {}; day 1 {:.1} MiB, day 7 {:.1} MiB ({:+.1} MiB); seconds elapsed at the end of each day: {}",
        w.calls,
        w.urgent_calls,
        w.visits,
        w.checkouts,
        w.events,
        w.reports,
        w.handovers,
        w.pages_turned,
        w.rings,
        w.notices,
        w.checks,
        rss_by_day
            .iter()
            .map(|k| format!("{:.1}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" "),
        day1 as f64 / 1024.0,
        day7 as f64 / 1024.0,
        (day7 as f64 - day1 as f64) / 1024.0,
        secs_by_day
            .iter()
            .map(|t| format!("{t:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(
        day7 <= day1 + RSS_MARGIN_KIB,
        "VmRSS grew from {day1} KiB (day 1) to {day7} KiB (day 7)"
    );
}
