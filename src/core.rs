//! The pure core: domain types, rules and state transitions. Nothing under here touches the
//! terminal, the disk or the clock; time arrives as an argument.

pub mod app;
pub mod form;
pub mod keymap;
pub mod log;
pub mod log_screen;
pub mod settings;
pub mod text;
pub mod text_buffer;
pub mod validate;
