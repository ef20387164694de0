//! Every style in one place, for each theme: dark terminals, light terminals, and `NO_COLOR`.
//!
//! A screen asks for a style by its role — `theme::header()` — and gets the active theme's.
//! The active theme is chosen once at start ([`set`]: `[ui] theme` in the config, or the
//! terminal's answer to the background query, or `NO_COLOR`), so the drawing code never passes a
//! theme around. A test pins its own thread's theme with [`pin`]; nothing else changes it, so a
//! test that pins nothing draws the dark theme.
//!
//! Only the 16 ANSI colours are used (PuTTY, Xshell and fbterm map anything else to them, each
//! its own way), and each theme keeps to those that stay readable on its background in every
//! common palette: the contrast test below checks every role of every theme against xterm's,
//! VGA's, Tango's, PuTTY's and Windows Terminal's colours.
//!
//! Why the themes look as they do:
//! - Red text on a dark background is under 4.5:1 in every one of those palettes (and even
//!   bright red is 3:1 on Tango's near-black), so on a dark terminal the alarms — an urgent
//!   entry, an overdue row, an error, the banner — are white on a red field; on a light terminal
//!   plain red text reads well (5:1 or more).
//! - On white only black, red, blue and magenta reach 4.5:1 in all five palettes (grey, cyan,
//!   green and yellow are 1.3–3:1: the old theme's hints and tab names vanished on xterm's white).
//! - Dark grey on black is 2.8:1 in VGA and PuTTY: what was dark grey is light grey.
//! - The status bar is white on blue in both themes: readable in every palette, and unlike the
//!   old grey bar it does not vanish into a light background.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

use ratatui::style::{Color, Modifier, Style};

/// A set of styles for one kind of terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// A dark background (the fallback when the terminal does not say).
    Dark,
    /// A light background (xterm's default: black on white).
    Light,
    /// `NO_COLOR`: no colour at all; bold, reverse and underline carry the meaning alone.
    Plain,
}

impl Theme {
    pub const ALL: [Self; 3] = [Self::Dark, Self::Light, Self::Plain];

    /// The theme's styles.
    #[must_use]
    pub fn styles(self) -> &'static Styles {
        match self {
            Self::Dark => &DARK,
            Self::Light => &LIGHT,
            Self::Plain => &PLAIN,
        }
    }

    /// The theme for a terminal whose background is this colour: light when its relative
    /// luminance is past the middle grey's (the point where black text and white text read
    /// equally well on it).
    #[must_use]
    pub fn for_background(r: u8, g: u8, b: u8) -> Self {
        if luminance([r, g, b]) > 0.179 {
            Self::Light
        } else {
            Self::Dark
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Dark => 0,
            Self::Light => 1,
            Self::Plain => 2,
        }
    }

    fn from_code(code: u8) -> Self {
        match code {
            1 => Self::Light,
            2 => Self::Plain,
            _ => Self::Dark,
        }
    }
}

/// The process's theme, set by the runtime at start (and again if the terminal's answer to the
/// background query comes late).
static ACTIVE: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// A theme pinned for this thread only: tests run in parallel threads of one process and
    /// each draws the theme it asked for, whatever the others pinned.
    static PINNED: Cell<Option<Theme>> = const { Cell::new(None) };
}

/// Makes `theme` the one every screen draws with (the runtime, once it knows).
pub fn set(theme: Theme) {
    ACTIVE.store(theme.code(), Ordering::Relaxed);
}

/// Draws with `theme` on this thread from now on, whatever [`set`] says (for tests).
pub fn pin(theme: Theme) {
    PINNED.with(|p| p.set(Some(theme)));
}

/// The theme this thread draws with.
#[must_use]
pub fn current() -> Theme {
    PINNED
        .with(Cell::get)
        .unwrap_or_else(|| Theme::from_code(ACTIVE.load(Ordering::Relaxed)))
}

/// What a role is for, which decides the rule its style must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words to read: 4.5:1 against its background (WCAG AA).
    Text,
    /// Words that raise an alarm (urgent, overdue, an error, the red banner): 4.5:1, and told
    /// apart from every other role by its colour (by underline without colours).
    Alarm,
    /// Lines that are not words (box borders): 3:1 (WCAG 1.4.11, non-text contrast).
    Line,
}

macro_rules! roles {
    ($($(#[$doc:meta])* $name:ident: $kind:ident,)*) => {
        /// Every role's style in one theme.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Styles {
            $($(#[$doc])* pub $name: Style,)*
        }

        impl Styles {
            /// Every role: its name, its kind and its style (for the contrast test).
            #[must_use]
            pub fn roles(&self) -> Vec<(&'static str, Kind, Style)> {
                vec![$((stringify!($name), Kind::$kind, self.$name),)*]
            }
        }

        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name() -> Style {
                current().styles().$name
            }
        )*
    };
}

roles! {
    /// The tab shown.
    tab_active: Text,
    tab_inactive: Text,
    /// A tab this role may not open: struck through, still readable.
    tab_unavailable: Text,
    /// On the status line: tampering, an unread database, a backup failed, 督办 overdue, no one on duty.
    status_alert: Alarm,
    status_bar: Text,
    status_operator: Text,
    /// A message or reminder said on the status line.
    status_notice: Text,
    /// 已保存… on the status line.
    status_ok: Text,
    hint_key: Text,
    hint_text: Text,
    header: Text,
    selected: Text,
    /// 急办, overdue, an urgent event's clock run out.
    urgent: Alarm,
    /// 请示 not made yet, due soon.
    ask_leader: Text,
    done: Text,
    label: Text,
    label_focused: Text,
    /// The `*` of a required field.
    label_required: Alarm,
    placeholder: Text,
    error: Alarm,
    notice: Text,
    /// A search match.
    highlight: Text,
    ok: Text,
    choice_selected: Text,
    border: Line,
    dialog: Text,
    /// The urgent banner when a clock is red (under a third left, or run out).
    banner_red: Alarm,
    /// The urgent banner otherwise.
    banner_amber: Text,
    /// A countdown with under two thirds left.
    amber: Text,
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const fn on(f: Color, b: Color) -> Style {
    Style::new().fg(f).bg(b)
}

const fn bold(s: Style) -> Style {
    s.add_modifier(Modifier::BOLD)
}

const PLAIN_STYLE: Style = Style::new();

/// A dark terminal: its text is light grey or white on black (or Tango's near-black).
pub const DARK: Styles = Styles {
    tab_active: bold(on(Color::Black, Color::LightCyan)),
    tab_inactive: fg(Color::Gray),
    tab_unavailable: fg(Color::Gray).add_modifier(Modifier::CROSSED_OUT),
    status_alert: bold(on(Color::White, Color::Red)),
    status_bar: on(Color::White, Color::Blue),
    status_operator: bold(on(Color::LightYellow, Color::Blue)),
    status_notice: on(Color::LightYellow, Color::Blue),
    status_ok: bold(on(Color::White, Color::Blue)),
    hint_key: bold(fg(Color::LightCyan)),
    hint_text: fg(Color::Gray),
    header: bold(fg(Color::LightCyan)),
    selected: PLAIN_STYLE.add_modifier(Modifier::REVERSED),
    urgent: bold(on(Color::White, Color::Red)),
    ask_leader: fg(Color::LightYellow),
    done: fg(Color::Gray),
    label: fg(Color::Gray),
    label_focused: bold(fg(Color::LightCyan)),
    label_required: bold(on(Color::White, Color::Red)),
    placeholder: fg(Color::Gray),
    error: on(Color::White, Color::Red),
    notice: fg(Color::LightYellow),
    highlight: on(Color::Black, Color::LightYellow),
    ok: fg(Color::LightGreen),
    choice_selected: on(Color::Black, Color::LightCyan),
    border: fg(Color::Gray),
    dialog: bold(fg(Color::LightYellow)),
    banner_red: bold(on(Color::White, Color::Red)),
    banner_amber: bold(on(Color::Black, Color::LightYellow)),
    amber: bold(fg(Color::LightYellow)),
};

/// A light terminal: black on white (or Tango's off-white). What is light grey in the dark
/// theme is the terminal's own text colour here; cyan is blue; yellow is magenta.
pub const LIGHT: Styles = Styles {
    tab_active: bold(on(Color::Black, Color::LightCyan)),
    tab_inactive: PLAIN_STYLE,
    tab_unavailable: PLAIN_STYLE.add_modifier(Modifier::CROSSED_OUT),
    status_alert: bold(on(Color::White, Color::Red)),
    status_bar: on(Color::White, Color::Blue),
    status_operator: bold(on(Color::LightYellow, Color::Blue)),
    status_notice: on(Color::LightYellow, Color::Blue),
    status_ok: bold(on(Color::White, Color::Blue)),
    hint_key: bold(fg(Color::Blue)),
    hint_text: PLAIN_STYLE,
    header: bold(fg(Color::Blue)),
    selected: PLAIN_STYLE.add_modifier(Modifier::REVERSED),
    urgent: bold(fg(Color::Red)),
    ask_leader: fg(Color::Magenta),
    done: PLAIN_STYLE,
    label: PLAIN_STYLE,
    label_focused: bold(fg(Color::Blue)),
    label_required: bold(fg(Color::Red)),
    // Not the text colour: a hint in an empty field must not pass for something typed.
    placeholder: fg(Color::Blue),
    error: fg(Color::Red),
    notice: fg(Color::Magenta),
    highlight: on(Color::Black, Color::LightYellow),
    ok: fg(Color::Blue),
    choice_selected: on(Color::Black, Color::LightCyan),
    border: fg(Color::DarkGray),
    dialog: bold(fg(Color::Magenta)),
    banner_red: bold(on(Color::White, Color::Red)),
    banner_amber: bold(on(Color::Black, Color::LightYellow)),
    amber: bold(fg(Color::Magenta)),
};

const fn with(m: Modifier) -> Style {
    Style::new().add_modifier(m)
}

/// `NO_COLOR`: the terminal's own two colours. Reverse marks what is chosen and the bars; bold
/// what to look at; underline only the alarms, so an alarm is never mistaken for anything else.
pub const PLAIN: Styles = Styles {
    tab_active: with(Modifier::REVERSED.union(Modifier::BOLD)),
    tab_inactive: PLAIN_STYLE,
    tab_unavailable: with(Modifier::CROSSED_OUT),
    status_alert: with(Modifier::BOLD.union(Modifier::UNDERLINED)),
    status_bar: with(Modifier::REVERSED),
    status_operator: with(Modifier::REVERSED.union(Modifier::BOLD)),
    status_notice: with(Modifier::REVERSED),
    status_ok: with(Modifier::REVERSED.union(Modifier::BOLD)),
    hint_key: with(Modifier::BOLD),
    hint_text: PLAIN_STYLE,
    header: with(Modifier::BOLD),
    selected: with(Modifier::REVERSED),
    urgent: with(Modifier::BOLD.union(Modifier::UNDERLINED)),
    ask_leader: with(Modifier::BOLD),
    done: PLAIN_STYLE,
    label: PLAIN_STYLE,
    label_focused: with(Modifier::BOLD),
    label_required: with(Modifier::BOLD.union(Modifier::UNDERLINED)),
    placeholder: PLAIN_STYLE,
    error: with(Modifier::UNDERLINED),
    notice: with(Modifier::BOLD),
    highlight: with(Modifier::REVERSED.union(Modifier::BOLD)),
    ok: PLAIN_STYLE,
    choice_selected: with(Modifier::REVERSED),
    border: PLAIN_STYLE,
    dialog: with(Modifier::BOLD),
    banner_red: with(Modifier::REVERSED.union(Modifier::BOLD).union(Modifier::UNDERLINED)),
    banner_amber: with(Modifier::REVERSED.union(Modifier::BOLD)),
    amber: with(Modifier::BOLD),
};

/// WCAG 2 relative luminance of an sRGB colour.
#[must_use]
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
#[must_use]
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// A terminal's 16 colours (ANSI order: black, red, green, yellow, blue, magenta, cyan,
/// white, then the bright eight), with its defaults for a dark and a light window.
pub struct Palette {
    pub name: &'static str,
    pub ansi: [u32; 16],
    /// Default text and background of a dark window.
    pub dark: (u32, u32),
    /// Default text and background of a light window.
    pub light: (u32, u32),
}

/// The palettes offices meet. The dark defaults are each terminal's own (Tango is GNOME
/// Terminal's "Tango dark", #d3d7cf on #2e3436 — not black); a light window is the
/// palette's black on its bright white (xterm's default; GNOME's "Tango light").
pub const PALETTES: [Palette; 5] = [
    Palette {
        name: "xterm",
        ansi: [
            0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000,
            0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
        ],
        dark: (0xffffff, 0x000000),
        light: (0x000000, 0xffffff),
    },
    Palette {
        // The Linux console and fbterm.
        name: "VGA",
        ansi: [
            0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa, 0x555555, 0xff5555,
            0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
        ],
        dark: (0xaaaaaa, 0x000000),
        light: (0x000000, 0xffffff),
    },
    Palette {
        name: "Tango (GNOME Terminal)",
        ansi: [
            0x2e3436, 0xcc0000, 0x4e9a06, 0xc4a000, 0x3465a4, 0x75507b, 0x06989a, 0xd3d7cf, 0x555753, 0xef2929,
            0x8ae234, 0xfce94f, 0x729fcf, 0xad7fa8, 0x34e2e2, 0xeeeeec,
        ],
        dark: (0xd3d7cf, 0x2e3436),
        light: (0x2e3436, 0xeeeeec),
    },
    Palette {
        // PuTTY's defaults; Xshell's classic scheme is the same 16.
        name: "PuTTY",
        ansi: [
            0x000000, 0xbb0000, 0x00bb00, 0xbbbb00, 0x0000bb, 0xbb00bb, 0x00bbbb, 0xbbbbbb, 0x555555, 0xff5555,
            0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
        ],
        dark: (0xbbbbbb, 0x000000),
        light: (0x000000, 0xffffff),
    },
    Palette {
        name: "Windows Terminal (Campbell)",
        ansi: [
            0x0c0c0c, 0xc50f1f, 0x13a10e, 0xc19c00, 0x0037da, 0x881798, 0x3a96dd, 0xcccccc, 0x767676, 0xe74856,
            0x16c60c, 0xf9f1a5, 0x3b78ff, 0xb4009e, 0x61d6d6, 0xf2f2f2,
        ],
        dark: (0xcccccc, 0x0c0c0c),
        light: (0x0c0c0c, 0xf2f2f2),
    },
];

#[must_use]
pub fn rgb(x: u32) -> [u8; 3] {
    let [_, r, g, b] = x.to_be_bytes();
    [r, g, b]
}

/// A colour as this palette shows it, `default` for the terminal's own; `None` for a colour
/// outside the 16 (a 16-colour terminal would show it as something else).
#[must_use]
pub fn shown(c: Option<Color>, default: u32, p: &Palette) -> Option<[u8; 3]> {
    let index = match c {
        None | Some(Color::Reset) => return Some(rgb(default)),
        Some(Color::Black) => 0,
        Some(Color::Red) => 1,
        Some(Color::Green) => 2,
        Some(Color::Yellow) => 3,
        Some(Color::Blue) => 4,
        Some(Color::Magenta) => 5,
        Some(Color::Cyan) => 6,
        Some(Color::Gray) => 7,
        Some(Color::DarkGray) => 8,
        Some(Color::LightRed) => 9,
        Some(Color::LightGreen) => 10,
        Some(Color::LightYellow) => 11,
        Some(Color::LightBlue) => 12,
        Some(Color::LightMagenta) => 13,
        Some(Color::LightCyan) => 14,
        Some(Color::White) => 15,
        Some(_) => return None,
    };
    Some(rgb(p.ansi[index]))
}

/// A style's text and background colours as this palette shows them on a window of this
/// theme (reverse swaps them, which leaves their contrast as it is).
/// # Errors
/// A colour outside the 16 ANSI colours.
pub fn look(style: Style, theme: Theme, p: &Palette) -> Result<([u8; 3], [u8; 3]), String> {
    let (text, ground) = if theme == Theme::Light { p.light } else { p.dark };
    let f = shown(style.fg, text, p);
    let b = shown(style.bg, ground, p);
    match (f, b) {
        (Some(f), Some(b)) => Ok((f, b)),
        _ => Err(format!("{style:?} uses a colour outside the 16 ANSI colours")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything wrong with one theme's styles under one palette: a sentence per failure.
    fn failures(styles: &Styles, theme: Theme, p: &Palette) -> Vec<String> {
        let mut out = Vec::new();
        let roles = styles.roles();
        for (name, kind, style) in &roles {
            let (f, b) = match look(*style, theme, p) {
                Ok(fb) => fb,
                Err(e) => {
                    out.push(format!("{theme:?} {name} in {}: {e}", p.name));
                    continue;
                }
            };
            let need = if *kind == Kind::Line { 3.0 } else { 4.5 };
            let ratio = contrast(f, b);
            if ratio < need {
                out.push(format!(
                    "{theme:?} {name} in {}: {ratio:.2}:1 between #{:02x}{:02x}{:02x} and #{:02x}{:02x}{:02x}, needs {need}:1",
                    p.name, f[0], f[1], f[2], b[0], b[1], b[2]
                ));
            }
        }
        // An alarm must not look like anything that is not one: its text or its ground differs
        // clearly (a distance of 100 in sRGB is red from magenta in Windows Terminal's palette,
        // the closest pair used; grey from white is about 45).
        for (alarm, _, a) in roles.iter().filter(|r| r.1 == Kind::Alarm) {
            for (other, _, o) in roles.iter().filter(|r| r.1 != Kind::Alarm) {
                let (Ok((af, ab)), Ok((of, ob))) = (look(*a, theme, p), look(*o, theme, p)) else {
                    continue;
                };
                if distance(af, of).max(distance(ab, ob)) < 100.0 {
                    out.push(format!("{theme:?} {alarm} looks like {other} in {}", p.name));
                }
            }
        }
        out
    }

    fn distance(a: [u8; 3], b: [u8; 3]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (f64::from(*x) - f64::from(y)).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn every_style_of_the_dark_and_light_themes_reads_in_every_common_palette() {
        let mut all = Vec::new();
        for theme in [Theme::Dark, Theme::Light] {
            for p in &PALETTES {
                all.extend(failures(theme.styles(), theme, p));
            }
        }
        assert!(all.is_empty(), "styles that fail:\n{}", all.join("\n"));
    }

    #[test]
    fn the_rule_fails_grey_on_white_and_red_that_looks_like_magenta() {
        // The old theme's hints and inactive tabs on xterm's white: 1.3:1.
        let mut grey = LIGHT;
        grey.hint_text = fg(Color::Gray);
        let xterm = &PALETTES[0];
        let found = failures(&grey, Theme::Light, xterm);
        assert!(
            found.iter().any(|f| f.starts_with("Light hint_text in xterm: 1.")),
            "{found:?}"
        );
        // Dark grey on VGA black (the Linux console), 2.8:1.
        let mut dim = DARK;
        dim.placeholder = fg(Color::DarkGray);
        let found = failures(&dim, Theme::Dark, &PALETTES[1]);
        assert!(
            found.iter().any(|f| f.starts_with("Dark placeholder in VGA: 2.")),
            "{found:?}"
        );
        // An overdue row in the colour of a 请示 row is refused, however readable both are.
        let mut same = LIGHT;
        same.ask_leader = same.urgent;
        let found = failures(&same, Theme::Light, &PALETTES[4]);
        assert!(
            found
                .iter()
                .any(|f| f == "Light urgent looks like ask_leader in Windows Terminal (Campbell)"),
            "{found:?}"
        );
        // A colour a 16-colour terminal does not have.
        let mut many = DARK;
        many.header = fg(Color::Indexed(208));
        assert!(
            failures(&many, Theme::Dark, xterm)
                .iter()
                .any(|f| f.contains("outside the 16"))
        );
        // Black text on Tango's dark background, which is Tango's black.
        let mut black = DARK;
        black.ok = fg(Color::Black);
        assert!(
            failures(&black, Theme::Dark, &PALETTES[2])
                .iter()
                .any(|f| f.starts_with("Dark ok in Tango"))
        );
    }

    #[test]
    fn no_color_uses_no_colour_and_only_the_alarms_are_underlined() {
        for (name, kind, style) in PLAIN.roles() {
            assert!(
                style.fg.is_none() && style.bg.is_none() && style.underline_color.is_none(),
                "{name}: {style:?}"
            );
            let underlined = style.add_modifier.contains(Modifier::UNDERLINED);
            assert_eq!(underlined, kind == Kind::Alarm, "{name}: {style:?}");
        }
        // The bars and what is chosen are reversed, so they show without colour.
        for s in [
            PLAIN.selected,
            PLAIN.tab_active,
            PLAIN.status_bar,
            PLAIN.banner_red,
            PLAIN.choice_selected,
        ] {
            assert!(s.add_modifier.contains(Modifier::REVERSED), "{s:?}");
        }
    }

    #[test]
    fn a_background_is_light_past_middle_grey() {
        assert_eq!(Theme::for_background(255, 255, 255), Theme::Light);
        assert_eq!(Theme::for_background(0xee, 0xee, 0xec), Theme::Light);
        assert_eq!(Theme::for_background(0, 0, 0), Theme::Dark);
        assert_eq!(Theme::for_background(0x2e, 0x34, 0x36), Theme::Dark);
        assert_eq!(
            Theme::for_background(0x30, 0x0a, 0x24),
            Theme::Dark,
            "Ubuntu's aubergine"
        );
        assert_eq!(Theme::for_background(0xfd, 0xf6, 0xe3), Theme::Light, "Solarized light");
    }

    #[test]
    fn a_pinned_theme_is_this_threads_alone() {
        pin(Theme::Light);
        assert_eq!(current(), Theme::Light);
        assert_eq!(header(), LIGHT.header);
        let other = std::thread::spawn(|| (current(), header())).join().unwrap();
        assert_eq!(
            other,
            (Theme::Dark, DARK.header),
            "another thread draws the process's theme"
        );
        pin(Theme::Plain);
        assert_eq!(urgent(), PLAIN.urgent);
    }
}
