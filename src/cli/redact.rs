//! `zhiban redact --entry N | --doc 收文编号 --field 项 --reason 原因 --operator 领导`: a field typed by
//! mistake removed, approved by a confirmed leader whose own PIN comes on standard input. Prints
//! what was rewritten, whether the write-ahead log was emptied and the backups that still hold it.

use super::{Failure, actor, bad_input, failure};
use crate::config::Config;
use crate::core::redaction::{RedactRequest, RedactSubject, document_subject, entry_subject};
use crate::store::Store;

/// What `zhiban redact` was given.
pub(super) struct RedactArgs {
    pub entry: Option<i64>,
    pub doc: Option<String>,
    pub field: String,
    pub reason: String,
    pub operator: String,
}

pub(super) fn run(args: RedactArgs, config: &Config, store: &mut Store) -> Result<(), Failure> {
    let now = crate::runtime::now();
    let subject: Option<RedactSubject> = match (args.entry, &args.doc) {
        (Some(id), None) => {
            let entry = store.entry(id).map_err(|e| failure(e.to_string()))?;
            entry_subject(&entry)
        }
        (None, Some(doc)) => document_subject(&super::doc::find_doc(store, doc, now)?),
        _ => {
            return Err(bad_input(
                "请用 --entry 记录编号 或 --doc 收文编号 指定一条（只写一个）",
            ));
        }
    };
    let Some(subject) = subject else {
        return Err(bad_input("这条没有可删除的文字内容"));
    };
    let wanted = args.field.trim();
    let Some((column, label, _)) = subject
        .fields
        .iter()
        .find(|(c, l, _)| c == wanted || l == wanted)
        .cloned()
    else {
        let names: Vec<&str> = subject.fields.iter().map(|(_, l, _)| l.as_str()).collect();
        return Err(bad_input(format!(
            "--field：“{wanted}”不是{}可删除的一项；可删除的有：{}",
            subject.heading,
            names.join("、")
        )));
    };
    let person = config
        .settings
        .person(&args.operator)
        .filter(|p| p.role.is_leader())
        .ok_or_else(|| {
            bad_input(format!(
                "--operator：“{}”不是配置中的领导（带班/值班领导、办公室主任、分管副主任）：删除误录内容须由领导批准，没有删除",
                args.operator
            ))
        })?;
    let role = person.role.label().to_string();
    let by = actor(Some(&args.operator), config, store)?;
    let request = RedactRequest {
        record: subject.record,
        field: column,
        reason: args.reason,
        approved_by: by.clone(),
        approver_role: role,
        by,
        now,
    };
    let mut done = store.redact(&request).map_err(|e| failure(e.to_string()))?;
    let dir = config.settings.backup.dir_for(store.path());
    done.backups_before = crate::store::backup::list(&dir)
        .into_iter()
        .filter(|(taken, _)| *taken <= now)
        .map(|(_, path)| path.display().to_string())
        .collect();
    for line in done.lines(&format!("{}的{label}", subject.heading)) {
        println!("{line}");
    }
    Ok(())
}
