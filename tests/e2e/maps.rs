//! `watch --map`: a live board reads a force's own records through an input map, and
//! `--record` writes only the forceboard events made from them.

use crate::common::pty::Board;

#[test]
fn watch_through_a_map_counts_refused_records_and_records_only_forceboard_events() {
    let dir = std::env::temp_dir().join(format!("forceboard-e2e-maps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let record_path = dir.join("record.ndjson");
    let record = record_path.to_string_lossy().into_owned();
    let feed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/maps/amazon-connect-ctr.ndjson"
    );
    let mut board = Board::start(
        &[
            "watch",
            "--feed",
            feed,
            "--map",
            "amazon-connect-ctr",
            "--record",
            &record,
        ],
        120,
        40,
    );
    // The sample's one refused record (a queue not in the table); read natively, all 14
    // lines would be refused.
    board.wait_for("1 rejected");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
    let recorded = std::fs::read_to_string(&record_path).expect("record written");
    // docs/integration.md's worked example: 19 events accepted.
    assert_eq!(recorded.lines().count(), 19, "{recorded}");
    assert!(
        recorded
            .lines()
            .all(|line| line.starts_with(r#"{"kind":"call_"#)),
        "{recorded}"
    );
    assert!(!recorded.contains("AWSAccountId") && !recorded.contains("+4477"));
    let _ = std::fs::remove_dir_all(dir);
}
