//! Replay: the figures at virtual time T are exactly `report --at T`'s, whichever way the
//! clock got there (playing, seeking forwards, seeking backwards across checkpoints).

use forceboard::config::{Config, Window};
use forceboard::engine::ScopedFigures;
use forceboard::generate::{GenOptions, generate};
use forceboard::ingest::playback::Playback;
use forceboard::ingest::replay::{Replay, ReplayOptions};
use forceboard::report::compute;
use forceboard::time::{Span, Timestamp, parse_rfc3339};

fn two_days() -> Vec<u8> {
    let mut feed = Vec::new();
    let options = GenOptions {
        days: 2,
        seed: 5,
        ..GenOptions::default()
    };
    generate(&options, &mut feed).expect("in memory");
    feed
}

/// What `forceboard report FEED --at T --window W` computes, for each of `WINDOWS`.
fn report_at(feed: &[u8], at: Timestamp) -> Vec<ScopedFigures> {
    WINDOWS
        .map(|span| {
            compute(feed, &Config::default(), Some(at), &Window::new(span))
                .expect("in memory")
                .expect("a time")
                .figures
        })
        .to_vec()
}

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).expect("test time")
}

/// Wall time `secs` seconds after the epoch.
fn wall_at(secs: i64) -> Timestamp {
    Timestamp::UNIX_EPOCH + Span::from_secs(secs)
}

const WINDOWS: [Span; 3] = [Span::from_mins(15), Span::HOUR, Span::from_hours(24)];

/// The engine's figures.
fn figures(replay: &Replay, at: Timestamp, window: Span) -> ScopedFigures {
    replay.engine().scoped_figures(at, window)
}

fn assert_same_as_report(replay: &Replay, feed: &[u8], wall: Timestamp) {
    let now = replay.now(wall);
    for (window, expected) in WINDOWS.into_iter().zip(report_at(feed, now)) {
        assert!(
            figures(replay, now, window) == expected,
            "replay and report differ at {now:?} over {window:?}"
        );
    }
}

#[test]
fn replay_at_t_equals_report_at_t_playing_and_seeking_both_ways() {
    let feed = two_days();
    let config = Config::default();
    let playback = Playback::read(&feed[..]).expect("in memory");
    let start = t("2024-07-01T06:00:00+01:00");
    let mut wall = wall_at(0);
    let mut replay = Replay::new(
        playback,
        config.engine_settings(None),
        ReplayOptions {
            from: Some(start),
            speed: 60.0,
            ..ReplayOptions::default()
        },
        wall,
    );
    assert_eq!(replay.now(wall), start);
    assert_same_as_report(&replay, &feed, wall);

    // Play 10 wall minutes at ×60: 10 virtual hours, in uneven steps.
    for step in [1, 7, 60, 200, 332] {
        wall += Span::from_secs(step);
        replay.advance(wall);
    }
    assert_eq!(replay.now(wall), start + Span::from_mins(600));
    assert_same_as_report(&replay, &feed, wall);

    // Seek back across a checkpoint, forward past one, and back to the start.
    for target in [
        "2024-07-01T07:30:00+01:00",
        "2024-07-02T13:05:00+01:00",
        "2024-07-01T23:59:59.999+01:00",
        "2024-07-02T00:00:00+01:00",
    ] {
        replay.seek(t(target), wall);
        assert_eq!(replay.now(wall), t(target));
        assert_same_as_report(&replay, &feed, wall);
    }
    replay.seek(Timestamp::MIN, wall);
    assert_eq!(replay.now(wall), start);
    assert_same_as_report(&replay, &feed, wall);
}

#[test]
fn pause_speed_and_the_end() {
    let feed = two_days();
    let playback = Playback::read(&feed[..]).expect("in memory");
    let last = playback.last_at().expect("events");
    let start = t("2024-07-02T22:00:00+01:00");
    let mut replay = Replay::new(
        playback,
        Config::default().engine_settings(None),
        ReplayOptions {
            from: Some(start),
            ..ReplayOptions::default()
        },
        wall_at(0),
    );
    replay.toggle_pause(wall_at(0));
    replay.advance(wall_at(3600));
    assert_eq!(
        replay.now(wall_at(3600)),
        start,
        "paused: the clock stands still"
    );
    replay.toggle_pause(wall_at(3600));
    replay.set_speed(120.0, wall_at(3600));
    let wall = wall_at(3630);
    assert_eq!(replay.now(wall), start + Span::from_secs(3600));
    // 30 more wall seconds at ×120 is past the end: the clock holds at the last event.
    let wall = wall_at(3660);
    replay.advance(wall);
    assert_eq!(replay.now(wall), last);
    assert!(replay.at_end(wall));
    assert_same_as_report(&replay, &feed, wall);
}

#[test]
fn a_slightly_shuffled_recording_replays_like_the_sorted_one() {
    let feed = two_days();
    let text = String::from_utf8(feed.clone()).expect("UTF-8");
    let mut lines: Vec<&str> = text.lines().collect();
    // Move every 7th line 40 places later: a few minutes at most, inside the horizon.
    let mut shuffled = Vec::with_capacity(lines.len());
    let mut held = Vec::new();
    for (i, line) in lines.drain(..).enumerate() {
        if i % 7 == 3 {
            held.push((i + 40, line));
        } else {
            shuffled.push(line);
        }
        while held.first().is_some_and(|(due, _)| *due <= i) {
            shuffled.push(held.remove(0).1);
        }
    }
    shuffled.extend(held.into_iter().map(|(_, line)| line));
    let shuffled = shuffled.join("\n").into_bytes();
    assert_ne!(shuffled, feed);
    let settings = Config::default().engine_settings(None);
    let at = t("2024-07-02T17:45:00+01:00");
    let replays: Vec<Replay> = [&feed, &shuffled]
        .iter()
        .map(|bytes| {
            let playback = Playback::read(&bytes[..]).expect("in memory");
            let mut replay = Replay::new(
                playback,
                settings.clone(),
                ReplayOptions::default(),
                wall_at(0),
            );
            replay.seek(at, wall_at(0));
            replay
        })
        .collect();
    for window in WINDOWS {
        assert!(figures(&replays[0], at, window) == figures(&replays[1], at, window));
    }
    assert_same_as_report(&replays[1], &shuffled, wall_at(0));
}

#[test]
fn the_demo_loops_back_to_its_start() {
    let playback = Playback::read(forceboard::DEMO_DAY.as_bytes()).expect("demo day");
    let first = playback.first_at().expect("events");
    let start = first + Span::from_hours(17);
    let mut demo = Replay::new(
        playback,
        Config::default().engine_settings(None),
        ReplayOptions {
            from: Some(start),
            looping: true,
            ..ReplayOptions::default()
        },
        wall_at(0),
    );
    let before = figures(&demo, start, Span::HOUR);
    // Eight hours later the day is over: back to 17:00 with the same figures as at first.
    let wall = wall_at(8 * 3600);
    let step = demo.advance(wall);
    assert!(step.looped);
    assert_eq!(demo.now(wall), start);
    assert!(figures(&demo, start, Span::HOUR) == before);
}

#[test]
fn checkpoints_stay_bounded_on_a_long_recording() {
    let mut feed = Vec::new();
    let options = GenOptions {
        days: 8,
        seed: 9,
        ..GenOptions::default()
    };
    generate(&options, &mut feed).expect("in memory");
    let playback = Playback::read(&feed[..]).expect("in memory");
    let settings = Config::default().engine_settings(None);
    let mut replay = Replay::new(
        playback,
        settings,
        ReplayOptions {
            speed: 10_000.0,
            ..ReplayOptions::default()
        },
        wall_at(0),
    );
    // Play it through in one-hour virtual steps: 8 days would make 32 six-hourly copies.
    let mut wall = wall_at(0);
    while !replay.at_end(wall) {
        wall += Span::HOUR / 10_000;
        replay.advance(wall);
        assert!(replay.checkpoints() <= forceboard::ingest::replay::MAX_CHECKPOINTS);
    }
    assert!(replay.checkpoints() >= forceboard::ingest::replay::MAX_CHECKPOINTS / 2);
    // A seek back to day 3 still gives report's figures.
    let target = t("2024-07-03T09:10:00+01:00");
    replay.seek(target, wall);
    assert_same_as_report(&replay, &feed, wall);
}
