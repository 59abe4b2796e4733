//! The screens in README.md are copies of snapshot pictures (`tests/it/snapshots/*.snap`), so
//! a newcomer sees the board before building it. Each copy follows a marker
//! `<!-- screen: NAME -->` and must match `tests/it/snapshots/NAME.snap` line for line (trailing
//! spaces aside), so the README cannot drift from what the board draws.
//!
//! After a snapshot changes on purpose, refresh the README's copies with
//! `FORCEBOARD_UPDATE_README=1 cargo test --test it readme_screens`.

use std::fs;
use std::path::Path;

const MARKER: &str = "<!-- screen: ";
const FENCE: &str = "```";

/// The picture of a snapshot file: its rows, without the quotes insta's text backend puts
/// around each, trailing spaces trimmed.
fn snapshot_rows(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(format!("{name}.snap"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // A header between two `---` lines, then the picture.
    text.lines()
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

/// One screen in the README: the snapshot it copies and the lines of its fenced block.
struct Screen {
    name: String,
    /// Line indexes of the first and last row inside the fence.
    rows: std::ops::Range<usize>,
}

fn screens(lines: &[&str]) -> Vec<Screen> {
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix(MARKER) else {
            continue;
        };
        let name = rest.trim_end_matches("-->").trim().to_string();
        let open = (index + 1..lines.len())
            .find(|&i| lines[i].starts_with(FENCE))
            .unwrap_or_else(|| panic!("no fenced block after the marker for {name}"));
        let close = (open + 1..lines.len())
            .find(|&i| lines[i].starts_with(FENCE))
            .unwrap_or_else(|| panic!("the block for {name} is not closed"));
        found.push(Screen {
            name,
            rows: open + 1..close,
        });
    }
    found
}

#[test]
fn the_readme_screens_match_their_snapshots() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    let screens = screens(&lines);
    assert!(!screens.is_empty(), "README.md shows no screen");

    if std::env::var_os("FORCEBOARD_UPDATE_README").is_some() {
        let mut out: Vec<String> = Vec::new();
        let mut next = 0;
        for screen in &screens {
            out.extend(lines[next..screen.rows.start].iter().map(|l| l.to_string()));
            out.extend(snapshot_rows(&screen.name));
            next = screen.rows.end;
        }
        out.extend(lines[next..].iter().map(|l| l.to_string()));
        fs::write(&path, out.join("\n") + "\n").expect("README.md written");
        return;
    }

    for screen in &screens {
        let shown: Vec<String> = lines[screen.rows.clone()]
            .iter()
            .map(|l| l.trim_end().to_string())
            .collect();
        assert_eq!(
            shown,
            snapshot_rows(&screen.name),
            "README.md's screen {} differs from tests/it/snapshots/{}.snap; refresh it with \
             FORCEBOARD_UPDATE_README=1 cargo test --test it readme_screens",
            screen.name,
            screen.name
        );
    }
}

#[test]
fn a_snapshot_picture_is_read_without_its_header_and_quotes() {
    let rows = snapshot_rows("it__ui_snapshots__one_line_20x1");
    assert_eq!(rows, ["999 6.3s ✖"]);
}
