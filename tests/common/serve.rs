//! `serve` in a test: on a free loopback port, stopped on demand.

use std::io;
use std::net::SocketAddr;

use forceboard::ingest::playback::Playback;
use forceboard::serve::{ServeOptions, ServeStats, serve};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct Server {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<ServeStats>>,
}

impl Server {
    pub async fn start(feed: &str, options: ServeOptions) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("bound");
        let playback = Playback::read(feed.as_bytes()).expect("in memory");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, playback, options, async move {
            let _ = stopped.await;
        }));
        Server { addr, stop, task }
    }

    pub async fn stop(self) -> ServeStats {
        let _ = self.stop.send(());
        self.task.await.expect("no panic").expect("served")
    }
}
