//! `forceboard ssh` against the real OpenSSH client, in pseudo-terminals read back through
//! vt100: what an inspector would see, and what the server refuses.

use std::time::{Duration, Instant};

use crate::common::pty::{Board, PATIENCE};
use crate::common::ssh::{Key, SshServer, key_dir};

mod limits;
mod logs;

/// The worked example (fixtures/README.md) replayed from its last line, 12:00:00Z: the
/// clock stands at the end, so the figures are those of the README's table.
const SPEC_AT_NOON: [&str; 4] = [
    "--replay",
    "fixtures/spec-example.ndjson",
    "--from",
    "2024-07-01T12:00:00Z",
];

/// The worked example's figures as the standard layout shows them.
const WORKED_EXAMPLE: [&str; 8] = [
    "8.0s mean",
    "SL 33.3%",
    "p50 4.0s · p90 12.0s",
    "waiting now 1",
    "longest wait 1m 00s",
    "10m 00s mean",
    "open 1 · 1 BREACHED",
    "oldest open 30m 00s",
];

/// One allowed key, one not on the list, and the server on the worked example.
fn server(name: &str, extra: &[&str]) -> (SshServer, Key, Key) {
    let dir = key_dir(name);
    let allowed = Key::new(&dir, "inspector");
    let stranger = Key::new(&dir, "stranger");
    let mut args = SPEC_AT_NOON.to_vec();
    args.extend(extra);
    let server = SshServer::start_in(dir, &args, &[&allowed.public]);
    (server, allowed, stranger)
}

/// The lines of a screen that carry figures: everything but the clock's line.
fn figure_lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|line| !line.contains("REPLAY"))
        .map(|line| line.trim_end().to_string())
        .collect()
}

#[test]
fn an_allowed_key_gets_the_board_with_the_figures_of_the_local_board() {
    let (server, allowed, _) = server("figures", &[]);
    let mut remote = server.connect(&allowed, 120, 40);
    // fixtures/README.md's worked example at 12:00Z over 1h: 999 mean 8 s (p50 4 s,
    // p90 12 s), service level 33.3 %, one call waiting for 60 s; emergency attended in
    // 600 s, I2 open 1,800 s and breached.
    remote.wait_until("the worked example's figures", |screen| {
        WORKED_EXAMPLE.iter().all(|part| screen.contains(part))
    });
    let local = Board::start(
        &["replay", SPEC_AT_NOON[1], "--from", SPEC_AT_NOON[3]],
        120,
        40,
    );
    local.wait_for("ENDED");
    // Both boards have read their alerts (on their first tick): the strips agree too.
    local.wait_for("A: acknowledge");
    remote.wait_for("A: acknowledge");
    assert_eq!(
        figure_lines(&remote.contents()),
        figure_lines(&local.contents()),
        "the board over SSH:\n{}\nthe local board:\n{}",
        remote.contents(),
        local.contents()
    );
    local.quit();
    remote.press("q");
    assert!(remote.wait_exit().success());
    remote.assert_restored();
}

/// The client's stderr, as text.
fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_unknown_key_a_password_and_none_are_refused() {
    let (server, allowed, stranger) = server("refused", &[]);
    let target = "board@127.0.0.1";
    let unknown = server.run(&stranger, &["-tt", target]);
    let password = server.run(
        &allowed,
        &["-o", "PreferredAuthentications=password", target],
    );
    let keyboard = server.run(
        &allowed,
        &[
            "-o",
            "PreferredAuthentications=keyboard-interactive",
            target,
        ],
    );
    let none = server.run(&allowed, &["-o", "PreferredAuthentications=none", target]);
    for (what, output) in [
        ("an unknown key", unknown),
        ("a password", password),
        ("keyboard-interactive", keyboard),
        ("none", none),
    ] {
        assert_eq!(
            output.status.code(),
            Some(255),
            "{what}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("Permission denied (publickey)"),
            "{what}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_command_or_a_subsystem_is_refused_with_a_reason() {
    let (server, allowed, _) = server("exec", &[]);
    let command = server.run(&allowed, &["board@127.0.0.1", "cat", "/etc/passwd"]);
    assert_eq!(command.status.code(), Some(1));
    assert!(
        stderr(&command).contains("it runs no commands"),
        "{}",
        stderr(&command)
    );
    assert!(command.stdout.is_empty());
    let subsystem = server.run(&allowed, &["-s", "board@127.0.0.1", "sftp"]);
    assert_eq!(subsystem.status.code(), Some(1));
    assert!(stderr(&subsystem).contains("it runs no commands"));
    // With no terminal asked for, the board says it needs one.
    let no_pty = server.run(&allowed, &["-T", "board@127.0.0.1"]);
    assert_eq!(no_pty.status.code(), Some(1));
    assert!(
        stderr(&no_pty).contains("needs a terminal"),
        "{}",
        stderr(&no_pty)
    );
}

#[test]
fn forwarding_is_refused() {
    let (server, allowed, _) = server("forward", &[]);
    // -N: no session at all, only the forward; ExitOnForwardFailure makes the refusal
    // the client's exit status.
    let forward = server.run(
        &allowed,
        &[
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
            "board@127.0.0.1",
        ],
    );
    assert_eq!(forward.status.code(), Some(255), "{}", stderr(&forward));
    assert!(
        stderr(&forward).contains("forwarding failed"),
        "{}",
        stderr(&forward)
    );
}

#[test]
fn a_window_change_redraws_the_board_at_the_new_size() {
    let (server, allowed, _) = server("resize", &[]);
    let mut board = server.connect(&allowed, 120, 40);
    board.wait_for("Breach watch");
    // 60×20 is the micro layout: the four figures by name and the queue, one line each.
    board.resize(60, 20);
    board.wait_until("the micro layout", |screen| {
        ["999 ", "101 ", "Emerg ", "Prio ", "calls waiting"]
            .iter()
            .all(|part| screen.contains(part))
            && !screen.contains("Breach watch")
    });
    board.resize(120, 40);
    board.wait_for("Breach watch");
    board.press("q");
    assert!(board.wait_exit().success());
}

#[test]
fn q_ends_that_session_only() {
    let (server, allowed, _) = server("quit", &[]);
    let mut first = server.connect(&allowed, 120, 40);
    let mut second = server.connect(&allowed, 100, 30);
    first.wait_for("SL 33.3%");
    second.wait_for("SL 33.3%");
    first.press("q");
    assert!(first.wait_exit().success());
    first.assert_restored();
    // The other board still answers its keys: ? opens its help.
    second.press("?");
    second.wait_until("the help overlay", |screen| {
        screen.contains("Keys — ? or Esc to close")
    });
    assert!(!second.exited());
    second.press("\x1b"); // Esc closes the overlay; the board stays
    second.wait_until("the board without the overlay", |screen| {
        !screen.contains("Keys — ? or Esc to close") && screen.contains("SL 33.3%")
    });
    assert!(!second.exited());
    second.press("q");
    assert!(second.wait_exit().success());
}

/// Connects with `key` until the session is let in and shows `text`. A client the server
/// turns away exits at once, and is tried again; one let in is waited for however long a
/// busy machine takes to draw its board.
fn let_in(
    server: &SshServer,
    key: &Key,
    (cols, rows): (u16, u16),
    text: &str,
    what: &str,
) -> Board {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut board = server.connect(key, cols, rows);
        loop {
            if board.contents().contains(text) {
                return board;
            }
            if board.exited() {
                break;
            }
            assert!(Instant::now() < deadline, "{what}:\n{}", board.contents());
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sighup_reloads_the_keys_and_keeps_the_sessions() {
    let (server, allowed, newcomer) = server("reload", &[]);
    let mut open = server.connect(&allowed, 120, 40);
    open.wait_for("SL 33.3%");
    let refused = server.run(&newcomer, &["-tt", "board@127.0.0.1"]);
    assert_eq!(refused.status.code(), Some(255));
    let keys = format!("{}{}", allowed.public, newcomer.public);
    std::fs::write(server.dir.join("authorized_keys"), keys).expect("rewrite the keys");
    server.signal("-HUP");
    let mut admitted = let_in(
        &server,
        &newcomer,
        (100, 30),
        "SL 33.3%",
        "the new key was never admitted",
    );
    // The session from before the reload is still there and still answers.
    assert!(!open.exited());
    open.press("?");
    open.wait_until("the help overlay", |screen| screen.contains("quit"));
    admitted.press("q");
    assert!(admitted.wait_exit().success());
    open.press("q");
    assert!(open.wait_exit().success());
}

#[test]
fn an_edited_keys_file_is_read_again_without_a_signal() {
    let (server, allowed, newcomer) = server("edited", &[]);
    let refused = server.run(&newcomer, &["-tt", "board@127.0.0.1"]);
    assert_eq!(refused.status.code(), Some(255));
    // A new file moved into place, as editors and configuration tools write it.
    let keys = format!("{}{}", allowed.public, newcomer.public);
    let staged = server.dir.join("authorized_keys.new");
    std::fs::write(&staged, keys).expect("write the new keys");
    std::fs::rename(&staged, server.dir.join("authorized_keys")).expect("move it into place");
    // The file is looked at every 2 s.
    let mut admitted = let_in(
        &server,
        &newcomer,
        (100, 30),
        "SL 33.3%",
        "the new key was never admitted",
    );
    admitted.press("q");
    assert!(admitted.wait_exit().success());
}

#[test]
fn an_idle_session_is_closed_and_its_screen_restored() {
    let (server, allowed, _) = server("idle", &["--idle-timeout", "1s"]);
    let started = Instant::now();
    let mut board = server.connect(&allowed, 100, 30);
    // The board was drawn: looked for among the frames, as on a busy machine the session
    // may be over by the time the test looks.
    board.wait_for_drawn(0, "SL 33.3%");
    let status = board.wait_exit();
    assert!(status.success());
    board.assert_restored();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "closed before the idle time-out"
    );
}

#[test]
fn a_new_host_key_is_made_once_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let (server, _, _) = server("hostkey", &[]);
    let path = server.dir.join("host_key");
    let mode = std::fs::metadata(&path)
        .expect("the host key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let fingerprint = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(&path)
        .output()
        .expect("ssh-keygen runs");
    let listed = String::from_utf8_lossy(&fingerprint.stdout);
    assert!(
        listed.contains("SHA256:") && listed.contains("(ED25519)"),
        "{listed}"
    );
}

#[test]
fn stopping_the_server_restores_every_screen() {
    let (server, allowed, _) = server("stop", &[]);
    let mut first = server.connect(&allowed, 120, 40);
    let mut second = server.connect(&allowed, 80, 24);
    first.wait_for("SL 33.3%");
    second.wait_for("33.3");
    server.signal("-TERM");
    for board in [&mut first, &mut second] {
        assert!(board.wait_exit().success());
        board.assert_restored();
    }
}

#[test]
fn one_live_feed_connection_serves_every_session() {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let feed = format!("tcp://{}", listener.local_addr().expect("address"));
    let dir = key_dir("live");
    let allowed = Key::new(&dir, "inspector");
    // The feed says nothing between its two sends: on a busy machine that can be longer
    // than the default 60 s idle limit, which would close the link mid-test.
    let config = dir.join("patient.toml");
    std::fs::write(&config, "stale_after = \"10m\"\n").expect("config written");
    let config = config.display().to_string();
    let server = SshServer::start_in(
        dir,
        &["--config", &config, "--feed", &feed, "--layout", "standard"],
        &[&allowed.public],
    );
    let (mut stream, _) = listener.accept().expect("the server connects to the feed");
    stream
        .write_all((crate::common::feed::live_lines().join("\n") + "\n").as_bytes())
        .expect("send");
    let boards = [
        server.connect(&allowed, 120, 40),
        server.connect(&allowed, 100, 30),
    ];
    for board in &boards {
        board.wait_for("6.0s");
        board.wait_for("✖ MEAN 6.0s");
        board.wait_for("waiting now 1");
    }
    // C is answered now: every board follows the one feed.
    let answered = format!(
        r#"{{"kind":"call_answered","at":"{}","id":"C"}}"#,
        crate::common::pty::rfc3339(chrono::Utc::now())
    );
    stream
        .write_all(format!("{answered}\n").as_bytes())
        .expect("send");
    for board in &boards {
        board.wait_for("waiting now 0");
    }
    // A, B and now C answered (the 100-column tile has no room for the count; C's answer
    // time, and so the mean, depends on when this line was sent).
    boards[0].wait_for("3 answered");
    // Two sessions, one connection to the feed.
    listener.set_nonblocking(true).expect("non-blocking");
    assert!(listener.accept().is_err(), "a second feed connection");
}

#[test]
fn a_client_that_does_not_know_its_size_gets_the_board_at_80_by_24() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Mutex};

    let (server, allowed, _) = server("unknown-size", &[]);
    // With no terminal of its own, OpenSSH's `-tt` asks for a pty of 0×0 (RFC 4254 §6.2:
    // zero dimensions are to be ignored).
    let mut args = vec!["-tt".to_string()];
    args.extend(server.client_args(&allowed));
    args.push("board@127.0.0.1".to_string());
    let mut client = Command::new("ssh")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh runs");
    let mut out = client.stdout.take().expect("piped");
    let received = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let received = Arc::clone(&received);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = out.read(&mut chunk) {
                received
                    .lock()
                    .expect("no panic")
                    .extend_from_slice(&chunk[..n]);
            }
        })
    };
    // The board drawn for 80×24: the compact layout's header and tiles, read back by a
    // terminal of that size.
    let deadline = Instant::now() + Duration::from_secs(60);
    let screen = loop {
        let size = |cells| std::num::NonZeroU16::new(cells).expect("not 0");
        let mut parser = vt100::Parser::new(size(24), size(80), 0);
        parser.process(&received.lock().expect("no panic"));
        let screen = parser.screen().contents();
        if screen.contains("West Midlands Police") && screen.contains("999 answer") {
            break screen;
        }
        assert!(
            Instant::now() < deadline,
            "no board at 80×24 after 60 s:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        screen.contains("8.0s"),
        "the worked example's 999 mean:\n{screen}"
    );
    let _ = client.kill();
    let _ = client.wait();
    let _ = reader.join();
}

#[test]
fn a_host_key_others_may_read_or_an_empty_one_is_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = key_dir("hostkey-mode");
    let path = dir.join("host_key");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success());
    std::fs::write(dir.join("authorized_keys"), "").expect("authorized_keys");
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
            .args(["ssh", "--listen", "127.0.0.1:0", "--demo", "--host-key"])
            .arg(&path)
            .arg("--authorized-keys")
            .arg(dir.join("authorized_keys"))
            .stdin(std::process::Stdio::null())
            .output()
            .expect("forceboard runs")
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let open = start();
    assert_eq!(open.status.code(), Some(1), "{}", stderr(&open));
    let said = stderr(&open);
    assert!(
        said.contains(&path.display().to_string())
            && said.contains(&format!("chmod 600 {}", path.display())),
        "{said}"
    );
    std::fs::write(&path, "").expect("emptied");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let empty = start();
    assert_eq!(empty.status.code(), Some(1), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("is empty"), "{}", stderr(&empty));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The text lines in a terminal's bytes, without their carriage returns.
fn text_lines(raw: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(raw)
        .split('\n')
        .map(|line| line.trim_end_matches('\r').to_string())
        .collect()
}

#[test]
fn a_dumb_terminal_gets_the_plain_lines_of_a_local_dumb_terminal() {
    let (server, allowed, _) = server("dumb", &[]);
    let dumb = [("TERM", "dumb"), ("LANG", "C")];
    let local = Board::start_with_env(
        &["replay", SPEC_AT_NOON[1], "--from", SPEC_AT_NOON[3]],
        80,
        24,
        &dumb,
    );
    local.wait_for("FEED ENDED");
    // The local lines with figures, and the heading (the clock stands at the end).
    let local_lines: Vec<String> = local
        .contents()
        .lines()
        .filter(|line| {
            [
                "  999 ",
                "  101 ",
                "  Emerg ",
                "  Prio ",
                "FEED ENDED",
                " | ",
            ]
            .iter()
            .any(|start| line.contains(start))
        })
        .map(|line| line.trim_end().to_string())
        .collect();
    assert!(local_lines.len() >= 6, "{local_lines:?}");
    let mut remote = server.connect_with_env(&allowed, (80, 24), &dumb);
    remote.wait_until("the local dumb terminal's lines", |_| {
        let lines = text_lines(&remote.raw());
        local_lines.iter().all(|line| lines.contains(line))
    });
    let raw = remote.raw();
    assert!(
        raw.iter().all(|&byte| byte != 0x1b && byte.is_ascii()),
        "escape codes or non-ASCII bytes: {:?}",
        String::from_utf8_lossy(&raw)
    );
    // A local dumb terminal is in line mode: q, then Enter.
    let mut local = local;
    local.press("q\r");
    assert!(local.wait_exit().success());
    remote.press("q");
    assert!(remote.wait_exit().success());
}

#[test]
fn a_key_removed_from_the_file_ends_its_open_session() {
    let (server, allowed, other) = server("revoke", &[]);
    std::fs::write(
        server.dir.join("authorized_keys"),
        format!("{}{}", allowed.public, other.public),
    )
    .expect("both keys");
    server.signal("-HUP");
    let mut staying = let_in(&server, &other, (80, 24), "33.3", "the other key");
    let mut removed = server.connect(&allowed, 80, 24);
    removed.wait_for("33.3");
    std::fs::write(server.dir.join("authorized_keys"), &other.public).expect("rewrite");
    server.signal("-HUP");
    assert!(removed.wait_exit().success());
    removed.assert_restored();
    assert!(!staying.exited());
    staying.press("q");
    assert!(staying.wait_exit().success());
}

#[test]
fn an_option_that_restricts_access_and_is_not_supported_stops_the_start() {
    let dir = key_dir("unsupported-option");
    let key = Key::new(&dir, "inspector");
    std::fs::write(
        dir.join("authorized_keys"),
        format!("# keys\nverify-required {}", key.public),
    )
    .expect("authorized_keys");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["ssh", "--listen", "127.0.0.1:0", "--demo", "--host-key"])
        .arg(dir.join("host_key"))
        .arg("--authorized-keys")
        .arg(dir.join("authorized_keys"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("forceboard runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("line 2") && said.contains("verify-required"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A key's fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`).
fn fingerprint(key: &Key) -> String {
    let output = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key.path.with_extension("pub"))
        .output()
        .expect("ssh-keygen runs");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .nth(1)
        .expect("a fingerprint")
        .to_string()
}

#[test]
fn on_a_replay_the_trainers_keys_move_every_sessions_clock_and_a_trainees_do_not() {
    let dir = key_dir("trainer");
    let trainer = Key::new(&dir, "trainer");
    let trainee = Key::new(&dir, "trainee");
    let trainer_print = fingerprint(&trainer);
    let server = SshServer::start_in(
        dir,
        &[
            "--replay",
            "fixtures/scenarios/friday-surge.ndjson",
            "--from",
            "2024-07-05T21:45:00+01:00",
            "--trainer-key",
            &trainer_print,
        ],
        &[&trainer.public, &trainee.public],
    );
    let mut laptop = server.connect(&trainee, 120, 40);
    let mut projector = server.connect(&trainer, 120, 40);
    for screen in [&laptop, &projector] {
        screen.wait_for("REPLAY ×1");
    }
    // A trainee's space and + change nothing: the clock stays the room's. Its `e` after
    // them opens its own rejected lines, which shows its keys were taken (a session's
    // keys are handled in order).
    laptop.press(" +e");
    laptop.wait_for("Rejected lines");
    assert!(
        laptop.contents().contains("REPLAY ×1") && !laptop.contents().contains("PAUSED"),
        "{}",
        laptop.contents()
    );
    laptop.press("e");
    // The trainer's + doubles the speed for everyone.
    projector.press("+");
    for screen in [&laptop, &projector] {
        screen.wait_for("REPLAY ×2");
    }
    // The trainer's space pauses every session's board.
    projector.press(" ");
    for screen in [&laptop, &projector] {
        screen.wait_for("PAUSED");
    }
    laptop.press("q");
    projector.press("q");
    assert!(laptop.wait_exit().success() && projector.wait_exit().success());
    laptop.assert_restored();
}

#[test]
fn a_sighup_the_moment_the_server_says_where_it_listens_reloads_and_never_ends_it() {
    // The signals are watched before `listening on` is printed: a HUP sent as soon as the
    // line is read reloads the keys (here, adding the newcomer's) rather than ending the
    // server by the signal's default action.
    let (mut server, allowed, newcomer) = server("early-hup", &[]);
    std::fs::write(
        server.dir.join("authorized_keys"),
        format!("{}{}", allowed.public, newcomer.public),
    )
    .expect("both keys");
    server.signal("-HUP");
    let mut board = let_in(&server, &newcomer, (80, 24), "33.3", "the newcomer");
    assert!(server.alive(), "the server ended on the HUP");
    board.press("q");
    assert!(board.wait_exit().success());
}

/// `H` in a session writes the handover on the server, into `--handover-dir`, and shows
/// that session its path there.
#[test]
fn h_in_a_session_writes_the_handover_on_the_server_and_shows_its_path() {
    let scratch = crate::common::nats::TempDir::new("ssh-handover");
    let folder = scratch.0.clone();
    let folder_text = folder.to_string_lossy().into_owned();
    let (server, allowed, _) = server("handover", &["--handover-dir", &folder_text]);
    let mut remote = server.connect(&allowed, 160, 40);
    remote.wait_for("SL 33.3%");
    remote.press("H");
    // The replay stands at 12:00:00Z, 13:00:00 BST.
    remote.wait_for("HANDOVER WRITTEN");
    remote.wait_for("handover-20240701-130000.html");
    let page = std::fs::read_to_string(folder.join("handover-20240701-130000.html")).unwrap();
    assert!(page.contains("From Mon 01 Jul 2024 07:00:00 BST to Mon 01 Jul 2024 13:00:00 BST"));
    remote.press("q");
    assert!(remote.wait_exit().success());
}
