//! The real binary in a pseudo-terminal, read back through a vt100 parser: what a person
//! would see. Shared by the end-to-end tests.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// Long enough for a loaded 2-core CI machine; a pass is usually well under a second.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Board {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
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
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).expect("rows > 0"),
            std::num::NonZeroU16::new(cols).expect("cols > 0"),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_writer, raw_writer) = (Arc::clone(&screen), Arc::clone(&raw));
        thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                screen_writer.lock().expect("screen").process(&buffer[..n]);
                raw_writer
                    .lock()
                    .expect("raw")
                    .extend_from_slice(&buffer[..n]);
            }
        });
        Board {
            screen,
            raw,
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
        self.screen.lock().expect("screen").set_size(
            std::num::NonZeroU16::new(rows).expect("rows > 0"),
            std::num::NonZeroU16::new(cols).expect("cols > 0"),
        );
    }

    /// Has the program exited (without waiting)?
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Every byte the board has written so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Waits until the screen shows `text`; panics with the screen if it never does.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        });
    }

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

    /// Waits for the process to exit; panics if it is still running after `PATIENCE`.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader thread take the last bytes.
                thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the board did not exit:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal is back to normal: main screen, cursor shown, and the raw output ends
    /// by leaving the alternate screen.
    pub fn assert_restored(&self) {
        let parser = self.screen.lock().expect("screen");
        assert!(
            !parser.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!parser.screen().hide_cursor(), "cursor still hidden");
        let raw = self.raw.lock().expect("raw");
        let text = String::from_utf8_lossy(&raw);
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
