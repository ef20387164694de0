//! The screen lock (domain.md §6): after the configured idle time, or on Ctrl-L, every record is
//! hidden until the operator's PIN is typed. Alerts still show their category and time.

use super::text_buffer::TextBuffer;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The PIN as typed (drawn as stars).
    pub pin: TextBuffer,
    pub error: Option<String>,
    /// The PIN is being checked.
    pub checking: bool,
    /// Whose PIN is typed, when not the operator's (换人, or an acknowledgement by a colleague).
    pub person: Option<String>,
}

impl Default for Lock {
    fn default() -> Self {
        Self {
            pin: TextBuffer::new(false, 8),
            error: None,
            checking: false,
            person: None,
        }
    }
}

impl Lock {
    /// Only digits go into the PIN; anything else is ignored (and never echoed).
    pub fn type_char(&mut self, c: char) {
        if c.is_ascii_digit() && !self.checking {
            self.pin.insert_char(c);
            self.error = None;
        }
    }

    pub fn backspace(&mut self) {
        self.pin.backspace();
    }

    /// The PIN to check, if it has the right shape; otherwise says why.
    pub fn submit(&mut self) -> Option<String> {
        let pin = self.pin.text().to_string();
        match super::handover::validate_pin(&pin) {
            Ok(()) => {
                self.checking = true;
                Some(pin)
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The next person in `people` after the one selected (the operator when none is); back to
    /// the operator after the last.
    pub fn switch_person(&mut self, people: &[String], operator: &str) {
        let current = self.person.as_deref().unwrap_or(operator);
        let next = people.iter().position(|p| p == current).map_or(0, |i| i + 1);
        self.person = people
            .get(next % people.len().max(1))
            .filter(|p| *p != operator)
            .cloned();
        self.pin.clear();
        self.error = None;
    }

    /// A wrong PIN: cleared, with the reason.
    pub fn failed(&mut self, why: &str) {
        self.pin.clear();
        self.checking = false;
        self.error = Some(why.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_digits_are_taken_and_a_short_pin_is_refused_with_the_reason() {
        let mut l = Lock::default();
        for c in "12a3".chars() {
            l.type_char(c);
        }
        assert_eq!(l.pin.text(), "123");
        assert_eq!(l.submit(), None);
        assert!(l.error.as_deref().is_some_and(|e| e.contains("4 到 8 位")));
        l.type_char('4');
        assert_eq!(l.submit().as_deref(), Some("1234"));
        l.type_char('5');
        assert_eq!(l.pin.text(), "1234", "nothing is typed while the PIN is checked");
        l.failed("PIN 不对");
        assert!(l.pin.text().is_empty());
    }
}
