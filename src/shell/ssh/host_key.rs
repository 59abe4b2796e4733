//! The server's own key: read from its file, or made on the first run (ed25519, written
//! in OpenSSH's format with mode 0600, so `ssh-keygen -lf FILE` shows its fingerprint).

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey};

/// Why the host key cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("cannot read the host key {path}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the host key {path} is readable by others (mode {mode:04o}): a private key must be \
         its owner's only; run `chmod 600 {path}`"
    )]
    TooOpen { path: String, mode: u32 },
    #[error("the host key {path} is empty: remove it to have a new key made, or restore it")]
    Empty { path: String },
    #[error("the host key {path} is not an unencrypted OpenSSH private key: {reason}")]
    Invalid { path: String, reason: String },
    #[error("cannot write a new host key to {path}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// The key and whether it was made just now (then its fingerprint is announced once).
pub(crate) struct HostKey {
    pub(crate) key: PrivateKey,
    pub(crate) created: bool,
}

impl HostKey {
    /// The SHA256 fingerprint, as `ssh-keygen -l` and the client's first-connect prompt
    /// show it.
    pub(crate) fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }
}

/// The host key at `path`, made there (ed25519, mode 0600) if no file is there yet.
pub(crate) fn load_or_create(path: &Path) -> Result<HostKey, HostKeyError> {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(pem) => {
            if pem.iter().all(u8::is_ascii_whitespace) {
                return Err(HostKeyError::Empty { path: shown });
            }
            // As sshd: a key any other user may read is no longer the server's own.
            let mode = std::fs::metadata(path)
                .map_err(|source| HostKeyError::Read {
                    path: shown.clone(),
                    source,
                })?
                .permissions()
                .mode()
                & 0o777;
            if mode & 0o077 != 0 {
                return Err(HostKeyError::TooOpen { path: shown, mode });
            }
            let key = PrivateKey::from_openssh(&pem).map_err(|error| HostKeyError::Invalid {
                path: shown.clone(),
                reason: error.to_string(),
            })?;
            if key.is_encrypted() {
                return Err(HostKeyError::Invalid {
                    path: shown,
                    reason: "it is encrypted".to_string(),
                });
            }
            Ok(HostKey {
                key,
                created: false,
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = create(path).map_err(|source| HostKeyError::Write {
                path: shown,
                source,
            })?;
            Ok(HostKey { key, created: true })
        }
        Err(source) => Err(HostKeyError::Read {
            path: shown,
            source,
        }),
    }
}

fn create(path: &Path) -> std::io::Result<PrivateKey> {
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
    let mut key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    key.set_comment("forceboard host key");
    let pem = key
        .to_openssh(LineEnding::LF)
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    // create_new: never overwrite a key another process has just written.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(pem.as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_others_may_read_is_refused_with_the_chmod_that_fixes_it() {
        let dir = std::env::temp_dir().join(format!("forceboard-hostmode-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("host_key");
        load_or_create(&path).unwrap();
        for mode in [0o640, 0o604, 0o644] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let error = load_or_create(&path).err().unwrap();
            assert!(matches!(error, HostKeyError::TooOpen { .. }), "{error}");
            let said = error.to_string();
            assert!(
                said.contains(&format!("chmod 600 {}", path.display())),
                "{said}"
            );
            assert!(said.contains(&format!("{mode:04o}")), "{said}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(load_or_create(&path).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_key_file_is_said_to_be_empty() {
        let path = std::env::temp_dir().join(format!("forceboard-emptykey-{}", std::process::id()));
        std::fs::write(&path, "").unwrap();
        let error = load_or_create(&path).err().unwrap();
        assert!(error.to_string().contains("is empty"), "{error}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_missing_key_is_made_once_with_mode_0600_and_then_read_back() {
        let dir = std::env::temp_dir().join(format!("forceboard-hostkey-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("host_key");
        let made = load_or_create(&path).unwrap();
        assert!(made.created);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let read = load_or_create(&path).unwrap();
        assert!(!read.created);
        assert_eq!(read.fingerprint(), made.fingerprint());
        assert!(made.fingerprint().starts_with("SHA256:"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_key_is_refused() {
        let path = std::env::temp_dir().join(format!("forceboard-notakey-{}", std::process::id()));
        std::fs::write(&path, "not a key").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            load_or_create(&path),
            Err(HostKeyError::Invalid { .. })
        ));
        std::fs::remove_file(&path).unwrap();
    }
}
