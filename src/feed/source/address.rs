//! Reading `--feed`: `-` (stdin), a file path, `tcp://HOST:PORT`, `http://…` or `https://…`.
//!
//! URLs are parsed by the `url` crate (IPv6 literals, ports, percent-encoding, host names as
//! the WHATWG URL standard reads them). The rules on top are ours: a URL never carries
//! credentials (a token comes only from `FORCEBOARD_TOKEN`), and a TCP feed is a host and
//! a port, nothing more.

use std::path::PathBuf;

use url::{Host, Url};

use super::nats::{DEFAULT_BACKFILL, NatsTarget};
use super::{DownCause, FeedSource};
use crate::format::printable;

/// The forms of `--feed`, for error messages.
const FORMS: &str = "-, a file path, tcp://HOST:PORT, http://…, https://…, \
                     nats://HOST:PORT/SUBJECT or tls://HOST:PORT/SUBJECT";

impl FeedSource {
    /// Reads `--feed`: `-` (stdin), `tcp://HOST:PORT`, `http://…`, `https://…`,
    /// `nats://HOST:PORT/SUBJECT`, `tls://HOST:PORT/SUBJECT`, or a file path.
    /// `follow` (tail the file) is allowed with a file path only. The error is one sentence.
    pub fn parse(src: &str, follow: bool) -> Result<FeedSource, String> {
        let source = source_of(src, follow)?;
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

    /// A name for logs: no path or query of a URL (they can carry secrets), and control
    /// characters escaped.
    pub(crate) fn label(&self) -> String {
        let label = match self {
            FeedSource::Stdin => "stdin".to_string(),
            FeedSource::File { path, .. } => path.display().to_string(),
            FeedSource::Tcp { addr } => format!("tcp://{addr}"),
            FeedSource::Http { url } => match HttpTarget::from_url(url) {
                Ok(target) => target.label(),
                Err(_) => "an HTTP feed".to_string(),
            },
            FeedSource::Nats { target, .. } => target.label(),
        };
        printable(&label).into_owned()
    }
}

fn source_of(src: &str, follow: bool) -> Result<FeedSource, String> {
    if src.is_empty() {
        return Err(format!("the feed source is empty: give {FORMS}"));
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
            addr: tcp_addr(src)?,
        }),
        "http" | "https" => {
            HttpTarget::from_url(src).map_err(|cause| cause.to_string())?;
            Ok(FeedSource::Http {
                url: src.to_string(),
            })
        }
        // The board sets the replay from its configuration (largest window and grace).
        "nats" | "tls" => Ok(FeedSource::Nats {
            target: NatsTarget::parse(src)?,
            replay: DEFAULT_BACKFILL,
        }),
        _ => Err(format!(
            "the feed scheme \"{}\" is not supported: use {FORMS}",
            printable(scheme)
        )),
    }
}

/// Parses a URL, refusing white space and control characters, which the URL standard would
/// quietly drop or escape: a mistyped address is refused rather than guessed at.
fn parse_url(text: &str) -> Option<Url> {
    if text.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Url::parse(text).ok()
}

/// `tcp://HOST:PORT` (`HOST` a name, an IPv4 address or a bracketed IPv6 one; `PORT` not 0)
/// as the `HOST:PORT` to connect to.
fn tcp_addr(src: &str) -> Result<String, String> {
    let invalid = || "a TCP feed must be given as tcp://HOST:PORT".to_string();
    let url = parse_url(src).ok_or_else(invalid)?;
    let nothing_else = url.username().is_empty()
        && url.password().is_none()
        && url.path().is_empty()
        && url.query().is_none()
        && url.fragment().is_none();
    let port = url.port().filter(|port| *port != 0);
    match (url.host(), port) {
        (Some(host), Some(port)) if nothing_else && host != Host::Domain("") => {
            // `Host` writes an IPv6 address in brackets.
            Ok(format!("{host}:{port}"))
        }
        _ => Err(invalid()),
    }
}

/// The parts of an HTTP(S) feed URL that a request needs.
pub(super) struct HttpTarget {
    pub(super) https: bool,
    /// Without brackets for an IPv6 literal (for TLS).
    pub(super) host: String,
    /// `host:port` to connect to.
    pub(super) connect_addr: String,
    /// For the `Host` header: the port only when the URL names one other than the default.
    pub(super) authority: String,
    pub(super) path_and_query: String,
}

impl HttpTarget {
    /// The error is [`DownCause::InvalidUrl`] or [`DownCause::CredentialsInUrl`].
    pub(super) fn from_url(text: &str) -> Result<HttpTarget, DownCause> {
        let url = parse_url(text).ok_or(DownCause::InvalidUrl)?;
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            _ => return Err(DownCause::InvalidUrl),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DownCause::CredentialsInUrl);
        }
        let host = url.host().ok_or(DownCause::InvalidUrl)?;
        let bare_host = match &host {
            Host::Domain(name) => name.to_string(),
            Host::Ipv4(address) => address.to_string(),
            Host::Ipv6(address) => address.to_string(),
        };
        let port = url.port_or_known_default().ok_or(DownCause::InvalidUrl)?;
        if bare_host.is_empty() {
            return Err(DownCause::InvalidUrl);
        }
        Ok(HttpTarget {
            https,
            host: bare_host,
            connect_addr: format!("{host}:{port}"),
            authority: match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            },
            path_and_query: match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_string(),
            },
        })
    }

    pub(crate) fn label(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP_FORM: &str = "a TCP feed must be given as tcp://HOST:PORT";

    fn tcp(src: &str) -> Result<FeedSource, String> {
        FeedSource::parse(src, false)
    }

    fn tcp_at(addr: &str) -> Result<FeedSource, String> {
        Ok(FeedSource::Tcp {
            addr: addr.to_string(),
        })
    }

    #[test]
    fn tcp_addresses() {
        assert_eq!(tcp("tcp://[::1]:9000"), tcp_at("[::1]:9000"));
        assert_eq!(tcp("TCP://cad.local:7070"), tcp_at("cad.local:7070"));
        assert_eq!(tcp("tcp://10.0.0.7:65535"), tcp_at("10.0.0.7:65535"));
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
            assert_eq!(tcp(src), Err(TCP_FORM.to_string()), "{src}");
        }
    }

    #[test]
    fn unknown_schemes_are_named() {
        assert_eq!(
            FeedSource::parse("gopher://cad.local/", false),
            Err(
                "the feed scheme \"gopher\" is not supported: use -, a file path, \
                 tcp://HOST:PORT, http://…, https://…, nats://HOST:PORT/SUBJECT or \
                 tls://HOST:PORT/SUBJECT"
                    .to_string()
            )
        );
        // A scheme is quoted with its control characters escaped.
        assert_eq!(
            FeedSource::parse("go\u{1b}[2J://cad.local/", false),
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
                Err(
                    "credentials in the feed URL are not supported: set FORCEBOARD_TOKEN instead"
                        .to_string()
                ),
                "{url}"
            );
        }
        let label = FeedSource::Http {
            url: "https://user:secret@cad/".to_string(),
        }
        .label();
        assert_eq!(label, "an HTTP feed");
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
            assert_eq!(FeedSource::parse(url, false), Err(invalid.clone()), "{url}");
        }
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
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn http_targets_with_ipv6_ports_and_fragments() {
        let target = HttpTarget::from_url("http://[::1]:9000/feed#top").unwrap();
        assert_eq!(target.host, "::1");
        assert_eq!(target.connect_addr, "[::1]:9000");
        assert_eq!(target.authority, "[::1]:9000");
        // A fragment is the client's own: never sent.
        assert_eq!(target.path_and_query, "/feed");
        let target = HttpTarget::from_url("HTTPS://CAD.Example").unwrap();
        assert_eq!(target.host, "cad.example");
        assert_eq!(target.connect_addr, "cad.example:443");
        assert_eq!(target.label(), "https://cad.example");
    }
}
