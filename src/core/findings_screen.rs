//! 完整性发现 (issue 14): what the store found changed, deleted or added outside the app, each
//! recorded for good; a leader looks at the row and acknowledges it here with their PIN (`c`),
//! which re-bases the row (its audit is written again as it stands, by them). The finding stays,
//! listed as acknowledged, by whom, when. Until then the status line stays red on every screen.

use super::approver_form::{ApproverForm, Outcome, confirmed_approvers};
pub use super::integrity::{IntegrityFinding, table_label};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingsScreen {
    pub rows: Vec<IntegrityFinding>,
    pub selected: usize,
    pub loaded: bool,
    pub form: Option<ApproverForm>,
    /// The finding the open form acknowledges.
    acking: Option<i64>,
    load_op: Option<OpId>,
}

impl FindingsScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadFindings));
    }

    /// `c`: a leader acknowledges the selected finding.
    fn open_ack(&mut self, cx: &mut Cx<'_>) {
        let Some(f) = self.rows.get(self.selected) else {
            cx.say("没有完整性发现");
            return;
        };
        if let Some((by, at)) = &f.acknowledged {
            cx.say(format!(
                "第 {} 项已由 {by} 于 {} 确认",
                f.id,
                at.format("%Y-%m-%d %H:%M")
            ));
            return;
        }
        // Any confirmed approver may acknowledge: the store refuses anyone else.
        let approvers = confirmed_approvers(cx);
        if approvers.is_empty() {
            cx.say("没有已确认的领导：完整性发现须由领导核实确认");
            return;
        }
        let title = format!(
            "确认第 {} 项发现：{} 第 {} 行{}",
            f.id,
            table_label(&f.table),
            f.row_id,
            f.what
        );
        let mut form = ApproverForm::new(&title, approvers, false);
        form.form.notice =
            Some("确认前请核实这一行现在的内容是否属实；确认后该行按现状重新登记入审计，这项发现仍保留".to_string());
        self.form = Some(form);
        self.acking = Some(f.id);
    }
}

impl Screen for FindingsScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else {
            Mode::Findings
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(form) = &mut self.form {
            if !form.on_action(action, cx) {
                self.discard_form();
            }
            return;
        }
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1)),
            Action::ConfirmPerson => self.open_ack(cx),
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    approver_form_screen!();

    fn discard_form(&mut self) {
        self.form = None;
        self.acking = None;
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load(cx);
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        if shown && self.form.is_none() {
            self.load(cx);
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        if self.load_op == Some(op) {
            self.load_op = None;
            match reply {
                Reply::Findings(rows) => {
                    self.rows = rows;
                    self.loaded = true;
                    self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("无法读取完整性发现：{why}")),
                _ => {}
            }
            return;
        }
        let (Some(form), Some(id)) = (&mut self.form, self.acking) else {
            return;
        };
        match form.on_reply(op, reply, cx) {
            Outcome::Nothing | Outcome::Redacted(_) => {}
            Outcome::Approved { by, .. } => {
                let by_role = cx
                    .settings
                    .person(&by)
                    .map(|p| p.role.label().to_string())
                    .unwrap_or_default();
                let said = format!("已确认第 {id} 项发现（{by} 确认）：该行按现状重新登记入审计");
                form.write(Request::AckFinding { id, by, by_role }, said, cx);
            }
            Outcome::Done(said) => {
                self.discard_form();
                cx.say(said);
                self.load(cx);
                cx.command(Command::RecheckIntegrity);
            }
        }
    }
}
