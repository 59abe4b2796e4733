//! Live feed lines for the end-to-end tests, dated just before now.

use super::pty::rfc3339;

/// A few live events around now: two 999 calls answered in 4 s and 8 s (mean 6.0 s,
/// amber against 5 s), one still waiting, and an open emergency incident.
pub fn live_lines() -> Vec<String> {
    let now = chrono::Utc::now();
    let ago = |s: i64| rfc3339(now - chrono::Duration::seconds(s));
    vec![
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"A","line":"999","lpa":"BIR"}}"#,
            ago(60)
        ),
        format!(r#"{{"kind":"call_answered","at":"{}","id":"A"}}"#, ago(56)),
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"B","line":"999","lpa":"COV"}}"#,
            ago(40)
        ),
        format!(r#"{{"kind":"call_answered","at":"{}","id":"B"}}"#, ago(32)),
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"C","line":"999"}}"#,
            ago(5)
        ),
        format!(
            r#"{{"kind":"incident_created","at":"{}","id":"I1","grade":"emergency","lpa":"BIR"}}"#,
            ago(120)
        ),
        format!(r#"{{"kind":"heartbeat","at":"{}"}}"#, ago(0)),
    ]
}
