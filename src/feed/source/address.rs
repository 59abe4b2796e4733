//! Reading `--feed`: `-` (stdin), a file path, `tcp://HOST:PORT`, `http://…` or `https://…`.

use std::path::PathBuf;

use hyper::Uri;

use super::{DownCause, FeedSource};

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
                    HttpTarget::from_url(src).map_err(|cause| cause.to_string())?;
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
        if follow && !matches!(source, FeedSource::File { .. }) {
            return Err("--follow applies only to a feed read from a file path".to_string());
        }
        Ok(source)
    }

    /// A name for logs: no path or query of a URL (they can carry secrets).
    pub(super) fn label(&self) -> String {
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

/// The parts of an HTTP(S) feed URL that a request needs.
pub(super) struct HttpTarget {
    pub(super) https: bool,
    /// Without brackets for an IPv6 literal (for TLS).
    pub(super) host: String,
    /// `host:port` to connect to.
    pub(super) connect_addr: String,
    /// For the `Host` header.
    pub(super) authority: String,
    pub(super) path_and_query: String,
}

impl HttpTarget {
    /// The error is [`DownCause::InvalidUrl`] or [`DownCause::CredentialsInUrl`].
    pub(super) fn from_url(url: &str) -> Result<HttpTarget, DownCause> {
        let invalid = || DownCause::InvalidUrl;
        let uri: Uri = url.parse().map_err(|_| invalid())?;
        let https = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(invalid()),
        };
        let authority = uri.authority().ok_or_else(invalid)?;
        if authority.as_str().contains('@') {
            return Err(DownCause::CredentialsInUrl);
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

    pub(super) fn label(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
