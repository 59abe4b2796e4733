//! Stdin, and a file read once or tailed like `tail -F` (`--follow`): growth is polled for,
//! and a rotated (renamed and recreated) or truncated file is read again from its start.

use std::io;
use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tracing::{info, warn};

use super::{Closed, DownCause, Flow, Runner, SourceState};
use crate::feed::lines::LineSplitter;

#[cfg(unix)]
type FileId = Option<(u64, u64)>;
#[cfg(not(unix))]
type FileId = Option<()>;

#[cfg(unix)]
fn file_id(metadata: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_id(_metadata: &std::fs::Metadata) -> FileId {
    None
}

/// An open feed file and how far it has been read.
struct OpenFile {
    file: tokio::fs::File,
    id: FileId,
    /// The length when opened.
    length: u64,
    position: u64,
}

impl OpenFile {
    async fn open(path: &Path) -> io::Result<OpenFile> {
        let file = tokio::fs::File::open(path).await?;
        let metadata = file.metadata().await?;
        if metadata.is_dir() {
            return Err(io::Error::from(io::ErrorKind::IsADirectory));
        }
        Ok(OpenFile {
            file,
            id: file_id(&metadata),
            length: metadata.len(),
            position: 0,
        })
    }

    /// Picks up at `resume`'s offset if it names this same file and the file has not
    /// shrunk below it; returns whether it did.
    async fn resume(&mut self, resume: Option<(FileId, u64)>) -> bool {
        match resume {
            Some((id, position))
                if self.id.is_some() && id == self.id && self.length >= position =>
            {
                let sought = self.file.seek(io::SeekFrom::Start(position)).await;
                if sought.is_ok() {
                    self.position = position;
                }
                sought.is_ok()
            }
            _ => false,
        }
    }
}

/// What the path of a followed file names now, compared with the open file.
enum PathNow {
    /// The same file (or nothing: a rotation may be half done, so keep reading).
    Same,
    /// Another file: the old one was rotated away.
    Replaced,
    /// The same file, shorter than what was read: truncated in place.
    Shrunk,
}

async fn path_now(path: &Path, open: &OpenFile) -> PathNow {
    match tokio::fs::metadata(path).await {
        Err(_) => PathNow::Same,
        Ok(metadata) if open.id.is_some() && file_id(&metadata) != open.id => PathNow::Replaced,
        Ok(metadata) if metadata.len() < open.position => PathNow::Shrunk,
        Ok(_) => PathNow::Same,
    }
}

/// How reading one opened file ended.
enum Reading {
    /// The end of a file read without `--follow`.
    Ended,
    /// Rotated away or truncated: the path is opened again and read from its start.
    Reopen,
    /// A read failed; reading picks up where it stopped if the path still names the file.
    Failed(DownCause),
}

impl Runner {
    pub(super) async fn run_stdin(&mut self) -> Flow<()> {
        self.state(SourceState::Connected).await?;
        let session = self.read_stream(tokio::io::stdin(), None).await?;
        if let Some(cause) = session.cause {
            warn!(error = %cause, "reading the feed from stdin failed");
        }
        info!("feed ended (stdin)");
        self.state(SourceState::Ended).await
    }

    pub(super) async fn run_file(&mut self, path: &Path, follow: bool) -> Flow<()> {
        let mut attempt = 0;
        let mut splitter = LineSplitter::new();
        // After a read error: the file and offset to pick up from, if the path still names it.
        let mut resume: Option<(FileId, u64)> = None;
        let mut buffer = vec![0; 64 * 1024];
        let mut connected = false;
        self.state(SourceState::Connecting).await?;
        loop {
            let mut open = match OpenFile::open(path).await {
                Ok(open) => open,
                Err(error) => {
                    let cause = DownCause::from_file_open(&error);
                    self.back_off(&mut attempt, cause).await?;
                    self.state(SourceState::Connecting).await?;
                    continue;
                }
            };
            if !open.resume(resume.take()).await {
                splitter = LineSplitter::new();
            }
            attempt = 0;
            info!(source = %self.label, follow, "feed file opened");
            if !connected {
                // A rotation reopens the path without the source ever being down.
                connected = true;
                self.state(SourceState::Connected).await?;
            }
            let reading = self
                .read_file(path, follow, &mut open, &mut splitter, &mut buffer)
                .await?;
            match reading {
                Reading::Ended => return self.state(SourceState::Ended).await,
                Reading::Reopen => {}
                Reading::Failed(cause) => {
                    resume = Some((open.id, open.position));
                    connected = false;
                    self.back_off(&mut attempt, cause).await?;
                    self.state(SourceState::Connecting).await?;
                }
            }
        }
    }

    /// Reads an open file to its end, then (with `follow`) polls it for growth, rotation
    /// and truncation.
    async fn read_file(
        &self,
        path: &Path,
        follow: bool,
        open: &mut OpenFile,
        splitter: &mut LineSplitter,
        buffer: &mut [u8],
    ) -> Flow<Reading> {
        loop {
            if let Err(error) = self.drain(open, splitter, buffer).await? {
                return Ok(Reading::Failed(DownCause::from_io(&error)));
            }
            if !follow {
                self.flush(splitter).await?;
                info!(source = %self.label, "feed ended (end of file)");
                return Ok(Reading::Ended);
            }
            self.sleep(self.options.poll_interval).await?;
            match path_now(path, open).await {
                PathNow::Same => {}
                PathNow::Replaced => {
                    // Lines written to the old file just before it was moved away.
                    let _ = self.drain(open, splitter, buffer).await?;
                    self.flush(splitter).await?;
                    info!(source = %self.label, "feed file rotated: reading the new file");
                    return Ok(Reading::Reopen);
                }
                PathNow::Shrunk => {
                    self.flush(splitter).await?;
                    info!(source = %self.label, "feed file truncated: reading from its start");
                    return Ok(Reading::Reopen);
                }
            }
        }
    }

    /// Reads an open file to its current end.
    async fn drain(
        &self,
        open: &mut OpenFile,
        splitter: &mut LineSplitter,
        buffer: &mut [u8],
    ) -> Flow<io::Result<()>> {
        loop {
            let read = tokio::select! {
                read = open.file.read(buffer) => read,
                _ = self.tx.closed() => return Err(Closed),
            };
            match read {
                Ok(0) => return Ok(Ok(())),
                Ok(n) => {
                    open.position = open.position.saturating_add(n as u64);
                    self.pump(splitter, &buffer[..n]).await?;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Ok(Err(error)),
            }
        }
    }
}
