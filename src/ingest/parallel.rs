//! Reading a feed stream (standard input, a pipe) with its lines parsed on several
//! threads, the events applied in file order. A regular file is read in parts by the
//! parsers themselves instead (`positioned`); both share [`LineChunk`].
//!
//! Parsing a line is most of the work of reading a file, and every line parses alone; the
//! reorder horizon, the strays and the engine need the lines one after another in the
//! file's order. So the calling thread only cuts the stream into chunks after their last
//! line end ([`ChunkCutter`]) and hands chunk *i* to parser *i mod n*; the parser splits
//! its chunk into lines by the same rules as the single-threaded path's `LineReader` (a
//! byte-order mark, `\r\n`, an overlong line and an unterminated last line read alike) and
//! parses them. The calling thread takes the parsed chunks back in the same turn, so they
//! come back in file order with no reordering, numbers their lines, and gives them to
//! [`OrderedIngest`] exactly as [`ingest_reader`](super::ingest_reader) would.
//!
//! Memory stays bounded: at most [`CHUNKS_PER_PARSER`] chunks per parser are in flight
//! (read and not yet applied), each about [`CHUNK_BYTES`] of text, and an overlong line is
//! skipped without being held.

use std::io::{self, BufRead, Read as _};
use std::num::NonZeroUsize;
use std::sync::mpsc::{self, Receiver, Sender};

use super::ordered::{FeedCounts, OnLine, OrderedIngest};
use crate::engine::Engine;
use crate::feed::lines::{BOM, Line, MAX_LINE_BYTES, line_of};
use crate::feed::parse::{Classified, classify, classify_text};

/// A chunk is cut after the line that takes it past this many bytes: large enough that
/// handing it over costs little beside parsing it, small enough to keep memory flat.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// Chunks in flight per parser: one being parsed while the next waits, so no parser idles
/// while the reading thread applies the one before.
pub(crate) const CHUNKS_PER_PARSER: usize = 2;

/// The environment variable that sets how many threads parse a file's lines: 2 or more
/// parse on that many threads (a regular file: the calling thread one of them; a stream:
/// beside it); 0 or 1, the calling thread alone reads (the single-threaded path). Unset:
/// [`DEFAULT_PARSE_THREADS`], or one thread on a machine with one processor.
pub const PARSE_THREADS_ENV: &str = "FORCEBOARD_PARSE_THREADS";

/// Parser threads when [`PARSE_THREADS_ENV`] is unset: on a two-core machine a regular
/// file is then read by two threads, each reading, parsing and (the calling one) applying,
/// both busy to the end — a 30-day feed in about half the single thread's wall time
/// (performance §45); a stream by two parsers beside the thread applying (§41).
pub const DEFAULT_PARSE_THREADS: usize = 2;

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
    /// From [`PARSE_THREADS_ENV`] (unset: [`DEFAULT_PARSE_THREADS`] where the machine has
    /// as many processors), chunks from [`PARSE_CHUNK_BYTES_ENV`].
    pub fn from_env() -> ParsePath {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.trim().parse::<usize>().ok())
        };
        let threads = number(PARSE_THREADS_ENV).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, |processors| processors.get().min(DEFAULT_PARSE_THREADS))
        });
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

/// Whole lines of the file, in order, as the file has them (each ends in `\n` but perhaps
/// the file's last); once parsed, what each holds. The reading thread only cuts the file
/// at line ends; the parser splits the chunk into lines, so the reading thread never
/// touches a line's bytes one by one. Its buffers go back and forth between the reading
/// thread and a parser, so after the first few chunks nothing is allocated for them.
#[derive(Debug, Default)]
pub(super) struct LineChunk {
    pub(super) bytes: Vec<u8>,
    /// Where the chunk's first line starts in `bytes`: a file's part read by a parser
    /// begins with the end of a line an earlier part holds.
    pub(super) from: usize,
    /// One line too long to keep follows the lines: it was skipped unread.
    pub(super) then_too_long: bool,
    /// How many lines the chunk holds, blank and overlong ones included.
    pub(super) line_count: u64,
    /// What each line holds, blank ones too: line *i* of the chunk is `parsed[i - 1]`.
    /// Numbers are not kept beside them: with blank lines left out, each parsed line was
    /// written to a stack slot first and then copied in, and the copy waited on the writes
    /// (performance §46).
    parsed: Vec<Classified>,
}

impl LineChunk {
    /// The chunk's lines in order, each as [`LineReader`](crate::feed::lines) hands it out.
    pub(super) fn lines(&self) -> impl Iterator<Item = Line<'_>> {
        let mut rest = self.bytes.get(self.from..).unwrap_or_default();
        let text = std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (line, after) = match memchr::memchr(b'\n', rest) {
                Some(newline) => (&rest[..newline], &rest[newline + 1..]),
                // The file's unterminated last line.
                None => (rest, &rest[rest.len()..]),
            };
            rest = after;
            Some(line_of(line))
        });
        text.chain(self.then_too_long.then_some(Line::TooLong))
    }

    pub(super) fn parse(&mut self) {
        let mut parsed = std::mem::take(&mut self.parsed);
        parsed.clear();
        let mut keep = |classified| parsed.push(classified);
        match std::str::from_utf8(self.bytes.get(self.from..).unwrap_or_default()) {
            // Nearly every chunk is UTF-8 text as a whole, and then so is each of its lines
            // (cut at ASCII bytes): one check for the chunk, not one a line (§46).
            Ok(text) => {
                text_lines(text).for_each(|line| keep(classify_text(line)));
                if self.then_too_long {
                    keep(classify(Line::TooLong));
                }
            }
            Err(_) => self.lines().for_each(|line| keep(classify(line))),
        }
        self.line_count = parsed.len() as u64;
        self.parsed = parsed;
    }

    /// Gives the chunk's parsed lines to `ingest` in order, numbered on from
    /// `lines_before` (which moves past them). The bytes stay: a file's part is read over
    /// them next (growing the buffer from empty would clear every byte first).
    pub(super) fn apply(
        &mut self,
        lines_before: &mut u64,
        ingest: &mut OrderedIngest,
        on_line: &mut impl OnLine,
    ) {
        let mut number = *lines_before;
        for classified in self.parsed.drain(..) {
            number = number.saturating_add(1);
            ingest.push_classified(number, classified, on_line);
        }
        *lines_before = lines_before.saturating_add(self.line_count);
        self.line_count = 0;
    }

    /// Empty again, its buffers kept.
    fn clear(&mut self) {
        self.bytes.clear();
        self.from = 0;
        self.then_too_long = false;
        self.line_count = 0;
        self.parsed.clear();
    }
}

/// The lines of `text`, each without its `\n` (the last perhaps unterminated).
fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
            // At an ASCII `\n`: a character boundary.
            Some(newline) => rest.split_at_checked(newline)?,
            None => (rest, ""),
        };
        rest = after.get(1..).unwrap_or_default();
        Some(line)
    })
}

/// Cuts a byte stream into chunks of whole lines, as [`LineReader`](crate::feed::lines)
/// reads it: a byte-order mark at the very start dropped, a line longer than
/// [`MAX_LINE_BYTES`] skipped to its end without being held, an unterminated last line kept.
struct ChunkCutter<R> {
    reader: R,
    /// Bytes read past the last line end of the chunk before: the next chunk's start.
    carried: Vec<u8>,
    /// Whether the stream's first bytes have been checked for a byte-order mark.
    past_start: bool,
    at_end: bool,
}

impl<R: BufRead> ChunkCutter<R> {
    fn new(reader: R) -> Self {
        ChunkCutter {
            reader,
            carried: Vec::new(),
            past_start: false,
            at_end: false,
        }
    }

    /// Fills the empty `chunk` with whole lines, about `chunk_bytes` of them or the rest
    /// of the stream; `false` once the stream is over and nothing was left to put in it.
    fn fill(&mut self, chunk: &mut LineChunk, chunk_bytes: usize) -> io::Result<bool> {
        // The bytes carried over become the chunk's start; the chunk's old buffer is the
        // next carry's.
        std::mem::swap(&mut chunk.bytes, &mut self.carried);
        let step = u64::try_from(chunk_bytes.max(1)).unwrap_or(u64::MAX);
        // Where the line being read starts: every byte before it is in whole lines. The
        // carried bytes hold no line end.
        let mut line_start = 0;
        // Bytes before this have been searched for a line end.
        let mut searched = 0;
        loop {
            if !self.at_end {
                let got = (&mut self.reader)
                    .take(step)
                    .read_to_end(&mut chunk.bytes)?;
                self.at_end = u64::try_from(got).unwrap_or(u64::MAX) < step;
            }
            if !self.past_start {
                if chunk.bytes.len() < BOM.len() && !self.at_end {
                    continue;
                }
                self.past_start = true;
                if chunk.bytes.starts_with(BOM) {
                    chunk.bytes.drain(..BOM.len());
                }
            }
            if self.at_end {
                // Whatever follows the last line end is the stream's unterminated last line.
                return Ok(!chunk.bytes.is_empty());
            }
            if let Some(at) = memchr::memrchr(b'\n', &chunk.bytes[searched..]) {
                line_start = searched + at + 1;
            }
            searched = chunk.bytes.len();
            if chunk.bytes.len() - line_start > MAX_LINE_BYTES + 1 {
                // The line being read is too long whatever follows: skipped to its end.
                chunk.bytes.truncate(line_start);
                chunk.then_too_long = true;
                self.skip_rest_of_line()?;
                return Ok(true);
            }
            if line_start > 0 && chunk.bytes.len() >= chunk_bytes {
                self.carried.clear();
                self.carried.extend_from_slice(&chunk.bytes[line_start..]);
                chunk.bytes.truncate(line_start);
                return Ok(true);
            }
        }
    }

    /// Reads past the end of an overlong line, keeping what follows it for the next chunk.
    /// (At the stream's end, the next fill finds nothing more.)
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        self.carried.clear();
        self.reader.skip_until(b'\n')?;
        Ok(())
    }
}

/// One parser's two ends, as the reading thread holds them.
struct ParserLink {
    chunks: Sender<LineChunk>,
    parsed: Receiver<LineChunk>,
}

/// Reads a whole feed into `ingest` in time order, its lines parsed on `threads` threads in
/// chunks of about `chunk_bytes`, and finishes it: the same engine, counts and calls to
/// `on_line` as the single-threaded path.
pub(crate) fn ingest_reader_parallel(
    reader: impl BufRead,
    mut ingest: OrderedIngest,
    on_line: &mut impl OnLine,
    threads: NonZeroUsize,
    chunk_bytes: usize,
) -> io::Result<(Engine, FeedCounts)> {
    let mut cutter = ChunkCutter::new(reader);
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
        // The number of the last line applied: a chunk's lines are numbered from 1.
        let mut lines_before = 0_u64;
        let mut at_end = false;
        let mut spare: Vec<LineChunk> = Vec::with_capacity(most_in_flight);
        loop {
            while !at_end && sent - applied < most_in_flight {
                let mut chunk = spare.pop().unwrap_or_default();
                if !cutter.fill(&mut chunk, chunk_bytes)? {
                    at_end = true;
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
            chunk.apply(&mut lines_before, &mut ingest, on_line);
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
pub(super) fn parser_stopped() -> io::Error {
    io::Error::other("a line-parsing thread stopped")
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::feed::lines::LineReader;

    /// Every line as `LineReader` reads it through a reader buffer of `capacity` bytes.
    pub(in crate::ingest) fn read_by_line_reader(
        input: &[u8],
        capacity: usize,
    ) -> Vec<Option<Vec<u8>>> {
        let mut reader = LineReader::new(io::BufReader::with_capacity(capacity, input));
        let mut lines = Vec::new();
        while let Some((_, line)) = reader.next_line().expect("in memory") {
            lines.push(owned(line));
        }
        lines
    }

    /// Every line as the chunks cut from `input` hold them, and the largest chunk.
    fn read_by_chunks(
        input: &[u8],
        capacity: usize,
        chunk_bytes: usize,
    ) -> (Vec<Option<Vec<u8>>>, usize) {
        let mut cutter = ChunkCutter::new(io::BufReader::with_capacity(capacity, input));
        let (mut lines, mut largest) = (Vec::new(), 0);
        let mut chunk = LineChunk::default();
        while cutter.fill(&mut chunk, chunk_bytes).expect("in memory") {
            largest = largest.max(chunk.bytes.len());
            let before = lines.len();
            lines.extend(chunk.lines().map(owned));
            assert!(lines.len() > before, "a chunk with no line");
            chunk.clear();
        }
        (lines, largest)
    }

    pub(in crate::ingest) fn owned(line: Line<'_>) -> Option<Vec<u8>> {
        match line {
            Line::Text(bytes) => Some(bytes.to_vec()),
            Line::TooLong => None,
        }
    }

    /// A line's text: short and long, around the limit, with and without a `\r`.
    fn a_line() -> impl Strategy<Value = Vec<u8>> {
        let lengths = prop_oneof![
            4 => 0..40_usize,
            1 => MAX_LINE_BYTES - 2..MAX_LINE_BYTES + 3,
            1 => MAX_LINE_BYTES * 2..MAX_LINE_BYTES * 3,
        ];
        (lengths, any::<bool>(), any::<u8>()).prop_map(|(length, carriage_return, fill)| {
            // Any byte but a line end.
            let fill = if fill == b'\n' { b'x' } else { fill };
            let mut line = vec![fill; length];
            if carriage_return {
                line.push(b'\r');
            }
            line
        })
    }

    /// A stream of such lines, perhaps after a whole or partial byte-order mark, perhaps
    /// without a last newline.
    pub(in crate::ingest) fn a_stream() -> impl Strategy<Value = Vec<u8>> {
        (
            prop_oneof![Just(&b""[..]), Just(BOM), Just(&BOM[..2]), Just(&BOM[..1])],
            prop::collection::vec(a_line(), 0..12),
            any::<bool>(),
        )
            .prop_map(|(start, lines, ends_with_newline)| {
                let mut stream = start.to_vec();
                for (index, line) in lines.iter().enumerate() {
                    stream.extend_from_slice(line);
                    if index + 1 < lines.len() || ends_with_newline {
                        stream.push(b'\n');
                    }
                }
                stream
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn chunks_hold_the_lines_the_line_reader_reads(
            stream in a_stream(),
            capacity in prop_oneof![Just(5_usize), Just(8 * 1024)],
            chunk_bytes in prop_oneof![Just(1_usize), Just(7), Just(300), Just(CHUNK_BYTES)],
        ) {
            let expected = read_by_line_reader(&stream, 8 * 1024);
            let (lines, largest) = read_by_chunks(&stream, capacity, chunk_bytes);
            prop_assert_eq!(lines, expected);
            // An overlong line is never held whole.
            prop_assert!(largest <= chunk_bytes.max(BOM.len()) + 2 * (MAX_LINE_BYTES + 1) + chunk_bytes);
        }
    }

    /// What each line is, blank lines left out: as the line reader reads and `classify`
    /// reads them, and as parsed chunks hold them.
    fn classified_by_line_reader(input: &[u8]) -> Vec<(u64, Classified)> {
        let mut reader = LineReader::new(io::BufReader::new(input));
        let mut classified = Vec::new();
        while let Some((number, line)) = reader.next_line().expect("in memory") {
            match classify(line) {
                Classified::Blank => {}
                line => classified.push((number, line)),
            }
        }
        classified
    }

    fn classified_by_chunks(input: &[u8], chunk_bytes: usize) -> Vec<(u64, Classified)> {
        let mut cutter = ChunkCutter::new(input);
        let mut chunk = LineChunk::default();
        let (mut classified, mut lines_before) = (Vec::new(), 0);
        while cutter.fill(&mut chunk, chunk_bytes).expect("in memory") {
            chunk.parse();
            let parsed = std::mem::take(&mut chunk.parsed);
            classified.extend(
                (lines_before + 1..)
                    .zip(parsed)
                    .filter(|(_, line)| *line != Classified::Blank),
            );
            lines_before += chunk.line_count;
            chunk.clear();
        }
        classified
    }

    /// Feed lines of every sort: events, refusals, blank, `\r\n`, text past ASCII, bytes
    /// that are not UTF-8 (which send their chunk down the line-by-line check), overlong.
    fn a_feed_line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(br#"{"kind":"call_offered","at":"2024-07-01T11:00:04.123Z","id":"C1","line":"999","lpa":"BIR"}"#.to_vec()),
            Just(r#"{"kind":"incident_created","at":"2024-07-01T11:00:05Z","id":"Ü–1","grade":"emergency","lpa":"Brådford"}"#.as_bytes().to_vec()),
            Just(b"{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:06Z\"}\r".to_vec()),
            Just(b"{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:07Z\",\"source\":\"\xff\"}".to_vec()),
            Just(b"\xEF\xBB\xBF{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:08Z\"}".to_vec()),
            Just(b"\xc3".to_vec()),
            Just(b"not json".to_vec()),
            Just(Vec::new()),
            Just(b" \t\r".to_vec()),
            Just(vec![b'z'; MAX_LINE_BYTES]),
            Just([vec![b'z'; MAX_LINE_BYTES], b"\r".to_vec()].concat()),
            Just(vec![b'x'; MAX_LINE_BYTES + 1]),
            Just(vec![b'y'; 3 * MAX_LINE_BYTES]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// A chunk checked whole as UTF-8 and one checked line by line read every line as
        /// the line reader and `classify` do, with the same numbers.
        #[test]
        fn parsed_chunks_read_each_line_as_classify_does(
            start in prop_oneof![Just(&b""[..]), Just(BOM), Just(&BOM[..2])],
            lines in prop::collection::vec(a_feed_line(), 0..12),
            ends_with_newline in any::<bool>(),
            chunk_bytes in prop_oneof![Just(1_usize), Just(90), Just(300), Just(CHUNK_BYTES)],
        ) {
            let mut stream = start.to_vec();
            for (index, line) in lines.iter().enumerate() {
                stream.extend_from_slice(line);
                if index + 1 < lines.len() || ends_with_newline {
                    stream.push(b'\n');
                }
            }
            prop_assert_eq!(
                classified_by_chunks(&stream, chunk_bytes),
                classified_by_line_reader(&stream)
            );
        }
    }

    #[test]
    fn a_stream_of_a_mark_alone_has_no_lines_and_a_partial_mark_is_text() {
        assert_eq!(read_by_chunks(BOM, 1, 1).0, Vec::<Option<Vec<u8>>>::new());
        assert_eq!(
            read_by_chunks(&BOM[..2], 1, 1).0,
            vec![Some(BOM[..2].to_vec())]
        );
        assert_eq!(
            read_by_chunks(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb", 2, 1).0,
            vec![Some(b"a".to_vec()), Some(b"\xEF\xBB\xBFb".to_vec())]
        );
    }

    #[test]
    fn an_overlong_line_is_skipped_between_whole_lines() {
        let mut stream = b"one\r\n".to_vec();
        stream.extend(std::iter::repeat_n(b'y', 3 * MAX_LINE_BYTES));
        stream.extend_from_slice(b"\n\ntwo");
        let (lines, largest) = read_by_chunks(&stream, 4096, 1024);
        assert_eq!(
            lines,
            vec![
                Some(b"one".to_vec()),
                None,
                Some(Vec::new()),
                Some(b"two".to_vec())
            ]
        );
        assert!(largest < 2 * MAX_LINE_BYTES, "{largest}");
    }
}
