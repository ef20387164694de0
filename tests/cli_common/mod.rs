//! The command-line tests' sandbox: a private directory with the database, config files and an
//! empty HOME / XDG_CONFIG_HOME / XDG_DATA_HOME, so the user's own configuration and data are
//! never read or written; and the checks every command test makes on an exit.
#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A private directory for one test: the database, config files and an empty home.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        for sub in ["home", "xdg-config", "xdg-data"] {
            std::fs::create_dir(dir.path().join(sub)).expect("create sandbox dir");
        }
        Self { dir }
    }

    /// The database: in a directory that does not exist yet.
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("zhiban.db")
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write sandbox file");
        path
    }

    /// The binary with `args`, `--db <db>` and the sandbox's environment.
    pub fn command(&self, db: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_zhiban"));
        command
            .args(args)
            .arg("--db")
            .arg(db)
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env_remove("ZHIBAN_DB");
        command
    }

    /// Runs the binary with `args` and `--db <db>`.
    pub fn run_with_db(&self, db: &Path, args: &[&str]) -> Output {
        self.command(db, args).output().expect("run zhiban")
    }

    /// Runs the binary with `args`, `--db` and `stdin` written to its standard input (a PIN).
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command(&self.db(), args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run zhiban");
        // A process that refuses before reading closes the pipe: that is part of its answer.
        let _ = child.stdin.take().expect("stdin").write_all(stdin.as_bytes());
        child.wait_with_output().expect("wait for zhiban")
    }

    /// Gives `name` a PIN in the sandbox's database (as enrolment will).
    pub fn set_pin(&self, name: &str, pin: &str) {
        std::fs::create_dir_all(self.db().parent().expect("db dir")).expect("create db dir");
        let mut store = zhiban::store::Store::open(&self.db()).expect("open the sandbox database");
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a time");
        store
            .set_pin(name, &zhiban::pin::hash(pin).expect("hash"), now)
            .expect("set the PIN");
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_db(&self.db(), args)
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

pub fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Asserts exit 0 and returns stdout.
pub fn success(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "expected success\nstdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

/// Asserts the exit code, an empty stdout and a Chinese stderr; returns stderr.
pub fn failure(out: &Output, code: i32) -> String {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "wrong exit code\nstdout: {}\nstderr: {err}",
        stdout(out)
    );
    assert!(out.stdout.is_empty(), "stdout should be empty, got: {}", stdout(out));
    assert!(has_chinese(&err), "stderr is not Chinese: {err}");
    err
}
