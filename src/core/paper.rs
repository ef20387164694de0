//! Printable forms (issue 19, item 4): the 来电记录单 (any log entry, in the paper's order: the
//! record, then the handling, the 请示 and 批示, the corrections) and the 来访登记表, as Markdown or
//! as a plain-text A4 page — 76 columns, 64 lines a page with its number, 签字 lines at the foot
//! (domain.md §8). Every value is masked like the screens (`idcard::mask_in_text`): paper leaves
//! the office's control.

use super::idcard::{mask, mask_in_text};
use super::log::{Entry, EntryKind, LogField};
use super::text::{width, wrap};
use super::validate::format_minute;
use super::visit::Visit;

/// How a form is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperFormat {
    Markdown,
    /// Plain text laid out for A4 portrait.
    Text,
}

impl PaperFormat {
    /// `markdown`/`md` or `text`/`txt`.
    ///
    /// # Errors
    /// Anything else, in words.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "markdown" | "md" => Ok(Self::Markdown),
            "text" | "txt" => Ok(Self::Text),
            other => Err(format!("格式“{other}”不认识：可写 markdown 或 text")),
        }
    }
}

/// Columns of an A4 text page (10 characters to the inch, with margins).
pub const A4_COLUMNS: usize = 76;
/// Lines of an A4 text page before its footer.
pub const A4_LINES: usize = 64;
/// Cells of a row's label on a text page.
const LABEL_CELLS: usize = 12;

/// A form as blocks, printed either way.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Title(String),
    Section(String),
    Row(String, String),
    Para(String),
    /// One line of a text already laid out (wrapped, no blank after it).
    Line(String),
    Signatures(Vec<String>),
}

fn render(blocks: &[Block], format: PaperFormat, footnote: &str) -> String {
    match format {
        PaperFormat::Markdown => markdown(blocks, footnote),
        PaperFormat::Text => a4_text(blocks, footnote),
    }
}

fn markdown(blocks: &[Block], footnote: &str) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => out.push_str(&format!("# {t}\n\n")),
            Block::Section(s) => out.push_str(&format!("\n## {s}\n\n")),
            Block::Row(k, v) => {
                let v = if v.trim().is_empty() { "（无）" } else { v.trim() };
                out.push_str(&format!("- **{k}**：{}\n", v.replace('\n', "<br>")));
            }
            Block::Para(p) => out.push_str(&format!("{}\n\n", p.trim())),
            Block::Line(l) => out.push_str(&format!("{l}\n")),
            Block::Signatures(names) => {
                out.push('\n');
                for n in names {
                    out.push_str(&format!("{n}签字：________________　　日期：____年__月__日\n\n"));
                }
            }
        }
    }
    out.push_str(&format!("\n*{footnote}*\n"));
    out
}

/// `text` wrapped to `cells`, each line a String.
fn wrapped(text: &str, cells: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.is_empty() {
            out.push(String::new());
            continue;
        }
        for r in wrap(line, cells) {
            out.push(line.get(r).unwrap_or("").to_string());
        }
    }
    out
}

fn a4_text(blocks: &[Block], footnote: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for b in blocks {
        match b {
            Block::Title(t) => {
                let pad = A4_COLUMNS.saturating_sub(width(t)) / 2;
                lines.push(format!("{}{t}", " ".repeat(pad)));
                lines.push(String::new());
            }
            Block::Section(s) => {
                lines.push(String::new());
                lines.push(format!("【{s}】"));
            }
            Block::Row(k, v) => {
                let v = if v.trim().is_empty() { "（无）" } else { v.trim() };
                let label = format!("{k}：");
                let pad = LABEL_CELLS.saturating_sub(width(&label));
                let body = wrapped(v, A4_COLUMNS - LABEL_CELLS);
                for (i, l) in body.iter().enumerate() {
                    if i == 0 {
                        lines.push(format!("{label}{}{l}", " ".repeat(pad)));
                    } else {
                        lines.push(format!("{}{l}", " ".repeat(LABEL_CELLS)));
                    }
                }
            }
            Block::Para(p) => {
                lines.extend(wrapped(p.trim(), A4_COLUMNS));
                lines.push(String::new());
            }
            Block::Line(l) => lines.extend(wrapped(l.trim_end(), A4_COLUMNS)),
            Block::Signatures(names) => {
                lines.push(String::new());
                for n in names {
                    lines.push(String::new());
                    lines.push(format!("{n}签字：________________      日期：____年__月__日"));
                }
            }
        }
    }
    lines.push(String::new());
    lines.extend(wrapped(footnote, A4_COLUMNS));
    // Pages of A4_LINES, each with its number; a form feed between them.
    let pages: Vec<&[String]> = lines.chunks(A4_LINES).collect();
    let count = pages.len();
    let mut out = String::new();
    for (i, page) in pages.iter().enumerate() {
        for l in *page {
            out.push_str(l.trim_end());
            out.push('\n');
        }
        for _ in page.len()..A4_LINES {
            out.push('\n');
        }
        let number = format!("第 {} 页 共 {count} 页", i + 1);
        out.push_str(&format!("{}{number}\n", " ".repeat((A4_COLUMNS - width(&number)) / 2)));
        if i + 1 < count {
            out.push('\x0c');
        }
    }
    out
}

/// A text already composed (the 月度统计's) laid out on A4 pages: its first line centred as the
/// title, every other line wrapped to the width, numbered pages.
#[must_use]
pub fn a4_pages(text: &str, footnote: &str) -> String {
    let mut lines = text.lines();
    let mut blocks = vec![Block::Title(lines.next().unwrap_or("").trim().to_string())];
    blocks.extend(lines.map(|l| Block::Line(l.to_string())));
    a4_text(&blocks, footnote)
}

/// What a kind's record sheet is called.
fn entry_title(kind: EntryKind) -> String {
    match kind {
        EntryKind::IncomingCall => "来电记录单".into(),
        EntryKind::OutgoingCall => "去电记录单".into(),
        k => format!("{}登记单", k.label()),
    }
}

/// A log entry as its record sheet.
#[must_use]
pub fn entry_form(entry: &Entry, office: &str, format: PaperFormat) -> String {
    let f = &entry.fields;
    let kind = f.kind;
    let m = |s: &str| mask_in_text(s);
    let mut b = vec![Block::Title(format!("{office}{}", entry_title(kind)))];
    b.push(Block::Row(
        "编号".into(),
        format!("第 {} 号（{}，{}）", entry.id, f.triage.label(), f.status.label()),
    ));
    b.push(Block::Section("记录".into()));
    for &field in LogField::RECORD {
        if field.applies_to(kind) {
            b.push(Block::Row(field.label(kind).into(), m(&f.value(field))));
        }
    }
    if let Some(reason) = &f.withheld {
        b.push(Block::Row("内容不录入".into(), m(reason)));
    }
    b.push(Block::Row("记录人".into(), f.recorded_by.clone()));
    b.push(Block::Row("记录时间".into(), format_minute(f.recorded_at)));
    b.push(Block::Section("办理".into()));
    for &field in LogField::HANDLING {
        b.push(Block::Row(field.label(kind).into(), m(&f.value(field))));
    }
    for c in &entry.closings {
        b.push(Block::Row(
            "结束方式".into(),
            m(&format!(
                "{}（{} {}）",
                c.describe(),
                c.recorded_by,
                format_minute(c.recorded_at)
            )),
        ));
    }
    if !entry.requests.is_empty() {
        b.push(Block::Section("请示".into()));
        for r in &entry.requests {
            b.push(Block::Row(
                format_minute(r.at),
                m(&format!(
                    "{}请示 {}：{}（{} 记录）",
                    r.via.label(),
                    r.leader,
                    if r.reached { "已联系上" } else { "未联系上" },
                    r.recorded_by
                )),
            ));
        }
    }
    b.push(Block::Section("领导批示".into()));
    if entry.instructions.is_empty() {
        b.push(Block::Para("（无）".into()));
    }
    for i in &entry.instructions {
        let via = i.via.map(|v| format!("{}，", v.label())).unwrap_or_default();
        b.push(Block::Row(
            i.leader.clone(),
            m(&format!(
                "{}（{via}{}；{} 记录）",
                i.text,
                format_minute(i.given_at),
                i.recorded_by
            )),
        ));
    }
    if !entry.amendments.is_empty() {
        b.push(Block::Section("更正记录".into()));
        for a in &entry.amendments {
            b.push(Block::Row(
                format_minute(a.amended_at),
                m(&format!(
                    "{} 更正{}：{} → {}（{}）",
                    a.amended_by,
                    a.field.label(kind),
                    if a.old_value.is_empty() {
                        "（空）"
                    } else {
                        &a.old_value
                    },
                    a.new_value,
                    a.reason
                )),
            ));
        }
    }
    b.push(Block::Signatures(vec!["记录人".into(), "值班领导".into()]));
    render(
        &b,
        format,
        &format!("zhiban 第 {} 号值班记录；证件号码已遮盖", entry.id),
    )
}

/// A visit as its 来访登记表 (numbers masked, as on the screen).
#[must_use]
pub fn visit_form(visit: &Visit, office: &str, format: PaperFormat) -> String {
    let f = &visit.fields;
    let m = |s: &str| mask_in_text(s);
    let title = if f.petition.is_some() {
        "信访来访登记表"
    } else {
        "来访登记表"
    };
    let mut b = vec![Block::Title(format!("{office}{title}"))];
    b.push(Block::Row("编号".into(), format!("第 {} 号", visit.id)));
    b.push(Block::Section("来访人".into()));
    b.push(Block::Row("姓名".into(), format!("{}（{}）", f.name, f.gender.label())));
    b.push(Block::Row(
        "证件".into(),
        format!("{} {}", f.id_type.label(), mask(&f.id_number)),
    ));
    b.push(Block::Row("工作单位".into(), m(&f.employer)));
    b.push(Block::Row("联系电话".into(), super::validate::mask_phone(&f.phone)));
    b.push(Block::Row("来访人数".into(), f.people_count.to_string()));
    b.push(Block::Row("同行人员".into(), m(&f.companions)));
    b.push(Block::Row("车牌".into(), m(&f.plate)));
    b.push(Block::Row("携带物品".into(), m(&f.belongings)));
    b.push(Block::Section("来访".into()));
    b.push(Block::Row("来访时间".into(), format_minute(f.entered_at)));
    b.push(Block::Row("事由".into(), m(&f.purpose)));
    b.push(Block::Row("被访部门/人".into(), m(&f.host)));
    if let Some(p) = &f.petition {
        b.push(Block::Row("住址".into(), m(&p.address)));
        b.push(Block::Row("信访事项".into(), m(&p.matter)));
    }
    if !f.representatives.is_empty() {
        b.push(Block::Section(format!("代表（{} 人）", f.representatives.len())));
        for r in &f.representatives {
            let role = if r.is_liaison { "联络人" } else { "代表" };
            b.push(Block::Row(
                role.into(),
                format!(
                    "{} {} {}",
                    r.name,
                    mask(&r.id_number),
                    super::validate::mask_phone(&r.phone)
                )
                .trim()
                .to_string(),
            ));
        }
    }
    b.push(Block::Section("处理".into()));
    b.push(Block::Row("处理情况".into(), m(&f.handling)));
    b.push(Block::Row(
        "离开时间".into(),
        visit
            .checked_out_at
            .map_or_else(|| "（尚未离开）".into(), format_minute),
    ));
    b.push(Block::Row("登记人".into(), f.registered_by.clone()));
    if let Some(p) = &visit.previous {
        b.push(Block::Row(
            "上次来访".into(),
            m(&format!(
                "第 {} 号，{}，{}；{}",
                p.id,
                format_minute(p.entered_at),
                p.matter.as_deref().unwrap_or(&p.purpose),
                p.outcome
            )),
        ));
    }
    b.push(Block::Signatures(vec!["登记人".into(), "来访人".into()]));
    render(
        &b,
        format,
        &format!("zhiban 第 {} 号来访；证件号码、电话已遮盖", visit.id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_form_breaks_into_numbered_a4_pages_within_the_width() {
        let mut blocks = vec![Block::Title("测试单".into())];
        for i in 0..100 {
            blocks.push(Block::Row(format!("第{i}项"), "长".repeat(90)));
        }
        let text = a4_text(&blocks, "脚注");
        let pages: Vec<&str> = text.split('\x0c').collect();
        assert!(pages.len() > 1);
        for (i, page) in pages.iter().enumerate() {
            let lines: Vec<&str> = page.lines().collect();
            assert_eq!(lines.len(), A4_LINES + 1, "every page is as long, with its number");
            assert!(
                lines
                    .last()
                    .unwrap()
                    .contains(&format!("第 {} 页 共 {} 页", i + 1, pages.len()))
            );
            assert!(lines.iter().all(|l| width(l) <= A4_COLUMNS), "within the width");
        }
    }

    #[test]
    fn markdown_rows_keep_their_line_breaks_and_say_none_when_empty() {
        let md = markdown(
            &[
                Block::Title("来电记录单".into()),
                Block::Row("内容".into(), "第一行\n第二行".into()),
                Block::Row("备注".into(), String::new()),
                Block::Signatures(vec!["记录人".into()]),
            ],
            "脚注",
        );
        assert!(md.starts_with("# 来电记录单\n"));
        assert!(md.contains("- **内容**：第一行<br>第二行\n"));
        assert!(md.contains("- **备注**：（无）\n"));
        assert!(md.contains("记录人签字："));
    }

    #[test]
    fn a_composed_text_is_laid_out_on_a4_with_its_title_centred() {
        let text = format!(
            "某某县 值班统计（2025年11月）\n\n一、值班记录\n{}\n",
            "冯刚：记录 1403 件，".repeat(12)
        );
        let page = a4_pages(&text, "zhiban stats");
        let lines: Vec<&str> = page.lines().collect();
        assert!(lines[0].starts_with("  ") && lines[0].trim() == "某某县 值班统计（2025年11月）");
        assert!(lines.iter().all(|l| width(l) <= A4_COLUMNS));
        assert!(page.contains("一、值班记录\n"));
        assert!(lines.last().unwrap().contains("第 1 页 共 1 页"));
    }

    #[test]
    fn formats_parse() {
        assert_eq!(PaperFormat::parse("md"), Ok(PaperFormat::Markdown));
        assert_eq!(PaperFormat::parse("text"), Ok(PaperFormat::Text));
        assert!(PaperFormat::parse("pdf").is_err());
    }
}
