//! A TCP feed: NDJSON over a plain connection, reconnected with back-off. The connect step
//! is shared with HTTP(S) feeds.

use tokio::net::TcpStream;
use tracing::info;

use super::{Closed, DownCause, Flow, Runner, Session, SourceState};

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

    pub(super) async fn run_tcp(&mut self, addr: &str) -> Flow<()> {
        let mut attempt = 0;
        loop {
            self.state(SourceState::Connecting).await?;
            let session = match self.connect(addr).await? {
                Ok(stream) => {
                    info!(source = %self.label, "feed connected");
                    self.state(SourceState::Connected).await?;
                    self.read_stream(stream).await?
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
