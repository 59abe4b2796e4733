//! `--record`: accepted lines written out by a thread of their own, behind a bounded
//! queue, so a slow or full disk never holds the board up.
//!
//! When the queue is full a line is dropped and counted, never waited for. When a write
//! fails (a full disk) the lines it held are counted as lost, the board is told why, and
//! the next lines are tried again: recording resumes by itself once writes succeed. A
//! write cut short leaves the file mid-line, so the next write starts on a new line; so
//! does the first, when the file it appends to does not end in a newline.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tracing::{info, warn};

use crate::app::RecordHealth;

/// Lines waiting for the disk; past this they are dropped (and counted as lost).
pub(crate) const RECORD_QUEUE: usize = 16_384;

/// At most this many bytes go to the disk in one write.
const BATCH_BYTES: usize = 256 * 1024;

/// The writing end of `--record`.
pub struct Recorder {
    queue: Option<SyncSender<String>>,
    health: Arc<Mutex<RecordHealth>>,
    /// Disconnected when the writer thread has finished.
    finished: Receiver<()>,
}

impl Recorder {
    /// Opens `path` to append to, creating it.
    pub fn open(path: &Path) -> io::Result<Recorder> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        let at_line_start = ends_a_line(&mut file)?;
        Ok(Recorder::start(file, at_line_start, RECORD_QUEUE))
    }

    /// Starts the writer thread on `out`; `at_line_start`: `out` does not end mid-line.
    pub fn start<W: Write + Send + 'static>(
        out: W,
        at_line_start: bool,
        capacity: usize,
    ) -> Recorder {
        let (queue, lines) = sync_channel(capacity);
        let (done, finished) = sync_channel(0);
        let health = Arc::new(Mutex::new(RecordHealth::default()));
        let writer = Writer {
            out,
            at_line_start,
            health: Arc::clone(&health),
        };
        std::thread::spawn(move || {
            writer.run(&lines);
            drop(done);
        });
        Recorder {
            queue: Some(queue),
            health,
            finished,
        }
    }

    /// Queues one line (without its newline); never waits.
    pub fn record(&mut self, line: String) {
        let Some(queue) = &self.queue else { return };
        match queue.try_send(line) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                let mut health = lock(&self.health);
                health.lost = health.lost.saturating_add(1);
            }
        }
    }

    pub fn health(&self) -> RecordHealth {
        lock(&self.health).clone()
    }

    /// Writes out what is queued, waiting at most `within` (a hung disk must not hold
    /// the exit up), and returns the final health.
    pub fn finish(mut self, within: Duration) -> RecordHealth {
        self.queue = None;
        // Disconnected (the thread ended) or timed out: either way, done waiting.
        let _ = self.finished.recv_timeout(within);
        self.health()
    }
}

/// The health is plain counters: a panic elsewhere cannot leave it inconsistent.
fn lock(health: &Mutex<RecordHealth>) -> std::sync::MutexGuard<'_, RecordHealth> {
    health.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether a file to be appended to ends with a newline (or is empty, or is no regular
/// file, such as a device).
fn ends_a_line(file: &mut File) -> io::Result<bool> {
    let metadata = file.metadata()?;
    if !metadata.is_file() || metadata.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The thread's side: takes lines off the queue and writes them in batches.
struct Writer<W> {
    out: W,
    at_line_start: bool,
    health: Arc<Mutex<RecordHealth>>,
}

/// One write's bytes, and where each of its lines ends.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    line_ends: Vec<usize>,
}

impl<W: Write> Writer<W> {
    fn run(mut self, lines: &Receiver<String>) {
        let mut batch = Batch::default();
        while let Ok(first) = lines.recv() {
            batch.bytes.clear();
            batch.line_ends.clear();
            if !self.at_line_start {
                batch.bytes.push(b'\n');
            }
            let mut next = Some(first);
            while let Some(line) = next {
                batch.bytes.extend_from_slice(line.as_bytes());
                batch.bytes.push(b'\n');
                batch.line_ends.push(batch.bytes.len());
                next = if batch.bytes.len() < BATCH_BYTES {
                    lines.try_recv().ok()
                } else {
                    None
                };
            }
            self.write(&batch);
        }
        let _ = self.out.flush();
    }

    /// Writes one batch and notes how it went.
    fn write(&mut self, batch: &Batch) {
        let (written, error) = write_what_fits(&mut self.out, &batch.bytes);
        if written > 0 {
            self.at_line_start = batch.bytes.get(written - 1) == Some(&b'\n');
        }
        let mut health = lock(&self.health);
        match error {
            None => {
                if health.failed.take().is_some() {
                    info!(lost = health.lost, "recording resumed");
                }
            }
            Some(error) => {
                let lost = batch.line_ends.iter().filter(|end| **end > written).count();
                health.lost = health.lost.saturating_add(lost as u64);
                if health.failed.is_none() {
                    health.failures = health.failures.saturating_add(1);
                }
                let reason = failure_words(&error);
                warn!(reason = %reason, lost = health.lost, "recording failed");
                health.failed = Some(reason);
            }
        }
    }
}

/// Writes as much of `bytes` as the writer takes; how much, and the error that stopped it.
fn write_what_fits<W: Write>(out: &mut W, bytes: &[u8]) -> (usize, Option<io::Error>) {
    let mut written = 0;
    while written < bytes.len() {
        match out.write(&bytes[written..]) {
            Ok(0) => return (written, Some(io::ErrorKind::WriteZero.into())),
            Ok(n) => written += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return (written, Some(error)),
        }
    }
    match out.flush() {
        Ok(()) => (written, None),
        Err(error) => (written, Some(error)),
    }
}

/// A write error in a few words, by its kind (an OS message could quote a path).
fn failure_words(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::StorageFull => "disk full".to_string(),
        io::ErrorKind::QuotaExceeded => "disk quota exceeded".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        kind => kind.to_string(),
    }
}
