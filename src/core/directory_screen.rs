//! 通讯录 (issue 18), a sub-screen of 值班记录 (`t`, or the go-to list): the directory in force
//! with a lookup box that filters as the officer types (Chinese in the name, unit, post or group;
//! pinyin initials or full pinyin of the name or unit; digits of a number). Enter opens a
//! contact; its 宅电 stays masked until `v`, which logs who looked before showing it (until the
//! contact closes). Importing is `zhiban contacts import 文件.csv`.

use super::directory::{Contact, Directory};
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target};
use super::text_buffer::TextBuffer;

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
    load_op: Option<OpId>,
    reveal_op: Option<OpId>,
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
            load_op: None,
            reveal_op: None,
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

    fn close_detail(&mut self) {
        self.detail = None;
        self.revealed = None;
    }
}

impl Screen for DirectoryScreen {
    fn mode(&self) -> Mode {
        if self.detail.is_some() {
            Mode::ContactDetail
        } else {
            Mode::Directory
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some(id) = self.detail {
            match action {
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
            Action::Back if !self.query.is_empty() => {
                self.query.clear();
                self.selected = 0;
            }
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    fn on_char(&mut self, c: char, _cx: &mut Cx<'_>) {
        if self.detail.is_none() {
            self.query.insert_char(c);
            self.selected = 0;
        }
    }

    fn on_paste(&mut self, text: &str, _cx: &mut Cx<'_>) {
        if self.detail.is_none() {
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

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Directory => Ok(()),
            t => Err(t),
        }
    }
}
