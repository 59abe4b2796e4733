//! Reaching a NATS server: `--feed nats://HOST:PORT/SUBJECT` (or `tls://…`), the
//! credentials (a creds file, an nkey seed file or a token, never on the command line),
//! and the words for what went wrong. The board's consumer and `publish` share it.

use std::path::PathBuf;
use std::time::Duration;

use async_nats::jetstream::{self, ErrorCode, context::AccountErrorKind};
use async_nats::{ConnectErrorKind, ConnectOptions, Event};
use tokio::sync::mpsc;
use url::Host;

use crate::feed::source::DownCause;
use crate::feed::source::address::{UrlSyntaxError, parse_url};
use crate::format::printable;

/// The NATS port when a URL names none.
pub const DEFAULT_NATS_PORT: u16 = 4222;

/// How a NATS client proves who it is. Only paths are kept here: a token is passed in
/// separately (from a file or the environment) so it never sits in a value that is logged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NatsCredentials {
    #[default]
    None,
    /// A `.creds` file (a user JWT and its nkey seed), as `nsc` writes it.
    CredsFile(PathBuf),
    /// A file holding one nkey seed (`SU…`).
    NkeyFile(PathBuf),
}

/// A NATS server and one subject on it: `nats://HOST:PORT/SUBJECT` or `tls://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatsTarget {
    /// `nats://HOST:PORT` or `tls://HOST:PORT`, without the subject.
    pub server: String,
    pub subject: String,
    pub tls: bool,
    pub credentials: NatsCredentials,
}

/// Why a NATS address (`nats://HOST:PORT/SUBJECT`, `tls://…`, or `--nats`) was refused.
/// Each is one sentence; none quotes a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NatsAddressError {
    #[error("{NATS_FORM}")]
    Syntax(#[source] UrlSyntaxError),
    /// Not `nats://` or `tls://`.
    #[error("{NATS_FORM}")]
    Scheme,
    /// No host, or port 0.
    #[error("{NATS_FORM}")]
    HostAndPort,
    /// A query or a fragment.
    #[error("{NATS_FORM}")]
    MoreThanServerAndSubject,
    /// A `user:password@` part: credentials come from files or the environment.
    #[error(
        "credentials in a NATS URL are not supported: use --nats-creds, --nats-nkey or FORCEBOARD_NATS_TOKEN"
    )]
    Credentials,
    #[error(transparent)]
    Subject(#[from] SubjectError),
}

/// The one form a NATS feed takes, for error messages.
const NATS_FORM: &str =
    "a NATS feed must be given as nats://HOST:PORT/SUBJECT or tls://HOST:PORT/SUBJECT";

/// A subject that is not one force's: see [`check_subject`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the NATS subject \"{}\" is not valid: give dot-separated words of letters, digits, - and _ (e.g. events.wmp), no wildcards",
    printable(.subject)
)]
pub struct SubjectError {
    pub subject: String,
}

impl NatsTarget {
    /// Reads `nats://HOST[:PORT]/SUBJECT` or `tls://…`.
    pub fn parse(text: &str) -> Result<NatsTarget, NatsAddressError> {
        let (server, path) = NatsTarget::parse_server(text)?;
        let subject = path.trim_start_matches('/');
        check_subject(subject)?;
        Ok(NatsTarget {
            subject: subject.to_string(),
            ..server
        })
    }

    /// Reads `nats://HOST[:PORT]` or `tls://HOST[:PORT]` (a subject given apart); a path
    /// is returned for [`parse`](Self::parse) to read as the subject.
    pub fn parse_server(text: &str) -> Result<(NatsTarget, String), NatsAddressError> {
        let url = parse_url(text).map_err(NatsAddressError::Syntax)?;
        let tls = match url.scheme() {
            "nats" => false,
            "tls" => true,
            _ => return Err(NatsAddressError::Scheme),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(NatsAddressError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(NatsAddressError::MoreThanServerAndSubject);
        }
        let host = match url.host() {
            Some(Host::Domain("")) | None => return Err(NatsAddressError::HostAndPort),
            Some(host) => host.to_string(),
        };
        let port = url.port().unwrap_or(DEFAULT_NATS_PORT);
        if port == 0 {
            return Err(NatsAddressError::HostAndPort);
        }
        let scheme = if tls { "tls" } else { "nats" };
        let target = NatsTarget {
            server: format!("{scheme}://{host}:{port}"),
            subject: String::new(),
            tls,
            credentials: NatsCredentials::None,
        };
        Ok((target, url.path().to_string()))
    }

    /// For logs and the board: the server and subject (never a credential).
    pub(crate) fn label(&self) -> String {
        printable(&format!("{}/{}", self.server, self.subject)).into_owned()
    }
}

/// A subject a force's events travel on: dot-separated tokens of letters, digits, `-`
/// and `_`; no wildcards (one subject is one force's ordered feed).
pub fn check_subject(subject: &str) -> Result<(), SubjectError> {
    let token_ok = |token: &str| {
        !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if subject.len() <= 255 && subject.split('.').all(token_ok) {
        Ok(())
    } else {
        Err(SubjectError {
            subject: subject.to_string(),
        })
    }
}

/// Connects to `target`, with `token` if given. Connection events (lost, back) are sent
/// to `events`; the client reconnects by itself, to any server of the cluster it learnt of.
pub async fn connect(
    target: &NatsTarget,
    token: Option<&str>,
    connect_timeout: Duration,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Result<async_nats::Client, DownCause> {
    let mut options = ConnectOptions::new()
        .name(concat!("forceboard/", env!("CARGO_PKG_VERSION")))
        .connection_timeout(connect_timeout)
        .require_tls(target.tls);
    options = match &target.credentials {
        NatsCredentials::None => options,
        NatsCredentials::CredsFile(path) => options
            .credentials_file(path)
            .await
            .map_err(|_| DownCause::NatsCredentials)?,
        NatsCredentials::NkeyFile(path) => {
            let seed = tokio::fs::read_to_string(path)
                .await
                .map_err(|_| DownCause::NatsCredentials)?;
            options.nkey(seed.trim().to_string())
        }
    };
    if let Some(token) = token {
        options = options.token(token.to_string());
    }
    if let Some(events) = events {
        options = options.event_callback(move |event| {
            // The receiver gone means the source stopped: nothing to tell.
            let _ = events.send(event);
            async {}
        });
    }
    options
        .connect(target.server.as_str())
        .await
        .map_err(|error| cause_of_connect(&error))
}

/// Whether the server answers that it has no JetStream: nothing listens on its API (a
/// server started without `-js`), or the account has none. Anything else (no answer in
/// time, as while a cluster elects its leaders) is not taken as "missing".
pub async fn jetstream_missing(jetstream: &jetstream::Context) -> bool {
    match jetstream.query_account().await {
        Ok(_) => false,
        Err(error) => match error.kind() {
            AccountErrorKind::JetStreamUnavailable => true,
            AccountErrorKind::JetStream(answer) => {
                answer.error_code() == ErrorCode::JETSTREAM_NOT_ENABLED_FOR_ACCOUNT
                    || answer.error_code() == ErrorCode::JETSTREAM_NOT_ENABLED
            }
            _ => false,
        },
    }
}

fn cause_of_connect(error: &async_nats::ConnectError) -> DownCause {
    match error.kind() {
        ConnectErrorKind::Dns => DownCause::HostNotFound,
        ConnectErrorKind::TimedOut => DownCause::ConnectTimedOut,
        ConnectErrorKind::Authentication | ConnectErrorKind::AuthorizationViolation => {
            DownCause::NatsAuthorization
        }
        ConnectErrorKind::Tls => DownCause::TlsHandshake,
        ConnectErrorKind::Io => io_cause(error).unwrap_or(DownCause::ConnectionRefused),
        ConnectErrorKind::MaxReconnects => DownCause::ConnectionRefused,
        ConnectErrorKind::ServerParse => DownCause::InvalidUrl,
    }
}

/// The I/O error under a failed connection, by its kind; a TLS failure (rustls's errors
/// travel inside an `io::Error`) as the TLS cause.
fn io_cause(error: &async_nats::ConnectError) -> Option<DownCause> {
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            let tls = io.get_ref().is_some_and(
                <dyn std::error::Error + Send + Sync>::is::<tokio_rustls::rustls::Error>,
            );
            return Some(if tls {
                DownCause::from_tls_handshake(io)
            } else {
                DownCause::from_io(io)
            });
        }
        source = inner.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nats_urls_name_a_server_and_a_subject() {
        let target = NatsTarget::parse("nats://board-host:4333/events.wmp").unwrap();
        assert_eq!(target.server, "nats://board-host:4333");
        assert_eq!(target.subject, "events.wmp");
        assert!(!target.tls);
        let target = NatsTarget::parse("tls://10.0.0.1/events.wmp").unwrap();
        assert_eq!(target.server, "tls://10.0.0.1:4222");
        assert!(target.tls);
        assert_eq!(target.label(), "tls://10.0.0.1:4222/events.wmp");
    }

    #[test]
    fn credentials_wildcards_and_missing_parts_are_refused() {
        for bad in [
            "nats://user:pw@host:4222/events.wmp",
            "nats://host:4222/events.*",
            "nats://host:4222/events.>",
            "nats://host:4222/",
            "nats://host:4222/events..wmp",
            "nats://host:0/events.wmp",
            "nats:///events.wmp",
            "nats://host:4222/events.wmp?x=1",
            "http://host/events.wmp",
        ] {
            assert!(NatsTarget::parse(bad).is_err(), "{bad}");
        }
        let refused = NatsTarget::parse("nats://u:secret@h/events.wmp").unwrap_err();
        assert_eq!(refused, NatsAddressError::Credentials);
        assert!(!refused.to_string().contains("secret"), "{refused}");
        assert_eq!(
            NatsTarget::parse("nats://host:4222/events.*")
                .unwrap_err()
                .to_string(),
            "the NATS subject \"events.*\" is not valid: give dot-separated words of letters, \
             digits, - and _ (e.g. events.wmp), no wildcards"
        );
        assert_eq!(
            NatsTarget::parse("nats://host:0/events.wmp")
                .unwrap_err()
                .to_string(),
            NATS_FORM
        );
    }
}
