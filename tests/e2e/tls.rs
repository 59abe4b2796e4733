//! HTTPS feeds whose certificate is refused, each fault named on the DOWN banner: an
//! expired certificate, one for another host, and a self-signed one. Each server is a real
//! `openssl s_server` on a free loopback port, with certificates made here by `openssl`;
//! the board trusts only the test CA (`SSL_CERT_FILE`), as a control room trusts its own.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::pty::Board;
use crate::common::tls::{NEW_KEY, openssl, test_ca};

/// A directory of its own under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("forceboard-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A P-256 key and a certificate signing request for `subject` in `dir`.
fn key_and_request(dir: &TempDir, name: &str, subject: &str) -> (String, String) {
    let (key, csr) = (
        dir.path(&format!("{name}.key")),
        dir.path(&format!("{name}.csr")),
    );
    let rest = ["-keyout", &key, "-out", &csr, "-subj", subject];
    openssl(&[&["req"][..], &NEW_KEY, &rest].concat());
    (key, csr)
}

/// A certificate signed by the test CA for `alt_name` (`IP:127.0.0.1`, `DNS:…`), valid
/// from `start` to `end` (`YYYYMMDDHHMMSSZ`). `openssl ca` is the one of OpenSSL 3.0's
/// tools that takes dates in the past. Returns the certificate and its key.
fn signed(dir: &TempDir, alt_name: &str, start: &str, end: &str) -> (String, String) {
    let (ca, ca_key) = test_ca(&dir.0);
    let (key, csr) = key_and_request(dir, "server", "/CN=forceboard-test-server");
    let config = dir.path("ca.cnf");
    let extensions = dir.path("ext.cnf");
    std::fs::write(dir.path("index.txt"), "").expect("CA index");
    std::fs::write(dir.path("serial"), "01\n").expect("CA serial");
    std::fs::write(
        &config,
        format!(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = {}\nnew_certs_dir = {}\nserial = {}\n\
             default_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n",
            dir.path("index.txt"),
            dir.0.display(),
            dir.path("serial"),
        ),
    )
    .expect("CA config");
    std::fs::write(&extensions, format!("subjectAltName={alt_name}\n")).expect("extensions");
    let cert = dir.path("server.pem");
    openssl(&[
        "ca",
        "-batch",
        "-notext",
        "-config",
        &config,
        "-cert",
        &ca,
        "-keyfile",
        &ca_key,
        "-in",
        &csr,
        "-out",
        &cert,
        "-startdate",
        start,
        "-enddate",
        end,
        "-extfile",
        &extensions,
    ]);
    (cert, key)
}

/// A certificate for 127.0.0.1 signed by its own key, and that key.
fn self_signed(dir: &TempDir) -> (String, String) {
    let (cert, key) = (dir.path("self.pem"), dir.path("self.key"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        &cert,
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
    ]);
    (cert, key)
}

/// `openssl s_server` answering HTTPS on a loopback port; stopped (by its id) on drop.
struct TlsServer {
    child: Child,
    port: u16,
}

impl TlsServer {
    fn start(cert: &str, key: &str) -> TlsServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("openssl")
            .args([
                "s_server", "-quiet", "-www", "-cert", cert, "-key", key, "-accept",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server runs");
        TlsServer { child, port }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The board on `https://127.0.0.1:PORT/feed` trusting only `ca`, until the DOWN banner
/// names `cause` (the board dials again until the server is up: no race with its start).
fn board_names(server: &TlsServer, ca: &Path, cause: &str) {
    let feed = format!("https://127.0.0.1:{}/feed", server.port);
    let ca = ca.display().to_string();
    let board = Board::start_with_env(
        &["watch", "--feed", &feed, "--layout", "standard"],
        120,
        40,
        &[("SSL_CERT_FILE", &ca)],
    );
    board.wait_for_drawn(0, &format!("FEED DOWN — {cause} — retrying in"));
    board.quit();
}

#[test]
fn an_expired_certificate_is_named_expired() {
    let dir = TempDir::new("tls-expired");
    // Valid for the first day of 2020 only, for the right address, by the trusted CA.
    let (cert, key) = signed(&dir, "IP:127.0.0.1", "20200101000000Z", "20200102000000Z");
    let server = TlsServer::start(&cert, &key);
    board_names(&server, &dir.0.join("ca.pem"), "TLS: certificate expired");
}

#[test]
fn a_certificate_for_another_host_is_named_so() {
    let dir = TempDir::new("tls-wrong-host");
    // In date, by the trusted CA, but for feed.elsewhere.test, not 127.0.0.1.
    let (cert, key) = signed(
        &dir,
        "DNS:feed.elsewhere.test",
        "20200101000000Z",
        "20991231235959Z",
    );
    let server = TlsServer::start(&cert, &key);
    board_names(
        &server,
        &dir.0.join("ca.pem"),
        "TLS: certificate is for another host",
    );
}

#[test]
fn a_self_signed_certificate_is_named_self_signed() {
    let dir = TempDir::new("tls-self-signed");
    let _ = test_ca(&dir.0);
    let (cert, key) = self_signed(&dir);
    let server = TlsServer::start(&cert, &key);
    board_names(
        &server,
        &dir.0.join("ca.pem"),
        "TLS: certificate self-signed, not trusted",
    );
}

/// A certificate by a CA the board does not trust (not its own issuer) still reads as
/// not trusted: only a certificate that is its own issuer is called self-signed.
#[test]
fn a_certificate_from_an_unknown_ca_is_not_trusted() {
    let trusted = TempDir::new("tls-trusted-ca");
    let _ = test_ca(&trusted.0);
    let dir = TempDir::new("tls-unknown-ca");
    let (cert, key) = signed(&dir, "IP:127.0.0.1", "20200101000000Z", "20991231235959Z");
    let server = TlsServer::start(&cert, &key);
    board_names(
        &server,
        &trusted.0.join("ca.pem"),
        "TLS: certificate not trusted",
    );
}
