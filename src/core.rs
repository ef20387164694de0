//! The pure core: domain types, rules and state transitions. Nothing under here touches the
//! terminal, the disk or the clock; time arrives as an argument.

/// Defines a closed set of Chinese labels with parsing and listing, so the database, the CLI and
/// the form all use the same words.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            #[must_use]
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.label() == s.trim())
            }
            /// "来电、去电、…" for error messages that list what may be written.
            #[must_use]
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join("、")
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

/// The part of the screen contract that is the same for every screen holding one form at a time
/// as `self.$form: Option<(purpose, Form)>` with its save out as `self.$save: Option<OpId>`:
/// typing and pasting into it (a paste with no form open says `$paste_hint`), whether it holds
/// unsaved text, dropping it, whether its save is out. Used inside `impl Screen for …`.
macro_rules! one_form_screen {
    ($form:ident, $save:ident, $paste_hint:expr) => {
        fn on_char(&mut self, c: char, cx: &mut $crate::core::screen::Cx<'_>) {
            if let Some((_, form)) = &mut self.$form {
                $crate::core::screen::type_into(form, c, cx);
            }
        }

        fn on_paste(&mut self, text: &str, cx: &mut $crate::core::screen::Cx<'_>) {
            match &mut self.$form {
                Some((_, form)) => {
                    $crate::core::screen::paste_into(form, text, cx);
                }
                None => cx.say($paste_hint),
            }
        }

        fn has_unsaved(&self) -> bool {
            self.$form.as_ref().is_some_and(|(_, f)| f.dirty)
        }

        fn form_dirty(&self) -> bool {
            self.has_unsaved()
        }

        fn discard_form(&mut self) {
            self.$form = None;
            self.$save = None;
        }

        fn saving(&self) -> bool {
            self.$save.is_some()
        }
    };
}

/// The typing, pasting, dirty and saving plumbing of a screen whose one form is an approver's
/// (`form: Option<ApproverForm>`: 人员与 PIN, 完整性发现, 删除误录内容); `discard_form` stays the
/// screen's own (each forgets its own purpose with the form).
macro_rules! approver_form_screen {
    () => {
        fn on_char(&mut self, c: char, cx: &mut $crate::core::screen::Cx<'_>) {
            if let Some(form) = &mut self.form {
                form.on_char(c, cx);
            }
        }

        fn on_paste(&mut self, text: &str, cx: &mut $crate::core::screen::Cx<'_>) {
            match &mut self.form {
                Some(form) => form.on_paste(text, cx),
                None => cx.say("粘贴只能在填写表单时使用"),
            }
        }

        fn has_unsaved(&self) -> bool {
            self.form
                .as_ref()
                .is_some_and($crate::core::approver_form::ApproverForm::dirty)
        }

        fn form_dirty(&self) -> bool {
            self.has_unsaved()
        }

        fn saving(&self) -> bool {
            self.form
                .as_ref()
                .is_some_and($crate::core::approver_form::ApproverForm::waiting)
        }
    };
}

pub mod alerts;
pub mod anchor;
pub mod app;
pub mod approver_form;
pub mod backup;
pub mod csv;
pub mod cycle_form;
pub mod directory;
pub mod directory_screen;
pub mod docs_screen;
pub mod document;
pub mod escalation;
pub mod export;
pub mod findings_screen;
pub mod form;
pub mod handover;
pub mod handover_screen;
pub mod holiday;
pub mod holiday_screen;
pub mod hook;
pub mod idcard;
pub mod instruction;
pub mod integrity;
pub mod json;
pub mod keymap;
pub mod lock;
pub mod log;
pub mod log_screen;
pub mod name_pinyin;
pub mod notice_screen;
pub mod paper;
pub mod people;
pub mod people_screen;
pub mod pin_policy;
pub mod redact_screen;
pub mod redaction;
pub mod report;
pub mod report_sent;
pub mod retention;
pub mod roster;
pub mod roster_plan;
pub mod roster_screen;
pub mod screen;
pub mod screens;
pub mod search;
pub mod search_screen;
pub mod settings;
pub mod shared;
pub mod sign_in;
pub mod spotcheck;
pub mod spotcheck_screen;
pub mod stats;
pub mod stats_screen;
pub mod tasks_screen;
pub mod text;
pub mod text_buffer;
pub mod urgent;
pub mod urgent_screen;
pub mod validate;
pub mod visit;
pub mod visit_lookup;
pub mod visit_screen;
