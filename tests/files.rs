//! Files the app writes and reads (issue 14, point 4), and a full disk (point 6): every file it
//! creates is 0600 and never made through a link planted in its place; a database others can read
//! is warned about with the `chmod` that fixes it; inputs must be regular files under a size cap;
//! a full disk says 磁盘已满 and what to do.
//!
//! Nothing waits on the clock: a command that could hang (a FIFO, `/dev/zero`) runs under a
//! generous deadline and the test fails if it is passed.

mod cli_common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use cli_common::{Sandbox, failure, stderr, success};
use zhiban::core::app::{Reply, Request};
use zhiban::core::handover::{Check, build_draft};
use zhiban::store::Store;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs the binary with `args`, failing (and killing it) if it has not finished within a minute.
fn run_within(s: &Sandbox, args: &[&str]) -> Output {
    let mut child = s
        .command(&s.db(), args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("zhiban {args:?} still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

// ---------------------------------------------------------------------------------------------
// Inputs: regular files under a cap
// ---------------------------------------------------------------------------------------------

#[test]
fn a_roster_import_from_dev_zero_a_pipe_a_directory_or_a_huge_file_is_refused_at_once() {
    let s = Sandbox::new();
    let fifo = s.dir.path().join("roster.fifo");
    mkfifo(&fifo);
    let huge = s.dir.path().join("huge.csv");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(zhiban::files::CSV_MAX_BYTES + 1).unwrap();
    for (input, says) in [
        ("/dev/zero", "是一个设备"),
        (fifo.to_str().unwrap(), "是一个管道"),
        (s.dir.path().to_str().unwrap(), "是一个目录"),
        (huge.to_str().unwrap(), "太大（16.0 MiB）：排班表 CSV 文件最多 16.0 MiB"),
    ] {
        let err = failure(&run_within(&s, &["roster", "import", input]), 2);
        assert!(err.contains(says), "{input}: {err}");
        assert!(err.contains("普通文件") || err.contains("选错了文件"), "{input}: {err}");
    }
    let shown = success(&s.run(&["roster", "show", "--month", "2026-12", "--json"]));
    assert!(!shown.contains("导入"), "nothing was imported: {shown}");
}

#[test]
fn the_config_must_be_a_regular_file_of_at_most_a_mebibyte() {
    let s = Sandbox::new();
    let fifo = s.dir.path().join("config.fifo");
    mkfifo(&fifo);
    let big = s.dir.path().join("big.toml");
    let mut text = String::from("[office]\nname = \"城关镇值班室\"\n");
    text.push_str(&"# 注释\n".repeat(200_000));
    std::fs::write(&big, &text).unwrap();
    for (config, says) in [
        ("/dev/zero", "是一个设备，不是普通文件"),
        (fifo.to_str().unwrap(), "是一个管道，不是普通文件"),
        (big.to_str().unwrap(), "文件太大（1.7 MiB）：配置文件最多 1.0 MiB"),
    ] {
        let err = failure(&run_within(&s, &["config", "check", "--config", config]), 2);
        assert!(err.contains(&format!("配置文件 {config}：")), "{err}");
        assert!(err.contains(says), "{config}: {err}");
    }
    // Just under the cap is read.
    let fits = s.dir.path().join("fits.toml");
    let mut text = String::from("[office]\nname = \"城关镇值班室\"\n");
    text.push_str(&"#".repeat(1_000_000));
    text.push('\n');
    std::fs::write(&fits, &text).unwrap();
    let out = success(&s.run(&["config", "check", "--config", fits.to_str().unwrap()]));
    assert!(out.contains("城关镇值班室"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// The database file
// ---------------------------------------------------------------------------------------------

#[test]
fn a_database_others_can_read_is_warned_about_with_the_chmod_that_fixes_it() {
    let s = Sandbox::new();
    success(&s.run(&["log", "list"]));
    assert_eq!(mode(&s.db()), 0o600);
    assert!(
        !stderr(&s.run(&["log", "list"])).contains("chmod"),
        "a private database is not warned about"
    );
    std::fs::set_permissions(s.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = s.run(&["log", "list"]);
    success(&out);
    let err = stderr(&out);
    assert!(
        err.contains("权限是 0644") && err.contains(&format!("chmod 600 {}", s.db().display())),
        "{err}"
    );
}

#[test]
fn a_database_path_that_is_a_device_a_dangling_link_or_has_a_linked_wal_is_refused() {
    let s = Sandbox::new();
    let out = s.run_with_db(Path::new("/dev/null"), &["log", "list"]);
    let err = failure(&out, 1);
    assert!(err.contains("是一个设备") && err.contains("普通文件"), "{err}");

    let nowhere = s.dir.path().join("nowhere.db");
    let dangling = s.dir.path().join("dangling.db");
    symlink(&nowhere, &dangling).unwrap();
    let err = failure(&s.run_with_db(&dangling, &["log", "list"]), 1);
    assert!(err.contains("指向的文件不存在"), "{err}");
    assert!(!nowhere.exists(), "nothing created through the link");

    // A link planted where SQLite will create its write-ahead log: refused, its target untouched.
    success(&s.run(&["log", "list"]));
    let target = s.dir.path().join("elsewhere");
    std::fs::write(&target, "别处的文件").unwrap();
    let [wal, ..] = zhiban::files::side_files(&s.db());
    let _ = std::fs::remove_file(&wal);
    symlink(&target, &wal).unwrap();
    let err = failure(&s.run(&["log", "list"]), 1);
    assert!(
        err.contains("是一个符号链接") && err.contains(&format!("rm {}", wal.display())),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "别处的文件");
}

// ---------------------------------------------------------------------------------------------
// Files written: exports and the handover's paper form
// ---------------------------------------------------------------------------------------------

#[test]
fn an_export_never_writes_through_a_planted_link_and_its_files_are_private() {
    let s = Sandbox::new();
    let out_dir = s.dir.path().join("exports");
    std::fs::create_dir(&out_dir).unwrap();
    let args = [
        "export",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--kind",
        "值班记录",
        "--out",
        out_dir.to_str().unwrap(),
    ];
    let name = out_dir.join("值班记录_2026-11-01_2026-11-30.csv");
    let target = s.dir.path().join("victim.txt");
    std::fs::write(&target, "不能被改").unwrap();
    // A link to a file, and a link to nowhere: both are "already there".
    for link_to in [target.clone(), s.dir.path().join("nowhere.txt")] {
        symlink(&link_to, &name).unwrap();
        let err = failure(&s.run(&args), 2);
        assert!(err.contains("已存在") && err.contains("没有导出"), "{err}");
        std::fs::remove_file(&name).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "不能被改");
    assert!(!s.dir.path().join("nowhere.txt").exists());
    let printed = success(&s.run(&args));
    assert_eq!(printed.trim(), name.display().to_string());
    assert_eq!(mode(&name), 0o600);
}

/// A store with one signed handover (张三 to 李四), in a fresh directory.
fn signed_handover() -> (tempfile::TempDir, Store) {
    let dir = tempfile::TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("zhiban.db")).unwrap();
    let now = at("2026-11-23 16:30");
    let state = store.open_state(now).unwrap();
    let mut draft = build_draft(&state, "张三", "李四", at("2026-11-23 08:30"), now);
    draft.summary = "当班平稳".into();
    for item in &mut draft.items {
        item.check = Check::Confirmed;
    }
    store.sign_handover(&draft, &[], now).unwrap();
    (dir, store)
}

fn export(store: &mut Store) -> Reply {
    let request = Request::ExportHandover {
        id: 1,
        office: "城关镇值班室".into(),
    };
    zhiban::runtime::execute(store, request, at("2026-11-23 16:40"))
}

#[test]
fn the_handover_paper_form_takes_a_new_name_instead_of_following_a_planted_link() {
    let (dir, mut store) = signed_handover();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "不能被改").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    symlink(&victim, dir.path().join("handover-1.md")).unwrap();

    let Reply::Exported(first) = export(&mut store) else {
        panic!("not exported")
    };
    assert_eq!(Path::new(&first), dir.path().join("handover-1-2.md"));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "不能被改");
    assert_eq!(mode(&victim), 0o644);
    assert_eq!(mode(Path::new(&first)), 0o600);
    assert!(std::fs::read_to_string(&first).unwrap().contains("当班平稳"));

    // Exported again: the earlier copy stays as it is, the new one takes the next name.
    let Reply::Exported(second) = export(&mut store) else {
        panic!("not exported")
    };
    assert_eq!(Path::new(&second), dir.path().join("handover-1-3.md"));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "a signed handover prints the same"
    );
}

// ---------------------------------------------------------------------------------------------
// A full disk
// ---------------------------------------------------------------------------------------------

/// Runs the binary with its standard output on `/dev/full` (every write: ENOSPC).
fn to_dev_full(s: &Sandbox, args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    s.command(&s.db(), args).stdout(full).output().unwrap()
}

#[test]
fn a_full_disk_under_a_report_or_an_export_says_so_and_what_to_do() {
    let s = Sandbox::new();
    // More than the writers' buffers hold (8 KiB each): the error comes from inside the CSV
    // writer too, not only from the last flush.
    let long = "河堤渗水".repeat(1000);
    for _ in 0..3 {
        success(&s.run(&[
            "log",
            "add",
            "--kind",
            "来电",
            "--unit",
            "城关镇",
            "--content",
            &long,
            "--time",
            "2001-02-03 04:05",
        ]));
    }
    for args in [
        &["report", "daily", "--date", "2001-02-04"][..],
        &[
            "export",
            "--from",
            "2001-02-01",
            "--to",
            "2001-02-28",
            "--format",
            "json",
            "--kind",
            "值班记录",
        ],
        &[
            "export",
            "--from",
            "2001-02-01",
            "--to",
            "2001-02-28",
            "--format",
            "csv",
            "--kind",
            "值班记录",
        ],
    ] {
        let out = to_dev_full(&s, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("磁盘已满") && err.contains("请清理磁盘空间"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("No space left"), "{args:?}: {err}");
    }
}
