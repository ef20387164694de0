//! The README documents the keys; this keeps it true to the keymap registry.

use zhiban::core::keymap::{self, Mode};

#[test]
fn readme_lists_every_key_binding_with_its_description() {
    let readme = include_str!("../README.md");
    for mode in [
        Mode::Picker,
        Mode::List,
        Mode::Detail,
        Mode::Urgent,
        Mode::Form,
        Mode::Confirm,
        Mode::Help,
        Mode::Placeholder,
        Mode::Global,
    ] {
        for b in keymap::BINDINGS.iter().filter(|b| b.mode == mode) {
            let row = format!("| `{}` | {} |", keymap::keys_label(b), b.action.describe());
            assert!(readme.contains(&row), "README.md lacks the row {row} ({mode:?})");
        }
    }
}
