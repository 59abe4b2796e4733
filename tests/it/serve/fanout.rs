//! `serve` over loopback: many clients on one timeline, times on the served clock (the
//! recording's durations, a clock running at the speed), only the schema's fields, late
//! joiners' backlogs, slow clients, the clock's heartbeats and `--loop`.
//!
//! Every test binds port 0 on 127.0.0.1, plays an inline feed fast, and waits for lines
//! (or for a connection to be let in), never for a while; each runs under a safety net far
//! beyond the seconds it takes.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::future::Future;
use std::time::Duration;

use forceboard::engine::{Engine, EngineSettings, ScopedFigures};
use forceboard::feed::parse_line;
use forceboard::serve::{HEARTBEAT_SOURCE, ServeOptions};
use forceboard::time::{Span, Timestamp, format_utc, parse_rfc3339};
use serde_json::{Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;

use crate::common::serve::{SAFETY, Server, wall_now};

/// 2024-07-01T11:00:00Z.
const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000);

/// Caller details that must never leave the server.
const SECRETS: [&str; 3] = ["Jane Doe", "07700900123", "SECRET-NOTE"];

fn at(seconds: i64) -> String {
    format_utc(T0 + Span::from_secs(seconds))
}

/// A training feed shaped like fixtures/spec-example.ndjson: `calls` calls `step` seconds
/// apart (answered, abandoned, one left waiting), an incident with every third call
/// (attended, cancelled, one left open), caller details in unknown fields, and lines a
/// board refuses (a duplicate, an unmatched close, a heartbeat). Returns the feed and how
/// many of its events a board accepts (those `serve` sends).
fn training_feed(calls: i64, step: i64) -> (String, usize) {
    let mut lines = Vec::new();
    let mut accepted = 0;
    let lpas = [r#","lpa":"BIR""#, r#","lpa":"COV""#, ""];
    let grades = ["emergency", "priority", "scheduled"];
    for i in 0..calls {
        let t = i * step;
        let lpa = lpas[i as usize % 3];
        let line = if i % 3 == 2 { "101" } else { "999" };
        lines.push(format!(
            r#"{{"kind":"call_offered","at":"{}","id":"C{i}","line":"{line}"{lpa},"caller":{{"name":"Jane Doe","phone":"07700900123"}},"notes":"SECRET-NOTE"}}"#,
            at(t)
        ));
        accepted += 1;
        if i != 1 {
            let (kind, after) = if i % 5 == 4 {
                ("call_abandoned", (i % 7) * 3 + 2)
            } else {
                ("call_answered", i % 9 + 2)
            };
            lines.push(format!(
                r#"{{"kind":"{kind}","at":"{}","id":"C{i}","phone":"07700900123"}}"#,
                at(t + after)
            ));
            accepted += 1;
        }
        if i % 3 == 0 {
            let grade = grades[(i / 3) as usize % 3];
            lines.push(format!(
                r#"{{"kind":"incident_created","at":"{}","id":"I{i}","grade":"{grade}"{lpa},"location":"SECRET-NOTE"}}"#,
                at(t + 30)
            ));
            accepted += 1;
            if i % 6 == 3 {
                lines.push(format!(
                    r#"{{"kind":"incident_cancelled","at":"{}","id":"I{i}"}}"#,
                    at(t + 230)
                ));
                accepted += 1;
            } else if i != 0 {
                lines.push(format!(
                    r#"{{"kind":"incident_arrived","at":"{}","id":"I{i}","officer":"Jane Doe"}}"#,
                    at(t + 30 + 300 + 37 * i)
                ));
                accepted += 1;
            }
        }
    }
    // Stands alone with its own offer: sent.
    lines.push(format!(
        r#"{{"kind":"call_answered","at":"{}","id":"X1","offered_at":"{}","line":"999","lpa":"SOL"}}"#,
        at(95),
        at(80)
    ));
    accepted += 1;
    // A second offer of C2, an unmatched answer and a heartbeat: left out.
    lines.push(format!(
        r#"{{"kind":"call_offered","at":"{}","id":"C2","line":"999"}}"#,
        at(2 * step + 1)
    ));
    lines.push(format!(
        r#"{{"kind":"call_answered","at":"{}","id":"ZZ"}}"#,
        at(50)
    ));
    lines.push(format!(
        r#"{{"kind":"heartbeat","at":"{}","source":"cad"}}"#,
        at(60)
    ));
    (lines.join("\n") + "\n", accepted)
}

/// `calls` 999 calls `step` seconds apart, each answered 2 s after its offer.
fn dense_feed(calls: i64, step: i64) -> String {
    let mut feed = String::new();
    for i in 0..calls {
        write!(
            feed,
            "{{\"kind\":\"call_offered\",\"at\":\"{}\",\"id\":\"D{i}\",\"line\":\"999\",\"lpa\":\"WAL\"}}\n\
             {{\"kind\":\"call_answered\",\"at\":\"{}\",\"id\":\"D{i}\"}}\n",
            at(i * step),
            at(i * step + 2)
        )
        .unwrap();
    }
    feed
}

fn fast(speed: f64) -> ServeOptions {
    ServeOptions {
        speed,
        ..ServeOptions::default()
    }
}

fn is_heartbeat(line: &str) -> bool {
    line.starts_with(r#"{"kind":"heartbeat""#)
}

/// Reads lines until `events` non-heartbeat lines have come; returns every line.
async fn read_events(stream: TcpStream, events: usize) -> Vec<String> {
    let mut lines = BufReader::new(stream).lines();
    let mut all = Vec::new();
    let mut seen = 0;
    while seen < events {
        let line = lines
            .next_line()
            .await
            .expect("reads")
            .expect("still connected");
        if !is_heartbeat(&line) {
            seen += 1;
        }
        all.push(line);
    }
    all
}

/// [`read_events`], telling `progress` the dates of the first event and of the latest.
async fn read_events_telling(
    stream: TcpStream,
    events: usize,
    progress: watch::Sender<Option<(Timestamp, Timestamp)>>,
) -> Vec<String> {
    let mut lines = BufReader::new(stream).lines();
    let mut all = Vec::new();
    let mut first = None;
    let mut seen = 0;
    while seen < events {
        let line = lines
            .next_line()
            .await
            .expect("reads")
            .expect("still connected");
        if !is_heartbeat(&line) {
            seen += 1;
            let at = time_of(&object(&line), "at");
            let first = *first.get_or_insert(at);
            progress.send_replace(Some((first, at)));
        }
        all.push(line);
    }
    all
}

/// Every line up to and including `last`.
async fn read_until(stream: TcpStream, last: &str) -> Vec<String> {
    let mut lines = BufReader::new(stream).lines();
    let mut all = Vec::new();
    loop {
        let line = lines
            .next_line()
            .await
            .expect("reads")
            .expect("still connected");
        let done = line == last;
        all.push(line);
        if done {
            return all;
        }
    }
}

/// Every line up to and including the `beats`th heartbeat after the `events`th event.
async fn read_past_the_end(stream: TcpStream, events: usize, beats: usize) -> Vec<String> {
    let mut lines = BufReader::new(stream).lines();
    let mut all = Vec::new();
    let (mut seen, mut after) = (0, 0);
    while after < beats {
        let line = lines
            .next_line()
            .await
            .expect("reads")
            .expect("still connected");
        if !is_heartbeat(&line) {
            seen += 1;
        } else if seen == events {
            after += 1;
        }
        all.push(line);
    }
    all
}

/// Every line until one equal to what `until` is set to has come; and whether the server
/// ended the connection first.
async fn read_until_told(
    stream: TcpStream,
    mut until: watch::Receiver<Option<String>>,
) -> (Vec<String>, bool) {
    let mut lines = BufReader::new(stream).lines();
    let mut all: Vec<String> = Vec::new();
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    let done = until.borrow().as_deref() == Some(line.as_str());
                    all.push(line);
                    if done {
                        return (all, false);
                    }
                }
                _ => return (all, true),
            },
            _ = until.changed() => {
                let target = until.borrow().clone();
                if target.is_some_and(|target| all.contains(&target)) {
                    return (all, false);
                }
            }
        }
    }
}

/// The test, failing if it has not finished within the safety net.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(SAFETY, test)
        .await
        .expect("finished within the safety net")
}

fn object(line: &str) -> Map<String, Value> {
    match serde_json::from_str(line) {
        Ok(Value::Object(map)) => map,
        _ => panic!("not a JSON object: {line}"),
    }
}

fn time_of(map: &Map<String, Value>, field: &str) -> Timestamp {
    let text = map[field].as_str().expect("a string time");
    // RFC 3339 UTC with milliseconds: 2024-07-01T11:00:00.000Z.
    assert_eq!(text.len(), 24, "{text}");
    assert!(text.ends_with('Z'), "{text}");
    parse_rfc3339(text).expect("a valid time")
}

fn without_heartbeats(lines: &[String]) -> Vec<String> {
    lines.iter().filter(|l| !is_heartbeat(l)).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_receive_the_same_lines_in_the_same_order() {
    within(async {
        let (feed, expected) = training_feed(14, 120);
        let server = Server::start(&feed, fast(1000.0)).await;
        let mut clients = Vec::new();
        for _ in 0..50 {
            let stream = TcpStream::connect(server.addr).await.expect("connects");
            clients.push(tokio::spawn(read_events(stream, expected)));
        }
        let mut received = Vec::new();
        for client in clients {
            received.push(without_heartbeats(&client.await.expect("client ran")));
        }
        let stats = server.stop().await;
        assert_eq!(stats.clients, 50);
        assert_eq!(stats.dropped_slow, 0);
        assert_eq!(received[0].len(), expected);
        for lines in &received[1..] {
            assert_eq!(lines, &received[0]);
        }
        // Times are the recording's own, never going back: the first event is dated as
        // recorded and the recording's 2,214 s keep their length, though at ×1000 they
        // took about 2.2 s to send (how long is not asserted: on a busy machine it is
        // longer).
        let first = time_of(&object(&received[0][0]), "at");
        assert_eq!(first, T0);
        let mut previous = Timestamp::MIN;
        for line in &received[0] {
            let at = time_of(&object(line), "at");
            assert!(at >= previous, "{line}");
            previous = at;
        }
        assert_eq!(previous - first, Span::from_secs(2_214));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_carry_only_the_spec_fields_and_closes_stand_alone() {
    within(async {
        let (feed, expected) = training_feed(14, 120);
        let server = Server::start(&feed, fast(2000.0)).await;
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        let lines = without_heartbeats(&read_events(stream, expected).await);
        server.stop().await;
        let mut offers: HashMap<String, Map<String, Value>> = HashMap::new();
        let mut creations: HashMap<String, Map<String, Value>> = HashMap::new();
        for line in &lines {
            for secret in SECRETS {
                assert!(!line.contains(secret), "{line}");
            }
            let map = object(line);
            let kind = map["kind"].as_str().expect("kind").to_string();
            let id = map["id"].as_str().expect("id").to_string();
            let allowed: &[&str] = match kind.as_str() {
                "call_offered" => &["kind", "at", "id", "line", "lpa"],
                "incident_created" => &["kind", "at", "id", "grade", "lpa"],
                "call_answered" | "call_abandoned" => {
                    &["kind", "at", "id", "line", "lpa", "offered_at"]
                }
                "incident_arrived" => &["kind", "at", "id", "grade", "lpa", "created_at"],
                "incident_cancelled" => &["kind", "at", "id"],
                other => panic!("unexpected kind {other}"),
            };
            for key in map.keys() {
                assert!(allowed.contains(&key.as_str()), "{key} in {line}");
            }
            match kind.as_str() {
                "call_offered" => {
                    offers.insert(id, map);
                }
                "incident_created" => {
                    creations.insert(id, map);
                }
                "call_answered" | "call_abandoned" => {
                    assert!(time_of(&map, "offered_at") <= time_of(&map, "at"));
                    assert!(map.contains_key("line"), "{line}");
                    if let Some(offer) = offers.get(&id) {
                        assert_eq!(map["offered_at"], offer["at"], "{line}");
                        assert_eq!(map["line"], offer["line"], "{line}");
                        assert_eq!(map.get("lpa"), offer.get("lpa"), "{line}");
                    } else {
                        assert_eq!(id, "X1", "only X1 stands alone in the file");
                        assert_eq!(map["lpa"], "SOL");
                    }
                }
                "incident_arrived" => {
                    let creation = &creations[&id];
                    assert_eq!(map["created_at"], creation["at"], "{line}");
                    assert_eq!(map["grade"], creation["grade"], "{line}");
                    assert_eq!(map.get("lpa"), creation.get("lpa"), "{line}");
                }
                _ => {}
            }
        }
        // The second offer of C2 and the unmatched ZZ were left out.
        let c2_offers = lines
            .iter()
            .filter(|l| l.contains("call_offered") && l.contains(r#""id":"C2""#))
            .count();
        assert_eq!(c2_offers, 1);
        assert!(!lines.iter().any(|l| l.contains(r#""id":"ZZ""#)));
    })
    .await;
}

fn engine_of(lines: &[String]) -> (Engine, usize) {
    let mut engine = Engine::new(EngineSettings::default());
    let mut refused = 0;
    for line in lines {
        let event = parse_line(line.as_bytes()).expect("every line parses");
        if engine.ingest(event).is_err() {
            refused += 1;
        }
    }
    (engine, refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_joiner_gets_the_backlog_and_the_same_figures() {
    within(async {
        // 40 calls 45 s apart, the last incident attended about 45 min after it was
        // created: 55 min of feed, 6.6 s at ×500, after a lead-in of 500 served seconds
        // (1 s) in which no event is sent. The backlog is 500 s of served time (1 s), so
        // the early client gets everything if it joins within about 2 s, rather than the
        // milliseconds it takes. The late one joins once 1,400 s of the feed have been
        // sent, so it misses the start; it has until the last event, 3.8 s later, to join
        // while the comparisons below still cover its join.
        let (feed, expected) = training_feed(40, 45);
        let backlog = Span::from_secs(500);
        let options = ServeOptions {
            backlog,
            from: Some(T0 - Span::from_secs(500)),
            ..fast(500.0)
        };
        let server = Server::start(&feed, options).await;
        let early = TcpStream::connect(server.addr).await.expect("connects");
        let (progress, mut sent) = watch::channel(None);
        let early = tokio::spawn(read_events_telling(early, expected, progress));
        sent.wait_for(|sent| {
            sent.is_some_and(|(first, latest)| latest - first >= Span::from_secs(1_400))
        })
        .await
        .expect("the early client is reading");
        let late = TcpStream::connect(server.addr).await.expect("connects");
        let early = early.await.expect("client ran");
        // The late joiner reads to the feed's last line.
        let late = read_until(late, early.last().expect("lines")).await;
        server.stop().await;
        // Each client's first line is the clock, read before its backlog.
        for lines in [&early, &late] {
            let clock = object(&lines[0]);
            assert_eq!(clock["kind"], "heartbeat", "{}", lines[0]);
            assert_eq!(clock["speed"], 500, "{}", lines[0]);
        }
        let early = without_heartbeats(&early);
        let late = without_heartbeats(&late);
        assert_eq!(early.len(), expected);
        assert_eq!(late.last(), early.last(), "the late joiner reached the end");
        assert!(late.len() < early.len(), "the backlog was trimmed");

        // The call left waiting and the incident left open from the very start are in
        // the backlog, however old.
        assert!(late[0].contains(r#""id":"C1""#) || late[1].contains(r#""id":"C1""#));
        assert!(late.iter().any(|l| l.contains(r#""id":"I0""#)));
        // Closing events whose opening the late joiner never saw stand alone.
        let late_ids: HashSet<&str> = late
            .iter()
            .filter(|l| l.contains("call_offered") || l.contains("incident_created"))
            .filter_map(|l| l.split(r#""id":""#).nth(1)?.split('"').next())
            .collect();
        let orphans = late
            .iter()
            .filter(|l| {
                l.contains("_answered") || l.contains("_abandoned") || l.contains("_arrived")
            })
            .filter_map(|l| l.split(r#""id":""#).nth(1)?.split('"').next())
            .filter(|id| !late_ids.contains(id))
            .count();
        assert!(orphans > 0, "some closes' openings left the backlog");

        let (early_engine, early_refused) = engine_of(&early);
        let (late_engine, late_refused) = engine_of(&late);
        assert_eq!(early_refused, 0);
        assert_eq!(late_refused, 0, "the late joiner can match every line");

        // From the late joiner's first closing event on, it holds every event the early
        // client does (openings before that are old open ones): compare windows that
        // start there or later.
        let from = late
            .iter()
            .map(|l| object(l))
            .find(|m| {
                !matches!(
                    m["kind"].as_str(),
                    Some("call_offered" | "incident_created")
                )
            })
            .map(|m| time_of(&m, "at"))
            .expect("a closing event");
        let end = time_of(&object(early.last().expect("lines")), "at");
        assert!(end - from > backlog, "the comparisons cover the join");
        let mut compared = 0;
        // Always at or after the last event: a board computes at its own now, and a
        // stand-alone close after T is unknown at T (the feed contract), so earlier instants
        // would differ by design for an incident the late joiner only saw closing.
        for (now, window) in [
            (end, backlog),
            (end, backlog / 4),
            (end, end - from),
            (end, (end - from) / 3),
            (end + Span::SECOND, end + Span::SECOND - from),
        ] {
            let early_figures: ScopedFigures = early_engine.scoped_figures(now, window);
            let late_figures = late_engine.scoped_figures(now, window);
            assert_eq!(early_figures, late_figures, "at {now:?} over {window:?}");
            compared += 1;
        }
        assert_eq!(compared, 5);
        // Something to compare: calls still open (C1, offered 54 min before the end:
        // expired, as the recording's durations are kept), incidents open, answers.
        let figures = early_engine.scoped_figures(end, end - from).force;
        let calls = &figures.calls;
        let still_open = calls.line_999.waiting + calls.line_999.expired;
        assert!(still_open + calls.line_101.waiting + calls.line_101.expired >= 1);
        assert!(figures.incidents.emergency.open >= 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_dropped_and_the_others_keep_receiving() {
    within(async {
        // 6,000 calls a second apart at ×1000: 2,000 lines a second for 6 s. The sleeper
        // never reads: once its buffers are full it falls behind, and more than 4,096
        // lines behind (about 2 s later) it is dropped. A reader is dropped only if it
        // stops for as long, not for the milliseconds a busy machine holds it up.
        let feed = dense_feed(6000, 1);
        let options = ServeOptions {
            client_buffer: 4096,
            backlog: Span::SECOND / 5,
            // The reader and the sleeper: any other connection is refused until one of
            // them has been dropped.
            max_clients: 2,
            ..fast(1000.0)
        };
        let server = Server::start(&feed, options).await;
        let reader = TcpStream::connect(server.addr).await.expect("connects");
        let (until, told) = watch::channel(None);
        let reader = tokio::spawn(read_until_told(reader, told));
        let socket = TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(2048).expect("small buffer");
        let mut sleeper = socket.connect(server.addr).await.expect("connects");
        // It may reconnect, and is served again: the first connection let in.
        let (_, mut again) = server.wait_until_admitted().await;
        let mut events = Vec::new();
        while events.len() < 100 {
            let line = again.next_line().await.expect("reads").expect("connected");
            if !is_heartbeat(&line) {
                events.push(line);
            }
        }
        // The reader gets every line, up to the last the new connection got.
        until.send_replace(events.last().cloned());
        let (received, ended) = reader.await.expect("client ran");
        assert!(!ended, "the reading client was dropped");
        // The server let go of the sleeper: it gets what was in flight, then the end.
        let mut drained = Vec::new();
        let _ = sleeper.read_to_end(&mut drained).await;
        let stats = server.stop().await;
        assert_eq!(stats.dropped_slow, 1, "{stats:?}");
        assert_eq!(stats.clients, 3, "{stats:?}");
        // The reading client kept receiving all along: every one of those lines.
        let received = without_heartbeats(&received);
        assert!(received.len() > 4000, "{}", received.len());
        let mut previous = Timestamp::MIN;
        for line in &received {
            let at = time_of(&object(line), "at");
            assert!(at >= previous, "{line}");
            previous = at;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_reach_everyone_and_go_on_after_the_end() {
    within(async {
        let (feed, expected) = training_feed(5, 60);
        let options = ServeOptions {
            heartbeat: Duration::from_millis(100),
            ..fast(5000.0)
        };
        let server = Server::start(&feed, options).await;
        let one = TcpStream::connect(server.addr).await.expect("connects");
        let two = TcpStream::connect(server.addr).await.expect("connects");
        // The feed (about 0.15 s) ends, and the connections stay open with heartbeats:
        // one reads ten after the last event, two up to the same last one.
        let one = read_past_the_end(one, expected, 10).await;
        let two = read_until(two, one.last().expect("lines")).await;
        let stats = server.stop().await;
        assert_eq!(without_heartbeats(&one).len(), expected);
        let beats: Vec<&String> = one.iter().filter(|l| is_heartbeat(l)).collect();
        assert!(stats.heartbeats as usize >= beats.len());
        assert!(
            is_heartbeat(&one[0]) && is_heartbeat(&two[0]),
            "the clock first"
        );
        for beat in &beats {
            let map = object(beat);
            assert_eq!(map["source"], HEARTBEAT_SOURCE);
            assert_eq!(map["speed"], 5000, "{beat}");
            assert_eq!(map["epoch"], 0, "{beat}");
            assert_eq!(map.len(), 5, "{beat}");
        }
        // After the end, heartbeats at least 100 ms apart read about 500 s apart on the
        // clock: the last ten, nine gaps, read at least half that (a busy machine may hold
        // a beat up, which only makes the gaps longer, or its reading of the clock by a
        // moment, which shortens one gap by as much).
        let last_ten: Vec<Timestamp> = beats[beats.len() - 10..]
            .iter()
            .map(|beat| time_of(&object(beat), "at"))
            .collect();
        let apart = last_ten[9] - last_ten[0];
        assert!(apart >= Span::from_secs(9 * 250), "{apart:?}");
        // After the clock come the backlog and the live lines, in time order: the backlog
        // may be older than the clock, but no heartbeat after it reads earlier.
        let clock = time_of(&object(&one[0]), "at");
        assert!(
            beats[1..]
                .iter()
                .all(|beat| time_of(&object(beat), "at") >= clock)
        );
        let mut previous = Timestamp::MIN;
        for line in &one[1..] {
            let at = time_of(&object(line), "at");
            assert!(at >= previous, "{line}");
            previous = at;
        }
        // The same heartbeats to everyone: after their clocks, two got every one that one
        // did from the moment two joined, a moment after one.
        let other: Vec<&String> = two[1..].iter().filter(|l| is_heartbeat(l)).collect();
        assert!(beats[1..].ends_with(&other), "{beats:?}\n{other:?}");
        assert!(other.len() >= 10, "{other:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn looping_starts_the_recording_again_as_a_new_timeline() {
    within(async {
        let feed = [
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}"#,
            r#"{"kind":"incident_created","at":"2024-07-01T11:00:01Z","id":"A","grade":"priority"}"#,
            r#"{"kind":"call_answered","at":"2024-07-01T11:00:04Z","id":"A"}"#,
            r#"{"kind":"incident_arrived","at":"2024-07-01T11:00:09Z","id":"A"}"#,
        ]
        .join("\n");
        let options = ServeOptions {
            looping: true,
            ..fast(100.0)
        };
        let server = Server::start(&feed, options).await;
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        // The first pass's four events, then two more passes: each begins with the new
        // timeline's clock (its epoch one more), then the start's backlog (the offer at
        // 11:00:00, due at the start) and the rest, as recorded.
        let lines = read_events(stream, 12).await;
        let stats = server.stop().await;
        assert!(stats.passes >= 3);
        let described: Vec<String> = lines
            .iter()
            .map(|l| {
                let map = object(l);
                let kind = map["kind"].as_str().unwrap();
                if kind == "heartbeat" {
                    format!("heartbeat epoch {}", map["epoch"])
                } else {
                    format!("{kind} {} {}", map["id"].as_str().unwrap(), map["at"].as_str().unwrap())
                }
            })
            .filter(|text| !text.starts_with("heartbeat epoch 0"))
            .collect();
        let pass = [
            "call_offered A 2024-07-01T11:00:00.000Z",
            "incident_created A 2024-07-01T11:00:01.000Z",
            "call_answered A 2024-07-01T11:00:04.000Z",
            "incident_arrived A 2024-07-01T11:00:09.000Z",
        ];
        // Heartbeats of an epoch other than the pass's first may come between events.
        let mut expected: Vec<String> = pass.iter().map(ToString::to_string).collect();
        for epoch in [1, 2] {
            expected.push(format!("heartbeat epoch {epoch}"));
            expected.extend(pass.iter().map(ToString::to_string));
        }
        let events_and_restarts: Vec<String> = described
            .iter()
            .enumerate()
            .filter(|(i, text)| {
                !text.starts_with("heartbeat")
                    || described[..*i].iter().all(|before| before != *text)
            })
            .map(|(_, text)| text.clone())
            .collect();
        assert_eq!(events_and_restarts, expected);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redate_dates_the_recording_from_now_and_keeps_its_durations() {
    within(async {
        let (feed, expected) = training_feed(14, 120);
        let options = ServeOptions {
            redate: true,
            ..fast(1000.0)
        };
        let before = wall_now();
        let server = Server::start(&feed, options).await;
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        let lines = without_heartbeats(&read_events(stream, expected).await);
        let after = wall_now();
        server.stop().await;
        // The first event is dated when the server started (to the millisecond), however
        // long that took on a busy machine; the recording's 2,214 s keep their length.
        let first = time_of(&object(&lines[0]), "at");
        assert!(
            first >= before - Span::MILLISECOND && first <= after,
            "{before:?} {first:?} {after:?}"
        );
        let last = time_of(&object(lines.last().expect("lines")), "at");
        assert_eq!(last - first, Span::from_secs(2_214));
        // An answer's offer is re-dated by the same shift.
        let answered = lines
            .iter()
            .map(|line| object(line))
            .find(|map| map["kind"] == "call_answered")
            .expect("an answer");
        let answer = time_of(&answered, "at") - time_of(&answered, "offered_at");
        assert_eq!(answer, Span::from_secs(2));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_starts_later_with_earlier_events_already_sent() {
    within(async {
        let (feed, expected) = training_feed(14, 120);
        // Start 20 min in: earlier events are dated up to 20 min before the start.
        let options = ServeOptions {
            from: Some(T0 + Span::from_mins(20)),
            ..fast(1000.0)
        };
        let server = Server::start(&feed, options).await;
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        let lines = read_events(stream, expected).await;
        server.stop().await;
        // The clock first, on the recording's own time: from the start, 20 min in, and
        // never ahead of a line still to come (the last is at about 28 min).
        assert!(is_heartbeat(&lines[0]), "{}", lines[0]);
        let clock = time_of(&object(&lines[0]), "at");
        let lines = without_heartbeats(&lines);
        let last = time_of(&object(lines.last().expect("lines")), "at");
        assert!(
            clock >= T0 + Span::from_mins(20) && clock <= last,
            "{clock:?}"
        );
        // C10 was offered at 20 min: the start.
        let start = lines
            .iter()
            .find(|l| l.contains(r#""id":"C10""#))
            .map(|l| time_of(&object(l), "at"))
            .expect("C10");
        assert_eq!(start, T0 + Span::from_mins(20));
        // C0, the first, 20 min before: dated in the past.
        let first = time_of(&object(&lines[0]), "at");
        assert!(lines[0].contains(r#""id":"C0""#), "{}", lines[0]);
        assert_eq!(start - first, Span::from_mins(20));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_joining_at_once_gets_a_clock_no_earlier_than_the_lines_before_from() {
    within(async {
        // 9,999 lines up to `from`, at ×1: all of them count as sent at the start. A
        // client that connects at once gets them as its backlog, after its clock, and
        // none may be dated after the clock (a board refuses a line more than a minute
        // ahead of its feed's clock as dated in the future).
        let feed = dense_feed(5_000, 1);
        let options = ServeOptions {
            from: Some(T0 + Span::from_secs(5_000)),
            ..fast(1.0)
        };
        let server = Server::start(&feed, options).await;
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        let lines = read_events(stream, 9_999).await;
        server.stop().await;
        let clock = time_of(&object(&lines[0]), "at");
        assert!(is_heartbeat(&lines[0]), "{}", lines[0]);
        for line in &lines[1..] {
            assert!(
                time_of(&object(line), "at") <= clock,
                "{line} after {clock:?}"
            );
        }
    })
    .await;
}

/// Not a test: measures 200 clients on loopback, on the demo day at ×10,000 (about 1,200
/// lines a second to each) and on a dense feed (about 5,000 a second to each). Run with
/// `cargo test --release --test it serve::fanout -- --ignored --nocapture`.
#[ignore = "a measurement, run by hand in release"]
#[tokio::test(flavor = "multi_thread")]
async fn measure_two_hundred_clients() {
    let dense = dense_feed(2_000, 4);
    for (name, feed) in [
        ("demo day", forceboard::DEMO_DAY),
        ("dense feed", dense.as_str()),
    ] {
        measure(name, feed, 200, Duration::from_secs(8)).await;
    }
}

async fn measure(name: &str, feed: &str, clients: usize, span: Duration) {
    let options = ServeOptions {
        looping: true,
        ..fast(10_000.0)
    };
    let server = Server::start(feed, options).await;
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        tasks.push(tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            let mut count = 0_u64;
            let mut worst_lag = Span::ZERO;
            // The served clock as the last heartbeat announced it: (at, speed, wall).
            let mut clock: Option<(Timestamp, f64, Timestamp)> = None;
            // Lines dated up to the first heartbeat are the backlog: old by design.
            let mut joined = Timestamp::MAX;
            let _ = tokio::time::timeout(span, async {
                while let Ok(Some(line)) = lines.next_line().await {
                    count += 1;
                    if is_heartbeat(&line) {
                        let map = object(&line);
                        let speed = map["speed"].as_f64().expect("a speed");
                        let at = time_of(&map, "at");
                        joined = joined.min(at);
                        clock = Some((at, speed, wall_now()));
                    } else if count.is_multiple_of(64)
                        && let Some((at, speed, wall)) = clock
                        && time_of(&object(&line), "at") > joined
                    {
                        // How far the line's date is behind the clock, in wall time.
                        let served_now =
                            at.nanos() as f64 + (wall_now() - wall).nanos() as f64 * speed;
                        let behind =
                            (served_now - time_of(&object(&line), "at").nanos() as f64) / speed;
                        worst_lag = worst_lag.max(Span::from_nanos(behind as i64));
                    }
                }
            })
            .await;
            (count, worst_lag)
        }));
    }
    let connected = started.elapsed();
    let mut counts = Vec::new();
    let mut worst = Span::ZERO;
    for task in tasks {
        let (count, lag) = task.await.expect("ran");
        counts.push(count);
        worst = worst.max(lag);
    }
    let stats = server.stop().await;
    counts.sort_unstable();
    println!(
        "{name}: {clients} clients connected in {connected:?}; over {span:?} each received \
         {}..{} lines (median {}, {} lines in all); worst lag of a live line behind the served clock \
         {:.1} ms; {stats:?}",
        counts[0],
        counts[counts.len() - 1],
        counts[counts.len() / 2],
        counts.iter().sum::<u64>(),
        worst.nanos() as f64 / 1e6
    );
}

fn forceboard(args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[test]
fn the_command_refuses_bad_flags_in_one_sentence_with_exit_2() {
    let feed = "fixtures/spec-example.ndjson";
    for (args, expected) in [
        (vec!["--speed", "0"], "from 0.1 to 10000"),
        (vec!["--speed", "fast"], "from 0.1 to 10000"),
        (vec!["--speed", "20000"], "from 0.1 to 10000"),
        (vec![], "--listen"),
        (vec!["--listen", "nowhere"], "--listen must be HOST:PORT"),
        (vec!["--listen", "127.0.0.1"], "--listen must be HOST:PORT"),
        (
            vec!["--from", "2024-07-01T11:30:00"],
            "--from needs an offset",
        ),
        (
            vec!["--from", "2024-07-02T00:00:00Z"],
            "--from is after the last event",
        ),
    ] {
        let mut all = vec!["serve", feed];
        if !args.contains(&"--listen") && !args.is_empty() {
            all.extend(["--listen", "127.0.0.1:0"]);
        }
        all.extend(&args);
        let output = forceboard(&all).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{all:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{all:?}: {stderr}");
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
    let output = forceboard(&[
        "serve",
        "fixtures/missing.ndjson",
        "--listen",
        "127.0.0.1:0",
    ])
    .output()
    .expect("runs");
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn the_command_serves_until_sigterm() {
    use std::io::{BufRead, BufReader as StdBufReader};
    use std::process::Stdio;

    let mut child = forceboard(&[
        "serve",
        "fixtures/spec-example.ndjson",
        "--listen",
        "127.0.0.1:0",
        "--speed",
        "10000",
    ])
    .stderr(Stdio::piped())
    .spawn()
    .expect("runs");
    let mut stderr = StdBufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("a start line");
    assert!(
        first.starts_with("serving fixtures/spec-example.ndjson on 127.0.0.1:"),
        "{first}"
    );
    assert!(first.trim_end().ends_with(" at ×10000"), "{first}");
    let addr = first
        .split(" on ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("an address")
        .to_string();
    let stream = std::net::TcpStream::connect(&addr).expect("connects");
    stream.set_read_timeout(Some(SAFETY)).expect("timeout");
    // The worked example: 14 events a board accepts (ZZ, the duplicates and the
    // heartbeat are left out).
    let mut lines = StdBufReader::new(stream).lines();
    let mut events = Vec::new();
    while events.len() < 14 {
        let line = lines.next().expect("a line").expect("reads");
        if !is_heartbeat(&line) {
            events.push(line);
        }
    }
    assert!(
        events[0].starts_with(r#"{"kind":"call_offered","#),
        "{}",
        events[0]
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = std::time::Instant::now() + SAFETY;
    let code = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status.code();
        }
        assert!(std::time::Instant::now() < deadline, "stopped on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    // The connection is closed once the server stops.
    assert!(lines.all(|line| line.is_ok_and(|l| is_heartbeat(&l))));
}
