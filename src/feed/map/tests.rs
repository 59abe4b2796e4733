//! The map mechanism on small hand-written maps and records.

use std::sync::Arc;

use chrono_tz::Europe::London;

use super::{InputMap, MapReader, Mapped};
use crate::feed::lines::Line;
use crate::feed::wire::schema_line;
use crate::model::Reject;
use crate::time::format_utc;

/// A local ACD's call record, read with UK local times and a queue table.
const ACD_MAP: &str = r#"
description = "A local ACD"
time = "uk"

[tables.line]
"EMERG" = "999"
"NONEMERG" = "101"

[tables.area]
"North" = "BIR"
"*" = "SOL"

[[events]]
kind = "call_offered"
at = "queued"
id = "ref"
line = { field = "queue", table = "line" }
lpa = { field = "district", table = "area" }

[[events]]
kind = "call_answered"
when = { present = ["answered"] }
at = "answered"
id = "ref"
offered_at = "queued"
line = { field = "queue", table = "line" }

[[events]]
kind = "call_abandoned"
when = { absent = ["answered"], equals = { outcome = ["ABANDON", "HUNGUP"] } }
at = "ended"
id = "ref"
offered_at = "queued"

[[events]]
kind = "staffing"
when = { present = ["staff.on"] }
at = { field = "ended" }
line = { field = "queue", table = "line" }
on_duty = "staff.on"
available = "staff.free"
"#;

fn map(text: &str) -> Arc<InputMap> {
    Arc::new(InputMap::parse("test", text, London).expect("map reads"))
}

/// What a record became, as feed lines (or the refusal's words).
fn lines_of(reader: &mut MapReader, record: &str) -> Result<Vec<String>, String> {
    match reader.read(Line::Text(record.as_bytes())) {
        Mapped::Events(events) => Ok(events
            .iter()
            .map(|event| schema_line(event, None, format_utc))
            .collect()),
        Mapped::Rejected(reason) => Err(reason.to_string()),
        Mapped::Duplicate => Err("duplicate".into()),
        Mapped::Blank => Err("blank".into()),
    }
}

#[test]
fn one_record_makes_each_event_whose_conditions_hold_in_the_maps_order() {
    let mut reader = MapReader::new(map(ACD_MAP));
    // 1 July: BST, so 13:00:00 local is 12:00:00Z.
    let answered = r#"{"ref":"A1","queue":"EMERG","district":"North","queued":"01/07/2024 13:00:00",
        "answered":"01/07/2024 13:00:07","ended":"01/07/2024 13:03:00","caller":"+447700900123"}"#;
    assert_eq!(
        lines_of(&mut reader, &answered.replace('\n', "")),
        Ok(vec![
            r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"A1","line":"999","lpa":"BIR"}"#.to_string(),
            r#"{"kind":"call_answered","at":"2024-07-01T12:00:07Z","id":"A1","line":"999","offered_at":"2024-07-01T12:00:00Z"}"#.to_string(),
        ])
    );
    let abandoned = r#"{"ref":"A2","queue":"NONEMERG","district":"Elsewhere","queued":"01/07/2024 13:10:00","ended":"01/07/2024 13:12:30","outcome":"HUNGUP"}"#;
    assert_eq!(
        lines_of(&mut reader, abandoned),
        Ok(vec![
            r#"{"kind":"call_offered","at":"2024-07-01T12:10:00Z","id":"A2","line":"101","lpa":"SOL"}"#.to_string(),
            r#"{"kind":"call_abandoned","at":"2024-07-01T12:12:30Z","id":"A2","offered_at":"2024-07-01T12:10:00Z"}"#.to_string(),
        ])
    );
    // Neither answered nor an abandon outcome: only its offer.
    let open = r#"{"ref":"A3","queue":"EMERG","queued":"01/07/2024 13:20:00","outcome":"QUEUED"}"#;
    assert_eq!(lines_of(&mut reader, open).map(|lines| lines.len()), Ok(1));
    let staffing = r#"{"ref":"S","queue":"EMERG","queued":"01/07/2024 13:30:00","ended":"01/07/2024 13:30:00","staff":{"on":12,"free":"3"}}"#;
    assert_eq!(
        lines_of(&mut reader, staffing).map(|lines| lines[1].clone()),
        Ok(r#"{"kind":"staffing","at":"2024-07-01T12:30:00Z","line":"999","on_duty":12,"available":3}"#.to_string())
    );
}

#[test]
fn a_record_that_cannot_make_valid_events_is_refused_naming_fields_never_values() {
    let mut reader = MapReader::new(map(ACD_MAP));
    let cases = [
        (
            r#"{"queue":"EMERG","queued":"01/07/2024 13:00:00"}"#,
            r#"map: no "ref" for "id""#,
        ),
        (
            r#"{"ref":"B1","queue":"SWITCHBOARD","queued":"01/07/2024 13:00:00"}"#,
            r#"map: "queue" has a value not in table "line""#,
        ),
        (
            r#"{"ref":"B2","queue":"EMERG","queued":"2024-07-01T13:00:00Z"}"#,
            r#"map: "queued" is not a time in format "uk""#,
        ),
        (
            r#"{"ref":"B3","queue":"EMERG","queued":"27/10/2024 01:30:00"}"#,
            r#"map: "queued" is a local time the clock change makes ambiguous or skips"#,
        ),
        (
            r#"{"ref":{"deep":"B4"},"queue":"EMERG","queued":"01/07/2024 13:00:00"}"#,
            r#"map: "ref" for "id" is not text or a number"#,
        ),
        (
            r#"{"ref":"B5","queue":"EMERG","queued":"01/07/2024 13:00:00","ended":"01/07/2024 13:00:00","staff":{"on":2,"free":3}}"#,
            r#"map: the table gives "available" a value the schema does not take"#,
        ),
        (
            r#"{"ref":"B6","queue":"EMERG","queued":"01/07/2024 13:00:00","ended":"01/07/2024 13:00:00","staff":{"on":-1}}"#,
            r#"map: "staff.on" is not a whole number from 0 to 10000"#,
        ),
        ("[1,2]", "not a JSON object"),
        (r#"{"ref":"#, "not valid JSON"),
    ];
    for (record, reason) in cases {
        assert_eq!(
            lines_of(&mut reader, record),
            Err(reason.to_string()),
            "{record}"
        );
    }
    assert_eq!(reader.read(Line::Text(b"  ")), Mapped::Blank);
    assert_eq!(
        reader.read(Line::TooLong),
        Mapped::Rejected(Reject::TooLong)
    );
}

#[test]
fn at_least_once_delivery_keeps_the_newest_update_of_each_key() {
    let text = format!(
        "{ACD_MAP}\n[dedupe]\nkey = \"ref\"\nversion = {{ field = \"updated\", time = \"rfc3339\" }}\n"
    );
    let mut reader = MapReader::new(map(&text));
    let record = |updated: &str| {
        format!(
            r#"{{"ref":"C1","queue":"EMERG","queued":"01/07/2024 13:00:00","updated":"{updated}"}}"#
        )
    };
    assert_eq!(
        lines_of(&mut reader, &record("2024-07-01T12:05:00Z")).map(|l| l.len()),
        Ok(1)
    );
    assert_eq!(
        lines_of(&mut reader, &record("2024-07-01T12:05:00Z")),
        Err("duplicate".into())
    );
    assert_eq!(
        lines_of(&mut reader, &record("2024-07-01T12:04:00Z")),
        Err("duplicate".into())
    );
    assert_eq!(
        lines_of(&mut reader, &record("2024-07-01T12:06:00Z")).map(|l| l.len()),
        Ok(1)
    );
    // A refused record leaves nothing behind: once mended, it is news.
    let broken = r#"{"ref":"C2","queue":"SWITCHBOARD","queued":"01/07/2024 13:00:00","updated":"2024-07-01T12:05:00Z"}"#;
    assert!(lines_of(&mut reader, broken).is_err());
    let mended = broken.replace("SWITCHBOARD", "EMERG");
    assert_eq!(lines_of(&mut reader, &mended).map(|l| l.len()), Ok(1));
}

#[test]
fn snapshots_make_each_kind_once_per_key_so_a_later_snapshot_adds_only_what_changed() {
    let text = r#"
snapshot = "incident"
[tables.grade]
"1" = "emergency"
[[events]]
kind = "incident_created"
at = "created"
id = "incident"
grade = { field = "priority", table = "grade" }
[[events]]
kind = "incident_arrived"
when = { present = ["on_scene"] }
at = "on_scene"
id = "incident"
"#;
    let mut reader = MapReader::new(map(text));
    let first = r#"{"incident":"I1","priority":"1","created":"2024-07-01T12:00:00Z"}"#;
    let second = r#"{"incident":"I1","priority":"1","created":"2024-07-01T12:00:00Z","on_scene":"2024-07-01T12:09:00Z"}"#;
    assert_eq!(lines_of(&mut reader, first).map(|l| l.len()), Ok(1));
    assert_eq!(
        lines_of(&mut reader, second),
        Ok(vec![
            r#"{"kind":"incident_arrived","at":"2024-07-01T12:09:00Z","id":"I1"}"#.to_string()
        ])
    );
    assert_eq!(lines_of(&mut reader, second), Ok(vec![]));
}

#[test]
fn a_broken_map_file_is_one_sentence_naming_its_line() {
    let error = |text: &str| {
        InputMap::parse("m", text, London)
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    let rule = "[[events]]\nkind = \"call_offered\"\nat = \"t\"\nid = \"i\"\n";
    assert_eq!(
        error(&format!("{rule}line = \"q\"\ngrade = \"g\"\n")),
        "line 1: call_offered has no field \"grade\""
    );
    assert_eq!(error(rule), "line 1: call_offered needs \"line\"");
    assert_eq!(
        error(&format!(
            "\n\n{rule}line = {{ field = \"q\", table = \"queues\" }}\n"
        )),
        "line 3: no table \"queues\": add [tables.queues]"
    );
    assert_eq!(
        error("[[events]]\nkind = \"call_made\"\nat = \"t\"\n"),
        "line 1: \"call_made\" is not an event kind of the feed"
    );
    assert_eq!(
        error("time = \"julian\"\n"),
        "line 1: \"julian\" is not a time format (rfc3339, epoch_s, epoch_ms, uk, or a strftime pattern with %)"
    );
    assert_eq!(
        error("zone = \"Mars/Olympus\"\n"),
        "line 1: \"Mars/Olympus\" is not an IANA time zone (e.g. \"Europe/London\")"
    );
    assert!(error("\ncolour = 3\n").starts_with("line 2: unknown field `colour`"));
    assert!(error("x = [\n").starts_with("line "));
    assert_eq!(
        error(""),
        "the map makes no events: give at least one [[events]] (or a [tally], or jq)"
    );
    assert_eq!(
        error("base = \"acme-acd\"\n"),
        "line 1: \"base\" names no built-in map (acme-acd): see forceboard map list"
    );
}

#[test]
fn a_map_file_based_on_a_built_in_gives_its_own_tables() {
    let text =
        "base = \"amazon-connect-ctr\"\n[tables.line]\n\"Force Control Room 999\" = \"999\"\n";
    let mut reader = MapReader::new(map(text));
    let record = r#"{"ContactId":"X","Channel":"VOICE","InitiationMethod":"INBOUND","LastUpdateTimestamp":"2024-07-01T12:01:00Z","DisconnectTimestamp":"2024-07-01T12:00:40Z","Queue":{"Name":"Force Control Room 999","EnqueueTimestamp":"2024-07-01T12:00:00Z"}}"#;
    assert_eq!(
        lines_of(&mut reader, record),
        Ok(vec![
            r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"X","line":"999"}"#.to_string(),
            r#"{"kind":"call_abandoned","at":"2024-07-01T12:00:40Z","id":"X","line":"999","offered_at":"2024-07-01T12:00:00Z"}"#.to_string(),
        ])
    );
    // The built-in's own queue names are replaced, not kept.
    let built_in_name = record
        .replace("Force Control Room 999", "Emergency 999")
        .replace("\"X\"", "\"Y\"");
    assert_eq!(
        lines_of(&mut reader, &built_in_name),
        Err(r#"map: "Queue.Name" has a value not in table "line""#.to_string())
    );
}

#[test]
fn a_jq_program_makes_feed_events_checked_as_feed_lines() {
    let text = r#"
jq = '''
if .Channel == "VOICE" then
  {kind: "call_offered", at: .Queue.EnqueueTimestamp, id: .ContactId,
   line: (if .Queue.Name == "Emergency 999" then "999" else "101" end)},
  (if .Agent then {kind: "call_answered", at: .Agent.ConnectedToAgentTimestamp, id: .ContactId}
   else empty end)
elif .Channel == "CLOCK" then {kind: "heartbeat", at: (.t | todate)}
elif .Channel == "BROKEN" then {kind: "call_offered", at: "2024-07-01T12:00:00Z"}
elif .Channel == "FAIL" then error("no")
else null end
'''
"#;
    let mut reader = MapReader::new(map(text));
    let answered = r#"{"Channel":"VOICE","ContactId":"J1","Queue":{"Name":"Emergency 999","EnqueueTimestamp":"2024-07-01T12:00:00Z"},"Agent":{"ConnectedToAgentTimestamp":"2024-07-01T12:00:06Z"},"CustomerEndpoint":{"Address":"+447700900123"}}"#;
    assert_eq!(
        lines_of(&mut reader, answered),
        Ok(vec![
            r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"J1","line":"999"}"#
                .to_string(),
            r#"{"kind":"call_answered","at":"2024-07-01T12:00:06Z","id":"J1"}"#.to_string(),
        ])
    );
    // 1,719,835,205 s after the epoch is 2024-07-01T12:00:05Z.
    assert_eq!(
        lines_of(&mut reader, r#"{"Channel":"CLOCK","t":1719835205}"#),
        Ok(vec![
            r#"{"kind":"heartbeat","at":"2024-07-01T12:00:05Z"}"#.to_string()
        ])
    );
    assert_eq!(lines_of(&mut reader, r#"{"Channel":"CHAT"}"#), Ok(vec![]));
    assert_eq!(
        lines_of(&mut reader, r#"{"Channel":"BROKEN"}"#),
        Err(r#"map: the jq program made a line the feed refuses: missing "id""#.to_string())
    );
    assert_eq!(
        lines_of(&mut reader, r#"{"Channel":"FAIL"}"#),
        Err("map: the jq program failed on the record".to_string())
    );
    let endless = map("jq = 'repeat({kind: \"heartbeat\", at: \"2024-07-01T12:00:00Z\"})'");
    assert_eq!(
        lines_of(&mut MapReader::new(endless), "{}"),
        Err("map: the jq program made more than 64 events of one record".to_string())
    );
}

#[test]
fn a_jq_program_that_does_not_compile_is_refused_naming_its_line() {
    let error = |text: &str| {
        InputMap::parse("m", text, London)
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        error("\njq = '.a |'\n"),
        "line 2: the jq program does not parse"
    );
    assert_eq!(
        error("jq = 'no_such_filter(1)'\n"),
        "line 1: the jq program names a filter or variable jq does not have"
    );
}

/// Handlers by a profile's line, Offline not on duty (the shape of `amazon-connect-agents`).
const TALLY_MAP: &str = r#"
[tables.line]
"E" = "999"
"N" = "101"

[tally]
key = "agent"
at = "at"
line = { field = "profile", table = "line" }
on_duty = { not_equals = { status = "Offline" } }
available = { equals = { status = "Available" } }
"#;

#[test]
fn a_tally_makes_a_lines_staffing_only_when_its_counts_change_or_it_is_first_seen() {
    let mut reader = MapReader::new(map(TALLY_MAP));
    let mut record = |agent: &str, at: &str, profile: &str, status: &str| {
        let record = format!(
            r#"{{"agent":"{agent}","at":"2024-07-01T{at}Z","profile":"{profile}","status":"{status}"}}"#
        );
        lines_of(&mut reader, &record)
    };
    assert_eq!(
        record("a1", "12:00:00", "E", "Available"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T12:00:00Z","line":"999","on_duty":1,"available":1}"#.to_string()
        ])
    );
    // A new handler, off duty on a line already sent: 999 is still 1 and 1, so nothing (an
    // unchanged snapshot at 12:50 would keep 999's staffing fresh until 13:50).
    assert_eq!(record("a2", "12:50:00", "E", "Offline"), Ok(vec![]));
    // Moved off duty to 101, never sent: 101 is made for the first time; 999 is unchanged.
    assert_eq!(
        record("a2", "12:55:00", "N", "Offline"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T12:55:00Z","line":"101","on_duty":0,"available":0}"#.to_string()
        ])
    );
    // Moved back, still off duty: neither line's counts change.
    assert_eq!(record("a2", "12:56:00", "E", "Offline"), Ok(vec![]));
    // On duty on 101: only 101 changes (a2 counted nowhere on 999).
    assert_eq!(
        record("a2", "13:00:00", "N", "Lunch"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T13:00:00Z","line":"101","on_duty":1,"available":0}"#.to_string()
        ])
    );
    // Available on 999: both lines change, the handler's line first.
    assert_eq!(
        record("a2", "13:01:00", "E", "Available"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T13:01:00Z","line":"999","on_duty":2,"available":2}"#.to_string(),
            r#"{"kind":"staffing","at":"2024-07-01T13:01:00Z","line":"101","on_duty":0,"available":0}"#.to_string(),
        ])
    );
    // Off duty on 999: only 999 changes.
    assert_eq!(
        record("a2", "13:02:00", "E", "Offline"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T13:02:00Z","line":"999","on_duty":1,"available":1}"#.to_string()
        ])
    );
    // Back on duty on 101: only 101 changes.
    assert_eq!(
        record("a2", "13:03:00", "N", "Available"),
        Ok(vec![
            r#"{"kind":"staffing","at":"2024-07-01T13:03:00Z","line":"101","on_duty":1,"available":1}"#.to_string()
        ])
    );
}
