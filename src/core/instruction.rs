//! The leader's instruction cycle, 请示—批示—交办—督办—反馈 (issue 17; domain.md §2.1, the seeds
//! 000:124-127, 000:143, 000:216, 002:1474): the rules, pure. Nothing here reads the clock: `now`
//! is passed in. The store will keep the records (each 请示 attempt, each 交办 and its 反馈) and
//! the screens show what these rules say about them.
//!
//! * **请示 recorded.** Each attempt to reach a leader is one [`LeaderRequest`]: to whom, when, how
//!   (电话/当面/书面/短信), reached or not. An entry triaged 请示 — and any item from abroad, which is
//!   always 请示 (002:1474) — shows 未请示 until one is recorded, and 未联系上 with the time to try
//!   again while no attempt reached the leader ([`request_state`]).
//! * **Closing reasons.** An item leaves the office's hands in one of 000:216's ways — 办结, 说明,
//!   请示 (needs a 请示 recorded as reached), 移送 (to whom) — so that 不说明、不请示、不移送 cannot
//!   happen silently ([`check_closing`]).
//! * **交办 deadlines.** A task handed out with a 时限 is reminded before it is due and is overdue
//!   after ([`task_alert`]): a lower tier than urgent alerts.

use chrono::{Duration, NaiveDateTime};

use super::log::Triage;
use super::validate::format_minute;

labelled_enum!(
    /// How a leader was asked (请示) or gave an instruction (批示).
    Via {
        Phone => "电话",
        InPerson => "当面",
        Written => "书面",
        Sms => "短信",
    }
);

/// One attempt to put an item to a leader (请示): reached or not. On an urgent event this is the
/// same record as its report to the 带班领导.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderRequest {
    /// The leader's name (a configured leader, or any name and post typed: 县长 王某).
    pub leader: String,
    pub via: Via,
    pub at: NaiveDateTime,
    /// The leader was reached (the request was put to them), not only tried.
    pub reached: bool,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// Where an item stands with its 请示.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestState {
    /// Neither triaged 请示 nor from abroad: no 请示 is asked for.
    NotNeeded,
    /// 未请示: needed, and nobody has tried yet.
    NotYet,
    /// Tried, nobody reached: try again at `retry_at` (the last attempt plus the configured
    /// interval).
    NotReached { retry_at: NaiveDateTime },
    /// A leader was reached (the first who was).
    Reached { leader: String, at: NaiveDateTime },
}

/// Whether an item needs a 请示: triaged so, or from abroad (境外: always 请示, never answered on
/// the spot, 002:1474).
#[must_use]
pub fn needs_request(triage: Triage, abroad: bool) -> bool {
    abroad || triage == Triage::AskLeader
}

/// The triage an item is shown and handled with: 请示 for anything from abroad, whatever was
/// chosen.
#[must_use]
pub fn effective_triage(triage: Triage, abroad: bool) -> Triage {
    if abroad { Triage::AskLeader } else { triage }
}

/// Where an item stands with its 请示, from its attempts in any order. `retry_after` is the
/// configured time after which an attempt that reached nobody is tried again.
#[must_use]
pub fn request_state(triage: Triage, abroad: bool, requests: &[LeaderRequest], retry_after: Duration) -> RequestState {
    if let Some(r) = requests.iter().filter(|r| r.reached).min_by_key(|r| r.at) {
        // A 请示 made is shown even on an item that no longer needs one.
        return RequestState::Reached {
            leader: r.leader.clone(),
            at: r.at,
        };
    }
    if !needs_request(triage, abroad) {
        return RequestState::NotNeeded;
    }
    match requests.iter().map(|r| r.at).max() {
        Some(last) => RequestState::NotReached {
            retry_at: last + retry_after,
        },
        None => RequestState::NotYet,
    }
}

/// What the list and the record say about a 请示, and whether it is due now (to be shown as a
/// reminder): 未请示, 未联系上（14:35 再试）, 已请示（王县长 14:05）; `None` when none is needed.
#[must_use]
pub fn request_label(state: &RequestState, now: NaiveDateTime) -> Option<(String, bool)> {
    match state {
        RequestState::NotNeeded => None,
        RequestState::NotYet => Some(("未请示".into(), true)),
        RequestState::NotReached { retry_at } => Some((
            format!("未联系上（{} 再试）", format_minute(*retry_at)),
            *retry_at <= now,
        )),
        RequestState::Reached { leader, at } => Some((format!("已请示（{leader} {}）", format_minute(*at)), false)),
    }
}

/// How an item leaves the office's hands (000:216: 说明、请示、移送, and 办结).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// 办结: handled to its end here.
    Done,
    /// 说明: explained to the caller (what was said).
    Explained { what: String },
    /// 请示: handed to a leader (needs a 请示 recorded as reached); any later 批示 or 交办 is
    /// followed in 督办.
    Asked,
    /// 移送: transferred to another office (to whom).
    Transferred { to: String },
}

impl Closing {
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Done => "办结",
            Self::Explained { .. } => "说明",
            Self::Asked => "请示",
            Self::Transferred { .. } => "移送",
        }
    }
}

/// Whether an item may close this way, and why not (in Chinese, for the form).
pub fn check_closing(closing: &Closing, requests: &[LeaderRequest]) -> Result<(), String> {
    match closing {
        Closing::Done => Ok(()),
        Closing::Explained { what } if what.trim().is_empty() => Err("以“说明”结束须写明向来电人说明了什么".into()),
        Closing::Explained { .. } => Ok(()),
        Closing::Asked if !requests.iter().any(|r| r.reached) => {
            Err("以“请示”结束须先记录已联系上领导的请示（联系未上的不算）".into())
        }
        Closing::Asked => Ok(()),
        Closing::Transferred { to } if to.trim().is_empty() => Err("以“移送”结束须写明移送给谁（单位或部门）".into()),
        Closing::Transferred { .. } => Ok(()),
    }
}

/// What a 交办's deadline says at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAlert {
    /// Done, or not due for a while.
    Quiet,
    /// Due within `warn_before`: reminded once (status line and board, the bell once).
    DueSoon,
    /// Past its 时限 and not done: red on the 督办 view, in the handover draft and the daily report.
    Overdue,
}

/// A 交办's alert at `now`: `due` its 时限, `done` whether its 反馈 closed it, `warn_before` the
/// configured reminder ahead of the deadline.
#[must_use]
pub fn task_alert(due: NaiveDateTime, done: bool, now: NaiveDateTime, warn_before: Duration) -> TaskAlert {
    if done {
        TaskAlert::Quiet
    } else if now > due {
        TaskAlert::Overdue
    } else if now + warn_before >= due {
        TaskAlert::DueSoon
    } else {
        TaskAlert::Quiet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
    }

    fn tried(leader: &str, when: &str, reached: bool) -> LeaderRequest {
        LeaderRequest {
            leader: leader.into(),
            via: Via::Phone,
            at: at(when),
            reached,
            recorded_by: "张三".into(),
            recorded_at: at(when),
        }
    }

    /// The configured interval before an attempt that reached nobody is tried again.
    fn retry() -> Duration {
        Duration::minutes(30)
    }

    #[test]
    fn an_item_triaged_to_ask_shows_not_asked_then_not_reached_then_asked() {
        let now = at("2026-12-05 14:20");
        let mut requests = Vec::new();
        let state = request_state(Triage::AskLeader, false, &requests, retry());
        assert_eq!(state, RequestState::NotYet);
        assert_eq!(request_label(&state, now), Some(("未请示".into(), true)));

        requests.push(tried("王县长", "2026-12-05 14:05", false));
        let state = request_state(Triage::AskLeader, false, &requests, retry());
        assert_eq!(
            state,
            RequestState::NotReached {
                retry_at: at("2026-12-05 14:35")
            }
        );
        assert_eq!(
            request_label(&state, now),
            Some(("未联系上（2026-12-05 14:35 再试）".into(), false)),
            "not due again before the interval"
        );
        assert!(
            request_label(&state, at("2026-12-05 14:35")).unwrap().1,
            "due at the retry time"
        );

        // A leader who is not in the config, typed with their post.
        requests.push(tried("副县长 李某", "2026-12-05 14:40", true));
        let state = request_state(Triage::AskLeader, false, &requests, retry());
        assert_eq!(
            request_label(&state, now),
            Some(("已请示（副县长 李某 2026-12-05 14:40）".into(), false))
        );
    }

    #[test]
    fn an_item_from_abroad_is_always_a_request_to_a_leader() {
        assert_eq!(effective_triage(Triage::Routine, true), Triage::AskLeader);
        assert_eq!(effective_triage(Triage::Urgent, false), Triage::Urgent);
        assert_eq!(
            request_state(Triage::Routine, true, &[], retry()),
            RequestState::NotYet,
            "境外: 未请示 whatever the triage"
        );
        assert_eq!(
            request_state(Triage::Routine, false, &[], retry()),
            RequestState::NotNeeded
        );
        assert_eq!(request_label(&RequestState::NotNeeded, at("2026-12-05 09:00")), None);
    }

    #[test]
    fn the_first_leader_reached_is_the_one_shown_whatever_the_order_recorded() {
        let requests = [
            tried("赵书记", "2026-12-05 10:00", true),
            tried("王县长", "2026-12-05 09:00", true),
            tried("李副县长", "2026-12-05 08:00", false),
        ];
        assert_eq!(
            request_state(Triage::AskLeader, false, &requests, retry()),
            RequestState::Reached {
                leader: "王县长".into(),
                at: at("2026-12-05 09:00")
            }
        );
    }

    #[test]
    fn closing_by_request_needs_a_leader_reached_and_transfer_needs_whom() {
        let not_reached = [tried("王县长", "2026-12-05 09:00", false)];
        let reached = [tried("王县长", "2026-12-05 09:30", true)];
        assert!(check_closing(&Closing::Asked, &[]).unwrap_err().contains("联系上领导"));
        assert!(
            check_closing(&Closing::Asked, &not_reached).is_err(),
            "a try is not a 请示"
        );
        assert_eq!(check_closing(&Closing::Asked, &reached), Ok(()));
        assert!(
            check_closing(&Closing::Transferred { to: " ".into() }, &[])
                .unwrap_err()
                .contains("移送给谁")
        );
        assert_eq!(
            check_closing(
                &Closing::Transferred {
                    to: "县信访局".into()
                },
                &[]
            ),
            Ok(())
        );
        assert!(check_closing(&Closing::Explained { what: String::new() }, &[]).is_err());
        assert_eq!(check_closing(&Closing::Done, &[]), Ok(()));
        assert_eq!(
            [
                Closing::Done,
                Closing::Explained { what: "x".into() },
                Closing::Asked,
                Closing::Transferred { to: "x".into() }
            ]
            .map(|c| c.label()),
            ["办结", "说明", "请示", "移送"]
        );
    }

    #[test]
    fn a_task_is_quiet_then_due_soon_then_overdue_until_done() {
        let due = at("2026-12-06 17:00");
        let warn = Duration::hours(2);
        assert_eq!(task_alert(due, false, at("2026-12-06 14:59"), warn), TaskAlert::Quiet);
        assert_eq!(task_alert(due, false, at("2026-12-06 15:00"), warn), TaskAlert::DueSoon);
        assert_eq!(
            task_alert(due, false, at("2026-12-06 17:00"), warn),
            TaskAlert::DueSoon,
            "due, not yet over"
        );
        assert_eq!(task_alert(due, false, at("2026-12-06 17:01"), warn), TaskAlert::Overdue);
        assert_eq!(task_alert(due, true, at("2026-12-07 09:00"), warn), TaskAlert::Quiet);
    }
}
