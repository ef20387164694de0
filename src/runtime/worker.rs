//! The store worker: a thread with its own connection to the same file, executing the requests
//! that would hold the screen — today the PIN checks and enrolments (Argon2id at OWASP's minimum
//! takes ~17 ms each, several per handover signature). The UI thread sends them here and goes
//! on drawing and taking keys; each reply comes back with its operation id, and the app's
//! operation table hands it to whoever asked. Writes from here reach the UI thread's connection
//! like another terminal's (the data version changes): nothing is cached across them.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use chrono::NaiveDateTime;

use crate::core::app::{OpId, Reply, Request};
use crate::store::Store;

/// The UI thread's end of a thread's two channels: requests out, replies back, and which are
/// still out (each is answered once, even if the thread dies).
struct Line {
    to: Sender<(OpId, Request, NaiveDateTime)>,
    from: Receiver<(OpId, Reply)>,
    /// Requests sent and not yet answered.
    out: Vec<OpId>,
    /// Said for each request still out if the thread dies.
    died: &'static str,
}

impl Line {
    fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        match self.to.send((op, request, now)) {
            Ok(()) => {
                self.out.push(op);
                Ok(())
            }
            Err(std::sync::mpsc::SendError((_, request, _))) => Err(request),
        }
    }

    fn try_recv(&mut self) -> Option<(OpId, Reply)> {
        match self.from.try_recv() {
            Ok((op, reply)) => {
                self.out.retain(|o| *o != op);
                Some((op, reply))
            }
            Err(TryRecvError::Empty) => None,
            // The thread died with requests out (a panic): each asker is told, nobody waits.
            Err(TryRecvError::Disconnected) => self.out.pop().map(|op| (op, Reply::Failed(self.died.into()))),
        }
    }

    fn busy(&self) -> bool {
        !self.out.is_empty()
    }
}

pub struct Worker {
    line: Line,
}

impl Worker {
    /// Starts the thread; it opens `db` itself (already migrated by the UI thread's open). A
    /// file it cannot open answers every request with why.
    #[must_use]
    pub fn start(db: &Path) -> Self {
        let (to, requests) = channel::<(OpId, Request, NaiveDateTime)>();
        let (replies, from) = channel();
        let db = db.to_path_buf();
        std::thread::spawn(move || {
            let mut store = Store::open(&db).map_err(|e| e.to_string());
            for (op, request, now) in requests {
                let reply = match &mut store {
                    Ok(store) => super::execute(store, request, now),
                    Err(why) => Reply::Failed(why.clone()),
                };
                if replies.send((op, reply)).is_err() {
                    break;
                }
            }
        });
        Self {
            line: Line {
                to,
                from,
                out: Vec::new(),
                died: "后台线程意外退出，请重试",
            },
        }
    }

    /// Whether `request` runs here rather than on the UI thread: those that hash or verify a PIN.
    #[must_use]
    pub fn takes(request: &Request) -> bool {
        matches!(
            request,
            Request::CheckPin { .. } | Request::CheckPins(_) | Request::EnrolPin { .. } | Request::ReplacePin { .. }
        )
    }

    /// Sends `request`; `Err` gives it back when the thread is gone (run it here then).
    pub fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        self.line.send(op, request, now)
    }

    /// An answer that has arrived, if any.
    pub fn try_recv(&mut self) -> Option<(OpId, Reply)> {
        self.line.try_recv()
    }

    /// Something is being worked on: the loop wakes soon to fetch it.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.line.busy()
    }
}

/// The reader: a thread with its own connection for searches and visitor lookups, so that the
/// UI thread never waits for one and stopping one can never touch a save (this connection never
/// writes). A query the officer has already replaced is skipped if still queued, and stopped if
/// running (the connection's progress handler sees that a newer query was sent); either way it
/// is answered [`Reply::Superseded`], which nobody waits for.
pub struct Reader {
    line: Line,
    /// The newest query sent, by its op id.
    newest: Arc<AtomicU64>,
}

impl Reader {
    /// Starts the thread; it opens `db` itself.
    #[must_use]
    pub fn start(db: &Path) -> Self {
        let (to, requests) = channel::<(OpId, Request, NaiveDateTime)>();
        let (replies, from) = channel();
        let newest = Arc::new(AtomicU64::new(0));
        let db = db.to_path_buf();
        let sent = Arc::clone(&newest);
        std::thread::spawn(move || {
            let running = Arc::new(AtomicU64::new(0));
            let mut store = Store::open(&db).map_err(|e| e.to_string()).and_then(|s| {
                let (running, sent) = (Arc::clone(&running), Arc::clone(&sent));
                // Every 10,000 steps (well under a millisecond): was a newer query sent?
                s.stop_queries_when(10_000, move || {
                    running.load(Ordering::Relaxed) != sent.load(Ordering::Relaxed)
                })
                .map_err(|e| e.to_string())?;
                Ok(s)
            });
            for (op, request, now) in requests {
                let wanted = || op.0 == sent.load(Ordering::Relaxed);
                let reply = if wanted() {
                    running.store(op.0, Ordering::Relaxed);
                    let reply = match &mut store {
                        Ok(store) => super::execute(store, request, now),
                        Err(why) => Reply::Failed(why.clone()),
                    };
                    // Stopped, or finished after a newer query was sent: not wanted.
                    if wanted() { reply } else { Reply::Superseded }
                } else {
                    Reply::Superseded
                };
                if replies.send((op, reply)).is_err() {
                    break;
                }
            }
        });
        Self {
            line: Line {
                to,
                from,
                out: Vec::new(),
                died: "后台查询线程意外退出，请重试",
            },
            newest,
        }
    }

    /// Whether `request` is a query the reader answers: searches and visitor lookups.
    #[must_use]
    pub fn takes(request: &Request) -> bool {
        matches!(request, Request::Search { .. } | Request::LookupVisitors(_))
    }

    /// Sends `request`, which replaces every query sent before it; `Err` gives it back when the
    /// thread is gone (run it here then).
    pub fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        self.newest.store(op.0, Ordering::Relaxed);
        self.line.send(op, request, now)
    }

    /// An answer that has arrived, if any.
    pub fn try_recv(&mut self) -> Option<(OpId, Reply)> {
        self.line.try_recv()
    }

    /// A query is out: the loop wakes soon to fetch its answer.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.line.busy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pin_policy::{PinCheck, PinPlace};

    fn t() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .unwrap_or_default()
    }

    /// Waits for an answer from `try_recv` (a condition with a generous deadline, not a timed
    /// sleep): the worker's or the reader's.
    fn wait_for(mut try_recv: impl FnMut() -> Option<(OpId, Reply)>) -> (OpId, Reply) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(a) = try_recv() {
                return a;
            }
            assert!(std::time::Instant::now() < deadline, "no answer from the thread");
            std::thread::yield_now();
        }
    }

    fn answer(w: &mut Worker) -> (OpId, Reply) {
        wait_for(|| w.try_recv())
    }

    #[test]
    fn a_pin_check_runs_on_the_worker_and_comes_back_under_its_id_and_is_recorded() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let hash = crate::pin::hash("246813").unwrap_or_else(|e| panic!("{e}"));
        store.set_pin("张三", &hash, t()).unwrap_or_else(|e| panic!("{e}"));
        let mut w = Worker::start(&path);
        let check = |pin: &str| Request::CheckPin {
            name: "张三".into(),
            pin: pin.into(),
            place: PinPlace::SignIn,
        };
        assert!(Worker::takes(&check("1")));
        assert!(
            !Worker::takes(&Request::LoadEvents),
            "only what hashes goes to the worker"
        );
        assert!(w.send(OpId(7), check("111111"), t()).is_ok());
        assert!(w.send(OpId(8), check("246813"), t()).is_ok());
        assert!(w.busy());
        let (op, reply) = answer(&mut w);
        assert_eq!(op, OpId(7));
        assert!(
            matches!(reply, Reply::Pin(PinCheck::Wrong { in_a_row: 1, .. })),
            "{reply:?}"
        );
        let (op, reply) = answer(&mut w);
        assert_eq!(op, OpId(8));
        assert!(matches!(reply, Reply::Pin(PinCheck::Matches { .. })), "{reply:?}");
        assert!(!w.busy());
        // Both attempts are in the file, seen by the UI thread's connection.
        let attempts = store.pin_attempts("张三").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(attempts.iter().map(|a| a.2).collect::<Vec<_>>(), [false, true]);
    }

    #[test]
    fn the_reader_answers_every_query_and_only_the_newest_with_results() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        drop(Store::open(&path).unwrap_or_else(|e| panic!("{e}")));
        let mut r = Reader::start(&path);
        let search = |s: &str| Request::Search {
            input: s.into(),
            before: None,
        };
        assert!(Reader::takes(&search("河")));
        assert!(Reader::takes(&Request::LookupVisitors("zs".into())));
        assert!(
            !Reader::takes(&Request::LoadEvents),
            "writes and the rest stay on the UI thread"
        );
        for (n, word) in ["河", "河堤", "河堤管涌"].iter().enumerate() {
            assert!(r.send(OpId(n as u64 + 1), search(word), t()).is_ok());
        }
        let mut answers = Vec::new();
        while r.busy() {
            answers.push(wait_for(|| r.try_recv()));
        }
        answers.sort_by_key(|(op, _)| op.0);
        assert_eq!(answers.len(), 3, "each query is answered once: nobody waits forever");
        assert!(
            matches!(answers[2], (OpId(3), Reply::SearchResults(_))),
            "the newest gets its results: {answers:?}"
        );
        for (op, reply) in &answers[..2] {
            assert!(
                matches!(reply, Reply::Superseded | Reply::SearchResults(_)),
                "{op:?}: an older query is dropped, stopped or answered, never failed: {reply:?}"
            );
        }
    }

    #[test]
    fn a_query_stopped_by_the_progress_handler_fails_and_the_connection_goes_on() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let seen = Arc::clone(&stop);
        store
            .stop_queries_when(1, move || seen.load(Ordering::Relaxed))
            .unwrap_or_else(|e| panic!("{e}"));
        let q = crate::core::search::SearchQuery::parse("河堤").unwrap_or_else(|e| panic!("{e}"));
        assert!(store.search(&q, 10, None).is_err(), "stopped");
        stop.store(false, Ordering::Relaxed);
        assert!(store.search(&q, 10, None).is_ok(), "the next query runs");
    }
}
