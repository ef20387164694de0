//! `zhiban doc|contacts|spotcheck`, driven through the real binary as a script would (issue 18): a
//! 特急 fax forwarded as it is registered, forwarded again, and signed for (one by one, an
//! ambiguous 签收 refused with the choices named); a 机密 item refused with a title and kept with
//! only its arrival and 机要员; a 通讯录 CSV with errors refused line by line, a good one imported,
//! found by pinyin initials, its 宅电 masked everywhere but an export that logs each reveal; a 查岗
//! round over a group of three called through to its summary. Every refusal exits 2 in Chinese
//! and writes nothing.
//!
//! Nothing depends on the wall clock: every time typed is in 2001 (behind any clock this runs
//! under), and lists are asked for that year by `--from`/`--to`. The one forward made at
//! registration is stamped with the clock; only who signed it is asserted.

mod cli_common;

use cli_common::{Sandbox, failure, stderr, success};
use serde_json::Value;
use zhiban::core::document::SECRET_RULE;

fn json(out: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(out)
        .expect("JSON")
        .as_array()
        .expect("an array")
        .clone()
}

/// The documents received in 2001, as `doc list --json` gives them.
fn docs_2001(sandbox: &Sandbox, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["doc", "list", "--from", "2001-01-01", "--to", "2001-12-31", "--json"];
    args.extend_from_slice(extra);
    json(&success(&sandbox.run(&args)))
}

const DIRECTORY: &str = "\u{feff}姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
                         王局长,县应急局,局长,0871-12345678,13800000001,0871-87654321,县领导,\n\
                         城关镇值班室,城关镇,,0871-22223333,,,各乡镇值班室,\n\
                         东风镇值班室,东风镇,,0871-22224444,,,各乡镇值班室,\n\
                         新华乡值班室,新华乡,,0871-22225555,,,各乡镇值班室,24小时\n";

#[test]
fn an_urgent_fax_is_forwarded_and_signed_for() {
    let sandbox = Sandbox::new();
    let out = success(&sandbox.run(&[
        "doc",
        "add",
        "--kind",
        "传真",
        "--number",
        "市防指电〔2001〕12号",
        "--title",
        "关于做好强降雨防范工作的紧急通知",
        "--from",
        "市防汛办",
        "--urgency",
        "特急",
        "--copies",
        "2",
        "--pages",
        "3",
        "--received",
        "2001-05-01 14:00",
        "--note",
        "电话确认已收到",
        "--forward",
        "王局长",
    ]));
    assert_eq!(out.trim(), "已登记：2001年第1号（传真 特急），已转交 王局长");

    // A bad count, kind or time is refused and writes nothing.
    for (option, value, said) in [
        ("--copies", "三", "不是“三”"),
        ("--urgency", "十万火急", "特急、加急、平急"),
        ("--kind", "邮件", "收文、传真、明电"),
        ("--received", "昨天下午", "--received"),
    ] {
        let err = failure(
            &sandbox.run(&["doc", "add", "--title", "通知", "--from", "市政府办", option, value]),
            2,
        );
        assert!(err.contains(said), "{option}: {err}");
    }
    assert_eq!(docs_2001(&sandbox, &[]).len(), 1);

    // Forwarded on to two more, for 阅示.
    let out = success(&sandbox.run(&[
        "doc",
        "forward",
        "2001-1",
        "--to",
        "李科长、张主任",
        "--purpose",
        "阅示",
        "--at",
        "2001-05-01 14:30",
    ]));
    assert!(out.contains("李科长") && out.contains("张主任"), "{out}");
    let err = failure(
        &sandbox.run(&["doc", "forward", "2001-1", "--to", "李科长", "--at", "2001-05-01 13:00"]),
        2,
    );
    assert!(err.contains("不能早于收到时间"), "{err}");

    // Three wait: a 签收 without --forward is ambiguous, and the refusal names them all.
    let err = failure(&sandbox.run(&["doc", "sign", "2001-1", "--by", "王局长"]), 2);
    for name in ["王局长", "李科长", "张主任", "--forward"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    // By name (the forward made at registration: signed now, after it), and by the forward's number.
    success(&sandbox.run(&["doc", "sign", "2001-1", "--by", "王局长", "--forward", "王局长"]));
    let err = failure(
        &sandbox.run(&["doc", "sign", "2001-1", "--by", "王局长", "--forward", "王局长"]),
        2,
    );
    assert!(err.contains("已签收"), "{err}");
    let li = docs_2001(&sandbox, &[])[0]["forwards"][1]["id"]
        .as_i64()
        .expect("an id");
    success(&sandbox.run(&[
        "doc",
        "sign",
        "2001年第1号",
        "--by",
        "李科长",
        "--forward",
        &li.to_string(),
        "--at",
        "2001-05-01 14:40",
    ]));
    let err = failure(
        &sandbox.run(&["doc", "sign", "2001-1", "--by", "张主任", "--at", "2001-05-01 14:20"]),
        2,
    );
    assert!(err.contains("不能早于转交时间"), "{err}");

    let docs = docs_2001(&sandbox, &[]);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["serial_label"], "2001年第1号");
    assert_eq!(d["kind"], "传真");
    assert_eq!(d["urgency"], "特急");
    assert_eq!(d["secrecy"], "非密");
    assert_eq!(d["number"], "市防指电〔2001〕12号");
    assert_eq!(d["from"], "市防汛办");
    assert_eq!(d["copies"], 2);
    assert_eq!(d["pages"], 3);
    assert_eq!(d["received_at"], "2001-05-01 14:00:00");
    assert_eq!(d["note"], "电话确认已收到");
    assert_eq!(d["recorded_by"], "（命令行）");
    let f = d["forwards"].as_array().expect("forwards");
    assert_eq!(f.len(), 3);
    assert_eq!(f[0]["to"], "王局长");
    assert_eq!(f[0]["signed_by"], "王局长");
    assert_eq!(f[1]["purpose"], "阅示");
    assert_eq!(f[1]["forwarded_at"], "2001-05-01 14:30:00");
    assert_eq!(f[1]["signed_at"], "2001-05-01 14:40:00");
    assert_eq!(f[2]["to"], "张主任");
    assert!(f[2]["signed_by"].is_null());
    assert_eq!(docs_2001(&sandbox, &["--unsigned"]).len(), 1);
    let text = success(&sandbox.run(&["doc", "list", "--from", "2001-05-01", "--to", "2001-05-01"]));
    assert!(text.contains("2001年第1号") && text.contains("待签收 1"), "{text}");

    // The last one waiting is signed without naming it.
    success(&sandbox.run(&["doc", "sign", "2001-1", "--by", "张主任", "--at", "2001-05-01 15:00"]));
    assert!(docs_2001(&sandbox, &["--unsigned"]).is_empty());
    let err = failure(&sandbox.run(&["doc", "sign", "2001-1", "--by", "张主任"]), 2);
    assert!(err.contains("都已签收"), "{err}");

    // A document named any other way is refused with the syntax.
    let err = failure(&sandbox.run(&["doc", "sign", "第一号", "--by", "张主任"]), 2);
    assert!(err.contains("2026-12（年份-编号）"), "{err}");
    let err = failure(&sandbox.run(&["doc", "forward", "2001-9", "--to", "王局长"]), 2);
    assert!(err.contains("2001年第9号"), "{err}");
}

#[test]
fn a_secret_item_keeps_only_its_arrival_and_the_clerk() {
    let sandbox = Sandbox::new();
    let secret = |extra: &[&str]| {
        let mut args = vec![
            "doc",
            "add",
            "--secret",
            "机密",
            "--from",
            "市委办",
            "--urgency",
            "加急",
            "--received",
            "2001-05-01 15:00",
        ];
        args.extend_from_slice(extra);
        sandbox.run(&args)
    };
    // A title, 文号 or 备注 is refused with the rule, before anything else is asked.
    for (option, value) in [
        ("--title", "关于某事项的通知"),
        ("--number", "某发〔2001〕1号"),
        ("--note", "内容摘要"),
    ] {
        let err = failure(&secret(&[option, value, "--clerk", "李机要"]), 2);
        assert!(err.contains(SECRET_RULE), "{option}: {err}");
        assert!(err.contains(option), "{option}: {err}");
    }
    assert!(docs_2001(&sandbox, &[]).is_empty(), "nothing written");
    // The 机要员 is required; a 非密 item takes none.
    let err = failure(&secret(&[]), 2);
    assert!(err.contains("--clerk：密件须写明已告知的机要员"), "{err}");
    let err = failure(
        &sandbox.run(&[
            "doc",
            "add",
            "--title",
            "通知",
            "--from",
            "市政府办",
            "--clerk",
            "李机要",
        ]),
        2,
    );
    assert!(err.contains("只有密件"), "{err}");
    assert!(docs_2001(&sandbox, &[]).is_empty(), "nothing written");

    let out = success(&secret(&[
        "--clerk",
        "李机要",
        "--clerk-told",
        "2001-05-01 15:05",
        "--copies",
        "2",
        "--json",
    ]));
    let d: Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(d["serial_label"], "2001年第1号");
    assert_eq!(d["secrecy"], "机密");
    assert_eq!(d["title"], "");
    assert_eq!(d["number"], "");
    assert_eq!(d["note"], "");
    assert_eq!(d["clerk"], "李机要");
    assert_eq!(d["clerk_told_at"], "2001-05-01 15:05:00");
    assert_eq!(d["copies"], 2);
    let docs = docs_2001(&sandbox, &[]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["title"], "");
    assert_eq!(docs[0]["from"], "市委办");
    let text = success(&sandbox.run(&["doc", "list", "--from", "2001-05-01", "--to", "2001-05-01"]));
    assert!(text.contains("【机密件】市委办") && text.contains("李机要"), "{text}");
}

#[test]
fn a_directory_is_imported_whole_found_by_pinyin_and_its_home_numbers_stay_masked() {
    let sandbox = Sandbox::new();
    let bad = sandbox.file(
        "bad.csv",
        "姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
         王局长,县应急局,局长,0871-12345678,13800000001,,县领导,\n\
         ,县水利局,,,,,,\n\
         城关镇值班室,城关镇,,0871-22223333,,,各乡镇值班室,\n\
         李四,县信访局,,,1380000,,,\n",
    );
    let err = failure(&sandbox.run(&["contacts", "import", bad.to_str().expect("a path")]), 2);
    assert!(err.contains("第 3 行：姓名为空"), "{err}");
    assert!(err.contains("第 5 行：手机“1380000”不对"), "{err}");
    assert!(!err.contains("第 2 行") && !err.contains("第 4 行"), "{err}");
    assert!(
        json(&success(&sandbox.run(&["contacts", "list", "--json"]))).is_empty(),
        "nothing imported"
    );
    let text = success(&sandbox.run(&["contacts", "list"]));
    assert!(text.contains("通讯录是空的"), "{text}");

    let good = sandbox.file("good.csv", DIRECTORY);
    let path = good.to_str().expect("a path");
    assert_eq!(
        success(&sandbox.run(&["contacts", "import", path])).trim(),
        "已导入通讯录 4 人"
    );
    assert_eq!(
        success(&sandbox.run(&["contacts", "import", path])).trim(),
        "已导入通讯录 4 人（替换原有 4 人）"
    );

    // Found by pinyin initials; the home number shown only masked.
    let found = success(&sandbox.run(&["contacts", "list", "--find", "wjz"]));
    assert_eq!(found.lines().count(), 1, "{found}");
    assert!(found.contains("王局长") && found.contains("0871-12345678"), "{found}");
    assert!(
        found.contains("****-****4321") && !found.contains("87654321"),
        "{found}"
    );
    let all = success(&sandbox.run(&["contacts", "list", "--json"]));
    assert!(!all.contains("87654321"), "{all}");
    let all = json(&all);
    assert_eq!(all.len(), 4);
    assert_eq!(all[0]["home_phone_masked"], "****-****4321");
    assert_eq!(all[0]["groups"][0], "县领导");
    let group = json(&success(&sandbox.run(&[
        "contacts",
        "list",
        "--group",
        "各乡镇值班室",
        "--json",
    ])));
    assert_eq!(group.len(), 3);
    let err = failure(&sandbox.run(&["contacts", "list", "--group", "县直部门"]), 2);
    assert!(err.contains("县领导、各乡镇值班室"), "{err}");

    // The export masks it; with --with-home it is whole, and its reading is logged first.
    let masked = success(&sandbox.run(&["contacts", "export"]));
    assert!(masked.starts_with('\u{feff}') && masked.contains("****-****4321") && !masked.contains("87654321"));
    let whole = sandbox.run(&["contacts", "export", "--with-home"]);
    assert!(success(&whole).contains("0871-87654321"));
    assert!(stderr(&whole).contains("已记录查看宅电 1 人"), "{}", stderr(&whole));
    let store = zhiban::store::Store::open(&sandbox.db()).expect("the database");
    let wang = store.directory().expect("the directory").contacts[0].clone();
    assert_eq!(wang.name, "王局长");
    let reveals = store.contact_reveals(wang.id).expect("reveals");
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].0, "（命令行）");
}

#[test]
fn a_spot_check_over_a_group_of_three_is_called_through_to_its_summary() {
    let sandbox = Sandbox::new();
    let err = failure(&sandbox.run(&["spotcheck", "add", "--group", "各乡镇值班室"]), 2);
    assert!(err.contains("contacts import"), "{err}");
    let good = sandbox.file("good.csv", DIRECTORY);
    success(&sandbox.run(&["contacts", "import", good.to_str().expect("a path")]));
    let err = failure(&sandbox.run(&["spotcheck", "add", "--group", "各村值班室"]), 2);
    assert!(err.contains("各乡镇值班室"), "the groups are named: {err}");
    let err = failure(
        &sandbox.run(&["spotcheck", "add", "--group", "各乡镇值班室", "--units", "城关镇值班室"]),
        2,
    );
    assert!(err.contains("二者写一个"), "{err}");

    let out = success(&sandbox.run(&[
        "spotcheck",
        "add",
        "--group",
        "各乡镇值班室",
        "--at",
        "2001-05-01 21:00",
    ]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("1"));
    let rooms: Vec<&str> = lines.collect();
    assert_eq!(rooms.len(), 3, "{out}");
    assert!(
        rooms[0].contains("城关镇值班室") && rooms[0].contains("0871-22223333"),
        "{out}"
    );

    success(&sandbox.run(&[
        "spotcheck",
        "call",
        "1",
        "1",
        "--outcome",
        "在岗",
        "--answerer",
        "李值班",
        "--at",
        "2001-05-01 21:05",
    ]));
    success(&sandbox.run(&[
        "spotcheck",
        "call",
        "1",
        "东风镇值班室",
        "--outcome",
        "未接",
        "--at",
        "2001-05-01 21:06",
    ]));
    // 非值班人员接听 needs who answered; an unknown room or outcome is refused with the choices.
    let err = failure(
        &sandbox.run(&[
            "spotcheck",
            "call",
            "1",
            "3",
            "--outcome",
            "非值班人员接听",
            "--at",
            "2001-05-01 21:07",
        ]),
        2,
    );
    assert!(err.contains("请写明接听人"), "{err}");
    let err = failure(
        &sandbox.run(&["spotcheck", "call", "1", "红旗乡值班室", "--outcome", "在岗"]),
        2,
    );
    assert!(err.contains("新华乡值班室") && err.contains("1-3"), "{err}");
    let err = failure(&sandbox.run(&["spotcheck", "call", "1", "3", "--outcome", "占线"]), 2);
    assert!(err.contains("在岗、未接、非值班人员接听"), "{err}");
    let out = success(&sandbox.run(&[
        "spotcheck",
        "call",
        "1",
        "3",
        "--outcome",
        "非值班人员接听",
        "--answerer",
        "门卫",
        "--note",
        "值班员外出",
        "--at",
        "2001-05-01 21:07",
    ]));
    assert!(out.contains("已查完"), "{out}");

    let rounds = json(&success(&sandbox.run(&[
        "spotcheck",
        "list",
        "--from",
        "2001-05-01",
        "--to",
        "2001-05-01",
        "--json",
    ])));
    assert_eq!(rounds.len(), 1);
    let r = &rounds[0];
    assert_eq!(r["group"], "各乡镇值班室");
    assert_eq!(r["started_at"], "2001-05-01 21:00:00");
    assert_eq!(r["finished"], true);
    assert_eq!(
        r["summary"]["sentence"],
        "应查 3，查通 1，未接 1（东风镇值班室），非值班人员接听 1（新华乡值班室）"
    );
    assert_eq!(r["summary"]["total"], 3);
    assert_eq!(r["summary"]["on_duty"], 1);
    let outcomes: Vec<&str> = r["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["outcome"].as_str().expect("called"))
        .collect();
    assert_eq!(outcomes, ["在岗", "未接", "非值班人员接听"]);
    assert_eq!(r["units"][2]["calls"][0]["answerer"], "门卫");
    assert_eq!(r["units"][2]["calls"][0]["note"], "值班员外出");

    // A round over rooms named one by one: the directory gives the numbers it has.
    let out = success(&sandbox.run(&[
        "spotcheck",
        "add",
        "--units",
        "城关镇值班室、某村委会",
        "--at",
        "2001-05-02 21:00",
    ]));
    assert_eq!(out.lines().next(), Some("2"));
    let text = success(&sandbox.run(&["spotcheck", "list", "--from", "2001-05-01", "--to", "2001-05-02"]));
    assert!(text.contains("应查 2，查通 0，未查 2"), "{text}");
    assert!(text.contains("城关镇值班室\t0871-22223333\t待查"), "{text}");
    let none = json(&success(&sandbox.run(&[
        "spotcheck",
        "list",
        "--from",
        "2001-06-01",
        "--json",
    ])));
    assert!(none.is_empty());
}
