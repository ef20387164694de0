//! `zhiban handover list|print`: the signed handovers for scripts and for paper.

use clap::Subcommand;

use super::{Failure, bad_input, failure};
use crate::core::handover::to_markdown;
use crate::core::json::HandoverJson;
use crate::core::validate::format_minute;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub(super) enum HandoverCommand {
    /// 列出已签字的交接班记录（最新在上）
    List {
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
    /// 以 Markdown 打印一份交接班记录（可直接打印签字）
    Print {
        /// 交接班记录编号
        id: i64,
    },
}

pub(super) fn run(command: HandoverCommand, store: &mut Store, office: &str) -> Result<(), Failure> {
    match command {
        HandoverCommand::List { json } => {
            if json {
                // Each handover whole, with its items, as `zhiban export` writes it.
                let list = store.read_snapshot(|store| {
                    let list = store.handovers(usize::MAX)?;
                    list.iter().map(|h| store.handover(h.id)).collect::<Result<Vec<_>, _>>()
                })?;
                let items: Vec<HandoverJson> = list.iter().map(HandoverJson::from).collect();
                super::print_json(&items)?;
            } else {
                let list = store.handovers(usize::MAX).map_err(|e| failure(e.to_string()))?;
                for h in &list {
                    println!(
                        "{}\t{}\t{} → {}\t移交 {} 项\t疑问 {} 项",
                        h.id,
                        format_minute(h.signed_at),
                        h.outgoing,
                        h.incoming,
                        h.items,
                        h.questions
                    );
                }
            }
            Ok(())
        }
        HandoverCommand::Print { id } => match store.handover(id) {
            Ok(h) => {
                print!("{}", to_markdown(&h, office));
                Ok(())
            }
            Err(StoreError::NotFound(_)) => Err(bad_input(format!(
                "没有第 {id} 号交接班记录：用 zhiban handover list 查看已有的编号"
            ))),
            Err(e) => Err(failure(e.to_string())),
        },
    }
}
