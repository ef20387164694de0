//! How PIN guessing is slowed (issue 13): after [`FREE_FAILURES`] wrong PINs in a row for a
//! person, each further try waits — 30 s, then 1 min, then 5 min at most — counted per person
//! across terminals, the command line and restarts (the store keeps every attempt). Pure: the
//! store gives the count and the time of the last failure, this says until when to wait.

use chrono::{Duration, NaiveDateTime};

/// Wrong PINs in a row that cost nothing but the attempt.
pub const FREE_FAILURES: u32 = 5;

/// Where a PIN was typed (stored with each attempt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinPlace {
    SignIn,
    Lock,
    Signing,
    CommandLine,
}

impl PinPlace {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "登录",
            Self::Lock => "锁屏",
            Self::Signing => "签字",
            Self::CommandLine => "命令行",
        }
    }
}

/// What a PIN check found (the store's answer, a fact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// The PIN matches; `failed_before` are the wrong tries since the person's last success
    /// (they are told), newest first: when and where.
    Matches {
        failed_before: Vec<(NaiveDateTime, String)>,
    },
    /// Wrong; `in_a_row` failures now, and until when the next try waits (if it does).
    Wrong {
        in_a_row: u32,
        wait_until: Option<NaiveDateTime>,
    },
    /// The person has no PIN.
    NotSet,
    /// Too many wrong PINs: not even checked until then.
    Wait { until: NaiveDateTime },
}

/// Who enrolled a person's current PIN, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// An approver, the outgoing officer (urgent), or [`crate::core::sign_in::OPEN_ENROLMENT`].
    pub by: String,
    pub at: NaiveDateTime,
    /// An urgent enrolment by the outgoing officer (紧急登记).
    pub urgent: bool,
    /// The approver who confirmed an urgent enrolment, and when; `None` while it is flagged.
    pub confirmed: Option<(String, NaiveDateTime)>,
}

impl Enrolment {
    /// An urgent enrolment no approver has confirmed yet: flagged on every screen.
    #[must_use]
    pub fn awaits_confirmation(&self) -> bool {
        self.urgent && self.confirmed.is_none()
    }
}

/// One person's PIN facts for the 人员与 PIN screen (never the PIN or its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinStatus {
    pub name: String,
    /// When the person's PIN was set; `None`: no PIN.
    pub pin_set_at: Option<NaiveDateTime>,
    /// The enrolment of the current PIN (none for a PIN from before enrolments were kept).
    pub enrolment: Option<Enrolment>,
    /// For a person the config calls an approver: who confirmed that role, and when.
    pub approver_confirmed: Option<(String, NaiveDateTime)>,
    /// Wrong PINs typed for this person since their last success.
    pub failures: u32,
}

impl PinStatus {
    /// The person's urgent enrolment waits for an approver.
    #[must_use]
    pub fn flagged(&self) -> bool {
        self.enrolment.as_ref().is_some_and(Enrolment::awaits_confirmation)
    }
}

/// The wait before the next try after `in_a_row` wrong PINs: none for the first few, then
/// 30 s, 1 min, and 5 min from then on.
#[must_use]
pub fn wait_after(in_a_row: u32) -> Option<Duration> {
    match in_a_row.checked_sub(FREE_FAILURES)? {
        0 => Some(Duration::seconds(30)),
        1 => Some(Duration::minutes(1)),
        _ => Some(Duration::minutes(5)),
    }
}

/// When the next try is allowed, if it is not yet at `now`.
#[must_use]
pub fn blocked_until(in_a_row: u32, last_failure: Option<NaiveDateTime>, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let until = last_failure? + wait_after(in_a_row)?;
    // A clock set back must not lock a person out for hours: never wait longer than the rule.
    (until > now && until - now <= wait_after(in_a_row)?).then_some(until)
}

/// "30 秒", "1 分钟", "4 分 30 秒": how long is left.
#[must_use]
pub fn say_wait(left: Duration) -> String {
    let secs = left.num_seconds().max(1);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} 秒"),
        (m, 0) => format!("{m} 分钟"),
        (m, s) => format!("{m} 分 {s} 秒"),
    }
}

/// The length of every new PIN.
pub const NEW_PIN_DIGITS: usize = 6;

/// Whether `pin` may be a new PIN: six digits, not all the same, not a straight run
/// (123456, 987654) — the first guesses anyone tries.
///
/// # Errors
/// Why not, in Chinese.
pub fn check_new_pin(pin: &str) -> Result<(), String> {
    let digits: Vec<u32> = pin.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != NEW_PIN_DIGITS || pin.chars().count() != NEW_PIN_DIGITS {
        return Err(format!("新 PIN 须为 {NEW_PIN_DIGITS} 位数字"));
    }
    if digits.windows(2).all(|w| w[0] == w[1]) {
        return Err("新 PIN 不能六位相同（如 000000）：太容易被猜到".into());
    }
    let step = |up: bool| {
        digits.windows(2).all(|w| {
            if up {
                w[1] == (w[0] + 1) % 10
            } else {
                w[0] == (w[1] + 1) % 10
            }
        })
    };
    if step(true) || step(false) {
        return Err("新 PIN 不能是顺序数字（如 123456、987654）：太容易被猜到".into());
    }
    Ok(())
}

/// What the officer reads after a wrong PIN.
#[must_use]
pub fn wrong_text(name: &str, in_a_row: u32, wait_until: Option<NaiveDateTime>, now: NaiveDateTime) -> String {
    match wait_until {
        Some(until) => format!(
            "{name} 的 PIN 不对（已连续 {in_a_row} 次）：{} 后才能再试，本次已记录",
            say_wait(until - now)
        ),
        None if in_a_row >= 3 => {
            format!("{name} 的 PIN 不对（已连续 {in_a_row} 次；连续 {FREE_FAILURES} 次后须等待再试）：请重新输入")
        }
        None => format!("{name} 的 PIN 不对：请重新输入"),
    }
}

/// What the officer reads when a try must wait.
#[must_use]
pub fn wait_text(name: &str, until: NaiveDateTime, now: NaiveDateTime) -> String {
    format!(
        "{name} 的 PIN 已连续输错多次：请 {} 后再试（{} 起）",
        say_wait(until - now),
        until.format("%H:%M:%S")
    )
}

/// What a person is told on their next success about the wrong PINs typed for them since the
/// last one (someone may have been guessing).
#[must_use]
pub fn failures_note(failed_before: &[(NaiveDateTime, String)]) -> Option<String> {
    let (newest, place) = failed_before.first()?;
    Some(format!(
        "注意：上次成功以来有 {} 次 PIN 输错（最近一次 {} {place}），如非本人所为请报告领导",
        failed_before.len(),
        newest.format("%m-%d %H:%M")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn five_free_tries_then_a_growing_wait_capped_at_five_minutes() {
        for n in 0..FREE_FAILURES {
            assert_eq!(wait_after(n), None, "{n}");
        }
        assert_eq!(wait_after(5), Some(Duration::seconds(30)));
        assert_eq!(wait_after(6), Some(Duration::minutes(1)));
        assert_eq!(wait_after(7), Some(Duration::minutes(5)));
        assert_eq!(wait_after(200), Some(Duration::minutes(5)));
    }

    #[test]
    fn the_wait_counts_from_the_last_failure_and_a_clock_set_back_never_lengthens_it() {
        let last = at("2026-11-23 03:10:00");
        assert_eq!(blocked_until(4, Some(last), last), None);
        assert_eq!(
            blocked_until(5, Some(last), at("2026-11-23 03:10:10")),
            Some(at("2026-11-23 03:10:30"))
        );
        assert_eq!(blocked_until(5, Some(last), at("2026-11-23 03:10:30")), None);
        assert_eq!(
            blocked_until(9, Some(last), at("2026-11-23 03:14:00")),
            Some(at("2026-11-23 03:15:00"))
        );
        // The clock went back a day: the rule's own wait at most, so no wait is invented.
        assert_eq!(blocked_until(9, Some(last), at("2026-11-22 03:10:00")), None);
    }

    #[test]
    fn a_new_pin_is_six_digits_neither_all_alike_nor_a_run() {
        assert_eq!(check_new_pin("246813"), Ok(()));
        assert_eq!(check_new_pin("112358"), Ok(()));
        for bad in [
            "1234",
            "2468135",
            "12345a",
            "000000",
            "777777",
            "123456",
            "987654",
            "890123",
            "３４５６７８",
        ] {
            assert!(check_new_pin(bad).is_err(), "{bad}");
        }
        assert!(check_new_pin("654321").unwrap_err().contains("顺序"));
        assert!(check_new_pin("000000").unwrap_err().contains("相同"));
    }

    #[test]
    fn waits_are_said_in_chinese() {
        assert_eq!(say_wait(Duration::seconds(30)), "30 秒");
        assert_eq!(say_wait(Duration::minutes(1)), "1 分钟");
        assert_eq!(say_wait(Duration::seconds(270)), "4 分 30 秒");
    }
}
