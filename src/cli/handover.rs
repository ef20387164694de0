//! `zhiban handover list|print`: the signed handovers for scripts and for paper.

use std::io::Write;

use clap::Subcommand;

use super::{Failure, bad_input, failure, output};
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
            let mut w = output::stdout();
            store.read_snapshot(|store| -> Result<(), output::StreamError> {
                // The list of handovers is a line each (four shifts a day for ten years is a few
                // MB); with `--json` each is read whole, with its items, only when written.
                let list = store.handovers(usize::MAX)?;
                if json {
                    // Each handover whole, with its items, as `zhiban export` writes it.
                    let mut array = output::JsonArray::begin(&mut w)?;
                    for h in &list {
                        array.item(&mut w, &HandoverJson::from(&store.handover(h.id)?))?;
                    }
                    array.end(&mut w)?;
                } else {
                    for h in &list {
                        writeln!(
                            w,
                            "{}\t{}\t{} → {}\t移交 {} 项\t疑问 {} 项",
                            h.id,
                            format_minute(h.signed_at),
                            h.outgoing,
                            h.incoming,
                            h.items,
                            h.questions
                        )?;
                    }
                }
                Ok(())
            })?;
            output::finish(w)
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
