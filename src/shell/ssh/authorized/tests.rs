use super::*;

/// Two keys made with `ssh-keygen -t ed25519`; the first's fingerprint as
/// `ssh-keygen -lf` printed it.
const ONE: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIGCg1QNw3nD9vFQ74wkAqsLUipLZF3sAAnxL5HE0VD0E";
const ONE_FINGERPRINT: &str = "SHA256:116FWORYDch/eX0V890Nvp3+IlLN9A6NsjaPBHaqgKE";
const TWO: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIDkWppfnxIjfLUVSzZklq3E04mm4phuABtlrxpBUmUPE";

fn key(base64: &str) -> PublicKey {
    PublicKey::from_openssh(&format!("ssh-ed25519 {base64}")).unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn a_plain_line_admits_its_key_from_anywhere_and_keeps_the_comment() {
    let keys = AuthorizedKeys::parse(&format!("ssh-ed25519 {ONE} duty inspector 1\n"));
    assert_eq!(keys.len(), 1);
    let entry = keys.admit(&key(ONE), ip("192.0.2.7")).unwrap();
    assert_eq!(entry.comment, "duty inspector 1");
    assert_eq!(entry.fingerprint(), ONE_FINGERPRINT);
    assert!(keys.admit(&key(TWO), ip("192.0.2.7")).is_none());
}

#[test]
fn comments_blank_lines_and_bad_lines_are_skipped_by_number() {
    let text = format!(
        "# the control room\n\nssh-ed25519 not-base64 x\ngarbage\ncert-authority ssh-ed25519 {TWO}\nssh-ed25519 {ONE}\n"
    );
    let keys = AuthorizedKeys::parse(&text);
    assert_eq!(keys.len(), 1);
    let lines: Vec<usize> = keys.skipped.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(keys.admit(&key(TWO), ip("10.0.0.1")).is_none());
}

#[test]
fn from_patterns_with_wildcards_and_negation() {
    let text = format!(
        "from=\"10.1.*,!10.1.9.?,192.0.2.15\",no-pty,restrict ssh-ed25519 {ONE} inspector\n"
    );
    let keys = AuthorizedKeys::parse(&text);
    let one = key(ONE);
    assert!(keys.admit(&one, ip("10.1.2.3")).is_some());
    assert!(keys.admit(&one, ip("192.0.2.15")).is_some());
    // Negated: 10.1.9.0–9 are refused though 10.1.* matches; 10.1.9.10 is two digits.
    assert!(keys.admit(&one, ip("10.1.9.4")).is_none());
    assert!(keys.admit(&one, ip("10.1.9.10")).is_some());
    assert!(keys.admit(&one, ip("10.2.0.1")).is_none());
    assert!(keys.admit(&one, ip("192.0.2.150")).is_none());
    // An IPv4 client seen through an IPv6 socket is matched as IPv4.
    assert!(keys.admit(&one, ip("::ffff:10.1.2.3")).is_some());
}

#[test]
fn from_ranges_in_cidr_form() {
    let text = format!("from=\"192.0.2.0/28,2001:db8::/32\" ssh-ed25519 {ONE}\n");
    let keys = AuthorizedKeys::parse(&text);
    let one = key(ONE);
    assert!(keys.admit(&one, ip("192.0.2.0")).is_some());
    assert!(keys.admit(&one, ip("192.0.2.15")).is_some());
    assert!(keys.admit(&one, ip("192.0.2.16")).is_none());
    assert!(keys.admit(&one, ip("2001:db8:1::5")).is_some());
    assert!(keys.admit(&one, ip("2001:db9::5")).is_none());
    // Malformed ranges match nothing; /0 matches everything of its family.
    assert!(!in_range("192.0.2.0/33", ip("192.0.2.1")));
    assert!(!in_range("nonsense/8", ip("192.0.2.1")));
    assert!(in_range("0.0.0.0/0", ip("203.0.113.9")));
}

#[test]
fn an_unterminated_quote_skips_the_line() {
    let keys = AuthorizedKeys::parse(&format!("from=\"10.* ssh-ed25519 {ONE}\n"));
    assert!(keys.is_empty());
    assert_eq!(keys.skipped.len(), 1);
}

#[test]
fn wildcards_never_take_long() {
    let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b".as_bytes();
    let text = "a".repeat(5000);
    assert!(!wildcard_match(pattern, text.as_bytes()));
    assert!(wildcard_match(b"*", b""));
    assert!(wildcard_match(b"1?.*", b"10.0.0.1"));
}

#[test]
fn an_expired_key_is_not_let_in_and_a_bad_expiry_skips_the_line() {
    let text = format!(
        "expiry-time=\"200101010000\" ssh-ed25519 {ONE} expired\n\
         expiry-time=\"29990101\" ssh-ed25519 {TWO} not yet\n\
         expiry-time=\"tomorrow\" ssh-ed25519 {ONE} unreadable\n"
    );
    let keys = AuthorizedKeys::parse(&text);
    assert!(keys.admit(&key(ONE), ip("192.0.2.7")).is_none());
    assert!(keys.admit(&key(TWO), ip("192.0.2.7")).is_some());
    assert_eq!(keys.skipped.len(), 1, "{:?}", keys.skipped);
    assert_eq!(keys.skipped[0].0, 3);
}

#[test]
fn a_key_is_admitted_until_the_latest_expiry_of_its_lines() {
    let here = ip("192.0.2.7");
    let at = |text: &str| expiry_time(text).unwrap();
    let keys = AuthorizedKeys::parse(&format!(
        "expiry-time=\"29980101\" ssh-ed25519 {ONE} a\n\
         expiry-time=\"29990101\" ssh-ed25519 {ONE} b\n\
         expiry-time=\"200101010000\" ssh-ed25519 {TWO} expired\n"
    ));
    // Two lines for ONE: the later expiry, 2999-01-01T00:00:00Z, counts.
    assert_eq!(
        keys.admitted_until(ONE_FINGERPRINT, here),
        Admitted::Until(at("29990101"))
    );
    assert_eq!(at("29990101").to_rfc3339(), "2999-01-01T00:00:00+00:00");
    let two = key(TWO).fingerprint(HashAlg::Sha256).to_string();
    assert_eq!(keys.admitted_until(&two, here), Admitted::No);
    // A line with no expiry lets the key in for good.
    let forever = AuthorizedKeys::parse(&format!(
        "expiry-time=\"29990101\" ssh-ed25519 {ONE} a\nssh-ed25519 {ONE} b\n"
    ));
    assert_eq!(
        forever.admitted_until(ONE_FINGERPRINT, here),
        Admitted::Always
    );
}
