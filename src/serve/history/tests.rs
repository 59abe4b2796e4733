use super::*;
use crate::serve::lines::Space;

fn s(secs: i64) -> Timestamp {
    Timestamp::UNIX_EPOCH + Span::from_secs(secs)
}

fn call(id: &str) -> Key {
    (Space::Call, id.into())
}

fn incident(id: &str) -> Key {
    (Space::Incident, id.into())
}

fn send(history: &mut History, at: i64, text: &str, role: Role) {
    history.push(s(at), format!("{text}\n").into(), role);
}

/// A line that opens and closes nothing (the close of an id never opened).
fn plain(history: &mut History, at: i64, text: &str) {
    send(history, at, text, Role::Close(call(text)));
}

/// Everything `cursor` can take now, one line per take (each take stops once a byte is
/// taken), so every take resumes where the last one stopped.
fn take_all(history: &History, cursor: &mut Cursor) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut out = Vec::new();
        assert_eq!(history.take(cursor, &mut out, 1), Taken::Lines);
        if out.is_empty() {
            return lines;
        }
        lines.extend(out.iter().map(|line| line.trim_end().to_string()));
    }
}

#[test]
fn a_joiner_keeps_the_old_openings_it_joined_with_even_when_they_close_meanwhile() {
    let mut history = History::new(Span::from_secs(10), 100);
    send(&mut history, 0, "open A", Role::Open(call("A")));
    send(&mut history, 1, "open B", Role::Open(call("B")));
    send(&mut history, 2, "close B", Role::Close(call("B")));
    // 20 s: A, B and B's close leave the 10 s backlog; A is still open, so it is kept.
    send(&mut history, 20, "open C", Role::Open(call("C")));
    let (mut early, backlog) = history.join();
    assert_eq!(backlog, 2, "open A (old), open C");
    send(&mut history, 21, "close A", Role::Close(call("A")));
    let (mut late, _) = history.join();
    assert_eq!(
        take_all(&history, &mut early),
        ["open A", "open C", "close A"]
    );
    // Joined after A closed: its close stands alone, as it did before.
    assert_eq!(take_all(&history, &mut late), ["open C", "close A"]);
    // Once no joiner is reading old openings, the closed one is let go.
    history.tidy([early, late].iter());
    let (mut third, backlog) = history.join();
    assert_eq!(backlog, 2);
    assert_eq!(take_all(&history, &mut third), ["open C", "close A"]);
}

#[test]
fn a_cancellation_whose_creation_left_the_backlog_reaches_only_those_who_saw_the_creation() {
    let mut history = History::new(Span::from_secs(10), 100);
    let (mut there, _) = history.join();
    send(&mut history, 0, "create I", Role::Open(incident("I")));
    send(&mut history, 5, "open X", Role::Open(call("X")));
    // 12 s: the creation (0 s) leaves the backlog as the cancellation is sent.
    send(&mut history, 12, "cancel I", Role::Cancel(incident("I")));
    // J: created at 30 s, an old opening from 45 s (still open), cancelled at 46 s.
    send(&mut history, 30, "create J", Role::Open(incident("J")));
    plain(&mut history, 45, "x");
    send(&mut history, 46, "cancel J", Role::Cancel(incident("J")));
    // A cancellation of an incident never created is not sent at all.
    let sent = history.push(s(47), "cancel K\n".into(), Role::Cancel(incident("K")));
    assert!(!sent);
    let (mut joiner, _) = history.join();
    assert_eq!(
        take_all(&history, &mut there),
        [
            "create I", "open X", "cancel I", "create J", "x", "cancel J"
        ]
    );
    // X (5 s) is old and still open; the backlog is from 36 s on: x, and J's
    // cancellation, left out as J's creation is not in it.
    assert_eq!(take_all(&history, &mut joiner), ["open X", "x"]);
}

#[test]
fn heartbeats_fall_between_the_events_they_followed_and_joiners_get_only_newer_ones() {
    let mut history = History::new(Span::from_secs(600), 100);
    let (mut there, _) = history.join();
    plain(&mut history, 0, "a");
    history.push_beat("beat 1\n".into());
    plain(&mut history, 1, "b");
    let (mut joiner, _) = history.join();
    history.push_beat("beat 2\n".into());
    plain(&mut history, 2, "c");
    assert_eq!(
        take_all(&history, &mut there),
        ["a", "beat 1", "b", "beat 2", "c"]
    );
    assert_eq!(take_all(&history, &mut joiner), ["a", "b", "beat 2", "c"]);
}

#[test]
fn a_client_behind_by_more_than_the_live_depth_has_lost_lines() {
    // No backlog: only the last 2 lines are kept.
    let mut history = History::new(Span::ZERO, 2);
    let (mut slow, _) = history.join();
    for (at, text) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        plain(&mut history, i64::try_from(at).unwrap(), text);
    }
    assert_eq!(history.waiting_live(&slow), 5);
    let (mut joiner, backlog) = history.join();
    assert_eq!(backlog, 0);
    assert_eq!(history.waiting_live(&joiner), 0);
    let mut out = Vec::new();
    assert_eq!(history.take(&mut slow, &mut out, 1024), Taken::FellBehind);
    plain(&mut history, 5, "f");
    assert_eq!(take_all(&history, &mut joiner), ["f"]);
}

#[test]
fn lines_a_joiner_still_has_to_take_are_kept_after_they_leave_the_backlog() {
    let mut history = History::new(Span::from_secs(10), 1);
    for (at, text) in ["p0", "p1", "p2", "p3", "p4"].iter().enumerate() {
        plain(&mut history, i64::try_from(at).unwrap(), text);
    }
    let (mut joiner, backlog) = history.join();
    assert_eq!(backlog, 5);
    let mut first = Vec::new();
    history.take(&mut joiner, &mut first, 1);
    assert_eq!(first.len(), 1);
    // 30 s: p0–p4 leave the backlog; the joiner still needs p1–p4.
    plain(&mut history, 30, "p5");
    assert_eq!(
        take_all(&history, &mut joiner),
        ["p1", "p2", "p3", "p4", "p5"]
    );
    // The joiner is live now: nothing pins p1–p4 any more.
    history.tidy([joiner].iter());
    assert_eq!(history.entries.len(), 1);
    let (mut late, backlog) = history.join();
    assert_eq!(backlog, 1);
    assert_eq!(take_all(&history, &mut late), ["p5"]);
}
