//! 通讯录 (issue 18): the one place for phone numbers — leaders, sections, township and unit duty
//! rooms, the 上级总值班室, 信访局, 110/119/120 — with groups, pinyin lookup, and CSV import and
//! export in the paper's eight columns (domain.md §8). A 宅电 is confidential: shown masked,
//! revealed only on request (and the reveal logged, like ID numbers). `[[people]]` stays the list
//! of those who sign in; it links to the directory by name ([`Directory::phone_of`]).

use super::name_pinyin::{self, NameKeys};
use super::roster::{LineCounter, RowError};
use super::validate;

/// The header row of the CSV, in this order (domain.md §8).
pub const CSV_HEADER: &str = "姓名,单位,职务,办公电话,手机,宅电,分组,备注";
/// The most rows one import takes.
pub const MAX_ROWS: usize = 20_000;
/// The longest cell (name, unit, post, group, note).
pub const CELL_MAX_CHARS: usize = 100;

/// A contact as imported or typed (no id yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewContact {
    pub name: String,
    pub unit: String,
    pub post: String,
    pub office_phone: String,
    pub mobile: String,
    pub home_phone: String,
    pub groups: Vec<String>,
    pub note: String,
}

/// A contact in the directory in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub post: String,
    pub office_phone: String,
    pub mobile: String,
    pub home_phone: String,
    pub groups: Vec<String>,
    pub note: String,
}

impl Contact {
    /// The number to ring first: the office line, else the mobile (never the home number, which
    /// is read only when revealed).
    #[must_use]
    pub fn phone(&self) -> &str {
        if self.office_phone.is_empty() {
            &self.mobile
        } else {
            &self.office_phone
        }
    }

    /// "县应急局 局长" or the name alone.
    #[must_use]
    pub fn where_from(&self) -> String {
        [self.unit.as_str(), self.post.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a lookup `query` finds this contact: Chinese as a substring of the name, unit,
    /// post or a group; pinyin (initials or full) of the name or the unit; digits of a number.
    #[must_use]
    pub fn matches(&self, query: &str) -> bool {
        self.matches_with(query, None)
    }

    /// [`Contact::matches`] with the name's and unit's pinyin keys already made (the directory
    /// keeps them: a letter typed is then a prefix test per contact, not a pinyin conversion).
    fn matches_with(&self, query: &str, keys: Option<&(NameKeys, NameKeys)>) -> bool {
        let q = query.trim();
        if q.is_empty() {
            return true;
        }
        if q.chars().all(|c| c.is_ascii_digit() || c == '-') && q.chars().any(|c| c.is_ascii_digit()) {
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            return [&self.office_phone, &self.mobile].iter().any(|p| {
                p.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    .contains(&digits)
            });
        }
        if !q.is_ascii() {
            return [&self.name, &self.unit, &self.post, &self.note]
                .iter()
                .any(|s| s.contains(q))
                || self.groups.iter().any(|g| g.contains(q));
        }
        match (keys, name_pinyin::pinyin_query(q)) {
            (Some((name, unit)), Some(p)) => {
                let latin = |s: &str| s.to_lowercase().replace(' ', "").contains(&p);
                latin(&self.name) || latin(&self.unit) || name.has_prefix(&p) || unit.has_prefix(&p)
            }
            _ => name_pinyin::matches(q, &self.name) || name_pinyin::matches(q, &self.unit),
        }
    }
}

/// A home number as shown until revealed (the rule lives with the other phone rules).
pub use super::validate::mask_phone;

/// The directory in force, as the screens and the ladder read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    pub contacts: Vec<Contact>,
    /// Each contact's name and unit pinyin keys, made once ([`Directory::new`]).
    keys: Vec<(NameKeys, NameKeys)>,
}

impl Directory {
    #[must_use]
    pub fn new(contacts: Vec<Contact>) -> Self {
        let keys = contacts
            .iter()
            .map(|c| (name_pinyin::search_keys(&c.name), name_pinyin::search_keys(&c.unit)))
            .collect();
        Self { contacts, keys }
    }

    /// Contacts a lookup finds, in directory order.
    pub fn find<'a>(&'a self, query: &'a str) -> impl Iterator<Item = &'a Contact> + 'a {
        self.contacts
            .iter()
            .enumerate()
            .filter(move |(i, c)| c.matches_with(query, self.keys.get(*i)))
            .map(|(_, c)| c)
    }

    /// Every group named, in order of first appearance.
    #[must_use]
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for g in self.contacts.iter().flat_map(|c| &c.groups) {
            if !out.contains(g) {
                out.push(g.clone());
            }
        }
        out
    }

    /// The members of `group`, in directory order.
    pub fn members<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Contact> + 'a {
        self.contacts
            .iter()
            .filter(move |c| c.groups.iter().any(|g| g == group))
    }

    /// The groups as the notice and task forms take them: a group's name stands for its members
    /// (by name).
    #[must_use]
    pub fn name_groups(&self) -> Vec<(String, Vec<String>)> {
        self.groups()
            .into_iter()
            .map(|g| {
                let names = self.members(&g).map(|c| c.name.clone()).collect();
                (g, names)
            })
            .collect()
    }

    /// The number a person is rung on at any hour (an escalation at 3 a.m.): the mobile, else
    /// the office line.
    #[must_use]
    pub fn person_phone(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        self.contacts
            .iter()
            .filter(|c| c.name == name)
            .map(|c| {
                if c.mobile.is_empty() {
                    c.office_phone.as_str()
                } else {
                    c.mobile.as_str()
                }
            })
            .find(|p| !p.is_empty())
    }

    /// The number of `name` (a person, or a body such as 上级总值班室 kept by its name): the
    /// first contact so named with a number, its office line first.
    #[must_use]
    pub fn phone_of(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        self.contacts
            .iter()
            .filter(|c| c.name == name)
            .map(Contact::phone)
            .find(|p| !p.is_empty())
    }
}

/// The numbers of the directory in the settings the ladder and the visit alerts read: a
/// person of `[[people]]` takes the number the directory has for their name; a rung of the
/// ladder or a `report_to` contact named as a directory entry (上级总值班室, 信访局) takes its
/// number. The directory wins; a number only in config.toml stays where the directory has none.
/// Its groups join `[instruction]`'s.
pub fn fill_numbers(settings: &mut super::settings::Settings, dir: &Directory) {
    for p in &mut settings.people {
        if let Some(phone) = dir.person_phone(&p.name) {
            p.phone = phone.to_string();
        }
    }
    for rung in &mut settings.urgent.ladder {
        if rung.role.is_none()
            && let Some(phone) = dir.phone_of(&rung.name)
        {
            rung.phone = phone.to_string();
        }
    }
    for to in &mut settings.visit.report_to {
        if let super::settings::ReportTo::Contact(c) = to {
            let phone = if c.person.is_empty() {
                dir.phone_of(&c.name)
            } else {
                dir.person_phone(&c.person)
            };
            if let Some(phone) = phone {
                c.phone = phone.to_string();
            }
        }
    }
    // The directory's groups stand for their members wherever names are typed (转交, notices,
    // 交办, 查岗, holiday rounds); one of the same name as a configured group replaces it.
    for (group, members) in dir.name_groups() {
        match settings.instruction.groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, m)) => *m = members,
            None => settings.instruction.groups.push((group, members)),
        }
    }
}

/// The bodies every office rings, offered when the directory is empty (110/119/120).
#[must_use]
pub fn emergency_defaults() -> Vec<NewContact> {
    [("公安报警", "110"), ("消防救援", "119"), ("医疗急救", "120")]
        .iter()
        .map(|(name, phone)| NewContact {
            name: (*name).to_string(),
            office_phone: (*phone).to_string(),
            groups: vec!["应急电话".to_string()],
            ..NewContact::default()
        })
        .collect()
}

/// Splits a 分组 cell: groups separated by 、；; or |.
#[must_use]
pub fn split_groups(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in cell.split(['、', '；', ';', '|', '，']) {
        let g = g.trim();
        if !g.is_empty() && !out.iter().any(|x| x == g) {
            out.push(g.to_string());
        }
    }
    out
}

/// A cell the export guarded against formulas (`'=…`) read back as it was.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

fn check_phone(label: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Ok(String::new());
    }
    if value.contains('*') {
        return Err(format!(
            "{label}“{value}”是遮盖后的号码：请用 contacts export --with-home 导出的完整号码再导入（留空会删去此人的{label}）"
        ));
    }
    validate::phone(value).map_err(|e| format!("{label}“{value}”不对：{e}"))
}

/// The eight fields in the CSV's order, as labelled on the form.
pub const FIELD_LABELS: [&str; 8] = ["姓名", "单位", "职务", "办公电话", "手机", "宅电", "分组", "备注"];

/// A contact typed on the form checked like a CSV row: the contact (numbers normalised, groups
/// split), or each problem with the index of its field in [`FIELD_LABELS`].
pub fn check_contact(cells: &[String; 8]) -> Result<NewContact, Vec<(usize, String)>> {
    let cleaned: Vec<String> = cells
        .iter()
        .map(|c| super::text::sanitize(c, false).trim().to_string())
        .collect();
    let fields: Vec<&str> = cleaned.iter().map(String::as_str).collect();
    parse_row(&fields).map_err(|errors| {
        errors
            .into_iter()
            .map(|m| {
                // Every message names its field first (姓名为空…, 办公电话“…”不对…).
                let i = FIELD_LABELS
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| m.starts_with(*l))
                    .max_by_key(|(_, l)| l.chars().count())
                    .map_or(0, |(i, _)| i);
                (i, m)
            })
            .collect()
    })
}

/// One row's cells checked into a contact, or its problems.
fn parse_row(fields: &[&str]) -> Result<NewContact, Vec<String>> {
    let mut errors = Vec::new();
    if fields.len() > 8 {
        errors.push(format!(
            "有 {} 列，多于 8 列：请按表头“{CSV_HEADER}”排列，单元格里的逗号要放在引号内",
            fields.len()
        ));
    }
    let cell = |i: usize| fields.get(i).copied().unwrap_or("").to_string();
    let name = cell(0);
    if name.is_empty() {
        errors.push("姓名为空：每行都要有姓名（单位值班室也写在姓名列，如“城关镇值班室”）".to_string());
    }
    for (i, label) in [(0, "姓名"), (1, "单位"), (2, "职务"), (6, "分组"), (7, "备注")] {
        if cell(i).chars().count() > CELL_MAX_CHARS {
            errors.push(format!("{label}超过 {CELL_MAX_CHARS} 个字"));
        }
    }
    let mut phones = Vec::new();
    for (i, label) in [(3, "办公电话"), (4, "手机"), (5, "宅电")] {
        match check_phone(label, &cell(i)) {
            Ok(p) => phones.push(p),
            Err(e) => {
                errors.push(e);
                phones.push(String::new());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut phones = phones.into_iter();
    Ok(NewContact {
        name,
        unit: cell(1),
        post: cell(2),
        office_phone: phones.next().unwrap_or_default(),
        mobile: phones.next().unwrap_or_default(),
        home_phone: phones.next().unwrap_or_default(),
        groups: split_groups(&cell(6)),
        note: cell(7),
    })
}

/// Parses a directory CSV (UTF-8, BOM allowed; the header row first). Every row or every error,
/// each error by line — never part of a file.
pub fn parse_csv(text: &str) -> Result<Vec<NewContact>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut header_seen = false;
    let mut lines = LineCounter::new(text);
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| lines.line_of(p.byte()));
                errors.push(RowError {
                    line,
                    message: format!("无法读取这一行（{e}）：请用 Excel 或 WPS 另存为“CSV UTF-8”格式后重试"),
                });
                continue;
            }
        };
        let line = record.position().map_or(1, |p| lines.line_of(p.byte()));
        let fields: Vec<String> = record
            .iter()
            .map(|f| unguard(super::text::sanitize(f, false).trim()).to_string())
            .collect();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if fields.join(",") == CSV_HEADER {
                continue;
            }
            errors.push(RowError {
                line,
                message: format!(
                    "第一行应为表头“{CSV_HEADER}”：请在文件开头加上表头这一行（可先用 contacts export 导出样板）"
                ),
            });
            continue;
        }
        if rows.len() + errors.len() >= MAX_ROWS {
            errors.push(RowError {
                line,
                message: format!("一次最多导入 {MAX_ROWS} 行：请分开导入"),
            });
            break;
        }
        match parse_row(&fields) {
            Ok(c) => rows.push(c),
            Err(messages) => errors.extend(messages.into_iter().map(|message| RowError { line, message })),
        }
    }
    if !header_seen {
        errors.push(RowError {
            line: 1,
            message: format!("文件是空的：第一行应为表头“{CSV_HEADER}”，之后每行一个联系人"),
        });
    } else if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1,
            message: "文件只有表头，没有联系人".to_string(),
        });
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// The directory as a CSV for Excel and WPS (BOM, header row, formula guard); 宅电 included only
/// when `with_home` (an export that carries them is the officer's explicit choice).
#[must_use]
pub fn to_csv(contacts: &[Contact], with_home: bool) -> Vec<u8> {
    let header: Vec<String> = CSV_HEADER.split(',').map(str::to_string).collect();
    let rows = std::iter::once(header).chain(contacts.iter().map(|c| {
        let safe = |s: &str| super::csv::spreadsheet_safe(s);
        vec![
            safe(&c.name),
            safe(&c.unit),
            safe(&c.post),
            c.office_phone.clone(),
            c.mobile.clone(),
            if with_home {
                c.home_phone.clone()
            } else {
                mask_phone(&c.home_phone)
            },
            safe(&c.groups.join("、")),
            safe(&c.note),
        ]
    }));
    super::csv::csv_document(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, unit: &str, phone: &str, groups: &[&str]) -> Contact {
        Contact {
            id: 0,
            name: name.into(),
            unit: unit.into(),
            office_phone: phone.into(),
            groups: groups.iter().map(|g| (*g).to_string()).collect(),
            ..Contact::default()
        }
    }

    #[test]
    fn a_file_with_errors_names_every_bad_row_by_line_and_imports_nothing() {
        let text = "\u{feff}姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
                    王局长,县应急局,局长,0871-12345678,13800000001,0871-87654321,县领导,\n\
                    ,县水利局,,0871-1234,,,,\n\
                    \n\
                    城关镇值班室,城关镇,,0871-22223333,,,各乡镇值班室,\n\
                    李四,县信访局,,,1380000,,,\n";
        let errors = parse_csv(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 3, 6], "{errors:?}");
        assert!(errors[0].message.contains("姓名为空"));
        assert!(errors[1].message.contains("办公电话“0871-1234”不对"));
        assert!(errors[2].to_string().starts_with("第 6 行：手机“1380000”不对"));
    }

    #[test]
    fn a_good_file_gives_every_row_with_groups_split() {
        let text = "姓名,单位,职务,办公电话,手机,宅电,分组,备注\n\
                    王局长,县应急局,局长,0871-12345678,13800000001,0871-87654321,县领导、防汛,\n\
                    城关镇值班室,城关镇,,0871-22223333,,,各乡镇值班室,\"24小时,有人\"\n";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].groups, vec!["县领导", "防汛"]);
        assert_eq!(rows[0].home_phone, "0871-87654321");
        assert_eq!(rows[1].note, "24小时,有人");
    }

    #[test]
    fn a_missing_header_or_an_empty_file_is_said() {
        assert!(parse_csv("").unwrap_err()[0].message.contains("文件是空的"));
        let e = parse_csv("王局长,县应急局\n").unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.contains("第一行应为表头"));
    }

    #[test]
    fn lookup_by_pinyin_chinese_and_digits() {
        let d = Directory::new(vec![
            contact("王局长", "县应急局", "0871-12345678", &["县领导"]),
            contact("城关镇值班室", "城关镇", "0871-22223333", &["各乡镇值班室"]),
            contact("张三", "县水利局", "13800000002", &[]),
        ]);
        let names = |q: &str| d.find(q).map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names("wjz"), vec!["王局长"]);
        assert_eq!(names("cgz"), vec!["城关镇值班室"]);
        assert_eq!(names("zhangsan"), vec!["张三"]);
        assert_eq!(names("应急"), vec!["王局长"]);
        assert_eq!(names("乡镇"), vec!["城关镇值班室"]);
        assert_eq!(names("2222"), vec!["城关镇值班室"]);
        assert_eq!(d.phone_of("王局长"), Some("0871-12345678"));
        assert_eq!(d.phone_of("李四"), None);
        assert_eq!(
            d.name_groups(),
            vec![
                ("县领导".to_string(), vec!["王局长".to_string()]),
                ("各乡镇值班室".to_string(), vec!["城关镇值班室".to_string()])
            ]
        );
    }

    #[test]
    fn a_home_number_is_masked_but_its_last_four() {
        assert_eq!(mask_phone("0871-87654321"), "****-****4321");
        assert_eq!(mask_phone("13800001234"), "*******1234");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn export_masks_home_numbers_unless_asked() {
        let mut c = contact("王局长", "县应急局", "0871-12345678", &["县领导"]);
        c.home_phone = "0871-87654321".into();
        let text = String::from_utf8(to_csv(std::slice::from_ref(&c), false)).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("****-****4321") && !text.contains("87654321"));
        // What a masked export holds cannot come back in as a number: said, with the way out.
        let masked = String::from_utf8(to_csv(std::slice::from_ref(&c), false)).unwrap();
        let e = parse_csv(&masked).unwrap_err();
        assert_eq!(e[0].line, 2);
        assert!(
            e[0].message.contains("遮盖后的号码") && e[0].message.contains("--with-home"),
            "{e:?}"
        );
        let text = String::from_utf8(to_csv(&[c], true)).unwrap();
        assert!(text.contains("0871-87654321"));
        // What it wrote reads back.
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows[0].groups, vec!["县领导"]);
    }
}
