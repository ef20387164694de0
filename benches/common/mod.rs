//! What the benchmarks share: a seeded random source, the realistic Chinese text of the duty log
//! (units, people, places, events and the sentences built from them), the cached data directory,
//! and the statistics they print. Included by each bench with `mod common;`.
#![allow(dead_code)] // each bench uses a different part

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use zhiban::core::log::EntryKind;

pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Seeded xorshift64* — deterministic data without the rand crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..hi` (hi > lo).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }

    /// True with probability `per_mille` / 1000.
    pub fn per_mille(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Picks by weight: `(value, weight)`.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
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

    pub fn minutes(&mut self, lo: u64, hi: u64) -> chrono::Duration {
        chrono::Duration::minutes(i64::try_from(self.range(lo, hi)).unwrap_or(0))
    }
}

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT).expect("fixed time")
}

pub fn sql_time(t: NaiveDateTime) -> String {
    t.format(TIME_FORMAT).to_string()
}

pub const UNITS: &[&str] = &[
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

pub const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "欧阳", "司马", "诸葛", "上官", "东方",
];

pub const GIVEN_NAMES: &[&str] = &[
    "建华", "建国", "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文涛", "志强", "海燕", "红梅", "国庆", "卫东", "晓明", "春花",
    "玉兰", "德胜", "永刚", "丽华", "宏伟", "子涵", "浩然", "长青", "乐乐", "重阳", "朝阳", "行健", "和平",
];

pub const TITLES: &[&str] = &[
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

pub const PLACES: &[&str] = &[
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

pub const EVENTS: &[&str] = &[
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

pub const DETAILS: &[&str] = &[
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

pub const DEPARTMENTS: &[&str] = &[
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

pub const LEADERS: &[&str] = &["王五", "赵六", "孙副县长", "刘主任", "陈副主任"];

pub const OFFICERS: &[&str] = &["张三", "李四", "周敏", "吴洋", "郑娟", "冯刚"];

pub const CATEGORIES: &[&str] = &["综合", "防汛抗旱", "安全生产", "社会稳定", "公共卫生", "信访", "其他"];

pub const NOTICES: &[&str] = &[
    "明日有强降雨，请做好防汛准备",
    "请落实节假日24小时值班和领导带班制度",
    "请排查辖区危旧房屋安全隐患",
    "请做好森林防火巡查",
    "请于今晚组织人员巡查河堤",
    "请核实网传信息并及时回复",
];

pub const TOPICS: &[&str] = &[
    "做好汛期值班值守工作",
    "开展安全生产大检查",
    "加强节日期间应急管理",
    "做好冬季森林防火工作",
    "报送突发事件信息",
    "开展信访积案化解",
];

pub const RESULTS: &[&str] = &[
    "已处置完毕，现场恢复正常",
    "已转交责任单位办理，对方已回复",
    "经核实为误报，已向来电人说明",
    "已按领导要求通知到位",
    "伤员已送医，道路已恢复通行",
    "已反馈来电人，对方表示满意",
];

pub fn person(rng: &mut Rng) -> String {
    format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES), rng.pick(TITLES))
}

pub fn content(rng: &mut Rng, kind: EntryKind, unit: &str, who: &str, at: NaiveDateTime) -> String {
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

pub fn bench_dir() -> PathBuf {
    // target/<profile>/deps/<bench>-<hash> → target/bench-data
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|t| t.join("CACHEDIR.TAG").exists())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// The size named on the command line (a bare number: the duty benchmark's `duty-<n>.db`),
/// else a million entries (ten years).
pub fn size_arg() -> u64 {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000)
}

/// A copy of the duty benchmark's ten-year file for one benchmark to change:
/// `target/bench-data/<name>-<n>.db`, made afresh unless `--reuse` is given and it exists. The
/// original — a path ending `.db` on the command line, else `duty-<n>.db` ([`size_arg`]) — is
/// never changed.
pub fn ten_year_copy(name: &str) -> PathBuf {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = size_arg();
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("the bench directory");
    let source = args
        .iter()
        .find(|a| a.ends_with(".db"))
        .map_or_else(|| dir.join(format!("duty-{n}.db")), PathBuf::from);
    let copy = dir.join(format!("{name}-{n}.db"));
    if args.iter().any(|a| a == "--reuse") && copy.exists() {
        return copy;
    }
    assert!(
        source.exists(),
        "{} is missing: run `cargo bench --bench duty -- --only=size` first, or name the file",
        source.display()
    );
    remove_db(&copy);
    std::fs::copy(&source, &copy).expect("copy the ten-year file");
    copy
}

pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

pub struct Stats {
    pub name: String,
    pub n: usize,
    pub median: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn stats(name: &str, mut samples: Vec<Duration>) -> Stats {
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
        "{:<64} n={:<6} median {}  p95 {}  p99 {}  max {}",
        s.name,
        s.n,
        ms(s.median),
        ms(s.p95),
        ms(s.p99),
        ms(s.max)
    );
    s
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

pub fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let v = f();
    (start.elapsed(), v)
}

/// `runs` × the real binary as its own process, `zhiban --db DB log list --limit 50`, with an empty
/// config directory under `dir`: exec, config, open, the 50 newest, printed.
pub fn time_log_list_process(dir: &Path, db: &Path, runs: usize) -> Vec<Duration> {
    let xdg = dir.join("xdg-empty");
    std::fs::create_dir_all(&xdg).expect("empty config dir");
    (0..runs)
        .map(|_| {
            let (d, status) = time(|| {
                std::process::Command::new(env!("CARGO_BIN_EXE_zhiban"))
                    .arg("--db")
                    .arg(db)
                    .args(["log", "list", "--limit", "50"])
                    .env("XDG_CONFIG_HOME", &xdg)
                    .env_remove("ZHIBAN_DB")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .expect("run zhiban")
            });
            assert!(status.success(), "zhiban log list failed: {status}");
            d
        })
        .collect()
}

pub fn settings() -> zhiban::core::app::Settings {
    zhiban::config::parse(zhiban::config::DEFAULT_TOML, None)
        .expect("built-in config")
        .settings
}

pub fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
