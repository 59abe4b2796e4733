use super::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn plain(code: KeyCode) -> KeyEvent {
    press(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    plain(KeyCode::Char(c))
}

#[test]
fn keys_ask_for_their_actions_and_aliases_for_the_same() {
    assert_eq!(action_for(&ch('3')), Some(KeyAction::Window(2)));
    assert_eq!(action_for(&ch('9')), Some(KeyAction::Window(8)));
    assert_eq!(action_for(&ch('0')), None);
    assert_eq!(action_for(&ch('q')), Some(KeyAction::Quit));
    assert_eq!(action_for(&ch('Q')), Some(KeyAction::Quit));
    let faster = Some(KeyAction::Replay(ReplayCommand::Faster));
    assert_eq!(action_for(&ch('+')), faster);
    assert_eq!(action_for(&ch('=')), faster);
    let slower = Some(KeyAction::Replay(ReplayCommand::Slower));
    assert_eq!(action_for(&ch('-')), slower);
    assert_eq!(action_for(&ch('_')), slower);
    let minute_back = ReplayCommand::Skip(Span::from_secs(-60));
    assert_eq!(
        action_for(&plain(KeyCode::Left)),
        Some(KeyAction::Replay(minute_back))
    );
    let quarter_on = ReplayCommand::Skip(Span::from_mins(15));
    assert_eq!(action_for(&ch(']')), Some(KeyAction::Replay(quarter_on)));
    assert_eq!(
        action_for(&plain(KeyCode::Esc)),
        Some(KeyAction::CloseOrQuit)
    );
    assert_eq!(action_for(&plain(KeyCode::Enter)), None);
    assert_eq!(action_for(&plain(KeyCode::Up)), Some(KeyAction::Scroll(-1)));
    assert_eq!(
        action_for(&plain(KeyCode::Down)),
        Some(KeyAction::Scroll(1))
    );
    assert_eq!(
        action_for(&plain(KeyCode::PageUp)),
        Some(KeyAction::ScrollPage(-1))
    );
    assert_eq!(
        action_for(&plain(KeyCode::PageDown)),
        Some(KeyAction::ScrollPage(1))
    );
}

#[test]
fn shift_is_ignored_ctrl_and_alt_chords_do_nothing_but_ctrl_c() {
    // `?` and `+` are shifted on many keyboards; some terminals report the Shift.
    assert_eq!(
        action_for(&press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
        Some(KeyAction::ToggleHelp)
    );
    for modifiers in [KeyModifiers::CONTROL, KeyModifiers::ALT] {
        for code in [KeyCode::Char('q'), KeyCode::Char('a'), KeyCode::Left] {
            assert_eq!(action_for(&press(code, modifiers)), None, "{modifiers:?}");
        }
    }
    for c in ['c', 'C'] {
        for modifiers in [
            KeyModifiers::CONTROL,
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        ] {
            let chord = press(KeyCode::Char(c), modifiers);
            assert_eq!(action_for(&chord), Some(KeyAction::Interrupt));
        }
    }
    assert_eq!(action_for(&ch('c')), None);
}

#[test]
fn a_release_asks_for_nothing() {
    let mut release = ch('q');
    release.kind = KeyEventKind::Release;
    assert_eq!(action_for(&release), None);
    let mut repeat = ch('q');
    repeat.kind = KeyEventKind::Repeat;
    assert_eq!(action_for(&repeat), Some(KeyAction::Quit));
}

#[test]
fn no_key_is_bound_twice() {
    let mut keys: Vec<Key> = Vec::new();
    for press in KEYMAP.iter().flat_map(|binding| binding.presses) {
        for key in std::iter::once(press.key).chain(press.aliases.iter().copied()) {
            assert!(!keys.contains(&key), "{} is bound twice", key.name());
            keys.push(key);
        }
    }
}

#[test]
fn keys_are_named_as_people_type_them() {
    let names: Vec<String> = [
        Key::char('q'),
        Key::char(' '),
        Key::plain(KeyCode::Esc),
        Key::plain(KeyCode::Home),
        Key::plain(KeyCode::Left),
        Key::ctrl('c'),
    ]
    .into_iter()
    .map(Key::name)
    .collect();
    assert_eq!(names, ["q", "space", "Esc", "Home", "←", "Ctrl-C"]);
}

#[test]
fn the_window_row_shows_only_configured_windows() {
    let row = &KEYMAP[0];
    let labels = ["15m", "1h", "24h"].map(String::from);
    assert_eq!(row.describe(&labels), "window: 1 15m, 2 1h, 3 24h");
    assert_eq!(row.footer_keys(3), "1-3");
    assert_eq!(row.footer_keys(9), "1-9");
    assert_eq!(row.footer_keys(1), "1");
    let names: Vec<String> = row.keys(2).map(Key::name).collect();
    assert_eq!(names, ["1", "2"]);
    // Other rows: the help as written, the first key in the footer.
    let quit = KEYMAP.iter().find(|b| b.does(KeyAction::Quit));
    assert_eq!(quit.map(|b| b.footer_keys(3)).as_deref(), Some("q"));
    assert_eq!(
        quit.map(|b| b.describe(&labels)).as_deref(),
        Some("quit (Esc closes help or rejected lines first)")
    );
}

#[test]
fn the_docs_table_has_a_row_per_binding_with_keys_in_code() {
    let table = markdown_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + KEYMAP.len());
    assert_eq!(
        lines[2],
        "| `1` / `2` / `3` | window: 1 15m, 2 1h, 3 24h | every board |"
    );
    assert!(
        lines.contains(
            &"| `q` / Esc | quit (Esc closes help or rejected lines first) | every board |"
        )
    );
    assert!(lines.contains(&"| `←` / `→` | seek 1 minute back / forward | `replay` |"));
}

#[test]
fn arrows_follow_the_glyphs() {
    use crate::ui::widgets::glyphs::ASCII;
    assert_eq!(in_glyphs("← force → area", &ASCII), "<- force -> area");
    assert_eq!(in_glyphs("↑ ↓", &ASCII), "Up Down");
}
