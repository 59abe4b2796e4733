//! Splitting a byte stream into lines without ever holding more than 64 KiB of one line.

use std::io::{self, BufRead};

use crate::feed::parse::MAX_LINE_BYTES;

/// One physical line of a feed.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's bytes, without its `\n` (or `\r\n`).
    Text(&'a [u8]),
    /// Longer than [`MAX_LINE_BYTES`]: skipped to its end unread.
    TooLong,
}

/// Reads lines from a `BufRead`, numbering them from 1 (blank lines included in the count).
pub struct LineReader<R> {
    reader: R,
    buffer: Vec<u8>,
    line_number: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buffer: Vec::with_capacity(1024),
            line_number: 0,
        }
    }

    /// The next line and its number, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (chunk, consumed, done) = match memchr::memchr(b'\n', available) {
                Some(newline) => (&available[..newline], newline + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long {
                if self.buffer.len() + chunk.len() > MAX_LINE_BYTES + 1 {
                    // +1 leaves room for a `\r` that is stripped below.
                    too_long = true;
                    self.buffer.clear();
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            self.reader.consume(consumed);
            if done {
                break;
            }
        }
        self.line_number += 1;
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        if too_long || self.buffer.len() > MAX_LINE_BYTES {
            return Ok(Some((self.line_number, Line::TooLong)));
        }
        Ok(Some((self.line_number, Line::Text(&self.buffer))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<(u64, Option<Vec<u8>>)> {
        let mut reader = LineReader::new(io::BufReader::with_capacity(16, input));
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
        assert!(reader.buffer.capacity() <= 2 * MAX_LINE_BYTES + 64);
    }
}
