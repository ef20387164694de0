//! No import circles in the core (issue 12): domain rules sit below screen state, shared helpers
//! below their users, so every dependency between `src/core` modules points one way.
//!
//! The test reads the sources (no compiler help): for each module under `src/core` it collects the
//! other core modules it names — `super::name`, `crate::core::name`, and each item of a
//! `use super::{a, b::C}` group — outside comments, string literals and the `#[cfg(test)] mod tests`
//! part (a test may use anything). A file under `src/core/<m>/` counts as module `<m>`. Then it looks
//! for a circle and prints each one it finds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Edges still present that work in progress removes; they are left out of the circle check.
/// Delete each line when its edge disappears: the test fails on a line whose edge no longer exists,
/// so the list cannot outlive the work.
const ALLOWED: &[(&str, &str)] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source with comments blanked and string and character literals emptied, so only code
/// remains (lines kept).
fn code_only(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !prev_is_ident(&chars, i) {
            // Raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while j < chars.len() && !chars[j..].starts_with(&close) {
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + close.len();
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{…}'
            let end = chars[i + 2..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(chars.len(), |p| i + 2 + p);
            out.push_str("' '");
            i = end + 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The file without its unit tests: cut at a `#[cfg(test)]` line followed by `mod tests`.
fn without_tests(src: &str) -> String {
    let lines: Vec<&str> = src.lines().collect();
    let cut = (0..lines.len()).find(|&n| {
        lines[n].trim() == "#[cfg(test)]"
            && lines[n + 1..]
                .iter()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim_start().starts_with("mod tests"))
    });
    lines[..cut.unwrap_or(lines.len())].join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier `s` starts with (after spaces).
fn ident_at(s: &str) -> String {
    s.trim_start().chars().take_while(|&c| is_ident(c)).collect()
}

/// The first path segment of each item of the `{…}` group `s` starts with.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut head: Option<String> = None;
    let mut item_start = false;
    for c in s.chars() {
        if let Some(h) = head.as_mut() {
            if is_ident(c) {
                h.push(c);
                continue;
            }
            heads.extend(head.take());
        }
        match c {
            '{' => {
                depth += 1;
                item_start = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if depth == 1 && item_start && !c.is_whitespace() => {
                item_start = false;
                head = Some(c.to_string());
            }
            _ => {}
        }
    }
    heads
}

/// The core modules named by `code` in a file `depth` levels below `src/core` (1 for
/// `src/core/x.rs`, 2 for `src/core/x/y.rs`).
fn references(code: &str, depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut names = |rest: &str| {
        if rest.trim_start().starts_with('{') {
            found.extend(group_heads(rest.trim_start()));
        } else {
            found.insert(ident_at(rest));
        }
    };
    for rest in code.split("crate::core::").skip(1) {
        names(rest);
    }
    // `super::super::x` splits into an empty piece then "x…".
    let pieces: Vec<&str> = code.split("super::").collect();
    let mut supers = 0;
    let mut standalone = false;
    for (n, piece) in pieces.iter().enumerate().skip(1) {
        if supers == 0 {
            standalone = !pieces[n - 1].ends_with(is_ident);
        }
        supers += 1;
        if piece.is_empty() {
            continue;
        }
        if standalone && supers == depth {
            names(piece);
        }
        supers = 0;
    }
    found
}

/// Module name and source of every file under `src/core`.
fn core_files() -> Vec<(String, usize, String)> {
    fn walk(dir: &Path, module: Option<&str>, depth: usize, out: &mut Vec<(String, usize, String)>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                walk(&path, Some(module.unwrap_or(&stem)), depth + 1, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = module.unwrap_or(&stem).to_string();
                out.push((name, depth, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"),
        None,
        1,
        &mut out,
    );
    out
}

fn graph() -> Graph {
    let files = core_files();
    let modules: BTreeSet<String> = files.iter().map(|(m, _, _)| m.clone()).collect();
    let mut g = Graph::new();
    for (module, depth, src) in &files {
        let refs = references(&code_only(&without_tests(src)), *depth);
        let edges = g.entry(module.clone()).or_default();
        edges.extend(refs.into_iter().filter(|r| modules.contains(r) && r != module));
    }
    g
}

/// Every circle, each once, as "a → b → a" starting from its smallest module. (Every path is
/// walked: a few dozen modules make that instant.)
fn circles(g: &Graph) -> Vec<String> {
    fn visit(g: &Graph, node: &str, path: &mut Vec<String>, found: &mut BTreeSet<Vec<String>>) {
        if let Some(pos) = path.iter().position(|p| p == node) {
            let mut circle = path[pos..].to_vec();
            let min = circle.iter().enumerate().min_by_key(|(_, m)| m.as_str()).unwrap().0;
            circle.rotate_left(min);
            found.insert(circle);
            return;
        }
        path.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            visit(g, next, path, found);
        }
        path.pop();
    }
    let mut found = BTreeSet::new();
    for node in g.keys() {
        visit(g, node, &mut Vec::new(), &mut found);
    }
    found
        .into_iter()
        .map(|mut c| {
            c.push(c[0].clone());
            c.join(" → ")
        })
        .collect()
}

#[test]
fn core_modules_import_one_way() {
    let mut g = graph();
    let mut stale = Vec::new();
    for &(from, to) in ALLOWED {
        if !g.get_mut(from).is_some_and(|edges| edges.remove(to)) {
            stale.push(format!("{from} → {to}"));
        }
    }
    assert!(
        stale.is_empty(),
        "these allowed edges no longer exist: delete them from ALLOWED in tests/layering.rs: {}",
        stale.join(", ")
    );
    let found = circles(&g);
    assert!(
        found.is_empty(),
        "{}",
        found
            .iter()
            .map(|c| format!("core import circle: {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn references_are_read_from_code_only() {
    let src = r##"//! See [`crate::core::report`].
use super::{escalation::{self, Rung}, text, urgent::Event};
use crate::core::visit::{Visit, IdType};
pub use super::people::Person;
fn f() -> String {
    let s = "super::export"; /* super::handover */ let c = '"';
    let t = r#"crate::core::log"#;
    format!("{}", super::validate::format_minute(x))
}
#[cfg(test)]
mod tests {
    use crate::core::app;
}
"##;
    let refs = references(&code_only(&without_tests(src)), 1);
    let want: BTreeSet<String> = ["escalation", "text", "urgent", "visit", "people", "validate"]
        .map(String::from)
        .into();
    assert_eq!(refs, want);
    // In a file under src/core/app/, `super::` is `app`; `super::super::` is the core.
    let nested = "use super::{App, Effect};\nuse super::super::search::DocKind;\nuse crate::core::keymap::Action;";
    let want: BTreeSet<String> = ["search", "keymap"].map(String::from).into();
    assert_eq!(references(&code_only(nested), 2), want);
}

#[test]
fn a_circle_is_found_and_named() {
    let mut g = Graph::new();
    g.entry("settings".into()).or_default().insert("urgent".into());
    g.entry("urgent".into()).or_default().insert("settings".into());
    g.entry("visit".into()).or_default().insert("idcard".into());
    assert_eq!(circles(&g), ["settings → urgent → settings"]);
}
