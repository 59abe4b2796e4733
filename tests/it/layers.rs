//! The module map at the top of `src/lib.rs` is a promise: each module imports only from
//! the modules listed below it, so the flow source → ingest → engine → app → render has no
//! loops. This test reads the map from lib.rs and every `crate::…` path in `src/`.

use std::fs;
use std::path::Path;

/// The modules in the map's order, top first, read from lib.rs's table.
fn layers() -> Vec<String> {
    let lib = fs::read_to_string("src/lib.rs").expect("src/lib.rs");
    lib.lines()
        .filter_map(|line| line.strip_prefix("//! | `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_string)
        .collect()
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The modules `text` names as `crate::module`.
fn crate_paths(text: &str) -> Vec<&str> {
    text.match_indices("crate::")
        .map(|(at, _)| {
            let rest = &text[at + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let layers = layers();
    assert!(layers.len() >= 10, "the map lists the modules: {layers:?}");
    let rank = |name: &str| layers.iter().position(|layer| layer == name);
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut against = Vec::new();
    for file in &files {
        let relative = file.strip_prefix("src").expect("under src");
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs"))
            .unwrap_or_default();
        let Some(own) = rank(module) else {
            continue; // the binary's files (main, cli, dashboard) and lib.rs itself
        };
        let text = fs::read_to_string(file).expect("a readable source file");
        for used in crate_paths(&text) {
            if let Some(used_rank) = rank(used)
                && used_rank < own
            {
                against.push(format!("{} uses crate::{used}", file.display()));
            }
        }
    }
    assert!(against.is_empty(), "imports against the flow: {against:#?}");
}

#[test]
fn the_check_sees_an_import_against_the_flow() {
    // The parser the test relies on: a path in a `use` line and one inline.
    let text = "use crate::engine::Engine;\nlet x = crate::ui::draw(frame);";
    assert_eq!(crate_paths(text), ["engine", "ui"]);
}
