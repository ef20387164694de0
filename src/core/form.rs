//! A form: labelled fields, one focused, each a text buffer or a choice, with per-field errors.
//!
//! Pure state. The owning screen builds the fields, reads the values on save and puts validation
//! errors back on their fields; nothing typed is ever cleared by a failed save.

use super::keymap::Action;
use super::text_buffer::{Inserted, TextBuffer};

/// What identifies a field: each screen names its forms' fields with its own enum, so the
/// form knows no screen.
pub trait FieldId: Copy + Eq + std::fmt::Debug {}

impl<T: Copy + Eq + std::fmt::Debug> FieldId for T {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(TextBuffer),
    Choice { options: Vec<String>, selected: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<K> {
    pub key: K,
    pub label: String,
    pub input: Input,
    pub required: bool,
    pub hidden: bool,
    pub error: Option<String>,
    /// Greyed explanation shown when the value is empty (e.g. "默认为现在").
    pub placeholder: String,
    /// A section title shown above this field ("办理情况").
    pub heading: Option<String>,
    /// A PIN: drawn as stars, never as typed.
    pub secret: bool,
    /// The main text of its form (a log entry's content): given more rows.
    pub tall: bool,
    /// A value the field carries but never draws (a returning visitor's full ID number): the
    /// text buffer holds only what may be shown (the masked number), [`Field::value`] gives the
    /// carried value, and the first edit empties the field so a new value is typed whole.
    concealed: Option<String>,
}

impl<K: FieldId> Field<K> {
    #[must_use]
    pub fn text(key: K, label: &str, multiline: bool, max_chars: usize) -> Self {
        Self {
            key,
            label: label.into(),
            input: Input::Text(TextBuffer::new(multiline, max_chars)),
            required: false,
            hidden: false,
            error: None,
            placeholder: String::new(),
            heading: None,
            secret: false,
            tall: false,
            concealed: None,
        }
    }

    #[must_use]
    pub fn choice(key: K, label: &str, options: Vec<String>, selected: usize) -> Self {
        Self {
            key,
            label: label.into(),
            input: Input::Choice { options, selected },
            required: false,
            hidden: false,
            error: None,
            placeholder: String::new(),
            heading: None,
            secret: false,
            tall: false,
            concealed: None,
        }
    }

    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    #[must_use]
    pub fn with_placeholder(mut self, p: &str) -> Self {
        self.placeholder = p.into();
        self
    }

    #[must_use]
    pub fn tall(mut self) -> Self {
        self.tall = true;
        self
    }

    #[must_use]
    pub fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    #[must_use]
    pub fn with_heading(mut self, h: &str) -> Self {
        self.heading = Some(h.into());
        self
    }

    #[must_use]
    pub fn with_value(mut self, value: &str) -> Self {
        self.set_value(value);
        self
    }

    /// A prefilled text opens at its first line, caret at the start (not scrolled to its end).
    #[must_use]
    pub fn read_from_top(mut self) -> Self {
        if let Input::Text(b) = &mut self.input {
            b.to_start();
        }
        self
    }

    /// The value as text (a choice gives its label; a concealed field its carried value).
    #[must_use]
    pub fn value(&self) -> String {
        if let Some(v) = &self.concealed {
            return v.clone();
        }
        match &self.input {
            Input::Text(b) => b.text().to_string(),
            Input::Choice { options, selected } => options.get(*selected).cloned().unwrap_or_default(),
        }
    }

    /// Sets a text value, or selects the matching option of a choice.
    pub fn set_value(&mut self, value: &str) {
        self.concealed = None;
        match &mut self.input {
            Input::Text(b) => b.set_text(value),
            Input::Choice { options, selected } => {
                if let Some(i) = options.iter().position(|o| o == value) {
                    *selected = i;
                }
            }
        }
    }

    /// Carries `value` without drawing it: the field shows `shown` (its masked form) until it is
    /// edited; the first edit empties it. Only for a text field.
    pub fn set_concealed(&mut self, value: &str, shown: &str) {
        if let Input::Text(b) = &mut self.input {
            b.set_text(shown);
            self.concealed = Some(value.to_string());
        }
    }

    /// Whether the field carries a value it does not draw.
    #[must_use]
    pub fn is_concealed(&self) -> bool {
        self.concealed.is_some()
    }

    /// Before an edit: a concealed value is dropped with the text that stood for it, so what is
    /// typed next is the whole new value and nothing of the old one is ever drawn.
    fn forget_concealed(&mut self) {
        if self.concealed.take().is_some()
            && let Input::Text(b) = &mut self.input
        {
            b.set_text("");
        }
    }

    #[must_use]
    pub fn is_multiline(&self) -> bool {
        matches!(&self.input, Input::Text(b) if b.is_multiline())
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormEvent<K> {
    /// Nothing the owner needs to react to.
    None,
    /// A value changed (the owner may re-derive dependent fields).
    Changed(K),
    /// Something worth telling the officer (shown in the form).
    Notice(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form<K> {
    pub title: String,
    pub fields: Vec<Field<K>>,
    pub focus: usize,
    /// Something was typed since the form opened.
    pub dirty: bool,
    /// A save is on its way to the store; keys that edit are refused meanwhile.
    pub saving: bool,
    /// A message for the whole form (the reason a save failed, a paste that was cut).
    pub notice: Option<String>,
    /// Lines shown beside the fields, never part of a value (what changed since the last report).
    pub aside: Vec<String>,
}

/// What a form holds, kept as a draft when the terminal closes with it unsaved: each field's
/// value by position (a concealed one with the text it shows), never a secret (a PIN).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormDraft {
    pub title: String,
    pub fields: Vec<DraftField>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DraftField {
    pub label: String,
    pub value: String,
    /// For a concealed value: what the field shows instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

impl<K: FieldId> Form<K> {
    /// The form as a draft (secret fields left out: a PIN is never kept).
    #[must_use]
    pub fn to_draft(&self) -> FormDraft {
        FormDraft {
            title: self.title.clone(),
            fields: self
                .fields
                .iter()
                .map(|f| DraftField {
                    label: f.label.clone(),
                    value: if f.secret { String::new() } else { f.value() },
                    shown: match &f.input {
                        Input::Text(b) if f.is_concealed() => Some(b.text().to_string()),
                        _ => None,
                    },
                })
                .collect(),
        }
    }

    /// Puts a draft's values back into the same form, field by field (the form is built the same
    /// way, so positions match; a field whose label differs is left as it is). Returns the keys
    /// set, for the owner to re-derive what depends on them; the form is dirty again.
    pub fn restore_draft(&mut self, draft: &FormDraft) -> Vec<K> {
        let mut set = Vec::new();
        for (field, saved) in self.fields.iter_mut().zip(&draft.fields) {
            if field.secret || field.label != saved.label {
                continue;
            }
            match &saved.shown {
                Some(shown) => field.set_concealed(&saved.value, shown),
                None => field.set_value(&saved.value),
            }
            set.push(field.key);
        }
        self.dirty = true;
        set
    }

    #[must_use]
    pub fn new(title: &str, fields: Vec<Field<K>>) -> Self {
        let mut f = Self {
            title: title.into(),
            fields,
            focus: 0,
            dirty: false,
            saving: false,
            notice: None,
            aside: Vec::new(),
        };
        if f.fields.get(f.focus).is_some_and(|x| x.hidden) {
            f.next_field();
        }
        f
    }

    /// The option chosen in choice field `key` (0 for a text field or none).
    #[must_use]
    pub fn chosen(&self, key: K) -> usize {
        match self.field(key).map(|f| &f.input) {
            Some(Input::Choice { selected, .. }) => *selected,
            _ => 0,
        }
    }

    /// Shows `field` only while choice `choice` has option `index` (the names typed when no group
    /// is chosen).
    pub fn show_only_when(&mut self, field: K, choice: K, index: usize) {
        let shown = self.chosen(choice) == index;
        if let Some(f) = self.field_mut(field) {
            f.hidden = !shown;
        }
    }

    #[must_use]
    pub fn field(&self, key: K) -> Option<&Field<K>> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: K) -> Option<&mut Field<K>> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    #[must_use]
    pub fn value(&self, key: K) -> String {
        self.field(key).map(Field::value).unwrap_or_default()
    }

    #[must_use]
    pub fn focused(&self) -> Option<&Field<K>> {
        self.fields.get(self.focus)
    }

    /// Moves focus to a field (used to jump to the first error).
    pub fn focus_on(&mut self, key: K) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key && !f.hidden) {
            self.focus = i;
        }
    }

    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
        self.notice = None;
    }

    /// Puts each error on its field and focuses the first one.
    pub fn set_errors(&mut self, errors: &[(K, String)]) {
        for (key, msg) in errors {
            if let Some(f) = self.field_mut(*key) {
                f.error = Some(msg.clone());
            }
        }
        // Focus the first wrong field as it stands on screen, not in the order rules ran.
        if let Some(i) = self.fields.iter().position(|f| !f.hidden && f.error.is_some()) {
            self.focus = i;
        }
        self.notice = Some(format!(
            "有 {} 处需要修改，已标在对应项下；改好后再按 Ctrl-S 保存",
            errors.len()
        ));
    }

    /// Checks required fields; returns their errors.
    #[must_use]
    pub fn missing_required(&self) -> Vec<(K, String)> {
        self.fields
            .iter()
            .filter(|f| f.required && !f.hidden && f.value().trim().is_empty())
            .map(|f| (f.key, format!("“{}”必须填写", f.label)))
            .collect()
    }

    pub fn next_field(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            if !self.fields[i].hidden {
                self.focus = i;
                return;
            }
        }
    }

    pub fn prev_field(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + n - step) % n;
            if !self.fields[i].hidden {
                self.focus = i;
                return;
            }
        }
    }

    /// Types a character into the focused field.
    pub fn type_char(&mut self, c: char) -> FormEvent<K> {
        if self.saving {
            return FormEvent::None;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::None;
        };
        field.forget_concealed();
        match &mut field.input {
            Input::Text(b) => {
                let outcome = b.insert_char(c);
                self.dirty = true;
                field.error = None;
                match outcome {
                    Inserted::All => FormEvent::Changed(field.key),
                    Inserted::Truncated { .. } => {
                        FormEvent::Notice(format!("“{}”最多 {} 个字，已满", field.label, b.max_chars()))
                    }
                }
            }
            Input::Choice { options, selected } if c == ' ' => {
                *selected = (*selected + 1) % options.len().max(1);
                self.dirty = true;
                FormEvent::Changed(field.key)
            }
            Input::Choice { .. } => FormEvent::Notice(format!("“{}”是选择项：用 Left/Right 或空格切换", field.label)),
        }
    }

    /// Inserts pasted text into the focused field.
    pub fn paste(&mut self, text: &str) -> FormEvent<K> {
        if self.saving {
            return FormEvent::None;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::None;
        };
        field.forget_concealed();
        let Input::Text(b) = &mut field.input else {
            return FormEvent::Notice(format!("“{}”是选择项，不能粘贴：用 Left/Right 切换", field.label));
        };
        self.dirty = true;
        field.error = None;
        match b.insert_str(text) {
            Inserted::All => FormEvent::Changed(field.key),
            Inserted::Truncated { kept } => FormEvent::Notice(format!(
                "粘贴内容过长：“{}”最多 {} 个字，只粘贴了前 {kept} 个字",
                field.label,
                b.max_chars()
            )),
        }
    }

    /// Applies an editing or navigation action. Returns `None` if the action is not a form action.
    pub fn apply(&mut self, action: Action) -> Option<FormEvent<K>> {
        if self.saving {
            return Some(FormEvent::None);
        }
        let focus = self.focus;
        let field = self.fields.get_mut(focus)?;
        let key = field.key;
        if field.is_concealed() {
            match action {
                // Deleting from a concealed value deletes all of it: it is typed again whole.
                Action::DeleteBack | Action::DeleteForward | Action::DeleteToLineStart => {
                    field.forget_concealed();
                    self.dirty = true;
                    field.error = None;
                    return Some(FormEvent::Changed(key));
                }
                Action::Newline if field.is_multiline() => field.forget_concealed(),
                _ => {}
            }
        }
        let mut changed = false;
        match (&mut field.input, action) {
            (_, Action::NextField) => self.next_field(),
            (_, Action::PrevField) => self.prev_field(),
            (Input::Text(b), Action::Up) if b.is_multiline() => {
                if !b.up() {
                    self.prev_field();
                }
            }
            (Input::Text(b), Action::Down) if b.is_multiline() => {
                if !b.down() {
                    self.next_field();
                }
            }
            (_, Action::Up) => self.prev_field(),
            (_, Action::Down) => self.next_field(),
            (Input::Text(b), Action::Newline) if b.is_multiline() => {
                b.insert_char('\n');
                changed = true;
            }
            (_, Action::Newline) => self.next_field(),
            (Input::Text(b), Action::CursorLeft) => b.left(),
            (Input::Text(b), Action::CursorRight) => b.right(),
            (Input::Text(b), Action::LineStart) => b.home(),
            (Input::Text(b), Action::LineEnd) => b.end(),
            (Input::Text(b), Action::DeleteBack) => {
                b.backspace();
                changed = true;
            }
            (Input::Text(b), Action::DeleteForward) => {
                b.delete();
                changed = true;
            }
            (Input::Text(b), Action::DeleteToLineStart) => {
                b.delete_to_line_start();
                changed = true;
            }
            (Input::Choice { options, selected }, Action::CursorLeft) => {
                *selected = (*selected + options.len() - 1) % options.len().max(1);
                changed = true;
            }
            (Input::Choice { options, selected }, Action::CursorRight) => {
                *selected = (*selected + 1) % options.len().max(1);
                changed = true;
            }
            (Input::Choice { .. }, _) => {}
            _ => return None,
        }
        if changed {
            self.dirty = true;
            if let Some(f) = self.fields.get_mut(focus) {
                f.error = None;
            }
            return Some(FormEvent::Changed(key));
        }
        Some(FormEvent::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum FieldKey {
        Reason,
        AmendTarget,
        InstructionText,
    }

    fn sample() -> Form<FieldKey> {
        Form::new(
            "测试",
            vec![
                Field::text(FieldKey::Reason, "原因", false, 10).required(),
                Field::choice(FieldKey::AmendTarget, "项目", vec!["甲".into(), "乙".into()], 0),
                Field::text(FieldKey::InstructionText, "批示", true, 100),
            ],
        )
    }

    #[test]
    fn letters_go_into_the_field_and_mark_dirty() {
        let mut f = sample();
        assert!(!f.dirty);
        for c in "q张".chars() {
            f.type_char(c);
        }
        assert_eq!(f.value(FieldKey::Reason), "q张");
        assert!(f.dirty);
    }

    #[test]
    fn choices_cycle_and_refuse_letters_with_a_hint() {
        let mut f = sample();
        f.next_field();
        assert!(matches!(f.type_char('x'), FormEvent::Notice(m) if m.contains("选择项")));
        f.apply(Action::CursorRight);
        assert_eq!(f.value(FieldKey::AmendTarget), "乙");
        f.apply(Action::CursorRight);
        assert_eq!(f.value(FieldKey::AmendTarget), "甲");
    }

    #[test]
    fn enter_makes_newline_in_multiline_and_moves_on_in_single_line() {
        let mut f = sample();
        f.apply(Action::Newline);
        assert_eq!(f.focus, 1);
        f.apply(Action::Newline);
        f.type_char('一');
        f.apply(Action::Newline);
        f.type_char('二');
        assert_eq!(f.value(FieldKey::InstructionText), "一\n二");
        // Up inside a multi-line field moves between its lines before leaving it.
        f.apply(Action::Up);
        assert_eq!(f.focus, 2);
        f.apply(Action::Up);
        assert_eq!(f.focus, 1);
    }

    #[test]
    fn hidden_fields_are_skipped() {
        let mut f = sample();
        f.fields[1].hidden = true;
        f.next_field();
        assert_eq!(f.focus, 2);
        f.prev_field();
        assert_eq!(f.focus, 0);
    }

    #[test]
    fn errors_land_on_fields_and_focus_the_first() {
        let mut f = sample();
        f.focus = 2;
        let missing = f.missing_required();
        assert_eq!(missing.len(), 1);
        f.set_errors(&missing);
        assert_eq!(f.focus, 0);
        assert!(f.fields[0].error.as_deref().unwrap().contains("原因"));
        f.type_char('a');
        assert_eq!(f.fields[0].error, None);
    }

    #[test]
    fn after_a_failed_save_focus_goes_to_the_first_wrong_field_on_screen() {
        let mut f = sample();
        // Rules report the later field first; the earlier one on screen gets the focus.
        f.set_errors(&[(FieldKey::InstructionText, "b".into()), (FieldKey::Reason, "a".into())]);
        assert_eq!(f.focus, 0);
    }

    #[test]
    fn saving_form_ignores_edits() {
        let mut f = sample();
        f.saving = true;
        f.type_char('a');
        f.paste("bcd");
        assert_eq!(f.value(FieldKey::Reason), "");
    }

    #[test]
    fn a_concealed_value_is_carried_but_never_drawn_and_the_first_edit_starts_afresh() {
        let mut f = sample();
        let field = f.field_mut(FieldKey::Reason).unwrap();
        field.set_concealed("SECRET1234", "SE******34");
        assert_eq!(f.value(FieldKey::Reason), "SECRET1234", "saved as carried");
        let shown = |f: &Form<FieldKey>| match &f.field(FieldKey::Reason).unwrap().input {
            Input::Text(b) => b.text().to_string(),
            Input::Choice { .. } => unreachable!(),
        };
        assert_eq!(shown(&f), "SE******34", "only the mask is in the buffer that is drawn");
        // Moving the caret changes nothing; typing replaces the whole value.
        f.apply(Action::CursorLeft);
        assert_eq!(f.value(FieldKey::Reason), "SECRET1234");
        f.type_char('9');
        assert_eq!(
            (f.value(FieldKey::Reason), shown(&f)),
            ("9".to_string(), "9".to_string())
        );
        // A paste, and a delete, start afresh too.
        for edit in [0, 1, 2] {
            let field = f.field_mut(FieldKey::Reason).unwrap();
            field.set_concealed("SECRET1234", "SE******34");
            match edit {
                0 => {
                    f.paste("ABC");
                }
                1 => {
                    f.apply(Action::DeleteBack);
                }
                _ => {
                    f.apply(Action::DeleteToLineStart);
                }
            }
            let expected = if edit == 0 { "ABC" } else { "" };
            assert_eq!(f.value(FieldKey::Reason), expected, "edit {edit}");
            assert_eq!(shown(&f), expected, "edit {edit}");
            assert!(!f.field(FieldKey::Reason).unwrap().is_concealed());
        }
        // Setting a value plainly forgets a concealed one.
        let field = f.field_mut(FieldKey::Reason).unwrap();
        field.set_concealed("SECRET1234", "SE******34");
        field.set_value("明文");
        assert_eq!(f.value(FieldKey::Reason), "明文");
    }

    #[test]
    fn overlong_paste_reports_what_was_kept() {
        let mut f = sample();
        let ev = f.paste("一二三四五六七八九十十一");
        assert!(matches!(ev, FormEvent::Notice(m) if m.contains("前 10 个字")));
        assert_eq!(f.value(FieldKey::Reason), "一二三四五六七八九十");
    }

    #[test]
    fn a_draft_keeps_values_and_a_concealed_number_concealed_but_never_a_pin() {
        let form = || {
            Form::new(
                "t",
                vec![
                    Field::text(1u8, "姓名", false, 20),
                    Field::text(2u8, "证件号码", false, 20),
                    Field::text(3u8, "PIN", false, 8).secret(),
                    Field::choice(4u8, "类型", vec!["甲".into(), "乙".into()], 0),
                ],
            )
        };
        let mut f = form();
        f.type_char('张');
        if let Some(field) = f.field_mut(2) {
            field.set_concealed("110101199003077777", "1101**********7777");
        }
        if let Some(field) = f.field_mut(3) {
            field.set_value("246813");
        }
        if let Some(field) = f.field_mut(4) {
            field.set_value("乙");
        }
        let d = f.to_draft();
        assert!(!format!("{d:?}").contains("246813"), "a PIN never goes into a draft");
        let mut g = form();
        let set = g.restore_draft(&d);
        assert_eq!(set, [1, 2, 4]);
        assert_eq!(g.value(1), "张");
        assert_eq!(g.value(2), "110101199003077777", "saved whole");
        assert!(g.field(2).is_some_and(Field::is_concealed), "still drawn masked");
        assert_eq!(g.value(4), "乙");
        assert!(g.dirty);
    }
}
