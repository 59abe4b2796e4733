//! The note typed with an acknowledgement: `A` opens it under the alert strip, letters
//! type into it, Enter acknowledges with the note (none if left empty), Esc leaves the
//! alert as it was.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The longest note kept: a line of the audit log, not a report.
pub(super) const NOTE_LIMIT: usize = 80;

/// A note being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NotePrompt {
    text: String,
}

/// What a key did to the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NoteStep {
    Typing,
    /// Enter: acknowledge, with this note (`None` when nothing was typed).
    Done(Option<String>),
    /// Esc (or Ctrl-C): acknowledge nothing.
    Cancelled,
}

impl NotePrompt {
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn key(&mut self, key: &KeyEvent) -> NoteStep {
        if key.kind == KeyEventKind::Release {
            return NoteStep::Typing;
        }
        match key.code {
            KeyCode::Enter => {
                let note = self.text.trim();
                NoteStep::Done((!note.is_empty()).then(|| note.to_string()))
            }
            KeyCode::Esc => NoteStep::Cancelled,
            KeyCode::Char('c' | 'C') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                NoteStep::Cancelled
            }
            KeyCode::Backspace => {
                self.text.pop();
                NoteStep::Typing
            }
            KeyCode::Char(c) if !c.is_control() && self.text.chars().count() < NOTE_LIMIT => {
                self.text.push(c);
                NoteStep::Typing
            }
            _ => NoteStep::Typing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(prompt: &mut NotePrompt, code: KeyCode) -> NoteStep {
        prompt.key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn letters_type_backspace_deletes_enter_acknowledges_esc_cancels() {
        let mut prompt = NotePrompt::default();
        for c in "two sicj".chars() {
            assert_eq!(press(&mut prompt, KeyCode::Char(c)), NoteStep::Typing);
        }
        press(&mut prompt, KeyCode::Backspace);
        press(&mut prompt, KeyCode::Char('k'));
        assert_eq!(prompt.text(), "two sick");
        assert_eq!(
            press(&mut prompt, KeyCode::Enter),
            NoteStep::Done(Some("two sick".to_string()))
        );
        assert_eq!(
            press(&mut NotePrompt::default(), KeyCode::Enter),
            NoteStep::Done(None)
        );
        assert_eq!(press(&mut prompt, KeyCode::Esc), NoteStep::Cancelled);
    }

    #[test]
    fn a_note_stops_at_eighty_characters_and_takes_no_control_characters() {
        let mut prompt = NotePrompt::default();
        for _ in 0..100 {
            press(&mut prompt, KeyCode::Char('x'));
        }
        press(&mut prompt, KeyCode::Char('\u{1b}'));
        assert_eq!(prompt.text().chars().count(), NOTE_LIMIT);
        assert!(prompt.text().chars().all(|c| c == 'x'));
    }
}
