//! 请示 attempts on a real SQLite file (issue 17, item 1): recorded, read back in order, what the
//! core's rules make of them, never changed or deleted, audited like every record. Every time is
//! fixed; nothing here reads the wall clock.

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use zhiban::core::instruction::{LeaderRequest, RequestState, Via, request_label, request_state};
use zhiban::core::log::{EntryKind, NewEntry, Status, Triage};
use zhiban::store::{Store, StoreError};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
}

fn asking_entry() -> NewEntry {
    let t = at("2026-12-05 14:00");
    NewEntry {
        abroad: false,
        withheld: None,
        kind: EntryKind::IncomingCall,
        category: "综合".into(),
        occurred_at: t,
        unit: "县水利局".into(),
        person: "李站长".into(),
        phone: "13812345678".into(),
        receiver: "张三".into(),
        content: "河堤出现管涌，请求县里派员支援。".into(),
        reported_elsewhere: String::new(),
        read_back: Some(true),
        forwarded_to: String::new(),
        forwarded_at: None,
        triage: Triage::AskLeader,
        status: Status::Pending,
        proposal: "拟请王县长决定是否派员".into(),
        result: String::new(),
        handler: String::new(),
        closed_at: None,
        recorded_by: "张三".into(),
        recorded_at: t,
    }
}

fn attempt(leader: &str, when: &str, reached: bool) -> LeaderRequest {
    LeaderRequest {
        leader: leader.into(),
        via: Via::Phone,
        at: at(when),
        reached,
        recorded_by: "张三".into(),
        recorded_at: at(when),
    }
}

#[test]
fn a_request_not_reached_then_reached_is_kept_in_order_and_read_by_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut store = Store::open(&path).unwrap();
    let (id, _) = store.insert_entry(&asking_entry()).unwrap();
    let retry = Duration::minutes(30);
    let state = |s: &Store| request_state(true, &s.leader_requests(id).unwrap(), retry);
    assert_eq!(state(&store), RequestState::NotYet);

    store
        .add_leader_request(id, &attempt("王县长", "2026-12-05 14:05", false))
        .unwrap();
    assert_eq!(
        state(&store),
        RequestState::NotReached {
            retry_at: at("2026-12-05 14:35")
        }
    );
    // A leader not in the config, typed with the post; in person.
    let mut reached = attempt(" 副县长 李某 ", "2026-12-05 14:40", true);
    reached.via = Via::InPerson;
    store.add_leader_request(id, &reached).unwrap();

    let all = store.leader_requests(id).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], attempt("王县长", "2026-12-05 14:05", false));
    assert_eq!(
        (all[1].leader.as_str(), all[1].via, all[1].reached),
        ("副县长 李某", Via::InPerson, true),
        "the name is kept trimmed"
    );
    assert_eq!(
        request_label(&state(&store), at("2026-12-05 15:00")),
        Some(("已请示（副县长 李某 2026-12-05 14:40）".into(), false))
    );
    // Read back by a second connection (a second terminal): committed.
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.leader_requests(id).unwrap(), all);
    let report = again.verify(true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn a_request_record_cannot_be_rewritten_or_deleted_or_attached_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let mut store = Store::open(&path).unwrap();
    let (id, _) = store.insert_entry(&asking_entry()).unwrap();
    store
        .add_leader_request(id, &attempt("王县长", "2026-12-05 14:05", false))
        .unwrap();
    assert!(matches!(
        store.add_leader_request(id + 100, &attempt("王县长", "2026-12-05 14:06", true)),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.add_leader_request(id, &attempt("  ", "2026-12-05 14:06", true)),
        Err(StoreError::Refused(_))
    ));
    // Someone with the file tries to turn "not reached" into "reached", or to remove the try.
    let raw = Connection::open(&path).unwrap();
    let rewrite = raw.execute("UPDATE leader_request SET reached = 1", []);
    assert!(rewrite.unwrap_err().to_string().contains("never changes"));
    let delete = raw.execute("DELETE FROM leader_request", []);
    assert!(delete.unwrap_err().to_string().contains("never deleted"));
    let bad_via = raw.execute(
        "INSERT INTO leader_request (entry_id, leader, via, at, reached, recorded_by, recorded_at) \
         VALUES (?1, '王县长', '微信', '2026-12-05 14:07:00', 1, '张三', '2026-12-05 14:07:00')",
        [id],
    );
    assert!(bad_via.is_err(), "only 电话, 当面, 书面, 短信");
    assert_eq!(store.leader_requests(id).unwrap().len(), 1);
}
