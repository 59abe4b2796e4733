//! The real binary in a pseudo-terminal, read back through a vt100 parser: what a person
//! would see. Shared by the end-to-end tests.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// Only a safety net: every wait is for something on the screen (or the program's end),
/// which usually comes well within a second, even on a loaded 2-core machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How a board ends each frame: the end of a synchronized update.
const END_OF_FRAME: &[u8] = b"\x1b[?2026l";

/// What the program has written, as the reader thread has taken it.
struct Output {
    screen: vt100::Parser,
    raw: Vec<u8>,
    /// The screen at the end of every whole frame so far: a state shown only briefly (a
    /// banner during a back-off) is still seen however late the test looks.
    frames: Vec<String>,
    /// The reader reached the end: the program, and everything that held its terminal,
    /// has gone, and every byte is in.
    ended: bool,
}

impl Output {
    /// Takes `chunk`, keeping the screen at each frame's end; `tail` holds the last
    /// bytes of the chunk before, for a frame's end split across two reads.
    fn take(&mut self, chunk: &[u8], tail: &mut Vec<u8>) {
        self.raw.extend_from_slice(chunk);
        let mut joined = std::mem::take(tail);
        let carried = joined.len();
        joined.extend_from_slice(chunk);
        let mut from = 0;
        let mut at = 0;
        while let Some(found) = find(&joined[at..], END_OF_FRAME) {
            // A whole marker cannot lie in the carried bytes: they were searched before.
            let end = at + found + END_OF_FRAME.len();
            self.screen.process(&chunk[from..end - carried]);
            self.frames.push(self.screen.screen().contents());
            from = end - carried;
            at = end;
        }
        self.screen.process(&chunk[from..]);
        let keep = joined.len().saturating_sub(END_OF_FRAME.len() - 1);
        *tail = joined[keep..].to_vec();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The most of a terminal the test reads back: a pty may say it is 65535×65535, but a
/// screen of that many cells would not fit in the test's memory.
const MAX_PARSED: (u16, u16) = (600, 300);

/// A parser for a `cols` × `rows` terminal, at most [`MAX_PARSED`].
fn parsed_size(cols: u16, rows: u16) -> (std::num::NonZeroU16, std::num::NonZeroU16) {
    (
        std::num::NonZeroU16::new(rows.min(MAX_PARSED.1)).expect("rows > 0"),
        std::num::NonZeroU16::new(cols.min(MAX_PARSED.0)).expect("cols > 0"),
    )
}

pub struct Board {
    output: Arc<Mutex<Output>>,
    child: Box<dyn Child + Send + Sync>,
    input: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Board {
    /// The binary with `args` in a `cols` × `rows` terminal.
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Board {
        Board::start_with_env(args, cols, rows, &[])
    }

    /// The same, with extra environment variables.
    pub fn start_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Board {
        Board::start_program(env!("CARGO_BIN_EXE_forceboard"), args, (cols, rows), env)
    }

    /// Any program (such as `ssh` to a board) in a `cols` × `rows` terminal.
    pub fn start_program(
        program: &str,
        args: &[&str],
        (cols, rows): (u16, u16),
        env: &[(&str, &str)],
    ) -> Board {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        command.env("TERM", "xterm-256color");
        // A UTF-8 locale whatever the machine's, so that the symbols are drawn.
        command.env("LANG", "C.UTF-8");
        command.env_remove("LC_ALL");
        command.env_remove("LC_CTYPE");
        command.env_remove("NO_COLOR");
        command.env_remove("FORCEBOARD_TOKEN");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pty.slave.spawn_command(command).expect("the binary starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let input = pty.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            screen: {
                let (rows, cols) = parsed_size(cols, rows);
                vt100::Parser::new(rows, cols, 0)
            },
            raw: Vec::new(),
            frames: Vec::new(),
            ended: false,
        }));
        let writer = Arc::clone(&output);
        thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            let mut tail = Vec::new();
            // Linux says EIO once the program and every other holder of the terminal
            // have gone: that, like a zero read, is the end.
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                writer.lock().expect("output").take(&buffer[..n], &mut tail);
            }
            writer.lock().expect("output").ended = true;
        });
        Board {
            output,
            child,
            input,
            master: pty.master,
        }
    }

    /// The terminal window is now `cols` × `rows` (the program gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        self.master.resize(size).expect("resize the pty");
        let (rows, cols) = parsed_size(cols, rows);
        self.output
            .lock()
            .expect("output")
            .screen
            .set_size(rows, cols);
    }

    /// Has the program exited (without waiting)?
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Every byte the board has written so far.
    pub fn raw(&self) -> Vec<u8> {
        self.output.lock().expect("output").raw.clone()
    }

    pub fn contents(&self) -> String {
        self.output
            .lock()
            .expect("output")
            .screen
            .screen()
            .contents()
    }

    /// How many whole frames have been drawn so far: a mark for [`Board::wait_until_drawn`].
    pub fn frames_drawn(&self) -> usize {
        self.output.lock().expect("output").frames.len()
    }

    /// Waits until the screen shows `text`; panics with the screen if it never does.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        });
    }

    /// Waits until the screen passes `test` now; for what stays on the screen.
    pub fn wait_until(&self, what: &str, test: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.contents();
            if test(&screen) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen:\n{screen}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until a whole frame drawn after the first `since` (see
    /// [`Board::frames_drawn`]), or the screen now, passes `test`: for a state the board
    /// shows only for a while (STALE before DOWN, DOWN during a back-off), which a test
    /// on a busy machine may look for too late to see on the screen. Returns the frames
    /// drawn up to the one that passed: a mark for what must come after it.
    pub fn wait_until_drawn(&self, since: usize, what: &str, test: impl Fn(&str) -> bool) -> usize {
        let deadline = Instant::now() + PATIENCE;
        let mut next = since;
        loop {
            let (frames, screen) = {
                let output = self.output.lock().expect("output");
                let frames = output.frames.get(next..).unwrap_or_default().to_vec();
                (frames, output.screen.screen().contents())
            };
            if let Some(found) = frames.iter().position(|frame| test(frame)) {
                return next + found + 1;
            }
            next += frames.len();
            if test(&screen) {
                return next;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what} to be drawn; the screen:\n{screen}"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// [`Board::wait_until_drawn`] for `text`.
    pub fn wait_for_drawn(&self, since: usize, text: &str) -> usize {
        self.wait_until_drawn(since, &format!("{text:?}"), |screen| screen.contains(text))
    }

    pub fn press(&mut self, keys: &str) {
        self.input.write_all(keys.as_bytes()).expect("type");
        self.input.flush().expect("flush");
    }

    pub fn signal(&self, signal: i32) {
        let pid = self.child.process_id().expect("pid");
        // SAFETY-free: kill(2) through the shell's `kill` would do too; libc is not a dependency.
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the process to exit and for the reader to take its last byte; panics if
    /// that has not happened after `PATIENCE`.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the board did not exit:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(20));
        };
        while !self.output.lock().expect("output").ended {
            assert!(
                Instant::now() < deadline,
                "the board exited but its terminal's output never ended:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(10));
        }
        status
    }

    /// The terminal is back to normal: main screen, cursor shown, and the raw output ends
    /// by leaving the alternate screen.
    pub fn assert_restored(&self) {
        let output = self.output.lock().expect("output");
        assert!(
            !output.screen.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!output.screen.screen().hide_cursor(), "cursor still hidden");
        let text = String::from_utf8_lossy(&output.raw);
        let left = text
            .rfind("\x1b[?1049l")
            .expect("left the alternate screen");
        let entered = text
            .rfind("\x1b[?1049h")
            .expect("entered the alternate screen");
        assert!(left > entered);
    }

    /// Presses `q` and waits for a clean exit (status 0).
    pub fn quit(mut self) {
        self.press("q");
        let status = self.wait_exit();
        assert!(status.success(), "{}", self.contents());
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A time as the feed writes it, to the millisecond.
pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
