//! Issue 18 on a real SQLite file: the documents register (收文编号 counted per year, a 特急传真
//! forwarded and signed for once), records that never change, a secret item that leaves no trace
//! of its title anywhere in the database files, the derived 待签收清单 checked by a full
//! `verify`, the directory (an import replaces it, a hand-added contact joins it, a 宅电 reveal is
//! logged), and a 查岗 round of ten duty rooms summed up by name. Every time is fixed; nothing
//! here reads the wall clock.

use chrono::NaiveDateTime;
use rusqlite::Connection;
use zhiban::core::directory::NewContact;
use zhiban::core::document::{DocKind, Forwarded, NewDocument, Secrecy, Signature, Urgency};
use zhiban::core::spotcheck::{CheckCall, CheckOutcome, NewSpotCheck};
use zhiban::store::{Store, StoreError};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
}

fn open() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiban.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

/// A 特急 传真 received at `received` (recorded two minutes later), forwarded to `to`.
fn fax(received: &str, to: &[&str]) -> NewDocument {
    let received_at = at(received);
    NewDocument {
        kind: DocKind::Fax,
        secrecy: Secrecy::Open,
        number: "市防指电〔2026〕12号".into(),
        title: "关于做好强降雨防范工作的紧急通知".into(),
        from: "市防汛办".into(),
        urgency: Urgency::Immediate,
        copies: 1,
        pages: Some(3),
        received_at,
        note: String::new(),
        clerk: String::new(),
        clerk_told_at: None,
        forward_to: to.iter().map(|n| (*n).to_string()).collect(),
        recorded_by: "张三".into(),
        recorded_at: received_at + chrono::Duration::minutes(2),
    }
}

fn signature(by: &str, when: &str) -> Signature {
    Signature {
        signed_by: by.into(),
        signed_at: at(when),
        recorded_by: "张三".into(),
        recorded_at: at(when),
    }
}

/// The message of a refusal; anything else fails the test.
fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Refused(m)) => m,
        other => panic!("expected StoreError::Refused, got {other:?}"),
    }
}

fn count(raw: &Connection, table: &str) -> i64 {
    raw.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every file in `dir` (the database, its -wal and -shm), read whole.
fn files_in(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_fax_is_numbered_per_year_forwarded_and_signed_for_once() {
    let (_dir, _path, mut store) = open();
    let (first, year, serial) = store
        .add_document(&fax("2026-12-05 14:00", &["王局长"]), at("2026-12-05 14:05"))
        .unwrap();
    assert_eq!((year, serial), (2026, 1));
    let (_, year, serial) = store
        .add_document(&fax("2026-12-31 23:50", &[]), at("2026-12-31 23:55"))
        .unwrap();
    assert_eq!((year, serial), (2026, 2), "the second of 2026");
    let (third, year, serial) = store
        .add_document(&fax("2027-01-01 00:10", &[]), at("2027-01-01 00:15"))
        .unwrap();
    assert_eq!((year, serial), (2027, 1), "a new year starts again at 1");
    assert_eq!(store.document_by_serial(2027, 1).unwrap().id, third);
    assert_eq!(store.document_by_serial(2026, 1).unwrap().serial_label(), "2026年第1号");
    assert!(matches!(store.document_by_serial(2027, 2), Err(StoreError::Refused(_))));

    // The forward waits for its 签收, named by number, urgency, kind and title.
    let open = store.open_forwards().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    let f = &open[0];
    assert_eq!(f.of, Forwarded::Document(first));
    assert_eq!(f.to_whom, "王局长");
    assert_eq!(f.forwarded_at, at("2026-12-05 14:02"));
    for part in ["2026年第1号", "特急传真", "关于做好强降雨防范工作的紧急通知"] {
        assert!(f.what.contains(part), "{part} not in {}", f.what);
    }
    assert_eq!(
        f.what,
        "2026年第1号 特急传真 关于做好强降雨防范工作的紧急通知（市防指电〔2026〕12号）"
    );
    let forward_id = f.id;

    // Signed before it was handed over: refused, and still open.
    let why = refusal(store.sign_forward(
        forward_id,
        &signature("王局长", "2026-12-05 14:01"),
        at("2026-12-05 14:30"),
    ));
    assert!(why.contains("不能早于转交时间"), "{why}");
    assert_eq!(store.open_forwards().unwrap().len(), 1);
    assert!(store.document(first).unwrap().forwards[0].signature.is_none());

    // 签收 recorded; nothing is waiting any more.
    store
        .sign_forward(
            forward_id,
            &signature("王局长", "2026-12-05 14:30"),
            at("2026-12-05 14:30"),
        )
        .unwrap();
    assert!(store.open_forwards().unwrap().is_empty());
    let d = store.document(first).unwrap();
    assert_eq!(d.forwards.len(), 1);
    let sig = d.forwards[0].signature.as_ref().expect("签收 recorded");
    assert_eq!(
        (sig.signed_by.as_str(), sig.signed_at),
        ("王局长", at("2026-12-05 14:30"))
    );
    let (waiting, _) = store.documents(10).unwrap();
    assert!(waiting.is_empty(), "no document waits for a 签收");

    // A second 签收 is refused, and the first stands.
    let why = refusal(store.sign_forward(
        forward_id,
        &signature("李副局长", "2026-12-05 14:40"),
        at("2026-12-05 14:40"),
    ));
    assert!(why.contains("已签收"), "{why}");
    let sig = store.document(first).unwrap().forwards[0].signature.clone().unwrap();
    assert_eq!(sig.signed_by, "王局长");
    assert!(store.verify(true).unwrap().is_ok());
}

#[test]
fn document_forward_and_signature_rows_never_change() {
    let (_dir, path, mut store) = open();
    let (id, _, _) = store
        .add_document(
            &fax("2026-12-05 14:00", &["王局长", "李副局长"]),
            at("2026-12-05 14:05"),
        )
        .unwrap();
    let forwards = store.document(id).unwrap().forwards;
    store
        .sign_forward(
            forwards[0].id,
            &signature("王局长", "2026-12-05 14:30"),
            at("2026-12-05 14:30"),
        )
        .unwrap();

    let raw = Connection::open(&path).unwrap();
    for (sql, trigger_says, why) in [
        ("UPDATE document SET title = 'x'", "never change", "a title rewritten"),
        ("DELETE FROM document", "never deleted", "a document removed"),
        (
            "UPDATE forward SET to_whom = '别人'",
            "never change",
            "a forward redirected",
        ),
        ("DELETE FROM forward", "never deleted", "a forward removed"),
        ("DELETE FROM forward_sign", "never deleted", "a 签收 undone"),
        (
            "UPDATE forward_sign SET signed_at = '2026-12-05 14:03:00'",
            "never change",
            "a 签收 moved earlier",
        ),
    ] {
        let err = raw.execute(sql, []).expect_err(why).to_string();
        assert!(
            err.contains("zhiban:") && err.contains(trigger_says),
            "{why}: {sql}: {err}"
        );
    }
    drop(raw);

    let d = store.document(id).unwrap();
    assert_eq!(d.title, "关于做好强降雨防范工作的紧急通知");
    assert_eq!(d.forwards.len(), 2);
    assert_eq!(
        d.forwards[0].signature.as_ref().unwrap().signed_at,
        at("2026-12-05 14:30")
    );
    assert_eq!(store.open_forwards().unwrap().len(), 1, "李副局长 has not signed");
    assert!(store.verify(true).unwrap().is_ok());
}

#[test]
fn a_secret_item_keeps_no_title_anywhere_in_the_files() {
    const PLANTED: &str = "绝密标题XYZ测试";
    let (dir, path, mut store) = open();
    // Something ordinary first, so the file has pages and a WAL.
    store
        .add_document(&fax("2026-12-05 09:00", &[]), at("2026-12-05 09:05"))
        .unwrap();
    let raw = Connection::open(&path).unwrap();
    let before = count(&raw, "document");

    let mut secret = NewDocument {
        kind: DocKind::Document,
        secrecy: Secrecy::Confidential,
        number: String::new(),
        title: PLANTED.into(),
        from: "市委办".into(),
        urgency: Urgency::Urgent,
        copies: 2,
        pages: None,
        received_at: at("2026-12-05 14:00"),
        note: String::new(),
        clerk: "李机要".into(),
        clerk_told_at: Some(at("2026-12-05 14:03")),
        forward_to: Vec::new(),
        recorded_by: "张三".into(),
        recorded_at: at("2026-12-05 14:05"),
    };
    let why = refusal(store.add_document(&secret, at("2026-12-05 14:05")));
    assert!(why.contains("密件不得录入计算机"), "{why}");
    assert!(!why.contains(PLANTED), "the refusal does not repeat the title: {why}");
    assert_eq!(count(&raw, "document"), before, "nothing written");

    // Without its title (and with the 机要员 told) it is registered: only that it arrived.
    secret.title = String::new();
    let (id, year, serial) = store.add_document(&secret, at("2026-12-05 14:05")).unwrap();
    assert_eq!((year, serial), (2026, 2));
    assert_eq!(count(&raw, "document"), before + 1);
    let d = store.document(id).unwrap();
    assert_eq!((d.title.as_str(), d.number.as_str(), d.note.as_str()), ("", "", ""));
    assert_eq!(
        (d.clerk.as_str(), d.clerk_told_at),
        ("李机要", Some(at("2026-12-05 14:03")))
    );
    assert_eq!(d.headline(), "【机密件】市委办");

    // No byte of the planted title in the database, its -wal or -shm: while open and after close.
    let wal = path.with_file_name("zhiban.db-wal");
    assert!(wal.exists(), "the store writes ahead to {}", wal.display());
    let needle = PLANTED.as_bytes();
    let scanned = files_in(dir.path());
    assert!(scanned.iter().any(|(p, _)| *p == path) && scanned.iter().any(|(p, _)| *p == wal));
    for (p, bytes) in &scanned {
        assert!(!contains(bytes, needle), "{} holds the planted title", p.display());
    }
    // The scan can find what is there: the ordinary fax's title is in the files.
    assert!(
        scanned
            .iter()
            .any(|(_, b)| contains(b, "关于做好强降雨防范工作的紧急通知".as_bytes()))
    );
    drop(raw);
    drop(store);
    for (p, bytes) in files_in(dir.path()) {
        assert!(
            !contains(&bytes, needle),
            "{} holds the planted title after close",
            p.display()
        );
    }

    // No path into the table keeps a secret item's title: the CHECK refuses a raw INSERT…
    let raw = Connection::open(&path).unwrap();
    let insert = |title: &str| {
        raw.execute(
            "INSERT INTO document (year, serial, kind, secrecy, doc_number, title, from_unit, urgency, copies, \
             received_at, note, clerk, clerk_told_at, recorded_by, recorded_at) \
             VALUES (2026, 99, '收文', '机密', '', ?1, '市委办', '加急', 1, '2026-12-05 15:00:00', '', '李机要', \
             '2026-12-05 15:01:00', '张三', '2026-12-05 15:02:00')",
            [title],
        )
    };
    let err = insert("某机密文件标题")
        .expect_err("a secret item with a title")
        .to_string();
    assert!(err.contains("CHECK"), "{err}");
    // …and it is the title that it refuses: the same row without one would go in.
    raw.execute_batch("BEGIN").unwrap();
    insert("").unwrap();
    raw.execute_batch("ROLLBACK").unwrap();
    assert_eq!(count(&raw, "document"), before + 1);
}

#[test]
fn a_full_verify_finds_the_waiting_list_changed_outside_the_app() {
    let (_dir, path, mut store) = open();
    let (id, _, _) = store
        .add_document(
            &fax("2026-12-05 14:00", &["王局长", "李副局长"]),
            at("2026-12-05 14:05"),
        )
        .unwrap();
    let forwards = store.document(id).unwrap().forwards;
    let (signed, waiting) = (forwards[0].id, forwards[1].id);
    store
        .sign_forward(signed, &signature("王局长", "2026-12-05 14:30"), at("2026-12-05 14:30"))
        .unwrap();
    store
        .import_contacts(
            &[NewContact {
                name: "王局长".into(),
                office_phone: "0871-12345678".into(),
                home_phone: "0871-87654321".into(),
                ..NewContact::default()
            }],
            "通讯录.csv",
            "张三",
            at("2026-12-05 15:00"),
        )
        .unwrap();
    let wang = store.directory().unwrap().contacts[0].id;
    store.log_contact_reveal(wang, "张三", at("2026-12-05 15:01")).unwrap();
    let round = store
        .add_spotcheck(&NewSpotCheck {
            group: "各乡镇值班室".into(),
            units: vec![("城关镇值班室".into(), "0871-22223333".into())],
            started_by: "张三".into(),
            started_at: at("2026-12-05 21:00"),
        })
        .unwrap();
    let unit = store.spotcheck(round).unwrap().units[0].id;
    store
        .add_spotcheck_call(
            round,
            unit,
            &CheckCall {
                outcome: CheckOutcome::OnDuty,
                answerer: "李值班".into(),
                at: at("2026-12-05 21:01"),
                note: String::new(),
                recorded_by: "张三".into(),
            },
            at("2026-12-05 21:01"),
        )
        .unwrap();

    // Every new record row has its audit row; the derived list has none.
    let report = store.verify(true).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let raw = Connection::open(&path).unwrap();
    for table in [
        "document",
        "forward",
        "forward_sign",
        "contact_import",
        "contact",
        "contact_reveal",
        "spotcheck",
        "spotcheck_unit",
        "spotcheck_call",
    ] {
        let rows = count(&raw, table);
        assert!(rows > 0, "{table} was written");
        let audited: i64 = raw
            .query_row(
                &format!(
                    "SELECT count(*) FROM {table} t WHERE EXISTS \
                     (SELECT 1 FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = t.rowid)"
                ),
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, rows, "{table}: every row audited");
        // The audit row names who made the record.
        {
            let others: Vec<String> = raw
                .prepare("SELECT who FROM audit_log WHERE tbl = ?1 AND who <> '张三'")
                .unwrap()
                .query_map([table], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(others.is_empty(), "{table}: audited as {others:?}");
        }
    }
    let open_audited: i64 = raw
        .query_row("SELECT count(*) FROM audit_log WHERE tbl = 'forward_open'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(open_audited, 0, "forward_open is derived, not audited");

    // A row of the derived list removed outside the app (no trigger stops it): the forward
    // still waits, but nothing would remind anyone. Only the full check looks.
    raw.execute("DELETE FROM forward_open WHERE forward_id = ?1", [waiting])
        .unwrap();
    assert!(
        store.open_forwards().unwrap().is_empty(),
        "the reminder's source lost it"
    );
    let report = store.verify(true).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("待签收清单") && report.problems[0].contains("缺少 1 项"),
        "{:?}",
        report.problems
    );

    // Put back, it is clean again; a signed forward slipped into the list is found too.
    raw.execute("INSERT INTO forward_open (forward_id) VALUES (?1)", [waiting])
        .unwrap();
    assert!(store.verify(true).unwrap().is_ok());
    raw.execute("INSERT INTO forward_open (forward_id) VALUES (?1)", [signed])
        .unwrap();
    let report = store.verify(true).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("待签收清单多出 1 项"),
        "{:?}",
        report.problems
    );
}

fn contact(name: &str, office: &str, home: &str, groups: &[&str]) -> NewContact {
    NewContact {
        name: name.into(),
        unit: String::new(),
        post: String::new(),
        office_phone: office.into(),
        mobile: String::new(),
        home_phone: home.into(),
        groups: groups.iter().map(|g| (*g).to_string()).collect(),
        note: String::new(),
    }
}

#[test]
fn an_import_replaces_the_directory_a_contact_joins_it_and_reveals_are_logged() {
    let (_dir, path, mut store) = open();
    assert!(store.directory().unwrap().contacts.is_empty());
    store
        .import_contacts(
            &[
                NewContact {
                    unit: "县应急局".into(),
                    post: "局长".into(),
                    mobile: "13800000001".into(),
                    ..contact("王局长", "0871-12345678", "0871-87654321", &["县领导"])
                },
                contact("城关镇值班室", "0871-22223333", "", &["各乡镇值班室"]),
                contact("东风镇值班室", "0871-22224444", "", &["各乡镇值班室"]),
            ],
            "通讯录-旧.csv",
            "张三",
            at("2026-12-01 09:00"),
        )
        .unwrap();
    let d = store.directory().unwrap();
    let names: Vec<&str> = d.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["王局长", "城关镇值班室", "东风镇值班室"]);
    let wang = &d.contacts[0];
    assert_eq!(
        (wang.unit.as_str(), wang.post.as_str(), wang.home_phone.as_str()),
        ("县应急局", "局长", "0871-87654321")
    );
    assert_eq!(wang.groups, ["县领导"]);
    let members: Vec<&str> = d.members("各乡镇值班室").map(|c| c.name.as_str()).collect();
    assert_eq!(members, ["城关镇值班室", "东风镇值班室"]);
    assert_eq!(d.phone_of("王局长"), Some("0871-12345678"));
    assert_eq!(d.phone_of("东风镇值班室"), Some("0871-22224444"));
    let old_wang = wang.id;

    // A second import replaces the directory; the old rows stay on file.
    store
        .import_contacts(
            &[
                contact("王局长", "0871-12340000", "", &["县领导"]),
                contact("新华乡值班室", "0871-22225555", "", &["各乡镇值班室", "防汛"]),
            ],
            "通讯录-新.csv",
            "李四",
            at("2026-12-05 09:00"),
        )
        .unwrap();
    let d = store.directory().unwrap();
    let names: Vec<&str> = d.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["王局长", "新华乡值班室"]);
    assert_eq!(d.phone_of("王局长"), Some("0871-12340000"), "the new number");
    assert_eq!(d.phone_of("东风镇值班室"), None, "not in the directory in force");
    let raw = Connection::open(&path).unwrap();
    assert_eq!(count(&raw, "contact"), 5, "old rows stay");
    assert_eq!(count(&raw, "contact_import"), 2);

    // Added by hand: part of the directory in force, groups and all.
    let added = store
        .add_contact(
            &contact("红旗乡值班室", "", "", &["各乡镇值班室"]),
            "张三",
            at("2026-12-05 10:00"),
        )
        .unwrap();
    assert!(
        store
            .add_contact(&contact(" ", "", "", &[]), "张三", at("2026-12-05 10:01"))
            .is_err()
    );
    let d = store.directory().unwrap();
    assert_eq!(d.contacts.len(), 3);
    assert_eq!(d.contacts[2].id, added);
    let members: Vec<&str> = d.members("各乡镇值班室").map(|c| c.name.as_str()).collect();
    assert_eq!(members, ["新华乡值班室", "红旗乡值班室"]);
    assert_eq!(d.contacts[1].groups, ["各乡镇值班室", "防汛"]);
    assert_eq!(d.phone_of("红旗乡值班室"), None, "no number to ring");

    // Who read the old 王局长's 宅电, and when, oldest first.
    assert!(store.contact_reveals(old_wang).unwrap().is_empty());
    store
        .log_contact_reveal(old_wang, "张三", at("2026-12-05 11:00"))
        .unwrap();
    store
        .log_contact_reveal(old_wang, "李四", at("2026-12-05 11:30"))
        .unwrap();
    assert_eq!(
        store.contact_reveals(old_wang).unwrap(),
        [
            ("张三".to_string(), at("2026-12-05 11:00")),
            ("李四".to_string(), at("2026-12-05 11:30"))
        ]
    );
    assert!(store.contact_reveals(added).unwrap().is_empty());
    assert!(matches!(
        store.log_contact_reveal(999, "张三", at("2026-12-05 11:40")),
        Err(StoreError::Refused(_))
    ));
    assert!(
        raw.execute("DELETE FROM contact_reveal", []).is_err(),
        "the reveal log is never deleted"
    );
    assert!(raw.execute("UPDATE contact SET office_phone = ''", []).is_err());
    assert!(store.verify(true).unwrap().is_ok());
}

const ROOMS: [&str; 10] = [
    "城关镇值班室",
    "东风镇值班室",
    "新华乡值班室",
    "红旗乡值班室",
    "太平镇值班室",
    "长安乡值班室",
    "和平镇值班室",
    "青山乡值班室",
    "白沙镇值班室",
    "金山镇值班室",
];

fn call(outcome: CheckOutcome, answerer: &str, when: NaiveDateTime) -> CheckCall {
    CheckCall {
        outcome,
        answerer: answerer.into(),
        at: when,
        note: String::new(),
        recorded_by: "张三".into(),
    }
}

#[test]
fn a_round_of_ten_duty_rooms_is_summed_up_by_name() {
    let (_dir, path, mut store) = open();
    let round = store
        .add_spotcheck(&NewSpotCheck {
            group: "各乡镇值班室".into(),
            units: ROOMS
                .iter()
                .enumerate()
                .map(|(i, r)| ((*r).to_string(), format!("0871-2222{:04}", i + 1)))
                .collect(),
            started_by: "张三".into(),
            started_at: at("2026-12-05 21:00"),
        })
        .unwrap();
    let r = store.spotcheck(round).unwrap();
    let units: Vec<&str> = r.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ROOMS, "in calling order");
    assert_eq!(r.units[0].phone, "0871-22220001");
    assert_eq!(r.summary().sentence(), "应查 10，查通 0，未查 10");
    let unit_ids: Vec<i64> = r.units.iter().map(|u| u.id).collect();

    // Three not answered (not side by side), the other seven on duty.
    let missed = [1, 4, 8];
    for (i, unit) in unit_ids.iter().enumerate() {
        let when = at("2026-12-05 21:01") + chrono::Duration::minutes(i64::try_from(i).unwrap());
        let c = if missed.contains(&i) {
            call(CheckOutcome::NoAnswer, "", when)
        } else {
            call(CheckOutcome::OnDuty, "值班员", when)
        };
        store.add_spotcheck_call(round, *unit, &c, when).unwrap();
    }
    let r = store.spotcheck(round).unwrap();
    assert!(r.finished());
    assert_eq!(
        r.summary().sentence(),
        "应查 10，查通 7，未接 3（东风镇值班室、太平镇值班室、白沙镇值班室）"
    );
    assert_eq!(r.units[1].state_label(), "未接（21:02）");
    assert_eq!(r.units[0].state_label(), "在岗（值班员 21:01）");

    // Found for its day, not the next.
    let day = store
        .spotchecks_between(at("2026-12-05 00:00"), at("2026-12-06 00:00"))
        .unwrap();
    assert_eq!(day.iter().map(|s| s.id).collect::<Vec<_>>(), [round]);
    assert_eq!(day[0], r);
    assert!(
        store
            .spotchecks_between(at("2026-12-06 00:00"), at("2026-12-07 00:00"))
            .unwrap()
            .is_empty()
    );

    // Another round's room is not this round's; a stranger answering must be named.
    let other = store
        .add_spotcheck(&NewSpotCheck {
            group: String::new(),
            units: vec![("上级总值班室".into(), String::new())],
            started_by: "张三".into(),
            started_at: at("2026-12-06 09:00"),
        })
        .unwrap();
    let raw = Connection::open(&path).unwrap();
    let calls = count(&raw, "spotcheck_call");
    let now = at("2026-12-06 09:05");
    let why = refusal(store.add_spotcheck_call(other, unit_ids[0], &call(CheckOutcome::OnDuty, "值班员", now), now));
    assert!(why.contains("没有这个值班室"), "{why}");
    let why = refusal(store.add_spotcheck_call(round, unit_ids[1], &call(CheckOutcome::NotOnDuty, " ", now), now));
    assert!(why.contains("请写明接听人"), "{why}");
    assert_eq!(count(&raw, "spotcheck_call"), calls, "nothing written");
    assert_eq!(store.spotcheck(round).unwrap(), r, "the round unchanged");

    // Named, a second call to the same room counts as its outcome.
    store
        .add_spotcheck_call(round, unit_ids[1], &call(CheckOutcome::NotOnDuty, "门卫", now), now)
        .unwrap();
    assert_eq!(
        store.spotcheck(round).unwrap().summary().sentence(),
        "应查 10，查通 7，未接 2（太平镇值班室、白沙镇值班室），非值班人员接听 1（东风镇值班室）"
    );
    assert!(raw.execute("DELETE FROM spotcheck_call", []).is_err());
    assert!(raw.execute("UPDATE spotcheck_unit SET unit = '别处'", []).is_err());
    assert!(store.verify(true).unwrap().is_ok());
}
