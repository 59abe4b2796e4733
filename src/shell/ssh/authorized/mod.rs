//! The allow-list: an OpenSSH `authorized_keys` file. Each line is
//! `[options] type base64 [comment]`; of the options, `from="pattern,…"` limits where the
//! key may connect from (`*` and `?` wildcards, `!` to refuse, `addr/bits` ranges), and
//! a `cert-authority` line is skipped (no certificates here). The rest (`restrict`,
//! `no-pty`, `command=`, …) ask for less than the board gives anyway: it runs nothing,
//! forwards nothing and shows one read-only screen.

use std::net::IpAddr;
use std::str::FromStr;

use russh::keys::{Algorithm, HashAlg, PublicKey};

/// One allowed key.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizedKey {
    pub(crate) key: PublicKey,
    /// The line's comment (who the key is), for the log.
    pub(crate) comment: String,
    /// `from="…"`: the patterns the source address must match.
    from: Option<Vec<String>>,
    /// `expiry-time="YYYYMMDD[HHMM[SS]]"` (UTC): not let in from then on.
    expires: Option<chrono::DateTime<chrono::Utc>>,
}

impl AuthorizedKey {
    /// The key's SHA256 fingerprint, as `ssh-keygen -l` shows it.
    pub(crate) fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// May this key connect from `address`?
    pub(crate) fn allows(&self, address: IpAddr) -> bool {
        match &self.from {
            None => true,
            Some(patterns) => from_allows(patterns, address),
        }
    }
}

/// The allowed keys, and the lines that could not be read (by number, for the log).
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthorizedKeys {
    keys: Vec<AuthorizedKey>,
    pub(crate) skipped: Vec<(usize, &'static str)>,
}

impl AuthorizedKeys {
    pub(crate) fn parse(text: &str) -> AuthorizedKeys {
        let mut parsed = AuthorizedKeys::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Ok(key) => parsed.keys.push(key),
                Err(reason) => parsed.skipped.push((index + 1, reason)),
            }
        }
        parsed
    }

    pub(crate) fn load(path: &std::path::Path) -> std::io::Result<AuthorizedKeys> {
        std::fs::read_to_string(path).map(|text| AuthorizedKeys::parse(&text))
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `key` is on the list at all, from whatever address.
    pub(crate) fn lists(&self, key: &PublicKey) -> bool {
        self.keys
            .iter()
            .any(|entry| entry.key.key_data() == key.key_data())
    }

    /// Whether the key with this fingerprint is still let in from `address`.
    pub(crate) fn still_admits(&self, fingerprint: &str, address: IpAddr) -> bool {
        self.keys.iter().any(|entry| {
            entry.fingerprint() == fingerprint
                && entry.allows(address)
                && entry.expires.is_none_or(|at| chrono::Utc::now() < at)
        })
    }

    /// Until when the key with this fingerprint is let in from `address`: the latest
    /// expiry of the lines that let it in now.
    pub(crate) fn admitted_until(&self, fingerprint: &str, address: IpAddr) -> Admitted {
        let now = chrono::Utc::now();
        let admitting = self.keys.iter().filter(|entry| {
            entry.fingerprint() == fingerprint
                && entry.allows(address)
                && entry.expires.is_none_or(|at| now < at)
        });
        let mut admitted = Admitted::No;
        for entry in admitting {
            admitted = match (admitted, entry.expires) {
                (_, None) | (Admitted::Always, _) => Admitted::Always,
                (Admitted::Until(before), Some(at)) => Admitted::Until(before.max(at)),
                (Admitted::No, Some(at)) => Admitted::Until(at),
            };
        }
        admitted
    }

    /// The entry that lets `key` in from `address`, if one does.
    pub(crate) fn admit(&self, key: &PublicKey, address: IpAddr) -> Option<&AuthorizedKey> {
        self.keys.iter().find(|entry| {
            entry.key.key_data() == key.key_data()
                && entry.allows(address)
                && entry.expires.is_none_or(|at| chrono::Utc::now() < at)
        })
    }
}

/// How long a signed-in key is let in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admitted {
    /// Not now (removed, expired, or not from this address).
    No,
    /// Until its `expiry-time`.
    Until(chrono::DateTime<chrono::Utc>),
    /// With no expiry.
    Always,
}

/// A line with an option that restricts access in a way not supported here.
pub(crate) const RESTRICTS_VERIFY: &str =
    "verify-required restricts access and is not supported (no FIDO keys)";
pub(crate) const RESTRICTS_PRINCIPALS: &str =
    "principals= restricts access and is not supported (no certificates)";

fn parse_line(line: &str) -> Result<AuthorizedKey, &'static str> {
    let (options, rest) = if starts_with_key_type(line) {
        ("", line)
    } else {
        split_options(line).ok_or("unterminated quote in the options")?
    };
    let mut from = None;
    let mut expires = None;
    for option in split_unquoted(options, ',') {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        match name.to_ascii_lowercase().as_str() {
            "from" => from = Some(unquote(value).split(',').map(str::to_string).collect()),
            "cert-authority" => return Err("cert-authority lines are not supported"),
            // Options that would restrict who gets in, which this server cannot check:
            // letting the key in without them would widen access.
            "verify-required" => return Err(RESTRICTS_VERIFY),
            "principals" => return Err(RESTRICTS_PRINCIPALS),
            "expiry-time" => {
                let at =
                    expiry_time(unquote(value)).ok_or("expiry-time is not YYYYMMDD[HHMM[SS]]")?;
                expires = Some(at);
            }
            _ => {}
        }
    }
    let mut fields = rest.split_whitespace();
    let (Some(kind), Some(base64)) = (fields.next(), fields.next()) else {
        return Err("no key type and key");
    };
    let key =
        PublicKey::from_openssh(&format!("{kind} {base64}")).map_err(|_| "not a public key")?;
    let comment = fields.collect::<Vec<_>>().join(" ");
    Ok(AuthorizedKey {
        key,
        comment,
        from,
        expires,
    })
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, taken as UTC.
fn expiry_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = text.trim();
    if !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let full = match text.len() {
        8 => format!("{text}000000"),
        12 => format!("{text}00"),
        14 => text.to_string(),
        _ => return None,
    };
    chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S")
        .ok()
        .map(|at| at.and_utc())
}

fn starts_with_key_type(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or_default();
    Algorithm::from_str(first).is_ok()
}

/// The options (up to the first space outside quotes) and the rest of the line.
fn split_options(line: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return Some((&line[..at], line[at..].trim())),
            _ => {}
        }
    }
    None
}

/// `text` split at `separator`s outside double quotes.
fn split_unquoted(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (at, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..at]);
            start = at + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|part| !part.is_empty()).collect()
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// OpenSSH's rule: refused if any `!pattern` matches; else allowed if any pattern does.
fn from_allows(patterns: &[String], address: IpAddr) -> bool {
    let address = address.to_canonical();
    let text = address.to_string();
    let mut allowed = false;
    for pattern in patterns {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        let matched = if pattern.contains('/') {
            in_range(pattern, address)
        } else {
            wildcard_match(pattern.as_bytes(), text.as_bytes())
        };
        if matched && negated {
            return false;
        }
        allowed |= matched;
    }
    allowed
}

/// `addr/bits`: is `address` in the range? A malformed range matches nothing.
fn in_range(range: &str, address: IpAddr) -> bool {
    let Some((network, bits)) = range.split_once('/') else {
        return false;
    };
    let (Ok(network), Ok(bits)) = (network.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    let (network, address, width) = match (network.to_canonical(), address) {
        (IpAddr::V4(n), IpAddr::V4(a)) => (u128::from(n.to_bits()), u128::from(a.to_bits()), 32),
        (IpAddr::V6(n), IpAddr::V6(a)) => (n.to_bits(), a.to_bits(), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let shift = width - bits;
    // A /0 shifts every bit out: checked_shr says so rather than overflowing.
    network.checked_shr(shift).unwrap_or(0) == address.checked_shr(shift).unwrap_or(0)
}

/// `*` any run of characters, `?` any one; iterative, so a hostile pattern cannot blow up.
fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, from)) => {
                    p = star + 1;
                    t = from + 1;
                    backtrack = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests;
