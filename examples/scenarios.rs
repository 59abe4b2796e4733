//! Builds the training scenarios of `fixtures/scenarios/` (its README says what each one
//! shows and what a trainee should notice):
//!
//! ```sh
//! cargo run --example scenarios -- fixtures/scenarios
//! ```
//!
//! Each scenario is a few hours of background traffic from [`forceboard::generate`]
//! (parsed back into calls and incidents, cut to the scenario's hours), changed and added to
//! with a small seeded PRNG of its own, and written in time order with every time in
//! Europe/London local time (`+01:00` in summer time, `+00:00` after the October change).
//! The output is a pure function of the code: the same bytes on every run and machine
//! (only `+ - * /`, `sqrt` and `round` touch floating point here, all exactly specified).
//! `tests/it/scenarios.rs` rebuilds every file and compares it with the committed one.

// A bench or example stops at the first thing that goes wrong: unwrap and expect say where.
// Its data is small and made here, so its indices and counts are cast without checks. It
// exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use forceboard::generate::{GenOptions, generate};

/// The scenarios, in the README's order: file `fixtures/scenarios/NAME.ndjson`.
pub const NAMES: [&str; 7] = [
    "quiet-night",
    "friday-surge",
    "major-incident",
    "feed-outage",
    "bad-data",
    "clock-change-night",
    "handlers-off-sick",
];

/// The bytes of scenario `name`'s feed file.
pub fn build(name: &str) -> Option<Vec<u8>> {
    let lines = match name {
        "quiet-night" => render(&quiet_night()),
        "friday-surge" => render(&friday_surge()),
        "major-incident" => render(&major_incident()),
        "feed-outage" => render(&feed_outage()),
        "bad-data" => bad_data(),
        "clock-change-night" => render(&clock_change_night()),
        "handlers-off-sick" => render(&handlers_off_sick()),
        _ => return None,
    };
    let mut out = Vec::with_capacity(lines.len() * 96);
    for line in lines {
        out.extend_from_slice(line.text.as_bytes());
        out.push(b'\n');
    }
    Some(out)
}

#[allow(dead_code)] // the tests include this file for `build` only
fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures/scenarios".to_string()),
    );
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("scenarios: cannot create {}: {error}", dir.display());
        std::process::exit(1);
    }
    for name in NAMES {
        let bytes = build(name).expect("a known scenario");
        let path = dir.join(format!("{name}.ndjson"));
        if let Err(error) = std::fs::write(&path, &bytes) {
            eprintln!("scenarios: cannot write {}: {error}", path.display());
            std::process::exit(1);
        }
        let lines = memchr::memchr_iter(b'\n', &bytes).count();
        println!("{}: {lines} lines, {} bytes", path.display(), bytes.len());
    }
}

// ---------------------------------------------------------------------------
// Time: milliseconds since the epoch, written in London local time
// ---------------------------------------------------------------------------

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;

/// An RFC 3339 time (with its offset) in milliseconds since the epoch.
fn t(text: &str) -> i64 {
    DateTime::parse_from_rfc3339(text)
        .expect("a valid time in the builder")
        .timestamp_millis()
}

/// `2024-10-27T01:30:00.000+01:00`: London local time with its offset.
fn stamp(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .expect("in range")
        .with_timezone(&London)
        .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        .to_string()
}

/// Seconds (fractional) to whole milliseconds.
fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

// ---------------------------------------------------------------------------
// A small seeded PRNG (splitmix64)
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[0, n)` (the modulo bias is far below anything visible here).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

// ---------------------------------------------------------------------------
// The feed as calls and incidents
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Answered,
    Abandoned,
    Arrived,
    Cancelled,
}

impl End {
    fn kind(self) -> &'static str {
        match self {
            End::Answered => "call_answered",
            End::Abandoned => "call_abandoned",
            End::Arrived => "incident_arrived",
            End::Cancelled => "incident_cancelled",
        }
    }
}

#[derive(Debug, Clone)]
struct Call {
    id: String,
    line: &'static str,
    lpa: Option<String>,
    offered: i64,
    end: Option<(End, i64)>,
    /// When an answered call's handler is free again (`call_ended`, schema v1.1).
    handled: Option<i64>,
}

#[derive(Debug, Clone)]
struct Incident {
    id: String,
    grade: &'static str,
    lpa: Option<String>,
    created: i64,
    end: Option<(End, i64)>,
}

#[derive(Debug, Clone, Default)]
struct Feed {
    calls: Vec<Call>,
    incidents: Vec<Incident>,
    heartbeats: Vec<i64>,
    /// `staffing` snapshots (schema v1.1): time, line, on duty, available.
    staffing: Vec<(i64, &'static str, u32, u32)>,
}

impl Feed {
    /// Keeps what starts in `[from, to)`; a close at or after `to` is not written (the
    /// call or incident is still open when the file ends).
    fn keep(&mut self, from: i64, to: i64) {
        let inside = |at: i64| (from..to).contains(&at);
        self.heartbeats.retain(|&at| inside(at));
        self.staffing.retain(|s| inside(s.0));
        for c in &mut self.calls {
            if c.handled.is_some_and(|at| at >= to) {
                c.handled = None;
            }
        }
        self.calls.retain(|c| inside(c.offered));
        self.incidents.retain(|i| inside(i.created));
        for end in self
            .calls
            .iter_mut()
            .map(|c| &mut c.end)
            .chain(self.incidents.iter_mut().map(|i| &mut i.end))
        {
            if end.is_some_and(|(_, at)| at >= to) {
                *end = None;
            }
        }
    }

    /// Moves every time through `f` (which must keep their order).
    fn map_times(&mut self, f: impl Fn(i64) -> i64) {
        for at in &mut self.heartbeats {
            *at = f(*at);
        }
        for s in &mut self.staffing {
            s.0 = f(s.0);
        }
        for c in &mut self.calls {
            c.offered = f(c.offered);
            if let Some(at) = &mut c.handled {
                *at = f(*at);
            }
            if let Some((_, at)) = &mut c.end {
                *at = f(*at);
            }
        }
        for i in &mut self.incidents {
            i.created = f(i.created);
            if let Some((_, at)) = &mut i.end {
                *at = f(*at);
            }
        }
    }
}

/// One day of `forceboard gen` from `start` with `seed`, read back into a [`Feed`].
fn background(start: &str, seed: u64) -> Feed {
    background_with(start, seed, false)
}

/// [`background`], with the call handlers' `call_ended` lines when `handlers` (gen's
/// own staffing lines are left out: a scenario sets its own roster).
fn background_with(start: &str, seed: u64, handlers: bool) -> Feed {
    let options = GenOptions {
        days: 1,
        seed,
        start: DateTime::parse_from_rfc3339(start).expect("a valid start"),
        tz: London,
        handlers,
        ..GenOptions::default()
    };
    let mut out = Vec::new();
    generate(&options, &mut out).expect("writing to memory");
    let text = String::from_utf8(out).expect("gen writes UTF-8");
    let mut feed = Feed::default();
    let mut calls: HashMap<String, usize> = HashMap::new();
    let mut incidents: HashMap<String, usize> = HashMap::new();
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("gen writes JSON");
        let field = |key: &str| value[key].as_str().map(str::to_string);
        let at = t(&field("at").expect("every line has at"));
        let id = field("id").unwrap_or_default();
        let kind = field("kind").expect("every line has kind");
        match kind.as_str() {
            "heartbeat" => feed.heartbeats.push(at),
            "staffing" => {}
            "call_ended" => feed.calls[calls[&id]].handled = Some(at),
            "call_offered" => {
                calls.insert(id.clone(), feed.calls.len());
                let line = if field("line").as_deref() == Some("999") {
                    "999"
                } else {
                    "101"
                };
                feed.calls.push(Call {
                    id,
                    line,
                    lpa: field("lpa"),
                    offered: at,
                    end: None,
                    handled: None,
                });
            }
            "incident_created" => {
                incidents.insert(id.clone(), feed.incidents.len());
                let grade = match field("grade").as_deref() {
                    Some("emergency") => "emergency",
                    Some("priority") => "priority",
                    _ => "scheduled",
                };
                feed.incidents.push(Incident {
                    id,
                    grade,
                    lpa: field("lpa"),
                    created: at,
                    end: None,
                });
            }
            "call_answered" | "call_abandoned" => {
                let end = if kind == "call_answered" {
                    End::Answered
                } else {
                    End::Abandoned
                };
                feed.calls[calls[&id]].end = Some((end, at));
            }
            _ => {
                let end = if kind == "incident_arrived" {
                    End::Arrived
                } else {
                    End::Cancelled
                };
                feed.incidents[incidents[&id]].end = Some((end, at));
            }
        }
    }
    feed
}

/// One line of a scenario file, with the time it is filed under.
#[derive(Debug, Clone)]
struct Line {
    at: i64,
    text: String,
}

fn lpa_field(lpa: Option<&str>) -> String {
    lpa.map(|code| format!(",\"lpa\":\"{code}\""))
        .unwrap_or_default()
}

/// Every event as a line, in time order (ties: heartbeats, then calls, then incidents,
/// each opening before its own close).
fn render(feed: &Feed) -> Vec<Line> {
    let mut lines = Vec::new();
    for &at in &feed.heartbeats {
        lines.push(Line {
            at,
            text: format!(
                r#"{{"kind":"heartbeat","at":"{}","source":"cad"}}"#,
                stamp(at)
            ),
        });
    }
    for &(at, line, on_duty, available) in &feed.staffing {
        lines.push(Line {
            at,
            text: format!(
                r#"{{"kind":"staffing","at":"{}","line":"{line}","on_duty":{on_duty},"available":{available}}}"#,
                stamp(at)
            ),
        });
    }
    for c in &feed.calls {
        lines.push(Line {
            at: c.offered,
            text: format!(
                r#"{{"kind":"call_offered","at":"{}","id":"{}","line":"{}"{}}}"#,
                stamp(c.offered),
                c.id,
                c.line,
                lpa_field(c.lpa.as_deref())
            ),
        });
        if let Some((end, at)) = c.end {
            lines.push(close_line(end, at, &c.id));
        }
        if let Some(at) = c.handled {
            lines.push(Line {
                at,
                text: format!(
                    r#"{{"kind":"call_ended","at":"{}","id":"{}"}}"#,
                    stamp(at),
                    c.id
                ),
            });
        }
    }
    for i in &feed.incidents {
        lines.push(Line {
            at: i.created,
            text: format!(
                r#"{{"kind":"incident_created","at":"{}","id":"{}","grade":"{}"{}}}"#,
                stamp(i.created),
                i.id,
                i.grade,
                lpa_field(i.lpa.as_deref())
            ),
        });
        if let Some((end, at)) = i.end {
            lines.push(close_line(end, at, &i.id));
        }
    }
    lines.sort_by_key(|line| line.at); // stable: ties keep the order above
    lines
}

fn close_line(end: End, at: i64, id: &str) -> Line {
    Line {
        at,
        text: format!(
            r#"{{"kind":"{}","at":"{}","id":"{id}"}}"#,
            end.kind(),
            stamp(at)
        ),
    }
}

// ---------------------------------------------------------------------------
// The scenarios
// ---------------------------------------------------------------------------

/// Tuesday 2 July 2024, 01:00–05:00 BST: the quietest hours of a weekday night.
fn quiet_night() -> Feed {
    let start = "2024-07-02T01:00:00+01:00";
    let mut feed = background(start, 11);
    feed.keep(t(start), t(start) + 4 * HOUR);
    feed
}

/// Friday 5 July 2024, 18:00–24:00 BST. From 20:00 to 22:00 a second stream of calls and
/// incidents as large as the first doubles the demand; 999 answer times climb from 20:00,
/// stay high to 22:00 and are back to normal by 22:30.
fn friday_surge() -> Feed {
    let start = "2024-07-05T18:00:00+01:00";
    let (from, to) = (t(start), t(start) + 6 * HOUR);
    let (surge_from, surge_to) = (from + 2 * HOUR, from + 4 * HOUR);
    let mut feed = background(start, 5);
    let extra = background(start, 55);
    let in_surge = |at: i64| (surge_from..surge_to).contains(&at);
    feed.calls.extend(
        extra
            .calls
            .into_iter()
            .filter(|c| in_surge(c.offered))
            .map(|c| Call {
                id: format!("S{}", c.id),
                ..c
            }),
    );
    feed.incidents.extend(
        extra
            .incidents
            .into_iter()
            .filter(|i| in_surge(i.created))
            .map(|i| Incident {
                id: format!("S{}", i.id),
                ..i
            }),
    );
    // Pressure on the call-takers and the units: 0 before 20:00, rising to 1 at 21:00,
    // 1 until 22:00, back to 0 at 22:30.
    let pressure = |at: i64| -> f64 {
        if at < surge_from {
            0.0
        } else if at < surge_from + HOUR {
            (at - surge_from) as f64 / HOUR as f64
        } else if at < surge_to {
            1.0
        } else if at < surge_to + 30 * MIN {
            1.0 - (at - surge_to) as f64 / (30 * MIN) as f64
        } else {
            0.0
        }
    };
    let mut rng = Rng(0x5_0000_F71D);
    for c in &mut feed.calls {
        let p = pressure(c.offered);
        let Some((End::Answered, answered)) = c.end else {
            continue;
        };
        if p == 0.0 {
            continue;
        }
        let secs = (answered - c.offered) as f64 / 1000.0;
        c.end = Some(if c.line == "999" {
            if rng.chance(0.05 * p) {
                (End::Abandoned, c.offered + ms(rng.range(15.0, 60.0)))
            } else {
                let slower = secs * (1.0 + 1.4 * p) + p * rng.range(2.0, 7.0);
                (End::Answered, c.offered + ms(slower))
            }
        } else if rng.chance(0.08 * p) {
            (End::Abandoned, c.offered + ms(rng.range(120.0, 420.0)))
        } else {
            let slower = secs * (1.0 + p) + p * rng.range(10.0, 60.0);
            (End::Answered, c.offered + ms(slower))
        });
    }
    for i in &mut feed.incidents {
        let p = pressure(i.created);
        if let Some((End::Arrived, arrived)) = i.end
            && p > 0.0
        {
            let secs = (arrived - i.created) as f64 / 1000.0;
            i.end = Some((End::Arrived, i.created + ms(secs * (1.0 + 0.45 * p))));
        }
    }
    feed.keep(from, to);
    feed
}

/// Wednesday 3 July 2024, 13:00–17:00 BST. At 15:00 a serious collision in Coventry:
/// 120 extra 999 calls in ten minutes, a few more in the first two. The 999 calls from 15:00 go
/// through a first-come-first-served queue of call-takers (four, and six more from 15:08);
/// callers who wait longer than their patience hang up.
fn major_incident() -> Feed {
    let start = "2024-07-03T13:00:00+01:00";
    let (from, to) = (t(start), t(start) + 4 * HOUR);
    let burst = from + 2 * HOUR;
    let mut feed = background(start, 13);
    let mut rng = Rng(0x3_0000_C0FE);

    // Callers about the collision: one in ten in the first two minutes, the rest spread
    // over the ten.
    let mut times: Vec<i64> = (0..120)
        .map(|_| {
            let span = if rng.chance(0.1) { 120.0 } else { 600.0 };
            burst + ms(span * rng.unit())
        })
        .collect();
    times.sort_unstable();
    let first_burst_call = feed.calls.len();
    for (n, offered) in times.into_iter().enumerate() {
        let lpa = (!rng.chance(0.05)).then(|| "COV".to_string());
        feed.calls.push(Call {
            id: format!("MI-C{:03}", n + 1),
            line: "999",
            lpa,
            offered,
            end: None,
            handled: None,
        });
    }

    // The queue: every 999 call offered 15:00–15:50 that did not hang up by itself.
    let mut queue: Vec<usize> = (0..feed.calls.len())
        .filter(|&n| {
            let c = &feed.calls[n];
            c.line == "999"
                && (burst..burst + 50 * MIN).contains(&c.offered)
                && !matches!(c.end, Some((End::Abandoned, _)))
        })
        .collect();
    queue.sort_by_key(|&n| (feed.calls[n].offered, n));
    let mut free_at: Vec<i64> = [burst; 4].into_iter().chain([burst + 8 * MIN; 6]).collect();
    for n in queue {
        let collision = n >= first_burst_call;
        let c = &mut feed.calls[n];
        let ring = match c.end {
            Some((_, at)) if !collision => at - c.offered,
            _ => ms(rng.range(2.0, 6.0)),
        };
        let patience = ms(90.0 + 420.0 * rng.unit() * rng.unit());
        let handling = if collision {
            ms(rng.range(30.0, 70.0))
        } else {
            ms(rng.range(50.0, 110.0))
        };
        let (agent, &free) = free_at
            .iter()
            .enumerate()
            .min_by_key(|&(agent, &at)| (at, agent))
            .expect("call-takers");
        let answer = (c.offered + ring).max(free);
        if answer - c.offered > patience {
            c.end = Some((End::Abandoned, c.offered + patience));
        } else {
            c.end = Some((End::Answered, answer));
            free_at[agent] = answer + handling;
        }
    }

    // The collision itself, and the incidents linked to it.
    let cov = || Some("COV".to_string());
    let linked = [
        (
            "MI-I1",
            "emergency",
            "15:01:30",
            Some((End::Arrived, "15:09:00")),
        ),
        (
            "MI-I2",
            "emergency",
            "15:03:10",
            Some((End::Arrived, "15:21:40")),
        ),
        (
            "MI-I3",
            "priority",
            "15:05:00",
            Some((End::Arrived, "15:52:00")),
        ),
        (
            "MI-I4",
            "priority",
            "15:06:30",
            Some((End::Cancelled, "15:25:00")),
        ),
        (
            "MI-I5",
            "emergency",
            "15:08:20",
            Some((End::Arrived, "15:19:50")),
        ),
    ];
    let at = |clock: &str| t(&format!("2024-07-03T{clock}+01:00"));
    for (id, grade, created, end) in linked {
        feed.incidents.push(Incident {
            id: id.to_string(),
            grade,
            lpa: cov(),
            created: at(created),
            end: end.map(|(end, clock)| (end, at(clock))),
        });
    }
    feed.keep(from, to);
    feed
}

/// Thursday 4 July 2024, 09:00–12:00 BST. At 10:20 the feed goes silent for twenty
/// minutes: no events, no heartbeats. At 10:40 the link is back and the feed adapter
/// sends what it held, in order, in a ten-second catch-up burst (stamped as it sends).
fn feed_outage() -> Feed {
    let start = "2024-07-04T09:00:00+01:00";
    let (from, to) = (t(start), t(start) + 3 * HOUR);
    let down = t("2024-07-04T10:20:00+01:00");
    let back = down + 20 * MIN;
    let caught_up = back + 10 * SEC;
    let mut feed = background(start, 4);
    feed.keep(from, to);
    // Liveness is not buffered: no heartbeats for the outage or the burst.
    feed.heartbeats
        .retain(|&at| !(down..caught_up).contains(&at));
    // Everything from 10:20:00 to 10:40:10 is squeezed, in order, into 10:40:00–10:40:10.
    feed.map_times(|at| {
        if (down..caught_up).contains(&at) {
            back + (at - down) * (caught_up - back) / (caught_up - down)
        } else {
            at
        }
    });
    feed
}

/// Monday 8 July 2024, 08:00–11:00 BST, with bad data mixed in: about 2 % of lines are
/// malformed (every reason the feed contract's gives), about 1 % are duplicates, and every line is
/// filed up to five minutes late (well within the ten-minute reorder horizon).
fn bad_data() -> Vec<Line> {
    let start = "2024-07-08T08:00:00+01:00";
    let mut feed = background(start, 8);
    feed.keep(t(start), t(start) + 3 * HOUR);
    let clean = render(&feed);
    let mut rng = Rng(0x8_0000_0BAD);
    let mut lines: Vec<Line> = Vec::with_capacity(clean.len() * 11 / 10);
    let mut junk_made = 0;
    for line in &clean {
        lines.push(line.clone());
        let event = !line.text.contains(r#""kind":"heartbeat""#);
        if event && rng.chance(0.012) {
            // A duplicate: the same line again, or re-sent up to 90 s later.
            let copy = if rng.chance(0.5) {
                line.clone()
            } else {
                let later = line.at + ms(rng.range(1.0, 90.0));
                Line {
                    at: later,
                    text: line.text.replace(&stamp(line.at), &stamp(later)),
                }
            };
            lines.push(copy);
        }
        if rng.chance(0.02) {
            lines.push(Line {
                at: line.at,
                text: junk(junk_made, line, &mut rng),
            });
            junk_made += 1;
        }
    }
    // Shuffle: each line is filed up to five minutes after its time.
    let mut keyed: Vec<(i64, Line)> = lines
        .into_iter()
        .map(|line| (line.at + rng.below(5 * MIN as u64) as i64, line))
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, line)| line).collect()
}

/// The `n`-th malformed line, next to `near` (cycling through every kind of refusal).
fn junk(n: usize, near: &Line, rng: &mut Rng) -> String {
    let at = stamp(near.at);
    let unknown = format!("X{:06}", 900_000 + n);
    let text = &near.text;
    match n % 24 {
        // Not valid JSON.
        0 => text[..text.len() / 2].to_string(),
        1 => format!("{text}{text}"),
        2 => "ERROR: CAD link reset by peer, retrying".to_string(),
        // Valid JSON, not an object.
        3 => format!(r#"["call_offered","{at}","{unknown}","999"]"#),
        // A required field missing.
        4 => "{}".to_string(),
        5 => format!(r#"{{"at":"{at}","id":"{unknown}","line":"999"}}"#),
        6 => format!(r#"{{"kind":"call_offered","id":"{unknown}","line":"999"}}"#),
        7 => format!(r#"{{"kind":"call_answered","at":"{at}"}}"#),
        8 => format!(r#"{{"kind":"call_offered","at":"{at}","id":"{unknown}","lpa":"BIR"}}"#),
        9 => format!(r#"{{"kind":"incident_created","at":"{at}","id":"{unknown}"}}"#),
        // A wrong type.
        10 => format!(
            r#"{{"kind":"call_offered","at":"{at}","id":{},"line":"999"}}"#,
            900_000 + n
        ),
        11 => format!(
            r#"{{"kind":"heartbeat","at":{},"source":"cad"}}"#,
            near.at / 1000
        ),
        12 => format!(r#"{{"kind":"call_offered","at":"{at}","id":"{unknown}","line":999}}"#),
        // An unknown kind, line or grade.
        13 => format!(r#"{{"kind":"call_transferred","at":"{at}","id":"{unknown}"}}"#),
        14 => format!(r#"{{"kind":"call_offered","at":"{at}","id":"{unknown}","line":"112"}}"#),
        15 => format!(
            r#"{{"kind":"incident_created","at":"{at}","id":"{unknown}","grade":"urgent","lpa":"SAN"}}"#
        ),
        // A bad time: no offset, impossible, not a time at all.
        16 => format!(
            r#"{{"kind":"call_offered","at":"{}","id":"{unknown}","line":"101"}}"#,
            &at[..23]
        ),
        17 => format!(
            r#"{{"kind":"heartbeat","at":"{}T25:61:00Z","source":"cad"}}"#,
            &at[..10]
        ),
        18 => format!(
            r#"{{"kind":"call_answered","at":"{at}","id":"{unknown}","offered_at":"a minute ago","line":"999"}}"#
        ),
        // A closing event for an id never opened, without what it needs to stand alone.
        19 => format!(r#"{{"kind":"call_answered","at":"{at}","id":"{unknown}"}}"#),
        20 => format!(r#"{{"kind":"incident_arrived","at":"{at}","id":"{unknown}"}}"#),
        21 => format!(r#"{{"kind":"incident_cancelled","at":"{at}","id":"{unknown}"}}"#),
        // A closing event earlier than its opening time.
        22 => format!(
            r#"{{"kind":"call_abandoned","at":"{at}","id":"{unknown}","offered_at":"{}","line":"999"}}"#,
            stamp(near.at + ms(rng.range(5.0, 60.0)))
        ),
        _ => format!(
            r#"{{"kind":"incident_arrived","at":"{at}","id":"{unknown}","created_at":"{}","grade":"emergency"}}"#,
            stamp(near.at + ms(rng.range(60.0, 600.0)))
        ),
    }
}

/// Saturday 26 October 2024 22:00 BST to Sunday 27 October 06:00 GMT: the night the clocks
/// go back at 02:00 BST (01:00Z), so local 01:00–01:59 happens twice. Besides the
/// background, three hand-placed events straddle the change.
fn clock_change_night() -> Feed {
    let start = "2024-10-26T22:00:00+01:00";
    let (from, to) = (t(start), t("2024-10-27T06:00:00+00:00"));
    let mut feed = background(start, 27);
    feed.keep(from, to);
    feed.calls.push(Call {
        id: "CC-K1".to_string(),
        line: "999",
        lpa: Some("WOL".to_string()),
        offered: t("2024-10-27T01:59:57+01:00"),
        end: Some((End::Answered, t("2024-10-27T01:00:02+00:00"))),
        handled: None,
    });
    feed.calls.push(Call {
        id: "CC-K2".to_string(),
        line: "101",
        lpa: Some("WOL".to_string()),
        offered: t("2024-10-27T01:58:00+01:00"),
        end: Some((End::Answered, t("2024-10-27T01:01:30+00:00"))),
        handled: None,
    });
    feed.incidents.push(Incident {
        id: "CC-Q1".to_string(),
        grade: "emergency",
        lpa: Some("WOL".to_string()),
        created: t("2024-10-27T01:50:00+01:00"),
        end: Some((End::Arrived, t("2024-10-27T01:04:00+00:00"))),
    });
    feed
}

/// Thursday 4 July 2024, 14:00–21:00 BST: the evening peak with two 999 call handlers
/// off sick. The early shift has 14 on 999; the late shift, due 15 from 15:00, starts
/// with 13; one handler called in arrives at 18:30 and a second at 19:30. Every 999
/// call of 12:00–21:00 is answered through one first-come-first-served queue of those
/// handlers (2–5 s to pick up once one is free, gen's handle times; callers whose wait
/// outruns their patience hang up), so answer times climb while the board says SHORT and come
/// back when the handlers arrive. 101 keeps gen's times and its full roster (16, then 18).
fn handlers_off_sick() -> Feed {
    let start = "2024-07-04T12:00:00+01:00";
    let (from, to) = (
        t("2024-07-04T14:00:00+01:00"),
        t("2024-07-04T21:00:00+01:00"),
    );
    let late_shift = t("2024-07-04T15:00:00+01:00");
    let cover = [
        t("2024-07-04T18:30:00+01:00"),
        t("2024-07-04T19:30:00+01:00"),
    ];
    let mut feed = background_with(start, 45, true);
    let mut rng = Rng(0x7_0000_51C4);

    // The 999 handlers as seats, each staffed over a span: 14 early seats to 15:00, 13
    // late seats from 15:00, and the two who cover.
    let origin = t(start);
    let mut seats: Vec<(i64, i64)> = vec![(origin, late_shift); 14];
    seats.extend(vec![(late_shift, to); 13]);
    seats.extend(cover.iter().map(|&at| (at, to)));
    let mut free_at: Vec<i64> = seats.iter().map(|s| s.0).collect();

    let mut order: Vec<usize> = (0..feed.calls.len())
        .filter(|&n| feed.calls[n].line == "999")
        .collect();
    order.sort_by_key(|&n| (feed.calls[n].offered, n));
    for n in order {
        let c = &mut feed.calls[n];
        let Some((End::Answered, answered)) = c.end else {
            continue;
        };
        // Picking up takes 2–5 s once a handler is free; gen's handle time is kept.
        let ring = ms(rng.range(2.0, 5.0));
        let handle = c.handled.map_or(ms(210.0), |at| at - answered);
        let ready = c.offered + ring;
        // The seat that can take the call first (a seat's call may run past its shift's
        // end: a handler finishes the call in hand).
        let Some((seat, answer)) = seats
            .iter()
            .zip(&free_at)
            .enumerate()
            .filter(|(_, (span, _))| span.1 > ready)
            .map(|(seat, (span, &free))| (seat, ready.max(free).max(span.0)))
            .min_by_key(|&(seat, at)| (at, seat))
        else {
            continue;
        };
        let patience = ms(45.0 + 240.0 * rng.unit() * rng.unit());
        if answer - c.offered > ring.max(patience) {
            c.end = Some((End::Abandoned, c.offered + ring.max(patience)));
            c.handled = None;
        } else {
            c.end = Some((End::Answered, answer));
            c.handled = Some(answer + handle);
            free_at[seat] = answer + handle;
        }
    }

    // The roster as the CAD reports it: every five minutes and at each change.
    let on_duty = |line: &str, at: i64| -> u32 {
        match line {
            "999" => seats.iter().filter(|s| (s.0..s.1).contains(&at)).count() as u32,
            _ => {
                if at < late_shift {
                    16
                } else {
                    18
                }
            }
        }
    };
    let mut times: Vec<i64> = (from..to).step_by(5 * MIN as usize).collect();
    times.extend(cover);
    times.sort_unstable();
    for at in times {
        for line in ["999", "101"] {
            let busy = feed
                .calls
                .iter()
                .filter(|c| c.line == line)
                .filter(|c| matches!(c.end, Some((End::Answered, a)) if a <= at))
                .filter(|c| c.handled.is_none_or(|ended| ended > at))
                .count() as u32;
            let staffed = on_duty(line, at);
            feed.staffing
                .push((at, line, staffed, staffed.saturating_sub(busy)));
        }
    }
    feed.keep(from, to);
    feed
}
