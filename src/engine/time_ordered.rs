//! Records kept in time order, in chunks: the closed calls and incidents of the windows,
//! the handle times and the staffing snapshots.
//!
//! They were `Vec`s and `VecDeque`s, which double their room when full: a national day's
//! 270 k closed calls, just past 2^18, held room for 2^19 (12.6 MB for 6.5 MB of calls),
//! and while growing held the old room and the new at once. In chunks of at most `CHUNK`
//! records, the room beyond the records is at most one chunk, growth copies nothing, and
//! forgetting the oldest frees whole chunks.
//!
//! Records are in order of their time; of two at the same time, the one inserted first
//! comes first. Nearly every insert is at the end (a feed's events come in time order);
//! one in the middle goes into its chunk, which splits in two when full.

use std::collections::VecDeque;

use crate::time::Timestamp;

/// A record's time, by which it is ordered.
pub(super) trait Stamped {
    fn at(&self) -> Timestamp;
}

/// Records in time order, in chunks of at most `CHUNK` (see the module's doc).
#[derive(Debug, Clone)]
pub(super) struct TimeOrdered<T, const CHUNK: usize = 1024> {
    /// Never an empty chunk; each in time order, and each chunk's last at or before the
    /// next chunk's first.
    chunks: VecDeque<Vec<T>>,
}

impl<T, const CHUNK: usize> Default for TimeOrdered<T, CHUNK> {
    fn default() -> Self {
        TimeOrdered {
            chunks: VecDeque::new(),
        }
    }
}

/// A place in the records: a chunk and a place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    chunk: usize,
    offset: usize,
}

impl<T: Stamped, const CHUNK: usize> TimeOrdered<T, CHUNK> {
    /// Adds `record` after every record at or before its time.
    pub(super) fn insert(&mut self, record: T) {
        let at = record.at();
        match self.chunks.back_mut() {
            Some(last) if last.last().is_none_or(|newest| newest.at() <= at) => {
                if last.len() < CHUNK {
                    last.push(record);
                } else {
                    self.chunks.push_back(new_chunk(record, CHUNK));
                }
            }
            Some(_) => self.insert_within(record),
            None => self.chunks.push_back(new_chunk(record, 1)),
        }
    }

    /// An insert before the newest record: into the chunk where it belongs.
    fn insert_within(&mut self, record: T) {
        let Place { chunk, offset } = self.first_after(record.at());
        let Some(target) = self.chunks.get_mut(chunk) else {
            return; // not reached: a record after `at` exists, the newest
        };
        if target.len() < CHUNK {
            target.insert(offset, record);
            return;
        }
        let half = CHUNK / 2;
        let mut upper = Vec::with_capacity(CHUNK);
        upper.extend(target.drain(half..));
        if offset <= half {
            target.insert(offset, record);
        } else {
            upper.insert(offset - half, record);
        }
        self.chunks.insert(chunk + 1, upper);
    }

    /// The first record after `at` (or the end).
    fn first_after(&self, at: Timestamp) -> Place {
        let chunk = self
            .chunks
            .partition_point(|c| c.last().is_none_or(|newest| newest.at() <= at));
        let offset = self
            .chunks
            .get(chunk)
            .map_or(0, |c| c.partition_point(|r| r.at() <= at));
        Place { chunk, offset }
    }

    /// The records after `from`, oldest first.
    pub(super) fn after(&self, from: Timestamp) -> impl Iterator<Item = &T> {
        let Place { chunk, offset } = self.first_after(from);
        self.chunks
            .range(chunk..)
            .enumerate()
            .flat_map(move |(i, c)| c.get(if i == 0 { offset } else { 0 }..).unwrap_or(&[]))
    }

    /// The latest record at or before `at`, however old.
    pub(super) fn latest_at_or_before(&self, at: Timestamp) -> Option<&T> {
        let Place { chunk, offset } = self.first_after(at);
        match offset.checked_sub(1) {
            Some(before) => self.chunks.get(chunk)?.get(before),
            None => self.chunks.get(chunk.checked_sub(1)?)?.last(),
        }
    }

    /// Forgets the records at or before `cutoff`.
    pub(super) fn forget_until(&mut self, cutoff: Timestamp) {
        while let Some(oldest) = self.chunks.front_mut() {
            if oldest.last().is_none_or(|newest| newest.at() <= cutoff) {
                self.chunks.pop_front();
            } else {
                let old = oldest.partition_point(|r| r.at() <= cutoff);
                oldest.drain(..old);
                break;
            }
        }
    }
}

/// A chunk holding `record`, with room for `room` records.
fn new_chunk<T>(record: T, room: usize) -> Vec<T> {
    let mut chunk = Vec::with_capacity(room);
    chunk.push(record);
    chunk
}

#[cfg(test)]
mod tests;
