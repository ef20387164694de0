//! Sign-in (issue 13): after choosing a name the officer types that person's PIN; a person with
//! no PIN is enrolled, never self-served — by an approver (带班领导/值班领导, 办公室主任, 分管副主任)
//! typing their own PIN, or by the person alone while enrolment is open (until the first approver
//! has a PIN, which the screen says). A new PIN is six digits, typed twice. Pure state: the app
//! sends the checks and the enrolment to the store.

use super::pin_policy::check_new_pin;
use super::text_buffer::TextBuffer;

/// The marker stored as the enroller while enrolment is open.
pub const OPEN_ENROLMENT: &str = "（登记开放）";

/// Where sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The person's own PIN.
    Pin,
    /// Finding out whether enrolment is open (the person has no PIN).
    Asking,
    /// An approver's PIN, to enrol the person.
    ApproverPin,
    /// The new PIN, then the same again.
    NewPin,
    NewPinAgain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub person: String,
    pub step: Step,
    /// Digits typed at this step (drawn as stars).
    pub pin: TextBuffer,
    /// The approver enrolling the person; `None` while enrolment is open.
    pub approver: Option<String>,
    /// The confirmed approvers who may enrol (Tab goes through them).
    approvers: Vec<String>,
    /// The outgoing officer, who may enrol urgently when no approver is at hand (紧急登记: the
    /// enrolment stays flagged until an approver confirms it). Last in the Tab round.
    outgoing: Option<String>,
    /// The new PIN as first typed, waiting for the second.
    first: Option<String>,
    /// The PIN typed at [`Step::Pin`], to see whether it meets today's rules once it matches.
    typed: Option<String>,
    /// The person's own old PIN matched but no longer meets the rules: the new one replaces it.
    pub replacing: bool,
    /// The signed-in officer is changing their own PIN (not signing in).
    pub changing: bool,
    /// A check is with the store.
    pub checking: bool,
    /// What went wrong, or what to do now.
    pub error: Option<String>,
    pub notice: Option<String>,
}

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// Check `pin` for `name`.
    Check {
        name: String,
        pin: String,
    },
    /// Store the new PIN.
    Enrol {
        pin: String,
    },
    /// Replace the person's old PIN with the new one.
    Replace {
        pin: String,
    },
}

impl SignIn {
    #[must_use]
    pub fn new(person: &str) -> Self {
        Self {
            person: person.to_string(),
            step: Step::Pin,
            pin: TextBuffer::new(false, 8),
            approver: None,
            approvers: Vec::new(),
            outgoing: None,
            first: None,
            typed: None,
            replacing: false,
            changing: false,
            checking: false,
            error: None,
            notice: None,
        }
    }

    /// The signed-in officer changes their own PIN: the old one first, then the new one twice.
    #[must_use]
    pub fn changing(person: &str) -> Self {
        Self {
            changing: true,
            ..Self::new(person)
        }
    }

    /// What the box asks for at this step.
    #[must_use]
    pub fn prompt(&self) -> String {
        match self.step {
            Step::Pin | Step::Asking if self.changing => format!("修改 PIN：请 {} 先输入现在的 PIN", self.person),
            Step::Pin | Step::Asking => format!("请 {} 输入本人 PIN 后按 Enter", self.person),
            Step::ApproverPin if self.is_urgent() => format!(
                "紧急登记 {}：请交班值班员 {} 输入本人 PIN（登记后须领导确认；Tab 换领导登记）",
                self.person,
                self.approver.as_deref().unwrap_or("")
            ),
            Step::ApproverPin => format!(
                "{} 还没有 PIN，须由领导登记：请 {} 输入本人 PIN（Tab 换一位领导{}）",
                self.person,
                self.approver.as_deref().unwrap_or("领导"),
                if self.outgoing.is_some() { "或紧急登记" } else { "" }
            ),
            Step::NewPin => format!(
                "请 {} 设定新 PIN（{} 位数字）",
                self.person,
                super::pin_policy::NEW_PIN_DIGITS
            ),
            Step::NewPinAgain => format!("请 {} 再输入一次新 PIN", self.person),
        }
    }

    /// Only digits are taken (never echoed).
    pub fn type_char(&mut self, c: char) {
        if c.is_ascii_digit() && !self.checking {
            self.pin.insert_char(c);
            self.error = None;
        }
    }

    pub fn backspace(&mut self) {
        self.pin.backspace();
    }

    /// Enter: what to ask the store, or the next step.
    pub fn submit(&mut self) -> Ask {
        if self.checking {
            return Ask::Nothing;
        }
        let typed = self.pin.text().to_string();
        self.pin.clear();
        match self.step {
            Step::Asking => Ask::Nothing,
            Step::Pin => match super::handover::validate_pin(&typed) {
                Ok(()) => {
                    self.checking = true;
                    self.typed = Some(typed.clone());
                    Ask::Check {
                        name: self.person.clone(),
                        pin: typed,
                    }
                }
                Err(e) => self.refuse(e),
            },
            Step::ApproverPin => match (self.approver.clone(), super::handover::validate_pin(&typed)) {
                (Some(name), Ok(())) => {
                    self.checking = true;
                    Ask::Check { name, pin: typed }
                }
                (None, _) => self.refuse("没有可以登记的领导：请按 Tab 选择".into()),
                (_, Err(e)) => self.refuse(e),
            },
            Step::NewPin => match check_new_pin(&typed) {
                Ok(()) => {
                    self.first = Some(typed);
                    self.step = Step::NewPinAgain;
                    Ask::Nothing
                }
                Err(e) => self.refuse(e),
            },
            Step::NewPinAgain => {
                if self.first.as_deref() == Some(typed.as_str()) {
                    self.checking = true;
                    if self.replacing {
                        Ask::Replace { pin: typed }
                    } else {
                        Ask::Enrol { pin: typed }
                    }
                } else {
                    self.first = None;
                    self.step = Step::NewPin;
                    self.refuse("两次输入的新 PIN 不一致：请重新设定".into())
                }
            }
        }
    }

    fn refuse(&mut self, why: String) -> Ask {
        self.error = Some(why);
        Ask::Nothing
    }

    /// The person has no PIN: enrolment by one of the confirmed `approvers`, or urgently by the
    /// `outgoing` officer; open while there are no approvers.
    pub fn needs_enrolment(&mut self, approvers: Vec<String>, outgoing: Option<String>) {
        self.checking = false;
        let open = approvers.is_empty();
        // Nobody enrols themselves, and an approver enrols as an approver.
        self.outgoing = outgoing.filter(|o| *o != self.person && !approvers.contains(o));
        self.approvers = approvers;
        if open {
            self.step = Step::NewPin;
            self.notice = Some(format!(
                "还没有任何领导登记 PIN，登记开放：{} 现在设定自己的 PIN。领导登记后，新人员须由领导登记",
                self.person
            ));
        } else {
            self.step = Step::ApproverPin;
            self.approver = self.approvers.first().cloned();
            self.notice = None;
        }
    }

    /// The enrolment under way is an urgent one by the outgoing officer.
    #[must_use]
    pub fn is_urgent(&self) -> bool {
        self.approver.is_some() && self.approver == self.outgoing
    }

    /// Tab at the approver step: the next approver, then the outgoing officer (urgent).
    pub fn next_approver(&mut self) {
        let round: Vec<&String> = self.approvers.iter().chain(self.outgoing.as_ref()).collect();
        if self.step != Step::ApproverPin || round.is_empty() {
            return;
        }
        let next = self
            .approver
            .as_ref()
            .and_then(|a| round.iter().position(|x| *x == a))
            .map_or(0, |i| (i + 1) % round.len());
        self.approver = round.get(next).map(|s| (*s).clone());
        self.pin.clear();
        self.error = None;
    }

    /// The approver's PIN matched: the person sets their new PIN.
    pub fn approved(&mut self) {
        self.checking = false;
        self.step = Step::NewPin;
        self.notice = Some(if self.is_urgent() {
            format!(
                "紧急登记：{} 已核对。请 {} 设定新 PIN；这次登记会一直标示，直到领导确认",
                self.approver.as_deref().unwrap_or(""),
                self.person
            )
        } else {
            format!(
                "{} 已核对：请 {} 设定新 PIN",
                self.approver.as_deref().unwrap_or(""),
                self.person
            )
        });
    }

    /// The person's own PIN matched: whether it must be replaced first (a 4–8 digit PIN from
    /// before today's rules works this once, then a new one is set). True: the new PIN is asked.
    pub fn matched_must_replace(&mut self) -> bool {
        self.checking = false;
        let old_rules = self.typed.take().is_some_and(|t| check_new_pin(&t).is_err());
        if self.changing {
            self.replacing = true;
            self.step = Step::NewPin;
            self.notice = None;
            return true;
        }
        if old_rules {
            self.replacing = true;
            self.step = Step::NewPin;
            self.notice = Some(format!(
                "{} 的 PIN 是旧规则下设的：这次仍然有效，请现在换成 6 位新 PIN（不能六位相同或顺序数字）",
                self.person
            ));
        }
        old_rules
    }

    /// A check or the enrolment failed: why, and the same step again.
    pub fn failed(&mut self, why: &str) {
        self.checking = false;
        self.pin.clear();
        self.error = Some(why.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &mut SignIn, digits: &str) -> Ask {
        for c in digits.chars() {
            s.type_char(c);
        }
        s.submit()
    }

    #[test]
    fn a_pin_is_checked_for_the_chosen_person() {
        let mut s = SignIn::new("张三");
        assert_eq!(typed(&mut s, "12"), Ask::Nothing, "too short: refused before the store");
        assert!(s.error.as_deref().unwrap().contains("4 到 8 位"));
        assert_eq!(
            typed(&mut s, "246813"),
            Ask::Check {
                name: "张三".into(),
                pin: "246813".into()
            }
        );
        assert!(s.checking);
    }

    #[test]
    fn enrolment_by_an_approver_then_the_new_pin_twice() {
        let mut s = SignIn::new("张三");
        typed(&mut s, "111111");
        s.needs_enrolment(vec!["王五".to_string(), "赵六".to_string()], None);
        assert_eq!((s.step, s.approver.as_deref()), (Step::ApproverPin, Some("王五")));
        s.next_approver();
        assert_eq!(s.approver.as_deref(), Some("赵六"));
        assert_eq!(
            typed(&mut s, "135790"),
            Ask::Check {
                name: "赵六".into(),
                pin: "135790".into()
            }
        );
        s.approved();
        assert_eq!(typed(&mut s, "123456"), Ask::Nothing);
        assert!(s.error.as_deref().unwrap().contains("顺序"), "a run is refused");
        assert_eq!(typed(&mut s, "246813"), Ask::Nothing);
        assert_eq!(s.step, Step::NewPinAgain);
        assert_eq!(typed(&mut s, "246814"), Ask::Nothing);
        assert_eq!(s.step, Step::NewPin, "a mismatch starts the new PIN again");
        typed(&mut s, "246813");
        assert_eq!(typed(&mut s, "246813"), Ask::Enrol { pin: "246813".into() });
    }

    #[test]
    fn an_old_four_digit_pin_works_once_and_is_replaced_at_that_sign_in() {
        let mut s = SignIn::new("张三");
        typed(&mut s, "2468");
        assert!(s.matched_must_replace());
        assert_eq!(s.step, Step::NewPin);
        typed(&mut s, "246813");
        assert_eq!(typed(&mut s, "246813"), Ask::Replace { pin: "246813".into() });
        // A PIN that meets the rules is not replaced.
        let mut s = SignIn::new("张三");
        typed(&mut s, "246813");
        assert!(!s.matched_must_replace());
    }

    #[test]
    fn open_enrolment_says_so_and_goes_straight_to_the_new_pin() {
        let mut s = SignIn::new("王五");
        s.needs_enrolment(Vec::new(), Some("张三".into()));
        assert_eq!(s.step, Step::NewPin);
        assert!(s.notice.as_deref().unwrap().contains("登记开放"));
        assert_eq!(s.approver, None);
    }

    #[test]
    fn the_outgoing_officer_enrols_urgently_last_in_the_tab_round() {
        let mut s = SignIn::new("李四");
        s.needs_enrolment(vec!["王五".to_string()], Some("张三".to_string()));
        assert_eq!(s.approver.as_deref(), Some("王五"), "an approver is offered first");
        assert!(!s.is_urgent());
        s.next_approver();
        assert_eq!(s.approver.as_deref(), Some("张三"));
        assert!(s.is_urgent());
        assert!(s.prompt().contains("紧急登记"), "{}", s.prompt());
        assert_eq!(
            typed(&mut s, "135790"),
            Ask::Check {
                name: "张三".into(),
                pin: "135790".into()
            }
        );
        s.approved();
        assert!(s.notice.as_deref().unwrap().contains("领导确认"));
        s.next_approver();
        // Tab at the new PIN does nothing: the enroller stays who typed their PIN.
        assert!(s.is_urgent());
        // Round again from the start: back to the approver.
        let mut s = SignIn::new("李四");
        s.needs_enrolment(vec!["王五".to_string()], Some("张三".to_string()));
        s.next_approver();
        s.next_approver();
        assert_eq!(s.approver.as_deref(), Some("王五"));
    }

    #[test]
    fn nobody_enrols_themselves_and_an_approver_is_never_the_urgent_one() {
        let mut s = SignIn::new("李四");
        s.needs_enrolment(vec!["王五".to_string()], Some("李四".to_string()));
        s.next_approver();
        assert_eq!(
            s.approver.as_deref(),
            Some("王五"),
            "the person is not their own enroller"
        );
        let mut s = SignIn::new("李四");
        s.needs_enrolment(vec!["王五".to_string()], Some("王五".to_string()));
        assert!(!s.is_urgent(), "an approver on duty enrols as an approver");
        // No approver at all: enrolment is open, whoever is outgoing.
        let mut s = SignIn::new("李四");
        s.needs_enrolment(Vec::new(), Some("张三".to_string()));
        assert_eq!((s.step, s.approver.as_deref()), (Step::NewPin, None));
    }
}
