//! One configuration for every force on a cluster: `watch` on a force's subject is headed
//! by that force, names the subject, and judges on that force's targets.

use super::{SUBJECT, publisher_with};
use crate::common::feed::live_lines;
use crate::common::nats::{NatsServer, TempDir};

/// West Midlands and West Yorkshire on one cluster; West Yorkshire's 999 mean target is
/// 10 s (West Midlands' is the default 5 s).
const NATIONAL: &str = r#"
[[forces]]
subject = "events.wmp"
force_name = "West Midlands Police"

[[forces]]
subject = "events.wyp"
force_name = "West Yorkshire Police"
[forces.calls.999]
mean_target = "10s"
"#;

#[test]
fn watch_on_a_forces_subject_is_headed_by_that_force_and_names_the_subject() {
    let dir = TempDir::new("forces");
    let server = NatsServer::start(&dir.0);
    let path = dir.0.join("wyp.ndjson");
    std::fs::write(&path, live_lines().join("\n") + "\n").expect("a feed file");
    let published = publisher_with(&server.url(), &path, &["--subject", "events.wyp"])
        .wait_with_output()
        .expect("runs");
    assert!(published.status.success());
    let config = dir.0.join("national.toml");
    std::fs::write(&config, NATIONAL).expect("a config file");
    let config = config.to_string_lossy().into_owned();

    let feed = format!("{}/events.wyp", server.url());
    assert_ne!(SUBJECT, "events.wyp", "not the subject the other tests use");
    let mut board = crate::common::pty::Board::start(
        &[
            "--config", &config, "watch", "--feed", &feed, "--layout", "standard",
        ],
        140,
        40,
    );
    // 999 mean (4 + 8) / 2 = 6.0 s, against West Yorkshire's 10 s.
    board.wait_for("6.0s");
    board.wait_for("West Yorkshire Police · events.wyp");
    let screen = board.contents();
    assert!(screen.contains("target 10s"), "{screen}");
    assert!(!screen.contains("West Midlands"), "{screen}");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}
