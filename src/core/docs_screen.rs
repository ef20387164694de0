//! 收文登记 (issue 18), a sub-screen of 值班记录 (`w`, or the go-to list): documents, faxes and
//! telegrams received, those waiting for a 签收 first. `n` registers one; Enter opens it with its
//! forwards; `f` forwards it (转交, to names or a group), `s` records the 签收 of the selected
//! forward.
//!
//! The form asks 密级 first. Choosing 秘密 or above takes the 文号, 标题, 备注 and 转交 fields
//! away — and empties what was typed in them — and asks for the 机要员 told instead; such a form
//! is never kept as a draft (002:1522: a secret item's content never enters the computer).

use chrono::NaiveDateTime;

use super::document::{
    DocField, DocKind, Document, Forwarded, NewDocument, SECRET_RULE, SHORT_MAX_CHARS, Secrecy, Signature,
    TITLE_MAX_CHARS, Urgency, parse_count,
};
use super::form::{Field, Form, FormDraft, FormEvent};
use super::instruction::split_names;
use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target, save_failed};
use super::validate;

/// The fields of the screen's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKey {
    Secrecy,
    Kind,
    Urgency,
    From,
    Number,
    Title,
    Copies,
    Pages,
    ReceivedAt,
    Note,
    Clerk,
    ClerkToldAt,
    ForwardTo,
    Purpose,
    ForwardAt,
    SignedBy,
    SignedAt,
}

/// The fields only an open (非密) item has: emptied and hidden for a secret one.
const OPEN_ONLY: [DocKey; 4] = [DocKey::Number, DocKey::Title, DocKey::Note, DocKey::ForwardTo];
/// The fields only a secret item has.
const SECRET_ONLY: [DocKey; 2] = [DocKey::Clerk, DocKey::ClerkToldAt];

impl From<DocField> for DocKey {
    fn from(f: DocField) -> Self {
        match f {
            DocField::Kind => Self::Kind,
            DocField::Secrecy => Self::Secrecy,
            DocField::Number => Self::Number,
            DocField::Title => Self::Title,
            DocField::From => Self::From,
            DocField::Urgency => Self::Urgency,
            DocField::Copies => Self::Copies,
            DocField::Pages => Self::Pages,
            DocField::ReceivedAt => Self::ReceivedAt,
            DocField::Note => Self::Note,
            DocField::Clerk => Self::Clerk,
            DocField::ClerkToldAt => Self::ClerkToldAt,
            DocField::ForwardTo => Self::ForwardTo,
        }
    }
}

/// What the open form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocPurpose {
    New,
    Forward(i64),
    Sign { doc_id: i64, forward_id: i64 },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocsScreen {
    /// Documents with a forward waiting for its 签收, oldest first.
    pub open: Vec<Document>,
    /// The newest others, newest first.
    pub recent: Vec<Document>,
    pub selected: usize,
    pub loaded: bool,
    /// The document opened (its id) and the selected forward.
    pub detail: Option<(i64, usize)>,
    pub form: Option<(DocPurpose, Form<DocKey>)>,
    load_op: Option<OpId>,
    save_op: Option<OpId>,
    /// A document to open once it is read (a search hit).
    pending_open: Option<i64>,
    open_op: Option<OpId>,
}

/// The draft of a new-document form (an open item only).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DocDraft {
    form: FormDraft,
}

fn minute(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Whether the form's 密级 is 秘密 or above.
fn form_is_secret(form: &Form<DocKey>) -> bool {
    Secrecy::parse(&form.value(DocKey::Secrecy)).is_some_and(Secrecy::is_secret)
}

/// Shows the fields the 密级 allows; a secret item's open-only fields are emptied.
fn apply_secrecy(form: &mut Form<DocKey>) -> bool {
    let secret = form_is_secret(form);
    let mut emptied = false;
    for f in &mut form.fields {
        if OPEN_ONLY.contains(&f.key) {
            if secret && !f.value().is_empty() {
                f.set_value("");
                emptied = true;
            }
            f.hidden = secret;
        } else if SECRET_ONLY.contains(&f.key) {
            f.hidden = !secret;
        }
    }
    emptied
}

impl DocsScreen {
    fn load(&mut self, cx: &mut Cx<'_>) {
        self.load_op = Some(cx.request(Request::LoadDocuments));
    }

    /// Every document in list order.
    pub fn all(&self) -> impl Iterator<Item = &Document> {
        self.open.iter().chain(&self.recent)
    }

    #[must_use]
    pub fn shown_document(&self) -> Option<&Document> {
        let (id, _) = self.detail?;
        self.all().find(|d| d.id == id)
    }

    fn new_form(cx: &Cx<'_>) -> Form<DocKey> {
        let labels = |all: &[&str]| all.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let mut form = Form::new(
            "收文登记",
            vec![
                Field::choice(
                    DocKey::Secrecy,
                    "密级",
                    Secrecy::ALL.iter().map(|s| s.label().to_string()).collect(),
                    0,
                )
                .with_heading("先选密级：秘密及以上不录入标题和内容"),
                Field::choice(DocKey::Kind, "类别", labels(&["收文", "传真", "明电"]), 0),
                Field::choice(DocKey::Urgency, "紧急程度", labels(&["平急", "加急", "特急"]), 0),
                Field::text(DocKey::From, "来文单位", false, SHORT_MAX_CHARS).required(),
                Field::text(DocKey::Number, "文号", false, SHORT_MAX_CHARS)
                    .with_placeholder("如 市防指电〔2026〕12号，无则不填"),
                Field::text(DocKey::Title, "标题", false, TITLE_MAX_CHARS).required(),
                Field::text(DocKey::Copies, "份数", false, 4).with_value("1"),
                Field::text(DocKey::Pages, "页数", false, 4).with_placeholder("可不填"),
                Field::text(DocKey::ReceivedAt, "收到时间", false, 19).with_value(&minute(cx.now)),
                Field::text(DocKey::Note, "备注", true, super::document::NOTE_MAX_CHARS),
                Field::text(DocKey::Clerk, "告知机要员", false, SHORT_MAX_CHARS).required(),
                Field::text(DocKey::ClerkToldAt, "告知时间", false, 19).with_value(&minute(cx.now)),
                Field::text(DocKey::ForwardTo, "转交给", false, 2000)
                    .with_placeholder("可不填，之后在详情里按 f 转交；多个用顿号隔开，可写分组名"),
            ],
        );
        apply_secrecy(&mut form);
        form
    }

    fn forward_form(cx: &Cx<'_>, d: &Document) -> Form<DocKey> {
        Form::new(
            &format!("转交：{}", d.serial_label()),
            vec![
                Field::text(DocKey::ForwardTo, "转交给", false, 2000)
                    .required()
                    .with_placeholder("领导或科室，多个用顿号隔开，可写分组名"),
                Field::text(DocKey::Purpose, "拟办意见", false, 200).with_placeholder("如 请王局长阅示；可不填"),
                Field::text(DocKey::ForwardAt, "转交时间", false, 19).with_value(&minute(cx.now)),
            ],
        )
    }

    fn sign_form(cx: &Cx<'_>, to_whom: &str) -> Form<DocKey> {
        Form::new(
            &format!("签收：转交 {to_whom}"),
            vec![
                Field::text(DocKey::SignedBy, "签收人", false, SHORT_MAX_CHARS)
                    .required()
                    .with_value(to_whom),
                Field::text(DocKey::SignedAt, "签收时间", false, 19).with_value(&minute(cx.now)),
            ],
        )
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        let Some((purpose, form)) = &mut self.form else { return };
        if form.saving {
            return;
        }
        form.clear_errors();
        let request = match purpose.clone() {
            DocPurpose::New => build_document(form, cx).map(|d| Request::AddDocument(Box::new(d))),
            DocPurpose::Forward(doc_id) => build_forward(form, cx).map(|(to, purpose, at)| Request::AddForwards {
                of: Forwarded::Document(doc_id),
                to,
                purpose,
                at,
                by: cx.operator.to_string(),
            }),
            DocPurpose::Sign { forward_id, .. } => {
                let missing = form.missing_required();
                if missing.is_empty() {
                    validate::time(&form.value(DocKey::SignedAt), cx.now)
                        .map(|at| Request::SignForward {
                            forward: forward_id,
                            entry: None,
                            signature: Box::new(Signature {
                                signed_by: form.value(DocKey::SignedBy).trim().to_string(),
                                signed_at: at,
                                recorded_by: cx.operator.to_string(),
                                recorded_at: cx.now,
                            }),
                        })
                        .map_err(|e| vec![(DocKey::SignedAt, e)])
                } else {
                    Err(missing)
                }
            }
        };
        match request {
            Ok(r) => {
                form.saving = true;
                self.save_op = Some(cx.request(r));
                cx.say("正在保存…");
            }
            Err(errors) => {
                form.set_errors(&errors);
                cx.say(form.notice.clone().unwrap_or_default());
            }
        }
    }

    fn after_form_event(&mut self, ev: Option<FormEvent<DocKey>>, cx: &mut Cx<'_>) {
        let Some((_, form)) = &mut self.form else { return };
        match ev {
            Some(FormEvent::Changed(DocKey::Secrecy)) => {
                let emptied = apply_secrecy(form);
                if form_is_secret(form) {
                    let said = if emptied {
                        format!("已清除已填的文号、标题、备注和转交。{SECRET_RULE}")
                    } else {
                        SECRET_RULE.to_string()
                    };
                    form.notice = Some(said.clone());
                    cx.say(said);
                    // A draft kept of the open form (with its title) goes at once.
                    cx.command(Command::KeepDraftsNow);
                } else {
                    form.notice = None;
                }
            }
            Some(FormEvent::Notice(m)) => {
                form.notice = Some(m.clone());
                cx.say(m);
            }
            _ => {}
        }
    }

    fn saved(&mut self, reply: Reply, cx: &mut Cx<'_>) {
        let secret = self.form.as_ref().is_some_and(|(_, f)| form_is_secret(f));
        let purpose = self.form.take().map(|(p, _)| p);
        match (purpose, reply) {
            (Some(DocPurpose::New), Reply::DocumentSaved { id, year, serial }) => {
                let label = super::document::serial_label(year, serial);
                cx.say(if secret {
                    format!("已保存：{label}（密件：只登记收到和告知机要员）。Esc 回到列表")
                } else {
                    format!("已保存：{label}。f 转交，s 记录签收，Esc 回到列表")
                });
                self.detail = Some((id, 0));
            }
            (Some(DocPurpose::Forward(_)), _) => cx.say("已保存：转交。签收时选中该转交按 s"),
            (Some(DocPurpose::Sign { .. }), _) => cx.say("已保存：签收"),
            _ => {}
        }
        self.load(cx);
        cx.command(Command::RecordsChanged);
    }
}

/// The document the form holds, or each field's problem.
fn build_document(form: &Form<DocKey>, cx: &Cx<'_>) -> Result<NewDocument, Vec<(DocKey, String)>> {
    let mut errors = form.missing_required();
    let secrecy = Secrecy::parse(&form.value(DocKey::Secrecy)).unwrap_or(Secrecy::Open);
    let count = |key: DocKey, label: &str, errors: &mut Vec<(DocKey, String)>| -> Option<u32> {
        let v = form.value(key);
        if v.trim().is_empty() {
            return None;
        }
        parse_count(label, &v).map_err(|e| errors.push((key, e))).ok()
    };
    let copies = if form.value(DocKey::Copies).trim().is_empty() {
        errors.push((DocKey::Copies, "请填写份数".to_string()));
        0
    } else {
        count(DocKey::Copies, "份数", &mut errors).unwrap_or(0)
    };
    let pages = count(DocKey::Pages, "页数", &mut errors);
    let received_at = validate::time(&form.value(DocKey::ReceivedAt), cx.now)
        .map_err(|e| errors.push((DocKey::ReceivedAt, e)))
        .ok();
    let clerk_told_at = if secrecy.is_secret() {
        validate::time(&form.value(DocKey::ClerkToldAt), cx.now)
            .map_err(|e| errors.push((DocKey::ClerkToldAt, e)))
            .ok()
    } else {
        None
    };
    // 转交给 may be left empty (可不填): forwarded later from the detail.
    let forward_to = if secrecy.is_secret() || form.value(DocKey::ForwardTo).trim().is_empty() {
        Vec::new()
    } else {
        split_names(&form.value(DocKey::ForwardTo), &cx.settings.instruction.groups)
            .map_err(|e| errors.push((DocKey::ForwardTo, e)))
            .unwrap_or_default()
    };
    let keep = |key: DocKey| {
        if secrecy.is_secret() {
            String::new()
        } else {
            form.value(key).trim().to_string()
        }
    };
    let doc = NewDocument {
        kind: DocKind::parse(&form.value(DocKey::Kind)).unwrap_or(DocKind::Document),
        secrecy,
        number: keep(DocKey::Number),
        title: keep(DocKey::Title),
        from: form.value(DocKey::From).trim().to_string(),
        urgency: Urgency::parse(&form.value(DocKey::Urgency)).unwrap_or(Urgency::Normal),
        copies,
        pages,
        received_at: received_at.unwrap_or(cx.now),
        note: keep(DocKey::Note),
        clerk: if secrecy.is_secret() {
            form.value(DocKey::Clerk).trim().to_string()
        } else {
            String::new()
        },
        clerk_told_at,
        forward_to,
        recorded_by: cx.operator.to_string(),
        recorded_at: cx.now,
    };
    if errors.is_empty()
        && let Err(more) = super::document::check_document(&doc, cx.now)
    {
        errors.extend(more.into_iter().map(|(f, m)| (DocKey::from(f), m)));
    }
    if errors.is_empty() { Ok(doc) } else { Err(errors) }
}

/// A forward as typed: to whom, 拟办意见, when.
type ForwardInput = (Vec<String>, String, NaiveDateTime);

/// The forward the form holds: names, 拟办意见, when.
fn build_forward(form: &Form<DocKey>, cx: &Cx<'_>) -> Result<ForwardInput, Vec<(DocKey, String)>> {
    let missing = form.missing_required();
    if !missing.is_empty() {
        return Err(missing);
    }
    let to = split_names(&form.value(DocKey::ForwardTo), &cx.settings.instruction.groups)
        .map_err(|e| vec![(DocKey::ForwardTo, e)])?;
    let at = validate::time(&form.value(DocKey::ForwardAt), cx.now).map_err(|e| vec![(DocKey::ForwardAt, e)])?;
    Ok((to, form.value(DocKey::Purpose).trim().to_string(), at))
}

impl Screen for DocsScreen {
    fn mode(&self) -> Mode {
        if self.form.is_some() {
            Mode::Form
        } else if self.detail.is_some() {
            Mode::DocDetail
        } else {
            Mode::Docs
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        if let Some((_, form)) = &mut self.form {
            match action {
                Action::Save => self.save(cx),
                Action::Cancel => self.discard_form(),
                a => {
                    let ev = form.apply(a);
                    self.after_form_event(ev, cx);
                }
            }
            return;
        }
        if let Some((id, row)) = self.detail {
            let doc = self.shown_document().cloned();
            let len = doc.as_ref().map_or(0, |d| d.forwards.len());
            match action {
                Action::Up => self.detail = Some((id, row.saturating_sub(1))),
                Action::Down => self.detail = Some((id, (row + 1).min(len.saturating_sub(1)))),
                Action::Forward => match doc {
                    Some(d) if d.secrecy.is_secret() => {
                        cx.say("密件不代收代转（000:162）：已告知机要员，由机要员按规定办理");
                    }
                    Some(d) => self.form = Some((DocPurpose::Forward(id), Self::forward_form(cx, &d))),
                    None => cx.say("读取中，请稍候"),
                },
                Action::SignFor => {
                    let Some(d) = doc else { return };
                    match d.forwards.get(row) {
                        None => cx.say("还没有转交：先按 f 转交"),
                        Some(f) if f.signature.is_some() => {
                            cx.say(format!("转交 {} 已签收，不能再签：按 ↑↓ 选其他转交", f.to_whom));
                        }
                        Some(f) => {
                            self.form = Some((
                                DocPurpose::Sign {
                                    doc_id: id,
                                    forward_id: f.id,
                                },
                                Self::sign_form(cx, &f.to_whom),
                            ));
                        }
                    }
                }
                Action::Redact => match doc.as_ref().map(super::redaction::document_subject) {
                    Some(Some(subject)) => cx.command(Command::Open(Target::Redact(Box::new(subject)))),
                    Some(None) => cx.say("这份收文没有可删除的文字内容（密件本就只记收到）"),
                    None => cx.say("读取中，请稍候"),
                },
                Action::Back => self.detail = None,
                _ => {}
            }
            return;
        }
        let last = (self.open.len() + self.recent.len()).saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::NewDocument => self.form = Some((DocPurpose::New, Self::new_form(cx))),
            Action::Open => {
                let opened = self.all().nth(self.selected).map(|d| {
                    let first_waiting = d.forwards.iter().position(|f| f.signature.is_none()).unwrap_or(0);
                    (d.id, first_waiting)
                });
                match opened {
                    Some(d) => self.detail = Some(d),
                    None => cx.say("还没有收文：按 n 登记"),
                }
            }
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    one_form_screen!(form, save_op, "粘贴只能在填写表单时使用：先按 n 登记收文");

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.load(cx);
        if let Some(id) = self.pending_open.take() {
            // It may be older than the list holds: read it on its own.
            self.open_op = Some(cx.request(Request::LoadDocument(id)));
        }
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
                Reply::Documents(open, recent) => {
                    self.open = open;
                    self.recent = recent;
                    self.loaded = true;
                    self.selected = self
                        .selected
                        .min((self.open.len() + self.recent.len()).saturating_sub(1));
                }
                Reply::Failed(why) => cx.say(format!("读取收文登记失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.open_op == Some(op) {
            self.open_op = None;
            match reply {
                Reply::Document(d) => {
                    let id = d.id;
                    if !self.all().any(|x| x.id == id) {
                        self.recent.push(*d);
                    }
                    self.detail = Some((id, 0));
                }
                Reply::Failed(why) => cx.say(format!("读取收文失败：{why}")),
                _ => {}
            }
            return;
        }
        if self.save_op != Some(op) {
            return;
        }
        self.save_op = None;
        match reply {
            Reply::Failed(why) => save_failed(self.form.as_mut().map(|(_, f)| f), &why, cx),
            r @ (Reply::DocumentSaved { .. } | Reply::CycleSaved { .. }) => self.saved(r, cx),
            _ => {}
        }
    }

    /// Only an open item's new form is kept: a secret item's never is (nor is its content).
    fn draft(&self) -> Option<String> {
        let (purpose, form) = self.form.as_ref().filter(|(_, f)| f.dirty)?;
        if *purpose != DocPurpose::New || form_is_secret(form) {
            return None;
        }
        serde_json::to_string(&DocDraft { form: form.to_draft() }).ok()
    }

    fn restore_draft(&mut self, body: &str, cx: &mut Cx<'_>) -> bool {
        let Ok(draft) = serde_json::from_str::<DocDraft>(body) else {
            return false;
        };
        let mut form = Self::new_form(cx);
        form.restore_draft(&draft.form);
        apply_secrecy(&mut form);
        self.detail = None;
        self.form = Some((DocPurpose::New, form));
        true
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            // Shown next: `on_show` reads the documents.
            Target::Documents => Ok(()),
            // A search hit: its detail, once the list (read on show) holds it.
            Target::Document(id) => {
                self.form = None;
                self.pending_open = Some(id);
                Ok(())
            }
            t => Err(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::screen::Outbox;
    use crate::core::settings::Settings;
    use crate::core::shared::Shared;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn settings() -> Settings {
        Settings {
            office_name: "测试值班室".into(),
            people: Vec::new(),
            categories: Vec::new(),
            urgent: crate::core::settings::UrgentSettings::default(),
            roster: None,
            calendar: crate::core::roster::Calendar::default(),
            visit: crate::core::settings::VisitSettings::default(),
            lock_minutes: 0,
            backup: crate::core::settings::BackupSettings::default(),
            access: Vec::new(),
            report: Default::default(),
            instruction: Default::default(),
            documents: Default::default(),
            notify: Default::default(),
            roster_rules: Default::default(),
        }
    }

    fn with_cx<T>(f: impl FnOnce(&mut Cx<'_>) -> T) -> (T, Outbox) {
        let settings = settings();
        let shared = Shared::default();
        let mut out = Outbox::default();
        let t = {
            let mut cx = Cx::new(&settings, "张三", at("2026-12-05 14:00"), &shared, &mut out);
            f(&mut cx)
        };
        (t, out)
    }

    fn type_text(s: &mut DocsScreen, text: &str, cx: &mut Cx<'_>) {
        for c in text.chars() {
            s.on_char(c, cx);
        }
    }

    fn focus(s: &mut DocsScreen, key: DocKey) {
        if let Some((_, f)) = &mut s.form {
            f.focus_on(key);
        }
    }

    #[test]
    fn choosing_a_secret_level_empties_and_hides_the_title_and_keeps_no_draft() {
        let (_, out) = with_cx(|cx| {
            let mut s = DocsScreen::default();
            s.on_action(Action::NewDocument, cx);
            focus(&mut s, DocKey::Title);
            type_text(&mut s, "绝密标题不该录入", cx);
            assert!(s.draft().unwrap().contains("绝密标题不该录入"));
            focus(&mut s, DocKey::Secrecy);
            s.on_action(Action::CursorRight, cx);
            s.on_action(Action::CursorRight, cx);
            let (_, form) = s.form.as_ref().unwrap();
            assert_eq!(form.value(DocKey::Secrecy), "机密");
            assert_eq!(form.value(DocKey::Title), "");
            assert!(form.field(DocKey::Title).unwrap().hidden);
            assert!(!form.field(DocKey::Clerk).unwrap().hidden);
            assert!(s.draft().is_none(), "a secret item's form is never a draft");
            // The 来文单位 and the clerk, then save: the request carries no title.
            focus(&mut s, DocKey::From);
            type_text(&mut s, "市委办", cx);
            focus(&mut s, DocKey::Clerk);
            type_text(&mut s, "李机要", cx);
            s.on_action(Action::Save, cx);
        });
        let sent: Vec<&Request> = out
            .effects
            .iter()
            .filter_map(|e| match e {
                crate::core::screen::Effect::Request(_, r) => Some(r),
                _ => None,
            })
            .collect();
        match sent.as_slice() {
            [Request::AddDocument(d)] => {
                assert_eq!(d.secrecy, Secrecy::Confidential);
                assert!(d.title.is_empty() && d.number.is_empty() && d.note.is_empty());
                assert_eq!(d.clerk, "李机要");
            }
            other => panic!("{other:?}"),
        }
        assert!(out.message.as_deref().unwrap_or("").contains("正在保存"));
    }

    #[test]
    fn an_open_document_saves_without_a_forward() {
        let ((), out) = with_cx(|cx| {
            let mut s = DocsScreen::default();
            s.on_action(Action::NewDocument, cx);
            focus(&mut s, DocKey::From);
            type_text(&mut s, "市防汛办", cx);
            focus(&mut s, DocKey::Title);
            type_text(&mut s, "关于防汛值班的通知", cx);
            s.on_action(Action::Save, cx);
        });
        let sent: Vec<&Request> = out
            .effects
            .iter()
            .filter_map(|e| match e {
                crate::core::screen::Effect::Request(_, r) => Some(r),
                _ => None,
            })
            .collect();
        match sent.as_slice() {
            [Request::AddDocument(d)] => assert!(d.forward_to.is_empty()),
            other => panic!("{other:?}: {:?}", out.message),
        }
    }

    #[test]
    fn an_open_document_needs_its_title_and_copies_are_digits() {
        let (msg, _) = with_cx(|cx| {
            let mut s = DocsScreen::default();
            s.on_action(Action::NewDocument, cx);
            focus(&mut s, DocKey::From);
            type_text(&mut s, "市防汛办", cx);
            focus(&mut s, DocKey::Copies);
            s.on_action(Action::DeleteBack, cx);
            type_text(&mut s, "三", cx);
            s.on_action(Action::Save, cx);
            let (_, form) = s.form.as_ref().unwrap();
            (
                form.field(DocKey::Title).unwrap().error.clone(),
                form.field(DocKey::Copies).unwrap().error.clone(),
            )
        });
        assert!(msg.0.unwrap().contains("“标题”必须填写"));
        assert!(msg.1.unwrap().contains("不是“三”"));
    }
}
