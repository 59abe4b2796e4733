//! Splitting a byte stream into lines without ever holding more than 64 KiB of one line.
//!
//! [`LineSplitter`] is the one splitting core: bytes are pushed in as they arrive (a read
//! buffer, a TCP segment, an HTTP body frame) and complete lines come out, numbered.
//! [`LineReader`] is a loop feeding it from a `BufRead`; the live sources feed it directly.

use std::io::{self, BufRead};

/// Lines longer than this are refused without being held in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The UTF-8 byte-order mark some Windows tools write at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One physical line of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's bytes, without its `\n` (or `\r\n`).
    Text(&'a [u8]),
    /// Longer than [`MAX_LINE_BYTES`]: skipped to its end unread.
    TooLong,
}

/// Splits pushed bytes into lines numbered from 1 (blank lines included in the count),
/// holding at most `MAX_LINE_BYTES` + 1 bytes (room for a `\r`) of an unfinished line.
/// The rest of a longer line is skipped unread. One UTF-8 byte-order mark at the very
/// start of the stream is dropped (even split across pushes); anywhere else it is data.
#[derive(Debug, Default)]
pub struct LineSplitter {
    /// The unfinished line so far, or the last line handed out from here.
    partial: Vec<u8>,
    /// The unfinished line is already over the limit.
    too_long: bool,
    /// `partial` holds a line already handed out: cleared before the next bytes.
    handed_out: bool,
    /// The number of the last line handed out.
    line_number: u64,
    /// How much of the stream's start has been checked for a byte-order mark.
    start: StreamStart,
}

/// Whether the stream starts with a byte-order mark, as far as its bytes have arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamStart {
    /// Every byte of the stream so far (this many, held back) matches the start of [`BOM`].
    Matched(usize),
    /// Settled: the mark was dropped, or the stream does not start with one.
    Past,
}

impl Default for StreamStart {
    fn default() -> Self {
        StreamStart::Matched(0)
    }
}

impl LineSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes bytes from the front of `input` up to and including the next `\n` and returns
    /// the line that `\n` ends; with no `\n` in `input`, takes all of it and returns `None`.
    pub fn next_line<'r, 'i: 'r>(&'r mut self, input: &mut &'i [u8]) -> Option<(u64, Line<'r>)> {
        self.forget_handed_out();
        let taken = self.take_bom(input);
        *input = &input[taken..];
        let Some(newline) = memchr::memchr(b'\n', input) else {
            self.append(input);
            *input = &[];
            return None;
        };
        let head = &input[..newline];
        *input = &input[newline + 1..];
        if self.partial.is_empty() && !self.too_long {
            // The whole line is in `input`: no copy.
            self.line_number = self.line_number.saturating_add(1);
            return Some((self.line_number, line_of(head)));
        }
        self.append(head);
        Some(self.end_line())
    }

    /// The end of the stream: its unterminated last line, if any bytes of one arrived.
    pub fn finish(&mut self) -> Option<(u64, Line<'_>)> {
        self.forget_handed_out();
        self.release_held_start();
        if self.partial.is_empty() && !self.too_long {
            return None;
        }
        Some(self.end_line())
    }

    /// How much memory the unfinished line holds.
    #[cfg(test)]
    pub(crate) fn held_capacity(&self) -> usize {
        self.partial.capacity()
    }

    /// At the stream's start, takes the bytes of `input` that continue a byte-order mark
    /// and returns how many; they are held back until the mark is whole (then dropped) or
    /// a byte differs (then they are the line's first bytes after all).
    fn take_bom(&mut self, input: &[u8]) -> usize {
        let StreamStart::Matched(matched) = self.start else {
            return 0;
        };
        let wanted = &BOM[matched..];
        let common = input
            .iter()
            .zip(wanted)
            .take_while(|(byte, mark)| byte == mark)
            .count();
        if common == wanted.len() {
            self.start = StreamStart::Past;
        } else if common == input.len() {
            self.start = StreamStart::Matched(matched + common);
        } else {
            // Not a mark: its bytes are left in `input`, and those held are data too.
            self.release_held_start();
            return 0;
        }
        common
    }

    /// Settles the stream's start: bytes held back as a possible mark become line bytes.
    fn release_held_start(&mut self) {
        if let StreamStart::Matched(matched) = self.start {
            self.start = StreamStart::Past;
            self.append(&BOM[..matched]);
        }
    }

    fn forget_handed_out(&mut self) {
        if self.handed_out {
            self.handed_out = false;
            self.too_long = false;
            self.partial.clear();
        }
    }

    /// Adds bytes of the unfinished line (they hold no `\n`).
    fn append(&mut self, bytes: &[u8]) {
        if self.too_long {
            return;
        }
        if self.partial.len().saturating_add(bytes.len()) > MAX_LINE_BYTES + 1 {
            self.too_long = true;
            // Let go of what was held: the line is refused whatever follows.
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    /// Ends the unfinished line; its bytes stay in `partial` until the next call.
    fn end_line(&mut self) -> (u64, Line<'_>) {
        self.line_number = self.line_number.saturating_add(1);
        self.handed_out = true;
        let line = if self.too_long {
            Line::TooLong
        } else {
            line_of(&self.partial)
        };
        (self.line_number, line)
    }
}

/// A complete line's bytes (before its `\n`) as a [`Line`]: a final `\r` is dropped.
pub(crate) fn line_of(bytes: &[u8]) -> Line<'_> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.len() > MAX_LINE_BYTES {
        Line::TooLong
    } else {
        Line::Text(bytes)
    }
}

/// Reads lines from a `BufRead`, numbering them from 1 (blank lines included in the count).
pub(crate) struct LineReader<R> {
    reader: R,
    splitter: LineSplitter,
}

impl<R: BufRead> LineReader<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self {
            reader,
            splitter: LineSplitter::new(),
        }
    }

    /// The next line and its number, or `None` at the end of the stream.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                return Ok(self.splitter.finish());
            }
            self.splitter.forget_handed_out();
            let taken = self.splitter.take_bom(available);
            if taken > 0 {
                self.reader.consume(taken);
                continue;
            }
            // The line is copied into the splitter rather than lent from the reader's
            // buffer, which must be consumed before the line is handed out.
            let (head, consumed, ended) = match memchr::memchr(b'\n', available) {
                Some(newline) => (&available[..newline], newline + 1, true),
                None => (available, available.len(), false),
            };
            self.splitter.forget_handed_out();
            self.splitter.append(head);
            self.reader.consume(consumed);
            if ended {
                return Ok(Some(self.splitter.end_line()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<(u64, Option<Vec<u8>>)> {
        collect_by(16, input)
    }

    /// The lines read through a reader buffer of `capacity` bytes.
    fn collect_by(capacity: usize, input: &[u8]) -> Vec<(u64, Option<Vec<u8>>)> {
        let mut reader = LineReader::new(io::BufReader::with_capacity(capacity, input));
        let mut lines = Vec::new();
        while let Some((number, line)) = reader.next_line().expect("in-memory read") {
            lines.push((
                number,
                match line {
                    Line::Text(bytes) => Some(bytes.to_vec()),
                    Line::TooLong => None,
                },
            ));
        }
        lines
    }

    #[test]
    fn splits_lines_across_small_buffers_and_strips_crlf() {
        let lines = collect(b"first line is long enough\r\n\nlast");
        assert_eq!(
            lines,
            vec![
                (1, Some(b"first line is long enough".to_vec())),
                (2, Some(Vec::new())),
                (3, Some(b"last".to_vec())),
            ]
        );
    }

    #[test]
    fn a_line_over_64_kib_is_refused_and_the_next_one_read() {
        let mut input = vec![b'x'; MAX_LINE_BYTES];
        input.push(b'\n');
        input.extend(vec![b'y'; MAX_LINE_BYTES + 1]);
        input.extend(b"\nafter\n");
        let lines = collect(&input);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].1.as_ref().map(Vec::len), Some(MAX_LINE_BYTES));
        assert_eq!(lines[1], (2, None));
        assert_eq!(lines[2], (3, Some(b"after".to_vec())));
    }

    #[test]
    fn a_huge_line_is_not_held_in_memory() {
        // 8 MiB of one line through a 64-byte buffer: the reader's own buffer stays small.
        let input = vec![b'z'; 8 << 20];
        let mut reader = LineReader::new(io::BufReader::with_capacity(64, &input[..]));
        let (number, line) = reader.next_line().expect("read").expect("one line");
        assert_eq!((number, line), (1, Line::TooLong));
        assert!(reader.splitter.partial.capacity() <= 2 * MAX_LINE_BYTES + 64);
    }

    fn owned(number: u64, line: Line<'_>) -> (u64, Option<Vec<u8>>) {
        match line {
            Line::Text(bytes) => (number, Some(bytes.to_vec())),
            Line::TooLong => (number, None),
        }
    }

    #[test]
    fn the_splitter_gives_the_same_lines_wherever_the_chunks_break() {
        let input = b"one\r\n\n  \r\ntwo\nthree";
        let want = vec![
            (1, Some(b"one".to_vec())),
            (2, Some(Vec::new())),
            (3, Some(b"  ".to_vec())),
            (4, Some(b"two".to_vec())),
            (5, Some(b"three".to_vec())),
        ];
        assert_eq!(collect(input), want);
        for cut in 0..=input.len() {
            let mut splitter = LineSplitter::new();
            let mut lines = Vec::new();
            for chunk in [&input[..cut], &input[cut..]] {
                let mut rest = chunk;
                while let Some((number, line)) = splitter.next_line(&mut rest) {
                    lines.push(owned(number, line));
                }
                assert!(rest.is_empty());
            }
            lines.extend(splitter.finish().map(|(number, line)| owned(number, line)));
            assert_eq!(lines, want, "cut at {cut}");
        }
    }

    #[test]
    fn nothing_after_the_last_newline_is_no_line() {
        let mut splitter = LineSplitter::new();
        let mut input = &b"a\n"[..];
        assert_eq!(splitter.next_line(&mut input), Some((1, Line::Text(b"a"))));
        assert_eq!(splitter.finish(), None);
        assert_eq!(collect(b"a\n"), vec![(1, Some(b"a".to_vec()))]);
        assert_eq!(collect(b""), vec![]);
    }

    /// The lines of `input` pushed into a splitter in two chunks, cut at `cut`.
    fn split_at(input: &[u8], cut: usize) -> Vec<(u64, Option<Vec<u8>>)> {
        let mut splitter = LineSplitter::new();
        let mut lines = Vec::new();
        for chunk in [&input[..cut], &input[cut..]] {
            let mut rest = chunk;
            while let Some((number, line)) = splitter.next_line(&mut rest) {
                lines.push(owned(number, line));
            }
            assert!(rest.is_empty());
        }
        lines.extend(splitter.finish().map(|(number, line)| owned(number, line)));
        lines
    }

    /// What every way of reading `input` gives: the reader with 1- and 16-byte buffers and
    /// the splitter cut anywhere. All must agree.
    fn every_way(input: &[u8]) -> Vec<(u64, Option<Vec<u8>>)> {
        let lines = collect_by(1, input);
        assert_eq!(collect(input), lines);
        for cut in 0..=input.len() {
            assert_eq!(split_at(input, cut), lines, "cut at {cut}");
        }
        lines
    }

    fn text(number: u64, bytes: &[u8]) -> (u64, Option<Vec<u8>>) {
        (number, Some(bytes.to_vec()))
    }

    #[test]
    fn one_byte_order_mark_at_the_very_start_is_dropped_and_the_numbering_kept() {
        assert_eq!(
            every_way(b"\xEF\xBB\xBFone\r\n\ntwo\n"),
            vec![text(1, b"one"), text(2, b""), text(3, b"two")]
        );
        // A mark alone, or before a blank line, is no text.
        assert_eq!(every_way(b"\xEF\xBB\xBF"), vec![]);
        assert_eq!(
            every_way(b"\xEF\xBB\xBF\nx"),
            vec![text(1, b""), text(2, b"x")]
        );
    }

    #[test]
    fn a_second_mark_a_later_mark_or_part_of_one_is_data() {
        assert_eq!(
            every_way(b"\xEF\xBB\xBF\xEF\xBB\xBFa\n"),
            vec![text(1, b"\xEF\xBB\xBFa")]
        );
        assert_eq!(
            every_way(b"a\n\xEF\xBB\xBFb\n"),
            vec![text(1, b"a"), text(2, b"\xEF\xBB\xBFb")]
        );
        // The start of a mark and then something else: every byte is kept.
        assert_eq!(every_way(b"\xEF\xBBx\n"), vec![text(1, b"\xEF\xBBx")]);
        assert_eq!(every_way(b"\xEF\n"), vec![text(1, b"\xEF")]);
        assert_eq!(every_way(b"\xEF\xBB"), vec![text(1, b"\xEF\xBB")]);
    }

    #[test]
    fn a_mark_does_not_count_towards_the_line_limit() {
        let mut input = BOM.to_vec();
        input.extend(vec![b'x'; MAX_LINE_BYTES]);
        input.push(b'\n');
        let lines = collect(&input);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].1.as_ref().map(Vec::len), Some(MAX_LINE_BYTES));
    }
}
