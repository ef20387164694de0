//! The search index built in the background: after an upgrade that remade it, or a bulk import,
//! the app opens at once and a thread of its own (with its own connection) indexes the records that have no document, newest first, a small batch per
//! transaction ([`Store::rebuild_search`]). The loop hears how far it has come and the 查询 tab
//! says 索引建立中 (N%) until it is done. Quitting stops it between two batches; the next start
//! goes on from there.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::core::search_screen::IndexBuilding;
use crate::store::Store;
use crate::store::search::{REBUILD_BATCH, RebuildEnd};

/// What the thread says: where it stands (`Some`), done (`None`), or why it stopped.
pub type IndexNews = Result<Option<IndexBuilding>, String>;

/// Not at a lowered CPU priority, unlike the backup: the writer holds the write lock for each
/// batch, and a thread at nice 19 is the one a busy machine leaves waiting, lock held, while an
/// officer's save waits for it. On an idle duty-room PC the two cores share out fairly.
pub struct IndexBuilder {
    news: Receiver<IndexNews>,
    stop: Arc<AtomicBool>,
    /// The thread has said it is done (or failed): nothing more will come.
    ended: bool,
}

impl IndexBuilder {
    /// Starts the thread on `db`. It says nothing at all when the index is complete (one look at
    /// `search_rebuild`), so the screen never flashes a notice on an ordinary start.
    #[must_use]
    pub fn start(db: &Path) -> Self {
        let (send, news) = channel::<IndexNews>();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let db = db.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("zhiban-rebuild".into())
            .spawn(move || {
                let mut said_building = false;
                let ran = Store::open(&db).and_then(|mut store| {
                    store.rebuild_search(REBUILD_BATCH, &mut |p| {
                        said_building = true;
                        let building = IndexBuilding {
                            percent: p.percent(),
                            merging: p.merging,
                        };
                        // The loop is gone (the app quit): stop too.
                        send.send(Ok(Some(building))).is_ok() && !stopped.load(Ordering::Relaxed)
                    })
                });
                let _ = match ran {
                    Ok(RebuildEnd::Finished) if said_building => send.send(Ok(None)),
                    Ok(_) => Ok(()),
                    Err(e) => send.send(Err(e.to_string())),
                };
            });
        Self {
            news,
            stop,
            ended: spawned.is_err(),
        }
    }

    /// The latest news since the last call, if any (only the newest progress matters).
    pub fn latest(&mut self) -> Option<IndexNews> {
        let mut latest = None;
        while !self.ended {
            match self.news.try_recv() {
                Ok(news) => {
                    self.ended = !matches!(news, Ok(Some(_)));
                    latest = Some(news);
                }
                Err(TryRecvError::Empty) => break,
                // Gone without a word: finished with nothing to do, or it died (a panic): the
                // index stays as it is and the next start tries again.
                Err(TryRecvError::Disconnected) => self.ended = true,
            }
        }
        latest
    }

    /// Nothing more will come: done, failed, or there was nothing to do.
    #[must_use]
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Asks the thread to stop after the batch it is writing (quitting: that batch commits or
    /// rolls back whole either way).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::log::{EntryKind, NewEntry, Status, Triage};

    fn entry(content: &str) -> NewEntry {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .unwrap_or_default();
        NewEntry {
            abroad: false,
            withheld: None,
            kind: EntryKind::IncomingCall,
            category: "综合".into(),
            occurred_at: at,
            unit: "县气象局".into(),
            person: "吴洋".into(),
            phone: String::new(),
            receiver: "李四".into(),
            content: content.into(),
            reported_elsewhere: String::new(),
            read_back: None,
            forwarded_to: String::new(),
            forwarded_at: None,
            triage: Triage::Routine,
            status: Status::Pending,
            proposal: String::new(),
            result: String::new(),
            handler: String::new(),
            closed_at: None,
            recorded_by: "李四".into(),
            recorded_at: at,
        }
    }

    /// Everything the builder says until it ends (a generous deadline, not a timed sleep).
    fn all_news(builder: &mut IndexBuilder) -> Vec<IndexNews> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut said = Vec::new();
        while !builder.ended() {
            said.extend(builder.latest());
            assert!(std::time::Instant::now() < deadline, "the builder never ended");
            std::thread::yield_now();
        }
        said
    }

    #[test]
    fn a_rebuild_asked_for_is_done_in_the_background_and_said_to_be_done() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        for i in 0..30 {
            store
                .insert_entry(&entry(&format!("冰雹预警第{i}次")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // As after an upgrade that remade the index: no documents, the rebuild asked for.
        let raw = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        raw.execute_batch(
            "DELETE FROM search_uni; DELETE FROM search_doc;
             INSERT OR REPLACE INTO search_rebuild (kind, below) VALUES ('值班记录', 9223372036854775807);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let query = crate::core::search::SearchQuery::parse("冰雹").unwrap_or_else(|e| panic!("{e}"));
        let found = |s: &Store| s.search(&query, 100, None).unwrap_or_else(|e| panic!("{e}")).len();
        assert_eq!(found(&store), 0);
        let mut builder = IndexBuilder::start(&path);
        let said = all_news(&mut builder);
        assert_eq!(said.last(), Some(&Ok(None)), "it says it is done: {said:?}");
        assert!(!store.search_index_missing().unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(found(&store), 30);
    }

    #[test]
    fn a_complete_index_is_never_mentioned() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("zhiban.db");
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        store.insert_entry(&entry("冰雹预警")).unwrap_or_else(|e| panic!("{e}"));
        let mut builder = IndexBuilder::start(&path);
        assert_eq!(all_news(&mut builder), Vec::<IndexNews>::new());
    }
}
