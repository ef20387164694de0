//! SIGTERM, SIGHUP and SIGINT while the full-screen app runs (a shutdown, the terminal window
//! closed, `kill`): the handler only records which signal came (signal-hook's flag: nothing else
//! is safe inside a handler); the event loop sees it within a second (it wakes at least once a
//! second), sends the app [`crate::core::app::Msg::Terminate`], runs what that asks (the place
//! where unsaved text is to be kept as drafts), and leaves through the normal path: the terminal
//! guard leaves raw mode and the alternate screen, shows the cursor and turns bracketed paste off.
//! The process then exits with 128 + the signal's number, as a shell reports a signal.
//!
//! A second stopping signal while the first is still being handled (the loop waiting on a locked
//! database, say) ends the process at once, as if no handler were installed: whoever sends it
//! twice means it, and gets it (the terminal may then stay raw).
//!
//! In raw mode Ctrl-C is a key, not SIGINT (the app asks before quitting); SIGINT comes only from
//! outside. SIGKILL cannot be caught: every save is committed before it is reported, so nothing
//! saved is lost (`tests/crash.rs`), but the terminal stays raw (`reset` fixes it).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The signals that stop the app cleanly.
pub const STOPPING: [i32; 3] = [SIGTERM, SIGHUP, SIGINT];

/// The stopping signals' handlers, installed for as long as the full-screen app runs.
pub struct Signals {
    /// The number of the last stopping signal received; 0 while none has come.
    caught: Arc<AtomicUsize>,
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    /// Installs the handlers: from now on a stopping signal no longer kills the process outright.
    pub fn install() -> io::Result<Self> {
        let caught = Arc::new(AtomicUsize::new(0));
        let any = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        for sig in STOPPING {
            let number = usize::try_from(sig).unwrap_or_default();
            // In this order: a signal after the first finds `any` set and ends the process.
            ids.push(signal_hook::flag::register_conditional_default(sig, Arc::clone(&any))?);
            ids.push(signal_hook::flag::register(sig, Arc::clone(&any))?);
            ids.push(signal_hook::flag::register_usize(sig, Arc::clone(&caught), number)?);
        }
        Ok(Self { caught, ids })
    }

    /// The stopping signal received, if one came.
    #[must_use]
    pub fn caught(&self) -> Option<i32> {
        match self.caught.load(Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

impl Drop for Signals {
    /// Removes the actions (signal-hook leaves a handler that does nothing: a stopping signal
    /// in the moment between the app's end and the process's exit is ignored).
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The signal's name, for the line said after the terminal is restored.
#[must_use]
pub fn name(sig: i32) -> &'static str {
    match sig {
        SIGTERM => "SIGTERM（终止）",
        SIGHUP => "SIGHUP（终端已关闭）",
        SIGINT => "SIGINT（中断）",
        _ => "信号",
    }
}

/// How the full-screen app ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The officer quit.
    Quit,
    /// A stopping signal came; the app quit through the normal path.
    Signal(i32),
}

impl Ending {
    /// The process's exit status: 0 when the officer quit, 128 + the signal's number otherwise
    /// (what a shell reports for a process a signal stopped).
    #[must_use]
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Quit => 0,
            Self::Signal(sig) => 128 + sig,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopping_signal_is_recorded_not_obeyed_and_each_is_named() {
        let signals = Signals::install().unwrap();
        assert_eq!(signals.caught(), None);
        // Raised in this process: without the handler SIGHUP would end the test run.
        signal_hook::low_level::raise(SIGHUP).unwrap();
        assert_eq!(signals.caught(), Some(SIGHUP));
        // (A second one would end the test run: `tests/e2e.rs` sends each signal to the binary.)
        assert_eq!(Ending::Signal(SIGHUP).exit_code(), 129);
        assert_eq!(Ending::Signal(SIGTERM).exit_code(), 143);
        assert_eq!(Ending::Quit.exit_code(), 0);
        for sig in STOPPING {
            assert!(name(sig).starts_with("SIG"), "{sig}");
        }
    }
}
