//! The threads that take the store off the UI thread, so that it only draws, takes keys and
//! routes replies.
//!
//! - [`Worker`], the store thread: it owns the connection the app opened (its guard, its view of
//!   what other terminals wrote) and runs every request but the reader's, one at a time in the
//!   order sent — a save and the reload after it stay in that order — and, when the officer has
//!   been idle, a step of the search index's housekeeping. A request waiting on another
//!   terminal's lock (up to the store's busy timeout) holds this thread, never the screen.
//! - [`Reader`]: a thread with its own, never-writing connection for searches and visitor
//!   lookups, where a query the officer has replaced is skipped or stopped.
//!
//! Each reply comes back with its operation id, and the app's operation table hands it to
//! whoever asked; a thread that dies answers every request still out with a failure.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::Instant;

use chrono::NaiveDateTime;

use crate::core::app::{OpId, Reply, Request};
use crate::store::Store;

/// What the UI thread hands a thread.
enum Job {
    Run(OpId, Request, NaiveDateTime),
    /// One idle step of merging the search index (the store thread only).
    Tidy,
    /// One idle batch of the reduction of visitors' numbers entered before the cutoff (the
    /// store thread only), at `now`.
    Reduce(NaiveDateTime, NaiveDateTime),
}

/// What comes back.
enum Done {
    Reply(OpId, Reply),
    /// The housekeeping step is over (whatever it found: it is tried again when next idle).
    Tidied,
    /// A batch of the reduction is over: visits reduced and whether any are left, or why not.
    Reduced(Result<(usize, bool), String>),
}

/// The UI thread's end of a thread's two channels: jobs out, answers back, and which requests
/// are still out (each is answered once, even if the thread dies).
struct Line {
    /// `None` once closed: the thread finishes what it has and ends.
    to: Option<Sender<Job>>,
    from: Receiver<Done>,
    /// Requests sent and not yet answered.
    out: Vec<OpId>,
    /// A housekeeping step is out.
    tidying: bool,
    /// What the last batch of the reduction did, until taken.
    reduced: Option<Result<(usize, bool), String>>,
    /// Said for each request still out if the thread dies.
    died: &'static str,
}

impl Line {
    fn new(to: Sender<Job>, from: Receiver<Done>, died: &'static str) -> Self {
        Self {
            to: Some(to),
            from,
            out: Vec::new(),
            tidying: false,
            reduced: None,
            died,
        }
    }

    fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        let Some(to) = &self.to else { return Err(request) };
        match to.send(Job::Run(op, request, now)) {
            Ok(()) => {
                self.out.push(op);
                Ok(())
            }
            Err(std::sync::mpsc::SendError(job)) => match job {
                Job::Run(_, request, _) => Err(request),
                Job::Tidy | Job::Reduce(..) => unreachable!("a request was sent"),
            },
        }
    }

    fn tidy(&mut self, job: Job) -> bool {
        let sent = self.to.as_ref().is_some_and(|to| to.send(job).is_ok());
        self.tidying |= sent;
        sent
    }

    /// The next answer: one already here, or (`until`) the first to come before then.
    fn next(&mut self, until: Option<Instant>) -> Option<(OpId, Reply)> {
        loop {
            let got = match until {
                None => self.from.try_recv().map_err(|e| match e {
                    TryRecvError::Empty => RecvTimeoutError::Timeout,
                    TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                }),
                Some(t) => self.from.recv_timeout(t.saturating_duration_since(Instant::now())),
            };
            match got {
                Ok(Done::Tidied) => self.tidying = false,
                Ok(Done::Reduced(r)) => {
                    self.tidying = false;
                    self.reduced = Some(r);
                }
                Ok(Done::Reply(op, reply)) => {
                    self.out.retain(|o| *o != op);
                    return Some((op, reply));
                }
                Err(RecvTimeoutError::Timeout) => return None,
                // The thread died with requests out (a panic): each asker is told, nobody waits.
                Err(RecvTimeoutError::Disconnected) => {
                    self.tidying = false;
                    return self.out.pop().map(|op| (op, Reply::Failed(self.died.into())));
                }
            }
        }
    }

    fn busy(&self) -> bool {
        !self.out.is_empty()
    }
}

/// The store thread.
pub struct Worker {
    line: Line,
    /// Disconnected once the thread has ended (its sender is dropped as it returns or unwinds):
    /// how the drain waits for it with a limit.
    ended: Receiver<()>,
}

impl Worker {
    /// Starts the store thread with `store`, the connection the app opened (already migrated).
    /// `Err` gives the store back when the system refuses a thread: the caller runs the
    /// requests itself then, as before there was a store thread.
    pub fn start(store: Store) -> Result<Self, Box<Store>> {
        let (to, jobs) = channel::<Job>();
        let (replies, from) = channel();
        let (hand, take) = channel::<Store>();
        let (alive, ended) = channel::<()>();
        let spawned = std::thread::Builder::new().name("zhiban-store".into()).spawn(move || {
            let _alive = alive;
            // Handed over once the thread exists (a refused thread leaves it with the caller).
            let Ok(mut store) = take.recv() else { return };
            for job in jobs {
                let done = match job {
                    Job::Run(op, request, now) => Done::Reply(op, super::execute(&mut store, request, now)),
                    Job::Tidy => {
                        // Housekeeping only: a failure (another terminal holding the lock) is
                        // tried again when the officer is next idle, and the index answers
                        // correctly unmerged.
                        let _ = store.tidy_search_index();
                        Done::Tidied
                    }
                    Job::Reduce(cutoff, now) => Done::Reduced(
                        store
                            .reduce_visits_step(cutoff, crate::core::retention::BATCH, crate::store::SYSTEM_FINDER, now)
                            .map_err(|e| e.to_string()),
                    ),
                };
                if replies.send(done).is_err() {
                    break;
                }
            }
        });
        if spawned.is_err() {
            return Err(Box::new(store));
        }
        hand.send(store).map_err(|e| Box::new(e.0))?;
        Ok(Self {
            line: Line::new(to, from, "后台数据库线程意外退出，这项操作没有完成，请重试"),
            ended,
        })
    }

    /// Sends `request`; `Err` gives it back when the thread is gone (run it here then).
    pub fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        self.line.send(op, request, now)
    }

    /// An answer that has arrived, if any.
    pub fn try_recv(&mut self) -> Option<(OpId, Reply)> {
        self.line.next(None)
    }

    /// The next answer, waiting for it until `until`.
    pub fn recv_until(&mut self, until: Instant) -> Option<(OpId, Reply)> {
        self.line.next(Some(until))
    }

    /// A request is out: the loop wakes soon to fetch its answer.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.line.busy()
    }

    /// How many requests are out.
    #[must_use]
    pub fn out(&self) -> usize {
        self.line.out.len()
    }

    /// Sends one step of the search index's housekeeping, unless one is still out or a request
    /// is (housekeeping never queues ahead of the officer's work). Whether it was sent.
    pub fn tidy(&mut self) -> bool {
        !self.line.tidying && !self.busy() && self.line.tidy(Job::Tidy)
    }

    /// Sends one batch of the reduction of visitors' numbers entered before `cutoff` instead,
    /// on the same terms as [`Worker::tidy`]. Whether it was sent; what it did comes back
    /// through [`Worker::take_reduced`].
    pub fn reduce(&mut self, cutoff: NaiveDateTime, now: NaiveDateTime) -> bool {
        !self.line.tidying && !self.busy() && self.line.tidy(Job::Reduce(cutoff, now))
    }

    /// What the last batch of the reduction did, once it is over (taken once).
    /// (It is read off the channel with the replies, by [`Worker::try_recv`].)
    pub fn take_reduced(&mut self) -> Option<Result<(usize, bool), String>> {
        self.line.reduced.take()
    }

    /// A housekeeping step is out.
    #[must_use]
    pub fn tidying(&self) -> bool {
        self.line.tidying
    }

    /// Closes the channel: the thread finishes what it was sent, then ends. Whether it ended
    /// before `until` (what it was doing then may still be under way).
    pub fn close(&mut self, until: Instant) -> bool {
        self.line.to = None;
        matches!(
            self.ended.recv_timeout(until.saturating_duration_since(Instant::now())),
            Err(RecvTimeoutError::Disconnected)
        )
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
    /// Starts the thread; it opens `db` itself. `None` when the system refuses a thread.
    #[must_use]
    pub fn start(db: &Path) -> Option<Self> {
        let (to, jobs) = channel::<Job>();
        let (replies, from) = channel();
        let newest = Arc::new(AtomicU64::new(0));
        let db = db.to_path_buf();
        let sent = Arc::clone(&newest);
        let spawned = std::thread::Builder::new().name("zhiban-reader".into()).spawn(move || {
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
            for job in jobs {
                let Job::Run(op, request, now) = job else { continue };
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
                if replies.send(Done::Reply(op, reply)).is_err() {
                    break;
                }
            }
        });
        // No thread: the queries go to the store thread instead.
        spawned.ok()?;
        Some(Self {
            line: Line::new(to, from, "后台查询线程意外退出，请重试"),
            newest,
        })
    }

    /// Whether `request` is a query the reader answers: searches, visitor lookups and the 统计.
    #[must_use]
    pub fn takes(request: &Request) -> bool {
        matches!(
            request,
            Request::Search { .. } | Request::LookupVisitors(_) | Request::LookupAllVisitors(_) | Request::Stats(_)
        )
    }

    /// Sends `request`, which replaces every query sent before it; `Err` gives it back when the
    /// thread is gone (run it here then).
    pub fn send(&mut self, op: OpId, request: Request, now: NaiveDateTime) -> Result<(), Request> {
        self.newest.store(op.0, Ordering::Relaxed);
        self.line.send(op, request, now)
    }

    /// An answer that has arrived, if any.
    pub fn try_recv(&mut self) -> Option<(OpId, Reply)> {
        self.line.next(None)
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
        let mut w = Worker::start(store).unwrap_or_else(|_| panic!("no store thread"));
        let check = |pin: &str| Request::CheckPin {
            name: "张三".into(),
            pin: pin.into(),
            place: PinPlace::SignIn,
        };
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
        // Both attempts are in the file, seen by another connection.
        let other = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let attempts = other.pin_attempts("张三").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(attempts.iter().map(|a| a.2).collect::<Vec<_>>(), [false, true]);
        // Closed, the thread ends once it has nothing left.
        let soon = std::time::Instant::now() + std::time::Duration::from_secs(60);
        assert!(w.close(soon), "the store thread ends when closed");
        assert!(
            w.send(OpId(9), Request::LoadEvents, t()).is_err(),
            "a closed worker gives a request back"
        );
    }

    #[test]
    fn housekeeping_waits_for_the_officers_work_and_never_queues_twice() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut w = Worker::start(store).unwrap_or_else(|_| panic!("no store thread"));
        assert!(w.send(OpId(1), Request::LoadEvents, t()).is_ok());
        assert!(!w.tidy(), "not while a request is out");
        assert!(matches!(answer(&mut w), (OpId(1), Reply::Events(..))));
        assert!(w.tidy(), "idle: a step goes out");
        assert!(!w.tidy(), "never a second while one is out");
        // The step's end comes back with the next answer, never as one.
        assert!(w.send(OpId(2), Request::LoadEvents, t()).is_ok());
        assert!(matches!(answer(&mut w), (OpId(2), Reply::Events(..))));
        assert!(
            !w.tidying(),
            "the step ended before the request sent after it was answered"
        );
        assert!(w.tidy());
    }

    #[test]
    fn a_batch_of_the_reduction_is_housekeeping_and_says_what_it_did() {
        use crate::core::visit::{VisitDraft, build_visit};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let then = t() - chrono::Duration::days(5 * 365);
        let draft = VisitDraft {
            name: "张三".into(),
            id_type: "居民身份证".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            purpose: "联系工作".into(),
            host: "办公室".into(),
            ..VisitDraft::default()
        };
        let visit = build_visit(&draft, "李四", then, then.date()).unwrap_or_else(|e| panic!("{e:?}"));
        let id = store.add_visit(&visit).unwrap_or_else(|e| panic!("{e}"));
        let mut w = Worker::start(store).unwrap_or_else(|_| panic!("no store thread"));
        let cutoff = crate::core::retention::cutoff(t(), 3);
        assert!(w.reduce(cutoff, t()), "idle: a batch goes out");
        assert!(
            !w.tidy() && !w.reduce(cutoff, t()),
            "never a second step while one is out"
        );
        assert!(w.send(OpId(1), Request::LoadEvents, t()).is_ok());
        assert!(matches!(answer(&mut w), (OpId(1), Reply::Events(..))));
        assert_eq!(w.take_reduced(), Some(Ok((1, false))));
        assert_eq!(w.take_reduced(), None, "said once");
        let other = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let v = other.visit(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.fields.id_number, "1101**********002X");
    }

    #[test]
    fn the_reader_answers_every_query_and_only_the_newest_with_results() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        drop(Store::open(&path).unwrap_or_else(|e| panic!("{e}")));
        let mut r = Reader::start(&path).unwrap_or_else(|| panic!("no reader thread"));
        let search = |s: &str| Request::Search {
            input: s.into(),
            before: None,
        };
        assert!(Reader::takes(&search("河")));
        assert!(Reader::takes(&Request::LookupVisitors("zs".into())));
        assert!(
            !Reader::takes(&Request::LoadEvents),
            "writes and the rest go to the store thread"
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
