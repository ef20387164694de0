//! The real `zhiban` binary, driven as a script would drive it. Every run gets `--db` inside a
//! temporary directory and a temporary, empty HOME / XDG_CONFIG_HOME / XDG_DATA_HOME, so the
//! user's own configuration and data are never read or written.
//!
//! Nothing here depends on the wall clock: times given with `--time` are in 2001, and the time
//! `log add` records by default is only checked for its format.

mod cli_common;

use cli_common::{Sandbox, failure, has_chinese, stderr, stdout, success};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::Value;

const REPO_CONFIG: &str = include_str!("../config.toml");

impl Sandbox {
    /// `log list --json`, parsed.
    fn list(&self) -> Vec<Value> {
        let out = self.run(&["log", "list", "--json"]);
        let stdout = success(&out);
        match serde_json::from_str::<Value>(&stdout) {
            Ok(Value::Array(items)) => items,
            other => panic!("log list --json did not print a JSON array: {other:?}\n{stdout}"),
        }
    }
}

fn string<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("key {key} missing or not a string in {item}"))
}

fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .filter(|p| p.exists())
        .collect()
}

const ADD: &[&str] = &[
    "log",
    "add",
    "--kind",
    "来电",
    "--unit",
    "城关镇",
    "--caller",
    "张三",
    "--phone",
    "13812345678",
    "--content",
    "河堤渗水",
    "--triage",
    "急办",
];

// ---------------------------------------------------------------------------------------------
// log add / log list
// ---------------------------------------------------------------------------------------------

#[test]
fn log_add_prints_the_id_and_log_list_json_returns_the_entry() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(ADD);
    let printed = success(&out);
    let id: i64 = printed
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("log add did not print a numeric id: {printed:?}"));
    assert!(sandbox.db().is_file(), "the database was not created at --db");
    assert!(zhiban::store::is_private(&sandbox.db()).unwrap());

    let items = sandbox.list();
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    let object = item.as_object().expect("an object");
    for key in object.keys() {
        assert!(
            !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "key {key} is not snake_case"
        );
    }
    assert_eq!(item.get("id").and_then(Value::as_i64), Some(id));
    assert_eq!(string(item, "kind"), "来电");
    assert_eq!(string(item, "unit"), "城关镇");
    assert_eq!(string(item, "person"), "张三");
    assert_eq!(string(item, "phone"), "13812345678");
    assert_eq!(string(item, "content"), "河堤渗水");
    assert_eq!(string(item, "triage"), "急办");
    assert_eq!(string(item, "status"), "待办");
    assert_eq!(string(item, "recorded_by"), "（命令行）");
    let occurred = string(item, "occurred_at");
    assert!(
        chrono::NaiveDateTime::parse_from_str(occurred, "%Y-%m-%d %H:%M:%S").is_ok(),
        "occurred_at {occurred:?} is not 'YYYY-MM-DD HH:MM:SS'"
    );

    // A second entry, written as a person from the config (with that person's PIN) and an
    // explicit time.
    sandbox.set_pin("李四", "135790");
    let out = sandbox.run_with_stdin(
        &[
            "log",
            "add",
            "--kind",
            "去电",
            "--caller",
            "刘镇长",
            "--content",
            "通知开会",
            "--read-back",
            "yes",
            "--operator",
            "李四",
            "--time",
            "2001-02-03 04:05",
        ],
        "135790\n",
    );
    let second: i64 = success(&out).trim().parse().expect("numeric id");
    assert_ne!(second, id);
    let items = sandbox.list();
    assert_eq!(items.len(), 2);
    let item = items
        .iter()
        .find(|i| i.get("id").and_then(Value::as_i64) == Some(second))
        .expect("the second entry is listed");
    assert_eq!(string(item, "kind"), "去电");
    assert_eq!(string(item, "recorded_by"), "李四");
    assert_eq!(string(item, "occurred_at"), "2001-02-03 04:05:00");
    assert_eq!(item.get("read_back"), Some(&Value::Bool(true)));
    // Newest first: the 2001 entry is last.
    assert_eq!(items[1].get("id").and_then(Value::as_i64), Some(second));
}

#[test]
fn log_list_since_and_limit_filter_through_the_command_line() {
    let sandbox = Sandbox::new();
    for (time, content) in [
        ("2001-02-03 08:00", "八点"),
        ("2001-02-03 10:00", "十点"),
        ("2001-02-03 09:00", "九点"),
    ] {
        success(&sandbox.run(&["log", "add", "--kind", "事件", "--content", content, "--time", time]));
    }
    let contents = |args: &[&str]| -> Vec<String> {
        let out = sandbox.run(args);
        let items: Vec<Value> = serde_json::from_str(&success(&out)).expect("JSON array");
        items.iter().map(|i| string(i, "content").to_string()).collect()
    };
    assert_eq!(
        contents(&["log", "list", "--json", "--since", "2001-02-03 09:00"]),
        ["十点", "九点"]
    );
    assert_eq!(contents(&["log", "list", "--json", "--limit", "1"]), ["十点"]);
    assert_eq!(
        contents(&["log", "list", "--json", "--limit", "0"]),
        ["十点", "九点", "八点"]
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

/// Each case: the arguments after `log add`, and what the message must contain to say how to
/// fix it.
fn bad_add_cases() -> Vec<(Vec<String>, Vec<&'static str>)> {
    // ADD with one flag's value replaced, or the flag added.
    let with = |replace: &str, value: &str| -> Vec<String> {
        let mut args: Vec<String> = ADD.iter().map(|s| (*s).to_string()).collect();
        match args.iter().position(|a| a == replace) {
            Some(at) => args[at + 1] = value.to_string(),
            None => args.extend([replace.to_string(), value.to_string()]),
        }
        args
    };
    let long = "很".repeat(4001);
    vec![
        (with("--phone", "12812345678"), vec!["来电号码", "3-9"]),
        (with("--phone", "abc"), vec!["来电号码", "数字"]),
        (with("--kind", "来访"), vec!["--kind", "来访", "来电、去电"]),
        (with("--triage", "特急"), vec!["--triage", "特急", "急办"]),
        (with("--content", ""), vec!["内容", "必须填写"]),
        (with("--content", "   "), vec!["内容", "必须填写"]),
        // Only an escape sequence: nothing is left once it is stripped.
        (with("--content", "\u{1b}[31m\u{7}"), vec!["内容", "必须填写"]),
        (with("--content", &long), vec!["内容", "过长", "4000"]),
        (with("--time", "明天上午"), vec!["无法识别", "09:30"]),
        (with("--time", "1999-12-31 23:59"), vec!["2000"]),
        (
            [ADD, &["--operator", "钱七"]]
                .concat()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            vec!["--operator", "钱七", "张三"],
        ),
        (
            [ADD, &["--category", "不存在的类别"]]
                .concat()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            vec!["--category", "不存在的类别"],
        ),
        (
            [
                "log",
                "add",
                "--kind",
                "去电",
                "--caller",
                "李四",
                "--content",
                "通知开会",
            ]
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
            vec!["复述核对"],
        ),
        (
            [
                "log",
                "add",
                "--kind",
                "去电",
                "--caller",
                "李四",
                "--content",
                "通知开会",
                "--read-back",
                "maybe",
            ]
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
            vec!["--read-back", "yes", "no"],
        ),
        (
            ["log", "add", "--kind", "来电", "--content", "无人来电"]
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            vec!["来电单位", "来电人"],
        ),
    ]
}

#[test]
fn bad_input_exits_2_with_a_chinese_fix_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let cases = bad_add_cases();
    assert!(cases.len() > 10);
    for (args, needles) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sandbox.run(&args);
        let err = failure(&out, 2);
        for needle in needles {
            assert!(err.contains(needle), "for {args:?} stderr lacks “{needle}”: {err}");
        }
    }
    assert!(sandbox.list().is_empty(), "a refused `log add` wrote an entry");
}

#[test]
fn outgoing_call_without_read_back_names_the_flag() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "log",
        "add",
        "--kind",
        "去电",
        "--caller",
        "李四",
        "--content",
        "通知开会",
    ]);
    let err = failure(&out, 2);
    assert!(
        err.contains("--read-back"),
        "the message does not say how to fix it on the command line: {err}"
    );
    assert!(!err.contains('←'), "the message gives form keys to a script: {err}");
}

#[test]
fn escape_sequences_and_control_characters_are_stripped_before_saving() {
    let sandbox = Sandbox::new();
    let content = "河堤\u{1b}[31m渗水\u{1b}[0m\u{7}严重\u{1b}]0;伪造标题\u{7}\u{8}\u{9b}2J\u{202e}\r\n第二行\t末尾";
    let out = sandbox.run(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "城关\u{1b}[2J镇",
        "--caller",
        "张\u{7}三",
        "--content",
        content,
    ]);
    success(&out);
    let items = sandbox.list();
    assert_eq!(items.len(), 1);
    let saved = string(&items[0], "content");
    assert!(!saved.contains('\u{1b}'), "ESC survived: {saved:?}");
    assert!(
        !saved.chars().any(|c| c.is_control() && c != '\n'),
        "a control character survived: {saved:?}"
    );
    assert!(!saved.contains('\u{202e}'), "a bidi override survived: {saved:?}");
    assert!(!saved.contains("伪造标题"), "the OSC title text survived: {saved:?}");
    assert_eq!(saved, "河堤渗水严重\n第二行 末尾");
    assert_eq!(string(&items[0], "unit"), "城关镇");
    assert_eq!(string(&items[0], "person"), "张三");

    // The raw JSON text carries no escaped control character either.
    let raw = success(&sandbox.run(&["log", "list", "--json"]));
    assert!(!raw.to_lowercase().contains("\\u001b"), "{raw}");
    assert!(!raw.contains('\u{1b}'));
    // The plain listing is one line per entry, with the text intact.
    let plain = success(&sandbox.run(&["log", "list"]));
    assert_eq!(plain.lines().count(), 1, "{plain:?}");
    assert!(plain.contains("河堤渗水严重") && plain.contains("末尾"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn log_list_with_a_bad_since_exits_2() {
    let sandbox = Sandbox::new();
    success(&sandbox.run(ADD));
    for since in ["昨天", "2001-13-45 10:00", "25:99"] {
        let out = sandbox.run(&["log", "list", "--json", "--since", since]);
        let err = failure(&out, 2);
        assert!(err.contains("--since"), "{err}");
    }
}

#[test]
fn command_line_errors_are_translated_to_chinese_and_exit_2() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["log", "add", "--kind", "来电", "--content", "x", "--bogus", "1"]);
    let err = failure(&out, 2);
    assert!(err.contains("不认识的参数") && err.contains("--bogus"), "{err}");
    assert!(!err.contains("error:"), "clap's English message leaked: {err}");

    let out = sandbox.run(&["log", "frobnicate"]);
    let err = failure(&out, 2);
    assert!(err.contains("不认识的命令") && err.contains("frobnicate"), "{err}");

    let out = sandbox.run(&["log", "add", "--kind", "来电"]);
    let err = failure(&out, 2);
    assert!(err.contains("缺少必填参数") && err.contains("--content"), "{err}");

    let out = sandbox.run(&["log", "list", "--limit", "很多"]);
    let err = failure(&out, 2);
    assert!(err.contains("--limit") && err.contains("很多"), "{err}");
    assert!(sandbox.list().is_empty());
}

// ---------------------------------------------------------------------------------------------
// config
// ---------------------------------------------------------------------------------------------

#[test]
fn config_default_prints_the_repository_config() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["config", "default"]);
    assert_eq!(success(&out), REPO_CONFIG);
    assert!(REPO_CONFIG.contains("[office]"));
}

#[test]
fn config_check_accepts_a_valid_file_and_the_built_in_default() {
    let sandbox = Sandbox::new();
    let path = sandbox.file("config.toml", REPO_CONFIG);
    let out = sandbox.run(&["config", "check", "--config", path.to_str().unwrap()]);
    let text = success(&out);
    assert!(text.contains("配置正确"), "{text}");
    assert!(text.contains(path.to_str().unwrap()), "{text}");

    // With no --config and an empty config directory, the built-in default is checked — which
    // also shows this sandbox never reads the real user's file.
    let out = sandbox.run(&["config", "check"]);
    let text = success(&out);
    assert!(text.contains("内置默认配置"), "{text}");
}

#[test]
fn config_check_names_the_line_and_the_unknown_key() {
    let sandbox = Sandbox::new();
    for (name, text, key) in [
        (
            "office.toml",
            "[office]\nname = \"城关镇值班室\"\nnmae = \"错字\"\n",
            "nmae",
        ),
        ("top.toml", "# 注释\n\ncolour = \"red\"\n", "colour"),
    ] {
        let path = sandbox.file(name, text);
        let out = sandbox.run(&["config", "check", "--config", path.to_str().unwrap()]);
        let err = failure(&out, 2);
        assert!(err.contains("第 3 行"), "{name}: {err}");
        assert!(err.contains(key), "{name}: {err}");
        assert!(err.contains(path.to_str().unwrap()), "{name}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Databases the command line must refuse
// ---------------------------------------------------------------------------------------------

#[test]
fn a_directory_as_the_database_exits_1_with_a_chinese_message() {
    let sandbox = Sandbox::new();
    let dir = sandbox.dir.path().join("not-a-file");
    std::fs::create_dir(&dir).unwrap();
    for args in [&["log", "list", "--json"][..], ADD] {
        let out = sandbox.run_with_db(&dir, args);
        let err = failure(&out, 1);
        assert!(err.contains("目录"), "{err}");
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "something was written into the directory"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_unchanged() {
    let sandbox = Sandbox::new();
    let path = sandbox.dir.path().join("newer.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('新版本的数据');")
        .unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();

    for args in [&["log", "list", "--json"][..], ADD] {
        let out = sandbox.run_with_db(&path, args);
        assert_ne!(out.status.code(), Some(0), "a newer database was accepted");
        assert!(out.stdout.is_empty(), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(has_chinese(&err) && err.contains("升级"), "{err}");
        let after = std::fs::read(&path).unwrap();
        assert!(after == before, "{args:?} modified the newer database");
        assert!(
            side_files(&path).is_empty(),
            "side files appeared: {:?}",
            side_files(&path)
        );
    }
}

#[test]
fn a_file_that_is_not_a_database_exits_1_and_is_left_unchanged() {
    let sandbox = Sandbox::new();
    let text = "这是一份交接班记录，不是数据库。\n".repeat(50);
    let path = sandbox.file("notes.db", &text);
    for args in [&["log", "list", "--json"][..], ADD] {
        let out = sandbox.run_with_db(&path, args);
        let err = failure(&out, 1);
        assert!(err.contains("不是 zhiban 数据库"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{args:?} modified the file"
        );
        assert!(
            side_files(&path).is_empty(),
            "side files appeared: {:?}",
            side_files(&path)
        );
    }
}

#[test]
fn a_roster_with_bad_rows_is_refused_whole_with_every_line_named_and_a_good_one_is_shown() {
    let s = Sandbox::new();
    let bad = s.file(
        "bad.csv",
        "开始,结束,带班领导,主班,副班\n\
         2026-12-01 08:30,2026-12-02 08:30,王五,张三,李四\n\
         2026-12-02 08:30,2026-12-03 08:30,王五,外单位老王,李四\n\
         2026-12-03 08:30,2026-12-03 08:00,王五,张三,李四\n",
    );
    let err = failure(&s.run(&["roster", "import", bad.to_str().unwrap()]), 2);
    assert!(err.contains("2 处错误，一行也没有导入"), "{err}");
    assert!(
        err.contains("第 3 行") && err.contains("严禁外单位职工或亲属代值"),
        "{err}"
    );
    assert!(err.contains("第 4 行"), "{err}");
    // Nothing was imported: December is still the rotation's.
    let shown = success(&s.run(&["roster", "show", "--month", "2026-12", "--json"]));
    let shifts: Value = serde_json::from_str(&shown).unwrap();
    assert!(
        shifts.as_array().unwrap().iter().all(|x| x["source"] == "轮值"),
        "{shown}"
    );

    let good = s.file(
        "good.csv",
        "\u{feff}开始,结束,带班领导,主班,副班\r\n2026-12-01 08:30,2026-12-02 08:30,赵六,李四,\r\n",
    );
    s.set_pin("张三", "246813");
    let out = success(&s.run_with_stdin(
        &["roster", "import", good.to_str().unwrap(), "--operator", "张三"],
        "246813\n",
    ));
    assert!(out.contains("已导入 1 个班次"), "{out}");
    let shown: Value =
        serde_json::from_str(&success(&s.run(&["roster", "show", "--month", "2026-12", "--json"]))).unwrap();
    let dec1 = shown
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["start"] == "2026-12-01 08:30:00")
        .expect("the imported shift");
    assert_eq!(
        (dec1["primary"].as_str(), dec1["source"].as_str()),
        (Some("李四"), Some("导入"))
    );
    // Each shift says what kind of day it starts on: 2026-12-05 is a Saturday.
    let dec5 = shown
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["start"] == "2026-12-05 08:30:00")
        .expect("a rotation shift on the 5th");
    assert_eq!(dec5["day_kind"], "周末");
    let bad_month = failure(&s.run(&["roster", "show", "--month", "十二月"]), 2);
    assert!(bad_month.contains("2026-11"), "{bad_month}");
}

#[test]
fn handover_print_of_a_missing_record_says_how_to_find_one() {
    let s = Sandbox::new();
    assert_eq!(success(&s.run(&["handover", "list", "--json"])).trim(), "[]");
    let err = failure(&s.run(&["handover", "print", "7"]), 2);
    assert!(err.contains("没有第 7 号交接班记录"), "{err}");
}

#[test]
fn a_leader_resets_a_forgotten_pin_with_their_own_and_nobody_else_can() {
    use std::io::Write;
    let s = Sandbox::new();
    let db = s.db();
    {
        let mut store = zhiban::store::Store::open(&db).unwrap();
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        store.set_pin("王五", &zhiban::pin::hash("1357").unwrap(), t).unwrap();
        store.set_pin("张三", &zhiban::pin::hash("2468").unwrap(), t).unwrap();
    }
    let reset = |by: &str, pin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhiban"))
            .args(["pin", "reset", "张三", "--by", by, "--db"])
            .arg(&db)
            .env("HOME", s.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", s.dir.path().join("xdg-config"))
            .env_remove("ZHIBAN_DB")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A refusal that comes before the PIN is read (李四 is no leader) may end the process
        // before the PIN is written: a closed pipe is then part of the answer, not a failure.
        match child.stdin.take().unwrap().write_all(format!("{pin}\n").as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
        child.wait_with_output().unwrap()
    };
    let not_leader = reset("李四", "1357");
    assert!(failure(&not_leader, 2).contains("不是配置中的领导"));
    let wrong = reset("王五", "0000");
    assert!(failure(&wrong, 2).contains("PIN 不对"));
    let store = zhiban::store::Store::open(&db).unwrap();
    assert!(store.pin_hash("张三").unwrap().is_some(), "nothing changed yet");
    drop(store);
    let ok = reset("王五", "1357");
    assert!(success(&ok).contains("已由 王五 重置 张三 的 PIN"));
    assert!(
        zhiban::store::Store::open(&db)
            .unwrap()
            .pin_hash("张三")
            .unwrap()
            .is_none()
    );
}

/// A 重大 event written by a script, anonymously; returns its id.
fn add_event(s: &Sandbox) -> String {
    let out = s.run(&[
        "event",
        "add",
        "--category",
        "自然灾害",
        "--level",
        "重大",
        "--occurred",
        "2001-02-03 04:05",
        "--summary",
        "山体滑坡",
    ]);
    success(&out).trim().to_string()
}

fn event_state(s: &Sandbox, id: &str) -> String {
    let events: Value = serde_json::from_str(&success(&s.run(&["event", "list", "--json"]))).unwrap();
    let e = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id))
        .expect("the event is listed");
    e["state"].as_str().unwrap_or_default().to_string()
}

#[test]
fn the_command_line_writes_as_a_named_person_only_with_that_person_s_pin() {
    let s = Sandbox::new();
    let add = |stdin: &str| {
        s.run_with_stdin(
            &[
                "log",
                "add",
                "--kind",
                "来电",
                "--caller",
                "群众",
                "--content",
                "冒名的来电",
                "--operator",
                "王五",
            ],
            stdin,
        )
    };
    // 王五 has no PIN: nobody can write as him.
    let err = failure(&add("111111\n"), 2);
    assert!(err.contains("王五 还没有设定 PIN：以其名义写入须本人 PIN"), "{err}");
    s.set_pin("王五", "246813");
    // A wrong PIN writes nothing and is recorded as a failure at the command line.
    let err = failure(&add("000000\n"), 2);
    assert!(err.contains("王五 的 PIN 不对"), "{err}");
    assert!(err.contains("没有写入"), "{err}");
    assert!(s.list().is_empty(), "nothing was written");
    let store = zhiban::store::Store::open(&s.db()).unwrap();
    let attempts = store.pin_attempts("王五").unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!((attempts[0].1.as_str(), attempts[0].2), ("命令行", false));
    drop(store);
    // With his PIN: his name.
    success(&add("246813\n"));
    let items = s.list();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["recorded_by"], "王五");
    // Without --operator: the command line's own name, no PIN asked.
    success(&s.run(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--caller",
        "群众",
        "--content",
        "脚本来电",
    ]));
    assert!(s.list().iter().any(|i| i["recorded_by"] == "（命令行）"));
}

#[test]
fn an_anonymous_acknowledgement_from_the_command_line_is_recorded_but_does_not_stop_escalation() {
    let s = Sandbox::new();
    let id = add_event(&s);
    assert_eq!(event_state(&s, &id), "新");
    let out = success(&s.run(&["event", "ack", &id]));
    assert!(out.contains("仍在催办"), "{out}");
    assert_eq!(event_state(&s, &id), "新", "a script cannot say who heard the alarm");
    // A person, with their PIN, acknowledges.
    s.set_pin("李四", "135790");
    let out = success(&s.run_with_stdin(&["event", "ack", &id, "--operator", "李四"], "135790\n"));
    assert!(out.contains(&format!("已确认第 {id} 号紧急事件")), "{out}");
    assert_eq!(event_state(&s, &id), "已确认");
    // Both are on the event's timeline.
    let store = zhiban::store::Store::open(&s.db()).unwrap();
    let timeline = store.timeline(id.parse().unwrap()).unwrap();
    assert!(
        timeline
            .iter()
            .any(|l| l.who == "（命令行）" && l.text.contains("不停止催办")),
        "{timeline:?}"
    );
    assert!(timeline.iter().any(|l| l.who == "李四"), "{timeline:?}");
}

#[test]
fn pin_set_enrols_with_a_confirmed_leader_s_pin_and_refuses_a_self_promoted_one() {
    let s = Sandbox::new();
    // Open enrolment: the first leader sets his own.
    let out = s.run_with_stdin(&["pin", "set", "王五"], "135790\n135790\n");
    assert!(
        success(&out).contains("已登记 王五 的 PIN（登记开放期间本人设定）"),
        "{}",
        stdout(&out)
    );
    // Now a confirmed leader exists: 李四 needs him, and a 4-digit or run PIN is refused.
    let err = failure(&s.run_with_stdin(&["pin", "set", "李四"], "246813\n246813\n"), 2);
    assert!(err.contains("须由已登记的领导批准（可写 王五）"), "{err}");
    let err = failure(&s.run_with_stdin(&["pin", "set", "李四", "--by", "赵六"], "1\n"), 2);
    assert!(err.contains("“赵六”不是已确认的领导"), "{err}");
    let err = failure(
        &s.run_with_stdin(&["pin", "set", "李四", "--by", "王五"], "135790\n123456\n123456\n"),
        2,
    );
    assert!(err.contains("顺序数字"), "{err}");
    let err = failure(
        &s.run_with_stdin(&["pin", "set", "李四", "--by", "王五"], "000000\n246813\n246813\n"),
        2,
    );
    assert!(err.contains("王五 的 PIN 不对"), "{err}");
    let out = s.run_with_stdin(&["pin", "set", "李四", "--by", "王五"], "135790\n246813\n246813\n");
    assert!(
        success(&out).contains("已登记 李四 的 PIN（王五 登记）"),
        "{}",
        stdout(&out)
    );
    let store = zhiban::store::Store::open(&s.db()).unwrap();
    let hash = store.pin_hash("李四").unwrap().unwrap();
    assert!(zhiban::pin::verify("246813", &hash));
    // Once set, set again is refused: a forgotten PIN goes through reset.
    drop(store);
    let err = failure(
        &s.run_with_stdin(&["pin", "set", "李四", "--by", "王五"], "135790\n"),
        2,
    );
    assert!(err.contains("已有 PIN"), "{err}");
}

#[test]
fn a_verb_that_does_not_search_never_waits_for_the_search_index() {
    let sandbox = Sandbox::new();
    success(&sandbox.run(&["log", "add", "--kind", "事件", "--content", "河堤出现管涌"]));
    // As after an upgrade that remade the index: no documents, the rebuild asked for.
    let conn = Connection::open(sandbox.db()).unwrap();
    conn.execute_batch(
        "DELETE FROM search_uni; DELETE FROM search_doc;
         INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES ('值班记录', 9223372036854775807);",
    )
    .unwrap();
    let out = sandbox.run(&["log", "list", "--limit", "5"]);
    success(&out);
    assert!(stdout(&out).contains("河堤出现管涌"), "{}", stdout(&out));
    assert_eq!(stderr(&out), "", "nothing about an index on stderr");
    success(&sandbox.run(&["log", "add", "--kind", "事件", "--content", "第二条"]));
    let left: i64 = conn
        .query_row("SELECT count(*) FROM search_rebuild", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1, "the rebuild is left to the app, still asked for after a save");
    let docs: i64 = conn
        .query_row("SELECT count(*) FROM search_doc", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, 1, "only the new record indexed itself");
}
