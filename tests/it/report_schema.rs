//! The JSON Schema of `report --json` (docs/reference/report.schema.json) is the shape
//! `report --json` prints: the real binary's output on several fixtures is checked against
//! it, and the reference page names every key it declares.
//!
//! The validator knows just the keywords the schema uses, and refuses any other, so a
//! schema that grows a keyword it cannot check fails here rather than passing unchecked.

use std::collections::BTreeSet;

use serde_json::Value;

use super::docs::{read, root};

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

/// `forceboard report FILE --json --at AT` on a feed written to a scratch file.
fn report_json_of_feed(name: &str, feed: &str, at: &str) -> Value {
    let path =
        std::env::temp_dir().join(format!("forceboard-{}-{name}.ndjson", std::process::id()));
    std::fs::write(&path, feed).expect("scratch feed written");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["report", "--json", "--at", at])
        .arg(&path)
        .output()
        .expect("forceboard runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "report {name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("report --json prints JSON")
}

#[test]
fn past_the_models_limit_needed_is_null_and_needed_more_than_says_the_limit() {
    use super::ui_staffing::{handle_zero_feed, past_model_feed};
    // 9,992 erlangs, 10,000 on duty, a 90 % goal: no team of up to 10,000 meets it.
    let report = report_json_of_feed("past-model", &past_model_feed(), "2024-07-01T11:10:00Z");
    let errors = schema_errors(&report);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let staffing = &report["calls"]["999"]["staffing"];
    assert_eq!(staffing["needed"], Value::Null);
    assert_eq!(staffing["needed_more_than"], Value::from(10_000));
    assert_eq!(staffing["arrivals_per_h"], Value::from(9_992));
    assert_eq!(
        report["calls"]["101"]["staffing"]["needed_more_than"],
        Value::Null
    );
    // A handle time of 0 s: no model, so neither.
    let report = report_json_of_feed("handle-zero", &handle_zero_feed(), "2024-07-01T11:05:00Z");
    let staffing = &report["calls"]["999"]["staffing"];
    assert_eq!(staffing["handle_s_mean"], Value::from(0.0));
    assert_eq!(staffing["needed"], Value::Null);
    assert_eq!(staffing["needed_more_than"], Value::Null);
}
