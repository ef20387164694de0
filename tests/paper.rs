//! Printable forms (issue 19, item 4): a call with a 批示 and a correction as its 来电记录单, a
//! 信访 visit with representatives as its 来访登记表 — in the paper's order, every number masked,
//! 签字 lines at the foot, the text layout within A4's width and numbered pages; and the commands.

mod cli_common;

use chrono::NaiveDateTime;
use zhiban::core::idcard;
use zhiban::core::log::{AmendRequest, Instruction, InstructionRequest, LogField, RawValues, build_entry};
use zhiban::core::paper::{A4_COLUMNS, A4_LINES, PaperFormat, entry_form, visit_form};
use zhiban::core::text::width;
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

const ID: &str = "11010519491231002X";

fn call(s: &mut Store) -> i64 {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇人民政府"),
        (LogField::Person, "王建国（副镇长）"),
        (LogField::Phone, "0871-63121234"),
        (
            LogField::Content,
            &format!("河西村河堤出现管涌约2米，已组织群众转移；伤者身份证号{ID}，请求派员支援。"),
        ),
        (LogField::Triage, "急办"),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    let e = build_entry(&raw, "张三", at("2026-11-23 03:10")).unwrap();
    let (id, _) = s.insert_entry(&e).unwrap();
    s.add_instruction(&InstructionRequest {
        entry_id: id,
        instruction: Instruction {
            id: None,
            via: Some(zhiban::core::instruction::Via::Phone),
            leader: "王五".into(),
            text: "请水务局立即派员，随时报告。".into(),
            given_at: at("2026-11-23 03:20"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-11-23 03:21"),
        },
    })
    .unwrap();
    s.amend(&AmendRequest {
        entry_id: id,
        changes: vec![(LogField::Person, "王建国".into())],
        reason: "核实姓名".into(),
        amended_by: "张三".into(),
        amended_at: at("2026-11-23 03:30"),
    })
    .unwrap();
    id
}

#[test]
fn a_call_prints_as_its_record_sheet_in_the_papers_order_with_numbers_masked() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("zhiban.db")).unwrap();
    let id = call(&mut s);
    let entry = s.entry(id).unwrap();
    let md = entry_form(&entry, "某某县人民政府办公室", PaperFormat::Markdown);
    assert!(md.starts_with("# 某某县人民政府办公室来电记录单\n"), "{md}");
    let order = [
        "## 记录",
        "来电时间",
        "来电单位",
        "来电人",
        "来电号码",
        "内容",
        "## 办理",
        "拟办意见",
        "## 领导批示",
        "## 更正记录",
        "记录人签字",
        "值班领导签字",
    ];
    let mut rest = md.as_str();
    for label in order {
        let (_, after) = rest
            .split_once(label)
            .unwrap_or_else(|| panic!("{label} in the paper's order:\n{md}"));
        rest = after;
    }
    assert!(md.contains("请水务局立即派员，随时报告。"), "the 批示 verbatim");
    assert!(md.contains("更正来电人：王建国（副镇长） → 王建国（核实姓名）"), "{md}");
    assert!(!md.contains(ID), "the ID number never printed whole");
    assert!(md.contains(&idcard::mask(ID)), "{md}");

    let text = entry_form(&entry, "某某县人民政府办公室", PaperFormat::Text);
    assert!(!text.contains(ID));
    let pages: Vec<&str> = text.split('\x0c').collect();
    assert_eq!(pages.len(), 1, "one A4 page");
    let lines: Vec<&str> = pages[0].lines().collect();
    assert_eq!(lines.len(), A4_LINES + 1);
    assert!(lines.iter().all(|l| width(l) <= A4_COLUMNS), "{text}");
    assert!(lines.last().unwrap().contains("第 1 页 共 1 页"));
    assert!(text.contains("【领导批示】") && text.contains("记录人签字："));
}

#[test]
fn a_collective_petition_prints_as_its_visit_form_with_every_number_masked() {
    use zhiban::core::visit::{RepresentativeDraft, VisitDraft, build_visit};
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("zhiban.db")).unwrap();
    let rep = "530102198111113218";
    let draft = VisitDraft {
        name: "赵六".into(),
        id_type: "居民身份证".into(),
        id_number: ID.into(),
        phone: "13912345678".into(),
        people_count: "6".into(),
        purpose: "反映宅基地纠纷".into(),
        host: "信访科".into(),
        petition: true,
        petition_address: "城关镇河西村".into(),
        petition_matter: "宅基地纠纷".into(),
        representatives: vec![RepresentativeDraft {
            name: "孙七".into(),
            id_number: rep.into(),
            phone: "13700002222".into(),
        }],
        liaison: Some(0),
        ..VisitDraft::default()
    };
    let built = build_visit(&draft, "张三", at("2026-11-23 09:30"), at("2026-11-23 09:30").date()).unwrap();
    let id = s.add_visit(&built).unwrap();
    let visit = s.visit(id).unwrap();
    for format in [PaperFormat::Markdown, PaperFormat::Text] {
        let form = visit_form(&visit, "某某县人民政府办公室", format);
        assert!(form.contains("信访来访登记表"), "{form}");
        for whole in [ID, rep, "13912345678", "13700002222"] {
            assert!(!form.contains(whole), "{whole} printed whole:\n{form}");
        }
        assert!(form.contains("宅基地纠纷") && form.contains("联络人") && form.contains("孙七"));
        assert!(form.contains("来访人签字"));
    }
}

#[test]
fn the_print_commands_write_the_forms_and_refuse_a_bad_format() {
    let sb = cli_common::Sandbox::new();
    std::fs::create_dir_all(sb.db().parent().unwrap()).unwrap();
    {
        let mut s = Store::open(&sb.db()).unwrap();
        call(&mut s);
    }
    let md = cli_common::success(&sb.run(&["log", "print", "1"]));
    assert!(md.contains("来电记录单") && !md.contains(ID));
    let text = cli_common::success(&sb.run(&["log", "print", "1", "--format", "text"]));
    assert!(text.contains("第 1 页 共 1 页"));
    let out = sb.run(&["log", "print", "1", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli_common::stderr(&out).contains("markdown 或 text"));
    let out = sb.run(&["visit", "print", "7"]);
    assert_ne!(out.status.code(), Some(0), "no such visit");
}
