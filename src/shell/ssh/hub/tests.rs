//! The hub with a client that never takes its frames: one frame waits at most, and the
//! frame that replaces an unsent one is a whole redraw.

use crossterm::event::{KeyCode, KeyModifiers};

use super::*;
use crate::shell::ssh::screen::Outgoing;

const CLEAR_SCREEN: &[u8] = b"\x1b[2J";
const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn hub() -> Hub {
    let config = Config::default();
    let feed = Timeline::demo(&config, WallClock::new().now()).unwrap();
    let options = HubOptions {
        layout: LayoutChoice::Auto,
        palette: crate::ui::Palette::Dark,
        rotate_every: None,
        idle_after: None,
        trainers: Vec::new(),
    };
    Hub::new(config, options, feed, mpsc::unbounded_channel().0)
}

fn open(hub: &mut Hub, id: u64) -> Arc<Mailbox> {
    open_as(hub, id, false)
}

fn open_as(hub: &mut Hub, id: u64, trainer: bool) -> Arc<Mailbox> {
    let mailbox = Mailbox::new();
    let pty = Pty {
        term: "xterm-256color".to_string(),
        locale: None,
        width: 80,
        height: 24,
    };
    let now = hub.clock.now();
    hub.open(id, (&pty, trainer), Arc::clone(&mailbox), now);
    mailbox
}

/// `v` cycles the layout: a change the user waits for, so it is drawn at once.
fn press_v(hub: &mut Hub, id: u64) {
    let key = KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE);
    let now = hub.clock.now();
    hub.keys(id, vec![key], now);
    hub.draw_due();
}

async fn next_frame(mailbox: &Mailbox) -> Vec<u8> {
    match mailbox.next().await {
        Some(Outgoing::Frame(bytes)) => bytes,
        other => panic!("no frame but {other:?}"),
    }
}

#[tokio::test]
async fn an_unsent_frame_is_replaced_by_a_whole_redraw_never_queued() {
    let mut hub = hub();
    let mailbox = open(&mut hub, 1);
    hub.draw_due();
    // The client takes nothing while the board changes three times.
    press_v(&mut hub, 1);
    press_v(&mut hub, 1);
    press_v(&mut hub, 1);
    let waiting = next_frame(&mailbox).await;
    assert!(contains(&waiting, CLEAR_SCREEN), "a whole redraw");
    assert!(!mailbox.take_unsent(), "one frame waited, no more");
    // Taken in time, the next frame carries only what changed.
    press_v(&mut hub, 1);
    let diff = next_frame(&mailbox).await;
    assert!(!contains(&diff, CLEAR_SCREEN));
}

/// The first frame takes the client to the alternate screen; if it is replaced before the
/// client took it, the frame that replaces it must do so, or the board is drawn over the
/// client's own screen and stays there when the session ends.
#[tokio::test]
async fn a_first_frame_replaced_unsent_still_takes_the_client_to_the_alternate_screen() {
    let mut hub = hub();
    let mailbox = open(&mut hub, 1);
    hub.draw_due();
    press_v(&mut hub, 1);
    let first_sent = next_frame(&mailbox).await;
    assert!(contains(&first_sent, ENTER_ALTERNATE_SCREEN));
    assert!(contains(&first_sent, CLEAR_SCREEN));
    // Sent once: the frames after it do not switch screens again.
    press_v(&mut hub, 1);
    assert!(!contains(
        &next_frame(&mailbox).await,
        ENTER_ALTERNATE_SCREEN
    ));
}

#[tokio::test]
async fn a_stalled_session_holds_up_no_other() {
    let mut hub = hub();
    let stalled = open(&mut hub, 1);
    let reading = open(&mut hub, 2);
    hub.draw_due();
    for _ in 0..100 {
        press_v(&mut hub, 2);
        let frame = next_frame(&reading).await;
        assert!(!frame.is_empty());
    }
    // The stalled one still holds just its first frame.
    assert!(matches!(stalled.next().await, Some(Outgoing::Frame(_))));
    assert!(!stalled.take_unsent());
}

#[tokio::test]
async fn q_ends_one_session_with_its_screen_restored() {
    let mut hub = hub();
    let leaving = open(&mut hub, 1);
    let staying = open(&mut hub, 2);
    hub.draw_due();
    let _ = next_frame(&leaving).await;
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    let now = hub.clock.now();
    hub.keys(1, vec![q], now);
    assert_eq!(leaving.next().await, Some(Outgoing::Close(restore())));
    assert!(hub.sessions.contains_key(&2));
    assert!(!hub.sessions.contains_key(&1));
    assert!(matches!(staying.next().await, Some(Outgoing::Frame(_))));
}

#[test]
fn the_replay_keys_never_reach_the_shared_clock() {
    for code in [
        KeyCode::Char(' '),
        KeyCode::Char('+'),
        KeyCode::Left,
        KeyCode::Home,
    ] {
        assert!(moves_the_clock(&KeyEvent::new(code, KeyModifiers::NONE)));
    }
    for code in [
        KeyCode::Char('q'),
        KeyCode::Char('a'),
        KeyCode::Char('v'),
        KeyCode::Esc,
    ] {
        assert!(!moves_the_clock(&KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

#[test]
fn only_a_trainers_session_moves_a_replays_shared_clock_and_every_session_follows() {
    let config = Config::default();
    let playback = crate::ingest::playback::Playback::read(
        include_str!("../../../../fixtures/spec-example.ndjson").as_bytes(),
    )
    .unwrap();
    let wall = WallClock::new();
    let options = crate::ingest::replay::ReplayOptions::default();
    let feed = Timeline::recording(&config, playback, options, wall.now()).unwrap();
    let options = HubOptions {
        layout: LayoutChoice::Auto,
        palette: crate::ui::Palette::Dark,
        rotate_every: None,
        idle_after: None,
        trainers: Vec::new(),
    };
    let mut hub = Hub::new(config, options, feed, mpsc::unbounded_channel().0);
    let _trainee = open_as(&mut hub, 1, false);
    let _trainer = open_as(&mut hub, 2, true);
    let space = KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE);
    let paused = |hub: &Hub| {
        matches!(
            hub.feed.mode(),
            crate::ui::Mode::Replay { paused: true, .. }
        )
    };
    hub.keys(1, vec![space], hub.clock.now());
    assert!(
        !paused(&hub),
        "a trainee's space leaves the room's clock alone"
    );
    hub.keys(2, vec![space], hub.clock.now());
    assert!(paused(&hub), "the trainer's space pauses it for everyone");
}

/// The board ending a session says why on its mailbox, so the connection logs that reason
/// even when it sees the client go first (a client gone at the board's close is not one
/// that disconnected by itself).
#[test]
fn a_session_ended_by_the_board_keeps_the_reason_for_the_connection_s_log() {
    let mut hub = hub();
    let expired = open(&mut hub, 1);
    let other = open(&mut hub, 2);
    hub.end(1, Ending::KeyExpired);
    assert_eq!(
        expired.ended_because(),
        Some("the key's expiry-time has passed")
    );
    assert_eq!(other.ended_because(), None, "the other session goes on");
}
