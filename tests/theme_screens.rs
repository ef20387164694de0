//! Every letter drawn is readable, in each theme, as the screens really combine the styles: a
//! tour of the app (the log with an overdue urgent event and its banner, a form with errors, a
//! search with a match, help, the visitor board, a handover draft, the lock screen) drawn on
//! `TestBackend` with the theme pinned, and each cell's colours looked up in the palettes of
//! `ui/theme.rs` (xterm, VGA, Tango, PuTTY, Windows Terminal). A selected row over an urgent one,
//! a match inside a selected row, a message on the status bar: all are checked as drawn.

mod common;

use common::{Harness, add_major_event};
use ratatui::style::{Modifier, Style};
use zhiban::core::keymap::{Key, KeyCode};
use zhiban::ui::theme::{self, PALETTES, Theme, contrast, look};

/// The tour: each stop's name and the screen's cells as drawn.
fn tour(theme: Theme) -> Vec<(String, ratatui::buffer::Buffer)> {
    let mut h = Harness::new(100, 30, Some("张三"));
    theme::pin(theme);
    let mut stops = Vec::new();
    let mut snap = |h: &mut Harness, name: &str| {
        h.screen();
        stops.push((name.to_string(), h.terminal.backend().buffer().clone()));
    };
    h.save_call("城关镇", "李站长", "河堤出现管涌，请求派员支援");
    h.save_call("县水利局", "王科长", "明日上午召开防汛会商会");
    snap(&mut h, "log list, a message on the status bar");
    add_major_event(&mut h, "2026-12-05 09:00:00", "河堤决口，村民转移");
    let t = h.clock + chrono::Duration::minutes(31);
    h.tick_to(t);
    snap(&mut h, "log list under a red banner");
    h.key(Key::ch('3'));
    snap(&mut h, "urgent tab, clocks overdue");
    h.key(Key::ch('1'));
    h.key(Key::ch('n'));
    h.key(Key::ctrl('s'));
    snap(&mut h, "new entry refused with errors");
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('y'));
    h.key(Key::ch('/'));
    h.type_text("管涌");
    snap(&mut h, "search with a match");
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('1'));
    h.key(Key::ch('?'));
    snap(&mut h, "help");
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('2'));
    snap(&mut h, "visitor board");
    h.key(Key::ch('4'));
    h.key(Key::ch('n'));
    snap(&mut h, "handover draft");
    h.key(Key::ctrl('l'));
    snap(&mut h, "locked");
    stops
}

/// Whether a symbol is a line of a box rather than a letter (3:1 is enough for it).
fn is_line(symbol: &str) -> bool {
    symbol.chars().all(|c| ('\u{2500}'..='\u{257f}').contains(&c))
}

fn check(theme: Theme) {
    let mut bad = Vec::new();
    for (name, buf) in tour(theme) {
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                let cell = &buf[(x, y)];
                if cell.symbol().trim().is_empty() {
                    continue;
                }
                let style = Style::new().fg(cell.fg).bg(cell.bg);
                let need = if is_line(cell.symbol()) { 3.0 } else { 4.5 };
                for p in &PALETTES {
                    match look(style, theme, p) {
                        Ok((f, b)) if contrast(f, b) >= need => {}
                        Ok((f, b)) => bad.push(format!(
                            "{name}: “{}” at {x},{y} in {}: {:.2}:1 ({:?} on {:?})",
                            cell.symbol(),
                            p.name,
                            contrast(f, b),
                            cell.fg,
                            cell.bg
                        )),
                        Err(e) => bad.push(format!("{name}: “{}” at {x},{y}: {e}", cell.symbol())),
                    }
                }
            }
        }
    }
    bad.dedup();
    assert!(
        bad.is_empty(),
        "{} cells fail, the first:\n{}",
        bad.len(),
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_letter_of_the_tour_reads_on_a_dark_terminal() {
    check(Theme::Dark);
}

#[test]
fn every_letter_of_the_tour_reads_on_a_light_terminal() {
    check(Theme::Light);
}

#[test]
fn without_colour_the_tour_has_none_and_the_alarms_are_underlined() {
    let stops = tour(Theme::Plain);
    let mut underlined = 0;
    for (name, buf) in &stops {
        for cell in buf.content() {
            assert!(
                cell.fg == ratatui::style::Color::Reset && cell.bg == ratatui::style::Color::Reset,
                "{name}: “{}” has a colour: {cell:?}",
                cell.symbol()
            );
            if cell.modifier.contains(Modifier::UNDERLINED) && !cell.symbol().trim().is_empty() {
                underlined += 1;
            }
        }
    }
    // The banner and the overdue clocks are there to be underlined.
    assert!(underlined > 0, "no alarm underlined");
}
