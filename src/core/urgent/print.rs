//! A report printed in the standard layout (domain.md §8, 突发事件信息报告): 标题, 报送单位,
//! 签发人, 报送时间, 报送对象及方式, 正文, 待核实事项, 联系人及电话 — as Markdown or as text.

use super::{Event, Facts, Report};

/// The short subject of an event for a title: the summary's first clause, at most 20 characters.
fn subject(summary: &str) -> String {
    let first = summary
        .split(['，', '。', '；', ',', ';', '\n'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("");
    first.chars().take(20).collect()
}

/// "关于民族路口客车侧翻的续报一".
#[must_use]
pub fn title(event: &Event, report: &Report) -> String {
    let facts = Facts::as_of(&event.record, &event.changes, Some(report.recorded_at));
    let subject = subject(&event.record.summary);
    let place = if subject.contains(facts.place.trim()) {
        ""
    } else {
        facts.place.trim()
    };
    format!("关于{place}{subject}的{}", report.kind)
}

/// Who prints it and how to reach the duty room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead<'a> {
    /// 报送单位.
    pub office: &'a str,
    /// 联系人及电话: the officer who recorded the report and the duty room's number.
    pub contact: String,
}

/// The report in the standard layout; `markdown` adds headings and keeps lines apart.
#[must_use]
pub fn print(event: &Event, report: &Report, head: &Letterhead<'_>, markdown: bool) -> String {
    let facts = Facts::as_of(&event.record, &event.changes, Some(report.recorded_at));
    let unverified = facts.unverified();
    let unverified = if unverified.is_empty() {
        "无".to_string()
    } else {
        unverified.join("、")
    };
    let rows = [
        ("报送单位", head.office.to_string()),
        ("签发人", report.signed_by.clone()),
        ("报送时间", report.sent_at.format("%Y年%m月%d日 %H:%M").to_string()),
        (
            "报送对象",
            format!("{}（{}）", report.recipient, report.channel.label()),
        ),
    ];
    let mut out = String::new();
    let title = title(event, report);
    if markdown {
        out.push_str(&format!("# {title}\n\n"));
        for (k, v) in rows {
            out.push_str(&format!("- {k}：{v}\n"));
        }
        out.push_str(&format!("\n## 正文\n\n{}\n\n", report.content.trim()));
        out.push_str(&format!("## 待核实事项\n\n{unverified}\n\n"));
        out.push_str(&format!("## 联系人及电话\n\n{}\n", head.contact));
    } else {
        out.push_str(&format!("{title}\n\n"));
        for (k, v) in rows {
            out.push_str(&format!("{k}：{v}\n"));
        }
        out.push_str(&format!("\n正文：\n{}\n\n", report.content.trim()));
        out.push_str(&format!("待核实事项：{unverified}\n"));
        out.push_str(&format!("联系人及电话：{}\n", head.contact));
    }
    out.push_str(&format!(
        "\n（第 {} 号事件；{} 记录于 {}）\n",
        event.id,
        report.recorded_by,
        report.recorded_at.format("%Y-%m-%d %H:%M")
    ));
    out
}

/// `s` without the closing punctuation it may already have, so a sentence ends in one 。.
fn clause(s: &str) -> &str {
    s.trim().trim_end_matches(['。', '.', '；', ';', '，', ',', '、', ' '])
}

/// The text a 初报 starts from, in the order of the standard form: 时间、地点、事件概况、伤亡、
/// 已采取措施、发展趋势 — each said once, each sentence ending in one 。; what is not known is
/// left to the 待核实事项 (printed apart, never marked inside the text that is sent).
#[must_use]
pub fn first_report_text(record: &super::NewEvent, facts: &Facts) -> String {
    let mut out = format!("事发时间：{}。", facts.occurred_at.format("%m月%d日%H时%M分"));
    if !clause(&facts.place).is_empty() {
        out.push_str(&format!("事发地点：{}。", clause(&facts.place)));
    }
    out.push_str(&format!("事件概况：{}。", clause(&record.summary)));
    out.push_str(&format!("伤亡情况：{}。", facts.casualties()));
    for (label, text) in [("已采取措施", &facts.measures), ("发展趋势", &facts.trend)] {
        if !clause(text).is_empty() {
            out.push_str(&format!("{label}：{}。", clause(text)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::urgent::NewEvent;

    #[test]
    fn the_first_report_says_the_time_once_and_ends_each_sentence_once() {
        let record = NewEvent {
            measures: "交警、120已到场；".into(),
            ..crate::core::urgent::facts::tests::test_record("G320国道与民族路交叉口", "16时05分许，一辆客车侧翻。")
        };
        let text = first_report_text(&record, &Facts::first(&record));
        assert_eq!(
            text,
            "事发时间：11月23日16时05分。事发地点：G320国道与民族路交叉口。事件概况：16时05分许，一辆客车侧翻。\
             伤亡情况：死亡 待核实，失踪 0，受伤 5。已采取措施：交警、120已到场。"
        );
        assert!(!text.contains("。。"));
        assert!(!text.contains("发生16时"));
    }
}
