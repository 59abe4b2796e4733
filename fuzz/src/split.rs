//! The line splitter fed in chunks of a fuzzed size, and a naive splitter to compare it with.

use forceboard::feed::lines::{Line, LineSplitter, MAX_LINE_BYTES};

/// A line as the splitter hands it out, owned so lines can be kept and compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnedLine {
    Text(Vec<u8>),
    TooLong,
}

impl OwnedLine {
    pub fn as_line(&self) -> Line<'_> {
        match self {
            OwnedLine::Text(bytes) => Line::Text(bytes),
            OwnedLine::TooLong => Line::TooLong,
        }
    }

    fn of(line: Line<'_>) -> OwnedLine {
        match line {
            Line::Text(bytes) => OwnedLine::Text(bytes.to_vec()),
            Line::TooLong => OwnedLine::TooLong,
        }
    }
}

/// `bytes` pushed into a [`LineSplitter`] `chunk` bytes at a time (as a socket would hand
/// them over), with the numbers it gave each line.
pub fn split_in_chunks(bytes: &[u8], chunk: usize) -> Vec<(u64, OwnedLine)> {
    let mut splitter = LineSplitter::new();
    let mut lines = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        let mut rest = piece;
        while let Some((number, line)) = splitter.next_line(&mut rest) {
            lines.push((number, OwnedLine::of(line)));
        }
        assert!(rest.is_empty(), "the splitter left bytes of a chunk unread");
    }
    if let Some((number, line)) = splitter.finish() {
        lines.push((number, OwnedLine::of(line)));
    }
    lines
}

/// The lines of `bytes` read the plain way: split at every `\n`, one final `\r` dropped,
/// longer than [`MAX_LINE_BYTES`] refused, nothing after the last `\n` no line; numbered
/// from 1.
pub fn reference_lines(bytes: &[u8]) -> Vec<(u64, OwnedLine)> {
    let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|last| last.is_empty()) {
        pieces.pop();
    }
    pieces
        .into_iter()
        .zip(1..)
        .map(|(piece, number)| {
            let text = piece.strip_suffix(b"\r").unwrap_or(piece);
            let line = if text.len() > MAX_LINE_BYTES {
                OwnedLine::TooLong
            } else {
                OwnedLine::Text(text.to_vec())
            };
            (number, line)
        })
        .collect()
}
