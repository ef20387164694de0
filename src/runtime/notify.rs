//! Getting an alert to the officer outside the app window: the terminal bell and a desktop
//! notification. The notification is sent from a worker thread with a time limit, because a
//! notification server that owns the D-Bus name but does not answer makes `show()` block forever
//! (measured: tech-probe §5). With no bus or no server it fails once, says so once, and stops
//! trying; the banner and the bell carry on.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use crate::core::app::Notice;

/// Where alerts go besides the screen.
pub trait Alerter {
    fn ring(&mut self);
    fn notify(&mut self, notice: &Notice);
    /// A delivery problem to tell the officer about (at most once).
    fn take_failure(&mut self) -> Option<String>;
    /// Runs the SMS or voice platform's command for `call` (never waits for it).
    fn hook(&mut self, call: crate::core::hook::HookCall, at: chrono::NaiveDateTime);
    /// The hook runs finished since last asked.
    fn take_hook_outcomes(&mut self) -> Vec<crate::core::hook::HookOutcome>;
}

/// How long a desktop notification may take before it is given up.
pub const NOTIFY_TIME_LIMIT: Duration = Duration::from_secs(2);

/// The real thing: BEL to the terminal, notify-rust from a worker.
pub struct TerminalAlerter {
    notices: Sender<Notice>,
    failures: Receiver<String>,
    /// `[notify] command`'s runner, when one is configured.
    hooks: Option<super::hook::HookRunner>,
}

impl TerminalAlerter {
    #[must_use]
    pub fn start() -> Self {
        let (notices, inbox) = mpsc::channel::<Notice>();
        let (report, failures) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(notice) = inbox.recv() {
                if let Err(why) = send_with_limit(&notice, NOTIFY_TIME_LIMIT) {
                    let _ = report.send(why);
                    // Said once; from now on banner and bell only. Drain the rest silently.
                    for _ in inbox.iter() {}
                    return;
                }
            }
        });
        Self {
            notices,
            failures,
            hooks: None,
        }
    }

    /// With the office's SMS or voice platform (`[notify]`), when a command is configured.
    #[must_use]
    pub fn with_hooks(mut self, settings: &crate::core::hook::HookSettings) -> Self {
        if !settings.command.is_empty() {
            self.hooks = Some(super::hook::HookRunner::start(settings.clone()));
        }
        self
    }
}

impl Alerter for TerminalAlerter {
    fn ring(&mut self) {
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x07");
        let _ = out.flush();
    }

    fn notify(&mut self, notice: &Notice) {
        let _ = self.notices.send(notice.clone());
    }

    fn take_failure(&mut self) -> Option<String> {
        self.failures.try_recv().ok()
    }

    fn hook(&mut self, call: crate::core::hook::HookCall, at: chrono::NaiveDateTime) {
        if let Some(runner) = &self.hooks {
            runner.send(call, at);
        }
    }

    fn take_hook_outcomes(&mut self) -> Vec<crate::core::hook::HookOutcome> {
        self.hooks
            .as_ref()
            .map(super::hook::HookRunner::take)
            .unwrap_or_default()
    }
}

/// Shows one desktop notification, giving up after `limit`. The attempt runs on its own thread
/// so that a hung D-Bus call costs a parked thread, never the caller.
pub fn send_with_limit(notice: &Notice, limit: Duration) -> Result<(), String> {
    let (done, result) = mpsc::channel();
    let (title, body) = (notice.title.clone(), notice.body.clone());
    std::thread::spawn(move || {
        let outcome = notify_rust::Notification::new()
            .appname("zhiban")
            .summary(&title)
            .body(&body)
            .timeout(notify_rust::Timeout::Milliseconds(10_000))
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string());
        let _ = done.send(outcome);
    });
    match result.recv_timeout(limit) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err("桌面通知不可用（没有通知服务或 D-Bus）：提醒改用屏幕横幅和响铃".into()),
        Err(_) => Err(format!(
            "桌面通知服务 {} 秒内无响应：提醒改用屏幕横幅和响铃",
            limit.as_secs()
        )),
    }
}

/// A double for tests: records what would have been rung, shown and sent to the SMS hook; with
/// `runner`, the hook really runs (a fake platform), its outcomes handed back like the real one's.
#[derive(Default)]
pub struct RecordingAlerter {
    pub rings: usize,
    pub notices: Vec<Notice>,
    pub failure: Option<String>,
    pub hooks: Vec<crate::core::hook::HookCall>,
    pub runner: Option<super::hook::HookRunner>,
    /// Outcomes a test hands back as if a run had finished.
    pub outcomes: Vec<crate::core::hook::HookOutcome>,
}

impl Alerter for RecordingAlerter {
    fn ring(&mut self) {
        self.rings += 1;
    }

    fn notify(&mut self, notice: &Notice) {
        self.notices.push(notice.clone());
    }

    fn take_failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    fn hook(&mut self, call: crate::core::hook::HookCall, at: chrono::NaiveDateTime) {
        if let Some(runner) = &self.runner {
            runner.send(call.clone(), at);
        }
        self.hooks.push(call);
    }

    fn take_hook_outcomes(&mut self) -> Vec<crate::core::hook::HookOutcome> {
        let mut out = std::mem::take(&mut self.outcomes);
        if let Some(runner) = &self.runner {
            out.extend(runner.take());
        }
        out
    }
}
