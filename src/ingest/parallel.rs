//! Reading a feed file with its lines parsed on several threads, the events applied in
//! file order.
//!
//! Parsing a line is most of the work of reading a file, and every line parses alone; the
//! reorder horizon, the strays and the engine need the lines one after another in the
//! file's order. So the calling thread splits the file into lines (the same
//! [`LineReader`] as the single-threaded path, so a byte-order mark, `\r\n`, an overlong
//! line and an unterminated last line are read alike), packs them into chunks of whole
//! lines, and hands chunk *i* to parser *i mod n*. It takes the parsed chunks back in the
//! same turn, so they come back in file order with no reordering, and gives their lines
//! to [`OrderedIngest`] exactly as [`ingest_reader`](super::ingest_reader) would.
//!
//! Memory stays bounded: at most [`CHUNKS_PER_PARSER`] chunks per parser are in flight
//! (read and not yet applied), each about [`CHUNK_BYTES`] of text (or as many lines).

use std::io::{self, BufRead};
use std::num::NonZeroUsize;
use std::sync::mpsc::{self, Receiver, Sender};

use super::ordered::{FeedCounts, OnLine, OrderedIngest};
use crate::engine::Engine;
use crate::feed::lines::{Line, LineReader};
use crate::feed::parse::{Classified, classify};
use crate::time::{Span, Timestamp};

/// A chunk is cut after the line that takes it past this many bytes: large enough that
/// handing it over costs little beside parsing it, small enough to keep memory flat.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// Chunks in flight per parser: one being parsed while the next waits, so no parser idles
/// while the reading thread applies the one before.
pub(crate) const CHUNKS_PER_PARSER: usize = 2;

/// The environment variable that sets how many threads parse a file's lines: 2 or more
/// parse on that many threads; unset, 0 or 1, the calling thread alone reads (the
/// single-threaded path, the default until the parallel one is measured faster on a
/// shared two-core machine).
pub const PARSE_THREADS_ENV: &str = "FORCEBOARD_PARSE_THREADS";

/// The environment variable that sets a chunk's size in bytes on the parallel path: for
/// tests, which cut small files into many chunks; unset, [`CHUNK_BYTES`].
pub const PARSE_CHUNK_BYTES_ENV: &str = "FORCEBOARD_PARSE_CHUNK_BYTES";

/// How a file's lines are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsePath {
    /// Each line parsed and applied on the calling thread.
    Single,
    /// Lines parsed on `threads` threads, in chunks of about `chunk_bytes`, applied on the
    /// calling thread in file order.
    Parallel {
        threads: NonZeroUsize,
        chunk_bytes: usize,
    },
}

impl ParsePath {
    /// From [`PARSE_THREADS_ENV`] (unset: single), chunks from [`PARSE_CHUNK_BYTES_ENV`].
    pub fn from_env() -> ParsePath {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.trim().parse::<usize>().ok())
        };
        let threads = number(PARSE_THREADS_ENV).unwrap_or(1);
        let chunk_bytes = number(PARSE_CHUNK_BYTES_ENV).unwrap_or(CHUNK_BYTES);
        ParsePath::with_threads(threads, chunk_bytes)
    }

    /// `threads` parsers taking chunks of about `chunk_bytes` (at least one line each); 0
    /// or 1 thread is the single-threaded path.
    pub fn with_threads(threads: usize, chunk_bytes: usize) -> ParsePath {
        match NonZeroUsize::new(threads) {
            Some(threads) if threads.get() > 1 => ParsePath::Parallel {
                threads,
                chunk_bytes,
            },
            _ => ParsePath::Single,
        }
    }
}

/// Where a line's bytes end in its chunk, or that it was too long to keep.
#[derive(Debug, Clone, Copy)]
enum Packed {
    Text { end: usize },
    TooLong,
}

/// Whole lines of the file, in order, with their numbers; once parsed, what each holds.
/// Its buffers go back and forth between the reading thread and a parser, so after the
/// first few chunks nothing is allocated for them.
#[derive(Debug, Default)]
struct LineChunk {
    bytes: Vec<u8>,
    lines: Vec<(u64, Packed)>,
    /// Each line's number and what it holds, blank lines left out (they are not counted).
    parsed: Vec<(u64, Classified)>,
}

impl LineChunk {
    fn push(&mut self, number: u64, line: Line<'_>) {
        let packed = match line {
            Line::Text(text) => {
                self.bytes.extend_from_slice(text);
                Packed::Text {
                    end: self.bytes.len(),
                }
            }
            Line::TooLong => Packed::TooLong,
        };
        self.lines.push((number, packed));
    }

    fn is_full(&self, chunk_bytes: usize) -> bool {
        // Counting lines too: a chunk of blank or overlong lines holds few bytes.
        self.bytes.len() >= chunk_bytes || self.lines.len() >= chunk_bytes
    }

    fn parse(&mut self) {
        let mut start = 0;
        self.parsed.clear();
        for &(number, packed) in &self.lines {
            let line = match packed {
                Packed::Text { end } => {
                    let text = Line::Text(&self.bytes[start..end]);
                    start = end;
                    text
                }
                Packed::TooLong => Line::TooLong,
            };
            match classify(line) {
                Classified::Blank => {}
                classified => self.parsed.push((number, classified)),
            }
        }
    }

    /// Empty again, its buffers kept.
    fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
        self.parsed.clear();
    }
}

/// One parser's two ends, as the reading thread holds them.
struct ParserLink {
    chunks: Sender<LineChunk>,
    parsed: Receiver<LineChunk>,
}

/// Reads a whole feed into `engine` in time order, its lines parsed on `threads` threads in
/// chunks of about `chunk_bytes`: the same engine, counts and calls to `on_line` as the single-threaded path.
pub(crate) fn ingest_reader_parallel(
    reader: impl BufRead,
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    on_line: &mut impl OnLine,
    threads: NonZeroUsize,
    chunk_bytes: usize,
) -> io::Result<(Engine, FeedCounts)> {
    let mut lines = LineReader::new(reader);
    let mut ingest = OrderedIngest::new(engine, horizon, until);
    let read = std::thread::scope(|scope| -> io::Result<()> {
        let mut parsers = Vec::with_capacity(threads.get());
        for _ in 0..threads.get() {
            let (chunk_sender, chunk_receiver) = mpsc::channel::<LineChunk>();
            let (parsed_sender, parsed_receiver) = mpsc::channel();
            scope.spawn(move || {
                // Ends when the reading thread drops its sender (or stops listening).
                for mut chunk in chunk_receiver {
                    chunk.parse();
                    if parsed_sender.send(chunk).is_err() {
                        break;
                    }
                }
            });
            parsers.push(ParserLink {
                chunks: chunk_sender,
                parsed: parsed_receiver,
            });
        }
        let most_in_flight = threads.get() * CHUNKS_PER_PARSER;
        let (mut sent, mut applied) = (0_usize, 0_usize);
        let mut at_end = false;
        let mut spare: Vec<LineChunk> = Vec::with_capacity(most_in_flight);
        loop {
            while !at_end && sent - applied < most_in_flight {
                let mut chunk = spare.pop().unwrap_or_default();
                while !chunk.is_full(chunk_bytes) {
                    match lines.next_line()? {
                        Some((number, line)) => chunk.push(number, line),
                        None => {
                            at_end = true;
                            break;
                        }
                    }
                }
                if chunk.lines.is_empty() {
                    spare.push(chunk);
                    break;
                }
                send(&parsers[sent % parsers.len()], chunk)?;
                sent += 1;
            }
            if applied == sent {
                return Ok(());
            }
            let mut chunk = parsers[applied % parsers.len()]
                .parsed
                .recv()
                .map_err(|_| parser_stopped())?;
            for (number, classified) in chunk.parsed.drain(..) {
                ingest.push_classified(number, classified, on_line);
            }
            chunk.clear();
            spare.push(chunk);
            applied += 1;
        }
    });
    read?;
    Ok(ingest.finish(on_line))
}

fn send(parser: &ParserLink, chunk: LineChunk) -> io::Result<()> {
    parser.chunks.send(chunk).map_err(|_| parser_stopped())
}

/// A parser thread ended early: only a panic in it can do that.
fn parser_stopped() -> io::Error {
    io::Error::other("a line-parsing thread stopped")
}
