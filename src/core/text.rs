//! Text hygiene and display-width helpers.
//!
//! Everything typed, pasted or passed on the command line goes through [`sanitize`] before it is
//! stored, and everything shown goes through it again before it reaches the terminal, so a control
//! character or an escape sequence can never be written raw to the officer's screen.
//! Widths are in terminal cells ("display columns"): a Han character is 2, ASCII is 1.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Removes control characters and terminal escape sequences (CSI, OSC, DCS and two-byte escapes,
/// 7-bit and 8-bit forms) and bidirectional-override characters. With `keep_newlines`, CR and CRLF
/// become `\n`; without it every line break becomes a space. A tab becomes a space.
#[must_use]
pub fn sanitize(input: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI, OSC, DCS, SOS, PM, APC introduce the same sequences as their ESC forms.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if keep_newlines { '\n' } else { ' ' });
            }
            '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True if `s` contains nothing that [`sanitize`] would remove or change.
#[must_use]
pub fn is_clean(s: &str, allow_newlines: bool) -> bool {
    s.chars()
        .all(|c| !(c.is_control() && !(allow_newlines && c == '\n')) && !is_bidi_control(c) && c != '\t')
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // A two-byte escape such as ESC c (reset) or ESC 7: drop the second byte too.
        Some(c) if (' '..='~').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI parameters and intermediates run until a final byte in `@`..=`~`.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
        if !(' '..='?').contains(&c) {
            // Not a CSI byte at all: the sequence was malformed; stop eating text.
            break;
        }
    }
}

/// OSC/DCS strings run until BEL or ST (`ESC \` or U+009C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Display width in terminal cells.
#[must_use]
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, never splitting a wide character; appends `..` when cut.
#[must_use]
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(2);
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > budget {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if max >= 2 {
        out.push_str("..");
    }
    out
}

/// Pads `s` with spaces on the right to exactly `cells` cells (truncating first if needed).
#[must_use]
pub fn pad(s: &str, cells: usize) -> String {
    let mut out = truncate(s, cells);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// First line of `s`, for one-row summaries.
#[must_use]
pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Punctuation that never starts a line (Chinese line breaking, 禁则): closing marks and pauses.
const NO_LINE_START: &str = "。，、；：？！）》」』】〕〉”’．…%,.;:?!)]}";
/// Punctuation that never ends a line: opening marks.
const NO_LINE_END: &str = "（《「『【〔〈“‘([{";

fn one_of(set: &str, g: &str) -> bool {
    let mut chars = g.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if set.contains(c))
}

/// Splits `text` into visual lines no wider than `width` cells: at every `\n` and wherever the
/// next grapheme would overflow. Returns byte ranges into `text` (newlines excluded). Always at
/// least one line. A zero width is treated as one cell so that layout can never loop forever.
///
/// Chinese line breaking (禁则): a closing mark or pause (。，、；：？！）》」 and the like, ASCII
/// `,.;:?!)` too) never starts a line and an opening mark (（《「“) never ends one. Where the break
/// would do that, the characters before it move down with it; a line never gets wider than
/// `width`, and a line that is all such marks breaks where it must.
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line_start = 0;
    let mut used = 0;
    // The graphemes of the current line: start, width, whether it may start / end a line,
    // whether it is ASCII (a word, a number or a time is not broken if it fits).
    let mut line: Vec<(usize, usize, bool, bool, bool)> = Vec::new();
    for (i, g) in text.grapheme_indices(true) {
        if g == "\n" || g == "\r\n" {
            lines.push(line_start..i);
            line_start = i + g.len();
            used = 0;
            line.clear();
            continue;
        }
        let w = self::width(g);
        let may_start = !one_of(NO_LINE_START, g);
        // Latin letters, digits and ASCII marks between them (`0871-1234`, `29:58`, `zs/zhangsan`).
        let alnum = g.len() == 1 && g.as_bytes()[0].is_ascii_graphic();
        if used + w > width && !line.is_empty() {
            // Break before `cut` (an index into `line`; `line.len()` is before `g`): move back
            // while the next line would start with a closing mark, this one end with an
            // opening mark or the break split a Latin word or a number, keeping at least one
            // grapheme on this line; where no such place is, break where the line is full.
            let next = |cut: usize| line.get(cut).map_or((may_start, alnum), |x| (x.2, x.4));
            let ok = |cut: usize| {
                let (starts, next_alnum) = next(cut);
                starts && line[cut - 1].3 && !(next_alnum && line[cut - 1].4)
            };
            let mut cut = line.len();
            while cut > 1 && !ok(cut) {
                cut -= 1;
            }
            let moved: usize = line[cut..].iter().map(|x| x.1).sum();
            if !ok(cut) || moved + w > width {
                cut = line.len();
            }
            let at = line.get(cut).map_or(i, |x| x.0);
            lines.push(line_start..at);
            line_start = at;
            line.drain(..cut);
            used = line.iter().map(|x| x.1).sum();
        }
        used += w;
        line.push((i, w, may_start, !one_of(NO_LINE_END, g), alnum));
    }
    lines.push(line_start..text.len());
    lines
}

/// Where the caret at byte `cursor` sits in [`wrap`]`(text, width)`: (visual row, column in cells).
#[must_use]
pub fn wrapped_cursor(text: &str, cursor: usize, width: usize) -> (usize, usize) {
    let lines = wrap(text, width);
    // The caret belongs to the last line that starts at or before it: a caret right after a
    // wrap point is shown at the start of the next row, where the next character will appear.
    let row = lines.iter().rposition(|r| r.start <= cursor).unwrap_or(0);
    let range = &lines[row];
    let end = cursor.min(range.end);
    let col = text.get(range.start..end).map_or(0, self::width);
    // A caret after a character that fills the row exactly would sit outside the field.
    if col >= width.max(2) { (row + 1, 0) } else { (row, col) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_csi_osc_and_controls() {
        let raw = "张三\u{1b}[31m红色\u{1b}[0m\u{7}\u{1b}]0;标题\u{7}来电\u{0}\u{8}";
        assert_eq!(sanitize(raw, false), "张三红色来电");
    }

    #[test]
    fn sanitize_handles_8bit_csi_and_st_terminated_osc() {
        assert_eq!(sanitize("a\u{9b}2Jb\u{1b}]52;c;aGk=\u{1b}\\c", false), "abc");
    }

    #[test]
    fn sanitize_newlines_depend_on_field() {
        assert_eq!(sanitize("一\r\n二\r三\n四", true), "一\n二\n三\n四");
        assert_eq!(sanitize("一\r\n二", false), "一 二");
        assert_eq!(sanitize("a\tb", true), "a b");
    }

    #[test]
    fn sanitize_drops_bidi_overrides() {
        assert_eq!(sanitize("abc\u{202e}def", false), "abcdef");
    }

    #[test]
    fn is_clean_matches_sanitize() {
        for s in ["张三", "a\u{1b}[1m", "x\ny", "tab\there", "\u{202e}"] {
            assert_eq!(is_clean(s, true), sanitize(s, true) == s, "{s:?}");
        }
    }

    #[test]
    fn width_and_truncate_respect_wide_glyphs() {
        assert_eq!(width("张三来访"), 8);
        assert_eq!(truncate("张三来访了", 7), "张三..");
        assert_eq!(truncate("张三", 4), "张三");
        assert_eq!(pad("张", 4), "张  ");
    }

    #[test]
    fn wrap_breaks_cjk_per_glyph_and_at_newlines() {
        let t = "一二三四五\n六";
        let lines: Vec<&str> = wrap(t, 4).into_iter().map(|r| t.get(r).unwrap()).collect();
        assert_eq!(lines, ["一二", "三四", "五", "六"]);
    }

    fn wrapped(t: &str, width: usize) -> Vec<&str> {
        wrap(t, width).into_iter().map(|r| t.get(r).unwrap()).collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Four cells: 一二 fill the row and 。 would start the next; 二 moves down with it.
        assert_eq!(wrapped("一二。三四", 4), ["一", "二。", "三四"]);
        for p in ["，", "、", "；", "：", "？", "！", "）", "》", "」", "”", "』", "】"] {
            let t = format!("一二{p}三");
            let lines = wrapped(&t, 4);
            assert!(lines.iter().all(|l| !l.starts_with(p)), "{p}: {lines:?}");
            assert!(lines.iter().all(|l| width(l) <= 4), "{p}: {lines:?}");
            assert_eq!(lines.concat(), t);
        }
        assert_eq!(wrapped("ab c,d", 4), ["ab ", "c,d"], "ASCII too");
        // Two closers in a row move down together with the character before them.
        assert_eq!(wrapped("一二三。」四", 6), ["一二", "三。」", "四"]);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        assert_eq!(wrapped("一（二三", 4), ["一", "（二", "三"]);
        for p in ["（", "《", "「", "“", "『", "【"] {
            let t = format!("一{p}二三四");
            let lines = wrapped(&t, 4);
            assert!(lines.iter().all(|l| !l.ends_with(p)), "{p}: {lines:?}");
            assert!(lines.iter().all(|l| width(l) <= 4), "{p}: {lines:?}");
            assert_eq!(lines.concat(), t);
        }
    }

    #[test]
    fn line_breaking_rules_never_make_a_line_too_wide_or_lose_text() {
        let t = "县应急管理局报告：城关镇（张庄村）发生“交通事故”，无人员伤亡。已安排专人跟进！？";
        for w in 2..=40 {
            let lines = wrapped(t, w);
            assert_eq!(lines.concat(), t, "at {w}");
            assert!(lines.iter().all(|l| width(l) <= w), "at {w}: {lines:?}");
            if w >= 6 {
                for pair in lines.windows(2) {
                    let next = pair[1].chars().next().unwrap();
                    let last = pair[0].chars().last().unwrap();
                    assert!(!NO_LINE_START.contains(next), "at {w}: {lines:?}");
                    assert!(!NO_LINE_END.contains(last), "at {w}: {lines:?}");
                }
            }
        }
        // Nothing but marks: broken where it must be, nothing lost, nothing too wide.
        assert_eq!(wrapped("。。。。", 4), ["。。", "。。"]);
    }

    #[test]
    fn latin_words_and_numbers_move_down_whole_when_they_fit() {
        assert_eq!(wrapped("设为 PIN。", 8), ["设为 ", "PIN。"]);
        assert_eq!(wrapped("电话13800000001", 10), ["电话", "1380000000", "1"]);
        assert_eq!(wrapped("请电话 0871-12345678", 16), ["请电话 ", "0871-12345678"]);
        assert_eq!(wrapped("电话报告 剩 29:58", 14), ["电话报告 剩 ", "29:58"]);
        assert_eq!(wrapped("abcdefgh", 3), ["abc", "def", "gh"], "too long: cut where full");
    }

    #[test]
    fn wrapped_cursor_moves_to_next_row_at_wrap_point() {
        let t = "一二三四";
        assert_eq!(wrapped_cursor(t, 0, 4), (0, 0));
        assert_eq!(wrapped_cursor(t, "一".len(), 4), (0, 2));
        assert_eq!(wrapped_cursor(t, "一二".len(), 4), (1, 0));
        assert_eq!(wrapped_cursor(t, t.len(), 4), (2, 0));
        assert_eq!(wrapped_cursor("", 0, 10), (0, 0));
    }
}
