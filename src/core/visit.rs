//! 来访登记 — visitor registration (domain.md §2.3): document types, licence plates, the draft a
//! form fills in and the rules that turn it into a record, 信访 (petition) visits with their
//! representatives, repeat visits (重访), who is still inside, and the watch list.
//!
//! Pure data and rules; [`crate::store`] persists them, the screens show them. Nothing here reads
//! the clock: `now` and `today` are arguments.
//!
//! # Decisions
//!
//! - **证件号码 is required for every 证件类型.** The gate admits nobody whose identity was not
//!   confirmed (seeds VIS-3: 出示证件或介绍信). A 居民身份证 number must pass
//!   [`idcard::validate_resident_id`]; 护照 and 港澳通行证 numbers must be 5-20 letters and digits;
//!   港澳居民来往内地通行证 and 台湾居民来往大陆通行证 numbers must have their card's form
//!   ([`check_document`]: H/M + 8 digits, 8 digits, and the older cards' longer forms);
//!   军官证 numbers are taken as written (they contain Han characters such as 南字第…号). Under
//!   “其他” the field says what was actually shown — “介绍信 市水利局”, “工作证 0123”, or an old
//!   15-digit number — and is free text.
//! - **集体访 rules apply to 信访 visits.** A petition of [`COLLECTIVE_THRESHOLD`] (5) or more
//!   people must list 1 to [`MAX_REPRESENTATIVES`] (5) representatives, each with a name (an ID
//!   number is optional but must be a valid 居民身份证 number when given; a phone must be valid when
//!   given), and exactly one of them is the 联络人 (liaison): the seeds say 指定**其中**一名为联络人
//!   (002:1604), so the liaison is chosen among the representatives, by row ([`VisitDraft::liaison`]).
//!   The other visitors are only counted ([`NewVisit::people_count`]). A group that refuses to choose
//!   representatives is received as individual visits, and the error says so. An ordinary (non-信访)
//!   group such as a delegation of eight needs no representatives; if any are listed, the same
//!   checks apply to them.
//! - The visitor in the main fields is the person whose document was checked at the desk; on a
//!   collective visit they are normally also listed among the representatives (a screen may prefill
//!   the first row from the main fields).
//! - **重访**: a visit repeats an earlier one if the same document number was registered before (not
//!   under “其他”, whose number is free text), or — for 信访 — the same name brought the same matter
//!   (compared without whitespace). The most recent earlier visit is the one shown ([`find_repeat`]).
//! - 处理情况 (handling/outcome) may be written at registration; what a later visit shows as the
//!   outcome is that text, or else whether and when the visitor left ([`Visit::outcome`]).
//! - Licence plates: see [`validate_plate`].

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::core::idcard::{self, Gender};
use crate::core::text::sanitize;
use crate::core::validate;

/// Database id of a visit.
pub type VisitId = i64;
/// Database id of a watch-list entry.
pub type WatchId = i64;

/// A visit of this many people or more, registered as 信访, is a 集体访.
pub const COLLECTIVE_THRESHOLD: u32 = 5;
/// At most this many representatives (代表) for a 集体访 (002:1604).
pub const MAX_REPRESENTATIVES: usize = 5;

labelled_enum!(
    /// 证件类型: the document the visitor showed. 港澳通行证 is the mainland resident's pass to
    /// Hong Kong and Macao (往来港澳通行证); visitors from Hong Kong and Macao carry the
    /// 港澳居民来往内地通行证 (回乡证), visitors from Taiwan the 台湾居民来往大陆通行证 (台胞证).
    IdType {
        ResidentId => "居民身份证",
        Passport => "护照",
        HkMacauPermit => "港澳通行证",
        HkMacauResidentPermit => "港澳居民来往内地通行证",
        TaiwanResidentPermit => "台湾居民来往大陆通行证",
        OfficerId => "军官证",
        Other => "其他",
    }
);

impl IdType {
    /// Two characters for a narrow column, each telling the documents apart (回乡证 and 台胞证
    /// are what officers call the two permits).
    #[must_use]
    pub fn short(self) -> &'static str {
        match self {
            Self::ResidentId => "身份",
            Self::Passport => "护照",
            Self::HkMacauPermit => "港澳",
            Self::HkMacauResidentPermit => "回乡",
            Self::TaiwanResidentPermit => "台胞",
            Self::OfficerId => "军官",
            Self::Other => "其他",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Licence plates
// ---------------------------------------------------------------------------------------------

/// The province abbreviations a plate may start with (31 provinces, regions and municipalities).
pub const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Characters that end a special ordinary plate in place of its fifth character: 教练车 学,
/// 警车 警, 挂车 挂, 粤Z cross-boundary 港/澳, consulate 领.
pub const PLATE_SUFFIXES: &str = "学警挂港澳领";

/// Checks a licence plate (车牌号) and returns it normalised: upper-case, without the `·` or
/// spaces people type between the letter and the number. The field is optional: an empty plate is
/// `Ok("")`.
///
/// Accepted:
/// - province abbreviation ([`PROVINCES`]) + issuing letter A-Z + 5 letters/digits (ordinary plate);
/// - province + letter + 6 letters/digits (新能源 plate; where the D/F or other letter stands is not
///   checked, because the 2022 extension of small new-energy series made it a moving target);
/// - province + letter + 4 letters/digits + one of [`PLATE_SUFFIXES`] (云A1234学, 粤Z1234港);
/// - 使 + 6 digits (embassy plate).
///
/// The serial never uses the letters I and O (they read as 1 and 0). Military and 武警 plates are
/// not accepted by this rule; register them under 携带物品 or another note field.
pub fn validate_plate(input: &str) -> Result<String, String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '.' | '-' | '－'))
        .map(|c| to_ascii_half_width(c).to_ascii_uppercase())
        .collect();
    let chars: Vec<char> = s.chars().collect();
    let Some(&first) = chars.first() else {
        return Ok(String::new());
    };
    if first == '使' {
        return if chars.len() == 7 && chars.iter().skip(1).all(char::is_ascii_digit) {
            Ok(s)
        } else {
            Err("使馆车牌应为“使”加 6 位数字（如 使014578）：请对照车牌核对".into())
        };
    }
    if !PROVINCES.contains(first) {
        return Err(if first.is_ascii_alphanumeric() {
            "车牌号缺少开头的省份简称：请补上，如“云A12345”".into()
        } else {
            format!("车牌号第一个字“{first}”不是省份简称：应为京、沪、粤、云等省份简称之一，如“云A12345”")
        });
    }
    match chars.get(1) {
        Some(c) if c.is_ascii_uppercase() => {}
        Some(c) => {
            return Err(format!(
                "车牌号第二位应为发牌机关字母 A-Z（如“云A12345”中的 A），现在是“{c}”：请核对"
            ));
        }
        None => return Err("车牌号不完整：省份简称后应有字母和 5 位号码，如“云A12345”".into()),
    }
    let serial = chars.get(2..).unwrap_or_default();
    let (body, suffix) = match serial.split_last() {
        Some((last, body)) if PLATE_SUFFIXES.contains(*last) => (body, Some(*last)),
        _ => (serial, None),
    };
    if let Some(bad) = body.iter().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "车牌号含有“{bad}”：省份简称和字母之后只能是字母和数字（末尾可带“学”“警”“挂”“港”“澳”“领”）"
        ));
    }
    if body.iter().any(|c| matches!(c, 'I' | 'O')) {
        return Err("车牌号码中不使用字母 I 和 O：“I”应为数字 1，“O”应为数字 0，请核对".into());
    }
    match (suffix, body.len()) {
        (Some(_), 4) | (None, 5 | 6) => Ok(s),
        (Some(suf), n) => Err(format!(
            "带“{suf}”字的车牌是省份简称、字母加 4 位号码再加“{suf}”（如 云A1234{suf}），现在“{suf}”前有 {n} 位：请核对"
        )),
        (None, n) => Err(format!(
            "车牌号在省份简称和字母之后应有 5 位（新能源车 6 位），现在是 {n} 位：请核对，如“云A12345”或“云AD12345”"
        )),
    }
}

/// A stored plate as printed on the plate: `云A·12345`.
#[must_use]
pub fn format_plate(plate: &str) -> String {
    let mut chars = plate.chars();
    match (chars.next(), chars.next()) {
        (Some(p), Some(l)) if p != '使' => format!("{p}{l}·{}", chars.as_str()),
        _ => plate.to_string(),
    }
}

/// Full-width ASCII (Ａ, １ …, as typed with a Chinese input method) to half-width.
fn to_ascii_half_width(c: char) -> char {
    match c {
        '！'..='～' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

// ---------------------------------------------------------------------------------------------
// The draft and its fields
// ---------------------------------------------------------------------------------------------

/// One representative (代表) of a 集体访, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepresentativeDraft {
    pub name: String,
    /// Optional; a 居民身份证 number when given.
    pub id_number: String,
    /// Optional; checked with [`validate::phone`] when given.
    pub phone: String,
}

impl RepresentativeDraft {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.id_number.trim().is_empty() && self.phone.trim().is_empty()
    }
}

/// A visit as typed on the form: every value a string (choices as their labels), before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitDraft {
    /// 姓名 (required).
    pub name: String,
    /// 性别: 男, 女 or 未填; blank is 未填 (filled from a 居民身份证 number when possible).
    pub gender: String,
    /// 证件类型 label (required), see [`IdType`].
    pub id_type: String,
    /// 证件号码 (required; under “其他”, what was shown).
    pub id_number: String,
    /// 工作单位.
    pub employer: String,
    /// 联系电话 (optional).
    pub phone: String,
    /// 来访人数: blank is 1.
    pub people_count: String,
    /// 同行人: names of the others, free text.
    pub companions: String,
    /// 来访事由 (required).
    pub purpose: String,
    /// 被访部门/人 (required).
    pub host: String,
    /// 车牌号 (optional), see [`validate_plate`].
    pub plate: String,
    /// 携带物品.
    pub belongings: String,
    /// 处理情况, if known at registration.
    pub handling: String,
    /// 进入时间: blank is `now`; otherwise any form [`validate::time`] accepts.
    pub entered_at: String,
    /// 信访 (petition) visit.
    pub petition: bool,
    /// 住址, required for 信访.
    pub petition_address: String,
    /// 信访事项, required for 信访.
    pub petition_matter: String,
    /// 代表 rows; blank rows are ignored (a form may show five fixed rows).
    pub representatives: Vec<RepresentativeDraft>,
    /// Row in `representatives` of the 联络人.
    pub liaison: Option<usize>,
}

/// Every field of the visitor form an error can be attached to. Representative rows are numbered
/// from 0 as in [`VisitDraft::representatives`]; labels number them from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitField {
    Name,
    Gender,
    IdType,
    IdNumber,
    Employer,
    Phone,
    PeopleCount,
    Companions,
    Purpose,
    Host,
    Plate,
    Belongings,
    Handling,
    EnteredAt,
    Petition,
    PetitionAddress,
    PetitionMatter,
    /// The representatives as a whole (how many).
    Representatives,
    /// Which representative is the 联络人.
    Liaison,
    RepName(usize),
    RepIdNumber(usize),
    RepPhone(usize),
}

impl VisitField {
    /// The single fields of the form, in the order a form shows them (representative rows follow).
    pub const FORM: &'static [VisitField] = &[
        Self::Name,
        Self::Gender,
        Self::IdType,
        Self::IdNumber,
        Self::Employer,
        Self::Phone,
        Self::PeopleCount,
        Self::Companions,
        Self::Purpose,
        Self::Host,
        Self::Plate,
        Self::Belongings,
        Self::EnteredAt,
        Self::Petition,
        Self::PetitionAddress,
        Self::PetitionMatter,
        Self::Handling,
    ];

    /// The label an officer reads: 姓名, 被访部门/人, 代表2姓名 …
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Name => "姓名".into(),
            Self::Gender => "性别".into(),
            Self::IdType => "证件类型".into(),
            Self::IdNumber => "证件号码".into(),
            Self::Employer => "工作单位".into(),
            Self::Phone => "联系电话".into(),
            Self::PeopleCount => "来访人数".into(),
            Self::Companions => "同行人".into(),
            Self::Purpose => "来访事由".into(),
            Self::Host => "被访部门/人".into(),
            Self::Plate => "车牌号".into(),
            Self::Belongings => "携带物品".into(),
            Self::Handling => "处理情况".into(),
            Self::EnteredAt => "进入时间".into(),
            Self::Petition => "信访".into(),
            Self::PetitionAddress => "住址".into(),
            Self::PetitionMatter => "信访事项".into(),
            Self::Representatives => "代表".into(),
            Self::Liaison => "联络人".into(),
            Self::RepName(i) => format!("代表{}姓名", i + 1),
            Self::RepIdNumber(i) => format!("代表{}证件号", i + 1),
            Self::RepPhone(i) => format!("代表{}电话", i + 1),
        }
    }

    /// Maximum length in characters.
    #[must_use]
    pub fn max_chars(self) -> usize {
        match self {
            Self::Name | Self::RepName(_) => 50,
            Self::IdNumber => 60,
            Self::RepIdNumber(_) | Self::Phone | Self::RepPhone(_) => 40,
            Self::PeopleCount => 6,
            Self::Plate => 12,
            Self::EnteredAt => 19,
            Self::Employer | Self::Host => 100,
            Self::PetitionAddress => 200,
            Self::Companions | Self::Purpose | Self::Belongings => 500,
            Self::Handling => 2000,
            Self::PetitionMatter => 4000,
            // The longest label, 港澳居民来往内地通行证, has 11.
            Self::IdType => 12,
            Self::Gender | Self::Petition | Self::Representatives | Self::Liaison => 10,
        }
    }

    /// Whether the field keeps line breaks.
    #[must_use]
    pub fn is_multiline(self) -> bool {
        matches!(self, Self::PetitionMatter | Self::Handling)
    }

    /// Whether the field only matters on a 信访 visit.
    #[must_use]
    pub fn is_petition_only(self) -> bool {
        matches!(
            self,
            Self::PetitionAddress
                | Self::PetitionMatter
                | Self::Representatives
                | Self::Liaison
                | Self::RepName(_)
                | Self::RepIdNumber(_)
                | Self::RepPhone(_)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// The 信访 part of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Petition {
    /// 住址.
    pub address: String,
    /// 信访事项.
    pub matter: String,
}

/// A representative as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representative {
    pub name: String,
    /// Normalised 居民身份证 number, or empty.
    pub id_number: String,
    pub phone: String,
    pub is_liaison: bool,
}

/// A checked visit, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub name: String,
    pub gender: Gender,
    pub id_type: IdType,
    /// In full, normalised. Show it with [`idcard::mask`] unless revealed (and the reveal logged).
    pub id_number: String,
    pub employer: String,
    pub phone: String,
    /// 来访人数, at least 1.
    pub people_count: u32,
    pub companions: String,
    pub purpose: String,
    pub host: String,
    /// Normalised plate or empty.
    pub plate: String,
    pub belongings: String,
    pub handling: String,
    pub entered_at: NaiveDateTime,
    /// Present on a 信访 visit.
    pub petition: Option<Petition>,
    /// Empty unless representatives were listed; exactly one is the liaison when not empty.
    pub representatives: Vec<Representative>,
    /// 登记人: the operator who saved it.
    pub registered_by: String,
    /// When it was saved.
    pub registered_at: NaiveDateTime,
}

impl NewVisit {
    /// A 信访 visit of [`COLLECTIVE_THRESHOLD`] or more people: report it to the leaders (XF-1).
    #[must_use]
    pub fn is_collective(&self) -> bool {
        self.petition.is_some() && self.people_count >= COLLECTIVE_THRESHOLD
    }

    /// The 联络人, if representatives were listed.
    #[must_use]
    pub fn liaison(&self) -> Option<&Representative> {
        self.representatives.iter().find(|r| r.is_liaison)
    }

    /// The key this visit is matched on for 重访.
    #[must_use]
    pub fn repeat_key(&self) -> RepeatKey {
        RepeatKey::new(
            self.id_type,
            &self.id_number,
            &self.name,
            self.petition.as_ref().map(|p| p.matter.as_str()),
        )
    }
}

/// A saved visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: VisitId,
    pub fields: NewVisit,
    /// 离开时间; set once, never changed.
    pub checked_out_at: Option<NaiveDateTime>,
    /// Who registered the departure.
    pub checked_out_by: Option<String>,
    /// The earlier visit this one repeats (重访).
    pub repeat_of: Option<VisitId>,
    /// That earlier visit, summarised (上次来访时间 and outcome).
    pub previous: Option<PreviousVisit>,
}

impl Visit {
    /// Still inside: not checked out.
    #[must_use]
    pub fn is_inside(&self) -> bool {
        self.checked_out_at.is_none()
    }

    /// 重访.
    #[must_use]
    pub fn is_repeat(&self) -> bool {
        self.repeat_of.is_some()
    }

    /// What came of the visit, in a line: the 处理情况 if written, else whether and when the
    /// visitor left.
    #[must_use]
    pub fn outcome(&self) -> String {
        let handling = self.fields.handling.trim();
        if !handling.is_empty() {
            return crate::core::text::first_line(handling).to_string();
        }
        match self.checked_out_at {
            Some(t) => format!("已离开（{}）", validate::format_minute(t)),
            None => "未登记离开".into(),
        }
    }

    /// This visit as an earlier visit of a later one.
    #[must_use]
    pub fn summary(&self) -> PreviousVisit {
        PreviousVisit {
            id: self.id,
            entered_at: self.fields.entered_at,
            name: self.fields.name.clone(),
            id_type: self.fields.id_type,
            id_number: self.fields.id_number.clone(),
            matter: self.fields.petition.as_ref().map(|p| p.matter.clone()),
            purpose: self.fields.purpose.clone(),
            outcome: self.outcome(),
            same_number: false,
        }
    }
}

/// Whether a visitor still inside has been in longer than `limit` (for the 在楼人员 list and the
/// handover). A visitor who left is never overstaying.
#[must_use]
pub fn is_overstay(visit: &Visit, now: NaiveDateTime, limit: Duration) -> bool {
    visit.is_inside() && now - visit.fields.entered_at > limit
}

// ---------------------------------------------------------------------------------------------
// Building a visit from the draft
// ---------------------------------------------------------------------------------------------

/// Turns what was typed into a visit, or returns every problem at once, each on its field.
///
/// `now` is the saving time (the default 进入时间 and 登记时间); `today` is the date a 居民身份证
/// birth date may not be after. Text is sanitized (control characters and escape sequences
/// removed) and trimmed.
pub fn build_visit(
    draft: &VisitDraft,
    operator: &str,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<NewVisit, Vec<(VisitField, String)>> {
    let mut errors: Vec<(VisitField, String)> = Vec::new();
    let mut text = |field: VisitField, raw: &str| -> String {
        let clean = sanitize(raw, field.is_multiline()).trim().to_string();
        let n = clean.chars().count();
        if n > field.max_chars() {
            errors.push((
                field,
                format!(
                    "“{}”最多 {} 个字，现在是 {n} 个：请精简",
                    field.label(),
                    field.max_chars()
                ),
            ));
        }
        clean
    };
    let name = text(VisitField::Name, &draft.name);
    let gender_raw = text(VisitField::Gender, &draft.gender);
    let id_type_raw = text(VisitField::IdType, &draft.id_type);
    let id_raw = text(VisitField::IdNumber, &draft.id_number);
    let employer = text(VisitField::Employer, &draft.employer);
    let phone_raw = text(VisitField::Phone, &draft.phone);
    let count_raw = text(VisitField::PeopleCount, &draft.people_count);
    let companions = text(VisitField::Companions, &draft.companions);
    let purpose = text(VisitField::Purpose, &draft.purpose);
    let host = text(VisitField::Host, &draft.host);
    let plate_raw = text(VisitField::Plate, &draft.plate);
    let belongings = text(VisitField::Belongings, &draft.belongings);
    let handling = text(VisitField::Handling, &draft.handling);
    let entered_raw = text(VisitField::EnteredAt, &draft.entered_at);
    let address = text(VisitField::PetitionAddress, &draft.petition_address);
    let matter = text(VisitField::PetitionMatter, &draft.petition_matter);
    let reps_raw: Vec<(usize, RepresentativeDraft)> = draft
        .representatives
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .map(|(i, r)| {
            (
                i,
                RepresentativeDraft {
                    name: text(VisitField::RepName(i), &r.name),
                    id_number: text(VisitField::RepIdNumber(i), &r.id_number),
                    phone: text(VisitField::RepPhone(i), &r.phone),
                },
            )
        })
        .collect();

    if name.is_empty() {
        errors.push((VisitField::Name, "“姓名”必须填写：请照证件填写来访人姓名".into()));
    }
    let id_type = if id_type_raw.is_empty() {
        errors.push((VisitField::IdType, format!("请选择“证件类型”：{}", IdType::choices())));
        None
    } else {
        let parsed = IdType::parse(&id_type_raw);
        if parsed.is_none() {
            errors.push((
                VisitField::IdType,
                format!("证件类型“{id_type_raw}”不在可选范围内：只能是{}", IdType::choices()),
            ));
        }
        parsed
    };
    let id_number = match id_type {
        _ if id_raw.is_empty() => {
            let how = match id_type {
                Some(IdType::Other) => "选“其他”时请写明所持证件，如“介绍信 市水利局”或“工作证 0123”",
                _ => "请对照来访人出示的证件填写；没有证件的，证件类型选“其他”并写明所持介绍信等",
            };
            errors.push((VisitField::IdNumber, format!("“证件号码”必须填写：{how}")));
            id_raw
        }
        Some(t) => check_document(t, &id_raw, today).unwrap_or_else(|e| {
            errors.push((VisitField::IdNumber, e));
            id_raw
        }),
        None => id_raw,
    };
    let id_checked = id_type == Some(IdType::ResidentId) && !errors.iter().any(|(f, _)| *f == VisitField::IdNumber);
    let from_id = if id_checked {
        idcard::gender_from_id(&id_number)
    } else {
        None
    };
    let gender = match (Gender::parse(&gender_raw), gender_raw.is_empty()) {
        (_, true) | (Some(Gender::Unset), _) => from_id.unwrap_or(Gender::Unset),
        (Some(g), _) => {
            if let Some(on_card) = from_id.filter(|c| *c != g) {
                errors.push((
                    VisitField::Gender,
                    format!("性别选了“{g}”，但身份证号码第 17 位表明是“{on_card}”：请核对性别或证件号码"),
                ));
            }
            g
        }
        (None, false) => {
            errors.push((
                VisitField::Gender,
                format!("性别“{gender_raw}”不在可选范围内：只能是{}", Gender::choices()),
            ));
            Gender::Unset
        }
    };
    let phone = optional(&mut errors, VisitField::Phone, phone_raw, validate::phone);
    let people_count = match count_raw.as_str() {
        "" => 1,
        s => parse_count(s).unwrap_or_else(|e| {
            errors.push((VisitField::PeopleCount, e));
            1
        }),
    };
    if purpose.is_empty() {
        errors.push((
            VisitField::Purpose,
            "“来访事由”必须填写：问清来办什么事，如“联系工作”“送文件”“反映问题”".into(),
        ));
    }
    if host.is_empty() {
        errors.push((
            VisitField::Host,
            "“被访部门/人”必须填写：写明要去的部门或要找的人，如“办公室 王主任”".into(),
        ));
    }
    let plate = validate_plate(&plate_raw).unwrap_or_else(|e| {
        errors.push((VisitField::Plate, e));
        plate_raw
    });
    let entered_at = if entered_raw.is_empty() {
        now
    } else {
        validate::time(&entered_raw, now).unwrap_or_else(|e| {
            errors.push((VisitField::EnteredAt, format!("进入时间：{e}")));
            now
        })
    };
    let petition = if draft.petition {
        if address.is_empty() {
            errors.push((
                VisitField::PetitionAddress,
                "信访登记须填写来访人“住址”：问清并记下；对方拒绝提供的，写“拒绝提供”".into(),
            ));
        }
        if matter.is_empty() {
            errors.push((
                VisitField::PetitionMatter,
                "信访登记须填写“信访事项”：简要记下反映的问题和诉求".into(),
            ));
        }
        Some(Petition { address, matter })
    } else {
        None
    };
    let representatives = check_representatives(
        &mut errors,
        &reps_raw,
        draft.liaison,
        draft.petition,
        people_count,
        today,
    );

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewVisit {
        name,
        gender,
        id_type: id_type.unwrap_or(IdType::Other),
        id_number,
        employer,
        phone,
        people_count,
        companions,
        purpose,
        host,
        plate,
        belongings,
        handling,
        entered_at,
        petition,
        representatives,
        registered_by: operator.to_string(),
        registered_at: now,
    })
}

/// An optional value: empty stays empty, anything else must pass `check`.
fn optional(
    errors: &mut Vec<(VisitField, String)>,
    field: VisitField,
    raw: String,
    check: impl Fn(&str) -> Result<String, String>,
) -> String {
    if raw.is_empty() {
        return raw;
    }
    check(&raw).unwrap_or_else(|e| {
        errors.push((field, e));
        raw
    })
}

/// Checks a document number of a given type; see the module's decisions.
pub fn check_document(id_type: IdType, input: &str, today: NaiveDate) -> Result<String, String> {
    match id_type {
        IdType::ResidentId => idcard::validate_resident_id(input, today),
        IdType::Passport | IdType::HkMacauPermit => {
            let s = compact_upper(input);
            if let Some(bad) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
                return Err(format!(
                    "{}号码只能是字母和数字，现在含有“{bad}”：请对照证件核对",
                    id_type.label()
                ));
            }
            let n = s.chars().count();
            if !(5..=20).contains(&n) {
                return Err(format!(
                    "{}号码应为 5-20 位字母和数字，现在是 {n} 位：请对照证件核对",
                    id_type.label()
                ));
            }
            Ok(s)
        }
        IdType::HkMacauResidentPermit => check_hk_macau_resident(input),
        IdType::TaiwanResidentPermit => check_taiwan_resident(input),
        IdType::OfficerId | IdType::Other => Ok(input.trim().to_string()),
    }
}

/// The document number without spaces, half-width and upper-case.
fn compact_upper(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| to_ascii_half_width(c).to_ascii_uppercase())
        .collect()
}

/// 港澳居民来往内地通行证 (回乡证): H (Hong Kong) or M (Macao) and 8 digits on the card issued since
/// 2013; the older booklet and card carry H/M and 10 digits. Both stay valid until they expire.
fn check_hk_macau_resident(input: &str) -> Result<String, String> {
    const FORMAT: &str = "港澳居民来往内地通行证（回乡证）号码应为 H（香港）或 M（澳门）加 8 位数字，如 H12345678；\
                          旧版证件为 H 或 M 加 10 位数字";
    let s = compact_upper(input);
    let mut chars = s.chars();
    let first = chars.next();
    let digits: Vec<char> = chars.collect();
    if !matches!(first, Some('H' | 'M')) {
        return Err(format!("{FORMAT}：现在的号码不以 H 或 M 开头，请对照证件核对"));
    }
    if let Some(bad) = digits.iter().find(|c| !c.is_ascii_digit()) {
        return Err(format!("{FORMAT}：字母之后只能是数字，现在含有“{bad}”，请对照证件核对"));
    }
    if !matches!(digits.len(), 8 | 10) {
        return Err(format!(
            "{FORMAT}：字母之后现在是 {} 位数字，请对照证件核对",
            digits.len()
        ));
    }
    Ok(s)
}

/// 台湾居民来往大陆通行证 (台胞证): 8 digits on the card issued since 2015; older cards carry 8
/// digits and one or two check letters or digits, printed in brackets (`12345678(B)`) or not, or
/// 10 digits. Brackets are dropped, so the same card compares equal however it was typed.
fn check_taiwan_resident(input: &str) -> Result<String, String> {
    const FORMAT: &str = "台湾居民来往大陆通行证（台胞证）号码应为 8 位数字，如 12345678；\
                          旧版证件为 8 位数字后加 1-2 位字母或数字，如 12345678(B) 或 1234567801";
    let s: String = compact_upper(input)
        .chars()
        .filter(|c| !matches!(c, '(' | ')'))
        .collect();
    let chars: Vec<char> = s.chars().collect();
    if let Some(bad) = chars.iter().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!("{FORMAT}：现在含有“{bad}”，请对照证件核对"));
    }
    let head = chars.iter().take(8).filter(|c| c.is_ascii_digit()).count();
    if head < 8 || !(8..=10).contains(&chars.len()) {
        return Err(format!(
            "{FORMAT}：现在是 {} 位，前 8 位中有 {head} 位数字，请对照证件核对",
            chars.len()
        ));
    }
    Ok(s)
}

/// 来访人数: a whole number from 1, half- or full-width digits.
fn parse_count(s: &str) -> Result<u32, String> {
    let digits: String = s.chars().map(to_ascii_half_width).collect();
    let digits = digits.trim_end_matches('人');
    match digits.parse::<u32>() {
        Ok(0) => Err("来访人数至少为 1：请填写实际来访的人数".into()),
        Ok(n) if n > 100_000 => Err(format!("来访人数 {n} 太大：请核对")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("来访人数“{s}”不是整数：请填写阿拉伯数字，如 3")),
    }
}

fn check_representatives(
    errors: &mut Vec<(VisitField, String)>,
    reps: &[(usize, RepresentativeDraft)],
    liaison: Option<usize>,
    petition: bool,
    people_count: u32,
    today: NaiveDate,
) -> Vec<Representative> {
    let collective = petition && people_count >= COLLECTIVE_THRESHOLD;
    if reps.is_empty() {
        if collective {
            errors.push((
                VisitField::Representatives,
                format!(
                    "{people_count} 人的集体访须推选代表：请登记 1-{MAX_REPRESENTATIVES} 名代表并指定其中一人为联络人，其余来访人只计人数；\
                     坚持不推选代表的，按个访逐人登记"
                ),
            ));
        }
        if liaison.is_some() {
            errors.push((
                VisitField::Liaison,
                "选了联络人但没有登记代表：请先登记代表，再从中指定联络人".into(),
            ));
        }
        return Vec::new();
    }
    if reps.len() > MAX_REPRESENTATIVES {
        errors.push((
            VisitField::Representatives,
            format!(
                "代表不得超过 {MAX_REPRESENTATIVES} 人，现在登记了 {} 人：请只保留推选出的 {MAX_REPRESENTATIVES} 名以内代表，其余来访人只计人数",
                reps.len()
            ),
        ));
    }
    if u32::try_from(reps.len()).unwrap_or(u32::MAX) > people_count {
        errors.push((
            VisitField::PeopleCount,
            format!(
                "来访人数填了 {people_count} 人，少于登记的 {} 名代表：请核对人数",
                reps.len()
            ),
        ));
    }
    match liaison {
        None => errors.push((
            VisitField::Liaison,
            "须从代表中指定一名联络人（负责与有关单位联系和收受答复意见）：请选定一人".into(),
        )),
        Some(i) if !reps.iter().any(|(row, r)| *row == i && !r.name.is_empty()) => errors.push((
            VisitField::Liaison,
            format!("联络人选的是第 {} 行，但该行没有填写代表姓名：请重新选定联络人", i + 1),
        )),
        Some(_) => {}
    }
    let mut out = Vec::with_capacity(reps.len());
    for (row, r) in reps {
        if r.name.is_empty() {
            errors.push((
                VisitField::RepName(*row),
                format!("第 {} 名代表没有填写姓名：请填写，或清空这一行", row + 1),
            ));
        }
        let id_number = optional(errors, VisitField::RepIdNumber(*row), r.id_number.clone(), |s| {
            idcard::validate_resident_id(s, today).map_err(|e| format!("代表{}：{e}", row + 1))
        });
        let phone = optional(errors, VisitField::RepPhone(*row), r.phone.clone(), validate::phone);
        out.push(Representative {
            name: r.name.clone(),
            id_number,
            phone,
            is_liaison: liaison == Some(*row),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Repeat visits (重访)
// ---------------------------------------------------------------------------------------------

/// An earlier visit as a later one needs it: when, who, what, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousVisit {
    pub id: VisitId,
    /// 上次来访时间.
    pub entered_at: NaiveDateTime,
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    /// 信访事项, on a 信访 visit.
    pub matter: Option<String>,
    pub purpose: String,
    /// See [`Visit::outcome`].
    pub outcome: String,
    /// The store found it under the same document number's key: the number itself, or, once the
    /// visit's numbers were reduced after the retention period, its keyed digest
    /// ([`crate::core::retention`]) — the number it shows is then only masked.
    pub same_number: bool,
}

/// What a visit is matched on to find an earlier one. Build it from a saved visit with
/// [`NewVisit::repeat_key`], or from a form being typed with [`RepeatKey::new`] (to show 重访
/// before saving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatKey {
    /// Normalised document number; empty under “其他” (free text is not an identity).
    pub id_number: String,
    /// Trimmed name.
    pub name: String,
    /// 信访事项 without whitespace, on a 信访 visit.
    pub matter: Option<String>,
}

impl RepeatKey {
    #[must_use]
    pub fn new(id_type: IdType, id_number: &str, name: &str, matter: Option<&str>) -> Self {
        Self {
            id_number: if id_type == IdType::Other {
                String::new()
            } else {
                normalise_id(id_number)
            },
            name: name.trim().to_string(),
            matter: matter.map(squeeze).filter(|m| !m.is_empty()),
        }
    }
}

/// Upper-case, no spaces: how document numbers are compared.
#[must_use]
pub fn normalise_id(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| to_ascii_half_width(c).to_ascii_uppercase())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a visit with `key` repeats `previous`: the same document number (neither under “其他”),
/// or, between two 信访 visits, the same name and the same matter.
#[must_use]
pub fn is_repeat(key: &RepeatKey, previous: &PreviousVisit) -> bool {
    let same_id = !key.id_number.is_empty()
        && previous.id_type != IdType::Other
        && (previous.same_number || normalise_id(&previous.id_number) == key.id_number);
    let same_matter = match (&key.matter, &previous.matter) {
        (Some(m), Some(p)) => !key.name.is_empty() && previous.name.trim() == key.name && squeeze(p) == *m,
        _ => false,
    };
    same_id || same_matter
}

/// The most recent earlier visit that `key` repeats (latest 进入时间, then highest id).
#[must_use]
pub fn find_repeat<'a>(key: &RepeatKey, candidates: &'a [PreviousVisit]) -> Option<&'a PreviousVisit> {
    candidates
        .iter()
        .filter(|p| is_repeat(key, p))
        .max_by_key(|p| (p.entered_at, p.id))
}

/// One line for the form when a visit is a 重访: 重访：上次来访 2026-11-20 09:30，事由…，结果…
#[must_use]
pub fn describe_repeat(previous: &PreviousVisit) -> String {
    let what = previous.matter.as_deref().unwrap_or(&previous.purpose);
    format!(
        "重访：上次来访 {}（第 {} 号），事由：{}；结果：{}",
        validate::format_minute(previous.entered_at),
        previous.id,
        crate::core::text::first_line(what),
        previous.outcome
    )
}

// ---------------------------------------------------------------------------------------------
// Lookup results
// ---------------------------------------------------------------------------------------------

/// One person found by a lookup, with their latest visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorMatch {
    /// The latest visit's id.
    pub visit_id: VisitId,
    pub name: String,
    pub gender: Gender,
    pub id_type: IdType,
    /// In full; show it masked.
    pub id_number: String,
    pub employer: String,
    pub phone: String,
    /// 上次来访时间.
    pub last_entered_at: NaiveDateTime,
    pub last_purpose: String,
    /// See [`Visit::outcome`].
    pub last_outcome: String,
    /// How many visits this person made (all of them, not only those the query matched).
    pub visits: u32,
    /// The latest visit is still inside.
    pub inside: bool,
}

/// What a lookup found: the persons, and whether that is all of them (false: it ran out of time
/// and the screen says so, with a key to look through everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupAnswer {
    pub matches: Vec<VisitorMatch>,
    pub complete: bool,
}

/// One time a full ID number was shown on screen (domain.md §6: revealing is logged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reveal {
    pub visit_id: VisitId,
    pub revealed_by: String,
    pub revealed_at: NaiveDateTime,
}

// ---------------------------------------------------------------------------------------------
// Watch list (关注名单)
// ---------------------------------------------------------------------------------------------

/// A person the office asked the gate to watch for, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEntry {
    pub id: WatchId,
    pub name: String,
    /// Other names the person is known by.
    pub aliases: Vec<String>,
    /// Normalised document number, if known.
    pub id_number: Option<String>,
    pub reason: String,
    pub added_by: String,
    pub added_at: NaiveDateTime,
}

/// A watch-list entry as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchDraft {
    pub name: String,
    /// Several names separated by 、，, ; or line breaks (not spaces: a Latin name has them).
    pub aliases: String,
    pub id_number: String,
    pub reason: String,
}

/// Watch-list form fields, for errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WatchField {
    Name,
    Aliases,
    IdNumber,
    Reason,
}

impl WatchField {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "姓名",
            Self::Aliases => "别名",
            Self::IdNumber => "证件号码",
            Self::Reason => "关注原因",
        }
    }
}

/// A checked watch-list entry, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWatchEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub id_number: Option<String>,
    pub reason: String,
    pub added_by: String,
    pub added_at: NaiveDateTime,
}

/// Checks a watch-list entry: a name and a reason are required; the document number is any type,
/// so it is only normalised (spaces removed, upper-case).
pub fn build_watch_entry(
    draft: &WatchDraft,
    operator: &str,
    now: NaiveDateTime,
) -> Result<NewWatchEntry, Vec<(WatchField, String)>> {
    let clean = |s: &str| sanitize(s, false).trim().to_string();
    let name = clean(&draft.name);
    let reason = clean(&draft.reason);
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push((WatchField::Name, "“姓名”必须填写：写关注对象常用的姓名".into()));
    }
    if name.chars().count() > 50 {
        errors.push((WatchField::Name, "姓名最多 50 个字：请核对".into()));
    }
    if reason.is_empty() {
        errors.push((
            WatchField::Reason,
            "“关注原因”必须填写：写明为什么关注、来了怎么办（如“来访即报带班领导”）".into(),
        ));
    }
    let aliases: Vec<String> = sanitize(&draft.aliases, true)
        .split(['、', '，', ',', ';', '；', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != name)
        .map(String::from)
        .collect();
    if aliases.iter().any(|a| a.chars().count() > 50) {
        errors.push((WatchField::Aliases, "每个别名最多 50 个字：多个别名用“、”隔开".into()));
    }
    let id = normalise_id(&clean(&draft.id_number));
    if id.chars().count() > 40 {
        errors.push((WatchField::IdNumber, "证件号码最多 40 位：请核对".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewWatchEntry {
        name,
        aliases,
        id_number: (!id.is_empty()).then_some(id),
        reason,
        added_by: operator.to_string(),
        added_at: now,
    })
}

/// Names are compared without spaces or `·` and, for Latin letters, without case.
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The watch-list entries a visitor matches: the name equals the entry's name or one of its
/// aliases (after trimming, ignoring spaces and `·`), or the document number equals the entry's.
/// Call it while the form is typed, with the draft's name and number, so the officer is warned
/// before the visitor is admitted.
#[must_use]
pub fn watch_matches<'a>(name: &str, id_number: &str, entries: &'a [WatchEntry]) -> Vec<&'a WatchEntry> {
    let name = name_key(name);
    let id = normalise_id(id_number);
    entries
        .iter()
        .filter(|e| {
            let by_name = !name.is_empty() && std::iter::once(&e.name).chain(&e.aliases).any(|n| name_key(n) == name);
            let by_id = !id.is_empty() && e.id_number.as_deref().is_some_and(|w| normalise_id(w) == id);
            by_name || by_id
        })
        .collect()
}

/// Where a visit sits in 全部来访: by entry time, then id (the index `visit_by_time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VisitKey {
    pub entered_at: NaiveDateTime,
    pub id: VisitId,
}

impl VisitKey {
    #[must_use]
    pub fn of(v: &Visit) -> Self {
        Self {
            entered_at: v.fields.entered_at,
            id: v.id,
        }
    }
}

/// Where a page of 全部来访 starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitAnchor {
    Newest,
    /// Visits strictly older than the key.
    Before(VisitKey),
    /// Visits strictly newer than the key.
    After(VisitKey),
    /// The visit at the key and older ones (to read again around a position).
    AtOrBefore(VisitKey),
}

/// A page of 全部来访 to read: always returned newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitPageRequest {
    pub anchor: VisitAnchor,
    pub limit: usize,
    /// Select this visit once read, if it is in the page.
    pub select: Option<VisitId>,
}

/// An alert a visit raises: an urgent log entry and the first lines of its timeline.
pub type AlertEntry = (Box<crate::core::log::NewEntry>, Vec<crate::core::urgent::TimelineLine>);

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-23 09:30", "%Y-%m-%d %H:%M").unwrap()
    }

    fn today() -> NaiveDate {
        now().date()
    }

    const ID: &str = "11010519491231002X";

    fn draft() -> VisitDraft {
        VisitDraft {
            name: "张三".into(),
            id_type: "居民身份证".into(),
            id_number: ID.into(),
            purpose: "联系工作".into(),
            host: "办公室 王主任".into(),
            ..VisitDraft::default()
        }
    }

    fn petition(count: u32, reps: &[&str], liaison: Option<usize>) -> VisitDraft {
        VisitDraft {
            petition: true,
            people_count: count.to_string(),
            petition_address: "城关镇河西村".into(),
            petition_matter: "征地补偿款未发放".into(),
            representatives: reps
                .iter()
                .map(|n| RepresentativeDraft {
                    name: (*n).into(),
                    ..RepresentativeDraft::default()
                })
                .collect(),
            liaison,
            ..draft()
        }
    }

    fn errors_on(d: &VisitDraft) -> Vec<(VisitField, String)> {
        build_visit(d, "李四", now(), today()).unwrap_err()
    }

    fn has(errs: &[(VisitField, String)], field: VisitField, text: &str) -> bool {
        errs.iter().any(|(f, m)| *f == field && m.contains(text))
    }

    #[test]
    fn plates() {
        for (input, want) in [
            ("云A12345", "云A12345"),
            ("云a·12345", "云A12345"),
            ("京 A 1234X", "京A1234X"),
            ("粤BD12345", "粤BD12345"),
            ("沪A12345F", "沪A12345F"),
            ("云A1234学", "云A1234学"),
            ("云Ａ１２３４警", "云A1234警"),
            ("冀A1234挂", "冀A1234挂"),
            ("粤Z1234港", "粤Z1234港"),
            ("使014578", "使014578"),
            ("", ""),
            ("  ", ""),
        ] {
            assert_eq!(validate_plate(input).as_deref(), Ok(want), "{input}");
        }
        for (input, hint) in [
            ("A12345", "缺少开头的省份简称"),
            ("台A12345", "不是省份简称"),
            ("云112345", "第二位"),
            ("云A1234", "现在是 4 位"),
            ("云A1234567", "现在是 7 位"),
            ("云A12O45", "I 和 O"),
            ("云AI2345", "I 和 O"),
            ("云A12345学", "“学”前有 5 位"),
            ("云A12#45", "“#”"),
            ("使12345", "使馆"),
            ("云", "不完整"),
        ] {
            let err = validate_plate(input).unwrap_err();
            assert!(err.contains(hint), "{input}: {err}");
        }
        assert_eq!(format_plate("云A12345"), "云A·12345");
        assert_eq!(format_plate("使014578"), "使014578");
    }

    #[test]
    fn a_plain_visit_defaults_time_count_and_gender_from_the_card() {
        let v = build_visit(&draft(), "李四", now(), today()).unwrap();
        assert_eq!(v.entered_at, now());
        assert_eq!(v.people_count, 1);
        assert_eq!(v.gender, Gender::Female); // 17th digit of the GB example is 2
        assert_eq!(v.registered_by, "李四");
        assert_eq!(v.id_type, IdType::ResidentId);
        assert!(v.petition.is_none() && !v.is_collective());
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let d = VisitDraft {
            name: " ".into(),
            id_type: "居民身份证".into(),
            id_number: "110105194912310021".into(),
            phone: "123".into(),
            people_count: "0".into(),
            plate: "云A1".into(),
            entered_at: "明天".into(),
            ..VisitDraft::default()
        };
        let errs = errors_on(&d);
        for f in [
            VisitField::Name,
            VisitField::IdNumber,
            VisitField::Phone,
            VisitField::PeopleCount,
            VisitField::Purpose,
            VisitField::Host,
            VisitField::Plate,
            VisitField::EnteredAt,
        ] {
            assert!(errs.iter().any(|(g, _)| *g == f), "{f:?} missing in {errs:?}");
        }
        assert!(
            errs.iter()
                .all(|(_, m)| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        );
    }

    #[test]
    fn document_type_is_required_and_other_needs_a_description() {
        let errs = errors_on(&VisitDraft {
            id_type: String::new(),
            ..draft()
        });
        assert!(has(&errs, VisitField::IdType, "居民身份证、护照"), "{errs:?}");
        let errs = errors_on(&VisitDraft {
            id_type: "其他".into(),
            id_number: String::new(),
            ..draft()
        });
        assert!(has(&errs, VisitField::IdNumber, "介绍信"), "{errs:?}");
        let other = build_visit(
            &VisitDraft {
                id_type: "其他".into(),
                id_number: "介绍信 市水利局".into(),
                ..draft()
            },
            "李四",
            now(),
            today(),
        )
        .unwrap();
        assert_eq!(other.id_number, "介绍信 市水利局");
        assert_eq!(other.gender, Gender::Unset);
        let passport = build_visit(
            &VisitDraft {
                id_type: "护照".into(),
                id_number: "e 1234 5678".into(),
                ..draft()
            },
            "李四",
            now(),
            today(),
        )
        .unwrap();
        assert_eq!(passport.id_number, "E12345678");
        assert!(has(
            &errors_on(&VisitDraft {
                id_type: "护照".into(),
                id_number: "护照E123".into(),
                ..draft()
            }),
            VisitField::IdNumber,
            "字母和数字"
        ));
        // A 15-digit number under 居民身份证 is refused with the way out.
        assert!(has(
            &errors_on(&VisitDraft {
                id_number: "110105491231002".into(),
                ..draft()
            }),
            VisitField::IdNumber,
            "其他"
        ));
    }

    #[test]
    fn hong_kong_and_macao_residents_permit_numbers() {
        let ok = |n: &str| check_document(IdType::HkMacauResidentPermit, n, today());
        assert_eq!(ok("H12345678").as_deref(), Ok("H12345678"));
        assert_eq!(ok("m 1234 5678").as_deref(), Ok("M12345678"));
        assert_eq!(
            ok("Ｈ１２３４５６７８").as_deref(),
            Ok("H12345678"),
            "full-width as typed with a Chinese IME"
        );
        assert_eq!(
            ok("H0123456789").as_deref(),
            Ok("H0123456789"),
            "older cards: 10 digits"
        );
        for (bad, why) in [
            ("12345678", "不以 H 或 M 开头"),
            ("C12345678", "不以 H 或 M 开头"), // a mainland resident's 港澳通行证
            ("H1234567", "7 位数字"),
            ("H123456789", "9 位数字"),
            ("H1234567A", "含有“A”"),
            ("", "不以 H 或 M 开头"),
        ] {
            let e = ok(bad).unwrap_err();
            assert!(
                e.contains(why) && e.contains("H（香港）或 M（澳门）加 8 位数字"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn taiwan_residents_permit_numbers() {
        let ok = |n: &str| check_document(IdType::TaiwanResidentPermit, n, today());
        assert_eq!(ok("12345678").as_deref(), Ok("12345678"));
        assert_eq!(ok("1234 5678").as_deref(), Ok("12345678"));
        assert_eq!(
            ok("12345678(b)").as_deref(),
            Ok("12345678B"),
            "older cards, brackets dropped"
        );
        assert_eq!(ok("12345678（B）").as_deref(), Ok("12345678B"), "full-width brackets");
        assert_eq!(ok("12345678B").as_deref(), Ok("12345678B"));
        assert_eq!(ok("1234567801").as_deref(), Ok("1234567801"));
        for bad in [
            "1234567",
            "12345678ABC",
            "A1234567",
            "1234-5678",
            "H12345678",
            "台胞12345678",
            "",
        ] {
            let e = ok(bad).unwrap_err();
            assert!(e.contains("应为 8 位数字"), "{bad}: {e}");
        }
    }

    #[test]
    fn visitors_from_hong_kong_macao_and_taiwan_register() {
        for (label, number, stored) in [
            ("港澳居民来往内地通行证", "h12345678", "H12345678"),
            ("台湾居民来往大陆通行证", "12345678", "12345678"),
        ] {
            let v = build_visit(
                &VisitDraft {
                    id_type: label.into(),
                    id_number: number.into(),
                    ..draft()
                },
                "李四",
                now(),
                today(),
            )
            .unwrap();
            assert_eq!(v.id_type.label(), label);
            assert_eq!(v.id_number, stored);
            assert_eq!(v.gender, Gender::Unset, "these numbers say nothing about gender");
        }
        let errs = errors_on(&VisitDraft {
            id_type: "台湾居民来往大陆通行证".into(),
            id_number: "T123".into(),
            ..draft()
        });
        assert!(has(&errs, VisitField::IdNumber, "台胞证"), "{errs:?}");
    }

    #[test]
    fn gender_that_contradicts_the_card_is_questioned() {
        let errs = errors_on(&VisitDraft {
            gender: "男".into(),
            ..draft()
        });
        assert!(has(&errs, VisitField::Gender, "第 17 位"), "{errs:?}");
        let ok = build_visit(
            &VisitDraft {
                gender: "女".into(),
                ..draft()
            },
            "李四",
            now(),
            today(),
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn text_is_sanitized_and_capped() {
        let v = build_visit(
            &VisitDraft {
                employer: "市\u{1b}[31m水利局\u{7}".into(),
                ..draft()
            },
            "李四",
            now(),
            today(),
        )
        .unwrap();
        assert_eq!(v.employer, "市水利局");
        let errs = errors_on(&VisitDraft {
            name: "张".repeat(51),
            ..draft()
        });
        assert!(has(&errs, VisitField::Name, "最多 50 个字"), "{errs:?}");
    }

    #[test]
    fn collective_petition_of_twelve_without_representatives_fails() {
        let errs = errors_on(&petition(12, &[], None));
        assert!(has(&errs, VisitField::Representatives, "推选代表"), "{errs:?}");
        assert!(has(&errs, VisitField::Representatives, "个访"), "{errs:?}");
    }

    #[test]
    fn six_representatives_are_too_many() {
        let errs = errors_on(&petition(12, &["甲", "乙", "丙", "丁", "戊", "己"], Some(0)));
        assert!(has(&errs, VisitField::Representatives, "不得超过 5 人"), "{errs:?}");
        assert!(has(&errs, VisitField::Representatives, "6 人"), "{errs:?}");
    }

    #[test]
    fn representatives_without_a_liaison_fail() {
        let errs = errors_on(&petition(12, &["甲", "乙", "丙"], None));
        assert!(has(&errs, VisitField::Liaison, "联络人"), "{errs:?}");
        let errs = errors_on(&petition(12, &["甲", "", "丙"], Some(1)));
        assert!(has(&errs, VisitField::Liaison, "第 2 行"), "{errs:?}");
    }

    #[test]
    fn a_valid_collective_petition() {
        let mut d = petition(12, &["甲", "乙", "", "丙"], Some(3));
        d.representatives[0].id_number = "11010519491231002x".into();
        d.representatives[0].phone = "13812345678".into();
        let v = build_visit(&d, "李四", now(), today()).unwrap();
        assert!(v.is_collective());
        assert_eq!(v.representatives.len(), 3, "the blank row is ignored");
        assert_eq!(v.liaison().map(|r| r.name.as_str()), Some("丙"));
        assert_eq!(v.representatives.iter().filter(|r| r.is_liaison).count(), 1);
        assert_eq!(v.representatives[0].id_number, ID);
        assert_eq!(v.petition.as_ref().map(|p| p.matter.as_str()), Some("征地补偿款未发放"));
    }

    #[test]
    fn representative_rows_are_checked_one_by_one() {
        let mut d = petition(6, &["甲", "乙"], Some(0));
        d.representatives[1].id_number = "110105194912310021".into();
        d.representatives.push(RepresentativeDraft {
            phone: "13812345678".into(),
            ..RepresentativeDraft::default()
        });
        let errs = errors_on(&d);
        assert!(has(&errs, VisitField::RepIdNumber(1), "代表2"), "{errs:?}");
        assert!(has(&errs, VisitField::RepName(2), "第 3 名代表"), "{errs:?}");
        // More representatives than people.
        let errs = errors_on(&petition(2, &["甲", "乙", "丙"], Some(0)));
        assert!(has(&errs, VisitField::PeopleCount, "少于"), "{errs:?}");
    }

    #[test]
    fn small_petitions_and_delegations_need_no_representatives() {
        assert!(build_visit(&petition(4, &[], None), "李四", now(), today()).is_ok());
        let delegation = VisitDraft {
            people_count: "8".into(),
            ..draft()
        };
        assert!(build_visit(&delegation, "李四", now(), today()).is_ok());
    }

    #[test]
    fn petitions_need_address_and_matter() {
        let mut d = petition(1, &[], None);
        d.petition_address.clear();
        d.petition_matter = "  ".into();
        let errs = errors_on(&d);
        assert!(has(&errs, VisitField::PetitionAddress, "住址"));
        assert!(has(&errs, VisitField::PetitionMatter, "信访事项"));
    }

    #[test]
    fn people_count_forms() {
        assert_eq!(parse_count("３"), Ok(3));
        assert_eq!(parse_count("12人"), Ok(12));
        assert!(parse_count("三").unwrap_err().contains("整数"));
        assert!(parse_count("0").unwrap_err().contains("至少为 1"));
    }

    fn prev(id: VisitId, at: &str, name: &str, id_number: &str, matter: Option<&str>) -> PreviousVisit {
        PreviousVisit {
            id,
            entered_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
            name: name.into(),
            id_type: IdType::ResidentId,
            id_number: id_number.into(),
            matter: matter.map(String::from),
            purpose: "信访".into(),
            outcome: "已离开".into(),
            same_number: false,
        }
    }

    #[test]
    fn a_reduced_visit_found_under_the_numbers_key_is_a_repeat_though_it_shows_a_mask() {
        let key = RepeatKey::new(IdType::ResidentId, ID, "张三", None);
        let mut reduced = prev(1, "2021-10-01 09:00", "张三", &crate::core::idcard::mask(ID), None);
        assert!(!is_repeat(&key, &reduced), "a mask alone is no proof");
        reduced.same_number = true;
        assert!(is_repeat(&key, &reduced));
        reduced.id_type = IdType::Other;
        assert!(!is_repeat(&key, &reduced), "其他 never counts");
    }

    #[test]
    fn repeat_by_document_number_picks_the_most_recent() {
        let key = RepeatKey::new(IdType::ResidentId, "11010519491231002x", "张三", None);
        let candidates = [
            prev(1, "2026-10-01 09:00", "张三", ID, None),
            prev(7, "2026-11-01 09:00", "张叁", ID, None),
            prev(3, "2026-11-20 09:00", "李四", "53010219800101123X", None),
        ];
        assert_eq!(find_repeat(&key, &candidates).map(|p| p.id), Some(7));
        let nobody = RepeatKey::new(IdType::ResidentId, "53010219800101123Y", "王五", None);
        assert_eq!(find_repeat(&nobody, &candidates), None);
    }

    #[test]
    fn repeat_by_name_and_matter_only_between_petitions() {
        let candidates = [
            prev(1, "2026-10-01 09:00", "张三", "", Some("征地 补偿款未发放")),
            prev(2, "2026-10-02 09:00", "张三", "", Some("噪音扰民")),
            prev(3, "2026-10-03 09:00", "张三", "", None),
        ];
        let key = RepeatKey::new(IdType::Other, "介绍信", "张三", Some("征地补偿款\n未发放"));
        assert_eq!(find_repeat(&key, &candidates).map(|p| p.id), Some(1));
        let not_petition = RepeatKey::new(IdType::Other, "介绍信", "张三", None);
        assert_eq!(find_repeat(&not_petition, &candidates), None);
        let other_person = RepeatKey::new(IdType::Other, "", "李四", Some("征地补偿款未发放"));
        assert_eq!(find_repeat(&other_person, &candidates), None);
    }

    #[test]
    fn free_text_documents_never_make_a_repeat() {
        let mut p = prev(1, "2026-10-01 09:00", "王五", "介绍信", None);
        p.id_type = IdType::Other;
        let key = RepeatKey::new(IdType::Passport, "介绍信", "赵六", None);
        assert!(!is_repeat(&key, &p));
        assert!(describe_repeat(&prev(9, "2026-10-01 09:00", "张三", ID, None)).contains("2026-10-01 09:00"));
    }

    #[test]
    fn overstay_only_while_inside() {
        let v = build_visit(&draft(), "李四", now(), today()).unwrap();
        let mut visit = Visit {
            id: 1,
            fields: v,
            checked_out_at: None,
            checked_out_by: None,
            repeat_of: None,
            previous: None,
        };
        let limit = Duration::hours(4);
        assert!(!is_overstay(&visit, now() + Duration::hours(4), limit));
        assert!(is_overstay(
            &visit,
            now() + Duration::hours(4) + Duration::minutes(1),
            limit
        ));
        assert_eq!(visit.outcome(), "未登记离开");
        visit.checked_out_at = Some(now() + Duration::hours(1));
        assert!(!is_overstay(&visit, now() + Duration::hours(9), limit));
        assert_eq!(visit.outcome(), "已离开（2026-11-23 10:30）");
    }

    fn watch(id: WatchId, name: &str, aliases: &[&str], id_number: Option<&str>) -> WatchEntry {
        WatchEntry {
            id,
            name: name.into(),
            aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
            id_number: id_number.map(String::from),
            reason: "来访即报带班领导".into(),
            added_by: "李四".into(),
            added_at: now(),
        }
    }

    #[test]
    fn watch_list_matches_name_alias_or_number() {
        let entries = [
            watch(1, "王五", &["王老五"], None),
            watch(2, "赵六", &[], Some(ID)),
            watch(3, "阿卜杜·热合曼", &[], None),
        ];
        let ids = |name: &str, id: &str| {
            watch_matches(name, id, &entries)
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(" 王五 ", ""), [1]);
        assert_eq!(ids("王老五", ""), [1]);
        assert_eq!(ids("王", ""), Vec::<WatchId>::new(), "no partial names");
        assert_eq!(ids("张三", "11010519491231002x"), [2]);
        assert_eq!(ids("王五", ID), [1, 2]);
        assert_eq!(ids("阿卜杜 热合曼", ""), [3]);
        assert_eq!(ids("", ""), Vec::<WatchId>::new());
    }

    #[test]
    fn watch_entries_need_name_and_reason() {
        let errs = build_watch_entry(&WatchDraft::default(), "李四", now()).unwrap_err();
        assert!(errs.iter().any(|(f, _)| *f == WatchField::Name));
        assert!(errs.iter().any(|(f, _)| *f == WatchField::Reason));
        let e = build_watch_entry(
            &WatchDraft {
                name: "王五".into(),
                aliases: "王老五、 王 5，王五".into(),
                id_number: " 11010519491231002x ".into(),
                reason: "来访即报".into(),
            },
            "李四",
            now(),
        )
        .unwrap();
        assert_eq!(
            e.aliases,
            ["王老五", "王 5"],
            "split on 、 and ， only; the name itself is dropped"
        );
        assert_eq!(e.id_number.as_deref(), Some(ID));
    }

    #[test]
    fn labels_parse_back() {
        for t in IdType::ALL {
            assert_eq!(IdType::parse(t.label()), Some(*t));
        }
        assert_eq!(
            IdType::choices(),
            "居民身份证、护照、港澳通行证、港澳居民来往内地通行证、台湾居民来往大陆通行证、军官证、其他"
        );
        assert_eq!(Gender::choices(), "男、女、未填");
        assert_eq!(VisitField::RepName(1).label(), "代表2姓名");
    }
}
