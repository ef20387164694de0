//! 居民身份证 numbers (GB 11643-1999, domain.md §5) and how they are shown (§6).
//!
//! A citizen identity number is 18 characters: a 6-digit address code, the 8-digit birth date
//! `YYYYMMDD`, a 3-digit sequence code (odd for men, even for women) and a check character. The
//! check character is ISO 7064 MOD 11-2: the first 17 digits are multiplied by the weights
//! 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, and the sum modulo 11 indexes `"10X98765432"`.
//!
//! Decisions:
//! - **15-digit numbers are refused.** They belong to first-generation cards, which stopped being
//!   valid on 2013-01-01; a visitor who still carries one is registered with the 18-digit number
//!   (printed on the second-generation card or the household register), or under 证件类型 “其他”
//!   with a note of the document actually shown. The refusal says so.
//! - The check character is never revealed in an error: an officer told "the last character
//!   should be 7" would type 7, and a mistyped digit elsewhere would be recorded as a valid number.
//!   The message says the number does not check out and asks to re-read the card.
//! - Input is forgiving about form, strict about content: spaces anywhere are removed (numbers are
//!   often typed in groups), full-width digits and `ｘ`/`x` are accepted, and `X` is stored upper-case.
//!
//! Numbers are stored in full and shown masked ([`mask`]); revealing a full number is logged by the
//! store.

use chrono::{Datelike, NaiveDate};

labelled_enum!(
    /// 性别. 未填 when the officer did not choose and the document does not say (a 居民身份证 says:
    /// [`gender_from_id`]).
    Gender {
        Male => "男",
        Female => "女",
        Unset => "未填",
    }
);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The day first-generation (15-digit) cards stopped being valid.
pub const FIRST_GENERATION_END: &str = "2013-01-01";

/// Checks a 居民身份证 number and returns it normalised (spaces removed, `X` upper-case).
///
/// `today` is the officer's date: a birth date after it is refused, as is one before 1900.
pub fn validate_resident_id(input: &str, today: NaiveDate) -> Result<String, String> {
    let s = normalise(input);
    if s.is_empty() {
        return Err("身份证号码为空：请对照证件填写 18 位号码".into());
    }
    if let Some(bad) = s.chars().find(|c| !(c.is_ascii_digit() || *c == 'X')) {
        return Err(format!(
            "身份证号码含有不允许的字符“{bad}”：只能是数字，最后一位可以是 X，请对照证件核对"
        ));
    }
    let len = s.chars().count();
    if len == 15 && s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "这是 15 位的第一代身份证号码，第一代身份证已于 {FIRST_GENERATION_END} 停止使用：\
             请按第二代身份证或户口簿上的 18 位号码登记；确实只有旧证的，证件类型请选“其他”并注明所持证件"
        ));
    }
    if len != 18 {
        let hint = match len {
            17 => "少了一位",
            19 => "多了一位",
            n if n < 18 => "位数不够",
            _ => "位数太多",
        };
        return Err(format!(
            "身份证号码应为 18 位，现在填了 {len} 位（{hint}）：请对照证件逐位核对"
        ));
    }
    if s.char_indices().any(|(i, c)| c == 'X' && i != 17) {
        return Err("身份证号码中 X 只能是最后一位：请对照证件核对，其他位置的 X 可能是数字".into());
    }
    let birth = birth_date(&s).ok_or_else(|| {
        format!(
            "身份证号码第 7-14 位应为出生日期，“{}”不是真实的日期：请对照证件核对",
            s.get(6..14).unwrap_or_default()
        )
    })?;
    if birth.year() < 1900 {
        return Err(format!(
            "身份证号码中的出生日期 {} 早于 1900 年：请对照证件核对第 7-10 位",
            birth.format("%Y-%m-%d")
        ));
    }
    if birth > today {
        return Err(format!(
            "身份证号码中的出生日期 {} 晚于今天：请对照证件核对第 7-14 位",
            birth.format("%Y-%m-%d")
        ));
    }
    if check_char(&s) != s.chars().last() {
        return Err("身份证号码校验不通过，其中有数字抄错或顺序颠倒：请对照证件重新逐位核对".into());
    }
    Ok(s)
}

/// Removes every space (half- and full-width) and maps full-width digits and x/ｘ/Ｘ to ASCII.
fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
            'x' | 'ｘ' | 'Ｘ' => 'X',
            c => c,
        })
        .collect()
}

/// The check character for the first 17 digits of `id`, if they are 17 ASCII digits.
fn check_char(id: &str) -> Option<char> {
    let digits: Vec<u32> = id.chars().take(17).map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS.get(usize::try_from(sum % 11).ok()?).copied()
}

/// The birth date inside an 18-character number (characters 7-14), if it is a real date. Does not
/// check anything else; use on numbers that passed [`validate_resident_id`].
#[must_use]
pub fn birth_date(id: &str) -> Option<NaiveDate> {
    let digits = id.get(6..14)?;
    if id.chars().count() != 18 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// The holder's sex from an 18-character number: the 17th character is odd for men, even for women.
#[must_use]
pub fn gender_from_id(id: &str) -> Option<Gender> {
    if id.chars().count() != 18 {
        return None;
    }
    let digit = id.chars().nth(16)?.to_digit(10)?;
    Some(if digit % 2 == 1 { Gender::Male } else { Gender::Female })
}

/// The number as shown on screen: the first 4 and the last 4 characters, stars between
/// (`5301**********1234`). Numbers of 8 to 11 characters keep only their last 2; shorter ones are
/// all stars, so a short document number is never readable from the mask.
#[must_use]
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        12.. => (4, 4),
        8..=11 => (0, 2),
        _ => (0, 0),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// Fewest digits in a run that [`mask_in_text`] takes for an ID number: a first-generation
/// number has 15.
const DIGITS_OF_AN_ID: usize = 15;

/// A sentence with every run that may be an ID number masked: 15 or more digits (half- or
/// full-width), perhaps typed in groups with spaces or hyphens, perhaps ending in X. For messages
/// that repeat what was typed (an ID number given to the wrong option of a command), so that they
/// never print one whole; a long number that is not an ID number (a bank card) is masked too.
#[must_use]
pub fn mask_in_text(text: &str) -> String {
    let digit = |c: char| -> Option<char> {
        match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        }
    };
    let is_x = |c: char| matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ');
    let is_separator = |c: char| matches!(c, ' ' | '-' | '\u{3000}' | '－');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, single separators between them, and an X that ends it.
        let mut compact = String::new();
        let mut end = i;
        let mut j = i;
        while let Some(&c) = chars.get(j) {
            if let Some(d) = digit(c) {
                compact.push(d);
                j += 1;
                end = j;
            } else if is_x(c) && compact.len() + 1 >= DIGITS_OF_AN_ID {
                compact.push('X');
                end = j + 1;
                break;
            } else if is_separator(c) && chars.get(j + 1).is_some_and(|&n| digit(n).is_some() || is_x(n)) {
                j += 1;
            } else {
                break;
            }
        }
        if compact.len() >= DIGITS_OF_AN_ID {
            out.push_str(&mask(&compact));
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

/// The last 4 characters (fewer if the number is shorter), the form officers search by.
#[must_use]
pub fn last4(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    /// Builds a valid number from 17 digits by computing its check character independently of
    /// [`check_char`], so a wrong weight or table in the code under test makes these tests fail.
    fn with_check(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .chars()
            .zip(weights)
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        let check = "10X98765432".chars().nth((sum % 11) as usize).unwrap();
        format!("{first17}{check}")
    }

    #[test]
    fn known_valid_numbers_pass() {
        // The example number printed in GB 11643-1999.
        assert_eq!(
            validate_resident_id("11010519491231002X", today()),
            Ok("11010519491231002X".into())
        );
        // Every check character, including X, 0 and 1, over a run of sequence codes (and a leap day).
        let mut seen = std::collections::BTreeSet::new();
        for seq in 0..60 {
            let id = with_check(&format!("510107200002290{seq:02}"));
            assert_eq!(validate_resident_id(&id, today()), Ok(id.clone()), "{id}");
            seen.insert(id.chars().last().unwrap());
        }
        assert_eq!(seen.len(), 11, "{seen:?}");
    }

    #[test]
    fn every_weight_counts_and_only_the_right_check_character_passes() {
        // Bodies with varied digits in every position (a fixed pseudo-random walk), each with a
        // valid birth date, so a wrong weight anywhere makes some of them fail.
        let mut x: u64 = 12345;
        for _ in 0..200 {
            let mut digit = || {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'0' + u8::try_from((x >> 33) % 10).unwrap())
            };
            let region: String = (0..6).map(|_| digit()).collect();
            let seq: String = (0..3).map(|_| digit()).collect();
            let (y1, y2, m, d) = (digit(), digit(), digit(), digit());
            // Month 01-09 (never 00), day 10-19: always a real date.
            let month = char::from(b'1' + (u8::try_from(m).unwrap() - b'0') % 9);
            let body = format!("{region}19{y1}{y2}0{month}1{d}{seq}");
            let good = with_check(&body);
            assert_eq!(validate_resident_id(&good, today()), Ok(good.clone()), "{good}");
            for wrong in "0123456789X".chars().filter(|c| !good.ends_with(*c)) {
                let bad = format!("{body}{wrong}");
                assert!(validate_resident_id(&bad, today()).is_err(), "{bad} must fail");
            }
        }
    }

    #[test]
    fn lower_case_x_spaces_and_full_width_are_normalised() {
        assert_eq!(
            validate_resident_id(" 110105 19491231 002x ", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            validate_resident_id("１１０１０５１９４９１２３１００２ｘ", today()),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn wrong_check_digit_is_refused_without_revealing_the_right_one() {
        let err = validate_resident_id("110105194912310021", today()).unwrap_err();
        assert!(err.contains("校验不通过"), "{err}");
        assert!(err.contains("逐位核对"), "{err}");
        assert!(!err.contains('X'), "must not reveal the check character: {err}");
        // A single swapped pair of digits is caught too.
        let good = with_check("53010219800101123");
        let swapped: String = {
            let mut c: Vec<char> = good.chars().collect();
            c.swap(14, 15);
            c.into_iter().collect()
        };
        assert!(validate_resident_id(&swapped, today()).is_err());
    }

    #[test]
    fn impossible_future_and_ancient_birth_dates_are_refused() {
        let feb30 = with_check("53010219800230123");
        let err = validate_resident_id(&feb30, today()).unwrap_err();
        assert!(err.contains("19800230") && err.contains("不是真实的日期"), "{err}");
        let month13 = with_check("53010219801301123");
        assert!(
            validate_resident_id(&month13, today())
                .unwrap_err()
                .contains("不是真实的日期")
        );
        let future = with_check("53010220261124123");
        let err = validate_resident_id(&future, today()).unwrap_err();
        assert!(err.contains("2026-11-24") && err.contains("晚于今天"), "{err}");
        // Born today is fine (a newborn's card).
        let born_today = with_check("53010220261123123");
        assert!(validate_resident_id(&born_today, today()).is_ok());
        let ancient = with_check("53010218991231123");
        assert!(validate_resident_id(&ancient, today()).unwrap_err().contains("1900"));
    }

    #[test]
    fn wrong_lengths_say_how_many_were_typed() {
        let err = validate_resident_id("11010519491231002", today()).unwrap_err();
        assert!(
            err.contains("18 位") && err.contains("17 位") && err.contains("少了一位"),
            "{err}"
        );
        let err = validate_resident_id("11010519491231002X1", today()).unwrap_err();
        assert!(err.contains("19 位") && err.contains("多了一位"), "{err}");
        let err = validate_resident_id("1101", today()).unwrap_err();
        assert!(err.contains("4 位"), "{err}");
    }

    #[test]
    fn fifteen_digit_numbers_explain_the_first_generation_cutoff() {
        let err = validate_resident_id("110105491231002", today()).unwrap_err();
        assert!(err.contains("第一代"), "{err}");
        assert!(err.contains("2013-01-01"), "{err}");
        assert!(err.contains("18 位") && err.contains("其他"), "{err}");
    }

    #[test]
    fn bad_characters_and_misplaced_x_are_refused() {
        assert!(
            validate_resident_id("11010519491231002Y", today())
                .unwrap_err()
                .contains("“Y”")
        );
        assert!(
            validate_resident_id("1101051949123100X2", today())
                .unwrap_err()
                .contains("最后一位")
        );
        assert!(validate_resident_id("", today()).unwrap_err().contains("为空"));
    }

    #[test]
    fn birth_date_and_gender_come_from_the_number() {
        let id = "11010519491231002X";
        assert_eq!(birth_date(id), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(gender_from_id(id), Some(Gender::Female)); // 17th digit 2
        assert_eq!(gender_from_id(&with_check("53010219800101123")), Some(Gender::Male));
        assert_eq!(birth_date("123"), None);
        assert_eq!(gender_from_id("E12345678"), None);
    }

    #[test]
    fn numbers_inside_a_sentence_are_masked_however_they_were_typed() {
        let id = "11010519491231002X";
        for typed in [
            "11010519491231002X",
            "11010519491231002x",
            "110105 19491231 002X",
            "110105-1949-1231-002X",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105194912310021",
            "1101051949123100",
        ] {
            let said = mask_in_text(&format!("来访人数“{typed}”不是整数：请填写阿拉伯数字"));
            let digits: String = said.chars().filter(char::is_ascii_digit).collect();
            assert!(!digits.contains("05194912"), "{typed}: {said}");
            assert!(
                said.starts_with("来访人数“1101*") && said.ends_with("”不是整数：请填写阿拉伯数字"),
                "{said}"
            );
        }
        assert_eq!(mask_in_text(&format!("号码 {id}，")), "号码 1101**********002X，");
        // Dates, times, phone numbers and counts are left alone.
        for plain in [
            "2026-11-23 03:10 第 12 号来访",
            "电话 0871-63123456，13812345678",
            "共 100000 人",
            "台胞证 12345678(B)",
        ] {
            assert_eq!(mask_in_text(plain), plain);
        }
    }

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask("53010219800101123X"), "5301**********123X");
        assert_eq!(mask("11010519491231002X").chars().filter(|c| *c == '*').count(), 10);
        assert_eq!(mask("E12345678"), "*******78");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
        assert_eq!(mask("南字第1234567号"), "*********7号"); // 11 chars: last 2 kept
        assert_eq!(last4("11010519491231002X"), "002X");
        assert_eq!(last4("12"), "12");
    }
}
