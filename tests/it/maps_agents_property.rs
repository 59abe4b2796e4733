//! The Amazon Connect agent events adapter against the native feed, on random agent
//! histories: several agents log in on an Emergency or Non-emergency routing profile, go
//! Available, take and finish contacts, go to Lunch or another break, are moved to another
//! profile, send heartbeats, go Offline or log out, at times that never go back; some events
//! are delivered twice with the same `EventId`, at once or a few records later. Each history
//! is written twice — as agent events in the adapter's foreign form (the shape of
//! fixtures/maps/amazon-connect-agents.ndjson), and as the native `staffing` lines a helper
//! here works out from docs/integration.md: after each event, every line's handlers on duty
//! and available are counted again from every agent's last state, and a line is written when a
//! line's counts change or the line is seen for the first time. Read back through the adapter,
//! the foreign form makes as many staffing events as the helper wrote lines and gives the same
//! figures at moments on, between, just before and an hour after the events.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

use forceboard::config::{Config, Window};
use forceboard::feed::map::InputMap;
use forceboard::report::{Report, compute};
use forceboard::time::{Span, Timestamp};

use super::maps_property::{rfc3339, through};

/// 2024-07-01T12:00:00Z in seconds.
const BASE: i64 = 1_719_835_200;

const ACCOUNT: &str = "444455556666";
const INSTANCE: &str =
    "arn:aws:connect:eu-west-2:444455556666:instance/3f9e61b4-1111-4c2d-8e3f-a0b1c2d3e4f5";

/// The routing profiles an agent may be on: the built-in table's names, the first three
/// for 999 and the last three for 101.
const PROFILES: [&str; 6] = [
    "Emergency",
    "Emergency 999",
    "999",
    "Non-emergency",
    "Non-emergency 101",
    "101",
];

fn profile_line(profile: usize) -> &'static str {
    if profile < 3 { "999" } else { "101" }
}

const LINES: [&str; 2] = ["999", "101"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Available,
    Lunch,
    Break,
    Training,
    Offline,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Self::Available => "Available",
            Self::Lunch => "Lunch",
            Self::Break => "Break",
            Self::Training => "Training",
            Self::Offline => "Offline",
        }
    }
}

/// What a step does to its agent; an agent that is logged out logs in, whatever the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A status change to the step's status (the contact, if any, goes on).
    Status,
    /// A contact is connected, when the agent is Available with none (else a heartbeat).
    Contact,
    /// The agent's contact is done (a state change with no contact).
    EndContact,
    Heartbeat,
    /// The agent is moved to the step's routing profile.
    Reassign,
    /// A LOGOUT whose snapshot says Offline.
    Logout,
    /// A LOGOUT whose snapshot still carries the status before it.
    LogoutKeepingStatus,
}

#[derive(Debug, Clone)]
struct Step {
    agent: usize,
    /// Seconds after the previous step (0: at the same second).
    gap: i64,
    kind: Kind,
    profile: usize,
    status: Status,
    /// Delivered again this many records later.
    again: Option<usize>,
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        3 => Just(Status::Available),
        1 => Just(Status::Lunch),
        1 => Just(Status::Break),
        1 => Just(Status::Training),
        2 => Just(Status::Offline),
    ]
}

fn step(agents: usize) -> impl Strategy<Value = Step> {
    let kind = prop_oneof![
        3 => Just(Kind::Status),
        3 => Just(Kind::Contact),
        2 => Just(Kind::EndContact),
        2 => Just(Kind::Heartbeat),
        1 => Just(Kind::Reassign),
        1 => Just(Kind::Logout),
        1 => Just(Kind::LogoutKeepingStatus),
    ];
    let gap = prop_oneof![1 => Just(0_i64), 3 => 1..300_i64, 2 => 300..2_400_i64];
    let again = prop_oneof![8 => Just(None), 1 => Just(Some(0)), 1 => (1..6_usize).prop_map(Some)];
    (0..agents, gap, kind, 0..PROFILES.len(), status(), again).prop_map(
        |(agent, gap, kind, profile, status, again)| Step {
            agent,
            gap,
            kind,
            profile,
            status,
            again,
        },
    )
}

/// One agent event as the stream carries it: the agent's snapshot after the change.
#[derive(Debug, Clone)]
struct AgentEvent {
    id: String,
    at: i64,
    agent: usize,
    event_type: &'static str,
    status: Status,
    status_since: i64,
    profile: usize,
    /// The contact the agent is on, and since when.
    contact: Option<(String, i64)>,
    again: Option<usize>,
}

#[derive(Debug, Clone)]
struct AgentNow {
    logged_in: bool,
    profile: usize,
    status: Status,
    status_since: i64,
    contact: Option<(String, i64)>,
}

/// The steps played as a consistent history of agent events.
fn history(steps: &[Step]) -> Vec<AgentEvent> {
    let mut agents: HashMap<usize, AgentNow> = HashMap::new();
    let mut at = BASE;
    let mut events = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        at += step.gap;
        let now = agents.entry(step.agent).or_insert(AgentNow {
            logged_in: false,
            profile: step.profile,
            status: Status::Offline,
            status_since: at,
            contact: None,
        });
        let set_status = |now: &mut AgentNow, status: Status| {
            if now.status != status {
                now.status = status;
                now.status_since = at;
            }
        };
        let event_type = if now.logged_in {
            match step.kind {
                Kind::Status => {
                    set_status(now, step.status);
                    "STATE_CHANGE"
                }
                Kind::Contact if now.status == Status::Available && now.contact.is_none() => {
                    now.contact = Some((format!("k-{n}"), at));
                    "STATE_CHANGE"
                }
                Kind::Contact | Kind::Heartbeat => "HEART_BEAT",
                Kind::EndContact => {
                    now.contact = None;
                    "STATE_CHANGE"
                }
                Kind::Reassign => {
                    now.profile = step.profile;
                    "STATE_CHANGE"
                }
                Kind::Logout | Kind::LogoutKeepingStatus => {
                    if step.kind == Kind::Logout {
                        set_status(now, Status::Offline);
                    }
                    now.logged_in = false;
                    now.contact = None;
                    "LOGOUT"
                }
            }
        } else {
            now.logged_in = true;
            now.profile = step.profile;
            set_status(now, step.status);
            now.contact = None;
            "LOGIN"
        };
        events.push(AgentEvent {
            id: format!("ev-{n:04}"),
            at,
            agent: step.agent,
            event_type,
            status: now.status,
            status_since: now.status_since,
            profile: now.profile,
            contact: now.contact.clone(),
            again: step.again,
        });
    }
    events
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

/// One event in the foreign form, shaped as the adapter's sample.
fn agent_record(event: &AgentEvent) -> String {
    let profile = PROFILES[event.profile];
    let contacts: Vec<Value> = event
        .contact
        .iter()
        .map(|(id, since)| {
            json!({"Channel": "VOICE", "ContactId": id, "InitiationMethod": "INBOUND",
                   "State": "CONNECTED", "StateStartTimestamp": rfc3339(*since),
                   "Queue": {"Name": profile}})
        })
        .collect();
    json!({
        "AWSAccountId": ACCOUNT,
        "AgentARN": format!("{INSTANCE}/agent/h{}", event.agent),
        "CurrentAgentSnapshot": {
            "AgentStatus": {
                "ARN": format!("{INSTANCE}/agent-state/{}", slug(event.status.name())),
                "Name": event.status.name(),
                "StartTimestamp": rfc3339(event.status_since),
            },
            "Configuration": {
                "FirstName": "Handler",
                "LastName": format!("H{}", event.agent),
                "Username": format!("handler-h{}", event.agent),
                "RoutingProfile": {
                    "ARN": format!("{INSTANCE}/routing-profile/{}", slug(profile)),
                    "Name": profile,
                    "InboundQueues": [],
                    "DefaultOutboundQueue": {"Name": "Outbound"},
                },
                "AgentHierarchyGroups": null,
            },
            "Contacts": contacts,
        },
        "EventId": event.id,
        "EventTimestamp": rfc3339(event.at),
        "EventType": event.event_type,
        "InstanceARN": INSTANCE,
        "PreviousAgentSnapshot": null,
        "Version": "2019-05-25",
    })
    .to_string()
}

/// The events in the order delivered: each in turn, a second copy of some `again` records later.
fn delivered(events: &[AgentEvent]) -> String {
    let mut out = String::new();
    let mut pending: Vec<(usize, String)> = Vec::new();
    for (n, event) in events.iter().enumerate() {
        let record = agent_record(event);
        out.push_str(&record);
        out.push('\n');
        if let Some(later) = event.again {
            pending.push((n + later, record));
        }
        for (_, record) in pending.iter().filter(|(due, _)| *due <= n) {
            out.push_str(record);
            out.push('\n');
        }
        pending.retain(|(due, _)| *due > n);
    }
    for (_, record) in pending {
        out.push_str(&record);
        out.push('\n');
    }
    out
}

/// The native staffing lines, worked out from the documented meaning: an agent is on duty
/// when its status is not Offline and the event is not a LOGOUT; available when on duty,
/// Available, and on no contact; a line's counts are written when they change, and the
/// first time the line is seen.
fn native_staffing(events: &[AgentEvent]) -> Vec<String> {
    // Each agent's last (line, on duty, available).
    let mut last: HashMap<usize, (&str, bool, bool)> = HashMap::new();
    let mut written: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut lines = Vec::new();
    for event in events {
        let on_duty = event.status != Status::Offline && event.event_type != "LOGOUT";
        let available = on_duty && event.status == Status::Available && event.contact.is_none();
        let line = profile_line(event.profile);
        last.insert(event.agent, (line, on_duty, available));
        for counted in LINES {
            let on_line = last.values().filter(|(l, _, _)| *l == counted);
            let counts = (
                on_line.clone().filter(|(_, on, _)| *on).count(),
                on_line.filter(|(_, _, free)| *free).count(),
            );
            let seen_first = counted == line && !written.contains_key(counted);
            if seen_first || written.get(counted).is_some_and(|was| *was != counts) {
                written.insert(counted, counts);
                lines.push(
                    json!({"kind": "staffing", "at": rfc3339(event.at), "line": counted,
                           "on_duty": counts.0, "available": counts.1})
                    .to_string()
                        + "\n",
                );
            }
        }
    }
    lines
}

fn figures(feed: &str, at: i64) -> Report {
    let config = Config::default();
    let until = Timestamp::from_nanos(at * 1_000_000_000);
    compute(
        feed.as_bytes(),
        &config,
        Some(until),
        &Window::new(Span::from_hours(1)),
    )
    .expect("in memory")
    .expect("a time to report at")
}

/// The moments to compare at: on some events, a second before, halfway to the next, a
/// second before and on the hour after (when a snapshot goes stale), before the first
/// event and well after the last.
fn moments(events: &[AgentEvent], picks: &[Index]) -> Vec<i64> {
    let last = events.last().map_or(BASE, |event| event.at);
    let mut moments = vec![BASE - 1, last + 1_800, last + 7_200];
    for pick in picks {
        let n = pick.index(events.len());
        let at = events[n].at;
        moments.extend([at, at - 1, at + 3_599, at + 3_600]);
        if let Some(next) = events.get(n + 1) {
            moments.push(at + (next.at - at) / 2);
        }
    }
    moments
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn agent_events_read_back_give_the_native_staffing_figures(
        (steps, picks) in (2..7_usize).prop_flat_map(|agents| (
            prop::collection::vec(step(agents), 1..60),
            prop::collection::vec(any::<Index>(), 4),
        ))
    ) {
        let events = history(&steps);
        let native: String = native_staffing(&events).concat();
        let map = Arc::new(
            InputMap::load("amazon-connect-agents", chrono_tz::Europe::London).expect("map loads"),
        );
        let mapped = through(&map, &delivered(&events));
        prop_assert!(mapped.lines().all(|line| line.contains(r#""kind":"staffing""#)), "{}", mapped);
        prop_assert_eq!(
            mapped.lines().count(),
            native.lines().count(),
            "staffing events made\nmapped:\n{}native:\n{}",
            mapped,
            native
        );
        for at in moments(&events, &picks) {
            let native_report = figures(&native, at);
            let mapped_report = figures(&mapped, at);
            prop_assert_eq!(&native_report.staffing, &mapped_report.staffing, "staffing at {}", rfc3339(at));
            prop_assert_eq!(&native_report.figures, &mapped_report.figures, "figures at {}", rfc3339(at));
        }
    }
}
