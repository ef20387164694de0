//! Records as exported by `zhiban export`: the kinds — 值班记录, 来访, 紧急事件, 交接班 — and one
//! CSV row (Chinese headers) per record. The JSON objects are [`super::json`]'s, the same the
//! command line's `--json` prints. Pure: the store streams the records, the command line writes.
//!
//! # Decisions
//!
//! - **A record with its parts is one object / one row.** JSON nests the parts as arrays
//!   ([`super::json`]). CSV keeps one row per record and puts each list in one cell, one part per
//!   line, so a sheet has one line per record and nothing to join.
//! - **ID numbers are always masked** (`id_number_masked`, [`idcard::mask`]), the visitor's and
//!   every representative's. The export has no option to reveal them: a full number is seen only on
//!   screen, one at a time, and every reveal is logged (domain.md §6).
//! - **Times** are `YYYY-MM-DD HH:MM:SS`, as stored; a missing time is `null` in JSON and empty in
//!   CSV. Casualties not yet known are `null` in JSON and 待核实 in CSV.
//! - **CSV is for reading in Excel or WPS**, written with [`super::csv`]: a BOM, quoting, and the
//!   formula guard. JSON is the exact copy.

use chrono::NaiveDateTime;

use super::handover::Handover;
use super::idcard;
use super::json::check_state;
use super::log::{Entry, read_back_label};
use super::report::ReportEvent;
use super::visit::{Visit, format_plate};

labelled_enum!(
    /// The kinds of record `zhiban export` writes.
    RecordKind {
        Log => "值班记录",
        Visit => "来访",
        Event => "紧急事件",
        Handover => "交接班",
    }
);

impl RecordKind {
    /// The key of this kind's array when several kinds are written as one JSON object.
    #[must_use]
    pub fn json_key(self) -> &'static str {
        match self {
            Self::Log => "log_entries",
            Self::Visit => "visits",
            Self::Event => "events",
            Self::Handover => "handovers",
        }
    }

    /// The CSV header row.
    #[must_use]
    pub fn csv_header(self) -> &'static [&'static str] {
        match self {
            Self::Log => &[
                "编号",
                "类型",
                "类别",
                "发生时间",
                "单位",
                "来电人/接电人",
                "电话",
                "受话人",
                "内容",
                "已报其他",
                "复述核对",
                "转交/转办",
                "转交时间",
                "分级",
                "状态",
                "拟办意见",
                "办理结果",
                "承办人",
                "办结时间",
                "记录人",
                "记录时间",
                "修改记录",
                "领导批示",
                "紧急提醒记录",
            ],
            Self::Visit => &[
                "编号",
                "姓名",
                "性别",
                "证件类型",
                "证件号码（遮掩）",
                "工作单位",
                "联系电话",
                "人数",
                "同行人",
                "来访事由",
                "被访部门/人",
                "车牌号",
                "携带物品",
                "处理情况",
                "进入时间",
                "离开时间",
                "离开登记人",
                "登记人",
                "登记时间",
                "信访",
                "住址",
                "信访事项",
                "集体访",
                "重访（上次编号）",
                "代表",
            ],
            Self::Event => &[
                "编号",
                "类别",
                "等级",
                "状态",
                "事发时间",
                "接报时间",
                "事发地点",
                "信息来源",
                "事件概况",
                "死亡",
                "失踪",
                "受伤",
                "已采取措施",
                "发展趋势",
                "请求事项",
                "现场联系人",
                "值班记录编号",
                "报送时限",
                "记录人",
                "记录时间",
                "报告",
                "时间线",
                "事实更新",
            ],
            Self::Handover => &[
                "编号",
                "交班人",
                "接班人",
                "值班开始",
                "交班单生成时间",
                "交接时间",
                "当班情况",
                "交接物品",
                "本班记录",
                "移交事项",
            ],
        }
    }
}

fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn opt_time(t: Option<NaiveDateTime>) -> String {
    t.map(time).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

/// A 值班记录 with its amendments, instructions and alert timeline, as a CSV row under
/// [`RecordKind::Log`]'s header.
#[must_use]
pub fn entry_csv(e: &Entry) -> Vec<String> {
    let f = &e.fields;
    let amendments: Vec<String> = e
        .amendments
        .iter()
        .map(|a| {
            format!(
                "{} {} 更正“{}”：{} → {}（原因：{}）",
                time(a.amended_at),
                a.amended_by,
                a.field.label(f.kind),
                a.old_value,
                a.new_value,
                a.reason
            )
        })
        .collect();
    let instructions: Vec<String> = e
        .instructions
        .iter()
        .map(|i| {
            format!(
                "{} {}：{}（{} 记录）",
                time(i.given_at),
                i.leader,
                i.text,
                i.recorded_by
            )
        })
        .collect();
    let alert: Vec<String> = e
        .alert
        .iter()
        .map(|l| format!("{} {}：{}", time(l.at), l.who, l.text))
        .collect();
    vec![
        e.id.to_string(),
        f.kind.label().into(),
        f.category.clone(),
        time(f.occurred_at),
        f.unit.clone(),
        f.person.clone(),
        f.phone.clone(),
        f.receiver.clone(),
        f.content.clone(),
        f.reported_elsewhere.clone(),
        read_back_label(f.read_back).into(),
        f.forwarded_to.clone(),
        opt_time(f.forwarded_at),
        f.triage.label().into(),
        f.status.label().into(),
        f.proposal.clone(),
        f.result.clone(),
        f.handler.clone(),
        opt_time(f.closed_at),
        f.recorded_by.clone(),
        time(f.recorded_at),
        amendments.join("\n"),
        instructions.join("\n"),
        alert.join("\n"),
    ]
}

/// A visit with its representatives, every ID number masked, as a CSV row under
/// [`RecordKind::Visit`]'s header.
#[must_use]
pub fn visit_csv(v: &Visit) -> Vec<String> {
    let f = &v.fields;
    let reps: Vec<String> = f
        .representatives
        .iter()
        .map(|r| {
            let parts: Vec<String> = [
                format!("{}{}", r.name, if r.is_liaison { "（联络人）" } else { "" }),
                idcard::mask(&r.id_number),
                r.phone.clone(),
            ]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
            parts.join(" ")
        })
        .collect();
    vec![
        v.id.to_string(),
        f.name.clone(),
        f.gender.label().into(),
        f.id_type.label().into(),
        idcard::mask(&f.id_number),
        f.employer.clone(),
        f.phone.clone(),
        f.people_count.to_string(),
        f.companions.clone(),
        f.purpose.clone(),
        f.host.clone(),
        format_plate(&f.plate),
        f.belongings.clone(),
        f.handling.clone(),
        time(f.entered_at),
        opt_time(v.checked_out_at),
        v.checked_out_by.clone().unwrap_or_default(),
        f.registered_by.clone(),
        time(f.registered_at),
        yes_no(f.petition.is_some()),
        f.petition.as_ref().map(|p| p.address.clone()).unwrap_or_default(),
        f.petition.as_ref().map(|p| p.matter.clone()).unwrap_or_default(),
        yes_no(f.is_collective()),
        v.repeat_of.map(|id| id.to_string()).unwrap_or_default(),
        reps.join("\n"),
    ]
}

/// An urgent event with its reports and timeline, as a CSV row under [`RecordKind::Event`]'s
/// header.
#[must_use]
pub fn event_csv(re: &ReportEvent) -> Vec<String> {
    let e = &re.event;
    let r = &e.record;
    let count = |n: Option<u32>| n.map_or_else(|| "待核实".to_string(), |n| n.to_string());
    let reports: Vec<String> = re
        .reports
        .iter()
        .map(|p| {
            format!(
                "{} {}（{}）报{}，签发 {}：{}",
                time(p.sent_at),
                p.kind,
                p.channel.label(),
                p.recipient,
                p.signed_by,
                p.content
            )
        })
        .collect();
    let timeline: Vec<String> = re
        .timeline
        .iter()
        .map(|l| format!("{} {}：{}", time(l.at), l.who, l.text))
        .collect();
    let clocks: Vec<String> = e
        .clocks
        .iter()
        .map(|c| {
            let s = &c.setting;
            let written = s
                .written_due
                .map(|w| format!("，书面截止 {}", time(w)))
                .unwrap_or_default();
            format!(
                "{}：{}，起算 {}，电话截止 {}{written}，依据 {}",
                s.recipient,
                s.limits_text(),
                s.clock.label(),
                time(s.phone_due),
                s.source
            )
        })
        .collect();
    let changes: Vec<String> = e
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {}：{}（理由：{}）",
                time(c.at),
                c.by,
                crate::core::urgent::facts::change_text(c),
                c.reason
            )
        })
        .collect();
    // The facts as known now; the first record is in the amendments' old values.
    let f = &e.facts;
    vec![
        e.id.to_string(),
        r.category.clone(),
        f.level.label().into(),
        e.escalation.state.label().into(),
        time(f.occurred_at),
        time(r.received_at),
        f.place.clone(),
        r.source.clone(),
        r.summary.clone(),
        count(f.deaths),
        count(f.missing),
        count(f.injured),
        f.measures.clone(),
        f.trend.clone(),
        r.requests.clone(),
        f.contact.clone(),
        r.log_entry_id.map(|id| id.to_string()).unwrap_or_default(),
        clocks.join("\n"),
        r.created_by.clone(),
        time(r.created_at),
        reports.join("\n"),
        timeline.join("\n"),
        changes.join("\n"),
    ]
}

/// A signed handover with its items, as a CSV row under [`RecordKind::Handover`]'s header.
#[must_use]
pub fn handover_csv(h: &Handover) -> Vec<String> {
    let d = &h.draft;
    let items: Vec<String> = d
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let (state, question) = check_state(&i.check);
            let question = if question.is_empty() {
                String::new()
            } else {
                format!("：{question}")
            };
            format!(
                "{}. [{}] {}；{}；{state}{question}",
                n + 1,
                i.kind.label(),
                i.title,
                i.detail
            )
        })
        .collect();
    vec![
        h.id.to_string(),
        d.outgoing.clone(),
        d.incoming.clone(),
        time(d.shift_start),
        time(d.built_at),
        time(h.signed_at),
        d.summary.clone(),
        d.handed_items.clone(),
        d.records.clone(),
        items.join("\n"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_header_and_a_json_key() {
        for k in RecordKind::ALL {
            assert!(!k.csv_header().is_empty());
            assert!(k.json_key().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
