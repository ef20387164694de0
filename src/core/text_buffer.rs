//! An editable text value with a caret: the state behind every input field.
//!
//! Pure (no terminal types): the UI layer measures and draws it, the core edits it. The caret is
//! a byte offset that only ever rests on a grapheme boundary, so a Han character or an emoji is
//! always inserted, stepped over and deleted whole. Everything inserted is sanitized first.

use super::text::{sanitize, width};
use unicode_segmentation::UnicodeSegmentation;

/// What happened to an insertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Everything was inserted (after sanitizing).
    All,
    /// The field's length cap was reached; only `kept` characters went in.
    Truncated { kept: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBuffer {
    text: String,
    /// Byte offset of the caret, always on a grapheme boundary.
    cursor: usize,
    multiline: bool,
    /// Maximum length in characters (Unicode scalar values).
    max_chars: usize,
}

impl TextBuffer {
    #[must_use]
    pub fn new(multiline: bool, max_chars: usize) -> Self {
        Self {
            text: String::new(),
            cursor: 0,
            multiline,
            max_chars,
        }
    }

    /// A buffer holding `text` (sanitized and capped), caret at the end.
    #[must_use]
    pub fn with_text(multiline: bool, max_chars: usize, text: &str) -> Self {
        let mut b = Self::new(multiline, max_chars);
        b.insert_str(text);
        b
    }

    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    #[must_use]
    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    #[must_use]
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Replaces the whole value, caret at the end.
    pub fn set_text(&mut self, text: &str) {
        self.clear();
        self.insert_str(text);
    }

    /// Types one character. A newline in a single-line field is ignored.
    pub fn insert_char(&mut self, c: char) -> Inserted {
        let mut buf = [0u8; 4];
        self.insert_str(c.encode_utf8(&mut buf))
    }

    /// Inserts text at the caret (typing or a paste): sanitized, then cut at the length cap.
    pub fn insert_str(&mut self, raw: &str) -> Inserted {
        let clean = sanitize(raw, self.multiline);
        let room = self.max_chars.saturating_sub(self.text.chars().count());
        let total = clean.chars().count();
        let (piece, outcome) = if total <= room {
            (clean.as_str(), Inserted::All)
        } else {
            // Cut on a grapheme boundary so a combined character is never split.
            let mut end = 0;
            let mut kept = 0;
            for (i, g) in clean.grapheme_indices(true) {
                let n = g.chars().count();
                if kept + n > room {
                    break;
                }
                kept += n;
                end = i + g.len();
            }
            (clean.get(..end).unwrap_or(""), Inserted::Truncated { kept })
        };
        self.text.insert_str(self.cursor, piece);
        self.cursor += piece.len();
        outcome
    }

    pub fn backspace(&mut self) {
        if let Some(prev) = self.prev_boundary() {
            self.text.replace_range(prev..self.cursor, "");
            self.cursor = prev;
        }
    }

    pub fn delete(&mut self) {
        if let Some(next) = self.next_boundary() {
            self.text.replace_range(self.cursor..next, "");
        }
    }

    pub fn left(&mut self) {
        if let Some(prev) = self.prev_boundary() {
            self.cursor = prev;
        }
    }

    pub fn right(&mut self) {
        if let Some(next) = self.next_boundary() {
            self.cursor = next;
        }
    }

    /// To the start of the whole text (a prefilled text is read from its top).
    pub fn to_start(&mut self) {
        self.cursor = 0;
    }

    /// To the start of the current line.
    pub fn home(&mut self) {
        self.cursor = self.line_start(self.cursor);
    }

    /// To the end of the current line.
    pub fn end(&mut self) {
        self.cursor = self.line_end(self.cursor);
    }

    /// Deletes from the start of the line to the caret (Ctrl-U in shells).
    pub fn delete_to_line_start(&mut self) {
        let start = self.line_start(self.cursor);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// One logical line up, keeping the display column. Returns false on the first line.
    pub fn up(&mut self) -> bool {
        let start = self.line_start(self.cursor);
        if start == 0 {
            return false;
        }
        let col = self.col_of(self.cursor);
        let prev_start = self.line_start(start - 1);
        self.cursor = self.offset_at_col(prev_start, col);
        true
    }

    /// One logical line down, keeping the display column. Returns false on the last line.
    pub fn down(&mut self) -> bool {
        let end = self.line_end(self.cursor);
        if end >= self.text.len() {
            return false;
        }
        let col = self.col_of(self.cursor);
        self.cursor = self.offset_at_col(end + 1, col);
        true
    }

    /// Display column (cells) of the caret within its logical line.
    #[must_use]
    pub fn cursor_col(&self) -> usize {
        self.col_of(self.cursor)
    }

    fn col_of(&self, pos: usize) -> usize {
        let start = self.line_start(pos);
        self.text.get(start..pos).map_or(0, width)
    }

    fn offset_at_col(&self, line_start: usize, col: usize) -> usize {
        let end = self.line_end(line_start);
        let line = self.text.get(line_start..end).unwrap_or("");
        let mut used = 0;
        for (i, g) in line.grapheme_indices(true) {
            let w = width(g);
            if used + w > col {
                return line_start + i;
            }
            used += w;
        }
        end
    }

    fn line_start(&self, pos: usize) -> usize {
        self.text.get(..pos).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1)
    }

    fn line_end(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|s| s.find('\n'))
            .map_or(self.text.len(), |i| pos + i)
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text
            .get(..self.cursor)?
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        let rest = self.text.get(self.cursor..)?;
        rest.graphemes(true).next().map(|g| self.cursor + g.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_chinese_moves_caret_two_cells_per_character() {
        let mut b = TextBuffer::new(false, 50);
        for c in "张三".chars() {
            b.insert_char(c);
        }
        assert_eq!(b.text(), "张三");
        assert_eq!(b.cursor_col(), 4);
        b.left();
        assert_eq!(b.cursor_col(), 2);
        b.insert_char('a');
        assert_eq!(b.text(), "张a三");
        assert_eq!(b.cursor_col(), 3);
    }

    #[test]
    fn backspace_and_delete_remove_whole_graphemes() {
        let mut b = TextBuffer::with_text(false, 50, "张👨‍👩‍👧三");
        b.left();
        b.backspace();
        assert_eq!(b.text(), "张三");
        b.home();
        b.delete();
        assert_eq!(b.text(), "三");
    }

    #[test]
    fn single_line_turns_pasted_newlines_into_spaces() {
        let mut b = TextBuffer::new(false, 50);
        b.insert_str("城关镇\n张庄村");
        assert_eq!(b.text(), "城关镇 张庄村");
        b.insert_char('\n');
        assert_eq!(b.text(), "城关镇 张庄村 ");
    }

    #[test]
    fn paste_is_sanitized_and_capped() {
        let mut b = TextBuffer::new(true, 5);
        let out = b.insert_str("\u{1b}[2J一二三\u{1b}]0;x\u{7}四五六七");
        assert_eq!(out, Inserted::Truncated { kept: 5 });
        assert_eq!(b.text(), "一二三四五");
        assert_eq!(b.insert_char('八'), Inserted::Truncated { kept: 0 });
    }

    #[test]
    fn huge_paste_is_cut_not_lost_silently() {
        let mut b = TextBuffer::new(true, 4000);
        let big = "值班".repeat(500_000); // 1,000,000 characters, 3 MB
        assert_eq!(b.insert_str(&big), Inserted::Truncated { kept: 4000 });
        assert_eq!(b.text().chars().count(), 4000);
    }

    #[test]
    fn up_and_down_keep_display_column_across_mixed_width_lines() {
        let mut b = TextBuffer::with_text(true, 100, "张三来访\nabcdefgh");
        assert_eq!(b.cursor_col(), 8);
        assert!(b.up());
        assert_eq!(b.cursor_col(), 8);
        b.left(); // before 访: col 6
        assert!(b.down());
        assert_eq!(b.cursor_col(), 6);
        assert!(!b.down());
        assert!(b.up());
        assert!(!b.up());
    }

    #[test]
    fn home_end_and_kill_line_work_per_line() {
        let mut b = TextBuffer::with_text(true, 100, "第一行\n第二行");
        b.home();
        assert_eq!(b.cursor_col(), 0);
        b.end();
        b.delete_to_line_start();
        assert_eq!(b.text(), "第一行\n");
    }
}
