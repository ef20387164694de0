//! The instruction cycle on a real SQLite file (issue 17): an entry carried through 请示 (not
//! reached, then reached) → 批示 by a leader who is not in the config → two 交办 with deadlines →
//! one overdue (read with a fixed clock) → 反馈 → 办结; a notice to five recipients through 未接通
//! and 已通知 to done; and what someone with the file cannot do to those records. Every time is
//! fixed; nothing here reads the wall clock.

use chrono::NaiveDateTime;
use rusqlite::Connection;
use zhiban::core::document::DocumentSettings;
use zhiban::core::instruction::{
    CallOutcome, Closing, Feedback, InstructionSettings, ItemRef, LeaderRequest, NewPhoneNotice, NewTask, NoticeCall,
    RecipientState, ReminderKey, TaskAlert, Via, board_line, due_reminders,
};
use zhiban::core::log::{
    AmendRequest, EntryKind, Instruction, InstructionRequest, LogField, NewEntry, PageRequest, Status, Triage,
};
use zhiban::core::log_screen::Anchor;
use zhiban::store::{Store, StoreError};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
}

fn entry(triage: Triage, abroad: bool) -> NewEntry {
    let t = at("2026-12-05 14:00");
    NewEntry {
        abroad,
        withheld: None,
        kind: EntryKind::IncomingCall,
        category: "防汛抗旱".into(),
        occurred_at: t,
        unit: "县水利局".into(),
        person: "李站长".into(),
        phone: "13812345678".into(),
        receiver: "张三".into(),
        content: "河堤出现管涌，请求县里派员支援。".into(),
        reported_elsewhere: String::new(),
        read_back: None,
        forwarded_to: String::new(),
        forwarded_at: None,
        triage,
        status: Status::Pending,
        proposal: String::new(),
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

fn feedback(text: &str, when: &str, closes: bool) -> Feedback {
    Feedback {
        text: text.into(),
        given_by: "刘科长".into(),
        at: at(when),
        closes,
        recorded_by: "李四".into(),
        recorded_at: at(when),
    }
}

fn open() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

#[test]
fn an_entry_goes_from_request_to_instruction_to_tasks_to_feedback_and_closes() {
    let (_dir, path, mut store) = open();
    let s = InstructionSettings::default();
    let (id, _) = store.insert_entry(&entry(Triage::AskLeader, false)).unwrap();

    // 未请示: the list row and the reminders' source both say so.
    let page = store
        .page(&PageRequest {
            anchor: Anchor::Newest,
            limit: 10,
            select: None,
        })
        .unwrap();
    assert_eq!(page[0].ask_mark(), Some("未请示"));
    assert_eq!(store.open_asks().unwrap().len(), 1);

    // 请示: not reached at 14:05; reminded to try again at 14:35, not before.
    store
        .add_leader_request(id, &attempt("王五", "2026-12-05 14:05", false))
        .unwrap();
    let f = store.follow_ups().unwrap();
    assert!(due_reminders(&f, &s, &DocumentSettings::default(), at("2026-12-05 14:30")).is_empty());
    let due = due_reminders(&f, &s, &DocumentSettings::default(), at("2026-12-05 14:35"));
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].0, ReminderKey::AskRetry(id, at("2026-12-05 14:35")));
    let page = store
        .page(&PageRequest {
            anchor: Anchor::Newest,
            limit: 10,
            select: None,
        })
        .unwrap();
    assert_eq!(page[0].ask_mark(), Some("未联系上"));

    // Reached at 14:40: nothing more to ask.
    store
        .add_leader_request(id, &attempt("王五", "2026-12-05 14:40", true))
        .unwrap();
    assert!(store.open_asks().unwrap().is_empty());

    // 批示 by a leader who is not in the config, verbatim, by phone.
    store
        .add_instruction(&InstructionRequest {
            entry_id: id,
            instruction: Instruction {
                id: None,
                via: Some(Via::Phone),
                leader: "副县长 李某".into(),
                text: "请县应急局、城关镇立即派员到场，17时前反馈。".into(),
                given_at: at("2026-12-05 14:50"),
                recorded_by: "张三".into(),
                recorded_at: at("2026-12-05 14:52"),
            },
        })
        .unwrap();
    let e = store.entry(id).unwrap();
    let ins = e.instructions.last().unwrap();
    assert_eq!((ins.leader.as_str(), ins.via), ("副县长 李某", Some(Via::Phone)));
    let ins_id = ins.id.expect("a 批示 recorded now has its number");

    // Two 交办 from it, with different deadlines.
    let ids = store
        .add_tasks(&NewTask {
            item: ItemRef::Entry(id),
            instruction_id: Some(ins_id),
            assignees: vec!["县应急局".into()],
            requirement: "到场核实险情".into(),
            due: at("2026-12-05 17:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:55"),
        })
        .unwrap();
    let first = ids[0];
    let second = store
        .add_tasks(&NewTask {
            item: ItemRef::Entry(id),
            instruction_id: Some(ins_id),
            assignees: vec!["城关镇".into()],
            requirement: "组织群众转移".into(),
            due: at("2026-12-05 20:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:56"),
        })
        .unwrap()[0];

    // At 17:30 the first is overdue, the second quiet; 督办 lists both by deadline.
    let now = at("2026-12-05 17:30");
    let open = store.open_tasks().unwrap();
    assert_eq!(open.iter().map(|t| t.id).collect::<Vec<_>>(), [first, second]);
    assert_eq!(open[0].alert(now, s.task_warn_before), TaskAlert::Overdue);
    assert_eq!(open[1].alert(now, s.task_warn_before), TaskAlert::Quiet);
    assert!(open[0].about.contains("县水利局"), "{}", open[0].about);
    let f = store.follow_ups().unwrap();
    let (whole, _, overdue) = board_line(&f, &s, &DocumentSettings::default(), now).unwrap();
    assert!(overdue);
    assert_eq!(whole, "督办：交办超期 1");
    assert!(
        due_reminders(&f, &s, &DocumentSettings::default(), now)
            .iter()
            .any(|(k, text)| *k == ReminderKey::TaskOverdue(first) && text.contains("县应急局")),
    );

    // 反馈: a progress report on the first, then both finished.
    store
        .add_feedback(first, &feedback("已到场，险情可控", "2026-12-05 17:40", false))
        .unwrap();
    assert_eq!(
        store.open_tasks().unwrap().len(),
        2,
        "a 反馈 that does not close leaves it open"
    );
    store
        .add_feedback(first, &feedback("管涌已封堵", "2026-12-05 18:30", true))
        .unwrap();
    store
        .add_feedback(second, &feedback("群众 32 人已转移", "2026-12-05 19:10", true))
        .unwrap();
    assert!(store.open_tasks().unwrap().is_empty());
    assert!(matches!(
        store.add_feedback(first, &feedback("再补充", "2026-12-05 19:20", false)),
        Err(StoreError::Refused(m)) if m.contains("办结")
    ));

    // 办结: with the result and how it left the office's hands.
    let close = AmendRequest {
        entry_id: id,
        changes: vec![
            (LogField::Status, Status::Done.label().into()),
            (LogField::Result, "险情排除，群众已转移".into()),
            (LogField::ClosedAt, "2026-12-05 19:30".into()),
        ],
        reason: "办理进展".into(),
        amended_by: "李四".into(),
        amended_at: at("2026-12-05 19:30"),
    };
    store.close_entry(&close, &Closing::Done).unwrap();
    let e = store.entry(id).unwrap();
    assert_eq!(e.fields.status, Status::Done);
    assert_eq!(e.closings.len(), 1);
    assert_eq!(e.closings[0].describe(), "办结");
    assert_eq!(e.tasks.len(), 2);
    assert!(e.tasks.iter().all(|t| t.done_at().is_some()));
    assert!(
        board_line(&store.follow_ups().unwrap(), &s, &DocumentSettings::default(), now).is_none(),
        "nothing left open"
    );

    // Everything committed and audited: a second connection reads the same, verify is clean.
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.entry(id).unwrap(), e);
    let report = again.verify(true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn closing_as_a_request_needs_a_leader_reached_and_a_transfer_needs_a_recipient() {
    let (_dir, _path, mut store) = open();
    let (id, _) = store.insert_entry(&entry(Triage::AskLeader, false)).unwrap();
    let close = |by: &str| AmendRequest {
        entry_id: id,
        changes: vec![
            (LogField::Status, Status::Done.label().into()),
            (LogField::Result, "已交领导".into()),
        ],
        reason: "办理进展".into(),
        amended_by: by.into(),
        amended_at: at("2026-12-05 15:00"),
    };
    store
        .add_leader_request(id, &attempt("王五", "2026-12-05 14:05", false))
        .unwrap();
    let refused = store.close_entry(&close("张三"), &Closing::Asked).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.contains("联系上")),
        "{refused}"
    );
    assert_eq!(
        store.entry(id).unwrap().fields.status,
        Status::Pending,
        "nothing written"
    );
    assert!(
        store
            .close_entry(&close("张三"), &Closing::Transferred { to: " ".into() })
            .is_err()
    );
    store
        .close_entry(
            &close("张三"),
            &Closing::Transferred {
                to: "县信访局".into()
            },
        )
        .unwrap();
    let e = store.entry(id).unwrap();
    assert_eq!(e.closings[0].describe(), "移送：县信访局");
    assert_eq!(e.amendments.len(), 2, "the progress amendments written with it");
}

#[test]
fn an_entry_from_abroad_is_always_a_request_whatever_its_triage() {
    let (_dir, _path, mut store) = open();
    let (id, _) = store.insert_entry(&entry(Triage::Routine, true)).unwrap();
    assert!(store.entry(id).unwrap().fields.abroad);
    let page = store
        .page(&PageRequest {
            anchor: Anchor::Newest,
            limit: 10,
            select: None,
        })
        .unwrap();
    assert!(page[0].abroad);
    assert_eq!(page[0].ask_mark(), Some("未请示"), "境外 even when triaged 一般");
    let asks = store.open_asks().unwrap();
    assert_eq!((asks.len(), asks[0].abroad), (1, true));
    // An ordinary entry needs none.
    let (plain, _) = store.insert_entry(&entry(Triage::Routine, false)).unwrap();
    assert!(!store.entry(plain).unwrap().fields.abroad);
    assert_eq!(store.open_asks().unwrap().len(), 1);
}

#[test]
fn a_notice_to_five_recipients_is_done_when_every_one_is_reached() {
    let (_dir, path, mut store) = open();
    let names = [
        "城关镇值班室",
        "东风镇值班室",
        "新华乡值班室",
        "红旗乡值班室",
        "河口镇值班室",
    ];
    let id = store
        .add_notice(&NewPhoneNotice {
            content: "明日 9 时在县政府三楼会议室召开防汛调度会，请各乡镇分管领导参加。".into(),
            meeting_at: Some(at("2026-12-06 09:00")),
            place: "县政府三楼会议室".into(),
            reply_needed: true,
            recipients: names.iter().map(|s| (*s).to_string()).collect(),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 15:00"),
        })
        .unwrap();
    let call = |outcome, taker: &str, when: &str| NoticeCall {
        outcome,
        taker: taker.into(),
        read_back: outcome == CallOutcome::Reached,
        at: at(when),
        recorded_by: "张三".into(),
    };
    let n = store.notice(id).unwrap();
    let rid: Vec<i64> = n.recipients.iter().map(|r| r.id).collect();
    assert_eq!(n.recipients.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), names);

    // Two do not answer, three are reached.
    assert!(
        !store
            .add_notice_call(id, rid[0], &call(CallOutcome::NotReached, "", "2026-12-05 15:02"))
            .unwrap()
    );
    assert!(
        !store
            .add_notice_call(id, rid[1], &call(CallOutcome::Reached, "王干事", "2026-12-05 15:03"))
            .unwrap()
    );
    assert!(
        !store
            .add_notice_call(id, rid[2], &call(CallOutcome::NotReached, "", "2026-12-05 15:04"))
            .unwrap()
    );
    assert!(
        !store
            .add_notice_call(id, rid[3], &call(CallOutcome::Reached, "赵干事", "2026-12-05 15:05"))
            .unwrap()
    );
    assert!(
        !store
            .add_notice_call(id, rid[4], &call(CallOutcome::Reached, "钱干事", "2026-12-05 15:06"))
            .unwrap()
    );
    let s = InstructionSettings::default();
    let f = store.follow_ups().unwrap();
    assert_eq!(
        f.notices.len(),
        1,
        "unfinished: in the handover draft and the status note"
    );
    let n = &f.notices[0];
    assert_eq!(n.progress(), (3, 5));
    assert_eq!(
        n.recipients[0].state(s.notice_retry_after),
        RecipientState::NotReached {
            retry_at: at("2026-12-05 15:17"),
            tries: 1
        }
    );
    let due = due_reminders(&f, &s, &DocumentSettings::default(), at("2026-12-05 15:20"));
    assert_eq!(due.len(), 2, "both not reached are due to be called again: {due:?}");

    // A reached recipient is not called again; a recipient of another notice is not this one's.
    assert!(
        store
            .add_notice_call(id, rid[1], &call(CallOutcome::Reached, "王干事", "2026-12-05 15:21"))
            .is_err()
    );
    assert!(
        store
            .add_notice_call(id + 1, rid[0], &call(CallOutcome::Reached, "x", "2026-12-05 15:21"))
            .is_err()
    );

    // The second round reaches both: the last call finishes the notice.
    assert!(
        !store
            .add_notice_call(id, rid[0], &call(CallOutcome::Reached, "孙干事", "2026-12-05 15:22"))
            .unwrap()
    );
    assert!(
        store
            .add_notice_call(id, rid[2], &call(CallOutcome::Reached, "周干事", "2026-12-05 15:23"))
            .unwrap()
    );
    let (open, done) = store.notices(10).unwrap();
    assert!(open.is_empty());
    assert_eq!(done.len(), 1);
    assert!(done[0].is_done());
    assert_eq!(done[0].recipients[0].calls.len(), 2, "the 未接通 stays on the record");
    drop(store);
    let report = Store::open(&path).unwrap().verify(true).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn someone_with_the_file_cannot_rewrite_the_cycle() {
    let (_dir, path, mut store) = open();
    let (id, _) = store.insert_entry(&entry(Triage::AskLeader, true)).unwrap();
    let task = store
        .add_tasks(&NewTask {
            item: ItemRef::Entry(id),
            instruction_id: None,
            assignees: vec!["县应急局".into()],
            requirement: String::new(),
            due: at("2026-12-05 17:00"),
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 14:55"),
        })
        .unwrap()[0];
    store
        .add_feedback(task, &feedback("已办", "2026-12-05 16:00", true))
        .unwrap();
    let notice = store
        .add_notice(&NewPhoneNotice {
            content: "通知".into(),
            meeting_at: None,
            place: String::new(),
            reply_needed: false,
            recipients: vec!["城关镇值班室".into()],
            recorded_by: "张三".into(),
            recorded_at: at("2026-12-05 15:00"),
        })
        .unwrap();
    let rid = store.notice(notice).unwrap().recipients[0].id;
    store
        .add_notice_call(
            notice,
            rid,
            &NoticeCall {
                outcome: CallOutcome::NotReached,
                taker: String::new(),
                read_back: false,
                at: at("2026-12-05 15:01"),
                recorded_by: "张三".into(),
            },
        )
        .unwrap();
    // A 批示 that names no 方式, or points at a record that is not there, is refused.
    let ins = |via| Instruction {
        id: None,
        via,
        leader: "县长".into(),
        text: "同意".into(),
        given_at: at("2026-12-05 15:00"),
        recorded_by: "张三".into(),
        recorded_at: at("2026-12-05 15:00"),
    };
    assert!(store.add_instruction_on(ItemRef::Entry(id), &ins(None)).is_err());
    assert!(
        store
            .add_instruction_on(ItemRef::Entry(id + 9), &ins(Some(Via::Written)))
            .is_err()
    );
    assert!(
        store
            .add_instruction_on(ItemRef::Event(1), &ins(Some(Via::Written)))
            .is_err()
    );

    let raw = Connection::open(&path).unwrap();
    for (sql, why) in [
        (
            "UPDATE task SET due = '2026-12-09 00:00:00'",
            "a deadline moved after the fact",
        ),
        ("DELETE FROM task_done", "a finished task reopened"),
        ("UPDATE task_feedback SET closes = 0", "a closing 反馈 undone"),
        (
            "UPDATE notice_call SET outcome = '已通知'",
            "a missed call turned into a reached one",
        ),
        ("DELETE FROM notice_call", "a call removed"),
        ("DELETE FROM entry_abroad", "境外 removed"),
        (
            "UPDATE notice SET content = '改过的内容'",
            "the notice's text rewritten",
        ),
    ] {
        let r = raw.execute(sql, []);
        assert!(r.is_err(), "{why}: {sql}");
    }
    let bad = raw.execute(
        "INSERT INTO entry_closing (entry_id, kind, detail, recorded_by, recorded_at) \
         VALUES (?1, '不了了之', '', '张三', '2026-12-05 16:00:00')",
        [id],
    );
    assert!(bad.is_err(), "only 办结, 说明, 请示, 移送");
    // A row slipped in outside the app is a finding of the integrity check.
    raw.execute(
        "INSERT INTO task_feedback (task_id, text, given_by, at, closes, recorded_by, recorded_at) \
         VALUES (?1, '伪造的反馈', '', '2026-12-05 16:30:00', 0, '李四', '2026-12-05 16:30:00')",
        [task],
    )
    .unwrap();
    // The open set (derived, not audited) loses the still-open notice: 督办 would not see it.
    raw.execute("DELETE FROM notice_open", []).unwrap();
    drop(raw);
    drop(store);
    let report = Store::open(&path).unwrap().verify(true).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("task_feedback") && p.contains("程序之外")),
        "{:?}",
        report.problems
    );
    assert!(
        report.problems.iter().any(|p| p.contains("督办清单缺少 1 项")),
        "{:?}",
        report.problems
    );
}
