//! `forceboard check`: every rejected line of a feed file, by number and reason (never
//! its content), and the file's line counts.

use std::io::{self, BufRead, Write};

use crate::config::Config;
use crate::engine::Engine;
use crate::format::printable;
use crate::ingest::{FeedCounts, ingest_reader};
use crate::model::Reject;

/// What `check` found in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedCheck {
    /// Every rejected line's number and reason, by line number.
    pub rejected: Vec<(u64, Reject)>,
    pub counts: FeedCounts,
}

/// Reads a whole feed as `report` does (same reorder horizon, same engine rules), so a
/// line is rejected here exactly when `report` would reject it.
pub fn check(reader: impl BufRead, config: &Config) -> io::Result<FeedCheck> {
    let engine = Engine::new(config.engine_settings(None));
    let mut rejected = Vec::new();
    let (_, counts) = ingest_reader(
        reader,
        engine,
        config.reorder_horizon,
        None,
        &mut |line, why| rejected.push((line, why)),
    )?;
    // Reordering reports some rejections late; people read them in file order.
    rejected.sort_by_key(|&(line, _)| line);
    Ok(FeedCheck { rejected, counts })
}

impl FeedCheck {
    /// No line was rejected (duplicates are counted apart and do not count against it).
    pub fn all_accepted(&self) -> bool {
        self.counts.rejected == 0
    }

    /// `check`'s output: `line N: reason` for each rejected line, then the counts of the
    /// feed called `name` (shown with control characters escaped).
    pub fn write(&self, name: &str, out: &mut impl Write) -> io::Result<()> {
        for (line, why) in &self.rejected {
            writeln!(out, "line {line}: {why}")?;
        }
        let counts = &self.counts;
        writeln!(
            out,
            "{}: {} lines: {} accepted, {} rejected, {} duplicates",
            printable(name),
            counts.lines,
            counts.accepted,
            counts.rejected,
            counts.duplicates
        )
    }
}
