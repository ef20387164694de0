//! The app's side of the 来访登记 tab: keys routed to the board, the lookup box, the form, a
//! visit's detail and the watch list; store answers back; requests turned into effects.

use super::{App, Confirm, Effect, Msg, Out};
use crate::core::form::{FieldKey, FormEvent};
use crate::core::keymap::{Action, Mode};
use crate::core::visit::VisitField;
use crate::core::visit_screen::{VisitRequest, VisitScreen, show_petition_fields};

impl VisitScreen {
    /// The live keymap mode of the tab.
    #[must_use]
    pub fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.lookup.is_some() {
            Mode::VisitLookup
        } else if self.watch_open {
            Mode::Watch
        } else if self.detail.is_some() {
            Mode::VisitDetail
        } else {
            Mode::Visitors
        }
    }
}

impl App {
    /// How long the keyboard must be still before [`Msg::Paused`] is wanted: while the lookup box
    /// has text it has not asked the store about. `None`: no pause is waited for.
    #[must_use]
    pub fn pause_wanted(&self) -> Option<std::time::Duration> {
        (self.mode() == Mode::VisitLookup && self.visits.lookup.as_ref().is_some_and(|l| l.waiting))
            .then_some(crate::core::visit_screen::LOOKUP_PAUSE)
    }

    pub(super) fn visit_action(&mut self, mode: Mode, action: Action, out: &mut Out) {
        let operator = self.operator.clone().unwrap_or_default();
        let request = match mode {
            Mode::VisitLookup => self.visits.on_lookup_action(action, &self.settings),
            Mode::Watch => self.visits.on_watch_action(action, &self.settings, &operator),
            Mode::VisitDetail => self
                .visits
                .on_detail_action(action, &self.settings, &operator, self.now),
            _ => self
                .visits
                .on_board_action(action, &self.settings, &operator, self.now, self.log.list.viewport),
        };
        self.visit_request(request, out);
    }

    /// A printable key on the tab: into the form, or into the lookup box.
    pub(super) fn visit_char(&mut self, c: char, out: &mut Out) {
        if let Some((form, _)) = &mut self.visits.form {
            if let FormEvent::Notice(m) = form.type_char(c) {
                form.notice = Some(m.clone());
                out.say_str(&m);
            }
        } else {
            let request = self.visits.lookup_char(c);
            self.visit_request(request, out);
        }
    }

    pub(super) fn visit_paste(&mut self, text: &str, out: &mut Out) {
        if let Some((form, _)) = &mut self.visits.form {
            if let FormEvent::Notice(m) = form.paste(text) {
                form.notice = Some(m.clone());
                out.say_str(&m);
            }
        } else {
            let request = self.visits.lookup_paste(text);
            self.visit_request(request, out);
        }
    }

    pub(super) fn visit_form_action(&mut self, action: Action, out: &mut Out) {
        let Some((form, _)) = &mut self.visits.form else {
            return;
        };
        match action {
            Action::Cancel => self.visits.form = None,
            Action::Save if !form.saving => {
                form.clear_errors();
                let operator = self.operator.clone().unwrap_or_default();
                let request = self.visits.save_form(&self.settings, &operator, self.now);
                self.visit_request(request, out);
            }
            Action::Save => {}
            a => match form.apply(a) {
                Some(FormEvent::Notice(m)) => out.say_str(&m),
                Some(FormEvent::Changed(FieldKey::Visit(VisitField::Petition))) => show_petition_fields(form),
                _ => {}
            },
        }
    }

    pub(super) fn visit_request(&mut self, request: VisitRequest, out: &mut Out) {
        match request {
            VisitRequest::None => {}
            VisitRequest::Say(m) => out.say_str(&m),
            VisitRequest::Lookup(q) => out.effects.push(Effect::LookupVisitors(q)),
            VisitRequest::Save(visit, alerts) => {
                out.effects.push(Effect::SaveVisit(visit, alerts));
                out.say_str("正在保存…");
            }
            VisitRequest::AskCheckout(id) => {
                self.confirm = Some(Confirm::Checkout(id));
            }
            VisitRequest::LoadDetail(id) => out.effects.push(Effect::LoadVisit(id)),
            VisitRequest::LoadPage(req) => out.effects.push(Effect::LoadVisitPage(req)),
            VisitRequest::Reveal(id) => out.effects.push(Effect::RevealId {
                id,
                by: self.operator.clone().unwrap_or_default(),
            }),
            VisitRequest::AddWatch(entry) => {
                out.effects.push(Effect::AddWatch(entry));
                out.say_str("正在保存…");
            }
            VisitRequest::RaiseEvent(event, lines) => {
                out.effects.push(Effect::CreateEvent(event, lines));
                out.say_str("正在报紧急事件…");
            }
        }
    }

    /// "王五 离开登记？（进入 …，在楼 …）"
    #[must_use]
    pub fn checkout_question(&self, id: crate::core::visit::VisitId) -> String {
        let v = self
            .visits
            .detail
            .iter()
            .chain(self.visits.inside.iter())
            .find(|v| v.id == id);
        match v {
            Some(v) => format!(
                "{} 离开登记？（{} 进入，在楼 {}）",
                v.fields.name,
                v.fields.entered_at.format("%m-%d %H:%M"),
                crate::core::visit_screen::inside_for(v, self.now)
            ),
            None => format!("第 {id} 号来访离开登记？"),
        }
    }

    /// Store answers for the visitors tab.
    pub(super) fn on_visit_msg(&mut self, msg: Msg, out: &mut Out) {
        match msg {
            Msg::Visits { inside, watch } => {
                self.visits.inside = inside;
                self.visits.watch = watch;
                let n = self.visits.rows().len();
                self.visits.selected = self.visits.selected.min(n.saturating_sub(1));
            }
            Msg::VisitPage(req, rows) => self.visits.on_visit_page(req, rows),
            Msg::LookupResults(query, results) => {
                let request = self.visits.on_lookup_results(&query, results, &self.settings);
                self.visit_request(request, out);
            }
            Msg::VisitSaved { said, alerts } => {
                self.visits.form = None;
                self.visits.show_all = false;
                self.visits.all = crate::core::visit_screen::VisitList::default();
                out.say_str(&said);
                out.effects.push(Effect::LoadVisits);
                if alerts {
                    // The alert entries ring and nag like any urgent entry, and are in the log.
                    out.effects.push(Effect::LoadEvents);
                    if self.log.list.loaded {
                        out.effects.push(self.log.list.reload(None));
                    }
                }
            }
            Msg::VisitLoaded(visit, reveals) => {
                self.visits.detail = Some(*visit);
                self.visits.revealed = None;
                self.visits.reveals = reveals;
            }
            Msg::Revealed { id, full, reveals } if self.visits.detail.as_ref().is_some_and(|v| v.id == id) => {
                self.visits.revealed = Some(full);
                self.visits.reveals = reveals;
                out.say_str("已显示完整证件号；本次查看已记录（谁、何时）");
            }
            Msg::VisitDone(said) => {
                if let Some((form, _)) = &mut self.visits.form
                    && form.saving
                {
                    self.visits.form = None;
                }
                out.say_str(&said);
                out.effects.push(Effect::LoadVisits);
                let request = self.visits.reload_all();
                self.visit_request(request, out);
                if let Some(id) = self.visits.detail.as_ref().map(|v| v.id) {
                    out.effects.push(Effect::LoadVisit(id));
                }
            }
            _ => {}
        }
    }
}
