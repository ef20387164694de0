//! Benchmark: the duty-log list at a million rows.
//!
//! `cargo bench --bench log_list [-- ROWS]` (default 1,000,000 rows). Generates, once, a database
//! of realistic duty-log entries over ten years (cached in `target/bench-data/log-<ROWS>.db`,
//! rebuilt if missing), then measures with `std::time::Instant` over many repetitions:
//!
//! * (a) cold-ish start: a fresh `Store::open` and the first page, and the whole path to the first
//!   frame; also the real binary (`zhiban log list --limit 50`) as a separate process;
//! * (b) keyset pages deep in the log;
//! * (c) key press to frame while scrolling (Down ×20,000, PageDown ×2,000) at 80x24 and 200x50,
//!   through the runtime's `dispatch` (page loads included) and a full render into `TestBackend`;
//! * (d) typing Chinese into the new-entry form (key to frame);
//! * (e) saving one entry (a committed transaction, `synchronous=FULL`), on a copy of the database;
//! * (f) the peak resident memory of this process (`VmHWM`) during the measurements.
//!
//! It prints each figure as it goes and a Markdown table at the end. Nothing here asserts on
//! time: the figures are for reading (docs/PERFORMANCE.md), not a pass/fail gate.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::{Connection, params};

use zhiban::core::app::{App, Msg};
use zhiban::core::form::FieldKey;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::{EntryKey, EntryKind, LogField, NewEntry, Status, Triage};
use zhiban::core::log_screen::{Anchor, PageRequest};
use zhiban::runtime::notify::RecordingAlerter;
use zhiban::runtime::{dispatch, run_effects};
use zhiban::store::Store;

const DEFAULT_ROWS: usize = 1_000_000;
/// First day of the generated log; it spans ten years from here.
const FIRST_DAY: (i32, u32, u32) = (2016, 1, 1);
const YEARS: i64 = 10;
/// The fixed "now" of every app in this benchmark: just after the last generated entry.
const NOW: &str = "2026-01-01 08:30:00";
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

// ---------------------------------------------------------------------------------------------
// Realistic text

/// Seeded xorshift64* — deterministic data without the rand crate.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Picks by weight: `(value, weight)`.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (v, w) in items {
            if r < *w {
                return *v;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }
}

const UNITS: &[&str] = &[
    "城关镇人民政府",
    "县应急管理局",
    "李家集镇",
    "县公安局指挥中心",
    "县消防救援大队",
    "县卫生健康局",
    "县水利局",
    "县气象局",
    "北城街道办事处",
    "柳河乡人民政府",
    "县交通运输局",
    "县住房和城乡建设局",
    "县信访局",
    "县教育体育局",
    "县人民医院",
    "市政府总值班室",
    "县委办公室",
    "县自然资源局",
    "市生态环境局县分局",
    "县市场监督管理局",
    "县民政局",
    "国网县供电公司",
    "县自来水公司",
    "东关街道办事处",
    "王庄镇人民政府",
    "石桥镇人民政府",
    "县黄河河务局",
    "县人武部",
    "县融媒体中心",
    "县城市管理综合执法局",
];

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "欧阳", "司马", "诸葛", "上官", "东方",
];

const GIVEN_NAMES: &[&str] = &[
    "建华", "建国", "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文涛", "志强", "海燕", "红梅", "国庆", "卫东", "晓明", "春花",
    "玉兰", "德胜", "永刚", "丽华", "宏伟", "子涵", "浩然",
];

const TITLES: &[&str] = &[
    "",
    "",
    "",
    "主任",
    "所长",
    "站长",
    "镇长",
    "副局长",
    "值班员",
    "村支书",
    "科长",
];

const PLACES: &[&str] = &[
    "城关镇张庄村",
    "县医院门口",
    "107国道K23处",
    "北城街道幸福小区",
    "李家集镇中心小学",
    "柳河大桥",
    "人民路与解放路交叉口",
    "王庄镇红旗水库",
    "石桥镇集贸市场",
    "经济开发区化工园",
    "东关街道老旧小区",
    "黄河大堤K12+300处",
    "县高铁站",
    "县汽车站",
    "金水湾小区",
    "原纺织厂旧址",
    "西山国有林场",
    "南湖公园",
    "县第一中学",
    "柳河乡李庄村",
];

const EVENTS: &[&str] = &[
    "交通事故",
    "火情",
    "燃气泄漏",
    "山体滑坡",
    "河堤渗水",
    "群众聚集",
    "大面积停电",
    "自来水管爆裂",
    "道路积水",
    "疑似食物中毒",
    "森林火警",
    "危化品车辆侧翻",
    "房屋局部倒塌",
    "电梯困人",
    "老人走失",
    "网络舆情",
    "农民工讨薪",
    "疑似传染病病例",
    "冰雹",
    "大风刮倒树木",
];

const DETAILS: &[&str] = &[
    "无人员伤亡",
    "1人轻伤已送县医院救治",
    "现场已设置警戒",
    "交警已到场处置",
    "群众情绪基本稳定",
    "供电公司正在抢修",
    "影响交通约半小时",
    "消防救援大队已出警",
    "具体原因正在调查",
    "已疏散周边群众30余人",
    "暂未发现次生灾害",
    "镇政府负责人已赶赴现场",
    "需要协调相关部门",
    "涉及群众约20人",
    "2人受伤，伤情稳定",
    "现场已得到控制",
    "预计今晚恢复",
    "已通知相关村组做好防范",
];

const DEPARTMENTS: &[&str] = &[
    "县应急管理局",
    "县公安局",
    "交警大队",
    "县消防救援大队",
    "县卫生健康局",
    "县水利局",
    "县住建局",
    "县信访局",
    "属地镇政府",
    "县供电公司",
    "县自来水公司",
    "县城管局",
    "县市场监管局",
    "县民政局",
    "县教体局",
    "县自然资源局",
];

const LEADERS: &[&str] = &["王五", "赵六", "孙副县长", "刘主任", "陈副主任"];
const OFFICERS: &[&str] = &["张三", "李四", "周敏", "吴洋", "郑娟", "冯刚"];
const CATEGORIES: &[&str] = &["综合", "防汛抗旱", "安全生产", "社会稳定", "公共卫生", "信访", "其他"];

const NOTICES: &[&str] = &[
    "明日有强降雨，请做好防汛准备",
    "请落实节假日24小时值班和领导带班制度",
    "请排查辖区危旧房屋安全隐患",
    "请做好森林防火巡查",
    "请于今晚组织人员巡查河堤",
    "请核实网传信息并及时回复",
];

const TOPICS: &[&str] = &[
    "做好汛期值班值守工作",
    "开展安全生产大检查",
    "加强节日期间应急管理",
    "做好冬季森林防火工作",
    "报送突发事件信息",
    "开展信访积案化解",
];

const RESULTS: &[&str] = &[
    "已处置完毕，现场恢复正常",
    "已转交责任单位办理，对方已回复",
    "经核实为误报，已向来电人说明",
    "已按领导要求通知到位",
    "伤员已送医，道路已恢复通行",
    "已反馈来电人，对方表示满意",
];

fn person(rng: &mut Rng) -> String {
    format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES), rng.pick(TITLES))
}

fn phone(rng: &mut Rng) -> String {
    if rng.chance(65) {
        let second = rng.pick(&["3", "5", "7", "8", "9"]);
        format!("1{second}{:09}", rng.below(1_000_000_000))
    } else {
        let area = rng.pick(&["0371", "0871", "0379"]);
        format!("{area}-6{:07}", rng.below(10_000_000))
    }
}

fn content(rng: &mut Rng, kind: EntryKind, unit: &str, who: &str, at: NaiveDateTime) -> String {
    let place = rng.pick(PLACES);
    let event = rng.pick(EVENTS);
    let detail = rng.pick(DETAILS);
    let dept = rng.pick(DEPARTMENTS);
    let leader = rng.pick(LEADERS);
    let mut text = match kind {
        EntryKind::OutgoingCall => format!(
            "通知{unit}：{}，请于{}:00前报送{}。",
            rng.pick(NOTICES),
            8 + rng.below(10),
            rng.pick(&["值班安排", "排查情况", "核实结果", "处置进展"])
        ),
        EntryKind::Fax | EntryKind::Telegram | EntryKind::Letter => format!(
            "收到{unit}《关于{}的通知》（{}〔{}〕{}号），共{}页，已登记并转{dept}办理。",
            rng.pick(TOPICS),
            rng.pick(&["县政办", "应急", "防指", "市政办"]),
            at.format("%Y"),
            1 + rng.below(120),
            1 + rng.below(12)
        ),
        EntryKind::Other => format!(
            "{leader}交办：{}，请{dept}于{}日前反馈。",
            rng.pick(NOTICES),
            1 + rng.below(28)
        ),
        _ => match rng.below(3) {
            0 => format!("{unit}报告：{place}发生{event}，{detail}，已安排专人跟进。"),
            1 => format!("{who}来电反映：{place}{event}，{detail}，请求有关部门尽快处理。"),
            _ => format!(
                "{unit}电话报告{}许{place}发生{event}，{detail}。已报带班领导{leader}，按领导要求通知{dept}到场处置。",
                at.format("%H:%M")
            ),
        },
    };
    if rng.chance(5) {
        text.push_str(&format!("\n补充：{}，{}。", rng.pick(DETAILS), rng.pick(DETAILS)));
    }
    text
}

/// One realistic entry at `occurred_at`; `recent` entries are more often still open.
fn gen_entry(rng: &mut Rng, occurred_at: NaiveDateTime, recent: bool) -> NewEntry {
    let kind = rng.weighted(&[
        (EntryKind::IncomingCall, 55),
        (EntryKind::OutgoingCall, 15),
        (EntryKind::Fax, 5),
        (EntryKind::Telegram, 1),
        (EntryKind::Letter, 8),
        (EntryKind::Event, 10),
        (EntryKind::Other, 6),
    ]);
    let triage = rng.weighted(&[
        (Triage::Routine, 70),
        (Triage::NextShift, 12),
        (Triage::AskLeader, 10),
        (Triage::Urgent, 8),
    ]);
    let status = if recent {
        rng.weighted(&[(Status::Pending, 40), (Status::InProgress, 30), (Status::Done, 30)])
    } else {
        rng.weighted(&[(Status::Pending, 2), (Status::InProgress, 5), (Status::Done, 93)])
    };
    let unit = rng.pick(UNITS).to_string();
    let who = if kind == EntryKind::IncomingCall && rng.chance(5) {
        rng.pick(&["群众", "未留姓名"]).to_string()
    } else {
        person(rng)
    };
    let text = content(rng, kind, &unit, &who, occurred_at);
    let minutes = |rng: &mut Rng, max: u64| chrono::Duration::minutes(i64::try_from(rng.below(max)).unwrap_or(0));
    let recorded_at = occurred_at + minutes(rng, 20);
    let (forwarded_to, forwarded_at) = if kind.is_document() && rng.chance(80) {
        (rng.pick(DEPARTMENTS).to_string(), Some(recorded_at + minutes(rng, 90)))
    } else {
        (String::new(), None)
    };
    let (result, closed_at) = if status == Status::Done {
        (rng.pick(RESULTS).to_string(), Some(recorded_at + minutes(rng, 60 * 48)))
    } else {
        (String::new(), None)
    };
    let officer = rng.pick(OFFICERS).to_string();
    NewEntry {
        kind,
        category: rng.pick(CATEGORIES).to_string(),
        occurred_at,
        unit,
        person: who,
        phone: if rng.chance(85) { phone(rng) } else { String::new() },
        receiver: officer.clone(),
        content: text,
        reported_elsewhere: if rng.chance(25) {
            format!("已报{}", rng.pick(DEPARTMENTS))
        } else {
            String::new()
        },
        read_back: (kind == EntryKind::OutgoingCall).then(|| rng.chance(95)),
        forwarded_to,
        forwarded_at,
        triage,
        status,
        proposal: if triage == Triage::AskLeader {
            format!("拟请{}阅示", rng.pick(LEADERS))
        } else {
            String::new()
        },
        result,
        handler: if status == Status::Pending {
            String::new()
        } else {
            person(rng)
        },
        closed_at,
        recorded_by: officer,
        recorded_at,
    }
}

fn sql_time(t: NaiveDateTime) -> String {
    t.format(TIME_FORMAT).to_string()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT).expect("fixed time")
}

// ---------------------------------------------------------------------------------------------
// The database

fn bench_dir() -> PathBuf {
    // target/<profile>/deps/log_list-<hash> → target/bench-data
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|t| t.join("CACHEDIR.TAG").exists())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Whether `path` holds a finished generation of `rows` entries.
fn is_complete(path: &Path, rows: usize) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(conn) = Connection::open(path) else { return false };
    let count: rusqlite::Result<(i64, i64)> =
        conn.query_row("SELECT count(*), coalesce(max(id), 0) FROM log_entry", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
    let n = i64::try_from(rows).unwrap_or(i64::MAX);
    matches!(count, Ok((c, m)) if c == n && m == n)
}

/// Generates `rows` entries in time order over ten years into a new file at `path`.
///
/// The schema comes from the real `Store::open` (migrations, triggers, WAL). The rows do not go
/// through `Store::insert_entry`: that is one committed `synchronous=FULL` transaction per entry,
/// each waiting for an fsync — right for an officer saving one entry, far too slow for seeding a
/// million (≈0.15 ms each on this VM's cache-backed disk is minutes; at the few milliseconds an
/// fsync takes on an ordinary disk it is hours), against seconds for one transaction. So one
/// rusqlite connection inserts every row in a single transaction, with the exact column list of
/// migrations/0001_init.sql (`id` is the rowid, assigned 1..=rows in time order, as the app would
/// have assigned it).
fn generate(path: &Path, rows: usize) -> (Duration, u64) {
    let started = Instant::now();
    let tmp = path.with_extension("db.tmp");
    remove_db(&tmp);
    drop(Store::open(&tmp).expect("create the schema with Store::open"));

    let mut conn = Connection::open(&tmp).expect("open for bulk load");
    // Generation needs no durability: a crash means regenerating. WAL stays (as the app set it).
    conn.pragma_update(None, "synchronous", "OFF").expect("pragma");
    conn.pragma_update(None, "cache_size", -65_536).expect("pragma");
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("first day");
    let span_secs = YEARS * 36_525 * 864; // ten years of 365.25 days
    let mean_gap = (span_secs / i64::try_from(rows.max(1)).unwrap_or(1)).max(1);
    let recent_from = rows.saturating_sub(rows / 200); // the newest 0.5 % are still being worked
    let mut rng = Rng::new(0x5EED_2016_0101);
    let mut t = first;
    let tx = conn.transaction().expect("begin");
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO log_entry (kind, category, occurred_at, unit, person, phone, receiver, content, \
                 reported_elsewhere, read_back, forwarded_to, forwarded_at, triage, status, proposal, result, \
                 handler, closed_at, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )
            .expect("prepare insert");
        for i in 0..rows {
            // Gaps uniform in 0..2×mean: in time order, ties in the same second allowed.
            let gap = i64::try_from(rng.below(u64::try_from(2 * mean_gap).unwrap_or(1))).unwrap_or(0);
            t += chrono::Duration::seconds(gap);
            let e = gen_entry(&mut rng, t, i >= recent_from);
            stmt.execute(params![
                e.kind.label(),
                e.category,
                sql_time(e.occurred_at),
                e.unit,
                e.person,
                e.phone,
                e.receiver,
                e.content,
                e.reported_elsewhere,
                e.read_back,
                e.forwarded_to,
                e.forwarded_at.map(sql_time),
                e.triage.label(),
                e.status.label(),
                e.proposal,
                e.result,
                e.handler,
                e.closed_at.map(sql_time),
                e.recorded_by,
                sql_time(e.recorded_at),
            ])
            .expect("insert");
            if (i + 1) % 100_000 == 0 {
                eprintln!("  … {} rows", i + 1);
            }
        }
    }
    tx.commit().expect("commit");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    conn.close().map_err(|(_, e)| e).expect("close");
    remove_db(path);
    std::fs::rename(&tmp, path).expect("rename the finished file");
    remove_db(&tmp);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    (started.elapsed(), size)
}

// ---------------------------------------------------------------------------------------------
// Measuring

struct Stats {
    name: String,
    n: usize,
    median: Duration,
    p95: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(name: &str, mut samples: Vec<Duration>) -> Stats {
    assert!(!samples.is_empty(), "no samples for {name}");
    samples.sort_unstable();
    let n = samples.len();
    let q = |p: f64| {
        // Nearest rank: the smallest sample with at least p of them at or below it.
        let rank = (p * n as f64).ceil() as usize;
        samples[rank.clamp(1, n) - 1]
    };
    let s = Stats {
        name: name.to_string(),
        n,
        median: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        max: samples[n - 1],
    };
    println!(
        "{:<58} n={:<6} median {}  p95 {}  p99 {}  max {}",
        s.name,
        s.n,
        ms(s.median),
        ms(s.p95),
        ms(s.p99),
        ms(s.max)
    );
    s
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let v = f();
    (start.elapsed(), v)
}

fn settings() -> zhiban::core::app::Settings {
    zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .expect("built-in config")
        .settings
}

/// A terminal of `cols`×`rows` and an app on the list, as the runtime starts it.
struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
    alerter: RecordingAlerter,
}

impl Screen {
    fn new(store: &mut Store, cols: u16, rows: u16) -> Self {
        let now = at(NOW);
        let mut app = App::new(settings(), Some("张三".into()), now);
        let mut alerter = RecordingAlerter::default();
        let viewport = zhiban::ui::list_rows_for(&app, rows);
        dispatch(&mut app, store, &mut alerter, Msg::Viewport(viewport), now);
        let start = app.start();
        run_effects(&mut app, store, &mut alerter, start, now);
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
        terminal.draw(|f| zhiban::ui::render(&app, f)).expect("draw");
        Self { app, terminal, alerter }
    }

    /// One key press: dispatch (page loads included) and a full frame.
    fn press(&mut self, store: &mut Store, key: Key) {
        dispatch(&mut self.app, store, &mut self.alerter, Msg::Key(key), at(NOW));
        self.terminal.draw(|f| zhiban::ui::render(&self.app, f)).expect("draw");
    }
}

fn window(app: &App) -> (Option<EntryKey>, Option<EntryKey>) {
    let rows = &app.log.list.rows;
    (rows.first().map(|r| r.key()), rows.last().map(|r| r.key()))
}

/// Presses `key` `times` times, timing each press to frame; also reports the presses that loaded
/// a page and where the selection ended.
fn scroll(store: &mut Store, total: usize, size: (u16, u16), key: KeyCode, times: usize, label: &str) -> Stats {
    let (cols, rows) = size;
    let mut screen = Screen::new(store, cols, rows);
    let mut samples = Vec::with_capacity(times);
    let mut loading = Vec::new();
    for _ in 0..times {
        let before = window(&screen.app);
        let (d, ()) = time(|| screen.press(store, Key::plain(key)));
        samples.push(d);
        if window(&screen.app) != before {
            loading.push(d);
        }
    }
    let s = stats(&format!("(c) {label} at {cols}x{rows}"), samples);
    let list = &screen.app.log.list;
    let selected = list.selected_row().map_or(0, |r| r.id);
    // Ids were assigned in time order, so n rows down from the newest is entry `newest - n`.
    let step = if key == KeyCode::PageDown { list.viewport } else { 1 };
    let expected = i64::try_from(total.saturating_sub(times * step).max(1)).unwrap_or(0);
    loading.sort_unstable();
    println!(
        "      viewport {} rows, window {} rows; {} presses loaded a page (median {}, max {}); \
         ended on entry {selected} (expected {expected})",
        list.viewport,
        list.rows.len(),
        loading.len(),
        loading.get(loading.len() / 2).map_or_else(|| "-".into(), |d| ms(*d)),
        loading.last().map_or_else(|| "-".into(), |d| ms(*d)),
    );
    s
}

fn page(store: &Store, anchor: Anchor) -> Vec<zhiban::core::log::EntrySummary> {
    store
        .page(&PageRequest {
            anchor,
            limit: 50,
            select: None,
        })
        .expect("page")
}

fn key_of(store: &Store, id: i64) -> EntryKey {
    let e = store.entry(id).expect("entry");
    EntryKey {
        occurred_at: e.fields.occurred_at,
        id,
    }
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Prints the process's peak and current resident memory after a phase.
fn memory(after: &str) {
    let kb = |field| status_kb(field).map_or_else(|| "?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "      memory after {after}: peak {}, now {}",
        kb("VmHWM:"),
        kb("VmRSS:")
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the first plain argument is the row count.
    let rows: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(DEFAULT_ROWS, |a| a.replace('_', "").parse().expect("row count"));
    assert!(rows >= 1_000, "use at least 1,000 rows");
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("bench-data directory");
    let path = dir.join(format!("log-{rows}.db"));

    println!("# log_list benchmark: {rows} duty-log entries");
    if is_complete(&path, rows) {
        println!("data: {} (cached; delete it to regenerate)", path.display());
    } else {
        println!("data: generating {} …", path.display());
        let (took, size) = generate(&path, rows);
        println!(
            "generated {rows} entries in {:.1} s ({:.0} rows/s); file {} bytes ({:.0} MiB)",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64(),
            size,
            size as f64 / 1_048_576.0
        );
        // Measure in a fresh process: memory the generator freed is not all returned to the
        // system and would otherwise count in the peak RSS of (f).
        println!("measuring in a fresh process …");
        let status = Command::new(std::env::current_exe().expect("own path"))
            .args(std::env::args_os().skip(1))
            .status()
            .expect("re-run for the measurements");
        std::process::exit(status.code().unwrap_or(1));
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("file size: {size} bytes ({:.0} MiB)", size as f64 / 1_048_576.0);
    memory("start of measurements");

    let mut table = Vec::new();

    // (a) Cold-ish start. The OS page cache is warm (dropping it needs privileges this machine
    // does not give); SQLite's own cache, the schema and the migration check start from nothing.
    let mut samples = Vec::new();
    for _ in 0..300 {
        let (d, store) = time(|| {
            let store = Store::open(&path).expect("open");
            let first = page(&store, Anchor::Newest);
            assert_eq!(first.len(), 50);
            store
        });
        samples.push(d);
        drop(store);
    }
    table.push(stats("(a) Store::open + first page (Newest, 50)", samples));

    let mut samples = Vec::new();
    for _ in 0..300 {
        let (d, screen) = time(|| {
            let mut store = Store::open(&path).expect("open");
            // Screen::new parses the config, starts the app (events and the first page) and draws.
            let screen = Screen::new(&mut store, 80, 24);
            (screen, store)
        });
        samples.push(d);
        assert!(screen.0.app.log.list.loaded);
        drop(screen);
    }
    table.push(stats("(a) open → config, app, first page, first frame 80x24", samples));

    // The real binary, as a separate process: exec, config, open, 50 newest, printed.
    let exe = env!("CARGO_BIN_EXE_zhiban");
    let xdg = dir.join("xdg-empty");
    std::fs::create_dir_all(&xdg).expect("empty config dir");
    let mut samples = Vec::new();
    for _ in 0..100 {
        let (d, status) = time(|| {
            Command::new(exe)
                .arg("--db")
                .arg(&path)
                .args(["log", "list", "--limit", "50"])
                .env("XDG_CONFIG_HOME", &xdg)
                .env_remove("ZHIBAN_DB")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run zhiban")
        });
        assert!(status.success(), "zhiban log list failed: {status}");
        samples.push(d);
    }
    table.push(stats("(a) process: `zhiban log list --limit 50`", samples));
    memory("(a)");

    // (b) Keyset pages deep in the log.
    let mut store = Store::open(&path).expect("open");
    let n = i64::try_from(rows).expect("rows");
    let middle = key_of(&store, n / 2);
    let oldest_end = key_of(&store, 120);
    let reps = 2_000;
    let run = |name: &str, anchor: Anchor| {
        let samples = (0..reps).map(|_| time(|| page(&store, anchor)).0).collect();
        stats(name, samples)
    };
    table.push(run("(b) Before(middle key), 50 rows", Anchor::Before(middle)));
    table.push(run("(b) After(middle key), 50 rows", Anchor::After(middle)));
    table.push(run(
        "(b) Before(key of entry 120, oldest end), 50 rows",
        Anchor::Before(oldest_end),
    ));
    table.push(run("(b) Oldest (End key), 50 rows", Anchor::Oldest));
    // Successive older pages from the middle, as scrolling does: each reads new index pages.
    let mut key = middle;
    let mut samples = Vec::new();
    let walk = reps.min(rows / 2 / 50 - 1);
    for _ in 0..walk {
        let (d, rows) = time(|| page(&store, Anchor::Before(key)));
        key = rows.last().map_or(key, |r| r.key());
        samples.push(d);
    }
    table.push(stats(
        &format!("(b) {walk} successive older pages from the middle"),
        samples,
    ));
    // Jumps to random places across ten years (the page cache is cold for most of them).
    let mut rng = Rng::new(7);
    let keys: Vec<EntryKey> = (0..reps)
        .map(|_| {
            key_of(
                &store,
                100 + i64::try_from(rng.below(u64::try_from(n - 100).unwrap_or(1))).unwrap_or(0),
            )
        })
        .collect();
    let samples = keys
        .iter()
        .map(|k| time(|| page(&store, Anchor::Before(*k))).0)
        .collect();
    table.push(stats("(b) Before(random key), 50 rows", samples));
    print_plans(&path, middle);
    memory("(b)");

    // (c) Key press to frame while scrolling.
    for (cols, rows_) in [(80, 24), (200, 50)] {
        let size = (cols, rows_);
        table.push(scroll(&mut store, rows, size, KeyCode::Down, 20_000, "Down ×20,000"));
        memory(&format!("(c) Down at {cols}x{rows_}"));
        table.push(scroll(
            &mut store,
            rows,
            size,
            KeyCode::PageDown,
            2_000,
            "PageDown ×2,000",
        ));
    }

    // (d) Typing Chinese into the new-entry form.
    table.extend(typing(&mut store));
    memory("(d)");
    drop(store);

    // (e) Saving one entry, committed. On a copy, so the cached data stays exactly `rows` entries.
    table.push(saves(&path, &dir, rows));
    memory("(e)");

    // (f) Peak memory.
    let hwm = status_kb("VmHWM:").unwrap_or(0);
    let rss = status_kb("VmRSS:").unwrap_or(0);
    println!(
        "(f) peak RSS (VmHWM) of the measuring process: {hwm} kB ({:.1} MiB); RSS now {rss} kB",
        hwm as f64 / 1024.0
    );

    println!();
    println!("| measurement ({rows} entries) | n | median | p95 | p99 | max |");
    println!("|---|---:|---:|---:|---:|---:|");
    for s in &table {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            s.name,
            s.n,
            ms(s.median),
            ms(s.p95),
            ms(s.p99),
            ms(s.max)
        );
    }
    println!("| (f) peak RSS (VmHWM) | | {:.1} MiB | | | |", hwm as f64 / 1024.0);
    println!(
        "| database file | | {:.0} MiB ({size} bytes) | | | |",
        size as f64 / 1_048_576.0
    );
}

/// Prints SQLite's plan for the page queries (the same SQL `Store::page` builds).
fn print_plans(path: &Path, key: EntryKey) {
    let conn = Connection::open(path).expect("open for plans");
    let cols = "id, occurred_at, kind, unit, person, content, triage, status";
    for (what, cond, order) in [
        ("Newest", "", "DESC"),
        ("Before", "WHERE (occurred_at, id) < (?2, ?3)", "DESC"),
        ("After", "WHERE (occurred_at, id) > (?2, ?3)", "ASC"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT {cols} FROM log_entry {cond} ORDER BY occurred_at {order}, id {order} LIMIT ?1"
        );
        let mut stmt = conn.prepare(&sql).expect("plan");
        let mut args: Vec<rusqlite::types::Value> = vec![50.into()];
        if !cond.is_empty() {
            args.extend([sql_time(key.occurred_at).into(), key.id.into()]);
        }
        let detail: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan rows");
        println!("      plan {what}: {}", detail.join("; "));
    }
}

/// (d): `n`, Tab to 内容, then '张' key to frame. The field is cleared (untimed) every 500
/// characters so the figure is for a realistic report length; a second figure types the last
/// 100 characters up to the field's 4,000-character cap.
fn typing(store: &mut Store) -> Vec<Stats> {
    let mut screen = Screen::new(store, 80, 24);
    screen.press(store, Key::ch('n'));
    let focused = |app: &App| app.log.form.as_ref().and_then(|f| f.form.focused()).map(|f| f.key);
    for _ in 0..20 {
        if focused(&screen.app) == Some(FieldKey::Log(LogField::Content)) {
            break;
        }
        screen.press(store, Key::plain(KeyCode::Tab));
    }
    assert_eq!(focused(&screen.app), Some(FieldKey::Log(LogField::Content)));
    let content = |app: &App| {
        app.log
            .form
            .as_ref()
            .map(|f| f.form.value(FieldKey::Log(LogField::Content)))
            .unwrap_or_default()
    };
    let mut samples = Vec::with_capacity(5_000);
    for i in 0..5_000 {
        if i % 500 == 0 {
            screen.press(store, Key::ctrl('u'));
            assert!(content(&screen.app).is_empty(), "Ctrl-U clears the field");
        }
        samples.push(time(|| screen.press(store, Key::ch('张'))).0);
    }
    let first = stats("(d) type '张' → frame, 80x24 (内容 0–500 chars)", samples);

    screen.press(store, Key::ctrl('u'));
    dispatch(
        &mut screen.app,
        store,
        &mut screen.alerter,
        Msg::Paste("张".repeat(3_900)),
        at(NOW),
    );
    let samples = (0..100)
        .map(|_| time(|| screen.press(store, Key::ch('张'))).0)
        .collect();
    let last = stats("(d) type '张' → frame, 80x24 (内容 3,900–4,000 chars)", samples);
    assert_eq!(content(&screen.app).chars().count(), 4_000);
    vec![first, last]
}

/// (e): 500 × `Store::insert_entry` of a realistic entry on a copy of the database.
fn saves(path: &Path, dir: &Path, rows: usize) -> Stats {
    let copy = dir.join(format!("log-{rows}-save.db"));
    remove_db(&copy);
    std::fs::copy(path, &copy).expect("copy the database");
    // Flush the copy now: otherwise the first checkpoint's fsync would write out all of it.
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .expect("sync the copy");
    let mut store = Store::open(&copy).expect("open the copy");
    let mut rng = Rng::new(99);
    let mut t = at(NOW);
    let mut samples = Vec::with_capacity(500);
    for _ in 0..500 {
        t += chrono::Duration::seconds(30);
        let e = gen_entry(&mut rng, t, true);
        let (d, saved) = time(|| store.insert_entry(&e));
        saved.expect("insert_entry");
        samples.push(d);
    }
    drop(store);
    remove_db(&copy);
    stats("(e) Store::insert_entry, committed (synchronous=FULL)", samples)
}
