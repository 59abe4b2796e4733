//! Live feed sources: stdin, a file (optionally tailed like `tail -F`), a TCP stream and an
//! HTTP(S) NDJSON stream.
//!
//! Each source is one tokio task that splits its bytes into lines (never holding more than
//! [`MAX_LINE_BYTES`] of one line), parses each line, and sends [`FeedItem`]s into a channel.
//! Reconnection and back-off live inside the task; it stops when the receiver is dropped.
//!
//! Lines are numbered from 1 in each stream: a new TCP or HTTP connection, or a new file after
//! a rotation, starts again at 1, so a number always points at a line a person can find.
//!
//! Error texts in [`SourceState::Down`] are short and fixed: they never carry feed content,
//! the token, or the URL's path and query.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls;
use tracing::{info, warn};

use crate::feed::parse::{MAX_LINE_BYTES, is_blank, parse_line};
use crate::model::{Event, Reject};

/// What a source sends to the board.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedItem {
    /// A parsed event; `line` is its number in this stream. The line itself is not kept:
    /// only the schema's fields were read from it.
    Event { line: u64, event: Event },
    /// A line that was refused; its content is not kept.
    Rejected { line: u64, reason: Reject },
    /// The source's connection state changed.
    State(SourceState),
}

/// A source's connection state, for the board's status line and banners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    Connecting,
    Connected,
    /// Lost or refused; the source tries again after `retry_in`.
    Down {
        /// Short and fixed (e.g. "connection refused", "HTTP 503"): no feed content, no secrets.
        error: String,
        retry_in: Duration,
    },
    /// Stdin, or a file read without `--follow`, reached its end.
    Ended,
}

/// Where a live feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Stdin,
    /// A file that cannot be opened is reported `Down` and tried again with back-off.
    /// With `follow` it is tailed like `tail -F`: growth is polled for, and a rotated
    /// (renamed and recreated) or truncated file is read again from its start.
    File {
        path: PathBuf,
        follow: bool,
    },
    /// `addr` is `HOST:PORT`, without the `tcp://`.
    Tcp {
        addr: String,
    },
    /// An `http://` or `https://` URL.
    Http {
        url: String,
    },
}

impl FeedSource {
    /// Reads `--feed`: `-` (stdin), `tcp://HOST:PORT`, `http://…`, `https://…`, or a file path.
    /// `follow` (tail the file) is allowed with a file path only. The error is one sentence.
    pub fn parse(src: &str, follow: bool) -> Result<FeedSource, String> {
        let source = if src.is_empty() {
            return Err(
                "the feed source is empty: give -, a file path, tcp://HOST:PORT, \
                        http://… or https://…"
                    .to_string(),
            );
        } else if src == "-" {
            FeedSource::Stdin
        } else if let Some((scheme, rest)) = src.split_once("://") {
            match scheme.to_ascii_lowercase().as_str() {
                "tcp" => FeedSource::Tcp {
                    addr: parse_tcp_addr(rest)?,
                },
                "http" | "https" => {
                    HttpTarget::from_url(src)?;
                    FeedSource::Http {
                        url: src.to_string(),
                    }
                }
                _ => {
                    return Err(format!(
                        "the feed scheme \"{}\" is not supported: use -, a file path, \
                         tcp://HOST:PORT, http://… or https://…",
                        scheme.escape_default()
                    ));
                }
            }
        } else {
            FeedSource::File {
                path: PathBuf::from(src),
                follow,
            }
        };
        if follow {
            source.followed()
        } else {
            Ok(source)
        }
    }

    /// The same source read as it grows (`--follow`); only a file path can be followed.
    pub fn followed(self) -> Result<FeedSource, String> {
        match self {
            FeedSource::File { path, .. } => Ok(FeedSource::File { path, follow: true }),
            _ => Err("--follow applies only to a feed read from a file path".to_string()),
        }
    }

    /// A name for logs: no path or query of a URL (they can carry secrets).
    fn label(&self) -> String {
        match self {
            FeedSource::Stdin => "stdin".to_string(),
            FeedSource::File { path, .. } => path.display().to_string(),
            FeedSource::Tcp { addr } => format!("tcp://{addr}"),
            FeedSource::Http { url } => match HttpTarget::from_url(url) {
                Ok(target) => target.label(),
                Err(_) => "an HTTP feed".to_string(),
            },
        }
    }
}

fn parse_tcp_addr(rest: &str) -> Result<String, String> {
    let invalid = || "a TCP feed must be given as tcp://HOST:PORT".to_string();
    let (host, port) = rest.rsplit_once(':').ok_or_else(invalid)?;
    let host_ok = !host.is_empty()
        && !host.contains(['/', '@', '?', '#'])
        && (!host.contains(':') || (host.starts_with('[') && host.ends_with(']')));
    if !host_ok || port.parse::<u16>().map_or(true, |port| port == 0) {
        return Err(invalid());
    }
    Ok(rest.to_string())
}

/// Timings of a source; [`Default`] is what the board uses. Tests shorten them.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// The first back-off delay (doubling on each failure).
    pub base_delay: Duration,
    /// The longest back-off delay before jitter.
    pub max_delay: Duration,
    /// How often a followed file is checked for growth and rotation.
    pub poll_interval: Duration,
    /// Limit on connecting, the TLS handshake and waiting for the HTTP response head.
    pub connect_timeout: Duration,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            poll_interval: Duration::from_millis(250),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The back-off before retry number `attempt` (0 first): 1, 2, 4, 8, 16, 30, 30… seconds,
/// each scaled by a jitter of ±20 % (`jitter_unit` in [0, 1): 0 → −20 %, 0.5 → none).
pub fn backoff_delay(attempt: u32, jitter_unit: f64) -> Duration {
    let defaults = SourceOptions::default();
    scaled_backoff(
        defaults.base_delay,
        defaults.max_delay,
        attempt,
        jitter_unit,
    )
}

fn scaled_backoff(base: Duration, max: Duration, attempt: u32, jitter_unit: f64) -> Duration {
    let nominal = base.saturating_mul(1 << attempt.min(20)).min(max);
    let unit = if jitter_unit.is_finite() {
        jitter_unit.clamp(0.0, 1.0)
    } else {
        0.5
    };
    nominal.mul_f64(0.8 + 0.4 * unit)
}

/// Starts a source with the default timings. The task ends when `tx` is closed (and, for
/// stdin or a file without follow, after its end). `token` is sent as a bearer token to an
/// HTTP(S) feed and is never logged.
pub fn spawn(source: FeedSource, tx: Sender<FeedItem>, token: Option<String>) -> JoinHandle<()> {
    spawn_with(source, tx, token, SourceOptions::default())
}

/// [`spawn`] with chosen timings.
pub fn spawn_with(
    source: FeedSource,
    tx: Sender<FeedItem>,
    token: Option<String>,
    options: SourceOptions,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let label = source.label();
        let mut runner = Runner {
            tx,
            options,
            jitter: Jitter::from_clock(),
            label,
        };
        // `Err(Closed)` only means the board went away: nothing left to do.
        let _ = match source {
            FeedSource::Stdin => runner.run_stdin().await,
            FeedSource::File { path, follow } => runner.run_file(&path, follow).await,
            FeedSource::Tcp { addr } => runner.run_tcp(&addr).await,
            FeedSource::Http { url } => runner.run_http(&url, token).await,
        };
    })
}

/// The receiver was dropped: the source stops.
struct Closed;

type Flow<T> = Result<T, Closed>;

/// Splits bytes into numbered lines, holding at most `MAX_LINE_BYTES` (+1 for a `\r`) of
/// an unfinished line; the rest of a longer line is skipped unread.
#[derive(Default)]
struct Splitter {
    partial: Vec<u8>,
    too_long: bool,
    line: u64,
}

impl Splitter {
    /// Consumes `input` up to the end of the next non-blank line and returns its item, or
    /// consumes all of it (keeping an unfinished line) and returns `None`.
    fn next_item(&mut self, input: &mut &[u8]) -> Option<FeedItem> {
        while !input.is_empty() {
            match memchr::memchr(b'\n', input) {
                Some(newline) => {
                    let head = &input[..newline];
                    *input = &input[newline + 1..];
                    let item = if self.partial.is_empty() && !self.too_long {
                        self.line += 1;
                        classify(self.line, head)
                    } else {
                        self.append(head);
                        self.end_line()
                    };
                    if item.is_some() {
                        return item;
                    }
                }
                None => {
                    self.append(input);
                    *input = &[];
                }
            }
        }
        None
    }

    /// The end of the stream: its unterminated last line, if any.
    fn finish(&mut self) -> Option<FeedItem> {
        if self.partial.is_empty() && !self.too_long {
            return None;
        }
        self.end_line()
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.too_long {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES + 1 {
            self.too_long = true;
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    fn end_line(&mut self) -> Option<FeedItem> {
        self.line += 1;
        let item = if self.too_long {
            Some(FeedItem::Rejected {
                line: self.line,
                reason: Reject::TooLong,
            })
        } else {
            classify(self.line, &self.partial)
        };
        self.too_long = false;
        self.partial.clear();
        item
    }
}

fn classify(line: u64, bytes: &[u8]) -> Option<FeedItem> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.len() > MAX_LINE_BYTES {
        return Some(FeedItem::Rejected {
            line,
            reason: Reject::TooLong,
        });
    }
    if is_blank(bytes) {
        return None;
    }
    Some(match parse_line(bytes) {
        Ok(event) => FeedItem::Event { line, event },
        Err(reason) => FeedItem::Rejected { line, reason },
    })
}

/// A tiny xorshift64* generator for back-off jitter; it needs no quality, only spread.
struct Jitter(u64);

impl Jitter {
    fn from_clock() -> Self {
        static STARTED: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        let nth = STARTED.fetch_add(1, Ordering::Relaxed);
        Jitter((nanos ^ nth.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    /// A number in [0, 1).
    fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// How one connection (or one read of a stream) ended.
struct Session {
    /// Whether any bytes arrived (a connection that delivered resets the back-off).
    delivered: bool,
    /// `None` at a clean end of stream.
    error: Option<String>,
}

impl Session {
    fn failed(error: String) -> Self {
        Session {
            delivered: false,
            error: Some(error),
        }
    }
}

#[cfg(unix)]
type FileId = Option<(u64, u64)>;
#[cfg(not(unix))]
type FileId = Option<()>;

#[cfg(unix)]
fn file_id(metadata: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_id(_metadata: &std::fs::Metadata) -> FileId {
    None
}

/// What the path of a followed file names now, compared with the open file.
enum PathNow {
    /// The same file (or nothing: a rotation may be half done, so keep reading).
    Same,
    /// Another file: the old one was rotated away.
    Replaced,
    /// The same file, shorter than what was read: truncated in place.
    Shrunk,
}

struct Runner {
    tx: Sender<FeedItem>,
    options: SourceOptions,
    jitter: Jitter,
    label: String,
}

impl Runner {
    async fn send(&self, item: FeedItem) -> Flow<()> {
        self.tx.send(item).await.map_err(|_| Closed)
    }

    async fn state(&self, state: SourceState) -> Flow<()> {
        self.send(FeedItem::State(state)).await
    }

    /// Sends every item completed by `data`.
    async fn pump(&self, splitter: &mut Splitter, mut data: &[u8]) -> Flow<()> {
        while let Some(item) = splitter.next_item(&mut data) {
            self.send(item).await?;
        }
        Ok(())
    }

    async fn flush(&self, splitter: &mut Splitter) -> Flow<()> {
        match splitter.finish() {
            Some(item) => self.send(item).await,
            None => Ok(()),
        }
    }

    async fn sleep(&self, delay: Duration) -> Flow<()> {
        tokio::select! {
            _ = tokio::time::sleep(delay) => Ok(()),
            _ = self.tx.closed() => Err(Closed),
        }
    }

    /// Reports the source down, waits out the back-off for `attempt`, and counts the attempt.
    async fn back_off(&mut self, attempt: &mut u32, error: String) -> Flow<()> {
        let retry_in = scaled_backoff(
            self.options.base_delay,
            self.options.max_delay,
            *attempt,
            self.jitter.next_unit(),
        );
        *attempt = attempt.saturating_add(1);
        info!(source = %self.label, %error, retry_in_ms = retry_in.as_millis() as u64, "feed down");
        self.state(SourceState::Down { error, retry_in }).await?;
        self.sleep(retry_in).await
    }

    /// Reads a stream to its end or first error.
    async fn read_stream<R: AsyncRead + Unpin>(&self, mut reader: R) -> Flow<Session> {
        let mut splitter = Splitter::default();
        let mut buffer = vec![0; 64 * 1024];
        let mut delivered = false;
        loop {
            let read = tokio::select! {
                read = reader.read(&mut buffer) => read,
                _ = self.tx.closed() => return Err(Closed),
            };
            match read {
                Ok(0) => {
                    self.flush(&mut splitter).await?;
                    return Ok(Session {
                        delivered,
                        error: None,
                    });
                }
                Ok(n) => {
                    delivered = true;
                    self.pump(&mut splitter, &buffer[..n]).await?;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Ok(Session {
                        delivered,
                        error: Some(io_error_text(&error)),
                    });
                }
            }
        }
    }

    async fn run_stdin(&mut self) -> Flow<()> {
        self.state(SourceState::Connected).await?;
        let session = self.read_stream(tokio::io::stdin()).await?;
        if let Some(error) = session.error {
            warn!(%error, "reading the feed from stdin failed");
        }
        info!("feed ended (stdin)");
        self.state(SourceState::Ended).await
    }

    async fn run_file(&mut self, path: &Path, follow: bool) -> Flow<()> {
        let mut attempt = 0;
        let mut splitter = Splitter::default();
        // After a read error: the file and offset to pick up from, if the path still names it.
        let mut resume: Option<(FileId, u64)> = None;
        let mut buffer = vec![0; 64 * 1024];
        let mut connected = false;
        self.state(SourceState::Connecting).await?;
        loop {
            let (mut file, id, length) = match open_file(path).await {
                Ok(opened) => opened,
                Err(error) => {
                    self.back_off(&mut attempt, file_error_text(&error)).await?;
                    self.state(SourceState::Connecting).await?;
                    continue;
                }
            };
            let mut position = 0;
            match resume.take() {
                Some((old_id, old_position))
                    if id.is_some() && old_id == id && length >= old_position =>
                {
                    if file.seek(io::SeekFrom::Start(old_position)).await.is_ok() {
                        position = old_position;
                    } else {
                        splitter = Splitter::default();
                    }
                }
                _ => splitter = Splitter::default(),
            }
            attempt = 0;
            info!(source = %self.label, follow, "feed file opened");
            if !connected {
                // A rotation reopens the path without the source ever being down.
                connected = true;
                self.state(SourceState::Connected).await?;
            }
            let error = loop {
                let drained = self
                    .drain(&mut file, &mut splitter, &mut position, &mut buffer)
                    .await?;
                if let Err(error) = drained {
                    break Some(io_error_text(&error));
                }
                if !follow {
                    self.flush(&mut splitter).await?;
                    info!(source = %self.label, "feed ended (end of file)");
                    return self.state(SourceState::Ended).await;
                }
                self.sleep(self.options.poll_interval).await?;
                match path_now(path, id, position).await {
                    PathNow::Same => {}
                    PathNow::Replaced => {
                        // Lines written to the old file just before it was moved away.
                        let _ = self
                            .drain(&mut file, &mut splitter, &mut position, &mut buffer)
                            .await?;
                        self.flush(&mut splitter).await?;
                        info!(source = %self.label, "feed file rotated: reading the new file");
                        break None;
                    }
                    PathNow::Shrunk => {
                        self.flush(&mut splitter).await?;
                        info!(source = %self.label, "feed file truncated: reading from its start");
                        break None;
                    }
                }
            };
            if let Some(error) = error {
                resume = Some((id, position));
                connected = false;
                self.back_off(&mut attempt, error).await?;
                self.state(SourceState::Connecting).await?;
            }
        }
    }

    /// Reads an open file to its current end.
    async fn drain(
        &self,
        file: &mut tokio::fs::File,
        splitter: &mut Splitter,
        position: &mut u64,
        buffer: &mut [u8],
    ) -> Flow<io::Result<()>> {
        loop {
            let read = tokio::select! {
                read = file.read(buffer) => read,
                _ = self.tx.closed() => return Err(Closed),
            };
            match read {
                Ok(0) => return Ok(Ok(())),
                Ok(n) => {
                    *position += n as u64;
                    self.pump(splitter, &buffer[..n]).await?;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Ok(Err(error)),
            }
        }
    }

    /// Resolves and connects, within the connect timeout.
    async fn connect(&self, addr: &str) -> Flow<Result<TcpStream, String>> {
        let attempt = async {
            let addrs = tokio::net::lookup_host(addr)
                .await
                .map_err(|_| "host not found".to_string())?;
            let mut last = "host not found".to_string();
            for socket_addr in addrs {
                match TcpStream::connect(socket_addr).await {
                    Ok(stream) => {
                        let _ = stream.set_nodelay(true);
                        return Ok(stream);
                    }
                    Err(error) => last = io_error_text(&error),
                }
            }
            Err(last)
        };
        tokio::select! {
            outcome = tokio::time::timeout(self.options.connect_timeout, attempt) => {
                Ok(outcome.unwrap_or_else(|_| Err("connect timed out".to_string())))
            }
            _ = self.tx.closed() => Err(Closed),
        }
    }

    async fn run_tcp(&mut self, addr: &str) -> Flow<()> {
        let mut attempt = 0;
        loop {
            self.state(SourceState::Connecting).await?;
            let session = match self.connect(addr).await? {
                Ok(stream) => {
                    info!(source = %self.label, "feed connected");
                    self.state(SourceState::Connected).await?;
                    self.read_stream(stream).await?
                }
                Err(error) => Session::failed(error),
            };
            if session.delivered {
                attempt = 0;
            }
            let error = session
                .error
                .unwrap_or_else(|| "connection closed".to_string());
            self.back_off(&mut attempt, error).await?;
        }
    }

    async fn run_http(&mut self, url: &str, token: Option<String>) -> Flow<()> {
        let mut attempt = 0;
        let target = HttpTarget::from_url(url);
        let authorization = token.map(|token| {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| "the token is not a valid HTTP header value".to_string())?;
            value.set_sensitive(true);
            Ok::<_, String>(value)
        });
        let authorization = authorization.transpose();
        if let (Ok(target), Ok(Some(_))) = (&target, &authorization)
            && !target.https
        {
            warn!(source = %self.label, "the token is sent over plain http");
        }
        let mut tls: Option<TlsConnector> = None;
        loop {
            self.state(SourceState::Connecting).await?;
            let session = match (&target, &authorization) {
                (Err(error), _) | (_, Err(error)) => Session::failed(error.clone()),
                (Ok(target), Ok(authorization)) => {
                    self.http_session(target, authorization.as_ref(), &mut tls)
                        .await?
                }
            };
            if session.delivered {
                attempt = 0;
            }
            let error = session
                .error
                .unwrap_or_else(|| "response ended".to_string());
            self.back_off(&mut attempt, error).await?;
        }
    }

    async fn http_session(
        &self,
        target: &HttpTarget,
        authorization: Option<&HeaderValue>,
        tls: &mut Option<TlsConnector>,
    ) -> Flow<Session> {
        let stream = match self.connect(&target.connect_addr).await? {
            Ok(stream) => stream,
            Err(error) => return Ok(Session::failed(error)),
        };
        if !target.https {
            return self
                .http_exchange(TokioIo::new(stream), target, authorization)
                .await;
        }
        let connector = match tls {
            Some(connector) => connector.clone(),
            None => match tls_connector() {
                Ok(connector) => tls.insert(connector).clone(),
                Err(error) => return Ok(Session::failed(error)),
            },
        };
        let server_name = match rustls::pki_types::ServerName::try_from(target.host.clone()) {
            Ok(name) => name,
            Err(_) => return Ok(Session::failed("invalid TLS server name".to_string())),
        };
        let handshake = tokio::time::timeout(
            self.options.connect_timeout,
            connector.connect(server_name, stream),
        );
        let stream = tokio::select! {
            outcome = handshake => match outcome {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => return Ok(Session::failed(tls_error_text(&error))),
                Err(_) => return Ok(Session::failed("TLS handshake timed out".to_string())),
            },
            _ = self.tx.closed() => return Err(Closed),
        };
        self.http_exchange(TokioIo::new(stream), target, authorization)
            .await
    }

    /// One GET over an open connection, streaming the body into lines.
    async fn http_exchange<S>(
        &self,
        io: TokioIo<S>,
        target: &HttpTarget,
        authorization: Option<&HeaderValue>,
    ) -> Flow<Session>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, connection) = match hyper::client::conn::http1::handshake(io).await {
            Ok(parts) => parts,
            Err(error) => return Ok(Session::failed(hyper_error_text(&error))),
        };
        let _connection = AbortOnDrop(tokio::spawn(async move {
            // Its errors surface through the request and the body.
            let _ = connection.await;
        }));
        let mut request = Request::get(target.path_and_query.as_str())
            .header(header::HOST, target.authority.as_str())
            .header(header::ACCEPT, "application/x-ndjson")
            .header(
                header::USER_AGENT,
                concat!("forceboard/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value.clone());
        }
        let request = match request.body(Empty::<Bytes>::new()) {
            Ok(request) => request,
            Err(_) => return Ok(Session::failed("invalid HTTP request".to_string())),
        };
        let response = tokio::select! {
            outcome = tokio::time::timeout(self.options.connect_timeout, sender.send_request(request)) => {
                match outcome {
                    Ok(Ok(response)) => response,
                    Ok(Err(error)) => return Ok(Session::failed(hyper_error_text(&error))),
                    Err(_) => return Ok(Session::failed("no HTTP response (timed out)".to_string())),
                }
            }
            _ = self.tx.closed() => return Err(Closed),
        };
        let status = response.status();
        if !status.is_success() {
            return Ok(Session::failed(format!("HTTP {}", status.as_u16())));
        }
        info!(source = %self.label, "feed connected");
        self.state(SourceState::Connected).await?;
        let mut body = response.into_body();
        let mut splitter = Splitter::default();
        let mut delivered = false;
        loop {
            let frame = tokio::select! {
                frame = body.frame() => frame,
                _ = self.tx.closed() => return Err(Closed),
            };
            match frame {
                None => {
                    self.flush(&mut splitter).await?;
                    return Ok(Session {
                        delivered,
                        error: None,
                    });
                }
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        delivered |= !data.is_empty();
                        self.pump(&mut splitter, &data).await?;
                    }
                }
                Some(Err(error)) => {
                    return Ok(Session {
                        delivered,
                        error: Some(hyper_error_text(&error)),
                    });
                }
            }
        }
    }
}

/// Aborts a spawned task when dropped (the HTTP connection driver).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The parts of an HTTP(S) feed URL that a request needs.
struct HttpTarget {
    https: bool,
    /// Without brackets for an IPv6 literal (for TLS).
    host: String,
    /// `host:port` to connect to.
    connect_addr: String,
    /// For the `Host` header.
    authority: String,
    path_and_query: String,
}

impl HttpTarget {
    fn from_url(url: &str) -> Result<HttpTarget, String> {
        let invalid = || "the feed URL is not a valid http:// or https:// URL".to_string();
        let uri: Uri = url.parse().map_err(|_| invalid())?;
        let https = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(invalid()),
        };
        let authority = uri.authority().ok_or_else(invalid)?;
        if authority.as_str().contains('@') {
            return Err(
                "credentials in the feed URL are not supported: set FORCEBOARD_TOKEN instead"
                    .to_string(),
            );
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid());
        }
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        let connect_addr = if bare_host.contains(':') {
            format!("[{bare_host}]:{port}")
        } else {
            format!("{bare_host}:{port}")
        };
        Ok(HttpTarget {
            https,
            host: bare_host.to_string(),
            connect_addr,
            authority: authority.as_str().to_string(),
            path_and_query: uri
                .path_and_query()
                .map_or("/", |path| path.as_str())
                .to_string(),
        })
    }

    fn label(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }
}

/// A TLS client trusting the system's root certificates (`SSL_CERT_FILE` / `SSL_CERT_DIR`
/// are honoured), with the ring crypto provider.
fn tls_connector() -> Result<TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) =
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if added == 0 {
        return Err("no trusted TLS root certificates found".to_string());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| "TLS set-up failed".to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn open_file(path: &Path) -> io::Result<(tokio::fs::File, FileId, u64)> {
    let file = tokio::fs::File::open(path).await?;
    let metadata = file.metadata().await?;
    if metadata.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    Ok((file, file_id(&metadata), metadata.len()))
}

async fn path_now(path: &Path, id: FileId, position: u64) -> PathNow {
    match tokio::fs::metadata(path).await {
        Err(_) => PathNow::Same,
        Ok(metadata) if id.is_some() && file_id(&metadata) != id => PathNow::Replaced,
        Ok(metadata) if metadata.len() < position => PathNow::Shrunk,
        Ok(_) => PathNow::Same,
    }
}

/// A short description of an I/O error by its kind only (never its message).
fn io_error_text(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::UnexpectedEof => "connection closed".to_string(),
        io::ErrorKind::TimedOut => "timed out".to_string(),
        kind => kind.to_string(),
    }
}

fn file_error_text(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "file not found".to_string(),
        io::ErrorKind::PermissionDenied => "file not readable (permission denied)".to_string(),
        io::ErrorKind::IsADirectory => "the feed path is a directory".to_string(),
        kind => format!("file error: {kind}"),
    }
}

fn tls_error_text(error: &io::Error) -> String {
    let tls = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::InvalidCertificate(_)) => "TLS certificate not trusted".to_string(),
        Some(_) => "TLS handshake failed".to_string(),
        None if error.kind() == io::ErrorKind::InvalidData => "TLS handshake failed".to_string(),
        None => format!("TLS handshake failed: {}", io_error_text(error)),
    }
}

fn hyper_error_text(error: &hyper::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_string();
    }
    if error.is_incomplete_message() {
        return "connection closed mid-response".to_string();
    }
    if error.is_parse() || error.is_parse_status() {
        return "bad HTTP response".to_string();
    }
    if error.is_closed() || error.is_canceled() {
        return "connection closed".to_string();
    }
    let io = std::error::Error::source(error).and_then(|source| source.downcast_ref::<io::Error>());
    match io {
        Some(io) => io_error_text(io),
        None => "HTTP error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> (Vec<FeedItem>, Option<FeedItem>) {
        let mut splitter = Splitter::default();
        let mut items = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while let Some(item) = splitter.next_item(&mut input) {
                items.push(item);
            }
            assert!(input.is_empty());
        }
        let last = splitter.finish();
        (items, last)
    }

    const GOOD: &str = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#;

    fn lines_of(items: &[FeedItem]) -> Vec<(u64, Option<Reject>)> {
        items
            .iter()
            .map(|item| match item {
                FeedItem::Event { line, .. } => (*line, None),
                FeedItem::Rejected { line, reason } => (*line, Some(*reason)),
                FeedItem::State(_) => panic!("no states from a splitter"),
            })
            .collect()
    }

    #[test]
    fn lines_split_across_chunks_with_crlf_and_blank_lines_counted() {
        let text = format!("{GOOD}\r\n\n  \r\n{GOOD}\nnope\n{GOOD}");
        let bytes = text.as_bytes();
        // Every split point, so a line may end in any chunk.
        for cut in 0..bytes.len() {
            let (items, last) = split(&[&bytes[..cut], &bytes[cut..]]);
            let mut all = items;
            all.extend(last);
            assert_eq!(
                lines_of(&all),
                vec![(1, None), (4, None), (5, Some(Reject::NotJson)), (6, None)],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_crlf_line_parses_like_an_lf_line() {
        let text = format!("{GOOD}\r\n");
        let (items, _) = split(&[text.as_bytes()]);
        let plain = format!("{GOOD}\n");
        let (plain_items, _) = split(&[plain.as_bytes()]);
        assert!(matches!(&items[0], FeedItem::Event { line: 1, .. }));
        assert_eq!(items, plain_items);
    }

    #[test]
    fn a_long_line_is_refused_without_being_held() {
        let mut splitter = Splitter::default();
        let chunk = vec![b'x'; 16 * 1024];
        for _ in 0..64 {
            let mut input = &chunk[..];
            assert!(splitter.next_item(&mut input).is_none());
        }
        assert!(splitter.partial.capacity() <= 2 * MAX_LINE_BYTES + 2);
        let tail = format!("\n{GOOD}\n");
        let mut input = tail.as_bytes();
        assert_eq!(
            splitter.next_item(&mut input),
            Some(FeedItem::Rejected {
                line: 1,
                reason: Reject::TooLong
            })
        );
        assert!(matches!(
            splitter.next_item(&mut input),
            Some(FeedItem::Event { line: 2, .. })
        ));
    }

    #[test]
    fn exactly_64_kib_is_accepted_as_a_line_and_one_more_byte_is_not() {
        let exact = vec![b'x'; MAX_LINE_BYTES];
        let mut text = exact.clone();
        text.extend_from_slice(b"\r\n");
        text.extend(vec![b'y'; MAX_LINE_BYTES + 1]);
        text.extend_from_slice(b"\r\n");
        let (items, _) = split(&[&text[..100], &text[100..]]);
        assert_eq!(
            lines_of(&items),
            vec![(1, Some(Reject::NotJson)), (2, Some(Reject::TooLong))]
        );
    }

    #[test]
    fn backoff_doubles_to_the_cap() {
        let seconds: Vec<f64> = (0..8)
            .map(|attempt| backoff_delay(attempt, 0.5).as_secs_f64())
            .collect();
        assert_eq!(seconds, vec![1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]);
        assert_eq!(backoff_delay(u32::MAX, 0.5), Duration::from_secs(30));
    }

    #[test]
    fn jitter_units_stay_in_range_and_spread() {
        let mut jitter = Jitter::from_clock();
        let units: Vec<f64> = (0..1000).map(|_| jitter.next_unit()).collect();
        assert!(units.iter().all(|unit| (0.0..1.0).contains(unit)));
        assert!(units.iter().any(|unit| *unit < 0.1));
        assert!(units.iter().any(|unit| *unit > 0.9));
    }

    #[test]
    fn http_targets() {
        let target = HttpTarget::from_url("https://feed.example:8443/v1/events?since=0").unwrap();
        assert!(target.https);
        assert_eq!(target.connect_addr, "feed.example:8443");
        assert_eq!(target.authority, "feed.example:8443");
        assert_eq!(target.path_and_query, "/v1/events?since=0");
        assert_eq!(target.label(), "https://feed.example:8443");
        let target = HttpTarget::from_url("http://[::1]/").unwrap();
        assert_eq!(target.host, "::1");
        assert_eq!(target.connect_addr, "[::1]:80");
        let target = HttpTarget::from_url("http://cad").unwrap();
        assert_eq!(
            (target.connect_addr.as_str(), target.path_and_query.as_str()),
            ("cad:80", "/")
        );
        let error = HttpTarget::from_url("https://user:secret@cad/")
            .err()
            .unwrap();
        assert!(!error.contains("secret"));
    }
}
