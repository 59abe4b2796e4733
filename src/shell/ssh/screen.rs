//! One session's terminal, drawn into bytes rather than onto a screen: ratatui works out
//! what changed since the last frame, and the bytes go to the client over its channel.
//!
//! The first frame enters the alternate screen and hides the cursor; [`restore`] gives
//! back the client's screen as it was. A frame that was never sent (the client was too
//! slow to take it) is replaced by a full redraw, since the next frame's changes would
//! otherwise be counted from a screen the client never saw.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::style::{Print, ResetColor};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::Notify;

use crate::ui::{Board, View, draw};

/// Where ratatui writes a session's bytes, for [`Screen::frame`] to take them from.
#[derive(Clone, Default)]
struct Bytes(Arc<Mutex<Vec<u8>>>);

impl Bytes {
    fn buffer(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl io::Write for Bytes {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The most a session draws, whatever size its terminal says: 500 columns by 200 rows,
/// more than the largest wall display a control room would show the board on (a 4K
/// screen at a legible 8×18-pixel cell is 480×120), and about 12 MB of cells and board
/// per session. Past it the board is drawn in the top-left corner with a note of the
/// size drawn; a session's memory does not grow with the size it claims (a pty of
/// 65535×65535 would otherwise ask for gigabytes).
pub(crate) const MAX_DRAWN: (u16, u16) = (500, 200);

/// The client's screen as ratatui sees it: a fixed size (the pty's, up to [`MAX_DRAWN`]),
/// bytes out.
///
/// ratatui's own `clear` and `resize` ask the backend for the terminal's size and
/// cursor, which would be the server's own terminal (or none): a whole redraw is made
/// instead with a fresh terminal of the new size and a clear-screen sent first.
pub(crate) struct Screen {
    terminal: Terminal<CrosstermBackend<Bytes>>,
    written: Bytes,
    /// The size drawn: the terminal's, at most [`MAX_DRAWN`].
    size: (u16, u16),
    /// The size the terminal says it is.
    asked: (u16, u16),
    /// `×` in the cap note, or `x` on a terminal without UTF-8.
    times: char,
    started: bool,
    clear_first: bool,
}

impl Screen {
    /// A screen for a terminal of `width` × `height`; `utf8` if it shows UTF-8.
    pub(crate) fn new(width: u16, height: u16, utf8: bool) -> io::Result<Screen> {
        let size = capped(width, height);
        let (terminal, written) = fixed_terminal(size.0, size.1)?;
        Ok(Screen {
            terminal,
            written,
            size,
            asked: (width, height),
            times: if utf8 { '×' } else { 'x' },
            started: false,
            clear_first: true,
        })
    }

    /// The size the board is drawn at (what the board should lay itself out for).
    pub(crate) fn drawn(&self) -> (u16, u16) {
        self.size
    }

    /// The client's window is now this size: the next frame is drawn whole.
    pub(crate) fn resize(&mut self, width: u16, height: u16) -> io::Result<()> {
        self.asked = (width, height);
        self.size = capped(width, height);
        self.redraw_whole()
    }

    /// Past the cap, the note of what was drawn: below the board, or else right of it.
    fn cap_note(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let ((width, height), (asked_width, asked_height)) = (self.size, self.asked);
        if (width, height) == (asked_width, asked_height) {
            return Ok(());
        }
        let x = self.times;
        let note = format!("drawn at {width}{x}{height} of {asked_width}{x}{asked_height}");
        if asked_height > height {
            crossterm::queue!(out, MoveTo(0, height), Print(note))?;
        } else {
            let room = usize::from(asked_width - width - 1);
            let note: String = note.chars().take(room).collect();
            crossterm::queue!(out, MoveTo(width + 1, 0), Print(note))?;
        }
        Ok(())
    }

    /// The next frame clears the screen and draws every cell.
    pub(crate) fn redraw_whole(&mut self) -> io::Result<()> {
        let (terminal, written) = fixed_terminal(self.size.0, self.size.1)?;
        self.terminal = terminal;
        self.written = written;
        self.clear_first = true;
        Ok(())
    }

    /// The frame before this one was taken back unsent: the next is drawn whole, and if
    /// the one taken back was the first, what it began with (the alternate screen, the
    /// cursor hidden) goes again — else a client whose first frame was replaced (a busy
    /// server, a slow link) had the board drawn over its own screen and kept it on exit.
    pub(crate) fn frame_taken_back(&mut self) -> io::Result<()> {
        self.started = false;
        self.redraw_whole()
    }

    /// The bytes that take the client's screen from the last frame to this one, wrapped
    /// in synchronized output so a slow link never shows half a frame.
    pub(crate) fn frame(&mut self, board: &Board, view: &View) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            crossterm::queue!(out, EnterAlternateScreen, Hide)?;
        }
        crossterm::queue!(out, BeginSynchronizedUpdate)?;
        if std::mem::take(&mut self.clear_first) {
            crossterm::queue!(out, ResetColor, Clear(ClearType::All))?;
            self.cap_note(&mut out)?;
        }
        self.terminal.draw(|frame| draw(frame, board, view))?;
        out.append(&mut self.written.buffer());
        crossterm::queue!(out, EndSynchronizedUpdate)?;
        Ok(out)
    }
}

/// A terminal's size as drawn: each side at most [`MAX_DRAWN`]'s.
fn capped(width: u16, height: u16) -> (u16, u16) {
    (width.min(MAX_DRAWN.0), height.min(MAX_DRAWN.1))
}

fn fixed_terminal(
    width: u16,
    height: u16,
) -> io::Result<(Terminal<CrosstermBackend<Bytes>>, Bytes)> {
    let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
    let written = Bytes::default();
    let backend = CrosstermBackend::new(written.clone());
    let terminal = Terminal::with_options(backend, TerminalOptions { viewport })?;
    Ok((terminal, written))
}

/// What gives the client's screen back: the cursor shown, the main screen again.
pub(crate) fn restore() -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = crossterm::queue!(out, Show, LeaveAlternateScreen);
    out
}

/// What a session's writer is handed next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outgoing {
    Frame(Vec<u8>),
    /// The last bytes, then the channel is closed.
    Close(Vec<u8>),
}

#[derive(Default, Debug)]
struct Slot {
    frame: Option<Vec<u8>>,
    close: Option<Vec<u8>>,
    /// Why the board ended the session, when it did: the connection says it when it goes,
    /// whichever of the two is seen first (a client gone at the board's close is not a
    /// client that disconnected by itself).
    ended_because: Option<&'static str>,
}

/// A one-frame mailbox between the hub and a session's writer: the latest frame wins, so
/// a stalled client holds one frame at most and never holds up the hub or the feed.
#[derive(Default, Debug)]
pub(crate) struct Mailbox {
    slot: Mutex<Slot>,
    ready: Notify,
    /// The connection has gone: the writer stops, even mid-frame.
    abandoned: AtomicBool,
    gone: Notify,
}

impl Mailbox {
    pub(crate) fn new() -> Arc<Mailbox> {
        Arc::new(Mailbox::default())
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // The slot holds plain bytes: a panic elsewhere cannot leave it half-written.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes back a frame the writer has not sent yet: `true` if there was one (then the
    /// next frame must be drawn whole).
    pub(crate) fn take_unsent(&self) -> bool {
        self.slot().frame.take().is_some()
    }

    pub(crate) fn put(&self, frame: Vec<u8>) {
        self.slot().frame = Some(frame);
        self.ready.notify_one();
    }

    /// The session is over: these bytes go after any frame waiting, then the channel closes.
    pub(crate) fn close(&self, last: Vec<u8>) {
        self.slot().close = Some(last);
        self.ready.notify_one();
    }

    /// As [`close`](Self::close), the board ending the session for `reason`.
    pub(crate) fn close_because(&self, last: Vec<u8>, reason: &'static str) {
        self.slot().ended_because = Some(reason);
        self.close(last);
    }

    /// Why the board ended the session, if it did.
    pub(crate) fn ended_because(&self) -> Option<&'static str> {
        self.slot().ended_because
    }

    /// The connection has gone: nothing more will be sent.
    pub(crate) fn abandon(&self) {
        self.abandoned.store(true, Ordering::SeqCst);
        self.gone.notify_waiters();
        self.ready.notify_one();
    }

    /// Waits until the connection has gone.
    pub(crate) async fn gone(&self) {
        loop {
            let notified = self.gone.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the flag is read, so an abandon in between is not missed.
            notified.as_mut().enable();
            if self.abandoned.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }

    /// The next thing to send, waiting for one; `None` once the connection has gone.
    pub(crate) async fn next(&self) -> Option<Outgoing> {
        loop {
            if self.abandoned.load(Ordering::SeqCst) {
                return None;
            }
            {
                let mut slot = self.slot();
                if let Some(frame) = slot.frame.take() {
                    return Some(Outgoing::Frame(frame));
                }
                if let Some(last) = slot.close.take() {
                    return Some(Outgoing::Close(last));
                }
            }
            self.ready.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_latest_frame_wins_and_close_comes_last() {
        let mailbox = Mailbox::new();
        mailbox.put(b"one".to_vec());
        assert!(mailbox.take_unsent());
        mailbox.put(b"two".to_vec());
        mailbox.close(b"bye".to_vec());
        assert_eq!(mailbox.next().await, Some(Outgoing::Frame(b"two".to_vec())));
        assert_eq!(mailbox.next().await, Some(Outgoing::Close(b"bye".to_vec())));
        assert!(!mailbox.take_unsent());
    }

    #[tokio::test]
    async fn an_abandoned_mailbox_stops_its_writer() {
        let mailbox = Mailbox::new();
        mailbox.put(b"never sent".to_vec());
        mailbox.abandon();
        assert_eq!(mailbox.next().await, None);
        mailbox.gone().await; // returns at once
    }
}
