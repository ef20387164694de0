//! 查岗 (issue 18): a round of calls down a group of subordinate duty rooms. Each call is 在岗,
//! 未接 or 非值班人员接听, with who answered and when; a room's outcome is its last call. The
//! round's summary — 应查, 查通, 未接 and 非值班人员接听 by name — goes in the 值班日报.

use chrono::NaiveDateTime;

labelled_enum!(
    /// How a called duty room was found.
    CheckOutcome {
        OnDuty => "在岗",
        NoAnswer => "未接",
        NotOnDuty => "非值班人员接听",
    }
);

/// The longest 接听人 or 备注.
pub const ANSWERER_MAX_CHARS: usize = 60;

/// A round to start: the duty rooms (name, number) in the order they will be called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpotCheck {
    pub group: String,
    pub units: Vec<(String, String)>,
    pub started_by: String,
    pub started_at: NaiveDateTime,
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckCall {
    pub outcome: CheckOutcome,
    /// 接听人 (姓名/职务); empty for 未接.
    pub answerer: String,
    pub at: NaiveDateTime,
    pub note: String,
    pub recorded_by: String,
}

/// A duty room in a round, with its calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUnit {
    pub id: i64,
    pub unit: String,
    pub phone: String,
    pub calls: Vec<CheckCall>,
}

impl CheckedUnit {
    /// The last call's outcome; `None` while not called.
    #[must_use]
    pub fn outcome(&self) -> Option<CheckOutcome> {
        self.calls.last().map(|c| c.outcome)
    }

    /// "在岗（李值班 21:05）", "未接（21:06）", "待查".
    #[must_use]
    pub fn state_label(&self) -> String {
        match self.calls.last() {
            None => "待查".to_string(),
            Some(c) => {
                let when = c.at.format("%H:%M");
                let tries = if self.calls.len() > 1 {
                    format!("，第 {} 次", self.calls.len())
                } else {
                    String::new()
                };
                if c.answerer.is_empty() {
                    format!("{}（{when}{tries}）", c.outcome.label())
                } else {
                    format!("{}（{} {when}{tries}）", c.outcome.label(), c.answerer)
                }
            }
        }
    }
}

/// A 查岗 round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotCheck {
    pub id: i64,
    pub group: String,
    pub started_by: String,
    pub started_at: NaiveDateTime,
    pub units: Vec<CheckedUnit>,
}

/// 应查 N, 查通 N, 未接 (names), 非值班人员接听 (names), 待查 N.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSummary {
    pub total: usize,
    pub on_duty: usize,
    pub no_answer: Vec<String>,
    pub not_on_duty: Vec<String>,
    pub not_called: usize,
}

impl CheckSummary {
    /// "应查 10，查通 7，未接 3（东风镇、新华乡、红旗乡）" — every failure by name.
    #[must_use]
    pub fn sentence(&self) -> String {
        let mut parts = vec![format!("应查 {}", self.total), format!("查通 {}", self.on_duty)];
        if !self.no_answer.is_empty() {
            parts.push(format!(
                "未接 {}（{}）",
                self.no_answer.len(),
                self.no_answer.join("、")
            ));
        }
        if !self.not_on_duty.is_empty() {
            parts.push(format!(
                "非值班人员接听 {}（{}）",
                self.not_on_duty.len(),
                self.not_on_duty.join("、")
            ));
        }
        if self.not_called > 0 {
            parts.push(format!("未查 {}", self.not_called));
        }
        parts.join("，")
    }
}

impl SpotCheck {
    #[must_use]
    pub fn summary(&self) -> CheckSummary {
        let mut s = CheckSummary {
            total: self.units.len(),
            ..CheckSummary::default()
        };
        for u in &self.units {
            match u.outcome() {
                Some(CheckOutcome::OnDuty) => s.on_duty += 1,
                Some(CheckOutcome::NoAnswer) => s.no_answer.push(u.unit.clone()),
                Some(CheckOutcome::NotOnDuty) => s.not_on_duty.push(u.unit.clone()),
                None => s.not_called += 1,
            }
        }
        s
    }

    /// Every room called at least once.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.units.iter().all(|u| !u.calls.is_empty())
    }

    /// The next room not yet called after position `from` (wrapping), if any.
    #[must_use]
    pub fn next_uncalled(&self, from: usize) -> Option<usize> {
        let len = self.units.len();
        (1..=len)
            .map(|k| (from + k) % len.max(1))
            .find(|&i| self.units.get(i).is_some_and(|u| u.calls.is_empty()))
    }
}

/// A round checked before it starts: some room to call, names not too long, each once.
pub fn check_round(r: &NewSpotCheck) -> Result<(), String> {
    if r.units.is_empty() {
        return Err("查岗对象为空：请选一个分组，或写出要查的值班室".to_string());
    }
    let mut seen: Vec<&str> = Vec::new();
    for (unit, _) in &r.units {
        let u = unit.trim();
        if u.is_empty() || u.chars().count() > ANSWERER_MAX_CHARS {
            return Err(format!("查岗对象“{u}”不对：每个最多 {ANSWERER_MAX_CHARS} 个字"));
        }
        if seen.contains(&u) {
            return Err(format!("“{u}”写了两次：每个值班室查一次"));
        }
        seen.push(u);
    }
    Ok(())
}

/// A call checked: 接听人 for an answered call, not too long, not in the future.
pub fn check_call(c: &CheckCall, now: NaiveDateTime) -> Result<(), String> {
    if c.outcome == CheckOutcome::NotOnDuty && c.answerer.trim().is_empty() {
        return Err("非值班人员接听：请写明接听人姓名或身份".to_string());
    }
    if c.answerer.chars().count() > ANSWERER_MAX_CHARS {
        return Err(format!("接听人最多 {ANSWERER_MAX_CHARS} 个字"));
    }
    if c.note.chars().count() > ANSWERER_MAX_CHARS * 5 {
        return Err(format!("备注最多 {} 个字", ANSWERER_MAX_CHARS * 5));
    }
    if c.at > now + chrono::Duration::minutes(5) {
        return Err("查岗时间不能晚于现在".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn call(outcome: CheckOutcome, answerer: &str, t: &str) -> CheckCall {
        CheckCall {
            outcome,
            answerer: answerer.into(),
            at: at(t),
            note: String::new(),
            recorded_by: "张三".into(),
        }
    }

    #[test]
    fn a_round_of_ten_with_three_unanswered_says_them_by_name() {
        let names = [
            "城关镇",
            "东风镇",
            "新华乡",
            "红旗乡",
            "太平镇",
            "长安乡",
            "和平镇",
            "青山乡",
            "白沙镇",
            "金山镇",
        ];
        let mut round = SpotCheck {
            id: 1,
            group: "各乡镇值班室".into(),
            started_by: "张三".into(),
            started_at: at("2026-12-05 21:00"),
            units: names
                .iter()
                .enumerate()
                .map(|(i, n)| CheckedUnit {
                    id: i64::try_from(i).unwrap() + 1,
                    unit: (*n).into(),
                    phone: String::new(),
                    calls: Vec::new(),
                })
                .collect(),
        };
        assert_eq!(round.summary().sentence(), "应查 10，查通 0，未查 10");
        for (i, u) in round.units.iter_mut().enumerate() {
            let o = match i {
                1..=3 => CheckOutcome::NoAnswer,
                _ => CheckOutcome::OnDuty,
            };
            u.calls.push(call(
                o,
                if o == CheckOutcome::OnDuty { "值班员" } else { "" },
                "2026-12-05 21:05",
            ));
        }
        assert!(round.finished());
        assert_eq!(
            round.summary().sentence(),
            "应查 10，查通 7，未接 3（东风镇、新华乡、红旗乡）"
        );
        // Called again and answered: the last call counts.
        round.units[3]
            .calls
            .push(call(CheckOutcome::NotOnDuty, "门卫", "2026-12-05 21:20"));
        assert_eq!(
            round.summary().sentence(),
            "应查 10，查通 7，未接 2（东风镇、新华乡），非值班人员接听 1（红旗乡）"
        );
        assert_eq!(round.units[3].state_label(), "非值班人员接听（门卫 21:20，第 2 次）");
        assert_eq!(round.units[1].state_label(), "未接（21:05）");
    }

    #[test]
    fn the_next_room_to_call_wraps_and_skips_the_called() {
        let unit = |id, called: bool| CheckedUnit {
            id,
            unit: format!("单位{id}"),
            phone: String::new(),
            calls: if called {
                vec![call(CheckOutcome::OnDuty, "", "2026-12-05 21:05")]
            } else {
                Vec::new()
            },
        };
        let round = SpotCheck {
            id: 1,
            group: String::new(),
            started_by: "张三".into(),
            started_at: at("2026-12-05 21:00"),
            units: vec![unit(1, false), unit(2, true), unit(3, false)],
        };
        assert_eq!(round.next_uncalled(0), Some(2));
        assert_eq!(round.next_uncalled(2), Some(0));
    }

    #[test]
    fn a_round_and_a_call_are_checked() {
        let r = NewSpotCheck {
            group: String::new(),
            units: vec![("城关镇".into(), String::new()), ("城关镇".into(), String::new())],
            started_by: "张三".into(),
            started_at: at("2026-12-05 21:00"),
        };
        assert!(check_round(&r).unwrap_err().contains("写了两次"));
        let r = NewSpotCheck { units: Vec::new(), ..r };
        assert!(check_round(&r).unwrap_err().contains("查岗对象为空"));
        let now = at("2026-12-05 21:10");
        assert!(
            check_call(&call(CheckOutcome::NotOnDuty, " ", "2026-12-05 21:05"), now)
                .unwrap_err()
                .contains("请写明接听人")
        );
        assert!(check_call(&call(CheckOutcome::NoAnswer, "", "2026-12-05 21:05"), now).is_ok());
    }
}
