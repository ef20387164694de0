//! 已报送: a 值班日报 marked as sent — when, to whom, how, who signed it off (签发人) — with the
//! report's text exactly as it was sent. A record, never changed: sending a period again is
//! another record. Also what the status line says while a period an office must report daily
//! is still unsent.

use chrono::{Datelike, NaiveDateTime};

use super::report::Window;
use super::text::sanitize;
use super::validate::{self, format_minute};

labelled_enum! {
    /// 报送方式.
    SendMethod {
        Phone => "电话",
        Fax => "传真",
        Email => "电子邮件",
        Confidential => "机要",
        Other => "其他",
    }
}

/// The most characters of 报送对象.
pub const RECIPIENT_MAX: usize = 100;
/// The most characters of 签发人.
pub const SIGNER_MAX: usize = 50;

/// One sending of a period's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSending {
    pub window: Window,
    pub sent_at: NaiveDateTime,
    /// 报送对象.
    pub recipient: String,
    pub method: SendMethod,
    /// 签发人.
    pub signer: String,
    /// The report's text exactly as sent.
    pub text: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

impl ReportSending {
    /// "已报送 09:10 报 上级总值班室（传真，签发：王五）"; the date too when it was not sent on the
    /// day the period ended.
    #[must_use]
    pub fn describe(&self) -> String {
        let when = if self.sent_at.date() == self.window.to.date() {
            self.sent_at.format("%H:%M").to_string()
        } else if self.sent_at.year() == self.window.to.year() {
            self.sent_at.format("%m-%d %H:%M").to_string()
        } else {
            format_minute(self.sent_at)
        };
        format!(
            "已报送 {when} 报 {}（{}，签发：{}）",
            sanitize(&self.recipient, false),
            self.method.label(),
            sanitize(&self.signer, false)
        )
    }
}

/// The fields of a sending, as typed (the form's keys, the CLI's options).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendingField {
    SentAt,
    Recipient,
    Method,
    Signer,
}

impl SendingField {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::SentAt => "报送时间",
            Self::Recipient => "报送对象",
            Self::Method => "报送方式",
            Self::Signer => "签发人",
        }
    }
}

/// What was typed for a sending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendingDraft {
    pub sent_at: String,
    pub recipient: String,
    pub method: String,
    pub signer: String,
}

/// Checks what was typed and makes the record of sending `text`, the report of `window`; every
/// field's problem at once, each saying how to fix it.
pub fn build_sending(
    window: Window,
    draft: &SendingDraft,
    text: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<ReportSending, Vec<(SendingField, String)>> {
    let mut errors = Vec::new();
    let sent_at = match validate::time(&draft.sent_at, now) {
        Ok(t) if t < window.from => {
            errors.push((
                SendingField::SentAt,
                format!(
                    "报送时间 {} 早于本期开始（{}）：请核对",
                    format_minute(t),
                    format_minute(window.from)
                ),
            ));
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.push((SendingField::SentAt, e));
            None
        }
    };
    let mut line = |field: SendingField, value: &str, max: usize, example: &str| {
        let v = sanitize(value, false).trim().to_string();
        if v.is_empty() {
            errors.push((field, format!("请填写{}，如“{example}”", field.label())));
        } else if v.chars().count() > max {
            errors.push((field, format!("{}最多 {max} 字", field.label())));
        }
        v
    };
    let recipient = line(SendingField::Recipient, &draft.recipient, RECIPIENT_MAX, "上级总值班室");
    let signer = line(SendingField::Signer, &draft.signer, SIGNER_MAX, "王五");
    let method = SendMethod::parse(&draft.method);
    if method.is_none() {
        errors.push((
            SendingField::Method,
            format!("报送方式“{}”无效：可写 {}", draft.method.trim(), SendMethod::choices()),
        ));
    }
    if text.trim().is_empty() {
        errors.push((SendingField::SentAt, "日报正文为空：请重新生成日报后再标记".into()));
    }
    match (sent_at, method) {
        (Some(sent_at), Some(method)) if errors.is_empty() => Ok(ReportSending {
            window,
            sent_at,
            recipient,
            method,
            signer,
            text: text.to_string(),
            recorded_by: by.to_string(),
            recorded_at: now,
        }),
        _ => Err(errors),
    }
}

/// What the status line says while `window`, which an office that reports daily should have
/// sent, is not marked 已报送: whole, and short for a narrow window.
#[must_use]
pub fn unsent_reminder(window: &Window) -> (String, String) {
    let to = window.to.format("%m-%d %H:%M");
    (
        format!(
            "值班日报未报送：{} 至 {to} 一期（查询栏 Ctrl-R，← 上一期，s 标记已报送）",
            window.from.format("%m-%d %H:%M")
        ),
        format!("值班日报未报送（{to} 止）"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::report::DEFAULT_DAY_ENDS;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn window() -> Window {
        Window::ending(at("2026-11-24 00:00").date(), DEFAULT_DAY_ENDS)
    }

    fn draft(sent_at: &str) -> SendingDraft {
        SendingDraft {
            sent_at: sent_at.into(),
            recipient: " 市政府总值班室 ".into(),
            method: "传真".into(),
            signer: "王五".into(),
        }
    }

    #[test]
    fn a_sending_keeps_the_text_and_says_when_to_whom_how_and_who_signed() {
        let now = at("2026-11-24 09:30");
        let s = build_sending(window(), &draft("09:10"), "正文\n第二行\n", "张三", now).unwrap();
        assert_eq!(s.text, "正文\n第二行\n", "kept exactly");
        assert_eq!(s.recipient, "市政府总值班室");
        assert_eq!(s.describe(), "已报送 09:10 报 市政府总值班室（传真，签发：王五）");
        let later = build_sending(
            window(),
            &draft("2026-11-25 10:00"),
            "x",
            "张三",
            at("2026-11-25 10:30"),
        )
        .unwrap();
        assert!(
            later.describe().starts_with("已报送 11-25 10:00 报"),
            "{}",
            later.describe()
        );
    }

    #[test]
    fn every_problem_is_said_on_its_field() {
        let now = at("2026-11-24 09:30");
        let bad = SendingDraft {
            sent_at: "2026-11-22 07:00".into(),
            recipient: String::new(),
            method: "飞鸽".into(),
            signer: "  ".into(),
        };
        let errors = build_sending(window(), &bad, "正文", "张三", now).unwrap_err();
        let fields: Vec<SendingField> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                SendingField::SentAt,
                SendingField::Recipient,
                SendingField::Signer,
                SendingField::Method
            ]
        );
        assert!(errors[0].1.contains("早于本期开始"), "{errors:?}");
        assert!(errors[3].1.contains("电话、传真、电子邮件、机要、其他"), "{errors:?}");
        let future = build_sending(window(), &draft("2026-11-24 12:00"), "正文", "张三", now).unwrap_err();
        assert!(future[0].1.contains("晚于现在"), "{future:?}");
    }

    #[test]
    fn the_reminder_names_the_period() {
        let (full, short) = unsent_reminder(&window());
        assert!(full.contains("11-23 08:00 至 11-24 08:00"), "{full}");
        assert_eq!(short, "值班日报未报送（11-24 08:00 止）");
    }
}
