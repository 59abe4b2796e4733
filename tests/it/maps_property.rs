//! The adapters against the native feed, on random feeds: random valid calls, incidents and
//! handler snapshots are written twice — as forceboard feed lines, and by a helper here in
//! each adapter's foreign form (Amazon Connect contact records and contact events, Genesys
//! Cloud notifications, NENA EIDO snapshots), some records delivered twice — and the
//! foreign form read back through the adapter gives exactly the native feed's figures.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use forceboard::config::{Config, Window};
use forceboard::feed::lines::Line;
use forceboard::feed::map::{InputMap, MapReader, Mapped};
use forceboard::feed::wire::schema_line;
use forceboard::report::{Report, compute};
use forceboard::time::{Span, format_utc};

/// 2024-07-01T12:00:00Z in seconds.
const BASE: i64 = 1_719_835_200;

pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CallEnd {
    /// Answered after the wait, the handler free again after a further span (after-contact
    /// work ending then when the flag says so).
    Answered {
        wait: i64,
        talk: i64,
        work: bool,
    },
    Abandoned {
        wait: i64,
    },
    /// Still queued at the end of the feed.
    Open,
}

#[derive(Debug, Clone)]
struct Call {
    offered: i64,
    emergency: bool,
    lpa: Option<&'static str>,
    end: CallEnd,
    /// Delivered twice.
    again: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum IncidentEnd {
    Arrived { after: i64, closed_later: bool },
    Cancelled { after: i64 },
    Open,
}

#[derive(Debug, Clone)]
struct Incident {
    created: i64,
    grade: usize,
    lpa: &'static str,
    end: IncidentEnd,
    again: bool,
}

#[derive(Debug, Clone)]
struct Observation {
    at: i64,
    emergency: bool,
    on_duty: u32,
    idle: u32,
}

fn lpa() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("BIR")),
        Just(Some("COV")),
        Just(Some("XYZ"))
    ]
}

fn call() -> impl Strategy<Value = Call> {
    let end =
        prop_oneof![
            (1..300_i64, 1..400_i64, any::<bool>())
                .prop_map(|(wait, talk, work)| CallEnd::Answered { wait, talk, work }),
            (1..300_i64).prop_map(|wait| CallEnd::Abandoned { wait }),
            Just(CallEnd::Open),
        ];
    (
        0..7_200_i64,
        any::<bool>(),
        lpa(),
        end,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(offered, emergency, lpa, end, again)| Call {
            offered,
            emergency,
            lpa,
            end,
            again,
        })
}

fn incident() -> impl Strategy<Value = Incident> {
    let end = prop_oneof![
        (60..3_000_i64, any::<bool>()).prop_map(|(after, closed_later)| IncidentEnd::Arrived {
            after,
            closed_later
        }),
        (60..3_000_i64).prop_map(|after| IncidentEnd::Cancelled { after }),
        Just(IncidentEnd::Open),
    ];
    let area = prop_oneof![Just("BIR"), Just("COV"), Just("WAL")];
    (
        0..7_200_i64,
        0..3_usize,
        area,
        end,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(created, grade, lpa, end, again)| Incident {
            created,
            grade,
            lpa,
            end,
            again,
        })
}

fn observation() -> impl Strategy<Value = Observation> {
    (0..7_200_i64, any::<bool>(), 0..40_u32, 0..40_u32).prop_map(|(at, emergency, a, b)| {
        Observation {
            at,
            emergency,
            on_duty: a.max(b),
            idle: a.min(b),
        }
    })
}

/// Lines in time order (ties in the order written).
fn in_time_order(mut lines: Vec<(i64, String)>) -> String {
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, line)| line + "\n").collect()
}

fn native_line(value: &Value) -> String {
    value.to_string()
}

/// The calls as forceboard feed lines; `ended` says whether the adapter makes `call_ended`.
fn native_calls(calls: &[Call], open_too: bool, ended: bool) -> Vec<(i64, String)> {
    let mut lines = Vec::new();
    for (n, call) in calls.iter().enumerate() {
        if call.end == CallEnd::Open && !open_too {
            continue;
        }
        let id = format!("c{n}");
        let offered = BASE + call.offered;
        let line = if call.emergency { "999" } else { "101" };
        let mut offer =
            json!({"kind": "call_offered", "at": rfc3339(offered), "id": id, "line": line});
        if let Some(lpa) = call.lpa {
            offer["lpa"] = lpa.into();
        }
        lines.push((offered, native_line(&offer)));
        match call.end {
            CallEnd::Answered { wait, talk, work } => {
                let answered = offered + wait;
                lines.push((
                    answered,
                    native_line(
                        &json!({"kind": "call_answered", "at": rfc3339(answered), "id": id}),
                    ),
                ));
                if ended {
                    let free = answered + talk + if work { 30 } else { 0 };
                    lines.push((
                        free,
                        native_line(&json!({"kind": "call_ended", "at": rfc3339(free), "id": id})),
                    ));
                }
            }
            CallEnd::Abandoned { wait } => {
                let at = offered + wait;
                lines.push((
                    at,
                    native_line(&json!({"kind": "call_abandoned", "at": rfc3339(at), "id": id})),
                ));
            }
            CallEnd::Open => {}
        }
    }
    lines
}

/// Amazon Connect contact records: one per ended call, written when it ends.
fn contact_records(calls: &[Call]) -> Vec<(i64, String)> {
    let mut records = Vec::new();
    for (n, call) in calls.iter().enumerate() {
        let offered = BASE + call.offered;
        let (agent, disconnect) = match call.end {
            CallEnd::Open => continue,
            CallEnd::Abandoned { wait } => (Value::Null, offered + wait),
            CallEnd::Answered { wait, talk, work } => {
                let connected = offered + wait;
                let disconnect = connected + talk;
                let mut agent =
                    json!({"ConnectedToAgentTimestamp": rfc3339(connected), "Username": "someone"});
                if work {
                    agent["AfterContactWorkEndTimestamp"] = rfc3339(disconnect + 30).into();
                }
                (agent, disconnect)
            }
        };
        let written = disconnect + 31;
        let record = json!({
            "ContactId": format!("c{n}"),
            "Channel": "VOICE",
            "InitiationMethod": "INBOUND",
            "InitiationTimestamp": rfc3339(offered - 5),
            "DisconnectTimestamp": rfc3339(disconnect),
            "LastUpdateTimestamp": rfc3339(written),
            "CustomerEndpoint": {"Address": "+447700900000", "Type": "TELEPHONE_NUMBER"},
            "Queue": {"Name": if call.emergency { "Emergency 999" } else { "Non-emergency 101" },
                      "EnqueueTimestamp": rfc3339(offered)},
            "Agent": agent,
            "Attributes": call.lpa.map_or(json!({}), |lpa| json!({"lpa": lpa})),
        });
        records.push((written, record.to_string()));
        if call.again {
            records.push((written + 600, record.to_string()));
        }
    }
    records
}

const EVENTS_999: &str = "arn:aws:connect:eu-west-2:111122223333:instance/7d0c2a51-0000-4a1b-9e2f-5c1d00000001/queue/q-0999";
const EVENTS_101: &str = "arn:aws:connect:eu-west-2:111122223333:instance/7d0c2a51-0000-4a1b-9e2f-5c1d00000001/queue/q-0101";

/// Amazon Connect contact events, as they happen (no area: contact events carry none).
fn contact_events(calls: &[Call]) -> Vec<(i64, String)> {
    let mut events = Vec::new();
    for (n, call) in calls.iter().enumerate() {
        let offered = BASE + call.offered;
        let id = format!("c{n}");
        let queue = json!({"queueArn": if call.emergency { EVENTS_999 } else { EVENTS_101 },
                           "enqueueTimestamp": rfc3339(offered)});
        let mut event = |kind: &str, at: i64, detail: Value| {
            let mut detail_full = json!({"eventType": kind, "contactId": id, "channel": "VOICE",
                                         "initiationMethod": "INBOUND", "queueInfo": queue});
            for (key, value) in detail.as_object().expect("object") {
                detail_full[key] = value.clone();
            }
            let record = json!({"id": format!("{id}-{kind}"), "detail-type": "Amazon Connect Contact Event",
                                "time": rfc3339(at), "detail": detail_full});
            events.push((at, record.to_string()));
            if call.again {
                events.push((at + 1, record.to_string()));
            }
        };
        event("QUEUED", offered, json!({}));
        match call.end {
            CallEnd::Open => {}
            CallEnd::Abandoned { wait } => {
                event(
                    "DISCONNECTED",
                    offered + wait,
                    json!({"disconnectTimestamp": rfc3339(offered + wait)}),
                );
            }
            CallEnd::Answered { wait, talk, work } => {
                let connected = offered + wait;
                let agent = json!({"connectedToAgentTimestamp": rfc3339(connected)});
                event("CONNECTED_TO_AGENT", connected, json!({"agentInfo": agent}));
                let disconnect = connected + talk;
                event(
                    "DISCONNECTED",
                    disconnect,
                    json!({"agentInfo": agent, "disconnectTimestamp": rfc3339(disconnect)}),
                );
                let mut done = agent.clone();
                if work {
                    done["afterContactWorkEndTimestamp"] = rfc3339(disconnect + 30).into();
                }
                event(
                    "COMPLETED",
                    disconnect + if work { 30 } else { 0 },
                    json!({"agentInfo": done, "disconnectTimestamp": rfc3339(disconnect)}),
                );
            }
        }
    }
    events
}

const GENESYS_999: &str = "5b1e0c7a-0000-4e99-8999-000000000999";
const GENESYS_101: &str = "5b1e0c7a-0000-4e99-8999-000000000101";

/// Genesys Cloud notifications through `EventBridge`: ACD start and end, queue observations.
fn genesys(calls: &[Call], observations: &[Observation]) -> Vec<(i64, String)> {
    let mut events = Vec::new();
    let mut push = |id: String, topic: String, at: i64, body: Value, again: bool| {
        let record = json!({"id": id, "time": rfc3339(at), "detail-type": topic,
                            "detail": {"topicName": topic, "eventBody": body}});
        events.push((at, record.to_string()));
        if again {
            events.push((at + 2, record.to_string()));
        }
    };
    for (n, call) in calls.iter().enumerate() {
        let offered = BASE + call.offered;
        let queue = if call.emergency {
            GENESYS_999
        } else {
            GENESYS_101
        };
        let body = |at: i64| {
            json!({"eventTime": at * 1000, "conversationId": format!("c{n}"),
                                     "mediaType": "VOICE", "direction": "INBOUND", "queueId": queue,
                                     "ani": "tel:+447700900000"})
        };
        let topic = |end: &str| format!("v2.detail.events.conversation.c{n}.acd.{end}");
        push(
            format!("c{n}-start"),
            topic("start"),
            offered,
            body(offered),
            call.again,
        );
        let (at, outcome) = match call.end {
            CallEnd::Open => continue,
            CallEnd::Abandoned { wait } => (offered + wait, "ABANDON"),
            CallEnd::Answered { wait, .. } => (offered + wait, "ANSWERED"),
        };
        let mut end = body(at);
        end["acdOutcome"] = outcome.into();
        push(format!("c{n}-end"), topic("end"), at, end, call.again);
    }
    for (n, observation) in observations.iter().enumerate() {
        let queue = if observation.emergency {
            GENESYS_999
        } else {
            GENESYS_101
        };
        let body = json!({"group": {"queueId": queue, "mediaType": "voice"}, "data": [
            {"metric": "oOnQueueUsers", "qualifier": "IDLE", "stats": {"count": observation.idle}},
            {"metric": "oActiveUsers", "stats": {"count": observation.on_duty}}]});
        push(
            format!("o{n}"),
            format!("v2.analytics.queues.{queue}.observations"),
            BASE + observation.at,
            body,
            false,
        );
    }
    events
}

fn native_staffing(observations: &[Observation]) -> Vec<(i64, String)> {
    observations
        .iter()
        .map(|o| {
            let at = BASE + o.at;
            (
                at,
                native_line(&json!({"kind": "staffing", "at": rfc3339(at),
                "line": if o.emergency { "999" } else { "101" },
                "on_duty": o.on_duty, "available": o.idle})),
            )
        })
        .collect()
}

const GRADES: [&str; 3] = ["emergency", "priority", "scheduled"];

fn native_incidents(incidents: &[Incident]) -> Vec<(i64, String)> {
    let mut lines = Vec::new();
    for (n, incident) in incidents.iter().enumerate() {
        let id = format!("urn:emergency:uid:incidentid:i{n}");
        let created = BASE + incident.created;
        lines.push((
            created,
            native_line(&json!({"kind": "incident_created", "at": rfc3339(created),
            "id": id, "grade": GRADES[incident.grade], "lpa": incident.lpa})),
        ));
        match incident.end {
            IncidentEnd::Arrived { after, .. } => lines.push((
                created + after,
                native_line(&json!(
                {"kind": "incident_arrived", "at": rfc3339(created + after), "id": id})),
            )),
            IncidentEnd::Cancelled { after } => lines.push((
                created + after,
                native_line(&json!(
                {"kind": "incident_cancelled", "at": rfc3339(created + after), "id": id})),
            )),
            IncidentEnd::Open => {}
        }
    }
    lines
}

/// NENA EIDO snapshots: at creation, at the first unit on scene, and at closing.
fn eido(incidents: &[Incident]) -> Vec<(i64, String)> {
    let mut documents = Vec::new();
    for (n, incident) in incidents.iter().enumerate() {
        let created = BASE + incident.created;
        let snapshot = |at: i64, status: &str, units: Value| {
            json!({"incidentTrackingIdentifier": format!("urn:emergency:uid:incidentid:i{n}"),
                   "lastUpdateTimeStamp": rfc3339(at),
                   "incidentComponent": {"lastUpdateTimeStamp": rfc3339(at),
                       "incidentStatusCommonRegistryText": [status],
                       "incidentCommonPriorityNumber": incident.grade + 1,
                       "beatOrDispatchGroupText": incident.lpa},
                   "emergencyResourceComponent": units,
                   "personComponent": [{"ncPersonComponent": {"PersonName": "A Caller"}}]})
            .to_string()
        };
        documents.push((created, snapshot(created, "Active", json!([]))));
        if incident.again {
            documents.push((created + 1, snapshot(created, "Active", json!([]))));
        }
        match incident.end {
            IncidentEnd::Arrived {
                after,
                closed_later,
            } => {
                let arrived = created + after;
                let units = json!([
                    {"emergencyResourceName": "B", "primaryUnitStatusRegistryText": "Enroute",
                     "lastUpdateTimeStamp": rfc3339(arrived - 30)},
                    {"emergencyResourceName": "A", "primaryUnitStatusRegistryText": "OnScene",
                     "lastUpdateTimeStamp": rfc3339(arrived)}]);
                documents.push((arrived + 5, snapshot(arrived + 5, "Active", units)));
                if closed_later {
                    let closed = arrived + 900;
                    let cleared = json!([{"emergencyResourceName": "A",
                        "primaryUnitStatusRegistryText": "Available", "lastUpdateTimeStamp": rfc3339(closed)}]);
                    documents.push((closed, snapshot(closed, "Closed", cleared)));
                }
            }
            IncidentEnd::Cancelled { after } => {
                let closed = created + after;
                documents.push((closed, snapshot(closed, "Closed", json!([]))));
            }
            IncidentEnd::Open => {}
        }
    }
    documents
}

/// Foreign records through a map, written back out as feed lines (none may be refused).
pub fn through(map: &Arc<InputMap>, foreign: &str) -> String {
    let mut reader = MapReader::new(Arc::clone(map));
    let mut out = String::new();
    for line in foreign.lines() {
        match reader.read(Line::Text(line.as_bytes())) {
            Mapped::Events(events) => {
                for event in events {
                    out.push_str(&schema_line(&event, None, format_utc));
                    out.push('\n');
                }
            }
            Mapped::Duplicate | Mapped::Blank => {}
            Mapped::Rejected(reason) => panic!("refused: {reason}: {line}"),
        }
    }
    out
}

fn figures(feed: &str, at: i64, window: Span) -> Report {
    let config = Config::default();
    let until = forceboard::time::Timestamp::from_nanos(at * 1_000_000_000);
    compute(feed.as_bytes(), &config, Some(until), &Window::new(window))
        .expect("in memory")
        .expect("a time to report at")
}

fn assert_same_figures(native: &str, mapped: &str, name: &str) -> Result<(), TestCaseError> {
    for (at, window) in [
        (BASE + 7_500, Span::from_hours(3)),
        (BASE + 3_600, Span::from_mins(15)),
        (BASE + 9_000, Span::from_hours(1)),
    ] {
        let native_report = figures(native, at, window);
        let mapped_report = figures(mapped, at, window);
        prop_assert_eq!(
            &native_report.figures,
            &mapped_report.figures,
            "{} at {} over {:?}",
            name,
            at,
            window
        );
        prop_assert_eq!(
            &native_report.staffing,
            &mapped_report.staffing,
            "{} staffing",
            name
        );
    }
    Ok(())
}

fn map(name: &str) -> Arc<InputMap> {
    Arc::new(InputMap::load(name, chrono_tz::Europe::London).expect("map loads"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn contact_records_read_back_give_the_native_figures(calls in prop::collection::vec(call(), 10..80)) {
        let native = in_time_order(native_calls(&calls, false, true));
        let mapped = through(&map("amazon-connect-ctr"), &in_time_order(contact_records(&calls)));
        assert_same_figures(&native, &mapped, "amazon-connect-ctr")?;
    }

    #[test]
    fn contact_events_read_back_give_the_native_figures(calls in prop::collection::vec(call(), 10..80)) {
        let calls: Vec<Call> = calls.into_iter().map(|call| Call { lpa: None, ..call }).collect();
        let native = in_time_order(native_calls(&calls, true, true));
        let mapped = through(&map("fixtures/maps/amazon-connect-events.toml"), &in_time_order(contact_events(&calls)));
        assert_same_figures(&native, &mapped, "amazon-connect-events")?;
    }

    #[test]
    fn genesys_notifications_read_back_give_the_native_figures(
        calls in prop::collection::vec(call(), 10..80),
        observations in prop::collection::vec(observation(), 0..10),
    ) {
        let calls: Vec<Call> = calls.into_iter().map(|call| Call { lpa: None, ..call }).collect();
        let mut native = native_calls(&calls, true, false);
        native.extend(native_staffing(&observations));
        let native = in_time_order(native);
        let mapped = through(&map("fixtures/maps/genesys-cloud.toml"), &in_time_order(genesys(&calls, &observations)));
        assert_same_figures(&native, &mapped, "genesys-cloud")?;
    }

    #[test]
    fn eido_snapshots_read_back_give_the_native_figures(incidents in prop::collection::vec(incident(), 0..30)) {
        let native = in_time_order(native_incidents(&incidents));
        let mapped = through(&map("nena-eido"), &in_time_order(eido(&incidents)));
        assert_same_figures(&native, &mapped, "nena-eido")?;
    }
}
