//! Validation rules for what officers type (domain.md §5). Every error is a Chinese sentence that
//! says what is wrong and how to fix it, ready to show under the field.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Checks a phone number and returns it normalised (spaces removed).
///
/// Accepted: mobile `1[3-9]` + 9 digits (optionally `+86`/`86` before it); landline `0` + 2-3 digit
/// area code, `-` optional, 7-8 digits, optional `-` or `转` extension; 400/800 numbers; and the
/// public service numbers a duty room is called from (110, 119, 120, 122, 12xxx, 95xxx).
pub fn phone(input: &str) -> Result<String, String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err("电话号码为空：请填写号码，或清空此项".into());
    }
    let national = s.strip_prefix("+86").or_else(|| s.strip_prefix("0086")).unwrap_or(&s);
    let digits_only = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '转')))
    {
        return Err(format!("电话号码含有不允许的字符“{bad}”：只能填写数字、“-”和分机“转”"));
    }
    // Mobile: 11 digits starting 13-19.
    let mobile = national
        .strip_prefix("86")
        .filter(|r| r.len() == 11)
        .unwrap_or(national);
    if digits_only(mobile) && mobile.len() == 11 && mobile.starts_with('1') {
        let second = mobile.as_bytes()[1];
        if (b'3'..=b'9').contains(&second) {
            return Ok(mobile.to_string());
        }
        return Err("手机号码第二位应为 3-9：请核对号码（例：13812345678）".into());
    }
    // Public service numbers (110, 119, 12345 …, 95xxx) and 400/800 numbers.
    let service = matches!(national, "110" | "112" | "114" | "119" | "120" | "122")
        || (digits_only(national) && national.len() == 5 && ["12", "95", "96"].iter().any(|p| national.starts_with(p)));
    if service {
        return Ok(national.to_string());
    }
    if digits_only(national) && national.len() == 10 && (national.starts_with("400") || national.starts_with("800")) {
        return Ok(national.to_string());
    }
    if national.starts_with('0') {
        return landline(national);
    }
    if digits_only(national) && (7..=8).contains(&national.len()) {
        return Err("固定电话请加区号：如 0871-12345678".into());
    }
    if digits_only(national) && national.starts_with('1') {
        return Err(format!("手机号码应为 11 位，现在是 {} 位：请核对号码", national.len()));
    }
    Err("电话号码格式不对：手机填 11 位（如 13812345678），固定电话填区号加号码（如 0871-12345678）".into())
}

fn landline(s: &str) -> Result<String, String> {
    let (main, ext) = match s.find(['转']).or_else(|| s.match_indices('-').nth(1).map(|(i, _)| i)) {
        Some(i) => s.split_at_checked(i).map_or((s, None), |(a, b)| (a, Some(b))),
        None => (s, None),
    };
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    let (area_len_ok, number_len) = if let Some((area, number)) = main.split_once('-') {
        ((3..=4).contains(&area.len()), number.len())
    } else {
        // Without a dash, accept 10-12 digits: 3- or 4-digit area code + 7 or 8 digits.
        ((10..=12).contains(&digits.len()), 8)
    };
    if !area_len_ok || !(7..=8).contains(&number_len) || main.matches('-').count() > 1 {
        return Err("固定电话格式不对：区号 3-4 位（以 0 开头）加 7-8 位号码，如 0871-12345678".into());
    }
    if let Some(ext) = ext {
        let ext_digits = ext.trim_start_matches(['-', '转']);
        if ext_digits.is_empty() || ext_digits.len() > 6 || !ext_digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("分机号应为 1-6 位数字，如 0871-12345678-8001 或 0871-12345678转8001".into());
        }
    }
    Ok(s.to_string())
}

/// How far back a bare `HH:MM` later than now is taken as last night without asking.
const YESTERDAY_WITHOUT_ASKING_HOURS: i64 = 6;

/// Parses a time an officer typed. Accepted forms: `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS`,
/// `MM-DD HH:MM` (this year) and `HH:MM` (today, or yesterday if that would be in the future and
/// last night is close — at 00:10 an officer logging a 23:50 call means last night; at 16:34 a
/// 23:50 is asked about instead of filed on the previous day). A time more than five minutes in
/// the future is refused: the log records what has happened.
pub fn time(input: &str, now: NaiveDateTime) -> Result<NaiveDateTime, String> {
    let s = input.trim().replace('：', ":").replace(['／', '/'], "-");
    if s.is_empty() {
        return Err("时间为空：请按“2026-11-23 09:30”或“09:30”填写".into());
    }
    let parsed = NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M"))
        .ok()
        .or_else(|| {
            let with_year = format!("{}-{s}", now.date().format("%Y"));
            NaiveDateTime::parse_from_str(&with_year, "%Y-%m-%d %H:%M").ok()
        })
        .ok_or(())
        .or_else(|()| {
            let Ok(t) = NaiveTime::parse_from_str(&s, "%H:%M") else {
                return Err(None);
            };
            let today = now.date().and_time(t);
            if today <= now + Duration::minutes(5) {
                return Ok(today);
            }
            // Later than now today: last night, if the night is still close (at 00:10 a 23:50
            // call). Otherwise ask: 23:50 typed at 16:34 is as likely a slip as yesterday.
            let yesterday = today - Duration::days(1);
            if now - yesterday <= Duration::hours(YESTERDAY_WITHOUT_ASKING_HOURS) {
                Ok(yesterday)
            } else {
                Err(Some(format!(
                    "{} 晚于现在（{}）：如果是昨天，请写明日期“{}”；否则请核对时间",
                    t.format("%H:%M"),
                    now.format("%H:%M"),
                    yesterday.format("%m-%d %H:%M")
                )))
            }
        });
    let parsed = match parsed {
        Ok(t) => Some(t),
        Err(Some(question)) => return Err(question),
        Err(None) => None,
    };
    let Some(t) = parsed else {
        return Err(format!(
            "无法识别的时间“{}”：请按“2026-11-23 09:30”或“09:30”填写",
            input.trim()
        ));
    };
    if t > now + Duration::minutes(5) {
        return Err(format!(
            "时间 {} 晚于现在（{}）：值班记录只记已发生的事，请核对",
            format_minute(t),
            format_minute(now)
        ));
    }
    if t < NaiveDate::from_ymd_opt(2000, 1, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN)
    {
        return Err("时间早于 2000 年：请核对年份".into());
    }
    Ok(t)
}

/// Parses a time ahead (a 交办's 时限, a meeting): `YYYY-MM-DD HH:MM`, `MM-DD HH:MM` (this year),
/// `HH:MM` (the next time the clock shows it: today, or tomorrow once it has passed), and `明天
/// HH:MM` / `后天 HH:MM`. A time already past is refused: a deadline is set ahead.
pub fn time_ahead(input: &str, now: NaiveDateTime) -> Result<NaiveDateTime, String> {
    let s = input.trim().replace('：', ":").replace(['／', '/'], "-");
    if s.is_empty() {
        return Err("时间为空：请按“2026-11-23 17:00”“明天 17:00”或“17:00”填写".into());
    }
    let (days, rest) = if let Some(r) = s.strip_prefix("明天") {
        (1, r.trim())
    } else if let Some(r) = s.strip_prefix("后天") {
        (2, r.trim())
    } else if let Some(r) = s.strip_prefix("今天") {
        (0, r.trim())
    } else {
        (-1, s.as_str())
    };
    let parsed = if days >= 0 {
        NaiveTime::parse_from_str(rest, "%H:%M")
            .ok()
            .map(|t| (now.date() + Duration::days(days)).and_time(t))
    } else {
        NaiveDateTime::parse_from_str(rest, "%Y-%m-%d %H:%M")
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(&format!("{}-{rest}", now.format("%Y")), "%Y-%m-%d %H:%M").ok())
            .or_else(|| {
                NaiveTime::parse_from_str(rest, "%H:%M").ok().map(|t| {
                    let today = now.date().and_time(t);
                    if today > now { today } else { today + Duration::days(1) }
                })
            })
    };
    let Some(t) = parsed else {
        return Err(format!(
            "无法识别的时间“{}”：请按“2026-11-23 17:00”“明天 17:00”或“17:00”填写",
            input.trim()
        ));
    };
    if t <= now {
        return Err(format!(
            "时间 {} 已经过去（现在 {}）：时限须在以后",
            format_minute(t),
            format_minute(now)
        ));
    }
    Ok(t)
}

/// `YYYY-MM-DD HH:MM`, the form officers read and type.
#[must_use]
pub fn format_minute(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Checks a required text value: not empty after trimming.
pub fn required(label: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("“{label}”必须填写"))
    } else {
        Ok(())
    }
}

/// A phone number masked: every digit but the last four starred, the rest as written (a 宅电
/// until revealed, a visitor's phone past the retention period, a printed form).
#[must_use]
pub fn mask_phone(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 <= digits { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_time_ahead_is_today_tomorrow_or_dated_and_never_past() {
        let now = at("2026-12-05 14:00");
        assert_eq!(time_ahead("17:00", now), Ok(at("2026-12-05 17:00")));
        assert_eq!(
            time_ahead("09:00", now),
            Ok(at("2026-12-06 09:00")),
            "passed today: tomorrow"
        );
        assert_eq!(time_ahead("明天 9:30", now), Ok(at("2026-12-06 09:30")));
        assert_eq!(time_ahead("12-08 10:00", now), Ok(at("2026-12-08 10:00")));
        assert_eq!(time_ahead("2027-01-02 08:00", now), Ok(at("2027-01-02 08:00")));
        assert!(time_ahead("2026-12-05 13:00", now).unwrap_err().contains("已经过去"));
        assert!(time_ahead("下周", now).unwrap_err().contains("无法识别"));
        assert!(time_ahead("", now).is_err());
    }

    #[test]
    fn valid_phones() {
        for (input, want) in [
            ("13812345678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("0871-12345678", "0871-12345678"),
            ("010-1234567", "010-1234567"),
            ("087112345678", "087112345678"),
            ("0871-12345678-8001", "0871-12345678-8001"),
            ("0871-12345678转8001", "0871-12345678转8001"),
            ("110", "110"),
            ("12345", "12345"),
            ("4001234567", "4001234567"),
        ] {
            assert_eq!(phone(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn invalid_phones_say_how_to_fix() {
        for (input, hint) in [
            ("1381234567", "11 位"),
            ("12812345678", "第二位"),
            ("1234567", "区号"),
            ("0871-123", "区号 3-4 位"),
            ("0871-12345678-", "分机"),
            ("138abc", "不允许的字符"),
            ("", "为空"),
        ] {
            let err = phone(input).unwrap_err();
            assert!(err.contains(hint), "{input}: {err}");
        }
    }

    #[test]
    fn times_in_every_accepted_form() {
        let now = at("2026-11-23 09:30");
        assert_eq!(time("2026-11-23 08:15", now), Ok(at("2026-11-23 08:15")));
        assert_eq!(time("11-22 23:00", now), Ok(at("2026-11-22 23:00")));
        assert_eq!(time("08：15", now), Ok(at("2026-11-23 08:15")));
        assert_eq!(time("2026/11/23 08:15", now), Ok(at("2026-11-23 08:15")));
    }

    #[test]
    fn hh_mm_after_midnight_means_last_night() {
        let now = at("2026-11-24 00:10");
        assert_eq!(time("23:50", now), Ok(at("2026-11-23 23:50")));
        // Six hours back is still last night's shift.
        assert_eq!(time("18:10", now), Ok(at("2026-11-23 18:10")));
    }

    #[test]
    fn hh_mm_later_today_in_the_afternoon_is_asked_about_not_filed_on_yesterday() {
        let now = at("2026-11-23 16:34");
        let asked = time("23:50", now).unwrap_err();
        assert!(asked.contains("23:50 晚于现在（16:34）"), "{asked}");
        assert!(asked.contains("如果是昨天，请写明日期“11-22 23:50”"), "{asked}");
        // Written with its date, it is taken.
        assert_eq!(time("11-22 23:50", now), Ok(at("2026-11-22 23:50")));
        // A few minutes ahead (a clock a little slow) is still today.
        assert_eq!(time("16:37", now), Ok(at("2026-11-23 16:37")));
    }

    #[test]
    fn future_and_garbage_times_are_refused() {
        let now = at("2026-11-23 09:30");
        assert!(time("2026-11-23 12:00", now).unwrap_err().contains("晚于现在"));
        assert!(time("明天", now).unwrap_err().contains("无法识别"));
        assert!(time("2026-02-30 08:00", now).unwrap_err().contains("无法识别"));
        assert!(time("1999-01-01 08:00", now).unwrap_err().contains("2000"));
    }
}
