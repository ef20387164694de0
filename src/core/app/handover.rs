//! The app's side of the 交接班 tab: keys and store answers routed to the screen, its requests
//! turned into effects, and the operator handed to the incoming officer after signing.

use chrono::NaiveTime;

use super::{App, Confirm, Effect, Msg, Out};
use crate::core::form::FormEvent;
use crate::core::handover_screen::{HandoverScreen, Request};
use crate::core::keymap::{Action, Mode};
use crate::core::roster_screen::RosterRequest;

impl HandoverScreen {
    /// The live keymap mode of the tab.
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.draft.is_some() {
            Mode::HandoverDraft
        } else if self.detail.is_some() {
            Mode::HandoverDetail
        } else {
            Mode::Handover
        }
    }
}

impl App {
    pub(super) fn handover_action(&mut self, mode: Mode, action: Action, out: &mut Out) {
        let request = match (mode, action) {
            (Mode::HandoverDraft, Action::Cancel) => {
                self.confirm = Some(Confirm::DiscardDraft);
                Request::None
            }
            (Mode::HandoverDraft, a) => self.handover.on_draft_action(a, &self.settings),
            (Mode::HandoverDetail, a) => self.handover.on_detail_action(a),
            (_, Action::OpenRoster) => {
                self.roster.open_month(self.now.date());
                self.load_roster_if_needed(out);
                Request::None
            }
            (_, a) => self.handover.on_list_action(a),
        };
        self.handover_request(request, out);
    }

    pub(super) fn handover_form_action(&mut self, action: Action, out: &mut Out) {
        if self.roster.form.is_some() {
            self.roster_form_action(action, out);
            return;
        }
        let Some((form, _)) = &mut self.handover.form else {
            return;
        };
        match action {
            Action::Cancel => self.handover.form = None,
            Action::Save if !form.saving => {
                form.clear_errors();
                let request = self.handover.save_form();
                self.handover_request(request, out);
            }
            Action::Save => {}
            a => {
                if let Some(FormEvent::Notice(m)) = form.apply(a) {
                    out.say_str(&m);
                }
            }
        }
    }

    fn handover_request(&mut self, request: Request, out: &mut Out) {
        match request {
            Request::None => {}
            Request::Say(m) => out.say_str(&m),
            Request::LoadOpenState => {
                out.effects.push(Effect::LoadOpenState);
                out.say_str("正在汇总未办结事项…");
            }
            Request::LoadDetail(id) => out.effects.push(Effect::LoadHandover(id)),
            Request::Sign(req) => {
                out.effects.push(Effect::SignHandover(req));
                out.say_str("正在核对 PIN 并保存…");
            }
            Request::Export(id) => out.effects.push(Effect::ExportHandover {
                id,
                office: self.settings.office_name.clone(),
            }),
        }
    }

    pub(super) fn load_roster_if_needed(&mut self, out: &mut Out) {
        if let Some(RosterRequest::Load(from, to)) = self.roster.load_if_needed(self.now) {
            // Marked loaded at once so a slow store is not asked again every tick.
            self.roster.loaded = Some((from, to));
            out.effects.push(Effect::LoadRoster(from, to));
        }
    }

    pub(super) fn roster_action(&mut self, action: Action, out: &mut Out) {
        let operator = self.operator.clone().unwrap_or_default();
        let request = self.roster.on_action(action, &self.settings, &operator, self.now);
        self.roster_request(request, out);
        self.load_roster_if_needed(out);
    }

    fn roster_form_action(&mut self, action: Action, out: &mut Out) {
        let Some(form) = &mut self.roster.form else { return };
        match action {
            Action::Cancel => self.roster.form = None,
            Action::Save if !form.saving => {
                form.clear_errors();
                let operator = self.operator.clone().unwrap_or_default();
                let request = self.roster.save_form(&self.settings, &operator, self.now);
                self.roster_request(request, out);
            }
            Action::Save => {}
            a => {
                if let Some(FormEvent::Notice(m)) = form.apply(a) {
                    out.say_str(&m);
                }
            }
        }
    }

    fn roster_request(&mut self, request: RosterRequest, out: &mut Out) {
        match request {
            RosterRequest::None => {}
            RosterRequest::Say(m) => out.say_str(&m),
            RosterRequest::Load(from, to) => out.effects.push(Effect::LoadRoster(from, to)),
            RosterRequest::AddSwap(swap) => {
                out.effects.push(Effect::AddSwap(swap));
                out.say_str("正在保存…");
            }
        }
    }

    /// Store answers for the handover tab (every `Msg` the main match does not take).
    pub(super) fn on_handover_msg(&mut self, msg: Msg, out: &mut Out) {
        match msg {
            Msg::OpenState(state) | Msg::HandoverStale(state) => {
                let operator = self.operator.clone().unwrap_or_default();
                // The shift began at the last signature; with none yet, when the roster's current
                // shift began (or at midnight). The next shift's 主班 is the likely incoming officer.
                let (current, next) = self.roster.now_next(&self.settings, self.now);
                let fallback = current
                    .as_ref()
                    .map_or_else(|| self.now.date().and_time(NaiveTime::MIN), |s| s.start);
                let incoming = next.map(|s| s.primary).filter(|p| *p != operator).unwrap_or_default();
                self.handover.form = None;
                let request = self
                    .handover
                    .on_open_state(&state, &operator, &incoming, fallback, self.now);
                self.handover_request(request, out);
            }
            Msg::Handovers(list) => {
                self.handover.selected = self.handover.selected.min(list.len().saturating_sub(1));
                self.handover.history = list;
            }
            Msg::HandoverLoaded(h) => {
                self.handover.detail = Some(*h);
                self.handover.detail_scroll = 0;
            }
            Msg::HandoverSigned { id, incoming, note } => {
                self.handover.on_signed();
                self.operator = Some(incoming.clone());
                out.say_str(&format!(
                    "第 {id} 号交接班记录已由双方签字，不可更改；现在的值班员：{incoming}{note}"
                ));
                out.effects.push(Effect::LoadHandovers);
            }
            Msg::Said(m) => out.say_str(&m),
            Msg::Roster {
                window,
                imported,
                swaps,
            } => {
                self.roster.imported = imported;
                self.roster.swaps = swaps;
                self.roster.loaded = Some(window);
            }
            Msg::SwapSaved(m) => {
                self.roster.form = None;
                self.roster.invalidate();
                self.load_roster_if_needed(out);
                out.say_str(&m);
            }
            Msg::SignFailed { pin_of, message } => {
                self.handover.on_sign_failed(pin_of, &message);
                out.say_str(&message);
            }
            _ => {}
        }
    }
}
