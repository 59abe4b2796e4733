//! A fuzzed feed (mostly well-formed events over a few ids, plus raw bytes) split into
//! lines, through the ordered ingest of files into the engine, then through the live
//! ingest; the figures checked at the latest accepted time, at a fuzzed time and at a time
//! after the feed, for each of the board's windows.

#![no_main]

use libfuzzer_sys::fuzz_target;

use forceboard::ingest::live::{LiveIngest, Outcome};
use forceboard::engine::{Engine, EngineSettings};
use forceboard::feed::parse::{Classified, classify};
use forceboard::ingest::OrderedIngest;
use forceboard::model::Event;
use forceboard::time::{Span, Timestamp};
use forceboard_fuzz::feed::FeedInput;
use forceboard_fuzz::figure_checks::{WINDOWS, check_engine_at};
use forceboard_fuzz::line_checks::assert_reason_printable;
use forceboard_fuzz::split::{reference_lines, split_in_chunks};

fn settings() -> EngineSettings {
    EngineSettings {
        // Two configured areas; the feed also uses one that is not configured.
        areas: vec!["BIR".to_string(), "COV".to_string()],
        retention: WINDOWS[WINDOWS.len() - 1],
        ..EngineSettings::default()
    }
}

fuzz_target!(|input: FeedInput| {
    let bytes = input.bytes();
    let lines = split_in_chunks(&bytes, usize::from(input.chunk) + 1);
    assert_eq!(lines, reference_lines(&bytes));

    let until = input.until.map(|t| t.instant(input.base, input.scale));
    let mut ingest = OrderedIngest::new(Engine::new(settings()), input.horizon.span(), until);
    let mut rejects = 0u64;
    let mut events: Vec<(u64, Event)> = Vec::new();
    let mut non_blank = 0u64;
    for (number, line) in &lines {
        ingest.push_line(*number, line.as_line(), &mut |_, reason| {
            assert_reason_printable(reason);
            rejects += 1;
        });
        // The verdicts' own checks are parse_line's; here only what the counts need.
        match classify(line.as_line()) {
            Classified::Blank => {}
            Classified::Event(event) => {
                non_blank += 1;
                events.push((*number, event));
            }
            Classified::Rejected(_) => non_blank += 1,
        }
    }
    let (engine, counts) = ingest.finish(&mut |_, reason| {
        assert_reason_printable(reason);
        rejects += 1;
    });

    assert_eq!(counts.lines, non_blank);
    assert_eq!(
        counts.lines,
        counts.accepted + counts.rejected + counts.duplicates + counts.after_at
    );
    assert_eq!(counts.rejected, rejects);
    assert_eq!(counts.latest_accepted, engine.latest());
    if let (Some(until), Some(latest)) = (until, engine.latest()) {
        assert!(latest <= until, "an event after --at was applied");
    }

    let probe = input.probe.instant(input.base, input.scale);
    if let Some(latest) = engine.latest() {
        check_engine_at(&engine, latest);
    }
    // A fuzzed time anywhere (often before the latest: the full scan answers), or one
    // after the latest (a call's expiry, a target passing while nothing arrives).
    match (input.probe_after_latest, engine.latest()) {
        (true, Some(latest)) => {
            let ahead = Span::from_secs(i64::from(input.probe_ahead_secs));
            check_engine_at(&engine, latest + ahead);
        }
        _ => check_engine_at(&engine, probe),
    }

    check_live(&input, events);
});

/// The parsed events through the live ingest, each arriving a fuzzed delay after its own
/// time (the wall clock never going back), then the clock run past every pairing grace.
fn check_live(input: &FeedInput, events: Vec<(u64, Event)>) {
    let grace = Span::from_secs(30);
    let mut live = LiveIngest::new(Engine::new(settings()), grace);
    let mut outcomes = Vec::new();
    let mut wall = Timestamp::MIN;
    let pushed = events.len();
    for ((number, event), delay) in events.into_iter().zip(input.live_delays.iter().cycle()) {
        wall = wall.max(event.at + Span::from_secs(i64::from(*delay % 64) - 8));
        // No served clock here: the board's now is the wall time.
        live.push(number, event, (wall, wall), &mut outcomes);
    }
    if let Some(latest) = live.engine().latest() {
        wall = wall.max(latest);
    }
    // Every event is due by `due`; a close held then waits one more grace.
    let due = wall + grace + Span::SECOND;
    live.advance((due, due), &mut outcomes);
    let end = due + grace + Span::SECOND;
    live.advance((end, end), &mut outcomes);
    assert_eq!(
        live.unpaired(),
        0,
        "a close still waits after its grace ran out"
    );
    assert!(outcomes.len() <= pushed);
    for outcome in &outcomes {
        if let Outcome::Rejected { reason, .. } = outcome {
            assert_reason_printable(*reason);
        }
    }
    let engine = live.engine();
    assert!(engine.latest().is_none_or(|latest| latest <= end));
    check_engine_at(engine, end);
}
