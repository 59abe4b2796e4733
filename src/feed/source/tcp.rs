//! A TCP feed: NDJSON over a plain connection, reconnected with back-off. The connect step
//! is shared with HTTP(S) feeds.

use std::time::Duration;

use socket2::{SockRef, TcpKeepalive};
use tokio::net::TcpStream;
use tracing::{info, warn};

use super::{Closed, DownCause, Flow, Runner, Session, SourceState, TcpAddr};

impl Runner {
    /// Resolves and connects, within the connect timeout. Each address the name resolves
    /// to is tried in turn; the last failure is the one reported.
    pub(super) async fn connect(&self, addr: &str) -> Flow<Result<TcpStream, DownCause>> {
        let attempt = async {
            let addrs = tokio::net::lookup_host(addr)
                .await
                .map_err(|_| DownCause::HostNotFound)?;
            let mut last = DownCause::HostNotFound;
            for socket_addr in addrs {
                match TcpStream::connect(socket_addr).await {
                    Ok(stream) => {
                        let _ = stream.set_nodelay(true);
                        keep_alive(&stream);
                        return Ok(stream);
                    }
                    Err(error) => last = DownCause::from_io(&error),
                }
            }
            Err(last)
        };
        tokio::select! {
            outcome = tokio::time::timeout(self.options.connect_timeout, attempt) => {
                Ok(outcome.unwrap_or(Err(DownCause::ConnectTimedOut)))
            }
            _ = self.tx.closed() => Err(Closed),
        }
    }

    pub(super) async fn run_tcp(&mut self, addr: &TcpAddr) -> Flow<()> {
        let mut attempt = 0;
        let addr = addr.to_string();
        loop {
            self.state(SourceState::Connecting).await?;
            let session = match self.connect(&addr).await? {
                Ok(stream) => {
                    info!(source = %self.label, "feed connected");
                    self.state(SourceState::Connected).await?;
                    self.read_stream(stream, Some(self.options.idle_limit))
                        .await?
                }
                Err(cause) => Session::failed(cause),
            };
            if session.delivered {
                attempt = 0;
            }
            let cause = session.cause.unwrap_or(DownCause::ConnectionClosed);
            self.back_off(&mut attempt, cause).await?;
        }
    }
}

/// Turns on TCP keepalive probes: after 30 s of silence, one every 10 s, so the kernel
/// gives up on a link whose other end has vanished within about a minute and a half, even
/// if the feed itself never stops to wait. (The idle limit catches the rest.) A socket
/// that refuses is still used: keepalive is a second line of defence.
fn keep_alive(stream: &TcpStream) {
    let probes = TcpKeepalive::new()
        .with_time(Duration::from_secs(30))
        .with_interval(Duration::from_secs(10))
        .with_retries(6);
    if let Err(error) = SockRef::from(stream).set_tcp_keepalive(&probes) {
        warn!(error = %error.kind(), "cannot turn on TCP keepalive");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connected_sockets_send_keepalive_probes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listen");
        let address = listener.local_addr().expect("address");
        let stream = TcpStream::connect(address).await.expect("connect");
        keep_alive(&stream);
        let socket = SockRef::from(&stream);
        assert!(socket.keepalive().expect("SO_KEEPALIVE"));
        assert_eq!(
            socket.tcp_keepalive_time().expect("TCP_KEEPIDLE"),
            Duration::from_secs(30)
        );
        assert_eq!(
            socket.tcp_keepalive_interval().expect("TCP_KEEPINTVL"),
            Duration::from_secs(10)
        );
    }
}
