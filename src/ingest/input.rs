//! What a whole feed is read from: a regular file, whose parts the parser threads can read
//! for themselves, or any other stream of bytes (standard input, a pipe, bytes in memory).

use std::fs::File;
use std::io::{self, BufRead, BufReader};

/// The reading buffer of a file or of standard input on the single-threaded path.
pub const READ_BUFFER_BYTES: usize = 256 * 1024;

/// A whole feed to read.
pub enum FeedInput<'r> {
    /// A regular file of `len` bytes (its length when it was opened: a file still being
    /// written is read as it stood then).
    File { file: File, len: u64 },
    /// Bytes read in turn from the start.
    Stream(Box<dyn BufRead + 'r>),
}

impl FeedInput<'_> {
    /// `file` read by its parts if it is a regular file; otherwise (a pipe, a device) as a
    /// stream.
    pub fn file(file: File) -> io::Result<FeedInput<'static>> {
        let metadata = file.metadata()?;
        Ok(if metadata.is_file() {
            FeedInput::File {
                file,
                len: metadata.len(),
            }
        } else {
            FeedInput::Stream(Box::new(BufReader::with_capacity(READ_BUFFER_BYTES, file)))
        })
    }

    /// The same bytes read in turn from the start.
    pub fn into_stream<'s>(self) -> Box<dyn BufRead + 's>
    where
        Self: 's,
    {
        match self {
            // As far as the parallel path reads it: its length when opened.
            FeedInput::File { file, len } => Box::new(BufReader::with_capacity(
                READ_BUFFER_BYTES,
                io::Read::take(file, len),
            )),
            FeedInput::Stream(reader) => reader,
        }
    }
}

/// Any reader is a stream.
impl<'r, R: BufRead + 'r> From<R> for FeedInput<'r> {
    fn from(reader: R) -> Self {
        FeedInput::Stream(Box::new(reader))
    }
}
