//! An HTTP(S) feed: one GET whose NDJSON body is streamed into lines, asked again with
//! back-off when it fails (DOWN) or simply ends (ENDED: a file served over HTTP), or when
//! it falls silent for the idle limit. HTTPS uses rustls with the system's root certificates.

use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{CertificateError, DigitallySignedStruct, DistinguishedName};
use tracing::{info, warn};

use super::address::HttpUrl;
use super::cause::SelfSignedCertificate;
use super::{Closed, DownCause, Flow, Runner, Session, SourceState};
use crate::feed::lines::LineSplitter;

impl Runner {
    pub(super) async fn run_http(&mut self, url: &HttpUrl, token: Option<String>) -> Flow<()> {
        let mut attempt = 0;
        let authorization = token.as_deref().map(bearer).transpose();
        if let Ok(Some(_)) = &authorization
            && !url.is_https()
        {
            warn!(source = %self.label, "the token is sent over plain http");
        }
        let mut tls: Option<TlsConnector> = None;
        // The last response ended cleanly: poll without saying CONNECTING again.
        let mut ended = false;
        loop {
            if !ended {
                self.state(SourceState::Connecting).await?;
            }
            let session = match &authorization {
                Err(cause) => Session::failed(*cause),
                Ok(authorization) => {
                    self.http_session(url, authorization.as_ref(), &mut tls)
                        .await?
                }
            };
            ended = session.cause.is_none();
            match session.cause {
                Some(cause) => {
                    if session.delivered {
                        attempt = 0;
                    }
                    self.back_off(&mut attempt, cause).await?;
                }
                None => self.poll_later(&mut attempt).await?,
            }
        }
    }

    /// A response that ended cleanly (a file served over HTTP) is FEED ENDED, and is asked
    /// for again after the back-off. What it delivered does not reset the back-off, so a
    /// finished file is fetched again every 30 s at most often, not every second.
    async fn poll_later(&mut self, attempt: &mut u32) -> Flow<()> {
        let retry_in = self.next_delay(attempt);
        info!(source = %self.label, retry_in_ms = retry_in.as_millis(), "feed ended; asking again later");
        self.state(SourceState::Ended).await?;
        self.sleep(retry_in).await
    }

    async fn http_session(
        &self,
        url: &HttpUrl,
        authorization: Option<&HeaderValue>,
        tls: &mut Option<TlsConnector>,
    ) -> Flow<Session> {
        let stream = match self.connect(&url.connect_addr()).await? {
            Ok(stream) => stream,
            Err(cause) => return Ok(Session::failed(cause)),
        };
        if !url.is_https() {
            return self
                .http_exchange(TokioIo::new(stream), url, authorization)
                .await;
        }
        match self.tls_handshake(stream, url, tls).await? {
            Ok(stream) => {
                self.http_exchange(TokioIo::new(stream), url, authorization)
                    .await
            }
            Err(cause) => Ok(Session::failed(cause)),
        }
    }

    /// Sets up TLS on `stream`, within the connect timeout. The client is built once, on
    /// the first HTTPS connection, and kept in `tls`.
    async fn tls_handshake(
        &self,
        stream: TcpStream,
        url: &HttpUrl,
        tls: &mut Option<TlsConnector>,
    ) -> Flow<Result<TlsStream<TcpStream>, DownCause>> {
        let connector = match tls {
            Some(connector) => connector.clone(),
            None => match tls_connector() {
                Ok(connector) => tls.insert(connector).clone(),
                Err(cause) => return Ok(Err(cause)),
            },
        };
        let Ok(server_name) = rustls::pki_types::ServerName::try_from(url.bare_host()) else {
            return Ok(Err(DownCause::TlsInvalidServerName));
        };
        let handshake = tokio::time::timeout(
            self.options.connect_timeout,
            connector.connect(server_name, stream),
        );
        tokio::select! {
            outcome = handshake => Ok(match outcome {
                Ok(Ok(stream)) => Ok(stream),
                Ok(Err(error)) => Err(DownCause::from_tls_handshake(&error)),
                Err(_) => Err(DownCause::TlsHandshakeTimedOut),
            }),
            _ = self.tx.closed() => Err(Closed),
        }
    }

    /// One GET over an open connection, streaming the body into lines.
    async fn http_exchange<S>(
        &self,
        io: TokioIo<S>,
        url: &HttpUrl,
        authorization: Option<&HeaderValue>,
    ) -> Flow<Session>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        // `_driver` keeps the connection running until the body has been read.
        let (response, _driver) = match self.get(io, url, authorization).await? {
            Ok(answer) => answer,
            Err(cause) => return Ok(Session::failed(cause)),
        };
        let status = response.status();
        if !status.is_success() {
            let status = status.as_u16();
            return Ok(Session::failed(DownCause::Http { status }));
        }
        info!(source = %self.label, "feed connected");
        self.state(SourceState::Connected).await?;
        self.read_body(response.into_body()).await
    }

    /// Sends the GET and waits for the response head, within the connect timeout.
    async fn get<S>(
        &self,
        io: TokioIo<S>,
        url: &HttpUrl,
        authorization: Option<&HeaderValue>,
    ) -> Flow<Result<(Response<Incoming>, AbortOnDrop), DownCause>>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sender, connection) = match hyper::client::conn::http1::handshake(io).await {
            Ok(parts) => parts,
            Err(error) => return Ok(Err(DownCause::from_hyper(&error))),
        };
        let driver = AbortOnDrop(tokio::spawn(async move {
            // Its errors surface through the request and the body.
            let _ = connection.await;
        }));
        let request = match get_request(url, authorization) {
            Ok(request) => request,
            Err(cause) => return Ok(Err(cause)),
        };
        let sent = tokio::time::timeout(self.options.connect_timeout, sender.send_request(request));
        let response = tokio::select! {
            outcome = sent => match outcome {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => return Ok(Err(DownCause::from_hyper(&error))),
                Err(_) => return Ok(Err(DownCause::NoResponse)),
            },
            _ = self.tx.closed() => return Err(Closed),
        };
        Ok(Ok((response, driver)))
    }

    /// Streams a response body into lines until it ends or fails.
    async fn read_body(&self, mut body: Incoming) -> Flow<Session> {
        let mut splitter = LineSplitter::new();
        let mut delivered = false;
        loop {
            let frame = tokio::select! {
                frame = tokio::time::timeout(self.options.idle_limit, body.frame()) => frame,
                _ = self.tx.closed() => return Err(Closed),
            };
            let Ok(frame) = frame else {
                return Ok(Session {
                    delivered,
                    cause: Some(self.silent()),
                });
            };
            match frame {
                None => {
                    self.flush(&mut splitter).await?;
                    return Ok(Session {
                        delivered,
                        cause: None,
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
                        cause: Some(DownCause::from_hyper(&error)),
                    });
                }
            }
        }
    }
}

/// Whether `token` can be sent as a bearer token: printable ASCII only, no control
/// characters. Checked at start-up, so a token that can never work is an error at once
/// rather than a feed retried for ever.
pub fn token_is_sendable(token: &str) -> bool {
    bearer(token).is_ok()
}

/// The `Authorization` header for a token; marked sensitive so it is never logged.
fn bearer(token: &str) -> Result<HeaderValue, DownCause> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| DownCause::InvalidToken)?;
    value.set_sensitive(true);
    Ok(value)
}

fn get_request(
    url: &HttpUrl,
    authorization: Option<&HeaderValue>,
) -> Result<Request<Empty<Bytes>>, DownCause> {
    let mut request = Request::get(url.path_and_query())
        .header(header::HOST, url.authority())
        .header(header::ACCEPT, "application/x-ndjson")
        .header(
            header::USER_AGENT,
            concat!("forceboard/", env!("CARGO_PKG_VERSION")),
        );
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value.clone());
    }
    request
        .body(Empty::<Bytes>::new())
        .map_err(|_| DownCause::InvalidRequest)
}

/// Aborts a spawned task when dropped (the HTTP connection driver).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A TLS client trusting the system's root certificates (`SSL_CERT_FILE` / `SSL_CERT_DIR`
/// are honoured), with the ring crypto provider.
fn tls_connector() -> Result<TlsConnector, DownCause> {
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) =
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if added == 0 {
        return Err(DownCause::TlsNoRootCertificates);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|_| DownCause::TlsSetup)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| DownCause::TlsSetup)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(NamesSelfSigned { webpki }))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_header_is_sensitive_and_a_bad_token_is_refused() {
        let value = bearer("s3cret").unwrap();
        assert_eq!(value.to_str().unwrap(), "Bearer s3cret");
        assert!(value.is_sensitive());
        assert_eq!(bearer("line\nbreak"), Err(DownCause::InvalidToken));
        assert!(token_is_sendable("s3cret-T0ken.with~marks"));
        assert!(!token_is_sendable("tab\u{1b}escape"));
        assert!(!token_is_sendable("bell\u{7}"));
    }
}

/// rustls's own verification with the system's roots, changed in one respect: a
/// certificate refused as untrusted that is its own issuer is reported as self-signed, so the board can say which fault IT has to fix. It trusts nothing
/// rustls would not.
#[derive(Debug)]
struct NamesSelfSigned {
    webpki: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for NamesSelfSigned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verdict {
            // webpki calls it an unknown issuer, or (as `openssl req -x509` makes them,
            // marked as a CA) a CA used as an end entity.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer | CertificateError::Other(_),
            )) if is_own_issuer(end_entity) => {
                let self_signed = rustls::OtherError(Arc::new(SelfSignedCertificate));
                Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                    self_signed,
                )))
            }
            verdict => verdict,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.webpki.root_hint_subjects()
    }
}

/// Whether the certificate names itself as its issuer (a certificate that cannot be read
/// is not).
fn is_own_issuer(certificate: &CertificateDer<'_>) -> bool {
    webpki::EndEntityCert::try_from(certificate)
        .is_ok_and(|parsed| parsed.issuer() == parsed.subject())
}
