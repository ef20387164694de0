//! Replies that come frames later, as they do from the store thread: requests are kept in a
//! queue, first in first out like the store thread, and answered only when the test says, with
//! keys in between. What each screen does with an answer it no longer waits for.

mod common;

use std::collections::VecDeque;

use common::now;
use zhiban::config::{DEFAULT_TOML, parse};
use zhiban::core::app::{App, Effect, Msg, OpId, Request};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::{LogField, NewEntry, RawValues, build_entry};
use zhiban::runtime::execute;
use zhiban::store::Store;
use zhiban::ui;

/// The app with a store whose answers wait until [`Late::answer_all`].
struct Late {
    app: App,
    store: Store,
    queue: VecDeque<(OpId, Request)>,
    _dir: tempfile::TempDir,
}

impl Late {
    fn new(fill: impl FnOnce(&mut Store)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("zhiban.db")).unwrap();
        fill(&mut store);
        let mut settings = parse(DEFAULT_TOML, None).unwrap().settings;
        settings.lock_minutes = 0;
        let app = App::new(settings, Some("张三".into()), now());
        let mut late = Self {
            app,
            store,
            queue: VecDeque::new(),
            _dir: dir,
        };
        late.send(Msg::Viewport(ui::list_rows(24)));
        let start = late.app.start();
        late.keep(start);
        late.answer_all();
        late
    }

    fn keep(&mut self, effects: Vec<Effect>) {
        for e in effects {
            if let Effect::Request(op, r) = e {
                self.queue.push_back((op, r));
            }
        }
    }

    fn send(&mut self, msg: Msg) {
        let effects = self.app.update(msg, now());
        self.keep(effects);
    }

    fn key(&mut self, k: Key) {
        self.send(Msg::Key(k));
    }

    /// The store answers the first request still waiting.
    fn answer_one(&mut self) {
        let (op, request) = self.queue.pop_front().unwrap();
        let reply = execute(&mut self.store, request, now());
        self.send(Msg::Reply(op, reply));
    }

    /// The store answers everything asked, in order, and what the answers ask in turn.
    fn answer_all(&mut self) {
        while !self.queue.is_empty() {
            self.answer_one();
        }
    }
}

fn call(content: &str) -> NewEntry {
    let raw: RawValues = [
        (LogField::Kind, "来电"),
        (LogField::Unit, "城关镇"),
        (LogField::Person, "王科长"),
        (LogField::Content, content),
    ]
    .iter()
    .map(|(f, v)| (*f, (*v).to_string()))
    .collect();
    build_entry(&raw, "李四", now()).unwrap()
}

#[test]
fn a_page_asked_for_before_a_jump_to_the_top_never_lands_on_the_new_window() {
    let mut late = Late::new(|store| {
        for i in 0..300 {
            store.insert_entry(&call(&format!("第{i}条"))).unwrap();
        }
    });
    let list = &late.app.screens.log.list;
    assert!(list.loaded && list.more_older);
    let first_page = list.rows.len();
    // Down to the end of the first page: the next older page is asked for.
    for _ in 0..first_page {
        late.key(Key::plain(KeyCode::Down));
    }
    assert!(late.app.screens.log.list.loading, "an older page is out");
    // Home before it comes: the newest page is asked for.
    late.key(Key::plain(KeyCode::Home));
    // The older page comes first (the store keeps the order), and the officer goes on down
    // before the newest comes: no page may be asked for from a window already left.
    late.answer_one();
    for _ in 0..first_page {
        late.key(Key::plain(KeyCode::Down));
    }
    late.answer_all();
    let list = &late.app.screens.log.list;
    assert_eq!(list.selected, 0);
    let ids: Vec<i64> = list.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids.first(), Some(&300), "the newest entry heads the list");
    assert!(
        ids.windows(2).all(|w| w[0] == w[1] + 1),
        "one run of entries, none missing, none twice: {ids:?}"
    );
}

#[test]
fn a_second_crowd_event_cannot_be_raised_while_the_first_is_being_saved() {
    let mut late = Late::new(|_| {});
    late.key(Key::ch('2'));
    late.answer_all();
    late.key(Key::ch('!'));
    assert!(late.app.confirm.is_some(), "asked first");
    late.key(Key::ch('y'));
    assert!(
        late.queue.iter().any(|(_, r)| matches!(r, Request::CreateEvent(..))),
        "the event is on its way"
    );
    // The store is slow: the officer presses ! again.
    late.key(Key::ch('!'));
    assert!(late.app.confirm.is_none(), "no second question");
    assert!(
        late.app
            .message
            .as_ref()
            .is_some_and(|m| m.text.contains("正在报紧急事件，请稍候")),
        "{:?}",
        late.app.message
    );
    late.answer_all();
    assert_eq!(late.store.open_events().unwrap().len(), 1);
}

#[test]
fn an_ended_event_read_for_an_earlier_filter_does_not_show_under_only_open() {
    let mut late = Late::new(|_| {});
    late.key(Key::ch('3'));
    late.answer_all();
    // A new event (a level chosen, a summary), then ended.
    late.key(Key::ch('n'));
    // The form opens on 等级: → chooses one; the summary is five fields on.
    late.key(Key::plain(KeyCode::Right));
    for _ in 0..5 {
        late.key(Key::plain(KeyCode::Tab));
    }
    for c in "山体滑坡".chars() {
        late.key(Key::ch(c));
    }
    late.key(Key::ctrl('s'));
    late.answer_all();
    assert!(late.app.screens.urgent.form.is_none(), "{:?}", late.app.message);
    // Acknowledged, resolved, ended: each asked first where it asks.
    late.key(Key::plain(KeyCode::F(2)));
    late.answer_all();
    for k in ['r', 'y', 'c', 'y'] {
        late.key(Key::ch(k));
        late.answer_all();
    }
    assert_eq!(
        late.app.screens.urgent.history.len(),
        1,
        "ended: listed below the open ones: {:?} {:?}",
        late.app.message,
        late.store.open_events().unwrap().len()
    );
    // f three times to 只看未结束 before any history comes.
    for _ in 0..3 {
        late.key(Key::ch('f'));
    }
    late.answer_all();
    let urgent = &late.app.screens.urgent;
    assert_eq!(urgent.filter.label(), "只看未结束");
    assert!(
        urgent.listed(&late.app.shared).is_empty(),
        "the histories read for 近一年 and 只看已结束 came after f moved on"
    );
}
