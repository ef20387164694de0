//! Asking the terminal for its background colour (`[ui] theme = "auto"`) without losing a key.
//!
//! The question is xterm's OSC 11 (`ESC ] 11 ; ? ESC \`). A terminal that knows answers in the
//! same stream as the keys: `ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by `ESC \` or BEL. Crates that
//! ask (terminal-colorsaurus) read that stream themselves and drop whatever was typed before the
//! answer came, so the answer is picked out of crossterm's events here instead, where crossterm
//! reads it as Alt-], the characters `11;rgb:…`, then Alt-\ (Ctrl-G for BEL). Every other event
//! goes on in the order typed, including those that only began like an answer. An answer that
//! comes after the app stopped waiting for it is still picked out (and used), never typed.

use std::time::Duration;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The question.
pub const QUERY: &str = "\x1b]11;?\x1b\\";

/// How long the app waits for the answer before its first frame: local terminals answer within
/// a few milliseconds, one over SSH within a round trip; one that does not know the question
/// never answers, and the app starts dark.
pub const WAIT: Duration = Duration::from_millis(150);

/// What [`Answers::feed`] made of an event.
#[derive(Debug, PartialEq)]
pub enum Fed {
    /// Events to handle as typed, in order.
    Pass(Vec<Event>),
    /// Kept back: it may be part of an answer.
    Held,
    /// The terminal's answer: its background colour (`None`: in a form not understood).
    Answer(Option<[u8; 3]>),
}

/// Picks the terminal's answer out of the events.
#[derive(Debug, Default)]
pub struct Answers {
    held: Vec<Event>,
    text: String,
}

/// The longest answer read (`rgba:ffff/ffff/ffff/ffff` with its `11;`): anything longer is typing.
const LONGEST: usize = 32;

const PREFIX: &str = "11;";

impl Answers {
    pub fn feed(&mut self, event: Event) -> Fed {
        let key = match &event {
            Event::Key(k) if k.kind == KeyEventKind::Press => Some(*k),
            _ => None,
        };
        if self.held.is_empty() {
            if key.is_some_and(|k| is(k, KeyCode::Char(']'), KeyModifiers::ALT)) {
                self.held.push(event);
                return Fed::Held;
            }
            return Fed::Pass(vec![event]);
        }
        if let Some(k) = key {
            let ends =
                is(k, KeyCode::Char('\\'), KeyModifiers::ALT) || is(k, KeyCode::Char('g'), KeyModifiers::CONTROL);
            if ends && self.text.len() > PREFIX.len() && self.text.starts_with(PREFIX) {
                let colour = parse_colour(self.text.get(PREFIX.len()..).unwrap_or_default());
                self.held.clear();
                self.text.clear();
                return Fed::Answer(colour);
            }
            if let KeyCode::Char(c) = k.code
                && (k.modifiers - KeyModifiers::SHIFT).is_empty()
                && c.is_ascii_graphic()
                && self.text.len() < LONGEST
            {
                self.text.push(c);
                if PREFIX.starts_with(self.text.as_str()) || self.text.starts_with(PREFIX) {
                    self.held.push(event);
                    return Fed::Held;
                }
            }
        }
        // Not an answer after all: what was held goes on as typed, then this event (which may
        // itself begin an answer).
        let mut out = std::mem::take(&mut self.held);
        self.text.clear();
        match self.feed(event) {
            Fed::Pass(rest) => out.extend(rest),
            Fed::Held | Fed::Answer(_) => {}
        }
        Fed::Pass(out)
    }
}

fn is(k: KeyEvent, code: KeyCode, modifiers: KeyModifiers) -> bool {
    k.code == code && k.modifiers == modifiers
}

/// An X11 colour as terminals answer it: `rgb:R/G/B` or `rgba:R/G/B/A`, each part 1 to 4 hex
/// digits scaled to 8 bits (`ffff` and `f` are both 255).
#[must_use]
pub fn parse_colour(spec: &str) -> Option<[u8; 3]> {
    let parts = spec.strip_prefix("rgb:").or_else(|| spec.strip_prefix("rgba:"))?;
    let mut out = [0u8; 3];
    let mut n = 0;
    for (i, part) in parts.split('/').enumerate() {
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        if i < 3 {
            let value = u32::from_str_radix(part, 16).ok()?;
            let max = (1u32 << (4 * part.len())) - 1;
            out[i] = u8::try_from((value * 255 + max / 2) / max).ok()?;
        }
        n = i + 1;
    }
    (n == 3 || n == 4 && spec.starts_with("rgba:")).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char, m: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), m))
    }

    fn typed(text: &str) -> Vec<Event> {
        text.chars()
            .map(|c| {
                let m = if c.is_ascii_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                key(c, m)
            })
            .collect()
    }

    /// The answer as crossterm reads it: Alt-], the text, then Alt-\ (ST) or Ctrl-G (BEL).
    fn answer(body: &str, bel: bool) -> Vec<Event> {
        let mut out = vec![key(']', KeyModifiers::ALT)];
        out.extend(typed(body));
        out.push(if bel {
            key('g', KeyModifiers::CONTROL)
        } else {
            key('\\', KeyModifiers::ALT)
        });
        out
    }

    /// Feeds every event; what passed, in order, and the answers.
    fn run(events: Vec<Event>) -> (Vec<Event>, Vec<Option<[u8; 3]>>) {
        let mut a = Answers::default();
        let (mut passed, mut answers) = (Vec::new(), Vec::new());
        for e in events {
            match a.feed(e) {
                Fed::Pass(es) => passed.extend(es),
                Fed::Held => {}
                Fed::Answer(c) => answers.push(c),
            }
        }
        (passed, answers)
    }

    #[test]
    fn keys_typed_before_during_and_after_the_answer_all_go_on_in_order() {
        // 张 typed before the answer came, Down and Enter after it, in one read.
        let mut events = vec![key('张', KeyModifiers::NONE), key('j', KeyModifiers::NONE)];
        events.extend(answer("11;rgb:ffff/ffff/ffff", false));
        events.push(Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
        events.push(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let (passed, answers) = run(events);
        assert_eq!(answers, vec![Some([255, 255, 255])]);
        assert_eq!(
            passed,
            vec![
                key('张', KeyModifiers::NONE),
                key('j', KeyModifiers::NONE),
                Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
                Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            ]
        );
    }

    #[test]
    fn what_only_began_like_an_answer_is_typed_as_it_was() {
        // Alt-] then "1a": not an answer; every key goes on, in order.
        let mut events = vec![key(']', KeyModifiers::ALT)];
        events.extend(typed("1a"));
        let (passed, answers) = run(events.clone());
        assert!(answers.is_empty());
        assert_eq!(passed, events);
        // Alt-] then Esc, then Alt-] then "12;": the same.
        let events = vec![
            key(']', KeyModifiers::ALT),
            Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            key(']', KeyModifiers::ALT),
            key('1', KeyModifiers::NONE),
            key('2', KeyModifiers::NONE),
        ];
        assert_eq!(run(events.clone()).0, events);
        // Ctrl-G (转到) alone is Ctrl-G; after "11;" with nothing more it is not an answer's end.
        let mut events = vec![key(']', KeyModifiers::ALT)];
        events.extend(typed("11;"));
        events.push(key('g', KeyModifiers::CONTROL));
        let (passed, answers) = run(events.clone());
        assert!(answers.is_empty());
        assert_eq!(passed, events);
        // A paste or a resize in the middle ends it too.
        let events = vec![
            key(']', KeyModifiers::ALT),
            key('1', KeyModifiers::NONE),
            Event::Resize(80, 24),
        ];
        assert_eq!(run(events.clone()).0, events);
    }

    #[test]
    fn answers_ended_by_bel_in_capitals_and_with_alpha_are_read() {
        let (passed, answers) = run(answer("11;rgb:2E2E/3434/3636", true));
        assert!(passed.is_empty());
        assert_eq!(answers, vec![Some([0x2e, 0x34, 0x36])]);
        assert_eq!(
            run(answer("11;rgba:0000/0000/0000/ffff", false)).1,
            vec![Some([0, 0, 0])]
        );
        // Understood as an answer, but a colour not understood: swallowed, no colour.
        assert_eq!(run(answer("11;#ffffff", false)), (vec![], vec![None]));
    }

    #[test]
    fn colours_of_any_width_scale_to_eight_bits() {
        assert_eq!(parse_colour("rgb:ffff/ffff/ffff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("rgb:f/8/0"), Some([255, 136, 0]));
        assert_eq!(parse_colour("rgb:eeee/eeee/ecec"), Some([0xee, 0xee, 0xec]));
        assert_eq!(parse_colour("rgb:e5/e5/e5"), Some([0xe5, 0xe5, 0xe5]));
        assert_eq!(parse_colour("rgb:800/000/fff"), Some([128, 0, 255]));
        for bad in [
            "rgb:ffff/ffff",
            "rgb:fffff/0/0",
            "rgb:gg/0/0",
            "rgb:/0/0",
            "rgb:0/0/0/0",
            "cmyk:0/0/0",
            "",
        ] {
            assert_eq!(parse_colour(bad), None, "{bad}");
        }
    }
}
