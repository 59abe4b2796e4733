//! nats-server in tests: one server with JetStream, or a 3-node cluster, each on free
//! loopback ports with its own store in a temporary directory; killed when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server (or a cluster electing its leader) may take to be ready before a
/// test fails: a safety net far beyond the second or two it takes on a loaded machine.
const READY_LIMIT: Duration = Duration::from_secs(90);

/// A port free on 127.0.0.1 now (bound, then released: a clash is retried by the caller).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A fresh temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let unique = format!(
            "forceboard-nats-{what}-{}-{count}-{}",
            std::process::id(),
            nanos()
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).expect("a temporary directory");
        TempDir(path)
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One nats-server process.
pub struct NatsServer {
    pub port: u16,
    child: Option<Child>,
    args: Vec<String>,
    log: PathBuf,
}

impl NatsServer {
    /// A single server with JetStream, storing under `store`.
    pub fn start(store: &Path) -> NatsServer {
        NatsServer::start_with(store, &[])
    }

    /// The same, with `extra` arguments (such as `--auth TOKEN`).
    pub fn start_with(store: &Path, extra: &[&str]) -> NatsServer {
        for _ in 0..5 {
            let port = free_port();
            let mut args = vec![
                "-js".to_string(),
                "-a".to_string(),
                "127.0.0.1".to_string(),
                "-p".to_string(),
                port.to_string(),
                "-sd".to_string(),
                store.join("js").display().to_string(),
            ];
            args.extend(extra.iter().map(ToString::to_string));
            let mut server = NatsServer {
                port,
                child: None,
                args,
                log: store.join(format!("server-{port}.log")),
            };
            if server.launch() {
                return server;
            }
        }
        panic!("nats-server did not start on a free port in five tries");
    }

    /// A server from a configuration file (cluster nodes).
    pub fn with_config(port: u16, config: &Path, log: PathBuf) -> NatsServer {
        let args = vec!["-c".to_string(), config.display().to_string()];
        NatsServer {
            port,
            child: None,
            args,
            log,
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the process and waits until it accepts connections; `false` if it died
    /// (the port was taken meanwhile).
    pub fn launch(&mut self) -> bool {
        let _ = std::fs::remove_file(&self.log);
        self.spawn_only();
        let deadline = Instant::now() + READY_LIMIT;
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(_)) = child.try_wait()
            {
                self.child = None;
                return false;
            }
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if log.contains("Server is ready")
                && TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            {
                return true;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("nats-server on port {} was not ready in time", self.port);
    }

    /// Kills the process (SIGKILL: no goodbye to its clients) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Killed and started again on the same port and store.
    pub fn restart(&mut self) {
        self.kill();
        assert!(self.launch(), "nats-server restarts on port {}", self.port);
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn nats_server() -> &'static str {
    if Path::new("/usr/sbin/nats-server").exists() {
        "/usr/sbin/nats-server"
    } else {
        "nats-server"
    }
}

/// Three nodes with JetStream, routed to one another on loopback.
pub struct Cluster {
    pub nodes: Vec<NatsServer>,
    _dir: TempDir,
}

impl Cluster {
    /// Three nodes on free ports, their JetStream leader elected. A port taken between
    /// choosing it and a node binding it kills that node: the cluster is started again on
    /// other ports (that wait used to run out its 90 s and fail the test).
    pub fn start() -> Cluster {
        const TRIES: usize = 5;
        for _ in 0..TRIES {
            if let Some(cluster) = Cluster::try_start() {
                return cluster;
            }
        }
        panic!("a 3-node cluster did not start on free ports in {TRIES} tries");
    }

    /// `None` if a node died (its port was taken meanwhile); the others are killed.
    fn try_start() -> Option<Cluster> {
        let dir = TempDir::new("cluster");
        let ports = distinct_free_ports(6);
        let ports: Vec<(u16, u16)> = ports.chunks(2).map(|pair| (pair[0], pair[1])).collect();
        let routes: Vec<String> = ports
            .iter()
            .map(|(_, route)| format!("\"nats-route://127.0.0.1:{route}\""))
            .collect();
        let mut nodes = Vec::new();
        for (index, (port, route)) in ports.iter().enumerate() {
            let store = dir.0.join(format!("n{index}"));
            let config = format!(
                "server_name: n{index}\nlisten: \"127.0.0.1:{port}\"\n\
                 jetstream {{ store_dir: \"{}\" }}\n\
                 cluster {{ name: forceboard, listen: \"127.0.0.1:{route}\", routes: [{}] }}\n",
                store.display(),
                routes.join(", ")
            );
            let path = dir.0.join(format!("n{index}.conf"));
            std::fs::write(&path, config).expect("a node's configuration");
            nodes.push(NatsServer::with_config(
                *port,
                &path,
                dir.0.join(format!("n{index}.log")),
            ));
        }
        // Started together: each waits for the others to elect a JetStream leader.
        for node in &mut nodes {
            node.spawn_only();
        }
        for node in &mut nodes {
            if !node.wait_ready() {
                return None;
            }
        }
        let deadline = Instant::now() + READY_LIMIT;
        while !nodes.iter().any(|node| {
            node.log_text()
                .contains("JetStream cluster new metadata leader")
        }) {
            if nodes.iter_mut().any(NatsServer::has_died) {
                return None;
            }
            assert!(Instant::now() < deadline, "no JetStream leader in time");
            thread::sleep(Duration::from_millis(50));
        }
        Some(Cluster { nodes, _dir: dir })
    }
}

/// `count` ports free on 127.0.0.1 now, none the same.
fn distinct_free_ports(count: usize) -> Vec<u16> {
    let mut ports = Vec::with_capacity(count);
    while ports.len() < count {
        let port = free_port();
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    ports
}

impl NatsServer {
    fn spawn_only(&mut self) {
        let child = Command::new(nats_server())
            .args(&self.args)
            .arg("-l")
            .arg(&self.log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (install it: apt-get install nats-server)");
        self.child = Some(child);
    }

    /// Waits until the node accepts connections; `false` if it died (a port taken).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + READY_LIMIT;
        while Instant::now() < deadline {
            if self.has_died() {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.log_text().contains("Server is ready")
            {
                return true;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("cluster node on port {} was not ready in time", self.port);
    }

    /// Whether the process has exited (it is then forgotten).
    fn has_died(&mut self) -> bool {
        let died = self
            .child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(Some(_))));
        if died {
            self.child = None;
        }
        died
    }
}
