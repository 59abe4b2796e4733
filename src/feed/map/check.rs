//! `forceboard map check --map M SAMPLE`: for each record of a sample, the events it became
//! (as forceboard feed lines), the fields the map did not use (names only, never values),
//! or why it was refused; then a summary. Building a map is trying it here until every
//! record says what it should.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use super::record::Node;

use super::record::Wanted;
use super::{InputMap, MapReader, Mapped, record_of};
use crate::feed::lines::{Line, LineReader};
use crate::feed::parse::is_blank;
use crate::feed::wire::schema_line;
use crate::format::printable;
use crate::time::format_utc;

/// What a sample came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MapSummary {
    pub records: u64,
    /// Records that made at least one event.
    pub mapped: u64,
    pub events: BTreeMap<&'static str, u64>,
    /// Records the board needs nothing from.
    pub empty: u64,
    pub duplicates: u64,
    /// Refused records per reason, with the first line of each.
    pub rejected: BTreeMap<String, (u64, u64)>,
}

impl MapSummary {
    pub fn rejected_count(&self) -> u64 {
        self.rejected.values().map(|(count, _)| count).sum()
    }
}

/// Reads `sample` through `map`, writing each record's outcome and the summary to `out`.
pub fn check_sample(
    map: Arc<InputMap>,
    sample: impl BufRead,
    out: &mut impl Write,
) -> io::Result<MapSummary> {
    let mut reader = MapReader::new(map);
    let mut lines = LineReader::new(sample);
    let mut summary = MapSummary::default();
    while let Some((number, line)) = lines.next_line()? {
        let record = match line {
            // Whole: the fields the map does not use are listed (by name).
            Line::Text(bytes) if !is_blank(bytes) => record_of(bytes, &Wanted::everything()).ok(),
            _ => None,
        };
        let mapped = match (&record, line) {
            (Some(record), Line::Text(bytes)) => reader.read_record(record, bytes),
            _ => reader.read(line),
        };
        report_record(
            &mut summary,
            number,
            mapped,
            record.as_ref(),
            reader.map(),
            out,
        )?;
    }
    write_summary(&summary, out)?;
    Ok(summary)
}

fn report_record(
    summary: &mut MapSummary,
    number: u64,
    mapped: Mapped,
    record: Option<&Node<'_>>,
    map: &InputMap,
    out: &mut impl Write,
) -> io::Result<()> {
    if mapped != Mapped::Blank {
        summary.records += 1;
    }
    match mapped {
        Mapped::Blank => {}
        Mapped::Duplicate => {
            summary.duplicates += 1;
            writeln!(
                out,
                "line {number}: duplicate (this record, or a newer update of it, was read before)"
            )?;
        }
        Mapped::Rejected(reason) => {
            let entry = summary
                .rejected
                .entry(reason.to_string())
                .or_insert((0, number));
            entry.0 += 1;
            writeln!(out, "line {number}: REFUSED: {reason}")?;
        }
        Mapped::Events(events) => {
            if events.is_empty() {
                summary.empty += 1;
                writeln!(out, "line {number}: no events (nothing the board needs)")?;
            } else {
                summary.mapped += 1;
                let plural = if events.len() == 1 { "" } else { "s" };
                writeln!(out, "line {number}: {} event{plural}", events.len())?;
            }
            for event in &events {
                *summary.events.entry(event.body.kind().label()).or_insert(0) += 1;
                writeln!(
                    out,
                    "  {}",
                    printable(&schema_line(event, None, format_utc))
                )?;
            }
            if let Some(record) = record {
                let unused = unused_fields(record, map);
                if !unused.is_empty() {
                    writeln!(out, "  not used: {}", printable(&unused.join(", ")))?;
                }
            }
        }
    }
    Ok(())
}

/// The record's fields (dotted paths to its leaves) that no part of the map reads.
fn unused_fields(record: &Node<'_>, map: &InputMap) -> Vec<String> {
    let mut leaves = Vec::new();
    collect_leaves(record, String::new(), &mut leaves);
    leaves.retain(|leaf| !map.paths.iter().any(|path| path.touches(leaf)));
    leaves
}

fn collect_leaves(value: &Node<'_>, prefix: String, leaves: &mut Vec<String>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Node::Object(fields) if !fields.is_empty() => {
            for (key, inner) in fields {
                collect_leaves(inner, join(key), leaves);
            }
        }
        Node::Fields(fields) if !fields.is_empty() => {
            for (key, inner) in fields {
                collect_leaves(inner, join(key), leaves);
            }
        }
        Node::Array(items) if !items.is_empty() => {
            for (index, inner) in items.iter().enumerate() {
                collect_leaves(inner, join(&index.to_string()), leaves);
            }
        }
        _ if !prefix.is_empty() => leaves.push(prefix),
        _ => {}
    }
}

fn write_summary(summary: &MapSummary, out: &mut impl Write) -> io::Result<()> {
    let events: u64 = summary.events.values().sum();
    writeln!(out)?;
    writeln!(
        out,
        "{} records: {} made {events} events, {} made none, {} duplicates, {} refused",
        summary.records,
        summary.mapped,
        summary.empty,
        summary.duplicates,
        summary.rejected_count()
    )?;
    for (kind, count) in &summary.events {
        writeln!(out, "  {kind}: {count}")?;
    }
    for (reason, (count, first)) in &summary.rejected {
        writeln!(out, "  refused, {reason}: {count} (first on line {first})")?;
    }
    Ok(())
}
