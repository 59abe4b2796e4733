//! `serve` in a test: on a free loopback port, stopped on demand; and what a test reads
//! from it to know where the server is, rather than waiting a while.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use forceboard::ingest::playback::Playback;
use forceboard::serve::{ServeOptions, ServeStats, Trainer, serve_with_trainer};
use forceboard::time::{Span, Timestamp};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Each serve test's whole run is bounded by this, only a safety net: a test waits for
/// what the server does, and takes seconds even on a loaded 2-core machine.
pub const SAFETY: Duration = Duration::from_secs(120);

pub struct Server {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<ServeStats>>,
}

impl Server {
    pub async fn start(feed: &str, options: ServeOptions) -> Server {
        Server::with_trainer(feed, options).await.0
    }

    /// A server and the trainer that commands it.
    pub async fn with_trainer(feed: &str, options: ServeOptions) -> (Server, Trainer) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("bound");
        let playback = Playback::read(feed.as_bytes()).expect("in memory");
        let (stop, stopped) = oneshot::channel::<()>();
        let (trainer, desk) = Trainer::new();
        let served = serve_with_trainer(listener, playback, options, desk, async move {
            let _ = stopped.await;
        });
        let task = tokio::spawn(served);
        (Server { addr, stop, task }, trainer)
    }

    pub async fn stop(self) -> ServeStats {
        let _ = self.stop.send(());
        self.task.await.expect("no panic").expect("served")
    }

    /// Connects until a connection is let in (its first line, the clock, comes) rather
    /// than closed at once without a line, as every one is while `max_clients` are
    /// connected: with `max_clients` set to the clients a test holds, the sign that the
    /// server has dropped one of them. Returns the one let in: its first line, and the
    /// rest to read.
    pub async fn wait_until_admitted(&self) -> (String, Lines<BufReader<TcpStream>>) {
        loop {
            let stream = TcpStream::connect(self.addr).await.expect("connects");
            let mut lines = BufReader::new(stream).lines();
            if let Ok(Some(first)) = lines.next_line().await {
                return (first, lines);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Reads a connection's first line a byte at a time, taking nothing after it; `None` if
/// the server closed it without one (refused it).
pub async fn first_line(stream: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0_u8; 1];
    loop {
        match stream.read(&mut byte).await {
            Ok(1) if byte[0] == b'\n' => return String::from_utf8(line).ok(),
            Ok(1) => line.push(byte[0]),
            _ => return None,
        }
    }
}

/// The time on this machine's wall clock.
pub fn wall_now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    Timestamp::UNIX_EPOCH + Span::from_duration(since_epoch)
}
