//! The documentation holds together: every relative link in the README, BENCHMARKS.md,
//! `fixtures/` and `docs/` leads to a file that exists (and, with a `#anchor`, to a heading
//! in it); every page is linked from the README and the docs' index; the README and
//! BENCHMARKS.md stay short; and the repository stands alone. (The screens are checked in
//! `screens`, the JSON Schema of `report --json` in `report_schema`.)
//!
//! The link scan is a small scanner for `](target)` outside code.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The markdown files under `dir`, recursively, sorted.
pub(crate) fn markdown_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    todo.push(path);
                }
            } else if path.extension().is_some_and(|extension| extension == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The files whose links are checked: README.md, BENCHMARKS.md, and every markdown file in
/// `fixtures/` and `docs/`.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("BENCHMARKS.md")];
    files.extend(markdown_under(&root().join("fixtures")));
    files.extend(markdown_under(&root().join("docs")));
    files
}

/// Is this line a fence (three or more backticks or tildes), and which?
fn fence(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    ["```", "~~~"]
        .into_iter()
        .find(|marker| trimmed.starts_with(marker))
}

/// The lines of `text` that are not inside a fenced code block, with their numbers (from 1).
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut open: Option<&str> = None;
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        match (open, fence(line)) {
            (None, Some(marker)) => open = Some(marker),
            (Some(marker), Some(this)) if this == marker => open = None,
            (None, None) => out.push((index + 1, line)),
            _ => {}
        }
    }
    out
}

/// `line` without its inline code spans (`` `…` ``), so that a `](x)` shown as code is not
/// taken for a link.
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// The targets of the inline links and images on one line: what follows `](` up to the
/// matching `)`, without a title.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code_spans(line);
    let mut targets = Vec::new();
    let mut rest = line.as_str();
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let Some(end) = end else {
            break;
        };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        let target = target.trim_start_matches('<').trim_end_matches('>');
        targets.push(target.to_string());
        rest = &after[end..];
    }
    targets
}

/// GitHub's anchor for a heading's text: lowercase; every character that is not a letter,
/// a digit, a space, `-` or `_` dropped; spaces made `-`. Link text keeps only its words.
fn slug(heading: &str) -> String {
    let mut text = String::new();
    let mut rest = heading;
    // `[words](target)` reads as `words`.
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](") else {
            break;
        };
        let Some(end) = rest[open + close..].find(')') else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..open + close]);
        rest = &rest[open + close + end + 1..];
    }
    text.push_str(rest);
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a markdown file's headings (outside code), with GitHub's `-1`, `-2`…
/// for repeats.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut found = BTreeSet::new();
    for (_, line) in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim().trim_end_matches('#'));
        let count = seen.entry(base.clone()).or_insert(0);
        let anchor = if *count == 0 {
            base.clone()
        } else {
            format!("{base}-{count}")
        };
        *count += 1;
        found.insert(anchor);
    }
    found
}

/// `base.join(relative)` with `.` and `..` taken out, without touching the disk.
fn normalise(base: &Path, relative: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every broken relative link of one document, as `file:line: target: why`.
fn broken_links(file: &Path) -> Vec<String> {
    let text = read(file);
    let dir = file.parent().expect("a document is in a directory");
    let shown = file
        .strip_prefix(root())
        .unwrap_or(file)
        .display()
        .to_string();
    let mut broken = Vec::new();
    for (number, line) in prose_lines(&text) {
        for target in link_targets(line) {
            let external = ["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| target.starts_with(scheme));
            if external || target.is_empty() {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if path.is_empty() {
                file.to_path_buf()
            } else {
                normalise(dir, path)
            };
            if !linked.starts_with(root()) {
                broken.push(format!(
                    "{shown}:{number}: {target}: outside the repository"
                ));
                continue;
            }
            if !linked.exists() {
                broken.push(format!("{shown}:{number}: {target}: no such file"));
                continue;
            }
            let Some(anchor) = anchor else {
                continue;
            };
            if linked.extension().is_some_and(|ext| ext == "md") {
                if !anchors(&read(&linked)).contains(anchor) {
                    broken.push(format!("{shown}:{number}: {target}: no heading #{anchor}"));
                }
            } else {
                broken.push(format!(
                    "{shown}:{number}: {target}: an anchor into a file that is not markdown"
                ));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_leads_to_a_file_and_heading_that_exist() {
    let files = documents();
    assert!(
        files.len() > 10,
        "expected the README, BENCHMARKS.md and the docs, found {files:?}"
    );
    let broken: Vec<String> = files.iter().flat_map(|file| broken_links(file)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_doc_page_is_linked_from_the_readme_and_the_docs_index() {
    let readme = read(&root().join("README.md"));
    let index = read(&root().join("docs/README.md"));
    let mut missing = Vec::new();
    for page in markdown_under(&root().join("docs")) {
        let relative = page.strip_prefix(root()).expect("under the root");
        let from_readme = relative.display().to_string();
        let from_index = page
            .strip_prefix(root().join("docs"))
            .expect("under docs")
            .display()
            .to_string();
        if from_readme != "docs/README.md" && !readme.contains(&format!("]({from_readme}")) {
            missing.push(format!("README.md does not link {from_readme}"));
        }
        if from_index != "README.md" && !index.contains(&format!("]({from_index}")) {
            missing.push(format!("docs/README.md does not link {from_index}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_link_scanner_reads_links_and_anchors_as_github_does() {
    assert_eq!(
        link_targets("see [a](x.md#y) and ![i](img.png \"t\") but not `[c](code.md)`"),
        ["x.md#y", "img.png"]
    );
    assert_eq!(
        link_targets("[fn](https://e.x/a_(b)) then [z](z.md)"),
        ["https://e.x/a_(b)", "z.md"]
    );
    assert_eq!(
        slug("`implausible.ndjson` — a database's null date"),
        "implausiblendjson--a-databases-null-date"
    );
    assert_eq!(
        slug("Call handlers and the forecast (schema v1.1)"),
        "call-handlers-and-the-forecast-schema-v11"
    );
    assert_eq!(slug("`report`'s width"), "reports-width");
    assert_eq!(slug("See [the feed](feed.md) here"), "see-the-feed-here");
    let text = "# A\n\n```\n# not a heading\n```\n## A\n### B_c-d\n";
    let found = anchors(text);
    assert_eq!(
        found,
        ["a", "a-1", "b_c-d"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}

#[test]
fn the_repository_stands_alone() {
    let mut files = markdown_under(root());
    files.sort();
    let mut named = Vec::new();
    for file in files {
        let text = read(&file);
        for word in ["../shared", "SPEC.md", "DESIGN.md"] {
            if text.contains(word) {
                named.push(format!("{} names {word}", file.display()));
            }
        }
    }
    assert!(named.is_empty(), "{}", named.join("\n"));
}

#[test]
fn the_readme_and_benchmarks_stay_short() {
    for (file, most) in [("README.md", 250), ("BENCHMARKS.md", 150)] {
        let lines = read(&root().join(file)).lines().count();
        assert!(
            lines <= most,
            "{file} has {lines} lines; at most {most}: move the rest into docs/"
        );
    }
}
