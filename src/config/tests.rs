use super::*;

fn secs(secs: i64) -> Span {
    Span::from_secs(secs)
}

#[test]
fn an_empty_file_gives_the_spec_defaults() {
    let config = Config::parse("").expect("empty config");
    assert_eq!(config, Config::default());
    assert_eq!(config.calls[0].mean, Some(secs(5)));
    assert_eq!(config.calls[0].sl_threshold, Some(secs(10)));
    assert_eq!(config.calls[0].sl_goal_pct, Some(90.0));
    assert_eq!(config.calls[1].mean, None);
    assert_eq!(config.calls[1].sl_threshold, Some(secs(180)));
    assert_eq!(config.calls[1].sl_goal_pct, Some(80.0));
    assert_eq!(config.incidents[0].target, Some(secs(900)));
    assert_eq!(config.incidents[0].goal_pct, Some(90.0));
    assert_eq!(config.incidents[1].target, Some(secs(3600)));
    assert_eq!(config.incidents[1].goal_pct, None);
    assert_eq!(config.areas.len(), 7);
    assert_eq!(config.area_name("BIR"), "Birmingham");
    assert_eq!(config.area_name("XYZ"), "XYZ");
}

#[test]
fn the_example_file_parses_and_equals_the_defaults() {
    let text = include_str!("../../forceboard.example.toml");
    assert_eq!(Config::parse(text), Ok(Config::default()));
}

#[test]
fn keys_override_defaults() {
    let config = Config::parse(
        r#"
        force_name = "Test Force"
        timezone = "UTC"
        windows = ["30m", "7d"]
        warn_fraction = 0.75
        call_expiry = 600
        pairing_grace = "30s"
        [calls.999]
        mean_target = "8s"
        sl_goal_pct = "off"
        [incidents.priority]
        goal_pct = 75
        [[areas]]
        code = "N"
        name = "North"
        "#,
    )
    .expect("valid config");
    assert_eq!(config.force_name, "Test Force");
    assert_eq!(config.timezone, chrono_tz::UTC);
    assert_eq!(config.windows[1].span, Span::from_days(7));
    assert_eq!(config.warn_fraction, 0.75);
    assert_eq!(config.call_expiry, Span::from_secs(600));
    assert_eq!(config.pairing_grace, Span::from_secs(30));
    assert_eq!(config.calls[0].mean, Some(secs(8)));
    assert_eq!(config.calls[0].sl_threshold, Some(secs(10)));
    assert_eq!(config.calls[0].sl_goal_pct, None);
    assert_eq!(config.incidents[1].goal_pct, Some(75.0));
    assert_eq!(
        config.areas,
        vec![Area {
            code: "N".into(),
            name: "North".into(),
            weight: DEFAULT_AREA_WEIGHT,
        }]
    );
    assert_eq!(config.engine_settings(None).retention, Span::from_days(7));
}

#[test]
fn an_idle_limit_shorter_than_stale_after_is_refused_naming_both() {
    let message = Config::parse("stale_after = \"2m\"\n\nidle_limit = \"30s\"")
        .expect_err("shorter than stale_after")
        .to_string();
    assert_eq!(
        message,
        "line 3: `idle_limit` (30s) must be at least stale_after (2m): a link is closed \
         for silence only after the board has said it is stale"
    );
    let config = Config::parse("stale_after = \"2m\"\nidle_limit = \"2m\"").expect("equal");
    assert_eq!(config.idle_limit, secs(120));
}

#[test]
fn a_goal_of_minus_zero_is_zero() {
    let config = Config::parse("[calls.999]\nsl_goal_pct = -0.0").expect("valid");
    let goal = config.calls[0].sl_goal_pct.expect("a goal");
    assert!(goal == 0.0 && goal.is_sign_positive(), "{goal}");
}

#[test]
fn the_idle_limit_is_twice_stale_after_unless_set() {
    assert_eq!(Config::default().idle_limit, secs(60));
    let config = Config::parse("stale_after = \"45s\"").expect("valid config");
    assert_eq!(config.idle_limit, secs(90));
    let config = Config::parse("stale_after = \"45s\"\nidle_limit = \"2m\"").expect("valid");
    assert_eq!(config.idle_limit, secs(120));
    let message = Config::parse("idle_limit = \"0s\"")
        .expect_err("zero")
        .to_string();
    assert!(
        message.starts_with("line 1: `idle_limit` must be a positive duration"),
        "{message}"
    );
}

#[test]
fn the_plausible_maxima_default_to_a_day_and_thirty_days_and_can_be_set() {
    let defaults = Config::default();
    assert_eq!(defaults.max_call_duration, secs(86_400));
    assert_eq!(defaults.max_incident_duration, secs(30 * 86_400));
    let config = Config::parse(
        r#"
        max_call_duration = "2h"
        max_incident_duration = "7d"
        "#,
    )
    .expect("valid config");
    assert_eq!(config.max_call_duration, secs(7_200));
    assert_eq!(config.max_incident_duration, secs(604_800));
    let settings = config.engine_settings(None);
    assert_eq!(settings.max_call_duration, secs(7_200));
    assert_eq!(settings.max_incident_duration, secs(604_800));
    let message = Config::parse("max_call_duration = \"0s\"")
        .expect_err("zero")
        .to_string();
    assert!(
        message.starts_with("line 1: `max_call_duration` must be a positive duration"),
        "{message}"
    );
}

#[test]
fn bad_keys_and_values_are_one_sentence_naming_the_key_and_its_line() {
    let cases = [
        (
            "tz = \"UTC\"",
            "line 1: unknown key `tz` (see forceboard.example.toml for every key)",
        ),
        (
            "timezone = \"Europe/Lodnon\"",
            "line 1: `timezone` \"Europe/Lodnon\" is not an IANA time zone",
        ),
        (
            "amber_factor = 1.2",
            "line 1: `amber_factor` is no longer read: amber now means approaching the \
             target, set by warn_fraction",
        ),
        (
            "warn_fraction = \"high\"",
            "line 1: `warn_fraction` must be a number",
        ),
        (
            "warn_fraction = 1.5",
            "line 1: `warn_fraction` must be more than 0 and at most 1",
        ),
        ("windows = []", "line 1: `windows` must be a list"),
        (
            "shift_starts = [\"7:00\"]",
            "line 1: `shift_starts` must be a list of 1 to 12 different times of day",
        ),
        (
            "shift_starts = [\"07:00\", \"07:00\"]",
            "line 1: `shift_starts` must be a list of 1 to 12 different times of day",
        ),
        (
            "shift_starts = []",
            "line 1: `shift_starts` must be a list of 1 to 12 different times of day",
        ),
        (
            "handover_interval = \"30s\"",
            "line 1: `handover_interval` must be a duration from 1m to 24h",
        ),
        ("windows = [\"15q\"]", "line 1: `windows` must be a list"),
        ("windows = \"15m\"", "line 1: `windows` must be a list"),
        (
            "stale_after = \"soon\"",
            "line 1: `stale_after` must be a positive duration",
        ),
        (
            "stale_after = 1979-05-27",
            "line 1: `stale_after` must be a positive duration",
        ),
        (
            "[calls.999]\nmean_target = \"5x\"",
            "line 2: `calls.999.mean_target` must be a duration",
        ),
        (
            "\n\n[calls.999]\n\nsl_goal_pct = 120",
            "line 5: `calls.999.sl_goal_pct` must be a percentage",
        ),
        (
            "[calls.999]\ntarget = \"5s\"",
            "line 2: unknown key `calls.999.target`",
        ),
        (
            "[calls.112]\nmean_target = \"5s\"",
            "line 1: unknown key `calls.112`",
        ),
        (
            "[incidents.emergency]\ntarget = -3",
            "line 2: `incidents.emergency.target` must be a duration",
        ),
        ("calls = 3", "line 1: `calls` must be a table"),
        ("calls = [\"999\"]", "line 1: `calls` must be a table"),
        (
            "[calls]\n999 = \"5s\"",
            "line 2: `calls.999` must be a table",
        ),
        // A date is a table of one hidden key to serde: still not a table.
        ("calls = 1979-05-27", "line 1: `calls` must be a table"),
        ("force_name = 3", "line 1: `force_name` must be a string"),
        (
            "force_name = \" \"",
            "line 1: `force_name` must not be empty",
        ),
        ("[[areas]]\nname = \"North\"", "`areas[0].code` is missing"),
        (
            "[[areas]]\ncode = 5",
            "line 2: `areas[0].code` must be a string",
        ),
        (
            "[[areas]]\ncode = \" \"",
            "line 2: `areas[0].code` must not be empty",
        ),
        (
            "[[areas]]\ncode = \"N\"\nlpa = \"N\"",
            "line 3: unknown key `areas[0].lpa`",
        ),
        (
            "areas = 3",
            "line 1: `areas` must be a list of [[areas]] tables",
        ),
        ("areas = [1]", "line 1: `areas[0]` must be a table"),
        (
            "[[areas]]\ncode = \"N\"\n[[areas]]\ncode = \"N\"",
            "line 4: `areas[1].code` \"N\" is given twice",
        ),
        ("force_name = ", "line 1: "),
        // The second `force_name` is on line 3 (its span starts that line).
        (
            "force_name = \"A\"\ntimezone = \"UTC\"\nforce_name = \"B\"",
            "line 3: duplicate key",
        ),
        // Values and keys from the file are quoted with control characters escaped.
        (
            "timezone = \"\\u001b[2J\"",
            r#"line 1: `timezone` "\u{1b}[2J" is not an IANA time zone"#,
        ),
        ("\"\\u009b\" = 1", r"line 1: unknown key `\u{9b}`"),
        (
            "[[areas]]\ncode = \"N\\u0007\"\n[[areas]]\ncode = \"N\\u0007\"",
            r#"line 4: `areas[1].code` "N\u{7}" is given twice"#,
        ),
    ];
    let weight_refused = "`areas[0].weight` must be a number more than 0";
    let bad_weights = ["-1", "0", "-0.0", "nan", "inf", "-inf", "\"2\""].map(|weight| {
        (
            format!("[[areas]]\ncode = \"N\"\nweight = {weight}"),
            format!("line 3: {weight_refused}"),
        )
    });
    let cases = cases
        .iter()
        .map(|&(text, expected)| (text.to_string(), expected.to_string()))
        .chain(bad_weights);
    for (text, expected) in cases {
        let message = Config::parse(&text).expect_err(&text).to_string();
        assert!(message.starts_with(&expected), "{text:?} gave {message:?}");
        assert!(!message.contains('\n'), "one line: {message:?}");
    }
}

#[test]
fn an_area_weighs_what_it_is_given_or_1_and_the_defaults_carry_west_midlands_shares() {
    let config = Config::parse(
        "[[areas]]\ncode = \"N\"\nweight = 2.5\n[[areas]]\ncode = \"S\"\n[[areas]]\ncode = \"E\"\nweight = 3",
    )
    .expect("valid config");
    let weights: Vec<f64> = config.areas.iter().map(|area| area.weight).collect();
    assert_eq!(weights, [2.5, DEFAULT_AREA_WEIGHT, 3.0]);
    let default = Config::default();
    let defaults: Vec<(&str, f64)> = default
        .areas
        .iter()
        .map(|area| (area.code.as_str(), area.weight))
        .collect();
    assert_eq!(defaults[0], ("BIR", 40.0));
    assert_eq!(defaults.iter().map(|area| area.1).sum::<f64>(), 100.0);
    // So the default configuration's force is gen's default one.
    assert_eq!(default.area_shares(), AreaShare::west_midlands());
}

#[test]
fn a_file_that_cannot_be_read_or_is_wrong_is_named_with_the_cause() {
    let missing = Config::load(Path::new("no/such/site.toml")).expect_err("missing");
    assert!(matches!(missing, ConfigError::Read { .. }), "{missing:?}");
    let said = crate::format::error_chain(&missing);
    assert!(
        said.starts_with("cannot read config file no/such/site.toml: "),
        "{said}"
    );
    let dir = std::env::temp_dir().join(format!("forceboard-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("site.toml");
    std::fs::write(&path, "force_name = \"Test\"\nwarn_fraction = 0\n").expect("write");
    let wrong = Config::load(&path).expect_err("a bad value");
    assert_eq!(
        crate::format::error_chain(&wrong),
        format!(
            "config file {}: line 2: `warn_fraction` must be more than 0 and at most 1",
            path.display()
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `count` areas coded A1, A2…
fn areas_toml(count: usize) -> String {
    (1..=count).fold(String::new(), |mut toml, n| {
        let _ = writeln!(toml, "[[areas]]\ncode = \"A{n}\"");
        toml
    })
}

#[test]
fn up_to_1024_areas_load_and_more_are_one_sentence_naming_the_key() {
    let config = Config::parse(&areas_toml(1024)).expect("1024 areas");
    assert_eq!(config.areas.len(), 1024);
    assert_eq!(config.areas[1023].code, "A1024");
    assert_eq!(config.area_name("A1024"), "A1024");
    let message = Config::parse(&areas_toml(1025))
        .expect_err("1025 areas")
        .to_string();
    assert_eq!(
        message,
        "line 1: `areas` lists 1025 areas, but at most 1024 can be configured"
    );
}

#[test]
fn a_line_number_counts_the_newlines_before_the_offset() {
    let text = "a = 1\nb = 2\n";
    assert_eq!(line_number_at(text, 0), 1);
    assert_eq!(line_number_at(text, 5), 1);
    // Just past the first `\n`: the start of line 2.
    assert_eq!(line_number_at(text, 6), 2);
    assert_eq!(line_number_at(text, 12), 3);
    // An offset past the end is clamped, never a panic.
    assert_eq!(line_number_at(text, 1000), 3);
}

/// Two forces over a top level that sets what they share.
const TWO_FORCES: &str = r#"
windows = ["15m", "1h", "24h"]
[incidents.priority]
target = "1h"

[[forces]]
subject = "events.wmp"
force_name = "West Midlands Police"

[[forces]]
subject = "events.wyp"
force_name = "West Yorkshire Police"
timezone = "UTC"
[forces.incidents.emergency]
target = "20m"
goal_pct = 85
[[forces.areas]]
code = "LD"
name = "Leeds"
[[forces.areas]]
code = "BD"
name = "Bradford"
"#;

#[test]
fn a_board_on_a_subject_takes_that_forces_keys_over_the_top_level() {
    let config = Config::parse(TWO_FORCES).expect("two forces");
    // The top level is what a board on a file or a TCP feed reads.
    assert_eq!(config.force_name, "West Midlands Police");
    assert_eq!(config.forces.len(), 2);

    let wyp = config.for_subject("events.wyp").expect("West Yorkshire");
    assert_eq!(wyp.force_name, "West Yorkshire Police");
    assert_eq!(wyp.timezone, chrono_tz::UTC);
    assert_eq!(wyp.incidents[0].target, Some(secs(20 * 60)));
    assert_eq!(wyp.incidents[0].goal_pct, Some(85.0));
    // What the force does not give is the top level's.
    assert_eq!(wyp.incidents[1].target, Some(secs(3600)));
    assert_eq!(wyp.windows, config.windows);
    assert_eq!(wyp.idle_limit, secs(60));
    assert_eq!(
        wyp.areas
            .iter()
            .map(|area| area.name.as_str())
            .collect::<Vec<_>>(),
        ["Leeds", "Bradford"]
    );
    assert!(wyp.forces.is_empty(), "a force's board lists no forces");

    let wmp = config.for_subject("events.wmp").expect("West Midlands");
    assert_eq!(wmp.force_name, "West Midlands Police");
    assert_eq!(wmp.incidents[0].target, Some(secs(15 * 60)));
    assert_eq!(wmp.areas, Config::default().areas);
}

#[test]
fn without_forces_every_subject_is_the_one_force_of_the_file() {
    let config = Config::parse("force_name = \"Test Force\"").expect("one force");
    assert_eq!(config.for_subject("events.wyp"), Ok(config.clone()));
    assert_eq!(
        Config::default()
            .for_subject("events.wyp")
            .map(|c| c.force_name),
        Ok("West Midlands Police".to_string())
    );
}

#[test]
fn a_subject_with_no_force_is_refused_naming_the_subjects_there_are() {
    let config = Config::parse(TWO_FORCES).expect("two forces");
    let refused = config.for_subject("events.xyz").expect_err("no such force");
    assert_eq!(
        refused.to_string(),
        "the config lists no force on the subject \"events.xyz\" (its [[forces]] are on \
         events.wmp, events.wyp): add a [[forces]] table with subject = \"events.xyz\", so \
         the board is headed by the force whose figures it shows"
    );
    let many = (1..=43).fold(String::new(), |mut toml, n| {
        let _ = writeln!(
            toml,
            "[[forces]]\nsubject = \"events.f{n}\"\nforce_name = \"Force {n}\""
        );
        toml
    });
    let config = Config::parse(&many).expect("43 forces");
    assert_eq!(
        config.for_subject("events.f43").map(|c| c.force_name),
        Ok("Force 43".to_string())
    );
    let refused = config.for_subject("events.f44").expect_err("no force 44");
    assert!(
        refused
            .to_string()
            .contains("are on events.f1, events.f2, events.f3, events.f4, events.f5 and 38 more)"),
        "{refused}"
    );
}

#[test]
fn bad_forces_are_one_sentence_naming_the_key_and_its_line() {
    let force = |body: &str| format!("[[forces]]\nsubject = \"events.wyp\"\n{body}");
    let named = |body: &str| force(&format!("force_name = \"West Yorkshire Police\"\n{body}"));
    let cases = [
        (
            format!(
                "{}\n{}",
                named(""),
                "[[forces]]\nforce_name = \"Other\"\nsubject = \"events.wyp\""
            ),
            "line 7: `forces[1].subject` \"events.wyp\" is given twice (first on line 2)",
        ),
        (
            "[[forces]]\nforce_name = \"West Yorkshire Police\"".to_string(),
            "line 1: `forces[0].subject` is missing",
        ),
        (
            force(""),
            "line 1: `forces[0].force_name` is missing: each force is headed by its own \
             name, never another force's",
        ),
        (
            "subject = \"events.wyp\"".to_string(),
            "line 1: `subject` belongs in a [[forces]] table: the top level holds what every \
             force shares",
        ),
        (
            named("[[forces.forces]]\nsubject = \"events.x\""),
            "line 1: `forces[0].forces` cannot be nested: a force lists no forces of its own",
        ),
        (
            named("[forces.input]\nmap = \"amazon-connect-ctr\""),
            "line 1: `forces[0].input` belongs at the top level: one input map reads every \
             feed of the process",
        ),
        (
            "[[forces]]\nsubject = \"events.*\"\nforce_name = \"X\"".to_string(),
            "line 2: `forces[0].subject` \"events.*\" is not a NATS subject: give \
             dot-separated words of letters, digits, - and _ (e.g. \"events.wyp\"), no \
             wildcards",
        ),
        (
            "[[forces]]\nsubject = 7\nforce_name = \"X\"".to_string(),
            "line 2: `forces[0].subject` must be a string",
        ),
        (
            named("tz = \"UTC\""),
            "line 4: unknown key `forces[0].tz` (see forceboard.example.toml for every key)",
        ),
        (
            named("windows = [\"15q\"]"),
            "line 4: `forces[0].windows` must be a list",
        ),
        (
            named("[forces.incidents.emergency]\ntarget = \"soon\""),
            "line 5: `forces[0].incidents.emergency.target` must be a duration",
        ),
        (
            named("[[forces.areas]]\nname = \"Leeds\""),
            "`forces[0].areas[0].code` is missing",
        ),
        (
            format!("stale_after = \"2m\"\n{}", named("idle_limit = \"1m\"")),
            "line 5: `forces[0].idle_limit` (1m) must be at least stale_after (2m)",
        ),
        (
            "forces = \"events.wyp\"".to_string(),
            "line 1: `forces` must be a list of [[forces]] tables",
        ),
    ];
    for (text, expected) in cases {
        let message = Config::parse(&text).expect_err(&text).to_string();
        assert!(message.starts_with(expected), "{text}\n→ {message}");
    }
}

#[test]
fn a_forces_stale_after_moves_the_idle_limit_it_does_not_set() {
    let config = Config::parse(
        "[[forces]]\nsubject = \"events.wyp\"\nforce_name = \"WYP\"\nstale_after = \"45s\"",
    )
    .expect("valid");
    let wyp = config.for_subject("events.wyp").expect("West Yorkshire");
    assert_eq!(wyp.idle_limit, secs(90));
    assert_eq!(config.idle_limit, secs(60));
}

#[test]
fn the_theme_is_one_of_four_names() {
    assert_eq!(Config::parse("").expect("valid").theme, Theme::Dark);
    for (text, theme) in [
        ("dark", Theme::Dark),
        ("light", Theme::Light),
        ("high-contrast", Theme::HighContrast),
        ("auto", Theme::Auto),
    ] {
        let config = Config::parse(&format!("theme = \"{text}\"")).expect("valid");
        assert_eq!(config.theme, theme, "{text}");
    }
    let refused = Config::parse("theme = \"pink\"").expect_err("not a theme");
    assert_eq!(
        refused.to_string(),
        "line 1: `theme` unknown variant `pink`, expected one of `dark`, `light`, \
         `high-contrast`, `auto`"
    );
}

#[test]
fn the_handover_reads_its_shifts_in_order_and_its_interval() {
    let config = Config::parse(
        "shift_starts = [\"22:00\", \"06:00\", \"14:00\"]\nhandover_interval = \"30m\"",
    )
    .expect("valid config");
    let starts: Vec<String> = config
        .shift_starts
        .iter()
        .map(|t| t.format("%H:%M").to_string())
        .collect();
    assert_eq!(starts, ["06:00", "14:00", "22:00"]);
    assert_eq!(config.handover_interval, Span::from_mins(30));
    let defaults = Config::default();
    assert_eq!(defaults.shift_starts.len(), 3);
    assert_eq!(defaults.handover_interval, Span::from_mins(15));
}
