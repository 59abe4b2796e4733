//! A live board's own clock, followed from a served feed's heartbeats: paused, moved to
//! another timeline, refused when unexpected or too far ahead. Every expected figure is
//! worked out by hand from the lines sent.

use super::*;
use crate::engine::{CallFigures, Scope};
use crate::feed::parse_line;
use crate::model::RejectedLine;
use crate::time::parse_rfc3339;

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).expect("a valid time")
}

/// The wall clock the boards below are watched at: years after the recording they are
/// served.
fn wall_start() -> Timestamp {
    t("2026-12-05T15:00:00Z")
}

fn wall(secs: i64) -> Timestamp {
    wall_start() + Span::from_secs(secs)
}

fn heartbeat(at: &str, speed: f64, epoch: u64) -> String {
    format!(r#"{{"kind":"heartbeat","at":"{at}","speed":{speed},"epoch":{epoch}}}"#)
}

fn offered(id: &str, at: &str) -> String {
    format!(r#"{{"kind":"call_offered","at":"{at}","id":"{id}","line":"999"}}"#)
}

/// An answer that stands alone, as `serve` sends it.
fn answered(id: &str, at: &str, offered_at: &str) -> String {
    format!(
        r#"{{"kind":"call_answered","at":"{at}","id":"{id}","offered_at":"{offered_at}","line":"999"}}"#
    )
}

fn emergency(id: &str, at: &str) -> String {
    format!(r#"{{"kind":"incident_created","at":"{at}","id":"{id}","grade":"emergency"}}"#)
}

/// A live board connected to a feed at wall time `connected`, numbering its lines.
struct LiveBoard {
    feed: Timeline,
    next_line: u64,
}

impl LiveBoard {
    fn connected(connected: Timestamp) -> LiveBoard {
        let mut feed = Timeline::live(&Config::default(), connected);
        feed.apply(FeedItem::State(SourceState::Connected), connected);
        LiveBoard { feed, next_line: 1 }
    }

    fn send(&mut self, text: &str, wall: Timestamp) {
        let event = parse_line(text.as_bytes()).expect("a valid line");
        let line = self.next_line;
        self.next_line += 1;
        self.feed.apply(FeedItem::Event { line, event }, wall);
    }

    /// The 999 figures over the last hour at the board's time.
    fn calls_999(&self, wall: Timestamp) -> CallFigures {
        let at = self.feed.figures_at(wall);
        let figures = self.feed.engine().figures(at, Span::HOUR, Scope::Force);
        figures.calls.line_999
    }
}

#[test]
fn a_paused_served_clock_stands_still_and_the_feed_stays_live() {
    let mut board = LiveBoard::connected(wall(0));
    board.send(&heartbeat("2024-07-05T21:45:00Z", 0.0, 1), wall(0));
    board.send(&offered("P", "2024-07-05T21:44:00Z"), wall(0));
    // The server goes on sending its paused clock every second, for 40 s: more than the
    // 30 s a silent link takes to go stale.
    for second in 1..=40 {
        board.send(&heartbeat("2024-07-05T21:45:00Z", 0.0, 1), wall(second));
    }
    let feed = &board.feed;
    assert_eq!(feed.now(wall(40)), t("2024-07-05T21:45:00Z"));
    assert_eq!(
        feed.mode(),
        Mode::Training {
            speed: 0.0,
            paused: true
        }
    );
    assert_eq!(feed.status(wall(40)).state, FeedState::Live);
    // P has waited 21:44:00 → 21:45:00, however long the pause lasts.
    assert_eq!(board.calls_999(wall(40)).longest_wait_s, Some(60.0));
    assert_eq!(board.calls_999(wall(40)).waiting, 1);

    // The trainer resumes at ×20: two wall seconds later the clock reads 40 s on.
    board.send(&heartbeat("2024-07-05T21:45:00Z", 20.0, 1), wall(41));
    assert_eq!(board.feed.now(wall(43)), t("2024-07-05T21:45:40Z"));
    assert_eq!(
        board.feed.mode(),
        Mode::Training {
            speed: 20.0,
            paused: false
        }
    );
    assert_eq!(board.calls_999(wall(43)).longest_wait_s, Some(100.0));
}

#[test]
fn a_new_epoch_back_in_time_rebuilds_the_board_from_its_new_backlog() {
    let mut board = LiveBoard::connected(wall(0));
    // Timeline 1 at 21:40:00, with its backlog.
    board.send(&heartbeat("2024-07-05T21:40:00Z", 1.0, 1), wall(0));
    board.send(&emergency("I1", "2024-07-05T21:20:00Z"), wall(0));
    board.send(&offered("A", "2024-07-05T21:30:00Z"), wall(0));
    board.send(
        &answered("A", "2024-07-05T21:30:04Z", "2024-07-05T21:30:00Z"),
        wall(0),
    );
    board.send(&offered("B", "2024-07-05T21:35:00Z"), wall(0));
    board.send(
        &answered("B", "2024-07-05T21:35:10Z", "2024-07-05T21:35:00Z"),
        wall(0),
    );
    board.send(&offered("C", "2024-07-05T21:39:40Z"), wall(0));
    // A, B, C offered; A (4 s) and B (10 s) answered: a mean of 7 s; C waiting 20 s.
    let calls = board.calls_999(wall(0));
    assert_eq!((calls.offered, calls.answered), (3, 2));
    assert_eq!(calls.mean_answer_s, Some(7.0));
    assert_eq!((calls.waiting, calls.longest_wait_s), (1, Some(20.0)));
    // In the minute to 21:40:00: C's offer (21:39:40) and the heartbeat (21:40:00).
    assert_eq!(board.feed.status(wall(0)).events_per_min, 2.0);

    // Ten seconds later the trainer moves the clock back to 21:31:00 (timeline 2); the
    // server sends the backlog of that moment: I1, still open, and A.
    board.send(&heartbeat("2024-07-05T21:31:00Z", 1.0, 2), wall(10));
    board.send(&emergency("I1", "2024-07-05T21:20:00Z"), wall(10));
    board.send(&offered("A", "2024-07-05T21:30:00Z"), wall(10));
    board.send(
        &answered("A", "2024-07-05T21:30:04Z", "2024-07-05T21:30:00Z"),
        wall(10),
    );
    // The clock went back, and runs on from there.
    assert_eq!(board.feed.now(wall(10)), t("2024-07-05T21:31:00Z"));
    assert_eq!(board.feed.now(wall(12)), t("2024-07-05T21:31:02Z"));
    // The figures are the new backlog's alone: A offered and answered in 4 s, nothing
    // waiting, I1 open; the board's latest time is the new heartbeat's, not B's or C's.
    let calls = board.calls_999(wall(10));
    assert_eq!((calls.offered, calls.answered), (1, 1));
    assert_eq!(calls.mean_answer_s, Some(4.0));
    assert_eq!((calls.waiting, calls.longest_wait_s), (0, None));
    let at = board.feed.figures_at(wall(10));
    let figures = board.feed.engine().figures(at, Span::HOUR, Scope::Force);
    assert_eq!(figures.incidents.emergency.created, 1);
    assert_eq!(figures.incidents.emergency.open, 1);
    assert_eq!(
        board.feed.engine().latest(),
        Some(t("2024-07-05T21:31:00Z"))
    );
    // The rate counts the new timeline's own times: in the minute to 21:31:00, A's
    // answer (21:30:04) and the heartbeat (21:31:00); A's offer is exactly a minute
    // before, so not within it. A board that joined at 21:31:00 counts the same.
    let status = board.feed.status(wall(10));
    assert_eq!(status.events_per_min, 2.0);
    assert_eq!(status.rejected, 0);
    assert_eq!(status.state, FeedState::Live);
}

#[test]
fn a_new_epoch_forward_drops_what_the_old_timeline_left_open() {
    let mut board = LiveBoard::connected(wall(0));
    board.send(&heartbeat("2024-07-05T21:40:00Z", 1.0, 1), wall(0));
    board.send(&emergency("I1", "2024-07-05T21:20:00Z"), wall(0));
    board.send(&offered("C", "2024-07-05T21:39:40Z"), wall(0));
    let at = board.feed.figures_at(wall(0));
    let figures = board.feed.engine().figures(at, Span::HOUR, Scope::Force);
    assert_eq!(figures.incidents.emergency.open, 1);
    assert_eq!(figures.calls.line_999.waiting, 1);

    // The trainer moves the clock on to 23:00 the next day (timeline 2). I1 was attended
    // and C answered in the part skipped, so neither is in the new backlog: only X,
    // offered at 22:59:30 and answered 6 s later.
    board.send(&heartbeat("2024-07-06T23:00:00Z", 1.0, 2), wall(10));
    board.send(&offered("X", "2024-07-06T22:59:30Z"), wall(10));
    board.send(
        &answered("X", "2024-07-06T22:59:36Z", "2024-07-06T22:59:30Z"),
        wall(10),
    );
    assert_eq!(board.feed.now(wall(10)), t("2024-07-06T23:00:00Z"));
    let at = board.feed.figures_at(wall(10));
    let figures = board.feed.engine().figures(at, Span::HOUR, Scope::Force);
    // Nothing open: I1 is not left open (it would be breached, 25 h 40 m on), nor C
    // waiting.
    assert_eq!(figures.incidents.emergency.open, 0);
    assert_eq!(figures.incidents.emergency.created, 0);
    let calls = figures.calls.line_999;
    assert_eq!((calls.offered, calls.answered), (1, 1));
    assert_eq!(calls.mean_answer_s, Some(6.0));
    assert_eq!((calls.waiting, calls.expired), (0, 0));
    // In the minute to 23:00:00: X's offer and answer, and the heartbeat.
    assert_eq!(board.feed.status(wall(10)).events_per_min, 3.0);
}

#[test]
fn a_clock_in_the_middle_of_a_feed_on_the_wall_clock_is_refused() {
    let start = t("2024-07-01T12:00:00Z");
    let mut board = LiveBoard::connected(start);
    board.send(&offered("A", "2024-07-01T11:59:00Z"), start);
    // One heartbeat with a speed, dated ten years ahead, in the middle of the feed.
    board.send(&heartbeat("2034-07-01T12:00:00Z", 20.0, 0), start);
    board.send(
        &answered("A", "2024-07-01T12:00:05Z", "2024-07-01T11:59:00Z"),
        start + Span::from_secs(5),
    );
    let later = start + Span::from_secs(10);
    // Still live, on the wall clock.
    assert_eq!(board.feed.mode(), Mode::Live);
    assert_eq!(board.feed.now(later), later);
    // A was answered in 65 s (11:59:00 → 12:00:05): the 999 figure is right.
    let calls = board.calls_999(later);
    assert_eq!((calls.offered, calls.answered), (1, 1));
    assert_eq!(calls.mean_answer_s, Some(65.0));
    let status = board.feed.status(later);
    assert_eq!(status.rejected, 1);
    assert_eq!(
        status.recent_rejects,
        vec![RejectedLine {
            line: 2,
            reason: Reject::UnexpectedClock
        }]
    );
    assert_eq!(status.state, FeedState::Live);
}

#[test]
fn a_heartbeat_of_the_followed_clock_ten_years_ahead_is_refused_and_the_figures_stay_right() {
    let mut board = LiveBoard::connected(wall(0));
    board.send(&heartbeat("2024-07-05T21:40:00Z", 1.0, 1), wall(0));
    board.send(&heartbeat("2034-07-05T21:40:01Z", 1.0, 1), wall(1));
    board.send(&offered("D", "2024-07-05T21:40:05Z"), wall(5));
    board.send(
        &answered("D", "2024-07-05T21:40:09Z", "2024-07-05T21:40:05Z"),
        wall(9),
    );
    // The clock ran on from 21:40:00 at ×1.
    assert_eq!(board.feed.now(wall(10)), t("2024-07-05T21:40:10Z"));
    // D offered and answered in 4 s.
    let calls = board.calls_999(wall(10));
    assert_eq!((calls.offered, calls.answered), (1, 1));
    assert_eq!(calls.mean_answer_s, Some(4.0));
    let status = board.feed.status(wall(10));
    assert_eq!(
        status.recent_rejects,
        vec![RejectedLine {
            line: 2,
            reason: Reject::FutureDated
        }]
    );
    assert_eq!(status.rejected, 1);
}

#[test]
fn a_new_connection_starts_again_from_its_first_clock_heartbeat() {
    let mut board = LiveBoard::connected(wall(0));
    board.send(&heartbeat("2024-07-05T21:40:00Z", 1.0, 3), wall(0));
    board.send(&offered("A", "2024-07-05T21:39:00Z"), wall(0));
    // The link drops and comes back to a restarted server, whose clock reads earlier
    // and whose epoch began at 0 again.
    board
        .feed
        .apply(FeedItem::State(SourceState::Connecting), wall(5));
    board
        .feed
        .apply(FeedItem::State(SourceState::Connected), wall(6));
    board.send(&heartbeat("2024-07-05T09:00:00Z", 1.0, 0), wall(6));
    assert_eq!(board.feed.now(wall(6)), t("2024-07-05T09:00:00Z"));
    assert_eq!(board.calls_999(wall(6)).offered, 0);
    // Its later heartbeats are followed as usual, mid-stream.
    board.send(&heartbeat("2024-07-05T09:00:30Z", 2.0, 0), wall(7));
    assert_eq!(board.feed.now(wall(8)), t("2024-07-05T09:00:32Z"));
    assert_eq!(board.feed.status(wall(8)).rejected, 0);
}
