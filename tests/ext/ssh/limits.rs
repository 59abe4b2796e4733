//! The server's limits on connections, against the real OpenSSH client and raw sockets:
//! the session cap, the time-out before signing in, the wrong-key count, a flood of
//! stalled connections, and a huge terminal.

use std::time::{Duration, Instant};

use super::{SPEC_AT_NOON, WORKED_EXAMPLE, let_in, server, stderr};
use crate::common::pty::{Board, PATIENCE};
use crate::common::ssh::{Key, SshServer, key_dir};

#[test]
fn fifty_sessions_get_the_board_and_the_fifty_first_is_refused_with_the_reason() {
    // All fifty connect at once from one address: the limits on connections not yet
    // signed in are raised out of the way.
    let (server, allowed, _) = server(
        "fifty",
        &["--max-startups", "100", "--per-source-max-startups", "100"],
    );
    let boards: Vec<Board> = (0..50).map(|_| server.connect(&allowed, 80, 24)).collect();
    for board in &boards {
        board.wait_for("33.3");
    }
    let refused = server.run(&allowed, &["-tt", "board@127.0.0.1"]);
    assert_eq!(refused.status.code(), Some(255));
    assert!(
        stderr(&refused).contains("the board is full (too many sessions); try again later"),
        "{}",
        stderr(&refused)
    );
    // One leaves; a new one gets in.
    let mut boards = boards;
    let mut leaving = boards.pop().expect("fifty");
    leaving.press("q");
    assert!(leaving.wait_exit().success());
    let late = let_in(
        &server,
        &allowed,
        (80, 24),
        "33.3",
        "a place never came free",
    );
    drop(late);
}

#[test]
fn a_client_that_never_authenticates_is_closed_at_the_time_out() {
    let (server, _, _) = server("auth-timeout", &["--auth-timeout", "1s"]);
    let started = Instant::now();
    let mut silent = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connects");
    // The server says hello, then hears nothing, and closes the connection: not sooner
    // than the time-out (later only on a busy machine), and not never.
    let received = read_until_closed(&mut silent, "the silent connection");
    assert!(received.starts_with(b"SSH-2.0-"));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "closed after {waited:?}");
}

#[test]
fn too_many_wrong_keys_end_the_connection() {
    let dir = key_dir("attempts");
    let allowed = Key::new(&dir, "inspector");
    let wrong: Vec<Key> = (0..4)
        .map(|n| Key::new(&dir, &format!("wrong{n}")))
        .collect();
    let mut args = SPEC_AT_NOON.to_vec();
    args.extend(["--max-auth-tries", "2"]);
    let server = SshServer::start_in(dir, &args, &[&allowed.public]);
    let mut extra: Vec<String> = Vec::new();
    for key in &wrong[1..] {
        extra.extend(["-i".to_string(), key.path.display().to_string()]);
    }
    extra.push("board@127.0.0.1".to_string());
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let output = server.run(&wrong[0], &extra);
    assert_eq!(output.status.code(), Some(255));
    let said = stderr(&output);
    assert!(said.contains("Too many authentication attempts"), "{said}");
}

/// A plain TCP connection to the server from `source` (another loopback address), that
/// sends `hello` and then nothing.
pub(super) fn stalled(server: &SshServer, source: [u8; 4], hello: &[u8]) -> std::net::TcpStream {
    use std::io::Write;
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    let from = std::net::SocketAddr::from((source, 0));
    socket
        .bind(&from.into())
        .expect("bind to the source address");
    let to = std::net::SocketAddr::from(([127, 0, 0, 1], server.port));
    socket.connect(&to.into()).expect("connects");
    let mut stream: std::net::TcpStream = socket.into();
    stream.write_all(hello).expect("sends its hello");
    stream
}

#[test]
fn two_hundred_stalled_connections_lock_no_inspector_out_and_each_is_closed() {
    let timeout = Duration::from_secs(10);
    let (server, allowed, _) = server("stalled", &["--auth-timeout", "10s"]);
    let started = Instant::now();
    // 100 that never say a word and 100 that send only their version line, from
    // 127.0.0.2; the inspector comes from 127.0.0.1.
    let mut flood: Vec<std::net::TcpStream> = (0..200)
        .map(|n| {
            let hello: &[u8] = if n % 2 == 0 { b"" } else { b"SSH-2.0-x\r\n" };
            stalled(&server, [127, 0, 0, 2], hello)
        })
        .collect();
    let mut inspector = let_in(
        &server,
        &allowed,
        (80, 24),
        "33.3",
        "the inspector never got the board",
    );
    let got_in = started.elapsed();
    assert!(
        got_in < timeout,
        "the inspector waited {got_in:?}, as long as the stalled connections"
    );
    // Every stalled connection is closed: at once if it was over the limits, at the
    // time-out if it was let in to start its handshake.
    let mut let_in_count = 0;
    for socket in &mut flood {
        let received = read_until_closed(socket, "a stalled connection");
        if received.starts_with(b"SSH-2.0-") {
            let_in_count += 1;
        }
    }
    assert!(let_in_count > 0, "none was let in to start a handshake");
    assert!(
        let_in_count <= 10,
        "{let_in_count} from one address were let in"
    );
    let waited = started.elapsed();
    assert!(waited >= timeout, "closed after {waited:?}");
    // The inspector's session outlives them all.
    inspector.wait_for("33.3");
    inspector.press("q");
    assert!(inspector.wait_exit().success());
}

/// What the server sent on `socket` until it closed it; fails if it is still open after
/// the safety net.
pub(super) fn read_until_closed(socket: &mut std::net::TcpStream, what: &str) -> Vec<u8> {
    use std::io::Read;
    socket
        .set_read_timeout(Some(PATIENCE))
        .expect("a read time-out");
    let mut received = Vec::new();
    let ended = socket.read_to_end(&mut received);
    assert!(
        !ended.as_ref().is_err_and(|error| matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )),
        "{what} was never closed: {ended:?}"
    );
    received
}

/// The most the server may hold, in KiB, with two sessions open whatever their sizes: a
/// board drawn at 500×200 is about 12 MB; a session drawn at its claimed 10000×10000
/// asked for gigabytes and aborted the server.
const RSS_BOUND_KIB: u64 = 200 * 1024;

#[test]
fn a_huge_terminal_is_drawn_at_the_cap_and_the_server_lives() {
    let (mut server, allowed, _) = server("huge", &[]);
    let mut huge = server.connect(&allowed, 10_000, 10_000);
    huge.wait_for("drawn at 500×200 of 10000×10000");
    huge.wait_for(WORKED_EXAMPLE[0]);
    // A window change to the largest size a client can say.
    huge.resize(65_535, 65_535);
    huge.wait_for("drawn at 500×200 of 65535×65535");
    // Wider only: the note goes right of the board.
    huge.resize(560, 100);
    huge.wait_for("drawn at 500×100 of 560×100");
    assert!(server.alive(), "the server died");
    let mut other = server.connect(&allowed, 80, 24);
    other.wait_for("8.0s");
    let rss = server.rss_kib();
    assert!(
        rss < RSS_BOUND_KIB,
        "the server holds {rss} KiB, over {RSS_BOUND_KIB}"
    );
    other.press("q");
    assert!(other.wait_exit().success());
    huge.press("q");
    assert!(huge.wait_exit().success());
}
