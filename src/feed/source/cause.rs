//! Why a feed source is down, as a type. The words for it are made only where it is shown
//! or logged ([`Display`](fmt::Display)), and they never carry feed content, the token,
//! or a URL's path and query.

use std::fmt;
use std::io;

use hyper::StatusCode;
use tokio_rustls::rustls;

/// Why a source is down; [`SourceState::Down`](super::SourceState::Down) carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownCause {
    /// The host name did not resolve (or resolved to nothing).
    HostNotFound,
    ConnectionRefused,
    /// Connecting took longer than the connect timeout.
    ConnectTimedOut,
    TimedOut,
    ConnectionReset,
    /// The other end closed the connection (or the stream ended early).
    ConnectionClosed,
    /// Any other I/O error on a connection or an open file, by its kind only.
    Other(io::ErrorKind),
    FileNotFound,
    /// The feed file cannot be opened for reading.
    PermissionDenied,
    /// The feed path names a directory.
    IsADirectory,
    /// Opening the feed file failed otherwise.
    File(io::ErrorKind),
    /// No root certificate could be loaded from the system.
    TlsNoRootCertificates,
    /// The TLS client could not be configured.
    TlsSetup,
    /// The URL's host is not a name TLS can check a certificate against.
    TlsInvalidServerName,
    /// The certificate chains to no trusted root (an unknown issuer), or is refused for
    /// a reason without words of its own.
    TlsCertificateNotTrusted,
    /// The certificate's validity ended.
    TlsCertificateExpired,
    /// The certificate's validity has not begun.
    TlsCertificateNotYetValid,
    /// The certificate names other hosts than the URL's.
    TlsCertificateWrongHost,
    /// The certificate is its own issuer and is not trusted.
    TlsCertificateSelfSigned,
    /// The TLS handshake was refused or garbled.
    TlsHandshake,
    /// The connection failed during the TLS handshake, with this kind of I/O error.
    TlsHandshakeBroken(io::ErrorKind),
    TlsHandshakeTimedOut,
    /// The server answered with a status other than 2xx.
    Http {
        status: u16,
    },
    /// No response head within the connect timeout.
    NoResponse,
    /// The response was not HTTP/1.1 as hyper reads it.
    BadResponse,
    /// The connection closed before the response was complete.
    ClosedMidResponse,
    /// Any other HTTP failure.
    HttpError,
    /// The GET request could not be built.
    InvalidRequest,
    /// The URL of an HTTP feed is not a valid `http://` or `https://` URL.
    InvalidUrl,
    /// The token cannot be sent as an HTTP header.
    InvalidToken,
    /// An open connection delivered no byte (not even a heartbeat) for this many seconds:
    /// it was closed, since a link that died without a goodbye would otherwise look open.
    NoData {
        secs: u64,
    },
    /// The NATS creds or nkey file cannot be read (or is not one).
    NatsCredentials,
    /// The NATS server refused the credentials (or their absence).
    NatsAuthorization,
    /// No JetStream stream holds the feed's subject (or JetStream is not answering).
    NatsNoStream,
    /// The JetStream consumer could not be made, or failed.
    NatsConsumer,
    /// The server runs without JetStream (nats-server started without `-js`).
    NatsNoJetStream,
    /// The stream was deleted and made again: its backlog is read again from the start.
    NatsStreamRecreated,
}

impl DownCause {
    /// An I/O error on a connection or an open file, by its kind (never its message).
    pub(crate) fn from_io(error: &io::Error) -> DownCause {
        DownCause::from_io_kind(error.kind())
    }

    fn from_io_kind(kind: io::ErrorKind) -> DownCause {
        match kind {
            io::ErrorKind::UnexpectedEof => DownCause::ConnectionClosed,
            io::ErrorKind::TimedOut => DownCause::TimedOut,
            io::ErrorKind::ConnectionRefused => DownCause::ConnectionRefused,
            io::ErrorKind::ConnectionReset => DownCause::ConnectionReset,
            kind => DownCause::Other(kind),
        }
    }

    /// What the person at the board can do about it, when there is one clear thing.
    pub(crate) fn hint(&self) -> Option<&'static str> {
        match self {
            DownCause::Http { status: 401 | 403 } => Some("check FORCEBOARD_TOKEN"),
            DownCause::NatsAuthorization => Some("check the NATS credentials"),
            DownCause::NatsNoJetStream => Some("start nats-server with -js"),
            _ => None,
        }
    }

    /// An error opening the feed file.
    pub(crate) fn from_file_open(error: &io::Error) -> DownCause {
        match error.kind() {
            io::ErrorKind::NotFound => DownCause::FileNotFound,
            io::ErrorKind::PermissionDenied => DownCause::PermissionDenied,
            io::ErrorKind::IsADirectory => DownCause::IsADirectory,
            kind => DownCause::File(kind),
        }
    }

    /// An error from the TLS handshake: rustls's own errors travel inside an `io::Error`.
    pub(crate) fn from_tls_handshake(error: &io::Error) -> DownCause {
        let tls = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>());
        match tls {
            Some(rustls::Error::InvalidCertificate(refusal)) => {
                DownCause::from_certificate_refusal(refusal)
            }
            Some(_) => DownCause::TlsHandshake,
            None if error.kind() == io::ErrorKind::InvalidData => DownCause::TlsHandshake,
            None => DownCause::TlsHandshakeBroken(error.kind()),
        }
    }

    /// Which of the certificate's faults it was, so IT is told which to fix.
    fn from_certificate_refusal(refusal: &rustls::CertificateError) -> DownCause {
        use rustls::CertificateError as Refusal;
        match refusal {
            Refusal::Expired | Refusal::ExpiredContext { .. } => DownCause::TlsCertificateExpired,
            Refusal::NotValidYet | Refusal::NotValidYetContext { .. } => {
                DownCause::TlsCertificateNotYetValid
            }
            Refusal::NotValidForName | Refusal::NotValidForNameContext { .. } => {
                DownCause::TlsCertificateWrongHost
            }
            Refusal::Other(other) if other.0.is::<SelfSignedCertificate>() => {
                DownCause::TlsCertificateSelfSigned
            }
            _ => DownCause::TlsCertificateNotTrusted,
        }
    }

    /// An error from hyper while sending the request or reading the response.
    pub(crate) fn from_hyper(error: &hyper::Error) -> DownCause {
        if error.is_timeout() {
            return DownCause::TimedOut;
        }
        if error.is_incomplete_message() {
            return DownCause::ClosedMidResponse;
        }
        if error.is_parse() || error.is_parse_status() {
            return DownCause::BadResponse;
        }
        if error.is_closed() || error.is_canceled() {
            return DownCause::ConnectionClosed;
        }
        let io = std::error::Error::source(error).and_then(|source| source.downcast_ref());
        io.map_or(DownCause::HttpError, DownCause::from_io)
    }
}

impl fmt::Display for DownCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = match self {
            DownCause::HostNotFound => "host not found",
            DownCause::ConnectionRefused => "connection refused",
            DownCause::ConnectTimedOut => "connect timed out",
            DownCause::TimedOut => "timed out",
            DownCause::ConnectionReset => "connection reset",
            DownCause::ConnectionClosed => "connection closed",
            DownCause::Other(kind) => return write!(f, "{kind}"),
            DownCause::FileNotFound => "file not found",
            DownCause::PermissionDenied => "file not readable (permission denied)",
            DownCause::IsADirectory => "the feed path is a directory",
            DownCause::File(kind) => return write!(f, "file error: {kind}"),
            DownCause::TlsNoRootCertificates => "TLS: no trusted root certificates found",
            DownCause::TlsSetup => "TLS: set-up failed",
            DownCause::TlsInvalidServerName => "TLS: invalid server name",
            DownCause::TlsCertificateNotTrusted => "TLS: certificate not trusted",
            DownCause::TlsCertificateExpired => "TLS: certificate expired",
            DownCause::TlsCertificateNotYetValid => "TLS: certificate not yet valid",
            DownCause::TlsCertificateWrongHost => "TLS: certificate is for another host",
            DownCause::TlsCertificateSelfSigned => "TLS: certificate self-signed, not trusted",
            DownCause::TlsHandshake => "TLS: handshake failed",
            DownCause::TlsHandshakeBroken(kind) => {
                let broken = DownCause::from_io_kind(*kind);
                return write!(f, "TLS: handshake failed ({broken})");
            }
            DownCause::TlsHandshakeTimedOut => "TLS: handshake timed out",
            DownCause::Http { status } => return write_http_status(f, *status),
            DownCause::NoResponse => "no HTTP response (timed out)",
            DownCause::BadResponse => "bad HTTP response",
            DownCause::ClosedMidResponse => "connection closed mid-response",
            DownCause::HttpError => "HTTP error",
            DownCause::InvalidRequest => "invalid HTTP request",
            DownCause::InvalidUrl => "the feed URL is not a valid http:// or https:// URL",
            DownCause::InvalidToken => "the token is not a valid HTTP header value",
            DownCause::NoData { secs } => return write!(f, "no data for {secs} s"),
            DownCause::NatsCredentials => "NATS: the credentials file cannot be read",
            DownCause::NatsAuthorization => "NATS: authorization refused",
            DownCause::NatsNoStream => "NATS: no stream holds the subject",
            DownCause::NatsConsumer => "NATS: the consumer failed",
            DownCause::NatsNoJetStream => "NATS: JetStream is not enabled on the server",
            DownCause::NatsStreamRecreated => "NATS: stream re-created, reading it again",
        };
        f.write_str(words)
    }
}

/// What the HTTPS client's verifier reports for an untrusted certificate that is its own
/// issuer, inside rustls's `CertificateError::Other`: rustls itself says only "unknown
/// issuer" for it.
#[derive(Debug)]
pub(crate) struct SelfSignedCertificate;

impl fmt::Display for SelfSignedCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("self-signed certificate")
    }
}

impl std::error::Error for SelfSignedCertificate {}

/// `HTTP 503 Service Unavailable`, or `HTTP 599` for a status without a standard phrase.
fn write_http_status(f: &mut fmt::Formatter<'_>, status: u16) -> fmt::Result {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason());
    match reason {
        Some(reason) => write!(f, "HTTP {status} {reason}"),
        None => write!(f, "HTTP {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_error(kind: io::ErrorKind) -> io::Error {
        io::Error::from(kind)
    }

    #[test]
    fn io_errors_by_kind() {
        let cases = [
            (
                io::ErrorKind::ConnectionRefused,
                DownCause::ConnectionRefused,
            ),
            (io::ErrorKind::ConnectionReset, DownCause::ConnectionReset),
            (io::ErrorKind::UnexpectedEof, DownCause::ConnectionClosed),
            (io::ErrorKind::TimedOut, DownCause::TimedOut),
            (
                io::ErrorKind::BrokenPipe,
                DownCause::Other(io::ErrorKind::BrokenPipe),
            ),
        ];
        for (kind, cause) in cases {
            assert_eq!(DownCause::from_io(&io_error(kind)), cause, "{kind:?}");
        }
        // Only the kind counts: a message (which could quote anything) is never kept.
        let quoted = io::Error::new(io::ErrorKind::ConnectionReset, "secret 07700900123");
        assert_eq!(DownCause::from_io(&quoted).to_string(), "connection reset");
    }

    #[test]
    fn file_open_errors() {
        let cases = [
            (io::ErrorKind::NotFound, "file not found"),
            (
                io::ErrorKind::PermissionDenied,
                "file not readable (permission denied)",
            ),
            (io::ErrorKind::IsADirectory, "the feed path is a directory"),
            (
                io::ErrorKind::InvalidInput,
                "file error: invalid input parameter",
            ),
        ];
        for (kind, words) in cases {
            assert_eq!(
                DownCause::from_file_open(&io_error(kind)).to_string(),
                words
            );
        }
        assert_eq!(
            DownCause::from_file_open(&io_error(io::ErrorKind::NotFound)),
            DownCause::FileNotFound
        );
    }

    #[test]
    fn tls_handshake_errors() {
        use rustls::CertificateError as Refusal;
        let untrusted = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(
            DownCause::from_tls_handshake(&untrusted),
            DownCause::TlsCertificateNotTrusted
        );
        let refused = |refusal| {
            let error = io::Error::new(
                io::ErrorKind::InvalidData,
                rustls::Error::InvalidCertificate(refusal),
            );
            DownCause::from_tls_handshake(&error)
        };
        assert_eq!(refused(Refusal::Expired), DownCause::TlsCertificateExpired);
        assert_eq!(
            refused(Refusal::NotValidYet),
            DownCause::TlsCertificateNotYetValid
        );
        assert_eq!(
            refused(Refusal::NotValidForName),
            DownCause::TlsCertificateWrongHost
        );
        let self_signed = rustls::OtherError(std::sync::Arc::new(SelfSignedCertificate));
        assert_eq!(
            refused(Refusal::Other(self_signed)),
            DownCause::TlsCertificateSelfSigned
        );
        assert_eq!(
            refused(Refusal::Revoked),
            DownCause::TlsCertificateNotTrusted
        );
        let garbled = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::General("bad record".to_string()),
        );
        assert_eq!(
            DownCause::from_tls_handshake(&garbled),
            DownCause::TlsHandshake
        );
        assert_eq!(
            DownCause::from_tls_handshake(&io_error(io::ErrorKind::InvalidData)),
            DownCause::TlsHandshake
        );
        let broken = DownCause::from_tls_handshake(&io_error(io::ErrorKind::UnexpectedEof));
        assert_eq!(
            broken,
            DownCause::TlsHandshakeBroken(io::ErrorKind::UnexpectedEof)
        );
        assert_eq!(
            broken.to_string(),
            "TLS: handshake failed (connection closed)"
        );
    }

    #[test]
    fn words() {
        let cases = [
            (DownCause::ConnectionRefused, "connection refused"),
            (DownCause::HostNotFound, "host not found"),
            (DownCause::Http { status: 401 }, "HTTP 401 Unauthorized"),
            (
                DownCause::Http { status: 503 },
                "HTTP 503 Service Unavailable",
            ),
            (DownCause::Http { status: 599 }, "HTTP 599"),
            (
                DownCause::TlsCertificateNotTrusted,
                "TLS: certificate not trusted",
            ),
            (DownCause::TlsCertificateExpired, "TLS: certificate expired"),
            (
                DownCause::TlsCertificateWrongHost,
                "TLS: certificate is for another host",
            ),
            (
                DownCause::TlsCertificateSelfSigned,
                "TLS: certificate self-signed, not trusted",
            ),
            (DownCause::Other(io::ErrorKind::BrokenPipe), "broken pipe"),
            (DownCause::NoData { secs: 60 }, "no data for 60 s"),
        ];
        for (cause, words) in cases {
            assert_eq!(cause.to_string(), words);
        }
    }

    #[test]
    fn only_a_refused_token_has_a_hint() {
        for status in [401, 403] {
            assert_eq!(
                DownCause::Http { status }.hint(),
                Some("check FORCEBOARD_TOKEN")
            );
        }
        assert_eq!(DownCause::Http { status: 404 }.hint(), None);
        assert_eq!(DownCause::ConnectionRefused.hint(), None);
    }

    /// Runs one GET against `reply` over an in-memory pipe and returns the first hyper
    /// error, from the request or from the body.
    async fn hyper_error(reply: &'static [u8]) -> hyper::Error {
        use http_body_util::{BodyExt, Empty};
        use hyper::body::Bytes;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let (client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut head = [0; 1024];
            let _ = server.read(&mut head).await;
            let _ = server.write_all(reply).await;
        });
        let io = hyper_util::rt::TokioIo::new(client);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .expect("handshake over a pipe");
        tokio::spawn(connection);
        let request = hyper::Request::get("/")
            .header(hyper::header::HOST, "cad")
            .body(Empty::<Bytes>::new())
            .expect("a valid request");
        let response = match sender.send_request(request).await {
            Ok(response) => response,
            Err(error) => return error,
        };
        let mut body = response.into_body();
        loop {
            match body.frame().await {
                Some(Ok(_)) => {}
                Some(Err(error)) => return error,
                None => panic!("the body ended cleanly"),
            }
        }
    }

    #[tokio::test]
    async fn hyper_errors() {
        let garbage = hyper_error(b"SSH-2.0-OpenSSH\r\n\r\n").await;
        assert_eq!(DownCause::from_hyper(&garbage), DownCause::BadResponse);
        // A body cut short is an I/O error (unexpected end of file) inside hyper's error.
        let cut_short = hyper_error(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").await;
        assert_eq!(
            DownCause::from_hyper(&cut_short),
            DownCause::ConnectionClosed
        );
        // Closed before any response: hyper's own "incomplete message".
        let silent = hyper_error(b"").await;
        assert_eq!(DownCause::from_hyper(&silent), DownCause::ClosedMidResponse);
    }
}
