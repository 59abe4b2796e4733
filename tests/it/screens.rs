//! The screens in README.md and docs/ are copies of snapshot pictures
//! (`tests/it/snapshots/*.snap`), so a newcomer sees the board before building it. Each
//! copy follows a marker `<!-- screen: NAME -->` and must match `tests/it/snapshots/NAME.snap`
//! line for line (trailing spaces aside), so no page can drift from what the board draws.
//!
//! After a snapshot changes on purpose, refresh the copies with
//! `FORCEBOARD_UPDATE_SCREENS=1 cargo test --test it screens`.

use std::fs;
use std::path::{Path, PathBuf};

use super::docs::{markdown_under, read, root};

const MARKER: &str = "<!-- screen: ";
const FENCE: &str = "```";

/// The pages that show screens: the README and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    pages.extend(markdown_under(&root().join("docs")));
    pages
}

fn snapshot_path(name: &str) -> PathBuf {
    root()
        .join("tests/it/snapshots")
        .join(format!("{name}.snap"))
}

/// The picture of a snapshot file: its rows after the header between two `---` lines,
/// without the quotes insta's text backend puts around each, trailing spaces trimmed.
fn snapshot_rows(path: &Path) -> Vec<String> {
    read(path)
        .lines()
        .skip_while(|line| *line != "---")
        .skip(1)
        .skip_while(|line| *line != "---")
        .skip(1)
        .map(|row| {
            let row = row.strip_prefix('"').unwrap_or(row);
            let row = row.strip_suffix('"').unwrap_or(row);
            row.trim_end().to_string()
        })
        .collect()
}

/// One screen on a page: the snapshot it copies and the lines of its fenced block.
struct Screen {
    name: String,
    /// Line indexes of the first and last row inside the fence.
    rows: std::ops::Range<usize>,
}

fn screens(lines: &[&str]) -> Result<Vec<Screen>, String> {
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix(MARKER) else {
            continue;
        };
        let name = rest.trim_end_matches("-->").trim().to_string();
        let open = (index + 1..lines.len())
            .find(|&i| lines[i].starts_with(FENCE))
            .ok_or_else(|| format!("no fenced block after the marker for {name}"))?;
        let close = (open + 1..lines.len())
            .find(|&i| lines[i].starts_with(FENCE))
            .ok_or_else(|| format!("the block for {name} is not closed"))?;
        found.push(Screen {
            name,
            rows: open + 1..close,
        });
    }
    Ok(found)
}

/// `page` with each screen's rows replaced by its snapshot's.
fn refreshed(lines: &[&str], screens: &[Screen]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut next = 0;
    for screen in screens {
        out.extend(
            lines[next..screen.rows.start]
                .iter()
                .map(ToString::to_string),
        );
        out.extend(snapshot_rows(&snapshot_path(&screen.name)));
        next = screen.rows.end;
    }
    out.extend(lines[next..].iter().map(ToString::to_string));
    out.join("\n") + "\n"
}

#[test]
fn the_screens_in_the_readme_and_docs_match_their_snapshots() {
    let update = std::env::var_os("FORCEBOARD_UPDATE_SCREENS").is_some();
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let shown = page
            .strip_prefix(root())
            .unwrap_or(&page)
            .display()
            .to_string();
        let text = read(&page);
        let lines: Vec<&str> = text.lines().collect();
        let screens = match screens(&lines) {
            Ok(screens) => screens,
            Err(problem) => {
                problems.push(format!("{shown}: {problem}"));
                continue;
            }
        };
        if update && !screens.is_empty() {
            fs::write(&page, refreshed(&lines, &screens)).expect("the page written");
            continue;
        }
        for screen in &screens {
            checked += 1;
            let path = snapshot_path(&screen.name);
            if !path.exists() {
                problems.push(format!("{shown}: no snapshot {}", path.display()));
                continue;
            }
            let rows: Vec<String> = lines[screen.rows.clone()]
                .iter()
                .map(|l| l.trim_end().to_string())
                .collect();
            if rows != snapshot_rows(&path) {
                problems.push(format!(
                    "{shown}: the screen {} differs from {}; refresh it with \
                     FORCEBOARD_UPDATE_SCREENS=1 cargo test --test it screens",
                    screen.name,
                    path.display()
                ));
            }
        }
    }
    assert!(
        update || checked >= 3,
        "only {checked} screens were checked"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_snapshot_picture_is_read_without_its_header_and_quotes() {
    let rows = snapshot_rows(&snapshot_path("it__ui_snapshots__one_line_20x1"));
    assert_eq!(rows, ["999 6.3s ✖"]);
}
