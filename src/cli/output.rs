//! Standard output for the verbs that may print ten years of records (`log list --limit 0`,
//! `visit list --limit 0`, `event list --all`, `export`): written through one buffer as the store
//! hands the rows over, a page at a time, so memory stays the same whatever the count; JSON arrays
//! element by element, each in the bytes `serde_json` writes for the whole array.
//!
//! A reader that stops early (`| head`, a pager quit) closes the pipe: the verb then stops quietly,
//! with no message and the exit code a program ended by SIGPIPE has ([`EXIT_CLOSED_PIPE`]), which
//! is what shells and `set -o pipefail` expect from a cut pipeline. Rust ignores SIGPIPE, so
//! without this the write would fail and `println!` would panic.

use std::io::{BufWriter, StdoutLock, Write};

use super::{Failure, failure};
use crate::store::StoreError;

/// 128 + SIGPIPE: the status of a program the closed pipe's signal ended (as `runtime::signals`
/// gives 128 + the signal for SIGTERM, SIGHUP and SIGINT).
pub const EXIT_CLOSED_PIPE: i32 = 128 + signal_hook::consts::SIGPIPE;

/// How many records a listing reads from the store at a time: few enough that a page of whole
/// records (a visit with its representatives, an entry with its amendments) is a few hundred KiB,
/// enough that the per-page query costs nothing next to the rows.
pub(super) const PAGE_ROWS: usize = 500;

/// The buffer in front of standard output: a million lines are a few thousand writes.
const BUFFER: usize = 64 * 1024;

/// Standard output, locked and buffered. Flush it with [`finish`]: dropping it would lose the
/// last write's error.
pub(super) fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::with_capacity(BUFFER, std::io::stdout().lock())
}

/// Flushes what is left; a failure is the verb's.
pub(super) fn finish(mut w: BufWriter<StdoutLock<'static>>) -> Result<(), Failure> {
    w.flush().map_err(|e| stdout_failure(&e))
}

/// A failure while streaming: the store, or the place being written to.
pub(super) enum StreamError {
    Store(StoreError),
    Io(std::io::Error),
}

impl From<StoreError> for StreamError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<serde_json::Error> for StreamError {
    fn from(e: serde_json::Error) -> Self {
        // The writer's own error comes back as it was (a closed pipe stays a closed pipe).
        Self::Io(std::io::Error::from(e))
    }
}

impl From<csv::Error> for StreamError {
    fn from(e: csv::Error) -> Self {
        // The writer's own I/O error, kind and all (a full disk must stay a full disk).
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Self::Io(io),
            other => Self::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

impl StreamError {
    /// The failure when writing to a file named `target`.
    pub(super) fn into_failure(self, target: &str) -> Failure {
        match self {
            Self::Store(e) => failure(e.to_string()),
            Self::Io(e) => io_failure(target, &e),
        }
    }

    /// The failure when writing to standard output: a closed pipe ends quietly.
    pub(super) fn into_stdout_failure(self) -> Failure {
        match self {
            Self::Store(e) => failure(e.to_string()),
            Self::Io(e) => stdout_failure(&e),
        }
    }
}

impl From<StreamError> for Failure {
    fn from(e: StreamError) -> Self {
        e.into_stdout_failure()
    }
}

/// A failed write to `target`: a full disk says so and what to do.
pub(super) fn io_failure(target: &str, e: &std::io::Error) -> Failure {
    if crate::files::is_disk_full(e) {
        failure(format!("磁盘已满，写入{target}失败：{}", crate::files::DISK_FULL_FIX))
    } else {
        failure(format!("写入{target}失败：{e}"))
    }
}

/// A failed write to standard output: the reader went away (nothing to say, and nobody to say it
/// to), or anything else said like a file's.
pub(super) fn stdout_failure(e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure {
            code: EXIT_CLOSED_PIPE,
            message: String::new(),
        }
    } else {
        io_failure("标准输出", e)
    }
}

/// A JSON array written element by element: the bytes `serde_json::to_string` gives for the whole
/// array (`[`, the items separated by `,`, `]`), without ever holding it.
pub(super) struct JsonArray {
    first: bool,
}

impl JsonArray {
    /// Writes the opening bracket.
    pub(super) fn begin(w: &mut impl Write) -> std::io::Result<Self> {
        w.write_all(b"[")?;
        Ok(Self { first: true })
    }

    pub(super) fn item(&mut self, w: &mut impl Write, item: &impl serde::Serialize) -> Result<(), StreamError> {
        if !self.first {
            w.write_all(b",")?;
        }
        self.first = false;
        serde_json::to_writer(&mut *w, item)?;
        Ok(())
    }

    /// Writes the closing bracket and the line's end (the lists print one line).
    pub(super) fn end(self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(b"]\n")
    }
}
