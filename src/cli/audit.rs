//! `zhiban audit head`: the chain's head as a paper anchor. `zhiban audit ack N --operator LEADER`:
//! an approver (their PIN on standard input) accepts the row of finding N as it now stands.
//! `zhiban verify [--anchor N:CODE]…`: the full check, and each anchor read off paper.

use std::io::Write;

use clap::Subcommand;

use super::{Failure, actor, bad_input, failure, output};
use crate::config::Config;
use crate::core::anchor::Anchor;
use crate::store::Store;
use crate::store::audit::AnchorCheck;

#[derive(Subcommand, Debug)]
pub(super) enum AuditCommand {
    /// 审计链的链尾（记录号和 16 位校验码），抄在纸上，日后用 zhiban verify --anchor 核对
    Head,
    /// 领导确认一项完整性发现（编号见 zhiban verify）：该行按现状重新登记入审计；须 --operator 领导本人 PIN
    Ack {
        /// 发现的编号
        id: i64,
        /// 确认的领导（从标准输入读入其本人 PIN）
        #[arg(long, value_name = "姓名")]
        operator: String,
    },
}

pub(super) fn run(command: AuditCommand, config: &Config, store: &mut Store) -> Result<(), Failure> {
    match command {
        AuditCommand::Head => match store.audit_head().map_err(|e| failure(e.to_string()))? {
            Some(a) => {
                println!("审计链：{}", a.text());
                println!("核对：zhiban verify --anchor {}", a.argument());
                Ok(())
            }
            None => {
                println!("审计链还是空的：还没有任何记录");
                Ok(())
            }
        },
        AuditCommand::Ack { id, operator } => {
            let person = config
                .settings
                .person(&operator)
                .filter(|p| p.role.is_leader())
                .ok_or_else(|| {
                    bad_input(format!(
                        "--operator：“{operator}”不是配置中的领导（带班/值班领导、办公室主任、分管副主任）：没有确认"
                    ))
                })?;
            let role = person.role.label().to_string();
            let by = actor(Some(&operator), config, store)?;
            let (table, row) = store
                .acknowledge_finding(id, &by, &role, crate::runtime::now())
                .map_err(|e| failure(e.to_string()))?;
            println!("已确认第 {id} 项发现：{table} 第 {row} 行按现状重新登记入审计（{by} 确认）");
            Ok(())
        }
    }
}

/// `zhiban verify`: every problem, the acknowledged findings, and each anchor.
pub(super) fn verify(store: &Store, anchors: &[String]) -> Result<(), Failure> {
    let anchors = anchors
        .iter()
        .map(|a| Anchor::parse(a).map_err(bad_input))
        .collect::<Result<Vec<_>, _>>()?;
    let report = store.verify(true).map_err(|e| failure(e.to_string()))?;
    // Written, not `println!`: a reader that stops early (`| head`) must not make it panic.
    let mut w = output::stdout();
    let say = |w: &mut dyn Write, line: &str| writeln!(w, "{line}").map_err(|e| output::stdout_failure(&e));
    let mut problems = report.problems.clone();
    for a in &anchors {
        match store.check_anchor(a).map_err(|e| failure(e.to_string()))? {
            AnchorCheck::Holds => say(
                &mut w,
                &format!("锚点 {} 相符：到该条为止的审计链与纸面一致", a.text()),
            )?,
            AnchorCheck::Differs => problems.push(format!(
                "锚点 {} 不符：到该条为止的审计链被改写过（有人改动记录后重算了校验）",
                a.text()
            )),
            AnchorCheck::Gone { newest } => problems.push(format!(
                "锚点 {} 不符：第 {} 条审计记录已不存在，现在最新一条是第 {newest} 条——从第 {} 条起（至少到第 {} 条）的审计记录被删除了",
                a.text(),
                a.row,
                newest + 1,
                a.row
            )),
        }
    }
    for line in &report.acknowledged {
        say(&mut w, line)?;
    }
    if problems.is_empty() {
        say(
            &mut w,
            &format!(
                "完整性检查通过：审计记录 {} 条，核对记录 {} 条，未发现程序之外的改动",
                report.audit_rows, report.records_checked
            ),
        )?;
        output::finish(w)
    } else {
        for p in &problems {
            say(&mut w, p)?;
        }
        output::finish(w)?;
        Err(failure(format!(
            "完整性检查发现 {} 处问题（审计记录 {} 条，核对记录 {} 条）：请保留数据库文件并报告",
            problems.len(),
            report.audit_rows,
            report.records_checked
        )))
    }
}
