//! 交接班 (domain.md §2.4): the outgoing officer's draft, built from everything still open, the
//! incoming officer's check of each item, the rules for signing, and the paper form.
//!
//! Pure: the store gathers [`OpenState`]; [`build_draft`] turns it into items in the order the
//! incoming officer must see them — visitors still inside and running clocks first, because those
//! are the ones that cannot wait for a question to be answered.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use super::escalation::EventState;
use super::instruction::{InstructionSettings, request_label};
use super::log::{EntryId, EntryKind, Status, Triage};
use super::text::{first_line, truncate};
use super::urgent::Event;
use super::validate::format_minute;

pub type HandoverId = i64;

labelled_enum!(
    /// What an open item is.
    ItemKind {
        Visitor => "在楼访客",
        Event => "紧急事件",
        Entry => "未办结事项",
        Instruction => "待落实批示",
        Task => "交办事项",
        Notice => "电话通知",
        Forward => "待签收转交",
    }
);

/// The incoming officer's answer to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Pending,
    /// 已确认接手.
    Confirmed,
    /// Taken over, with a question for the outgoing officer.
    Question(String),
}

impl Check {
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Pending => "待确认".into(),
            Self::Confirmed => "已确认".into(),
            Self::Question(q) => format!("有疑问：{q}"),
        }
    }
}

/// One open item handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// The visitor, event or log entry it refers to.
    pub ref_id: i64,
    pub title: String,
    /// Deadline, clock or how long inside.
    pub detail: String,
    /// Visitors inside and running clocks: shown first, named in the signing check.
    pub must_carry: bool,
    /// The first signed handover that carried this item, when it was carried before.
    pub first_handed: Option<HandoverId>,
    pub check: Check,
    /// An ordinary open entry older than the configured age: with the others like it one group
    /// line the incoming officer confirms at once (and can open as a list). The signed handover
    /// still seals it as its own item; not stored.
    pub grouped: bool,
}

/// A log entry not yet 已办结, as the handover needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEntry {
    pub id: EntryId,
    pub occurred_at: NaiveDateTime,
    pub kind: EntryKind,
    pub unit: String,
    pub person: String,
    pub content: String,
    pub triage: Triage,
    pub status: Status,
    /// The newest 领导批示 when nothing was recorded on the entry after it: (leader, text, given at).
    pub pending_instruction: Option<(String, String, NaiveDateTime)>,
    /// A 请示 on it reached a leader.
    pub asked: bool,
}

/// A visitor still in the building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorInside {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub entered_at: NaiveDateTime,
}

/// The last signed handover, where this shift began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub id: HandoverId,
    pub signed_at: NaiveDateTime,
    pub incoming: String,
    pub handed_items: String,
}

/// Everything still open, gathered by the store at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpenState {
    pub entries: Vec<OpenEntry>,
    /// Urgent events not yet 已结束.
    pub events: Vec<Event>,
    pub visitors: Vec<VisitorInside>,
    /// (kind, ref id) → the first signed handover that carried it.
    pub first_handed: BTreeMap<(String, i64), HandoverId>,
    pub previous: Option<Previous>,
    /// Records of this shift by kind: ("来电", 5) …
    pub shift_counts: Vec<(String, u32)>,
    /// What the instruction cycle leaves open: 交办, notices, 请示 not made.
    pub follow_ups: super::instruction::FollowUps,
}

/// A handover being prepared (not yet signed: it lives in memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub outgoing: String,
    pub incoming: String,
    pub shift_start: NaiveDateTime,
    pub built_at: NaiveDateTime,
    /// 当班情况.
    pub summary: String,
    /// 交接物品 (keys, documents, equipment).
    pub handed_items: String,
    /// "本班共记录 7 条：来电 5、传真 2".
    pub records: String,
    pub items: Vec<Item>,
}

/// A signed handover: final, the database refuses any change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub id: HandoverId,
    pub draft: Draft,
    pub signed_at: NaiveDateTime,
    /// The audit chain's head just before the signing (none for a handover signed before seals).
    pub seal: Option<super::anchor::Anchor>,
}

/// One line of the history list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverSummary {
    pub id: HandoverId,
    pub outgoing: String,
    pub incoming: String,
    pub shift_start: NaiveDateTime,
    pub signed_at: NaiveDateTime,
    pub items: u32,
    pub questions: u32,
}

/// When a triaged entry is due, in words, and whether that has passed.
#[must_use]
pub fn entry_deadline(e: &OpenEntry, now: NaiveDateTime) -> String {
    match e.triage {
        Triage::Urgent => "急办：立即办理".into(),
        Triage::AskLeader if e.pending_instruction.is_none() => "请示：立即请示领导".into(),
        Triage::AskLeader => "请示：已批示，待落实".into(),
        Triage::NextShift => {
            let due = e.occurred_at.date() + Duration::days(1);
            let overdue = if now.date() > due { "（已逾期）" } else { "" };
            format!("次日办理：{} 内办理{overdue}", due.format("%m-%d"))
        }
        Triage::Routine => String::new(),
    }
}

fn key(kind: ItemKind, id: i64) -> (String, i64) {
    (kind.label().to_string(), id)
}

/// [`build_draft_with`] under the shipped `[instruction]` settings (30-day group line, the
/// default reminder times).
#[must_use]
pub fn build_draft(
    state: &OpenState,
    outgoing: &str,
    incoming: &str,
    shift_start: NaiveDateTime,
    now: NaiveDateTime,
) -> Draft {
    build_draft_with(
        state,
        outgoing,
        incoming,
        shift_start,
        now,
        &InstructionSettings::default(),
    )
}

/// Builds the outgoing officer's draft. Order: visitors inside, running events, open entries by
/// urgency then time, leader instructions not yet carried out, 交办 by deadline (overdue first),
/// unfinished notices; last, as one group line, ordinary entries older than `s.group_after`.
/// Urgent events, 急办, 请示, 交办 and notices are never grouped: each is confirmed on its own.
#[must_use]
pub fn build_draft_with(
    state: &OpenState,
    outgoing: &str,
    incoming: &str,
    shift_start: NaiveDateTime,
    now: NaiveDateTime,
    s: &InstructionSettings,
) -> Draft {
    let first = |kind: ItemKind, id: i64| state.first_handed.get(&key(kind, id)).copied();
    let mut items = Vec::new();
    for v in &state.visitors {
        let inside = now - v.entered_at;
        items.push(Item {
            kind: ItemKind::Visitor,
            ref_id: v.id,
            title: format!("第 {} 号来访 {} 访 {}", v.id, v.name, v.host),
            detail: format!(
                "{} 进入，已在楼 {} 小时 {} 分",
                format_minute(v.entered_at),
                inside.num_hours(),
                inside.num_minutes() % 60
            ),
            must_carry: true,
            first_handed: first(ItemKind::Visitor, v.id),
            check: Check::Pending,
            grouped: false,
        });
    }
    for e in state.events.iter().filter(|e| e.escalation.state != EventState::Closed) {
        items.push(Item {
            kind: ItemKind::Event,
            ref_id: e.id,
            title: format!(
                "第 {} 号紧急事件 {} {} {}",
                e.id,
                e.facts.level.label(),
                e.record.category,
                truncate(first_line(&e.record.summary), 40)
            ),
            // Every clock first, then the facts as known now (a 续报 may have changed them).
            detail: format!(
                "{}；{}；伤亡：{}；待核实：{}",
                if e.escalation.state == EventState::New {
                    "未确认"
                } else {
                    e.escalation.state.label()
                },
                e.clock_strip(now),
                e.facts.casualties(),
                {
                    let u = e.facts.unverified();
                    if u.is_empty() { "无".to_string() } else { u.join("、") }
                }
            ),
            must_carry: true,
            first_handed: first(ItemKind::Event, e.id),
            check: Check::Pending,
            grouped: false,
        });
    }
    let mut entries: Vec<&OpenEntry> = state.entries.iter().filter(|e| e.status != Status::Done).collect();
    let rank = |t: Triage| Triage::ALL.iter().position(|x| *x == t).unwrap_or(usize::MAX);
    entries.sort_by_key(|e| (rank(e.triage), e.occurred_at, e.id));
    for e in &entries {
        let who = [e.unit.as_str(), e.person.as_str()]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let waits_for_request = state.follow_ups.asks.iter().any(|a| a.entry_id == e.id);
        let deadline = match e.triage {
            // A leader was reached (its 请示 is recorded), and nothing waits on a 批示: say so,
            // not "ask now".
            Triage::AskLeader if e.asked && !waits_for_request && e.pending_instruction.is_none() => {
                "请示：已请示领导".to_string()
            }
            _ => entry_deadline(e, now),
        };
        let ask = state
            .follow_ups
            .asks
            .iter()
            .find(|a| a.entry_id == e.id)
            .and_then(|a| request_label(&a.state(s.retry_after), now))
            .map(|(label, _)| {
                if asked_abroad(state, e.id) {
                    format!("境外，{label}")
                } else {
                    label
                }
            })
            .unwrap_or_default();
        let detail = [
            format!("{}，{}", format_minute(e.occurred_at), e.status.label()),
            deadline,
            ask,
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("；");
        items.push(Item {
            kind: ItemKind::Entry,
            ref_id: e.id,
            title: format!(
                "第 {} 号{} {}：{}",
                e.id,
                e.kind.label(),
                who,
                truncate(first_line(&e.content), 40)
            ),
            detail,
            must_carry: false,
            first_handed: first(ItemKind::Entry, e.id),
            check: Check::Pending,
            grouped: e.triage == Triage::Routine
                && now - e.occurred_at > s.group_after
                && !state.follow_ups.asks.iter().any(|a| a.entry_id == e.id),
        });
    }
    for e in &entries {
        if let Some((leader, text, given_at)) = &e.pending_instruction {
            items.push(Item {
                kind: ItemKind::Instruction,
                ref_id: e.id,
                title: format!("第 {} 号记录 {leader} 批示：{}", e.id, truncate(first_line(text), 40)),
                detail: format!("{} 批示，尚无办理记录", format_minute(*given_at)),
                must_carry: false,
                first_handed: first(ItemKind::Instruction, e.id),
                check: Check::Pending,
                grouped: false,
            });
        }
    }
    // 交办 by deadline, overdue first (the store reads them by deadline: the overdue are the
    // earliest).
    for t in &state.follow_ups.tasks {
        let about = truncate(first_line(&t.about), 30);
        items.push(Item {
            kind: ItemKind::Task,
            ref_id: t.id,
            title: format!("第 {} 号交办 {}：{} {about}", t.id, t.assignee, t.item.label()),
            detail: format!(
                "{}；时限 {}{}",
                t.short_state(now, s.task_warn_before),
                format_minute(t.due),
                t.feedback
                    .last()
                    .map(|f| format!("；最近反馈：{}", truncate(first_line(&f.text), 30)))
                    .unwrap_or_default()
            ),
            must_carry: false,
            first_handed: first(ItemKind::Task, t.id),
            check: Check::Pending,
            grouped: false,
        });
    }
    for n in &state.follow_ups.notices {
        let (reached, total) = n.progress();
        let waiting: Vec<&str> = n
            .recipients
            .iter()
            .filter(|r| !r.is_done())
            .map(|r| r.name.as_str())
            .collect();
        items.push(Item {
            kind: ItemKind::Notice,
            ref_id: n.id,
            title: format!("第 {} 号电话通知：{}", n.id, truncate(first_line(&n.content), 40)),
            detail: format!(
                "已通知 {reached}/{total}；未通知：{}",
                truncate(&waiting.join("、"), 60)
            ),
            must_carry: false,
            first_handed: first(ItemKind::Notice, n.id),
            check: Check::Pending,
            grouped: false,
        });
    }
    // Documents and entries handed on and not yet signed for, oldest first.
    for f in &state.follow_ups.unsigned {
        items.push(Item {
            kind: ItemKind::Forward,
            ref_id: f.id,
            title: format!("第 {} 号转交 {}：{}", f.id, f.to_whom, truncate(&f.what, 50)),
            detail: format!("{} 转交，待签收", format_minute(f.forwarded_at)),
            must_carry: false,
            first_handed: first(ItemKind::Forward, f.id),
            check: Check::Pending,
            grouped: false,
        });
    }
    // The group line's items last, together (a stable sort keeps their order).
    items.sort_by_key(|i| i.grouped);
    let total: u32 = state.shift_counts.iter().map(|(_, n)| n).sum();
    let records = if total == 0 {
        "本班没有新记录".to_string()
    } else {
        let parts: Vec<String> = state.shift_counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        format!("本班共记录 {total} 条：{}", parts.join("、"))
    };
    Draft {
        outgoing: outgoing.into(),
        incoming: incoming.into(),
        shift_start,
        built_at: now,
        summary: String::new(),
        // Keys, phones and documents rarely change: start from what the last shift handed over.
        handed_items: state
            .previous
            .as_ref()
            .map(|p| p.handed_items.clone())
            .unwrap_or_default(),
        records,
        items,
    }
}

fn asked_abroad(state: &OpenState, entry_id: EntryId) -> bool {
    state.follow_ups.asks.iter().any(|a| a.entry_id == entry_id && a.abroad)
}

/// The items shown as one group line (ordinary entries older than the configured age), and how
/// many of them still wait for the incoming officer.
#[must_use]
pub fn group_line(d: &Draft) -> Option<String> {
    let grouped: Vec<&Item> = d.items.iter().filter(|i| i.grouped).collect();
    let oldest = grouped.iter().filter_map(|i| i.detail.get(..16)).min()?.to_string();
    let pending = grouped.iter().filter(|i| i.check == Check::Pending).count();
    Some(format!(
        "较早的一般未办结事项 {} 项（最早 {oldest}；未确认 {pending} 项）：一并确认，按 Enter 展开逐项查看",
        grouped.len()
    ))
}

/// Why the draft cannot be signed yet, each a sentence that says what to do; empty when it can.
#[must_use]
pub fn sign_blockers(d: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    if d.incoming.trim().is_empty() {
        out.push("还没有选择接班人：按 e 选择接班人".to_string());
    } else if d.incoming == d.outgoing {
        out.push("接班人不能是交班人本人：按 e 选择接班人".to_string());
    }
    if d.summary.trim().is_empty() {
        out.push("当班情况还没有填写：按 e 填写".to_string());
    }
    let pending: Vec<&Item> = d.items.iter().filter(|i| i.check == Check::Pending).collect();
    if !pending.is_empty() {
        let carry = pending.iter().filter(|i| i.must_carry).count();
        let first = pending.first().map(|i| i.title.clone()).unwrap_or_default();
        let mut s = format!("还有 {} 项未经接班人确认（如：{first}）", pending.len());
        if carry > 0 {
            s.push_str(&format!("，其中在楼访客/计时中的事件 {carry} 项必须逐项确认接手"));
        }
        s.push_str("：选中后按 y 确认或 x 提出疑问");
        out.push(s);
    }
    out
}

/// PINs are 4 to 8 digits.
///
/// # Errors
/// A Chinese sentence saying what to type.
pub fn validate_pin(pin: &str) -> Result<(), String> {
    let n = pin.chars().count();
    if !(4..=8).contains(&n) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err("PIN 须为 4 到 8 位数字".into());
    }
    Ok(())
}

/// The 交接班记录 as Markdown, ready to print and sign on paper.
#[must_use]
pub fn to_markdown(h: &Handover, office: &str) -> String {
    let d = &h.draft;
    let mut s = String::new();
    s.push_str(&format!("# {office} 交接班记录（第 {} 号）\n\n", h.id));
    s.push_str(&format!("- 交班人：{}\n- 接班人：{}\n", d.outgoing, d.incoming));
    s.push_str(&format!(
        "- 值班时段：{} 至 {}\n- 交接时间：{}（双方已签字，记录不可更改）\n\n",
        format_minute(d.shift_start),
        format_minute(h.signed_at),
        format_minute(h.signed_at)
    ));
    if let Some(seal) = &h.seal {
        s.push_str(&format!(
            "- 审计链：{}（签字前的链尾；日后可用 zhiban verify --anchor {} 核对）\n\n",
            seal.text(),
            seal.argument()
        ));
    }
    s.push_str(&format!("## 当班情况\n\n{}\n\n{}\n\n", d.records, d.summary.trim()));
    s.push_str("## 移交事项\n\n");
    if d.items.is_empty() {
        s.push_str("无未办结事项、在楼访客或计时中的紧急事件。\n\n");
    } else {
        s.push_str("| 序号 | 类别 | 事项 | 时限/状态 | 接班确认 |\n|---|---|---|---|---|\n");
        for (i, item) in d.items.iter().enumerate() {
            let since = item
                .first_handed
                .map(|id| format!("（自第 {id} 号交接起移交）"))
                .unwrap_or_default();
            s.push_str(&format!(
                "| {} | {} | {}{} | {} | {} |\n",
                i + 1,
                item.kind.label(),
                cell(&item.title),
                since,
                cell(&item.detail),
                cell(&item.check.label())
            ));
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "## 交接物品\n\n{}\n\n",
        if d.handed_items.trim().is_empty() {
            "无"
        } else {
            d.handed_items.trim()
        }
    ));
    s.push_str("交班人签字：________________　　接班人签字：________________\n");
    s
}

/// Table cells cannot hold a bar or a line break.
fn cell(s: &str) -> String {
    s.replace('|', "｜").replace('\n', " ")
}

/// A request to sign, for the runtime: it checks (or, at a first signature, sets) both PINs and
/// re-reads what is open, refusing if something new appeared since the draft was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignRequest {
    pub draft: Draft,
    pub outgoing_pin: String,
    pub incoming_pin: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn entry(id: i64, triage: Triage, status: Status, when: NaiveDateTime) -> OpenEntry {
        OpenEntry {
            id,
            occurred_at: when,
            kind: EntryKind::IncomingCall,
            unit: "城关镇".into(),
            person: "李站长".into(),
            content: format!("第{id}件事"),
            triage,
            status,
            pending_instruction: None,
            asked: false,
        }
    }

    #[test]
    fn visitors_come_first_then_entries_by_urgency_and_closed_ones_are_left_out() {
        let mut state = OpenState {
            entries: vec![
                entry(1, Triage::Routine, Status::Pending, at(23, 9, 0)),
                entry(2, Triage::Urgent, Status::InProgress, at(23, 10, 0)),
                entry(3, Triage::Urgent, Status::Done, at(23, 8, 0)),
                entry(4, Triage::NextShift, Status::Pending, at(21, 9, 0)),
            ],
            visitors: vec![VisitorInside {
                id: 9,
                name: "张三".into(),
                host: "办公室".into(),
                entered_at: at(23, 14, 0),
            }],
            shift_counts: vec![("来电".into(), 3), ("传真".into(), 1)],
            ..OpenState::default()
        };
        state.first_handed.insert(("未办结事项".into(), 4), 7);
        let d = build_draft(&state, "张三", "李四", at(23, 8, 30), at(23, 16, 30));
        let ids: Vec<(ItemKind, i64)> = d.items.iter().map(|i| (i.kind, i.ref_id)).collect();
        assert_eq!(
            ids,
            vec![
                (ItemKind::Visitor, 9),
                (ItemKind::Entry, 2),
                (ItemKind::Entry, 4),
                (ItemKind::Entry, 1)
            ]
        );
        assert!(d.items[0].must_carry);
        assert_eq!(d.items[0].detail, "2026-11-23 14:00 进入，已在楼 2 小时 30 分");
        assert_eq!(d.items[2].first_handed, Some(7));
        assert!(
            d.items[2].detail.contains("11-22 内办理（已逾期）"),
            "{}",
            d.items[2].detail
        );
        assert_eq!(d.records, "本班共记录 4 条：来电 3、传真 1");
    }

    #[test]
    fn an_instruction_not_yet_carried_out_is_its_own_item() {
        let mut e = entry(5, Triage::AskLeader, Status::Pending, at(23, 9, 0));
        e.pending_instruction = Some(("王主任".into(), "请城关镇立即组织转移".into(), at(23, 9, 20)));
        let state = OpenState {
            entries: vec![e],
            ..OpenState::default()
        };
        let d = build_draft(&state, "张三", "李四", at(23, 8, 30), at(23, 16, 30));
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.items[1].kind, ItemKind::Instruction);
        assert!(d.items[1].title.contains("王主任 批示：请城关镇立即组织转移"));
        assert!(d.items[0].detail.contains("已批示，待落实"));
    }

    #[test]
    fn signing_needs_an_incoming_officer_a_summary_and_every_item_checked() {
        let state = OpenState {
            entries: vec![entry(1, Triage::Routine, Status::Pending, at(23, 9, 0))],
            visitors: vec![VisitorInside {
                id: 2,
                name: "王五".into(),
                host: "信访科".into(),
                entered_at: at(23, 9, 0),
            }],
            ..OpenState::default()
        };
        let mut d = build_draft(&state, "张三", "张三", at(23, 8, 30), at(23, 16, 30));
        let blockers = sign_blockers(&d);
        assert_eq!(blockers.len(), 3, "{blockers:?}");
        assert!(blockers[0].contains("不能是交班人本人"));
        assert!(blockers[2].contains("还有 2 项"), "{}", blockers[2]);
        assert!(blockers[2].contains("在楼访客/计时中的事件 1 项"));
        d.incoming = "李四".into();
        d.summary = "平稳".into();
        d.items[0].check = Check::Confirmed;
        d.items[1].check = Check::Question("几点回电？".into());
        assert!(sign_blockers(&d).is_empty());
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        assert!(validate_pin("1234").is_ok());
        assert!(validate_pin("12345678").is_ok());
        assert!(validate_pin("123").is_err());
        assert!(validate_pin("123456789").is_err());
        assert!(validate_pin("12a4").is_err());
    }

    #[test]
    fn the_paper_form_lists_every_item_with_its_check_and_escapes_table_bars() {
        let state = OpenState {
            entries: vec![entry(1, Triage::Routine, Status::Pending, at(23, 9, 0))],
            ..OpenState::default()
        };
        let mut d = build_draft(&state, "张三", "李四", at(23, 8, 30), at(23, 16, 30));
        d.summary = "一切正常".into();
        d.items[0].check = Check::Question("a|b".into());
        let md = to_markdown(
            &Handover {
                id: 3,
                draft: d,
                signed_at: at(23, 16, 40),
                seal: Some(crate::core::anchor::Anchor::new(41, "3f2a9c1b77d0e41500")),
            },
            "某某县人民政府办公室",
        );
        assert!(md.starts_with("# 某某县人民政府办公室 交接班记录（第 3 号）"));
        assert!(md.contains("| 1 | 未办结事项 | 第 1 号来电 城关镇 李站长：第1件事 |"));
        assert!(md.contains("有疑问：a｜b"));
        assert!(md.contains("交班人签字"));
        assert!(
            md.contains("- 审计链：第 41 条 3F2A-9C1B-77D0-E415（签字前的链尾；日后可用 zhiban verify --anchor 41:3F2A-9C1B-77D0-E415 核对）"),
            "{md}"
        );
    }

    #[test]
    fn old_ordinary_entries_are_one_group_line_but_requests_tasks_and_notices_stand_alone() {
        use crate::core::instruction::{AskItem, FollowUps, ItemRef, Task};
        let now = at(23, 16, 30);
        let long_ago = now - Duration::days(45);
        let task = Task {
            id: 3,
            item: ItemRef::Entry(2),
            instruction_id: None,
            assignee: "县应急局".into(),
            requirement: String::new(),
            due: now - Duration::hours(1),
            recorded_by: "张三".into(),
            recorded_at: long_ago,
            feedback: Vec::new(),
            about: "城关镇：第2件事".into(),
        };
        let state = OpenState {
            entries: vec![
                entry(1, Triage::Routine, Status::Pending, long_ago),
                entry(2, Triage::Routine, Status::Pending, long_ago + Duration::hours(1)),
                entry(3, Triage::AskLeader, Status::Pending, long_ago),
                entry(4, Triage::Routine, Status::Pending, at(23, 9, 0)),
                // From abroad: 请示 whatever its triage, so never grouped.
                entry(5, Triage::Routine, Status::Pending, long_ago),
            ],
            follow_ups: FollowUps {
                tasks: vec![task],
                notices: Vec::new(),
                unsigned: Vec::new(),
                holidays: Vec::new(),
                sends: Vec::new(),
                asks: vec![
                    AskItem {
                        entry_id: 3,
                        about: String::new(),
                        abroad: false,
                        last_try: None,
                    },
                    AskItem {
                        entry_id: 5,
                        about: String::new(),
                        abroad: true,
                        last_try: None,
                    },
                ],
            },
            ..OpenState::default()
        };
        let d = build_draft(&state, "张三", "李四", at(23, 8, 30), now);
        let order: Vec<(ItemKind, i64, bool)> = d.items.iter().map(|i| (i.kind, i.ref_id, i.grouped)).collect();
        assert_eq!(
            order,
            vec![
                (ItemKind::Entry, 3, false),
                (ItemKind::Entry, 5, false),
                (ItemKind::Entry, 4, false),
                (ItemKind::Task, 3, false),
                (ItemKind::Entry, 1, true),
                (ItemKind::Entry, 2, true),
            ],
            "the group last, together; the overdue 交办 on its own"
        );
        assert!(d.items[0].detail.contains("未请示"), "{}", d.items[0].detail);
        assert!(d.items[1].detail.contains("境外，未请示"), "{}", d.items[1].detail);
        assert!(d.items[3].detail.contains("已超期"), "{}", d.items[3].detail);
        let line = group_line(&d).unwrap();
        assert!(line.starts_with("较早的一般未办结事项 2 项（最早 2026-10-09"), "{line}");
        // A shorter configured age groups nothing newer than it.
        let s = InstructionSettings {
            group_after: Duration::days(60),
            ..InstructionSettings::default()
        };
        let d = build_draft_with(&state, "张三", "李四", at(23, 8, 30), now, &s);
        assert!(d.items.iter().all(|i| !i.grouped));
        assert!(group_line(&d).is_none());
    }
}
