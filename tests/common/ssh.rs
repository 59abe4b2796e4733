//! `forceboard ssh` in a test, and the real OpenSSH client (`ssh`, `ssh-keygen`) against
//! it: keys made with ssh-keygen, an `authorized_keys` file, the server on a free loopback
//! port (it says which on stderr).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::pty::{Board, PATIENCE};

/// A directory of its own for each server in the test process.
fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir =
        std::env::temp_dir().join(format!("forceboard-ssh-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// A client key pair made by ssh-keygen (ed25519, no passphrase).
pub struct Key {
    pub path: PathBuf,
    pub public: String,
}

impl Key {
    pub fn new(dir: &Path, name: &str) -> Key {
        let path = dir.join(name);
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .status()
            .expect("ssh-keygen runs");
        assert!(status.success());
        let public = std::fs::read_to_string(path.with_extension("pub")).expect("the .pub file");
        Key { path, public }
    }
}

pub struct SshServer {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub stderr: mpsc::Receiver<String>,
}

impl SshServer {
    /// `forceboard ssh` with `args` (the feed and any limits) in `dir` (made by
    /// [`key_dir`], with the client keys in it), allowing the public `keys`.
    pub fn start_in(dir: PathBuf, args: &[&str], keys: &[&str]) -> SshServer {
        std::fs::write(dir.join("authorized_keys"), keys.concat()).expect("authorized_keys");
        let mut child = Command::new(env!("CARGO_BIN_EXE_forceboard"))
            .arg("ssh")
            .args(["--listen", "127.0.0.1:0"])
            .arg("--host-key")
            .arg(dir.join("host_key"))
            .arg("--authorized-keys")
            .arg(dir.join("authorized_keys"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("forceboard ssh starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let port = loop {
            let line = rx
                .recv_timeout(PATIENCE)
                .expect("the server says where it listens");
            if let Some(address) = line.split("listening on ").nth(1) {
                let port = address.rsplit(':').next().expect("a port");
                break port.trim().parse().expect("a port number");
            }
        };
        SshServer {
            child,
            port,
            dir,
            stderr: rx,
        }
    }

    /// The OpenSSH client's options: no `known_hosts`, no agent, no prompts, this key only.
    pub fn client_args(&self, key: &Key) -> Vec<String> {
        let mut args: Vec<String> = [
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=error",
            "-F",
            "/dev/null",
        ]
        .map(String::from)
        .to_vec();
        args.extend(["-i".to_string(), key.path.display().to_string()]);
        args.extend(["-p".to_string(), self.port.to_string()]);
        args
    }

    /// `ssh -tt` to the board in a `cols` × `rows` terminal.
    pub fn connect(&self, key: &Key, cols: u16, rows: u16) -> Board {
        self.connect_with_env(key, (cols, rows), &[])
    }

    /// The same, with `env` for the client: `TERM` goes to the server with the pty, and
    /// `LANG` is sent (`SetEnv`).
    pub fn connect_with_env(
        &self,
        key: &Key,
        (cols, rows): (u16, u16),
        env: &[(&str, &str)],
    ) -> Board {
        let mut args = vec!["-tt".to_string()];
        for (name, value) in env.iter().filter(|(name, _)| *name == "LANG") {
            args.extend(["-o".to_string(), format!("SetEnv={name}={value}")]);
        }
        args.extend(self.client_args(key));
        args.push("board@127.0.0.1".to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Board::start_program("ssh", &args, (cols, rows), env)
    }

    /// `ssh` with `extra` options and arguments, no terminal: its status and output.
    pub fn run(&self, key: &Key, extra: &[&str]) -> Output {
        let mut command = Command::new("ssh");
        command.args(self.client_args(key));
        command.args(extra);
        command.stdin(Stdio::null());
        command.output().expect("ssh runs")
    }

    /// The server's resident memory now, in KiB (`VmRSS` in `/proc/PID/status`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server is running");
        let line = status
            .lines()
            .find(|line| line.starts_with("VmRSS:"))
            .expect("a VmRSS line");
        line.split_whitespace()
            .nth(1)
            .and_then(|kib| kib.parse().ok())
            .expect("VmRSS in kB")
    }

    /// Is the server still running?
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }
}

impl Drop for SshServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A scratch directory for keys made before the server starts.
pub fn key_dir(name: &str) -> PathBuf {
    scratch(name)
}
