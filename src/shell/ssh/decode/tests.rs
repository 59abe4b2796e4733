//! What common terminals send for each key the board uses, byte for byte (xterm and VTE
//! in normal and application cursor mode, PuTTY and rxvt's Home/End, the Linux console's
//! F1–F5).

use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn with(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

/// The keys of one read, with nothing left waiting.
fn decode(bytes: &[u8]) -> Vec<KeyEvent> {
    let mut decoder = Decoder::new();
    let keys = decoder.feed(bytes);
    assert!(!decoder.has_pending(), "{bytes:?} left bytes waiting");
    keys
}

#[test]
fn arrows_in_both_cursor_modes() {
    for (csi, ss3, code) in [
        (b"\x1b[A", b"\x1bOA", KeyCode::Up),
        (b"\x1b[B", b"\x1bOB", KeyCode::Down),
        (b"\x1b[C", b"\x1bOC", KeyCode::Right),
        (b"\x1b[D", b"\x1bOD", KeyCode::Left),
    ] {
        assert_eq!(decode(csi), [key(code)]);
        assert_eq!(decode(ss3), [key(code)]);
    }
}

#[test]
fn arrows_with_modifiers() {
    assert_eq!(
        decode(b"\x1b[1;5C"),
        [with(KeyCode::Right, KeyModifiers::CONTROL)]
    );
    assert_eq!(
        decode(b"\x1b[1;2A"),
        [with(KeyCode::Up, KeyModifiers::SHIFT)]
    );
    assert_eq!(
        decode(b"\x1b[1;3D"),
        [with(KeyCode::Left, KeyModifiers::ALT)]
    );
}

#[test]
fn home_and_end_in_every_form() {
    for home in [&b"\x1b[H"[..], b"\x1b[1~", b"\x1b[7~", b"\x1bOH"] {
        assert_eq!(decode(home), [key(KeyCode::Home)], "{home:?}");
    }
    for end in [&b"\x1b[F"[..], b"\x1b[4~", b"\x1b[8~", b"\x1bOF"] {
        assert_eq!(decode(end), [key(KeyCode::End)], "{end:?}");
    }
}

#[test]
fn page_keys_insert_and_delete() {
    assert_eq!(decode(b"\x1b[5~"), [key(KeyCode::PageUp)]);
    assert_eq!(decode(b"\x1b[6~"), [key(KeyCode::PageDown)]);
    assert_eq!(decode(b"\x1b[2~"), [key(KeyCode::Insert)]);
    assert_eq!(decode(b"\x1b[3~"), [key(KeyCode::Delete)]);
}

#[test]
fn function_keys_one_to_twelve() {
    let sent: [&[u8]; 12] = [
        b"\x1bOP",
        b"\x1bOQ",
        b"\x1bOR",
        b"\x1bOS",
        b"\x1b[15~",
        b"\x1b[17~",
        b"\x1b[18~",
        b"\x1b[19~",
        b"\x1b[20~",
        b"\x1b[21~",
        b"\x1b[23~",
        b"\x1b[24~",
    ];
    for (n, bytes) in (1..=12u8).zip(sent) {
        assert_eq!(decode(bytes), [key(KeyCode::F(n))], "F{n}");
    }
    // The VT220 and PuTTY form of F1–F4, and the Linux console's F1–F5.
    assert_eq!(decode(b"\x1b[11~"), [key(KeyCode::F(1))]);
    assert_eq!(decode(b"\x1b[14~"), [key(KeyCode::F(4))]);
    assert_eq!(decode(b"\x1b[[A"), [key(KeyCode::F(1))]);
    assert_eq!(decode(b"\x1b[[E"), [key(KeyCode::F(5))]);
    // xterm's modified F1 (Shift+F1).
    assert_eq!(
        decode(b"\x1b[1;2P"),
        [with(KeyCode::F(1), KeyModifiers::SHIFT)]
    );
}

#[test]
fn esc_alone_waits_then_is_esc() {
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"\x1b"), []);
    assert!(decoder.has_pending());
    assert_eq!(decoder.flush(), [key(KeyCode::Esc)]);
    assert!(!decoder.has_pending());
}

#[test]
fn alt_and_a_key_is_not_esc() {
    assert_eq!(
        decode(b"\x1bq"),
        [with(KeyCode::Char('q'), KeyModifiers::ALT)]
    );
    assert_eq!(
        decode(b"\x1b1"),
        [with(KeyCode::Char('1'), KeyModifiers::ALT)]
    );
    // Alt+O is ESC O: with nothing after it, the timer decides.
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"\x1bO"), []);
    assert_eq!(
        decoder.flush(),
        [with(KeyCode::Char('O'), KeyModifiers::ALT)]
    );
}

#[test]
fn two_escs_are_two_esc_keys() {
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"\x1b\x1b"), [key(KeyCode::Esc)]);
    assert_eq!(decoder.flush(), [key(KeyCode::Esc)]);
}

#[test]
fn control_keys() {
    assert_eq!(
        decode(b"\x03"),
        [with(KeyCode::Char('c'), KeyModifiers::CONTROL)]
    );
    assert_eq!(
        decode(b"\x01"),
        [with(KeyCode::Char('a'), KeyModifiers::CONTROL)]
    );
    assert_eq!(decode(b"\t"), [key(KeyCode::Tab)]);
    assert_eq!(decode(b"\x1b[Z"), [key(KeyCode::BackTab)]);
}

#[test]
fn enter_as_cr_lf_or_crlf_is_one_enter_each() {
    assert_eq!(decode(b"\r"), [key(KeyCode::Enter)]);
    assert_eq!(decode(b"\n"), [key(KeyCode::Enter)]);
    assert_eq!(decode(b"\r\n"), [key(KeyCode::Enter)]);
    assert_eq!(decode(b"\r\r"), [key(KeyCode::Enter), key(KeyCode::Enter)]);
    assert_eq!(decode(b"\n\n"), [key(KeyCode::Enter), key(KeyCode::Enter)]);
    // The CRLF split between two reads is still one Enter.
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"\r"), [key(KeyCode::Enter)]);
    assert_eq!(decoder.feed(b"\nq"), [key(KeyCode::Char('q'))]);
}

#[test]
fn backspace_as_del_or_bs() {
    assert_eq!(decode(b"\x7f"), [key(KeyCode::Backspace)]);
    assert_eq!(decode(b"\x08"), [key(KeyCode::Backspace)]);
}

#[test]
fn a_sequence_split_across_reads() {
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"a\x1b"), [key(KeyCode::Char('a'))]);
    assert_eq!(decoder.feed(b"["), []);
    assert_eq!(decoder.feed(b"5"), []);
    assert_eq!(
        decoder.feed(b"~b"),
        [key(KeyCode::PageUp), key(KeyCode::Char('b'))]
    );
    assert!(!decoder.has_pending());
    assert_eq!(decoder.feed(b"\x1bO"), []);
    assert_eq!(decoder.feed(b"D"), [key(KeyCode::Left)]);
}

#[test]
fn several_keys_in_one_read() {
    assert_eq!(
        decode(b"av\x1b[C?q"),
        [
            key(KeyCode::Char('a')),
            key(KeyCode::Char('v')),
            key(KeyCode::Right),
            key(KeyCode::Char('?')),
            key(KeyCode::Char('q')),
        ]
    );
}

#[test]
fn capitals_carry_shift() {
    assert_eq!(
        decode(b"Q"),
        [with(KeyCode::Char('Q'), KeyModifiers::SHIFT)]
    );
}

#[test]
fn utf8_characters_whole_and_split() {
    assert_eq!(decode("é".as_bytes()), [key(KeyCode::Char('é'))]);
    assert_eq!(decode("€".as_bytes()), [key(KeyCode::Char('€'))]);
    assert_eq!(decode("🚓".as_bytes()), [key(KeyCode::Char('🚓'))]);
    let euro = "€".as_bytes();
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(&euro[..1]), []);
    assert_eq!(decoder.feed(&euro[1..2]), []);
    assert_eq!(decoder.feed(&euro[2..]), [key(KeyCode::Char('€'))]);
}

#[test]
fn garbage_is_dropped_and_what_follows_still_read() {
    // A lone continuation byte, an invalid lead byte, a broken sequence, an unknown CSI.
    assert_eq!(decode(b"\x80q"), [key(KeyCode::Char('q'))]);
    assert_eq!(decode(b"\xffq"), [key(KeyCode::Char('q'))]);
    assert_eq!(decode(b"\xc3q"), [key(KeyCode::Char('q'))]);
    assert_eq!(decode(b"\x1b[99~q"), [key(KeyCode::Char('q'))]);
    assert_eq!(decode(b"\x1b[?1;2cq"), [key(KeyCode::Char('q'))]);
    assert_eq!(decode(b"\x00\x1cq"), [key(KeyCode::Char('q'))]);
}

#[test]
fn a_runaway_sequence_is_never_buffered_for_ever() {
    let mut decoder = Decoder::new();
    let mut endless = b"\x1b[".to_vec();
    endless.extend(std::iter::repeat_n(b'1', 1000));
    assert_eq!(decoder.feed(&endless), []);
    assert!(decoder.pending.len() <= MAX_SEQUENCE);
    // An unfinished sequence at a pause is dropped whole.
    let mut decoder = Decoder::new();
    assert_eq!(decoder.feed(b"\x1b[1;"), []);
    assert_eq!(decoder.flush(), []);
    assert_eq!(decoder.feed(b"q"), [key(KeyCode::Char('q'))]);
}
