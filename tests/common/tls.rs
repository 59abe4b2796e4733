//! Certificates made with `openssl` for the TLS tests: a test CA, and server certificates
//! it signs. `.ci/run` installs openssl when it is missing.

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `openssl` with `args`, failing the test with openssl's own words if it fails.
pub fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("openssl runs (it is needed for this test)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The options of a new P-256 key without a passphrase.
pub const NEW_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
];

fn file(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// The test CA in `dir`, valid for two days: its certificate (the only root a test's
/// board trusts) and its key.
pub fn test_ca(dir: &Path) -> (String, String) {
    let (ca, ca_key) = (file(dir, "ca.pem"), file(dir, "ca.key"));
    let rest = [
        "-keyout",
        &ca_key,
        "-out",
        &ca,
        "-days",
        "2",
        "-subj",
        "/CN=forceboard-test-ca",
    ];
    openssl(&[&["req", "-x509"][..], &NEW_KEY, &rest].concat());
    (ca, ca_key)
}

/// A server certificate `name` in `dir` for `alt_name` (`IP:127.0.0.1`, `DNS:…`), signed by
/// the CA (`ca`, `ca_key`) and valid for two days: the certificate and its key.
pub fn server_certificate(
    dir: &Path,
    name: &str,
    (ca, ca_key): (&str, &str),
    alt_name: &str,
) -> (String, String) {
    let (cert, key, csr, ext) = (
        file(dir, &format!("{name}.pem")),
        file(dir, &format!("{name}.key")),
        file(dir, &format!("{name}.csr")),
        file(dir, &format!("{name}.ext")),
    );
    let subject = format!("/CN={}", alt_name.split(':').nth(1).unwrap_or(alt_name));
    let rest = ["-keyout", &key, "-out", &csr, "-subj", &subject];
    openssl(&[&["req"][..], &NEW_KEY, &rest].concat());
    std::fs::write(&ext, format!("subjectAltName={alt_name}\n")).expect("extensions");
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        ca,
        "-CAkey",
        ca_key,
        "-CAcreateserial",
        "-out",
        &cert,
        "-days",
        "2",
        "-extfile",
        &ext,
    ]);
    (cert, key)
}
