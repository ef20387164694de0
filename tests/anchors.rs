//! Paper anchors (issue 14, part 2). The audit chain is unkeyed SHA-256 from a public constant:
//! whoever has the file can edit a record, drop the triggers and recompute every later hash, and
//! `verify` alone passes. The head printed on paper (every signed handover, every daily report,
//! `zhiban audit head`) is what catches it. The attacks tried: a forged chain with and without an
//! anchor, and a deleted tail (the newest handover with its items and audit rows).

mod cli_common;

use std::fmt::Write as _;

use cli_common::{Sandbox, stdout, success};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use zhiban::core::anchor::Anchor;
use zhiban::core::handover::{Check, build_draft};
use zhiban::store::Store;

fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn log_call(sb: &Sandbox, content: &str) {
    success(&sb.run(&["log", "add", "--kind", "来电", "--unit", "城关镇", "--content", content]));
}

fn sign(store: &mut Store, now: &str) -> i64 {
    let now = at(now);
    let state = store.open_state(now).unwrap();
    let mut d = build_draft(&state, "张三", "李四", at("2026-11-23 08:30"), now);
    d.summary = "当班平稳".into();
    for item in &mut d.items {
        item.check = Check::Confirmed;
    }
    store.sign_handover(&d, &[], now).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The attacker's script: drop the guards, edit the entry, recompute its digest and every later
/// hash exactly as the app does, put the guards back.
fn forge(path: &std::path::Path, entry: i64, content: &str) {
    let conn = Connection::open(path).unwrap();
    let triggers: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\"")).unwrap();
    }
    conn.execute(
        "UPDATE log_entry SET content = ?1 WHERE id = ?2",
        rusqlite::params![content, entry],
    )
    .unwrap();
    // The entry's digest as the app computes it.
    let mut stmt = conn.prepare("SELECT * FROM log_entry WHERE id = ?1").unwrap();
    let names: Vec<String> = stmt.column_names().iter().map(|s| (*s).to_string()).collect();
    let digest: Vec<u8> = stmt
        .query_row([entry], |r| {
            let mut buf = Vec::new();
            for (i, name) in names.iter().enumerate() {
                buf.extend_from_slice(name.as_bytes());
                buf.push(b'=');
                match r.get_ref(i)? {
                    ValueRef::Null => buf.extend_from_slice(b"\0N"),
                    ValueRef::Integer(n) => buf.extend_from_slice(format!("i:{n}").as_bytes()),
                    ValueRef::Real(x) => buf.extend_from_slice(format!("r:{x}").as_bytes()),
                    ValueRef::Text(t) => {
                        buf.extend_from_slice(b"t:");
                        buf.extend_from_slice(t);
                    }
                    ValueRef::Blob(b) => {
                        buf.extend_from_slice(b"b:");
                        buf.extend_from_slice(b);
                    }
                }
                buf.push(0x1f);
            }
            Ok(Sha256::digest(&buf).to_vec())
        })
        .unwrap();
    drop(stmt);
    conn.execute(
        "UPDATE audit_log SET digest = ?1 WHERE id = (SELECT max(id) FROM audit_log WHERE tbl = 'log_entry' AND row_id = ?2)",
        rusqlite::params![digest, entry],
    )
    .unwrap();
    // Every hash again, from the genesis constant.
    type AuditRow = (i64, String, String, String, String, i64, Option<Vec<u8>>);
    let rows: Vec<AuditRow> = conn
        .prepare("SELECT id, at, who, action, tbl, row_id, digest FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = "zhiban-audit-v1".to_string();
    for (id, at, who, action, tbl, row_id, digest) in rows {
        let digest_text = digest.map_or_else(|| "deleted".to_string(), |d| hex(&d));
        let mut buf = prev.clone().into_bytes();
        buf.extend_from_slice(format!("\x1f{id}\x1f{at}\x1f{who}\x1f{action}\x1f{tbl}\x1f{row_id}\x1f").as_bytes());
        buf.extend_from_slice(digest_text.as_bytes());
        buf.push(0x1f);
        let hash = Sha256::digest(&buf).to_vec();
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE id = ?2",
            rusqlite::params![hash, id],
        )
        .unwrap();
        prev = hex(&hash);
    }
    for (_, sql) in &triggers {
        conn.execute_batch(sql).unwrap();
    }
}

#[test]
fn a_forged_chain_passes_verify_alone_and_fails_against_the_handovers_paper_anchor() {
    let sb = Sandbox::new();
    log_call(&sb, "城关镇报告河水上涨");
    let mut store = Store::open(&sb.db()).unwrap();
    let head_before = store.audit_head().unwrap().unwrap();
    let id = sign(&mut store, "2026-11-23 16:30");
    // The seal is the head as it stood just before the signing transaction.
    let h = store.handover(id).unwrap();
    assert_eq!(h.seal.as_ref(), Some(&head_before));
    // Printed on the paper form and by `audit head`.
    let printed = stdout(&sb.run(&["handover", "print", &id.to_string()]));
    assert!(
        printed.contains(&format!("审计链：{}", head_before.text())),
        "{printed}"
    );
    let head = success(&sb.run(&["audit", "head"]));
    assert!(head.contains("审计链：第 "), "{head}");
    let anchor = head_before.argument();
    assert!(success(&sb.run(&["verify", "--anchor", &anchor])).contains("相符"));
    drop(store);

    forge(&sb.db(), 1, "一切正常");
    let conn = Connection::open(sb.db()).unwrap();
    let content: String = conn
        .query_row("SELECT content FROM log_entry WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(content, "一切正常", "the forgery took");
    // Without an anchor the forgery is invisible…
    assert!(success(&sb.run(&["verify"])).contains("完整性检查通过"));
    // …with the paper anchor it is not.
    let out = sb.run(&["verify", "--anchor", &anchor]);
    let said = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("锚点 {} 不符", head_before.text())), "{said}");
    assert!(said.contains("被改写过"), "{said}");
}

#[test]
fn a_deleted_tail_is_named_by_a_later_anchor() {
    let sb = Sandbox::new();
    log_call(&sb, "第一件");
    let mut store = Store::open(&sb.db()).unwrap();
    let id = sign(&mut store, "2026-11-23 16:30");
    let after_signing = store.audit_head().unwrap().unwrap();
    drop(store);
    // The newest handover, its items, its seal and every audit row from it on, gone.
    let conn = Connection::open(sb.db()).unwrap();
    let first_of_tail: i64 = conn
        .query_row(
            "SELECT min(id) FROM audit_log WHERE tbl = 'handover' AND row_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(
        "DROP TRIGGER handover_no_delete; DROP TRIGGER handover_item_no_delete; DROP TRIGGER handover_seal_never_deleted; DROP TRIGGER audit_no_delete;",
    )
    .unwrap();
    conn.execute("DELETE FROM handover_item WHERE handover_id = ?1", [id])
        .unwrap();
    conn.execute("DELETE FROM handover_seal WHERE handover_id = ?1", [id])
        .unwrap();
    conn.execute("DELETE FROM handover WHERE id = ?1", [id]).unwrap();
    conn.execute("DELETE FROM audit_log WHERE id >= ?1", [first_of_tail])
        .unwrap();
    let migrations = zhiban::store::MIGRATIONS.join("\n");
    for name in [
        "handover_no_delete",
        "handover_item_no_delete",
        "handover_seal_never_deleted",
        "audit_no_delete",
    ] {
        let (_, from) = migrations.split_once(&format!("CREATE TRIGGER {name} ")).unwrap();
        let (body, _) = from.split_once("END;").unwrap();
        conn.execute_batch(&format!("CREATE TRIGGER {name} {body}END;"))
            .unwrap();
    }
    drop(conn);
    assert!(
        success(&sb.run(&["verify"])).contains("完整性检查通过"),
        "the tail's deletion alone is invisible"
    );
    let out = sb.run(&["verify", "--anchor", &after_signing.argument()]);
    let said = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("第 {} 条审计记录已不存在", after_signing.row)),
        "{said}"
    );
    assert!(said.contains("被删除了"), "{said}");
    // An anchor that is not one is refused with how to write it.
    let out = sb.run(&["verify", "--anchor", "12"]);
    assert!(
        cli_common::stderr(&out).contains("格式不对"),
        "{}",
        cli_common::stderr(&out)
    );
    let _ = Anchor::parse("1:0000000000000000").unwrap();
}

#[test]
fn from_the_command_line_a_refused_write_names_the_row_and_only_an_approver_acknowledges() {
    let sb = Sandbox::new();
    let id = success(&sb.run(&[
        "event",
        "add",
        "--category",
        "自然灾害",
        "--level",
        "重大",
        "--occurred",
        "2001-02-03 04:05",
        "--summary",
        "山体滑坡",
    ]))
    .trim()
    .to_string();
    // 王五, the duty leader, enrolled while enrolment was open: a confirmed approver.
    let mut store = Store::open(&sb.db()).unwrap();
    store
        .enrol_pin(
            "王五",
            &zhiban::pin::hash("135790").unwrap(),
            zhiban::core::sign_in::OPEN_ENROLMENT,
            Some("带班领导"),
            false,
            at("2026-11-20 09:00"),
        )
        .unwrap();
    drop(store);
    Connection::open(sb.db())
        .unwrap()
        .execute("UPDATE urgent_event SET summary = '演练' WHERE id = ?1", [&id])
        .unwrap();
    let out = sb.run_with_stdin(&["event", "ack", &id, "--operator", "王五"], "135790\n");
    let err = cli_common::stderr(&out);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        err.contains("urgent_event 第") && err.contains("这次写入已拒绝"),
        "{err}"
    );
    let out = sb.run(&["verify"]);
    let said = stdout(&out);
    assert!(said.contains("第 1 项发现：urgent_event"), "{said}");
    // An officer cannot wave it through; the leader can, with his PIN.
    let out = sb.run_with_stdin(&["audit", "ack", "1", "--operator", "张三"], "246813\n");
    assert_eq!(out.status.code(), Some(2), "{}", cli_common::stderr(&out));
    let out = sb.run_with_stdin(&["audit", "ack", "1", "--operator", "王五"], "111111\n");
    assert_ne!(out.status.code(), Some(0), "a wrong PIN acknowledges nothing");
    let said = success(&sb.run_with_stdin(&["audit", "ack", "1", "--operator", "王五"], "135790\n"));
    assert!(said.contains("已确认第 1 项发现"), "{said}");
    let said = success(&sb.run(&["verify"]));
    assert!(
        said.contains("已由 王五 于") && said.contains("完整性检查通过"),
        "{said}"
    );
    // The acknowledged row takes writes again.
    success(&sb.run_with_stdin(&["event", "ack", &id, "--operator", "王五"], "135790\n"));
}
