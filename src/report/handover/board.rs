//! The handover written from a running board (key `H`): the shift so far, from the
//! board's own engine, as a page in the configured folder (`handover_dir`, or
//! `--handover-dir`). Over SSH it is written on the server.

use std::path::PathBuf;

use super::{FeedHealth, from_engine, html, shift};
use crate::config::Config;
use crate::engine::Engine;
use crate::format::printable;
use crate::ingest::FeedCounts;
use crate::time::{Timestamp, to_utc};

/// Writes the handover of the shift holding `at` (the board's time), up to `at`, and
/// says where: the path, or why it could not be written, in one sentence for the screen.
/// `rejected`: the board's count of rejected lines. The period starts no earlier than the
/// board's engine keeps records (its largest window).
pub fn write_for_board(
    engine: &Engine,
    config: &Config,
    at: Timestamp,
    rejected: u64,
) -> Result<PathBuf, String> {
    let kept_from = at - engine.settings().retention;
    let shift_start = shift::shift_around(at, &config.shift_starts, config.timezone)
        .map_or(kept_from, |(start, _)| start);
    let from = shift_start.max(kept_from);
    if from >= at {
        return Err("no handover yet: the shift has only just started".to_string());
    }
    let health = FeedHealth {
        stale_after: config.stale_after,
        gaps: Vec::new(),
        rejected: Vec::new(),
        counts: FeedCounts {
            rejected,
            ..FeedCounts::default()
        },
        from_board: true,
    };
    let handover = from_engine(engine, from, at, config.handover_interval, health);
    let page = html::page(&handover, config, "the board's live feed");
    let stamp = to_utc(at)
        .with_timezone(&config.timezone)
        .format("%Y%m%d-%H%M%S");
    let path = config.handover_dir.join(format!("handover-{stamp}.html"));
    std::fs::write(&path, page).map_err(|error| {
        let shown = path.display().to_string();
        format!("handover not written: {}: {error}", printable(&shown))
    })?;
    Ok(path)
}
