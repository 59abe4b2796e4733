//! The `[alerts]` keys: rules by measure name, a force's and an area's own.

use super::super::Config;
use super::RuleSettings;
use crate::time::Span;

#[test]
fn alert_rules_are_set_by_the_measure_s_name_and_checked() {
    let config = Config::parse(
        "[alerts]\nrealert = \"5m\"\n[alerts.999_service_level]\nwarning = 95\ncritical = 85.5\nhold = \"0s\"\n[alerts.101_waiting]\noff = true\n[alerts.999_longest_wait]\nwarning = \"20s\"",
    )
    .expect("valid");
    assert_eq!(config.alerts.realert, Span::from_mins(5));
    let sl = config.alerts.rule("999_service_level");
    assert_eq!(
        (sl.warning, sl.critical, sl.hold, sl.off),
        (Some(95.0), Some(85.5), Some(Span::ZERO), false)
    );
    assert!(config.alerts.rule("101_waiting").off);
    assert_eq!(config.alerts.rule("999_longest_wait").warning, Some(20.0));
    assert_eq!(
        config.alerts.rule("999_mean_answer"),
        RuleSettings::default()
    );
    for (text, message) in [
        (
            "[alerts.999_servce_level]\nwarning = 90",
            "line 1: unknown key `alerts.999_servce_level` (see forceboard.example.toml for every key)",
        ),
        (
            "[alerts.999_waiting]\nwarning = -1",
            "line 2: `alerts.999_waiting.warning` must be a number of at least 0 (or a duration \
             such as \"30s\", read as seconds)",
        ),
        (
            "[alerts.999_waiting]\nhold = \"soon\"",
            "line 2: `alerts.999_waiting.hold` must be a duration such as \"2m\", or \"0s\" to \
             raise at once",
        ),
    ] {
        let refused = Config::parse(text).expect_err(text);
        assert_eq!(refused.to_string(), message, "{text}");
    }
}

#[test]
fn a_force_sets_its_own_alert_rules_over_the_top_level() {
    let config = Config::parse(
        "[alerts.999_waiting]\nwarning = 3\n\n[[forces]]\nsubject = \"events.wyp\"\nforce_name = \"West Yorkshire Police\"\n[forces.alerts.999_waiting]\ncritical = 9\n",
    )
    .expect("valid");
    let wyp = config.for_subject("events.wyp").expect("a force");
    let rule = wyp.alerts.rule("999_waiting");
    assert_eq!((rule.warning, rule.critical), (Some(3.0), Some(9.0)));
    assert_eq!(config.alerts.rule("999_waiting").critical, None);
}

#[test]
fn an_area_sets_its_own_alert_rules_over_the_force_s() {
    let config = Config::parse(
        "[alerts.999_waiting]\nwarning = 3\nhold = \"1m\"\n[alerts.area.SOL.999_waiting]\nwarning = 1\n",
    )
    .expect("valid");
    let sol = config.alerts.area_rule("SOL", "999_waiting");
    assert_eq!((sol.warning, sol.hold), (Some(1.0), Some(Span::MINUTE)));
    assert_eq!(
        config.alerts.area_rule("BIR", "999_waiting").warning,
        Some(3.0)
    );
    assert!(config.alerts.reads_area("SOL") && !config.alerts.reads_area("BIR"));
    let refused = Config::parse("[alerts.area.SOL.999_wating]\nwarning = 1").expect_err("typo");
    assert_eq!(
        refused.to_string(),
        "line 1: unknown key `alerts.area.SOL.999_wating` (see forceboard.example.toml for every key)"
    );
}
