//! The bytes an SSH client's terminal sends, as key presses: what crossterm does for a
//! local terminal, done here for a remote one (the server has no terminal of its own).
//!
//! Covers what common terminals (xterm, VTE, iTerm2, PuTTY, the Linux console, tmux)
//! send for the keys the board uses: arrows and Home/End in both their CSI (`ESC [`) and
//! SS3 (`ESC O`) forms, PgUp/PgDn, Insert/Delete, F1–F12, Alt+key as `ESC key`, the
//! control keys, Enter as CR, LF or CRLF, and UTF-8 characters. A sequence may arrive
//! split across reads; a lone ESC at the end of a read waits for
//! [`Decoder::flush`] (the caller's short timer) to tell Esc from the start of a sequence.
//! Anything else is dropped, never guessed at.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const ESC: u8 = 0x1b;
/// A control sequence longer than this is garbage: dropped, never buffered for ever.
const MAX_SEQUENCE: usize = 32;

/// Turns a client's byte stream into key presses; keeps an unfinished sequence between
/// reads.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    pending: Vec<u8>,
    /// The last byte taken was CR: an LF right after it is the same Enter.
    after_cr: bool,
}

/// What one look at the front of the buffer found.
enum Step {
    /// A key (or nothing, for bytes dropped) and how many bytes it took.
    Key(Option<KeyEvent>, usize),
    /// The bytes so far may be the start of a longer sequence: wait for more.
    Incomplete,
}

impl Decoder {
    pub(crate) fn new() -> Decoder {
        Decoder::default()
    }

    /// The keys in `bytes` (with whatever an earlier read left unfinished).
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<KeyEvent> {
        self.pending.extend_from_slice(bytes);
        let mut keys = Vec::new();
        let mut at = 0;
        while let Some(rest) = self.pending.get(at..).filter(|rest| !rest.is_empty()) {
            let after_cr = std::mem::replace(&mut self.after_cr, rest.first() == Some(&b'\r'));
            if after_cr && rest.first() == Some(&b'\n') {
                at += 1; // the LF of a CRLF: the CR was the Enter
                continue;
            }
            match step(rest) {
                Step::Key(key, used) => {
                    keys.extend(key);
                    at += used;
                }
                Step::Incomplete => {
                    self.after_cr = false;
                    break;
                }
            }
        }
        self.pending.drain(..at);
        keys
    }

    /// Something is waiting for more bytes (the caller should call [`flush`](Self::flush)
    /// if none come soon).
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// No more bytes came: what is waiting is taken as it stands — a lone ESC is Esc,
    /// `ESC x` is Alt+x, and an unfinished sequence or character is dropped.
    pub(crate) fn flush(&mut self) -> Vec<KeyEvent> {
        let pending = std::mem::take(&mut self.pending);
        self.after_cr = false;
        let key = match pending.as_slice() {
            [ESC] => Some(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            [ESC, byte] if byte.is_ascii_graphic() => Some(KeyEvent::new(
                KeyCode::Char(char::from(*byte)),
                KeyModifiers::ALT,
            )),
            _ => None,
        };
        key.into_iter().collect()
    }
}

fn plain(code: KeyCode) -> Option<KeyEvent> {
    Some(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The first key in `bytes` (not empty).
fn step(bytes: &[u8]) -> Step {
    let Some(&first) = bytes.first() else {
        return Step::Incomplete;
    };
    match first {
        ESC => escape(bytes),
        b'\r' | b'\n' => Step::Key(plain(KeyCode::Enter), 1),
        0x7f | 0x08 => Step::Key(plain(KeyCode::Backspace), 1),
        b'\t' => Step::Key(plain(KeyCode::Tab), 1),
        0x01..=0x1a => {
            let letter = char::from(b'a' + (first - 1));
            Step::Key(
                Some(KeyEvent::new(KeyCode::Char(letter), KeyModifiers::CONTROL)),
                1,
            )
        }
        0x00 | 0x1c..=0x1f => Step::Key(None, 1),
        0x20..=0x7e => Step::Key(Some(character(char::from(first))), 1),
        _ => utf8(bytes),
    }
}

/// A printed character; capitals carry SHIFT, as crossterm reports them.
fn character(c: char) -> KeyEvent {
    let modifiers = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), modifiers)
}

/// A multi-byte UTF-8 character, or one byte of garbage dropped.
fn utf8(bytes: &[u8]) -> Step {
    let Some(&first) = bytes.first() else {
        return Step::Incomplete;
    };
    let width = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Key(None, 1),
    };
    let Some(encoded) = bytes.get(..width) else {
        // Wait for the rest, unless what came already cannot be part of one.
        let continuing = bytes.iter().skip(1).all(|b| b & 0xc0 == 0x80);
        return if continuing {
            Step::Incomplete
        } else {
            Step::Key(None, 1)
        };
    };
    match std::str::from_utf8(encoded)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => Step::Key(Some(character(c)), width),
        None => Step::Key(None, 1),
    }
}

/// What starts with ESC: a CSI or SS3 sequence, Alt+key, or Esc.
fn escape(bytes: &[u8]) -> Step {
    match bytes.get(1) {
        None => Step::Incomplete,
        Some(b'[') => csi(bytes),
        Some(b'O') => ss3(bytes),
        // ESC ESC: the first is Esc on its own (the second starts afresh).
        Some(&ESC) => Step::Key(plain(KeyCode::Esc), 1),
        Some(&next) if next.is_ascii_graphic() || next == b' ' => {
            let key = KeyEvent::new(KeyCode::Char(char::from(next)), KeyModifiers::ALT);
            Step::Key(Some(key), 2)
        }
        // ESC then a control or non-ASCII byte: Esc, and the byte is read on its own.
        Some(_) => Step::Key(plain(KeyCode::Esc), 1),
    }
}

/// `ESC O x`: arrows, Home/End and F1–F4 in the terminal's application mode.
fn ss3(bytes: &[u8]) -> Step {
    let Some(&last) = bytes.get(2) else {
        return Step::Incomplete;
    };
    let code = match last {
        b'M' => KeyCode::Enter,
        _ => match final_key(last) {
            Some(code) => code,
            // Alt+O followed by an unrelated byte: take Alt+O, read the byte afresh.
            None => {
                let alt_o = KeyEvent::new(KeyCode::Char('O'), KeyModifiers::ALT);
                return Step::Key(Some(alt_o), 2);
            }
        },
    };
    Step::Key(plain(code), 3)
}

/// `ESC [ params final`.
fn csi(bytes: &[u8]) -> Step {
    // The Linux console's F1–F5: ESC [ [ A … E.
    if bytes.get(2) == Some(&b'[') {
        return match bytes.get(3) {
            None => Step::Incomplete,
            Some(&last @ b'A'..=b'E') => Step::Key(plain(KeyCode::F(last - b'A' + 1)), 4),
            Some(_) => Step::Key(None, 4),
        };
    }
    let body = bytes.get(2..).unwrap_or_default();
    let Some(end) = body.iter().position(|b| (0x40..=0x7e).contains(b)) else {
        // Broken off by a byte that cannot be in one: drop it up to there, read on.
        if let Some(broken) = body.iter().position(|b| !(0x20..0x40).contains(b)) {
            return Step::Key(None, broken + 2);
        }
        // Parameters without end: dropped, never buffered for ever.
        return if bytes.len() > MAX_SEQUENCE {
            Step::Key(None, bytes.len())
        } else {
            Step::Incomplete
        };
    };
    let used = end + 3;
    let (params, last) = (&body[..end], body[end]);
    Step::Key(csi_key(params, last), used)
}

fn csi_key(params: &[u8], last: u8) -> Option<KeyEvent> {
    let text = std::str::from_utf8(params).ok()?;
    let mut numbers = text.split(';').map(|part| part.parse::<u16>().ok());
    let first = numbers.next().flatten();
    let modifiers = numbers
        .next()
        .flatten()
        .map_or(KeyModifiers::NONE, modifier_bits);
    let code = match last {
        b'Z' => KeyCode::BackTab,
        b'~' => tilde_key(first?)?,
        _ => final_key(last)?,
    };
    Some(KeyEvent::new(code, modifiers))
}

/// The final byte that names the key in both `ESC O x` and `ESC [ … x`: the arrows,
/// Home and End, F1–F4.
fn final_key(last: u8) -> Option<KeyCode> {
    Some(match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(last - b'P' + 1),
        _ => return None,
    })
}

/// `ESC [ n ~`: the VT220 editing keys and function keys.
fn tilde_key(number: u16) -> Option<KeyCode> {
    Some(match number {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F(u8::try_from(number - 10).ok()?),
        17..=21 => KeyCode::F(u8::try_from(number - 11).ok()?),
        23 | 24 => KeyCode::F(u8::try_from(number - 12).ok()?),
        _ => return None,
    })
}

/// xterm's modifier parameter: 1 + a bit mask (1 Shift, 2 Alt, 4 Ctrl).
fn modifier_bits(parameter: u16) -> KeyModifiers {
    let bits = parameter.saturating_sub(1);
    let mut modifiers = KeyModifiers::NONE;
    if bits & 1 != 0 {
        modifiers |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        modifiers |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        modifiers |= KeyModifiers::CONTROL;
    }
    modifiers
}

#[cfg(test)]
mod tests;
