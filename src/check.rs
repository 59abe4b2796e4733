//! `forceboard check`: the rejected and stray lines of a feed file, by number and reason
//! (never their content), and the file's line counts.
//!
//! Memory stays bounded however bad the file: each kind of finding keeps its count per
//! reason and the first and last [`SHOWN`] lines; the rest are summed by reason.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::config::Config;
use crate::engine::Engine;
use crate::format::printable;
use crate::ingest::{
    FeedCounts, FeedInput, OnLine, OrderedIngest, ParsePath, Placement, read_whole,
};
use crate::model::Reject;

/// How many of the first and of the last findings of a kind are listed line by line.
pub(crate) const SHOWN: usize = 20;

/// What `check` found in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedCheck {
    pub rejected: Findings<Reject>,
    /// Lines more than the reorder horizon from their place: applied, but worth a look.
    pub strays: Findings<Placement>,
    pub counts: FeedCounts,
}

/// Reads a whole feed as `report` does (same reorder horizon, same engine rules), so a
/// line is rejected here exactly when `report` would reject it; strays past the end, which
/// a report leaves out as dated after its time, are judged too.
///
/// Its lines are parsed as `report`'s are ([`ParsePath::from_env`]: on two threads by default).
pub fn check<'r>(input: impl Into<FeedInput<'r>>, config: &Config) -> io::Result<FeedCheck> {
    check_on(ParsePath::from_env(), input, config)
}

/// [`check`] on a given path: both give the same findings.
pub fn check_on<'r>(
    path: ParsePath,
    input: impl Into<FeedInput<'r>>,
    config: &Config,
) -> io::Result<FeedCheck> {
    let engine = Engine::new(config.engine_settings(None));
    let mut found = Found::default();
    let ingest =
        OrderedIngest::new(engine, config.reorder_horizon, None).applying_strays_past_end();
    let (_, counts) = read_whole(path, input.into(), ingest, &mut found)?;
    Ok(FeedCheck {
        rejected: found.rejected,
        strays: found.strays,
        counts,
    })
}

#[derive(Default)]
struct Found {
    rejected: Findings<Reject>,
    strays: Findings<Placement>,
}

impl OnLine for Found {
    fn rejected(&mut self, line_number: u64, reason: Reject) {
        self.rejected.add(line_number, reason);
    }

    fn stray(&mut self, line_number: u64, placement: Placement) {
        self.strays.add(line_number, placement);
    }
}

/// Findings of one kind: a count per reason, and the lines with the lowest and the highest
/// numbers (reordering reports some late; people read them in file order).
#[derive(Debug, Clone, PartialEq)]
pub struct Findings<R: Copy + Eq + std::hash::Hash> {
    pub total: u64,
    pub(crate) by_reason: HashMap<R, u64>,
    /// The lowest-numbered lines, ascending.
    first: Vec<(u64, R)>,
    /// The highest-numbered lines, ascending.
    last: Vec<(u64, R)>,
}

impl<R: Copy + Eq + std::hash::Hash> Default for Findings<R> {
    fn default() -> Self {
        Findings {
            total: 0,
            by_reason: HashMap::new(),
            first: Vec::new(),
            last: Vec::new(),
        }
    }
}

impl<R: Copy + Eq + std::hash::Hash> Findings<R> {
    pub(crate) fn add(&mut self, line_number: u64, reason: R) {
        self.total += 1;
        *self.by_reason.entry(reason).or_insert(0) += 1;
        if self.first.len() < SHOWN || self.first.last().is_some_and(|&(n, _)| line_number < n) {
            let at = self.first.partition_point(|&(n, _)| n < line_number);
            self.first.insert(at, (line_number, reason));
            self.first.truncate(SHOWN);
        }
        if self.last.len() < SHOWN || self.last.first().is_some_and(|&(n, _)| line_number > n) {
            let at = self.last.partition_point(|&(n, _)| n < line_number);
            self.last.insert(at, (line_number, reason));
            if self.last.len() > SHOWN {
                self.last.remove(0);
            }
        }
    }

    /// Every finding, when there are few enough to have kept them all.
    pub fn all(&self) -> Option<Vec<(u64, R)>> {
        if self.total > (2 * SHOWN) as u64 {
            return None;
        }
        let mut all = self.first.clone();
        all.extend(
            self.last
                .iter()
                .filter(|(n, _)| !self.first.iter().any(|(m, _)| m == n)),
        );
        Some(all)
    }

    /// The first lines kept.
    pub(crate) fn first(&self) -> &[(u64, R)] {
        &self.first
    }

    /// The last lines kept.
    pub(crate) fn last(&self) -> &[(u64, R)] {
        &self.last
    }
}

/// What a stray line's placement means, for people.
pub(crate) fn describe_stray(placement: Placement) -> &'static str {
    match placement {
        Placement::InOrder => "in order",
        Placement::Behind => {
            "stray: dated more than the reorder horizon before the lines read so far (applied where it stands)"
        }
        Placement::Ahead => {
            "stray: dated more than the reorder horizon after the lines read so far (held until the feed caught up)"
        }
        Placement::BeyondEnd => {
            "stray: dated far past the rest of the file (applied last, not taken as the feed's end)"
        }
    }
}

/// One listed line: a rejection or a warning.
enum Listed {
    Rejected(Reject),
    Stray(Placement),
}

impl FeedCheck {
    /// No line was rejected (duplicates and strays are counted apart and do not count
    /// against it).
    pub fn all_accepted(&self) -> bool {
        self.counts.rejected == 0
    }

    /// `check`'s output: `line N: reason` for each rejected line and `line N: warning: …`
    /// for each stray, in line order (the first and last [`SHOWN`] of each when there are
    /// more, then their counts by reason), then the counts of the feed called `name`
    /// (shown with control characters escaped).
    pub fn write(&self, name: &str, out: &mut impl Write) -> io::Result<()> {
        match (self.rejected.all(), self.strays.all()) {
            (Some(rejected), Some(strays)) => {
                let mut lines: Vec<(u64, Listed)> = rejected
                    .into_iter()
                    .map(|(n, why)| (n, Listed::Rejected(why)))
                    .chain(strays.into_iter().map(|(n, p)| (n, Listed::Stray(p))))
                    .collect();
                lines.sort_by_key(|&(n, _)| n);
                for (n, listed) in lines {
                    write_listed(out, n, &listed)?;
                }
            }
            _ => {
                write_findings(out, &self.rejected, "rejected lines", |why| {
                    Listed::Rejected(*why)
                })?;
                write_findings(out, &self.strays, "stray lines", |p| Listed::Stray(*p))?;
            }
        }
        let counts = &self.counts;
        write!(
            out,
            "{}: {} lines: {} accepted, {} rejected, {} duplicates",
            printable(name),
            counts.lines,
            counts.accepted,
            counts.rejected,
            counts.duplicates
        )?;
        match counts.strays {
            0 => writeln!(out),
            1 => writeln!(out, ", 1 stray"),
            n => writeln!(out, ", {n} strays"),
        }
    }
}

impl Listed {
    fn text(&self) -> String {
        match self {
            Listed::Rejected(why) => why.to_string(),
            Listed::Stray(placement) => format!("warning: {}", describe_stray(*placement)),
        }
    }
}

fn write_listed(out: &mut impl Write, line: u64, listed: &Listed) -> io::Result<()> {
    writeln!(out, "line {line}: {}", listed.text())
}

/// A kind of finding on its own: all of them, or the first and last and the counts.
fn write_findings<R: Copy + Eq + std::hash::Hash>(
    out: &mut impl Write,
    findings: &Findings<R>,
    what: &str,
    listed: impl Fn(&R) -> Listed,
) -> io::Result<()> {
    if let Some(all) = findings.all() {
        for (n, reason) in &all {
            write_listed(out, *n, &listed(reason))?;
        }
        return Ok(());
    }
    let (first, last) = (findings.first(), findings.last());
    for (n, reason) in first {
        write_listed(out, *n, &listed(reason))?;
    }
    let hidden = findings.total - (first.len() + last.len()) as u64;
    writeln!(out, "… {hidden} more {what} …")?;
    for (n, reason) in last {
        write_listed(out, *n, &listed(reason))?;
    }
    let mut by_reason: Vec<(u64, String)> = findings
        .by_reason
        .iter()
        .map(|(reason, count)| (*count, listed(reason).text()))
        .collect();
    by_reason.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    writeln!(out, "{what} by reason:")?;
    for (count, text) in by_reason {
        writeln!(out, "  {count:>12}  {text}")?;
    }
    Ok(())
}
