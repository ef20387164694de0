//! Every style in one place.

use ratatui::style::{Color, Modifier, Style};

pub const TAB_ACTIVE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Cyan)
    .add_modifier(Modifier::BOLD);
pub const TAB_INACTIVE: Style = Style::new().fg(Color::Gray);
pub const TAB_UNAVAILABLE: Style = Style::new().fg(Color::DarkGray);
pub const STATUS_ALERT: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Red)
    .add_modifier(Modifier::BOLD);
pub const STATUS_BAR: Style = Style::new().fg(Color::White).bg(Color::DarkGray);
pub const STATUS_OPERATOR: Style = Style::new()
    .fg(Color::Yellow)
    .bg(Color::DarkGray)
    .add_modifier(Modifier::BOLD);
pub const HINT_KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const HINT_TEXT: Style = Style::new().fg(Color::Gray);
pub const HEADER: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
pub const URGENT: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const ASK_LEADER: Style = Style::new().fg(Color::Yellow);
pub const DONE: Style = Style::new().fg(Color::DarkGray);
pub const LABEL: Style = Style::new().fg(Color::Gray);
pub const LABEL_FOCUSED: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const LABEL_REQUIRED: Style = Style::new().fg(Color::Red);
pub const PLACEHOLDER: Style = Style::new().fg(Color::DarkGray);
pub const ERROR: Style = Style::new().fg(Color::Red);
pub const NOTICE: Style = Style::new().fg(Color::Yellow);
/// A search match.
pub const HIGHLIGHT: Style = Style::new().fg(Color::Black).bg(Color::Yellow);
pub const OK: Style = Style::new().fg(Color::Green);
pub const CHOICE_SELECTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const BORDER: Style = Style::new().fg(Color::Gray);
pub const DIALOG: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
