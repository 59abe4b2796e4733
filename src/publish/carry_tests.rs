//! The carried items of a small day, worked by hand. A backfill of 1 h and the 10 min
//! margin either way: a board's backfill starts 50 to 70 min behind the feed's latest time.
//! Lines are written in records under the generation (half hour) of the feed's time; a
//! generation that ended 30 min ago has its carried items written again and is purged
//! whole. Each line here is recorded and then the record flushed, as a publisher does
//! when its acks have caught up.

use super::*;
use crate::feed::parse::parse_line;
use crate::feed::source::nats::carried::{decode_lines, generation_filter, index_key, item_of_key};

const SUBJECT: &str = "events.test";

fn carry() -> Carry {
    Carry::new(SUBJECT, Span::HOUR, Span::from_hours(24), (42, 7))
}

/// Far ahead of every line: the publisher's clock holds nothing back.
fn now() -> Timestamp {
    Timestamp::from_nanos(i64::MAX / 2)
}

/// Records `line` as stored alone in message `sequence`, keeping only the item writes.
fn record(carry: &mut Carry, sequence: u64, line: &str) -> Vec<CarryWrite> {
    record_at(carry, StreamPosition::first_of(sequence), line)
}

/// Records `line` as stored at `position`, then flushes the record, keeping only the
/// writes of carried lines and purges.
fn record_at(carry: &mut Carry, position: StreamPosition, line: &str) -> Vec<CarryWrite> {
    let event = parse_line(line.as_bytes()).expect("a valid line");
    let mut writes = carry.record(position, &event, line, now());
    writes.extend(carry.flush());
    writes
        .into_iter()
        .filter(|write| match write {
            CarryWrite::Put { key, .. } | CarryWrite::Delete { key } => *key != index_key(SUBJECT),
        })
        .collect()
}

fn heartbeat(at: &str) -> String {
    format!(r#"{{"kind":"heartbeat","at":"2024-07-05T{at}Z"}}"#)
}

/// The generation beginning at a time of 5 July 2024 (`HH:MM:SS`), in Unix seconds:
/// 1,720,137,600 is 00:00:00 that day.
fn generation(hms: &str) -> i64 {
    let [h, m, s]: [i64; 3] = hms
        .split(':')
        .map(|part| part.parse().expect("a number"))
        .collect::<Vec<_>>()
        .try_into()
        .expect("HH:MM:SS");
    assert_eq!((m % 30, s), (0, 0), "a generation begins on the half hour");
    1_720_137_600 + h * 3600 + m * 60 + s
}

/// The same on 8 July (three days later).
fn generation_8(hms: &str) -> i64 {
    generation(hms) + 3 * 86_400
}

/// An item's lines written under a generation, as [`puts`] gives them.
fn put_of(id: &str, kind: ItemKind, generation: i64, sequences: &[u64]) -> (String, Vec<u64>) {
    (format!("{kind:?} {id} in {generation}"), sequences.to_vec())
}

fn purge_of(generation: i64) -> String {
    generation_filter(SUBJECT, generation)
}

/// The lines written in records, by item and generation, in order of the items.
fn puts(writes: &[CarryWrite]) -> Vec<(String, Vec<u64>)> {
    let mut by_item: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for write in writes {
        let CarryWrite::Put { key, value } = write else {
            continue;
        };
        if *key == index_key(SUBJECT) {
            continue;
        }
        assert!(key.contains(".lines."), "{key}: only records are written");
        let generation = item_of_key(key, SUBJECT)
            .and_then(|key| key.generation)
            .expect("a record's generation");
        for (position, line) in decode_lines(value) {
            assert_eq!(position.index, 0, "{key}: the first line of a message");
            let event = parse_line(&line).expect("a carried line");
            let (kind, id) = item_of(&event).expect("an item's line");
            by_item
                .entry(put_of(&id, kind, generation, &[]).0)
                .or_default()
                .push(position.sequence);
        }
    }
    by_item.into_iter().collect()
}

fn deletes(writes: &[CarryWrite]) -> Vec<String> {
    writes
        .iter()
        .filter_map(|write| match write {
            CarryWrite::Delete { key } => Some(key.clone()),
            CarryWrite::Put { .. } => None,
        })
        .collect()
}

#[test]
fn items_crossing_the_start_of_a_backfill_are_carried_until_they_finish_before_it() {
    let mut carry = carry();
    let lines = [
        r#"{"kind":"incident_created","at":"2024-07-05T00:00:00Z","id":"I1","grade":"priority"}"#,
        r#"{"kind":"call_offered","at":"2024-07-05T00:00:00Z","id":"C1","line":"999"}"#,
        r#"{"kind":"call_answered","at":"2024-07-05T00:00:20Z","id":"C1"}"#,
        r#"{"kind":"incident_created","at":"2024-07-05T00:05:00Z","id":"I3","grade":"emergency"}"#,
        r#"{"kind":"incident_arrived","at":"2024-07-05T00:06:00Z","id":"I3"}"#,
        r#"{"kind":"incident_created","at":"2024-07-05T00:30:00Z","id":"I2","grade":"emergency"}"#,
    ];
    for (sequence, line) in (1..).zip(lines) {
        assert!(record(&mut carry, sequence, line).is_empty(), "{line}");
    }
    // 01:20: a board's backfill may start from 00:10 (70 min back) to 00:30 (50 min).
    // I1 (open) and C1 (answered at 00:00:20, so needed until its `call_ended` can no
    // longer matter, 01:00:20) began before 00:30 and are not done by 00:10: carried,
    // in the generation of 01:00-01:30. I3 finished at 00:06: no board needs it. I2
    // began at 00:30: not yet.
    let writes = record(&mut carry, 7, &heartbeat("01:20:00"));
    let mut carried = puts(&writes);
    carried.sort();
    let g0100 = generation("01:00:00");
    let mut expected = vec![
        put_of("I1", ItemKind::Incident, g0100, &[1]),
        put_of("C1", ItemKind::Call, g0100, &[2, 3]),
    ];
    expected.sort();
    assert_eq!(carried, expected);
    assert!(deletes(&writes).is_empty());
    assert_eq!(carry.carried_ids(), ["C1", "I1"]);
    // 01:30: I2 is attended; it began (00:30) before 00:40 and finished after 00:20.
    let arrived = r#"{"kind":"incident_arrived","at":"2024-07-05T01:30:00Z","id":"I2"}"#;
    let writes = record(&mut carry, 8, arrived);
    let g0130 = generation("01:30:00");
    assert_eq!(
        puts(&writes),
        [put_of("I2", ItemKind::Incident, g0130, &[6, 8])]
    );
    assert!(deletes(&writes).is_empty());
    // 02:20: no backfill starts before 01:10; C1 was done with at 01:00:20. The
    // generation of 01:00 ended 50 min ago: what is still carried of it (I1) is written
    // again under 02:00, then it is purged whole (C1's copy too). That of 01:30 ended
    // 20 min ago: kept.
    let writes = record(&mut carry, 9, &heartbeat("02:20:00"));
    let g0200 = generation("02:00:00");
    assert_eq!(
        puts(&writes),
        [put_of("I1", ItemKind::Incident, g0200, &[1])]
    );
    assert_eq!(deletes(&writes), [purge_of(g0100)]);
    assert_eq!(carry.carried_ids(), ["I1", "I2"]);
    // 02:45: none before 01:35; I2 finished at 01:30: forgotten. The generation of 01:30
    // ended 45 min ago and holds nothing still carried: purged, I2's copy with it. I1
    // stays, open.
    let writes = record(&mut carry, 10, &heartbeat("02:45:00"));
    assert!(puts(&writes).is_empty());
    assert_eq!(deletes(&writes), [purge_of(g0130)]);
    assert_eq!(carry.carried_ids(), ["I1"]);
    // Its arrival, days later, is written with it under that day's generation; 02:00
    // (only I1's older copy now) is purged.
    let arrived = r#"{"kind":"incident_arrived","at":"2024-07-08T09:00:00Z","id":"I1"}"#;
    let writes = record(&mut carry, 11, arrived);
    let g0900 = generation_8("09:00:00");
    assert_eq!(
        puts(&writes),
        [put_of("I1", ItemKind::Incident, g0900, &[1, 11])]
    );
    assert_eq!(deletes(&writes), [purge_of(g0200)]);
    // Once its arrival is past the horizon it is forgotten, and its generation purged.
    let writes = record(
        &mut carry,
        12,
        &heartbeat("23:59:00").replace("07-05", "07-08"),
    );
    assert!(puts(&writes).is_empty());
    assert_eq!(deletes(&writes), [purge_of(g0900)]);
    assert!(carry.carried_ids().is_empty());
    assert!(carry.generations.is_empty());
}

#[test]
fn a_call_never_closed_is_forgotten_after_the_longest_plausible_call() {
    let mut carry = carry();
    let offered = r#"{"kind":"call_offered","at":"2024-07-05T00:00:00Z","id":"C9","line":"101"}"#;
    record(&mut carry, 1, offered);
    let writes = record(&mut carry, 2, &heartbeat("00:51:00"));
    let g0030 = generation("00:30:00");
    assert_eq!(puts(&writes), [put_of("C9", ItemKind::Call, g0030, &[1])]);
    // 23:55: still plausible, so written again under 23:30 as its generation is swept.
    let writes = record(&mut carry, 3, &heartbeat("23:55:00"));
    let g2330 = generation("23:30:00");
    assert_eq!(puts(&writes), [put_of("C9", ItemKind::Call, g2330, &[1])]);
    assert_eq!(deletes(&writes), [purge_of(g0030)]);
    assert_eq!(carry.carried_ids(), ["C9"], "23 h 55 min: still plausible");
    let next_day = heartbeat("00:00:00").replace("07-05", "07-06");
    let writes = record(&mut carry, 4, &next_day);
    assert!(writes.is_empty());
    assert_eq!(carry.carried_ids(), ["C9"], "exactly 24 h: still plausible");
    let writes = record(
        &mut carry,
        5,
        &heartbeat("00:05:00").replace("07-05", "07-06"),
    );
    assert!(carry.carried_ids().is_empty(), "24 h 5 min: forgotten");
    assert!(writes.is_empty(), "its generation ended 5 min ago");
    let writes = record(
        &mut carry,
        6,
        &heartbeat("00:30:00").replace("07-05", "07-06"),
    );
    assert_eq!(deletes(&writes), [purge_of(g2330)]);
}

#[test]
fn a_line_acked_again_and_a_line_dated_ahead_of_the_clock_change_nothing() {
    let mut carry = carry();
    let created =
        r#"{"kind":"incident_created","at":"2024-07-05T00:00:00Z","id":"I1","grade":"priority"}"#;
    record(&mut carry, 5, created);
    // The same line acked as a duplicate comes with its first sequence.
    record(&mut carry, 5, created);
    let clock = parse_line(heartbeat("00:30:00").as_bytes())
        .expect("valid")
        .at;
    // Dated a year ahead, read at 00:30: the feed's time moves to 00:31 at most.
    let stray = heartbeat("00:00:00").replace("2024", "2025");
    let event = parse_line(stray.as_bytes()).expect("valid");
    carry.record(StreamPosition::first_of(6), &event, &stray, clock);
    assert_eq!(carry.latest, Some(clock + Span::MINUTE));
    assert!(carry.carried_ids().is_empty());
    let writes = record(&mut carry, 7, &heartbeat("00:51:00"));
    assert_eq!(
        puts(&writes),
        [put_of(
            "I1",
            ItemKind::Incident,
            generation("00:30:00"),
            &[5]
        )]
    );
}

#[test]
fn the_index_keeps_the_steps_a_backfill_can_start_from() {
    let mut carry = carry();
    for (sequence, at) in (1..).zip(["00:00:00", "00:03:00", "00:05:00", "00:41:00", "01:15:00"]) {
        let line = heartbeat(at);
        let event = parse_line(line.as_bytes()).expect("valid");
        carry.record(StreamPosition::first_of(sequence), &event, &line, now());
    }
    let secs = |hms: &str| {
        parse_line(heartbeat(hms).as_bytes())
            .expect("valid")
            .at
            .nanos()
            / 1_000_000_000
    };
    // 01:15 − 70 min = 00:05: the step of 00:05 is the oldest kept.
    let steps: Vec<(i64, u64)> = carry.index.iter().copied().collect();
    assert_eq!(
        steps,
        [
            (secs("00:05:00"), 3),
            (secs("00:40:00"), 4),
            (secs("01:15:00"), 5)
        ]
    );
    assert_eq!(carry.replay_from(), Some(3));
}

#[test]
fn items_taken_up_are_written_again_whole_when_their_oldest_generation_is_purged() {
    let mut carry = carry();
    let take = |carry: &mut Carry, line: &str, sequence: u64, generation: Option<i64>| {
        let event = parse_line(line.as_bytes()).expect("valid");
        carry.resume_line(
            (StreamPosition::first_of(sequence), &event, line),
            generation,
        );
    };
    let created =
        r#"{"kind":"incident_created","at":"2024-07-05T00:00:00Z","id":"I7","grade":"priority"}"#;
    let offered = r#"{"kind":"call_offered","at":"2024-07-05T00:40:00Z","id":"C3","line":"999"}"#;
    // I7's line in a record of 00:30 and in an older one of 00:00 (as the bucket is read:
    // in stream order, the older generation first); C3 under a key written before
    // generations.
    let (g0000, g0030) = (generation("00:00:00"), generation("00:30:00"));
    take(&mut carry, created, 1, Some(g0000));
    take(&mut carry, created, 1, Some(g0030));
    take(&mut carry, offered, 3, None);
    carry.resume_legacy_key("events.test.call.4333");
    assert_eq!(carry.carried_ids(), ["C3", "I7"]);
    // 01:00: generations before 00:30 are swept. I7's oldest lines are under 00:00 and
    // C3's under none: both are written again under 01:00, then the old key and 00:00
    // are purged, after them. 00:30 is kept (it held only a copy of I7's line).
    let writes = record(&mut carry, 10, &heartbeat("01:00:00"));
    let g0100 = generation("01:00:00");
    assert_eq!(
        puts(&writes),
        [
            put_of("C3", ItemKind::Call, g0100, &[3]),
            put_of("I7", ItemKind::Incident, g0100, &[1])
        ]
    );
    assert_eq!(
        deletes(&writes),
        ["events.test.call.4333".to_string(), purge_of(g0000)]
    );
    let put_at = |writes: &[CarryWrite], key_part: &str| {
        writes.iter().position(|write| match write {
            CarryWrite::Put { key, .. } | CarryWrite::Delete { key } => key.contains(key_part),
        })
    };
    assert!(put_at(&writes, ".lines.") < put_at(&writes, "4333"));
    let generations: Vec<i64> = carry.generations.keys().copied().collect();
    assert_eq!(generations, [g0030, g0100]);
}

#[test]
fn the_lines_of_one_message_are_each_kept_in_their_place_and_a_copy_of_it_changes_nothing() {
    let mut carry = carry();
    let created =
        r#"{"kind":"incident_created","at":"2024-07-05T00:00:00Z","id":"I4","grade":"emergency"}"#;
    let attended = r#"{"kind":"incident_arrived","at":"2024-07-05T00:12:00Z","id":"I4"}"#;
    let offered = r#"{"kind":"call_offered","at":"2024-07-05T00:13:00Z","id":"C9","line":"101"}"#;
    // One message (sequence 5) of three lines, then its copy acked as a duplicate.
    let place = |index| StreamPosition { sequence: 5, index };
    for _ in 0..2 {
        record_at(&mut carry, place(0), created);
        record_at(&mut carry, place(1), offered);
        record_at(&mut carry, place(2), attended);
    }
    // 00:51: I4 (first line 00:00, finished 00:12) is past the carry horizon (00:51 − 50
    // min = 00:01) and not finished before the oldest backfill start (23:41 the day
    // before): carried under 00:30, with both its lines in their places; C9 (00:13) not yet.
    let writes = record(&mut carry, 6, &heartbeat("00:51:00"));
    let records: Vec<_> = writes
        .iter()
        .filter_map(|write| match write {
            CarryWrite::Put { key, value } => Some((key.clone(), decode_lines(value))),
            CarryWrite::Delete { .. } => None,
        })
        .collect();
    assert_eq!(records.len(), 1, "{records:?}");
    let (key, lines) = &records[0];
    assert_eq!(
        *key,
        format!("events.test.lines.g{}.7-0", generation("00:30:00"))
    );
    let places: Vec<_> = lines.iter().map(|(position, _)| *position).collect();
    assert_eq!(places, [place(0), place(2)]);
    assert_eq!(&lines[1].1[..], attended.as_bytes());
    assert_eq!(carry.carried_ids(), ["I4"]);
}

#[test]
fn a_record_holds_at_most_256_lines_and_numbers_follow_one_another() {
    let mut carry = carry();
    // 300 incidents opened at 00:00, one line each, none carried yet.
    for number in 1..=300_u64 {
        let line = format!(
            r#"{{"kind":"incident_created","at":"2024-07-05T00:00:00Z","id":"I{number}","grade":"priority"}}"#
        );
        let event = parse_line(line.as_bytes()).expect("valid");
        let writes = carry.record(StreamPosition::first_of(number), &event, &line, now());
        assert!(writes.iter().all(
            |write| matches!(write, CarryWrite::Put { key, .. } if *key == index_key(SUBJECT))
        ));
    }
    // 00:51: all 300 are past the carry horizon (00:01) and open: carried at once, in a
    // record of 256 lines written as it fills, and the other 44 when flushed.
    let writes = record(&mut carry, 301, &heartbeat("00:51:00"));
    let records: Vec<(String, usize)> = writes
        .iter()
        .filter_map(|write| match write {
            CarryWrite::Put { key, value } => Some((key.clone(), decode_lines(value).len())),
            CarryWrite::Delete { .. } => None,
        })
        .collect();
    let g0030 = generation("00:30:00");
    assert_eq!(
        records,
        [
            (format!("events.test.lines.g{g0030}.7-0"), 256),
            (format!("events.test.lines.g{g0030}.7-1"), 44)
        ]
    );
    assert_eq!(carry.carried_ids().len(), 300);
    // Nothing gathered: a flush writes nothing.
    assert!(carry.flush().is_empty());
}
