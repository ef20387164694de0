//! The README documents the keys; this keeps it true to the keymap registry.

use zhiban::core::keymap;

#[test]
fn readme_lists_every_key_binding_with_its_description() {
    let readme = include_str!("../README.md");
    // Every mode, so a new screen cannot ship undocumented.
    for b in keymap::BINDINGS {
        let row = format!("| `{}` | {} |", keymap::keys_label(b), b.action.describe());
        assert!(readme.contains(&row), "README.md lacks the row {row} ({:?})", b.mode);
    }
}
