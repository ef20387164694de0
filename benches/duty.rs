//! Benchmark: the duty room at ten years — issue 7's table.
//!
//! `cargo bench --bench duty [-- ENTRIES]` (default 1,000,000 log entries, and one visit per five
//! entries: 200,000). The first run generates ten years of realistic records and imports them the
//! way a bulk import must (records, audit chain, search index), timing it; the result is cached in
//! `target/bench-data/duty-<ENTRIES>.db` (rebuilt if missing or incomplete). Then, in a fresh
//! process (so the generator's memory does not count), it measures on that file:
//!
//! * cold start to the first full frame (`Store::open`, the app's start effects — events, the
//!   quick audit check, the first page — a tick and one render at 80x24), and the real binary
//!   `zhiban log list --limit 50` as a process;
//! * key press to frame: scrolling the log (80x24, 200x50), typing Chinese into the new-entry
//!   form, into the visitor lookup box and into the visit form; opening the 来访登记 tab; and the
//!   lookup a pause in typing starts (the box asks the store only then);
//! * search, first page newest first: 1, 2, 3 and 5 character words and pinyin;
//! * saves, committed: a log entry and a visit (on a copy of the file);
//! * the handover draft (`Store::open_state` + `build_draft`);
//! * the file size (and per table with `dbstat`), and the peak resident memory (`VmHWM`).
//!
//! It prints a Markdown table against the goals of issue 7 at the end; `-- --only=cold,keys,search,
//! handover,plans,saves,size` measures a subset. Nothing here asserts on time: the figures are for
//! reading (docs/PERFORMANCE.md), not a pass/fail gate.
//!
//! The import. Writing 1.2 million records one committed `synchronous=FULL` transaction each
//! would take about ten minutes here and hours on an ordinary disk, so the import uses the store's
//! bulk-import mode (`Store::begin_import`): the store's own writes (`insert_entry`,
//! `add_instruction`, `add_visit` with its 重访 check, `checkout`, `sign_handover`), `BATCH`
//! changed rows per committed transaction, each batch with its audit rows chained as every write's
//! are (`zhiban verify` — the full check — passes on the result), a WAL checkpoint every 64 MiB
//! instead of at almost every batch.
//! The search index is then built by the store itself: `Store::open` finds records without
//! documents and backfills them, as it does for any database loaded in bulk. Records are written
//! in their final state (a closed entry with its result, a visit with its departure in the same
//! batch), as an import from an older system would; the generation of the text is inside the
//! timed import and reported separately.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::{Connection, OpenFlags, params};

use zhiban::core::app::{App, Msg};
use zhiban::core::handover::{Check, Draft, OpenEntry, OpenState, Previous, VisitorInside, build_draft};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::{EntryKey, EntryKind, Instruction, InstructionRequest, LogField, NewEntry, Status, Triage};
use zhiban::core::log_screen::LogKey;
use zhiban::core::search::SearchQuery;
use zhiban::core::visit::{IdType, NewVisit, RepresentativeDraft, VisitDraft, VisitField, build_visit};
use zhiban::core::visit_screen::VisitFormKey;
use zhiban::runtime::notify::RecordingAlerter;
use zhiban::runtime::{dispatch, run_effects};
use zhiban::store::Store;
use zhiban::store::search::BackfillProgress;

const DEFAULT_ENTRIES: usize = 1_000_000;
/// One visit per this many log entries (200,000 visits for a million entries).
const ENTRIES_PER_VISIT: usize = 5;
/// The generated years start here …
const FIRST: &str = "2016-01-01 00:00:00";
/// … and end at "now": the fixed clock of every measurement, a Wednesday morning ten years on,
/// ten minutes before the daily 08:30 handover.
const NOW: &str = "2025-12-31 08:20:00";
/// Records per import transaction (the store's own backfill uses the same batch).
const BATCH: usize = 5_000;
/// Visitors still inside at `NOW` (entered this morning).
const INSIDE_AT_NOW: usize = 6;

// ---------------------------------------------------------------------------------------------
// Random numbers

// ---------------------------------------------------------------------------------------------
// Realistic text (the duty log's tables are those of benches/log_list.rs)

/// Surnames read differently from their common reading (曾 zeng, 单 shan, 解 xie …), and compound
/// ones: the pinyin lookup must find them by their surname reading.
const POLYPHONIC_SURNAMES: &[&str] = &[
    "曾", "单", "解", "仇", "查", "区", "朴", "盖", "乐", "缪", "覃", "翟", "召", "种", "尉迟", "万俟", "长孙", "单于",
];

const INSTRUCTIONS: &[&str] = &[
    "请相关部门立即核实，妥善处置，及时报告进展",
    "同意，请属地政府牵头处理",
    "请应急局派员到场指导，确保人员安全",
    "请信访局做好解释疏导工作",
    "阅。请值班室跟踪落实",
];

// Visitors.

const EMPLOYERS: &[&str] = &[
    "",
    "",
    "县应急管理局",
    "县水利局",
    "城关镇人民政府",
    "县第一中学",
    "县建筑工程公司",
    "国网县供电公司",
    "县人民医院",
    "个体",
    "务农",
    "退休",
    "县融媒体中心",
    "市中级人民法院",
    "县农村信用合作联社",
    "新华书店县分店",
];

const PURPOSES: &[&str] = &[
    "联系工作",
    "送文件",
    "参加会议",
    "办理业务",
    "反映问题",
    "领取材料",
    "汇报工作",
    "维修设备",
    "送快递",
    "面试",
];

const HOSTS: &[&str] = &["办公室", "应急管理科", "综合科", "机要科"];
const PETITION_HOST: &str = "信访科";

const BELONGINGS: &[&str] = &[
    "文件袋",
    "笔记本电脑",
    "行李箱（已登记）",
    "工具包",
    "横幅（已暂存）",
    "材料一袋",
];

const HANDLINGS: &[&str] = &[
    "已联系被访人，同意接待",
    "被访人不在，已留言",
    "已引导至会议室",
    "材料已转交办公室",
];

const PETITION_HANDLINGS: &[&str] = &[
    "信访科接待，已登记转县信访局办理",
    "已引导至信访接待室，信访科科长接待",
    "已告知依法逐级走访，来访人表示理解",
    "已联系属地镇政府派员接回",
    "已答复：该事项已办结，来访人仍不满意",
];

const TOWNS: &[&str] = &[
    "城关镇",
    "李家集镇",
    "柳河乡",
    "王庄镇",
    "石桥镇",
    "北城街道",
    "东关街道",
];
const VILLAGES: &[&str] = &["张庄村", "李庄村", "红旗村", "前进社区", "幸福社区", "河西村", "南关村"];

const ISSUES: &[&str] = &[
    "征地补偿款未足额发放",
    "房屋拆迁安置不到位",
    "拖欠农民工工资",
    "邻里宅基地纠纷",
    "企业排污影响生活",
    "低保资格被取消",
    "小区物业纠纷",
    "土地承包经营权纠纷",
    "工伤认定有异议",
    "养老保险待遇问题",
];

const DEMANDS: &[&str] = &["要求尽快解决", "要求依法处理", "要求给予答复", "要求相关部门到场核实"];

/// Resident-ID address codes (county level).
const AREA_CODES: &[&str] = &[
    "530102", "530103", "530111", "530112", "530181", "410102", "410105", "410122", "410183", "371002", "110101",
    "310104", "440106", "510104", "420106", "320102", "330106", "610113", "370102", "130102", "340104", "350203",
];

const PLATE_PROVINCES: &[&str] = &["云", "云", "云", "豫", "川", "贵", "湘", "粤", "京"];
const PLATE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn visitor_name(rng: &mut Rng) -> String {
    let surname = if rng.chance(12) {
        rng.pick(POLYPHONIC_SURNAMES)
    } else {
        rng.pick(SURNAMES)
    };
    format!("{surname}{}", rng.pick(GIVEN_NAMES))
}

fn mobile(rng: &mut Rng) -> String {
    let second = rng.pick(&["3", "5", "7", "8", "9"]);
    format!("1{second}{:09}", rng.below(1_000_000_000))
}

fn phone(rng: &mut Rng) -> String {
    if rng.chance(65) {
        mobile(rng)
    } else {
        let area = rng.pick(&["0371", "0871", "0379"]);
        format!("{area}-6{:07}", rng.below(10_000_000))
    }
}

/// A valid 18-character 居民身份证 number (GB 11643: check character by ISO 7064 MOD 11-2).
fn resident_id(rng: &mut Rng, birth: NaiveDate, male: bool) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let order = rng.below(5) * 2 + u64::from(male); // the 17th digit: odd for men, even for women
    let body = format!(
        "{}{}{:02}{order}",
        rng.pick(AREA_CODES),
        birth.format("%Y%m%d"),
        rng.below(100)
    );
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = char::from(CHECK[usize::try_from(sum % 11).unwrap_or(0)]);
    format!("{body}{check}")
}

fn plate(rng: &mut Rng) -> String {
    let mut s = format!(
        "{}{}",
        rng.pick(PLATE_PROVINCES),
        char::from(b'A' + u8::try_from(rng.below(8)).unwrap_or(0))
    );
    let n = if rng.chance(15) { 6 } else { 5 };
    for _ in 0..n {
        s.push(char::from(
            PLATE_CHARS[usize::try_from(rng.below(PLATE_CHARS.len() as u64)).unwrap_or(0)],
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Log entries

/// How long an entry stays open after it was recorded, by triage. Most calls are dealt with while
/// they are recorded; 次日办理 waits for the next shift; a few matters (replies awaited, 信访) take
/// weeks.
fn open_for(rng: &mut Rng, triage: Triage) -> chrono::Duration {
    if triage != Triage::Routine && rng.per_mille(10) {
        return rng.minutes(3 * 1440, 45 * 1440);
    }
    match triage {
        Triage::Routine if rng.per_mille(5) => rng.minutes(1440, 3 * 1440),
        Triage::Routine => rng.minutes(0, 30),
        Triage::NextShift => rng.minutes(12 * 60, 36 * 60),
        Triage::AskLeader => rng.minutes(60, 12 * 60),
        Triage::Urgent => rng.minutes(30, 8 * 60),
    }
}

/// One generated entry, as it stands at `NOW`, with what the handover history needs.
struct GenEntry {
    entry: NewEntry,
    /// A leader's instruction (请示 entries), if given by `NOW`.
    instruction: Option<Instruction>,
    /// When it is (or will be) 已办结; after `NOW` it is still open.
    closes: NaiveDateTime,
}

/// One realistic entry at `occurred_at`, closed if its time to close has come by `now`.
fn gen_entry(rng: &mut Rng, occurred_at: NaiveDateTime, now: NaiveDateTime) -> GenEntry {
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
    let unit = rng.pick(UNITS).to_string();
    let who = if kind == EntryKind::IncomingCall && rng.chance(5) {
        rng.pick(&["群众", "未留姓名"]).to_string()
    } else {
        person(rng)
    };
    let text = content(rng, kind, &unit, &who, occurred_at);
    let recorded_at = (occurred_at + rng.minutes(0, 20)).min(now);
    let closes = (recorded_at + open_for(rng, triage)).max(recorded_at);
    let done = closes <= now;
    let status = if done {
        Status::Done
    } else if rng.chance(50) {
        Status::Pending
    } else {
        Status::InProgress
    };
    let (forwarded_to, forwarded_at) = if kind.is_document() && rng.chance(80) {
        (
            rng.pick(DEPARTMENTS).to_string(),
            Some((recorded_at + rng.minutes(0, 90)).min(now)),
        )
    } else {
        (String::new(), None)
    };
    let officer = rng.pick(OFFICERS).to_string();
    let instruction = if triage == Triage::AskLeader {
        let given_at = recorded_at + rng.minutes(10, 60);
        (given_at <= now && (done || rng.chance(60))).then(|| Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: rng.pick(LEADERS).to_string(),
            text: rng.pick(INSTRUCTIONS).to_string(),
            given_at,
            recorded_by: officer.clone(),
            recorded_at: (given_at + rng.minutes(0, 10)).min(now),
        })
    } else {
        None
    };
    let entry = NewEntry {
        abroad: false,
        withheld: None,
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
        result: if done {
            rng.pick(RESULTS).to_string()
        } else {
            String::new()
        },
        handler: if status == Status::Pending {
            String::new()
        } else {
            person(rng)
        },
        closed_at: done.then_some(closes),
        recorded_by: officer,
        recorded_at,
    };
    GenEntry {
        entry,
        instruction,
        closes,
    }
}

// ---------------------------------------------------------------------------------------------
// Visitors

/// Someone who comes to the building, once or many times.
struct Visitor {
    name: String,
    male: bool,
    id_type: IdType,
    id_number: String,
    phone: String,
    employer: String,
}

/// A petitioner: comes back with the same matter.
struct Petitioner {
    who: Visitor,
    address: String,
    matter: String,
}

fn gen_visitor(rng: &mut Rng) -> Visitor {
    let male = rng.chance(55);
    let id_type = rng.weighted(&[
        (IdType::ResidentId, 930),
        (IdType::Passport, 20),
        (IdType::HkMacauPermit, 10),
        (IdType::OfficerId, 10),
        (IdType::Other, 30),
    ]);
    let id_number = match id_type {
        IdType::ResidentId => {
            let birth = NaiveDate::from_ymd_opt(1940, 1, 1).expect("date")
                + chrono::Duration::days(i64::try_from(rng.below(60 * 365)).unwrap_or(0));
            resident_id(rng, birth, male)
        }
        IdType::Passport => format!("E{:08}", rng.below(100_000_000)),
        IdType::HkMacauPermit => format!("C{:08}", rng.below(100_000_000)),
        // Not drawn above, so the data set stays the one docs/PERFORMANCE.md measured.
        IdType::HkMacauResidentPermit => format!("H{:08}", rng.below(100_000_000)),
        IdType::TaiwanResidentPermit => format!("{:08}", rng.below(100_000_000)),
        IdType::OfficerId => format!(
            "{}字第{:07}号",
            rng.pick(&["南", "北", "成", "兰", "济"]),
            rng.below(10_000_000)
        ),
        IdType::Other => {
            if rng.chance(60) {
                format!("介绍信 {}", rng.pick(UNITS))
            } else {
                format!("工作证 {:04}", rng.below(10_000))
            }
        }
    };
    Visitor {
        name: visitor_name(rng),
        male,
        id_type,
        id_number,
        phone: if rng.chance(95) { mobile(rng) } else { String::new() },
        employer: rng.pick(EMPLOYERS).to_string(),
    }
}

fn gen_petitioner(rng: &mut Rng) -> Petitioner {
    let mut who = gen_visitor(rng);
    if who.id_type != IdType::ResidentId {
        let birth = NaiveDate::from_ymd_opt(1945, 1, 1).expect("date")
            + chrono::Duration::days(i64::try_from(rng.below(50 * 365)).unwrap_or(0));
        who.id_type = IdType::ResidentId;
        who.id_number = resident_id(rng, birth, who.male);
    }
    who.employer = rng.pick(&["", "务农", "个体", "退休", "无业"]).to_string();
    let town = rng.pick(TOWNS);
    let village = rng.pick(VILLAGES);
    Petitioner {
        address: format!("{town}{village}{}组{}号", 1 + rng.below(12), 1 + rng.below(80)),
        matter: format!("反映{town}{village}{}，{}。", rng.pick(ISSUES), rng.pick(DEMANDS)),
        who,
    }
}

/// The pools visits are drawn from: regulars come often, most people once or twice; petitioners
/// come back with the same matter, a few of them very often.
struct Pools {
    visitors: Vec<Visitor>,
    petitioners: Vec<Petitioner>,
}

impl Pools {
    fn new(rng: &mut Rng, visits: usize) -> Self {
        Self {
            visitors: (0..(visits * 6 / 10).max(100)).map(|_| gen_visitor(rng)).collect(),
            petitioners: (0..(visits / 100).max(20)).map(|_| gen_petitioner(rng)).collect(),
        }
    }

    /// People who came before, read from the database (a few hundred): for the saves, so the
    /// measuring process does not hold the generator's pools (they would count in its peak memory)
    /// and saved visits are 重访 as often as at the desk.
    fn sample(path: &Path, n: usize) -> Self {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
        let max: i64 = conn
            .query_row("SELECT max(id) FROM visit", [], |r| r.get(0))
            .expect("max visit");
        let mut rng = Rng::new(0x5A3F);
        let mut stmt = conn
            .prepare(
                "SELECT name, gender, id_type, id_number, phone, employer, is_petition, petition_address, \
                 petition_matter FROM visit WHERE id = ?1",
            )
            .expect("prepare");
        let mut pools = Self {
            visitors: Vec::new(),
            petitioners: Vec::new(),
        };
        while pools.visitors.len() < n || pools.petitioners.len() < n / 10 {
            let id = 1 + i64::try_from(rng.below(u64::try_from(max).unwrap_or(1))).unwrap_or(0);
            let (who, petition): (Visitor, Option<(String, String)>) = stmt
                .query_row([id], |r| {
                    Ok((
                        Visitor {
                            name: r.get(0)?,
                            male: r.get::<_, String>(1)? == "男",
                            id_type: IdType::parse(&r.get::<_, String>(2)?).unwrap_or(IdType::Other),
                            id_number: r.get(3)?,
                            phone: r.get(4)?,
                            employer: r.get(5)?,
                        },
                        if r.get::<_, bool>(6)? {
                            Some((r.get(7)?, r.get(8)?))
                        } else {
                            None
                        },
                    ))
                })
                .expect("a visit");
            match petition {
                Some((address, matter)) => pools.petitioners.push(Petitioner { who, address, matter }),
                None if pools.visitors.len() < n => pools.visitors.push(who),
                None => {}
            }
        }
        // And as many people who never came before.
        let mut fresh = Rng::new(0x0E11);
        pools.visitors.extend((0..n).map(|_| gen_visitor(&mut fresh)));
        pools
    }

    fn index(rng: &mut Rng, len: usize, hot_percent: usize, hot_share: u64) -> usize {
        let hot = (len * hot_percent / 100).max(1);
        let i = if rng.chance(hot_share) {
            rng.below(hot as u64)
        } else {
            rng.below(len as u64)
        };
        usize::try_from(i).unwrap_or(0)
    }
}

/// The draft an officer's form would hold for one visit (entered when it is saved).
fn gen_visit_draft(rng: &mut Rng, pools: &Pools) -> VisitDraft {
    let petition = rng.chance(5);
    let (v, petitioner) = if petition {
        let p = &pools.petitioners[Pools::index(rng, pools.petitioners.len(), 5, 40)];
        (&p.who, Some(p))
    } else {
        (&pools.visitors[Pools::index(rng, pools.visitors.len(), 2, 30)], None)
    };
    let gender = if v.id_type == IdType::ResidentId && rng.chance(60) {
        String::new() // read from the number
    } else if v.male {
        "男".into()
    } else {
        "女".into()
    };
    let people = if petition {
        if rng.chance(12) {
            rng.range(5, 41)
        } else {
            rng.range(1, 5)
        }
    } else if rng.chance(10) {
        rng.range(2, 9)
    } else {
        1
    };
    let companions = if !petition && people > 1 {
        (1..people).map(|_| visitor_name(rng)).collect::<Vec<_>>().join("、")
    } else {
        String::new()
    };
    let mut draft = VisitDraft {
        name: v.name.clone(),
        gender,
        id_type: v.id_type.label().into(),
        id_number: v.id_number.clone(),
        employer: v.employer.clone(),
        phone: v.phone.clone(),
        people_count: if people > 1 { people.to_string() } else { String::new() },
        companions,
        purpose: if petition {
            "信访".into()
        } else {
            rng.pick(PURPOSES).into()
        },
        host: if petition {
            PETITION_HOST.into()
        } else {
            rng.pick(HOSTS).into()
        },
        plate: if rng.chance(18) { plate(rng) } else { String::new() },
        belongings: if rng.chance(20) {
            rng.pick(BELONGINGS).into()
        } else {
            String::new()
        },
        handling: if petition {
            rng.pick(PETITION_HANDLINGS).into()
        } else if rng.chance(15) {
            rng.pick(HANDLINGS).into()
        } else {
            String::new()
        },
        entered_at: String::new(), // the time of saving
        petition,
        petition_address: petitioner.map(|p| p.address.clone()).unwrap_or_default(),
        petition_matter: petitioner.map(|p| p.matter.clone()).unwrap_or_default(),
        representatives: Vec::new(),
        liaison: None,
    };
    if petition && people >= 5 {
        // 集体访: 1-5 representatives, the visitor at the desk first, one of them the liaison.
        let n = usize::try_from(rng.range(1, 6)).unwrap_or(1);
        let birth = |rng: &mut Rng| {
            NaiveDate::from_ymd_opt(1950, 1, 1).expect("date")
                + chrono::Duration::days(i64::try_from(rng.below(45 * 365)).unwrap_or(0))
        };
        let mut reps = vec![RepresentativeDraft {
            name: v.name.clone(),
            id_number: v.id_number.clone(),
            phone: v.phone.clone(),
        }];
        for _ in 1..n {
            let male = rng.chance(50);
            reps.push(RepresentativeDraft {
                name: visitor_name(rng),
                id_number: if rng.chance(70) {
                    let b = birth(rng);
                    resident_id(rng, b, male)
                } else {
                    String::new()
                },
                phone: if rng.chance(60) { mobile(rng) } else { String::new() },
            });
        }
        draft.liaison = Some(usize::try_from(rng.below(n as u64)).unwrap_or(0));
        draft.representatives = reps;
    }
    draft
}

// ---------------------------------------------------------------------------------------------
// The import

/// Writes records through the store's own writes (`Store::insert_entry`, `add_instruction`,
/// `add_visit` and `checkout`, `sign_handover`) in the store's bulk-import mode
/// ([`Store::begin_import`]): `BATCH` changed rows per committed transaction, each batch with its
/// audit rows, a WAL checkpoint every 64 MiB and one at the end.
struct Loader<'s> {
    store: &'s mut Store,
    /// Batch commits: the audit rows (digests and chain) and the COMMIT.
    commit_time: Duration,
    /// The last batch and the final WAL checkpoint.
    finish_time: Duration,
}

impl<'s> Loader<'s> {
    fn new(store: &'s mut Store) -> Self {
        store.begin_import().expect("begin the import");
        Self {
            store,
            commit_time: Duration::ZERO,
            finish_time: Duration::ZERO,
        }
    }

    /// Ends a record: commits once the batch is full (never between a visit and its departure).
    fn end_record(&mut self) {
        if self.store.import_batch_rows() >= BATCH {
            self.commit();
        }
    }

    fn commit(&mut self) {
        let started = Instant::now();
        self.store.commit_import_batch().expect("commit a batch");
        self.commit_time += started.elapsed();
    }

    fn finish(&mut self) {
        let started = Instant::now();
        self.store.finish_import().expect("finish the import");
        self.finish_time += started.elapsed();
    }

    fn entry(&mut self, e: &NewEntry) -> i64 {
        self.store.insert_entry(e).expect("insert entry").0
    }

    fn instruction(&mut self, entry_id: i64, i: &Instruction) {
        self.store
            .add_instruction(&InstructionRequest {
                entry_id,
                instruction: i.clone(),
            })
            .expect("add instruction");
    }

    /// A visit as the desk registers it (the store finds the visit it repeats), and its
    /// departure.
    fn visit(&mut self, v: &NewVisit, left: Option<(NaiveDateTime, &str)>) -> i64 {
        let id = self.store.add_visit(v).expect("add visit");
        if let Some((t, by)) = left {
            self.store.checkout(id, by, t).expect("check out");
        }
        id
    }

    /// A signed handover (no new PINs).
    fn handover(&mut self, d: &Draft, signed_at: NaiveDateTime) -> i64 {
        self.store.sign_handover(d, &[], signed_at).expect("sign handover")
    }
}

/// Visit times: office hours on working days (fewer at weekends), in time order; the last few
/// enter on the final morning and are still inside at `NOW`.
struct VisitTimes {
    rng: Rng,
    day: NaiveDate,
    last_day: NaiveDate,
    /// Cumulative weight and visits placed so far, to spread `total` over the days.
    weight_done: f64,
    weight_total: f64,
    placed: usize,
    total: usize,
    queue: std::collections::VecDeque<NaiveDateTime>,
    tail: Vec<NaiveDateTime>,
}

impl VisitTimes {
    fn new(first: NaiveDate, now: NaiveDateTime, total: usize) -> Self {
        let last_day = now.date().pred_opt().expect("a day before now");
        let weight = |d: NaiveDate| {
            if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                0.25
            } else {
                1.0
            }
        };
        let weight_total = first.iter_days().take_while(|d| *d <= last_day).map(weight).sum();
        let regular = total.saturating_sub(INSIDE_AT_NOW);
        let tail = (0..total - regular)
            .map(|k| now - chrono::Duration::minutes(50 - 8 * i64::try_from(k).unwrap_or(0)))
            .collect();
        Self {
            rng: Rng::new(0x7151_7000),
            day: first,
            last_day,
            weight_done: 0.0,
            weight_total,
            placed: 0,
            total: regular,
            queue: std::collections::VecDeque::new(),
            tail,
        }
    }

    fn peek(&mut self) -> Option<NaiveDateTime> {
        while self.queue.is_empty() && self.day <= self.last_day {
            let w = if matches!(self.day.weekday(), Weekday::Sat | Weekday::Sun) {
                0.25
            } else {
                1.0
            };
            self.weight_done += w;
            let target = if self.day == self.last_day {
                self.total
            } else {
                ((self.weight_done / self.weight_total) * self.total as f64).round() as usize
            };
            let n = target.saturating_sub(self.placed);
            self.placed += n;
            let open = self.day.and_hms_opt(8, 0, 0).expect("08:00");
            let mut times: Vec<NaiveDateTime> = (0..n)
                .map(|_| open + chrono::Duration::seconds(i64::try_from(self.rng.below(9 * 3600 + 1800)).unwrap_or(0)))
                .collect();
            times.sort_unstable();
            self.queue.extend(times);
            self.day = self.day.succ_opt().expect("next day");
        }
        if self.queue.is_empty() && !self.tail.is_empty() {
            self.queue.extend(self.tail.drain(..));
        }
        self.queue.front().copied()
    }

    fn pop(&mut self) {
        self.queue.pop_front();
    }
}

/// What the import did, for the report.
#[derive(Default)]
struct ImportReport {
    entries: u64,
    instructions: u64,
    visits: u64,
    representatives: u64,
    petitions: u64,
    collective: u64,
    repeats: u64,
    handovers: u64,
    handover_items: u64,
    audit_rows: u64,
    open_entries_now: u64,
    inside_now: u64,
    schema: Duration,
    generate: Duration,
    records: Duration,
    commits: Duration,
    finish: Duration,
    backfill: Duration,
    merge: Duration,
    checkpoint: Duration,
    total: Duration,
    peak_rss_kib: u64,
}

/// Generates ten years of the duty room into a new file at `path` and imports it: the schema by
/// `Store::open`, records and their audit rows in batches, then `Store::open` again, which builds
/// the search index (the store's own backfill, as for any database loaded in bulk).
fn generate(path: &Path, entries: usize) -> ImportReport {
    let visits = entries / ENTRIES_PER_VISIT;
    let now = at(NOW);
    let first = at(FIRST);
    let mut report = ImportReport::default();
    let tmp = path.with_extension("db.tmp");
    remove_db(&tmp);
    let started = Instant::now();

    let mut store = Store::open(&tmp).expect("create the schema with Store::open");
    report.schema = started.elapsed();

    let records_started = Instant::now();
    let mut gen_time = Duration::ZERO;

    let mut rng = Rng::new(0x5EED_2016_0101);
    let mut vrng = Rng::new(0x0B5E_55ED);
    let pools = Pools::new(&mut vrng, visits);
    let mut times = VisitTimes::new(first.date(), now, visits);
    let end = now - chrono::Duration::minutes(10);
    let span = (end - first).num_seconds();
    let n = i64::try_from(entries.max(1)).unwrap_or(1);
    let mean_gap = (span / n).max(1);
    let mut next_entry = 0i64;
    let mut last_entry_at = first;
    let mut next_handover = (first.date().succ_opt().expect("day"))
        .and_hms_opt(8, 30, 0)
        .expect("08:30");

    // The open world at each moment, for the handover history.
    let mut open_entries: Vec<(NaiveDateTime, OpenEntry, Option<Instruction>)> = Vec::new();
    let mut inside: Vec<(NaiveDateTime, VisitorInside)> = Vec::new();
    let mut first_handed: BTreeMap<(String, i64), i64> = BTreeMap::new();
    let mut shift_counts: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut previous: Option<Previous> = None;

    let mut trng = Rng::new(0x71DE_2016);
    let mut entry_at: Option<NaiveDateTime> = None;
    let mut loader = Loader::new(&mut store);
    loop {
        // Entry i at i/n of the span plus up to one mean gap: in time order, ties in a second allowed.
        if entry_at.is_none() && next_entry < n {
            let base = first + chrono::Duration::seconds(next_entry * span / n);
            let jitter = i64::try_from(trng.below(u64::try_from(mean_gap).unwrap_or(1))).unwrap_or(0);
            entry_at = Some((base + chrono::Duration::seconds(jitter)).max(last_entry_at));
        }
        let visit_at = times.peek();
        let handover_at = (next_handover < now).then_some(next_handover);
        let Some(t) = [entry_at, visit_at, handover_at].into_iter().flatten().min() else {
            break;
        };
        if entry_at == Some(t) {
            entry_at = None;
            let occurred = t;
            last_entry_at = occurred;
            let g0 = Instant::now();
            let g = gen_entry(&mut rng, occurred, now);
            gen_time += g0.elapsed();
            let id = loader.entry(&g.entry);
            report.entries += 1;
            if let Some(i) = &g.instruction {
                loader.instruction(id, i);
                report.instructions += 1;
            }
            *shift_counts.entry(g.entry.kind.label()).or_default() += 1;
            if g.entry.status != Status::Done {
                report.open_entries_now += 1;
            }
            if g.closes > occurred {
                let e = &g.entry;
                open_entries.push((
                    g.closes,
                    OpenEntry {
                        id,
                        occurred_at: e.occurred_at,
                        kind: e.kind,
                        unit: e.unit.clone(),
                        person: e.person.clone(),
                        content: e.content.clone(),
                        triage: e.triage,
                        status: if e.handler.is_empty() {
                            Status::Pending
                        } else {
                            Status::InProgress
                        },
                        pending_instruction: None,
                        asked: false,
                    },
                    g.instruction.clone(),
                ));
            }
            next_entry += 1;
            loader.end_record();
            continue;
        }
        if visit_at == Some(t) {
            times.pop();
            let g0 = Instant::now();
            let draft = gen_visit_draft(&mut vrng, &pools);
            let officer = vrng.pick(OFFICERS);
            let visit = build_visit(&draft, officer, t, t.date())
                .unwrap_or_else(|errors| panic!("generated visit refused: {errors:?}\n{draft:?}"));
            let stay = if visit.petition.is_some() {
                vrng.minutes(30, 300)
            } else {
                vrng.minutes(10, 180)
            };
            gen_time += g0.elapsed();
            // Visitors of the final morning are still inside; everyone else left the same day.
            let left = (t.date() < now.date()).then(|| (t + stay, vrng.pick(OFFICERS)));
            let id = loader.visit(&visit, left);
            report.visits += 1;
            report.representatives += visit.representatives.len() as u64;
            report.petitions += u64::from(visit.petition.is_some());
            report.collective += u64::from(visit.is_collective());
            if left.is_none() {
                report.inside_now += 1;
            }
            inside.push((
                left.map_or(now + chrono::Duration::days(1), |(t, _)| t),
                VisitorInside {
                    id,
                    name: if visit.people_count > 1 {
                        format!("{} 等 {} 人", visit.name, visit.people_count)
                    } else {
                        visit.name.clone()
                    },
                    host: visit.host.clone(),
                    entered_at: t,
                },
            ));
            loader.end_record();
            continue;
        }
        // The daily handover at 08:30, built by the app's own build_draft from what is open.
        let signed_at = t + rng.minutes(0, 10);
        let built_at = t - rng.minutes(10, 20);
        let g0 = Instant::now();
        open_entries.retain(|(closes, _, _)| *closes > signed_at);
        inside.retain(|(left, _)| *left > signed_at);
        let entries_open: Vec<OpenEntry> = open_entries
            .iter()
            .map(|(_, e, i)| {
                let mut e = e.clone();
                e.pending_instruction = i
                    .as_ref()
                    .filter(|i| i.given_at <= built_at)
                    .map(|i| (i.leader.clone(), i.text.clone(), i.given_at));
                e
            })
            .collect();
        let mut counts: Vec<(String, u32)> = shift_counts.iter().map(|(k, v)| ((*k).to_string(), *v)).collect();
        counts.sort_by_key(|(k, _)| EntryKind::ALL.iter().position(|x| x.label() == k));
        let state = OpenState {
            entries: entries_open,
            events: Vec::new(),
            visitors: inside.iter().map(|(_, v)| v.clone()).collect(),
            first_handed: first_handed.clone(),
            previous: previous.clone(),
            shift_counts: counts,
            follow_ups: Default::default(),
        };
        let day = usize::try_from((t.date() - first.date()).num_days()).unwrap_or(0);
        let outgoing = OFFICERS[day % OFFICERS.len()];
        let incoming = OFFICERS[(day + 1) % OFFICERS.len()];
        let shift_start = previous.as_ref().map_or(first, |p| p.signed_at);
        let mut draft = build_draft(&state, outgoing, incoming, shift_start, built_at);
        let urgent = state.entries.iter().filter(|e| e.triage == Triage::Urgent).count();
        draft.summary = format!(
            "当班期间共接报处理各类事项{}件，急办事项{urgent}件均已按要求处置或移交，其余情况正常。",
            shift_counts.values().sum::<u32>()
        );
        if draft.handed_items.is_empty() {
            draft.handed_items = "值班手机1部、钥匙1串、值班记录本1本、印章1枚".into();
        }
        for item in &mut draft.items {
            item.check = if rng.per_mille(10) {
                Check::Question(format!(
                    "{}是否已回复来电人？",
                    item.title.chars().take(12).collect::<String>()
                ))
            } else {
                Check::Confirmed
            };
        }
        gen_time += g0.elapsed();
        let id = loader.handover(&draft, signed_at);
        report.handovers += 1;
        report.handover_items += draft.items.len() as u64;
        let keep: Vec<(String, i64)> = draft
            .items
            .iter()
            .map(|i| (i.kind.label().to_string(), i.ref_id))
            .collect();
        first_handed.retain(|k, _| keep.contains(k));
        for k in keep {
            first_handed.entry(k).or_insert(id);
        }
        previous = Some(Previous {
            id,
            signed_at,
            incoming: incoming.to_string(),
            handed_items: draft.handed_items.clone(),
        });
        shift_counts.clear();
        next_handover += chrono::Duration::days(1);
        loader.end_record();
        if report.handovers % 365 == 0 {
            eprintln!(
                "  … {} entries, {} visits, {} handovers ({:.0} s)",
                report.entries,
                report.visits,
                report.handovers,
                records_started.elapsed().as_secs_f64()
            );
        }
    }
    loader.finish();
    report.commits = loader.commit_time;
    report.finish = loader.finish_time;
    report.generate = gen_time;
    drop(store);
    report.records = records_started.elapsed();
    let conn = Connection::open_with_flags(&tmp, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    let (audit_rows, repeats, seals): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM visit WHERE repeat_of IS NOT NULL), \
             (SELECT count(*) FROM handover_seal)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("count audit rows, 重访 and handover seals");
    drop(conn);
    report.audit_rows = u64::try_from(audit_rows).unwrap_or(0);
    report.repeats = u64::try_from(repeats).unwrap_or(0);
    assert_eq!(
        report.audit_rows,
        report.entries
            + report.instructions
            + report.visits
            + report.representatives
            + report.handovers
            + report.handover_items
            // A signed handover with items is sealed (its item count, migration 0014): a record too.
            + u64::try_from(seals).unwrap_or(0),
        "one audit row per record (a visit and its departure are in one batch)"
    );

    // The search index: the store's own backfill at open, as for any database loaded in bulk.
    let backfill_started = Instant::now();
    let mut merge_from = None;
    let mut shown = 0;
    let store = Store::open_with_progress(&tmp, &mut |p: BackfillProgress| {
        if p.merging {
            merge_from = Some(Instant::now());
            eprintln!("  … search index: {} records in, merging", p.done);
        } else if p.done >= shown {
            eprintln!("  … search index: {} of about {} records", p.done, p.total);
            shown = p.done + 200_000;
        }
    })
    .expect("open: build the search index");
    drop(store);
    report.backfill = backfill_started.elapsed();
    report.merge = merge_from.map_or(Duration::ZERO, |m| m.elapsed());

    let checkpoint_started = Instant::now();
    let conn = Connection::open(&tmp).expect("open for checkpoint");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    conn.close().map_err(|(_, e)| e).expect("close");
    report.checkpoint = checkpoint_started.elapsed();
    report.total = started.elapsed();
    report.peak_rss_kib = status_kb("VmHWM:").unwrap_or(0);

    remove_db(path);
    std::fs::rename(&tmp, path).expect("rename the finished file");
    remove_db(&tmp);
    report
}

// ---------------------------------------------------------------------------------------------
// Files

/// Whether `path` holds a finished generation of `entries` entries (the file is renamed into place
/// only when the import finished).
fn is_complete(path: &Path, entries: usize) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    let counts: rusqlite::Result<(i64, i64, i64)> = conn.query_row(
        "SELECT (SELECT count(*) FROM log_entry), (SELECT count(*) FROM visit), \
         (SELECT count(*) FROM search_doc)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    let n = i64::try_from(entries).unwrap_or(i64::MAX);
    let v = i64::try_from(entries / ENTRIES_PER_VISIT).unwrap_or(i64::MAX);
    matches!(counts, Ok((e, vv, d)) if e == n && vv == v && d == n + v)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// Prints the process's peak and current resident memory after a phase.
fn memory(after: &str) {
    let kb = |field| status_kb(field).map_or_else(|| "?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "      memory after {after}: peak {}, now {}",
        kb("VmHWM:"),
        kb("VmRSS:")
    );
}

/// A terminal of `cols`×`rows` and an app started as the runtime starts it: the start effects
/// (events, the quick audit check, the first page), one tick, then a full frame.
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
        dispatch(&mut app, store, &mut alerter, Msg::Tick, now);
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
        terminal.draw(|f| zhiban::ui::render(&app, f)).expect("draw");
        Self { app, terminal, alerter }
    }

    /// One key press: dispatch (store work included) and a full frame.
    fn press(&mut self, store: &mut Store, key: Key) {
        dispatch(&mut self.app, store, &mut self.alerter, Msg::Key(key), at(NOW));
        self.terminal.draw(|f| zhiban::ui::render(&self.app, f)).expect("draw");
    }

    /// The pause the app waits for after typing in the lookup box (`Msg::Paused`, sent by the
    /// runtime `LOOKUP_PAUSE` after the last key), to its frame: the lookup it starts.
    fn timed_pause(&mut self, store: &mut Store) -> Duration {
        time(|| {
            dispatch(&mut self.app, store, &mut self.alerter, Msg::Paused, at(NOW));
            self.terminal.draw(|f| zhiban::ui::render(&self.app, f)).expect("draw");
        })
        .0
    }

    fn timed(&mut self, store: &mut Store, key: Key) -> Duration {
        time(|| self.press(store, key)).0
    }
}

fn window(app: &App) -> (Option<EntryKey>, Option<EntryKey>) {
    let rows = &app.screens.log.list.rows;
    (rows.first().map(|r| r.key()), rows.last().map(|r| r.key()))
}

/// Presses `key` `times` times on the log list, timing each press to frame.
fn scroll(store: &mut Store, size: (u16, u16), key: KeyCode, times: usize, label: &str) -> Stats {
    let (cols, rows) = size;
    let mut screen = Screen::new(store, cols, rows);
    let mut samples = Vec::with_capacity(times);
    let mut loading = Vec::new();
    for _ in 0..times {
        let before = window(&screen.app);
        let d = screen.timed(store, Key::plain(key));
        samples.push(d);
        if window(&screen.app) != before {
            loading.push(d);
        }
    }
    let s = stats(&format!("scroll: {label} at {cols}x{rows}"), samples);
    let list = &screen.app.screens.log.list;
    loading.sort_unstable();
    println!(
        "      viewport {} rows, window {} rows; {} presses loaded a page (median {}); ended on entry {}",
        list.viewport,
        list.rows.len(),
        loading.len(),
        loading.get(loading.len() / 2).map_or_else(|| "-".into(), |d| ms(*d)),
        list.selected_row().map_or(0, |r| r.id),
    );
    s
}

/// The 交接班 tab as the officer opens it: `4` from the duty log (its first page of handovers,
/// by key, with each row's questions counted), back with `1`; then PageDown through the history
/// (a press near the end of what is read asks for the next page).
fn handover_tab(store: &mut Store, times: usize) -> Vec<Stats> {
    let mut screen = Screen::new(store, 120, 40);
    let mut open = Vec::with_capacity(times);
    for _ in 0..times {
        open.push(screen.timed(store, Key::ch('4')));
        screen.press(store, Key::ch('1'));
    }
    let mut out = vec![stats("press 4 (交接班: the newest page of handovers) at 120x40", open)];
    screen.press(store, Key::ch('4'));
    let pages = (0..times)
        .map(|_| screen.timed(store, Key::plain(KeyCode::PageDown)))
        .collect();
    out.push(stats("交接班 history: PageDown at 120x40", pages));
    let h = &screen.app.screens.handover;
    println!(
        "      handovers read after {times} PageDowns: {} (more: {})",
        h.history.len(),
        h.more
    );
    out
}

/// Focuses a field of the open form by pressing Tab (at most 60 times).
fn tab_to<K: Copy + PartialEq + std::fmt::Debug>(
    screen: &mut Screen,
    store: &mut Store,
    key: K,
    form: impl Fn(&App) -> Option<K>,
) {
    for _ in 0..60 {
        if form(&screen.app) == Some(key) {
            return;
        }
        screen.press(store, Key::plain(KeyCode::Tab));
    }
    panic!("could not reach {key:?}");
}

/// Typing: the new-entry form's 内容, the visitor lookup box (and the lookup a pause starts) and
/// the visit form's 来访事由; and the key that opens the 来访登记 tab.
fn typing(store: &mut Store, names: &[String]) -> Vec<Stats> {
    let mut out = Vec::new();
    let mut screen = Screen::new(store, 80, 24);

    // The new-entry form.
    screen.press(store, Key::ch('n'));
    let log_focus = |app: &App| {
        app.screens
            .log
            .form
            .as_ref()
            .and_then(|f| f.form.focused())
            .map(|f| f.key)
    };
    tab_to(&mut screen, store, LogKey::Log(LogField::Content), log_focus);
    let mut samples = Vec::with_capacity(2_000);
    for i in 0..2_000 {
        if i % 500 == 0 {
            screen.press(store, Key::ctrl('u'));
        }
        samples.push(screen.timed(store, Key::ch('张')));
    }
    out.push(stats("typing: '张' into 内容 of a new entry, 80x24", samples));
    screen.press(store, Key::ctrl('u'));
    screen.press(store, Key::plain(KeyCode::Esc));
    if screen.app.confirm.is_some() {
        screen.press(store, Key::ch('y'));
    }

    // Opening the 来访登记 tab (在楼人员 and the watch list are read).
    let mut samples = Vec::new();
    for _ in 0..30 {
        screen.press(store, Key::ch('1'));
        samples.push(screen.timed(store, Key::ch('2')));
    }
    out.push(stats(
        "key '2': open the 来访登记 tab (loads in-building + watch list)",
        samples,
    ));
    // 全部来访: `a` reads its first page; scrolling reads the next ones by key.
    let mut samples = Vec::new();
    for _ in 0..30 {
        samples.push(screen.timed(store, Key::ch('a')));
        screen.press(store, Key::ch('a'));
    }
    out.push(stats("key 'a': 全部来访, its first page", samples));
    screen.press(store, Key::ch('a'));
    let (mut samples, mut loading) = (Vec::with_capacity(2_000), Vec::new());
    for _ in 0..2_000 {
        let held = screen.app.screens.visits.all.rows.last().map(|v| v.id);
        let d = screen.timed(store, Key::plain(KeyCode::Down));
        samples.push(d);
        if screen.app.screens.visits.all.rows.last().map(|v| v.id) != held {
            loading.push(d);
        }
    }
    out.push(stats("scroll: Down ×2,000 through 全部来访 at 80x24", samples));
    loading.sort_unstable();
    println!(
        "      {} presses read a page (median {}); {} visits held",
        loading.len(),
        loading.get(loading.len() / 2).map_or_else(|| "-".into(), |d| ms(*d)),
        screen.app.screens.visits.all.rows.len()
    );
    screen.press(store, Key::ch('a'));

    // The lookup box: a key only edits the box; the store is asked once typing pauses
    // (`LOOKUP_PAUSE`, the runtime's `Msg::Paused`). So each key is timed to its frame, and
    // separately the lookup a pause starts (to its frame) — after every prefix, as if the officer
    // stopped at each one: the worst case of a slow typist.
    screen.press(store, Key::ch('n'));
    assert!(screen.app.screens.visits.lookup.is_some(), "n opens the lookup box");
    let (mut keys, mut lookups, mut hits) = (Vec::new(), Vec::new(), Vec::new());
    for name in names {
        for c in name.chars() {
            keys.push(screen.timed(store, Key::ch(c)));
            lookups.push(screen.timed_pause(store));
        }
        hits.push(screen.app.screens.visits.lookup.as_ref().map_or(0, |l| l.results.len()));
        screen.press(store, Key::ctrl('u'));
    }
    out.push(stats(
        &format!(
            "typing: a visitor's name into the lookup box ({} names), 80x24",
            names.len()
        ),
        keys,
    ));
    out.push(stats(
        "lookup after a pause: each prefix of those names, 80x24",
        lookups,
    ));
    let (mut keys, mut lookups) = (Vec::new(), Vec::new());
    let mut slow = Vec::new();
    for q in ["zjh", "wjg", "zengj", "ouyangx", "lxy", "0425", "1234"] {
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            keys.push(screen.timed(store, Key::ch(c)));
            let d = screen.timed_pause(store);
            lookups.push(d);
            slow.push((d, typed.clone()));
        }
        screen.press(store, Key::ctrl('u'));
    }
    out.push(stats(
        "typing: pinyin / last 4 of an ID into the lookup box, 80x24",
        keys,
    ));
    out.push(stats(
        "lookup after a pause: each prefix of pinyin / last 4, 80x24",
        lookups,
    ));
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!(
        "      lookup results per full name: median {}; slowest pinyin / last-4 lookups: {}",
        hits.get(hits.len() / 2).copied().unwrap_or(0),
        slow.iter()
            .take(4)
            .map(|(d, q)| format!("{q} {}", ms(*d)))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // The visit form (Ctrl-N: a blank form), 来访事由.
    screen.press(store, Key::ctrl('n'));
    let visit_focus = |app: &App| {
        app.screens
            .visits
            .form
            .as_ref()
            .and_then(|(f, _)| f.focused())
            .map(|f| f.key)
    };
    tab_to(
        &mut screen,
        store,
        VisitFormKey::Visit(VisitField::Purpose),
        visit_focus,
    );
    let mut samples = Vec::with_capacity(1_000);
    for i in 0..1_000 {
        if i % 250 == 0 {
            screen.press(store, Key::ctrl('u'));
        }
        samples.push(screen.timed(store, Key::ch('访')));
    }
    out.push(stats("typing: '访' into 来访事由 of the visit form, 80x24", samples));
    out
}

/// A realistic new entry at `t` (recent: may be open).
fn new_entry(rng: &mut Rng, t: NaiveDateTime) -> NewEntry {
    gen_entry(rng, t, t).entry
}

/// (saves) `n` × `Store::insert_entry` and `n` × `Store::add_visit`, interleaved, on a copy.
fn saves(path: &Path, dir: &Path, entries: usize, n: usize) -> Vec<Stats> {
    let copy = dir.join(format!("duty-{entries}-save.db"));
    remove_db(&copy);
    std::fs::copy(path, &copy).expect("copy the database");
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .expect("sync the copy");
    let mut store = Store::open(&copy).expect("open the copy");
    let mut rng = Rng::new(99);
    let mut vrng = Rng::new(0x0B5E_55ED);
    let pools = Pools::sample(path, 300);
    let mut t = at(NOW);
    let (mut entry_samples, mut visit_samples) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut repeats = 0;
    // The WAL header's checkpoint sequence number changes when a writer starts the WAL over
    // after a checkpoint: the save after the one whose commit ran the automatic checkpoint.
    let wal = with_suffix(&copy, "-wal");
    let wal_seq = || {
        std::fs::read(&wal)
            .ok()
            .and_then(|b| b.get(12..16).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])))
    };
    let mut restarts = Vec::new();
    for i in 0..n {
        t += chrono::Duration::seconds(40);
        let e = new_entry(&mut rng, t);
        let before = wal_seq();
        let (d, saved) = time(|| store.insert_entry(&e));
        saved.expect("insert_entry");
        entry_samples.push(d);
        if wal_seq() != before {
            restarts.push(format!("entry #{i}"));
        }
        let draft = gen_visit_draft(&mut vrng, &pools);
        let v = build_visit(&draft, "张三", t, t.date()).expect("a valid visit");
        let before = wal_seq();
        let (d, saved) = time(|| store.add_visit(&v));
        let id = saved.expect("add_visit");
        visit_samples.push(d);
        if wal_seq() != before {
            restarts.push(format!("visit #{i}"));
        }
        if store.visit(id).map(|v| v.repeat_of.is_some()).unwrap_or(false) {
            repeats += 1;
        }
    }
    println!("      {repeats} of the {n} saved visits were found to be 重访");
    // Which saves were slow, in order (periodic ones are WAL checkpoints or FTS5 merges).
    let slow = |samples: &[Duration]| {
        samples
            .iter()
            .enumerate()
            .filter(|(_, d)| **d > Duration::from_millis(5))
            .map(|(i, d)| format!("#{i} {:.1} ms", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("      entry saves over 5 ms: {}", slow(&entry_samples));
    println!("      visit saves over 5 ms: {}", slow(&visit_samples));
    println!(
        "      WAL started over (after a checkpoint) in: {}",
        restarts.join(", ")
    );
    drop(store);
    remove_db(&copy);
    vec![
        stats("save: Store::insert_entry, committed (indexed, audited)", entry_samples),
        stats(
            "save: Store::add_visit, committed (重访 check, indexed, audited)",
            visit_samples,
        ),
    ]
}

/// Prints SQLite's plan for a statement.
fn print_plan(conn: &Connection, what: &str, sql: &str, args: &[&dyn rusqlite::ToSql]) {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
    let detail: Vec<String> = stmt
        .query_map(args, |r| r.get::<_, String>(3))
        .expect("plan rows")
        .collect::<rusqlite::Result<_>>()
        .expect("plan rows");
    println!("      plan {what}: {}", detail.join("; "));
}

/// Query plans of the statements behind the slow rows (copies of the store's SQL).
fn print_plans(path: &Path) {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    let now = sql_time(at(NOW));
    print_plan(
        &conn,
        "visits_inside",
        "SELECT v.id FROM visit v WHERE (v.checked_out_at IS NULL OR v.checked_out_at > ?1) AND +v.entered_at <= ?1 \
         ORDER BY +v.entered_at, v.id",
        &[&now],
    );
    print_plan(
        &conn,
        "visits_page (全部来访, a page older than a key)",
        "SELECT v.id FROM visit v WHERE (v.entered_at, v.id) < (?1, ?2) ORDER BY v.entered_at DESC, v.id DESC LIMIT 50",
        &[&now, &1_000_000],
    );
    print_plan(
        &conn,
        "lookup: candidates from search_uni, checked on the visit",
        "SELECT v.id_key, v.name, v.entered_at, v.id, v.name LIKE ?2 ESCAPE '\\' FROM search_uni u \
         JOIN search_doc d ON d.id = u.rowid JOIN visit v ON v.id = d.ref_id \
         WHERE search_uni MATCH ?1 AND d.kind = ?3 ORDER BY u.rowid DESC",
        &[&"body : \"张\" AND tags : \"k来访\"", &"%张%", &"来访"],
    );
    print_plan(
        &conn,
        "lookup: the newest visits",
        "SELECT v.id_key, v.name, v.entered_at, v.id, v.py_initials LIKE ?1 || '%' FROM visit v \
         ORDER BY v.entered_at DESC, v.id DESC",
        &[&"zs"],
    );
    print_plan(
        &conn,
        "lookup: every name (past the budget)",
        "SELECT v.id_key, v.name, v.entered_at, v.id FROM visit v \
         WHERE v.name IN (SELECT name FROM visit WHERE name LIKE ?1 ESCAPE '\\')",
        &[&"%科%"],
    );
    print_plan(
        &conn,
        "lookup: a person's latest visit and count",
        "SELECT v.id, (SELECT count(*) FROM (SELECT id FROM visit WHERE id_key = ?1)) FROM visit v \
         WHERE v.id = (SELECT id FROM visit WHERE id_key = ?1 ORDER BY entered_at DESC, id DESC LIMIT 1)",
        &[&"530102199001011234"],
    );
    print_plan(
        &conn,
        "repeat candidates (add_visit)",
        "SELECT v.id FROM visit v WHERE (?1 != '' AND v.id_key = ?1) OR (?2 IS NOT NULL AND v.is_petition = 1 \
         AND v.name = ?3) ORDER BY v.entered_at DESC, v.id DESC LIMIT 500",
        &[&"530102199001011234", &None::<String>, &"张伟"],
    );
    print_plan(
        &conn,
        "open entries (handover)",
        "SELECT e.id, i.leader, (SELECT count(*) FROM log_amendment a WHERE a.entry_id = e.id AND \
         a.amended_at > i.recorded_at) FROM log_entry e LEFT JOIN log_instruction i ON i.id = \
         (SELECT max(id) FROM log_instruction WHERE entry_id = e.id) WHERE e.status <> '已办结' \
         ORDER BY e.occurred_at, e.id",
        &[],
    );
    print_plan(
        &conn,
        "first handed (handover, per item)",
        "SELECT min(handover_id) FROM handover_item WHERE kind = ?1 AND ref_id = ?2",
        &[&"未办结事项", &999_000],
    );
    print_plan(
        &conn,
        "shift counts (handover)",
        "SELECT kind, count(*) FROM log_entry WHERE occurred_at >= ?1 AND occurred_at <= ?2 GROUP BY kind",
        &[&"2025-12-30 08:30:00", &now],
    );
    print_plan(
        &conn,
        "quick verify, per table",
        "SELECT a.row_id, a.digest FROM audit_log a WHERE a.id > ?2 AND +a.tbl = ?1 \
         AND a.id = (SELECT max(id) FROM audit_log b WHERE b.tbl = a.tbl AND b.row_id = a.row_id) ORDER BY a.row_id",
        &[&"log_entry", &1_600_000],
    );
    print_plan(
        &conn,
        "quick verify, where the newest 200 start",
        "SELECT coalesce((SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?1), 0)",
        &[&200],
    );
}

/// Times one statement of the store, `reps` times, on a read-only handle (for the breakdowns).
fn time_sql(conn: &Connection, name: &str, sql: &str, args: &[&dyn rusqlite::ToSql], reps: usize) -> Stats {
    let mut stmt = conn.prepare(sql).expect("prepare");
    let samples = (0..reps)
        .map(|_| time(|| stmt.query_map(args, |_| Ok(())).expect("query").count()).0)
        .collect();
    stats(name, samples)
}

/// The handover draft: `Store::open_state` + `build_draft`, and what its statements cost.
fn handover(store: &Store, path: &Path) -> Vec<Stats> {
    let now = at(NOW);
    let mut out = Vec::new();
    let state = store.open_state(now).expect("open state");
    let shift_start = state.previous.as_ref().map_or(now, |p| p.signed_at);
    let draft = build_draft(&state, "张三", "李四", shift_start, now);
    println!(
        "      open state: {} open entries, {} visitors inside, {} events, {} items handed before (first_handed map), \
         previous handover {:?}; the draft has {} items; {}",
        state.entries.len(),
        state.visitors.len(),
        state.events.len(),
        state.first_handed.len(),
        state.previous.as_ref().map(|p| sql_time(p.signed_at)),
        draft.items.len(),
        draft.records
    );
    let samples = (0..50)
        .map(|_| {
            time(|| {
                let state = store.open_state(now).expect("open state");
                build_draft(&state, "张三", "李四", shift_start, now).items.len()
            })
            .0
        })
        .collect();
    out.push(stats("handover draft: open_state + build_draft", samples));
    let samples = (0..50)
        .map(|_| time(|| build_draft(&state, "张三", "李四", shift_start, now).items.len()).0)
        .collect();
    stats("      of which build_draft", samples);

    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    let now_sql = sql_time(now);
    // "Carried since handover N": one lookup per open item (the kinds open_state asks for).
    let wanted: Vec<(&str, i64)> = state
        .visitors
        .iter()
        .map(|v| ("在楼访客", v.id))
        .chain(
            state
                .entries
                .iter()
                .flat_map(|e| [("未办结事项", e.id), ("待落实批示", e.id)]),
        )
        .collect();
    let mut stmt = conn
        .prepare("SELECT min(handover_id) FROM handover_item WHERE kind = ?1 AND ref_id = ?2")
        .expect("prepare");
    let samples = (0..20)
        .map(|_| {
            time(|| {
                wanted
                    .iter()
                    .filter(|(k, id)| {
                        stmt.query_row(params![k, id], |r| r.get::<_, Option<i64>>(0))
                            .expect("first handed")
                            .is_some()
                    })
                    .count()
            })
            .0
        })
        .collect();
    stats(
        &format!("      of which: first handed ({} lookups)", wanted.len()),
        samples,
    );
    time_sql(
        &conn,
        "      of which: visitors inside",
        "SELECT v.id FROM visit v WHERE (v.checked_out_at IS NULL OR v.checked_out_at > ?1) AND +v.entered_at <= ?1 \
         ORDER BY +v.entered_at, v.id",
        &[&now_sql],
        20,
    );
    time_sql(
        &conn,
        "      of which: open entries",
        "SELECT e.id, i.leader FROM log_entry e LEFT JOIN log_instruction i ON i.id = \
         (SELECT max(id) FROM log_instruction WHERE entry_id = e.id) WHERE e.status <> '已办结' \
         ORDER BY e.occurred_at, e.id",
        &[],
        20,
    );
    let since = state
        .previous
        .as_ref()
        .map_or_else(|| "0000".to_string(), |p| sql_time(p.signed_at));
    time_sql(
        &conn,
        "      of which: shift counts since the last handover",
        "SELECT kind, count(*) FROM log_entry WHERE occurred_at >= ?1 AND occurred_at <= ?2 GROUP BY kind",
        &[&since, &now_sql],
        20,
    );
    // Without a signed handover (a file imported without its handover history) the store counts
    // the last day's records (it counted the whole log until 6a220f6: 0.3–0.4 s at ten years).
    let day_before = sql_time(now - chrono::Duration::days(1));
    out.push(time_sql(
        &conn,
        "handover: shift counts with no previous handover (the last day)",
        "SELECT kind, count(*) FROM log_entry WHERE occurred_at >= ?1 AND occurred_at <= ?2 GROUP BY kind",
        &[&day_before, &now_sql],
        20,
    ));
    out
}

/// Search: the first page (50 hits), newest first, through `Store::search`.
fn search(store: &Store) -> Vec<(String, usize, i64, Stats)> {
    let queries: &[(&str, usize)] = &[
        ("镇", 1),
        ("滑", 1),
        ("雹", 1),
        ("访", 1),
        ("交警", 2),
        ("滑坡", 2),
        ("冰雹", 2),
        ("欧阳", 2),
        // Common characters that never stand together: before pairs (migration 0018) FTS5
        // checked positions in every record holding all of them (18–68 ms at ten years).
        ("局镇", 2),
        ("县镇", 2),
        ("电局", 2),
        ("城关镇", 3),
        ("张建华", 3),
        ("信访科", 3),
        ("尉迟朝阳", 4),
        ("危化品车辆", 5),
        ("征地补偿款", 5),
        ("森林防火工", 5),
        ("核电站泄漏", 5),
        ("zjh", 0),
        ("zengchangqing", 0),
        ("ycc", 0),
    ];
    let conn_counts = |q: &SearchQuery| -> i64 {
        let mut n = 0;
        let mut cursor = None;
        // Count by walking pages is too slow for common words: count up to 1,000 only.
        for _ in 0..20 {
            let page = store.search(q, 50, cursor).expect("search");
            n += page.len();
            match page.last() {
                Some(h) if page.len() == 50 => cursor = Some(h.cursor),
                _ => break,
            }
        }
        i64::try_from(n).unwrap_or(0)
    };
    let mut out = Vec::new();
    for (text, chars) in queries {
        let q = SearchQuery::parse(text).expect("a valid query");
        for _ in 0..3 {
            store.search(&q, 50, None).expect("search");
        }
        let samples = (0..60)
            .map(|_| time(|| store.search(&q, 50, None).expect("search").len()).0)
            .collect();
        let label = if *chars == 0 {
            format!("search: pinyin {text}")
        } else {
            format!("search: {chars} chars {text}")
        };
        let s = stats(&label, samples);
        out.push((text.to_string(), *chars, conn_counts(&q), s));
    }
    out
}

/// Sizes: the file, and with `dbstat` each table with its indexes.
fn sizes(path: &Path) -> Vec<(String, u64)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    let sql = "SELECT CASE \
                 WHEN s.name LIKE 'search_uni%' THEN 'search_uni (per-character FTS5)' \
                 ELSE coalesce(m.tbl_name, s.name) END AS what, sum(s.pgsize) \
               FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY what ORDER BY 2 DESC";
    match conn.prepare(sql) {
        Ok(mut stmt) => stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map(|v| v.into_iter().map(|(n, b)| (n, u64::try_from(b).unwrap_or(0))).collect())
            .unwrap_or_default(),
        Err(e) => {
            println!("dbstat not available ({e}): file size only");
            Vec::new()
        }
    }
}

/// Names of visitors who came before, as an officer would type them at the desk.
fn visitor_names(path: &Path, n: usize) -> Vec<String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    let max: i64 = conn
        .query_row("SELECT max(id) FROM visit", [], |r| r.get(0))
        .expect("max visit");
    let mut rng = Rng::new(4242);
    (0..n)
        .map(|_| {
            let id = 1 + i64::try_from(rng.below(u64::try_from(max).unwrap_or(1))).unwrap_or(0);
            conn.query_row("SELECT name FROM visit WHERE id = ?1", [id], |r| r.get(0))
                .expect("a name")
        })
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; the first plain argument is the number of log entries.
    let entries: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(DEFAULT_ENTRIES, |a| a.replace('_', "").parse().expect("entry count"));
    assert!(entries >= 10_000, "use at least 10,000 entries");
    let visits = entries / ENTRIES_PER_VISIT;
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("bench-data directory");
    let path = dir.join(format!("duty-{entries}.db"));
    let import_log = dir.join(format!("duty-{entries}.import.txt"));

    println!("# duty benchmark: {entries} log entries, {visits} visits, ten years");
    if is_complete(&path, entries) {
        println!("data: {} (cached; delete it to regenerate)", path.display());
    } else {
        println!("data: generating and importing {} …", path.display());
        let r = generate(&path, entries);
        let lines = [
            format!(
                "import of the whole set: {:.1} s end to end ({} entries, {} leader instructions, {} visits with {} \
                 representatives, {} handovers with {} items; {} audit rows)",
                r.total.as_secs_f64(),
                r.entries,
                r.instructions,
                r.visits,
                r.representatives,
                r.handovers,
                r.handover_items,
                r.audit_rows
            ),
            format!(
                "  schema (Store::open on an empty file): {:.2} s",
                r.schema.as_secs_f64()
            ),
            format!(
                "  records and audit rows, {BATCH} per transaction: {:.1} s — of which generating the text {:.1} s, \
                 batch commits (audit rows, COMMIT) {:.1} s, last batch and WAL checkpoint {:.1} s, the store's \
                 writes the rest",
                r.records.as_secs_f64(),
                r.generate.as_secs_f64(),
                r.commits.as_secs_f64(),
                r.finish.as_secs_f64()
            ),
            format!(
                "  search index (Store::open: backfill of {} records): {:.1} s, of which the final merge {:.1} s",
                r.entries + r.visits,
                r.backfill.as_secs_f64(),
                r.merge.as_secs_f64()
            ),
            format!("  WAL checkpoint: {:.1} s", r.checkpoint.as_secs_f64()),
            format!(
                "  import without generating the text: {:.1} s",
                (r.total - r.generate).as_secs_f64()
            ),
            format!(
                "  visits: {} 信访 ({:.1} %), {} 集体访, {} 重访 ({:.0} %); {} still inside at {NOW}",
                r.petitions,
                100.0 * r.petitions as f64 / r.visits.max(1) as f64,
                r.collective,
                r.repeats,
                100.0 * r.repeats as f64 / r.visits.max(1) as f64,
                r.inside_now
            ),
            format!(
                "  log entries still open at {NOW}: {} ({:.4} % of all)",
                r.open_entries_now,
                100.0 * r.open_entries_now as f64 / r.entries.max(1) as f64
            ),
            format!(
                "  peak RSS of the importing process: {:.1} MiB",
                r.peak_rss_kib as f64 / 1024.0
            ),
            format!("  file: {:.0} MiB", mib(file_size(&path))),
        ];
        for l in &lines {
            println!("{l}");
        }
        // Proof that the import is what the app would have written: the full audit check
        // (`zhiban verify`) recomputes every record's digest and the whole chain. Not timed as
        // part of the import.
        let (took, verified) = time(|| Store::open(&path).and_then(|s| s.verify(true)).expect("verify"));
        let mut lines = lines.to_vec();
        lines.push(format!(
            "  full audit check after the import (zhiban verify, not part of the import): {:.1} s, {} audit rows, \
             {} records checked, problems: {:?}",
            took.as_secs_f64(),
            verified.audit_rows,
            verified.records_checked,
            verified.problems
        ));
        println!("{}", lines[lines.len() - 1]);
        std::fs::write(&import_log, lines.join("\n") + "\n").expect("write the import report");
        // Measure in a fresh process: memory the generator freed would count in the peak RSS.
        println!("measuring in a fresh process …");
        let status = Command::new(std::env::current_exe().expect("own path"))
            .args(std::env::args_os().skip(1))
            .status()
            .expect("re-run for the measurements");
        std::process::exit(status.code().unwrap_or(1));
    }
    let import = std::fs::read_to_string(&import_log).unwrap_or_default();
    let import_secs: Option<f64> = import
        .lines()
        .next()
        .and_then(|l| l.split_once(": "))
        .and_then(|(_, r)| r.split_whitespace().next())
        .and_then(|s| s.parse().ok());
    print!("{import}");
    // A file made by an older build whose migrations remade the search index (0018): the app
    // rebuilds it in the background; measuring on an empty index would be meaningless, so it is
    // built here first, whole, and its time said.
    {
        let mut store = Store::open(&path).expect("open");
        if store.search_index_missing().expect("index state") {
            let (took, done) = time(|| store.backfill_search().expect("build the search index"));
            println!(
                "search index built before measuring (the file's index was remade by a migration): {done} records in {:.1} s",
                took.as_secs_f64()
            );
        }
    }
    let size = file_size(&path);
    println!("file size: {size} bytes ({:.0} MiB)", mib(size));
    memory("start of measurements");

    let mut table: Vec<Stats> = Vec::new();
    // `--only=cold,keys,search,handover,plans,saves,size` measures a subset.
    let only: Option<Vec<String>> = std::env::args().find_map(|a| {
        a.strip_prefix("--only=")
            .map(|l| l.split(',').map(str::to_string).collect())
    });
    let want = |section: &str| only.as_ref().is_none_or(|o| o.iter().any(|s| s == section));
    let now = at(NOW);

    // The state the measurements start from: what is open, and the quick check is clean.
    {
        let store = Store::open(&path).expect("open");
        let (d, report) = time(|| store.verify(false).expect("verify"));
        println!(
            "quick audit check (the start-up check): {} — {} audit rows walked, {} records checked, problems: {:?}",
            ms(d),
            report.audit_rows,
            report.records_checked,
            report.problems
        );
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
        let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
        let day = |days: i64| sql_time(now - chrono::Duration::days(days));
        println!(
            "open log entries at {NOW}: {} of {} ({:.4} %); from the last 24 h {} of {}; 1-7 days old {}; 7-60 days old {}; older {}",
            q("SELECT count(*) FROM log_entry WHERE status <> '已办结'"),
            q("SELECT count(*) FROM log_entry"),
            100.0 * q("SELECT count(*) FROM log_entry WHERE status <> '已办结'") as f64
                / q("SELECT count(*) FROM log_entry").max(1) as f64,
            q(&format!(
                "SELECT count(*) FROM log_entry WHERE status <> '已办结' AND occurred_at >= '{}'",
                day(1)
            )),
            q(&format!(
                "SELECT count(*) FROM log_entry WHERE occurred_at >= '{}'",
                day(1)
            )),
            q(&format!(
                "SELECT count(*) FROM log_entry WHERE status <> '已办结' AND occurred_at < '{}' AND occurred_at >= '{}'",
                day(1),
                day(7)
            )),
            q(&format!(
                "SELECT count(*) FROM log_entry WHERE status <> '已办结' AND occurred_at < '{}' AND occurred_at >= '{}'",
                day(7),
                day(60)
            )),
            q(&format!(
                "SELECT count(*) FROM log_entry WHERE status <> '已办结' AND occurred_at < '{}'",
                day(60)
            )),
        );
        println!(
            "visits inside at {NOW}: {}; handovers {}, handover items {}",
            q("SELECT count(*) FROM visit WHERE checked_out_at IS NULL"),
            q("SELECT count(*) FROM handover"),
            q("SELECT count(*) FROM handover_item")
        );
    }

    // Cold-ish start: a new Store::open each time (SQLite's cache, the schema and the migration
    // check start from nothing; the OS page cache is warm), the app's start effects, a tick and a
    // full frame at 80x24.
    if want("cold") {
        let mut samples = Vec::new();
        for _ in 0..100 {
            let (d, screen) = time(|| {
                let mut store = Store::open(&path).expect("open");
                let screen = Screen::new(&mut store, 80, 24);
                (screen, store)
            });
            assert!(screen.0.app.screens.log.list.loaded);
            samples.push(d);
        }
        table.push(stats(
            "cold start: open → start effects → tick → first frame 80x24",
            samples,
        ));
        let mut samples = Vec::new();
        for _ in 0..100 {
            let (d, ()) = time(|| {
                let store = Store::open(&path).expect("open");
                let report = store.verify(false).expect("verify");
                assert!(report.is_ok());
            });
            samples.push(d);
        }
        stats("      of which Store::open + the quick audit check alone", samples);

        let samples = time_log_list_process(&dir, &path, 50);
        table.push(stats("cold start: process `zhiban log list --limit 50`", samples));
        memory("cold start");
    }

    let mut store = Store::open(&path).expect("open");
    // Key press to frame.
    if want("keys") {
        for (cols, rows) in [(80, 24), (200, 50)] {
            table.push(scroll(&mut store, (cols, rows), KeyCode::Down, 10_000, "Down ×10,000"));
            table.push(scroll(
                &mut store,
                (cols, rows),
                KeyCode::PageDown,
                1_000,
                "PageDown ×1,000",
            ));
        }
        memory("scrolling");
        let names = visitor_names(&path, 100);
        table.extend(typing(&mut store, &names));
        memory("typing");
    }
    let searches = if want("search") {
        let s = search(&store);
        memory("search");
        s
    } else {
        Vec::new()
    };
    if want("handover") {
        table.extend(handover_tab(&mut store, 200));
        table.extend(handover(&store, &path));
        memory("handover");
    }
    drop(store);
    if want("plans") {
        print_plans(&path);
    }
    if want("saves") {
        table.extend(saves(&path, &dir, entries, 200));
        memory("saves");
    }
    if want("size") {
        println!("sizes (dbstat, each table with its indexes):");
        for (what, bytes) in &sizes(&path) {
            println!("  {what:<40} {:>8.1} MiB", mib(*bytes));
        }
    }
    let hwm = status_kb("VmHWM:").unwrap_or(0);
    println!(
        "peak RSS (VmHWM) of the measuring process: {hwm} kB ({:.1} MiB, {:.1} MB)",
        hwm as f64 / 1024.0,
        hwm as f64 * 1.024 / 1000.0
    );

    // The tables.
    println!();
    println!("| measurement ({entries} entries, {visits} visits) | n | median | p95 | p99 | max |");
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
    if !searches.is_empty() {
        println!();
        println!("| search query | chars | hits (first 1,000) | p50 | p95 |");
        println!("|---|---:|---:|---:|---:|");
        for (text, chars, hits, s) in &searches {
            let chars = if *chars == 0 {
                "pinyin".to_string()
            } else {
                chars.to_string()
            };
            println!("| {text} | {chars} | {hits} | {} | {} |", ms(s.median), ms(s.p95));
        }
    }

    // Against the goals of issue 7.
    let pick =
        |prefix: &str, f: fn(&Stats) -> Duration| table.iter().filter(|s| s.name.starts_with(prefix)).map(f).max();
    let msf = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut goals: Vec<(String, String, Option<bool>)> = Vec::new();
    let mut goal = |name: &str, measured: Option<(String, bool)>| {
        let (text, ok) = measured.map_or(("(not measured in this run)".to_string(), None), |(t, ok)| {
            (t, Some(ok))
        });
        goals.push((name.to_string(), text, ok));
    };
    goal(
        "cold start to first frame ≤ 50 ms",
        pick("cold start: open", |s| s.p99).map(|p99| {
            let med = pick("cold start: open", |s| s.median).unwrap_or_default();
            let process = pick("cold start: process", |s| s.median).unwrap_or_default();
            (
                format!(
                    "{:.1} ms median, {:.1} ms p99 (open, start effects, first frame 80x24); process `zhiban log list` {:.1} ms median",
                    msf(med),
                    msf(p99),
                    msf(process)
                ),
                msf(p99) <= 50.0,
            )
        }),
    );
    for (name, prefix) in [
        ("key press to frame p99 ≤ 2 ms: scrolling the log", "scroll:"),
        ("key press to frame p99 ≤ 2 ms: typing Chinese in a form", "typing: '"),
        (
            "key press to frame p99 ≤ 2 ms: typing in the visitor lookup box",
            "typing: a visitor",
        ),
        ("key press to frame p99 ≤ 2 ms: opening the 来访登记 tab", "key '2'"),
    ] {
        let p99 = if prefix == "typing: a visitor" {
            pick(prefix, |s| s.p99).map(|a| a.max(pick("typing: pinyin", |s| s.p99).unwrap_or_default()))
        } else {
            pick(prefix, |s| s.p99)
        };
        let med = pick(prefix, |s| s.median).unwrap_or_default();
        // The lookup box asks the store only after a pause: say what that lookup costs too.
        let lookup = if prefix == "typing: a visitor" {
            let worst = |f: fn(&Stats) -> Duration| {
                pick("lookup after a pause: each prefix of those", f)
                    .unwrap_or_default()
                    .max(pick("lookup after a pause: each prefix of pinyin", f).unwrap_or_default())
            };
            format!(
                "; the lookup after a pause (not a key press): median {:.2} ms, p99 {:.2} ms, worst row",
                msf(worst(|s| s.median)),
                msf(worst(|s| s.p99))
            )
        } else {
            String::new()
        };
        goal(
            name,
            p99.map(|p| {
                (
                    format!("p99 {:.2} ms (median {:.2} ms), worst row{lookup}", msf(p), msf(med)),
                    msf(p) <= 2.0,
                )
            }),
        );
    }
    let search_p95 = |short: bool| {
        searches
            .iter()
            .filter(|(_, c, _, _)| if short { (1..=2).contains(c) } else { *c >= 3 || *c == 0 })
            .map(|(_, _, _, s)| s.p95)
            .max()
    };
    goal(
        "search p95 ≤ 10 ms (≥ 3 characters, pinyin)",
        search_p95(false).map(|p| (format!("worst p95 {:.2} ms", msf(p)), msf(p) <= 10.0)),
    );
    goal(
        "search p95 ≤ 20 ms (1-2 characters)",
        search_p95(true).map(|p| (format!("worst p95 {:.2} ms", msf(p)), msf(p) <= 20.0)),
    );
    goal(
        "save p95 ≤ 10 ms",
        pick("save: Store::insert_entry", |s| s.p95).map(|e| {
            let v = pick("save: Store::add_visit", |s| s.p95).unwrap_or_default();
            (
                format!("log entry {:.2} ms, visit {:.2} ms", msf(e), msf(v)),
                msf(e.max(v)) <= 10.0,
            )
        }),
    );
    goal(
        "handover draft ≤ 20 ms",
        pick("handover draft", |s| s.p95).map(|p| {
            let med = pick("handover draft", |s| s.median).unwrap_or_default();
            (
                format!("{:.1} ms median, {:.1} ms p95", msf(med), msf(p)),
                msf(p) <= 20.0,
            )
        }),
    );
    goal(
        "bulk import ≤ 60 s",
        import_secs.map(|s| (format!("{s:.1} s (records, audit chain, search index)"), s <= 60.0)),
    );
    let db_mib = mib(size);
    goal(
        "database ≤ 500 MiB",
        Some((format!("{db_mib:.0} MiB ({size} bytes)"), db_mib <= 500.0)),
    );
    let peak_mb = hwm as f64 * 1.024 / 1000.0;
    goal(
        "peak memory ≤ 40 MB",
        Some((
            format!(
                "{peak_mb:.1} MB ({:.1} MiB), VmHWM of the measuring process",
                hwm as f64 / 1024.0
            ),
            peak_mb <= 40.0,
        )),
    );
    println!();
    println!("| goal (issue 7) | measured at ten years | verdict |");
    println!("|---|---|---|");
    for (name, text, ok) in goals {
        let verdict = match ok {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        println!("| {name} | {text} | {verdict} |");
    }
}
