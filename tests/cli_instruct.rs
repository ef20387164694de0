//! `zhiban instruct|task|notice`, driven through the real binary as a script would (issue 17): a
//! 批示 by a leader not in the config, two 交办 from it, one overdue, 反馈 and 办结; a notice to
//! the configured group 各乡镇值班室 through 未接通 and 已通知 to done; every refusal exits 2 in
//! Chinese and writes nothing.
//!
//! Nothing depends on the wall clock: deadlines typed on the command line are in 2099 (ahead of any
//! clock this runs under), and the overdue task is written through the store with a deadline in
//! 2001 (behind any such clock).

mod cli_common;

use cli_common::{Sandbox, failure, success};
use serde_json::Value;

fn json(out: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(out)
        .expect("JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn new_entry(sandbox: &Sandbox) -> String {
    success(&sandbox.run(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "县水利局",
        "--content",
        "河堤出现管涌",
        "--triage",
        "请示",
        "--time",
        "2001-05-01 14:00",
    ]))
    .trim()
    .to_string()
}

#[test]
fn an_instruction_is_handed_out_followed_and_finished_from_the_command_line() {
    let sandbox = Sandbox::new();
    let entry = new_entry(&sandbox);
    assert_eq!(entry, "1");

    // 批示 by a leader who is not in the config; the 方式 must be one of four.
    let err = failure(
        &sandbox.run(&[
            "instruct",
            "add",
            "1",
            "--leader",
            "副县长 李某",
            "--text",
            "同意",
            "--via",
            "微信",
        ]),
        2,
    );
    assert!(err.contains("电话、当面、书面、短信"), "{err}");
    let err = failure(
        &sandbox.run(&["instruct", "add", "99", "--leader", "县长", "--text", "同意"]),
        2,
    );
    assert!(err.contains("99"), "{err}");
    let ins = success(&sandbox.run(&[
        "instruct",
        "add",
        "1",
        "--leader",
        "副县长 李某",
        "--text",
        "请县应急局、城关镇立即派员到场",
        "--via",
        "电话",
        "--time",
        "2001-05-01 14:30",
    ]));
    assert_eq!(ins.trim(), "1");

    // Two 交办 from it (one line of names, two tasks); a deadline in the past is refused.
    let err = failure(
        &sandbox.run(&["task", "add", "1", "--to", "县应急局", "--due", "2001-05-01 17:00"]),
        2,
    );
    assert!(err.contains("已经过去"), "{err}");
    let ids = success(&sandbox.run(&[
        "task",
        "add",
        "1",
        "--to",
        "县应急局、城关镇",
        "--due",
        "2099-05-01 17:00",
        "--requirement",
        "到场核实并反馈",
    ]));
    assert_eq!(ids.lines().collect::<Vec<_>>(), ["1", "2"]);
    let err = failure(
        &sandbox.run(&["task", "add", "--to", "县应急局", "--due", "2099-05-01 17:00"]),
        2,
    );
    assert!(err.contains("--entry"), "{err}");

    // A third, overdue: written through the store with a deadline long past.
    {
        let mut store = zhiban::store::Store::open(&sandbox.db()).unwrap();
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        store
            .add_tasks(&zhiban::core::instruction::NewTask {
                item: zhiban::core::instruction::ItemRef::Entry(1),
                instruction_id: Some(1),
                assignees: vec!["县水利局".into()],
                requirement: String::new(),
                due: t("2001-05-01 18:00"),
                recorded_by: "张三".into(),
                recorded_at: t("2001-05-01 14:40"),
            })
            .unwrap();
    }
    let overdue = json(&success(&sandbox.run(&["task", "list", "--overdue", "--json"])));
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["assignee"], "县水利局");
    let text = success(&sandbox.run(&["task", "list", "--overdue"]));
    assert!(text.contains("已超期"), "{text}");
    let all = json(&success(&sandbox.run(&["task", "list", "--json"])));
    let order: Vec<i64> = all.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(order, [3, 1, 2], "by deadline, the overdue first");
    assert_eq!(all[1]["instruction_id"], 1);
    assert_eq!(all[1]["requirement"], "到场核实并反馈");

    // 反馈, then 办结; a finished task takes no more.
    success(&sandbox.run(&["task", "feedback", "3", "--text", "已派员", "--by", "刘科长"]));
    success(&sandbox.run(&["task", "feedback", "3", "--text", "险情排除", "--done"]));
    let err = failure(&sandbox.run(&["task", "feedback", "3", "--text", "再补一句"]), 2);
    assert!(err.contains("办结"), "{err}");
    let all = json(&success(&sandbox.run(&["task", "list", "--json"])));
    assert_eq!(all.len(), 2, "the finished one left the list");

    // The entry carries all of it in its JSON (as the export does).
    let entries = json(&success(&sandbox.run(&["log", "list", "--json"])));
    let e = &entries[0];
    assert_eq!(e["instructions"][0]["leader"], "副县长 李某");
    assert_eq!(e["instructions"][0]["via"], "电话");
    assert_eq!(e["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(e["tasks"][2]["feedback"].as_array().unwrap().len(), 2);
    assert!(e["tasks"][2]["done_at"].is_string());
}

#[test]
fn an_entry_from_abroad_is_recorded_as_a_request() {
    let sandbox = Sandbox::new();
    success(&sandbox.run(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "某境外媒体",
        "--content",
        "记者询问本地情况",
        "--triage",
        "一般",
        "--abroad",
        "--time",
        "2001-05-01 10:00",
    ]));
    let entries = json(&success(&sandbox.run(&["log", "list", "--json"])));
    assert_eq!(entries[0]["abroad"], true);
    assert_eq!(entries[0]["triage"], "请示", "境外 is always 请示");
}

#[test]
fn a_notice_to_a_saved_group_is_called_through_to_done() {
    let sandbox = Sandbox::new();
    let err = failure(&sandbox.run(&["notice", "add", "--text", "开会", "--to", " 、 "]), 2);
    assert!(err.contains("至少"), "{err}");
    // The shipped config's group 各乡镇值班室 stands for its five members.
    let id = success(&sandbox.run(&[
        "notice",
        "add",
        "--text",
        "明日 9 时召开防汛调度会",
        "--to",
        "各乡镇值班室",
        "--meeting",
        "2099-06-01 09:00",
        "--place",
        "县政府三楼会议室",
        "--reply",
    ]));
    assert_eq!(id.trim(), "1");
    let n = &json(&success(&sandbox.run(&["notice", "list", "--json"])))[0];
    let names: Vec<&str> = n["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 5);
    assert_eq!(n["meeting_at"], "2099-06-01 09:00:00");

    let err = failure(&sandbox.run(&["notice", "mark", "1", "1", "--outcome", "打过了"]), 2);
    assert!(err.contains("已通知、未接通"), "{err}");
    let err = failure(
        &sandbox.run(&["notice", "mark", "1", "不存在的单位", "--outcome", "已通知"]),
        2,
    );
    assert!(err.contains(names[0]), "the recipients are named: {err}");

    // The first does not answer, then everyone is reached (by number or by name).
    success(&sandbox.run(&["notice", "mark", "1", names[0], "--outcome", "未接通"]));
    for i in 2..=5 {
        success(&sandbox.run(&[
            "notice",
            "mark",
            "1",
            &i.to_string(),
            "--outcome",
            "已通知",
            "--taker",
            "值班员",
        ]));
    }
    let n = &json(&success(&sandbox.run(&["notice", "list", "--json"])))[0];
    assert_eq!(n["done"], false);
    assert_eq!(n["recipients"][0]["state"], "未接通");
    let text = success(&sandbox.run(&["notice", "list"]));
    assert!(text.contains("已通知 4/5"), "{text}");
    let last = sandbox.run(&["notice", "mark", "1", "1", "--outcome", "已通知", "--taker", "王干事"]);
    success(&last);
    assert!(String::from_utf8_lossy(&last.stderr).contains("全部通知到"));
    let n = &json(&success(&sandbox.run(&["notice", "list", "--json"])))[0];
    assert_eq!(n["done"], true);
    assert_eq!(
        n["recipients"][0]["calls"].as_array().unwrap().len(),
        2,
        "the 未接通 stays"
    );
    let err = failure(&sandbox.run(&["notice", "mark", "1", "1", "--outcome", "已通知"]), 2);
    assert!(err.contains("已通知"), "{err}");
}
