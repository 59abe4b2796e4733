//! The documentation holds together: every relative link in the README, BENCHMARKS.md,
//! `fixtures/` and `docs/` leads to a file that exists (and, with a `#anchor`, to a heading
//! in it); the docs' screens are still the snapshots they were copied from; the README and
//! BENCHMARKS.md stay short; the repository stands alone; and the JSON Schema of
//! `report --json` (docs/reference/report.schema.json) is the shape `report --json` prints.
//!
//! Only std and serde_json: the link scan is a small scanner for `](target)` outside code,
//! and the schema is checked by a validator of just the keywords the schema uses.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The markdown files under `dir`, recursively, sorted.
fn markdown_under(dir: &Path) -> Vec<PathBuf> {
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
            } else if name.ends_with(".md") {
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

// --- Screens: `<!-- screen: NAME -->` then a fenced block, equal to the snapshot NAME.

const MARKER: &str = "<!-- screen: ";

/// Where a snapshot may be: `tests/snapshots/NAME.snap`, or in `tests/it/snapshots/`
/// with or without insta's `it__` prefix.
fn snapshot_path(name: &str) -> Result<PathBuf, String> {
    let candidates = [
        root().join("tests/snapshots").join(format!("{name}.snap")),
        root()
            .join("tests/it/snapshots")
            .join(format!("{name}.snap")),
        root()
            .join("tests/it/snapshots")
            .join(format!("it__{name}.snap")),
    ];
    candidates
        .iter()
        .find(|path| path.exists())
        .cloned()
        .ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            format!("no snapshot {name}; tried {}", tried.join(", "))
        })
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

/// Each screen of a document: the snapshot's name and the rows inside its fence.
fn screens(text: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix(MARKER) else {
            continue;
        };
        let name = rest.trim_end_matches("-->").trim().to_string();
        let open = (index + 1..lines.len())
            .find(|&i| lines[i].starts_with("```"))
            .ok_or_else(|| format!("no fenced block after the marker for {name}"))?;
        let close = (open + 1..lines.len())
            .find(|&i| lines[i].starts_with("```"))
            .ok_or_else(|| format!("the block for {name} is not closed"))?;
        let rows = lines[open + 1..close]
            .iter()
            .map(|row| row.trim_end().to_string())
            .collect();
        found.push((name, rows));
    }
    Ok(found)
}

#[test]
fn the_docs_screens_match_their_snapshots() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in markdown_under(&root().join("docs")) {
        let shown = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        let screens = match screens(&read(&file)) {
            Ok(screens) => screens,
            Err(problem) => {
                problems.push(format!("{shown}: {problem}"));
                continue;
            }
        };
        for (name, rows) in screens {
            checked += 1;
            match snapshot_path(&name) {
                Ok(path) if snapshot_rows(&path) == rows => {}
                Ok(path) => problems.push(format!(
                    "{shown}: the screen {name} differs from {}; copy the snapshot's rows \
                     into the page again",
                    path.display()
                )),
                Err(problem) => problems.push(format!("{shown}: {problem}")),
            }
        }
    }
    assert!(checked > 0, "no screen in docs/ was checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// --- The JSON Schema of `report --json`.

fn report_schema() -> Value {
    let path = root().join("docs/reference/report.schema.json");
    serde_json::from_str(&read(&path))
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn the_report_schema_is_json_and_requires_the_top_level_keys() {
    let schema = report_schema();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema declares draft 2020-12"
    );
    assert_eq!(schema["type"], "object");
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .expect("a required list")
        .iter()
        .map(|key| key.as_str().expect("required keys are strings"))
        .collect();
    for key in ["at", "window", "calls", "incidents", "lpas", "feed"] {
        assert!(required.contains(key), "the schema does not require {key}");
        assert!(
            schema["properties"].get(key).is_some(),
            "the schema does not describe {key}"
        );
    }
    assert_eq!(schema["additionalProperties"], false);
}

/// The keywords [`validate`] understands. A schema using any other fails the test rather
/// than being half-checked.
const KEYWORDS: [&str; 14] = [
    "$schema",
    "$defs",
    "$ref",
    "title",
    "description",
    "format",
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "minimum",
    "maximum",
    "minLength",
];

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        other => panic!("unknown type {other} in the schema"),
    }
}

/// Checks `value` against `schema` (a subschema of `root`), pushing each failure with the
/// JSON pointer of the value. `format` is an annotation only, as draft 2020-12 has it.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(keywords) = schema.as_object() else {
        panic!("a subschema at {at} is not an object: {schema}");
    };
    for key in keywords.keys() {
        assert!(
            KEYWORDS.contains(&key.as_str()),
            "keyword {key} is not checked by this test"
        );
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("only #/$defs/ references are checked: {reference}"));
        let target = &root["$defs"][name];
        assert!(!target.is_null(), "{reference} names no definition");
        validate(root, target, value, at, errors);
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => panic!("a type at {at} is neither a string nor a list"),
        };
        if !names.iter().any(|name| type_matches(name, value)) {
            errors.push(format!("{at}: {value} is not of type {types}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            errors.push(format!("{at}: {n} is below {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            errors.push(format!("{at}: {n} is above {max}"));
        }
    }
    if let (Some(text), Some(min)) = (
        value.as_str(),
        schema.get("minLength").and_then(Value::as_u64),
    ) && (text.chars().count() as u64) < min
    {
        errors.push(format!("{at}: {text:?} is shorter than {min}"));
    }
    let Some(object) = value.as_object() else {
        return;
    };
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for key in required.iter().filter_map(Value::as_str) {
            if !object.contains_key(key) {
                errors.push(format!("{at}: missing {key}"));
            }
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, item) in object {
        let here = format!("{at}/{key}");
        match (
            properties.and_then(|p| p.get(key)),
            schema.get("additionalProperties"),
        ) {
            (Some(subschema), _) => validate(root, subschema, item, &here, errors),
            (None, Some(Value::Bool(false))) => errors.push(format!("{here}: not allowed")),
            (None, Some(extra @ Value::Object(_))) => validate(root, extra, item, &here, errors),
            (None, _) => {}
        }
    }
}

fn schema_errors(value: &Value) -> Vec<String> {
    let schema = report_schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, value, "", &mut errors);
    errors
}

/// `forceboard report FIXTURE --json [--at AT]`, as the binary prints it.
fn report_json(fixture: &str, at: Option<&str>) -> Value {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"));
    command
        .current_dir(root())
        .args(["report", &format!("fixtures/{fixture}"), "--json"]);
    if let Some(at) = at {
        command.args(["--at", at]);
    }
    let output = command.output().expect("forceboard runs");
    assert!(
        output.status.success(),
        "report {fixture} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("report --json prints JSON")
}

#[test]
fn report_json_output_matches_its_schema() {
    let cases: [(&str, Option<&str>); 5] = [
        ("spec-example.ndjson", None),
        ("window-edges.ndjson", Some("2024-07-01T12:00:00Z")),
        // With the call handlers: staffing figures known, one line short (18:44), and
        // before any staffing event (every staffing figure null).
        ("staffing.ndjson", Some("2024-07-01T18:44:00Z")),
        ("staffing.ndjson", Some("2024-07-01T17:00:00Z")),
        ("demo-day.ndjson", None),
    ];
    for (fixture, at) in cases {
        let report = report_json(fixture, at);
        let errors = schema_errors(&report);
        assert!(
            errors.is_empty(),
            "report {fixture} --json (at {at:?}) does not match report.schema.json:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_catches_a_renamed_a_missing_and_a_misplaced_key() {
    let report = report_json("spec-example.ndjson", None);
    assert!(schema_errors(&report).is_empty());

    let mut renamed = report.clone();
    let calls = renamed["calls"]["999"].as_object_mut().expect("999");
    let mean = calls.remove("mean_answer_s").expect("a mean");
    calls.insert("mean_answer".to_string(), mean);
    assert_eq!(
        schema_errors(&renamed),
        [
            "/calls/999: missing mean_answer_s",
            "/calls/999/mean_answer: not allowed"
        ]
    );

    let mut missing = report.clone();
    missing["feed"]
        .as_object_mut()
        .expect("feed")
        .remove("after_at");
    assert_eq!(schema_errors(&missing), ["/feed: missing after_at"]);

    // Staffing is force-wide: an area's call line has none.
    let mut misplaced = report.clone();
    misplaced["lpas"]["BIR"]["calls"]["999"]["staffing"] =
        report["calls"]["999"]["staffing"].clone();
    assert_eq!(
        schema_errors(&misplaced),
        ["/lpas/BIR/calls/999/staffing: not allowed"]
    );

    let mut wrong_type = report.clone();
    wrong_type["calls"]["999"]["status"] = Value::from("yellow");
    wrong_type["feed"]["lines"] = Value::from(-1);
    wrong_type["calls"]["999"]["mean_answer_s"] = Value::from("8s");
    let errors = schema_errors(&wrong_type);
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn the_report_json_page_lists_every_key_of_the_schema() {
    // Every key the schema knows is named in report-json.md, so the page and the schema
    // cannot drift apart.
    let page = read(&root().join("docs/reference/report-json.md"));
    let schema = report_schema();
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for name in ["calls", "force_calls", "staffing", "incidents"] {
        for key in schema["$defs"][name]["properties"]
            .as_object()
            .expect("properties")
            .keys()
        {
            keys.insert(key.clone());
        }
    }
    let absent: Vec<&String> = keys
        .iter()
        .filter(|key| !page.contains(&format!("`{key}`")))
        .collect();
    assert!(absent.is_empty(), "report-json.md does not name {absent:?}");
}
