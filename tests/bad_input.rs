//! Bad input: whatever is typed, pasted, passed on the command line, or found at the database or
//! config path, nothing raw reaches the terminal, nothing dangerous is stored, nothing crashes,
//! and a file that is not ours is never changed.
//!
//! The checklist. Each vector names the test that checks it; "(existing)" means an older test
//! file already covers it and it is not repeated here.
//!
//! Pastes and typing
//! - 1 MB pasted into a form field: capped, Chinese notice, app carries on, the capped text saves
//!   - library: log form (a single-line and the multi-line field), visitor form, lookup box:
//!     `a_megabyte_pasted_into_form_fields_is_capped_with_a_chinese_notice_and_saves`
//!   - the real binary in tmux: `a_megabyte_pasted_in_the_terminal_is_capped_and_the_app_stays_responsive`
//! - escape sequences and control characters (CSI 2J, OSC 0 title, BEL, SGR 31, U+202E, NUL, DEL,
//!   8-bit CSI, OSC 52, RIS, BS) in every text field of the new-entry form (the 来电 and the
//!   来信/文件 layouts) and of the visitor form (信访 on: address, matter, five representatives —
//!   four filled, the fifth given payloads only) and in the lookup box:
//!   - typed key by key and pasted, library, stored values and every drawn cell checked:
//!     `control_characters_in_every_field_of_the_new_entry_form_are_never_stored_or_drawn`,
//!     `control_characters_in_every_field_of_the_visitor_form_are_never_stored_or_drawn`
//!   - pasted into the real binary, every byte it writes to its terminal recorded with tmux
//!     `pipe-pane`: `pasted_escape_sequences_are_never_stored_nor_written_to_the_terminal`
//!   - one paste into 内容 (existing: tests/screens.rs `escape_sequences_in_a_paste_never_reach_the_screen`,
//!     tests/e2e.rs `a_bracketed_paste_with_escape_sequences_is_stored_as_plain_text`)
//!   - a paste outside a form is never run as keys (existing: tests/e2e.rs, same test)
//! - the command line:
//!   - `log add` --unit/--caller/--content (existing: tests/cli.rs
//!     `escape_sequences_and_control_characters_are_stripped_before_saving`); the payloads in the
//!     text options of `log add`, `visit add` and `event add`, and the listings printing them:
//!     `control_characters_on_the_command_line_are_never_stored` (times given with control
//!     characters: `log add`/`visit add` clean them, `event add` refuses them — both fine)
//!   - an error message that repeats a bad argument never repeats it raw (20 arguments):
//!     `a_bad_argument_is_never_echoed_raw_in_the_error_message`
//!
//! Database paths (command line / app); each: Chinese message, exit 1, the file byte for byte
//! as before, no -wal/-shm/-journal left beside it
//! - a directory: CLI existing (tests/cli.rs `a_directory_as_the_database_exits_1_with_a_chinese_message`,
//!   tests/store.rs `a_directory_is_refused`); app: `the_app_refuses_a_bad_database_with_a_chinese_message_and_leaves_it_unchanged`
//! - unreadable: mode 000 (store: tests/store.rs `an_unreadable_file_is_refused_with_permission_denied`)
//!   is in both tests below whenever this process cannot read a mode-000 file; as root, which
//!   can, the case that still holds is a path running through a regular file
//!   (notes.txt/zhiban.db, notes.txt/data/zhiban.db), in both tests always:
//!   `a_bad_database_is_refused_by_the_command_line_with_a_chinese_message_and_left_unchanged`,
//!   `the_app_refuses_…`
//! - corrupt: random bytes; an SQLite header, then random bytes; a real database with page 1
//!   overwritten; a real database cut in half — refused at open; the same two tests (a text file:
//!   existing, tests/cli.rs `a_file_that_is_not_a_database_exits_1_and_is_left_unchanged`)
//! - corrupt where SQLite looks only when it reads: a real database with the duty log's pages
//!   overwritten is refused at open (opening reads the log to check the search index), by the
//!   app and the CLI alike, with 数据库文件已损坏; the file is unchanged. Damage on pages nothing
//!   reads at open (a table not read until used) is still found only when read: SQLite checks
//!   the pages it reads, not the whole file (`zhiban verify` and `restore` run the full check).
//! - locked by another process's EXCLUSIVE transaction: `log add` gives up after the busy
//!   timeout with a Chinese message while reads go on, and an older file that needs upgrading is
//!   refused untouched: `a_database_locked_by_another_process_fails_writes_within_the_busy_timeout`;
//!   the app keeps the typed form and saves once the lock is gone:
//!   `the_app_on_a_locked_database_keeps_the_form_and_saves_once_released` (library: existing,
//!   tests/screens.rs `a_store_failure_keeps_the_form_and_a_retry_saves`)
//! - from a newer version (user_version 999): CLI existing (tests/cli.rs
//!   `a_database_from_a_newer_version_is_refused_and_left_unchanged`, tests/store.rs
//!   `a_database_from_a_newer_version_is_refused_and_left_byte_for_byte_unchanged`); app: `the_app_refuses_…`
//!
//! Configuration: each kind of error names its file and line, exit 2, no database created
//! - unknown key, bad value, wrong type (a number for text, text for a whole number), syntax
//!   error, bad date in [calendar], unknown person in [roster], not UTF-8 — through `config check`
//!   and `log add`: `every_kind_of_config_error_names_its_line`; starting the app:
//!   `the_app_names_the_line_of_a_config_error` (existing: unit tests in src/config.rs, and
//!   tests/cli.rs `config_check_names_the_line_and_the_unknown_key` for the unknown key)

mod common;
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Harness;
use zhiban::core::form::Input;
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::core::log::LogField;
use zhiban::core::log_screen::LogKey;
use zhiban::core::visit::{RepresentativeDraft, VisitDraft, VisitField, build_visit};
use zhiban::core::visit_screen::VisitFormKey;
use zhiban::store::Store;

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

/// What a clipboard, a hostile caller's text message or a stuck key can deliver. Each would do
/// something to a terminal if written to it raw.
const PAYLOADS: &[(&str, &str)] = &[
    ("clear the screen (CSI 2J)", "\u{1b}[2J"),
    ("set the window title (OSC 0)", "\u{1b}]0;title\u{7}"),
    ("bell", "\u{7}"),
    ("red text (SGR 31)", "\u{1b}[31m"),
    ("right-to-left override", "\u{202e}"),
    ("NUL", "\0"),
    ("DEL", "\u{7f}"),
    ("8-bit CSI", "\u{9b}2J"),
    ("write the clipboard (OSC 52)", "\u{1b}]52;c;aGk=\u{7}"),
    ("reset the terminal (RIS)", "\u{1b}c"),
    ("backspace", "\u{8}"),
];

/// Every payload in a row.
fn all_payloads() -> String {
    PAYLOADS.iter().map(|(_, p)| *p).collect()
}

/// Single control characters: typed between the digits of a phone number or an ID number they
/// must vanish and leave the value valid.
const CONTROL_CHARS: &[char] = &['\u{7}', '\0', '\u{7f}', '\u{202e}', '\u{1b}', '\u{9b}', '\u{8}'];

/// Byte strings the app must never write to its terminal: the payloads as typed, and single
/// bytes it has no reason to write at all (no alert rings in these sessions).
fn never_written() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("the OSC title as pasted", b"\x1b]0;title\x07".to_vec()),
        ("the clear-screen as pasted", b"\x1b[2J".to_vec()),
        ("the SGR 31 as pasted", b"\x1b[31m".to_vec()),
        ("the OSC 52 as pasted", b"\x1b]52;".to_vec()),
        ("RIS", b"\x1bc".to_vec()),
        ("a BEL byte", b"\x07".to_vec()),
        ("a NUL byte", b"\x00".to_vec()),
        ("a DEL byte", b"\x7f".to_vec()),
        ("a BS byte", b"\x08".to_vec()),
        ("U+202E", "\u{202e}".as_bytes().to_vec()),
        ("an 8-bit CSI", "\u{9b}".as_bytes().to_vec()),
    ]
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Nothing a terminal would act on: no control character (a line break where allowed), no ESC,
/// no bidirectional override.
fn is_plain(s: &str, newlines: bool) -> bool {
    s.chars()
        .all(|c| !(c.is_control() && !(newlines && c == '\n')) && !is_bidi_control(c))
}

/// What typing `s` key by key leaves: every control and bidi character dropped, the rest kept.
fn typed_residue(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && !is_bidi_control(*c)).collect()
}

/// `s` with a control character after every character.
fn interleave_controls(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        out.push(c);
        out.push(CONTROL_CHARS[i % CONTROL_CHARS.len()]);
    }
    if s.is_empty() {
        out.extend(CONTROL_CHARS);
    }
    out
}

/// `s` with every payload before, in the middle and after it: sanitized, exactly `s`.
fn wrapped_in_payloads(s: &str) -> String {
    let half = s.chars().count() / 2;
    let (a, b): (String, String) = (s.chars().take(half).collect(), s.chars().skip(half).collect());
    let p = all_payloads();
    format!("{p}{a}{p}{b}{p}")
}

/// About 1 MiB of text, an escape sequence in every phrase.
fn megabyte() -> String {
    let unit = "河堤渗水险情\u{1b}[31m，";
    unit.repeat((1 << 20) / unit.len() + 1)
}

/// What a field capped at `cap` characters keeps of [`megabyte`].
fn megabyte_capped(cap: usize, multiline: bool) -> String {
    zhiban::core::text::sanitize(&megabyte(), multiline)
        .chars()
        .take(cap)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The library harness: keys and pastes into the real app and store
// ---------------------------------------------------------------------------------------------

/// Draws the screen and fails if any cell holds something a terminal would act on.
fn assert_screen_plain(h: &mut Harness, when: &str) {
    h.screen();
    let bad = h
        .terminal
        .backend()
        .buffer()
        .content
        .iter()
        .find(|c| !is_plain(c.symbol(), false))
        .map(|c| c.symbol().to_string());
    if let Some(symbol) = bad {
        panic!("{when}: a cell holds {symbol:?}:\n{}", h.text());
    }
}

/// A field of the log's or the visitor screen's forms (each screen names its own fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKey {
    Log(LogKey),
    Visit(VisitFormKey),
}

impl From<LogKey> for FieldKey {
    fn from(k: LogKey) -> Self {
        Self::Log(k)
    }
}

impl From<VisitFormKey> for FieldKey {
    fn from(k: VisitFormKey) -> Self {
        Self::Visit(k)
    }
}

/// A field as these tests see it: key, hidden, text cap (None for a choice).
type FieldSummary = (FieldKey, bool, Option<usize>);

/// The open form's fields and the focused key.
fn open_form(h: &Harness) -> Option<(Vec<FieldSummary>, Option<FieldKey>)> {
    fn read<K: zhiban::core::form::FieldId>(
        form: &zhiban::core::form::Form<K>,
        wrap: impl Fn(K) -> FieldKey,
    ) -> (Vec<FieldSummary>, Option<FieldKey>) {
        let fields = form
            .fields
            .iter()
            .map(|f| {
                let cap = match &f.input {
                    Input::Text(b) => Some(b.max_chars()),
                    Input::Choice { .. } => None,
                };
                (wrap(f.key), f.hidden, cap)
            })
            .collect();
        (fields, form.focused().map(|f| wrap(f.key)))
    }
    if let Some(f) = h.app.screens.log.form.as_ref() {
        return Some(read(&f.form, FieldKey::Log));
    }
    h.app
        .screens
        .visits
        .form
        .as_ref()
        .map(|(f, _)| read(f, FieldKey::Visit))
}

/// The focused field of whichever form is open.
fn focused_key(h: &Harness) -> Option<FieldKey> {
    open_form(h)?.1
}

/// Moves the focus with Tab (real keys) until `key` has it.
fn tab_to(h: &mut Harness, key: impl Into<FieldKey>) {
    let key = key.into();
    for _ in 0..80 {
        if focused_key(h) == Some(key) {
            return;
        }
        h.key(Key::plain(KeyCode::Tab));
    }
    panic!("Tab never reached {key:?}:\n{}", h.text());
}

/// The length cap of the focused text field.
fn focused_cap(h: &Harness) -> usize {
    let Some((fields, Some(focused))) = open_form(h) else {
        return usize::MAX;
    };
    fields
        .iter()
        .find(|(k, ..)| *k == focused)
        .and_then(|(_, _, cap)| *cap)
        .unwrap_or(usize::MAX)
}

/// The visible text fields of the open form, in order.
fn visible_text_fields(h: &Harness) -> Vec<FieldKey> {
    let (fields, _) = open_form(h).expect("a form is open");
    fields
        .into_iter()
        .filter(|(_, hidden, cap)| !hidden && cap.is_some())
        .map(|(k, ..)| k)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// Key by key (as the runtime hands over each character).
    Typed,
    /// One bracketed paste.
    Pasted,
}

/// Puts `value` into the focused field with payloads around it; returns what must be stored.
/// Strict fields (numbers, times) get single control characters when typed: typed key by key,
/// the printable rest of an escape sequence is ordinary text and would not be a valid number.
fn enter(h: &mut Harness, how: How, value: &str, strict: bool) -> String {
    match how {
        How::Typed if strict => {
            h.type_text(&interleave_controls(value));
            value.to_string()
        }
        How::Typed => {
            let half = value.chars().count() / 2;
            let typed: String = format!(
                "{}{}{}{}",
                interleave_controls(&value.chars().take(half).collect::<String>()),
                all_payloads(),
                value.chars().skip(half).collect::<String>(),
                all_payloads()
            );
            let cap = focused_cap(h);
            h.type_text(&typed);
            // Typing stops at the field's length cap.
            typed_residue(&typed).chars().take(cap).collect()
        }
        How::Pasted => {
            h.paste(&wrapped_in_payloads(value));
            value.to_string()
        }
    }
}

/// A valid value for each text field of the new-entry form, and whether it is strict.
fn log_value(field: LogField) -> (&'static str, bool) {
    match field {
        LogField::OccurredAt => ("2026-11-23 03:05", true),
        LogField::Unit => ("城关镇人民政府", false),
        LogField::Person => ("王建国", false),
        LogField::Phone => ("13812345678", true),
        LogField::Content => ("河堤出现渗水，已组织人员巡查", false),
        LogField::ReportedElsewhere => ("已报县水利局", false),
        LogField::ForwardedTo => ("县水务局", false),
        LogField::ForwardedAt => ("2026-11-23 03:08", true),
        LogField::Receiver => ("李四", false),
        LogField::Proposal => ("请带班领导阅示", false),
        LogField::Result => ("已通知巡查", false),
        LogField::Handler => ("王五", false),
        LogField::ClosedAt => ("", true),
        other => panic!("the new-entry form has a text field {other:?} this test does not fill: add it"),
    }
}

#[test]
fn control_characters_in_every_field_of_the_new_entry_form_are_never_stored_or_drawn() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let mut saved = 0;
    let mut fields_tried = 0;
    // 来电 (index 0) and 来信/文件 (index 4, which adds the forwarding fields).
    for kind_steps in [0, 4] {
        for how in [How::Typed, How::Pasted] {
            h.key(Key::ch('n'));
            tab_to(&mut h, LogKey::Log(LogField::Kind));
            h.keys(KeyCode::Right, kind_steps);
            let mut expected = Vec::new();
            for key in visible_text_fields(&h) {
                let FieldKey::Log(LogKey::Log(field)) = key else {
                    panic!("a field {key:?} in the new-entry form")
                };
                let (value, strict) = log_value(field);
                tab_to(&mut h, key);
                let stored = enter(&mut h, how, value, strict);
                assert_screen_plain(&mut h, &format!("after {how:?} into {field:?}"));
                expected.push((field, stored));
                fields_tried += 1;
            }
            h.key(Key::ctrl('s'));
            saved += 1;
            let text = h.text();
            assert!(
                text.contains(&format!("已保存：第 {saved} 号记录")),
                "{how:?}, kind +{kind_steps}:\n{text}"
            );
            assert_screen_plain(&mut h, "the list after saving");
            let entry = h.store.entry(saved).unwrap().fields;
            for (field, want) in expected {
                let got = entry.value(field);
                assert!(is_plain(&got, field.is_multiline()), "{field:?} stored {got:?}");
                assert_eq!(got, want, "{how:?}: {field:?}");
            }
            // Open it: the detail draws every field.
            h.key(Key::plain(KeyCode::Home));
            h.key(Key::plain(KeyCode::Enter));
            assert_screen_plain(&mut h, "the entry's detail");
            h.key(Key::plain(KeyCode::Esc));
        }
    }
    eprintln!(
        "new-entry form: {fields_tried} fields filled with payloads, {saved} entries saved, nothing raw stored or drawn"
    );
}

/// A valid 18-digit 居民身份证 number with its check character computed (GB 11643-1999).
fn resident_id(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = "10X98765432".chars().nth((sum % 11) as usize).expect("below 11");
    format!("{first17}{check}")
}

/// Four representatives are filled in; the fifth's fields get payloads only (nothing left).
const REPRESENTATIVES: usize = 4;

/// A valid value for each text field of the visitor form, and whether it is strict.
fn visit_value(field: VisitField) -> (String, bool) {
    let text = |s: &str| (s.to_string(), false);
    let strict = |s: &str| (s.to_string(), true);
    match field {
        VisitField::Name => text("曾国藩"),
        VisitField::IdNumber => strict("11010519491231002X"),
        VisitField::Employer => text("市水利局"),
        VisitField::Phone => strict("13812345678"),
        VisitField::PeopleCount => strict("4"),
        VisitField::Companions => text("李四 王五 赵六"),
        VisitField::Purpose => text("反映征地补偿问题"),
        VisitField::Plate => strict("云A12345"),
        VisitField::Belongings => text("文件袋一个"),
        VisitField::EnteredAt => strict("2026-11-23 03:05"),
        VisitField::PetitionAddress => text("云南省昆明市五华区某街道"),
        VisitField::PetitionMatter => text("征地补偿款未按时发放"),
        VisitField::RepName(i) if i < REPRESENTATIVES => text(["甲代表", "乙代表", "丙代表", "丁代表"][i]),
        VisitField::RepIdNumber(i) if i < REPRESENTATIVES => {
            (resident_id(&format!("53010219800101{:02}3", 11 + i)), true)
        }
        VisitField::RepPhone(i) if i < REPRESENTATIVES => (format!("1391234567{i}"), true),
        VisitField::RepName(_) | VisitField::RepIdNumber(_) | VisitField::RepPhone(_) => strict(""),
        VisitField::Handling => text("已联系信访科接待"),
        other => panic!("the visitor form has a text field {other:?} this test does not fill: add it"),
    }
}

/// The draft the form should amount to, with `entered` values for the text fields.
fn expected_visit(entered: &[(VisitField, String)]) -> VisitDraft {
    let get = |f: VisitField| {
        entered
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    VisitDraft {
        name: get(VisitField::Name),
        id_type: "居民身份证".into(),
        id_number: get(VisitField::IdNumber),
        employer: get(VisitField::Employer),
        phone: get(VisitField::Phone),
        people_count: get(VisitField::PeopleCount),
        companions: get(VisitField::Companions),
        purpose: get(VisitField::Purpose),
        host: "办公室".into(),
        plate: get(VisitField::Plate),
        belongings: get(VisitField::Belongings),
        handling: get(VisitField::Handling),
        entered_at: get(VisitField::EnteredAt),
        petition: true,
        petition_address: get(VisitField::PetitionAddress),
        petition_matter: get(VisitField::PetitionMatter),
        representatives: (0..5)
            .map(|i| RepresentativeDraft {
                name: get(VisitField::RepName(i)),
                id_number: get(VisitField::RepIdNumber(i)),
                phone: get(VisitField::RepPhone(i)),
            })
            .collect(),
        liaison: Some(0),
        ..VisitDraft::default()
    }
}

#[test]
fn control_characters_in_every_field_of_the_visitor_form_are_never_stored_or_drawn() {
    let mut h = Harness::new(80, 24, Some("张三"));
    h.key(Key::ch('2'));
    let mut fields_tried = 0;
    for (n, how) in [How::Typed, How::Pasted].into_iter().enumerate() {
        // The lookup box first (40 characters: single control characters when typed): the
        // payloads vanish and the name is looked up.
        h.key(Key::ch('n'));
        let name = enter(&mut h, how, "曾国藩", true);
        let query = h
            .app
            .screens
            .visits
            .lookup
            .as_ref()
            .expect("the lookup box")
            .query
            .text()
            .to_string();
        assert!(is_plain(&query, false), "lookup query {query:?}");
        assert_eq!(query, name);
        assert_screen_plain(&mut h, "the lookup box");
        // A new visitor, whatever was found.
        h.key(Key::ctrl('n'));
        assert!(h.app.screens.visits.form.is_some(), "{}", h.text());
        // 信访 on: the petition fields and the representatives appear.
        tab_to(&mut h, VisitFormKey::Visit(VisitField::Petition));
        h.key(Key::plain(KeyCode::Right));
        tab_to(&mut h, VisitFormKey::Visit(VisitField::Liaison));
        h.key(Key::plain(KeyCode::Right)); // 代表1
        let mut entered = Vec::new();
        for key in visible_text_fields(&h) {
            let FieldKey::Visit(VisitFormKey::Visit(field)) = key else {
                panic!("a field {key:?} in the visitor form")
            };
            let (value, strict) = visit_value(field);
            tab_to(&mut h, key);
            h.key(Key::ctrl('u')); // whatever the lookup filled in
            let stored = enter(&mut h, how, &value, strict);
            assert_screen_plain(&mut h, &format!("after {how:?} into {field:?}"));
            entered.push((field, stored));
            fields_tried += 1;
        }
        h.key(Key::ctrl('s'));
        let id = i64::try_from(n + 1).unwrap();
        let text = h.text();
        assert!(text.contains(&format!("已保存：第 {id} 号来访")), "{how:?}:\n{text}");
        assert_screen_plain(&mut h, "the board after saving");
        let stored = h.store.visit(id).unwrap().fields;
        let want = build_visit(&expected_visit(&entered), "张三", h.clock, h.clock.date())
            .unwrap_or_else(|e| panic!("the expected visit is valid: {e:?}"));
        assert_eq!(stored, want, "{how:?}");
        for s in [
            &stored.name,
            &stored.id_number,
            &stored.employer,
            &stored.companions,
            &stored.purpose,
            &stored.belongings,
        ] {
            assert!(is_plain(s, false), "stored {s:?}");
        }
        assert!(is_plain(&stored.handling, true) && stored.representatives.len() == REPRESENTATIVES);
        // The detail draws it all.
        h.key(Key::plain(KeyCode::Enter));
        assert_screen_plain(&mut h, "the visit's detail");
        h.key(Key::plain(KeyCode::Esc));
    }
    eprintln!(
        "visitor form: {fields_tried} fields (and the lookup box twice) filled with payloads, nothing raw stored or drawn"
    );
}

#[test]
fn a_megabyte_pasted_into_form_fields_is_capped_with_a_chinese_notice_and_saves() {
    let mut h = Harness::new(80, 24, Some("张三"));
    let big = megabyte();
    assert!(big.len() >= 1 << 20);
    h.key(Key::ch('n'));
    // A single-line field (来电单位, 100 characters) …
    tab_to(&mut h, LogKey::Log(LogField::Unit));
    h.paste(&big);
    let text = h.text();
    assert!(
        text.contains("粘贴内容过长：“来电单位”最多 100 个字，只粘贴了前 100 个字"),
        "{text}"
    );
    assert_screen_plain(&mut h, "after 1 MB into 来电单位");
    // … and the multi-line 内容 (4000).
    tab_to(&mut h, LogKey::Log(LogField::Content));
    h.paste(&big);
    let text = h.text();
    assert!(
        text.contains("粘贴内容过长：“内容”最多 4000 个字，只粘贴了前 4000 个字"),
        "{text}"
    );
    assert_screen_plain(&mut h, "after 1 MB into 内容");
    // Typing more is refused, politely.
    h.type_text("再");
    assert!(h.text().contains("“内容”最多 4000 个字，已满"), "{}", h.text());
    // The app carries on: keys still move, and the capped text saves.
    h.key(Key::ctrl('s'));
    assert!(h.text().contains("已保存：第 1 号记录"), "{}", h.text());
    let e = h.store.entry(1).unwrap().fields;
    assert_eq!(e.unit, megabyte_capped(100, false).trim());
    assert_eq!(e.content, megabyte_capped(4000, true));
    assert_screen_plain(&mut h, "the list");

    // The visitor lookup box (40 characters) and a visitor form field (来访事由, 500).
    h.key(Key::ch('2'));
    h.key(Key::ch('n'));
    h.paste(&big);
    let query = h
        .app
        .screens
        .visits
        .lookup
        .as_ref()
        .expect("the lookup box")
        .query
        .text()
        .to_string();
    assert_eq!(query, megabyte_capped(40, false));
    assert_screen_plain(&mut h, "the lookup box after 1 MB");
    h.key(Key::ctrl('n'));
    tab_to(&mut h, VisitFormKey::Visit(VisitField::Purpose));
    h.paste(&big);
    assert!(
        h.text()
            .contains("粘贴内容过长：“来访事由”最多 500 个字，只粘贴了前 500 个字"),
        "{}",
        h.text()
    );
    assert_screen_plain(&mut h, "the visitor form after 1 MB");
}

// ---------------------------------------------------------------------------------------------
// The real binary in tmux: what it stores, and every byte it writes to its terminal
// ---------------------------------------------------------------------------------------------

/// Pastes `text` (NUL and all: through a file, not a command line) into the running app.
fn paste_bytes(t: &tmux::Term, sandbox: &tmux::Sandbox, text: &str) {
    let file = sandbox.path("paste.txt");
    std::fs::write(&file, text).expect("write the paste");
    t.paste_file(&file);
}

/// Fails if the recorded terminal output holds any payload as typed.
fn assert_never_written(output: &[u8]) {
    for (what, bytes) in never_written() {
        if let Some(at) = tmux::find(output, &bytes) {
            let from = at.saturating_sub(60);
            panic!(
                "the app wrote {what} to the terminal at byte {at}: …{:?}…",
                String::from_utf8_lossy(&output[from..(at + bytes.len() + 20).min(output.len())])
            );
        }
    }
}

/// The log form's text fields for an incoming call, as labelled on screen, with valid values
/// (times in 2001: in the past whatever today is).
const LOG_LABELS: &[(&str, LogField, &str)] = &[
    ("来电时间", LogField::OccurredAt, "2001-02-03 04:05"),
    ("来电单位", LogField::Unit, "城关镇人民政府"),
    ("来电人", LogField::Person, "王建国"),
    ("来电号码", LogField::Phone, "13812345678"),
    ("内容", LogField::Content, "河堤出现渗水，已组织人员巡查"),
    ("已报其他", LogField::ReportedElsewhere, "已报县水利局"),
    ("受话人", LogField::Receiver, "李四"),
    ("拟办意见", LogField::Proposal, "请带班领导阅示"),
    ("办理结果", LogField::Result, "已通知巡查"),
    ("承办人", LogField::Handler, "王五"),
    ("办结时间", LogField::ClosedAt, ""),
];

/// The visitor form's fields in screen order: a text field's label and field, or a choice to move
/// one step right (信访 → 是, 联络人 → 代表1).
fn visit_steps() -> Vec<(String, Option<VisitField>)> {
    let mut steps: Vec<(String, Option<VisitField>)> = [
        VisitField::Name,
        VisitField::IdNumber,
        VisitField::Employer,
        VisitField::Phone,
        VisitField::PeopleCount,
        VisitField::Companions,
        VisitField::Purpose,
        VisitField::Plate,
        VisitField::Belongings,
        VisitField::EnteredAt,
    ]
    .into_iter()
    .map(|f| (f.label(), Some(f)))
    .collect();
    steps.push(("信访".into(), None));
    steps.push((VisitField::PetitionAddress.label(), Some(VisitField::PetitionAddress)));
    steps.push((VisitField::PetitionMatter.label(), Some(VisitField::PetitionMatter)));
    for i in 0..5 {
        for f in [
            VisitField::RepName(i),
            VisitField::RepIdNumber(i),
            VisitField::RepPhone(i),
        ] {
            steps.push((f.label(), Some(f)));
        }
    }
    steps.push(("联络人".into(), None));
    steps.push((VisitField::Handling.label(), Some(VisitField::Handling)));
    steps
}

#[test]
fn pasted_escape_sequences_are_never_stored_nor_written_to_the_terminal() {
    let sandbox = tmux::Sandbox::new();
    let output = sandbox.path("terminal-output.bin");
    let t = sandbox.start(80, 24, &[]);
    t.record_output(&output);
    t.pick_operator();
    t.see("还没有值班记录");
    let mut pasted = 0;

    // Every text field of the new-entry form.
    t.send_keys(&["n"]);
    t.see("新建值班记录");
    for (label, _, value) in LOG_LABELS {
        t.focus(label);
        paste_bytes(&t, &sandbox, &wrapped_in_payloads(value));
        if !value.is_empty() {
            t.wait_until(&format!("{value} in {label}"), tmux::DEADLINE, |s| {
                s.row_with(&[label, value]).is_some()
            });
        }
        pasted += 1;
    }
    t.send_keys(&["C-s"]);
    t.see("已保存：第 1 号记录");

    // Every text field of the visitor form, 信访 on, after the lookup box.
    t.send_keys(&["2"]);
    t.see("楼内没有未离开的来访人员");
    t.send_keys(&["n"]);
    t.see("登记来访：先查找是否来过");
    paste_bytes(&t, &sandbox, &wrapped_in_payloads("曾国藩"));
    t.see("没有找到");
    pasted += 1;
    t.send_keys(&["C-n"]);
    t.see("证件号码");
    let mut entered = Vec::new();
    for (label, field) in visit_steps() {
        t.focus(&label);
        let Some(field) = field else {
            t.send_keys(&["Right"]);
            continue;
        };
        let (value, _) = visit_value(field);
        let value = if field == VisitField::EnteredAt {
            "2001-02-03 04:05".to_string()
        } else {
            value
        };
        t.send_keys(&["C-u"]);
        paste_bytes(&t, &sandbox, &wrapped_in_payloads(&value));
        if !value.is_empty() {
            t.wait_until(&format!("{value} in {label}"), tmux::DEADLINE, |s| {
                s.row_with(&[&label, &value]).is_some()
            });
        }
        entered.push((field, value));
        pasted += 1;
    }
    t.send_keys(&["C-s"]);
    t.see("已保存：第 1 号来访");
    t.send_keys(&["Enter"]);
    t.see("按 v 显示完整号码"); // the visit's detail
    // Escape, then wait for the board: an Esc followed at once by a key reads as Alt+key.
    t.send_keys(&["Escape"]);
    t.wait_until("the board", tmux::DEADLINE, |s| {
        s.contains("在楼人员") && !s.contains("按 v 显示完整号码")
    });
    t.send_keys(&["1"]);
    t.see("值班记录（按时间");
    t.quit();

    // Everything the app wrote is recorded once the wrapper's exit line is.
    let bytes = tmux::wait_for_bytes(&output, tmux::EXIT_MARK.as_bytes());
    assert!(
        tmux::find(&bytes, b"\x1b[").is_some(),
        "the recording holds the raw output"
    );
    assert_never_written(&bytes);

    // Stored exactly as meant, nothing else.
    let store = Store::open(&sandbox.db()).unwrap();
    let entry = store.entry(1).unwrap().fields;
    for (label, field, value) in LOG_LABELS {
        assert_eq!(entry.value(*field), *value, "{label}");
    }
    let visit = store.visit(1).unwrap().fields;
    let mut want = build_visit(
        &expected_visit(&entered),
        "张三",
        visit.registered_at,
        visit.registered_at.date(),
    )
    .unwrap_or_else(|e| panic!("the expected visit is valid: {e:?}"));
    want.registered_at = visit.registered_at;
    assert_eq!(visit, want);
    eprintln!(
        "terminal: {pasted} fields (the lookup box included) each pasted the {} payloads three times; {} bytes of \
         terminal output, none of {} forbidden byte strings in it",
        PAYLOADS.len(),
        bytes.len(),
        never_written().len()
    );
}

#[test]
fn a_megabyte_pasted_in_the_terminal_is_capped_and_the_app_stays_responsive() {
    let sandbox = tmux::Sandbox::new();
    let big = sandbox.path("big.txt");
    std::fs::write(&big, megabyte()).unwrap();
    let t = sandbox.start(80, 24, &[]);
    t.pick_operator();
    t.send_keys(&["n"]);
    t.see("新建值班记录");
    t.focus("内容");
    let began = Instant::now();
    t.paste_file(&big);
    t.see("粘贴内容过长：“内容”最多 4000 个字，只粘贴了前 4000 个字");
    let took = began.elapsed();
    // Still answering keys.
    t.send_keys(&["Tab"]);
    t.wait_until("the focus on 已报其他", tmux::DEADLINE, |s| {
        tmux::Term::focused_label(s).as_deref() == Some("已报其他")
    });
    t.type_text("已报县水利局");
    t.see("已报县水利局");
    t.focus("来电单位");
    t.type_text("城关镇");
    t.see("城关镇");
    t.send_keys(&["C-s"]);
    t.see("已保存：第 1 号记录");
    t.quit();
    let store = Store::open(&sandbox.db()).unwrap();
    let e = store.entry(1).unwrap().fields;
    assert_eq!(e.content, megabyte_capped(4000, true));
    assert_eq!(e.reported_elsewhere, "已报县水利局");
    eprintln!(
        "1 MB paste: {} bytes pasted through tmux, capped to 4000 characters with the notice after {:.1} s, the app \
         answered the next key",
        megabyte().len(),
        took.as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// Database paths: refused with a Chinese message, the file left as it was
// ---------------------------------------------------------------------------------------------

/// Whether this process reads files whatever their mode (root, or CAP_DAC_OVERRIDE).
fn reads_mode_000(dir: &Path) -> bool {
    let probe = dir.join("probe-000");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let readable = std::fs::File::open(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    readable
}

/// A real zhiban database with 300 entries of 300 characters (many pages).
fn real_database(path: &Path) -> Vec<u8> {
    let mut store = Store::open(path).unwrap();
    let t = common::at("2026-11-23 03:10:00");
    for i in 0..300 {
        let raw = [
            (LogField::Kind, "来电".to_string()),
            (LogField::Unit, "城关镇".to_string()),
            (LogField::Content, format!("第{i}条{}", "河".repeat(300))),
        ]
        .into_iter()
        .collect();
        store
            .insert_entry(&zhiban::core::log::build_entry(&raw, "张三", t).unwrap())
            .unwrap();
    }
    drop(store);
    std::fs::read(path).unwrap()
}

/// The bytes of a pseudo-random generator (xorshift), so a failure repeats.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// One database path the program must refuse.
struct BadDb {
    what: &'static str,
    path: PathBuf,
    /// What the message must say.
    needle: &'static str,
    /// The file (or directory, or the regular file in the way) that must not change.
    keep: PathBuf,
    /// The test in tests/cli.rs that already covers it on the command line, if any.
    cli_existing: Option<&'static str>,
    /// Whether the app finds it only when reading (it opens, then says so on its status line).
    found_on_read: bool,
}

/// Every bad database, each in its own directory under `root`.
fn bad_databases(root: &Path) -> Vec<BadDb> {
    let dir = |name: &str| {
        let d = root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let mut cases = Vec::new();

    let d = dir("directory");
    let path = d.join("zhiban.db");
    std::fs::create_dir(&path).unwrap();
    cases.push(BadDb {
        what: "a directory",
        path: path.clone(),
        needle: "是一个目录",
        keep: path,
        cli_existing: Some("a_directory_as_the_database_exits_1_with_a_chinese_message"),
        found_on_read: false,
    });

    let d = dir("under-a-file");
    let file = d.join("notes.txt");
    std::fs::write(&file, "交接班备忘\n").unwrap();
    cases.push(BadDb {
        what: "a path under a regular file",
        path: file.join("zhiban.db"),
        needle: "不是目录",
        keep: file.clone(),
        cli_existing: None,
        found_on_read: false,
    });
    cases.push(BadDb {
        what: "a path two levels under a regular file",
        path: file.join("data").join("zhiban.db"),
        needle: "不是目录",
        keep: file,
        cli_existing: None,
        found_on_read: false,
    });

    let d = dir("mode-000");
    if reads_mode_000(&d) {
        eprintln!("this process reads mode-000 files (root or CAP_DAC_OVERRIDE): the mode-000 case is left out");
    } else {
        let path = d.join("zhiban.db");
        real_database(&path);
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
        cases.push(BadDb {
            what: "a file nobody may read (mode 000)",
            path: path.clone(),
            needle: "没有权限",
            keep: path,
            cli_existing: None,
            found_on_read: false,
        });
    }

    let d = dir("random");
    let path = d.join("zhiban.db");
    std::fs::write(&path, noise(64 * 1024, 7)).unwrap();
    cases.push(BadDb {
        what: "random bytes",
        path: path.clone(),
        needle: "不是 zhiban 数据库，或文件已损坏",
        keep: path,
        cli_existing: None,
        found_on_read: false,
    });

    let d = dir("header");
    let path = d.join("zhiban.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(noise(64 * 1024 - 16, 11));
    std::fs::write(&path, bytes).unwrap();
    cases.push(BadDb {
        what: "an SQLite header, then random bytes",
        path: path.clone(),
        needle: "不是 zhiban 数据库，或文件已损坏",
        keep: path,
        cli_existing: None,
        found_on_read: false,
    });

    let d = dir("page-1");
    let path = d.join("zhiban.db");
    let mut bytes = real_database(&path);
    bytes.splice(100..4096, noise(3996, 13));
    std::fs::write(&path, bytes).unwrap();
    cases.push(BadDb {
        what: "a real database with page 1 overwritten",
        path: path.clone(),
        needle: "已损坏",
        keep: path,
        cli_existing: None,
        found_on_read: false,
    });

    let d = dir("half");
    let path = d.join("zhiban.db");
    let bytes = real_database(&path);
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    cases.push(BadDb {
        what: "a real database cut in half",
        path: path.clone(),
        needle: "已损坏",
        keep: path,
        cli_existing: None,
        found_on_read: false,
    });

    // Damage SQLite meets only when it reads those pages: the duty log's own pages (its root
    // and the pages after it), wherever the other tables and indexes put them in the file.
    let d = dir("tail");
    let path = d.join("zhiban.db");
    let mut bytes = real_database(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let root: i64 = conn
        .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'log_entry'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let (root, page) = (usize::try_from(root).unwrap(), usize::try_from(page).unwrap());
    drop(conn);
    let start = (root - 1) * page;
    bytes.splice(start..start + page, noise(page, 17));
    std::fs::write(&path, bytes).unwrap();
    cases.push(BadDb {
        what: "a real database with the duty log's pages overwritten",
        path: path.clone(),
        needle: "已损坏",
        keep: path,
        cli_existing: None,
        found_on_read: false,
    });

    let d = dir("newer");
    let path = d.join("zhiban.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('新版本的数据');")
        .unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    cases.push(BadDb {
        what: "a database from a newer version",
        path: path.clone(),
        needle: "请升级 zhiban",
        keep: path,
        cli_existing: Some("a_database_from_a_newer_version_is_refused_and_left_unchanged"),
        found_on_read: false,
    });
    cases
}

/// What a path holds: a file's bytes, or a directory's sorted names.
fn contents(path: &Path) -> Vec<u8> {
    if path.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        return names.join("\n").into_bytes();
    }
    // A mode-000 file: read it as its owner would, by lending the owner the right for a moment.
    let mode = std::fs::metadata(path).map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()));
    if let Ok(mode) = mode
        && mode & 0o400 == 0
    {
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        let bytes = std::fs::read(path).unwrap();
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
        return bytes;
    }
    std::fs::read(path).unwrap_or_default()
}

/// SQLite's companions of a database file that exist.
fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .filter(|p| p.exists())
        .collect()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// English words in a message, paths and the program's own name aside: an officer should not
/// have to read "Not a directory (os error 20)" or "database disk image is malformed".
fn english_words(message: &str, paths: &[&Path]) -> Vec<String> {
    let mut m = message.to_string();
    for p in paths {
        m = m.replace(&p.display().to_string(), "");
    }
    m.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !["zhiban", "config", "default"].contains(w))
        .map(str::to_string)
        .collect()
}

/// Asserts a clear refusal: exit 1, nothing on stdout, a Chinese message saying `needle`.
fn assert_refused(out: &std::process::Output, case: &BadDb, args: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{} with {args:?}: exit status; stderr: {err}",
        case.what
    );
    assert!(
        out.stdout.is_empty(),
        "{} with {args:?}: stdout {:?}",
        case.what,
        out.stdout
    );
    assert!(
        has_chinese(&err) && err.contains(case.needle),
        "{} with {args:?}: the message should say “{}”: {err}",
        case.what,
        case.needle
    );
    let english = english_words(&err, &[&case.path, &case.keep]);
    assert!(
        english.is_empty(),
        "{} with {args:?}: English in {err:?}: {english:?}",
        case.what
    );
    assert!(is_plain(&err, true), "{}: {err:?}", case.what);
    err
}

/// The writes and reads a script would try.
const DB_COMMANDS: &[&[&str]] = &[
    &["log", "list", "--json", "--limit", "0"],
    &[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "城关镇",
        "--content",
        "河堤渗水",
    ],
    &[
        "visit",
        "add",
        "--name",
        "张三",
        "--id-type",
        "身份证",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13812345678",
        "--purpose",
        "联系工作",
        "--host",
        "办公室",
        "--time",
        "2001-02-03 04:05",
    ],
    &[
        "event",
        "add",
        "--category",
        "自然灾害",
        "--level",
        "重大",
        "--occurred",
        "2001-02-03 04:05",
        "--received",
        "2001-02-03 04:06",
        "--summary",
        "山体滑坡",
    ],
];

#[test]
fn a_bad_database_is_refused_by_the_command_line_with_a_chinese_message_and_left_unchanged() {
    let sandbox = tmux::Sandbox::new();
    let mut tried = 0;
    for case in bad_databases(sandbox.dir.path()) {
        if case.cli_existing.is_some() {
            continue; // covered in tests/cli.rs (named in the checklist)
        }
        let before = contents(&case.keep);
        for args in DB_COMMANDS {
            if case.found_on_read && args[0] != "log" {
                // SQLite finds damage on the pages it reads, and opening reads none of these: a
                // visit or an event, stored on other pages, still goes in. Only the duty log's
                // own commands meet the damage.
                continue;
            }
            let out = sandbox.run_on(&case.path, args);
            assert_refused(&out, &case, args);
            assert!(
                contents(&case.keep) == before,
                "{} with {args:?}: the file changed",
                case.what
            );
            if case.path.is_file() || !case.path.exists() {
                assert!(
                    side_files(&case.path).is_empty(),
                    "{}: {:?}",
                    case.what,
                    side_files(&case.path)
                );
            }
            assert!(!case.path.exists() || case.path == case.keep, "{}: created", case.what);
            tried += 1;
        }
    }
    eprintln!("command line: {tried} refusals of bad database paths, each Chinese, each file unchanged");
}

#[test]
fn the_app_refuses_a_bad_database_with_a_chinese_message_and_leaves_it_unchanged() {
    let sandbox = tmux::Sandbox::new();
    let mut tried = 0;
    for case in bad_databases(sandbox.dir.path()) {
        let before = contents(&case.keep);
        // Wide, so that the status line holds the whole message.
        let t = sandbox.start_on(&case.path, 200, 24, &["--operator", "张三"]);
        if case.found_on_read {
            // It opens; the first read says what is wrong, on the status line, and it quits cleanly.
            let snap = t.see(case.needle);
            let status = snap
                .row_with(&["读取失败", case.needle])
                .unwrap_or_else(|| panic!("{}: no status line:\n{}", case.what, snap.text()));
            assert!(english_words(status, &[]).is_empty(), "{}: {status}", case.what);
            t.quit();
        } else {
            assert_eq!(t.wait_for_exit(), 1, "{}: exit status", case.what);
            let shown = t.history().join("\n");
            let message = shown
                .lines()
                .find(|l| l.starts_with("zhiban："))
                .unwrap_or_else(|| panic!("{}: no message:\n{shown}", case.what));
            assert!(
                message.contains(case.needle),
                "{}: the message should say “{}”: {message}",
                case.what,
                case.needle
            );
            let english = english_words(message, &[&case.path, &case.keep]);
            assert!(english.is_empty(), "{}: English in {message:?}: {english:?}", case.what);
        }
        drop(t);
        assert!(contents(&case.keep) == before, "{}: the file changed", case.what);
        if case.path.is_file() || !case.path.exists() {
            assert!(
                side_files(&case.path).is_empty(),
                "{}: {:?}",
                case.what,
                side_files(&case.path)
            );
        }
        tried += 1;
    }
    eprintln!("app: {tried} bad database paths refused or reported, each file unchanged");
}

/// Polls `child` until it exits; kills it and fails if it is still running after `deadline`.
fn wait_with_deadline(mut child: std::process::Child, deadline: Duration, what: &str) -> std::process::Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("poll the child").is_some() {
            return child.wait_with_output().expect("collect the output");
        }
        if start.elapsed() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {deadline:?} — it should give up after the busy timeout");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long a write waits for another terminal (src/store.rs `BUSY_TIMEOUT`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[test]
fn a_database_locked_by_another_process_fails_writes_within_the_busy_timeout() {
    let sandbox = tmux::Sandbox::new();
    let spawn = |db: &Path, args: &[&str]| {
        Command::new(tmux::BIN)
            .env_clear()
            .envs(sandbox.env())
            .arg("--db")
            .arg(db)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run zhiban")
    };
    // A current database with one entry, and an older one (version 1) that needs upgrading.
    let db = sandbox.db();
    sandbox.cli(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "城关镇",
        "--content",
        "锁之前的记录",
    ]);
    let old = sandbox.path("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())).unwrap();
    drop(conn);

    // Another process holds both in an EXCLUSIVE transaction.
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let lock_old = rusqlite::Connection::open(&old).unwrap();
    lock_old.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (before, before_old) = (contents(&db), contents(&old));

    let began = Instant::now();
    let add = spawn(
        &db,
        &[
            "log",
            "add",
            "--kind",
            "来电",
            "--unit",
            "城关镇",
            "--content",
            "锁住时的记录",
        ],
    );
    let upgrade = spawn(&old, &["log", "list"]);
    // Reading is never blocked: the list comes at once, with the entry from before.
    let listed = sandbox.cli(&["log", "list", "--json"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("锁之前的记录"));
    let deadline = BUSY_TIMEOUT + Duration::from_secs(30);
    let add = wait_with_deadline(add, deadline, "log add on a locked database");
    let upgrade = wait_with_deadline(upgrade, deadline, "an upgrade of a locked database");
    let took = began.elapsed();
    for (out, what) in [(&add, "log add"), (&upgrade, "an upgrade")] {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}");
        assert!(err.contains("另一个终端") && err.contains("占用"), "{what}: {err}");
        assert!(english_words(&err, &[]).is_empty(), "{what}: {err}");
    }
    assert!(contents(&db) == before, "the locked database changed");
    assert!(contents(&old) == before_old, "the locked old database changed");
    lock.execute_batch("ROLLBACK").unwrap();
    lock_old.execute_batch("ROLLBACK").unwrap();
    drop((lock, lock_old));
    // Once released, the same write goes through and nothing was half-written before.
    sandbox.cli(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        "城关镇",
        "--content",
        "解锁后的记录",
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&sandbox.cli(&["log", "list", "--json"]).stdout).unwrap();
    let contents: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["解锁后的记录", "锁之前的记录"]);
    sandbox.cli(&["log", "list"]);
    assert_eq!(
        Store::open(&old).unwrap().schema_version().unwrap(),
        zhiban::store::SCHEMA_VERSION
    );
    eprintln!(
        "locked database: both refused after {:.1} s (busy timeout {} s), reads went on, nothing changed",
        took.as_secs_f64(),
        BUSY_TIMEOUT.as_secs()
    );
}

#[test]
fn the_app_on_a_locked_database_keeps_the_form_and_saves_once_released() {
    let sandbox = tmux::Sandbox::new();
    sandbox.cli(&["log", "list"]);
    let t = sandbox.start(80, 24, &[]);
    // Signed in first: sign-in records the PIN check, which a locked file would refuse (it says
    // so and the officer tries again).
    t.pick_operator();
    t.see("还没有值班记录");
    let lock = rusqlite::Connection::open(sandbox.db()).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    t.send_keys(&["n"]);
    t.see("新建值班记录");
    t.focus("来电单位");
    t.type_text("城关镇");
    t.focus("内容");
    t.type_text("河堤渗水");
    t.see("河堤渗水");
    t.send_keys(&["C-s"]);
    let snap = t.wait_until(
        "the save to fail after the busy timeout",
        tmux::DEADLINE + BUSY_TIMEOUT,
        |s| s.contains("保存失败"),
    );
    assert!(
        snap.contains("占用") && snap.contains("河堤渗水") && snap.contains("城关镇"),
        "{}",
        snap.text()
    );
    lock.execute_batch("ROLLBACK").unwrap();
    t.send_keys(&["C-s"]);
    t.see("已保存：第 1 号记录");
    t.quit();
    assert_eq!(
        Store::open(&sandbox.db()).unwrap().entry(1).unwrap().fields.content,
        "河堤渗水"
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// (what, file text, line, what the message must also say)
fn bad_configs() -> Vec<(&'static str, Vec<u8>, usize, Vec<&'static str>)> {
    vec![
        (
            "unknown key",
            b"[office]\nname = \"x\"\nnmae = \"y\"\n".to_vec(),
            3,
            vec!["nmae", "name"],
        ),
        (
            "bad value",
            "# 人员\n[[people]]\nname = \"钱七\"\nrole = \"队长\"\n"
                .as_bytes()
                .to_vec(),
            4,
            vec!["队长", "值班员"],
        ),
        (
            "wrong type: a number for text",
            b"[office]\n\nname = 5\n".to_vec(),
            3,
            vec!["双引号"],
        ),
        (
            "wrong type: text for a whole number",
            "[visit]\nhosts = [\"办公室\"]\noverstay_minutes = \"很久\"\n"
                .as_bytes()
                .to_vec(),
            3,
            vec!["整数"],
        ),
        (
            "syntax error",
            "[office]\nname = \"未闭合\n".as_bytes().to_vec(),
            2,
            vec!["语法错误"],
        ),
        (
            "negative minutes",
            "[visit]\nhosts = [\"办公室\"]\noverstay_minutes = -240\n"
                .as_bytes()
                .to_vec(),
            3,
            vec!["取值类型不对", "不能是负数 -240"],
        ),
        (
            "minutes past the whole-number range",
            "[ui]\nlanguage = \"zh-CN\"\nlock_minutes = 99999999999\n"
                .as_bytes()
                .to_vec(),
            3,
            vec!["取值类型不对", "99999999999 太大"],
        ),
        (
            "a zero written deadline",
            "[[deadline]]\nlevel = \"重大\"\nrecipient = \"上级总值班室\"\nphone_minutes = 30\n\
             written_minutes = 0\nclock = \"接报\"\nsource = \"x\"\n"
                .as_bytes()
                .to_vec(),
            5,
            vec!["written_minutes", "大于 0"],
        ),
        (
            "bad date in [calendar]",
            "[calendar]\nholidays = [\"2026-10-01\",\n  \"2026-13-45\"]\nworkdays = []\n"
                .as_bytes()
                .to_vec(),
            3,
            vec!["2026-13-45", "2026-10-01"],
        ),
        (
            "unknown person in [roster]",
            "[roster]\nfirst_day = \"2026-11-01\"\nshift_starts = [\"08:30\"]\nleaders = [\"王五\"]\n\
             primaries = [\"张三\"]\ndeputies = [\"外单位老王\"]\n"
                .as_bytes()
                .to_vec(),
            6,
            vec!["外单位老王", "[[people]]"],
        ),
        (
            "not UTF-8",
            b"[office]\nname = \"\xff\xfe\"\n".to_vec(),
            2,
            vec!["UTF-8"],
        ),
    ]
}

#[test]
fn every_kind_of_config_error_names_its_line() {
    let sandbox = tmux::Sandbox::new();
    for (i, (what, text, line, needles)) in bad_configs().into_iter().enumerate() {
        let path = sandbox.path(&format!("config-{i}.toml"));
        std::fs::write(&path, &text).unwrap();
        let config = path.display().to_string();
        for args in [
            &["config", "check", "--config", &config][..],
            &[
                "log",
                "add",
                "--kind",
                "来电",
                "--unit",
                "城关镇",
                "--content",
                "x",
                "--config",
                &config,
            ],
        ] {
            let out = sandbox.run(args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what} with {args:?}: {err}");
            assert!(out.stdout.is_empty(), "{what}");
            assert!(
                err.contains(&format!("配置文件 {config} 第 {line} 行：")),
                "{what} with {args:?}: line {line} is not named: {err}"
            );
            for needle in &needles {
                assert!(err.contains(needle), "{what} with {args:?}: “{needle}” missing: {err}");
            }
        }
        assert!(
            !sandbox.db().exists(),
            "{what}: a refused config still created the database"
        );
    }
}

#[test]
fn the_app_names_the_line_of_a_config_error() {
    let sandbox = tmux::Sandbox::new();
    for (i, (what, text, line, needles)) in bad_configs().into_iter().enumerate() {
        let path = sandbox.path(&format!("config-{i}.toml"));
        std::fs::write(&path, &text).unwrap();
        let t = sandbox.start(80, 24, &["--config", &path.display().to_string()]);
        assert_eq!(t.wait_for_exit(), 2, "{what}");
        let shown = t.history().join("\n");
        assert!(
            shown.contains(&format!("第 {line} 行")),
            "{what}: line {line} is not named:\n{shown}"
        );
        for needle in &needles {
            assert!(shown.contains(needle), "{what}: “{needle}” missing:\n{shown}");
        }
    }
    assert!(!sandbox.db().exists(), "a refused config still created the database");
}

// ---------------------------------------------------------------------------------------------
// The command line: payloads in arguments
// ---------------------------------------------------------------------------------------------

/// Every payload that can be passed as an argument (a NUL cannot: execve ends a string there).
fn argument_payloads() -> String {
    PAYLOADS
        .iter()
        .filter(|(_, p)| !p.contains('\0'))
        .map(|(_, p)| *p)
        .collect()
}

/// `s` with the argument payloads before, in the middle and after it.
fn arg_wrapped(s: &str) -> String {
    let half = s.chars().count() / 2;
    let (a, b): (String, String) = (s.chars().take(half).collect(), s.chars().skip(half).collect());
    let p = argument_payloads();
    format!("{p}{a}{p}{b}{p}")
}

#[test]
fn control_characters_on_the_command_line_are_never_stored() {
    let sandbox = tmux::Sandbox::new();
    let w = arg_wrapped;
    let out = sandbox.cli(&[
        "log",
        "add",
        "--kind",
        "来电",
        "--unit",
        &w("城关镇人民政府"),
        "--caller",
        &w("王建国"),
        "--phone",
        &w("13812345678"),
        "--content",
        &w("河堤出现渗水"),
        "--time",
        &w("2001-02-03 04:05"),
    ]);
    let id: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let out = sandbox.cli(&[
        "visit",
        "add",
        "--name",
        &w("曾国藩"),
        "--id-type",
        "身份证",
        "--id-number",
        &w("11010519491231002X"),
        "--phone",
        &w("13812345678"),
        "--purpose",
        &w("商谈防汛物资调拨"),
        "--host",
        &w("办公室"),
        "--employer",
        &w("市水利局"),
        "--plate",
        &w("云A12345"),
        "--people",
        &w("2"),
        "--time",
        &w("2001-02-03 04:05"),
    ]);
    let visit: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let out = sandbox.cli(&[
        "event",
        "add",
        "--category",
        "自然灾害",
        "--level",
        "重大",
        // Times given with control characters are refused (exit 2), not cleaned: see
        // a_bad_argument_is_never_echoed_raw_in_the_error_message.
        "--occurred",
        "2001-02-03 04:05",
        "--received",
        "2001-02-03 04:06",
        "--place",
        &w("李家集镇"),
        "--summary",
        &w("山体滑坡，两户房屋受损"),
    ]);
    let event: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();

    let store = Store::open(&sandbox.db()).unwrap();
    let e = store.entry(id).unwrap().fields;
    assert_eq!(
        (e.unit.as_str(), e.person.as_str(), e.phone.as_str(), e.content.as_str()),
        ("城关镇人民政府", "王建国", "13812345678", "河堤出现渗水")
    );
    assert_eq!(e.value(LogField::OccurredAt), "2001-02-03 04:05");
    let v = store.visit(visit).unwrap().fields;
    assert_eq!(
        (
            v.name.as_str(),
            v.id_number.as_str(),
            v.phone.as_str(),
            v.purpose.as_str()
        ),
        ("曾国藩", "11010519491231002X", "13812345678", "商谈防汛物资调拨")
    );
    assert_eq!(
        (v.host.as_str(), v.employer.as_str(), v.people_count),
        ("办公室", "市水利局", 2)
    );
    assert!(is_plain(&v.plate, false) && v.plate.contains("12345"), "{:?}", v.plate);
    let ev = store.event(event).unwrap().record;
    assert_eq!(
        (ev.place.as_str(), ev.summary.as_str()),
        ("李家集镇", "山体滑坡，两户房屋受损")
    );
    // And the listings print them plain.
    for args in [&["log", "list"][..], &["visit", "list"], &["event", "list"]] {
        let out = sandbox.cli(args);
        let text = String::from_utf8_lossy(&out.stdout);
        // Tabs separate the columns; nothing else a terminal would act on.
        assert!(is_plain(&text.replace('\t', " "), true), "{args:?}: {text:?}");
    }
}

#[test]
fn a_bad_argument_is_never_echoed_raw_in_the_error_message() {
    let sandbox = tmux::Sandbox::new();
    sandbox.cli(&["log", "list"]);
    let p = argument_payloads();
    let bad_role = sandbox.path("role.toml");
    std::fs::write(
        &bad_role,
        "[[people]]\nname = \"钱七\"\nrole = \"\\u001b]0;title\\u0007队长\\u001b[2J\"\n",
    )
    .unwrap();
    let role = bad_role.display().to_string();
    let log_add = |flag: &str| -> Vec<String> {
        let mut a: Vec<String> = ["log", "add", "--kind", "来电", "--unit", "城关镇", "--content", "x"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        a.push(flag.to_string());
        a.push(p.clone());
        a
    };
    let s = |v: &[&str]| -> Vec<String> { v.iter().map(|x| (*x).to_string()).collect() };
    let cases: Vec<Vec<String>> = vec![
        log_add("--triage"),
        log_add("--operator"),
        log_add("--category"),
        log_add("--read-back"),
        s(&["log", "add", "--kind", &p, "--content", "x"]),
        s(&["log", "list", "--since", &p]),
        s(&["log", &format!("frobnicate{p}")]),
        s(&["log", "list", &format!("--bogus{p}")]),
        s(&["log", "list", "--limit", &p]),
        s(&["event", "ack", &p]),
        s(&[
            "event",
            "add",
            "--category",
            &p,
            "--level",
            "重大",
            "--occurred",
            "2001-02-03 04:05",
            "--summary",
            "x",
        ]),
        s(&[
            "event",
            "add",
            "--category",
            "自然灾害",
            "--level",
            &p,
            "--occurred",
            "2001-02-03 04:05",
            "--summary",
            "x",
        ]),
        s(&[
            "event",
            "add",
            "--category",
            "自然灾害",
            "--level",
            "重大",
            "--occurred",
            &p,
            "--summary",
            "x",
        ]),
        s(&[
            "visit",
            "add",
            "--name",
            "张三",
            "--id-type",
            &p,
            "--id-number",
            "1",
            "--phone",
            "13812345678",
            "--purpose",
            "p",
            "--host",
            "办公室",
        ]),
        s(&[
            "visit",
            "add",
            "--name",
            "张三",
            "--id-type",
            "身份证",
            "--id-number",
            &p,
            "--phone",
            "13812345678",
            "--purpose",
            "p",
            "--host",
            &p,
        ]),
        s(&["visit", "checkout", &p]),
        s(&["roster", "show", "--month", &p]),
        s(&["handover", "print", &p]),
        s(&["config", "check", "--config", &role]),
        s(&["config", "check", "--config", &format!("/nonexistent{p}.toml")]),
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sandbox.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(has_chinese(&err), "{args:?}: {err}");
        assert!(
            is_plain(&err, true),
            "{args:?}: the message repeats the argument raw: {err:?}"
        );
    }
    eprintln!(
        "command line: {} bad arguments carrying escape sequences, none echoed raw",
        cases.len()
    );
}
