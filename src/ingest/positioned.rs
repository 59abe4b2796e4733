//! A regular file's parts, each read by a parser thread for itself.
//!
//! A file is cut into parts of a fixed number of bytes, so a parser knows where part *i*
//! lies without anyone reading what comes before it. A part holds the lines that *start*
//! within it: a line starts at the file's first byte (after a byte-order mark) and after
//! each `\n`. So a parser reads its part and the byte before it, skips to its first line
//! start, and reads on past the part's end only to finish its last line: at most
//! [`MAX_LINE_BYTES`] + 2 bytes, since a longer line is refused without being held. A part
//! inside one overlong line holds no line. Read this way the lines are exactly those
//! [`LineReader`](crate::feed::lines::LineReader) reads from the start, and the thread
//! applying them does not copy the file at all: on the 30-day feed that copy was a sixth of
//! its time (performance §45).

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::num::NonZeroUsize;
use std::os::unix::fs::FileExt;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::ordered::{FeedCounts, OnLine, OrderedIngest};
use super::parallel::{CHUNKS_PER_PARSER, LineChunk, parser_stopped};
use crate::engine::Engine;
use crate::feed::lines::{BOM, MAX_LINE_BYTES};

/// Bytes read at a time past a part's end to finish its last line, at first: feed lines
/// are a few hundred bytes; an overlong one doubles it each time.
const FIRST_TAIL_READ: usize = 4 * 1024;

/// Reads a given range of bytes, from any thread.
pub(crate) trait ReadAt: Sync {
    /// Fills `buffer` from `offset`; an error if the source ends before it is full.
    fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> io::Result<()>;
}

impl ReadAt for File {
    fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> io::Result<()> {
        FileExt::read_exact_at(self, buffer, offset).map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the feed file became shorter while it was read",
                )
            } else {
                error
            }
        })
    }
}

/// Bytes in memory, for tests.
#[cfg(test)]
impl ReadAt for [u8] {
    fn read_exact_at(&self, buffer: &mut [u8], offset: u64) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        let source = start
            .checked_add(buffer.len())
            .and_then(|end| self.get(start..end))
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buffer.copy_from_slice(source);
        Ok(())
    }
}

/// How a file of a known length is cut into parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileParts {
    len: u64,
    part_bytes: u64,
    /// Where the first line starts: after a byte-order mark, or at 0.
    first_line: u64,
}

impl FileParts {
    /// Parts of `part_bytes` (at least 1) of the first `len` bytes of `source`.
    pub(crate) fn new(
        source: &(impl ReadAt + ?Sized),
        len: u64,
        part_bytes: usize,
    ) -> io::Result<Self> {
        let mut start = [0_u8; BOM.len()];
        let starts_with_bom = len >= BOM.len() as u64 && {
            source.read_exact_at(&mut start, 0)?;
            start == BOM
        };
        Ok(FileParts {
            len,
            part_bytes: u64::try_from(part_bytes.max(1)).unwrap_or(u64::MAX),
            first_line: if starts_with_bom { BOM.len() as u64 } else { 0 },
        })
    }

    /// How many parts there are.
    pub(crate) fn count(&self) -> u64 {
        self.len.div_ceil(self.part_bytes)
    }

    /// Fills `chunk` (parsed lines applied, its bytes anything) with the lines that start
    /// in part `index`.
    pub(crate) fn read_part(
        &self,
        source: &(impl ReadAt + ?Sized),
        index: u64,
        chunk: &mut LineChunk,
    ) -> io::Result<()> {
        let start = index.saturating_mul(self.part_bytes).min(self.len);
        let end = start.saturating_add(self.part_bytes).min(self.len);
        chunk.from = 0;
        chunk.then_too_long = false;
        if self.first_line >= end {
            chunk.bytes.clear();
            return Ok(());
        }
        // From the byte before the part, which says whether a line starts at its first.
        let read_from = if self.first_line >= start {
            self.first_line
        } else {
            start - 1
        };
        let bytes = &mut chunk.bytes;
        // Over the bytes of the part read before: only what it lacks is cleared first.
        bytes.resize(usize_of(end - read_from)?, 0);
        source.read_exact_at(bytes, read_from)?;
        let first_start = if self.first_line >= start {
            0
        } else {
            // A line starts after each `\n` but one in the part's last byte.
            match memchr::memchr(b'\n', &bytes[..bytes.len() - 1]) {
                Some(newline) => newline + 1,
                None => {
                    bytes.clear();
                    return Ok(());
                }
            }
        };
        chunk.from = first_start;
        let last_start = memchr::memrchr(b'\n', &bytes[first_start..bytes.len() - 1])
            .map_or(first_start, |newline| first_start + newline + 1);
        if bytes.last() == Some(&b'\n') {
            return Ok(());
        }
        // The last line goes on past the part: read on to its end.
        let mut step = FIRST_TAIL_READ;
        loop {
            let held = bytes.len();
            let next = read_from.saturating_add(held as u64);
            if next >= self.len {
                // The file's unterminated last line.
                return Ok(());
            }
            if held - last_start > MAX_LINE_BYTES + 1 {
                // Refused whatever follows: let go of it.
                bytes.truncate(last_start);
                chunk.then_too_long = true;
                return Ok(());
            }
            let wanted = step
                .min(usize_of(self.len - next).unwrap_or(usize::MAX))
                .min(last_start + MAX_LINE_BYTES + 2 - held);
            bytes.resize(held + wanted, 0);
            source.read_exact_at(&mut bytes[held..], next)?;
            if let Some(newline) = memchr::memchr(b'\n', &bytes[held..]) {
                bytes.truncate(held + newline + 1);
                return Ok(());
            }
            step = step.saturating_mul(2);
        }
    }
}

fn usize_of(bytes: u64) -> io::Result<usize> {
    usize::try_from(bytes).map_err(|_| io::Error::other("a part of the file too large to hold"))
}

/// Reads the first `len` bytes of a regular file into `ingest` in time order, its parts
/// ([`FileParts`] of about `chunk_bytes`) read and parsed by `threads` threads, the calling
/// thread one of them, and finishes it: the same engine, counts and calls to `on_line` as
/// the single-threaded path.
///
/// The calling thread applies the parts in file order and, whenever the next is not parsed
/// yet, takes the next unclaimed part to parse itself rather than wait. So `threads`
/// threads share the machine's processors with no thread idle or queued behind another:
/// with a thread that only applied and two that read and parsed, three threads shared two
/// processors and the applying one, which every part waits for, got two thirds of one
/// (performance §45).
pub(crate) fn ingest_file_parallel(
    file: &(impl ReadAt + ?Sized),
    len: u64,
    mut ingest: OrderedIngest,
    on_line: &mut impl OnLine,
    threads: NonZeroUsize,
    chunk_bytes: usize,
) -> io::Result<(Engine, FeedCounts)> {
    let parts = FileParts::new(file, len, chunk_bytes)?;
    let part_count = parts.count();
    let claims = Claims::new(
        part_count,
        u64::try_from(threads.get() * CHUNKS_PER_PARSER).unwrap_or(u64::MAX),
    );
    let spare = Mutex::new(Vec::<LineChunk>::new());
    let read_part = |part: u64| -> io::Result<LineChunk> {
        let mut chunk = lock(&spare).pop().unwrap_or_default();
        parts.read_part(file, part, &mut chunk)?;
        chunk.parse();
        Ok(chunk)
    };
    std::thread::scope(|scope| -> io::Result<()> {
        // Whatever way this ends, the helpers stop claiming and the scope can end.
        let _stop = StopOnDrop(&claims);
        let (parsed_sender, parsed) = mpsc::channel::<(u64, io::Result<LineChunk>)>();
        for _ in 1..threads.get() {
            let parsed_sender = parsed_sender.clone();
            let (claims, read_part) = (&claims, &read_part);
            scope.spawn(move || {
                while let Some(part) = claims.claim_waiting() {
                    let read = read_part(part);
                    let failed = read.is_err();
                    if parsed_sender.send((part, read)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(parsed_sender);
        // Parts parsed and not yet applied; the front is the next to apply.
        let mut waiting: VecDeque<Option<LineChunk>> = VecDeque::new();
        let mut lines_before = 0_u64;
        for next in 0..part_count {
            let mut chunk = loop {
                if let Some(chunk) = waiting.front_mut().and_then(Option::take) {
                    waiting.pop_front();
                    break chunk;
                }
                let (part, read) = match parsed.try_recv() {
                    Ok(parsed) => parsed,
                    // Nothing parsed waiting: parse a part here rather than wait, or wait
                    // (a helper that has gone with nothing sent fails the wait at once).
                    Err(_) => match claims.try_claim() {
                        Some(part) => (part, read_part(part)),
                        None => parsed.recv().map_err(|_| parser_stopped())?,
                    },
                };
                let slot = usize::try_from(part - next).map_err(|_| parser_stopped())?;
                if waiting.len() <= slot {
                    waiting.resize_with(slot + 1, || None);
                }
                waiting[slot] = Some(read?);
            };
            chunk.apply(&mut lines_before, &mut ingest, on_line);
            lock(&spare).push(chunk);
            claims.applied(next + 1);
        }
        Ok(())
    })?;
    Ok(ingest.finish(on_line))
}

/// Which parts have been taken to parse, and how far ahead of the applying thread they
/// may go: at most `window` parts past the last applied are read and held at once.
struct Claims {
    state: Mutex<ClaimState>,
    room: Condvar,
    part_count: u64,
    window: u64,
}

struct ClaimState {
    next: u64,
    applied: u64,
    stopped: bool,
}

impl Claims {
    fn new(part_count: u64, window: u64) -> Self {
        Claims {
            state: Mutex::new(ClaimState {
                next: 0,
                applied: 0,
                stopped: false,
            }),
            room: Condvar::new(),
            part_count,
            window: window.max(1),
        }
    }

    /// The next part to parse, once it is within the window; `None` once every part is
    /// taken or the reading stopped.
    fn claim_waiting(&self) -> Option<u64> {
        let mut state = lock(&self.state);
        loop {
            if state.stopped || state.next >= self.part_count {
                return None;
            }
            if state.next < state.applied.saturating_add(self.window) {
                state.next += 1;
                return Some(state.next - 1);
            }
            state = self
                .room
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The next part to parse if one is left within the window, without waiting.
    fn try_claim(&self) -> Option<u64> {
        let mut state = lock(&self.state);
        let open =
            state.next < self.part_count && state.next < state.applied.saturating_add(self.window);
        open.then(|| {
            state.next += 1;
            state.next - 1
        })
    }

    /// Parts before `count` are applied: room for more.
    fn applied(&self, count: u64) {
        lock(&self.state).applied = count;
        self.room.notify_all();
    }

    fn stop(&self) {
        lock(&self.state).stopped = true;
        self.room.notify_all();
    }
}

/// Stops the claims when dropped: the applying thread's way out, an error included.
struct StopOnDrop<'c>(&'c Claims);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A lock whose holder cannot have left it half-changed: a panic elsewhere does not spoil it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ingest::parallel::tests::{a_stream, owned, read_by_line_reader};

    /// Every line the parts of `input` hold, part after part, each part's lines counted as
    /// it counts them; and the most bytes a part held.
    fn read_by_parts(input: &[u8], part_bytes: usize) -> (Vec<Option<Vec<u8>>>, usize) {
        let len = input.len() as u64;
        let parts = FileParts::new(input, len, part_bytes).expect("in memory");
        let (mut lines, mut largest) = (Vec::new(), 0);
        // One chunk for every part, as a parser reuses it: a part is read over the last.
        let mut chunk = LineChunk::default();
        for part in 0..parts.count() {
            parts.read_part(input, part, &mut chunk).expect("in memory");
            largest = largest.max(chunk.bytes.len());
            chunk.parse();
            let before = lines.len();
            lines.extend(chunk.lines().map(owned));
            assert_eq!(
                chunk.line_count,
                (lines.len() - before) as u64,
                "part {part}"
            );
        }
        (lines, largest)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        #[test]
        fn parts_hold_the_lines_the_line_reader_reads(
            file in a_stream(),
            part_bytes in prop_oneof![Just(1_usize), Just(2), Just(3), Just(7), Just(300), Just(MAX_LINE_BYTES), Just(256 * 1024)],
        ) {
            let (lines, largest) = read_by_parts(&file, part_bytes);
            prop_assert_eq!(lines, read_by_line_reader(&file, 8 * 1024));
            // An overlong line running past its part is never held whole.
            prop_assert!(largest <= part_bytes + 1 + MAX_LINE_BYTES + 2);
        }
    }

    #[test]
    fn a_mark_alone_has_no_lines_and_a_mark_later_is_text() {
        for part_bytes in [1, 2, 3, 4, 100] {
            assert_eq!(
                read_by_parts(BOM, part_bytes).0,
                Vec::<Option<Vec<u8>>>::new()
            );
            assert_eq!(
                read_by_parts(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb\n\n", part_bytes).0,
                vec![
                    Some(b"a".to_vec()),
                    Some(b"\xEF\xBB\xBFb".to_vec()),
                    Some(Vec::new())
                ],
                "{part_bytes}"
            );
        }
    }

    #[test]
    fn a_part_inside_an_overlong_line_holds_no_line() {
        let mut file = b"one\n".to_vec();
        file.extend(std::iter::repeat_n(b'y', 3 * MAX_LINE_BYTES));
        file.extend_from_slice(b"\ntwo\n");
        let parts = FileParts::new(&file[..], file.len() as u64, 1024).expect("in memory");
        let mut middle = LineChunk::default();
        parts
            .read_part(&file[..], 10, &mut middle)
            .expect("in memory");
        middle.parse();
        assert_eq!(middle.line_count, 0);
        let (lines, largest) = read_by_parts(&file, 1024);
        assert_eq!(
            lines,
            vec![Some(b"one".to_vec()), None, Some(b"two".to_vec())]
        );
        assert!(largest <= 1024 + 1 + MAX_LINE_BYTES + 2, "{largest}");
    }

    #[test]
    fn a_file_shorter_than_when_it_was_opened_is_an_error_in_words() {
        let path = std::env::temp_dir().join(format!("forceboard-parts-{}", std::process::id()));
        std::fs::write(&path, b"one\ntwo\n").expect("written");
        let file = File::open(&path).expect("opened");
        let parts = FileParts::new(&file, 100, 4).expect("a length");
        let mut chunk = LineChunk::default();
        let error = parts
            .read_part(&file, 2, &mut chunk)
            .expect_err("the file ends at 8 bytes");
        std::fs::remove_file(&path).expect("removed");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            error.to_string(),
            "the feed file became shorter while it was read"
        );
    }
}
