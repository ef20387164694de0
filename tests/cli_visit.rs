//! `zhiban visit add|checkout|list`, driven through the real binary as a gate script would drive
//! it. Every run gets `--db` inside a temporary directory and an empty HOME / XDG_CONFIG_HOME /
//! XDG_DATA_HOME, so the user's own configuration and data are never touched.
//!
//! Nothing here depends on the wall clock: every visit is given a 进入时间 in 2001 with `--time`
//! (accepted: after 2000, not in the future), and the departure time `checkout` records is never
//! compared with anything.

mod cli_common;

use cli_common::{Sandbox, failure, stderr, stdout, success};
use std::process::Output;

use chrono::NaiveDate;
use serde_json::Value;

use zhiban::core::visit::{WatchDraft, build_watch_entry};
use zhiban::store::Store;

/// A valid 居民身份证 number (the GB 11643 example), and the same with its check digit changed.
const ID: &str = "11010519491231002X";
const ID_MASKED: &str = "1101**********002X";
const ID_BAD_CHECK: &str = "110105194912310021";
const ID_15: &str = "110105491231002";
/// Another valid number, for a second person.
const ID_OTHER: &str = "530102198001011237";

impl Sandbox {
    /// `visit add` with the required options for 张三 (valid ID number, host 办公室) at `time`,
    /// then `extra` as option/value pairs: one already given replaces its value, a new one is added.
    fn add(&self, time: &str, extra: &[&str]) -> Output {
        self.add_with_stdin(time, extra, "")
    }

    /// `visit add` with `stdin` on its standard input (the PIN of the person `--operator` names).
    fn add_with_stdin(&self, time: &str, extra: &[&str], stdin: &str) -> Output {
        let mut options: Vec<[&str; 2]> = vec![
            ["--name", "张三"],
            ["--id-type", "身份证"],
            ["--id-number", ID],
            ["--phone", "13812345678"],
            ["--purpose", "联系工作"],
            ["--host", "办公室"],
            ["--time", time],
        ];
        for pair in extra.chunks(2) {
            let [flag, value] = pair else {
                panic!("extra options come in pairs: {extra:?}")
            };
            match options.iter_mut().find(|[f, _]| f == flag) {
                Some(option) => option[1] = value,
                None => options.push([flag, value]),
            }
        }
        let mut args = vec!["visit", "add"];
        args.extend(options.iter().flatten());
        self.run_with_stdin(&args, stdin)
    }

    /// `visit list --json` (with `extra` options), parsed, and the raw stdout.
    fn list_json(&self, extra: &[&str]) -> (Vec<Value>, String) {
        let mut args = vec!["visit", "list", "--json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let text = success(&out);
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => (items, text),
            other => panic!("visit list --json did not print a JSON array: {other:?}\n{text}"),
        }
    }
}

/// Asserts `visit add` succeeded and printed only a number; returns it.
fn added_id(out: &Output) -> i64 {
    let text = success(out);
    assert!(text.ends_with('\n'), "{text:?}");
    text.trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("visit add should print only the new id, got {text:?}"))
}

fn string<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("key {key} missing or not a string in {item}"))
}

/// No form of the full number: as stored, with a lower-case x, or in the middle of other text.
fn assert_never_in_full(text: &str) {
    let first17: String = ID.chars().take(17).collect();
    for form in [ID.to_string(), ID.to_lowercase(), first17] {
        assert!(!text.contains(&form), "the full ID number leaked: {text}");
    }
}

#[test]
fn a_valid_visit_prints_its_id_and_lists_with_the_number_masked() {
    let s = Sandbox::new();
    s.set_pin("李四", "135790");
    let out = s.add_with_stdin(
        "2001-03-05 09:00",
        &[
            "--people",
            "2",
            "--employer",
            "市水利局",
            "--plate",
            "云a·12345",
            "--operator",
            "李四",
        ],
        "135790\n",
    );
    let id = added_id(&out);
    assert!(
        stderr(&out).is_empty(),
        "a first, unwatched visit says nothing: {}",
        stderr(&out)
    );

    let (items, raw) = s.list_json(&[]);
    assert_never_in_full(&raw);
    assert_eq!(items.len(), 1, "{raw}");
    let v = &items[0];
    assert_eq!(v["id"], id);
    assert_eq!(string(v, "id_number_masked"), ID_MASKED);
    assert!(v.get("id_number").is_none(), "no field carries the full number: {v}");
    assert_eq!(string(v, "name"), "张三");
    assert_eq!(string(v, "gender"), "女", "from the 17th digit");
    assert_eq!(
        string(v, "id_type"),
        "居民身份证",
        "the alias 身份证 is stored as the label"
    );
    assert_eq!(string(v, "employer"), "市水利局");
    assert_eq!(string(v, "phone"), "13812345678");
    assert_eq!(v["people"], 2);
    assert_eq!(string(v, "purpose"), "联系工作");
    assert_eq!(string(v, "host"), "办公室");
    assert_eq!(string(v, "plate"), "云A12345");
    assert_eq!(string(v, "entered_at"), "2001-03-05 09:00:00");
    assert_eq!(v["checked_out_at"], Value::Null);
    assert_eq!(string(v, "registered_by"), "李四");
    assert_eq!(v["petition"], false);
    assert_eq!(v["repeat_of"], Value::Null);

    let text = success(&s.run(&["visit", "list"]));
    assert_never_in_full(&text);
    let line = text.lines().next().expect("one line");
    assert!(line.starts_with(&format!("{id}\t2001-03-05 09:00\t张三\t")), "{line}");
    assert!(
        line.contains(ID_MASKED) && line.contains("云A·12345") && line.contains("在楼"),
        "{line}"
    );

    let inside = success(&s.run(&["visit", "list", "--inside"]));
    assert_never_in_full(&inside);
    assert_eq!(inside.lines().count(), 1, "{inside}");
}

#[test]
fn a_wrong_check_digit_exits_2_naming_id_number_and_saves_nothing() {
    let s = Sandbox::new();
    let err = failure(&s.add("2001-03-05 09:00", &["--id-number", ID_BAD_CHECK]), 2);
    assert!(err.contains("--id-number：") && err.contains("校验不通过"), "{err}");
    assert!(!err.contains(ID_BAD_CHECK), "the number is not echoed: {err}");
    assert!(!s.db().exists(), "a refused visit does not even create the database");
    // With a database in place, still nothing is added.
    added_id(&s.add("2001-03-05 09:00", &[]));
    failure(&s.add("2001-03-05 10:00", &["--id-number", ID_BAD_CHECK]), 2);
    assert_eq!(s.list_json(&[]).0.len(), 1);
}

#[test]
fn visitors_from_hong_kong_macao_and_taiwan_are_added_by_label_or_everyday_name() {
    let s = Sandbox::new();
    for (i, (id_type, number, label)) in [
        ("港澳居民来往内地通行证", "H12345678", "港澳居民来往内地通行证"),
        ("回乡证", "M0123456789", "港澳居民来往内地通行证"),
        ("台湾居民来往大陆通行证", "12345678", "台湾居民来往大陆通行证"),
        ("台胞证", "87654321(B)", "台湾居民来往大陆通行证"),
    ]
    .into_iter()
    .enumerate()
    {
        let time = format!("2001-03-05 0{i}:00");
        let id = added_id(&s.add(&time, &["--id-type", id_type, "--id-number", number]));
        let (items, raw) = s.list_json(&[]);
        let v = items.iter().find(|v| v["id"] == id).expect("the new visit is listed");
        assert_eq!(string(v, "id_type"), label, "{raw}");
        assert_eq!(string(v, "gender"), "未填", "these numbers say nothing about gender");
    }
    let err = failure(
        &s.add("2001-03-05 09:00", &["--id-type", "回乡证", "--id-number", "C12345678"]),
        2,
    );
    assert!(
        err.contains("--id-number：") && err.contains("H（香港）或 M（澳门）加 8 位数字"),
        "{err}"
    );
    let err = failure(
        &s.add("2001-03-05 09:00", &["--id-type", "台胞证", "--id-number", "1234567"]),
        2,
    );
    assert!(err.contains("--id-number：") && err.contains("应为 8 位数字"), "{err}");
    let err = failure(&s.add("2001-03-05 09:00", &["--id-type", "驾驶证"]), 2);
    assert!(err.contains("“回乡证”") && err.contains("“台胞证”"), "{err}");
    assert_eq!(s.list_json(&[]).0.len(), 4, "the refused ones saved nothing");
}

#[test]
fn other_bad_numbers_and_fields_are_refused_with_their_options() {
    let s = Sandbox::new();
    let err = failure(&s.add("2001-03-05 09:00", &["--id-number", ID_15]), 2);
    assert!(err.contains("--id-number：") && err.contains("15 位"), "{err}");
    let err = failure(&s.add("2001-03-05 09:00", &["--id-number", "110105194902300027"]), 2);
    assert!(err.contains("--id-number：") && err.contains("出生日期"), "{err}");
    let err = failure(&s.add("2001-03-05 09:00", &["--id-type", "驾驶证"]), 2);
    assert!(
        err.contains("--id-type：") && err.contains("护照") && err.contains("“身份证”"),
        "{err}"
    );
    let err = failure(&s.add("2001-03-05 09:00", &["--gender", "男"]), 2);
    assert!(err.contains("--gender：") && err.contains("第 17 位"), "{err}");
    let err = failure(&s.add("2001-03-05 09:00", &["--operator", "路人甲"]), 2);
    assert!(err.contains("--operator：") && err.contains("张三"), "{err}");
    // Several problems: every one named, one per line.
    let err = failure(
        &s.add(
            "1999-03-05 09:00",
            &["--phone", "123", "--plate", "云A1", "--people", "0"],
        ),
        2,
    );
    for flag in ["--phone：", "--plate：", "--people：", "--time："] {
        assert!(err.lines().any(|l| l.starts_with(flag)), "{flag} missing: {err}");
    }
    assert!(!s.db().exists());
}

#[test]
fn an_unknown_host_exits_2_listing_the_configured_hosts() {
    let s = Sandbox::new();
    let config = s.file(
        "config.toml",
        "[visit]\nhosts = [\"党政办\", \"财政所\"]\noverstay_minutes = 240\n",
    );
    let config = config.to_str().expect("UTF-8 path");
    let err = failure(&s.add("2001-03-05 09:00", &["--config", config]), 2);
    assert!(err.contains("--host：") && err.contains("办公室"), "{err}");
    assert!(err.contains("党政办、财政所"), "the allowed hosts are listed: {err}");
    let err = failure(&s.add("2001-03-05 09:00", &["--config", config, "--host", " "]), 2);
    assert_eq!(err.lines().count(), 1, "one message for the host: {err}");
    assert!(err.contains("--host：") && err.contains("党政办、财政所"), "{err}");
    assert!(!s.db().exists());
    added_id(&s.add("2001-03-05 09:00", &["--config", config, "--host", "财政所"]));
}

#[test]
fn checkout_empties_the_building_and_a_second_checkout_says_when_they_left() {
    let s = Sandbox::new();
    let first = added_id(&s.add("2001-03-05 09:00", &[]));
    let second = added_id(&s.add("2001-03-05 09:30", &["--name", "李梅", "--id-number", ID_OTHER]));
    let (inside, _) = s.list_json(&["--inside"]);
    let ids: Vec<&Value> = inside.iter().map(|v| &v["id"]).collect();
    assert_eq!(ids, [&Value::from(first), &Value::from(second)], "newest last");

    s.set_pin("王五", "246813");
    for id in [first, second] {
        let out = s.run_with_stdin(
            &["visit", "checkout", &id.to_string(), "--operator", "王五"],
            "246813\n",
        );
        assert!(success(&out).contains("离开"), "{}", stdout(&out));
    }
    assert!(s.list_json(&["--inside"]).0.is_empty());
    assert!(success(&s.run(&["visit", "list", "--inside"])).is_empty());
    let (all, _) = s.list_json(&[]);
    assert!(all.iter().all(|v| v["checked_out_at"].is_string()), "{all:?}");

    let err = failure(&s.run(&["visit", "checkout", &first.to_string()]), 2);
    assert!(
        err.contains("已于") && err.contains("王五") && err.contains("离开"),
        "{err}"
    );
    let err = failure(&s.run(&["visit", "checkout", "99"]), 2);
    assert!(
        err.contains("没有第 99 号来访") && err.contains("zhiban visit list"),
        "{err}"
    );
}

#[test]
fn a_second_visit_with_the_same_number_reports_the_repeat_on_stderr_only() {
    let s = Sandbox::new();
    let first = added_id(&s.add("2001-03-05 09:00", &["--purpose", "反映问题"]));
    let out = s.add("2001-04-02 14:00", &["--id-number", &ID.to_lowercase()]);
    let second = added_id(&out);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("重访") && err.contains("2001-03-05 09:00"), "{err}");
    assert!(
        err.contains("反映问题") && err.contains("未登记离开"),
        "the outcome is named: {err}"
    );
    assert_never_in_full(&err);

    let (items, _) = s.list_json(&[]);
    let latest = items.iter().find(|v| v["id"] == second).expect("second visit");
    assert_eq!(latest["repeat_of"], first);
}

#[test]
fn a_visitor_on_the_watch_list_is_saved_with_a_warning() {
    let s = Sandbox::new();
    let mut store = Store::open(&s.db()).expect("open the store");
    let entry = build_watch_entry(
        &WatchDraft {
            name: "张叁".into(),
            id_number: ID.into(),
            reason: "来访即报带班领导".into(),
            ..WatchDraft::default()
        },
        "李四",
        NaiveDate::from_ymd_opt(2001, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("a date"),
    )
    .expect("a valid entry");
    store.add_watch(&entry).expect("add to the watch list");
    drop(store);

    let out = s.add("2001-03-05 09:00", &[]);
    let id = added_id(&out);
    let err = stderr(&out);
    assert!(err.contains("关注名单") && err.contains("来访即报带班领导"), "{err}");
    assert!(err.contains(&format!("第 {id} 号")), "{err}");
    assert_never_in_full(&err);
    assert_eq!(s.list_json(&[]).0.len(), 1, "saved anyway");

    // Someone else: no warning.
    let out = s.add("2001-03-05 09:10", &["--name", "李梅", "--id-number", ID_OTHER]);
    added_id(&out);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn visit_reduce_counts_then_reduces_once_and_the_visitor_is_still_a_repeat() {
    let s = Sandbox::new();
    added_id(&s.add("2001-03-05 09:00", &[]));
    added_id(&s.add("2001-04-05 09:00", &["--id-number", ID_OTHER, "--name", "李四"]));
    let dry = success(&s.run(&["visit", "reduce", "--dry-run"]));
    assert!(
        dry.contains("按保存期限（3年）") && dry.contains(" 2 次来访") && dry.contains("未写入"),
        "{dry}"
    );
    let db = std::fs::read(s.db()).unwrap();
    assert!(
        db.windows(ID.len()).any(|w| w == ID.as_bytes()),
        "a dry run writes nothing"
    );

    s.set_pin("王五", "246800");
    let out = s.run_with_stdin(&["visit", "reduce", "--operator", "王五"], "246800\n");
    assert_eq!(
        success(&out).trim(),
        "已按保存期限（3年）对 2 次来访的证件号码和电话脱敏"
    );
    let mut bytes = std::fs::read(s.db()).unwrap();
    bytes.extend(std::fs::read(s.db().with_extension("db-wal")).unwrap_or_default());
    for gone in [ID, ID_OTHER, "13812345678"] {
        assert!(!bytes.windows(gone.len()).any(|w| w == gone.as_bytes()), "{gone} left");
    }
    let again = success(&s.run(&["visit", "reduce"]));
    assert!(again.contains("没有需要脱敏"), "{again}");
    let dry = success(&s.run(&["visit", "reduce", "--dry-run"]));
    assert!(dry.contains(" 0 次来访"), "{dry}");

    // 张三 typed in full again: a repeat of the visit of 2001.
    let out = s.add("2001-05-05 09:00", &[]);
    added_id(&out);
    assert!(
        stderr(&out).contains("重访：上次来访 2001-03-05 09:00"),
        "{}",
        stderr(&out)
    );
    let (items, _) = s.list_json(&[]);
    assert_eq!(string(&items[2], "id_number_masked"), ID_MASKED);
    assert_eq!(string(&items[2], "phone"), "*******5678");
    // Every batch audited: the file checks out.
    let store = Store::open(&s.db()).unwrap();
    assert!(store.verify(true).unwrap().problems.is_empty());
}
