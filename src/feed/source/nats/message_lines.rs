//! What a message on a force's subject holds: one line, or several separated by `\n`.
//!
//! `publish` gathers the lines its source has ready at once into one message (a file or a
//! backlog: up to [`MAX_MESSAGE_LINES`] lines or [`MAX_MESSAGE_BYTES`], within five minutes
//! of the feed's time; a live feed's line, alone when the next has not come yet, goes out
//! at once, alone). The server's and the
//! client's cost is per message, not per byte: a national day's backfill as one message a
//! line spent most of its time delivering messages (performance doc §43). A message of
//! one line is the form older publishers wrote, read the same way.

/// The most lines `publish` puts in one message.
pub const MAX_MESSAGE_LINES: usize = 256;

/// The most bytes `publish` puts in one message of several lines (a line alone may be
/// longer, up to the line limit): well inside NATS's default payload limit of 1 MiB.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;

/// Where a line is in the stream: its message's sequence, then its place in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamPosition {
    pub sequence: u64,
    /// 0 for a message's first (or only) line.
    pub index: u32,
}

impl StreamPosition {
    /// A message's first line.
    pub const fn first_of(sequence: u64) -> StreamPosition {
        StreamPosition { sequence, index: 0 }
    }
}

/// The lines of a message's payload, in order, each with its place in the message.
pub fn message_lines(payload: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    // A message holds far fewer than 2^32 lines (the server's payload limit is 64 MiB at
    // most); past that every line would share the last place.
    (0..=u32::MAX).zip(payload.split(|&byte| byte == b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_split_at_each_newline_and_a_line_alone_is_itself() {
        let lines: Vec<_> = message_lines(b"{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}").collect();
        assert_eq!(
            lines,
            vec![
                (0, &b"{\"a\":1}"[..]),
                (1, &b"{\"b\":2}"[..]),
                (2, &b""[..]),
                (3, &b"{\"c\":3}"[..])
            ]
        );
        let alone: Vec<_> = message_lines(b"{\"a\":1}").collect();
        assert_eq!(alone, vec![(0, &b"{\"a\":1}"[..])]);
        assert!(
            StreamPosition::first_of(7)
                < StreamPosition {
                    sequence: 7,
                    index: 1
                }
        );
        assert!(
            StreamPosition {
                sequence: 7,
                index: 9
            } < StreamPosition::first_of(8)
        );
    }
}
