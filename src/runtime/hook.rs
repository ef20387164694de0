//! Running `[notify] command` (issue 19, item 1): the program and its arguments (never a shell),
//! the message on standard input, a time limit after which its whole process group is killed,
//! its exit code, duration and first line of output. `HookRunner` does it on a thread of its own
//! so that a hook that hangs, fails or is missing never blocks the screen; the app hears each
//! outcome and records it on the timeline of what caused it.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::core::hook::{HookCall, HookOutcome, HookSettings, first_line_of};

/// The most of a program's output kept (its first line is all that is recorded).
const OUTPUT_CAP: u64 = 64 * 1024;

/// How often a running program is looked at.
const POLL: Duration = Duration::from_millis(10);

/// Runs `call` with `settings`' command now, waiting at most its time limit.
#[must_use]
pub fn run(call: HookCall, settings: &HookSettings, started_at: NaiveDateTime) -> HookOutcome {
    let limit = Duration::from_secs(settings.timeout_seconds.max(1));
    let start = Instant::now();
    let done = |call: HookCall, exit: Option<i32>, first_line: String, error: Option<String>| HookOutcome {
        call,
        started_at,
        exit,
        millis: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        first_line,
        error,
    };
    let Some(argv) = settings.argv(&call.phone) else {
        return done(call, None, String::new(), Some("没有配置 [notify] command".into()));
    };
    let mut command = Command::new(&argv[0]);
    command
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own: a time limit kills what it started too (a script's `sleep`).
        .process_group(0);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => format!("找不到程序 {}", argv[0]),
                std::io::ErrorKind::PermissionDenied => format!("没有权限运行 {}", argv[0]),
                _ => format!("无法启动 {}：{e}", argv[0]),
            };
            return done(call, None, String::new(), Some(why));
        }
    };
    // Fed and read on threads: a program that never reads its input or fills its output pipe
    // must not stop this one.
    if let Some(mut stdin) = child.stdin.take() {
        let message = call.message.clone().into_bytes();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&message);
        });
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        if let Some(pipe) = pipe {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = pipe.take(OUTPUT_CAP).read_to_end(&mut buf);
                let _ = tx.send(buf);
            });
        }
        rx
    };
    let out = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let pid = child.id();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= limit => {
                // The whole group; then reap the child.
                if let Some(group) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) {
                    let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return done(call, None, String::new(), Some(format!("等待程序结束时出错：{e}"))),
        }
    };
    // What it wrote (a killed group's pipes are closed: the readers end at once).
    let grace = Duration::from_millis(200);
    let stdout = out.recv_timeout(grace).unwrap_or_default();
    let stderr = err.recv_timeout(grace).unwrap_or_default();
    let mut first = first_line_of(&stdout);
    if first.is_empty() {
        first = first_line_of(&stderr);
    }
    match status {
        Some(s) => done(call, s.code(), first, None),
        None => done(
            call,
            None,
            first,
            Some(format!("{} 秒内没有结束，已终止", limit.as_secs())),
        ),
    }
}

/// Runs hooks one after another on a thread of its own; outcomes are collected without waiting.
pub struct HookRunner {
    calls: Sender<(HookCall, NaiveDateTime)>,
    outcomes: Receiver<HookOutcome>,
}

impl HookRunner {
    #[must_use]
    pub fn start(settings: HookSettings) -> Self {
        let (calls, inbox) = mpsc::channel::<(HookCall, NaiveDateTime)>();
        let (report, outcomes) = mpsc::channel();
        std::thread::spawn(move || {
            for (call, at) in inbox {
                if report.send(run(call, &settings, at)).is_err() {
                    return;
                }
            }
        });
        Self { calls, outcomes }
    }

    /// Queues a run (never waits).
    pub fn send(&self, call: HookCall, at: NaiveDateTime) {
        let _ = self.calls.send((call, at));
    }

    /// Outcomes finished since last asked.
    pub fn take(&self) -> Vec<HookOutcome> {
        self.outcomes.try_iter().collect()
    }

    /// Waits up to `limit` for the next outcome (the command line and tests).
    pub fn wait(&self, limit: Duration) -> Option<HookOutcome> {
        self.outcomes.recv_timeout(limit).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hook::HookCause;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    fn call() -> HookCall {
        HookCall {
            cause: HookCause::Test,
            name: "王五".into(),
            phone: "13900000003".into(),
            message: "【值班室】紧急事项：较大 自然灾害，12-05 03:10。".into(),
        }
    }

    fn settings(command: Vec<String>, timeout: u64) -> HookSettings {
        HookSettings {
            command,
            timeout_seconds: timeout,
            ..HookSettings::default()
        }
    }

    fn at() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-12-05 03:10", "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_fake_platform_gets_the_phone_as_an_argument_and_the_message_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sent.txt");
        let fake = script(
            dir.path(),
            "send",
            &format!("printf '%s|' \"$@\" > {0}; cat >> {0}; echo 'OK 已受理'", log.display()),
        );
        let o = run(call(), &settings(vec![fake, "--to".into(), "{phone}".into()], 5), at());
        assert!(o.ok(), "{o:?}");
        assert_eq!(o.exit, Some(0));
        assert_eq!(o.first_line, "OK 已受理");
        let sent = std::fs::read_to_string(&log).unwrap();
        assert_eq!(sent, format!("--to|13900000003|{}", call().message));
        // Arguments are never a shell string: a phone with shell syntax stays one argument.
        let mut odd = call();
        odd.phone = "1; touch /tmp/zhiban-hook-pwned".into();
        let o = run(
            odd,
            &settings(vec![script(dir.path(), "echo", "echo \"$1\""), "{phone}".into()], 5),
            at(),
        );
        assert_eq!(o.first_line, "1; touch /tmp/zhiban-hook-pwned");
        assert!(!std::path::Path::new("/tmp/zhiban-hook-pwned").exists());
    }

    #[test]
    fn a_platform_that_hangs_is_killed_at_the_limit_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let fake = script(dir.path(), "hang", "echo started; sleep 1000");
        let begun = Instant::now();
        let o = run(call(), &settings(vec![fake, "{phone}".into()], 1), at());
        assert!(begun.elapsed() < Duration::from_secs(10), "killed, not waited for");
        assert_eq!(o.exit, None);
        assert!(o.error.as_deref().unwrap().contains("1 秒内没有结束"), "{o:?}");
        assert!(o.problem().is_some());
    }

    #[test]
    fn a_failing_or_missing_platform_is_an_outcome_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let fake = script(dir.path(), "fail", "echo 'ERR 余额不足' >&2; exit 3");
        let o = run(call(), &settings(vec![fake, "{phone}".into()], 5), at());
        assert_eq!(o.exit, Some(3));
        assert_eq!(o.first_line, "ERR 余额不足");
        assert!(o.line().contains("发送失败（退出码 3）"));
        let o = run(
            call(),
            &settings(vec!["/nonexistent/sms".into(), "{phone}".into()], 5),
            at(),
        );
        assert_eq!(o.error.as_deref(), Some("找不到程序 /nonexistent/sms"));
        let o = run(call(), &settings(Vec::new(), 5), at());
        assert!(o.error.unwrap().contains("没有配置"));
    }

    #[test]
    fn the_runner_never_blocks_its_caller() {
        let dir = tempfile::tempdir().unwrap();
        let fake = script(dir.path(), "hang", "sleep 1000");
        let runner = HookRunner::start(settings(vec![fake, "{phone}".into()], 1));
        // Queued, not run here: this thread goes on while the program sleeps.
        runner.send(call(), at());
        let o = runner.wait(Duration::from_secs(10)).expect("the outcome comes");
        assert_eq!(o.exit, None);
    }
}
