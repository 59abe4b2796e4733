//! Reading `--feed`: `-` (stdin), a file path, `tcp://HOST:PORT`, `http://…` or `https://…`.
//!
//! URLs are parsed by the `url` crate (IPv6 literals, ports, percent-encoding, host names as
//! the WHATWG URL standard reads them). The rules on top are ours: a URL never carries
//! credentials (a token comes only from `FORCEBOARD_TOKEN`), and a TCP feed is a host and
//! a port, nothing more.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use url::{Host, Position, Url};

use super::FeedSource;
use super::nats::{DEFAULT_BACKFILL, NatsAddressError, NatsTarget};
use crate::format::printable;

/// The forms of `--feed`, for error messages.
const FORMS: &str = "-, a file path, tcp://HOST:PORT, http://…, https://…, \
                     nats://HOST:PORT/SUBJECT or tls://HOST:PORT/SUBJECT";

/// Why `--feed` was refused. Each says so in one sentence; none quotes a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedSourceError {
    #[error("the feed source is empty: give {FORMS}")]
    Empty,
    #[error("the feed scheme \"{}\" is not supported: use {FORMS}", printable(.scheme))]
    UnknownScheme { scheme: String },
    #[error(transparent)]
    Tcp(#[from] TcpAddrError),
    #[error(transparent)]
    Http(#[from] HttpUrlError),
    #[error(transparent)]
    Nats(#[from] NatsAddressError),
    /// `--follow` with a source other than a file path.
    #[error("--follow applies only to a feed read from a file path")]
    NotFollowable,
}

impl FeedSource {
    /// Reads `--feed`: `-` (stdin), `tcp://HOST:PORT`, `http://…`, `https://…`,
    /// `nats://HOST:PORT/SUBJECT`, `tls://HOST:PORT/SUBJECT`, or a file path.
    /// `follow` (tail the file) is allowed with a file path only.
    pub fn parse(src: &str, follow: bool) -> Result<FeedSource, FeedSourceError> {
        let source = source_of(src, follow)?;
        if follow {
            source.followed()
        } else {
            Ok(source)
        }
    }

    /// The same source read as it grows (`--follow`); only a file path can be followed.
    pub fn followed(self) -> Result<FeedSource, FeedSourceError> {
        match self {
            FeedSource::File { path, .. } => Ok(FeedSource::File { path, follow: true }),
            _ => Err(FeedSourceError::NotFollowable),
        }
    }

    /// A name for logs: no path or query of a URL (they can carry secrets), and control
    /// characters escaped.
    pub(crate) fn label(&self) -> String {
        let label = match self {
            FeedSource::Stdin => "stdin".to_string(),
            FeedSource::File { path, .. } => path.display().to_string(),
            FeedSource::Tcp { addr } => format!("tcp://{addr}"),
            FeedSource::Http { url } => url.label(),
            FeedSource::Nats { target, .. } => target.label(),
        };
        printable(&label).into_owned()
    }
}

fn source_of(src: &str, follow: bool) -> Result<FeedSource, FeedSourceError> {
    if src.is_empty() {
        return Err(FeedSourceError::Empty);
    }
    if src == "-" {
        return Ok(FeedSource::Stdin);
    }
    // Only `://` makes a URL: `C:\feed` or `feeds:today` stay file paths.
    let Some((scheme, _)) = src.split_once("://") else {
        return Ok(FeedSource::File {
            path: PathBuf::from(src),
            follow,
        });
    };
    match scheme.to_ascii_lowercase().as_str() {
        "tcp" => Ok(FeedSource::Tcp {
            addr: TcpAddr::parse(src)?,
        }),
        "http" | "https" => Ok(FeedSource::Http {
            url: HttpUrl::parse(src)?,
        }),
        // The board sets the replay from its configuration (largest window and grace).
        "nats" | "tls" => Ok(FeedSource::Nats {
            target: NatsTarget::parse(src)?,
            replay: DEFAULT_BACKFILL,
        }),
        _ => Err(FeedSourceError::UnknownScheme {
            scheme: scheme.to_string(),
        }),
    }
}

/// Why text is not read as a URL at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlSyntaxError {
    /// White space or control characters, which the URL standard would quietly drop or
    /// escape: a mistyped address is refused rather than guessed at.
    #[error("white space or control characters in a URL")]
    Blanks,
    #[error(transparent)]
    Malformed(#[from] url::ParseError),
}

/// Parses a URL, refusing white space and control characters.
pub(super) fn parse_url(text: &str) -> Result<Url, UrlSyntaxError> {
    if text.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(UrlSyntaxError::Blanks);
    }
    Ok(Url::parse(text)?)
}

/// A host a URL names, if it names one that is not empty.
fn named_host(url: &Url) -> Option<Host<&str>> {
    url.host().filter(|host| *host != Host::Domain(""))
}

/// Why `tcp://…` was refused; each says the one form a TCP feed takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcpAddrError {
    #[error("a TCP feed must be given as tcp://HOST:PORT")]
    Syntax(#[source] UrlSyntaxError),
    /// Not `tcp://`.
    #[error("a TCP feed must be given as tcp://HOST:PORT")]
    Scheme,
    /// No host, or no port (or port 0).
    #[error("a TCP feed must be given as tcp://HOST:PORT")]
    HostAndPort,
    /// A user, password, path, query or fragment: a TCP feed has none.
    #[error("a TCP feed must be given as tcp://HOST:PORT")]
    MoreThanHostAndPort,
}

/// A TCP feed's address, from `tcp://HOST:PORT`: a host name, an IPv4 address or an
/// IPv6 one, and a port (never 0 when read from `--feed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpAddr {
    host: Host<String>,
    port: u16,
}

impl TcpAddr {
    /// Reads `tcp://HOST:PORT` (an IPv6 `HOST` in brackets).
    pub fn parse(text: &str) -> Result<TcpAddr, TcpAddrError> {
        let url = parse_url(text).map_err(TcpAddrError::Syntax)?;
        if url.scheme() != "tcp" {
            return Err(TcpAddrError::Scheme);
        }
        let nothing_else = url.username().is_empty()
            && url.password().is_none()
            && url.path().is_empty()
            && url.query().is_none()
            && url.fragment().is_none();
        if !nothing_else {
            return Err(TcpAddrError::MoreThanHostAndPort);
        }
        let port = url.port().filter(|port| *port != 0);
        let (Some(host), Some(port)) = (named_host(&url), port) else {
            return Err(TcpAddrError::HostAndPort);
        };
        // `tcp` is not a scheme the URL standard knows, so its host is kept as written:
        // read it as an `http` host is (an IPv4 address, a name in lower case).
        let host = match host {
            Host::Domain(name) => Host::parse(name)
                .map_err(|error| TcpAddrError::Syntax(UrlSyntaxError::Malformed(error)))?,
            host => host.to_owned(),
        };
        Ok(TcpAddr { host, port })
    }

    pub fn host(&self) -> &Host<String> {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl FromStr for TcpAddr {
    type Err = TcpAddrError;

    fn from_str(text: &str) -> Result<TcpAddr, TcpAddrError> {
        TcpAddr::parse(text)
    }
}

/// A socket address as a TCP feed's (a listener's own, say).
impl From<SocketAddr> for TcpAddr {
    fn from(address: SocketAddr) -> TcpAddr {
        let host = match address {
            SocketAddr::V4(v4) => Host::Ipv4(*v4.ip()),
            SocketAddr::V6(v6) => Host::Ipv6(*v6.ip()),
        };
        TcpAddr {
            host,
            port: address.port(),
        }
    }
}

/// `HOST:PORT`, an IPv6 host in brackets: what a resolver is given.
impl fmt::Display for TcpAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// Why an HTTP(S) feed URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpUrlError {
    #[error("the feed URL is not a valid http:// or https:// URL")]
    Syntax(#[source] UrlSyntaxError),
    /// Not `http://` or `https://`.
    #[error("the feed URL is not a valid http:// or https:// URL")]
    Scheme,
    /// No host (or an empty one).
    #[error("the feed URL is not a valid http:// or https:// URL")]
    NoHost,
    /// A `user:password@` part: a token comes only from `FORCEBOARD_TOKEN`.
    #[error("credentials in the feed URL are not supported: set FORCEBOARD_TOKEN instead")]
    Credentials,
}

/// An HTTP(S) feed's URL: `http://` or `https://`, a host, and no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(Url);

impl HttpUrl {
    pub fn parse(text: &str) -> Result<HttpUrl, HttpUrlError> {
        let url = parse_url(text).map_err(HttpUrlError::Syntax)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HttpUrlError::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(HttpUrlError::Credentials);
        }
        if named_host(&url).is_none() {
            return Err(HttpUrlError::NoHost);
        }
        Ok(HttpUrl(url))
    }

    pub fn as_url(&self) -> &Url {
        &self.0
    }

    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// The host as TLS names it: an IPv6 address without brackets.
    pub(super) fn bare_host(&self) -> String {
        match self.0.host() {
            Some(Host::Domain(name)) => name.to_string(),
            Some(Host::Ipv4(address)) => address.to_string(),
            Some(Host::Ipv6(address)) => address.to_string(),
            None => String::new(),
        }
    }

    /// `host:port` to connect to, the scheme's port when the URL names none.
    pub(super) fn connect_addr(&self) -> String {
        let host = &self.0[Position::BeforeHost..Position::AfterHost];
        // http and https always have a known default port.
        let port = self.0.port_or_known_default().unwrap_or(80);
        format!("{host}:{port}")
    }

    /// For the `Host` header: the port only when the URL names one other than the default.
    pub(super) fn authority(&self) -> &str {
        &self.0[Position::BeforeHost..Position::AfterPort]
    }

    /// The request target: the path and query (a fragment is the client's own: never sent).
    pub(super) fn path_and_query(&self) -> &str {
        &self.0[Position::BeforePath..Position::AfterQuery]
    }

    /// For logs: the scheme and authority only (a path or query can carry secrets).
    pub(crate) fn label(&self) -> String {
        format!("{}://{}", self.0.scheme(), self.authority())
    }
}

impl FromStr for HttpUrl {
    type Err = HttpUrlError;

    fn from_str(text: &str) -> Result<HttpUrl, HttpUrlError> {
        HttpUrl::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp_at(addr: &str) -> Result<FeedSource, String> {
        let addr: SocketAddr = addr.parse().expect("a socket address");
        Ok(FeedSource::Tcp {
            addr: TcpAddr::from(addr),
        })
    }

    fn parsed(src: &str) -> Result<FeedSource, String> {
        FeedSource::parse(src, false).map_err(|error| error.to_string())
    }

    #[test]
    fn tcp_addresses() {
        assert_eq!(parsed("tcp://[::1]:9000"), tcp_at("[::1]:9000"));
        assert_eq!(parsed("tcp://10.0.0.7:65535"), tcp_at("10.0.0.7:65535"));
        let named = TcpAddr::parse("TCP://Cad.Local:7070").expect("a TCP address");
        assert_eq!(named.to_string(), "cad.local:7070");
        assert_eq!(
            (named.host(), named.port()),
            (&Host::Domain("cad.local".to_string()), 7070)
        );
        assert_eq!(
            TcpAddr::parse("tcp://[::1]:9000").map(|addr| addr.to_string()),
            Ok("[::1]:9000".to_string())
        );
        let refused = [
            "tcp://cad.local",
            "tcp://cad.local:",
            "tcp://cad.local:65536",
            "tcp://cad.local:0",
            "tcp://::1:9000",
            "tcp://[::1]",
            "tcp://cad.local:7070/feed",
            "tcp://cad.local:7070?x=1",
            "tcp://cad.local:7070 ",
            "tcp://ops:pw@cad.local:7070",
        ];
        for src in refused {
            assert!(
                matches!(FeedSource::parse(src, false), Err(FeedSourceError::Tcp(_))),
                "{src}"
            );
            assert_eq!(
                parsed(src),
                Err("a TCP feed must be given as tcp://HOST:PORT".to_string()),
                "{src}"
            );
        }
        // What the url crate said is kept as the cause.
        let error = TcpAddr::parse("tcp://cad.local:65536").expect_err("a port too large");
        assert_eq!(
            std::error::Error::source(&error).map(ToString::to_string),
            Some("invalid port number".to_string())
        );
    }

    #[test]
    fn unknown_schemes_are_named() {
        assert_eq!(
            parsed("gopher://cad.local/"),
            Err(
                "the feed scheme \"gopher\" is not supported: use -, a file path, \
                 tcp://HOST:PORT, http://…, https://…, nats://HOST:PORT/SUBJECT or \
                 tls://HOST:PORT/SUBJECT"
                    .to_string()
            )
        );
        // A scheme is quoted with its control characters escaped.
        assert_eq!(
            parsed("go\u{1b}[2J://cad.local/"),
            Err(
                "the feed scheme \"go\\u{1b}[2J\" is not supported: use -, a file path, \
                 tcp://HOST:PORT, http://…, https://…, nats://HOST:PORT/SUBJECT or \
                 tls://HOST:PORT/SUBJECT"
                    .to_string()
            )
        );
        // Without `://` it is a file path, whatever colons it has.
        assert_eq!(
            FeedSource::parse("feeds:today.ndjson", false),
            Ok(FeedSource::File {
                path: PathBuf::from("feeds:today.ndjson"),
                follow: false
            })
        );
    }

    #[test]
    fn credentials_in_an_http_url_are_refused() {
        for url in [
            "https://user:secret@cad/",
            "http://user@cad/",
            "https://:secret@cad:8443/",
        ] {
            assert_eq!(
                FeedSource::parse(url, false),
                Err(FeedSourceError::Http(HttpUrlError::Credentials)),
                "{url}"
            );
            assert_eq!(
                parsed(url),
                Err(
                    "credentials in the feed URL are not supported: set FORCEBOARD_TOKEN instead"
                        .to_string()
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn a_file_path_is_logged_with_control_characters_escaped() {
        let file = FeedSource::File {
            path: PathBuf::from("/feeds/\u{1b}]0;x\u{7}today\u{202e}.ndjson"),
            follow: false,
        };
        assert_eq!(file.label(), r"/feeds/\u{1b}]0;x\u{7}today\u{202e}.ndjson");
    }

    #[test]
    fn bad_http_urls_are_one_sentence() {
        let invalid = "the feed URL is not a valid http:// or https:// URL".to_string();
        for url in [
            "http://",
            "https://:8443/",
            "http://cad:99999/",
            "http://cad/a b",
        ] {
            assert_eq!(parsed(url), Err(invalid.clone()), "{url}");
        }
        assert_eq!(
            HttpUrl::parse("ftp://cad/"),
            Err(HttpUrlError::Scheme),
            "only http and https"
        );
    }

    #[test]
    fn http_urls_give_what_a_request_needs() {
        let url = HttpUrl::parse("https://feed.example:8443/v1/events?since=0").expect("valid");
        assert!(url.is_https());
        assert_eq!(url.connect_addr(), "feed.example:8443");
        assert_eq!(url.authority(), "feed.example:8443");
        assert_eq!(url.path_and_query(), "/v1/events?since=0");
        assert_eq!(url.label(), "https://feed.example:8443");
        let url = HttpUrl::parse("http://[::1]/").expect("valid");
        assert_eq!(url.bare_host(), "::1");
        assert_eq!(url.connect_addr(), "[::1]:80");
        let url = HttpUrl::parse("http://cad").expect("valid");
        assert_eq!(
            (url.connect_addr(), url.path_and_query()),
            ("cad:80".to_string(), "/")
        );
        let error = HttpUrl::parse("https://user:secret@cad/").expect_err("credentials");
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn http_urls_with_ipv6_ports_and_fragments() {
        let url = HttpUrl::parse("http://[::1]:9000/feed#top").expect("valid");
        assert_eq!(url.bare_host(), "::1");
        assert_eq!(url.connect_addr(), "[::1]:9000");
        assert_eq!(url.authority(), "[::1]:9000");
        // A fragment is the client's own: never sent.
        assert_eq!(url.path_and_query(), "/feed");
        let url = HttpUrl::parse("HTTPS://CAD.Example").expect("valid");
        assert_eq!(url.bare_host(), "cad.example");
        assert_eq!(url.connect_addr(), "cad.example:443");
        // The default port is not named.
        let url = HttpUrl::parse("https://cad.example:443/").expect("valid");
        assert_eq!(url.authority(), "cad.example");
        assert_eq!(url.label(), "https://cad.example");
    }
}
