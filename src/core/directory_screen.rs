//! 通讯录 (issue 18), a sub-screen of 值班记录 (`t`, or the go-to list): the directory in force
//! with a lookup box that filters as the officer types (Chinese in the name, unit, post or group;
//! pinyin initials or full pinyin of the name or unit; digits of a number). Enter opens a
//! contact; its 宅电 stays masked until `v`, which logs who looked before showing it (until the
//! contact closes). Importing is `zhiban contacts import 文件.csv`.

use super::directory::{Contact, Directory, FIELD_LABELS, check_contact, mask_phone};
use super::form::{Field, Form};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, apply_to, paste_into, save_failed, type_into};
use super::text_buffer::TextBuffer;

/// A field of the contact form: its index in [`FIELD_LABELS`] (the CSV's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContactKey(pub usize);

/// The 宅电 field's index.
const HOME: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryScreen {
    pub query: TextBuffer,
    /// The directory as last read.
    pub directory: Directory,
    pub loaded: bool,
    /// Index into the contacts the query finds.
    pub selected: usize,
    /// The contact opened (its id).
    pub detail: Option<i64>,
    /// A 宅电 shown in full: the contact's id, the number and who revealed it (shown to them only,
    /// until the contact closes: a colleague who takes over the keyboard sees it masked).
    pub revealed: Option<(i64, String, String)>,
    /// The contact form: adding (`None`) or correcting contact `Some(id)`.
    pub form: Option<(Option<i64>, Form<ContactKey>)>,
    load_op: Option<OpId>,
    reveal_op: Option<OpId>,
    save_op: Option<OpId>,
}

impl Default for DirectoryScreen {
    fn default() -> Self {
        Self {
            query: TextBuffer::new(false, 40),
            directory: Directory::default(),
            loaded: false,
            selected: 0,
            detail: None,
            revealed: None,
            form: None,
            load_op: None,
            reveal_op: None,
            save_op: None,
        }
    }
}

impl DirectoryScreen {
    /// The 宅电 of the contact shown, in full, if `operator` revealed it.
    #[must_use]
    pub fn revealed_to(&self, operator: Option<&str>) -> Option<&str> {
        let id = self.detail?;
        self.revealed
            .as_ref()
            .filter(|(r, _, by)| *r == id && Some(by.as_str()) == operator)
            .map(|(_, full, _)| full.as_str())
    }

    /// The contacts the box finds, in directory order.
    pub fn found(&self) -> impl Iterator<Item = &Contact> {
        self.directory.find(self.query.text())
    }

    #[must_use]
    pub fn shown_contact(&self) -> Option<&Contact> {
        let id = self.detail?;
        self.directory.contacts.iter().find(|c| c.id == id)
    }

    fn selected_id(&self) -> Option<i64> {
        self.found().nth(self.selected).map(|c| c.id)
    }

    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadDirectory));
    }

    /// The contact form, empty or holding `c`. A 宅电 not revealed to this officer is carried
    /// without being drawn: saving keeps it; typing in the field replaces it whole.
    fn contact_form(c: Option<&Contact>, revealed: Option<&str>) -> Form<ContactKey> {
        let values: [String; 8] = match c {
            Some(c) => [
                c.name.clone(),
                c.unit.clone(),
                c.post.clone(),
                c.office_phone.clone(),
                c.mobile.clone(),
                c.home_phone.clone(),
                c.groups.join("、"),
                c.note.clone(),
            ],
            None => Default::default(),
        };
        let fields = FIELD_LABELS
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let f = Field::text(ContactKey(i), label, false, super::directory::CELL_MAX_CHARS);
                let f = match i {
                    0 => f.required(),
                    3 | 4 | HOME => f.with_placeholder("手机 11 位，或 区号-号码"),
                    6 => f.with_placeholder("多个用顿号隔开，如 各乡镇值班室"),
                    _ => f,
                };
                if i == HOME { f } else { f.with_value(&values[i]) }
            })
            .collect();
        let title = match c {
            Some(c) => format!("更正联系人：{}（原记录保留）", c.name),
            None => "新增联系人".to_string(),
        };
        let mut form = Form::new(&title, fields);
        if let Some(f) = form.field_mut(ContactKey(HOME))
            && !values[HOME].is_empty()
        {
            match revealed {
                Some(full) => f.set_value(full),
                None => f.set_concealed(&values[HOME], &mask_phone(&values[HOME])),
            }
        }
        form
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((id, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let cells: [String; 8] = std::array::from_fn(|i| form.value(ContactKey(i)));
        match check_contact(&cells) {
            Ok(contact) => {
                let contact = Box::new(contact);
                let by = cx.operator.to_string();
                let request = match id {
                    Some(id) => Request::ReplaceContact { id: *id, contact, by },
                    None => Request::AddContact { contact, by },
                };
                form.saving = true;
                self.save_op = Some(cx.request(request));
                cx.say("正在保存…");
            }
            Err(errors) => {
                let errors: Vec<(ContactKey, String)> = errors.into_iter().map(|(i, m)| (ContactKey(i), m)).collect();
                form.set_errors(&errors);
                cx.say(form.notice.clone().unwrap_or_default());
            }
        }
    }

    fn close_detail(&mut self) {
        self.detail = None;
        self.revealed = None;
    }
}

impl Screen for DirectoryScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::ContactDetail
        } else {
            Mode::Directory
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    apply_to(form, a, cx);
                }
            }
            return;
        }
        if let Some(id) = self.detail {
            match action {
                Action::EditContact => {
                    let revealed = self.revealed_to(Some(cx.operator)).map(str::to_string);
                    match self.shown_contact() {
                        Some(c) => self.form = Some((Some(id), Self::contact_form(Some(c), revealed.as_deref()))),
                        None => cx.say("读取中，请稍候"),
                    }
                }
                Action::RemoveContact => {
                    if let Some(c) = self.shown_contact() {
                        cx.command(Command::Ask {
                            question: format!("从通讯录中移除“{}”？（记录保留在文件中，可重新导入或新增）", c.name),
                            token: u64::try_from(id).unwrap_or_default(),
                        });
                    }
                }
                Action::RevealHome => match self.shown_contact() {
                    Some(c) if c.home_phone.is_empty() => cx.say("此人没有登记宅电"),
                    Some(_)
                        if self
                            .revealed
                            .as_ref()
                            .is_some_and(|(r, _, by)| *r == id && by == cx.operator) => {}
                    Some(_) => {
                        self.reveal_op = Some(cx.request(Request::RevealContact {
                            id,
                            by: cx.operator.to_string(),
                        }));
                    }
                    None => cx.say("读取中，请稍候"),
                },
                Action::Back => self.close_detail(),
                _ => {}
            }
            return;
        }
        let last = self.found().count().saturating_sub(1);
        let page = cx.shared.viewport.max(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(page),
            Action::PageDown => self.selected = (self.selected + page).min(last),
            Action::DeleteBack => {
                self.query.backspace();
                self.selected = 0;
            }
            Action::DeleteToLineStart => {
                self.query.delete_to_line_start();
                self.selected = 0;
            }
            Action::Open => match self.selected_id() {
                Some(id) => self.detail = Some(id),
                None if !self.loaded => cx.say("读取中，请稍候"),
                None if self.directory.contacts.is_empty() => {
                    cx.say("通讯录是空的：用 zhiban contacts import 通讯录.csv 导入（表头：姓名,单位,职务,办公电话,手机,宅电,分组,备注）");
                }
                None => cx.say("没有找到：换个写法，或按 Backspace 删去查找词"),
            },
            Action::NewContact => self.form = Some((None, Self::contact_form(None, None))),
            Action::Back if !self.query.is_empty() => {
                self.query.clear();
                self.selected = 0;
            }
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    fn on_char(&mut self, c: char, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            type_into(form, c, cx);
        } else if self.detail.is_none() {
            self.query.insert_char(c);
            self.selected = 0;
        }
    }

    fn on_paste(&mut self, text: &str, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            paste_into(form, text, cx);
        } else if self.detail.is_none() {
            self.query.insert_str(text);
            self.selected = 0;
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.close_detail();
        self.load(cx);
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        if shown {
            self.load(cx);
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        if self.load_op == Some(op) {
            self.load_op = None;
            match reply {
                Reply::Directory(d) => {
                    self.directory = *d;
                    self.loaded = true;
                    self.selected = self.selected.min(self.found().count().saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取通讯录失败：{why}")),
                _ => {}
            }
        } else if self.save_op == Some(op) {
            self.save_op = None;
            match reply {
                Reply::CycleSaved { id, done } => {
                    let removed = done;
                    self.form = None;
                    if removed {
                        self.close_detail();
                        cx.say("已从通讯录中移除（记录保留）");
                    } else {
                        self.detail = Some(id);
                        self.revealed = None;
                        cx.say("已保存：通讯录");
                    }
                    self.load(cx);
                    cx.command(Command::ReloadDirectory);
                }
                Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
                _ => {}
            }
        } else if self.reveal_op == Some(op) {
            self.reveal_op = None;
            match reply {
                // Shown only if that contact is still the one open.
                Reply::ContactRevealed { id, full } if self.detail == Some(id) => {
                    self.revealed = Some((id, full, cx.operator.to_string()));
                    cx.say("宅电已显示，查看已记录；关闭后重新遮盖");
                }
                Reply::Failed(why) => cx.say(format!("无法显示宅电：{why}")),
                _ => {}
            }
        }
    }

    fn has_unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.dirty)
    }

    fn form_dirty(&self) -> bool {
        self.has_unsaved()
    }

    fn discard_form(&mut self) {
        self.form = None;
        self.save_op = None;
    }

    fn saving(&self) -> bool {
        self.save_op.is_some()
    }

    fn on_confirmed(&mut self, token: u64, cx: &mut Cx<'_>) {
        let Ok(id) = i64::try_from(token) else { return };
        self.save_op = Some(cx.request(Request::RemoveContact {
            id,
            by: cx.operator.to_string(),
        }));
        cx.say("正在移除…");
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Directory => Ok(()),
            t => Err(t),
        }
    }
}
